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

use crate::indicators::{Group, Indicator, REGISTRY};
use crate::ingest::Limits;
use crate::ingest::prepare::{self, Prepare};
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

/// Where the indicators' weights come from.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "snake_case")]
pub enum Weights {
    /// The weights in the settings (`weight`, `organization_weight`, group weights).
    #[default]
    Configured,
    /// Weights derived from the validity check on the data itself: an indicator that does not
    /// predict single bidding gets 0, the others their log odds ratio (normalized to a mean of
    /// 1), times their group's weight.
    Validated,
}

/// Scoring settings.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct ScoreSettings {
    /// The weight of an indicator whose section sets none.
    pub default_weight: f64,
    /// An indicator's organization-level flags weigh this share of its weight when they reach
    /// a process, unless its section sets `organization_weight` (indirect evidence counts less;
    /// on generated data with planted schemes, 0.25 ranks them best: see tests/generator.rs).
    pub organization_factor: f64,
    /// `configured` or `validated`.
    pub weights: Weights,
    /// Each group's weight; it multiplies the weights of the indicators in the group.
    pub groups: BTreeMap<Group, f64>,
}

impl Default for ScoreSettings {
    fn default() -> Self {
        ScoreSettings {
            default_weight: 1.0,
            organization_factor: 0.25,
            weights: Weights::Configured,
            groups: Group::ALL.into_iter().map(|group| (group, 1.0)).collect(),
        }
    }
}

impl ScoreSettings {
    /// A group's weight (1 when the settings leave it out).
    pub fn group_weight(&self, group: Group) -> f64 {
        self.groups.get(&group).copied().unwrap_or(1.0)
    }
}

/// The validity check of the indicators against single bidding.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct ValidationSettings {
    /// The largest p-value (Fisher's exact test) at which an indicator counts as predicting
    /// single bidding.
    pub significance: f64,
}

impl Default for ValidationSettings {
    fn default() -> Self {
        ValidationSettings { significance: 0.05 }
    }
}

/// The buyer and supplier profiles.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct ProfileSettings {
    /// The fewest contracting processes a buyer needs to be profiled in `buyers.csv`.
    pub minimum_buyer_processes: u32,
    /// The fewest contracting processes won that a supplier needs to be profiled in
    /// `suppliers.csv`.
    pub minimum_supplier_processes: u32,
}

