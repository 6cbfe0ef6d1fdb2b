//! Evidence as data, and its sentences per language.
//!
//! An indicator's outcome carries the *values* behind each flag (numbers, amounts, dates, ids,
//! names, counts, codes), one column each, under the names its [`Evidence`] declares with their
//! [`Kind`]s. The sentence a person reads is rendered from them only for the flagged rows, when
//! the outputs are written, from the indicator's template in the output's language
//! (`locales/evidence/LANG.toml`): named placeholders (`{days}`), each value written as its
//! kind is in that language (amounts with thousands separators and dates in the Buddhist Era
//! in Thai; in English as the outputs always wrote them). A [`Kind::Code`] is written with the
//! template's phrase for the code, itself a template over the same row, so that the code is
//! data (`declared`) and the words are the language's.

mod catalogue;
mod render;

pub use catalogue::{Catalogue, IndicatorTemplates, Segment, Template};
pub use render::{Language, evidence_text, money};

/// What a level's evidence holds: the fields of each row, by name.
#[derive(Debug, Clone, Copy)]
pub struct Evidence {
    /// The fields of a flagged process's evidence rows (none: no process level).
    pub process: &'static [Field],
    /// The fields of a flagged organization's row (none: no organization level).
    pub organization: &'static [Field],
}

impl Evidence {
    /// The fields of a level.
    pub fn fields(&self, level: Level) -> &'static [Field] {
        match level {
            Level::Process => self.process,
            Level::Organization => self.organization,
        }
    }
}

/// The level a sentence is about: a process, or an organization (buyer, procuring entity,
/// supplier or tenderer: one template for every role).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// A flagged contracting process.
    Process,
    /// A flagged organization.
    Organization,
}

impl Level {
    /// Both levels.
    pub const ALL: [Level; 2] = [Level::Process, Level::Organization];

    /// Its key in the templates.
    pub fn key(self) -> &'static str {
        match self {
            Level::Process => "process",
            Level::Organization => "organization",
        }
    }
}

/// One value of the evidence: its column, how it is written, and the word for it when it is
/// missing.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    /// The column (and placeholder) name.
    pub name: &'static str,
    /// How it is written.
    pub kind: Kind,
    /// The key of the word written when it is missing (`[words]` of the templates); without
    /// one, a missing value leaves the row with no sentence.
    pub missing: Option<&'static str>,
}

impl Field {
    /// A field that must be present.
    pub const fn new(name: &'static str, kind: Kind) -> Field {
        Field {
            name,
            kind,
            missing: None,
        }
    }

    /// A field written as the word `missing` when it is missing.
    pub const fn or(name: &'static str, kind: Kind, missing: &'static str) -> Field {
        Field {
            name,
            kind,
            missing: Some(missing),
        }
    }
}

/// How a value is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Text as it is: ids, names, methods, categories.
    Text,
    /// A whole number: a count, days.
    Count,
    /// A decimal number in its shortest form (`500000`, `3.5`).
    Number,
    /// A decimal number with this many decimals (`12.5`).
    Fixed(usize),
    /// A number with two significant digits (`1.2`, `0.0082`), for expected counts.
    Significant,
    /// A probability: two decimals down to 0.01, then scientific (`3.1e-9`).
    Probability,
    /// Scientific notation with this many decimals (`1.23e-5`).
    Scientific(usize),
    /// An amount in the currency of the named field (`1250000 THB`).
    Money(&'static str),
    /// A share in 0–1, as whole percent (`67%`).
    Percent,
    /// A share in 0–1, as percent with two decimals (`26.90%`).
    PercentFixed,
    /// A date (a timestamp): `2024-03-31`; `31 มี.ค. 2567` in Thai.
    Date,
    /// A list of texts, joined with this separator.
    List(&'static str),
    /// A list of percentages (0–100), whole, joined with spaces.
    Percents,
    /// One of these codes, written with the template's phrase for it.
    Code(&'static [&'static str]),
    /// A list of these codes, each written with its phrase, joined with `; `.
    Codes(&'static [&'static str]),
}
