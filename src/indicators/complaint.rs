//! `complaint` (OCP R020): a process with a complaint.

use polars::prelude::*;

use super::support::{process_rows, published_anywhere};
use super::{Batch, Definition, Group, InParts, Metadata, NoSettings, Phase, Plan};
use crate::domain::Tables;
use crate::evidence::{Evidence, Field, Kind};

/// The indicator.
pub struct Complaint;

static METADATA: Metadata = Metadata {
    slug: "complaint",
    code: Some("R020"),
    title: "Tender has a complaint",
    phase: Phase::Tender,
    group: Group::Competition,
    weight: 0.10,
    family: "complaint",
    lists_tenderers: false,
    batch: Batch::Other,
    in_parts: InParts::Whole,
    list: None,
    levels: &["process"],
    fields: &["complaints.id"],
    evidence: Evidence {
        process: &[Field::new("complaints", Kind::Count)],
        organization: &[],
    },
    settings: &[],
    page: include_str!("../../indicators/complaint.md"),
};

impl Definition for Complaint {
    type Settings = NoSettings;

    fn metadata(&self) -> &'static Metadata {
        &METADATA
    }

    fn compute(&self, tables: &Tables, _: &NoSettings) -> PolarsResult<Plan> {
        // Where no process has a complaint, the publisher does not publish them.
        let assessable = tables
            .processes()
            .filter(published_anywhere("complaints"))
            .with_column(col("complaints").fill_null(lit(0u32)));
        let complained = col("complaints").gt(lit(0u32));
        let processes = process_rows(
            assessable,
            complained,
            col("complaints"),
            [col("complaints")],
        );
        Plan::processes_only(processes)
    }
}
