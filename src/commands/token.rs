//! `romt-hub token create|list|revoke`.

use hub_api::Config;
use hub_store::audit::{self, Actor};
use hub_store::tokens::{self, NewToken, TokenInfo};
use serde_json::json;

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
            record(&db, "token.create", &info, None).await?;
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
            let before = tokens::list(&db)
                .await?
                .into_iter()
                .find(|t| t.label == token || t.id.to_string() == token);
            let info = tokens::revoke(&db, &token).await?;
            record(&db, "token.revoke", &info, before.as_ref()).await?;
            eprintln!("token #{} {:?} is revoked", info.id, info.label);
        }
    }
    Ok(())
}

fn describe(info: &TokenInfo) -> serde_json::Value {
    json!({ "label": info.label, "role": info.role, "country": info.country, "agency": info.agency,
            "revoked": info.revoked_at.is_some() })
}

/// Audits a token change made from the command line (the operator has the database).
async fn record(
    db: &hub_store::Db,
    action: &str,
    info: &TokenInfo,
    before: Option<&TokenInfo>,
) -> Result<(), CliError> {
    let after = describe(info);
    let before = before.map(describe);
    audit::record(
        db,
        audit::Entry {
            actor: &Actor::System("cli".into()),
            action,
            entity_type: "access_token",
            entity_id: info.id.to_string(),
            before: before.as_ref(),
            after: Some(&after),
            request_id: None,
            summary: Some(format!("{action} {:?} ({})", info.label, info.role)),
        },
    )
    .await?;
    Ok(())
}
