//! Cardinal's INI settings file, every section its `init` writes.
//!
//! The indicator sections (`[R003]`, `[R003.procurement_method_details]`, ...) enable an
//! indicator with its settings; the global settings and `[exclusions]` become `[scope]`;
//! `currency` is the main currency of bid-price comparisons; `[output]` tunes the messages.
//! The sections of Cardinal's `prepare` command are read by [`super::prepare`].

use std::collections::BTreeMap;

use crate::config::Config;
use crate::indicators::{self, REGISTRY};
use crate::ingest::prepare::{BuddhistEra, Prepare};

use super::prepare::PrepareSections;

/// The setting, in the indicators that declare it, that makes them follow Cardinal's code
/// where it differs from their page's method.
pub const COMPATIBILITY: &str = "cardinal";

/// The setting, in the indicators that compare bid prices, of the one currency compared.
pub const CURRENCY: &str = "currency";

/// Settings that Cardinal writes as pipe-separated lists.
const LISTS: [&str; 4] = [
    "procurement_methods",
    "procurement_method_details",
    "no_price_comparison_procurement_methods",
    "price_comparison_procurement_methods",
];

/// A pipe-separated list, as Cardinal splits one (empty items dropped).
pub(super) fn pipe_list(text: &str) -> Vec<String> {
    text.split('|')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A value from the INI file as TOML: a pipe-separated list where Cardinal uses one, else an
/// integer, a decimal or text.
fn value(key: &str, text: &str) -> toml::Value {
    let text = text.trim();
    if LISTS.contains(&key) {
        return toml::Value::Array(
            pipe_list(text)
                .into_iter()
                .map(toml::Value::String)
                .collect(),
        );
    }
    if let Ok(integer) = text.parse::<i64>() {
        return toml::Value::Integer(integer);
    }
    if let Ok(decimal) = text.parse::<f64>() {
        return toml::Value::Float(decimal);
    }
    toml::Value::String(text.to_owned())
}

/// Settings whose default in Cardinal differs from ours, set when its section enables the
/// indicator and does not set them: (code, key, Cardinal's value). Cardinal's R003 assesses
/// every procurement method; ours assesses competitive ones by default.
const CARDINAL_DEFAULTS: [CardinalDefault; 1] = [("R003", "procurement_methods", || {
    toml::Value::Array(Vec::new())
})];

/// An indicator's code in Cardinal, a setting's key, and Cardinal's default value.
type CardinalDefault = (&'static str, &'static str, fn() -> toml::Value);

/// The settings that give an indicator Cardinal's defaults where they differ from ours (empty
/// for most).
pub fn cardinal_defaults(code: &str) -> toml::Table {
    CARDINAL_DEFAULTS
        .iter()
        .filter(|(cardinal, _, _)| cardinal.eq_ignore_ascii_case(code))
        .map(|(_, key, default)| ((*key).to_owned(), default()))
        .collect()
}

/// Whether an indicator declares a setting.
fn declares(indicator: &dyn indicators::Indicator, key: &str) -> bool {
    indicator
        .metadata()
        .settings
        .iter()
        .any(|(name, _)| *name == key)
}

/// Cardinal's `[output]` section.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Output {
    /// Bids in another currency than the main one are reported at the info level, not as a
    /// warning.
    pub info_currency_mismatches: bool,
}

/// A Cardinal settings file, read.
#[derive(Debug, Clone)]
pub struct CardinalSettings {
    /// Our settings: the indicators with a section enabled (others disabled), `[scope]` from
    /// the global settings and `[exclusions]`, `[prepare]` from the `prepare` sections.
    pub config: Config,
    /// The main currency of bid-price comparisons, if set.
    pub currency: Option<String>,
    /// The `[output]` options.
    pub output: Output,
    /// The `prepare` settings that are set (`[defaults] currency`, ...), which Cardinal's
    /// `indicators` command does not apply.
    pub prepare_settings: Vec<String>,
    /// Those of them that `[prepare]` has no equivalent for.
    pub not_converted: Vec<String>,
}

