//! On 100,000 synthetic processes, `redflags cardinal` gives the flagged sets and fences that
//! the methodology gives when computed directly: a plain loop over each release's JSON,
//! independent of the Polars expressions (quartiles from statrs, as Cardinal computes them).

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;

use serde_json::Value;
use statrs::statistics::{Data, OrderStatistics};

const PROCESSES: u64 = 100_000;

/// What the methodology says, computed release by release.
#[derive(Default)]
struct Reference {
    r003: BTreeSet<String>,
    r018: BTreeSet<String>,
    r028: BTreeSet<String>,
    r036: BTreeSet<String>,
    ratios: BTreeMap<String, f64>,
    /// The currency of the first bid met: Cardinal compares bid prices in that one currency
    /// (its `currency` setting's default).
    main_currency: Option<String>,
}

fn days_between(start: &str, end: &str) -> i64 {
    let start = chrono::DateTime::parse_from_rfc3339(start).unwrap();
    let end = chrono::DateTime::parse_from_rfc3339(end).unwrap();
    (end - start).num_seconds().div_euclid(86_400)
}

/// Each bid's (status, first tenderer's id, amount, number of tenderers), in order.
fn bids(release: &Value) -> Vec<(String, String, f64, usize)> {
    release["bids"]["details"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|bid| {
            (
                bid["status"].as_str().unwrap().to_owned(),
                bid["tenderers"][0]["id"].as_str().unwrap().to_owned(),
                bid["value"]["amount"].as_f64().unwrap(),
                bid["tenderers"].as_array().unwrap().len(),
            )
        })
        .collect()
}

impl Reference {
    fn add(&mut self, release: &Value) {
        let ocid = release["ocid"].as_str().unwrap().to_owned();
        let tender = &release["tender"];
        let method = tender["procurementMethod"].as_str().unwrap();
        // Direct and limited purchases have no tender period.
        let period = &tender["tenderPeriod"];
        if let (Some(start), Some(end)) = (period["startDate"].as_str(), period["endDate"].as_str())
            && days_between(start, end) < 15
        {
            self.r003.insert(ocid.clone());
        }
        if (method == "open" || method == "selective") && tender["numberOfTenderers"] == 1 {
            self.r018.insert(ocid.clone());
        }
        let bids = bids(release);
        let currency = release["bids"]["details"][0]["value"]["currency"].as_str();
        if self.main_currency.is_none() {
            self.main_currency = currency.map(str::to_owned);
        }
        // Bid prices are compared in the main currency only.
        let main = currency.is_some() && currency == self.main_currency.as_deref();
        // R028: the same price from different tenderers.
        let mut by_price: BTreeMap<u64, BTreeSet<&str>> = BTreeMap::new();
        for (_, tenderer, amount, _) in &bids {
            by_price
                .entry(amount.to_bits())
                .or_default()
                .insert(tenderer);
        }
        if by_price.values().any(|tenderers| tenderers.len() > 1) {
            self.r028.insert(ocid.clone());
        }
        // R036: the first lowest submitted bid is disqualified (one active award here).
        let lowest = bids.iter().map(|b| b.2).fold(f64::INFINITY, f64::min);
        if let Some(first) = bids.iter().find(|b| b.2 == lowest)
            && first.0 == "disqualified"
            && main
        {
            self.r036.insert(ocid.clone());
        }
        // R024/R058: the winner's lowest valid bid against the lowest valid bid of the others
        // (a consortium's bid is not compared).
        let winner = release["awards"][0]["suppliers"][0]["id"].as_str().unwrap();
        let valid = bids.iter().filter(|b| b.0 == "valid" && b.3 == 1);
        let (mut winning, mut second) = (f64::INFINITY, f64::INFINITY);
        for (_, tenderer, amount, _) in valid {
            if tenderer == winner {
                winning = winning.min(*amount);
            } else {
                second = second.min(*amount);
            }
        }
        if main && winning.is_finite() && second.is_finite() && second >= winning {
            self.ratios.insert(ocid, (second - winning) / winning);
        }
    }
}

fn round4(value: f64) -> f64 {
    (value * 10_000.0).round() / 10_000.0
}

fn flagged(results: &Value, code: &str) -> BTreeSet<String> {
    results["OCID"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, codes)| codes.get(code).is_some())
        .map(|(ocid, _)| ocid.clone())
        .collect()
}

#[test]
fn cardinal_mode_matches_the_methodology_on_100000_processes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("synthetic.jsonl");
    let mut file = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    redflags::synthetic::write(&mut file, PROCESSES, 11).unwrap();
    file.flush().unwrap();
    drop(file);

    let mut reference = Reference::default();
    let text = std::fs::read_to_string(&path).unwrap();
    for line in text.lines() {
        reference.add(&serde_json::from_str(line).unwrap());
    }

    let settings = dir.path().join("settings.ini");
    std::fs::write(
        &settings,
        "[R003]\n[R018]\n[R024]\n[R028]\n[R036]\n[R058]\n",
    )
    .unwrap();
    let output = assert_cmd::Command::cargo_bin("redflags")
        .unwrap()
        .args(["cardinal", "--settings"])
        .arg(&settings)
        .arg(&path)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let results: Value = serde_json::from_slice(&output.stdout).unwrap();

    assert_eq!(flagged(&results, "R003"), reference.r003);
    assert_eq!(flagged(&results, "R018"), reference.r018);
    assert_eq!(flagged(&results, "R028"), reference.r028);
    assert_eq!(flagged(&results, "R036"), reference.r036);
    // Each has something to find in the synthetic data.
    for set in [
        &reference.r003,
        &reference.r018,
        &reference.r028,
        &reference.r036,
    ] {
        assert!(set.len() > 100, "{}", set.len());
    }

    let mut data = Data::new(reference.ratios.values().copied().collect::<Vec<_>>());
    let (q1, q3) = (data.lower_quartile(), data.upper_quartile());
    let lower = q1 - 1.5 * (q3 - q1);
    let upper = q3 + 1.5 * (q3 - q1);
    let meta = &results["Meta"];
    assert_eq!(meta["R024"]["q1"].as_f64().unwrap(), round4(q1));
    assert_eq!(meta["R024"]["q3"].as_f64().unwrap(), round4(q3));
    assert_eq!(meta["R024"]["lower_fence"].as_f64().unwrap(), round4(lower));
    assert_eq!(meta["R058"]["upper_fence"].as_f64().unwrap(), round4(upper));
    let low: BTreeSet<String> = reference
        .ratios
        .iter()
        .filter(|(_, ratio)| **ratio <= lower)
        .map(|(ocid, _)| ocid.clone())
        .collect();
    let high: BTreeSet<String> = reference
        .ratios
        .iter()
        .filter(|(_, ratio)| **ratio >= upper)
        .map(|(ocid, _)| ocid.clone())
        .collect();
    assert_eq!(flagged(&results, "R024"), low);
    assert_eq!(flagged(&results, "R058"), high);
    // The values are the differences themselves.
    for ocid in high.iter().take(20) {
        let value = results["OCID"][ocid]["R058"].as_f64().unwrap();
        assert!((value - reference.ratios[ocid]).abs() < 1e-12);
    }
}
