//! `romt-hub export values|regional|bos|workplan ... --hub URL`: download an export to a file
//! or stdout as it streams, with a progress bar on a terminal.

use std::io::{IsTerminal, Write};

use anyhow::Context;

use super::CliError;
use crate::cli::{ExportArgs, ExportWhat};

/// Below this many bytes a download is quick enough to need no progress bar.
const PROGRESS_AFTER: u64 = 1024 * 1024;

fn path(args: &ExportArgs) -> Result<String, CliError> {
    Ok(match args.what {
        ExportWhat::Values => "values".to_owned(),
        ExportWhat::Regional => "regional".to_owned(),
        ExportWhat::Bos => "bos".to_owned(),
        ExportWhat::Workplan => {
            let id = args.id.ok_or_else(|| {
                CliError::Usage("export workplan needs --id (the work plan's id)".to_owned())
            })?;
            format!("workplans/{id}")
        }
    })
}

fn query(args: &ExportArgs) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let text = [
        ("format", &args.format),
        ("lang", &args.lang),
        ("from", &args.from),
        ("to", &args.to),
        ("kpi", &args.kpi),
        ("country", &args.country),
        ("asOf", &args.as_of),
    ];
    for (key, value) in text {
        if let Some(value) = value {
            out.push((key, value.clone()));
        }
    }
    if let Some(year) = args.year {
        out.push(("year", year.to_string()));
    }
    if let Some(quarter) = args.quarter {
        out.push(("quarter", quarter.to_string()));
    }
    out
}

pub async fn run(args: ExportArgs) -> Result<(), CliError> {
    let url = format!(
        "{}/api/v1/exports/{}",
        args.hub.trim_end_matches('/'),
        path(&args)?
    );
    let client = reqwest::Client::builder()
        .connect_timeout(std::time::Duration::from_secs(10))
        .build()
        .context("HTTP client")?;
    let mut request = client.get(&url).query(&query(&args));
    if let Some(token) = &args.token {
        request = request.bearer_auth(token);
    }
    let mut response = request
        .send()
        .await
        .with_context(|| format!("cannot reach {url}"))?;
    let status = response.status();
    if !status.is_success() {
        let text = response.text().await.unwrap_or_default();
        let message = serde_json::from_str::<serde_json::Value>(&text)
            .ok()
            .and_then(|v| v["error"]["message"].as_str().map(str::to_owned))
            .unwrap_or(text);
        return Err(if status.is_client_error() {
            CliError::Usage(format!("{status}: {message}"))
        } else {
            CliError::Failed(anyhow::anyhow!("{status}: {message}"))
        });
    }
    let mut out: Box<dyn Write> = match &args.out {
        Some(file) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(file)
                .with_context(|| format!("cannot create {}", file.display()))?,
        )),
        None => Box::new(std::io::stdout().lock()),
    };
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new_spinner();
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {bytes} ({bytes_per_sec}) {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        bar.set_message(url.clone());
        bar
    });
    let mut written: u64 = 0;
    while let Some(chunk) = response
        .chunk()
        .await
        .context("the export broke off; nothing complete was written")?
    {
        out.write_all(&chunk).context("writing the export")?;
        written += chunk.len() as u64;
        if let Some(bar) = &bar
            && written >= PROGRESS_AFTER
        {
            bar.set_position(written);
            bar.tick();
        }
    }
    out.flush().context("writing the export")?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    if let Some(file) = &args.out {
        eprintln!("{}: {written} bytes", file.display());
    }
    Ok(())
}
