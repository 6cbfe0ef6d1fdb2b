//! The domain layer: what the frames mean in procurement terms, shared by every indicator and
//! the score.
//!
//! It holds the shared predicates (an award that counts as awarded, a submitted bid, a code
//! among others: [`predicates`]) and the derived tables, as lazy frames built from the frames:
//! the bids as one row per bid and the bids whose prices may be compared ([`bids`]), the final
//! awards, the winners, the awarded awards by buyer and the kind of item of each award
//! ([`awards`]). It sits between the frames and the indicators: it uses the frames and the
//! scope's columns, and nothing of a later stage.
//!
//! The derived tables are methods of [`Tables`], the frames as lazy tables made once per run:
//! those several indicators read are cached plans, computed once when the plans of the
//! indicators of one batch are collected together (see [`crate::indicators::collect`] and
//! [`crate::indicators::Batch`]). Nothing here collects anything.

pub mod awards;
pub mod bids;
pub mod predicates;

use std::ops::Range;

use polars::prelude::*;
use polars_plan::plans::AExprSorted;

pub use predicates::{awarded, code_in, code_is, submitted, submitted_as};

use crate::frames::{Frames, KEY as PROCESS, OCID};
use crate::scope::InScope;

/// The frames as lazy tables, with the derived tables built from them: the queries every
/// indicator of a run starts from.
///
/// The tables are scans of the frames, and the derived tables that several indicators read
/// (the bids by bid, the final awards, the winners, the tenderers of submitted bids) are
/// cached plans: a cache is computed once however many queries of one collection read it. A
/// cache is identified by the `cache()` call that made it, not by what it computes, so the
/// sharing holds among the queries built from one `Tables`: make one per run and give it to
/// every indicator. (The optimizer's
/// common-subplan elimination cannot do this instead: it does not run on plans that hold a
/// cache, and the caches it puts on the bids by bid are taken off again when each indicator
/// filters them differently, leaving one copy per indicator.)
#[derive(Clone)]
pub struct Tables {
    /// The frames and the scope the tables read (their columns shared, not copied): for
    /// [`Tables::cut`].
    frames: Frames,
    scope: InScope,
    /// The derived tables computed ahead (see [`Tables::with_computed`]), each with whether
    /// its rows are in process order.
    computed: Vec<(Derived, DataFrame, bool)>,
    /// How many processes the frames hold, in scope or not.
    height: usize,
    /// Each process's key and ocid (see [`Tables::ocids`]).
    ocids: LazyFrame,
    /// Whether `processes` has the [`crate::scope::PRICE_COMPARISON`] column.
    price_comparison: bool,
    processes: LazyFrame,
    bids: LazyFrame,
    awards: LazyFrame,
    contracts: LazyFrame,
    items: LazyFrame,
    bids_by_bid: LazyFrame,
    submitted_tenderers: LazyFrame,
    tenderer_sets: LazyFrame,
    active_awards_if_final: LazyFrame,
    winners: LazyFrame,
    classified_awards: LazyFrame,
    classified_processes: LazyFrame,
    /// The lists the user gave (see [`crate::lists`]).
    lists: std::sync::Arc<crate::lists::Lists>,
    /// The legal thresholds of the settings (see [`crate::thresholds`]).
    thresholds: std::sync::Arc<crate::thresholds::Thresholds>,
    /// The calendar of working days of the settings, if they give one (see
    /// [`crate::working_days`]).
    working_days: Option<std::sync::Arc<crate::working_days::WorkingDays>>,
}

impl Tables {
    /// The lazy tables of `frames`, every process in them (a shallow copy: the columns are
    /// shared, not copied). Nothing is computed.
    pub fn new(frames: &Frames) -> Tables {
        Tables::scoped(frames, &InScope::all(frames))
    }

