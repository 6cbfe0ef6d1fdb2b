//! `bid_rotation`: within a buyer, the same bidders meet repeatedly, more often than their
//! rates of bidding would make them meet there by chance (see
//! [`super::chance::set_meetings`]), and take turns winning.

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use super::chance::{categories, set_meetings};
use super::support::{
    PROCESS_EXAMPLES, flagged_tenderers, in_flagged_groups, process_rows, with_group_evidence,
};
use super::{Batch, Definition, Group, InParts, LazyOutcome, Metadata, PROCESS, Phase, Plan};
use crate::domain::{SET_CODE, Tables, awarded, numbered_code, packed};
use crate::evidence::{Evidence, Field, Kind};

/// The indicator.
pub struct BidRotation;

/// Column: the buyer's number (the frames' numbering) and the set's ([`SET_CODE`], a process
/// key) in one integer.
const BUYER_SET: &str = "buyer_set";

/// The [`BUYER_SET`] of rows with `buyer_id` and [`SET_CODE`].
fn buyer_set() -> Expr {
    packed(numbered_code("buyer_id"), col(SET_CODE)).alias(BUYER_SET)
}

/// Its settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// The fewest processes of one buyer in which the same set of tenderers must meet.
    pub minimum_processes: u32,
    /// The fewest different winners among them (the turns).
    pub minimum_winners: u32,
    /// The chance, over all the (buyer, set) pairs seen, of flagging any set that meets at a
    /// buyer only as often as its members' rates of bidding would make it (Bonferroni: each
    /// is compared with `significance / pairs seen`); 1 turns the comparison with chance off.
    pub significance: f64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            minimum_processes: 3,
            minimum_winners: 2,
            significance: 0.05,
        }
    }
}

static METADATA: Metadata = Metadata {
    slug: "bid_rotation",
    code: Some("R057"),
    title: "Bidders taking turns to win",
    phase: Phase::Award,
    group: Group::Competition,
    weight: 0.30,
    family: "bidder_ring",
    lists_tenderers: true,
    batch: Batch::TendererSets,
    in_parts: InParts::Whole,
    list: None,
    levels: &["process", "tenderer"],
    fields: &[
        "buyer.id",
        "bids.details.status",
        "bids.details.tenderers.id",
        "awards.status",
        "awards.suppliers.id",
        "tender.mainProcurementCategory",
    ],
    evidence: Evidence {
        process: &[
            Field::new("set", Kind::Text),
            Field::new("meetings", Kind::Count),
            Field::new("buyer_id", Kind::Text),
            Field::new("who", Kind::List(", ")),
            Field::new("expected", Kind::Significant),
            Field::new("p_value", Kind::Probability),
        ],
        organization: PROCESS_EXAMPLES,
    },
    settings: &[
        (
            "minimum_processes",
            "fewest processes of one buyer in which the same set of tenderers must meet",
        ),
        ("minimum_winners", "fewest different winners among them"),
        (
            "significance",
            "chance (0-1) of any false flag among the buyer-set pairs seen, against the tenderers' rates of bidding; 1: no comparison",
        ),
    ],
    page: include_str!("../../indicators/bid_rotation.md"),
};

impl Definition for BidRotation {
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
        // One winner per process: the smallest supplier id of its awarded awards.
        let winners = tables
            .awards()
            .filter(awarded().and(col("supplier_id").is_not_null()))
            .group_by([col(PROCESS)])
            .agg([col("supplier_id").min().alias("winner")]);
        let (tenderers, sets) = tables.tenderer_sets(2);
        let buyers = categories(tables.processes().filter(col("buyer_id").is_not_null()))
            .select([col(PROCESS), col("buyer_id"), col("category")])
            .cache();
        let sets = sets
            .join(
                buyers.clone().select([col(PROCESS), col("buyer_id")]),
                [col(PROCESS)],
                [col(PROCESS)],
                JoinArgs::new(JoinType::Inner),
            )
            .join(
                winners,
                [col(PROCESS)],
                [col(PROCESS)],
                JoinArgs::new(JoinType::Inner),
            )
            .with_column(buyer_set())
            .cache();
        let meetings = set_meetings(
            tenderers.clone().join(
                buyers,
                [col(PROCESS)],
                [col(PROCESS)],
                JoinArgs::new(JoinType::Inner),
            ),
            sets.clone(),
            &["buyer_id"],
            settings.minimum_processes,
            settings.significance,
        )?;
        let group = [col("buyer_id"), col(SET_CODE)];
        // Grouped and joined on the buyer and the set in one integer.
        let packed = [col(BUYER_SET)];
        let groups = sets
            .clone()
            .group_by(packed.clone())
            .agg([col("winner").n_unique().alias("winners")]);
        let per_process = sets
            .clone()
            .join(
                groups,
                packed.clone(),
                packed.clone(),
                JoinArgs::new(JoinType::Left),
            )
            .join(
                meetings
                    .with_column(buyer_set())
                    .drop(cols(["set", "buyer_id", SET_CODE])),
                packed.clone(),
                packed,
                JoinArgs::new(JoinType::Left),
            )
            .cache();
        let flagged = col("meetings")
            .gt_eq(lit(settings.minimum_processes))
            .and(col("winners").gt_eq(lit(settings.minimum_winners)))
            .and(col("significant"));
        let evidence = [
            "set", "meetings", "buyer_id", SET_CODE, "expected", "p_value",
        ]
        .map(col);
        let processes = process_rows(
            per_process.clone(),
            flagged.clone(),
            col("winners"),
            evidence,
        );
        // The winners of each flagged set.
        let who = in_flagged_groups(sets, per_process.clone(), flagged.clone(), &group)
            .group_by(group.clone())
            .agg([col("winner")
                .unique()
                .sort(SortOptions::default())
                .alias("who")]);
        let processes = with_group_evidence(
            processes,
            who,
            &group,
            &["set", "meetings", "buyer_id", "who", "expected", "p_value"],
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
