//! The real `romt-hub serve` as a child process, for what only a process can show: being killed
//! with SIGKILL in the middle of a request, and starting again on the same database.

use std::process::Stdio;
use std::time::Duration;

use tokio::process::{Child, Command};

use super::hub::{run_cli, stdout};

/// A `romt-hub serve` process on a loopback port. Dropping it kills it.
#[derive(Debug)]
pub struct HubProcess {
    pub url: String,
    child: Child,
}

/// Migrates and seeds (reference data) the database at `database_url` and makes an admin
/// token, through the CLI; returns the token.
pub async fn prepare_database(database_url: &str) -> String {
    let env = [("HUB_DATABASE_URL", database_url)];
    for args in [&["migrate"][..], &["seed"][..]] {
        let out = run_cli(args, &env).await;
        assert!(
            out.status.success(),
            "{args:?}: {}",
            super::hub::stderr(&out)
        );
    }
    let out = run_cli(
        &[
            "token",
            "create",
            "--role",
            "ADMIN",
            "--label",
            "crash-admin",
        ],
        &env,
    )
    .await;
    assert!(out.status.success(), "{}", super::hub::stderr(&out));
    stdout(&out).trim().to_owned()
}

fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("address").port()
}

impl HubProcess {
    /// Starts `romt-hub serve` on `database_url` with `env`, and waits until it answers.
    pub async fn start(database_url: &str, env: &[(&str, &str)]) -> Self {
        let port = free_port();
        let bind = format!("127.0.0.1:{port}");
        let mut command = Command::new(env!("CARGO_BIN_EXE_romt-hub"));
        command.arg("serve");
        for (key, _) in std::env::vars().filter(|(k, _)| k.starts_with("HUB_")) {
            command.env_remove(key);
        }
        command
            .env("HUB_DATABASE_URL", database_url)
            .env("HUB_BIND", &bind)
            .env("HUB_SEED", "none")
            .env("HUB_FEDERATION_SCHEDULER", "false")
            .env("HUB_RATE_LIMIT_PER_MINUTE", "0")
            .env("RUST_LOG", "warn")
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true);
        let child = command.spawn().expect("spawn romt-hub serve");
        let url = format!("http://{bind}");
        let http = reqwest::Client::new();
        for _ in 0..600 {
            if let Ok(response) = http.get(format!("{url}/readyz")).send().await
                && response.status().is_success()
            {
                return Self { url, child };
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("romt-hub serve did not become ready on {bind}");
    }

    /// Kills the process with SIGKILL: nothing in it gets to clean up.
    pub async fn kill9(mut self) {
        self.child.start_kill().expect("SIGKILL");
        let _ = self.child.wait().await;
    }
}
