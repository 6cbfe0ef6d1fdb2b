//! The (buyer, supplier) pairs against the suppliers' market shares: `repeat_winner` and
//! `repeat_direct_awards`.

use polars::prelude::*;

use super::{binomial_tail, significant};
use crate::domain::{
    AWARD_KEY, Tables, code_or_missing, each_award_supplier_once, first_of_run, numbered_code,
    packed, text_code,
};
use crate::evidence::{Language, Level};
use crate::indicators::support::{first_by, pair_organizations, process_rows, rolling_sums_within};
use crate::indicators::{LazyOutcome, Metadata, PROCESS, Plan};

/// The awarded awards (status `active` or none) with a date and a supplier, of `processes`
/// (see [`super::categories`]), as [`pair_windows`] reads them. With `classification_digits`
/// above 0, an award's category is its kind of item (see [`Tables::item_classes`]) where it
/// has one, else its process's main procurement category.
pub fn pair_rows(tables: &Tables, processes: LazyFrame, classification_digits: u32) -> LazyFrame {
    let rows = tables.awards_of_buyers(
        col("date")
            .is_not_null()
            .and(col("supplier_id").is_not_null()),
        processes,
    );
    let rows = if classification_digits == 0 {
        rows
    } else {
        rows.join(
            tables
                .item_classes(classification_digits)
                .select([col(AWARD_KEY), col("class")]),
            [col(AWARD_KEY)],
            [col(AWARD_KEY)],
            JoinArgs::new(JoinType::Left),
        )
        .with_column(col("class").fill_null(col("category")).alias("category"))
    };
    rows.select([
        col(PROCESS),
        col("award_index"),
        col(AWARD_KEY),
        col("buyer_id"),
        col("buyer_name"),
        col("supplier_id"),
        col("supplier_name"),
        col("date"),
        col("amount").fill_null(lit(0.0)),
        col("currency"),
        col("category"),
    ])
}

/// The floors and the significance of a (buyer, supplier) test.
#[derive(Debug, Clone, Copy)]
pub struct PairTest {
    /// The rolling window of award dates, in days.
    pub window_days: i64,
    /// The fewest awards of the pair within one window.
    pub minimum_awards: u32,
    /// The smallest share of the buyer's awards (count or value) within one window.
    pub minimum_share: f64,
    /// The family-wise significance, divided among the pairs tested.
    pub significance: f64,
}

/// Columns of [`pair_windows`]: the buyer's, the supplier's and the category's number, and the
/// pair's (the buyer's and the supplier's numbers packed in one integer).
const BUYER: &str = "buyer_code";
const SUPPLIER: &str = "supplier_code";
const CATEGORY: &str = "category_code";
const PAIR: &str = "pair";
/// Whether a row is its award's first (see [`pair_windows`]).
const FIRST_OF_AWARD: &str = "first_of_award";
/// The buyer's number and the currency's packed in one integer.
const BUYER_CURRENCY: &str = "buyer_currency";

