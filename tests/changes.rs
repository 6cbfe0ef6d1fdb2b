//! What changed since a previous run (`score --previous DIR`), through the real binary: the
//! same input gives no change; a second month of data marks the extra processes new, keeps the
//! flags that no longer fire as cleared, and the processes that left the data as gone.

use std::collections::BTreeMap;
use std::path::Path;

use polars::prelude::{ParquetReader, SerReader};

mod common;

use common::{csv_rows, example, example_head, example_lines, redflags, write_lines};

/// Scores `input` into `out` with `args`; asserts success.
fn score(input: &Path, out: &Path, args: &[&str]) {
    redflags()
        .arg("score")
        .arg(input)
        .arg("--out")
        .arg(out)
        .args(args)
        .assert()
        .success();
}

fn summary(out: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap()
}

/// How many rows of a table have each `change`.
fn tally(rows: &[BTreeMap<String, String>]) -> BTreeMap<String, u64> {
    let mut counts = BTreeMap::new();
    for row in rows {
        *counts.entry(row["change"].clone()).or_default() += 1;
    }
    counts
}

/// A second run over the same input and settings, compared with the first, finds nothing
/// changed: in the same language, in another one (the first run's evidence read in its own
/// language), from the Parquet twins, and with the output folder as its own previous run.
#[test]
fn the_same_input_gives_no_change() {
    let dir = tempfile::tempdir().unwrap();
    let (first, second) = (dir.path().join("first"), dir.path().join("second"));
    score(&example(), &first, &[]);
    // Without --previous: no change column, no changes file.
    let header = csv_rows(&first.join("contracts.csv"));
    assert!(!header[0].contains_key("change"));
    assert!(!first.join("changes.csv").exists());
    assert!(summary(&first).get("changes").is_none());

    let no_change = |out: &Path| {
        let contracts = csv_rows(&out.join("contracts.csv"));
        let flags = csv_rows(&out.join("flags.csv"));
        assert!(!flags.is_empty());
        assert_eq!(
            tally(&contracts),
            BTreeMap::from([("unchanged".to_owned(), contracts.len() as u64)])
        );
        assert_eq!(
            tally(&flags),
            BTreeMap::from([("unchanged".to_owned(), flags.len() as u64)])
        );
        assert!(csv_rows(&out.join("changes.csv")).is_empty());
        let changes = &summary(out)["changes"];
        assert_eq!(changes["processes"]["unchanged"], contracts.len());
        assert_eq!(changes["flags"]["unchanged"], flags.len());
        for kind in ["new", "changed_score", "cleared", "gone"] {
            assert_eq!(changes["processes"][kind], 0, "{kind}");
        }
        for kind in ["new", "changed", "cleared"] {
            assert_eq!(changes["flags"][kind], 0, "{kind}");
        }
    };
    let previous = first.display().to_string();
    score(&example(), &second, &["--previous", &previous]);
    no_change(&second);
    // The other columns are those of the run without --previous.
    let plain = csv_rows(&first.join("flags.csv"));
    let marked = csv_rows(&second.join("flags.csv"));
    for (plain, marked) in plain.iter().zip(&marked) {
        let mut marked = marked.clone();
        marked.remove("change");
        assert_eq!(plain, &marked);
    }

    // In Thai, against English evidence; then English against Thai.
    let thai = dir.path().join("thai");
    score(
        &example(),
        &thai,
        &["--previous", &previous, "--lang", "th"],
    );
    no_change(&thai);
    let english = dir.path().join("english");
    let thai_run = thai.display().to_string();
    score(&example(), &english, &["--previous", &thai_run]);
    no_change(&english);

    // From the Parquet twins alone.
    let parquet_only = dir.path().join("parquet_only");
    std::fs::create_dir(&parquet_only).unwrap();
    for table in ["contracts", "flags"] {
        let name = format!("{table}.parquet");
        std::fs::copy(first.join(&name), parquet_only.join(&name)).unwrap();
    }
    let third = dir.path().join("third");
    score(
        &example(),
        &third,
        &["--previous", &parquet_only.display().to_string()],
    );
    no_change(&third);

    // The output folder as its own previous run: read before it is replaced.
    score(&example(), &first, &["--previous", &previous]);
    no_change(&first);
}

