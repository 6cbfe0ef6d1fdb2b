//! What several indicators share in building their outcomes: the tables of the outcomes
//! ([`rows`]), quartile fences within groups ([`fences`]), periods in days, rolling sums
//! within groups, each process's largest contract, and the comparison of a contract's
//! signature with an earlier event ([`signed_before`]).

pub mod buyer_shares;
pub mod fences;
pub mod listed;
pub mod markets;
pub mod rows;
pub mod signed_before;

use polars::prelude::*;

pub use fences::{
    beyond_method_fence, counts, fence_evidence, fences_by, outside_magnitude_fences,
    upper_fences_by, with_group_fences,
};
pub use rows::{
    PROCESS_EXAMPLES, flagged_tenderers, in_flagged_groups, no_process_rows, organizations_from,
    organizations_with_ocids, pair_organizations, process_rows, with_group_evidence,
};

use super::PROCESS;
use crate::working_days::Days;

/// Each group of `keys` in `frame` by one row, the row a group's evidence is taken from: its
/// first in the order of the columns `by`, each descending where `descending` says (missing
/// values first, as a sort puts them), ties in the frame's order; the groups in the order
/// their first rows come in the frame.
///
/// The order is the aggregation's own, not the frame's, so that no sort before the group-by
/// has to survive the optimizer, which may make a group-by whose groups a join reads
/// unordered.
pub fn first_by(frame: LazyFrame, keys: &[&str], by: &[&str], descending: &[bool]) -> LazyFrame {
    let order = SortMultipleOptions::default()
        .with_order_descending_multi(descending.to_vec())
        .with_maintain_order(true);
    let by: Vec<Expr> = by.iter().map(|column| col(*column)).collect();
    frame
        .group_by_stable(keys.iter().map(|key| col(*key)).collect::<Vec<_>>())
        .agg([all().as_expr().sort_by(by, order).first()])
}

/// The rows [`first_by`] keeps (each group of `keys` by its first row in the order of `by`,
/// ties in the frame's order, missing values first), found by one sort of the frame by the keys
/// and then `by`, each group's first row kept: the groups come in the order of their keys. On
/// large frames of small groups (a row per award, grouped by process) it is many times faster
/// than [`first_by`]'s sort within each group: 300 ms against a few at 100,000 processes.
pub fn first_of_each(
    frame: LazyFrame,
    keys: &[&str],
    by: &[&str],
    descending: &[bool],
) -> LazyFrame {
    let columns: Vec<&str> = keys.iter().chain(by).copied().collect();
    let mut order = vec![false; keys.len()];
    order.extend_from_slice(descending);
    frame
        .sort(
            columns,
            SortMultipleOptions::default()
                .with_order_descending_multi(order)
                .with_maintain_order(true),
        )
        .filter(crate::domain::first_of_run(keys))
}

/// Each process's first award date (`process`, `award_date`): the earliest date of its awards
/// that count as made (see [`crate::domain::awarded`]).
pub fn first_award_dates(tables: &crate::domain::Tables) -> LazyFrame {
    tables
        .awards()
        .filter(crate::domain::awarded().and(col("date").is_not_null()))
        .group_by([col(PROCESS)])
        .agg([col("date").min().alias("award_date")])
}

/// Whole days from `start` to `end` (timestamps), rounded down: a period a second short of 15
/// days has 14.
pub fn whole_days(end: Expr, start: Expr) -> Expr {
    (end - start)
        .dt()
        .total_milliseconds(false)
        .floor_div(lit(86_400_000i64))
}

