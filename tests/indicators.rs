//! The four core indicators on hand-made cases with their edges.

mod common;

use std::collections::BTreeMap;

use redflags::frames::Frames;
use redflags::indicators::{Outcome, REGISTRY};
use redflags::ingest::merge::compile_single;
use redflags::ingest::upgrade::upgrade;

/// Frames from one JSON release per string, upgraded, compiled and put in ocid order (the
/// order of the process keys) as the ingest does.
fn frames(releases: &[String]) -> Frames {
    let mut releases: Vec<_> = releases
        .iter()
        .map(|json| {
            let mut release = serde_json::from_str(json).unwrap();
            upgrade(&mut release);
            compile_single(release)
        })
        .collect();
    releases.sort_by(|a, b| a.ocid.str().cmp(&b.ocid.str()));
    Frames::build(&releases).unwrap()
}

use common::described_outcome as run;

#[derive(Debug, PartialEq)]
struct Row {
    flagged: bool,
    value: Option<f64>,
    evidence: Option<String>,
}

/// The outcome by ocid; an ocid missing from the map was not assessable.
fn rows(outcome: &Outcome) -> BTreeMap<String, Row> {
    let frame = &outcome.processes;
    let ocid = frame.column("ocid").unwrap().str().unwrap().clone();
    let flagged = frame.column("flagged").unwrap().bool().unwrap().clone();
    let value = frame.column("value").unwrap().f64().unwrap().clone();
    let evidence = frame.column("evidence").unwrap().str().unwrap().clone();
    (0..frame.height())
        .map(|i| {
            (
                ocid.get(i).unwrap().to_owned(),
                Row {
                    flagged: flagged.get(i).unwrap(),
                    value: value.get(i),
                    evidence: evidence.get(i).map(str::to_owned),
                },
            )
        })
        .collect()
}

/// The evidence of the first flagged organization.
fn first_organization_evidence(outcome: &Outcome) -> String {
    let column = outcome.organizations.column("evidence").unwrap();
    column.str().unwrap().get(0).unwrap().to_owned()
}

/// The ids of the flagged organizations, in the outcome's order.
fn organization_ids(outcome: &Outcome) -> Vec<String> {
    let column = outcome.organizations.column("organization_id").unwrap();
    column
        .str()
        .unwrap()
        .iter()
        .map(|id| id.unwrap().to_owned())
        .collect()
}

fn flagged(outcome: &Outcome) -> Vec<String> {
    rows(outcome)
        .into_iter()
        .filter(|(_, row)| row.flagged)
        .map(|(ocid, _)| ocid)
        .collect()
}

fn assessable(outcome: &Outcome) -> Vec<String> {
    rows(outcome).into_keys().collect()
}

