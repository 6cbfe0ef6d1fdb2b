//! `contract_signed_before_award`: a contract signed before the award it implements.

use polars::prelude::*;

use super::support::signed_before::{Before, FIELDS, signed_before};
use super::{Batch, Definition, Group, InParts, Metadata, NoSettings, Phase, Plan};
use crate::domain::Tables;
use crate::evidence::Evidence;

/// `contract_signed_before_award`.
pub struct ContractSignedBeforeAward;

static BEFORE_AWARD: Metadata = Metadata {
    slug: "contract_signed_before_award",
    code: None,
    title: "Contract signed before its award",
    phase: Phase::Contract,
    group: Group::Timing,
    weight: 0.40,
    family: "contract_dates",
    lists_tenderers: false,
    batch: Batch::Other,
    in_parts: InParts::Outcome,
    list: None,
    levels: &["process"],
    fields: &[
        "contracts.dateSigned",
        "contracts.awardID",
        "awards.id",
        "awards.date",
    ],
    evidence: Evidence {
        process: FIELDS,
        organization: &[],
    },
    settings: &[],
    page: include_str!("../../indicators/contract_signed_before_award.md"),
};

impl Definition for ContractSignedBeforeAward {
    type Settings = NoSettings;

    fn metadata(&self) -> &'static Metadata {
        &BEFORE_AWARD
    }

    fn compute(&self, tables: &Tables, _: &NoSettings) -> PolarsResult<Plan> {
        signed_before(tables, Before::Award)
    }
}
