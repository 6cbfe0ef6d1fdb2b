//! `missing_tender_documents` (OCP R005): a competitive tender without the documents bidders
//! need, or with them published after its tender period began.

use polars::prelude::*;

use super::support::{process_rows, whole_days};
use super::{Batch, CompetitiveMethods, Definition, Group, InParts, Metadata, Phase, Plan};
use crate::domain::{Tables, code_in};
use crate::evidence::{Evidence, Field, Kind};

/// The indicator.
pub struct MissingTenderDocuments;

/// Its settings.
pub type Settings = CompetitiveMethods;

static METADATA: Metadata = Metadata {
    slug: "missing_tender_documents",
    code: Some("R005"),
    title: "Key tender documents not available",
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
        "tender.documents.documentType",
        "tender.documents.datePublished",
        "tender.tenderPeriod.startDate",
        "tender.procurementMethod",
    ],
    evidence: Evidence {
        process: &[
            Field::new("documents", Kind::Count),
            Field::new("key_documents", Kind::Count),
            Field::or("published", Kind::Date, "none"),
            Field::new("tender_start", Kind::Date),
            Field::or("days_late", Kind::Count, "none"),
        ],
        organization: &[],
    },
    settings: &[(
        "procurement_methods",
        "procurement methods whose tenders must publish their documents",
    )],
    page: include_str!("../../indicators/missing_tender_documents.md"),
};

impl Definition for MissingTenderDocuments {
    type Settings = Settings;

    fn metadata(&self) -> &'static Metadata {
        &METADATA
    }

    fn compute(&self, tables: &Tables, settings: &Settings) -> PolarsResult<Plan> {
        let assessable = tables
            .processes()
            .filter(
                code_in("procurement_method", &settings.procurement_methods)
                    .and(col("procurement_method").is_not_null())
                    .and(col("tender_documents").is_not_null())
                    .and(col("tender_start").is_not_null()),
            )
            .with_column(
                whole_days(col("key_documents_published"), col("tender_start")).alias("days_late"),
            );
        let missing = col("key_documents")
            .eq(lit(0u32))
            .or(col("days_late").gt_eq(lit(1)).fill_null(lit(false)));
        let processes = process_rows(
            assessable,
            missing.clone(),
            missing.cast(DataType::Float64),
            [
                col("tender_documents").alias("documents"),
                col("key_documents"),
                col("key_documents_published").alias("published"),
                col("tender_start"),
                col("days_late"),
            ],
        );
        Plan::processes_only(processes)
    }
}
