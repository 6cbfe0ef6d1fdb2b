//! The values of each process: its awards' and its contracts' amounts, in one currency each.

use polars::prelude::*;

use crate::frames::as_text;

use crate::domain::{ascending, awarded, packed_key};
use crate::frames::Frames;
use crate::indicators::PROCESS;

/// Per process (in process order) of `rows` (with `process`, `currency` and `amount`): the
/// first currency among its rows, as `currency`; the sum of `amount` over its rows in that
/// currency (rows without a currency count as that currency), as `amount`: amounts in
/// different currencies are never added together; and the aggregations `more`. Each row's
/// currency is compared with its process's first on the whole column before the groups are
/// summed: a filter within each group took 120–140 ms per table at 100,000 processes.
fn in_first_currency(
    rows: LazyFrame,
    currency: &str,
    amount: &str,
    more: impl IntoIterator<Item = Expr>,
) -> LazyFrame {
    const FIRST: &str = "first_currency";
    let rows = rows.cache();
    let firsts = rows
        .clone()
        .filter(col("currency").is_not_null())
        .group_by_stable([col(PROCESS)])
        .agg([col("currency").first().alias(FIRST)]);
    let in_first = col("currency").eq(col(FIRST)).fill_null(lit(true));
    let mut aggregations = vec![
        col(FIRST).first().alias(currency),
        when(in_first)
            .then(col("amount"))
            .otherwise(lit(NULL).cast(DataType::Float64))
            .sum()
            .alias(amount),
    ];
    aggregations.extend(more);
    rows.join(
        firsts,
        [col(PROCESS)],
        [col(PROCESS)],
        JoinArgs {
            maintain_order: MaintainOrderJoin::Left,
            ..JoinArgs::new(JoinType::Left)
        },
    )
    .group_by_stable([col(PROCESS)])
    .agg(aggregations)
}

/// Per process with awarded awards: award value, award currency, first award date; and per
/// process with their suppliers: the suppliers. Two tables, each one row per process.
pub(super) fn award_summary(frames: &Frames) -> [LazyFrame; 2] {
    let awards = frames.awards.clone().lazy().filter(awarded());
    // Each award once: its rows are next to each other, in award order (the packed key
    // sorted), so Polars finds them in runs rather than through a hash table.
    let values = awards.clone().unique_stable_generic(
        Some(vec![ascending(packed_key("award_index"))]),
        UniqueKeepStrategy::First,
    );
    let values = in_first_currency(
        values,
        "award_currency",
        "award_amount",
        [
            col("amount").count().alias("awards_with_amount"),
            col("date").min().alias("award_date"),
        ],
    );
    let suppliers = awards
        .filter(col("supplier_id").is_not_null())
        .select([
            col(PROCESS),
            col("supplier_id"),
            col("supplier_name").fill_null(col("supplier_id")),
        ])
        .sort(
            [PROCESS],
            SortMultipleOptions::default().with_maintain_order(true),
        );
    [values, suppliers]
}

/// Per process, from its suppliers (`process`, `supplier_id`, `supplier_name`, in process
/// order): `supplier_ids` and `suppliers` (names), each distinct one once, in the order they
/// first appear, joined with `; `. One pass in Rust: lists made per group in Polars cost more
/// than the rest of the score.
pub(super) fn supplier_lists(suppliers: &DataFrame) -> PolarsResult<DataFrame> {
    let keys = suppliers.column(PROCESS)?.u32()?;
    let ids = as_text(suppliers.column("supplier_id")?)?;
    let names = as_text(suppliers.column("supplier_name")?)?;
    let mut processes: Vec<u32> = Vec::new();
    // Each list appended to its column as it is made, not kept as a text of its own until the
    // columns are made (two texts per process, at 1,000,000 processes 2 million small blocks).
    let mut id_lists = StringChunkedBuilder::new("supplier_ids".into(), 0);
    let mut name_lists = StringChunkedBuilder::new("suppliers".into(), 0);
    let (mut seen_ids, mut seen_names): (Vec<&str>, Vec<&str>) = (Vec::new(), Vec::new());
    let mut flush = |key: u32, seen_ids: &mut Vec<&str>, seen_names: &mut Vec<&str>| {
        processes.push(key);
        id_lists.append_value(seen_ids.join("; "));
        name_lists.append_value(seen_names.join("; "));
        seen_ids.clear();
        seen_names.clear();
    };
    let mut current = None;
    for ((key, id), name) in keys.iter().zip(ids.iter()).zip(names.iter()) {
        let (Some(key), Some(id)) = (key, id) else {
            continue;
        };
        if let Some(previous) = current
            && previous != key
        {
            flush(previous, &mut seen_ids, &mut seen_names);
        }
        current = Some(key);
        if !seen_ids.contains(&id) {
            seen_ids.push(id);
        }
        let name = name.unwrap_or(id);
        if !seen_names.contains(&name) {
            seen_names.push(name);
        }
    }
    if let Some(previous) = current {
        flush(previous, &mut seen_ids, &mut seen_names);
    }
    DataFrame::new(
        processes.len(),
        vec![
            Column::new(PROCESS.into(), processes),
            id_lists.finish().into_column(),
            name_lists.finish().into_column(),
        ],
    )
}

/// Per process: the contracts' value (in the first contract's currency).
pub(super) fn contract_summary(frames: &Frames) -> LazyFrame {
    in_first_currency(
        frames.contracts.clone().lazy(),
        "contract_currency",
        "contract_amount",
        [col("amount").count().alias("contracts_with_amount")],
    )
}
