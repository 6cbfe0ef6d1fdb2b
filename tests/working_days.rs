//! Periods counted in working days (`[working_days]` and `days = "working"`), through the real
//! binary: flagged, not flagged and not assessable by the working days of a calendar, the
//! evidence in both languages, the settings errors, and Thailand's preset.

mod common;

use std::path::{Path, PathBuf};

use serde_json::json;

use common::{csv_rows, flags_of, redflags, settings_refused};

/// An open tender of buyer B with its tender period from `start` to `end` and, when given, an
/// active award dated `award`.
fn process(ocid: &str, start: &str, end: &str, award: Option<&str>) -> String {
    let mut release = json!({
        "ocid": ocid,
        "id": format!("{ocid}-1"),
        "date": "2024-06-01T00:00:00Z",
        "tag": ["compiled"],
        "buyer": {"id": "B", "name": "Buyer B"},
        "tender": {"id": "t", "procurementMethod": "open",
                   "tenderPeriod": {"startDate": start, "endDate": end}},
    });
    if let Some(award) = award {
        release["awards"] = json!([{"id": "a", "status": "active", "date": award,
            "value": {"amount": 100000, "currency": "THB"},
            "suppliers": [{"id": "S", "name": "S"}]}]);
    }
    release.to_string()
}

/// A process with its bids opened on `date`.
fn with_bid_opening(process: String, date: &str) -> String {
    let mut release: serde_json::Value = serde_json::from_str(&process).unwrap();
    release["tender"]["bidOpening"] = json!({"date": date});
    release.to_string()
}

/// The processes: each comment says what its period is in calendar and in working days of the
/// calendar of [`CALENDAR`] (Bangkok time, Songkran 12-16 April 2024 off, 2024 only).
fn data(dir: &Path) -> PathBuf {
    let lines = [
        // Wednesday 10 to Friday 19 April: 9 calendar days; 4 working days (the 11th, 17th,
        // 18th, 19th).
        with_bid_opening(
            process(
                "ocds-w-songkran",
                "2024-04-10T09:00:00+07:00",
                "2024-04-19T16:00:00+07:00",
                None,
            ),
            "2024-04-19T16:30:00+07:00",
        ),
        // Monday 1 to Thursday 11 April: 9 working days. Tender end Thursday 11 April to award
        // Thursday 18 April: 6 whole calendar days (16:00 to 10:00), 2 working days (the 17th,
        // 18th).
        process(
            "ocds-w-decision",
            "2024-04-01T09:00:00+07:00",
            "2024-04-11T16:00:00+07:00",
            Some("2024-04-18T10:00:00+07:00"),
        ),
        // Monday 4 to Monday 11 March: 7 calendar days, 5 working days. Tender end to award,
        // Monday 11 to Monday 18 March: 5 working days.
        process(
            "ocds-w-plain",
            "2024-03-04T09:00:00+07:00",
            "2024-03-11T16:00:00+07:00",
            Some("2024-03-18T10:00:00+07:00"),
        ),
        // Midnight in Bangkok on Monday 8 January (Sunday in UTC) to Friday 12 January: 4
        // working days in Bangkok, 5 if the days were taken in UTC.
        process(
            "ocds-w-midnight",
            "2024-01-08T00:00:00+07:00",
            "2024-01-12T17:00:00+07:00",
            None,
        ),
        // 2019: outside the calendar, not assessable in working days; 16 calendar days.
        process(
            "ocds-w-outside",
            "2019-03-04T09:00:00+07:00",
            "2019-03-20T16:00:00+07:00",
            None,
        ),
    ];
    let input = dir.join("data.jsonl");
    std::fs::write(&input, lines.join("\n")).unwrap();
    input
}

/// A calendar of 2024 in Bangkok time, its holidays in the settings (one with a Buddhist Era
/// date) and in a file (`holidays.csv`, written by [`score`]).
const CALENDAR: &str = r#"
[working_days]
utc_offset = "+07:00"
from = "2024-01-01"
to = "2024-12-31"
holidays = [
    { date = "12/04/2567", name = "วันหยุดพิเศษ (special holiday)" },
    { date = "2024-04-15", name = "วันสงกรานต์ (Songkran)" },
]
holidays_file = "holidays.csv"
"#;

const WORKING: &str = r#"
[indicators.short_tender_period]
days = "working"
threshold = 5

[indicators.decision_period]
days = "working"

[indicators.short_bid_opening]
days = "working"
threshold = 5

[indicators.slow_bid_evaluation]
days = "working"

[indicators.slow_signature]
days = "working"
"#;

