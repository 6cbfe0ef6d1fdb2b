//! `init`: a commented settings file.

use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;

use super::{Failure, write_out};

/// Thailand's preset (`init --preset th`): the thresholds and method names of the Public
/// Procurement and Supplies Administration Act B.E. 2560 and its regulations.
const THAILAND: &str = include_str!("../../examples/thailand-thresholds.toml");

pub(super) fn init(
    file: Option<&Path>,
    force: bool,
    from_cardinal: Option<&Path>,
    preset: Option<&str>,
) -> Result<ExitCode, Failure> {
    let text = match (from_cardinal, preset) {
        (_, Some(_)) => THAILAND.to_owned(),
        (Some(path), None) => {
            let settings = super::cardinal::cardinal_settings(Some(path))?;
            let mut notes = format!("# Converted from Cardinal's settings {}.\n", path.display());
            if let Some(currency) = &settings.currency {
                let _ = writeln!(
                    notes,
                    "# currency = {currency}: not converted; bid prices are compared within each \
                     currency (`redflags cardinal` compares {currency} only, as Cardinal does)."
                );
            }
            for setting in &settings.not_converted {
                let _ = writeln!(
                    notes,
                    "# {setting}: not converted; [prepare] has no such correction."
                );
            }
            notes + &toml::to_string(&settings.config).map_err(anyhow::Error::from)?
        }
        (None, None) => crate::config::default_toml(),
    };
    match file {
        None => write_out(&text)?,
        Some(path) => {
            if path.exists() && !force {
                return Err(Failure::Usage(anyhow::anyhow!(
                    "{} exists; use --force to replace it",
                    path.display()
                )));
            }
            std::fs::write(path, text)
                .map_err(|error| anyhow::anyhow!("cannot write {}: {error}", path.display()))?;
            eprintln!("wrote {}", path.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}
