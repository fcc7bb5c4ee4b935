//! Counters for `GET /metrics`, in the Prometheus text format.
//!
//! A handful of counters behind one mutex is plenty for a hub's request rate and avoids a
//! metrics framework; each area adds its own counters here.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The hub's counters; clones share them.
#[derive(Debug, Default, Clone)]
pub struct Metrics {
    inner: Arc<Mutex<Counters>>,
}

#[derive(Debug, Default)]
struct Counters {
    /// (method, route, status) → (count, total seconds).
    requests: BTreeMap<(String, String, u16), (u64, f64)>,
    /// (name, label) → count, for the simple counters of other areas.
    events: BTreeMap<(&'static str, String), u64>,
}

impl Metrics {
    fn with<T>(&self, f: impl FnOnce(&mut Counters) -> T) -> T {
        // A poisoned lock only means another thread panicked mid-increment; counts stay usable.
        let mut guard = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut guard)
    }

    /// Counts one served request.
    pub fn observe_request(&self, method: &str, route: &str, status: u16, elapsed: Duration) {
        self.with(|c| {
            let entry = c
                .requests
                .entry((method.to_owned(), route.to_owned(), status))
                .or_default();
            entry.0 += 1;
            entry.1 += elapsed.as_secs_f64();
        });
    }

    /// Counts one event of a named kind (e.g. `hub_submissions_total`, label `ACCEPTED`).
    pub fn count(&self, name: &'static str, label: &str) {
        self.with(|c| *c.events.entry((name, label.to_owned())).or_default() += 1);
    }

    /// The Prometheus text exposition, with `extra` gauges appended.
    pub fn render(&self, extra: &[(&str, &str, f64)]) -> String {
        let mut out = String::new();
        self.with(|c| {
            out.push_str("# HELP hub_http_requests_total HTTP requests served.\n");
            out.push_str("# TYPE hub_http_requests_total counter\n");
            for ((method, route, status), (count, _)) in &c.requests {
                let _ = writeln!(
                    out,
                    "hub_http_requests_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}} {count}"
                );
            }
            out.push_str("# HELP hub_http_request_seconds_total Time spent serving HTTP requests.\n");
            out.push_str("# TYPE hub_http_request_seconds_total counter\n");
            for ((method, route, status), (_, seconds)) in &c.requests {
                let _ = writeln!(
                    out,
                    "hub_http_request_seconds_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}} {seconds:.6}"
                );
            }
            let mut last_name = "";
            for ((name, label), count) in &c.events {
                if *name != last_name {
                    let _ = writeln!(out, "# TYPE {name} counter");
                    last_name = name;
                }
                let _ = writeln!(out, "{name}{{kind=\"{label}\"}} {count}");
            }
        });
        for (name, help, value) in extra {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}"
            );
        }
        out
    }
}
