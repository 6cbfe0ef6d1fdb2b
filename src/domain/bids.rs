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

/// The plan of the sets of [`Tables::tenderer_sets`] (all sizes), from its tenderers
/// (`process`, `tenderer_id`), sorted by process (see [`submitted_tenderers`]).
pub(super) fn tenderer_sets(tenderers: LazyFrame) -> LazyFrame {
    let schema = |_: &Schema| -> PolarsResult<SchemaRef> {
        Ok(Arc::new(Schema::from_iter([
            Field::new(PROCESS.into(), DataType::UInt32),
            Field::new("size".into(), IDX_DTYPE),
            Field::new("set".into(), DataType::String),
            Field::new(SET_CODE.into(), DataType::UInt64),
        ])))
    };
    // (Nothing is pushed through: the sets are made from every row of the tenderers.)
    tenderers.map(
        sets_of,
        AllowedOptimizations::empty(),
        Some(Arc::new(schema)),
        Some("tenderer sets"),
    )
}

/// The sets of [`tenderer_sets`]: per process, in process order, how many tenderers it has
/// (`size`), their ids in the order given joined with `, ` (`set`), and [`SET_CODE`], the
/// first process with the same set. Made in one pass over each process's rows, the set's
/// number found by its tenderers' numbers (two sets of the same ids have the same numbers):
/// a Polars group-by gathered each process's ids as a list of texts to join them, and a
/// window over the joined texts hashed every text, most of the sets' time at 1,000,000
/// generated processes. Rows not sorted by process go through that group-by. (Two sets are
/// the same when they hold the same ids; comparing their joined texts also took an id holding
/// `, ` for two ids.)
fn sets_of(tenderers: DataFrame) -> PolarsResult<DataFrame> {
    if !super::in_process_order(&tenderers)? {
        return tenderers
            .lazy()
            .group_by_stable([col(PROCESS)])
            .agg([
                col("tenderer_id").count().alias("size"),
                col("tenderer_id")
                    .cast(DataType::String)
                    .str()
                    .join(", ", true)
                    .alias("set"),
            ])
            .with_column(
                col(PROCESS)
                    .min()
                    .over([col("set")])?
                    .cast(DataType::UInt64)
                    .alias(SET_CODE),
            )
            .collect();
    }
    let processes: Vec<u32> = tenderers
        .column(PROCESS)?
        .u32()?
        .into_no_null_iter()
        .collect();
    let ids = tenderers.column("tenderer_id")?;
    let numbers: Vec<Option<u32>> = ids
        .to_physical_repr()
        .cast(&DataType::UInt32)?
        .u32()?
        .iter()
        .collect();
    let texts = ids.cast(&DataType::String)?;
    let texts: Vec<Option<&str>> = texts.str()?.iter().collect();
    // Each process's members (its tenderers' numbers, in row order) one after the other in
    // one list, and where each process's begin: the table of sets below holds slices of it,
    // not a list of its own per process (at 1,000,000 generated processes, a million small
    // blocks to make, hash and free).
    let mut keys = Vec::new();
    let mut sizes = Vec::new();
    let mut sets = StringChunkedBuilder::new("set".into(), processes.len());
    let mut members: Vec<u32> = Vec::with_capacity(processes.len());
    let mut bounds: Vec<usize> = vec![0];
    let mut set = String::new();
    let mut start = 0;
    while start < processes.len() {
        let process = processes[start];
        let end = start + processes[start..].partition_point(|other| *other == process);
        set.clear();
        let first = members.len();
        for (number, text) in numbers[start..end].iter().zip(&texts[start..end]) {
            let (Some(number), Some(text)) = (*number, *text) else {
                continue;
            };
            if members.len() > first {
                set.push_str(", ");
            }
            set.push_str(text);
            members.push(number);
        }
        keys.push(process);
        sizes.push((members.len() - first) as IdxSize);
        sets.append_value(&set);
        bounds.push(members.len());
        start = end;
    }
    let mut first_with: PlHashMap<&[u32], u32> = PlHashMap::default();
    first_with.reserve(keys.len());
    let codes: Vec<u64> = keys
        .iter()
        .zip(bounds.windows(2))
        .map(|(&process, bound)| {
            u64::from(
                *first_with
                    .entry(&members[bound[0]..bound[1]])
                    .or_insert(process),
            )
        })
        .collect();
    DataFrame::new(
        keys.len(),
        vec![
            Column::new(PROCESS.into(), keys),
            Column::new("size".into(), sizes),
            sets.finish().into_column(),
            Column::new(SET_CODE.into(), codes),
        ],
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The sets as the group-by path makes them (rows out of process order).
    fn by_group_by(tenderers: &DataFrame) -> PolarsResult<DataFrame> {
        let reversed = tenderers.reverse();
        sets_of(reversed)?.sort([PROCESS], SortMultipleOptions::default())
    }

    #[test]
    fn sets_made_in_one_pass_are_those_of_the_group_by() -> PolarsResult<()> {
        let tenderers = df!(
            PROCESS => [0u32, 0, 1, 1, 1, 2, 2, 3, 5, 5],
            "tenderer_id" => ["A", "B", "A", "B", "C", "A", "B", "C", "B", "C"],
        )?
        .lazy()
        .with_column(col("tenderer_id").cast(crate::frames::numbered_type()))
        .collect()?;
        let sets = sets_of(tenderers.clone())?;
        let texts: Vec<Option<&str>> = sets.column("set")?.str()?.iter().collect();
        assert_eq!(
            texts,
            [
                Some("A, B"),
                Some("A, B, C"),
                Some("A, B"),
                Some("C"),
                Some("B, C")
            ]
        );
        let codes: Vec<Option<u64>> = sets.column(SET_CODE)?.u64()?.iter().collect();
        assert_eq!(codes, [Some(0), Some(1), Some(0), Some(3), Some(5)]);
        let sizes: Vec<Option<IdxSize>> = sets.column("size")?.idx()?.iter().collect();
        assert_eq!(sizes, [Some(2), Some(3), Some(2), Some(1), Some(2)]);
        // The group-by keeps each process's rows in the order given: reversed, so are the sets.
        let other = by_group_by(&tenderers)?;
        let texts: Vec<Option<&str>> = other.column("set")?.str()?.iter().collect();
        assert_eq!(
            texts,
            [
                Some("B, A"),
                Some("C, B, A"),
                Some("B, A"),
                Some("C"),
                Some("C, B")
            ]
        );
        assert_eq!(other.column(SET_CODE)?, sets.column(SET_CODE)?);
        assert_eq!(other.column("size")?, sets.column("size")?);
        Ok(())
    }
}
