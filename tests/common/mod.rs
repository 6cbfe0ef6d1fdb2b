//! Shared test helpers.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The redflags binary, without the logging a developer's environment may set.
pub fn redflags() -> assert_cmd::Command {
    let mut command = assert_cmd::Command::cargo_bin("redflags").unwrap();
    command.env_remove("REDFLAGS_LOG");
    command
}

/// The bundled example: 54 Bangkok processes, one per line, and one line that is not JSON.
pub fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/bangkok-example.jsonl")
}

/// The example's lines, each with its ocid (none for the line that is not JSON).
pub fn example_lines() -> Vec<(Option<String>, String)> {
    std::fs::read_to_string(example())
        .unwrap()
        .lines()
        .map(|line| {
            let ocid = serde_json::from_str::<serde_json::Value>(line)
                .ok()
                .and_then(|value| value["ocid"].as_str().map(str::to_owned));
            (ocid, line.to_owned())
        })
        .collect()
}

/// The example's first `lines` lines (its first month), written into `dir` as part.jsonl.
pub fn example_head(dir: &Path, lines: usize) -> PathBuf {
    let head: Vec<String> = example_lines()
        .into_iter()
        .take(lines)
        .map(|(_, line)| line)
        .collect();
    let part = dir.join("part.jsonl");
    write_lines(&part, &head);
    part
}

/// Writes lines as a line-delimited JSON file.
pub fn write_lines(path: &Path, lines: &[String]) {
    std::fs::write(path, lines.join("\n") + "\n").unwrap();
}

/// The shared data folder: `REDFLAGS_SHARED` if set, else `../shared` next to the checkout.
fn shared() -> PathBuf {
    std::env::var_os("REDFLAGS_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared"))
}

/// A file or folder of the shared samples (`data/real`: the real publishers' samples as
/// published; `data/cardinal`: Cardinal's test fixtures; `schema/...`: the OCDS schema), when
/// they are there. In a clone without them, the test that needs one gets `None` and says on
/// standard error (past the test harness's capture, so that it shows) that it is skipped and
/// why: `let Some(real) = common::shared_sample("data/real") else { return };`. With
/// `REDFLAGS_REQUIRE_SHARED` set (as CI does), a missing sample fails the test instead.
pub fn shared_sample(relative: &str) -> Option<PathBuf> {
    use std::io::Write;
    let path = shared().join(relative);
    if path.exists() {
        return Some(path);
    }
    let test = std::thread::current().name().unwrap_or("a test").to_owned();
    let why = format!(
        "{test} needs the shared samples' {relative}, not found at {} (set REDFLAGS_SHARED to \
         the folder that holds data/ and schema/)",
        path.display()
    );
    assert!(
        std::env::var_os("REDFLAGS_REQUIRE_SHARED").is_none(),
        "{why}; REDFLAGS_REQUIRE_SHARED is set"
    );
    let _ = writeln!(std::io::stderr(), "skipped: {why}");
    None
}

/// A text column's values (held as text or numbered).
pub fn strings(frame: &polars::prelude::DataFrame, name: &str) -> Vec<Option<String>> {
    redflags::frames::as_text(frame.column(name).unwrap())
        .unwrap()
        .iter()
        .map(|value| value.map(str::to_owned))
        .collect()
}

/// The rows of a CSV file written by redflags (byte-order mark first), as header → value maps.
pub fn csv_rows(path: &Path) -> Vec<BTreeMap<String, String>> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let text = text
        .strip_prefix('\u{feff}')
        .expect("a byte-order mark for Excel");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|record| {
            headers
                .iter()
                .zip(record.unwrap().iter())
                .map(|(h, v)| (h.to_owned(), v.to_owned()))
                .collect()
        })
        .collect()
}

/// The frames of 1,000 generated processes of the baseline world.
pub fn generated_frames() -> redflags::frames::Frames {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("generated.jsonl");
    let mut file = std::fs::File::create(&data).unwrap();
    redflags::synthetic::write(&mut file, 1000, 5).unwrap();
    redflags::run::load(&[data.display().to_string()])
        .unwrap()
        .1
}

