//! A fresh database per test: a temporary SQLite file, or a new PostgreSQL database created on
//! the server named by `HUB_TEST_DATABASE_URL` and dropped when the test ends.

use sea_orm::{ConnectionTrait, Database, Statement};

/// A database that exists for one test.
#[derive(Debug)]
pub struct TestDatabase {
    /// URL the hub connects with.
    pub url: String,
    kind: Kind,
}

#[derive(Debug)]
enum Kind {
    Sqlite(#[allow(dead_code, reason = "kept alive for the file")] tempfile::TempDir),
    Postgres { admin_url: String, name: String },
}

/// The PostgreSQL server URL for tests, when set.
pub fn postgres_admin_url() -> Option<String> {
    std::env::var("HUB_TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.trim().is_empty())
}

fn database_of(url: &str) -> String {
    let base = url.split('?').next().unwrap_or(url);
    let after_scheme = base.split_once("://").map_or(base, |(_, rest)| rest);
    match after_scheme.split_once('/') {
        Some((_, name)) if !name.is_empty() && name != "postgres" => name.to_owned(),
        _ => "romt_test".to_owned(),
    }
}

fn with_database(admin_url: &str, name: &str) -> String {
    let (base, query) = match admin_url.split_once('?') {
        Some((base, query)) => (base, format!("?{query}")),
        None => (admin_url, String::new()),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let server = match base[scheme_end..].find('/') {
        Some(slash) => &base[..scheme_end + slash],
        None => base,
    };
    format!("{server}/{name}{query}")
}

impl TestDatabase {
    /// Creates a fresh, empty database.
    pub async fn create() -> Self {
        match postgres_admin_url() {
            None => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}?mode=rwc", dir.path().join("hub.db").display());
                TestDatabase {
                    url,
                    kind: Kind::Sqlite(dir),
                }
            }
            Some(admin_url) => {
                // Named after the database in the URL, so a CI run can sweep up leftovers.
                let name = format!("{}_t{}", database_of(&admin_url), hex_id());
                let admin = Database::connect(admin_url.as_str())
                    .await
                    .expect("connect to HUB_TEST_DATABASE_URL");
                admin
                    .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                    .await
                    .expect("create test database");
                admin.close().await.ok();
                TestDatabase {
                    url: with_database(&admin_url, &name),
                    kind: Kind::Postgres { admin_url, name },
                }
            }
        }
    }

    /// Whether this is PostgreSQL.
    pub fn is_postgres(&self) -> bool {
        matches!(self.kind, Kind::Postgres { .. })
    }

    /// Runs SQL against the server as its administrator (PostgreSQL only).
    pub async fn admin_execute(&self, sql: &str) {
        let Kind::Postgres { admin_url, .. } = &self.kind else {
            panic!("admin_execute needs PostgreSQL");
        };
        let admin = Database::connect(admin_url.as_str())
            .await
            .expect("admin connection");
        admin
            .execute_raw(Statement::from_string(admin.get_database_backend(), sql))
            .await
            .expect("admin statement");
        admin.close().await.ok();
    }

    /// The database name (PostgreSQL only).
    pub fn name(&self) -> &str {
        match &self.kind {
            Kind::Postgres { name, .. } => name,
            Kind::Sqlite(_) => "sqlite",
        }
    }
}

fn hex_id() -> String {
    use std::time::{SystemTime, UNIX_EPOCH};
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("{:x}{:x}", nanos & 0xffff_ffff_ffff, std::process::id())
        + &format!("{:04x}", rand_u16())
}

fn rand_u16() -> u16 {
    use std::sync::atomic::{AtomicU16, Ordering};
    static NEXT: AtomicU16 = AtomicU16::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let Kind::Postgres { admin_url, name } = &self.kind else {
            return;
        };
        let (admin_url, name) = (admin_url.clone(), name.clone());
        // Drop runs inside the test's runtime; a separate thread with its own runtime can block.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async {
                if let Ok(admin) = Database::connect(admin_url.as_str()).await {
                    let _ = admin
                        .execute_unprepared(&format!(
                            "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                        ))
                        .await;
                    admin.close().await.ok();
                }
            });
        });
        let _ = dropped.join();
    }
}

#[cfg(test)]
mod tests {
    use super::{database_of, with_database};

    #[test]
    fn test_databases_are_named_after_the_run_database() {
        assert_eq!(database_of("postgres://p@h:5432/romt_ci_1"), "romt_ci_1");
        assert_eq!(database_of("postgres://p@h:5432/postgres"), "romt_test");
        assert_eq!(database_of("postgres://p@h:5432"), "romt_test");
    }

    #[test]
    fn database_name_replaces_the_path_of_the_server_url() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5432/postgres", "t1"),
            "postgres://postgres@127.0.0.1:5432/t1"
        );
        assert_eq!(
            with_database("postgres://u:p@h/db?sslmode=disable", "t2"),
            "postgres://u:p@h/t2?sslmode=disable"
        );
        assert_eq!(
            with_database("postgres://h:5432", "t3"),
            "postgres://h:5432/t3"
        );
    }
}
