//! The bids as one row per bid, the bids whose prices may be compared, and the tenderers of
//! each process.

use polars::prelude::*;

use super::submitted;
use crate::frames::{Frames, KEY as PROCESS};

/// The bids (one row per bid, see [`bids_by_bid`]) that meet `predicate`, in the processes
/// whose bid prices may be compared (see [`crate::scope`]).
pub fn comparable_bids(frames: &Frames, predicate: Expr) -> LazyFrame {
    bids_by_bid(frames).filter(predicate).join(
        price_comparable(frames),
        [col(PROCESS)],
        [col(PROCESS)],
        JoinArgs::new(JoinType::Semi),
    )
}

/// The processes whose bid prices may be compared, as a one-column (`process`) frame; every
/// process when the frames did not go through a scope.
fn price_comparable(frames: &Frames) -> LazyFrame {
    let processes = frames.processes.clone().lazy();
    if frames
        .processes
        .get_column_names()
        .iter()
        .any(|name| name.as_str() == crate::scope::PRICE_COMPARISON)
    {
        processes
            .filter(col(crate::scope::PRICE_COMPARISON))
            .select([col(PROCESS)])
    } else {
        processes.select([col(PROCESS)])
    }
}

/// One row per bid: `process`, `bid_index`, `bid_id`, `status` (lower case), `amount`,
/// `currency`, `date`, `tenderers`, the sorted distinct tenderer ids joined with `|` (null
/// when the bid names none with an id), and `tenderer_count`, how many there are.
///
/// Several indicators read it: it is computed once per frames (see
/// [`crate::frames::Derived`]).
pub fn bids_by_bid(frames: &Frames) -> LazyFrame {
    let cell = &frames.derived.bids_by_bid;
    if let Some(computed) = cell.get() {
        return match computed {
            Some(table) => table.clone().lazy(),
            None => bids_by_bid_plan(frames),
        };
    }
    // Never waits for another thread's computation: a thread waiting for Polars may be handed
    // another indicator, and waiting on itself would never end. Two indicators starting at
    // once may both compute it; the first result is kept.
    match bids_by_bid_plan(frames).collect() {
        Ok(table) => {
            let _ = cell.set(Some(table.clone()));
            table.lazy()
        }
        Err(_) => bids_by_bid_plan(frames),
    }
}

fn bids_by_bid_plan(frames: &Frames) -> LazyFrame {
    // Plain aggregations only (first, min, n_unique): list work per group is slow, and most
    // bids have one tenderer. Bids with several tenderers get their joined ids separately.
    let bids = frames.bids.clone().lazy();
    let identified = bids
        .clone()
        .filter(col("tenderer_id").is_not_null())
        .select([col(PROCESS), col("bid_index"), col("tenderer_id")])
        .unique(None, UniqueKeepStrategy::First);
    let counts = identified
        .clone()
        .group_by([col(PROCESS), col("bid_index")])
        .agg([
            col("tenderer_id").count().alias("tenderer_count"),
            col("tenderer_id").min().alias("tenderers"),
        ]);
    let several = identified
        .join(
            counts
                .clone()
                .filter(col("tenderer_count").gt(lit(1)))
                .select([col(PROCESS), col("bid_index")]),
            [col(PROCESS), col("bid_index")],
            [col(PROCESS), col("bid_index")],
            JoinArgs::new(JoinType::Semi),
        )
        .sort(
            [PROCESS, "bid_index", "tenderer_id"],
            SortMultipleOptions::default(),
        )
        .group_by([col(PROCESS), col("bid_index")])
        .agg([col("tenderer_id").str().join("|", true).alias("joined")]);
    bids.unique_stable(
        Some(cols([PROCESS, "bid_index"])),
        UniqueKeepStrategy::First,
    )
    .select([
        col(PROCESS),
        col("bid_index"),
        col("bid_id"),
        col("status").str().to_lowercase(),
        col("amount"),
        col("currency"),
        col("date"),
    ])
    .join(
        counts,
        [col(PROCESS), col("bid_index")],
        [col(PROCESS), col("bid_index")],
        JoinArgs::new(JoinType::Left),
    )
    .join(
        several,
        [col(PROCESS), col("bid_index")],
        [col(PROCESS), col("bid_index")],
        JoinArgs::new(JoinType::Left),
    )
    .with_columns([
        col("joined").fill_null(col("tenderers")).alias("tenderers"),
        col("tenderer_count").fill_null(lit(0u32)),
    ])
    .select([
        col(PROCESS),
        col("bid_index"),
        col("bid_id"),
        col("status"),
        col("amount"),
        col("currency"),
        col("date"),
        col("tenderers"),
        col("tenderer_count"),
    ])
    .sort([PROCESS, "bid_index"], SortMultipleOptions::default())
}

/// The distinct tenderers of each process's submitted bids (`process`, `tenderer_id`,
/// sorted), and each process's set of them (`process`, `size`, `set`: the sorted ids joined
/// with `, `) when it has at least `minimum` tenderers.
pub fn tenderer_sets(frames: &Frames, minimum: u32) -> (LazyFrame, LazyFrame) {
    let tenderers = frames
        .bids
        .clone()
        .lazy()
        .filter(submitted().and(col("tenderer_id").is_not_null()))
        .select([col(PROCESS), col("tenderer_id")])
        .unique(None, UniqueKeepStrategy::First)
        .sort([PROCESS, "tenderer_id"], SortMultipleOptions::default())
        .cache();
    let sets = tenderers
        .clone()
        .group_by_stable([col(PROCESS)])
        .agg([
            col("tenderer_id").count().alias("size"),
            col("tenderer_id").str().join(", ", true).alias("set"),
        ])
        .filter(col("size").gt_eq(lit(minimum)));
    (tenderers, sets)
}
