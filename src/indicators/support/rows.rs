//! The tables of an outcome: the per-process rows and the organization rows.

use polars::prelude::*;

use crate::domain::{Tables, joined_ocids};
use crate::evidence::{Field, Kind};
use crate::indicators::{
    FLAGGED, OCID, ORGANIZATION_ID, PROCESS, PROCESSES, ProcessRows, ROLE, VALUE,
};

/// The evidence fields of [`organizations_from`]'s rows: the number of processes an
/// organization was flagged in, and up to five of them (by `ocid`).
pub const PROCESS_EXAMPLES: &[Field] = &[
    Field::new("count", Kind::Count),
    Field::new("examples", Kind::List(", ")),
];

/// The per-process tables of an outcome from a frame with a `process` column, the flag, the
/// value and the evidence values (expressions named as the indicator's evidence fields): one
/// row per process, in process order, with `value` as f64; and the evidence values of the
/// flagged rows, in process order, evaluated on those rows only.
///
/// Both tables read the frame, cached so that it is computed once (with the columns either
/// of them reads).
pub fn process_rows(
    frame: LazyFrame,
    flagged: Expr,
    value: Expr,
    evidence: impl IntoIterator<Item = Expr>,
) -> ProcessRows {
    let mut values = vec![col(PROCESS)];
    values.extend(evidence);
    let frame = frame
        .with_column(flagged.fill_null(lit(false)).alias("__flagged"))
        .cache();
    ProcessRows {
        assessed: frame
            .clone()
            .select([
                col(PROCESS),
                col("__flagged").alias(FLAGGED),
                value.cast(DataType::Float64).alias(VALUE),
            ])
            .sort([PROCESS], SortMultipleOptions::default()),
        evidence: frame
            .filter(col("__flagged"))
            .select(values)
            .sort([PROCESS], SortMultipleOptions::default()),
    }
}

/// The rows of `rows` in the groups of `keys` that hold a flagged row of `per_process`: what an
/// evidence value listing a group's members needs, made for the flagged groups only (a list
/// made for every group was most of the work of the indicators that list them).
pub fn in_flagged_groups(
    rows: LazyFrame,
    per_process: LazyFrame,
    flagged: Expr,
    keys: &[Expr],
) -> LazyFrame {
    let groups = per_process
        .filter(flagged)
        .select(keys)
        .unique(None, UniqueKeepStrategy::Any);
    rows.join(
        groups,
        keys.to_vec(),
        keys.to_vec(),
        JoinArgs::new(JoinType::Semi),
    )
}

/// `processes` with evidence values of a flagged group joined to its evidence on `keys` (its
/// evidence holding the keys, `details` one row per flagged group), the evidence then made of
/// `columns` in that order, in process order.
pub fn with_group_evidence(
    mut processes: ProcessRows,
    details: LazyFrame,
    keys: &[Expr],
    columns: &[&str],
) -> ProcessRows {
    let mut selected = vec![col(PROCESS)];
    selected.extend(columns.iter().map(|column| col(*column)));
    processes.evidence = processes
        .evidence
        .join(
            details,
            keys.to_vec(),
            keys.to_vec(),
            JoinArgs::new(JoinType::Left),
        )
        .select(selected)
        .sort([PROCESS], SortMultipleOptions::default());
    processes
}

/// The process tables of an indicator that reports on organizations only: no process is
/// assessed on its own.
pub fn no_process_rows(tables: &Tables) -> ProcessRows {
    process_rows(
        tables.processes().select([col(PROCESS)]).limit(0),
        lit(false),
        lit(NULL).cast(DataType::Float64),
        [],
    )
}

/// One row per flagged organization for an outcome: each `(role, id)` with the number of
/// processes it was flagged in as the value, the evidence values of [`PROCESS_EXAMPLES`] and
/// [`PROCESSES`], all of them (their keys, in process order).
pub fn organizations_from(tables: &Tables, rows: LazyFrame, role: &str) -> LazyFrame {
    organizations_with_ocids(tables.ocids(), rows, role)
}

/// [`organizations_from`] with the processes' ocids (`process`, `ocid`) given (see
/// [`Tables::ocids`]), for a step that has no tables.
pub fn organizations_with_ocids(ocids: LazyFrame, rows: LazyFrame, role: &str) -> LazyFrame {
    let distinct = rows
        .select([col(ORGANIZATION_ID), col(PROCESS)])
        .unique_stable(None, UniqueKeepStrategy::First);
    joined_ocids(ocids, distinct)
        .sort([ORGANIZATION_ID, PROCESS], SortMultipleOptions::default())
        .group_by_stable([col(ORGANIZATION_ID)])
        .agg([
            col(PROCESS).count().alias("count"),
            col(OCID).head(Some(5)).alias("examples"),
            col(PROCESS).alias(PROCESSES),
        ])
        .select([
            lit(role).alias(ROLE),
            col(ORGANIZATION_ID),
            col("count").cast(DataType::Float64).alias(VALUE),
            col(PROCESSES),
            col("count"),
            col("examples"),
        ])
}

/// The organization rows of flagged (buyer, supplier) pairs: one row for the buyer and one
/// for the supplier of each pair, with `value` as the value and the pair's evidence `fields`.
/// An organization's rows are in the order of `order` (the pair's English sentence, as the
/// outputs have always listed them).
pub fn pair_organizations(
    pairs: LazyFrame,
    value: &str,
    fields: &[Field],
    order: Expr,
) -> PolarsResult<LazyFrame> {
    let organization = |role: &str, id: &str| {
        let mut columns = vec![
            lit(role).alias(ROLE),
            col(id).alias(ORGANIZATION_ID),
            col(value).cast(DataType::Float64).alias(VALUE),
            order.clone().alias("__order"),
        ];
        columns.extend(fields.iter().map(|field| col(field.name)));
        pairs.clone().select(columns)
    };
    Ok(concat(
        [
            organization("buyer", "buyer_id"),
            organization("supplier", "supplier_id"),
        ],
        UnionArgs::default(),
    )?
    .sort(
        [ROLE, ORGANIZATION_ID, "__order"],
        SortMultipleOptions::default(),
    )
    .drop(cols(["__order"])))
}

/// The tenderer rows of the flagged processes (`per_process` filtered by `flagged`), as
/// organization results (see [`organizations_from`]).
pub fn flagged_tenderers(
    tables: &Tables,
    tenderers: LazyFrame,
    per_process: LazyFrame,
    flagged: Expr,
) -> LazyFrame {
    let rows = tenderers
        .join(
            per_process.filter(flagged).select([col(PROCESS)]),
            [col(PROCESS)],
            [col(PROCESS)],
            JoinArgs::new(JoinType::Semi),
        )
        .select([col(PROCESS), col("tenderer_id").alias(ORGANIZATION_ID)]);
    organizations_from(tables, rows, "tenderer")
}
