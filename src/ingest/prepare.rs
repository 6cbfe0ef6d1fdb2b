//! Corrections before scoring: the `[prepare]` settings.
//!
//! Real exports hold placeholders (`0` for an unknown amount), local codes instead of OCDS
//! codes, Buddhist Era years, missing statuses. The corrections fix these in each compiled
//! release, after the merge (a default fills what the whole history leaves missing, not what
//! one release omits), so that every indicator sees the corrected data. Each corrected value
//! is reported as a [`Correction`] and counted by kind.
//!
//! The corrections work on JSON values, so that `redflags prepare` keeps every field of the
//! releases; the scoring run applies the same code to its typed compiled releases
//! ([`Prepare::correct_release`]), on the fields it reads.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::lenient::Field;
use super::model::Release;
use super::raw::id_text;
use crate::codelists::{self, Codelist};

/// How dates in the Buddhist Era (the Thai calendar: 2566 is 2023) are read.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "snake_case")]
pub enum BuddhistEra {
    /// A year above 2400 is a Buddhist Era year: 543 is subtracted.
    #[default]
    Auto,
    /// Every date is in the Buddhist Era: 543 is subtracted from every year.
    Always,
    /// Dates are left as they are.
    Never,
}

/// The year above which `auto` reads a date as Buddhist Era.
pub const BUDDHIST_ERA_FROM: i32 = 2400;
/// Buddhist Era year − 543 = Common Era year.
pub const BUDDHIST_ERA_OFFSET: i32 = 543;

/// Values to fill in where the data has none.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Defaults {
    /// The status of a bid that has none (a bid status code, e.g. `valid`).
    pub bid_status: Option<String>,
    /// The status of an award that has none (an award status code, e.g. `active`).
    pub award_status: Option<String>,
    /// The currency of an amount that has none (ISO 4217, e.g. `THB`).
    pub currency: Option<String>,
    /// The scheme of an item classification that has a code but no scheme (e.g. `UNSPSC`).
    pub item_classification_scheme: Option<String>,
}

/// Local values → OCDS codes (keys compared without regard to case or surrounding spaces).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct CodeMaps {
    /// `bids.details.status`.
    pub bid_status: BTreeMap<String, String>,
    /// `awards.status`.
    pub award_status: BTreeMap<String, String>,
    /// `tender.status`.
    pub tender_status: BTreeMap<String, String>,
    /// `contracts.status`.
    pub contract_status: BTreeMap<String, String>,
    /// `tender.procurementMethod`, when it is missing or not an OCDS method: from the local
    /// method in `procurementMethodDetails` (or in `procurementMethod` itself).
    pub procurement_method: BTreeMap<String, String>,
    /// Every `currency`.
    pub currency: BTreeMap<String, String>,
}

/// The `[prepare]` settings: the corrections applied before the indicators run.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Prepare {
    /// Buddhist Era dates: `auto`, `always` or `never`.
    pub buddhist_era: BuddhistEra,
    /// Amounts that stand for "unknown" and are removed (e.g. `[0, 1, 999999999]`).
    pub placeholder_amounts: Vec<f64>,
    /// Ids written as numbers are written as text (in `prepare`'s output; the scoring reads
    /// them as text anyway).
    pub ids_as_strings: bool,
    /// An organization referenced as buyer, procuring entity, tenderer or supplier gets that
    /// role in `parties` (and a party if it has none).
    pub party_roles: bool,
    /// Values for missing fields.
    pub defaults: Defaults,
    /// Local codes → OCDS codes.
    pub map: CodeMaps,
    /// Whether the scoring keeps each correction it makes (in [`Corrected::kept`]), for
    /// `check` to list them; not a setting.
    #[serde(skip)]
    pub keep_corrections: bool,
}

impl Default for Prepare {
    fn default() -> Self {
        Prepare {
            buddhist_era: BuddhistEra::default(),
            placeholder_amounts: Vec::new(),
            ids_as_strings: true,
            party_roles: false,
            defaults: Defaults::default(),
            map: CodeMaps::default(),
            keep_corrections: false,
        }
    }
}

