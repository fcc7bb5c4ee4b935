//! The read behind every regional figure: the values a figure combines, from one packed row per
//! kpi-report (`figure_facts`, see [`pack`]) rather than one row per value. A cold dashboard
//! reads thousands of values; building a database row for each was most of its time. Packs are
//! written with the value rows, in the same transaction, and packed again whenever the rows
//! change; a report without a pack is read from its value rows, through a narrow read of the
//! same columns decoded by position.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use hub_domain::Decimal;
use hub_domain::access::Classification;
use hub_domain::catalogue::ServiceLine;
use hub_domain::period::{Month, Period};
use hub_domain::submission::{CommonServiceStatus, DocumentType, ValueFlag};
use sea_orm::sea_query::{Expr, ExprTrait, Func, Order, SelectStatement};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QueryResult, QuerySelect,
    QueryTrait, Set,
};

use super::{CommonService, IN_CHUNK, pack, services_of};
use crate::StoreError;
use crate::codec::{json_vocab, parsed, parsed_opt};
use crate::entity::{figure_facts, kpi_value, submission};

/// A stored KPI value as figures see it. Its texts are shared: the values unpacked from one
/// report point to one copy of each code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FigureValue {
    pub submission_id: i64,
    pub country: Arc<str>,
    pub period: Period,
    pub revision: i32,
    /// Regional KPI code.
    pub kpi: Arc<str>,
    /// The code as the document wrote it (a local code when a mapping applied).
    pub reported_kpi: Arc<str>,
    pub common_service: Option<Arc<str>>,
    pub service_line: Option<ServiceLine>,
    /// Harmonized value in the KPI's unit (USD for money); `None` for money without a rate.
    pub value: Option<Decimal>,
    pub reported_value: Decimal,
    pub currency: Option<Arc<str>>,
    /// Units of `currency` per USD, and the month whose rate it is.
    pub fx_rate: Option<Decimal>,
    pub fx_month: Option<Month>,
    pub baseline: Option<Decimal>,
    pub target: Option<Decimal>,
    pub denominator: Option<Decimal>,
    pub classification: Classification,
    pub flags: Vec<ValueFlag>,
}

/// A common service as a kpi-report listed it, as figures see it (the dashboard counts the
/// active ones of each country's latest report).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportService {
    pub submission_id: i64,
    pub service_id: Arc<str>,
    pub service_line: ServiceLine,
    pub status: Option<CommonServiceStatus>,
}

impl From<CommonService> for ReportService {
    /// What figures keep of a stored common service row.
    fn from(s: CommonService) -> Self {
        ReportService {
            submission_id: s.submission_id,
            service_id: s.service_id.into(),
            service_line: s.service_line,
            status: s.status,
        }
    }
}

/// The columns read, in the order [`decode`] takes them.
const COLUMNS: [kpi_value::Column; 18] = [
    kpi_value::Column::SubmissionId,
    kpi_value::Column::Country,
    kpi_value::Column::Period,
    kpi_value::Column::Revision,
    kpi_value::Column::Kpi,
    kpi_value::Column::ReportedKpi,
    kpi_value::Column::CommonService,
    kpi_value::Column::ServiceLine,
    kpi_value::Column::Value,
    kpi_value::Column::ReportedValue,
    kpi_value::Column::Currency,
    kpi_value::Column::FxRate,
    kpi_value::Column::FxMonth,
    kpi_value::Column::Baseline,
    kpi_value::Column::Target,
    kpi_value::Column::Denominator,
    kpi_value::Column::Classification,
    kpi_value::Column::Flags,
];

fn decode(row: &QueryResult) -> Result<FigureValue, StoreError> {
    let text = |i: usize| row.try_get_by_index::<String>(i);
    let optional = |i: usize| row.try_get_by_index::<Option<String>>(i);
    let flags = text(17)?;
    Ok(FigureValue {
        submission_id: row.try_get_by_index(0)?,
        country: text(1)?.into(),
        period: parsed(&text(2)?)?,
        revision: row.try_get_by_index(3)?,
        kpi: text(4)?.into(),
        reported_kpi: text(5)?.into(),
        common_service: optional(6)?.map(Arc::from),
        service_line: parsed_opt(optional(7)?.as_deref())?,
        value: parsed_opt(optional(8)?.as_deref())?,
        reported_value: parsed(&text(9)?)?,
        currency: optional(10)?.map(Arc::from),
        fx_rate: parsed_opt(optional(11)?.as_deref())?,
        fx_month: parsed_opt(optional(12)?.as_deref())?,
        baseline: parsed_opt(optional(13)?.as_deref())?,
        target: parsed_opt(optional(14)?.as_deref())?,
        denominator: parsed_opt(optional(15)?.as_deref())?,
        classification: parsed(&text(16)?)?,
        // Most values carry no flag: skip the JSON parser for them.
        flags: if flags == "[]" {
            Vec::new()
        } else {
            json_vocab(&flags)?
        },
    })
}