/// Month 1 scores part of the data; month 2 has more processes, one process lost the bids that
/// made it a single bidder and another left the data.
#[test]
fn a_second_month_marks_new_cleared_and_gone() {
    let dir = tempfile::tempdir().unwrap();
    let lines = example_lines();
    let month1_lines: Vec<String> = lines[..30].iter().map(|(_, line)| line.clone()).collect();
    let month1_input = dir.path().join("month1.jsonl");
    write_lines(&month1_input, &month1_lines);
    let month1 = dir.path().join("month1");
    score(&month1_input, &month1, &[]);
    let before_contracts = csv_rows(&month1.join("contracts.csv"));
    let before_flags = csv_rows(&month1.join("flags.csv"));

    // A process whose only flag is single bidding, and another flagged process to drop.
    let single = before_contracts
        .iter()
        .find(|row| row["flags"] == "single_bid")
        .expect("a process flagged for single bidding only")["ocid"]
        .clone();
    let gone = before_contracts
        .iter()
        .find(|row| row["ocid"] != single && !row["flags"].is_empty())
        .unwrap()["ocid"]
        .clone();
    let month2_lines: Vec<String> = lines
        .iter()
        .filter(|(ocid, _)| ocid.as_deref() != Some(gone.as_str()))
        .map(|(ocid, line)| {
            if ocid.as_deref() != Some(single.as_str()) {
                return line.clone();
            }
            let mut release: serde_json::Value = serde_json::from_str(line).unwrap();
            let release = release.as_object_mut().unwrap();
            release.remove("bids");
            if let Some(tender) = release.get_mut("tender").and_then(|t| t.as_object_mut()) {
                tender.remove("numberOfTenderers");
            }
            serde_json::to_string(&release).unwrap()
        })
        .collect();
    let month2_input = dir.path().join("month2.jsonl");
    write_lines(&month2_input, &month2_lines);
    let month2 = dir.path().join("month2");
    score(
        &month2_input,
        &month2,
        &["--previous", &month1.display().to_string()],
    );

    let contracts = csv_rows(&month2.join("contracts.csv"));
    let flags = csv_rows(&month2.join("flags.csv"));
    let changes = csv_rows(&month2.join("changes.csv"));
    let earlier: BTreeMap<&str, &BTreeMap<String, String>> = before_contracts
        .iter()
        .map(|row| (row["ocid"].as_str(), row))
        .collect();
    // Every process not in month 1 is new, and so is each of its flags.
    let new: Vec<&str> = contracts
        .iter()
        .filter(|row| !earlier.contains_key(row["ocid"].as_str()))
        .map(|row| row["ocid"].as_str())
        .collect();
    assert!(new.len() > 10, "{new:?}");
    for row in &contracts {
        let is_new = new.contains(&row["ocid"].as_str());
        assert_eq!(row["change"] == "new", is_new, "{}", row["ocid"]);
    }
    for flag in &flags {
        if new.contains(&flag["ocid"].as_str()) {
            assert_eq!(flag["change"], "new");
        }
    }
    // The former single bidder: its process and its flag cleared, the flag kept with its
    // evidence as month 1 wrote it.
    let process = contracts.iter().find(|row| row["ocid"] == single).unwrap();
    assert_eq!(process["change"], "cleared");
    assert_eq!(process["flags"], "");
    assert!(!flags.iter().any(|flag| flag["ocid"] == single));
    let was = before_flags
        .iter()
        .find(|flag| flag["ocid"] == single && flag["indicator"] == "single_bid")
        .unwrap();
    let kept = changes
        .iter()
        .find(|row| row["ocid"] == single && row["indicator"] == "single_bid")
        .expect("the cleared flag in changes.csv");
    assert_eq!(kept["change"], "cleared");
    assert_eq!(kept["evidence_before"], was["evidence"]);
    let row = changes
        .iter()
        .find(|row| row["ocid"] == single && row["indicator"].is_empty())
        .unwrap();
    assert_eq!(
        (row["change"].as_str(), row["flags_before"].as_str()),
        ("cleared", "single_bid")
    );
    // The process that left the data: gone, with every flag it had, cleared.
    assert!(!contracts.iter().any(|row| row["ocid"] == gone));
    let of_gone: Vec<&BTreeMap<String, String>> =
        changes.iter().filter(|row| row["ocid"] == gone).collect();
    assert_eq!(of_gone[0]["change"], "gone");
    assert_eq!(
        of_gone[0]["risk_score_before"],
        earlier[gone.as_str()]["risk_score"]
    );
    let gone_flags = before_flags.iter().filter(|f| f["ocid"] == gone).count();
    assert_eq!(of_gone.len(), 1 + gone_flags);
    assert!(of_gone[1..].iter().all(|row| row["change"] == "cleared"));

    // The summary counts what the tables mark; changes.csv lists everything not unchanged.
    let counted = &summary(&month2)["changes"];
    for (kind, count) in tally(&contracts) {
        assert_eq!(counted["processes"][&kind], count, "processes {kind}");
    }
    for (kind, count) in tally(&flags) {
        assert_eq!(counted["flags"][&kind], count, "flags {kind}");
    }
    let listed = tally(&changes);
    // changes.parquet holds the same rows: written as CSV, it is changes.csv.
    let file = std::fs::File::open(month2.join("changes.parquet")).unwrap();
    let twin = ParquetReader::new(file).finish().unwrap();
    let mut written = Vec::new();
    redflags::output::write_csv(&mut written, &twin).unwrap();
    assert_eq!(written, std::fs::read(month2.join("changes.csv")).unwrap());
    assert_eq!(counted["processes"]["gone"], 1);
    assert_eq!(
        counted["flags"]["cleared"],
        changes
            .iter()
            .filter(|row| !row["indicator"].is_empty() && row["change"] == "cleared")
            .count()
    );
    assert!(!listed.contains_key("unchanged"));
    let not_unchanged = contracts.len() + flags.len()
        - tally(&contracts).get("unchanged").copied().unwrap_or(0) as usize
        - tally(&flags).get("unchanged").copied().unwrap_or(0) as usize;
    let gone_and_cleared = changes
        .iter()
        .filter(|row| {
            row["change"] == "gone" || (row["change"] == "cleared" && !row["indicator"].is_empty())
        })
        .count();
    assert_eq!(changes.len(), not_unchanged + gone_and_cleared);
}

