//! Cardinal's own test fixtures give the same flagged processes.
//!
//! Each fixture `CODE[-setting-value...].jsonl` has `CODE[...].expected`, Cardinal's JSON
//! output `{"OCID": {ocid: {CODE: value}}}`. The file name encodes the settings:
//! `threshold-10`, `procurement_methods-open+selective`, `procurement_method_details-x-5-y-10`.

use std::collections::BTreeSet;
use std::path::Path;

use polars::prelude::IntoLazy;
use redflags::config::Config;
use redflags::domain::with_ocids;
use redflags::indicators::find;
use redflags::run::run;

mod common;

/// The settings a fixture's name encodes, as our TOML settings.
fn settings(name: &str) -> toml::Table {
    let mut parts = name.split('-');
    // Cardinal's defaults, where ours differ, then the file's own setting.
    let mut table = redflags::cardinal::cardinal_defaults(parts.next().unwrap());
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
    let processes = with_ocids(&run.frames.processes, outcome.processes.clone().lazy())
        .collect()
        .unwrap();
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
    let Some(folder) = common::shared_sample("data/cardinal") else {
        return;
    };
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

/// Cardinal's INI settings for a fixture: the two global settings and the indicator's section.
fn ini(name: &str) -> String {
    let mut parts = name.split('-');
    let code = parts.next().unwrap();
    let mut text = "no_price_comparison_procurement_methods = NPC\n\
                    [exclusions]\nprocurement_method_details = EXC\n"
        .to_owned();
    match parts.next() {
        None => text.push_str(&format!("[{code}]\n")),
        Some("procurement_method_details") => {
            text.push_str(&format!("[{code}]\n[{code}.procurement_method_details]\n"));
            let rest: Vec<&str> = parts.collect();
            for pair in rest.chunks(2) {
                text.push_str(&format!("{} = {}\n", pair[0], pair[1]));
            }
        }
        Some(key) => {
            let value = parts.collect::<Vec<_>>().join("-").replace('+', "|");
            text.push_str(&format!("[{code}]\n{key} = {value}\n"));
        }
    }
    text
}

#[test]
fn the_cardinal_command_reproduces_every_fixture() {
    let Some(folder) = common::shared_sample("data/cardinal") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mut checked = 0;
    for entry in std::fs::read_dir(&folder).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("jsonl") {
            continue;
        }
        let name = path.file_stem().unwrap().to_str().unwrap().to_owned();
        let settings = dir.path().join(format!("{name}.ini"));
        std::fs::write(&settings, ini(&name)).unwrap();
        let output = assert_cmd::Command::cargo_bin("redflags")
            .unwrap()
            .args(["cardinal", "--no-meta", "--settings"])
            .arg(&settings)
            .arg(&path)
            .output()
            .unwrap();
        assert!(output.status.success(), "{name}: {output:?}");
        let ours: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        let expected: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(path.with_extension("expected")).unwrap(),
        )
        .unwrap();
        assert_eq!(ours, expected, "{name}");
        checked += 1;
    }
    assert_eq!(checked, 9);
}

/// `redflags cardinal --map` on a fixture of `folder` with `extra` appended to its settings.
fn cardinal_maps(folder: &Path, name: &str, extra: &str) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    let settings = dir.path().join("settings.ini");
    std::fs::write(&settings, ini(name) + extra).unwrap();
    let output = assert_cmd::Command::cargo_bin("redflags")
        .unwrap()
        .args(["cardinal", "--no-meta", "--map", "--settings"])
        .arg(&settings)
        .arg(folder.join(format!("{name}.jsonl")))
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let results: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    results["Maps"].clone()
}

#[test]
fn maps_link_processes_to_their_flagged_tenderers() {
    // As Cardinal: every map is there, empty where its indicator did not run, and the
    // tenderers of each process only for the indicators that count them (R025, R038, R048).
    let Some(folder) = common::shared_sample("data/cardinal") else {
        return;
    };
    let maps = cardinal_maps(&folder, "R028", "");
    assert_eq!(
        maps,
        serde_json::json!({
            "ocid_buyer_r038": {},
            "ocid_procuringentity_r038": {},
            "ocid_tenderer": {},
            "ocid_tenderer_r024": {},
            "ocid_tenderer_r028": {"F": ["D", "V"]},
            "ocid_tenderer_r030": {},
            "ocid_tenderer_r035": {},
            "ocid_tenderer_r058": {},
        })
    );
    let maps = cardinal_maps(&folder, "R028", "[R038]\n");
    // Every process with identified tenderers of submitted bids, cancelled and excluded
    // processes aside.
    assert_eq!(maps["ocid_tenderer"]["F"], serde_json::json!(["D", "V"]));
    assert_eq!(
        maps["ocid_tenderer"]["shuffled tenderers"],
        serde_json::json!(["A", "Z"])
    );
    assert!(maps["ocid_tenderer"].get("cancelled tender").is_none());
}
