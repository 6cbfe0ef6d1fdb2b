//! One analyst, month to month, through the real binary: run 1 scores the first month; the
//! analyst writes verdicts in run 1's reviews.csv and others in its workbook, read back and
//! merged (`reviews import --into`); run 2 scores the data with the new processes and a
//! publisher's correction, given the reviews and run 1 (`--reviews`, `--previous`), in Thai.
//! The verdicts are shown everywhere, the new flags are marked new, the corrected process's
//! flag is kept as cleared with its evidence and its verdict, the Thai report opens with what
//! is new and every evidence sentence is Thai; `validate` gives the precision from the verdicts.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

mod common;

use common::{csv_rows, example_head, example_lines, redflags, save_sheets, sheets, write_lines};

type Row = BTreeMap<String, String>;

/// The process whose single bid the publisher corrects in month 2 (it declared one tenderer;
/// there were three).
const CORRECTED: &str = "ocds-example-bkk-0014";

/// Runs redflags with `args`; asserts success; its standard output.
fn run(args: &[&str]) -> String {
    let output = redflags().args(args).output().unwrap();
    assert!(output.status.success(), "{args:?}: {output:?}");
    String::from_utf8(output.stdout).unwrap()
}

fn path(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// Month 2's data: every process of the example (the month-1 ones and the new ones), with the
/// publisher's correction of the number of tenderers of [`CORRECTED`].
fn month2(dir: &Path) -> PathBuf {
    let lines: Vec<String> = example_lines()
        .into_iter()
        .map(|(ocid, line)| {
            if ocid.as_deref() != Some(CORRECTED) {
                return line;
            }
            let mut release: serde_json::Value = serde_json::from_str(&line).unwrap();
            release["tender"]["numberOfTenderers"] = 3.into();
            release.to_string()
        })
        .collect();
    let file = dir.join("month2.jsonl");
    write_lines(&file, &lines);
    file
}

/// The row of a flag (`ocid`, `indicator`) in a table.
fn flag<'a>(rows: &'a [Row], ocid: &str, indicator: &str) -> &'a Row {
    rows.iter()
        .find(|row| row["ocid"] == ocid && row["indicator"] == indicator)
        .unwrap_or_else(|| panic!("no row for {ocid} {indicator}"))
}

/// The row of a flag (`ocid`, `indicator`) in a sheet (its header first), and the place of
/// each named column.
fn sheet_flag(
    sheet: &[Vec<String>],
    ocid: &str,
    indicator: &str,
) -> (usize, impl Fn(&str) -> usize + use<>) {
    let header = sheet[0].clone();
    let column = move |name: &str| header.iter().position(|h| h == name).unwrap();
    let row = sheet
        .iter()
        .position(|row| row[column("ocid")] == ocid && row[column("indicator")] == indicator)
        .unwrap_or_else(|| panic!("no row for {ocid} {indicator}"));
    (row, column)
}

/// A verdict as the analyst writes it.
struct Verdict {
    ocid: &'static str,
    indicator: &'static str,
    verdict: &'static str,
    comment: &'static str,
    reviewer: &'static str,
    reviewed_at: &'static str,
}

/// Written in run 1's reviews.csv (the corrected process's single bid among them).
const IN_CSV: [Verdict; 3] = [
    Verdict {
        ocid: CORRECTED,
        indicator: "single_bid",
        verdict: "confirmed",
        comment: "ผู้ยื่นรายเดียวจริงตามเอกสาร",
        reviewer: "สมชาย",
        reviewed_at: "2024-06-03",
    },
    Verdict {
        ocid: "ocds-example-bkk-0002",
        indicator: "single_bid",
        verdict: "false_positive",
        comment: "งานเฉพาะทาง ผู้รับจ้างในพื้นที่มีรายเดียว",
        reviewer: "สมชาย",
        reviewed_at: "2024-06-03",
    },
    Verdict {
        ocid: "ocds-example-bkk-0004",
        indicator: "contract_amendment",
        verdict: "under_review",
        comment: "ขอเอกสารแก้ไขสัญญาแล้ว",
        reviewer: "สมชาย",
        reviewed_at: "2024-06-04",
    },
];

