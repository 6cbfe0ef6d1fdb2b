//! The law's thresholds (`[thresholds]`), and the indicators that read them, through the real
//! binary: `direct_award_near_threshold` (OCP R055) and `direct_award_grown` (OCP R054).

mod common;

use std::path::Path;

use serde_json::json;

use common::{flags_of, redflags};

/// A process of buyer `buyer` by `method`, awarded `award` THB on `date`, with a contract worth
/// `contract` THB after `amendments` amendments.
fn process(ocid: &str, buyer: &str, method: &str, date: &str, award: f64, contract: f64) -> String {
    json!({
        "ocid": ocid,
        "id": format!("{ocid}-1"),
        "date": format!("{date}T12:00:00Z"),
        "tag": ["compiled"],
        "buyer": {"id": buyer, "name": format!("Buyer {buyer}")},
        "tender": {"id": "t", "procurementMethod": method},
        "awards": [{"id": "a", "status": "active", "date": format!("{date}T10:00:00Z"),
                    "value": {"amount": award, "currency": "THB"}, "suppliers": [{"id": "S", "name": "S"}]}],
        "contracts": [{"id": format!("C-{ocid}"), "awardID": "a", "status": "active",
                       "value": {"amount": contract, "currency": "THB"},
                       "amendments": [{"id": "1", "date": format!("{date}T11:00:00Z")}]}],
    })
    .to_string()
}

const RULES: &str = r#"
[[thresholds.rules]]
method = "direct"
amount = 500000
currency = "THB"
from = "2017-08-23"
source = "Ministerial Regulation B.E. 2560"
"#;

fn run(dir: &Path, settings: &str) -> std::path::PathBuf {
    let lines = [
        // Above the line: a breach.
        process(
            "ocds-t-above",
            "B1",
            "direct",
            "2024-03-01",
            620_000.0,
            620_000.0,
        ),
        // Just below, four times by one buyer: a pattern.
        process(
            "ocds-t-below-1",
            "B2",
            "direct",
            "2024-03-01",
            495_000.0,
            495_000.0,
        ),
        process(
            "ocds-t-below-2",
            "B2",
            "direct",
            "2024-03-02",
            480_000.0,
            480_000.0,
        ),
        process(
            "ocds-t-below-3",
            "B2",
            "direct",
            "2024-03-03",
            499_000.0,
            499_000.0,
        ),
        // Just below once: not a pattern.
        process(
            "ocds-t-once",
            "B3",
            "direct",
            "2024-03-01",
            490_000.0,
            490_000.0,
        ),
        // Awarded under the line, contracted above it.
        process(
            "ocds-t-grown",
            "B4",
            "direct",
            "2024-03-01",
            480_000.0,
            760_000.0,
        ),
        // Before the rule applied, and an open tender: no rule.
        process(
            "ocds-t-old",
            "B1",
            "direct",
            "2016-03-01",
            900_000.0,
            900_000.0,
        ),
        process(
            "ocds-t-open",
            "B1",
            "open",
            "2024-03-01",
            9_000_000.0,
            9_000_000.0,
        ),
    ];
    let input = dir.join("data.jsonl");
    std::fs::write(&input, lines.join("\n")).unwrap();
    let config = dir.join("settings.toml");
    std::fs::write(&config, settings).unwrap();
    let out = dir.join("out");
    redflags()
        .args(["score", input.to_str().unwrap(), "--config"])
        .arg(&config)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    out
}

#[test]
fn awards_above_or_repeatedly_just_below_the_threshold() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), RULES);
    let (flags, summary) = flags_of(&out, "direct_award_near_threshold");
    let flagged: Vec<&str> = flags.keys().map(String::as_str).collect();
    assert_eq!(
        flagged,
        [
            "ocds-t-above",
            "ocds-t-below-1",
            "ocds-t-below-2",
            "ocds-t-below-3"
        ]
    );
    assert_eq!(
        flags["ocds-t-above"],
        "an award of 620000 THB is above the threshold of 500000 THB (direct up to 500000 THB \
         (Ministerial Regulation B.E. 2560)); buyer B1 made 0 award(s) just below a threshold"
    );
    assert!(flags["ocds-t-below-2"].contains("is just below the threshold"));
    // The six processes of the direct method after the rule's first day.
    assert_eq!(summary["assessable"], 6);
}

#[test]
fn a_direct_award_grown_beyond_the_threshold() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), RULES);
    let (flags, summary) = flags_of(&out, "direct_award_grown");
    assert_eq!(flags.keys().collect::<Vec<_>>(), ["ocds-t-grown"]);
    assert_eq!(
        flags["ocds-t-grown"],
        "contract C-ocds-t-grown: awarded at 480000 THB, within the threshold of 500000 THB \
         (direct up to 500000 THB (Ministerial Regulation B.E. 2560)), now worth 760000 THB after \
         1 amendment(s)"
    );
    // Awards within the line: every direct one but the one above it.
    assert_eq!(summary["assessable"], 5);
}

#[test]
fn without_rules_the_threshold_indicators_do_not_run() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), "");
    let (flags, summary) = flags_of(&out, "direct_award_near_threshold");
    assert!(flags.is_empty());
    assert!(summary.is_null());
}

#[test]
fn a_bad_rule_stops_the_run_before_the_input_is_read() {
    let stderr = common::settings_refused(
        "[[thresholds.rules]]\nmethod = \"direct\"\namount = 500000\ncurrency = \"THB\"\nfrom = \"soon\"\n",
    );
    assert!(
        stderr.contains("thresholds.rules[1]: from is not a date"),
        "{stderr}"
    );
}

#[test]
fn the_thai_preset_has_the_specific_method_threshold() {
    let dir = tempfile::tempdir().unwrap();
    let (path, config) = common::thai_preset(dir.path());
    let specific: Vec<_> = config
        .thresholds
        .rules
        .iter()
        .filter(|rule| rule.method == "วิธีเฉพาะเจาะจง")
        .collect();
    assert_eq!(specific.len(), 1);
    assert_eq!(specific[0].amount, 500_000.0);
    assert_eq!(specific[0].currency, "THB");
    // The preset is the example file, embedded.
    let example = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/thailand-thresholds.toml"
    ))
    .unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), example);
}
