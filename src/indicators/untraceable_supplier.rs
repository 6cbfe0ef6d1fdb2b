//! `untraceable_supplier` (OCP R047): a supplier whose entry gives no web address, in data
//! whose other parties give one.

use polars::prelude::*;

use super::support::{first_of_each, process_rows, published_anywhere};
use super::{Batch, Definition, Group, InParts, Metadata, NoSettings, PROCESS, Phase, Plan};
use crate::domain::{Tables, awarded};
use crate::evidence::{Evidence, Field, Kind};

/// The indicator.
pub struct UntraceableSupplier;

static METADATA: Metadata = Metadata {
    slug: "untraceable_supplier",
    code: Some("R047"),
    title: "Supplier is not traceable on the web",
    phase: Phase::Award,
    group: Group::Transparency,
    weight: 0.05,
    family: "supplier_profile",
    lists_tenderers: false,
    batch: Batch::Other,
    in_parts: InParts::Whole,
    list: None,
    levels: &["process"],
    fields: &[
        "awards.suppliers.id",
        "awards.suppliers.name",
        "parties.contactPoint.url",
    ],
    evidence: Evidence {
        process: &[
            Field::or("supplier", Kind::Text, "none"),
            Field::new("share", Kind::Percent),
        ],
        organization: &[],
    },
    settings: &[],
    page: include_str!("../../indicators/untraceable_supplier.md"),
};

impl Definition for UntraceableSupplier {
    type Settings = NoSettings;

    fn metadata(&self) -> &'static Metadata {
        &METADATA
    }

    fn compute(&self, tables: &Tables, _: &NoSettings) -> PolarsResult<Plan> {
        // The parties of the data, with whether any gives a web address, and how many do.
        let parties = tables
            .parties()
            .filter(col("party_id").is_not_null())
            .with_columns([
                published_anywhere("url").alias("published"),
                col("url")
                    .is_not_null()
                    .cast(DataType::Float64)
                    .mean()
                    .alias("share"),
            ])
            .filter(col("published"))
            .select([
                col(PROCESS),
                col("party_id").alias("supplier_id"),
                col("url"),
                col("share"),
            ])
            .unique_stable(
                Some(cols([PROCESS, "supplier_id"])),
                UniqueKeepStrategy::First,
            );
        let suppliers = tables
            .awards()
            .filter(awarded().and(col("supplier_id").is_not_null()))
            .select([col(PROCESS), col("supplier_id"), col("supplier_name")])
            .join(
                parties,
                [col(PROCESS), col("supplier_id")],
                [col(PROCESS), col("supplier_id")],
                JoinArgs::new(JoinType::Inner),
            )
            .with_column(col("url").is_null().alias("untraceable"));
        let per_process = first_of_each(
            suppliers,
            &[PROCESS],
            &["untraceable", "supplier_id"],
            &[true, false],
        )
        .sort([PROCESS], SortMultipleOptions::default());
        let processes = process_rows(
            per_process,
            col("untraceable"),
            col("untraceable").cast(DataType::Float64),
            [
                col("supplier_name")
                    .cast(DataType::String)
                    .fill_null(col("supplier_id").cast(DataType::String))
                    .alias("supplier"),
                col("share"),
            ],
        );
        Plan::processes_only(processes)
    }
}
