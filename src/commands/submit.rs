//! `romt-hub submit FILE --hub URL --token T`: push a document (JSON or an XLSX workbook) and
//! print the receipt readably, each problem with its pointer and, for a workbook, its cell.

use anyhow::Context;
use hub_app::submissions::{Problem, Receipt, XLSX_CONTENT_TYPE};
use hub_domain::i18n::Lang;
use hub_domain::submission::SubmissionStatus;

use super::CliError;
use crate::cli::SubmitArgs;

pub async fn run(args: SubmitArgs) -> Result<(), CliError> {
    let lang = language(&args.lang)?;
    let body = std::fs::read(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let url = format!("{}/api/v1/submissions", args.hub.trim_end_matches('/'));
    let client = reqwest::Client::builder()
        .connect_timeout(std::time::Duration::from_secs(10))
        .timeout(std::time::Duration::from_secs(120))
        .build()
        .context("HTTP client")?;
    let workbook = is_workbook(&args.file, &body);
    let mut query = vec![
        ("dryRun", args.dry_run.to_string()),
        ("strict", args.strict.to_string()),
    ];
    if workbook && let Some(name) = args.file.file_name() {
        query.push(("filename", name.to_string_lossy().into_owned()));
    }
    let mut request = client
        .post(&url)
        .bearer_auth(&args.token)
        .header(
            "content-type",
            if workbook {
                XLSX_CONTENT_TYPE
            } else {
                "application/json"
            },
        )
        .query(&query)
        .body(body);
    if let Some(key) = &args.idempotency_key {
        request = request.header("idempotency-key", key);
    }
    let response = request
        .send()
        .await
        .with_context(|| format!("cannot reach {url}"))?;
    let status = response.status();
    let text = response.text().await.context("reading the response")?;
    let receipt: Receipt = match serde_json::from_str(&text) {
        Ok(receipt) => receipt,
        Err(_) => {
            let message = serde_json::from_str::<serde_json::Value>(&text)
                .ok()
                .and_then(|v| v["error"]["message"].as_str().map(str::to_owned))
                .unwrap_or(text);
            return Err(CliError::Failed(anyhow::anyhow!("{status}: {message}")));
        }
    };
    out_raw!(
        "{}",
        render(&args.file.display().to_string(), &receipt, lang)
    );
    match receipt.status {
        SubmissionStatus::Rejected => Err(CliError::Failed(anyhow::anyhow!(
            "{}: rejected ({status})",
            args.file.display()
        ))),
        _ if !receipt.rejected_values.is_empty() && !args.allow_warnings => {
            Err(CliError::ValuesRejected(format!(
                "{}: {} value(s) rejected (the rest {}); correct them and send the next \
                 revision, or pass --allow-warnings to accept this",
                args.file.display(),
                receipt.rejected_values.len(),
                if receipt.dry_run {
                    "would be stored"
                } else {
                    "is stored"
                },
            )))
        }
        _ => Ok(()),
    }
}

/// Whether a file is a workbook: named `.xlsx`, or a zip archive whatever its name.
pub fn is_workbook(path: &std::path::Path, bytes: &[u8]) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"))
        || bytes.starts_with(b"PK\x03\x04")
}

/// Where a problem is: its cell and pointer for a workbook, else its pointer.
pub fn place(p: &Problem) -> String {
    let pointer = if p.pointer.is_empty() {
        "(document)"
    } else {
        &p.pointer
    };
    match &p.cell {
        Some(cell) => format!("{cell} ({pointer})"),
        None => pointer.to_owned(),
    }
}

/// `--lang`: en or es.
pub fn language(text: &str) -> Result<Lang, CliError> {
    Lang::parse_loose(text).ok_or_else(|| CliError::Usage(format!("--lang {text:?}: use en or es")))
}

/// The problem's message in `lang`, where the hub has it in Spanish.
pub fn message(p: &Problem, lang: Lang) -> &str {
    match (lang, &p.message_es) {
        (Lang::Es, Some(es)) => es,
        _ => &p.message,
    }
}

fn render(file: &str, r: &Receipt, lang: Lang) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let what = [
        r.document_type.clone(),
        r.country.clone(),
        r.period.clone().or_else(|| r.cycle.clone()),
        r.revision.map(|n| format!("revision {n}")),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ");
    let _ = write!(out, "{file}: {what}: {}", r.status);
    if let Some(id) = r.id {
        let _ = write!(out, " (submission {id})");
    }
    if r.dry_run {
        out.push_str(" [dry run: nothing stored]");
    }
    if r.replayed {
        out.push_str(" [replayed]");
    }
    out.push('\n');
    if r.status != SubmissionStatus::Rejected {
        let _ = writeln!(out, "  {} value(s) accepted", r.accepted_values);
    }
    for (label, problems) in [
        ("error", &r.errors),
        ("rejected", &r.rejected_values),
        ("warning", &r.warnings),
    ] {
        for p in problems {
            let _ = writeln!(
                out,
                "  {label} {}: {} [{}]",
                place(p),
                message(p, lang),
                p.code
            );
        }
    }
    out
}
