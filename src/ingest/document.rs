//! Classifies one unit of input by its content and takes the releases out of it.
//!
//! A unit is a release (or compiled release), a record, a release package, a record package,
//! or an array of any of these. Each release or record found is an *entry*: it is either
//! accepted (it yields releases with a string `ocid`) or rejected with a reason. A unit that is
//! not JSON, or not an object or array, is rejected whole.
//!
//! The releases are read as any [`Entry`]: the typed model for scoring, or the raw JSON object
//! for the data-quality diagnostics, which must see the values as published.

use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::value::MapAccessDeserializer;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::lenient::{self, Field, Text};
use super::model::Release;
use super::upgrade::upgrade;

/// How an accepted release was found in its unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Origin {
    /// A release standing on its own, alone or in a release package (possibly a compiled
    /// release).
    #[default]
    Release,
    /// A record's `compiledRelease`.
    RecordCompiled,
    /// A release embedded in a record that has no compiled release.
    RecordEmbedded,
}

/// A release as the classification reads it.
pub trait Entry: serde::de::DeserializeOwned + Default {
    /// The `ocid`, when it is a non-empty string.
    fn ocid(&self) -> Option<&str>;
    /// Sets the `ocid` (a record's, for releases that have none).
    fn set_ocid(&mut self, ocid: String);
    /// Whether a release inside a record holds data, rather than only linking to a release.
    fn carries_data(&self) -> bool;
    /// Called on each accepted release, with where it is in its unit and how it was found.
    fn accept(&mut self, location: Option<&str>, origin: Origin);
}

impl Entry for Release {
    fn ocid(&self) -> Option<&str> {
        self.ocid.str()
    }
    fn set_ocid(&mut self, ocid: String) {
        self.ocid = Field::Set(ocid.into());
    }
    fn carries_data(&self) -> bool {
        self.ocid.is_set()
            || self.tender.is_set()
            || self.awards.is_set()
            || self.contracts.is_set()
            || self.buyer.is_set()
            || self.parties.is_set()
            || self.planning.is_set()
    }
    /// The OCDS 1.0 shapes are upgraded.
    fn accept(&mut self, _: Option<&str>, _: Origin) {
        upgrade(self);
    }
}

/// Why an entry or a unit could not be used, and where in the unit it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// The line in the source, when known.
    pub line: Option<u64>,
    /// The path inside the document (`releases[3]`), when the problem is inside one.
    pub location: Option<String>,
    /// The ocid, when known.
    pub ocid: Option<String>,
    /// Why.
    pub reason: String,
}

/// What one unit yielded.
#[derive(Debug)]
pub struct Parsed<R = Release> {
    /// The accepted releases (for the typed model, upgraded to OCDS 1.1), in document order.
    pub releases: Vec<R>,
    /// The entries (releases and records) found in the unit.
    pub entries: u64,
    /// The entries that were accepted.
    pub accepted: u64,
    /// What was rejected: entries, or the whole unit (then `entries` is 0).
    pub problems: Vec<Problem>,
}

impl<R> Parsed<R> {
    /// A unit rejected whole, unread or unreadable.
    pub fn refused(line: Option<u64>, reason: String) -> Parsed<R> {
        Parsed {
            problems: vec![Problem {
                line,
                location: None,
                ocid: None,
                reason,
            }],
            ..Parsed::default()
        }
    }
}

impl<R> Default for Parsed<R> {
    fn default() -> Self {
        Parsed {
            releases: Vec::new(),
            entries: 0,
            accepted: 0,
            problems: Vec::new(),
        }
    }
}

/// A JSON value where an object is expected: the object, or what it was instead.
enum Element<T> {
    Object(T),
    Other(&'static str),
}

struct ElementVisitor<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for ElementVisitor<T> {
    type Value = Element<T>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        T::deserialize(MapAccessDeserializer::new(map)).map(Element::Object)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Element::Other("an array"))
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Ok(Element::Other("a string"))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(Element::Other("a number"))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(Element::Other("a number"))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Element::Other("a number"))
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Element::Other("a boolean"))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Element::Other("null"))
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Element::Other("null"))
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Element<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ElementVisitor(PhantomData))
    }
}

