//! `lowest_bid_disqualified` (OCP R036): the lowest submitted bid was disqualified.

use polars::prelude::*;

use super::support::process_rows;
use super::{Batch, Definition, Group, InParts, Metadata, PROCESS, Phase, Plan};
use crate::domain::{Tables, code_is, submitted_as};
use crate::evidence::{Evidence, Field, Kind};

/// The indicator.
pub struct LowestBidDisqualified;

/// Its settings.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// Compare only bids in this currency (Cardinal's main currency); unset: a process's bids
    /// are compared when they are all in one currency.
    pub currency: Option<String>,
    /// Follow Cardinal's code (set by `redflags cardinal`): a bid with any status but
    /// `invited` or `withdrawn` is submitted.
    pub cardinal: bool,
}

static METADATA: Metadata = Metadata {
    slug: "lowest_bid_disqualified",
    code: Some("R036"),
    title: "Lowest bid disqualified",
    phase: Phase::Award,
    group: Group::Competition,
    weight: 0.50,
    family: "disqualification",
    lists_tenderers: false,
    batch: Batch::Bids,
    in_parts: InParts::Outcome,
    list: None,
    levels: &["process"],
    fields: &[
        "bids.details.status",
        "bids.details.value.amount",
        "bids.details.value.currency",
        "awards.status",
        "tender.procurementMethodDetails",
    ],
    evidence: Evidence {
        process: &[
            Field::new("lowest", Kind::Money("currency")),
            Field::new("currency", Kind::Text),
            Field::or("bid_id", Kind::Text, "without_id"),
            Field::new("lowest_valid", Kind::Money("currency")),
        ],
        organization: &[],
    },
    settings: &[
        (
            "currency",
            "compare only bids in this currency (unset: processes whose bids are in one currency)",
        ),
        super::CARDINAL_SETTING,
    ],
    page: include_str!("../../indicators/lowest_bid_disqualified.md"),
};

impl Definition for LowestBidDisqualified {
    type Settings = Settings;

    fn metadata(&self) -> &'static Metadata {
        &METADATA
    }

    fn compute(&self, tables: &Tables, settings: &Settings) -> PolarsResult<Plan> {
        let with_active_award = tables
            .awards()
            .filter(code_is("status", "active"))
            .select([col(PROCESS)])
            .unique_stable(None, UniqueKeepStrategy::First);
        let mut priced = submitted_as(settings.cardinal).and(col("amount").is_not_null());
        if let Some(currency) = &settings.currency {
            priced = priced.and(col("currency").eq(lit(currency.as_str())));
        }
        let bids = tables.comparable_bids(priced).join(
            with_active_award,
            [col(PROCESS)],
            [col(PROCESS)],
            JoinArgs::new(JoinType::Semi),
        );
        // Per process, in one currency only, with a valid bid that has a price: the first
        // bid (in the publisher's order) at the lowest price.
        let per_process = bids
            .sort(
                [PROCESS, "amount", "bid_index"],
                SortMultipleOptions::default(),
            )
            .group_by_stable([col(PROCESS)])
            .agg([
                col("currency").n_unique().alias("currencies"),
                col("status").eq(lit("valid")).any(true).alias("has_valid"),
                col("status").first().alias("lowest_status"),
                col("amount").first().alias("lowest"),
                col("currency").first().alias("currency"),
                col("bid_id").first().alias("bid_id"),
                col("amount")
                    .filter(col("status").eq(lit("valid")))
                    .first()
                    .alias("lowest_valid"),
            ])
            .filter(col("currencies").eq(lit(1)).and(col("has_valid")));
        let evidence = ["lowest", "currency", "bid_id", "lowest_valid"].map(col);
        let flag = col("lowest_status").eq(lit("disqualified"));
        let processes = process_rows(
            per_process,
            flag.clone(),
            when(flag).then(lit(1.0)).otherwise(lit(0.0)),
            evidence,
        );
        Plan::processes_only(processes)
    }
}
