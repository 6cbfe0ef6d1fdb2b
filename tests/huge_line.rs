//! A line of a gigabyte, streamed through standard input, is refused without being held in
//! memory. (Alone in its test binary: it reads the peak memory of this process's children.)

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

#[test]
fn a_gigabyte_line_is_refused_in_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("redflags"))
        .args(["-q", "score", "-", "--out"])
        .arg(&out)
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
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
    assert_eq!(rejected[0]["line"], "1");
    assert!(rejected[0]["reason"].contains("max_line_bytes"));
    let contracts = csv_rows(&out.join("contracts.csv"));
    assert_eq!(contracts.len(), 1);
    assert_eq!(contracts[0]["ocid"], "ocds-h-2");
    // At most the line bound (256 MiB) is ever buffered, never the gigabyte (measured: 284 MiB
    // in all).
    let peak = children_peak_memory();
    assert!(peak < 512 << 20, "peak memory {} MiB", peak >> 20);
}
