//! The checks of single values: types, codes, dates, amounts, periods, duplicate ids.

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::inspect::Reporter;
use super::{Kind, Place, cell, is_empty};
use crate::codelists;
use crate::dates::parse_timestamp;
use crate::ingest::lenient::parse_number;
use crate::ingest::prepare::{BUDDHIST_ERA_FROM, BUDDHIST_ERA_OFFSET, leading_year};
use crate::ingest::raw::id_text;

/// Years outside this range are out of range for procurement data.
pub const YEARS: std::ops::RangeInclusive<i32> = 1990..=2100;

/// Keys whose value is an array of objects in OCDS.
pub const ARRAYS: [&str; 9] = [
    "awards",
    "contracts",
    "details",
    "tenderers",
    "suppliers",
    "items",
    "amendments",
    "transactions",
    "parties",
];

/// Keys whose value is an object in OCDS.
pub const OBJECTS: [&str; 10] = [
    "tender",
    "buyer",
    "procuringEntity",
    "value",
    "tenderPeriod",
    "period",
    "planning",
    "budget",
    "bids",
    "classification",
];

/// An amount: a number, not zero, negative or a placeholder (zero, one, nines only, or one
/// of `placeholders`).
pub fn amount(value: &Value, placeholders: &[f64], report: &mut Reporter, path: &str) {
    let amount = match value {
        Value::Number(number) => number.as_f64(),
        Value::String(text) if text.trim().is_empty() => return,
        Value::String(text) => {
            let parsed = parse_number(text);
            let problem = match parsed {
                Some(_) => "amount written as text (read as a number)",
                None => "amount that is not a number",
            };
            let (problem, usable) = (problem.to_owned(), parsed.is_some());
            report.report_usable(
                path.to_owned(),
                Some(value),
                Kind::WrongType,
                problem,
                usable,
            );
            parsed
        }
        Value::Null => return,
        _ => {
            let problem = "amount that is not a number".to_owned();
            report.report(path.to_owned(), Some(value), Kind::WrongType, problem);
            None
        }
    };
    let Some(amount) = amount else {
        return;
    };
    let problem = if placeholders.contains(&amount) {
        "placeholder amount (in prepare.placeholder_amounts)"
    } else if amount == 0.0 {
        "zero amount: a placeholder for an unknown value?"
    } else if amount < 0.0 {
        "negative amount"
    } else if amount == 1.0 {
        "amount of 1: a placeholder for an unknown value?"
    } else if amount >= 99_999.0
        && amount.fract() == 0.0
        && amount.to_string().bytes().all(|b| b == b'9')
    {
        "amount of nines only: a placeholder for an unknown value?"
    } else {
        return;
    };
    report.report(
        path.to_owned(),
        Some(value),
        Kind::PlaceholderAmount,
        problem.to_owned(),
    );
}

/// The local method in a tender's `procurementMethodDetails` when its `procurementMethod` is
/// missing or not an OCDS code: a value to map to an OCDS method.
pub fn local_method(tender: &Map<String, Value>) -> Option<String> {
    let method = tender
        .get("procurementMethod")
        .and_then(Value::as_str)
        .map(str::trim);
    if method.is_some_and(|method| codelists::METHOD.contains(method)) {
        return None;
    }
    let details = tender.get("procurementMethodDetails")?.as_str()?.trim();
    (!details.is_empty()).then(|| details.to_owned())
}

/// A number, or a numeric string.
pub fn number(value: &Value) -> Option<f64> {
    match value {
        Value::Number(number) => number.as_f64(),
        Value::String(text) => parse_number(text),
        _ => None,
    }
}

