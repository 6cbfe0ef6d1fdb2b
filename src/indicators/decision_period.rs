//! `decision_period`: the time from the tender period's end to the award is very short or
//! very long.

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use super::support::{counted_periods, first_award_dates, process_rows, with_group_fences};
use super::{Batch, Definition, Group, InParts, LazyOutcome, Metadata, PROCESS, Phase, Plan};
use crate::domain::{Tables, code_in};
use crate::evidence::{Evidence, Field, Kind};
use crate::working_days::Days;

/// The indicator.
pub struct DecisionPeriod;

/// Its settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// A decision in fewer days than this is very short.
    pub minimum_days: i64,
    /// The fewest processes of a procurement method for its upper fence to be computed.
    pub minimum_processes: usize,
    /// The procurement methods assessed (compared without regard to case; empty: any). A
    /// direct or limited purchase is decided as soon as its one quotation is in: a quick
    /// decision is its norm.
    pub procurement_methods: Vec<String>,
    /// How the days are counted: calendar days, or the working days of the `[working_days]`
    /// calendar (the minimum and the fences then in working days too).
    pub days: Days,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            minimum_days: 5,
            minimum_processes: 20,
            procurement_methods: vec!["open".to_owned(), "selective".to_owned()],
            days: Days::Calendar,
        }
    }
}

static METADATA: Metadata = Metadata {
    slug: "decision_period",
    code: Some("R061"),
    title: "Very short or very long decision period",
    phase: Phase::Award,
    group: Group::Timing,
    weight: 0.15,
    family: "decision",
    lists_tenderers: false,
    batch: Batch::Other,
    in_parts: InParts::Whole,
    list: None,
    levels: &["process"],
    fields: &[
        "tender.tenderPeriod.endDate",
        "tender.procurementMethod",
        "awards.status",
        "awards.date",
    ],
    evidence: Evidence {
        process: &[
            Field::new(
                "reason",
                Kind::Code(&["short", "long", "short_working", "long_working"]),
            ),
            Field::new("days", Kind::Count),
            Field::new("calendar_days", Kind::Count),
            Field::new("tender_end", Kind::Date),
            Field::new("award_date", Kind::Date),
            Field::new("minimum_days", Kind::Count),
            Field::new("upper_fence", Kind::Fixed(1)),
            Field::or("method", Kind::Text, "none"),
        ],
        organization: &[],
    },
    settings: &[
        (
            "minimum_days",
            "a decision in fewer days than this is very short",
        ),
        (
            "minimum_processes",
            "fewest processes of a procurement method for its upper fence to be computed",
        ),
        (
            "procurement_methods",
            "assess only these procurement methods (empty: all)",
        ),
        (
            "days",
            "\"calendar\" or \"working\": count the days (and the fences) in working days of [working_days]",
        ),
    ],
    page: include_str!("../../indicators/decision_period.md"),
};

impl Definition for DecisionPeriod {
    type Settings = Settings;

    fn metadata(&self) -> &'static Metadata {
        &METADATA
    }

    fn compute(&self, tables: &Tables, settings: &Settings) -> PolarsResult<Plan> {
        let first_award = first_award_dates(tables);
        let ended = tables
            .processes()
            .filter(
                col("tender_end")
                    .is_not_null()
                    .and(code_in("procurement_method", &settings.procurement_methods)),
            )
            .select([col(PROCESS), col("procurement_method"), col("tender_end")])
            .join(
                first_award,
                [col(PROCESS)],
                [col(PROCESS)],
                JoinArgs::new(JoinType::Inner),
            );
        // An award before the tender closed is another flag's business.
        let measured = counted_periods(
            ended,
            tables,
            settings.days,
            col("award_date"),
            col("tender_end"),
        )?;
        let settings = settings.clone();
        Ok(Plan::staged([measured], move |[measured]| {
            judged(measured, &settings)
        }))
    }
}

/// The outcome from the measured processes (`process`, `procurement_method`, `tender_end`,
/// `award_date`, `days`, `calendar_days`, `counted`), judged against the minimum and their
/// method's upper fence.
fn judged(measured: DataFrame, settings: &Settings) -> PolarsResult<LazyOutcome> {
    let with_fences = with_group_fences(
        measured,
        "procurement_method",
        "days",
        settings.minimum_processes,
    )?;
    let short = col("days").lt(lit(settings.minimum_days));
    let long = col("days")
        .cast(DataType::Float64)
        .gt(col("upper_fence"))
        .fill_null(lit(false));
    // The reason's code carries how the days were counted: the sentence words the minimum and
    // the fence in the same days.
    let reason = when(short.clone())
        .then(lit("short"))
        .otherwise(lit("long"));
    let reason = match settings.days {
        Days::Calendar => reason,
        Days::Working => concat_str([reason, lit("_working")], "", false),
    };
    let evidence = [
        reason.alias("reason"),
        col("days"),
        col("calendar_days"),
        col("tender_end"),
        col("award_date"),
        lit(settings.minimum_days).alias("minimum_days"),
        col("upper_fence").round(1, RoundMode::HalfAwayFromZero),
        col("procurement_method").alias("method"),
    ];
    let processes = process_rows(with_fences, short.or(long), col("days"), evidence);
    LazyOutcome::processes_only(processes)
}
