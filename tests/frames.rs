//! Frames built from compiled releases: one row per process, bid × tenderer, award ×
//! supplier, contract and classified item, with lenient values normalized.

mod common;

use polars::prelude::*;
use redflags::frames::Frames;
use redflags::ingest::merge::{compile, compile_single};
use redflags::ingest::model::Release;
use redflags::ingest::upgrade::upgrade;

fn release(json: &str) -> Release {
    let mut release: Release = serde_json::from_str(json).unwrap();
    upgrade(&mut release);
    release
}

use common::strings;

fn floats(frame: &DataFrame, name: &str) -> Vec<Option<f64>> {
    frame.column(name).unwrap().f64().unwrap().iter().collect()
}

const THAI: &str = r#"{
  "ocid": "ocds-th-001", "date": "2023-03-01T00:00:00+07:00",
  "buyer": {"id": "TH-BMA", "name": "กรุงเทพมหานคร"},
  "parties": [
    {"id": "TH-BMA", "name": "กรุงเทพมหานคร", "roles": ["buyer", "procuringEntity"]},
    {"id": "S1", "name": "บริษัท ก่อสร้างไทย จำกัด", "roles": ["tenderer", "supplier"]},
    {"id": "S2", "roles": ["tenderer"]}
  ],
  "tender": {"id": 77, "title": "ถนน", "procurementMethod": "open",
    "procuringEntity": {"id": "TH-BMA"},
    "value": {"amount": "1000000.50", "currency": "THB"},
    "tenderPeriod": {"startDate": "2023-01-01", "endDate": "2023-01-05T12:00:00Z"},
    "numberOfTenderers": "2",
    "items": [{"id": 1, "classification": {"scheme": "UNSPSC", "id": 72141000}}]},
  "bids": {"details": [
    {"id": "b1", "status": "valid", "value": {"amount": 990000, "currency": "THB"},
     "tenderers": [{"id": "S1"}, {"id": "S2", "name": "Joint venture partner"}]},
    {"id": "b2", "status": "disqualified", "value": {"amount": 900000, "currency": "THB"}}
  ]},
  "awards": [{"id": "a1", "status": "active", "date": "2023-01-20",
     "value": {"amount": 990000, "currency": "THB"}, "suppliers": [{"id": "S1"}, {"id": "S2"}],
     "items": {"id": "i", "classification": {"scheme": "UNSPSC", "id": "72141001"}}}],
  "contracts": [{"id": "c1", "awardID": "a1", "value": {"amount": 990000, "currency": "THB"},
     "amendment": {"date": "2023-06-01", "description": "more road"},
     "implementation": {"transactions": [
        {"id": "t1", "value": {"amount": 500000, "currency": "THB"}},
        {"id": "t2", "value": {"amount": 100, "currency": "USD"}},
        {"id": "t3", "amount": {"amount": 600000, "currency": "THB"}}]}}]
}"#;

#[test]
fn a_run_holds_the_columns_its_stages_read_only() {
    let releases = [compile_single(release(THAI))];
    let whole = Frames::build(&releases).unwrap();
    let frames = Frames::build_for_run(&releases).unwrap();
    for ((table, whole), (_, frame)) in whole.tables().into_iter().zip(frames.tables()) {
        let left_out = Frames::exported_only(table);
        for column in left_out {
            assert!(whole.column(column).is_ok(), "{table}.{column}");
            assert!(frame.column(column).is_err(), "{table}.{column}");
        }
        // Every other column the same, row for row.
        let expected = whole.drop_many(left_out.iter().copied());
        assert!(
            expected.equals_missing(frame),
            "{table}: {frame} against {expected}"
        );
        assert!(frame.height() > 0, "{table}");
    }
    let parties = frames.parties;
    assert_eq!(
        parties.get_column_names(),
        [
            "process",
            "party_id",
            "name",
            "contact_name",
            "email",
            "telephone",
            "street_address",
            "url",
            "beneficial_owner_keys",
            "beneficial_owner_names",
            "shareholder_keys",
            "shareholder_names",
            "shareholdings"
        ],
        "{parties}"
    );
    assert_eq!(parties.height(), 3);
}

