//! `redflags generate` and its worlds: the same world and seed give the same bytes, the
//! schemes are planted at their rates in every world, every line is a well-formed compiled
//! release shaped as its world says, clean processes stay clear of the strong schemes, and
//! the indicators find what was planted. (Where the score ranks the planted processes is
//! measured, not asserted: `cargo run --example detection`.)

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::Path;

use redflags::synthetic::detection::{Truth, measure_world, read_truth};
use redflags::synthetic::{OCID_PREFIX, SCHEMES, WORLDS, WorldSettings};
use serde_json::Value;

mod common;
use common::redflags;

/// Runs `redflags generate` into `data` and `truth` in `dir`.
fn generate(dir: &Path, processes: u64, seed: u64, data: &str, truth: &str) {
    redflags()
        .args(["generate", "--processes", &processes.to_string()])
        .args(["--seed", &seed.to_string(), "--out"])
        .arg(dir.join(data))
        .arg("--truth")
        .arg(dir.join(truth))
        .assert()
        .success();
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The truth file as ocid → schemes, checking that its lines are in ocid order.
fn truth(path: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let text = String::from_utf8(read(path)).unwrap();
    let mut truth = BTreeMap::new();
    let mut previous = String::new();
    for line in text.lines() {
        let value: Value = serde_json::from_str(line).unwrap();
        let ocid = value["ocid"].as_str().unwrap().to_owned();
        assert!(ocid > previous, "{ocid} after {previous}");
        let schemes: BTreeSet<String> = value["schemes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|scheme| scheme.as_str().unwrap().to_owned())
            .collect();
        assert!(!schemes.is_empty(), "{line}");
        previous.clone_from(&ocid);
        truth.insert(ocid, schemes);
    }
    truth
}

#[test]
fn the_same_seed_gives_the_same_bytes_and_another_seed_other_bytes() {
    let dir = tempfile::tempdir().unwrap();
    generate(dir.path(), 2_000, 7, "a.jsonl", "a-truth.jsonl");
    generate(dir.path(), 2_000, 7, "b.jsonl.gz", "b-truth.jsonl");
    generate(dir.path(), 2_000, 8, "c.jsonl", "c-truth.jsonl");
    let first = read(&dir.path().join("a.jsonl"));
    let mut second = Vec::new();
    flate2::read::GzDecoder::new(&read(&dir.path().join("b.jsonl.gz"))[..])
        .read_to_end(&mut second)
        .unwrap();
    assert_eq!(first, second, "the same data, gzip-compressed or not");
    assert_eq!(
        read(&dir.path().join("a-truth.jsonl")),
        read(&dir.path().join("b-truth.jsonl"))
    );
    assert!(!truth(&dir.path().join("a-truth.jsonl")).is_empty());
    assert_ne!(first, read(&dir.path().join("c.jsonl")));
    assert_ne!(
        read(&dir.path().join("a-truth.jsonl")),
        read(&dir.path().join("c-truth.jsonl"))
    );
    // Without --out (or with `-`), the same bytes on standard output.
    for out in [None, Some("-")] {
        let mut command = redflags();
        command.args(["generate", "-p", "2000", "-s", "7"]);
        if let Some(out) = out {
            command.args(["--out", out]);
        }
        let output = command.output().unwrap();
        assert!(output.status.success());
        assert!(output.stdout == first, "standard output differs");
    }
    // The library writes the same.
    let mut library = Vec::new();
    redflags::synthetic::write(&mut library, 2_000, 7).unwrap();
    assert!(library == first);
}

/// A regular file is replaced whole; a symbolic link (like a device or a pipe) is written
/// through, not replaced.
#[cfg(unix)]
#[test]
fn a_symbolic_link_is_written_through() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("target.jsonl");
    std::fs::write(&target, "old").unwrap();
    let link = dir.path().join("link.jsonl");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    redflags()
        .args(["generate", "-p", "50", "-q", "--out"])
        .arg(&link)
        .assert()
        .success();
    assert!(std::fs::symlink_metadata(&link).unwrap().is_symlink());
    let mut expected = Vec::new();
    redflags::synthetic::write(&mut expected, 50, 1).unwrap();
    assert!(read(&target) == expected);
    // Nothing is left behind in the folder.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
}

/// Each world written by the library twice with the same seed: the same bytes; the worlds
/// differ from each other; `--world` writes the library's bytes.
#[test]
fn every_world_gives_the_same_bytes_for_the_same_seed() {
    let mut seen = Vec::new();
    for world in &WORLDS {
        let (first, first_truth) = world_data(world, 1_000, 4);
        let (second, second_truth) = world_data(world, 1_000, 4);
        assert!(first == second, "{}", world.name);
        assert_eq!(first_truth, second_truth, "{}", world.name);
        assert!(
            !seen.contains(&first),
            "{} repeats another world",
            world.name
        );
        seen.push(first);
    }
    let output = redflags()
        .args([
            "generate", "-p", "1000", "-s", "4", "--world", "thai_egp", "-q",
        ])
        .output()
        .unwrap();
    assert!(output.status.success());
    assert!(String::from_utf8(output.stdout).unwrap() == seen[1]);
    // The default world is the baseline.
    let mut baseline = Vec::new();
    redflags::synthetic::write(&mut baseline, 1_000, 4).unwrap();
    assert!(String::from_utf8(baseline).unwrap() == seen[0]);
    // An unknown world is a usage error that lists the worlds.
    redflags()
        .args(["generate", "-p", "10", "--world", "atlantis"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("direct_concentrated"));
}

/// `processes` processes of `world` with `seed`, written by the library: the data and the
/// truth.
fn world_data(world: &WorldSettings, processes: u64, seed: u64) -> (String, Truth) {
    let (mut data, mut truth) = (Vec::new(), Vec::new());
    let planted =
        redflags::synthetic::write_world_with_truth(&mut data, &mut truth, world, processes, seed)
            .unwrap();
    let truth = read_truth(std::str::from_utf8(&truth).unwrap()).unwrap();
    assert_eq!(planted.with_schemes, truth.len() as u64);
    (String::from_utf8(data).unwrap(), truth)
}

/// In every world, each scheme's share of 20,000 processes is within four standard deviations
/// of its rate (split purchases come in groups of 2 to 4, which widens theirs).
#[test]
fn the_schemes_are_planted_at_their_rates_in_every_world() {
    const PROCESSES: u64 = 20_000;
    for world in &WORLDS {
        let (data, truth) = world_data(world, PROCESSES, 3);
        let ocids: BTreeSet<&str> = data
            .lines()
            .map(|line| {
                let start = line.find(OCID_PREFIX).unwrap();
                &line[start..start + OCID_PREFIX.len() + 10]
            })
            .collect();
        assert_eq!(ocids.len() as u64, PROCESSES);
        assert!(truth.keys().all(|ocid| ocids.contains(ocid.as_str())));
        for scheme in SCHEMES {
            let count = truth
                .values()
                .filter(|schemes| schemes.contains(scheme.slug))
                .count();
            let share = count as f64 / PROCESSES as f64;
            let clustering = if scheme.slug == "split_purchase" {
                2.85
            } else {
                1.0
            };
            let tolerance =
                4.0 * (scheme.rate * (1.0 - scheme.rate) * clustering / PROCESSES as f64).sqrt();
            assert!(
                (share - scheme.rate).abs() <= tolerance,
                "{} {}: {share} against {}",
                world.name,
                scheme.slug,
                scheme.rate
            );
        }
        // Every scheme name is an indicator's slug.
        for scheme in truth.values().flatten() {
            assert!(redflags::indicators::find(scheme).is_some(), "{scheme}");
        }
        // Several schemes meet in some processes; the bid schemes that exclude each other
        // never do.
        assert!(truth.values().filter(|schemes| schemes.len() > 1).count() > 100);
        let exclusive = [
            "single_bid",
            "identical_bid_prices",
            "lowest_bid_disqualified",
            "all_except_winner_disqualified",
        ];
        for schemes in truth.values() {
            let count = exclusive.iter().filter(|s| schemes.contains(**s)).count();
            assert!(count <= 1, "{}: {schemes:?}", world.name);
        }
    }
}

fn text<'a>(value: &'a Value, what: &str) -> &'a str {
    value
        .as_str()
        .filter(|text| !text.is_empty())
        .unwrap_or_else(|| panic!("{what}: {value}"))
}

