//! `cardinal`: Cardinal's settings in, its JSON out.

use std::path::Path;
use std::process::ExitCode;

use super::{Failure, write_out};
use crate::config::ConfigError;
use crate::indicators::REGISTRY;
use crate::run;

/// Reads Cardinal's settings file (every Cardinal indicator when none).
pub(super) fn cardinal_settings(
    path: Option<&Path>,
) -> Result<crate::cardinal::CardinalSettings, Failure> {
    let text = match path {
        Some(path) => std::fs::read_to_string(path).map_err(|error| ConfigError::Read {
            path: path.display().to_string(),
            error,
        })?,
        None => REGISTRY
            .iter()
            .filter_map(|indicator| indicator.metadata().code)
            .map(|code| format!("[{code}]\n"))
            .collect(),
    };
    Ok(
        crate::cardinal::settings::read(&text).map_err(|message| ConfigError::Invalid {
            path: path.map_or_else(|| "(defaults)".to_owned(), |p| p.display().to_string()),
            message,
        })?,
    )
}

pub(super) fn cardinal(
    inputs: &[String],
    settings: Option<&Path>,
    no_meta: bool,
    count: bool,
    map: bool,
) -> Result<ExitCode, Failure> {
    let settings = cardinal_settings(settings)?;
    if !settings.prepare_settings.is_empty() {
        // As Cardinal's `indicators` command, which leaves them to its `prepare` command.
        tracing::warn!(
            "{} are settings of Cardinal's prepare command and are not applied here; \
             `redflags init --from-cardinal` converts them to [prepare] for `redflags prepare`",
            settings.prepare_settings.join(", ")
        );
    }
    let currency = crate::cardinal::main_currency(&settings, inputs);
    let config = settings.for_command(currency.as_deref());
    let run = run::run_keeping(inputs, &config, run::Keep::Frames)?;
    let assessed = config
        .scope
        .apply(&run.frames)
        .map_err(anyhow::Error::from)?;
    crate::cardinal::report_currency_mismatches(
        &assessed,
        currency.as_deref(),
        settings.output,
        crate::cardinal::comparisons(&config),
    )?;
    let mut results = crate::cardinal::results(&run, no_meta)?;
    if map {
        let maps = crate::cardinal::maps(&run, &assessed)?;
        if let Some(results) = results.as_object_mut() {
            results.insert("Maps".to_owned(), maps);
        }
    }
    if count {
        for (group, n) in crate::cardinal::counts(&results) {
            eprintln!("{group}: {n}");
        }
    }
    let text = serde_json::to_string(&results).map_err(anyhow::Error::from)?;
    write_out(&format!("{text}\n"))?;
    Ok(ExitCode::SUCCESS)
}
