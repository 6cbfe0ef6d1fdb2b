//! The validity check of the indicators on the user's own data.
//!
//! Following the Government Transparency Institute's method, a red flag is a valid proxy of
//! corruption risk when it predicts restricted competition. For each term of the score (see
//! [`crate::score`]), among the *competitive* processes (those `single_bid` could assess) that
//! the term could also assess, the 2×2 table of "term raised" × "single bid" gives:
//!
//! - the odds ratio `(a·d)/(b·c)`, with 0.5 added to every cell when one is 0
//!   (Haldane–Anscombe), and its confidence interval `exp(ln OR ± z·SE)`,
//!   `SE = √(1/a + 1/b + 1/c + 1/d)` (Woolf), at the level `1 − significance` (95% by default,
//!   `z = 1.96`);
//! - the two-sided p-value of Fisher's exact test (the hypergeometric probabilities of every
//!   table with the same margins that is at most as likely as the one observed).
//!
//! A term *predicts* single bidding when its p-value is below the significance level and its
//! whole confidence interval is above 1 (the exact test and the interval agree). With `weights = "validated"`, a predicting term's strength
//! is `1 − 1/OR` at the lower end of the interval; the others get 0, and `single_bid` (the
//! outcome itself) keeps its configured strength.
//!
//! The correlation between two terms is the phi coefficient (Pearson's correlation of two 0/1
//! variables) over the processes both could assess.

use polars::prelude::*;
use serde::Serialize;
use statrs::distribution::{ContinuousCDF, Discrete, Hypergeometric, Normal};

use std::fmt::Write as _;

use crate::score::{Scored, Term};
use crate::sentences::Translator;

/// The outcome the terms are checked against.
pub const OUTCOME: &str = "single_bid";

/// One term's check.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TermCheck {
    /// The term's column (`repeat_winner`, `repeat_winner_org`).
    pub term: String,
    /// The indicator.
    pub indicator: String,
    /// `process` or `organization`.
    pub level: String,
    /// The group it counts in.
    pub group: String,
    /// Processes it could assess.
    pub assessable: u64,
    /// Processes it raised.
    pub flagged: u64,
    /// Processes that both it and `single_bid` could assess.
    pub competitive: u64,
    /// Raised, with a single bid.
    pub flagged_single_bid: u64,
    /// Raised, with more than one bid.
    pub flagged_competed: u64,
    /// Not raised, with a single bid.
    pub clear_single_bid: u64,
    /// Not raised, with more than one bid.
    pub clear_competed: u64,
    /// The odds ratio (empty when a margin of the table is 0: nothing to compare).
    pub odds_ratio: Option<f64>,
    /// The lower end of its confidence interval (95% at the default significance of 0.05).
    pub ci_low: Option<f64>,
    /// The upper end.
    pub ci_high: Option<f64>,
    /// Fisher's exact test, two-sided.
    pub p_value: Option<f64>,
    /// Whether it predicts single bidding (odds ratio above 1, p-value below the significance).
    pub predicts: bool,
}

/// The correlation of two terms.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Correlation {
    /// The first term.
    pub a: String,
    /// The second term.
    pub b: String,
    /// The processes both could assess.
    pub processes: u64,
    /// The phi coefficient.
    pub phi: f64,
}

/// The whole check.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Validation {
    /// The outcome: `single_bid`.
    pub outcome: &'static str,
    /// The significance level.
    pub significance: f64,
    /// Competitive processes (those `single_bid` could assess).
    pub competitive: u64,
    /// Of which with a single bid.
    pub single_bid: u64,
    /// One check per term but the outcome's, in the order of the terms.
    pub terms: Vec<TermCheck>,
    /// Every pair of terms whose correlation is defined.
    pub correlations: Vec<Correlation>,
}

/// A term's column as two bit sets: the processes it could assess, and those it raised.
struct Bits {
    assessable: Vec<u64>,
    flagged: Vec<u64>,
}

