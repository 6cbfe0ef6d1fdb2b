//! How well a scored run finds the planted schemes: per scheme, the recall of the indicator
//! meant to catch it and its false positives; overall, the share of planted processes among
//! the top 5% of the ranking.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use polars::prelude::*;

use super::SCHEMES;

/// The truth: the schemes planted in each contracting process that carries any.
pub type Truth = BTreeMap<String, BTreeSet<String>>;

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
}

/// The detection of every scheme, and the ranking.
#[derive(Debug, Clone, PartialEq)]
pub struct Detection {
    /// Per scheme, in [`SCHEMES`] order.
    pub schemes: Vec<SchemeDetection>,
    /// Processes with a rank (scored).
    pub ranked: u64,
    /// The size of the top 5%.
    pub top: u64,
    /// Planted processes (carrying any scheme) among the top 5%.
    pub top_planted: u64,
    /// Planted processes among the ranked ones.
    pub planted: u64,
    /// The mean risk score of the planted processes.
    pub mean_planted: f64,
    /// The mean risk score of the others.
    pub mean_clean: f64,
}

impl Detection {
    /// Measures the detection from the scored processes (`contracts`: `ocid`, one 0/1 column
    /// per indicator, `rank_score`, `risk_score`).
    pub fn measure(contracts: &DataFrame, truth: &Truth) -> PolarsResult<Detection> {
        let ocids = contracts.column("ocid")?.str()?.clone();
        let planted: Vec<Option<&BTreeSet<String>>> = ocids
            .iter()
            .map(|ocid| ocid.and_then(|ocid| truth.get(ocid)))
            .collect();
        let mut schemes = Vec::new();
        for scheme in SCHEMES {
            let flags = contracts.column(scheme.slug)?.cast(&DataType::Int32)?;
            let flags = flags.i32()?;
            let mut found = SchemeDetection {
                slug: scheme.slug,
                planted: 0,
                found: 0,
                others: 0,
                false_positives: 0,
            };
            for (carries, flag) in planted.iter().zip(flags.iter()) {
                let flagged = u64::from(flag == Some(1));
                if carries.is_some_and(|schemes| schemes.contains(scheme.slug)) {
                    found.planted += 1;
                    found.found += flagged;
                } else {
                    found.others += 1;
                    found.false_positives += flagged;
                }
            }
            schemes.push(found);
        }
        let ranks = contracts.column("rank_score")?.cast(&DataType::UInt64)?;
        let scores = contracts.column("risk_score")?.cast(&DataType::Float64)?;
        let ranked: Vec<(u64, bool, f64)> = ranks
            .u64()?
            .iter()
            .zip(scores.f64()?.iter())
            .zip(&planted)
            .filter_map(|((rank, score), carries)| Some((rank?, carries.is_some(), score?)))
            .collect();
        let top = (ranked.len() as f64 * 0.05).round() as u64;
        let mean = |planted: bool| {
            let scores: Vec<f64> = ranked
                .iter()
                .filter(|(_, p, _)| *p == planted)
                .map(|(_, _, score)| *score)
                .collect();
            scores.iter().sum::<f64>() / scores.len().max(1) as f64
        };
        Ok(Detection {
            schemes,
            ranked: ranked.len() as u64,
            top,
            top_planted: ranked.iter().filter(|(r, p, _)| *r <= top && *p).count() as u64,
            planted: ranked.iter().filter(|(_, p, _)| *p).count() as u64,
            mean_planted: mean(true),
            mean_clean: mean(false),
        })
    }

    /// The share of planted processes among the top 5% (the precision at 5%).
    pub fn precision_at_top(&self) -> f64 {
        self.top_planted as f64 / self.top.max(1) as f64
    }

    /// The share of planted processes among all ranked ones (what a random ranking would give).
    pub fn planted_share(&self) -> f64 {
        self.planted as f64 / self.ranked.max(1) as f64
    }
}

impl fmt::Display for Detection {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        writeln!(
            f,
            "| scheme | planted | recall | false positives | false-positive rate |"
        )?;
        writeln!(f, "|---|---:|---:|---:|---:|")?;
        for scheme in &self.schemes {
            writeln!(
                f,
                "| `{}` | {} | {:.4} | {} of {} | {:.4} |",
                scheme.slug,
                scheme.planted,
                scheme.recall(),
                scheme.false_positives,
                scheme.others,
                scheme.false_positive_rate()
            )?;
        }
        writeln!(
            f,
            "\nTop 5% of {} ranked processes ({}): {} planted, precision {:.4} against a planted share of {:.4}; mean score planted {:.2}, clean {:.2}.",
            self.ranked,
            self.top,
            self.top_planted,
            self.precision_at_top(),
            self.planted_share(),
            self.mean_planted,
            self.mean_clean
        )
    }
}
