//! The report's words and formats: the message catalogue (`locales/*.toml`), numbers with
//! thousands separators, and dates in the Common or the Buddhist Era.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};

pub use crate::locale::{BUDDHIST_OFFSET, Calendar, Lang, number};

/// One language's messages, with the calendar to write dates in.
#[derive(Debug, Clone)]
pub struct Messages {
    /// The language.
    pub lang: Lang,
    /// The calendar.
    pub calendar: Calendar,
    /// Every message by key.
    pub text: BTreeMap<String, String>,
    /// Indicator titles by slug (the catalogue's titles where the language has none).
    pub indicators: BTreeMap<String, String>,
    months: Vec<String>,
}

/// The catalogue file as written.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Catalogue {
    messages: BTreeMap<String, toml::Value>,
    indicators: BTreeMap<String, String>,
}

impl Messages {
    /// The messages of a language (the catalogues are part of the program and checked by
    /// tests, so a malformed one is a bug).
    pub fn new(lang: Lang, calendar: Calendar) -> Messages {
        let catalogue: Catalogue = toml::from_str(lang.messages_source())
            .unwrap_or_else(|error| panic!("the {lang:?} message catalogue is malformed: {error}"));
        let mut text = BTreeMap::new();
        let mut months = Vec::new();
        for (key, value) in catalogue.messages {
            match value {
                toml::Value::String(message) => {
                    text.insert(key, message);
                }
                toml::Value::Array(names) if key == "months" => {
                    months = names
                        .into_iter()
                        .filter_map(|name| name.as_str().map(str::to_owned))
                        .collect();
                }
                _ => {}
            }
        }
        let indicators = crate::indicators::REGISTRY
            .iter()
            .map(|indicator| {
                let metadata = indicator.metadata();
                let title = catalogue
                    .indicators
                    .get(metadata.slug)
                    .cloned()
                    .unwrap_or_else(|| metadata.title.to_owned());
                (metadata.slug.to_owned(), title)
            })
            // The score's organization term, named like an indicator in flag lists.
            .chain(
                catalogue
                    .indicators
                    .get(crate::score::ORGANIZATION_TERM)
                    .map(|title| (crate::score::ORGANIZATION_TERM.to_owned(), title.clone())),
            )
            .collect();
        Messages {
            lang,
            calendar,
            text,
            indicators,
            months,
        }
    }

    /// The message of a key (the key itself when missing, so a gap shows instead of failing).
    pub fn get<'a>(&'a self, key: &'a str) -> &'a str {
        self.text.get(key).map_or(key, String::as_str)
    }

    /// An indicator's title in this language.
    pub fn indicator<'a>(&'a self, slug: &'a str) -> &'a str {
        self.indicators.get(slug).map_or(slug, String::as_str)
    }

    /// The year as this calendar writes it.
    pub fn year(&self, year: i32) -> i32 {
        match self.calendar {
            Calendar::Gregorian => year,
            Calendar::Buddhist => year + BUDDHIST_OFFSET,
        }
    }

    fn month_name(&self, month: u32) -> &str {
        self.months
            .get(month.saturating_sub(1) as usize)
            .map_or("", String::as_str)
    }

    /// A date: `2024-03-12` in English, `12 มี.ค. 2567` in Thai (years in the calendar's
    /// era).
    pub fn date(&self, date: NaiveDate) -> String {
        let year = self.year(date.year());
        match self.lang {
            Lang::En => format!("{year:04}-{:02}-{:02}", date.month(), date.day()),
            Lang::Th => format!("{} {} {year}", date.day(), self.month_name(date.month())),
        }
    }

    /// A month: `Mar 2024`, `มี.ค. 2567`.
    pub fn month(&self, year: i32, month: u32) -> String {
        format!("{} {}", self.month_name(month), self.year(year))
    }

    /// A group's name.
    pub fn group<'a>(&'a self, group: &'a str) -> &'a str {
        self.text
            .get(&format!("group_{group}"))
            .map_or(group, String::as_str)
    }

    /// A level's name (`process`, `buyer`, ...).
    pub fn level<'a>(&'a self, level: &'a str) -> &'a str {
        self.text
            .get(&format!("level_{level}"))
            .map_or(level, String::as_str)
    }

    /// A phase's name.
    pub fn phase<'a>(&'a self, phase: &'a str) -> &'a str {
        self.text
            .get(&format!("phase_{phase}"))
            .map_or(phase, String::as_str)
    }
}

/// An amount of money: `1,234,567.5 THB`.
pub fn money(amount: f64, currency: &str) -> String {
    format!("{} {currency}", number(amount, 2))
        .trim()
        .to_owned()
}

/// Cuts text to at most `limit` characters, with an ellipsis when cut.
pub fn shorten(text: &str, limit: usize) -> String {
    if text.chars().count() <= limit {
        return text.to_owned();
    }
    let mut short: String = text.chars().take(limit.saturating_sub(1)).collect();
    short.push('…');
    short
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_have_thousands_separators() {
        assert_eq!(number(1_234_567.5, 2), "1,234,567.5");
        assert_eq!(number(999.0, 2), "999");
        assert_eq!(number(-1_000.25, 2), "-1,000.25");
        assert_eq!(number(0.004, 2), "0");
        assert_eq!(money(40_533_875.0, "THB"), "40,533,875 THB");
    }

    #[test]
    fn dates_in_both_eras_and_languages() {
        let date = NaiveDate::from_ymd_opt(2024, 3, 12).unwrap();
        let english = Messages::new(Lang::En, Calendar::Gregorian);
        assert_eq!(english.date(date), "2024-03-12");
        assert_eq!(english.month(2024, 3), "Mar 2024");
        let thai = Messages::new(Lang::Th, Calendar::Buddhist);
        assert_eq!(thai.date(date), "12 มี.ค. 2567");
        assert_eq!(thai.month(2023, 12), "ธ.ค. 2566");
        let english_buddhist = Messages::new(Lang::En, Calendar::Buddhist);
        assert_eq!(english_buddhist.date(date), "2567-03-12");
    }

    #[test]
    fn both_catalogues_have_the_same_keys_and_thai_has_every_indicator() {
        let english = Messages::new(Lang::En, Calendar::Gregorian);
        let thai = Messages::new(Lang::Th, Calendar::Buddhist);
        let keys = |messages: &Messages| messages.text.keys().cloned().collect::<Vec<_>>();
        assert_eq!(keys(&english), keys(&thai));
        assert_eq!(english.months.len(), 12);
        assert_eq!(thai.months.len(), 12);
        for (key, message) in &thai.text {
            assert!(!message.is_empty(), "{key} is empty in Thai");
            if !["ocid", "lang"].contains(&key.as_str()) {
                assert_ne!(
                    Some(message),
                    english.text.get(key),
                    "{key} is not translated"
                );
            }
        }
        let table: toml::Table = toml::from_str(Lang::Th.messages_source()).unwrap();
        let titles = table["indicators"].as_table().unwrap();
        for indicator in crate::indicators::REGISTRY {
            let slug = indicator.metadata().slug;
            assert!(titles.contains_key(slug), "no Thai title for {slug}");
        }
    }

    #[test]
    fn shortening_counts_characters_not_bytes() {
        assert_eq!(shorten("สำนักงานเขตบางรัก", 5), "สำนั…");
        assert_eq!(shorten("short", 10), "short");
    }
}
