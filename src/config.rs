//! Settings: a TOML file, every threshold and weight settable, unknown keys rejected.
//!
//! ```toml
//! [score]
//! organization_factor = 0.25
//!
//! [indicators.short_tender_period]
//! enabled = true
//! weight = 0.15
//! family = "tender_period"
//! threshold = 15
//! ```
//!
//! Each `[indicators.SLUG]` table holds the keys every indicator has (`enabled`, `weight`,
//! `organization_weight`, `group`, `family`) and the indicator's own settings, which the
//! indicator checks itself.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::indicators::{Group, Indicator, REGISTRY};
use crate::ingest::Limits;
use crate::ingest::prepare::{self, Prepare};
use crate::scope::Scope;
use crate::working_days::Days;

/// A settings error: names the file, the key and what is wrong.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read the settings file {path}: {error}")]
    Read {
        /// The file.
        path: String,
        /// The cause (in the message, not also a source: it would be printed twice).
        error: std::io::Error,
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
    /// The strengths in the settings (`weight`, `organization_weight`).
    #[default]
    Configured,
    /// Strengths derived from the validity check on the data itself: an indicator that does
    /// not predict single bidding gets 0, the others `1 − 1/OR` at the lower end of the
    /// confidence interval of their odds ratio (the share of the flagged processes' excess
    /// odds of a single bid that goes with the flag).
    Validated,
}

/// Scoring settings.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct ScoreSettings {
    /// An indicator's organization-level flags have this share of its strength when they
    /// reach a process, unless its section sets `organization_weight` (indirect evidence
    /// counts less).
    pub organization_factor: f64,
    /// `configured` or `validated`.
    pub weights: Weights,
    /// Whether a flag the analyst reviewed as a false positive (`score --reviews`) is left out
    /// of its process's score (it stays in flags.csv and the report, with its verdict).
    pub exclude_false_positives: bool,
    /// With `weights = "validated"`, the fewest flags reviewed as confirmed or false positive
    /// an indicator needs for its strength to come from the analysts' verdicts.
    pub min_reviewed: u32,
}

