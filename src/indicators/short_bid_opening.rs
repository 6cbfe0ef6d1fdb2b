//! `short_bid_opening` (OCP R014): too few days between the tender's advertising and the
//! opening of its bids.

use std::collections::BTreeMap;

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use super::support::{counted_periods, process_rows, threshold_by_details};
use super::{Batch, Definition, Group, InParts, Metadata, Phase, Plan};
use crate::domain::{Tables, code_in};
use crate::evidence::{Evidence, Field, Kind};
use crate::working_days::Days;

/// The indicator.
pub struct ShortBidOpening;

/// Its settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// Fewer whole days than this from the advertising to the bid opening is short.
    pub threshold: i64,
    /// Only processes with one of these procurement methods are assessed (empty: all).
    pub procurement_methods: Vec<String>,
    /// Thresholds for particular `procurementMethodDetails` values, in place of `threshold`.
    pub procurement_method_details: BTreeMap<String, i64>,
    /// How the days are counted: calendar days, or the working days of the `[working_days]`
    /// calendar.
    pub days: Days,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            threshold: 15,
            procurement_methods: vec!["open".to_owned(), "selective".to_owned()],
            procurement_method_details: BTreeMap::new(),
            days: Days::Calendar,
        }
    }
}

static METADATA: Metadata = Metadata {
    slug: "short_bid_opening",
    code: Some("R014"),
    title: "Short time between tender advertising and bid opening",
    phase: Phase::Tender,
    group: Group::Timing,
    weight: 0.15,
    family: "tender_period",
    lists_tenderers: false,
    batch: Batch::Other,
    in_parts: InParts::Outcome,
    list: None,
    levels: &["process"],
    fields: &[
        "tender.tenderPeriod.startDate",
        "tender.datePublished",
        "tender.bidOpening.date",
        "tender.procurementMethod",
        "tender.procurementMethodDetails",
    ],
    evidence: Evidence {
        process: &[
            Field::new("days", Kind::Count),
            Field::new("counted", Kind::Code(&["calendar", "working"])),
            Field::new("calendar_days", Kind::Count),
            Field::new("advertised", Kind::Date),
            Field::new("source", Kind::Code(&["period", "published"])),
            Field::new("opening", Kind::Date),
            Field::new("threshold", Kind::Count),
        ],
        organization: &[],
    },
    settings: &[
        (
            "threshold",
            "fewer whole days than this from the advertising to the bid opening is short",
        ),
        (
            "procurement_methods",
            "assess only these procurement methods (empty: all)",
        ),
        (
            "procurement_method_details",
            "a table of thresholds for particular procurementMethodDetails values",
        ),
        (
            "days",
            "\"calendar\" or \"working\": count the days in working days of [working_days]",
        ),
    ],
    page: include_str!("../../indicators/short_bid_opening.md"),
};

impl Definition for ShortBidOpening {
    type Settings = Settings;

    fn metadata(&self) -> &'static Metadata {
        &METADATA
    }

    fn check(&self, settings: &Settings) -> Result<(), String> {
        if settings.threshold < 1
            || settings
                .procurement_method_details
                .values()
                .any(|days| *days < 1)
        {
            return Err("thresholds must be at least 1 day".to_owned());
        }
        Ok(())
    }

    fn compute(&self, tables: &Tables, settings: &Settings) -> PolarsResult<Plan> {
        let threshold =
            threshold_by_details(settings.threshold, &settings.procurement_method_details);
        // Advertised when the tender period starts, else when the tender was published.
        let advertised = col("tender_start").fill_null(col("tender_published"));
        let source = when(col("tender_start").is_not_null())
            .then(lit("period"))
            .otherwise(lit("published"));
        let advertised = tables.processes().with_columns([
            advertised.alias("advertised"),
            source.alias("source"),
            col("bid_opening").alias("opening"),
            threshold.alias("threshold"),
        ]);
        // An opening before the advertising is a data error, not a short period.
        let assessable = counted_periods(
            advertised,
            tables,
            settings.days,
            col("opening"),
            col("advertised"),
        )?
        .filter(code_in("procurement_method", &settings.procurement_methods));
        let evidence = [
            "days",
            "counted",
            "calendar_days",
            "advertised",
            "source",
            "opening",
            "threshold",
        ]
        .map(col);
        let processes = process_rows(
            assessable,
            col("days").lt(col("threshold")),
            col("days"),
            evidence,
        );
        Plan::processes_only(processes)
    }
}
