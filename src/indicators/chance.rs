//! What the market would give by chance: the baselines the pattern indicators compare what
//! they see with.
//!
//! A pattern that looks across processes (a supplier winning often at one buyer, the same
//! tenderers meeting again) also happens by chance in a concentrated market: a supplier with a
//! third of a trade wins about a third of every buyer's awards in it, and the two largest
//! bidders of a trade meet in many tenders. The functions here give how much of the pattern
//! chance alone would produce and the probability of seeing at least what is seen, which the
//! indicators compare with a significance level divided by the number of patterns tested
//! (Bonferroni), so that across thousands of pairs or sets about `significance` false alarms
//! are expected in all, not per pair.

use polars::prelude::*;
use statrs::distribution::{Binomial, DiscreteCDF, Poisson};
use statrs::function::factorial::ln_factorial;

use super::{EVIDENCE, OCID, days_window, pair_organizations, process_rows};

/// A function of a row's numbers, applied by [`rowwise`].
type RowFunction<const N: usize> = fn([f64; N]) -> f64;

/// `function` of the inputs (cast to f64) row by row; null where an input is. A literal input
/// (one value) applies to every row.
fn rowwise<const N: usize>(inputs: [Expr; N], function: RowFunction<N>) -> Expr {
    let mut inputs: Vec<Expr> = inputs
        .into_iter()
        .map(|input| input.cast(DataType::Float64))
        .collect();
    let first = inputs.remove(0);
    first.map_many(
        move |columns| {
            let name = columns[0].name().clone();
            let height = columns.iter().map(Column::len).max().unwrap_or(0);
            let values: Vec<Vec<Option<f64>>> = columns
                .iter()
                .map(|column| Ok(column.f64()?.iter().collect()))
                .collect::<PolarsResult<_>>()?;
            let rows: Vec<Option<f64>> = (0..height)
                .map(|row| {
                    let mut arguments = [0.0; N];
                    for (argument, column) in arguments.iter_mut().zip(&values) {
                        let index = if column.len() == 1 { 0 } else { row };
                        *argument = (*column.get(index)?)?;
                    }
                    Some(function(arguments))
                })
                .collect();
            Ok(Column::new(name, rows))
        },
        &inputs,
        |_, fields| Ok(Field::new(fields[0].name().clone(), DataType::Float64)),
    )
}

/// The probability of at least `k` successes in `n` independent trials of probability `p`.
pub fn binomial_upper_tail(k: u64, n: u64, p: f64) -> f64 {
    if k == 0 {
        return 1.0;
    }
    if k > n {
        return 0.0;
    }
    Binomial::new(p.clamp(0.0, 1.0), n).map_or(f64::NAN, |binomial| binomial.sf(k - 1))
}

/// The probability that something seen once, which chance gives `mean` times on average
/// (Poisson), is seen at least `k` times: `P(X ≥ k) / P(X ≥ 1)`.
pub fn poisson_upper_tail_given_one(k: u64, mean: f64) -> f64 {
    if k <= 1 {
        return 1.0;
    }
    if mean.is_nan() || mean <= 0.0 {
        return 0.0;
    }
    Poisson::new(mean).map_or(f64::NAN, |poisson| {
        (poisson.sf(k - 1) / -(-mean).exp_m1()).min(1.0)
    })
}

/// [`binomial_upper_tail`] over columns.
pub fn binomial_tail(observed: Expr, trials: Expr, probability: Expr) -> Expr {
    rowwise([observed, trials, probability], |[k, n, p]| {
        binomial_upper_tail(k as u64, n as u64, p)
    })
}

/// [`poisson_upper_tail_given_one`] over columns.
pub fn recurrence_tail(observed: Expr, mean: Expr) -> Expr {
    rowwise([observed, mean], |[k, mean]| {
        poisson_upper_tail_given_one(k as u64, mean)
    })
}

