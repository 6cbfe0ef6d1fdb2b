//! Ingest: OCDS in every published form → one compiled release per contracting process.
//!
//! Sources are read one after another and cut into units (lines or documents, see
//! [`source`]); units are parsed in parallel batches straight into the typed, reduced
//! [`model::Release`], so memory holds what the frames need and not the raw input. Every
//! entry is accounted for: accepted, or rejected with its source, line, location and reason.
//! Each chunk of a batch's releases is compiled and made into what a [`Consumer`] keeps on the
//! thread that parsed it, one release per `ocid` kept; the releases of an `ocid` found in
//! several places are merged by the OCDS merge rules ([`merge`]) after the reading (see
//! [`compile`]).

pub mod compile;
pub mod document;
pub mod lenient;
pub mod limits;
pub mod merge;
pub mod model;
pub mod prepare;
pub mod raw;
pub mod source;
pub mod upgrade;

use rayon::prelude::*;
use serde::Serialize;

pub use compile::{Consumer, Intake, Make, ingest_into};
pub use limits::Limits;
use model::Release;
use prepare::Prepare;
use source::{Source, Unit};

/// Units are parsed in parallel batches of about this many bytes.
const BATCH_BYTES: usize = 64 << 20;
/// ... or of at most this many units.
const BATCH_UNITS: usize = 8192;
/// A batch's units are parsed, and their releases worked on (see [`Work`]), in chunks of this
/// many units, one chunk at a time on each thread (four chunks to a batch of generated
/// processes). Each release is made into rows as soon as it is parsed (see
/// [`crate::ingest::Make`]), while it is in the core's cache. The reading and the frames'
/// processor time at 100,000 generated processes, in five alternate runs on a quiet machine:
/// 2,150-2,510 ms (median 2,330) with a batch's 8,192 releases all parsed before any was made
/// into rows, 1,930-2,320 (median 2,060) as now. Chunks of 512 units, each parsed whole before
/// its rows were made, gained about as much (128: less, each chunk's tables costing more than
/// the cache saved), but made four times as many tables: 5,000,000 processes peaked at 7.80
/// GB, against 7.77 GB as now.
const CHUNK_UNITS: usize = 2048;
/// ... or of fewer units that hold at least this many bytes.
const CHUNK_BYTES: usize = 16 << 20;

/// Something in the input that could not be used, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rejection {
    /// The source (file path, or `-` for standard input).
    pub source: String,
    /// The line in the source, when known.
    pub line: Option<u64>,
    /// The path inside the document (`releases[3]`), when the problem is inside one.
    pub location: Option<String>,
    /// The contracting process, when known.
    pub ocid: Option<String>,
    /// Why it could not be used.
    pub reason: String,
}

/// The rejections as a table: source, line, location, ocid, reason.
pub fn rejections_frame(
    rejected: &[Rejection],
) -> polars::prelude::PolarsResult<polars::prelude::DataFrame> {
    use polars::prelude::*;
    df!(
        "source" => rejected.iter().map(|r| r.source.as_str()).collect::<Vec<_>>(),
        "line" => rejected.iter().map(|r| r.line).collect::<Vec<_>>(),
        "location" => rejected.iter().map(|r| r.location.as_deref()).collect::<Vec<_>>(),
        "ocid" => rejected.iter().map(|r| r.ocid.as_deref()).collect::<Vec<_>>(),
        "reason" => rejected.iter().map(|r| r.reason.as_str()).collect::<Vec<_>>(),
    )
}

/// The accounting of one ingest.
///
/// Every *unit* (a line of line-delimited JSON, or a whole document) is either rejected whole
/// or holds *entries* (releases and records); every entry is accepted or rejected. So
/// `units_rejected + entries_rejected` is the number of rejections, and the accepted entries
/// merge into `processes` contracting processes (one per distinct `ocid`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct IngestCounts {
    /// Sources read (files and standard input).
    pub sources: u64,
    /// Units read.
    pub units: u64,
    /// Units rejected whole: not JSON, not an object, empty or unreadable.
    pub units_rejected: u64,
    /// Blank lines skipped in line-delimited JSON.
    pub blank_lines: u64,
    /// Releases and records found.
    pub entries: u64,
    /// Entries accepted.
    pub entries_accepted: u64,
    /// Entries rejected.
    pub entries_rejected: u64,
    /// Distinct contracting processes (`ocid`s) among the accepted entries.
    pub processes: u64,
}

