//! `repeat_winner`: one supplier wins an unusually large part of one buyer's business.
//!
//! For every award of a (buyer, supplier) pair, the window is the `window_days` days up to and
//! including the award's date. In that window the supplier's awards from the buyer are counted
//! and summed, and compared with all the buyer's awards in the same window (value shares
//! compare amounts in the same currency only). A pair whose supplier, in some window, has at
//! least `minimum_awards` awards and at least `minimum_share` of the buyer's awards by count
//! or by value is flagged, with every process it shares.

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use super::{
    Definition, EVIDENCE, Group, Metadata, Outcome, Phase, awards_of_buyers, days_window, iso_date,
    pair_organizations, percent, process_rows,
};
use crate::frames::Frames;

/// The indicator.
pub struct RepeatWinner;

/// Its settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// The length of the rolling window of award dates, in days.
    pub window_days: i64,
    /// The fewest awards from the buyer, within one window, for a supplier to be flagged.
    pub minimum_awards: u32,
    /// The smallest share (0–1) of the buyer's awards, by count or by value, within a window.
    pub minimum_share: f64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            window_days: 365,
            minimum_awards: 3,
            minimum_share: 0.5,
        }
    }
}

static METADATA: Metadata = Metadata {
    slug: "repeat_winner",
    code: None,
    title: "One supplier wins much of a buyer's business",
    phase: Phase::Award,
    group: Group::Competition,
    weight: 0.25,
    family: "favoured_supplier",
    lists_tenderers: false,
    levels: &["process", "buyer", "supplier"],
    fields: &[
        "buyer.id",
        "awards.status",
        "awards.date",
        "awards.value.amount",
        "awards.value.currency",
        "awards.suppliers.id",
    ],
    settings: &[
        (
            "window_days",
            "length of the rolling window of award dates, in days",
        ),
        (
            "minimum_awards",
            "fewest awards from the buyer within one window",
        ),
        (
            "minimum_share",
            "smallest share (0-1) of the buyer's awards, by count or value, within one window",
        ),
    ],
    page: include_str!("../../indicators/repeat_winner.md"),
};

impl Definition for RepeatWinner {
    type Settings = Settings;

