//! Data quality (DESIGN §16): outliers, follow-up marks, min-max bounds, validation rules and the
//! data quality report of a year. Every operation is one call of the service layer.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use hub_app::figures::quality::{CountryQuality, DataQualityReport, QualityCounts, QualityQuarter};
use hub_app::quality::{Outlier, OutlierQuery, SetBounds};
use hub_domain::Decimal;
use hub_domain::analytics::Timeliness;
use hub_domain::quality::{Importance, OutlierAlgorithm, RuleKind, ValidationRule};

use super::context;
use super::limits;
use crate::error::GqlResult;

/// A value far from its country's earlier quarters of the KPI.
#[derive(SimpleObject, Debug)]
#[graphql(name = "Outlier")]
pub struct OutlierView {
    /// The stored value's id, for `markFollowUp`.
    pub value_id: ID,
    pub submission_id: ID,
    pub country: String,
    pub period: String,
    pub kpi: String,
    pub common_service: Option<String>,
    /// Harmonized (USD for money).
    pub value: Decimal,
    /// Of the earlier quarters.
    pub mean: f64,
    pub std_dev: f64,
    /// The algorithm's score (z, or modified z); null when the history has no spread or the
    /// bounds were set by hand.
    pub z_score: Option<f64>,
    pub lower_bound: f64,
    pub upper_bound: f64,
    /// Earlier quarters judged against.
    pub history_quarters: i32,
    pub follow_up: bool,
}

impl From<Outlier> for OutlierView {
    fn from(o: Outlier) -> Self {
        Self {
            value_id: ID::from(o.value_id),
            submission_id: ID::from(o.submission_id),
            country: o.country,
            period: o.period.to_string(),
            kpi: o.kpi,
            common_service: o.common_service,
            value: o.value,
            mean: o.mean,
            std_dev: o.std_dev,
            z_score: o.z_score,
            lower_bound: o.lower_bound,
            upper_bound: o.upper_bound,
            history_quarters: i32::try_from(o.history).unwrap_or(i32::MAX),
            follow_up: o.follow_up,
        }
    }
}

/// Bounds set by hand for a country's KPI.
#[derive(SimpleObject, Debug)]
#[graphql(name = "MinMaxBounds")]
pub struct BoundsView {
    pub country: String,
    pub kpi: String,
    pub lower: Decimal,
    pub upper: Decimal,
    pub set_by: String,
    pub set_at: chrono::DateTime<chrono::Utc>,
}

impl From<SetBounds> for BoundsView {
    fn from(b: SetBounds) -> Self {
        Self {
            country: b.country,
            kpi: b.kpi,
            lower: b.lower,
            upper: b.upper,
            set_by: b.set_by,
            set_at: b.set_at,
        }
    }
}

/// A validation rule across the values of one report.
#[derive(SimpleObject, Debug)]
#[graphql(name = "ValidationRule")]
pub struct RuleView {
    pub id: String,
    pub kind: RuleKind,
    pub kpi: String,
    pub other_kpi: Option<String>,
    /// The common-service status counted (COVERS_SERVICES).
    pub status: Option<String>,
    pub factor: Option<Decimal>,
    pub importance: Importance,
    pub message_en: String,
    pub message_es: String,
    pub enabled: bool,
}

impl From<ValidationRule> for RuleView {
    fn from(r: ValidationRule) -> Self {
        Self {
            id: r.id,
            kind: r.kind,
            kpi: r.kpi,
            other_kpi: r.other_kpi,
            status: r.status,
            factor: r.factor,
            importance: r.importance,
            message_en: r.message_en,
            message_es: r.message_es,
            enabled: r.enabled,
        }
    }
}

/// A validation rule as ADMIN writes it.
#[derive(InputObject, Debug)]
pub struct ValidationRuleInput {
    /// 3 to 64 upper-case letters, digits or '_'.
    pub id: String,
    pub kind: RuleKind,
    pub kpi: String,
    /// The KPI compared with (AT_MOST_MULTIPLE).
    pub other_kpi: Option<String>,
    /// The common-service status counted (COVERS_SERVICES, default ACTIVE).
    pub status: Option<String>,
    /// The multiple (AT_MOST_MULTIPLE, AT_MOST_PLANNED_SHARE).
    pub factor: Option<Decimal>,
    #[graphql(default_with = "Importance::Medium")]
    pub importance: Importance,
    pub message_en: String,
    pub message_es: String,
    #[graphql(default = true)]
    pub enabled: bool,
}

