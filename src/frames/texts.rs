//! Tests and changes of each row's text, for columns held as text or numbered (see
//! [`super::NUMBERED`]): a numbered column's distinct texts are each met once, however many
//! rows hold them.

use polars::prelude::*;

/// Whether a text column (held as text or numbered) is exactly one of `values`; false where
/// it has no text.
pub fn text_in(column: &str, values: &[String]) -> Expr {
    let values = values.to_vec();
    text_test(column, move |text| values.iter().any(|value| value == text)).fill_null(lit(false))
}

/// Whether a code column (`procurementMethod`, a status) is one of `codes`, compared without
/// regard to case. An empty list means any value, including none.
pub fn code_in(column: &str, codes: &[String]) -> Expr {
    if codes.is_empty() {
        return lit(true);
    }
    let lowered: Vec<String> = codes.iter().map(|code| code.to_lowercase()).collect();
    text_test(column, move |text| lowered.contains(&text.to_lowercase())).fill_null(lit(false))
}

/// Whether a code column equals one code, compared without regard to case.
pub fn code_is(column: &str, code: &str) -> Expr {
    let lowered = code.to_lowercase();
    text_test(column, move |text| text.to_lowercase() == lowered).fill_null(lit(false))
}

/// Whether each row's text of `column` passes `test`; null where the row has no text. A
/// numbered column (see [`super::NUMBERED`]) is tested once per distinct text, not
/// once per row: its rows are not made texts at all. At 100,000 generated processes the code
/// comparisons ([`code_in`], [`code_is`]), each row cast to a text and lowered, took 6% of
/// the run's processor time.
pub fn text_test(column: &str, test: impl Fn(&str) -> bool + Send + Sync + 'static) -> Expr {
    col(column).map(
        move |column| {
            let name = column.name().clone();
            let (passed, rows) = each_text(&column, &test)?;
            let passed: BooleanChunked = rows
                .into_iter()
                .map(|row| row.map(|row| passed[row as usize]))
                .collect();
            Ok(passed.with_name(name).into_column())
        },
        |_, field| Ok(Field::new(field.name().clone(), DataType::Boolean)),
    )
}

/// Each row's text of `column` in lower case; null where the row has no text. A numbered
/// column is lowered once per distinct text (see [`text_test`]).
pub fn lowercase(column: &str) -> Expr {
    text_key(column, |text| Some(text.to_lowercase()))
}

/// Each row's text of `column` as `key` makes it (a key to compare texts by); null where the
/// row has no text or `key` gives none. Each distinct text is keyed once (see [`text_test`]).
pub fn text_key(
    column: &str,
    key: impl Fn(&str) -> Option<String> + Send + Sync + 'static,
) -> Expr {
    col(column).map(
        move |column| {
            let name = column.name().clone();
            let (keys, rows) = each_text(&column, &key)?;
            let keys: StringChunked = rows
                .into_iter()
                .map(|row| row.and_then(|row| keys[row as usize].as_deref()))
                .collect();
            Ok(keys.with_name(name).into_column())
        },
        |_, field| Ok(Field::new(field.name().clone(), DataType::String)),
    )
}

