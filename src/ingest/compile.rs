//! Compiling the input into one release per contracting process, batch by batch.
//!
//! Units are read and parsed in batches, each batch in chunks of a few thousand units, one on
//! each thread. On the thread that parsed them, a chunk's releases are compiled (each on its
//! own) and made into a piece of what the [`Consumer`] keeps (see [`Make`]: the frames' rows),
//! while they are still in the processor's caches; then they go. So the releases of the whole
//! input never coexist: memory holds a chunk of releases per thread and what the consumer
//! keeps of them. In input order, the first release of each `ocid` gets a process key (the
//! processes numbered in the order they are first seen) and the consumer takes the pieces
//! with their releases' keys; a release of an `ocid` already seen is left out. An `ocid` seen
//! again needs the merge of all its releases: after the reading, the consumer is told to
//! forget what it took for those processes, the units that hold their releases (and those
//! alone) are read again, and each process's releases are merged by the OCDS rules and handed
//! over. Data of compiled releases, one per process, is thus read once. Standard input is
//! copied to a temporary file as it is read so that it can be read again.

use std::collections::BTreeSet;
use std::hash::BuildHasher as _;

use polars::prelude::PlHashMap;

use rayon::prelude::*;

use super::lenient::Text;
use super::model::Release;
use super::prepare::{Corrected, Prepare};
use super::source;
use super::{IngestCounts, IngestError, Limits, Place, Progress, Rejection, Work, merge};

/// The pieces of compiled releases are handed over in batches of about this many releases.
const BATCH_RELEASES: usize = 8192;
/// The merged releases are made into pieces of this many.
const MERGED_PIECE: usize = 4096;
/// The units read again are parsed in parallel batches of about this many bytes.
const REREAD_BYTES: usize = 64 << 20;

/// Takes the compiled releases as the ingest produces them.
pub trait Consumer {
    /// What a chunk of compiled releases becomes (see [`Make`]).
    type Piece: Send;
    /// What makes the pieces.
    type Maker: Make<Piece = Self::Piece>;

    /// The maker of this ingest's pieces.
    fn maker(&mut self) -> Self::Maker;

    /// Takes a batch of pieces, in input order, each with the process key of each of its
    /// releases (the processes numbered from 0 in the order they are first seen), or `None`
    /// for a release to leave out (one of a process already seen). A key comes once, unless
    /// [`Consumer::retract`] is called for it.
    fn take(&mut self, pieces: Vec<(Self::Piece, Vec<Option<u32>>)>);

    /// Forgets what was taken for these keys (sorted, distinct): their processes are in several
    /// releases and are handed over again, merged.
    fn retract(&mut self, keys: &[u32]);
}

/// Makes a piece of compiled releases on a thread of the pool, release by release as they are
/// parsed and compiled: what a consumer keeps of them, made while the releases are still in
/// the processor's caches, on the thread that made them.
pub trait Make: Sync {
    /// What the releases become.
    type Piece: Send;

    /// Makes it of `units`, each unit's compiled releases; the `n`th release is numbered `n`
    /// in the piece.
    fn make(&self, units: &mut dyn Iterator<Item = Vec<Release>>) -> Self::Piece;
}

/// The releases of a chunk of units, compiled and corrected, made into a piece.
struct Compiling<'a, M> {
    prepare: &'a Prepare,
    maker: &'a M,
}

/// A chunk's piece, with what the ingest needs of its releases.
struct Compiled<P> {
    /// Each release's `ocid`.
    ocids: Vec<Text>,
    /// The corrections made, by release.
    corrected: Vec<(usize, Corrected)>,
    piece: P,
}

impl<M: Make> Work<Release> for Compiling<'_, M> {
    type Out = Compiled<M::Piece>;

    fn work(&self, units: &mut dyn Iterator<Item = Vec<Release>>) -> Compiled<M::Piece> {
        let mut ocids = Vec::new();
        let mut corrected = Vec::new();
        let compiled = |release: Release| {
            let ocid = release.ocid.get().cloned().unwrap_or_default();
            let mut release = merge::compile_single(release);
            let mut counts = Corrected::default();
            if self.prepare.is_active() {
                self.prepare.correct_release(&mut release, &mut counts);
            }
            (ocid, counts, release)
        };
        // Keeps a compiled release's ocid and corrections, and gives the release on.
        let mut keep = |(ocid, counts, release): (Text, Corrected, Release)| {
            if counts.total > 0 {
                corrected.push((ocids.len(), counts));
            }
            ocids.push(ocid);
            release
        };
        let piece = {
            let mut compiled_units = units.map(|unit| {
                if unit.len() > BATCH_RELEASES {
                    // One document alone can hold many thousands of releases: they are
                    // compiled on every thread.
                    let compiled: Vec<(Text, Corrected, Release)> =
                        unit.into_par_iter().map(compiled).collect();
                    return compiled.into_iter().map(&mut keep).collect();
                }
                unit.into_iter().map(compiled).map(&mut keep).collect()
            });
            self.maker.make(&mut compiled_units)
        };
        Compiled {
            ocids,
            corrected,
            piece,
        }
    }
}