    /// The lazy tables of the processes of `frames` in `scope`: the processes table of the
    /// scope, and the other tables of `frames` filtered to its processes where they are read.
    pub fn scoped(frames: &Frames, scope: &InScope) -> Tables {
        let table = |table: &DataFrame| scope.restrict(table.clone().lazy());
        // The frames hold each process's bids and awards in the order of their index (see
        // `crate::frames::build`), so the packed keys come sorted.
        let bids =
            table(&frames.bids).with_column(ascending(packed_key("bid_index")).alias(BID_KEY));
        let awards = table(&frames.awards)
            .with_column(ascending(packed_key("award_index")).alias(AWARD_KEY));
        let active_awards_if_final = awards::active_if_final(awards.clone()).cache();
        let submitted_tenderers = bids::submitted_tenderers(bids.clone()).cache();
        let items = table(&frames.items);
        Tables {
            frames: frames.clone(),
            scope: scope.clone(),
            computed: Vec::new(),
            height: frames.processes.height(),
            ocids: frames
                .processes
                .clone()
                .lazy()
                .select([col(PROCESS), col(OCID)]),
            price_comparison: scope.has_price_comparison(),
            processes: scope.processes(),
            contracts: table(&frames.contracts),
            classified_awards: awards::classified_awards(awards.clone(), items.clone()).cache(),
            classified_processes: awards::classified_processes(items.clone()).cache(),
            items,
            bids_by_bid: bids::by_bid(bids.clone()).cache(),
            tenderer_sets: bids::tenderer_sets(submitted_tenderers.clone()).cache(),
            submitted_tenderers,
            winners: awards::winners_of(active_awards_if_final.clone()).cache(),
            active_awards_if_final,
            bids,
            awards,
            lists: Default::default(),
            thresholds: Default::default(),
            working_days: None,
        }
    }

    /// These tables with the lists the user gave.
    pub fn with_lists(mut self, lists: std::sync::Arc<crate::lists::Lists>) -> Tables {
        self.lists = lists;
        self
    }

    /// The lists the user gave (see [`crate::lists`]).
    pub fn lists(&self) -> &crate::lists::Lists {
        &self.lists
    }

    /// These tables with the legal thresholds of the settings.
    pub fn with_thresholds(
        mut self,
        thresholds: std::sync::Arc<crate::thresholds::Thresholds>,
    ) -> Tables {
        self.thresholds = thresholds;
        self
    }

    /// The legal thresholds of the settings (see [`crate::thresholds`]).
    pub fn thresholds(&self) -> &crate::thresholds::Thresholds {
        &self.thresholds
    }

    /// These tables with the calendar of working days of the settings (none: the settings
    /// give none).
    pub fn with_working_days(
        mut self,
        working_days: Option<std::sync::Arc<crate::working_days::WorkingDays>>,
    ) -> Tables {
        self.working_days = working_days;
        self
    }

    /// The calendar of working days of the settings, if they give one.
    pub fn working_days(&self) -> Option<&crate::working_days::WorkingDays> {
        self.working_days.as_deref()
    }

    /// Whether the frames' `table` holds a value in `column` in any row (of any process, in
    /// scope or not): an indicator whose field no row has can plan nothing instead of
    /// queries over empty joins. A table or column the frames do not hold holds none.
    pub fn holds_values(&self, table: &str, column: &str) -> bool {
        self.frames
            .tables()
            .into_iter()
            .find(|(name, _)| *name == table)
            .and_then(|(_, frame)| frame.column(column).ok())
            .is_some_and(|column| column.null_count() < column.len())
    }

    /// The parties of the processes in scope, one row each.
    pub fn parties(&self) -> LazyFrame {
        self.scope.restrict(self.frames.parties.clone().lazy())
    }

    /// How many processes the frames hold, in scope or not (the process keys are below it).
    pub fn height(&self) -> usize {
        self.height
    }

    /// Each process's key and ocid (`process`, `ocid`), every process in scope or not: for
    /// the texts that name processes.
    pub fn ocids(&self) -> LazyFrame {
        self.ocids.clone()
    }

    /// These tables with the processes' ocids read from `ocids` (`process`, `ocid`): for a run
    /// whose frames hold them out of memory while the indicators run (see
    /// [`crate::frames::Frames::park`]).
    pub fn with_ocids_from(mut self, ocids: LazyFrame) -> Tables {
        self.ocids = ocids;
        self
    }

    /// These tables with the processes' ocids read once (see [`Tables::ocids`]), for the
    /// queries of several indicators: each would read them from where they are held.
    pub fn with_ocids_read(mut self) -> PolarsResult<Tables> {
        self.ocids = self.ocids.collect()?.lazy();
        Ok(self)
    }

    /// One row per contracting process.
    pub fn processes(&self) -> LazyFrame {
        self.processes.clone()
    }