impl Bits {
    fn of(column: &Column) -> PolarsResult<Bits> {
        let values = column.cast(&DataType::Int8)?;
        let values = values.i8()?;
        let words = values.len().div_ceil(64);
        let mut bits = Bits {
            assessable: vec![0; words],
            flagged: vec![0; words],
        };
        for (row, value) in values.iter().enumerate() {
            if let Some(value) = value {
                bits.assessable[row / 64] |= 1 << (row % 64);
                if value == 1 {
                    bits.flagged[row / 64] |= 1 << (row % 64);
                }
            }
        }
        Ok(bits)
    }
}

/// How many bits two sets share.
fn both(a: &[u64], b: &[u64]) -> u64 {
    a.iter()
        .zip(b)
        .map(|(x, y)| u64::from((x & y).count_ones()))
        .sum()
}

/// How many bits a set has.
fn count(a: &[u64]) -> u64 {
    a.iter().map(|x| u64::from(x.count_ones())).sum()
}

/// Checks every term against single bidding; none when `single_bid` is not among the terms.
pub fn validate(
    table: &DataFrame,
    terms: &[Term],
    significance: f64,
) -> PolarsResult<Option<Validation>> {
    let Some(outcome) = terms
        .iter()
        .position(|term| !term.organization && term.indicator == OUTCOME)
    else {
        return Ok(None);
    };
    let bits: Vec<Bits> = terms
        .iter()
        .map(|term| Bits::of(table.column(&term.column)?))
        .collect::<PolarsResult<_>>()?;
    let single = &bits[outcome];
    let checks = terms
        .iter()
        .zip(&bits)
        .enumerate()
        .filter(|(position, _)| *position != outcome)
        .map(|(_, (term, term_bits))| check(term, term_bits, single, significance))
        .collect();
    let mut correlations = Vec::new();
    for (i, first) in terms.iter().enumerate() {
        for (j, second) in terms.iter().enumerate().skip(i + 1) {
            if let Some((processes, phi)) = phi(&bits[i], &bits[j]) {
                correlations.push(Correlation {
                    a: first.column.clone(),
                    b: second.column.clone(),
                    processes,
                    phi: round4(phi),
                });
            }
        }
    }
    Ok(Some(Validation {
        outcome: OUTCOME,
        significance,
        competitive: count(&single.assessable),
        single_bid: count(&single.flagged),
        terms: checks,
        correlations,
    }))
}

fn round4(value: f64) -> f64 {
    (value * 10_000.0).round() / 10_000.0
}

/// Rounds to 6 significant digits (p-values span many orders of magnitude).
fn significant(value: f64) -> f64 {
    if value == 0.0 || !value.is_finite() {
        return value;
    }
    let digits = 5 - value.abs().log10().floor() as i32;
    let scale = 10f64.powi(digits);
    (value * scale).round() / scale
}

fn check(term: &Term, bits: &Bits, single: &Bits, significance: f64) -> TermCheck {
    let competitive = both(&bits.assessable, &single.assessable);
    let a = both(&bits.flagged, &single.flagged);
    let b = both(&bits.flagged, &single.assessable) - a;
    let c = both(&bits.assessable, &single.flagged) - a;
    let d = competitive - a - b - c;
    let (odds_ratio, ci_low, ci_high, p_value) = match odds_ratio(a, b, c, d, significance) {
        Some((ratio, low, high)) => (
            Some(significant(ratio)),
            Some(significant(low)),
            Some(significant(high)),
            Some(significant(fisher(a, b, c, d))),
        ),
        None => (None, None, None, None),
    };
    // Both the exact test and the interval must agree.
    let predicts = ci_low.is_some_and(|low| low > 1.0) && p_value.is_some_and(|p| p < significance);
    TermCheck {
        term: term.column.clone(),
        indicator: term.indicator.to_owned(),
        level: term.level().to_owned(),
        group: term
            .group
            .map(|group| group.name())
            .unwrap_or("")
            .to_owned(),
        assessable: count(&bits.assessable),
        flagged: count(&bits.flagged),
        competitive,
        flagged_single_bid: a,
        flagged_competed: b,
        clear_single_bid: c,
        clear_competed: d,
        odds_ratio,
        ci_low,
        ci_high,
        p_value,
        predicts,
    }
}