/// What an ingest found besides the compiled releases.
#[derive(Debug, Default)]
pub struct Intake {
    /// What could not be used, in input order.
    pub rejected: Vec<Rejection>,
    /// The accounting.
    pub counts: IngestCounts,
    /// The names of the sources read, in reading order.
    pub sources: Vec<String>,
    /// The values the `[prepare]` corrections changed, by kind.
    pub corrected: Corrected,
}

/// A unit, by its source's index and its own.
type UnitId = (usize, u64);

/// The process keys given so far, and what must be read again.
#[derive(Default)]
struct Keys {
    /// The key of each `ocid` seen, with the ocid's hash, by that hash (the ocid itself is in
    /// `ocids`). Looking a new ocid up then reads the table's entry only, not a text of its own
    /// elsewhere in memory, and the ocids take no allocation each. A map of boxed texts took
    /// 543-805 ms at 1,000,000 generated processes (27 ms at 100,000), this table 453 ms (12),
    /// on a slow spell of the machine; the keys are given one batch after the other, on one
    /// thread.
    by_hash: hashbrown::HashTable<(u64, u32)>,
    /// Hashes the ocids.
    hasher: hashbrown::DefaultHashBuilder,
    /// Every key's ocid, one after the other.
    ocids: String,
    /// Where each key's ocid ends in `ocids`.
    ends: Vec<usize>,
    /// The unit of each key's first release.
    first: Vec<UnitId>,
    /// Whether each key was seen more than once.
    repeated: Vec<bool>,
    /// The units that hold a release of a repeated key.
    units: BTreeSet<UnitId>,
}

impl Keys {
    /// The `ocid` of `key`.
    fn ocid(&self, key: u32) -> &str {
        nth_text(&self.ocids, &self.ends, key)
    }

    /// The key of `ocid`, if it was seen.
    fn key(&self, ocid: &str) -> Option<u32> {
        let hash = self.hasher.hash_one(ocid);
        self.by_hash
            .find(hash, |&(found, key)| {
                found == hash && self.ocid(key) == ocid
            })
            .map(|&(_, key)| key)
    }

    /// The key of a new `ocid`, or `None` after marking a known one repeated.
    fn see(&mut self, ocid: &str, unit: UnitId) -> Option<u32> {
        let hash = self.hasher.hash_one(ocid);
        let (ocids, ends) = (&self.ocids, &self.ends);
        let text = |key: u32| nth_text(ocids, ends, key);
        let entry = self.by_hash.entry(
            hash,
            |&(found, key)| found == hash && text(key) == ocid,
            |&(found, _)| found,
        );
        match entry {
            hashbrown::hash_table::Entry::Occupied(entry) => {
                let key = entry.get().1 as usize;
                self.repeated[key] = true;
                self.units.insert(self.first[key]);
                self.units.insert(unit);
                None
            }
            hashbrown::hash_table::Entry::Vacant(entry) => {
                let key = self.first.len() as u32;
                entry.insert((hash, key));
                self.ocids.push_str(ocid);
                self.ends.push(self.ocids.len());
                self.first.push(unit);
                self.repeated.push(false);
                Some(key)
            }
        }
    }

    /// The repeated keys, sorted.
    fn repeated(&self) -> Vec<u32> {
        (0..self.repeated.len() as u32)
            .filter(|&key| self.repeated[key as usize])
            .collect()
    }
}

/// The `n`th of the texts held one after the other in `texts`, each ending where `ends` says.
fn nth_text<'a>(texts: &'a str, ends: &[usize], n: u32) -> &'a str {
    let n = n as usize;
    let start = if n == 0 { 0 } else { ends[n - 1] };
    &texts[start..ends[n]]
}

