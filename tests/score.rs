//! The risk score: weighted share of raised flags among assessable indicators.

use polars::prelude::*;
use redflags::config::Config;
use redflags::frames::Frames;
use redflags::indicators::Group;
use redflags::indicators::{Outcome, empty_organizations};
use redflags::ingest::merge::compile_single;
use redflags::ingest::model::Release;
use redflags::score::{IndicatorRun, Scored};

fn frames(ocids: &[&str]) -> Frames {
    let releases: Vec<Release> = ocids
        .iter()
        .map(|ocid| {
            let json = format!(
                r#"{{"ocid":"{ocid}","buyer":{{"id":"B","name":"Buyer"}},
                    "awards":[{{"id":"a","status":"active","value":{{"amount":100,"currency":"THB"}},
                                "suppliers":[{{"id":"S","name":"บริษัท ส"}}]}},
                              {{"id":"b","status":"cancelled","value":{{"amount":999,"currency":"THB"}}}},
                              {{"id":"c","value":{{"amount":5,"currency":"USD"}}}}]}}"#
            );
            compile_single(serde_json::from_str(&json).unwrap())
        })
        .collect();
    Frames::build(&releases).unwrap()
}

/// An indicator outcome: (ocid, flagged) for each assessable process.
fn outcome(rows: &[(&str, bool)], organizations: Option<DataFrame>) -> Outcome {
    let processes = df!(
        "ocid" => rows.iter().map(|r| r.0).collect::<Vec<_>>(),
        "flagged" => rows.iter().map(|r| r.1).collect::<Vec<_>>(),
        "value" => rows.iter().map(|_| 1.0).collect::<Vec<_>>(),
        "evidence" => rows.iter().map(|r| format!("evidence for {}", r.0)).collect::<Vec<_>>(),
    )
    .unwrap();
    Outcome {
        processes,
        organizations: organizations.unwrap_or_else(|| empty_organizations().unwrap()),
        meta: Vec::new(),
    }
}

fn run(slug: &'static str, weight: f64, outcome: Outcome) -> IndicatorRun {
    IndicatorRun {
        slug,
        code: None,
        levels: &["process"],
        group: Group::Competition,
        weight,
        organization_weight: weight,
        outcome,
    }
}

/// Scores every process in scope with the default settings.
fn score(frames: &Frames, runs: &[IndicatorRun]) -> Scored {
    redflags::score::score(frames, frames, runs, &Config::default()).unwrap()
}

fn column_f64(frame: &DataFrame, name: &str) -> Vec<Option<f64>> {
    frame.column(name).unwrap().f64().unwrap().iter().collect()
}

#[test]
fn score_is_the_weighted_share_of_flags_among_assessable_indicators() {
    let frames = frames(&["p1", "p2", "p3", "p4"]);
    let runs = [
        run(
            "first",
            1.0,
            outcome(&[("p1", true), ("p2", false), ("p3", true)], None),
        ),
        run("second", 3.0, outcome(&[("p1", true), ("p2", true)], None)),
    ];
    let scored = score(&frames, &runs);
    let contracts = &scored.contracts;
    // p1: (1+3)/(1+3); p2: 3/(1+3); p3: 1/1; p4: nothing assessable → no score.
    assert_eq!(
        column_f64(contracts, "risk_score"),
        [Some(100.0), Some(75.0), Some(100.0), None]
    );
    // Percentile among scored processes: share with a score at most this one's, to 2 places.
    assert_eq!(
        column_f64(contracts, "percentile"),
        [Some(100.0), Some(33.33), Some(100.0), None]
    );
    let flags: Vec<_> = contracts
        .column("flags")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .collect();
    assert_eq!(
        flags,
        [
            Some("first; second"),
            Some("second"),
            Some("first"),
            Some("")
        ]
    );
    let assessable: Vec<_> = contracts
        .column("assessable_count")
        .unwrap()
        .u32()
        .unwrap()
        .iter()
        .collect();
    assert_eq!(assessable, [Some(2), Some(2), Some(1), Some(0)]);
    // Tri-state indicator columns: 1 flagged, 0 assessed and clear, empty not assessable.
    let second: Vec<_> = contracts
        .column("second")
        .unwrap()
        .i8()
        .unwrap()
        .iter()
        .collect();
    assert_eq!(second, [Some(1), Some(1), None, None]);
    // One row per raised flag, by process and then registry order.
    assert_eq!(scored.flags.height(), 4);
    let order: Vec<_> = scored
        .flags
        .column("indicator")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .collect();
    assert_eq!(
        order,
        [Some("first"), Some("second"), Some("second"), Some("first")]
    );
}

#[test]
fn a_weight_of_zero_keeps_the_flag_out_of_the_score() {
    let frames = frames(&["p1"]);
    let runs = [
        run("kept", 1.0, outcome(&[("p1", false)], None)),
        run("ignored", 0.0, outcome(&[("p1", true)], None)),
    ];
    let scored = score(&frames, &runs);
    assert_eq!(column_f64(&scored.contracts, "risk_score"), [Some(0.0)]);
    assert_eq!(scored.flags.height(), 1);
}

#[test]
fn award_values_count_awarded_awards_in_one_currency() {
    let frames = frames(&["p1"]);
    let scored = score(&frames, &[]);
    // The cancelled award is left out; the USD award is not added to the THB one.
    assert_eq!(column_f64(&scored.contracts, "award_amount"), [Some(100.0)]);
    let suppliers: Vec<_> = scored
        .contracts
        .column("suppliers")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .collect();
    assert_eq!(suppliers, [Some("บริษัท ส")]);
    assert_eq!(column_f64(&scored.contracts, "risk_score"), [None]);
}

#[test]
fn organization_results_carry_names() {
    let frames = frames(&["p1"]);
    let organizations = df!(
        "role" => ["supplier"],
        "organization_id" => ["S"],
        "value" => [0.8],
        "evidence" => ["won 80%"],
    )
    .unwrap();
    let runs = [run(
        "winner",
        1.0,
        outcome(&[("p1", true)], Some(organizations)),
    )];
    let scored = score(&frames, &runs);
    let names: Vec<_> = scored
        .organizations
        .column("organization_name")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .collect();
    assert_eq!(names, [Some("บริษัท ส")]);
}
