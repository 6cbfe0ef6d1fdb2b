//! The analyst's reviews carried from run to run, through the real binary: every run writes
//! reviews.csv (one row per raised flag, `not_reviewed`); given back, edited, its verdicts reach
//! the same flags; a verdict whose flag no longer fires is kept; nothing an analyst wrote is
//! lost by a run.

use std::path::{Path, PathBuf};

mod common;

use common::{csv_rows, redflags};

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/bangkok-example.jsonl")
}

fn score(out: &Path, args: &[&str]) -> std::process::Output {
    redflags()
        .arg("score")
        .arg(example())
        .arg("--out")
        .arg(out)
        .args(args)
        .output()
        .unwrap()
}

/// Writes rows as a CSV file, as a spreadsheet saves it (no byte-order mark).
fn write_rows(path: &Path, rows: &[std::collections::BTreeMap<String, String>]) {
    let mut writer = csv::Writer::from_path(path).unwrap();
    let headers: Vec<&String> = rows[0].keys().collect();
    writer.write_record(&headers).unwrap();
    for row in rows {
        writer.write_record(row.values()).unwrap();
    }
    writer.flush().unwrap();
}

#[test]
fn verdicts_are_carried_to_the_next_run_and_never_lost() {
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("first");
    assert!(score(&first, &[]).status.success());
    // Run 1: one row per raised flag, nobody's verdict yet.
    let flags = csv_rows(&first.join("flags.csv"));
    let mut reviews = csv_rows(&first.join("reviews.csv"));
    assert_eq!(reviews.len(), flags.len());
    for (review, flag) in reviews.iter().zip(&flags) {
        assert_eq!(
            (&review["ocid"], &review["indicator"], &review["evidence"]),
            (&flag["ocid"], &flag["indicator"], &flag["evidence"])
        );
        assert_eq!(review["verdict"], "not_reviewed");
        assert_eq!(review["status"], "raised");
    }

    // The analyst reviews two flags, and keeps a verdict on a flag the next run will not raise.
    reviews[0].insert("verdict".into(), "confirmed".into());
    reviews[0].insert("comment".into(), "ยืนยันแล้ว: ระยะเวลาสั้นจริง".into());
    reviews[0].insert("reviewer".into(), "สมชาย".into());
    reviews[0].insert("reviewed_at".into(), "2024-07-01".into());
    reviews[1].insert("verdict".into(), "false_positive".into());
    reviews[1].insert("comment".into(), "-emergency purchase, allowed".into());
    let mut gone = reviews[2].clone();
    gone.insert("ocid".into(), "ocds-example-bkk-gone".into());
    gone.insert("verdict".into(), "under_review".into());
    reviews.push(gone);
    let edited = dir.path().join("edited.csv");
    write_rows(&edited, &reviews);

    // Run 2, given the edited file: the verdicts on the same flags, the gone one kept.
    let second = dir.path().join("second");
    let output = score(&second, &["--reviews", edited.to_str().unwrap()]);
    assert!(output.status.success(), "{output:?}");
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("1 reviewed flags are no longer raised")
    );
    let carried = csv_rows(&second.join("reviews.csv"));
    assert_eq!(carried.len(), flags.len() + 1);
    assert_eq!(carried[0]["verdict"], "confirmed");
    assert_eq!(carried[0]["comment"], "ยืนยันแล้ว: ระยะเวลาสั้นจริง");
    assert_eq!(carried[0]["reviewer"], "สมชาย");
    assert_eq!(carried[0]["reviewed_at"], "2024-07-01");
    assert_eq!(carried[1]["verdict"], "false_positive");
    // Guarded against spreadsheets as every CSV cell, read back as written.
    assert_eq!(carried[1]["comment"], "'-emergency purchase, allowed");
    assert!(
        carried[2..flags.len()]
            .iter()
            .all(|r| r["verdict"] == "not_reviewed")
    );
    let last = carried.last().unwrap();
    assert_eq!(
        (
            last["ocid"].as_str(),
            last["status"].as_str(),
            last["verdict"].as_str()
        ),
        ("ocds-example-bkk-gone", "no_longer_raised", "under_review")
    );

    // Run 3 into the same folder without --reviews: its own reviews.csv is carried, the same
    // bytes again (a run never drops what an analyst wrote).
    let before = std::fs::read(second.join("reviews.csv")).unwrap();
    assert!(score(&second, &[]).status.success());
    assert_eq!(std::fs::read(second.join("reviews.csv")).unwrap(), before);

    // Given another file that lacks the folder's verdicts, the run refuses to replace them.
    let output = score(
        &second,
        &["--reviews", first.join("reviews.csv").to_str().unwrap()],
    );
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("reviewed flag(s)"), "{stderr}");
    assert_eq!(std::fs::read(second.join("reviews.csv")).unwrap(), before);
}

#[test]
fn a_bad_reviews_file_is_refused_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("reviews.csv");
    for (text, expected) in [
        (
            "ocid,indicator,verdict\nocds-1,single_bid,confirmed\nocds-2,single_bid,maybe\n",
            "line 3: unknown verdict \"maybe\"",
        ),
        (
            "ocid,verdict\nocds-1,confirmed\n",
            "needs the columns ocid, indicator and verdict",
        ),
        (
            "ocid,indicator,verdict\nocds-1,single_bid,confirmed\nocds-1,single_bid,false_positive\n",
            "lines 2 and 3 review the same flag",
        ),
    ] {
        std::fs::write(&file, text).unwrap();
        let output = score(
            &dir.path().join("out"),
            &["--reviews", file.to_str().unwrap()],
        );
        assert_eq!(output.status.code(), Some(2), "{text}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(expected), "{stderr}");
        assert!(!dir.path().join("out").exists(), "nothing written");
    }
}

