//! `romt-hub migrate` and `romt-hub seed [--demo]`.

use hub_api::Config;
use hub_api::config::SeedMode;

use super::{CliError, open};
use crate::cli::SeedArgs;

pub async fn migrate(config: Config) -> Result<(), CliError> {
    open(&config).await?;
    eprintln!("database migrated");
    Ok(())
}

pub async fn run(config: Config, args: SeedArgs) -> Result<(), CliError> {
    let db = open(&config).await?;
    let mode = if args.demo {
        SeedMode::Demo
    } else {
        SeedMode::Reference
    };
    let ingestor = hub_ingest::Ingestor::new().map_err(|e| CliError::Failed(e.into()))?;
    hub_api::startup::seed(&db, mode, &ingestor, config.workplan_approvals_required)
        .await
        .map_err(|e| CliError::Failed(e.into()))?;
    eprintln!(
        "seed data loaded ({})",
        if args.demo {
            "reference and demo"
        } else {
            "reference"
        }
    );
    Ok(())
}
