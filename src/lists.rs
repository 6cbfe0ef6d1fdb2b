//! Lists the user gives that OCDS does not carry, named in the settings' `[lists]` section:
//! a debarment or sanctions list (OCP's R046).
//!
//! A list is read when the settings are read: a row that cannot be read stops the run before
//! any input is read (exit 2), with the file, the line and the field. Organizations are
//! matched to a list's entries by identifier first, then by normalized name (see [`id_key`]
//! and [`name_key`]); the evidence says which.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use polars::prelude::*;
use serde::{Deserialize, Serialize};

/// The `[lists]` settings: the files, by kind (paths relative to the settings file's folder).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ListSettings {
    /// A debarment or sanctions list: a CSV file with the columns `id` and/or `name` (each row
    /// needs one of them), and optionally `from`, `to` (the dates the entry applies between,
    /// inclusive; empty: no bound) and `source`.
    pub debarred: Option<PathBuf>,
    /// A company register extract: a CSV file with the columns `id` and/or `name`, and
    /// optionally `registered` (the registration date), `address` and `owners` (the owners'
    /// or major shareholders' names, separated by `;`).
    pub register: Option<PathBuf>,
    /// Abnormal contact details: a CSV file with the columns `kind` (`address`, `telephone` or
    /// `email`), `value` and optionally `note` (why it is abnormal).
    pub contacts: Option<PathBuf>,
    /// Procurement plans: a CSV file with the buyer's `id` and/or `name`, and optionally
    /// `classification` (the start of the item classification code the planned purchase is
    /// for), `method` (the procurement method the plan sets) and `from`, `to` (the period the
    /// plan covers).
    pub plan: Option<PathBuf>,
}

/// What a kind of list holds beyond the organization's id and name: its optional columns.
pub struct Spec {
    /// The list's key in `[lists]`.
    pub key: &'static str,
    /// What it is, for `init`.
    pub description: &'static str,
    /// Columns of dates.
    pub dates: &'static [&'static str],
    /// Columns of texts.
    pub texts: &'static [&'static str],
    /// Columns of lists of texts, separated by `;` (a list column).
    pub lists: &'static [&'static str],
}

/// The debarment or sanctions list.
pub const DEBARRED: Spec = Spec {
    key: "debarred",
    description: "a debarment or sanctions list (CSV: id, name, from, to, source)",
    dates: &[FROM, TO],
    texts: &[SOURCE],
    lists: &[],
};

/// The company register extract.
pub const REGISTER: Spec = Spec {
    key: "register",
    description: "a company register extract (CSV: id, name, registered, address, owners)",
    dates: &[REGISTERED],
    texts: &[ADDRESS],
    lists: &[OWNERS],
};

/// The list of abnormal contact details (not of organizations: read by [`read_contacts`]).
pub const CONTACTS: Spec = Spec {
    key: "contacts",
    description: "abnormal addresses, telephones and e-mails (CSV: kind, value, note)",
    dates: &[],
    texts: &[],
    lists: &[],
};

/// The procurement plans.
pub const PLAN: Spec = Spec {
    key: "plan",
    description: "procurement plans (CSV: id, name of the buyer, classification, method, from, to)",
    dates: &[FROM, TO],
    texts: &[CLASSIFICATION, METHOD],
    lists: &[],
};

/// Every kind of list, in the order of the settings.
pub const LISTS: [&Spec; 4] = [&DEBARRED, &REGISTER, &CONTACTS, &PLAN];

