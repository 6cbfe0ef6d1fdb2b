//! How well a scored run finds the planted schemes: per scheme, the recall of the indicator
//! meant to catch it, its false positives and where the ranking puts the processes that carry
//! it; overall, the precision of the top 5% of the ranking; and how much each indicator flags
//! where nothing was planted. [`Detection::checks`] compares them with the targets.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use polars::prelude::*;

use super::{SCHEMES, STRONG_SCHEMES, WorldSettings};

/// The truth: the schemes planted in each contracting process that carries any.
pub type Truth = BTreeMap<String, BTreeSet<String>>;

/// The indicators that flag patterns across processes (a buyer's or a set of bidders'
/// history) rather than one process's facts: the noisiest on realistic data.
pub const PATTERN_INDICATORS: [&str; 5] = [
    "repeat_winner",
    "repeat_direct_awards",
    "split_purchase",
    "recurring_bidder_set",
    "bid_rotation",
];

/// The targets: the least precision at the top 5%, the highest median rank (percent from the
/// top) of a strong scheme, the highest share of clean processes a pattern indicator may flag.
pub const TARGET_PRECISION: f64 = 0.6;
/// See [`TARGET_PRECISION`].
pub const TARGET_STRONG_MEDIAN_RANK: f64 = 10.0;
/// See [`TARGET_PRECISION`].
pub const TARGET_PATTERN_CLEAN_SHARE: f64 = 0.02;

/// Reads the truth file's lines (`{"ocid": "...", "schemes": [...]}`).
pub fn read_truth(text: &str) -> Result<Truth, serde_json::Error> {
    #[derive(serde::Deserialize)]
    struct Line {
        ocid: String,
        schemes: BTreeSet<String>,
    }
    text.lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| serde_json::from_str::<Line>(line).map(|line| (line.ocid, line.schemes)))
        .collect()
}

/// One scheme's detection.
#[derive(Debug, Clone, PartialEq)]
pub struct SchemeDetection {
    /// The scheme, named after its indicator.
    pub slug: &'static str,
    /// Processes that carry it.
    pub planted: u64,
    /// Of those, the ones its indicator flags.
    pub found: u64,
    /// Processes that do not carry it.
    pub others: u64,
    /// Of those, the ones its indicator flags all the same.
    pub false_positives: u64,
    /// The median rank of the processes that carry it, in percent of the ranked processes from
    /// the top (an unranked process counts as last); `None` when none carries it.
    pub median_rank: Option<f64>,
}

impl SchemeDetection {
    /// The share of planted processes flagged.
    pub fn recall(&self) -> f64 {
        self.found as f64 / self.planted.max(1) as f64
    }

    /// The share of the other processes flagged.
    pub fn false_positive_rate(&self) -> f64 {
        self.false_positives as f64 / self.others.max(1) as f64
    }

    /// Whether the scheme is strong ([`STRONG_SCHEMES`]).
    pub fn strong(&self) -> bool {
        STRONG_SCHEMES.contains(&self.slug)
    }
}

/// How much an indicator flags where nothing was planted.
#[derive(Debug, Clone, PartialEq)]
pub struct CleanFlags {
    /// The indicator.
    pub slug: &'static str,
    /// Clean processes (carrying no scheme) it flags.
    pub flagged: u64,
    /// Clean processes.
    pub clean: u64,
}

impl CleanFlags {
    /// The share of clean processes flagged.
    pub fn share(&self) -> f64 {
        self.flagged as f64 / self.clean.max(1) as f64
    }

    /// Whether it is a pattern indicator ([`PATTERN_INDICATORS`]).
    pub fn pattern(&self) -> bool {
        PATTERN_INDICATORS.contains(&self.slug)
    }
}

/// One comparison with a target.
#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    /// What is measured, and the target.
    pub what: String,
    /// The measure.
    pub value: f64,
    /// Whether it meets the target.
    pub pass: bool,
}