impl CardinalSettings {
    /// The settings for `redflags cardinal`: like Cardinal's `indicators` command, the data
    /// are read as they are (no `[prepare]` correction), and each indicator that declares
    /// [`COMPATIBILITY`] follows Cardinal's code; `currency` (this file's, else the one the
    /// command observed first) is the one currency whose bid prices are compared.
    pub fn for_command(&self, currency: Option<&str>) -> Config {
        let mut config = self.config.clone();
        config.prepare = Prepare {
            buddhist_era: BuddhistEra::Never,
            ..Prepare::none()
        };
        for indicator in REGISTRY {
            let Some(table) = config.indicators.get_mut(indicator.metadata().slug) else {
                continue;
            };
            if table.get("enabled").and_then(toml::Value::as_bool) != Some(true) {
                continue;
            }
            if declares(*indicator, COMPATIBILITY) {
                table.insert(COMPATIBILITY.to_owned(), toml::Value::Boolean(true));
            }
            if let Some(currency) = currency
                && declares(*indicator, CURRENCY)
            {
                table.insert(
                    CURRENCY.to_owned(),
                    toml::Value::String(currency.to_owned()),
                );
            }
        }
        config
    }
}

/// Converts Cardinal's INI settings into ours: the indicators with a section are enabled (with
/// their settings), every other indicator is disabled, and the global settings become
/// `[scope]`. The error names what cannot be converted.
pub fn config_from_ini(text: &str) -> Result<Config, String> {
    read(text).map(|settings| settings.config)
}

