//! Properties of the OCDS merge and of the risk score, checked on generated input: releases
//! whose arrays share ids from small pools and whose dates collide or come in any order, and
//! indicator outcomes with every mix of flagged, clear and unassessable processes.
//!
//! The merge is checked against the merge routine of the OCDS documentation and the merge
//! rules that `release-schema.json` declares (`omitWhenMerged`, `wholeListMerge`, arrays whose
//! items have an `id`), by a small reference implementation on JSON values, not against the
//! merge code itself.

mod common;

use chrono::{DateTime, FixedOffset, SecondsFormat};
use polars::prelude::{DataFrame, DataType};
use proptest::prelude::*;
use proptest::sample::{select, subsequence};
use serde_json::{Map, Value, json};

use redflags::config::Config;
use redflags::frames::Frames;
use redflags::indicators::{Group, Outcome, empty_organizations};
use redflags::ingest::merge::{compile, compile_single};
use redflags::ingest::model::Release;
use redflags::ingest::raw::{self, RawRelease};
use redflags::score::{IndicatorRun, Scored};

// Generated releases.

/// A field as a release may state it: absent (`None`), `null`, or set.
fn stated(value: BoxedStrategy<Value>) -> BoxedStrategy<Option<Value>> {
    prop_oneof![
        3 => Just(None),
        1 => Just(Some(Value::Null)),
        4 => value.prop_map(Some),
    ]
    .boxed()
}

/// A field a release always sets.
fn set(value: BoxedStrategy<Value>) -> BoxedStrategy<Option<Value>> {
    value.prop_map(Some).boxed()
}

/// An object holding the fields that are stated.
fn object(fields: Vec<(&'static str, BoxedStrategy<Option<Value>>)>) -> BoxedStrategy<Value> {
    let (keys, values): (Vec<_>, Vec<_>) = fields.into_iter().unzip();
    values
        .prop_map(move |values| {
            let fields = keys.iter().zip(values);
            Value::Object(
                fields
                    .filter_map(|(key, value)| Some(((*key).to_owned(), value?)))
                    .collect(),
            )
        })
        .boxed()
}

fn text(pool: &'static [&'static str]) -> BoxedStrategy<Value> {
    select(pool).prop_map(Value::from).boxed()
}

fn list(element: BoxedStrategy<Value>) -> BoxedStrategy<Value> {
    prop::collection::vec(element, 0..4)
        .prop_map(Value::Array)
        .boxed()
}

/// The ids of elements of arrays: a small pool, so that releases and elements share them.
const IDS: &[&str] = &["1", "2", "3"];

/// Whether every element of an array that merges by id has an id, or only most do (a
/// publisher's parties and transactions without ids, which no rule of the schema covers).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Ids {
    Always,
    Mostly,
}

fn element_id(ids: Ids) -> BoxedStrategy<Option<Value>> {
    match ids {
        Ids::Always => set(text(IDS)),
        Ids::Mostly => prop_oneof![4 => set(text(IDS)), 1 => Just(None)].boxed(),
    }
}

fn amount() -> BoxedStrategy<Value> {
    object(vec![
        (
            "amount",
            stated((0u32..4).prop_map(|n| json!(f64::from(n) * 1250.5)).boxed()),
        ),
        ("currency", stated(text(&["THB", "USD"]))),
    ])
}

fn day() -> BoxedStrategy<Value> {
    text(&["2024-01-15", "2024-02-01", "2024-06-30"])
}

fn organization_reference() -> BoxedStrategy<Value> {
    object(vec![
        ("id", set(text(&["org-1", "org-2", "org-3"]))),
        ("name", stated(text(&["Alpha Co", "Beta Ltd"]))),
    ])
}

fn party(ids: Ids) -> BoxedStrategy<Value> {
    let roles = prop::collection::vec(select(&["buyer", "supplier", "tenderer"][..]), 0..3)
        .prop_map(|roles| json!(roles))
        .boxed();
    object(vec![
        ("id", element_id(ids)),
        ("name", stated(text(&["Alpha Co", "Beta Ltd", "Gamma"]))),
        ("roles", stated(roles)),
    ])
}

fn period() -> BoxedStrategy<Value> {
    object(vec![
        ("startDate", stated(day())),
        ("endDate", stated(day())),
    ])
}

fn item() -> BoxedStrategy<Value> {
    let classification = object(vec![
        ("scheme", stated(text(&["CPV", "UNSPSC"]))),
        ("id", stated(text(&["45000000", "72000000"]))),
    ]);
    object(vec![
        ("id", set(text(IDS))),
        ("classification", stated(classification)),
    ])
}

fn amendment() -> BoxedStrategy<Value> {
    object(vec![
        ("id", set(text(IDS))),
        ("date", stated(day())),
        ("rationale", stated(text(&["price change", "extension"]))),
    ])
}

fn tender() -> BoxedStrategy<Value> {
    object(vec![
        ("id", stated(text(&["tender-1", "tender-2"]))),
        ("title", stated(text(&["Roads", "Bridges", "Schools"]))),
        ("status", stated(text(&["planned", "active", "complete"]))),
        ("procuringEntity", stated(organization_reference())),
        ("value", stated(amount())),
        ("procurementMethod", stated(text(&["open", "direct"]))),
        (
            "numberOfTenderers",
            stated((0u32..4).prop_map(Value::from).boxed()),
        ),
        ("tenderPeriod", stated(period())),
        ("tenderers", stated(list(organization_reference()))),
        ("items", stated(list(item()))),
        ("amendments", stated(list(amendment()))),
    ])
}

