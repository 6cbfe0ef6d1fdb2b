//! `split_purchase`: purchases of the same kind of item split into non-competitive awards
//! under a threshold that together exceed it.
//!
//! Several small purchases from one supplier add up past the threshold by chance in any busy
//! office; a split buys the same thing in pieces. Awards are therefore added up only within
//! the same item class (the first `classification_digits` characters of the award's first
//! item classification, else the tender's).

use std::collections::BTreeMap;

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use super::support::{first_by, pair_organizations, process_rows, rolling_sums_within};
use super::{Batch, Definition, Group, InParts, LazyOutcome, Metadata, PROCESS, Phase, Plan};
use crate::domain::{AWARD_KEY, Tables, code_in};
use crate::evidence::{Evidence, Field, Kind, Language, Level};

/// The indicator.
pub struct SplitPurchase;

/// Its settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// The procurement methods allowed under the threshold.
    pub procurement_methods: Vec<String>,
    /// The threshold (in the awards' currency) above which competition is required.
    pub threshold: f64,
    /// Thresholds for particular main procurement categories, in place of `threshold`.
    pub thresholds_by_category: BTreeMap<String, f64>,
    /// The window of award dates within which awards are added up, in days.
    pub window_days: i64,
    /// The fewest awards that make a split.
    pub minimum_awards: u32,
    /// How many leading characters of the item classification make the kind of item awards
    /// are added up within (4: a UNSPSC family); 0 adds up awards of any items.
    pub classification_digits: u32,
    /// The smallest piece added up, as a share of its threshold: smaller awards are taken for
    /// routine purchases (0 adds up every award under the threshold).
    pub minimum_fraction: f64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            procurement_methods: vec!["direct".to_owned(), "limited".to_owned()],
            threshold: 500_000.0,
            thresholds_by_category: BTreeMap::new(),
            window_days: 30,
            minimum_awards: 2,
            classification_digits: 4,
            minimum_fraction: 0.5,
        }
    }
}

/// The evidence of a split, at both levels.
const FIELDS: &[Field] = &[
    Field::new("count", Kind::Count),
    Field::new("buyer", Kind::Text),
    Field::new("supplier", Kind::Text),
    Field::new("items", Kind::Code(&["classified", "any"])),
    Field::new("class", Kind::Text),
    Field::new("window_days", Kind::Count),
    Field::new("anchor", Kind::Date),
    Field::new("threshold", Kind::Money("currency")),
    Field::new("currency", Kind::Text),
    Field::new("fraction", Kind::Code(&["at_least", "any"])),
    Field::new("minimum_percent", Kind::Number),
    Field::new("total", Kind::Money("currency")),
];

static METADATA: Metadata = Metadata {
    slug: "split_purchase",
    code: Some("R011"),
    title: "Purchase split under a threshold",
    phase: Phase::Award,
    group: Group::Competition,
    weight: 0.25,
    family: "threshold_avoidance",
    lists_tenderers: false,
    batch: Batch::Other,
    in_parts: InParts::Whole,
    list: None,
    levels: &["process", "buyer", "supplier"],
    fields: &[
        "buyer.id",
        "tender.procurementMethod",
        "tender.mainProcurementCategory",
        "awards.status",
        "awards.date",
        "awards.value",
        "awards.suppliers.id",
        "awards.items.classification",
        "tender.items.classification",
    ],
    evidence: Evidence {
        process: FIELDS,
        organization: FIELDS,
    },
    settings: &[
        (
            "procurement_methods",
            "procurement methods allowed under the threshold",
        ),
        (
            "threshold",
            "amount (in the awards' currency) above which competition is required",
        ),
        (
            "thresholds_by_category",
            "a table of thresholds for particular main procurement categories",
        ),
        (
            "window_days",
            "window of award dates within which awards are added up, in days",
        ),
        ("minimum_awards", "fewest awards that make a split"),
        (
            "classification_digits",
            "leading characters of the item classification that make a kind of item (4: UNSPSC family); 0: any items",
        ),
        (
            "minimum_fraction",
            "smallest piece added up, as a share (0-1) of its threshold; smaller awards are routine purchases",
        ),
    ],
    page: include_str!("../../indicators/split_purchase.md"),
};

impl Definition for SplitPurchase {
    type Settings = Settings;