fn time(value: &Value, what: &str) -> chrono::DateTime<chrono::FixedOffset> {
    chrono::DateTime::parse_from_rfc3339(text(value, what)).unwrap()
}

/// A date that may be left out.
fn optional_time(value: &Value, what: &str) -> Option<chrono::DateTime<chrono::FixedOffset>> {
    (!value.is_null()).then(|| time(value, what))
}

/// The amount of a `{"amount", "currency"}` value, checking its currency.
fn amount(value: &Value, currency: &str, what: &str) -> f64 {
    assert_eq!(value["currency"], currency, "{what}: {value}");
    let amount = value["amount"].as_f64().unwrap();
    assert!(amount > 0.0, "{what}: {value}");
    amount
}

/// What a set of releases shows as a whole.
#[derive(Default)]
struct Shape {
    processes: u32,
    methods: BTreeMap<String, u32>,
    details: BTreeSet<String>,
    currencies: BTreeMap<String, u32>,
    segments: BTreeSet<String>,
    buyers: BTreeMap<String, u32>,
    thai_names: u32,
    ascii_names: u32,
    disqualified: u32,
    amended: u32,
    budgets: u32,
    divisions: u32,
    /// Optional fields left out, by name.
    missing: BTreeMap<&'static str, u32>,
    /// Direct purchases, those above the threshold, those at the estimate (within 0.5%).
    direct: u32,
    direct_above: u32,
    direct_at_estimate: u32,
    /// The shortest and longest quotation periods of direct and limited purchases, in days.
    quotation_days: Option<(i64, i64)>,
    /// Processes with a participation fee, a bid opening, questions, delivery milestones, a
    /// complaint, a consortium.
    fees: u32,
    openings: u32,
    enquiries: u32,
    milestones: u32,
    complaints: u32,
    consortia: u32,
}

