//! Warnings an analyst needs: an indicator that flags more than `[warnings] max_flag_share` of
//! the processes it assesses, or assesses less than `min_assessable_share` of them, is named on
//! the terminal, in summary.json (with the fields most likely to blame) and in the report.

use std::path::Path;

mod common;

use common::{example, redflags};

/// Runs `score` on the example with the settings and returns summary.json and the terminal's
/// standard error.
fn score(dir: &Path, settings: &str) -> (serde_json::Value, String) {
    let config = dir.join("settings.toml");
    std::fs::write(&config, settings).unwrap();
    let out = dir.join("out");
    let output = redflags()
        .arg("score")
        .arg(example())
        .arg("--config")
        .arg(&config)
        .arg("--out")
        .arg(&out)
        .arg("--report")
        .arg(dir.join("report.html"))
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let summary = std::fs::read_to_string(out.join("summary.json")).unwrap();
    (
        serde_json::from_str(&summary).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

#[test]
fn indicators_past_the_shares_are_named_everywhere_with_their_fields() {
    let dir = tempfile::tempdir().unwrap();
    let (summary, stderr) = score(
        dir.path(),
        "[warnings]\nmax_flag_share = 0.2\nmin_assessable_share = 0.3\n",
    );
    let processes = summary["counts"]["processes"].as_u64().unwrap() as f64;
    let warnings = summary["warnings"].as_array().unwrap();
    let process_level: Vec<&serde_json::Value> = summary["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|indicator| {
            let slug = indicator["indicator"].as_str().unwrap();
            redflags::indicators::find(slug)
                .unwrap()
                .metadata()
                .levels
                .contains(&"process")
        })
        .collect();
    let mut expected = Vec::new();
    for indicator in process_level {
        let assessed = indicator["assessable"].as_u64().unwrap() as f64;
        let flagged = indicator["flagged"].as_u64().unwrap() as f64;
        let kind = if assessed / processes < 0.3 {
            "few_assessable"
        } else if flagged / assessed > 0.2 {
            "high_flag_share"
        } else {
            continue;
        };
        expected.push((indicator["indicator"].as_str().unwrap(), kind));
    }
    let named: Vec<(&str, &str)> = warnings
        .iter()
        .map(|w| {
            (
                w["indicator"].as_str().unwrap(),
                w["kind"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(named, expected);
    assert!(named.iter().any(|(_, kind)| *kind == "high_flag_share"));
    assert!(named.iter().any(|(_, kind)| *kind == "few_assessable"));

    let html = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
    assert!(html.contains(r#"<h3 id="warnings">Warnings</h3>"#));
    for warning in warnings {
        let slug = warning["indicator"].as_str().unwrap();
        // On the terminal, a line naming the indicator.
        assert!(
            stderr.contains(&format!("WARN {slug}: ")),
            "{slug}: {stderr}"
        );
        // In the report, by its title.
        let title = redflags::indicators::find(slug).unwrap().metadata().title;
        assert!(
            html.contains(&format!("<li><strong>{title}</strong>")),
            "{title}"
        );
        // The fields: among those it reads, least covered first.
        let fields = warning["fields"].as_array().unwrap();
        let read = redflags::indicators::find(slug).unwrap().metadata().fields;
        let coverages: Vec<f64> = fields
            .iter()
            .map(|field| {
                assert!(read.contains(&field["field"].as_str().unwrap()));
                field["coverage"].as_f64().unwrap()
            })
            .collect();
        assert!(coverages.windows(2).all(|pair| pair[0] <= pair[1]));
        assert!(fields.len() <= 3);
    }
    // The example publishes no budget: tender_above_budget can assess nothing, and the budget
    // is named.
    let budget = warnings
        .iter()
        .find(|w| w["indicator"] == "tender_above_budget")
        .unwrap();
    assert_eq!(budget["share"], 0.0);
    assert_eq!(
        budget["fields"][0]["field"],
        "planning.budget.amount.amount"
    );
    assert_eq!(budget["fields"][0]["coverage"], 0.0);
}

#[test]
fn no_warning_when_the_shares_allow_everything() {
    let dir = tempfile::tempdir().unwrap();
    let (summary, stderr) = score(
        dir.path(),
        "[warnings]\nmax_flag_share = 1.0\nmin_assessable_share = 0.0\n",
    );
    assert_eq!(summary["warnings"], serde_json::json!([]));
    assert!(!stderr.contains("WARN"), "{stderr}");
    assert!(
        !std::fs::read_to_string(dir.path().join("report.html"))
            .unwrap()
            .contains(r#"id="warnings""#)
    );
}

#[test]
fn bad_warning_settings_are_refused_before_reading() {
    for settings in [
        "[warnings]\nmax_flag_share = 0\n",
        "[warnings]\nmax_flag_share = 1.5\n",
        "[warnings]\nmin_assessable_share = -0.1\n",
        "[warnings]\nmin_assessable_share = 1\n",
        "[warnings]\nmax_share = 0.5\n",
        "[warnings]\nmax_flag_share = \"half\"\n",
    ] {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("settings.toml");
        std::fs::write(&config, settings).unwrap();
        let output = redflags()
            .args(["score", "/nonexistent/input", "--out", "o", "--config"])
            .arg(&config)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{settings}");
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert!(stderr.contains("settings file"), "{stderr}");
        assert!(
            !stderr.contains("/nonexistent"),
            "read before the settings were checked"
        );
    }
}

#[test]
fn every_field_an_indicator_reads_is_measured() {
    for indicator in redflags::indicators::REGISTRY {
        for field in indicator.metadata().fields {
            assert!(
                redflags::frames::coverage::is_measured(field),
                "{}: {field}",
                indicator.metadata().slug
            );
        }
    }
}
