//! Working days: the `[working_days]` settings, and periods counted in working days.
//!
//! A procurement law often counts its periods in working days: a call for tenders open at
//! least so many working days, a decision within so many. Counted in calendar days, a period
//! over a long holiday (Songkran, the New Year) looks longer than the law counts it, and a
//! short one hides. The `[working_days]` section is the calendar those periods are counted
//! by: the weekend days, the public holidays (dates, each optionally named, in the settings
//! or in a CSV file) and the dates it covers. An indicator whose setting `days = "working"`
//! counts its period in the working days of this calendar.
//!
//! **The count.** A period from a start to an end counts the working days *after* the day it
//! starts, up to and including the day it ends: from a Friday to the next Monday is one
//! working day, from a Friday to the Saturday none, whatever the hours. The day it starts is
//! never counted, so a period that starts on a holiday counts as one that starts on the
//! working day before; an end on a holiday or a weekend counts the working days before it.
//! The days are those of the timestamps in the calendar's `utc_offset` (Thailand's `+07:00`:
//! a call opened at midnight in Bangkok starts that day, not the day before in UTC).
//!
//! **The computation.** Each day of the calendar has an index, the working days from its
//! first day up to and including that day: one number per day, made once when the settings
//! are read (about 1,500 for four years). A period's count is then `index(end) − index(start)`,
//! each index gathered from that table by the day's distance from the calendar's first day:
//! two look-ups per row in one Polars expression, with no join and no loop over the rows. A
//! day outside the calendar has no index, and its period no count: it is not assessed (a
//! holiday list for 2023–2026 says nothing of the holidays of 2019).

use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate, Weekday};
use polars::prelude::*;
use serde::{Deserialize, Serialize};

use crate::lists::{DATE_FORMS, open_csv, parse_date};

/// The `[working_days]` section as `redflags init` writes it: commented, with no holiday.
pub const DEFAULT_TOML: &str = "\n# The calendar of working days, for the indicators that count their periods in working days\n\
# (their setting days = \"working\"; `redflags explain SLUG` says which can). A period counts the\n\
# working days after the day it starts, up to and including the day it ends. Dates: YYYY-MM-DD\n\
# or DD/MM/YYYY, Buddhist Era years read. `redflags init --preset th` writes Thailand's.\n\
[working_days]\n\
# The days of the week that are not working days.\n\
# weekend = [\"saturday\", \"sunday\"]\n\
# The offset from UTC of the local time the days are counted in (Thailand: \"+07:00\").\n\
# utc_offset = \"+00:00\"\n\
# The dates the calendar covers (default: the whole years of its holidays); a period outside\n\
# them is not assessed in working days.\n\
# from = \"2024-01-01\"\n\
# to = \"2024-12-31\"\n\
# The public holidays: dates, or tables with a date and a name.\n\
# holidays = [\"2024-01-01\", { date = \"2024-04-15\", name = \"Songkran\" }]\n\
# A CSV file of holidays (columns date and, optionally, name), relative to this file.\n\
# holidays_file = \"holidays.csv\"\n";

/// The longest calendar, in days: two centuries, far beyond any procurement data, so that a
/// typing error in a year (`from = \"0024-01-01\"`) is an error, not a table of millions.
const MOST_DAYS: i64 = 73_050;

/// The `[working_days]` settings: the calendar working days are counted by.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WorkingDaySettings {
    /// The days of the week that are not working days, by their English names (`saturday`).
    pub weekend: Vec<String>,
    /// The offset from UTC of the local time whose dates are counted (`+07:00`).
    pub utc_offset: String,
    /// The first day the calendar covers; none: the first of January of its first holiday's
    /// year.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<DateText>,
    /// The last day the calendar covers; none: the last of December of its last holiday's year.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<DateText>,
    /// The public holidays: a date, or a table with `date` and optionally `name`.
    pub holidays: Vec<HolidayEntry>,
    /// A CSV file of more holidays, with the columns `date` and optionally `name` (relative to
    /// the settings file's folder).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub holidays_file: Option<PathBuf>,
}

