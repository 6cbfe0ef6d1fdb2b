//! `heavily_discounted_bid` (OCP R058): the winning bid is unusually far below the
//! second-lowest valid bid.

use polars::prelude::*;

use super::second_bid::{FIELDS, GAP_EVIDENCE, SETTINGS, Settings, Side, outcome};
use super::{Batch, Definition, Group, InParts, Metadata, Phase, Plan};
use crate::domain::Tables;

/// The indicator.
pub struct HeavilyDiscountedBid;

static METADATA: Metadata = Metadata {
    slug: "heavily_discounted_bid",
    code: Some("R058"),
    title: "Heavily discounted bid",
    phase: Phase::Award,
    group: Group::Price,
    weight: 0.15,
    family: "bid_gap",
    lists_tenderers: true,
    batch: Batch::Bids,
    in_parts: InParts::Inputs,
    list: None,
    levels: &["process", "tenderer"],
    fields: FIELDS,
    evidence: GAP_EVIDENCE,
    settings: &[
        (
            "threshold",
            "flag differences at or above this (e.g. 0.5), instead of the upper fence",
        ),
        SETTINGS[0],
        SETTINGS[1],
    ],
    page: include_str!("../../indicators/heavily_discounted_bid.md"),
};

impl Definition for HeavilyDiscountedBid {
    type Settings = Settings;

    fn metadata(&self) -> &'static Metadata {
        &METADATA
    }

    fn compute(&self, tables: &Tables, settings: &Settings) -> PolarsResult<Plan> {
        Ok(outcome(tables, Side::High, settings))
    }
}