/// Whether an optional field is left out, counting it.
fn absent(missing: &mut BTreeMap<&'static str, u32>, field: &'static str, value: &Value) -> bool {
    let absent = value.is_null();
    if absent {
        *missing.entry(field).or_default() += 1;
    }
    absent
}

/// Checks one compiled release of `world` and adds it to the shape.
fn check(release: &Value, world: &WorldSettings, clean: bool, shape: &mut Shape) {
    let ocid = text(&release["ocid"], "ocid");
    assert!(ocid.starts_with(OCID_PREFIX));
    assert_eq!(release["tag"], serde_json::json!(["compiled"]));
    shape.processes += 1;
    let tender = &release["tender"];
    let award = &release["awards"][0];
    let currency = text(&award["value"]["currency"], "currency");
    *shape.currencies.entry(currency.to_owned()).or_default() += 1;
    let estimate = (!absent(&mut shape.missing, "estimate", &tender["value"]))
        .then(|| amount(&tender["value"], currency, "tender.value"));
    if release["planning"]["budget"].is_object() {
        shape.budgets += 1;
        let budget = amount(&release["planning"]["budget"]["amount"], currency, "budget");
        assert!(budget >= estimate.expect("a budget with an estimate"));
    }
    let method = text(&tender["procurementMethod"], "method");
    assert!(["open", "selective", "limited", "direct"].contains(&method));
    *shape.methods.entry(method.to_owned()).or_default() += 1;
    shape
        .details
        .insert(text(&tender["procurementMethodDetails"], "details").to_owned());
    assert!(
        ["goods", "works", "services"].contains(&text(&tender["mainProcurementCategory"], "cat"))
    );
    text(&tender["title"], "title");
    let items = tender["items"].as_array().unwrap();
    if !absent(
        &mut shape.missing,
        "classification",
        &items[0]["classification"],
    ) {
        for item in items {
            assert_eq!(item["classification"]["scheme"], "UNSPSC");
            let code = text(&item["classification"]["id"], "classification");
            assert!(code.len() == 8 && code.bytes().all(|b| b.is_ascii_digit()));
            shape.segments.insert(code[..2].to_owned());
        }
    }

    // The buyer, the procuring entity and the parties.
    let buyer = text(&release["buyer"]["id"], "buyer id");
    let name = text(&release["buyer"]["name"], "buyer name");
    *shape.buyers.entry(buyer.to_owned()).or_default() += 1;
    if name.is_ascii() {
        shape.ascii_names += 1;
    } else {
        shape.thai_names += 1;
    }
    let entity = text(&tender["procuringEntity"]["id"], "procuring entity");
    shape.divisions += u32::from(entity != buyer);
    let parties = release["parties"].as_array().unwrap();
    let roles = |id: &str| -> Vec<&str> {
        parties
            .iter()
            .filter(|party| party["id"] == id)
            .flat_map(|party| party["roles"].as_array().unwrap())
            .map(|role| role.as_str().unwrap())
            .collect()
    };
    assert!(roles(buyer).contains(&"buyer"), "{ocid}");
    assert!(roles(entity).contains(&"procuringEntity"), "{ocid}");

    // The tender period: competitive methods have one, direct and limited ones a quotation
    // period where the world publishes it.
    let competitive = method == "open" || method == "selective";
    let period = &tender["tenderPeriod"];
    let (start, end) = if absent(&mut shape.missing, "tender period", period) {
        assert!(world.missing > 0.0 || (!competitive && world.quotation_days.is_none()));
        (None, None)
    } else {
        assert!(competitive || world.quotation_days.is_some(), "{ocid}");
        let (start, end) = (
            time(&period["startDate"], "start"),
            time(&period["endDate"], "end"),
        );
        assert!(start < end, "{ocid}");
        if !competitive {
            let days = (end.date_naive() - start.date_naive()).num_days();
            let (shortest, longest) = shape.quotation_days.get_or_insert((days, days));
            *shortest = (*shortest).min(days);
            *longest = (*longest).max(days);
        }
        (Some(start), Some(end))
    };

    // Bids, in the tender period.
    let declared = &tender["numberOfTenderers"];
    let bids = if absent(&mut shape.missing, "bids", &release["bids"]) {
        Vec::new()
    } else {
        release["bids"]["details"].as_array().unwrap().clone()
    };
    let mut tenderers = BTreeSet::new();
    let mut bid_dates = 0;
    for bid in &bids {
        let status = text(&bid["status"], "bid status");
        assert!(status == "valid" || status == "disqualified");
        shape.disqualified += u32::from(status == "disqualified");
        amount(&bid["value"], currency, "bid");
        if let Some(date) = optional_time(&bid["date"], "bid date") {
            bid_dates += 1;
            if let (Some(start), Some(end), true) = (start, end, clean) {
                assert!(start <= date && date <= end, "{ocid}");
            }
        }
        // A consortium's bid names its members.
        for tenderer in bid["tenderers"].as_array().unwrap() {
            let tenderer = text(&tenderer["id"], "tenderer");
            assert!(roles(tenderer).contains(&"tenderer"), "{ocid}");
            tenderers.insert(tenderer);
        }
    }
    if !bids.is_empty() && bid_dates == 0 {
        *shape.missing.entry("bid dates").or_default() += 1;
    }
    if !absent(&mut shape.missing, "numberOfTenderers", declared) && !bids.is_empty() {
        assert_eq!(declared.as_u64().unwrap(), tenderers.len() as u64);
    }
    if !competitive && !bids.is_empty() {
        // One quotation, from one company or a consortium.
        let suppliers = award["suppliers"].as_array().unwrap().len();
        assert_eq!(bids.len(), 1, "{ocid}");
        assert_eq!(tenderers.len(), suppliers, "{ocid}");
    }
    check_publishing(release, world, clean, competitive, estimate, shape);

    // The award, the contract and its payments, in order.
    assert_eq!(award["status"], "active");
    let awarded = optional_time(&award["date"], "award date");
    if awarded.is_none() {
        *shape.missing.entry("award date").or_default() += 1;
    }
    if let (Some(end), Some(awarded)) = (end, awarded) {
        assert!(end < awarded, "{ocid}");
    }
    let award_value = amount(&award["value"], currency, "award");
    if method == "direct" && currency == world.currency {
        shape.direct += 1;
        shape.direct_above += u32::from(award_value >= world.threshold as f64);
        if let Some(estimate) = estimate {
            let ratio = award_value / estimate;
            shape.direct_at_estimate += u32::from((0.995..=1.0).contains(&ratio));
        }
    }
    let winner = text(&award["suppliers"][0]["id"], "supplier");
    assert!(roles(winner).contains(&"supplier"), "{ocid}");
    assert!(bids.is_empty() || tenderers.contains(winner), "{ocid}");
    let contract = &release["contracts"][0];
    assert_eq!(contract["awardID"], award["id"]);
    let signed = time(&contract["dateSigned"], "signed");
    let (from, to) = (
        time(&contract["period"]["startDate"], "contract start"),
        time(&contract["period"]["endDate"], "contract end"),
    );
    assert!(signed < from && from < to, "{ocid}");
    if let Some(awarded) = awarded {
        assert!(awarded < signed, "{ocid}");
    }
    let value = amount(&contract["value"], currency, "contract");
    let amendments = contract["amendments"].as_array().map_or(0, Vec::len);
    shape.amended += u32::from(amendments > 0);
    if amendments == 0 {
        assert!(value == award_value, "{ocid}");
    } else if clean {
        // A benign amendment changes the value by 10% at most.
        assert!(
            value >= award_value * 0.9 - 0.01 && value <= award_value * 1.1 + 0.01,
            "{ocid}"
        );
    }
    for amendment in contract["amendments"].as_array().into_iter().flatten() {
        let date = time(&amendment["date"], "amendment");
        assert!(from < date && date < to, "{ocid}");
    }
    let transactions = contract["implementation"]["transactions"]
        .as_array()
        .unwrap();
    assert!(!transactions.is_empty());
    let mut paid = 0.0;
    for transaction in transactions {
        paid += amount(&transaction["value"], currency, "payment");
        let date = time(&transaction["date"], "payment date");
        assert!(from <= date && date <= to, "{ocid}");
    }
    assert!(paid <= value * 1.000_001, "{ocid}");
}

