//! Numbers, money and dates in the reader's locale: English `1,234.5` and `31 Dec 2026`,
//! Spanish `1.234,5` and `31/12/2026` (DESIGN §15).

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use hub_domain::Decimal;
use hub_domain::catalogue::Unit;
use hub_domain::i18n::Lang;
use rust_decimal::RoundingStrategy;

const MONTHS_EN: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

fn separators(lang: Lang) -> (char, char) {
    match lang {
        Lang::En => (',', '.'),
        Lang::Es => ('.', ','),
    }
}

/// `value` rounded to `decimals` places (trailing zeros dropped), grouped by thousands.
pub fn number(lang: Lang, value: Decimal, decimals: u32) -> String {
    let rounded = value
        .round_dp_with_strategy(decimals, RoundingStrategy::MidpointAwayFromZero)
        .normalize();
    let text = rounded.abs().to_string();
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let (group, point) = separators(lang);
    let mut out = String::with_capacity(text.len() + 6);
    if rounded.is_sign_negative() && !rounded.is_zero() {
        out.push('-');
    }
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push(group);
        }
        out.push(digit);
    }
    if !fraction.is_empty() {
        out.push(point);
        out.push_str(fraction);
    }
    out
}

/// An amount in US dollars, whole dollars.
pub fn usd(lang: Lang, value: Decimal) -> String {
    format!("USD {}", number(lang, value, 0))
}

/// A ratio (0.875) as a percentage (`87.5%`, Spanish `87,5 %`).
pub fn ratio(lang: Lang, value: Decimal) -> String {
    percent(lang, value * Decimal::ONE_HUNDRED)
}

/// A percentage already on the 0–100 scale.
pub fn percent(lang: Lang, value: Decimal) -> String {
    match lang {
        Lang::En => format!("{}%", number(lang, value, 1)),
        Lang::Es => format!("{} %", number(lang, value, 1)),
    }
}

/// A value of a KPI in its unit.
pub fn in_unit(lang: Lang, value: Decimal, unit: Unit) -> String {
    match unit {
        Unit::Usd => usd(lang, value),
        Unit::Percent => percent(lang, value),
        Unit::Days => number(lang, value, 1),
        Unit::Count => number(lang, value, 0),
        Unit::Litres => number(lang, value, 0),
    }
}

/// A short axis label: `1.2M`, `350k` (Spanish `1,2 M`, `350 k`).
pub fn compact(lang: Lang, value: Decimal) -> String {
    let abs = value.abs();
    let (scaled, suffix) = if abs >= Decimal::from(1_000_000_000) {
        (value / Decimal::from(1_000_000_000), "G")
    } else if abs >= Decimal::from(1_000_000) {
        (value / Decimal::from(1_000_000), "M")
    } else if abs >= Decimal::from(10_000) {
        (value / Decimal::from(1_000), "k")
    } else {
        return number(lang, value, 1);
    };
    match lang {
        Lang::En => format!("{}{suffix}", number(lang, scaled, 1)),
        Lang::Es => format!("{} {suffix}", number(lang, scaled, 1)),
    }
}

/// A calendar date.
pub fn date(lang: Lang, day: NaiveDate) -> String {
    match lang {
        Lang::En => format!(
            "{} {} {}",
            day.day(),
            MONTHS_EN[day.month0() as usize],
            day.year()
        ),
        Lang::Es => day.format("%d/%m/%Y").to_string(),
    }
}

/// A moment, to the minute, in UTC.
pub fn moment(lang: Lang, at: DateTime<Utc>) -> String {
    format!("{} {} UTC", date(lang, at.date_naive()), at.format("%H:%M"))
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;

    fn d(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap()
    }

    #[test]
    fn spanish_numbers_group_with_points_and_use_a_decimal_comma() {
        assert_eq!(number(Lang::Es, d("1234.5"), 1), "1.234,5");
        assert_eq!(number(Lang::En, d("1234.5"), 1), "1,234.5");
        assert_eq!(number(Lang::Es, d("1234567.891"), 2), "1.234.567,89");
        assert_eq!(number(Lang::En, d("-1234567"), 0), "-1,234,567");
        assert_eq!(number(Lang::En, d("999"), 0), "999");
        assert_eq!(number(Lang::En, d("-0.01"), 1), "0");
    }

    #[test]
    fn dates_follow_the_locale() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 31).unwrap();
        assert_eq!(date(Lang::Es, day), "31/12/2026");
        assert_eq!(date(Lang::En, day), "31 Dec 2026");
    }

    #[test]
    fn ratios_and_amounts_read_naturally() {
        assert_eq!(ratio(Lang::En, d("0.875")), "87.5%");
        assert_eq!(ratio(Lang::Es, d("0.875")), "87,5 %");
        assert_eq!(usd(Lang::Es, d("1234567.4")), "USD 1.234.567");
        assert_eq!(compact(Lang::En, d("1250000")), "1.3M");
        assert_eq!(compact(Lang::Es, d("350000")), "350 k");
    }
}
