//! `near_estimate` (OCP R031): the awarded price mirrors, or exceeds, the estimated price.

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use super::support::process_rows;
use super::{Batch, Definition, Group, InParts, Metadata, PROCESS, Phase, Plan};
use crate::domain::{AWARD_KEY, Tables, awarded, code_in};
use crate::evidence::{Evidence, Field, Kind};

/// The indicator.
pub struct NearEstimate;

/// Its settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// How far below the estimate (0.005 = 0.5%) an awarded price still counts as mirroring it.
    pub below: f64,
    /// The procurement methods assessed (compared without regard to case; empty: any). A
    /// direct purchase is priced with its one supplier, so its price at the estimate is the
    /// norm, not a sign.
    pub procurement_methods: Vec<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            below: 0.005,
            procurement_methods: vec!["open".to_owned(), "selective".to_owned()],
        }
    }
}

static METADATA: Metadata = Metadata {
    slug: "near_estimate",
    code: Some("R031"),
    title: "Winning price close to or above the estimate",
    phase: Phase::Award,
    group: Group::Price,
    weight: 0.15,
    family: "estimate",
    lists_tenderers: false,
    batch: Batch::Other,
    in_parts: InParts::Outcome,
    list: None,
    levels: &["process"],
    fields: &[
        "tender.value.amount",
        "tender.value.currency",
        "awards.status",
        "awards.value.amount",
        "awards.value.currency",
    ],
    evidence: Evidence {
        process: &[
            Field::new("awarded", Kind::Money("tender_currency")),
            Field::new("ratio", Kind::Percent),
            Field::new("tender_amount", Kind::Money("tender_currency")),
            Field::new("tender_currency", Kind::Text),
        ],
        organization: &[],
    },
    settings: &[
        (
            "below",
            "how far below the estimate (0.005 = 0.5%) an awarded price still mirrors it",
        ),
        (
            "procurement_methods",
            "assess only these procurement methods (empty: all)",
        ),
    ],
    page: include_str!("../../indicators/near_estimate.md"),
};

impl Definition for NearEstimate {
    type Settings = Settings;

    fn metadata(&self) -> &'static Metadata {
        &METADATA
    }

    fn check(&self, settings: &Settings) -> Result<(), String> {
        if !(0.0..1.0).contains(&settings.below) {
            return Err("below must be at least 0 and under 1".to_owned());
        }
        Ok(())
    }

    fn compute(&self, tables: &Tables, settings: &Settings) -> PolarsResult<Plan> {
        let estimates = tables
            .processes()
            .filter(
                col("tender_amount")
                    .gt(lit(0.0))
                    .and(code_in("procurement_method", &settings.procurement_methods)),
            )
            .select([col(PROCESS), col("tender_amount"), col("tender_currency")]);
        // The awarded value: the sum of the awarded awards (each award once) in the estimate's
        // currency; awards in another currency make the process not assessable.
        let awarded_value = tables
            .awards()
            .filter(awarded().and(col("amount").is_not_null()))
            .unique(Some(cols([AWARD_KEY])), UniqueKeepStrategy::First)
            .join(
                estimates,
                [col(PROCESS)],
                [col(PROCESS)],
                JoinArgs::new(JoinType::Inner),
            )
            .group_by([col(PROCESS)])
            .agg([
                col("amount").sum().alias("awarded"),
                col("tender_amount").first(),
                col("tender_currency").first(),
                col("currency")
                    .eq_missing(col("tender_currency"))
                    .all(true)
                    .alias("same_currency"),
            ])
            .filter(col("same_currency"))
            .with_column((col("awarded") / col("tender_amount")).alias("ratio"));
        let evidence = ["awarded", "ratio", "tender_amount", "tender_currency"].map(col);
        let processes = process_rows(
            awarded_value,
            col("ratio").gt_eq(lit(1.0 - settings.below)),
            col("ratio"),
            evidence,
        );
        Plan::processes_only(processes)
    }
}