impl Default for WorkingDaySettings {
    fn default() -> Self {
        WorkingDaySettings {
            weekend: vec!["saturday".to_owned(), "sunday".to_owned()],
            utc_offset: "+00:00".to_owned(),
            from: None,
            to: None,
            holidays: Vec::new(),
            holidays_file: None,
        }
    }
}

/// A date as the settings write it: TOML text (`"2024-04-13"`, `"13/04/2567"`) or a TOML date
/// (`2024-04-13`), kept as written for the messages.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(transparent)]
pub struct DateText(pub String);

impl<'de> Deserialize<'de> for DateText {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match toml::Value::deserialize(deserializer)? {
            toml::Value::String(text) => Ok(DateText(text)),
            toml::Value::Datetime(date) => Ok(DateText(date.to_string())),
            other => Err(serde::de::Error::custom(format!(
                "expected a date ({DATE_FORMS}), found {}",
                other.type_str()
            ))),
        }
    }
}

/// A holiday of the settings: a date alone, or a date with its name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum HolidayEntry {
    /// A date with its name.
    Named {
        /// The day.
        date: DateText,
        /// What the holiday is (any language).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
    },
    /// A date alone.
    Date(DateText),
}

impl HolidayEntry {
    fn date(&self) -> &DateText {
        match self {
            HolidayEntry::Named { date, .. } | HolidayEntry::Date(date) => date,
        }
    }

    fn name(&self) -> Option<&str> {
        match self {
            HolidayEntry::Named { name, .. } => name.as_deref(),
            HolidayEntry::Date(_) => None,
        }
    }
}

/// A holiday as read: its day (days since 1970-01-01), its name, and where it was written
/// (`working_days.holidays[3]`, `holidays.csv, line 4`), for the messages.
#[derive(Debug, Clone, PartialEq)]
pub struct Holiday {
    /// Days since 1970-01-01.
    pub day: i32,
    /// Its name, if given.
    pub name: Option<String>,
    /// Where it was written.
    pub place: String,
}

/// How an indicator counts the days of the periods it measures: its `days` setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Days {
    /// Calendar days, every day counted.
    #[default]
    Calendar,
    /// The working days of the `[working_days]` calendar.
    Working,
}

impl Days {
    /// The name written in the settings and in the evidence's `counted` code.
    pub fn name(self) -> &'static str {
        match self {
            Days::Calendar => "calendar",
            Days::Working => "working",
        }
    }
}

impl WorkingDaySettings {
    /// Whether the settings give a calendar: holidays (written or in a file), or the dates it
    /// covers. Without one, no indicator may count working days.
    pub fn given(&self) -> bool {
        !self.holidays.is_empty()
            || self.holidays_file.is_some()
            || self.from.is_some()
            || self.to.is_some()
    }

    /// The holidays file's path made relative to `folder` (the settings file's) when it is
    /// relative.
    pub fn resolve(&mut self, folder: &Path) {
        if let Some(path) = &mut self.holidays_file
            && path.is_relative()
        {
            *path = folder.join(&*path);
        }
    }

    /// Checks the section (the holidays file read): the message names the key, the entry or
    /// the file's line.
    pub fn check(&self) -> Result<(), String> {
        self.calendar().map(|_| ())
    }

