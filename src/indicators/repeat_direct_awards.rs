//! `repeat_direct_awards`: a supplier receives many non-competitive awards from one buyer.

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use super::{
    Definition, EVIDENCE, Group, Metadata, OCID, Outcome, Phase, awards_of_buyers, code_in,
    days_window, iso_date, pair_organizations, process_rows,
};
use crate::frames::Frames;

/// The indicator.
pub struct RepeatDirectAwards;

/// Its settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// The procurement methods that are not competitive.
    pub procurement_methods: Vec<String>,
    /// The fewest non-competitive awards within one window that flag a (buyer, supplier) pair.
    pub minimum_awards: u32,
    /// The length of the rolling window of award dates, in days.
    pub window_days: i64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            procurement_methods: vec!["direct".to_owned(), "limited".to_owned()],
            minimum_awards: 3,
            window_days: 365,
        }
    }
}

static METADATA: Metadata = Metadata {
    slug: "repeat_direct_awards",
    code: None,
    title: "Repeated non-competitive awards to one supplier",
    phase: Phase::Award,
    group: Group::Competition,
    weight: 0.10,
    family: "favoured_supplier",
    lists_tenderers: false,
    levels: &["process", "buyer", "supplier"],
    fields: &[
        "buyer.id",
        "tender.procurementMethod",
        "awards.status",
        "awards.date",
        "awards.suppliers.id",
    ],
    settings: &[
        (
            "procurement_methods",
            "procurement methods that are not competitive",
        ),
        (
            "minimum_awards",
            "fewest non-competitive awards within one window that flag a buyer-supplier pair",
        ),
        (
            "window_days",
            "length of the rolling window of award dates, in days",
        ),
    ],
    page: include_str!("../../indicators/repeat_direct_awards.md"),
};

impl Definition for RepeatDirectAwards {
    type Settings = Settings;

    fn metadata(&self) -> &'static Metadata {
        &METADATA
    }

    fn compute(&self, frames: &Frames, settings: &Settings) -> PolarsResult<Outcome> {
        if settings.window_days < 1 || settings.procurement_methods.is_empty() {
            polars_bail!(ComputeError:
                "repeat_direct_awards: window_days must be at least 1 and procurement_methods not empty");
        }
        let window = days_window(settings.window_days);
        let direct = frames
            .processes
            .clone()
            .lazy()
            .filter(code_in("procurement_method", &settings.procurement_methods))
            .select([col(OCID), col("buyer_id"), col("buyer_name")]);
        let awards = awards_of_buyers(
            frames,
            col("date")
                .is_not_null()
                .and(col("supplier_id").is_not_null()),
            direct,
        )
        .unique(
            Some(cols([OCID, "award_index", "supplier_id"])),
            UniqueKeepStrategy::First,
        )
        .sort(
            ["date", OCID, "award_index"],
            SortMultipleOptions::default(),
        )
        .with_column(lit(1i64).alias("one"))
        .with_column(
            col("one")
                .rolling_sum_by(col("date"), window)
                .over([col("buyer_id"), col("supplier_id")])?
                .alias("in_window"),
        )
        .cache();
        // Each flagged pair, described by its busiest window.
        let pairs = awards
            .clone()
            .filter(col("in_window").gt_eq(lit(settings.minimum_awards)))
            .sort(
                ["in_window", "date", OCID],
                SortMultipleOptions::default().with_order_descending_multi([true, false, false]),
            )
            .group_by_stable([col("buyer_id"), col("supplier_id")])
            .agg([
                col("in_window").first(),
                concat_str(
                    [
                        lit("supplier "),
                        col("supplier_name").fill_null(col("supplier_id")),
                        lit(" received "),
                        col("in_window").cast(DataType::String),
                        lit(" non-competitive awards from buyer "),
                        col("buyer_name").fill_null(col("buyer_id")),
                        lit(format!(" in the {} days to ", settings.window_days)),
                        iso_date(col("date")),
                    ],
                    "",
                    false,
                )
                .first()
                .alias(EVIDENCE),
            ])
            .cache();
        let per_process = awards
            .select([col(OCID), col("buyer_id"), col("supplier_id")])
            .join(
                pairs.clone(),
                [col("buyer_id"), col("supplier_id")],
                [col("buyer_id"), col("supplier_id")],
                JoinArgs::new(JoinType::Left),
            )
            .sort(
                [OCID, "in_window", "supplier_id"],
                SortMultipleOptions::default()
                    .with_order_descending_multi([false, true, false])
                    .with_nulls_last(true),
            )
            .group_by_stable([col(OCID)])
            .agg([col("in_window").first(), col(EVIDENCE).first()]);
        let processes = process_rows(
            per_process,
            col("in_window").is_not_null(),
            col("in_window"),
            col(EVIDENCE),
        )?;
        let organizations = pair_organizations(pairs, "in_window")?;
        Ok(Outcome {
            processes,
            organizations,
            meta: Vec::new(),
        })
    }
}
