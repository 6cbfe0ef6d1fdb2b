//! `long_contract`: a contract period far longer than others of its category.

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use super::support::{largest_contract, process_rows, whole_days, with_group_fences};
use super::{Batch, Definition, Group, InParts, LazyOutcome, Metadata, PROCESS, Phase, Plan};
use crate::domain::Tables;
use crate::evidence::{Evidence, Field, Kind};

/// The indicator.
pub struct LongContract;

/// Its settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// The fewest contracts of a main category for its upper fence to be computed.
    pub minimum_contracts: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            minimum_contracts: 20,
        }
    }
}

static METADATA: Metadata = Metadata {
    slug: "long_contract",
    code: None,
    title: "Contract period far above its category's",
    phase: Phase::Contract,
    group: Group::Contract,
    weight: 0.05,
    family: "contract_length",
    lists_tenderers: false,
    batch: Batch::Other,
    in_parts: InParts::Whole,
    list: None,
    levels: &["process"],
    fields: &[
        "contracts.period.startDate",
        "contracts.period.endDate",
        "tender.mainProcurementCategory",
    ],
    evidence: Evidence {
        process: &[
            Field::or("contract", Kind::Text, "no_id"),
            Field::new("days", Kind::Count),
            Field::new("period_start", Kind::Date),
            Field::new("period_end", Kind::Date),
            Field::new("upper_fence", Kind::Fixed(1)),
            Field::or("category", Kind::Text, "none"),
        ],
        organization: &[],
    },
    settings: &[(
        "minimum_contracts",
        "fewest contracts of a main category for its upper fence to be computed",
    )],
    page: include_str!("../../indicators/long_contract.md"),
};

impl Definition for LongContract {
    type Settings = Settings;

    fn metadata(&self) -> &'static Metadata {
        &METADATA
    }

    fn compute(&self, tables: &Tables, settings: &Settings) -> PolarsResult<Plan> {
        let contracts = tables
            .contracts()
            .filter(
                col("period_start")
                    .is_not_null()
                    .and(col("period_end").is_not_null()),
            )
            .join(
                tables
                    .processes()
                    .select([col(PROCESS), col("main_procurement_category")]),
                [col(PROCESS)],
                [col(PROCESS)],
                JoinArgs::new(JoinType::Left),
            )
            .with_column(whole_days(col("period_end"), col("period_start")).alias("days"))
            .filter(col("days").gt_eq(lit(0)));
        let minimum = settings.minimum_contracts;
        Ok(Plan::staged([contracts], move |[contracts]| {
            judged(contracts, minimum)
        }))
    }
}

/// The outcome from the measured contracts (`days`, with their process's
/// `main_procurement_category`): each process's longest contract, judged against the upper
/// fence of its category (computed with at least `minimum` contracts).
fn judged(contracts: DataFrame, minimum: usize) -> PolarsResult<LazyOutcome> {
    // Per process: its longest contract, judged against its category's fence.
    let per_process = with_group_fences(contracts, "main_procurement_category", "days", minimum)?
        .filter(col("upper_fence").is_not_null());
    let per_process = largest_contract(
        per_process,
        "days",
        &[
            "period_start",
            "period_end",
            "upper_fence",
            "main_procurement_category",
        ],
    );
    let evidence = [
        col("contract_id").alias("contract"),
        col("days"),
        col("period_start"),
        col("period_end"),
        col("upper_fence").round(1, RoundMode::HalfAwayFromZero),
        col("main_procurement_category").alias("category"),
    ];
    let processes = process_rows(
        per_process,
        col("days").cast(DataType::Float64).gt(col("upper_fence")),
        col("days"),
        evidence,
    );
    LazyOutcome::processes_only(processes)
}
