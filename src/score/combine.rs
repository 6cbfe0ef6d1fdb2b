//! The score itself: strengths combined per family and across families, the values at risk,
//! the ranks and the flag lists.

use polars::prelude::*;
use rayon::prelude::*;

use super::organizations::organization_flags;
use super::reviewed::{Reviewed, VERDICT_COLUMNS, VerdictCounts};
use super::terms::PROCESS_COLUMNS;
use super::{ORGANIZATION_STRENGTH, Term};
use crate::indicators::{Group, PROCESS};

/// `100 × numerator / denominator`, rounded to 2 places; empty when the denominator is 0.
fn share(numerator: Expr, denominator: Expr) -> Expr {
    when(denominator.clone().gt(lit(0.0)))
        .then((lit(100.0) * numerator / denominator).round(2, RoundMode::HalfAwayFromZero))
        .otherwise(lit(NULL).cast(DataType::Float64))
}

/// `value` rounded to 2 places, half away from zero, as Polars rounds.
fn round2(value: f64) -> f64 {
    let rounded = (value * 100.0).round() / 100.0;
    if rounded.is_finite() { rounded } else { value }
}

/// One score to compute: the terms it combines (indexes into the terms), each with its strength
/// and its family (an index into the score's families, in order of first appearance).
struct Combination {
    members: Vec<(usize, f64, usize)>,
    families: usize,
}

impl Combination {
    /// The terms of positive strength that `keep` selects.
    fn of(terms: &[Term], weights: &[f64], keep: impl Fn(&Term) -> bool) -> Combination {
        let mut families: Vec<&str> = Vec::new();
        let mut members = Vec::new();
        for (index, (term, &weight)) in terms.iter().zip(weights).enumerate() {
            if weight <= 0.0 || !keep(term) {
                continue;
            }
            let family = match families.iter().position(|name| *name == term.family) {
                Some(family) => family,
                None => {
                    families.push(&term.family);
                    families.len() - 1
                }
            };
            members.push((index, weight, family));
        }
        Combination {
            families: families.len(),
            members,
        }
    }

    /// The noisy-OR of the strengths of one process's raised terms, each family counted once
    /// by its strongest: `100 × (1 − Π_f (1 − s_f))`, rounded to 2 places; none when no term
    /// of positive strength could assess the process. `values` are the process's term values
    /// (1 raised, 0 clear, none not assessable); `strength` gives a raised term's strength.
    fn score(
        &self,
        values: &[Option<i8>],
        strength: impl Fn(usize, f64) -> f64,
        strongest: &mut Vec<f64>,
    ) -> Option<f64> {
        strongest.clear();
        strongest.resize(self.families, 0.0);
        let mut possible = false;
        for &(index, weight, family) in &self.members {
            let Some(value) = values[index] else {
                continue;
            };
            possible = true;
            if value == 1 {
                strongest[family] = strongest[family].max(strength(index, weight));
            }
        }
        if !possible {
            return None;
        }
        let clear = strongest.iter().fold(1.0, |clear, s| clear * (1.0 - s));
        Some(round2(100.0 * (1.0 - clear)))
    }
}

/// The rows [`combine`] scores at once on one thread: the processes are scored in runs of
/// this many, in parallel (one thread, a loop over every process, took 120 ms at 100,000
/// generated processes and 1.9 s at 1,000,000 with the ranks after it).
const ROWS_AT_ONCE: usize = 1 << 14;

/// What [`combine`] makes of a run of processes, row by row.
struct Combined {
    risk_score: Vec<Option<f64>>,
    group_scores: Vec<Vec<Option<f64>>>,
    flag_count: Vec<u32>,
    assessable_count: Vec<u32>,
    flags: Vec<String>,
    verdicts: VerdictCounts,
}

impl Combined {
    fn with_capacity(rows: usize, groups: usize) -> Combined {
        Combined {
            risk_score: Vec::with_capacity(rows),
            group_scores: vec![Vec::with_capacity(rows); groups],
            flag_count: Vec::with_capacity(rows),
            assessable_count: Vec::with_capacity(rows),
            flags: Vec::with_capacity(rows),
            verdicts: VerdictCounts::default(),
        }
    }

    /// Adds the rows of `run` after its own.
    fn append(&mut self, mut run: Combined) {
        self.risk_score.append(&mut run.risk_score);
        for (scores, more) in self.group_scores.iter_mut().zip(&mut run.group_scores) {
            scores.append(more);
        }
        self.flag_count.append(&mut run.flag_count);
        self.assessable_count.append(&mut run.assessable_count);
        self.flags.append(&mut run.flags);
        self.verdicts.append(run.verdicts);
    }
}