    /// One row per bid and tenderer, with the bid's [`BID_KEY`].
    pub fn bids(&self) -> LazyFrame {
        self.bids.clone()
    }

    /// One row per award and supplier, with the award's [`AWARD_KEY`].
    pub fn awards(&self) -> LazyFrame {
        self.awards.clone()
    }

    /// One row per contract.
    pub fn contracts(&self) -> LazyFrame {
        self.contracts.clone()
    }

    /// One row per classified item.
    pub fn items(&self) -> LazyFrame {
        self.items.clone()
    }

    /// Whether the processes table went through a scope and says which processes' bid prices
    /// may be compared (see [`crate::scope::PRICE_COMPARISON`]).
    fn has_price_comparison(&self) -> bool {
        self.price_comparison
    }

    /// These tables with the `derived` tables computed (in one collection, so that what they
    /// share is made once): the plans built from the result read them from memory, each
    /// collected on its own, instead of computing them in a collection of all their queries
    /// (which holds every cached table of every query until the last query ends). Those made
    /// of each process's rows alone (see [`Derived::per_process`]) are computed on each of
    /// `parts` (ranges of process keys) in turn and put together, when there are several.
    pub fn with_computed(&self, derived: &[Derived], parts: &[Range<u32>]) -> PolarsResult<Tables> {
        let mut tables = self.clone();
        let (in_parts, whole): (Vec<Derived>, Vec<Derived>) = derived
            .iter()
            .partition(|derived| derived.per_process() && parts.len() > 1);
        if !in_parts.is_empty() {
            let mut pieces: Vec<Vec<DataFrame>> = in_parts.iter().map(|_| Vec::new()).collect();
            for keys in parts {
                let computed = self.cut(keys.clone())?.computed(&in_parts)?;
                for (pieces, table) in pieces.iter_mut().zip(computed) {
                    pieces.push(table);
                }
            }
            for (derived, pieces) in in_parts.iter().zip(pieces) {
                tables.set_computed(*derived, stacked(pieces)?)?;
            }
            // The sets are made from the tenderers: from those computed, not once more.
            if in_parts.contains(&Derived::SubmittedTenderers) {
                tables.tenderer_sets =
                    bids::tenderer_sets(tables.submitted_tenderers.clone()).cache();
            }
        }
        for (derived, table) in whole.iter().zip(tables.computed(&whole)?) {
            tables.set_computed(*derived, table)?;
        }
        // Tenderers computed without their sets: the sets, if read, from those computed.
        if whole.contains(&Derived::SubmittedTenderers) && !whole.contains(&Derived::TendererSets) {
            tables.tenderer_sets = bids::tenderer_sets(tables.submitted_tenderers.clone()).cache();
        }
        Ok(tables)
    }

    /// The `derived` tables of these tables, computed in one collection.
    fn computed(&mut self, derived: &[Derived]) -> PolarsResult<Vec<DataFrame>> {
        if derived.is_empty() {
            return Ok(Vec::new());
        }
        let plans = derived
            .iter()
            .map(|derived| self.derived(*derived).clone().logical_plan)
            .collect();
        LazyFrame::collect_all_with_engine(plans, Engine::Auto, OptFlags::default())
    }

    /// These tables with the derived table `derived` read from `table`, computed. A table found
    /// in process order has its process keys marked sorted, as the frames' are: the joins on
    /// them then merge two sorted keys (or sort the other side's) where they would build a hash
    /// table, whose cost grows faster than the rows once it outgrows the processor's caches.
    fn set_computed(&mut self, derived: Derived, mut table: DataFrame) -> PolarsResult<()> {
        let in_order = in_process_order(&table)?;
        if in_order {
            let mut keys = table.column(PROCESS)?.clone();
            keys.set_sorted_flag(polars_core::series::IsSorted::Ascending);
            table.with_column(keys)?;
        }
        *self.derived(derived) = table.clone().lazy();
        self.computed.push((derived, table, in_order));
        Ok(())
    }

