//! Writing the outputs: CSV that Excel opens correctly, Parquet, JSON; all or nothing.
//!
//! Every file of a run is written into a staging folder inside the output folder and moved
//! into place only when all of them are complete, so a failed run leaves no half-written file.
//! CSV files start with a UTF-8 byte-order mark (so Excel reads Thai and other non-ASCII text
//! correctly), write dates as ISO 8601, lists joined with `; `, and neutralize text that a
//! spreadsheet would run as a formula.

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use std::fmt::Write as _;

use chrono::{DateTime, Datelike, NaiveDate, Timelike};
use polars::prelude::*;
use rayon::prelude::*;

/// Rows formatted at a time, by one thread, when writing CSV.
const CHUNK_ROWS: usize = 4096;

/// The file, in an output folder, that lists the files the last run wrote there.
pub const MANIFEST: &str = "manifest.json";
/// The prefix of a staging folder's name; its process id follows.
const STAGING_PREFIX: &str = ".redflags-staging-";

/// A set of output files written all together, or not at all.
///
/// The files are written into a hidden staging folder inside the output folder and moved into
/// place only when all of them are complete, then [`MANIFEST`] lists them. A later run into the
/// same folder replaces the files of the run before (those its manifest lists, and only those):
/// the folder never mixes two runs' files, and files that no run wrote are never touched. The
/// staging folder of a run that was killed is removed by the next run.
pub struct Staging {
    directory: PathBuf,
    staging: tempfile::TempDir,
    files: Vec<String>,
}

impl Staging {
    /// Prepares to write into `directory` (created if needed).
    pub fn new(directory: &Path) -> anyhow::Result<Staging> {
        fs::create_dir_all(directory)
            .with_context(|| format!("cannot create the output folder {}", directory.display()))?;
        remove_abandoned_staging(directory);
        let staging = tempfile::Builder::new()
            .prefix(&format!("{STAGING_PREFIX}{}-", std::process::id()))
            .tempdir_in(directory)
            .with_context(|| format!("cannot write in {}", directory.display()))?;
        Ok(Staging {
            directory: directory.to_path_buf(),
            staging,
            files: Vec::new(),
        })
    }

    /// Creates a file in the staging folder, listed among the run's files.
    fn create(&mut self, name: &str) -> anyhow::Result<BufWriter<Streamed>> {
        let path = self.staging.path().join(name);
        let file = File::create(&path).with_context(|| format!("cannot create {name}"))?;
        self.files.push(name.to_owned());
        Ok(BufWriter::with_capacity(1 << 20, Streamed::new(file)))
    }

    /// Writes a table as CSV.
    pub fn csv(&mut self, name: &str, frame: &DataFrame) -> anyhow::Result<()> {
        let out = self.create(name)?;
        finish(name, out, |out| write_csv(out, frame))?;
        // Each table's working memory goes back before the next is made.
        crate::memory::release_freed();
        Ok(())
    }

    /// Writes a table as Parquet.
    pub fn parquet(&mut self, name: &str, frame: &DataFrame) -> anyhow::Result<()> {
        let out = self.create(name)?;
        finish(name, out, |out| Ok(write_parquet(out, frame)?))?;
        crate::memory::release_freed();
        Ok(())
    }

    /// Writes a table as CSV and as Parquet, `{stem}.csv` and `{stem}.parquet` (see
    /// [`Staging::tables`]).
    pub fn table(&mut self, stem: &str, frame: &DataFrame) -> anyhow::Result<()> {
        self.tables(&[(stem, frame)])
    }

    /// Writes tables as CSV and as Parquet, `{stem}.csv` and `{stem}.parquet` for each, two
    /// files at a time: each of two threads writes the next file, in the order given (CSV,
    /// then Parquet, table after table), as soon as it has written one. The Parquet writer,
    /// which compresses one row group at a time, leaves a core idle about half the time, and
    /// the CSV's formatting takes it; and a small table's files are written while a larger
    /// one's still are. (Table after table, each table's two files at once, the small tables at
    /// the end used about 1.3 of the two cores at 100,000 generated processes.)
    pub fn tables(&mut self, tables: &[(&str, &DataFrame)]) -> anyhow::Result<()> {
        let mut files = Vec::with_capacity(2 * tables.len());
        for &(stem, frame) in tables {
            for parquet in [false, true] {
                let name = format!("{stem}.{}", if parquet { "parquet" } else { "csv" });
                let out = self.create(&name)?;
                files.push((name, out, frame, parquet));
            }
        }
        let queue = std::sync::Mutex::new(files.into_iter());
        let write = || -> anyhow::Result<()> {
            loop {
                // (The lock is held only to take the next file.)
                let next = queue
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .next();
                let Some((name, out, frame, parquet)) = next else {
                    return Ok(());
                };
                if parquet {
                    finish(&name, out, |out| Ok(write_parquet(out, frame)?))?;
                } else {
                    finish(&name, out, |out| write_csv(out, frame))?;
                }
            }
        };
        std::thread::scope(|scope| {
            let other = scope.spawn(write);
            let mine = write();
            let other = other
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            mine.and(other)
        })?;
        // The tables' working memory goes back before what comes next is made.
        crate::memory::release_freed();
        Ok(())
    }

