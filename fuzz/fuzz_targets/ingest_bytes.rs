//! Arbitrary bytes as one input file: ingest, then the frames.
//!
//! The first byte chooses how the rest is stored (plain, gzip, two gzip members, gzip cut
//! short); the rest is the content. The bytes go through the public path the command line
//! takes (`ingest::ingest` on a file), then `Frames::build` on the compiled releases.
//!
//! Checked on every input, besides the absence of panics:
//! - every entry and every unit rejected whole is accounted for:
//!   `counts.input() == counts.entries_accepted + rejected.len()`, and each side adds up;
//! - one compiled release per contracting process, in `ocid` order:
//!   `counts.processes == releases.len()`;
//! - the frames build, with one `processes` row per compiled release.

#![no_main]

use std::collections::HashSet;

use libfuzzer_sys::fuzz_target;
use redflags::frames::Frames;
use redflags_fuzz::{Storage, input_file, single_threaded};

fuzz_target!(init: single_threaded(), |data: &[u8]| check(data));

fn check(data: &[u8]) {
    let Some((&first, content)) = data.split_first() else {
        return;
    };
    let file = input_file(&Storage::from_byte(first).encode(content));
    let ingested =
        redflags::ingest::ingest(&[file.name()]).expect("an existing file always ingests");
    let counts = &ingested.counts;

    assert_eq!(counts.sources, 1);
    assert_eq!(
        counts.input(),
        counts.entries_accepted + ingested.rejected.len() as u64,
        "input = accepted + rejected: {counts:?}"
    );
    assert_eq!(
        counts.entries,
        counts.entries_accepted + counts.entries_rejected,
        "{counts:?}"
    );
    assert_eq!(
        counts.units_rejected + counts.entries_rejected,
        ingested.rejected.len() as u64,
        "{counts:?}"
    );
    assert!(counts.units_rejected <= counts.units, "{counts:?}");
    assert_eq!(
        counts.processes,
        ingested.releases.len() as u64,
        "{counts:?}"
    );
    if counts.entries_accepted == 0 {
        assert!(ingested.releases.is_empty(), "{counts:?}");
    }

    let ocids: Vec<&str> = ingested
        .releases
        .iter()
        .map(|release| release.ocid.str().expect("a compiled release has an ocid"))
        .collect();
    assert!(ocids.is_sorted(), "releases not in ocid order: {ocids:?}");
    let distinct: HashSet<&str> = ocids.iter().copied().collect();
    assert_eq!(distinct.len(), ocids.len(), "an ocid twice: {ocids:?}");

    let frames = Frames::build(&ingested.releases).expect("the frames build");
    assert_eq!(frames.processes.height(), ingested.releases.len());
}
