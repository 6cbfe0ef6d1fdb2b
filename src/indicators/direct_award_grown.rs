//! `direct_award_grown` (OCP R054): a non-competitive award whose contract grew beyond the
//! law's threshold for its method.

use polars::prelude::*;

use super::support::{contract_label, first_of_each, process_rows};
use super::{Batch, Definition, Group, InParts, Metadata, NoSettings, PROCESS, Phase, Plan};
use crate::domain::{Tables, awarded, code_is};
use crate::evidence::{Evidence, Field, Kind};

/// The indicator.
pub struct DirectAwardGrown;

static METADATA: Metadata = Metadata {
    slug: "direct_award_grown",
    code: Some("R054"),
    title: "Non-competitive award followed by changes beyond the threshold",
    phase: Phase::Implementation,
    group: Group::Contract,
    weight: 0.35,
    family: "threshold_avoidance",
    lists_tenderers: false,
    batch: Batch::Other,
    in_parts: InParts::Outcome,
    list: Some(crate::config::THRESHOLDS),
    levels: &["process"],
    fields: &[
        "tender.procurementMethod",
        "tender.procurementMethodDetails",
        "awards.value",
        "contracts.awardID",
        "contracts.value",
        "contracts.amendments",
    ],
    evidence: Evidence {
        process: &[
            Field::new("contract", Kind::Text),
            Field::new("award_amount", Kind::Money("currency")),
            Field::new("amount", Kind::Money("currency")),
            Field::new("ceiling", Kind::Money("currency")),
            Field::new("rule", Kind::Text),
            Field::new("amendments", Kind::Count),
            Field::new("currency", Kind::Text),
        ],
        organization: &[],
    },
    settings: &[],
    page: include_str!("../../indicators/direct_award_grown.md"),
};

impl Definition for DirectAwardGrown {
    type Settings = NoSettings;

    fn metadata(&self) -> &'static Metadata {
        &METADATA
    }

    fn compute(&self, tables: &Tables, _: &NoSettings) -> PolarsResult<Plan> {
        let (ceiling, rule) = tables.thresholds().ceiling("currency", "when");
        let awards = tables
            .awards()
            .filter(
                awarded()
                    .and(col("award_id").is_not_null())
                    .and(col("amount").gt(lit(0.0))),
            )
            .unique_stable(Some(cols([PROCESS, "award_id"])), UniqueKeepStrategy::First)
            .select([
                col(PROCESS),
                col("award_id"),
                col("amount").alias("award_amount"),
                col("currency").alias("award_currency"),
                col("date").alias("award_date"),
            ]);
        let contracts = tables
            .contracts()
            .filter(
                code_is("status", "cancelled")
                    .not()
                    .and(col("amount").is_not_null()),
            )
            .join(
                awards,
                [col(PROCESS), col("award_id")],
                [col(PROCESS), col("award_id")],
                JoinArgs::new(JoinType::Inner),
            )
            .filter(col("currency").eq_missing(col("award_currency")))
            .join(
                tables.processes().select([
                    col(PROCESS),
                    col("procurement_method"),
                    col("procurement_method_details"),
                    col("main_procurement_category"),
                    col("tender_start"),
                    col("date").alias("release_date"),
                ]),
                [col(PROCESS)],
                [col(PROCESS)],
                JoinArgs::new(JoinType::Inner),
            )
            // The rule in force when the award was made.
            .with_column(
                col("award_date")
                    .fill_null(col("tender_start"))
                    .fill_null(col("release_date"))
                    .alias("when"),
            )
            .with_columns([ceiling.alias("ceiling"), rule.alias("rule")])
            // Awarded within what the method allows: a lawful use of it, at first.
            .filter(
                col("ceiling")
                    .is_not_null()
                    .and(col("award_amount").lt_eq(col("ceiling"))),
            )
            .with_columns([
                col("amount").gt(col("ceiling")).alias("grown"),
                (col("amount") / col("ceiling")).alias("ratio"),
                contract_label().alias("contract"),
            ]);
        let per_process = first_of_each(
            contracts,
            &[PROCESS],
            &["ratio", "contract_index"],
            &[true, false],
        )
        .sort([PROCESS], SortMultipleOptions::default());
        let processes = process_rows(
            per_process,
            col("grown"),
            col("ratio"),
            [
                col("contract"),
                col("award_amount"),
                col("amount"),
                col("ceiling"),
                col("rule"),
                col("amendments"),
                col("currency"),
            ],
        );
        Plan::processes_only(processes)
    }
}
