//! Data quality (DESIGN §16): outliers on demand, follow-up marks and min-max bounds (ROMT,
//! ADMIN), the validation rules (read by anyone, changed by ADMIN), and the data quality report
//! of a year. Every change is audited in its own transaction.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::Utc;
use hub_domain::Decimal;
use hub_domain::access::Action;
use hub_domain::codes::CountryCode;
use hub_domain::period::Period;
use hub_domain::quality::{Bounds, OutlierAlgorithm, RuleKind, ValidationRule, assess, to_f64};
use hub_domain::submission::CommonServiceStatus;
use hub_store::quality;
use hub_store::reference;
use serde_json::json;

use crate::audit::{self, Change};
use crate::error::{AppError, AppResult};
use crate::figures::dataset::{Dataset, Parts, visible};
use crate::figures::quality::{DataQualityReport, data_quality_report};
use crate::figures::{parse_range, quarters_of, today};
use crate::{App, Caller};

pub use hub_domain::quality::{Importance, OutlierAlgorithm as Algorithm};
pub use hub_store::quality::SetBounds;

/// The most outliers one call lists.
pub const MAX_OUTLIERS: usize = 5_000;

/// What `outliers` looks for.
#[derive(Debug, Clone, PartialEq)]
pub struct OutlierQuery {
    pub kpi: String,
    pub from: String,
    pub to: String,
    pub algorithm: OutlierAlgorithm,
    /// Over the configured threshold of the KPI.
    pub threshold: Option<f64>,
    /// 500 when `None`, at most [`MAX_OUTLIERS`].
    pub max_results: Option<usize>,
}

/// One value found far from its history.
#[derive(Debug, Clone, PartialEq)]
pub struct Outlier {
    pub value_id: i64,
    pub submission_id: i64,
    pub country: String,
    pub period: Period,
    pub kpi: String,
    pub common_service: Option<String>,
    pub value: Decimal,
    pub mean: f64,
    pub std_dev: f64,
    /// The algorithm's score (z or modified z); `None` when the history has no spread or the
    /// bounds were set by hand.
    pub z_score: Option<f64>,
    pub lower_bound: f64,
    pub upper_bound: f64,
    /// The history's length, in earlier quarters.
    pub history: usize,
    pub follow_up: bool,
}

/// The longest rule message.
const MAX_RULE_MESSAGE: usize = 500;

/// How far an outlier without a score (bounds set by hand) lies outside its bounds, in widths
/// of the bounds, so the most extreme sort first.
fn beyond_bounds(o: &Outlier) -> f64 {
    let value = to_f64(o.value).unwrap_or(f64::INFINITY);
    let outside = (o.lower_bound - value).max(value - o.upper_bound);
    let width = o.upper_bound - o.lower_bound;
    if width > 0.0 {
        outside / width
    } else {
        f64::INFINITY
    }
}

fn bounds_json(bounds: &Option<SetBounds>) -> serde_json::Value {
    match bounds {
        Some(b) => json!({ "lower": b.lower.to_string(), "upper": b.upper.to_string() }),
        None => serde_json::Value::Null,
    }
}

fn rule_json(rule: &ValidationRule) -> serde_json::Value {
    json!({
        "id": rule.id, "kind": rule.kind, "kpi": rule.kpi, "otherKpi": rule.other_kpi,
        "status": rule.status, "factor": rule.factor.map(|f| f.to_string()),
        "importance": rule.importance, "messageEn": rule.message_en,
        "messageEs": rule.message_es, "enabled": rule.enabled,
    })
}

