//! A regional KPI figure for one period, with its drill-down by country (DESIGN §8).

use std::collections::BTreeMap;

use hub_domain::Decimal;
use hub_domain::analytics::{
    Combined, FigureFlag, QuarterValue, Rating, Weighted, combine, progress, ratio, temporal,
};
use hub_domain::catalogue::{
    Direction, KpiDefinition, ServiceLine, SpatialAggregation, TemporalAggregation, Unit,
};
use hub_domain::period::{Month, Period};
use hub_domain::submission::{SourceKind, ValueFlag};
use hub_store::submissions::{FigureValue, Source};

use super::dataset::Dataset;

/// How many times a data-quality mark occurs behind a figure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlagCount {
    pub flag: FigureFlag,
    pub count: i32,
}

/// One stored value behind a country's figure, with where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueLineage {
    pub period: Period,
    pub common_service: Option<String>,
    pub service_line: Option<ServiceLine>,
    /// Harmonized value (USD for money); none without a rate.
    pub value: Option<Decimal>,
    pub reported_kpi: String,
    pub reported_value: Decimal,
    pub currency: Option<String>,
    pub fx_rate: Option<Decimal>,
    pub fx_month: Option<Month>,
    pub denominator: Option<Decimal>,
    pub revision: i32,
    pub submission_id: i64,
    pub source: Source,
    pub flags: Vec<ValueFlag>,
}

/// A country's value behind a regional figure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountryKpiValue {
    pub country: String,
    /// The country's combined value; none when it reported none the caller may see.
    pub value: Option<Decimal>,
    /// The reported values combined the same way, in the reporting currency and unit.
    pub reported_value: Option<Decimal>,
    pub currency: Option<String>,
    /// The rate used, when every value behind the figure used the same one.
    pub fx_rate: Option<Decimal>,
    pub fx_month: Option<Month>,
    pub weight: Option<Decimal>,
    pub baseline: Option<Decimal>,
    pub target: Option<Decimal>,
    /// `(value − baseline) / (target − baseline)`.
    pub progress: Option<Decimal>,
    /// None when the value has no baseline and target to rate against.
    pub rating: Option<Rating>,
    /// Revision of the (latest) report behind the value.
    pub revision: Option<i32>,
    pub submission_id: Option<i64>,
    pub source: Option<Source>,
    /// NO_DATA, RATE_STALE, NO_RATE, MISSING_WEIGHT, STALE_SOURCE, OVERFLOW.
    pub flags: Vec<FigureFlag>,
    /// Every value behind the figure.
    pub values: Vec<ValueLineage>,
}

/// A regional figure of one KPI for one period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionalKpiValue {
    pub kpi: String,
    pub name: String,
    pub period: Period,
    pub unit: Unit,
    pub direction: Direction,
    /// How countries (and values within a country) combine.
    pub aggregation: SpatialAggregation,
    /// How the quarters of a year combine (for a yearly figure).
    pub temporal_aggregation: Option<TemporalAggregation>,
    pub service_line: Option<ServiceLine>,
    /// None when no country contributes (`NO_DATA`), never 0.
    pub value: Option<Decimal>,
    /// The sum of the weights behind a weighted figure.
    pub weight: Option<Decimal>,
    pub reporting_countries: i32,
    pub expected_countries: i32,
    /// reportingCountries / expectedCountries.
    pub completeness: Option<Decimal>,
    /// `NO_DATA` when there is no value, `OVERFLOW` when it does not fit an exact decimal.
    pub flags: Vec<FigureFlag>,
    pub data_quality: Vec<FlagCount>,
    pub by_country: Vec<CountryKpiValue>,
}

pub(crate) fn source_of(fact: &FigureValue, dataset: &Dataset) -> Source {
    dataset
        .reports
        .get(&(fact.country.to_string(), fact.period))
        .map_or_else(
            || Source {
                kind: SourceKind::Push,
                id: None,
                name: String::new(),
            },
            |r| r.source.clone(),
        )
}

fn lineage(fact: &FigureValue, dataset: &Dataset) -> ValueLineage {
    ValueLineage {
        period: fact.period,
        common_service: fact.common_service.as_deref().map(str::to_owned),
        service_line: fact.service_line,
        value: fact.value,
        reported_kpi: fact.reported_kpi.to_string(),
        reported_value: fact.reported_value,
        currency: fact.currency.as_deref().map(str::to_owned),
        fx_rate: fact.fx_rate,
        fx_month: fact.fx_month,
        denominator: fact.denominator,
        revision: fact.revision,
        submission_id: fact.submission_id,
        source: source_of(fact, dataset),
        flags: fact.flags.clone(),
    }
}

/// Counts of data-quality marks, in a stable order.
#[derive(Debug, Default)]
pub(crate) struct Quality(BTreeMap<FigureFlag, i32>);

