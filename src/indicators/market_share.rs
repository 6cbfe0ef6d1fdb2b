//! `market_share` (OCP R050): a supplier that wins a high share of a market's awarded value.

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use super::support::markets::{MARKET_SUPPLIER, market_awards, supplier_shares};
use super::support::{first_of_each, process_rows};
use super::{
    Batch, Definition, Group, InParts, LazyOutcome, Metadata, ORGANIZATION_ID, PROCESS, Phase,
    Plan, ROLE, VALUE,
};
use crate::domain::Tables;
use crate::evidence::{Evidence, Field, Kind};

/// The indicator.
pub struct MarketShare;

/// Its settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// How many leading characters of the item classification make a kind of item.
    pub digits: u32,
    /// The share (0–1) of a market's awarded value at or above which a supplier is flagged.
    pub share: f64,
    /// The fewest awards of a market for it to be judged.
    pub minimum_awards: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            digits: 4,
            share: 0.5,
            minimum_awards: 20,
        }
    }
}

static METADATA: Metadata = Metadata {
    slug: "market_share",
    code: Some("R050"),
    title: "Supplier with a high share of a market",
    phase: Phase::Award,
    group: Group::Competition,
    weight: 0.10,
    family: "favoured_supplier",
    lists_tenderers: false,
    batch: Batch::Other,
    in_parts: InParts::Whole,
    list: None,
    levels: &["process", "supplier"],
    fields: &[
        "awards.status",
        "awards.value",
        "awards.suppliers.id",
        "awards.items.classification",
        "tender.items.classification",
    ],
    evidence: Evidence {
        process: &[
            Field::new("supplier", Kind::Text),
            Field::new("share", Kind::Percent),
            Field::new("class", Kind::Text),
            Field::or("currency", Kind::Text, "no_currency"),
            Field::new("supplier_awards", Kind::Count),
            Field::new("awards", Kind::Count),
            Field::new("suppliers", Kind::Count),
        ],
        organization: &[
            Field::new("share", Kind::Percent),
            Field::new("class", Kind::Text),
            Field::or("currency", Kind::Text, "no_currency"),
            Field::new("supplier_awards", Kind::Count),
            Field::new("awards", Kind::Count),
            Field::new("suppliers", Kind::Count),
        ],
    },
    settings: &[
        (
            "digits",
            "leading characters of the item classification that make a kind of item",
        ),
        (
            "share",
            "share (0-1) of a market's awarded value at or above which a supplier is flagged",
        ),
        (
            "minimum_awards",
            "fewest awards of a market (kind of item and currency) for it to be judged",
        ),
    ],
    page: include_str!("../../indicators/market_share.md"),
};

impl Definition for MarketShare {
    type Settings = Settings;

    fn metadata(&self) -> &'static Metadata {
        &METADATA
    }

    fn check(&self, settings: &Settings) -> Result<(), String> {
        if settings.digits < 1 {
            return Err("digits must be at least 1".to_owned());
        }
        if !(settings.share > 0.0 && settings.share <= 1.0) {
            return Err("share must be above 0 and at most 1".to_owned());
        }
        Ok(())
    }

    fn compute(&self, tables: &Tables, settings: &Settings) -> PolarsResult<Plan> {
        let awards = market_awards(tables, settings.digits).cache();
        let shares = supplier_shares(awards.clone())
            .filter(col("awards").gt_eq(lit(settings.minimum_awards)))
            .with_column(col("share").gt_eq(lit(settings.share)).alias("high"))
            .cache();
        // Each process by its award whose supplier has the largest share of its market.
        let measured = awards.select([col(PROCESS), col(MARKET_SUPPLIER)]).join(
            shares.clone(),
            [col(MARKET_SUPPLIER)],
            [col(MARKET_SUPPLIER)],
            JoinArgs::new(JoinType::Inner),
        );
        let per_process = first_of_each(
            measured,
            &[PROCESS],
            &["share", "supplier_id", "class", "currency"],
            &[true, false, false, false],
        )
        .sort([PROCESS], SortMultipleOptions::default());
        let details = [
            col("share"),
            col("class"),
            col("currency"),
            col("supplier_awards"),
            col("awards"),
            col("suppliers"),
        ];
        let mut evidence = vec![col("supplier_id").alias("supplier")];
        evidence.extend(details.clone());
        let processes = process_rows(per_process, col("high"), col("share"), evidence);
        let mut columns = vec![
            lit("supplier").alias(ROLE),
            col("supplier_id").alias(ORGANIZATION_ID),
            col("share").alias(VALUE),
        ];
        columns.extend(details);
        let organizations = shares
            .filter(col("high"))
            .sort(
                ["supplier_id", "class", "currency"],
                SortMultipleOptions::default(),
            )
            .select(columns);
        Ok(LazyOutcome {
            processes,
            organizations,
            meta: Vec::new(),
        }
        .into())
    }
}
