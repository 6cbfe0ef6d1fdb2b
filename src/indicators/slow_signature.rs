//! `slow_signature` (OCP R060): a long time from the award to the contract's signature.

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use super::support::{beyond_method_fence, counted_periods, first_award_dates};
use super::{Batch, Definition, Group, InParts, Metadata, PROCESS, Phase, Plan};
use crate::domain::Tables;
use crate::evidence::{Evidence, Field, Kind};
use crate::working_days::Days;

/// The indicator.
pub struct SlowSignature;

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
    slug: "slow_signature",
    code: Some("R060"),
    title: "Long time from the award to the contract's signature",
    phase: Phase::Contract,
    group: Group::Timing,
    weight: 0.15,
    family: "slow_signature",
    lists_tenderers: false,
    batch: Batch::Other,
    in_parts: InParts::Whole,
    list: None,
    levels: &["process"],
    fields: &[
        "awards.status",
        "awards.date",
        "contracts.dateSigned",
        "tender.procurementMethod",
    ],
    evidence: Evidence {
        process: &[
            Field::new("days", Kind::Count),
            Field::new("counted", Kind::Code(&["calendar", "working"])),
            Field::new("calendar_days", Kind::Count),
            Field::new("award_date", Kind::Date),
            Field::new("signed", Kind::Date),
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
    page: include_str!("../../indicators/slow_signature.md"),
};

impl Definition for SlowSignature {
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
        let first_award = first_award_dates(tables);
        let first_signed = tables
            .contracts()
            .filter(col("date_signed").is_not_null())
            .group_by([col(PROCESS)])
            .agg([col("date_signed").min().alias("signed")]);
        let signed = tables
            .processes()
            .select([col(PROCESS), col("procurement_method")])
            .join(
                first_award,
                [col(PROCESS)],
                [col(PROCESS)],
                JoinArgs::new(JoinType::Inner),
            )
            .join(
                first_signed,
                [col(PROCESS)],
                [col(PROCESS)],
                JoinArgs::new(JoinType::Inner),
            );
        // A contract signed before its award is `contract_signed_before_award`'s business.
        let measured = counted_periods(
            signed,
            tables,
            settings.days,
            col("signed"),
            col("award_date"),
        )?
        .sort([PROCESS], SortMultipleOptions::default());
        Ok(beyond_method_fence(
            measured,
            settings.minimum_processes,
            vec![
                col("days"),
                col("counted"),
                col("calendar_days"),
                col("award_date"),
                col("signed"),
                col("upper_fence"),
                col("procurement_method").alias("method"),
            ],
        ))
    }
}