impl Quality {
    pub(crate) fn add(&mut self, flag: FigureFlag, count: i32) {
        if count > 0 {
            *self.0.entry(flag).or_default() += count;
        }
    }

    pub(crate) fn into_counts(self) -> Vec<FlagCount> {
        self.0
            .into_iter()
            .map(|(flag, count)| FlagCount { flag, count })
            .collect()
    }
}

/// One country's combined figure (value, baseline and target) for a period.
pub(crate) struct CountryFigure {
    pub value: Combined,
    pub baseline: Option<Decimal>,
    pub target: Option<Decimal>,
}

/// Combines one country's facts for `period` (already filtered to one KPI and country).
pub(crate) fn country_figure(
    definition: &KpiDefinition,
    period: Period,
    facts: &[&FigureValue],
) -> CountryFigure {
    let mut buffer = Buffer::with_capacity(facts.len());
    let value = buffer.measure(definition, period, facts, |f| {
        f.value.map(|v| Weighted::new(v, f.denominator))
    });
    // Goals are yearly or standing: the latest quarter that states them applies.
    let mut goals = None;
    for quarter in (1..=4).rev() {
        let with_goals =
            || of_quarter(facts, quarter).filter(|f| f.baseline.is_some() && f.target.is_some());
        if with_goals().next().is_none() {
            continue;
        }
        let spatial = definition.spatial;
        let baseline = buffer.combine(
            spatial,
            with_goals().filter_map(|f| f.baseline.map(|b| Weighted::new(b, f.denominator))),
        );
        let target = buffer.combine(
            spatial,
            with_goals().filter_map(|f| f.target.map(|t| Weighted::new(t, f.denominator))),
        );
        if let Some(both) = baseline.value.zip(target.value) {
            goals = Some(both);
            break;
        }
    }
    let (baseline, target) = goals.map_or((None, None), |(b, t)| (Some(b), Some(t)));
    CountryFigure {
        value,
        baseline,
        target,
    }
}

/// The reported values of one country's facts for `period` combined as its figure is, in the
/// reporting currency and unit.
pub(crate) fn country_reported(
    definition: &KpiDefinition,
    period: Period,
    facts: &[&FigureValue],
) -> Combined {
    Buffer::with_capacity(facts.len()).measure(definition, period, facts, |f| {
        Some(Weighted::new(f.reported_value, f.denominator))
    })
}

/// The facts of one quarter.
fn of_quarter<'a, 'f>(
    facts: &'a [&'f FigureValue],
    quarter: u8,
) -> impl Iterator<Item = &'f FigureValue> + use<'a, 'f> {
    facts
        .iter()
        .copied()
        .filter(move |f| matches!(f.period, Period::Quarter { quarter: q, .. } if q == quarter))
}

/// The inputs of one combination. Figures are computed for every (country, KPI, service) of a
/// dashboard, so nothing is allocated per quarter: one buffer holds each combination's inputs
/// in turn.
struct Buffer(Vec<Weighted>);

impl Buffer {
    fn with_capacity(n: usize) -> Self {
        Self(Vec::with_capacity(n))
    }

    fn combine(
        &mut self,
        rule: SpatialAggregation,
        inputs: impl Iterator<Item = Weighted>,
    ) -> Combined {
        self.0.clear();
        self.0.extend(inputs);
        combine(rule, &self.0)
    }

    /// `measure` of the facts combined for `period`: each quarter by the KPI's spatial rule,
    /// then the quarters of a year by its temporal rule (quarters without facts left out).
    fn measure(
        &mut self,
        definition: &KpiDefinition,
        period: Period,
        facts: &[&FigureValue],
        measure: impl Fn(&FigureValue) -> Option<Weighted>,
    ) -> Combined {
        let empty = QuarterValue {
            quarter: 0,
            combined: Combined::default(),
        };
        let mut quarters = [empty; 4];
        let mut present = 0;
        for quarter in 1..=4 {
            if of_quarter(facts, quarter).next().is_none() {
                continue;
            }
            quarters[present] = QuarterValue {
                quarter,
                combined: self.combine(
                    definition.spatial,
                    of_quarter(facts, quarter).filter_map(&measure),
                ),
            };
            present += 1;
        }
        let quarters = &quarters[..present];
        if period.is_quarter() {
            quarters.first().map(|q| q.combined).unwrap_or_default()
        } else {
            temporal(definition.temporal, quarters)
        }
    }
}

