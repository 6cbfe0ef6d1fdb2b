//! `shared_owner` (OCP R032, R033): tenderers of the same process share an owner, by the
//! company register extract the user gave (`[lists] register`, its `owners` column).

use polars::prelude::*;

use super::support::PROCESS_EXAMPLES;
use super::support::listed::*;
use super::{Batch, Definition, Group, InParts, Metadata, NoSettings, Phase, Plan};
use crate::domain::Tables;
use crate::evidence::{Evidence, Field, Kind};
use crate::lists::{OWNERS, name_key};

/// The indicator.
pub struct SharedOwner;

/// The evidence values and their types.
fn evidence() -> [(&'static str, DataType); 3] {
    shared_evidence("owner")
}

static METADATA: Metadata = Metadata {
    slug: "shared_owner",
    // OCP's R032 and R033 by the register; the codes' own indicators read the data's owners
    // (`shared_beneficial_owner`, `shared_shareholder`), and indicators/ocp.toml lists both.
    code: None,
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
            |found| shared_value(found, OWNERS, "owner", name_key, &evidence()),
        )
    }
}