impl App {
    /// Values of `kpi` from `from` to `to` far from their country's earlier quarters (per common
    /// service), most extreme first. Only values the caller may see are judged or judged against.
    #[tracing::instrument(skip(self, caller), fields(caller = %caller.label(), request_id = caller.request_id()))]
    pub async fn outliers(&self, caller: &Caller, query: &OutlierQuery) -> AppResult<Vec<Outlier>> {
        let viewer = caller.viewer();
        let kpi = self.kpi(&query.kpi).await?;
        let periods = parse_range(&query.from, &query.to)?;
        let quarters = quarters_of(&periods);
        let (Some(first), Some(last)) = (quarters.first().copied(), quarters.last().copied())
        else {
            return Ok(vec![]);
        };
        if let Some(t) = query.threshold
            && !(t.is_finite() && t > 0.0)
        {
            return Err(AppError::invalid("threshold", "must be a positive number"));
        }
        let max = query.max_results.unwrap_or(500);
        if max == 0 || max > MAX_OUTLIERS {
            return Err(AppError::invalid(
                "maxResults",
                format!("must be from 1 to {MAX_OUTLIERS}"),
            ));
        }
        let code = kpi.code.to_string();
        let threshold = query
            .threshold
            .unwrap_or_else(|| self.ingestor().outliers().threshold(&code, query.algorithm));
        let set: HashMap<String, Bounds> = quality::bounds(self.db(), None, Some(&code))
            .await?
            .into_iter()
            .filter_map(|b| {
                Some((
                    b.country,
                    Bounds {
                        lower: to_f64(b.lower)?,
                        upper: to_f64(b.upper)?,
                    },
                ))
            })
            .collect();
        let values = quality::series(self.db(), &code, last).await?;
        let mut series: HashMap<(String, Option<String>), Vec<f64>> = HashMap::new();
        let mut found = Vec::new();
        // Values come ordered by country and period: each is judged against those before it.
        for value in values {
            if !visible(&viewer, value.classification, &value.country) {
                continue;
            }
            let Some(number) = value.value.and_then(to_f64) else {
                continue;
            };
            let key = (value.country.clone(), value.common_service.clone());
            let history = series.entry(key).or_default();
            if value.period >= first {
                let bounds = set.get(&value.country).copied();
                if let Some(a) = assess(history, number, query.algorithm, threshold, bounds)
                    && a.outlier
                    && let Some(amount) = value.value
                {
                    found.push(Outlier {
                        value_id: value.id,
                        submission_id: value.submission_id,
                        country: value.country.clone(),
                        period: value.period,
                        kpi: value.kpi.clone(),
                        common_service: value.common_service.clone(),
                        value: amount,
                        mean: a.mean,
                        std_dev: a.std_dev,
                        z_score: a.score,
                        lower_bound: a.bounds.lower,
                        upper_bound: a.bounds.upper,
                        history: history.len(),
                        follow_up: value.follow_up,
                    });
                }
            }
            history.push(number);
        }
        found.sort_by(|a, b| {
            let extreme = |o: &Outlier| o.z_score.map_or_else(|| beyond_bounds(o), f64::abs);
            extreme(b)
                .total_cmp(&extreme(a))
                .then_with(|| a.country.cmp(&b.country))
                .then_with(|| a.period.cmp(&b.period))
        });
        found.truncate(max);
        Ok(found)
    }

    /// Marks a stored value for follow-up with its country team, or clears the mark.
    #[tracing::instrument(skip(self, caller), fields(caller = %caller.label(), request_id = caller.request_id()))]
    pub async fn mark_follow_up(
        &self,
        caller: &Caller,
        value_id: i64,
        follow_up: bool,
    ) -> AppResult<bool> {
        caller.may(Action::ReviewDataQuality)?;
        let txn = hub_store::begin(self.db()).await?;
        let Some(value) = quality::value(&txn, value_id).await? else {
            return Err(AppError::NotFound(format!("no stored value {value_id}")));
        };
        if value.follow_up != follow_up {
            quality::set_follow_up(&txn, value_id, follow_up).await?;
            audit::record(
                &txn,
                caller,
                Change {
                    action: "value.follow_up",
                    entity_type: "kpi_value",
                    entity_id: value_id.to_string(),
                    before: Some(&json!({ "followUp": value.follow_up })),
                    after: Some(&json!({ "followUp": follow_up })),
                    summary: format!(
                        "{} {} {} {}",
                        value.country,
                        value.period,
                        value.kpi,
                        if follow_up {
                            "marked for follow-up"
                        } else {
                            "follow-up cleared"
                        }
                    ),
                },
            )
            .await?;
        }
        hub_store::commit(txn).await?;
        Ok(follow_up)
    }

