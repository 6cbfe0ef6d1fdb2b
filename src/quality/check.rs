//! `redflags check`: a data-quality report for the indicators.
//!
//! One pass over the releases as published ([`super::inspect`] on each), then what needs the
//! whole data: coverage by process, duplicate ocids, amounts out of scale with their peers.
//! Then a scoring run with the same settings tells what each indicator can assess, and lists
//! the `[prepare]` corrections it makes (in the fields it reads, so that the check and the
//! run's summary count the same).

use std::collections::{BTreeMap, HashMap};

use serde_json::Value;

use super::inspect::Inspector;
use super::peers::{Process, Seen, correction_finding, duplicate_ocid, unit_errors};
use super::{Finding, Kind, indicator_fields};
use crate::config::Config;
use crate::indicators::REGISTRY;
use crate::ingest::document::{Entry, Origin};
use crate::ingest::prepare::{BUDDHIST_ERA_OFFSET, Corrected};
use crate::ingest::raw::{self, RawRelease};
use crate::ingest::{self, IngestCounts};
use crate::run;

/// A field the indicators read, and how the data fills it.
#[derive(Debug, Clone)]
pub struct FieldQuality {
    /// The field, slash-separated (`awards/status`).
    pub field: String,
    /// The processes with a non-empty value of it.
    pub processes: u64,
    /// Its non-empty values.
    pub values: u64,
    /// The values found unusable (not read, or not read as the standard means them).
    pub unusable: u64,
    /// The findings at it or inside it, by kind.
    pub problems: BTreeMap<Kind, u64>,
}

/// What an indicator can assess on the data.
#[derive(Debug, Clone)]
pub struct IndicatorQuality {
    /// The indicator.
    pub slug: &'static str,
    /// The processes it assessed (after the `[prepare]` corrections); `None` when disabled.
    pub assessable: Option<usize>,
    /// Its fields that some processes lack or hold unusable values in, most unusable values
    /// first, then least covered first.
    pub held_back: Vec<HeldBack>,
}

/// A field that keeps an indicator from assessing some processes.
#[derive(Debug, Clone, PartialEq)]
pub struct HeldBack {
    /// The field.
    pub field: String,
    /// The share of processes with a value, in %.
    pub coverage: f64,
    /// Its unusable values.
    pub unusable: u64,
}

/// A local code to map to an OCDS code, and how often it is used.
#[derive(Debug, Clone, PartialEq)]
pub struct CodeCount {
    /// Where (`awards/status`).
    pub path: String,
    /// The codelist (`awardStatus`).
    pub codelist: &'static str,
    /// The code.
    pub code: String,
    /// How many values.
    pub count: u64,
}

/// The whole check.
#[derive(Debug, Default)]
pub struct Checked {
    /// The inputs as given.
    pub inputs: Vec<String>,
    /// The sources read.
    pub sources: Vec<String>,
    /// The accounting of the input (as `score` reads it).
    pub counts: IngestCounts,
    /// How many inputs were rejected.
    pub rejected: usize,
    /// The fields the indicators read.
    pub fields: Vec<FieldQuality>,
    /// Each indicator, in registry order.
    pub indicators: Vec<IndicatorQuality>,
    /// The local codes to map (outside OCDS codelists, or local methods where the OCDS method
    /// is missing), by path, most used first.
    pub codes: Vec<CodeCount>,
    /// Every finding, in input order.
    pub findings: Vec<Finding>,
    /// The values the `[prepare]` settings correct, by kind.
    pub corrected: Corrected,
    /// The most common year of the data's dates (up to 2400), if any.
    pub typical_year: Option<i32>,
    /// What the data supports of OCP's red-flags list.
    pub ocp: Option<super::assessable::Assessable>,
}

