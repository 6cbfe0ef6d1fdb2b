//! `tender_above_budget`: the tender's estimated value exceeds the planned budget.

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use super::support::process_rows;
use super::{Batch, Definition, Group, InParts, Metadata, Phase, Plan};
use crate::domain::Tables;
use crate::evidence::{Evidence, Field, Kind};

/// The indicator.
pub struct TenderAboveBudget;

/// Its settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// How far above the budget (0.1 = 10%) the estimate may go before it is flagged.
    pub tolerance: f64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings { tolerance: 0.0 }
    }
}

static METADATA: Metadata = Metadata {
    slug: "tender_above_budget",
    code: None,
    title: "Tender estimate above the planned budget",
    phase: Phase::Planning,
    group: Group::Price,
    weight: 0.10,
    family: "estimate",
    lists_tenderers: false,
    batch: Batch::Other,
    in_parts: InParts::Outcome,
    list: None,
    levels: &["process"],
    fields: &[
        "planning.budget.amount.amount",
        "planning.budget.amount.currency",
        "tender.value.amount",
        "tender.value.currency",
    ],
    evidence: Evidence {
        process: &[
            Field::new("tender_amount", Kind::Money("tender_currency")),
            Field::new("tender_currency", Kind::Text),
            Field::new("ratio", Kind::Percent),
            Field::new("budget_amount", Kind::Money("budget_currency")),
            Field::new("budget_currency", Kind::Text),
        ],
        organization: &[],
    },
    settings: &[(
        "tolerance",
        "how far above the budget (0.1 = 10%) the estimate may go before it is flagged",
    )],
    page: include_str!("../../indicators/tender_above_budget.md"),
};

impl Definition for TenderAboveBudget {
    type Settings = Settings;

    fn metadata(&self) -> &'static Metadata {
        &METADATA
    }

    fn check(&self, settings: &Settings) -> Result<(), String> {
        if settings.tolerance.is_nan() || settings.tolerance < 0.0 {
            return Err("tolerance must be 0 or more".to_owned());
        }
        Ok(())
    }

    fn compute(&self, tables: &Tables, settings: &Settings) -> PolarsResult<Plan> {
        let assessable = tables
            .processes()
            .filter(
                col("budget_amount")
                    .gt(lit(0.0))
                    .and(col("tender_amount").is_not_null())
                    .and(col("tender_currency").eq_missing(col("budget_currency"))),
            )
            .with_column((col("tender_amount") / col("budget_amount")).alias("ratio"));
        let evidence = [
            "tender_amount",
            "tender_currency",
            "ratio",
            "budget_amount",
            "budget_currency",
        ]
        .map(col);
        let processes = process_rows(
            assessable,
            col("ratio").gt(lit(1.0 + settings.tolerance)),
            col("ratio"),
            evidence,
        );
        Plan::processes_only(processes)
    }
}
