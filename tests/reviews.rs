//! The analyst's reviews carried from run to run, through the real binary: every run writes
//! reviews.csv (one row per raised flag, `not_reviewed`); given back, edited, its verdicts reach
//! the same flags; a verdict whose flag no longer fires is kept; nothing an analyst wrote is
//! lost by a run.

use std::path::{Path, PathBuf};

mod common;

use common::{csv_rows, example, redflags, save_sheets, sheets, write_rows};

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
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(second.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["reviews"]["no_longer_raised"], 1);
    assert_eq!(summary["reviews"]["reviewed"], 2);

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

/// `redflags reviews import WORKBOOK --out OUT`.
fn import(workbook: &Path, out: &Path) -> std::process::Output {
    redflags()
        .args(["reviews", "import"])
        .arg(workbook)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap()
}

#[test]
fn verdicts_filled_in_the_workbook_are_imported_and_carried() {
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("first");
    let xlsx = dir.path().join("report.xlsx");
    let output = score(&first, &["--lang", "th", "--xlsx", xlsx.to_str().unwrap()]);
    assert!(output.status.success(), "{output:?}");

    // The flags sheet (named in Thai) has the review columns, every flag not reviewed yet,
    // and a dropdown of the four verdicts on the verdict column.
    let mut workbook = sheets(&xlsx);
    assert_eq!(workbook[1].0, "สัญญาณเตือน");
    let mut flags = workbook[1].1.clone();
    let header = flags[0].clone();
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    for name in ["verdict", "comment", "reviewer", "reviewed_at"] {
        column(name);
    }
    assert!(
        flags[1..]
            .iter()
            .all(|row| row[column("verdict")] == "not_reviewed")
    );
    let mut archive = zip::ZipArchive::new(std::fs::File::open(&xlsx).unwrap()).unwrap();
    let mut sheet = String::new();
    std::io::Read::read_to_string(
        &mut archive.by_name("xl/worksheets/sheet2.xml").unwrap(),
        &mut sheet,
    )
    .unwrap();
    assert!(
        sheet.contains(r#"<dataValidation type="list""#)
            && sheet.contains(
                "<formula1>\"not_reviewed,confirmed,false_positive,under_review\"</formula1>"
            ),
        "no verdict dropdown"
    );

    // The analyst fills in two rows and saves.
    let (ocid, indicator) = (column("ocid"), column("indicator"));
    let reviewed = [
        (flags[1][ocid].clone(), flags[1][indicator].clone()),
        (flags[2][ocid].clone(), flags[2][indicator].clone()),
    ];
    flags[1][column("verdict")] = "confirmed".into();
    flags[1][column("comment")] = "=ผู้ชนะรายเดียวซ้ำ".into();
    flags[1][column("reviewer")] = "สมหญิง".into();
    flags[1][column("reviewed_at")] = "2024-08-01".into();
    flags[2][column("verdict")] = "false_positive".into();
    let rows_of_flags = flags.len();
    workbook[1].1 = flags;
    let edited = dir.path().join("edited.xlsx");
    save_sheets(&edited, &workbook);

    let imported = dir.path().join("imported.csv");
    let output = import(&edited, &imported);
    assert!(output.status.success(), "{output:?}");
    let rows = csv_rows(&imported);
    assert_eq!(rows.len(), rows_of_flags - 1);
    assert_eq!(rows[0]["verdict"], "confirmed");
    assert_eq!(rows[0]["reviewer"], "สมหญิง");

    // Given to the next run, the verdicts reach the same flags, everywhere.
    let second = dir.path().join("second");
    let report = dir.path().join("report.html");
    let output = score(
        &second,
        &[
            "--reviews",
            imported.to_str().unwrap(),
            "--lang",
            "th",
            "--report",
            report.to_str().unwrap(),
            "--xlsx",
            dir.path().join("second.xlsx").to_str().unwrap(),
        ],
    );
    assert!(output.status.success(), "{output:?}");
    let carried = csv_rows(&second.join("reviews.csv"));
    let verdict_of = |rows: &[std::collections::BTreeMap<String, String>],
                      (o, i): &(String, String)| {
        rows.iter()
            .find(|row| &row["ocid"] == o && &row["indicator"] == i)
            .map(|row| row["verdict"].clone())
            .unwrap()
    };
    assert_eq!(verdict_of(&carried, &reviewed[0]), "confirmed");
    assert_eq!(verdict_of(&carried, &reviewed[1]), "false_positive");
    // The comment that looks like a formula is kept as text.
    assert_eq!(carried[0]["comment"], "'=ผู้ชนะรายเดียวซ้ำ");
    let flags_csv = csv_rows(&second.join("flags.csv"));
    assert_eq!(verdict_of(&flags_csv, &reviewed[1]), "false_positive");
    // The next workbook holds the verdicts in its review columns, ready for the next round.
    let again = sheets(&dir.path().join("second.xlsx"));
    let row = again[1]
        .1
        .iter()
        .find(|row| row[ocid] == reviewed[0].0 && row[indicator] == reviewed[0].1)
        .unwrap();
    assert_eq!(
        (
            row[column("verdict")].as_str(),
            row[column("reviewer")].as_str()
        ),
        ("confirmed", "สมหญิง")
    );
    // The Thai report counts them and shows each verdict beside its flag.
    let html = std::fs::read_to_string(&report).unwrap();
    assert!(html.contains("ผลการตรวจสอบของนักวิเคราะห์"), "no review card");
    assert!(html.contains("<dt>สัญญาณเตือนที่ตรวจสอบแล้ว</dt><dd>2</dd>"));
    assert!(html.contains("<td>ยืนยันแล้ว: =ผู้ชนะรายเดียวซ้ำ</td>"));
}

/// Verdicts written in the run's reviews.csv and others in its workbook: `reviews import
/// --into` merges the workbook's into the file (each flag reviewed in one place keeps its
/// verdict), refuses a flag reviewed differently in both, and `--out` over the file points
/// to it.
#[test]
fn the_workbooks_verdicts_are_merged_into_a_reviews_file() {
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("first");
    let xlsx = first.join("report.xlsx");
    let output = score(&first, &["--xlsx", xlsx.to_str().unwrap()]);
    assert!(output.status.success(), "{output:?}");
    let file = first.join("reviews.csv");
    let mut reviews = csv_rows(&file);
    reviews[0].insert("verdict".into(), "confirmed".into());
    reviews[0].insert("reviewer".into(), "csv".into());
    write_rows(&file, &reviews);

    let mut workbook = sheets(&xlsx);
    let flags = &mut workbook[1].1;
    let column = |name: &str| flags[0].iter().position(|h| h == name).unwrap();
    let (verdict, reviewer) = (column("verdict"), column("reviewer"));
    flags[2][verdict] = "false_positive".into();
    flags[2][reviewer] = "xlsx".into();
    let edited = dir.path().join("edited.xlsx");
    save_sheets(&edited, &workbook);

    // --out over the file would lose the CSV's verdict: refused, pointing to --into.
    let output = import(&edited, &file);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--into"));

    let into = |workbook: &Path| {
        redflags()
            .args(["reviews", "import"])
            .arg(workbook)
            .arg("--into")
            .arg(&file)
            .output()
            .unwrap()
    };
    let output = into(&edited);
    assert!(output.status.success(), "{output:?}");
    let merged = csv_rows(&file);
    assert_eq!(merged.len(), reviews.len());
    let verdicts: Vec<(&str, &str)> = merged
        .iter()
        .map(|row| (row["verdict"].as_str(), row["reviewer"].as_str()))
        .collect();
    assert_eq!(verdicts[0], ("confirmed", "csv"));
    assert_eq!(verdicts[1], ("false_positive", "xlsx"));
    assert!(verdicts[2..].iter().all(|v| *v == ("not_reviewed", "")));
    for (merged, before) in merged.iter().zip(&reviews) {
        for column in ["ocid", "indicator", "level", "evidence", "status"] {
            assert_eq!(merged[column], before[column], "{column}");
        }
    }
    // Merging the same workbook again changes nothing.
    let before = std::fs::read(&file).unwrap();
    assert!(into(&edited).status.success());
    assert_eq!(std::fs::read(&file).unwrap(), before);

    // A flag reviewed differently in both: refused, the file as it was.
    workbook[1].1[1][verdict] = "false_positive".into();
    save_sheets(&edited, &workbook);
    let output = into(&edited);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("1 flag(s) reviewed differently")
            && stderr.contains(&format!(
                "{} {} (confirmed in the file, false_positive in the workbook)",
                reviews[0]["ocid"], reviews[0]["indicator"]
            )),
        "{stderr}"
    );
    assert_eq!(std::fs::read(&file).unwrap(), before);
}

