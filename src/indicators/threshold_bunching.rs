//! `threshold_bunching`: a buyer whose awards bunch just under a legal threshold.

use std::collections::BTreeMap;

use polars::prelude::*;

use crate::frames::as_text;
use serde::{Deserialize, Serialize};
use statrs::distribution::{Binomial, DiscreteCDF};

use super::support::no_process_rows;
use super::{
    Batch, Definition, Group, InParts, LazyOutcome, Metadata, ORGANIZATION_ID, Phase, Plan, ROLE,
    VALUE, empty_organizations,
};
use crate::domain::Tables;
use crate::evidence::{Evidence, Field, Kind};

/// The indicator.
pub struct ThresholdBunching;

/// The threshold tested when neither the indicator's settings nor `[thresholds]` give one: an
/// example (Thailand's line for the specific method).
pub const DEFAULT_THRESHOLD: f64 = 500_000.0;

/// Its settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// The thresholds (amounts in the awards' currency) below which a simpler procedure is
    /// allowed; unset: the amounts of the `[thresholds]` rules, else [`DEFAULT_THRESHOLD`].
    pub thresholds: Option<Vec<f64>>,
    /// The width of the bands compared, as a share of the threshold (0.1: 90–100% against
    /// 100–110%).
    pub band: f64,
    /// The fewest awards in the two bands for a buyer to be tested.
    pub minimum_awards: u64,
    /// A binomial-test p-value below this flags the buyer.
    pub significance: f64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            thresholds: None,
            band: 0.1,
            minimum_awards: 20,
            significance: 0.01,
        }
    }
}

static METADATA: Metadata = Metadata {
    slug: "threshold_bunching",
    code: Some("R002"),
    title: "Awards bunched just under a threshold",
    phase: Phase::Award,
    group: Group::Competition,
    weight: 0.10,
    family: "threshold_avoidance",
    lists_tenderers: false,
    batch: Batch::Other,
    in_parts: InParts::Whole,
    list: None,
    levels: &["buyer"],
    fields: &["buyer.id", "awards.status", "awards.value.amount"],
    evidence: Evidence {
        process: &[],
        organization: &[
            Field::new("below", Kind::Count),
            Field::new("band", Kind::Fixed(0)),
            Field::new("threshold", Kind::Number),
            Field::new("above", Kind::Count),
            Field::new("p_value", Kind::Scientific(2)),
        ],
    },
    settings: &[
        (
            "thresholds",
            "amounts below which a simpler procedure is allowed (unset: those of [thresholds], else 500000)",
        ),
        (
            "band",
            "width of the bands compared, as a share of the threshold (0.1: 90-100% vs 100-110%)",
        ),
        (
            "minimum_awards",
            "fewest awards in the two bands for a buyer to be tested",
        ),
        (
            "significance",
            "binomial-test p-value below which a buyer is flagged",
        ),
    ],
    page: include_str!("../../indicators/threshold_bunching.md"),
};

/// The one-sided binomial p-value of seeing at least `below` of `below + above` awards under
/// the threshold when either side is equally likely.
pub fn p_value(below: u64, above: u64) -> f64 {
    let n = below + above;
    if below == 0 {
        return 1.0;
    }
    Binomial::new(0.5, n).map_or(f64::NAN, |binomial| 1.0 - binomial.cdf(below - 1))
}

impl Definition for ThresholdBunching {
    type Settings = Settings;