/// The rows of `frame` whose period from `start` to `end` (timestamps) is in order and counted,
/// with its columns as `days` says: `calendar_days`, its whole days (see [`whole_days`]);
/// `days`, the same, or with [`Days::Working`] the working days of the settings' calendar (see
/// [`crate::working_days::WorkingDays::between`]); and `counted`, the code the evidence words
/// its days by (`calendar`, `working`). A period is in order when its `calendar_days` is 0 or
/// more (an end before the start is a data error, not a short period), and counted when `days`
/// is not null (both dates there, and within the calendar for working days). Working days with
/// tables that hold no calendar are an error (the settings check refuses them first).
pub fn counted_periods(
    frame: LazyFrame,
    tables: &crate::domain::Tables,
    days: Days,
    end: Expr,
    start: Expr,
) -> PolarsResult<LazyFrame> {
    let counted = match days {
        Days::Calendar => col("calendar_days"),
        Days::Working => match tables.working_days() {
            Some(calendar) => calendar.between(end.clone(), start.clone()),
            None => polars_bail!(ComputeError:
                "days = \"working\" needs the calendar of a [working_days] section"),
        },
    };
    Ok(frame
        .with_column(whole_days(end, start).alias("calendar_days"))
        .with_columns([counted.alias("days"), lit(days.name()).alias("counted")])
        .filter(
            col("calendar_days")
                .gt_eq(lit(0i64))
                .and(col("days").is_not_null()),
        ))
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

/// `rows` with, for each of `sums` (a value and the name of its sum), the sum of the value
/// over the rows of the same `groups` whose `date` lies within the `days` days up to and
/// including the row's (see [`days_window`]). The rows come in date order.
///
/// The same numbers as `value.rolling_sum_by(col("date"), days_window(days)).over(groups)`,
/// in one pass rather than group by group (which Polars does one small column at a time: at
/// 100,000 awards and tens of thousands of (buyer, supplier) pairs, half of `repeat_winner`'s
/// time). The rows are taken in the order of their groups (by the groups' numbers, in no order
/// of their texts; within a group, in date order as they come), and each row's date is
/// replaced by a clock, in milliseconds, that keeps each step between two rows of a group when
/// it is no longer than the window, and makes every longer step, and the step from one group
/// to the next, one millisecond longer than the window. A window then holds the same rows of
/// its group as on the dates, and none of another group; each group's windows are summed as
/// when the group is summed alone. The clock grows by at most the window's length per row: no
/// overflow below 290 million rows.
///
/// Only the columns the sums need are put in the groups' order, and the sums are put back in
/// the rows' order by the inverse of that order: no sort of the whole rows and no join back
/// (a join on a row number or a key through a hash table, whose cost grew faster than the
/// rows).
pub fn rolling_sums_within(
    rows: LazyFrame,
    groups: &[&str],
    sums: &[(Expr, &str)],
    days: i64,
) -> LazyFrame {
    const ORDER: &str = "__order";
    const BACK: &str = "__back";
    const CLOCK: &str = "__clock";
    let window = days * 86_400_000;
    let apart = lit(window + 1);
    let in_order = |expr: Expr| expr.gather(col(ORDER), false);
    let new_group = groups
        .iter()
        .map(|group| in_order(col(*group)).neq_missing(in_order(col(*group)).shift(lit(1))))
        .reduce(Expr::or)
        .unwrap_or(lit(false));
    let date = in_order(col("date"));
    let step = when(new_group)
        .then(apart.clone())
        .otherwise(
            date.clone()
                .cast(DataType::Int64)
                .diff(lit(1), polars::series::ops::NullBehavior::Ignore)
                .clip_max(apart.clone()),
        )
        .fill_null(apart);
    let clock = when(date.is_null())
        .then(lit(NULL).cast(DataType::Int64))
        .otherwise(step.cum_sum(false));
    let options = RollingOptionsDynamicWindow {
        window_size: Duration::parse(&format!("{window}i")),
        ..days_window(days)
    };
    let order: Vec<Expr> = groups
        .iter()
        .map(|group| col(*group).to_physical())
        .collect();
    let summed: Vec<Expr> = sums
        .iter()
        .map(|(value, name)| {
            in_order(value.clone())
                .rolling_sum_by(col(CLOCK), options.clone())
                .gather(col(BACK), false)
                .alias(*name)
        })
        .collect();
    rows.with_row_index(ORDER, None)
        .with_column(col(ORDER).sort_by(
            order,
            SortMultipleOptions::default().with_maintain_order(true),
        ))
        .with_columns([
            col(ORDER).arg_sort(false, false).alias(BACK),
            clock.alias(CLOCK),
        ])
        .with_columns(summed)
        .drop(cols([ORDER, BACK, CLOCK]))
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

/// The processes (every column of the processes table) with the number of their tenderers
/// from the best source, `tenderers` (i64, null when none says), and that source, `source`:
/// `declared` (`tender.numberOfTenderers`, when 0 or more), else `bids` (the distinct ids of
/// the tenderers of the submitted bids), else `tenderers` (those of `tender.tenderers`). With
/// `declared_only`, only the declared number counts (Cardinal's code).
pub fn with_tenderer_counts(tables: &crate::domain::Tables, declared_only: bool) -> LazyFrame {
    let bidders = tables
        .bids()
        .filter(crate::domain::submitted().and(col("tenderer_id").is_not_null()))
        .group_by([col(PROCESS)])
        .agg([col("tenderer_id").n_unique().alias("bidders")]);
    let declared = col("number_of_tenderers");
    let declared_valid = declared.clone().gt_eq(lit(0));
    let fallback = if declared_only {
        lit(NULL).cast(DataType::Int64)
    } else {
        when(col("bidders").is_not_null())
            .then(col("bidders").cast(DataType::Int64))
            .otherwise(col("tenderers_listed").cast(DataType::Int64))
    };
    let count = when(declared_valid.clone())
        .then(declared.cast(DataType::Int64))
        .otherwise(fallback);
    let source = when(declared_valid)
        .then(lit("declared"))
        .when(col("bidders").is_not_null())
        .then(lit("bids"))
        .otherwise(lit("tenderers"));
    tables
        .processes()
        .join(
            bidders,
            [col(PROCESS)],
            [col(PROCESS)],
            JoinArgs::new(JoinType::Left),
        )
        .with_columns([count.alias("tenderers"), source.alias("source")])
}

/// Whether any row of the frame has a value of `column`: whether the data publish the field at
/// all (an expression that is the same on every row). An indicator that reads a field's
/// absence as a sign assesses nothing where the publisher never publishes it.
pub fn published_anywhere(column: &str) -> Expr {
    col(column).is_not_null().any(true)
}

/// A contract as the evidence names it: its id, else its position (`#2`).
pub fn contract_label() -> Expr {
    col("contract_id").fill_null(concat_str(
        [
            lit("#"),
            (col("contract_index") + lit(1)).cast(DataType::String),
        ],
        "",
        false,
    ))
}

/// The threshold that applies to each process: the one `by_details` gives its
/// `procurement_method_details`, else `default`.
pub fn threshold_by_details(
    default: i64,
    by_details: &std::collections::BTreeMap<String, i64>,
) -> Expr {
    by_details
        .iter()
        .fold(lit(default), |otherwise, (details, days)| {
            when(col("procurement_method_details").eq(lit(details.as_str())))
                .then(lit(*days))
                .otherwise(otherwise)
        })
}
