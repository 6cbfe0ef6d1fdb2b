//! `late_tender_notice` (OCP R004): a competitive tender whose notice was not published
//! before its tender period began.

use polars::prelude::*;

use super::support::{process_rows, published_anywhere, whole_days};
use super::{Batch, CompetitiveMethods, Definition, Group, InParts, Metadata, Phase, Plan};
use crate::domain::{Tables, code_in};
use crate::evidence::{Evidence, Field, Kind};

/// The indicator.
pub struct LateTenderNotice;

/// Its settings.
pub type Settings = CompetitiveMethods;

static METADATA: Metadata = Metadata {
    slug: "late_tender_notice",
    code: Some("R004"),
    title: "Tender notice not published before the tender period",
    phase: Phase::Tender,
    group: Group::Transparency,
    weight: 0.10,
    family: "publicity",
    lists_tenderers: false,
    batch: Batch::Other,
    in_parts: InParts::Whole,
    list: None,
    levels: &["process"],
    fields: &[
        "tender.documents.documentType",
        "tender.documents.datePublished",
        "tender.datePublished",
        "tender.tenderPeriod.startDate",
        "tender.procurementMethod",
    ],
    evidence: Evidence {
        process: &[
            Field::new("tender_start", Kind::Date),
            Field::or("notice", Kind::Date, "none"),
            Field::new("source", Kind::Code(&["notice", "tender", "none"])),
            Field::or("days_late", Kind::Count, "none"),
        ],
        organization: &[],
    },
    settings: &[(
        "procurement_methods",
        "procurement methods whose tenders must be advertised",
    )],
    page: include_str!("../../indicators/late_tender_notice.md"),
};

impl Definition for LateTenderNotice {
    type Settings = Settings;

    fn metadata(&self) -> &'static Metadata {
        &METADATA
    }

    fn compute(&self, tables: &Tables, settings: &Settings) -> PolarsResult<Plan> {
        // The notice's date: the tender notice document's, else the tender's own
        // `datePublished`, and which of them was used.
        let notice = col("notice_published").fill_null(col("tender_published"));
        let source = when(col("notice_published").is_not_null())
            .then(lit("notice"))
            .when(col("tender_published").is_not_null())
            .then(lit("tender"))
            .otherwise(lit("none"));
        let assessable = tables
            .processes()
            // Where neither date is ever published, a missing notice says nothing.
            .filter(
                published_anywhere("notice_published").or(published_anywhere("tender_published")),
            )
            .filter(
                code_in("procurement_method", &settings.procurement_methods)
                    .and(col("procurement_method").is_not_null())
                    .and(col("tender_start").is_not_null()),
            )
            .with_columns([notice.alias("notice"), source.alias("source")])
            .with_column(whole_days(col("notice"), col("tender_start")).alias("days_late"));
        // A notice out the same day the period starts (a start at midnight, a notice at ten)
        // is not late: a whole day after is.
        let late = col("notice").is_null().or(col("days_late").gt_eq(lit(1)));
        let processes = process_rows(
            assessable,
            late.clone(),
            late.cast(DataType::Float64),
            [
                col("tender_start"),
                col("notice"),
                col("source"),
                col("days_late"),
            ],
        );
        Plan::processes_only(processes)
    }
}
