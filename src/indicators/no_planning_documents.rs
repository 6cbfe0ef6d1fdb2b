//! `no_planning_documents` (OCP R001): a process that publishes no planning document.

use polars::prelude::*;

use super::support::{process_rows, published_anywhere};
use super::{Batch, Definition, Group, InParts, Metadata, NoSettings, Phase, Plan};
use crate::domain::Tables;
use crate::evidence::{Evidence, Field, Kind};

/// The indicator.
pub struct NoPlanningDocuments;

static METADATA: Metadata = Metadata {
    slug: "no_planning_documents",
    code: Some("R001"),
    title: "Planning documents not available",
    phase: Phase::Planning,
    group: Group::Transparency,
    weight: 0.05,
    family: "planning_documents",
    lists_tenderers: false,
    batch: Batch::Other,
    in_parts: InParts::Whole,
    list: None,
    levels: &["process"],
    fields: &["planning.documents"],
    evidence: Evidence {
        process: &[Field::new("share", Kind::Percent)],
        organization: &[],
    },
    settings: &[],
    page: include_str!("../../indicators/no_planning_documents.md"),
};

impl Definition for NoPlanningDocuments {
    type Settings = NoSettings;

    fn metadata(&self) -> &'static Metadata {
        &METADATA
    }

    fn compute(&self, tables: &Tables, _: &NoSettings) -> PolarsResult<Plan> {
        let documents = "planning_documents";
        // Where the publisher never publishes planning documents, their absence says nothing.
        let assessable = tables
            .processes()
            .filter(published_anywhere(documents))
            .with_column(
                col(documents)
                    .is_not_null()
                    .cast(DataType::Float64)
                    .mean()
                    .alias("share"),
            );
        let missing = col(documents).is_null();
        let processes = process_rows(
            assessable,
            missing.clone(),
            missing.cast(DataType::Float64),
            [col("share")],
        );
        Plan::processes_only(processes)
    }
}
