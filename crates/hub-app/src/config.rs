//! Configuration: one typed struct, loaded once at start.
//!
//! Layers, later ones win: built-in defaults, then the TOML file named by `HUB_CONFIG` (keys are
//! the variable names without the `HUB_` prefix, in lower case, e.g. `bind = "0.0.0.0:8080"`),
//! then `HUB_*` environment variables. Every bad value is reported with the variable that held
//! it and what was expected. Secrets (the database password) are never printed.

use std::collections::HashMap;
use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use hub_federation::FederationSettings;
use hub_ingest::quality::OutlierSettings;

/// What `serve` loads into an empty database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeedMode {
    /// Reference data plus the demo data set.
    Demo,
    /// Reference data only (country teams, agencies, KPI catalogue, rates).
    Reference,
    /// Nothing: the operator loads data.
    None,
}

/// The default log filter of a long-running command (`serve`, `country-node`): the hub at
/// `info`, the database libraries below it only when they warn.
pub const SERVICE_LOG_FILTER: &str = "info,sqlx=warn,sea_orm=warn";

/// The default log filter of `sync`: as a service, without a line per ingested document.
pub const SYNC_LOG_FILTER: &str = "info,sqlx=warn,sea_orm=warn,hub_ingest=warn";

/// Log line format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

/// The hub's configuration.
#[derive(Clone, PartialEq)]
pub struct Config {
    /// `HUB_DATABASE_URL`: `sqlite://FILE?mode=rwc` (default `sqlite://romt-hub.db?mode=rwc`)
    /// or `postgres://USER:PASSWORD@HOST/DB`.
    pub database_url: String,
    /// `HUB_DB_MAX_CONNECTIONS`: pool size on PostgreSQL (default 10; SQLite always uses one).
    pub db_max_connections: u32,
    /// `HUB_BIND`: address to listen on (default `127.0.0.1:8080`).
    pub bind: SocketAddr,
    /// `HUB_SEED`: `demo` (default), `reference` or `none`; applied to an empty database.
    pub seed: SeedMode,
    /// `HUB_REQUIRE_AUTH`: when `true`, anonymous callers are refused (default `false`).
    pub require_auth: bool,
    /// `HUB_LOG_FORMAT`: `text` (default) or `json`.
    pub log_format: LogFormat,
    /// `HUB_WORKPLAN_APPROVALS_REQUIRED`: distinct RCP agencies needed to approve a work plan
    /// (default 1).
    pub workplan_approvals_required: u32,
    /// `HUB_MAX_BODY_BYTES`: largest accepted request body (default 5 MiB).
    pub max_body_bytes: usize,
    /// `HUB_RATE_LIMIT_PER_MINUTE`: requests per caller (token, or address when anonymous) and
    /// minute on the API routes, 0 for none (default 600).
    pub rate_limit_per_minute: u32,
    /// `HUB_MAX_RESPONSE_BYTES`: largest GraphQL answer; a larger one is refused
    /// `RESPONSE_TOO_LARGE` (default 16 MiB).
    pub max_response_bytes: usize,
    /// `HUB_AUTH_FAILURES_PER_MINUTE`: failed authentications an address may make per minute
    /// before its token checks are refused 429 without a database lookup; 0 for none (default 10).
    pub auth_failures_per_minute: u32,
    /// `HUB_INTROSPECTION`: GraphQL introspection (and field suggestions in errors) on (default
    /// `true`).
    pub introspection: bool,
    /// `HUB_IDEMPOTENCY_LEASE_SECS`: how long a claimed idempotency key waits for its request
    /// before another attempt may take it over (default 60).
    pub idempotency_lease: Duration,
    /// `HUB_SESSION_HOURS`: how long a web application session lives after sign-in (default 8).
    pub session_lifetime: Duration,
    /// `HUB_WS_MAX_SUBSCRIPTIONS`: operations one WebSocket connection may run at once (default 20).
    pub ws_max_subscriptions: usize,
    /// `HUB_WS_IDLE_TIMEOUT_SECS`: a WebSocket with no message either way for this long is closed
    /// (default 300).
    pub ws_idle_timeout: Duration,
    /// `HUB_PUBLISHER`: the name this hub gives itself in the feed it serves (default
    /// `romt-hub-lac`).
    pub publisher: String,
    /// Outliers at ingestion (DESIGN §16): `HUB_OUTLIER_ALGORITHM` (`Z_SCORE`, `MOD_Z_SCORE` or
    /// `MIN_MAX`, default `Z_SCORE`) and `HUB_OUTLIER_THRESHOLDS`, per KPI over the defaults
    /// (3, 3.5 and 2 sd): `CA:Z_SCORE=4,PROC.LEADTIME:MOD_Z_SCORE=5`.
    pub outliers: OutlierSettings,
    /// Federation: `HUB_FEDERATION_SCHEDULER` (pull on schedule, default true),
    /// `HUB_FEDERATION_CONCURRENCY` (8), `HUB_FEDERATION_CONNECT_TIMEOUT_SECS` (5),
    /// `HUB_FEDERATION_TIMEOUT_SECS` (30), `HUB_FEDERATION_MAX_BODY_BYTES` (20 MiB),
    /// `HUB_FEDERATION_RETRIES` (3), `HUB_FEDERATION_CIRCUIT_FAILURES` (5),
    /// `HUB_FEDERATION_CIRCUIT_COOLDOWN_SECS` (300), `HUB_REPLICA_ID` (generated).
    pub federation: FederationSettings,
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field(
                "database_url",
                &hub_store::db::redact_url(&self.database_url),
            )
            .field("db_max_connections", &self.db_max_connections)
            .field("bind", &self.bind)
            .field("seed", &self.seed)
            .field("require_auth", &self.require_auth)
            .field("log_format", &self.log_format)
            .field(
                "workplan_approvals_required",
                &self.workplan_approvals_required,
            )
            .field("max_body_bytes", &self.max_body_bytes)
            .field("rate_limit_per_minute", &self.rate_limit_per_minute)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("auth_failures_per_minute", &self.auth_failures_per_minute)
            .field("introspection", &self.introspection)
            .field("idempotency_lease", &self.idempotency_lease)
            .field("session_lifetime", &self.session_lifetime)
            .field("ws_max_subscriptions", &self.ws_max_subscriptions)
            .field("ws_idle_timeout", &self.ws_idle_timeout)
            .field("publisher", &self.publisher)
            .field("outliers", &self.outliers)
            .field("federation", &self.federation)
            .finish()
    }
}

