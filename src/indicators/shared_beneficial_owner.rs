//! `shared_beneficial_owner` (OCP R032): tenderers of the same process share a beneficial
//! owner, by the parties' `beneficialOwners` in the data.

use polars::prelude::*;

use super::support::PROCESS_EXAMPLES;
use super::support::listed::{owners_shared, shared_evidence};
use super::{Batch, Definition, Group, InParts, Metadata, NoSettings, Phase, Plan};
use crate::domain::Tables;
use crate::evidence::{Evidence, Field, Kind};

/// The indicator.
pub struct SharedBeneficialOwner;

/// The evidence values and their types.
fn evidence() -> [(&'static str, DataType); 3] {
    shared_evidence("owner")
}

static METADATA: Metadata = Metadata {
    slug: "shared_beneficial_owner",
    code: Some("R032"),
    title: "Tenderers share a beneficial owner",
    phase: Phase::Tender,
    group: Group::Competition,
    weight: 0.70,
    family: "collusion",
    lists_tenderers: true,
    batch: Batch::Other,
    in_parts: InParts::Whole,
    list: None,
    levels: &["process", "tenderer"],
    fields: &["bids.details.tenderers.id", "parties.beneficialOwners"],
    evidence: Evidence {
        process: &[
            Field::new("owner", Kind::Text),
            Field::new("tenderers", Kind::List(", ")),
            Field::new("count", Kind::Count),
        ],
        organization: PROCESS_EXAMPLES,
    },
    settings: &[],
    page: include_str!("../../indicators/shared_beneficial_owner.md"),
};

impl Definition for SharedBeneficialOwner {
    type Settings = NoSettings;

    fn metadata(&self) -> &'static Metadata {
        &METADATA
    }

    fn compute(&self, tables: &Tables, _: &NoSettings) -> PolarsResult<Plan> {
        Ok(owners_shared(
            tables,
            ["beneficial_owner_keys", "beneficial_owner_names"],
            &[],
            lit(true),
            "owner",
            &evidence(),
        )?
        .into())
    }
}
