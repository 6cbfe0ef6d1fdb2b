//! Throughput of each stage of the pipeline on synthetic data (`redflags::synthetic`, the
//! generator behind `redflags generate`).
//!
//! `cargo bench` reports the time per run for 10,000 and 100,000 contracting processes;
//! divide to get processes per second.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use redflags::config::Config;
use redflags::frames::Frames;
use redflags::ingest::ingest;
use redflags::score::{IndicatorRun, score};

fn pipeline(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let mut group = c.benchmark_group("pipeline");
    group.sample_size(10);
    for processes in [10_000u64, 100_000] {
        let path = dir.path().join(format!("{processes}.jsonl"));
        let mut file = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        redflags::synthetic::write(&mut file, processes, 7).unwrap();
        drop(file);
        let inputs = vec![path.display().to_string()];
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
        let config = Config::default();
        group.bench_with_input(
            BenchmarkId::new("indicators_and_score", processes),
            &frames,
            |b, frames| {
                b.iter(|| {
                    let runs: Vec<IndicatorRun> = config
                        .active()
                        .iter()
                        .map(|active| {
                            let outcome = active.indicator.run(frames, &active.settings).unwrap();
                            IndicatorRun::new(active, outcome)
                        })
                        .collect();
                    score(frames, frames, &runs, &config).unwrap()
                })
            },
        );
        group.bench_with_input(
            BenchmarkId::new("end_to_end", processes),
            &inputs,
            |b, inputs| b.iter(|| redflags::run::run(inputs, &config).unwrap()),
        );
    }
    group.finish();
}

criterion_group!(benches, pipeline);
criterion_main!(benches);
