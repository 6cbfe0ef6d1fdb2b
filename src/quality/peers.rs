//! What a release alone does not show: where each process was read, the same ocid in several
//! records, amounts out of scale with their peers, and the rows of the corrections.

use std::collections::{BTreeMap, HashMap};

use serde_json::Value;

use super::inspect::Amount;
use super::{Finding, Kind};
use crate::ingest::prepare::Correction;

/// Where a release was read.
#[derive(Debug, Clone)]
pub struct Seen {
    /// The source, by index.
    pub source: usize,
    /// The line, for line-delimited JSON.
    pub line: Option<u64>,
    /// The place in its unit (`releases[3]`).
    pub location: Option<String>,
}

impl Finding {
    /// The finding placed where `seen` was read.
    pub fn at(mut self, seen: &Seen) -> Finding {
        self.source = seen.source;
        self.line = seen.line;
        self.location = seen.location.clone();
        self
    }
}

/// What the check knows of one contracting process.
#[derive(Debug, Default)]
pub struct Process {
    /// For each field the indicators read, whether a release of the process has it.
    pub present: Vec<bool>,
    /// Records' compiled releases and releases tagged `compiled`.
    pub compiled: u32,
    /// Other releases.
    pub releases: u32,
    /// Where its releases were read.
    pub seen: Vec<Seen>,
    /// Its buyer's id.
    pub buyer: Option<String>,
    /// Its amounts (the latest seen for each award and contract), with the index in `seen`
    /// of the release they were read in.
    pub amounts: BTreeMap<(&'static str, Vec<usize>), (Amount, usize)>,
}

/// The row of a correction: where its process was read (its only release, or its first).
pub fn correction_finding(
    ocid: &str,
    process: Option<&Process>,
    correction: Correction,
) -> Finding {
    let show = |value: &Option<Value>| value.as_ref().map_or("(none)".to_owned(), super::cell);
    let problem = format!(
        "corrected by [prepare] ({}): {} → {}",
        correction.kind,
        show(&correction.before),
        show(&correction.after)
    );
    let value = correction.before.as_ref().map(super::cell);
    let (path, indexes) = (correction.path, correction.indexes);
    let mut finding = Finding::new(ocid, path, indexes, value, Kind::Corrected, problem);
    if let Some(process) = process
        && let Some(first) = process.seen.first()
    {
        finding = finding.at(first);
        if process.seen.len() > 1 {
            finding.line = None;
            finding.location = Some(format!("compiled from {} releases", process.seen.len()));
        }
    }
    finding
}

/// An ocid in several records or compiled releases, or in both a compiled release and
/// releases: their data is merged as if they were releases of one process.
pub fn duplicate_ocid(ocid: &str, process: &Process, findings: &mut Vec<Finding>) {
    let problem = match (process.compiled, process.releases) {
        (0 | 1, 0) | (0, _) => return,
        (compiled, 0) => format!(
            "the ocid is in {compiled} records or compiled releases: they are merged as releases"
        ),
        (compiled, releases) => format!(
            "the ocid is in {compiled} record(s) or compiled release(s) and in {releases} \
             release(s): all are merged together"
        ),
    };
    let Some(first) = process.seen.first() else {
        return;
    };
    let value = Some(ocid.to_owned());
    let finding = Finding::new(
        ocid,
        "ocid".into(),
        Vec::new(),
        value,
        Kind::DuplicateOcid,
        problem,
    );
    findings.push(finding.at(first));
}

/// Whether `ratio` is about 100 or 1000 (a misplaced decimal separator or unit); the factor.
fn scale(ratio: f64) -> Option<u32> {
    [100.0, 1000.0]
        .into_iter()
        .find(|factor| (0.8..=1.25).contains(&(ratio / factor)))
        .map(|factor| factor as u32)
}

/// Awards and contracts whose amount is about 100 or 1000 times the tender estimate (or a
/// hundredth or thousandth of it), and awards 1000 times the median of their buyer's awards
/// in the same currency (or a thousandth of it).
pub fn unit_errors(
    ocids: &[&String],
    processes: &HashMap<String, Process>,
    findings: &mut Vec<Finding>,
) {
    let same_currency = |a: &Amount, b: &Amount| {
        a.currency.is_none() || b.currency.is_none() || a.currency == b.currency
    };
    let mut by_buyer: HashMap<(&str, Option<&str>), Vec<f64>> = HashMap::new();
    for ocid in ocids {
        let process = &processes[*ocid];
        for (amount, _) in process.amounts.values() {
            if let (Some(buyer), "awards/value") = (&process.buyer, amount.path) {
                let key = (buyer.as_str(), amount.currency.as_deref());
                by_buyer.entry(key).or_default().push(amount.amount);
            }
        }
    }
    let medians: HashMap<_, f64> = by_buyer
        .into_iter()
        .filter(|(_, amounts)| amounts.len() >= 5)
        .map(|(key, mut amounts)| {
            amounts.sort_by(f64::total_cmp);
            (key, amounts[amounts.len() / 2])
        })
        .collect();
    for ocid in ocids {
        let process = &processes[*ocid];
        let estimate = process
            .amounts
            .values()
            .find(|(a, _)| a.path == "tender/value");
        for (amount, seen) in process.amounts.values() {
            if amount.path == "tender/value" || amount.amount <= 0.0 {
                continue;
            }
            let what = if amount.path == "awards/value" {
                "award"
            } else {
                "contract"
            };
            let mut problem = None;
            if let Some((estimate, _)) = estimate
                && estimate.amount > 0.0
                && same_currency(amount, estimate)
            {
                let ratio = amount.amount / estimate.amount;
                problem = scale(ratio)
                    .map(|factor| format!("{factor}× the tender estimate ({})", estimate.amount))
                    .or_else(|| {
                        scale(1.0 / ratio).map(|factor| {
                            format!("1/{factor} of the tender estimate ({})", estimate.amount)
                        })
                    });
            }
            if problem.is_none()
                && amount.path == "awards/value"
                && let Some(buyer) = &process.buyer
                && let Some(median) = medians.get(&(buyer.as_str(), amount.currency.as_deref()))
                && *median > 0.0
            {
                let ratio = amount.amount / median;
                if !(0.001..=1000.0).contains(&ratio) {
                    problem = Some(format!(
                        "{ratio:.0}× the median award of its buyer ({median})"
                    ));
                }
            }
            let Some(problem) = problem else {
                continue;
            };
            let finding = Finding::new(
                ocid,
                format!("{}/amount", amount.path),
                amount.indexes.clone(),
                Some(amount.amount.to_string()),
                Kind::UnitError,
                format!("the {what} amount is {problem}: a unit or decimal error?"),
            );
            findings.push(finding.at(&process.seen[*seen]));
        }
    }
}
