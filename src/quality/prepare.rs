//! `redflags prepare`: the corrected compiled releases, one JSON object per line.
//!
//! The releases of each `ocid` are merged by the OCDS rules and corrected by the `[prepare]`
//! settings, every field kept (unlike the scoring, which keeps the fields it reads). Record
//! packages' compiled releases are used as they are; a process's history is not kept (a
//! compiled release has none), so indicators that follow a contract across releases
//! (`contract_period_extended`) see less in prepared data than in the releases.

use std::collections::HashMap;
use std::io::Write;

use rayon::prelude::*;

use crate::config::Config;
use crate::ingest::document::Entry;
use crate::ingest::prepare::Corrected;
use crate::ingest::raw::{self, RawRelease};
use crate::ingest::{self, Rejection};

/// Compiled releases corrected at a time (in parallel).
const CHUNK: usize = 4096;

/// What `prepare` wrote.
#[derive(Debug, Default)]
pub struct Prepared {
    /// Compiled releases written (one per contracting process).
    pub written: u64,
    /// The values corrected, by kind.
    pub corrected: Corrected,
    /// What could not be read.
    pub rejected: Vec<Rejection>,
}

/// Writes the inputs' compiled releases, corrected, in `ocid` order, one per line.
pub fn prepare(
    inputs: &[String],
    config: &Config,
    out: &mut dyn Write,
) -> anyhow::Result<Prepared> {
    let mut by_ocid: HashMap<String, Vec<RawRelease>> = HashMap::new();
    let settings = &config.prepare;
    let rejected = ingest::read_entries(
        inputs,
        &config.limits,
        &mut |_| {},
        &mut |_| {},
        &mut |_, release: RawRelease| {
            let ocid = release.ocid().unwrap_or_default().to_owned();
            by_ocid.entry(ocid).or_default().push(release);
        },
    )?
    .rejected;
    let mut groups: Vec<(String, Vec<RawRelease>)> = by_ocid.into_iter().collect();
    groups.sort_by(|a, b| a.0.cmp(&b.0));
    let mut prepared = Prepared {
        rejected,
        ..Prepared::default()
    };
    let mut groups = groups.into_iter().peekable();
    while groups.peek().is_some() {
        let chunk: Vec<_> = groups.by_ref().take(CHUNK).collect();
        let lines: Vec<(Vec<u8>, Corrected)> = chunk
            .into_par_iter()
            .map(|(_, releases)| {
                let mut compiled = raw::compile(releases);
                let mut corrected = Corrected::default();
                settings.correct(&mut compiled, &mut |c| corrected.add(c.kind));
                let line = serde_json::to_vec(&compiled).unwrap_or_default();
                (line, corrected)
            })
            .collect();
        for (line, corrected) in lines {
            out.write_all(&line)?;
            out.write_all(b"\n")?;
            prepared.written += 1;
            prepared.corrected = std::mem::take(&mut prepared.corrected).absorb(corrected);
        }
    }
    out.flush()?;
    Ok(prepared)
}