#[test]
fn parked_columns_leave_while_the_indicators_run_and_come_back_as_they_were() {
    let frames = common::generated_frames();
    let mut parked = frames.clone();
    let file = parked.park().unwrap();
    for name in Frames::PARKED {
        assert!(frames.processes.column(name).is_ok(), "{name}");
        assert!(parked.processes.column(name).is_err(), "{name}");
    }
    assert_eq!(parked.processes.height(), frames.processes.height());
    parked.unpark(file).unwrap();
    // The same columns in the same order, row for row.
    assert!(parked.processes.equals_missing(&frames.processes));
    assert_eq!(
        parked.processes.get_column_names(),
        frames.processes.get_column_names()
    );
}

#[test]
fn every_table_holds_the_release() {
    let frames = Frames::build(&[compile_single(release(THAI))]).unwrap();
    let processes = &frames.processes;
    assert_eq!(processes.height(), 1);
    assert_eq!(
        strings(processes, "buyer_name"),
        [Some("กรุงเทพมหานคร".into())]
    );
    assert_eq!(
        strings(processes, "procuring_entity_name"),
        [Some("กรุงเทพมหานคร".into())]
    );
    assert_eq!(strings(processes, "tender_id"), [Some("77".into())]);
    assert_eq!(floats(processes, "tender_amount"), [Some(1_000_000.5)]);
    let tenderers = processes
        .column("number_of_tenderers")
        .unwrap()
        .i64()
        .unwrap()
        .get(0);
    assert_eq!(tenderers, Some(2));

    // Bid × tenderer: b1 has two tenderers, b2 none (one row with a null tenderer).
    let bids = &frames.bids;
    assert_eq!(bids.height(), 3);
    assert_eq!(
        strings(bids, "tenderer_name"),
        [
            Some("บริษัท ก่อสร้างไทย จำกัด".into()),
            Some("Joint venture partner".into()),
            None
        ]
    );
    // Award × supplier, with the supplier count for value splitting.
    let awards = &frames.awards;
    assert_eq!(awards.height(), 2);
    let counts: Vec<_> = awards
        .column("suppliers_count")
        .unwrap()
        .u32()
        .unwrap()
        .iter()
        .collect();
    assert_eq!(counts, [Some(2), Some(2)]);
    // Contracts: 1.0 `amendment` upgraded; transactions summed in the contract's currency only.
    let contracts = &frames.contracts;
    assert_eq!(
        contracts
            .column("amendments")
            .unwrap()
            .u32()
            .unwrap()
            .get(0),
        Some(1)
    );
    assert_eq!(
        floats(contracts, "transactions_amount"),
        [Some(1_100_000.0)]
    );
    assert_eq!(
        contracts
            .column("transactions_skipped")
            .unwrap()
            .u32()
            .unwrap()
            .get(0),
        Some(1)
    );
    // Items from the tender and the award (an object where an array belongs counts as one).
    assert_eq!(
        strings(&frames.items, "classification_id"),
        [Some("72141000".into()), Some("72141001".into())]
    );
    assert_eq!(
        strings(&frames.items, "section"),
        [Some("tender".into()), Some("award".into())]
    );
}

#[test]
fn dates_are_parsed_to_utc_timestamps() {
    let frames = Frames::build(&[compile_single(release(THAI))]).unwrap();
    let start = frames.processes.column("tender_start").unwrap();
    assert_eq!(
        start.dtype(),
        &DataType::Datetime(TimeUnit::Milliseconds, None)
    );
    let end = frames.processes.column("tender_end").unwrap();
    let days = (end.datetime().unwrap().physical().get(0).unwrap()
        - start.datetime().unwrap().physical().get(0).unwrap())
        / 86_400_000;
    assert_eq!(days, 4);
}

