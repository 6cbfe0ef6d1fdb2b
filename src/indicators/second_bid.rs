//! The difference between the winning bid and the second-lowest valid bid, per process: the
//! measure behind `price_close_to_winning_bid` (R024) and `heavily_discounted_bid` (R058).

use polars::prelude::*;

use super::support::{PROCESS_EXAMPLES, fence_evidence, organizations_from, process_rows};
use super::{LazyOutcome, ORGANIZATION_ID, PROCESS, Plan};
use crate::domain::{Tables, code_is, process_and_code};
use crate::evidence::{Evidence, Field, Kind};
use crate::stats::{Fences, Rule};

/// One row per process with a measurable difference: `process`, `ratio`
/// (`(second − winner) / winner`), `winner`, `second` (tenderer ids), `winner_amount`,
/// `second_amount`, `currency`.
///
/// A process is measured when all its awards are final (none `pending` or `invalid`), exactly
/// one is `active` and it has exactly one supplier, the winner has a valid bid and another
/// tenderer too (valid bids of one identified tenderer, with an amount, in the winner's
/// currency), where bid prices may be compared, and the winner's bid is the lowest (else the
/// award criteria were not price only).
///
/// With `settings.currency`, only bids in that currency are compared; with
/// `settings.cardinal`, equal second-lowest bids are taken in the publisher's order rather
/// than by tenderer id, as Cardinal does.
pub fn differences(tables: &Tables, settings: &Settings) -> LazyFrame {
    let winners = tables.winners();
    // Valid bids with a price, from one tenderer each (a consortium's bid is not compared);
    // but for Cardinal, a bid without tenderers too, kept if `relatedBid` names it.
    let one = col("tenderer_count").eq(lit(1));
    let mut valid = col("status")
        .eq(lit("valid"))
        .and(col("amount").is_not_null())
        .and(col("currency").is_not_null())
        .and(if settings.cardinal {
            one.clone()
        } else {
            col("tenderer_count").lt_eq(lit(1))
        });
    if let Some(currency) = &settings.currency {
        valid = valid.and(col("currency").eq(lit(currency.as_str())));
    }
    let tie = if settings.cardinal {
        "bid_index"
    } else {
        "tenderers"
    };
    let bids = tables.comparable_bids(valid).join(
        winners,
        [col(PROCESS)],
        [col(PROCESS)],
        JoinArgs::new(JoinType::Inner),
    );
    let by_tenderer = col("tenderers").eq(col("winner"));
    // Where no bid of the process is the winner's by its tenderer (bids without tenderers'
    // ids), the bid the active award's `relatedBid` names; not for Cardinal.
    let (bids, named) = if settings.cardinal {
        (bids, lit(false))
    } else {
        let related = tables
            .awards()
            .filter(code_is("status", "active").and(col("related_bid").is_not_null()))
            .select([col(PROCESS), col("related_bid").cast(DataType::String)])
            .unique_stable(Some(cols([PROCESS])), UniqueKeepStrategy::First);
        let found = bids
            .clone()
            .filter(by_tenderer.clone())
            .select([col(PROCESS)])
            .unique(None, UniqueKeepStrategy::Any)
            .with_column(lit(true).alias("found"));
        let on_process = || JoinArgs::new(JoinType::Left);
        let bids = bids
            .join(related, [col(PROCESS)], [col(PROCESS)], on_process())
            .join(found, [col(PROCESS)], [col(PROCESS)], on_process());
        let named = col("found")
            .is_null()
            .and(col("bid_id").cast(DataType::String).eq(col("related_bid")));
        (bids, named)
    };
    let bids = bids
        .with_column(
            when(by_tenderer)
                .then(lit("tenderer"))
                .when(named)
                .then(lit("related_bid"))
                .otherwise(lit(NULL).cast(DataType::String))
                .alias(WINNING_BID_BY),
        )
        .filter(one.or(col(WINNING_BID_BY).eq(lit("related_bid"))))
        .with_column(col(WINNING_BID_BY).is_not_null().alias("won"))
        .cache();
    let winning = bids
        .clone()
        .filter(col("won"))
        .sort(
            [PROCESS, "amount", "currency", "bid_index"],
            SortMultipleOptions::default(),
        )
        .group_by_stable([col(PROCESS)])
        .agg([
            col("winner").first(),
            col("amount").first().alias("winner_amount"),
            col("currency").first(),
            col(WINNING_BID_BY).first(),
        ])
        .cache();
    // The other bids in the winner's currency, joined on the process and currency in one
    // integer.
    let second = bids
        .filter(col("won").not())
        .join(
            winning
                .clone()
                .select([process_and_code("currency").alias("process_currency")]),
            [process_and_code("currency")],
            [col("process_currency")],
            JoinArgs::new(JoinType::Semi),
        )
        .sort([PROCESS, "amount", tie], SortMultipleOptions::default())
        .group_by_stable([col(PROCESS)])
        .agg([
            col("tenderers").first().alias("second"),
            col("amount").first().alias("second_amount"),
        ]);
    winning
        .join(
            second,
            [col(PROCESS)],
            [col(PROCESS)],
            JoinArgs::new(JoinType::Inner),
        )
        .filter(
            col("second_amount")
                .gt_eq(col("winner_amount"))
                .and(col("winner_amount").gt(lit(0.0))),
        )
        .with_column(
            ((col("second_amount") - col("winner_amount")) / col("winner_amount")).alias("ratio"),
        )
        .sort([PROCESS], SortMultipleOptions::default())
}

/// Column: how the winner's bid was found: `tenderer`, the bid of the winning supplier;
/// `related_bid`, where no bid names the winner among its tenderers, the bid the active
/// award's `relatedBid` names (not with `cardinal`).
pub const WINNING_BID_BY: &str = "winning_bid_by";

