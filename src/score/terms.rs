//! The table of terms: each process's description and values, one column per indicator's
//! flag, and the organization term.

use polars::prelude::*;

use super::values::{award_summary, contract_summary};
use super::{IndicatorRun, ORGANIZATION_STRENGTH, ORGANIZATION_TERM, Term, awarded};
use crate::frames::Frames;
use crate::indicators::{FLAGGED, OCID, PROCESS};

/// The columns of `contracts` that describe the process (before the scores).
pub(super) const PROCESS_COLUMNS: [&str; 15] = [
    OCID,
    "title",
    "buyer_id",
    "buyer_name",
    "procuring_entity_id",
    "procuring_entity_name",
    "procurement_method",
    "procurement_method_details",
    "main_procurement_category",
    "tender_status",
    "tender_amount",
    "tender_currency",
    "tender_start",
    "tender_end",
    "number_of_tenderers",
];

/// Per process: its key, description, award and contract values, and one column per term (1
/// raised, 0 assessed and clear, empty not assessable).
pub(super) fn term_table(
    frames: &Frames,
    assessed: &Frames,
    runs: &[IndicatorRun],
    links: &LazyFrame,
) -> PolarsResult<(DataFrame, Vec<Term>)> {
    let in_scope = assessed
        .processes
        .clone()
        .lazy()
        .select([col(PROCESS), lit(true).alias("in_scope")]);
    let winners = frames
        .awards
        .clone()
        .lazy()
        .filter(awarded().and(col("supplier_id").is_not_null()))
        .select([col(PROCESS)])
        .unique(None, UniqueKeepStrategy::First)
        .with_column(lit(true).alias("has_winner"));
    let left = |frame: LazyFrame, other: LazyFrame| {
        frame.join(
            other,
            [col(PROCESS)],
            [col(PROCESS)],
            JoinArgs::new(JoinType::Left),
        )
    };
    let table = left(
        left(
            left(
                left(
                    frames.processes.clone().lazy().select(
                        std::iter::once(PROCESS)
                            .chain(PROCESS_COLUMNS)
                            .map(col)
                            .collect::<Vec<_>>(),
                    ),
                    award_summary(frames),
                ),
                contract_summary(frames),
            ),
            in_scope,
        ),
        winners,
    )
    .with_columns([
        // A sum over no amounts is 0 in Polars; no amount at all is unknown, not 0.
        when(col("awards_with_amount").fill_null(lit(0)).gt(lit(0)))
            .then(col("award_amount"))
            .otherwise(lit(NULL).cast(DataType::Float64))
            .alias("award_amount"),
        when(col("contracts_with_amount").fill_null(lit(0)).gt(lit(0)))
            .then(col("contract_amount"))
            .otherwise(lit(NULL).cast(DataType::Float64))
            .alias("contract_amount"),
        col("in_scope").fill_null(lit(false)),
        col("has_winner").fill_null(lit(false)),
    ]);
    // The terms are columns placed by each process's row (the processes are unique by ocid),
    // not joins: one join per term would copy the growing table once per term.
    let mut table = table.collect()?;
    let ocids = table.column(OCID)?.str()?.clone();
    let rows = RowIndex::new(&ocids);
    let mut terms = Vec::new();
    let mut raised_flags = Vec::new();
    for run in runs {
        let outcome = &run.outcome.processes;
        let flags = outcome.column(FLAGGED)?.cast(&DataType::Int8)?;
        let column = rows.place(run.slug, outcome.column(OCID)?.str()?, flags.i8()?.iter())?;
        table.with_column(column)?;
        terms.push(Term {
            column: run.slug.to_owned(),
            indicator: run.slug,
            organization: false,
            group: Some(run.group),
            family: run.family.clone(),
            weight: run.weight,
        });
        raised_flags.push(
            outcome
                .clone()
                .lazy()
                .filter(col(FLAGGED))
                .select([col(OCID), lit(run.slug).alias("indicator")]),
        );
    }
    // The organization term: the strongest organization flag reaching the process, from an
    // indicator that does not already flag the process itself.
    let organization_runs: Vec<&IndicatorRun> = runs
        .iter()
        .filter(|run| run.has_organization_level())
        .collect();
    if organization_runs.is_empty() {
        return Ok((table, terms));
    }
    let strengths = DataFrame::new(
        organization_runs.len(),
        vec![
            Column::new(
                "indicator".into(),
                organization_runs
                    .iter()
                    .map(|run| run.slug)
                    .collect::<Vec<_>>(),
            ),
            Column::new(
                "strength".into(),
                organization_runs
                    .iter()
                    .map(|run| run.organization_weight)
                    .collect::<Vec<_>>(),
            ),
        ],
    )?;
    let raised = concat(raised_flags, UnionArgs::default())?;
    let reaching = links
        .clone()
        .select([col(OCID), col("indicator")])
        .unique(None, UniqueKeepStrategy::First)
        .join(
            strengths.lazy(),
            [col("indicator")],
            [col("indicator")],
            JoinArgs::new(JoinType::Inner),
        )
        .filter(col("strength").gt(lit(0.0)))
        .join(
            raised,
            [col(OCID), col("indicator")],
            [col(OCID), col("indicator")],
            JoinArgs::new(JoinType::Anti),
        )
        .group_by([col(OCID)])
        .agg([col("strength").max().alias(ORGANIZATION_STRENGTH)]);
    // Assessable: the process is in scope and has a buyer, a procuring entity or a winner.
    let linked = col("buyer_id")
        .is_not_null()
        .or(col("procuring_entity_id").is_not_null())
        .or(col("has_winner"));
    let table = table
        .lazy()
        .join(
            reaching,
            [col(OCID)],
            [col(OCID)],
            JoinArgs {
                maintain_order: MaintainOrderJoin::Left,
                ..JoinArgs::new(JoinType::Left)
            },
        )
        .with_columns([
            when(col("in_scope").and(linked.clone()))
                .then(
                    col(ORGANIZATION_STRENGTH)
                        .is_not_null()
                        .cast(DataType::Int8),
                )
                .otherwise(lit(NULL).cast(DataType::Int8))
                .alias(ORGANIZATION_TERM),
            when(col("in_scope").and(linked))
                .then(col(ORGANIZATION_STRENGTH))
                .otherwise(lit(NULL).cast(DataType::Float64))
                .alias(ORGANIZATION_STRENGTH),
        ])
        .collect()?;
    terms.push(Term {
        column: ORGANIZATION_TERM.to_owned(),
        indicator: ORGANIZATION_TERM,
        organization: true,
        group: None,
        family: ORGANIZATION_TERM.to_owned(),
        weight: organization_runs
            .iter()
            .map(|run| run.organization_weight)
            .fold(0.0, f64::max),
    });
    Ok((table, terms))
}

/// Each process's row in a table with one row per ocid, to place per-process values by.
struct RowIndex<'a> {
    rows: std::collections::HashMap<&'a str, usize>,
    height: usize,
}

impl<'a> RowIndex<'a> {
    fn new(ocids: &'a StringChunked) -> RowIndex<'a> {
        let rows = ocids
            .iter()
            .enumerate()
            .filter_map(|(row, ocid)| Some((ocid?, row)))
            .collect();
        RowIndex {
            rows,
            height: ocids.len(),
        }
    }

    /// A column of `values` placed at the rows of their `ocids` (null elsewhere, and for
    /// ocids not in the table).
    fn place(
        &self,
        name: &str,
        ocids: &StringChunked,
        values: impl Iterator<Item = Option<i8>>,
    ) -> PolarsResult<Column> {
        let mut placed: Vec<Option<i8>> = vec![None; self.height];
        for (ocid, value) in ocids.iter().zip(values) {
            if let (Some(ocid), Some(value)) = (ocid, value)
                && let Some(&row) = self.rows.get(ocid)
            {
                placed[row] = Some(value);
            }
        }
        Ok(Column::new(name.into(), placed))
    }
}
