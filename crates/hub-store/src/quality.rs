//! Data quality (DESIGN §16): the history a value is judged against, min-max bounds set per
//! country and KPI, follow-up marks, and the validation rules.

use std::collections::HashSet;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use hub_domain::Decimal;
use hub_domain::period::Period;
use hub_domain::quality::{Importance, RuleKind, ValidationRule};
use sea_orm::sea_query::{Expr, ExprTrait, Order};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder,
};

use crate::codec::{parsed, parsed_opt};
use crate::entity::{figure_facts, kpi_value, outlier_bound, submission, validation_rule};
use crate::submissions::{Facts, StoredValue, kpi_reports_with_packs, pack};
use crate::{StoreError, now};

/// One earlier value of a series: a KPI of a country, per common service. Its codes are shared
/// with the other values of its report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryPoint {
    pub kpi: Arc<str>,
    pub common_service: Option<Arc<str>>,
    pub period: Period,
    pub value: Decimal,
}

/// The country's current harmonized values of `kpis` for the periods before `before` (values
/// without a rate left out), oldest first. One statement reads the packed figure facts of the
/// country's current reports: one row per earlier quarter, not one per value, so a document's
/// checks cost the same however long its country's history.
pub async fn history(
    db: &impl ConnectionTrait,
    country: &str,
    kpis: &[String],
    before: Period,
) -> Result<Vec<HistoryPoint>, StoreError> {
    if kpis.is_empty() {
        return Ok(vec![]);
    }
    // `YYYY-Qn` text sorts like the periods it names. A report's values are current exactly
    // when the report is (a revision marks both).
    let query = kpi_reports_with_packs()
        .column((submission::Entity, submission::Column::Id))
        .column((figure_facts::Entity, figure_facts::Column::Facts))
        .and_where(Expr::col((submission::Entity, submission::Column::Country)).eq(country))
        .and_where(Expr::col((submission::Entity, submission::Column::IsCurrent)).eq(true))
        .and_where(
            Expr::col((submission::Entity, submission::Column::Period)).lt(before.to_string()),
        )
        .order_by((submission::Entity, submission::Column::Period), Order::Asc)
        .to_owned();
    let wanted: HashSet<&str> = kpis.iter().map(String::as_str).collect();
    let mut points = Vec::new();
    // Reports without a pack of the layout this build reads (rare) are read from their rows.
    let mut unpacked = Vec::new();
    for row in db.query_all(&query).await? {
        let id: i64 = row.try_get_by_index(0)?;
        match row.try_get_by_index::<Option<Vec<u8>>>(1)? {
            Some(pack) if pack::is_current(&pack) => {
                pack::history_into(&pack, &wanted, &mut points)?
            }
            _ => unpacked.push((id, None)),
        }
    }
    if !unpacked.is_empty() {
        let mut facts = Facts::wanting(Some(kpis), false);
        facts.unpack(db, unpacked).await?;
        points.extend(facts.values.into_iter().filter_map(|v| {
            Some(HistoryPoint {
                value: v.value?,
                kpi: v.kpi,
                common_service: v.common_service,
                period: v.period,
            })
        }));
        // Stable: each report's values stay in document order.
        points.sort_by_key(|p| p.period);
    }
    Ok(points)
}

/// Every current value of `kpi` up to `to` (included), by country, series and period: what
/// `outliers` judges and the history it judges against.
pub async fn series(
    db: &impl ConnectionTrait,
    kpi: &str,
    to: Period,
) -> Result<Vec<StoredValue>, StoreError> {
    let rows = kpi_value::Entity::find()
        .filter(kpi_value::Column::Kpi.eq(kpi))
        .filter(kpi_value::Column::IsCurrent.eq(true))
        .filter(kpi_value::Column::Period.lte(to.to_string()))
        .order_by_asc(kpi_value::Column::Country)
        .order_by_asc(kpi_value::Column::Period)
        .order_by_asc(kpi_value::Column::Id)
        .all(db)
        .await?;
    rows.into_iter().map(crate::submissions::value_of).collect()
}

/// One stored value by id.
pub async fn value(db: &impl ConnectionTrait, id: i64) -> Result<Option<StoredValue>, StoreError> {
    kpi_value::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(crate::submissions::value_of)
        .transpose()
}

/// Marks (or unmarks) a value for follow-up; `false` when there is no such value.
pub async fn set_follow_up(
    db: &impl ConnectionTrait,
    id: i64,
    follow_up: bool,
) -> Result<bool, StoreError> {
    let result = kpi_value::Entity::update_many()
        .col_expr(kpi_value::Column::FollowUp, Expr::value(follow_up))
        .filter(kpi_value::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(result.rows_affected > 0)
}

/// Bounds set by hand for a country and KPI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetBounds {
    pub country: String,
    pub kpi: String,
    pub lower: Decimal,
    pub upper: Decimal,
    pub set_by: String,
    pub set_at: DateTime<Utc>,
}