    /// The min-max bounds set by hand (for a country, a KPI, or all).
    pub async fn min_max_bounds(
        &self,
        country: Option<&str>,
        kpi: Option<&str>,
    ) -> AppResult<Vec<SetBounds>> {
        Ok(quality::bounds(self.db(), country, kpi).await?)
    }

    /// Sets the bounds `MIN_MAX` judges a country's KPI by; `None` clears them (the bounds are
    /// then generated: mean ± 2 sd).
    #[tracing::instrument(skip(self, caller), fields(caller = %caller.label(), request_id = caller.request_id()))]
    pub async fn set_min_max(
        &self,
        caller: &Caller,
        country: &str,
        kpi: &str,
        range: Option<(Decimal, Decimal)>,
    ) -> AppResult<Option<SetBounds>> {
        caller.may(Action::ReviewDataQuality)?;
        let country = CountryCode::parse(country).map_err(|e| AppError::invalid("country", e))?;
        if reference::country(self.db(), country.as_str())
            .await?
            .is_none()
        {
            return Err(AppError::NotFound(format!("no country team {country}")));
        }
        let kpi = self.kpi(kpi).await?.code;
        if let Some((lower, upper)) = range
            && lower > upper
        {
            return Err(AppError::invalid(
                "lower",
                format!("{lower} is above the upper bound {upper}"),
            ));
        }
        let txn = hub_store::begin(self.db()).await?;
        let before =
            quality::set_bounds(&txn, country.as_str(), kpi.as_str(), range, &caller.label())
                .await?;
        let after = quality::bounds(&txn, Some(country.as_str()), Some(kpi.as_str()))
            .await?
            .into_iter()
            .next();
        audit::record(
            &txn,
            caller,
            Change {
                action: "outlier_bound.set",
                entity_type: "outlier_bound",
                entity_id: format!("{country}:{kpi}"),
                before: Some(&bounds_json(&before)),
                after: Some(&bounds_json(&after)),
                summary: match range {
                    Some((lower, upper)) => format!("{country} {kpi}: bounds {lower} to {upper}"),
                    None => format!("{country} {kpi}: bounds cleared (generated again)"),
                },
            },
        )
        .await?;
        hub_store::commit(txn).await?;
        Ok(after)
    }

    /// Every validation rule, enabled or not.
    pub async fn validation_rules(&self) -> AppResult<Vec<ValidationRule>> {
        Ok(quality::rules(self.db()).await?)
    }