#[test]
fn releases_of_one_process_merge_into_one_row() {
    let tender = release(
        r#"{"ocid":"x","id":"1","date":"2020-01-01","tender":{"id":"t","status":"active","numberOfTenderers":3}}"#,
    );
    let award = release(
        r#"{"ocid":"x","id":"2","date":"2020-02-01","tender":{"status":"complete"},"awards":[{"id":"a","suppliers":[{"id":"s"}]}]}"#,
    );
    let frames = Frames::build(&[compile(vec![award, tender])]).unwrap();
    assert_eq!(frames.processes.height(), 1);
    assert_eq!(
        strings(&frames.processes, "tender_status"),
        [Some("complete".into())]
    );
    let tenderers = frames
        .processes
        .column("number_of_tenderers")
        .unwrap()
        .i64()
        .unwrap()
        .get(0);
    assert_eq!(tenderers, Some(3));
    assert_eq!(strings(&frames.awards, "supplier_id"), [Some("s".into())]);
}

#[test]
fn no_releases_give_empty_tables_with_their_columns() {
    let frames = Frames::build(&[]).unwrap();
    for (name, table) in frames.tables() {
        assert_eq!(table.height(), 0, "{name}");
        assert!(table.width() > 3, "{name}");
    }
}

/// Whether each row's (process, index) is at or after the row before's.
fn in_process_and_index_order(table: &DataFrame, index: &str) -> bool {
    let processes = table.column("process").unwrap().u32().unwrap();
    let indices = table.column(index).unwrap().u32().unwrap();
    let pairs: Vec<_> = processes
        .into_no_null_iter()
        .zip(indices.into_no_null_iter())
        .collect();
    pairs.is_sorted()
}

/// The award items of `items` (section `award`), in the table's order.
fn award_items(items: &DataFrame) -> DataFrame {
    items
        .clone()
        .lazy()
        .filter(col("section").cast(DataType::String).eq(lit("award")))
        .collect()
        .unwrap()
}

/// The derived tables mark the packed keys of bids and awards sorted without sorting them
/// (`redflags::domain::ascending`), and `heterogeneous_supplier` those of the award items:
/// that holds only if the frames hold each process's bids, awards and award items in index
/// (award) order, processes in key order, as here on generated and on real data (processes
/// merged from several releases among them).
#[test]
fn bids_and_awards_come_in_process_and_index_order() {
    let mut all = vec![("generated".to_owned(), common::generated_frames())];
    if let Some(real) = common::shared_sample("data/real") {
        for publisher in std::fs::read_dir(&real).unwrap() {
            for kind in ["releases", "records"] {
                let folder = publisher.as_ref().unwrap().path().join(kind);
                let (_, frames) = redflags::run::load(&[folder.display().to_string()]).unwrap();
                all.push((folder.display().to_string(), frames));
            }
        }
    }
    let (mut bids, mut awards, mut award_items_seen) = (0, 0, 0);
    for (name, frames) in &all {
        bids += frames.bids.height();
        awards += frames.awards.height();
        assert!(
            in_process_and_index_order(&frames.bids, "bid_index"),
            "{name}: bids"
        );
        assert!(
            in_process_and_index_order(&frames.awards, "award_index"),
            "{name}: awards"
        );
        let items = award_items(&frames.items);
        award_items_seen += items.height();
        assert!(
            in_process_and_index_order(&items, "parent_index"),
            "{name}: award items"
        );
    }
    // (About 1,100 award items in all.)
    assert!(award_items_seen > 800, "{award_items_seen} award items");
    // The generated processes hold about 2,800 bids and 1,100 awards, the real samples a
    // dozen bids and about 60 awards.
    let real = if all.len() > 1 { (10, 50) } else { (0, 0) };
    assert!(
        bids > 2_000 + real.0 && awards > 800 + real.1,
        "{bids} bids, {awards} awards"
    );
}
