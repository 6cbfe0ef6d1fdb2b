//! `indicators` and `explain`: the catalogue.

use std::process::ExitCode;

use std::fmt::Write as _;

use super::{Failure, write_out};
use crate::indicators;
use crate::indicators::REGISTRY;

pub(super) fn list(json: bool) -> Result<ExitCode, Failure> {
    if json {
        let list: Vec<_> = REGISTRY
            .iter()
            .map(|indicator| {
                let metadata = indicator.metadata();
                serde_json::json!({
                    "slug": metadata.slug,
                    "code": metadata.code,
                    "title": metadata.title,
                    "phase": metadata.phase,
                    "weight": metadata.weight,
                    "family": metadata.family,
                    "levels": metadata.levels,
                    "fields": metadata.fields,
                    "defaults": indicator.default_settings(),
                })
            })
            .collect();
        let text = serde_json::to_string_pretty(&list).map_err(anyhow::Error::from)?;
        write_out(&format!("{text}\n"))?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut text = String::new();
    let _ = writeln!(
        text,
        "{:<30} {:<5} {:<15} {:>8} {:<20} {:<50} defaults",
        "indicator", "code", "phase", "strength", "family", "title"
    );
    for indicator in REGISTRY {
        let metadata = indicator.metadata();
        let defaults = indicator
            .default_settings()
            .iter()
            .map(|(key, value)| format!("{key} = {value}"))
            .collect::<Vec<_>>()
            .join(", ");
        let _ = writeln!(
            text,
            "{:<30} {:<5} {:<15} {:>8.2} {:<20} {:<50} {}",
            metadata.slug,
            metadata.code.unwrap_or("-"),
            metadata.phase.name(),
            metadata.weight,
            metadata.family,
            metadata.title,
            defaults
        );
    }
    write_out(&text)?;
    Ok(ExitCode::SUCCESS)
}

pub(super) fn explain(name: &str) -> Result<ExitCode, Failure> {
    match indicators::find(name) {
        Some(indicator) => {
            write_out(indicator.metadata().page)?;
            Ok(ExitCode::SUCCESS)
        }
        None => {
            let known: Vec<_> = REGISTRY.iter().map(|i| i.metadata().slug).collect();
            Err(Failure::Usage(anyhow::anyhow!(
                "no indicator named {name:?}; the indicators are: {}",
                known.join(", ")
            )))
        }
    }
}
