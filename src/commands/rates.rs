//! `romt-hub rates import FILE.csv`.

use std::path::Path;

use hub_api::Config;
use hub_store::audit::Actor;
use hub_store::reference::ExchangeRate;
use hub_store::seed::{RateRow, parse_csv};

use super::{CliError, open};

pub async fn import(config: Config, file: &Path) -> Result<(), CliError> {
    let name = file.display().to_string();
    let text = std::fs::read_to_string(file)
        .map_err(|e| CliError::Usage(format!("cannot read {name}: {e}")))?;
    let rows: Vec<RateRow> = parse_csv(&name, &text)?;
    if rows.is_empty() {
        return Err(CliError::Usage(format!(
            "{name}: no rates (expected the columns currency,month,rate)"
        )));
    }
    let rates: Vec<ExchangeRate> = rows
        .into_iter()
        .map(|r| ExchangeRate {
            currency: r.currency,
            month: r.month,
            rate: r.rate,
        })
        .collect();
    let db = open(&config).await?;
    let written = hub_ingest::admin::upsert_exchange_rates(
        &db,
        &Actor::System("cli:rates-import".into()),
        &rates,
        "import",
        None,
    )
    .await?;
    eprintln!("{written} rate(s) loaded from {name}");
    Ok(())
}