impl ListSettings {
    fn paths_mut(&mut self) -> [(&'static str, &mut Option<PathBuf>); 4] {
        [
            (DEBARRED.key, &mut self.debarred),
            (REGISTER.key, &mut self.register),
            (CONTACTS.key, &mut self.contacts),
            (PLAN.key, &mut self.plan),
        ]
    }

    /// The paths made relative to `folder` (the settings file's) when they are relative.
    pub fn resolve(&mut self, folder: &Path) {
        for (_, path) in self.paths_mut() {
            if let Some(path) = path
                && path.is_relative()
            {
                *path = folder.join(&*path);
            }
        }
    }

    /// Whether any list is named.
    pub fn any(&self) -> bool {
        LISTS.iter().any(|spec| self.names(spec.key))
    }

    /// Whether the list of this key (`debarred`) is named.
    pub fn names(&self, key: &str) -> bool {
        match key {
            "debarred" => self.debarred.is_some(),
            "register" => self.register.is_some(),
            "contacts" => self.contacts.is_some(),
            "plan" => self.plan.is_some(),
            _ => false,
        }
    }

    /// Reads every list named; the error names the file, the line and the field.
    pub fn load(&self) -> Result<Lists, String> {
        let read = |path: &Option<PathBuf>, spec: &Spec| {
            path.as_deref()
                .map(|path| read_entries(path, spec))
                .transpose()
        };
        Ok(Lists {
            debarred: read(&self.debarred, &DEBARRED)?,
            register: read(&self.register, &REGISTER)?,
            contacts: self.contacts.as_deref().map(read_contacts).transpose()?,
            plan: read(&self.plan, &PLAN)?,
        })
    }
}

/// The lists, read: each list's entries, one row per way to match one (its id's key and its
/// name's), with the columns [`MATCH`], [`KEY`], [`ENTRY_ID`], [`ENTRY_NAME`], the list's own
/// (see [`Spec`]) and [`LINE`].
#[derive(Debug, Clone, Default)]
pub struct Lists {
    /// The debarment list's entries.
    pub debarred: Option<DataFrame>,
    /// The company register's entries.
    pub register: Option<DataFrame>,
    /// The abnormal contact details: `kind`, `key` (as [`contact_key`] makes it), `value` (as
    /// written), `note` and [`LINE`].
    pub contacts: Option<DataFrame>,
    /// The procurement plans' entries.
    pub plan: Option<DataFrame>,
}

/// Column of a list's entries: what a key matches, `id` or `name`.
pub const MATCH: &str = "match";
/// Column of a list's entries: the key, as [`id_key`] or [`name_key`] makes it.
pub const KEY: &str = "key";
/// Column of a list's entries: the entry's id as written (may be null).
pub const ENTRY_ID: &str = "entry_id";
/// Column of a list's entries: the entry's name as written (may be null).
pub const ENTRY_NAME: &str = "entry_name";
/// Column of the debarment list: the first day an entry applies (a date; null: no bound).
pub const FROM: &str = "from";
/// Column of the debarment list: the last day an entry applies (a date; null: no bound).
pub const TO: &str = "to";
/// Column of the debarment list: where the entry comes from, as written.
pub const SOURCE: &str = "source";
/// Column of the register: the registration date.
pub const REGISTERED: &str = "registered";
/// Column of the register: the registered address, as written.
pub const ADDRESS: &str = "address";
/// Column of the register: the owners' names, as written (a list).
pub const OWNERS: &str = "owners";
/// Column of the procurement plans: the start of the item classification code an entry is for.
pub const CLASSIFICATION: &str = "classification";
/// Column of the procurement plans: the procurement method an entry sets.
pub const METHOD: &str = "method";
/// Column of a list's entries: its line in the file (the header is line 1).
pub const LINE: &str = "line";

/// One entry's optional values, in the order of its spec's columns.
struct Values {
    dates: Vec<Option<i32>>,
    texts: Vec<Option<String>>,
    lists: Vec<Vec<String>>,
}

/// How a date of the settings or of a list may be written, for the messages about one that
/// does not read (see [`parse_date`]).
pub const DATE_FORMS: &str = "YYYY-MM-DD or DD/MM/YYYY; a year above 2400 is read as Buddhist Era";

/// A list file's reader and its header's column names (trimmed, in lower case).
fn open(path: &Path) -> Result<(csv::Reader<std::fs::File>, Vec<String>), String> {
    open_csv(path, "[lists]")
}

/// A CSV file of the settings' `section` (`[lists]`), read: its reader and its header's column
/// names (trimmed, in lower case, without a byte-order mark); the error names the section and
/// the file.
pub fn open_csv(
    path: &Path,
    section: &str,
) -> Result<(csv::Reader<std::fs::File>, Vec<String>), String> {
    let name = path.display();
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(path)
        .map_err(|error| format!("{section} {name}: {error}"))?;
    let header = reader
        .headers()
        .map_err(|error| format!("{section} {name}: {error}"))?
        .iter()
        .map(|column| column.trim().trim_start_matches('\u{feff}').to_lowercase())
        .collect();
    Ok((reader, header))
}

/// Reads a list file: a header with `id` and/or `name`, and the spec's columns if there
/// (in any order and case; other columns are left alone).
fn read_entries(path: &Path, spec: &Spec) -> Result<DataFrame, String> {
    let name = path.display();
    let (mut reader, header) = open(path)?;
    let column = |wanted: &str| header.iter().position(|c| c == wanted);
    let (id, name_column) = (column("id"), column("name"));
    if id.is_none() && name_column.is_none() {
        return Err(format!(
            "[lists] {name}, line 1: no `id` or `name` column (the columns are {})",
            header.join(", ")
        ));
    }
    let at = |columns: &[&str]| columns.iter().map(|c| column(c)).collect::<Vec<_>>();
    let (dates_at, texts_at, lists_at) = (at(spec.dates), at(spec.texts), at(spec.lists));
    let (mut matched, mut keys, mut ids, mut names, mut values, mut lines) = (
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
    );
    for (index, record) in reader.records().enumerate() {
        let line = index as u32 + 2;
        let record = record.map_err(|error| format!("[lists] {name}, line {line}: {error}"))?;
        let field = |at: Option<usize>| {
            at.and_then(|at| record.get(at))
                .map(str::trim)
                .filter(|value| !value.is_empty())
        };
        let (entry_id, entry_name) = (field(id), field(name_column));
        if entry_id.is_none() && entry_name.is_none() {
            if record.iter().all(|value| value.trim().is_empty()) {
                continue;
            }
            return Err(format!(
                "[lists] {name}, line {line}: neither `id` nor `name` is given"
            ));
        }
        let mut dates = Vec::with_capacity(spec.dates.len());
        for (key, at) in spec.dates.iter().zip(&dates_at) {
            dates.push(
                field(*at)
                    .map(|text| {
                        parse_date(text).ok_or_else(|| {
                            format!(
                                "[lists] {name}, line {line}, field `{key}`: {text:?} is not a \
                                 date ({DATE_FORMS})"
                            )
                        })
                    })
                    .transpose()?,
            );
        }
        if let [Some(start), Some(end)] = dates[..]
            && spec.dates == [FROM, TO]
            && end < start
        {
            return Err(format!(
                "[lists] {name}, line {line}, field `to`: before `from`"
            ));
        }
        let entry = Values {
            dates,
            texts: texts_at
                .iter()
                .map(|at| field(*at).map(str::to_owned))
                .collect(),
            lists: lists_at
                .iter()
                .map(|at| {
                    field(*at)
                        .map(|text| {
                            text.split(';')
                                .map(str::trim)
                                .filter(|part| !part.is_empty())
                                .map(str::to_owned)
                                .collect()
                        })
                        .unwrap_or_default()
                })
                .collect(),
        };
        let row_keys = [
            ("id", entry_id.map(id_key)),
            ("name", entry_name.map(name_key)),
        ];
        let row_keys: Vec<(&str, String)> = row_keys
            .into_iter()
            .filter_map(|(kind, key)| Some((kind, key.filter(|key| !key.is_empty())?)))
            .collect();
        for (kind, key) in row_keys {
            matched.push(kind);
            keys.push(key);
            ids.push(entry_id.map(str::to_owned));
            names.push(entry_name.map(str::to_owned));
            values.push(Values {
                dates: entry.dates.clone(),
                texts: entry.texts.clone(),
                lists: entry.lists.clone(),
            });
            lines.push(line);
        }
    }
    let height = keys.len();
    let mut columns = vec![
        Column::new(MATCH.into(), matched),
        Column::new(KEY.into(), keys),
        Column::new(ENTRY_ID.into(), ids),
        Column::new(ENTRY_NAME.into(), names),
    ];
    let failed = |error: PolarsError| error.to_string();
    for (index, column) in spec.dates.iter().enumerate() {
        let days: Vec<Option<i32>> = values.iter().map(|v| v.dates[index]).collect();
        columns.push(
            Column::new((*column).into(), days)
                .cast(&DataType::Date)
                .map_err(failed)?,
        );
    }
    for (index, column) in spec.texts.iter().enumerate() {
        let texts: Vec<Option<&str>> = values.iter().map(|v| v.texts[index].as_deref()).collect();
        columns.push(Column::new((*column).into(), texts));
    }
    for (index, column) in spec.lists.iter().enumerate() {
        let lists: Vec<Series> = values
            .iter()
            .map(|v| Series::new("".into(), v.lists[index].clone()))
            .collect();
        let list = Series::new((*column).into(), lists);
        let list = list
            .cast(&DataType::List(Box::new(DataType::String)))
            .map_err(failed)?;
        columns.push(list.into_column());
    }
    columns.push(Column::new(LINE.into(), lines));
    DataFrame::new(height, columns).map_err(failed)
}

/// The kinds of contact details the contacts list holds.
pub const CONTACT_KINDS: [&str; 3] = ["address", "telephone", "email"];

/// A contact detail of a kind as compared (see [`address_key`], [`telephone_key`],
/// [`email_key`]).
pub fn contact_key(kind: &str, value: &str) -> Option<String> {
    match kind {
        "address" => Some(address_key(value)).filter(|key| key.chars().count() >= 6),
        "telephone" => telephone_key(value),
        "email" => email_key(value),
        _ => None,
    }
}

/// Reads the list of abnormal contact details: a header with `kind` and `value`, and
/// optionally `note`.
fn read_contacts(path: &Path) -> Result<DataFrame, String> {
    let name = path.display();
    let (mut reader, header) = open(path)?;
    let column = |wanted: &str| header.iter().position(|c| c == wanted);
    let (Some(kind_at), Some(value_at)) = (column("kind"), column("value")) else {
        return Err(format!(
            "[lists] {name}, line 1: a `kind` and a `value` column are needed (the columns are {})",
            header.join(", ")
        ));
    };
    let note_at = column("note");
    let (mut kinds, mut keys, mut values, mut notes, mut lines) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (index, record) in reader.records().enumerate() {
        let line = index as u32 + 2;
        let record = record.map_err(|error| format!("[lists] {name}, line {line}: {error}"))?;
        let field = |at: usize| record.get(at).map(str::trim).unwrap_or_default();
        if record.iter().all(|value| value.trim().is_empty()) {
            continue;
        }
        let kind = field(kind_at).to_lowercase();
        let Some(kind) = CONTACT_KINDS.iter().find(|known| **known == kind) else {
            return Err(format!(
                "[lists] {name}, line {line}, field `kind`: {kind:?} is not one of {}",
                CONTACT_KINDS.join(", ")
            ));
        };
        let value = field(value_at);
        let Some(key) = contact_key(kind, value) else {
            return Err(format!(
                "[lists] {name}, line {line}, field `value`: {value:?} is not a {kind} that can \
                 be compared (an address of six letters or digits or more, a telephone of eight \
                 digits or more, an e-mail with `@`)"
            ));
        };
        kinds.push(*kind);
        keys.push(key);
        values.push(value.to_owned());
        notes.push(
            note_at
                .map(field)
                .filter(|note| !note.is_empty())
                .map(str::to_owned),
        );
        lines.push(line);
    }
    df!(
        "kind" => kinds,
        KEY => keys,
        "value" => values,
        "note" => notes,
        LINE => lines,
    )
    .map_err(|error| error.to_string())
}

/// Days since 1970-01-01 of a date written `YYYY-MM-DD` (a timestamp's date part too) or
/// `DD/MM/YYYY`; a year above 2400 is a Buddhist Era year (543 more than the Common Era's).
pub fn parse_date(text: &str) -> Option<i32> {
    let text = text.trim();
    let (year, month, day) = if let Some((day, rest)) = text.split_once('/') {
        let (month, year) = rest.split_once('/')?;
        (
            year.parse::<i32>().ok()?,
            month.parse().ok()?,
            day.parse().ok()?,
        )
    } else {
        let date = text.get(..10)?;
        let mut parts = date.split('-');
        let year = parts.next()?.parse::<i32>().ok()?;
        let month = parts.next()?.parse().ok()?;
        let day = parts.next()?.parse().ok()?;
        (year, month, day)
    };
    let year = if year > 2400 {
        year - crate::ingest::prepare::BUDDHIST_ERA_OFFSET
    } else {
        year
    };
    let date = NaiveDate::from_ymd_opt(year, month, day)?;
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1)?;
    i32::try_from((date - epoch).num_days()).ok()
}