fn tender(ocid: &str, tender: &str) -> String {
    format!(r#"{{"ocid":"{ocid}","tender":{tender}}}"#)
}

#[test]
fn single_bid_counts_tenderers_from_the_best_source() {
    let frames = frames(&[
        tender(
            "declared-1",
            r#"{"procurementMethod":"open","numberOfTenderers":1}"#,
        ),
        tender(
            "declared-2",
            r#"{"procurementMethod":"Open","numberOfTenderers":"2"}"#,
        ),
        tender(
            "direct-1",
            r#"{"procurementMethod":"direct","numberOfTenderers":1}"#,
        ),
        tender("no-method", r#"{"numberOfTenderers":1}"#),
        tender(
            "negative",
            r#"{"procurementMethod":"open","numberOfTenderers":-1}"#,
        ),
        tender("no-count", r#"{"procurementMethod":"open"}"#),
        // Two bids from one tenderer, and a withdrawn bid from another: one tenderer.
        r#"{"ocid":"bids-1","tender":{"procurementMethod":"selective"},
            "bids":{"details":[
              {"id":1,"status":"valid","tenderers":[{"id":"T1"}]},
              {"id":2,"status":"disqualified","tenderers":[{"id":"T1"}]},
              {"id":3,"status":"withdrawn","tenderers":[{"id":"T2"}]}]}}"#
            .to_owned(),
        tender(
            "listed-1",
            r#"{"procurementMethod":"open","tenderers":[{"id":"T1","name":"x"}]}"#,
        ),
        tender(
            "zero",
            r#"{"procurementMethod":"open","numberOfTenderers":0}"#,
        ),
    ]);
    let outcome = run("single_bid", &frames, "");
    assert_eq!(flagged(&outcome), ["bids-1", "declared-1", "listed-1"]);
    assert_eq!(
        assessable(&outcome),
        ["bids-1", "declared-1", "declared-2", "listed-1", "zero"]
    );
    let rows = rows(&outcome);
    assert_eq!(rows["declared-2"].value, Some(2.0));
    assert_eq!(rows["declared-2"].evidence, None);
    let evidence = rows["bids-1"].evidence.as_deref().unwrap();
    assert!(evidence.contains("submitted bids"), "{evidence}");
    assert!(
        rows["listed-1"]
            .evidence
            .as_deref()
            .unwrap()
            .contains("tender.tenderers")
    );

    // With no method restriction, the direct award is assessed too.
    let any = run("single_bid", &frames, "procurement_methods = []");
    assert!(flagged(&any).contains(&"direct-1".to_owned()));
    assert!(flagged(&any).contains(&"no-method".to_owned()));
}

fn period(ocid: &str, start: &str, end: &str, extra: &str) -> String {
    tender(
        ocid,
        &format!(r#"{{"tenderPeriod":{{"startDate":"{start}","endDate":"{end}"}}{extra}}}"#),
    )
}

#[test]
fn short_tender_period_counts_whole_days() {
    let frames = frames(&[
        period(
            "a-second-short",
            "2024-01-01T10:00:00Z",
            "2024-01-16T09:59:59Z",
            "",
        ),
        period("exact", "2024-01-01T10:00:00Z", "2024-01-16T10:00:00Z", ""),
        // Dates without time, and with a zone other than UTC.
        period("dates-only", "2024-01-01", "2024-01-10", ""),
        period(
            "zoned",
            "2024-01-01T00:00:00+07:00",
            "2024-01-20T00:00:00+07:00",
            "",
        ),
        period("backwards", "2024-02-01", "2024-01-01", ""),
        period("unreadable", "soon", "2024-01-01", ""),
        tender("no-period", r#"{"title":"x"}"#),
    ]);
    // Every method (these tenders publish none).
    let outcome = run("short_tender_period", &frames, "procurement_methods = []");
    assert_eq!(flagged(&outcome), ["a-second-short", "dates-only"]);
    assert_eq!(
        assessable(&outcome),
        ["a-second-short", "dates-only", "exact", "zoned"]
    );
    let rows = rows(&outcome);
    assert_eq!(rows["a-second-short"].value, Some(14.0));
    assert_eq!(rows["zoned"].value, Some(19.0));
    assert_eq!(
        rows["dates-only"].evidence.as_deref(),
        Some(
            "tender period of 9 whole days (2024-01-01 to 2024-01-10), below the threshold of 15 days"
        )
    );
}

#[test]
fn short_tender_period_thresholds_by_method_and_details() {
    let frames = frames(&[
        period(
            "x-4",
            "2000-01-01",
            "2000-01-05",
            r#","procurementMethodDetails":"x""#,
        ),
        period(
            "x-5",
            "2000-01-01",
            "2000-01-06",
            r#","procurementMethodDetails":"x""#,
        ),
        period(
            "y-9",
            "2000-01-01",
            "2000-01-10",
            r#","procurementMethodDetails":"y""#,
        ),
        period(
            "z-9",
            "2000-01-01",
            "2000-01-10",
            r#","procurementMethod":"limited""#,
        ),
    ]);
    let outcome = run(
        "short_tender_period",
        &frames,
        "threshold = 8\nprocurement_method_details = { x = 5, y = 10 }\nprocurement_methods = []",
    );
    assert_eq!(flagged(&outcome), ["x-4", "y-9"]);
    // By default only competitive methods: a limited purchase's quotation period, or one of
    // no known method, is not assessed.
    let defaults = run("short_tender_period", &frames, "");
    assert!(assessable(&defaults).is_empty());
    let limited = run(
        "short_tender_period",
        &frames,
        "procurement_methods = [\"open\", \"limited\"]",
    );
    assert_eq!(assessable(&limited), ["z-9"]);
    assert_eq!(flagged(&limited), ["z-9"]);
}

fn award(
    ocid: &str,
    buyer: &str,
    date: &str,
    amount: f64,
    currency: &str,
    suppliers: &[&str],
) -> String {
    let suppliers: Vec<String> = suppliers
        .iter()
        .map(|id| format!(r#"{{"id":"{id}","name":"Supplier {id}"}}"#))
        .collect();
    format!(
        r#"{{"ocid":"{ocid}","buyer":{{"id":"{buyer}","name":"Buyer {buyer}"}},
            "awards":[{{"id":"1","status":"active","date":"{date}",
                        "value":{{"amount":{amount},"currency":"{currency}"}},
                        "suppliers":[{}]}}]}}"#,
        suppliers.join(",")
    )
}

#[test]
fn repeat_winner_finds_a_supplier_dominating_a_buyer_within_the_window() {
    let frames = frames(&[
        // Buyer B: S wins 3 of 4 awards within a year.
        award("b1", "B", "2024-01-10", 100.0, "THB", &["S"]),
        award("b2", "B", "2024-03-10", 100.0, "THB", &["S"]),
        award("b3", "B", "2024-05-10", 100.0, "THB", &["T"]),
        award("b4", "B", "2024-09-10", 100.0, "THB", &["S", "U"]),
        // Buyer C: S wins 3 awards, but over three years: never 3 in one window.
        award("c1", "C", "2021-01-01", 100.0, "THB", &["S"]),
        award("c2", "C", "2022-06-01", 100.0, "THB", &["S"]),
        award("c3", "C", "2024-01-01", 100.0, "THB", &["S"]),
        // Buyer D: after seven small awards to others, V wins 3 large ones: 30% of the
        // awards by count, but most of the value.
        award("d1", "D", "2024-01-08", 900.0, "USD", &["V"]),
        award("d2", "D", "2024-01-09", 900.0, "USD", &["V"]),
        award("d3", "D", "2024-01-10", 900.0, "USD", &["V"]),
        award("d4", "D", "2024-01-01", 10.0, "USD", &["W"]),
        award("d5", "D", "2024-01-02", 10.0, "USD", &["W"]),
        award("d6", "D", "2024-01-03", 10.0, "USD", &["X"]),
        award("d7", "D", "2024-01-04", 10.0, "USD", &["X"]),
        award("d8", "D", "2024-01-05", 10.0, "USD", &["Y"]),
        award("d9", "D", "2024-01-06", 10.0, "USD", &["Y"]),
        award("d10", "D", "2024-01-07", 10.0, "USD", &["Z"]),
        // No award date: not assessable.
        r#"{"ocid":"e1","buyer":{"id":"E"},"awards":[{"id":1,"suppliers":[{"id":"S"}]}]}"#
            .to_owned(),
    ]);
    // The window and the floors, with the comparison with chance off: these seventeen awards
    // are too few to compare a supplier with its market (tests/chance.rs does that; with it,
    // none of these pairs is flagged).
    let outcome = run("repeat_winner", &frames, "significance = 1.0");
    assert!(flagged(&run("repeat_winner", &frames, "")).is_empty());
    // Every process of a flagged pair: b1, b2, b4 (S and U share b4), d1–d3.
    assert_eq!(flagged(&outcome), ["b1", "b2", "b4", "d1", "d2", "d3"]);
    let assessable = assessable(&outcome);
    assert_eq!(assessable.len(), 17);
    assert!(!assessable.contains(&"e1".to_owned()));
    let rows = rows(&outcome);
    assert_eq!(rows["b1"].value, Some(0.75));
    assert_eq!(
        rows["b1"].evidence.as_deref(),
        Some(
            "supplier Supplier S won 3 of 4 awards (75% by count, 75% by value) of buyer Buyer B \
             in the 365 days to 2024-09-10; over all the data, 3 of the buyer's 4 awards, where \
             its share of the market's awards in the same categories would give 1.4 (p = 0.13)"
        )
    );
    let share = rows["d1"].value.unwrap();
    assert!((share - 2700.0 / 2770.0).abs() < 1e-9, "{share}");

    let organizations = &outcome.organizations;
    let roles: Vec<(String, String)> = (0..organizations.height())
        .map(|i| {
            let get = |name: &str| {
                organizations
                    .column(name)
                    .unwrap()
                    .str()
                    .unwrap()
                    .get(i)
                    .unwrap()
                    .to_owned()
            };
            (get("role"), get("organization_id"))
        })
        .collect();
    let expected = [
        ("buyer", "B"),
        ("buyer", "D"),
        ("supplier", "S"),
        ("supplier", "V"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(r, o)| (r.to_string(), o.to_string()))
        .collect();
    assert_eq!(roles, expected);

    // A longer window catches buyer C's supplier.
    let longer = run(
        "repeat_winner",
        &frames,
        "window_days = 1200\nsignificance = 1.0",
    );
    assert!(flagged(&longer).contains(&"c1".to_owned()));
}

fn contract(ocid: &str, award: (f64, &str), contract: (f64, &str), extra: &str) -> String {
    format!(
        r#"{{"ocid":"{ocid}",
            "awards":[{{"id":"A","value":{{"amount":{},"currency":"{}"}}}}],
            "contracts":[{{"id":"C-{ocid}","awardID":"A","value":{{"amount":{},"currency":"{}"}}{extra}}}]}}"#,
        award.0, award.1, contract.0, contract.1
    )
}

#[test]
fn contract_amendment_flags_amendments_growth_and_overpayment() {
    let frames = frames(&[
        contract("grown", (1000.0, "THB"), (1300.0, "THB"), ""),
        contract("grown-a-little", (1000.0, "THB"), (1150.0, "THB"), ""),
        contract("other-currency", (1000.0, "USD"), (1300.0, "THB"), ""),
        contract(
            "amended",
            (1000.0, "THB"),
            (1000.0, "THB"),
            r#","amendment":{"date":"2024-01-01","rationale":"1.0 shape"}"#,
        ),
        contract(
            "overpaid",
            (1000.0, "THB"),
            (1000.0, "THB"),
            r#","implementation":{"transactions":[
                {"id":1,"value":{"amount":800,"currency":"THB"}},
                {"id":2,"amount":{"amount":500,"currency":"THB"}},
                {"id":3,"value":{"amount":9999,"currency":"USD"}}]}"#,
        ),
        r#"{"ocid":"no-contract","awards":[{"id":"A"}]}"#.to_owned(),
    ]);
    // By default an amendment alone does not flag: growth and overpayment do.
    let defaults = run("contract_amendment", &frames, "");
    assert_eq!(flagged(&defaults), ["grown", "overpaid"]);
    let outcome = run("contract_amendment", &frames, "amendments = 1");
    assert_eq!(flagged(&outcome), ["amended", "grown", "overpaid"]);
    assert_eq!(
        assessable(&outcome),
        [
            "amended",
            "grown",
            "grown-a-little",
            "other-currency",
            "overpaid"
        ]
    );
    let rows = rows(&outcome);
    assert!((rows["grown"].value.unwrap() - 0.3).abs() < 1e-9);
    assert_eq!(rows["amended"].value, Some(0.0));
    assert_eq!(
        rows["grown"].evidence.as_deref(),
        Some("contract C-grown: value 1300 THB is 30% above its award's 1000 THB")
    );
    assert_eq!(
        rows["overpaid"].evidence.as_deref(),
        Some("contract C-overpaid: payments of 1300 THB are 30% above its value 1000 THB")
    );
    assert_eq!(
        rows["amended"].evidence.as_deref(),
        Some("contract C-amended: 1 amendment(s)")
    );
    let strict = run(
        "contract_amendment",
        &frames,
        "threshold = 0.1\namendments = 0",
    );
    assert_eq!(flagged(&strict), ["grown", "grown-a-little", "overpaid"]);
}

#[test]
fn every_indicator_has_its_catalogue_page_and_its_settings_documented() {
    let pages: Vec<String> = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/indicators"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".md") && name != "README.md")
        .collect();
    assert_eq!(pages.len(), REGISTRY.len(), "{pages:?}");
    for indicator in REGISTRY {
        let metadata = indicator.metadata();
        assert!(
            pages.contains(&format!("{}.md", metadata.slug)),
            "{}",
            metadata.slug
        );
        assert!(metadata.page.starts_with(&format!("# {}", metadata.slug)));
        for heading in [
            "## Method",
            "## Example",
            "## Settings",
            "## OCDS fields",
            "## Not assessable",
            "## References",
        ] {
            assert!(
                metadata.page.contains(heading),
                "{}: {heading}",
                metadata.slug
            );
        }
        let defaults = indicator.default_settings();
        for (key, _) in &defaults {
            assert!(
                metadata.settings.iter().any(|(k, _)| k == key),
                "{}: {key} undocumented",
                metadata.slug
            );
            assert!(
                metadata.page.contains(&format!("`{key}`")),
                "{}: {key}",
                metadata.slug
            );
        }
        for (key, _) in metadata.settings {
            assert!(
                metadata.page.contains(&format!("`{key}`")),
                "{}: {key}",
                metadata.slug
            );
        }
    }
}

fn bids(ocid: &str, extra: &str, bids: &[(&str, f64, &str, &[&str])]) -> String {
    let details: Vec<String> = bids
        .iter()
        .enumerate()
        .map(|(i, (status, amount, currency, tenderers))| {
            let tenderers: Vec<String> = tenderers
                .iter()
                .map(|id| format!(r#"{{"id":"{id}"}}"#))
                .collect();
            format!(
                r#"{{"id":"{i}","status":"{status}","value":{{"amount":{amount},"currency":"{currency}"}},"tenderers":[{}]}}"#,
                tenderers.join(",")
            )
        })
        .collect();
    format!(
        r#"{{"ocid":"{ocid}","bids":{{"details":[{}]}}{extra}}}"#,
        details.join(",")
    )
}

#[test]
fn identical_bid_prices_compare_within_each_currency() {
    let frames = frames(&[
        // The same price in THB from two tenderers, beside bids in USD: flagged.
        bids(
            "mixed",
            "",
            &[
                ("valid", 100.0, "USD", &["A"]),
                ("valid", 5000.0, "THB", &["B"]),
                ("disqualified", 5000.0, "THB", &["C"]),
            ],
        ),
        // One consortium's two bids at the same price: not two tenderers.
        bids(
            "consortium",
            "",
            &[
                ("valid", 7.0, "THB", &["A", "B"]),
                ("pending", 7.0, "THB", &["B", "A"]),
            ],
        ),
        // A withdrawn bid is not submitted.
        bids(
            "withdrawn",
            "",
            &[
                ("valid", 7.0, "THB", &["A"]),
                ("withdrawn", 7.0, "THB", &["B"]),
            ],
        ),
    ]);
    let outcome = run("identical_bid_prices", &frames, "");
    assert_eq!(flagged(&outcome), ["mixed"]);
    assert_eq!(assessable(&outcome), ["consortium", "mixed"]);
    assert_eq!(
        rows(&outcome)["mixed"].evidence.as_deref(),
        Some("bids of the same price, 5000 THB, from different tenderers: B, C")
    );
}

#[test]
fn all_except_winner_disqualified_flags_the_process_and_its_winner() {
    let won_by_v = r#","awards":[{"id":"1","status":"active","suppliers":[{"id":"V"}]}]"#;
    let frames = frames(&[
        bids(
            "two-out",
            won_by_v,
            &[
                ("disqualified", 1.0, "THB", &["D"]),
                ("disqualified", 2.0, "THB", &["E"]),
                ("valid", 3.0, "THB", &["V"]),
            ],
        ),
        bids(
            "one-out",
            won_by_v,
            &[
                ("disqualified", 1.0, "THB", &["D"]),
                ("valid", 3.0, "THB", &["V"]),
            ],
        ),
        // Two tenderers stayed valid: a competition, not a flag.
        bids(
            "two-valid",
            won_by_v,
            &[
                ("disqualified", 1.0, "THB", &["D"]),
                ("valid", 3.0, "THB", &["V"]),
                ("valid", 4.0, "THB", &["W"]),
            ],
        ),
    ]);
    let outcome = run("all_except_winner_disqualified", &frames, "");
    assert_eq!(flagged(&outcome), ["one-out", "two-out"]);
    assert_eq!(rows(&outcome)["two-out"].value, Some(2.0));
    assert_eq!(organization_ids(&outcome), ["V"]);
    assert_eq!(
        first_organization_evidence(&outcome),
        "won after every other tenderer was disqualified in 2 process(es), e.g. one-out, two-out"
    );
    let outcome = run("all_except_winner_disqualified", &frames, "threshold = 2");
    assert_eq!(flagged(&outcome), ["two-out"]);
}

#[test]
fn lowest_bid_disqualified_needs_one_currency_and_a_valid_price() {
    let award = r#","awards":[{"id":"1","status":"active"}]"#;
    let frames = frames(&[
        bids(
            "flagged",
            award,
            &[
                ("disqualified", 1.0, "THB", &["A"]),
                ("valid", 2.0, "THB", &["B"]),
            ],
        ),
        bids(
            "two-currencies",
            award,
            &[
                ("disqualified", 1.0, "USD", &["A"]),
                ("valid", 2.0, "THB", &["B"]),
            ],
        ),
        bids(
            "no-award",
            "",
            &[
                ("disqualified", 1.0, "THB", &["A"]),
                ("valid", 2.0, "THB", &["B"]),
            ],
        ),
        bids(
            "valid-lowest",
            award,
            &[
                ("valid", 1.0, "THB", &["A"]),
                ("disqualified", 2.0, "THB", &["B"]),
            ],
        ),
    ]);
    let outcome = run("lowest_bid_disqualified", &frames, "");
    assert_eq!(flagged(&outcome), ["flagged"]);
    assert_eq!(assessable(&outcome), ["flagged", "valid-lowest"]);
}

/// A process won by W at 100 (valid bids of W and L, L at 100 × (1 + difference)).
fn priced(ocid: &str, difference: f64, awards: &str) -> String {
    bids(
        ocid,
        &format!(r#","awards":{awards}"#),
        &[
            ("valid", 100.0, "THB", &["W"]),
            ("valid", 100.0 * (1.0 + difference), "THB", &["L"]),
        ],
    )
}

#[test]
fn second_bid_differences_are_flagged_beyond_the_fences() {
    let active = r#"[{"id":"1","status":"active","suppliers":[{"id":"W"}]}]"#;
    let mut releases: Vec<String> = [0.0, 0.10, 0.11, 0.12, 0.13, 0.14, 0.15, 0.60]
        .iter()
        .enumerate()
        .map(|(i, d)| priced(&format!("p{i}"), *d, active))
        .collect();
    // Not measured: the winner's bid is not the lowest; two active awards; a pending award.
    releases.push(priced("not-lowest", -0.5, active));
    releases.push(priced(
        "two-awards",
        0.0,
        r#"[{"id":"1","status":"active","suppliers":[{"id":"W"}]},{"id":"2","status":"active","suppliers":[{"id":"L"}]}]"#,
    ));
    releases.push(priced(
        "pending",
        0.0,
        r#"[{"id":"1","status":"active","suppliers":[{"id":"W"}]},{"id":"2","status":"pending"}]"#,
    ));
    let frames = frames(&releases);
    // Quartiles (statrs, type 8): Q1 = 0.104167, Q3 = 0.145833; fences 0.041667 and 0.208333.
    let close = run("price_close_to_winning_bid", &frames, "");
    assert_eq!(flagged(&close), ["p0"]);
    assert_eq!(assessable(&close).len(), 8);
    let evidence = rows(&close)["p0"].evidence.clone().unwrap();
    assert!(
        evidence.contains("lower fence 4.17% (Q1 10.42%, Q3 14.58%)"),
        "{evidence}"
    );
    let names: Vec<&str> = close.meta.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(names, ["q1", "q3", "lower_fence"]);
    assert!((close.meta[2].1 - (1.25 / 12.0 - 1.5 * (0.5 / 12.0))).abs() < 1e-9);
    let discounted = run("heavily_discounted_bid", &frames, "");
    assert_eq!(flagged(&discounted), ["p7"]);
    assert!((rows(&discounted)["p7"].value.unwrap() - 0.6).abs() < 1e-9);
    // Both flag the winner; the close price flags the second bidder too.
    let tenderers = |outcome: &Outcome| -> Vec<String> {
        let ids = outcome
            .organizations
            .column("organization_id")
            .unwrap()
            .str()
            .unwrap();
        ids.iter().map(|id| id.unwrap().to_owned()).collect()
    };
    assert_eq!(tenderers(&close), ["L", "W"]);
    assert_eq!(tenderers(&discounted), ["W"]);
    // A threshold replaces the fence.
    let set = run("price_close_to_winning_bid", &frames, "threshold = 0.11");
    assert_eq!(flagged(&set), ["p0", "p1", "p2"]);
}

#[test]
fn the_winning_bid_is_the_one_related_bid_names_where_no_bid_names_the_winner() {
    let related = |bid: &str| {
        format!(
            r#","awards":[{{"id":"1","status":"active","relatedBid":"{bid}","suppliers":[{{"id":"W"}}]}}]"#
        )
    };
    let unnamed: &[&str] = &[];
    let frames = frames(&[
        // The winner's bid names no tenderer; relatedBid names it (bid "0"): 100 against 105.
        bids(
            "related",
            &related("0"),
            &[
                ("valid", 100.0, "THB", unnamed),
                ("valid", 105.0, "THB", &["L"]),
            ],
        ),
        // A bid names the winner: relatedBid is not read (here it names the other bid).
        bids(
            "named",
            &related("1"),
            &[
                ("valid", 100.0, "THB", &["W"]),
                ("valid", 104.0, "THB", &["L"]),
            ],
        ),
        // Neither: the winner's bid is unknown, the process not measured.
        bids(
            "unknown",
            r#","awards":[{"id":"1","status":"active","suppliers":[{"id":"W"}]}]"#,
            &[
                ("valid", 100.0, "THB", unnamed),
                ("valid", 105.0, "THB", &["L"]),
            ],
        ),
    ]);
    let close = run("price_close_to_winning_bid", &frames, "threshold = 0.1");
    assert_eq!(flagged(&close), ["named", "related"]);
    assert_eq!(assessable(&close), ["named", "related"]);
    let evidence = rows(&close)["related"].evidence.clone().unwrap();
    assert!(
        evidence.contains("100 THB from W (the bid the award's relatedBid names);"),
        "{evidence}"
    );
    let evidence = rows(&close)["named"].evidence.clone().unwrap();
    assert!(evidence.contains("100 THB from W;"), "{evidence}");
    let discounted = run("heavily_discounted_bid", &frames, "threshold = 0.04");
    assert_eq!(flagged(&discounted), ["named", "related"]);
}

#[test]
fn excessive_disqualified_bids_per_buyer_and_tenderer() {
    // Each buyer: two processes of two bids; (disqualified in the first, in the second).
    let buyers = [
        ("B1", 0, 0),
        ("B2", 1, 0),
        ("B3", 0, 1),
        ("B4", 1, 0),
        ("B5", 2, 2),
    ];
    let mut releases = Vec::new();
    for (buyer, first, second) in buyers {
        for (n, disqualified) in [(1, first), (2, second)] {
            let statuses: Vec<&str> = (0..2)
                .map(|i| {
                    if i < disqualified {
                        "disqualified"
                    } else {
                        "valid"
                    }
                })
                .collect();
            releases.push(bids(
                &format!("{buyer}-{n}"),
                &format!(r#","buyer":{{"id":"{buyer}"}}"#),
                &[
                    (statuses[0], 1.0, "THB", &["T-loser"]),
                    (statuses[1], 2.0, "THB", &["T-other"]),
                ],
            ));
        }
    }
    // A buyer with one process is not assessed, however bad its ratio.
    releases.push(bids(
        "B6-1",
        r#","buyer":{"id":"B6"}"#,
        &[("disqualified", 1.0, "THB", &["X"])],
    ));
    let frames = frames(&releases);
    let outcome = run("excessive_disqualified_bids", &frames, "");
    // Ratios 0, .25, .25, .25, 1: Q1 = 0.1667, Q3 = 0.5, upper fence 1.0.
    let organizations = &outcome.organizations;
    let get = |name: &str| -> Vec<String> {
        organizations
            .column(name)
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .map(|v| v.unwrap().to_owned())
            .collect()
    };
    assert_eq!(get("role"), ["buyer"]);
    assert_eq!(get("organization_id"), ["B5"]);
    assert!(get("evidence")[0].starts_with("4 of 4 submitted bids disqualified (100%)"));
    assert!(outcome.processes.height() == 0);
    // With a threshold of 0.5: buyer B5 (4 of 4) and tenderer T-loser (5 of its 10 bids
    // disqualified); T-other (2 of 10) and X (one bid, below the minimum of 2) are not.
    let set = run("excessive_disqualified_bids", &frames, "threshold = 0.5");
    let flagged: Vec<(String, String)> = (0..set.organizations.height())
        .map(|i| {
            let value = |name: &str| {
                let column = set
                    .organizations
                    .column(name)
                    .unwrap()
                    .str()
                    .unwrap()
                    .clone();
                column.get(i).unwrap().to_owned()
            };
            (value("role"), value("organization_id"))
        })
        .collect();
    assert_eq!(
        flagged,
        [
            ("buyer".to_owned(), "B5".to_owned()),
            ("tenderer".to_owned(), "T-loser".to_owned())
        ]
    );
}

#[test]
fn excessive_unsuccessful_bids_among_top_tenderers() {
    // A bids in all eight processes and never wins; B wins its four; C wins three of four;
    // D wins its one.
    let winner = |ocid: &str, supplier: &str, bidders: &[&str]| {
        let list: Vec<(&str, f64, &str, &[&str])> = bidders
            .iter()
            .map(|b| ("valid", 1.0, "THB", std::slice::from_ref(b)))
            .collect();
        bids(
            ocid,
            &format!(
                r#","awards":[{{"id":"1","status":"active","suppliers":[{{"id":"{supplier}"}}]}}]"#
            ),
            &list,
        )
    };
    let mut releases = Vec::new();
    for i in 1..=4 {
        releases.push(winner(&format!("p{i}"), "B", &["A", "B"]));
    }
    for i in 5..=7 {
        releases.push(winner(&format!("p{i}"), "C", &["A", "C"]));
    }
    releases.push(winner("p8", "D", &["A", "C", "D"]));
    let frames = frames(&releases);
    let ids = |outcome: &Outcome| -> Vec<String> {
        let column = outcome.organizations.column("organization_id").unwrap();
        column
            .str()
            .unwrap()
            .iter()
            .map(|v| v.unwrap().to_owned())
            .collect()
    };
    // Processes per tenderer 8, 4, 4, 1: the 75th percentile is 6.33, so only A is a top
    // tenderer. Ratios 0, 1, .75, 1: the lower fence is −0.72, so A (0) is not an outlier.
    assert!(ids(&run("excessive_unsuccessful_bids", &frames, "")).is_empty());
    let set = run("excessive_unsuccessful_bids", &frames, "threshold = 0.1");
    assert_eq!(ids(&set), ["A"]);
    let evidence = first_organization_evidence(&set);
    assert_eq!(
        evidence,
        "won 0 of the 8 processes it bid in (0%); top tenderers bid in at least 6.3333 processes; lower fence 10.00%"
    );
    // At the 100th percentile only A (8 processes) is a top tenderer, whatever the threshold.
    let strict = run(
        "excessive_unsuccessful_bids",
        &frames,
        "threshold = 1.0\npercentile = 100",
    );
    assert_eq!(ids(&strict), ["A"]);
}

#[test]
fn heterogeneous_supplier_counts_first_level_categories() {
    let award = |ocid: &str, suppliers: &[&str], codes: &[String]| {
        let items: Vec<String> = codes
            .iter()
            .enumerate()
            .map(|(i, code)| {
                format!(r#"{{"id":"{i}","classification":{{"scheme":"UNSPSC","id":"{code}"}}}}"#)
            })
            .collect();
        let suppliers: Vec<String> = suppliers
            .iter()
            .map(|s| format!(r#"{{"id":"{s}"}}"#))
            .collect();
        format!(
            r#"{{"ocid":"{ocid}","awards":[{{"id":"1","status":"active","suppliers":[{}],"items":[{}]}}]}}"#,
            suppliers.join(","),
            items.join(",")
        )
    };
    // Categories are the first two digits: 43211500 and 43211600 are one category.
    let codes = |categories: std::ops::Range<u32>| -> Vec<String> {
        categories.map(|c| format!("{}211500", 10 + c)).collect()
    };
    let mut releases = Vec::new();
    for (supplier, variety) in [("S1", 1), ("S2", 1), ("S3", 2), ("S4", 2), ("S5", 12)] {
        releases.push(award(
            &format!("{supplier}-a"),
            &[supplier],
            &codes(0..variety),
        ));
        releases.push(award(
            &format!("{supplier}-b"),
            &[supplier],
            &["10211600".to_owned()],
        ));
    }
    // Awarded in one process only: below the minimum. A joint award: not counted.
    releases.push(award("S6-a", &["S6"], &codes(0..40)));
    releases.push(award("joint", &["S1", "S2"], &codes(0..40)));
    let frames = frames(&releases);
    let outcome = run(
        "heterogeneous_supplier",
        &frames,
        "minimum_contracting_processes = 2",
    );
    // Varieties 1, 1, 2, 2, 12: Q1 = 1, Q3 = 5.33, upper fence 11.83, rounded up to 12.
    let organizations = &outcome.organizations;
    let ids = organization_ids(&outcome);
    assert_eq!(ids, ["S5"]);
    let values: Vec<f64> = organizations
        .column("value")
        .unwrap()
        .f64()
        .unwrap()
        .iter()
        .flatten()
        .collect();
    assert_eq!(values, [12.0]);
    // With the default minimum of 20 processes, nobody is assessed.
    assert_eq!(
        run("heterogeneous_supplier", &frames, "")
            .organizations
            .height(),
        0
    );
    let wide = run(
        "heterogeneous_supplier",
        &frames,
        "minimum_contracting_processes = 1\nthreshold = 40",
    );
    assert_eq!(wide.organizations.height(), 1);
}

#[test]
fn a_set_without_spread_makes_no_outliers() {
    // Every buyer and tenderer has a ratio of 0 disqualified: Q1 = Q3 = the fence = 0.
    let releases: Vec<String> = (0..6)
        .map(|i| {
            bids(
                &format!("p{i}"),
                &format!(r#","buyer":{{"id":"B{}"}}"#, i % 3),
                &[
                    ("valid", 1.0, "THB", &["T1"]),
                    ("valid", 2.0, "THB", &["T2"]),
                ],
            )
        })
        .collect();
    let frames = frames(&releases);
    let outcome = run("excessive_disqualified_bids", &frames, "");
    assert_eq!(outcome.organizations.height(), 0);
    let fences: Vec<(&str, f64)> = outcome
        .meta
        .iter()
        .map(|(name, value)| (name.as_str(), *value))
        .collect();
    assert!(fences.contains(&("Buyer_upper_fence", 0.0)), "{fences:?}");
}

#[test]
fn no_tender_period_in_competitive_processes() {
    let frames = frames(&[
        tender("open-without", r#"{"procurementMethod":"open"}"#),
        period(
            "open-with",
            "2024-01-01",
            "2024-01-20",
            r#","procurementMethod":"open""#,
        ),
        tender("direct-without", r#"{"procurementMethod":"direct"}"#),
        tender("no-method", r#"{"title":"x"}"#),
    ]);
    let outcome = run("no_tender_period", &frames, "");
    assert_eq!(flagged(&outcome), ["open-without"]);
    assert_eq!(assessable(&outcome), ["open-with", "open-without"]);
}

#[test]
fn near_estimate_compares_the_awarded_value_with_the_estimate() {
    let release = |ocid: &str, estimate: f64, awards: &[(f64, &str)]| {
        let awards: Vec<String> = awards
            .iter()
            .enumerate()
            .map(|(i, (amount, currency))| {
                format!(r#"{{"id":"{i}","status":"active","value":{{"amount":{amount},"currency":"{currency}"}}}}"#)
            })
            .collect();
        format!(
            r#"{{"ocid":"{ocid}","tender":{{"procurementMethod":"open","value":{{"amount":{estimate},"currency":"THB"}}}},"awards":[{}]}}"#,
            awards.join(",")
        )
    };
    let frames = frames(&[
        release("mirror", 1_000_000.0, &[(998_000.0, "THB")]),
        release(
            "above",
            1_000_000.0,
            &[(600_000.0, "THB"), (500_000.0, "THB")],
        ),
        release("below", 1_000_000.0, &[(900_000.0, "THB")]),
        release("just-outside", 1_000_000.0, &[(994_000.0, "THB")]),
        release("currency", 1_000_000.0, &[(999_000.0, "USD")]),
        release("no-estimate", 0.0, &[(10.0, "THB")]),
    ]);
    let outcome = run("near_estimate", &frames, "");
    assert_eq!(flagged(&outcome), ["above", "mirror"]);
    assert_eq!(
        assessable(&outcome),
        ["above", "below", "just-outside", "mirror"]
    );
    assert_eq!(
        rows(&outcome)["mirror"].evidence.as_deref(),
        Some("awarded 998000 THB, 100% of the estimate of 1000000 THB")
    );
    let wider = run("near_estimate", &frames, "below = 0.01");
    assert_eq!(flagged(&wider), ["above", "just-outside", "mirror"]);
    // A direct purchase at its estimate is not assessed by default.
    let direct = self::frames(&[
        release("mirror", 1_000_000.0, &[(998_000.0, "THB")]).replace("\"open\"", "\"direct\"")
    ]);
    assert!(assessable(&run("near_estimate", &direct, "")).is_empty());
    let every = run("near_estimate", &direct, "procurement_methods = []");
    assert_eq!(flagged(&every), ["mirror"]);
}

#[test]
fn contracts_signed_out_of_order() {
    let release = |ocid: &str, tender_end: &str, award: &str, signed: &str| {
        format!(
            r#"{{"ocid":"{ocid}","tender":{{"tenderPeriod":{{"startDate":"2024-01-01","endDate":"{tender_end}"}}}},
                "awards":[{{"id":"A","date":"{award}"}}],
                "contracts":[{{"id":"C","awardID":"A","dateSigned":"{signed}"}}]}}"#
        )
    };
    let frames = frames(&[
        release("in-order", "2024-02-01", "2024-02-10", "2024-02-15"),
        release("before-award", "2024-02-01", "2024-02-10", "2024-02-05"),
        release("before-end", "2024-02-01", "2024-01-20", "2024-01-25"),
        // The same day is not early, whatever the hours.
        release(
            "same-day",
            "2024-02-01T17:00:00Z",
            "2024-02-10T12:00:00Z",
            "2024-02-10T08:00:00Z",
        ),
    ]);
    let award = run("contract_signed_before_award", &frames, "");
    assert_eq!(flagged(&award), ["before-award"]);
    assert_eq!(rows(&award)["before-award"].value, Some(5.0));
    assert_eq!(
        rows(&award)["before-award"].evidence.as_deref(),
        Some("contract C signed on 2024-02-05, 5 day(s) before its award's date 2024-02-10")
    );
    let end = run("contract_before_tender_end", &frames, "");
    assert_eq!(flagged(&end), ["before-end"]);
    assert_eq!(assessable(&end).len(), 4);
}

#[test]
fn decision_period_flags_short_and_long_decisions() {
    let release = |ocid: &str, method: &str, days: i64| {
        let end = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
        let award = end + chrono::Days::new(days as u64);
        format!(
            r#"{{"ocid":"{ocid}","tender":{{"procurementMethod":"{method}","tenderPeriod":{{"startDate":"2023-12-01","endDate":"{end}"}}}},
                "awards":[{{"id":"1","status":"active","date":"{award}"}},{{"id":"2","status":"cancelled","date":"2023-12-25"}}]}}"#
        )
    };
    let mut releases: Vec<String> = [2, 10, 12, 14, 16, 18, 20, 22, 100]
        .iter()
        .map(|days| release(&format!("open-{days}"), "open", *days))
        .collect();
    releases.push(release("direct-200", "direct", 200));
    let frames = frames(&releases);
    // Open: Q1 = 11.33, Q3 = 20.67, upper fence 34.67; direct has too few processes.
    let outcome = run(
        "decision_period",
        &frames,
        "minimum_processes = 5\nprocurement_methods = []",
    );
    assert_eq!(flagged(&outcome), ["open-100", "open-2"]);
    assert_eq!(assessable(&outcome).len(), 10);
    // By default the direct purchase is not assessed: a quick decision is its norm.
    let defaults = run("decision_period", &frames, "minimum_processes = 5");
    assert_eq!(assessable(&defaults).len(), 9);
    let rows = rows(&outcome);
    assert_eq!(
        rows["open-2"].evidence.as_deref(),
        Some(
            "2 day(s) from the end of the tender period (2024-01-01) to the award (2024-01-03), under the minimum of 5 days"
        )
    );
    assert!(
        rows["open-100"]
            .evidence
            .as_deref()
            .unwrap()
            .ends_with("above the upper fence of 34.7 days for method 'open'")
    );
    // With the default minimum of 20 processes, only the short decision is flagged.
    assert_eq!(flagged(&run("decision_period", &frames, "")), ["open-2"]);
}

#[test]
fn long_contract_against_its_category() {
    let release = |ocid: &str, category: &str, days: u64| {
        let start = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
        let end = start + chrono::Days::new(days);
        format!(
            r#"{{"ocid":"{ocid}","tender":{{"mainProcurementCategory":"{category}"}},
                "contracts":[{{"id":"C","period":{{"startDate":"{start}","endDate":"{end}"}}}}]}}"#
        )
    };
    let mut releases: Vec<String> = [90, 100, 110, 120, 130, 140, 150, 160, 1460]
        .iter()
        .map(|days| release(&format!("works-{days}"), "works", *days))
        .collect();
    releases.push(release("goods-2000", "goods", 2000));
    let frames = frames(&releases);
    let outcome = run("long_contract", &frames, "minimum_contracts = 5");
    // Works: Q1 = 106.7, Q3 = 153.3, upper fence 223.3; goods has too few contracts.
    assert_eq!(flagged(&outcome), ["works-1460"]);
    assert_eq!(assessable(&outcome).len(), 9);
    assert!(rows(&outcome)["works-1460"]
        .evidence
        .as_deref()
        .unwrap()
        .contains("runs 1460 days (2024-01-01 to 2027-12-31), above the upper fence of 223.3 days for category 'works'"));
}

#[test]
fn buyer_concentration_by_herfindahl_index() {
    let award = |ocid: &str, buyer: &str, amount: f64, suppliers: &[&str]| {
        let suppliers: Vec<String> = suppliers
            .iter()
            .map(|s| format!(r#"{{"id":"{s}"}}"#))
            .collect();
        format!(
            r#"{{"ocid":"{ocid}","buyer":{{"id":"{buyer}"}},"tender":{{"mainProcurementCategory":"works"}},
                "awards":[{{"id":"1","status":"active","value":{{"amount":{amount},"currency":"THB"}},"suppliers":[{}]}}]}}"#,
            suppliers.join(",")
        )
    };
    let mut releases = Vec::new();
    // Buyer B: X gets 800 over 8 awards, Y 200 over 4: HHI 80² + 20² = 6,800.
    for i in 0..8 {
        releases.push(award(&format!("b-x{i}"), "B", 100.0, &["X"]));
    }
    for i in 0..4 {
        releases.push(award(&format!("b-y{i}"), "B", 50.0, &["Y"]));
    }
    // Buyer C: ten suppliers with equal shares: HHI 1,000. One joint award splits its value.
    for i in 0..9 {
        releases.push(award(&format!("c{i}"), "C", 100.0, &[&format!("S{i}")]));
    }
    releases.push(award("c-joint", "C", 200.0, &["S9", "S0"]));
    // Buyer D: one supplier, but only three awards.
    for i in 0..3 {
        releases.push(award(&format!("d{i}"), "D", 100.0, &["Z"]));
    }
    let frames = frames(&releases);
    let outcome = run("buyer_concentration", &frames, "");
    let organizations = &outcome.organizations;
    let ids = organization_ids(&outcome);
    assert_eq!(ids, ["B"]);
    let value = organizations.column("value").unwrap().f64().unwrap().get(0);
    assert_eq!(value, Some(6800.0));
    let evidence = organizations
        .column("evidence")
        .unwrap()
        .str()
        .unwrap()
        .get(0)
        .unwrap()
        .to_owned();
    assert_eq!(
        evidence,
        "Herfindahl-Hirschman index 6800 in category 'works' (THB): 2 supplier(s) over 12 awards; the largest, X, holds 80% of the value"
    );
    // C: S0 holds 200 of 1,100 (its award and half the joint one), the nine others 100 each:
    // HHI ≈ 1,074. With a threshold of 1,000 and a minimum of 3 awards, B, C and D are flagged.
    let lower = run(
        "buyer_concentration",
        &frames,
        "threshold = 1000.0\nminimum_awards = 3",
    );
    assert_eq!(lower.organizations.height(), 3);
}

#[test]
fn benford_flags_a_manipulated_buyer_and_not_a_conforming_one() {
    let award = |ocid: String, buyer: &str, amount: f64| {
        format!(
            r#"{{"ocid":"{ocid}","buyer":{{"id":"{buyer}"}},"awards":[{{"id":"1","status":"active","value":{{"amount":{amount:.2},"currency":"THB"}}}}]}}"#
        )
    };
    let mut releases = Vec::new();
    // Log-uniform amounts follow Benford's law.
    for i in 0..450 {
        let amount = 10f64.powf(3.0 + (i as f64 + 0.5) / 450.0 * 3.0);
        releases.push(award(format!("good-{i}"), "GOOD", amount));
    }
    // Amounts kept just under 500,000: nearly all start with 4.
    for i in 0..300 {
        releases.push(award(
            format!("bad-{i}"),
            "BAD",
            400_000.0 + 333.0 * i as f64,
        ));
    }
    // Too few amounts to judge.
    for i in 0..50 {
        releases.push(award(format!("small-{i}"), "SMALL", 450_000.0 + i as f64));
    }
    let frames = frames(&releases);
    let outcome = run("benford", &frames, "");
    assert_eq!(organization_ids(&outcome), ["BAD"]);
    let evidence = first_organization_evidence(&outcome);
    assert!(
        evidence.starts_with("first digits of 300 award amounts depart from Benford's law"),
        "{evidence}"
    );
    assert!(
        evidence.ends_with("digits 1-9: 0% 0% 0% 100% 0% 0% 0% 0% 0%"),
        "{evidence}"
    );
    // The conforming buyer passes the test itself.
    let mut counts = [0u64; 9];
    for i in 0..450 {
        let amount = 10f64.powf(3.0 + (i as f64 + 0.5) / 450.0 * 3.0);
        let first = format!("{amount:e}")
            .chars()
            .next()
            .unwrap()
            .to_digit(10)
            .unwrap();
        counts[first as usize - 1] += 1;
    }
    let (_, p, deviation) = redflags::indicators::benford::test(&counts);
    assert!(p > 0.5 && deviation < 0.01, "p {p}, MAD {deviation}");
}

#[test]
fn repeat_direct_awards_within_the_window() {
    let award = |ocid: &str, method: &str, buyer: &str, supplier: &str, date: &str| {
        format!(
            r#"{{"ocid":"{ocid}","buyer":{{"id":"{buyer}"}},"tender":{{"procurementMethod":"{method}"}},
                "awards":[{{"id":"1","status":"active","date":"{date}","suppliers":[{{"id":"{supplier}"}}]}}]}}"#
        )
    };
    let frames = frames(&[
        // B → S: three direct or limited awards within a year.
        award("d1", "direct", "B", "S", "2024-01-10"),
        award("d2", "limited", "B", "S", "2024-05-10"),
        award("d3", "direct", "B", "S", "2024-12-01"),
        // An open tender won by S does not count, and is not assessed.
        award("o1", "open", "B", "S", "2024-06-01"),
        // C → T: three direct awards, but spread over three years.
        award("t1", "direct", "C", "T", "2021-01-01"),
        award("t2", "direct", "C", "T", "2022-06-01"),
        award("t3", "direct", "C", "T", "2024-01-01"),
    ]);
    // The window and the floor, with the comparison with chance off: S and T are the only
    // suppliers of the market, as large everywhere as at their buyer (tests/chance.rs compares
    // with chance; with it, neither pair is flagged).
    let outcome = run("repeat_direct_awards", &frames, "significance = 1.0");
    assert!(flagged(&run("repeat_direct_awards", &frames, "")).is_empty());
    assert_eq!(flagged(&outcome), ["d1", "d2", "d3"]);
    assert_eq!(assessable(&outcome), ["d1", "d2", "d3", "t1", "t2", "t3"]);
    assert_eq!(
        rows(&outcome)["d1"].evidence.as_deref(),
        Some(
            "supplier S received 3 non-competitive awards from buyer B in the 365 days to \
             2024-12-01; over all the data, 3 of the buyer's 3 non-competitive awards, where its \
             share of the market's non-competitive awards in the same categories would give 1.5 \
             (p = 0.12)"
        )
    );
    assert_eq!(organization_ids(&outcome), ["B", "S"]);
    let longer = run(
        "repeat_direct_awards",
        &frames,
        "window_days = 1200\nsignificance = 1.0",
    );
    assert_eq!(flagged(&longer).len(), 6);
}

#[test]
fn non_open_procedure_per_process_and_per_buyer() {
    let release = |ocid: String, buyer: &str, method: &str, details: &str| {
        format!(
            r#"{{"ocid":"{ocid}","buyer":{{"id":"{buyer}"}},"tender":{{"procurementMethod":"{method}","procurementMethodDetails":"{details}"}},
                "awards":[{{"id":"1","status":"active","value":{{"amount":100,"currency":"THB"}}}}]}}"#
        )
    };
    let mut releases = Vec::new();
    // Eight buyers of ten processes each; non-competitive: 1, 1, 1, 1, 2, 2, 2 and 9 of ten.
    for (b, direct) in [1, 1, 1, 1, 2, 2, 2, 9].iter().enumerate() {
        for i in 0..10 {
            let method = if i < *direct { "direct" } else { "open" };
            releases.push(release(format!("b{b}-{i}"), &format!("B{b}"), method, "x"));
        }
    }
    releases.push(release("special".to_owned(), "Z", "open", "Sorteo"));
    let frames = frames(&releases);
    let outcome = run("non_open_procedure", &frames, "");
    assert_eq!(flagged(&outcome).len(), 1 + 1 + 1 + 1 + 2 + 2 + 2 + 9);
    // Shares .1 ×4, .2 ×3, .9: Q1 = .1, Q3 = .2, upper fence .35.
    assert_eq!(organization_ids(&outcome), ["B7"]);
    assert!(
        first_organization_evidence(&outcome)
            .starts_with("90% of the awarded value (THB) over 10 processes")
    );
    let configured = run(
        "non_open_procedure",
        &frames,
        "procurement_method_details = [\"Sorteo\"]",
    );
    assert!(flagged(&configured).contains(&"special".to_owned()));
    assert!(!flagged(&outcome).contains(&"special".to_owned()));
}

#[test]
fn exact_percentage_apart_in_integer_hundredths() {
    let won = r#","awards":[{"id":"1","status":"active","suppliers":[{"id":"W"}]}]"#;
    let frames = frames(&[
        bids(
            "ten-above",
            won,
            &[
                ("valid", 1_000_000.0, "THB", &["W"]),
                ("valid", 1_100_000.0, "THB", &["L"]),
            ],
        ),
        // 0.1 + 0.2 style floating point: 107.10 is exactly 5% above 102.00.
        bids(
            "five-above",
            won,
            &[
                ("valid", 102.0, "THB", &["W"]),
                ("disqualified", 107.1, "THB", &["L"]),
            ],
        ),
        bids(
            "not-exact",
            won,
            &[
                ("valid", 1_000_000.0, "THB", &["W"]),
                ("valid", 1_093_417.5, "THB", &["L"]),
            ],
        ),
        bids(
            "other-currency",
            won,
            &[
                ("valid", 100.0, "THB", &["W"]),
                ("valid", 110.0, "USD", &["L"]),
            ],
        ),
    ]);
    let outcome = run("exact_percentage_apart", &frames, "");
    assert_eq!(flagged(&outcome), ["five-above", "ten-above"]);
    assert_eq!(
        assessable(&outcome),
        ["five-above", "not-exact", "ten-above"]
    );
    let rows = rows(&outcome);
    assert_eq!(rows["five-above"].value, Some(5.0));
    assert_eq!(
        rows["ten-above"].evidence.as_deref(),
        Some("the bid of 1100000 THB from L is exactly 10% above the winning bid of 1000000 THB")
    );
}

#[test]
fn new_supplier_large_award_against_the_buyers_fence() {
    let award = |ocid: &str, supplier: &str, date: &str, amount: f64| {
        format!(
            r#"{{"ocid":"{ocid}","buyer":{{"id":"B"}},"awards":[{{"id":"1","status":"active","date":"{date}",
                "value":{{"amount":{amount},"currency":"THB"}},"suppliers":[{{"id":"{supplier}"}}]}}]}}"#
        )
    };
    let mut releases: Vec<String> = (0..10)
        .map(|i| {
            award(
                &format!("usual-{i}"),
                "E",
                &format!("2023-0{}-01", 1 + i % 9),
                100_000.0 + 20_000.0 * i as f64,
            )
        })
        .collect();
    // A newcomer's first award is huge; the established supplier's later large award is not
    // a first award.
    releases.push(award("newcomer", "N", "2024-06-01", 4_000_000.0));
    releases.push(award("established-large", "E", "2024-07-01", 5_000_000.0));
    let frames = frames(&releases);
    let outcome = run("new_supplier_large_award", &frames, "");
    assert_eq!(flagged(&outcome), ["newcomer"]);
    // Assessable: the processes holding a supplier's first award (E's first, and N's).
    assert_eq!(assessable(&outcome), ["newcomer", "usual-0"]);
    assert!(rows(&outcome)["newcomer"]
        .evidence
        .as_deref()
        .unwrap()
        .starts_with("first award in the data to supplier N (2024-06-01): 4000000 THB, above the buyer's upper fence of"));
}