/// The `[prepare]` section as `redflags init` writes it: every default, with comments.
pub const DEFAULT_TOML: &str = r#"
# Corrections applied to every compiled release before the indicators run (and by
# `redflags prepare`). `redflags check --config FILE` lists each value they correct; the run's
# summary.json counts them by kind.
[prepare]
# Dates in the Buddhist Era (2566 for 2023): "auto" reads a year above 2400 as Buddhist Era
# and subtracts 543; "always" subtracts 543 from every year; "never" leaves dates alone.
buddhist_era = "auto"
# Amounts that stand for "unknown" and are removed, e.g. [0, 1, 999999999].
placeholder_amounts = []
# Ids written as numbers are written as text in prepared output (scoring reads them as text).
ids_as_strings = true
# An organization referenced as buyer, procuring entity, tenderer or supplier gets that role
# in `parties` (and a party of its own when it has none).
party_roles = false

# Values for missing fields (unset by default).
[prepare.defaults]
# bid_status = "valid"
# award_status = "active"
# currency = "THB"
# item_classification_scheme = "UNSPSC"

# Local codes → OCDS codes, one table per field, e.g.
#   [prepare.map.procurement_method]
#   "e-bidding" = "open"
#   "วิธีเฉพาะเจาะจง" = "direct"
# Keys are compared without regard to case. The tables: bid_status, award_status,
# tender_status, contract_status, procurement_method (where procurementMethod is missing or
# not an OCDS method: from procurementMethodDetails, or the local procurementMethod), currency.
[prepare.map]
"#;

/// One value corrected.
#[derive(Debug, Clone, PartialEq)]
pub struct Correction {
    /// Where, slash-separated, array indexes left out (`awards/status`).
    pub path: String,
    /// The array indexes along the path, outermost first.
    pub indexes: Vec<usize>,
    /// The kind of correction (`buddhist_era`, `placeholder_amount`, `map_award_status`, ...).
    pub kind: &'static str,
    /// The value before (none when it was missing).
    pub before: Option<Value>,
    /// The value after (none when it was removed).
    pub after: Option<Value>,
}

/// Counts of corrected values, by kind.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Corrected {
    /// Every corrected value.
    pub total: u64,
    /// By kind of correction.
    pub by_kind: BTreeMap<String, u64>,
    /// Each correction with its process's ocid, when the settings ask to keep them.
    #[serde(skip)]
    pub kept: Vec<(String, Correction)>,
}

impl Corrected {
    /// Counts one correction.
    pub fn add(&mut self, kind: &str) {
        self.total += 1;
        *self.by_kind.entry(kind.to_owned()).or_default() += 1;
    }

    /// The counts as text: `buddhist_era 12, placeholder_amount 3`.
    pub fn describe(&self) -> String {
        let kinds: Vec<String> = self
            .by_kind
            .iter()
            .map(|(kind, count)| format!("{kind} {count}"))
            .collect();
        kinds.join(", ")
    }

    /// Adds another count to this one.
    pub fn absorb(mut self, other: Corrected) -> Corrected {
        self.total += other.total;
        for (kind, count) in other.by_kind {
            *self.by_kind.entry(kind).or_default() += count;
        }
        self.kept.extend(other.kept);
        self
    }
}

/// The year a date text starts with (`2566-03-15...` → 2566), if it starts with four digits
/// and a dash.
pub fn leading_year(text: &str) -> Option<i32> {
    let text = text.trim_start();
    let head = text.get(..5)?;
    let (year, dash) = head.split_at(4);
    (dash == "-" && year.bytes().all(|b| b.is_ascii_digit()))
        .then(|| year.parse().ok())
        .flatten()
}

/// Whether a key names a date (`date`, `dateSigned`, `startDate`, ...).
pub fn is_date_key(key: &str) -> bool {
    key.starts_with("date") || key.ends_with("Date")
}

/// Whether a key names an identifier (`id`, `awardID`).
pub fn is_id_key(key: &str) -> bool {
    key == "id" || key.ends_with("ID")
}