    /// The calendar, read and checked; none when the settings give none (see
    /// [`WorkingDaySettings::given`]).
    pub fn calendar(&self) -> Result<Option<WorkingDays>, String> {
        let weekend = self.weekend_days()?;
        let offset_ms = parse_offset(&self.utc_offset).ok_or_else(|| {
            format!(
                "working_days.utc_offset: {:?} is not an offset from UTC (+HH:MM or -HH:MM, at \
                 most 14 hours)",
                self.utc_offset
            )
        })?;
        let read = |key: &str, date: &Option<DateText>| {
            date.as_ref()
                .map(|date| {
                    parse_date(&date.0).ok_or_else(|| {
                        format!(
                            "working_days.{key}: {:?} is not a date ({DATE_FORMS})",
                            date.0
                        )
                    })
                })
                .transpose()
        };
        let (from, to) = (read("from", &self.from)?, read("to", &self.to)?);
        if !self.given() {
            return Ok(None);
        }
        let holidays = self.holidays()?;
        let year_bound = |pick: fn(&Holiday, &Holiday) -> bool, month, day| {
            holidays
                .iter()
                .reduce(|kept, next| if pick(next, kept) { next } else { kept })
                .and_then(|holiday| {
                    let year = day_date(holiday.day)?.year();
                    days_since_epoch(NaiveDate::from_ymd_opt(year, month, day)?)
                })
        };
        let from = from.or_else(|| year_bound(|a, b| a.day < b.day, 1, 1));
        let to = to.or_else(|| year_bound(|a, b| a.day > b.day, 12, 31));
        let (Some(from), Some(to)) = (from, to) else {
            return Err(
                "working_days: with no holidays, give both `from` and `to`, the dates the \
                 calendar covers"
                    .to_owned(),
            );
        };
        if to < from {
            return Err("working_days.to: before `from`".to_owned());
        }
        if i64::from(to) - i64::from(from) >= MOST_DAYS {
            return Err(format!(
                "working_days: from {} to {} is more than two centuries; check the years",
                day_text(from),
                day_text(to)
            ));
        }
        if let Some(outside) = holidays.iter().find(|h| h.day < from || h.day > to) {
            return Err(format!(
                "{}: {} is outside the dates the calendar covers ({} to {})",
                outside.place,
                day_text(outside.day),
                day_text(from),
                day_text(to)
            ));
        }
        Ok(Some(WorkingDays::new(
            from, to, &weekend, &holidays, offset_ms,
        )))
    }

    /// The weekend days, checked: known names, not the whole week.
    fn weekend_days(&self) -> Result<Vec<Weekday>, String> {
        let mut days = Vec::with_capacity(self.weekend.len());
        for (index, name) in self.weekend.iter().enumerate() {
            let day = name.trim().parse::<Weekday>().map_err(|_| {
                format!(
                    "working_days.weekend[{}]: {name:?} is not a day of the week (monday ... \
                     sunday)",
                    index + 1
                )
            })?;
            if !days.contains(&day) {
                days.push(day);
            }
        }
        if days.len() == 7 {
            return Err("working_days.weekend: every day of the week is a weekend day".to_owned());
        }
        Ok(days)
    }

    /// Every holiday, those of the settings then those of the file, each read and named by
    /// where it was written.
    pub fn holidays(&self) -> Result<Vec<Holiday>, String> {
        let mut holidays = Vec::with_capacity(self.holidays.len());
        for (index, entry) in self.holidays.iter().enumerate() {
            let place = format!("working_days.holidays[{}]", index + 1);
            let text = &entry.date().0;
            let day = parse_date(text)
                .ok_or_else(|| format!("{place}: {text:?} is not a date ({DATE_FORMS})"))?;
            holidays.push(Holiday {
                day,
                name: entry.name().map(str::to_owned),
                place,
            });
        }
        if let Some(path) = &self.holidays_file {
            holidays.extend(read_holidays(path)?);
        }
        Ok(holidays)
    }
}

