//! `unpublished_contract` (OCP R063): a contract whose text is not published.

use polars::prelude::*;

use super::support::{contract_label, first_of_each, process_rows, published_anywhere};
use super::{Batch, Definition, Group, InParts, Metadata, NoSettings, PROCESS, Phase, Plan};
use crate::domain::{Tables, code_is};
use crate::evidence::{Evidence, Field, Kind};

/// The indicator.
pub struct UnpublishedContract;

static METADATA: Metadata = Metadata {
    slug: "unpublished_contract",
    code: Some("R063"),
    title: "Contract is not published",
    phase: Phase::Contract,
    group: Group::Transparency,
    weight: 0.10,
    family: "contract_publicity",
    lists_tenderers: false,
    batch: Batch::Other,
    in_parts: InParts::Whole,
    list: None,
    levels: &["process"],
    fields: &["contracts.status", "contracts.documents.documentType"],
    evidence: Evidence {
        process: &[
            Field::new("contract", Kind::Text),
            Field::new("documents", Kind::Count),
            Field::new("unpublished", Kind::Count),
            Field::new("contracts", Kind::Count),
        ],
        organization: &[],
    },
    settings: &[],
    page: include_str!("../../indicators/unpublished_contract.md"),
};

impl Definition for UnpublishedContract {
    type Settings = NoSettings;

    fn metadata(&self) -> &'static Metadata {
        &METADATA
    }

    fn compute(&self, tables: &Tables, _: &NoSettings) -> PolarsResult<Plan> {
        let unpublished = col("contract_text").fill_null(lit(false)).not();
        let contracts = tables
            .contracts()
            // Where no contract lists documents, the publisher does not publish them.
            .filter(published_anywhere("documents"))
            .filter(code_is("status", "cancelled").not())
            .with_columns([
                unpublished.alias("unpublished"),
                contract_label().alias("contract"),
                col("documents").fill_null(lit(0u32)),
            ])
            .with_columns([
                col("unpublished")
                    .cast(DataType::UInt32)
                    .sum()
                    .over([col(PROCESS)])?
                    .alias("unpublished_count"),
                len().over([col(PROCESS)])?.alias("contracts"),
            ]);
        // The process's first contract without its text speaks for it.
        let per_process = first_of_each(
            contracts,
            &[PROCESS],
            &["unpublished", "contract_index"],
            &[true, false],
        )
        .sort([PROCESS], SortMultipleOptions::default());
        let processes = process_rows(
            per_process,
            col("unpublished"),
            col("unpublished_count"),
            [
                col("contract"),
                col("documents"),
                col("unpublished_count").alias("unpublished"),
                col("contracts"),
            ],
        );
        Plan::processes_only(processes)
    }
}