/// The detection of every scheme, and the ranking.
#[derive(Debug, Clone, PartialEq)]
pub struct Detection {
    /// Per scheme, in [`SCHEMES`] order.
    pub schemes: Vec<SchemeDetection>,
    /// Per indicator present in the scored table, in the registry's order.
    pub clean_flags: Vec<CleanFlags>,
    /// Processes scored (rows of the table).
    pub processes: u64,
    /// Processes with a rank.
    pub ranked: u64,
    /// The size of the top 5%.
    pub top: u64,
    /// Ranked processes that deserve the top: carrying a strong scheme, or two schemes or more.
    pub serious: u64,
    /// Of those, the ones among the top 5%.
    pub top_serious: u64,
    /// Ranked processes carrying any scheme.
    pub planted: u64,
    /// Of those, the ones among the top 5%.
    pub top_planted: u64,
    /// The mean risk score of the planted processes.
    pub mean_planted: f64,
    /// The mean risk score of the others.
    pub mean_clean: f64,
}

/// Whether a process carrying `schemes` belongs at the top: a strong scheme, or two or more.
fn serious(schemes: &BTreeSet<String>) -> bool {
    schemes.len() >= 2 || schemes.iter().any(|s| STRONG_SCHEMES.contains(&s.as_str()))
}

/// The flags (1, 0 or null) of an indicator's column, as "flagged".
fn flags(contracts: &DataFrame, slug: &str) -> PolarsResult<Vec<bool>> {
    let column = contracts.column(slug)?.cast(&DataType::Int32)?;
    Ok(column.i32()?.iter().map(|flag| flag == Some(1)).collect())
}

/// The median of some values (the mean of the middle two for an even count).
fn median(mut values: Vec<f64>) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let middle = values.len() / 2;
    Some(if values.len().is_multiple_of(2) {
        (values[middle - 1] + values[middle]) / 2.0
    } else {
        values[middle]
    })
}

impl Detection {
    /// Measures the detection from the scored processes (`contracts`: `ocid`, one 1/0/null
    /// column per indicator, `rank_score`, `risk_score`).
    pub fn measure(contracts: &DataFrame, truth: &Truth) -> PolarsResult<Detection> {
        let ocids = contracts.column("ocid")?.str()?.clone();
        let carried: Vec<Option<&BTreeSet<String>>> = ocids
            .iter()
            .map(|ocid| ocid.and_then(|ocid| truth.get(ocid)))
            .collect();
        let ranks: Vec<Option<u64>> = contracts
            .column("rank_score")?
            .cast(&DataType::UInt64)?
            .u64()?
            .iter()
            .collect();
        let scores: Vec<Option<f64>> = contracts
            .column("risk_score")?
            .cast(&DataType::Float64)?
            .f64()?
            .iter()
            .collect();
        let ranked = ranks.iter().flatten().count() as u64;
        let percentile = |rank: Option<u64>| {
            rank.map_or(100.0, |rank| rank as f64 / ranked.max(1) as f64 * 100.0)
        };

        let mut schemes = Vec::new();
        for scheme in SCHEMES {
            let mut found = SchemeDetection {
                slug: scheme.slug,
                planted: 0,
                found: 0,
                others: 0,
                false_positives: 0,
                median_rank: None,
            };
            let mut places = Vec::new();
            let flagged = flags(contracts, scheme.slug)?;
            for ((carries, flag), rank) in carried.iter().zip(flagged).zip(&ranks) {
                let flag = u64::from(flag);
                if carries.is_some_and(|schemes| schemes.contains(scheme.slug)) {
                    found.planted += 1;
                    found.found += flag;
                    places.push(percentile(*rank));
                } else {
                    found.others += 1;
                    found.false_positives += flag;
                }
            }
            found.median_rank = median(places);
            schemes.push(found);
        }

        let clean = carried.iter().filter(|carries| carries.is_none()).count() as u64;
        let mut clean_flags = Vec::new();
        for indicator in crate::indicators::REGISTRY {
            let slug = indicator.metadata().slug;
            if contracts.column(slug).is_err() {
                continue;
            }
            let flagged = flags(contracts, slug)?
                .into_iter()
                .zip(&carried)
                .filter(|(flag, carries)| *flag && carries.is_none())
                .count() as u64;
            clean_flags.push(CleanFlags {
                slug,
                flagged,
                clean,
            });
        }

        let top = (ranked as f64 * 0.05).round() as u64;
        let (mut serious_count, mut top_serious, mut planted, mut top_planted) = (0, 0, 0, 0);
        let (mut sum_planted, mut sum_clean) = (0.0, 0.0);
        for ((rank, score), carries) in ranks.iter().zip(&scores).zip(&carried) {
            let (Some(rank), Some(score)) = (rank, score) else {
                continue;
            };
            let in_top = u64::from(*rank <= top);
            if let Some(schemes) = carries {
                planted += 1;
                top_planted += in_top;
                sum_planted += score;
                if serious(schemes) {
                    serious_count += 1;
                    top_serious += in_top;
                }
            } else {
                sum_clean += score;
            }
        }
        Ok(Detection {
            schemes,
            clean_flags,
            processes: contracts.height() as u64,
            ranked,
            top,
            serious: serious_count,
            top_serious,
            planted,
            top_planted,
            mean_planted: sum_planted / planted.max(1) as f64,
            mean_clean: sum_clean / ranked.saturating_sub(planted).max(1) as f64,
        })
    }

