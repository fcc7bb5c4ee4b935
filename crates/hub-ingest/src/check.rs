//! Semantic checks and harmonization of schema-valid documents (DESIGN §6).
//!
//! A problem with the document as a whole (unknown country, future or locked period, unknown
//! currency, clashing common-service ids) rejects it. A problem with one value rejects that
//! value only; the others are stored and the receipt lists what was rejected. Harmonization
//! maps local codes to regional KPIs and converts money to USD by the currency policy.

use std::collections::{HashMap, HashSet};
use std::str::FromStr;

use hub_domain::Decimal;
use hub_domain::access::Classification;
use hub_domain::catalogue::{KpiDefinition, ServiceLine, Unit};
use hub_domain::codes::{CountryCode, CurrencyCode};
use hub_domain::money::{RateChoice, convert, parse_decimal};
use hub_domain::period::{Month, Period};
use hub_domain::submission::{
    BosStatus, CommonServiceStatus, DocumentType, Modality, StockTakeAction, ValueFlag,
};
use hub_store::submissions::{
    AppliedMapping, Cba, NewCommonService, NewKpiTarget, NewPlannedCa, NewValue, SliceKey,
    SliceScope,
};
use serde_json::Number;

use crate::document::{Bos, KpiReport, MoneyLabour};
use crate::facts::Facts;
use crate::problem::{Problem, codes};

/// The longest BOS cycle accepted, in years (strategies run about five).
pub const MAX_CYCLE_YEARS: i32 = 10;

/// What checking a document found, and what to store if it may be stored.
#[derive(Debug, Clone, Default)]
pub struct Checked {
    /// Problems that reject the whole document.
    pub errors: Vec<Problem>,
    /// Problems that reject single values.
    pub rejected: Vec<Problem>,
    /// How many values were rejected (a value may have several problems).
    pub rejected_count: usize,
    /// Marks on stored values the sender should know about (stale or missing rates ...).
    pub warnings: Vec<Problem>,
    /// What to store, when there are no document errors.
    pub record: Option<Record>,
}

/// The storable content of a checked document.
#[derive(Debug, Clone)]
pub struct Record {
    pub slice: SliceKey,
    pub revision: i32,
    pub classification: Classification,
    pub currency: String,
    pub bos_status: Option<BosStatus>,
    pub signed_on: Option<String>,
    pub prepared_by_agency: Option<String>,
    pub services: Vec<NewCommonService>,
    pub values: Vec<NewValue>,
    pub planned: Vec<NewPlannedCa>,
    pub targets: Vec<NewKpiTarget>,
}

impl Record {
    /// Values stored from this document (KPI values, planned amounts and targets).
    pub fn accepted_values(&self) -> usize {
        self.values.len() + self.planned.len() + self.targets.len()
    }
}

/// Collects the problems of one checked document.
#[derive(Default)]
struct Findings {
    errors: Vec<Problem>,
    rejected: Vec<Problem>,
    rejected_count: usize,
    warnings: Vec<Problem>,
}

impl Findings {
    fn error(&mut self, pointer: impl Into<String>, code: &str, message: impl Into<String>) {
        self.errors.push(Problem::new(pointer, code, message));
    }

    fn warn(&mut self, pointer: impl Into<String>, code: &str, message: impl Into<String>) {
        self.warnings.push(Problem::new(pointer, code, message));
    }

    /// Rejects one value for the given problems; returns whether there were any.
    fn reject(&mut self, problems: Vec<Problem>) -> bool {
        if problems.is_empty() {
            return false;
        }
        self.rejected_count += 1;
        self.rejected.extend(problems);
        true
    }

    fn finish(self, record: Option<Record>) -> Checked {
        let record = if self.errors.is_empty() { record } else { None };
        Checked {
            errors: self.errors,
            rejected: self.rejected,
            rejected_count: self.rejected_count,
            warnings: self.warnings,
            record,
        }
    }
}

fn decimal(number: &Number, pointer: &str) -> Result<Decimal, Problem> {
    parse_decimal(&number.to_string()).map_err(|_| {
        Problem::new(
            pointer,
            codes::VALUE_OUT_OF_RANGE,
            format!("{number} cannot be stored exactly (at most ±7.9e28, 28 decimals)"),
        )
    })
}

