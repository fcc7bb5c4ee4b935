//! The regional BOS dashboard: realized against planned cost avoidance, common services,
//! completeness, ratings and data quality, for a year or one of its quarters.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use chrono::{DateTime, Utc};
use foldhash::fast::RandomState as Fast;

use hub_domain::Decimal;
use hub_domain::access::Viewer;
use hub_domain::analytics::{
    FigureFlag, Rating, Timeliness, checked_sum, plan_share, progress, ratio, timeliness,
};
use hub_domain::catalogue::ServiceLine;
use hub_domain::codes::CurrencyCode;
use hub_domain::money::convert;
use hub_domain::period::{Month, Period};
use hub_domain::submission::{CommonServiceStatus, ValueFlag};
use hub_ingest::facts::Reference;
use hub_store::Db;
use hub_store::analytics::{self, Counted};
use hub_store::submissions::{self, BosTarget, CommonService, FigureValue, PlannedCa};

use super::dataset::{Dataset, visible};
use super::kpi::{FlagCount, Quality, country_figure};
use crate::error::{AppError, AppResult};

/// Counts of ratings of a country's KPI values against their baselines and targets.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RatingCounts {
    pub met: i32,
    pub progress: i32,
    pub no_progress: i32,
    pub no_data: i32,
}

impl RatingCounts {
    fn add(&mut self, rating: Rating) {
        match rating {
            Rating::Met => self.met += 1,
            Rating::Progress => self.progress += 1,
            Rating::NoProgress => self.no_progress += 1,
            Rating::NoData => self.no_data += 1,
        }
    }
}

/// One service line's share.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceLineFigures {
    pub service_line: ServiceLine,
    /// Null when no cost avoidance was reported for the line.
    pub cost_avoidance_usd: Option<Decimal>,
    pub planned_cost_avoidance_usd: Option<Decimal>,
    pub realization_rate: Option<Decimal>,
    /// Active common services of the line.
    pub common_services: i32,
}

/// One country's figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountryFigures {
    pub country: String,
    pub name: String,
    pub cost_avoidance_usd: Option<Decimal>,
    pub planned_cost_avoidance_usd: Option<Decimal>,
    pub realization_rate: Option<Decimal>,
    /// The plan's share for the quarters due so far, and realized / that share.
    pub planned_due_usd: Option<Decimal>,
    pub realization_rate_due: Option<Decimal>,
    /// The plan's share for the quarters this country reported, and realized / that share.
    pub planned_reported_usd: Option<Decimal>,
    pub realization_rate_reported: Option<Decimal>,
    pub common_services_active: i32,
    /// Whether it reported for at least one quarter of the period (that the caller may see).
    pub reported: bool,
    /// Whether every quarter due so far arrived within 30 days of its end.
    pub on_time: bool,
    /// Quarters reported, and due.
    pub quarters_reported: i32,
    pub quarters_due: i32,
    /// Whether its data comes from a federation source that has not synced for two intervals.
    pub stale: bool,
    pub ratings: RatingCounts,
}

/// The regional dashboard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionalDashboard {
    pub year: i32,
    pub quarter: Option<i32>,
    pub service_line: Option<ServiceLine>,
    /// Realized cost avoidance in USD (values without a rate left out and counted in dataQuality).
    pub cost_avoidance_usd: Option<Decimal>,
    /// Planned cost avoidance of the current BOS of each country, at the December rate of the
    /// year (a quarter's share is a quarter of the year).
    pub planned_cost_avoidance_usd: Option<Decimal>,
    /// Realized / planned.
    pub realization_rate: Option<Decimal>,
    /// For a partial year: the plan's share for the quarters due so far (plan × due / 4), and
    /// realized / that share.
    pub planned_due_usd: Option<Decimal>,
    pub realization_rate_due: Option<Decimal>,
    /// The plan's share for the quarters each country reported (Σ plan × reported / 4), and
    /// realized / that share.
    pub planned_reported_usd: Option<Decimal>,
    pub realization_rate_reported: Option<Decimal>,
    pub common_services_active: i32,
    /// Country-quarters reported / country-quarters due.
    pub completeness: Option<Decimal>,
    pub expected_countries: i32,
    pub reporting_countries: i32,
    pub by_service_line: Vec<ServiceLineFigures>,
    pub by_country: Vec<CountryFigures>,
    pub data_quality: Vec<FlagCount>,
}

