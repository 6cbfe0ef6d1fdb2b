//! Sentences from evidence values, as Polars expressions: a template becomes one `concat_str`
//! over the row's columns, each written by its kind, so that rendering is one vectorized pass
//! over the flagged rows.

use chrono::NaiveDate;
use polars::prelude::*;

use super::catalogue::{Catalogue, IndicatorTemplates, Segment, Template};
use super::{Field, Kind, Level};
use crate::locale::{Calendar, Lang, date_text, number};

/// The column of a rendered sentence.
const SENTENCE: &str = "evidence";

/// The language and calendar sentences are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Language {
    /// The language.
    pub lang: Lang,
    /// The calendar of the dates.
    pub calendar: Calendar,
}

impl Default for Language {
    /// English with Common Era dates: the language of the CSV outputs.
    fn default() -> Language {
        Language::new(Lang::En, Calendar::Gregorian)
    }
}

impl Language {
    /// A language with the calendar given.
    pub fn new(lang: Lang, calendar: Calendar) -> Language {
        Language { lang, calendar }
    }

    /// English with Common Era dates.
    pub fn english() -> Language {
        Language::default()
    }

    /// Its templates.
    pub fn catalogue(&self) -> &'static Catalogue {
        Catalogue::of(self.lang)
    }

    /// Whether values are written as the CSV outputs always wrote them (English, Common Era).
    fn plain(&self) -> bool {
        self.lang == Lang::En && self.calendar == Calendar::Gregorian
    }

    /// The sentence of each row of a frame holding `fields`, from the template of the
    /// indicator `slug` at `level`: null where the template is missing or a value without a
    /// word for its absence is missing.
    pub fn sentence(&self, slug: &str, level: Level, fields: &[Field]) -> Expr {
        let catalogue = self.catalogue();
        let Some(templates) = catalogue.indicators.get(slug) else {
            return lit(NULL).cast(DataType::String);
        };
        match templates.levels.get(level.key()) {
            Some(template) => Writer {
                language: *self,
                catalogue,
                templates,
                fields,
            }
            .template(template),
            None => lit(NULL).cast(DataType::String),
        }
    }
}

/// What writing one indicator's sentences reads.
struct Writer<'a> {
    language: Language,
    catalogue: &'static Catalogue,
    templates: &'a IndicatorTemplates,
    fields: &'a [Field],
}

impl Writer<'_> {
    fn template(&self, template: &Template) -> Expr {
        let parts: Vec<Expr> = template
            .segments
            .iter()
            .map(|segment| match segment {
                Segment::Text(text) => lit(text.clone()),
                Segment::Field(name) => self.field(name),
            })
            .collect();
        match parts.len() {
            0 => lit(""),
            _ => concat_str(parts, "", false),
        }
    }

    fn word(&self, key: &str) -> String {
        self.catalogue
            .words
            .get(key)
            .cloned()
            .unwrap_or_else(|| key.to_owned())
    }

    /// The phrase of a code of a field.
    fn phrase(&self, field: &str, code: &str) -> Expr {
        match self
            .templates
            .codes
            .get(field)
            .and_then(|codes| codes.get(code))
        {
            Some(template) => self.template(template),
            None => lit(code.to_owned()),
        }
    }

    fn field(&self, name: &str) -> Expr {
        let Some(field) = self.fields.iter().find(|field| field.name == name) else {
            // An undeclared placeholder (the tests forbid them): the column as text.
            return col(name).cast(DataType::String);
        };
        let value = col(field.name);
        let text = match field.kind {
            Kind::Code(codes) => {
                codes
                    .iter()
                    .fold(lit(NULL).cast(DataType::String), |otherwise, code| {
                        when(value.clone().cast(DataType::String).eq(lit(*code)))
                            .then(self.phrase(name, code))
                            .otherwise(otherwise)
                    })
            }
            Kind::Codes(codes) => concat_str(
                codes
                    .iter()
                    .map(|code| {
                        when(value.clone().list().contains(lit(*code), false))
                            .then(self.phrase(name, code))
                            .otherwise(lit(NULL).cast(DataType::String))
                    })
                    .collect::<Vec<_>>(),
                "; ",
                true,
            ),
            Kind::Money(currency) => {
                let no_currency = self.word("money_no_currency");
                if self.language.plain() {
                    money_text(value, col(currency), &no_currency)
                } else {
                    concat_str(
                        [
                            texts(value, |amount| number(amount, 2)),
                            col(currency)
                                .cast(DataType::String)
                                .fill_null(lit(no_currency)),
                        ],
                        " ",
                        false,
                    )
                }
            }
            kind => self.value(kind, value),
        };
        match field.missing {
            Some(word) => text.fill_null(lit(self.word(word))),
            None => text,
        }
    }

    /// A value of a kind that needs no other field.
    fn value(&self, kind: Kind, value: Expr) -> Expr {
        let plain = self.language.plain();
        match kind {
            Kind::Text => value.cast(DataType::String),
            Kind::Count if plain => value.cast(DataType::Int64).cast(DataType::String),
            Kind::Count => texts(value, |count| number(count, 0)),
            Kind::Number if plain => texts(value, |x| format!("{x}")),
            Kind::Number => texts(value, |x| number(x, 4)),
            Kind::Fixed(decimals) if plain => texts(value, move |x| format!("{x:.decimals$}")),
            Kind::Fixed(decimals) => texts(value, move |x| number(x, decimals)),
            Kind::Significant => texts(value, significant),
            Kind::Probability => texts(value, probability),
            Kind::Scientific(decimals) => texts(value, move |x| format!("{x:.decimals$e}")),
            Kind::Percent if plain => percent(value),
            Kind::Percent => texts(value, |share| format!("{}%", number(share * 100.0, 0))),
            Kind::PercentFixed if plain => texts(value, |share| format!("{:.2}%", share * 100.0)),
            Kind::PercentFixed => texts(value, |share| format!("{}%", number(share * 100.0, 2))),
            Kind::Date => self.date(value),
            Kind::List(separator) => value
                .cast(DataType::List(Box::new(DataType::String)))
                .list()
                .join(lit(separator), true),
            Kind::Percents => value
                .list()
                .eval(texts(col(""), |percent| format!("{percent:.0}%")))
                .list()
                .join(lit(" "), true),
            Kind::Money(_) | Kind::Code(_) | Kind::Codes(_) => lit(NULL).cast(DataType::String),
        }
    }

    /// A timestamp as a date: ISO in English (the year in the calendar's era), `d mmm yyyy`
    /// in Thai.
    fn date(&self, value: Expr) -> Expr {
        if self.language.plain() {
            return value.dt().strftime("%Y-%m-%d");
        }
        let months = self.catalogue.months.clone();
        let Language { lang, calendar } = self.language;
        let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
        let write = move |days: f64| {
            epoch
                .checked_add_signed(chrono::Duration::days(days as i64))
                .map(|date| date_text(date, lang, calendar, &months))
                .unwrap_or_default()
        };
        // The date as days since 1970, written back as a date.
        texts(value.cast(DataType::Date).cast(DataType::Int32), write)
    }
}