    /// The share of serious processes (a strong scheme, or two or more) among the top 5%: the
    /// precision at 5%.
    pub fn precision_at_top(&self) -> f64 {
        self.top_serious as f64 / self.top.max(1) as f64
    }

    /// The share of serious processes among all ranked ones (what a random ranking would give).
    pub fn serious_share(&self) -> f64 {
        self.serious as f64 / self.ranked.max(1) as f64
    }

    /// The share of processes carrying any scheme among the top 5%.
    pub fn planted_at_top(&self) -> f64 {
        self.top_planted as f64 / self.top.max(1) as f64
    }

    /// The share of processes carrying any scheme among all ranked ones.
    pub fn planted_share(&self) -> f64 {
        self.planted as f64 / self.ranked.max(1) as f64
    }

    /// The measures against their targets: the precision at 5%, each strong scheme's median
    /// rank, each pattern indicator's share of clean processes flagged.
    pub fn checks(&self) -> Vec<Check> {
        let mut checks = vec![Check {
            what: format!("precision at the top 5% ≥ {TARGET_PRECISION}"),
            value: self.precision_at_top(),
            pass: self.precision_at_top() >= TARGET_PRECISION,
        }];
        for scheme in self.schemes.iter().filter(|scheme| scheme.strong()) {
            let rank = scheme.median_rank.unwrap_or(100.0);
            checks.push(Check {
                what: format!(
                    "median rank of `{}` ≤ {TARGET_STRONG_MEDIAN_RANK}%",
                    scheme.slug
                ),
                value: rank,
                pass: rank <= TARGET_STRONG_MEDIAN_RANK,
            });
        }
        for indicator in self.clean_flags.iter().filter(|flags| flags.pattern()) {
            checks.push(Check {
                what: format!(
                    "`{}` on clean processes ≤ {}%",
                    indicator.slug,
                    TARGET_PATTERN_CLEAN_SHARE * 100.0
                ),
                value: indicator.share() * 100.0,
                pass: indicator.share() <= TARGET_PATTERN_CLEAN_SHARE,
            });
        }
        checks
    }
}

