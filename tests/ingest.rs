//! Ingest: every published form, merging, leniency, rejections and the accounting.

use std::io::Write;
use std::path::{Path, PathBuf};

use flate2::Compression;
use flate2::write::GzEncoder;
use redflags::ingest::{Ingested, ingest};

mod common;

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn gzip(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    let mut encoder = GzEncoder::new(std::fs::File::create(&path).unwrap(), Compression::fast());
    encoder.write_all(text.as_bytes()).unwrap();
    encoder.finish().unwrap();
    path
}

fn ocids(ingested: &Ingested) -> Vec<&str> {
    ingested
        .releases
        .iter()
        .map(|release| release.ocid.str().unwrap())
        .collect()
}

fn run(paths: &[PathBuf]) -> Ingested {
    let inputs: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    ingest(&inputs).unwrap()
}

#[test]
fn every_published_form_is_read_from_its_content() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let paths = [
        // Line-delimited releases, named .json: content decides.
        write(
            d,
            "lines.json",
            "{\"ocid\":\"a\",\"date\":\"2024-01-01\",\"tender\":{\"title\":\"old\"}}\n\n\
             {\"ocid\":\"b\"}\n",
        ),
        // A pretty-printed release package.
        write(
            d,
            "package.json",
            "{\n  \"uri\": \"x\",\n  \"releases\": [\n    {\"ocid\": \"c\"},\n    {\"ocid\": \"d\"}\n  ]\n}\n",
        ),
        // A record package with a compiled release and one with embedded releases only.
        write(
            d,
            "records.json",
            r#"{"records":[{"ocid":"e","compiledRelease":{"ocid":"e"}},
                {"ocid":"f","releases":[{"ocid":"f","date":"1","tender":{"id":"t"}}]}]}"#,
        ),
        // A single release, an array of releases, gzip without a telling name.
        write(d, "single.txt", "{\"ocid\":\"g\"}"),
        write(d, "array.json", "[{\"ocid\":\"h\"},{\"ocid\":\"i\"}]"),
        gzip(
            d,
            "compressed.data",
            "{\"ocid\":\"a\",\"date\":\"2024-02-01\",\"tender\":{\"title\":\"new\"}}\n{\"ocid\":\"j\"}\n",
        ),
    ];
    let ingested = run(&paths);
    assert_eq!(
        ocids(&ingested),
        ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"]
    );
    assert!(
        ingested.intake.rejected.is_empty(),
        "{:?}",
        ingested.intake.rejected
    );
    // The two releases of `a` were merged in date order.
    let tender = ingested.releases[0].tender.get().unwrap();
    assert_eq!(tender.title.str(), Some("new"));
    let counts = &ingested.intake.counts;
    assert_eq!(counts.sources, 6);
    assert_eq!(counts.entries, 11);
    assert_eq!(counts.entries_accepted, 11);
    assert_eq!(counts.processes, 10);
    assert_eq!(counts.blank_lines, 1);
}