#[test]
fn an_unknown_verdict_in_the_workbook_is_named_by_sheet_row_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let sheet = vec![
        ["ocid", "indicator", "level", "verdict"]
            .map(String::from)
            .to_vec(),
        ["ocds-1", "single_bid", "process", "confirmed"]
            .map(String::from)
            .to_vec(),
        ["ocds-2", "single_bid", "process", "not sure"]
            .map(String::from)
            .to_vec(),
    ];
    let workbook = dir.path().join("edited.xlsx");
    save_sheets(&workbook, &[("flags".to_owned(), sheet)]);
    let out = dir.path().join("reviews.csv");
    let output = import(&workbook, &out);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("sheet flags, row 3, column D (verdict): unknown verdict \"not sure\""),
        "{stderr}"
    );
    assert!(!out.exists());

    // A workbook without review columns says what it lacks.
    save_sheets(
        &workbook,
        &[("other".to_owned(), vec![vec!["a".to_owned()]])],
    );
    let output = import(&workbook, &out);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no sheet has the columns ocid"));
}

#[test]
fn validate_gives_each_indicators_precision_from_the_verdicts() {
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("first");
    assert!(score(&first, &[]).status.success());
    // Of the single-bid flags, every fourth a false positive, the rest confirmed; the short
    // tender periods under review (not counted).
    let mut reviews = csv_rows(&first.join("reviews.csv"));
    let mut single_bids = 0;
    for review in &mut reviews {
        let verdict = match review["indicator"].as_str() {
            "single_bid" => {
                single_bids += 1;
                if single_bids % 4 == 1 {
                    "false_positive"
                } else {
                    "confirmed"
                }
            }
            "short_tender_period" => "under_review",
            _ => continue,
        };
        review.insert("verdict".into(), verdict.into());
    }
    assert_eq!(single_bids, 8, "the example's single bids");
    let edited = dir.path().join("edited.csv");
    write_rows(&edited, &reviews);

    let output = redflags()
        .args(["-q", "validate"])
        .arg(example())
        .args(["--reviews", edited.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("Odds") || stdout.contains("odds ratio"),
        "{stdout}"
    );
    // 6 of 8 confirmed: 0.75, Wilson 95% 0.4093 – 0.9285.
    let line = stdout
        .lines()
        .skip_while(|line| !line.starts_with("Precision from the analysts' verdicts"))
        .find(|line| line.starts_with("single_bid "))
        .unwrap_or_else(|| panic!("{stdout}"));
    let cells: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(
        cells,
        [
            "single_bid",
            "8",
            "6",
            "2",
            "0",
            "0.75",
            "0.4093",
            "–",
            "0.9285"
        ]
    );
    assert!(!stdout.contains("Weights from the verdicts"));

    // With validated weights and enough reviewed flags, single_bid's strength comes from them.
    let settings = dir.path().join("settings.toml");
    let out = dir.path().join("validated");
    let validated = |min_reviewed: u32| -> serde_json::Value {
        std::fs::write(
            &settings,
            format!("[score]\nweights = \"validated\"\nmin_reviewed = {min_reviewed}\n"),
        )
        .unwrap();
        let output = score(
            &out,
            &[
                "--reviews",
                edited.to_str().unwrap(),
                "--config",
                settings.to_str().unwrap(),
            ],
        );
        assert!(output.status.success(), "{output:?}");
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap()
    };
    let summary = validated(8);
    assert_eq!(
        summary["weights"]["from_verdicts"],
        serde_json::json!(["single_bid"])
    );
    assert_eq!(summary["weights"]["terms"]["single_bid"], 0.4093);
    let precision = summary["precision"].as_array().unwrap();
    let single_bid = precision
        .iter()
        .find(|p| p["indicator"] == "single_bid")
        .unwrap();
    assert_eq!(single_bid["precision"], 0.75);
    let flags = csv_rows(&out.join("flags.csv"));
    assert!(
        flags
            .iter()
            .filter(|flag| flag["indicator"] == "single_bid")
            .all(|flag| flag["weight"] == "0.4093")
    );

    // One reviewed flag short of the minimum: the validity check's weight, as before.
    let summary = validated(9);
    assert_eq!(summary["weights"]["from_verdicts"], serde_json::json!([]));
    assert_eq!(summary["weights"]["terms"]["single_bid"], 0.3);
}
