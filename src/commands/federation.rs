//! `romt-hub sources add|list`, `romt-hub sync [--source ID]`, `romt-hub country-node`.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use hub_app::sources::{CountryNode, NewSource, publisher_name};
use hub_app::{AppError, Caller, Config};

use super::{CliError, open};
use crate::cli::SourcesCommand;

pub async fn sources(config: Config, command: SourcesCommand) -> Result<(), CliError> {
    let app = open(config).await?;
    match command {
        SourcesCommand::Add {
            name,
            url,
            token,
            interval,
            countries,
        } => {
            let source = app
                .register_source(
                    &Caller::operator("cli:sources-add"),
                    NewSource {
                        name,
                        url,
                        token,
                        interval_seconds: interval,
                        countries,
                    },
                )
                .await?;
            eprintln!(
                "source #{} {:?} registered for {}; first pull due now",
                source.id,
                source.name,
                source.countries.join(", ")
            );
            out!("{}", source.id);
        }
        SourcesCommand::List => {
            let now = chrono::Utc::now();
            out!(
                "{:>4}  {:<28} {:<13} {:<20} {:<20} URL",
                "ID",
                "NAME",
                "STATUS",
                "LAST SUCCESS",
                "NEXT RUN"
            );
            for s in app.sources(&Caller::operator("cli:sources-list")).await? {
                let time = |t: Option<chrono::DateTime<chrono::Utc>>| {
                    t.map_or_else(
                        || "-".to_owned(),
                        |t| t.format("%Y-%m-%d %H:%M:%S").to_string(),
                    )
                };
                out!(
                    "{:>4}  {:<28} {:<13} {:<20} {:<20} {}",
                    s.id,
                    s.name,
                    s.health().status(now).as_str(),
                    time(s.last_success_at),
                    time(Some(s.next_run_at)),
                    s.url
                );
                if let Some(error) = &s.last_error {
                    out!("      last error: {error}");
                }
            }
        }
    }
    Ok(())
}

pub async fn sync(config: Config, source: Option<i64>) -> Result<(), CliError> {
    let app = open(config).await?;
    let caller = Caller::operator("cli:sync");
    let ids: Vec<i64> = match source {
        Some(id) => vec![id],
        None => app
            .sources(&caller)
            .await?
            .into_iter()
            .filter(|s| s.active)
            .map(|s| s.id)
            .collect(),
    };
    let mut failed = 0;
    for id in ids {
        match app.sync_source(&caller, id).await {
            Ok(run) => {
                out!(
                    "source {id}: {} ({} accepted, {} unchanged, {} rejected{})",
                    run.outcome,
                    run.accepted,
                    run.unchanged,
                    run.rejected,
                    run.error.map(|e| format!("; {e}")).unwrap_or_default()
                );
                if run.outcome.failed() {
                    failed += 1;
                }
            }
            Err(AppError::NotFound(message)) => return Err(CliError::Usage(message)),
            Err(e) => {
                out!("source {id}: {e}");
                failed += 1;
            }
        }
    }
    if failed > 0 {
        return Err(CliError::Failed(anyhow::anyhow!(
            "{failed} source(s) failed"
        )));
    }
    Ok(())
}

pub async fn country_node(
    dir: PathBuf,
    bind: SocketAddr,
    publisher: Option<String>,
) -> Result<(), CliError> {
    if !dir.is_dir() {
        return Err(CliError::Usage(format!(
            "{} is not a folder",
            dir.display()
        )));
    }
    let publisher = publisher.unwrap_or_else(|| {
        dir.canonicalize()
            .ok()
            .and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_else(|| "country-node".to_owned())
    });
    let publisher = publisher_name(&publisher);
    let node = CountryNode::new(dir.clone(), &publisher).map_err(|e| CliError::Failed(e.into()))?;
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .with_context(|| format!("cannot listen on {bind}"))?;
    let address = listener.local_addr().context("no local address")?;
    out!(
        "country node {publisher:?} serving {} at http://{address}/feed",
        dir.display()
    );
    hub_api::node::serve(node, listener, hub_api::startup::shutdown_signal())
        .await
        .context("country node failed")?;
    Ok(())
}
