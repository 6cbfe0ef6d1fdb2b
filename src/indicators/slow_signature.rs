//! `slow_signature` (OCP R060): a long time from the award to the contract's signature.

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use super::support::{beyond_method_fence, first_award_dates, whole_days};
use super::{Batch, Definition, Group, InParts, Metadata, PROCESS, Phase, Plan};
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
        Ok(beyond_method_fence(
            measured,
            settings.minimum_processes,
            vec![
                col("days"),
                col("award_date"),
                col("signed"),
                col("upper_fence"),
                col("procurement_method").alias("method"),
            ],
        ))
    }
}