impl Default for ScoreSettings {
    fn default() -> Self {
        ScoreSettings {
            organization_factor: 0.25,
            weights: Weights::Configured,
            exclude_false_positives: false,
            min_reviewed: 20,
        }
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
    /// When an indicator is named in a warning.
    pub warnings: crate::warnings::WarningSettings,
    /// Lists the user gives that OCDS does not carry (debarred organizations, ...).
    pub lists: crate::lists::ListSettings,
    /// The law's thresholds: up to which amount each method may be used.
    pub thresholds: crate::thresholds::Thresholds,
    /// The calendar of working days, for the indicators that count their periods in them.
    pub working_days: crate::working_days::WorkingDaySettings,
    /// Per indicator (by slug): `enabled`, `weight` and the indicator's own settings.
    pub indicators: BTreeMap<String, toml::Table>,
}

/// What an indicator that needs the `[thresholds]` rules names as its list.
pub const THRESHOLDS: &str = "thresholds";

/// The setting of the indicators that may count their periods in working days (see
/// [`crate::working_days::Days`]).
pub const DAYS: &str = "days";

/// The keys every indicator section has, besides the indicator's own settings.
const COMMON_KEYS: [&str; 5] = [
    "enabled",
    "weight",
    "organization_weight",
    "group",
    "family",
];

/// Settings of earlier versions whose meaning the strength-based score replaced, and what to
/// do instead.
const RETIRED: [(&str, &str); 2] = [
    (
        "default_weight",
        "score.default_weight was removed: every indicator has its own default strength \
         (0-1, `redflags indicators` lists them); set `weight` in its [indicators.SLUG] section",
    ),
    (
        "groups",
        "[score.groups] was removed: group weights no longer multiply strengths (a strength is \
         at most 1); set each indicator's `weight` (0-1) instead",
    ),
];

/// One indicator as a run uses it.
pub struct Active {
    /// The indicator.
    pub indicator: &'static dyn Indicator,
    /// Its strength in the score (0–1).
    pub weight: f64,
    /// The strength of its organization-level flags when they reach a process (0–1).
    pub organization_weight: f64,
    /// The group it counts in (its sub-score).
    pub group: Group,
    /// Its family: a process's raised flags in one family count once, by the strongest.
    pub family: String,
    /// Its own settings (defaults filled in).
    pub settings: toml::Table,
}

impl Config {
    /// Reads and checks a settings file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|error| ConfigError::Read {
            path: name.clone(),
            error,
        })?;
        let folder = path.parent().unwrap_or(Path::new(""));
        Config::parse_in(&text, folder).map_err(|message| ConfigError::Invalid {
            path: name,
            message,
        })
    }

    /// Parses and checks settings from TOML text; the error says what is wrong. The lists'
    /// paths are taken as they are (relative to the working folder).
    pub fn parse(text: &str) -> Result<Config, String> {
        Config::parse_in(text, Path::new(""))
    }

    /// [`Config::parse`] for settings read from a file in `folder`: the lists' relative paths
    /// are relative to it.
    pub fn parse_in(text: &str, folder: &Path) -> Result<Config, String> {
        if let Ok(raw) = text.parse::<toml::Table>()
            && let Some(score) = raw.get("score").and_then(toml::Value::as_table)
            && let Some((_, message)) = RETIRED.iter().find(|(key, _)| score.contains_key(*key))
        {
            return Err((*message).to_owned());
        }
        let mut config: Config = toml::from_str(text).map_err(|error| error.to_string())?;
        config.lists.resolve(folder);
        config.working_days.resolve(folder);
        config.check()?;
        Ok(config)
    }

    /// Whether the settings give what an indicator's [`crate::indicators::Metadata::list`]
    /// names: a `[lists]` file, or [`THRESHOLDS`] rules.
    pub fn gives(&self, list: &str) -> bool {
        if list == THRESHOLDS {
            self.thresholds.any()
        } else {
            self.lists.names(list)
        }
    }

    /// Checks indicator names, weights and each indicator's own settings.
    pub fn check(&self) -> Result<(), String> {
        let in_range = |key: &str, value: f64| {
            if (0.0..=1.0).contains(&value) {
                Ok(())
            } else {
                Err(format!(
                    "{key} must be a number from 0 to 1 (a strength: 1 alone gives a score of 100)"
                ))
            }
        };
        in_range("score.organization_factor", self.score.organization_factor)?;
        let significance = self.validation.significance;
        if !(significance > 0.0 && significance < 1.0) {
            return Err("validation.significance must be between 0 and 1".to_owned());
        }
        self.prepare.check()?;
        self.limits.check()?;
        self.warnings.check()?;
        // Every list named is read, so that a bad row stops the run before the input is read.
        self.lists.load()?;
        self.thresholds.check()?;
        self.working_days.check()?;
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
            if let Some(family) = table.get("family")
                && !family.as_str().is_some_and(|name| {
                    !name.is_empty()
                        && name
                            .chars()
                            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                })
            {
                return Err(format!(
                    "indicators.{slug}.family must be a name of lower-case letters, digits and _"
                ));
            }
            let own = own_settings(table);
            indicator
                .check_settings(&own)
                .map_err(|message| format!("in [indicators.{slug}]: {message}"))?;
            // The indicator has read `days` as its own: working days need the calendar.
            if own.get(DAYS).and_then(toml::Value::as_str) == Some(Days::Working.name())
                && !self.working_days.given()
            {
                return Err(format!(
                    "indicators.{slug}.days = \"working\" counts working days, but the settings \
                     give no calendar: add a [working_days] section with the holidays (or its \
                     `from` and `to`); `redflags init --preset th` writes Thailand's"
                ));
            }
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
                // An indicator that reads a list runs only when the list is given: without it,
                // it could assess nothing, and would only lower every process's completeness.
                if let Some(list) = indicator.metadata().list
                    && !self.gives(list)
                {
                    return None;
                }
                let weight = table
                    .get("weight")
                    .and_then(number)
                    .unwrap_or(indicator.metadata().weight);
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
                let family = table
                    .get("family")
                    .and_then(toml::Value::as_str)
                    .unwrap_or(indicator.metadata().family)
                    .to_owned();
                let mut settings = indicator.default_settings();
                settings.extend(own_settings(&table));
                Some(Active {
                    indicator,
                    weight,
                    organization_weight,
                    group,
                    family,
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
                table.insert("family".into(), active.family.as_str().into());
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
            "lists": self.lists,
            "thresholds": self.thresholds,
            "working_days": self.working_days,
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
         # Every raised flag has a strength from 0 to 1 (each indicator's `weight`). Flags of one\n\
         # family restate one fact and count once, by the strongest; the families combine as\n\
         # risk_score = 100 x (1 - product of (1 - strength)), so one strong flag is never\n\
         # diluted by checks that passed, and weak flags add up slowly.\n\
         # An indicator's organization-level flags (the process's buyer, procuring entity or\n\
         # winner is flagged) have this share of its strength, unless its section sets\n\
         # `organization_weight`; they reach a process as one term, by the strongest.\n\
         organization_factor = {:?}\n\
         # \"configured\": the strengths below. \"validated\": derived from the data by the\n\
         # validity check (see [validation]): an indicator that does not predict single bidding\n\
         # gets 0, the others 1 - 1/OR at the lower end of their odds ratio's interval;\n\
         # single_bid keeps its own.\n\
         weights = \"configured\"\n\
         # With weights = \"validated\" and verdicts (`score --reviews`), an indicator with at\n\
         # least this many flags reviewed as confirmed or false positive gets its strength\n\
         # from them instead: the lower end of the 95% interval of its precision.\n\
         min_reviewed = {}\n\
         # true: a flag an analyst reviewed as a false positive (`score --reviews`) stays in\n\
         # flags.csv and the report, with its verdict, but leaves its process's score.\n\
         exclude_false_positives = {}\n",
        score.organization_factor, score.min_reviewed, score.exclude_false_positives
    );
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
    out.push_str(&crate::warnings::WarningSettings::default_toml());
    out.push_str(
        "\n# Lists that OCDS does not carry, for the indicators that need them (paths relative\n\
         # to this file). Without one, its indicators do not run.\n[lists]\n",
    );
    for spec in crate::lists::LISTS {
        let _ = writeln!(
            out,
            "# {}\n# {} = \"{}.csv\"",
            spec.description, spec.key, spec.key
        );
    }
    out.push_str(crate::thresholds::DEFAULT_TOML);
    out.push_str(crate::working_days::DEFAULT_TOML);
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
         # Strength in the risk score, 0-1 (0 keeps the flag but leaves it out of the score;\n\
         # the catalogue page says why this default).\n\
         weight = {:?}\n\
         # Family: raised flags of one family count once in a process's score, by the strongest.\n\
         family = \"{}\"\n\
         # Group (competition, transparency, price, timing, contract): its sub-score.\n\
         group = \"{}\"\n",
        metadata.title,
        metadata.slug,
        metadata.slug,
        metadata.weight,
        metadata.family,
        metadata.group.name(),
    );
    if metadata.levels.iter().any(|level| *level != "process") {
        out.push_str(
            "# Strength of its organization-level flags when they reach a process (the process's\n\
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
        // Every indicator but those whose list the defaults do not name.
        let need_lists = REGISTRY
            .iter()
            .filter(|indicator| indicator.metadata().list.is_some())
            .count();
        assert!(need_lists > 0);
        assert_eq!(parsed.active().len(), REGISTRY.len() - need_lists);
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
            "[score]\norganization_factor = 1e300\n",
            "[indicators.single_bid]\nweight = 1.5\n",
            "[indicators.single_bid]\nweight = -0.1\n",
            "[indicators.single_bid]\norganization_weight = nan\n",
        ] {
            let error = Config::parse(text).unwrap_err();
            assert!(error.contains("must be a number from 0 to 1"), "{error}");
        }
        assert!(Config::parse("[indicators.single_bid]\nweight = 1\n").is_ok());
    }

    #[test]
    fn retired_score_settings_say_what_replaced_them() {
        let error = Config::parse("[score]\ndefault_weight = 1.0\n").unwrap_err();
        assert!(error.contains("own default strength"), "{error}");
        let error = Config::parse("[score.groups]\nprice = 2.0\n").unwrap_err();
        assert!(error.contains("[score.groups] was removed"), "{error}");
        let error = Config::parse("[indicators.single_bid]\nfamily = \"Bad Name\"\n").unwrap_err();
        assert!(error.contains("family"), "{error}");
        let config =
            Config::parse("[indicators.near_estimate]\nfamily = \"single_bid\"\n").unwrap();
        let active = config.active();
        let near = active
            .iter()
            .find(|a| a.indicator.metadata().slug == "near_estimate")
            .unwrap();
        assert_eq!(near.family, "single_bid");
    }

    #[test]
    fn unknown_keys_are_named() {
        let error = Config::parse("[score]\norganisation_factor = 0.2\n").unwrap_err();
        assert!(error.contains("organisation_factor"), "{error}");
        let error = Config::parse("[indicators.no_such_flag]\nweight = 1\n").unwrap_err();
        assert!(error.contains("no_such_flag"), "{error}");
        let error = Config::parse("[scroe]\n").unwrap_err();
        assert!(error.contains("scroe"), "{error}");
    }
}
