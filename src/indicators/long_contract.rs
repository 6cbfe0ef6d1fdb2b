//! `long_contract`: a contract period far longer than others of its category.

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use super::support::{iso_date, largest_contract, process_rows, whole_days, with_group_fences};
use super::{Definition, Group, LazyOutcome, Metadata, PROCESS, Phase, Plan};
use crate::domain::Tables;

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
    levels: &["process"],
    fields: &[
        "contracts.period.startDate",
        "contracts.period.endDate",
        "tender.mainProcurementCategory",
    ],
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
    let evidence = concat_str(
        [
            lit("contract "),
            col("contract_id").fill_null(lit("(no id)")),
            lit(" runs "),
            col("days").cast(DataType::String),
            lit(" days ("),
            iso_date(col("period_start")),
            lit(" to "),
            iso_date(col("period_end")),
            lit("), above the upper fence of "),
            col("upper_fence")
                .round(1, RoundMode::HalfAwayFromZero)
                .cast(DataType::String),
            lit(" days for category '"),
            col("main_procurement_category").fill_null(lit("(none)")),
            lit("'"),
        ],
        "",
        false,
    );
    let processes = process_rows(
        per_process,
        col("days").cast(DataType::Float64).gt(col("upper_fence")),
        col("days"),
        evidence,
    );
    LazyOutcome::processes_only(processes)
}