impl Default for Config {
    fn default() -> Self {
        Self {
            database_url: "sqlite://romt-hub.db?mode=rwc".to_owned(),
            db_max_connections: 10,
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            seed: SeedMode::Demo,
            require_auth: false,
            log_format: LogFormat::Text,
            workplan_approvals_required: 1,
            max_body_bytes: 5 * 1024 * 1024,
            rate_limit_per_minute: 600,
            max_response_bytes: 16 * 1024 * 1024,
            auth_failures_per_minute: 10,
            introspection: true,
            idempotency_lease: Duration::from_secs(60),
            session_lifetime: Duration::from_secs(8 * 3600),
            ws_max_subscriptions: 20,
            ws_idle_timeout: Duration::from_secs(300),
            publisher: "romt-hub-lac".to_owned(),
            outliers: OutlierSettings::default(),
            federation: FederationSettings::default(),
        }
    }
}

/// A configuration value that could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("{source_name}: {key} = {value:?} is invalid: expected {expected}")]
    BadValue {
        key: String,
        value: String,
        expected: &'static str,
        source_name: String,
    },
    #[error("{path}: {message}")]
    File { path: String, message: String },
}

/// The keys the hub reads, without the `HUB_` prefix.
const KEYS: &[&str] = &[
    "database_url",
    "db_max_connections",
    "bind",
    "seed",
    "require_auth",
    "log_format",
    "workplan_approvals_required",
    "max_body_bytes",
    "publisher",
    "rate_limit_per_minute",
    "max_response_bytes",
    "auth_failures_per_minute",
    "introspection",
    "idempotency_lease_secs",
    "session_hours",
    "ws_max_subscriptions",
    "ws_idle_timeout_secs",
    "outlier_algorithm",
    "outlier_thresholds",
    "federation_scheduler",
    "federation_concurrency",
    "federation_connect_timeout_secs",
    "federation_timeout_secs",
    "federation_max_body_bytes",
    "federation_retries",
    "federation_circuit_failures",
    "federation_circuit_cooldown_secs",
    "replica_id",
];