/// Compiles releases in parallel, correcting them by `prepare`; returns them with the
/// corrections made.
fn compile_all<T: Send>(
    items: Vec<(u32, T)>,
    prepare: &Prepare,
    compile: impl Fn(T) -> Release + Sync,
) -> (Vec<(u32, Release)>, Corrected) {
    let (releases, counts): (Vec<(u32, Release)>, Vec<Corrected>) = items
        .into_par_iter()
        .map(|(key, item)| {
            let mut release = compile(item);
            let mut corrected = Corrected::default();
            if prepare.is_active() {
                prepare.correct_release(&mut release, &mut corrected);
            }
            ((key, release), corrected)
        })
        .unzip();
    let mut corrected = Corrected::default();
    for counts in counts {
        if counts.total > 0 {
            corrected = corrected.absorb(counts);
        }
    }
    (releases, corrected)
}

/// Reads every input and hands one compiled release per contracting process to `consumer`,
/// correcting each by `prepare`, within the bounds of `limits`; `started` is told how many
/// sources there are and `report` how far the reading has got.
pub fn ingest_into<C: Consumer>(
    inputs: &[String],
    prepare: &Prepare,
    limits: &Limits,
    started: &mut dyn FnMut(usize),
    report: &mut dyn FnMut(Progress),
    consumer: &mut C,
) -> Result<Intake, IngestError> {
    let clock = std::time::Instant::now();
    let mut keys = Keys::default();
    let mut corrected = Corrected::default();
    let maker = consumer.maker();
    let work = Compiling {
        prepare,
        maker: &maker,
    };
    let mut pending: Vec<(C::Piece, Vec<Option<u32>>)> = Vec::new();
    let mut pending_releases = 0;
    let scanned = super::read_chunks(
        inputs,
        limits,
        started,
        report,
        &work,
        &mut |places: &[Place], compiled: Compiled<C::Piece>| {
            let mut corrections = compiled.corrected.into_iter().peekable();
            let given = places
                .iter()
                .zip(&compiled.ocids)
                .enumerate()
                .map(|(index, (place, ocid))| {
                    let key = keys.see(ocid, (place.source, place.unit));
                    if let Some((_, counts)) = corrections.next_if(|(at, _)| *at == index)
                        && key.is_some()
                    {
                        corrected = std::mem::take(&mut corrected).absorb(counts);
                    }
                    key
                })
                .collect();
            pending_releases += places.len();
            pending.push((compiled.piece, given));
            if pending_releases >= BATCH_RELEASES {
                consumer.take(std::mem::take(&mut pending));
                pending_releases = 0;
            }
        },
    )?;
    consumer.take(pending);
    tracing::debug!(
        elapsed_ms = clock.elapsed().as_millis() as u64,
        cpu_ms = crate::memory::cpu_time_ms(),
        kernel_ms = crate::memory::kernel_time_ms(),
        faults = crate::memory::minor_faults(),
        peak_mib = crate::memory::stage_peak_mib(),
        resident_mib = crate::memory::resident_memory_mib(),
        "read, parsed and handed over"
    );
    let repeated = keys.repeated();
    if !repeated.is_empty() {
        consumer.retract(&repeated);
        let mut held = read_again(&scanned, &keys, limits)?;
        let mut groups: Vec<(u32, Vec<Release>)> = Vec::with_capacity(repeated.len());
        for key in &repeated {
            match held.remove(key) {
                Some(releases) => groups.push((*key, releases)),
                None => return Err(changed(&scanned, &keys, *key)),
            }
        }
        drop(std::mem::take(&mut keys.by_hash));
        if prepare.is_active() {
            // The first release of each was corrected on its own and counted: uncount it.
            let firsts: Vec<(u32, Release)> = groups
                .iter()
                .filter_map(|(key, releases)| Some((*key, releases.first()?.clone())))
                .collect();
            let (firsts, counted) = compile_all(firsts, prepare, merge::compile_single);
            let retracted: std::collections::HashSet<&str> = firsts
                .iter()
                .filter_map(|(_, release)| release.ocid.str())
                .collect();
            corrected.subtract(&counted, &retracted);
        }
        let (merged, counts) = compile_all(groups, prepare, merge::compile);
        corrected = corrected.absorb(counts);
        consumer.take(made(merged, &maker));
        tracing::debug!(
            elapsed_ms = clock.elapsed().as_millis() as u64,
            merged = repeated.len(),
            peak_mib = crate::memory::stage_peak_mib(),
            resident_mib = crate::memory::resident_memory_mib(),
            "merged"
        );
    }
    corrected.kept.sort_by(|a, b| a.0.cmp(&b.0));
    let mut counts = scanned.counts;
    counts.processes = keys.first.len() as u64;
    Ok(Intake {
        rejected: scanned.rejected,
        counts,
        sources: scanned.names,
        corrected,
    })
}

