//! The detection benchmark (`benches/detection.rs`) in the dev profile, for quick iterations
//! without a release build:
//!
//! ```sh
//! REDFLAGS_BENCH_PROCESSES=20000 REDFLAGS_BENCH_WORLDS=thai_egp cargo run --example detection
//! ```

#[path = "../benches/detection.rs"]
mod detection;

fn main() {
    detection::main();
}