/// An object of any OCDS shape: its package arrays, its record parts, and its release fields.
#[derive(Deserialize)]
#[serde(default, rename_all = "camelCase", bound = "R: Entry")]
struct Node<R> {
    releases: Option<Vec<Element<R>>>,
    records: Option<Vec<Element<Record<R>>>>,
    compiled_release: Option<Element<R>>,
    versioned_release: Option<IgnoredAny>,
    #[serde(flatten)]
    release: R,
}

impl<R: Default> Default for Node<R> {
    fn default() -> Self {
        Node {
            releases: None,
            records: None,
            compiled_release: None,
            versioned_release: None,
            release: R::default(),
        }
    }
}

/// A record, inside a record package.
#[derive(Deserialize)]
#[serde(default, rename_all = "camelCase", bound = "R: Entry")]
struct Record<R> {
    #[serde(deserialize_with = "lenient::string")]
    ocid: Field<Text>,
    releases: Option<Vec<Element<R>>>,
    compiled_release: Option<Element<R>>,
}

impl<R> Default for Record<R> {
    fn default() -> Self {
        Record {
            ocid: Field::Absent,
            releases: None,
            compiled_release: None,
        }
    }
}

impl<R: Entry> From<Node<R>> for Record<R> {
    fn from(node: Node<R>) -> Self {
        Record {
            ocid: node.release.ocid().map(Text::from).into(),
            releases: node.releases,
            compiled_release: node.compiled_release,
        }
    }
}

/// Collects what a unit yields.
struct Collector<R> {
    line: Option<u64>,
    parsed: Parsed<R>,
}

impl<R: Entry> Collector<R> {
    fn reject(&mut self, location: Option<String>, ocid: Option<String>, reason: String) {
        self.parsed.problems.push(Problem {
            line: self.line,
            location,
            ocid,
            reason,
        });
    }

    /// A release standing as an entry of its own.
    fn release(&mut self, location: Option<String>, mut release: R) {
        self.parsed.entries += 1;
        if release.ocid().is_some() {
            self.parsed.accepted += 1;
            release.accept(location.as_deref(), Origin::Release);
            self.parsed.releases.push(release);
        } else {
            self.reject(
                location,
                None,
                "the release has no string `ocid`".to_owned(),
            );
        }
    }

    /// A record: its compiled release, or else its embedded releases merged.
    fn record(&mut self, location: Option<String>, record: Record<R>) {
        self.parsed.entries += 1;
        let ocid = record.ocid.str().map(str::to_owned);
        let mut found = Vec::new();
        let origin = if let Some(Element::Object(compiled)) = record.compiled_release {
            found.push(compiled);
            Origin::RecordCompiled
        } else {
            // Linked releases (a `url`, a `date`, a `tag`) carry no data; embedded ones do.
            found.extend(record.releases.into_iter().flatten().filter_map(
                |element| match element {
                    Element::Object(release) if release.carries_data() => Some(release),
                    _ => None,
                },
            ));
            Origin::RecordEmbedded
        };
        if found.is_empty() {
            let reason = "the record has no `compiledRelease` and no embedded releases to merge";
            self.reject(location, ocid, reason.to_owned());
            return;
        }
        for release in &mut found {
            if release.ocid().is_none()
                && let Some(ocid) = &ocid
            {
                release.set_ocid(ocid.clone());
            }
        }
        if found.iter().any(|release| release.ocid().is_none()) {
            let reason = "the record and its releases have no string `ocid`";
            self.reject(location, None, reason.to_owned());
            return;
        }
        self.parsed.accepted += 1;
        for mut release in found {
            release.accept(location.as_deref(), origin);
            self.parsed.releases.push(release);
        }
    }

    /// An object: a package, a record, or a release.
    fn node(&mut self, location: Option<String>, node: Node<R>) {
        let is_record = node.compiled_release.is_some()
            || node.versioned_release.is_some()
            || (node.release.ocid().is_some() && node.releases.is_some() && node.records.is_none());
        if is_record {
            return self.record(location, node.into());
        }
        if node.releases.is_none() && node.records.is_none() {
            return self.release(location, node.release);
        }
        let prefix = location.map(|l| format!("{l}.")).unwrap_or_default();
        for (index, element) in node.releases.into_iter().flatten().enumerate() {
            let location = Some(format!("{prefix}releases[{index}]"));
            match element {
                Element::Object(release) => self.release(location, release),
                Element::Other(kind) => self.not_an_object(location, kind),
            }
        }
        for (index, element) in node.records.into_iter().flatten().enumerate() {
            let location = Some(format!("{prefix}records[{index}]"));
            match element {
                Element::Object(record) => self.record(location, record),
                Element::Other(kind) => self.not_an_object(location, kind),
            }
        }
    }