impl fmt::Display for Detection {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        writeln!(
            f,
            "| scheme | planted | recall | false positives | false-positive rate | median rank |"
        )?;
        writeln!(f, "|---|---:|---:|---:|---:|---:|")?;
        for scheme in &self.schemes {
            let strong = if scheme.strong() { " (strong)" } else { "" };
            let rank = scheme
                .median_rank
                .map_or_else(|| "-".to_owned(), |rank| format!("{rank:.1}%"));
            writeln!(
                f,
                "| `{}`{strong} | {} | {:.4} | {} of {} | {:.4} | {rank} |",
                scheme.slug,
                scheme.planted,
                scheme.recall(),
                scheme.false_positives,
                scheme.others,
                scheme.false_positive_rate(),
            )?;
        }
        writeln!(
            f,
            "\nTop 5% of {} ranked processes ({} of {}): {} carry a strong scheme or two schemes \
             or more, a precision of {:.4} against a base rate of {:.4}; {} carry any scheme \
             ({:.4}, against {:.4}). Mean score planted {:.2}, clean {:.2}.\n",
            self.ranked,
            self.top,
            self.processes,
            self.top_serious,
            self.precision_at_top(),
            self.serious_share(),
            self.top_planted,
            self.planted_at_top(),
            self.planted_share(),
            self.mean_planted,
            self.mean_clean
        )?;
        let clean = self.clean_flags.first().map_or(0, |flags| flags.clean);
        writeln!(
            f,
            "Flags on the {clean} clean processes (nothing planted):\n"
        )?;
        writeln!(f, "| indicator | clean processes flagged | share |")?;
        writeln!(f, "|---|---:|---:|")?;
        for indicator in &self.clean_flags {
            let pattern = if indicator.pattern() {
                " (pattern)"
            } else {
                ""
            };
            writeln!(
                f,
                "| `{}`{pattern} | {} | {:.2}% |",
                indicator.slug,
                indicator.flagged,
                indicator.share() * 100.0
            )?;
        }
        writeln!(f)?;
        for check in self.checks() {
            let verdict = if check.pass { "PASS" } else { "FAIL" };
            writeln!(f, "{verdict} {}: {:.3}", check.what, check.value)?;
        }
        Ok(())
    }
}

/// Generates `processes` processes of `world` with `seed`, scores them with the default
/// settings plus the world's [`WorldSettings::indicator_settings`], and measures the
/// detection.
pub fn measure_world(
    world: &WorldSettings,
    processes: u64,
    seed: u64,
) -> anyhow::Result<Detection> {
    let config =
        crate::config::Config::parse(&world.indicator_settings()).map_err(anyhow::Error::msg)?;
    let dir = tempfile::tempdir()?;
    let data = dir.path().join("data.jsonl");
    let mut truth = Vec::new();
    let mut file = std::io::BufWriter::new(std::fs::File::create(&data)?);
    super::write_world_with_truth(&mut file, &mut truth, world, processes, seed)?;
    std::io::Write::flush(&mut file)?;
    drop(file);
    let truth = read_truth(std::str::from_utf8(&truth)?)?;
    let run = crate::run::run(&[data.display().to_string()], &config)?;
    Ok(Detection::measure(&run.scored.contracts, &truth)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_and_serious_processes() {
        assert_eq!(median(vec![]), None);
        assert_eq!(median(vec![3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(vec![4.0, 1.0, 2.0, 3.0]), Some(2.5));
        let set = |names: &[&str]| names.iter().map(|name| (*name).to_owned()).collect();
        assert!(serious(&set(&["late_bid_won"])));
        assert!(serious(&set(&["single_bid", "near_estimate"])));
        assert!(!serious(&set(&["single_bid"])));
    }

    #[test]
    fn a_perfect_ranking_passes_the_precision_check() {
        let ocids: Vec<String> = (0..100).map(|n| format!("p{n:03}")).collect();
        let truth: Truth = (0..5)
            .map(|n| {
                (
                    format!("p{n:03}"),
                    BTreeSet::from(["late_bid_won".to_owned()]),
                )
            })
            .collect();
        let flagged: Vec<i32> = (0..100).map(|n| i32::from(n < 5)).collect();
        let mut columns = vec![
            Column::new("ocid".into(), ocids),
            Column::new("rank_score".into(), (1..=100u32).collect::<Vec<_>>()),
            Column::new(
                "risk_score".into(),
                (0..100).map(|n| 100.0 - f64::from(n)).collect::<Vec<_>>(),
            ),
        ];
        for scheme in SCHEMES {
            let values = if scheme.slug == "late_bid_won" {
                flagged.clone()
            } else {
                vec![0; 100]
            };
            columns.push(Column::new(scheme.slug.into(), values));
        }
        let contracts = DataFrame::new(100, columns).unwrap();
        let detection = Detection::measure(&contracts, &truth).unwrap();
        assert_eq!(detection.top, 5);
        assert_eq!(detection.precision_at_top(), 1.0);
        let late = &detection.schemes[6];
        assert_eq!((late.planted, late.found, late.false_positives), (5, 5, 0));
        assert_eq!(late.median_rank, Some(3.0));
        assert!(detection.checks()[0].pass);
        assert!(detection.to_string().contains("PASS precision"));
    }
}
