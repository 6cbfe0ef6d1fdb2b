//! `debarred_bidder` (OCP R046): a tenderer or supplier of the process is on the debarment or
//! sanctions list the user gave (`[lists] debarred`), for the date it took part.

use polars::prelude::*;

use super::support::{PROCESS_EXAMPLES, organizations_with_ocids, process_rows};
use super::{
    Batch, Definition, Group, InParts, LazyOutcome, Metadata, NoSettings, ORGANIZATION_ID, PROCESS,
    Phase, Plan,
};
use crate::domain::Tables;
use crate::evidence::{Evidence, Field, Kind};
use crate::lists::{self, ENTRY_ID, ENTRY_NAME, FROM, KEY, LINE, MATCH, SOURCE, TO};

/// The indicator.
pub struct DebarredBidder;

/// Columns of an organization's part in a process.
const ORG_ID: &str = "org_id";
const ORG_NAME: &str = "org_name";
const IDENTIFIER: &str = "identifier";
const ROLE: &str = "org_role";
const CHECKED: &str = "checked";
/// The evidence values and their types.
const EVIDENCE: [(&str, DataType); 8] = [
    ("organization", DataType::String),
    ("role", DataType::String),
    ("matched_by", DataType::String),
    ("entry", DataType::String),
    ("source", DataType::String),
    ("line", DataType::UInt32),
    ("date", DataType::Date),
    ("count", DataType::UInt32),
];
/// The ways an organization matches an entry, the surest first.
const MATCHED_BY: [&str; 3] = ["identifier", "id", "name"];

static METADATA: Metadata = Metadata {
    slug: "debarred_bidder",
    code: Some("R046"),
    title: "Bidder is debarred or on a sanctions list",
    phase: Phase::Award,
    group: Group::Competition,
    weight: 0.90,
    family: "debarred",
    lists_tenderers: false,
    batch: Batch::Other,
    in_parts: InParts::Whole,
    list: Some("debarred"),
    levels: &["process", "tenderer", "supplier"],
    fields: &[
        "bids.details.tenderers.id",
        "bids.details.tenderers.name",
        "bids.details.date",
        "awards.suppliers.id",
        "awards.suppliers.name",
        "awards.date",
        "parties.identifier.id",
    ],
    evidence: Evidence {
        process: &[
            Field::new("organization", Kind::Text),
            Field::new("role", Kind::Code(&["tenderer", "supplier"])),
            Field::new("matched_by", Kind::Code(&MATCHED_BY)),
            Field::new("entry", Kind::Text),
            Field::new("source", Kind::Text),
            Field::new("line", Kind::Count),
            Field::new("date", Kind::Date),
            Field::new("count", Kind::Count),
        ],
        organization: PROCESS_EXAMPLES,
    },
    settings: &[],
    page: include_str!("../../indicators/debarred_bidder.md"),
};

impl Definition for DebarredBidder {
    type Settings = NoSettings;

    fn metadata(&self) -> &'static Metadata {
        &METADATA
    }

    fn compute(&self, tables: &Tables, _: &NoSettings) -> PolarsResult<Plan> {
        // Without the list, no process can be assessed.
        let Some(list) = tables.lists().debarred.clone() else {
            return Plan::processes_only(process_rows(
                tables.processes().select([col(PROCESS)]).limit(0),
                lit(false),
                lit(NULL).cast(DataType::Float64),
                EVIDENCE.map(|(name, dtype)| lit(NULL).cast(dtype).alias(name)),
            ));
        };
        let parts = participants(tables);
        let distinct = parts
            .clone()
            .select([col(ORG_ID), col(ORG_NAME), col(IDENTIFIER)])
            .unique_stable(None, UniqueKeepStrategy::First);
        let processes = tables.processes().select([col(PROCESS)]);
        let ocids = tables.ocids();
        Ok(Plan::staged([distinct], move |[distinct]| {
            let matches = matched(&distinct, &list)?;
            judged(parts, processes, ocids, matches)
        }))
    }
}

