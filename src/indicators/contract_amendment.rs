//! `contract_amendment`: a contract amended, grown beyond its award, or paid beyond its value.

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use super::support::contract_label;
use super::support::process_rows;
use super::{Batch, Definition, Group, InParts, Metadata, PROCESS, Phase, Plan, ProcessRows};
use crate::domain::Tables;
use crate::evidence::{Evidence, Field, Kind};

/// The indicator.
pub struct ContractAmendment;

/// Its settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// A relative increase (0.2 = 20%) above which a contract's value over its award's, or the
    /// payments over the contract's value, is flagged.
    pub threshold: f64,
    /// The number of amendments from which a contract is flagged on that ground alone
    /// (0: amendments alone never flag).
    pub amendments: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            threshold: 0.2,
            amendments: 0,
        }
    }
}

static METADATA: Metadata = Metadata {
    slug: "contract_amendment",
    code: Some("R069"),
    title: "Contract amended, or grown beyond its award",
    phase: Phase::Implementation,
    group: Group::Contract,
    weight: 0.50,
    family: "contract_change",
    lists_tenderers: false,
    batch: Batch::Other,
    in_parts: InParts::Outcome,
    list: None,
    levels: &["process"],
    fields: &[
        "contracts.amendments",
        "contracts.value",
        "contracts.awardID",
        "awards.id",
        "awards.value",
        "contracts.implementation.transactions.value",
    ],
    evidence: Evidence {
        process: &[
            Field::new("contract", Kind::Text),
            Field::new(
                "grounds",
                Kind::Codes(&["amendments", "growth", "overpayment"]),
            ),
            Field::new("amendments", Kind::Count),
            Field::new("amount", Kind::Money("currency")),
            Field::new("currency", Kind::Text),
            Field::new("growth", Kind::Percent),
            Field::new("award_amount", Kind::Money("award_currency")),
            Field::new("award_currency", Kind::Text),
            Field::new("payments", Kind::Money("currency")),
            Field::new("overpayment", Kind::Percent),
        ],
        organization: &[],
    },
    settings: &[
        (
            "threshold",
            "relative increase (0.2 = 20%) of contract over award, or payments over contract",
        ),
        (
            "amendments",
            "number of amendments that flags a contract on its own (0: never)",
        ),
    ],
    page: include_str!("../../indicators/contract_amendment.md"),
};

impl Definition for ContractAmendment {
    type Settings = Settings;

    fn metadata(&self) -> &'static Metadata {
        &METADATA
    }

    fn check(&self, settings: &Settings) -> Result<(), String> {
        if !settings.threshold.is_finite() || settings.threshold < 0.0 {
            return Err("threshold must be 0 or more".to_owned());
        }
        Ok(())
    }

    fn compute(&self, tables: &Tables, settings: &Settings) -> PolarsResult<Plan> {
        let awards = tables
            .awards()
            .filter(col("award_id").is_not_null())
            .unique_stable(Some(cols([PROCESS, "award_id"])), UniqueKeepStrategy::First)
            .select([
                col(PROCESS),
                col("award_id"),
                col("amount").alias("award_amount"),
                col("currency").alias("award_currency"),
            ]);
        let positive = |expr: Expr| expr.clone().is_not_null().and(expr.gt(lit(0.0)));
        let growth = when(
            positive(col("award_amount"))
                .and(col("amount").is_not_null())
                .and(col("currency").eq_missing(col("award_currency"))),
        )
        .then(col("amount") / col("award_amount") - lit(1.0))
        .otherwise(lit(NULL).cast(DataType::Float64));
        let overpayment =
            when(positive(col("amount")).and(col("transactions_amount").is_not_null()))
                .then(col("transactions_amount") / col("amount") - lit(1.0))
                .otherwise(lit(NULL).cast(DataType::Float64));
        let threshold = lit(settings.threshold);
        let amended = if settings.amendments == 0 {
            lit(false)
        } else {
            col("amendments").gt_eq(lit(settings.amendments))
        };
        let contracts = tables
            .contracts()
            .join(
                awards,
                [col(PROCESS), col("award_id")],
                [col(PROCESS), col("award_id")],
                JoinArgs::new(JoinType::Left),
            )
            .with_columns([growth.alias("growth"), overpayment.alias("overpayment")])
            .with_columns([
                amended.alias("amended"),
                col("growth")
                    .gt(threshold.clone())
                    .fill_null(lit(false))
                    .alias("grown"),
                col("overpayment")
                    .gt(threshold)
                    .fill_null(lit(false))
                    .alias("overpaid"),
                polars::lazy::dsl::max_horizontal([col("growth"), col("overpayment")])?
                    .alias("increase"),
            ])
            .with_column(
                col("amended")
                    .or(col("grown"))
                    .or(col("overpaid"))
                    .alias("contract_flagged"),
            )
            .cache();
        let per_process = contracts.clone().group_by([col(PROCESS)]).agg([
            col("contract_flagged").any(true).alias("flagged"),
            col("increase").max().alias("increase"),
        ]);
        let assessed = process_rows(per_process, col("flagged"), col("increase"), []).assessed;
        // One evidence row per flagged contract, in the publisher's order: its grounds.
        let code = |flag: &str, code: &str| {
            when(col(flag))
                .then(lit(code.to_owned()))
                .otherwise(lit(NULL).cast(DataType::String))
        };
        let evidence = contracts
            .filter(col("contract_flagged"))
            .sort([PROCESS, "contract_index"], SortMultipleOptions::default())
            .select([
                col(PROCESS),
                contract_label().alias("contract"),
                concat_list([
                    code("amended", "amendments"),
                    code("grown", "growth"),
                    code("overpaid", "overpayment"),
                ])?
                .alias("grounds"),
                col("amendments"),
                col("amount"),
                col("currency"),
                col("growth"),
                col("award_amount"),
                col("award_currency"),
                col("transactions_amount").alias("payments"),
                col("overpayment"),
            ]);
        let processes = ProcessRows { assessed, evidence };
        Plan::processes_only(processes)
    }
}
