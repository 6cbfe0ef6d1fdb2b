//! What changed since a previous run (`score --previous DIR`): each process and each flag of
//! this run compared with those of a previous run's output folder.
//!
//! A process is `new` (not in the previous run), `unchanged`, `changed_score` (its risk score
//! or its list of flags differs) or `cleared` (it had flags, it has none now); a process of
//! the previous run that is no longer in the input is `gone`. A flag (a process and an
//! indicator) is `new`, `unchanged`, `changed` (its level, value, strength or evidence
//! differs) or `cleared` (raised before, not now, its process gone or not). `contracts.csv`
//! and `flags.csv` get a `change` column; everything that is not `unchanged`, the cleared
//! flags and the gone processes included, is listed in `changes.csv`, with the values before
//! and after, so that nothing raised before is lost from sight.
//!
//! The previous run is read from its CSV files (`contracts.csv`, `flags.csv`), or their Parquet
//! twins when the CSV files are gone, and compared as the text the CSV files hold: this run's
//! values are formatted exactly as its own CSV files write them. Its evidence may be in
//! another language (`--lang`): it is compared with this run's written in the language and
//! calendar that reproduce it.

use std::collections::{BTreeMap, HashMap, HashSet};

use polars::prelude::*;

use crate::evidence::Language;
use crate::locale::{Calendar, Lang};

mod previous;

use previous::PreviousFlag;
pub use previous::{Previous, PreviousError};

/// The name of the column the marked tables get.
pub const COLUMN: &str = "change";

/// What may have happened to a process, in the order the counts list them.
pub const PROCESS_CHANGES: [&str; 5] = ["new", "unchanged", "changed_score", "cleared", "gone"];

/// What may have happened to a flag, in the order the counts list them.
pub const FLAG_CHANGES: [&str; 4] = ["new", "unchanged", "changed", "cleared"];

/// How many processes and flags of each kind of change.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Counts {
    /// By process change ([`PROCESS_CHANGES`]).
    pub processes: BTreeMap<&'static str, usize>,
    /// By flag change ([`FLAG_CHANGES`]).
    pub flags: BTreeMap<&'static str, usize>,
}

/// This run compared with a previous one.
#[derive(Debug, Clone)]
pub struct Changes {
    /// The previous run's folder, as given.
    pub previous: String,
    /// The language and calendar the previous run's evidence was written in (as found).
    pub previous_language: Language,
    /// Each process of this run's change, by ocid.
    processes: HashMap<String, &'static str>,
    /// Each flag of this run's change, by ocid and indicator.
    flags: HashMap<(String, String), &'static str>,
    /// Every process and flag that is not `unchanged`, as `changes.csv` holds them.
    pub table: DataFrame,
    /// The counts.
    pub counts: Counts,
}

/// A text column's CSV cells.
fn cells(frame: &DataFrame, name: &str) -> PolarsResult<Vec<String>> {
    Ok(
        crate::output::cells(frame.column(name)?.as_materialized_series())?
            .into_iter()
            .map(|cell| cell.into_owned())
            .collect(),
    )
}

/// The languages and calendars the previous run's evidence may be in, `first` first.
fn candidates(first: Language) -> Vec<Language> {
    let mut all = vec![first];
    for lang in [Lang::En, Lang::Th] {
        for calendar in [Calendar::Gregorian, Calendar::Buddhist] {
            let language = Language::new(lang, calendar);
            if language != first {
                all.push(language);
            }
        }
    }
    all
}

/// A flag's key: its process and indicator.
type FlagKey = (String, String);

/// One row of `changes.csv`.
#[derive(Default)]
struct Row {
    ocid: String,
    indicator: String,
    change: &'static str,
    title: String,
    risk_score_before: String,
    risk_score: String,
    flags_before: String,
    flags: String,
    evidence_before: String,
    evidence: String,
}

