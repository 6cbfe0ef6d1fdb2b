//! `price_close_to_winning_bid` (OCP R024): the second-lowest valid bid is unusually close to
//! the winning bid.

use polars::prelude::*;

use super::second_bid::{FIELDS, GAP_EVIDENCE, SETTINGS, Settings, Side, outcome};
use super::{Batch, Definition, Group, InParts, Metadata, Phase, Plan};
use crate::domain::Tables;

/// The indicator.
pub struct PriceCloseToWinningBid;

static METADATA: Metadata = Metadata {
    slug: "price_close_to_winning_bid",
    code: Some("R024"),
    title: "Price close to winning bid",
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
            "flag differences at or below this (e.g. 0.05), instead of the lower fence",
        ),
        SETTINGS[0],
        SETTINGS[1],
    ],
    page: include_str!("../../indicators/price_close_to_winning_bid.md"),
};

impl Definition for PriceCloseToWinningBid {
    type Settings = Settings;

    fn metadata(&self) -> &'static Metadata {
        &METADATA
    }

    fn compute(&self, tables: &Tables, settings: &Settings) -> PolarsResult<Plan> {
        Ok(outcome(tables, Side::Low, settings))
    }
}
