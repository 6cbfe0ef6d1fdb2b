//! Structured releases through the whole scoring run, as `redflags score` does it with the
//! default settings: ingest, frames, scope, every indicator, the score and the profiles.
//!
//! The input is a [`Batch`] (see `src/structured.rs`): releases of a few processes, buyers and
//! suppliers, with odd methods, dates, values and statuses, published as lines, a release
//! package, a record package or an array.
//!
//! Checked on every input, besides the absence of panics and errors:
//! - every release written is accepted, and the accounting adds up;
//! - `contracts` has one row per distinct `ocid`, and exactly the `ocid`s written;
//! - every `risk_score` (and every group's score) is null or within 0..=100;
//! - no process has more flags than assessable indicators.

#![no_main]

use std::collections::BTreeSet;

use libfuzzer_sys::fuzz_target;
use polars::prelude::*;
use redflags::config::Config;
use redflags_fuzz::structured::Batch;
use redflags_fuzz::{input_file, single_threaded};

fuzz_target!(init: single_threaded(), |batch: Batch| check(&batch));

fn check(batch: &Batch) {
    let file = input_file(&batch.to_bytes());
    let config = Config::default();
    let run = match redflags::run::run(&[file.name()], &config) {
        Ok(run) => run,
        Err(error) => panic!("the run failed: {error:?}"),
    };

    let counts = &run.counts;
    assert_eq!(
        counts.input(),
        counts.entries_accepted + run.rejected.len() as u64,
        "{counts:?}"
    );
    let written = batch.ocids();
    // Lines with no release make an empty file, the one rejection expected.
    let expected_rejections = usize::from(written.is_empty() && batch.is_lines());
    assert_eq!(
        run.rejected.len(),
        expected_rejections,
        "rejected: {:?}",
        run.rejected
    );
    assert_eq!(counts.processes, written.len() as u64, "{counts:?}");

    let contracts = &run.scored.contracts;
    let ocids: Vec<&str> = contracts
        .column("ocid")
        .and_then(Column::str)
        .expect("an ocid column of text")
        .iter()
        .map(|ocid| ocid.expect("every row has an ocid"))
        .collect();
    assert_eq!(ocids.len(), written.len(), "one row per process: {ocids:?}");
    let distinct: BTreeSet<&str> = ocids.iter().copied().collect();
    assert_eq!(distinct.len(), ocids.len(), "a process twice: {ocids:?}");
    assert!(
        distinct.iter().copied().eq(written.iter().copied()),
        "{distinct:?} ≠ {written:?}"
    );

    for column in contracts.get_column_names() {
        if column.as_str() != "risk_score" && !column.starts_with("score_") {
            continue;
        }
        let scores = contracts
            .column(column)
            .and_then(Column::f64)
            .expect("scores are numbers");
        for score in scores.iter().flatten() {
            assert!(
                (0.0..=100.0).contains(&score),
                "{column} = {score} outside 0..=100"
            );
        }
    }

    let counted = |name: &str| -> Vec<Option<u32>> {
        contracts
            .column(name)
            .and_then(Column::u32)
            .expect("a count column")
            .iter()
            .collect()
    };
    for (flags, assessable) in counted("flag_count")
        .into_iter()
        .zip(counted("assessable_count"))
    {
        assert!(
            flags.unwrap_or(0) <= assessable.unwrap_or(0),
            "{flags:?} flags of {assessable:?} assessable"
        );
    }

    // The summary reads every table; it must hold together too.
    let summary = run.summary(&config);
    assert_eq!(summary["counts"]["processes"], written.len());
}
