//! Knowing the data before trusting its flags: `check`, `coverage`, `prepare` and the
//! `[prepare]` corrections in `score`, through the real binary.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

mod common;

use common::{csv_rows, redflags};

type Row = BTreeMap<String, String>;

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn json_file(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// A compiled release in the shape of a Thai city's export: its own buyer, tenderers and
/// supplier (so that no organization-level flag links it to another process), two valid bids,
/// one award, one contract, all dates in the Common Era.
fn thai_process(n: u32) -> Value {
    let buyer = json!({"id": format!("TH-B{n}"), "name": format!("สำนักงานเขตตัวอย่าง {n}")});
    let winner = json!({"id": format!("TH-S{n}"), "name": format!("บริษัท ตัวอย่าง {n} จำกัด")});
    let other = json!({"id": format!("TH-T{n}"), "name": format!("ห้างหุ้นส่วนจำกัด ตัวอย่าง {n}")});
    let estimate = 1_000_000 + 10_000 * n;
    json!({
        "ocid": format!("ocds-th-test-{n:04}"),
        "id": format!("ocds-th-test-{n:04}-compiled"),
        "date": "2024-03-01T10:00:00+07:00",
        "tag": ["compiled"],
        "buyer": buyer,
        "parties": [
            {"id": buyer["id"], "name": buyer["name"], "roles": ["buyer", "procuringEntity"]},
            {"id": winner["id"], "name": winner["name"], "roles": ["tenderer", "supplier"]},
            {"id": other["id"], "name": other["name"], "roles": ["tenderer"]}
        ],
        "planning": {"budget": {"amount": {"amount": estimate + 200_000, "currency": "THB"}}},
        "tender": {
            "id": format!("T{n}"),
            "title": format!("ก่อสร้างถนนคอนกรีตเสริมเหล็ก ซอย {n}"),
            "status": "complete",
            "procurementMethod": "open",
            "procurementMethodDetails": "e-bidding",
            "mainProcurementCategory": "works",
            "value": {"amount": estimate, "currency": "THB"},
            "procuringEntity": buyer,
            "tenderPeriod": {
                "startDate": "2024-01-10T09:00:00+07:00",
                "endDate": "2024-01-24T09:00:00+07:00"
            },
            "numberOfTenderers": 2,
            "tenderers": [winner, other]
        },
        "bids": {"details": [
            {"id": "1", "status": "valid", "value": {"amount": estimate - 50_000, "currency": "THB"},
             "tenderers": [winner]},
            {"id": "2", "status": "valid", "value": {"amount": estimate - 10_000, "currency": "THB"},
             "tenderers": [other]}
        ]},
        "awards": [{
            "id": format!("A{n}"),
            "status": "active",
            "date": "2024-02-10T10:00:00+07:00",
            "value": {"amount": estimate - 50_000, "currency": "THB"},
            "suppliers": [winner]
        }],
        "contracts": [{
            "id": format!("C{n}"),
            "awardID": format!("A{n}"),
            "status": "active",
            "dateSigned": "2024-02-20T10:00:00+07:00",
            "period": {"startDate": "2024-03-01T00:00:00+07:00", "endDate": "2024-09-01T00:00:00+07:00"},
            "value": {"amount": estimate - 50_000, "currency": "THB"}
        }]
    })
}

fn lines(processes: &[Value]) -> String {
    processes.iter().map(|p| format!("{p}\n")).collect()
}

/// Runs `score` and returns the output folder's contracts, flags and summary.
fn score(input: &Path, config: Option<&Path>, out: &Path) -> (Vec<Row>, Vec<Row>, Value) {
    let mut command = redflags();
    command.arg("score").arg(input).arg("--out").arg(out);
    if let Some(config) = config {
        command.arg("--config").arg(config);
    }
    command.assert().success();
    (
        csv_rows(&out.join("contracts.csv")),
        csv_rows(&out.join("flags.csv")),
        json_file(&out.join("summary.json")),
    )
}

/// Runs `check --out` and returns its printed report, quality.csv and quality.json.
fn check(input: &Path, config: Option<&Path>, out: &Path) -> (String, Vec<Row>, Value) {
    let mut command = redflags();
    command.arg("check").arg(input).arg("--out").arg(out);
    if let Some(config) = config {
        command.arg("--config").arg(config);
    }
    let output = command.output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    (
        String::from_utf8(output.stdout).unwrap(),
        csv_rows(&out.join("quality.csv")),
        json_file(&out.join("quality.json")),
    )
}

/// A finding expected: its kind, its path and part of its value.
type Expected = (&'static str, &'static str, &'static str);

fn has(rows: &[Row], kind: &str, path: &str, value: &str) -> bool {
    rows.iter()
        .any(|row| row["kind"] == kind && row["path"] == path && row["value"].contains(value))
}

#[test]
fn check_names_the_real_problems_of_every_publisher() {
    let Some(real) = common::shared_sample("data/real") else {
        return;
    };
    // For each publisher, (kind, path, value) that the check must find.
    let expected: [(&str, &[Expected]); 6] = [
        (
            "colombia",
            &[
                ("duplicate_id", "awards/id", "4817054"),
                ("duplicate_id", "contracts/id", ""),
                (
                    "not_in_codelist",
                    "awards/status",
                    "MARTHA ZULENY TORRES BEJARANO",
                ),
                ("wrong_type", "awards/id", "4817054"),
                ("ocds_1_0", "buyer/identifier", ""),
            ],
        ),
        (
            "moldova",
            &[
                ("ocds_1_0", "tender/amendment", ""),
                (
                    "not_in_codelist",
                    "tender/procurementMethod",
                    "Licitaţie publică",
                ),
                ("not_in_codelist", "tender/status", "Evaluarea ofertelor"),
                ("not_in_codelist", "awards/value/currency", "mdl"),
            ],
        ),
        (
            "nigeria",
            &[
                (
                    "ocds_1_0",
                    "contracts/implementation/transactions/amount",
                    "",
                ),
                ("placeholder_amount", "awards/value/amount", "0"),
                ("wrong_type", "planning/budget/value", ""),
                ("end_before_start", "contracts/period/endDate", "2014-12-15"),
            ],
        ),
        (
            "paraguay",
            &[
                ("ocds_1_0", "awards/suppliers/identifier", ""),
                (
                    "not_in_codelist",
                    "tender/items/classification/scheme",
                    "Catálogo",
                ),
            ],
        ),
        (
            "uk-contracts-finder",
            &[("duplicate_ocid", "ocid", "ocds-b5fd17-")],
        ),
        (
            "ukraine",
            &[
                ("not_in_codelist", "bids/details/status", "active"),
                ("ocds_1_0", "bids/details/tenderers/identifier", ""),
            ],
        ),
    ];
    for (publisher, findings) in expected {
        let out = tempfile::tempdir().unwrap();
        let (printed, rows, summary) = check(&real.join(publisher), None, out.path());
        for (kind, path, value) in findings {
            assert!(
                has(&rows, kind, path, value),
                "{publisher}: no {kind} at {path} ({value})\n{printed}"
            );
            assert!(printed.contains(kind), "{publisher}: {kind} not printed");
        }
        // The summary covers every field and every indicator; the table holds every finding.
        let fields = summary["fields"].as_array().unwrap();
        assert!(fields.iter().any(|f| f["field"] == "bids/details/status"));
        assert_eq!(
            summary["indicators"].as_array().unwrap().len(),
            redflags::indicators::REGISTRY.len()
        );
        assert_eq!(
            summary["counts"]["findings"].as_u64().unwrap() as usize,
            rows.len()
        );
        let header: BTreeSet<&str> = rows[0].keys().map(String::as_str).collect();
        for column in [
            "source", "line", "ocid", "path", "indexes", "value", "problem",
        ] {
            assert!(header.contains(column), "{column}");
        }
    }
    // Paraguay's empty files and records without data are counted as rejected.
    let out = tempfile::tempdir().unwrap();
    let (printed, _, summary) = check(&real.join("paraguay"), None, out.path());
    assert_eq!(summary["counts"]["rejected"], 5);
    assert!(printed.contains("5 inputs rejected"), "{printed}");
    // The UK publishes its method only in procurementMethodDetails: a local code to map.
    let out = tempfile::tempdir().unwrap();
    let (printed, _, summary) = check(&real.join("uk-contracts-finder"), None, out.path());
    let local = summary["local_codes"].as_array().unwrap();
    assert!(
        local
            .iter()
            .any(|c| c["code"] == "Open procedure" && c["codelist"] == "method")
    );
    assert!(printed.contains("Open procedure"));
    // Ukraine's bid statuses hold back every bid indicator, and say so.
    let out = tempfile::tempdir().unwrap();
    let (printed, _, summary) = check(&real.join("ukraine"), None, out.path());
    let indicators = summary["indicators"].as_array().unwrap();
    let lowest = indicators
        .iter()
        .find(|i| i["indicator"] == "lowest_bid_disqualified")
        .unwrap();
    assert_eq!(lowest["held_back_by"][0]["field"], "bids/details/status");
    assert_eq!(lowest["held_back_by"][0]["unusable"], 24);
    assert!(
        printed.contains("bids/details/status (45.5%, 24 unusable)"),
        "{printed}"
    );
}

#[test]
fn buddhist_era_dates_are_reported_and_converted() {
    let dir = tempfile::tempdir().unwrap();
    // A Thai export with every date of one process in the Buddhist Era (2567 = 2024),
    // 29 February included, which is no date at all in a year 2567.
    let mut processes: Vec<Value> = (1..=3).map(thai_process).collect();
    let text = processes[1].to_string().replace("\"2024-", "\"2567-");
    processes[1] = serde_json::from_str(&text).unwrap();
    processes[1]["awards"][0]["date"] = json!("2567-02-29T10:00:00+07:00");
    let input = write(dir.path(), "thai.jsonl", &lines(&processes));

    let (printed, rows, summary) = check(&input, None, &dir.path().join("check"));
    let era: Vec<&Row> = rows
        .iter()
        .filter(|r| r["kind"] == "buddhist_era")
        .collect();
    assert!(era.iter().all(|r| r["ocid"] == "ocds-th-test-0002"));
    assert!(has(&rows, "buddhist_era", "awards/date", "2567-02-29"));
    assert!(has(
        &rows,
        "buddhist_era",
        "tender/tenderPeriod/startDate",
        "2567-01-10"
    ));
    assert!(
        !rows.iter().any(|r| r["kind"] == "bad_date"),
        "a BE year is not a bad date"
    );
    assert!(
        printed.contains("Buddhist Era: the data's dates are mostly in 2024"),
        "{printed}"
    );
    // The default settings convert them (auto): the check lists each correction.
    let corrected: Vec<&Row> = rows.iter().filter(|r| r["kind"] == "corrected").collect();
    assert!(
        corrected
            .iter()
            .all(|r| r["problem"].contains("(buddhist_era)"))
    );
    assert!(corrected.iter().any(|r| r["path"] == "awards/date"
        && r["problem"].ends_with("2567-02-29T10:00:00+07:00 → 2024-02-29T10:00:00+07:00")));
    assert_eq!(
        summary["corrections"]["by_kind"]["buddhist_era"]
            .as_u64()
            .unwrap() as usize,
        corrected.len()
    );

    let (contracts, _, summary) = score(&input, None, &dir.path().join("auto"));
    assert_eq!(contracts[1]["tender_start"], "2024-01-10T02:00:00Z");
    assert_eq!(contracts[1]["award_date"], "2024-02-29T03:00:00Z");
    assert_eq!(contracts[1]["tender_end"], contracts[0]["tender_end"]);
    // The scoring counts the same corrections (the data holds only fields it reads).
    assert_eq!(
        summary["corrections"]["by_kind"]["buddhist_era"]
            .as_u64()
            .unwrap() as usize,
        corrected.len()
    );
    assert_eq!(summary["settings"]["prepare"]["buddhist_era"], "auto");

    let never = write(
        dir.path(),
        "never.toml",
        "[prepare]\nbuddhist_era = \"never\"\n",
    );
    let (contracts, _, summary) = score(&input, Some(&never), &dir.path().join("never"));
    assert_eq!(contracts[1]["tender_start"], "2567-01-10T02:00:00Z");
    assert_eq!(
        contracts[1]["award_date"], "",
        "29 February 2567 does not exist"
    );
    assert_eq!(summary["corrections"]["total"], 0);

    // "always": every year is Buddhist Era, even one that looks like the Common Era.
    let always = write(
        dir.path(),
        "always.toml",
        "[prepare]\nbuddhist_era = \"always\"\n",
    );
    let (contracts, _, _) = score(&input, Some(&always), &dir.path().join("always"));
    assert_eq!(contracts[0]["tender_start"], "1481-01-10T02:00:00Z");
    assert_eq!(contracts[1]["tender_start"], "2024-01-10T02:00:00Z");
}

#[test]
fn placeholder_amounts_are_reported_and_removed() {
    let dir = tempfile::tempdir().unwrap();
    let mut processes: Vec<Value> = (1..=3).map(thai_process).collect();
    processes[0]["tender"]["value"]["amount"] = json!(0);
    processes[2]["awards"][0]["value"]["amount"] = json!(999_999_999);
    let input = write(dir.path(), "thai.jsonl", &lines(&processes));

    let (_, rows, _) = check(&input, None, &dir.path().join("check"));
    let placeholders: Vec<(&str, &str)> = rows
        .iter()
        .filter(|r| r["kind"] == "placeholder_amount")
        .map(|r| (r["ocid"].as_str(), r["path"].as_str()))
        .collect();
    assert_eq!(
        placeholders,
        [
            ("ocds-th-test-0001", "tender/value/amount"),
            ("ocds-th-test-0003", "awards/value/amount")
        ]
    );

    let config = write(
        dir.path(),
        "prepare.toml",
        "[prepare]\nplaceholder_amounts = [0, 999999999]\n",
    );
    let (before, _, _) = score(&input, None, &dir.path().join("before"));
    let (after, _, summary) = score(&input, Some(&config), &dir.path().join("after"));
    assert_eq!(before[0]["tender_amount"], "0");
    assert_eq!(after[0]["tender_amount"], "");
    assert_eq!(before[2]["award_amount"], "999999999");
    assert_eq!(after[2]["award_amount"], "");
    assert_eq!(after[1]["tender_amount"], before[1]["tender_amount"]);
    assert_eq!(summary["corrections"]["by_kind"]["placeholder_amount"], 2);
    // With the same settings, the check lists the two corrections.
    let (_, rows, _) = check(&input, Some(&config), &dir.path().join("check2"));
    let corrected = rows.iter().filter(|r| r["kind"] == "corrected").count();
    assert_eq!(corrected, 2);
}

/// The indicators that read a field (by their catalogue's OCDS fields), as slugs.
fn readers(path: &str) -> BTreeSet<String> {
    redflags::indicators::REGISTRY
        .iter()
        .map(|indicator| indicator.metadata())
        .filter(|metadata| {
            metadata.fields.iter().any(|field| {
                let field = field.replace('.', "/");
                path == field || path.starts_with(&format!("{field}/"))
            })
        })
        .map(|metadata| metadata.slug.to_owned())
        .collect()
}

#[test]
fn corrections_change_the_scores_exactly_where_they_apply() {
    let dir = tempfile::tempdir().unwrap();
    let mut processes: Vec<Value> = (1..=8).map(thai_process).collect();
    // 2: the tender's end date in the Buddhist Era (the rest in the Common Era).
    processes[1]["tender"]["tenderPeriod"]["endDate"] = json!("2567-01-24T09:00:00+07:00");
    // 3: a zero estimate, a placeholder for "unknown".
    processes[2]["tender"]["value"]["amount"] = json!(0);
    // 5: the method only in its Thai name.
    processes[4]["tender"]
        .as_object_mut()
        .unwrap()
        .remove("procurementMethod");
    processes[4]["tender"]["procurementMethodDetails"] = json!("วิธีเฉพาะเจาะจง");
    let input = write(dir.path(), "thai.jsonl", &lines(&processes));
    let plain = write(
        dir.path(),
        "plain.toml",
        "[prepare]\nbuddhist_era = \"never\"\n",
    );
    let prepared = write(
        dir.path(),
        "prepared.toml",
        "[prepare]\nbuddhist_era = \"auto\"\nplaceholder_amounts = [0]\n\
         [prepare.map.procurement_method]\n\"วิธีเฉพาะเจาะจง\" = \"direct\"\n",
    );
    let (plain_contracts, plain_flags, _) = score(&input, Some(&plain), &dir.path().join("a"));
    let (contracts, flags, summary) = score(&input, Some(&prepared), &dir.path().join("b"));
    let expected_corrections = json!({
        "total": 3,
        "by_kind": {"buddhist_era": 1, "map_procurement_method": 1, "placeholder_amount": 1}
    });
    assert_eq!(summary["corrections"], expected_corrections);

    // What each corrected process had corrected, as `check` lists it.
    let (_, rows, _) = check(&input, Some(&prepared), &dir.path().join("check"));
    let mut corrected: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for row in rows.iter().filter(|r| r["kind"] == "corrected") {
        corrected
            .entry(row["ocid"].clone())
            .or_default()
            .insert(row["path"].clone());
    }
    let expected: BTreeMap<String, BTreeSet<String>> = [
        ("ocds-th-test-0002", "tender/tenderPeriod/endDate"),
        ("ocds-th-test-0003", "tender/value/amount"),
        ("ocds-th-test-0005", "tender/procurementMethod"),
    ]
    .into_iter()
    .map(|(ocid, path)| (ocid.to_owned(), BTreeSet::from([path.to_owned()])))
    .collect();
    assert_eq!(corrected, expected);

    // contracts.csv, row by row: every difference is on a corrected process, in a column its
    // corrected fields feed (ranks and percentiles, which compare processes, left out).
    let indicators: BTreeSet<String> = redflags::indicators::REGISTRY
        .iter()
        .map(|i| i.metadata().slug.to_owned())
        .collect();
    let relative = ["percentile", "rank_score", "rank_value_at_risk"];
    let mut changed: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    assert_eq!(plain_contracts.len(), contracts.len());
    for (before, after) in plain_contracts.iter().zip(&contracts) {
        assert_eq!(before["ocid"], after["ocid"]);
        for (column, value) in before {
            if relative.contains(&column.as_str()) || after[column] == *value {
                continue;
            }
            changed
                .entry(before["ocid"].clone())
                .or_default()
                .insert(column.clone());
        }
    }
    let changed_ocids: BTreeSet<&String> = changed.keys().collect();
    let corrected_ocids: BTreeSet<&String> = corrected.keys().collect();
    assert_eq!(changed_ocids, corrected_ocids, "{changed:?}");
    for (ocid, columns) in &changed {
        let allowed: BTreeSet<String> = corrected[ocid].iter().flat_map(|p| readers(p)).collect();
        for column in columns.iter().filter(|c| indicators.contains(*c)) {
            assert!(
                allowed.contains(column),
                "{ocid}: {column} changed, {allowed:?}"
            );
        }
    }
    let value = |rows: &[Row], ocid: &str, column: &str| -> String {
        rows.iter().find(|r| r["ocid"] == ocid).unwrap()[column].clone()
    };
    // The tender period: 543 years before, 14 days after.
    let ocid = "ocds-th-test-0002";
    assert_eq!(value(&plain_contracts, ocid, "short_tender_period"), "0");
    assert_eq!(value(&contracts, ocid, "short_tender_period"), "1");
    assert_eq!(
        value(&plain_contracts, ocid, "contract_before_tender_end"),
        "1"
    );
    assert_eq!(value(&contracts, ocid, "contract_before_tender_end"), "0");
    // The estimate: a zero estimate "within the budget" before; no estimate after.
    let ocid = "ocds-th-test-0003";
    assert_eq!(value(&plain_contracts, ocid, "tender_amount"), "0");
    assert_eq!(value(&contracts, ocid, "tender_amount"), "");
    assert_eq!(value(&plain_contracts, ocid, "tender_above_budget"), "0");
    assert_eq!(value(&contracts, ocid, "tender_above_budget"), "");
    // The method: a direct award once mapped.
    let ocid = "ocds-th-test-0005";
    assert_eq!(value(&plain_contracts, ocid, "procurement_method"), "");
    assert_eq!(value(&contracts, ocid, "procurement_method"), "direct");
    assert_eq!(value(&contracts, ocid, "non_open_procedure"), "1");

    // flags.csv: the raised flags differ on the corrected processes only, by their indicators.
    let key = |row: &Row| (row["ocid"].clone(), row["indicator"].clone());
    let before: BTreeSet<_> = plain_flags.iter().map(key).collect();
    let after: BTreeSet<_> = flags.iter().map(key).collect();
    for (ocid, indicator) in before.symmetric_difference(&after) {
        let allowed: BTreeSet<String> = corrected
            .get(ocid)
            .unwrap_or_else(|| panic!("{ocid} is not corrected but its {indicator} changed"))
            .iter()
            .flat_map(|p| readers(p))
            .collect();
        assert!(allowed.contains(indicator), "{ocid}: {indicator}");
    }
    assert!(after.contains(&("ocds-th-test-0002".into(), "short_tender_period".into())));
    assert!(before.contains(&(
        "ocds-th-test-0002".into(),
        "contract_before_tender_end".into()
    )));
    assert!(after.contains(&("ocds-th-test-0005".into(), "non_open_procedure".into())));
}

#[test]
fn prepared_releases_score_as_the_corrected_data() {
    let dir = tempfile::tempdir().unwrap();
    let mut processes: Vec<Value> = (1..=4).map(thai_process).collect();
    processes[0]["tender"]["tenderPeriod"]["endDate"] = json!("2567-01-24T09:00:00+07:00");
    processes[1]["awards"][0]["id"] = json!(77);
    processes[1]["contracts"][0]["awardID"] = json!(77);
    processes[2]["bids"]["details"][1]["status"] = json!("ไม่ผ่าน");
    processes[3]["awards"][0]
        .as_object_mut()
        .unwrap()
        .remove("status");
    processes[3]["tender"]["documents"] = json!([{"id": "d1", "url": "https://example.org/d1"}]);
    // Only the buyer is among the parties, and without its role.
    processes[0]["parties"] = json!([{"id": "TH-B1", "name": "สำนักงานเขตตัวอย่าง 1"}]);
    let input = write(dir.path(), "thai.jsonl", &lines(&processes));
    let config = write(
        dir.path(),
        "prepare.toml",
        "[prepare]\nparty_roles = true\n[prepare.defaults]\naward_status = \"active\"\n\
         [prepare.map.bid_status]\n\"ไม่ผ่าน\" = \"disqualified\"\n",
    );
    let prepared = dir.path().join("prepared.jsonl");
    let output = redflags()
        .arg("prepare")
        .arg(&input)
        .arg("--config")
        .arg(&config)
        .arg("--out")
        .arg(&prepared)
        .output()
        .unwrap();
    assert!(output.status.success());
    let said = String::from_utf8(output.stderr).unwrap();
    assert!(said.contains("4 compiled releases written"), "{said}");
    let text = std::fs::read_to_string(&prepared).unwrap();
    let releases: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(releases.len(), 4);
    assert_eq!(
        releases[0]["tender"]["tenderPeriod"]["endDate"],
        "2024-01-24T09:00:00+07:00"
    );
    assert_eq!(releases[1]["awards"][0]["id"], "77", "ids as text");
    assert_eq!(releases[2]["bids"]["details"][1]["status"], "disqualified");
    assert_eq!(releases[3]["awards"][0]["status"], "active");
    let parties: Vec<(String, Value)> = releases[0]["parties"]
        .as_array()
        .unwrap()
        .iter()
        .map(|party| {
            (
                party["id"].as_str().unwrap().to_owned(),
                party["roles"].clone(),
            )
        })
        .collect();
    assert_eq!(
        parties,
        [
            ("TH-B1".to_owned(), json!(["buyer", "procuringEntity"])),
            ("TH-S1".to_owned(), json!(["tenderer", "supplier"])),
            ("TH-T1".to_owned(), json!(["tenderer"])),
        ]
    );
    // Every field is kept, not only those the scoring reads.
    assert_eq!(
        releases[3]["tender"]["documents"][0]["url"],
        "https://example.org/d1"
    );
    assert_eq!(
        releases[3]["tender"]["title"],
        processes[3]["tender"]["title"]
    );

    // Scoring the prepared file gives what scoring the raw file with the corrections gives.
    let (from_raw, flags_raw, _) = score(&input, Some(&config), &dir.path().join("raw"));
    let (from_prepared, flags_prepared, _) = score(&prepared, None, &dir.path().join("prepared"));
    assert_eq!(from_raw, from_prepared);
    assert_eq!(flags_raw, flags_prepared);
}

#[test]
fn coverage_counts_the_non_empty_values_of_every_path() {
    let dir = tempfile::tempdir().unwrap();
    let mut processes: Vec<Value> = (1..=3).map(thai_process).collect();
    processes[2]["tender"]["procurementMethod"] = json!("");
    processes[2]["awards"][0]["suppliers"] = json!([]);
    let input = write(dir.path(), "thai.jsonl", &lines(&processes));
    let output = redflags().arg("coverage").arg(&input).output().unwrap();
    assert!(output.status.success());
    let counts: BTreeMap<String, u64> = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(counts["ocid"], 3);
    assert_eq!(counts["tender/procurementMethod"], 2);
    assert_eq!(counts["awards/suppliers"], 2);
    assert_eq!(counts["awards/suppliers/id"], 2);
    assert_eq!(counts["tender/tenderers/id"], 6);
    assert_eq!(counts["parties/roles"], 9);
    assert!(!counts.contains_key("awards/0/id"), "indexes are dropped");
}

#[test]
fn the_built_in_codelists_are_those_of_the_ocds_schema() {
    use redflags::codelists;
    let Some(folder) = common::shared_sample("schema/codelists") else {
        return;
    };
    for (file, codelist) in [
        ("tenderStatus.csv", &codelists::TENDER_STATUS),
        ("awardStatus.csv", &codelists::AWARD_STATUS),
        ("contractStatus.csv", &codelists::CONTRACT_STATUS),
        ("method.csv", &codelists::METHOD),
        ("procurementCategory.csv", &codelists::PROCUREMENT_CATEGORY),
        ("partyRole.csv", &codelists::PARTY_ROLE),
        (
            "itemClassificationScheme.csv",
            &codelists::ITEM_CLASSIFICATION_SCHEME,
        ),
        ("currency.csv", &codelists::CURRENCY),
    ] {
        let mut reader = csv::Reader::from_path(folder.join(file)).unwrap();
        let codes: Vec<String> = reader
            .records()
            .map(|record| record.unwrap()[0].to_owned())
            .collect();
        assert_eq!(codes, codelist.codes, "{file}");
    }
}

#[test]
fn the_prepare_settings_are_documented_and_checked() {
    let output = redflags().arg("init").output().unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    for line in [
        "[prepare]",
        "buddhist_era = \"auto\"",
        "placeholder_amounts = []",
        "[prepare.defaults]",
        "[prepare.map]",
    ] {
        assert!(text.contains(line), "{line}");
    }
    let dir = tempfile::tempdir().unwrap();
    let config = write(
        dir.path(),
        "bad.toml",
        "[prepare.map.award_status]\n\"อนุมัติ\" = \"approved\"\n",
    );
    let input = write(dir.path(), "a.jsonl", &lines(&[thai_process(1)]));
    let said = common::score_refused(&input, &config, &dir.path().join("out"));
    assert!(
        said.contains("prepare.map.award_status") && said.contains("approved"),
        "{said}"
    );
}

#[test]
fn suspected_unit_errors_and_reversed_periods_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let mut processes: Vec<Value> = (1..=7).map(thai_process).collect();
    for process in &mut processes {
        process["buyer"] = json!({"id": "TH-B0", "name": "สำนักงานเขตตัวอย่าง"});
    }
    // An award 100 times its estimate: a decimal point lost.
    let estimate = processes[0]["tender"]["value"]["amount"].as_f64().unwrap();
    processes[0]["awards"][0]["value"]["amount"] = json!(estimate * 100.0);
    // An award a thousand times the buyer's median, with no estimate to compare with.
    processes[1]["tender"]
        .as_object_mut()
        .unwrap()
        .remove("value");
    processes[1]["awards"][0]["value"]["amount"] = json!(990_000_000_000.0);
    // A contract that ends before it starts.
    processes[2]["contracts"][0]["period"]["endDate"] = json!("2023-09-01T00:00:00+07:00");
    let input = write(dir.path(), "thai.jsonl", &lines(&processes));
    let (printed, rows, _) = check(&input, None, &dir.path().join("check"));
    let found: Vec<(&str, &str, &str)> = rows
        .iter()
        .filter(|r| r["kind"] == "unit_error" || r["kind"] == "end_before_start")
        .map(|r| (r["ocid"].as_str(), r["path"].as_str(), r["kind"].as_str()))
        .collect();
    assert_eq!(
        found,
        [
            ("ocds-th-test-0001", "awards/value/amount", "unit_error"),
            ("ocds-th-test-0002", "awards/value/amount", "unit_error"),
            (
                "ocds-th-test-0003",
                "contracts/period/endDate",
                "end_before_start"
            ),
        ]
    );
    assert!(printed.contains("100× the tender estimate"), "{printed}");
    let median = rows
        .iter()
        .find(|r| r["ocid"] == "ocds-th-test-0002")
        .unwrap();
    assert!(
        median["problem"].contains("the median award of its buyer"),
        "{median:?}"
    );
}

/// Runs `check --out --lang th` and returns quality.csv.
fn check_in_thai(input: &Path, out: &Path) -> Vec<Row> {
    redflags()
        .args(["check", "--lang", "th"])
        .arg(input)
        .arg("--out")
        .arg(out)
        .assert()
        .success();
    csv_rows(&out.join("quality.csv"))
}

/// Asserts that the Thai findings are the English ones with every problem in Thai: the
/// catalogue has each sentence the check wrote, and nothing else changed.
fn assert_findings_in_thai(english: &[Row], thai: &[Row]) {
    let translator = redflags::sentences::Translator::new(redflags::evidence::Language::new(
        redflags::locale::Lang::Th,
        redflags::locale::Calendar::Buddhist,
    ));
    assert_eq!(english.len(), thai.len());
    for (english, thai) in english.iter().zip(thai) {
        let problem = &english["problem"];
        let translated = translator
            .translated(problem)
            .unwrap_or_else(|| panic!("no Thai sentence for {problem:?}"));
        assert_eq!(thai["problem"], translated);
        assert!(
            translated
                .chars()
                .any(|c| ('\u{0e00}'..='\u{0e7f}').contains(&c))
        );
        let mut rest = thai.clone();
        rest.insert("problem".to_owned(), problem.clone());
        assert_eq!(&rest, english);
    }
}

#[test]
fn findings_are_written_in_thai_with_lang_th() {
    let dir = tempfile::tempdir().unwrap();
    let mut processes: Vec<Value> = (1..=6).map(thai_process).collect();
    let p = &mut processes;
    p[0]["tender"]["value"]["amount"] = json!(0);
    p[0]["awards"][0]["value"]["amount"] = json!("950000");
    p[0]["bids"]["details"][1]["status"] = json!("ผ่าน");
    p[0]["awards"][0]["status"] = json!("Active");
    p[1]["tender"]["tenderPeriod"]["startDate"] = json!("2567-01-10T09:00:00+07:00");
    p[1]["awards"][0]["date"] = json!("10/02/2024");
    p[1]["tender"]["numberOfTenderers"] = json!("2");
    p[2]["contracts"][0]["period"]["endDate"] = json!("2023-01-01T00:00:00+07:00");
    p[2]["awards"][0]["id"] = json!(7);
    p[2]["awards"][0]["value"]["amount"] = json!(-5);
    p[3]["awards"][0]["value"]["amount"] = json!(101_000_000);
    p[3]["tender"]["numberOfTenderers"] = json!(-1);
    p[4]["contracts"][0]["amendment"] = json!({"date": "2024-05-01T00:00:00+07:00"});
    p[4]["tender"]["procurementMethod"] = json!("e-bidding");
    p[4]["tender"]["value"]["amount"] = json!(999_999_999);
    p[5]["awards"] = json!(p[5]["awards"][0].clone());
    p[5]["tender"]["tenderPeriod"]["endDate"] = json!("1800-01-01T00:00:00Z");
    let duplicate = p[5].clone();
    p.push(duplicate);
    let input = write(dir.path(), "thai.jsonl", &lines(&processes));
    let (_, english, _) = check(&input, None, &dir.path().join("en"));
    let kinds: BTreeSet<&str> = english.iter().map(|row| row["kind"].as_str()).collect();
    assert!(kinds.len() >= 8, "{kinds:?}");
    let thai = check_in_thai(&input, &dir.path().join("th"));
    assert_findings_in_thai(&english, &thai);
}

#[test]
fn every_finding_on_the_real_samples_has_a_thai_sentence() {
    let Some(real) = common::shared_sample("data/real") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (_, english, _) = check(&real, None, &dir.path().join("en"));
    let thai = check_in_thai(&real, &dir.path().join("th"));
    assert_findings_in_thai(&english, &thai);
}

#[test]
fn the_ocp_coverage_listing_reads_every_publisher() {
    let Some(real) = common::shared_sample("data/real") else {
        return;
    };
    // (publisher, processes, codes with the share of processes they can assess, a code none
    // can assess and the field that keeps them from it)
    type Publisher = (
        &'static str,
        u64,
        &'static [(&'static str, f64)],
        (&'static str, &'static str),
    );
    let expected: [Publisher; 6] = [
        (
            "colombia",
            21,
            &[("R003", 23.8), ("R059", 90.5), ("R063", 90.5)],
            ("R018", "tender/numberOfTenderers"),
        ),
        (
            "moldova",
            51,
            &[("R003", 100.0), ("R018", 100.0), ("R019", 45.1)],
            ("R020", "complaints/id"),
        ),
        (
            "nigeria",
            12,
            &[("R016", 100.0), ("R061", 83.3), ("R049", 100.0)],
            ("R014", "tender/bidOpening/date"),
        ),
        (
            "paraguay",
            12,
            &[("R017", 83.3), ("R029", 91.7), ("R003", 0.0)],
            ("R013", "tender/procurementMethod"),
        ),
        (
            "uk-contracts-finder",
            11,
            &[("R043", 100.0), ("R029", 100.0), ("R018", 0.0)],
            ("R071", "awards/hasSubcontracting"),
        ),
        (
            "ukraine",
            11,
            &[("R022", 45.5), ("R038", 45.5), ("R060", 81.8)],
            ("R039", "tender/enquiries/date"),
        ),
    ];
    for (publisher, processes, shares, (blocked, field)) in expected {
        let output = redflags()
            .args(["indicators", "--json", "--coverage"])
            .arg(real.join(publisher))
            .output()
            .unwrap();
        assert!(output.status.success(), "{publisher}");
        let found: Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(found["processes"], processes, "{publisher}");
        let codes = found["codes"].as_array().unwrap();
        let listed: Vec<&str> = codes.iter().map(|c| c["code"].as_str().unwrap()).collect();
        let every: Vec<String> = (1..=73).map(|n| format!("R{n:03}")).collect();
        assert_eq!(listed, every, "{publisher}");
        let code = |code: &str| codes.iter().find(|c| c["code"] == code).unwrap();
        for (name, share) in shares {
            assert_eq!(code(name)["share"], *share, "{publisher} {name}");
        }
        let blocked = code(blocked);
        assert_eq!(blocked["assessable"], 0, "{publisher}");
        assert!(
            blocked["missing"]
                .as_array()
                .unwrap()
                .iter()
                .any(|m| m["path"] == field && m["needed_by"].as_u64().unwrap() > 0),
            "{publisher}: {blocked}"
        );
        // What redflags does with each code is given, and its reason where it cannot.
        assert_eq!(code("R018")["indicators"], json!(["single_bid"]));
        assert_eq!(code("R046")["indicators"], json!(["debarred_bidder"]));
        assert_eq!(code("R042")["indicators"], json!(["abnormal_contact"]));
        assert_eq!(
            code("R033")["indicators"],
            json!(["shared_shareholder", "shared_owner"])
        );
        assert!(code("R041")["redflags"].as_str().unwrap().contains("files"));
    }
}

#[test]
fn the_ocp_coverage_listing_is_in_check_and_in_thai() {
    let dir = tempfile::tempdir().unwrap();
    let processes: Vec<Value> = (1..=3).map(thai_process).collect();
    let input = write(dir.path(), "thai.jsonl", &lines(&processes));
    let output = redflags()
        .args(["indicators", "--lang", "th", "--coverage"])
        .arg(&input)
        .output()
        .unwrap();
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.starts_with("ธงแดงตามรายการของ OCP ใน 3 กระบวนการ"),
        "{text}"
    );
    assert!(text.contains("ยังไม่ได้ทำ"), "{text}");
    assert_eq!(
        text.lines().filter(|line| line.starts_with('R')).count(),
        73
    );
    let (report, _, summary) = check(&input, None, &dir.path().join("out"));
    assert!(
        report.contains("OCP's red flags on 3 processes"),
        "{report}"
    );
    let ocp = summary["ocp"]["codes"].as_array().unwrap();
    assert_eq!(ocp.len(), 73);
    let r018 = ocp.iter().find(|c| c["code"] == "R018").unwrap();
    assert_eq!(r018["share"], 100.0);
}
