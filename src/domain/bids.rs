//! The bids as one row per bid, the bids whose prices may be compared, and the tenderers of
//! each process.

use polars::prelude::*;

use super::{BID_KEY, SET_CODE, Tables, ascending, sorted_distinct, submitted};
use crate::frames::{KEY as PROCESS, lowercase};

impl Tables {
    /// One row per bid: `process`, `bid_index`, `bid_id`, `status` (lower case), `amount`,
    /// `currency`, `date`, `tenderers`, the sorted distinct tenderer ids joined with `|` (null
    /// when the bid names none with an id), `tenderer_count`, how many there are, and
    /// [`BID_KEY`], in process and bid order.
    ///
    /// A cached plan (see [`Tables`]): ten bid indicators start from it, and it is computed
    /// once for all of them.
    pub fn bids_by_bid(&self) -> LazyFrame {
        self.bids_by_bid.clone()
    }

    /// The bids (one row per bid, see [`Tables::bids_by_bid`]) that meet `predicate`, in the
    /// processes whose bid prices may be compared (see [`crate::scope`]).
    pub fn comparable_bids(&self, predicate: Expr) -> LazyFrame {
        self.bids_by_bid().filter(predicate).join(
            self.price_comparable(),
            [col(PROCESS)],
            [col(PROCESS)],
            JoinArgs::new(JoinType::Semi),
        )
    }

    /// The processes whose bid prices may be compared, as a one-column (`process`) frame;
    /// every process when the frames did not go through a scope.
    fn price_comparable(&self) -> LazyFrame {
        let processes = self.processes();
        if self.has_price_comparison() {
            processes
                .filter(col(crate::scope::PRICE_COMPARISON))
                .select([col(PROCESS)])
        } else {
            processes.select([col(PROCESS)])
        }
    }

    /// The distinct tenderers of each process's submitted bids (`process`, `tenderer_id`,
    /// sorted; a cached plan), and each process's set of them (`process`, `size`, `set`: the
    /// sorted ids joined with `, `, and [`SET_CODE`]) when it has at least `minimum`
    /// tenderers (the sets of all processes are a cached plan).
    pub fn tenderer_sets(&self, minimum: u32) -> (LazyFrame, LazyFrame) {
        let sets = self
            .tenderer_sets
            .clone()
            .filter(col("size").gt_eq(lit(minimum)));
        (self.submitted_tenderers.clone(), sets)
    }
}

/// The plan of [`Tables::bids_by_bid`], from the bids table.
pub(super) fn by_bid(bids: LazyFrame) -> LazyFrame {
    // Plain aggregations only (first, min, n_unique): list work per group is slow, and most
    // bids have one tenderer. Bids with several tenderers get their joined ids separately.
    // Grouped and joined on the bid's packed key, one integer, not on (process, index).
    let identified = bids
        .clone()
        .filter(col("tenderer_id").is_not_null())
        .select([col(BID_KEY), col("tenderer_id")]);
    let identified = sorted_distinct(identified, &[BID_KEY, "tenderer_id"]).cache();
    let counts = identified
        .clone()
        .group_by([col(BID_KEY)])
        .agg([
            col("tenderer_id").count().alias("tenderer_count"),
            col("tenderer_id").min().alias("tenderers"),
        ])
        .cache();
    let several = identified
        .join(
            counts
                .clone()
                .filter(col("tenderer_count").gt(lit(1)))
                .select([col(BID_KEY)]),
            [col(BID_KEY)],
            [col(BID_KEY)],
            JoinArgs::new(JoinType::Semi),
        )
        .sort([BID_KEY, "tenderer_id"], SortMultipleOptions::default())
        .group_by([col(BID_KEY)])
        .agg([col("tenderer_id")
            .cast(DataType::String)
            .str()
            .join("|", true)
            .alias("joined")]);
    sorted_distinct(bids, &[BID_KEY])
        .select([
            col(PROCESS),
            col("bid_index"),
            col(BID_KEY),
            col("bid_id"),
            lowercase("status"),
            col("amount"),
            col("currency"),
            col("date"),
        ])
        .join(
            counts,
            [col(BID_KEY)],
            [col(BID_KEY)],
            JoinArgs::new(JoinType::Left),
        )
        .join(
            several,
            [col(BID_KEY)],
            [col(BID_KEY)],
            JoinArgs::new(JoinType::Left),
        )
        .with_columns([
            // Numbered as the tenderers' ids are (a bid's several ids join the list), so that
            // grouping, joining and comparing with the winners run on numbers.
            col("joined")
                .cast(crate::frames::numbered_type())
                .fill_null(col("tenderers"))
                .alias("tenderers"),
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
            col(BID_KEY),
        ])
        // The packed key sorts as (process, index) does, so the process keys come sorted too.
        .sort([BID_KEY], SortMultipleOptions::default())
        .with_column(ascending(col(PROCESS)))
}

/// The plan of the sets of [`Tables::tenderer_sets`] (all sizes), from its tenderers.
pub(super) fn tenderer_sets(tenderers: LazyFrame) -> LazyFrame {
    tenderers
        .group_by_stable([col(PROCESS)])
        .agg([
            col("tenderer_id").count().alias("size"),
            col("tenderer_id")
                .cast(DataType::String)
                .str()
                .join(", ", true)
                .alias("set"),
        ])
        // The set's number: the first process with the same set, found by a hash of the
        // sets' texts rather than a sort of them (which took most of the sets' time).
        .with_column(
            col(PROCESS)
                .min()
                .over([col("set")])
                .expect("a window with a partition is always made")
                .cast(DataType::UInt64)
                .alias(SET_CODE),
        )
}

/// The plan of the tenderers of [`Tables::tenderer_sets`], from the bids table.
pub(super) fn submitted_tenderers(bids: LazyFrame) -> LazyFrame {
    sorted_distinct(
        bids.filter(submitted().and(col("tenderer_id").is_not_null()))
            .select([col(PROCESS), col("tenderer_id")]),
        &[PROCESS, "tenderer_id"],
    )
}
