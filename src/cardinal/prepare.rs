//! The sections of Cardinal's settings that its `prepare` command reads: `[defaults]`,
//! `[redactions]`, `[corrections]`, `[modifications]`, `[codelists.bid_status]` and
//! `[codelists.award_status]`. They become `[prepare]` where this tool has the same
//! correction, and are listed as not converted where it has none.

use crate::ingest::prepare::Prepare;

use super::settings::pipe_list;

/// The sections of Cardinal's `prepare` command, with their keys: (section, key, kind).
const PREPARE_KEYS: [(&str, &str, Kind); 12] = [
    ("defaults", "currency", Kind::Text),
    ("defaults", "item_classification_scheme", Kind::Text),
    ("defaults", "bid_status", Kind::Text),
    ("defaults", "award_status", Kind::Text),
    ("defaults", "party_roles", Kind::Bool),
    ("redactions", "amount", Kind::Text),
    ("redactions", "organization_id", Kind::Text),
    ("corrections", "award_status_by_contract_status", Kind::Bool),
    ("modifications", "move_auctions", Kind::Bool),
    (
        "modifications",
        "prefix_buyer_or_procuring_entity_id",
        Kind::Text,
    ),
    (
        "modifications",
        "prefix_tenderer_or_supplier_id",
        Kind::Text,
    ),
    (
        "modifications",
        "split_procurement_method_details",
        Kind::Text,
    ),
];

/// The codelists whose local codes Cardinal's `prepare` maps (`[codelists.NAME]`).
const CODELISTS: [&str; 2] = ["bid_status", "award_status"];

/// What a value of Cardinal's settings must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Bool,
}

/// A boolean as Cardinal's settings library reads one.
pub(super) fn boolean(section: &str, key: &str, text: &str) -> Result<bool, String> {
    match text.trim().to_lowercase().as_str() {
        "true" | "on" | "yes" | "1" => Ok(true),
        "false" | "off" | "no" | "0" => Ok(false),
        other => Err(format!(
            "[{section}] {key} must be true or false, not `{other}`"
        )),
    }
}

/// The `prepare` sections read so far.
#[derive(Debug, Default)]
pub struct PrepareSections {
    /// Our `[prepare]`, with what could be converted.
    pub prepare: Prepare,
    /// The settings that are set, as `[section] key`.
    pub set: Vec<String>,
    /// Those of them that `[prepare]` has no equivalent for.
    pub not_converted: Vec<String>,
}

impl PrepareSections {
    /// Reads section `name` if it is one of the `prepare` sections (false if it is not); the
    /// error names an unknown key or codelist, or a value of the wrong kind.
    pub fn read(&mut self, name: &str, properties: &ini::Properties) -> Result<bool, String> {
        if name == "codelists" && properties.is_empty() {
            return Ok(true);
        }
        if let Some(codelist) = name.strip_prefix("codelists.") {
            if !CODELISTS.contains(&codelist) {
                return Err(format!(
                    "unknown section [{name}]: Cardinal maps [codelists.bid_status] and \
                     [codelists.award_status]"
                ));
            }
            let map = match codelist {
                "bid_status" => &mut self.prepare.map.bid_status,
                _ => &mut self.prepare.map.award_status,
            };
            for (key, text) in properties.iter() {
                map.insert(key.to_owned(), text.trim().to_owned());
                self.set.push(format!("[{name}] {key}"));
            }
            return Ok(true);
        }
        if !PREPARE_KEYS.iter().any(|(section, _, _)| *section == name) {
            return Ok(false);
        }
        for (key, text) in properties.iter() {
            let Some((_, _, kind)) = PREPARE_KEYS
                .iter()
                .find(|(section, known, _)| *section == name && *known == key)
            else {
                return Err(format!("unknown setting `{key}` in [{name}]"));
            };
            let setting = format!("[{name}] {key}");
            let flag = match kind {
                Kind::Bool => Some(boolean(name, key, text)?),
                Kind::Text => None,
            };
            if !convert(&mut self.prepare, name, key, text.trim(), flag) {
                self.not_converted.push(setting.clone());
            }
            self.set.push(setting);
        }
        Ok(true)
    }
}

/// Applies one setting of Cardinal's `prepare` sections to `[prepare]`; false when it has no
/// equivalent there.
fn convert(
    prepare: &mut Prepare,
    section: &str,
    key: &str,
    text: &str,
    flag: Option<bool>,
) -> bool {
    let text = Some(text.to_owned());
    match (section, key) {
        ("defaults", "currency") => prepare.defaults.currency = text,
        ("defaults", "item_classification_scheme") => {
            prepare.defaults.item_classification_scheme = text;
        }
        ("defaults", "bid_status") => prepare.defaults.bid_status = text,
        ("defaults", "award_status") => prepare.defaults.award_status = text,
        ("defaults", "party_roles") => prepare.party_roles = flag.unwrap_or_default(),
        // Cardinal drops amounts it cannot read as numbers.
        ("redactions", "amount") => {
            prepare.placeholder_amounts = pipe_list(text.as_deref().unwrap_or_default())
                .iter()
                .filter_map(|amount| amount.parse::<f64>().ok())
                .collect();
        }
        _ => return false,
    }
    true
}
