//! The two languages of the hub's users (DESIGN §15): English and Spanish, the UN's Spanish of
//! `reference/glossary-en-es.csv`. Codes stay codes in both; labels, headers and messages follow
//! the caller's language.

vocabulary!(
    /// A language the hub speaks.
    Lang, "language" {
        En => "en",
        Es => "es",
    }
);

impl Lang {
    /// The language of a `lang` parameter, any case; `None` for an unknown one.
    pub fn parse_loose(text: &str) -> Option<Lang> {
        match text.trim().to_ascii_lowercase().as_str() {
            "en" | "eng" | "english" => Some(Lang::En),
            "es" | "spa" | "español" | "espanol" | "spanish" => Some(Lang::Es),
            _ => None,
        }
    }

    /// The preferred language of an `Accept-Language` header (`es-CO,es;q=0.9,en;q=0.8`): the
    /// first of the two the caller ranks highest; English when it names neither.
    pub fn from_accept_language(header: &str) -> Lang {
        let mut best: Option<(f32, Lang)> = None;
        for part in header.split(',') {
            let mut pieces = part.split(';');
            let tag = pieces.next().unwrap_or_default().trim();
            let quality = pieces
                .find_map(|p| {
                    p.trim()
                        .strip_prefix("q=")
                        .and_then(|q| q.parse::<f32>().ok())
                })
                .unwrap_or(1.0);
            let primary = tag.split('-').next().unwrap_or_default();
            if let Some(lang) = Lang::parse_loose(primary)
                && best.is_none_or(|(q, _)| quality > q)
            {
                best = Some((quality, lang));
            }
        }
        best.map_or(Lang::En, |(_, lang)| lang)
    }

    /// `english` or `spanish` text, as this language asks.
    pub fn pick<'a>(self, english: &'a str, spanish: &'a str) -> &'a str {
        match self {
            Lang::En => english,
            Lang::Es => spanish,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_the_highest_ranked_of_english_and_spanish() {
        assert_eq!(
            Lang::from_accept_language("es-CO,es;q=0.9,en;q=0.8"),
            Lang::Es
        );
        assert_eq!(
            Lang::from_accept_language("fr-FR,en;q=0.5,es;q=0.4"),
            Lang::En
        );
        assert_eq!(Lang::from_accept_language("en;q=0.2, es;q=0.7"), Lang::Es);
        assert_eq!(Lang::from_accept_language("fr"), Lang::En);
        assert_eq!(Lang::from_accept_language(""), Lang::En);
    }

    #[test]
    fn lang_parameters_are_read_loosely() {
        assert_eq!(Lang::parse_loose(" ES "), Some(Lang::Es));
        assert_eq!(Lang::parse_loose("en"), Some(Lang::En));
        assert_eq!(Lang::parse_loose("pt"), None);
    }
}