    fn metadata(&self) -> &'static Metadata {
        &METADATA
    }

    fn check(&self, settings: &Settings) -> Result<(), String> {
        if !(settings.band > 0.0 && settings.band < 1.0) {
            return Err("band must be between 0 and 1".to_owned());
        }
        Ok(())
    }

    fn compute(&self, tables: &Tables, settings: &Settings) -> PolarsResult<Plan> {
        let amounts = tables.buyer_awards(col("amount").gt(lit(0.0)), true);
        let thresholds = settings.thresholds.clone().unwrap_or_else(|| {
            let written = tables.thresholds().amounts(None);
            if written.is_empty() {
                vec![DEFAULT_THRESHOLD]
            } else {
                written
            }
        });
        // Per threshold, each buyer's awards in the bands under and over it.
        let inputs = thresholds
            .iter()
            .map(|&threshold| {
                let low = threshold * (1.0 - settings.band);
                let high = threshold * (1.0 + settings.band);
                amounts
                    .clone()
                    .filter(
                        col("amount")
                            .gt_eq(lit(low))
                            .and(col("amount").lt(lit(high))),
                    )
                    .group_by([col("buyer_id")])
                    .agg([
                        col("amount")
                            .lt(lit(threshold))
                            .cast(DataType::UInt32)
                            .sum()
                            .alias("below"),
                        col("amount")
                            .gt_eq(lit(threshold))
                            .cast(DataType::UInt32)
                            .sum()
                            .alias("above"),
                    ])
                    .sort(["buyer_id"], SortMultipleOptions::default())
            })
            .collect();
        // An organization-level indicator: no process is assessed on its own.
        let processes = no_process_rows(tables);
        let settings = Settings {
            thresholds: Some(thresholds),
            ..settings.clone()
        };
        Ok(Plan::Staged {
            inputs,
            then: Box::new(move |counts| {
                Ok(LazyOutcome {
                    processes,
                    organizations: bunched_buyers(&counts, &settings)?.lazy(),
                    meta: Vec::new(),
                })
            }),
        })
    }
}

/// The organization rows of the buyers whose awards bunch under a threshold, from the counts
/// of their awards under and over each threshold (`buyer_id`, `below`, `above`; one table per
/// threshold, in the order of the settings).
fn bunched_buyers(counts: &[DataFrame], settings: &Settings) -> PolarsResult<DataFrame> {
    let mut results: BTreeMap<(String, u64), (u64, u64, f64)> = BTreeMap::new();
    let thresholds = settings.thresholds.as_deref().unwrap_or_default();
    for (&threshold, counts) in thresholds.iter().zip(counts) {
        let buyers = as_text(counts.column("buyer_id")?)?;
        let below = counts.column("below")?.u32()?;
        let above = counts.column("above")?.u32()?;
        for ((buyer, below), above) in buyers.iter().zip(below.iter()).zip(above.iter()) {
            let (Some(buyer), Some(below), Some(above)) = (buyer, below, above) else {
                continue;
            };
            let (below, above) = (u64::from(below), u64::from(above));
            if below + above < settings.minimum_awards {
                continue;
            }
            let p = p_value(below, above);
            if p < settings.significance {
                results.insert((buyer.to_owned(), threshold.to_bits()), (below, above, p));
            }
        }
    }
    if results.is_empty() {
        return empty_organizations();
    }
    let height = results.len();
    let mut ids = Vec::with_capacity(height);
    let mut values = Vec::with_capacity(height);
    let (mut belows, mut aboves, mut thresholds, mut p_values) = (
        Vec::with_capacity(height),
        Vec::with_capacity(height),
        Vec::with_capacity(height),
        Vec::with_capacity(height),
    );
    for ((buyer, threshold), (below, above, p)) in results {
        ids.push(buyer);
        values.push(below as f64 / (below + above) as f64);
        belows.push(below);
        aboves.push(above);
        thresholds.push(f64::from_bits(threshold));
        p_values.push(p);
    }
    DataFrame::new(
        height,
        vec![
            Column::new(ROLE.into(), vec!["buyer"; height]),
            Column::new(ORGANIZATION_ID.into(), ids),
            Column::new(VALUE.into(), values),
            Column::new("below".into(), belows),
            Column::new("band".into(), vec![settings.band * 100.0; height]),
            Column::new("threshold".into(), thresholds),
            Column::new("above".into(), aboves),
            Column::new("p_value".into(), p_values),
        ],
    )
}