    /// These tables cut to the processes whose keys are in `keys`: every table, and every
    /// derived table computed ahead, holds those processes' rows only (the rows of tables in
    /// process order, as the frames are, are a slice of them, not a copy). For the indicators
    /// that may be collected on parts of the processes small enough for the processor's
    /// caches (see [`crate::indicators::InParts`]).
    pub fn cut(&self, keys: Range<u32>) -> PolarsResult<Tables> {
        let frames = Frames {
            processes: rows_of(&self.frames.processes, &keys)?,
            parties: rows_of(&self.frames.parties, &keys)?,
            bids: rows_of(&self.frames.bids, &keys)?,
            awards: rows_of(&self.frames.awards, &keys)?,
            contracts: rows_of(&self.frames.contracts, &keys)?,
            items: rows_of(&self.frames.items, &keys)?,
        };
        let scope = self.scope.cut(rows_of(self.scope.all_processes(), &keys)?);
        let mut cut = Tables::scoped(&frames, &scope)
            .with_lists(self.lists.clone())
            .with_thresholds(self.thresholds.clone())
            .with_working_days(self.working_days.clone());
        cut.height = self.height;
        cut.ocids = self.ocids.clone().filter(in_range(&keys));
        for (derived, table, in_order) in &self.computed {
            let rows = if *in_order {
                slice_of(table, &keys)?
            } else {
                table.filter(&in_range_mask(table, &keys)?)?
            };
            *cut.derived(*derived) = rows.clone().lazy();
            cut.computed.push((*derived, rows, *in_order));
        }
        Ok(cut)
    }

    /// The plan of a derived table.
    fn derived(&mut self, derived: Derived) -> &mut LazyFrame {
        match derived {
            Derived::BidsByBid => &mut self.bids_by_bid,
            Derived::Winners => &mut self.winners,
            Derived::SubmittedTenderers => &mut self.submitted_tenderers,
            Derived::TendererSets => &mut self.tenderer_sets,
            Derived::ClassifiedAwards => &mut self.classified_awards,
            Derived::ClassifiedProcesses => &mut self.classified_processes,
        }
    }
}

/// Tables of the same columns one after the other, as one table (each piece a chunk of its
/// columns: not copied into one, which would hold the table twice for a moment).
pub fn stacked(pieces: Vec<DataFrame>) -> PolarsResult<DataFrame> {
    let mut pieces = pieces.into_iter();
    let mut table = pieces.next().unwrap_or_default();
    for piece in pieces {
        table.vstack_mut_owned(piece)?;
    }
    Ok(table)
}

/// Whether a process key is in `keys`.
fn in_range(keys: &Range<u32>) -> Expr {
    col(PROCESS)
        .gt_eq(lit(keys.start))
        .and(col(PROCESS).lt(lit(keys.end)))
}

/// [`in_range`] for each row of `table`.
fn in_range_mask(table: &DataFrame, keys: &Range<u32>) -> PolarsResult<BooleanChunked> {
    let processes = table.column(PROCESS)?.u32()?;
    Ok(processes
        .iter()
        .map(|key| key.is_some_and(|key| keys.contains(&key)))
        .collect())
}

/// Whether the rows of `table` are in process order (its `process` column has no missing key
/// and never goes down).
pub(crate) fn in_process_order(table: &DataFrame) -> PolarsResult<bool> {
    let processes = table.column(PROCESS)?.u32()?;
    Ok(processes.null_count() == 0
        && ((processes.is_sorted_flag() == polars_core::series::IsSorted::Ascending)
            || processes
                .into_no_null_iter()
                .zip(processes.into_no_null_iter().skip(1))
                .all(|(earlier, later)| earlier <= later)))
}

/// The rows of `table` whose process keys are in `keys`: a slice of the table when its
/// `process` column is marked sorted (the frames' tables are: see
/// [`crate::frames::Frames`]), else a filtered copy.
pub fn rows_of(table: &DataFrame, keys: &Range<u32>) -> PolarsResult<DataFrame> {
    let processes = table.column(PROCESS)?.u32()?;
    if processes.null_count() > 0
        || processes.is_sorted_flag() != polars_core::series::IsSorted::Ascending
    {
        return table.filter(&in_range_mask(table, keys)?);
    }
    slice_of(table, keys)
}

