//! The indicators' plans collected together: the same outcomes as each indicator alone, and the
//! derived tables they share computed once.

mod common;

use redflags::domain::Tables;
use redflags::evidence::Language;
use redflags::indicators::{Outcome, Plan, REGISTRY, collect, explain, find};

use common::generated_frames as generated;

#[test]
fn indicators_collected_together_give_what_each_gives_alone() {
    let frames = generated();
    let settings = toml::Table::new();
    let tables = Tables::new(&frames);
    let plans = REGISTRY
        .iter()
        .map(|indicator| indicator.plan(&tables, &settings).unwrap())
        .collect();
    let together = collect(plans).unwrap();
    assert_eq!(together.len(), REGISTRY.len());
    let mut flagged = 0;
    for (indicator, outcome) in REGISTRY.iter().zip(&together) {
        let slug = indicator.metadata().slug;
        let alone = indicator.run(&frames, &settings).unwrap();
        assert!(outcome.processes.equals_missing(&alone.processes), "{slug}");
        // The evidence as the outputs write it (its values may differ in the last bits of a
        // float summed in another order, which no sentence shows).
        let english = Language::english();
        let sentences = |outcome: &Outcome| {
            outcome
                .evidence_sentences(indicator.metadata(), &english)
                .collect()
                .unwrap()
        };
        assert!(
            sentences(outcome).equals_missing(&sentences(&alone)),
            "{slug}"
        );
        let organizations = |outcome: &Outcome| {
            outcome
                .organizations_with_evidence(indicator.metadata(), &english)
                .collect()
                .unwrap()
        };
        assert!(
            organizations(outcome).equals_missing(&organizations(&alone)),
            "{slug}"
        );
        assert_eq!(outcome.meta, alone.meta, "{slug}");
        flagged += outcome.organizations.height() + outcome.processes.height();
    }
    assert!(flagged > 0);
}

#[test]
fn indicators_planned_from_one_set_of_tables_share_the_bids_by_bid() {
    let frames = generated();
    let settings = toml::Table::new();
    let plan = |tables: &Tables, slug: &str| find(slug).unwrap().plan(tables, &settings).unwrap();
    // Each copy of the bids by bid's plan counts the tenderers of each bid (a cached plan is
    // printed under the first query that reads it only).
    let copies = |plans: &[Plan]| {
        explain(plans)
            .unwrap()
            .matches(r#"count().alias("tenderer_count")"#)
            .count()
    };
    let tables = Tables::new(&frames);
    let shared = [
        plan(&tables, "identical_bid_prices"),
        plan(&tables, "lowest_bid_disqualified"),
        plan(&tables, "excessive_disqualified_bids"),
    ];
    assert_eq!(copies(&shared), 1);
    let apart = [
        plan(&tables, "identical_bid_prices"),
        plan(&Tables::new(&frames), "lowest_bid_disqualified"),
    ];
    assert_eq!(copies(&apart), 2);
}
