//! `buyer_concentration`: a buyer's spending in a category concentrated on few suppliers.

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use super::support::markets::{
    MARKET_KEY as MARKET, MARKET_SUPPLIER, SUPPLIER_NUMBER, in_market_order, market_supplier,
};
use super::support::no_process_rows;
use super::{
    Batch, Definition, Group, InParts, LazyOutcome, Metadata, ORGANIZATION_ID, PROCESS, Phase,
    Plan, ROLE, VALUE,
};
use crate::domain::{
    AWARD_KEY, Tables, code_or_missing, dense_code, each_award_supplier_once, numbered_code,
    packed, text_code,
};
use crate::evidence::{Evidence, Field, Kind};

/// The indicator.
pub struct BuyerConcentration;

/// Its settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// A Herfindahl–Hirschman index (0–10,000) at or above this is flagged.
    pub threshold: f64,
    /// The fewest awards in a buyer's category for it to be assessed.
    pub minimum_awards: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            threshold: 2500.0,
            minimum_awards: 10,
        }
    }
}

static METADATA: Metadata = Metadata {
    slug: "buyer_concentration",
    code: Some("R040"),
    title: "Buyer's spending concentrated on few suppliers",
    phase: Phase::Award,
    group: Group::Competition,
    weight: 0.10,
    family: "favoured_supplier",
    lists_tenderers: false,
    batch: Batch::Other,
    in_parts: InParts::Whole,
    list: None,
    levels: &["buyer"],
    fields: &[
        "buyer.id",
        "tender.mainProcurementCategory",
        "awards.status",
        "awards.value",
        "awards.suppliers.id",
    ],
    evidence: Evidence {
        process: &[],
        organization: &[
            Field::new("hhi", Kind::Count),
            Field::new("category", Kind::Text),
            Field::or("currency", Kind::Text, "no_currency"),
            Field::new("suppliers", Kind::Count),
            Field::new("awards", Kind::Count),
            Field::new("top", Kind::Text),
            Field::new("top_share", Kind::Percent),
        ],
    },
    settings: &[
        (
            "threshold",
            "Herfindahl-Hirschman index (0-10,000) at or above which a buyer's category is flagged",
        ),
        (
            "minimum_awards",
            "fewest awards in a buyer's category for it to be assessed",
        ),
    ],
    page: include_str!("../../indicators/buyer_concentration.md"),
};

impl Definition for BuyerConcentration {
    type Settings = Settings;

    fn metadata(&self) -> &'static Metadata {
        &METADATA
    }

    fn compute(&self, tables: &Tables, settings: &Settings) -> PolarsResult<Plan> {
        // A buyer's market (its buyer, category and currency) and a supplier in it, each as one
        // integer to group and join on: three or four columns of numbered texts are encoded
        // by Polars row by row as bytes (the group-bys, the join and the `unique` on two
        // columns took about 500 of the indicator's 800 ms at 1,000,000 generated processes).
        // The kind of market (category and currency) is numbered among the rows, to pack with
        // the buyer's number.
        const KIND: &str = "kind";
        // Each awarded award's value, shared equally among its suppliers, each supplier once.
        let awards = tables.awards_of_buyers(
            col("amount")
                .gt(lit(0.0))
                .and(col("supplier_id").is_not_null()),
            tables.processes().select([
                col(PROCESS),
                col("buyer_id"),
                col("main_procurement_category")
                    .fill_null(lit("(none)"))
                    .alias("category"),
            ]),
        );
        let shares = each_award_supplier_once(awards, SUPPLIER_NUMBER)
            .with_columns([
                (col("amount") / col("suppliers_count").cast(DataType::Float64)).alias("part"),
                col(AWARD_KEY).alias("award"),
                packed(text_code("category"), code_or_missing("currency")).alias(KIND),
            ])
            .with_column(packed(numbered_code("buyer_id"), dense_code(KIND)).alias(MARKET))
            .with_column(market_supplier(MARKET))
            .select([
                col(MARKET),
                col(MARKET_SUPPLIER),
                col("buyer_id"),
                col("category"),
                col("currency"),
                col("supplier_id"),
                col("part"),
                col("award"),
            ]);
        let shares = in_market_order(shares, MARKET);
        let by_supplier = shares.clone().group_by([col(MARKET_SUPPLIER)]).agg([
            col(MARKET).first(),
            col("buyer_id").first(),
            col("category").first(),
            col("currency").first(),
            col("supplier_id").first(),
            col("part").sum().alias("supplier_value"),
        ]);
        let markets = shares.group_by([col(MARKET)]).agg([
            col("part").sum().alias("total"),
            col("award").n_unique().alias("awards"),
        ]);
        let organizations = by_supplier
            .join(
                markets,
                [col(MARKET)],
                [col(MARKET)],
                JoinArgs::new(JoinType::Inner),
            )
            .with_column((col("supplier_value") / col("total")).alias("share"))
            // Each market's suppliers by share (the largest first), then id; the markets are
            // sorted again, by their texts, once judged.
            .sort_by_exprs(
                [col(MARKET), col("share"), col("supplier_id")],
                SortMultipleOptions::default().with_order_descending_multi([false, true, false]),
            )
            .group_by_stable([col(MARKET)])
            .agg([
                col("buyer_id").first(),
                col("category").first(),
                col("currency").first(),
                (col("share") * lit(100.0)).pow(2).sum().alias("hhi"),
                col("awards").first(),
                // (Each supplier is one row of its market.)
                len().alias("suppliers"),
                col("supplier_id").first().alias("top"),
                col("share").first().alias("top_share"),
            ])
            .filter(
                col("awards")
                    .gt_eq(lit(settings.minimum_awards))
                    .and(col("hhi").gt_eq(lit(settings.threshold))),
            )
            .sort(
                ["buyer_id", "category", "currency"],
                SortMultipleOptions::default(),
            )
            .select([
                lit("buyer").alias(ROLE),
                col("buyer_id").alias(ORGANIZATION_ID),
                col("hhi")
                    .round(0, RoundMode::HalfAwayFromZero)
                    .alias(VALUE),
                col("hhi")
                    .round(0, RoundMode::HalfAwayFromZero)
                    .cast(DataType::Int64),
                col("category"),
                col("currency"),
                col("suppliers"),
                col("awards"),
                col("top"),
                col("top_share"),
            ]);
        Ok(LazyOutcome {
            processes: no_process_rows(tables),
            organizations,
            meta: Vec::new(),
        }
        .into())
    }
}