/// The rows of `table`, in process order, whose process keys are in `keys`: a slice.
fn slice_of(table: &DataFrame, keys: &Range<u32>) -> PolarsResult<DataFrame> {
    let processes = table.column(PROCESS)?.u32()?;
    let first_at_or_above = |key: u32| {
        let mut offset = 0;
        for array in processes.downcast_iter() {
            let values = array.values().as_slice();
            let at = values.partition_point(|&value| value < key);
            if at < values.len() {
                return offset + at;
            }
            offset += values.len();
        }
        offset
    };
    let start = first_at_or_above(keys.start);
    let end = first_at_or_above(keys.end).max(start);
    Ok(table.slice(start as i64, end - start))
}

/// A derived table several indicators read, which [`Tables::with_computed`] can compute ahead
/// of their plans.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Derived {
    /// [`Tables::bids_by_bid`].
    BidsByBid,
    /// [`Tables::winners`].
    Winners,
    /// The tenderers of [`Tables::tenderer_sets`].
    SubmittedTenderers,
    /// The sets of [`Tables::tenderer_sets`].
    TendererSets,
    /// The classifications of [`Tables::item_classes`].
    ClassifiedAwards,
    /// The classifications of [`Tables::process_classes`].
    ClassifiedProcesses,
}

impl Derived {
    /// Whether each process's rows of the table are made from that process's rows alone, in
    /// process order (or in an order nothing reads), so that the table may be made part by
    /// part of the processes. The sets of tenderers are not: a set's number is the first
    /// process with the same set, among all of them.
    pub fn per_process(self) -> bool {
        match self {
            Derived::BidsByBid
            | Derived::Winners
            | Derived::SubmittedTenderers
            | Derived::ClassifiedAwards
            | Derived::ClassifiedProcesses => true,
            Derived::TendererSets => false,
        }
    }
}

/// Column: a bid's key among all bids, its process's key and its index packed in one integer
/// (see [`packed_key`]): one integer to group and join on instead of two columns.
pub const BID_KEY: &str = "bid_key";
/// Column: the number of a set of tenderers (see [`Tables::tenderer_sets`]), the same for the
/// same set: one integer to group and join on instead of the set's text.
pub const SET_CODE: &str = "set_code";
/// Column: an award's key among all awards, as [`BID_KEY`] is a bid's.
pub const AWARD_KEY: &str = "award_key";

/// The key of an element of a process's list (a bid, an award) among all the processes' ones:
/// the process key in the high 32 bits and the element's index (`index`, a u32 column) in the
/// low ones. It sorts as (process, index) does.
pub fn packed_key(index: &str) -> Expr {
    with_process(col(index))
}

/// `expr` marked sorted in ascending order, for a column known to be sorted (a key of rows in
/// key order): Polars then groups it in runs of equal values and joins two such columns by
/// merging them, instead of through hash tables, whose cost grows faster than the rows once
/// they outgrow the processor's caches. A mark on a column that is not sorted gives wrong
/// results: mark only what is sorted by construction.
pub fn ascending(expr: Expr) -> Expr {
    expr.set_sorted_flag(AExprSorted {
        descending: Some(false),
        nulls_last: None,
    })
}

/// `frame` grouped by `key`, an integer column of many distinct values (a packed pair, a
/// market and a supplier), sorted on it first: Polars groups a column it knows to be sorted by
/// slicing its runs, where a hash group-by over many groups keeps a list of rows per group,
/// whose cost grows faster than the rows once they outgrow the processor's caches.
/// `missing_bidder`'s group-by of (market, tenderer) at 1,000,000 generated processes took
/// 260-1,377 ms hashed, 169 ms for the sort and 63-68 ms for the groups sorted; at 100,000 the
/// same either way. The sort keeps the order of the rows of each key, so that a group's
/// `first` is the hash group-by's; a sum of floats may differ from its in the last bits
/// (Polars adds a run of rows in blocks, a gathered group row by row), as it may from one plan
/// to another. The groups come in key order.
pub fn grouped_in_order(frame: LazyFrame, key: &str) -> LazyGroupBy {
    in_key_order(frame, &[key]).group_by([col(key)])
}

/// The rows of `frame` sorted by `keys`, the rows of equal keys in their order (a stable sort).
pub fn in_key_order(frame: LazyFrame, keys: &[&str]) -> LazyFrame {
    frame.sort(
        keys.to_vec(),
        SortMultipleOptions::default().with_maintain_order(true),
    )
}

/// A process and the numbered code of a column of its rows (a currency: see
/// [`numbered_code`]) packed in one integer (see [`with_process`]), a missing code a number of
/// its own: one integer to join on instead of the two columns, which Polars would encode row
/// by row.
pub fn process_and_code(name: &str) -> Expr {
    with_process(code_or_missing(name))
}

