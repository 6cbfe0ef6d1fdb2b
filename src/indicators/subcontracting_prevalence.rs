//! `subcontracting_prevalence` (OCP R072): a buyer that allows subcontracting in unusually
//! many of its awards.

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use super::support::buyer_shares::{BuyerShares, buyer_shares};
use super::support::{first_of_each, process_rows};
use super::{
    Batch, Definition, Group, InParts, LazyOutcome, Metadata, ORGANIZATION_ID, PROCESS, Phase,
    Plan, ROLE, VALUE, empty_organizations,
};
use crate::domain::{AWARD_KEY, Tables};
use crate::evidence::{Evidence, Field, Kind};

/// The indicator.
pub struct SubcontractingPrevalence;

/// Its settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// The fewest awards that publish whether they allow subcontracting for a buyer's share to
    /// be assessed.
    pub minimum_awards: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Settings { minimum_awards: 10 }
    }
}

static METADATA: Metadata = Metadata {
    slug: "subcontracting_prevalence",
    code: Some("R072"),
    title: "High prevalence of subcontracts",
    phase: Phase::Award,
    group: Group::Contract,
    weight: 0.05,
    family: "subcontracting",
    lists_tenderers: false,
    batch: Batch::Other,
    in_parts: InParts::Whole,
    list: None,
    levels: &["process", "buyer"],
    fields: &["awards.hasSubcontracting", "buyer.id"],
    evidence: Evidence {
        process: &[
            Field::new("buyer", Kind::Text),
            Field::new("share", Kind::Percent),
            Field::new("awards", Kind::Count),
            Field::new("fence", Kind::PercentFixed),
        ],
        organization: &[
            Field::new("share", Kind::Percent),
            Field::new("subcontracted", Kind::Count),
            Field::new("awards", Kind::Count),
            Field::new("fence", Kind::PercentFixed),
        ],
    },
    settings: &[(
        "minimum_awards",
        "fewest awards publishing whether they allow subcontracting for a buyer to be assessed",
    )],
    page: include_str!("../../indicators/subcontracting_prevalence.md"),
};

impl Definition for SubcontractingPrevalence {
    type Settings = Settings;

    fn metadata(&self) -> &'static Metadata {
        &METADATA
    }

    fn check(&self, settings: &Settings) -> Result<(), String> {
        if settings.minimum_awards < 1 {
            return Err("minimum_awards must be at least 1".to_owned());
        }
        Ok(())
    }

    fn compute(&self, tables: &Tables, settings: &Settings) -> PolarsResult<Plan> {
        let measured = tables
            .buyer_awards(col("has_subcontracting").is_not_null(), true)
            .select([
                col(PROCESS),
                col(AWARD_KEY),
                col("buyer_id"),
                col("has_subcontracting"),
            ])
            .sort([AWARD_KEY], SortMultipleOptions::default());
        let minimum = settings.minimum_awards;
        Ok(Plan::staged([measured], move |[measured]| {
            judged(measured, minimum)
        }))
    }
}

/// The outcome from the buyers' awards that say whether they allow subcontracting: the buyers
/// above the upper fence of the shares that allow it are flagged, with their processes that
/// allow it.
fn judged(measured: DataFrame, minimum_awards: u32) -> PolarsResult<LazyOutcome> {
    let BuyerShares {
        rows,
        buyers,
        fences,
    } = buyer_shares(measured, "has_subcontracting", minimum_awards)?;
    let per_process = first_of_each(
        rows,
        &[PROCESS],
        &["has_subcontracting", AWARD_KEY],
        &[true, false],
    )
    .sort([PROCESS], SortMultipleOptions::default());
    let processes = process_rows(
        per_process,
        col("has_subcontracting").and(col("buyer_flagged")),
        col("share"),
        [
            col("buyer_id").alias("buyer"),
            col("share"),
            col("rows").alias("awards"),
            col("fence"),
        ],
    );
    let organizations = match fences {
        None => empty_organizations()?.lazy(),
        Some(_) => buyers.filter(col("buyer_flagged")).select([
            lit("buyer").alias(ROLE),
            col("buyer_id").alias(ORGANIZATION_ID),
            col("share").alias(VALUE),
            col("share"),
            col("hits").alias("subcontracted"),
            col("rows").alias("awards"),
            col("fence"),
        ]),
    };
    Ok(LazyOutcome {
        processes,
        organizations,
        meta: crate::stats::meta("", fences, true, "upper_fence", fences.map(|f| f.upper)),
    })
}
