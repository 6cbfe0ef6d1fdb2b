//! The lists the user gives (`[lists]`), and the indicators that read them, through the real
//! binary: `debarred_bidder` (OCP R046).

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Value, json};

use common::{csv_rows, flags_of, redflags, score_refused};

/// A process with one bid per (tenderer id, tenderer name), the first of them winning, on
/// `date` (a day: the bids', the award's and the tender's start), and `parties` with their
/// identifiers.
fn process(ocid: &str, date: &str, tenderers: &[(&str, &str)], parties: Value) -> String {
    let org = |(id, name): &(&str, &str)| json!({"id": id, "name": name});
    let bids: Vec<Value> = tenderers
        .iter()
        .enumerate()
        .map(|(index, tenderer)| {
            json!({"id": index.to_string(), "status": "valid", "date": format!("{date}T09:00:00Z"),
                   "value": {"amount": 1000 + index, "currency": "THB"}, "tenderers": [org(tenderer)]})
        })
        .collect();
    let awards = match tenderers.first() {
        Some(winner) => json!([{"id": "a", "status": "active", "date": format!("{date}T10:00:00Z"),
                                "value": {"amount": 1000, "currency": "THB"}, "suppliers": [org(winner)]}]),
        None => json!([]),
    };
    json!({
        "ocid": ocid,
        "id": format!("{ocid}-1"),
        "date": format!("{date}T12:00:00Z"),
        "tag": ["compiled"],
        "buyer": {"id": "TH-B1", "name": "สำนักงานเขตตัวอย่าง"},
        "parties": parties,
        "tender": {"id": "t", "procurementMethod": "open",
                   "tenderPeriod": {"startDate": format!("{date}T00:00:00Z")}},
        "bids": {"details": bids},
        "awards": awards,
    })
    .to_string()
}

fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// The data: one process per case.
fn data(dir: &Path) -> std::path::PathBuf {
    let lines = [
        // Matched by the registered identifier its party gives (the list writes it with the
        // scheme prefix and dashes).
        process(
            "ocds-l-1",
            "2024-03-01",
            &[("TH-S1", "Alpha Trading Co., Ltd."), ("TH-S9", "Clean Co")],
            json!([{"id": "TH-S1", "name": "Alpha Trading Co., Ltd.", "roles": ["tenderer", "supplier"],
                    "identifier": {"scheme": "TH-DGA", "id": "0105561234567"}}]),
        ),
        // A losing tenderer matched by its id.
        process(
            "ocds-l-2",
            "2024-03-01",
            &[("TH-S9", "Clean Co"), ("TH-S2", "Beta")],
            json!([]),
        ),
        // Matched by its Thai name only, written otherwise on the list.
        process(
            "ocds-l-3",
            "2024-03-01",
            &[("TH-S3", "บริษัท ชัยเทรดดิ้ง จำกัด")],
            json!([]),
        ),
        // The same name, after the entry's last day: not flagged.
        process(
            "ocds-l-4",
            "2025-06-01",
            &[("TH-S3", "บริษัท ชัยเทรดดิ้ง จำกัด")],
            json!([]),
        ),
        // Its id matches no entry, but its name is an entry's: it is matched by name (the
        // entry's own id is another firm's).
        process(
            "ocds-l-5",
            "2024-03-01",
            &[("TH-S5", "Gamma Ltd")],
            json!([]),
        ),
        // No tenderer or supplier: not assessable.
        process("ocds-l-6", "2024-03-01", &[], json!([])),
        // Clean.
        process(
            "ocds-l-7",
            "2024-03-01",
            &[("TH-S9", "Clean Co")],
            json!([]),
        ),
    ];
    write(dir, "data.jsonl", &(lines.join("\n") + "\n"))
}

const LIST: &str = "id,name,from,to,source\n\
    TH-DGA-0105-561-234567,,,,CGD 2024/1\n\
    TH-S2,,01/01/2567,,CGD 2024/2\n\
    ,บจก.ชัยเทรดดิ้ง,2024-01-01,2024-12-31,CGD 2024/3\n\
    0999999999999,Gamma Limited,,,World Bank\n";

