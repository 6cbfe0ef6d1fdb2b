//! `contract_before_tender_end`: a contract signed before the tender period ended.

use polars::prelude::*;

use super::support::signed_before::{Before, FIELDS, signed_before};
use super::{Batch, Definition, Group, InParts, Metadata, NoSettings, Phase, Plan};
use crate::domain::Tables;
use crate::evidence::Evidence;

/// `contract_before_tender_end`.
pub struct ContractBeforeTenderEnd;

static BEFORE_TENDER_END: Metadata = Metadata {
    slug: "contract_before_tender_end",
    code: None,
    title: "Contract signed before the tender period ended",
    phase: Phase::Contract,
    group: Group::Timing,
    weight: 0.40,
    family: "contract_dates",
    lists_tenderers: false,
    batch: Batch::Other,
    in_parts: InParts::Outcome,
    list: None,
    levels: &["process"],
    fields: &["contracts.dateSigned", "tender.tenderPeriod.endDate"],
    evidence: Evidence {
        process: FIELDS,
        organization: &[],
    },
    settings: &[],
    page: include_str!("../../indicators/contract_before_tender_end.md"),
};

impl Definition for ContractBeforeTenderEnd {
    type Settings = NoSettings;

    fn metadata(&self) -> &'static Metadata {
        &BEFORE_TENDER_END
    }

    fn compute(&self, tables: &Tables, _: &NoSettings) -> PolarsResult<Plan> {
        signed_before(tables, Before::TenderEnd)
    }
}
