//! The tables for SQL and notebooks: flags, organizations, reviews and the fields' coverage as Parquet
//! beside their CSV files, holding the same rows, with the schema the README documents.

use std::path::Path;

use polars::prelude::*;

mod common;

use common::redflags;

fn parquet(path: &Path) -> DataFrame {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    ParquetReader::new(file).finish().unwrap()
}

/// The documented schema of each table: column names and types, in order.
fn schemas() -> [(&'static str, Vec<(&'static str, DataType)>); 4] {
    use DataType::*;
    [
        (
            "flags",
            vec![
                ("ocid", String),
                ("indicator", String),
                ("code", String),
                ("level", String),
                ("value", Float64),
                ("weight", Float64),
                ("family", String),
                ("counted", Boolean),
                ("evidence", String),
                ("verdict", String),
                ("comment", String),
            ],
        ),
        (
            "organizations",
            vec![
                ("indicator", String),
                ("code", String),
                ("role", String),
                ("organization_id", String),
                ("organization_name", String),
                ("value", Float64),
                ("evidence", String),
            ],
        ),
        (
            "reviews",
            vec![
                ("ocid", String),
                ("indicator", String),
                ("level", String),
                ("evidence", String),
                ("status", String),
                ("verdict", String),
                ("comment", String),
                ("reviewer", String),
                ("reviewed_at", String),
            ],
        ),
        (
            "coverage",
            vec![
                ("field", String),
                ("processes", UInt32),
                ("share", Float64),
                ("indicators", String),
            ],
        ),
    ]
}

#[test]
fn parquet_tables_hold_the_csv_rows_with_the_documented_schema() {
    let dir = tempfile::tempdir().unwrap();
    // Generated data, whose buyers and suppliers some indicators flag.
    let input = dir.path().join("generated.jsonl");
    let mut file = std::fs::File::create(&input).unwrap();
    redflags::synthetic::write(&mut file, 1000, 5).unwrap();
    for lang in ["en", "th"] {
        let out = dir.path().join(lang);
        redflags()
            .args(["-q", "score", "--lang", lang])
            .arg(&input)
            .arg("--out")
            .arg(&out)
            .assert()
            .success();
        for (name, schema) in schemas() {
            let table = parquet(&out.join(format!("{name}.parquet")));
            let columns: Vec<(&str, DataType)> = table
                .columns()
                .iter()
                .map(|column| (column.name().as_str(), column.dtype().clone()))
                .collect();
            assert_eq!(columns, schema, "{name}.parquet");
            assert!(table.height() > 0, "{name}");
            // Written as CSV, the Parquet table is the CSV file, byte for byte.
            let mut csv = Vec::new();
            redflags::output::write_csv(&mut csv, &table).unwrap();
            let written = std::fs::read(out.join(format!("{name}.csv"))).unwrap();
            assert_eq!(
                String::from_utf8_lossy(&csv),
                String::from_utf8_lossy(&written),
                "{name}"
            );
        }
    }
}

#[test]
fn the_coverage_table_counts_the_processes_with_each_field() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("coverage.jsonl");
    // Three processes: a tender period in two, a budget in one, bids in none.
    std::fs::write(
        &input,
        [
            r#"{"ocid":"ocds-c-1","date":"2024-01-01T00:00:00Z","tender":{"procurementMethod":"open","tenderPeriod":{"startDate":"2024-01-01T00:00:00Z","endDate":"2024-01-20T00:00:00Z"}},"planning":{"budget":{"amount":{"amount":10,"currency":"THB"}}}}"#,
            r#"{"ocid":"ocds-c-2","date":"2024-01-01T00:00:00Z","tender":{"procurementMethod":"open","tenderPeriod":{"endDate":"2024-01-20T00:00:00Z"}}}"#,
            r#"{"ocid":"ocds-c-3","date":"2024-01-01T00:00:00Z","tender":{"procurementMethod":"direct"}}"#,
        ]
        .join("\n"),
    )
    .unwrap();
    let out = dir.path().join("out");
    redflags()
        .args(["-q", "score"])
        .arg(&input)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let table = parquet(&out.join("coverage.parquet"));
    let fields = common::strings(&table, "field");
    let processes = table.column("processes").unwrap().u32().unwrap();
    let count = |field: &str| {
        let row = fields
            .iter()
            .position(|f| f.as_deref() == Some(field))
            .unwrap_or_else(|| panic!("{field} missing"));
        processes.get(row).unwrap()
    };
    assert_eq!(count("tender.tenderPeriod"), 2);
    assert_eq!(count("tender.tenderPeriod.startDate"), 1);
    assert_eq!(count("tender.tenderPeriod.endDate"), 2);
    assert_eq!(count("planning.budget.amount.amount"), 1);
    assert_eq!(count("tender.procurementMethod"), 3);
    assert_eq!(count("bids.details.status"), 0);
    // Every field an enabled indicator reads, once, in name order, with its readers.
    let mut sorted = fields.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(fields, sorted);
    let readers = common::strings(&table, "indicators");
    let row = fields
        .iter()
        .position(|f| f.as_deref() == Some("planning.budget.amount.amount"))
        .unwrap();
    assert_eq!(readers[row].as_deref(), Some("tender_above_budget"));
}
