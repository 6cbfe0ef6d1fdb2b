//! Cardinal's formats: its INI settings in, its JSON results out.
//!
//! Cardinal (the Open Contracting Partnership's red-flags tool) reads an INI file in which a
//! section per indicator code (`[R024]`) enables it, with the indicator's settings inside, and
//! global settings at the top and in `[exclusions]`. It writes one JSON object with the groups
//! `OCID`, `Buyer`, `ProcuringEntity` and `Tenderer` (identifier → code → value), and `Meta`
//! (code → the quartiles and fences, rounded to four decimals).

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use polars::prelude::*;

use crate::config::Config;
use crate::frames::Frames;
use crate::indicators::{
    self, FLAGGED, OCID, ORGANIZATION_ID, PROCESSES, REGISTRY, ROLE, VALUE, code_is, submitted,
};
use crate::run::Run;
use crate::stats::round4;

/// Settings that Cardinal writes as pipe-separated lists.
const LISTS: [&str; 4] = [
    "procurement_methods",
    "procurement_method_details",
    "no_price_comparison_procurement_methods",
    "price_comparison_procurement_methods",
];

/// Codes whose Cardinal value is always 1.0 (ours measures something: days, tenderers).
const VALUE_IS_ONE: [&str; 5] = ["R003", "R018", "R028", "R030", "R036"];

/// Codes whose flagged tenderers Cardinal marks with 0.0 (ours counts their processes).
const TENDERER_VALUE_IS_ZERO: [&str; 1] = ["R035"];