#[test]
fn threshold_bunching_by_binomial_test() {
    let award = |ocid: String, buyer: &str, amount: f64| {
        format!(
            r#"{{"ocid":"{ocid}","buyer":{{"id":"{buyer}"}},"awards":[{{"id":"1","status":"active","value":{{"amount":{amount},"currency":"THB"}}}}]}}"#
        )
    };
    let mut releases = Vec::new();
    for (buyer, below, above) in [("BUNCHED", 30, 3), ("FLAT", 15, 14), ("SMALL", 5, 0)] {
        for i in 0..below {
            releases.push(award(
                format!("{buyer}-b{i}"),
                buyer,
                455_000.0 + 1_000.0 * i as f64,
            ));
        }
        for i in 0..above {
            releases.push(award(
                format!("{buyer}-a{i}"),
                buyer,
                500_000.0 + 1_000.0 * i as f64,
            ));
        }
        // Far from the threshold: not counted.
        releases.push(award(format!("{buyer}-far"), buyer, 90_000.0));
    }
    let frames = frames(&releases);
    let outcome = run("threshold_bunching", &frames, "");
    assert_eq!(organization_ids(&outcome), ["BUNCHED"]);
    let p = redflags::indicators::threshold_bunching::p_value(30, 3);
    assert!((p - 6.3e-7).abs() < 1e-7, "{p}");
    assert!(first_organization_evidence(&outcome).starts_with(
        "30 awards in the 10% just under the threshold of 500000 against 3 just over it"
    ));
    assert!(redflags::indicators::threshold_bunching::p_value(15, 14) > 0.4);
    let elsewhere = run("threshold_bunching", &frames, "thresholds = [100000.0]");
    assert_eq!(elsewhere.organizations.height(), 0);
}

