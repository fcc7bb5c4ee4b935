//! `romt-hub migrate` and `romt-hub seed [--demo]`.

use hub_app::config::SeedMode;
use hub_app::{Caller, Config};

use super::{CliError, open};
use crate::cli::SeedArgs;

pub async fn migrate(config: Config) -> Result<(), CliError> {
    open(config).await?;
    eprintln!("database migrated");
    Ok(())
}

pub async fn run(config: Config, args: SeedArgs) -> Result<(), CliError> {
    let app = open(config).await?;
    let mode = if args.demo {
        SeedMode::Demo
    } else {
        SeedMode::Reference
    };
    app.seed(&Caller::operator("cli:seed"), mode)
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
