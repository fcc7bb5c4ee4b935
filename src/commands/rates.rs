//! `romt-hub rates import FILE.csv`.

use std::path::Path;

use hub_app::reference::{RateInput, RateRow, parse_csv};
use hub_app::{Caller, Config};

use super::{CliError, open};

pub async fn import(config: Config, file: &Path) -> Result<(), CliError> {
    let name = file.display().to_string();
    let text = std::fs::read_to_string(file)
        .map_err(|e| CliError::Usage(format!("cannot read {name}: {e}")))?;
    let rows: Vec<RateRow> = parse_csv(&name, &text).map_err(|e| CliError::Usage(e.to_string()))?;
    if rows.is_empty() {
        return Err(CliError::Usage(format!(
            "{name}: no rates (expected the columns currency,month,rate)"
        )));
    }
    let rates: Vec<RateInput> = rows.iter().map(RateInput::from).collect();
    let app = open(config).await?;
    let written = app
        .upsert_exchange_rates(&Caller::operator("cli:rates-import"), &rates, "import")
        .await?;
    eprintln!("{written} rate(s) loaded from {name}");
    Ok(())
}
