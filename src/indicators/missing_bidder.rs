//! `missing_bidder` (OCP R027): a company that bid in most of a buyer's tenders for a kind of
//! item stops bidding.

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use super::support::{first_of_each, process_rows};
use super::{Batch, Definition, Group, InParts, Metadata, PROCESS, Phase, Plan};
use crate::domain::{
    Tables, dense_code, grouped_in_order, numbered_code, packed, text_code, with_process,
};
use crate::evidence::{Evidence, Field, Kind};

/// The indicator.
pub struct MissingBidder;

/// Its settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// How many leading characters of the item classification make a kind of item.
    pub digits: u32,
    /// The fewest of the buyer's tenders for the kind of item a regular bidder bid in.
    pub minimum_processes: u32,
    /// The share (0–1) of the buyer's tenders for the kind of item, up to its last bid, that a
    /// regular bidder bid in.
    pub share: f64,
    /// How many of the buyer's next tenders for the kind of item, after a regular bidder's last
    /// bid, are flagged.
    pub following: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            digits: 4,
            minimum_processes: 4,
            share: 0.75,
            following: 3,
        }
    }
}

static METADATA: Metadata = Metadata {
    slug: "missing_bidder",
    code: Some("R027"),
    title: "Missing bidders",
    phase: Phase::Tender,
    group: Group::Competition,
    weight: 0.15,
    family: "bidder_ring",
    lists_tenderers: false,
    batch: Batch::Other,
    in_parts: InParts::Whole,
    list: None,
    levels: &["process"],
    fields: &[
        "bids.details.tenderers.id",
        "bids.details.status",
        "buyer.id",
        "tender.items.classification",
        "tender.tenderPeriod.startDate",
    ],
    evidence: Evidence {
        process: &[
            Field::new("bidder", Kind::Text),
            Field::new("bid_in", Kind::Count),
            Field::new("before", Kind::Count),
            Field::new("last_ocid", Kind::Text),
            Field::new("class", Kind::Text),
            Field::new("buyer", Kind::Text),
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
            "fewest of the buyer's tenders for the kind of item a regular bidder bid in",
        ),
        (
            "share",
            "share (0-1) of the buyer's tenders for the kind of item, up to its last bid, a regular bidder bid in",
        ),
        (
            "following",
            "how many of the buyer's next tenders for the kind of item after a regular bidder's last bid are flagged",
        ),
    ],
    page: include_str!("../../indicators/missing_bidder.md"),
};

impl Definition for MissingBidder {
    type Settings = Settings;

