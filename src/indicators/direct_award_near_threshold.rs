//! `direct_award_near_threshold` (OCP R055): non-competitive awards above the law's threshold
//! for their method, or repeatedly just below it.

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use super::support::{first_of_each, process_rows};
use super::{Batch, Definition, Group, InParts, Metadata, PROCESS, Phase, Plan};
use crate::domain::{AWARD_KEY, Tables, awarded};
use crate::evidence::{Evidence, Field, Kind};

/// The indicator.
pub struct DirectAwardNearThreshold;

/// Its settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// How far below the threshold (a share of it) an award is "just below".
    pub band: f64,
    /// The fewest awards just below a threshold a buyer must make for them to be flagged.
    pub minimum_awards: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            band: 0.1,
            minimum_awards: 3,
        }
    }
}

static METADATA: Metadata = Metadata {
    slug: "direct_award_near_threshold",
    code: Some("R055"),
    title: "Non-competitive awards above or just below the threshold",
    phase: Phase::Award,
    group: Group::Competition,
    weight: 0.25,
    family: "threshold_avoidance",
    lists_tenderers: false,
    batch: Batch::Other,
    in_parts: InParts::Whole,
    list: Some(crate::config::THRESHOLDS),
    levels: &["process"],
    fields: &[
        "tender.procurementMethod",
        "tender.procurementMethodDetails",
        "awards.status",
        "awards.value",
        "awards.date",
        "buyer.id",
    ],
    evidence: Evidence {
        process: &[
            Field::new("amount", Kind::Money("currency")),
            Field::new("position", Kind::Code(&["above", "below"])),
            Field::new("ceiling", Kind::Money("currency")),
            Field::new("rule", Kind::Text),
            Field::new("near", Kind::Count),
            Field::or("buyer", Kind::Text, "none"),
            Field::new("currency", Kind::Text),
        ],
        organization: &[],
    },
    settings: &[
        (
            "band",
            "how far below the threshold, as a share of it, an award is just below",
        ),
        (
            "minimum_awards",
            "fewest awards just below a threshold a buyer must make for them to be flagged",
        ),
    ],
    page: include_str!("../../indicators/direct_award_near_threshold.md"),
};

impl Definition for DirectAwardNearThreshold {
    type Settings = Settings;

    fn metadata(&self) -> &'static Metadata {
        &METADATA
    }

    fn check(&self, settings: &Settings) -> Result<(), String> {
        if !(settings.band > 0.0 && settings.band < 1.0) {
            return Err("band must be above 0 and below 1".to_owned());
        }
        if settings.minimum_awards < 1 {
            return Err("minimum_awards must be at least 1".to_owned());
        }
        Ok(())
    }

    fn compute(&self, tables: &Tables, settings: &Settings) -> PolarsResult<Plan> {
        let (ceiling, rule) = tables.thresholds().ceiling("currency", "when");
        let awards = tables
            .awards()
            .filter(awarded().and(col("amount").gt(lit(0.0))))
            .unique_stable(Some(cols([AWARD_KEY])), UniqueKeepStrategy::First)
            .select([
                col(PROCESS),
                col(AWARD_KEY),
                col("amount"),
                col("currency"),
                col("date"),
            ])
            .join(
                tables.processes().select([
                    col(PROCESS),
                    col("buyer_id"),
                    col("procurement_method"),
                    col("procurement_method_details"),
                    col("main_procurement_category"),
                    col("tender_start"),
                    col("date").alias("release_date"),
                ]),
                [col(PROCESS)],
                [col(PROCESS)],
                JoinArgs::new(JoinType::Inner),
            )
            // The award is judged by the rule in force on its date (else the tender's).
            .with_column(
                col("date")
                    .fill_null(col("tender_start"))
                    .fill_null(col("release_date"))
                    .alias("when"),
            )
            .with_columns([ceiling.alias("ceiling"), rule.alias("rule")])
            .filter(col("ceiling").is_not_null())
            .with_columns([
                col("amount").gt(col("ceiling")).alias("above"),
                col("amount")
                    .gt_eq(col("ceiling") * lit(1.0 - settings.band))
                    .and(col("amount").lt_eq(col("ceiling")))
                    .alias("just_below"),
            ])
            .with_column(
                col("just_below")
                    .cast(DataType::UInt32)
                    .sum()
                    .over([col("buyer_id")])?
                    .alias("near"),
            );
        let minimum = settings.minimum_awards;
        let flagged = col("above").or(col("just_below")
            .and(col("near").gt_eq(lit(minimum)))
            .and(col("buyer_id").is_not_null()));
        // Each process by its award furthest above (or nearest below) its threshold.
        let per_process = first_of_each(
            awards.with_columns([
                flagged.alias("flagged"),
                (col("amount") / col("ceiling")).alias("ratio"),
            ]),
            &[PROCESS],
            &["flagged", "ratio", AWARD_KEY],
            &[true, true, false],
        )
        .sort([PROCESS], SortMultipleOptions::default());
        let processes = process_rows(
            per_process,
            col("flagged"),
            col("ratio"),
            [
                col("amount"),
                when(col("above"))
                    .then(lit("above"))
                    .otherwise(lit("below"))
                    .alias("position"),
                col("ceiling"),
                col("rule"),
                col("near"),
                col("buyer_id").alias("buyer"),
                col("currency"),
            ],
        );
        Plan::processes_only(processes)
    }
}
