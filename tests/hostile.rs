//! Hostile and broken input, through the real binary: every unit accounted for, bounds that
//! refuse what would cost too much, outputs that are all-or-nothing and never mixed, and
//! cells that a spreadsheet will not run.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use flate2::Compression;
use flate2::write::GzEncoder;

mod common;
use common::{csv_rows, redflags};

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

fn summary(out: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(out.join("summary.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn score(inputs: &[&Path], config: Option<&Path>, out: &Path) {
    let mut command = redflags();
    command.arg("-q").arg("score");
    for input in inputs {
        command.arg(input);
    }
    if let Some(config) = config {
        command.arg("--config").arg(config);
    }
    command.arg("--out").arg(out).assert().success();
}

/// (file name, line, reason) of every rejection.
fn rejections(out: &Path) -> Vec<(String, Option<u64>, String)> {
    csv_rows(&out.join("rejected.csv"))
        .into_iter()
        .map(|row| {
            let name = Path::new(&row["source"])
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (name, row["line"].parse().ok(), row["reason"].clone())
        })
        .collect()
}

fn ocids(out: &Path) -> BTreeSet<String> {
    csv_rows(&out.join("contracts.csv"))
        .into_iter()
        .map(|row| row["ocid"].clone())
        .collect()
}

fn release(ocid: &str, date: &str, title: &str) -> String {
    format!(
        r#"{{"ocid":"{ocid}","id":"{ocid}-{date}","date":"{date}T00:00:00Z","tender":{{"id":"t","title":"{title}"}}}}"#
    )
}

#[test]
fn every_unit_of_a_mixed_corpus_is_scored_or_rejected_with_its_line_and_reason() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut lines: Vec<u8> = Vec::new();
    let mut push = |line: &[u8]| {
        lines.extend_from_slice(line);
        lines.push(b'\n');
    };
    push(release("ocds-m-1", "2024-01-01", "first").as_bytes()); // 1: valid
    push(b"{\"ocid\": \"ocds-m-2\", \"tender\": {"); // 2: truncated
    push(b""); // 3: blank
    push(b"{\"ocid\": nope}"); // 4: invalid JSON
    push(b"{\"ocid\":\"ocds-m-3\",\"tender\":{\"title\":\"\xff\xfe\"}}"); // 5: invalid UTF-8
    push(b"[{\"ocid\":\"ocds-m-4\"}, 7]"); // 6: an array: one release, one number
    push(b"{\"tender\":{\"id\":\"x\"}}"); // 7: no ocid
    push(release("ocds-m-1", "2024-02-01", "amended").as_bytes()); // 8: duplicate ocid
    push(b"   "); // 9: blank
    push(b"\"just text\""); // 10: a string
    push(release("ocds-m-5", "2024-01-01", "last").as_bytes()); // 11: valid
    let lines = write(d, "mixed.jsonl", &lines);
    let package = write(
        d,
        "package.json",
        format!(
            "{{\n\"uri\": \"x\",\n\"releases\": [\n{},\n[1],\n{{\"ocid\": null}},\n{}\n]\n}}\n",
            release("ocds-m-6", "2024-01-01", "in a package"),
            release("ocds-m-1", "2024-03-01", "again"),
        )
        .as_bytes(),
    );
    let compressed = write(
        d,
        "more.jsonl.gz",
        &gzip(
            format!(
                "{}\nnot json\n",
                release("ocds-m-7", "2024-01-01", "zipped")
            )
            .as_bytes(),
        ),
    );
    let out = d.join("out");
    score(&[&lines, &package, &compressed], None, &out);

    let rejected = rejections(&out);
    let expected: Vec<(&str, Option<u64>, &str)> = vec![
        ("mixed.jsonl", Some(2), "not JSON"),
        ("mixed.jsonl", Some(4), "not JSON"),
        ("mixed.jsonl", Some(5), "not JSON"),
        ("mixed.jsonl", Some(6), "not an object but a number"),
        ("mixed.jsonl", Some(7), "the release has no string `ocid`"),
        ("mixed.jsonl", Some(10), "not an object but a string"),
        ("package.json", None, "not an object but an array"),
        ("package.json", None, "the release has no string `ocid`"),
        ("more.jsonl.gz", Some(2), "not JSON"),
    ];
    assert_eq!(rejected.len(), expected.len(), "{rejected:#?}");
    for ((name, line, reason), (want_name, want_line, want_reason)) in
        rejected.iter().zip(&expected)
    {
        assert_eq!((name.as_str(), *line), (*want_name, *want_line), "{reason}");
        assert!(
            reason.starts_with(want_reason),
            "{reason} for {want_reason}"
        );
    }
    assert_eq!(
        ocids(&out),
        ["ocds-m-1", "ocds-m-4", "ocds-m-5", "ocds-m-6", "ocds-m-7"]
            .map(str::to_owned)
            .into()
    );
    // The accounting: what was read is what was accepted plus what was rejected, and the
    // accepted releases are the processes with their duplicates.
    let counts = &summary(&out)["counts"];
    let input = &counts["input"];
    let number = |value: &serde_json::Value| value.as_u64().unwrap();
    assert_eq!(number(&input["sources"]), 3);
    assert_eq!(number(&input["blank_lines"]), 2);
    assert_eq!(
        number(&input["entries"]) + number(&input["units_rejected"]),
        number(&input["entries_accepted"]) + rejected.len() as u64
    );
    assert_eq!(number(&input["entries_accepted"]), 7);
    assert_eq!(number(&counts["processes"]), 5);
    assert_eq!(number(&counts["rejected"]), rejected.len() as u64);
    // The process released three times is compiled from all three, latest last.
    let contracts = csv_rows(&out.join("contracts.csv"));
    let merged = contracts.iter().find(|r| r["ocid"] == "ocds-m-1").unwrap();
    assert_eq!(merged["title"], "again");
}

#[test]
fn deep_nesting_is_refused_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let deep = |depth: usize, field: &str| {
        format!(
            r#"{{"ocid":"ocds-d-{depth}-{field}","tender":{{"{field}":{}{}}}}}"#,
            "[".repeat(depth),
            "]".repeat(depth)
        )
    };
    let text = [
        deep(100_000, "items"),
        deep(100_000, "unknownField"),
        deep(20, "extension"),
        release("ocds-d-ok", "2024-01-01", "fine"),
    ]
    .join("\n");
    let input = write(d, "deep.jsonl", text.as_bytes());
    // The defaults: what the parser reads is refused beyond 128 levels; an unknown field is
    // skipped without recursion, however deep.
    let out = d.join("default");
    score(&[&input], None, &out);
    let rejected = rejections(&out);
    assert_eq!(rejected.len(), 1, "{rejected:?}");
    assert_eq!(rejected[0].1, Some(1));
    assert!(
        rejected[0]
            .2
            .starts_with("nested deeper than 128 levels at line 1 column")
    );
    assert!(rejected[0].2.contains("[limits] max_depth"));
    assert_eq!(ocids(&out).len(), 3);
    // A lower bound refuses any unit nested deeper.
    let config = write(d, "limits.toml", b"[limits]\nmax_depth = 16\n");
    let out = d.join("bounded");
    score(&[&input], Some(&config), &out);
    let lines: Vec<Option<u64>> = rejections(&out).iter().map(|r| r.1).collect();
    assert_eq!(lines, [Some(1), Some(2), Some(3)]);
    assert_eq!(ocids(&out), ["ocds-d-ok".to_owned()].into());
}

