//! The pattern indicators against chance, on small hand-made markets whose figures can be
//! checked by hand: a supplier's share at one buyer against its share of the market, pieces
//! of the same kind of item adding up past a threshold, a set of tenderers meeting more often
//! than their rates of bidding would make them.

mod common;

use std::collections::BTreeMap;

use redflags::frames::Frames;
use redflags::indicators::Outcome;

/// The frames of these JSON lines, read as `redflags score` reads a file.
fn load(lines: &[String]) -> Frames {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("market.jsonl");
    std::fs::write(&path, lines.join("\n")).unwrap();
    redflags::run::load(&[path.display().to_string()])
        .unwrap()
        .1
}

use common::described_outcome as outcome;

/// Each assessed process: whether it is flagged, and its evidence.
fn assessed(outcome: &Outcome) -> BTreeMap<String, (bool, Option<String>)> {
    let frame = &outcome.processes;
    let text = |name: &str| frame.column(name).unwrap().str().unwrap().clone();
    let (ocids, evidence) = (text("ocid"), text("evidence"));
    let flags = frame.column("flagged").unwrap().bool().unwrap().clone();
    (0..frame.height())
        .map(|row| {
            let ocid = ocids.get(row).unwrap().to_owned();
            let flag = flags.get(row).unwrap();
            (ocid, (flag, evidence.get(row).map(str::to_owned)))
        })
        .collect()
}

fn flagged(outcome: &Outcome) -> Vec<String> {
    assessed(outcome)
        .into_iter()
        .filter(|(_, (flag, _))| *flag)
        .map(|(ocid, _)| ocid)
        .collect()
}

fn evidence(outcome: &Outcome, ocid: &str) -> String {
    assessed(outcome)[ocid].1.clone().unwrap()
}

/// The (role, id) of each organization row.
fn organizations(outcome: &Outcome) -> Vec<(String, String)> {
    let frame = &outcome.organizations;
    let text = |name: &str| frame.column(name).unwrap().str().unwrap().clone();
    let (roles, ids) = (text("role"), text("organization_id"));
    (0..frame.height())
        .map(|row| {
            let role = roles.get(row).unwrap().to_owned();
            (role, ids.get(row).unwrap().to_owned())
        })
        .collect()
}

/// A direct purchase of `category` by `buyer` from `supplier` on `date` for `amount` THB, with
/// the item classification `item` on the award (or none).
fn purchase(
    ocid: &str,
    (buyer, supplier): (&str, &str),
    category: &str,
    item: Option<&str>,
    (date, amount): (&str, f64),
) -> String {
    let items = item.map_or(String::new(), |code| {
        format!(r#","items":[{{"id":"1","classification":{{"scheme":"UNSPSC","id":"{code}"}}}}]"#)
    });
    format!(
        r#"{{"ocid":"{ocid}","buyer":{{"id":"{buyer}","name":"Buyer {buyer}"}},
            "tender":{{"procurementMethod":"direct","mainProcurementCategory":"{category}"}},
            "awards":[{{"id":"1","status":"active","date":"{date}","value":{{"amount":{amount},"currency":"THB"}},
                        "suppliers":[{{"id":"{supplier}","name":"Supplier {supplier}"}}]{items}}}]}}"#
    )
    .replace('\n', "")
}

/// A market of 46 direct purchases in 2024:
///
/// - goods, 30 awards: buyer B gives all its 6 to S, which wins nothing elsewhere (6 of 30:
///   a 20% share of the market); buyers C1–C4 give 2 awards each to T, U and V;
/// - works, 16 awards: L, the large contractor, wins 3 of the 4 awards of each of buyers
///   D1–D4 (12 of 16: 75% of the market), M the fourth;
/// - one award without a date (`undated`).
fn market() -> Vec<String> {
    let mut lines = Vec::new();
    for month in 1..=6 {
        let date = format!("2024-{month:02}-10");
        lines.push(purchase(
            &format!("b{month}"),
            ("B", "S"),
            "goods",
            None,
            (&date, 1000.0),
        ));
    }
    for buyer in 1..=4 {
        for (index, supplier) in ["T", "T", "U", "U", "V", "V"].iter().enumerate() {
            let date = format!("2024-{:02}-15", index + 1);
            let ocid = format!("c{buyer}-{index}");
            let buyer = format!("C{buyer}");
            lines.push(purchase(
                &ocid,
                (&buyer, supplier),
                "goods",
                None,
                (&date, 1000.0),
            ));
        }
        for (index, supplier) in ["L", "L", "L", "M"].iter().enumerate() {
            let date = format!("2024-{:02}-20", index + 1);
            let ocid = format!("d{buyer}-{index}");
            let buyer = format!("D{buyer}");
            lines.push(purchase(
                &ocid,
                (&buyer, supplier),
                "works",
                None,
                (&date, 1000.0),
            ));
        }
    }
    lines.push(
        r#"{"ocid":"undated","buyer":{"id":"B"},"tender":{"procurementMethod":"direct"},
            "awards":[{"id":"1","status":"active","suppliers":[{"id":"S"}]}]}"#
            .replace('\n', ""),
    );
    lines
}

