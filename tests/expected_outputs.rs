//! The outputs of `score` on the bundled example and on a small generated set, compared row by
//! row with the files kept in `tests/expected/`: any change to the engine that changes a value,
//! a column or a row shows here, with the file, the row and the column.
//!
//! After a change made on purpose, rewrite the expected files with
//! `REDFLAGS_BLESS=1 cargo test --test expected_outputs` and say what changed and why in the
//! commit.

mod common;

use std::path::{Path, PathBuf};

use common::redflags;

/// The tables compared (the Parquet twins hold the same values; `summary.json` and
/// `manifest.json` hold run times and paths).
const FILES: [&str; 8] = [
    "contracts.csv",
    "flags.csv",
    "organizations.csv",
    "buyers.csv",
    "suppliers.csv",
    "validation.csv",
    "correlations.csv",
    "rejected.csv",
];

fn expected_dir(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/expected")
        .join(name)
}

/// The first difference between two CSV texts: the row (1 = the header) and, for a row of the
/// same width, the columns that differ with both values.
fn first_difference(expected: &str, actual: &str) -> Option<String> {
    let mut expected_rows = csv::Reader::from_reader(expected.as_bytes());
    let mut actual_rows = csv::Reader::from_reader(actual.as_bytes());
    let header = expected_rows.headers().ok()?.clone();
    let actual_header = actual_rows.headers().ok()?.clone();
    if header != actual_header {
        return Some(format!(
            "columns differ:\n  expected {:?}\n  actual   {:?}",
            header.iter().collect::<Vec<_>>(),
            actual_header.iter().collect::<Vec<_>>()
        ));
    }
    let mut expected_records = expected_rows.records();
    let mut actual_records = actual_rows.records();
    let mut row = 1;
    loop {
        row += 1;
        match (expected_records.next(), actual_records.next()) {
            (None, None) => return None,
            (Some(_), None) => return Some(format!("row {row} and after are missing")),
            (None, Some(_)) => return Some(format!("row {row} and after are new")),
            (Some(expected), Some(actual)) => {
                let (expected, actual) = (expected.ok()?, actual.ok()?);
                if expected != actual {
                    let cells: Vec<String> = header
                        .iter()
                        .zip(expected.iter().zip(actual.iter()))
                        .filter(|(_, (a, b))| a != b)
                        .map(|(column, (a, b))| format!("{column}: expected {a:?}, got {b:?}"))
                        .collect();
                    return Some(format!(
                        "row {row} ({}): {}",
                        expected.get(0).unwrap_or(""),
                        cells.join("; ")
                    ));
                }
            }
        }
    }
}

/// Scores `input` and compares (or, with `REDFLAGS_BLESS`, rewrites) the expected files.
fn check(name: &str, input: &Path) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    redflags()
        .arg("score")
        .arg(input)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let expected = expected_dir(name);
    let bless = std::env::var_os("REDFLAGS_BLESS").is_some();
    let mut differences = Vec::new();
    for file in FILES {
        let actual = std::fs::read_to_string(out.join(file)).unwrap();
        let path = expected.join(file);
        if bless {
            std::fs::create_dir_all(&expected).unwrap();
            std::fs::write(&path, &actual).unwrap();
            continue;
        }
        let wanted = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: {e} (bless to create it)", path.display()));
        if let Some(difference) = first_difference(&wanted, &actual) {
            differences.push(format!("{name}/{file}: {difference}"));
        }
    }
    assert!(
        differences.is_empty(),
        "outputs differ from tests/expected (REDFLAGS_BLESS=1 rewrites them after a change \
         made on purpose):\n{}",
        differences.join("\n")
    );
}

#[test]
fn the_example_gives_the_expected_outputs() {
    let example = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/bangkok-example.jsonl");
    check("example", &example);
}

#[test]
fn a_generated_set_gives_the_expected_outputs() {
    // 1,000 processes of the Thai-like world: every method, planted schemes of every kind,
    // organization-level results.
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("generated.jsonl");
    redflags()
        .args(["generate", "--processes", "1000", "--seed", "3"])
        .args(["--world", "thai_egp", "--out"])
        .arg(&data)
        .assert()
        .success();
    check("generated", &data);
}

#[test]
fn a_changed_cell_is_named_by_row_and_column() {
    let expected = "ocid,risk_score,flags\na,10,x\nb,20,y\n";
    let actual = "ocid,risk_score,flags\na,10,x\nb,25,y\n";
    assert_eq!(
        first_difference(expected, actual).as_deref(),
        Some("row 3 (b): risk_score: expected \"20\", got \"25\"")
    );
    assert!(first_difference(expected, expected).is_none());
    assert!(
        first_difference(expected, "ocid,score,flags\n")
            .unwrap()
            .starts_with("columns differ")
    );
    assert_eq!(
        first_difference(expected, "ocid,risk_score,flags\na,10,x\n").as_deref(),
        Some("row 3 and after are missing")
    );
}
