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

use crate::frames::as_text;

use crate::config::Config;
use crate::domain::{code_is, submitted, submitted_as};
use crate::frames::Frames;
use crate::indicators::{self, FLAGGED, OCID, ORGANIZATION_ID, PROCESS, PROCESSES, ROLE, VALUE};
use crate::run::Run;
use crate::stats::round4;

pub mod currency;
pub mod prepare;
pub mod settings;

pub use settings::{CardinalSettings, cardinal_defaults, config_from_ini};

/// Codes whose Cardinal value is always 1.0 (ours measures something: days, tenderers).
const VALUE_IS_ONE: [&str; 5] = ["R003", "R018", "R028", "R030", "R036"];

/// Codes whose flagged tenderers Cardinal marks with 0.0 (ours counts their processes).
const TENDERER_VALUE_IS_ZERO: [&str; 3] = ["R024", "R035", "R058"];

/// Cardinal's result groups.
const GROUPS: [&str; 4] = ["OCID", "Tenderer", "Buyer", "ProcuringEntity"];

/// The groups with results (`present`), in the order Cardinal writes them: `OCID` and
/// `Tenderer` are created first, `Buyer` and `ProcuringEntity` after them; an empty `OCID`,
/// then an empty `Tenderer`, is removed by moving the last group into its place.
fn order(present: impl Fn(&str) -> bool) -> Vec<&'static str> {
    let mut order: Vec<&'static str> = GROUPS
        .iter()
        .copied()
        .filter(|name| name.starts_with('O') || name.starts_with('T') || present(name))
        .collect();
    for name in ["OCID", "Tenderer"] {
        if !present(name)
            && let Some(index) = order.iter().position(|group| *group == name)
        {
            order.swap_remove(index);
        }
    }
    order
}

/// Codes for which Cardinal maps processes to their tenderers (`ocid_tenderer`).
const TENDERER_COUNTS: [&str; 3] = ["R025", "R038", "R048"];

/// Codes for which Cardinal maps flagged processes to their flagged tenderers.
const FLAGGED_TENDERER_MAPS: [&str; 5] = ["R024", "R028", "R030", "R035", "R058"];

/// Whether the indicator with Cardinal code `code` ran.
fn ran(run: &Run, code: &str) -> bool {
    run.indicators
        .iter()
        .any(|indicator| indicator.code == Some(code))
}

/// Whether the indicator with Cardinal code `code` is enabled in `config`.
fn enabled(config: &Config, code: &str) -> bool {
    indicators::find(code).is_some_and(|indicator| {
        config
            .indicators
            .get(indicator.metadata().slug)
            .and_then(|table| table.get("enabled"))
            .and_then(toml::Value::as_bool)
            .unwrap_or(true)
    })
}

/// The bid-price comparisons that Cardinal's settings run.
pub fn comparisons(config: &Config) -> currency::Comparisons {
    currency::Comparisons {
        second_bid: enabled(config, "R024") || enabled(config, "R058"),
        lowest_bid: enabled(config, "R036"),
    }
}

/// The main currency of the bid-price comparisons: the settings' `currency`, else the first
/// one Cardinal would observe in the inputs.
pub fn main_currency(settings: &CardinalSettings, inputs: &[String]) -> Option<String> {
    settings.currency.clone().or_else(|| {
        currency::first_observed(
            inputs,
            &settings.config.scope,
            &settings.config.limits,
            comparisons(&settings.config),
        )
    })
}

