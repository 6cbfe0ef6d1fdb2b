//! `all_except_winner_disqualified` (OCP R035): every bid but the winner's was disqualified.

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use super::support::{PROCESS_EXAMPLES, organizations_from, process_rows};
use super::{
    Batch, Definition, Group, InParts, LazyOutcome, Metadata, ORGANIZATION_ID, PROCESS, Phase, Plan,
};
use crate::domain::{Tables, code_is, sorted_distinct};
use crate::evidence::{Evidence, Field, Kind};

/// The indicator.
pub struct AllExceptWinnerDisqualified;

/// Its settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// The fewest other tenderers with disqualified bids for the process to be flagged.
    pub threshold: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Settings { threshold: 1 }
    }
}

static METADATA: Metadata = Metadata {
    slug: "all_except_winner_disqualified",
    code: Some("R035"),
    title: "All except winning bid disqualified",
    phase: Phase::Award,
    group: Group::Competition,
    weight: 0.50,
    family: "disqualification",
    lists_tenderers: true,
    batch: Batch::Other,
    in_parts: InParts::Outcome,
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
            Field::new("valid", Kind::Text),
            Field::new("others", Kind::Count),
            Field::new("names", Kind::List(", ")),
        ],
        organization: PROCESS_EXAMPLES,
    },
    settings: &[(
        "threshold",
        "fewest other tenderers with disqualified bids for a flag",
    )],
    page: include_str!("../../indicators/all_except_winner_disqualified.md"),
};

impl Definition for AllExceptWinnerDisqualified {
    type Settings = Settings;

    fn metadata(&self) -> &'static Metadata {
        &METADATA
    }

    fn compute(&self, tables: &Tables, settings: &Settings) -> PolarsResult<Plan> {
        // Plain aggregations over pre-filtered tables (filters inside aggregations are slow).
        // The active awards' suppliers: exactly one distinct id is needed.
        let suppliers = tables
            .active_awards_if_final()
            .group_by([col(PROCESS)])
            .agg([
                col("supplier_id")
                    .drop_nulls()
                    .n_unique()
                    .alias("supplier_count"),
                col("supplier_id").min().alias("supplier"),
            ]);
        let bids = tables
            .bids()
            .filter(col("tenderer_id").is_not_null())
            .select([col(PROCESS), col("status"), col("tenderer_id")]);
        let valid = bids
            .clone()
            .filter(code_is("status", "valid"))
            .group_by([col(PROCESS)])
            .agg([
                col("tenderer_id").n_unique().alias("valid_count"),
                col("tenderer_id").min().alias("valid"),
            ]);
        let per_process = valid
            .join(
                suppliers,
                [col(PROCESS)],
                [col(PROCESS)],
                JoinArgs::new(JoinType::Inner),
            )
            .cache();
        let others = bids
            .filter(code_is("status", "disqualified"))
            .join(
                per_process.clone().select([col(PROCESS), col("valid")]),
                [col(PROCESS)],
                [col(PROCESS)],
                JoinArgs::new(JoinType::Inner),
            )
            .filter(col("tenderer_id").neq(col("valid")))
            .select([col(PROCESS), col("tenderer_id")]);
        // Each (process, tenderer) once, in the order of the sort the names need, without a
        // hash table of the pairs.
        let others = sorted_distinct(others, &[PROCESS, "tenderer_id"])
            .group_by([col(PROCESS)])
            .agg([
                col("tenderer_id").count().alias("others"),
                col("tenderer_id").alias("names"),
            ]);
        let per_process = per_process
            .join(
                others,
                [col(PROCESS)],
                [col(PROCESS)],
                JoinArgs::new(JoinType::Left),
            )
            .with_column(col("others").fill_null(lit(0u32)));
        // One tenderer with valid bids, the supplier of every active award.
        let single_winner = col("valid_count")
            .eq(lit(1))
            .and(col("supplier_count").eq(lit(1)))
            .and(col("valid").eq(col("supplier")));
        let evidence = ["valid", "others", "names"].map(col);
        let flagged = single_winner.and(col("others").gt_eq(lit(settings.threshold.max(1))));
        // The winner of each flagged process is flagged as a tenderer.
        let winners = per_process
            .clone()
            .filter(flagged.clone())
            .select([col(PROCESS), col("valid").alias(ORGANIZATION_ID)]);
        let organizations = organizations_from(tables, winners, "tenderer");
        let processes = process_rows(per_process, flagged, col("others"), evidence);
        Ok(LazyOutcome {
            processes,
            organizations,
            meta: Vec::new(),
        }
        .into())
    }
}