/// An indicator's outcome with settings (TOML) as the outputs write it: its processes with their
/// `ocid` and English evidence sentence, its organizations with theirs.
pub fn described_outcome(
    slug: &str,
    frames: &redflags::frames::Frames,
    settings: &str,
) -> redflags::indicators::Outcome {
    let settings: toml::Table = toml::from_str(settings).unwrap();
    let indicator = redflags::indicators::find(slug).unwrap();
    let mut outcome = indicator.run(frames, &settings).unwrap();
    let (metadata, english) = (
        indicator.metadata(),
        redflags::evidence::Language::english(),
    );
    let processes = outcome.processes_with_evidence(metadata, &english);
    outcome.processes = redflags::domain::with_ocids(&frames.processes, processes)
        .collect()
        .unwrap();
    outcome.organizations = outcome
        .organizations_with_evidence(metadata, &english)
        .collect()
        .unwrap();
    outcome
}

/// Writes rows as a CSV file, as a spreadsheet saves it (no byte-order mark).
pub fn write_rows(path: &Path, rows: &[BTreeMap<String, String>]) {
    let mut writer = csv::Writer::from_path(path).unwrap();
    let headers: Vec<&String> = rows[0].keys().collect();
    writer.write_record(&headers).unwrap();
    for row in rows {
        writer.write_record(row.values()).unwrap();
    }
    writer.flush().unwrap();
}

/// The rows of every sheet of a workbook, as text (calamine, as `reviews import` reads it).
pub fn sheets(path: &Path) -> Vec<(String, Vec<Vec<String>>)> {
    use calamine::Reader;
    let mut workbook = calamine::open_workbook_auto(path).unwrap();
    workbook
        .sheet_names()
        .into_iter()
        .map(|name| {
            let range = workbook.worksheet_range(&name).unwrap();
            let rows = range
                .rows()
                .map(|row| row.iter().map(|cell| cell.to_string()).collect())
                .collect();
            (name, rows)
        })
        .collect()
}

/// Writes sheets as an analyst's spreadsheet program saves them: every cell as text.
pub fn save_sheets(path: &Path, sheets: &[(String, Vec<Vec<String>>)]) {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    for (name, rows) in sheets {
        let sheet = workbook.add_worksheet();
        sheet.set_name(name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                if !cell.is_empty() {
                    sheet.write_string(r as u32, c as u16, cell).unwrap();
                }
            }
        }
    }
    workbook.save(path).unwrap();
}

/// Runs `score` on `input` with the settings `config`, writing to `out`, which must refuse the
/// settings (exit 2) before writing anything: what it said on standard error.
#[allow(dead_code)]
pub fn score_refused(input: &Path, config: &Path, out: &Path) -> String {
    let output = redflags()
        .arg("score")
        .arg(input)
        .arg("--config")
        .arg(config)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(!out.exists(), "{} written", out.display());
    String::from_utf8(output.stderr).unwrap()
}

/// The process-level flags of `indicator` in a run's `flags.csv` (ocid to evidence), and its
/// entry in `summary.json` (null when it did not run).
pub fn flags_of(out: &Path, indicator: &str) -> (BTreeMap<String, String>, serde_json::Value) {
    let flags = csv_rows(&out.join("flags.csv"))
        .into_iter()
        .filter(|row| row["indicator"] == indicator && row["level"] == "process")
        .map(|row| (row["ocid"].clone(), row["evidence"].clone()))
        .collect();
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let summary = summary["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["indicator"] == indicator)
        .cloned()
        .unwrap_or(serde_json::Value::Null);
    (flags, summary)
}

/// Scores `input` with the settings file `config` into `out` (emptied first), which it returns.
pub fn score_with_config(input: &Path, config: &Path, out: &Path) -> PathBuf {
    let _ = std::fs::remove_dir_all(out);
    redflags()
        .args(["-q", "score", "--out"])
        .arg(out)
        .arg("--config")
        .arg(config)
        .arg(input)
        .assert()
        .success();
    out.to_path_buf()
}

/// `redflags init --preset th` written into `dir`, and its settings as read.
pub fn thai_preset(dir: &Path) -> (PathBuf, redflags::config::Config) {
    let path = dir.join("th.toml");
    redflags()
        .args(["init", "--preset", "th"])
        .arg(&path)
        .assert()
        .success();
    let config = redflags::config::Config::load(&path).unwrap();
    (path, config)
}

/// Runs `score` with settings that must be refused before any input is read (exit 2), and
/// returns its standard error.
pub fn settings_refused(settings: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("settings.toml");
    std::fs::write(&config, settings).unwrap();
    let assert = redflags()
        .args(["score", "missing.jsonl", "--config"])
        .arg(&config)
        .args(["--out", dir.path().join("out").to_str().unwrap()])
        .assert()
        .code(2);
    String::from_utf8_lossy(&assert.get_output().stderr).into_owned()
}