/// The windows of every (buyer, supplier) pair, with the pair's comparison with chance.
///
/// `rows`: one row per award and supplier, with `process`, `award_index`, `award_key`, `buyer_id`,
/// `buyer_name`, `supplier_id`, `supplier_name`, `date`, `amount` (0 when unknown),
/// `currency` and `category`.
///
/// Each row gets its window (the `window_days` days up to its date): `awards` (the pair's),
/// `buyer_awards`, `value`, `buyer_value` (in the row's currency), `count_share`,
/// `value_share`, `share` (the larger) and `qualifies` (the floors are met). Each pair gets,
/// over all the rows: `pair_awards`, `buyer_total` (the buyer's awards), `expected` (the sum,
/// over the buyer's awards, of the supplier's share of the market's awards in the award's
/// category) and `p_value`, the binomial probability of at least `pair_awards` of
/// `buyer_total` awards with the probability `expected / buyer_total` each; and `flagged`:
/// a window qualifies and the p-value is significant among the pairs with a qualifying window.
pub fn pair_windows(rows: LazyFrame, test: &PairTest) -> PolarsResult<LazyFrame> {
    // The buyers and suppliers by the frames' numbers, the categories by the frames' list of
    // texts, and the pairs of numbers packed in one integer: every group-by and join below is
    // on one integer, not on texts that Polars would encode row by row.
    // Each award's suppliers once (its first row).
    let rows = each_award_supplier_once(rows, SUPPLIER)
        // By date, then by process and award (as the award key sorts).
        .sort(["date", AWARD_KEY], SortMultipleOptions::default())
        .with_columns([
            lit(1i64).alias("one"),
            numbered_code("buyer_id").alias(BUYER),
            text_code("category").alias(CATEGORY),
        ])
        .with_column(packed(col(BUYER), col(SUPPLIER)).alias(PAIR))
        .cache();
    let pair = [col(PAIR)];
    // Each award once, its first row: sorted by date, then award, the rows of an award are
    // next to each other. Cached: the four tables below read it with different columns, and
    // Polars would otherwise make it once for each.
    let awards = rows.clone().filter(first_of_run(&[AWARD_KEY])).cache();
    // The supplier's share of the market's awards in each category (an award with several
    // suppliers counts for each of them).
    let market = rows
        .clone()
        .group_by([packed(col(CATEGORY), col(SUPPLIER)).alias("category_supplier")])
        .agg([
            len().alias("in_category"),
            col(CATEGORY).first(),
            col(SUPPLIER).first(),
        ])
        .join(
            awards
                .clone()
                .group_by([col(CATEGORY)])
                .agg([len().alias("category_awards")]),
            [col(CATEGORY)],
            [col(CATEGORY)],
            JoinArgs::new(JoinType::Inner),
        )
        .with_column(
            (col("in_category").cast(DataType::Float64)
                / col("category_awards").cast(DataType::Float64))
            .alias("market_share"),
        );
    let mix = awards
        .clone()
        .group_by([packed(col(BUYER), col(CATEGORY)).alias("buyer_category")])
        .agg([len().alias("buyer_in_category"), col(BUYER).first()]);
    let pairs = rows.clone().group_by(pair.clone()).agg([
        len().alias("pair_awards"),
        col(BUYER).first(),
        col(SUPPLIER).first(),
    ]);
    // The buyer's awards in all categories, and each pair's expected count summed over the
    // categories the supplier sells in (elsewhere its share is 0): joining each pair with every
    // category its buyer buys in made about ten rows per award.
    let buyer_totals = mix
        .clone()
        .group_by([col(BUYER)])
        .agg([col("buyer_in_category").sum().alias("buyer_total")]);
    // Each row's windows: the pair's awards and value, and the buyer's awards and value (in
    // the row's currency), all summed over the rows themselves, so that no join puts them
    // together. The buyer's sums count each award at its first row only: the rows of an award
    // share its date, so every row of it gets the award's window.
    let first = || col(FIRST_OF_AWARD);
    let windows = rows.with_columns([
        first_of_run(&[AWARD_KEY]).alias(FIRST_OF_AWARD),
        // The buyer and the currency's number (a missing currency as a number of its own) in
        // one integer.
        packed(col(BUYER), code_or_missing("currency")).alias(BUYER_CURRENCY),
    ]);
    let windows = rolling_sums_within(
        windows,
        &[PAIR],
        &[(col("one"), "awards")],
        test.window_days,
    );
    let windows = rolling_sums_within(
        windows,
        &[PAIR, "currency"],
        &[(col("amount"), "value")],
        test.window_days,
    );
    let windows = rolling_sums_within(
        windows,
        &[BUYER],
        &[(
            when(first()).then(col("one")).otherwise(lit(0i64)),
            "buyer_awards",
        )],
        test.window_days,
    );
    let windows = rolling_sums_within(
        windows,
        &[BUYER_CURRENCY],
        &[(
            when(first()).then(col("amount")).otherwise(lit(0.0)),
            "buyer_value",
        )],
        test.window_days,
    )
    .drop(cols([FIRST_OF_AWARD, BUYER_CURRENCY]))
    .with_columns([
        (col("awards").cast(DataType::Float64) / col("buyer_awards").cast(DataType::Float64))
            .alias("count_share"),
        when(col("buyer_value").gt(lit(0.0)))
            .then(col("value") / col("buyer_value"))
            .otherwise(lit(NULL).cast(DataType::Float64))
            .alias("value_share"),
    ])
    .with_column(
        polars::lazy::dsl::max_horizontal([col("count_share"), col("value_share")])?.alias("share"),
    )
    .with_column(
        col("awards")
            .gt_eq(lit(test.minimum_awards))
            .and(col("share").gt_eq(lit(test.minimum_share)))
            .alias("qualifies"),
    )
    .cache();
    // The pairs tested: those with a qualifying window. Only they are compared with chance
    // (most pairs have no qualifying window).
    let qualifying = windows
        .clone()
        .filter(col("qualifies"))
        .select(pair.clone())
        .unique(None, UniqueKeepStrategy::First);
    let pairs = pairs.join(
        qualifying,
        pair.clone(),
        pair.clone(),
        JoinArgs::new(JoinType::Semi),
    );
    let expected = pairs
        .clone()
        .select([col(PAIR), col(BUYER), col(SUPPLIER)])
        .join(
            market.select([col(CATEGORY), col(SUPPLIER), col("market_share")]),
            [col(SUPPLIER)],
            [col(SUPPLIER)],
            JoinArgs::new(JoinType::Inner),
        )
        .with_column(packed(col(BUYER), col(CATEGORY)).alias("buyer_category"))
        .join(
            mix.select([col("buyer_category"), col("buyer_in_category")]),
            [col("buyer_category")],
            [col("buyer_category")],
            JoinArgs::new(JoinType::Inner),
        )
        .group_by(pair.clone())
        .agg([
            (col("buyer_in_category").cast(DataType::Float64) * col("market_share"))
                .sum()
                .alias("expected"),
        ]);
    let tested = pairs
        .clone()
        .join(
            buyer_totals,
            [col(BUYER)],
            [col(BUYER)],
            JoinArgs::new(JoinType::Inner),
        )
        .join(
            expected,
            pair.clone(),
            pair.clone(),
            JoinArgs::new(JoinType::Left),
        )
        .with_column(col("expected").fill_null(lit(0.0)))
        .with_column(
            binomial_tail(
                col("pair_awards"),
                col("buyer_total"),
                col("expected") / col("buyer_total").cast(DataType::Float64),
            )
            .alias("p_value"),
        )
        .select([
            col(PAIR),
            col("pair_awards"),
            col("buyer_total"),
            col("expected"),
            col("p_value"),
        ])
        .with_column(significant(col("p_value"), test.significance).alias("significant"));
    Ok(windows
        .join(tested, pair.clone(), pair, JoinArgs::new(JoinType::Left))
        .with_column(
            col("qualifies")
                .and(col("significant").fill_null(lit(false)))
                .alias("flagged"),
        ))
}