/// Reads Cardinal's INI settings: every section and key Cardinal 0.0.8 accepts; the error
/// names an unknown section or key, or a value of the wrong kind.
pub fn read(text: &str) -> Result<CardinalSettings, String> {
    let ini = ini::Ini::load_from_str(text).map_err(|error| error.to_string())?;
    let mut indicators: BTreeMap<String, toml::Table> = REGISTRY
        .iter()
        .map(|indicator| {
            let mut table = toml::Table::new();
            table.insert("enabled".to_owned(), toml::Value::Boolean(false));
            (indicator.metadata().slug.to_owned(), table)
        })
        .collect();
    let mut scope = toml::Table::new();
    let mut currency = None;
    let mut output = Output::default();
    let mut sections = PrepareSections::default();
    for (section, properties) in &ini {
        match section {
            None => {
                for (key, text) in properties.iter() {
                    match key {
                        "no_price_comparison_procurement_methods"
                        | "price_comparison_procurement_methods" => {
                            scope.insert(key.to_owned(), value(key, text));
                        }
                        "currency" => currency = Some(text.trim().to_owned()),
                        other => return Err(format!("unknown global setting `{other}`")),
                    }
                }
            }
            Some("output") => {
                for (key, text) in properties.iter() {
                    if key != "info_currency_mismatches" {
                        return Err(format!("unknown setting `{key}` in [output]"));
                    }
                    output.info_currency_mismatches = super::prepare::boolean("output", key, text)?;
                }
            }
            Some("exclusions") => {
                for (key, text) in properties.iter() {
                    if key != "procurement_method_details" {
                        return Err(format!("unknown setting `{key}` in [exclusions]"));
                    }
                    scope.insert(
                        "excluded_procurement_method_details".to_owned(),
                        value(key, text),
                    );
                }
            }
            Some(name) if sections.read(name, properties)? => {}
            Some(name) => {
                // `[R003]`, or a nested table such as `[R003.procurement_method_details]`.
                let (code, nested) = match name.split_once('.') {
                    Some((code, nested)) => (code, Some(nested)),
                    None => (name, None),
                };
                let Some(indicator) = indicators::find(code) else {
                    return Err(format!("unknown section [{name}]"));
                };
                let table = indicators
                    .entry(indicator.metadata().slug.to_owned())
                    .or_default();
                table.insert("enabled".to_owned(), toml::Value::Boolean(true));
                for (key, default) in cardinal_defaults(code) {
                    table.entry(key).or_insert(default);
                }
                let mut settings = toml::Table::new();
                for (key, text) in properties.iter() {
                    let converted = match nested {
                        // Nested tables hold numbers (thresholds per procedure).
                        Some(_) => text
                            .trim()
                            .parse::<i64>()
                            .map(toml::Value::Integer)
                            .unwrap_or_else(|_| value("", text)),
                        None => value(key, text),
                    };
                    settings.insert(key.to_owned(), converted);
                }
                match nested {
                    Some(nested) => {
                        table.insert(nested.to_owned(), toml::Value::Table(settings));
                    }
                    None => table.extend(settings),
                }
            }
        }
    }
    // Cardinal ignores the deny list when an allow list is set (and warns).
    if scope.contains_key("price_comparison_procurement_methods")
        && scope
            .remove("no_price_comparison_procurement_methods")
            .is_some()
    {
        tracing::warn!(
            "no_price_comparison_procurement_methods has no effect if \
             price_comparison_procurement_methods is set"
        );
    }
    let mut config = Config {
        indicators,
        prepare: sections.prepare,
        ..Config::default()
    };
    config.scope = toml::Value::Table(scope)
        .try_into()
        .map_err(|error: toml::de::Error| error.to_string())?;
    config.check()?;
    Ok(CardinalSettings {
        config,
        currency,
        output,
        prepare_settings: sections.set,
        not_converted: sections.not_converted,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cardinal_settings_become_ours() {
        let config = config_from_ini(
            "currency = USD\n\
             no_price_comparison_procurement_methods = NPC|Sorteo de Obras\n\
             [exclusions]\n\
             procurement_method_details = EXC\n\
             [R003]\n\
             threshold = 10\n\
             procurement_methods = open|selective\n\
             [R003.procurement_method_details]\n\
             x = 5\n\
             [R024]\n\
             threshold = 0.05\n",
        )
        .unwrap();
        assert_eq!(
            config.scope.no_price_comparison_procurement_methods,
            ["NPC", "Sorteo de Obras"]
        );
        assert_eq!(config.scope.excluded_procurement_method_details, ["EXC"]);
        let active: Vec<&str> = config
            .active()
            .iter()
            .map(|active| active.indicator.metadata().slug)
            .collect();
        assert_eq!(
            active,
            ["short_tender_period", "price_close_to_winning_bid"]
        );
        let r003 = &config.active()[0].settings;
        assert_eq!(r003["threshold"].as_integer(), Some(10));
        assert_eq!(
            r003["procurement_method_details"]["x"].as_integer(),
            Some(5)
        );
        let error = config_from_ini("[R999]\n").unwrap_err();
        assert!(error.contains("R999"), "{error}");
        let error = config_from_ini("[R003]\nthresold = 3\n").unwrap_err();
        assert!(error.contains("thresold"), "{error}");
    }

    #[test]
    fn prepare_sections_become_prepare_settings() {
        let settings = read(
            "[output]\ninfo_currency_mismatches = true\n\
             [defaults]\ncurrency = USD\nbid_status = valid\nparty_roles = true\n\
             [redactions]\namount = 0|999|x\norganization_id = placeholder\n\
             [corrections]\naward_status_by_contract_status = true\n\
             [modifications]\nmove_auctions = false\n\
             [codelists.bid_status]\nqualified = valid\n\
             [codelists.award_status]\nActive = active\n",
        )
        .unwrap();
        assert!(settings.output.info_currency_mismatches);
        let prepare = &settings.config.prepare;
        assert_eq!(prepare.defaults.currency.as_deref(), Some("USD"));
        assert_eq!(prepare.defaults.bid_status.as_deref(), Some("valid"));
        assert!(prepare.party_roles);
        assert_eq!(prepare.placeholder_amounts, [0.0, 999.0]);
        assert_eq!(prepare.map.bid_status["qualified"], "valid");
        assert_eq!(prepare.map.award_status["Active"], "active");
        assert_eq!(
            settings.not_converted,
            [
                "[redactions] organization_id",
                "[corrections] award_status_by_contract_status",
                "[modifications] move_auctions",
            ]
        );
        assert_eq!(settings.prepare_settings.len(), 9);
        // Nothing is enabled: no indicator section.
        assert!(settings.config.active().is_empty());
        // The command reads the data as they are.
        let command = settings.for_command(None);
        assert_eq!(command.prepare.placeholder_amounts, Vec::<f64>::new());
        assert_eq!(command.prepare.buddhist_era, BuddhistEra::Never);
        for (text, wanted) in [
            ("[output]\nverbose = true\n", "verbose"),
            ("[defaults]\nstatus = x\n", "status"),
            ("[codelists.tender_status]\n", "tender_status"),
            (
                "[corrections]\naward_status_by_contract_status = maybe\n",
                "maybe",
            ),
        ] {
            let error = read(text).unwrap_err();
            assert!(error.contains(wanted), "{text}: {error}");
        }
    }

    #[test]
    fn the_command_sets_compatibility_and_currency() {
        let settings = read("currency = USD\n[R024]\n[R018]\n").unwrap();
        assert_eq!(settings.currency.as_deref(), Some("USD"));
        let config = settings.for_command(settings.currency.as_deref());
        let r024 = &config.indicators["price_close_to_winning_bid"];
        assert_eq!(r024[COMPATIBILITY].as_bool(), Some(true));
        assert_eq!(r024[CURRENCY].as_str(), Some("USD"));
        let r018 = &config.indicators["single_bid"];
        assert_eq!(r018[COMPATIBILITY].as_bool(), Some(true));
        assert!(r018.get(CURRENCY).is_none());
        // Disabled indicators are left alone.
        assert!(
            config.indicators["heavily_discounted_bid"]
                .get(COMPATIBILITY)
                .is_none()
        );
        config.check().unwrap();
    }
}
