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