/// Where each raw value came from, for error messages.
struct Layers {
    values: HashMap<&'static str, (String, String)>,
}

impl Layers {
    fn get(&self, key: &str) -> Option<&(String, String)> {
        self.values.get(key)
    }

    fn parse<T>(
        &self,
        key: &'static str,
        expected: &'static str,
        default: T,
        parse: impl Fn(&str) -> Option<T>,
    ) -> Result<T, ConfigError> {
        let Some((value, source_name)) = self.get(key) else {
            return Ok(default);
        };
        parse(value.trim()).ok_or_else(|| ConfigError::BadValue {
            key: format!("HUB_{}", key.to_uppercase()),
            value: if key == "database_url" {
                hub_store::db::redact_url(value)
            } else {
                value.clone()
            },
            expected,
            source_name: source_name.clone(),
        })
    }
}

fn parse_bool(text: &str) -> Option<bool> {
    match text.to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Some(true),
        "false" | "0" | "no" | "off" => Some(false),
        _ => None,
    }
}

impl Config {
    /// Loads the configuration from the process environment (and `HUB_CONFIG`).
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::load(&std::env::vars().collect())
    }

    /// Loads the configuration from the given environment (and the file it names).
    pub fn load(env: &HashMap<String, String>) -> Result<Self, ConfigError> {
        let mut layers = Layers {
            values: HashMap::new(),
        };
        if let Some(path) = env.get("HUB_CONFIG").filter(|p| !p.is_empty()) {
            for (key, value) in read_file(&PathBuf::from(path))? {
                layers.values.insert(key, (value, path.clone()));
            }
        }
        for key in KEYS {
            if let Some(value) = env.get(&format!("HUB_{}", key.to_uppercase())) {
                layers
                    .values
                    .insert(key, (value.clone(), "environment".to_owned()));
            }
        }
        let defaults = Config::default();
        let config = Config {
            database_url: layers.parse(
                "database_url",
                "sqlite://FILE?mode=rwc or postgres://USER:PASSWORD@HOST:PORT/DB",
                defaults.database_url,
                |v| hub_store::Backend::of_url(v).map(|_| v.to_owned()),
            )?,
            db_max_connections: layers.parse(
                "db_max_connections",
                "a whole number from 1 to 1000",
                defaults.db_max_connections,
                |v| u32::from_str(v).ok().filter(|n| (1..=1000).contains(n)),
            )?,
            bind: layers.parse(
                "bind",
                "an IP address and port, e.g. 127.0.0.1:8080",
                defaults.bind,
                |v| SocketAddr::from_str(v).ok(),
            )?,
            seed: layers.parse(
                "seed",
                "demo, reference or none",
                defaults.seed,
                |v| match v.to_ascii_lowercase().as_str() {
                    "demo" => Some(SeedMode::Demo),
                    "reference" => Some(SeedMode::Reference),
                    "none" => Some(SeedMode::None),
                    _ => None,
                },
            )?,
            require_auth: layers.parse(
                "require_auth",
                "true or false",
                defaults.require_auth,
                parse_bool,
            )?,
            log_format: layers.parse(
                "log_format",
                "text or json",
                defaults.log_format,
                |v| match v.to_ascii_lowercase().as_str() {
                    "text" => Some(LogFormat::Text),
                    "json" => Some(LogFormat::Json),
                    _ => None,
                },
            )?,
            workplan_approvals_required: layers.parse(
                "workplan_approvals_required",
                "a whole number from 1 to 20",
                defaults.workplan_approvals_required,
                |v| u32::from_str(v).ok().filter(|n| (1..=20).contains(n)),
            )?,
            max_body_bytes: layers.parse(
                "max_body_bytes",
                "a number of bytes from 1024 to 104857600",
                defaults.max_body_bytes,
                |v| {
                    usize::from_str(v)
                        .ok()
                        .filter(|n| (1024..=100 * 1024 * 1024).contains(n))
                },
            )?,
            publisher: layers.parse(
                "publisher",
                "1 to 100 letters, digits, '.', '_', '-' or ':'",
                defaults.publisher,
                |v| {
                    ((1..=100).contains(&v.len())
                        && v.bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b"._-:".contains(&b)))
                    .then(|| v.to_owned())
                },
            )?,
            rate_limit_per_minute: layers.parse(
                "rate_limit_per_minute",
                "a whole number of requests from 0 (no limit) to 1000000",
                defaults.rate_limit_per_minute,
                |v| u32::from_str(v).ok().filter(|n| *n <= 1_000_000),
            )?,
            max_response_bytes: layers.parse(
                "max_response_bytes",
                "a number of bytes from 65536 to 1073741824",
                defaults.max_response_bytes,
                |v| {
                    usize::from_str(v)
                        .ok()
                        .filter(|n| (64 * 1024..=1024 * 1024 * 1024).contains(n))
                },
            )?,
            auth_failures_per_minute: layers.parse(
                "auth_failures_per_minute",
                "a whole number from 0 (no limit) to 100000",
                defaults.auth_failures_per_minute,
                |v| u32::from_str(v).ok().filter(|n| *n <= 100_000),
            )?,
            introspection: layers.parse(
                "introspection",
                "true or false",
                defaults.introspection,
                parse_bool,
            )?,
            idempotency_lease: layers.parse(
                "idempotency_lease_secs",
                "seconds from 1 to 86400",
                defaults.idempotency_lease,
                |v| {
                    u64::from_str(v)
                        .ok()
                        .filter(|n| (1..=86_400).contains(n))
                        .map(Duration::from_secs)
                },
            )?,
            session_lifetime: layers.parse(
                "session_hours",
                "hours from 1 to 720",
                defaults.session_lifetime,
                |v| {
                    u64::from_str(v)
                        .ok()
                        .filter(|n| (1..=720).contains(n))
                        .map(|n| Duration::from_secs(n * 3600))
                },
            )?,
            ws_max_subscriptions: layers.parse(
                "ws_max_subscriptions",
                "a whole number from 1 to 1000",
                defaults.ws_max_subscriptions,
                |v| usize::from_str(v).ok().filter(|n| (1..=1000).contains(n)),
            )?,
            ws_idle_timeout: layers.parse(
                "ws_idle_timeout_secs",
                "seconds from 1 to 86400",
                defaults.ws_idle_timeout,
                |v| {
                    u64::from_str(v)
                        .ok()
                        .filter(|n| (1..=86_400).contains(n))
                        .map(Duration::from_secs)
                },
            )?,
            outliers: OutlierSettings {
                algorithm: layers.parse(
                    "outlier_algorithm",
                    "Z_SCORE, MOD_Z_SCORE or MIN_MAX",
                    defaults.outliers.algorithm,
                    |v| v.to_ascii_uppercase().parse().ok(),
                )?,
                thresholds: layers.parse(
                    "outlier_thresholds",
                    "KPI:ALGORITHM=THRESHOLD pairs separated by commas, e.g. CA:Z_SCORE=4",
                    defaults.outliers.thresholds,
                    |v| OutlierSettings::parse_thresholds(v).ok(),
                )?,
            },
            federation: federation(&layers, defaults.federation)?,
        };
        Ok(config)
    }
}