/// A code as the data gives it: trimmed text, or a number as text; `None` when empty.
fn code_text(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(text) => Some(text.trim().to_owned()).filter(|text| !text.is_empty()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

/// An amount as a number: a JSON number or a numeric string.
fn amount_of(value: &Value) -> Option<f64> {
    match value {
        Value::Number(number) => number.as_f64(),
        Value::String(text) => super::lenient::parse_number(text),
        _ => None,
    }
}

/// The OCDS code a local code maps to, if the map has it.
fn lookup<'a>(map: &'a BTreeMap<String, String>, code: &str) -> Option<&'a str> {
    let code = code.trim().to_lowercase();
    map.iter()
        .find(|(local, _)| local.trim().to_lowercase() == code)
        .map(|(_, mapped)| mapped.as_str())
}

/// The objects at a value: an array's objects, or an object alone (as the lenient model
/// reads an object where an array belongs), with their indexes.
fn objects(value: Option<&Value>) -> Vec<(Option<usize>, &Map<String, Value>)> {
    match value {
        Some(Value::Array(list)) => list
            .iter()
            .enumerate()
            .filter_map(|(index, element)| Some((Some(index), element.as_object()?)))
            .collect(),
        Some(Value::Object(object)) => vec![(None, object)],
        _ => Vec::new(),
    }
}

/// The organization references of a release, with the party role each implies.
fn references(release: &Map<String, Value>) -> Vec<(&'static str, String, Option<Value>)> {
    let mut found = Vec::new();
    let mut add = |role: &'static str, reference: &Map<String, Value>| {
        if let Some(id) = code_text(reference.get("id")) {
            found.push((role, id, reference.get("name").cloned()));
        }
    };
    objects(release.get("buyer"))
        .into_iter()
        .for_each(|(_, r)| add("buyer", r));
    for (_, tender) in objects(release.get("tender")) {
        for (_, entity) in objects(tender.get("procuringEntity")) {
            add("procuringEntity", entity);
        }
        for (_, tenderer) in objects(tender.get("tenderers")) {
            add("tenderer", tenderer);
        }
    }
    for (_, bids) in objects(release.get("bids")) {
        for (_, bid) in objects(bids.get("details")) {
            for (_, tenderer) in objects(bid.get("tenderers")) {
                add("tenderer", tenderer);
            }
        }
    }
    for (_, award) in objects(release.get("awards")) {
        for (_, supplier) in objects(award.get("suppliers")) {
            add("supplier", supplier);
        }
    }
    found
}

impl Prepare {
    /// Settings that correct nothing.
    pub fn none() -> Prepare {
        Prepare {
            buddhist_era: BuddhistEra::Never,
            ids_as_strings: false,
            ..Prepare::default()
        }
    }

    /// Whether any correction can change what the scoring reads (`ids_as_strings` cannot: the
    /// scoring reads ids as text anyway).
    pub fn is_active(&self) -> bool {
        self.buddhist_era != BuddhistEra::Never || self.corrects_more_than_dates()
    }

    /// Whether a correction other than the Buddhist Era's is active.
    fn corrects_more_than_dates(&self) -> bool {
        let defaults = &self.defaults;
        let maps = &self.map;
        !self.placeholder_amounts.is_empty()
            || self.party_roles
            || defaults.bid_status.is_some()
            || defaults.award_status.is_some()
            || defaults.currency.is_some()
            || defaults.item_classification_scheme.is_some()
            || [
                &maps.bid_status,
                &maps.award_status,
                &maps.tender_status,
                &maps.contract_status,
                &maps.procurement_method,
                &maps.currency,
            ]
            .iter()
            .any(|map| !map.is_empty())
    }

    /// Whether the Buddhist Era conversion in `auto` mode is the only correction active.
    fn only_buddhist_era(&self) -> bool {
        self.buddhist_era == BuddhistEra::Auto && !self.corrects_more_than_dates()
    }