/// The evidence fields of a (buyer, supplier) indicator, at both levels: its own (the
/// arguments), then those of [`pair_evidence`].
macro_rules! pair_fields {
    ($($field:expr),* $(,)?) => {
        &[
            $($field,)*
            $crate::evidence::Field::new("supplier", $crate::evidence::Kind::Text),
            $crate::evidence::Field::new("buyer", $crate::evidence::Kind::Text),
            $crate::evidence::Field::new("window_days", $crate::evidence::Kind::Count),
            $crate::evidence::Field::new("date", $crate::evidence::Kind::Date),
            $crate::evidence::Field::new("pair_awards", $crate::evidence::Kind::Count),
            $crate::evidence::Field::new("buyer_total", $crate::evidence::Kind::Count),
            $crate::evidence::Field::new("expected", $crate::evidence::Kind::Significant),
            $crate::evidence::Field::new("p_value", $crate::evidence::Kind::Probability),
        ]
    };
}
pub(crate) use pair_fields;

/// The evidence values every (buyer, supplier) indicator gives of a pair's window, besides its
/// own: the supplier's and the buyer's names (their ids where they have none), the window, and
/// the comparison with chance (`pair_awards`, `buyer_total`, `expected`, `p_value`, see
/// [`pair_windows`]).
pub fn pair_evidence(window_days: i64) -> [Expr; 8] {
    [
        col("supplier_name")
            .fill_null(col("supplier_id"))
            .alias("supplier"),
        col("buyer_name").fill_null(col("buyer_id")).alias("buyer"),
        lit(window_days).alias("window_days"),
        col("date"),
        col("pair_awards"),
        col("buyer_total"),
        col("expected").cast(DataType::Float64),
        col("p_value"),
    ]
}

