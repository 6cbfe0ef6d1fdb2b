//! The OCDS merge rules, applied to the typed release.
//!
//! From `release-schema.json`: a later release's value replaces an earlier one; `null` removes
//! it; objects merge field by field; arrays of objects that all have an `id` merge element by
//! element on `id`; any other array (strings, or objects without ids) is replaced whole;
//! `ocid`, `id`, `date` and `tag` are omitted and set by the compiler. Releases are applied in
//! chronological order of their `date`.

use crate::dates::parse_timestamp;

use super::lenient::{Field, Text};
use super::model::Release;

/// Merges a newer value into an older one, by the OCDS merge rules.
pub trait Merge {
    /// Applies `newer` on top of `self`.
    fn merge(&mut self, newer: Self);

    /// Makes `self`, in place, what merging it into an empty value makes of it: its `null`
    /// fields dropped and the elements of its arrays that share an id collapsed. Only an array
    /// with repeated ids is rebuilt; everything else is left where it is.
    fn settle(&mut self);
}

/// An element of an array that merges by `id`.
pub trait Identified {
    /// The element's `id`, if it has one.
    fn identifier(&self) -> Option<&str>;
}

/// Values that a newer release replaces whole.
macro_rules! replaced_whole {
    ($($type:ty),*) => {
        $(impl Merge for $type {
            fn merge(&mut self, newer: Self) {
                *self = newer;
            }
            fn settle(&mut self) {}
        })*
    };
}

replaced_whole!(Text, f64, i64, Vec<Text>);

impl<T: Merge> Merge for Box<T> {
    fn merge(&mut self, newer: Self) {
        (**self).merge(*newer);
    }
    fn settle(&mut self) {
        (**self).settle();
    }
}

impl<T: Merge + Default> Merge for Field<T> {
    fn merge(&mut self, newer: Self) {
        match newer {
            Field::Absent => {}
            Field::Null => *self = Field::Absent,
            Field::Set(value) => match self {
                Field::Set(old) => old.merge(value),
                _ => {
                    // Merging into an empty value, not copying, so that duplicate ids inside
                    // the value collapse as they would on any later merge.
                    let mut fresh = T::default();
                    fresh.merge(value);
                    *self = Field::Set(fresh);
                }
            },
        }
    }

    fn settle(&mut self) {
        match self {
            Field::Absent => {}
            Field::Null => *self = Field::Absent,
            Field::Set(value) => value.settle(),
        }
    }
}

impl<T: Merge + Identified + Default> Merge for Vec<T> {
    fn merge(&mut self, newer: Self) {
        let all_identified = |list: &[T]| list.iter().all(|item| item.identifier().is_some());
        if !all_identified(&newer) {
            *self = newer;
            return;
        }
        if !all_identified(self) {
            // Replaced whole, by merging into an empty array as a new field is: duplicate ids
            // in the newer array collapse.
            self.clear();
        }
        for item in newer {
            let position = self
                .iter()
                .position(|old| old.identifier() == item.identifier());
            match position {
                Some(index) => self[index].merge(item),
                None => {
                    // Merged into an empty element, as a new field is: its own nulls are
                    // dropped and the duplicate ids inside it collapse.
                    let mut fresh = T::default();
                    fresh.merge(item);
                    self.push(fresh);
                }
            }
        }
    }

    fn settle(&mut self) {
        // An array with an element without id is taken whole, as it is.
        if !self.iter().all(|item| item.identifier().is_some()) {
            return;
        }
        let repeats = if self.len() <= 16 {
            let earlier = |index: usize| &self[..index];
            self.iter().enumerate().any(|(index, item)| {
                earlier(index)
                    .iter()
                    .any(|other| other.identifier() == item.identifier())
            })
        } else {
            let mut ids: Vec<&str> = self.iter().filter_map(Identified::identifier).collect();
            has_repeats(&mut ids)
        };
        if repeats {
            let items = std::mem::take(self);
            self.merge(items);
        } else {
            self.iter_mut().for_each(Merge::settle);
        }
    }
}