/// `of` each distinct text of a text or numbered column, and for each row the place of its
/// text's value among them (None where the row has no text). A numbered column's texts are
/// each met once (`of` runs once per distinct number); so are a plain text column's (once
/// per distinct text).
fn each_text<T>(
    column: &Column,
    of: &impl Fn(&str) -> T,
) -> PolarsResult<(Vec<T>, Vec<Option<u32>>)> {
    let mut values = Vec::new();
    let rows = match column.dtype() {
        DataType::Categorical(_, mapping) => {
            let numbers = column.to_physical_repr().cast(&DataType::UInt32)?;
            let numbers = numbers.u32()?;
            // Each number's place, found by indexing: codes are numbered among the first
            // texts read, so the numbers a code column holds are small. A column of larger
            // numbers (names, ids) keeps them in a hash table.
            let largest = numbers.max().unwrap_or(0) as usize;
            let mut place = |number: u32, slot: &mut u32| {
                if *slot == UNSEEN {
                    *slot = match mapping.cat_to_str(number) {
                        Some(text) => {
                            values.push(of(text));
                            values.len() as u32 - 1
                        }
                        None => NO_TEXT,
                    };
                }
                (*slot != NO_TEXT).then_some(*slot)
            };
            if largest <= DENSE_NUMBERS.max(numbers.len()) {
                let mut places = vec![UNSEEN; largest + 1];
                numbers
                    .iter()
                    .map(|number| number.and_then(|n| place(n, &mut places[n as usize])))
                    .collect()
            } else {
                let mut places: PlHashMap<u32, u32> = PlHashMap::new();
                numbers
                    .iter()
                    .map(|number| number.and_then(|n| place(n, places.entry(n).or_insert(UNSEEN))))
                    .collect()
            }
        }
        _ => {
            // A plain text column's rows are many and its texts few (a lowered status): `of`
            // runs once per distinct text, found by hashing it, which costs less than `of`.
            let texts = column.cast(&DataType::String)?;
            let mut places: PlHashMap<&str, u32> = PlHashMap::new();
            texts
                .str()?
                .iter()
                .map(|text| {
                    let text = text?;
                    Some(*places.entry(text).or_insert_with(|| {
                        values.push(of(text));
                        values.len() as u32 - 1
                    }))
                })
                .collect()
        }
    };
    Ok((values, rows))
}

/// The place of a number not met yet, and of one that has no text (see [`each_text`]).
const UNSEEN: u32 = u32::MAX;
const NO_TEXT: u32 = u32::MAX - 1;

/// The numbers up to which [`each_text`] finds places by indexing (a table of 4 bytes a
/// number), whatever the column's length.
const DENSE_NUMBERS: usize = 1 << 16;

#[cfg(test)]
mod tests {
    use super::*;

    /// The same texts held as text and numbered, with a missing one.
    fn both() -> PolarsResult<DataFrame> {
        let texts = [
            Some("Active"),
            None,
            Some("pending"),
            Some("ACTIVE"),
            Some("active"),
        ];
        let plain = Column::new("plain".into(), texts);
        let numbered = plain
            .cast(&super::super::numbered_type())?
            .with_name("numbered".into());
        DataFrame::new(texts.len(), vec![plain, numbered])
    }

    #[test]
    fn numbered_and_plain_texts_give_the_same_answers_row_by_row() -> PolarsResult<()> {
        let frame = both()?
            .lazy()
            .select([
                text_test("plain", |text| text.to_lowercase() == "active").alias("plain_test"),
                text_test("numbered", |text| text.to_lowercase() == "active").alias("test"),
                lowercase("plain").alias("plain_lower"),
                lowercase("numbered").alias("lower"),
                text_in("numbered", &["active".to_owned(), "pending".to_owned()]).alias("in"),
            ])
            .collect()?;
        let expected = [Some(true), None, Some(false), Some(true), Some(true)];
        for name in ["plain_test", "test"] {
            let got: Vec<Option<bool>> = frame.column(name)?.bool()?.iter().collect();
            assert_eq!(got, expected, "{name}");
        }
        let lowered = [
            Some("active"),
            None,
            Some("pending"),
            Some("active"),
            Some("active"),
        ];
        for name in ["plain_lower", "lower"] {
            let got: Vec<Option<&str>> = frame.column(name)?.str()?.iter().collect();
            assert_eq!(got, lowered, "{name}");
        }
        // Exact texts only, and false (not null) where there is no text.
        let got: Vec<Option<bool>> = frame.column("in")?.bool()?.iter().collect();
        let exact = [
            Some(false),
            Some(false),
            Some(true),
            Some(false),
            Some(true),
        ];
        assert_eq!(got, exact);
        Ok(())
    }
}