/// Written in the flags sheet of run 1's workbook.
const IN_WORKBOOK: [Verdict; 3] = [
    Verdict {
        ocid: "ocds-example-bkk-0010",
        indicator: "single_bid",
        verdict: "confirmed",
        comment: "ผู้ชนะรายเดิม",
        reviewer: "สมหญิง",
        reviewed_at: "2024-06-05",
    },
    Verdict {
        ocid: "ocds-example-bkk-0022",
        indicator: "single_bid",
        verdict: "confirmed",
        comment: "",
        reviewer: "สมหญิง",
        reviewed_at: "2024-06-05",
    },
    Verdict {
        ocid: "ocds-example-bkk-0026",
        indicator: "single_bid",
        verdict: "confirmed",
        comment: "ประกาศเชิญชวนสั้น",
        reviewer: "สมหญิง",
        reviewed_at: "2024-06-06",
    },
];

impl Verdict {
    /// Writes it into a row of named cells.
    fn write(&self, set: &mut dyn FnMut(&str, &str)) {
        set("verdict", self.verdict);
        set("comment", self.comment);
        set("reviewer", self.reviewer);
        set("reviewed_at", self.reviewed_at);
    }

    /// Whether a row holds it.
    fn held_by(&self, row: &Row) -> bool {
        [
            ("verdict", self.verdict),
            ("comment", self.comment),
            ("reviewer", self.reviewer),
            ("reviewed_at", self.reviewed_at),
        ]
        .iter()
        .all(|(column, value)| row[*column] == *value)
    }
}

