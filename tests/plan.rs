//! The indicators' plans collected together: the same outcomes as each indicator alone, and the
//! derived tables they share computed once.

use redflags::domain::Tables;
use redflags::frames::Frames;
use redflags::indicators::{Plan, REGISTRY, collect, explain, find};
use redflags::scope::Scope;

/// The frames of 1,000 generated processes of the baseline world.
fn generated() -> Frames {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("generated.jsonl");
    let mut file = std::fs::File::create(&data).unwrap();
    redflags::synthetic::write(&mut file, 1000, 5).unwrap();
    redflags::run::load(&[data.display().to_string()])
        .unwrap()
        .1
}

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
        assert!(outcome.evidence.equals_missing(&alone.evidence), "{slug}");
        assert!(
            outcome.organizations.equals_missing(&alone.organizations),
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

#[test]
fn the_scope_filters_the_tables_where_they_are_read_as_a_filtered_copy_would() {
    let frames = generated();
    // Leave out the processes of the most common procurementMethodDetails.
    let mut counts = std::collections::BTreeMap::<String, usize>::new();
    let column = frames
        .processes
        .column("procurement_method_details")
        .unwrap();
    for details in column.str().unwrap().iter().flatten() {
        *counts.entry(details.to_owned()).or_default() += 1;
    }
    let (details, _) = counts.into_iter().max_by_key(|(_, n)| *n).unwrap();
    let scope = Scope {
        excluded_procurement_method_details: vec![details],
        ..Scope::default()
    };
    let in_scope = scope.select(&frames).unwrap();
    let excluded = frames.processes.height() - in_scope.processes.height();
    assert!(
        excluded > 100 && in_scope.processes.height() > 100,
        "{excluded}"
    );
    let settings = toml::Table::new();
    let outcomes = |tables: &Tables| {
        let plans = REGISTRY
            .iter()
            .map(|indicator| indicator.plan(tables, &settings).unwrap())
            .collect();
        collect(plans).unwrap()
    };
    let filtered = outcomes(&Tables::scoped(&frames, &in_scope));
    let copied = outcomes(&Tables::new(&scope.apply(&frames).unwrap()));
    let mut flagged = 0;
    for ((indicator, lazy), copy) in REGISTRY.iter().zip(&filtered).zip(&copied) {
        let slug = indicator.metadata().slug;
        assert!(lazy.processes.equals_missing(&copy.processes), "{slug}");
        assert!(lazy.evidence.equals_missing(&copy.evidence), "{slug}");
        assert!(
            lazy.organizations.equals_missing(&copy.organizations),
            "{slug}"
        );
        flagged += lazy.evidence.height();
    }
    assert!(flagged > 0);
    // The processes left out are assessed by no indicator.
    let kept: std::collections::HashSet<u32> = in_scope
        .processes
        .column("process")
        .unwrap()
        .u32()
        .unwrap()
        .into_no_null_iter()
        .collect();
    for outcome in &filtered {
        let keys = outcome.processes.column("process").unwrap().u32().unwrap();
        assert!(keys.into_no_null_iter().all(|key| kept.contains(&key)));
    }
}
