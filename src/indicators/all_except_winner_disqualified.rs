//! `all_except_winner_disqualified` (OCP R035): every bid but the winner's was disqualified.

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use super::{Definition, Metadata, OCID, Outcome, Phase, code_in, code_is, process_rows};
use crate::frames::Frames;

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
    levels: &["process"],
    fields: &[
        "bids.details.status",
        "bids.details.tenderers.id",
        "awards.status",
        "awards.suppliers.id",
    ],
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

    fn compute(&self, frames: &Frames, settings: &Settings) -> PolarsResult<Outcome> {
        // Awards: at least one active, none pending or invalid; the active awards' suppliers.
        let unsettled = ["pending".to_owned(), "invalid".to_owned()];
        let awards = frames
            .awards
            .clone()
            .lazy()
            .group_by_stable([col(OCID)])
            .agg([
                code_is("status", "active").any(true).alias("active"),
                code_in("status", &unsettled).any(true).alias("unsettled"),
                col("supplier_id")
                    .filter(code_is("status", "active"))
                    .drop_nulls()
                    .unique()
                    .sort(SortOptions::default())
                    .str()
                    .join("|", true)
                    .alias("suppliers"),
            ])
            .filter(col("active").and(col("unsettled").not()));
        let tenderers = frames
            .bids
            .clone()
            .lazy()
            .filter(col("tenderer_id").is_not_null())
            .select([
                col(OCID),
                col("status").str().to_lowercase(),
                col("tenderer_id").alias("tenderers"),
            ]);
        let per_process = tenderers
            .clone()
            .group_by_stable([col(OCID)])
            .agg([col("tenderers")
                .filter(col("status").eq(lit("valid")))
                .unique()
                .sort(SortOptions::default())
                .alias("valid")])
            .with_column(col("valid").list().len().alias("valid_count"))
            .filter(col("valid_count").gt(lit(0)))
            .with_column(col("valid").list().join(lit("|"), true).alias("valid"))
            .join(
                awards,
                [col(OCID)],
                [col(OCID)],
                JoinArgs::new(JoinType::Inner),
            )
            .join(
                tenderers
                    .filter(col("status").eq(lit("disqualified")))
                    .select([col(OCID), col("tenderers").alias("disqualified")])
                    .unique_stable(None, UniqueKeepStrategy::First),
                [col(OCID)],
                [col(OCID)],
                JoinArgs::new(JoinType::Left),
            )
            .group_by_stable([col(OCID)])
            .agg([
                col("valid").first(),
                col("valid_count").first(),
                col("suppliers").first(),
                col("disqualified")
                    .filter(col("disqualified").neq(col("valid")))
                    .drop_nulls()
                    .n_unique()
                    .alias("others"),
                col("disqualified")
                    .filter(col("disqualified").neq(col("valid")))
                    .drop_nulls()
                    .unique()
                    .sort(SortOptions::default())
                    .str()
                    .join(", ", true)
                    .alias("names"),
            ]);
        // One tenderer with valid bids, the supplier of every active award.
        let single_winner = col("valid_count")
            .eq(lit(1))
            .and(col("valid").eq(col("suppliers")));
        let evidence = concat_str(
            [
                lit("only "),
                col("valid"),
                lit(" had a valid bid and won; "),
                col("others").cast(DataType::String),
                lit(" other tenderer(s) disqualified: "),
                col("names"),
            ],
            "",
            false,
        );
        let processes = process_rows(
            per_process,
            single_winner.and(col("others").gt_eq(lit(settings.threshold))),
            col("others"),
            evidence,
        )?;
        Outcome::processes_only(processes)
    }
}