impl Default for ProfileSettings {
    fn default() -> Self {
        ProfileSettings {
            minimum_buyer_processes: 1,
            minimum_supplier_processes: 1,
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
    /// The validity check.
    pub validation: ValidationSettings,
    /// The buyer and supplier profiles.
    pub profiles: ProfileSettings,
    /// The corrections applied to the data before the indicators run.
    pub prepare: Prepare,
    /// Bounds on what one unit of input may cost.
    pub limits: Limits,
    /// Per indicator (by slug): `enabled`, `weight` and the indicator's own settings.
    pub indicators: BTreeMap<String, toml::Table>,
}

/// The largest weight a setting may give (weights are relative: larger ones only risk
/// overflowing the score's sums).
pub const MAX_WEIGHT: f64 = 1e6;

/// The keys every indicator section has, besides the indicator's own settings.
const COMMON_KEYS: [&str; 4] = ["enabled", "weight", "organization_weight", "group"];

/// One indicator as a run uses it.
pub struct Active {
    /// The indicator.
    pub indicator: &'static dyn Indicator,
    /// Its weight in the score (before its group's weight).
    pub weight: f64,
    /// The weight of its organization-level flags when they reach a process.
    pub organization_weight: f64,
    /// The group it counts in.
    pub group: Group,
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
        let in_range = |key: &str, value: f64| {
            if (0.0..=MAX_WEIGHT).contains(&value) {
                Ok(())
            } else {
                Err(format!("{key} must be a number from 0 to {MAX_WEIGHT}"))
            }
        };
        in_range("score.default_weight", self.score.default_weight)?;
        in_range("score.organization_factor", self.score.organization_factor)?;
        for (group, weight) in &self.score.groups {
            in_range(&format!("score.groups.{}", group.name()), *weight)?;
        }
        let significance = self.validation.significance;
        if !(significance > 0.0 && significance < 1.0) {
            return Err("validation.significance must be between 0 and 1".to_owned());
        }
        self.prepare.check()?;
        self.limits.check()?;
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
            for key in ["weight", "organization_weight"] {
                if let Some(weight) = table.get(key) {
                    in_range(
                        &format!("indicators.{slug}.{key}"),
                        number(weight).unwrap_or(f64::NAN),
                    )?;
                }
            }
            if let Some(group) = table.get("group")
                && group.as_str().and_then(Group::named).is_none()
            {
                let names: Vec<&str> = Group::ALL.iter().map(|g| g.name()).collect();
                return Err(format!(
                    "indicators.{slug}.group must be one of {}",
                    names.join(", ")
                ));
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
                    .and_then(number)
                    .unwrap_or(self.score.default_weight);
                let organization_weight = table
                    .get("organization_weight")
                    .and_then(number)
                    .unwrap_or(if indicator.metadata().lists_tenderers {
                        0.0
                    } else {
                        weight * self.score.organization_factor
                    });
                let group = table
                    .get("group")
                    .and_then(toml::Value::as_str)
                    .and_then(Group::named)
                    .unwrap_or(indicator.metadata().group);
                let mut settings = indicator.default_settings();
                settings.extend(own_settings(&table));
                Some(Active {
                    indicator,
                    weight,
                    organization_weight,
                    group,
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
                table.insert(
                    "organization_weight".into(),
                    toml::Value::Float(active.organization_weight),
                );
                table.insert("group".into(), active.group.name().into());
                let value = serde_json::to_value(&table).unwrap_or_default();
                (active.indicator.metadata().slug.to_owned(), value)
            })
            .collect();
        serde_json::json!({
            "score": self.score,
            "scope": self.scope,
            "validation": self.validation,
            "profiles": self.profiles,
            "prepare": self.prepare,
            "limits": self.limits,
            "indicators": indicators,
        })
    }
}

/// A TOML number as f64 (integers included).
fn number(value: &toml::Value) -> Option<f64> {
    value.as_float().or(value.as_integer().map(|n| n as f64))
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
    let score = ScoreSettings::default();
    let _ = write!(
        out,
        "# redflags settings. Every key is shown with its default; delete what you do not change.\n\
         # An unknown key is an error, so a typo never goes unnoticed.\n\n\
         [score]\n\
         # The risk score of a contracting process is the weighted share of raised flags among\n\
         # the indicators that could assess it, times 100. An indicator's weight is its\n\
         # `weight` (or `organization_weight` for its organization-level flags) times its\n\
         # group's weight.\n\
         # Weight of an indicator whose section sets none.\n\
         default_weight = {:?}\n\
         # An indicator's organization-level flags (the process's buyer, procuring entity or\n\
         # winner is flagged) weigh this share of its weight, unless its section sets\n\
         # `organization_weight`: indirect evidence counts less than the process's own flags.\n\
         organization_factor = {:?}\n\
         # \"configured\": the weights below. \"validated\": derived from the data by the validity\n\
         # check (see [validation]): an indicator that does not predict single bidding gets 0,\n\
         # the others their log odds ratio, normalized to a mean of 1; single_bid keeps its own.\n\
         weights = \"configured\"\n\n\
         # Each group's weight; it multiplies the weights of the indicators in the group.\n\
         [score.groups]\n",
        score.default_weight, score.organization_factor
    );
    for group in Group::ALL {
        let _ = writeln!(out, "{} = {:?}", group.name(), score.group_weight(group));
    }
    let _ = write!(
        out,
        "\n# The validity check (`redflags validate`, and `validation` in summary.json): each\n\
         # indicator's odds ratio with single bidding among competitive processes.\n\
         [validation]\n\
         # The largest p-value (Fisher's exact test) at which an indicator predicts single bidding.\n\
         significance = {:?}\n\n\
         # The buyer and supplier profiles (buyers.csv, suppliers.csv).\n\
         [profiles]\n\
         # The fewest contracting processes a buyer needs to be profiled.\n\
         minimum_buyer_processes = {}\n\
         # The fewest contracting processes won that a supplier needs to be profiled.\n\
         minimum_supplier_processes = {}\n",
        ValidationSettings::default().significance,
        ProfileSettings::default().minimum_buyer_processes,
        ProfileSettings::default().minimum_supplier_processes,
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
    out.push_str(prepare::DEFAULT_TOML);
    out.push_str(&Limits::default_toml());
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
         weight = {:?}\n\
         # Group (competition, transparency, price, timing, contract); its weight multiplies this one.\n\
         group = \"{}\"\n",
        metadata.title,
        metadata.slug,
        metadata.slug,
        ScoreSettings::default().default_weight,
        metadata.group.name(),
    );
    if metadata.levels.iter().any(|level| *level != "process") {
        out.push_str(
            "# Weight of its organization-level flags when they reach a process (the process's\n\
             # buyer, procuring entity or winner is flagged); by default `weight` times\n\
             # score.organization_factor, or 0 when its organization rows only list the\n\
             # tenderers of the processes it flags.\n\
             # organization_weight = \n",
        );
    }
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
        assert_eq!(parsed.prepare, Prepare::default());
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
    fn weights_are_bounded_so_that_scores_cannot_overflow() {
        for text in [
            "[score]\ndefault_weight = 1e300\n",
            "[score.groups]\nprice = -1\n",
            "[indicators.single_bid]\nweight = 2e6\n",
            "[indicators.single_bid]\norganization_weight = nan\n",
        ] {
            let error = Config::parse(text).unwrap_err();
            assert!(
                error.contains("must be a number from 0 to 1000000"),
                "{error}"
            );
        }
        assert!(Config::parse("[indicators.single_bid]\nweight = 1e6\n").is_ok());
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