    /// Writes a JSON document, pretty-printed.
    pub fn json(&mut self, name: &str, value: &serde_json::Value) -> anyhow::Result<()> {
        let out = self.create(name)?;
        finish(name, out, |out| {
            serde_json::to_writer_pretty(&mut *out, value)?;
            Ok(out.write_all(b"\n")?)
        })
    }

    /// Moves every file into the output folder, replacing older ones, writes the manifest and
    /// removes the files of the previous run that this one did not replace; returns the paths
    /// written. Nothing is moved if any target is in the way (a folder of the same name).
    pub fn commit(mut self) -> anyhow::Result<Vec<PathBuf>> {
        let previous = read_manifest(&self.directory);
        let manifest: Vec<serde_json::Value> = self
            .files
            .iter()
            .map(|name| serde_json::json!({ "file": name }))
            .collect();
        let listing = serde_json::json!({
            "written_by": format!("redflags {}", env!("CARGO_PKG_VERSION")),
            "files": manifest,
        });
        let mut out = self.create(MANIFEST)?;
        serde_json::to_writer_pretty(&mut out, &listing)?;
        out.write_all(b"\n")?;
        out.flush()?;
        drop(out);
        for name in &self.files {
            let target = self.directory.join(name);
            if target.is_dir() {
                anyhow::bail!(
                    "cannot write {}: a folder of that name is in the way; nothing was replaced",
                    target.display()
                );
            }
        }
        let mut written = Vec::new();
        // The manifest last: until it is in place, the previous one still lists its files.
        for name in &self.files {
            let target = self.directory.join(name);
            fs::rename(self.staging.path().join(name), &target)
                .with_context(|| format!("cannot move {name} into place"))?;
            written.push(target);
        }
        for name in previous {
            if !self.files.contains(&name) {
                let _ = fs::remove_file(self.directory.join(&name));
            }
        }
        Ok(written)
    }
}

/// Writes file `name` with `write` and flushes it; at trace level, logs the time it took and
/// the memory after it.
fn finish(
    name: &str,
    mut out: BufWriter<Streamed>,
    write: impl FnOnce(&mut BufWriter<Streamed>) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    write(&mut out).with_context(|| format!("writing {name}"))?;
    out.flush().with_context(|| format!("writing {name}"))?;
    tracing::trace!(
        written = name,
        elapsed_ms = started.elapsed().as_millis() as u64,
        peak_mib = crate::memory::stage_peak_mib(),
        resident_mib = crate::memory::resident_memory_mib(),
    );
    Ok(())
}

/// The files the manifest of an output folder lists (plain names inside the folder only).
fn read_manifest(directory: &Path) -> Vec<String> {
    let Ok(text) = fs::read_to_string(directory.join(MANIFEST)) else {
        return Vec::new();
    };
    let Ok(listing) = serde_json::from_str::<serde_json::Value>(&text) else {
        return Vec::new();
    };
    listing["files"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|entry| entry["file"].as_str())
        .filter(|name| {
            let path = Path::new(name);
            path.components().count() == 1 && path.file_name().is_some() && !name.starts_with('.')
        })
        .map(str::to_owned)
        .collect()
}

/// Removes the staging folders of runs whose process no longer exists (killed before they
/// finished). Where a process's existence cannot be told, nothing is removed.
fn remove_abandoned_staging(directory: &Path) {
    let Ok(entries) = fs::read_dir(directory) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = name
            .strip_prefix(STAGING_PREFIX)
            .and_then(|rest| rest.split('-').next())
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        let proc = Path::new("/proc");
        if pid != std::process::id()
            && proc.join("self").exists()
            && !proc.join(pid.to_string()).exists()
        {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

/// One output file, gzip-compressed when its name ends in `.gz`. A regular file (or a new one,
/// its folder created if needed) is written whole or not at all: in a temporary folder beside
/// it, moved into place at the end. Anything else (a device such as `/dev/null`, a pipe, a
/// symbolic link) is written in place.
pub struct OutputFile {
    path: PathBuf,
    /// The temporary folder, for a regular file.
    staging: Option<tempfile::TempDir>,
    /// Where to write.
    pub writer: OutputWriter,
}

/// The writer of an [`OutputFile`].
pub enum OutputWriter {
    /// As is.
    Plain(std::io::BufWriter<Streamed>),
    /// Gzip-compressed.
    Gzip(Box<flate2::write::GzEncoder<std::io::BufWriter<Streamed>>>),
}

impl Write for OutputWriter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        match self {
            OutputWriter::Plain(writer) => writer.write(bytes),
            OutputWriter::Gzip(writer) => writer.write(bytes),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            OutputWriter::Plain(writer) => writer.flush(),
            OutputWriter::Gzip(writer) => writer.flush(),
        }
    }
}

