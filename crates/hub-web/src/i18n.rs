//! The message catalogues: every text of the pages, one Fluent file per language
//! (`locales/en.ftl`, `locales/es.ftl`, the Spanish of the UN glossary). Messages are looked up
//! by key; arguments are passed already formatted for the reader's locale ([`crate::format`]),
//! so the catalogues hold words, not number formats.

use std::sync::LazyLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};
use hub_domain::i18n::Lang;
use unic_langid::LanguageIdentifier;

/// The English catalogue's source.
pub const EN_SOURCE: &str = include_str!("../locales/en.ftl");
/// The Spanish catalogue's source.
pub const ES_SOURCE: &str = include_str!("../locales/es.ftl");

struct Catalogues {
    en: FluentBundle<FluentResource>,
    es: FluentBundle<FluentResource>,
}

fn bundle(tag: &str, source: &str) -> FluentBundle<FluentResource> {
    let id: LanguageIdentifier = tag.parse().unwrap_or_default();
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    // Isolation marks around arguments would show as stray characters in attributes and tests.
    bundle.set_use_isolating(false);
    // A syntax error leaves the rest usable; the catalogue tests fail on any.
    let resource =
        FluentResource::try_new(source.to_owned()).unwrap_or_else(|(resource, errors)| {
            tracing::error!(
                language = tag,
                ?errors,
                "message catalogue has syntax errors"
            );
            resource
        });
    if let Err(errors) = bundle.add_resource(resource) {
        tracing::error!(
            language = tag,
            ?errors,
            "message catalogue has duplicate keys"
        );
    }
    bundle
}

static CATALOGUES: LazyLock<Catalogues> = LazyLock::new(|| Catalogues {
    en: bundle("en", EN_SOURCE),
    es: bundle("es", ES_SOURCE),
});

/// The texts of one language; cheap to copy into every part of a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tr(pub Lang);

impl Tr {
    /// The language.
    pub fn lang(self) -> Lang {
        self.0
    }

    fn bundle(self) -> &'static FluentBundle<FluentResource> {
        match self.0 {
            Lang::En => &CATALOGUES.en,
            Lang::Es => &CATALOGUES.es,
        }
    }

    /// Whether the catalogue has `key`.
    pub fn has(self, key: &str) -> bool {
        self.bundle().has_message(key)
    }

    /// The message `key`; the key itself when the catalogue lacks it (the key tests prevent it).
    pub fn t(self, key: &str) -> String {
        self.format(key, None)
    }

    /// The message `key` with its arguments, each given as display text.
    pub fn t_with(self, key: &str, args: &[(&str, String)]) -> String {
        let mut fluent = FluentArgs::new();
        for (name, value) in args {
            fluent.set(*name, value.clone());
        }
        self.format(key, Some(&fluent))
    }

    /// The message `key` when the catalogue has it, else `fallback` (codes the catalogue does
    /// not explain, e.g. a problem code added to the ingestion before its message).
    pub fn t_or(self, key: &str, fallback: &str) -> String {
        if self.has(key) {
            self.t(key)
        } else {
            fallback.to_owned()
        }
    }

    fn format(self, key: &str, args: Option<&FluentArgs<'_>>) -> String {
        let bundle = self.bundle();
        let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) else {
            tracing::warn!(key, language = %self.0, "message missing from the catalogue");
            return key.to_owned();
        };
        let mut errors = Vec::new();
        let text = bundle.format_pattern(pattern, args, &mut errors);
        if !errors.is_empty() {
            tracing::warn!(key, ?errors, "message formatted with errors");
        }
        text.into_owned()
    }
}

/// The keys a catalogue source defines, in order (messages only; comments and continuation
/// lines skipped).
pub fn keys(source: &str) -> Vec<&str> {
    source
        .lines()
        .filter(|line| line.starts_with(|c: char| c.is_ascii_alphabetic()))
        .filter_map(|line| line.split_once('=').map(|(key, _)| key.trim()))
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn both_catalogues_have_the_same_keys() {
        let en: BTreeSet<_> = keys(EN_SOURCE).into_iter().collect();
        let es: BTreeSet<_> = keys(ES_SOURCE).into_iter().collect();
        let only_en: Vec<_> = en.difference(&es).collect();
        let only_es: Vec<_> = es.difference(&en).collect();
        assert!(only_en.is_empty(), "keys missing in es.ftl: {only_en:?}");
        assert!(only_es.is_empty(), "keys missing in en.ftl: {only_es:?}");
    }

    #[test]
    fn catalogues_parse_without_errors_or_duplicate_keys() {
        for (tag, source) in [("en", EN_SOURCE), ("es", ES_SOURCE)] {
            let resource = FluentResource::try_new(source.to_owned())
                .unwrap_or_else(|(_, errors)| panic!("{tag}.ftl: {errors:?}"));
            let mut bundle = FluentBundle::new_concurrent(vec![tag.parse().unwrap()]);
            bundle
                .add_resource(resource)
                .unwrap_or_else(|errors| panic!("{tag}.ftl: {errors:?}"));
            let list = keys(source);
            let unique: BTreeSet<_> = list.iter().collect();
            assert_eq!(unique.len(), list.len(), "{tag}.ftl repeats a key");
        }
    }

    #[test]
    fn every_key_the_pages_use_is_in_the_catalogues() {
        let mut missing = Vec::new();
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
        for key in used_keys(std::path::Path::new(dir)) {
            for tr in [Tr(Lang::En), Tr(Lang::Es)] {
                if !tr.has(&key) {
                    missing.push(format!("{}: {key}", tr.lang()));
                }
            }
        }
        assert!(
            missing.is_empty(),
            "keys used but not in a catalogue: {missing:?}"
        );
    }

    #[test]
    fn spanish_texts_differ_from_english_ones() {
        // A Spanish catalogue copied from the English one would pass the key tests.
        let same: Vec<_> = keys(EN_SOURCE)
            .into_iter()
            .filter(|k| {
                let (en, es) = (Tr(Lang::En).t(k), Tr(Lang::Es).t(k));
                en == es && en.chars().any(char::is_lowercase) && en.contains(' ')
            })
            .collect();
        assert!(same.is_empty(), "untranslated: {same:?}");
    }

    /// Every literal key passed to `t`, `t_with` or `t_or` in the sources.
    fn used_keys(dir: &std::path::Path) -> BTreeSet<String> {
        let mut found = BTreeSet::new();
        let mut stack = vec![dir.to_path_buf()];
        while let Some(path) = stack.pop() {
            if path.is_dir() {
                for entry in std::fs::read_dir(&path).unwrap() {
                    stack.push(entry.unwrap().path());
                }
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") || path.ends_with("i18n.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for call in [".t(\"", ".t_with(\"", ".t_or(\""] {
                for (at, _) in text.match_indices(call) {
                    let rest = &text[at + call.len()..];
                    if let Some(end) = rest.find('"') {
                        found.insert(rest[..end].to_owned());
                    }
                }
            }
        }
        found
    }
}
