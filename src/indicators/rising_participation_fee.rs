//! `rising_participation_fee` (OCP R009): a buyer charges much more to take part than it did
//! in its earlier tenders.

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use super::support::process_rows;
use super::{Batch, Definition, Group, InParts, LazyOutcome, Metadata, PROCESS, Phase, Plan};
use crate::domain::Tables;
use crate::evidence::{Evidence, Field, Kind};
use crate::frames::as_text;

/// The indicator.
pub struct RisingParticipationFee;

/// Its settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// How many times the median of the buyer's earlier fees a fee must reach to be flagged.
    pub multiple: f64,
    /// The fewest earlier fees of the buyer (in the currency) for a fee to be compared.
    pub minimum_earlier: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            multiple: 2.0,
            minimum_earlier: 5,
        }
    }
}

static METADATA: Metadata = Metadata {
    slug: "rising_participation_fee",
    code: Some("R009"),
    title: "Buyer increases the cost of the bidding documents",
    phase: Phase::Tender,
    group: Group::Competition,
    weight: 0.10,
    family: "participation_fee",
    lists_tenderers: false,
    batch: Batch::Other,
    in_parts: InParts::Whole,
    list: None,
    levels: &["process"],
    fields: &[
        "tender.participationFees.value",
        "buyer.id",
        "tender.tenderPeriod.startDate",
    ],
    evidence: Evidence {
        process: &[
            Field::new("buyer", Kind::Text),
            Field::new("fee", Kind::Money("currency")),
            Field::new("ratio", Kind::Fixed(1)),
            Field::new("median", Kind::Money("currency")),
            Field::new("earlier", Kind::Count),
            Field::or("currency", Kind::Text, "no_currency"),
        ],
        organization: &[],
    },
    settings: &[
        (
            "multiple",
            "times the median of the buyer's earlier fees a fee must reach to be flagged",
        ),
        (
            "minimum_earlier",
            "fewest earlier fees of the buyer in the currency for a fee to be compared",
        ),
    ],
    page: include_str!("../../indicators/rising_participation_fee.md"),
};

impl Definition for RisingParticipationFee {
    type Settings = Settings;

    fn metadata(&self) -> &'static Metadata {
        &METADATA
    }

    fn check(&self, settings: &Settings) -> Result<(), String> {
        if !(settings.multiple.is_finite() && settings.multiple > 1.0) {
            return Err("multiple must be a number above 1".to_owned());
        }
        if settings.minimum_earlier < 1 {
            return Err("minimum_earlier must be at least 1".to_owned());
        }
        Ok(())
    }

    fn compute(&self, tables: &Tables, settings: &Settings) -> PolarsResult<Plan> {
        let fees = tables
            .processes()
            .filter(
                col("participation_fee")
                    .gt(lit(0.0))
                    .and(col("buyer_id").is_not_null()),
            )
            .select([
                col(PROCESS),
                col("buyer_id").cast(DataType::String),
                col("participation_fee_currency")
                    .fill_null(col("tender_currency"))
                    .cast(DataType::String)
                    .alias("currency"),
                col("tender_start").fill_null(col("date")).alias("when"),
                col("participation_fee").alias("fee"),
            ])
            .filter(col("when").is_not_null())
            .sort(
                ["buyer_id", "currency", "when", PROCESS],
                SortMultipleOptions::default().with_nulls_last(true),
            );
        let (multiple, minimum) = (settings.multiple, settings.minimum_earlier);
        Ok(Plan::staged([fees], move |[fees]| {
            judged(fees, multiple, minimum)
        }))
    }
}

/// The outcome from the fees in the order of their buyer, currency and date: each fee is
/// compared with the median of the buyer's earlier fees in the currency, when there are at
/// least `minimum` of them.
fn judged(fees: DataFrame, multiple: f64, minimum: usize) -> PolarsResult<LazyOutcome> {
    let buyers = as_text(fees.column("buyer_id")?)?;
    let currencies = as_text(fees.column("currency")?)?;
    let amounts = fees.column("fee")?.f64()?.clone();
    let mut medians: Vec<Option<f64>> = Vec::with_capacity(fees.height());
    let mut earlier_counts: Vec<Option<u32>> = Vec::with_capacity(fees.height());
    let mut earlier: Vec<f64> = Vec::new();
    let mut group: Option<(Option<&str>, Option<&str>)> = None;
    for ((buyer, currency), fee) in buyers.iter().zip(currencies.iter()).zip(amounts.iter()) {
        if group != Some((buyer, currency)) {
            group = Some((buyer, currency));
            earlier.clear();
        }
        if earlier.len() >= minimum {
            let middle = earlier.len() / 2;
            let median = if earlier.len() % 2 == 1 {
                earlier[middle]
            } else {
                f64::midpoint(earlier[middle - 1], earlier[middle])
            };
            medians.push(Some(median));
            earlier_counts.push(Some(earlier.len() as u32));
        } else {
            medians.push(None);
            earlier_counts.push(None);
        }
        // The earlier fees, kept sorted.
        if let Some(fee) = fee {
            let at = earlier.partition_point(|value| *value < fee);
            earlier.insert(at, fee);
        }
    }
    let mut fees = fees;
    fees.with_column(Column::new("median".into(), medians))?;
    fees.with_column(Column::new("earlier".into(), earlier_counts))?;
    let compared = fees
        .lazy()
        .filter(col("median").is_not_null())
        .with_column((col("fee") / col("median")).alias("ratio"))
        .sort([PROCESS], SortMultipleOptions::default());
    let processes = process_rows(
        compared,
        col("ratio").gt_eq(lit(multiple)),
        col("ratio"),
        [
            col("buyer_id").alias("buyer"),
            col("fee"),
            col("ratio"),
            col("median"),
            col("earlier"),
            col("currency"),
        ],
    );
    LazyOutcome::processes_only(processes)
}