/// The number of a numbered column's text (see [`numbered_code`]), a missing text a number of
/// its own (above every text's): to pack with another number and group or join on.
pub fn code_or_missing(name: &str) -> Expr {
    numbered_code(name).fill_null(lit(u64::from(u32::MAX)))
}

/// Two 32-bit numbers (u64 columns) in one integer, `high` in the high bits: one integer to
/// group and join on instead of two columns.
pub fn packed(high: Expr, low: Expr) -> Expr {
    high * lit(1u64 << 32) + low
}

/// The rows of `frame` distinct on `key`, a [`with_process`] key, found by a sort of that one
/// integer; the process keys, in its high bits, stay sorted (and are marked so).
pub fn distinct_in_process(frame: LazyFrame, key: &str) -> LazyFrame {
    sorted_distinct(frame, &[key]).with_column(ascending(col(PROCESS)))
}

/// The process key in the high 32 bits and `low` (a 32-bit number: an index, a numbered
/// text's number) in the low ones: one integer for a (process, something) pair.
pub fn with_process(low: Expr) -> Expr {
    packed(
        col(PROCESS).cast(DataType::UInt64),
        low.cast(DataType::UInt64),
    )
}

/// The rows of `frame` (award rows with [`AWARD_KEY`] and `supplier_id`) with each award's
/// suppliers once, each pair's first row kept, sorted by award and by `number`: the suppliers'
/// numbers (see [`numbered_code`]), added as that column. A sort of the two integers
/// ([`sorted_distinct`]), not a hash table of the award key and the id, which Polars encodes
/// row by row as bytes (a market indicator's `unique` took 19 -> 136 ms from 100,000 to
/// 1,000,000 generated processes).
pub fn each_award_supplier_once(frame: LazyFrame, number: &str) -> LazyFrame {
    let numbered = frame.with_column(numbered_code("supplier_id").alias(number));
    sorted_distinct(numbered, &[AWARD_KEY, number])
}

/// The rows of `frame` with distinct `keys`, sorted by them: the rows sorted (equal keys keep
/// their order), each kept where a key differs from the row before, so the first of equal
/// keys is kept. A hash table of the distinct keys (`unique`) took about 180 bytes of working
/// memory a row at 1,000,000 rows of distinct keys, the sort about 35.
pub fn sorted_distinct(frame: LazyFrame, keys: &[&str]) -> LazyFrame {
    in_key_order(frame, keys).filter(first_of_run(keys))
}

/// Whether a row's `keys` differ from the row before's: on rows where equal keys are next to
/// each other, true at the first row of each run of equal keys, so a filter by it keeps each
/// key's first row, as `unique_stable` would, without a hash table.
pub fn first_of_run(keys: &[&str]) -> Expr {
    keys.iter()
        .map(|key| col(*key).neq_missing(col(*key).shift(lit(1))))
        .reduce(Expr::or)
        .unwrap_or(lit(true))
}

/// The number of each distinct value of a column among its rows, in the values' order (from 1;
/// the same value, the same number), as a u64: to group and join on integers instead of texts.
/// Numbers made in different frames do not match.
pub fn dense_code(name: &str) -> Expr {
    col(name)
        .rank(
            RankOptions {
                method: RankMethod::Dense,
                descending: false,
            },
            None,
        )
        .cast(DataType::UInt64)
}

/// The number of each distinct value of a numbered column (see [`crate::frames::NUMBERED`]),
/// as a u64: the number the frames gave its text, shared by every table, read as it is (where
/// [`dense_code`] sorts the column's texts: at 280,000 bids, a third of `bid_rotation`'s
/// time). The numbers follow no order of the texts and may differ from run to run: group and
/// join on them, never sort by them.
pub fn numbered_code(name: &str) -> Expr {
    col(name).to_physical().cast(DataType::UInt64)
}

/// The number of each distinct text of a column of few distinct texts (categories, classes),
/// as a u64: the column numbered as the frames number texts, each row's text looked up once
/// (where [`dense_code`] sorts the texts). The texts join the frames' shared list for the
/// rest of the run, so a column of many distinct texts (sets of tenderers) takes
/// [`dense_code`] instead. The numbers follow no order of the texts and may differ from run
/// to run: group and join on them, never sort by them.
pub fn text_code(name: &str) -> Expr {
    col(name)
        .cast(crate::frames::numbered_type())
        .to_physical()
        .cast(DataType::UInt64)
}