impl Changes {
    /// Compares this run with `previous`: `contracts` and `flags` are this run's tables, the
    /// flags' evidence in `language`; `render` writes this run's flags in another language,
    /// when the previous run's evidence is not in `language`.
    pub fn compare(
        previous: &Previous,
        contracts: &DataFrame,
        flags: &DataFrame,
        language: Language,
        render: &dyn Fn(&Language) -> PolarsResult<DataFrame>,
    ) -> PolarsResult<Changes> {
        let mut rows = Vec::new();
        let mut counts = Counts::default();
        // Processes.
        let ocids = cells(contracts, "ocid")?;
        let titles = cells(contracts, "title")?;
        let scores = cells(contracts, "risk_score")?;
        let lists = cells(contracts, "flags")?;
        let mut processes = HashMap::with_capacity(ocids.len());
        for (i, ocid) in ocids.iter().enumerate() {
            let before = previous.processes.get(ocid);
            let change = match before {
                None => "new",
                Some(before) if !before.flags.is_empty() && lists[i].is_empty() => "cleared",
                Some(before) if before.risk_score != scores[i] || before.flags != lists[i] => {
                    "changed_score"
                }
                Some(_) => "unchanged",
            };
            processes.insert(ocid.clone(), change);
            if change != "unchanged" {
                rows.push(Row {
                    ocid: ocid.clone(),
                    indicator: String::new(),
                    change,
                    title: titles[i].clone(),
                    risk_score_before: before.map(|b| b.risk_score.clone()).unwrap_or_default(),
                    risk_score: scores[i].clone(),
                    flags_before: before.map(|b| b.flags.clone()).unwrap_or_default(),
                    flags: lists[i].clone(),
                    evidence_before: String::new(),
                    evidence: String::new(),
                });
            }
        }
        for ocid in &previous.order {
            if !processes.contains_key(ocid)
                && let Some(before) = previous.processes.get(ocid)
            {
                rows.push(Row {
                    ocid: ocid.clone(),
                    indicator: String::new(),
                    change: "gone",
                    title: before.title.clone(),
                    risk_score_before: before.risk_score.clone(),
                    risk_score: String::new(),
                    flags_before: before.flags.clone(),
                    flags: String::new(),
                    evidence_before: String::new(),
                    evidence: String::new(),
                });
                *counts.processes.entry("gone").or_default() += 1;
            }
        }
        for change in processes.values() {
            *counts.processes.entry(change).or_default() += 1;
        }
        // Flags, their evidence compared in the previous run's language.
        let keys: Vec<FlagKey> = cells(flags, "ocid")?
            .into_iter()
            .zip(cells(flags, "indicator")?)
            .collect();
        let measures: Vec<[String; 3]> = cells(flags, "level")?
            .into_iter()
            .zip(cells(flags, "value")?)
            .zip(cells(flags, "weight")?)
            .map(|((level, value), weight)| [level, value, weight])
            .collect();
        let evidence = cells(flags, "evidence")?;
        let before: HashMap<(&str, &str), &PreviousFlag> = previous
            .flags
            .iter()
            .map(|flag| ((flag.ocid.as_str(), flag.indicator.as_str()), flag))
            .collect();
        let earlier = |key: &FlagKey| before.get(&(key.0.as_str(), key.1.as_str())).copied();
        let (previous_language, compared) =
            evidence_as_before(&keys, &evidence, &earlier, language, render)?;
        let mut flag_changes = HashMap::with_capacity(keys.len());
        for (i, key) in keys.iter().enumerate() {
            let earlier = earlier(key);
            let change = match earlier {
                None => "new",
                Some(flag) if flag.measures == measures[i] && flag.evidence == compared[i] => {
                    "unchanged"
                }
                Some(_) => "changed",
            };
            flag_changes.insert(key.clone(), change);
            *counts.flags.entry(change).or_default() += 1;
            if change != "unchanged" {
                rows.push(Row {
                    ocid: key.0.clone(),
                    indicator: key.1.clone(),
                    change,
                    evidence_before: earlier.map(|f| f.evidence.clone()).unwrap_or_default(),
                    evidence: evidence[i].clone(),
                    ..Row::default()
                });
            }
        }
        let raised: HashSet<(&str, &str)> = keys
            .iter()
            .map(|(ocid, indicator)| (ocid.as_str(), indicator.as_str()))
            .collect();
        for flag in &previous.flags {
            if !raised.contains(&(flag.ocid.as_str(), flag.indicator.as_str())) {
                *counts.flags.entry("cleared").or_default() += 1;
                rows.push(Row {
                    ocid: flag.ocid.clone(),
                    indicator: flag.indicator.clone(),
                    change: "cleared",
                    evidence_before: flag.evidence.clone(),
                    ..Row::default()
                });
            }
        }
        // A process's row, then its flags' in indicator order.
        rows.sort_by(|a, b| (&a.ocid, &a.indicator).cmp(&(&b.ocid, &b.indicator)));
        Ok(Changes {
            previous: previous.directory.display().to_string(),
            previous_language,
            processes,
            flags: flag_changes,
            table: table(&rows)?,
            counts,
        })
    }