/// Checks the inputs; `config`'s `[prepare]` corrections are listed, and the indicators run
/// with its settings.
pub fn check(inputs: &[String], config: &Config) -> anyhow::Result<Checked> {
    let fields = indicator_fields();
    let placeholders = &config.prepare.placeholder_amounts;
    let inspector = Inspector::new(&fields, placeholders);
    let mut processes: HashMap<String, Process> = HashMap::new();
    let mut findings = Vec::new();
    let mut values = vec![0u64; fields.len()];
    let mut codes: HashMap<(String, &'static str, String), u64> = HashMap::new();
    let mut years: BTreeMap<i32, u64> = BTreeMap::new();
    let mut ocp = super::assessable::Observer::default();
    let sources = ingest::read_entries(
        inputs,
        &config.limits,
        &mut |_| {},
        &mut |_| {},
        &mut |place: ingest::Place, release: RawRelease| {
            let ocid = release.ocid().unwrap_or_default().to_owned();
            let seen = Seen {
                source: place.source,
                line: place.line,
                location: release.location.clone(),
            };
            let found = inspector.inspect(&ocid, &release.object);
            ocp.observe(&ocid, &release.object);
            findings.extend(found.findings.into_iter().map(|f| f.at(&seen)));
            for (total, count) in values.iter_mut().zip(&found.values) {
                *total += count;
            }
            for key in found.codes {
                *codes.entry(key).or_default() += 1;
            }
            for year in found.years {
                *years.entry(year).or_default() += 1;
            }
            let process = processes.entry(ocid.clone()).or_insert_with(|| Process {
                present: vec![false; fields.len()],
                ..Process::default()
            });
            for (present, count) in process.present.iter_mut().zip(&found.values) {
                *present |= *count > 0;
            }
            let tagged_compiled = release
                .object
                .get("tag")
                .and_then(Value::as_array)
                .is_some_and(|tags| tags.iter().any(|tag| tag == "compiled"));
            if release.origin == Origin::RecordCompiled || tagged_compiled {
                process.compiled += 1;
            } else {
                process.releases += 1;
            }
            if let Some(buyer) = release
                .object
                .get("buyer")
                .and_then(|b| raw::text_id(b.get("id")))
            {
                process.buyer = Some(buyer);
            }
            let index = process.seen.len();
            for amount in found.amounts {
                let key = (amount.path, amount.indexes.clone());
                process.amounts.insert(key, (amount, index));
            }
            process.seen.push(seen);
        },
    )?
    .names;
    let mut ocids: Vec<&String> = processes.keys().collect();
    ocids.sort();
    for ocid in &ocids {
        duplicate_ocid(ocid, &processes[*ocid], &mut findings);
    }
    unit_errors(&ocids, &processes, &mut findings);
    // The corrections are those the scoring makes, on the fields it reads, in each compiled
    // release.
    let mut config = config.clone();
    config.prepare.keep_corrections = true;
    let mut run = run::run(inputs, &config)?;
    let mut corrected = std::mem::take(&mut run.corrected);
    for (ocid, correction) in std::mem::take(&mut corrected.kept) {
        findings.push(correction_finding(&ocid, processes.get(&ocid), correction));
    }
    let typical_year = years
        .iter()
        .max_by_key(|(_, count)| **count)
        .map(|(y, _)| *y);
    findings.sort_by_key(|finding| (finding.source, finding.line));
    let fields = field_quality(fields, &processes, &values, &findings);
    Ok(Checked {
        inputs: inputs.to_vec(),
        sources,
        rejected: run.rejected.len(),
        counts: run.counts.clone(),
        indicators: indicator_quality(&config, &run, &fields, run.counts.processes),
        fields,
        codes: code_counts(codes),
        findings,
        corrected,
        typical_year,
        ocp: Some(ocp.finish()),
    })
}

/// The field of a finding: the longest field its path is, or is inside.
fn field_of<'a>(fields: &'a [String], path: &str) -> Option<&'a String> {
    fields
        .iter()
        .filter(|field| {
            path.strip_prefix(field.as_str())
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        })
        .max_by_key(|field| field.len())
}

