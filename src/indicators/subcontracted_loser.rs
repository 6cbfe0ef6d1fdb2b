//! `subcontracted_loser` (OCP R070): a losing bidder hired as the winner's subcontractor.

use polars::prelude::*;

use super::support::{contract_label, first_of_each, process_rows};
use super::{
    Batch, Definition, Group, InParts, LazyOutcome, Metadata, NoSettings, OCID, PROCESS, Phase,
    Plan,
};
use crate::domain::{Tables, awarded};
use crate::evidence::{Evidence, Field, Kind};

/// The indicator.
pub struct SubcontractedLoser;

static METADATA: Metadata = Metadata {
    slug: "subcontracted_loser",
    code: Some("R070"),
    title: "Losing bidders are hired as subcontractors",
    phase: Phase::Implementation,
    group: Group::Competition,
    weight: 0.40,
    family: "collusion",
    lists_tenderers: false,
    batch: Batch::Other,
    in_parts: InParts::Whole,
    list: None,
    levels: &["process"],
    fields: &[
        "contracts.relatedProcesses.relationship",
        "contracts.relatedProcesses.identifier",
        "awards.suppliers.id",
        "bids.details.tenderers.id",
    ],
    evidence: Evidence {
        process: &[
            Field::new("contract", Kind::Text),
            Field::new("subcontract", Kind::Text),
            Field::or("loser", Kind::Text, "none"),
            Field::new("subcontracts", Kind::Count),
        ],
        organization: &[],
    },
    settings: &[],
    page: include_str!("../../indicators/subcontracted_loser.md"),
};

impl Definition for SubcontractedLoser {
    type Settings = NoSettings;

    fn metadata(&self) -> &'static Metadata {
        &METADATA
    }

    fn compute(&self, tables: &Tables, _: &NoSettings) -> PolarsResult<Plan> {
        // Each contract's subcontract, found among the processes of the data by its ocid.
        let subcontracts = tables
            .contracts()
            .filter(col("subcontract").is_not_null())
            .select([
                col(PROCESS),
                col("contract_index"),
                contract_label().alias("contract"),
                col("subcontract").cast(DataType::String),
                col("subcontracts"),
            ])
            .join(
                tables.ocids().select([
                    col(PROCESS).alias("subcontract_process"),
                    col(OCID).cast(DataType::String).alias("subcontract"),
                ]),
                [col("subcontract")],
                [col("subcontract")],
                JoinArgs::new(JoinType::Inner),
            );
        // Few publishers link subcontracts: the rest is planned only when some contract does.
        let tables = tables.clone();
        Ok(Plan::staged([subcontracts], move |[subcontracts]| {
            judged(&tables, subcontracts)
        }))
    }
}

/// The outcome from the contracts that name a subcontract found in the data (`process`,
/// `contract_index`, `contract`, `subcontract`, `subcontracts`, `subcontract_process`).
fn judged(tables: &Tables, subcontracts: DataFrame) -> PolarsResult<LazyOutcome> {
    if subcontracts.height() == 0 {
        return LazyOutcome::processes_only(super::support::listed::not_run(
            tables,
            &[
                ("contract", DataType::String),
                ("subcontract", DataType::String),
                ("loser", DataType::String),
                ("subcontracts", DataType::UInt32),
            ],
        ));
    }
    let subcontracts = subcontracts.lazy();
    let suppliers = tables
        .awards()
        .filter(awarded().and(col("supplier_id").is_not_null()))
        .select([
            col(PROCESS).alias("subcontract_process"),
            col("supplier_id").alias("subcontractor"),
        ])
        .unique(None, UniqueKeepStrategy::Any);
    let winners = tables
        .awards()
        .filter(awarded().and(col("supplier_id").is_not_null()))
        .select([col(PROCESS), col("supplier_id").alias("tenderer_id")]);
    // The tenderers of each process that won nothing in it.
    let (tenderers, _) = tables.tenderer_sets(1);
    let losers = tenderers.join(
        winners,
        [col(PROCESS), col("tenderer_id")],
        [col(PROCESS), col("tenderer_id")],
        JoinArgs::new(JoinType::Anti),
    );
    // The contracts whose subcontract's process has suppliers, in processes with losers:
    // each subcontractor, and whether it lost the process.
    let measured = subcontracts
        .join(
            suppliers,
            [col("subcontract_process")],
            [col("subcontract_process")],
            JoinArgs::new(JoinType::Inner),
        )
        .join(
            losers
                .clone()
                .select([col(PROCESS)])
                .unique(None, UniqueKeepStrategy::Any),
            [col(PROCESS)],
            [col(PROCESS)],
            JoinArgs::new(JoinType::Semi),
        )
        .join(
            losers.with_column(lit(true).alias("lost")),
            [col(PROCESS), col("subcontractor")],
            [col(PROCESS), col("tenderer_id")],
            JoinArgs::new(JoinType::Left),
        )
        .with_column(col("lost").fill_null(lit(false)));
    let per_process = first_of_each(
        measured,
        &[PROCESS],
        &["lost", "contract_index", "subcontractor"],
        &[true, false, false],
    )
    .sort([PROCESS], SortMultipleOptions::default());
    let processes = process_rows(
        per_process,
        col("lost"),
        col("lost").cast(DataType::Float64),
        [
            col("contract"),
            col("subcontract"),
            col("subcontractor").alias("loser"),
            col("subcontracts"),
        ],
    );
    LazyOutcome::processes_only(processes)
}
