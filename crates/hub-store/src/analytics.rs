//! Set-based reads behind the regional figures: which revision of each slice counts (now, or as
//! it stood at a time). The values, plans, targets and services of those revisions are read with
//! the set-based readers of [`crate::submissions`], one query per kind (no N+1).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use futures::TryStreamExt;
use hub_domain::access::Classification;
use hub_domain::period::Period;
use hub_domain::submission::DocumentType;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Order, Query, SelectStatement};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, QueryOrder,
    QueryResult, QuerySelect, StreamTrait,
};

use crate::StoreError;
use crate::codec::{parsed, parsed_opt};
use crate::entity::{figure_facts, submission};
use crate::submissions::{Facts, FigureValue, ReportService, Source, kpi_reports_with_packs};

/// The revision of a slice that counts, with what figures need to know about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counted {
    pub id: i64,
    pub country: String,
    pub period: Option<Period>,
    pub cycle: Option<(i32, i32)>,
    pub revision: i32,
    pub classification: Classification,
    pub received_at: DateTime<Utc>,
    /// When the first revision of the slice arrived (on-time is judged by it).
    pub first_received_at: DateTime<Utc>,
    pub source: Source,
    pub currency: Option<String>,
    /// Values of the revision that were rejected one by one.
    pub rejected_values: i32,
}

/// The columns picking needs: never the raw document or the receipt.
#[derive(Debug, FromQueryResult)]
struct Row {
    id: i64,
    slice_key: String,
    country: String,
    period: Option<String>,
    cycle_start: Option<i32>,
    cycle_end: Option<i32>,
    revision: i32,
    classification: String,
    received_at: DateTime<Utc>,
    source_kind: String,
    source_id: Option<i64>,
    source_name: String,
    currency: Option<String>,
    rejected_values: i32,
}

async fn rows(
    db: &impl ConnectionTrait,
    query: sea_orm::Select<submission::Entity>,
) -> Result<Vec<Row>, StoreError> {
    Ok(query
        .select_only()
        .columns([
            submission::Column::Id,
            submission::Column::SliceKey,
            submission::Column::Country,
            submission::Column::Period,
            submission::Column::CycleStart,
            submission::Column::CycleEnd,
            submission::Column::Revision,
            submission::Column::Classification,
            submission::Column::ReceivedAt,
            submission::Column::SourceKind,
            submission::Column::SourceId,
            submission::Column::SourceName,
            submission::Column::Currency,
            submission::Column::RejectedValues,
        ])
        .order_by_asc(submission::Column::Id)
        .into_model::<Row>()
        .all(db)
        .await?)
}

/// Picks, per slice, the highest revision received by `as_of` (all when `None`).
fn pick(rows: Vec<Row>, as_of: Option<DateTime<Utc>>) -> Result<Vec<Counted>, StoreError> {
    let mut by_slice: BTreeMap<String, (Row, DateTime<Utc>)> = BTreeMap::new();
    for row in rows {
        if as_of.is_some_and(|t| row.received_at > t) {
            continue;
        }
        match by_slice.get_mut(&row.slice_key) {
            Some((best, first)) => {
                *first = Ord::min(*first, row.received_at);
                if row.revision > best.revision {
                    *best = row;
                }
            }
            None => {
                let first = row.received_at;
                by_slice.insert(row.slice_key.clone(), (row, first));
            }
        }
    }
    by_slice
        .into_values()
        .map(|(row, first)| {
            Ok(Counted {
                period: parsed_opt(row.period.as_deref())?,
                classification: parsed(&row.classification)?,
                source: Source {
                    kind: parsed(&row.source_kind)?,
                    id: row.source_id,
                    name: row.source_name,
                },
                id: row.id,
                country: row.country,
                cycle: row.cycle_start.zip(row.cycle_end),
                revision: row.revision,
                received_at: row.received_at,
                first_received_at: first,
                currency: row.currency,
                rejected_values: row.rejected_values,
            })
        })
        .collect()
}

/// What figures read of the kpi-reports that count for some quarters.
#[derive(Debug, Default)]
pub struct ReportFacts {
    pub reports: Vec<Counted>,
    /// Their values (of the KPIs asked for), by report then in document order.
    pub values: Vec<FigureValue>,
    /// Their common services, when asked for.
    pub services: Vec<ReportService>,
}

