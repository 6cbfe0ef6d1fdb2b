//! Detection quality on planted answers, world by world: each synthetic world (100,000
//! processes, seed 7) scored with the default settings plus the world's threshold settings
//! (`WorldSettings::indicator_settings`); per scheme, the recall of the indicator meant to
//! catch it, its false positives and the median rank of its processes; the precision of the
//! top 5%; each indicator's flags on clean processes; and the targets, as PASS or FAIL lines.
//! Prints Markdown (`cargo bench --bench detection`).
//!
//! `REDFLAGS_BENCH_PROCESSES` changes the size, `REDFLAGS_BENCH_WORLDS=thai_egp,sparse` the
//! worlds. `cargo test --benches` runs it small (2,000 processes); `cargo run --example
//! detection` runs the same in the dev profile, without a release build.

use std::time::Instant;

use redflags::synthetic::detection::measure_world;
use redflags::synthetic::{WORLDS, WorldSettings};

/// The seed of every world.
const SEED: u64 = 7;

pub fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` and the example do not: then the
    // run is small unless a size is given.
    let benchmarking = std::env::args().any(|arg| arg == "--bench");
    let processes: u64 = std::env::var("REDFLAGS_BENCH_PROCESSES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(if benchmarking { 100_000 } else { 2_000 });
    let worlds: Vec<&WorldSettings> = match std::env::var("REDFLAGS_BENCH_WORLDS") {
        Ok(names) => names
            .split(',')
            .map(|name| {
                WorldSettings::named(name.trim()).unwrap_or_else(|| {
                    let known: Vec<&str> = WORLDS.iter().map(|world| world.name).collect();
                    panic!("unknown world {name:?}; the worlds: {}", known.join(", "))
                })
            })
            .collect(),
        Err(_) => WORLDS.iter().collect(),
    };
    for world in worlds {
        let clock = Instant::now();
        let detection = measure_world(world, processes, SEED).expect("the measure");
        println!(
            "## `{}`: {processes} processes (seed {SEED}; generated and scored in {:.1} s)\n\n\
             {}.\n\nSettings: the defaults and\n\n```toml\n{}```\n\n{detection}",
            world.name,
            clock.elapsed().as_secs_f64(),
            world.description,
            world.indicator_settings(),
        );
    }
}