/// `format` of each value of a f64 column, as text (null stays null).
fn text_of(number: Expr, format: fn(f64) -> String) -> Expr {
    number.map(
        move |column| {
            let text: StringChunked = column
                .f64()?
                .iter()
                .map(|value| value.map(format))
                .collect();
            Ok(text.with_name(column.name().clone()).into_column())
        },
        |_, field| Ok(Field::new(field.name().clone(), DataType::String)),
    )
}

/// A probability as text for evidence sentences: two decimals down to 0.01, then in
/// scientific notation (`3.1e-9`).
pub fn probability_text(probability: Expr) -> Expr {
    text_of(probability, |p| {
        if p >= 0.01 {
            format!("{p:.2}")
        } else {
            format!("{p:.1e}")
        }
    })
}

/// A non-negative number as text with two significant digits (`1.2`, `25`, `0.0082`; below
/// 0.0001 in scientific notation, `2.0e-8`), for evidence sentences.
pub fn number_text(number: Expr) -> Expr {
    text_of(number, |x| {
        if x <= 0.0 || !x.is_finite() {
            return format!("{x}");
        }
        if x < 1e-4 {
            return format!("{x:.1e}");
        }
        let decimals = (1.0 - x.log10().floor()).max(0.0) as usize;
        format!("{x:.decimals$}")
    })
}

/// Whether `p_value` is significant at `significance` divided by the number of rows of the
/// frame it is computed in (the tests made); every row is when `significance` is 1 or more,
/// which turns the comparison with chance off.
pub fn significant(p_value: Expr, significance: f64) -> Expr {
    if significance >= 1.0 {
        return lit(true);
    }
    p_value
        .lt_eq(lit(significance) / len().cast(DataType::Float64))
        .fill_null(lit(false))
}

/// The category a process's awards and bids are compared within: its main procurement
/// category in lower case, `""` when it has none. One row per process with a buyer: `ocid`,
/// `buyer_id`, `buyer_name`, `category`.
pub fn categories(processes: LazyFrame) -> LazyFrame {
    processes.select([
        col(OCID),
        col("buyer_id"),
        col("buyer_name"),
        col("main_procurement_category")
            .str()
            .to_lowercase()
            .fill_null(lit(""))
            .alias("category"),
    ])
}

/// The kind of item of each awarded award: the first `digits` characters of the first
/// classification of its items, else of the tender's items, with the scheme (`ocid`,
/// `award_index`, `class`, and `class_text` for the evidence). Awards with neither are left
/// out, unless `digits` is 0: then every award has the same empty class.
pub fn item_classes(frames: &crate::frames::Frames, digits: u32) -> LazyFrame {
    let awards = frames
        .awards
        .clone()
        .lazy()
        .select([col(OCID), col("award_index")])
        .unique(None, UniqueKeepStrategy::First);
    if digits == 0 {
        return awards.with_columns([lit("").alias("class"), lit("").alias("class_text")]);
    }
    let items = frames
        .items
        .clone()
        .lazy()
        .filter(col("classification_id").is_not_null())
        .with_column(
            concat_str(
                [
                    col("classification_id")
                        .str()
                        .slice(lit(0), lit(u64::from(digits))),
                    col("scheme").fill_null(lit("")),
                ],
                " ",
                false,
            )
            .alias("class"),
        )
        .cache();
    let first = |section: &str, keys: Vec<Expr>| {
        items
            .clone()
            .filter(col("section").eq(lit(section)))
            .group_by_stable(keys)
            .agg([col("class").first()])
    };
    let of_awards = first("award", vec![col(OCID), col("parent_index")]).select([
        col(OCID),
        col("parent_index").alias("award_index"),
        col("class"),
    ]);
    let of_tenders =
        first("tender", vec![col(OCID)]).select([col(OCID), col("class").alias("tender_class")]);
    awards
        .join(
            of_awards,
            [col(OCID), col("award_index")],
            [col(OCID), col("award_index")],
            JoinArgs::new(JoinType::Left),
        )
        .join(
            of_tenders,
            [col(OCID)],
            [col(OCID)],
            JoinArgs::new(JoinType::Left),
        )
        .with_column(col("class").fill_null(col("tender_class")))
        .filter(col("class").is_not_null())
        .select([
            col(OCID),
            col("award_index"),
            col("class"),
            concat_str([lit(" for items classified "), col("class")], "", false)
                .alias("class_text"),
        ])
}