/// Run 1's reviews, with verdicts on the first flags: a false positive on the first (the only
/// flag of its process in the example), a confirmed one and one under review.
fn reviewed_file(dir: &Path) -> (PathBuf, Vec<std::collections::BTreeMap<String, String>>) {
    let first = dir.join("first");
    assert!(score(&first, &[]).status.success());
    let mut reviews = csv_rows(&first.join("reviews.csv"));
    for (row, verdict, comment) in [
        (0, "false_positive", "ประกาศเร่งด่วน อนุญาตตามระเบียบ"),
        (1, "confirmed", "one bidder, known to the buyer"),
        (2, "under_review", ""),
    ] {
        reviews[row].insert("verdict".into(), verdict.into());
        reviews[row].insert("comment".into(), comment.into());
    }
    let edited = dir.join("edited.csv");
    write_rows(&edited, &reviews);
    (edited, reviews)
}

#[test]
fn verdicts_are_shown_beside_the_flags_and_counted_per_process() {
    let dir = tempfile::tempdir().unwrap();
    let (edited, reviews) = reviewed_file(dir.path());
    let out = dir.path().join("out");
    let output = score(&out, &["--reviews", edited.to_str().unwrap()]);
    assert!(output.status.success(), "{output:?}");

    let flags = csv_rows(&out.join("flags.csv"));
    assert_eq!(flags[0]["verdict"], "false_positive");
    assert_eq!(flags[0]["comment"], "ประกาศเร่งด่วน อนุญาตตามระเบียบ");
    assert_eq!(flags[1]["verdict"], "confirmed");
    assert_eq!(flags[2]["verdict"], "under_review");
    assert!(
        flags[3..]
            .iter()
            .all(|flag| flag["verdict"] == "not_reviewed")
    );
    // Without exclude_false_positives, the false positive still counts.
    assert_eq!(flags[0]["counted"], "true");

    // Per process, the verdicts on its flags.
    let contracts = csv_rows(&out.join("contracts.csv"));
    let process = |ocid: &str| {
        contracts
            .iter()
            .find(|row| row["ocid"] == ocid)
            .unwrap()
            .clone()
    };
    let mut expected: std::collections::BTreeMap<&str, [u32; 4]> = Default::default();
    for (review, kind) in reviews.iter().zip([2, 1, 3]) {
        let counts = expected.entry(review["ocid"].as_str()).or_default();
        counts[0] += 1;
        counts[kind] += 1;
    }
    for (ocid, counts) in &expected {
        let row = process(ocid);
        let found: Vec<u32> = [
            "flags_reviewed",
            "flags_confirmed",
            "flags_false_positive",
            "flags_under_review",
        ]
        .iter()
        .map(|column| row[*column].parse().unwrap())
        .collect();
        assert_eq!(found, counts, "{ocid}");
    }
    let unreviewed = contracts
        .iter()
        .filter(|row| !expected.contains_key(row["ocid"].as_str()))
        .collect::<Vec<_>>();
    assert!(unreviewed.iter().all(|row| row["flags_reviewed"] == "0"));

    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(
        summary["reviews"],
        serde_json::json!({
            "reviewed": 3, "confirmed": 1, "false_positive": 1, "under_review": 1,
            "no_longer_raised": 0, "exclude_false_positives": false
        })
    );
}

#[test]
fn a_false_positive_can_be_left_out_of_the_score_and_stays_listed() {
    let dir = tempfile::tempdir().unwrap();
    let (edited, reviews) = reviewed_file(dir.path());
    let settings = dir.path().join("settings.toml");
    std::fs::write(&settings, "[score]\nexclude_false_positives = true\n").unwrap();
    let kept = dir.path().join("kept");
    let left_out = dir.path().join("left_out");
    assert!(
        score(&kept, &["--reviews", edited.to_str().unwrap()])
            .status
            .success()
    );
    let output = score(
        &left_out,
        &[
            "--reviews",
            edited.to_str().unwrap(),
            "--config",
            settings.to_str().unwrap(),
        ],
    );
    assert!(output.status.success(), "{output:?}");

    let false_positive = reviews[0]["ocid"].as_str();
    let (before, after) = (
        csv_rows(&kept.join("contracts.csv")),
        csv_rows(&left_out.join("contracts.csv")),
    );
    for (before, after) in before.iter().zip(&after) {
        if before["ocid"] == false_positive {
            // Its only flag was the false positive: assessed, nothing counts, a score of 0; the
            // flag is still raised and listed.
            assert_eq!(before["flag_count"], "1");
            assert!(before["risk_score"].parse::<f64>().unwrap() > 0.0);
            assert_eq!(after["risk_score"], "0");
            assert_eq!(after["value_at_risk"], "0");
            assert_eq!(after["flag_count"], "1");
            assert_eq!(after["flags"], before["flags"]);
            assert_eq!(after["flags_false_positive"], "1");
        } else {
            // Every other process keeps its score.
            assert_eq!(
                before["risk_score"], after["risk_score"],
                "{}",
                before["ocid"]
            );
        }
    }
    let flags = csv_rows(&left_out.join("flags.csv"));
    assert_eq!(flags.len(), csv_rows(&kept.join("flags.csv")).len());
    assert_eq!(
        (flags[0]["verdict"].as_str(), flags[0]["counted"].as_str()),
        ("false_positive", "false")
    );
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(left_out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["reviews"]["exclude_false_positives"], true);
}
