//! Throughput of the pipeline on generated data (`redflags::synthetic`, the generator behind
//! `redflags generate`): the parse floor, each stage on its own, and the whole `score` run with
//! every indicator and all outputs.
//!
//! `cargo bench` measures 10,000 and 100,000 contracting processes; set
//! `REDFLAGS_BENCH_MILLION=1` to add 1,000,000 (about 3 GB of JSON and several GB of memory).
//! Criterion reports processes per second (`Elements`) for the stages, and bytes per second
//! for the parse floor and the end-to-end run, so the two compare directly.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use rayon::prelude::*;
use redflags::config::Config;
use redflags::domain::Tables;
use redflags::frames::Frames;
use redflags::indicators::{Planned, collect};
use redflags::ingest::ingest;
use redflags::score::{IndicatorRun, score};
use serde::de::IgnoredAny;

/// The parse floor: every line parsed by serde_json into nothing, on all cores. No engine that
/// reads the JSON with serde_json can be faster than this.
fn parse_floor(bytes: &[u8]) -> usize {
    bytes
        .par_split(|byte| *byte == b'\n')
        .filter(|line| !line.is_empty())
        .map(|line| {
            serde_json::from_slice::<IgnoredAny>(line).expect("generated JSON");
            1
        })
        .sum()
}

fn pipeline(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let mut sizes = vec![10_000u64, 100_000];
    if std::env::var_os("REDFLAGS_BENCH_MILLION").is_some() {
        sizes.push(1_000_000);
    }
    let mut group = c.benchmark_group("pipeline");
    group.sample_size(10);
    for processes in sizes {
        let path = dir.path().join(format!("{processes}.jsonl"));
        let mut file = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        redflags::synthetic::write(&mut file, processes, 7).unwrap();
        drop(file);
        let bytes = std::fs::read(&path).unwrap();
        let inputs = vec![path.display().to_string()];

        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_with_input(
            BenchmarkId::new("parse_floor", processes),
            &bytes,
            |b, bytes| b.iter(|| parse_floor(bytes)),
        );
        let config = Config::default();
        let out = dir.path().join(format!("out-{processes}"));
        group.bench_with_input(
            BenchmarkId::new("end_to_end", processes),
            &inputs,
            |b, inputs| {
                b.iter(|| {
                    let run = redflags::run::run(inputs, &config).unwrap();
                    run.write(&config, &out).unwrap();
                })
            },
        );
        drop(bytes);

        group.throughput(Throughput::Elements(processes));
        group.bench_with_input(
            BenchmarkId::new("ingest", processes),
            &inputs,
            |b, inputs| b.iter(|| ingest(inputs).unwrap()),
        );
        let ingested = ingest(&inputs).unwrap();
        group.bench_with_input(
            BenchmarkId::new("frames", processes),
            &ingested.releases,
            |b, releases| b.iter(|| Frames::build(releases).unwrap()),
        );
        let frames = Frames::build(&ingested.releases).unwrap();
        drop(ingested);
        group.bench_with_input(
            BenchmarkId::new("indicators_and_score", processes),
            &frames,
            |b, frames| {
                b.iter(|| {
                    // As a run does: every indicator planned over one set of tables, the plans
                    // collected in their batches.
                    let active = config.active();
                    let planned = active
                        .iter()
                        .map(|active| Planned::of(active.indicator, &active.settings))
                        .collect();
                    let runs: Vec<IndicatorRun> = active
                        .iter()
                        .zip(collect(&Tables::new(frames), planned).unwrap())
                        .map(|(active, outcome)| IndicatorRun::new(active, outcome))
                        .collect();
                    score(frames, &frames.processes, &runs, &config).unwrap()
                })
            },
        );
        let run = redflags::run::run(&inputs, &config).unwrap();
        group.bench_with_input(BenchmarkId::new("outputs", processes), &run, |b, run| {
            b.iter(|| run.write(&config, &out).unwrap())
        });
    }
    group.finish();
}

criterion_group!(benches, pipeline);
criterion_main!(benches);