#[test]
fn recurring_bidder_set_meets_again() {
    let process = |ocid: &str, tenderers: &[&str]| {
        let list: Vec<(&str, f64, &str, &[&str])> = tenderers
            .iter()
            .map(|t| ("valid", 1.0, "THB", std::slice::from_ref(t)))
            .collect();
        bids(ocid, "", &list)
    };
    let frames = frames(&[
        process("r1", &["A", "B", "C"]),
        process("r2", &["C", "A", "B"]),
        process("r3", &["B", "C", "A", "B"]),
        process("other", &["A", "B", "D"]),
        process("alone", &["A"]),
    ]);
    // The count, with the comparison with chance off: with four tenderers in all, A, B and C
    // are bound to meet (tests/chance.rs compares with chance; with it, nothing is flagged).
    let outcome = run("recurring_bidder_set", &frames, "significance = 1.0");
    assert!(flagged(&run("recurring_bidder_set", &frames, "")).is_empty());
    assert_eq!(flagged(&outcome), ["r1", "r2", "r3"]);
    assert_eq!(assessable(&outcome), ["other", "r1", "r2", "r3"]);
    assert_eq!(
        rows(&outcome)["r2"].evidence.as_deref(),
        Some(
            "tenderers A, B, C bid together in 3 processes: r1, r2, r3; their rates of bidding \
             would make them meet 4.0 times (p = 0.78)"
        )
    );
    assert_eq!(organization_ids(&outcome), ["A", "B", "C"]);
    let stricter = run(
        "recurring_bidder_set",
        &frames,
        "minimum_processes = 4\nsignificance = 1.0",
    );
    assert!(flagged(&stricter).is_empty());
}

#[test]
fn split_purchase_adds_up_awards_under_the_threshold() {
    let award = |ocid: &str, method: &str, supplier: &str, date: &str, amount: f64| {
        format!(
            r#"{{"ocid":"{ocid}","buyer":{{"id":"B"}},"tender":{{"procurementMethod":"{method}","mainProcurementCategory":"goods"}},
                "awards":[{{"id":"1","status":"active","date":"{date}","value":{{"amount":{amount},"currency":"THB"}},"suppliers":[{{"id":"{supplier}"}}]}}]}}"#
        )
    };
    let frames = frames(&[
        // 300,000 + 250,000 + 200,000 within 30 days: a split.
        award("s1", "direct", "S", "2024-03-03", 300_000.0),
        award("s2", "direct", "S", "2024-03-10", 250_000.0),
        award("s3", "limited", "S", "2024-03-20", 200_000.0),
        // The same supplier months later, alone: not part of it.
        award("s4", "direct", "S", "2024-09-01", 300_000.0),
        // Another supplier: two small awards that stay under the threshold together.
        award("t1", "direct", "T", "2024-03-03", 100_000.0),
        award("t2", "direct", "T", "2024-03-05", 100_000.0),
        // An open tender is not part of any split.
        award("o1", "open", "S", "2024-03-04", 300_000.0),
    ]);
    // These awards have no items: they are added up whatever they buy
    // (classification_digits = 0), and all of them, even those under half the threshold
    // (minimum_fraction = 0); tests/chance.rs adds up pieces of one kind of item.
    let everything = "classification_digits = 0\nminimum_fraction = 0.0";
    let outcome = run("split_purchase", &frames, everything);
    assert!(assessable(&run("split_purchase", &frames, "")).is_empty());
    assert_eq!(flagged(&outcome), ["s1", "s2", "s3"]);
    assert_eq!(assessable(&outcome), ["s1", "s2", "s3", "s4", "t1", "t2"]);
    assert_eq!(
        rows(&outcome)["s1"].evidence.as_deref(),
        Some(
            "3 non-competitive awards from buyer B to supplier S within 30 days to 2024-03-20, each under the threshold of 500000 THB, add up to 750000 THB"
        )
    );
    assert_eq!(organization_ids(&outcome), ["B", "S"]);
    // A higher threshold for goods: no split.
    let goods = run(
        "split_purchase",
        &frames,
        &format!("thresholds_by_category = {{ goods = 1000000.0 }}\n{everything}"),
    );
    assert!(flagged(&goods).is_empty());
}

#[test]
fn the_thai_preset_is_valid_settings() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/thailand-thresholds.toml"
    );
    let config = redflags::config::Config::load(std::path::Path::new(path)).unwrap();
    let split = config
        .active()
        .into_iter()
        .find(|a| a.indicator.metadata().slug == "split_purchase")
        .unwrap();
    assert_eq!(split.settings["threshold"].as_float(), Some(500_000.0));
}

#[test]
fn contract_period_extended_across_releases() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("releases.jsonl");
    let release = |ocid: &str, date: &str, end: &str| {
        format!(
            r#"{{"ocid":"{ocid}","id":"{ocid}-{date}","date":"{date}","contracts":[{{"id":"C","period":{{"startDate":"2024-01-01","endDate":"{end}"}}}}]}}"#
        )
    };
    let lines = [
        // Published with 100 days, then moved out by 50 days (50%); the later release first.
        release("extended", "2024-05-01", "2024-05-30"),
        release("extended", "2024-01-01", "2024-04-10"),
        // Moved by 10 of 100 days: under the threshold.
        release("nudged", "2024-01-01", "2024-04-10"),
        release("nudged", "2024-05-01", "2024-04-20"),
        // One release: no history.
        release("single", "2024-01-01", "2024-04-10"),
    ];
    std::fs::write(&path, lines.join("\n")).unwrap();
    let (_, frames) = redflags::run::load(&[path.display().to_string()]).unwrap();
    let outcome = run("contract_period_extended", &frames, "");
    assert_eq!(flagged(&outcome), ["extended"]);
    assert_eq!(assessable(&outcome), ["extended", "nudged", "single"]);
    let rows = rows(&outcome);
    assert!((rows["extended"].value.unwrap() - 0.5).abs() < 1e-9);
    assert_eq!(rows["single"].value, Some(0.0));
    assert_eq!(
        rows["extended"].evidence.as_deref(),
        Some(
            "contract C starting 2024-01-01 was to end 2024-04-10 and now ends 2024-05-30: 50% longer"
        )
    );
}

