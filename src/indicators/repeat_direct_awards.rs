//! `repeat_direct_awards`: a supplier receives more of a buyer's non-competitive awards than
//! its share of the market's would give it.
//!
//! A (buyer, supplier) pair with at least `minimum_awards` non-competitive awards within a
//! rolling window of `window_days` days is tested against chance (see
//! [`super::chance::pair_windows`]): over all the data, does the supplier receive more of the
//! buyer's non-competitive awards than its share of the market's non-competitive awards in
//! the same categories would give? A significant pair is flagged, with every process it
//! shares.

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use super::chance::{
    PairTest, categories, described_pairs, pair_evidence, pair_fields, pair_outcome, pair_rows,
    pair_windows,
};
use super::{Batch, Definition, Group, InParts, Metadata, PROCESS, Phase, Plan};
use crate::domain::{Tables, code_in};
use crate::evidence::{Evidence, Field, Kind};

/// The indicator.
pub struct RepeatDirectAwards;

/// Its settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// The procurement methods that are not competitive.
    pub procurement_methods: Vec<String>,
    /// The fewest non-competitive awards within one window that flag a (buyer, supplier) pair.
    pub minimum_awards: u32,
    /// The length of the rolling window of award dates, in days.
    pub window_days: i64,
    /// How many leading characters of an award's item classification make the category in
    /// which suppliers' market shares are counted (2: a UNSPSC segment); 0: the main
    /// procurement category only. Awards without a classification use their main category.
    pub classification_digits: u32,
    /// The chance, over all the pairs tested, of flagging any pair whose supplier receives
    /// only what its market share would give (Bonferroni: each pair is compared with
    /// `significance / pairs tested`); 1 turns the comparison with chance off.
    pub significance: f64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            procurement_methods: vec!["direct".to_owned(), "limited".to_owned()],
            minimum_awards: 3,
            window_days: 365,
            classification_digits: 2,
            significance: 0.05,
        }
    }
}

/// The evidence of a pair, at both levels.
const PAIR_FIELDS: &[Field] = pair_fields![Field::new("awards", Kind::Count)];

static METADATA: Metadata = Metadata {
    slug: "repeat_direct_awards",
    code: Some("R049"),
    title: "Repeated non-competitive awards to one supplier",
    phase: Phase::Award,
    group: Group::Competition,
    weight: 0.10,
    family: "favoured_supplier",
    lists_tenderers: false,
    batch: Batch::Pairs,
    in_parts: InParts::Whole,
    list: None,
    levels: &["process", "buyer", "supplier"],
    fields: &[
        "buyer.id",
        "tender.procurementMethod",
        "awards.status",
        "awards.date",
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
            "procurement_methods",
            "procurement methods that are not competitive",
        ),
        (
            "minimum_awards",
            "fewest non-competitive awards within one window that flag a buyer-supplier pair",
        ),
        (
            "window_days",
            "length of the rolling window of award dates, in days",
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
    page: include_str!("../../indicators/repeat_direct_awards.md"),
};

impl Definition for RepeatDirectAwards {
    type Settings = Settings;

    fn metadata(&self) -> &'static Metadata {
        &METADATA
    }

    fn check(&self, settings: &Settings) -> Result<(), String> {
        if settings.window_days < 1
            || settings.procurement_methods.is_empty()
            || !(settings.significance > 0.0 && settings.significance <= 1.0)
        {
            return Err("window_days must be at least 1, procurement_methods not empty and significance above 0 and at most 1".to_owned());
        }
        Ok(())
    }

    fn compute(&self, tables: &Tables, settings: &Settings) -> PolarsResult<Plan> {
        let direct = categories(
            tables
                .processes()
                .filter(code_in("procurement_method", &settings.procurement_methods)),
        );
        let rows = pair_rows(tables, direct, settings.classification_digits);
        let test = PairTest {
            window_days: settings.window_days,
            minimum_awards: settings.minimum_awards,
            minimum_share: 0.0,
            significance: settings.significance,
        };
        let windows = pair_windows(rows, &test)?.cache();
        // Each flagged pair, described by its busiest window.
        let mut evidence = vec![col("awards")];
        evidence.extend(pair_evidence(settings.window_days));
        let pairs = described_pairs(
            windows.clone().filter(col("flagged")),
            &["awards", "date", PROCESS],
            &[true, false, false],
            col("awards").alias("in_window"),
            evidence,
        );
        pair_outcome(windows, pairs, "in_window", &METADATA)
    }
}
