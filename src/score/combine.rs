//! The score itself: strengths combined per family and across families, the values at risk,
//! the ranks and the flag lists.

use polars::prelude::*;
use polars_arrow::array::{Array, PrimitiveArray};
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
    // Each term's column read in place (one chunk each), not copied out: each run of rows
    // below reads its own rows of every column, which stay in the processor's caches (copied,
    // the columns were 66 MB at 1,000,000 generated processes, read a row across at a time).
    let chunks: Vec<Int8Chunked> = terms
        .iter()
        .map(|term| {
            Ok(table
                .column(term.column.as_str())?
                .i8()?
                .rechunk()
                .into_owned())
        })
        .collect::<PolarsResult<_>>()?;
    let empty = PrimitiveArray::<i8>::from_vec(Vec::new());
    let columns: Vec<&PrimitiveArray<i8>> = chunks
        .iter()
        .map(|chunk| chunk.downcast_iter().next().unwrap_or(&empty))
        .collect();
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
                    *value = column.is_valid(row).then(|| column.value(row));
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
    let columns = ranks(&scored)?;
    scored.hstack_mut(&columns)?;
    scored.lazy().select(output_order(terms)).collect()
}

/// An order-keeping number for a value sorted descending with the empty ones last: the
/// larger the value, the smaller its number; -0 is 0 and NaN the largest value, as Polars
/// sorts them.
fn descending_key(value: Option<f64>) -> u64 {
    let Some(value) = value else {
        return u64::MAX;
    };
    let value = if value == 0.0 {
        0.0
    } else if value.is_nan() {
        f64::NAN
    } else {
        value
    };
    let bits = value.to_bits();
    let ascending = if bits >> 63 == 1 {
        !bits
    } else {
        bits | (1 << 63)
    };
    // The largest value (NaN) takes 0; no value takes u64::MAX, after every value.
    !ascending
}

