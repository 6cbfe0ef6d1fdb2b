//! `new_supplier_large_award`: a supplier's first award in the data is unusually large for its
//! buyer.

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use super::support::{process_rows, upper_fences_by};
use super::{Batch, Definition, Group, InParts, LazyOutcome, Metadata, PROCESS, Phase, Plan};
use crate::domain::{AWARD_KEY, Tables, numbered_code};
use crate::evidence::{Evidence, Field, Kind};

/// The indicator.
pub struct NewSupplierLargeAward;

/// Its settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// The fewest awards of a buyer (in one currency) for its upper fence to be computed.
    pub minimum_awards: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Settings { minimum_awards: 10 }
    }
}

static METADATA: Metadata = Metadata {
    slug: "new_supplier_large_award",
    code: None,
    title: "New supplier wins an unusually large award",
    phase: Phase::Award,
    group: Group::Competition,
    weight: 0.15,
    family: "supplier_profile",
    lists_tenderers: false,
    batch: Batch::Other,
    in_parts: InParts::Whole,
    list: None,
    levels: &["process"],
    fields: &[
        "buyer.id",
        "awards.status",
        "awards.date",
        "awards.value",
        "awards.suppliers.id",
    ],
    evidence: Evidence {
        process: &[
            Field::new("supplier", Kind::Text),
            Field::new("date", Kind::Date),
            Field::new("amount", Kind::Money("currency")),
            Field::new("currency", Kind::Text),
            Field::new("upper_fence", Kind::Money("currency")),
        ],
        organization: &[],
    },
    settings: &[(
        "minimum_awards",
        "fewest awards of a buyer, in one currency, for its upper fence to be computed",
    )],
    page: include_str!("../../indicators/new_supplier_large_award.md"),
};

impl Definition for NewSupplierLargeAward {
    type Settings = Settings;

    fn metadata(&self) -> &'static Metadata {
        &METADATA
    }

    fn compute(&self, tables: &Tables, settings: &Settings) -> PolarsResult<Plan> {
        // Awarded awards with a date, an amount, suppliers and a buyer; each award once per
        // buyer and currency for the fence.
        let awards = tables
            .buyer_awards(
                col("date").is_not_null().and(col("amount").gt(lit(0.0))),
                false,
            )
            .with_column(
                concat_str(
                    [col("buyer_id"), col("currency").fill_null(lit("(none)"))],
                    " ",
                    false,
                )
                .alias("market"),
            );
        let per_award = awards
            .clone()
            .unique(Some(cols([AWARD_KEY])), UniqueKeepStrategy::First)
            .select([col("market"), col("amount")]);
        // Each supplier's first award in the data (earliest date, then process, in ocid order).
        // The suppliers by their numbers, not their texts: their order is not kept (each
        // process's first awards are sorted again below).
        let first = awards
            .filter(col("supplier_id").is_not_null())
            .sort_by_exprs(
                [numbered_code("supplier_id"), col("date"), col(AWARD_KEY)],
                SortMultipleOptions::default(),
            )
            .group_by_stable([col("supplier_id")])
            .agg([
                col(PROCESS).first(),
                col("date").first(),
                col("amount").first(),
                col("currency").first(),
                col("market").first(),
                col("supplier_name").first(),
            ]);
        let minimum = settings.minimum_awards;
        Ok(Plan::staged(
            [per_award, first],
            move |[per_award, first]| judged(per_award, first, minimum),
        ))
    }
}

/// The outcome from the awards (`market`: buyer and currency, `amount`, each award once) and
/// each supplier's first award: a process is judged by its largest first award against its
/// market's upper fence (computed with at least `minimum` awards).
fn judged(per_award: DataFrame, first: DataFrame, minimum: usize) -> PolarsResult<LazyOutcome> {
    // One row per market with a fence (not the awards joined to their fences, then made
    // distinct again).
    let fences = upper_fences_by(&per_award, "market", "amount", minimum)?
        .lazy()
        .filter(col("upper_fence").is_not_null());
    let first = first.lazy().join(
        fences,
        [col("market")],
        [col("market")],
        JoinArgs::new(JoinType::Inner),
    );
    // Per process: its largest first award, judged against its buyer's fence.
    let per_process = first
        .sort(
            [PROCESS, "amount", "supplier_id"],
            SortMultipleOptions::default().with_order_descending_multi([false, true, false]),
        )
        .group_by_stable([col(PROCESS)])
        .agg([
            col("supplier_id").first(),
            col("supplier_name").first(),
            col("date").first(),
            col("amount").first(),
            col("currency").first(),
            col("upper_fence").first(),
        ]);
    let evidence = [
        col("supplier_name")
            .fill_null(col("supplier_id"))
            .alias("supplier"),
        col("date"),
        col("amount"),
        col("currency"),
        col("upper_fence"),
    ];
    let processes = process_rows(
        per_process,
        col("amount").gt(col("upper_fence")),
        col("amount") / col("upper_fence"),
        evidence,
    );
    LazyOutcome::processes_only(processes)
}
