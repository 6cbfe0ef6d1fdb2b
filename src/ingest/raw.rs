//! Releases as published: raw JSON objects, for the data-quality diagnostics (`check`,
//! `coverage`), which must see the values before the lenient model reads them, and for the
//! prepared compiled releases (`prepare`), which keep every field.
//!
//! They are found in the units by the same classification as the typed releases
//! ([`super::document`]), and merged by the same rules ([`super::merge`]), on JSON values.

use serde::de::{Deserialize, Deserializer};
use serde_json::{Map, Value};

use super::document::{Entry, Origin};

/// A release as published, with where it was found.
#[derive(Debug, Clone, Default)]
pub struct RawRelease {
    /// The release's JSON object, as published (not upgraded from OCDS 1.0).
    pub object: Map<String, Value>,
    /// The path inside its unit (`releases[3]`), when it is inside a package or an array.
    pub location: Option<String>,
    /// How it was found: a release, a record's compiled release, or a record's release.
    pub origin: Origin,
}

impl<'de> Deserialize<'de> for RawRelease {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(RawRelease {
            object: super::limits::bounded_object(deserializer)?,
            ..RawRelease::default()
        })
    }
}

/// A text value as the lenient model reads it: trimmed, `None` when empty.
fn trimmed(value: Option<&Value>) -> Option<&str> {
    value
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|text| !text.is_empty())
}

impl Entry for RawRelease {
    fn ocid(&self) -> Option<&str> {
        trimmed(self.object.get("ocid"))
    }
    fn set_ocid(&mut self, ocid: String) {
        self.object.insert("ocid".to_owned(), Value::String(ocid));
    }
    fn carries_data(&self) -> bool {
        [
            "tender",
            "awards",
            "contracts",
            "buyer",
            "parties",
            "planning",
        ]
        .iter()
        .any(|key| self.object.get(*key).is_some_and(|value| !value.is_null()))
            || self.ocid().is_some()
    }
    fn accept(&mut self, location: Option<&str>, origin: Origin) {
        self.location = location.map(str::to_owned);
        self.origin = origin;
    }
}

/// An element's `id` as text (a number and its text are the same id), if it has one.
pub fn id_text(element: &Value) -> Option<String> {
    text_id(element.get("id"))
}

/// An `id` value as text, if it is non-empty text or a number.
pub fn text_id(id: Option<&Value>) -> Option<String> {
    match id? {
        Value::String(text) => Some(text.trim().to_owned()).filter(|text| !text.is_empty()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

/// Whether every element of an array is an object with an `id`: such arrays merge by `id`.
fn identified(list: &[Value]) -> bool {
    list.iter()
        .all(|element| element.is_object() && id_text(element).is_some())
}

/// Merges a newer value into an older one by the OCDS merge rules: `null` removes, objects
/// merge key by key, arrays of objects with ids merge element by element, anything else is
/// replaced.
fn merge_value(old: &mut Value, newer: Value) {
    match (old, newer) {
        (Value::Object(old), Value::Object(newer)) => merge_object(old, newer),
        (Value::Array(old), Value::Array(newer)) if identified(old) && identified(&newer) => {
            for element in newer {
                let id = id_text(&element);
                match old.iter_mut().find(|known| id_text(known) == id) {
                    Some(known) => merge_value(known, element),
                    None => old.push(fresh(element)),
                }
            }
        }
        (old, newer) => *old = fresh(newer),
    }
}

fn merge_object(old: &mut Map<String, Value>, newer: Map<String, Value>) {
    for (key, value) in newer {
        if value.is_null() {
            old.shift_remove(&key);
        } else if let Some(known) = old.get_mut(&key) {
            merge_value(known, value);
        } else {
            old.insert(key, fresh(value));
        }
    }
}

/// A value merged into nothing: nulls dropped and duplicate ids collapsed, as any merge does.
fn fresh(value: Value) -> Value {
    match value {
        Value::Object(object) => {
            let mut merged = Map::new();
            merge_object(&mut merged, object);
            Value::Object(merged)
        }
        Value::Array(list) if identified(&list) => {
            let mut merged = Value::Array(Vec::new());
            merge_value(&mut merged, Value::Array(list));
            merged
        }
        other => other,
    }
}

/// A release's `date` as the merge orders it.
fn date_of(release: &RawRelease) -> Option<String> {
    match release.object.get("date")? {
        Value::String(text) => Some(text.trim().to_owned()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

/// Merges the releases of one contracting process (non-empty, in input order) into a compiled
/// release, applied in [`super::merge::date_order`] (ties in input order). `ocid`, `id`,
/// `date` and `tag` come first: the process's, the last release's, the latest date, and
/// `["compiled"]`.
pub fn compile(mut releases: Vec<RawRelease>) -> Map<String, Value> {
    releases.sort_by_cached_key(|release| super::merge::date_order(date_of(release).as_deref()));
    let mut head = Map::new();
    let mut body = Map::new();
    for release in releases {
        let mut object = release.object;
        for key in ["ocid", "id", "date"] {
            match (
                key,
                object.shift_remove(key).filter(|value| !value.is_null()),
            ) {
                (_, Some(value)) => head.insert(key.to_owned(), value),
                // The compiled release's id is the last release's, even when it has none.
                ("id", None) => head.remove("id"),
                _ => None,
            };
        }
        object.shift_remove("tag");
        merge_object(&mut body, object);
    }
    head.insert("tag".to_owned(), Value::from(vec!["compiled"]));
    head.extend(body);
    head
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(json: &str) -> RawRelease {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn raw_releases_merge_by_the_ocds_rules() {
        let compiled = compile(vec![
            raw(
                r#"{"ocid":"a","id":"2","date":"2020-02-01","tender":{"title":"new","status":null},
                    "awards":[{"id":"1","status":"active"},{"id":3}]}"#,
            ),
            raw(
                r#"{"ocid":"a","id":"1","date":"2020-01-01","tender":{"title":"old","status":"active","documents":[{"id":"d"}]},
                    "awards":[{"id":1,"status":"pending","date":"2020-01-01"},{"id":1,"title":"dup"}]}"#,
            ),
        ]);
        let text = serde_json::to_string(&compiled).unwrap();
        assert_eq!(
            text,
            r#"{"ocid":"a","id":"2","date":"2020-02-01","tag":["compiled"],"tender":{"title":"new","documents":[{"id":"d"}]},"awards":[{"id":"1","status":"active","date":"2020-01-01","title":"dup"},{"id":3}]}"#
        );
    }
}