fn federation(
    layers: &Layers,
    defaults: FederationSettings,
) -> Result<FederationSettings, ConfigError> {
    let seconds = |n: u64| Duration::from_secs(n);
    let positive = |range: std::ops::RangeInclusive<u64>| {
        move |v: &str| u64::from_str(v).ok().filter(|n| range.contains(n))
    };
    Ok(FederationSettings {
        scheduler: layers.parse(
            "federation_scheduler",
            "true or false",
            defaults.scheduler,
            parse_bool,
        )?,
        concurrency: layers.parse(
            "federation_concurrency",
            "a whole number from 1 to 256",
            defaults.concurrency,
            |v| usize::from_str(v).ok().filter(|n| (1..=256).contains(n)),
        )?,
        connect_timeout: layers
            .parse(
                "federation_connect_timeout_secs",
                "seconds from 1 to 300",
                None,
                |v| positive(1..=300)(v).map(Some),
            )?
            .map_or(defaults.connect_timeout, seconds),
        total_timeout: layers
            .parse(
                "federation_timeout_secs",
                "seconds from 1 to 3600",
                None,
                |v| positive(1..=3600)(v).map(Some),
            )?
            .map_or(defaults.total_timeout, seconds),
        max_body_bytes: layers.parse(
            "federation_max_body_bytes",
            "a number of bytes from 1024 to 1073741824",
            defaults.max_body_bytes,
            |v| {
                usize::from_str(v)
                    .ok()
                    .filter(|n| (1024..=1024 * 1024 * 1024).contains(n))
            },
        )?,
        retries: layers.parse(
            "federation_retries",
            "a whole number from 0 to 20",
            defaults.retries,
            |v| usize::from_str(v).ok().filter(|n| *n <= 20),
        )?,
        circuit_threshold: layers.parse(
            "federation_circuit_failures",
            "a whole number from 1 to 1000",
            defaults.circuit_threshold,
            |v| u32::from_str(v).ok().filter(|n| (1..=1000).contains(n)),
        )?,
        circuit_cooldown: layers
            .parse(
                "federation_circuit_cooldown_secs",
                "seconds from 1 to 86400",
                None,
                |v| positive(1..=86_400)(v).map(Some),
            )?
            .map_or(defaults.circuit_cooldown, seconds),
        replica_id: layers.parse(
            "replica_id",
            "1 to 100 letters, digits, '.', '_' or '-'",
            defaults.replica_id.clone(),
            |v| {
                ((1..=100).contains(&v.len())
                    && v.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b)))
                .then(|| v.to_owned())
            },
        )?,
        ..defaults
    })
}

