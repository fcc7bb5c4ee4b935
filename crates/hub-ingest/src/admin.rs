//! Administrative changes to what ingestion harmonizes with: exchange rates, local-code
//! mappings and locked periods. Each runs in one transaction with its audit entry and advances
//! the data version, so cached figures are never stale after it. REST, GraphQL and the CLI all
//! call these.

use hub_domain::Decimal;
use hub_domain::codes::CurrencyCode;
use hub_domain::money::convert;
use hub_domain::period::Period;
use hub_store::audit::{self, Actor};
use hub_store::mappings::{self, Mapping, MappingInput};
use hub_store::reference::{self, ExchangeRate};
use hub_store::{Db, StoreError, TransactionTrait, locks, state, submissions};
use serde_json::json;

/// Inserts or replaces exchange rates; returns how many were written. Current money values
/// that were converted with a stale rate, or could not be converted, are converted again with
/// the new rates (their lineage then names the rate and month used).
pub async fn upsert_exchange_rates(
    db: &Db,
    actor: &Actor,
    rates: &[ExchangeRate],
    source: &str,
    request_id: Option<&str>,
) -> Result<u64, StoreError> {
    let txn = db.begin().await?;
    let written = reference::upsert_exchange_rates(&txn, rates, source).await?;
    let currencies: std::collections::BTreeSet<_> =
        rates.iter().map(|r| r.currency.to_string()).collect();
    let mut reconverted = 0;
    for currency in &currencies {
        reconverted += reconvert(&txn, currency).await?;
    }
    let after = json!(
        rates
            .iter()
            .map(|r| json!([
                r.currency.to_string(),
                r.month.to_string(),
                r.rate.units_per_usd().to_string()
            ]))
            .collect::<Vec<_>>()
    );
    audit::record(
        &txn,
        audit::Entry {
            actor,
            action: "exchange_rates.upsert",
            entity_type: "exchange_rate",
            entity_id: currencies.into_iter().collect::<Vec<_>>().join(","),
            before: None,
            after: Some(&after),
            request_id,
            summary: Some(format!(
                "{written} rate(s) written from {source}; {reconverted} stored value(s) re-converted"
            )),
        },
    )
    .await?;
    state::bump_data_version(&txn).await?;
    txn.commit().await?;
    Ok(written)
}

/// Re-converts the current values of `currency` that await a better rate; returns how many
/// changed.
async fn reconvert(
    db: &impl hub_store::ConnectionTrait,
    currency: &str,
) -> Result<u64, StoreError> {
    let Ok(code) = CurrencyCode::parse(currency) else {
        return Ok(0);
    };
    let values = submissions::values_awaiting_rates(db, currency).await?;
    if values.is_empty() {
        return Ok(0);
    }
    let table: std::collections::BTreeMap<_, _> = reference::exchange_rates(db, &code, None, None)
        .await?
        .into_iter()
        .map(|r| (r.month, r.rate))
        .collect();
    let mut changed = 0;
    for value in values {
        let period: Period = value.period.parse().map_err(StoreError::corrupt)?;
        let reported: Decimal = value.reported_value.parse().map_err(StoreError::corrupt)?;
        let factor: Decimal = value
            .mapping_factor
            .as_deref()
            .unwrap_or("1")
            .parse()
            .map_err(StoreError::corrupt)?;
        let offset: Decimal = value
            .mapping_offset
            .as_deref()
            .unwrap_or("0")
            .parse()
            .map_err(StoreError::corrupt)?;
        // A mapped value that overflows was rejected at ingestion; nothing to re-convert.
        let Some(local) = reported
            .checked_mul(factor)
            .and_then(|v| v.checked_add(offset))
        else {
            continue;
        };
        let conversion = convert(local, &code, period.rate_month(), |m| {
            table.get(&m).copied()
        });
        let Some(fx) = conversion.choice.used() else {
            continue;
        };
        if value.fx_month == Some(fx.0.to_string()) {
            continue;
        }
        submissions::set_conversion(db, value.id, conversion.usd, Some(fx), &conversion.flags)
            .await?;
        changed += 1;
    }
    Ok(changed)
}

/// Creates the next version of a local-code mapping.
pub async fn upsert_kpi_mapping(
    db: &Db,
    actor: &Actor,
    input: MappingInput,
    request_id: Option<&str>,
) -> Result<Mapping, StoreError> {
    let txn = db.begin().await?;
    let (mapping, changed) = mappings::upsert(&txn, input, &actor_name(actor)).await?;
    if changed {
        let after = json!({
            "country": mapping.country, "localCode": mapping.local_code, "kpi": mapping.kpi,
            "factor": mapping.factor.to_string(), "offset": mapping.offset.to_string(),
            "version": mapping.version,
        });
        audit::record(
            &txn,
            audit::Entry {
                actor,
                action: "kpi_mapping.upsert",
                entity_type: "kpi_mapping",
                entity_id: format!("{}/{}", mapping.country, mapping.local_code),
                before: None,
                after: Some(&after),
                request_id,
                summary: Some(format!(
                    "{} {} → {} ×{} +{} (version {})",
                    mapping.country,
                    mapping.local_code,
                    mapping.kpi,
                    mapping.factor,
                    mapping.offset,
                    mapping.version
                )),
            },
        )
        .await?;
        state::bump_data_version(&txn).await?;
    }
    txn.commit().await?;
    Ok(mapping)
}

/// Locks a period to submissions; returns whether it was newly locked.
pub async fn lock_period(
    db: &Db,
    actor: &Actor,
    period: Period,
    request_id: Option<&str>,
) -> Result<bool, StoreError> {
    let txn = db.begin().await?;
    let locked = locks::lock(&txn, period, &actor_name(actor)).await?;
    if locked {
        audit::record(
            &txn,
            audit::Entry {
                actor,
                action: "period.lock",
                entity_type: "period",
                entity_id: period.to_string(),
                before: None,
                after: Some(&json!({ "period": period.to_string(), "locked": true })),
                request_id,
                summary: Some(format!("{period} locked to submissions")),
            },
        )
        .await?;
    }
    txn.commit().await?;
    Ok(locked)
}

fn actor_name(actor: &Actor) -> String {
    match actor {
        Actor::Principal(p) => p.label.clone(),
        Actor::System(job) => format!("system:{job}"),
    }
}
