//! `shared_shareholder` (OCP R033): tenderers of the same process share a major shareholder,
//! by the parties' `shareholders` in the data.

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use super::support::PROCESS_EXAMPLES;
use super::support::listed::{owners_shared, shared_evidence};
use super::{Batch, Definition, Group, InParts, Metadata, Phase, Plan};
use crate::domain::Tables;
use crate::evidence::{Evidence, Field, Kind};

/// The indicator.
pub struct SharedShareholder;

/// Its settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// The least share of a tenderer's shares (0-1) that makes its holder a major shareholder.
    pub minimum_share: f64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            minimum_share: 0.25,
        }
    }
}

static METADATA: Metadata = Metadata {
    slug: "shared_shareholder",
    code: Some("R033"),
    title: "Tenderers share a major shareholder",
    phase: Phase::Tender,
    group: Group::Competition,
    weight: 0.60,
    family: "collusion",
    lists_tenderers: true,
    batch: Batch::Other,
    in_parts: InParts::Whole,
    list: None,
    levels: &["process", "tenderer"],
    fields: &["bids.details.tenderers.id", "parties.shareholders"],
    evidence: Evidence {
        process: &[
            Field::new("shareholder", Kind::Text),
            Field::new("tenderers", Kind::List(", ")),
            Field::new("count", Kind::Count),
            Field::new("minimum_share", Kind::Percent),
        ],
        organization: PROCESS_EXAMPLES,
    },
    settings: &[(
        "minimum_share",
        "least share of a tenderer's shares (0.25 = 25%) that makes its holder a major shareholder",
    )],
    page: include_str!("../../indicators/shared_shareholder.md"),
};

impl Definition for SharedShareholder {
    type Settings = Settings;

    fn metadata(&self) -> &'static Metadata {
        &METADATA
    }

    fn check(&self, settings: &Settings) -> Result<(), String> {
        if !(settings.minimum_share > 0.0 && settings.minimum_share <= 1.0) {
            return Err("minimum_share must be above 0 and at most 1".to_owned());
        }
        Ok(())
    }

    fn compute(&self, tables: &Tables, settings: &Settings) -> PolarsResult<Plan> {
        let mut evidence = shared_evidence("shareholder").to_vec();
        evidence.push(("minimum_share", DataType::Float64));
        let outcome = owners_shared(
            tables,
            ["shareholder_keys", "shareholder_names"],
            &["shareholdings"],
            col("shareholdings").gt_eq(lit(settings.minimum_share)),
            "shareholder",
            &evidence,
        )?;
        // The setting the shareholders were held to, in every flagged process's evidence.
        let mut processes = outcome.processes;
        processes.evidence = processes
            .evidence
            .with_column(lit(settings.minimum_share).alias("minimum_share"));
        Ok(super::LazyOutcome {
            processes,
            ..outcome
        }
        .into())
    }
}
