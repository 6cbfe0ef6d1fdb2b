//! `unanswered_enquiries` (OCP R039): questions from bidders left without an answer.

use polars::prelude::*;

use super::support::process_rows;
use super::{Batch, Definition, Group, InParts, Metadata, NoSettings, Phase, Plan};
use crate::domain::Tables;
use crate::evidence::{Evidence, Field, Kind};

/// The indicator.
pub struct UnansweredEnquiries;

static METADATA: Metadata = Metadata {
    slug: "unanswered_enquiries",
    code: Some("R039"),
    title: "Unanswered bidder questions",
    phase: Phase::Tender,
    group: Group::Transparency,
    weight: 0.10,
    family: "publicity",
    lists_tenderers: false,
    batch: Batch::Other,
    in_parts: InParts::Outcome,
    list: None,
    levels: &["process"],
    fields: &[
        "tender.enquiries.date",
        "tender.enquiries.dateAnswered",
        "tender.enquiries.answer",
    ],
    evidence: Evidence {
        process: &[
            Field::new("unanswered", Kind::Count),
            Field::new("enquiries", Kind::Count),
        ],
        organization: &[],
    },
    settings: &[],
    page: include_str!("../../indicators/unanswered_enquiries.md"),
};

impl Definition for UnansweredEnquiries {
    type Settings = NoSettings;

    fn metadata(&self) -> &'static Metadata {
        &METADATA
    }

    fn compute(&self, tables: &Tables, _: &NoSettings) -> PolarsResult<Plan> {
        let assessable = tables.processes().filter(col("enquiries").is_not_null());
        let processes = process_rows(
            assessable,
            col("unanswered").gt(lit(0u32)),
            col("unanswered"),
            [col("unanswered"), col("enquiries")],
        );
        Plan::processes_only(processes)
    }
}
