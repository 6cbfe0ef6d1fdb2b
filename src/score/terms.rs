//! The table of terms: each process's description and values, one column per indicator's
//! flag, and the organization term.

use polars::prelude::*;

use super::organizations::Reaching;
use super::values::{award_summary, contract_summary, supplier_lists};
use super::{IndicatorRun, ORGANIZATION_STRENGTH, ORGANIZATION_TERM, Term};
use crate::domain::awarded;
use crate::frames::{Frames, listed_keys};
use crate::indicators::{FLAGGED, OCID, PROCESS};

/// The columns of `contracts` that describe the process (before the scores).
pub(super) const PROCESS_COLUMNS: [&str; 15] = [
    OCID,
    "title",
    "buyer_id",
    "buyer_name",
    "procuring_entity_id",
    "procuring_entity_name",
    "procurement_method",
    "procurement_method_details",
    "main_procurement_category",
    "tender_status",
    "tender_amount",
    "tender_currency",
    "tender_start",
    "tender_end",
    "number_of_tenderers",
];

/// Per process, in process order (a process's row is its key): its key, description, award and
/// contract values, and one column per term (1 raised, 0 assessed and clear, empty not
/// assessable).
pub(super) fn term_table(
    frames: &Frames,
    assessed: &DataFrame,
    runs: &[IndicatorRun],
    reaching: &Reaching,
) -> PolarsResult<(DataFrame, Vec<Term>)> {
    let winners = frames
        .awards
        .clone()
        .lazy()
        .filter(awarded().and(col("supplier_id").is_not_null()))
        .select([col(PROCESS)])
        .unique(None, UniqueKeepStrategy::First)
        .with_column(lit(true).alias("has_winner"));
    // The summaries are placed by each process's key (its row), not joined: a join would copy
    // the growing table once per summary.
    let mut table = frames
        .processes
        .select(std::iter::once(PROCESS).chain(PROCESS_COLUMNS))?;
    let height = table.height();
    let [award_values, suppliers] = award_summary(frames);
    let summaries = LazyFrame::collect_all_with_engine(
        vec![
            award_values.logical_plan,
            suppliers.logical_plan,
            contract_summary(frames).logical_plan,
            winners.logical_plan,
        ],
        Engine::Auto,
        OptFlags::default(),
    )?;
    let [award_values, suppliers, contracts, winners]: [DataFrame; 4] = summaries
        .try_into()
        .map_err(|_| polars_err!(ComputeError: "four summaries expected"))?;
    let suppliers = supplier_lists(&suppliers)?;
    for summary in [&award_values, &suppliers, &contracts] {
        table.hstack_mut(&placed_by_key(summary, height)?)?;
    }
    let in_scope = listed_keys(assessed.column(PROCESS)?, height)?;
    table.with_column(Column::new("in_scope".into(), in_scope))?;
    table.hstack_mut(&placed_by_key(&winners, height)?)?;
    let table = table.lazy().with_columns([
        // A sum over no amounts is 0 in Polars; no amount at all is unknown, not 0.
        when(col("awards_with_amount").fill_null(lit(0)).gt(lit(0)))
            .then(col("award_amount"))
            .otherwise(lit(NULL).cast(DataType::Float64))
            .alias("award_amount"),
        when(col("contracts_with_amount").fill_null(lit(0)).gt(lit(0)))
            .then(col("contract_amount"))
            .otherwise(lit(NULL).cast(DataType::Float64))
            .alias("contract_amount"),
        col("has_winner").fill_null(lit(false)),
    ]);
    // The terms are columns placed by each process's key (its row), not joins: one join per
    // term would copy the growing table once per term.
    let mut table = table.collect()?;
    let mut terms = Vec::new();
    for run in runs {
        let column = run.outcome.flag_by_key(run.slug, height)?.into_column();
        table.with_column(column)?;
        terms.push(Term {
            column: run.slug.to_owned(),
            indicator: run.slug,
            organization: false,
            group: Some(run.group),
            family: run.family.clone(),
            weight: run.weight,
        });
    }
    // The organization term: the strongest organization flag reaching the process, from an
    // indicator that does not already flag the process itself.
    let organization_runs: Vec<&IndicatorRun> = runs
        .iter()
        .filter(|run| run.has_organization_level())
        .collect();
    if organization_runs.is_empty() {
        return Ok((table, terms));
    }
    // Each organization indicator's strength, and the processes it flags itself.
    let strength_of: std::collections::HashMap<&str, (usize, f64)> = organization_runs
        .iter()
        .enumerate()
        .map(|(index, run)| (run.slug, (index, run.organization_weight)))
        .collect();
    let raised = organization_runs
        .iter()
        .map(|run| {
            let outcome = &run.outcome.processes;
            let mut flagged = vec![false; height];
            for (key, flag) in outcome
                .column(PROCESS)?
                .u32()?
                .iter()
                .zip(outcome.column(FLAGGED)?.bool()?.iter())
            {
                if let (Some(key), Some(true)) = (key, flag)
                    && let Some(place) = flagged.get_mut(key as usize)
                {
                    *place = true;
                }
            }
            Ok(flagged)
        })
        .collect::<PolarsResult<Vec<Vec<bool>>>>()?;
    // Each result's indicator and strength, looked up once per result, not once per process
    // it reaches.
    let of_result: Vec<Option<(usize, f64)>> = reaching
        .indicators()?
        .iter()
        .map(|indicator| indicator.and_then(|indicator| strength_of.get(indicator).copied()))
        .collect();
    // One pass over the links (each organization flag reaching each process): the strongest
    // flag of an indicator that does not flag the process itself, at the process's row.
    let mut strongest: Vec<Option<f64>> = vec![None; height];
    for (key, position) in reaching.links()? {
        let Some(&Some((run, strength))) = of_result.get(position) else {
            continue;
        };
        let key = key as usize;
        if strength <= 0.0 || raised[run].get(key).copied().unwrap_or(true) {
            continue;
        }
        if let Some(best) = strongest.get_mut(key) {
            *best = Some(best.map_or(strength, |best| best.max(strength)));
        }
    }
    table.with_column(Column::new(ORGANIZATION_STRENGTH.into(), strongest))?;
    // Assessable: the process is in scope and has a buyer, a procuring entity or a winner.
    let linked = col("buyer_id")
        .is_not_null()
        .or(col("procuring_entity_id").is_not_null())
        .or(col("has_winner"));
    let table = table
        .lazy()
        .with_columns([
            when(col("in_scope").and(linked.clone()))
                .then(
                    col(ORGANIZATION_STRENGTH)
                        .is_not_null()
                        .cast(DataType::Int8),
                )
                .otherwise(lit(NULL).cast(DataType::Int8))
                .alias(ORGANIZATION_TERM),
            when(col("in_scope").and(linked))
                .then(col(ORGANIZATION_STRENGTH))
                .otherwise(lit(NULL).cast(DataType::Float64))
                .alias(ORGANIZATION_STRENGTH),
        ])
        .collect()?;
    terms.push(Term {
        column: ORGANIZATION_TERM.to_owned(),
        indicator: ORGANIZATION_TERM,
        organization: true,
        group: None,
        family: ORGANIZATION_TERM.to_owned(),
        weight: organization_runs
            .iter()
            .map(|run| run.organization_weight)
            .fold(0.0, f64::max),
    });
    Ok((table, terms))
}

/// The columns of `frame` but its key, each value at the row of its process's key in a table
/// of `height` processes (null where `frame` has no row): `frame` has at most one row per key.
pub(super) fn placed_by_key(frame: &DataFrame, height: usize) -> PolarsResult<Vec<Column>> {
    let mut rows: Vec<Option<IdxSize>> = vec![None; height];
    for (row, key) in frame
        .column(PROCESS)?
        .u32()?
        .into_no_null_iter()
        .enumerate()
    {
        if let Some(place) = rows.get_mut(key as usize) {
            *place = Some(row as IdxSize);
        }
    }
    let rows = IdxCa::from_iter_options("row".into(), rows.into_iter());
    Ok(frame.drop(PROCESS)?.take(&rows)?.into_columns())
}