/// Computes the regional figure of `definition` for `period` from a dataset.
pub fn regional_kpi(
    dataset: &Dataset,
    definition: &KpiDefinition,
    period: Period,
    service_line: Option<ServiceLine>,
) -> RegionalKpiValue {
    let quarters = period.quarters();
    let code = definition.code.to_string();
    let mut quality = Quality::default();
    let mut per_country: BTreeMap<&str, Vec<&FigureValue>> = BTreeMap::new();
    for fact in dataset.facts_of(&code, service_line) {
        if !quarters.contains(&fact.period) {
            continue;
        }
        per_country.entry(&fact.country).or_default().push(fact);
    }

    let mut by_country = Vec::new();
    let mut contributions = Vec::new();
    let mut missing_weight = 0;
    for country in &dataset.countries {
        let facts = per_country
            .get(country.as_str())
            .cloned()
            .unwrap_or_default();
        let figure = country_figure(definition, period, &facts);
        missing_weight += figure.value.missing_weight;
        let mut flags = Vec::new();
        let no_rate = facts.iter().filter(|f| f.value.is_none()).count();
        let stale = facts
            .iter()
            .filter(|f| f.flags.contains(&ValueFlag::RateStale))
            .count();
        quality.add(
            FigureFlag::NoRate,
            i32::try_from(no_rate).unwrap_or(i32::MAX),
        );
        quality.add(
            FigureFlag::RateStale,
            i32::try_from(stale).unwrap_or(i32::MAX),
        );
        for (value_flag, figure_flag) in [
            (ValueFlag::Outlier, FigureFlag::Outlier),
            (ValueFlag::RuleViolation, FigureFlag::RuleViolation),
        ] {
            let flagged = facts
                .iter()
                .filter(|f| f.flags.contains(&value_flag))
                .count();
            quality.add(figure_flag, i32::try_from(flagged).unwrap_or(i32::MAX));
        }
        if no_rate > 0 {
            flags.push(FigureFlag::NoRate);
        }
        if stale > 0 {
            flags.push(FigureFlag::RateStale);
        }
        if figure.value.missing_weight > 0 {
            flags.push(FigureFlag::MissingWeight);
        }
        if figure.value.overflow {
            flags.push(FigureFlag::Overflow);
            quality.add(FigureFlag::Overflow, 1);
        }
        if let Some(weighted) = figure.value.as_weighted() {
            contributions.push(weighted);
        } else {
            flags.push(FigureFlag::NoData);
        }
        let (progress_value, rating) = match (figure.baseline, figure.target) {
            (Some(b), Some(t)) => {
                let (p, r) = progress(figure.value.value, b, t, definition.direction);
                (p, Some(r))
            }
            _ => (None, figure.value.value.is_none().then_some(Rating::NoData)),
        };
        let latest = facts.iter().max_by_key(|f| (f.period, f.revision));
        let same_rate = {
            let rates: std::collections::BTreeSet<_> = facts
                .iter()
                .filter_map(|f| f.fx_rate.zip(f.fx_month))
                .collect();
            (rates.len() == 1)
                .then(|| rates.into_iter().next())
                .flatten()
        };
        let currencies: std::collections::BTreeSet<_> =
            facts.iter().filter_map(|f| f.currency.as_deref()).collect();
        by_country.push(CountryKpiValue {
            country: country.to_string(),
            value: figure.value.value,
            reported_value: if currencies.len() <= 1 {
                country_reported(definition, period, &facts).value
            } else {
                None
            },
            currency: (currencies.len() == 1)
                .then(|| currencies.into_iter().next().map(str::to_owned))
                .flatten(),
            fx_rate: same_rate.map(|(r, _)| r),
            fx_month: same_rate.map(|(_, m)| m),
            weight: figure.value.weight,
            baseline: figure.baseline,
            target: figure.target,
            progress: progress_value,
            rating,
            revision: latest.map(|f| f.revision),
            submission_id: latest.map(|f| f.submission_id),
            source: latest.map(|f| source_of(f, dataset)),
            flags,
            values: facts.iter().map(|f| lineage(f, dataset)).collect(),
        });
    }
    let regional = combine(definition.spatial, &contributions);
    quality.add(
        FigureFlag::MissingWeight,
        i32::try_from(missing_weight + regional.missing_weight).unwrap_or(i32::MAX),
    );
    let reporting = i32::try_from(contributions.len()).unwrap_or(i32::MAX);
    let expected = i32::try_from(dataset.countries.len()).unwrap_or(i32::MAX);
    RegionalKpiValue {
        kpi: code,
        name: definition.name.clone(),
        period,
        unit: definition.unit,
        direction: definition.direction,
        aggregation: definition.spatial,
        temporal_aggregation: (!period.is_quarter()).then_some(definition.temporal),
        service_line,
        value: regional.value,
        weight: regional.weight,
        reporting_countries: reporting,
        expected_countries: expected,
        completeness: ratio(Decimal::from(reporting), Decimal::from(expected)),
        flags: match (regional.value, regional.overflow) {
            (_, true) => vec![FigureFlag::Overflow],
            (None, false) => vec![FigureFlag::NoData],
            (Some(_), false) => vec![],
        },
        data_quality: quality.into_counts(),
        by_country,
    }
}
