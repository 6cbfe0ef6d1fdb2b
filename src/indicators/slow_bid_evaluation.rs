//! `slow_bid_evaluation` (OCP R015): a long time between the opening of the bids and their
//! evaluation.

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use super::support::{beyond_method_fence, counted_periods, first_award_dates};
use super::{Batch, Definition, Group, InParts, Metadata, PROCESS, Phase, Plan};
use crate::domain::Tables;
use crate::evidence::{Evidence, Field, Kind};
use crate::working_days::Days;

/// The indicator.
pub struct SlowBidEvaluation;

/// Its settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// The fewest processes of a procurement method for its upper fence to be computed.
    pub minimum_processes: usize,
    /// How the days are counted: calendar days, or the working days of the `[working_days]`
    /// calendar (the fences then in working days too).
    pub days: Days,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            minimum_processes: 20,
            days: Days::Calendar,
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
            Field::new("counted", Kind::Code(&["calendar", "working"])),
            Field::new("calendar_days", Kind::Count),
            Field::new("opening", Kind::Date),
            Field::new("evaluation", Kind::Date),
            Field::new("source", Kind::Code(&["award_period", "award"])),
            Field::new("upper_fence", Kind::Fixed(1)),
            Field::or("method", Kind::Text, "none"),
        ],
        organization: &[],
    },
    settings: &[
        (
            "minimum_processes",
            "fewest processes of a procurement method for its upper fence to be computed",
        ),
        (
            "days",
            "\"calendar\" or \"working\": count the days (and the fences) in working days of [working_days]",
        ),
    ],
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
        let opened = tables
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
            ]);
        // An evaluation before the opening is a data error, not a quick one.
        let measured = counted_periods(
            opened,
            tables,
            settings.days,
            col("evaluation"),
            col("opening"),
        )?
        .sort([PROCESS], SortMultipleOptions::default());
        Ok(beyond_method_fence(
            measured,
            settings.minimum_processes,
            vec![
                col("days"),
                col("counted"),
                col("calendar_days"),
                col("opening"),
                col("evaluation"),
                col("source"),
                col("upper_fence"),
                col("procurement_method").alias("method"),
            ],
        ))
    }
}