/// The odds ratio of a 2×2 table and its confidence interval at `1 − significance`; none when a
/// margin is 0 (the term never or always raised, or single bids never or always seen).
fn odds_ratio(a: u64, b: u64, c: u64, d: u64, significance: f64) -> Option<(f64, f64, f64)> {
    if a + b == 0 || c + d == 0 || a + c == 0 || b + d == 0 {
        return None;
    }
    let correction = if a == 0 || b == 0 || c == 0 || d == 0 {
        0.5
    } else {
        0.0
    };
    let [a, b, c, d] = [a, b, c, d].map(|cell| cell as f64 + correction);
    let log_ratio = (a * d / (b * c)).ln();
    let error = (1.0 / a + 1.0 / b + 1.0 / c + 1.0 / d).sqrt();
    let z = Normal::standard().inverse_cdf(1.0 - significance / 2.0);
    Some((
        log_ratio.exp(),
        (log_ratio - z * error).exp(),
        (log_ratio + z * error).exp(),
    ))
}

/// Fisher's exact test, two-sided: the probability, with the margins fixed, of a table at most
/// as likely as the one observed. The hypergeometric probabilities are walked outwards from
/// the mode with their ratio recurrence; each tail stops once its terms no longer matter.
fn fisher(a: u64, b: u64, c: u64, d: u64) -> f64 {
    let population = a + b + c + d;
    let successes = a + c;
    let draws = a + b;
    let Ok(distribution) = Hypergeometric::new(population, successes, draws) else {
        return 1.0;
    };
    let low = draws.saturating_sub(population - successes);
    let high = successes.min(draws);
    let observed = distribution.ln_pmf(a);
    let tolerance = 1e-7;
    let mode = (((draws + 1) as f64 * (successes + 1) as f64 / (population + 2) as f64).floor()
        as u64)
        .clamp(low, high);
    let at_mode = distribution.ln_pmf(mode);
    // ln P(x+1) − ln P(x).
    let step_up = |x: u64| {
        let x = x as f64;
        let (n, k, m) = (population as f64, successes as f64, draws as f64);
        ((k - x) * (m - x) / ((x + 1.0) * (n - k - m + x + 1.0))).ln()
    };
    let mut total = 0.0;
    let mut add = |ln_p: f64| {
        if ln_p <= observed + tolerance * observed.abs().max(1.0) {
            total += (ln_p - observed).exp();
        }
    };
    add(at_mode);
    // Upwards.
    let mut ln_p = at_mode;
    let mut x = mode;
    while x < high {
        ln_p += step_up(x);
        x += 1;
        add(ln_p);
        if ln_p < observed - 40.0 {
            break;
        }
    }
    // Downwards.
    let mut ln_p = at_mode;
    let mut x = mode;
    while x > low {
        x -= 1;
        ln_p -= step_up(x);
        add(ln_p);
        if ln_p < observed - 40.0 {
            break;
        }
    }
    (total * observed.exp()).min(1.0)
}

/// The phi coefficient of two terms over the processes both could assess, with their number;
/// none when either term is constant there.
fn phi(first: &Bits, second: &Bits) -> Option<(u64, f64)> {
    let together: Vec<u64> = first
        .assessable
        .iter()
        .zip(&second.assessable)
        .map(|(x, y)| x & y)
        .collect();
    let n = count(&together) as f64;
    let x = both(&first.flagged, &together) as f64;
    let y = both(&second.flagged, &together) as f64;
    let xy = both(&first.flagged, &second.flagged) as f64;
    let spread = x * (n - x) * y * (n - y);
    if spread <= 0.0 {
        return None;
    }
    Some((n as u64, (n * xy - x * y) / spread.sqrt()))
}

