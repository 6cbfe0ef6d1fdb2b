//! The walk that corrects a compiled release (as JSON), knowing where it is.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::{Correction, Prepare, is_date_key, is_id_key};
use crate::codelists;
use crate::ingest::raw::id_text;

/// Corrects one compiled release by the settings, telling `log` each value corrected.
pub(super) fn correct(
    prepare: &Prepare,
    release: &mut Map<String, Value>,
    log: &mut dyn FnMut(Correction),
) {
    let mut corrector = Corrector {
        prepare,
        path: String::new(),
        indexes: Vec::new(),
        log,
    };
    corrector.object(release);
    if prepare.party_roles {
        corrector.party_roles(release);
    }
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
        Value::String(text) => crate::ingest::lenient::parse_number(text),
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
    use super::super::tests::corrected;
    use super::*;

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
}
