//! Writes synthetic OCDS (compiled releases, one per line) for load tests:
//! `cargo run --release --example synthetic -- 1000000 > synthetic.jsonl`.

use std::io::{BufWriter, Write};

fn main() -> std::io::Result<()> {
    let processes = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(100_000);
    let mut out = BufWriter::new(std::io::stdout().lock());
    redflags::synthetic::write(&mut out, processes, 7)?;
    out.flush()
}
