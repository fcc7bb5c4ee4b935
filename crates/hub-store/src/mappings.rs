//! Versioned mappings of local KPI codes to regional KPIs: (country, local code) →
//! (regional KPI, factor, offset). A change makes a new version and retires the old one, so the
//! version applied to a stored value stays traceable.

use hub_domain::Decimal;
use hub_domain::codes::{CountryCode, KpiCode};
use hub_domain::limits::{MAX_DECIMALS, MAX_DOCUMENT_NUMBER, MAX_MAPPING_FACTOR, check_magnitude};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder,
};

use crate::entity::{kpi_definition, kpi_mapping};
use crate::{StoreError, now, reference};

/// A mapping version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mapping {
    pub id: i64,
    pub country: String,
    pub local_code: String,
    pub kpi: String,
    pub factor: Decimal,
    pub offset: Decimal,
    pub version: i32,
    pub active: bool,
}

impl Mapping {
    /// Applies the mapping: `value × factor + offset`.
    pub fn apply(&self, value: Decimal) -> Option<Decimal> {
        value.checked_mul(self.factor)?.checked_add(self.offset)
    }
}

fn to_mapping(row: kpi_mapping::Model) -> Result<Mapping, StoreError> {
    Ok(Mapping {
        factor: row.factor.parse().map_err(StoreError::corrupt)?,
        offset: row.offset.parse().map_err(StoreError::corrupt)?,
        id: row.id,
        country: row.country,
        local_code: row.local_code,
        kpi: row.kpi,
        version: row.version,
        active: row.active,
    })
}

/// The active mappings of one country.
pub async fn active_for_country(
    db: &impl ConnectionTrait,
    country: &str,
) -> Result<Vec<Mapping>, StoreError> {
    kpi_mapping::Entity::find()
        .filter(kpi_mapping::Column::Country.eq(country))
        .filter(kpi_mapping::Column::Active.eq(true))
        .all(db)
        .await?
        .into_iter()
        .map(to_mapping)
        .collect()
}

/// Every mapping version, optionally of one country, newest first.
pub async fn list(
    db: &impl ConnectionTrait,
    country: Option<&str>,
) -> Result<Vec<Mapping>, StoreError> {
    let mut query = kpi_mapping::Entity::find()
        .order_by_asc(kpi_mapping::Column::Country)
        .order_by_asc(kpi_mapping::Column::LocalCode)
        .order_by_desc(kpi_mapping::Column::Version);
    if let Some(country) = country {
        query = query.filter(kpi_mapping::Column::Country.eq(country));
    }
    query.all(db).await?.into_iter().map(to_mapping).collect()
}

/// What a mapping should become.
#[derive(Debug, Clone)]
pub struct MappingInput {
    pub country: CountryCode,
    pub local_code: KpiCode,
    pub kpi: KpiCode,
    pub factor: Decimal,
    pub offset: Decimal,
}

/// Creates the next version of a mapping (the first is version 1) and retires the previous.
/// Mapping to the same target, factor and offset as the active version changes nothing.
pub async fn upsert(
    db: &impl ConnectionTrait,
    input: MappingInput,
    created_by: &str,
) -> Result<(Mapping, bool), StoreError> {
    if reference::country(db, input.country.as_str())
        .await?
        .is_none()
    {
        return Err(StoreError::Invalid(format!(
            "unknown country team {}",
            input.country
        )));
    }
    if kpi_definition::Entity::find_by_id(input.kpi.to_string())
        .one(db)
        .await?
        .is_none()
    {
        return Err(StoreError::Invalid(format!(
            "unknown regional KPI {}",
            input.kpi
        )));
    }
    if kpi_definition::Entity::find_by_id(input.local_code.to_string())
        .one(db)
        .await?
        .is_some()
    {
        return Err(StoreError::Invalid(format!(
            "{} is a regional KPI code; a local code must differ from every regional code",
            input.local_code
        )));
    }
    if input.factor.is_zero() {
        return Err(StoreError::Invalid("factor must not be 0".into()));
    }
    check_magnitude(input.factor, MAX_MAPPING_FACTOR, MAX_DECIMALS)
        .map_err(|e| StoreError::Invalid(format!("factor: {e}")))?;
    check_magnitude(input.offset, MAX_DOCUMENT_NUMBER, MAX_DECIMALS)
        .map_err(|e| StoreError::Invalid(format!("offset: {e}")))?;
    let versions = kpi_mapping::Entity::find()
        .filter(kpi_mapping::Column::Country.eq(input.country.as_str()))
        .filter(kpi_mapping::Column::LocalCode.eq(input.local_code.as_str()))
        .order_by_desc(kpi_mapping::Column::Version)
        .all(db)
        .await?;
    if let Some(active) = versions.iter().find(|m| m.active) {
        let current = to_mapping(active.clone())?;
        if current.kpi == input.kpi.as_str()
            && current.factor == input.factor
            && current.offset == input.offset
        {
            return Ok((current, false));
        }
    }
    kpi_mapping::Entity::update_many()
        .col_expr(
            kpi_mapping::Column::Active,
            sea_orm::sea_query::Expr::value(false),
        )
        .filter(kpi_mapping::Column::Country.eq(input.country.as_str()))
        .filter(kpi_mapping::Column::LocalCode.eq(input.local_code.as_str()))
        .exec(db)
        .await?;
    let row = kpi_mapping::ActiveModel {
        country: Set(input.country.to_string()),
        local_code: Set(input.local_code.to_string()),
        kpi: Set(input.kpi.to_string()),
        factor: Set(input.factor.normalize().to_string()),
        offset: Set(input.offset.normalize().to_string()),
        version: Set(versions.first().map_or(1, |m| m.version + 1)),
        active: Set(true),
        created_by: Set(created_by.to_owned()),
        created_at: Set(now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    crate::state::bump_reference_version(db).await?;
    Ok((to_mapping(row)?, true))
}