#[test]
fn a_line_past_the_bound_is_skipped_unread_and_the_next_ones_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut text = release("ocds-l-1", "2024-01-01", "before").into_bytes();
    text.extend_from_slice(b"\n{\"ocid\":\"ocds-l-2\",\"tender\":{\"title\":\"");
    text.extend(std::iter::repeat_n(b'x', 3 << 20));
    text.extend_from_slice(b"\"}}\n");
    text.extend_from_slice(release("ocds-l-3", "2024-01-01", "after").as_bytes());
    let input = write(d, "long.jsonl", &text);
    let config = write(d, "limits.toml", b"[limits]\nmax_line_bytes = 1048576\n");
    let out = d.join("out");
    score(&[&input], Some(&config), &out);
    let rejected = rejections(&out);
    assert_eq!(rejected.len(), 1);
    assert_eq!(rejected[0].1, Some(2));
    assert!(
        rejected[0]
            .2
            .starts_with("a line of 3145770 bytes, longer than 1048576"),
        "{}",
        rejected[0].2
    );
    assert_eq!(
        ocids(&out),
        ["ocds-l-1", "ocds-l-3"].map(str::to_owned).into()
    );
    // A document past its bound is refused whole, unread.
    let document = write(
        d,
        "document.json",
        format!(
            "{{\n\"releases\": [\n{}\n]\n}}\n",
            release("ocds-l-4", "2024-01-01", &"y".repeat(4096))
        )
        .as_bytes(),
    );
    let config = write(d, "small.toml", b"[limits]\nmax_document_bytes = 1000\n");
    let out = d.join("document");
    score(&[&document, &input], Some(&config), &out);
    let rejected = rejections(&out);
    assert_eq!(rejected[0].0, "document.json");
    assert!(rejected[0].2.contains("larger than 1000 bytes"));
    assert_eq!(ocids(&out).len(), 3);
}