impl IngestCounts {
    /// Everything read that is counted on its own: the entries, and the units rejected whole.
    /// Equal to `entries_accepted` plus the number of rejections.
    pub fn input(&self) -> u64 {
        self.entries + self.units_rejected
    }
}

/// What an ingest produced.
#[derive(Debug, Default)]
pub struct Ingested {
    /// One compiled release per contracting process, in `ocid` order.
    pub releases: Vec<Release>,
    /// What else the ingest found.
    pub intake: Intake,
}

/// Keeps every compiled release, by key.
#[derive(Default)]
struct Collected(Vec<Option<Release>>);

impl Make for Releases {
    type Piece = Vec<Release>;

    fn make(&self, units: &mut dyn Iterator<Item = Vec<Release>>) -> Vec<Release> {
        self.work(units)
    }
}

impl Consumer for Collected {
    type Piece = Vec<Release>;
    type Maker = Releases;

    fn maker(&mut self) -> Releases {
        Releases
    }

    fn take(&mut self, pieces: Vec<(Vec<Release>, Vec<Option<u32>>)>) {
        for (releases, keys) in pieces {
            for (release, key) in releases.into_iter().zip(keys) {
                let Some(key) = key else {
                    continue;
                };
                let key = key as usize;
                if self.0.len() <= key {
                    self.0.resize_with(key + 1, || None);
                }
                self.0[key] = Some(release);
            }
        }
    }

    fn retract(&mut self, keys: &[u32]) {
        for key in keys {
            if let Some(slot) = self.0.get_mut(*key as usize) {
                *slot = None;
            }
        }
    }
}

/// An error that stops the ingest before it starts.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// A path given does not exist or cannot be listed.
    #[error("cannot read {path}: {error}")]
    Path {
        /// The path.
        path: String,
        /// The reason (in the message, not also a source: it would be printed twice).
        error: std::io::Error,
    },
    /// No input was given.
    #[error("no input given")]
    NoInput,
    /// A source read a second time (for the releases to merge) no longer holds what it held.
    #[error("{path} changed while it was read: its releases of {ocid} are no longer there")]
    Changed {
        /// The source.
        path: String,
        /// A contracting process whose releases are missing.
        ocid: String,
    },
}

/// Where an accepted release was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    /// The source, by its index among the sources read.
    pub source: usize,
    /// The unit, by its index among the source's units (see [`source::Unit::index`]).
    pub unit: u64,
    /// The unit's line, for a line of line-delimited JSON.
    pub line: Option<u64>,
}

/// Where each accepted release goes, with the place it was found.
pub type Sink<'a, R> = dyn FnMut(Place, R) + 'a;

/// What is done on a thread of the pool with each chunk of a batch's units, as they are
/// parsed: each unit's accepted releases come, in input order, while they are still in the
/// processor's caches, and the chunk's become one [`Work::Out`], which is handed on in input
/// order.
pub trait Work<R>: Sync {
    /// What a chunk's releases become.
    type Out: Send;

    /// Makes it of `units`, each unit's accepted releases; each unit is parsed when it is
    /// asked for.
    fn work(&self, units: &mut dyn Iterator<Item = Vec<R>>) -> Self::Out;
}

/// Where the outcome of each chunk of units goes, with the place of each of its releases.
pub type ChunkSink<'a, O> = dyn FnMut(&[Place], O) + 'a;

/// The releases themselves: for a [`Sink`] of one release at a time, and for a consumer that
/// keeps them.
pub struct Releases;

impl<R: Send> Work<R> for Releases {
    type Out = Vec<R>;

    fn work(&self, units: &mut dyn Iterator<Item = Vec<R>>) -> Vec<R> {
        units.flatten().collect()
    }
}

/// What reading the sources found besides the releases: what was read, what could not be
/// used, the accounting, and the copies of standard input.
pub struct Scanned {
    /// The sources, in reading order.
    pub sources: Vec<Source>,
    /// Their names, in the same order.
    pub names: Vec<String>,
    /// What could not be used, in input order.
    pub rejected: Vec<Rejection>,
    /// The accounting (all but `processes`, which is the caller's to count).
    pub counts: IngestCounts,
    /// The copy of each source that is standard input (see [`Source::open_spooled`]).
    pub spools: Vec<Option<std::fs::File>>,
}