    fn metadata(&self) -> &'static Metadata {
        &METADATA
    }

    fn compute(&self, frames: &Frames, settings: &Settings) -> PolarsResult<Outcome> {
        if settings.window_days < 1 || !(0.0..=1.0).contains(&settings.minimum_share) {
            polars_bail!(ComputeError:
                "repeat_winner: window_days must be at least 1 and minimum_share between 0 and 1");
        }
        let window = days_window(settings.window_days);
        let rolling_sum = |expr: Expr, by: &[&str]| -> PolarsResult<Expr> {
            expr.rolling_sum_by(col("date"), window.clone())
                .over(by.iter().map(|name| col(*name)).collect::<Vec<_>>())
        };
        // Awarded awards with a date, a supplier and a buyer: one row per award and supplier.
        let buyers = frames.processes.clone().lazy().select([
            col("ocid"),
            col("buyer_id"),
            col("buyer_name"),
        ]);
        let rows = awards_of_buyers(
            frames,
            col("date")
                .is_not_null()
                .and(col("supplier_id").is_not_null()),
            buyers,
        )
        .select([
            col("ocid"),
            col("award_index"),
            col("buyer_id"),
            col("buyer_name"),
            col("supplier_id"),
            col("supplier_name"),
            col("date"),
            col("amount").fill_null(lit(0.0)),
            col("currency"),
            lit(1i64).alias("one"),
        ])
        .unique_stable(
            Some(cols(["ocid", "award_index", "supplier_id"])),
            UniqueKeepStrategy::First,
        )
        .sort(
            ["date", "ocid", "award_index"],
            SortMultipleOptions::default(),
        )
        .cache();
        // The buyer's awards in the window ending at each award.
        let buyer_windows = rows
            .clone()
            .unique_stable(
                Some(cols(["ocid", "award_index"])),
                UniqueKeepStrategy::First,
            )
            .select([
                col("ocid"),
                col("award_index"),
                rolling_sum(col("one"), &["buyer_id"])?.alias("buyer_awards"),
                rolling_sum(col("amount"), &["buyer_id", "currency"])?.alias("buyer_value"),
            ]);
        // The supplier's awards from the buyer in the same window.
        let windows = rows
            .clone()
            .with_columns([
                rolling_sum(col("one"), &["buyer_id", "supplier_id"])?.alias("awards"),
                rolling_sum(col("amount"), &["buyer_id", "supplier_id", "currency"])?
                    .alias("value"),
            ])
            .join(
                buyer_windows,
                [col("ocid"), col("award_index")],
                [col("ocid"), col("award_index")],
                JoinArgs::new(JoinType::Left),
            )
            .with_columns([
                (col("awards").cast(DataType::Float64)
                    / col("buyer_awards").cast(DataType::Float64))
                .alias("count_share"),
                when(col("buyer_value").gt(lit(0.0)))
                    .then(col("value") / col("buyer_value"))
                    .otherwise(lit(NULL).cast(DataType::Float64))
                    .alias("value_share"),
            ])
            .with_column(
                polars::lazy::dsl::max_horizontal([col("count_share"), col("value_share")])?
                    .alias("share"),
            )
            .with_column(
                col("awards")
                    .gt_eq(lit(settings.minimum_awards))
                    .and(col("share").gt_eq(lit(settings.minimum_share)))
                    .alias("qualifies"),
            );
        // Each flagged pair, described by its strongest window.
        let evidence = concat_str(
            [
                lit("supplier "),
                col("supplier_name").fill_null(col("supplier_id")),
                lit(" won "),
                col("awards").cast(DataType::String),
                lit(" of "),
                col("buyer_awards").cast(DataType::String),
                lit(" awards ("),
                percent(col("count_share")),
                lit(" by count, "),
                percent(col("value_share")).fill_null(lit("unknown")),
                lit(" by value) of buyer "),
                col("buyer_name").fill_null(col("buyer_id")),
                lit(format!(" in the {} days to ", settings.window_days)),
                iso_date(col("date")),
            ],
            "",
            false,
        );
        let pairs = windows
            .clone()
            .filter(col("qualifies"))
            .sort(
                ["share", "awards", "date", "ocid"],
                SortMultipleOptions::default()
                    .with_order_descending_multi([true, true, false, false]),
            )
            .group_by_stable([col("buyer_id"), col("supplier_id")])
            .agg([col("share").first(), evidence.first().alias(EVIDENCE)])
            .cache();
        // Every process of a flagged pair is flagged; the strongest pair describes it.
        let flagged_processes = windows
            .clone()
            .select([col("ocid"), col("buyer_id"), col("supplier_id")])
            .unique_stable(None, UniqueKeepStrategy::First)
            .join(
                pairs.clone(),
                [col("buyer_id"), col("supplier_id")],
                [col("buyer_id"), col("supplier_id")],
                JoinArgs::new(JoinType::Inner),
            )
            .sort(
                ["ocid", "share", "supplier_id"],
                SortMultipleOptions::default().with_order_descending_multi([false, true, false]),
            )
            .group_by_stable([col("ocid")])
            .agg([col("share").first(), col(EVIDENCE).first()]);
        let assessable = windows
            .select([col("ocid")])
            .unique_stable(None, UniqueKeepStrategy::First)
            .join(
                flagged_processes,
                [col("ocid")],
                [col("ocid")],
                JoinArgs::new(JoinType::Left),
            );
        let processes = process_rows(
            assessable,
            col("share").is_not_null(),
            col("share"),
            col(EVIDENCE),
        )?;
        let organizations = pair_organizations(pairs, "share")?;
        Ok(Outcome {
            processes,
            organizations,
            meta: Vec::new(),
        })
    }
}