/// The fields beyond the core: a clean process's participation fee is a small share of its
/// estimate, its bids are opened after its tender period, its questions are answered and its
/// deliveries on time unless the world has such benign noise, and a direct or limited purchase
/// states its ground where the world publishes them all.
fn check_publishing(
    release: &Value,
    world: &WorldSettings,
    clean: bool,
    competitive: bool,
    estimate: Option<f64>,
    shape: &mut Shape,
) {
    let ocid = &release["ocid"];
    let tender = &release["tender"];
    let publishing = world.publishing;
    if let Some(fees) = tender["participationFees"].as_array() {
        assert!(competitive, "{ocid}");
        shape.fees += 1;
        let fee = fees[0]["value"]["amount"].as_f64().unwrap();
        if let (true, Some(estimate)) = (clean, estimate) {
            assert!(fee / estimate <= 0.004 + 1e-9, "{ocid}");
        }
    }
    if let Some(opening) = optional_time(&tender["bidOpening"]["date"], "bid opening") {
        assert!(competitive, "{ocid}");
        shape.openings += 1;
        if clean && tender["tenderPeriod"].is_object() {
            assert!(
                opening > time(&tender["tenderPeriod"]["endDate"], "end"),
                "{ocid}"
            );
        }
    }
    if let Some(enquiries) = tender["enquiries"].as_array() {
        shape.enquiries += 1;
        for enquiry in enquiries {
            let answered = optional_time(&enquiry["dateAnswered"], "answered");
            assert!(
                !clean || publishing.unanswered > 0.0 || answered.is_some(),
                "{ocid}"
            );
            if let Some(answered) = answered {
                assert!(answered > time(&enquiry["date"], "asked"), "{ocid}");
            }
        }
    }
    if !competitive && clean && publishing.rationale == 1.0 && world.missing == 0.0 {
        text(&tender["procurementMethodRationale"], "rationale");
    }
    let milestones = &release["contracts"][0]["implementation"]["milestones"];
    for milestone in milestones.as_array().into_iter().flatten() {
        assert_eq!(milestone["type"], "delivery");
        let due = time(&milestone["dueDate"], "due");
        let met = time(&milestone["dateMet"], "met");
        assert!(
            !clean || publishing.late_deliveries > 0.0 || met <= due,
            "{ocid}"
        );
        assert!(met <= time(&release["date"], "release date"), "{ocid}");
    }
    shape.milestones += u32::from(milestones.is_array());
    shape.complaints += u32::from(release["complaints"].is_array());
    shape.consortia += u32::from(release["awards"][0]["suppliers"][1].is_object());
}