    /// Checks that every default and every mapped code is an OCDS code, and that the
    /// placeholder amounts are numbers.
    pub fn check(&self) -> Result<(), String> {
        if self.placeholder_amounts.iter().any(|a| !a.is_finite()) {
            return Err("prepare.placeholder_amounts must be numbers".to_owned());
        }
        let defaults = [
            (
                "bid_status",
                &self.defaults.bid_status,
                &codelists::BID_STATUS,
            ),
            (
                "award_status",
                &self.defaults.award_status,
                &codelists::AWARD_STATUS,
            ),
            ("currency", &self.defaults.currency, &codelists::CURRENCY),
        ];
        for (key, value, codelist) in defaults {
            if let Some(code) = value {
                known(codelist, code, &format!("prepare.defaults.{key}"))?;
            }
        }
        let maps = [
            ("bid_status", &self.map.bid_status, &codelists::BID_STATUS),
            (
                "award_status",
                &self.map.award_status,
                &codelists::AWARD_STATUS,
            ),
            (
                "tender_status",
                &self.map.tender_status,
                &codelists::TENDER_STATUS,
            ),
            (
                "contract_status",
                &self.map.contract_status,
                &codelists::CONTRACT_STATUS,
            ),
            (
                "procurement_method",
                &self.map.procurement_method,
                &codelists::METHOD,
            ),
            ("currency", &self.map.currency, &codelists::CURRENCY),
        ];
        for (key, map, codelist) in maps {
            for (local, code) in map {
                known(codelist, code, &format!("prepare.map.{key}.{local:?}"))?;
            }
        }
        Ok(())
    }

    /// The Common Era form of a date text, when this setting converts it.
    pub fn common_era(&self, text: &str) -> Option<String> {
        let year = leading_year(text)?;
        let convert = match self.buddhist_era {
            BuddhistEra::Never => false,
            BuddhistEra::Auto => year > BUDDHIST_ERA_FROM,
            BuddhistEra::Always => year > BUDDHIST_ERA_OFFSET,
        };
        if !convert {
            return None;
        }
        let start = text.len() - text.trim_start().len();
        Some(format!(
            "{:04}{}",
            year - BUDDHIST_ERA_OFFSET,
            &text[start + 4..]
        ))
    }

    /// Corrects one compiled release (a JSON object), telling `log` each value corrected.
    pub fn correct(&self, release: &mut Map<String, Value>, log: &mut dyn FnMut(Correction)) {
        let mut corrector = Corrector {
            prepare: self,
            path: String::new(),
            indexes: Vec::new(),
            log,
        };
        corrector.object(release);
        if self.party_roles {
            corrector.party_roles(release);
        }
    }

    /// Corrects one typed compiled release, counting the corrections by kind. Only the fields
    /// the scoring reads are there to correct.
    pub fn correct_release(&self, release: &mut Release, counts: &mut Corrected) {
        // Most data has no Buddhist Era year: when nothing else is to correct, a look at the
        // dates spares the rest.
        if self.only_buddhist_era()
            && !release.any_date(&mut |date| self.common_era(date).is_some())
        {
            return;
        }
        let Ok(Value::Object(mut object)) = serde_json::to_value(&*release) else {
            return;
        };
        let before = counts.total;
        let ocid = release.ocid.str().unwrap_or_default();
        self.correct(&mut object, &mut |correction| {
            counts.add(correction.kind);
            if self.keep_corrections {
                counts.kept.push((ocid.to_owned(), correction));
            }
        });
        if counts.total == before {
            return;
        }
        let Ok(mut corrected) = Release::deserialize(Value::Object(object)) else {
            return;
        };
        // The first end date of each contract (not an OCDS field) is kept, in the same era.
        let contracts = release.contracts.items().iter();
        for (new, old) in corrected
            .contracts
            .get_mut()
            .into_iter()
            .flatten()
            .zip(contracts)
        {
            new.first_period_end = match old.first_period_end.str() {
                Some(text) => Field::Set(self.common_era(text).unwrap_or_else(|| text.to_owned())),
                None => old.first_period_end.clone(),
            };
        }
        *release = corrected;
    }
}

/// Checks that a configured code is in its codelist.
fn known(codelist: &Codelist, code: &str, key: &str) -> Result<(), String> {
    if codelist.contains(code) {
        Ok(())
    } else {
        Err(format!(
            "{key} = {code:?} is not a code of OCDS's {} codelist",
            codelist.name
        ))
    }
}

/// Walks a release, correcting as it goes and knowing where it is.
struct Corrector<'a> {
    prepare: &'a Prepare,
    /// The path of the value being visited, slash-separated, indexes left out.
    path: String,
    /// The array indexes along the path.
    indexes: Vec<usize>,
    log: &'a mut dyn FnMut(Correction),
}