impl OutputFile {
    /// Opens the file for writing.
    pub fn create(path: &Path) -> anyhow::Result<Self> {
        let cannot =
            |error: std::io::Error| anyhow::anyhow!("cannot write {}: {error}", path.display());
        let regular = match std::fs::symlink_metadata(path) {
            Ok(metadata) => metadata.is_file(),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => true,
            Err(error) => return Err(cannot(error)),
        };
        let staging = if regular {
            let folder = match path.parent() {
                Some(parent) if !parent.as_os_str().is_empty() => parent,
                _ => Path::new("."),
            };
            fs::create_dir_all(folder).map_err(cannot)?;
            let staging = tempfile::Builder::new()
                .prefix(".redflags-")
                .tempdir_in(folder)
                .map_err(cannot)?;
            Some(staging)
        } else {
            None
        };
        let target = staging
            .as_ref()
            .map_or_else(|| path.to_owned(), |staging| staging.path().join("part"));
        let file = std::io::BufWriter::with_capacity(
            1 << 20,
            Streamed::new(std::fs::File::create(target).map_err(cannot)?),
        );
        let writer = if path.extension().is_some_and(|extension| extension == "gz") {
            OutputWriter::Gzip(Box::new(flate2::write::GzEncoder::new(
                file,
                flate2::Compression::fast(),
            )))
        } else {
            OutputWriter::Plain(file)
        };
        Ok(OutputFile {
            path: path.to_owned(),
            staging,
            writer,
        })
    }

    /// Finishes the file and moves it into place.
    pub fn commit(self) -> anyhow::Result<()> {
        let cannot = |error: std::io::Error| {
            anyhow::anyhow!("cannot write {}: {error}", self.path.display())
        };
        let mut file = match self.writer {
            OutputWriter::Plain(file) => file,
            OutputWriter::Gzip(gzip) => gzip.finish().map_err(cannot)?,
        };
        std::io::Write::flush(&mut file).map_err(cannot)?;
        drop(file);
        if let Some(staging) = &self.staging {
            std::fs::rename(staging.path().join("part"), &self.path).map_err(cannot)?;
        }
        Ok(())
    }
}

/// A file written from front to back whose pages leave the system's file cache soon after
/// they are written: as each [`STREAMED_WINDOW`] of it is complete, its writing to disk is
/// started, and the window written [`STREAMED_LAG`] windows before it is dropped from the
/// cache if it is on disk by then (if not, it stays, as any written file's pages do; nothing
/// waits for the disk). An output is read again only by the analyst, later; and each page of
/// cache a large output takes is one the system must find, while the pages dropped are taken
/// again by the next ones at once. On this project's machines (virtual ones) a page of memory
/// the system has not used for a while is slow to take: writing 1,500 MB through the cache
/// took 1.5-2.7 s of processor time, 0.4-0.6 s with this (Linux; elsewhere a plain file).
pub struct Streamed {
    file: File,
    /// Bytes written.
    written: u64,
    /// Windows whose writing to disk has been started.
    started: u64,
    /// Whether the system refused (a pipe, say): then the file is plain.
    plain: bool,
}

/// The size of a window of a [`Streamed`] file.
const STREAMED_WINDOW: u64 = 8 << 20;

/// How many windows after its own a window of a [`Streamed`] file is dropped from the cache.
const STREAMED_LAG: u64 = 2;

impl Streamed {
    /// A file to stream into.
    pub fn new(file: File) -> Streamed {
        Streamed {
            file,
            written: 0,
            started: 0,
            plain: !cfg!(target_os = "linux"),
        }
    }

    /// Starts writing window `window` to disk and drops the one [`STREAMED_LAG`] before it
    /// from the cache.
    #[cfg(target_os = "linux")]
    fn behind(&mut self, window: u64) {
        use std::os::fd::AsRawFd;
        let fd = self.file.as_raw_fd();
        let size = STREAMED_WINDOW as libc::off64_t;
        let offset = (window * STREAMED_WINDOW) as libc::off64_t;
        // SAFETY: both calls take the file's open descriptor and plain numbers, no pointer.
        let started =
            unsafe { libc::sync_file_range(fd, offset, size, libc::SYNC_FILE_RANGE_WRITE) };
        if started != 0 {
            self.plain = true;
            return;
        }
        if window >= STREAMED_LAG {
            let before = ((window - STREAMED_LAG) * STREAMED_WINDOW) as libc::off64_t;
            // SAFETY: as above. Pages not yet on disk are left in the cache.
            unsafe { libc::posix_fadvise(fd, before, size, libc::POSIX_FADV_DONTNEED) };
        }
    }

    #[cfg(not(target_os = "linux"))]
    fn behind(&mut self, _window: u64) {}
}

