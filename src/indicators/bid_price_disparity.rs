//! `bid_price_disparity` (OCP R022): the submitted bids of a process are unusually far apart.

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use super::support::{first_of_each, process_rows, with_group_fences};
use super::{Batch, Definition, Group, InParts, LazyOutcome, Metadata, PROCESS, Phase, Plan};
use crate::domain::{Tables, process_and_code, submitted};
use crate::evidence::{Evidence, Field, Kind};

/// The indicator.
pub struct BidPriceDisparity;

/// Its settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// The fewest bids in one currency for a process to be measured.
    pub minimum_bids: u32,
    /// The fewest measured processes for the upper fence to be computed.
    pub minimum_processes: usize,
    /// Flag coefficients of variation at or above this instead of the upper fence.
    pub threshold: Option<f64>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            minimum_bids: 3,
            minimum_processes: 20,
            threshold: None,
        }
    }
}

static METADATA: Metadata = Metadata {
    slug: "bid_price_disparity",
    code: Some("R022"),
    title: "Wide disparity in bid prices",
    phase: Phase::Tender,
    group: Group::Price,
    weight: 0.10,
    family: "bid_spread",
    lists_tenderers: false,
    batch: Batch::Bids,
    in_parts: InParts::Inputs,
    list: None,
    levels: &["process"],
    fields: &[
        "bids.details.status",
        "bids.details.value",
        "bids.details.tenderers.id",
    ],
    evidence: Evidence {
        process: &[
            Field::new("bids", Kind::Count),
            Field::new("lowest", Kind::Money("currency")),
            Field::new("highest", Kind::Money("currency")),
            Field::or("currency", Kind::Text, "no_currency"),
            Field::new("variation", Kind::Fixed(2)),
            Field::new("fence", Kind::Fixed(2)),
        ],
        organization: &[],
    },
    settings: &[
        (
            "minimum_bids",
            "fewest submitted bids in one currency for a process to be measured",
        ),
        (
            "minimum_processes",
            "fewest measured processes for the upper fence to be computed",
        ),
        (
            "threshold",
            "flag coefficients of variation at or above this (e.g. 0.5) instead of the upper fence",
        ),
    ],
    page: include_str!("../../indicators/bid_price_disparity.md"),
};

impl Definition for BidPriceDisparity {
    type Settings = Settings;

    fn metadata(&self) -> &'static Metadata {
        &METADATA
    }

    fn check(&self, settings: &Settings) -> Result<(), String> {
        if settings.minimum_bids < 2 {
            return Err("minimum_bids must be at least 2 (a spread needs two prices)".to_owned());
        }
        if settings.minimum_processes < 4 {
            return Err("minimum_processes must be at least 4 (quartiles need them)".to_owned());
        }
        match settings.threshold {
            Some(threshold) if !(threshold.is_finite() && threshold > 0.0) => {
                Err("threshold must be a number above 0".to_owned())
            }
            _ => Ok(()),
        }
    }

    fn compute(&self, tables: &Tables, settings: &Settings) -> PolarsResult<Plan> {
        let by_currency = tables
            .comparable_bids(submitted().and(col("amount").gt(lit(0.0))))
            .with_column(process_and_code("currency").alias("process_currency"))
            .group_by([col("process_currency")])
            .agg([
                col(PROCESS).first(),
                col("currency").first(),
                col("amount").count().alias("bids"),
                col("amount").min().alias("lowest"),
                col("amount").max().alias("highest"),
                (col("amount").std(1) / col("amount").mean()).alias("variation"),
            ])
            .filter(col("bids").gt_eq(lit(settings.minimum_bids)));
        // A process with bids in several currencies is measured by its widest spread.
        let measured = first_of_each(by_currency, &[PROCESS], &["variation"], &[true])
            .with_column(lit("").alias("all"))
            .sort([PROCESS], SortMultipleOptions::default());
        let (minimum, threshold) = (settings.minimum_processes, settings.threshold);
        Ok(Plan::staged([measured], move |[measured]| {
            judged(measured, minimum, threshold)
        }))
    }
}

/// The outcome from the measured processes: flagged at or above `threshold`, else above the
/// upper fence of all of them.
fn judged(
    measured: DataFrame,
    minimum_processes: usize,
    threshold: Option<f64>,
) -> PolarsResult<LazyOutcome> {
    let with_fence = with_group_fences(measured, "all", "variation", minimum_processes)?;
    let (wide, fence) = match threshold {
        Some(threshold) => (col("variation").gt_eq(lit(threshold)), lit(threshold)),
        None => (col("variation").gt(col("upper_fence")), col("upper_fence")),
    };
    let evidence = [
        col("bids"),
        col("lowest"),
        col("highest"),
        col("currency"),
        col("variation"),
        fence.alias("fence"),
    ];
    let processes = process_rows(with_fence, wide, col("variation"), evidence);
    LazyOutcome::processes_only(processes)
}