impl Validation {
    /// The strengths the check gives to `terms`: `single_bid` keeps its configured strength;
    /// a process term that predicts single bidding gets `1 − 1/OR` at the lower end of its
    /// odds ratio's interval (the share of the flagged processes' odds of a single bid in
    /// excess of the others', taken cautiously); the organization term keeps its configured
    /// strength when it predicts; any other term gets 0.
    pub fn weights(&self, terms: &[Term]) -> Vec<f64> {
        terms
            .iter()
            .map(|term| {
                if !term.organization && term.indicator == OUTCOME {
                    return term.weight;
                }
                let check = self
                    .terms
                    .iter()
                    .find(|check| check.term == term.column)
                    .filter(|check| check.predicts);
                match check.and_then(|check| check.ci_low) {
                    Some(_) if term.organization => term.weight,
                    Some(low) if low > 1.0 => round4(1.0 - 1.0 / low),
                    _ => 0.0,
                }
            })
            .collect()
    }

    /// One row per term check, with the weight each term has in the score.
    pub fn terms_frame(&self, scored: &Scored) -> PolarsResult<DataFrame> {
        let rows = &self.terms;
        let text = |f: fn(&TermCheck) -> &str| rows.iter().map(f).collect::<Vec<_>>();
        let number = |f: fn(&TermCheck) -> u64| rows.iter().map(f).collect::<Vec<_>>();
        let decimal = |f: fn(&TermCheck) -> Option<f64>| rows.iter().map(f).collect::<Vec<_>>();
        df!(
            "term" => text(|r| &r.term),
            "indicator" => text(|r| &r.indicator),
            "level" => text(|r| &r.level),
            "group" => text(|r| &r.group),
            "assessable" => number(|r| r.assessable),
            "flagged" => number(|r| r.flagged),
            "competitive" => number(|r| r.competitive),
            "flagged_single_bid" => number(|r| r.flagged_single_bid),
            "flagged_competed" => number(|r| r.flagged_competed),
            "clear_single_bid" => number(|r| r.clear_single_bid),
            "clear_competed" => number(|r| r.clear_competed),
            "odds_ratio" => decimal(|r| r.odds_ratio),
            "ci_low" => decimal(|r| r.ci_low),
            "ci_high" => decimal(|r| r.ci_high),
            "p_value" => decimal(|r| r.p_value),
            "predicts" => rows.iter().map(|r| r.predicts).collect::<Vec<_>>(),
            "weight" => rows.iter().map(|r| scored.weight_of(&r.term)).collect::<Vec<_>>(),
        )
    }

    /// One row per pair of terms.
    pub fn correlations_frame(&self) -> PolarsResult<DataFrame> {
        let rows = &self.correlations;
        df!(
            "a" => rows.iter().map(|r| r.a.as_str()).collect::<Vec<_>>(),
            "b" => rows.iter().map(|r| r.b.as_str()).collect::<Vec<_>>(),
            "processes" => rows.iter().map(|r| r.processes).collect::<Vec<_>>(),
            "phi" => rows.iter().map(|r| r.phi).collect::<Vec<_>>(),
        )
    }
}

/// A number for the printed table: empty when missing, else up to 4 significant decimals.
fn cell(value: Option<f64>) -> String {
    match value {
        None => "–".to_owned(),
        Some(value) if value != 0.0 && value.abs() < 0.0001 => format!("{value:.1e}"),
        Some(value) => format!("{}", round4(value)),
    }
}

