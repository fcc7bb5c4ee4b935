//! The command line.

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
