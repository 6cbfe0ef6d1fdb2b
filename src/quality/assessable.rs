//! What the data supports of OCP's red-flags list: for each of the 73 codes, the share of
//! processes whose data holds the fields the flag needs (OCP's rules, see [`crate::ocp`]),
//! and the fields that keep the others from it.
//!
//! It reads the releases as published, like `check`: a field counts when one of a process's
//! releases holds a non-empty value at its path, whether or not redflags reads it.

use std::collections::HashMap;

use serde::Serialize;
use serde_json::{Map, Value};

use super::{is_empty, walk};
use crate::ingest::document::Entry;
use crate::ingest::raw::RawRelease;
use crate::ingest::{IngestError, Limits, Rejection};
use crate::ocp::{self, Catalogue, Present};
use crate::sentences::Translator;

/// Collects each process's present paths, release by release.
pub struct Observer {
    catalogue: &'static Catalogue,
    index: HashMap<&'static str, usize>,
    processes: HashMap<String, Present>,
}

impl Default for Observer {
    fn default() -> Self {
        let catalogue = ocp::catalogue();
        let index = catalogue
            .paths
            .iter()
            .enumerate()
            .map(|(index, path)| (path.as_str(), index))
            .collect();
        Observer {
            catalogue,
            index,
            processes: HashMap::new(),
        }
    }
}

impl Observer {
    /// Notes the paths of one release of the process `ocid`.
    pub fn observe(&mut self, ocid: &str, release: &Map<String, Value>) {
        let mut present = Present::default();
        walk(release, &mut |place, key, value| {
            if key.is_some()
                && !is_empty(value)
                && let Some(&index) = self.index.get(place.path.as_str())
            {
                present = present.with(index);
            }
        });
        match self.processes.get_mut(ocid) {
            Some(seen) => seen.0 |= present.0,
            None => {
                self.processes.insert(ocid.to_owned(), present);
            }
        }
    }

    /// The coverage of every code.
    pub fn finish(self) -> Assessable {
        // Processes with the same paths are counted once per distinct set.
        let mut sets: HashMap<Present, u64> = HashMap::new();
        for present in self.processes.values() {
            *sets.entry(*present).or_default() += 1;
        }
        let processes = self.processes.len() as u64;
        let paths = &self.catalogue.paths;
        let path_count = |path: usize| -> u64 {
            sets.iter()
                .filter(|(set, _)| set.has(path))
                .map(|(_, n)| n)
                .sum()
        };
        let codes = self
            .catalogue
            .flags
            .iter()
            .map(|flag| {
                let mut assessable = 0;
                let mut needed: HashMap<usize, u64> = HashMap::new();
                for (set, count) in &sets {
                    if flag.needs.holds(*set) {
                        assessable += count;
                        continue;
                    }
                    for path in completion(&flag.needs, *set) {
                        *needed.entry(path).or_default() += count;
                    }
                }
                let mut missing: Vec<Missing> = needed
                    .into_iter()
                    .map(|(path, needed_by)| Missing {
                        path: paths[path].clone(),
                        share: share(path_count(path), processes),
                        needed_by,
                    })
                    .collect();
                missing.sort_by(|a, b| {
                    b.needed_by
                        .cmp(&a.needed_by)
                        .then(a.share.total_cmp(&b.share))
                        .then_with(|| a.path.cmp(&b.path))
                });
                CodeCoverage {
                    code: flag.code.clone(),
                    title: flag.title.clone(),
                    status: flag.status.name(),
                    redflags: flag.status.describe(),
                    indicators: flag.status.indicators().to_vec(),
                    needs: flag.needs_text.clone(),
                    assessable,
                    share: share(assessable, processes),
                    missing,
                }
            })
            .collect();
        Assessable {
            processes,
            codes,
            rejected: Vec::new(),
        }
    }
}