#[test]
fn a_gzip_bomb_is_refused_and_what_came_before_it_kept() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // 128 MiB of spaces after one release: a few hundred kilobytes compressed.
    let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
    writeln!(encoder, "{}", release("ocds-g-1", "2024-01-01", "kept")).unwrap();
    let block = vec![b' '; 1 << 20];
    for _ in 0..128 {
        encoder.write_all(&block).unwrap();
    }
    let compressed = encoder.finish().unwrap();
    assert!(compressed.len() < 512 << 10, "{}", compressed.len());
    let bomb = write(d, "bomb.jsonl.gz", &compressed);
    let other = write(
        d,
        "other.jsonl",
        release("ocds-g-2", "2024-01-01", "next").as_bytes(),
    );
    let out = d.join("out");
    score(&[&bomb, &other], None, &out);
    let rejected = rejections(&out);
    assert_eq!(rejected.len(), 1);
    assert_eq!(rejected[0].0, "bomb.jsonl.gz");
    assert!(
        rejected[0].2.contains("refused as a likely gzip bomb")
            && rejected[0].2.contains("max_gzip_ratio"),
        "{}",
        rejected[0].2
    );
    assert_eq!(
        ocids(&out),
        ["ocds-g-1", "ocds-g-2"].map(str::to_owned).into()
    );
}

#[test]
fn an_array_past_the_bound_refuses_its_unit() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let items: Vec<String> = (0..50).map(|n| format!(r#"{{"id":"{n}"}}"#)).collect();
    let text = format!(
        "{{\"ocid\":\"ocds-a-1\",\"tender\":{{\"items\":[{}]}}}}\n{}\n",
        items.join(","),
        release("ocds-a-2", "2024-01-01", "few")
    );
    let input = write(d, "arrays.jsonl", text.as_bytes());
    let config = write(d, "limits.toml", b"[limits]\nmax_array_elements = 10\n");
    for command in ["score", "check"] {
        let out = d.join(command);
        redflags()
            .args(["-q", command])
            .arg(&input)
            .arg("--config")
            .arg(&config)
            .arg("--out")
            .arg(&out)
            .assert()
            .success();
        if command == "score" {
            let rejected = rejections(&out);
            assert_eq!(rejected.len(), 1);
            assert_eq!(rejected[0].1, Some(1));
            assert!(rejected[0].2.contains("more than 10 elements"));
            assert_eq!(ocids(&out), ["ocds-a-2".to_owned()].into());
        }
    }
    // Settings out of range are refused before anything is read.
    let bad = write(d, "bad.toml", b"[limits]\nmax_depth = 1000\n");
    redflags()
        .args(["score"])
        .arg(&input)
        .arg("--config")
        .arg(&bad)
        .arg("--out")
        .arg(d.join("bad"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("limits.max_depth"));
}

/// The files in a folder, hidden ones included, with their contents.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap())
        .filter(|entry| entry.file_type().unwrap().is_file())
        .map(|entry| {
            let name = entry.file_name().into_string().unwrap();
            (name, std::fs::read(entry.path()).unwrap())
        })
        .collect();
    files.sort();
    files
}

/// The hidden files and folders in a folder (a staging folder left behind would be one).
fn hidden(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.starts_with('.'))
        .collect()
}

