//! `slow_signature` (OCP R060): a long time from the award to the contract's signature.

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use super::support::{first_award_dates, process_rows, whole_days, with_group_fences};
use super::{Batch, Definition, Group, InParts, LazyOutcome, Metadata, PROCESS, Phase, Plan};
use crate::domain::Tables;
use crate::evidence::{Evidence, Field, Kind};

/// The indicator.
pub struct SlowSignature;

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
            Field::new("award_date", Kind::Date),
            Field::new("signed", Kind::Date),
            Field::new("upper_fence", Kind::Fixed(1)),
            Field::or("method", Kind::Text, "none"),
        ],
        organization: &[],
    },
    settings: &[(
        "minimum_processes",
        "fewest processes of a procurement method for its upper fence to be computed",
    )],
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
        let measured = tables
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
            )
            .with_column(whole_days(col("signed"), col("award_date")).alias("days"))
            // A contract signed before its award is `contract_signed_before_award`'s business.
            .filter(col("days").gt_eq(lit(0)))
            .sort([PROCESS], SortMultipleOptions::default());
        let minimum = settings.minimum_processes;
        Ok(Plan::staged([measured], move |[measured]| {
            judged(measured, minimum)
        }))
    }
}

/// The outcome from the measured processes (`process`, `procurement_method`, `award_date`,
/// `signed`, `days`): flagged above their method's upper fence.
fn judged(measured: DataFrame, minimum_processes: usize) -> PolarsResult<LazyOutcome> {
    let with_fences = with_group_fences(measured, "procurement_method", "days", minimum_processes)?;
    let long = col("days")
        .cast(DataType::Float64)
        .gt(col("upper_fence"))
        .fill_null(lit(false));
    let evidence = [
        col("days"),
        col("award_date"),
        col("signed"),
        col("upper_fence").round(1, RoundMode::HalfAwayFromZero),
        col("procurement_method").alias("method"),
    ];
    let processes = process_rows(with_fences, long, col("days"), evidence);
    LazyOutcome::processes_only(processes)
}
