//! Set-based reads behind the regional figures: which revision of each slice counts (now, or as
//! it stood at a time), and the values, plans, targets and services of those revisions, each in
//! one query per kind (no N+1).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::StoreError;
use crate::entity::{bos_kpi_target, bos_planned_ca, common_service, kpi_value, submission};

/// Ids per `IN (...)` list, well under both engines' parameter limits.
const IN_CHUNK: usize = 500;

/// The revision of a slice that counts, with what figures need to know about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counted {
    pub id: i64,
    pub country: String,
    pub period: Option<String>,
    pub cycle: Option<(i32, i32)>,
    pub revision: i32,
    pub classification: String,
    pub received_at: DateTime<Utc>,
    /// When the first revision of the slice arrived (on-time is judged by it).
    pub first_received_at: DateTime<Utc>,
    pub source_kind: String,
    pub source_name: String,
    pub source_id: Option<i64>,
    pub currency: Option<String>,
    /// Values of the revision that were rejected one by one.
    pub rejected_values: i32,
}

/// Picks, per slice, the highest revision received by `as_of` (all when `None`).
fn pick(rows: Vec<submission::Model>, as_of: Option<DateTime<Utc>>) -> Vec<Counted> {
    let mut by_slice: BTreeMap<String, (submission::Model, DateTime<Utc>)> = BTreeMap::new();
    for row in rows {
        if as_of.is_some_and(|t| row.received_at > t) {
            continue;
        }
        match by_slice.get_mut(&row.slice_key) {
            Some((best, first)) => {
                *first = (*first).min(row.received_at);
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
        .map(|(row, first)| Counted {
            id: row.id,
            country: row.country,
            period: row.period,
            cycle: row.cycle_start.zip(row.cycle_end),
            revision: row.revision,
            classification: row.classification,
            received_at: row.received_at,
            first_received_at: first,
            source_kind: row.source_kind,
            source_name: row.source_name,
            source_id: row.source_id,
            currency: row.currency,
            rejected_values: row.rejected_values,
        })
        .collect()
}

/// The KPI reports that count for `periods`, now or as of a time.
pub async fn counted_reports(
    db: &impl ConnectionTrait,
    periods: &[String],
    as_of: Option<DateTime<Utc>>,
) -> Result<Vec<Counted>, StoreError> {
    if periods.is_empty() {
        return Ok(vec![]);
    }
    let rows = submission::Entity::find()
        .filter(submission::Column::DocumentType.eq("kpi-report"))
        .filter(submission::Column::Period.is_in(periods.iter().cloned()))
        .order_by_asc(submission::Column::Id)
        .all(db)
        .await?;
    Ok(pick(rows, as_of))
}

/// The BOS of each country whose cycle covers `year`, now or as of a time. When cycles of one
/// country overlap, the one starting latest wins.
pub async fn counted_bos(
    db: &impl ConnectionTrait,
    year: i32,
    as_of: Option<DateTime<Utc>>,
) -> Result<Vec<Counted>, StoreError> {
    let rows = submission::Entity::find()
        .filter(submission::Column::DocumentType.eq("bos"))
        .filter(submission::Column::CycleStart.lte(year))
        .filter(submission::Column::CycleEnd.gte(year))
        .order_by_asc(submission::Column::Id)
        .all(db)
        .await?;
    let mut by_country: BTreeMap<String, Counted> = BTreeMap::new();
    for counted in pick(rows, as_of) {
        let newer = by_country
            .get(&counted.country)
            .is_none_or(|c| counted.cycle.map(|c| c.0) > c.cycle.map(|c| c.0));
        if newer {
            by_country.insert(counted.country.clone(), counted);
        }
    }
    Ok(by_country.into_values().collect())
}

/// Values of the given submissions, optionally of some KPIs only.
pub async fn values_of(
    db: &impl ConnectionTrait,
    submission_ids: &[i64],
    kpis: Option<&[String]>,
) -> Result<Vec<kpi_value::Model>, StoreError> {
    let mut out = Vec::new();
    for chunk in submission_ids.chunks(IN_CHUNK) {
        let mut query = kpi_value::Entity::find()
            .filter(kpi_value::Column::SubmissionId.is_in(chunk.iter().copied()))
            .order_by_asc(kpi_value::Column::Id);
        if let Some(kpis) = kpis {
            query = query.filter(kpi_value::Column::Kpi.is_in(kpis.iter().cloned()));
        }
        out.extend(query.all(db).await?);
    }
    Ok(out)
}

/// Planned cost avoidance of the given BOS submissions for one year.
pub async fn planned_of(
    db: &impl ConnectionTrait,
    submission_ids: &[i64],
    year: i32,
) -> Result<Vec<bos_planned_ca::Model>, StoreError> {
    let mut out = Vec::new();
    for chunk in submission_ids.chunks(IN_CHUNK) {
        out.extend(
            bos_planned_ca::Entity::find()
                .filter(bos_planned_ca::Column::SubmissionId.is_in(chunk.iter().copied()))
                .filter(bos_planned_ca::Column::Year.eq(year))
                .order_by_asc(bos_planned_ca::Column::Id)
                .all(db)
                .await?,
        );
    }
    Ok(out)
}

/// KPI targets of the given BOS submissions for one year.
pub async fn targets_of(
    db: &impl ConnectionTrait,
    submission_ids: &[i64],
    year: i32,
) -> Result<Vec<bos_kpi_target::Model>, StoreError> {
    let mut out = Vec::new();
    for chunk in submission_ids.chunks(IN_CHUNK) {
        out.extend(
            bos_kpi_target::Entity::find()
                .filter(bos_kpi_target::Column::SubmissionId.is_in(chunk.iter().copied()))
                .filter(bos_kpi_target::Column::Year.eq(year))
                .order_by_asc(bos_kpi_target::Column::Id)
                .all(db)
                .await?,
        );
    }
    Ok(out)
}

/// Common services listed by the given submissions.
pub async fn services_of(
    db: &impl ConnectionTrait,
    submission_ids: &[i64],
) -> Result<Vec<common_service::Model>, StoreError> {
    let mut out = Vec::new();
    for chunk in submission_ids.chunks(IN_CHUNK) {
        out.extend(
            common_service::Entity::find()
                .filter(common_service::Column::SubmissionId.is_in(chunk.iter().copied()))
                .order_by_asc(common_service::Column::Id)
                .all(db)
                .await?,
        );
    }
    Ok(out)
}
