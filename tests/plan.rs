//! The indicators' plans collected together: the same outcomes as each indicator alone, and the
//! derived tables they share computed once.

mod common;

use redflags::domain::Tables;
use redflags::evidence::Language;
use redflags::indicators::{
    Batch, InParts, Metadata, Outcome, PROCESSES, Plan, Planned, REGISTRY, collect,
    collect_in_parts, explain, find,
};
use redflags::scope::Scope;

use common::generated_frames as generated;

/// Asserts that two outcomes of an indicator are the same: the processes assessed and flagged,
/// the evidence as the outputs write it (its values may differ in the last bits of a float
/// summed in another order, which no sentence shows), the organizations and the statistics.
fn assert_same(metadata: &Metadata, outcome: &Outcome, other: &Outcome) {
    let slug = metadata.slug;
    assert!(outcome.processes.equals_missing(&other.processes), "{slug}");
    let english = Language::english();
    let sentences = |outcome: &Outcome| {
        outcome
            .evidence_sentences(metadata, &english)
            .collect()
            .unwrap()
    };
    assert!(
        sentences(outcome).equals_missing(&sentences(other)),
        "{slug}"
    );
    let organizations = |outcome: &Outcome| {
        outcome
            .organizations_with_evidence(metadata, &english)
            .collect()
            .unwrap()
    };
    assert!(
        organizations(outcome).equals_missing(&organizations(other)),
        "{slug}"
    );
    // As text, so that NaN (no statistic) equals NaN.
    assert_eq!(
        format!("{:?}", outcome.meta),
        format!("{:?}", other.meta),
        "{slug}"
    );
}

/// Every indicator of the registry with `settings`, in its batch.
fn planned(settings: &toml::Table) -> Vec<Planned<'_>> {
    REGISTRY
        .iter()
        .map(|indicator| Planned::of(*indicator, settings))
        .collect()
}

#[test]
fn indicators_collected_together_give_what_each_gives_alone() {
    let frames = generated();
    let settings = toml::Table::new();
    // In their batches, each batch's shared tables computed ahead, as a run collects them.
    let together = collect(&Tables::new(&frames), planned(&settings)).unwrap();
    assert_eq!(together.len(), REGISTRY.len());
    let mut flagged = 0;
    for (indicator, outcome) in REGISTRY.iter().zip(&together) {
        let alone = indicator.run(&frames, &settings).unwrap();
        assert_same(indicator.metadata(), outcome, &alone);
        flagged += outcome.organizations.height() + outcome.processes.height();
    }
    assert!(flagged > 0);
}

#[test]
fn per_process_indicators_collected_on_parts_of_the_processes_give_what_they_give_whole() {
    let frames = generated();
    // Some processes out of scope, so that the parts' tables are filtered as well as cut.
    let scope = Scope {
        excluded_procurement_method_details: vec!["ตกลงราคา".to_owned()],
        ..Scope::default()
    };
    let in_scope = scope.select(&frames).unwrap();
    let tables = Tables::scoped(&frames, &in_scope);
    let settings = toml::Table::new();
    let whole = collect(&tables, planned(&settings)).unwrap();
    // Seven parts of about 143 processes.
    let part = frames.processes.height() / 7;
    let parts = collect_in_parts(&tables, planned(&settings), part).unwrap();
    let mut per_process = 0;
    let mut across_parts = 0;
    for ((indicator, whole), parts) in REGISTRY.iter().zip(&whole).zip(&parts) {
        assert_same(indicator.metadata(), whole, parts);
        if indicator.metadata().in_parts == InParts::Whole {
            continue;
        }
        per_process += 1;
        // Organizations flagged in processes of several parts, their rows put together.
        if let Ok(processes) = parts.organizations.column(PROCESSES) {
            for keys in processes.list().unwrap().amortized_iter().flatten() {
                let keys: Vec<u32> = keys.as_ref().u32().unwrap().into_no_null_iter().collect();
                let (first, last) = (keys[0], keys[keys.len() - 1]);
                across_parts += usize::from(first as usize / part != last as usize / part);
            }
        }
    }
    assert!(per_process >= 10, "{per_process}");
    assert!(across_parts > 0);
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
    // Held as numbered text, like every code.
    let column = frames
        .processes
        .column("procurement_method_details")
        .unwrap();
    for details in redflags::frames::as_text(column).unwrap().iter().flatten() {
        *counts.entry(details.to_owned()).or_default() += 1;
    }
    let (details, _) = counts.into_iter().max_by_key(|(_, n)| *n).unwrap();
    let scope = Scope {
        excluded_procurement_method_details: vec![details],
        ..Scope::default()
    };
    let in_scope = scope.select(&frames).unwrap();
    let excluded = frames.processes.height() - in_scope.height();
    assert!(excluded > 100 && in_scope.height() > 100, "{excluded}");
    let settings = toml::Table::new();
    let outcomes = |tables: &Tables| collect(tables, planned(&settings)).unwrap();
    let filtered = outcomes(&Tables::scoped(&frames, &in_scope));
    let copied = outcomes(&Tables::new(&scope.apply(&frames).unwrap()));
    let mut flagged = 0;
    for ((indicator, lazy), copy) in REGISTRY.iter().zip(&filtered).zip(&copied) {
        assert_same(indicator.metadata(), lazy, copy);
        flagged += lazy.evidence.height();
    }
    assert!(flagged > 0);
    // The processes left out are assessed by no indicator.
    let kept: std::collections::HashSet<u32> = in_scope
        .keys()
        .unwrap()
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

#[test]
fn the_indicators_that_share_a_large_table_are_collected_in_its_batch() {
    let frames = generated();
    let settings = toml::Table::new();
    let tables = Tables::new(&frames);
    // What each large shared table's plan computes, as the optimized plan prints it.
    let marks = [
        (r#"count().alias("tenderer_count")"#, Batch::Bids),
        (r#"len().alias("meetings")"#, Batch::TendererSets),
        (r#"len().alias("pair_awards")"#, Batch::Pairs),
    ];
    let mut batched = 0;
    for indicator in REGISTRY {
        let metadata = indicator.metadata();
        let plan = explain(&[indicator.plan(&tables, &settings).unwrap()]).unwrap();
        let reads: Vec<Batch> = marks
            .iter()
            .filter(|(mark, _)| plan.contains(mark))
            .map(|(_, batch)| *batch)
            .collect();
        match reads.as_slice() {
            [] => assert_eq!(metadata.batch, Batch::Other, "{}", metadata.slug),
            [batch] => {
                assert_eq!(metadata.batch, *batch, "{}", metadata.slug);
                batched += 1;
            }
            _ => panic!("{} reads {reads:?}", metadata.slug),
        }
    }
    assert!(batched >= 10, "{batched}");
}
