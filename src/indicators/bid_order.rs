//! `bid_order` (OCP R034): the same tenderers submit their bids in the same order, tender
//! after tender.

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use super::support::process_rows;
use super::{Batch, Definition, Group, InParts, LazyOutcome, Metadata, PROCESS, Phase, Plan};
use crate::domain::{SET_CODE, Tables, submitted};
use crate::evidence::{Evidence, Field, Kind};

/// The indicator.
pub struct BidOrder;

/// Its settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// The fewest tenderers of a process for its order to be compared.
    pub minimum_tenderers: u32,
    /// The chance (0–1) below which meeting in the same order every time is flagged.
    pub significance: f64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            minimum_tenderers: 3,
            significance: 0.05,
        }
    }
}

static METADATA: Metadata = Metadata {
    slug: "bid_order",
    code: Some("R034"),
    title: "Bids submitted in the same order",
    phase: Phase::Tender,
    group: Group::Competition,
    weight: 0.20,
    family: "bidder_ring",
    lists_tenderers: false,
    batch: Batch::TendererSets,
    // Whole: its inputs keep only the processes whose set of tenderers meets again, which a
    // part of the processes cannot tell (a set meeting once in each of two parts).
    in_parts: InParts::Whole,
    list: None,
    levels: &["process"],
    fields: &[
        "bids.details.status",
        "bids.details.date",
        "bids.details.tenderers.id",
    ],
    evidence: Evidence {
        process: &[
            Field::new("order", Kind::Text),
            Field::new("meetings", Kind::Count),
            Field::new("chance", Kind::Probability),
        ],
        organization: &[],
    },
    settings: &[
        (
            "minimum_tenderers",
            "fewest tenderers of a process for its order to be compared",
        ),
        (
            "significance",
            "chance (0-1) below which meeting in the same order every time is flagged",
        ),
    ],
    page: include_str!("../../indicators/bid_order.md"),
};

impl Definition for BidOrder {
    type Settings = Settings;

    fn metadata(&self) -> &'static Metadata {
        &METADATA
    }

    fn check(&self, settings: &Settings) -> Result<(), String> {
        if settings.minimum_tenderers < 2 {
            return Err("minimum_tenderers must be at least 2 (an order needs two)".to_owned());
        }
        if !(settings.significance > 0.0 && settings.significance < 1.0) {
            return Err("significance must be above 0 and below 1".to_owned());
        }
        Ok(())
    }

    fn compute(&self, tables: &Tables, settings: &Settings) -> PolarsResult<Plan> {
        // Only the processes whose set of tenderers meets in another process can repeat an
        // order: the sets are counted first, and the orders made for those processes alone.
        let (_, sets) = tables.tenderer_sets(settings.minimum_tenderers);
        let meeting_again = sets
            .clone()
            .group_by([col(SET_CODE)])
            .agg([len().alias("meetings")])
            .filter(col("meetings").gt(lit(1)));
        let candidates = sets
            .join(
                meeting_again,
                [col(SET_CODE)],
                [col(SET_CODE)],
                JoinArgs::new(JoinType::Semi),
            )
            .select([col(PROCESS), col("set"), col("size")]);
        let tenderer = || col("tenderer_id").cast(DataType::String);
        // Each process's bids from one tenderer each, all dated, in the order submitted (a
        // bid of several tenderers has a row for each, on the same date: a tie).
        let orders = tables
            .bids()
            .filter(
                submitted()
                    .and(col("tenderer_id").is_not_null())
                    .and(col("date").is_not_null()),
            )
            .join(
                candidates.clone(),
                [col(PROCESS)],
                [col(PROCESS)],
                JoinArgs::new(JoinType::Semi),
            )
            .group_by([col(PROCESS)])
            .agg([
                len().alias("bids"),
                col("tenderer_id").n_unique().alias("distinct"),
                col("date").n_unique().alias("dates"),
                tenderer()
                    .sort_by([col("date")], SortMultipleOptions::default())
                    .str()
                    .join(" > ", false)
                    .alias("order"),
            ])
            // Ties and a tenderer's several bids leave the order undefined.
            .filter(
                col("distinct")
                    .eq(col("bids"))
                    .and(col("dates").eq(col("bids"))),
            )
            .join(
                candidates,
                [col(PROCESS)],
                [col(PROCESS)],
                JoinArgs::new(JoinType::Inner),
            )
            // Every tenderer of the set has its dated bid.
            .filter(
                col("bids")
                    .cast(DataType::UInt32)
                    .eq(col("size").cast(DataType::UInt32)),
            )
            .select([col(PROCESS), col("bids"), col("order"), col("set")])
            .sort([PROCESS], SortMultipleOptions::default());
        let significance = settings.significance;
        Ok(Plan::staged([orders], move |[orders]| {
            judged(orders, significance)
        }))
    }
}

/// The outcome from each process's order of submission (`process`, `bids`, `order`, `set`):
/// a set of tenderers that met more than once, always in the same order, is flagged when the
/// chance of that order repeating, `(1 / r!)^(meetings − 1)` for `r` tenderers submitting in
/// an order that chance alone decides, is at most `significance`.
fn judged(orders: DataFrame, significance: f64) -> PolarsResult<LazyOutcome> {
    let counted = orders
        .lazy()
        .with_columns([
            len().over([col("set")])?.alias("meetings"),
            len().over([col("order")])?.alias("in_order"),
        ])
        .collect()?;
    let chance: Float64Chunked = counted
        .column("bids")?
        .cast(&DataType::Float64)?
        .f64()?
        .iter()
        .zip(
            counted
                .column("meetings")?
                .cast(&DataType::Float64)?
                .f64()?
                .iter(),
        )
        .map(|(bids, meetings)| {
            let (bids, meetings) = (bids?, meetings?);
            let orders: f64 = (2..=bids as u64).map(|k| k as f64).product();
            Some(orders.powf(-(meetings - 1.0)))
        })
        .collect();
    let mut counted = counted;
    counted.with_column(chance.with_name("chance".into()).into_column())?;
    let counted = counted.lazy();
    let processes = process_rows(
        counted,
        col("meetings")
            .gt(lit(1))
            .and(col("in_order").eq(col("meetings")))
            .and(col("chance").lt_eq(lit(significance))),
        col("meetings"),
        [col("order"), col("meetings"), col("chance")],
    );
    LazyOutcome::processes_only(processes)
}