/// `write` of each value of a numeric column, as text (null stays null).
fn texts(value: Expr, write: impl Fn(f64) -> String + Send + Sync + 'static) -> Expr {
    value.cast(DataType::Float64).map(
        move |column| {
            let text: StringChunked = column
                .f64()?
                .iter()
                .map(|value| value.map(&write))
                .collect();
            Ok(text.with_name(column.name().clone()).into_column())
        },
        |_, field| {
            Ok(polars::prelude::Field::new(
                field.name().clone(),
                DataType::String,
            ))
        },
    )
}

/// A number with two significant digits (`1.2`, `25`, `0.0082`; below 0.0001 in scientific
/// notation, `2.0e-8`).
fn significant(x: f64) -> String {
    if x <= 0.0 || !x.is_finite() {
        return format!("{x}");
    }
    if x < 1e-4 {
        return format!("{x:.1e}");
    }
    let decimals = (1.0 - x.log10().floor()).max(0.0) as usize;
    format!("{x:.decimals$}")
}

/// A probability: two decimals down to 0.01, then in scientific notation (`3.1e-9`).
fn probability(p: f64) -> String {
    if p >= 0.01 {
        format!("{p:.2}")
    } else {
        format!("{p:.1e}")
    }
}

/// An amount and its currency as text (`1250000 THB`, rounded to cents, no separators), and
/// `no_currency` where the currency is missing.
fn money_text(amount: Expr, currency: Expr, no_currency: &str) -> Expr {
    let rounded = amount.round(2, RoundMode::HalfAwayFromZero);
    let text = when(rounded.clone().eq(rounded.clone().floor()))
        .then(rounded.clone().cast(DataType::Int64).cast(DataType::String))
        .otherwise(rounded.cast(DataType::String));
    concat_str(
        [
            text,
            currency
                .cast(DataType::String)
                .fill_null(lit(no_currency.to_owned())),
        ],
        " ",
        false,
    )
}

/// An amount and its currency as the CSV outputs write it (`1250000 THB`, `(no currency)`).
pub fn money(amount: Expr, currency: Expr) -> Expr {
    money_text(amount, currency, "(no currency)")
}

/// A share in 0–1 as a whole-percent text (`67%`).
fn percent(share: Expr) -> Expr {
    concat_str(
        [
            (share * lit(100.0))
                .round(0, RoundMode::HalfAwayFromZero)
                .cast(DataType::Int64)
                .cast(DataType::String),
            lit("%"),
        ],
        "",
        false,
    )
}

