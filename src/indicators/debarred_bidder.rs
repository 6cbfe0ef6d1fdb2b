//! `debarred_bidder` (OCP R046): a tenderer or supplier of the process is on the debarment or
//! sanctions list the user gave (`[lists] debarred`), for the date it took part.

use polars::prelude::*;

use super::support::PROCESS_EXAMPLES;
use super::{
    Batch, Definition, Group, InParts, LazyOutcome, Metadata, NoSettings, PROCESS, Phase, Plan,
};
use crate::domain::Tables;
use crate::evidence::{Evidence, Field, Kind};
use crate::lists::{ENTRY_ID, ENTRY_NAME, FROM, LINE, SOURCE, TO};

use super::support::listed::*;

/// The indicator.
pub struct DebarredBidder;

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
        plan_on_list(
            tables,
            tables.lists().debarred.as_ref(),
            None,
            &EVIDENCE,
            judged,
        )
    }
}

/// The outcome: a process is assessable when it has a tenderer or supplier, and flagged when
/// one of them matches an entry that applies on the date it took part (an entry with dates
/// applies from `from` to `to`, inclusive, and not on an unknown date; one without applies
/// always). Its evidence is its first such organization (by role, then name), and the count
/// of them.
fn judged(found: Found) -> PolarsResult<LazyOutcome> {
    let Found {
        parts,
        processes,
        ocids,
        entries: matches,
    } = found;
    let applies = |bound: &str, compare: fn(Expr, Expr) -> Expr| {
        col(bound)
            .is_null()
            .or(compare(col(CHECKED), col(bound)).fill_null(lit(false)))
    };
    let hits = parts
        .clone()
        .join(
            matches.lazy(),
            organization_columns(),
            organization_columns(),
            on_organization(),
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
        organization_name().first().alias("organization"),
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
    let assessable = processes.join(
        parts.select([col(PROCESS)]),
        [col(PROCESS)],
        [col(PROCESS)],
        JoinArgs::new(JoinType::Semi),
    );
    let assessable = with_flagged(assessable, flagged);
    let processes = rows_by_count(assessable, "organization", &EVIDENCE);
    let organizations = organizations_of(ocids, hits)?;
    Ok(LazyOutcome {
        processes,
        organizations,
        meta: Vec::new(),
    })
}
