//! The sentences the program writes about the input, rather than about a flag — why an input
//! was rejected (`rejected.csv`) and what is wrong with a value (`redflags check`) — in the
//! output's language.
//!
//! They are made in English where the problem is found, deep in the ingest and the check,
//! where a message is all a reader needs and the English sentence is the stable form the CSV
//! files have always held. Another language's catalogue (`locales/sentences/LANG.toml`) pairs
//! each English sentence, its varying parts as `{name}`, with its translation; a sentence is
//! translated by finding the pattern it matches, and each part is written in the language too
//! (a part that is itself a catalogued sentence or word is translated; `{name:number}` gets
//! thousands separators, `{name:date}` the language's date and calendar). A sentence the
//! catalogue lacks stays in English.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use crate::evidence::Language;
use crate::locale::{Lang, date_text, number};

/// One part of a sentence pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Text(String),
    Part { name: String, format: Format },
}

/// How a part is written in the translation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    /// As it is, or translated when it is a catalogued sentence or word.
    Text,
    /// A number with thousands separators.
    Number,
    /// A date in the language and calendar.
    Date,
}

/// A sentence in English and its translation.
#[derive(Debug, Clone)]
struct Pattern {
    english: Vec<Segment>,
    translation: Vec<Segment>,
}

/// A language's catalogue of sentences.
#[derive(Debug, Default)]
pub struct Catalogue {
    /// The patterns, most specific (most fixed text) first.
    patterns: Vec<Pattern>,
    /// Words and fixed phrases that appear as parts.
    words: BTreeMap<String, String>,
    /// The English sentences as written in the catalogue, for tests.
    pub english: Vec<String>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogueFile {
    sentences: BTreeMap<String, String>,
    #[serde(default)]
    words: BTreeMap<String, String>,
}

/// Splits a pattern into text and `{name}` / `{name:format}` parts.
fn segments(pattern: &str) -> Result<Vec<Segment>, String> {
    let mut segments = Vec::new();
    let mut rest = pattern;
    while let Some(start) = rest.find('{') {
        // A `{` not followed by a name and `}` is text (`expected `,` or `}``).
        let Some(end) = rest[start..].find('}').map(|end| start + end) else {
            break;
        };
        let inner = &rest[start + 1..end];
        let (name, format) = inner.split_once(':').unwrap_or((inner, ""));
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
            segments.push(Segment::Text(rest[..=start].to_owned()));
            rest = &rest[start + 1..];
            continue;
        }
        let format = match format {
            "" => Format::Text,
            "number" => Format::Number,
            "date" => Format::Date,
            other => return Err(format!("{pattern:?}: unknown format {other:?}")),
        };
        if start > 0 {
            segments.push(Segment::Text(rest[..start].to_owned()));
        }
        segments.push(Segment::Part {
            name: name.to_owned(),
            format,
        });
        rest = &rest[end + 1..];
    }
    if !rest.is_empty() {
        segments.push(Segment::Text(rest.to_owned()));
    }
    // Adjacent text pieces (from a `{` that was text) joined, so that matching sees one.
    let mut joined: Vec<Segment> = Vec::with_capacity(segments.len());
    for segment in segments {
        match (joined.last_mut(), segment) {
            (Some(Segment::Text(previous)), Segment::Text(text)) => previous.push_str(&text),
            (_, segment) => joined.push(segment),
        }
    }
    Ok(joined)
}

fn names(segments: &[Segment]) -> Vec<&str> {
    let mut names: Vec<&str> = segments
        .iter()
        .filter_map(|segment| match segment {
            Segment::Part { name, .. } => Some(name.as_str()),
            Segment::Text(_) => None,
        })
        .collect();
    names.sort_unstable();
    names
}

fn fixed_length(segments: &[Segment]) -> usize {
    segments
        .iter()
        .map(|segment| match segment {
            Segment::Text(text) => text.len(),
            Segment::Part { .. } => 0,
        })
        .sum()
}