/// What a dashboard is asked for.
#[derive(Debug, Clone)]
pub struct DashboardArgs {
    pub year: i32,
    pub quarter: Option<u8>,
    pub service_line: Option<ServiceLine>,
}

/// The sum of some values: `None` when there are none, or when they do not fit a decimal
/// (bounded inputs make that unreachable; [`add_into`] counts it as `OVERFLOW`).
fn sum(values: impl IntoIterator<Item = Decimal>) -> Option<Decimal> {
    let values: Vec<Decimal> = values.into_iter().collect();
    if values.is_empty() {
        return None;
    }
    checked_sum(values)
}

/// Realized / planned, when both are known and the plan is not 0.
fn rate(realized: Option<Decimal>, planned: Option<Decimal>) -> Option<Decimal> {
    realized.zip(planned).and_then(|(c, p)| ratio(c, p))
}

/// Adds `amount` to a running total, counting an overflow instead of panicking.
fn add_into(total: &mut Decimal, amount: Decimal, overflow: &mut i32) {
    match total.checked_add(amount) {
        Some(sum) => *total = sum,
        None => *overflow += 1,
    }
}

/// Planned cost avoidance in USD by (country, service line), from the current BOS of each
/// country, at the year's December rate by the currency policy.
fn planned(
    rows: &[PlannedCa],
    reference: &Reference,
    args: &DashboardArgs,
    quality: &mut Quality,
) -> AppResult<HashMap<(String, Option<ServiceLine>), Decimal>> {
    let month = Month::new(args.year, 12).map_err(|e| AppError::invalid("year", e))?;
    let no_rates: BTreeMap<Month, hub_domain::money::Rate> = BTreeMap::new();
    let mut out: HashMap<(String, Option<ServiceLine>), Decimal> = HashMap::new();
    let share = if args.quarter.is_some() {
        Decimal::from(4)
    } else {
        Decimal::ONE
    };
    let (mut no_rate, mut overflow) = (0, 0);
    for row in rows {
        let line = row.service_line;
        if args.service_line.is_some() && line != args.service_line {
            continue;
        }
        let Ok(currency) = CurrencyCode::parse(&row.currency) else {
            continue;
        };
        let table = reference.rates(&row.currency).unwrap_or(&no_rates);
        let amount = row.amount;
        let conversion = convert(amount, &currency, month, |m| table.get(&m).copied());
        if conversion.flags.contains(&ValueFlag::Overflow) {
            overflow += 1;
            continue;
        }
        match conversion.usd.and_then(|u| u.checked_div(share)) {
            Some(usd) => add_into(
                out.entry((row.country.clone(), line)).or_default(),
                usd,
                &mut overflow,
            ),
            None => no_rate += 1,
        }
    }
    quality.add(FigureFlag::PlannedNoRate, no_rate);
    quality.add(FigureFlag::Overflow, overflow);
    Ok(out)
}

