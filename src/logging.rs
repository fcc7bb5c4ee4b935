//! Log setup: text or JSON lines on stderr, filtered by `RUST_LOG` (default per command).
//!
//! Lines are written by a thread of their own: a request hands its access-log line over and
//! goes on, instead of waiting for stderr (a pipe to a slow collector, a terminal). Nothing is
//! dropped: should the thread fall 128k lines behind, writers wait for it. Lines still queued
//! when the command ends are written when the returned guard is dropped.

use hub_app::config::LogFormat;
use tracing_appender::non_blocking::{NonBlockingBuilder, WorkerGuard};
use tracing_subscriber::EnvFilter;

/// Installs the global subscriber. `default` applies when `RUST_LOG` is unset. Keep the guard
/// for as long as the command runs.
pub fn init(format: LogFormat, default: &str) -> WorkerGuard {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    let (writer, guard) = NonBlockingBuilder::default()
        .lossy(false)
        .thread_name("romt-hub-log")
        .finish(std::io::stderr());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer);
    // A second initialisation (never in this binary) would only keep the first subscriber.
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
    };
    guard
}
