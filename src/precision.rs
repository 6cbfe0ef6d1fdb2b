//! Precision from the analysts' verdicts: per indicator, the share of its reviewed flags that
//! were confirmed, `confirmed / (confirmed + false_positive)` (a flag under review or not
//! reviewed does not count), with its Wilson score interval at 95%,
//!
//! ```text
//! (p + z²/2n ± z·√(p(1−p)/n + z²/4n²)) / (1 + z²/n),   z = 1.96
//! ```
//!
//! which stays within 0–1 and is usable on the few flags a team reviews. Only the verdicts on
//! flags this run raises count: the precision of the indicator as it is set now.

use std::fmt::Write as _;

use serde::Serialize;

use crate::score::Term;

/// The normal quantile of a 95% interval.
const Z: f64 = 1.959_963_984_540_054;

/// One indicator's precision.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Precision {
    /// The indicator.
    pub indicator: String,
    /// Its raised flags reviewed as confirmed or false positive.
    pub reviewed: u64,
    /// Of which confirmed.
    pub confirmed: u64,
    /// Of which false positives.
    pub false_positive: u64,
    /// Its raised flags under review (not counted).
    pub under_review: u64,
    /// `confirmed / reviewed` (none when nothing was reviewed).
    pub precision: Option<f64>,
    /// The lower end of its 95% Wilson interval.
    pub ci_low: Option<f64>,
    /// The upper end.
    pub ci_high: Option<f64>,
}

impl Precision {
    /// The precision of an indicator from its counts.
    pub fn new(indicator: &str, confirmed: u64, false_positive: u64, under_review: u64) -> Self {
        let reviewed = confirmed + false_positive;
        let interval = wilson(confirmed, reviewed);
        Precision {
            indicator: indicator.to_owned(),
            reviewed,
            confirmed,
            false_positive,
            under_review,
            precision: (reviewed > 0).then(|| round4(confirmed as f64 / reviewed as f64)),
            ci_low: interval.map(|(low, _)| round4(low)),
            ci_high: interval.map(|(_, high)| round4(high)),
        }
    }
}

fn round4(value: f64) -> f64 {
    (value * 10_000.0).round() / 10_000.0
}

/// The 95% Wilson score interval of `successes` out of `trials` (none without trials).
pub fn wilson(successes: u64, trials: u64) -> Option<(f64, f64)> {
    if trials == 0 {
        return None;
    }
    let n = trials as f64;
    let p = successes as f64 / n;
    let z2 = Z * Z;
    let centre = p + z2 / (2.0 * n);
    let spread = Z * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    let denominator = 1.0 + z2 / n;
    Some((
        ((centre - spread) / denominator).max(0.0),
        ((centre + spread) / denominator).min(1.0),
    ))
}

/// The strengths `weights` (as the validity check gives them) with each indicator that has at
/// least `min_reviewed` reviewed flags given the lower end of its precision's interval (the
/// chance that one of its flags is real, taken cautiously), and the terms so weighted.
pub fn weights(
    terms: &[Term],
    weights: &[f64],
    precision: &[Precision],
    min_reviewed: u32,
) -> (Vec<f64>, Vec<String>) {
    let mut from_verdicts = Vec::new();
    let weights = terms
        .iter()
        .zip(weights)
        .map(|(term, weight)| {
            let reviewed = precision
                .iter()
                .find(|p| !term.organization && p.indicator == term.indicator && p.reviewed > 0);
            match reviewed {
                Some(p) if p.reviewed >= u64::from(min_reviewed) => {
                    from_verdicts.push(term.column.clone());
                    p.ci_low.unwrap_or(0.0)
                }
                _ => *weight,
            }
        })
        .collect();
    (weights, from_verdicts)
}

/// The precision as a table to read in a terminal, beside the validity check.
pub fn report(
    precision: &[Precision],
    from_verdicts: &[String],
    min_reviewed: u32,
    translator: &crate::sentences::Translator,
) -> String {
    let t = |english: &str| translator.sentence(english);
    let mut out = String::new();
    if precision
        .iter()
        .all(|p| p.reviewed == 0 && p.under_review == 0)
    {
        return out;
    }
    let _ = writeln!(
        out,
        "\n{}\n",
        t(
            "Precision from the analysts' verdicts: the share of each indicator's reviewed flags \
           that were confirmed (confirmed / (confirmed + false positive); under review does not \
           count), with its 95% Wilson interval."
        )
    );
    let _ = writeln!(
        out,
        "{:<46} {:>8} {:>9} {:>14} {:>12} {:>9} {:>15}",
        t("indicator"),
        t("reviewed"),
        t("confirmed"),
        t("false positive"),
        t("under review"),
        t("precision"),
        t("interval")
    );
    for p in precision
        .iter()
        .filter(|p| p.reviewed > 0 || p.under_review > 0)
    {
        let number = |value: Option<f64>| value.map_or_else(|| "–".to_owned(), |v| v.to_string());
        let interval = match (p.ci_low, p.ci_high) {
            (Some(low), Some(high)) => format!("{low} – {high}"),
            _ => "–".to_owned(),
        };
        let _ = writeln!(
            out,
            "{:<46} {:>8} {:>9} {:>14} {:>12} {:>9} {:>15}",
            p.indicator,
            p.reviewed,
            p.confirmed,
            p.false_positive,
            p.under_review,
            number(p.precision),
            interval
        );
    }
    if !from_verdicts.is_empty() {
        let _ = writeln!(
            out,
            "\n{}",
            t(&format!(
                "Weights from the verdicts (at least {min_reviewed} reviewed flags: the lower end \
                 of the interval): {}",
                from_verdicts.join(", ")
            ))
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_matches_known_intervals() {
        // 18 of 20: 0.6990 – 0.9721 (Wilson, z = 1.96).
        let (low, high) = wilson(18, 20).unwrap();
        assert!((low - 0.6990).abs() < 1e-4, "{low}");
        assert!((high - 0.9721).abs() < 1e-4, "{high}");
        // Every flag confirmed: the upper end is 1, the lower below it.
        let (low, high) = wilson(5, 5).unwrap();
        assert!(
            (high - 1.0).abs() < 1e-12 && (low - 0.5655).abs() < 1e-4,
            "{low}"
        );
        assert_eq!(wilson(0, 0), None);
        let none = Precision::new("single_bid", 0, 0, 3);
        assert_eq!((none.precision, none.ci_low), (None, None));
    }
}
