//! `excessive_unsuccessful_bids` (OCP R025): a tenderer that bids often but rarely wins.

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use super::support::{counts, no_process_rows};
use super::{
    Batch, Definition, Group, InParts, LazyOutcome, Metadata, ORGANIZATION_ID, PROCESS, Phase,
    Plan, ProcessRows, ROLE, VALUE, empty_organizations,
};
use crate::domain::{Tables, distinct_in_process, numbered_code, with_process};
use crate::evidence::{Evidence, Field, Kind};
use crate::stats::{Fences, Rule, percentile, round4};

/// The indicator.
pub struct ExcessiveUnsuccessfulBids;

/// Its settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// Top tenderers have at least this percentile (0–100) of the numbers of processes bid.
    pub percentile: usize,
    /// A win ratio at or below this is flagged, in place of the lower fence.
    pub threshold: Option<f64>,
    /// Follow Cardinal's code (set by `redflags cardinal`): every ratio at or below the
    /// fence is flagged, even with no spread, unless the fence or Q1 is zero.
    pub cardinal: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            percentile: 75,
            threshold: None,
            cardinal: false,
        }
    }
}

static METADATA: Metadata = Metadata {
    slug: "excessive_unsuccessful_bids",
    code: Some("R025"),
    title: "Excessive unsuccessful bids",
    phase: Phase::Award,
    group: Group::Competition,
    weight: 0.10,
    family: "supplier_profile",
    lists_tenderers: false,
    batch: Batch::Bids,
    in_parts: InParts::Whole,
    list: None,
    levels: &["tenderer"],
    fields: &[
        "awards.status",
        "awards.suppliers.id",
        "bids.details.status",
        "bids.details.tenderers.id",
    ],
    evidence: Evidence {
        process: &[],
        organization: &[
            Field::new("wins", Kind::Count),
            Field::new("bids", Kind::Count),
            Field::new("win_ratio", Kind::Percent),
            Field::new("top", Kind::Number),
            Field::new("fence", Kind::PercentFixed),
        ],
    },
    settings: &[
        (
            "percentile",
            "top tenderers bid in at least this percentile (0-100) of processes per tenderer",
        ),
        (
            "threshold",
            "flag win ratios at or below this (e.g. 0.05), instead of the lower fence",
        ),
        (
            "cardinal",
            "follow Cardinal's code: no spread needed below Q1 (set by `redflags cardinal`)",
        ),
    ],
    page: include_str!("../../indicators/excessive_unsuccessful_bids.md"),
};

impl Definition for ExcessiveUnsuccessfulBids {
    type Settings = Settings;

    fn metadata(&self) -> &'static Metadata {
        &METADATA
    }

    fn compute(&self, tables: &Tables, settings: &Settings) -> PolarsResult<Plan> {
        // Each tenderer with a valid bid of its own, once per process with one winner.
        let tenderers = tables
            .bids_by_bid()
            .filter(
                col("status")
                    .eq(lit("valid"))
                    .and(col("tenderer_count").eq(lit(1))),
            )
            .select([
                col(PROCESS),
                col("tenderers").alias(ORGANIZATION_ID),
                with_process(numbered_code("tenderers")).alias("process_tenderer"),
            ]);
        // Each (process, tenderer) once, found in a sort of one integer: the bids come in
        // process order, so the sort leaves the process keys sorted.
        let tenderers = distinct_in_process(tenderers, "process_tenderer")
            .join(
                tables.winners(),
                [col(PROCESS)],
                [col(PROCESS)],
                JoinArgs::new(JoinType::Inner),
            )
            .group_by([col(ORGANIZATION_ID)])
            .agg([
                col(PROCESS).count().alias("bids"),
                col(ORGANIZATION_ID)
                    .eq(col("winner"))
                    .cast(DataType::UInt32)
                    .sum()
                    .alias("wins"),
            ])
            .with_column(
                (col("wins").cast(DataType::Float64) / col("bids").cast(DataType::Float64))
                    .alias(VALUE),
            )
            .sort([ORGANIZATION_ID], SortMultipleOptions::default());
        // An organization-level indicator: no process is assessed on its own.
        let processes = no_process_rows(tables);
        let settings = settings.clone();
        Ok(Plan::staged([tenderers], move |[tenderers]| {
            judged(tenderers, processes, &settings)
        }))
    }
}

/// The outcome from the tenderers (`organization_id`, `bids`, `wins` and their ratio as the
/// value): the top tenderers by the number of processes bid in, at or below the fence of the
/// ratios, are flagged.
fn judged(
    tenderers: DataFrame,
    processes: ProcessRows,
    settings: &Settings,
) -> PolarsResult<LazyOutcome> {
    let counts = counts(&tenderers, "bids")?;
    let ratios: Vec<f64> = tenderers.column(VALUE)?.f64()?.iter().flatten().collect();
    let fences = Fences::of(&ratios);
    let top = percentile(&counts, settings.percentile);
    let fence = settings.threshold.or(fences.map(|f| f.lower));
    let mut meta = crate::stats::meta(
        "",
        fences,
        settings.threshold.is_none(),
        "lower_fence",
        fence,
    );
    meta.push(("upper_fence".to_owned(), top.unwrap_or(f64::NAN)));
    let (Some(top), Some(fence)) = (top, fence) else {
        let mut outcome = LazyOutcome::processes_only(processes)?;
        outcome.meta = meta;
        return Ok(outcome);
    };
    let organizations = if tenderers.height() == 0 {
        empty_organizations()?.lazy()
    } else {
        tenderers
            .lazy()
            .filter(col("bids").cast(DataType::Float64).gt_eq(lit(top)).and(
                Rule::of(settings.cardinal, true).low(
                    col(VALUE),
                    fence,
                    fences.filter(|_| settings.threshold.is_none()),
                ),
            ))
            .select([
                lit("tenderer").alias(ROLE),
                col(ORGANIZATION_ID),
                col(VALUE),
                col("wins"),
                col("bids"),
                col(VALUE).alias("win_ratio"),
                lit(round4(top)).alias("top"),
                lit(round4(fence)).alias("fence"),
            ])
    };
    Ok(LazyOutcome {
        processes,
        organizations,
        meta,
    })
}
