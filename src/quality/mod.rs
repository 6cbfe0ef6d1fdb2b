//! Knowing the data before trusting its flags: `check`, `coverage` and `prepare`.
//!
//! Red flags computed on bad data are false accusations. These diagnostics read the releases
//! as published (raw JSON, see [`crate::ingest::raw`]), since the lenient model reads past
//! what they must show: a number where an id belongs, a date that does not parse, a local
//! code. They are a separate pass: scoring never pays for them.
//!
//! - [`check`]: coverage and unusable values of the fields the indicators read, what each
//!   indicator can assess, codes outside the OCDS codelists, suspected Buddhist Era years and
//!   unit errors, duplicates, OCDS 1.0 shapes, and the `[prepare]` corrections;
//! - [`coverage`]: how many non-empty values each JSON path holds;
//! - [`prepare`]: the corrected compiled releases, one per line.

pub mod assessable;
pub mod check;
pub mod coverage;
pub mod inspect;
pub mod peers;
pub mod prepare;
pub mod report;
pub mod values;

use std::collections::BTreeSet;

use polars::prelude::*;
use serde_json::Value;

use crate::indicators::REGISTRY;

/// Reads every release of the inputs as published (records' compiled releases included),
/// within `limits`: what could not be read is returned.
pub fn each_raw_release(
    inputs: &[String],
    limits: &crate::ingest::Limits,
    visit: &mut dyn FnMut(crate::ingest::raw::RawRelease),
) -> Result<Vec<crate::ingest::Rejection>, crate::ingest::IngestError> {
    Ok(crate::ingest::read_entries(
        inputs,
        limits,
        &mut |_| {},
        &mut |_| {},
        &mut |_, release: crate::ingest::raw::RawRelease| visit(release),
    )?
    .rejected)
}

/// One thing found in the data (a row of `quality.csv`).
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// The source, by index into the sources read.
    pub source: usize,
    /// The line in the source, for line-delimited JSON.
    pub line: Option<u64>,
    /// The release's place in its unit (`releases[3]`), when inside a package.
    pub location: Option<String>,
    /// The contracting process.
    pub ocid: String,
    /// Where in the release, slash-separated, array indexes left out (`awards/status`).
    pub path: String,
    /// The array indexes along the path, outermost first.
    pub indexes: Vec<usize>,
    /// The value as published (JSON text for anything but a string), if one is concerned.
    pub value: Option<String>,
    /// What kind of problem (`duplicate_id`, `not_in_codelist`, ...); see [`Kind`].
    pub kind: Kind,
    /// What is wrong, in a sentence.
    pub problem: String,
    /// Whether the value is still read as the standard means it (an id written as a number
    /// is; a zero placeholder amount or a local status code is not).
    pub usable: bool,
}

impl Finding {
    /// A finding in a process, its place in the input to be filled in.
    pub fn new(
        ocid: &str,
        path: String,
        indexes: Vec<usize>,
        value: Option<String>,
        kind: Kind,
        problem: String,
    ) -> Finding {
        Finding {
            source: 0,
            line: None,
            location: None,
            ocid: ocid.to_owned(),
            path,
            indexes,
            value,
            kind,
            problem,
            usable: kind.usable(),
        }
    }
}

/// The kinds of findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// A value of the wrong JSON type (an id as a number, an amount as text).
    WrongType,
    /// A code outside its OCDS codelist.
    NotInCodelist,
    /// A zero, negative or placeholder amount.
    PlaceholderAmount,
    /// A date that does not parse or is out of range.
    BadDate,
    /// A year that looks like the Buddhist Era.
    BuddhistEra,
    /// A period that ends before it starts.
    EndBeforeStart,
    /// An amount 100 or 1000 times its peers.
    UnitError,
    /// An ocid in several records or compiled releases.
    DuplicateOcid,
    /// An id found twice in one array.
    DuplicateId,
    /// An OCDS 1.0 shape, upgraded on reading.
    Ocds10,
    /// A value the `[prepare]` settings correct.
    Corrected,
}

impl Kind {
    /// Whether a finding of this kind leaves its value usable, unless it says otherwise:
    /// placeholders, bad dates, Buddhist Era years, reversed periods, wrong types and local
    /// codes are not; suspected unit errors, duplicates, OCDS 1.0 shapes and corrections are.
    pub fn usable(self) -> bool {
        !matches!(
            self,
            Kind::WrongType
                | Kind::NotInCodelist
                | Kind::PlaceholderAmount
                | Kind::BadDate
                | Kind::BuddhistEra
                | Kind::EndBeforeStart
        )
    }

    /// Every kind, in report order.
    pub const ALL: [Kind; 11] = [
        Kind::WrongType,
        Kind::NotInCodelist,
        Kind::PlaceholderAmount,
        Kind::BadDate,
        Kind::BuddhistEra,
        Kind::EndBeforeStart,
        Kind::UnitError,
        Kind::DuplicateOcid,
        Kind::DuplicateId,
        Kind::Ocds10,
        Kind::Corrected,
    ];

