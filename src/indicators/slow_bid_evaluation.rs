//! `slow_bid_evaluation` (OCP R015): a long time between the opening of the bids and their
//! evaluation.

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use super::support::{beyond_method_fence, first_award_dates, whole_days};
use super::{Batch, Definition, Group, InParts, Metadata, PROCESS, Phase, Plan};
use crate::domain::Tables;
use crate::evidence::{Evidence, Field, Kind};

/// The indicator.
pub struct SlowBidEvaluation;

/// Its settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// The fewest processes of a procurement method for its upper fence to be computed.
    pub minimum_processes: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            minimum_processes: 20,
        }
    }
}

static METADATA: Metadata = Metadata {
    slug: "slow_bid_evaluation",
    code: Some("R015"),
    title: "Long time between bid opening and bid evaluation",
    phase: Phase::Award,
    group: Group::Timing,
    weight: 0.10,
    family: "decision",
    lists_tenderers: false,
    batch: Batch::Other,
    in_parts: InParts::Whole,
    list: None,
    levels: &["process"],
    fields: &[
        "tender.bidOpening.date",
        "tender.awardPeriod.startDate",
        "awards.date",
        "tender.procurementMethod",
    ],
    evidence: Evidence {
        process: &[
            Field::new("days", Kind::Count),
            Field::new("opening", Kind::Date),
            Field::new("evaluation", Kind::Date),
            Field::new("source", Kind::Code(&["award_period", "award"])),
            Field::new("upper_fence", Kind::Fixed(1)),
            Field::or("method", Kind::Text, "none"),
        ],
        organization: &[],
    },
    settings: &[(
        "minimum_processes",
        "fewest processes of a procurement method for its upper fence to be computed",
    )],
    page: include_str!("../../indicators/slow_bid_evaluation.md"),
};

impl Definition for SlowBidEvaluation {
    type Settings = Settings;

    fn metadata(&self) -> &'static Metadata {
        &METADATA
    }

    fn check(&self, settings: &Settings) -> Result<(), String> {
        if settings.minimum_processes < 4 {
            return Err("minimum_processes must be at least 4 (quartiles need them)".to_owned());
        }
        Ok(())
    }

    fn compute(&self, tables: &Tables, settings: &Settings) -> PolarsResult<Plan> {
        // The evaluation: the award period's start, else the first award's date.
        let measured = tables
            .processes()
            .filter(col("bid_opening").is_not_null())
            .select([
                col(PROCESS),
                col("procurement_method").cast(DataType::String),
                col("bid_opening").alias("opening"),
                col("award_start"),
            ])
            .join(
                first_award_dates(tables),
                [col(PROCESS)],
                [col(PROCESS)],
                JoinArgs::new(JoinType::Left),
            )
            .with_columns([
                col("award_start")
                    .fill_null(col("award_date"))
                    .alias("evaluation"),
                when(col("award_start").is_not_null())
                    .then(lit("award_period"))
                    .otherwise(lit("award"))
                    .alias("source"),
            ])
            .with_column(whole_days(col("evaluation"), col("opening")).alias("days"))
            // An evaluation before the opening is a data error, not a quick one.
            .filter(col("days").gt_eq(lit(0)))
            .sort([PROCESS], SortMultipleOptions::default());
        Ok(beyond_method_fence(
            measured,
            settings.minimum_processes,
            vec![
                col("days"),
                col("opening"),
                col("evaluation"),
                col("source"),
                col("upper_fence"),
                col("procurement_method").alias("method"),
            ],
        ))
    }
}
