//! `no_tender_period`: a competitive process with no tender period at all.

use polars::prelude::*;

use super::support::process_rows;
use super::{Batch, CompetitiveMethods, Definition, Group, InParts, Metadata, Phase, Plan};
use crate::domain::{Tables, code_in};
use crate::evidence::{Evidence, Field, Kind};

/// The indicator.
pub struct NoTenderPeriod;

/// Its settings.
pub type Settings = CompetitiveMethods;

static METADATA: Metadata = Metadata {
    slug: "no_tender_period",
    code: None,
    title: "No tender period in a competitive process",
    phase: Phase::Tender,
    group: Group::Transparency,
    weight: 0.10,
    family: "tender_period",
    lists_tenderers: false,
    batch: Batch::Other,
    in_parts: InParts::Outcome,
    list: None,
    levels: &["process"],
    fields: &["tender.procurementMethod", "tender.tenderPeriod"],
    evidence: Evidence {
        process: &[Field::new("method", Kind::Text)],
        organization: &[],
    },
    settings: &[(
        "procurement_methods",
        "procurement methods that must publish a call for tenders",
    )],
    page: include_str!("../../indicators/no_tender_period.md"),
};

impl Definition for NoTenderPeriod {
    type Settings = Settings;

    fn metadata(&self) -> &'static Metadata {
        &METADATA
    }

    fn compute(&self, tables: &Tables, settings: &Settings) -> PolarsResult<Plan> {
        // Only processes whose method is known and competitive: with an empty list, every
        // process with a method.
        let competitive = code_in("procurement_method", &settings.procurement_methods)
            .and(col("procurement_method").is_not_null());
        let assessable = tables.processes().filter(competitive);
        let missing = col("has_tender_period").not();
        let processes = process_rows(
            assessable,
            missing.clone(),
            missing.cast(DataType::Float64),
            [col("procurement_method").alias("method")],
        );
        Plan::processes_only(processes)
    }
}