    fn not_an_object(&mut self, location: Option<String>, kind: &str) {
        self.parsed.entries += 1;
        self.reject(location, None, format!("not an object but {kind}"));
    }
}

/// Keys whose presence means the unit may be more than a plain release.
const CONTAINER_KEYS: [&[u8]; 4] = [
    b"\"releases\"",
    b"\"records\"",
    b"\"compiledRelease\"",
    b"\"versionedRelease\"",
];

/// The searches for [`CONTAINER_KEYS`], made once: a search made for each unit took a fifth
/// more time (on the 100,000 generated processes' lines: 93 ms against 115; one Aho-Corasick
/// search for the four keys took 470-540 ms).
static CONTAINER_SEARCHES: std::sync::LazyLock<[memchr::memmem::Finder<'static>; 4]> =
    std::sync::LazyLock::new(|| CONTAINER_KEYS.map(memchr::memmem::Finder::new));

/// Two texts, one of which every [`CONTAINER_KEYS`] holds: a unit holding neither is a plain
/// release after two searches instead of four (the searches were 7% of the parse's
/// instructions); only a unit holding one is searched for the keys themselves.
static CONTAINER_HINTS: std::sync::LazyLock<[memchr::memmem::Finder<'static>; 2]> =
    std::sync::LazyLock::new(|| {
        [b"elease".as_slice(), b"\"records\""].map(memchr::memmem::Finder::new)
    });

/// Whether a unit holds any of [`CONTAINER_KEYS`].
fn may_be_container(bytes: &[u8]) -> bool {
    CONTAINER_HINTS
        .iter()
        .any(|hint| hint.find(bytes).is_some())
        && CONTAINER_SEARCHES
            .iter()
            .any(|search| search.find(bytes).is_some())
}

/// Describes a JSON value's kind from its first byte.
fn kind_of(first: u8) -> &'static str {
    match first {
        b'"' => "a string",
        b't' | b'f' => "a boolean",
        b'n' => "null",
        _ => "a number",
    }
}

/// Parses one unit into typed releases. `line` is its line number for line-delimited JSON.
pub fn parse(bytes: &[u8], line: Option<u64>) -> Parsed {
    parse_as(bytes, line)
}

/// Parses one unit into releases of any representation. `line` is its line number for
/// line-delimited JSON.
pub fn parse_as<R: Entry>(bytes: &[u8], line: Option<u64>) -> Parsed<R> {
    let mut collector = Collector {
        line,
        parsed: Parsed::default(),
    };
    // Checked whole first (fast, with SIMD instructions), so that the parser need not check
    // each string: invalid UTF-8 anywhere is not JSON, as the parser would say. Only invalid
    // text is checked again, for the position of the fault.
    let checked = simdutf8::basic::from_utf8(bytes).or_else(|_| std::str::from_utf8(bytes));
    let text = match checked {
        Ok(text) => text,
        Err(error) => {
            let (at, column) = super::limits::position(bytes, error.valid_up_to());
            let reason = format!("not JSON: invalid UTF-8 at line {at} column {column}");
            return Parsed::refused(line.or(Some(at)), reason);
        }
    };
    let first = bytes.trim_ascii_start().first().copied();
    let outcome = match first {
        Some(b'{') => {
            if may_be_container(bytes) {
                serde_json::from_str::<Node<R>>(text).map(|node| collector.node(None, node))
            } else {
                // The common case, a release or compiled release alone: no buffering.
                serde_json::from_str::<R>(text).map(|release| collector.release(None, release))
            }
        }
        Some(b'[') => serde_json::from_str::<Vec<Element<Node<R>>>>(text).map(|elements| {
            for (index, element) in elements.into_iter().enumerate() {
                let location = Some(format!("[{index}]"));
                match element {
                    Element::Object(node) => collector.node(location, node),
                    Element::Other(kind) => collector.not_an_object(location, kind),
                }
            }
        }),
        _ => serde_json::from_str::<IgnoredAny>(text).map(|_| {
            let kind = kind_of(first.unwrap_or(b'n'));
            collector.reject(None, None, format!("not an object but {kind}"));
        }),
    };
    if let Err(error) = outcome {
        // Nothing from a unit that is not valid JSON is kept: it is rejected whole.
        let in_document = line.is_none();
        let reason = if error.to_string().starts_with("recursion limit exceeded") {
            let at = line.unwrap_or(error.line() as u64);
            let max = super::limits::PARSER_DEPTH;
            super::limits::depth_reason(max, at, error.column() as u64)
        } else if error.is_syntax() || error.is_eof() {
            format!("not JSON: {error}")
        } else {
            format!("unreadable: {error}")
        };
        let line = if in_document {
            Some(error.line() as u64)
        } else {
            line
        };
        return Parsed::refused(line, reason);
    }
    collector.parsed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ocids(parsed: &Parsed) -> Vec<&str> {
        parsed
            .releases
            .iter()
            .map(|release| release.ocid.str().unwrap())
            .collect()
    }

    #[test]
    fn a_release_alone() {
        let parsed = parse(br#"{"ocid":"a","tender":{"amendment":{"id":1}}}"#, Some(3));
        assert_eq!(ocids(&parsed), ["a"]);
        assert_eq!((parsed.entries, parsed.accepted), (1, 1));
        // Upgraded from OCDS 1.0.
        let tender = parsed.releases[0].tender.get().unwrap();
        assert_eq!(tender.amendments.items().len(), 1);
    }

    #[test]
    fn a_release_package_with_bad_elements() {
        let parsed = parse(
            br#"{"uri":"x","releases":[{"ocid":"a"},7,{"ocid":12},{"ocid":"b"}]}"#,
            None,
        );
        assert_eq!(ocids(&parsed), ["a", "b"]);
        assert_eq!((parsed.entries, parsed.accepted), (4, 2));
        let locations: Vec<_> = parsed
            .problems
            .iter()
            .map(|p| (p.location.clone().unwrap(), p.reason.clone()))
            .collect();
        assert_eq!(locations[0].0, "releases[1]");
        assert_eq!(locations[0].1, "not an object but a number");
        assert_eq!(locations[1].0, "releases[2]");
        assert!(locations[1].1.contains("no string `ocid`"));
    }

    #[test]
    fn a_record_package_uses_compiled_releases_else_embedded_releases() {
        let parsed = parse(
            br#"{"records":[
                {"ocid":"a","compiledRelease":{"ocid":"a","tender":{"id":"t"}},
                 "releases":[{"url":"http://x","date":"2020-01-01"}]},
                {"ocid":"b","releases":[{"ocid":"b","date":"1","tender":{"id":"1"}},
                                        {"ocid":"b","date":"2","awards":[]}]},
                {"ocid":"c","releases":[{"url":"http://y"}]}
            ]}"#,
            None,
        );
        assert_eq!(ocids(&parsed), ["a", "b", "b"]);
        assert_eq!((parsed.entries, parsed.accepted), (3, 2));
        assert_eq!(parsed.problems[0].ocid.as_deref(), Some("c"));
        assert_eq!(parsed.problems[0].location.as_deref(), Some("records[2]"));
    }

    #[test]
    fn a_single_record_without_a_top_level_ocid() {
        let parsed = parse(
            br#"{"compiledRelease":{"ocid":"a"},"releases":[{"ocid":"a"}],"versionedRelease":{}}"#,
            None,
        );
        assert_eq!(ocids(&parsed), ["a"]);
        assert_eq!(parsed.entries, 1);
    }

    #[test]
    fn an_array_of_releases() {
        let parsed = parse(br#"[{"ocid":"a"},{"ocid":"b"},"x"]"#, None);
        assert_eq!(ocids(&parsed), ["a", "b"]);
        assert_eq!(parsed.problems[0].location.as_deref(), Some("[2]"));
    }

    #[test]
    fn not_json_or_not_an_object() {
        let parsed = parse(b"{\n\"ocid\": \"a\",\n oops}", None);
        assert!(parsed.releases.is_empty());
        assert_eq!(parsed.entries, 0);
        assert_eq!(parsed.problems[0].line, Some(3));
        assert!(parsed.problems[0].reason.starts_with("not JSON"));
        let parsed = parse(b"\"text\"", Some(9));
        assert_eq!(parsed.problems[0].reason, "not an object but a string");
        assert_eq!(parsed.problems[0].line, Some(9));
    }
}
