//! Tenderers that share an owner, from the data itself: the parties' beneficial owners (OCP
//! R032) and major shareholders (R033), through the real binary.

mod common;

use std::path::{Path, PathBuf};

use common::flags_of;
use serde_json::{Value, json};

/// A party that bid, with its beneficial owners and shareholders.
fn bidder(id: &str, name: &str, owners: Value, shareholders: Value) -> Value {
    json!({
        "id": id, "name": name, "roles": ["tenderer"],
        "beneficialOwners": owners, "shareholders": shareholders
    })
}

/// A compiled release of an open tender whose bidders are `parties` (each bids once), with
/// `others` among its parties too.
fn process(ocid: &str, parties: &[Value], others: &[Value]) -> String {
    let bids: Vec<Value> = parties
        .iter()
        .enumerate()
        .map(|(index, party)| {
            json!({
                "id": format!("{ocid}-bid-{index}"),
                "status": "valid",
                "tenderers": [{"id": party["id"], "name": party["name"]}],
                "value": {"amount": 100000 + index as u64 * 5000, "currency": "THB"}
            })
        })
        .collect();
    let mut all: Vec<Value> =
        vec![json!({"id": "B1", "name": "เทศบาลนครตัวอย่าง", "roles": ["buyer"]})];
    all.extend(parties.iter().cloned());
    all.extend(others.iter().cloned());
    json!({
        "ocid": ocid, "id": format!("{ocid}-1"), "date": "2024-03-01T00:00:00Z",
        "tag": ["compiled"], "initiationType": "tender",
        "buyer": {"id": "B1", "name": "เทศบาลนครตัวอย่าง"},
        "parties": all,
        "tender": {
            "id": "t", "status": "complete", "procurementMethod": "open",
            "tenderPeriod": {"startDate": "2024-01-01T00:00:00Z", "endDate": "2024-01-31T00:00:00Z"}
        },
        "bids": {"details": bids}
    })
    .to_string()
}

fn data(dir: &Path) -> PathBuf {
    let somchai = |id: &str, name: &str| json!([{"id": "1", "name": name, "identifier": {"scheme": "TH-NID", "id": id}}]);
    let holding = |id: &str, share: f64| json!([{"id": "1", "shareholder": {"id": id}, "shareholding": share}]);
    let holding_co = json!({
        "id": "H", "name": "บริษัท โฮลดิ้ง จำกัด", "roles": ["interestedParty"],
        "identifier": {"scheme": "TH-DBD", "id": "0105561000001"}
    });
    let other_holder = json!({"id": "K", "name": "Kanok Capital", "roles": ["interestedParty"]});
    let lines = [
        // The same person, by identifier written two ways; the same holding company, its
        // share written once as 0-1 and once as percent.
        process(
            "ocds-o-1",
            &[
                bidder(
                    "A",
                    "บริษัท เอ จำกัด",
                    somchai("3-1005-00123-45-6", "Somchai Jaidee"),
                    holding("H", 0.4),
                ),
                bidder(
                    "C",
                    "บริษัท ซี จำกัด",
                    somchai("3100500123456", "นายสมชาย ใจดี"),
                    holding("H", 30.0),
                ),
                bidder(
                    "D",
                    "บริษัท ดี จำกัด",
                    json!([{"id": "1", "name": "Another Person"}]),
                    json!(null),
                ),
            ],
            std::slice::from_ref(&holding_co),
        ),
        // Different owners; the holding company holds a major share of one bidder only, and
        // 10% of the other, whose major holder is another.
        process(
            "ocds-o-2",
            &[
                bidder(
                    "A",
                    "บริษัท เอ จำกัด",
                    json!([{"id": "1", "name": "Somchai Jaidee"}]),
                    holding("H", 0.5),
                ),
                bidder(
                    "E",
                    "บริษัท อี จำกัด",
                    json!([{"id": "1", "name": "Malee Srisuk"}]),
                    json!([
                        {"id": "1", "shareholder": {"id": "H"}, "shareholding": 0.1},
                        {"id": "2", "shareholder": {"id": "K"}, "shareholding": 0.6}
                    ]),
                ),
            ],
            &[holding_co, other_holder],
        ),
        // No owners published.
        process(
            "ocds-o-3",
            &[
                json!({"id": "A", "name": "บริษัท เอ จำกัด", "roles": ["tenderer"]}),
                json!({"id": "C", "name": "บริษัท ซี จำกัด", "roles": ["tenderer"]}),
            ],
            &[],
        ),
    ];
    let path = dir.join("owners.jsonl");
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    path
}