/// The bids of a clean competitive tender: no two bidders at the same price, no disqualified
/// bid below the winner's, some other bid valid, the winner's in time.
fn check_clean_bids(release: &Value) {
    let ocid = &release["ocid"];
    let Some(bids) = release["bids"]["details"].as_array() else {
        return;
    };
    let winner = &release["awards"][0]["suppliers"][0]["id"];
    let award = release["awards"][0]["value"]["amount"].as_f64().unwrap();
    let mut prices = BTreeSet::new();
    let mut others_valid = 0;
    for bid in bids {
        let price = bid["value"]["amount"].as_f64().unwrap();
        assert!(prices.insert(price.to_bits()), "identical prices in {ocid}");
        let disqualified = bid["status"] == "disqualified";
        assert!(
            !disqualified || price > award,
            "a disqualified lowest bid in {ocid}"
        );
        if bid["tenderers"][0]["id"] == *winner {
            assert!(!disqualified, "{ocid}");
        } else {
            others_valid += u32::from(!disqualified);
        }
    }
    assert!(
        bids.len() < 2 || others_valid > 0,
        "all but the winner disqualified in {ocid}"
    );
}

/// Each world's releases, checked one by one, and as a whole against the world's knobs.
#[test]
fn every_line_is_a_compiled_release_shaped_as_its_world_says() {
    const PROCESSES: u32 = 10_000;
    for world in &WORLDS {
        let (data, truth) = world_data(world, u64::from(PROCESSES), 5);
        let mut shape = Shape::default();
        let mut releases = Vec::new();
        for line in data.lines() {
            let release: Value = serde_json::from_str(line).unwrap();
            let ocid = release["ocid"].as_str().unwrap();
            let clean = !truth.contains_key(ocid);
            check(&release, world, clean, &mut shape);
            if clean {
                check_clean_bids(&release);
            }
            releases.push(release);
        }
        check_world(world, &shape);
        check_planted(world, &releases, &truth);
    }
}

