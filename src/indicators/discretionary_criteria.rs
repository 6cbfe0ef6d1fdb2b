//! `discretionary_criteria` (OCP R021): a buyer that decides unusually many of its tenders by
//! criteria that leave room for judgment.

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use super::support::buyer_shares::{BuyerShares, buyer_shares};
use super::support::process_rows;
use super::{
    Batch, Definition, Group, InParts, LazyOutcome, Metadata, ORGANIZATION_ID, PROCESS, Phase,
    Plan, ROLE, VALUE, empty_organizations,
};
use crate::domain::{Tables, code_in};
use crate::evidence::{Evidence, Field, Kind};

/// The indicator.
pub struct DiscretionaryCriteria;

/// Its settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// The `tender.awardCriteria` codes that leave the choice to the evaluators' judgment.
    pub discretionary: Vec<String>,
    /// The fewest processes with award criteria for a buyer's share to be assessed.
    pub minimum_processes: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            discretionary: [
                "qualityOnly",
                "ratedCriteria",
                "bestProposal",
                "bestValueToGovernment",
            ]
            .map(str::to_owned)
            .to_vec(),
            minimum_processes: 10,
        }
    }
}

static METADATA: Metadata = Metadata {
    slug: "discretionary_criteria",
    code: Some("R021"),
    title: "High use of discretionary evaluation criteria",
    phase: Phase::Tender,
    group: Group::Competition,
    weight: 0.05,
    family: "discretionary_criteria",
    lists_tenderers: false,
    batch: Batch::Other,
    in_parts: InParts::Whole,
    list: None,
    levels: &["process", "buyer"],
    fields: &["tender.awardCriteria", "buyer.id"],
    evidence: Evidence {
        process: &[
            Field::new("criteria", Kind::Text),
            Field::new("buyer", Kind::Text),
            Field::new("share", Kind::Percent),
            Field::new("processes", Kind::Count),
            Field::new("fence", Kind::PercentFixed),
        ],
        organization: &[
            Field::new("share", Kind::Percent),
            Field::new("used", Kind::Count),
            Field::new("processes", Kind::Count),
            Field::new("fence", Kind::PercentFixed),
        ],
    },
    settings: &[
        (
            "discretionary",
            "tender.awardCriteria codes that leave the choice to the evaluators' judgment",
        ),
        (
            "minimum_processes",
            "fewest processes with award criteria for a buyer's share to be assessed",
        ),
    ],
    page: include_str!("../../indicators/discretionary_criteria.md"),
};

impl Definition for DiscretionaryCriteria {
    type Settings = Settings;

    fn metadata(&self) -> &'static Metadata {
        &METADATA
    }

    fn check(&self, settings: &Settings) -> Result<(), String> {
        if settings.discretionary.is_empty() {
            return Err("discretionary must name at least one award criteria code".to_owned());
        }
        if settings.minimum_processes < 1 {
            return Err("minimum_processes must be at least 1".to_owned());
        }
        Ok(())
    }

    fn compute(&self, tables: &Tables, settings: &Settings) -> PolarsResult<Plan> {
        let measured = tables
            .processes()
            .filter(
                col("award_criteria")
                    .is_not_null()
                    .and(col("buyer_id").is_not_null()),
            )
            .select([
                col(PROCESS),
                col("buyer_id"),
                col("award_criteria"),
                code_in("award_criteria", &settings.discretionary).alias("discretionary"),
            ]);
        let minimum = settings.minimum_processes;
        Ok(Plan::staged([measured], move |[measured]| {
            judged(measured, minimum)
        }))
    }
}

/// The outcome from the processes with award criteria (`process`, `buyer_id`,
/// `award_criteria`, `discretionary`): the buyers whose share of discretionary criteria is above
/// the upper fence of the buyers' shares are flagged, and their processes decided by such
/// criteria.
fn judged(measured: DataFrame, minimum_processes: u32) -> PolarsResult<LazyOutcome> {
    let BuyerShares {
        rows,
        buyers,
        fences,
    } = buyer_shares(measured, "discretionary", minimum_processes)?;
    let processes = process_rows(
        rows,
        col("discretionary").and(col("buyer_flagged")),
        col("share"),
        [
            col("award_criteria").alias("criteria"),
            col("buyer_id").alias("buyer"),
            col("share"),
            col("rows").alias("processes"),
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
            col("hits").alias("used"),
            col("rows").alias("processes"),
            col("fence"),
        ]),
    };
    Ok(LazyOutcome {
        processes,
        organizations,
        meta: crate::stats::meta("", fences, true, "upper_fence", fences.map(|f| f.upper)),
    })
}