/// The `sentence` of each of `frame`'s rows (see [`Language::sentence`]), as [`SENTENCE`]
/// (`evidence`), beside the `keep` columns; with `group_by`, the sentences of the rows of one
/// key (a process's several flagged contracts, say) are joined with `; `, in order.
pub fn evidence_text(
    frame: LazyFrame,
    keep: &[&str],
    sentence: Expr,
    group_by: Option<&'static str>,
) -> LazyFrame {
    let mut columns: Vec<Expr> = keep.iter().map(|name| col(*name)).collect();
    columns.push(sentence.alias(SENTENCE));
    let rendered = frame.select(columns);
    match group_by {
        None => rendered,
        Some(key) => rendered.map(
            move |frame| joined_per_key(frame, key),
            AllowedOptimizations::default(),
            None,
            Some("evidence joined per key"),
        ),
    }
}

/// `frame` (`key` and [`SENTENCE`]) with one row per key, in the order the keys first come:
/// a key's one sentence as it is, its several sentences joined with `; ` (nulls left out; none
/// but nulls: an empty text). Rows sorted by a `u32` key (the indicators' evidence, by
/// process) are joined in one pass over runs of equal keys; a Polars group-by, which gathers
/// every group's sentences as a list first, took most of the flags table's second at
/// 1,000,000 generated processes. Other rows go through that group-by.
fn joined_per_key(frame: DataFrame, key: &str) -> PolarsResult<DataFrame> {
    let keys = frame.column(key)?.as_materialized_series();
    let in_runs = keys.dtype() == &DataType::UInt32
        && keys.null_count() == 0
        && keys
            .u32()?
            .into_no_null_iter()
            .zip(keys.u32()?.into_no_null_iter().skip(1))
            .all(|(earlier, later)| earlier <= later);
    if !in_runs {
        return frame
            .lazy()
            .group_by_stable([col(key)])
            .agg([when(len().eq(lit(1)))
                .then(col(SENTENCE).first())
                .otherwise(col(SENTENCE).str().join("; ", true))
                .alias(SENTENCE)])
            .collect();
    }
    let keys: Vec<u32> = keys.u32()?.into_no_null_iter().collect();
    let sentences: Vec<Option<&str>> = frame.column(SENTENCE)?.str()?.iter().collect();
    let mut distinct = Vec::new();
    let mut joined = StringChunkedBuilder::new(SENTENCE.into(), keys.len());
    let mut text = String::new();
    let mut start = 0;
    while start < keys.len() {
        let end = start + keys[start..].partition_point(|other| *other == keys[start]);
        distinct.push(keys[start]);
        if end - start == 1 {
            joined.append_option(sentences[start]);
        } else {
            text.clear();
            for (index, sentence) in sentences[start..end].iter().flatten().enumerate() {
                if index > 0 {
                    text.push_str("; ");
                }
                text.push_str(sentence);
            }
            joined.append_value(&text);
        }
        start = end;
    }
    DataFrame::new(
        distinct.len(),
        vec![
            Column::new(key.into(), distinct),
            joined.finish().into_column(),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_joined_in_one_pass_are_those_of_the_group_by() -> PolarsResult<()> {
        let frame = df!(
            "process" => [1u32, 1, 2, 3, 3, 3, 4, 4, 7],
            SENTENCE => [Some("a"), Some("b"), None, Some("c"), None, Some("d"), None, None, Some("")],
        )?;
        let joined = joined_per_key(frame.clone(), "process")?;
        // The same rows out of key order go through the group-by, keeping each key's order.
        let order = IdxCa::from_vec("order".into(), vec![2, 0, 1, 3, 4, 5, 6, 7, 8]);
        let grouped = joined_per_key(frame.take(&order)?, "process")?
            .sort(["process"], SortMultipleOptions::default())?;
        for result in [&joined, &grouped] {
            let keys: Vec<Option<u32>> = result.column("process")?.u32()?.iter().collect();
            assert_eq!(keys, [Some(1), Some(2), Some(3), Some(4), Some(7)]);
            let sentences: Vec<Option<&str>> = result.column(SENTENCE)?.str()?.iter().collect();
            assert_eq!(
                sentences,
                [Some("a; b"), None, Some("c; d"), Some(""), Some("")]
            );
        }
        Ok(())
    }

    #[test]
    fn numbers_as_evidence_writes_them() {
        assert_eq!(significant(1.234), "1.2");
        assert_eq!(significant(25.4), "25");
        assert_eq!(significant(0.00823), "0.0082");
        assert_eq!(significant(2e-8), "2.0e-8");
        assert_eq!(significant(0.0), "0");
        assert_eq!(probability(1.234), "1.23");
        assert_eq!(probability(0.00823), "8.2e-3");
        assert_eq!(probability(2e-8), "2.0e-8");
        assert_eq!(probability(0.0), "0.0e0");
    }
}