/// Accumulates parsed units.
struct Accumulator<'a, R, W: Work<R>> {
    names: Vec<String>,
    limits: Limits,
    work: &'a W,
    sink: &'a mut ChunkSink<'a, W::Out>,
    rejected: Vec<Rejection>,
    counts: IngestCounts,
    spools: Vec<Option<std::fs::File>>,
}

/// A unit's parsed outcome (its releases taken out), with the count of its releases.
type Counted<R> = (document::Parsed<R>, usize);

/// A chunk of a batch of units parsed: each unit's outcome, and what the work made of the
/// chunk's releases.
type ParsedChunk<R, O> = (Vec<Counted<R>>, O);

/// Parses a batch of units in parallel, chunk by chunk, each chunk's releases handed to the
/// work on the same thread; returns the chunks in input order.
fn parsed<R: document::Entry + Send, W: Work<R>>(
    batch: &[Unit],
    limits: &Limits,
    work: &W,
) -> Vec<ParsedChunk<R, W::Out>> {
    // Chunks of CHUNK_UNITS units, or fewer that hold CHUNK_BYTES: documents (each a unit
    // of its own) are parsed side by side.
    let mut bounds = vec![0];
    let mut bytes = 0;
    for (index, unit) in batch.iter().enumerate() {
        bytes += unit.bytes.len();
        let start = bounds[bounds.len() - 1];
        if index + 1 - start >= CHUNK_UNITS || bytes >= CHUNK_BYTES {
            bounds.push(index + 1);
            bytes = 0;
        }
    }
    if bounds[bounds.len() - 1] < batch.len() {
        bounds.push(batch.len());
    }
    bounds
        .par_windows(2)
        .map(|bounds| &batch[bounds[0]..bounds[1]])
        .map(|units| {
            let mut counted = Vec::with_capacity(units.len());
            let mut parsed = units.iter().map(|unit| {
                let mut parsed = parse_unit::<R>(unit, limits);
                let releases = std::mem::take(&mut parsed.releases);
                // The count of its releases stays, for their places.
                counted.push((parsed, releases.len()));
                releases
            });
            let out = work.work(&mut parsed);
            // (Every unit is counted, whatever the work took.)
            parsed.for_each(drop);
            (counted, out)
        })
        .collect()
}

