//! `flags`: one row per raised process-level flag.

use polars::prelude::*;

use super::IndicatorRun;
use crate::domain::with_ocids;
use crate::evidence::Language;
use crate::frames::Frames;
use crate::indicators::{EVIDENCE, FLAGGED, OCID, PROCESS, VALUE};
use crate::reviews::{Verdict, Verdicts};

/// The column of each flag's run, by its position in the runs.
const POSITION: &str = "position";

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
    // (A run with no weight given has no flags here.)
    let runs = &runs[..runs.len().min(weights.len())];
    let parts: Vec<LazyFrame> = runs
        .iter()
        .enumerate()
        .map(|(position, run)| {
            run.processes_with_evidence(language)
                .filter(col(FLAGGED))
                .select([
                    col(PROCESS),
                    lit(position as u32).cast(DataType::UInt32).alias(POSITION),
                    col(VALUE).cast(DataType::Float64),
                    col(EVIDENCE).cast(DataType::String),
                ])
        })
        .collect();
    if parts.is_empty() {
        return empty_table(&columns);
    }
    let ocids = frames.processes.column(OCID)?.str()?;
    let keyed = verdicts.keyed(ocids);
    let flags = concat(parts, UnionArgs::default())?.sort(
        [PROCESS, POSITION],
        SortMultipleOptions::default().with_maintain_order(true),
    );
    let mut flags = with_ocids(&frames.processes, flags).collect()?;
    let processes: Vec<u32> = flags.column(PROCESS)?.u32()?.into_no_null_iter().collect();
    let positions = flags.column(POSITION)?.u32()?.clone();
    let excluded: Vec<bool> = processes
        .iter()
        .zip(positions.into_no_null_iter())
        .map(|(process, position)| {
            exclude_false_positives
                && keyed.get(&(*process, runs[position as usize].slug))
                    == Some(&Verdict::FalsePositive)
        })
        .collect();
    let positions: Vec<usize> = positions.into_no_null_iter().map(|p| p as usize).collect();
    // Each run's family as a number: runs of one family share it.
    let families: Vec<usize> = runs
        .iter()
        .map(|run| {
            runs.iter()
                .position(|other| other.family == run.family)
                .unwrap_or_default()
        })
        .collect();
    let counted = counted(&families, weights, &processes, &positions, &excluded);
    let by_position = |name: &str, values: Vec<&str>| -> PolarsResult<Column> {
        let values = Series::new(name.into(), values);
        Ok(values.take(flags.column(POSITION)?.u32()?)?.into_column())
    };
    let indicator = by_position("indicator", runs.iter().map(|run| run.slug).collect())?;
    let code = by_position(
        "code",
        runs.iter().map(|run| run.code.unwrap_or("")).collect(),
    )?;
    let level = by_position("level", vec!["process"; runs.len()])?;
    let family = by_position(
        "family",
        runs.iter().map(|run| run.family.as_str()).collect(),
    )?;
    let weight: Vec<f64> = positions.iter().map(|&p| weights[p]).collect();
    flags.with_column(indicator)?;
    flags.with_column(code)?;
    flags.with_column(level)?;
    flags.with_column(Column::new("weight".into(), weight))?;
    flags.with_column(family)?;
    flags.with_column(Column::new("counted".into(), counted))?;
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

/// Whether each flag (rows sorted by process, then by the run's position; `families` and
/// `weights`: each run's family number and weight; `excluded`: left out of the score) is the
/// one its family counts by on its process: of the family's flags
/// not left out, the strongest, the first in registry order among equals, and only if its
/// weight is above 0. One pass over each process's few rows, where sorting every flag by
/// process, family, exclusion, weight and position, then finding the first of each process
/// and family, took a large share of the flags table at 1,000,000 generated processes.
fn counted(
    families: &[usize],
    weights: &[f64],
    processes: &[u32],
    positions: &[usize],
    excluded: &[bool],
) -> Vec<bool> {
    let mut counted = vec![false; processes.len()];
    // The best row so far of each family on the current process.
    let mut best: Vec<Option<usize>> = vec![None; families.len()];
    let mut start = 0;
    while start < processes.len() {
        let end = start + processes[start..].partition_point(|other| *other == processes[start]);
        for row in (start..end).filter(|&row| !excluded[row]) {
            let family = families[positions[row]];
            let weight = weights[positions[row]];
            // (Rows come in position order: on equal weights the earlier one stays.)
            let stronger = best[family].is_none_or(|other| {
                weight.total_cmp(&weights[positions[other]]) == std::cmp::Ordering::Greater
            });
            if stronger {
                best[family] = Some(row);
            }
        }
        for family in &mut best {
            if let Some(row) = family.take() {
                counted[row] = weights[positions[row]] > 0.0;
            }
        }
        start = end;
    }
    counted
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_family_counts_by_its_strongest_flag_not_left_out() {
        // Runs 0 and 1 are one family, 2 and 3 another, 4 a third.
        let families = [0, 0, 2, 2, 4];
        let weights = [0.5, 0.8, 0.6, 0.6, 0.0];
        // Process 0: runs 0, 1 (the stronger, 1, counts), 2, 3 (equal: the first, 2), 4
        // (weight 0: never). Process 1: run 1 left out, so run 0 counts; run 3 alone.
        // Process 2: run 0 alone but left out: nothing counts.
        let processes = [0, 0, 0, 0, 0, 1, 1, 1, 2];
        let positions = [0, 1, 2, 3, 4, 0, 1, 3, 0];
        let excluded = [false, false, false, false, false, false, true, false, true];
        assert_eq!(
            counted(&families, &weights, &processes, &positions, &excluded),
            [false, true, true, false, false, true, false, true, false]
        );
    }
}
