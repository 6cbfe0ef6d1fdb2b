//! `late_bid_won` (OCP R030): the winning bid was received after the submission deadline.

use polars::prelude::*;

use super::support::{PROCESS_EXAMPLES, organizations_from, process_rows};
use super::{
    Batch, Definition, Group, InParts, LazyOutcome, Metadata, NoSettings, ORGANIZATION_ID, PROCESS,
    Phase, Plan,
};
use crate::domain::{Tables, code_is, distinct_in_process, numbered_code, with_process};
use crate::evidence::{Evidence, Field, Kind};

/// The indicator.
pub struct LateBidWon;

/// Column: a process and a tenderer's number (the frames' numbering, shared by the tenderers'
/// and the suppliers' ids) in one integer, to match bids with winners.
const PROCESS_TENDERER: &str = "process_tenderer";

static METADATA: Metadata = Metadata {
    slug: "late_bid_won",
    code: Some("R030"),
    title: "Late bid won",
    phase: Phase::Award,
    group: Group::Timing,
    weight: 0.50,
    family: "late_bid",
    lists_tenderers: true,
    batch: Batch::Other,
    in_parts: InParts::Outcome,
    list: None,
    levels: &["process", "tenderer"],
    fields: &[
        "tender.tenderPeriod.endDate",
        "bids.details.status",
        "bids.details.date",
        "bids.details.tenderers.id",
        "awards.status",
        "awards.suppliers.id",
    ],
    evidence: Evidence {
        process: &[
            Field::new("tenderer", Kind::Text),
            Field::new("date", Kind::Date),
            Field::new("tender_end", Kind::Date),
        ],
        organization: PROCESS_EXAMPLES,
    },
    settings: &[],
    page: include_str!("../../indicators/late_bid_won.md"),
};

impl Definition for LateBidWon {
    type Settings = NoSettings;

    fn metadata(&self) -> &'static Metadata {
        &METADATA
    }

    fn compute(&self, tables: &Tables, _: &NoSettings) -> PolarsResult<Plan> {
        let winners = tables
            .awards()
            .filter(code_is("status", "active").and(col("supplier_id").is_not_null()))
            .select([
                col(PROCESS),
                col("supplier_id").alias("tenderer"),
                with_process(numbered_code("supplier_id")).alias(PROCESS_TENDERER),
            ]);
        // Each (process, winner) once, by a sort of one integer (the process in its high
        // bits, so the process keys stay sorted).
        let winners = distinct_in_process(winners, PROCESS_TENDERER)
            .select([col(PROCESS), col(PROCESS_TENDERER)]);
        let deadlines = tables
            .processes()
            .filter(col("tender_end").is_not_null())
            .select([col(PROCESS), col("tender_end")]);
        // Valid bids with a date, one row per tenderer, in processes with a deadline.
        let bids = tables
            .bids()
            .filter(
                code_is("status", "valid")
                    .and(col("date").is_not_null())
                    .and(col("tenderer_id").is_not_null()),
            )
            .select([
                col(PROCESS),
                col("tenderer_id").alias("tenderer"),
                col("date"),
                with_process(numbered_code("tenderer_id")).alias(PROCESS_TENDERER),
            ])
            .join(
                deadlines,
                [col(PROCESS)],
                [col(PROCESS)],
                JoinArgs::new(JoinType::Inner),
            );
        // Assessable: a valid dated bid, a deadline and an active award with a supplier.
        let late_winners = bids
            .clone()
            .filter(col("date").gt(col("tender_end")))
            .join(
                winners.clone().select([col(PROCESS_TENDERER)]),
                [col(PROCESS_TENDERER)],
                [col(PROCESS_TENDERER)],
                JoinArgs::new(JoinType::Semi),
            )
            .sort(
                [PROCESS, "tenderer", "date"],
                SortMultipleOptions::default(),
            )
            .cache();
        let flagged = late_winners.clone().group_by_stable([col(PROCESS)]).agg([
            col("tenderer").first(),
            col("date").first(),
            col("tender_end").first(),
        ]);
        let assessable = bids
            .select([col(PROCESS)])
            .unique_stable(None, UniqueKeepStrategy::First)
            .join(
                winners
                    .select([col(PROCESS)])
                    .unique_stable(None, UniqueKeepStrategy::First),
                [col(PROCESS)],
                [col(PROCESS)],
                JoinArgs::new(JoinType::Semi),
            )
            .join(
                flagged,
                [col(PROCESS)],
                [col(PROCESS)],
                JoinArgs::new(JoinType::Left),
            );
        let evidence = ["tenderer", "date", "tender_end"].map(col);
        let flag = col("tenderer").is_not_null();
        let processes = process_rows(
            assessable,
            flag.clone(),
            when(flag).then(lit(1.0)).otherwise(lit(0.0)),
            evidence,
        );
        let organizations = organizations_from(
            tables,
            late_winners.select([col(PROCESS), col("tenderer").alias(ORGANIZATION_ID)]),
            "tenderer",
        );
        Ok(LazyOutcome {
            processes,
            organizations,
            meta: Vec::new(),
        }
        .into())
    }
}
