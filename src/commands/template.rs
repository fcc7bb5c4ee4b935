//! `romt-hub template kpi-report|bos --country C [--period P] [--lang L] [--out FILE]`: write
//! a template from this hub's database, as `GET /api/v1/templates/...` serves it.

use anyhow::Context;
use hub_app::exports::templates::{TemplateKind, TemplateRequest};
use hub_app::{Caller, Config};
use hub_domain::i18n::Lang;

use super::{CliError, open};
use crate::cli::{TemplateArgs, TemplateWhat};

pub async fn run(config: Config, args: TemplateArgs) -> Result<(), CliError> {
    let lang = Lang::parse_loose(&args.lang)
        .ok_or_else(|| CliError::Usage(format!("--lang {:?}: use en or es", args.lang)))?;
    let kind = match args.what {
        TemplateWhat::KpiReport => TemplateKind::KpiReport {
            period: args.period.clone().ok_or_else(|| {
                CliError::Usage("template kpi-report needs --period, e.g. 2026-Q2".to_owned())
            })?,
        },
        TemplateWhat::Bos => TemplateKind::Bos,
    };
    let app = open(config).await?;
    let file = app
        .template(
            &Caller::operator("cli:template"),
            TemplateRequest {
                kind,
                country: args.country.clone(),
                lang,
            },
        )
        .await?;
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| std::path::PathBuf::from(&file.filename));
    std::fs::write(&out, &file.bytes).with_context(|| format!("cannot write {}", out.display()))?;
    out!("{}", out.display());
    Ok(())
}
