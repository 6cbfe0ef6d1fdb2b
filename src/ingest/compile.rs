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
    /// The key of each `ocid` seen.
    by_ocid: PlHashMap<Box<str>, u32>,
    /// The unit of each key's first release.
    first: Vec<UnitId>,
    /// Whether each key was seen more than once.
    repeated: Vec<bool>,
    /// The units that hold a release of a repeated key.
    units: BTreeSet<UnitId>,
}

impl Keys {
    /// The key of a new `ocid`, or `None` after marking a known one repeated.
    fn see(&mut self, ocid: &str, unit: UnitId) -> Option<u32> {
        if let Some(&key) = self.by_ocid.get(ocid) {
            self.repeated[key as usize] = true;
            self.units.insert(self.first[key as usize]);
            self.units.insert(unit);
            return None;
        }
        let key = self.first.len() as u32;
        self.by_ocid.insert(ocid.into(), key);
        self.first.push(unit);
        self.repeated.push(false);
        Some(key)
    }

    /// The repeated keys, sorted.
    fn repeated(&self) -> Vec<u32> {
        (0..self.repeated.len() as u32)
            .filter(|&key| self.repeated[key as usize])
            .collect()
    }
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
        drop(keys.by_ocid);
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
    let ocid = keys
        .by_ocid
        .iter()
        .find(|(_, found)| **found == key)
        .map(|(ocid, _)| ocid.to_string())
        .unwrap_or_default();
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
            if let Some(&key) = keys.by_ocid.get(ocid)
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
