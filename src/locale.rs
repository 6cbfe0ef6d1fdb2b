//! Languages and calendars, and numbers as their readers write them: what the report and the
//! evidence sentences share.

use clap::ValueEnum;
use serde::Serialize;

/// A language the outputs can be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// Thai.
    Th,
}

/// How years are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Calendar {
    /// The Common Era (2024).
    Gregorian,
    /// The Buddhist Era (2567 = 2024 + 543).
    Buddhist,
}

/// The Buddhist Era is 543 years ahead of the Common Era.
pub const BUDDHIST_OFFSET: i32 = 543;

impl Lang {
    /// The calendar readers of this language expect: the Buddhist Era for Thai.
    pub fn default_calendar(self) -> Calendar {
        match self {
            Lang::En => Calendar::Gregorian,
            Lang::Th => Calendar::Buddhist,
        }
    }

    /// The language's message catalogue (`locales/LANG.toml`), as written.
    pub fn messages_source(self) -> &'static str {
        match self {
            Lang::En => include_str!("../locales/en.toml"),
            Lang::Th => include_str!("../locales/th.toml"),
        }
    }

    /// The language's evidence templates (`locales/evidence/LANG.toml`), as written.
    pub fn evidence_source(self) -> &'static str {
        match self {
            Lang::En => include_str!("../locales/evidence/en.toml"),
            Lang::Th => include_str!("../locales/evidence/th.toml"),
        }
    }

    /// The abbreviated month names of the language's catalogue (`messages.months`).
    pub fn months(self) -> Vec<String> {
        let table: toml::Table = toml::from_str(self.messages_source()).unwrap_or_default();
        table
            .get("messages")
            .and_then(|messages| messages.get("months"))
            .and_then(toml::Value::as_array)
            .map(|names| {
                names
                    .iter()
                    .filter_map(|name| name.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// A date as readers of `lang` write it: ISO (`2024-03-31`) in English, `31 มี.ค. 2567` in
/// Thai (`months`: the language's abbreviated month names), the year in `calendar`'s era.
pub fn date_text(
    date: chrono::NaiveDate,
    lang: Lang,
    calendar: Calendar,
    months: &[String],
) -> String {
    use chrono::Datelike;
    let year = match calendar {
        Calendar::Gregorian => date.year(),
        Calendar::Buddhist => date.year() + BUDDHIST_OFFSET,
    };
    match lang {
        Lang::En => format!("{year:04}-{:02}-{:02}", date.month(), date.day()),
        Lang::Th => {
            let month = months
                .get(date.month0() as usize)
                .map_or("", String::as_str);
            format!("{} {month} {year}", date.day())
        }
    }
}

/// A number with thousands separators and at most `decimals` decimals (trailing zeros
/// dropped): `1,234,567.5`.
pub fn number(value: f64, decimals: usize) -> String {
    if !value.is_finite() {
        return String::new();
    }
    let text = format!("{:.*}", decimals, value.abs());
    let (whole, fraction) = match text.split_once('.') {
        Some((whole, fraction)) => (whole, fraction.trim_end_matches('0')),
        None => (text.as_str(), ""),
    };
    let mut grouped = String::with_capacity(whole.len() + whole.len() / 3 + 2);
    if value < 0.0 && (whole != "0" || !fraction.is_empty()) {
        grouped.push('-');
    }
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    if !fraction.is_empty() {
        grouped.push('.');
        grouped.push_str(fraction);
    }
    grouped
}