/// A code: text in its codelist.
pub fn code(
    codelist: &'static codelists::Codelist,
    path: &str,
    value: &Value,
    report: &mut Reporter,
    codes: &mut Vec<(String, &'static str, String)>,
) {
    let text = match value {
        Value::String(text) => text.trim(),
        Value::Null => return,
        other => {
            let problem = format!("a {} code that is not text", codelist.name);
            report.report(path.to_owned(), Some(other), Kind::WrongType, problem);
            return;
        }
    };
    if text.is_empty() || codelist.contains(text) {
        return;
    }
    codes.push((path.to_owned(), codelist.name, text.to_owned()));
    let mut problem = format!("{text:?} is not in OCDS's {} codelist", codelist.name);
    let case_variant = codelist.case_variant(text);
    if let Some(known) = case_variant {
        problem.push_str(&format!(" (it is {known:?} but for letter case)"));
    } else if codelist.open {
        problem.push_str(" (an open codelist: a local code is allowed, but is it mapped?)");
    }
    // The indicators compare codes without regard to case.
    let usable = case_variant.is_some() || codelist.open;
    report.report_usable(
        path.to_owned(),
        Some(value),
        Kind::NotInCodelist,
        problem,
        usable,
    );
}

/// An object where an array belongs, or the reverse: the problem, and whether it is read.
pub fn shape(key: &str, value: &Value) -> Option<(&'static str, bool)> {
    let container = ARRAYS.contains(&key) || OBJECTS.contains(&key);
    match value {
        Value::Object(_) if ARRAYS.contains(&key) => Some((
            "an object where an array belongs (read as a one-element array)",
            true,
        )),
        Value::Array(_) if OBJECTS.contains(&key) => Some((
            "an array where an object belongs (its first object is read)",
            true,
        )),
        Value::String(_) | Value::Number(_) | Value::Bool(_) if container && !is_empty(value) => {
            Some((
                "text or a number where an object or array belongs (not read)",
                false,
            ))
        }
        _ => None,
    }
}

/// A date: text that parses, in range, in the Common Era.
pub fn date(value: &Value, report: &mut Reporter, path: &str, years: &mut Vec<i32>) {
    let text = match value {
        Value::String(text) if text.trim().is_empty() => return,
        Value::String(text) => text,
        Value::Null => return,
        _ => {
            let problem = "a date that is not text".to_owned();
            report.report(path.to_owned(), Some(value), Kind::WrongType, problem);
            return;
        }
    };
    let year = leading_year(text);
    if let Some(year) = year.filter(|year| *year > BUDDHIST_ERA_FROM) {
        let problem = format!(
            "year {year} is above {BUDDHIST_ERA_FROM}: a Buddhist Era date? ({} in the Common Era)",
            year - BUDDHIST_ERA_OFFSET
        );
        report.report(path.to_owned(), Some(value), Kind::BuddhistEra, problem);
        return;
    }
    if parse_timestamp(text).is_none() {
        let problem =
            "a date that does not parse (expected ISO 8601, e.g. 2024-03-31T10:00:00+07:00)";
        report.report(
            path.to_owned(),
            Some(value),
            Kind::BadDate,
            problem.to_owned(),
        );
        return;
    }
    if let Some(year) = year {
        years.push(year);
        if !YEARS.contains(&year) {
            let problem = format!(
                "year {year} is out of range ({}–{})",
                YEARS.start(),
                YEARS.end()
            );
            report.report(path.to_owned(), Some(value), Kind::BadDate, problem);
        }
    }
}

/// A period whose end date is before its start date.
pub fn period(object: &Map<String, Value>, report: &mut Reporter, place: &Place) {
    let timestamp = |key: &str| {
        object
            .get(key)
            .and_then(Value::as_str)
            .and_then(parse_timestamp)
    };
    if let (Some(start), Some(end)) = (timestamp("startDate"), timestamp("endDate"))
        && end < start
    {
        let problem = format!(
            "the period ends before it starts (on {})",
            object.get("startDate").map(cell).unwrap_or_default()
        );
        report.report(
            place.child("endDate"),
            object.get("endDate"),
            Kind::EndBeforeStart,
            problem,
        );
    }
}

/// An identifier: text (a number is read as text).
pub fn identifier(value: &Value) -> Option<(&'static str, bool)> {
    match value {
        Value::Number(_) => Some((
            "id written as a number; OCDS ids are strings (read as text)",
            true,
        )),
        Value::Object(_) | Value::Array(_) => {
            Some(("an object or array where an id belongs (not read)", false))
        }
        _ => None,
    }
}

/// A count: a whole number, not negative.
pub fn count(value: &Value) -> Option<(&'static str, bool)> {
    match value {
        Value::Number(number) if number.as_u64().is_some() => None,
        Value::String(text) if text.trim().parse::<u64>().is_ok() => {
            Some(("count written as text (read as a number)", true))
        }
        Value::Null => None,
        _ => Some(("not a whole number of 0 or more (not read)", false)),
    }
}

/// The elements of an array that repeat an earlier element's id.
pub fn duplicate_ids(place: &Place, list: &[Value], report: &mut Reporter) {
    let mut first: HashMap<String, usize> = HashMap::new();
    for (index, element) in list.iter().enumerate() {
        let Some(id) = id_text(element) else {
            continue;
        };
        let Some(&earlier) = first.get(&id) else {
            first.insert(id, index);
            continue;
        };
        let mut indexes = place.indexes.clone();
        indexes.push(index);
        let problem = format!(
            "id {id:?} already used by element {earlier} of {}: the elements are merged into one",
            place.path
        );
        let value = Value::String(id);
        report.report_at(
            place.child("id"),
            indexes,
            Some(&value),
            Kind::DuplicateId,
            problem,
        );
    }
}