/// S wins all of buyer B's 6 goods awards where its 20% share of the market's goods awards
/// would give it 1.2: the chance of 6 of 6 is 0.2⁶ = 0.000064, below 0.05 / 5 (five pairs
/// meet the floors: B–S and each D–L). L wins 3 of 4 at every D buyer, as everywhere (75%):
/// 3 expected, nothing unusual, though 3 awards and 75% pass the floors.
#[test]
fn repeat_winner_compares_a_buyer_with_the_market() {
    let frames = load(&market());
    let result = outcome("repeat_winner", &frames, "");
    assert_eq!(flagged(&result), ["b1", "b2", "b3", "b4", "b5", "b6"]);
    assert_eq!(
        evidence(&result, "b1"),
        "supplier Supplier S won 6 of 6 awards (100% by count, 100% by value) of buyer Buyer B \
         in the 365 days to 2024-06-10; over all the data, 6 of the buyer's 6 awards, where its \
         share of the market's awards in the same categories would give 1.2 (p = 6.4e-5)"
    );
    assert_eq!(
        organizations(&result),
        [
            ("buyer".to_owned(), "B".to_owned()),
            ("supplier".to_owned(), "S".to_owned())
        ]
    );
    // L is assessed, and not flagged: it is as large everywhere.
    assert_eq!(assessed(&result)["d1-0"], (false, None));
    // Without an award date, a process is not assessable.
    assert!(!assessed(&result).contains_key("undated"));
    // Without the comparison with chance, the floors alone flag L at every D buyer.
    let floors = outcome("repeat_winner", &frames, "significance = 1.0");
    assert_eq!(flagged(&floors).len(), 6 + 4 * 3);
}

/// Goods, 48 awards: hospitals H1 and H2 buy medical supplies (UNSPSC segment 42) 4 times
/// each, always from P, the one medical supplier; offices O1–O4 buy desk supplies (44) 10
/// times each, 2 from each of five suppliers. P holds 8 of the 48 goods awards (1/6), so
/// among goods its 4 of 4 at a hospital look improbable ((1/6)⁴ = 0.00077, below 0.05 / 2);
/// among medical supplies it holds them all, and 4 of 4 is what the market gives.
#[test]
fn repeat_winner_counts_market_shares_within_the_kind_of_item() {
    let mut lines = Vec::new();
    for hospital in ["H1", "H2"] {
        for month in 1..=4 {
            let ocid = format!("{hospital}-{month}");
            let date = format!("2024-{month:02}-05");
            let medical = Some("42142500");
            lines.push(purchase(
                &ocid,
                (hospital, "P"),
                "goods",
                medical,
                (&date, 1000.0),
            ));
        }
    }
    for office in ["O1", "O2", "O3", "O4"] {
        for (index, supplier) in ["E", "F", "G", "J", "K"]
            .iter()
            .cycle()
            .take(10)
            .enumerate()
        {
            let ocid = format!("{office}-{index}");
            let date = format!("2024-{:02}-12", index + 1);
            let desk = Some("44121600");
            lines.push(purchase(
                &ocid,
                (office, supplier),
                "goods",
                desk,
                (&date, 1000.0),
            ));
        }
    }
    let frames = load(&lines);
    // Within UNSPSC segments (the default, classification_digits = 2): nothing unusual.
    assert!(flagged(&outcome("repeat_winner", &frames, "")).is_empty());
    // Within the main procurement category: P looks like a favoured supplier.
    let goods = outcome("repeat_winner", &frames, "classification_digits = 0");
    assert_eq!(flagged(&goods).len(), 8);
    assert!(evidence(&goods, "H1-1").ends_with("would give 0.67 (p = 7.7e-4)"));
}