/// The fewest paths to add to `present` to meet `rule`: none for a path present, the path for
/// one absent, those of every part for all of them, and those of the part needing the fewest
/// (the first of equals) for any of them. (A path named in two parts may be counted in each,
/// so that this is the fewest at most up to such repeats.)
fn completion(rule: &ocp::Rule, present: Present) -> Vec<usize> {
    match rule {
        ocp::Rule::Path(path) if present.has(*path) => Vec::new(),
        ocp::Rule::Path(path) => vec![*path],
        ocp::Rule::All(rules) => {
            let mut out: Vec<usize> = Vec::new();
            for rule in rules {
                for path in completion(rule, present) {
                    if !out.contains(&path) {
                        out.push(path);
                    }
                }
            }
            out
        }
        ocp::Rule::Any(rules) => rules
            .iter()
            .map(|rule| completion(rule, present))
            .min_by_key(Vec::len)
            .unwrap_or_default(),
    }
}

/// The coverage of every code on one dataset.
#[derive(Debug, Serialize)]
pub struct Assessable {
    /// The processes read (distinct ocids).
    pub processes: u64,
    /// Every code, in order.
    pub codes: Vec<CodeCoverage>,
    /// What could not be read.
    #[serde(skip)]
    pub rejected: Vec<Rejection>,
}

/// One code's coverage.
#[derive(Debug, Serialize)]
pub struct CodeCoverage {
    /// The code (`R018`).
    pub code: String,
    /// Its title on OCP's list.
    pub title: String,
    /// What redflags does with it: `implemented`, `related`, `needs_list`,
    /// `not_computable`, `planned`.
    pub status: &'static str,
    /// The same, in a phrase naming the indicators, the list or the reason.
    pub redflags: String,
    /// The indicators that compute it or something close to it.
    pub indicators: Vec<&'static str>,
    /// The fields it needs, as a rule (see `indicators/ocp.toml`).
    pub needs: String,
    /// The processes whose data holds what it needs.
    pub assessable: u64,
    /// The same, in % of the processes.
    pub share: f64,
    /// The fields the other processes lack: for each process that cannot be assessed, the
    /// fewest fields that would make it assessable; the fields needed by the most processes
    /// first.
    pub missing: Vec<Missing>,
}

/// A field that some processes lack.
#[derive(Debug, Serialize)]
pub struct Missing {
    /// The path.
    pub path: String,
    /// The processes that hold it, in %.
    pub share: f64,
    /// The processes that need it (among the fewest fields that would make them assessable).
    pub needed_by: u64,
}

impl CodeCoverage {
    /// The missing fields in a phrase: the three needed by the most processes, each with the
    /// share of processes that hold it.
    pub fn missing_text(&self) -> String {
        let mut parts: Vec<String> = self
            .missing
            .iter()
            .take(3)
            .map(|missing| format!("{} ({}%)", missing.path, missing.share))
            .collect();
        if self.missing.len() > 3 {
            parts.push(format!("+{}", self.missing.len() - 3));
        }
        parts.join(", ")
    }
}

/// `part` of `whole` in %, one decimal.
fn share(part: u64, whole: u64) -> f64 {
    super::check::share(part, whole)
}

/// The coverage of every code on the inputs' releases, read within `limits`.
pub fn assessable(inputs: &[String], limits: &Limits) -> Result<Assessable, IngestError> {
    let mut observer = Observer::default();
    let rejected = super::each_raw_release(inputs, limits, &mut |release: RawRelease| {
        let ocid = release.ocid().unwrap_or_default().to_owned();
        observer.observe(&ocid, &release.object);
    })?;
    let mut found = observer.finish();
    found.rejected = rejected;
    Ok(found)
}

/// The table of every code, as text: code, what redflags does, the share of processes it can
/// assess, and the fields missing; the headings in the translator's language (OCP's titles,
/// the paths and the indicators' slugs stay as they are).
pub fn text(found: &Assessable, translator: &Translator) -> String {
    use std::fmt::Write as _;
    let t = |english: &str| translator.sentence(english);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        t(&format!(
            "OCP's red flags on {} processes: what the data supports",
            found.processes
        ))
    );
    let _ = writeln!(
        out,
        "{:<5} {:<52} {:<34} {:>7}  {}",
        t("code"),
        t("title"),
        "redflags",
        t("share"),
        t("missing fields (share of processes that hold each)")
    );
    for code in &found.codes {
        let redflags = match code.status {
            "implemented" => code.redflags.clone(),
            "related" => t(&format!("close to: {}", code.indicators.join(", "))),
            "needs_list" => t("needs a list"),
            "not_computable" => t("not computable"),
            _ => t("not yet"),
        };
        let _ = writeln!(
            out,
            "{:<5} {:<52} {:<34} {:>6.1}%  {}",
            code.code,
            cut(&code.title, 52),
            cut(&redflags, 34),
            code.share,
            code.missing_text()
        );
    }
    let counts = |status: &str| found.codes.iter().filter(|c| c.status == status).count();
    let _ = writeln!(
        out,
        "{}",
        t(&format!(
            "{} implemented, {} close to an indicator, {} need a list from the user, {} not \
             computable, {} not yet (the JSON output, --json, gives each one's reason)",
            counts("implemented"),
            counts("related"),
            counts("needs_list"),
            counts("not_computable"),
            counts("planned"),
        ))
    );
    out
}