/// A value from the INI file as TOML: a pipe-separated list where Cardinal uses one, else an
/// integer, a decimal or text.
fn value(key: &str, text: &str) -> toml::Value {
    let text = text.trim();
    if LISTS.contains(&key) {
        return toml::Value::Array(
            text.split('|')
                .map(str::trim)
                .filter(|item| !item.is_empty())
                .map(|item| toml::Value::String(item.to_owned()))
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

/// Converts Cardinal's INI settings into ours: the indicators with a section are enabled (with
/// their settings), every other indicator is disabled, and the global settings become
/// `[scope]`. The error names what cannot be converted.
pub fn config_from_ini(text: &str) -> Result<Config, String> {
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
    for (section, properties) in &ini {
        match section {
            None => {
                for (key, text) in properties.iter() {
                    match key {
                        "no_price_comparison_procurement_methods"
                        | "price_comparison_procurement_methods" => {
                            scope.insert(key.to_owned(), value(key, text));
                        }
                        // Prices are compared within each currency: a main currency is not
                        // needed.
                        "currency" => {}
                        other => return Err(format!("unknown global setting `{other}`")),
                    }
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
    let mut config = Config {
        indicators,
        ..Config::default()
    };
    config.scope = toml::Value::Table(scope)
        .try_into()
        .map_err(|error: toml::de::Error| error.to_string())?;
    config.check()?;
    Ok(config)
}

/// The name of an organization role as Cardinal's group.
fn group(role: &str) -> Option<&'static str> {
    match role {
        "buyer" => Some("Buyer"),
        "procuring_entity" => Some("ProcuringEntity"),
        "tenderer" => Some("Tenderer"),
        _ => None,
    }
}

/// A number as Cardinal writes it: always a decimal.
fn decimal(value: f64) -> Value {
    json!(value)
}

/// Cardinal's `Maps`: from processes to organizations. `ocid_tenderer` (the tenderers with
/// submitted bids), `ocid_buyer_r038` and `ocid_procuringentity_r038` (for processes with a
/// disqualified bid), and `ocid_tenderer_rNNN` (the flagged tenderers of each flagged
/// process) for the tenderer-level indicators that ran. `frames` are the frames the
/// indicators saw (after the scope).
pub fn maps(run: &Run, frames: &Frames) -> anyhow::Result<Value> {
    let mut maps = Map::new();
    let bids = frames
        .bids
        .clone()
        .lazy()
        .filter(submitted().and(col("tenderer_id").is_not_null()))
        .cache();
    let tenderers = bids
        .clone()
        .select([col(OCID), col("tenderer_id")])
        .unique(None, UniqueKeepStrategy::First)
        .sort([OCID, "tenderer_id"], SortMultipleOptions::default())
        .collect()?;
    let mut ocid_tenderer: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let ocids = tenderers.column(OCID)?.str()?;
    let ids = tenderers.column("tenderer_id")?.str()?;
    for (ocid, id) in ocids.iter().zip(ids.iter()) {
        if let (Some(ocid), Some(id)) = (ocid, id) {
            ocid_tenderer
                .entry(ocid.to_owned())
                .or_default()
                .push(id.to_owned());
        }
    }
    maps.insert(
        "ocid_tenderer".to_owned(),
        serde_json::to_value(ocid_tenderer)?,
    );
    if run.indicators.iter().any(|i| i.code == Some("R038")) {
        let disqualified = frames
            .processes
            .clone()
            .lazy()
            .join(
                bids.filter(code_is("status", "disqualified"))
                    .select([col(OCID)]),
                [col(OCID)],
                [col(OCID)],
                JoinArgs::new(JoinType::Semi),
            )
            .select([col(OCID), col("buyer_id"), col("procuring_entity_id")])
            .collect()?;
        for (key, column) in [
            ("ocid_buyer_r038", "buyer_id"),
            ("ocid_procuringentity_r038", "procuring_entity_id"),
        ] {
            let ocids = disqualified.column(OCID)?.str()?;
            let ids = disqualified.column(column)?.str()?;
            let map: BTreeMap<&str, &str> = ocids
                .iter()
                .zip(ids.iter())
                .filter_map(|(ocid, id)| Some((ocid?, id?)))
                .collect();
            maps.insert(key.to_owned(), serde_json::to_value(map)?);
        }
    }
    for indicator in &run.indicators {
        let (Some(code), organizations) = (indicator.code, &indicator.outcome.organizations) else {
            continue;
        };
        if !organizations
            .get_column_names()
            .iter()
            .any(|name| name.as_str() == PROCESSES)
        {
            continue;
        }
        let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let roles = organizations.column(ROLE)?.str()?;
        let ids = organizations.column(ORGANIZATION_ID)?.str()?;
        let processes = organizations.column(PROCESSES)?.str()?;
        for ((role, id), processes) in roles.iter().zip(ids.iter()).zip(processes.iter()) {
            if let (Some("tenderer"), Some(id), Some(processes)) = (role, id, processes) {
                for ocid in processes.split('|') {
                    map.entry(ocid.to_owned()).or_default().push(id.to_owned());
                }
            }
        }
        for tenderers in map.values_mut() {
            tenderers.sort();
        }
        maps.insert(
            format!("ocid_tenderer_{}", code.to_lowercase()),
            serde_json::to_value(map)?,
        );
    }
    Ok(Value::Object(maps))
}

/// The run's results in Cardinal's JSON: only the indicators Cardinal has, each result under
/// its group and identifier; `Meta` unless `no_meta`.
pub fn results(run: &Run, no_meta: bool) -> anyhow::Result<Value> {
    let mut groups: BTreeMap<&str, BTreeMap<String, BTreeMap<String, Value>>> = BTreeMap::new();
    let mut meta: BTreeMap<String, Map<String, Value>> = BTreeMap::new();
    for indicator in &run.indicators {
        let Some(code) = indicator.code else {
            continue;
        };
        let processes = &indicator.outcome.processes;
        let ocids = processes.column(OCID)?.str()?;
        let flagged = processes.column(FLAGGED)?.bool()?;
        let values = processes.column(VALUE)?.f64()?;
        for ((ocid, flag), value) in ocids.iter().zip(flagged.iter()).zip(values.iter()) {
            if let (Some(ocid), Some(true)) = (ocid, flag) {
                let value = if VALUE_IS_ONE.contains(&code) {
                    1.0
                } else {
                    value.unwrap_or(1.0)
                };
                groups
                    .entry("OCID")
                    .or_default()
                    .entry(ocid.to_owned())
                    .or_default()
                    .insert(code.to_owned(), decimal(value));
            }
        }
        let organizations = &indicator.outcome.organizations;
        let roles = organizations.column(ROLE)?.str()?;
        let ids = organizations.column(ORGANIZATION_ID)?.str()?;
        let values = organizations.column(VALUE)?.f64()?;
        for ((role, id), value) in roles.iter().zip(ids.iter()).zip(values.iter()) {
            if let (Some(group), Some(id)) = (role.and_then(group), id) {
                // Cardinal reports the flag itself for R028 and R030 tenderers, and marks R035's
                // winners with zero.
                let value = if VALUE_IS_ONE.contains(&code) {
                    1.0
                } else if TENDERER_VALUE_IS_ZERO.contains(&code) && group == "Tenderer" {
                    0.0
                } else {
                    value.unwrap_or(1.0)
                };
                groups
                    .entry(group)
                    .or_default()
                    .entry(id.to_owned())
                    .or_default()
                    .insert(code.to_owned(), decimal(value));
            }
        }
        if !indicator.outcome.meta.is_empty() {
            let entry = meta.entry(code.to_owned()).or_default();
            for (name, value) in &indicator.outcome.meta {
                entry.insert(name.clone(), decimal(round4(*value)));
            }
        }
    }
    let mut out = Map::new();
    for (name, results) in groups {
        out.insert(name.to_owned(), serde_json::to_value(results)?);
    }
    if !no_meta {
        out.insert("Meta".to_owned(), serde_json::to_value(meta)?);
    }
    Ok(Value::Object(out))
}

/// The number of results per group, as Cardinal's `--count` prints them.
pub fn counts(results: &Value) -> Vec<(String, usize)> {
    results
        .as_object()
        .map(|groups| {
            groups
                .iter()
                .filter(|(name, _)| name.as_str() != "Meta")
                .map(|(name, ids)| (name.clone(), ids.as_object().map_or(0, Map::len)))
                .collect()
        })
        .unwrap_or_default()
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
}
