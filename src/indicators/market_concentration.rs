//! `market_concentration` (OCP R051): a market whose awarded value is concentrated on few
//! suppliers.

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use super::support::markets::{MARKET_KEY, market_awards, supplier_shares};
use super::support::{first_of_each, process_rows};
use super::{Batch, Definition, Group, InParts, Metadata, PROCESS, Phase, Plan};
use crate::domain::Tables;
use crate::evidence::{Evidence, Field, Kind};

/// The indicator.
pub struct MarketConcentration;

/// Its settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// How many leading characters of the item classification make a kind of item.
    pub digits: u32,
    /// The Herfindahl–Hirschman index (0–10,000) at or above which a market is flagged.
    pub threshold: f64,
    /// The fewest awards of a market for it to be judged.
    pub minimum_awards: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            digits: 4,
            threshold: 2500.0,
            minimum_awards: 20,
        }
    }
}

static METADATA: Metadata = Metadata {
    slug: "market_concentration",
    code: Some("R051"),
    title: "High market concentration",
    phase: Phase::Award,
    group: Group::Competition,
    weight: 0.05,
    family: "market_concentration",
    lists_tenderers: false,
    batch: Batch::Other,
    in_parts: InParts::Whole,
    list: None,
    levels: &["process"],
    fields: &[
        "awards.status",
        "awards.value",
        "awards.suppliers.id",
        "awards.items.classification",
        "tender.items.classification",
    ],
    evidence: Evidence {
        process: &[
            Field::new("class", Kind::Text),
            Field::or("currency", Kind::Text, "no_currency"),
            Field::new("hhi", Kind::Count),
            Field::new("suppliers", Kind::Count),
            Field::new("awards", Kind::Count),
            Field::new("top", Kind::Text),
            Field::new("top_share", Kind::Percent),
        ],
        organization: &[],
    },
    settings: &[
        (
            "digits",
            "leading characters of the item classification that make a kind of item",
        ),
        (
            "threshold",
            "Herfindahl-Hirschman index (0-10,000) at or above which a market is flagged",
        ),
        (
            "minimum_awards",
            "fewest awards of a market (kind of item and currency) for it to be judged",
        ),
    ],
    page: include_str!("../../indicators/market_concentration.md"),
};

impl Definition for MarketConcentration {
    type Settings = Settings;

    fn metadata(&self) -> &'static Metadata {
        &METADATA
    }

    fn check(&self, settings: &Settings) -> Result<(), String> {
        if settings.digits < 1 {
            return Err("digits must be at least 1".to_owned());
        }
        if !(settings.threshold > 0.0 && settings.threshold <= 10_000.0) {
            return Err("threshold must be above 0 and at most 10000".to_owned());
        }
        Ok(())
    }

    fn compute(&self, tables: &Tables, settings: &Settings) -> PolarsResult<Plan> {
        let market = [col(MARKET_KEY)];
        let awards = market_awards(tables, settings.digits).cache();
        let shares = supplier_shares(awards.clone()).cache();
        // Each market's index, and its largest supplier (the first id of equal shares).
        let top = first_of_each(
            shares.clone(),
            &[MARKET_KEY],
            &["share", "supplier_id"],
            &[true, false],
        )
        .select([
            col(MARKET_KEY),
            col("supplier_id").alias("top"),
            col("share").alias("top_share"),
        ]);
        let markets = shares
            .group_by(market.clone())
            .agg([
                (col("share") * lit(100.0)).pow(2).sum().alias("hhi"),
                col("awards").first(),
                col("suppliers").first(),
                col("class").first(),
                col("currency").first(),
            ])
            .filter(col("awards").gt_eq(lit(settings.minimum_awards)))
            .join(
                top,
                market.clone(),
                market.clone(),
                JoinArgs::new(JoinType::Inner),
            )
            .with_column(col("hhi").round(0, RoundMode::HalfAwayFromZero));
        // Each process by its most concentrated market.
        let measured = awards.select([col(PROCESS), col(MARKET_KEY)]).join(
            markets,
            market.clone(),
            market,
            JoinArgs::new(JoinType::Inner),
        );
        let per_process = first_of_each(
            measured,
            &[PROCESS],
            &["hhi", "class", "currency"],
            &[true, false, false],
        )
        .sort([PROCESS], SortMultipleOptions::default());
        let processes = process_rows(
            per_process,
            col("hhi").gt_eq(lit(settings.threshold)),
            col("hhi"),
            [
                col("class"),
                col("currency"),
                col("hhi").cast(DataType::Int64),
                col("suppliers"),
                col("awards"),
                col("top"),
                col("top_share"),
            ],
        );
        Plan::processes_only(processes)
    }
}