/// `text` cut to `width` characters, with `…` where cut.
fn cut(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(width - 1).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code<'a>(found: &'a Assessable, code: &str) -> &'a CodeCoverage {
        found.codes.iter().find(|c| c.code == code).unwrap()
    }

    #[test]
    fn a_process_is_assessable_when_its_releases_together_hold_the_fields() {
        let mut observer = Observer::default();
        let release = |json: &str| -> Map<String, Value> { serde_json::from_str(json).unwrap() };
        // R003 needs the tender period's start and end and the method. Process a has them
        // across two releases; b lacks the start; c has an empty start.
        observer.observe(
            "a",
            &release(r#"{"tender":{"tenderPeriod":{"startDate":"2024-01-01"}}}"#),
        );
        observer.observe(
            "a",
            &release(
                r#"{"tender":{"procurementMethod":"open","tenderPeriod":{"endDate":"2024-01-09"}}}"#,
            ),
        );
        observer.observe(
            "b",
            &release(
                r#"{"tender":{"procurementMethod":"open","tenderPeriod":{"endDate":"2024-01-09"}}}"#,
            ),
        );
        observer.observe(
            "c",
            &release(
                r#"{"tender":{"procurementMethod":"open","tenderPeriod":{"startDate":" ","endDate":"2024-01-09"}}}"#,
            ),
        );
        let found = observer.finish();
        assert_eq!(found.processes, 3);
        let r003 = code(&found, "R003");
        assert_eq!((r003.assessable, r003.share), (1, 33.3));
        assert_eq!(r003.status, "implemented");
        assert_eq!(r003.indicators, ["short_tender_period"]);
        // The start alone keeps b and c out.
        assert_eq!(r003.missing[0].path, "tender/tenderPeriod/startDate");
        assert_eq!(r003.missing[0].needed_by, 2);
        assert_eq!(r003.missing[0].share, 33.3);
        assert_eq!(r003.missing_text(), "tender/tenderPeriod/startDate (33.3%)");
        // Nothing holds a complaint.
        let r020 = code(&found, "R020");
        assert_eq!(r020.assessable, 0);
        assert_eq!(r020.missing_text(), "complaints/id (0%)");
    }

    #[test]
    fn the_alternatives_of_a_rule_count_and_several_gaps_are_told_apart() {
        let mut observer = Observer::default();
        let release = |json: &str| -> Map<String, Value> { serde_json::from_str(json).unwrap() };
        // R013 needs the method and a buyer: the buyer's id and name, or the procuring
        // entity's, or a party's id, name and roles.
        observer.observe(
            "a",
            &release(r#"{"buyer":{"id":"B","name":"N"},"tender":{"procurementMethod":"direct"}}"#),
        );
        observer.observe(
            "b",
            &release(
                r#"{"parties":[{"id":"B","name":"N","roles":["buyer"]}],"tender":{"procurementMethod":"direct"}}"#,
            ),
        );
        observer.observe("c", &release(r#"{"buyer":{"id":"B"}}"#));
        let found = observer.finish();
        let r013 = code(&found, "R013");
        assert_eq!(r013.assessable, 2);
        // c lacks both the method and the buyer's name: the fewest fields that would make it
        // assessable. The other ways to name a buyer are not counted as missing.
        let needed: Vec<(&str, u64)> = r013
            .missing
            .iter()
            .map(|m| (m.path.as_str(), m.needed_by))
            .collect();
        assert_eq!(needed, [("buyer/name", 1), ("tender/procurementMethod", 1)]);
        assert_eq!(
            r013.missing_text(),
            "buyer/name (33.3%), tender/procurementMethod (66.7%)"
        );
    }
}
