//! The command line.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use hub_domain::access::Role;
use hub_domain::codes::{AgencyCode, CountryCode};

/// romt-hub: the ROMT regional federation hub (Latin America and the Caribbean).
///
/// Configuration comes from HUB_* environment variables and optionally a TOML file named by
/// HUB_CONFIG; see README.md.
#[derive(Debug, Parser)]
#[command(name = "romt-hub", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the hub (the default): migrate, seed an empty database, serve HTTP.
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Load the region's reference data (idempotent); with --demo also the demo data set.
    Seed(SeedArgs),
    /// Manage access tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Print the GraphQL schema (SDL), as checked in at graphql/schema.graphql.
    GraphqlSchema,
    /// Validate documents offline against the shared schemas and the region's reference data:
    /// one line `FILE: POINTER: MESSAGE` per problem (`FILE: CELL (POINTER): ...` for a
    /// workbook); exit 1 on any.
    Validate {
        /// kpi-report, bos or country-feed JSON files, or XLSX workbooks made from a template.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// en or es: the language of the messages.
        #[arg(long, default_value = "en")]
        lang: String,
    },
    /// Submit a document (JSON, or an XLSX workbook made from a template) to a hub and print
    /// its receipt; every problem names its JSON pointer and, for a workbook, its cell.
    Submit(SubmitArgs),
    /// Download an export from a hub (DESIGN §13) to a file or stdout.
    Export(ExportArgs),
    /// Write a spreadsheet template for a country team (DESIGN §14), from this hub's database.
    Template(TemplateArgs),
    /// Manage exchange rates.
    #[command(subcommand)]
    Rates(RatesCommand),
    /// Manage federation sources (feeds the hub pulls).
    #[command(subcommand)]
    Sources(SourcesCommand),
    /// Pull sources now: one (--source ID) or every active one.
    Sync {
        /// Id of the source to pull.
        #[arg(long)]
        source: Option<i64>,
    },
    /// Serve a folder of kpi-report and bos documents as a country feed.
    CountryNode {
        /// The folder (searched recursively for *.json).
        #[arg(long)]
        dir: PathBuf,
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8090")]
        bind: std::net::SocketAddr,
        /// Publisher name in the feed (default: the folder's name).
        #[arg(long)]
        publisher: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum SourcesCommand {
    /// Register a feed to pull.
    Add {
        /// A unique name.
        #[arg(long)]
        name: String,
        /// The feed URL.
        #[arg(long)]
        url: String,
        /// Bearer token the source expects (stored, never shown again).
        #[arg(long, env = "HUB_SOURCE_TOKEN", hide_env_values = true)]
        token: Option<String>,
        /// Seconds between pulls.
        #[arg(long, default_value_t = 900)]
        interval: i32,
        /// Country teams it may publish for, comma-separated (e.g. COL,PER).
        #[arg(long, value_delimiter = ',', required = true)]
        countries: Vec<String>,
    },
    /// List sources with their health (never their tokens).
    List,
}

#[derive(Debug, Args)]
pub struct SubmitArgs {
    /// The kpi-report or bos JSON file, or an XLSX workbook (`.xlsx`).
    pub file: PathBuf,
    /// Base URL of the hub, e.g. https://hub.example.org.
    #[arg(long, env = "HUB_URL")]
    pub hub: String,
    /// An access token (COUNTRY for the document's country, or ADMIN).
    #[arg(long, env = "HUB_TOKEN", hide_env_values = true)]
    pub token: String,
    /// Run every check without storing anything.
    #[arg(long)]
    pub dry_run: bool,
    /// Reject the whole document if any value is rejected.
    #[arg(long)]
    pub strict: bool,
    /// Exit 0 even when some values were rejected (by default that exits 3).
    #[arg(long)]
    pub allow_warnings: bool,
    /// Idempotency key, so a retried submission is applied once.
    #[arg(long)]
    pub idempotency_key: Option<String>,
    /// en or es: the language of the receipt's messages.
    #[arg(long, default_value = "en")]
    pub lang: String,
}

/// What to export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportWhat {
    /// Every current harmonized value with its lineage.
    Values,
    /// The regional figures of a year or quarter.
    Regional,
    /// BOS results per country and common service.
    Bos,
    /// A work plan in the UN INFO Joint Work Plan layout (needs --id).
    Workplan,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    pub what: ExportWhat,
    /// csv, xlsx, json, or sdmx-csv (values only); default csv.
    #[arg(long)]
    pub format: Option<String>,
    /// Write to this file (default: stdout).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// en or es: headers and labels.
    #[arg(long)]
    pub lang: Option<String>,
    /// The work plan's id (workplan).
    #[arg(long)]
    pub id: Option<i64>,
    /// First period, YYYY-Qn or YYYY (values).
    #[arg(long)]
    pub from: Option<String>,
    /// Last period (values).
    #[arg(long)]
    pub to: Option<String>,
    /// KPI codes, comma-separated (values).
    #[arg(long)]
    pub kpi: Option<String>,
    /// A country team (values, bos).
    #[arg(long)]
    pub country: Option<String>,
    /// The figures as they stood at this time, RFC 3339 (values, regional).
    #[arg(long)]
    pub as_of: Option<String>,
    /// Year (regional).
    #[arg(long)]
    pub year: Option<i32>,
    /// Quarter 1-4 (regional).
    #[arg(long)]
    pub quarter: Option<i32>,
    /// Base URL of the hub.
    #[arg(long, env = "HUB_URL")]
    pub hub: String,
    /// An access token (without one, PUBLIC data only).
    #[arg(long, env = "HUB_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
}

