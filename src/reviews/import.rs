//! `redflags reviews import`: the review columns of a run's workbook (`--xlsx`), as an analyst
//! filled them in, read back into a reviews file that `score --reviews` accepts.

use std::path::Path;

use calamine::{Data, Reader, open_workbook_auto};

use super::{Entry, ReviewColumns, ReviewsError, VERDICTS};

/// The review rows of every sheet of a workbook that has the columns `ocid`, `indicator` and
/// `verdict` in its header row (the flags sheet, and its continuations on a large run), in
/// sheet and row order, each `raised` (a workbook lists the raised flags). An empty verdict is
/// `not_reviewed`, an empty level `process`; an unknown verdict is refused with its sheet, row
/// and column.
pub fn import(path: &Path) -> Result<Vec<Entry>, ReviewsError> {
    let error = |message: String| ReviewsError {
        path: path.display().to_string(),
        message,
    };
    let mut workbook = open_workbook_auto(path)
        .map_err(|e| error(format!("cannot read it as a workbook: {e}")))?;
    let mut rows = Vec::new();
    let mut found = false;
    for name in workbook.sheet_names() {
        let range = workbook
            .worksheet_range(&name)
            .map_err(|e| error(format!("sheet {name}: {e}")))?;
        let (first_row, first_column) = range.start().unwrap_or((0, 0));
        let mut lines = range.rows();
        let Some(header) = lines.next() else {
            continue;
        };
        let Some(columns) = ReviewColumns::find(|wanted| {
            header.iter().position(|cell| text(cell).trim() == wanted)
        }) else {
            continue;
        };
        found = true;
        for (index, line) in lines.enumerate() {
            let cell = |position: Option<usize>| {
                position
                    .and_then(|position| line.get(position))
                    .map(|cell| text(cell).trim().to_owned())
                    .unwrap_or_default()
            };
            let Some(mut entry) = columns.entry(cell) else {
                continue;
            };
            let review = &entry.review;
            if !VERDICTS.contains(&review.verdict.as_str()) {
                // Excel numbers rows from 1 and names columns by letters.
                let row = first_row as usize + index + 2;
                let letter = column_letter(first_column as usize + columns.verdict);
                return Err(error(format!(
                    "sheet {name}, row {row}, column {letter} (verdict): unknown verdict {:?}; \
                     the verdicts are {}",
                    review.verdict,
                    VERDICTS.join(", ")
                )));
            }
            entry.status = "raised".to_owned();
            rows.push(entry);
        }
    }
    if !found {
        return Err(error(
            "no sheet has the columns ocid, indicator and verdict (the flags sheet of a \
             workbook written by redflags has them)"
                .to_owned(),
        ));
    }
    Ok(rows)
}

/// A cell as text: numbers without a needless `.0`, dates as ISO 8601 (a date typed into a
/// `reviewed_at` cell becomes an Excel date).
fn text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(text) | Data::DateTimeIso(text) | Data::DurationIso(text) => text.clone(),
        Data::Float(number) if number.fract() == 0.0 && number.abs() < 1e15 => {
            format!("{}", *number as i64)
        }
        Data::DateTime(datetime) => match datetime.as_datetime() {
            Some(datetime) if datetime.time() == chrono::NaiveTime::MIN => {
                datetime.date().format("%Y-%m-%d").to_string()
            }
            Some(datetime) => datetime.format("%Y-%m-%dT%H:%M:%S").to_string(),
            None => datetime.as_f64().to_string(),
        },
        other => other.to_string(),
    }
}

/// A column's letters as Excel names it (0 → A, 26 → AA).
fn column_letter(mut index: usize) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push(b'A' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_named_as_excel_names_them() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(9), "J");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(27), "AB");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
    }
}