impl From<ValidationRuleInput> for ValidationRule {
    fn from(i: ValidationRuleInput) -> Self {
        Self {
            id: i.id,
            kind: i.kind,
            kpi: i.kpi,
            other_kpi: i.other_kpi,
            status: i.status,
            factor: i.factor,
            importance: i.importance,
            message_en: i.message_en,
            message_es: i.message_es,
            enabled: i.enabled,
        }
    }
}

/// What went wrong, counted.
#[derive(SimpleObject, Debug)]
#[graphql(name = "QualityCounts")]
pub struct CountsView {
    pub rejected_values: i32,
    pub outliers: i32,
    pub rule_violations: i32,
    pub late_reports: i32,
    pub missing_reports: i32,
}

impl From<&QualityCounts> for CountsView {
    fn from(c: &QualityCounts) -> Self {
        Self {
            rejected_values: c.rejected_values,
            outliers: c.outliers,
            rule_violations: c.rule_violations,
            late_reports: c.late,
            missing_reports: c.missing,
        }
    }
}

/// One quarter of one country.
#[derive(SimpleObject, Debug)]
#[graphql(name = "QualityQuarter")]
pub struct QuarterView {
    pub period: String,
    /// Null for a quarter not yet due and not reported.
    pub timeliness: Option<Timeliness>,
    pub counts: CountsView,
}

impl From<&QualityQuarter> for QuarterView {
    fn from(q: &QualityQuarter) -> Self {
        Self {
            period: q.period.to_string(),
            timeliness: q.timeliness,
            counts: (&q.counts).into(),
        }
    }
}

/// One country's year, with the year before for the trend.
#[derive(SimpleObject, Debug)]
#[graphql(name = "CountryQuality")]
pub struct CountryView {
    pub country: String,
    pub name: String,
    /// Its federation source has not synced for two intervals.
    pub stale: bool,
    /// The four quarters of the year.
    #[graphql(complexity = "limits::bounded(4, child_complexity)")]
    pub quarters: Vec<QuarterView>,
    pub totals: CountsView,
    pub previous_year: CountsView,
}

impl From<&CountryQuality> for CountryView {
    fn from(c: &CountryQuality) -> Self {
        Self {
            country: c.country.clone(),
            name: c.name.clone(),
            stale: c.stale,
            quarters: c.quarters.iter().map(Into::into).collect(),
            totals: (&c.totals).into(),
            previous_year: (&c.previous).into(),
        }
    }
}

/// The data quality report of a year.
#[derive(SimpleObject, Debug)]
#[graphql(name = "DataQualityReport")]
pub struct ReportView {
    pub year: i32,
    #[graphql(complexity = "limits::bounded(limits::size::COUNTRIES, child_complexity)")]
    pub countries: Vec<CountryView>,
    pub totals: CountsView,
    pub previous_year: CountsView,
}

impl From<&DataQualityReport> for ReportView {
    fn from(r: &DataQualityReport) -> Self {
        Self {
            year: r.year,
            countries: r.countries.iter().map(Into::into).collect(),
            totals: (&r.totals).into(),
            previous_year: (&r.previous).into(),
        }
    }
}

fn value_id(id: &ID) -> GqlResult<i64> {
    id.parse::<i64>().map_err(|_| {
        hub_app::AppError::invalid("valueId", format!("{:?} is not a value id", id.as_str())).into()
    })
}

#[derive(Default, Debug)]
pub struct QualityQuery;