/// The shape of a world's 10,000 processes against its knobs.
fn check_world(world: &WorldSettings, shape: &Shape) {
    let name = world.name;
    let share = |count: u32| f64::from(count) / f64::from(shape.processes);
    for (method, target) in ["open", "selective", "limited", "direct"]
        .iter()
        .zip(world.methods)
    {
        let measured = share(shape.methods[*method]);
        assert!(
            (measured - target).abs() < 0.03,
            "{name} {method}: {measured} against {target}"
        );
    }
    for details in ["e-bidding", "ประกวดราคาอิเล็กทรอนิกส์", "เฉพาะเจาะจง", "คัดเลือก"]
    {
        assert!(
            shape.details.contains(details),
            "{name}: {:?}",
            shape.details
        );
    }
    let home = share(shape.currencies[world.currency]);
    assert!(
        (home - (1.0 - world.foreign)).abs() < 0.02,
        "{name}: {:?}",
        shape.currencies
    );
    assert_eq!(shape.currencies.len(), 3, "{name}: {:?}", shape.currencies);
    assert!(shape.segments.len() >= 8, "{name}: {:?}", shape.segments);
    assert!(
        shape.thai_names > 1_000 && shape.ascii_names > 1_000,
        "{name}"
    );
    assert!(
        shape.disqualified > 500 && shape.budgets > 1_000 && shape.divisions > 500,
        "{name}"
    );
    // The planted amendments (4%) and the benign ones.
    let amended = share(shape.amended);
    let expected = 0.04 + world.benign_amendments * 0.96;
    assert!(
        (amended - expected).abs() < 0.015,
        "{name}: amended {amended} against {expected}"
    );
    // Direct purchases above the threshold only where the world's amounts reach it; at the
    // estimate as often as the world says (planted near-estimate awards go to competitive
    // tenders).
    let above = f64::from(shape.direct_above) / f64::from(shape.direct);
    if world.direct.high <= 1.0 {
        assert_eq!(shape.direct_above, 0, "{name}");
    } else {
        assert!(above > 0.02, "{name}: {above} above the threshold");
    }
    let at_estimate = f64::from(shape.direct_at_estimate) / f64::from(shape.direct);
    let expected = world.at_estimate * (1.0 - world.missing);
    assert!(
        (at_estimate - expected).abs() < 0.04,
        "{name}: {at_estimate} at the estimate"
    );
    assert_eq!(
        shape.quotation_days,
        world
            .quotation_days
            .map(|(fewest, most)| (fewest as i64, most as i64)),
        "{name}"
    );
    // Optional fields left out at about the world's share (less for those planted schemes
    // need), or never.
    for field in [
        "estimate",
        "classification",
        "tender period",
        "bids",
        "bid dates",
        "award date",
        "numberOfTenderers",
    ] {
        let count = shape.missing.get(field).copied().unwrap_or(0);
        let left_out = share(count);
        if world.missing == 0.0 {
            let never = field != "tender period" || world.quotation_days.is_some();
            assert!(
                !never || count == 0,
                "{name}: {field} left out {count} times"
            );
        } else if field != "bid dates" && field != "tender period" {
            assert!(
                left_out > world.missing * 0.6 && left_out < world.missing * 1.1,
                "{name}: {field} left out in {left_out}"
            );
        }
    }
    // The fields beyond the core, at about the world's shares (of open and selective tenders,
    // or of all contracts), with the planted ones (2% of the processes each).
    let competitive = share(shape.methods["open"] + shape.methods["selective"]);
    let publishing = world.publishing;
    let keep = 1.0 - world.missing;
    for (what, count, expected) in [
        (
            "fees",
            shape.fees,
            competitive * publishing.participation_fees * keep + 0.02,
        ),
        (
            "openings",
            shape.openings,
            competitive * publishing.bid_opening * keep + 0.02,
        ),
        (
            "enquiries",
            shape.enquiries,
            competitive * publishing.enquiries * keep + 0.02,
        ),
        (
            "milestones",
            shape.milestones,
            publishing.milestones * keep + 0.02,
        ),
        (
            "complaints",
            shape.complaints,
            competitive * publishing.complaints + 0.02,
        ),
    ] {
        let measured = share(count);
        assert!(
            (measured - expected).abs() < 0.02 + expected * 0.1,
            "{name} {what}: {measured} against {expected}"
        );
    }
    assert!(
        shape.consortia >= 100,
        "{name}: {} consortia",
        shape.consortia
    );
    // A few buyers hold most processes: the largest tenth of the buyers, half or more.
    let mut sizes: Vec<u32> = shape.buyers.values().copied().collect();
    sizes.sort_unstable_by(|a, b| b.cmp(a));
    let top: u32 = sizes[..sizes.len() / 10].iter().sum();
    assert!(top * 2 >= shape.processes, "{name}: {top}");
}

