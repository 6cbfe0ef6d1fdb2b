//! `flags`: one row per raised process-level flag.

use polars::prelude::*;

use super::IndicatorRun;
use crate::domain::with_ocids;
use crate::evidence::Language;
use crate::frames::Frames;
use crate::indicators::{EVIDENCE, FLAGGED, OCID, PROCESS, VALUE};
use crate::reviews::{Verdict, Verdicts};

/// One row per raised process-level flag, sorted by process, then registry order: its
/// strength (`weight`), its `family`, `counted`: whether it is the flag its family counts
/// by on that process (the strongest; the first in registry order among equals; never a
/// flag reviewed as a false positive when `exclude_false_positives`), its evidence sentence
/// in `language` (rendered here, for the flagged processes only), and the analyst's `verdict`
/// and `comment` from `verdicts`. Organization-level results are one row per organization in
/// `organizations`, not here.
pub fn flags_table(
    frames: &Frames,
    runs: &[IndicatorRun],
    weights: &[f64],
    language: &Language,
    verdicts: &Verdicts,
    exclude_false_positives: bool,
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
        "verdict",
        "comment",
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
    let ocids = frames.processes.column(OCID)?.str()?;
    let keyed = verdicts.keyed(ocids);
    let flags = concat(parts, UnionArgs::default())?
        .with_column(excluded(runs, &keyed, exclude_false_positives)?.alias("excluded"));
    // A flag left out of the score sorts after the others of its family and never counts.
    let flags = flags
        .sort(
            [PROCESS, "family", "excluded", "weight", "position"],
            SortMultipleOptions::default()
                .with_order_descending_multi([false, false, false, true, false])
                .with_maintain_order(true),
        )
        .with_column(
            as_struct(vec![col(PROCESS), col("family")])
                .is_first_distinct()
                .and(col("weight").gt(lit(0.0)))
                .and(col("excluded").not())
                .alias("counted"),
        )
        .sort(
            [PROCESS, "position"],
            SortMultipleOptions::default().with_maintain_order(true),
        );
    let mut flags = with_ocids(&frames.processes, flags).collect()?;
    let (verdict, comment) = if keyed.is_empty() && verdicts.reviews().is_empty() {
        let height = flags.height();
        (
            Column::new_scalar(
                "verdict".into(),
                Scalar::from(PlSmallStr::from_static(Verdict::NotReviewed.name())),
                height,
            ),
            Column::new_scalar("comment".into(), Scalar::from(PlSmallStr::EMPTY), height),
        )
    } else {
        let reviews: Vec<_> = flags
            .column(OCID)?
            .str()?
            .iter()
            .zip(flags.column("indicator")?.str()?.iter())
            .map(|(ocid, indicator)| verdicts.get(ocid.unwrap_or(""), indicator.unwrap_or("")))
            .collect();
        (
            Column::new(
                "verdict".into(),
                reviews
                    .iter()
                    .map(|review| review.map_or(Verdict::NotReviewed, |r| r.verdict()).name())
                    .collect::<Vec<_>>(),
            ),
            Column::new(
                "comment".into(),
                reviews
                    .iter()
                    .map(|review| review.map_or("", |r| r.comment.as_str()))
                    .collect::<Vec<_>>(),
            ),
        )
    };
    flags.with_column(verdict)?;
    flags.with_column(comment)?;
    flags.select(columns)
}

/// Whether each flag of the concatenated parts (by `process` and `position`) is left out of
/// the score: reviewed as a false positive, when the settings say so.
fn excluded(
    runs: &[IndicatorRun],
    keyed: &std::collections::HashMap<(u32, &str), Verdict>,
    exclude_false_positives: bool,
) -> PolarsResult<Expr> {
    let (processes, positions): (Vec<u32>, Vec<u32>) = keyed
        .iter()
        .filter(|(_, verdict)| exclude_false_positives && **verdict == Verdict::FalsePositive)
        .filter_map(|((process, indicator), _)| {
            let position = runs.iter().position(|run| run.slug == *indicator)?;
            Some((*process, position as u32))
        })
        .unzip();
    if processes.is_empty() {
        return Ok(lit(false));
    }
    // Both numbers packed in one, as the pair windows pack theirs.
    let packed: Vec<u64> = processes
        .iter()
        .zip(&positions)
        .map(|(process, position)| (u64::from(*process) << 32) | u64::from(*position))
        .collect();
    let packed = lit(Series::new("excluded".into(), packed)).implode(false);
    Ok(((col(PROCESS).cast(DataType::UInt64) * lit(1u64 << 32))
        + col("position").cast(DataType::UInt64))
    .is_in(packed, false))
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