fn statement(chunk: &[i64], kpis: Option<&[String]>) -> SelectStatement {
    let mut query = kpi_value::Entity::find()
        .select_only()
        .columns(COLUMNS)
        .filter(kpi_value::Column::SubmissionId.is_in(chunk.iter().copied()))
        .order_by_asc(kpi_value::Column::Id);
    if let Some(kpis) = kpis {
        query = query.filter(kpi_value::Column::Kpi.is_in(kpis.iter().cloned()));
    }
    query.into_query()
}

/// The values stored from some submissions as figures see them, read from their value rows, by
/// submission then in document order, optionally of some KPIs only. [`figure_values_of`] reads
/// the same from the packed figure facts.
pub async fn figure_values_from_rows(
    db: &impl ConnectionTrait,
    submission_ids: &[i64],
    kpis: Option<&[String]>,
) -> Result<Vec<FigureValue>, StoreError> {
    let mut out = Vec::new();
    for chunk in submission_ids.chunks(IN_CHUNK) {
        for row in db.query_all(&statement(chunk, kpis)).await? {
            out.push(decode(&row)?);
        }
    }
    Ok(out)
}

/// The values stored from some submissions as figures see them, by submission (in the order
/// given) then in document order, optionally of some KPIs only: one packed row per submission,
/// the value rows of those without one. Packs are unpacked a chunk at a time, so only the values
/// wanted stay in memory.
pub async fn figure_values_of(
    db: &impl ConnectionTrait,
    submission_ids: &[i64],
    kpis: Option<&[String]>,
) -> Result<Vec<FigureValue>, StoreError> {
    let mut facts = Facts::wanting(kpis, false);
    facts.read(db, submission_ids).await?;
    Ok(facts.values)
}

/// Kpi-reports joined to their packs (a report without one has no `facts`); callers add the
/// columns and filters they need.
pub(crate) fn kpi_reports_with_packs() -> SelectStatement {
    sea_orm::sea_query::Query::select()
        .from(submission::Entity)
        .left_join(
            figure_facts::Entity,
            Expr::col((figure_facts::Entity, figure_facts::Column::SubmissionId))
                .equals((submission::Entity, submission::Column::Id)),
        )
        .and_where(
            Expr::col((submission::Entity, submission::Column::DocumentType))
                .eq(DocumentType::KpiReport.as_str()),
        )
        .to_owned()
}

/// The values and common services figures read of some reports, gathered from their packs (or
/// their rows, for a report without a pack of the layout this build reads).
#[derive(Debug, Default)]
pub struct Facts {
    /// By report (in the order unpacked), then in document order.
    pub values: Vec<FigureValue>,
    /// Empty unless asked for.
    pub services: Vec<ReportService>,
    kpis: Option<HashSet<String>>,
    with_services: bool,
    /// The reports added since the last [`Facts::finish`], each with where its values are in
    /// `values` (none when they are to be read from its rows).
    order: Vec<(i64, Option<std::ops::Range<usize>>)>,
}

impl Facts {
    /// Gathers the values of `kpis` (all when `None`), and the services when `with_services`.
    pub fn wanting(kpis: Option<&[String]>, with_services: bool) -> Self {
        Self {
            kpis: kpis.map(|k| k.iter().cloned().collect()),
            with_services,
            ..Self::default()
        }
    }

    /// Adds the facts of the reports `ids`, reading their packs a chunk at a time.
    pub async fn read(&mut self, db: &impl ConnectionTrait, ids: &[i64]) -> Result<(), StoreError> {
        for chunk in ids.chunks(IN_CHUNK) {
            let query = figure_facts::Entity::find()
                .filter(figure_facts::Column::SubmissionId.is_in(chunk.iter().copied()))
                .into_query();
            let mut packs: HashMap<i64, Vec<u8>> = HashMap::with_capacity(chunk.len());
            for row in db.query_all(&query).await? {
                packs.insert(row.try_get_by_index(0)?, row.try_get_by_index(1)?);
            }
            self.unpack(db, chunk.iter().map(|id| (*id, packs.remove(id))))
                .await?;
        }
        Ok(())
    }

    /// Adds the facts of `reports`, each with its pack when it has one.
    pub async fn unpack(
        &mut self,
        db: &impl ConnectionTrait,
        reports: impl IntoIterator<Item = (i64, Option<Vec<u8>>)>,
    ) -> Result<(), StoreError> {
        let reports: Vec<(i64, Option<Vec<u8>>)> = reports.into_iter().collect();
        if self.kpis.is_none() {
            // Thousands of values: room for all at once, not grown (and copied) as they come.
            let count: usize = reports
                .iter()
                .filter_map(|(_, pack)| pack.as_deref().and_then(pack::value_count))
                .sum();
            self.values.reserve_exact(count);
        }
        for (id, pack) in reports {
            self.add(id, pack)?;
        }
        self.finish(db).await
    }

