//! `shared_owner` (OCP R032, R033): tenderers of the same process share an owner, by the
//! company register extract the user gave (`[lists] register`, its `owners` column).

use polars::prelude::*;

use super::support::PROCESS_EXAMPLES;
use super::support::listed::*;
use super::{
    Batch, Definition, Group, InParts, LazyOutcome, Metadata, NoSettings, PROCESS, Phase, Plan,
};
use crate::domain::Tables;
use crate::evidence::{Evidence, Field, Kind};
use crate::lists::{OWNERS, name_key};

/// The indicator.
pub struct SharedOwner;

/// Column: an owner's name as matched (see [`name_key`]).
const OWNER_KEY: &str = "owner_key";

/// The evidence values and their types.
fn evidence() -> [(&'static str, DataType); 3] {
    [
        ("owner", DataType::String),
        ("tenderers", DataType::List(Box::new(DataType::String))),
        ("count", DataType::UInt32),
    ]
}

static METADATA: Metadata = Metadata {
    slug: "shared_owner",
    code: Some("R032"),
    title: "Tenderers share an owner",
    phase: Phase::Tender,
    group: Group::Competition,
    weight: 0.70,
    family: "collusion",
    lists_tenderers: true,
    batch: Batch::Other,
    in_parts: InParts::Whole,
    list: Some("register"),
    levels: &["process", "tenderer"],
    fields: &[
        "bids.details.tenderers.id",
        "bids.details.tenderers.name",
        "parties.identifier.id",
    ],
    evidence: Evidence {
        process: &[
            Field::new("owner", Kind::Text),
            Field::new("tenderers", Kind::List(", ")),
            Field::new("count", Kind::Count),
        ],
        organization: PROCESS_EXAMPLES,
    },
    settings: &[],
    page: include_str!("../../indicators/shared_owner.md"),
};

impl Definition for SharedOwner {
    type Settings = NoSettings;

    fn metadata(&self) -> &'static Metadata {
        &METADATA
    }

    fn compute(&self, tables: &Tables, _: &NoSettings) -> PolarsResult<Plan> {
        plan_on_list(
            tables,
            tables.lists().register.as_ref(),
            Some("tenderer"),
            &evidence(),
            judged,
        )
    }
}

/// Each matched organization's owners, one row each: the organization's columns, `owner`
/// (as written) and [`OWNER_KEY`].
fn owners_of(found: &DataFrame) -> PolarsResult<DataFrame> {
    let mut columns: Vec<PlSmallStr> = ["org_id", "org_name", "identifier"]
        .map(PlSmallStr::from)
        .to_vec();
    columns.push(OWNERS.into());
    let owners = found.select(columns)?.explode(
        [OWNERS],
        ExplodeOptions {
            empty_as_null: false,
            keep_nulls: false,
        },
    )?;
    let keys: StringChunked = owners
        .column(OWNERS)?
        .str()?
        .iter()
        .map(|owner| owner.map(name_key).filter(|key| !key.is_empty()))
        .collect();
    let mut owners = owners;
    owners.rename(OWNERS, "owner".into())?;
    owners.with_column(keys.with_name(OWNER_KEY.into()).into_column())?;
    owners.unique_stable(None, UniqueKeepStrategy::First, None)
}

/// A process is assessable when two or more of its tenderers are in the register with their
/// owners, and flagged when two or more share an owner (its name as matched). Its evidence is
/// the first such owner (by name), the tenderers that share it and how many.
fn judged(found: Found) -> PolarsResult<LazyOutcome> {
    let Found {
        parts: tenderers,
        processes,
        ocids,
        entries,
    } = found;
    let owners = owners_of(&entries)?;
    let owned = tenderers
        .join(
            owners.lazy().filter(col(OWNER_KEY).is_not_null()),
            organization_columns(),
            organization_columns(),
            on_organization(),
        )
        .with_column(organization_name().alias("tenderer"))
        .cache();
    let known = owned
        .clone()
        .group_by([col(PROCESS)])
        .agg([col("tenderer").n_unique().alias("known")])
        .filter(col("known").gt_eq(lit(2)));
    // The spelling of the first tenderer's entry (by name) names a shared owner.
    let shared = owned
        .clone()
        .sort(
            [PROCESS, OWNER_KEY, "tenderer"],
            SortMultipleOptions::default(),
        )
        .group_by_stable([col(PROCESS), col(OWNER_KEY)])
        .agg([
            col("owner").first(),
            col("tenderer")
                .unique()
                .sort(SortOptions::default())
                .alias("tenderers"),
            col("tenderer")
                .n_unique()
                .cast(DataType::UInt32)
                .alias("count"),
        ])
        .filter(col("count").gt_eq(lit(2)))
        .sort([PROCESS, OWNER_KEY], SortMultipleOptions::default())
        .cache();
    let first = shared.clone().group_by_stable([col(PROCESS)]).agg([
        col("owner").first(),
        col("tenderers").first(),
        col("count").first(),
    ]);
    let assessable = processes.join(
        known,
        [col(PROCESS)],
        [col(PROCESS)],
        JoinArgs::new(JoinType::Inner),
    );
    let assessable = with_flagged(assessable, first);
    let processes = rows_by_count(assessable, "owner", &evidence());
    // The tenderers that share an owner, each in its process.
    let sharing = owned
        .join(
            shared.select([col(PROCESS), col(OWNER_KEY)]),
            [col(PROCESS), col(OWNER_KEY)],
            [col(PROCESS), col(OWNER_KEY)],
            JoinArgs::new(JoinType::Semi),
        )
        .select([col(PROCESS), col(ORG_ID), col(ROLE)]);
    let organizations = organizations_of(ocids, sharing)?;
    Ok(LazyOutcome {
        processes,
        organizations,
        meta: Vec::new(),
    })
}