/// The English templates' fixed phrases of two words or more (`in a procedure with method`):
/// an English evidence sentence holds some, a Thai one none (the values — methods, ids,
/// field names — are the data's own).
fn english_phrases() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("locales/evidence");
    let strings = |file: &str| {
        fn collect(value: &toml::Value, into: &mut Vec<String>) {
            match value {
                toml::Value::String(text) => into.push(text.clone()),
                toml::Value::Table(table) => table.values().for_each(|v| collect(v, into)),
                _ => {}
            }
        }
        let text = std::fs::read_to_string(root.join(file)).unwrap();
        let mut strings = Vec::new();
        collect(&toml::from_str(&text).unwrap(), &mut strings);
        strings
    };
    let thai = strings("th.toml").join("\n");
    let mut phrases: Vec<String> = strings("en.toml")
        .iter()
        .flat_map(|template| {
            // The fixed text between the placeholders.
            template
                .split(['{', '}'])
                .step_by(2)
                .map(|fixed| fixed.trim_matches(|c: char| !c.is_ascii_alphabetic()))
                .filter(|fixed| {
                    fixed.split(' ').filter(|w| w.len() > 1).count() >= 2 && !thai.contains(fixed)
                })
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .collect();
    phrases.sort();
    phrases.dedup();
    assert!(phrases.len() > 50, "{phrases:?}");
    phrases
}

/// Asserts a sentence is Thai evidence: Thai script, no English template's phrase.
fn assert_thai(evidence: &str, phrases: &[String], place: &str) {
    assert!(
        evidence
            .chars()
            .any(|c| ('\u{0E00}'..='\u{0E7F}').contains(&c)),
        "{place}: no Thai in {evidence:?}"
    );
    if let Some(phrase) = phrases.iter().find(|p| evidence.contains(p.as_str())) {
        panic!("{place}: English {phrase:?} in {evidence:?}");
    }
}

/// The text of each `<td>` of an HTML fragment's rows, row by row (the report escapes the data;
/// the sentences here hold no markup).
fn table_cells(html: &str) -> Vec<Vec<String>> {
    html.split("<tr>")
        .skip(1)
        .map(|row| {
            let row = &row[..row.find("</tr>").unwrap_or(row.len())];
            row.split("<td")
                .skip(1)
                .map(|cell| {
                    let start = cell.find('>').unwrap() + 1;
                    cell[start..cell.find("</td>").unwrap()].to_owned()
                })
                .collect()
        })
        .collect()
}

/// Where the scenario runs: a temporary folder, or `REDFLAGS_SCENARIO_OUT` (a new or empty
/// folder, kept: tests/browser.sh renders its run-2 report in Chromium).
fn scenario_folder() -> (Option<tempfile::TempDir>, PathBuf) {
    match std::env::var_os("REDFLAGS_SCENARIO_OUT") {
        Some(folder) => {
            let folder = PathBuf::from(folder);
            std::fs::create_dir_all(&folder).unwrap();
            assert!(
                std::fs::read_dir(&folder).unwrap().next().is_none(),
                "REDFLAGS_SCENARIO_OUT {} is not empty",
                folder.display()
            );
            (None, folder)
        }
        None => {
            let dir = tempfile::tempdir().unwrap();
            let folder = dir.path().to_owned();
            (Some(dir), folder)
        }
    }
}

#[test]
fn an_analyst_month_to_month() {
    let (_temporary, dir) = scenario_folder();
    let dir = dir.as_path();
    let (run1, run2) = (dir.join("run1"), dir.join("run2"));
    let month1 = example_head(dir, 30);
    let xlsx1 = run1.join("report.xlsx");

    // Run 1: the first month, in Thai, with the workbook.
    run(&[
        "-q",
        "score",
        path(&month1),
        "--out",
        path(&run1),
        "--lang",
        "th",
        "--xlsx",
        path(&xlsx1),
    ]);
    let flags1 = csv_rows(&run1.join("flags.csv"));
    let contracts1 = csv_rows(&run1.join("contracts.csv"));

    // The analyst writes three verdicts in reviews.csv...
    let reviews_csv = run1.join("reviews.csv");
    let mut reviews = csv_rows(&reviews_csv);
    for verdict in &IN_CSV {
        let row = reviews
            .iter_mut()
            .find(|row| row["ocid"] == verdict.ocid && row["indicator"] == verdict.indicator)
            .unwrap();
        verdict.write(&mut |column, value| {
            row.insert(column.into(), value.into());
        });
    }
    common::write_rows(&reviews_csv, &reviews);
    // ... and three others in the workbook's flags sheet, saved in place.
    let mut workbook = sheets(&xlsx1);
    let flags_sheet = &mut workbook[1].1;
    for verdict in &IN_WORKBOOK {
        let (row, column) = sheet_flag(flags_sheet, verdict.ocid, verdict.indicator);
        let row = &mut flags_sheet[row];
        verdict.write(&mut |name, value| row[column(name)] = value.to_owned());
    }
    save_sheets(&xlsx1, &workbook);
    // Read back and merged into reviews.csv: all six verdicts in one file.
    run(&[
        "-q",
        "reviews",
        "import",
        path(&xlsx1),
        "--into",
        path(&reviews_csv),
    ]);
    let merged = csv_rows(&reviews_csv);
    assert_eq!(merged.len(), flags1.len());
    for verdict in IN_CSV.iter().chain(&IN_WORKBOOK) {
        assert!(
            verdict.held_by(flag(&merged, verdict.ocid, verdict.indicator)),
            "{}",
            verdict.ocid
        );
    }
    assert_eq!(
        merged
            .iter()
            .filter(|r| r["verdict"] != "not_reviewed")
            .count(),
        6
    );

    // Run 2: the month's data with the new processes, given the reviews and run 1.
    let data2 = month2(dir);
    let (report2, xlsx2) = (run2.join("report.html"), run2.join("report.xlsx"));
    run(&[
        "-q",
        "score",
        path(&data2),
        "--out",
        path(&run2),
        "--reviews",
        path(&reviews_csv),
        "--previous",
        path(&run1),
        "--lang",
        "th",
        "--report",
        path(&report2),
        "--xlsx",
        path(&xlsx2),
    ]);
    let flags = csv_rows(&run2.join("flags.csv"));
    let contracts = csv_rows(&run2.join("contracts.csv"));
    let changes = csv_rows(&run2.join("changes.csv"));
    let reviews2 = csv_rows(&run2.join("reviews.csv"));
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(run2.join("summary.json")).unwrap()).unwrap();
    let still_raised: Vec<&Verdict> = IN_CSV[1..].iter().chain(&IN_WORKBOOK).collect();

    // The verdicts shown: flags.csv, reviews.csv, contracts.csv's counts, summary.json.
    for verdict in &still_raised {
        let row = flag(&flags, verdict.ocid, verdict.indicator);
        assert_eq!(
            (row["verdict"].as_str(), row["comment"].as_str()),
            (verdict.verdict, verdict.comment)
        );
        let review = flag(&reviews2, verdict.ocid, verdict.indicator);
        assert!(verdict.held_by(review) && review["status"] == "raised");
    }
    let reviewed_flags = flags
        .iter()
        .filter(|row| row["verdict"] != "not_reviewed")
        .count();
    assert_eq!(reviewed_flags, still_raised.len());
    for process in &contracts {
        let of_process: Vec<&&Verdict> = still_raised
            .iter()
            .filter(|v| v.ocid == process["ocid"])
            .collect();
        let count = |verdict: &str| {
            of_process
                .iter()
                .filter(|v| v.verdict == verdict)
                .count()
                .to_string()
        };
        assert_eq!(process["flags_reviewed"], of_process.len().to_string());
        assert_eq!(process["flags_confirmed"], count("confirmed"));
        assert_eq!(process["flags_false_positive"], count("false_positive"));
        assert_eq!(process["flags_under_review"], count("under_review"));
    }
    assert_eq!(
        summary["reviews"],
        serde_json::json!({
            "reviewed": 5, "confirmed": 3, "false_positive": 1, "under_review": 1,
            "no_longer_raised": 1, "exclude_false_positives": false
        })
    );

    // The workbook's review columns hold them, ready for the next round.
    let workbook2 = sheets(&xlsx2);
    let sheet = &workbook2[1].1;
    for verdict in &still_raised {
        let (row, at) = sheet_flag(sheet, verdict.ocid, verdict.indicator);
        let row = &sheet[row];
        assert_eq!(
            [
                &row[at("verdict")],
                &row[at("comment")],
                &row[at("reviewer")],
                &row[at("reviewed_at")]
            ],
            [
                verdict.verdict,
                verdict.comment,
                verdict.reviewer,
                verdict.reviewed_at
            ]
        );
    }

    // New processes and their flags marked new.
    let before: Vec<&str> = contracts1.iter().map(|row| row["ocid"].as_str()).collect();
    let new_flags: Vec<&Row> = flags
        .iter()
        .filter(|row| !before.contains(&row["ocid"].as_str()))
        .collect();
    assert!(new_flags.len() > 10);
    assert!(new_flags.iter().all(|row| row["change"] == "new"));
    for process in &contracts {
        let is_new = !before.contains(&process["ocid"].as_str());
        assert_eq!(process["change"] == "new", is_new, "{}", process["ocid"]);
    }
    assert_eq!(
        summary["changes"]["flags"]["new"],
        flags.iter().filter(|row| row["change"] == "new").count()
    );

    // The corrected process: cleared, its flag kept in changes.csv with run 1's evidence, and
    // the verdict on it kept in reviews.csv as no longer raised.
    let corrected = contracts.iter().find(|r| r["ocid"] == CORRECTED).unwrap();
    assert_eq!(
        (corrected["change"].as_str(), corrected["flags"].as_str()),
        ("cleared", "")
    );
    assert!(!flags.iter().any(|row| row["ocid"] == CORRECTED));
    let was = flag(&flags1, CORRECTED, "single_bid");
    let cleared = flag(&changes, CORRECTED, "single_bid");
    assert_eq!(cleared["change"], "cleared");
    assert_eq!(cleared["evidence_before"], was["evidence"]);
    assert_eq!(summary["changes"]["flags"]["cleared"], 1);
    let kept = flag(&reviews2, CORRECTED, "single_bid");
    assert!(IN_CSV[0].held_by(kept));
    assert_eq!(
        (kept["status"].as_str(), kept["evidence"].as_str()),
        ("no_longer_raised", was["evidence"].as_str())
    );

    // Thai evidence in every flag: flags.csv, reviews.csv, changes.csv.
    let phrases = english_phrases();
    // (an English sentence would not pass)
    let english = "one tenderer (counted from tender.numberOfTenderers) in a procedure with \
                   method 'open'";
    assert!(
        phrases
            .iter()
            .any(|phrase| english.contains(phrase.as_str()))
    );
    for row in &flags {
        assert_thai(&row["evidence"], &phrases, "flags.csv");
    }
    for row in &reviews2 {
        assert_thai(&row["evidence"], &phrases, "reviews.csv");
    }
    for row in changes.iter().filter(|row| !row["indicator"].is_empty()) {
        let evidence = [&row["evidence"], &row["evidence_before"]];
        for evidence in evidence.into_iter().filter(|e| !e.is_empty()) {
            assert_thai(evidence, &phrases, "changes.csv");
        }
    }

    // The Thai report: opens with what is new (the new processes and the cleared one listed),
    // then the overview with the reviews card; every listed flag with Thai evidence and its
    // verdict in the review column.
    let html = std::fs::read_to_string(&report2).unwrap();
    let first_section = html.find("<section id=").unwrap();
    assert!(html[first_section..].starts_with(r#"<section id="changes">"#));
    let changes_section = &html[first_section..html.find(r#"<section id="overview">"#).unwrap()];
    assert!(changes_section.contains("<h2>สิ่งที่เปลี่ยนไปนับจากการประมวลผลครั้งก่อน</h2>"));
    assert!(changes_section.contains(CORRECTED));
    assert!(changes_section.contains("<td>หมดไป</td>"));
    let new_flagged = contracts
        .iter()
        .filter(|row| row["change"] == "new" && !row["flags"].is_empty());
    for process in new_flagged {
        assert!(
            changes_section.contains(&process["ocid"]),
            "{}",
            process["ocid"]
        );
    }
    assert!(html.contains(r#"<h3 id="reviews">ผลการตรวจสอบของนักวิเคราะห์</h3>"#));
    assert!(html.contains("<dt>สัญญาณเตือนที่ตรวจสอบแล้ว</dt><dd>5</dd>"));
    assert!(html.contains("<th>ผลการตรวจสอบ</th>"));
    let details = &html[html.find(r#"<section id="details">"#).unwrap()
        ..html.find(r#"<section id="organizations">"#).unwrap()];
    let rows: Vec<Vec<String>> = details
        .split(r#"<article class="process""#)
        .skip(1)
        .flat_map(|article| table_cells(&article[article.find("<tbody>").unwrap()..]))
        .collect();
    assert!(rows.len() > 20, "{} flags listed", rows.len());
    let mut shown = 0;
    for cells in &rows {
        // indicator, level, strength, evidence, review
        assert_eq!(cells.len(), 5, "{cells:?}");
        assert_thai(&cells[3], &phrases, "the report");
        if !cells[4].is_empty() {
            shown += 1;
        }
    }
    for (verdict, label) in [
        (&IN_CSV[1], "ผลบวกลวง (ไม่ใช่ความเสี่ยงจริง)"),
        (&IN_CSV[2], "อยู่ระหว่างตรวจสอบ"),
        (&IN_WORKBOOK[0], "ยืนยันแล้ว"),
    ] {
        assert!(
            details.contains(&format!("<td>{label}: {}</td>", verdict.comment)),
            "{} {label}",
            verdict.ocid
        );
    }
    assert_eq!(
        shown,
        still_raised.len(),
        "a verdict beside each reviewed flag"
    );

    // The precision from the verdicts, in Thai: of single_bid's reviewed flags still raised,
    // 3 confirmed and 1 false positive (the corrected process's verdict no longer counts):
    // 0.75, Wilson 95% 0.3006 – 0.9544; contract_amendment's one is under review, which does
    // not count (reviewed = confirmed + false positive).
    let stdout = run(&[
        "-q",
        "validate",
        path(&data2),
        "--reviews",
        path(&run2.join("reviews.csv")),
        "--lang",
        "th",
    ]);
    let precision = stdout
        .lines()
        .skip_while(|line| !line.starts_with("ความแม่นยำจากผลการตรวจสอบของนักวิเคราะห์"))
        .collect::<Vec<_>>();
    let cells = |indicator: &str| -> Vec<&str> {
        precision
            .iter()
            .find(|line| line.starts_with(&format!("{indicator} ")))
            .unwrap_or_else(|| panic!("{stdout}"))
            .split_whitespace()
            .collect()
    };
    assert_eq!(
        cells("single_bid"),
        [
            "single_bid",
            "4",
            "3",
            "1",
            "0",
            "0.75",
            "0.3006",
            "–",
            "0.9544"
        ]
    );
    assert_eq!(
        cells("contract_amendment"),
        ["contract_amendment", "0", "0", "0", "1", "–", "–"]
    );
}