/// The awarded awards (status `active` or none) with a date and a supplier, of `processes`
/// (see [`categories`]), as [`pair_windows`] reads them. With `classification_digits` above 0,
/// an award's category is its kind of item (see [`item_classes`]) where it has one, else its
/// process's main procurement category.
pub fn pair_rows(
    frames: &crate::frames::Frames,
    processes: LazyFrame,
    classification_digits: u32,
) -> LazyFrame {
    let rows = super::awards_of_buyers(
        frames,
        col("date")
            .is_not_null()
            .and(col("supplier_id").is_not_null()),
        processes,
    );
    let rows = if classification_digits == 0 {
        rows
    } else {
        rows.join(
            item_classes(frames, classification_digits),
            [col(OCID), col("award_index")],
            [col(OCID), col("award_index")],
            JoinArgs::new(JoinType::Left),
        )
        .with_column(col("class").fill_null(col("category")).alias("category"))
    };
    rows.select([
        col(OCID),
        col("award_index"),
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

/// The windows of every (buyer, supplier) pair, with the pair's comparison with chance.
///
/// `rows`: one row per award and supplier, with `ocid`, `award_index`, `buyer_id`,
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
    let rows = rows
        .unique_stable(
            Some(cols([OCID, "award_index", "supplier_id"])),
            UniqueKeepStrategy::First,
        )
        .sort(
            ["date", OCID, "award_index"],
            SortMultipleOptions::default(),
        )
        .with_column(lit(1i64).alias("one"))
        .cache();
    let pair = [col("buyer_id"), col("supplier_id")];
    // The supplier's share of the market's awards in each category (an award with several
    // suppliers counts for each of them).
    let awards = rows
        .clone()
        .unique_stable(Some(cols([OCID, "award_index"])), UniqueKeepStrategy::First);
    let market = rows
        .clone()
        .group_by([col("category"), col("supplier_id")])
        .agg([len().alias("in_category")])
        .join(
            awards
                .clone()
                .group_by([col("category")])
                .agg([len().alias("category_awards")]),
            [col("category")],
            [col("category")],
            JoinArgs::new(JoinType::Inner),
        )
        .with_column(
            (col("in_category").cast(DataType::Float64)
                / col("category_awards").cast(DataType::Float64))
            .alias("market_share"),
        );
    let mix = awards
        .group_by([col("buyer_id"), col("category")])
        .agg([len().alias("buyer_in_category")]);
    let pairs = rows
        .clone()
        .group_by(pair.clone())
        .agg([len().alias("pair_awards")]);
    let chance = pairs
        .clone()
        .join(
            mix,
            [col("buyer_id")],
            [col("buyer_id")],
            JoinArgs::new(JoinType::Inner),
        )
        .join(
            market,
            [col("category"), col("supplier_id")],
            [col("category"), col("supplier_id")],
            JoinArgs::new(JoinType::Left),
        )
        .group_by(pair.clone())
        .agg([
            col("pair_awards").first(),
            col("buyer_in_category").sum().alias("buyer_total"),
            (col("buyer_in_category").cast(DataType::Float64)
                * col("market_share").fill_null(lit(0.0)))
            .sum()
            .alias("expected"),
        ])
        .with_column(
            binomial_tail(
                col("pair_awards"),
                col("buyer_total"),
                col("expected") / col("buyer_total").cast(DataType::Float64),
            )
            .alias("p_value"),
        );
    let window = days_window(test.window_days);
    let rolling_sum = |expr: Expr, by: &[&str]| -> PolarsResult<Expr> {
        expr.rolling_sum_by(col("date"), window.clone())
            .over(by.iter().map(|name| col(*name)).collect::<Vec<_>>())
    };
    let buyer_windows = rows
        .clone()
        .unique_stable(Some(cols([OCID, "award_index"])), UniqueKeepStrategy::First)
        .select([
            col(OCID),
            col("award_index"),
            rolling_sum(col("one"), &["buyer_id"])?.alias("buyer_awards"),
            rolling_sum(col("amount"), &["buyer_id", "currency"])?.alias("buyer_value"),
        ]);
    let windows = rows
        .with_columns([
            rolling_sum(col("one"), &["buyer_id", "supplier_id"])?.alias("awards"),
            rolling_sum(col("amount"), &["buyer_id", "supplier_id", "currency"])?.alias("value"),
        ])
        .join(
            buyer_windows,
            [col(OCID), col("award_index")],
            [col(OCID), col("award_index")],
            JoinArgs::new(JoinType::Left),
        )
        .with_columns([
            (col("awards").cast(DataType::Float64) / col("buyer_awards").cast(DataType::Float64))
                .alias("count_share"),
            when(col("buyer_value").gt(lit(0.0)))
                .then(col("value") / col("buyer_value"))
                .otherwise(lit(NULL).cast(DataType::Float64))
                .alias("value_share"),
        ])
        .with_column(
            polars::lazy::dsl::max_horizontal([col("count_share"), col("value_share")])?
                .alias("share"),
        )
        .with_column(
            col("awards")
                .gt_eq(lit(test.minimum_awards))
                .and(col("share").gt_eq(lit(test.minimum_share)))
                .alias("qualifies"),
        )
        .cache();
    // The pairs tested: those with a qualifying window.
    let tested = windows
        .clone()
        .filter(col("qualifies"))
        .select(pair.clone())
        .unique(None, UniqueKeepStrategy::First)
        .join(
            chance,
            pair.clone(),
            pair.clone(),
            JoinArgs::new(JoinType::Inner),
        )
        .with_column(significant(col("p_value"), test.significance).alias("significant"));
    Ok(windows
        .join(tested, pair.clone(), pair, JoinArgs::new(JoinType::Left))
        .with_column(
            col("qualifies")
                .and(col("significant").fill_null(lit(false)))
                .alias("flagged"),
        ))
}

/// The evidence of a pair's comparison with chance: `over all the data, 16 of the buyer's 20
/// awards, where its share of the market's awards in the same categories would give 1.3
/// (p = 2.4e-12)`; `what` names the awards counted.
pub fn pair_chance_evidence(what: &str) -> Expr {
    concat_str(
        [
            lit("over all the data, "),
            col("pair_awards").cast(DataType::String),
            lit(" of the buyer's "),
            col("buyer_total").cast(DataType::String),
            lit(format!(
                " {what}, where its share of the market's {what} in the same categories would give "
            )),
            number_text(col("expected").cast(DataType::Float64)),
            lit(" (p = "),
            probability_text(col("p_value")),
            lit(")"),
        ],
        "",
        false,
    )
}

/// The outcome of a (buyer, supplier) indicator: every process in `windows` (with `ocid`,
/// `buyer_id`, `supplier_id`) is assessed, and flagged when one of its pairs is in `pairs`
/// (`buyer_id`, `supplier_id`, `value`, [`EVIDENCE`]), described by its pair of largest
/// `value`; each flagged pair's buyer and supplier get an organization row.
pub fn pair_outcome(
    windows: LazyFrame,
    pairs: LazyFrame,
    value: &str,
) -> PolarsResult<super::Outcome> {
    let pairs = pairs.cache();
    let per_process = windows
        .select([col(OCID), col("buyer_id"), col("supplier_id")])
        .unique_stable(None, UniqueKeepStrategy::First)
        .join(
            pairs.clone(),
            [col("buyer_id"), col("supplier_id")],
            [col("buyer_id"), col("supplier_id")],
            JoinArgs::new(JoinType::Left),
        )
        .sort(
            [OCID, value, "supplier_id"],
            SortMultipleOptions::default()
                .with_order_descending_multi([false, true, false])
                .with_nulls_last(true),
        )
        .group_by_stable([col(OCID)])
        .agg([col(value).first(), col(EVIDENCE).first()]);
    let processes = process_rows(
        per_process,
        col(value).is_not_null(),
        col(value),
        col(EVIDENCE),
    )?;
    let organizations = pair_organizations(pairs, value)?;
    Ok(super::Outcome {
        processes,
        organizations,
        meta: Vec::new(),
    })
}

/// How often each set of tenderers meets, against chance.
///
/// `tenderers`: the distinct tenderers of each process (`ocid`, `tenderer_id`, `category`,
/// and the `keys`); `sets`: each process's set (`ocid`, `size`, `set`, and the `keys`). A set
/// is counted within its `keys` (none: the whole market; `buyer_id`: each buyer).
///
/// Each tenderer's rate in a category is its share of the category's tenderer places (one per
/// process and tenderer). A process of `r` tenderers in the category draws exactly the set `S`
/// with a probability of at most `r! · Π qᵢ / (1 − Σ qᵢ)^(r−1)` (drawing without
/// replacement, each draw from what the earlier ones left), capped at 1; `expected` is that
/// probability summed over the processes of `r` tenderers in each category within the keys.
/// `p_value`: given that the set met once, the Poisson probability that it meets at least
/// `meetings` times; `significant` against `significance` divided by the number of sets seen.
/// One row per keys and set: the keys, `set`, `meetings`, `expected`, `p_value`,
/// `significant`.
pub fn set_meetings(
    tenderers: LazyFrame,
    sets: LazyFrame,
    keys: &[&str],
    significance: f64,
) -> PolarsResult<LazyFrame> {
    let keys: Vec<Expr> = keys.iter().map(|key| col(*key)).collect();
    let with_keys = |extra: &[&str]| {
        let mut all = keys.clone();
        all.extend(extra.iter().map(|name| col(*name)));
        all
    };
    let tenderers = tenderers.cache();
    let rates = tenderers
        .clone()
        .group_by([col("category"), col("tenderer_id")])
        .agg([len().alias("places")])
        .with_column(
            (col("places").cast(DataType::Float64)
                / col("places")
                    .sum()
                    .over([col("category")])?
                    .cast(DataType::Float64))
            .alias("rate"),
        );
    // Processes of each size in each category, within the keys.
    let mut process_keys = vec![col("category").first(), len().alias("size")];
    process_keys.extend(keys.iter().map(|key| key.clone().first()));
    let opportunities = tenderers
        .clone()
        .group_by([col(OCID)])
        .agg(process_keys)
        .group_by(with_keys(&["category", "size"]))
        .agg([len().alias("opportunities")]);
    let seen = sets
        .clone()
        .group_by(with_keys(&["set"]))
        .agg([len().alias("meetings"), col("size").first()]);
    // The chance that a process of the set's size in a category draws exactly the set.
    let members = sets
        .select([col(OCID), col("set"), col("size")])
        .join(
            tenderers.select([col(OCID), col("tenderer_id")]),
            [col(OCID)],
            [col(OCID)],
            JoinArgs::new(JoinType::Inner),
        )
        .select([col("set"), col("size"), col("tenderer_id")])
        .unique(None, UniqueKeepStrategy::First);
    let draw = members
        .join(
            rates,
            [col("tenderer_id")],
            [col("tenderer_id")],
            JoinArgs::new(JoinType::Inner),
        )
        .group_by([col("set"), col("category")])
        .agg([
            col("size").first(),
            len().alias("present"),
            col("rate")
                .log(lit(std::f64::consts::E))
                .sum()
                .alias("log_rates"),
            col("rate").sum().alias("total_rate"),
        ])
        .filter(col("present").eq(col("size").cast(DataType::UInt32)))
        .with_column(
            when(col("total_rate").gt_eq(lit(1.0)))
                .then(lit(1.0))
                .otherwise(
                    (rowwise([col("size")], |[size]| ln_factorial(size as u64)) + col("log_rates")
                        - (col("size").cast(DataType::Float64) - lit(1.0))
                            * (lit(1.0) - col("total_rate")).log(lit(std::f64::consts::E)))
                    .exp()
                    .clip_max(lit(1.0)),
                )
                .alias("draw"),
        )
        .select([col("set"), col("category"), col("draw")]);
    let expected = seen
        .clone()
        .select(with_keys(&["set", "size"]))
        .join(
            draw,
            [col("set")],
            [col("set")],
            JoinArgs::new(JoinType::Inner),
        )
        .join(
            opportunities,
            with_keys(&["category", "size"]),
            with_keys(&["category", "size"]),
            JoinArgs::new(JoinType::Inner),
        )
        .group_by(with_keys(&["set"]))
        .agg(
            [(col("draw") * col("opportunities").cast(DataType::Float64))
                .sum()
                .alias("expected")],
        );
    Ok(seen
        .join(
            expected,
            with_keys(&["set"]),
            with_keys(&["set"]),
            JoinArgs::new(JoinType::Left),
        )
        .with_column(col("expected").fill_null(lit(0.0)))
        .with_column(recurrence_tail(col("meetings"), col("expected")).alias("p_value"))
        .with_column(significant(col("p_value"), significance).alias("significant"))
        .select(with_keys(&[
            "set",
            "meetings",
            "expected",
            "p_value",
            "significant",
        ])))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tails() {
        // All 6 of 6 with a 10% chance each: 1e-6.
        assert!((binomial_upper_tail(6, 6, 0.1) - 1e-6).abs() < 1e-12);
        // 3 or more of 4 with even chances: 5 of 16.
        assert!((binomial_upper_tail(3, 4, 0.5) - 5.0 / 16.0).abs() < 1e-12);
        assert_eq!(binomial_upper_tail(0, 4, 0.5), 1.0);
        assert_eq!(binomial_upper_tail(5, 4, 0.5), 0.0);
        // Seen once with a mean of 0.01: twice is about 0.5%.
        let twice = poisson_upper_tail_given_one(2, 0.01);
        assert!((twice - 0.004983).abs() < 1e-5, "{twice}");
        assert_eq!(poisson_upper_tail_given_one(1, 0.01), 1.0);
    }

    #[test]
    fn texts() {
        let numbers =
            df!("x" => [Some(1.234), Some(25.4), Some(0.00823), Some(2e-8), Some(0.0), None])
                .unwrap()
                .lazy()
                .select([
                    number_text(col("x")).alias("number"),
                    probability_text(col("x")).alias("probability"),
                ])
                .collect()
                .unwrap();
        let text = |name: &str| -> Vec<Option<String>> {
            let column = numbers.column(name).unwrap().str().unwrap().clone();
            column
                .iter()
                .map(|value| value.map(str::to_owned))
                .collect()
        };
        let some = |values: [&str; 5]| {
            let mut all: Vec<Option<String>> = values
                .iter()
                .map(|value| Some((*value).to_owned()))
                .collect();
            all.push(None);
            all
        };
        assert_eq!(text("number"), some(["1.2", "25", "0.0082", "2.0e-8", "0"]));
        assert_eq!(
            text("probability"),
            some(["1.23", "25.40", "8.2e-3", "2.0e-8", "0.0e0"])
        );
    }
}