/// Every tenderer (of a bid) and supplier (of an award) of each process, with the date it
/// took part (its bid's or award's, else the tender's start, else the release's), and the
/// identifier its entry in `parties` gives.
fn participants(tables: &Tables) -> LazyFrame {
    let part = |frame: LazyFrame, id: &str, name: &str, role: &str| {
        frame
            .filter(col(id).is_not_null().or(col(name).is_not_null()))
            .select([
                col(PROCESS),
                col(id).alias(ORG_ID),
                col(name).cast(DataType::String).alias(ORG_NAME),
                lit(role).alias(ROLE),
                col("date"),
            ])
    };
    let parts = concat(
        [
            part(tables.bids(), "tenderer_id", "tenderer_name", "tenderer"),
            part(tables.awards(), "supplier_id", "supplier_name", "supplier"),
        ],
        UnionArgs::default(),
    )
    .unwrap_or_else(|_| tables.bids().limit(0));
    let identifiers = tables
        .parties()
        .filter(
            col("party_id")
                .is_not_null()
                .and(col("identifier_id").is_not_null()),
        )
        .select([
            col(PROCESS),
            col("party_id").alias(ORG_ID),
            col("identifier_id")
                .cast(DataType::String)
                .alias(IDENTIFIER),
        ])
        .unique_stable(Some(cols([PROCESS, ORG_ID])), UniqueKeepStrategy::First);
    let dates = tables.processes().select([
        col(PROCESS),
        col("tender_start"),
        col("date").alias("released"),
    ]);
    parts
        .join(
            identifiers,
            [col(PROCESS), col(ORG_ID)],
            [col(PROCESS), col(ORG_ID)],
            JoinArgs::new(JoinType::Left),
        )
        .join(
            dates,
            [col(PROCESS)],
            [col(PROCESS)],
            JoinArgs::new(JoinType::Left),
        )
        .with_column(
            coalesce(&[col("date"), col("tender_start"), col("released")])
                .cast(DataType::Date)
                .alias(CHECKED),
        )
        .select([
            col(PROCESS),
            col(ORG_ID),
            col(ORG_NAME),
            col(IDENTIFIER),
            col(ROLE),
            col(CHECKED),
        ])
}

/// The list's entries each distinct organization matches, by its surest way only (its
/// identifier's, else its id's, else its name's): the organization's columns, `matched_by`,
/// and the entry's columns, one row per entry.
fn matched(distinct: &DataFrame, list: &DataFrame) -> PolarsResult<DataFrame> {
    use std::collections::HashMap;
    let keys = list.column(KEY)?.str()?;
    let kinds = list.column(MATCH)?.str()?;
    let mut by_key: HashMap<(&str, &str), Vec<IdxSize>> = HashMap::new();
    for (row, (kind, key)) in kinds.iter().zip(keys.iter()).enumerate() {
        if let (Some(kind), Some(key)) = (kind, key) {
            by_key.entry((kind, key)).or_default().push(row as IdxSize);
        }
    }
    let ids = distinct.column(ORG_ID)?.cast(&DataType::String)?;
    let ids = ids.str()?;
    let names = distinct.column(ORG_NAME)?.str()?;
    let identifiers = distinct.column(IDENTIFIER)?.str()?;
    let (mut orgs, mut entries, mut ways) = (Vec::new(), Vec::new(), Vec::new());
    for row in 0..distinct.height() {
        let tries = [
            ("id", identifiers.get(row).map(lists::id_key)),
            ("id", ids.get(row).map(lists::id_key)),
            ("name", names.get(row).map(lists::name_key)),
        ];
        let found = tries.iter().zip(MATCHED_BY).find_map(|((kind, key), way)| {
            let key = key.as_deref().filter(|key| !key.is_empty())?;
            by_key.get(&(*kind, key)).map(|rows| (rows, way))
        });
        if let Some((rows, way)) = found {
            for entry in rows {
                orgs.push(row as IdxSize);
                entries.push(*entry);
                ways.push(way);
            }
        }
    }
    let orgs = IdxCa::from_vec("".into(), orgs);
    let entries = IdxCa::from_vec("".into(), entries);
    let mut out = distinct.take(&orgs)?;
    let entry = list
        .select([ENTRY_ID, ENTRY_NAME, FROM, TO, SOURCE, LINE])?
        .take(&entries)?;
    out.hstack_mut(entry.columns())?;
    out.with_column(Column::new("matched_by".into(), ways))?;
    Ok(out)
}

