//! Settings: a TOML file, every threshold and weight settable, unknown keys rejected.
//!
//! ```toml
//! [score]
//! default_weight = 1.0
//!
//! [indicators.short_tender_period]
//! enabled = true
//! weight = 1.0
//! threshold = 15
//! ```
//!
//! Each `[indicators.SLUG]` table holds the two keys every indicator has (`enabled`,
//! `weight`) and the indicator's own settings, which the indicator checks itself.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::indicators::{Indicator, REGISTRY};
use crate::scope::Scope;

/// A settings error: names the file, the key and what is wrong.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read the settings file {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// The file is not valid TOML or has an unknown or mistyped key.
    #[error("settings file {path}: {message}")]
    Invalid {
        /// The file.
        path: String,
        /// What is wrong.
        message: String,
    },
}

/// Scoring settings.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct ScoreSettings {
    /// The weight of an indicator whose section sets none.
    pub default_weight: f64,
}

impl Default for ScoreSettings {
    fn default() -> Self {
        ScoreSettings {
            default_weight: 1.0,
        }
    }
}

/// All settings.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Scoring.
    pub score: ScoreSettings,
    /// Which processes the indicators assess, and which allow bid-price comparisons.
    pub scope: Scope,
    /// Per indicator (by slug): `enabled`, `weight` and the indicator's own settings.
    pub indicators: BTreeMap<String, toml::Table>,
}

/// The keys every indicator section has, besides the indicator's own settings.
const COMMON_KEYS: [&str; 2] = ["enabled", "weight"];

/// One indicator as a run uses it.
pub struct Active {
    /// The indicator.
    pub indicator: &'static dyn Indicator,
    /// Its weight in the score.
    pub weight: f64,
    /// Its own settings (defaults filled in).
    pub settings: toml::Table,
}

impl Config {
    /// Reads and checks a settings file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: name.clone(),
            source,
        })?;
        Config::parse(&text).map_err(|message| ConfigError::Invalid {
            path: name,
            message,
        })
    }

    /// Parses and checks settings from TOML text; the error says what is wrong.
    pub fn parse(text: &str) -> Result<Config, String> {
        let config: Config = toml::from_str(text).map_err(|error| error.to_string())?;
        config.check()?;
        Ok(config)
    }

    /// Checks indicator names, weights and each indicator's own settings.
    pub fn check(&self) -> Result<(), String> {
        if !(self.score.default_weight.is_finite() && self.score.default_weight >= 0.0) {
            return Err("score.default_weight must be a number ≥ 0".to_owned());
        }
        for (slug, table) in &self.indicators {
            let Some(indicator) = REGISTRY.iter().find(|i| i.metadata().slug == slug) else {
                return Err(format!(
                    "unknown indicator `{slug}` in [indicators.{slug}]; `redflags indicators` lists them"
                ));
            };
            if let Some(enabled) = table.get("enabled")
                && !enabled.is_bool()
            {
                return Err(format!("indicators.{slug}.enabled must be true or false"));
            }
            if let Some(weight) = table.get("weight") {
                let number = weight.as_float().or(weight.as_integer().map(|w| w as f64));
                if !number.is_some_and(|w| w.is_finite() && w >= 0.0) {
                    return Err(format!("indicators.{slug}.weight must be a number ≥ 0"));
                }
            }
            indicator
                .check_settings(&own_settings(table))
                .map_err(|message| format!("in [indicators.{slug}]: {message}"))?;
        }
        Ok(())
    }

    /// The enabled indicators in registry order, with weights and settings.
    pub fn active(&self) -> Vec<Active> {
        REGISTRY
            .iter()
            .filter_map(|&indicator| {
                let slug = indicator.metadata().slug;
                let table = self.indicators.get(slug).cloned().unwrap_or_default();
                let enabled = table.get("enabled").and_then(toml::Value::as_bool);
                if enabled == Some(false) {
                    return None;
                }
                let weight = table
                    .get("weight")
                    .and_then(|w| w.as_float().or(w.as_integer().map(|w| w as f64)))
                    .unwrap_or(self.score.default_weight);
                let mut settings = indicator.default_settings();
                settings.extend(own_settings(&table));
                Some(Active {
                    indicator,
                    weight,
                    settings,
                })
            })
            .collect()
    }

    /// The settings in effect, every default filled in, as JSON (for `summary.json`).
    pub fn effective(&self) -> serde_json::Value {
        let indicators: serde_json::Map<String, serde_json::Value> = self
            .active()
            .into_iter()
            .map(|active| {
                let mut table = active.settings.clone();
                table.insert("weight".into(), toml::Value::Float(active.weight));
                let value = serde_json::to_value(&table).unwrap_or_default();
                (active.indicator.metadata().slug.to_owned(), value)
            })
            .collect();
        serde_json::json!({ "score": self.score, "scope": self.scope, "indicators": indicators })
    }
}

