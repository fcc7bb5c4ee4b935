//! `romt-hub token create|list|revoke`: the operator's token administration, audited like
//! the API's.

use hub_app::tokens::TokenRequest;
use hub_app::{Caller, Config};

use super::{CliError, open};
use crate::cli::TokenCommand;

pub async fn run(config: Config, command: TokenCommand) -> Result<(), CliError> {
    let app = open(config).await?;
    match command {
        TokenCommand::Create(args) => {
            let (info, secret) = app
                .create_token(
                    &Caller::operator("cli:token-create"),
                    TokenRequest {
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
            let list = app.tokens(&Caller::operator("cli:token-list")).await?;
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
            let info = app
                .revoke_token(&Caller::operator("cli:token-revoke"), &token)
                .await?;
            eprintln!("token #{} {:?} is revoked", info.id, info.label);
        }
    }
    Ok(())
}
