//! The score itself: strengths combined per family and across families, the values at risk,
//! the ranks and the flag lists.

use polars::prelude::*;

use super::organizations::organization_flags;
use super::terms::PROCESS_COLUMNS;
use super::{ORGANIZATION_STRENGTH, Term};
use crate::indicators::{Group, PROCESS};

/// `100 × numerator / denominator`, rounded to 2 places; empty when the denominator is 0.
fn share(numerator: Expr, denominator: Expr) -> Expr {
    when(denominator.clone().gt(lit(0.0)))
        .then((lit(100.0) * numerator / denominator).round(2, RoundMode::HalfAwayFromZero))
        .otherwise(lit(NULL).cast(DataType::Float64))
}

/// Whether a term is raised on the process, as 1.0 or 0.0 (not assessable counts as 0).
fn flagged(term: &Term) -> Expr {
    col(term.column.as_str())
        .fill_null(lit(0))
        .cast(DataType::Float64)
}

/// Whether a term could assess the process, as 1.0 or 0.0.
fn assessable(term: &Term) -> Expr {
    col(term.column.as_str())
        .is_not_null()
        .cast(DataType::Float64)
}

/// The noisy-OR of the terms' strengths, each family counted once by its strongest raised
/// term: `100 × (1 − Π_f (1 − s_f))`, rounded to 2 places; empty when no term of positive
/// strength could assess the process. Strengths are 0–1 (the settings check them).
fn combined<'a>(terms: impl Iterator<Item = (&'a Term, &'a f64)>) -> PolarsResult<Expr> {
    let mut families: Vec<(&str, Vec<Expr>)> = Vec::new();
    let mut possible = lit(0.0);
    for (term, &weight) in terms.filter(|(_, weight)| **weight > 0.0) {
        // The organization term's strength is each process's strongest organization flag.
        let strength = if term.organization {
            col(ORGANIZATION_STRENGTH).fill_null(lit(0.0))
        } else {
            lit(weight)
        };
        let raised = flagged(term) * strength;
        match families.iter_mut().find(|(name, _)| *name == term.family) {
            Some((_, members)) => members.push(raised),
            None => families.push((term.family.as_str(), vec![raised])),
        }
        possible = possible + assessable(term);
    }
    let mut clear = lit(1.0);
    for (_, mut members) in families {
        let strongest = if members.len() == 1 {
            members.remove(0)
        } else {
            polars::lazy::dsl::max_horizontal(members)?
        };
        clear = clear * (lit(1.0) - strongest);
    }
    Ok(when(possible.gt(lit(0.0)))
        .then((lit(100.0) * (lit(1.0) - clear)).round(2, RoundMode::HalfAwayFromZero))
        .otherwise(lit(NULL).cast(DataType::Float64)))
}

/// The scores, values at risk, ranks and flag lists from the term columns and their strengths:
/// the `contracts` table, in the term table's order (the processes'), without the key.
pub(super) fn finish(
    table: DataFrame,
    terms: &[Term],
    weights: &[f64],
    reaching: &DataFrame,
) -> PolarsResult<DataFrame> {
    let mut flag_count = lit(0u32);
    let mut assessable_count = lit(0u32);
    let mut flag_names = Vec::new();
    for term in terms {
        flag_count = flag_count + flagged(term).cast(DataType::UInt32);
        assessable_count = assessable_count + assessable(term).cast(DataType::UInt32);
        flag_names.push(
            when(col(term.column.as_str()).eq(lit(1)))
                .then(lit(term.label()))
                .otherwise(lit(NULL).cast(DataType::String)),
        );
    }
    let flag_list = if flag_names.is_empty() {
        lit("")
    } else {
        concat_str(flag_names, "; ", true)
    };
    let mut columns = vec![
        combined(terms.iter().zip(weights))?.alias("risk_score"),
        flag_count.alias("flag_count"),
        flag_list.alias("flags"),
        assessable_count.alias("assessable_count"),
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
    for group in Group::ALL {
        if terms.iter().any(|term| term.group == Some(group)) {
            columns.push(
                combined(
                    terms
                        .iter()
                        .zip(weights)
                        .filter(|(term, _)| term.group == Some(group)),
                )?
                .alias(format!("score_{}", group.name())),
            );
        }
    }
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
        .join(
            organization_flags(reaching),
            [col(PROCESS)],
            [col(PROCESS)],
            JoinArgs {
                maintain_order: MaintainOrderJoin::Left,
                ..JoinArgs::new(JoinType::Left)
            },
        )
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
        // compared).
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
        .sort([ROW], SortMultipleOptions::default())
        .select([col("rank_score"), col("rank_value_at_risk")])
        .collect()?;
    scored.hstack_mut(ranks.columns())?;
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
            "assessable_count",
        ]
        .map(col),
    );
    for group in Group::ALL {
        if terms.iter().any(|term| term.group == Some(group)) {
            columns.push(col(format!("score_{}", group.name())));
        }
    }
    columns.extend(terms.iter().map(|term| col(term.column.as_str())));
    columns
}