fn bids() -> BoxedStrategy<Value> {
    let bid = object(vec![
        ("id", set(text(IDS))),
        ("status", stated(text(&["valid", "disqualified"]))),
        ("value", stated(amount())),
        ("tenderers", stated(list(organization_reference()))),
    ]);
    object(vec![("details", stated(list(bid)))])
}

fn award() -> BoxedStrategy<Value> {
    object(vec![
        ("id", set(text(IDS))),
        ("title", stated(text(&["Lot 1", "Lot 2"]))),
        ("status", stated(text(&["pending", "active", "cancelled"]))),
        ("date", stated(day())),
        ("value", stated(amount())),
        ("suppliers", stated(list(organization_reference()))),
        ("items", stated(list(item()))),
    ])
}

fn contract(ids: Ids) -> BoxedStrategy<Value> {
    let transaction = object(vec![
        ("id", element_id(ids)),
        ("date", stated(day())),
        ("value", stated(amount())),
    ]);
    let implementation = object(vec![("transactions", stated(list(transaction)))]);
    object(vec![
        ("id", set(text(IDS))),
        ("awardID", stated(text(IDS))),
        ("status", stated(text(&["pending", "active", "terminated"]))),
        ("period", stated(period())),
        ("value", stated(amount())),
        ("implementation", stated(implementation)),
    ])
}

/// The date of a release, on one of `days` days in January 2024 (at most 9), in one format.
fn release_date(days: std::ops::RangeInclusive<u32>) -> BoxedStrategy<Value> {
    days.prop_map(|day| json!(format!("2024-01-0{day}T09:30:00Z")))
        .boxed()
}

/// A release of process `ocds-213czf-1`, with any of the fields the model reads.
fn release(ids: Ids, days: std::ops::RangeInclusive<u32>) -> BoxedStrategy<Value> {
    let budget = object(vec![("amount", stated(amount()))]);
    object(vec![
        ("ocid", set(Just(json!("ocds-213czf-1")).boxed())),
        ("date", set(release_date(days))),
        ("tag", stated(Just(json!(["tender"])).boxed())),
        ("buyer", stated(organization_reference())),
        ("parties", stated(list(party(ids)))),
        ("planning", stated(object(vec![("budget", stated(budget))]))),
        ("tender", stated(tender())),
        ("bids", stated(bids())),
        ("awards", stated(list(award()))),
        ("contracts", stated(list(contract(ids)))),
    ])
}

/// Releases of one process, with ids `r0`, `r1`, ... in input order.
fn releases(
    count: std::ops::Range<usize>,
    ids: Ids,
    days: std::ops::RangeInclusive<u32>,
) -> impl Strategy<Value = Vec<Value>> {
    prop::collection::vec(release(ids, days), count).prop_map(|mut releases| {
        for (index, release) in releases.iter_mut().enumerate() {
            release["id"] = json!(format!("r{index}"));
        }
        releases
    })
}

// Reading and comparing.

fn typed(release: &Value) -> Release {
    serde_json::from_str(&release.to_string()).expect("a generated release reads")
}

fn typed_all(releases: &[Value]) -> Vec<Release> {
    releases.iter().map(typed).collect()
}

fn raw_all(releases: &[Value]) -> Vec<RawRelease> {
    let read = |release: &Value| serde_json::from_str(&release.to_string()).unwrap();
    releases.iter().map(read).collect()
}

/// A value as the comparisons see it: no `null` fields (a compiled release writes an absent
/// field as `null`) and every number as a float (the model reads amounts as floats).
fn normalized(value: Value) -> Value {
    match value {
        Value::Object(fields) => Value::Object(
            fields
                .into_iter()
                .filter(|(_, value)| !value.is_null())
                .map(|(key, value)| (key, normalized(value)))
                .collect(),
        ),
        Value::Array(elements) => Value::Array(elements.into_iter().map(normalized).collect()),
        Value::Number(number) => json!(number.as_f64()),
        other => other,
    }
}

fn json_of(release: &Release) -> Value {
    normalized(serde_json::to_value(release).unwrap())
}

/// The whole typed release, down to what its JSON does not show (whether a field is absent or
/// `null`, the first end date the merge keeps for each contract), for exact comparisons.
fn exact(release: &Release) -> String {
    format!("{release:?}")
}

/// What a compiled release says: its JSON, and the first end date the merge kept for each
/// contract. (A field the releases never set and one they set to `null` say the same.)
fn content(release: &Release) -> (Value, Vec<Option<String>>) {
    let contracts = release.contracts.items().iter();
    let first_ends = contracts.map(|contract| contract.first_period_end.str().map(str::to_owned));
    (json_of(release), first_ends.collect())
}

/// How a release states the field at `path` (object keys): absent, removed (it or an object
/// holding it is `null`), or a value.
#[derive(Debug, PartialEq)]
enum Statement<'a> {
    Absent,
    Removed,
    Value(&'a Value),
}

fn statement<'a>(mut value: &'a Value, path: &[&str]) -> Statement<'a> {
    for key in path {
        match value.get(key) {
            None => return Statement::Absent,
            Some(Value::Null) => return Statement::Removed,
            Some(inner) => value = inner,
        }
    }
    Statement::Value(value)
}