/// The pieces of compiled releases with their keys, made in parallel, in order.
fn made<M: Make>(releases: Vec<(u32, Release)>, maker: &M) -> Vec<(M::Piece, Vec<Option<u32>>)> {
    releases
        .into_par_iter()
        .chunks(MERGED_PIECE)
        .map(|chunk| {
            let (keys, releases): (Vec<Option<u32>>, Vec<Release>) = chunk
                .into_iter()
                .map(|(key, release)| (Some(key), release))
                .unzip();
            (maker.make(&mut std::iter::once(releases)), keys)
        })
        .collect()
}

/// The error of a source that no longer holds the releases of `key`.
fn changed(scanned: &super::Scanned, keys: &Keys, key: u32) -> IngestError {
    let ocid = keys.ocid(key).to_owned();
    IngestError::Changed {
        path: scanned.names[keys.first[key as usize].0].clone(),
        ocid,
    }
}

/// Reads again the units that hold releases of repeated keys, and returns those releases by
/// key, in input order.
fn read_again(
    scanned: &super::Scanned,
    keys: &Keys,
    limits: &Limits,
) -> Result<PlHashMap<u32, Vec<Release>>, IngestError> {
    let mut held: PlHashMap<u32, Vec<Release>> = PlHashMap::default();
    let mut keep = |units: &mut Vec<source::Unit>| {
        let parsed: Vec<super::document::Parsed<Release>> = units
            .par_iter()
            .map(|unit| super::parse_unit(unit, limits))
            .collect();
        units.clear();
        for release in parsed.into_iter().flat_map(|parsed| parsed.releases) {
            let ocid = release.ocid.str().unwrap_or_default();
            if let Some(key) = keys.key(ocid)
                && keys.repeated[key as usize]
            {
                held.entry(key).or_default().push(release);
            }
        }
    };
    for (index, source) in scanned.sources.iter().enumerate() {
        let wanted: BTreeSet<u64> = keys
            .units
            .range((index, 0)..(index + 1, 0))
            .map(|(_, unit)| *unit)
            .collect();
        if wanted.is_empty() {
            continue;
        }
        let reader = source
            .reopen(limits, scanned.spools[index].as_ref())
            .map_err(|error| IngestError::Path {
                path: scanned.names[index].clone(),
                error,
            })?;
        let mut units = Vec::new();
        let mut bytes = 0;
        source::read(index, reader, limits, |unit| {
            if wanted.contains(&unit.index) {
                bytes += unit.bytes.len();
                units.push(unit);
                if bytes >= REREAD_BYTES {
                    keep(&mut units);
                    bytes = 0;
                }
            }
        });
        keep(&mut units);
    }
    Ok(held)
}

#[cfg(test)]
mod tests {
    use super::Keys;

    /// Keys are given in the order the ocids are first seen; an ocid seen again gets none,
    /// is marked repeated, and both its units are to be read again.
    #[test]
    fn keys_follow_the_first_sight_and_mark_repeats() {
        let mut keys = Keys::default();
        let ocids = ["ocds-b", "ocds-a", "", "ocds-b", "ocds-c", "ocds-a"];
        let given: Vec<Option<u32>> = ocids
            .iter()
            .enumerate()
            .map(|(unit, ocid)| keys.see(ocid, (0, unit as u64)))
            .collect();
        assert_eq!(given, [Some(0), Some(1), Some(2), None, Some(3), None]);
        assert_eq!(keys.repeated(), [0, 1]);
        assert_eq!(
            keys.units.iter().copied().collect::<Vec<_>>(),
            [(0, 0), (0, 1), (0, 3), (0, 5)]
        );
        for (key, ocid) in ["ocds-b", "ocds-a", "", "ocds-c"].iter().enumerate() {
            assert_eq!(keys.ocid(key as u32), *ocid);
            assert_eq!(keys.key(ocid), Some(key as u32));
        }
        assert_eq!(keys.key("ocds-d"), None);
    }

    /// Many ocids, through the table's growth: each keeps its key.
    #[test]
    fn keys_hold_through_growth() {
        let mut keys = Keys::default();
        for number in 0..50_000u32 {
            assert_eq!(keys.see(&format!("ocds-{number}"), (0, 0)), Some(number));
        }
        for number in (0..50_000u32).step_by(7) {
            assert_eq!(keys.key(&format!("ocds-{number}")), Some(number));
            assert_eq!(keys.see(&format!("ocds-{number}"), (1, 0)), None);
        }
        assert_eq!(keys.repeated().len(), 50_000usize.div_ceil(7));
    }
}