/// The fences of the differences; `None` when there is no difference to measure.
pub fn fences(differences: &DataFrame) -> PolarsResult<Option<Fences>> {
    let ratios: Vec<f64> = differences
        .column("ratio")?
        .f64()?
        .iter()
        .flatten()
        .collect();
    Ok(Fences::of(&ratios))
}

/// The evidence of both indicators at the process level: the two bids, the difference, and
/// the fence it crossed with its quartiles (`fence_source`: `quartiles`, or `settings` when
/// the threshold is set).
pub const GAP_EVIDENCE: Evidence = Evidence {
    process: &[
        Field::new("second_amount", Kind::Money("currency")),
        Field::new("currency", Kind::Text),
        Field::new("second", Kind::Text),
        Field::new("ratio", Kind::Percent),
        Field::new("winner_amount", Kind::Money("currency")),
        Field::new("winner", Kind::Text),
        Field::new(WINNING_BID_BY, Kind::Code(&["tenderer", "related_bid"])),
        Field::new("fence", Kind::PercentFixed),
        Field::new("fence_source", Kind::Code(&["quartiles", "settings"])),
        Field::new("q1", Kind::PercentFixed),
        Field::new("q3", Kind::PercentFixed),
    ],
    organization: PROCESS_EXAMPLES,
};

/// The evidence values: the two bids, the difference and the fence it crossed.
fn evidence(fence: f64, fences: Option<Fences>) -> Vec<Expr> {
    let mut values = [
        "second_amount",
        "currency",
        "second",
        "ratio",
        "winner_amount",
        "winner",
        WINNING_BID_BY,
    ]
    .map(col)
    .to_vec();
    values.extend(fence_evidence(Some(fence), fences));
    values
}

/// The settings of both indicators.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// Flag differences beyond this decimal instead of beyond the fence.
    pub threshold: Option<f64>,
    /// Compare only bids in this currency (Cardinal's main currency); unset: each process in
    /// its winner's currency.
    pub currency: Option<String>,
    /// Follow Cardinal's code rather than this page's method (set by `redflags cardinal`).
    pub cardinal: bool,
}

/// The settings' descriptions, for the metadata of both indicators (after `threshold`).
pub const SETTINGS: [(&str, &str); 2] = [
    (
        "currency",
        "compare only bids in this currency (unset: each process in its winner's currency)",
    ),
    (
        "cardinal",
        "follow Cardinal's code where it differs from this page (set by `redflags cardinal`)",
    ),
];

/// The OCDS fields both indicators read.
pub const FIELDS: &[&str] = &[
    "awards.status",
    "awards.suppliers.id",
    "bids.details.status",
    "bids.details.value",
    "bids.details.tenderers.id",
    "awards.relatedBid",
    "tender.procurementMethodDetails",
];

/// Which end of the distribution of differences an indicator looks at.
#[derive(Debug, Clone, Copy)]
pub enum Side {
    /// Differences at or below the lower fence: prices close together (R024). The winner and
    /// the second-lowest bidder are flagged as tenderers.
    Low,
    /// Differences at or above the upper fence: a heavily discounted winning bid (R058). The
    /// winner is flagged as a tenderer.
    High,
}

/// The plan of an indicator on one side of the differences, with its `threshold` setting
/// (which replaces the fence when set): the differences are collected first, for their fences.
pub fn outcome(tables: &Tables, side: Side, settings: &Settings) -> Plan {
    let measured = differences(tables, settings);
    let (tables, settings) = (tables.clone(), settings.clone());
    Plan::staged([measured], move |[measured]| {
        judged(&tables, measured, side, &settings)
    })
}

/// The outcome of an indicator on one side of the `measured` differences.
fn judged(
    tables: &Tables,
    measured: DataFrame,
    side: Side,
    settings: &Settings,
) -> PolarsResult<LazyOutcome> {
    let threshold = settings.threshold;
    let fences = fences(&measured)?;
    let fence_name = match side {
        Side::Low => "lower_fence",
        Side::High => "upper_fence",
    };
    let fence = threshold.or(fences.map(|f| match side {
        Side::Low => f.lower,
        Side::High => f.upper,
    }));
    let Some(fence) = fence else {
        // Nothing measured: no process is assessable.
        let mut outcome = LazyOutcome::processes_only(process_rows(
            measured.lazy(),
            lit(false),
            col("ratio"),
            [],
        ))?;
        outcome.meta = crate::stats::meta("", None, true, fence_name, None);
        return Ok(outcome);
    };
    let quartiles = fences.filter(|_| threshold.is_none());
    let rule = Rule::of(settings.cardinal, true);
    let flagged = match side {
        Side::Low => rule.low(col("ratio"), fence, quartiles),
        Side::High => rule.high(col("ratio"), fence, quartiles),
    };
    let processes = process_rows(
        measured.clone().lazy(),
        flagged.clone(),
        col("ratio"),
        evidence(fence, quartiles),
    );
    let flagged_rows = measured.lazy().filter(flagged);
    let winners = flagged_rows
        .clone()
        .select([col(PROCESS), col("winner").alias(ORGANIZATION_ID)]);
    let organizations = match side {
        Side::Low => organizations_from(
            tables,
            concat(
                [
                    winners,
                    flagged_rows.select([col(PROCESS), col("second").alias(ORGANIZATION_ID)]),
                ],
                UnionArgs::default(),
            )?,
            "tenderer",
        ),
        Side::High => organizations_from(tables, winners, "tenderer"),
    };
    Ok(LazyOutcome {
        processes,
        organizations,
        meta: crate::stats::meta("", fences, threshold.is_none(), fence_name, Some(fence)),
    })
}