impl Catalogue {
    /// Reads a catalogue: every pattern has fixed text, no two parts side by side in English,
    /// and the same parts in both languages.
    pub fn parse(source: &str) -> Result<Catalogue, String> {
        let file: CatalogueFile = toml::from_str(source).map_err(|error| error.to_string())?;
        let mut patterns = Vec::new();
        for (english, translation) in &file.sentences {
            let english_segments = segments(english)?;
            let translation_segments = segments(translation)?;
            if names(&english_segments) != names(&translation_segments) {
                return Err(format!(
                    "{english:?}: the translation's parts are not the sentence's"
                ));
            }
            let adjacent = english_segments
                .windows(2)
                .any(|pair| matches!(pair, [Segment::Part { .. }, Segment::Part { .. }]));
            if adjacent || fixed_length(&english_segments) == 0 {
                return Err(format!("{english:?}: parts need fixed text between them"));
            }
            patterns.push(Pattern {
                english: english_segments,
                translation: translation_segments,
            });
        }
        patterns.sort_by_key(|pattern| std::cmp::Reverse(fixed_length(&pattern.english)));
        Ok(Catalogue {
            patterns,
            words: file.words,
            english: file.sentences.into_keys().collect(),
        })
    }

    /// The catalogue of a language (none for English: its sentences are the originals).
    pub fn of(lang: Lang) -> &'static Catalogue {
        static THAI: OnceLock<Catalogue> = OnceLock::new();
        static ENGLISH: OnceLock<Catalogue> = OnceLock::new();
        match lang {
            Lang::En => ENGLISH.get_or_init(Catalogue::default),
            Lang::Th => THAI.get_or_init(|| {
                Catalogue::parse(include_str!("../locales/sentences/th.toml"))
                    .unwrap_or_else(|error| panic!("locales/sentences/th.toml: {error}"))
            }),
        }
    }
}

/// Writes English sentences in a language.
#[derive(Debug, Clone)]
pub struct Translator {
    language: Language,
    catalogue: &'static Catalogue,
    months: Vec<String>,
}

impl Translator {
    /// The translator into `language`.
    pub fn new(language: Language) -> Translator {
        Translator {
            language,
            catalogue: Catalogue::of(language.lang),
            months: language.lang.months(),
        }
    }

    /// Whether sentences stay as they are (English).
    pub fn is_english(&self) -> bool {
        self.language.lang == Lang::En
    }

    /// The sentence in the language; as it is when the catalogue lacks it.
    pub fn sentence(&self, english: &str) -> String {
        self.translated(english)
            .unwrap_or_else(|| english.to_owned())
    }

    /// The sentence in the language, if the catalogue has it (English: always).
    pub fn translated(&self, english: &str) -> Option<String> {
        if self.is_english() {
            return Some(english.to_owned());
        }
        self.catalogue.patterns.iter().find_map(|pattern| {
            let mut parts = Vec::new();
            matches(&pattern.english, english, &mut parts).then(|| self.write(pattern, &parts))
        })
    }

    fn write(&self, pattern: &Pattern, parts: &[(&str, &str)]) -> String {
        let mut text = String::new();
        for segment in &pattern.translation {
            match segment {
                Segment::Text(fixed) => text.push_str(fixed),
                Segment::Part { name, format } => {
                    let value = parts
                        .iter()
                        .find(|(part, _)| part == name)
                        .map_or("", |(_, value)| *value);
                    text.push_str(&self.part(value, *format));
                }
            }
        }
        text
    }

    fn part(&self, value: &str, format: Format) -> String {
        match format {
            Format::Number => match value.trim().parse::<f64>() {
                Ok(amount) => number(amount, 6),
                Err(_) => value.to_owned(),
            },
            Format::Date => {
                match chrono::NaiveDate::parse_from_str(
                    value.get(..10).unwrap_or(value),
                    "%Y-%m-%d",
                ) {
                    Ok(date) => date_text(
                        date,
                        self.language.lang,
                        self.language.calendar,
                        &self.months,
                    ),
                    Err(_) => value.to_owned(),
                }
            }
            Format::Text => match self.catalogue.words.get(value) {
                Some(word) => word.clone(),
                None => self.sentence(value),
            },
        }
    }
}