/// Reads a CSV file of holidays: a header with `date` and optionally `name` (in any order and
/// case; other columns are left alone), one holiday a row; empty rows are skipped.
fn read_holidays(path: &Path) -> Result<Vec<Holiday>, String> {
    const SECTION: &str = "[working_days] holidays_file";
    let file = path.display();
    let (mut reader, header) = open_csv(path, SECTION)?;
    let column = |wanted: &str| header.iter().position(|c| c == wanted);
    let Some(date_at) = column("date") else {
        return Err(format!(
            "{SECTION} {file}, line 1: no `date` column (the columns are {})",
            header.join(", ")
        ));
    };
    let name_at = column("name");
    let mut holidays = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let line = index + 2;
        let record = record.map_err(|error| format!("{SECTION} {file}, line {line}: {error}"))?;
        if record.iter().all(|value| value.trim().is_empty()) {
            continue;
        }
        let text = record.get(date_at).map(str::trim).unwrap_or_default();
        let place = format!("{SECTION} {file}, line {line}");
        let day = parse_date(text).ok_or_else(|| {
            format!("{place}, field `date`: {text:?} is not a date ({DATE_FORMS})")
        })?;
        let name = name_at
            .and_then(|at| record.get(at))
            .map(str::trim)
            .filter(|name| !name.is_empty())
            .map(str::to_owned);
        holidays.push(Holiday { day, name, place });
    }
    Ok(holidays)
}

/// An offset from UTC written `+HH:MM` or `-HH:MM` (or `Z`), in milliseconds.
fn parse_offset(text: &str) -> Option<i64> {
    let text = text.trim();
    if text == "Z" {
        return Some(0);
    }
    let (sign, rest) = match text.as_bytes().first()? {
        b'+' => (1, &text[1..]),
        b'-' => (-1, &text[1..]),
        _ => return None,
    };
    let (hours, minutes) = rest.split_once(':')?;
    if hours.len() != 2 || minutes.len() != 2 {
        return None;
    }
    let (hours, minutes): (i64, i64) = (hours.parse().ok()?, minutes.parse().ok()?);
    if minutes > 59 || hours * 60 + minutes > 14 * 60 {
        return None;
    }
    Some(sign * (hours * 60 + minutes) * 60_000)
}

/// The date of a day number (days since 1970-01-01).
fn day_date(day: i32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(1970, 1, 1)?.checked_add_signed(chrono::Duration::days(day.into()))
}

/// The day number of a date.
fn days_since_epoch(date: NaiveDate) -> Option<i32> {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1)?;
    i32::try_from((date - epoch).num_days()).ok()
}

/// A day number as `YYYY-MM-DD`.
fn day_text(day: i32) -> String {
    day_date(day).map_or_else(|| day.to_string(), |date| date.to_string())
}

/// A calendar of working days, read from the settings: each day's index, the working days
/// from its first day up to and including that day.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkingDays {
    /// The first day covered (days since 1970-01-01).
    first: i32,
    /// Each day's index, from the first day on.
    index: Vec<u32>,
    /// The local time's offset from UTC, in milliseconds.
    offset_ms: i64,
}

impl WorkingDays {
    /// The calendar of the days `from` to `to` (inclusive; days since 1970-01-01) with the
    /// `weekend` days and the `holidays` not worked.
    pub fn new(
        from: i32,
        to: i32,
        weekend: &[Weekday],
        holidays: &[Holiday],
        offset_ms: i64,
    ) -> WorkingDays {
        let mut worked: Vec<bool> = (from..=to)
            .map(|day| day_date(day).is_none_or(|date| !weekend.contains(&date.weekday())))
            .collect();
        for holiday in holidays {
            if let Ok(at) = usize::try_from(holiday.day - from)
                && let Some(day) = worked.get_mut(at)
            {
                *day = false;
            }
        }
        let index = worked
            .iter()
            .scan(0u32, |count, worked| {
                *count += u32::from(*worked);
                Some(*count)
            })
            .collect();
        WorkingDays {
            first: from,
            index,
            offset_ms,
        }
    }

    /// The first and last days covered, as `YYYY-MM-DD`.
    pub fn covers(&self) -> (String, String) {
        let last = self.first + self.index.len() as i32 - 1;
        (day_text(self.first), day_text(last))
    }