impl Write for Streamed {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        let written = self.file.write(bytes)?;
        self.written += written as u64;
        while !self.plain && (self.started + 1) * STREAMED_WINDOW <= self.written {
            self.behind(self.started);
            self.started += 1;
        }
        Ok(written)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

/// Writes one file whole or not at all (see [`OutputFile`]).
pub fn write_file(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let mut file = OutputFile::create(path)?;
    file.writer
        .write_all(bytes)
        .with_context(|| format!("cannot write {}", path.display()))?;
    file.commit()
}

/// The UTF-8 byte-order mark, for Excel.
const BOM: &[u8] = b"\xef\xbb\xbf";

/// Text a spreadsheet would read as a formula gets a leading apostrophe. A lone sign or a
/// plain number (`-`, `-12.5`) is not a formula and stays as it is.
fn neutralize(text: &str) -> std::borrow::Cow<'_, str> {
    if is_formula(text) {
        format!("'{text}").into()
    } else {
        text.into()
    }
}

/// Whether a spreadsheet would read `text` as a formula (see [`neutralize`]).
fn is_formula(text: &str) -> bool {
    matches!(
        text.as_bytes().first(),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
    ) && text.len() > 1
        && text.parse::<f64>().is_err()
}

/// Writes a timestamp (in `unit`s since the epoch, UTC) into `out` as ISO 8601.
fn write_timestamp(out: &mut String, value: i64, unit: TimeUnit) {
    let milliseconds = match unit {
        TimeUnit::Milliseconds => value,
        TimeUnit::Microseconds => value.div_euclid(1_000),
        TimeUnit::Nanoseconds => value.div_euclid(1_000_000),
    };
    let Some(time) = DateTime::from_timestamp_millis(milliseconds) else {
        return;
    };
    let date = time.date_naive();
    // As chrono's `%Y`: four digits, with a sign before and after them.
    let year = date.year();
    if (0..=9999).contains(&year) {
        push_padded(out, year as u64, 4);
    } else {
        let _ = write!(out, "{year:+05}");
    }
    for (separator, value) in [
        ('-', date.month()),
        ('-', date.day()),
        ('T', time.hour()),
        (':', time.minute()),
        (':', time.second()),
    ] {
        out.push(separator);
        push_padded(out, u64::from(value), 2);
    }
    match time.timestamp_subsec_millis() {
        0 => out.push('Z'),
        millis => {
            out.push('.');
            push_padded(out, u64::from(millis), 3);
            out.push('Z');
        }
    }
}

/// Writes `value` in decimal digits, with zeros before them up to `width` digits: as
/// `write!(out, "{value:0width$}")` writes it, without the formatting machinery, which took
/// about a tenth of the CSV files' processor time.
fn push_padded(out: &mut String, value: u64, width: usize) {
    let mut digits = itoa::Buffer::new();
    let digits = digits.format(value);
    for _ in digits.len()..width {
        out.push('0');
    }
    out.push_str(digits);
}

/// Writes a number into `out` as the shortest text that reads back as the same number
/// (nothing for one that is not finite), as Rust's `Display` writes it.
///
/// Most numbers written are amounts, scores and shares of a few decimals, which are written
/// directly from their digits: a number below 10⁹ that is the nearest one to a decimal of at
/// most [`FEW_DECIMALS`] places is that decimal's, whose at most 15 significant digits no
/// shorter text reads back as (it is what `Display` writes). Others go through `Display`,
/// which took 6% of the outputs' processor time at 100,000 generated processes.
fn write_number(out: &mut String, value: f64) {
    if !value.is_finite() {
        return;
    }
    const SCALE: f64 = 1e6;
    let scaled = (value * SCALE).round();
    if value.abs() < 1e9 && value != 0.0 && scaled / SCALE == value {
        // Below 10^15 in magnitude: an exact integer.
        let scaled = scaled as i64;
        if scaled < 0 {
            out.push('-');
        }
        let magnitude = scaled.unsigned_abs();
        let whole = magnitude / 1_000_000;
        let mut fraction = magnitude % 1_000_000;
        push_padded(out, whole, 0);
        if fraction > 0 {
            let mut places = FEW_DECIMALS;
            while fraction.is_multiple_of(10) {
                fraction /= 10;
                places -= 1;
            }
            out.push('.');
            push_padded(out, fraction, places);
        }
        return;
    }
    let _ = write!(out, "{value}");
}

/// The decimal places of the numbers [`write_number`] writes from their digits.
const FEW_DECIMALS: usize = 6;

/// A reader of a CSV file's bytes as this tool writes it or a spreadsheet saves it: the
/// byte-order mark, if any, skipped; the first row is the header.
pub fn csv_reader(bytes: &[u8]) -> csv::Reader<&[u8]> {
    csv::Reader::from_reader(bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes))
}

/// Rows per row group of a Parquet file: each is made (its numbered texts as plain texts) and
/// encoded in memory before it is written, so a large table is never held twice. (Polars'
/// own default, a whole table of up to half a million rows in one group, held the 300,000
/// processes' contracts twice while writing them: 180 MB more at the run's peak.) Encoding a
/// group of the contracts takes about 3 KB per row: at 65,536 rows the 1,000,000 processes'
/// contracts.parquet raised the resident memory by 190 MiB, the run's peak then; at 16,384,
/// by 47 MiB, for a file 10% larger (300,000 processes: 24.7 -> 27.1 MB).
const ROW_GROUP_ROWS: usize = 1 << 14;

