//! The Excel workbook: contracts, flags, buyers, suppliers (and the changes since a previous
//! run, when there was one), indicators and settings, one sheet each, with a frozen,
//! filterable header row; numbers as numbers, dates as dates, text as text (never as a
//! formula).

use std::path::Path;

use anyhow::Context;
use polars::prelude::*;
use rust_xlsxwriter::{DataValidation, ExcelDateTime, Format, Workbook, Worksheet};

use super::format::Messages;
use crate::config::Config;
use crate::run::Run;

/// Excel's row limit, header included.
const MAX_ROWS: usize = 1_048_576;
/// Excel's limit on the characters of a cell.
const MAX_CELL: usize = 32_767;

/// Writes the workbook of a run.
pub fn workbook(
    run: &Run,
    config: &Config,
    messages: &Messages,
    path: &Path,
) -> anyhow::Result<()> {
    let mut workbook = Workbook::new();
    let header = Format::new().set_bold().set_text_wrap();
    let date = Format::new().set_num_format("yyyy-mm-dd hh:mm");
    let flags = flags_with_reviews(run)?;
    let tables = [
        ("sheet_contracts", &run.scored.contracts),
        ("sheet_flags", &flags),
        ("sheet_buyers", &run.profiles.buyers),
        ("sheet_suppliers", &run.profiles.suppliers),
    ];
    // With a previous run, the changes since it (`changes.csv`) after the tables.
    let changes = run
        .changes
        .as_ref()
        .map(|changes| ("sheet_changes", &changes.table));
    for (key, frame) in tables.into_iter().chain(changes) {
        // Tables longer than a sheet continue on the next ("contracts 2", ...).
        let rows = MAX_ROWS - 1;
        let parts = frame.height().div_ceil(rows).max(1);
        for part in 0..parts {
            let name = if part == 0 {
                messages.get(key).to_owned()
            } else {
                format!("{} {}", messages.get(key), part + 1)
            };
            let sheet = workbook.add_worksheet_with_constant_memory()?;
            sheet.set_name(&name)?;
            let slice = frame.slice((part * rows) as i64, rows);
            write_frame(sheet, &slice, &header, &date).with_context(|| format!("sheet {name}"))?;
            if key == "sheet_flags" {
                verdict_dropdown(sheet, &slice, messages)?;
            }
        }
    }
    let indicators = indicators_frame(run, messages)?;
    let sheet = workbook.add_worksheet();
    sheet.set_name(messages.get("sheet_indicators"))?;
    write_frame(sheet, &indicators, &header, &date)?;
    let sheet = workbook.add_worksheet();
    sheet.set_name(messages.get("sheet_settings"))?;
    write_frame(sheet, &settings_frame(config, messages)?, &header, &date)?;
    let bytes = workbook
        .save_to_buffer()
        .with_context(|| format!("cannot write {}", path.display()))?;
    crate::output::write_file(path, &bytes)
}

/// The flags with the review columns an analyst fills in: `verdict` and `comment` (as
/// flags.csv has them), `reviewer` and `reviewed_at`; `redflags reviews import` reads them
/// back by these names.
fn flags_with_reviews(run: &Run) -> PolarsResult<DataFrame> {
    let flags = &run.scored.flags;
    let reviews: Vec<_> = flags
        .column("ocid")?
        .str()?
        .iter()
        .zip(flags.column("indicator")?.str()?.iter())
        .map(|(ocid, indicator)| {
            run.scored
                .verdicts
                .get(ocid.unwrap_or(""), indicator.unwrap_or(""))
        })
        .collect();
    let field = |get: fn(&crate::reviews::Review) -> &str| -> Vec<&str> {
        reviews
            .iter()
            .map(|review| review.map_or("", get))
            .collect()
    };
    let mut flags = flags.clone();
    flags.with_column(Column::new("reviewer".into(), field(|r| &r.reviewer)))?;
    flags.with_column(Column::new("reviewed_at".into(), field(|r| &r.reviewed_at)))?;
    Ok(flags)
}

/// A dropdown of the four verdicts on the `verdict` column of a flags sheet.
fn verdict_dropdown(
    sheet: &mut Worksheet,
    frame: &DataFrame,
    messages: &Messages,
) -> anyhow::Result<()> {
    let Some(column) = frame
        .get_column_names()
        .iter()
        .position(|name| name.as_str() == "verdict")
    else {
        return Ok(());
    };
    if frame.height() == 0 {
        return Ok(());
    }
    let column = column as u16;
    let validation = DataValidation::new()
        .allow_list_strings(&crate::reviews::VERDICTS)?
        .set_input_title(messages.get("verdict_input_title"))?
        .set_input_message(messages.get("verdict_input_message"))?;
    sheet.add_data_validation(1, column, frame.height() as u32, column, &validation)?;
    sheet.set_column_width(column, 16.0)?;
    Ok(())
}