#[test]
fn a_run_replaces_the_previous_runs_files_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let input = write(
        d,
        "a.jsonl",
        release("ocds-r-1", "2024-01-01", "one").as_bytes(),
    );
    let out = d.join("out");
    std::fs::create_dir(&out).unwrap();
    let notes = write(&out, "notes.txt", b"the auditor's own notes");
    // `frames` writes its tables; `score` into the same folder then replaces them.
    redflags()
        .args(["-q", "frames"])
        .arg(&input)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    assert!(out.join("bids.parquet").is_file());
    score(&[&input], None, &out);
    let names: BTreeSet<String> = snapshot(&out).into_iter().map(|(name, _)| name).collect();
    assert!(!names.contains("bids.parquet"), "{names:?}");
    assert!(names.contains("contracts.csv") && names.contains("manifest.json"));
    assert_eq!(std::fs::read(&notes).unwrap(), b"the auditor's own notes");
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    let listed: BTreeSet<String> = manifest["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["file"].as_str().unwrap().to_owned())
        .collect();
    let expected: BTreeSet<String> = names
        .iter()
        .filter(|name| *name != "manifest.json" && *name != "notes.txt")
        .cloned()
        .collect();
    assert_eq!(listed, expected);

    // A run that fails leaves the previous outputs as they were, and no partial file.
    let before = snapshot(&out);
    std::fs::remove_file(out.join("flags.csv")).unwrap();
    std::fs::create_dir(out.join("flags.csv")).unwrap();
    let other = write(
        d,
        "b.jsonl",
        release("ocds-r-2", "2024-01-01", "two").as_bytes(),
    );
    redflags()
        .args(["-q", "score"])
        .arg(&other)
        .arg("--out")
        .arg(&out)
        .assert()
        .failure()
        .stderr(predicates::str::contains(
            "a folder of that name is in the way",
        ));
    let after = snapshot(&out);
    let without_flags: Vec<_> = before
        .into_iter()
        .filter(|(n, _)| n != "flags.csv")
        .collect();
    assert_eq!(after, without_flags);
    assert_eq!(hidden(&out), Vec::<String>::new());
}

#[test]
fn a_killed_run_leaves_the_previous_outputs_whole() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let small = write(
        d,
        "small.jsonl",
        release("ocds-k-1", "2024-01-01", "small").as_bytes(),
    );
    let big = d.join("big.jsonl");
    redflags()
        .args([
            "-q",
            "generate",
            "--processes",
            "20000",
            "--seed",
            "3",
            "--out",
        ])
        .arg(&big)
        .assert()
        .success();
    let out = d.join("out");
    score(&[&small], None, &out);
    let before = snapshot(&out);
    // Killed at whatever point it has reached, the run leaves the old outputs untouched...
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("redflags"))
        .args(["-q", "score"])
        .arg(&big)
        .arg("--out")
        .arg(&out)
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let finished = child.try_wait().unwrap().is_some();
    child.kill().unwrap();
    child.wait().unwrap();
    if !finished {
        assert_eq!(snapshot(&out), before);
    }
    // ... and the next run cleans up what the killed one staged.
    score(&[&small], None, &out);
    assert_eq!(hidden(&out), Vec::<String>::new());
    assert_eq!(ocids(&out), ["ocds-k-1".to_owned()].into());
}