/// Zstandard at level 1 (the library's default is 3): at 100,000 generated processes the
/// outputs' processor time went from 1.03-1.34 to 0.91-1.19 s and the stage from 568-789 to
/// 518-655 ms (four alternate runs), the Parquet writing's instructions fell by a fifth, and
/// `contracts.parquet` grew by 7% (300,000 processes: 27.1 -> 29.1 MB; the smaller tables'
/// files within 5% either way). The values are the same.
const ZSTD_LEVEL: i32 = 1;

/// Writes a table as Parquet (Zstandard, see [`ZSTD_LEVEL`]), one row group of
/// [`ROW_GROUP_ROWS`] at a time: numbered texts (see [`crate::frames::NUMBERED`]) are written
/// as texts, made for one row group at a time.
pub fn write_parquet(out: &mut impl Write, frame: &DataFrame) -> PolarsResult<()> {
    let plain = |frame: DataFrame| -> PolarsResult<DataFrame> {
        let mut frame = lists_joined(crate::frames::unnumbered(frame)?)?;
        // The writer takes a table whose columns are cut into pieces at the same rows.
        if frame.should_rechunk() {
            frame.rechunk_mut();
        }
        Ok(frame)
    };
    let group = |offset: usize| frame.slice(offset as i64, ROW_GROUP_ROWS);
    let first = plain(group(0))?;
    let mut writer = ParquetWriter::new(out)
        .with_compression(ParquetCompression::Zstd(Some(
            polars_parquet::write::ZstdLevel::try_new(ZSTD_LEVEL)?,
        )))
        .batched(first.schema())?;
    writer.write_batch(&first)?;
    drop(first);
    for offset in (ROW_GROUP_ROWS..frame.height()).step_by(ROW_GROUP_ROWS) {
        writer.write_batch(&plain(group(offset))?)?;
    }
    writer.finish()?;
    Ok(())
}

/// Formats every value of a column as CSV text (empty for null).
///
/// Text is borrowed from the column where it is written as it is (most of a table's cells),
/// not copied.
pub fn cells(series: &Series) -> PolarsResult<Vec<std::borrow::Cow<'_, str>>> {
    Ok(match Cells::of(series)? {
        Cells::Text(values) => values
            .into_iter()
            .map(|value| value.map(neutralize).unwrap_or_default())
            .collect(),
        Cells::Made(values) => values.into_iter().map(std::borrow::Cow::Owned).collect(),
        cells => (0..series.len())
            .map(|row| {
                let mut cell = String::new();
                cells.write(row, &mut cell);
                std::borrow::Cow::Owned(cell)
            })
            .collect(),
    })
}

/// [`cells`] of a column of the types [`Cells`] does not write one at a time (dates, lists and
/// the rarer types), made anew.
fn made_cells(series: &Series) -> PolarsResult<Vec<String>> {
    let text = |value: Option<&str>| {
        value
            .map(|v| neutralize(v).into_owned())
            .unwrap_or_default()
    };
    Ok(match series.dtype() {
        DataType::Date => series
            .cast(&DataType::Int32)?
            .i32()?
            .iter()
            .map(|v| {
                v.and_then(|days| {
                    NaiveDate::from_num_days_from_ce_opt(days + 719_163)
                        .map(|d| d.format("%Y-%m-%d").to_string())
                })
                .unwrap_or_default()
            })
            .collect(),
        DataType::List(inner) if is_text(inner) => joined_cells(series)?,
        DataType::List(_) => {
            let mut out = Vec::with_capacity(series.len());
            for value in series.list()?.series_iter() {
                out.push(match value {
                    Some(inner) => cells(&inner)?
                        .into_iter()
                        .filter(|cell| !cell.is_empty())
                        .collect::<Vec<_>>()
                        .join("; "),
                    None => String::new(),
                });
            }
            out
        }
        _ => {
            let as_text = series.cast(&DataType::String)?;
            as_text.str()?.iter().map(text).collect()
        }
    })
}

/// Whether a type is text, held as text or numbered.
fn is_text(dtype: &DataType) -> bool {
    matches!(dtype, DataType::String | DataType::Categorical(..))
}

/// The cells of a column of lists of texts: each list's texts (formulas neutralized, empty
/// ones left out) joined with `; `, read from the list's values in place.
fn joined_cells(series: &Series) -> PolarsResult<Vec<String>> {
    use polars_arrow::array::Array;
    let lists = series.cast(&DataType::List(Box::new(DataType::String)))?;
    let lists = lists.list()?;
    let mut out = Vec::with_capacity(lists.len());
    for array in lists.downcast_iter() {
        let values = array
            .values()
            .as_any()
            .downcast_ref::<polars_arrow::array::Utf8ViewArray>()
            .ok_or_else(|| polars_err!(ComputeError: "a list of texts expected"))?;
        for row in 0..array.len() {
            let mut cell = String::new();
            if array.is_valid(row) {
                let (start, end) = array.offsets().start_end(row);
                for text in (start..end).filter_map(|index| values.get(index)) {
                    if text.is_empty() {
                        continue;
                    }
                    if !cell.is_empty() {
                        cell.push_str("; ");
                    }
                    cell.push_str(&neutralize(text));
                }
            }
            out.push(cell);
        }
    }
    Ok(out)
}