#[test]
fn bid_rotation_at_one_buyer() {
    let process = |ocid: &str, buyer: &str, winner: &str, tenderers: &[&str]| {
        let list: Vec<(&str, f64, &str, &[&str])> = tenderers
            .iter()
            .map(|t| ("valid", 1.0, "THB", std::slice::from_ref(t)))
            .collect();
        bids(
            ocid,
            &format!(
                r#","buyer":{{"id":"{buyer}"}},"awards":[{{"id":"1","status":"active","suppliers":[{{"id":"{winner}"}}]}}]"#
            ),
            &list,
        )
    };
    let ring = ["A", "B", "C"];
    let frames = frames(&[
        process("r1", "B1", "A", &ring),
        process("r2", "B1", "B", &ring),
        process("r3", "B1", "C", &ring),
        // The same group at another buyer, once: not part of the rotation at B1.
        process("elsewhere", "B2", "A", &ring),
        // Always the same winner: a recurring set, but no rotation.
        process("s1", "B3", "X", &["X", "Y"]),
        process("s2", "B3", "X", &["X", "Y"]),
        process("s3", "B3", "X", &["X", "Y"]),
    ]);
    // The turns, with the comparison with chance off: with six tenderers in all, the ring is
    // bound to meet (tests/chance.rs compares with chance; with it, nothing is flagged).
    let outcome = run("bid_rotation", &frames, "significance = 1.0");
    assert!(flagged(&run("bid_rotation", &frames, "")).is_empty());
    assert_eq!(flagged(&outcome), ["r1", "r2", "r3"]);
    assert_eq!(
        rows(&outcome)["r1"].evidence.as_deref(),
        Some(
            "tenderers A, B, C met in 3 processes of buyer B1 and took turns winning (A, B, C); \
             their rates of bidding would make them meet there 1.8 times (p = 0.32)"
        )
    );
    assert_eq!(organization_ids(&outcome), ["A", "B", "C"]);
}

#[test]
fn tender_above_budget_in_the_same_currency() {
    let release = |ocid: &str, budget: f64, budget_currency: &str, estimate: f64| {
        format!(
            r#"{{"ocid":"{ocid}","planning":{{"budget":{{"amount":{{"amount":{budget},"currency":"{budget_currency}"}}}}}},
                "tender":{{"value":{{"amount":{estimate},"currency":"THB"}}}}}}"#
        )
    };
    let frames = frames(&[
        release("above", 2_000_000.0, "THB", 2_400_000.0),
        release("within", 2_000_000.0, "THB", 1_900_000.0),
        release("equal", 2_000_000.0, "THB", 2_000_000.0),
        release("currency", 2_000.0, "USD", 2_400_000.0),
    ]);
    let outcome = run("tender_above_budget", &frames, "");
    assert_eq!(flagged(&outcome), ["above"]);
    assert_eq!(assessable(&outcome), ["above", "equal", "within"]);
    assert_eq!(
        rows(&outcome)["above"].evidence.as_deref(),
        Some("the tender's estimate of 2400000 THB is 120% of the planned budget of 2000000 THB")
    );
    assert!(flagged(&run("tender_above_budget", &frames, "tolerance = 0.25")).is_empty());
}

#[test]
fn the_catalogue_covers_the_whole_procurement_cycle() {
    assert!(REGISTRY.len() >= 30, "{}", REGISTRY.len());
    let phases: std::collections::BTreeSet<&str> = REGISTRY
        .iter()
        .map(|indicator| indicator.metadata().phase.name())
        .collect();
    assert_eq!(
        phases,
        ["award", "contract", "implementation", "planning", "tender"]
            .into_iter()
            .collect()
    );
    // Slugs are unique, and codes too where there are any.
    let slugs: std::collections::BTreeSet<_> = REGISTRY.iter().map(|i| i.metadata().slug).collect();
    assert_eq!(slugs.len(), REGISTRY.len());
    let codes: Vec<_> = REGISTRY.iter().filter_map(|i| i.metadata().code).collect();
    let unique: std::collections::BTreeSet<_> = codes.iter().collect();
    assert_eq!(unique.len(), codes.len());
}

/// A process of buyer B whose one bid and award go to T, with these contact points (JSON).
fn contacts(ocid: &str, buyer: &str, tenderer: &str) -> String {
    format!(
        r#"{{"ocid":"{ocid}","buyer":{{"id":"B","name":"สำนักงานเขต"}},
        "parties":[{{"id":"B","name":"สำนักงานเขต","roles":["buyer"],"contactPoint":{buyer}}},
                   {{"id":"T","name":"บริษัท ที จำกัด","roles":["tenderer","supplier"],"contactPoint":{tenderer}}}],
        "bids":{{"details":[{{"id":"1","status":"valid","tenderers":[{{"id":"T"}}]}}]}},
        "awards":[{{"id":"a","status":"active","suppliers":[{{"id":"T"}}]}}]}}"#
    )
}

#[test]
fn official_contact_finds_the_buyers_details_given_by_a_bidder() {
    let official =
        r#"{"name":"นายสมชาย ใจดี","email":"somchai@district.go.th","telephone":"+66 2 123 4567"}"#;
    let frames = frames(&[
        // The buyer's e-mail, in other case.
        contacts("email", official, r#"{"email":" SOMCHAI@district.go.th"}"#),
        // The buyer's telephone, written nationally.
        contacts(
            "telephone",
            official,
            r#"{"telephone":"02-123-4567","email":"sales@t.co.th"}"#,
        ),
        // The buyer's official as the contact person, spaced otherwise.
        contacts("person", official, r#"{"name":"นายสมชาย  ใจดี"}"#),
        // Other details.
        contacts(
            "other",
            official,
            r#"{"name":"นางสาวสมหญิง","email":"sales@t.co.th","telephone":"081 234 5678"}"#,
        ),
        // The bidder gives no contact: not assessable.
        contacts("no-contact", official, "null"),
    ]);
    let outcome = run("official_contact", &frames, "");
    assert_eq!(
        assessable(&outcome),
        ["email", "other", "person", "telephone"]
    );
    assert_eq!(flagged(&outcome), ["email", "person", "telephone"]);
    let rows = rows(&outcome);
    assert_eq!(
        rows["telephone"].evidence.as_deref(),
        Some(
            "บริษัท ที จำกัด gives the same telephone as สำนักงานเขต, the buyer or procuring \
             entity: 21234567"
        )
    );
    assert_eq!(
        rows["email"].evidence.as_deref(),
        Some(
            "บริษัท ที จำกัด gives the same e-mail as สำนักงานเขต, the buyer or procuring entity: \
             somchai@district.go.th"
        )
    );
    assert_eq!(organization_ids(&outcome), ["T"]);
}

/// A process of `method` awarded on 2024-01-01 and signed `days` later (negative: before).
fn signed_after(ocid: &str, method: &str, days: i64) -> String {
    let signed =
        chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap() + chrono::Duration::days(days);
    format!(
        r#"{{"ocid":"{ocid}","tender":{{"procurementMethod":"{method}"}},
        "awards":[{{"id":"a","status":"active","date":"2024-01-01T00:00:00Z"}}],
        "contracts":[{{"id":"c","awardID":"a","dateSigned":"{signed}T00:00:00Z"}}]}}"#
    )
}

#[test]
fn slow_signature_flags_a_signature_beyond_its_methods_fence() {
    let mut releases: Vec<String> = (0..20)
        .map(|n| signed_after(&format!("open-{n:02}"), "open", 8 + n % 5))
        .collect();
    releases.push(signed_after("open-slow", "open", 100));
    releases.push(signed_after("open-early", "open", -3));
    // Too few direct purchases for a fence: assessed, never flagged.
    releases.push(signed_after("direct-1", "direct", 200));
    releases.push(signed_after("direct-2", "direct", 5));
    let frames = frames(&releases);
    let outcome = run("slow_signature", &frames, "");
    assert_eq!(flagged(&outcome), ["open-slow"]);
    let assessed = assessable(&outcome);
    assert_eq!(assessed.len(), 23);
    assert!(!assessed.contains(&"open-early".to_owned()));
    let rows = rows(&outcome);
    assert_eq!(rows["open-slow"].value, Some(100.0));
    assert_eq!(
        rows["open-slow"].evidence.as_deref(),
        Some(
            "100 day(s) from the award (2024-01-01) to the contract's signature (2024-04-10), \
             above the upper fence of 14.8 days for method 'open'"
        )
    );
    assert_eq!(rows["direct-1"].value, Some(200.0));
    assert!(!rows["direct-1"].flagged);
}

#[test]
fn bid_price_disparity_flags_the_widest_spread() {
    let valid =
        |amounts: &[f64]| -> Vec<(&'static str, f64, &'static str, &'static [&'static str])> {
            const TENDERERS: [&[&str]; 3] = [&["A"], &["B"], &["C"]];
            amounts
                .iter()
                .zip(TENDERERS)
                .map(|(amount, tenderers)| ("valid", *amount, "THB", tenderers))
                .collect()
        };
    let mut releases: Vec<String> = (0..20)
        .map(|n| {
            let middle = 1000.0 + 5.0 * f64::from(n);
            bids(
                &format!("even-{n:02}"),
                "",
                &valid(&[1000.0, middle, 1100.0]),
            )
        })
        .collect();
    releases.push(bids("wide", "", &valid(&[1000.0, 1900.0, 2600.0])));
    // Two bids: too few to be measured.
    releases.push(bids("two-bids", "", &valid(&[1000.0, 5000.0])));
    // Three bids, one of them withdrawn: two submitted, not measured.
    releases.push(bids(
        "withdrawn",
        "",
        &[
            ("valid", 1000.0, "THB", &["A"]),
            ("valid", 1100.0, "THB", &["B"]),
            ("withdrawn", 9000.0, "THB", &["C"]),
        ],
    ));
    let frames = frames(&releases);
    let outcome = run("bid_price_disparity", &frames, "");
    assert_eq!(flagged(&outcome), ["wide"]);
    let rows = rows(&outcome);
    assert_eq!(rows.len(), 21);
    assert!(!rows.contains_key("two-bids") && !rows.contains_key("withdrawn"));
    let wide = &rows["wide"];
    // Mean 1833.33, sample standard deviation 802.08: 0.4375.
    assert!((wide.value.unwrap() - 0.4375).abs() < 1e-4, "{wide:?}");
    // 1000, 1000 and 1100: mean 1033.33, standard deviation 57.74.
    assert!((rows["even-00"].value.unwrap() - 0.0559).abs() < 1e-4);
    assert_eq!(
        wide.evidence.as_deref(),
        Some(
            "3 bids in THB from 1000 THB to 2600 THB: a coefficient of variation of 0.44, \
             above the fence of 0.06"
        )
    );
    // With a threshold set, no fence is needed.
    let outcome = run("bid_price_disparity", &frames, "threshold = 0.04");
    assert_eq!(flagged(&outcome).len(), 21);
}

#[test]
fn discretionary_criteria_flags_the_buyer_far_above_its_peers() {
    let process = |buyer: &str, n: usize, criteria: &str| {
        format!(
            r#"{{"ocid":"{buyer}-{n:02}","buyer":{{"id":"{buyer}"}},"tender":{{"awardCriteria":"{criteria}"}}}}"#
        )
    };
    let mut releases = Vec::new();
    // Five buyers deciding 1 or 2 of their 10 tenders on quality; one deciding 9 of 10.
    for (buyer, quality) in [
        ("B1", 1),
        ("B2", 1),
        ("B3", 2),
        ("B4", 1),
        ("B5", 2),
        ("B6", 9),
    ] {
        for n in 0..10 {
            let criteria = if n < quality {
                "ratedCriteria"
            } else {
                "priceOnly"
            };
            releases.push(process(buyer, n, criteria));
        }
    }
    // Too few processes to judge the buyer.
    for n in 0..3 {
        releases.push(process("B7", n, "qualityOnly"));
    }
    releases.push(r#"{"ocid":"no-criteria","buyer":{"id":"B1"},"tender":{}}"#.to_owned());
    let frames = frames(&releases);
    let outcome = run("discretionary_criteria", &frames, "");
    let expected: Vec<String> = (0..9).map(|n| format!("B6-{n:02}")).collect();
    assert_eq!(flagged(&outcome), expected);
    let rows = rows(&outcome);
    assert_eq!(rows.len(), 60);
    assert!(!rows["B6-09"].flagged);
    assert_eq!(rows["B6-09"].value, Some(0.9));
    assert!(!rows.contains_key("B7-00") && !rows.contains_key("no-criteria"));
    assert_eq!(organization_ids(&outcome), ["B6"]);
    let evidence = rows["B6-00"].evidence.clone().unwrap();
    assert!(
        evidence.starts_with(
            "decided by 'ratedCriteria'; buyer B6 used discretionary criteria in 90% of its 10 processes, above the fence of"
        ),
        "{evidence}"
    );
    assert!(
        first_organization_evidence(&outcome)
            .starts_with("used discretionary award criteria in 9 of its 10 processes (90%)")
    );
    // Counted as discretionary by the settings: price-only decisions everywhere.
    let outcome = run(
        "discretionary_criteria",
        &frames,
        r#"discretionary = ["priceOnly"]"#,
    );
    assert!(!flagged(&outcome).iter().any(|ocid| ocid.starts_with("B6")));
}

#[test]
fn contract_modified_flags_any_amended_contract() {
    let twice = r#","amendments":[{"id":"1","date":"2024-01-01"},{"id":"2","date":"2024-02-01"}]"#;
    let frames = frames(&[
        contract("never", (1000.0, "THB"), (1000.0, "THB"), ""),
        contract(
            "once-1.0",
            (1000.0, "THB"),
            (1000.0, "THB"),
            r#","amendment":{"date":"2024-01-01","rationale":"1.0 shape"}"#,
        ),
        contract("twice", (1000.0, "THB"), (1000.0, "THB"), twice),
        contract(
            "cancelled",
            (1000.0, "THB"),
            (1000.0, "THB"),
            &format!(r#","status":"cancelled"{twice}"#),
        ),
        r#"{"ocid":"no-contract","awards":[{"id":"A"}]}"#.to_owned(),
    ]);
    let outcome = run("contract_modified", &frames, "");
    assert_eq!(flagged(&outcome), ["once-1.0", "twice"]);
    assert_eq!(assessable(&outcome), ["never", "once-1.0", "twice"]);
    let rows = rows(&outcome);
    assert_eq!(rows["twice"].value, Some(2.0));
    assert_eq!(rows["never"].value, Some(0.0));
    assert_eq!(
        rows["twice"].evidence.as_deref(),
        Some("contract C-twice has 2 amendment(s) (1 contract(s) in the process)")
    );
    let outcome = run("contract_modified", &frames, "minimum_amendments = 2");
    assert_eq!(flagged(&outcome), ["twice"]);
}

/// A process of `method` with an estimate of `amount` THB for an item classified `cpv`.
fn estimated(ocid: &str, cpv: &str, method: &str, amount: f64) -> String {
    format!(
        r#"{{"ocid":"{ocid}","tender":{{"procurementMethod":"{method}","value":{{"amount":{amount},"currency":"THB"}},
        "items":[{{"id":"1","classification":{{"scheme":"CPV","id":"{cpv}"}}}}]}}}}"#
    )
}