/// Whether some text comes more than once (the texts are sorted on the way).
fn has_repeats(texts: &mut [&str]) -> bool {
    texts.sort_unstable();
    texts.windows(2).any(|pair| pair[0] == pair[1])
}

/// Collapses the elements of each array that share an `id`, as merging a release into an empty
/// one does: a publisher's duplicate ids within one release end up as one element.
///
/// The release is settled in place ([`Merge::settle`]): its `ocid`, `id` and `date` stay as
/// they are, and its tag becomes `compiled`.
pub fn compile_single(mut release: Release) -> Release {
    release.settle();
    release.tag = Field::Set(vec![Text::const_new("compiled")]);
    release
}

/// Where a release's `date` puts it in the merge: undated releases first, then dates that do
/// not parse (by their text), then the others by the instant they stand for, whatever time
/// zone they are written in (`2024-04-04T02:30:00+07:00` is before `2024-04-03T21:00:00Z`).
pub fn date_order(date: Option<&str>) -> (Option<i64>, Option<String>) {
    match date.map(|text| (parse_timestamp(text), text)) {
        None => (None, None),
        Some((Some(instant), _)) => (Some(instant), None),
        Some((None, text)) => (None, Some(text.to_owned())),
    }
}

/// Merges the releases of one contracting process into a compiled release.
///
/// `releases` must be non-empty and in input order; they are applied in [`date_order`] (a
/// stable sort, so releases with the same or no date keep their input order).
pub fn compile(mut releases: Vec<Release>) -> Release {
    releases.sort_by_cached_key(|release| date_order(release.date.str()));
    let mut compiled = Release::default();
    for release in releases {
        compiled.ocid = release.ocid.clone();
        if release.date.is_set() {
            compiled.date = release.date.clone();
        }
        compiled.id = release.id.clone();
        compiled.merge(release);
    }
    compiled.tag = Field::Set(vec![Text::const_new("compiled")]);
    compiled
}

#[cfg(test)]
mod tests {
    use super::*;

    fn release(json: &str) -> Release {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn later_releases_win_and_null_removes() {
        let compiled = compile(vec![
            release(r#"{"ocid":"a","date":"2020-02-01","tender":{"title":"new","status":null}}"#),
            release(
                r#"{"ocid":"a","date":"2020-01-01","tender":{"title":"old","status":"active","id":"t1"}}"#,
            ),
        ]);
        let tender = compiled.tender.get().unwrap();
        assert_eq!(tender.title.str(), Some("new"));
        assert_eq!(tender.status, Field::Absent);
        assert_eq!(tender.id.str(), Some("t1"));
        assert_eq!(compiled.date.str(), Some("2020-02-01"));
    }

    #[test]
    fn arrays_merge_by_id_and_otherwise_replace() {
        let compiled = compile(vec![
            release(
                r#"{"ocid":"a","date":"1","awards":[{"id":1,"status":"pending"},{"id":"2"}],"parties":[{"name":"x","roles":["buyer","payer"]}]}"#,
            ),
            release(
                r#"{"ocid":"a","date":"2","awards":[{"id":"1","status":"active"},{"id":"3"}],"parties":[{"name":"y","roles":["supplier"]}]}"#,
            ),
        ]);
        let awards = compiled.awards.items();
        let ids: Vec<_> = awards.iter().map(|a| a.id.str().unwrap()).collect();
        assert_eq!(ids, ["1", "2", "3"]);
        assert_eq!(awards[0].status.str(), Some("active"));
        // Parties without ids: the newer array replaces the older one.
        assert_eq!(compiled.parties.items().len(), 1);
        assert_eq!(compiled.parties.items()[0].name.str(), Some("y"));
    }

    #[test]
    fn duplicate_ids_within_one_release_collapse() {
        let compiled = compile_single(release(
            r#"{"ocid":"a","awards":[{"id":"1","status":"pending"},{"id":"1","date":"2020-01-01"}]}"#,
        ));
        let awards = compiled.awards.items();
        assert_eq!(awards.len(), 1);
        assert_eq!(awards[0].status.str(), Some("pending"));
        assert_eq!(awards[0].date.str(), Some("2020-01-01"));
    }
}
