//! The evidence templates of a language (`locales/evidence/LANG.toml`), parsed.
//!
//! The file has a `[words]` table (the words for missing values) and one table per indicator:
//! `process` and `organization`, the templates of its levels, and one sub-table per code field
//! with the phrase of each code (a template too). A template is text with named placeholders
//! in braces: `tender period of {days} whole days`.

use std::collections::BTreeMap;

use crate::locale::Lang;

/// A piece of a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// Text written as it is.
    Text(String),
    /// The value of the field of this name.
    Field(String),
}

/// A parsed template.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Template {
    /// Its pieces, in order.
    pub segments: Vec<Segment>,
}

impl Template {
    /// Parses `{name}` placeholders out of the text; a brace that opens no well-formed
    /// placeholder is an error.
    pub fn parse(text: &str) -> Result<Template, String> {
        let mut segments = Vec::new();
        let mut rest = text;
        while let Some(open) = rest.find(['{', '}']) {
            if rest[open..].starts_with('}') {
                return Err(format!("a '}}' without '{{' in {text:?}"));
            }
            let close = rest[open..]
                .find('}')
                .map(|close| open + close)
                .ok_or_else(|| format!("a '{{' without '}}' in {text:?}"))?;
            let name = &rest[open + 1..close];
            if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return Err(format!("the placeholder {{{name}}} in {text:?}"));
            }
            if open > 0 {
                segments.push(Segment::Text(rest[..open].to_owned()));
            }
            segments.push(Segment::Field(name.to_owned()));
            rest = &rest[close + 1..];
        }
        if !rest.is_empty() {
            segments.push(Segment::Text(rest.to_owned()));
        }
        Ok(Template { segments })
    }

    /// The names of its placeholders, in order.
    pub fn placeholders(&self) -> impl Iterator<Item = &str> {
        self.segments.iter().filter_map(|segment| match segment {
            Segment::Field(name) => Some(name.as_str()),
            Segment::Text(_) => None,
        })
    }
}

/// One indicator's templates in a language.
#[derive(Debug, Clone, Default)]
pub struct IndicatorTemplates {
    /// The templates of its levels, by key (`process`, `organization`).
    pub levels: BTreeMap<String, Template>,
    /// The phrases of its code fields: field, then code.
    pub codes: BTreeMap<String, BTreeMap<String, Template>>,
}

/// A language's evidence templates.
#[derive(Debug, Clone, Default)]
pub struct Catalogue {
    /// The words for missing values, by key.
    pub words: BTreeMap<String, String>,
    /// Each indicator's templates, by slug.
    pub indicators: BTreeMap<String, IndicatorTemplates>,
    /// The abbreviated month names (from the language's message catalogue).
    pub months: Vec<String>,
}

impl Catalogue {
    /// Parses a language's templates.
    pub fn parse(source: &str, months: Vec<String>) -> Result<Catalogue, String> {
        let table: toml::Table = toml::from_str(source).map_err(|error| error.to_string())?;
        let mut catalogue = Catalogue {
            months,
            ..Catalogue::default()
        };
        for (key, value) in table {
            let toml::Value::Table(entries) = value else {
                return Err(format!("{key} is not a table"));
            };
            if key == "words" {
                for (word, text) in entries {
                    let text = text.as_str().ok_or(format!("words.{word} is not text"))?;
                    catalogue.words.insert(word, text.to_owned());
                }
                continue;
            }
            let mut templates = IndicatorTemplates::default();
            for (name, value) in entries {
                match value {
                    toml::Value::String(text) => {
                        let template = Template::parse(&text).map_err(|e| format!("{key}: {e}"))?;
                        templates.levels.insert(name, template);
                    }
                    toml::Value::Table(phrases) => {
                        let mut codes = BTreeMap::new();
                        for (code, text) in phrases {
                            let text = text
                                .as_str()
                                .ok_or(format!("{key}.{name}.{code} is not text"))?;
                            let template =
                                Template::parse(text).map_err(|e| format!("{key}.{name}: {e}"))?;
                            codes.insert(code, template);
                        }
                        templates.codes.insert(name, codes);
                    }
                    _ => return Err(format!("{key}.{name} is neither text nor a table")),
                }
            }
            catalogue.indicators.insert(key, templates);
        }
        Ok(catalogue)
    }

    /// The templates of a language (part of the program and checked by tests, so a malformed
    /// file is a bug), parsed once.
    pub fn of(lang: Lang) -> &'static Catalogue {
        static ENGLISH: std::sync::OnceLock<Catalogue> = std::sync::OnceLock::new();
        static THAI: std::sync::OnceLock<Catalogue> = std::sync::OnceLock::new();
        let cell = match lang {
            Lang::En => &ENGLISH,
            Lang::Th => &THAI,
        };
        cell.get_or_init(|| {
            Catalogue::parse(lang.evidence_source(), lang.months()).unwrap_or_else(|error| {
                panic!("the {lang:?} evidence templates are malformed: {error}")
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_parse_into_text_and_placeholders() {
        let template = Template::parse("tender period of {days} days ({start})").unwrap();
        assert_eq!(
            template.segments,
            [
                Segment::Text("tender period of ".to_owned()),
                Segment::Field("days".to_owned()),
                Segment::Text(" days (".to_owned()),
                Segment::Field("start".to_owned()),
                Segment::Text(")".to_owned()),
            ]
        );
        assert!(Template::parse("open {days").is_err());
        assert!(Template::parse("close days}").is_err());
        assert!(Template::parse("{two words}").is_err());
    }
}
