//! `recurring_bidder_set`: the same set of tenderers meets again and again.

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use super::{
    Definition, Metadata, OCID, ORGANIZATION_ID, Outcome, Phase, organizations_from, process_rows,
    submitted,
};
use crate::frames::Frames;

/// The indicator.
pub struct RecurringBidderSet;

/// Its settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// The fewest processes in which the same set of tenderers must meet.
    pub minimum_processes: u32,
    /// The fewest tenderers a set must have.
    pub minimum_tenderers: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            minimum_processes: 2,
            minimum_tenderers: 2,
        }
    }
}

static METADATA: Metadata = Metadata {
    slug: "recurring_bidder_set",
    code: None,
    title: "The same set of tenderers meets repeatedly",
    phase: Phase::Tender,
    levels: &["process", "tenderer"],
    fields: &["bids.details.status", "bids.details.tenderers.id"],
    settings: &[
        (
            "minimum_processes",
            "fewest processes in which the same set of tenderers must meet",
        ),
        ("minimum_tenderers", "fewest tenderers a set must have"),
    ],
    page: include_str!("../../indicators/recurring_bidder_set.md"),
};

impl Definition for RecurringBidderSet {
    type Settings = Settings;

    fn metadata(&self) -> &'static Metadata {
        &METADATA
    }

    fn compute(&self, frames: &Frames, settings: &Settings) -> PolarsResult<Outcome> {
        let tenderers = frames
            .bids
            .clone()
            .lazy()
            .filter(submitted().and(col("tenderer_id").is_not_null()))
            .select([col(OCID), col("tenderer_id")])
            .unique(None, UniqueKeepStrategy::First)
            .sort([OCID, "tenderer_id"], SortMultipleOptions::default())
            .cache();
        // Each process's set of tenderers, as sorted ids joined.
        let sets = tenderers
            .clone()
            .group_by_stable([col(OCID)])
            .agg([
                col("tenderer_id").count().alias("size"),
                col("tenderer_id").str().join(", ", true).alias("set"),
            ])
            .filter(col("size").gt_eq(lit(settings.minimum_tenderers)))
            .cache();
        let recurring = sets.clone().group_by([col("set")]).agg([
            col(OCID).count().alias("meetings"),
            col(OCID)
                .sort(SortOptions::default())
                .head(Some(6))
                .str()
                .join(", ", true)
                .alias("where"),
        ]);
        let per_process = sets.join(
            recurring,
            [col("set")],
            [col("set")],
            JoinArgs::new(JoinType::Left),
        );
        let flagged = col("meetings").gt_eq(lit(settings.minimum_processes));
        let evidence = concat_str(
            [
                lit("tenderers "),
                col("set"),
                lit(" bid together in "),
                col("meetings").cast(DataType::String),
                lit(" processes: "),
                col("where"),
                when(col("meetings").gt(lit(6)))
                    .then(lit(", ..."))
                    .otherwise(lit("")),
            ],
            "",
            false,
        );
        let per_process = per_process.cache();
        let processes = process_rows(
            per_process.clone(),
            flagged.clone(),
            col("meetings"),
            evidence,
        )?;
        let rows = tenderers
            .join(
                per_process.filter(flagged).select([col(OCID)]),
                [col(OCID)],
                [col(OCID)],
                JoinArgs::new(JoinType::Semi),
            )
            .select([col(OCID), col("tenderer_id").alias(ORGANIZATION_ID)]);
        let organizations =
            organizations_from(rows, "tenderer", "bid within a recurring set of tenderers")?;
        Ok(Outcome {
            processes,
            organizations,
            meta: Vec::new(),
        })
    }
}