fn score(
    dir: &Path,
    input: &Path,
    config: Option<&Path>,
) -> (Vec<BTreeMap<String, String>>, Value) {
    let out = dir.join("out");
    let _ = std::fs::remove_dir_all(&out);
    let mut command = redflags();
    command
        .arg("-q")
        .arg("score")
        .arg(input)
        .arg("--out")
        .arg(&out);
    if let Some(config) = config {
        command.arg("--config").arg(config);
    }
    let output = command.output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let flags = csv_rows(&out.join("flags.csv"))
        .into_iter()
        .filter(|row| row["indicator"] == "debarred_bidder")
        .collect();
    let summary: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let indicator = summary["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["indicator"] == "debarred_bidder")
        .cloned()
        .unwrap_or(Value::Null);
    (flags, indicator)
}

#[test]
fn debarred_bidders_are_found_by_identifier_id_and_name_within_the_entry_dates() {
    let dir = tempfile::tempdir().unwrap();
    let input = data(dir.path());
    let lists = dir.path().join("lists");
    std::fs::create_dir(&lists).unwrap();
    write(&lists, "debarred.csv", LIST);
    // The list's path is relative to the settings file.
    let config = write(
        dir.path(),
        "settings.toml",
        "[lists]\ndebarred = \"lists/debarred.csv\"\n",
    );
    let (flags, summary) = score(dir.path(), &input, Some(&config));
    let process: BTreeMap<&str, &str> = flags
        .iter()
        .filter(|row| row["level"] == "process")
        .map(|row| (row["ocid"].as_str(), row["evidence"].as_str()))
        .collect();
    assert_eq!(
        process.keys().copied().collect::<Vec<_>>(),
        ["ocds-l-1", "ocds-l-2", "ocds-l-3", "ocds-l-5"]
    );
    assert_eq!(
        process["ocds-l-1"],
        "supplier Alpha Trading Co., Ltd. is on the debarment list (CGD 2024/1, line 2: \
         TH-DGA-0105-561-234567), matched by its registered identifier, on 2024-03-01; 1 of \
         the process's organizations matched"
    );
    assert!(
        process["ocds-l-2"].starts_with(
            "tenderer Beta is on the debarment list (CGD 2024/2, line 3: TH-S2), matched by its id"
        ),
        "{}",
        process["ocds-l-2"]
    );
    assert!(
        process["ocds-l-3"].contains("line 4: บจก.ชัยเทรดดิ้ง), matched by its name only"),
        "{}",
        process["ocds-l-3"]
    );
    assert!(
        process["ocds-l-5"]
            .contains("(World Bank, line 5: Gamma Limited), matched by its name only"),
        "{}",
        process["ocds-l-5"]
    );
    // Six processes have a tenderer or supplier; four are flagged.
    assert_eq!(summary["assessable"], 6);
    assert_eq!(summary["flagged"], 4);
    assert_eq!(summary["code"], "R046");
    // Each matched organization is flagged too, in its role.
    let organizations: Vec<(String, String, String)> =
        csv_rows(&dir.path().join("out/organizations.csv"))
            .into_iter()
            .filter(|row| row["indicator"] == "debarred_bidder")
            .map(|row| {
                (
                    row["role"].clone(),
                    row["organization_id"].clone(),
                    row["evidence"].clone(),
                )
            })
            .collect();
    let expected = |role: &str, id: &str, ocids: &str| {
        (
            role.to_owned(),
            id.to_owned(),
            format!("took part while on the debarment list in 1 process(es), e.g. {ocids}"),
        )
    };
    for (role, id, ocid) in [
        ("supplier", "TH-S1", "ocds-l-1"),
        ("tenderer", "TH-S1", "ocds-l-1"),
        ("tenderer", "TH-S2", "ocds-l-2"),
        ("supplier", "TH-S3", "ocds-l-3"),
        ("tenderer", "TH-S3", "ocds-l-3"),
        ("supplier", "TH-S5", "ocds-l-5"),
        ("tenderer", "TH-S5", "ocds-l-5"),
    ] {
        assert!(
            organizations.contains(&expected(role, id, ocid)),
            "{role} {id}: {organizations:?}"
        );
    }
    assert_eq!(organizations.len(), 7, "{organizations:?}");

    // In Thai.
    let out = dir.path().join("out-th");
    redflags()
        .args(["-q", "score", "--lang", "th", "--out"])
        .arg(&out)
        .arg("--config")
        .arg(&config)
        .arg(&input)
        .assert()
        .success();
    let thai = csv_rows(&out.join("flags.csv"));
    let thai = thai
        .iter()
        .find(|row| row["indicator"] == "debarred_bidder" && row["ocid"] == "ocds-l-3")
        .unwrap();
    assert!(
        thai["evidence"].starts_with("ผู้ขาย บริษัท ชัยเทรดดิ้ง จำกัด อยู่ในรายชื่อผู้ถูกห้ามเข้าเสนอราคา"),
        "{}",
        thai["evidence"]
    );
    assert!(
        thai["evidence"].contains("1 มี.ค. 2567"),
        "{}",
        thai["evidence"]
    );
}

#[test]
fn without_the_list_nothing_is_assessable_and_check_says_which_file() {
    let dir = tempfile::tempdir().unwrap();
    let input = data(dir.path());
    // It does not run: no flags, and no column that would lower every process's completeness.
    let (flags, summary) = score(dir.path(), &input, None);
    assert!(flags.is_empty());
    assert_eq!(summary, Value::Null);
    let contracts = csv_rows(&dir.path().join("out/contracts.csv"));
    assert!(!contracts[0].contains_key("debarred_bidder"));
    let output = redflags().arg("check").arg(&input).output().unwrap();
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    let line = text
        .lines()
        .find(|line| line.starts_with("debarred_bidder "))
        .unwrap();
    assert!(line.contains("[lists] debarred: no file given"), "{line}");
}

#[test]
fn a_bad_list_stops_the_run_before_the_data_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let input = data(dir.path());
    write(
        dir.path(),
        "debarred.csv",
        "id,name,from\nTH-S1,A,2024-01-01\nTH-S2,B,2024-13-01\n",
    );
    let config = write(
        dir.path(),
        "settings.toml",
        "[lists]\ndebarred = \"debarred.csv\"\n",
    );
    let error = score_refused(&input, &config, &dir.path().join("out"));
    assert!(
        error.contains("debarred.csv, line 3, field `from`: \"2024-13-01\" is not a date"),
        "{error}"
    );
    // A missing file too.
    let config = write(
        dir.path(),
        "missing.toml",
        "[lists]\ndebarred = \"nowhere.csv\"\n",
    );
    let error = score_refused(&input, &config, &dir.path().join("out"));
    assert!(error.contains("nowhere.csv"), "{error}");
}

