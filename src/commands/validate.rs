//! `romt-hub validate FILE...`: offline validation with the hub's own checks, of JSON documents
//! and of workbooks made from the templates.

use std::path::PathBuf;

use hub_app::submissions::OfflineValidator;

use super::CliError;
use super::submit::{is_workbook, language, message, place};

pub fn run(files: &[PathBuf], lang: &str) -> Result<(), CliError> {
    let lang = language(lang)?;
    let validator = OfflineValidator::new()?;
    let today = chrono::Utc::now().date_naive();
    let mut failed = 0;
    for file in files {
        let name = file.display();
        let body = match std::fs::read(file) {
            Ok(body) => body,
            Err(e) => {
                out!("{name}: (file): cannot read: {e}");
                failed += 1;
                continue;
            }
        };
        let (errors, warnings) = if is_workbook(file, &body) {
            validator.check_workbook(&body, today)
        } else {
            validator.check(&body, today)
        };
        for problem in &errors {
            out!(
                "{name}: {}: {} [{}]",
                place(problem),
                message(problem, lang),
                problem.code
            );
        }
        for problem in &warnings {
            out!(
                "{name}: {}: warning: {} [{}]",
                place(problem),
                message(problem, lang),
                problem.code
            );
        }
        if errors.is_empty() {
            out!("{name}: valid");
        } else {
            failed += 1;
        }
    }
    if failed > 0 {
        return Err(CliError::Failed(anyhow::anyhow!(
            "{failed} of {} file(s) invalid",
            files.len()
        )));
    }
    Ok(())
}
