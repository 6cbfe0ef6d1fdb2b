//! `non_open_procedure`: a process run without competition, and buyers that do so far more
//! than their peers.

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use super::support::process_rows;
use super::{
    Batch, Definition, Group, InParts, LazyOutcome, Metadata, ORGANIZATION_ID, PROCESS, Phase,
    Plan, ProcessRows, ROLE, VALUE, empty_organizations,
};
use crate::domain::{Tables, code_in};
use crate::evidence::{Evidence, Field, Kind};
use crate::frames::text_in;
use crate::stats::{Fences, round4};

/// The indicator.
pub struct NonOpenProcedure;

/// Its settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// The procurement methods that are not competitive.
    pub procurement_methods: Vec<String>,
    /// `procurementMethodDetails` values that are not competitive either, whatever the method.
    pub procurement_method_details: Vec<String>,
    /// The fewest awarded processes for a buyer's share to be assessed.
    pub minimum_processes: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            procurement_methods: vec!["direct".to_owned(), "limited".to_owned()],
            procurement_method_details: Vec::new(),
            minimum_processes: 10,
        }
    }
}

static METADATA: Metadata = Metadata {
    slug: "non_open_procedure",
    code: Some("R013"),
    title: "Non-competitive procedure",
    phase: Phase::Tender,
    group: Group::Competition,
    weight: 0.05,
    family: "method",
    lists_tenderers: false,
    batch: Batch::Other,
    in_parts: InParts::Whole,
    list: None,
    levels: &["process", "buyer"],
    fields: &[
        "tender.procurementMethod",
        "tender.procurementMethodDetails",
        "awards.status",
        "awards.value",
        "buyer.id",
    ],
    evidence: Evidence {
        process: &[
            Field::or("method", Kind::Text, "none"),
            Field::or("details", Kind::Text, "none"),
        ],
        organization: &[
            Field::new("share", Kind::Percent),
            Field::or("currency", Kind::Text, "no_currency"),
            Field::new("process_count", Kind::Count),
            Field::new("upper_fence", Kind::PercentFixed),
            Field::new("q1", Kind::PercentFixed),
            Field::new("q3", Kind::PercentFixed),
        ],
    },
    settings: &[
        (
            "procurement_methods",
            "procurement methods that are not competitive",
        ),
        (
            "procurement_method_details",
            "procurementMethodDetails values that are not competitive either",
        ),
        (
            "minimum_processes",
            "fewest awarded processes for a buyer's share to be assessed",
        ),
    ],
    page: include_str!("../../indicators/non_open_procedure.md"),
};

impl Definition for NonOpenProcedure {
    type Settings = Settings;

    fn metadata(&self) -> &'static Metadata {
        &METADATA
    }

    fn compute(&self, tables: &Tables, settings: &Settings) -> PolarsResult<Plan> {
        let details = &settings.procurement_method_details;
        let by_details = if details.is_empty() {
            lit(false)
        } else {
            text_in("procurement_method_details", details)
        };
        let non_open = code_in("procurement_method", &settings.procurement_methods)
            .and(col("procurement_method").is_not_null())
            .or(by_details);
        let assessable = tables
            .processes()
            .filter(
                col("procurement_method")
                    .is_not_null()
                    .or(col("procurement_method_details").is_not_null()),
            )
            .with_column(non_open.alias("non_open"));
        let processes = process_rows(
            assessable.clone(),
            col("non_open"),
            col("non_open").cast(DataType::Float64),
            [
                col("procurement_method").alias("method"),
                col("procurement_method_details").alias("details"),
            ],
        );
        // Per buyer and currency: the share of the awarded value (its spend) that went through
        // non-competitive procedures; each awarded award counted once.
        let buyers = tables
            .buyer_awards(col("amount").gt(lit(0.0)), true)
            .join(
                assessable.select([col(PROCESS), col("non_open")]),
                [col(PROCESS)],
                [col(PROCESS)],
                JoinArgs::new(JoinType::Inner),
            )
            .with_column(col("currency").alias("tender_currency"))
            .group_by([col("buyer_id"), col("tender_currency")])
            .agg([
                col(PROCESS).n_unique().alias("processes"),
                col("amount").sum().alias("total"),
                (col("amount") * col("non_open").cast(DataType::Float64))
                    .sum()
                    .alias("non_open_value"),
            ])
            .filter(col("processes").gt_eq(lit(settings.minimum_processes)))
            .with_column((col("non_open_value") / col("total")).alias(VALUE))
            .sort(
                ["buyer_id", "tender_currency"],
                SortMultipleOptions::default(),
            );
        Ok(Plan::staged(
            [processes.assessed, processes.evidence, buyers],
            |[assessed, evidence, buyers]| {
                let processes = ProcessRows {
                    assessed: assessed.lazy(),
                    evidence: evidence.lazy(),
                };
                judged(processes, buyers)
            },
        ))
    }
}

/// The outcome from the per-process tables and the buyers' shares of non-competitive spend
/// (`buyer_id`, `tender_currency`, `processes`, and the share as the value): the buyers above
/// the upper fence of the shares are flagged.
fn judged(processes: ProcessRows, buyers: DataFrame) -> PolarsResult<LazyOutcome> {
    let shares: Vec<f64> = buyers.column(VALUE)?.f64()?.iter().flatten().collect();
    let fences = Fences::of(&shares);
    let organizations = match fences {
        None => empty_organizations()?.lazy(),
        Some(fences) => buyers
            .lazy()
            .filter(Fences::high(col(VALUE), fences.upper, Some(fences)))
            .select([
                lit("buyer").alias(ROLE),
                col("buyer_id").alias(ORGANIZATION_ID),
                col(VALUE),
                col(VALUE).alias("share"),
                col("tender_currency").alias("currency"),
                col("processes").alias("process_count"),
                lit(round4(fences.upper)).alias("upper_fence"),
                lit(round4(fences.q1)).alias("q1"),
                lit(round4(fences.q3)).alias("q3"),
            ]),
    };
    Ok(LazyOutcome {
        processes,
        organizations,
        meta: crate::stats::meta("", fences, true, "upper_fence", fences.map(|f| f.upper)),
    })
}
