//! `redflags cardinal` prints what Cardinal prints: on hand-made cases at the edges of each
//! indicator's comparisons, and with settings files shaped like Cardinal's own `init` output.
//!
//! Each case in `tests/cardinal/` is `NAME.jsonl` (one compiled release a line, the ocid says
//! what the process tests), `NAME.ini` (Cardinal's settings) and `NAME.expected`: the JSON that
//! Cardinal 0.0.8 printed for `ocdscardinal indicators --map --settings NAME.ini NAME.jsonl`,
//! checked against its code (the `Maps` lists sorted, as Cardinal's sets have no order).

use std::path::{Path, PathBuf};

use serde_json::Value;

mod common;

/// The cases' folder.
fn cases() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cardinal")
}

/// Whether two of Cardinal's JSON values are the same: keys in any order, numbers to four
/// decimals, lists as sets.
fn same(ours: &Value, theirs: &Value) -> bool {
    match (ours, theirs) {
        (Value::Object(a), Value::Object(b)) => {
            a.len() == b.len()
                && a.iter()
                    .all(|(key, value)| b.get(key).is_some_and(|other| same(value, other)))
        }
        (Value::Array(a), Value::Array(b)) => {
            let sorted = |list: &Vec<Value>| {
                let mut texts: Vec<String> = list.iter().map(Value::to_string).collect();
                texts.sort();
                texts
            };
            sorted(a) == sorted(b)
        }
        (Value::Number(a), Value::Number(b)) => {
            let round = |n: &serde_json::Number| (n.as_f64().unwrap_or(f64::NAN) * 1e4).round();
            round(a) == round(b)
        }
        _ => ours == theirs,
    }
}

/// Runs redflags with these arguments, which must succeed: its standard output and error.
fn run<I, S>(args: I) -> (Vec<u8>, String)
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let output = common::redflags().args(args).output().unwrap();
    assert!(output.status.success(), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    (output.stdout, stderr)
}

/// `redflags cardinal --map` with these settings on this input, as JSON.
fn cardinal(settings: &Path, input: &Path) -> Value {
    let args = [Path::new("-q"), Path::new("cardinal"), Path::new("--map")];
    let (stdout, _) = run(args
        .into_iter()
        .chain([Path::new("--settings"), settings, input]));
    serde_json::from_slice(&stdout).unwrap()
}