/// The same market, all direct purchases: S receives B's 6 non-competitive awards where its
/// share of the market's would give it 1.2 (p = 0.2⁶); L's 3 at each D buyer are what its
/// share gives.
#[test]
fn repeat_direct_awards_compares_a_buyer_with_the_market() {
    let frames = load(&market());
    let result = outcome("repeat_direct_awards", &frames, "");
    assert_eq!(flagged(&result), ["b1", "b2", "b3", "b4", "b5", "b6"]);
    assert_eq!(
        evidence(&result, "b6"),
        "supplier Supplier S received 6 non-competitive awards from buyer Buyer B in the 365 days to \
         2024-06-10; over all the data, 6 of the buyer's 6 non-competitive awards, where its \
         share of the market's non-competitive awards in the same categories would give 1.2 \
         (p = 6.4e-5)"
    );
    assert_eq!(assessed(&result)["d2-1"], (false, None));
    assert!(!assessed(&result).contains_key("undated"));
    // A stricter significance than the pair's p-value times the five pairs tested: nothing.
    let strict = outcome("repeat_direct_awards", &frames, "significance = 0.0003");
    assert!(flagged(&strict).is_empty());
}

/// A direct purchase of `amount` THB by buyer B from supplier S.
fn piece(ocid: &str, date: &str, amount: f64, item: Option<&str>) -> String {
    purchase(ocid, ("B", "S"), "goods", item, (date, amount))
}

/// With the 500,000 THB threshold: desk supplies and writing instruments (UNSPSC family
/// 4412) of 300,000 and 280,000 THB eleven days apart add up past it; a computer (4321) and a
/// road (7214) of the same amounts do not, being different kinds of item; three routine
/// purchases of 200,000, 200,000 and 150,000 THB, each under half the threshold, are not
/// added up; a purchase without a classification is not assessable.
#[test]
fn split_purchase_adds_up_the_same_kind_of_item() {
    let frames = load(&[
        piece("same-1", "2024-03-01", 300_000.0, Some("44121600")),
        piece("same-2", "2024-03-12", 280_000.0, Some("44121700")),
        piece("other-1", "2024-05-01", 300_000.0, Some("43211503")),
        piece("other-2", "2024-05-10", 280_000.0, Some("72141100")),
        piece("routine-1", "2024-08-01", 200_000.0, Some("44121600")),
        piece("routine-2", "2024-08-05", 200_000.0, Some("44121600")),
        piece("routine-3", "2024-08-09", 150_000.0, Some("44121600")),
        piece("unclassified", "2024-03-05", 300_000.0, None),
    ]);
    let result = outcome("split_purchase", &frames, "");
    assert_eq!(flagged(&result), ["same-1", "same-2"]);
    assert_eq!(
        evidence(&result, "same-1"),
        "2 non-competitive awards from buyer Buyer B to supplier Supplier S for items classified \
         4412 UNSPSC within 30 days to 2024-03-12, each under the threshold of 500000 THB (and at \
         least 50% of it), add up to 580000 THB"
    );
    let assessed = assessed(&result);
    assert_eq!(assessed.len(), 7);
    assert!(!assessed.contains_key("unclassified"));
    // Any kind of item: the computer and the road add up too (the unclassified purchase
    // joins the first split).
    let any = outcome("split_purchase", &frames, "classification_digits = 0");
    assert_eq!(
        flagged(&any),
        ["other-1", "other-2", "same-1", "same-2", "unclassified"]
    );
    // Every piece under the threshold: the routine purchases add up to 550,000 THB.
    let small = outcome("split_purchase", &frames, "minimum_fraction = 0.0");
    assert_eq!(
        flagged(&small),
        ["routine-1", "routine-2", "routine-3", "same-1", "same-2"]
    );
}