/// Scores the data with `settings` (and the holidays file beside them), in `lang`.
fn score(dir: &Path, settings: &str, lang: &str) -> PathBuf {
    std::fs::write(
        dir.join("holidays.csv"),
        "date,name\n16/04/2567,ชดเชยวันสงกรานต์ (Songkran substitution)\n",
    )
    .unwrap();
    let config = dir.join("settings.toml");
    std::fs::write(&config, settings).unwrap();
    score_with(dir, &config, lang)
}

/// Scores the data with the settings file `config`, in `lang`, into `dir/out-LANG`.
fn score_with(dir: &Path, config: &Path, lang: &str) -> PathBuf {
    let input = data(dir);
    let out = dir.join(format!("out-{lang}"));
    redflags()
        .args(["score", input.to_str().unwrap(), "--config"])
        .arg(config)
        .arg("--out")
        .arg(&out)
        .args(["--lang", lang])
        .assert()
        .success();
    out
}

/// Each process's column of an indicator in contracts.csv: `1`, `0` or empty.
fn column(out: &Path, indicator: &str) -> Vec<(String, String)> {
    csv_rows(&out.join("contracts.csv"))
        .into_iter()
        .map(|row| (row["ocid"].clone(), row[indicator].clone()))
        .collect()
}

#[test]
fn tender_periods_counted_in_working_days() {
    let dir = tempfile::tempdir().unwrap();
    let out = score(dir.path(), &format!("{CALENDAR}{WORKING}"), "en");
    let (flags, summary) = flags_of(&out, "short_tender_period");
    assert_eq!(
        flags.keys().collect::<Vec<_>>(),
        ["ocds-w-midnight", "ocds-w-songkran"]
    );
    assert_eq!(
        flags["ocds-w-songkran"],
        "tender period of 4 working days (2024-04-10 to 2024-04-19, 9 calendar days), below the \
         threshold of 5 working days"
    );
    assert_eq!(
        flags["ocds-w-midnight"],
        "tender period of 4 working days (2024-01-07 to 2024-01-12, 4 calendar days), below the \
         threshold of 5 working days"
    );
    // Five working days are not fewer than five; 2019 is outside the calendar.
    assert_eq!(summary["assessable"], 4);
    assert_eq!(
        column(&out, "short_tender_period"),
        [
            ("ocds-w-decision".to_owned(), "0".to_owned()),
            ("ocds-w-midnight".to_owned(), "1".to_owned()),
            ("ocds-w-outside".to_owned(), String::new()),
            ("ocds-w-plain".to_owned(), "0".to_owned()),
            ("ocds-w-songkran".to_owned(), "1".to_owned()),
        ]
    );
    // The bids of the Songkran tender opened on its last day: 4 working days after it began.
    let (openings, summary) = flags_of(&out, "short_bid_opening");
    assert_eq!(
        openings["ocds-w-songkran"],
        "4 working day(s) from the advertising on 2024-04-10 (the tender period's start) to the \
         bid opening on 2024-04-19 (9 calendar days), below the threshold of 5 working days"
    );
    assert_eq!(summary["assessable"], 1);
    let (decisions, _) = flags_of(&out, "decision_period");
    assert_eq!(decisions.keys().collect::<Vec<_>>(), ["ocds-w-decision"]);
    assert_eq!(
        decisions["ocds-w-decision"],
        "2 working day(s) from the end of the tender period (2024-04-11) to the award \
         (2024-04-18; 6 calendar days), under the minimum of 5 working days"
    );
}

#[test]
fn the_same_periods_in_calendar_days() {
    let dir = tempfile::tempdir().unwrap();
    // The calendar alone changes nothing: the indicators count calendar days by default.
    let settings = "[indicators.short_tender_period]\nthreshold = 5\n";
    let out = score(dir.path(), &format!("{CALENDAR}{settings}"), "en");
    let (flags, summary) = flags_of(&out, "short_tender_period");
    assert_eq!(flags.keys().collect::<Vec<_>>(), ["ocds-w-midnight"]);
    assert_eq!(
        flags["ocds-w-midnight"],
        "tender period of 4 whole days (2024-01-07 to 2024-01-12), below the threshold of 5 days"
    );
    assert_eq!(summary["assessable"], 5);
    let (decisions, summary) = flags_of(&out, "decision_period");
    assert!(decisions.is_empty(), "{decisions:?}");
    assert_eq!(summary["assessable"], 2);
}

#[test]
fn thai_evidence_says_working_days() {
    let dir = tempfile::tempdir().unwrap();
    let out = score(dir.path(), &format!("{CALENDAR}{WORKING}"), "th");
    let (flags, _) = flags_of(&out, "short_tender_period");
    assert_eq!(
        flags["ocds-w-songkran"],
        "ระยะเวลาเสนอราคา 4 วันทำการ (10 เม.ย. 2567 ถึง 19 เม.ย. 2567 รวม 9 วันตามปฏิทิน) \
         น้อยกว่าเกณฑ์ 5 วันทำการ"
    );
}