impl<R: document::Entry + Send, W: Work<R>> Accumulator<'_, R, W> {
    fn reject_unit(&mut self, source: usize, line: Option<u64>, reason: String) {
        self.counts.units_rejected += 1;
        self.rejected.push(Rejection {
            source: self.names[source].clone(),
            line,
            location: None,
            ocid: None,
            reason,
        });
    }

    /// Parses a batch of units in parallel ([`parsed`]) and takes in the results.
    fn flush(&mut self, batch: &mut Vec<Unit>) {
        let chunks = parsed(batch, &self.limits, self.work);
        self.take_in(batch, chunks);
    }

    /// Takes in the results of a batch of units ([`parsed`]) in input order: the accounting,
    /// the rejections, and each chunk's outcome handed to the sink.
    fn take_in(&mut self, batch: &mut Vec<Unit>, chunks: Vec<ParsedChunk<R, W::Out>>) {
        let mut places = Vec::new();
        let mut units = batch.drain(..);
        for (parsed, out) in chunks {
            places.clear();
            // (The chunk's own list first: its end must not take a unit of the next chunk.)
            for ((parsed, count), unit) in parsed.into_iter().zip(units.by_ref()) {
                self.counts.units += 1;
                if parsed.entries == 0 && !parsed.problems.is_empty() {
                    self.counts.units_rejected += 1;
                } else {
                    self.counts.entries += parsed.entries;
                    self.counts.entries_accepted += parsed.accepted;
                    self.counts.entries_rejected += parsed.problems.len() as u64;
                }
                for problem in parsed.problems {
                    self.rejected.push(Rejection {
                        source: self.names[unit.source].clone(),
                        line: problem.line,
                        location: problem.location,
                        ocid: problem.ocid,
                        reason: problem.reason,
                    });
                }
                let place = Place {
                    source: unit.source,
                    unit: unit.index,
                    line: unit.line,
                };
                places.extend(std::iter::repeat_n(place, count));
            }
            (self.sink)(&places, out);
        }
    }

    /// Tells `report` how far the reading of source `index` has got.
    fn report_batch(&self, index: usize, report: &mut dyn FnMut(Progress)) {
        report(Progress {
            source: &self.names[index],
            sources_done: index,
            units: self.counts.units,
        });
    }

    fn read(&mut self, index: usize, source: &Source, report: &mut dyn FnMut(Progress)) {
        let reader = match source.open_spooled(&self.limits, &mut self.spools[index]) {
            Ok(reader) => reader,
            Err(error) => {
                self.counts.units += 1;
                return self.reject_unit(index, None, format!("cannot read: {error}"));
            }
        };
        let limits = self.limits;
        let reading = if rayon::current_num_threads() > 1 {
            // The source is cut into units on a thread of its own, and each batch is parsed
            // by the pool from another, while this thread takes in the batch before: the
            // cutting and the taking in (a process key for each ocid, the frames' numbered
            // texts), serial steps, no longer leave the pool idle. Taking in was 95 ms of the
            // reading's 1.2 s at 100,000 generated processes, and 1.4-1.7 s of its 13.6-20 s
            // at 1,000,000, where its tables outgrow the processor's caches.
            let (sender, receiver) = std::sync::mpsc::sync_channel::<Vec<Unit>>(0);
            let (parsed_sender, parsed_receiver) =
                std::sync::mpsc::sync_channel::<(Vec<Unit>, Vec<ParsedChunk<R, W::Out>>)>(0);
            let work = self.work;
            std::thread::scope(|scope| {
                let cutter = scope.spawn(move || {
                    cut(index, reader, &limits, |batch| {
                        // Sending fails only when the receiving side has stopped (a panic).
                        let _ = sender.send(std::mem::take(batch));
                    })
                });
                let parser = scope.spawn(move || {
                    for batch in receiver {
                        let chunks = parsed(&batch, &limits, work);
                        if parsed_sender.send((batch, chunks)).is_err() {
                            break;
                        }
                    }
                });
                for (mut batch, chunks) in parsed_receiver {
                    self.take_in(&mut batch, chunks);
                    self.report_batch(index, report);
                }
                parser
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                cutter
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
        } else {
            cut(index, reader, &limits, |batch| {
                self.flush(batch);
                self.report_batch(index, report);
            })
        };
        self.counts.blank_lines += reading.blank_lines;
        if reading.empty {
            self.counts.units += 1;
            self.reject_unit(index, None, "empty: the source holds no data".to_owned());
        }
        if let Some((line, error)) = reading.error {
            // What was read before the error is kept; the rest of the source is one rejection.
            self.counts.units += 1;
            let reason = format!("reading stopped: {error}");
            self.reject_unit(index, Some(line), reason);
        }
    }
}

/// Reads one source into batches of units, handing each batch to `batch` (which leaves it
/// empty or takes it).
fn cut(
    index: usize,
    reader: impl std::io::BufRead,
    limits: &Limits,
    mut batch: impl FnMut(&mut Vec<Unit>),
) -> source::Reading {
    let mut units = Vec::new();
    let mut bytes = 0;
    let reading = source::read(index, reader, limits, |unit| {
        bytes += unit.bytes.len();
        units.push(unit);
        if bytes >= BATCH_BYTES || units.len() >= BATCH_UNITS {
            let size = units.len();
            batch(&mut units);
            units.clear();
            units.reserve(size);
            bytes = 0;
        }
    });
    if !units.is_empty() {
        batch(&mut units);
    }
    reading
}

/// Parses one unit within the bounds of `limits`.
pub(crate) fn parse_unit<R: document::Entry>(unit: &Unit, limits: &Limits) -> document::Parsed<R> {
    let refusal = unit.refused.clone().or_else(|| {
        if !limits.checks_depth() {
            return None;
        }
        let (line, column) = limits::too_deep(&unit.bytes, limits.max_depth)?;
        let line = unit.line.unwrap_or(line);
        Some(limits::depth_reason(limits.max_depth, line, column))
    });
    if let Some(reason) = refusal {
        return document::Parsed::refused(unit.line, reason);
    }
    limits::set_array_bound(limits.max_array_elements);
    document::parse_as(&unit.bytes, unit.line)
}

/// How far an ingest has got, for a progress bar.
#[derive(Debug, Clone, Copy)]
pub struct Progress<'a> {
    /// The source being read.
    pub source: &'a str,
    /// How many sources have been read completely.
    pub sources_done: usize,
    /// How many units have been read.
    pub units: u64,
}