/// The report opens with what is new, in English and in Thai; the workbook gets the change
/// column and a sheet of the changes.
#[test]
fn the_report_opens_with_what_is_new() {
    let dir = tempfile::tempdir().unwrap();
    let part = example_head(dir.path(), 30);
    let first = dir.path().join("first");
    score(&part, &first, &[]);
    let previous = first.display().to_string();
    for (lang, heading) in [
        ("en", "What is new since the previous run"),
        ("th", "สิ่งที่เปลี่ยนไปนับจากการประมวลผลครั้งก่อน"),
    ] {
        let out = dir.path().join(lang);
        let html = dir.path().join(format!("{lang}.html"));
        let xlsx = dir.path().join(format!("{lang}.xlsx"));
        score(
            &example(),
            &out,
            &[
                "--previous",
                &previous,
                "--lang",
                lang,
                "--report",
                &html.display().to_string(),
                "--xlsx",
                &xlsx.display().to_string(),
            ],
        );
        let page = std::fs::read_to_string(&html).unwrap();
        let section = page
            .find(r#"<section id="changes">"#)
            .expect("the changes section");
        assert!(section < page.find(r#"<section id="overview">"#).unwrap());
        assert!(page[section..].contains(heading));
        // The new processes with flags are listed, riskiest first.
        let new_flagged = csv_rows(&out.join("contracts.csv"))
            .into_iter()
            .filter(|row| row["change"] == "new" && !row["flags"].is_empty())
            .count();
        assert!(new_flagged > 0);
        let end = section + page[section..].find("</section>").unwrap();
        let listed = page[section..end].matches("ocds-example-bkk-").count();
        assert!(listed >= new_flagged, "{listed} < {new_flagged}");
        // The workbook: a change column, and the changes sheet.
        let mut archive = zip::ZipArchive::new(std::fs::File::open(&xlsx).unwrap()).unwrap();
        let mut sheets = String::new();
        for i in 0..archive.len() {
            let mut file = archive.by_index(i).unwrap();
            if file.name().unwrap().starts_with("xl/") {
                std::io::Read::read_to_string(&mut file, &mut sheets).unwrap();
            }
        }
        assert!(sheets.contains("<t>change</t>"));
        assert!(sheets.contains("changed_score"));
    }
}

/// Scores the example with `--previous previous`: the exit code and standard error.
fn refused(previous: &Path, out: &Path) -> (Option<i32>, String) {
    let output = redflags()
        .arg("score")
        .arg(example())
        .arg("--out")
        .arg(out)
        .arg("--previous")
        .arg(previous)
        .output()
        .unwrap();
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// A folder that is not a run's output is refused before anything is read, naming what is
/// missing.
#[test]
fn a_folder_that_is_not_a_run_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let (code, message) = refused(&dir.path().join("missing"), &out);
    assert_eq!(code, Some(2));
    assert!(message.contains("missing"), "{message}");
    assert!(message.contains("not a folder"), "{message}");

    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let (code, message) = refused(&empty, &out);
    assert_eq!(code, Some(2));
    assert!(message.contains("contracts.csv"), "{message}");
    assert!(!out.exists(), "nothing is written");

    // A contracts.csv that is not a run's.
    std::fs::write(empty.join("contracts.csv"), "id,name\n1,a\n").unwrap();
    let (code, message) = refused(&empty, &out);
    assert_eq!(code, Some(2));
    assert!(
        message.contains("contracts.csv") && message.contains("no column ocid"),
        "{message}"
    );
}
