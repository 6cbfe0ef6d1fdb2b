//! `heterogeneous_supplier` (OCP R048): a supplier of an unusually wide variety of items.

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use super::support::{counts, no_process_rows};
use super::{
    Batch, Definition, Group, InParts, LazyOutcome, Metadata, ORGANIZATION_ID, PROCESS, Phase,
    Plan, ProcessRows, ROLE, VALUE, empty_organizations,
};
use crate::domain::{AWARD_KEY, Tables, ascending, code_is, packed_key};
use crate::evidence::{Evidence, Field, Kind};
use crate::stats::{Fences, Rule, round4};

/// The indicator.
pub struct HeterogeneousSupplier;

/// Its settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// The leading characters of a classification code that make its first level.
    pub digits: usize,
    /// A variety at or above this is flagged, in place of the upper fence.
    pub threshold: Option<u32>,
    /// Suppliers awarded in fewer processes are not assessed.
    pub minimum_contracting_processes: u32,
    /// Follow Cardinal's code (set by `redflags cardinal`): the fence as computed (not rounded
    /// up), every variety at or above it flagged even with no spread, and a supplier's
    /// processes counted only where it was awarded a classified item.
    pub cardinal: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            digits: 2,
            threshold: None,
            minimum_contracting_processes: 20,
            cardinal: false,
        }
    }
}

static METADATA: Metadata = Metadata {
    slug: "heterogeneous_supplier",
    code: Some("R048"),
    title: "Heterogeneous supplier",
    phase: Phase::Award,
    group: Group::Competition,
    weight: 0.05,
    family: "supplier_profile",
    lists_tenderers: false,
    batch: Batch::Other,
    in_parts: InParts::Whole,
    list: None,
    levels: &["tenderer"],
    fields: &[
        "awards.status",
        "awards.suppliers.id",
        "awards.items.classification.id",
    ],
    evidence: Evidence {
        process: &[],
        organization: &[
            Field::new("variety", Kind::Count),
            Field::new("digits", Kind::Count),
            Field::new("process_count", Kind::Count),
            Field::new("fence", Kind::Number),
        ],
    },
    settings: &[
        (
            "digits",
            "leading characters of a classification code that make its first level",
        ),
        (
            "threshold",
            "flag varieties at or above this (e.g. 10), instead of the upper fence",
        ),
        (
            "minimum_contracting_processes",
            "fewest processes a supplier must be awarded in to be assessed",
        ),
        (
            "cardinal",
            "follow Cardinal's code: unrounded fence, no spread needed (set by `redflags cardinal`)",
        ),
    ],
    page: include_str!("../../indicators/heterogeneous_supplier.md"),
};

impl Definition for HeterogeneousSupplier {
    type Settings = Settings;

    fn metadata(&self) -> &'static Metadata {
        &METADATA
    }

    fn compute(&self, tables: &Tables, settings: &Settings) -> PolarsResult<Plan> {
        // Active awards to one supplier (several suppliers need not supply every item).
        let awards = tables
            .awards()
            .filter(
                code_is("status", "active")
                    .and(col("suppliers_count").eq(lit(1)))
                    .and(col("supplier_id").is_not_null()),
            )
            .select([col(PROCESS), col(AWARD_KEY), col("supplier_id")])
            .cache();
        let digits = settings.digits.max(1) as u64;
        let classified = tables
            .items()
            .filter(
                col("section")
                    .eq(lit("award"))
                    .and(col("classification_id").is_not_null()),
            )
            .select([
                // In key order: the items table is in process order, and a process's award
                // items follow its awards' order. Marked so, the join to the awards (in the
                // same order) merges the two instead of hashing a million keys.
                ascending(packed_key("parent_index")).alias(AWARD_KEY),
                col("classification_id")
                    .str()
                    .head(lit(digits))
                    .alias("prefix"),
            ])
            .join(
                awards.clone(),
                [col(AWARD_KEY)],
                [col(AWARD_KEY)],
                JoinArgs::new(JoinType::Inner),
            );
        // Cardinal counts a supplier's processes among those with a classified item only.
        let counted = if settings.cardinal {
            classified
                .clone()
                .select([col(PROCESS), col("supplier_id")])
        } else {
            awards
        };
        let processes = counted
            .group_by([col("supplier_id")])
            .agg([col(PROCESS).n_unique().alias("processes")]);
        let varieties = classified
            .group_by([col("supplier_id")])
            .agg([col("prefix").n_unique().alias("variety")])
            .join(
                processes,
                [col("supplier_id")],
                [col("supplier_id")],
                JoinArgs::new(JoinType::Inner),
            )
            .filter(col("processes").gt_eq(lit(settings.minimum_contracting_processes)))
            .sort(["supplier_id"], SortMultipleOptions::default());
        // An organization-level indicator: no process is assessed on its own.
        let processes = no_process_rows(tables);
        let settings = settings.clone();
        Ok(Plan::staged([varieties], move |[varieties]| {
            judged(varieties, processes, digits, &settings)
        }))
    }
}

/// The outcome from the suppliers' varieties (`supplier_id`, `variety`, `processes`) of the
/// first `digits` characters of the classification: those above the fence of the varieties
/// are flagged.
fn judged(
    varieties: DataFrame,
    processes: ProcessRows,
    digits: u64,
    settings: &Settings,
) -> PolarsResult<LazyOutcome> {
    let values = counts(&varieties, "variety")?;
    // The fence is rounded up: a variety is a whole number of categories.
    let fences = Fences::of(&values);
    let fence = match settings.threshold {
        Some(threshold) => Some(f64::from(threshold)),
        None if settings.cardinal => fences.map(|f| f.upper),
        None => fences.map(|f| f.upper.ceil()),
    };
    let organizations = match fence {
        None => empty_organizations()?.lazy(),
        Some(fence) => varieties
            .lazy()
            .filter(Rule::of(settings.cardinal, false).high(
                col("variety").cast(DataType::Float64),
                fence,
                fences.filter(|_| settings.threshold.is_none()),
            ))
            .select([
                lit("tenderer").alias(ROLE),
                col("supplier_id").alias(ORGANIZATION_ID),
                col("variety").cast(DataType::Float64).alias(VALUE),
                col("variety"),
                lit(digits).alias("digits"),
                col("processes").alias("process_count"),
                lit(round4(fence)).alias("fence"),
            ]),
    };
    Ok(LazyOutcome {
        processes,
        organizations,
        meta: crate::stats::meta(
            "",
            fences,
            settings.threshold.is_none(),
            "upper_fence",
            fence,
        ),
    })
}