/// The ranks of the processes of `scored`, by row: `rank_score` among the scored processes,
/// by score, then value at risk (both descending), then process key (in ocid order), so that
/// they never depend on the order the processes were read in; and `rank_value_at_risk` among
/// the processes with a value at risk, within each currency (amounts in different currencies
/// are never compared), by value at risk, then score (both descending), then process key.
///
/// Each order is one sort of packed keys (every key is different: the process key is last),
/// not a sort of the table's columns: at 1,000,000 generated processes the two sorts by
/// several columns took 893 ms, 21 times their time at 100,000.
fn ranks(scored: &DataFrame) -> PolarsResult<[Column; 2]> {
    let processes: Vec<u32> = scored.column(PROCESS)?.u32()?.into_no_null_iter().collect();
    let scores: Vec<Option<f64>> = scored.column("risk_score")?.f64()?.iter().collect();
    let at_risk: Vec<Option<f64>> = scored.column("value_at_risk")?.f64()?.iter().collect();
    let currencies = scored
        .column("value_currency")?
        .to_physical_repr()
        .cast(&DataType::UInt32)?;
    let currencies: Vec<Option<u32>> = currencies.u32()?.iter().collect();
    let height = processes.len();
    let score_keys: Vec<u64> = scores.iter().map(|score| descending_key(*score)).collect();
    let risk_keys: Vec<u64> = at_risk.iter().map(|value| descending_key(*value)).collect();
    // (score, value at risk, process, row)
    let mut by_score: Vec<(u64, u64, u32, u32)> = (0..height)
        .map(|row| (score_keys[row], risk_keys[row], processes[row], row as u32))
        .collect();
    by_score.par_sort_unstable();
    let mut rank_score: Vec<Option<u32>> = vec![None; height];
    for (place, &(_, _, _, row)) in by_score.iter().enumerate() {
        if scores[row as usize].is_some() {
            rank_score[row as usize] = Some(place as u32 + 1);
        }
    }
    drop(by_score);
    // (currency, empty currency last; value at risk, score, process, row)
    let mut by_value: Vec<(u64, u64, u64, u32, u32)> = (0..height)
        .map(|row| {
            let currency = currencies[row].map_or(u64::MAX, u64::from);
            (
                currency,
                risk_keys[row],
                score_keys[row],
                processes[row],
                row as u32,
            )
        })
        .collect();
    by_value.par_sort_unstable();
    let mut rank_value: Vec<Option<u32>> = vec![None; height];
    let mut currency = None;
    let mut first = 0;
    for (place, &(code, _, _, _, row)) in by_value.iter().enumerate() {
        if currency != Some(code) {
            currency = Some(code);
            first = place;
        }
        if at_risk[row as usize].is_some() {
            rank_value[row as usize] = Some((place - first) as u32 + 1);
        }
    }
    Ok([
        UInt32Chunked::from_iter_options("rank_score".into(), rank_score.into_iter()).into_column(),
        UInt32Chunked::from_iter_options("rank_value_at_risk".into(), rank_value.into_iter())
            .into_column(),
    ])
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The ranks as sorts of the table's columns give them (descending, empty last, ties
    /// broken by the next column, row numbers within each currency).
    fn sorted_ranks(scored: &DataFrame) -> PolarsResult<DataFrame> {
        let descending = |descending: &[bool]| {
            SortMultipleOptions::default()
                .with_order_descending_multi(descending.to_vec())
                .with_nulls_last_multi(vec![true; descending.len()])
                .with_maintain_order(true)
        };
        let row_number = || col(PROCESS).cum_count(false);
        let by_currency = row_number().over([col("value_currency")])?;
        scored
            .clone()
            .lazy()
            .with_row_index("row", None)
            .sort(
                ["risk_score", "value_at_risk", PROCESS],
                descending(&[true, true, false]),
            )
            .with_column(
                when(col("risk_score").is_not_null())
                    .then(row_number())
                    .otherwise(lit(NULL).cast(DataType::UInt32))
                    .alias("rank_score"),
            )
            .with_column(col("value_currency").to_physical())
            .sort(
                ["value_currency", "value_at_risk", "risk_score", PROCESS],
                descending(&[false, true, true, false]),
            )
            .with_column(
                when(col("value_at_risk").is_not_null())
                    .then(by_currency)
                    .otherwise(lit(NULL).cast(DataType::UInt32))
                    .alias("rank_value_at_risk"),
            )
            .sort(["row"], SortMultipleOptions::default())
            .select([col("rank_score"), col("rank_value_at_risk")])
            .collect()
    }

    #[test]
    fn ranks_are_those_of_sorts_by_the_columns() -> PolarsResult<()> {
        // Ties in score and in value at risk, no score, no value, -0 beside 0, a value
        // without a currency, processes out of row order.
        let scored = df!(
            PROCESS => [7u32, 3, 5, 0, 1, 2, 4, 6, 8, 9, 10, 11],
            "risk_score" => [Some(40.0), Some(40.0), None, Some(0.0), Some(75.5), Some(40.0),
                Some(0.0), None, Some(12.25), Some(0.0), Some(75.5), Some(40.0)],
            "value_at_risk" => [Some(100.0), Some(100.0), None, Some(-0.0), Some(3.5),
                Some(250.0), Some(0.0), None, Some(12.0), Some(-4.0), None, Some(100.0)],
            "value_currency" => [Some("THB"), Some("THB"), Some("USD"), Some("THB"),
                Some("USD"), Some("EUR"), Some("THB"), None, None, Some("USD"), Some("THB"),
                Some("EUR")],
        )?
        .lazy()
        .with_column(col("value_currency").cast(crate::frames::numbered_type()))
        .collect()?;
        let [rank_score, rank_value] = ranks(&scored)?;
        let expected = sorted_ranks(&scored)?;
        assert_eq!(
            rank_score.as_materialized_series(),
            expected.column("rank_score")?.as_materialized_series()
        );
        assert_eq!(
            rank_value.as_materialized_series(),
            expected
                .column("rank_value_at_risk")?
                .as_materialized_series()
        );
        // Read by hand: the highest score first, its tie broken by the value at risk (none
        // last); the tie of 40 and 100 by the process key.
        let by_score: Vec<Option<u32>> = rank_score.u32()?.iter().collect();
        assert_eq!(by_score[4], Some(1));
        assert_eq!(by_score[10], Some(2));
        assert_eq!((by_score[1], by_score[0]), (Some(4), Some(5)));
        assert_eq!((by_score[2], by_score[7]), (None, None));
        Ok(())
    }
}