/// The planted schemes as their indicators need them: split purchases (consecutive processes)
/// of one item, one buyer and one supplier, each under the threshold and together above it;
/// all bids but the winner's disqualified among 3 to 5 bidders.
fn check_planted(world: &WorldSettings, releases: &[Value], truth: &Truth) {
    let name = world.name;
    let carries = |release: &Value, scheme: &str| {
        truth
            .get(release["ocid"].as_str().unwrap())
            .is_some_and(|schemes| schemes.contains(scheme))
    };
    let threshold = world.threshold as f64;
    let key = |release: &Value| {
        (
            release["buyer"]["id"].clone(),
            release["awards"][0]["suppliers"][0]["id"].clone(),
            release["tender"]["items"][0]["classification"]["id"].clone(),
        )
    };
    let mut groups: Vec<Vec<&Value>> = Vec::new();
    for release in releases
        .iter()
        .filter(|release| carries(release, "split_purchase"))
    {
        let award = &release["awards"][0];
        assert_eq!(release["tender"]["procurementMethod"], "direct", "{name}");
        assert_eq!(award["value"]["currency"], world.currency, "{name}");
        assert!(
            award["value"]["amount"].as_f64().unwrap() < threshold,
            "{name}"
        );
        let day = time(&award["date"], "split award").date_naive();
        let joins = groups.last().is_some_and(|group: &Vec<&Value>| {
            let first = time(&group[0]["awards"][0]["date"], "award").date_naive();
            group.len() < 4 && key(group[0]) == key(release) && (day - first).num_days() <= 20
        });
        if joins {
            groups.last_mut().unwrap().push(release);
        } else {
            groups.push(vec![release]);
        }
    }
    assert!(
        groups.len() > 50,
        "{name}: {} split purchases",
        groups.len()
    );
    for group in &groups {
        assert!(
            group.len() >= 2,
            "{name}: a split purchase of one: {}",
            group[0]["ocid"]
        );
        assert!(key(group[0]).2.is_string(), "{name}");
        let total: f64 = group
            .iter()
            .map(|release| release["awards"][0]["value"]["amount"].as_f64().unwrap())
            .sum();
        assert!(
            total > threshold,
            "{name}: {total} from {}",
            group[0]["ocid"]
        );
    }
    for release in releases
        .iter()
        .filter(|release| carries(release, "all_except_winner_disqualified"))
    {
        let bids = release["bids"]["details"].as_array().unwrap();
        assert!((3..=5).contains(&bids.len()), "{name}");
        let winner = &release["awards"][0]["suppliers"][0]["id"];
        for bid in bids {
            let won = bid["tenderers"][0]["id"] == *winner;
            assert_eq!(
                bid["status"] == "disqualified",
                !won,
                "{name}: {}",
                release["ocid"]
            );
        }
    }
}