#[test]
fn no_csv_cell_from_the_input_can_run_as_a_formula() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let attacks = [
        "=HYPERLINK(\\\"http://evil.example\\\",\\\"x\\\")",
        "+cmd|' /C calc'!A0",
        "-2+3+cmd|' /C calc'!A0",
        "@SUM(1+1)*cmd|' /C calc'!A0",
        "\\t=1+1",
        "\\r=1+1",
    ];
    let mut text = String::new();
    for (n, attack) in attacks.iter().enumerate() {
        text.push_str(&format!(
            r#"{{"ocid":"{attack}-{n}","date":"2024-05-01T00:00:00Z","buyer":{{"id":"{attack}","name":"{attack}"}},"tender":{{"id":"t","title":"{attack}","procurementMethod":"open","numberOfTenderers":1,"tenderPeriod":{{"startDate":"2024-04-01T00:00:00Z","endDate":"2024-04-02T00:00:00Z"}}}},"awards":[{{"id":"a","status":"active","suppliers":[{{"id":"{attack}","name":"{attack}"}}]}}]}}"#
        ));
        text.push('\n');
    }
    text.push_str("=1+1 not json\n");
    let input = write(d, "attacks.jsonl", text.as_bytes());
    let out = d.join("out");
    score(&[&input], None, &out);
    let mut cells = 0;
    for entry in std::fs::read_dir(&out).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "csv") {
            continue;
        }
        for row in csv_rows(&path) {
            for (column, value) in row {
                cells += 1;
                let risky = value
                    .trim_start_matches(['\t', '\r', ' '])
                    .starts_with(['=', '+', '-', '@']);
                let number = value.parse::<f64>().is_ok();
                assert!(
                    (!risky || number) && !value.starts_with(['\t', '\r']),
                    "{}: {column} = {value:?}",
                    path.display()
                );
            }
        }
    }
    assert!(cells > 100);
    // The text is kept, behind the neutralizing quote.
    let contracts = csv_rows(&out.join("contracts.csv"));
    assert!(
        contracts
            .iter()
            .any(|row| row["title"] == "'+cmd|' /C calc'!A0")
    );
}

#[test]
fn every_rejection_reason_has_a_thai_sentence() {
    // One input of each kind the ingest rejects, and the reasons in Thai beside the English.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut lines: Vec<u8> = Vec::new();
    for line in [
        &b"{\"ocid\":\"ocds-m-1\"}"[..],
        b"{\"ocid\": \"ocds-m-2\", \"tender\": {",
        b"{\"ocid\": nope}",
        b"{\"ocid\":\"ocds-m-3\",\"tender\":{\"title\":\"\xff\xfe\"}}",
        b"[{\"ocid\":\"ocds-m-4\"}, 7, true, null, \"x\", []]",
        b"{\"tender\":{\"id\":\"x\"}}",
        b"{\"records\":[{\"ocid\":\"r\"}, {\"releases\":[]}]}",
        b"{\"ocid\":\"ocds-m-5\"} trailing",
        b"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
        b"{\"ocid\":\"ocds-m-6\",\"awards\":[1,2,3,4,5]}",
        b"{\"ocid\":\"ocds-m-7\",\"tender\":{\"id\":\"a long line past the bound of the settings\"}}",
    ] {
        lines.extend_from_slice(line);
        lines.push(b'\n');
    }
    let mixed = write(d, "mixed.jsonl", &lines);
    let empty = write(d, "empty.json", b"");
    let bomb = write(d, "bomb.jsonl.gz", &gzip(&vec![b' '; 8 << 20]));
    let config = write(
        d,
        "limits.toml",
        b"[limits]\nmax_array_elements = 4\nmax_line_bytes = 70\nmax_gzip_ratio = 2\ngzip_allowance_bytes = 1024\n",
    );
    let (en, th) = (d.join("en"), d.join("th"));
    let inputs = [mixed.as_path(), &empty, &bomb];
    score(&inputs, Some(&config), &en);
    let mut command = redflags();
    command.args(["-q", "score", "--lang", "th"]);
    for input in inputs {
        command.arg(input);
    }
    command
        .arg("--config")
        .arg(&config)
        .arg("--out")
        .arg(&th)
        .assert()
        .success();
    let translator = redflags::sentences::Translator::new(redflags::evidence::Language::new(
        redflags::locale::Lang::Th,
        redflags::locale::Calendar::Buddhist,
    ));
    let (english, thai) = (rejections(&en), rejections(&th));
    assert!(english.len() >= 12, "{english:#?}");
    assert_eq!(english.len(), thai.len());
    for ((name, line, reason), thai) in english.iter().zip(&thai) {
        let translated = translator
            .translated(reason)
            .unwrap_or_else(|| panic!("no Thai sentence for {reason:?}"));
        assert_eq!((name, line, &translated), (&thai.0, &thai.1, &thai.2));
    }
}