const REGISTER: &str = "id,name,registered,address,owners\n\
    0105561234567,\"Alpha Trading Co., Ltd.\",2024-02-01,\"99 ซอยสุขุมวิท 31, กรุงเทพฯ\",Somchai Jaidee; Fund X\n\
    TH-S9,Clean Co,01/01/2553,99 ซอยสุขุมวิท 31 กรุงเทพฯ,SOMCHAI  JAIDEE\n\
    TH-S2,Beta,2015-01-01,1 Other Road,\n\
    ,บริษัท ชัยเทรดดิ้ง จำกัด,2023-01-01,,\n";

/// Scores `input` with the list `key` (`register`, ...) holding `text`, into `dir`'s `out`.
fn score_with_list(dir: &Path, input: &Path, key: &str, text: &str) -> std::path::PathBuf {
    write(dir, &format!("{key}.csv"), text);
    let config = write(
        dir,
        "settings.toml",
        &format!("[lists]\n{key} = \"{key}.csv\"\n"),
    );
    common::score_with_config(input, &config, &dir.join("out"))
}

#[test]
fn the_register_finds_unregistered_young_and_commonly_owned_bidders() {
    let dir = tempfile::tempdir().unwrap();
    let input = data(dir.path());
    let out = score_with_list(dir.path(), &input, "register", REGISTER);

    // Gamma Ltd is in no entry; the others are found by identifier, id or name.
    let (unregistered, summary) = flags_of(&out, "unregistered_bidder");
    assert_eq!(summary["assessable"], 6);
    assert_eq!(
        unregistered.into_iter().collect::<Vec<_>>(),
        [(
            "ocds-l-5".to_owned(),
            "supplier Gamma Ltd is not in the company register (1 of the process's 1 \
             organizations are not)"
                .to_owned()
        )]
    );
    assert_eq!(summary["code"], "R045");

    // Alpha was registered 29 days before its award; Clean Co in 2010 (2553 BE); ชัยเทรดดิ้ง
    // 425 days before.
    let (young, summary) = flags_of(&out, "young_supplier");
    assert_eq!(summary["assessable"], 5);
    assert_eq!(
        young.into_iter().collect::<Vec<_>>(),
        [(
            "ocds-l-1".to_owned(),
            "supplier Alpha Trading Co., Ltd. was registered on 2024-02-01, 29 days before its \
             award on 2024-03-01 (matched by its registered identifier)"
                .to_owned()
        )]
    );

    // Alpha and Clean Co, both bidding in ocds-l-1, share Somchai Jaidee (written otherwise).
    let (shared, summary) = flags_of(&out, "shared_owner");
    assert_eq!(summary["assessable"], 1);
    assert_eq!(
        shared.into_iter().collect::<Vec<_>>(),
        [(
            "ocds-l-1".to_owned(),
            "2 tenderers share the owner Somchai Jaidee in the company register: Alpha Trading \
             Co., Ltd., Clean Co"
                .to_owned()
        )]
    );
    let organizations: Vec<(String, String)> = csv_rows(&out.join("organizations.csv"))
        .into_iter()
        .filter(|row| row["indicator"] == "shared_owner")
        .map(|row| (row["role"].clone(), row["organization_id"].clone()))
        .collect();
    assert_eq!(
        organizations,
        [
            ("tenderer".to_owned(), "TH-S1".to_owned()),
            ("tenderer".to_owned(), "TH-S9".to_owned())
        ]
    );
    // Alpha and Clean Co are at one address, written otherwise; Clean Co and Beta are not.
    let (shared, summary) = flags_of(&out, "shared_address");
    assert_eq!(summary["assessable"], 2);
    assert_eq!(
        shared.into_iter().collect::<Vec<_>>(),
        [(
            "ocds-l-1".to_owned(),
            "2 tenderers share the address 99 ซอยสุขุมวิท 31, กรุงเทพฯ in the company register: \
             Alpha Trading Co., Ltd., Clean Co"
                .to_owned()
        )]
    );
    // Without the debarment list, debarred_bidder does not run.
    assert_eq!(flags_of(&out, "debarred_bidder").1, Value::Null);
}

