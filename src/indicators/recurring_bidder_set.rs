//! `recurring_bidder_set`: the same set of tenderers meets again and again.

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use super::{
    Definition, Group, Metadata, OCID, Outcome, Phase, flagged_tenderers, process_rows,
    tenderer_sets,
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
    group: Group::Competition,
    weight: 0.10,
    family: "bidder_ring",
    lists_tenderers: true,
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
        let (tenderers, sets) = tenderer_sets(frames, settings.minimum_tenderers);
        let sets = sets.cache();
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
        let organizations = flagged_tenderers(
            tenderers,
            per_process,
            flagged,
            "bid within a recurring set of tenderers",
        )?;
        Ok(Outcome {
            processes,
            organizations,
            meta: Vec::new(),
        })
    }
}
