//! Detection quality on planted answers: 100,000 generated processes (seed 7) scored with the
//! default settings; per scheme, the recall of the indicator meant to catch it and its false
//! positives, and the share of planted processes among the top 5% of the ranking. Prints a
//! Markdown table (`cargo bench --bench detection`); `REDFLAGS_BENCH_PROCESSES` changes the size.

use std::time::Instant;

use redflags::config::Config;
use redflags::synthetic::detection::{Detection, read_truth};

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` does not: then a small run checks
    // that the report works.
    let benchmarking = std::env::args().any(|arg| arg == "--bench");
    let processes: u64 = std::env::var("REDFLAGS_BENCH_PROCESSES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(if benchmarking { 100_000 } else { 2_000 });
    let dir = tempfile::tempdir().expect("a temporary folder");
    let data = dir.path().join("data.jsonl");
    let mut truth = Vec::new();
    let mut file = std::io::BufWriter::new(std::fs::File::create(&data).expect("data file"));
    let planted = redflags::synthetic::write_with_truth(&mut file, &mut truth, processes, 7)
        .expect("generated data");
    drop(file);
    let truth = read_truth(std::str::from_utf8(&truth).expect("UTF-8")).expect("the truth");
    assert_eq!(truth.len() as u64, planted.with_schemes);
    let clock = Instant::now();
    let run =
        redflags::run::run(&[data.display().to_string()], &Config::default()).expect("the run");
    let detection = Detection::measure(&run.scored.contracts, &truth).expect("measured");
    println!(
        "Detection on {processes} generated processes (seed 7, default settings; scored in {:.1} s):\n",
        clock.elapsed().as_secs_f64()
    );
    println!("{detection}");
}