/// The releases in the order the merge applies them: by date (all in one format here, so
/// their text sorts chronologically), ties in input order.
fn by_date(releases: &[Value]) -> Vec<&Value> {
    let mut ordered: Vec<&Value> = releases.iter().collect();
    ordered.sort_by_key(|release| release["date"].as_str().map(str::to_owned));
    ordered
}

/// Keeps the first element of each id in every array whose elements all have ids (a release
/// whose arrays hold each id once).
fn without_duplicate_ids(value: &mut Value) {
    match value {
        Value::Object(fields) => fields.values_mut().for_each(without_duplicate_ids),
        Value::Array(elements) => {
            if elements.iter().all(|element| element.get("id").is_some()) {
                let mut seen = Vec::new();
                elements.retain(|element| {
                    let fresh = !seen.contains(&element["id"]);
                    seen.push(element["id"].clone());
                    fresh
                });
            }
            elements.iter_mut().for_each(without_duplicate_ids);
        }
        _ => {}
    }
}

// The reference merge.

/// The merge rules that the release schema declares, and the merge routine of the OCDS
/// documentation ("Merging") on JSON values.
struct Reference {
    schema: Value,
}

impl Reference {
    /// The reference of the OCDS schema's merge rules, or `None` (the test skipped) without
    /// the shared schema.
    fn load() -> Option<Reference> {
        let path = common::shared_sample("schema/release-schema-1.1.5.json")?;
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        Some(Reference {
            schema: serde_json::from_str(&text).unwrap(),
        })
    }

    /// Follows a `$ref` to the schema's definitions.
    fn resolve<'a>(&'a self, node: &'a Value) -> &'a Value {
        match node.get("$ref").and_then(Value::as_str) {
            Some(reference) => {
                let name = reference.trim_start_matches("#/definitions/");
                self.resolve(&self.schema["definitions"][name])
            }
            None => node,
        }
    }

    /// The schema of the field at `path` (object keys; arrays are passed through to their
    /// items), if the schema declares it.
    fn field(&self, path: &[String]) -> Option<&Value> {
        let mut node = &self.schema;
        for key in path {
            let mut parent = self.resolve(node);
            if let Some(items) = parent.get("items") {
                parent = self.resolve(items);
            }
            node = parent.get("properties")?.get(key)?;
        }
        Some(node)
    }

    /// The top-level fields a compiled release discards (`omitWhenMerged`).
    fn omitted(&self) -> Vec<String> {
        let fields = self.schema["properties"].as_object().unwrap();
        let omitted = fields
            .iter()
            .filter(|(_, field)| field["omitWhenMerged"] == true);
        omitted.map(|(name, _)| name.clone()).collect()
    }

    /// Whether the array of objects at `path` merges by identifier: no `wholeListMerge`, and
    /// its items have an `id` field. The bid extension's arrays (`bids.details` and its
    /// `tenderers`), outside the core schema, hold objects with ids.
    fn identifier_merge(&self, path: &[String]) -> bool {
        let Some(field) = self.field(path) else {
            return path.first().is_some_and(|first| first == "bids");
        };
        if field["wholeListMerge"] == true {
            return false;
        }
        let items = self.resolve(&self.resolve(field)["items"]);
        items["properties"].get("id").is_some()
    }

    /// The compiled release but the fields the schema omits when merging (`id`, `date` and
    /// `tag`, which the compiled release sets itself): the releases merged in order of date,
    /// ties in input order.
    fn compile(&self, releases: &[Value]) -> Value {
        let omitted = self.omitted();
        let mut output = Map::new();
        for release in by_date(releases) {
            let mut input = release.as_object().unwrap().clone();
            input.retain(|key, _| !omitted.contains(key));
            self.merge_object(&mut output, &input, &mut Vec::new());
        }
        Value::Object(output)
    }

    /// `null` removes a field; any other field merges with its value in the output. A field
    /// or array element not yet in the output is merged into an empty value: the routine's
    /// "set it to its value", read so that the elements of one release that share an id
    /// collapse into one, and its `null`s inside are dropped, as when the output has it already.
    fn merge_object(
        &self,
        output: &mut Map<String, Value>,
        input: &Map<String, Value>,
        path: &mut Vec<String>,
    ) {
        for (key, value) in input {
            if value.is_null() {
                output.remove(key);
                continue;
            }
            path.push(key.clone());
            let slot = output.entry(key.clone()).or_insert(Value::Null);
            self.merge_value(slot, value, path);
            path.pop();
        }
    }

    /// Objects merge field by field; arrays of objects that merge by identifier merge element
    /// by element on `id` (new ids appended, an empty array changes nothing); any other value
    /// (text, numbers, arrays of strings, arrays replaced whole) replaces the output's.
    fn merge_value(&self, output: &mut Value, input: &Value, path: &mut Vec<String>) {
        match input {
            Value::Object(fields) => {
                if !output.is_object() {
                    *output = Value::Object(Map::new());
                }
                self.merge_object(output.as_object_mut().unwrap(), fields, path);
            }
            Value::Array(elements)
                if elements.iter().all(Value::is_object) && self.identifier_merge(path) =>
            {
                if !output.is_array() {
                    *output = Value::Array(Vec::new());
                }
                let known = output.as_array_mut().unwrap();
                for element in elements {
                    let index = match known.iter().position(|old| old["id"] == element["id"]) {
                        Some(index) => index,
                        None => {
                            known.push(Value::Object(Map::new()));
                            known.len() - 1
                        }
                    };
                    self.merge_value(&mut known[index], element, path);
                }
            }
            literal => *output = literal.clone(),
        }
    }
}