/// The highest share of the processes not carrying a scheme that its indicator may flag in the
/// baseline: 0.2%, but 1% for `contract_amendment` (its benign amendments are planted noise)
/// and `bid_price_disparity` (the disqualified bids below the winner's of
/// `lowest_bid_disqualified` spread a tender's bids too), and 3.5% for `short_bid_opening`
/// (the processes of `short_tender_period` that publish their bid opening have a short one).
fn baseline_ceiling(slug: &str) -> f64 {
    match slug {
        "contract_amendment" | "bid_price_disparity" => 0.01,
        "short_bid_opening" => 0.035,
        _ => 0.002,
    }
}

/// In every world (5,000 processes, scored with the default settings and the world's
/// threshold), each scheme's indicator flags at least 98% of the processes that carry it: the
/// schemes are planted where their indicators can see them. In the baseline, the indicators
/// flag at most 0.2% of the other processes, with the exceptions of [`baseline_ceiling`]; the
/// other worlds' noise is measured, not bounded.
///
/// And the score ranks (issue 15's targets, measured at 100,000 processes by
/// `cargo bench --bench detection`, checked here on a smaller sample with another seed): the
/// top 5% holds at least 60% processes with a strong scheme or two schemes, every strong
/// scheme's median rank is within the top 10%, and no pattern indicator flags more than 2% of
/// the processes where nothing was planted.
#[test]
fn the_indicators_find_the_planted_schemes_in_every_world() {
    for world in &WORLDS {
        let detection = measure_world(world, 5_000, 2024).unwrap();
        assert_eq!(detection.processes, 5_000);
        for check in detection.checks() {
            assert!(check.pass, "{}: {check:?}", world.name);
        }
        for scheme in &detection.schemes {
            assert!(
                scheme.planted > 40,
                "{} {}: {}",
                world.name,
                scheme.slug,
                scheme.planted
            );
            assert!(scheme.recall() >= 0.98, "{}: {scheme:?}", world.name);
            if world.name == "baseline" {
                assert!(
                    scheme.false_positive_rate() <= baseline_ceiling(scheme.slug),
                    "{scheme:?}"
                );
            }
        }
    }
}