/// A process whose one bid and award go to `T`, a party with this contact point and address.
fn contact_process(ocid: &str, contact: Value, address: Value) -> String {
    json!({
        "ocid": ocid,
        "date": "2024-03-01T00:00:00Z",
        "buyer": {"id": "B", "name": "สำนักงานเขต"},
        "parties": [{"id": "T", "name": format!("บริษัท {ocid} จำกัด"), "roles": ["tenderer", "supplier"],
                     "contactPoint": contact, "address": address}],
        "bids": {"details": [{"id": "1", "status": "valid", "tenderers": [{"id": "T"}]}]},
        "awards": [{"id": "a", "status": "active", "suppliers": [{"id": "T"}]}],
    })
    .to_string()
}

#[test]
fn abnormal_contacts_are_found_by_telephone_address_and_e_mail() {
    let dir = tempfile::tempdir().unwrap();
    let lines = [
        contact_process("c-1", json!({"telephone": "+66 2 000 0000"}), Value::Null),
        contact_process(
            "c-2",
            json!({"email": "ok@firm.co.th"}),
            json!({"streetAddress": "99 Shared Office Tower, Bangkok"}),
        ),
        contact_process("c-3", json!({"email": "ok@firm.co.th"}), Value::Null),
        contact_process("c-4", Value::Null, Value::Null),
    ];
    let input = write(dir.path(), "data.jsonl", &(lines.join("\n") + "\n"));
    let out = score_with_list(
        dir.path(),
        &input,
        "contacts",
        "kind,value,note\ntelephone,02-000-0000,a virtual office\naddress,99 shared office tower bangkok,\n",
    );
    let (flags, summary) = flags_of(&out, "abnormal_contact");
    assert_eq!(summary["assessable"], 3);
    assert_eq!(summary["code"], "R042");
    assert_eq!(
        flags.into_iter().collect::<Vec<_>>(),
        [
            (
                "c-1".to_owned(),
                "บริษัท c-1 จำกัด gives the telephone 02-000-0000, on line 2 of the list of \
                 abnormal contact details; note: a virtual office"
                    .to_owned()
            ),
            (
                "c-2".to_owned(),
                "บริษัท c-2 จำกัด gives the address 99 shared office tower bangkok, on line 3 of \
                 the list of abnormal contact details; note: (none)"
                    .to_owned()
            ),
        ]
    );
}

