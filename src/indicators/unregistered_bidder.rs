//! `unregistered_bidder` (OCP R045): a tenderer or supplier of the process is not in the
//! company register extract the user gave (`[lists] register`).

use polars::prelude::*;

use super::support::PROCESS_EXAMPLES;
use super::support::listed::*;
use super::{
    Batch, Definition, Group, InParts, LazyOutcome, Metadata, NoSettings, PROCESS, Phase, Plan,
};
use crate::domain::Tables;
use crate::evidence::{Evidence, Field, Kind};

/// The indicator.
pub struct UnregisteredBidder;

/// The evidence values and their types.
const EVIDENCE: [(&str, DataType); 4] = [
    ("organization", DataType::String),
    ("role", DataType::String),
    ("count", DataType::UInt32),
    ("of", DataType::UInt32),
];

static METADATA: Metadata = Metadata {
    slug: "unregistered_bidder",
    code: Some("R045"),
    title: "Bidder not in the company register",
    phase: Phase::Tender,
    group: Group::Competition,
    weight: 0.30,
    family: "register",
    lists_tenderers: false,
    batch: Batch::Other,
    in_parts: InParts::Whole,
    list: Some("register"),
    levels: &["process", "tenderer", "supplier"],
    fields: &[
        "bids.details.tenderers.id",
        "bids.details.tenderers.name",
        "awards.suppliers.id",
        "awards.suppliers.name",
        "parties.identifier.id",
    ],
    evidence: Evidence {
        process: &[
            Field::new("organization", Kind::Text),
            Field::new("role", Kind::Code(&["tenderer", "supplier"])),
            Field::new("count", Kind::Count),
            Field::new("of", Kind::Count),
        ],
        organization: PROCESS_EXAMPLES,
    },
    settings: &[],
    page: include_str!("../../indicators/unregistered_bidder.md"),
};

impl Definition for UnregisteredBidder {
    type Settings = NoSettings;

    fn metadata(&self) -> &'static Metadata {
        &METADATA
    }

    fn compute(&self, tables: &Tables, _: &NoSettings) -> PolarsResult<Plan> {
        plan_on_list(
            tables,
            tables.lists().register.as_ref(),
            None,
            &EVIDENCE,
            judged,
        )
    }
}

/// A process is assessable when it names a tenderer or supplier, and flagged when one of them
/// matches no entry of the register (by identifier, id or name). Its evidence is the first
/// such organization (suppliers first, then by name), how many there are, and of how many.
fn judged(found: Found) -> PolarsResult<LazyOutcome> {
    let Found {
        parts,
        processes,
        ocids,
        entries: found,
    } = found;
    let mut anti = on_organization();
    anti.how = JoinType::Anti;
    let found = found
        .lazy()
        .select(organization_columns())
        .unique_stable(None, UniqueKeepStrategy::First);
    let missing = parts
        .clone()
        .join(found, organization_columns(), organization_columns(), anti)
        .with_column(organization_name().alias("organization"))
        .sort(
            [PROCESS, ROLE, "organization"],
            SortMultipleOptions::default().with_nulls_last(true),
        )
        .cache();
    let flagged = missing.clone().group_by_stable([col(PROCESS)]).agg([
        col("organization").first(),
        col(ROLE).first().alias("role"),
        col("organization")
            .n_unique()
            .cast(DataType::UInt32)
            .alias("count"),
    ]);
    let totals = parts
        .clone()
        .group_by([col(PROCESS)])
        .agg([organization_name()
            .n_unique()
            .cast(DataType::UInt32)
            .alias("of")]);
    let assessable = processes.join(
        totals,
        [col(PROCESS)],
        [col(PROCESS)],
        JoinArgs::new(JoinType::Inner),
    );
    let assessable = with_flagged(assessable, flagged);
    let processes = rows_by_count(assessable, "organization", &EVIDENCE);
    let organizations = organizations_of(
        ocids,
        missing.select([col(PROCESS), col(ORG_ID), col(ROLE)]),
    )?;
    Ok(LazyOutcome {
        processes,
        organizations,
        meta: Vec::new(),
    })
}
