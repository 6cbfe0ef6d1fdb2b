//! `line_item_price` (OCP R017): a line item's unit price far above or below those of the
//! same kind of item in the same unit.

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use super::support::{first_of_each, outside_magnitude_fences, process_rows};
use super::{Batch, Definition, Group, InParts, LazyOutcome, Metadata, PROCESS, Phase, Plan};
use crate::domain::Tables;
use crate::evidence::{Evidence, Field, Kind};

/// The indicator.
pub struct LineItemPrice;

/// Its settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// How many leading characters of the item classification make a kind of item.
    pub digits: u32,
    /// The fewest prices of a kind of item, unit and currency for its fences.
    pub minimum_items: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            digits: 8,
            minimum_items: 20,
        }
    }
}

static METADATA: Metadata = Metadata {
    slug: "line_item_price",
    code: Some("R017"),
    title: "Unreasonably low or high line item",
    phase: Phase::Award,
    group: Group::Price,
    weight: 0.15,
    family: "price_outlier",
    lists_tenderers: false,
    batch: Batch::Other,
    in_parts: InParts::Whole,
    list: None,
    levels: &["process"],
    fields: &[
        "tender.items.classification",
        "awards.items.classification",
        "contracts.items.classification",
        "tender.items.unit.value",
        "awards.items.unit.value",
        "contracts.items.unit.value",
        "tender.items.unit.name",
    ],
    evidence: Evidence {
        process: &[
            Field::new("price", Kind::Money("currency")),
            Field::new("direction", Kind::Code(&["above", "below"])),
            Field::new("bound", Kind::Money("currency")),
            Field::new("median", Kind::Money("currency")),
            Field::or("unit", Kind::Text, "none"),
            Field::new("class", Kind::Text),
            Field::new("section", Kind::Code(&["tender", "award", "contract"])),
            Field::new("prices", Kind::Count),
            Field::new("currency", Kind::Text),
        ],
        organization: &[],
    },
    settings: &[
        (
            "digits",
            "leading characters of the item classification that make a kind of item",
        ),
        (
            "minimum_items",
            "fewest prices of a kind of item, unit and currency for its fences",
        ),
    ],
    page: include_str!("../../indicators/line_item_price.md"),
};

impl Definition for LineItemPrice {
    type Settings = Settings;

    fn metadata(&self) -> &'static Metadata {
        &METADATA
    }

    fn check(&self, settings: &Settings) -> Result<(), String> {
        if settings.digits < 1 {
            return Err("digits must be at least 1".to_owned());
        }
        if settings.minimum_items < 4 {
            return Err("minimum_items must be at least 4 (quartiles need them)".to_owned());
        }
        Ok(())
    }

    fn compute(&self, tables: &Tables, settings: &Settings) -> PolarsResult<Plan> {
        let digits = u64::from(settings.digits);
        let prices = tables
            .items()
            .filter(
                col("unit_amount")
                    .gt(lit(0.0))
                    .and(col("unit_currency").is_not_null()),
            )
            .select([
                col(PROCESS),
                col("section").cast(DataType::String),
                col("unit_amount").alias("price"),
                col("unit_currency")
                    .cast(DataType::String)
                    .alias("currency"),
                col("unit_name").cast(DataType::String).alias("unit"),
                concat_str(
                    [
                        col("classification_id")
                            .cast(DataType::String)
                            .str()
                            .slice(lit(0), lit(digits)),
                        col("scheme").cast(DataType::String).fill_null(lit("")),
                    ],
                    " ",
                    false,
                )
                .alias("class"),
            ])
            .with_columns([
                concat_str(
                    [
                        col("class"),
                        col("unit").fill_null(lit("")).str().to_lowercase(),
                        col("currency"),
                    ],
                    "\u{1f}",
                    false,
                )
                .alias("market"),
                col("price").log(lit(10.0)).alias("magnitude"),
                when(col("section").eq(lit("contract")))
                    .then(lit(0u32))
                    .when(col("section").eq(lit("award")))
                    .then(lit(1u32))
                    .otherwise(lit(2u32))
                    .alias("stage"),
            ])
            // The prices of the latest stage that has them: a contract's items, else the
            // awards', else the tender's (the same items, priced again, are counted once).
            .filter(col("stage").eq(col("stage").min().over([col(PROCESS)])?))
            .sort([PROCESS], SortMultipleOptions::default());
        let minimum = settings.minimum_items;
        Ok(Plan::staged([prices], move |[prices]| {
            judged(prices, minimum)
        }))
    }
}

/// The outcome from the unit prices: those outside the fences of the orders of magnitude of
/// their kind of item, unit and currency are flagged; a process is judged by its item furthest
/// from its market's median.
fn judged(prices: DataFrame, minimum_items: usize) -> PolarsResult<LazyOutcome> {
    let per_process = first_of_each(
        outside_magnitude_fences(prices, minimum_items)?,
        &[PROCESS],
        &["outlier", "distance"],
        &[true, true],
    )
    .sort([PROCESS], SortMultipleOptions::default());
    let evidence = [
        col("price"),
        col("direction"),
        col("bound"),
        col("typical").alias("median"),
        col("unit"),
        col("class"),
        col("section"),
        col("market_size").alias("prices"),
        col("currency"),
    ];
    let processes = process_rows(
        per_process,
        col("outlier"),
        col("price") / col("typical"),
        evidence,
    );
    LazyOutcome::processes_only(processes)
}