/// `frame` (with a `process` column) with each row's `ocid`, from `processes` (a processes
/// table), in the order of `frame`: for the texts that name processes.
pub fn with_ocids(processes: &DataFrame, frame: LazyFrame) -> LazyFrame {
    joined_ocids(
        processes.clone().lazy().select([col(PROCESS), col(OCID)]),
        frame,
    )
}

/// `frame` (with a `process` column) with each row's `ocid`, from `ocids` (`process`,
/// `ocid`), in the order of `frame`.
pub fn joined_ocids(ocids: LazyFrame, frame: LazyFrame) -> LazyFrame {
    frame.join(
        ocids,
        [col(PROCESS)],
        [col(PROCESS)],
        JoinArgs {
            maintain_order: MaintainOrderJoin::Left,
            ..JoinArgs::new(JoinType::Left)
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_distinct_keeps_the_first_row_of_each_key_in_key_order() {
        let frame = df!(
            "process" => [2u32, 1, 2, 1, 2, 3],
            "id" => ["b", "a", "a", "a", "b", "c"],
            "row" => [0u32, 1, 2, 3, 4, 5],
        )
        .unwrap();
        let distinct = sorted_distinct(frame.lazy(), &["process", "id"])
            .collect()
            .unwrap();
        let column = |name: &str| distinct.column(name).unwrap();
        let processes: Vec<Option<u32>> = column("process").u32().unwrap().iter().collect();
        let ids: Vec<Option<&str>> = column("id").str().unwrap().iter().collect();
        let rows: Vec<Option<u32>> = column("row").u32().unwrap().iter().collect();
        assert_eq!(processes, [Some(1), Some(2), Some(2), Some(3)]);
        assert_eq!(ids, [Some("a"), Some("a"), Some("b"), Some("c")]);
        // Of the equal keys, the first row in the input: (1, "a") at 1, (2, "b") at 0.
        assert_eq!(rows, [Some(1), Some(2), Some(0), Some(5)]);
    }

    /// Grouped in order, each group has the first row and the count of its rows as the hash
    /// group-by gives them, its sum the same but in the last bits (see [`grouped_in_order`]),
    /// and the groups come in key order.
    #[test]
    fn groups_in_order_are_those_of_the_hash_group_by() {
        // Many keys, each in several rows far apart, with sums whose order of addition shows.
        let keys: Vec<u64> = (0..5000u64).map(|row| (row * 7919) % 613).collect();
        let values: Vec<f64> = (0..5000u32)
            .map(|row| 1e16 / f64::from(row + 1) + 0.1 * f64::from(row))
            .collect();
        let rows: Vec<u32> = (0..5000).collect();
        let frame = df!("key" => keys, "value" => values, "row" => rows).unwrap();
        let aggregations = || {
            [
                col("row").first().alias("first"),
                len().alias("rows"),
                col("value").sum().alias("sum"),
            ]
        };
        let in_order = grouped_in_order(frame.clone().lazy(), "key")
            .agg(aggregations())
            .collect()
            .unwrap();
        let hashed = frame
            .lazy()
            .group_by([col("key")])
            .agg(aggregations())
            .sort(["key"], SortMultipleOptions::default())
            .collect()
            .unwrap();
        assert_eq!(in_order.height(), 613);
        let exact = ["key", "first", "rows"];
        assert!(
            in_order
                .select(exact)
                .unwrap()
                .equals(&hashed.select(exact).unwrap())
        );
        let sums = |frame: &DataFrame| -> Vec<f64> {
            let sums = frame.column("sum").unwrap().f64().unwrap();
            sums.into_no_null_iter().collect()
        };
        for (in_order, hashed) in sums(&in_order).into_iter().zip(sums(&hashed)) {
            assert!(
                (in_order - hashed).abs() <= 1e-12 * hashed.abs(),
                "{in_order} against {hashed}"
            );
        }
        let keys = in_order.column("key").unwrap().u64().unwrap();
        assert!(keys.into_no_null_iter().is_sorted());
    }
}
