//! The pages, one module per page or group (DESIGN §15). Each handler parses its request, calls
//! the application with the viewer's caller, and presents the answer; none reads the database.

pub mod activity;
pub mod countries;
pub mod explorer;
pub mod exports;
pub mod governance;
pub mod kpis;
pub mod overview;
pub mod sign_in;
pub mod sources;
pub mod submissions;
pub mod workplans;

use chrono::{Datelike, NaiveDate, Utc};
use hub_app::AppError;
use hub_domain::catalogue::ServiceLine;
use hub_domain::period::Period;

use crate::context::Ctx;
use crate::i18n::Tr;
use crate::layout::PageError;

/// Today, in UTC (the hub's calendar).
pub fn today() -> NaiveDate {
    Utc::now().date_naive()
}

/// The year a figure page opens on: the last full year, the one annual reports are about.
pub fn default_year() -> i32 {
    today().year() - 1
}

/// The years a year picker offers, newest first.
pub fn years() -> Vec<i32> {
    let this = today().year();
    (this - 5..=this).rev().collect()
}

/// `text` as a year the hub takes, or an `Invalid` error naming `field`.
pub fn parse_year(field: &str, text: Option<&str>, ctx: &Ctx) -> Result<i32, PageError> {
    let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(default_year());
    };
    text.parse::<i32>()
        .ok()
        .and_then(|y| Period::year(y).ok().map(|_| y))
        .ok_or_else(|| {
            app_error(
                ctx,
                AppError::invalid(field, format!("{text:?} is not a year the hub takes")),
            )
        })
}

/// An application error of this request, as a page error.
pub fn app_error(ctx: &Ctx, err: AppError) -> PageError {
    PageError::App(err, ctx.request_id.clone())
}

/// The last `count` quarters up to and including `last`, oldest first.
pub fn quarters_up_to(last: Period, count: usize) -> Vec<Period> {
    let mut out = vec![last];
    while out.len() < count {
        let earlier = out[0].previous();
        out.insert(0, earlier);
    }
    out
}

/// The last quarter that has ended by today (the newest a report can be due for).
pub fn last_ended_quarter() -> Period {
    Period::of_date(today()).previous()
}

/// A service line's name in the reader's language.
pub fn line_name(tr: Tr, line: ServiceLine) -> String {
    tr.t(&format!("line-{line}"))
}

#[cfg(test)]
mod tests {
    use hub_domain::access::{Classification, Role};
    use hub_domain::analytics::{FigureFlag, Rating, Timeliness};
    use hub_domain::catalogue::{Direction, SpatialAggregation, TemporalAggregation, Unit};
    use hub_domain::governance::{ActivityStatus, GovernanceFlag, WorkPlanAction, WorkPlanStatus};
    use hub_domain::i18n::Lang;
    use hub_domain::submission::SubmissionStatus;

    use super::*;

    /// Keys made from a vocabulary (`line-HR`, `plan-SUBMITTED` ...) exist for every word, in
    /// both languages.
    #[test]
    fn every_word_of_the_vocabularies_has_a_text() {
        let mut keys: Vec<String> = Vec::new();
        let mut add = |prefix: &str, words: Vec<String>| {
            keys.extend(words.into_iter().map(|w| format!("{prefix}-{w}")));
        };
        add(
            "line",
            ServiceLine::ALL.iter().map(ToString::to_string).collect(),
        );
        add("role", Role::ALL.iter().map(ToString::to_string).collect());
        add("unit", Unit::ALL.iter().map(ToString::to_string).collect());
        add(
            "agg-spatial",
            SpatialAggregation::ALL
                .iter()
                .map(ToString::to_string)
                .collect(),
        );
        add(
            "agg-temporal",
            TemporalAggregation::ALL
                .iter()
                .map(ToString::to_string)
                .collect(),
        );
        add(
            "direction",
            Direction::ALL.iter().map(ToString::to_string).collect(),
        );
        add(
            "flag",
            FigureFlag::ALL.iter().map(ToString::to_string).collect(),
        );
        add(
            "rating",
            Rating::ALL.iter().map(ToString::to_string).collect(),
        );
        add(
            "status",
            Timeliness::ALL.iter().map(ToString::to_string).collect(),
        );
        add(
            "class",
            Classification::ALL
                .iter()
                .map(ToString::to_string)
                .collect(),
        );
        add(
            "submission",
            SubmissionStatus::ALL
                .iter()
                .map(ToString::to_string)
                .collect(),
        );
        add(
            "receipt",
            SubmissionStatus::ALL
                .iter()
                .map(ToString::to_string)
                .collect(),
        );
        add(
            "plan",
            WorkPlanStatus::ALL
                .iter()
                .map(ToString::to_string)
                .collect(),
        );
        add(
            "plan-action",
            WorkPlanAction::ALL
                .iter()
                .map(ToString::to_string)
                .collect(),
        );
        add(
            "activity",
            ActivityStatus::ALL
                .iter()
                .map(ToString::to_string)
                .collect(),
        );
        add(
            "gflag",
            GovernanceFlag::ALL
                .iter()
                .map(ToString::to_string)
                .collect(),
        );
        for key in [
            "nav-overview",
            "nav-kpis",
            "nav-countries",
            "nav-workplans",
            "nav-taskforces",
            "nav-meetings",
            "nav-sources",
            "nav-exports",
            "workplans-none",
            "country-active",
            "country-inactive",
            "doc-kpi-report",
            "doc-bos",
        ] {
            keys.push(key.to_owned());
        }
        let missing: Vec<String> = keys
            .iter()
            .flat_map(|k| Lang::ALL.iter().map(move |l| (k, *l)))
            .filter(|(k, l)| !Tr(*l).has(k))
            .map(|(k, l)| format!("{l}: {k}"))
            .collect();
        assert!(missing.is_empty(), "missing texts: {missing:?}");
    }
}
