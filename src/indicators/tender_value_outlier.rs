//! `tender_value_outlier` (OCP R016): a tender's estimated value far above or below those of
//! the same kind of item.

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use super::support::{outside_magnitude_fences, process_rows};
use super::{Batch, Definition, Group, InParts, LazyOutcome, Metadata, PROCESS, Phase, Plan};
use crate::domain::Tables;
use crate::evidence::{Evidence, Field, Kind};

/// The indicator.
pub struct TenderValueOutlier;

/// Its settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// How many leading characters of the item classification make a kind of item.
    pub digits: u32,
    /// The fewest processes of a kind of item, currency and method for its fences.
    pub minimum_processes: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            digits: 4,
            minimum_processes: 20,
        }
    }
}

static METADATA: Metadata = Metadata {
    slug: "tender_value_outlier",
    code: Some("R016"),
    title: "Tender value far from others for the same kind of item",
    phase: Phase::Tender,
    group: Group::Price,
    weight: 0.10,
    family: "price_outlier",
    lists_tenderers: false,
    batch: Batch::Other,
    in_parts: InParts::Whole,
    list: None,
    levels: &["process"],
    fields: &[
        "tender.value",
        "tender.items.classification",
        "awards.items.classification",
        "tender.procurementMethod",
    ],
    evidence: Evidence {
        process: &[
            Field::new("amount", Kind::Money("currency")),
            Field::new("currency", Kind::Text),
            Field::new("direction", Kind::Code(&["above", "below"])),
            Field::new("bound", Kind::Money("currency")),
            Field::new("median", Kind::Money("currency")),
            Field::new("class", Kind::Text),
            Field::or("method", Kind::Text, "none"),
            Field::new("processes", Kind::Count),
        ],
        organization: &[],
    },
    settings: &[
        (
            "digits",
            "leading characters of the item classification that make a kind of item",
        ),
        (
            "minimum_processes",
            "fewest processes of a kind of item, currency and method for its fences",
        ),
    ],
    page: include_str!("../../indicators/tender_value_outlier.md"),
};

impl Definition for TenderValueOutlier {
    type Settings = Settings;

    fn metadata(&self) -> &'static Metadata {
        &METADATA
    }

    fn check(&self, settings: &Settings) -> Result<(), String> {
        if settings.digits < 1 {
            return Err("digits must be at least 1".to_owned());
        }
        if settings.minimum_processes < 4 {
            return Err("minimum_processes must be at least 4 (quartiles need them)".to_owned());
        }
        Ok(())
    }

    fn compute(&self, tables: &Tables, settings: &Settings) -> PolarsResult<Plan> {
        let measured = tables
            .processes()
            .filter(
                col("tender_amount")
                    .gt(lit(0.0))
                    .and(col("tender_currency").is_not_null()),
            )
            .select([
                col(PROCESS),
                col("tender_amount").alias("amount"),
                col("tender_currency")
                    .cast(DataType::String)
                    .alias("currency"),
                col("procurement_method")
                    .cast(DataType::String)
                    .alias("method"),
            ])
            .join(
                tables.process_classes(settings.digits),
                [col(PROCESS)],
                [col(PROCESS)],
                JoinArgs::new(JoinType::Inner),
            )
            .with_columns([
                concat_str(
                    [
                        col("class"),
                        col("currency"),
                        col("method").fill_null(lit("")),
                    ],
                    "\u{1f}",
                    false,
                )
                .alias("market"),
                col("amount").log(lit(10.0)).alias("magnitude"),
            ])
            .sort([PROCESS], SortMultipleOptions::default());
        let minimum = settings.minimum_processes;
        Ok(Plan::staged([measured], move |[measured]| {
            judged(measured, minimum)
        }))
    }
}

/// The outcome from the measured processes: those outside the fences of their market's
/// magnitudes (log10 of the amounts) are flagged.
fn judged(measured: DataFrame, minimum_processes: usize) -> PolarsResult<LazyOutcome> {
    let joined = outside_magnitude_fences(measured, minimum_processes)?;
    let evidence = [
        col("amount"),
        col("currency"),
        col("direction"),
        col("bound"),
        col("typical").alias("median"),
        col("class"),
        col("method"),
        col("market_size").alias("processes"),
    ];
    let processes = process_rows(
        joined,
        col("outlier"),
        col("amount") / col("typical"),
        evidence,
    );
    LazyOutcome::processes_only(processes)
}
