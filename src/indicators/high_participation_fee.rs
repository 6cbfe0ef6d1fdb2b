//! `high_participation_fee` (OCP R008): a fee to take part that is large against the tender's
//! value.

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use super::support::process_rows;
use super::{Batch, Definition, Group, InParts, Metadata, Phase, Plan};
use crate::domain::Tables;
use crate::evidence::{Evidence, Field, Kind};

/// The indicator.
pub struct HighParticipationFee;

/// Its settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// The fee's share of the tender's value at or above which it is flagged.
    pub share: f64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings { share: 0.01 }
    }
}

static METADATA: Metadata = Metadata {
    slug: "high_participation_fee",
    code: Some("R008"),
    title: "Unreasonable participation fees",
    phase: Phase::Tender,
    group: Group::Competition,
    weight: 0.10,
    family: "participation_fee",
    lists_tenderers: false,
    batch: Batch::Other,
    in_parts: InParts::Outcome,
    list: None,
    levels: &["process"],
    fields: &["tender.participationFees.value", "tender.value"],
    evidence: Evidence {
        process: &[
            Field::new("fee", Kind::Money("currency")),
            Field::new("tender_amount", Kind::Money("currency")),
            Field::new("ratio", Kind::PercentFixed),
            Field::new("share", Kind::PercentFixed),
            Field::new("currency", Kind::Text),
        ],
        organization: &[],
    },
    settings: &[(
        "share",
        "fee's share of the tender's value (0.01 = 1%) at or above which it is flagged",
    )],
    page: include_str!("../../indicators/high_participation_fee.md"),
};

impl Definition for HighParticipationFee {
    type Settings = Settings;

    fn metadata(&self) -> &'static Metadata {
        &METADATA
    }

    fn check(&self, settings: &Settings) -> Result<(), String> {
        if !(settings.share > 0.0 && settings.share.is_finite()) {
            return Err("share must be a number above 0".to_owned());
        }
        Ok(())
    }

    fn compute(&self, tables: &Tables, settings: &Settings) -> PolarsResult<Plan> {
        // A fee without a currency is taken to be in the tender's.
        let assessable = tables
            .processes()
            .filter(
                col("participation_fee")
                    .is_not_null()
                    .and(col("tender_amount").gt(lit(0.0)))
                    .and(
                        col("participation_fee_currency")
                            .cast(DataType::String)
                            .eq_missing(col("tender_currency").cast(DataType::String))
                            .or(col("participation_fee_currency").is_null()),
                    ),
            )
            .with_column((col("participation_fee") / col("tender_amount")).alias("ratio"));
        let processes = process_rows(
            assessable,
            col("ratio").gt_eq(lit(settings.share)),
            col("ratio"),
            [
                col("participation_fee").alias("fee"),
                col("tender_amount"),
                col("ratio"),
                lit(settings.share).alias("share"),
                col("tender_currency").alias("currency"),
            ],
        );
        Plan::processes_only(processes)
    }
}
