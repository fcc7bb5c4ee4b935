//! `romt-hub validate FILE...`: offline validation with the hub's own checks.

use std::path::PathBuf;

use hub_app::submissions::OfflineValidator;

use super::CliError;

fn shown(pointer: &str) -> &str {
    if pointer.is_empty() {
        "(document)"
    } else {
        pointer
    }
}

pub fn run(files: &[PathBuf]) -> Result<(), CliError> {
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
        let (errors, warnings) = validator.check(&body, today);
        for problem in &errors {
            out!(
                "{name}: {}: {} [{}]",
                shown(&problem.pointer),
                problem.message,
                problem.code
            );
        }
        for problem in &warnings {
            out!(
                "{name}: {}: warning: {} [{}]",
                shown(&problem.pointer),
                problem.message,
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
