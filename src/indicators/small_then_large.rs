//! `small_then_large` (OCP R052): a supplier's first award from a buyer is small, and a later
//! one much larger.

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use super::support::{first_of_each, process_rows};
use super::{Batch, Definition, Group, InParts, Metadata, OCID, PROCESS, Phase, Plan};
use crate::domain::{AWARD_KEY, Tables, code_or_missing, numbered_code, packed};
use crate::evidence::{Evidence, Field, Kind};

/// The indicator.
pub struct SmallThenLarge;

/// Its settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// How many times the first award's amount a later award must reach to be flagged.
    pub multiple: f64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings { multiple: 10.0 }
    }
}

static METADATA: Metadata = Metadata {
    slug: "small_then_large",
    code: Some("R052"),
    title: "Small first purchase from a supplier followed by much larger ones",
    phase: Phase::Award,
    group: Group::Competition,
    weight: 0.10,
    family: "favoured_supplier",
    lists_tenderers: false,
    batch: Batch::Other,
    in_parts: InParts::Whole,
    list: None,
    levels: &["process"],
    fields: &[
        "buyer.id",
        "awards.status",
        "awards.date",
        "awards.value",
        "awards.suppliers.id",
    ],
    evidence: Evidence {
        process: &[
            Field::new("supplier", Kind::Text),
            Field::new("buyer", Kind::Text),
            Field::new("amount", Kind::Money("currency")),
            Field::new("ratio", Kind::Fixed(1)),
            Field::new("first_amount", Kind::Money("currency")),
            Field::new("first_date", Kind::Date),
            Field::new("first_ocid", Kind::Text),
            Field::or("currency", Kind::Text, "no_currency"),
        ],
        organization: &[],
    },
    settings: &[(
        "multiple",
        "times the first award's amount a later award must reach to be flagged",
    )],
    page: include_str!("../../indicators/small_then_large.md"),
};

impl Definition for SmallThenLarge {
    type Settings = Settings;

    fn metadata(&self) -> &'static Metadata {
        &METADATA
    }

    fn check(&self, settings: &Settings) -> Result<(), String> {
        if !(settings.multiple.is_finite() && settings.multiple > 1.0) {
            return Err("multiple must be a number above 1".to_owned());
        }
        Ok(())
    }

    fn compute(&self, tables: &Tables, settings: &Settings) -> PolarsResult<Plan> {
        // A buyer and a supplier as one integer, the currency as another: the pairs are
        // sorted and joined on integers, not on three columns of texts.
        let pair = ["pair", "currency_code"];
        let on_pair = || pair.map(col).to_vec();
        let awards = tables
            .buyer_awards(
                col("amount")
                    .gt(lit(0.0))
                    .and(col("date").is_not_null())
                    .and(col("supplier_id").is_not_null()),
                false,
            )
            .select([
                col(PROCESS),
                col(AWARD_KEY),
                col("buyer_id"),
                col("supplier_id"),
                col("currency"),
                packed(numbered_code("buyer_id"), numbered_code("supplier_id")).alias("pair"),
                code_or_missing("currency").alias("currency_code"),
                col("date"),
                col("amount"),
            ])
            .cache();
        // Each pair's first award: the earliest, then the first process.
        let first = first_of_each(awards.clone(), &pair, &["date", PROCESS], &[false, false])
            .select([
                col("pair"),
                col("currency_code"),
                col("date").alias("first_date"),
                col("amount").alias("first_amount"),
                col(PROCESS).alias("first_process"),
            ])
            .join(
                tables.ocids().select([
                    col(PROCESS).alias("first_process"),
                    col(OCID).alias("first_ocid"),
                ]),
                [col("first_process")],
                [col("first_process")],
                JoinArgs::new(JoinType::Left),
            );
        let later = awards
            .join(first, on_pair(), on_pair(), JoinArgs::new(JoinType::Inner))
            .filter(col("date").gt(col("first_date")))
            .with_column((col("amount") / col("first_amount")).alias("ratio"));
        // Each process by its award the furthest above its pair's first.
        let per_process = first_of_each(later, &[PROCESS], &["ratio", AWARD_KEY], &[true, false])
            .sort([PROCESS], SortMultipleOptions::default());
        let processes = process_rows(
            per_process,
            col("ratio").gt_eq(lit(settings.multiple)),
            col("ratio"),
            [
                col("supplier_id").alias("supplier"),
                col("buyer_id").alias("buyer"),
                col("amount"),
                col("ratio"),
                col("first_amount"),
                col("first_date"),
                col("first_ocid"),
                col("currency"),
            ],
        );
        Plan::processes_only(processes)
    }
}
