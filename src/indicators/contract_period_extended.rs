//! `contract_period_extended`: a contract's end date moved out by much of its length.

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use super::support::{largest_contract, process_rows};
use super::{Batch, Definition, Group, InParts, Metadata, Phase, Plan};
use crate::domain::Tables;
use crate::evidence::{Evidence, Field, Kind};

/// The indicator.
pub struct ContractPeriodExtended;

/// Its settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// An extension above this share of the first period's length (0.2 = 20%) is flagged.
    pub threshold: f64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings { threshold: 0.2 }
    }
}

static METADATA: Metadata = Metadata {
    slug: "contract_period_extended",
    code: None,
    title: "Contract period extended",
    phase: Phase::Implementation,
    group: Group::Contract,
    weight: 0.15,
    family: "contract_change",
    lists_tenderers: false,
    batch: Batch::Other,
    in_parts: InParts::Outcome,
    list: None,
    levels: &["process"],
    fields: &["contracts.period.startDate", "contracts.period.endDate"],
    evidence: Evidence {
        process: &[
            Field::or("contract", Kind::Text, "no_id"),
            Field::new("period_start", Kind::Date),
            Field::new("first_period_end", Kind::Date),
            Field::new("period_end", Kind::Date),
            Field::new("extension", Kind::Percent),
        ],
        organization: &[],
    },
    settings: &[(
        "threshold",
        "extension above this share of the first period's length (0.2 = 20%) is flagged",
    )],
    page: include_str!("../../indicators/contract_period_extended.md"),
};

impl Definition for ContractPeriodExtended {
    type Settings = Settings;

    fn metadata(&self) -> &'static Metadata {
        &METADATA
    }

    fn compute(&self, tables: &Tables, settings: &Settings) -> PolarsResult<Plan> {
        let length = |end: &str| {
            (col(end) - col("period_start"))
                .dt()
                .total_milliseconds(false)
                .cast(DataType::Float64)
        };
        // Contracts whose first period (start to the first end date published) is known.
        let contracts = tables
            .contracts()
            .filter(
                col("period_start")
                    .is_not_null()
                    .and(col("period_end").is_not_null())
                    .and(col("first_period_end").is_not_null())
                    .and(col("first_period_end").gt(col("period_start"))),
            )
            .with_column(
                ((length("period_end") - length("first_period_end")) / length("first_period_end"))
                    .alias("extension"),
            );
        let per_process = largest_contract(
            contracts,
            "extension",
            &["period_start", "first_period_end", "period_end"],
        );
        let evidence = [
            col("contract_id").alias("contract"),
            col("period_start"),
            col("first_period_end"),
            col("period_end"),
            col("extension"),
        ];
        let processes = process_rows(
            per_process,
            col("extension").gt(lit(settings.threshold)),
            col("extension"),
            evidence,
        );
        Plan::processes_only(processes)
    }
}
