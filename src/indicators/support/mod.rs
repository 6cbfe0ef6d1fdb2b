//! What several indicators share in building their outcomes: the tables of the outcomes
//! ([`rows`]), quartile fences within groups ([`fences`]), the texts of the evidence, periods in
//! days, each process's largest contract, and the comparison of a contract's signature with an
//! earlier event ([`signed_before`]).

pub mod fences;
pub mod rows;
pub mod signed_before;

use polars::prelude::*;

pub use fences::{counts, upper_fences_by, with_group_fences};
pub use rows::{
    flagged_tenderers, no_process_rows, organizations_from, pair_organizations, process_rows,
};

use super::{EVIDENCE, PROCESS};

/// An amount and its currency as text (`1250000 THB`), for evidence sentences.
pub fn money(amount: Expr, currency: Expr) -> Expr {
    let rounded = amount.round(2, RoundMode::HalfAwayFromZero);
    let text = when(rounded.clone().eq(rounded.clone().floor()))
        .then(rounded.clone().cast(DataType::Int64).cast(DataType::String))
        .otherwise(rounded.cast(DataType::String));
    concat_str([text, currency.fill_null(lit("(no currency)"))], " ", false)
}

/// A share in 0–1 as a whole-percent text (`67%`), for evidence sentences.
pub fn percent(share: Expr) -> Expr {
    concat_str(
        [
            (share * lit(100.0))
                .round(0, RoundMode::HalfAwayFromZero)
                .cast(DataType::Int64)
                .cast(DataType::String),
            lit("%"),
        ],
        "",
        false,
    )
}

/// A timestamp column as an ISO date (`2024-03-31`), for evidence sentences.
pub fn iso_date(timestamp: Expr) -> Expr {
    timestamp.dt().strftime("%Y-%m-%d")
}

/// The first row of each group of `keys` in `frame` (in the frame's order), with `evidence`
/// evaluated on it as [`EVIDENCE`]: one sentence per group, not one per row.
pub fn first_described(frame: LazyFrame, keys: &[&str], evidence: Expr) -> LazyFrame {
    frame
        .group_by_stable(keys.iter().map(|key| col(*key)).collect::<Vec<_>>())
        .agg([all().as_expr().first()])
        .with_column(evidence.alias(EVIDENCE))
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
