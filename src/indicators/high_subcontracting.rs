//! `high_subcontracting` (OCP R071): an award whose supplier may subcontract most of the work.

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use super::support::{first_of_each, process_rows};
use super::{Batch, Definition, Group, InParts, Metadata, PROCESS, Phase, Plan};
use crate::domain::{AWARD_KEY, Tables, awarded};
use crate::evidence::{Evidence, Field, Kind};

/// The indicator.
pub struct HighSubcontracting;

/// Its settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// The share of the award (in percent) that may be subcontracted at or above which it is
    /// flagged.
    pub percent: f64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings { percent: 50.0 }
    }
}

static METADATA: Metadata = Metadata {
    slug: "high_subcontracting",
    code: Some("R071"),
    title: "A contractor subcontracts all or most of the work received",
    phase: Phase::Award,
    group: Group::Contract,
    weight: 0.15,
    family: "subcontracting",
    lists_tenderers: false,
    batch: Batch::Other,
    in_parts: InParts::Outcome,
    list: None,
    levels: &["process"],
    fields: &[
        "awards.hasSubcontracting",
        "awards.subcontracting.minimumPercentage",
        "awards.subcontracting.maximumPercentage",
    ],
    evidence: Evidence {
        process: &[
            Field::or("supplier", Kind::Text, "none"),
            Field::new("subcontracted", Kind::Fixed(0)),
            Field::new("percent", Kind::Fixed(0)),
        ],
        organization: &[],
    },
    settings: &[(
        "percent",
        "share of the award (in percent) that may be subcontracted at or above which it is flagged",
    )],
    page: include_str!("../../indicators/high_subcontracting.md"),
};

impl Definition for HighSubcontracting {
    type Settings = Settings;

    fn metadata(&self) -> &'static Metadata {
        &METADATA
    }

    fn check(&self, settings: &Settings) -> Result<(), String> {
        if !(settings.percent > 0.0 && settings.percent <= 100.0) {
            return Err("percent must be above 0 and at most 100".to_owned());
        }
        Ok(())
    }

    fn compute(&self, tables: &Tables, settings: &Settings) -> PolarsResult<Plan> {
        // Awards that say whether they allow subcontracting; one that does not allows 0%.
        let awards = tables
            .awards()
            .filter(awarded().and(col("has_subcontracting").is_not_null()))
            .with_column(
                when(col("has_subcontracting"))
                    .then(col("subcontracting_percent"))
                    .otherwise(lit(0.0))
                    .alias("subcontracted"),
            )
            .filter(col("subcontracted").is_not_null());
        let per_process = first_of_each(
            awards,
            &[PROCESS],
            &["subcontracted", AWARD_KEY],
            &[true, false],
        )
        .sort([PROCESS], SortMultipleOptions::default());
        let processes = process_rows(
            per_process,
            col("subcontracted").gt_eq(lit(settings.percent)),
            col("subcontracted"),
            [
                col("supplier_id").alias("supplier"),
                col("subcontracted"),
                lit(settings.percent).alias("percent"),
            ],
        );
        Plan::processes_only(processes)
    }
}
