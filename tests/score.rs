//! The risk score: a noisy-OR of the strengths of raised flags, each family counted once.

mod common;

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

/// An indicator outcome: (ocid, flagged) for each assessable process of `frames`.
fn outcome(frames: &Frames, rows: &[(&str, bool)], organizations: Option<DataFrame>) -> Outcome {
    let ocids = frames.processes.column("ocid").unwrap().str().unwrap();
    let keys = frames.processes.column("process").unwrap().u32().unwrap();
    let key = |ocid: &str| {
        let row = ocids.iter().position(|other| other == Some(ocid)).unwrap();
        keys.get(row).unwrap()
    };
    let processes = df!(
        "process" => rows.iter().map(|r| key(r.0)).collect::<Vec<_>>(),
        "flagged" => rows.iter().map(|r| r.1).collect::<Vec<_>>(),
        "value" => rows.iter().map(|_| 1.0).collect::<Vec<_>>(),
    )
    .unwrap();
    let flagged: Vec<_> = rows.iter().filter(|r| r.1).collect();
    // The evidence values `single_bid` declares (the other indicators of these tests are not
    // in the registry: they have no evidence to render).
    let evidence = df!(
        "process" => flagged.iter().map(|r| key(r.0)).collect::<Vec<_>>(),
        "source" => flagged.iter().map(|_| "declared").collect::<Vec<_>>(),
        "method" => flagged.iter().map(|_| "open").collect::<Vec<_>>(),
    )
    .unwrap();
    Outcome {
        processes,
        evidence,
        organizations: organizations.unwrap_or_else(|| empty_organizations().unwrap()),
        meta: Vec::new(),
        assessed: None,
    }
}

/// Two indicators over p1-p4: `first` assesses p1-p3 and flags p1 and p3, `second` assesses
/// and flags p1 and p2.
fn first_and_second(frames: &Frames) -> Vec<IndicatorRun> {
    vec![
        run(
            "first",
            0.5,
            outcome(frames, &[("p1", true), ("p2", false), ("p3", true)], None),
        ),
        run(
            "second",
            0.3,
            outcome(frames, &[("p1", true), ("p2", true)], None),
        ),
    ]
}

fn run(slug: &'static str, weight: f64, outcome: Outcome) -> IndicatorRun {
    IndicatorRun {
        slug,
        code: None,
        levels: &["process"],
        group: Group::Competition,
        family: slug.to_owned(),
        weight,
        organization_weight: weight,
        outcome,
    }
}

/// Scores every process in scope with the default settings.
fn score(frames: &Frames, runs: &[IndicatorRun]) -> Scored {
    redflags::score::score(frames, &frames.processes, runs, &Config::default()).unwrap()
}

fn column_f64(frame: &DataFrame, name: &str) -> Vec<Option<f64>> {
    frame.column(name).unwrap().f64().unwrap().iter().collect()
}

