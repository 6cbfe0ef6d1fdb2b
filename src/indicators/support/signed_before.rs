//! What `contract_signed_before_award` and `contract_before_tender_end` share: a contract
//! signed before the event that should precede it.

use polars::prelude::*;

use crate::domain::Tables;
use crate::evidence::{Field, Kind};
use crate::indicators::support::{largest_contract, process_rows};
use crate::indicators::{PROCESS, Plan};

/// Which earlier event a contract's signature is compared with.
#[derive(Clone, Copy)]
pub enum Before {
    /// The award the contract implements (`awardID`).
    Award,
    /// The end of the tender period.
    TenderEnd,
}

/// The evidence of both indicators: the contract, its signature, how many days early, and the
/// date of the earlier event.
pub const FIELDS: &[Field] = &[
    Field::or("contract", Kind::Text, "no_id"),
    Field::new("date_signed", Kind::Date),
    Field::new("days_early", Kind::Count),
    Field::new("earlier", Kind::Date),
];

/// Per process: flagged when a contract's `dateSigned` is before the earlier event's date
/// (compared by calendar day); assessable when some contract has both dates.
pub fn signed_before(tables: &Tables, before: Before) -> PolarsResult<Plan> {
    let contracts = tables
        .contracts()
        .filter(col("date_signed").is_not_null())
        .select([
            col(PROCESS),
            col("contract_index"),
            col("contract_id"),
            col("award_id"),
            col("date_signed"),
        ]);
    let with_dates = match before {
        Before::Award => contracts.join(
            tables
                .awards()
                .filter(col("award_id").is_not_null().and(col("date").is_not_null()))
                .unique(Some(cols([PROCESS, "award_id"])), UniqueKeepStrategy::First)
                .select([col(PROCESS), col("award_id"), col("date").alias("earlier")]),
            [col(PROCESS), col("award_id")],
            [col(PROCESS), col("award_id")],
            JoinArgs::new(JoinType::Inner),
        ),
        Before::TenderEnd => contracts.join(
            tables
                .processes()
                .filter(col("tender_end").is_not_null())
                .select([col(PROCESS), col("tender_end").alias("earlier")]),
            [col(PROCESS)],
            [col(PROCESS)],
            JoinArgs::new(JoinType::Inner),
        ),
    };
    let day = |column: &str| col(column).dt().date();
    let per_process = with_dates.with_column(
        (day("earlier") - day("date_signed"))
            .dt()
            .total_days(false)
            .alias("days_early"),
    );
    let per_process = largest_contract(per_process, "days_early", &["date_signed", "earlier"]);
    let evidence = [
        col("contract_id").alias("contract"),
        col("date_signed"),
        col("days_early"),
        col("earlier"),
    ];
    let processes = process_rows(
        per_process,
        col("days_early").gt(lit(0)),
        col("days_early"),
        evidence,
    );
    Plan::processes_only(processes)
}
