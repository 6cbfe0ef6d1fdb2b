//! `shared_address` (OCP R044): tenderers of the same process share an address, by the
//! company register extract the user gave (`[lists] register`, its `address` column).

use polars::prelude::*;

use super::support::PROCESS_EXAMPLES;
use super::support::listed::*;
use super::{Batch, Definition, Group, InParts, Metadata, NoSettings, Phase, Plan};
use crate::domain::Tables;
use crate::evidence::{Evidence, Field, Kind};
use crate::lists::{ADDRESS, address_key};

/// The indicator.
pub struct SharedAddress;

/// The evidence values and their types.
fn evidence() -> [(&'static str, DataType); 3] {
    shared_evidence("address")
}

static METADATA: Metadata = Metadata {
    slug: "shared_address",
    code: Some("R044"),
    title: "Tenderers share an address",
    phase: Phase::Tender,
    group: Group::Competition,
    weight: 0.50,
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
            Field::new("address", Kind::Text),
            Field::new("tenderers", Kind::List(", ")),
            Field::new("count", Kind::Count),
        ],
        organization: PROCESS_EXAMPLES,
    },
    settings: &[],
    page: include_str!("../../indicators/shared_address.md"),
};

impl Definition for SharedAddress {
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
            |found| shared_value(found, ADDRESS, "address", address_key, &evidence()),
        )
    }
}