    /// The kind's name in outputs.
    pub fn name(self) -> &'static str {
        match self {
            Kind::WrongType => "wrong_type",
            Kind::NotInCodelist => "not_in_codelist",
            Kind::PlaceholderAmount => "placeholder_amount",
            Kind::BadDate => "bad_date",
            Kind::BuddhistEra => "buddhist_era",
            Kind::EndBeforeStart => "end_before_start",
            Kind::UnitError => "unit_error",
            Kind::DuplicateOcid => "duplicate_ocid",
            Kind::DuplicateId => "duplicate_id",
            Kind::Ocds10 => "ocds_1_0",
            Kind::Corrected => "corrected",
        }
    }
}

/// The findings as the `quality.csv` table: source, line, location, ocid, path, indexes
/// (`;`-separated), value, kind, usable, problem.
pub fn findings_frame(findings: &[Finding], sources: &[String]) -> PolarsResult<DataFrame> {
    let indexes: Vec<String> = findings
        .iter()
        .map(|f| {
            let parts: Vec<String> = f.indexes.iter().map(usize::to_string).collect();
            parts.join(";")
        })
        .collect();
    df!(
        "source" => findings.iter().map(|f| sources.get(f.source).map(String::as_str)).collect::<Vec<_>>(),
        "line" => findings.iter().map(|f| f.line).collect::<Vec<_>>(),
        "location" => findings.iter().map(|f| f.location.as_deref()).collect::<Vec<_>>(),
        "ocid" => findings.iter().map(|f| f.ocid.as_str()).collect::<Vec<_>>(),
        "path" => findings.iter().map(|f| f.path.as_str()).collect::<Vec<_>>(),
        "indexes" => indexes,
        "value" => findings.iter().map(|f| f.value.as_deref()).collect::<Vec<_>>(),
        "kind" => findings.iter().map(|f| f.kind.name()).collect::<Vec<_>>(),
        "usable" => findings.iter().map(|f| f.usable).collect::<Vec<_>>(),
        "problem" => findings.iter().map(|f| f.problem.as_str()).collect::<Vec<_>>(),
    )
}

/// Every field an indicator reads (the union of the indicators' `fields`), slash-separated,
/// in name order.
pub fn indicator_fields() -> Vec<String> {
    let fields: BTreeSet<String> = REGISTRY
        .iter()
        .flat_map(|indicator| indicator.metadata().fields.iter())
        .map(|field| field.replace('.', "/"))
        .collect();
    fields.into_iter().collect()
}

/// Whether a value is empty: `null`, a blank string, an empty array or object.
pub fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(text) => text.trim().is_empty(),
        Value::Array(list) => list.is_empty(),
        Value::Object(object) => object.is_empty(),
        _ => false,
    }
}

/// A value as a cell: a string as it is, anything else as compact JSON; cut at 200
/// characters.
pub fn cell(value: &Value) -> String {
    let text = match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    };
    match text.char_indices().nth(200) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text,
    }
}

/// Where a walk is: the path (slash-separated, indexes left out) and the array indexes.
#[derive(Debug, Default)]
pub struct Place {
    /// The path.
    pub path: String,
    /// The indexes.
    pub indexes: Vec<usize>,
}

impl Place {
    /// The path of a child `key`.
    pub fn child(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_owned()
        } else {
            format!("{}/{key}", self.path)
        }
    }
}

/// Visits every value of a release, depth first, with its place, its key (`None` for an array
/// element, which shares its array's path) and the value.
pub fn walk(
    object: &serde_json::Map<String, Value>,
    visit: &mut dyn FnMut(&Place, Option<&str>, &Value),
) {
    let mut place = Place::default();
    walk_object(object, &mut place, visit);
}

fn walk_object(
    object: &serde_json::Map<String, Value>,
    place: &mut Place,
    visit: &mut dyn FnMut(&Place, Option<&str>, &Value),
) {
    for (key, value) in object {
        let length = place.path.len();
        if length > 0 {
            place.path.push('/');
        }
        place.path.push_str(key);
        visit(place, Some(key), value);
        walk_children(value, place, visit);
        place.path.truncate(length);
    }
}

fn walk_children(
    value: &Value,
    place: &mut Place,
    visit: &mut dyn FnMut(&Place, Option<&str>, &Value),
) {
    match value {
        Value::Object(object) => walk_object(object, place, visit),
        Value::Array(list) => {
            for (index, element) in list.iter().enumerate() {
                place.indexes.push(index);
                visit(place, None, element);
                walk_children(element, place, visit);
                place.indexes.pop();
            }
        }
        _ => {}
    }
}