/// `frame` with its columns of lists of texts as texts, each list's texts joined with `; `
/// as the CSV files write them (formulas aside): the Parquet files hold the same text.
fn lists_joined(mut frame: DataFrame) -> PolarsResult<DataFrame> {
    for index in 0..frame.width() {
        let column = &frame.columns()[index];
        if let DataType::List(inner) = column.dtype()
            && is_text(inner)
        {
            let joined = column
                .as_materialized_series()
                .cast(&DataType::List(Box::new(DataType::String)))?
                .list()?
                .lst_join(&StringChunked::from_slice("".into(), &["; "]), true)?
                .with_name(column.name().clone())
                .into_column();
            frame.replace_column(index, joined)?;
        }
    }
    Ok(frame)
}

/// Writes a table as CSV: a byte-order mark, a header, then the rows.
///
/// The rows are formatted in chunks of [`CHUNK_ROWS`], as many chunks at a time as there are
/// threads, each chunk into its own buffer, and the buffers written in order: the file is the
/// same whatever the threads, and at most one round of chunks is held as text.
pub fn write_csv(out: &mut impl Write, frame: &DataFrame) -> anyhow::Result<()> {
    out.write_all(BOM)?;
    let mut header = csv::WriterBuilder::new().from_writer(Vec::new());
    header.write_record(frame.get_column_names().iter().map(|name| name.as_str()))?;
    out.write_all(&header.into_inner().map_err(|error| error.into_error())?)?;
    let height = frame.height();
    let offsets: Vec<usize> = (0..height).step_by(CHUNK_ROWS).collect();
    let round = rayon::current_num_threads().max(1);
    for offsets in offsets.chunks(round) {
        let buffers = offsets
            .par_iter()
            .map(|&offset| csv_rows(&frame.slice(offset as i64, CHUNK_ROWS)))
            .collect::<anyhow::Result<Vec<_>>>()?;
        for buffer in buffers {
            out.write_all(&buffer)?;
        }
    }
    Ok(())
}

/// The rows of a table as CSV text, without a header: each cell written in place (see
/// [`Cells`]), none made as a text of its own, and quoted as the `csv` crate quotes (the
/// header's writer): only a text holding a comma, a double quote or a line break, its double
/// quotes doubled. Writing the cells straight into the chunk's text, instead of through the
/// `csv` crate field by field, took the outputs' processor time at 100,000 generated
/// processes from 1.73-1.90 to 1.49-1.60 s (`contracts.csv`: 695-777 to 584-645 ms).
fn csv_rows(frame: &DataFrame) -> anyhow::Result<Vec<u8>> {
    let width = frame.width().max(1);
    // About 16 bytes a cell to start with (the contracts' rows average about 13).
    let mut out = String::with_capacity(frame.height() * 16 * width);
    for start in (0..frame.height()).step_by(BLOCK_ROWS) {
        csv_block(&frame.slice(start as i64, BLOCK_ROWS), &mut out)?;
    }
    Ok(out.into_bytes())
}

/// Rows of a chunk whose cells are made ready (see [`Cells`]) and written at a time. The rows
/// are written across every column's cells: a table's 130 columns of 4,096 rows at once
/// (about 8 MB of cells) outgrew the processor's cache, and every row waited on memory for
/// each column's cells. With 256 rows (about half a megabyte) the outputs' processor time at
/// 100,000 generated processes went from 1.19-1.45 to 1.08-1.16 s (three alternate runs of
/// 4,096, 256 and 128 rows beside a build).
const BLOCK_ROWS: usize = 256;

/// Appends the rows of `frame` to `out` (see [`csv_rows`]).
fn csv_block(frame: &DataFrame, out: &mut String) -> anyhow::Result<()> {
    let columns = frame
        .columns()
        .iter()
        .map(|column| {
            // A column with no value at all (an indicator that assessed nothing) writes
            // empty cells, without its values being made or read.
            if column.null_count() == column.len() {
                Ok(Cells::Empty)
            } else {
                Cells::of(column.as_materialized_series())
            }
        })
        .collect::<PolarsResult<Vec<_>>>()?;
    for row in 0..frame.height() {
        let start = out.len();
        for (index, column) in columns.iter().enumerate() {
            if index > 0 {
                out.push(',');
            }
            column.write_csv(row, out);
        }
        // A row of one empty cell is written as an empty quoted text, not as an empty line.
        if out.len() == start {
            out.push_str("\"\"");
        }
        out.push('\n');
    }
    Ok(())
}

