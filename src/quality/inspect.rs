//! The checks of one release as published: each value the indicators read, the codes, the
//! dates, the amounts, duplicate ids and OCDS 1.0 shapes.

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::values::{
    amount, code, count, date, duplicate_ids, identifier, local_method, number, period, shape,
};
use super::{Finding, Kind, Place, cell, is_empty, walk};
use crate::codelists;
use crate::ingest::prepare::{is_date_key, is_id_key};
use crate::ingest::raw::text_id;

/// The amounts compared for unit errors: a process's estimate, awards and contracts.
const COMPARED_AMOUNTS: [&str; 3] = ["tender/value", "awards/value", "contracts/value"];

/// Organization references whose OCDS 1.0 form has no `id`, only an `identifier`.
const REFERENCES: [&str; 6] = [
    "buyer",
    "tender/procuringEntity",
    "tender/tenderers",
    "bids/details/tenderers",
    "awards/suppliers",
    "parties",
];

/// Collects the findings of one release.
pub struct Reporter<'a> {
    ocid: &'a str,
    indexes: &'a [usize],
    findings: &'a mut Vec<Finding>,
}

impl Reporter<'_> {
    /// A finding at `path`, at the current array indexes, usable as its kind is.
    pub fn report(&mut self, path: String, value: Option<&Value>, kind: Kind, problem: String) {
        self.report_usable(path, value, kind, problem, kind.usable());
    }

    /// A value of the wrong type, when `found` says so: the problem and whether it is read.
    pub fn wrong_type(&mut self, path: &str, value: &Value, found: Option<(&str, bool)>) {
        if let Some((problem, usable)) = found {
            let (path, problem) = (path.to_owned(), problem.to_owned());
            self.report_usable(path, Some(value), Kind::WrongType, problem, usable);
        }
    }

    /// A finding at `path`, saying whether the value is still read.
    pub fn report_usable(
        &mut self,
        path: String,
        value: Option<&Value>,
        kind: Kind,
        problem: String,
        usable: bool,
    ) {
        let indexes = self.indexes.to_vec();
        self.report_at(path, indexes, value, kind, problem);
        if let Some(last) = self.findings.last_mut() {
            last.usable = usable;
        }
    }

    /// A finding at `path` and `indexes`.
    pub fn report_at(
        &mut self,
        path: String,
        indexes: Vec<usize>,
        value: Option<&Value>,
        kind: Kind,
        problem: String,
    ) {
        let value = value.map(cell);
        let finding = Finding::new(self.ocid, path, indexes, value, kind, problem);
        self.findings.push(finding);
    }
}

/// An amount seen, for the comparison with its peers.
#[derive(Debug, Clone)]
pub struct Amount {
    /// `tender/value`, `awards/value` or `contracts/value`.
    pub path: &'static str,
    /// The array indexes (the award's or contract's).
    pub indexes: Vec<usize>,
    /// The amount.
    pub amount: f64,
    /// The currency, if given.
    pub currency: Option<String>,
}

/// What one release shows.
#[derive(Debug, Default)]
pub struct Inspection {
    /// The problems, without their source (the caller's to fill in).
    pub findings: Vec<Finding>,
    /// For each field the indicators read (by index), how many non-empty values it has.
    pub values: Vec<u64>,
    /// The amounts compared for unit errors.
    pub amounts: Vec<Amount>,
    /// The local codes to map: codes outside OCDS codelists, and local methods in
    /// `procurementMethodDetails` where `procurementMethod` has no OCDS code (path, codelist,
    /// code).
    pub codes: Vec<(String, &'static str, String)>,
    /// The years of the dates, up to 2400.
    pub years: Vec<i32>,
}

/// The settings of the inspection.
pub struct Inspector<'a> {
    /// The fields the indicators read, slash-separated.
    pub fields: &'a [String],
    /// Their positions by path.
    pub positions: HashMap<&'a str, usize>,
    /// Amounts the settings declare to be placeholders.
    pub placeholders: &'a [f64],
}

impl<'a> Inspector<'a> {
    /// An inspector of the given fields.
    pub fn new(fields: &'a [String], placeholders: &'a [f64]) -> Self {
        Inspector {
            fields,
            positions: fields
                .iter()
                .enumerate()
                .map(|(index, field)| (field.as_str(), index))
                .collect(),
            placeholders,
        }
    }

    /// Whether an indicator reads the value at this path (a field, or inside one).
    pub fn reads(&self, path: &str) -> bool {
        self.fields.iter().any(|field| {
            path.strip_prefix(field.as_str())
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        })
    }

    /// Whether the array at this path holds what an indicator reads (its ids matter).
    fn holds_read_fields(&self, path: &str) -> bool {
        path == "parties"
            || self.fields.iter().any(|field| {
                field
                    .strip_prefix(path)
                    .is_some_and(|rest| rest.starts_with('/'))
            })
    }