/// Reads every input and hands each accepted release, as any [`document::Entry`], to `sink`
/// with the place it was found. Returns what else the reading found.
pub fn read_entries<R: document::Entry + Send>(
    inputs: &[String],
    limits: &Limits,
    started: &mut dyn FnMut(usize),
    report: &mut dyn FnMut(Progress),
    sink: &mut Sink<'_, R>,
) -> Result<Scanned, IngestError> {
    read_chunks(
        inputs,
        limits,
        started,
        report,
        &Releases,
        &mut |places: &[Place], releases: Vec<R>| {
            for (place, release) in places.iter().zip(releases) {
                sink(*place, release);
            }
        },
    )
}

/// Reads every input; the accepted releases of each chunk of units, as any
/// [`document::Entry`], become what `work` makes of them on a thread of the pool, which is
/// handed to `sink` with the place of each release, in input order. Returns what else the
/// reading found.
pub fn read_chunks<R: document::Entry + Send, W: Work<R>>(
    inputs: &[String],
    limits: &Limits,
    started: &mut dyn FnMut(usize),
    report: &mut dyn FnMut(Progress),
    work: &W,
    sink: &mut ChunkSink<'_, W::Out>,
) -> Result<Scanned, IngestError> {
    if inputs.is_empty() {
        return Err(IngestError::NoInput);
    }
    let sources = source::expand(inputs)?;
    let mut accumulator = Accumulator {
        names: sources.iter().map(Source::name).collect(),
        limits: *limits,
        work,
        sink,
        rejected: Vec::new(),
        counts: IngestCounts::default(),
        spools: sources.iter().map(|_| None).collect(),
    };
    started(sources.len());
    for (index, source) in sources.iter().enumerate() {
        tracing::debug!(source = %accumulator.names[index], "reading");
        accumulator.read(index, source, report);
        report(Progress {
            source: &accumulator.names[index],
            sources_done: index + 1,
            units: accumulator.counts.units,
        });
    }
    let mut counts = accumulator.counts;
    counts.sources = sources.len() as u64;
    Ok(Scanned {
        sources,
        names: accumulator.names,
        rejected: accumulator.rejected,
        counts,
        spools: accumulator.spools,
    })
}

/// Reads every input (files, directories, `-` for standard input) and returns one compiled
/// release per contracting process, with everything that could not be used.
pub fn ingest(inputs: &[String]) -> Result<Ingested, IngestError> {
    ingest_with(inputs, &mut |_| {}, &mut |_| {})
}

/// [`ingest`], telling `started` how many sources there are and `report` how far it has got.
pub fn ingest_with(
    inputs: &[String],
    started: &mut dyn FnMut(usize),
    report: &mut dyn FnMut(Progress),
) -> Result<Ingested, IngestError> {
    ingest_prepared(
        inputs,
        &Prepare::none(),
        &Limits::default(),
        started,
        report,
    )
}

/// [`ingest_with`], within the bounds of `limits`, correcting each compiled release by the
/// `[prepare]` settings.
pub fn ingest_prepared(
    inputs: &[String],
    prepare: &Prepare,
    limits: &Limits,
    started: &mut dyn FnMut(usize),
    report: &mut dyn FnMut(Progress),
) -> Result<Ingested, IngestError> {
    let mut collected = Collected::default();
    let intake = ingest_into(inputs, prepare, limits, started, report, &mut collected)?;
    let mut releases: Vec<Release> = collected.0.into_iter().flatten().collect();
    releases.par_sort_unstable_by(|a, b| {
        (a.ocid.str().unwrap_or_default()).cmp(b.ocid.str().unwrap_or_default())
    });
    Ok(Ingested { releases, intake })
}
