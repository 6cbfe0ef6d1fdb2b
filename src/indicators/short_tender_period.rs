//! `short_tender_period` (OCP R003): too few days for bidders to prepare a tender.

use std::collections::BTreeMap;

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use super::support::{counted_periods, process_rows, threshold_by_details, whole_days};
use super::{Batch, Definition, Group, InParts, Metadata, Phase, Plan};
use crate::domain::{Tables, code_in};
use crate::evidence::{Evidence, Field, Kind};
use crate::working_days::Days;

/// The indicator.
pub struct ShortTenderPeriod;

/// Its settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// A tender period of fewer whole days than this is short.
    pub threshold: i64,
    /// Only processes with one of these procurement methods are assessed (empty: all).
    pub procurement_methods: Vec<String>,
    /// Thresholds for particular `procurementMethodDetails` values, in place of `threshold`.
    pub procurement_method_details: BTreeMap<String, i64>,
    /// How the period's days are counted: calendar days, or the working days of the
    /// `[working_days]` calendar.
    pub days: Days,
    /// Follow Cardinal's code (set by `redflags cardinal`): a period that ends before it
    /// starts is assessed (and short), whole days rounded toward zero.
    pub cardinal: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            threshold: 15,
            procurement_methods: vec!["open".to_owned(), "selective".to_owned()],
            procurement_method_details: BTreeMap::new(),
            days: Days::Calendar,
            cardinal: false,
        }
    }
}

static METADATA: Metadata = Metadata {
    slug: "short_tender_period",
    code: Some("R003"),
    title: "Short tender period",
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
        "tender.tenderPeriod.endDate",
        "tender.datePublished",
        "tender.procurementMethod",
        "tender.procurementMethodDetails",
    ],
    evidence: Evidence {
        process: &[
            Field::new("days", Kind::Count),
            Field::new("counted", Kind::Code(&["calendar", "working"])),
            Field::new("calendar_days", Kind::Count),
            Field::new("tender_start", Kind::Date),
            Field::new("start_source", Kind::Code(&["period", "published"])),
            Field::new("tender_end", Kind::Date),
            Field::new("threshold", Kind::Count),
        ],
        organization: &[],
    },
    settings: &[
        (
            "threshold",
            "a tender period of fewer whole days than this is short",
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
            "\"calendar\" or \"working\": count the period in working days of [working_days]",
        ),
        (
            "cardinal",
            "follow Cardinal's code: negative periods assessed (set by `redflags cardinal`)",
        ),
    ],
    page: include_str!("../../indicators/short_tender_period.md"),
};

impl Definition for ShortTenderPeriod {
    type Settings = Settings;

    fn metadata(&self) -> &'static Metadata {
        &METADATA
    }

    fn check(&self, settings: &Settings) -> Result<(), String> {
        if settings.cardinal && settings.days == Days::Working {
            return Err(
                "Cardinal's code counts calendar days: cardinal = true needs \
                        days = \"calendar\""
                    .to_owned(),
            );
        }
        Ok(())
    }

    fn compute(&self, tables: &Tables, settings: &Settings) -> PolarsResult<Plan> {
        // The threshold that applies to each process: its method details' own, else the default.
        let threshold =
            threshold_by_details(settings.threshold, &settings.procurement_method_details);
        // Without a tender period start, the period runs from the tender's publication (not in
        // Cardinal's code), and the evidence says so.
        let (start, source) = if settings.cardinal {
            (col("tender_start"), lit("period"))
        } else {
            (
                col("tender_start").fill_null(col("tender_published")),
                when(col("tender_start").is_not_null())
                    .then(lit("period"))
                    .otherwise(lit("published")),
            )
        };
        let started = tables
            .processes()
            .with_columns([start.alias("start"), source.alias("start_source")]);
        let measured = if settings.cardinal {
            // Cardinal counts whole days toward zero and assesses negative periods.
            let negative = whole_days(col("start"), col("tender_end"));
            let days = when(col("tender_end").lt(col("start")))
                .then(lit(0i64) - negative)
                .otherwise(whole_days(col("tender_end"), col("start")));
            started
                .with_columns([
                    days.clone().alias("calendar_days"),
                    days.alias("days"),
                    lit(Days::Calendar.name()).alias("counted"),
                ])
                .filter(col("days").is_not_null())
        } else {
            // An end before the start is a data error, not a short period.
            counted_periods(
                started,
                tables,
                settings.days,
                col("tender_end"),
                col("start"),
            )?
        };
        let assessable = measured
            .with_columns([
                threshold.alias("threshold"),
                col("start").alias("tender_start"),
            ])
            .filter(code_in("procurement_method", &settings.procurement_methods));
        let evidence = [
            "days",
            "counted",
            "calendar_days",
            "tender_start",
            "start_source",
            "tender_end",
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