    /// Inspects one release.
    pub fn inspect(&self, ocid: &str, release: &Map<String, Value>) -> Inspection {
        let mut found = Inspection {
            values: vec![0; self.fields.len()],
            ..Inspection::default()
        };
        walk(release, &mut |place, key, value| {
            let mut report = Reporter {
                ocid,
                indexes: &place.indexes,
                findings: &mut found.findings,
            };
            let report = &mut report;
            let path = place.path.as_str();
            if key.is_some()
                && !is_empty(value)
                && let Some(&position) = self.positions.get(path)
            {
                found.values[position] += 1;
            }
            if let Some(codelist) = codelists::for_path(path)
                && !value.is_array()
            {
                code(codelist, path, value, report, &mut found.codes);
            }
            if let Value::Object(object) = value {
                self.object(
                    place,
                    key,
                    object,
                    report,
                    (&mut found.values, &mut found.amounts),
                );
                if path == "tender"
                    && let Some(details) = local_method(object)
                {
                    let path = "tender/procurementMethodDetails".to_owned();
                    found.codes.push((path, codelists::METHOD.name, details));
                }
            }
            let Some(key) = key else {
                return;
            };
            let holds = self.holds_read_fields(path);
            if let Value::Array(list) = value
                && holds
            {
                duplicate_ids(place, list, report);
            }
            let reads = self.reads(path);
            if reads || holds {
                report.wrong_type(path, value, shape(key, value));
            }
            if !reads {
                return;
            }
            if is_date_key(key) {
                date(value, report, path, &mut found.years);
            } else if key == "amount" && !value.is_object() {
                amount(value, self.placeholders, report, path);
            } else if is_id_key(key) {
                report.wrong_type(path, value, identifier(value));
            } else if key == "numberOfTenderers" {
                report.wrong_type(path, value, count(value));
            }
        });
        found
    }

    /// Checks that depend on an object's own fields: periods, OCDS 1.0 shapes, amounts.
    fn object(
        &self,
        place: &Place,
        key: Option<&str>,
        object: &Map<String, Value>,
        report: &mut Reporter,
        (values, amounts): (&mut [u64], &mut Vec<Amount>),
    ) {
        let path = place.path.as_str();
        if self.reads(path) || self.holds_read_fields(path) {
            period(object, report, place);
        }
        if key == Some("amendment")
            && [
                "tender/amendment",
                "awards/amendment",
                "contracts/amendment",
            ]
            .contains(&path)
        {
            let problem = "OCDS 1.0 `amendment` (one object), read as `amendments`".to_owned();
            report.report(path.to_owned(), None, Kind::Ocds10, problem);
        }
        if REFERENCES.contains(&path)
            && text_id(object.get("id")).is_none()
            && let Some(identifier) = object.get("identifier").filter(|i| !is_empty(i))
            && identifier.get("id").is_some_and(|id| !is_empty(id))
        {
            let problem = "organization with no `id` (OCDS 1.0): its id is made from its \
                           identifier (scheme-id)"
                .to_owned();
            report.report(
                place.child("identifier"),
                Some(identifier),
                Kind::Ocds10,
                problem,
            );
            // The upgrade gives the reference the id the indicators read.
            if let Some(&position) = self.positions.get(place.child("id").as_str()) {
                values[position] += 1;
            }
        }
        if path == "planning/budget"
            && object.get("value").is_some_and(|v| !is_empty(v))
            && object.get("amount").is_none_or(is_empty)
        {
            let problem = "the budget in `value`, where OCDS puts it in `amount` (not read)";
            report.report(
                place.child("value"),
                object.get("value"),
                Kind::WrongType,
                problem.to_owned(),
            );
        }
        if key.is_none()
            && path == "contracts/implementation/transactions"
            && object.get("amount").is_some_and(Value::is_object)
            && object.get("value").is_none_or(Value::is_null)
        {
            let problem = "OCDS 1.0 transaction `amount`, read as `value`".to_owned();
            report.report(place.child("amount"), None, Kind::Ocds10, problem);
        }
        if let Some(&compared) = COMPARED_AMOUNTS.iter().find(|p| **p == path)
            && let Some(amount) = object.get("amount").and_then(number)
        {
            amounts.push(Amount {
                path: compared,
                indexes: place.indexes.clone(),
                amount,
                currency: object
                    .get("currency")
                    .and_then(Value::as_str)
                    .map(|c| c.trim().to_owned())
                    .filter(|c| !c.is_empty()),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn findings(json: &str) -> Vec<(String, Kind)> {
        let fields = crate::quality::indicator_fields();
        let inspector = Inspector::new(&fields, &[]);
        let release: Map<String, Value> = serde_json::from_str(json).unwrap();
        inspector
            .inspect("a", &release)
            .findings
            .into_iter()
            .map(|f| (f.path, f.kind))
            .collect()
    }

    #[test]
    fn the_values_the_indicators_read_are_checked() {
        let found = findings(
            r#"{"ocid":"a","date":"2567-01-05",
                "tender":{"status":"Evaluarea","value":{"amount":"0"},"numberOfTenderers":"3",
                          "tenderPeriod":{"startDate":"2023-02-01","endDate":"2023-01-01"},
                          "documents":[{"id":1,"datePublished":"junk"}]},
                "awards":[{"id":1,"status":"active","date":"1900-01-01","amendment":{}},
                          {"id":"1","status":"Activ","value":{"amount":5,"currency":"mdl"}}],
                "buyer":{"identifier":{"scheme":"X","id":"9"}}}"#,
        );
        let expected = [
            ("tender/status", Kind::NotInCodelist),
            ("tender/value/amount", Kind::WrongType),
            ("tender/value/amount", Kind::PlaceholderAmount),
            ("tender/numberOfTenderers", Kind::WrongType),
            ("tender/tenderPeriod/endDate", Kind::EndBeforeStart),
            ("tender/documents/datePublished", Kind::BadDate),
            ("awards/id", Kind::DuplicateId),
            ("awards/id", Kind::WrongType),
            ("awards/date", Kind::BadDate),
            ("awards/amendment", Kind::Ocds10),
            ("awards/status", Kind::NotInCodelist),
            ("awards/value/currency", Kind::NotInCodelist),
            ("buyer/identifier", Kind::Ocds10),
        ];
        let expected: Vec<(String, Kind)> = expected
            .iter()
            .map(|(path, kind)| (path.to_string(), *kind))
            .collect();
        // The release date is not read by an indicator.
        assert_eq!(found, expected);
    }
}