/// A works tender of buyer `buyer` with these tenderers, won by the first.
fn tender(ocid: &str, buyer: &str, tenderers: &[&str]) -> String {
    let bids: Vec<String> = tenderers
        .iter()
        .enumerate()
        .map(|(index, id)| {
            format!(r#"{{"id":"{index}","status":"valid","tenderers":[{{"id":"{id}"}}]}}"#)
        })
        .collect();
    format!(
        r#"{{"ocid":"{ocid}","buyer":{{"id":"{buyer}"}},"tender":{{"procurementMethod":"open","mainProcurementCategory":"works"}},"bids":{{"details":[{}]}},"awards":[{{"id":"1","status":"active","suppliers":[{{"id":"{}"}}]}}]}}"#,
        bids.join(","),
        tenderers[0]
    )
}

/// 30 works tenders of three tenderers (90 places). Buyer X: R1, R2 and R3, who bid nowhere
/// else, meet three times and each wins once. Buyer Y: 27 tenders among the four large
/// contractors A, B, C (21 places each) and D (18): A, B and C meet 9 times, with turns, and
/// each other three of them 6 times; a tender without bids.
fn rings() -> Vec<String> {
    let mut lines = vec![
        tender("ring-1", "X", &["R1", "R2", "R3"]),
        tender("ring-2", "X", &["R2", "R3", "R1"]),
        tender("ring-3", "X", &["R3", "R1", "R2"]),
        r#"{"ocid":"no-bids","buyer":{"id":"Y"},"tender":{"mainProcurementCategory":"works"}}"#
            .to_owned(),
    ];
    let sets: [(&[&str], usize); 4] = [
        (&["A", "B", "C"], 9),
        (&["A", "B", "D"], 6),
        (&["A", "C", "D"], 6),
        (&["B", "C", "D"], 6),
    ];
    for (set, times) in sets {
        for time in 0..times {
            let mut turn = set.to_vec();
            turn.rotate_left(time % 3);
            let ocid = format!("{}-{time}", set.concat());
            lines.push(tender(&ocid, "Y", &turn));
        }
    }
    lines
}

/// The ring's members each hold 3 of the 90 places (a rate of 1/30): a tender of three draws
/// exactly them with a chance of at most 3! · (1/30)³ / (1 − 3/30)² = 0.00027, so the 30
/// tenders of three make them meet 0.008 times; having met once, meeting three times has a
/// chance of 1.1e-5, below 0.05 / 5 (five sets seen). A, B and C, with 21 places each, would
/// meet in about 25 of the 30 tenders: their 9 meetings are no surprise.
#[test]
fn recurring_bidder_set_compares_with_the_rates_of_bidding() {
    let frames = load(&rings());
    let result = outcome("recurring_bidder_set", &frames, "");
    assert_eq!(flagged(&result), ["ring-1", "ring-2", "ring-3"]);
    assert_eq!(
        evidence(&result, "ring-2"),
        "tenderers R1, R2, R3 bid together in 3 processes: ring-1, ring-2, ring-3; their rates \
         of bidding would make them meet 0.0082 times (p = 1.1e-5)"
    );
    assert_eq!(
        organizations(&result),
        [
            ("tenderer".to_owned(), "R1".to_owned()),
            ("tenderer".to_owned(), "R2".to_owned()),
            ("tenderer".to_owned(), "R3".to_owned())
        ]
    );
    assert_eq!(assessed(&result)["ABC-0"], (false, None));
    assert!(!assessed(&result).contains_key("no-bids"));
    // Without the comparison with chance, every recurring set is flagged.
    let floors = outcome("recurring_bidder_set", &frames, "significance = 1.0");
    assert_eq!(flagged(&floors).len(), 30);
}

/// At buyer X, the ring's three tenders would draw it 0.0008 times; it meets three times and
/// takes turns (p = 1.1e-7). At buyer Y, A, B and C take turns too, but their rates would make
/// them meet in about 23 of its 27 tenders.
#[test]
fn bid_rotation_compares_with_the_rates_of_bidding() {
    let frames = load(&rings());
    let result = outcome("bid_rotation", &frames, "");
    assert_eq!(flagged(&result), ["ring-1", "ring-2", "ring-3"]);
    assert_eq!(
        evidence(&result, "ring-3"),
        "tenderers R1, R2, R3 met in 3 processes of buyer X and took turns winning (R1, R2, R3); \
         their rates of bidding would make them meet there 0.00082 times (p = 1.1e-7)"
    );
    assert_eq!(assessed(&result)["ABC-1"], (false, None));
    let floors = outcome("bid_rotation", &frames, "significance = 1.0");
    assert_eq!(flagged(&floors).len(), 3 + 27);
}