#[test]
fn working_days_without_a_calendar_stop_the_run() {
    let stderr = settings_refused("[indicators.decision_period]\ndays = \"working\"\n");
    assert!(
        stderr.contains("indicators.decision_period.days = \"working\" counts working days, but the settings give no calendar"),
        "{stderr}"
    );
    let stderr = settings_refused("[indicators.slow_signature]\ndays = \"workdays\"\n");
    assert!(stderr.contains("unknown variant `workdays`"), "{stderr}");
    // late_tender_notice orders two dates: it has no `days`.
    let stderr = settings_refused("[indicators.late_tender_notice]\ndays = \"working\"\n");
    assert!(stderr.contains("days"), "{stderr}");
}

#[test]
fn a_bad_holiday_is_named() {
    let stderr = settings_refused(
        "[working_days]\nholidays = [\"2024-01-01\", { date = \"31/02/2567\", name = \"x\" }]\n",
    );
    assert!(
        stderr.contains("working_days.holidays[2]: \"31/02/2567\" is not a date"),
        "{stderr}"
    );
    let stderr = settings_refused(
        "[working_days]\nfrom = \"2024-01-01\"\nto = \"2024-12-31\"\nholidays = [\"2025-01-01\"]\n",
    );
    assert!(
        stderr.contains(
            "working_days.holidays[1]: 2025-01-01 is outside the dates the calendar covers"
        ),
        "{stderr}"
    );
    let stderr = settings_refused("[working_days]\nholidays_file = \"no-such-holidays.csv\"\n");
    assert!(stderr.contains("no-such-holidays.csv"), "{stderr}");
}

#[test]
fn the_thai_preset_has_the_holidays_of_2023_to_2026() {
    let dir = tempfile::tempdir().unwrap();
    let (path, config) = common::thai_preset(dir.path());
    let calendar = config.working_days.calendar().unwrap().unwrap();
    assert_eq!(
        calendar.covers(),
        ("2023-01-01".to_owned(), "2026-12-31".to_owned())
    );
    assert_eq!(config.working_days.utc_offset, "+07:00");
    let holidays = config.working_days.holidays().unwrap();
    let day = |text: &str| redflags::lists::parse_date(text).unwrap();
    for (date, name) in [
        // The cabinet's special holidays and substitution days.
        ("2023-12-29", "ชดเชยวันสิ้นปี"),
        ("2024-04-12", "วันหยุดราชการเพิ่มเป็นกรณีพิเศษ"),
        ("2024-12-30", "วันหยุดราชการเพิ่มเป็นกรณีพิเศษ"),
        ("2025-06-02", "วันหยุดราชการเพิ่มเป็นกรณีพิเศษ"),
        ("2026-01-02", "วันหยุดราชการเพิ่มเป็นกรณีพิเศษ"),
        ("2025-05-12", "ชดเชยวันวิสาขบูชา"),
    ] {
        let holiday = holidays
            .iter()
            .find(|holiday| holiday.day == day(date))
            .unwrap_or_else(|| panic!("{date} is not in the preset"));
        let named = holiday.name.as_deref().unwrap_or_default();
        assert!(named.contains(name), "{date}: {named}");
    }
    // The cabinet moved the substitution for New Year's Eve 2023 from 2 January 2024 to 29
    // December 2023: government offices worked on 2 January 2024.
    assert!(
        !holidays
            .iter()
            .any(|holiday| holiday.day == day("2024-01-02"))
    );
    // Every holiday has a Thai and an English name.
    for holiday in &holidays {
        let name = holiday.name.as_deref().unwrap_or_default();
        assert!(
            name.chars().any(|c| ('\u{0e00}'..='\u{0e7f}').contains(&c))
                && name.chars().any(|c| c.is_ascii_alphabetic()),
            "{}: {name}",
            holiday.place
        );
    }
    // The preset's calendar counts the Songkran period of 2024 as the hand-made one does.
    let mut settings = std::fs::read_to_string(&path).unwrap();
    settings.push_str(WORKING);
    let config = dir.path().join("preset-working.toml");
    std::fs::write(&config, settings).unwrap();
    let out = score_with(dir.path(), &config, "en");
    let (flags, _) = flags_of(&out, "short_tender_period");
    assert!(
        flags["ocds-w-songkran"].starts_with("tender period of 4 working days"),
        "{flags:?}"
    );
}
