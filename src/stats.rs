//! Quartiles and fences shared by the indicators that look for outliers.
//!
//! Quartiles are statrs's order statistics (`Data::lower_quartile`, `upper_quartile`), the
//! same estimator Cardinal uses, so that fences agree with Cardinal's.

use polars::prelude::{Expr, lit};
use statrs::statistics::{Data, OrderStatistics};

/// The quartiles of a set of values and Tukey's fences.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fences {
    /// The first quartile.
    pub q1: f64,
    /// The third quartile.
    pub q3: f64,
    /// `q1 − 1.5 × (q3 − q1)`.
    pub lower: f64,
    /// `q3 + 1.5 × (q3 − q1)`.
    pub upper: f64,
}

impl Fences {
    /// The fences of `values`; none for an empty set or one with a value that is not finite.
    pub fn of(values: &[f64]) -> Option<Fences> {
        if values.is_empty() || values.iter().any(|value| !value.is_finite()) {
            return None;
        }
        let mut data = Data::new(values.to_vec());
        let q1 = data.lower_quartile();
        let q3 = data.upper_quartile();
        let range = q3 - q1;
        Some(Fences {
            q1,
            q3,
            lower: range.mul_add(-1.5, q1),
            upper: range.mul_add(1.5, q3),
        })
    }
}

impl Fences {
    /// Whether `value` (an expression) is a low outlier: at or below `fence`, and, when the
    /// fence was computed (`computed`), strictly below Q1, so that a set with no spread
    /// (Q1 = Q3) does not make every value an outlier.
    pub fn low(
        value: polars::prelude::Expr,
        fence: f64,
        fences: Option<Fences>,
    ) -> polars::prelude::Expr {
        use polars::prelude::lit;
        let at_fence = value.clone().lt_eq(lit(fence));
        match fences {
            Some(fences) => at_fence.and(value.lt(lit(fences.q1))),
            None => at_fence,
        }
    }

    /// Whether `value` is a high outlier: at or above `fence`, and strictly above Q3 when the
    /// fence was computed (see [`Fences::low`]).
    pub fn high(
        value: polars::prelude::Expr,
        fence: f64,
        fences: Option<Fences>,
    ) -> polars::prelude::Expr {
        use polars::prelude::lit;
        let at_fence = value.clone().gt_eq(lit(fence));
        match fences {
            Some(fences) => at_fence.and(value.gt(lit(fences.q3))),
            None => at_fence,
        }
    }
}

/// How an indicator compares values with its fence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// This tool's method: a computed fence also needs the value strictly beyond the
    /// quartile ([`Fences::low`], [`Fences::high`]).
    Documented,
    /// Cardinal's code: at or beyond the fence, and nothing is flagged unless the fence (and,
    /// for a computed lower fence, Q1) is above zero where `positive` says so.
    Cardinal {
        /// Whether a fence at or below zero flags nothing.
        positive: bool,
    },
}

impl Rule {
    /// The rule of an indicator whose `cardinal` setting is `cardinal`, with Cardinal's
    /// guard on positive fences where `positive`.
    pub fn of(cardinal: bool, positive: bool) -> Rule {
        if cardinal {
            Rule::Cardinal { positive }
        } else {
            Rule::Documented
        }
    }

    /// Whether `value` is a low outlier against `fence` (`fences` when it was computed).
    pub fn low(self, value: Expr, fence: f64, fences: Option<Fences>) -> Expr {
        match self {
            Rule::Documented => Fences::low(value, fence, fences),
            Rule::Cardinal { positive } => {
                let q1 = fences.map_or(1.0, |f| f.q1);
                if positive && !(above_zero(q1) && above_zero(fence)) {
                    lit(false)
                } else {
                    value.lt_eq(lit(fence))
                }
            }
        }
    }

    /// Whether `value` is a high outlier against `fence` (`fences` when it was computed).
    pub fn high(self, value: Expr, fence: f64, fences: Option<Fences>) -> Expr {
        match self {
            Rule::Documented => Fences::high(value, fence, fences),
            Rule::Cardinal { positive } => {
                if positive && !above_zero(fence) {
                    lit(false)
                } else {
                    value.gt_eq(lit(fence))
                }
            }
        }
    }
}

/// Whether a statistic is above zero (NaN is not).
fn above_zero(value: f64) -> bool {
    value > 0.0
}

/// The `percentile`-th percentile (0–100) of `values` by statrs's order statistics; none for an
/// empty set.
pub fn percentile(values: &[f64], percentile: usize) -> Option<f64> {
    if values.is_empty() || values.iter().any(|value| !value.is_finite()) {
        return None;
    }
    Some(Data::new(values.to_vec()).percentile(percentile.min(100)))
}

/// The statistics a flag was decided by, named as Cardinal's `Meta` names them: `q1` and `q3`
/// when the fence was computed (not set by a threshold), then the fence (`lower_fence` or
/// `upper_fence`); each name after `prefix` (`Buyer_`, ... where several groups are fenced).
/// A statistic that could not be computed (nothing measured) is listed as NaN, which
/// Cardinal's JSON writes as `null`.
pub fn meta(
    prefix: &str,
    fences: Option<Fences>,
    computed: bool,
    fence_name: &str,
    fence: Option<f64>,
) -> Vec<(String, f64)> {
    let mut meta = Vec::new();
    if computed {
        meta.push((format!("{prefix}q1"), fences.map_or(f64::NAN, |f| f.q1)));
        meta.push((format!("{prefix}q3"), fences.map_or(f64::NAN, |f| f.q3)));
    }
    meta.push((format!("{prefix}{fence_name}"), fence.unwrap_or(f64::NAN)));
    meta
}

/// A number rounded to four decimals, as fences are reported.
pub fn round4(value: f64) -> f64 {
    (value * 10_000.0).round() / 10_000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quartiles_of_a_known_set() {
        // statrs's estimator is Hyndman and Fan's type 8: h = (n + 1/3)·p + 1/3, so for 1..=8
        // the quartiles are at h = 2.4167 and 6.5833.
        let values: Vec<f64> = (1..=8).rev().map(f64::from).collect();
        let fences = Fences::of(&values).unwrap();
        assert_eq!(round4(fences.q1), 2.4167);
        assert_eq!(round4(fences.q3), 6.5833);
        let (q1, q3) = (29.0 / 12.0, 79.0 / 12.0);
        assert!((fences.lower - (q1 - 1.5 * (q3 - q1))).abs() < 1e-12);
        assert!((fences.upper - (q3 + 1.5 * (q3 - q1))).abs() < 1e-12);
        assert!(Fences::of(&[]).is_none());
        assert!(Fences::of(&[1.0, f64::NAN]).is_none());
    }
}
