//! `repeat_winner`: one supplier wins far more of one buyer's business than its share of the
//! market would give it.
//!
//! For every award of a (buyer, supplier) pair, the window is the `window_days` days up to and
//! including the award's date. In that window the supplier's awards from the buyer are counted
//! and summed, and compared with all the buyer's awards in the same window (value shares
//! compare amounts in the same currency only). A pair whose supplier, in some window, has at
//! least `minimum_awards` awards and at least `minimum_share` of the buyer's awards by count
//! or by value is tested against chance (see [`super::chance::pair_windows`]): over all the
//! data, does it win more of the buyer's awards than its share of the market's awards in the
//! same categories would give? A significant pair is flagged, with every process it shares.

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use super::chance::{
    PairTest, categories, described_pairs, pair_evidence, pair_fields, pair_outcome, pair_rows,
    pair_windows,
};
use crate::evidence::{Evidence, Field, Kind};

use super::{Batch, Definition, Group, InParts, Metadata, PROCESS, Phase, Plan};
use crate::domain::Tables;

/// The indicator.
pub struct RepeatWinner;

/// Its settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// The length of the rolling window of award dates, in days.
    pub window_days: i64,
    /// The fewest awards from the buyer, within one window, for a supplier to be flagged.
    pub minimum_awards: u32,
    /// The smallest share (0–1) of the buyer's awards, by count or by value, within a window.
    pub minimum_share: f64,
    /// How many leading characters of an award's item classification make the category in
    /// which suppliers' market shares are counted (2: a UNSPSC segment); 0: the main
    /// procurement category only. Awards without a classification use their main category.
    pub classification_digits: u32,
    /// The chance, over all the pairs tested, of flagging any pair whose supplier wins only
    /// what its market share would give (Bonferroni: each pair is compared with
    /// `significance / pairs tested`); 1 turns the comparison with chance off.
    pub significance: f64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            window_days: 365,
            minimum_awards: 3,
            minimum_share: 0.5,
            classification_digits: 2,
            significance: 0.05,
        }
    }
}

/// The evidence of a pair, at both levels.
const PAIR_FIELDS: &[Field] = pair_fields![
    Field::new("awards", Kind::Count),
    Field::new("buyer_awards", Kind::Count),
    Field::new("count_share", Kind::Percent),
    Field::or("value_share", Kind::Percent, "unknown"),
];

static METADATA: Metadata = Metadata {
    slug: "repeat_winner",
    code: None,
    title: "One supplier wins much of a buyer's business",
    phase: Phase::Award,
    group: Group::Competition,
    weight: 0.25,
    family: "favoured_supplier",
    lists_tenderers: false,
    batch: Batch::Pairs,
    in_parts: InParts::Whole,
    list: None,
    levels: &["process", "buyer", "supplier"],
    fields: &[
        "buyer.id",
        "awards.status",
        "awards.date",
        "awards.value.amount",
        "awards.value.currency",
        "awards.suppliers.id",
        "tender.mainProcurementCategory",
        "awards.items.classification",
        "tender.items.classification",
    ],
    evidence: Evidence {
        process: PAIR_FIELDS,
        organization: PAIR_FIELDS,
    },
    settings: &[
        (
            "window_days",
            "length of the rolling window of award dates, in days",
        ),
        (
            "minimum_awards",
            "fewest awards from the buyer within one window",
        ),
        (
            "minimum_share",
            "smallest share (0-1) of the buyer's awards, by count or value, within one window",
        ),
        (
            "classification_digits",
            "leading characters of the item classification that make the category of market shares (2: UNSPSC segment); 0: main procurement category",
        ),
        (
            "significance",
            "chance (0-1) of any false flag among the pairs tested, against the suppliers' market shares; 1: no comparison",
        ),
    ],
    page: include_str!("../../indicators/repeat_winner.md"),
};

impl Definition for RepeatWinner {
    type Settings = Settings;

    fn metadata(&self) -> &'static Metadata {
        &METADATA
    }

    fn check(&self, settings: &Settings) -> Result<(), String> {
        if settings.window_days < 1
            || !(0.0..=1.0).contains(&settings.minimum_share)
            || !(settings.significance > 0.0 && settings.significance <= 1.0)
        {
            return Err("window_days must be at least 1, minimum_share between 0 and 1 and significance above 0 and at most 1".to_owned());
        }
        Ok(())
    }

    fn compute(&self, tables: &Tables, settings: &Settings) -> PolarsResult<Plan> {
        // Awarded awards with a date, a supplier and a buyer: one row per award and supplier.
        let rows = pair_rows(
            tables,
            categories(tables.processes()),
            settings.classification_digits,
        );
        let test = PairTest {
            window_days: settings.window_days,
            minimum_awards: settings.minimum_awards,
            minimum_share: settings.minimum_share,
            significance: settings.significance,
        };
        let windows = pair_windows(rows, &test)?.cache();
        // Each flagged pair, described by its strongest window.
        let mut evidence = vec![
            col("awards"),
            col("buyer_awards"),
            col("count_share"),
            col("value_share"),
        ];
        evidence.extend(pair_evidence(settings.window_days));
        let pairs = described_pairs(
            windows.clone().filter(col("flagged")),
            &["share", "awards", "date", PROCESS],
            &[true, true, false, false],
            col("share"),
            evidence,
        );
        pair_outcome(windows, pairs, "share", &METADATA)
    }
}