fn read_file(path: &PathBuf) -> Result<Vec<(&'static str, String)>, ConfigError> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| ConfigError::File {
        path: shown.clone(),
        message: format!("cannot read the configuration file (HUB_CONFIG): {e}"),
    })?;
    let table: toml::Table = text
        .parse()
        .map_err(|e: toml::de::Error| ConfigError::File {
            path: shown.clone(),
            message: format!("not valid TOML: {}", e.message()),
        })?;
    table
        .into_iter()
        .map(|(key, value)| {
            let known = KEYS
                .iter()
                .find(|k| **k == key)
                .ok_or_else(|| ConfigError::File {
                    path: shown.clone(),
                    message: format!("unknown key {key:?}; known keys: {}", KEYS.join(", ")),
                })?;
            let text = match value {
                toml::Value::String(s) => s,
                toml::Value::Integer(i) => i.to_string(),
                toml::Value::Boolean(b) => b.to_string(),
                other => {
                    return Err(ConfigError::File {
                        path: shown.clone(),
                        message: format!(
                            "{key}: expected a string, number or boolean, got {other}"
                        ),
                    });
                }
            };
            Ok((*known, text))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn defaults_apply_without_any_setting() {
        let config = Config::load(&env(&[])).unwrap();
        let defaults = Config::default();
        assert_eq!(config.bind, defaults.bind);
        assert_eq!(config.database_url, defaults.database_url);
        assert_eq!(config.federation.concurrency, 8);
        assert_eq!(config.federation.total_timeout, Duration::from_secs(30));
    }

    #[test]
    fn federation_settings_come_from_the_environment() {
        let config = Config::load(&env(&[
            ("HUB_FEDERATION_TIMEOUT_SECS", "12"),
            ("HUB_FEDERATION_SCHEDULER", "false"),
            ("HUB_REPLICA_ID", "hub-a"),
        ]))
        .unwrap();
        assert_eq!(config.federation.total_timeout, Duration::from_secs(12));
        assert!(!config.federation.scheduler);
        assert_eq!(config.federation.replica_id, "hub-a");
        let err = Config::load(&env(&[("HUB_FEDERATION_CONCURRENCY", "0")])).unwrap_err();
        assert!(err.to_string().contains("HUB_FEDERATION_CONCURRENCY"));
    }

    #[test]
    fn the_example_configuration_file_loads() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../deploy/romt-hub.example.toml"
        );
        let config = Config::load(&env(&[("HUB_CONFIG", path)])).unwrap();
        assert!(config.require_auth);
        assert_eq!(config.idempotency_lease, Duration::from_secs(60));
        assert_eq!(config.auth_failures_per_minute, 10);
    }

    #[test]
    fn limits_come_from_the_environment_and_are_checked() {
        let config = Config::load(&env(&[
            ("HUB_INTROSPECTION", "false"),
            ("HUB_MAX_RESPONSE_BYTES", "1048576"),
            ("HUB_AUTH_FAILURES_PER_MINUTE", "5"),
            ("HUB_IDEMPOTENCY_LEASE_SECS", "2"),
            ("HUB_WS_MAX_SUBSCRIPTIONS", "3"),
            ("HUB_WS_IDLE_TIMEOUT_SECS", "30"),
        ]))
        .unwrap();
        assert!(!config.introspection);
        assert_eq!(config.max_response_bytes, 1_048_576);
        assert_eq!(config.auth_failures_per_minute, 5);
        assert_eq!(config.idempotency_lease, Duration::from_secs(2));
        assert_eq!(config.ws_max_subscriptions, 3);
        assert_eq!(config.ws_idle_timeout, Duration::from_secs(30));
        let defaults = Config::load(&env(&[])).unwrap();
        assert!(defaults.introspection);
        assert_eq!(defaults.idempotency_lease, Duration::from_secs(60));
        for (key, value) in [
            ("HUB_IDEMPOTENCY_LEASE_SECS", "0"),
            ("HUB_MAX_RESPONSE_BYTES", "10"),
            ("HUB_INTROSPECTION", "maybe"),
        ] {
            let err = Config::load(&env(&[(key, value)])).unwrap_err();
            assert!(err.to_string().contains(key), "{err}");
        }
    }

    #[test]
    fn environment_values_are_parsed() {
        let config = Config::load(&env(&[
            ("HUB_BIND", "0.0.0.0:9000"),
            ("HUB_SEED", "reference"),
            ("HUB_REQUIRE_AUTH", "true"),
            ("HUB_LOG_FORMAT", "json"),
            ("HUB_DATABASE_URL", "postgres://u:p@localhost/hub"),
        ]))
        .unwrap();
        assert_eq!(config.bind.port(), 9000);
        assert_eq!(config.seed, SeedMode::Reference);
        assert!(config.require_auth);
        assert_eq!(config.log_format, LogFormat::Json);
    }

    #[test]
    fn a_bad_value_names_the_variable_and_what_was_expected() {
        let err = Config::load(&env(&[("HUB_BIND", "localhost")])).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("HUB_BIND"), "{text}");
        assert!(text.contains("IP address and port"), "{text}");
        let err = Config::load(&env(&[("HUB_REQUIRE_AUTH", "maybe")])).unwrap_err();
        assert!(err.to_string().contains("true or false"));
    }

    #[test]
    fn a_bad_database_url_is_reported_without_its_password() {
        let err = Config::load(&env(&[("HUB_DATABASE_URL", "mysql://root:hunter2@db/hub")]))
            .unwrap_err()
            .to_string();
        assert!(err.contains("HUB_DATABASE_URL"), "{err}");
        assert!(!err.contains("hunter2"), "{err}");
    }

    #[test]
    fn the_file_layer_is_overridden_by_the_environment() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hub.toml");
        std::fs::write(&path, "bind = \"127.0.0.1:7000\"\nrequire_auth = true\n").unwrap();
        let path = path.to_str().unwrap();
        let config = Config::load(&env(&[("HUB_CONFIG", path)])).unwrap();
        assert_eq!(config.bind.port(), 7000);
        assert!(config.require_auth);
        let config = Config::load(&env(&[
            ("HUB_CONFIG", path),
            ("HUB_BIND", "127.0.0.1:7001"),
        ]))
        .unwrap();
        assert_eq!(config.bind.port(), 7001);
    }

    #[test]
    fn an_unknown_file_key_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hub.toml");
        std::fs::write(&path, "bnd = \"x\"\n").unwrap();
        let err = Config::load(&env(&[("HUB_CONFIG", path.to_str().unwrap())])).unwrap_err();
        assert!(err.to_string().contains("unknown key \"bnd\""), "{err}");
    }
}