fn reference() -> Option<&'static Reference> {
    static REFERENCE: std::sync::OnceLock<Option<Reference>> = std::sync::OnceLock::new();
    REFERENCE.get_or_init(Reference::load).as_ref()
}

/// Takes the compiled release's own `id`, `date` and `tag` out, checking the tag and that the
/// date is the latest release's, and returns the rest.
fn merged_fields(compiled: Value, latest_date: &Value) -> Result<Value, TestCaseError> {
    let Value::Object(mut fields) = compiled else {
        return Err(TestCaseError::fail("a compiled release is an object"));
    };
    prop_assert_eq!(fields.remove("tag"), Some(json!(["compiled"])));
    prop_assert_eq!(fields.remove("date"), Some(latest_date.clone()));
    fields.remove("id");
    Ok(Value::Object(fields))
}

// Merge properties.

/// Arrays whose elements all have ids in the generated releases (with `Ids::Always`).
const IDENTIFIED: [&[&str]; 6] = [
    &["awards"],
    &["contracts"],
    &["parties"],
    &["tender", "items"],
    &["tender", "tenderers"],
    &["bids", "details"],
];

/// Fields that hold a single value.
const SCALARS: [&[&str]; 7] = [
    &["buyer", "name"],
    &["tender", "title"],
    &["tender", "status"],
    &["tender", "value", "amount"],
    &["tender", "numberOfTenderers"],
    &["tender", "tenderPeriod", "endDate"],
    &["planning", "budget", "amount", "currency"],
];

fn ids_of(list: &Value) -> Vec<Value> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].clone())
        .collect()
}

/// Releases with distinct dates, ascending in input order, and the same releases shuffled.
fn shuffled_releases() -> impl Strategy<Value = (Vec<Value>, Vec<Value>)> {
    releases(1..6, Ids::Mostly, 1..=1)
        .prop_map(|mut releases| {
            for (index, release) in releases.iter_mut().enumerate() {
                release["date"] = json!(format!("2024-01-0{}T09:30:00Z", index + 1));
            }
            releases
        })
        .prop_flat_map(|releases| (Just(releases.clone()), Just(releases).prop_shuffle()))
}