/// Whether `text` is the pattern `segments`, with the parts it gives them (each part as short
/// as the rest allows, and never empty).
fn matches<'p, 't>(
    segments: &'p [Segment],
    text: &'t str,
    parts: &mut Vec<(&'p str, &'t str)>,
) -> bool {
    match segments {
        [] => text.is_empty(),
        [Segment::Text(fixed), rest @ ..] => text
            .strip_prefix(fixed.as_str())
            .is_some_and(|after| matches(rest, after, parts)),
        [Segment::Part { name, .. }, rest @ ..] => {
            let name = name.as_str();
            match rest.first() {
                None => {
                    let found = !text.is_empty();
                    if found {
                        parts.push((name, text));
                    }
                    found
                }
                Some(Segment::Text(fixed)) => {
                    for (at, _) in text.match_indices(fixed.as_str()) {
                        if at == 0 {
                            continue;
                        }
                        let mark = parts.len();
                        parts.push((name, &text[..at]));
                        if matches(rest, &text[at..], parts) {
                            return true;
                        }
                        parts.truncate(mark);
                    }
                    false
                }
                Some(Segment::Part { .. }) => false,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::locale::Calendar;

    fn thai() -> Translator {
        Translator::new(Language::new(Lang::Th, Calendar::Buddhist))
    }

    #[test]
    fn the_thai_catalogue_reads_and_every_sentence_translates_with_sample_parts() {
        let catalogue = Catalogue::of(Lang::Th);
        assert!(catalogue.patterns.len() > 40);
        let translator = thai();
        for english in &catalogue.english {
            let sample = english
                .replace("{detail}", "expected value")
                .replace("{start}", "2024-03-31")
                .split('{')
                .enumerate()
                .map(|(i, piece)| match (i, piece.split_once('}')) {
                    (0, _) | (_, None) => piece.to_owned(),
                    (_, Some((_, rest))) => format!("7{rest}"),
                })
                .collect::<String>();
            let translated = translator.translated(&sample);
            assert!(
                translated.as_ref().is_some_and(|text| text
                    .chars()
                    .any(|c| ('\u{0e00}'..='\u{0e7f}').contains(&c))),
                "{sample:?}: {translated:?}"
            );
        }
    }

    #[test]
    fn parts_are_translated_formatted_or_kept() {
        let translator = thai();
        assert_eq!(
            translator.sentence("not an object but a string"),
            "ไม่ใช่ออบเจกต์ แต่เป็นข้อความ"
        );
        // A part that is itself a sentence, and numbers with thousands separators.
        assert_eq!(
            translator.sentence("not JSON: EOF while parsing an object at line 1200 column 3"),
            "ไม่ใช่ JSON: ข้อมูลจบก่อนอ่านออบเจกต์เสร็จ ที่บรรทัด 1,200 คอลัมน์ 3"
        );
        // A date in the Buddhist Era.
        assert_eq!(
            translator.sentence("the period ends before it starts (on 2024-03-31T00:00:00Z)"),
            "ระยะเวลาสิ้นสุดก่อนเริ่มต้น (เริ่ม 31 มี.ค. 2567)"
        );
        // The most specific sentence wins; the data's values stay as published.
        assert_eq!(
            translator.sentence(
                r#""mdl" is not in OCDS's currency codelist (it is "MDL" but for letter case)"#
            ),
            r#""mdl" ไม่อยู่ในรายการรหัส currency ของ OCDS (คือ "MDL" แต่ตัวพิมพ์ต่างกัน)"#
        );
        // A sentence the catalogue lacks stays in English; English is the original.
        assert_eq!(translator.sentence("something new"), "something new");
        assert_eq!(translator.translated("something new"), None);
        let english = Translator::new(Language::english());
        assert_eq!(
            english.sentence("not an object but a string"),
            "not an object but a string"
        );
    }

    #[test]
    fn a_catalogue_whose_parts_differ_is_refused() {
        let bad = "[sentences]\n\"a {x} b\" = \"ก {y} ข\"\n";
        assert!(Catalogue::parse(bad).is_err());
        let adjacent = "[sentences]\n\"{x}{y} b\" = \"{x}{y} ข\"\n";
        assert!(Catalogue::parse(adjacent).is_err());
        let format = "[sentences]\n\"a {x} b\" = \"ก {x:money} ข\"\n";
        assert!(Catalogue::parse(format).is_err());
    }
}