/// One row per indicator: its catalogue entry and what it found.
fn indicators_frame(run: &Run, messages: &Messages) -> PolarsResult<DataFrame> {
    let mut slug = Vec::new();
    let mut code = Vec::new();
    let mut title = Vec::new();
    let mut phase = Vec::new();
    let mut group = Vec::new();
    let mut weight = Vec::new();
    let mut assessable = Vec::new();
    let mut flagged = Vec::new();
    let mut organizations = Vec::new();
    let mut page = Vec::new();
    for indicator in &run.indicators {
        let Some(metadata) = indicator.metadata() else {
            continue;
        };
        slug.push(metadata.slug);
        code.push(metadata.code.unwrap_or(""));
        title.push(messages.indicator(metadata.slug).to_owned());
        phase.push(messages.phase(metadata.phase.name()).to_owned());
        group.push(messages.group(indicator.group.name()).to_owned());
        weight.push(run.scored.weight_of(indicator.slug));
        assessable.push(indicator.assessable() as u64);
        flagged.push(indicator.flagged() as u64);
        organizations.push(indicator.outcome.organizations.height() as u64);
        page.push(metadata.page);
    }
    df!(
        "indicator" => slug,
        "code" => code,
        "title" => title,
        "phase" => phase,
        "group" => group,
        "weight" => weight,
        "assessable" => assessable,
        "flagged" => flagged,
        "organizations_flagged" => organizations,
        "description" => page,
    )
}

/// The settings in effect, one row per key path (`indicators.single_bid.weight`).
fn settings_frame(config: &Config, messages: &Messages) -> PolarsResult<DataFrame> {
    fn flatten(prefix: &str, value: &serde_json::Value, rows: &mut Vec<(String, String)>) {
        match value {
            serde_json::Value::Object(map) => {
                for (key, value) in map {
                    let path = if prefix.is_empty() {
                        key.clone()
                    } else {
                        format!("{prefix}.{key}")
                    };
                    flatten(&path, value, rows);
                }
            }
            serde_json::Value::String(text) => rows.push((prefix.to_owned(), text.clone())),
            other => rows.push((prefix.to_owned(), other.to_string())),
        }
    }
    let mut rows = Vec::new();
    flatten("", &config.effective(), &mut rows);
    let (keys, values): (Vec<String>, Vec<String>) = rows.into_iter().unzip();
    df!(
        messages.get("setting") => keys,
        messages.get("setting_value") => values,
    )
}

/// Writes a table: a bold header row, frozen and filterable; each cell by its column's type.
fn write_frame(
    sheet: &mut Worksheet,
    frame: &DataFrame,
    header: &Format,
    date: &Format,
) -> anyhow::Result<()> {
    let width = frame.width();
    for (index, name) in frame.get_column_names().iter().enumerate() {
        let column = u16::try_from(index).context("too many columns for a sheet")?;
        sheet.write_string_with_format(0, column, name.as_str(), header)?;
        sheet.set_column_width(column, (name.len() as f64 + 2.0).clamp(10.0, 40.0))?;
    }
    sheet.set_freeze_panes(1, 0)?;
    if width > 0 {
        sheet.autofilter(0, 0, frame.height() as u32, (width - 1) as u16)?;
    }
    // Constant-memory sheets are written row by row: gather the columns first.
    let columns: Vec<Cells> = frame
        .columns()
        .iter()
        .map(|column| Cells::of(column.as_materialized_series()))
        .collect::<PolarsResult<_>>()?;
    for row in 0..frame.height() {
        let excel_row = (row + 1) as u32;
        for (index, cells) in columns.iter().enumerate() {
            let column = index as u16;
            match cells {
                Cells::Numbers(values) => {
                    if let Some(value) = values[row].filter(|v| v.is_finite()) {
                        sheet.write_number(excel_row, column, value)?;
                    }
                }
                Cells::Texts(values) => {
                    if let Some(value) = &values[row] {
                        let value = if value.len() > MAX_CELL {
                            let mut end = MAX_CELL - 1;
                            while !value.is_char_boundary(end) {
                                end -= 1;
                            }
                            format!("{}…", &value[..end])
                        } else {
                            value.clone()
                        };
                        sheet.write_string(excel_row, column, value)?;
                    }
                }
                Cells::Dates(values) => {
                    if let Some(seconds) = values[row]
                        && let Ok(datetime) = ExcelDateTime::from_timestamp(seconds)
                    {
                        sheet.write_datetime_with_format(excel_row, column, &datetime, date)?;
                    }
                }
                Cells::Booleans(values) => {
                    if let Some(value) = values[row] {
                        sheet.write_boolean(excel_row, column, value)?;
                    }
                }
            }
        }
    }
    Ok(())
}

/// A column's cells as Excel types.
enum Cells {
    Numbers(Vec<Option<f64>>),
    Texts(Vec<Option<String>>),
    /// Seconds since the epoch.
    Dates(Vec<Option<i64>>),
    Booleans(Vec<Option<bool>>),
}

impl Cells {
    fn of(series: &Series) -> PolarsResult<Cells> {
        Ok(match series.dtype() {
            dtype if dtype.is_primitive_numeric() => {
                Cells::Numbers(series.cast(&DataType::Float64)?.f64()?.iter().collect())
            }
            DataType::Boolean => Cells::Booleans(series.bool()?.iter().collect()),
            DataType::Datetime(_, _) | DataType::Date => {
                let seconds = series
                    .cast(&DataType::Datetime(TimeUnit::Milliseconds, None))?
                    .cast(&DataType::Int64)?;
                Cells::Dates(
                    seconds
                        .i64()?
                        .iter()
                        .map(|ms| ms.map(|ms| ms.div_euclid(1000)))
                        .collect(),
                )
            }
            _ => Cells::Texts(
                series
                    .cast(&DataType::String)?
                    .str()?
                    .iter()
                    .map(|value| value.map(str::to_owned))
                    .collect(),
            ),
        })
    }
}