/// Each (buyer, supplier) pair of `windows` (the flagged windows), as [`pair_outcome`] reads
/// them: `buyer_id`, `supplier_id`, `value` and the `evidence` values, all of the pair's
/// window first in the order of the columns `by` (each descending where `descending` says).
pub fn described_pairs(
    windows: LazyFrame,
    by: &[&str],
    descending: &[bool],
    value: Expr,
    evidence: impl IntoIterator<Item = Expr>,
) -> LazyFrame {
    let mut columns = vec![col("buyer_id"), col("supplier_id"), value];
    columns.extend(evidence);
    first_by(windows, &["buyer_id", "supplier_id"], by, descending).select(columns)
}

/// The outcome of a (buyer, supplier) indicator: every process in `windows` (with `process`,
/// `buyer_id`, `supplier_id`) is assessed, and flagged when one of its pairs is in `pairs`
/// (`buyer_id`, `supplier_id`, `value` and the evidence values), described by its pair of largest
/// `value`; each flagged pair's buyer and supplier get an organization row. `pairs` holds the
/// evidence values of the indicator described by `metadata` (the same at both levels).
///
/// `windows` is read twice here and `pairs` is made from it: the caller caches it once
/// ([`pair_windows`]' result, `.cache()`), which computes the windows and their tests once
/// instead of twice. It must not be cached again here: at 300,000 generated processes a cache
/// of that cache gave `pairs` windows its filter had left out (Polars 0.55).
pub fn pair_outcome(
    windows: LazyFrame,
    pairs: LazyFrame,
    value: &str,
    metadata: &Metadata,
) -> PolarsResult<Plan> {
    let fields = metadata.evidence.process;
    let mut firsts = vec![col(value).first()];
    firsts.extend(fields.iter().map(|field| col(field.name).first()));
    // Each process described by its pair of largest value: the processes of a flagged pair
    // sorted among themselves (a few of them), then joined to all the processes.
    let described = windows
        .clone()
        .select([col(PROCESS), col("buyer_id"), col("supplier_id")])
        .join(
            pairs.clone(),
            [col("buyer_id"), col("supplier_id")],
            [col("buyer_id"), col("supplier_id")],
            JoinArgs::new(JoinType::Inner),
        )
        .sort(
            [PROCESS, value, "supplier_id"],
            SortMultipleOptions::default()
                .with_order_descending_multi([false, true, false])
                .with_nulls_last(true),
        )
        .group_by_stable([col(PROCESS)])
        .agg(firsts);
    let per_process = windows
        .select([col(PROCESS)])
        .unique(None, UniqueKeepStrategy::Any)
        .join(
            described,
            [col(PROCESS)],
            [col(PROCESS)],
            JoinArgs::new(JoinType::Left),
        );
    let processes = process_rows(
        per_process,
        col(value).is_not_null(),
        col(value),
        fields.iter().map(|field| col(field.name)),
    );
    let order = Language::english().sentence(metadata.slug, Level::Organization, fields);
    let organizations = pair_organizations(pairs, value, fields, order)?;
    Ok(LazyOutcome {
        processes,
        organizations,
        meta: Vec::new(),
    }
    .into())
}
