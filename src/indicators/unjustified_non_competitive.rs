//! `unjustified_non_competitive` (OCP R010): a non-competitive procedure with no
//! justification for its method.

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use super::support::{process_rows, published_anywhere};
use super::{Batch, Definition, Group, InParts, Metadata, Phase, Plan};
use crate::domain::{Tables, code_in};
use crate::evidence::{Evidence, Field, Kind};
use crate::frames::text_test;

/// The indicator.
pub struct UnjustifiedNonCompetitive;

/// Its settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// The procurement methods that need a justification (compared without regard to case).
    pub procurement_methods: Vec<String>,
    /// The grounds the law accepts, as words a justification must contain one of (without
    /// regard to case); empty: any justification is accepted.
    pub accepted: Vec<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            procurement_methods: vec!["limited".to_owned(), "direct".to_owned()],
            accepted: Vec::new(),
        }
    }
}

static METADATA: Metadata = Metadata {
    slug: "unjustified_non_competitive",
    code: Some("R010"),
    title: "Non-competitive procedure without a justification",
    phase: Phase::Tender,
    group: Group::Transparency,
    weight: 0.15,
    family: "method",
    lists_tenderers: false,
    batch: Batch::Other,
    in_parts: InParts::Whole,
    list: None,
    levels: &["process"],
    fields: &[
        "tender.procurementMethod",
        "tender.procurementMethodDetails",
        "tender.procurementMethodRationale",
    ],
    evidence: Evidence {
        process: &[
            Field::new("method", Kind::Text),
            Field::or("details", Kind::Text, "none"),
            Field::or("rationale", Kind::Text, "none"),
        ],
        organization: &[],
    },
    settings: &[
        (
            "procurement_methods",
            "procurement methods that need a justification",
        ),
        (
            "accepted",
            "words one of which a justification must contain (empty: any justification)",
        ),
    ],
    page: include_str!("../../indicators/unjustified_non_competitive.md"),
};

impl Definition for UnjustifiedNonCompetitive {
    type Settings = Settings;

    fn metadata(&self) -> &'static Metadata {
        &METADATA
    }

    fn check(&self, settings: &Settings) -> Result<(), String> {
        if settings.procurement_methods.is_empty() {
            return Err("procurement_methods must name at least one method".to_owned());
        }
        if settings.accepted.iter().any(|word| word.trim().is_empty()) {
            return Err("accepted must not hold an empty text".to_owned());
        }
        Ok(())
    }

    fn compute(&self, tables: &Tables, settings: &Settings) -> PolarsResult<Plan> {
        let rationale = "procurement_method_rationale";
        let accepted: Vec<String> = settings.accepted.iter().map(|w| w.to_lowercase()).collect();
        let unjustified = if accepted.is_empty() {
            col(rationale).is_null()
        } else {
            text_test(rationale, move |text| {
                let text = text.to_lowercase();
                !accepted.iter().any(|word| text.contains(word.as_str()))
            })
            .fill_null(lit(true))
        };
        // Where the publisher never publishes a justification, its absence says nothing.
        let assessable = tables
            .processes()
            .filter(published_anywhere(rationale))
            .filter(
                code_in("procurement_method", &settings.procurement_methods)
                    .and(col("procurement_method").is_not_null()),
            );
        let processes = process_rows(
            assessable,
            unjustified.clone(),
            unjustified.cast(DataType::Float64),
            [
                col("procurement_method").alias("method"),
                col("procurement_method_details").alias("details"),
                col(rationale).alias("rationale"),
            ],
        );
        Plan::processes_only(processes)
    }
}
