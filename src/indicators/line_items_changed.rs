//! `line_items_changed` (OCP R065, R066): an amended contract whose items, or their quantities,
//! changed after the first release that listed them.

use polars::prelude::*;

use super::support::{contract_label, first_of_each, process_rows};
use super::{Batch, Definition, Group, InParts, Metadata, NoSettings, PROCESS, Phase, Plan};
use crate::domain::{Tables, code_is};
use crate::evidence::{Evidence, Field, Kind};

/// The indicator.
pub struct LineItemsChanged;

static METADATA: Metadata = Metadata {
    slug: "line_items_changed",
    code: Some("R066"),
    title: "Contract amendments that add or remove line items",
    phase: Phase::Implementation,
    group: Group::Contract,
    weight: 0.10,
    family: "contract_change",
    lists_tenderers: false,
    batch: Batch::Other,
    in_parts: InParts::Outcome,
    list: None,
    levels: &["process"],
    fields: &[
        "contracts.status",
        "contracts.amendments",
        "contracts.items",
        "contracts.items.quantity",
    ],
    evidence: Evidence {
        process: &[
            Field::new("contract", Kind::Text),
            Field::new("direction", Kind::Code(&["increased", "reduced"])),
            Field::new("first_items", Kind::Count),
            Field::new("items", Kind::Count),
            Field::new("first_quantity", Kind::Number),
            Field::new("quantity", Kind::Number),
            Field::new("amendments", Kind::Count),
        ],
        organization: &[],
    },
    settings: &[],
    page: include_str!("../../indicators/line_items_changed.md"),
};

impl Definition for LineItemsChanged {
    type Settings = NoSettings;

    fn metadata(&self) -> &'static Metadata {
        &METADATA
    }

    fn compute(&self, tables: &Tables, _: &NoSettings) -> PolarsResult<Plan> {
        let grown = col("items")
            .gt(col("first_items"))
            .or(col("quantity").gt(col("first_quantity")));
        let shrunk = col("items")
            .lt(col("first_items"))
            .or(col("quantity").lt(col("first_quantity")));
        let contracts = tables
            .contracts()
            .filter(
                code_is("status", "cancelled")
                    .not()
                    .and(col("amendments").gt(lit(0u32)))
                    .and(col("items").is_not_null())
                    .and(col("first_items").is_not_null()),
            )
            .with_columns([
                grown.alias("increased"),
                shrunk.alias("reduced"),
                contract_label().alias("contract"),
            ])
            .with_columns([
                col("increased").or(col("reduced")).alias("changed"),
                (col("quantity") - col("first_quantity"))
                    .abs()
                    .alias("change"),
            ]);
        let per_process = first_of_each(
            contracts,
            &[PROCESS],
            &["changed", "change", "contract_index"],
            &[true, true, false],
        )
        .sort([PROCESS], SortMultipleOptions::default());
        let processes = process_rows(
            per_process,
            col("changed"),
            (col("quantity") - col("first_quantity")) / col("first_quantity"),
            [
                col("contract"),
                when(col("reduced"))
                    .then(lit("reduced"))
                    .otherwise(lit("increased"))
                    .alias("direction"),
                col("first_items"),
                col("items"),
                col("first_quantity"),
                col("quantity"),
                col("amendments"),
            ],
        );
        Plan::processes_only(processes)
    }
}
