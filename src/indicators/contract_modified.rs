//! `contract_modified` (OCP R064): a contract that has been amended.

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use super::support::{contract_label, first_of_each, process_rows};
use super::{Batch, Definition, Group, InParts, Metadata, PROCESS, Phase, Plan};
use crate::domain::{Tables, code_is};
use crate::evidence::{Evidence, Field, Kind};

/// The indicator.
pub struct ContractModified;

/// Its settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// The fewest amendments of one contract that flag it.
    pub minimum_amendments: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            minimum_amendments: 1,
        }
    }
}

static METADATA: Metadata = Metadata {
    slug: "contract_modified",
    code: Some("R064"),
    title: "Contract has modifications",
    phase: Phase::Implementation,
    group: Group::Contract,
    weight: 0.05,
    family: "contract_change",
    lists_tenderers: false,
    batch: Batch::Other,
    in_parts: InParts::Outcome,
    list: None,
    levels: &["process"],
    fields: &["contracts.status", "contracts.amendments"],
    evidence: Evidence {
        process: &[
            Field::new("contract", Kind::Text),
            Field::new("amendments", Kind::Count),
            Field::new("contracts", Kind::Count),
        ],
        organization: &[],
    },
    settings: &[(
        "minimum_amendments",
        "fewest amendments of one contract that flag it",
    )],
    page: include_str!("../../indicators/contract_modified.md"),
};

impl Definition for ContractModified {
    type Settings = Settings;

    fn metadata(&self) -> &'static Metadata {
        &METADATA
    }

    fn check(&self, settings: &Settings) -> Result<(), String> {
        if settings.minimum_amendments < 1 {
            return Err("minimum_amendments must be at least 1".to_owned());
        }
        Ok(())
    }

    fn compute(&self, tables: &Tables, settings: &Settings) -> PolarsResult<Plan> {
        let contracts = tables
            .contracts()
            .filter(code_is("status", "cancelled").not())
            .select([
                col(PROCESS),
                col("contract_index"),
                contract_label().alias("contract"),
                col("amendments"),
            ]);
        // The process's most amended contract (the first of equals) speaks for it.
        let most = first_of_each(
            contracts.clone(),
            &[PROCESS],
            &["amendments", "contract_index"],
            &[true, false],
        );
        let counts = contracts
            .group_by([col(PROCESS)])
            .agg([len().alias("contracts")]);
        let per_process = most
            .join(
                counts,
                [col(PROCESS)],
                [col(PROCESS)],
                JoinArgs::new(JoinType::Inner),
            )
            .sort([PROCESS], SortMultipleOptions::default());
        let processes = process_rows(
            per_process,
            col("amendments").gt_eq(lit(settings.minimum_amendments)),
            col("amendments"),
            [col("contract"), col("amendments"), col("contracts")],
        );
        Plan::processes_only(processes)
    }
}
