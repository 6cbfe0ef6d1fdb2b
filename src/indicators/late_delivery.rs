//! `late_delivery` (OCP R067): a contract's delivery met late, or not met by its due date.

use polars::prelude::*;

use super::support::{contract_label, first_of_each, process_rows};
use super::{Batch, Definition, Group, InParts, Metadata, NoSettings, PROCESS, Phase, Plan};
use crate::domain::Tables;
use crate::evidence::{Evidence, Field, Kind};

/// The indicator.
pub struct LateDelivery;

static METADATA: Metadata = Metadata {
    slug: "late_delivery",
    code: Some("R067"),
    title: "Delivery failure",
    phase: Phase::Implementation,
    group: Group::Contract,
    weight: 0.15,
    family: "delivery",
    lists_tenderers: false,
    batch: Batch::Other,
    in_parts: InParts::Outcome,
    list: None,
    levels: &["process"],
    fields: &[
        "contracts.implementation.milestones.type",
        "contracts.implementation.milestones.dueDate",
        "contracts.implementation.milestones.dateMet",
    ],
    evidence: Evidence {
        process: &[
            Field::new("contract", Kind::Text),
            Field::new("late", Kind::Count),
            Field::new("due", Kind::Count),
            Field::new("late_due", Kind::Date),
            Field::or("late_met", Kind::Date, "not_met"),
        ],
        organization: &[],
    },
    settings: &[],
    page: include_str!("../../indicators/late_delivery.md"),
};

impl Definition for LateDelivery {
    type Settings = NoSettings;

    fn metadata(&self) -> &'static Metadata {
        &METADATA
    }

    fn compute(&self, tables: &Tables, _: &NoSettings) -> PolarsResult<Plan> {
        let contracts = tables
            .contracts()
            .filter(col("deliveries_due").is_not_null())
            .with_column(contract_label().alias("contract"));
        // The process's contract with the most late deliveries (the first of equals).
        let per_process = first_of_each(
            contracts,
            &[PROCESS],
            &["deliveries_late", "contract_index"],
            &[true, false],
        )
        .sort([PROCESS], SortMultipleOptions::default());
        let processes = process_rows(
            per_process,
            col("deliveries_late").gt(lit(0u32)),
            col("deliveries_late"),
            [
                col("contract"),
                col("deliveries_late").alias("late"),
                col("deliveries_due").alias("due"),
                col("late_due"),
                col("late_met"),
            ],
        );
        Plan::processes_only(processes)
    }
}