impl Corrector<'_> {
    /// Reports a correction at the current path, or at its child `key`.
    fn record(
        &mut self,
        key: Option<&str>,
        kind: &'static str,
        before: Option<Value>,
        after: Option<Value>,
    ) {
        let path = match key {
            Some(key) if self.path.is_empty() => key.to_owned(),
            Some(key) => format!("{}/{key}", self.path),
            None => self.path.clone(),
        };
        (self.log)(Correction {
            path,
            indexes: self.indexes.clone(),
            kind,
            before,
            after,
        });
    }

    fn value(&mut self, key: &str, value: &mut Value) {
        match value {
            Value::Object(object) => self.object(object),
            Value::Array(list) => {
                for (index, element) in list.iter_mut().enumerate() {
                    self.indexes.push(index);
                    if element.is_object() || element.is_array() {
                        self.value(key, element);
                    }
                    self.indexes.pop();
                }
            }
            scalar => self.scalar(key, scalar),
        }
    }

    fn object(&mut self, object: &mut Map<String, Value>) {
        self.fields(object);
        for (key, child) in object.iter_mut() {
            let length = self.path.len();
            if length > 0 {
                self.path.push('/');
            }
            self.path.push_str(key);
            self.value(key, child);
            self.path.truncate(length);
        }
    }

    /// Dates and ids, wherever they are.
    fn scalar(&mut self, key: &str, value: &mut Value) {
        if is_date_key(key)
            && let Value::String(text) = value
            && let Some(common) = self.prepare.common_era(text)
        {
            let before = std::mem::replace(text, common.clone());
            self.record(
                None,
                "buddhist_era",
                Some(before.into()),
                Some(common.into()),
            );
        }
        if self.prepare.ids_as_strings
            && is_id_key(key)
            && let Value::Number(number) = value
        {
            let text = Value::String(number.to_string());
            let before = std::mem::replace(value, text.clone());
            self.record(None, "id_as_string", Some(before), Some(text));
        }
    }

    /// The corrections that depend on what the object is: statuses, methods, amounts.
    fn fields(&mut self, object: &mut Map<String, Value>) {
        let prepare = self.prepare;
        let (defaults, maps) = (&prepare.defaults, &prepare.map);
        match self.path.as_str() {
            "awards" => {
                let default = defaults.award_status.as_deref();
                self.code(
                    object,
                    "status",
                    default,
                    &maps.award_status,
                    "award_status",
                );
            }
            "bids/details" => {
                let default = defaults.bid_status.as_deref();
                self.code(object, "status", default, &maps.bid_status, "bid_status");
            }
            "tender" => {
                self.code(object, "status", None, &maps.tender_status, "tender_status");
                self.procurement_method(object);
            }
            "contracts" => {
                let map = &maps.contract_status;
                self.code(object, "status", None, map, "contract_status");
            }
            path if path.ends_with("items/classification") => {
                if let Some(scheme) = &defaults.item_classification_scheme
                    && object.get("id").is_some_and(|id| !id.is_null())
                    && code_text(object.get("scheme")).is_none()
                {
                    let before = object.insert("scheme".to_owned(), scheme.as_str().into());
                    let after = Some(scheme.as_str().into());
                    self.record(
                        Some("scheme"),
                        "default_item_classification_scheme",
                        before,
                        after,
                    );
                }
            }
            _ => {}
        }
        if object.contains_key("currency") {
            self.code(object, "currency", None, &maps.currency, "currency");
        }
        self.amount(object);
    }

    /// A code field: its default when missing, its mapped OCDS code when the map has it.
    fn code(
        &mut self,
        object: &mut Map<String, Value>,
        key: &str,
        default: Option<&str>,
        map: &BTreeMap<String, String>,
        name: &'static str,
    ) {
        let (kind, code) = match code_text(object.get(key)) {
            None => match default {
                Some(default) => (default_kind(name), default),
                None => return,
            },
            Some(code) => match lookup(map, &code) {
                Some(mapped) if mapped != code => (map_kind(name), mapped),
                _ => return,
            },
        };
        let before = object.insert(key.to_owned(), code.into());
        self.record(Some(key), kind, before, Some(code.into()));
    }

    /// `procurementMethod`, when it is missing or not an OCDS method, from the map of local
    /// methods, read in `procurementMethodDetails` first, then in `procurementMethod` itself.
    /// A method the publisher gives as an OCDS code is left as it is.
    fn procurement_method(&mut self, tender: &mut Map<String, Value>) {
        let map = &self.prepare.map.procurement_method;
        let method = code_text(tender.get("procurementMethod"));
        if map.is_empty()
            || method
                .as_deref()
                .is_some_and(|m| codelists::METHOD.contains(m))
        {
            return;
        }
        let mapped = code_text(tender.get("procurementMethodDetails"))
            .and_then(|details| lookup(map, &details))
            .or_else(|| method.as_deref().and_then(|method| lookup(map, method)));
        if let Some(mapped) = mapped {
            let before = tender.insert("procurementMethod".to_owned(), mapped.into());
            let kind = "map_procurement_method";
            self.record(Some("procurementMethod"), kind, before, Some(mapped.into()));
        }
    }

    /// A monetary value: a placeholder amount is removed; a currency filled in.
    fn amount(&mut self, object: &mut Map<String, Value>) {
        let Some(amount) = object.get("amount").and_then(amount_of) else {
            return;
        };
        if self.prepare.placeholder_amounts.contains(&amount) {
            let before = object.shift_remove("amount");
            self.record(Some("amount"), "placeholder_amount", before, None);
            return;
        }
        if let Some(currency) = &self.prepare.defaults.currency
            && code_text(object.get("currency")).is_none()
        {
            let before = object.insert("currency".to_owned(), currency.as_str().into());
            let after = Some(currency.as_str().into());
            self.record(Some("currency"), "default_currency", before, after);
        }
    }

    /// Adds the roles that the release's references imply to its parties.
    fn party_roles(&mut self, release: &mut Map<String, Value>) {
        let references = references(release);
        if references.is_empty() {
            return;
        }
        let parties = release
            .entry("parties")
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Object(one) = parties {
            *parties = Value::Array(vec![Value::Object(std::mem::take(one))]);
        }
        let Value::Array(parties) = parties else {
            return;
        };
        for (role, id, name) in references {
            let found = parties
                .iter()
                .position(|party| id_text(party).as_deref() == Some(&id));
            let Some(index) = found else {
                let mut party = Map::new();
                party.insert("id".to_owned(), id.into());
                if let Some(name) = name {
                    party.insert("name".to_owned(), name);
                }
                party.insert("roles".to_owned(), Value::from(vec![role]));
                let party = Value::Object(party);
                self.indexes = vec![parties.len()];
                self.path = "parties".to_owned();
                self.record(None, "party_role", None, Some(party.clone()));
                parties.push(party);
                continue;
            };
            let Some(party) = parties[index].as_object_mut() else {
                continue;
            };
            let roles = party.entry("roles").or_insert(Value::Null);
            let before = roles.clone();
            let has = match &*roles {
                Value::Array(list) => list.iter().any(|r| r.as_str() == Some(role)),
                Value::String(one) => one == role,
                _ => false,
            };
            if has {
                continue;
            }
            let mut list = match std::mem::take(roles) {
                Value::Array(list) => list,
                Value::String(one) if !one.trim().is_empty() => vec![Value::String(one)],
                _ => Vec::new(),
            };
            list.push(role.into());
            *roles = Value::Array(list);
            self.indexes = vec![index];
            self.path = "parties/roles".to_owned();
            let after = Some(roles.clone());
            self.record(
                None,
                "party_role",
                Some(before).filter(|v| !v.is_null()),
                after,
            );
        }
        self.path.clear();
        self.indexes.clear();
    }
}