/// Which template.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TemplateWhat {
    /// A quarterly KPI report (needs --period).
    KpiReport,
    /// A Business Operations Strategy.
    Bos,
}

#[derive(Debug, Args)]
pub struct TemplateArgs {
    pub what: TemplateWhat,
    /// The country team, e.g. COL.
    #[arg(long)]
    pub country: String,
    /// The quarter of a KPI report, e.g. 2026-Q2.
    #[arg(long)]
    pub period: Option<String>,
    /// en or es: instructions and labels.
    #[arg(long, default_value = "en")]
    pub lang: String,
    /// The file to write (default: the template's own name in the current folder).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum RatesCommand {
    /// Load rates from a CSV file with the columns currency,month,rate (units per 1 USD).
    Import {
        /// The CSV file.
        file: PathBuf,
    },
}

#[derive(Debug, Args)]
pub struct SeedArgs {
    /// Also load the demo data set.
    #[arg(long)]
    pub demo: bool,
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a token; only the token is written to stdout, so scripts can capture it.
    Create(TokenCreateArgs),
    /// List tokens (never the tokens themselves).
    List,
    /// Revoke a token by id or label.
    Revoke {
        /// Id or label of the token.
        token: String,
    },
}

#[derive(Debug, Args)]
pub struct TokenCreateArgs {
    /// ADMIN, ANALYST, ROMT, RCP or COUNTRY.
    #[arg(long, value_parser = parse_role)]
    pub role: Role,
    /// Country team of a COUNTRY token (ISO alpha-3, e.g. COL).
    #[arg(long, value_parser = parse_country)]
    pub country: Option<CountryCode>,
    /// Agency the holder speaks for (required for RCP), e.g. UNDP.
    #[arg(long, value_parser = parse_agency)]
    pub agency: Option<AgencyCode>,
    /// A label to recognise the token by (unique).
    #[arg(long)]
    pub label: String,
}

fn parse_role(text: &str) -> Result<Role, String> {
    text.to_uppercase()
        .parse()
        .map_err(|e: hub_domain::ParseError| e.expected)
}

fn parse_country(text: &str) -> Result<CountryCode, String> {
    CountryCode::parse(&text.to_uppercase()).map_err(|e| e.expected)
}

fn parse_agency(text: &str) -> Result<AgencyCode, String> {
    AgencyCode::parse(&text.to_uppercase()).map_err(|e| e.expected)
}