/// Releases in any order, each with its own title and a date at a distinct instant (a step
/// of 90 minutes from 1 April 2024, 00:00 UTC) written in one of several time zones, with or
/// without milliseconds; with their steps.
fn releases_in_time_zones() -> impl Strategy<Value = Vec<(i64, Value)>> {
    let steps = subsequence((0..64i64).collect::<Vec<_>>(), 2..5);
    steps
        .prop_flat_map(|steps| {
            let zones = select(&[0, 7 * 3600, -5 * 3600, 19800][..]);
            let zones = prop::collection::vec(zones, steps.len());
            let styles = prop::collection::vec(any::<bool>(), steps.len());
            (Just(steps), zones, styles)
        })
        .prop_map(|(steps, zones, styles)| {
            let dated = steps.into_iter().zip(zones).zip(styles).enumerate();
            dated
                .map(|(index, ((step, zone), whole_seconds))| {
                    let instant = DateTime::from_timestamp(1_711_929_600 + step * 5400, 0).unwrap();
                    let local = instant.with_timezone(&FixedOffset::east_opt(zone).unwrap());
                    let format = if whole_seconds {
                        SecondsFormat::Secs
                    } else {
                        SecondsFormat::Millis
                    };
                    let release = json!({
                        "ocid": "ocds-213czf-1",
                        "id": format!("r{index}"),
                        "date": local.to_rfc3339_opts(format, whole_seconds),
                        "tender": {"title": format!("title {index}")},
                    });
                    (step, release)
                })
                .collect::<Vec<_>>()
        })
        .prop_shuffle()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// One release (whose arrays hold each id once) compiles to itself: the same fields, its
    /// own `ocid`, `id` and `date`, and the tag `compiled`; `compile_single` gives the same.
    #[test]
    fn a_single_release_compiles_to_itself(mut release in release(Ids::Mostly, 1..=3)) {
        without_duplicate_ids(&mut release);
        let compiled = compile(vec![typed(&release)]);
        prop_assert_eq!(exact(&compile_single(typed(&release))), exact(&compiled));
        let mut expected = normalized(release);
        expected.as_object_mut().unwrap().remove("tag");
        let mut actual = json_of(&compiled);
        let actual_fields = actual.as_object_mut().unwrap();
        prop_assert_eq!(actual_fields.remove("tag"), Some(json!(["compiled"])));
        prop_assert_eq!(actual, expected);
    }

    /// `compile_single`, which settles a release in place, gives exactly what merging it into
    /// an empty release gives, whatever it holds: `null`s, repeated ids, elements without ids.
    #[test]
    fn a_single_release_settles_as_it_merges(release in release(Ids::Mostly, 1..=3)) {
        let merged = compile(vec![typed(&release)]);
        prop_assert_eq!(exact(&compile_single(typed(&release))), exact(&merged));
    }

    /// The compiled release is the reference merge of the releases, for the typed model and
    /// for the raw JSON that `prepare` writes: later releases replace values, `null` removes
    /// them, objects merge field by field, arrays of objects with ids merge by id, arrays of
    /// strings are replaced whole; `date` is the latest release's.
    #[test]
    fn compiled_releases_follow_the_schema_merge_rules(
        releases in releases(1..6, Ids::Always, 1..=3),
    ) {
        let Some(reference) = reference() else {
            return Ok(());
        };
        let expected = normalized(reference.compile(&releases));
        let latest = by_date(&releases).last().unwrap()["date"].clone();
        let typed = json_of(&compile(typed_all(&releases)));
        prop_assert_eq!(&merged_fields(typed, &latest)?, &expected);
        let raw = normalized(Value::Object(raw::compile(raw_all(&releases))));
        prop_assert_eq!(&merged_fields(raw, &latest)?, &expected);
    }

    /// The input order of releases with different dates does not matter.
    #[test]
    fn input_order_does_not_matter((releases, shuffled) in shuffled_releases()) {
        prop_assert_eq!(
            exact(&compile(typed_all(&releases))),
            exact(&compile(typed_all(&shuffled)))
        );
        prop_assert_eq!(
            raw::compile(raw_all(&releases)),
            raw::compile(raw_all(&shuffled))
        );
    }

    /// An array of objects with ids holds each id once, every id the releases gave it since
    /// the last one that set it to `null`, in the order they first appeared.
    #[test]
    fn arrays_merged_by_id_hold_the_union_of_ids(
        releases in releases(1..6, Ids::Always, 1..=3),
    ) {
        let compiled = json_of(&compile(typed_all(&releases)));
        for path in IDENTIFIED {
            let mut expected: Option<Vec<Value>> = None;
            for release in by_date(&releases) {
                match statement(release, path) {
                    Statement::Absent => {}
                    Statement::Removed => expected = None,
                    Statement::Value(list) => {
                        let ids = expected.get_or_insert_with(Vec::new);
                        for id in ids_of(list) {
                            if !ids.contains(&id) {
                                ids.push(id);
                            }
                        }
                    }
                }
            }
            let actual = match statement(&compiled, path) {
                Statement::Value(list) => Some(ids_of(list)),
                _ => None,
            };
            prop_assert_eq!(actual, expected, "{:?}", path);
        }
    }

    /// A value is the one the latest release that states it gives (none if that release sets
    /// it, or an object holding it, to `null`), for single fields and for fields of the
    /// awards (by id).
    #[test]
    fn the_latest_release_that_states_a_field_wins(
        releases in releases(1..6, Ids::Always, 1..=3),
    ) {
        let compiled = json_of(&compile(typed_all(&releases)));
        let ordered = by_date(&releases);
        for path in SCALARS {
            let mut expected = None;
            for release in &ordered {
                match statement(release, path) {
                    Statement::Absent => {}
                    Statement::Removed => expected = None,
                    Statement::Value(value) => expected = Some(normalized(value.clone())),
                }
            }
            let actual = match statement(&compiled, path) {
                Statement::Value(value) => Some(value.clone()),
                _ => None,
            };
            prop_assert_eq!(actual, expected, "{:?}", path);
        }
        for id in IDS {
            for field in ["status", "date"] {
                let mut expected = None;
                for release in &ordered {
                    let awards = match statement(release, &["awards"]) {
                        Statement::Absent => continue,
                        Statement::Removed => {
                            expected = None;
                            continue;
                        }
                        Statement::Value(awards) => awards.as_array().unwrap(),
                    };
                    for award in awards.iter().filter(|award| award["id"] == *id) {
                        match statement(award, &[field]) {
                            Statement::Absent => {}
                            Statement::Removed => expected = None,
                            Statement::Value(value) => expected = Some(value.clone()),
                        }
                    }
                }
                let award = compiled["awards"]
                    .as_array()
                    .and_then(|awards| awards.iter().find(|award| award["id"] == *id));
                let actual = award.and_then(|award| award.get(field)).cloned();
                prop_assert_eq!(actual, expected, "award {} {}", id, field);
            }
        }
    }

    /// Merging changes nothing more when repeated: a compiled release compiles to itself,
    /// alone or twice; each release given twice compiles as given once; and a compiled release
    /// merged with later releases compiles as all the releases at once.
    #[test]
    fn merging_again_changes_nothing(
        earlier in releases(1..4, Ids::Mostly, 1..=3),
        later in releases(1..4, Ids::Mostly, 4..=6),
    ) {
        let compiled = compile(typed_all(&earlier));
        prop_assert_eq!(content(&compile(vec![compiled.clone()])), content(&compiled));
        prop_assert_eq!(content(&compile_single(compiled.clone())), content(&compiled));
        prop_assert_eq!(
            content(&compile(vec![compiled.clone(), compiled.clone()])),
            content(&compiled)
        );
        let twice: Vec<Value> = earlier.iter().chain(&earlier).cloned().collect();
        prop_assert_eq!(content(&compile(typed_all(&twice))), content(&compiled));
        let all: Vec<Value> = earlier.iter().chain(&later).cloned().collect();
        let mut stepwise = vec![compiled];
        stepwise.extend(typed_all(&later));
        prop_assert_eq!(content(&compile(stepwise)), content(&compile(typed_all(&all))));
    }

    /// Releases apply in the chronological order of their dates, whatever the time zone they
    /// are written in: the latest release's title wins, and its date is the compiled date.
    #[test]
    fn releases_apply_in_chronological_order(dated in releases_in_time_zones()) {
        let (_, latest) = dated.iter().max_by_key(|(step, _)| *step).unwrap();
        let releases: Vec<Value> = dated.iter().map(|(_, release)| release.clone()).collect();
        let compiled = json_of(&compile(typed_all(&releases)));
        prop_assert_eq!(&compiled["tender"]["title"], &latest["tender"]["title"]);
        prop_assert_eq!(&compiled["date"], &latest["date"]);
        let raw = Value::Object(raw::compile(raw_all(&releases)));
        prop_assert_eq!(&raw["tender"]["title"], &latest["tender"]["title"]);
    }
}

