//! The values of each process: its awards' and its contracts' amounts, in one currency each.

use polars::prelude::*;

use crate::domain::{awarded, packed_key};
use crate::frames::Frames;
use crate::indicators::PROCESS;

/// The sum of `amount` over the rows in the first currency seen (rows without a currency
/// count as that currency): amounts in different currencies are never added together.
fn sum_in_first_currency() -> Expr {
    col("amount")
        .filter(
            col("currency")
                .eq(col("currency").drop_nulls().first())
                .fill_null(lit(true)),
        )
        .sum()
}

/// Per process with awarded awards: award value, award currency, first award date; and per
/// process with their suppliers: the suppliers. Two tables, each one row per process.
pub(super) fn award_summary(frames: &Frames) -> [LazyFrame; 2] {
    let awards = frames.awards.clone().lazy().filter(awarded());
    let values = awards
        .clone()
        .unique_stable_generic(
            Some(vec![packed_key("award_index")]),
            UniqueKeepStrategy::First,
        )
        .group_by_stable([col(PROCESS)])
        .agg([
            col("currency").drop_nulls().first().alias("award_currency"),
            sum_in_first_currency().alias("award_amount"),
            col("amount").count().alias("awards_with_amount"),
            col("date").min().alias("award_date"),
        ]);
    let suppliers = awards
        .filter(col("supplier_id").is_not_null())
        .group_by_stable([col(PROCESS)])
        .agg([
            col("supplier_id")
                .unique_stable()
                .str()
                .join("; ", true)
                .alias("supplier_ids"),
            col("supplier_name")
                .fill_null(col("supplier_id"))
                .unique_stable()
                .str()
                .join("; ", true)
                .alias("suppliers"),
        ]);
    [values, suppliers]
}

/// Per process: the contracts' value (in the first contract's currency).
pub(super) fn contract_summary(frames: &Frames) -> LazyFrame {
    frames
        .contracts
        .clone()
        .lazy()
        .group_by_stable([col(PROCESS)])
        .agg([
            col("currency")
                .drop_nulls()
                .first()
                .alias("contract_currency"),
            sum_in_first_currency().alias("contract_amount"),
            col("amount").count().alias("contracts_with_amount"),
        ])
}