/// Per process, in one pass over the term columns: the score, each group's score, how many
/// terms raised a flag and how many could assess it, and the raised terms' names joined
/// with `; `, and the counts of their verdicts, as columns. A flag `reviewed` leaves out (a
/// false positive, when the settings say so) adds nothing to the scores.
fn combine(
    table: &DataFrame,
    terms: &[Term],
    weights: &[f64],
    reviewed: &Reviewed,
) -> PolarsResult<Vec<Column>> {
    let height = table.height();
    let columns: Vec<Vec<Option<i8>>> = terms
        .iter()
        .map(|term| Ok(table.column(term.column.as_str())?.i8()?.iter().collect()))
        .collect::<PolarsResult<_>>()?;
    // The organization term's strength is each process's strongest organization flag.
    let organization_strength: Vec<Option<f64>> = match table.column(ORGANIZATION_STRENGTH) {
        Ok(column) => column.f64()?.iter().collect(),
        Err(_) => vec![None; height],
    };
    let total = Combination::of(terms, weights, |_| true);
    let groups: Vec<(Group, Combination)> = Group::ALL
        .into_iter()
        .filter(|group| terms.iter().any(|term| term.group == Some(*group)))
        .map(|group| {
            let combination = Combination::of(terms, weights, |term| term.group == Some(group));
            (group, combination)
        })
        .collect();
    // The processes in runs of rows, each run on any thread, put back together in order.
    let runs: Vec<Combined> = (0..height.div_ceil(ROWS_AT_ONCE))
        .into_par_iter()
        .map(|run| {
            let start = run * ROWS_AT_ONCE;
            let rows = start..(start + ROWS_AT_ONCE).min(height);
            let mut run = Combined::with_capacity(rows.len(), groups.len());
            let mut values = vec![None; terms.len()];
            let mut strongest = Vec::new();
            for row in rows {
                for (value, column) in values.iter_mut().zip(&columns) {
                    *value = column[row];
                }
                let strength = |index: usize, weight: f64| {
                    if terms[index].organization {
                        organization_strength[row].unwrap_or(0.0)
                    } else if reviewed.excluded(row, index) {
                        0.0
                    } else {
                        weight
                    }
                };
                run.risk_score
                    .push(total.score(&values, strength, &mut strongest));
                for ((_, combination), scores) in groups.iter().zip(&mut run.group_scores) {
                    scores.push(combination.score(&values, strength, &mut strongest));
                }
                let mut names = String::new();
                let mut raised = 0u32;
                for (term, value) in terms.iter().zip(&values) {
                    if *value == Some(1) {
                        if raised > 0 {
                            names.push_str("; ");
                        }
                        names.push_str(term.indicator);
                        raised += 1;
                    }
                }
                run.flag_count.push(raised);
                run.assessable_count
                    .push(values.iter().filter(|value| value.is_some()).count() as u32);
                run.flags.push(names);
                run.verdicts.push(
                    values
                        .iter()
                        .enumerate()
                        .filter(|(index, value)| **value == Some(1) && !terms[*index].organization)
                        .map(|(index, _)| reviewed.verdict(row, index)),
                );
            }
            run
        })
        .collect();
    let mut all = Combined::with_capacity(height, groups.len());
    for run in runs {
        all.append(run);
    }
    let Combined {
        risk_score,
        group_scores,
        flag_count,
        assessable_count,
        flags,
        verdicts,
    } = all;
    let mut combined = vec![
        Column::new("risk_score".into(), risk_score),
        Column::new("flag_count".into(), flag_count),
        Column::new("flags".into(), flags),
        Column::new("assessable_count".into(), assessable_count),
    ];
    combined.extend(verdicts.columns());
    for ((group, _), scores) in groups.iter().zip(group_scores) {
        combined.push(Column::new(
            format!("score_{}", group.name()).into(),
            scores,
        ));
    }
    Ok(combined)
}

