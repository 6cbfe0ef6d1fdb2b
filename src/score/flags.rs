//! `flags`: one row per raised process-level flag.

use polars::prelude::*;

use super::IndicatorRun;
use crate::domain::with_ocids;
use crate::evidence::Language;
use crate::frames::Frames;
use crate::indicators::{EVIDENCE, FLAGGED, OCID, PROCESS, VALUE};

/// One row per raised process-level flag, sorted by process, then registry order: its
/// strength (`weight`), its `family`, `counted`: whether it is the flag its family counts
/// by on that process (the strongest; the first in registry order among equals), and its
/// evidence sentence in `language` (rendered here, for the flagged processes only).
/// Organization-level results are one row per organization in `organizations`, not here.
pub fn flags_table(
    frames: &Frames,
    runs: &[IndicatorRun],
    weights: &[f64],
    language: &Language,
) -> PolarsResult<DataFrame> {
    let columns = [
        OCID,
        "indicator",
        "code",
        "level",
        VALUE,
        "weight",
        "family",
        "counted",
        EVIDENCE,
    ];
    let parts: Vec<LazyFrame> = runs
        .iter()
        .zip(weights)
        .enumerate()
        .map(|(position, (run, weight))| {
            run.processes_with_evidence(language)
                .filter(col(FLAGGED))
                .select([
                    col(PROCESS),
                    lit(position as u32).alias("position"),
                    lit(run.slug).alias("indicator"),
                    lit(run.code.unwrap_or("")).alias("code"),
                    lit("process").alias("level"),
                    col(VALUE).cast(DataType::Float64),
                    lit(*weight).alias("weight"),
                    lit(run.family.as_str()).alias("family"),
                    col(EVIDENCE).cast(DataType::String),
                ])
        })
        .collect();
    if parts.is_empty() {
        return empty_table(&columns);
    }
    let flags = concat(parts, UnionArgs::default())?
        .sort(
            [PROCESS, "family", "weight", "position"],
            SortMultipleOptions::default()
                .with_order_descending_multi([false, false, true, false])
                .with_maintain_order(true),
        )
        .with_column(
            as_struct(vec![col(PROCESS), col("family")])
                .is_first_distinct()
                .and(col("weight").gt(lit(0.0)))
                .alias("counted"),
        )
        .sort(
            [PROCESS, "position"],
            SortMultipleOptions::default().with_maintain_order(true),
        );
    with_ocids(&frames.processes, flags)
        .select(columns.map(col))
        .collect()
}

/// An empty table of text columns, but `value` and `weight` (numbers) and `counted`.
pub(super) fn empty_table(columns: &[&str]) -> PolarsResult<DataFrame> {
    let empty = columns
        .iter()
        .map(|name| {
            let dtype = match *name {
                VALUE | "weight" => DataType::Float64,
                "counted" => DataType::Boolean,
                _ => DataType::String,
            };
            Column::new_empty((*name).into(), &dtype)
        })
        .collect();
    DataFrame::new(0, empty)
}