#[test]
fn the_plan_finds_direct_awards_it_set_to_be_competed_for() {
    let dir = tempfile::tempdir().unwrap();
    let process = |ocid: &str, buyer: (&str, &str), method: &str, date: &str, cpv: &str| {
        json!({
            "ocid": ocid, "id": format!("{ocid}-1"), "date": format!("{date}T12:00:00Z"),
            "tag": ["compiled"],
            "buyer": {"id": buyer.0, "name": buyer.1},
            "tender": {"id": "t", "procurementMethod": method,
                       "tenderPeriod": {"startDate": format!("{date}T00:00:00Z")},
                       "items": [{"id": "1", "classification": {"scheme": "CPV", "id": cpv}}]},
        })
        .to_string()
    };
    let city = ("TH-B1", "สำนักงานเขตตัวอย่าง");
    let lines = [
        // Planned for e-bidding, bought directly: flagged.
        process("ocds-p-1", city, "direct", "2024-06-01", "45233120"),
        // Planned for the specific method: not flagged.
        process("ocds-p-2", city, "direct", "2024-06-01", "30192000"),
        // Outside the plan's year: not assessed.
        process("ocds-p-3", city, "direct", "2025-06-01", "45233120"),
        // Bought by e-bidding as planned: not a direct award, not assessed.
        process("ocds-p-4", city, "open", "2024-06-01", "45233120"),
        // A buyer matched by its name only, its plan setting selective tendering.
        process(
            "ocds-p-5",
            ("TH-B2", "เทศบาลนครตัวอย่าง"),
            "limited",
            "2024-02-01",
            "3310",
        ),
    ];
    let input = write(dir.path(), "data.jsonl", &lines.join("\n"));
    let plan = "id,name,classification,method,from,to\n\
                TH-B1,,4523,open,01/01/2567,31/12/2567\n\
                TH-B1,,3019,direct,01/01/2567,31/12/2567\n\
                ,เทศบาลนครตัวอย่าง,,selective,2024-01-01,2024-12-31\n";
    let out = score_with_list(dir.path(), &input, "plan", plan);
    let (flags, summary) = flags_of(&out, "unplanned_direct_award");
    assert_eq!(
        flags.keys().map(String::as_str).collect::<Vec<_>>(),
        ["ocds-p-1", "ocds-p-5"]
    );
    assert_eq!(
        flags["ocds-p-1"],
        "method 'direct' where the procurement plan set 'open' (TH-B1, classification 4523, line 2, \
         matched by its id); 1 row(s) of the plan set a competitive method"
    );
    assert!(
        flags["ocds-p-5"].contains("matched by its name only"),
        "{}",
        flags["ocds-p-5"]
    );
    assert_eq!(summary["assessable"], 3);
}