    /// The working days after the day of `start` up to and including the day of `end` (both
    /// timestamps, their days taken in the calendar's local time): `index(end) −
    /// index(start)`, an `i64`; null where either day is outside the calendar or missing.
    /// Negative when `end` is a day before `start` with working days between.
    pub fn between(&self, end: Expr, start: Expr) -> Expr {
        self.index_of(end) - self.index_of(start)
    }

    /// Each timestamp's index (i64): gathered from the table of indexes by its day's distance
    /// from the first day; null outside the calendar.
    fn index_of(&self, timestamp: Expr) -> Expr {
        let day = (timestamp.dt().timestamp(TimeUnit::Milliseconds) + lit(self.offset_ms))
            .floor_div(lit(86_400_000i64));
        let at = day - lit(i64::from(self.first));
        let inside = at
            .clone()
            .gt_eq(lit(0i64))
            .and(at.clone().lt(lit(self.index.len() as i64)));
        let position = when(inside)
            .then(at)
            .otherwise(lit(NULL).cast(DataType::Int64))
            .cast(IDX_DTYPE);
        let table = Series::new("working_day_index".into(), &self.index);
        lit(table).gather(position, true).cast(DataType::Int64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(text: &str) -> WorkingDaySettings {
        toml::from_str(text).unwrap()
    }

    /// Milliseconds of a UTC date-time `YYYY-MM-DDTHH:MM`.
    fn at(text: &str) -> i64 {
        chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M")
            .unwrap()
            .and_utc()
            .timestamp_millis()
    }

    /// The working days between pairs of UTC date-times, by the calendar of `text`.
    fn counted(text: &str, periods: &[(&str, &str)]) -> Vec<Option<i64>> {
        let calendar = settings(text).calendar().unwrap().unwrap();
        let starts: Vec<i64> = periods.iter().map(|(start, _)| at(start)).collect();
        let ends: Vec<i64> = periods.iter().map(|(_, end)| at(end)).collect();
        let datetime = DataType::Datetime(TimeUnit::Milliseconds, None);
        df!("start" => starts, "end" => ends)
            .unwrap()
            .lazy()
            .with_columns([
                col("start").cast(datetime.clone()),
                col("end").cast(datetime),
            ])
            .select([calendar.between(col("end"), col("start")).alias("days")])
            .collect()
            .unwrap()
            .column("days")
            .unwrap()
            .i64()
            .unwrap()
            .iter()
            .collect()
    }

    const SONGKRAN: &str = r#"
        from = "2024-01-01"
        to = "2024-12-31"
        holidays = [
            "2024-04-12",
            { date = "13/04/2567", name = "Songkran" },
            { date = 2024-04-15, name = "Songkran" },
            "2024-04-16",
        ]
    "#;

    #[test]
    fn a_period_counts_the_working_days_after_its_first_day_up_to_its_last() {
        let days = counted(
            SONGKRAN,
            &[
                // Monday to Monday: five working days.
                ("2024-01-01T09:00", "2024-01-08T09:00"),
                // Friday to Monday: the Monday only, whatever the hours.
                ("2024-01-05T23:00", "2024-01-08T01:00"),
                // Friday to Saturday: none.
                ("2024-01-05T09:00", "2024-01-06T09:00"),
                // The same day: none.
                ("2024-01-08T08:00", "2024-01-08T17:00"),
                // Wednesday 10 April to Friday 19 April 2024, over Songkran (12-16 April):
                // the 11th, 17th, 18th and 19th.
                ("2024-04-10T09:00", "2024-04-19T09:00"),
                // Starting on a holiday counts as starting the working day before.
                ("2024-04-15T09:00", "2024-04-19T09:00"),
                ("2024-04-11T09:00", "2024-04-19T09:00"),
                // Outside the calendar: no count.
                ("2023-12-29T09:00", "2024-01-08T09:00"),
                ("2024-12-30T09:00", "2025-01-06T09:00"),
            ],
        );
        assert_eq!(
            days,
            [
                Some(5),
                Some(1),
                Some(0),
                Some(0),
                Some(4),
                Some(3),
                Some(3),
                None,
                None
            ]
        );
    }

    #[test]
    fn the_days_are_those_of_the_local_time() {
        // Midnight in Bangkok on Monday 8 January is Sunday 17:00 in UTC.
        let periods = [("2024-01-05T09:00", "2024-01-07T17:00")];
        let utc = counted(SONGKRAN, &periods);
        let bangkok = counted(&format!("utc_offset = \"+07:00\"\n{SONGKRAN}"), &periods);
        assert_eq!((utc, bangkok), (vec![Some(0)], vec![Some(1)]));
    }

    #[test]
    fn the_calendar_covers_the_whole_years_of_its_holidays_by_default() {
        let calendar = settings(r#"holidays = ["2023-05-04", "2025-01-01"]"#)
            .calendar()
            .unwrap()
            .unwrap();
        assert_eq!(
            calendar.covers(),
            ("2023-01-01".to_owned(), "2025-12-31".to_owned())
        );
        // A six-day week.
        let days = counted(
            "weekend = [\"Sunday\"]\nfrom = \"2024-01-01\"\nto = \"2024-01-31\"",
            &[("2024-01-01T09:00", "2024-01-08T09:00")],
        );
        assert_eq!(days, [Some(6)]);
    }

    #[test]
    fn bad_entries_are_named() {
        let error = |text: &str| settings(text).check().unwrap_err();
        assert!(
            error(r#"holidays = ["2024-01-01", { date = "2024-02-30", name = "x" }]"#)
                .starts_with("working_days.holidays[2]: \"2024-02-30\" is not a date"),
        );
        assert!(error(r#"weekend = ["saturday", "caturday"]"#).contains("weekend[2]"));
        assert!(error(r#"utc_offset = "+7""#).contains("utc_offset"));
        assert!(error(r#"from = "2024-01-01""#).contains("give both `from` and `to`"));
        assert!(error("from = \"2024-02-01\"\nto = \"2024-01-01\"").contains("before"));
        assert!(
            error("from = \"2024-01-01\"\nto = \"2024-12-31\"\nholidays = [\"2025-01-01\"]")
                .contains("holidays[1]: 2025-01-01 is outside")
        );
        assert!(error("from = \"0024-01-01\"\nto = \"2024-12-31\"").contains("two centuries"));
        assert!(
            error(
                "weekend = [\"mon\", \"tue\", \"wed\", \"thu\", \"fri\", \"sat\", \"sun\"]\n\
                 from = \"2024-01-01\"\nto = \"2024-12-31\""
            )
            .contains("every day")
        );
        // No calendar: nothing to check but the keys.
        assert_eq!(settings("").calendar().unwrap(), None);
    }

    #[test]
    fn holidays_are_read_from_a_file_with_their_lines() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("holidays.csv");
        std::fs::write(
            &path,
            "\u{feff}Name,Date\nSongkran,13/04/2567\n,\nSongkran,2024-04-14\n",
        )
        .unwrap();
        let mut read = settings("holidays_file = \"holidays.csv\"");
        read.resolve(dir.path());
        let holidays = read.holidays().unwrap();
        assert_eq!(holidays.len(), 2);
        assert_eq!(holidays[0].name.as_deref(), Some("Songkran"));
        assert!(
            holidays[1].place.ends_with("line 4"),
            "{}",
            holidays[1].place
        );
        std::fs::write(&path, "date\n2024-04-13\nsoon\n").unwrap();
        let error = read.check().unwrap_err();
        assert!(
            error.contains("holidays.csv, line 3, field `date`: \"soon\" is not a date"),
            "{error}"
        );
    }
}
