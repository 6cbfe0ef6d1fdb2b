//! Cardinal's own test fixtures give the same flagged processes.
//!
//! Each fixture `CODE[-setting-value...].jsonl` has `CODE[...].expected`, Cardinal's JSON
//! output `{"OCID": {ocid: {CODE: value}}}`. The file name encodes the settings:
//! `threshold-10`, `procurement_methods-open+selective`, `procurement_method_details-x-5-y-10`.

use std::collections::BTreeSet;
use std::path::Path;

use redflags::config::Config;
use redflags::indicators::find;
use redflags::run::run;

mod common;

/// The settings a fixture's name encodes, as our TOML settings.
fn settings(name: &str) -> toml::Table {
    let mut parts = name.split('-').skip(1);
    let mut table = toml::Table::new();
    if let Some(key) = parts.next() {
        let rest: Vec<&str> = parts.collect();
        let value = match key {
            "threshold" => toml::Value::Integer(rest[0].parse().unwrap()),
            "procurement_methods" => toml::Value::Array(
                rest[0]
                    .split('+')
                    .map(|m| toml::Value::String(m.to_owned()))
                    .collect(),
            ),
            "procurement_method_details" => toml::Value::Table(
                rest.chunks(2)
                    .map(|pair| {
                        (
                            pair[0].to_owned(),
                            toml::Value::Integer(pair[1].parse().unwrap()),
                        )
                    })
                    .collect(),
            ),
            other => panic!("a fixture setting this test does not know: {other}"),
        };
        table.insert(key.to_owned(), value);
    }
    table
}

/// Cardinal's results for one group (`OCID`, `Tenderer`, ...) of an expected file: the keys.
fn group(expected: &serde_json::Value, name: &str) -> BTreeSet<String> {
    expected[name]
        .as_object()
        .map(|keys| keys.keys().cloned().collect())
        .unwrap_or_default()
}

fn check(fixture: &Path) {
    let name = fixture.file_stem().unwrap().to_str().unwrap();
    let code = name.split('-').next().unwrap();
    let indicator = find(code).unwrap_or_else(|| panic!("no indicator for {code}"));
    let slug = indicator.metadata().slug;
    let expected: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixture.with_extension("expected")).unwrap())
            .unwrap();

    // The fixtures' two global settings, and the indicator's own from the file name.
    let mut config = Config::parse(
        "[scope]\nno_price_comparison_procurement_methods = [\"NPC\"]\n\
         excluded_procurement_method_details = [\"EXC\"]\n",
    )
    .unwrap();
    config.indicators.insert(slug.to_owned(), settings(name));
    let run = run(&[fixture.display().to_string()], &config).unwrap();
    let outcome = &run
        .indicators
        .iter()
        .find(|run| run.slug == slug)
        .unwrap()
        .outcome;
    let processes = &outcome.processes;
    let ocids = processes.column("ocid").unwrap().str().unwrap();
    let flags = processes.column("flagged").unwrap().bool().unwrap();
    let found: BTreeSet<String> = ocids
        .iter()
        .zip(flags.iter())
        .filter(|(_, flagged)| flagged.unwrap_or(false))
        .map(|(ocid, _)| ocid.unwrap().to_owned())
        .collect();
    assert_eq!(found, group(&expected, "OCID"), "{name}: processes");

    // Tenderer-level results, where our indicator reports them.
    if indicator.metadata().levels.contains(&"tenderer") {
        let organizations = &outcome.organizations;
        let roles = organizations.column("role").unwrap().str().unwrap();
        let ids = organizations
            .column("organization_id")
            .unwrap()
            .str()
            .unwrap();
        let tenderers: BTreeSet<String> = roles
            .iter()
            .zip(ids.iter())
            .filter(|(role, _)| *role == Some("tenderer"))
            .map(|(_, id)| id.unwrap().to_owned())
            .collect();
        assert_eq!(tenderers, group(&expected, "Tenderer"), "{name}: tenderers");
    }
}

#[test]
fn every_cardinal_fixture_gives_the_same_flags() {
    let folder = common::cardinal();
    let mut checked = Vec::new();
    for entry in std::fs::read_dir(&folder).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        if name.ends_with(".jsonl") {
            check(&path);
            checked.push(name);
        }
    }
    checked.sort();
    assert_eq!(
        checked,
        [
            "R003-procurement_method_details-x-5-y-10.jsonl",
            "R003-procurement_methods-open+selective.jsonl",
            "R003-threshold-10.jsonl",
            "R003.jsonl",
            "R018.jsonl",
            "R028.jsonl",
            "R030.jsonl",
            "R035.jsonl",
            "R036.jsonl",
        ]
    );
}