#[test]
fn score_combines_strengths_and_checks_that_passed_never_dilute_it() {
    let frames = frames(&["p1", "p2", "p3", "p4"]);
    let mut runs = first_and_second(&frames);
    let scored = score(&frames, &runs);
    let contracts = &scored.contracts;
    // p1: 100 × (1 − 0.5 × 0.7) = 65; p2: 30; p3: 50; p4: nothing assessable → no score.
    assert_eq!(
        column_f64(contracts, "risk_score"),
        [Some(65.0), Some(30.0), Some(50.0), None]
    );
    // Percentile among scored processes: share with a score at most this one's, to 2 places.
    assert_eq!(
        column_f64(contracts, "percentile"),
        [Some(100.0), Some(33.33), Some(66.67), None]
    );
    assert_eq!(
        column_str(contracts, "flags"),
        ["first; second", "second", "first", ""].map(|flag| Some(flag.to_owned()))
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
    // One row per raised flag, by process and then registry order, with its strength.
    assert_eq!(scored.flags.height(), 4);
    assert_eq!(
        column_str(&scored.flags, "indicator"),
        ["first", "second", "second", "first"].map(|s| Some(s.to_owned()))
    );
    assert_eq!(
        column_f64(&scored.flags, "weight"),
        [Some(0.5), Some(0.3), Some(0.3), Some(0.5)]
    );
    // A third check that assesses every process and raises nothing changes no score (it
    // only raises the completeness): one strong flag is not diluted by checks that passed.
    runs.push(run(
        "passed",
        0.9,
        outcome(
            &frames,
            &[("p1", false), ("p2", false), ("p3", false)],
            None,
        ),
    ));
    let with_passed = score(&frames, &runs);
    assert_eq!(
        column_f64(&with_passed.contracts, "risk_score"),
        column_f64(contracts, "risk_score")
    );
}

#[test]
fn outcomes_cut_to_their_flagged_processes_score_the_same() {
    let frames = frames(&["p1", "p2", "p3", "p4"]);
    let whole = first_and_second(&frames);
    let mut cut = whole.clone();
    for run in &mut cut {
        run.outcome.keep_flagged_only(4).unwrap();
        // Cutting twice changes nothing.
        run.outcome.keep_flagged_only(4).unwrap();
    }
    // Only the flagged rows are left; the counts are those of the whole outcomes.
    assert_eq!(cut[0].outcome.processes.height(), 2);
    assert_eq!(cut[1].outcome.processes.height(), 2);
    let counts = |runs: &[IndicatorRun]| -> Vec<(usize, usize)> {
        runs.iter()
            .map(|run| (run.assessable(), run.flagged()))
            .collect()
    };
    assert_eq!(counts(&whole), [(3, 2), (2, 2)]);
    assert_eq!(counts(&cut), counts(&whole));
    let assessed = cut[0].outcome.assessed.as_ref().unwrap();
    let keys: Vec<u32> = (0..4).filter(|key| assessed.contains(*key)).collect();
    assert_eq!(keys.len(), 3);
    let (whole, cut) = (score(&frames, &whole), score(&frames, &cut));
    assert!(whole.contracts.equals_missing(&cut.contracts));
    assert!(whole.flags.equals_missing(&cut.flags));
    // Not assessable stays apart from assessed and clear: p4 for `first`, p2 clear.
    assert_eq!(
        column_i8(&cut.contracts, "first"),
        [Some(1), Some(0), Some(1), None]
    );
}

#[test]
fn flags_that_restate_one_fact_count_once_by_the_strongest() {
    let frames = frames(&["p1", "p2"]);
    let mut strong = run(
        "strong",
        0.5,
        outcome(&frames, &[("p1", true), ("p2", true)], None),
    );
    let mut weak = run(
        "weak",
        0.2,
        outcome(&frames, &[("p1", true), ("p2", false)], None),
    );
    strong.family = "fact".to_owned();
    weak.family = "fact".to_owned();
    let other = run(
        "other",
        0.2,
        outcome(&frames, &[("p1", true), ("p2", false)], None),
    );
    let scored = score(&frames, &[weak, strong, other]);
    // p1: the family counts 0.5 (not 1 − 0.5 × 0.8 = 0.6), then "other": 1 − 0.5 × 0.8 = 60.
    assert_eq!(
        column_f64(&scored.contracts, "risk_score"),
        [Some(60.0), Some(50.0)]
    );
    // flags.csv says which flag its family counted.
    let counted: Vec<_> = scored
        .flags
        .column("counted")
        .unwrap()
        .bool()
        .unwrap()
        .iter()
        .collect();
    assert_eq!(
        column_str(&scored.flags, "indicator"),
        ["weak", "strong", "other", "strong"].map(|s| Some(s.to_owned()))
    );
    assert_eq!(counted, [Some(false), Some(true), Some(true), Some(true)]);
    assert_eq!(
        column_str(&scored.flags, "family")[0].as_deref(),
        Some("fact")
    );
}

#[test]
fn a_weight_of_zero_keeps_the_flag_out_of_the_score() {
    let frames = frames(&["p1"]);
    let runs = [
        run("kept", 0.5, outcome(&frames, &[("p1", false)], None)),
        run("ignored", 0.0, outcome(&frames, &[("p1", true)], None)),
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
        outcome(&frames, &[("p1", true)], Some(organizations)),
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

fn column_i8(frame: &DataFrame, name: &str) -> Vec<Option<i8>> {
    frame.column(name).unwrap().i8().unwrap().iter().collect()
}

use common::strings as column_str;

fn column_u32(frame: &DataFrame, name: &str) -> Vec<Option<u32>> {
    let column = frame.column(name).unwrap().cast(&DataType::UInt32).unwrap();
    column.u32().unwrap().iter().collect()
}

/// An indicator that flags process p1 and, at organization level, the supplier S that wins
/// every process.
fn supplier_flagging_run(frames: &Frames) -> IndicatorRun {
    let organizations = df!(
        "role" => ["supplier"],
        "organization_id" => ["S"],
        "value" => [0.8],
        "evidence" => ["won 80%"],
    )
    .unwrap();
    let mut run = run(
        "winner",
        0.6,
        outcome(frames, &[("p1", true), ("p2", false)], Some(organizations)),
    );
    run.levels = &["process", "supplier"];
    // Set, as `organization_weight` can be.
    run.organization_weight = 0.25;
    run
}

#[test]
fn organization_flags_reach_the_processes_of_the_flagged_winner_as_one_term() {
    let frames = frames(&["p1", "p2", "p3"]);
    let scored = score(&frames, &[supplier_flagging_run(&frames)]);
    let contracts = &scored.contracts;
    // p1 is flagged by the indicator itself: the organization term is assessed but not raised
    // (the same evidence is not counted twice); p2 and p3 are won by the flagged supplier.
    assert_eq!(column_i8(contracts, "winner"), [Some(1), Some(0), None]);
    assert_eq!(
        column_i8(contracts, "organization"),
        [Some(0), Some(1), Some(1)]
    );
    // The organization term has the set organization strength 0.25: p1 = 60, p2 = p3 = 25.
    assert_eq!(
        column_f64(contracts, "risk_score"),
        [Some(60.0), Some(25.0), Some(25.0)]
    );
    // p3: one of the two terms could assess it.
    assert_eq!(
        column_f64(contracts, "data_completeness"),
        [Some(100.0), Some(100.0), Some(50.0)]
    );
    assert_eq!(
        column_str(contracts, "flags"),
        [
            Some("winner".to_owned()),
            Some("organization".to_owned()),
            Some("organization".to_owned())
        ]
    );
    // A list of labels, written joined: the flag reaches every process the supplier won,
    // p1 included, whose term it does not raise.
    let organization_flags = contracts.column("organization_flags").unwrap();
    assert_eq!(
        redflags::output::cells(organization_flags.as_materialized_series()).unwrap(),
        ["winner: supplier บริษัท ส (S)"; 3]
    );
    // flags.csv has the process's own flag only; the organization's result is one row in
    // organizations.
    assert_eq!(
        column_str(&scored.flags, "level"),
        [Some("process".to_owned())]
    );
    assert_eq!(scored.organizations.height(), 1);
    // A process outside the scope gets no term at all.
    let assessed = Frames {
        processes: frames
            .processes
            .clone()
            .lazy()
            .filter(col("ocid").neq(lit("p3")))
            .collect()
            .unwrap(),
        ..frames.clone()
    };
    let scored = redflags::score::score(
        &frames,
        &assessed.processes,
        &[supplier_flagging_run(&frames)],
        &Config::default(),
    )
    .unwrap();
    assert_eq!(column_f64(&scored.contracts, "risk_score")[2], None);
    assert_eq!(
        column_f64(&scored.contracts, "data_completeness")[2],
        Some(0.0)
    );
}

#[test]
fn value_at_risk_and_ranks_break_ties_by_ocid() {
    let frames = frames(&["p1", "p2", "p3", "p4"]);
    let runs = [run(
        "first",
        1.0,
        outcome(&frames, &[("p1", false), ("p2", true), ("p3", true)], None),
    )];
    let scored = score(&frames, &runs);
    let contracts = &scored.contracts;
    // The awards' value (100 THB, no contract): value at risk = 100 × score / 100.
    assert_eq!(
        column_str(contracts, "value_source"),
        vec![Some("award".to_owned()); 4]
    );
    assert_eq!(
        column_f64(contracts, "value_at_risk"),
        [Some(0.0), Some(100.0), Some(100.0), None]
    );
    // p2 and p3 tie on score and value: the ocid decides; p4 has no score, no rank.
    assert_eq!(
        column_u32(contracts, "rank_score"),
        [Some(3), Some(1), Some(2), None]
    );
    assert_eq!(
        column_u32(contracts, "rank_value_at_risk"),
        [Some(3), Some(1), Some(2), None]
    );
}

#[test]
fn each_group_has_its_own_sub_score() {
    let frames = frames(&["p1"]);
    let mut price = run("price_flag", 0.4, outcome(&frames, &[("p1", true)], None));
    price.group = Group::Price;
    let runs = [
        price,
        run(
            "competition_flag",
            0.5,
            outcome(&frames, &[("p1", false)], None),
        ),
    ];
    let scored = score(&frames, &runs);
    assert_eq!(column_f64(&scored.contracts, "risk_score"), [Some(40.0)]);
    assert_eq!(column_f64(&scored.contracts, "score_price"), [Some(40.0)]);
    assert_eq!(
        column_f64(&scored.contracts, "score_competition"),
        [Some(0.0)]
    );
    assert_eq!(scored.weights, [0.4, 0.5]);
    let error = Config::parse("[indicators.single_bid]\ngroup = \"speed\"\n").unwrap_err();
    assert!(error.contains("competition, transparency, price, timing, contract"));
}

#[test]
fn validated_weights_keep_the_indicators_that_predict_single_bidding() {
    // 400 competitive processes: one in four has a single bid. `predictor` is raised on most
    // single-bid processes and few others; `noise` is raised on every third process.
    let ocids: Vec<String> = (0..400).map(|i| format!("p{i:03}")).collect();
    let names: Vec<&str> = ocids.iter().map(String::as_str).collect();
    let frames = frames(&names);
    let single = |i: usize| i.is_multiple_of(4);
    let rows = |flag: &dyn Fn(usize) -> bool| -> Vec<(&str, bool)> {
        names
            .iter()
            .enumerate()
            .map(|(i, ocid)| (*ocid, flag(i)))
            .collect()
    };
    let runs = [
        run("single_bid", 0.3, outcome(&frames, &rows(&single), None)),
        run(
            "predictor",
            0.2,
            outcome(
                &frames,
                &rows(&|i| if single(i) { i % 8 != 4 } else { i % 10 == 1 }),
                None,
            ),
        ),
        run("noise", 0.2, outcome(&frames, &rows(&|i| i % 3 == 0), None)),
    ];
    let config = Config::parse("[score]\nweights = \"validated\"\n").unwrap();
    let scored = redflags::score::score(&frames, &frames.processes, &runs, &config).unwrap();
    let validation = scored.validation.as_ref().unwrap();
    assert_eq!(validation.competitive, 400);
    assert_eq!(validation.single_bid, 100);
    let predictor = &validation.terms[0];
    assert_eq!(predictor.term, "predictor");
    // 50 of 100 single-bid processes raised, 40 of 300 others: OR = (50·260)/(40·50) = 6.5.
    assert_eq!(
        (
            predictor.flagged_single_bid,
            predictor.flagged_competed,
            predictor.clear_single_bid,
            predictor.clear_competed
        ),
        (50, 40, 50, 260)
    );
    assert_eq!(predictor.odds_ratio, Some(6.5));
    assert!(predictor.predicts && predictor.p_value.unwrap() < 1e-10);
    let noise = &validation.terms[1];
    assert!(!noise.predicts, "{noise:?}");
    // single_bid keeps its strength; the predictor gets 1 − 1/OR at the interval's lower end
    // (OR 6.5, SE = √(1/50 + 1/40 + 1/50 + 1/260), low = exp(ln 6.5 − 1.96·SE) ≈ 3.886);
    // noise gets 0.
    let low = predictor.ci_low.unwrap();
    assert!((low - 3.886).abs() < 0.01, "{low}");
    assert_eq!(scored.weights[0], 0.3);
    assert!((scored.weights[1] - (1.0 - 1.0 / low)).abs() < 1e-4);
    assert_eq!(scored.weights[2], 0.0);
    // Correlations: phi = (400·50 − 100·90) / √(100·300·90·310).
    let pair = validation
        .correlations
        .iter()
        .find(|pair| pair.a == "single_bid" && pair.b == "predictor")
        .unwrap();
    assert_eq!((pair.processes, pair.phi), (400, 0.3802));
    // Without single_bid there is nothing to validate against.
    let error =
        redflags::score::score(&frames, &frames.processes, &runs[1..], &config).unwrap_err();
    assert!(error.to_string().contains("single_bid"), "{error}");
}