fn parse_vocab<T: FromStr<Err = hub_domain::ParseError>>(
    text: &str,
    pointer: &str,
    findings: &mut Findings,
) -> Option<T> {
    match text.parse() {
        Ok(value) => Some(value),
        Err(e) => {
            findings.error(pointer, codes::SCHEMA_INVALID, e.to_string());
            None
        }
    }
}

fn classification(
    text: Option<&str>,
    pointer: &str,
    findings: &mut Findings,
) -> Option<Classification> {
    match text {
        None => Some(Classification::Public),
        Some(text) => parse_vocab(text, pointer, findings),
    }
}

/// Shared document-level checks: country, currency.
fn check_country_and_currency(
    country: &str,
    currency: &str,
    facts: &Facts,
    findings: &mut Findings,
) {
    if !facts.country_known {
        findings.error(
            "/country",
            codes::UNKNOWN_COUNTRY,
            format!("{country} is not an active country team of the region"),
        );
    }
    if !facts.currency_known {
        findings.error(
            "/currency",
            codes::UNKNOWN_CURRENCY,
            format!("{currency} is not a currency the hub has rates for"),
        );
    }
}

/// Converts an amount in `currency` to USD at `month` by the currency policy, warning at
/// `pointer` when the rate is stale or missing or the result does not fit.
fn to_usd(
    amount: Decimal,
    currency: &CurrencyCode,
    month: Month,
    facts: &Facts,
    pointer: &str,
    findings: &mut Findings,
) -> (
    Option<Decimal>,
    Option<(Month, hub_domain::money::Rate)>,
    Vec<ValueFlag>,
) {
    let conversion = convert(amount, currency, month, |m| facts.rates.get(&m).copied());
    for flag in &conversion.flags {
        let message = match (flag, conversion.choice) {
            (ValueFlag::RateStale, RateChoice::Stale { month: used, rate }) => format!(
                "no {currency} rate for {month}; converted at the {used} rate ({})",
                rate.units_per_usd()
            ),
            (ValueFlag::Overflow, _) => format!(
                "{amount} {currency} does not convert to a USD amount the hub can hold exactly; the value is kept in {currency} and left out of USD figures"
            ),
            _ => format!(
                "no {currency} rate for {month} or the six months before; the value is kept in {currency} and left out of USD figures until a rate is loaded"
            ),
        };
        findings.warn(pointer, flag.as_str(), message);
    }
    (conversion.usd, conversion.choice.used(), conversion.flags)
}

fn looks_regional(code: &str) -> bool {
    code.split('.').all(|part| {
        !part.is_empty()
            && part
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    })
}

/// How a written KPI code resolves.
enum Resolved<'f> {
    Regional(&'f KpiDefinition),
    Mapped(&'f KpiDefinition, &'f hub_store::mappings::Mapping),
    /// Offline: a local code only the hub can map.
    LocalOffline,
}

fn resolve_kpi<'f>(
    code: &str,
    country: &str,
    facts: &'f Facts,
    pointer: &str,
) -> Result<Resolved<'f>, Problem> {
    if let Some(definition) = facts.kpis.get(code) {
        return Ok(Resolved::Regional(definition));
    }
    let Some(mappings) = &facts.mappings else {
        return if looks_regional(code) {
            Err(unknown_kpi(code, pointer))
        } else {
            Ok(Resolved::LocalOffline)
        };
    };
    if let Some(mapping) = mappings.get(code) {
        return facts
            .kpis
            .get(&mapping.kpi)
            .map(|definition| Resolved::Mapped(definition, mapping))
            .ok_or_else(|| unknown_kpi(&mapping.kpi, pointer));
    }
    if looks_regional(code) && !facts.known_local_codes.contains(code) {
        Err(unknown_kpi(code, pointer))
    } else {
        Err(Problem::new(
            pointer,
            codes::UNMAPPED_LOCAL_CODE,
            format!(
                "{code} is a local code with no mapping for {country}; ask the hub administrator to map it to a regional KPI (upsertKpiMapping)"
            ),
        ))
    }
}