// Generated indicator outcomes.

const SLUGS: [&str; 5] = ["alpha", "beta", "gamma", "delta", "epsilon"];

/// What an indicator says of one process.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Cell {
    /// No row: the indicator could not assess the process.
    Unassessable,
    /// A row whose flag is `null`: not assessed either.
    Unknown,
    Clear,
    Flagged,
}

impl Cell {
    fn assessable(self) -> bool {
        matches!(self, Cell::Clear | Cell::Flagged)
    }
}

fn cell() -> impl Strategy<Value = Cell> {
    prop_oneof![
        2 => Just(Cell::Unassessable),
        1 => Just(Cell::Unknown),
        3 => Just(Cell::Clear),
        3 => Just(Cell::Flagged),
    ]
}

fn unassessed() -> impl Strategy<Value = Cell> {
    prop_oneof![Just(Cell::Unassessable), Just(Cell::Unknown)]
}

/// A strength from 0 to 1 (what the settings accept), 0 and 1 included often.
fn weight() -> impl Strategy<Value = f64> {
    prop_oneof![
        2 => Just(0.0),
        8 => 0.0..=1.0f64,
        1 => Just(1.0),
    ]
}

/// An enabled indicator: its weights, group, the buyers it flags (at organization level, when
/// any) and its cell for each process, in row order.
#[derive(Debug, Clone)]
struct Indicator {
    weight: f64,
    organization_weight: f64,
    group: Group,
    /// Its family (its own, named after it, when none).
    family: Option<&'static str>,
    buyers: Vec<&'static str>,
    rows: Vec<(usize, Cell)>,
}

fn group() -> impl Strategy<Value = Group> {
    select(Group::ALL.to_vec())
}

/// An indicator over `processes` processes, flagging buyers at organization level when
/// `organizations` is true (and then perhaps none).
fn indicator(
    processes: usize,
    weight: BoxedStrategy<f64>,
    organizations: bool,
) -> impl Strategy<Value = Indicator> {
    let buyers = if organizations {
        subsequence(&["B0", "B1"][..], 0..=2).boxed()
    } else {
        Just(Vec::new()).boxed()
    };
    let cells = prop::collection::vec(cell(), processes);
    let family = prop_oneof![Just(None), Just(Some("shared")), Just(Some("other"))];
    (weight.clone(), weight, group(), family, buyers, cells).prop_map(
        |(weight, organization_weight, group, family, buyers, cells)| Indicator {
            weight,
            organization_weight,
            group,
            family,
            buyers,
            rows: cells.into_iter().enumerate().collect(),
        },
    )
}

fn ocid(process: usize) -> String {
    format!("p{process:02}")
}

/// Processes `p00`, `p01`, ..., whose buyers are `B0` and `B1` in turn.
fn frames(processes: usize) -> Frames {
    let release = |process: usize| {
        let json = json!({"ocid": ocid(process), "buyer": {"id": format!("B{}", process % 2)}});
        compile_single(serde_json::from_value(json).unwrap())
    };
    Frames::build(&(0..processes).map(release).collect::<Vec<_>>()).unwrap()
}

impl Indicator {
    fn run(&self, slug: &'static str) -> IndicatorRun {
        let rows: Vec<_> = self
            .rows
            .iter()
            .filter(|(_, cell)| *cell != Cell::Unassessable)
            .collect();
        let flag = |cell: Cell| match cell {
            Cell::Clear => Some(false),
            Cell::Flagged => Some(true),
            _ => None,
        };
        // The frames number the processes in the order built: process n's key is n.
        let keys: Vec<u32> = rows.iter().map(|(process, _)| *process as u32).collect();
        let processes = polars::df!(
            "process" => keys,
            "flagged" => rows.iter().map(|(_, cell)| flag(*cell)).collect::<Vec<_>>(),
            "value" => vec![1.0; rows.len()],
        )
        .unwrap();
        let flagged: Vec<usize> = rows
            .iter()
            .filter(|(_, cell)| *cell == Cell::Flagged)
            .map(|(process, _)| *process)
            .collect();
        let evidence = polars::df!(
            "process" => flagged.iter().map(|process| *process as u32).collect::<Vec<_>>(),
            "evidence" => flagged.iter().map(|process| format!("seen in {}", ocid(*process))).collect::<Vec<_>>(),
        )
        .unwrap();
        let organizations = if self.buyers.is_empty() {
            empty_organizations().unwrap()
        } else {
            polars::df!(
                "role" => vec!["buyer"; self.buyers.len()],
                "organization_id" => self.buyers.clone(),
                "value" => vec![1.0; self.buyers.len()],
                "evidence" => vec!["buys alone"; self.buyers.len()],
            )
            .unwrap()
        };
        IndicatorRun {
            slug,
            code: None,
            levels: if self.buyers.is_empty() {
                &["process"]
            } else {
                &["process", "buyer"]
            },
            group: self.group,
            family: self.family.unwrap_or(slug).to_owned(),
            weight: self.weight,
            organization_weight: self.organization_weight,
            outcome: Outcome {
                processes,
                evidence,
                organizations,
                meta: Vec::new(),
                assessed: None,
            },
        }
    }
}

