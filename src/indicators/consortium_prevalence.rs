//! `consortium_prevalence` (OCP R026): an award to a consortium in a market where consortia
//! win an unusually high share of the awards.

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use super::support::{first_of_each, process_rows};
use super::{Batch, Definition, Group, InParts, Metadata, PROCESS, Phase, Plan};
use crate::domain::{AWARD_KEY, Tables, awarded};
use crate::evidence::{Evidence, Field, Kind};

/// The indicator.
pub struct ConsortiumPrevalence;

/// Its settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// How many leading characters of the item classification make a kind of item.
    pub digits: u32,
    /// The share (0–1) of a kind of item's awards won by consortia at or above which its
    /// consortia's awards are flagged.
    pub share: f64,
    /// The fewest awards of a kind of item for it to be judged.
    pub minimum_awards: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            digits: 4,
            share: 0.25,
            minimum_awards: 20,
        }
    }
}

static METADATA: Metadata = Metadata {
    slug: "consortium_prevalence",
    code: Some("R026"),
    title: "Prevalence of consortia",
    phase: Phase::Award,
    group: Group::Competition,
    weight: 0.05,
    family: "consortium_prevalence",
    lists_tenderers: false,
    batch: Batch::Other,
    in_parts: InParts::Whole,
    list: None,
    levels: &["process"],
    fields: &[
        "awards.status",
        "awards.suppliers.id",
        "awards.items.classification",
        "tender.items.classification",
    ],
    evidence: Evidence {
        process: &[
            Field::new("members", Kind::Text),
            Field::new("class", Kind::Text),
            Field::new("share", Kind::Percent),
            Field::new("consortia", Kind::Count),
            Field::new("awards", Kind::Count),
        ],
        organization: &[],
    },
    settings: &[
        (
            "digits",
            "leading characters of the item classification that make a kind of item",
        ),
        (
            "share",
            "share (0-1) of a kind of item's awards won by consortia at or above which they are flagged",
        ),
        (
            "minimum_awards",
            "fewest awards of a kind of item for it to be judged",
        ),
    ],
    page: include_str!("../../indicators/consortium_prevalence.md"),
};

impl Definition for ConsortiumPrevalence {
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
        // One row per awarded award with suppliers: its members, sorted, when a consortium.
        // The members' text is made for the consortia only: an award of one supplier (most
        // of them) has one row, whose supplier is its members.
        let awarded_with_suppliers = tables
            .awards()
            .filter(awarded().and(col("supplier_id").is_not_null()));
        let several = col("suppliers_count").gt_eq(lit(2)).fill_null(lit(false));
        let singles = awarded_with_suppliers
            .clone()
            .filter(several.clone().not())
            .unique_stable(Some(cols([AWARD_KEY])), UniqueKeepStrategy::First)
            .select([
                col(AWARD_KEY),
                col(PROCESS),
                col("suppliers_count"),
                col("supplier_id").cast(DataType::String).alias("members"),
            ]);
        let consortia = awarded_with_suppliers
            .filter(several)
            .group_by([col(AWARD_KEY)])
            .agg([
                col(PROCESS).first(),
                col("suppliers_count").first(),
                col("supplier_id")
                    .cast(DataType::String)
                    .unique()
                    .sort(SortOptions::default())
                    .str()
                    .join(", ", true)
                    .alias("members"),
            ]);
        let awards = concat([singles, consortia], UnionArgs::default())?
            .with_column(col("suppliers_count").gt_eq(lit(2)).alias("consortium"))
            .join(
                tables
                    .item_classes(settings.digits)
                    .select([col(AWARD_KEY), col("class")]),
                [col(AWARD_KEY)],
                [col(AWARD_KEY)],
                JoinArgs::new(JoinType::Inner),
            )
            .cache();
        let markets = awards
            .clone()
            .group_by([col("class")])
            .agg([
                len().alias("awards"),
                col("consortium")
                    .cast(DataType::UInt32)
                    .sum()
                    .alias("consortia"),
            ])
            .filter(col("awards").gt_eq(lit(settings.minimum_awards)))
            .with_column(
                (col("consortia").cast(DataType::Float64) / col("awards").cast(DataType::Float64))
                    .alias("share"),
            );
        let measured = awards.join(
            markets,
            [col("class")],
            [col("class")],
            JoinArgs::new(JoinType::Inner),
        );
        // Each process by its consortium's award in the market with the highest share, else
        // by its award in such a market.
        let per_process = first_of_each(
            measured,
            &[PROCESS],
            &["consortium", "share", AWARD_KEY],
            &[true, true, false],
        )
        .sort([PROCESS], SortMultipleOptions::default());
        let processes = process_rows(
            per_process,
            col("consortium").and(col("share").gt_eq(lit(settings.share))),
            col("share"),
            [
                col("members"),
                col("class"),
                col("share"),
                col("consortia"),
                col("awards"),
            ],
        );
        Plan::processes_only(processes)
    }
}