fn unknown_kpi(code: &str, pointer: &str) -> Problem {
    Problem::new(
        pointer,
        codes::UNKNOWN_KPI,
        format!("{code} is not a KPI of the regional catalogue (see the kpis query)"),
    )
}

fn unit_problem(unit: Unit, value: Decimal, pointer: &str, what: &str) -> Option<Problem> {
    unit.check(value).err().map(|violation| {
        Problem::new(
            pointer,
            violation.code(),
            format!("{what} {value}: {violation} (unit {unit})"),
        )
    })
}

fn mapped(value: Decimal, mapping: Option<&hub_store::mappings::Mapping>) -> Option<Decimal> {
    match mapping {
        Some(mapping) => mapping.apply(value),
        None => Some(value),
    }
}

fn check_agencies<'a>(
    agencies: impl IntoIterator<Item = (&'a str, String)>,
    facts: &Facts,
    findings: &mut Findings,
) {
    for (agency, pointer) in agencies {
        if !facts.agencies.contains(agency) {
            findings.warn(
                pointer,
                codes::UNKNOWN_AGENCY,
                format!("{agency} is not a UN entity the hub knows; the service is kept as sent"),
            );
        }
    }
}

/// Checks and harmonizes a KPI report.
pub fn check_kpi_report(doc: &KpiReport, facts: &Facts) -> Checked {
    let mut findings = Findings::default();
    check_country_and_currency(&doc.country, &doc.currency, facts, &mut findings);
    let period = match Period::from_str(&doc.period) {
        Ok(period) if period.is_quarter() => Some(period),
        Ok(_) | Err(_) => {
            findings.error(
                "/period",
                codes::INVALID_PERIOD,
                format!(
                    "{} is not a quarter YYYY-Qn between 2000 and 2100",
                    doc.period
                ),
            );
            None
        }
    };
    if let Some(period) = period {
        if period.is_future(facts.today) {
            findings.error(
                "/period",
                codes::FUTURE_PERIOD,
                format!("{period} has not started yet (today is {})", facts.today),
            );
        }
        if facts.period_locked {
            findings.error(
                "/period",
                codes::PERIOD_LOCKED,
                format!("{period} is locked after its review; no further submissions are accepted"),
            );
        }
    }
    let doc_class = classification(
        doc.classification.as_deref(),
        "/classification",
        &mut findings,
    );

    let mut services: Vec<NewCommonService> = Vec::new();
    let mut service_lines: HashMap<&str, ServiceLine> = HashMap::new();
    for (i, s) in doc.common_services.iter().enumerate() {
        let pointer = format!("/commonServices/{i}");
        if service_lines.contains_key(s.id.as_str()) {
            findings.error(
                format!("{pointer}/id"),
                codes::DUPLICATE_COMMON_SERVICE,
                format!("common service id {} is listed twice", s.id),
            );
            continue;
        }
        let line = parse_vocab(
            &s.service_line,
            &format!("{pointer}/serviceLine"),
            &mut findings,
        );
        let status = s.status.as_deref().and_then(|t| {
            parse_vocab::<CommonServiceStatus>(t, &format!("{pointer}/status"), &mut findings)
        });
        let Some(line) = line else { continue };
        service_lines.insert(&s.id, line);
        check_agencies(
            std::iter::once((s.lead_agency.as_str(), format!("{pointer}/leadAgency"))).chain(
                s.client_agencies
                    .iter()
                    .enumerate()
                    .map(|(j, a)| (a.as_str(), format!("{pointer}/clientAgencies/{j}"))),
            ),
            facts,
            &mut findings,
        );
        services.push(NewCommonService {
            service_id: s.id.clone(),
            name: s.name.clone(),
            service_line: line,
            lead_agency: s.lead_agency.clone(),
            client_agencies: s.client_agencies.clone(),
            status,
            modality: None,
            stock_take_action: None,
            cba: None,
        });
    }

    let currency = CurrencyCode::parse(&doc.currency).ok();
    let mut values = Vec::new();
    let mut seen: HashSet<(String, Option<String>)> = HashSet::new();
    for (i, v) in doc.values.iter().enumerate() {
        let pointer = format!("/values/{i}");
        let mut problems = Vec::new();
        let resolved = match resolve_kpi(&v.kpi, &doc.country, facts, &format!("{pointer}/kpi")) {
            Ok(resolved) => Some(resolved),
            Err(problem) => {
                problems.push(problem);
                None
            }
        };
        if let Some(id) = &v.common_service
            && !service_lines.contains_key(id.as_str())
        {
            problems.push(Problem::new(
                format!("{pointer}/commonService"),
                codes::UNKNOWN_COMMON_SERVICE,
                format!("common service {id} is not listed in this document's commonServices"),
            ));
        }
        let numbers = (|| {
            Ok::<_, Problem>((
                decimal(&v.value, &format!("{pointer}/value"))?,
                v.baseline
                    .as_ref()
                    .map(|n| decimal(n, &format!("{pointer}/baseline")))
                    .transpose()?,
                v.target
                    .as_ref()
                    .map(|n| decimal(n, &format!("{pointer}/target")))
                    .transpose()?,
                v.denominator
                    .as_ref()
                    .map(|n| decimal(n, &format!("{pointer}/denominator")))
                    .transpose()?,
            ))
        })();
        let (reported, baseline, target, denominator) = match numbers {
            Ok(numbers) => numbers,
            Err(problem) => {
                problems.push(problem);
                findings.reject(problems);
                continue;
            }
        };
        let value_class = match &v.classification {
            Some(text) => match text.parse::<Classification>() {
                Ok(c) => Some(c),
                Err(e) => {
                    problems.push(Problem::new(
                        format!("{pointer}/classification"),
                        codes::SCHEMA_INVALID,
                        e.to_string(),
                    ));
                    None
                }
            },
            None => doc_class,
        };
        let (definition, mapping) = match resolved {
            Some(Resolved::Regional(d)) => (d, None),
            Some(Resolved::Mapped(d, m)) => (d, Some(m)),
            Some(Resolved::LocalOffline) => {
                findings.warn(
                    format!("{pointer}/kpi"),
                    codes::LOCAL_CODE,
                    format!("{} is not a regional KPI; the hub accepts it only if it maps this local code", v.kpi),
                );
                findings.reject(problems);
                continue;
            }
            None => {
                findings.reject(problems);
                continue;
            }
        };
        let harmonize = |n: Decimal| mapped(n, mapping);
        let (Some(value), baseline, target) = (
            harmonize(reported),
            baseline.and_then(harmonize),
            target.and_then(harmonize),
        ) else {
            problems.push(Problem::new(
                format!("{pointer}/value"),
                codes::VALUE_OUT_OF_RANGE,
                "the mapped value does not fit a decimal",
            ));
            findings.reject(problems);
            continue;
        };
        for (number, field) in [
            (Some(value), "value"),
            (baseline, "baseline"),
            (target, "target"),
        ] {
            if let Some(number) = number
                && let Some(problem) = unit_problem(
                    definition.unit,
                    number,
                    &format!("{pointer}/{field}"),
                    field,
                )
            {
                problems.push(problem);
            }
        }
        let key = (definition.code.to_string(), v.common_service.clone());
        if problems.is_empty() && !seen.insert(key) {
            problems.push(Problem::new(
                format!("{pointer}/kpi"),
                codes::DUPLICATE_VALUE,
                format!(
                    "a second value for {}{}; send one value per KPI and common service",
                    definition.code,
                    v.common_service
                        .as_deref()
                        .map(|s| format!(" and {s}"))
                        .unwrap_or_default()
                ),
            ));
        }
        if findings.reject(problems) {
            continue;
        }
        let (Some(period), Some(currency), Some(classification)) = (period, &currency, value_class)
        else {
            continue;
        };
        let (value, stored_currency, fx, flags, baseline, target) = if definition.unit.is_monetary()
        {
            let (usd, fx, flags) = to_usd(
                value,
                currency,
                period.rate_month(),
                facts,
                &format!("{pointer}/value"),
                &mut findings,
            );
            let convert =
                |n: Option<Decimal>| n.and_then(|n| fx.and_then(|(_, rate)| rate.to_usd(n)));
            (
                usd,
                Some(currency.to_string()),
                fx,
                flags,
                convert(baseline),
                convert(target),
            )
        } else {
            (Some(value), None, None, vec![], baseline, target)
        };
        let service_line = match &v.common_service {
            Some(id) => service_lines.get(id.as_str()).copied(),
            None => definition.service_line,
        };
        values.push(NewValue {
            pointer,
            kpi: definition.code.to_string(),
            reported_kpi: v.kpi.clone(),
            common_service: v.common_service.clone(),
            service_line,
            value,
            reported_value: reported,
            currency: stored_currency,
            fx,
            baseline,
            target,
            denominator,
            classification,
            flags,
            mapping: mapping.map(|m| AppliedMapping {
                id: m.id,
                version: m.version,
                factor: m.factor,
                offset: m.offset,
            }),
            comment: v.comment.clone(),
        });
    }

    let record = match (CountryCode::parse(&doc.country), period, doc_class) {
        (Ok(country), Some(period), Some(classification)) => Some(Record {
            slice: SliceKey {
                document_type: DocumentType::KpiReport,
                country,
                scope: SliceScope::Period(period),
            },
            revision: doc.revision,
            classification,
            currency: doc.currency.clone(),
            bos_status: None,
            signed_on: None,
            prepared_by_agency: doc.prepared_by.as_ref().map(|p| p.agency.clone()),
            services,
            values,
            planned: vec![],
            targets: vec![],
        }),
        _ => None,
    };
    findings.finish(record)
}