    /// Adds the facts of report `id` from its pack, at once; a report without a pack of the
    /// current layout (an older build's) is read from its rows by [`Facts::finish`], which puts
    /// its values back in their place among the others.
    pub fn add(&mut self, id: i64, pack: Option<Vec<u8>>) -> Result<(), StoreError> {
        let first = self.values.len();
        match pack.filter(|bytes| pack::is_current(bytes)) {
            Some(bytes) => {
                pack::decode_into(
                    &bytes,
                    id,
                    self.kpis.as_ref(),
                    &mut self.values,
                    self.with_services.then_some(&mut self.services),
                )?;
                self.order.push((id, Some(first..self.values.len())));
            }
            None => self.order.push((id, None)),
        }
        Ok(())
    }

    /// Reads the reports added without a current pack from their rows (rare: packs of an
    /// older layout) and puts their values back in the order the reports were added.
    pub async fn finish(&mut self, db: &impl ConnectionTrait) -> Result<(), StoreError> {
        let order = std::mem::take(&mut self.order);
        let unpacked: Vec<i64> = order
            .iter()
            .filter(|(_, range)| range.is_none())
            .map(|(id, _)| *id)
            .collect();
        if unpacked.is_empty() {
            return Ok(());
        }
        // Where the added reports' values start: reports read from rows have none yet.
        let first = order
            .iter()
            .find_map(|(_, range)| range.as_ref().map(|r| r.start))
            .unwrap_or(self.values.len());
        let kpis: Option<Vec<String>> = self.kpis.as_ref().map(|k| k.iter().cloned().collect());
        let mut from_rows: HashMap<i64, Vec<FigureValue>> = HashMap::new();
        for value in figure_values_from_rows(db, &unpacked, kpis.as_deref()).await? {
            from_rows
                .entry(value.submission_id)
                .or_default()
                .push(value);
        }
        let unpacked_values = self.values.split_off(first);
        for (id, range) in order {
            match range {
                Some(range) => self
                    .values
                    .extend_from_slice(&unpacked_values[range.start - first..range.end - first]),
                None => self
                    .values
                    .extend(from_rows.remove(&id).unwrap_or_default()),
            }
        }
        if self.with_services {
            let listed = services_of(db, &unpacked).await?;
            self.services
                .extend(listed.into_iter().map(ReportService::from));
        }
        Ok(())
    }
}

/// The row of a submission's packed figure facts; `None` for a report without values.
pub(crate) fn figure_facts_row(
    submission_id: i64,
    values: &[FigureValue],
    services: &[ReportService],
) -> Option<figure_facts::ActiveModel> {
    pack::encode(values, services).map(|facts| figure_facts::ActiveModel {
        submission_id: Set(submission_id),
        facts: Set(facts),
    })
}

/// Packs the figure facts of some submissions again from their value rows (after the rows
/// changed, or for reports stored before packs existed), in the caller's transaction.
pub async fn refresh_figure_facts(
    db: &impl ConnectionTrait,
    submission_ids: &[i64],
) -> Result<(), StoreError> {
    for chunk in submission_ids.chunks(IN_CHUNK) {
        figure_facts::Entity::delete_many()
            .filter(figure_facts::Column::SubmissionId.is_in(chunk.iter().copied()))
            .exec(db)
            .await?;
        let mut by_submission: BTreeMap<i64, (Vec<FigureValue>, Vec<ReportService>)> =
            BTreeMap::new();
        for value in figure_values_from_rows(db, chunk, None).await? {
            by_submission
                .entry(value.submission_id)
                .or_default()
                .0
                .push(value);
        }
        for service in services_of(db, chunk).await? {
            if let Some((_, services)) = by_submission.get_mut(&service.submission_id) {
                services.push(service.into());
            }
        }
        for (id, (values, services)) in by_submission {
            if let Some(row) = figure_facts_row(id, &values, &services) {
                figure_facts::Entity::insert(row)
                    .exec_without_returning(db)
                    .await?;
            }
        }
    }
    Ok(())
}

/// Reports packed per batch by [`pack_stale_reports`].
const PACK_BATCH: usize = 200;

/// Packs the figure facts of every kpi-report that has none, or one of a layout this build does
/// not read, from its rows, a batch at a time (the migrations that change the layout run it).
pub async fn pack_stale_reports(db: &impl ConnectionTrait) -> Result<(), StoreError> {
    let query = kpi_reports_with_packs()
        .column((submission::Entity, submission::Column::Id))
        .cond_where(
            sea_orm::Condition::any()
                .add(
                    Expr::col((figure_facts::Entity, figure_facts::Column::SubmissionId)).is_null(),
                )
                .add(
                    Func::cust("substr")
                        .arg(Expr::col((
                            figure_facts::Entity,
                            figure_facts::Column::Facts,
                        )))
                        .arg(1)
                        .arg(1)
                        .ne(vec![pack::FORMAT]),
                ),
        )
        .order_by((submission::Entity, submission::Column::Id), Order::Asc)
        .to_owned();
    let ids = db
        .query_all(&query)
        .await?
        .iter()
        .map(|row| row.try_get_by_index::<i64>(0))
        .collect::<Result<Vec<_>, _>>()?;
    for batch in ids.chunks(PACK_BATCH) {
        refresh_figure_facts(db, batch).await?;
    }
    Ok(())
}
