//! `shadow_bidder` (OCP R053): a tenderer that never wins, and loses mostly to one winner.

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use super::support::{first_of_each, process_rows};
use super::{
    Batch, Definition, Group, InParts, LazyOutcome, Metadata, ORGANIZATION_ID, PROCESS, Phase,
    Plan, ROLE, VALUE,
};
use crate::domain::{Tables, awarded};
use crate::evidence::{Evidence, Field, Kind};

/// The indicator.
pub struct ShadowBidder;

/// Its settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// The fewest processes a tenderer lost to the same winner for the pair to be flagged.
    pub minimum_processes: u32,
    /// The share (0–1) of a tenderer's lost processes won by that winner at or above which the
    /// pair is flagged.
    pub share: f64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            minimum_processes: 3,
            share: 0.8,
        }
    }
}

static METADATA: Metadata = Metadata {
    slug: "shadow_bidder",
    code: Some("R053"),
    title: "Co-bidding pair with the same recurrent winner",
    phase: Phase::Tender,
    group: Group::Competition,
    weight: 0.20,
    family: "cover_bidding",
    lists_tenderers: false,
    batch: Batch::Other,
    in_parts: InParts::Whole,
    list: None,
    levels: &["process", "tenderer"],
    fields: &[
        "bids.details.status",
        "bids.details.tenderers.id",
        "awards.status",
        "awards.suppliers.id",
    ],
    evidence: Evidence {
        process: &[
            Field::new("loser", Kind::Text),
            Field::new("winner", Kind::Text),
            Field::new("together", Kind::Count),
            Field::new("losses", Kind::Count),
        ],
        organization: &[
            Field::new("winner", Kind::Text),
            Field::new("together", Kind::Count),
            Field::new("losses", Kind::Count),
        ],
    },
    settings: &[
        (
            "minimum_processes",
            "fewest processes a tenderer lost to the same winner for the pair to be flagged",
        ),
        (
            "share",
            "share (0-1) of a tenderer's lost processes won by that winner at or above which it is flagged",
        ),
    ],
    page: include_str!("../../indicators/shadow_bidder.md"),
};

impl Definition for ShadowBidder {
    type Settings = Settings;

    fn metadata(&self) -> &'static Metadata {
        &METADATA
    }

    fn check(&self, settings: &Settings) -> Result<(), String> {
        if settings.minimum_processes < 2 {
            return Err("minimum_processes must be at least 2".to_owned());
        }
        if !(settings.share > 0.0 && settings.share <= 1.0) {
            return Err("share must be above 0 and at most 1".to_owned());
        }
        Ok(())
    }

    fn compute(&self, tables: &Tables, settings: &Settings) -> PolarsResult<Plan> {
        let (tenderers, _) = tables.tenderer_sets(2);
        let ever_won = tables
            .awards()
            .filter(awarded().and(col("supplier_id").is_not_null()))
            .select([col("supplier_id").alias("tenderer_id")]);
        // The processes with one winner that a tenderer who never won anywhere bid in.
        let lost = tenderers
            .join(
                tables.winners(),
                [col(PROCESS)],
                [col(PROCESS)],
                JoinArgs::new(JoinType::Inner),
            )
            .filter(col("tenderer_id").neq(col("winner")))
            .join(
                ever_won,
                [col("tenderer_id")],
                [col("tenderer_id")],
                JoinArgs::new(JoinType::Anti),
            )
            .cache();
        let minimum = settings.minimum_processes;
        let pairs = lost
            .clone()
            .group_by([col("tenderer_id"), col("winner")])
            .agg([len().alias("together")])
            .with_column(
                col("together")
                    .sum()
                    .over([col("tenderer_id")])?
                    .alias("losses"),
            )
            .filter(col("losses").gt_eq(lit(minimum)))
            .with_column(
                (col("together").cast(DataType::Float64) / col("losses").cast(DataType::Float64))
                    .alias("share"),
            )
            .with_column(
                col("together")
                    .gt_eq(lit(minimum))
                    .and(col("share").gt_eq(lit(settings.share)))
                    .alias("shadow"),
            )
            .cache();
        let pair = [col("tenderer_id"), col("winner")];
        let measured = lost.join(
            pairs.clone(),
            pair.to_vec(),
            pair.to_vec(),
            JoinArgs::new(JoinType::Inner),
        );
        // Each process by its loser the most tied to the winner.
        let per_process = first_of_each(
            measured,
            &[PROCESS],
            &["shadow", "share", "tenderer_id"],
            &[true, true, false],
        )
        .sort([PROCESS], SortMultipleOptions::default());
        let processes = process_rows(
            per_process,
            col("shadow"),
            col("share"),
            [
                col("tenderer_id").alias("loser"),
                col("winner"),
                col("together"),
                col("losses"),
            ],
        );
        let organizations = pairs
            .filter(col("shadow"))
            .sort(["tenderer_id", "winner"], SortMultipleOptions::default())
            .select([
                lit("tenderer").alias(ROLE),
                col("tenderer_id").alias(ORGANIZATION_ID),
                col("share").alias(VALUE),
                col("winner"),
                col("together"),
                col("losses"),
            ]);
        Ok(LazyOutcome {
            processes,
            organizations,
            meta: Vec::new(),
        }
        .into())
    }
}
