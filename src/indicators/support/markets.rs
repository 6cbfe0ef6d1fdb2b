//! Markets: the awarded value of each kind of item and currency, and each supplier's share of
//! it, for the indicators that judge a market or a supplier's place in it.

use polars::prelude::*;

use crate::domain::{
    AWARD_KEY, Tables, ascending, awarded, code_or_missing, dense_code, each_award_supplier_once,
    in_key_order, packed, text_code,
};
use crate::indicators::PROCESS;

/// Column: a market (kind of item and currency) as one integer, to group and join on.
pub const MARKET_KEY: &str = "market";
/// Column: a market and a supplier as one integer, to group and join on.
pub const MARKET_SUPPLIER: &str = "market_supplier";
/// Column: a supplier's number, to find each award's suppliers once (see
/// [`each_award_supplier_once`]).
pub const SUPPLIER_NUMBER: &str = "supplier_number";

/// A market (the column `market`, an integer) and a supplier ([`SUPPLIER_NUMBER`]) as one
/// integer, [`MARKET_SUPPLIER`]: the markets numbered from 1 among the rows (below 2^32), to
/// pack with the suppliers' numbers.
pub fn market_supplier(market: &str) -> Expr {
    packed(dense_code(market), col(SUPPLIER_NUMBER)).alias(MARKET_SUPPLIER)
}

/// `rows` with a [`MARKET_SUPPLIER`] made by [`market_supplier`] from the market column
/// `market`, sorted on it (the rows of each key in their order): the markets are then sorted
/// too, their numbers being its high bits in the markets' order, and marked so. Grouped on
/// either, Polars slices runs instead of hashing (see [`crate::domain::grouped_in_order`]).
/// Cached, for the group-bys on each.
pub fn in_market_order(rows: LazyFrame, market: &str) -> LazyFrame {
    in_key_order(rows, &[MARKET_SUPPLIER])
        .with_column(ascending(col(market)))
        .cache()
}

/// The awarded awards (status `active` or none) with an amount above 0, one row per award and
/// supplier with an id, each with its kind of item (see [`Tables::item_classes`], `digits`
/// characters of the classification) and its `part`: the award's amount shared equally
/// among its suppliers. Columns `process`, [`AWARD_KEY`], `supplier_id`, `class`, `currency`
/// (as text; none is a currency of its own), `part`, and the market as one integer
/// ([`MARKET_KEY`]) and with the supplier ([`MARKET_SUPPLIER`]).
pub fn market_awards(tables: &Tables, digits: u32) -> LazyFrame {
    let awards = tables.awards().filter(
        awarded()
            .and(col("amount").gt(lit(0.0)))
            .and(col("supplier_id").is_not_null()),
    );
    each_award_supplier_once(awards, SUPPLIER_NUMBER)
        .join(
            tables
                .item_classes(digits)
                .select([col(AWARD_KEY), col("class")]),
            [col(AWARD_KEY)],
            [col(AWARD_KEY)],
            JoinArgs::new(JoinType::Inner),
        )
        .select([
            col(PROCESS),
            col(AWARD_KEY),
            col("supplier_id"),
            col(SUPPLIER_NUMBER),
            col("class"),
            col("currency").cast(DataType::String),
            (col("amount") / col("suppliers_count").cast(DataType::Float64)).alias("part"),
            packed(text_code("class"), code_or_missing("currency")).alias(MARKET_KEY),
        ])
        .with_column(market_supplier(MARKET_KEY))
        .drop(cols([SUPPLIER_NUMBER]))
}

/// Each supplier's place in each market of `awards` (see [`market_awards`]), grouped on
/// [`MARKET_SUPPLIER`] and [`MARKET_KEY`] (both kept): `class`,
/// `currency`, `supplier_id`, its awarded value (`supplier_value`) and awards
/// (`supplier_awards`), the market's value (`total`), awards (`awards`) and suppliers
/// (`suppliers`), and the supplier's `share` of the value, rounded to 12 decimals: the sums are
/// of floats, which Polars may add in another order from one plan to another (an award shared
/// by a consortium is two parts), and a share must not depend on it.
pub fn supplier_shares(awards: LazyFrame) -> LazyFrame {
    let awards = in_market_order(awards, MARKET_KEY);
    let by_supplier = awards.clone().group_by([col(MARKET_SUPPLIER)]).agg([
        col(MARKET_KEY).first(),
        col("class").first(),
        col("currency").first(),
        col("supplier_id").first(),
        col("part").sum().alias("supplier_value"),
        col(AWARD_KEY).n_unique().alias("supplier_awards"),
    ]);
    let markets = awards.group_by([col(MARKET_KEY)]).agg([
        col("part").sum().alias("total"),
        col(AWARD_KEY).n_unique().alias("awards"),
        col("supplier_id").n_unique().alias("suppliers"),
    ]);
    by_supplier
        .join(
            markets,
            [col(MARKET_KEY)],
            [col(MARKET_KEY)],
            JoinArgs::new(JoinType::Inner),
        )
        .with_column(
            (col("supplier_value") / col("total"))
                .round(12, RoundMode::HalfToEven)
                .alias("share"),
        )
}