fn bounds_of(row: outlier_bound::Model) -> Result<SetBounds, StoreError> {
    Ok(SetBounds {
        lower: parsed(&row.lower)?,
        upper: parsed(&row.upper)?,
        country: row.country,
        kpi: row.kpi,
        set_by: row.set_by,
        set_at: row.set_at,
    })
}

/// The bounds set for a country (every KPI) or for a KPI (every country).
pub async fn bounds(
    db: &impl ConnectionTrait,
    country: Option<&str>,
    kpi: Option<&str>,
) -> Result<Vec<SetBounds>, StoreError> {
    let mut query = outlier_bound::Entity::find();
    if let Some(country) = country {
        query = query.filter(outlier_bound::Column::Country.eq(country));
    }
    if let Some(kpi) = kpi {
        query = query.filter(outlier_bound::Column::Kpi.eq(kpi));
    }
    query
        .order_by_asc(outlier_bound::Column::Country)
        .order_by_asc(outlier_bound::Column::Kpi)
        .all(db)
        .await?
        .into_iter()
        .map(bounds_of)
        .collect()
}

/// Sets (`Some`) or clears (`None`) the bounds of a country and KPI; returns what was set before.
pub async fn set_bounds(
    db: &impl ConnectionTrait,
    country: &str,
    kpi: &str,
    range: Option<(Decimal, Decimal)>,
    set_by: &str,
) -> Result<Option<SetBounds>, StoreError> {
    let existing = outlier_bound::Entity::find()
        .filter(outlier_bound::Column::Country.eq(country))
        .filter(outlier_bound::Column::Kpi.eq(kpi))
        .one(db)
        .await?;
    let before = existing.clone().map(bounds_of).transpose()?;
    match (existing, range) {
        (Some(row), None) => {
            outlier_bound::Entity::delete_by_id(row.id).exec(db).await?;
        }
        (None, None) => {}
        (existing, Some((lower, upper))) => {
            let mut row = match existing {
                Some(row) => outlier_bound::ActiveModel::from(row),
                None => outlier_bound::ActiveModel {
                    country: Set(country.to_owned()),
                    kpi: Set(kpi.to_owned()),
                    ..Default::default()
                },
            };
            row.lower = Set(lower.normalize().to_string());
            row.upper = Set(upper.normalize().to_string());
            row.set_by = Set(set_by.to_owned());
            row.set_at = Set(now());
            row.save(db).await?;
        }
    }
    crate::state::bump_reference_version(db).await?;
    Ok(before)
}

fn rule_of(row: validation_rule::Model) -> Result<ValidationRule, StoreError> {
    Ok(ValidationRule {
        kind: parsed::<RuleKind>(&row.kind)?,
        factor: parsed_opt(row.factor.as_deref())?,
        importance: parsed::<Importance>(&row.importance)?,
        id: row.id,
        kpi: row.kpi,
        other_kpi: row.other_kpi,
        status: row.status,
        message_en: row.message_en,
        message_es: row.message_es,
        enabled: row.enabled,
    })
}

/// Every validation rule, by id.
pub async fn rules(db: &impl ConnectionTrait) -> Result<Vec<ValidationRule>, StoreError> {
    validation_rule::Entity::find()
        .order_by_asc(validation_rule::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(rule_of)
        .collect()
}

/// One rule by id.
pub async fn rule(
    db: &impl ConnectionTrait,
    id: &str,
) -> Result<Option<ValidationRule>, StoreError> {
    validation_rule::Entity::find_by_id(id.to_owned())
        .one(db)
        .await?
        .map(rule_of)
        .transpose()
}

/// Stores `rule`, as a new one or over the one with its id.
pub async fn save_rule(db: &impl ConnectionTrait, rule: &ValidationRule) -> Result<(), StoreError> {
    let exists = validation_rule::Entity::find_by_id(rule.id.clone())
        .one(db)
        .await?
        .is_some();
    let row = validation_rule::ActiveModel {
        id: Set(rule.id.clone()),
        kind: Set(rule.kind.to_string()),
        kpi: Set(rule.kpi.clone()),
        other_kpi: Set(rule.other_kpi.clone()),
        status: Set(rule.status.clone()),
        factor: Set(rule.factor.map(|f| f.normalize().to_string())),
        importance: Set(rule.importance.to_string()),
        message_en: Set(rule.message_en.clone()),
        message_es: Set(rule.message_es.clone()),
        enabled: Set(rule.enabled),
        updated_at: Set(now()),
    };
    if exists {
        row.update(db).await?;
    } else {
        row.insert(db).await?;
    }
    crate::state::bump_reference_version(db).await?;
    Ok(())
}