fn own_settings(table: &toml::Table) -> toml::Table {
    table
        .iter()
        .filter(|(key, _)| !COMMON_KEYS.contains(&key.as_str()))
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect()
}

/// A commented settings file holding every default, as `redflags init` writes it.
pub fn default_toml() -> String {
    let mut out = String::new();
    out.push_str(
        "# redflags settings. Every key is shown with its default; delete what you do not change.\n\
         # An unknown key is an error, so a typo never goes unnoticed.\n\n\
         [score]\n\
         # Weight of an indicator whose section sets none. The risk score is the weighted share\n\
         # of raised flags among the indicators that could assess the process, times 100.\n",
    );
    let _ = writeln!(
        out,
        "default_weight = {:?}",
        ScoreSettings::default().default_weight
    );
    out.push_str(
        "\n# Which contracting processes the indicators assess. An excluded process keeps its\n\
         # row in the outputs, with no score.\n[scope]\n",
    );
    let scope = toml::Value::try_from(Scope::default())
        .ok()
        .and_then(|value| value.as_table().cloned())
        .unwrap_or_default();
    for (key, doc) in Scope::DOCS {
        let _ = writeln!(out, "# {doc}");
        if let Some(value) = scope.get(key) {
            let _ = writeln!(out, "{key} = {value}");
        }
    }
    for indicator in REGISTRY {
        write_section(&mut out, *indicator);
    }
    out
}

fn write_section(out: &mut String, indicator: &dyn Indicator) {
    let metadata = indicator.metadata();
    let code = metadata.code.map(|c| format!(" ({c})")).unwrap_or_default();
    let _ = write!(
        out,
        "\n# {}{code}. `redflags explain {}` describes it.\n[indicators.{}]\n\
         # Set to false to leave this indicator out of the run and the score.\nenabled = true\n\
         # Weight in the risk score (0 keeps the flag but leaves it out of the score).\n\
         weight = {:?}\n",
        metadata.title,
        metadata.slug,
        metadata.slug,
        ScoreSettings::default().default_weight
    );
    let defaults = indicator.default_settings();
    // Settings with no default value (optional overrides) are shown commented out.
    for (key, doc) in metadata.settings {
        if !defaults.contains_key(*key) {
            let _ = writeln!(out, "# {doc} (unset by default)\n# {key} = ");
        }
    }
    // Plain keys first: a nested table's header would capture any key written after it.
    let (plain, nested): (Vec<_>, Vec<_>) = defaults.iter().partition(|(_, v)| !v.is_table());
    for (key, value) in plain.into_iter().chain(nested) {
        if let Some((_, doc)) = metadata.settings.iter().find(|(name, _)| name == key) {
            let _ = writeln!(out, "# {doc}");
        }
        let mut single = toml::Table::new();
        single.insert(key.clone(), value.clone());
        let rendered = toml::to_string(&single).unwrap_or_default();
        // Nested tables (e.g. per-method thresholds) render as their own section header.
        let rendered = rendered.replace(
            &format!("[{key}]"),
            &format!("[indicators.{}.{key}]", metadata.slug),
        );
        out.push_str(&rendered);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_file_parses_to_the_defaults() {
        let parsed = Config::parse(&default_toml()).unwrap();
        assert_eq!(parsed.score, ScoreSettings::default());
        assert_eq!(parsed.scope, Scope::default());
        assert_eq!(parsed.active().len(), REGISTRY.len());
    }

    #[test]
    fn optional_settings_are_shown_commented_out() {
        let text = default_toml();
        let section = text
            .split("[indicators.price_close_to_winning_bid]")
            .nth(1)
            .unwrap();
        assert!(section.contains("\n# threshold = \n"), "{section}");
    }

    #[test]
    fn unknown_keys_are_named() {
        let error = Config::parse("[score]\ndefault_wieght = 2\n").unwrap_err();
        assert!(error.contains("default_wieght"), "{error}");
        let error = Config::parse("[indicators.no_such_flag]\nweight = 1\n").unwrap_err();
        assert!(error.contains("no_such_flag"), "{error}");
        let error = Config::parse("[scroe]\n").unwrap_err();
        assert!(error.contains("scroe"), "{error}");
    }
}