/// Writes `text` as a CSV cell: as it is, or quoted where it holds a comma, a double quote or
/// a line break (its double quotes doubled). `prefix` goes before it, inside the quotes.
fn write_csv_text(out: &mut String, prefix: &str, text: &str) {
    let bytes = text.as_bytes();
    if memchr::memchr3(b',', b'"', b'\n', bytes).is_none() && memchr::memchr(b'\r', bytes).is_none()
    {
        out.push_str(prefix);
        out.push_str(text);
        return;
    }
    out.push('"');
    out.push_str(prefix);
    let mut pieces = text.split('"');
    if let Some(first) = pieces.next() {
        out.push_str(first);
    }
    for piece in pieces {
        out.push_str("\"\"");
        out.push_str(piece);
    }
    out.push('"');
}

/// A column's values ready to be written as CSV text one cell at a time, as [`cells`] formats
/// them.
enum Cells<'a> {
    Text(Vec<Option<&'a str>>),
    Float(Vec<Option<f64>>),
    Integer(Vec<Option<i64>>),
    Boolean(Vec<Option<bool>>),
    Timestamp(Vec<Option<i64>>, TimeUnit),
    /// Lists and the rarer types, formatted beforehand.
    Made(Vec<String>),
    /// No value at all: every cell empty.
    Empty,
}