/// The kind of a default correction of a code field.
fn default_kind(name: &str) -> &'static str {
    match name {
        "bid_status" => "default_bid_status",
        _ => "default_award_status",
    }
}

/// The kind of a mapping correction of a code field.
fn map_kind(name: &str) -> &'static str {
    match name {
        "bid_status" => "map_bid_status",
        "award_status" => "map_award_status",
        "tender_status" => "map_tender_status",
        "contract_status" => "map_contract_status",
        _ => "map_currency",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn corrected(prepare: &Prepare, json: &str) -> (Value, Vec<Correction>) {
        let mut object: Map<String, Value> = serde_json::from_str(json).unwrap();
        let mut log = Vec::new();
        prepare.correct(&mut object, &mut |c| log.push(c));
        (Value::Object(object), log)
    }

    #[test]
    fn buddhist_era_years_are_converted() {
        let auto = Prepare::default();
        assert_eq!(
            auto.common_era("2566-03-15T10:00:00+07:00").as_deref(),
            Some("2023-03-15T10:00:00+07:00")
        );
        assert_eq!(auto.common_era("2023-03-15"), None);
        assert_eq!(auto.common_era("n/a"), None);
        let always = Prepare {
            buddhist_era: BuddhistEra::Always,
            ..Prepare::default()
        };
        assert_eq!(
            always.common_era("2023-01-01").as_deref(),
            Some("1480-01-01")
        );
        assert_eq!(Prepare::none().common_era("2566-01-01"), None);
        let (value, log) = corrected(
            &auto,
            r#"{"ocid":"a","date":"2566-01-05","awards":[{"id":1,"date":"2567-02-29"}]}"#,
        );
        assert_eq!(value["awards"][0]["date"], "2024-02-29");
        assert_eq!(value["awards"][0]["id"], "1");
        let kinds: Vec<_> = log.iter().map(|c| (c.kind, c.path.as_str())).collect();
        assert_eq!(
            kinds,
            [
                ("buddhist_era", "date"),
                ("id_as_string", "awards/id"),
                ("buddhist_era", "awards/date")
            ]
        );
        assert_eq!(log[2].indexes, [0]);
    }

    #[test]
    fn placeholders_defaults_and_maps() {
        let prepare: Prepare = toml::from_str(
            r#"
            placeholder_amounts = [0, 999999999]
            party_roles = true
            [defaults]
            award_status = "active"
            bid_status = "valid"
            currency = "THB"
            item_classification_scheme = "UNSPSC"
            [map.procurement_method]
            "E-Bidding" = "open"
            [map.bid_status]
            "ผ่าน" = "valid"
            "#,
        )
        .unwrap();
        prepare.check().unwrap();
        let (value, log) = corrected(
            &prepare,
            r#"{"ocid":"a","buyer":{"id":"B","name":"Office"},
                "tender":{"procurementMethod":"Licitación","procurementMethodDetails":"e-bidding ",
                          "value":{"amount":0,"currency":"THB"},
                          "items":[{"classification":{"id":"72"}}]},
                "bids":{"details":[{"status":" ผ่าน ","value":{"amount":"500"}},{"id":"2"}]},
                "awards":[{"id":"1","value":{"amount":999999999}}],
                "parties":[{"id":"B","roles":"payer"}]}"#,
        );
        assert_eq!(value["tender"]["procurementMethod"], "open");
        assert!(value["tender"]["value"].get("amount").is_none());
        assert_eq!(
            value["tender"]["items"][0]["classification"]["scheme"],
            "UNSPSC"
        );
        assert_eq!(value["bids"]["details"][0]["status"], "valid");
        assert_eq!(value["bids"]["details"][0]["value"]["currency"], "THB");
        assert_eq!(value["bids"]["details"][1]["status"], "valid");
        assert_eq!(value["awards"][0]["status"], "active");
        assert_eq!(
            value["parties"][0]["roles"],
            serde_json::json!(["payer", "buyer"])
        );
        let mut kinds: Vec<_> = log.iter().map(|c| c.kind).collect();
        kinds.sort_unstable();
        assert_eq!(
            kinds,
            [
                "default_award_status",
                "default_bid_status",
                "default_currency",
                "default_item_classification_scheme",
                "map_bid_status",
                "map_procurement_method",
                "party_role",
                "placeholder_amount",
                "placeholder_amount",
            ]
        );
    }

    #[test]
    fn unknown_codes_in_the_settings_are_named() {
        let prepare: Prepare = toml::from_str("[map.award_status]\nok = \"done\"\n").unwrap();
        let error = prepare.check().unwrap_err();
        assert!(
            error.contains("prepare.map.award_status") && error.contains("done"),
            "{error}"
        );
        assert!(Prepare::none().check().is_ok());
        assert!(!Prepare::none().is_active());
        assert!(Prepare::default().is_active());
    }
}
