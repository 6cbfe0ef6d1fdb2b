//! `check`, `coverage` and `prepare`: the data as published, before scoring.

use std::path::Path;
use std::process::ExitCode;

use super::{Failure, load_config, write_out};
use crate::output::Staging;

pub(super) fn check(
    inputs: &[String],
    config: Option<&Path>,
    out: Option<&Path>,
    language: crate::evidence::Language,
) -> Result<ExitCode, Failure> {
    use crate::quality::{check, findings_frame, report};
    let config = load_config(config)?;
    // The check reads its inputs twice (as published, then as scored): standard input is
    // kept in a file for the second reading.
    let spool = if inputs.iter().any(|input| input == "-") {
        let mut file = tempfile::NamedTempFile::new().map_err(anyhow::Error::from)?;
        std::io::copy(&mut std::io::stdin().lock(), &mut file).map_err(anyhow::Error::from)?;
        Some(file)
    } else {
        None
    };
    let inputs: Vec<String> = inputs
        .iter()
        .map(|input| match (&spool, input.as_str()) {
            (Some(file), "-") => file.path().display().to_string(),
            _ => input.clone(),
        })
        .collect();
    let mut checked = check::check(&inputs, &config)?;
    // The findings' sentences in the language asked for (their values stay as published).
    let translator = crate::sentences::Translator::new(language);
    if !translator.is_english() {
        for finding in &mut checked.findings {
            finding.problem = translator.sentence(&finding.problem);
        }
    }
    write_out(&report::text(&checked, &translator))?;
    if let Some(out) = out {
        let mut staging = Staging::new(out)?;
        let findings = findings_frame(&checked.findings, &checked.sources);
        staging.csv("quality.csv", &findings.map_err(anyhow::Error::from)?)?;
        staging.json("quality.json", &report::summary(&checked))?;
        staging.commit()?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Says on standard error how many inputs could not be read, if any.
fn note_rejected(count: usize) {
    if count > 0 {
        eprintln!("{count} inputs rejected (`redflags score` lists them in rejected.csv)");
    }
}

pub(super) fn coverage(inputs: &[String], config: Option<&Path>) -> Result<ExitCode, Failure> {
    let config = load_config(config)?;
    let found =
        crate::quality::coverage::coverage(inputs, &config.limits).map_err(anyhow::Error::from)?;
    let text = serde_json::to_string_pretty(&found.counts).map_err(anyhow::Error::from)?;
    write_out(&format!("{text}\n"))?;
    note_rejected(found.rejected.len());
    Ok(ExitCode::SUCCESS)
}

pub(super) fn assessable(
    inputs: &[String],
    config: Option<&Path>,
    json: bool,
    language: crate::evidence::Language,
) -> Result<ExitCode, Failure> {
    let config = load_config(config)?;
    let found = crate::quality::assessable::assessable(inputs, &config.limits)
        .map_err(anyhow::Error::from)?;
    let translator = crate::sentences::Translator::new(language);
    if json {
        let text = serde_json::to_string_pretty(&found).map_err(anyhow::Error::from)?;
        write_out(&format!("{text}\n"))?;
    } else {
        write_out(&crate::quality::assessable::text(&found, &translator))?;
    }
    note_rejected(found.rejected.len());
    Ok(ExitCode::SUCCESS)
}

pub(super) fn prepare(
    inputs: &[String],
    config: Option<&Path>,
    out: &Path,
    quiet: bool,
) -> Result<ExitCode, Failure> {
    let config = load_config(config)?;
    let prepared = if out == Path::new("-") {
        let stdout = std::io::stdout();
        let mut writer = std::io::BufWriter::new(stdout.lock());
        match crate::quality::prepare::prepare(inputs, &config, &mut writer) {
            Ok(prepared) => prepared,
            // A reader that stopped early (`| head`) is not a failure.
            Err(error) if super::closed_pipe(&error) => return Ok(ExitCode::SUCCESS),
            Err(error) => return Err(error.into()),
        }
    } else {
        // Written beside the target and moved into place when complete.
        let mut file = crate::output::OutputFile::create(out)?;
        let prepared = crate::quality::prepare::prepare(inputs, &config, &mut file.writer)?;
        file.commit()?;
        prepared
    };
    if !quiet {
        let corrected = &prepared.corrected;
        eprintln!(
            "{} compiled releases written to {}; {} values corrected{}; {} inputs rejected",
            prepared.written,
            out.display(),
            corrected.total,
            if corrected.total == 0 {
                String::new()
            } else {
                format!(" ({})", corrected.describe())
            },
            prepared.rejected.len()
        );
    }
    Ok(ExitCode::SUCCESS)
}