fn cba_part(part: &MoneyLabour, pointer: &str) -> Result<(Decimal, Decimal), Problem> {
    Ok((
        decimal(&part.monetary, &format!("{pointer}/monetary"))?,
        decimal(&part.labour, &format!("{pointer}/labour"))?,
    ))
}

/// Checks and harmonizes a BOS.
pub fn check_bos(doc: &Bos, facts: &Facts) -> Checked {
    let mut findings = Findings::default();
    check_country_and_currency(&doc.country, &doc.currency, facts, &mut findings);
    let (start, end) = (doc.cycle.start, doc.cycle.end);
    let cycle_ok = start <= end && end - start < MAX_CYCLE_YEARS;
    if !cycle_ok {
        findings.error(
            "/cycle",
            codes::INVALID_CYCLE,
            format!(
                "cycle {start}-{end} must run forward and span at most {MAX_CYCLE_YEARS} years"
            ),
        );
    }
    let status = parse_vocab::<BosStatus>(&doc.status, "/status", &mut findings);
    let doc_class = classification(
        doc.classification.as_deref(),
        "/classification",
        &mut findings,
    );
    let currency = CurrencyCode::parse(&doc.currency).ok();

    let mut services = Vec::new();
    let mut planned = Vec::new();
    let mut targets = Vec::new();
    let mut ids = HashSet::new();
    for (i, s) in doc.common_services.iter().enumerate() {
        let pointer = format!("/commonServices/{i}");
        if !ids.insert(s.id.as_str()) {
            findings.error(
                format!("{pointer}/id"),
                codes::DUPLICATE_COMMON_SERVICE,
                format!("common service id {} is listed twice", s.id),
            );
            continue;
        }
        let line = parse_vocab::<ServiceLine>(
            &s.service_line,
            &format!("{pointer}/serviceLine"),
            &mut findings,
        );
        let modality = s.modality.as_deref().and_then(|t| {
            parse_vocab::<Modality>(t, &format!("{pointer}/modality"), &mut findings)
        });
        let action = s.stock_take_action.as_deref().and_then(|t| {
            parse_vocab::<StockTakeAction>(t, &format!("{pointer}/stockTakeAction"), &mut findings)
        });
        let cba = match &s.cba {
            None => None,
            Some(cba) => {
                let parts = (|| {
                    Ok::<_, Problem>((
                        cba_part(&cba.one_time_cost, &format!("{pointer}/cba/oneTimeCost"))?,
                        cba_part(&cba.annual_cost, &format!("{pointer}/cba/annualCost"))?,
                        cba_part(&cba.annual_benefit, &format!("{pointer}/cba/annualBenefit"))?,
                    ))
                })();
                match parts {
                    Ok((one_time, annual_cost, annual_benefit)) => Some(Cba {
                        one_time_monetary: one_time.0,
                        one_time_labour: one_time.1,
                        annual_cost_monetary: annual_cost.0,
                        annual_cost_labour: annual_cost.1,
                        annual_benefit_monetary: annual_benefit.0,
                        annual_benefit_labour: annual_benefit.1,
                    }),
                    Err(problem) => {
                        findings.errors.push(problem);
                        None
                    }
                }
            }
        };
        check_agencies(
            std::iter::once((s.lead_agency.as_str(), format!("{pointer}/leadAgency"))).chain(
                s.client_agencies
                    .iter()
                    .enumerate()
                    .map(|(j, a)| (a.as_str(), format!("{pointer}/clientAgencies/{j}"))),
            ),
            facts,
            &mut findings,
        );
        let Some(line) = line else { continue };

        let mut years = HashSet::new();
        for (j, p) in s.planned_cost_avoidance.iter().enumerate() {
            let at = format!("{pointer}/plannedCostAvoidance/{j}");
            let mut problems = Vec::new();
            if cycle_ok && !(start..=end).contains(&p.year) {
                problems.push(Problem::new(
                    format!("{at}/year"),
                    codes::YEAR_OUTSIDE_CYCLE,
                    format!("{} is outside the cycle {start}-{end}", p.year),
                ));
            }
            if !years.insert(p.year) {
                problems.push(Problem::new(
                    format!("{at}/year"),
                    codes::DUPLICATE_VALUE,
                    format!("a second planned amount for {} of {}", p.year, s.id),
                ));
            }
            let amount = match decimal(&p.amount, &format!("{at}/amount")) {
                Ok(amount) => Some(amount),
                Err(problem) => {
                    problems.push(problem);
                    None
                }
            };
            if findings.reject(problems) {
                continue;
            }
            let (Some(amount), Some(currency)) = (amount, &currency) else {
                continue;
            };
            planned.push(NewPlannedCa {
                pointer: at,
                service_id: s.id.clone(),
                service_line: Some(line),
                year: p.year,
                amount,
                currency: currency.to_string(),
            });
        }

        for (k, kpi) in s.kpis.iter().enumerate() {
            let at = format!("{pointer}/kpis/{k}");
            let (definition, mapping) =
                match resolve_kpi(&kpi.kpi, &doc.country, facts, &format!("{at}/kpi")) {
                    Ok(Resolved::Regional(d)) => (d, None),
                    Ok(Resolved::Mapped(d, m)) => (d, Some(m)),
                    Ok(Resolved::LocalOffline) => continue,
                    Err(problem) => {
                        findings.reject(vec![problem]);
                        continue;
                    }
                };
            let baseline = match kpi
                .baseline
                .as_ref()
                .map(|n| decimal(n, &format!("{at}/baseline")))
                .transpose()
            {
                Ok(b) => b.and_then(|b| mapped(b, mapping)),
                Err(problem) => {
                    findings.reject(vec![problem]);
                    continue;
                }
            };
            if let Some(problem) = baseline.and_then(|b| {
                unit_problem(definition.unit, b, &format!("{at}/baseline"), "baseline")
            }) {
                findings.reject(vec![problem]);
                continue;
            }
            let mut target_years = HashSet::new();
            for (t, target) in kpi.targets.iter().enumerate() {
                let tp = format!("{at}/targets/{t}");
                let mut problems = Vec::new();
                if cycle_ok && !(start..=end).contains(&target.year) {
                    problems.push(Problem::new(
                        format!("{tp}/year"),
                        codes::YEAR_OUTSIDE_CYCLE,
                        format!("{} is outside the cycle {start}-{end}", target.year),
                    ));
                }
                if !target_years.insert(target.year) {
                    problems.push(Problem::new(
                        format!("{tp}/year"),
                        codes::DUPLICATE_VALUE,
                        format!("a second {} target for {}", definition.code, target.year),
                    ));
                }
                let value =
                    decimal(&target.value, &format!("{tp}/value")).map(|v| mapped(v, mapping));
                let value = match value {
                    Ok(Some(v)) => {
                        if let Some(problem) =
                            unit_problem(definition.unit, v, &format!("{tp}/value"), "target")
                        {
                            problems.push(problem);
                        }
                        Some(v)
                    }
                    Ok(None) => None,
                    Err(problem) => {
                        problems.push(problem);
                        None
                    }
                };
                if findings.reject(problems) {
                    continue;
                }
                let Some(value) = value else { continue };
                targets.push(NewKpiTarget {
                    pointer: tp,
                    service_id: s.id.clone(),
                    kpi: definition.code.to_string(),
                    baseline,
                    year: target.year,
                    target: value,
                });
            }
        }

        services.push(NewCommonService {
            service_id: s.id.clone(),
            name: s.name.clone(),
            service_line: line,
            lead_agency: s.lead_agency.clone(),
            client_agencies: s.client_agencies.clone(),
            status: None,
            modality,
            stock_take_action: action,
            cba,
        });
    }

    let record = match (CountryCode::parse(&doc.country), doc_class, cycle_ok) {
        (Ok(country), Some(classification), true) => Some(Record {
            slice: SliceKey {
                document_type: DocumentType::Bos,
                country,
                scope: SliceScope::Cycle { start, end },
            },
            revision: doc.revision,
            classification,
            currency: doc.currency.clone(),
            bos_status: status,
            signed_on: doc.signed_on.clone(),
            prepared_by_agency: doc.prepared_by.as_ref().map(|p| p.agency.clone()),
            services,
            values: vec![],
            planned,
            targets,
        }),
        _ => None,
    };
    findings.finish(record)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use serde_json::json;

    fn facts() -> Facts {
        let reference = hub_store::seed::embedded_reference().unwrap();
        let mut facts = Facts::offline(
            &reference,
            crate::facts::Keys {
                country: "COL",
                currency: "COP",
                period: None,
            },
            NaiveDate::from_ymd_opt(2026, 11, 25).unwrap(),
        );
        facts.mappings = Some(HashMap::new());
        facts
    }

    fn report(values: serde_json::Value) -> KpiReport {
        serde_json::from_value(json!({
            "documentType": "kpi-report", "schemaVersion": "1.0", "country": "COL",
            "period": "2026-Q2", "revision": 1, "currency": "COP",
            "commonServices": [{ "id": "COL-T", "name": "Travel", "serviceLine": "PROCUREMENT",
                                 "leadAgency": "UNDP", "clientAgencies": ["UNICEF"], "status": "ACTIVE" }],
            "values": values
        }))
        .unwrap()
    }

    fn codes_of(problems: &[Problem]) -> Vec<&str> {
        problems.iter().map(|p| p.code.as_str()).collect()
    }

    #[test]
    fn cost_avoidance_converts_at_the_rate_of_the_quarters_last_month() {
        let mut facts = facts();
        facts
            .rates
            .insert("2026-06".parse().unwrap(), "4000".parse().unwrap());
        let checked = check_kpi_report(
            &report(json!([{ "kpi": "CA", "commonService": "COL-T", "value": 125000000 }])),
            &facts,
        );
        let value = &checked.record.unwrap().values[0];
        assert_eq!(value.value, Some(Decimal::from(31250)));
        assert_eq!(value.fx.unwrap().0.to_string(), "2026-06");
        assert_eq!(value.currency.as_deref(), Some("COP"));
        assert_eq!(value.service_line, Some(ServiceLine::Procurement));
    }

    #[test]
    fn bad_values_are_rejected_one_by_one_and_good_ones_kept() {
        let checked = check_kpi_report(
            &report(json!([
                { "kpi": "ICT.UPTIME.PCT", "value": 101 },
                { "kpi": "LOG.FLEET.SHARED", "value": 2.5 },
                { "kpi": "HR.ROSTER.HIRES", "value": -1 },
                { "kpi": "NOPE.KPI", "value": 1 },
                { "kpi": "local_code", "value": 1 },
                { "kpi": "PROC.LEADTIME", "commonService": "GHOST", "value": 3 },
                { "kpi": "PROC.LEADTIME", "commonService": "COL-T", "value": 12 }
            ])),
            &facts(),
        );
        assert!(checked.errors.is_empty());
        assert_eq!(
            codes_of(&checked.rejected),
            [
                "PERCENT_OUT_OF_RANGE",
                "COUNT_NOT_INTEGRAL",
                "VALUE_NEGATIVE",
                "UNKNOWN_KPI",
                "UNMAPPED_LOCAL_CODE",
                "UNKNOWN_COMMON_SERVICE"
            ]
        );
        assert_eq!(checked.rejected[0].pointer, "/values/0/value");
        assert_eq!(checked.rejected_count, 6);
        assert_eq!(checked.record.unwrap().values.len(), 1);
    }

    #[test]
    fn a_mapping_turns_a_local_code_into_its_regional_kpi() {
        let mut facts = facts();
        facts.mappings = Some(HashMap::from([(
            "lead_weeks".to_owned(),
            hub_store::mappings::Mapping {
                id: 9,
                country: "COL".into(),
                local_code: "lead_weeks".into(),
                kpi: "PROC.LEADTIME".into(),
                factor: Decimal::from(7),
                offset: Decimal::ZERO,
                version: 2,
                active: true,
            },
        )]));
        let checked = check_kpi_report(
            &report(json!([{ "kpi": "lead_weeks", "value": 3 }])),
            &facts,
        );
        let value = &checked.record.unwrap().values[0];
        assert_eq!(value.kpi, "PROC.LEADTIME");
        assert_eq!(value.reported_kpi, "lead_weeks");
        assert_eq!(value.value, Some(Decimal::from(21)));
        assert_eq!(value.mapping.as_ref().unwrap().version, 2);
    }

    #[test]
    fn missing_rates_flag_values_instead_of_rejecting_them() {
        let mut facts = facts();
        facts.rates.clear();
        facts
            .rates
            .insert("2026-02".parse().unwrap(), "4000".parse().unwrap());
        let checked = check_kpi_report(&report(json!([{ "kpi": "CA", "value": 4000 }])), &facts);
        assert_eq!(codes_of(&checked.warnings), ["RATE_STALE"]);
        assert_eq!(checked.record.unwrap().values[0].value, Some(Decimal::ONE));

        facts.rates.clear();
        let checked = check_kpi_report(&report(json!([{ "kpi": "CA", "value": 4000 }])), &facts);
        assert_eq!(codes_of(&checked.warnings), ["NO_RATE"]);
        let value = &checked.record.unwrap().values[0];
        assert_eq!(value.value, None);
        assert_eq!(value.flags, [ValueFlag::NoRate]);
    }

    #[test]
    fn a_second_value_for_the_same_kpi_and_service_is_rejected() {
        let checked = check_kpi_report(
            &report(json!([
                { "kpi": "PROC.LEADTIME", "commonService": "COL-T", "value": 12 },
                { "kpi": "PROC.LEADTIME", "commonService": "COL-T", "value": 13 }
            ])),
            &facts(),
        );
        assert_eq!(codes_of(&checked.rejected), ["DUPLICATE_VALUE"]);
        assert_eq!(checked.rejected[0].pointer, "/values/1/kpi");
    }

    #[test]
    fn future_period_and_unknown_country_reject_the_document() {
        let mut doc = report(json!([]));
        doc.period = "2027-Q1".into();
        let mut facts = facts();
        facts.country_known = false;
        let checked = check_kpi_report(&doc, &facts);
        assert_eq!(
            codes_of(&checked.errors),
            ["UNKNOWN_COUNTRY", "FUTURE_PERIOD"]
        );
        assert!(checked.record.is_none());
    }
}