/// The outcome: a process is assessable when it has a tenderer or supplier, and flagged when
/// one of them matches an entry that applies on the date it took part (an entry with dates
/// applies from `from` to `to`, inclusive, and not on an unknown date; one without applies
/// always). Its evidence is its first such organization (by role, then name), and the count
/// of them.
fn judged(
    parts: LazyFrame,
    processes: LazyFrame,
    ocids: LazyFrame,
    matches: DataFrame,
) -> PolarsResult<LazyOutcome> {
    let mut on_keys = JoinArgs::new(JoinType::Inner);
    on_keys.nulls_equal = true;
    let applies = |bound: &str, compare: fn(Expr, Expr) -> Expr| {
        col(bound)
            .is_null()
            .or(compare(col(CHECKED), col(bound)).fill_null(lit(false)))
    };
    let hits = parts
        .clone()
        .join(
            matches.lazy(),
            [col(ORG_ID), col(ORG_NAME), col(IDENTIFIER)],
            [col(ORG_ID), col(ORG_NAME), col(IDENTIFIER)],
            on_keys,
        )
        .filter(
            applies(FROM, |date, from| date.gt_eq(from))
                .and(applies(TO, |date, to| date.lt_eq(to))),
        )
        .sort(
            [PROCESS, ROLE, ORG_NAME, LINE],
            SortMultipleOptions::default().with_nulls_last(true),
        )
        .cache();
    let flagged = hits.clone().group_by_stable([col(PROCESS)]).agg([
        col(ORG_NAME)
            .fill_null(col(ORG_ID).cast(DataType::String))
            .first()
            .alias("organization"),
        col(ROLE).first().alias("role"),
        col("matched_by").first(),
        col(ENTRY_NAME)
            .fill_null(col(ENTRY_ID))
            .first()
            .alias("entry"),
        col(SOURCE).first().alias("source"),
        col(LINE).first().alias("line"),
        col(CHECKED).first().alias("date"),
        col(ORG_ID).n_unique().alias("count"),
    ]);
    let assessable = processes
        .join(
            parts.select([col(PROCESS)]),
            [col(PROCESS)],
            [col(PROCESS)],
            JoinArgs::new(JoinType::Semi),
        )
        .join(
            flagged,
            [col(PROCESS)],
            [col(PROCESS)],
            JoinArgs::new(JoinType::Left),
        );
    let flag = col("organization").is_not_null();
    let evidence = EVIDENCE.map(|(name, dtype)| col(name).cast(dtype));
    let processes = process_rows(
        assessable,
        flag.clone(),
        when(flag)
            .then(col("count").cast(DataType::Float64))
            .otherwise(lit(0.0)),
        evidence,
    );
    let of_role = |role: &str| {
        organizations_with_ocids(
            ocids.clone(),
            hits.clone()
                .filter(col(ROLE).eq(lit(role)).and(col(ORG_ID).is_not_null()))
                .select([col(PROCESS), col(ORG_ID).alias(ORGANIZATION_ID)]),
            role,
        )
    };
    let organizations = concat(
        [of_role("tenderer"), of_role("supplier")],
        UnionArgs::default(),
    )?;
    Ok(LazyOutcome {
        processes,
        organizations,
        meta: Vec::new(),
    })
}