#[test]
fn tender_value_outlier_against_its_market() {
    let mut releases: Vec<String> = (0..20)
        .map(|n| {
            let amount = 2_000_000.0 + 300_000.0 * f64::from(n);
            estimated(&format!("road-{n:02}"), "45233120", "open", amount)
        })
        .collect();
    releases.push(estimated("road-high", "45233000", "open", 95_000_000.0));
    releases.push(estimated("road-low", "45233999", "open", 150_000.0));
    // The same kind of item by another method: a market of its own, too small for fences.
    releases.push(estimated("road-direct", "45233120", "direct", 95_000_000.0));
    releases.push(
        r#"{"ocid":"unclassified","tender":{"procurementMethod":"open","value":{"amount":1,"currency":"THB"}}}"#
            .to_owned(),
    );
    let frames = frames(&releases);
    let outcome = run("tender_value_outlier", &frames, "");
    assert_eq!(flagged(&outcome), ["road-high", "road-low"]);
    let rows = rows(&outcome);
    assert_eq!(rows.len(), 22);
    assert!(!rows.contains_key("road-direct") && !rows.contains_key("unclassified"));
    let high = rows["road-high"].evidence.clone().unwrap();
    assert!(
        high.starts_with("estimated value 95000000 THB is above the fence of ")
            && high.contains("for kind of item 4523 CPV by method 'open' (median ")
            && high.ends_with(" THB over 22 processes)"),
        "{high}"
    );
    assert!(
        rows["road-low"]
            .evidence
            .as_deref()
            .unwrap()
            .contains("is below the fence")
    );
    // At eight digits the two outliers are markets of their own.
    let outcome = run("tender_value_outlier", &frames, "digits = 8");
    assert!(flagged(&outcome).is_empty());
}

/// A process awarded `amount` THB to `supplier` for an item classified `cpv`.
fn awarded_item(ocid: &str, cpv: &str, supplier: &str, amount: f64) -> String {
    format!(
        r#"{{"ocid":"{ocid}","awards":[{{"id":"a","status":"active","value":{{"amount":{amount},"currency":"THB"}},
        "suppliers":[{{"id":"{supplier}"}}],"items":[{{"id":"1","classification":{{"scheme":"CPV","id":"{cpv}"}}}}]}}]}}"#
    )
}

/// Three markets: roads (4523), dominated by S1 with 12 of 20 equal awards; medical equipment
/// (3310), 20 awards shared evenly by ten suppliers; and paper (3019), with 5 awards only.
fn markets() -> Frames {
    let mut releases = Vec::new();
    for n in 0..20 {
        let supplier = if n < 12 {
            "S1".to_owned()
        } else {
            format!("S{}", 2 + (n - 12) / 2)
        };
        releases.push(awarded_item(
            &format!("road-{n:02}"),
            "45233120",
            &supplier,
            100.0,
        ));
        releases.push(awarded_item(
            &format!("medical-{n:02}"),
            "33100000",
            &format!("M{}", n / 2),
            100.0,
        ));
    }
    for n in 0..5 {
        releases.push(awarded_item(&format!("paper-{n}"), "30190000", "P1", 100.0));
    }
    frames(&releases)
}

#[test]
fn market_share_flags_the_dominant_supplier_and_its_processes() {
    let frames = markets();
    let outcome = run("market_share", &frames, "");
    let expected: Vec<String> = (0..12).map(|n| format!("road-{n:02}")).collect();
    assert_eq!(flagged(&outcome), expected);
    let rows = rows(&outcome);
    assert_eq!(rows.len(), 40);
    assert!(!rows.contains_key("paper-0"));
    assert_eq!(rows["road-00"].value, Some(0.6));
    assert_eq!(rows["medical-00"].value, Some(0.1));
    assert_eq!(
        rows["road-00"].evidence.as_deref(),
        Some(
            "supplier S1 won 60% of the awarded value of kind of item 4523 CPV in THB (12 of its 20 awards, 5 suppliers)"
        )
    );
    assert_eq!(organization_ids(&outcome), ["S1"]);
    // Judged at five awards, the paper market's only supplier has all of it.
    let outcome = run("market_share", &frames, "minimum_awards = 5");
    assert!(flagged(&outcome).contains(&"paper-0".to_owned()));
    assert_eq!(organization_ids(&outcome), ["P1", "S1"]);
}

#[test]
fn market_concentration_flags_every_process_of_a_concentrated_market() {
    let frames = markets();
    let outcome = run("market_concentration", &frames, "");
    let expected: Vec<String> = (0..20).map(|n| format!("road-{n:02}")).collect();
    assert_eq!(flagged(&outcome), expected);
    let rows = rows(&outcome);
    assert_eq!(rows.len(), 40);
    // 60² + 4 × 10² = 4,000; ten suppliers of 10%: 1,000.
    assert_eq!(rows["road-15"].value, Some(4000.0));
    assert_eq!(rows["medical-00"].value, Some(1000.0));
    assert_eq!(
        rows["road-15"].evidence.as_deref(),
        Some(
            "kind of item 4523 CPV in THB has a Herfindahl-Hirschman index of 4000 over 5 suppliers and 20 awards; the largest, S1, has 60%"
        )
    );
    let outcome = run("market_concentration", &frames, "threshold = 900");
    assert_eq!(flagged(&outcome).len(), 40);
}

#[test]
fn few_bidders_for_buyer_against_the_other_buyers_of_the_item() {
    let process = |ocid: &str, buyer: &str, method: &str, tenderers: u32| {
        format!(
            r#"{{"ocid":"{ocid}","buyer":{{"id":"{buyer}"}},"tender":{{"procurementMethod":"{method}","numberOfTenderers":{tenderers},
            "items":[{{"id":"1","classification":{{"scheme":"CPV","id":"30192000"}}}}]}}}}"#
        )
    };
    let mut releases = Vec::new();
    for n in 0..6 {
        releases.push(process(&format!("low-{n}"), "LOW", "open", 1 + n % 2));
        releases.push(process(&format!("peer-a-{n}"), "PA", "open", 4 + n % 3));
        releases.push(process(&format!("peer-b-{n}"), "PB", "selective", 5));
    }
    // Direct purchases are not compared; a buyer with too few tenders is not judged.
    releases.push(process("low-direct", "LOW", "direct", 1));
    for n in 0..3 {
        releases.push(process(&format!("small-{n}"), "SMALL", "open", 1));
    }
    let frames = frames(&releases);
    let outcome = run("few_bidders_for_buyer", &frames, "");
    assert_eq!(
        flagged(&outcome),
        ["low-0", "low-1", "low-2", "low-3", "low-4", "low-5"]
    );
    let rows = rows(&outcome);
    assert_eq!(rows.len(), 18);
    assert!(!rows.contains_key("low-direct") && !rows.contains_key("small-0"));
    // LOW: 1.5 on average; the others (PA, PB and SMALL): (30 + 30 + 3) / 15 = 4.2.
    assert!((rows["low-0"].value.unwrap() - 1.5 / 4.2).abs() < 1e-9);
    assert_eq!(
        rows["low-0"].evidence.as_deref(),
        Some(
            "buyer LOW drew 1.5 bidder(s) on average over 6 processes for kind of item 3019 CPV, where other buyers drew 4.2 over 15 processes"
        )
    );
    assert_eq!(organization_ids(&outcome), ["LOW"]);
    let outcome = run("few_bidders_for_buyer", &frames, "ratio = 0.3");
    assert!(flagged(&outcome).is_empty());
}

/// A process awarded to `suppliers` for an item classified `cpv`.
fn jointly_awarded(ocid: &str, cpv: &str, suppliers: &[&str]) -> String {
    let suppliers: Vec<String> = suppliers
        .iter()
        .map(|id| format!(r#"{{"id":"{id}"}}"#))
        .collect();
    format!(
        r#"{{"ocid":"{ocid}","awards":[{{"id":"a","status":"active","suppliers":[{}],
        "items":[{{"id":"1","classification":{{"scheme":"CPV","id":"{cpv}"}}}}]}}]}}"#,
        suppliers.join(",")
    )
}

#[test]
fn consortium_prevalence_by_kind_of_item() {
    let mut releases = Vec::new();
    for n in 0..20 {
        let road: &[&str] = if n < 6 { &["B", "A"] } else { &["A"] };
        releases.push(jointly_awarded(&format!("road-{n:02}"), "45233120", road));
        let medical: &[&str] = if n < 2 { &["M1", "M2"] } else { &["M1"] };
        releases.push(jointly_awarded(
            &format!("medical-{n:02}"),
            "33100000",
            medical,
        ));
    }
    releases.push(jointly_awarded("paper", "30190000", &["P1", "P2"]));
    let frames = frames(&releases);
    let outcome = run("consortium_prevalence", &frames, "");
    let expected: Vec<String> = (0..6).map(|n| format!("road-{n:02}")).collect();
    assert_eq!(flagged(&outcome), expected);
    let rows = rows(&outcome);
    assert_eq!(rows.len(), 40);
    assert!(!rows.contains_key("paper"));
    assert_eq!(rows["road-10"].value, Some(0.3));
    assert!(!rows["road-10"].flagged);
    assert_eq!(
        rows["road-00"].evidence.as_deref(),
        Some(
            "awarded to the consortium A, B; consortia won 6 of the 20 awards (30%) for kind of item 4523 CPV"
        )
    );
    let outcome = run("consortium_prevalence", &frames, "share = 0.1");
    assert_eq!(flagged(&outcome).len(), 8);
}

/// A process whose bids came from `tenderers` at the given hours of 2024-03-01.
fn timed_bids(ocid: &str, bids: &[(&str, u32)]) -> String {
    let details: Vec<String> = bids
        .iter()
        .enumerate()
        .map(|(i, (tenderer, hour))| {
            format!(
                r#"{{"id":"{i}","status":"valid","date":"2024-03-01T{hour:02}:00:00Z","tenderers":[{{"id":"{tenderer}"}}]}}"#
            )
        })
        .collect();
    format!(
        r#"{{"ocid":"{ocid}","bids":{{"details":[{}]}}}}"#,
        details.join(",")
    )
}

#[test]
fn bid_order_flags_a_set_that_always_bids_in_the_same_order() {
    let frames = frames(&[
        // A, B and C meet three times, always in the order A, B, C (listed in any order).
        timed_bids("ring-1", &[("A", 9), ("B", 10), ("C", 11)]),
        timed_bids("ring-2", &[("C", 15), ("A", 8), ("B", 12)]),
        timed_bids("ring-3", &[("B", 2), ("A", 1), ("C", 3)]),
        // D, E and F meet three times in two orders.
        timed_bids("mixed-1", &[("D", 9), ("E", 10), ("F", 11)]),
        timed_bids("mixed-2", &[("E", 9), ("D", 10), ("F", 11)]),
        timed_bids("mixed-3", &[("D", 9), ("E", 10), ("F", 11)]),
        // G, H and I meet twice in one order: 1/6, not rare enough.
        timed_bids("twice-1", &[("G", 9), ("H", 10), ("I", 11)]),
        timed_bids("twice-2", &[("G", 9), ("H", 10), ("I", 11)]),
        // A tie leaves the order undefined; two bidders are too few.
        timed_bids("tie", &[("A", 9), ("B", 9), ("C", 11)]),
        timed_bids("pair", &[("A", 9), ("B", 10)]),
    ]);
    let outcome = run("bid_order", &frames, "");
    assert_eq!(flagged(&outcome), ["ring-1", "ring-2", "ring-3"]);
    let rows = rows(&outcome);
    assert_eq!(rows.len(), 8);
    assert!(!rows.contains_key("tie") && !rows.contains_key("pair"));
    assert_eq!(rows["ring-2"].value, Some(3.0));
    assert_eq!(
        rows["ring-2"].evidence.as_deref(),
        Some(
            "bids submitted in the order A > B > C in all 3 processes where these tenderers met (chance 0.03)"
        )
    );
    let outcome = run("bid_order", &frames, "significance = 0.2");
    assert_eq!(flagged(&outcome).len(), 5);
}

#[test]
fn small_then_large_compares_later_awards_with_the_pairs_first() {
    let frames = frames(&[
        award(
            "a-first",
            "B",
            "2024-01-10T00:00:00Z",
            45_000.0,
            "THB",
            &["S"],
        ),
        award(
            "a-large",
            "B",
            "2024-06-01T00:00:00Z",
            2_300_000.0,
            "THB",
            &["S"],
        ),
        award(
            "a-modest",
            "B",
            "2024-07-01T00:00:00Z",
            90_000.0,
            "THB",
            &["S"],
        ),
        // Another currency: a pair of its own, whose first award this is.
        award(
            "a-dollars",
            "B",
            "2024-08-01T00:00:00Z",
            900_000.0,
            "USD",
            &["S"],
        ),
        // Another buyer: its own pair.
        award(
            "c-first",
            "C",
            "2024-09-01T00:00:00Z",
            2_000_000.0,
            "THB",
            &["S"],
        ),
        // Same day as the first: not later.
        award(
            "a-same-day",
            "B",
            "2024-01-10T00:00:00Z",
            900_000.0,
            "THB",
            &["S"],
        ),
    ]);
    let outcome = run("small_then_large", &frames, "");
    assert_eq!(flagged(&outcome), ["a-large"]);
    assert_eq!(assessable(&outcome), ["a-large", "a-modest"]);
    let rows = rows(&outcome);
    assert!((rows["a-large"].value.unwrap() - 2_300_000.0 / 45_000.0).abs() < 1e-9);
    assert_eq!(
        rows["a-large"].evidence.as_deref(),
        Some(
            "buyer B awarded supplier S 2300000 THB, 51.1 times its first award of 45000 THB on 2024-01-10 (a-first)"
        )
    );
    let outcome = run("small_then_large", &frames, "multiple = 2");
    assert_eq!(flagged(&outcome), ["a-large", "a-modest"]);
}