/// The scores, values at risk, ranks and flag lists from the term columns and their strengths:
/// the `contracts` table, in the term table's order (the processes'), without the key.
pub(super) fn finish(
    table: DataFrame,
    terms: &[Term],
    weights: &[f64],
    reaching: &super::organizations::Reaching,
    reviewed: &Reviewed,
) -> PolarsResult<DataFrame> {
    let mut table = table;
    for column in combine(&table, terms, weights, reviewed)? {
        table.with_column(column)?;
    }
    table.with_column(organization_flags(reaching, table.height())?)?;
    let columns = vec![
        // The process's value: its contracts', else its awards', else the tender's estimate.
        coalesce(&[
            col("contract_amount"),
            col("award_amount"),
            col("tender_amount"),
        ])
        .alias("value_amount"),
        when(col("contract_amount").is_not_null())
            .then(col("contract_currency"))
            .when(col("award_amount").is_not_null())
            .then(col("award_currency"))
            .otherwise(col("tender_currency"))
            .alias("value_currency"),
        when(col("contract_amount").is_not_null())
            .then(lit("contract"))
            .when(col("award_amount").is_not_null())
            .then(lit("award"))
            .when(col("tender_amount").is_not_null())
            .then(lit("tender"))
            .otherwise(lit(NULL).cast(DataType::String))
            .alias("value_source"),
    ];
    let descending = |columns: &[&str], descending: &[bool]| {
        SortMultipleOptions::default()
            .with_order_descending_multi(descending.to_vec())
            .with_nulls_last_multi(vec![true; columns.len()])
            .with_maintain_order(true)
    };
    let row_number = || col(PROCESS).cum_count(false);
    let row_number_by_currency = row_number().over([col("value_currency")])?;
    let mut scored = table
        .lazy()
        .with_columns(columns)
        .with_columns([
            share(
                col("assessable_count").cast(DataType::Float64),
                lit(terms.len() as f64),
            )
            .alias("data_completeness"),
            (col("value_amount") * col("risk_score") / lit(100.0))
                .round(2, RoundMode::HalfAwayFromZero)
                .alias("value_at_risk"),
            (col("risk_score")
                .rank(
                    RankOptions {
                        method: RankMethod::Max,
                        descending: false,
                    },
                    None,
                )
                .cast(DataType::Float64)
                * lit(100.0)
                / col("risk_score").count().cast(DataType::Float64))
            .round(2, RoundMode::HalfAwayFromZero)
            .alias("percentile"),
        ])
        .collect()?;
    // The ranks are computed on the few columns they need, in their own order, and placed back
    // by row: sorting the whole table would move every column twice.
    const ROW: &str = "row";
    let ranks = scored
        .select([PROCESS, "risk_score", "value_at_risk", "value_currency"])?
        .lazy()
        .with_row_index(ROW, None)
        // Ranks: ties broken by value at risk, then by process (in ocid order), so they never
        // depend on the order the processes were read in.
        .sort(
            ["risk_score", "value_at_risk", PROCESS],
            descending(
                &["risk_score", "value_at_risk", PROCESS],
                &[true, true, false],
            ),
        )
        .with_column(
            when(col("risk_score").is_not_null())
                .then(row_number())
                .otherwise(lit(NULL).cast(DataType::UInt32))
                .alias("rank_score"),
        )
        // By value at risk: within each currency (amounts in different currencies are never
        // compared). The currencies are sorted by their numbers, not their texts: only the
        // order within each currency makes the ranks, and comparing the texts took most of
        // this sort at 1,000,000 generated processes.
        .with_column(col("value_currency").to_physical())
        .sort(
            ["value_currency", "value_at_risk", "risk_score", PROCESS],
            descending(
                &["value_currency", "value_at_risk", "risk_score", PROCESS],
                &[false, true, true, false],
            ),
        )
        .with_column(
            when(col("value_at_risk").is_not_null())
                .then(row_number_by_currency)
                .otherwise(lit(NULL).cast(DataType::UInt32))
                .alias("rank_value_at_risk"),
        )
        .select([col(ROW), col("rank_score"), col("rank_value_at_risk")])
        .collect()?;
    // Put back by row in one pass (each row's place is its number), not by a third sort.
    let rows = ranks.column(ROW)?.idx()?;
    let columns = ["rank_score", "rank_value_at_risk"]
        .into_iter()
        .map(|name| {
            let ranks = ranks.column(name)?.u32()?;
            let mut placed: Vec<Option<u32>> = vec![None; rows.len()];
            for (row, rank) in rows.into_no_null_iter().zip(ranks.iter()) {
                placed[row as usize] = rank;
            }
            Ok(UInt32Chunked::from_iter_options(name.into(), placed.into_iter()).into_column())
        })
        .collect::<PolarsResult<Vec<_>>>()?;
    scored.hstack_mut(&columns)?;
    scored.lazy().select(output_order(terms)).collect()
}

fn output_order(terms: &[Term]) -> Vec<Expr> {
    // The process columns but the last (`number_of_tenderers`, placed after the awards').
    let mut columns: Vec<Expr> = PROCESS_COLUMNS[..PROCESS_COLUMNS.len() - 1]
        .iter()
        .map(|c| col(*c))
        .collect();
    columns.extend(
        [
            "award_date",
            "award_amount",
            "award_currency",
            "contract_amount",
            "contract_currency",
            "supplier_ids",
            "suppliers",
            "number_of_tenderers",
            "risk_score",
            "percentile",
            "rank_score",
            "data_completeness",
            "value_amount",
            "value_currency",
            "value_source",
            "value_at_risk",
            "rank_value_at_risk",
            "flag_count",
            "flags",
            "organization_flags",
        ]
        .map(col),
    );
    columns.extend(VERDICT_COLUMNS.map(col));
    columns.push(col("assessable_count"));
    for group in Group::ALL {
        if terms.iter().any(|term| term.group == Some(group)) {
            columns.push(col(format!("score_{}", group.name())));
        }
    }
    columns.extend(terms.iter().map(|term| col(term.column.as_str())));
    columns
}
