//! A line of a gigabyte, streamed through standard input, is refused without being held in
//! memory. (Alone in their test binary: the tests read the largest peak memory of this
//! process's children, which each child's must keep within the bound.)

use std::io::Write;
use std::process::{Command, Stdio};

mod common;
use common::csv_rows;

/// The largest peak resident memory among the waited-for children, in bytes.
fn children_peak_memory() -> u64 {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage fills the structure it is given.
    let usage = unsafe {
        assert_eq!(
            libc::getrusage(libc::RUSAGE_CHILDREN, usage.as_mut_ptr()),
            0
        );
        usage.assume_init()
    };
    usage.ru_maxrss as u64 * 1024
}

/// Streams a gigabyte line through standard input after `before` (whole lines), then one
/// process; checks that the line, the `line`th, is refused, that the processes `kept` are
/// scored, and that no child of this process ever held the line.
fn a_gigabyte_line_is_refused(before: &[u8], line: &str, kept: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("redflags"))
        .args(["-q", "score", "-", "--out"])
        .arg(&out)
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(before).unwrap();
    stdin
        .write_all(b"{\"ocid\":\"ocds-h-1\",\"tender\":{\"title\":\"")
        .unwrap();
    let block = vec![b'x'; 1 << 20];
    for _ in 0..1024 {
        stdin.write_all(&block).unwrap();
    }
    stdin.write_all(b"\"}}\n{\"ocid\":\"ocds-h-2\"}\n").unwrap();
    drop(stdin);
    assert!(child.wait().unwrap().success());
    let rejected = csv_rows(&out.join("rejected.csv"));
    assert_eq!(rejected.len(), 1);
    assert_eq!(rejected[0]["line"], line);
    assert!(rejected[0]["reason"].contains("max_line_bytes"));
    let contracts = csv_rows(&out.join("contracts.csv"));
    let ocids: Vec<&str> = contracts.iter().map(|row| row["ocid"].as_str()).collect();
    assert_eq!(ocids, kept);
    // At most the line bound (256 MiB) is ever buffered, never the gigabyte (measured: 284 MiB
    // in all for a first line; 348 MiB for a later one, 874 MiB when the blocks a line is read
    // in grew for it).
    let peak = children_peak_memory();
    assert!(peak < 512 << 20, "peak memory {} MiB", peak >> 20);
}

#[test]
fn a_gigabyte_line_is_refused_in_bounded_memory() {
    a_gigabyte_line_is_refused(b"", "1", &["ocds-h-2"]);
}

#[test]
fn a_gigabyte_line_after_others_is_refused_in_bounded_memory() {
    a_gigabyte_line_is_refused(b"{\"ocid\":\"ocds-h-0\"}\n", "2", &["ocds-h-0", "ocds-h-2"]);
}