fn field_quality(
    fields: Vec<String>,
    processes: &HashMap<String, Process>,
    values: &[u64],
    findings: &[Finding],
) -> Vec<FieldQuality> {
    let mut quality: Vec<FieldQuality> = fields
        .into_iter()
        .enumerate()
        .map(|(index, field)| FieldQuality {
            processes: processes.values().filter(|p| p.present[index]).count() as u64,
            values: values[index],
            field,
            unusable: 0,
            problems: BTreeMap::new(),
        })
        .collect();
    let names: Vec<String> = quality.iter().map(|q| q.field.clone()).collect();
    for finding in findings.iter().filter(|f| f.kind != Kind::Corrected) {
        if let Some(field) = field_of(&names, &finding.path)
            && let Some(entry) = quality.iter_mut().find(|q| &q.field == field)
        {
            *entry.problems.entry(finding.kind).or_default() += 1;
            entry.unusable += u64::from(!finding.usable);
        }
    }
    quality
}

fn indicator_quality(
    config: &Config,
    run: &run::Run,
    fields: &[FieldQuality],
    processes: u64,
) -> Vec<IndicatorQuality> {
    REGISTRY
        .iter()
        .map(|indicator| {
            let metadata = indicator.metadata();
            let mut held_back: Vec<HeldBack> = metadata
                .fields
                .iter()
                .map(|field| {
                    let field = field.replace('.', "/");
                    let quality = fields.iter().find(|q| q.field == field);
                    HeldBack {
                        coverage: quality.map_or(0.0, |q| share(q.processes, processes)),
                        unusable: quality.map_or(0, |q| q.unusable),
                        field,
                    }
                })
                .filter(|held| held.coverage < 100.0 || held.unusable > 0)
                .collect();
            // A list the settings do not name keeps it from every process.
            if let Some(list) = metadata.list
                && !config.gives(list)
            {
                held_back.insert(
                    0,
                    HeldBack {
                        field: if list == crate::config::THRESHOLDS {
                            "[thresholds]: no rule given".to_owned()
                        } else {
                            format!("[lists] {list}: no file given")
                        },
                        coverage: 0.0,
                        unusable: 0,
                    },
                );
            }
            held_back.sort_by(|a, b| {
                b.unusable
                    .cmp(&a.unusable)
                    .then(a.coverage.total_cmp(&b.coverage))
                    .then_with(|| a.field.cmp(&b.field))
            });
            IndicatorQuality {
                slug: metadata.slug,
                assessable: run
                    .indicators
                    .iter()
                    .find(|r| r.slug == metadata.slug)
                    .map(|r| r.assessable()),
                held_back,
            }
        })
        .collect()
}

fn code_counts(codes: HashMap<(String, &'static str, String), u64>) -> Vec<CodeCount> {
    let mut counts: Vec<CodeCount> = codes
        .into_iter()
        .map(|((path, codelist, code), count)| CodeCount {
            path,
            codelist,
            code,
            count,
        })
        .collect();
    counts.sort_by(|a, b| {
        (a.path.as_str(), std::cmp::Reverse(a.count), a.code.as_str()).cmp(&(
            b.path.as_str(),
            std::cmp::Reverse(b.count),
            b.code.as_str(),
        ))
    });
    counts
}

/// `part` of `whole` in %, rounded to one decimal (0 when `whole` is 0).
pub fn share(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        (part as f64 * 1000.0 / whole as f64).round() / 10.0
    }
}

impl Checked {
    /// The year a Buddhist Era year would be, when the data's other dates make it plausible.
    pub fn era_note(&self) -> Option<String> {
        self.typical_year.map(|year| {
            format!(
                "the data's dates are mostly in {year}, {} in the Buddhist Era",
                year + BUDDHIST_ERA_OFFSET
            )
        })
    }
}