#[test]
fn shadow_bidder_follows_one_winner_without_ever_winning() {
    let won_by = |winner: &str| {
        format!(r#","awards":[{{"id":"1","status":"active","suppliers":[{{"id":"{winner}"}}]}}]"#)
    };
    let mut releases = Vec::new();
    // L bids five times and never wins: W wins four, X one.
    for (n, winner) in ["W", "W", "W", "W", "X"].into_iter().enumerate() {
        releases.push(bids(
            &format!("l-{n}"),
            &won_by(winner),
            &[
                ("valid", 1.0, "THB", &["L"]),
                ("valid", 2.0, "THB", &[winner]),
            ],
        ));
    }
    // K loses three times to W too, but won once elsewhere.
    for n in 0..3 {
        releases.push(bids(
            &format!("k-{n}"),
            &won_by("W"),
            &[("valid", 1.0, "THB", &["K"]), ("valid", 2.0, "THB", &["W"])],
        ));
    }
    releases.push(bids(
        "k-won",
        &won_by("K"),
        &[("valid", 1.0, "THB", &["K"])],
    ));
    // M never wins but loses to three different winners.
    for (n, winner) in ["W", "X", "Y"].into_iter().enumerate() {
        releases.push(bids(
            &format!("m-{n}"),
            &won_by(winner),
            &[
                ("valid", 1.0, "THB", &["M"]),
                ("valid", 2.0, "THB", &[winner]),
            ],
        ));
    }
    let frames = frames(&releases);
    let outcome = run("shadow_bidder", &frames, "");
    assert_eq!(flagged(&outcome), ["l-0", "l-1", "l-2", "l-3"]);
    let rows = rows(&outcome);
    assert_eq!(rows.len(), 8);
    assert!(!rows.contains_key("k-0"));
    assert_eq!(rows["l-4"].value, Some(0.2));
    assert!(!rows["l-4"].flagged);
    assert_eq!(
        rows["l-0"].evidence.as_deref(),
        Some("tenderer L, which never won an award, lost 4 of its 5 processes to W")
    );
    assert_eq!(organization_ids(&outcome), ["L"]);
    let outcome = run("shadow_bidder", &frames, "share = 0.9");
    assert!(flagged(&outcome).is_empty());
}

#[test]
fn unjustified_non_competitive_needs_a_published_rationale() {
    let process = |ocid: &str, method: &str, rationale: Option<&str>| {
        let rationale = rationale
            .map(|text| format!(r#","procurementMethodRationale":"{text}""#))
            .unwrap_or_default();
        format!(r#"{{"ocid":"{ocid}","tender":{{"procurementMethod":"{method}"{rationale}}}}}"#)
    };
    let releases = [
        process("direct-silent", "direct", None),
        process(
            "direct-urgent",
            "direct",
            Some("urgent need of the department"),
        ),
        process(
            "limited-sole",
            "limited",
            Some("Sole supplier of the licensed software"),
        ),
        process("open", "open", None),
    ];
    let published = frames(&releases);
    let outcome = run("unjustified_non_competitive", &published, "");
    assert_eq!(flagged(&outcome), ["direct-silent"]);
    assert_eq!(
        assessable(&outcome),
        ["direct-silent", "direct-urgent", "limited-sole"]
    );
    assert_eq!(
        rows(&outcome)["direct-silent"].evidence.as_deref(),
        Some("method 'direct' (details '(none)') with the justification '(none)'")
    );
    let outcome = run(
        "unjustified_non_competitive",
        &published,
        r#"accepted = ["emergency", "sole supplier"]"#,
    );
    assert_eq!(flagged(&outcome), ["direct-silent", "direct-urgent"]);
    // A publisher that never publishes justifications: nothing to judge.
    let silent = frames(&[process("direct-silent", "direct", None)]);
    assert!(assessable(&run("unjustified_non_competitive", &silent, "")).is_empty());
}

#[test]
fn no_planning_documents_where_others_publish_them() {
    let planned = r#"{"ocid":"planned","planning":{"documents":[{"id":"1","documentType":"procurementPlan"}]}}"#;
    let frames_with = frames(&[
        planned.to_owned(),
        r#"{"ocid":"unplanned","planning":{"budget":{"amount":{"amount":5,"currency":"THB"}}}}"#
            .to_owned(),
        r#"{"ocid":"bare","tender":{"id":"t"}}"#.to_owned(),
    ]);
    let outcome = run("no_planning_documents", &frames_with, "");
    assert_eq!(flagged(&outcome), ["bare", "unplanned"]);
    assert_eq!(assessable(&outcome).len(), 3);
    assert_eq!(
        rows(&outcome)["bare"].evidence.as_deref(),
        Some("no planning document is published; 33% of the processes publish some")
    );
    let none_published = frames(&[r#"{"ocid":"bare","tender":{"id":"t"}}"#.to_owned()]);
    assert!(assessable(&run("no_planning_documents", &none_published, "")).is_empty());
}

#[test]
fn late_tender_notice_from_the_notice_or_the_tender_date() {
    let process = |ocid: &str, method: &str, notice: Option<&str>, published: Option<&str>| {
        let documents = notice
            .map(|date| {
                format!(
                    r#","documents":[{{"id":"n","documentType":"tenderNotice","datePublished":"{date}"}},
                    {{"id":"s","documentType":"technicalSpecifications"}}]"#
                )
            })
            .unwrap_or_default();
        let published = published
            .map(|date| format!(r#","datePublished":"{date}""#))
            .unwrap_or_default();
        format!(
            r#"{{"ocid":"{ocid}","tender":{{"procurementMethod":"{method}",
            "tenderPeriod":{{"startDate":"2024-03-01T00:00:00Z","endDate":"2024-03-20T00:00:00Z"}}{documents}{published}}}}}"#
        )
    };
    let frames = frames(&[
        process("before", "open", Some("2024-02-25T10:00:00Z"), None),
        process("same-day", "open", Some("2024-03-01T10:00:00Z"), None),
        process("late", "open", Some("2024-03-09T10:00:00Z"), None),
        process(
            "late-by-tender-date",
            "open",
            None,
            Some("2024-03-05T00:00:00Z"),
        ),
        process("undated", "selective", None, None),
        process("direct", "direct", Some("2024-03-09T10:00:00Z"), None),
    ]);
    let outcome = run("late_tender_notice", &frames, "");
    assert_eq!(
        flagged(&outcome),
        ["late", "late-by-tender-date", "undated"]
    );
    assert_eq!(assessable(&outcome).len(), 5);
    let rows = rows(&outcome);
    assert_eq!(
        rows["late"].evidence.as_deref(),
        Some(
            "tender period from 2024-03-01, notice of 2024-03-09 (the tender notice document), 8 day(s) after its start"
        )
    );
    assert_eq!(
        rows["late-by-tender-date"].evidence.as_deref(),
        Some(
            "tender period from 2024-03-01, notice of 2024-03-05 (tender.datePublished), 4 day(s) after its start"
        )
    );
}

#[test]
fn missing_tender_documents_by_kind_and_date() {
    let process = |ocid: &str, documents: &str| {
        format!(
            r#"{{"ocid":"{ocid}","tender":{{"procurementMethod":"open",
            "tenderPeriod":{{"startDate":"2024-03-01T00:00:00Z"}},"documents":[{documents}]}}}}"#
        )
    };
    let spec = |date: &str| {
        format!(r#"{{"id":"s","documentType":"technicalSpecifications","datePublished":"{date}"}}"#)
    };
    let notice = r#"{"id":"n","documentType":"tenderNotice"}"#;
    let frames = frames(&[
        process(
            "complete",
            &format!("{notice},{}", spec("2024-02-28T00:00:00Z")),
        ),
        process("notice-only", notice),
        process(
            "late-spec",
            &format!("{notice},{}", spec("2024-03-07T09:00:00Z")),
        ),
        process("no-documents", ""),
    ]);
    let outcome = run("missing_tender_documents", &frames, "");
    assert_eq!(flagged(&outcome), ["late-spec", "notice-only"]);
    assert_eq!(
        assessable(&outcome),
        ["complete", "late-spec", "notice-only"]
    );
    assert_eq!(
        rows(&outcome)["late-spec"].evidence.as_deref(),
        Some(
            "2 tender document(s) with 1 of the key kinds (bidding documents, specifications, evaluation and eligibility criteria), the last out on 2024-03-07, 6 day(s) after the tender period began on 2024-03-01"
        )
    );
}

