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

use super::PROCESS;

mod pairs;
mod sets;

pub(crate) use pairs::pair_fields;
pub use pairs::{PairTest, described_pairs, pair_evidence, pair_outcome, pair_rows, pair_windows};
pub use sets::set_meetings;

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
/// category in lower case, `""` when it has none. One row per process with a buyer: `process`,
/// `buyer_id`, `buyer_name`, `category`.
pub fn categories(processes: LazyFrame) -> LazyFrame {
    processes.select([
        col(PROCESS),
        col("buyer_id"),
        col("buyer_name"),
        crate::frames::lowercase("main_procurement_category")
            .fill_null(lit(""))
            .alias("category"),
    ])
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
}