    fn metadata(&self) -> &'static Metadata {
        &METADATA
    }

    fn check(&self, settings: &Settings) -> Result<(), String> {
        if settings.digits < 1 || settings.minimum_processes < 2 || settings.following < 1 {
            return Err(
                "digits and following must be at least 1, minimum_processes at least 2".to_owned(),
            );
        }
        if !(settings.share > 0.0 && settings.share <= 1.0) {
            return Err("share must be above 0 and at most 1".to_owned());
        }
        Ok(())
    }

    fn compute(&self, tables: &Tables, settings: &Settings) -> PolarsResult<Plan> {
        let (tenderers, _) = tables.tenderer_sets(1);
        // A buyer and a kind of item as one integer, to group and join on.
        let market = [col("market")];
        // The buyer's tenders for each kind of item that had bids, numbered in date order.
        let tenders = tables
            .processes()
            .filter(col("buyer_id").is_not_null())
            .select([
                col(PROCESS),
                col("buyer_id"),
                col("tender_start").fill_null(col("date")).alias("when"),
            ])
            .filter(col("when").is_not_null())
            .join(
                tables.process_classes(settings.digits),
                [col(PROCESS)],
                [col(PROCESS)],
                JoinArgs::new(JoinType::Inner),
            )
            // (A semi join keeps each row once, however often the other side holds its key:
            // the tenderers' processes need no `unique`, which took 151 of the indicator's
            // 1,401 ms at 1,000,000 generated processes.)
            .join(
                tenderers.clone().select([col(PROCESS)]),
                [col(PROCESS)],
                [col(PROCESS)],
                JoinArgs::new(JoinType::Semi),
            )
            .with_column(packed(numbered_code("buyer_id"), text_code("class")).alias("market"))
            // The market's number among the markets, below 2^32: to pack with a tenderer's.
            .with_column(dense_code("market").alias("market_number"))
            .sort(["when", PROCESS], SortMultipleOptions::default())
            .with_column(
                (col(PROCESS).cum_count(false).over(market.clone())?)
                    .cast(DataType::Int64)
                    .alias("rank"),
            )
            .cache();
        // Each tenderer's tenders at a buyer for a kind of item: how many, and its last.
        let regulars = grouped_in_order(
            tenderers
                .clone()
                .join(
                    tenders.clone(),
                    [col(PROCESS)],
                    [col(PROCESS)],
                    JoinArgs::new(JoinType::Inner),
                )
                // A market and a tenderer as one integer to group on.
                .with_column(
                    packed(col("market_number"), numbered_code("tenderer_id"))
                        .alias("market_bidder"),
                ),
            "market_bidder",
        )
        .agg([
            col("market").first(),
            col("market_number").first(),
            col("tenderer_id").first(),
            len().cast(DataType::Int64).alias("bid_in"),
            col("rank").max().alias("last_rank"),
        ])
        .filter(
            col("bid_in")
                .gt_eq(lit(i64::from(settings.minimum_processes)))
                .and(
                    col("bid_in")
                        .cast(DataType::Float64)
                        .gt_eq(lit(settings.share) * col("last_rank").cast(DataType::Float64)),
                ),
        )
        // The process of the regular's last bid: the tender of its last rank, joined on
        // the market's number and the rank as one integer (on the two columns, Polars
        // encodes each row's keys as bytes: 5 -> 109 ms from 100,000 to 1,000,000
        // generated processes).
        .with_column(market_rank(col("last_rank")))
        .join(
            tenders
                .clone()
                .select([market_rank(col("rank")), col(PROCESS).alias("last_process")]),
            [col("market_rank")],
            [col("market_rank")],
            JoinArgs::new(JoinType::Left),
        )
        .drop(cols(["market_number", "market_rank"]))
        .join(
            tables.ocids().select([
                col(PROCESS).alias("last_process"),
                col(crate::indicators::OCID).alias("last_ocid"),
            ]),
            [col("last_process")],
            [col("last_process")],
            JoinArgs::new(JoinType::Left),
        );
        // The buyer's tenders for the kind of item after a regular's last bid, without it.
        let following = i64::from(settings.following);
        let measured = tenders
            .join(
                regulars,
                market.to_vec(),
                market.to_vec(),
                JoinArgs::new(JoinType::Inner),
            )
            .with_column(bid_of("tenderer_id"))
            .join(
                tenderers.select([bid_of("tenderer_id"), lit(true).alias("present")]),
                [col("process_bidder")],
                [col("process_bidder")],
                JoinArgs::new(JoinType::Left),
            )
            .with_column(
                col("rank")
                    .gt(col("last_rank"))
                    .and(col("rank").lt_eq(col("last_rank") + lit(following)))
                    .and(col("present").is_null())
                    .alias("missing"),
            );
        // Each process by its most regular missing bidder.
        let per_process = first_of_each(
            measured,
            &[PROCESS],
            &["missing", "bid_in", "tenderer_id"],
            &[true, true, false],
        )
        .sort([PROCESS], SortMultipleOptions::default());
        let processes = process_rows(
            per_process,
            col("missing"),
            col("missing").cast(DataType::Float64),
            [
                col("tenderer_id").alias("bidder"),
                col("bid_in"),
                col("last_rank").alias("before"),
                col("last_ocid"),
                col("class"),
                col("buyer_id").alias("buyer"),
            ],
        );
        Plan::processes_only(processes)
    }
}

/// A market's number (`market_number`, below 2^32) and a rank in it as one integer,
/// `market_rank`.
fn market_rank(rank: Expr) -> Expr {
    packed(col("market_number"), rank.cast(DataType::UInt64)).alias("market_rank")
}

/// A process and a tenderer (the numbered column `tenderer`) as one integer, `process_bidder`:
/// to join a process's regular bidders to its tenderers on one column.
fn bid_of(tenderer: &str) -> Expr {
    with_process(numbered_code(tenderer)).alias("process_bidder")
}