    fn metadata(&self) -> &'static Metadata {
        &METADATA
    }

    fn check(&self, settings: &Settings) -> Result<(), String> {
        if settings.window_days < 1
            || settings.threshold <= 0.0
            || !(0.0..1.0).contains(&settings.minimum_fraction)
        {
            return Err("window_days must be at least 1, threshold above 0 and minimum_fraction at least 0 and below 1".to_owned());
        }
        Ok(())
    }

    fn compute(&self, tables: &Tables, settings: &Settings) -> PolarsResult<Plan> {
        let own = settings.thresholds_by_category.iter().fold(
            lit(settings.threshold),
            |otherwise, (category, amount)| {
                when(col("main_procurement_category").eq(lit(category.as_str())))
                    .then(lit(*amount))
                    .otherwise(otherwise)
            },
        );
        // The law's line for the award's method, currency, category and date where a
        // `[thresholds]` rule gives one, else the indicator's own.
        let threshold = if tables.thresholds().any() {
            tables
                .thresholds()
                .ceiling("currency", "date")
                .0
                .fill_null(own)
        } else {
            own
        };
        let processes = tables
            .processes()
            .filter(code_in("procurement_method", &settings.procurement_methods))
            .select([
                col(PROCESS),
                col("buyer_id"),
                col("buyer_name"),
                col("main_procurement_category"),
                col("procurement_method"),
                col("procurement_method_details"),
            ]);
        // Non-competitive awards under their threshold, one row per award (one supplier).
        let awards = tables
            .awards_of_buyers(
                col("date")
                    .is_not_null()
                    .and(col("amount").gt(lit(0.0)))
                    .and(col("supplier_id").is_not_null())
                    .and(col("suppliers_count").eq(lit(1))),
                processes,
            )
            .with_column(threshold.alias("threshold"))
            .filter(col("amount").lt(col("threshold")))
            .join(
                tables
                    .item_classes(settings.classification_digits)
                    .select([col(AWARD_KEY), col("class")]),
                [col(AWARD_KEY)],
                [col(AWARD_KEY)],
                JoinArgs::new(JoinType::Inner),
            )
            // By date, then by process and award (as the award key sorts).
            .sort(["date", AWARD_KEY], SortMultipleOptions::default())
            .with_columns([lit(1i64).alias("one"), col("currency").fill_null(lit(""))])
            .cache();
        let keys = ["buyer_id", "supplier_id", "currency", "threshold", "class"];
        let pair: Vec<Expr> = keys.iter().map(|key| col(*key)).collect();
        // The pieces: awards large enough not to be routine purchases.
        let pieces = awards
            .clone()
            .filter(col("amount").gt_eq(col("threshold") * lit(settings.minimum_fraction)))
            .cache();
        // Windows (ending at each piece) whose pieces add up above the threshold.
        let anchors = rolling_sums_within(
            pieces.clone(),
            &keys,
            &[(col("amount"), "total"), (col("one"), "count")],
            settings.window_days,
        )
        .filter(
            col("total")
                .gt(col("threshold"))
                .and(col("count").gt_eq(lit(settings.minimum_awards))),
        )
        .select([
            col("buyer_id"),
            col("supplier_id"),
            col("currency"),
            col("threshold"),
            col("class"),
            col("date").alias("anchor"),
            col("total"),
            col("count"),
        ]);
        // Every award inside a qualifying window is part of the split.
        let members = pieces
            .join(anchors, pair.clone(), pair, JoinArgs::new(JoinType::Inner))
            .filter(col("date").lt_eq(col("anchor")).and(col("date").gt_eq(
                col("anchor") - lit(Duration::parse(&format!("{}d", settings.window_days))),
            )))
            .cache();
        // Each flagged process, and each pair, described by its largest split.
        let evidence = [
            col("count"),
            col("buyer_name").fill_null(col("buyer_id")).alias("buyer"),
            col("supplier_name")
                .fill_null(col("supplier_id"))
                .alias("supplier"),
            lit(if settings.classification_digits == 0 {
                "any"
            } else {
                "classified"
            })
            .alias("items"),
            col("class"),
            lit(settings.window_days).alias("window_days"),
            col("anchor"),
            col("threshold"),
            col("currency"),
            lit(if settings.minimum_fraction > 0.0 {
                "at_least"
            } else {
                "any"
            })
            .alias("fraction"),
            lit((settings.minimum_fraction * 100.0).round()).alias("minimum_percent"),
            col("total"),
        ];
        // Described by the largest total, then the earliest anchor.
        let described = |frame: LazyFrame, keys: &[&str]| {
            let mut columns: Vec<Expr> = keys.iter().map(|key| col(*key)).collect();
            columns.extend(evidence.clone());
            first_by(frame, keys, &["total", "anchor"], &[true, false]).select(columns)
        };
        let per_process = awards
            .select([col(PROCESS)])
            .unique(None, UniqueKeepStrategy::First)
            .join(
                described(members.clone(), &[PROCESS]),
                [col(PROCESS)],
                [col(PROCESS)],
                JoinArgs::new(JoinType::Left),
            );
        let processes = process_rows(
            per_process,
            col("total").is_not_null(),
            col("total"),
            FIELDS.iter().map(|field| col(field.name)),
        );
        let order = Language::english().sentence(METADATA.slug, Level::Organization, FIELDS);
        let organizations = pair_organizations(
            described(members, &["buyer_id", "supplier_id"]),
            "total",
            FIELDS,
            order,
        )?;
        Ok(LazyOutcome {
            processes,
            organizations,
            meta: Vec::new(),
        }
        .into())
    }
}
