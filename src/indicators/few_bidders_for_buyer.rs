//! `few_bidders_for_buyer` (OCP R019): a buyer's tenders for a kind of item draw far fewer
//! bidders than other buyers' tenders for it.

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use super::support::{process_rows, with_tenderer_counts};
use super::{
    Batch, Definition, Group, InParts, LazyOutcome, Metadata, ORGANIZATION_ID, PROCESS, Phase,
    Plan, ROLE, VALUE,
};
use crate::domain::{Tables, code_in};
use crate::evidence::{Evidence, Field, Kind};

/// The indicator.
pub struct FewBiddersForBuyer;

/// Its settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// The procurement methods whose tenders are compared (without regard to case).
    pub procurement_methods: Vec<String>,
    /// How many leading characters of the item classification make a kind of item.
    pub digits: u32,
    /// The buyer's average number of bidders, as a share of the other buyers', at or below
    /// which it is flagged.
    pub ratio: f64,
    /// The fewest processes of the buyer, and of the other buyers, for a kind of item.
    pub minimum_processes: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            procurement_methods: vec!["open".to_owned(), "selective".to_owned()],
            digits: 4,
            ratio: 0.5,
            minimum_processes: 5,
        }
    }
}

static METADATA: Metadata = Metadata {
    slug: "few_bidders_for_buyer",
    code: Some("R019"),
    title: "Low number of bidders for the kind of item at this buyer",
    phase: Phase::Tender,
    group: Group::Competition,
    weight: 0.10,
    family: "low_competition",
    lists_tenderers: false,
    batch: Batch::Other,
    in_parts: InParts::Whole,
    list: None,
    levels: &["process", "buyer"],
    fields: &[
        "buyer.id",
        "tender.procurementMethod",
        "tender.items.classification",
        "bids.details.tenderers.id",
        "tender.tenderers.id",
        "tender.numberOfTenderers",
    ],
    evidence: Evidence {
        process: &[
            Field::new("buyer", Kind::Text),
            Field::new("average", Kind::Fixed(1)),
            Field::new("processes", Kind::Count),
            Field::new("class", Kind::Text),
            Field::new("others_average", Kind::Fixed(1)),
            Field::new("others", Kind::Count),
        ],
        organization: &[
            Field::new("average", Kind::Fixed(1)),
            Field::new("processes", Kind::Count),
            Field::new("class", Kind::Text),
            Field::new("others_average", Kind::Fixed(1)),
            Field::new("others", Kind::Count),
        ],
    },
    settings: &[
        (
            "procurement_methods",
            "procurement methods whose tenders are compared",
        ),
        (
            "digits",
            "leading characters of the item classification that make a kind of item",
        ),
        (
            "ratio",
            "buyer's average bidders as a share of other buyers' at or below which it is flagged",
        ),
        (
            "minimum_processes",
            "fewest processes of the buyer, and of the other buyers, for a kind of item",
        ),
    ],
    page: include_str!("../../indicators/few_bidders_for_buyer.md"),
};

impl Definition for FewBiddersForBuyer {
    type Settings = Settings;

    fn metadata(&self) -> &'static Metadata {
        &METADATA
    }

    fn check(&self, settings: &Settings) -> Result<(), String> {
        if settings.digits < 1 {
            return Err("digits must be at least 1".to_owned());
        }
        if !(settings.ratio > 0.0 && settings.ratio < 1.0) {
            return Err("ratio must be above 0 and below 1".to_owned());
        }
        if settings.minimum_processes < 1 {
            return Err("minimum_processes must be at least 1".to_owned());
        }
        Ok(())
    }

    fn compute(&self, tables: &Tables, settings: &Settings) -> PolarsResult<Plan> {
        let counted = with_tenderer_counts(tables, false)
            .filter(
                code_in("procurement_method", &settings.procurement_methods)
                    .and(col("tenderers").is_not_null())
                    .and(col("buyer_id").is_not_null()),
            )
            .select([col(PROCESS), col("buyer_id"), col("tenderers")])
            .join(
                tables.process_classes(settings.digits),
                [col(PROCESS)],
                [col(PROCESS)],
                JoinArgs::new(JoinType::Inner),
            )
            .cache();
        let sums = |keys: Vec<Expr>, count: &str, sum: &str| {
            counted.clone().group_by(keys).agg([
                len().cast(DataType::Int64).alias(count),
                col("tenderers").sum().alias(sum),
            ])
        };
        let minimum = i64::from(settings.minimum_processes);
        let pair = [col("buyer_id"), col("class")];
        let float = |name: &str| col(name).cast(DataType::Float64);
        let pairs = sums(pair.to_vec(), "processes", "pair_sum")
            .join(
                sums(vec![col("class")], "market_processes", "market_sum"),
                [col("class")],
                [col("class")],
                JoinArgs::new(JoinType::Inner),
            )
            .with_column((col("market_processes") - col("processes")).alias("others"))
            .filter(
                col("processes")
                    .gt_eq(lit(minimum))
                    .and(col("others").gt_eq(lit(minimum))),
            )
            .with_columns([
                (float("pair_sum") / float("processes")).alias("average"),
                ((float("market_sum") - float("pair_sum")) / float("others"))
                    .alias("others_average"),
            ])
            .with_columns([
                (col("average") / col("others_average")).alias("relative"),
                col("average")
                    .lt_eq(lit(settings.ratio) * col("others_average"))
                    .alias("low"),
            ])
            .cache();
        let measured = counted
            .join(
                pairs.clone(),
                pair.to_vec(),
                pair.to_vec(),
                JoinArgs::new(JoinType::Inner),
            )
            .sort([PROCESS], SortMultipleOptions::default());
        let details = [
            col("average"),
            col("processes"),
            col("class"),
            col("others_average"),
            col("others"),
        ];
        let mut evidence = vec![col("buyer_id").alias("buyer")];
        evidence.extend(details.clone());
        let processes = process_rows(measured, col("low"), col("relative"), evidence);
        let mut columns = vec![
            lit("buyer").alias(ROLE),
            col("buyer_id").alias(ORGANIZATION_ID),
            col("relative").alias(VALUE),
        ];
        columns.extend(details);
        let organizations = pairs
            .filter(col("low"))
            .sort(["buyer_id", "class"], SortMultipleOptions::default())
            .select(columns);
        Ok(LazyOutcome {
            processes,
            organizations,
            meta: Vec::new(),
        }
        .into())
    }
}