fn score(processes: usize, indicators: &[Indicator], config: &Config) -> Scored {
    let frames = frames(processes);
    let runs: Vec<_> = indicators
        .iter()
        .zip(SLUGS)
        .map(|(indicator, slug)| indicator.run(slug))
        .collect();
    redflags::score::score(&frames, &frames.processes, &runs, config).unwrap()
}

fn floats(frame: &DataFrame, name: &str) -> Vec<Option<f64>> {
    frame.column(name).unwrap().f64().unwrap().iter().collect()
}

fn counts(frame: &DataFrame, name: &str) -> Vec<Option<u32>> {
    let column = frame.column(name).unwrap().cast(&DataType::UInt32).unwrap();
    column.u32().unwrap().iter().collect()
}

/// Up to five indicators over up to eight processes, some with organization-level flags when
/// `organizations` is true.
fn indicators(organizations: bool) -> impl Strategy<Value = (usize, Vec<Indicator>)> {
    (1usize..=8).prop_flat_map(move |processes| {
        let indicator =
            indicator(processes, weight().boxed(), organizations).prop_flat_map(move |indicator| {
                // Organization-level flags only on some indicators.
                let plain = Indicator {
                    buyers: Vec::new(),
                    ..indicator.clone()
                };
                prop_oneof![Just(plain), Just(indicator)]
            });
        (
            Just(processes),
            prop::collection::vec(indicator, 0..=SLUGS.len()),
        )
    })
}

/// An indicator's cells on a pair of processes: whether it could assess them, whether it
/// flags the first, whether it flags the second besides, and how it says it could not assess
/// each.
#[derive(Debug, Clone)]
struct PairCells {
    assessable: bool,
    first: bool,
    more: bool,
    unassessed: (Cell, Cell),
}

/// Up to four pairs of processes, each with the cells of up to five indicators.
fn pairs() -> impl Strategy<Value = Vec<Vec<PairCells>>> {
    (1usize..=4, 1usize..=5).prop_flat_map(|(pairs, indicators)| {
        let cells = (
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
            unassessed(),
            unassessed(),
        )
            .prop_map(|(assessable, first, more, a, b)| PairCells {
                assessable,
                first,
                more,
                unassessed: (a, b),
            });
        prop::collection::vec(prop::collection::vec(cells, indicators), pairs)
    })
}

/// Indicators of one weight over processes 0 and 1 (the first pair), 2 and 3, ...
fn paired(weight: f64, pairs: &[Vec<PairCells>]) -> Vec<Indicator> {
    let flag = |raised: bool| if raised { Cell::Flagged } else { Cell::Clear };
    let mut indicators = vec![
        Indicator {
            weight,
            organization_weight: weight,
            group: Group::Competition,
            family: None,
            buyers: Vec::new(),
            rows: Vec::new(),
        };
        pairs[0].len()
    ];
    for (pair, cells) in pairs.iter().enumerate() {
        for (indicator, cell) in indicators.iter_mut().zip(cells) {
            let (a, b) = if cell.assessable {
                (flag(cell.first), flag(cell.first || cell.more))
            } else {
                cell.unassessed
            };
            indicator.rows.extend([(2 * pair, a), (2 * pair + 1, b)]);
        }
    }
    indicators
}

/// Indicators, and one more with process-level flags only.
fn with_another() -> impl Strategy<Value = (usize, Vec<Indicator>, Indicator)> {
    indicators(true).prop_flat_map(|(processes, indicators)| {
        let another = indicator(processes, weight().boxed(), false);
        (Just(processes), Just(indicators), another)
    })
}