/// The check as a table to read in a terminal: each term, then the strongest correlations.
pub fn report(validation: &Validation, scored: &Scored, translator: &Translator) -> String {
    let t = |english: &str| translator.sentence(english);
    let mut out = String::new();
    let share = 100.0 * validation.single_bid as f64 / validation.competitive.max(1) as f64;
    let _ = writeln!(
        out,
        "{}\n{}\n",
        t(&format!(
            "Validity check: each indicator against single bidding, among the {} competitive \
             processes (single bid in {} of them, {share:.1}%).",
            validation.competitive, validation.single_bid,
        )),
        t(&format!(
            "An indicator predicts single bidding when p < {} (Fisher's exact test) and its whole \
             {}% confidence interval of the odds ratio is above 1. Weights in use: {}.",
            validation.significance,
            round4(100.0 * (1.0 - validation.significance)),
            match scored.weights_source {
                crate::config::Weights::Configured => "configured",
                crate::config::Weights::Validated => "validated",
            },
        )),
    );
    let _ = writeln!(
        out,
        "{:<46} {:>10} {:>8} {:>11} {:>10} {:>21} {:>9} {:>8} {:>7}",
        t("indicator"),
        t("assessable"),
        t("flagged"),
        t("competitive"),
        t("odds ratio"),
        t("interval"),
        t("p-value"),
        t("predicts"),
        t("weight")
    );
    for check in &validation.terms {
        let weight = scored.weight_of(&check.term);
        let interval = match (check.ci_low, check.ci_high) {
            (Some(low), Some(high)) => format!("{} – {}", cell(Some(low)), cell(Some(high))),
            _ => "–".to_owned(),
        };
        let label = scored
            .terms
            .iter()
            .find(|term| term.column == check.term)
            .map_or_else(|| check.term.clone(), Term::label);
        let _ = writeln!(
            out,
            "{:<46} {:>10} {:>8} {:>11} {:>10} {:>21} {:>9} {:>8} {:>7}",
            label,
            check.assessable,
            check.flagged,
            check.competitive,
            cell(check.odds_ratio),
            interval,
            cell(check.p_value),
            t(if check.predicts { "yes" } else { "no" }),
            cell(weight),
        );
    }
    let mut strongest: Vec<&Correlation> = validation
        .correlations
        .iter()
        .filter(|pair| pair.phi.abs() >= 0.3)
        .collect();
    strongest.sort_by(|a, b| b.phi.abs().total_cmp(&a.phi.abs()).then(a.a.cmp(&b.a)));
    if !strongest.is_empty() {
        let _ = writeln!(
            out,
            "\n{}",
            t(
                "Strongly correlated indicators (|phi| ≥ 0.3; they may count the same evidence twice):"
            )
        );
        for pair in strongest.into_iter().take(15) {
            let _ = writeln!(
                out,
                "  {:<34} {:<34} phi {:>7} {}",
                pair.a,
                pair.b,
                pair.phi,
                t(&format!("over {} processes", pair.processes))
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fisher_matches_known_tables() {
        // The tea-tasting table: 3 1 / 1 3 → p = 0.4857 (two-sided).
        assert!((fisher(3, 1, 1, 3) - 0.485_714).abs() < 1e-5);
        // 10 2 / 3 15 → p ≈ 0.000 536 7 (computed by hand from hypergeometric terms).
        assert!(
            (fisher(10, 2, 3, 15) - 0.000_536_7).abs() < 1e-6,
            "{}",
            fisher(10, 2, 3, 15)
        );
        // No association at all: p = 1.
        assert!((fisher(5, 5, 5, 5) - 1.0).abs() < 1e-9);
        // Large tables stay finite and fast.
        let p = fisher(5_000, 45_000, 60_000, 890_000);
        assert!(p < 1e-10, "{p}");
    }

    #[test]
    fn odds_ratios_with_their_interval() {
        let (ratio, low, high) = odds_ratio(20, 80, 10, 90, 0.05).unwrap();
        assert!((ratio - 2.25).abs() < 1e-12);
        assert!(low < ratio && ratio < high);
        // Woolf's interval: SE = √(1/20 + 1/80 + 1/10 + 1/90).
        let error = (1.0f64 / 20.0 + 1.0 / 80.0 + 1.0 / 10.0 + 1.0 / 90.0).sqrt();
        assert!((low - (2.25f64.ln() - 1.959_964 * error).exp()).abs() < 1e-4);
        // A zero cell: 0.5 added to each.
        let (ratio, _, _) = odds_ratio(5, 0, 5, 10, 0.05).unwrap();
        assert!((ratio - (5.5 * 10.5) / (0.5 * 5.5)).abs() < 1e-9);
        // A zero margin: nothing to compare.
        assert_eq!(odds_ratio(0, 0, 5, 10, 0.05), None);
    }
}
