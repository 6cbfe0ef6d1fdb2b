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

mod corrector;

use super::lenient::Field;
use super::model::Release;
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

    /// Takes another count out of this one, and the kept corrections of the processes in
    /// `ocids`.
    pub fn subtract(&mut self, other: &Corrected, ocids: &std::collections::HashSet<&str>) {
        self.total -= other.total;
        for (kind, count) in &other.by_kind {
            if let Some(mine) = self.by_kind.get_mut(kind) {
                *mine -= count;
                if *mine == 0 {
                    self.by_kind.remove(kind);
                }
            }
        }
        self.kept.retain(|(ocid, _)| !ocids.contains(ocid.as_str()));
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
        corrector::correct(self, release, log);
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
        // The first end date of each contract (not an OCDS field) is kept, in the same era, and
        // so are its first items.
        let contracts = release.contracts.items().iter();
        for (new, old) in corrected
            .contracts
            .get_mut()
            .into_iter()
            .flatten()
            .zip(contracts)
        {
            new.first_period_end = match old.first_period_end.str() {
                Some(text) => Field::Set(
                    self.common_era(text)
                        .map_or_else(|| text.into(), Into::into),
                ),
                None => old.first_period_end.clone(),
            };
            new.first_items = old.first_items;
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A release corrected by the settings, and the corrections.
    pub(super) fn corrected(prepare: &Prepare, json: &str) -> (Value, Vec<Correction>) {
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
