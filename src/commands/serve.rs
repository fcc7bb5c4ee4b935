//! `romt-hub serve`: start-up banner, then serve until a shutdown signal.

use anyhow::Context;
use hub_api::startup::{serve, shutdown_signal};
use hub_app::Config;
use hub_app::startup::prepare;
use tokio::net::TcpListener;

use super::CliError;

pub async fn run(config: Config) -> Result<(), CliError> {
    let bind = config.bind;
    let prepared = prepare(config)
        .await
        .map_err(|e| CliError::Failed(e.into()))?;
    let listener = TcpListener::bind(bind)
        .await
        .with_context(|| format!("cannot listen on {bind} (HUB_BIND)"))?;
    let address = listener.local_addr().context("no local address")?;
    out!("romt-hub listening on http://{address}");
    if let Some(token) = &prepared.first_admin_token {
        out!("First start: an admin token was created. It is shown only this once; keep it safe:");
        out!("  {token}");
    }
    serve(prepared.app, listener, shutdown_signal())
        .await
        .context("server failed")?;
    tracing::info!("stopped");
    Ok(())
}