#[test]
fn every_edge_case_gives_cardinals_output() {
    let mut names: Vec<String> = std::fs::read_dir(cases())
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "jsonl"))
        .map(|path| path.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut failures = Vec::new();
    for name in &names {
        let folder = cases();
        let ours = cardinal(
            &folder.join(format!("{name}.ini")),
            &folder.join(format!("{name}.jsonl")),
        );
        let expected: Value = serde_json::from_str(
            &std::fs::read_to_string(folder.join(format!("{name}.expected"))).unwrap(),
        )
        .unwrap();
        if !same(&ours, &expected) {
            failures.push(format!("{name}:\n  ours     {ours}\n  Cardinal {expected}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Every Cardinal indicator has its cases.
    for code in [
        "R003", "R018", "R024", "R025", "R028", "R030", "R035", "R036", "R038", "R048", "R058",
    ] {
        assert!(
            names.iter().any(|name| name.contains(code)),
            "no case for {code}"
        );
    }
}

/// A settings file with every section and key of Cardinal's `init` output, the keys commented
/// out (`;`) unless `set`, with the values given there.
fn init_like(set: bool) -> String {
    let sections: [(&str, &[(&str, &str)]); 21] = [
        (
            "",
            &[
                ("currency", "USD"),
                ("no_price_comparison_procurement_methods", "NPC"),
                (
                    "price_comparison_procurement_methods",
                    "Open Auction|Tender",
                ),
            ],
        ),
        ("output", &[("info_currency_mismatches", "true")]),
        (
            "defaults",
            &[
                ("currency", "USD"),
                ("item_classification_scheme", "UNSPSC"),
                ("bid_status", "valid"),
                ("award_status", "active"),
                ("party_roles", "true"),
            ],
        ),
        (
            "redactions",
            &[("amount", "0|999999"), ("organization_id", "unknown")],
        ),
        (
            "corrections",
            &[("award_status_by_contract_status", "true")],
        ),
        (
            "modifications",
            &[
                ("move_auctions", "true"),
                ("prefix_buyer_or_procuring_entity_id", "XX-B-"),
                ("prefix_tenderer_or_supplier_id", "XX-T-"),
                ("split_procurement_method_details", " / "),
            ],
        ),
        ("codelists.bid_status", &[("accepted", "valid")]),
        ("codelists.award_status", &[("Awarded", "active")]),
        ("exclusions", &[("procurement_method_details", "EXC")]),
        (
            "R003",
            &[
                ("threshold", "15"),
                ("procurement_methods", "open|selective"),
            ],
        ),
        ("R003.procurement_method_details", &[("Tender", "20")]),
        ("R018", &[("procurement_methods", "open|selective")]),
        ("R024", &[("threshold", "0.05")]),
        ("R025", &[("percentile", "75"), ("threshold", "0.05")]),
        ("R028", &[]),
        ("R030", &[]),
        ("R035", &[("threshold", "1")]),
        ("R036", &[]),
        (
            "R038",
            &[
                ("threshold", "0.5"),
                ("minimum_submitted_bids", "2"),
                ("minimum_contracting_processes", "2"),
            ],
        ),
        (
            "R048",
            &[
                ("digits", "2"),
                ("threshold", "10"),
                ("minimum_contracting_processes", "20"),
            ],
        ),
        ("R058", &[("threshold", "0.5")]),
    ];
    let mut text = String::new();
    for (section, keys) in sections {
        if !section.is_empty() {
            text.push_str(&format!("\n[{section}]\n"));
        }
        for (key, value) in keys {
            let comment = if set { "" } else { "; " };
            text.push_str(&format!("{comment}{key} = {value}\n"));
        }
    }
    text
}

#[test]
fn settings_files_like_cardinals_init_output_are_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let input = cases().join("R024-R058-spread.jsonl");
    for set in [false, true] {
        let settings = dir.path().join(format!("settings-{set}.ini"));
        std::fs::write(&settings, init_like(set)).unwrap();
        let (stdout, stderr) = run([
            Path::new("cardinal"),
            Path::new("--settings"),
            &settings,
            &input,
        ]);
        let results: Value = serde_json::from_slice(&stdout).unwrap();
        if set {
            // The prepare sections are reported as not applied, as Cardinal's `indicators`
            // leaves them to its `prepare`; the thresholds are the file's.
            assert!(stderr.contains("[defaults] currency"), "{stderr}");
            assert!(stderr.contains("not applied"), "{stderr}");
            assert_eq!(results["Meta"]["R058"]["upper_fence"], 0.5);
            // The allow list of prices compared names other procedures: no price is compared.
            assert_eq!(
                results["OCID"],
                serde_json::json!({"disqualified second": {"R035": 1.0}})
            );
        } else {
            assert!(!stderr.contains("not applied"), "{stderr}");
            // Every indicator ran with Cardinal's defaults: `currency` unset, the first
            // currency met (USD) is compared and the euro process is reported, as a warning.
            assert!(stderr.contains("EUR"), "{stderr}");
            assert!(stderr.contains("WARN"), "{stderr}");
            assert_eq!(results["OCID"]["gap 90 in process 7"]["R058"], 0.9);
        }

        // `init --from-cardinal` converts the same file.
        let converted = dir.path().join(format!("converted-{set}.toml"));
        run([
            Path::new("init"),
            Path::new("--from-cardinal"),
            &settings,
            &converted,
        ]);
        let text = std::fs::read_to_string(&converted).unwrap();
        let config = redflags::config::Config::parse(&text).unwrap();
        assert_eq!(config.active().len(), 11, "{text}");
        if set {
            assert_eq!(config.prepare.defaults.currency.as_deref(), Some("USD"));
            assert_eq!(config.prepare.placeholder_amounts, [0.0, 999_999.0]);
            assert_eq!(config.prepare.map.bid_status["accepted"], "valid");
            assert_eq!(config.prepare.map.award_status["Awarded"], "active");
            assert!(config.prepare.party_roles);
            for note in [
                "[redactions] organization_id",
                "[corrections] award_status_by_contract_status",
                "[modifications] move_auctions",
                "currency = USD",
            ] {
                assert!(text.contains(note), "{note}: {text}");
            }
        }
    }
}

#[test]
fn info_currency_mismatches_lowers_the_message() {
    let dir = tempfile::tempdir().unwrap();
    let settings = dir.path().join("settings.ini");
    std::fs::write(
        &settings,
        "currency = USD\n[output]\ninfo_currency_mismatches = true\n[R058]\n",
    )
    .unwrap();
    let input = cases().join("R024-R058-spread.jsonl");
    // Not a warning: hidden at the default level, shown with -v.
    for (verbosity, shown) in [(None, false), (Some("-v"), true)] {
        let mut args: Vec<&Path> = verbosity.map(Path::new).into_iter().collect();
        args.extend([
            Path::new("cardinal"),
            Path::new("--settings"),
            &settings,
            &input,
        ]);
        let (_, stderr) = run(args);
        assert_eq!(stderr.contains("EUR"), shown, "{stderr}");
        assert!(!stderr.contains("WARN"), "{stderr}");
    }
}

#[test]
fn count_lists_the_groups_as_cardinal_does() {
    let folder = cases();
    let (stdout, stderr) = run([
        Path::new("-q"),
        Path::new("cardinal"),
        Path::new("--count"),
        Path::new("--map"),
        Path::new("--settings"),
        &folder.join("R038-threshold.ini"),
        &folder.join("R038-threshold.jsonl"),
    ]);
    // Cardinal's order (no `OCID`: the last group took its place), without `Meta` and `Maps`.
    assert_eq!(stderr, "ProcuringEntity: 1\nTenderer: 1\nBuyer: 1\n");
    let results: Value = serde_json::from_slice(&stdout).unwrap();
    let keys: Vec<&String> = results.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        ["ProcuringEntity", "Tenderer", "Buyer", "Meta", "Maps"]
    );
}
