//! Serving: the HTTP server over a prepared application (`hub_app::startup::prepare`), with
//! its background work, until SIGINT or SIGTERM; then in-flight requests and pulls drain.

use std::future::Future;

use axum::serve::ListenerExt;
use hub_app::App;
use tokio::net::TcpListener;

use crate::router::router;
use crate::state::AppState;

/// Serves `app` on `listener` (with scheduled pulls, when enabled, and housekeeping) until
/// `shutdown` completes, then lets in-flight requests and pulls finish.
pub async fn serve(
    app: App,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let stop = std::sync::Arc::new(stop);
    let background = app.start_background(stopped);
    let service =
        router(AppState::new(app)).into_make_service_with_connect_info::<std::net::SocketAddr>();
    // Answers leave at once: with Nagle's algorithm on, the last part of an answer written in
    // more than one piece waits for the client's delayed ACK.
    let listener = listener.tap_io(|stream| {
        if let Err(e) = stream.set_nodelay(true) {
            tracing::debug!(error = %e, "cannot set TCP_NODELAY on a connection");
        }
    });
    let served = axum::serve(listener, service)
        .with_graceful_shutdown({
            let stop = stop.clone();
            async move {
                shutdown.await;
                let _ = stop.send(true);
            }
        })
        .await;
    // Also when the server failed: the background work stops with it.
    let _ = stop.send(true);
    let _ = background.await;
    served
}

/// Completes on SIGINT (Ctrl-C) or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::warn!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutdown signal received; draining requests");
}
