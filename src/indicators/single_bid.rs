//! `single_bid` (OCP R018): a competitive process that received exactly one tender.

use polars::prelude::*;

use super::support::{process_rows, with_tenderer_counts};
use super::{Batch, CompetitiveMethods, Definition, Group, InParts, Metadata, Phase, Plan};
use crate::domain::{Tables, code_in};
use crate::evidence::{Evidence, Field, Kind};

/// The indicator.
pub struct SingleBid;

/// Its settings.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// The procurement methods assessed (compared without regard to case; empty: any).
    pub procurement_methods: Vec<String>,
    /// Follow Cardinal's code (set by `redflags cardinal`): only `tender.numberOfTenderers`
    /// counts the tenderers.
    pub cardinal: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            procurement_methods: CompetitiveMethods::default().procurement_methods,
            cardinal: false,
        }
    }
}

static METADATA: Metadata = Metadata {
    slug: "single_bid",
    code: Some("R018"),
    title: "Single bid received in a competitive process",
    phase: Phase::Tender,
    group: Group::Competition,
    weight: 0.30,
    family: "single_bid",
    lists_tenderers: false,
    batch: Batch::Other,
    in_parts: InParts::Outcome,
    list: None,
    levels: &["process"],
    fields: &[
        "tender.procurementMethod",
        "tender.numberOfTenderers",
        "bids.details.status",
        "bids.details.tenderers.id",
        "tender.tenderers.id",
    ],
    evidence: Evidence {
        process: &[
            Field::new("source", Kind::Code(&["declared", "bids", "tenderers"])),
            Field::or("method", Kind::Text, "none"),
        ],
        organization: &[],
    },
    settings: &[
        (
            "procurement_methods",
            "procurement methods in which one tenderer is a red flag (empty: any method)",
        ),
        (
            "cardinal",
            "follow Cardinal's code: count only tender.numberOfTenderers (set by `redflags cardinal`)",
        ),
    ],
    page: include_str!("../../indicators/single_bid.md"),
};

impl Definition for SingleBid {
    type Settings = Settings;

    fn metadata(&self) -> &'static Metadata {
        &METADATA
    }

    fn compute(&self, tables: &Tables, settings: &Settings) -> PolarsResult<Plan> {
        let assessable = with_tenderer_counts(tables, settings.cardinal).filter(
            code_in("procurement_method", &settings.procurement_methods)
                .and(col("tenderers").is_not_null()),
        );
        let evidence = [col("source"), col("procurement_method").alias("method")];
        let processes = process_rows(
            assessable,
            col("tenderers").eq(lit(1)),
            col("tenderers"),
            evidence,
        );
        Plan::processes_only(processes)
    }
}
