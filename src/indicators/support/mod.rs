//! What several indicators share in building their outcomes: the tables of the outcomes
//! ([`rows`]), quartile fences within groups ([`fences`]), periods in days, each process's largest contract, and the comparison of a contract's signature with an
//! earlier event ([`signed_before`]).

pub mod fences;
pub mod rows;
pub mod signed_before;

use polars::prelude::*;

pub use fences::{counts, fence_evidence, upper_fences_by, with_group_fences};
pub use rows::{
    PROCESS_EXAMPLES, flagged_tenderers, no_process_rows, organizations_from, pair_organizations,
    process_rows,
};

use super::PROCESS;

/// The first row of each group of `keys` in `frame` (in the frame's order): the row a group's
/// evidence is taken from.
pub fn first_of(frame: LazyFrame, keys: &[&str]) -> LazyFrame {
    frame
        .group_by_stable(keys.iter().map(|key| col(*key)).collect::<Vec<_>>())
        .agg([all().as_expr().first()])
}

/// Whole days from `start` to `end` (timestamps), rounded down: a period a second short of 15
/// days has 14.
pub fn whole_days(end: Expr, start: Expr) -> Expr {
    (end - start)
        .dt()
        .total_milliseconds(false)
        .floor_div(lit(86_400_000i64))
}

/// A rolling window over dates: the `days` days up to and including each row's date.
pub fn days_window(days: i64) -> RollingOptionsDynamicWindow {
    RollingOptionsDynamicWindow {
        window_size: Duration::parse(&format!("{days}d")),
        min_periods: 1,
        closed_window: ClosedWindow::Both,
        fn_params: None,
    }
}

/// Per process, the contract with the largest `measure` (the first in the publisher's order
/// among equals), with `columns` (besides `measure` and `contract_id`) taken from it.
pub fn largest_contract(frame: LazyFrame, measure: &str, columns: &[&str]) -> LazyFrame {
    let mut taken = vec![col(measure).first(), col("contract_id").first()];
    taken.extend(columns.iter().map(|name| col(*name).first()));
    frame
        .sort(
            [PROCESS, measure, "contract_index"],
            SortMultipleOptions::default().with_order_descending_multi([false, true, false]),
        )
        .group_by_stable([col(PROCESS)])
        .agg(taken)
}
