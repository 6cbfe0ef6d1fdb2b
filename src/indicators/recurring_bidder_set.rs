//! `recurring_bidder_set`: the same set of tenderers meets again and again, more often than
//! their rates of bidding would make them meet by chance (see
//! [`super::chance::set_meetings`]).

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use super::chance::{categories, set_meetings};
use super::support::{
    PROCESS_EXAMPLES, flagged_tenderers, in_flagged_groups, process_rows, with_group_evidence,
};
use super::{Batch, Definition, Group, InParts, LazyOutcome, Metadata, OCID, PROCESS, Phase, Plan};
use crate::domain::{SET_CODE, Tables, joined_ocids};
use crate::evidence::{Evidence, Field, Kind};

/// The indicator.
pub struct RecurringBidderSet;

/// Its settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// The fewest processes in which the same set of tenderers must meet.
    pub minimum_processes: u32,
    /// The fewest tenderers a set must have.
    pub minimum_tenderers: u32,
    /// The chance, over all the sets seen, of flagging any set that meets only as often as
    /// its members' rates of bidding would make it (Bonferroni: each set is compared with
    /// `significance / sets seen`); 1 turns the comparison with chance off.
    pub significance: f64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            minimum_processes: 2,
            minimum_tenderers: 2,
            significance: 0.05,
        }
    }
}

static METADATA: Metadata = Metadata {
    slug: "recurring_bidder_set",
    code: None,
    title: "The same set of tenderers meets repeatedly",
    phase: Phase::Tender,
    group: Group::Competition,
    weight: 0.10,
    family: "bidder_ring",
    lists_tenderers: true,
    batch: Batch::TendererSets,
    in_parts: InParts::Whole,
    list: None,
    levels: &["process", "tenderer"],
    fields: &[
        "bids.details.status",
        "bids.details.tenderers.id",
        "tender.mainProcurementCategory",
    ],
    evidence: Evidence {
        process: &[
            Field::new("set", Kind::Text),
            Field::new("meetings", Kind::Count),
            Field::new("where", Kind::List(", ")),
            Field::new("listed", Kind::Code(&["all", "more"])),
            Field::new("expected", Kind::Significant),
            Field::new("p_value", Kind::Probability),
        ],
        organization: PROCESS_EXAMPLES,
    },
    settings: &[
        (
            "minimum_processes",
            "fewest processes in which the same set of tenderers must meet",
        ),
        ("minimum_tenderers", "fewest tenderers a set must have"),
        (
            "significance",
            "chance (0-1) of any false flag among the sets seen, against the tenderers' rates of bidding; 1: no comparison",
        ),
    ],
    page: include_str!("../../indicators/recurring_bidder_set.md"),
};

impl Definition for RecurringBidderSet {
    type Settings = Settings;

    fn metadata(&self) -> &'static Metadata {
        &METADATA
    }

    fn check(&self, settings: &Settings) -> Result<(), String> {
        if !(settings.significance > 0.0 && settings.significance <= 1.0) {
            return Err("significance must be above 0 and at most 1".to_owned());
        }
        Ok(())
    }

    fn compute(&self, tables: &Tables, settings: &Settings) -> PolarsResult<Plan> {
        let (tenderers, sets) = tables.tenderer_sets(settings.minimum_tenderers);
        let sets = sets.cache();
        let categories = categories(tables.processes()).select([col(PROCESS), col("category")]);
        let meetings = set_meetings(
            tenderers
                .clone()
                .join(
                    categories,
                    [col(PROCESS)],
                    [col(PROCESS)],
                    JoinArgs::new(JoinType::Left).with_coalesce(JoinCoalesce::CoalesceColumns),
                )
                .with_column(col("category").fill_null(lit(""))),
            sets.clone(),
            &[],
            settings.minimum_processes,
            settings.significance,
        )?;
        let per_process = sets
            .clone()
            .join(
                meetings.drop(cols(["set"])),
                [col(SET_CODE)],
                [col(SET_CODE)],
                JoinArgs::new(JoinType::Left),
            )
            .cache();
        let flagged = col("meetings")
            .gt_eq(lit(settings.minimum_processes))
            .and(col("significant"));
        let evidence = [
            col("set"),
            col("meetings"),
            col(SET_CODE),
            when(col("meetings").gt(lit(6)))
                .then(lit("more"))
                .otherwise(lit("all"))
                .alias("listed"),
            col("expected"),
            col("p_value"),
        ];
        let processes = process_rows(
            per_process.clone(),
            flagged.clone(),
            col("meetings"),
            evidence,
        );
        // Where each flagged set met: its first processes (all of them flagged).
        let set = [col(SET_CODE)];
        let places = joined_ocids(
            tables.ocids(),
            in_flagged_groups(sets, per_process.clone(), flagged.clone(), &set)
                .select([col(SET_CODE), col(PROCESS)]),
        )
        .sort([PROCESS], SortMultipleOptions::default())
        .group_by(set.clone())
        .agg([col(OCID).head(Some(6)).alias("where")]);
        let processes = with_group_evidence(
            processes,
            places,
            &set,
            &["set", "meetings", "where", "listed", "expected", "p_value"],
        );
        let organizations = flagged_tenderers(tables, tenderers, per_process, flagged);
        Ok(LazyOutcome {
            processes,
            organizations,
            meta: Vec::new(),
        }
        .into())
    }
}