/// Rates a country's KPIs: each (KPI, common service) reported with a baseline and target, and
/// each BOS target of the year, against the value of the period. A BOS target without a
/// reported value is `NO_DATA`.
fn ratings<'a>(
    bos: &'a BosInputs,
    dataset: &'a Dataset,
    args: &DashboardArgs,
    period: Period,
) -> HashMap<&'a str, RatingCounts, Fast> {
    // Keys borrow from the facts: thousands of values, no copies, hashed by a fast keyed hash.
    // Counts add up per country, so the groups need no order.
    type Key<'a> = (&'a str, &'a str, Option<&'a str>);
    let mut groups: HashMap<Key<'_>, Vec<&FigureValue>, Fast> = HashMap::default();
    for fact in &dataset.values {
        if args.service_line.is_some() && fact.service_line != args.service_line {
            continue;
        }
        groups
            .entry((&*fact.country, &*fact.kpi, fact.common_service.as_deref()))
            .or_default()
            .push(fact);
    }
    let mut counts: HashMap<&str, RatingCounts, Fast> = HashMap::default();
    let mut rated: HashSet<Key<'_>, Fast> = HashSet::default();
    for (&(country, kpi, service), facts) in &groups {
        let Some(definition) = dataset.kpis.get(kpi) else {
            continue;
        };
        let figure = country_figure(definition, period, facts);
        if let (Some(b), Some(t)) = (figure.baseline, figure.target) {
            let (_, rating) = progress(figure.value.value, b, t, definition.direction);
            counts.entry(country).or_default().add(rating);
            rated.insert((country, kpi, service));
        }
    }
    let country_of: HashMap<i64, &str> = bos
        .counted
        .iter()
        .map(|b| (b.id, b.country.as_str()))
        .collect();
    let line_of: HashMap<(i64, &str), ServiceLine> = bos
        .services
        .iter()
        .map(|s| ((s.submission_id, s.service_id.as_str()), s.service_line))
        .collect();
    for target in &bos.targets {
        let Some(&country) = country_of.get(&target.submission_id) else {
            continue;
        };
        let line = line_of
            .get(&(target.submission_id, target.service_id.as_str()))
            .copied();
        if args.service_line.is_some() && line != args.service_line {
            continue;
        }
        let key = (
            country,
            target.kpi.as_str(),
            Some(target.service_id.as_str()),
        );
        if rated.contains(&key) {
            continue;
        }
        let (Some(definition), Some(baseline)) = (dataset.kpis.get(&target.kpi), target.baseline)
        else {
            continue;
        };
        let goal = target.target;
        let facts = groups.get(&key).map_or(&[][..], Vec::as_slice);
        let actual = country_figure(definition, period, facts).value.value;
        let (_, rating) = progress(actual, baseline, goal, definition.direction);
        counts.entry(country).or_default().add(rating);
        rated.insert(key);
    }
    counts
}

/// The BOS behind a year's plans and targets: each country's current one the viewer may see,
/// with its services, planned cost avoidance and KPI targets of the year.
#[derive(Debug, Default)]
pub struct BosInputs {
    counted: Vec<Counted>,
    services: Vec<CommonService>,
    planned: Vec<PlannedCa>,
    targets: Vec<BosTarget>,
}

impl BosInputs {
    /// Reads them: the BOS first, then what they carry, at once.
    pub async fn load(
        db: &Db,
        viewer: &Viewer,
        year: i32,
        as_of: Option<DateTime<Utc>>,
    ) -> AppResult<Self> {
        let counted: Vec<Counted> = analytics::counted_bos(db, year, as_of)
            .await?
            .into_iter()
            .filter(|b| visible(viewer, b.classification, &b.country))
            .collect();
        let ids: Vec<i64> = counted.iter().map(|b| b.id).collect();
        let (services, planned, targets) = tokio::try_join!(
            Box::pin(submissions::services_of(db, &ids)),
            Box::pin(submissions::planned_of(db, &ids, Some(year))),
            Box::pin(submissions::targets_of(db, &ids, Some(year))),
        )?;
        Ok(BosInputs {
            counted,
            services,
            planned,
            targets,
        })
    }
}