/// Indicators, and the same with the rows of their outcomes (processes and organizations) in
/// another order.
fn reordered() -> impl Strategy<Value = (usize, Vec<Indicator>, Vec<Indicator>)> {
    indicators(true).prop_flat_map(|(processes, indicators)| {
        let reordered: Vec<_> = indicators
            .iter()
            .map(|indicator| {
                let rows = Just(indicator.rows.clone()).prop_shuffle();
                let buyers = Just(indicator.buyers.clone()).prop_shuffle();
                let indicator = indicator.clone();
                (rows, buyers).prop_map(move |(rows, buyers)| Indicator {
                    rows,
                    buyers,
                    ..indicator.clone()
                })
            })
            .collect();
        (Just(processes), Just(indicators), reordered)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Every score is between 0 and 100, and a process has one exactly when a term of positive
    /// strength could assess it, whatever the outcomes, strengths and families.
    #[test]
    fn scores_are_between_0_and_100((processes, indicators) in indicators(true)) {
        let scored = score(processes, &indicators, &Config::default());
        let contracts = &scored.contracts;
        let mut scores = vec![("risk_score".to_owned(), None)];
        scores.extend(Group::ALL.map(|group| (format!("score_{}", group.name()), Some(group))));
        for (name, group) in scores {
            if contracts.column(&name).is_err() {
                continue;
            }
            for (process, score) in floats(contracts, &name).into_iter().enumerate() {
                let possible: f64 = scored
                    .terms
                    .iter()
                    .zip(&scored.weights)
                    .filter(|(term, _)| group.is_none_or(|group| term.group == Some(group)))
                    .filter(|(term, _)| {
                        let column = contracts.column(&term.column).unwrap();
                        !column.get(process).unwrap().is_null()
                    })
                    .map(|(_, weight)| *weight)
                    .sum();
                prop_assert_eq!(score.is_some(), possible > 0.0, "{} of p{}", name, process);
                if let Some(score) = score {
                    let within = (0.0..=100.0).contains(&score);
                    prop_assert!(within, "{} of p{}: {}", name, process, score);
                }
            }
        }
    }

    /// With process-level flags only, the score is 100 × (1 − Π over families of (1 − the
    /// strongest raised strength in the family)), to 2 places: a reference written from the
    /// README's formula.
    #[test]
    fn scores_are_the_noisy_or_of_each_familys_strongest_flag(
        (processes, indicators) in indicators(false),
    ) {
        let scored = score(processes, &indicators, &Config::default());
        let scores = floats(&scored.contracts, "risk_score");
        for (process, score) in scores.into_iter().enumerate() {
            let mut strongest: std::collections::BTreeMap<&str, f64> = Default::default();
            let mut possible = false;
            for (indicator, slug) in indicators.iter().zip(SLUGS) {
                let cell = indicator.rows[process].1;
                possible |= cell.assessable() && indicator.weight > 0.0;
                if cell == Cell::Flagged {
                    let family = strongest.entry(indicator.family.unwrap_or(slug)).or_default();
                    *family = family.max(indicator.weight);
                }
            }
            let clear: f64 = strongest.values().map(|s| 1.0 - s).product();
            let expected = possible.then_some(100.0 * (1.0 - clear));
            match (score, expected) {
                (Some(score), Some(expected)) => prop_assert!(
                    (score - expected).abs() <= 0.005 + 1e-9,
                    "p{}: {} for {}", process, score, expected
                ),
                (score, expected) => prop_assert_eq!(score, expected, "p{}", process),
            }
        }
    }

    /// Adding a check that passes (assessed, not raised) never lowers a score: evidence is
    /// not diluted.
    #[test]
    fn checks_that_pass_never_lower_a_score(
        (processes, mut indicators, mut extra) in with_another(),
    ) {
        indicators.truncate(SLUGS.len() - 1);
        let config = Config::default();
        let before = floats(&score(processes, &indicators, &config).contracts, "risk_score");
        for (_, cell) in extra.rows.iter_mut() {
            if *cell == Cell::Flagged {
                *cell = Cell::Clear;
            }
        }
        indicators.push(extra);
        let after = floats(&score(processes, &indicators, &config).contracts, "risk_score");
        for (process, (before, after)) in before.iter().zip(&after).enumerate() {
            if let Some(before) = before {
                prop_assert_eq!(Some(*before), *after, "p{}", process);
            }
        }
    }

    /// With equal weights, of two processes that the same indicators could assess, the one
    /// flagged by more of them (a superset) never scores lower, and scores higher when it has
    /// more flags.
    #[test]
    fn more_flags_never_score_lower(weight in 0.1..=0.9f64, pairs in pairs()) {
        let scored = score(2 * pairs.len(), &paired(weight, &pairs), &Config::default());
        let scores = floats(&scored.contracts, "risk_score");
        let flags = counts(&scored.contracts, "flag_count");
        for (pair, cells) in pairs.iter().enumerate() {
            let (a, b) = (2 * pair, 2 * pair + 1);
            match (scores[a], scores[b]) {
                (None, None) => prop_assert!(cells.iter().all(|cell| !cell.assessable)),
                (Some(low), Some(high)) => {
                    prop_assert!(low <= high, "pair {}: {} > {}", pair, low, high);
                    if flags[b] > flags[a] {
                        prop_assert!(low < high, "pair {}: {} with more flags", pair, high);
                    }
                }
                other => {
                    return Err(TestCaseError::fail(format!("pair {pair}: {other:?}")));
                }
            }
        }
    }

    /// An indicator that could not assess a process (no row, or a `null` flag) leaves its
    /// score, flag count and assessable count as they were without it.
    #[test]
    fn unassessable_indicators_leave_the_score_alone(
        (processes, mut indicators, extra) in with_another(),
    ) {
        indicators.truncate(SLUGS.len() - 1);
        let config = Config::default();
        let before = score(processes, &indicators, &config).contracts;
        indicators.push(extra.clone());
        let after = score(processes, &indicators, &config).contracts;
        for (process, cell) in extra.rows {
            if cell.assessable() {
                continue;
            }
            let score = |contracts: &DataFrame| floats(contracts, "risk_score")[process];
            prop_assert_eq!(score(&before), score(&after), "p{}", process);
            for name in ["flag_count", "assessable_count"] {
                let count = |contracts: &DataFrame| counts(contracts, name)[process];
                prop_assert_eq!(count(&before), count(&after), "{} of p{}", name, process);
            }
        }
    }

    /// The order of the rows of the indicators' outcomes changes nothing in the scored tables.
    #[test]
    fn row_order_does_not_matter((processes, indicators, reordered) in reordered()) {
        let config = Config::default();
        let scored = score(processes, &indicators, &config);
        let again = score(processes, &reordered, &config);
        let (first, second) = (&scored.contracts, &again.contracts);
        prop_assert!(first.equals_missing(second), "{}\n{}", first, second);
        let (first, second) = (&scored.flags, &again.flags);
        prop_assert!(first.equals_missing(second), "{}\n{}", first, second);
        prop_assert!(scored.organizations.equals_missing(&again.organizations));
    }
}
