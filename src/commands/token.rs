//! `romt-hub token create|list|revoke`.

use hub_api::Config;
use hub_store::tokens::{self, NewToken};

use super::{CliError, open};
use crate::cli::TokenCommand;

pub async fn run(config: Config, command: TokenCommand) -> Result<(), CliError> {
    let db = open(&config).await?;
    match command {
        TokenCommand::Create(args) => {
            let (info, secret) = tokens::create(
                &db,
                NewToken {
                    label: args.label,
                    role: args.role,
                    country: args.country,
                    agency: args.agency,
                },
            )
            .await?;
            let scope = [info.country.as_deref(), info.agency.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(", ");
            eprintln!(
                "created token #{} {:?} ({}{}); it is shown only once, store it now",
                info.id,
                info.label,
                info.role,
                if scope.is_empty() {
                    String::new()
                } else {
                    format!(" {scope}")
                }
            );
            out!("{secret}");
        }
        TokenCommand::List => {
            let list = tokens::list(&db).await?;
            out!(
                "{:>4}  {:<24} {:<8} {:<8} {:<8} {:<20} {:<20} STATUS",
                "ID",
                "LABEL",
                "ROLE",
                "COUNTRY",
                "AGENCY",
                "CREATED",
                "LAST USED"
            );
            for t in list {
                let time = |t: Option<chrono::DateTime<chrono::Utc>>| {
                    t.map_or_else(
                        || "-".to_owned(),
                        |t| t.format("%Y-%m-%d %H:%M:%S").to_string(),
                    )
                };
                out!(
                    "{:>4}  {:<24} {:<8} {:<8} {:<8} {:<20} {:<20} {}",
                    t.id,
                    t.label,
                    t.role,
                    t.country.as_deref().unwrap_or("-"),
                    t.agency.as_deref().unwrap_or("-"),
                    time(Some(t.created_at)),
                    time(t.last_used_at),
                    if t.revoked_at.is_some() {
                        "revoked"
                    } else {
                        "active"
                    }
                );
            }
        }
        TokenCommand::Revoke { token } => {
            let info = tokens::revoke(&db, &token).await?;
            eprintln!("token #{} {:?} is revoked", info.id, info.label);
        }
    }
    Ok(())
}