/// Computes the dashboard from a dataset of the period's quarters and the year's BOS.
pub fn dashboard(
    reference: &Reference,
    dataset: &Dataset,
    bos: BosInputs,
    args: &DashboardArgs,
    stale_countries: &BTreeSet<String>,
) -> AppResult<RegionalDashboard> {
    let period = match args.quarter {
        Some(q) => Period::quarter(args.year, q).map_err(|e| AppError::invalid("quarter", e))?,
        None => Period::year(args.year).map_err(|e| AppError::invalid("year", e))?,
    };
    let quarters = period.quarters();
    let day = dataset.reference_day();
    let due: Vec<Period> = quarters
        .iter()
        .copied()
        .filter(|q| timeliness_due(*q, day))
        .collect();
    let mut quality = Quality::default();

    // Realized cost avoidance, by country and service line.
    let mut realized: HashMap<(String, Option<ServiceLine>), Decimal> = HashMap::new();
    let (mut no_rate, mut stale_rate, mut overflow) = (0, 0, 0);
    let (mut outliers, mut violations) = (0, 0);
    for fact in dataset.facts_of("CA", args.service_line) {
        if !quarters.contains(&fact.period) {
            continue;
        }
        if fact.flags.contains(&ValueFlag::RateStale) {
            stale_rate += 1;
        }
        outliers += i32::from(fact.flags.contains(&ValueFlag::Outlier));
        violations += i32::from(fact.flags.contains(&ValueFlag::RuleViolation));
        match fact.value {
            Some(usd) => add_into(
                realized
                    .entry((fact.country.to_string(), fact.service_line))
                    .or_default(),
                usd,
                &mut overflow,
            ),
            None => no_rate += 1,
        }
    }
    quality.add(FigureFlag::NoRate, no_rate);
    quality.add(FigureFlag::Overflow, overflow);
    quality.add(FigureFlag::RateStale, stale_rate);
    quality.add(FigureFlag::Outlier, outliers);
    quality.add(FigureFlag::RuleViolation, violations);

    // Active common services: those of each country's latest report in the period.
    let mut latest: BTreeMap<&str, &Counted> = BTreeMap::new();
    for ((country, quarter), report) in &dataset.reports {
        if quarters.contains(quarter) {
            latest.insert(country.as_str(), report);
        }
    }
    let country_of: HashMap<i64, &str> = latest.iter().map(|(c, r)| (r.id, *c)).collect();
    let mut active: HashMap<(String, ServiceLine), i32> = HashMap::new();
    for service in &dataset.services {
        let line = service.service_line;
        if let Some(country) = country_of.get(&service.submission_id)
            && service.status == Some(CommonServiceStatus::Active)
            && args.service_line.is_none_or(|l| l == line)
        {
            *active.entry(((*country).to_owned(), line)).or_default() += 1;
        }
    }

    let ratings = ratings(&bos, dataset, args, period);
    let planned = planned(&bos.planned, reference, args, &mut quality)?;

    // Data quality beyond rates: missing weights, rejected values, late and missing reports.
    let mut missing_weight = 0;
    for (kpi, facts) in dataset.facts_by_kpi() {
        let weighted = dataset
            .kpis
            .get(kpi)
            .is_some_and(|k| k.spatial == hub_domain::catalogue::SpatialAggregation::WeightedMean);
        if weighted {
            missing_weight += facts
                .filter(|f| quarters.contains(&f.period) && f.denominator.is_none())
                .count();
        }
    }
    quality.add(
        FigureFlag::MissingWeight,
        i32::try_from(missing_weight).unwrap_or(i32::MAX),
    );

    let mut by_country = Vec::new();
    let (mut cells_due, mut cells_reported, mut reporting) = (0, 0, 0);
    let (mut late, mut missing) = (0, 0);
    let (mut region_due, mut region_reported): (Option<Decimal>, Option<Decimal>) = (None, None);
    let mut plan_overflow = 0;
    for country in &dataset.countries {
        let code = country.to_string();
        let own = |map: &HashMap<(String, Option<ServiceLine>), Decimal>| {
            sum(map.iter().filter(|((c, _), _)| *c == code).map(|(_, v)| *v))
        };
        let cost = own(&realized);
        let plan = own(&planned);
        let mut reported_quarters = 0;
        let mut on_time = true;
        for quarter in &due {
            match dataset.reports.get(&(code.clone(), *quarter)) {
                Some(report) => {
                    reported_quarters += 1;
                    if timeliness(*quarter, Some(report.first_received_at.date_naive()))
                        == Timeliness::Late
                    {
                        on_time = false;
                        late += 1;
                    }
                }
                None => {
                    on_time = false;
                    missing += 1;
                }
            }
        }
        let quarters_with_report = quarters
            .iter()
            .filter(|q| dataset.reports.contains_key(&(code.clone(), **q)))
            .count();
        let any_report = quarters_with_report > 0;
        let plan_due = plan.and_then(|p| plan_share(p, due.len(), quarters.len()));
        let plan_reported = plan.and_then(|p| plan_share(p, quarters_with_report, quarters.len()));
        for (total, share) in [
            (&mut region_due, plan_due),
            (&mut region_reported, plan_reported),
        ] {
            if let Some(share) = share {
                add_into(
                    total.get_or_insert(Decimal::ZERO),
                    share,
                    &mut plan_overflow,
                );
            }
        }
        cells_due += due.len();
        cells_reported += reported_quarters;
        if any_report {
            reporting += 1;
        }
        by_country.push(CountryFigures {
            name: dataset.names.get(&code).cloned().unwrap_or_default(),
            cost_avoidance_usd: cost,
            planned_cost_avoidance_usd: plan,
            realization_rate: cost.zip(plan).and_then(|(c, p)| ratio(c, p)),
            planned_due_usd: plan_due,
            realization_rate_due: rate(cost, plan_due),
            planned_reported_usd: plan_reported,
            realization_rate_reported: rate(cost, plan_reported),
            common_services_active: active
                .iter()
                .filter(|((c, _), _)| *c == code)
                .map(|(_, n)| *n)
                .sum(),
            reported: any_report,
            on_time: on_time && !due.is_empty(),
            quarters_reported: reported_quarters,
            quarters_due: i32::try_from(due.len()).unwrap_or(i32::MAX),
            stale: stale_countries.contains(&code),
            ratings: ratings.get(code.as_str()).cloned().unwrap_or_default(),
            country: code,
        });
    }
    quality.add(FigureFlag::Overflow, plan_overflow);
    quality.add(FigureFlag::LateReport, late);
    quality.add(FigureFlag::MissingReport, missing);
    let rejected: i32 = dataset
        .reports
        .iter()
        .filter(|((_, q), _)| quarters.contains(q))
        .map(|(_, r)| r.rejected_values)
        .sum();
    quality.add(FigureFlag::RejectedValue, rejected);
    quality.add(
        FigureFlag::StaleSource,
        i32::try_from(by_country.iter().filter(|c| c.stale).count()).unwrap_or(i32::MAX),
    );

    let by_service_line = ServiceLine::ALL
        .iter()
        .filter(|line| args.service_line.is_none_or(|l| l == **line))
        .map(|line| {
            let line_sum = |map: &HashMap<(String, Option<ServiceLine>), Decimal>| {
                sum(map
                    .iter()
                    .filter(|((_, l), _)| *l == Some(*line))
                    .map(|(_, v)| *v))
            };
            let cost = line_sum(&realized);
            let plan = line_sum(&planned);
            ServiceLineFigures {
                service_line: *line,
                cost_avoidance_usd: cost,
                planned_cost_avoidance_usd: plan,
                realization_rate: cost.zip(plan).and_then(|(c, p)| ratio(c, p)),
                common_services: active
                    .iter()
                    .filter(|((_, l), _)| l == line)
                    .map(|(_, n)| *n)
                    .sum(),
            }
        })
        .collect();

    let cost = sum(realized.values().copied());
    let plan = sum(planned.values().copied());
    Ok(RegionalDashboard {
        year: args.year,
        quarter: args.quarter.map(i32::from),
        service_line: args.service_line,
        cost_avoidance_usd: cost,
        planned_cost_avoidance_usd: plan,
        realization_rate: cost.zip(plan).and_then(|(c, p)| ratio(c, p)),
        planned_due_usd: region_due,
        realization_rate_due: rate(cost, region_due),
        planned_reported_usd: region_reported,
        realization_rate_reported: rate(cost, region_reported),
        common_services_active: active.values().sum(),
        completeness: ratio(Decimal::from(cells_reported), Decimal::from(cells_due)),
        expected_countries: i32::try_from(dataset.countries.len()).unwrap_or(i32::MAX),
        reporting_countries: reporting,
        by_service_line,
        by_country,
        data_quality: quality.into_counts(),
    })
}

/// A quarter's report is due once the 30 days after its end have passed.
pub(crate) fn timeliness_due(quarter: Period, day: chrono::NaiveDate) -> bool {
    (day - quarter.end_date()).num_days() > hub_domain::analytics::ON_TIME_DAYS
}