#[Object]
impl QualityQuery {
    /// Values of `kpi` from `from` to `to` (quarters or years) far from their country's earlier
    /// quarters (at least 4, per common service), most extreme first. Only values the caller
    /// may see are judged or judged against.
    #[graphql(complexity = "limits::bounded(limits::size::MANY, child_complexity)")]
    async fn outliers(
        &self,
        ctx: &Context<'_>,
        kpi: String,
        from: String,
        to: String,
        #[graphql(default_with = "OutlierAlgorithm::ZScore")] algorithm: OutlierAlgorithm,
        threshold: Option<f64>,
        #[graphql(default = 500)] max_results: i32,
    ) -> GqlResult<Vec<OutlierView>> {
        let (app, caller) = context(ctx)?;
        let query = OutlierQuery {
            kpi,
            from,
            to,
            algorithm,
            threshold,
            max_results: Some(usize::try_from(max_results).unwrap_or(0)),
        };
        Ok(app
            .outliers(caller, &query)
            .await?
            .into_iter()
            .map(OutlierView::from)
            .collect())
    }

    /// Min-max bounds set by hand, optionally of one country or KPI.
    #[graphql(complexity = "limits::bounded(limits::size::MANY, child_complexity)")]
    async fn min_max_bounds(
        &self,
        ctx: &Context<'_>,
        country: Option<String>,
        kpi: Option<String>,
    ) -> GqlResult<Vec<BoundsView>> {
        let (app, _) = context(ctx)?;
        Ok(app
            .min_max_bounds(country.as_deref(), kpi.as_deref())
            .await?
            .into_iter()
            .map(BoundsView::from)
            .collect())
    }

    /// The validation rules, enabled or not.
    #[graphql(complexity = "limits::bounded(limits::size::MANY, child_complexity)")]
    async fn validation_rules(&self, ctx: &Context<'_>) -> GqlResult<Vec<RuleView>> {
        let (app, _) = context(ctx)?;
        Ok(app
            .validation_rules()
            .await?
            .into_iter()
            .map(RuleView::from)
            .collect())
    }

    /// Per country and quarter of `year`: values rejected, outliers, rule violations, late and
    /// missing reports, with the year before for the trend.
    async fn data_quality_report(&self, ctx: &Context<'_>, year: i32) -> GqlResult<ReportView> {
        let (app, caller) = context(ctx)?;
        Ok(app.data_quality_report(caller, year).await?.as_ref().into())
    }
}

#[derive(Default, Debug)]
pub struct QualityMutation;

#[Object]
impl QualityMutation {
    /// Marks a stored value for follow-up with its country team, or clears the mark (ROMT,
    /// ADMIN). Returns the mark.
    async fn mark_follow_up(
        &self,
        ctx: &Context<'_>,
        value_id: ID,
        follow_up: bool,
    ) -> GqlResult<bool> {
        let (app, caller) = context(ctx)?;
        Ok(app
            .mark_follow_up(caller, self::value_id(&value_id)?, follow_up)
            .await?)
    }

    /// Sets the bounds MIN_MAX judges a country's KPI by (ROMT, ADMIN); without `lower` and
    /// `upper` the bounds are cleared and generated again (mean ± 2 sd).
    async fn set_min_max(
        &self,
        ctx: &Context<'_>,
        country: String,
        kpi: String,
        lower: Option<Decimal>,
        upper: Option<Decimal>,
    ) -> GqlResult<Option<BoundsView>> {
        let (app, caller) = context(ctx)?;
        let range = match (lower, upper) {
            (Some(lower), Some(upper)) => Some((lower, upper)),
            (None, None) => None,
            _ => {
                return Err(hub_app::AppError::invalid(
                    "upper",
                    "give both lower and upper, or neither to clear the bounds",
                )
                .into());
            }
        };
        Ok(app
            .set_min_max(caller, &country, &kpi, range)
            .await?
            .map(BoundsView::from))
    }

    /// Adds a validation rule (ADMIN).
    async fn create_validation_rule(
        &self,
        ctx: &Context<'_>,
        input: ValidationRuleInput,
    ) -> GqlResult<RuleView> {
        let (app, caller) = context(ctx)?;
        Ok(app
            .save_validation_rule(caller, &input.into(), false)
            .await?
            .into())
    }

    /// Changes a validation rule, or disables it with `enabled: false` (ADMIN).
    async fn update_validation_rule(
        &self,
        ctx: &Context<'_>,
        input: ValidationRuleInput,
    ) -> GqlResult<RuleView> {
        let (app, caller) = context(ctx)?;
        Ok(app
            .save_validation_rule(caller, &input.into(), true)
            .await?
            .into())
    }
}
