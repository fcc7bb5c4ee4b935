//! What ingestion harmonizes with, changed: exchange rates (and the stored values that a new
//! rate converts better). The service layer runs this in the transaction of the change, with its
//! audit entry.

use hub_domain::Decimal;
use hub_domain::codes::CurrencyCode;
use hub_domain::money::convert;
use hub_store::reference::{self, ExchangeRate};
use hub_store::{Executor, StoreError, state, submissions};

/// Inserts or replaces exchange rates in `txn`; returns how many were written and how many
/// stored values were re-converted. Current money values that were converted with a stale rate,
/// or could not be converted, are converted again with the new rates (their lineage then names
/// the rate and month used). Advances the data version.
pub async fn apply_exchange_rates(
    txn: &impl Executor,
    rates: &[ExchangeRate],
    source: &str,
) -> Result<(u64, u64), StoreError> {
    let written = reference::upsert_exchange_rates(txn, rates, source).await?;
    let currencies: std::collections::BTreeSet<_> =
        rates.iter().map(|r| r.currency.to_string()).collect();
    let mut reconverted = 0;
    for currency in &currencies {
        reconverted += reconvert(txn, currency).await?;
    }
    state::bump_data_version(txn).await?;
    Ok((written, reconverted))
}

/// Re-converts the current values of `currency` that await a better rate; returns how many
/// changed.
async fn reconvert(db: &impl Executor, currency: &str) -> Result<u64, StoreError> {
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
    let mut submissions = std::collections::BTreeSet::new();
    for value in values {
        let (period, reported) = (value.period, value.reported_value);
        let (factor, offset) = value
            .mapping
            .as_ref()
            .map_or((Decimal::ONE, Decimal::ZERO), |m| (m.factor, m.offset));
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
        if value.fx_month == Some(fx.0) {
            continue;
        }
        submissions::set_conversion(db, value.id, conversion.usd, Some(fx), &conversion.flags)
            .await?;
        submissions.insert(value.submission_id);
        changed += 1;
    }
    let submissions: Vec<i64> = submissions.into_iter().collect();
    submissions::refresh_figure_facts(db, &submissions).await?;
    Ok(changed)
}
