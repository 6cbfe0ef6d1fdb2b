//! `exact_percentage_apart`: a losing bid is an exact whole percentage away from the winning
//! bid.

use polars::prelude::*;

use super::support::process_rows;
use super::{Batch, Definition, Group, InParts, Metadata, NoSettings, PROCESS, Phase, Plan};
use crate::domain::{Tables, process_and_code, submitted};
use crate::evidence::{Evidence, Field, Kind};

/// The indicator.
pub struct ExactPercentageApart;

/// Column: a bid's process and currency in one integer, to pair each losing bid with the
/// winning bid in its currency (a missing currency with a missing one).
const PROCESS_CURRENCY: &str = "process_currency";

static METADATA: Metadata = Metadata {
    slug: "exact_percentage_apart",
    code: Some("R023"),
    title: "Losing bid an exact percentage from the winning bid",
    phase: Phase::Tender,
    group: Group::Price,
    weight: 0.40,
    family: "cover_bidding",
    lists_tenderers: false,
    batch: Batch::Bids,
    in_parts: InParts::Outcome,
    list: None,
    levels: &["process"],
    fields: &[
        "awards.status",
        "awards.suppliers.id",
        "bids.details.status",
        "bids.details.value",
        "bids.details.tenderers.id",
    ],
    evidence: Evidence {
        process: &[
            Field::new("amount", Kind::Money("currency")),
            Field::new("currency", Kind::Text),
            Field::new("loser", Kind::Text),
            Field::new("apart", Kind::Count),
            Field::new("direction", Kind::Code(&["above", "below"])),
            Field::new("winning_amount", Kind::Money("currency")),
        ],
        organization: &[],
    },
    settings: &[],
    page: include_str!("../../indicators/exact_percentage_apart.md"),
};

impl Definition for ExactPercentageApart {
    type Settings = NoSettings;

    fn metadata(&self) -> &'static Metadata {
        &METADATA
    }

    fn compute(&self, tables: &Tables, _: &NoSettings) -> PolarsResult<Plan> {
        // Amounts in integer minor units (hundredths), so that 110.00 is exactly 10% above
        // 100.00 whatever the floating point.
        let cents = (col("amount") * lit(100.0))
            .round(0, RoundMode::HalfAwayFromZero)
            .cast(DataType::Int64);
        let bids = tables
            .comparable_bids(
                submitted()
                    .and(col("amount").gt(lit(0.0)))
                    .and(col("tenderer_count").eq(lit(1))),
            )
            .join(
                tables.winners(),
                [col(PROCESS)],
                [col(PROCESS)],
                JoinArgs::new(JoinType::Inner),
            )
            .with_columns([
                cents.alias("cents"),
                process_and_code("currency").alias(PROCESS_CURRENCY),
            ])
            .cache();
        let winning = bids
            .clone()
            .filter(col("tenderers").eq(col("winner")))
            .select([
                col(PROCESS_CURRENCY),
                col("cents").alias("winning_cents"),
                col("amount").alias("winning_amount"),
            ]);
        let pairs = bids
            .filter(col("tenderers").neq(col("winner")))
            .select([
                col(PROCESS),
                col("currency"),
                col("tenderers").alias("loser"),
                col("cents"),
                col("amount"),
                col("bid_index"),
                col(PROCESS_CURRENCY),
            ])
            .join(
                winning,
                [col(PROCESS_CURRENCY)],
                [col(PROCESS_CURRENCY)],
                JoinArgs::new(JoinType::Inner),
            )
            .with_column((col("cents") - col("winning_cents")).alias("difference"))
            .with_column(
                (col("difference").abs() * lit(100i64) % col("winning_cents"))
                    .eq(lit(0i64))
                    .and(col("difference").neq(lit(0i64)))
                    .alias("exact"),
            )
            .with_column((col("difference") * lit(100i64) / col("winning_cents")).alias("percent"));
        let per_process = pairs
            .sort(
                [PROCESS, "exact", "bid_index"],
                SortMultipleOptions::default().with_order_descending_multi([false, true, false]),
            )
            .group_by_stable([col(PROCESS)])
            .agg([
                col("exact").first(),
                col("percent").first(),
                col("amount").first(),
                col("currency").first(),
                col("loser").first(),
                col("difference").first(),
                col("winning_amount").first(),
            ]);
        let processes = process_rows(
            per_process,
            col("exact"),
            when(col("exact"))
                .then(col("percent").abs())
                .otherwise(lit(NULL).cast(DataType::Int64)),
            [
                col("amount"),
                col("currency"),
                col("loser"),
                col("percent").abs().alias("apart"),
                when(col("difference").gt(lit(0i64)))
                    .then(lit("above"))
                    .otherwise(lit("below"))
                    .alias("direction"),
                col("winning_amount"),
            ],
        );
        Plan::processes_only(processes)
    }
}