/// The kpi-reports that count for `periods` (now, or as of a time), with their values of `kpis`
/// (all when `None`) and, when `with_services`, their common services. Now, it is one query:
/// each current report with its packed facts and when its slice's first revision arrived.
pub async fn report_facts(
    db: &(impl ConnectionTrait + StreamTrait),
    periods: &[Period],
    as_of: Option<DateTime<Utc>>,
    kpis: Option<&[String]>,
    with_services: bool,
) -> Result<ReportFacts, StoreError> {
    let mut facts = Facts::wanting(kpis, with_services);
    let reports = match as_of {
        Some(_) => {
            let reports = counted_reports(db, periods, as_of).await?;
            let ids: Vec<i64> = reports.iter().map(|r| r.id).collect();
            facts.read(db, &ids).await?;
            reports
        }
        None if periods.is_empty() => Vec::new(),
        None => {
            // Streamed: each report's pack is unpacked while the database reads the next.
            let mut reports = Vec::new();
            {
                let rows = db.stream(&current_with_packs(periods)).await?;
                let mut rows = std::pin::pin!(rows);
                while let Some(row) = rows.try_next().await? {
                    let (counted, pack) = current_row(&row)?;
                    facts.add(counted.id, pack)?;
                    reports.push(counted);
                }
            }
            // After the stream is gone: SQLite's one connection is free for reading rows.
            facts.finish(db).await?;
            reports
        }
    };
    Ok(ReportFacts {
        reports,
        values: facts.values,
        services: facts.services,
    })
}

/// The columns of [`current_with_packs`], in the order [`current_row`] reads them.
const CURRENT: [submission::Column; 11] = [
    submission::Column::Id,
    submission::Column::Country,
    submission::Column::Period,
    submission::Column::Revision,
    submission::Column::Classification,
    submission::Column::ReceivedAt,
    submission::Column::SourceKind,
    submission::Column::SourceId,
    submission::Column::SourceName,
    submission::Column::Currency,
    submission::Column::RejectedValues,
];

/// The current kpi-reports of `periods`, each with when its slice's first revision arrived
/// and its pack (none for a report without one).
fn current_with_packs(periods: &[Period]) -> SelectStatement {
    let earlier = Alias::new("earlier");
    let first_received = Query::select()
        .expr(Expr::col((earlier.clone(), submission::Column::ReceivedAt)).min())
        .from_as(submission::Entity, earlier.clone())
        .and_where(
            Expr::col((earlier, submission::Column::SliceKey))
                .equals((submission::Entity, submission::Column::SliceKey)),
        )
        .to_owned();
    kpi_reports_with_packs()
        .columns(CURRENT.map(|c| (submission::Entity, c)))
        .expr(Expr::SubQuery(None, Box::new(first_received.into())))
        .column((figure_facts::Entity, figure_facts::Column::Facts))
        .and_where(Expr::col((submission::Entity, submission::Column::IsCurrent)).eq(true))
        .and_where(
            Expr::col((submission::Entity, submission::Column::Period))
                .is_in(periods.iter().map(ToString::to_string)),
        )
        .order_by((submission::Entity, submission::Column::Id), Order::Asc)
        .to_owned()
}

/// A row of [`current_with_packs`].
fn current_row(row: &QueryResult) -> Result<(Counted, Option<Vec<u8>>), StoreError> {
    let text = |i: usize| row.try_get_by_index::<String>(i);
    let counted = Counted {
        id: row.try_get_by_index(0)?,
        country: text(1)?,
        period: parsed_opt(row.try_get_by_index::<Option<String>>(2)?.as_deref())?,
        cycle: None,
        revision: row.try_get_by_index(3)?,
        classification: parsed(&text(4)?)?,
        received_at: row.try_get_by_index(5)?,
        source: Source {
            kind: parsed(&text(6)?)?,
            id: row.try_get_by_index(7)?,
            name: text(8)?,
        },
        currency: row.try_get_by_index(9)?,
        rejected_values: row.try_get_by_index(10)?,
        first_received_at: row.try_get_by_index(11)?,
    };
    Ok((counted, row.try_get_by_index(12)?))
}

/// The KPI reports that count for `periods`, now or as of a time.
pub async fn counted_reports(
    db: &impl ConnectionTrait,
    periods: &[Period],
    as_of: Option<DateTime<Utc>>,
) -> Result<Vec<Counted>, StoreError> {
    if periods.is_empty() {
        return Ok(vec![]);
    }
    let query = submission::Entity::find()
        .filter(submission::Column::DocumentType.eq(DocumentType::KpiReport.as_str()))
        .filter(submission::Column::Period.is_in(periods.iter().map(ToString::to_string)));
    pick(rows(db, query).await?, as_of)
}

/// The BOS of each country whose cycle covers `year`, now or as of a time. When cycles of one
/// country overlap, the one starting latest wins.
pub async fn counted_bos(
    db: &impl ConnectionTrait,
    year: i32,
    as_of: Option<DateTime<Utc>>,
) -> Result<Vec<Counted>, StoreError> {
    let query = submission::Entity::find()
        .filter(submission::Column::DocumentType.eq(DocumentType::Bos.as_str()))
        .filter(submission::Column::CycleStart.lte(year))
        .filter(submission::Column::CycleEnd.gte(year));
    let mut by_country: BTreeMap<String, Counted> = BTreeMap::new();
    for counted in pick(rows(db, query).await?, as_of)? {
        let newer = by_country
            .get(&counted.country)
            .is_none_or(|c| counted.cycle.map(|c| c.0) > c.cycle.map(|c| c.0));
        if newer {
            by_country.insert(counted.country.clone(), counted);
        }
    }
    Ok(by_country.into_values().collect())
}
