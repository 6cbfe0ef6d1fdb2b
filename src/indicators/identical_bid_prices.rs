//! `identical_bid_prices` (OCP R028): different tenderers submitted bids with the same price.

use polars::prelude::*;

use super::support::{PROCESS_EXAMPLES, organizations_from, process_rows};
use super::{
    Batch, CARDINAL_SETTING, CardinalOnly, Definition, Group, InParts, LazyOutcome, Metadata,
    ORGANIZATION_ID, PROCESS, Phase, Plan,
};
use crate::domain::{
    BID_KEY, Tables, ascending, first_of_run, numbered_code, process_and_code, submitted_as,
};
use crate::evidence::{Evidence, Field, Kind};

/// The indicator.
pub struct IdenticalBidPrices;

static METADATA: Metadata = Metadata {
    slug: "identical_bid_prices",
    code: Some("R028"),
    title: "Identical bid prices",
    phase: Phase::Tender,
    group: Group::Price,
    weight: 0.50,
    family: "cover_bidding",
    lists_tenderers: true,
    batch: Batch::Bids,
    in_parts: InParts::Outcome,
    list: None,
    levels: &["process", "tenderer"],
    fields: &[
        "bids.details.status",
        "bids.details.value.amount",
        "bids.details.value.currency",
        "bids.details.tenderers.id",
        "tender.procurementMethodDetails",
    ],
    evidence: Evidence {
        process: &[
            Field::new("amount", Kind::Money("currency")),
            Field::new("currency", Kind::Text),
            Field::new("tenderers", Kind::List(", ")),
        ],
        organization: PROCESS_EXAMPLES,
    },
    settings: &[CARDINAL_SETTING],
    page: include_str!("../../indicators/identical_bid_prices.md"),
};

impl Definition for IdenticalBidPrices {
    type Settings = CardinalOnly;

    fn metadata(&self) -> &'static Metadata {
        &METADATA
    }

    fn compute(&self, tables: &Tables, settings: &CardinalOnly) -> PolarsResult<Plan> {
        // Submitted bids with a price and at least one identified tenderer, where prices may
        // be compared; Cardinal's code also needs a currency.
        let mut priced = submitted_as(settings.cardinal)
            .and(col("amount").is_not_null())
            .and(col("tenderers").is_not_null());
        if settings.cardinal {
            priced = priced.and(col("currency").is_not_null());
        }
        let bids = tables.comparable_bids(priced);
        // Only a process with two priced bids or more can be assessed (see `per_process`).
        // How many different tenderers bid each of its prices: the bids sorted by process
        // and currency (one packed integer), price and tenderer, each price's run of rows
        // numbered, and its distinct tenderers counted over the runs, which Polars takes as
        // slices of the sorted numbers. A window over the three keys held a hash table of
        // the groups, with a list of rows each, and was the bids batch's peak of memory at
        // 1,000,000 processes.
        const PRICE: &str = "__price";
        const RUN: &str = "__run";
        let price = [PRICE, "amount"];
        let bids = bids
            .filter(len().over([col(PROCESS)])?.gt(lit(1)))
            .select([
                col(PROCESS),
                col("bid_index"),
                col(BID_KEY),
                col("amount"),
                col("currency"),
                col("tenderers"),
                process_and_code("currency").alias(PRICE),
            ])
            .sort_by_exprs(
                [col(PRICE), col("amount"), numbered_code("tenderers")],
                SortMultipleOptions::default().with_maintain_order(true),
            )
            .with_columns([
                ascending(first_of_run(&price).cum_sum(false)).alias(RUN),
                first_of_run(&[PRICE, "amount", "tenderers"]).alias("__new_tenderer"),
            ])
            .with_column(
                col("__new_tenderer")
                    .cast(DataType::UInt32)
                    .sum()
                    .over([col(RUN)])?
                    .alias("sharing"),
            )
            .with_column(ascending(col(PROCESS)))
            .drop(cols([PRICE, RUN, "__new_tenderer"]))
            .cache();
        let identical = bids.clone().filter(col("sharing").gt(lit(1)));
        let per_process = bids
            .clone()
            .group_by_stable([col(PROCESS)])
            .agg([
                col("sharing").max().alias("sharing"),
                col("bid_index").count().alias("bids"),
            ])
            .filter(col("bids").gt(lit(1)))
            .join(
                identical
                    .clone()
                    .sort(
                        [PROCESS, "amount", "currency", "bid_index"],
                        SortMultipleOptions::default(),
                    )
                    .group_by_stable([col(PROCESS)])
                    .agg([
                        col("amount").first(),
                        col("currency").first(),
                        col("tenderers").unique_stable(),
                    ]),
                [col(PROCESS)],
                [col(PROCESS)],
                JoinArgs::new(JoinType::Left),
            );
        let evidence = ["amount", "currency", "tenderers"].map(col);
        let processes = process_rows(
            per_process,
            col("sharing").gt(lit(1)),
            when(col("sharing").gt(lit(1)))
                .then(lit(1.0))
                .otherwise(lit(0.0)),
            evidence,
        );
        let tenderers = identical
            .select([col(BID_KEY)])
            .join(
                tables.bids(),
                [col(BID_KEY)],
                [col(BID_KEY)],
                JoinArgs::new(JoinType::Inner),
            )
            .filter(col("tenderer_id").is_not_null())
            .select([col(PROCESS), col("tenderer_id").alias(ORGANIZATION_ID)]);
        let organizations = organizations_from(tables, tenderers, "tenderer");
        Ok(LazyOutcome {
            processes,
            organizations,
            meta: Vec::new(),
        }
        .into())
    }
}