/// Says, as Cardinal does (a warning, or an information with `[output]
/// info_currency_mismatches`), how many submitted bids with a price in `frames` (the
/// assessed frames) are in another currency than `main` and so not compared.
pub fn report_currency_mismatches(
    frames: &Frames,
    main: Option<&str>,
    output: settings::Output,
    compared: currency::Comparisons,
) -> anyhow::Result<()> {
    let Some(main) = main else {
        return Ok(());
    };
    if !compared.second_bid && !compared.lowest_bid {
        return Ok(());
    }
    let others = frames
        .bids
        .clone()
        .lazy()
        .filter(
            submitted()
                .and(col("amount").is_not_null())
                .and(col("currency").is_not_null())
                .and(col("currency").neq(lit(main))),
        )
        .select([col("currency")
            .cast(DataType::String)
            .unique()
            .sort(SortOptions::default())
            .implode(false)
            .alias("others")])
        .collect()?;
    let list = others.column("others")?.list()?.get_as_series(0);
    let Some(list) = list.filter(|list| !list.is_empty()) else {
        return Ok(());
    };
    let names: Vec<&str> = list.str()?.iter().flatten().collect();
    let message = format!(
        "bids in {} are not {main}: skipped by the bid-price comparisons (R024, R036, R058), \
         which compare one currency as Cardinal does",
        names.join(", ")
    );
    if output.info_currency_mismatches {
        tracing::info!("{message}");
    } else {
        tracing::warn!("{message}");
    }
    Ok(())
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

/// The `ocid` of the process of key `key`, from the `ocid` column of every process (the key
/// is the process's row).
fn ocid_of(ocids: &StringChunked, key: Option<u32>) -> Option<&str> {
    let row = key? as usize;
    if row < ocids.len() {
        ocids.get(row)
    } else {
        None
    }
}

/// Cardinal's `Maps`: from processes to organizations, every key present (empty where its
/// indicator did not run). `ocid_tenderer` (the tenderers with submitted bids, when R025,
/// R038 or R048 ran), `ocid_buyer_r038` and `ocid_procuringentity_r038` (for processes with a
/// disqualified bid), and `ocid_tenderer_rNNN` (the flagged tenderers of each flagged
/// process). `frames` are the frames the
/// indicators saw (after the scope).
pub fn maps(run: &Run, frames: &Frames) -> anyhow::Result<Value> {
    // Every key, empty, in Cardinal's order; a filled map keeps its key's place.
    let mut maps = Map::new();
    let tenderer_maps = FLAGGED_TENDERER_MAPS
        .iter()
        .map(|code| format!("ocid_tenderer_{}", code.to_lowercase()));
    let keys = [
        "ocid_buyer_r038",
        "ocid_procuringentity_r038",
        "ocid_tenderer",
    ]
    .map(str::to_owned)
    .into_iter()
    .chain(tenderer_maps);
    for key in keys {
        maps.insert(key, Value::Object(Map::new()));
    }
    let submitted = frames
        .bids
        .clone()
        .lazy()
        .filter(submitted_as(true))
        .cache();
    let tenderers = submitted
        .clone()
        .filter(col("tenderer_id").is_not_null())
        .select([col(PROCESS), col("tenderer_id")])
        .unique(None, UniqueKeepStrategy::First)
        .sort([PROCESS, "tenderer_id"], SortMultipleOptions::default())
        .collect()?;
    let ocids = run.frames.processes.column(OCID)?.str()?;
    let mut ocid_tenderer: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let keys = tenderers.column(PROCESS)?.u32()?;
    let ids = as_text(tenderers.column("tenderer_id")?)?;
    for (key, id) in keys.iter().zip(ids.iter()) {
        if let (Some(ocid), Some(id)) = (ocid_of(ocids, key), id) {
            ocid_tenderer.entry(ocid).or_default().push(id);
        }
    }
    // Cardinal lists the tenderers only for the indicators that count them.
    if !TENDERER_COUNTS.iter().any(|code| ran(run, code)) {
        ocid_tenderer.clear();
    }
    maps.insert(
        "ocid_tenderer".to_owned(),
        serde_json::to_value(ocid_tenderer)?,
    );
    if ran(run, "R038") {
        let disqualified = frames
            .processes
            .clone()
            .lazy()
            .join(
                submitted
                    .filter(code_is("status", "disqualified"))
                    .select([col(PROCESS)]),
                [col(PROCESS)],
                [col(PROCESS)],
                JoinArgs::new(JoinType::Semi),
            )
            .select([col(OCID), col("buyer_id"), col("procuring_entity_id")])
            .collect()?;
        for (key, column) in [
            ("ocid_buyer_r038", "buyer_id"),
            ("ocid_procuringentity_r038", "procuring_entity_id"),
        ] {
            let ocids = disqualified.column(OCID)?.str()?;
            let ids = as_text(disqualified.column(column)?)?;
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
        if !FLAGGED_TENDERER_MAPS.contains(&code) {
            continue;
        }
        if !organizations
            .get_column_names()
            .iter()
            .any(|name| name.as_str() == PROCESSES)
        {
            continue;
        }
        let mut map: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        let roles = organizations.column(ROLE)?.str()?;
        let ids = organizations.column(ORGANIZATION_ID)?.str()?;
        let processes = organizations.column(PROCESSES)?.list()?;
        for ((role, id), processes) in roles.iter().zip(ids.iter()).zip(processes.amortized_iter())
        {
            if let (Some("tenderer"), Some(id), Some(processes)) = (role, id, processes) {
                for key in processes.as_ref().u32()?.iter() {
                    if let Some(ocid) = ocid_of(ocids, key) {
                        map.entry(ocid).or_default().push(id);
                    }
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
    let ocids = run.frames.processes.column(OCID)?.str()?;
    for indicator in &run.indicators {
        let Some(code) = indicator.code else {
            continue;
        };
        let processes = &indicator.outcome.processes;
        let keys = processes.column(PROCESS)?.u32()?;
        let flagged = processes.column(FLAGGED)?.bool()?;
        let values = processes.column(VALUE)?.f64()?;
        for ((key, flag), value) in keys.iter().zip(flagged.iter()).zip(values.iter()) {
            if let (Some(ocid), Some(true)) = (ocid_of(ocids, key), flag) {
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
                // Cardinal reports the flag itself for R028 and R030 tenderers, and marks the
                // tenderers of R024, R035 and R058 with zero.
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
    for name in order(|name| groups.contains_key(name)) {
        if let Some(results) = groups.remove(name) {
            out.insert(name.to_owned(), serde_json::to_value(results)?);
        }
    }
    if !no_meta {
        out.insert("Meta".to_owned(), serde_json::to_value(meta)?);
    }
    Ok(Value::Object(out))
}

/// The number of results per group, as Cardinal's `--count` prints them (in its order).
pub fn counts(results: &Value) -> Vec<(String, usize)> {
    results
        .as_object()
        .map(|groups| {
            groups
                .iter()
                .filter(|(name, _)| GROUPS.contains(&name.as_str()))
                .map(|(name, ids)| (name.clone(), ids.as_object().map_or(0, Map::len)))
                .collect()
        })
        .unwrap_or_default()
}
