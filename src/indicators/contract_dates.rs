//! `contract_signed_before_award` and `contract_before_tender_end`: a contract signed before
//! the decision that should precede it.

use polars::prelude::*;

use super::{
    Definition, Group, Metadata, NoSettings, OCID, Outcome, Phase, iso_date, largest_contract,
    process_rows,
};
use crate::frames::Frames;

/// Which earlier event a contract's signature is compared with.
#[derive(Clone, Copy)]
enum Before {
    /// The award the contract implements (`awardID`).
    Award,
    /// The end of the tender period.
    TenderEnd,
}

/// Per process: flagged when a contract's `dateSigned` is before the earlier event's date
/// (compared by calendar day); assessable when some contract has both dates.
fn outcome(frames: &Frames, before: Before) -> PolarsResult<Outcome> {
    let contracts = frames
        .contracts
        .clone()
        .lazy()
        .filter(col("date_signed").is_not_null())
        .select([
            col(OCID),
            col("contract_index"),
            col("contract_id"),
            col("award_id"),
            col("date_signed"),
        ]);
    let (with_dates, what) = match before {
        Before::Award => (
            contracts.join(
                frames
                    .awards
                    .clone()
                    .lazy()
                    .filter(col("award_id").is_not_null().and(col("date").is_not_null()))
                    .unique(Some(cols([OCID, "award_id"])), UniqueKeepStrategy::First)
                    .select([col(OCID), col("award_id"), col("date").alias("earlier")]),
                [col(OCID), col("award_id")],
                [col(OCID), col("award_id")],
                JoinArgs::new(JoinType::Inner),
            ),
            "its award's date",
        ),
        Before::TenderEnd => (
            contracts.join(
                frames
                    .processes
                    .clone()
                    .lazy()
                    .filter(col("tender_end").is_not_null())
                    .select([col(OCID), col("tender_end").alias("earlier")]),
                [col(OCID)],
                [col(OCID)],
                JoinArgs::new(JoinType::Inner),
            ),
            "the end of the tender period",
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
    let evidence = concat_str(
        [
            lit("contract "),
            col("contract_id").fill_null(lit("(no id)")),
            lit(" signed on "),
            iso_date(col("date_signed")),
            lit(", "),
            col("days_early").cast(DataType::String),
            lit(format!(" day(s) before {what} ")),
            iso_date(col("earlier")),
        ],
        "",
        false,
    );
    let processes = process_rows(
        per_process,
        col("days_early").gt(lit(0)),
        col("days_early"),
        evidence,
    )?;
    Outcome::processes_only(processes)
}

/// `contract_signed_before_award`.
pub struct ContractSignedBeforeAward;

static BEFORE_AWARD: Metadata = Metadata {
    slug: "contract_signed_before_award",
    code: None,
    title: "Contract signed before its award",
    phase: Phase::Contract,
    group: Group::Timing,
    weight: 0.40,
    family: "contract_dates",
    lists_tenderers: false,
    levels: &["process"],
    fields: &[
        "contracts.dateSigned",
        "contracts.awardID",
        "awards.id",
        "awards.date",
    ],
    settings: &[],
    page: include_str!("../../indicators/contract_signed_before_award.md"),
};

impl Definition for ContractSignedBeforeAward {
    type Settings = NoSettings;

    fn metadata(&self) -> &'static Metadata {
        &BEFORE_AWARD
    }

    fn compute(&self, frames: &Frames, _: &NoSettings) -> PolarsResult<Outcome> {
        outcome(frames, Before::Award)
    }
}

/// `contract_before_tender_end`.
pub struct ContractBeforeTenderEnd;

static BEFORE_TENDER_END: Metadata = Metadata {
    slug: "contract_before_tender_end",
    code: None,
    title: "Contract signed before the tender period ended",
    phase: Phase::Contract,
    group: Group::Timing,
    weight: 0.40,
    family: "contract_dates",
    lists_tenderers: false,
    levels: &["process"],
    fields: &["contracts.dateSigned", "tender.tenderPeriod.endDate"],
    settings: &[],
    page: include_str!("../../indicators/contract_before_tender_end.md"),
};

impl Definition for ContractBeforeTenderEnd {
    type Settings = NoSettings;

    fn metadata(&self) -> &'static Metadata {
        &BEFORE_TENDER_END
    }

    fn compute(&self, frames: &Frames, _: &NoSettings) -> PolarsResult<Outcome> {
        outcome(frames, Before::TenderEnd)
    }
}
