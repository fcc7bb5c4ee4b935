//! One module per command. Each returns a [`CliError`] whose kind decides the exit code:
//! 2 for the caller's mistakes (bad arguments, bad configuration, unknown codes), 3 for a
//! document stored with some of its values rejected, 1 for failures.

use std::fmt;
use std::process::ExitCode;

use hub_app::{App, AppError, Config};

use crate::cli::{Cli, Command};
use crate::logging;

mod export;
mod federation;
mod rates;
mod seed;
mod serve;
mod submit;
mod template;
mod token;
mod validate;

/// Why a command failed.
#[derive(Debug)]
pub enum CliError {
    /// The caller's mistake: exit code 2.
    Usage(String),
    /// Something failed: exit code 1.
    Failed(anyhow::Error),
    /// A document was stored but some of its values were rejected: exit code 3, so a script
    /// does not take a partly stored report for a complete one.
    ValuesRejected(String),
}

impl CliError {
    /// The process exit code for this error.
    pub fn exit_code(&self) -> ExitCode {
        match self {
            CliError::Usage(_) => ExitCode::from(2),
            CliError::Failed(_) => ExitCode::FAILURE,
            CliError::ValuesRejected(_) => ExitCode::from(3),
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Usage(message) | CliError::ValuesRejected(message) => f.write_str(message),
            CliError::Failed(err) => write!(f, "{err:#}"),
        }
    }
}

impl From<anyhow::Error> for CliError {
    fn from(err: anyhow::Error) -> Self {
        CliError::Failed(err)
    }
}

impl From<AppError> for CliError {
    fn from(err: AppError) -> Self {
        match err {
            AppError::Internal(detail) => CliError::Failed(anyhow::anyhow!(detail)),
            AppError::Unavailable => CliError::Failed(err.into()),
            // The caller's mistakes: bad arguments, unknown names, clashes.
            AppError::Unauthenticated(m)
            | AppError::Forbidden(m)
            | AppError::NotFound(m)
            | AppError::Conflict(m)
            | AppError::KeyReused(m)
            | AppError::Invalid { message: m, .. } => CliError::Usage(m),
        }
    }
}

fn load_config() -> Result<Config, CliError> {
    Config::from_env().map_err(|e| CliError::Usage(format!("configuration: {e}")))
}

/// Opens (and migrates) the configured database as the application, for commands other than
/// `serve`. Their changes are the operator's, audited under the command's name.
async fn open(config: Config) -> Result<App, CliError> {
    hub_app::startup::open(config)
        .await
        .map_err(|e| CliError::Failed(e.into()))
}

/// Runs the command the caller asked for.
pub async fn run(cli: Cli) -> Result<(), CliError> {
    let command = cli.command.unwrap_or(Command::Serve);
    let config = load_config()?;
    let default_log = match command {
        Command::Serve | Command::CountryNode { .. } => hub_app::config::SERVICE_LOG_FILTER,
        Command::Sync { .. } => hub_app::config::SYNC_LOG_FILTER,
        _ => "warn",
    };
    // Held to the end of the command, so every queued log line is written before it exits.
    let _log = logging::init(config.log_format, default_log);
    match command {
        Command::Serve => serve::run(config).await,
        Command::Migrate => seed::migrate(config).await,
        Command::Seed(args) => seed::run(config, args).await,
        Command::Token(command) => token::run(config, command).await,
        Command::GraphqlSchema => {
            out_raw!("{}", hub_api::graphql::sdl());
            Ok(())
        }
        Command::Validate { files, lang } => validate::run(&files, &lang),
        Command::Submit(args) => submit::run(args).await,
        Command::Export(args) => export::run(args).await,
        Command::Template(args) => template::run(config, args).await,
        Command::Rates(crate::cli::RatesCommand::Import { file }) => {
            rates::import(config, &file).await
        }
        Command::Sources(command) => federation::sources(config, command).await,
        Command::Sync { source } => federation::sync(config, source).await,
        Command::CountryNode {
            dir,
            bind,
            publisher,
        } => federation::country_node(dir, bind, publisher).await,
    }
}