    /// `frame` (this run's contracts) with the `change` column at its end.
    pub fn mark_contracts(&self, frame: &DataFrame) -> PolarsResult<DataFrame> {
        let changes: Vec<&str> = cells(frame, "ocid")?
            .iter()
            .map(|ocid| self.processes.get(ocid).copied().unwrap_or("new"))
            .collect();
        with_column(frame, changes)
    }

    /// `frame` (this run's flags, in any language) with the `change` column at its end.
    pub fn mark_flags(&self, frame: &DataFrame) -> PolarsResult<DataFrame> {
        let changes: Vec<&str> = cells(frame, "ocid")?
            .into_iter()
            .zip(cells(frame, "indicator")?)
            .map(|key| self.flags.get(&key).copied().unwrap_or("new"))
            .collect();
        with_column(frame, changes)
    }

    /// The counts as `summary.json` holds them (`changes`): the previous folder, then every
    /// kind of change of processes and of flags, zeros included.
    pub fn summary(&self) -> serde_json::Value {
        let all = |names: &[&'static str], counts: &BTreeMap<&'static str, usize>| {
            names
                .iter()
                .map(|name| {
                    (
                        (*name).to_owned(),
                        serde_json::json!(counts.get(name).copied().unwrap_or(0)),
                    )
                })
                .collect::<serde_json::Map<_, _>>()
        };
        serde_json::json!({
            "previous": self.previous,
            "processes": all(&PROCESS_CHANGES, &self.counts.processes),
            "flags": all(&FLAG_CHANGES, &self.counts.flags),
        })
    }
}

/// The previous run's evidence language, and this run's evidence in it, aligned with `keys`:
/// `language` (this run's) unless another language and calendar reproduce more of the
/// sentences of the flags both runs raise.
fn evidence_as_before<'a>(
    keys: &[FlagKey],
    evidence: &[String],
    earlier: &dyn Fn(&FlagKey) -> Option<&'a PreviousFlag>,
    language: Language,
    render: &dyn Fn(&Language) -> PolarsResult<DataFrame>,
) -> PolarsResult<(Language, Vec<String>)> {
    let matches = |texts: &[String]| {
        keys.iter()
            .zip(texts)
            .filter(|(key, text)| earlier(key).is_some_and(|flag| flag.evidence == **text))
            .count()
    };
    let common = keys.iter().filter(|key| earlier(key).is_some()).count();
    let mut best = (matches(evidence), language, evidence.to_vec());
    for candidate in candidates(language).into_iter().skip(1) {
        if best.0 == common {
            break;
        }
        let rendered = render(&candidate)?;
        let by_key: HashMap<FlagKey, String> = cells(&rendered, "ocid")?
            .into_iter()
            .zip(cells(&rendered, "indicator")?)
            .zip(cells(&rendered, "evidence")?)
            .collect();
        let aligned: Vec<String> = keys
            .iter()
            .map(|key| by_key.get(key).cloned().unwrap_or_default())
            .collect();
        let found = matches(&aligned);
        if found > best.0 {
            best = (found, candidate, aligned);
        }
    }
    Ok((best.1, best.2))
}

/// `frame` with a text column `change` at its end.
fn with_column(frame: &DataFrame, changes: Vec<&str>) -> PolarsResult<DataFrame> {
    let mut marked = frame.clone();
    marked.with_column(Column::new(COLUMN.into(), changes))?;
    Ok(marked)
}

/// The rows as `changes.csv` holds them; the scores as numbers, the text as it is (without
/// the CSV files' guard against formulas, which writing them as CSV puts back).
fn table(rows: &[Row]) -> PolarsResult<DataFrame> {
    let text = |name: &str, get: fn(&Row) -> &str| {
        Column::new(
            name.into(),
            rows.iter()
                .map(|row| crate::reviews::unguarded(get(row)))
                .collect::<Vec<_>>(),
        )
    };
    let score = |name: &str, get: fn(&Row) -> &str| {
        Column::new(
            name.into(),
            rows.iter()
                .map(|row| get(row).parse::<f64>().ok())
                .collect::<Vec<_>>(),
        )
    };
    DataFrame::new(
        rows.len(),
        vec![
            text("ocid", |row| &row.ocid),
            text("indicator", |row| &row.indicator),
            text(COLUMN, |row| row.change),
            text("title", |row| &row.title),
            score("risk_score_before", |row| &row.risk_score_before),
            score("risk_score", |row| &row.risk_score),
            text("flags_before", |row| &row.flags_before),
            text("flags", |row| &row.flags),
            text("evidence_before", |row| &row.evidence_before),
            text("evidence", |row| &row.evidence),
        ],
    )
}