#[test]
fn unpublished_contract_without_its_text() {
    let process =
        |ocid: &str, contracts: &str| format!(r#"{{"ocid":"{ocid}","contracts":[{contracts}]}}"#);
    let signed = r#"{"id":"C-1","documents":[{"id":"d","documentType":"contractSigned"}]}"#;
    let schedule = r#"{"id":"C-7","documents":[{"id":"a","documentType":"awardNotice"},{"id":"b","documentType":"other"}]}"#;
    let listed = frames(&[
        process("published", signed),
        process("schedule-only", schedule),
        process("one-of-two", &format!("{signed},{schedule}")),
        process("no-documents", r#"{"id":"C-9"}"#),
        process("cancelled", r#"{"id":"C-3","status":"cancelled"}"#),
    ]);
    let outcome = run("unpublished_contract", &listed, "");
    assert_eq!(
        flagged(&outcome),
        ["no-documents", "one-of-two", "schedule-only"]
    );
    assert_eq!(assessable(&outcome).len(), 4);
    let rows = rows(&outcome);
    assert_eq!(
        rows["schedule-only"].evidence.as_deref(),
        Some(
            "contract C-7 has 2 document(s), none of them the contract itself (1 of the process's 1 contract(s))"
        )
    );
    assert_eq!(rows["one-of-two"].value, Some(1.0));
    let none_listed = frames(&[process("no-documents", r#"{"id":"C-9"}"#)]);
    assert!(assessable(&run("unpublished_contract", &none_listed, "")).is_empty());
}

#[test]
fn complaint_wherever_the_publisher_puts_it() {
    let published = frames(&[
        r#"{"ocid":"top","complaints":[{"id":"1"},{"id":"2"}]}"#.to_owned(),
        r#"{"ocid":"in-tender","tender":{"complaints":[{"id":"1","status":"pending"}]}}"#
            .to_owned(),
        r#"{"ocid":"in-award","awards":[{"id":"a","complaints":[{"id":"1"}]}]}"#.to_owned(),
        r#"{"ocid":"quiet","tender":{"id":"t"}}"#.to_owned(),
    ]);
    let outcome = run("complaint", &published, "");
    assert_eq!(flagged(&outcome), ["in-award", "in-tender", "top"]);
    assert_eq!(assessable(&outcome).len(), 4);
    let rows = rows(&outcome);
    assert_eq!(rows["top"].value, Some(2.0));
    assert_eq!(rows["quiet"].value, Some(0.0));
    assert_eq!(
        rows["top"].evidence.as_deref(),
        Some("2 complaint(s) about the tender or its awards")
    );
    let quiet = frames(&[r#"{"ocid":"quiet","tender":{"id":"t"}}"#.to_owned()]);
    assert!(assessable(&run("complaint", &quiet, "")).is_empty());
}

#[test]
fn unanswered_enquiries_without_answer_or_date() {
    let process = |ocid: &str, enquiries: &str| {
        format!(r#"{{"ocid":"{ocid}","tender":{{"enquiries":[{enquiries}]}}}}"#)
    };
    let frames = frames(&[
        process(
            "answered",
            r#"{"id":"1","answer":"Yes"},{"id":"2","dateAnswered":"2024-01-02T00:00:00Z"}"#,
        ),
        process(
            "open-question",
            r#"{"id":"1","answer":"Yes"},{"id":"2","date":"2024-01-01T00:00:00Z"}"#,
        ),
        process("none", ""),
    ]);
    let outcome = run("unanswered_enquiries", &frames, "");
    assert_eq!(flagged(&outcome), ["open-question"]);
    assert_eq!(assessable(&outcome), ["answered", "open-question"]);
    assert_eq!(
        rows(&outcome)["open-question"].evidence.as_deref(),
        Some("1 of 2 question(s) from bidders left without an answer")
    );
}

#[test]
fn late_delivery_met_late_or_not_met_by_the_release_date() {
    let process = |ocid: &str, milestones: &str| {
        format!(
            r#"{{"ocid":"{ocid}","date":"2024-06-01T00:00:00Z","contracts":[{{"id":"C-{ocid}",
            "implementation":{{"milestones":[{milestones}]}}}}]}}"#
        )
    };
    let delivery = |due: &str, met: Option<&str>| {
        let met = met
            .map(|date| format!(r#","dateMet":"{date}","status":"met""#))
            .unwrap_or_default();
        format!(r#"{{"id":"{due}","type":"delivery","dueDate":"{due}T00:00:00Z"{met}}}"#)
    };
    let frames = frames(&[
        process(
            "on-time",
            &delivery("2024-03-15", Some("2024-03-10T00:00:00Z")),
        ),
        process(
            "met-late",
            &format!(
                "{},{}",
                delivery("2024-03-15", Some("2024-05-02T00:00:00Z")),
                delivery("2024-04-15", Some("2024-04-10T00:00:00Z"))
            ),
        ),
        process("overdue", &delivery("2024-05-01", None)),
        process("not-yet-due", &delivery("2024-07-01", None)),
        process(
            "reporting",
            r#"{"id":"r","type":"reporting","dueDate":"2024-01-01T00:00:00Z"}"#,
        ),
    ]);
    let outcome = run("late_delivery", &frames, "");
    assert_eq!(flagged(&outcome), ["met-late", "overdue"]);
    assert_eq!(
        assessable(&outcome),
        ["met-late", "not-yet-due", "on-time", "overdue"]
    );
    let rows = rows(&outcome);
    assert_eq!(
        rows["met-late"].evidence.as_deref(),
        Some(
            "contract C-met-late: 1 of 2 delivery milestone(s) late; the first due on 2024-03-15, delivered: 2024-05-02"
        )
    );
    assert_eq!(
        rows["overdue"].evidence.as_deref(),
        Some(
            "contract C-overdue: 1 of 1 delivery milestone(s) late; the first due on 2024-05-01, delivered: not met"
        )
    );
}

/// A process of `buyer` awarded to `supplier`, with its subcontracting terms (`extra`).
fn subcontracted(ocid: &str, buyer: &str, extra: &str) -> String {
    format!(
        r#"{{"ocid":"{ocid}","buyer":{{"id":"{buyer}"}},"awards":[{{"id":"a","status":"active",
        "suppliers":[{{"id":"S-{ocid}"}}]{extra}}}]}}"#
    )
}

#[test]
fn high_subcontracting_reads_the_largest_share_allowed() {
    let frames = frames(&[
        subcontracted(
            "most",
            "B",
            r#","hasSubcontracting":true,"subcontracting":{"minimumPercentage":10,"maximumPercentage":80}"#,
        ),
        subcontracted(
            "some",
            "B",
            r#","hasSubcontracting":true,"subcontracting":{"minimumPercentage":30}"#,
        ),
        subcontracted("none", "B", r#","hasSubcontracting":false"#),
        subcontracted("unsaid", "B", r#","hasSubcontracting":true"#),
        subcontracted("silent", "B", ""),
    ]);
    let outcome = run("high_subcontracting", &frames, "");
    assert_eq!(flagged(&outcome), ["most"]);
    assert_eq!(assessable(&outcome), ["most", "none", "some"]);
    let rows = rows(&outcome);
    assert_eq!(rows["some"].value, Some(30.0));
    assert_eq!(rows["none"].value, Some(0.0));
    assert_eq!(
        rows["most"].evidence.as_deref(),
        Some("supplier S-most may subcontract 80% of the award, at or above 50%")
    );
    assert_eq!(
        flagged(&run("high_subcontracting", &frames, "percent = 30")),
        ["most", "some"]
    );
}

#[test]
fn subcontracting_prevalence_flags_the_buyer_far_above_its_peers() {
    let mut releases = Vec::new();
    for (buyer, allowing) in [
        ("B1", 1),
        ("B2", 1),
        ("B3", 2),
        ("B4", 0),
        ("B5", 2),
        ("B6", 9),
    ] {
        for n in 0..10 {
            let allowed = if n < allowing { "true" } else { "false" };
            releases.push(subcontracted(
                &format!("{buyer}-{n:02}"),
                buyer,
                &format!(r#","hasSubcontracting":{allowed}"#),
            ));
        }
    }
    releases.push(subcontracted("B7-00", "B7", r#","hasSubcontracting":true"#));
    let frames = frames(&releases);
    let outcome = run("subcontracting_prevalence", &frames, "");
    let expected: Vec<String> = (0..9).map(|n| format!("B6-{n:02}")).collect();
    assert_eq!(flagged(&outcome), expected);
    let rows = rows(&outcome);
    assert_eq!(rows.len(), 60);
    assert_eq!(rows["B6-09"].value, Some(0.9));
    assert!(!rows["B6-09"].flagged && !rows.contains_key("B7-00"));
    assert_eq!(organization_ids(&outcome), ["B6"]);
    assert!(
        first_organization_evidence(&outcome)
            .starts_with("allows subcontracting in 9 of its 10 awards (90%), above the fence of")
    );
}

#[test]
fn high_participation_fee_against_the_tender_value() {
    let process = |ocid: &str, fee: &str| {
        format!(
            r#"{{"ocid":"{ocid}","tender":{{"value":{{"amount":200000,"currency":"THB"}},"participationFees":[{fee}]}}}}"#
        )
    };
    let frames = frames(&[
        process(
            "dear",
            r#"{"id":"1","value":{"amount":5000,"currency":"THB"}},{"id":"2","value":{"amount":100,"currency":"THB"}}"#,
        ),
        process(
            "cheap",
            r#"{"id":"1","value":{"amount":500,"currency":"THB"}}"#,
        ),
        process("no-currency", r#"{"id":"1","value":{"amount":4000}}"#),
        process(
            "dollars",
            r#"{"id":"1","value":{"amount":5000,"currency":"USD"}}"#,
        ),
        process("free", ""),
    ]);
    let outcome = run("high_participation_fee", &frames, "");
    assert_eq!(flagged(&outcome), ["dear", "no-currency"]);
    assert_eq!(assessable(&outcome), ["cheap", "dear", "no-currency"]);
    assert_eq!(
        rows(&outcome)["dear"].evidence.as_deref(),
        Some(
            "a participation fee of 5000 THB is 2.50% of the tender's value of 200000 THB, at or above 1.00%"
        )
    );
}

#[test]
fn rising_participation_fee_against_the_buyers_earlier_fees() {
    let process = |ocid: &str, day: u32, fee: f64| {
        format!(
            r#"{{"ocid":"{ocid}","buyer":{{"id":"B"}},"tender":{{"tenderPeriod":{{"startDate":"2024-01-{day:02}T00:00:00Z"}},
            "value":{{"amount":100000,"currency":"THB"}},"participationFees":[{{"id":"1","value":{{"amount":{fee}}}}}]}}}}"#
        )
    };
    let mut releases: Vec<String> = (1..=5)
        .map(|day| process(&format!("early-{day}"), day, 400.0 + 50.0 * f64::from(day)))
        .collect();
    releases.push(process("dear", 10, 3000.0));
    releases.push(process("usual", 11, 700.0));
    let frames = frames(&releases);
    let outcome = run("rising_participation_fee", &frames, "");
    assert_eq!(flagged(&outcome), ["dear"]);
    assert_eq!(assessable(&outcome), ["dear", "usual"]);
    let rows = rows(&outcome);
    // Earlier fees 450..650: median 550; before "usual", 3000 joins them: median 575.
    assert!((rows["dear"].value.unwrap() - 3000.0 / 550.0).abs() < 1e-9);
    assert!((rows["usual"].value.unwrap() - 700.0 / 575.0).abs() < 1e-9);
    assert_eq!(
        rows["dear"].evidence.as_deref(),
        Some(
            "buyer B charges a participation fee of 3000 THB, 5.5 times the median of 550 THB of its 5 earlier fees"
        )
    );
}

#[test]
fn short_bid_opening_from_the_period_or_the_publication() {
    let process = |ocid: &str,
                   method: &str,
                   start: Option<&str>,
                   published: &str,
                   opening: &str| {
        let period = start
            .map(|date| format!(r#""tenderPeriod":{{"startDate":"{date}T00:00:00Z"}},"#))
            .unwrap_or_default();
        format!(
            r#"{{"ocid":"{ocid}","tender":{{"procurementMethod":"{method}",{period}"datePublished":"{published}T00:00:00Z",
            "bidOpening":{{"date":"{opening}T10:00:00Z"}}}}}}"#
        )
    };
    let frames = frames(&[
        process(
            "short",
            "open",
            Some("2024-03-01"),
            "2024-02-20",
            "2024-03-08",
        ),
        process(
            "long",
            "open",
            Some("2024-03-01"),
            "2024-02-20",
            "2024-03-30",
        ),
        process(
            "by-publication",
            "selective",
            None,
            "2024-03-01",
            "2024-03-05",
        ),
        process(
            "direct",
            "direct",
            Some("2024-03-01"),
            "2024-03-01",
            "2024-03-02",
        ),
        process(
            "reversed",
            "open",
            Some("2024-03-10"),
            "2024-03-10",
            "2024-03-01",
        ),
    ]);
    let outcome = run("short_bid_opening", &frames, "");
    assert_eq!(flagged(&outcome), ["by-publication", "short"]);
    assert_eq!(assessable(&outcome), ["by-publication", "long", "short"]);
    let rows = rows(&outcome);
    assert_eq!(rows["short"].value, Some(7.0));
    assert_eq!(
        rows["by-publication"].evidence.as_deref(),
        Some(
            "4 whole day(s) from the advertising on 2024-03-01 (tender.datePublished) to the bid opening on 2024-03-05, below the threshold of 15 days"
        )
    );
}

#[test]
fn slow_bid_evaluation_against_its_methods_fence() {
    let process = |ocid: &str, days: i64, award_period: bool| {
        let evaluated =
            chrono::NaiveDate::from_ymd_opt(2024, 3, 1).unwrap() + chrono::Duration::days(days);
        let (period, award) = if award_period {
            (
                format!(r#","awardPeriod":{{"startDate":"{evaluated}T00:00:00Z"}}"#),
                String::new(),
            )
        } else {
            (
                String::new(),
                format!(
                    r#","awards":[{{"id":"a","status":"active","date":"{evaluated}T00:00:00Z"}}]"#
                ),
            )
        };
        format!(
            r#"{{"ocid":"{ocid}","tender":{{"procurementMethod":"open","bidOpening":{{"date":"2024-03-01T00:00:00Z"}}{period}}}{award}}}"#
        )
    };
    let mut releases: Vec<String> = (0..20)
        .map(|n| process(&format!("usual-{n:02}"), 5 + n % 6, n % 2 == 0))
        .collect();
    releases.push(process("slow", 140, false));
    releases.push(process("before", -3, true));
    let frames = frames(&releases);
    let outcome = run("slow_bid_evaluation", &frames, "");
    assert_eq!(flagged(&outcome), ["slow"]);
    assert_eq!(assessable(&outcome).len(), 21);
    let evidence = rows(&outcome)["slow"].evidence.clone().unwrap();
    assert!(
        evidence.starts_with("140 day(s) from the bid opening (2024-03-01) to the evaluation (2024-07-19, the first award), above the upper fence of"),
        "{evidence}"
    );
}

/// A process whose contract buys one item classified `code` at `price` THB per `unit`, and
/// whose tender priced it at a tenth of that (the contract's price is the one read).
fn priced_item(ocid: &str, code: &str, unit: &str, price: f64) -> String {
    let item = |price: f64| {
        format!(
            r#"{{"id":"1","classification":{{"scheme":"UNSPSC","id":"{code}"}},"quantity":10,
            "unit":{{"name":"{unit}","value":{{"amount":{price},"currency":"THB"}}}}}}"#
        )
    };
    format!(
        r#"{{"ocid":"{ocid}","tender":{{"items":[{}]}},"contracts":[{{"id":"c","items":[{}]}}]}}"#,
        item(price / 10.0),
        item(price)
    )
}

#[test]
fn line_item_price_against_the_same_item_and_unit() {
    let mut releases: Vec<String> = (0..20)
        .map(|n| {
            priced_item(
                &format!("gloves-{n:02}"),
                "33141420",
                "box",
                95.0 + 4.0 * f64::from(n),
            )
        })
        .collect();
    releases.push(priced_item("gloves-dear", "33141420", "Box", 640.0));
    releases.push(priced_item("gloves-cheap", "33141420", "box", 12.0));
    // Another unit: a market of its own, too small for fences.
    releases.push(priced_item("gloves-carton", "33141420", "carton", 6400.0));
    let frames = frames(&releases);
    let outcome = run("line_item_price", &frames, "");
    assert_eq!(flagged(&outcome), ["gloves-cheap", "gloves-dear"]);
    let rows = rows(&outcome);
    assert_eq!(rows.len(), 22);
    assert!(!rows.contains_key("gloves-carton"));
    let dear = rows["gloves-dear"].evidence.clone().unwrap();
    assert!(
        dear.starts_with("a unit price of 640 THB per 'Box' (contract) is above the fence of ")
            && dear.contains("for kind of item 33141420 UNSPSC (median ")
            && dear.ends_with(" THB over 22 prices)"),
        "{dear}"
    );
}

#[test]
fn line_items_changed_between_the_first_and_the_last_release() {
    let release = |ocid: &str, id: &str, date: &str, quantity: u32, amended: bool| {
        let amendments = if amended {
            r#","amendments":[{"id":"1","date":"2024-06-01T00:00:00Z"}]"#
        } else {
            ""
        };
        let mut release: redflags::ingest::model::Release = serde_json::from_str(&format!(
            r#"{{"ocid":"{ocid}","id":"{id}","date":"{date}T00:00:00Z","contracts":[{{"id":"C-{ocid}",
            "items":[{{"id":"1","quantity":{quantity}}}]{amendments}}}]}}"#
        ))
        .unwrap();
        upgrade(&mut release);
        release
    };
    let compiled = |ocid: &str, first: u32, last: u32, amended: bool| {
        redflags::ingest::merge::compile(vec![
            release(ocid, "1", "2024-01-01", first, false),
            release(ocid, "2", "2024-07-01", last, amended),
        ])
    };
    let releases = vec![
        compiled("grown", 400, 520, true),
        compiled("reduced", 400, 300, true),
        compiled("same", 400, 400, true),
        // Changed without an amendment: not assessed.
        compiled("unamended", 400, 520, false),
    ];
    let frames = Frames::build(&releases).unwrap();
    let outcome = run("line_items_changed", &frames, "");
    assert_eq!(flagged(&outcome), ["grown", "reduced"]);
    assert_eq!(assessable(&outcome), ["grown", "reduced", "same"]);
    let rows = rows(&outcome);
    assert!((rows["grown"].value.unwrap() - 0.3).abs() < 1e-9);
    assert_eq!(
        rows["reduced"].evidence.as_deref(),
        Some(
            "contract C-reduced: items reduced after 1 amendment(s), from 1 item(s) of total quantity 400 to 1 of 300"
        )
    );
}

#[test]
fn subcontracted_loser_finds_the_loser_in_the_subcontract() {
    let main = |ocid: &str, subcontract: &str| {
        bids(
            ocid,
            &format!(
                r#","awards":[{{"id":"a","status":"active","suppliers":[{{"id":"W"}}]}}],
                "contracts":[{{"id":"C-{ocid}","awardID":"a","relatedProcesses":[
                  {{"id":"1","relationship":["subContract"],"scheme":"ocid","identifier":"{subcontract}"}}]}}]"#
            ),
            &[
                ("valid", 100.0, "THB", &["W"]),
                ("valid", 110.0, "THB", &["L"]),
                ("valid", 120.0, "THB", &["M"]),
            ],
        )
    };
    let awarded_to = |ocid: &str, supplier: &str| {
        format!(
            r#"{{"ocid":"{ocid}","awards":[{{"id":"a","status":"active","suppliers":[{{"id":"{supplier}"}}]}}]}}"#
        )
    };
    let frames = frames(&[
        main("main-1", "sub-1"),
        awarded_to("sub-1", "L"),
        main("main-2", "sub-2"),
        awarded_to("sub-2", "X"),
        // A subcontract not in the data: not assessable.
        main("main-3", "sub-missing"),
    ]);
    let outcome = run("subcontracted_loser", &frames, "");
    assert_eq!(flagged(&outcome), ["main-1"]);
    assert_eq!(assessable(&outcome), ["main-1", "main-2"]);
    assert_eq!(
        rows(&outcome)["main-1"].evidence.as_deref(),
        Some(
            "contract C-main-1 names the subcontract sub-1, awarded to L, which bid for this process and lost (1 subcontract(s) named)"
        )
    );
}

#[test]
fn missing_bidder_after_a_regulars_last_bid() {
    let tender = |n: u32, tenderers: &[&str]| {
        let details: Vec<String> = tenderers
            .iter()
            .enumerate()
            .map(|(i, id)| {
                format!(r#"{{"id":"{i}","status":"valid","tenderers":[{{"id":"{id}"}}]}}"#)
            })
            .collect();
        format!(
            r#"{{"ocid":"road-{n:02}","buyer":{{"id":"B"}},"tender":{{"tenderPeriod":{{"startDate":"2024-01-{n:02}T00:00:00Z"}},
            "items":[{{"id":"1","classification":{{"scheme":"CPV","id":"45233120"}}}}]}},"bids":{{"details":[{}]}}}}"#,
            details.join(",")
        )
    };
    let releases: Vec<String> = (1..=10)
        .map(|n| {
            if n <= 6 {
                tender(n, &["X", "R"])
            } else {
                tender(n, &["X"])
            }
        })
        .collect();
    let frames = frames(&releases);
    let outcome = run("missing_bidder", &frames, "");
    assert_eq!(flagged(&outcome), ["road-07", "road-08", "road-09"]);
    assert_eq!(assessable(&outcome).len(), 10);
    assert_eq!(
        rows(&outcome)["road-07"].evidence.as_deref(),
        Some(
            "regular bidder R (in 6 of buyer B's 6 tenders for kind of item 4523 CPV up to road-06) did not bid"
        )
    );
    let outcome = run("missing_bidder", &frames, "following = 1");
    assert_eq!(flagged(&outcome), ["road-07"]);
}

#[test]
fn untraceable_supplier_without_a_web_address() {
    let process = |ocid: &str, url: Option<&str>| {
        let contact = url
            .map(|url| format!(r#","contactPoint":{{"url":"{url}"}}"#))
            .unwrap_or_default();
        format!(
            r#"{{"ocid":"{ocid}","parties":[{{"id":"S-{ocid}","name":"Supplier {ocid}","roles":["supplier"]{contact}}}],
            "awards":[{{"id":"a","status":"active","suppliers":[{{"id":"S-{ocid}","name":"Supplier {ocid}"}}]}}]}}"#
        )
    };
    let with_urls = frames(&[
        process("traced", Some("https://example.co.th")),
        process("untraced", None),
        r#"{"ocid":"no-party","awards":[{"id":"a","status":"active","suppliers":[{"id":"X"}]}]}"#
            .to_owned(),
    ]);
    let outcome = run("untraceable_supplier", &with_urls, "");
    assert_eq!(flagged(&outcome), ["untraced"]);
    assert_eq!(assessable(&outcome), ["traced", "untraced"]);
    assert_eq!(
        rows(&outcome)["untraced"].evidence.as_deref(),
        Some("supplier Supplier untraced gives no web address; 50% of the parties give one")
    );
    let without = frames(&[process("untraced", None)]);
    assert!(assessable(&run("untraceable_supplier", &without, "")).is_empty());
}

#[test]
fn short_tender_period_falls_back_on_the_publication_date() {
    let frames = frames(&[
        r#"{"ocid":"published","tender":{"procurementMethod":"open","datePublished":"2024-03-01T00:00:00Z",
           "tenderPeriod":{"endDate":"2024-03-08T00:00:00Z"}}}"#
            .to_owned(),
        r#"{"ocid":"period","tender":{"procurementMethod":"open","datePublished":"2024-02-01T00:00:00Z",
           "tenderPeriod":{"startDate":"2024-03-01T00:00:00Z","endDate":"2024-03-08T00:00:00Z"}}}"#
            .to_owned(),
    ]);
    let outcome = run("short_tender_period", &frames, "");
    assert_eq!(flagged(&outcome), ["period", "published"]);
    let rows = rows(&outcome);
    assert_eq!(
        rows["published"].evidence.as_deref(),
        Some(
            "tender period of 7 whole days (2024-03-01, the tender's publication date to 2024-03-08), below the threshold of 15 days"
        )
    );
    assert_eq!(
        rows["period"].evidence.as_deref(),
        Some(
            "tender period of 7 whole days (2024-03-01 to 2024-03-08), below the threshold of 15 days"
        )
    );
    // Cardinal's code reads the tender period's start only.
    let outcome = run("short_tender_period", &frames, "cardinal = true");
    assert_eq!(assessable(&outcome), ["period"]);
}