impl<'a> Cells<'a> {
    fn of(series: &'a Series) -> PolarsResult<Cells<'a>> {
        Ok(match series.dtype() {
            DataType::String => Cells::Text(series.str()?.iter().collect()),
            DataType::Categorical(..) => Cells::Text(series.cat32()?.iter_str().collect()),
            DataType::Float32 | DataType::Float64 => {
                Cells::Float(series.cast(&DataType::Float64)?.f64()?.iter().collect())
            }
            DataType::Boolean => Cells::Boolean(series.bool()?.iter().collect()),
            DataType::Datetime(unit, _) => Cells::Timestamp(
                series.cast(&DataType::Int64)?.i64()?.iter().collect(),
                *unit,
            ),
            dtype if dtype.is_integer() => {
                Cells::Integer(series.cast(&DataType::Int64)?.i64()?.iter().collect())
            }
            _ => Cells::Made(made_cells(series)?),
        })
    }

    /// Writes row `row`'s cell into `out` as a CSV cell (see [`write_csv_text`]): texts
    /// quoted where they must be; numbers, dates and booleans never need it.
    fn write_csv(&self, row: usize, out: &mut String) {
        match self {
            Cells::Text(values) => {
                if let Some(text) = values[row] {
                    let prefix = if is_formula(text) { "'" } else { "" };
                    write_csv_text(out, prefix, text);
                }
            }
            Cells::Made(values) => write_csv_text(out, "", &values[row]),
            _ => self.write(row, out),
        }
    }

    /// Writes row `row`'s cell into `out` (nothing for a missing value).
    fn write(&self, row: usize, out: &mut String) {
        match self {
            Cells::Text(values) => {
                if let Some(text) = values[row] {
                    if is_formula(text) {
                        out.push('\'');
                    }
                    out.push_str(text);
                }
            }
            Cells::Float(values) => {
                if let Some(value) = values[row] {
                    write_number(out, value);
                }
            }
            Cells::Integer(values) => {
                if let Some(value) = values[row] {
                    out.push_str(itoa::Buffer::new().format(value));
                }
            }
            Cells::Boolean(values) => {
                if let Some(value) = values[row] {
                    out.push_str(if value { "true" } else { "false" });
                }
            }
            Cells::Timestamp(values, unit) => {
                if let Some(value) = values[row] {
                    write_timestamp(out, value, *unit);
                }
            }
            Cells::Made(values) => out.push_str(&values[row]),
            Cells::Empty => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iso_timestamp(value: i64, unit: TimeUnit) -> String {
        let mut text = String::new();
        write_timestamp(&mut text, value, unit);
        text
    }

    #[test]
    fn numbers_are_written_as_display_writes_them() {
        let mut values = vec![
            0.0,
            -0.0,
            1.0,
            -1.0,
            0.5,
            0.1,
            0.2,
            0.3,
            10.94,
            69.51,
            193651.41,
            21185.46,
            0.05,
            0.9968633895869891,
            1e-7,
            1e-6,
            0.000001,
            0.0000015,
            123456.789012,
            999999999.999999,
            1e9,
            1e15,
            1e21,
            3.0e-300,
            2.5,
            -37.5,
            1.0 / 3.0,
            0.07,
        ];
        // Amounts, shares and rounded scores of every size, and some that are not rounded.
        let mut seed = 0x9e3779b97f4a7c15u64;
        for _ in 0..200_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let digits = (seed % 1_000_000_000_000) as f64;
            let places = 10f64.powi((seed >> 40) as i32 % 9);
            let sign = if seed & 1 == 0 { 1.0 } else { -1.0 };
            values.push(sign * digits / places);
            values.push(sign * (digits / places * 100.0).round() / 100.0);
            values.push(f64::from_bits(seed >> 2));
        }
        for value in values {
            let mut written = String::new();
            write_number(&mut written, value);
            let expected = if value.is_finite() {
                format!("{value}")
            } else {
                String::new()
            };
            assert_eq!(written, expected, "{value:e}");
        }
    }

    #[test]
    fn a_streamed_file_holds_every_byte_written_past_its_dropped_windows() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("streamed.bin");
        // Past four windows, in writes of uneven sizes that straddle the windows' ends.
        let bytes: Vec<u8> = (0..(4 * STREAMED_WINDOW + 12_345))
            .map(|index| (index % 251) as u8)
            .collect();
        let mut out =
            BufWriter::with_capacity(1 << 20, Streamed::new(File::create(&path).unwrap()));
        for piece in bytes.chunks(3_000_017) {
            out.write_all(piece).unwrap();
        }
        out.flush().unwrap();
        drop(out);
        assert!(fs::read(&path).unwrap() == bytes);
    }

    #[test]
    fn formulas_are_neutralized_and_text_kept() {
        assert_eq!(neutralize("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(neutralize("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralize("-1+1"), "'-1+1");
        assert_eq!(neutralize("-"), "-");
        assert_eq!(neutralize("-12.5"), "-12.5");
        assert_eq!(neutralize("กรุงเทพมหานคร"), "กรุงเทพมหานคร");
    }

    /// The CSV the `csv` crate writes of the same cells, row by row.
    fn csv_crate_rows(frame: &DataFrame) -> Vec<u8> {
        let columns: Vec<Vec<String>> = frame
            .columns()
            .iter()
            .map(|column| {
                cells(column.as_materialized_series())
                    .unwrap()
                    .into_iter()
                    .map(|cell| cell.into_owned())
                    .collect()
            })
            .collect();
        let mut writer = csv::WriterBuilder::new().from_writer(Vec::new());
        for row in 0..frame.height() {
            writer
                .write_record(columns.iter().map(|column| column[row].as_str()))
                .unwrap();
        }
        writer.into_inner().unwrap()
    }

    #[test]
    fn rows_are_quoted_as_the_csv_crate_quotes_them() {
        let texts = [
            Some("plain"),
            Some("a, b"),
            Some("say \"no\""),
            Some("\"=1\""),
            Some("line\nbreak"),
            Some("carriage\rreturn"),
            Some("=SUM(A1), 2"),
            Some("-1+1"),
            Some("กรุงเทพมหานคร, \"เขต\""),
            Some(""),
            None,
        ];
        let frame = df!(
            "text" => texts,
            "number" => [Some(1.5), None, Some(-2.0), Some(1e21), Some(0.1), None, Some(3.0),
                Some(4.0), Some(5.25), Some(6.0), Some(7.0)],
            "flag" => [Some(true), Some(false), None, Some(true), Some(true), Some(true),
                Some(true), Some(true), Some(true), Some(true), Some(false)],
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(csv_rows(&frame).unwrap()).unwrap(),
            String::from_utf8(csv_crate_rows(&frame)).unwrap()
        );
        // One column: an empty cell is written quoted, so that the row is not an empty line.
        let single = frame.select(["text"]).unwrap();
        let written = csv_rows(&single).unwrap();
        assert_eq!(written, csv_crate_rows(&single));
        assert!(
            String::from_utf8(written)
                .unwrap()
                .ends_with("\n\"\"\n\"\"\n")
        );
    }

    #[test]
    fn cells_format_each_type() {
        let frame = df!(
            "text" => [Some("-1+1"), None],
            "number" => [Some(1.5), Some(2.0)],
            "count" => [Some(3u32), None],
            "flag" => [Some(true), Some(false)],
        )
        .unwrap();
        let text = cells(frame.column("text").unwrap().as_materialized_series()).unwrap();
        assert_eq!(text, ["'-1+1", ""]);
        let numbers = cells(frame.column("number").unwrap().as_materialized_series()).unwrap();
        assert_eq!(numbers, ["1.5", "2"]);
        let counts = cells(frame.column("count").unwrap().as_materialized_series()).unwrap();
        assert_eq!(counts, ["3", ""]);
        assert_eq!(
            iso_timestamp(0, TimeUnit::Milliseconds),
            "1970-01-01T00:00:00Z"
        );
        assert_eq!(
            iso_timestamp(1_500, TimeUnit::Milliseconds),
            "1970-01-01T00:00:01.500Z"
        );
        // Years outside 0-9999 as chrono's `%Y` writes them.
        for millis in [
            -62_198_755_200_000,
            253_402_300_800_000,
            -1,
            1_700_000_000_123,
        ] {
            let time = DateTime::from_timestamp_millis(millis).unwrap();
            let expected = if time.timestamp_subsec_millis() == 0 {
                time.format("%Y-%m-%dT%H:%M:%SZ").to_string()
            } else {
                time.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
            };
            assert_eq!(iso_timestamp(millis, TimeUnit::Milliseconds), expected);
        }
    }
}