#[test]
fn bad_input_is_rejected_with_source_line_and_reason_and_the_run_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let lines = write(
        d,
        "lines.jsonl",
        "{\"ocid\":\"ok-1\"}\n\
         {\"ocid\": truncated\n\
         [1, 2]\n\
         {\"id\": \"no ocid\"}\n\
         {\"ocid\": 42}\n\
         {\"ocid\":\"ok-2\"}\n",
    );
    let html = write(
        d,
        "error.json",
        "<!DOCTYPE html>\n<html><body>502</body></html>\n",
    );
    let empty = write(d, "empty.json", "\n");
    let package = write(
        d,
        "package.json",
        r#"{"releases":[{"ocid":"ok-3"},"text",{"tender":{}}]}"#,
    );
    let ingested = run(&[lines.clone(), html.clone(), empty, package]);
    assert_eq!(ocids(&ingested), ["ok-1", "ok-2", "ok-3"]);
    let rejected: Vec<_> = ingested
        .intake
        .rejected
        .iter()
        .map(|r| {
            (
                Path::new(&r.source).file_name().unwrap().to_str().unwrap(),
                r.line,
                r.location.as_deref(),
                r.reason.split(':').next().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        rejected,
        [
            ("lines.jsonl", Some(2), None, "not JSON"),
            (
                "lines.jsonl",
                Some(3),
                Some("[0]"),
                "not an object but a number"
            ),
            (
                "lines.jsonl",
                Some(3),
                Some("[1]"),
                "not an object but a number"
            ),
            (
                "lines.jsonl",
                Some(4),
                None,
                "the release has no string `ocid`"
            ),
            (
                "lines.jsonl",
                Some(5),
                None,
                "the release has no string `ocid`"
            ),
            ("error.json", Some(1), None, "not JSON"),
            ("empty.json", None, None, "empty"),
            // A one-line package is read as line-delimited JSON: its line is known.
            (
                "package.json",
                Some(1),
                Some("releases[1]"),
                "not an object but a string"
            ),
            (
                "package.json",
                Some(1),
                Some("releases[2]"),
                "the release has no string `ocid`"
            ),
        ]
    );
    let counts = &ingested.intake.counts;
    // Everything is accounted for: accepted entries plus rejections make the input.
    assert_eq!(
        counts.entries_accepted + ingested.intake.rejected.len() as u64,
        counts.input()
    );
    assert_eq!(counts.units_rejected, 3);
    assert_eq!(counts.processes, 3);
}

#[test]
fn a_missing_path_is_an_error_before_anything_is_read() {
    let error = ingest(&["/no/such/file.jsonl".to_owned()]).unwrap_err();
    assert!(error.to_string().contains("/no/such/file.jsonl"));
}

#[test]
fn directories_are_read_recursively_in_name_order_by_extension() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("sub")).unwrap();
    write(d, "b.jsonl", "{\"ocid\":\"2\"}\n");
    write(&d.join("sub"), "a.json", "{\"ocid\":\"1\"}");
    gzip(d, "c.jsonl.gz", "{\"ocid\":\"3\"}\n");
    write(d, "notes.txt", "not OCDS");
    let ingested = ingest(&[d.display().to_string()]).unwrap();
    assert_eq!(ocids(&ingested), ["1", "2", "3"]);
    let names: Vec<_> = ingested
        .intake
        .sources
        .iter()
        .map(|s| {
            Path::new(s)
                .file_name()
                .unwrap()
                .to_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(names, ["b.jsonl", "c.jsonl.gz", "a.json"]);
}

#[test]
fn every_real_sample_is_ingested_and_accounted_for() {
    let Some(real) = common::shared_sample("data/real") else {
        return;
    };
    let ingested = ingest(&[real.display().to_string()]).unwrap();
    let files = walkdir::WalkDir::new(&real)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter(|e| {
            let name = e.file_name().to_string_lossy();
            name.ends_with(".json") || name.ends_with(".jsonl") || name.ends_with(".gz")
        })
        .count();
    assert_eq!(ingested.intake.counts.sources as usize, files);
    let counts = &ingested.intake.counts;
    assert_eq!(
        counts.entries_accepted + ingested.intake.rejected.len() as u64,
        counts.input()
    );
    // One compiled release per distinct ocid, in ocid order, none lost.
    let found = ocids(&ingested);
    let mut sorted = found.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(found, sorted);
    assert_eq!(found.len() as u64, counts.processes);
    for publisher in [
        "colombia",
        "moldova",
        "nigeria",
        "paraguay",
        "uk-contracts-finder",
        "ukraine",
    ] {
        let path = real.join(publisher).display().to_string();
        let one = ingest(&[path]).unwrap();
        assert!(
            one.intake.counts.processes > 0,
            "{publisher}: no process read; rejected: {:?}",
            one.intake.rejected
        );
    }
    // The samples' defects: three empty files, and two records that only link to their
    // releases (a URL, no data) and have no compiled release. Nothing else is rejected.
    let rejected: Vec<(String, Option<&str>, &str)> = ingested
        .intake
        .rejected
        .iter()
        .map(|r| {
            let file = Path::new(&r.source).file_name().unwrap().to_string_lossy();
            (
                file.into_owned(),
                r.ocid.as_deref(),
                r.reason.split(':').next().unwrap(),
            )
        })
        .collect();
    let no_data = "the record has no `compiledRelease` and no embedded releases to merge";
    assert_eq!(
        rejected,
        [
            ("283826.json".to_owned(), None, "empty"),
            ("283906.json".to_owned(), None, "empty"),
            (
                "284437.json".to_owned(),
                Some("ocds-03ad3f-284437"),
                no_data
            ),
            (
                "284453.json".to_owned(),
                Some("ocds-03ad3f-284453"),
                no_data
            ),
            ("284456.json".to_owned(), None, "empty"),
        ]
    );
    assert_eq!(counts.processes, 118);
}