fn score(dir: &Path, input: &Path, settings: &str) -> PathBuf {
    let config = dir.join("settings.toml");
    std::fs::write(&config, settings).unwrap();
    common::score_with_config(input, &config, &dir.join("out"))
}

#[test]
fn tenderers_sharing_a_beneficial_owner_or_a_major_shareholder_are_flagged() {
    let dir = tempfile::tempdir().unwrap();
    let input = data(dir.path());
    let out = score(dir.path(), &input, "");

    // The owner as the first of its tenderers by name (in Thai order) writes it.
    let (owners, summary) = flags_of(&out, "shared_beneficial_owner");
    assert_eq!(summary["code"], "R032");
    // ocds-o-1 and ocds-o-2 have two or more tenderers with owners; ocds-o-3 none.
    assert_eq!(summary["assessable"], 2);
    assert_eq!(
        owners.into_iter().collect::<Vec<_>>(),
        [(
            "ocds-o-1".to_owned(),
            "2 tenderers share the beneficial owner นายสมชาย ใจดี in the data: บริษัท ซี จำกัด, \
             บริษัท เอ จำกัด"
                .to_owned()
        )]
    );

    let (holders, summary) = flags_of(&out, "shared_shareholder");
    assert_eq!(summary["code"], "R033");
    // ocds-o-2: both tenderers have a major shareholder, not the same one.
    assert_eq!(summary["assessable"], 2);
    assert_eq!(
        holders.into_iter().collect::<Vec<_>>(),
        [(
            "ocds-o-1".to_owned(),
            "2 tenderers share the shareholder บริษัท โฮลดิ้ง จำกัด, holding at least 25% of \
             each, in the data: บริษัท ซี จำกัด, บริษัท เอ จำกัด"
                .to_owned()
        )]
    );
    let organizations: Vec<(String, String)> = common::csv_rows(&out.join("organizations.csv"))
        .into_iter()
        .filter(|row| row["indicator"] == "shared_shareholder")
        .map(|row| (row["role"].clone(), row["organization_id"].clone()))
        .collect();
    assert_eq!(
        organizations,
        [
            ("tenderer".to_owned(), "A".to_owned()),
            ("tenderer".to_owned(), "C".to_owned())
        ]
    );
}

#[test]
fn a_lower_minimum_share_counts_smaller_holders() {
    let dir = tempfile::tempdir().unwrap();
    let input = data(dir.path());
    let out = score(
        dir.path(),
        &input,
        "[indicators.shared_shareholder]\nminimum_share = 0.1\n",
    );
    let (holders, _) = flags_of(&out, "shared_shareholder");
    assert_eq!(
        holders.keys().cloned().collect::<Vec<_>>(),
        ["ocds-o-1", "ocds-o-2"]
    );
    assert!(
        holders["ocds-o-2"].contains("at least 10% of each"),
        "{holders:?}"
    );

    // A share outside 0-1 is refused when the settings are read.
    let config = dir.path().join("bad.toml");
    std::fs::write(
        &config,
        "[indicators.shared_shareholder]\nminimum_share = 1.5\n",
    )
    .unwrap();
    let message = common::score_refused(&input, &config, &dir.path().join("refused"));
    assert!(message.contains("minimum_share"), "{message}");
}
