//! The outputs in the language asked for (`--lang th`): the sentences a person reads — the
//! evidence of flags.csv and organizations.csv, the reasons of rejected.csv — in Thai, with
//! Thai dates and numbers, and every value the same as in English, through the real binary.

use std::path::Path;

mod common;

use common::{csv_rows, example, redflags};

fn score(out: &Path, args: &[&str]) {
    redflags()
        .args(["-q", "score"])
        .arg(example())
        .arg("--out")
        .arg(out)
        .args(args)
        .assert()
        .success();
}

fn thai(text: &str) -> bool {
    text.chars().any(|c| ('\u{0e00}'..='\u{0e7f}').contains(&c))
}

/// Asserts that two CSV files hold the same rows but for the column `sentence`, which must be
/// Thai in every row of `thai`, and returns the Thai sentences.
fn same_but_thai(english: &Path, thai_file: &Path, sentence: &str) -> Vec<String> {
    let (english, thai_rows) = (csv_rows(english), csv_rows(thai_file));
    assert_eq!(english.len(), thai_rows.len());
    let mut sentences = Vec::new();
    for (english, thai_row) in english.iter().zip(&thai_rows) {
        assert!(thai(&thai_row[sentence]), "{thai_row:?}");
        assert_ne!(english[sentence], thai_row[sentence]);
        let mut rest = thai_row.clone();
        rest.insert(sentence.to_owned(), english[sentence].clone());
        assert_eq!(&rest, english);
        sentences.push(thai_row[sentence].clone());
    }
    sentences
}

/// Asserts that the files are the same bytes in both folders.
fn assert_same_bytes(one: &Path, two: &Path, files: &[&str]) {
    for file in files {
        assert_eq!(
            std::fs::read(one.join(file)).unwrap(),
            std::fs::read(two.join(file)).unwrap(),
            "{file}"
        );
    }
}

#[test]
fn score_lang_th_writes_thai_evidence_and_reasons_with_the_same_values() {
    let dir = tempfile::tempdir().unwrap();
    let (en, th) = (dir.path().join("en"), dir.path().join("th"));
    score(&en, &[]);
    score(&th, &["--lang", "th"]);

    let flags = csv_rows(&th.join("flags.csv"));
    assert!(!flags.is_empty());
    let sentences = same_but_thai(&en.join("flags.csv"), &th.join("flags.csv"), "evidence");
    // Thai words, Buddhist Era dates (2567 = 2024) and no English date.
    let short = flags
        .iter()
        .position(|row| row["indicator"] == "short_tender_period")
        .unwrap();
    assert!(sentences[short].contains("วันเต็ม"), "{}", sentences[short]);
    assert!(sentences[short].contains("2567"), "{}", sentences[short]);
    assert!(!sentences[short].contains("2024-"), "{}", sentences[short]);
    // Amounts with thousands separators.
    assert!(
        sentences
            .iter()
            .any(|sentence| sentence.contains(",000") && sentence.contains("THB")),
        "{sentences:#?}"
    );
    same_but_thai(
        &en.join("organizations.csv"),
        &th.join("organizations.csv"),
        "evidence",
    );
    let reasons = same_but_thai(&en.join("rejected.csv"), &th.join("rejected.csv"), "reason");
    assert!(reasons[0].starts_with("ไม่ใช่ JSON"), "{reasons:?}");
    // The tables of values are the same bytes.
    let values = [
        "contracts.csv",
        "contracts.parquet",
        "buyers.csv",
        "suppliers.csv",
    ];
    assert_same_bytes(&en, &th, &values);

    // In Thai with Common Era dates when asked.
    let gregorian = dir.path().join("gregorian");
    score(&gregorian, &["--lang", "th", "--calendar", "gregorian"]);
    let flags = csv_rows(&gregorian.join("flags.csv"));
    assert!(
        flags[short]["evidence"].contains("2024"),
        "{:?}",
        flags[short]
    );
    assert!(thai(&flags[short]["evidence"]));
}

/// English is the default, and `--lang en` the same bytes (tests/expected_outputs.rs holds
/// them).
#[test]
fn english_stays_the_default() {
    let dir = tempfile::tempdir().unwrap();
    let (default, english) = (dir.path().join("default"), dir.path().join("en"));
    score(&default, &[]);
    score(&english, &["--lang", "en"]);
    let files = [
        "flags.csv",
        "organizations.csv",
        "rejected.csv",
        "contracts.csv",
    ];
    assert_same_bytes(&default, &english, &files);
}

/// The printed report of `check` and of `validate`, in English and with `--lang th`.
fn printed(command: &str, args: &[&str]) -> String {
    let output = redflags()
        .args(["-q", command])
        .arg(example())
        .args(args)
        .output()
        .unwrap();
    assert!(output.status.success(), "{command}");
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn check_and_validate_print_their_headings_in_thai() {
    for command in ["check", "validate"] {
        let english = printed(command, &[]);
        let thai_text = printed(command, &["--lang", "th"]);
        let lines: Vec<(&str, &str)> = english.lines().zip(thai_text.lines()).collect();
        assert_eq!(
            english.lines().count(),
            thai_text.lines().count(),
            "{command}"
        );
        let mut headings = 0;
        for (english_line, thai_line) in lines {
            // A heading, or a table's column names: the data rows start with a field path, an
            // indicator or a code, in lower case, or with an OCP code (`R018`), OCP's title
            // after it in English.
            let ocp_code = english_line.len() > 4
                && english_line.starts_with('R')
                && english_line[1..4].bytes().all(|b| b.is_ascii_digit());
            let heading = (english_line.starts_with(|c: char| c.is_ascii_uppercase()) && !ocp_code)
                || english_line.contains(" contracting processes in ")
                || ["field ", "indicator ", "path ", "code "]
                    .iter()
                    .any(|start| english_line.starts_with(start));
            if heading {
                headings += 1;
                assert!(
                    thai(thai_line),
                    "{command}: {english_line:?} -> {thai_line:?}"
                );
            }
            if english_line != thai_line {
                assert!(thai(thai_line), "{command}: {thai_line:?}");
            }
        }
        assert!(headings >= 4, "{command}: {headings} headings");
    }
}
