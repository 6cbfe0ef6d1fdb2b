//! `benford`: a buyer's award amounts whose first digits depart from Benford's law.

use std::collections::BTreeMap;

use polars::prelude::*;

use crate::frames::as_text;
use serde::{Deserialize, Serialize};
use statrs::distribution::{ChiSquared, ContinuousCDF};

use super::support::no_process_rows;
use super::{
    Batch, Definition, Group, InParts, LazyOutcome, Metadata, ORGANIZATION_ID, PROCESS, Phase,
    Plan, ROLE, VALUE, empty_organizations,
};
use crate::domain::Tables;
use crate::evidence::{Evidence, Field, Kind};

/// The indicator.
pub struct Benford;

/// Its settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// The fewest award amounts for a buyer to be assessed.
    pub minimum_awards: u32,
    /// A chi-squared p-value below this rejects Benford's law.
    pub significance: f64,
    /// The mean absolute deviation of the digit shares above which the departure is large
    /// enough to matter (Nigrini's nonconformity level for first digits is 0.015).
    pub minimum_deviation: f64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            minimum_awards: 100,
            significance: 0.001,
            minimum_deviation: 0.015,
        }
    }
}

static METADATA: Metadata = Metadata {
    slug: "benford",
    code: Some("R029"),
    title: "Award amounts departing from Benford's law",
    phase: Phase::Award,
    group: Group::Price,
    weight: 0.05,
    family: "amount_pattern",
    lists_tenderers: false,
    batch: Batch::Other,
    in_parts: InParts::Whole,
    list: None,
    levels: &["buyer"],
    fields: &["buyer.id", "awards.status", "awards.value.amount"],
    evidence: Evidence {
        process: &[],
        organization: &[
            Field::new("amounts", Kind::Count),
            Field::new("chi_squared", Kind::Fixed(1)),
            Field::new("p_value", Kind::Scientific(2)),
            Field::new("deviation", Kind::Fixed(4)),
            Field::new("shares", Kind::Percents),
        ],
    },
    settings: &[
        (
            "minimum_awards",
            "fewest award amounts for a buyer to be assessed",
        ),
        (
            "significance",
            "chi-squared p-value below which Benford's law is rejected",
        ),
        (
            "minimum_deviation",
            "mean absolute deviation of digit shares above which the departure matters",
        ),
    ],
    page: include_str!("../../indicators/benford.md"),
};

/// Benford's share of first digit `d`: log10(1 + 1/d).
fn expected(digit: usize) -> f64 {
    (1.0 + 1.0 / digit as f64).log10()
}

/// The chi-squared statistic, its p-value (8 degrees of freedom) and the mean absolute
/// deviation of the shares, for the counts of first digits 1 to 9.
pub fn test(counts: &[u64; 9]) -> (f64, f64, f64) {
    let total: u64 = counts.iter().sum();
    let n = total as f64;
    let mut chi2 = 0.0;
    let mut deviation = 0.0;
    for (index, &count) in counts.iter().enumerate() {
        let share = expected(index + 1);
        let expected_count = n * share;
        chi2 += (count as f64 - expected_count).powi(2) / expected_count;
        deviation += (count as f64 / n - share).abs();
    }
    let p = ChiSquared::new(8.0).map_or(f64::NAN, |distribution| 1.0 - distribution.cdf(chi2));
    (chi2, p, deviation / 9.0)
}

impl Definition for Benford {
    type Settings = Settings;

    fn metadata(&self) -> &'static Metadata {
        &METADATA
    }

    fn compute(&self, tables: &Tables, settings: &Settings) -> PolarsResult<Plan> {
        // The first significant digit of each awarded award's amount (each award once).
        let digits = tables
            .buyer_awards(col("amount").gt_eq(lit(1.0)), true)
            .with_column(
                (col("amount") / lit(10.0).pow(col("amount").log(lit(10.0)).floor()))
                    .floor()
                    .cast(DataType::Int64)
                    // Rounding at a power of ten can give 10: that is a 1.
                    .clip(lit(1i64), lit(9i64))
                    .alias("digit"),
            )
            .group_by([col("buyer_id"), col("digit")])
            .agg([col(PROCESS).count().alias("count")])
            .sort(["buyer_id", "digit"], SortMultipleOptions::default());
        let processes = no_process_rows(tables);
        let settings = settings.clone();
        Ok(Plan::staged([digits], move |[digits]| {
            Ok(LazyOutcome {
                processes,
                organizations: departing_buyers(&digits, &settings)?.lazy(),
                meta: Vec::new(),
            })
        }))
    }
}

/// The organization rows of the buyers whose first digits depart from Benford's law, from the
/// counts of each buyer's first digits (`buyer_id`, `digit`, `count`).
fn departing_buyers(digits: &DataFrame, settings: &Settings) -> PolarsResult<DataFrame> {
    let buyers = as_text(digits.column("buyer_id")?)?;
    let digit = digits.column("digit")?.i64()?;
    let count = digits.column("count")?.u32()?;
    let mut by_buyer: BTreeMap<&str, [u64; 9]> = BTreeMap::new();
    for ((buyer, digit), count) in buyers.iter().zip(digit.iter()).zip(count.iter()) {
        if let (Some(buyer), Some(digit @ 1..=9), Some(count)) = (buyer, digit, count) {
            by_buyer.entry(buyer).or_default()[digit as usize - 1] += u64::from(count);
        }
    }
    let mut ids = Vec::new();
    let mut rows: [Vec<f64>; 4] = Default::default();
    let (mut totals, mut shares) = (Vec::new(), Vec::new());
    for (buyer, counts) in by_buyer {
        let total: u64 = counts.iter().sum();
        if total < u64::from(settings.minimum_awards) {
            continue;
        }
        let (chi2, p, deviation) = test(&counts);
        if p < settings.significance && deviation > settings.minimum_deviation {
            let percents: Vec<f64> = counts
                .iter()
                .map(|c| 100.0 * *c as f64 / total as f64)
                .collect();
            ids.push(buyer.to_owned());
            for (column, value) in rows.iter_mut().zip([deviation, chi2, p, deviation]) {
                column.push(value);
            }
            totals.push(total);
            shares.push(Series::new("".into(), percents));
        }
    }
    if ids.is_empty() {
        return empty_organizations();
    }
    let height = ids.len();
    let [values, chi2, p_values, deviations] = rows;
    let shares: ListChunked = shares.into_iter().map(Some).collect();
    DataFrame::new(
        height,
        vec![
            Column::new(ROLE.into(), vec!["buyer"; height]),
            Column::new(ORGANIZATION_ID.into(), ids),
            Column::new(VALUE.into(), values),
            Column::new("amounts".into(), totals),
            Column::new("chi_squared".into(), chi2),
            Column::new("p_value".into(), p_values),
            Column::new("deviation".into(), deviations),
            shares.with_name("shares".into()).into_column(),
        ],
    )
}