    /// The rule as ADMIN wrote it, checked and normalized (KPI codes as the catalogue spells them,
    /// messages trimmed).
    async fn checked_rule(&self, input: &ValidationRule) -> AppResult<ValidationRule> {
        let id_ok = (3..=64).contains(&input.id.len())
            && input
                .id
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
        if !id_ok {
            return Err(AppError::invalid(
                "id",
                "3 to 64 upper-case letters, digits or '_'",
            ));
        }
        let kpi = self.kpi(&input.kpi).await?.code.to_string();
        let other_kpi = match (&input.other_kpi, input.kind) {
            (Some(other), _) => Some(self.kpi(other).await?.code.to_string()),
            (None, RuleKind::AtMostMultiple) => {
                return Err(AppError::invalid(
                    "otherKpi",
                    "an AT_MOST_MULTIPLE rule compares with another KPI",
                ));
            }
            (None, _) => None,
        };
        match (input.kind, input.factor) {
            (RuleKind::AtMostMultiple | RuleKind::AtMostPlannedShare, None) => {
                return Err(AppError::invalid(
                    "factor",
                    "this kind of rule needs a factor",
                ));
            }
            (_, Some(f)) if f <= Decimal::ZERO || f > Decimal::from(1_000_000) => {
                return Err(AppError::invalid(
                    "factor",
                    "must be above 0 and at most 1000000",
                ));
            }
            _ => {}
        }
        if let Some(status) = &input.status {
            status
                .parse::<CommonServiceStatus>()
                .map_err(|e| AppError::invalid("status", e))?;
        }
        for (field, text) in [
            ("messageEn", &input.message_en),
            ("messageEs", &input.message_es),
        ] {
            if text.trim().is_empty() || text.chars().count() > MAX_RULE_MESSAGE {
                return Err(AppError::invalid(
                    field,
                    format!("must hold 1 to {MAX_RULE_MESSAGE} characters"),
                ));
            }
        }
        Ok(ValidationRule {
            id: input.id.clone(),
            kind: input.kind,
            kpi,
            other_kpi,
            status: input.status.clone(),
            factor: input.factor,
            importance: input.importance,
            message_en: input.message_en.trim().to_owned(),
            message_es: input.message_es.trim().to_owned(),
            enabled: input.enabled,
        })
    }

    /// Adds a rule (`exists` false) or changes one (`exists` true); a disabled rule stays
    /// listed and checks nothing.
    #[tracing::instrument(skip(self, caller, input), fields(caller = %caller.label(), request_id = caller.request_id(), rule = %input.id))]
    pub async fn save_validation_rule(
        &self,
        caller: &Caller,
        input: &ValidationRule,
        exists: bool,
    ) -> AppResult<ValidationRule> {
        caller.may(Action::ManageValidationRules)?;
        let rule = self.checked_rule(input).await?;
        let txn = hub_store::begin(self.db()).await?;
        let before = quality::rule(&txn, &rule.id).await?;
        match (&before, exists) {
            (Some(_), false) => {
                return Err(AppError::Conflict(format!(
                    "validation rule {} exists; update it instead",
                    rule.id
                )));
            }
            (None, true) => {
                return Err(AppError::NotFound(format!(
                    "no validation rule {}",
                    rule.id
                )));
            }
            _ => {}
        }
        quality::save_rule(&txn, &rule).await?;
        audit::record(
            &txn,
            caller,
            Change {
                action: if exists {
                    "validation_rule.update"
                } else {
                    "validation_rule.create"
                },
                entity_type: "validation_rule",
                entity_id: rule.id.clone(),
                before: before.as_ref().map(rule_json).as_ref(),
                after: Some(&rule_json(&rule)),
                summary: format!(
                    "validation rule {} {}{}",
                    rule.id,
                    if exists { "changed" } else { "added" },
                    if rule.enabled { "" } else { " (disabled)" }
                ),
            },
        )
        .await?;
        hub_store::commit(txn).await?;
        Ok(rule)
    }

    /// The data quality report of `year`, with the year before for trends.
    #[tracing::instrument(skip(self, caller), fields(caller = %caller.label(), request_id = caller.request_id()))]
    pub async fn data_quality_report(
        &self,
        caller: &Caller,
        year: i32,
    ) -> AppResult<Arc<DataQualityReport>> {
        let viewer = caller.viewer();
        let period = Period::year(year).map_err(|e| AppError::invalid("year", e))?;
        let mut quarters = period.previous().quarters();
        quarters.extend(period.quarters());
        let reference = self.reference_data(self.versions().await?).await?;
        let dataset = Dataset::load(
            self.db(),
            &reference,
            &viewer,
            &quarters,
            Parts {
                kpis: None,
                services: false,
            },
            None,
            today(),
        )
        .await?;
        let stale = hub_store::sources::stale_countries(self.db(), Utc::now()).await?;
        Ok(Arc::new(data_quality_report(&dataset, period, &stale)))
    }
}