/// An organization identifier as matched: a leading OCDS scheme prefix (`TH-DGA-`, `UA-EDR-`:
/// two letters, a dash, a register code, a dash) dropped, then only its letters and digits,
/// in upper case. `TH-DGA-0105-561-234567` and `0105561234567` match.
pub fn id_key(id: &str) -> String {
    let id = id.trim();
    let bytes = id.as_bytes();
    let unprefixed = if bytes.len() > 3
        && bytes[0].is_ascii_alphabetic()
        && bytes[1].is_ascii_alphabetic()
        && bytes[2] == b'-'
        && let Some(dash) = id[3..].find('-')
        && id[3..3 + dash]
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        && dash > 0
        && 3 + dash + 1 < id.len()
    {
        &id[3 + dash + 1..]
    } else {
        id
    };
    unprefixed
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Legal forms left out of names when matching, Thai (as written before or after the name,
/// with or without spaces) and Latin (as whole words).
const THAI_FORMS: [&str; 12] = [
    "ห้างหุ้นส่วนจำกัด",
    "ห้างหุ้นส่วนสามัญ",
    "ห้างหุ้นส่วน",
    "บริษัท",
    "จำกัด",
    "(มหาชน)",
    "มหาชน",
    "หจก.",
    "หสน.",
    "บจก.",
    "บมจ.",
    "ร้าน",
];
const LATIN_FORMS: [&str; 22] = [
    "company",
    "co",
    "ltd",
    "limited",
    "llc",
    "llp",
    "inc",
    "incorporated",
    "corp",
    "corporation",
    "plc",
    "pcl",
    "public",
    "sa",
    "srl",
    "sarl",
    "gmbh",
    "ag",
    "bv",
    "tov",
    "the",
    "and",
];

/// A name as matched: in lower case, legal forms left out (see [`THAI_FORMS`],
/// [`LATIN_FORMS`]), then only letters, digits and Thai characters, without spaces or
/// punctuation. `บริษัท ชัยเทรดดิ้ง จำกัด`, `บจก.ชัยเทรดดิ้ง` and `ชัยเทรดดิ้ง` match; so do
/// `Acme Trading Co., Ltd.` and `ACME TRADING LIMITED`. A name that is only a legal form
/// keeps it.
pub fn name_key(name: &str) -> String {
    let mut text = name.trim().to_lowercase();
    // Thai forms, repeatedly at either end (`บริษัท ... จำกัด (มหาชน)`).
    loop {
        let trimmed = text.trim();
        let cut = THAI_FORMS.iter().find_map(|form| {
            trimmed
                .strip_prefix(form)
                .or_else(|| trimmed.strip_suffix(form))
                .filter(|rest| !rest.trim().is_empty())
        });
        match cut {
            Some(rest) => text = rest.to_owned(),
            None => break,
        }
    }
    let words: Vec<String> = text
        .split(|c: char| !is_name_char(c))
        .filter(|word| !word.is_empty())
        .map(str::to_owned)
        .collect();
    let kept: Vec<&str> = words
        .iter()
        .map(String::as_str)
        .filter(|word| !LATIN_FORMS.contains(word))
        .collect();
    let kept = if kept.is_empty() {
        words.iter().map(String::as_str).collect()
    } else {
        kept
    };
    kept.concat()
}

/// An address as matched: in lower case, only its letters, digits and Thai characters
/// (`1 ถนนสุขุมวิท, กรุงเทพฯ` and `1 ถนนสุขุมวิท กรุงเทพฯ` match).
pub fn address_key(address: &str) -> String {
    address
        .to_lowercase()
        .chars()
        .filter(|c| is_name_char(*c))
        .collect()
}

/// A telephone number as compared: its last eight digits, when it has eight or more, so that
/// a number written with its country code (`+66 2 123 4567`) and nationally (`02-123-4567`)
/// match.
pub fn telephone_key(text: &str) -> Option<String> {
    let digits: Vec<char> = text.chars().filter(char::is_ascii_digit).collect();
    (digits.len() >= 8).then(|| digits[digits.len() - 8..].iter().collect())
}

/// An e-mail address as compared: trimmed, in lower case, when it has an `@`.
pub fn email_key(text: &str) -> Option<String> {
    let email = text.trim().to_lowercase();
    email.contains('@').then_some(email)
}

/// Whether a character is part of a name's words: letters, digits, and the Thai block's
/// letters, vowels and tone marks (Thai punctuation aside).
fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || (('\u{0e01}'..='\u{0e4e}').contains(&c) && c != '\u{0e2f}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_match_with_or_without_their_scheme_and_punctuation() {
        assert_eq!(id_key("TH-DGA-0105561234567"), "0105561234567");
        assert_eq!(id_key("0105-561-234567"), "0105561234567");
        assert_eq!(id_key("UA-EDR-12345678"), "12345678");
        assert_eq!(id_key(" gb-coh-01234567 "), "GBCOH01234567");
        // Not a scheme prefix: kept.
        assert_eq!(id_key("AB-12"), "AB12");
        assert_eq!(id_key("S-1"), "S1");
    }

    #[test]
    fn names_match_without_legal_forms_spaces_or_case() {
        let key = name_key("บริษัท ชัยเทรดดิ้ง จำกัด");
        assert_eq!(key, "ชัยเทรดดิ้ง");
        assert_eq!(name_key("บจก.ชัยเทรดดิ้ง"), key);
        assert_eq!(name_key("ชัยเทรดดิ้ง"), key);
        assert_eq!(name_key("บริษัท ชัยเทรดดิ้ง จำกัด (มหาชน)"), key);
        assert_eq!(name_key("ห้างหุ้นส่วนจำกัด ชัย เทรดดิ้ง"), key);
        assert_eq!(
            name_key("Acme Trading Co., Ltd."),
            name_key("ACME TRADING LIMITED")
        );
        assert_eq!(name_key("Acme Trading Co., Ltd."), "acmetrading");
        // Tone marks count: these are different names.
        assert_ne!(name_key("ก้อง"), name_key("กอง"));
        assert_eq!(
            address_key("99 ซอยสุขุมวิท 31, กรุงเทพฯ"),
            address_key("99  ซอยสุขุมวิท 31 กรุงเทพฯ")
        );
        assert_ne!(address_key("99 Main St"), address_key("98 Main St"));
        // A name that is only a legal form keeps it.
        assert_eq!(name_key("Company Ltd"), "companyltd");
        assert_eq!(name_key("บริษัท"), "บริษัท");
    }

    #[test]
    fn dates_are_read_in_both_orders_and_eras() {
        let day = |y, m, d| parse_date(&format!("{y:04}-{m:02}-{d:02}")).unwrap();
        assert_eq!(parse_date("2024-03-31"), Some(day(2024, 3, 31)));
        assert_eq!(parse_date("31/03/2024"), Some(day(2024, 3, 31)));
        assert_eq!(parse_date("31/03/2567"), Some(day(2024, 3, 31)));
        assert_eq!(
            parse_date("2567-03-31T00:00:00+07:00"),
            Some(day(2024, 3, 31))
        );
        assert_eq!(parse_date("2024-02-30"), None);
        assert_eq!(parse_date("March 2024"), None);
    }

    fn list(text: &str) -> Result<DataFrame, String> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("debarred.csv");
        std::fs::write(&path, text).unwrap();
        read_entries(&path, &DEBARRED).map_err(|e| e.replace(&path.display().to_string(), "FILE"))
    }

    #[test]
    fn a_list_is_read_with_one_key_per_id_and_name() {
        let frame = list(
            "\u{feff}Name,ID,From,To,Source,Note\n\
             บริษัท ชัยเทรดดิ้ง จำกัด,TH-DGA-0105561234567,01/01/2567,,CGD,x\n\
             ,,,,,\n\
             Acme Ltd,,2023-01-01,2023-12-31,,\n",
        )
        .unwrap();
        assert_eq!(frame.height(), 3);
        let keys: Vec<Option<&str>> = frame.column(KEY).unwrap().str().unwrap().iter().collect();
        assert_eq!(
            keys,
            [Some("0105561234567"), Some("ชัยเทรดดิ้ง"), Some("acme")]
        );
        let lines: Vec<Option<u32>> = frame.column(LINE).unwrap().u32().unwrap().iter().collect();
        assert_eq!(lines, [Some(2), Some(2), Some(4)]);
        assert_eq!(frame.column(FROM).unwrap().dtype(), &DataType::Date);
    }

    #[test]
    fn a_register_is_read_with_its_dates_addresses_and_owners() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("register.csv");
        std::fs::write(
            &path,
            "id,name,registered,address,owners\n\
             0105561234567,บริษัท ชัยเทรดดิ้ง จำกัด,15/01/2567,\"1 ถนนสุขุมวิท, กรุงเทพฯ\",นายสมชาย ใจดี; นางสมหญิง ใจดี\n\
             0105561234568,,,,\n",
        )
        .unwrap();
        let frame = read_entries(&path, &REGISTER).unwrap();
        // The first entry by id and by name, the second by id.
        assert_eq!(frame.height(), 3);
        let registered = frame
            .column(REGISTERED)
            .unwrap()
            .cast(&DataType::Int32)
            .unwrap();
        assert_eq!(registered.i32().unwrap().get(0), parse_date("2024-01-15"));
        assert_eq!(
            frame.column(ADDRESS).unwrap().str().unwrap().get(1),
            Some("1 ถนนสุขุมวิท, กรุงเทพฯ")
        );
        let owners = frame.column(OWNERS).unwrap().list().unwrap().clone();
        let first = owners.get_as_series(0).unwrap();
        let first: Vec<Option<&str>> = first.str().unwrap().iter().collect();
        assert_eq!(first, [Some("นายสมชาย ใจดี"), Some("นางสมหญิง ใจดี")]);
        assert_eq!(owners.get_as_series(2).unwrap().len(), 0);
    }

    #[test]
    fn the_contacts_list_is_read_and_checked() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("contacts.csv");
        std::fs::write(
            &path,
            "kind,value,note\ntelephone,+66 2 000 0000,a shared office\nEmail,A@B.co,\n",
        )
        .unwrap();
        let frame = read_contacts(&path).unwrap();
        let keys: Vec<Option<&str>> = frame.column(KEY).unwrap().str().unwrap().iter().collect();
        assert_eq!(keys, [Some("20000000"), Some("a@b.co")]);
        std::fs::write(&path, "kind,value\nfax,1234\n").unwrap();
        assert!(
            read_contacts(&path)
                .unwrap_err()
                .contains("line 2, field `kind`: \"fax\" is not one of address, telephone, email")
        );
        std::fs::write(&path, "kind,value\ntelephone,123\n").unwrap();
        assert!(read_contacts(&path).unwrap_err().contains("field `value`"));
    }

    #[test]
    fn a_bad_list_row_names_its_line_and_field() {
        assert_eq!(
            list("id,name,from\n1,A,2024-01-01\n2,B,31-12-2024\n").unwrap_err(),
            "[lists] FILE, line 3, field `from`: \"31-12-2024\" is not a date (YYYY-MM-DD or \
             DD/MM/YYYY; a year above 2400 is read as Buddhist Era)"
        );
        assert_eq!(
            list("id,name\n1,A\n,,\n, \n").unwrap().height(),
            2,
            "blank rows are skipped"
        );
        assert!(
            list("id,name,note\n1,A,x\n,,x\n")
                .unwrap_err()
                .contains("line 3: neither `id` nor `name` is given")
        );
        assert!(
            list("company,date\nA,2024\n")
                .unwrap_err()
                .contains("line 1: no `id` or `name` column")
        );
        assert!(
            list("id,from,to\n1,2024-02-01,2024-01-01\n")
                .unwrap_err()
                .contains("line 2, field `to`: before `from`")
        );
    }
}
