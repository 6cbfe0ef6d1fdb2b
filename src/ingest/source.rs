//! Where the input comes from, and how it is cut into units.
//!
//! A source is a file or standard input. Its content decides how it is read, whatever its name:
//! gzip is recognized by its magic bytes; a source whose first line is a complete JSON value
//! (or a broken object) is line-delimited JSON, one unit per line; anything else is one JSON
//! document, one unit for the whole source.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek, Write};
use std::path::{Path, PathBuf};

use flate2::bufread::MultiGzDecoder;

use super::IngestError;
use super::limits::{Bounded, Counted, Limits};

/// The first bytes of a gzip stream.
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// The extensions a directory's files must have to be read.
const EXTENSIONS: [&str; 4] = [".json", ".jsonl", ".json.gz", ".jsonl.gz"];

/// One place the input is read from.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// Standard input (`-`).
    Stdin,
    /// A file.
    File(PathBuf),
}

impl Source {
    /// The source's name in messages and outputs.
    pub fn name(&self) -> String {
        match self {
            Source::Stdin => "-".to_owned(),
            Source::File(path) => path.display().to_string(),
        }
    }

    /// Opens the source, decompressing it when it is gzip (within the gzip bounds of
    /// `limits`).
    pub fn open(&self, limits: &Limits) -> io::Result<Box<dyn BufRead + Send>> {
        let reader: Box<dyn BufRead + Send> = match self {
            Source::Stdin => Box::new(BufReader::with_capacity(READ_BYTES, io::stdin())),
            Source::File(path) => Box::new(BufReader::with_capacity(READ_BYTES, File::open(path)?)),
        };
        gunzip_if_compressed(reader, limits)
    }

    /// Opens the source for its first reading. Standard input is copied, as it is read, into a
    /// temporary file put in `spool`, so that [`Source::reopen`] can read it again.
    pub fn open_spooled(
        &self,
        limits: &Limits,
        spool: &mut Option<File>,
    ) -> io::Result<Box<dyn BufRead + Send>> {
        match self {
            Source::Stdin => {
                let file = tempfile::tempfile()?;
                let copy = file.try_clone()?;
                *spool = Some(file);
                let tee = Tee {
                    reader: io::stdin(),
                    copy,
                };
                gunzip_if_compressed(Box::new(BufReader::with_capacity(READ_BYTES, tee)), limits)
            }
            Source::File(_) => self.open(limits),
        }
    }

    /// Opens the source again from its start: a file itself, standard input from the copy
    /// [`Source::open_spooled`] made.
    pub fn reopen(
        &self,
        limits: &Limits,
        spool: Option<&File>,
    ) -> io::Result<Box<dyn BufRead + Send>> {
        match (self, spool) {
            (Source::Stdin, Some(spool)) => {
                let mut file = spool.try_clone()?;
                file.rewind()?;
                let reader = Box::new(BufReader::with_capacity(READ_BYTES, file));
                gunzip_if_compressed(reader, limits)
            }
            _ => self.open(limits),
        }
    }
}

/// A reader that writes a copy of everything it reads.
struct Tee<R> {
    reader: R,
    copy: File,
}

impl<R: Read> Read for Tee<R> {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        let read = self.reader.read(buffer)?;
        self.copy.write_all(&buffer[..read]).map_err(|error| {
            io::Error::new(
                error.kind(),
                format!("copying standard input to a temporary file: {error}"),
            )
        })?;
        Ok(read)
    }
}

/// Wraps a reader in a gzip decoder when its first bytes are gzip's magic number; the
/// decompressed stream fails once it outgrows the compressed one by more than the bound.
fn gunzip_if_compressed(
    mut reader: Box<dyn BufRead + Send>,
    limits: &Limits,
) -> io::Result<Box<dyn BufRead + Send>> {
    let head = reader.fill_buf()?;
    if head.starts_with(&GZIP_MAGIC) {
        let compressed = std::sync::Arc::default();
        let decoder = MultiGzDecoder::new(Counted::new(reader, std::sync::Arc::clone(&compressed)));
        Ok(Box::new(BufReader::with_capacity(
            READ_BYTES,
            Bounded::new(decoder, compressed, limits),
        )))
    } else {
        Ok(reader)
    }
}

/// Turns the paths given on the command line into sources: `-` is standard input, a file is
/// itself, and a directory is every `.json`, `.jsonl`, `.json.gz` and `.jsonl.gz` file below
/// it, in name order. A path that does not exist is an error before anything is read.
pub fn expand(inputs: &[String]) -> Result<Vec<Source>, IngestError> {
    let mut sources = Vec::new();
    for input in inputs {
        if input == "-" {
            sources.push(Source::Stdin);
            continue;
        }
        let path = Path::new(input);
        let metadata = std::fs::metadata(path).map_err(|error| IngestError::Path {
            path: input.clone(),
            error,
        })?;
        if !metadata.is_dir() {
            sources.push(Source::File(path.to_path_buf()));
            continue;
        }
        for entry in walkdir::WalkDir::new(path)
            .follow_links(true)
            .sort_by_file_name()
        {
            let entry = entry.map_err(|error| IngestError::Path {
                path: error
                    .path()
                    .map_or_else(|| input.clone(), |p| p.display().to_string()),
                error: error.into(),
            })?;
            let name = entry.file_name().to_string_lossy().to_lowercase();
            if entry.file_type().is_file() && EXTENSIONS.iter().any(|ext| name.ends_with(ext)) {
                sources.push(Source::File(entry.into_path()));
            }
        }
    }
    Ok(sources)
}

/// A piece of input parsed on its own: one line of line-delimited JSON, or a whole document.
#[derive(Debug)]
pub struct Unit {
    /// The index of the source it comes from.
    pub source: usize,
    /// Its place among the source's units, from 0: reading the source again gives the same
    /// units in the same order.
    pub index: u64,
    /// Its line number, for a line of line-delimited JSON.
    pub line: Option<u64>,
    /// Its bytes.
    pub bytes: Piece,
    /// Why it was not read, when it is past a bound (its bytes are then empty).
    pub refused: Option<String>,
}

/// What reading one source found besides its units.
#[derive(Debug, Default)]
pub struct Reading {
    /// Blank lines skipped in line-delimited JSON.
    pub blank_lines: u64,
    /// Whether the source held nothing but white space.
    pub empty: bool,
    /// The error that stopped the reading, with the line it stopped at, if any.
    pub error: Option<(u64, io::Error)>,
}

fn is_blank(line: &[u8]) -> bool {
    line.iter().all(u8::is_ascii_whitespace)
}

/// Strips a UTF-8 byte-order mark.
fn strip_bom(bytes: &mut Vec<u8>) {
    if bytes.starts_with(&[0xef, 0xbb, 0xbf]) {
        bytes.drain(..3);
    }
}

/// Whether a source whose first non-blank line is `line` is line-delimited JSON.
fn is_line_delimited(line: &[u8]) -> bool {
    match serde_json::from_slice::<serde::de::IgnoredAny>(line) {
        Ok(_) => true,
        // A line that ends inside a value is the start of a multi-line document; a line that
        // starts an object but is broken is a bad line in line-delimited JSON.
        Err(error) => !error.is_eof() && line.trim_ascii_start().first() == Some(&b'{'),
    }
}

/// What reading one line found.
enum Line {
    /// The end of the source: nothing was read.
    End,
    /// A line, its newline included.
    Kept(Piece),
    /// A line longer than allowed, read to its end but not kept; its length in bytes.
    TooLong(u64),
}

/// The reason a line too long to read is rejected.
fn too_long(length: u64, limits: &Limits) -> String {
    format!(
        "a line of {length} bytes, longer than {} (the bound [limits] max_line_bytes); not read",
        limits.max_line_bytes
    )
}

/// Reads one source, calling `emit` with each unit in order. A line or document past the
/// bounds of `limits` is emitted as a refused unit, unread.
pub fn read(
    source: usize,
    reader: impl Read,
    limits: &Limits,
    mut emit_unit: impl FnMut(Unit),
) -> Reading {
    let mut units = 0u64;
    let mut emit = |mut unit: Unit| {
        unit.index = units;
        units += 1;
        emit_unit(unit);
    };
    let mut reading = Reading::default();
    let mut number = 0u64;
    let mut head = Vec::new();
    let refuse = |line: Option<u64>, reason: String| Unit {
        source,
        index: 0,
        line,
        bytes: Piece::default(),
        refused: Some(reason),
    };
    let mut blocks = Blocks::new(reader);
    // Find the first line with content, keeping what precedes it for line numbers.
    loop {
        match blocks.next_line(limits.max_line_bytes) {
            Ok(Line::End) => {
                reading.empty = true;
                return reading;
            }
            Ok(Line::Kept(line)) => {
                number += 1;
                let start = head.len();
                head.extend_from_slice(&line);
                if number == 1 {
                    strip_bom(&mut head);
                }
                if !is_blank(&head[start..]) {
                    break;
                }
            }
            Ok(Line::TooLong(length)) => {
                // Too long to tell what it is: the source is read as line-delimited JSON.
                number += 1;
                reading.blank_lines = number - 1;
                emit(refuse(Some(number), too_long(length, limits)));
                head.clear();
                break;
            }
            Err(error) => {
                reading.error = Some((number + 1, error));
                return reading;
            }
        }
    }
    if !head.is_empty() {
        let content_line = number;
        let start_of_line = head.len() - last_line_len(&head);
        if !is_line_delimited(&head[start_of_line..]) {
            let max = limits.max_document_bytes;
            let mut bytes = head;
            if let Err(error) = blocks.read_rest(&mut bytes, max + 1) {
                reading.error = Some((content_line, error));
                return reading;
            }
            if bytes.len() as u64 > max {
                let reason = format!(
                    "a document larger than {max} bytes (the bound [limits] max_document_bytes); not read"
                );
                emit(refuse(None, reason));
            } else {
                emit(Unit {
                    source,
                    index: 0,
                    line: None,
                    bytes: Piece::from(bytes),
                    refused: None,
                });
            }
            return reading;
        }
        reading.blank_lines = content_line - 1;
        emit(Unit {
            source,
            index: 0,
            line: Some(content_line),
            bytes: Piece::from(head.split_off(start_of_line)),
            refused: None,
        });
    }
    loop {
        match blocks.next_line(limits.max_line_bytes) {
            Ok(Line::End) => return reading,
            Ok(Line::Kept(line)) => {
                number += 1;
                if is_blank(&line) {
                    reading.blank_lines += 1;
                } else {
                    emit(Unit {
                        source,
                        index: 0,
                        line: Some(number),
                        bytes: line,
                        refused: None,
                    });
                }
            }
            Ok(Line::TooLong(length)) => {
                number += 1;
                emit(refuse(Some(number), too_long(length, limits)));
            }
            Err(error) => {
                reading.error = Some((number + 1, error));
                return reading;
            }
        }
    }
}

/// A unit's bytes: a range of a block of the input read at once (see [`Blocks`]), or bytes of
/// its own (a whole document). The units cut from a block share it, and it is freed (or read
/// into again) once the last of them is dropped.
#[derive(Clone, Default)]
pub struct Piece {
    block: std::sync::Arc<Vec<u8>>,
    start: usize,
    end: usize,
}

impl From<Vec<u8>> for Piece {
    fn from(bytes: Vec<u8>) -> Piece {
        let end = bytes.len();
        Piece {
            block: std::sync::Arc::new(bytes),
            start: 0,
            end,
        }
    }
}

impl std::ops::Deref for Piece {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.block[self.start..self.end]
    }
}

impl std::fmt::Debug for Piece {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(formatter, "{:?}", String::from_utf8_lossy(self))
    }
}

/// The size of a block of input read at once.
const BLOCK_BYTES: usize = 4 << 20;

/// The least a block is filled by in one read once it holds more than what the block before
/// left: the size of the sources' own buffers (see [`Source::open`]).
const READ_BYTES: usize = 1 << 20;

/// Input cut into lines that share the blocks they were read in: no line shorter than half a
/// block is copied or allocated on its own. Reading a line at a time, each copied into a
/// vector of its own, took 3% of the processor's time of a run at 100,000 generated processes,
/// on the thread that cuts the input beside the two that parse it. The blocks are kept and
/// read into again once every line cut from them is dropped, so the reading takes no new
/// memory as it goes. At 100,000 (six alternate pairs in a quiet spell, the same outputs):
/// 3.26-3.36 s (3.30 on average) against 3.29-3.46 s (3.35), 2-5% fewer page faults.
///
/// A longer line is kept in pieces and joined once at its end (see [`LongLine`]): no block
/// grows for it, so memory holds such a line at most twice, and a line past the bound never
/// more than the bound. (Blocks grown to twice what was read of the line held up to three
/// times the bound, with the freed smaller blocks kept for reuse: 887 MiB for a gigabyte
/// line refused at 256 MiB.)
struct Blocks<R> {
    reader: R,
    /// Every block read so far; `blocks[current]` is the one being cut.
    blocks: Vec<std::sync::Arc<Vec<u8>>>,
    current: usize,
    /// Where the rest of the current block starts, and where what was read into it ends.
    at: usize,
    filled: usize,
    /// Whether the source has ended.
    ended: bool,
    /// An error met while filling the current block, returned once its lines are cut.
    error: Option<io::Error>,
    /// The sizes in use: [`BLOCK_BYTES`] and [`READ_BYTES`] (smaller in tests).
    block_bytes: usize,
    read_bytes: usize,
}

/// The start of a line longer than half a block, read so far: its pieces, or only its length
/// once it is past the bound.
#[derive(Default)]
struct LongLine {
    pieces: Vec<Vec<u8>>,
    length: u64,
}

impl LongLine {
    /// Adds `bytes` to the line, kept while the line is within `max` bytes.
    fn take(&mut self, bytes: &[u8], max: u64) {
        self.length += bytes.len() as u64;
        if self.length > max {
            self.pieces = Vec::new();
        } else {
            self.pieces.push(bytes.to_vec());
        }
    }
}

impl<R: Read> Blocks<R> {
    fn new(reader: R) -> Blocks<R> {
        Blocks::with_sizes(reader, BLOCK_BYTES, READ_BYTES)
    }

    fn with_sizes(reader: R, block_bytes: usize, read_bytes: usize) -> Blocks<R> {
        Blocks {
            reader,
            blocks: vec![std::sync::Arc::default()],
            current: 0,
            at: 0,
            filled: 0,
            ended: false,
            error: None,
            block_bytes,
            read_bytes,
        }
    }

    /// Cuts the next line, reading blocks as needed; a line longer than `max` bytes is read
    /// to its end without being kept.
    fn next_line(&mut self, max: u64) -> io::Result<Line> {
        let mut long = LongLine::default();
        loop {
            let rest = &self.blocks[self.current][self.at..self.filled];
            if let Some(newline) = memchr::memchr(b'\n', rest) {
                let start = self.at;
                self.at += newline + 1;
                return Ok(self.cut(start, long, max));
            }
            if let Some(error) = self.error.take() {
                self.at = self.filled;
                return Err(error);
            }
            if self.ended {
                if rest.is_empty() && long.length == 0 {
                    return Ok(Line::End);
                }
                let start = self.at;
                self.at = self.filled;
                return Ok(self.cut(start, long, max));
            }
            // A line that does not end in the block: moved to the start of the next one, or,
            // longer than half a block, kept in pieces.
            if long.length > 0 || rest.len() * 2 > self.block_bytes {
                long.take(rest, max);
                self.at = self.filled;
            }
            self.refill();
        }
    }

    /// The line from `start` to `self.at`, after `long`: kept, or its length when it is too
    /// long.
    fn cut(&self, start: usize, long: LongLine, max: u64) -> Line {
        let block = &self.blocks[self.current];
        let length = long.length + (self.at - start) as u64;
        if length > max {
            return Line::TooLong(length);
        }
        if long.length == 0 {
            return Line::Kept(Piece {
                block: std::sync::Arc::clone(block),
                start,
                end: self.at,
            });
        }
        let mut line = Vec::with_capacity(length as usize);
        for piece in long.pieces {
            line.extend_from_slice(&piece);
        }
        line.extend_from_slice(&block[start..self.at]);
        Line::Kept(Piece::from(line))
    }

    /// Appends to `bytes` what is left to read, the rest of the current block and then the
    /// reader's, until `bytes` holds `bound` bytes (a document read whole after its first
    /// line). An error met while filling the block comes once its rest is taken.
    fn read_rest(mut self, bytes: &mut Vec<u8>, bound: u64) -> io::Result<()> {
        bytes.extend_from_slice(&self.blocks[self.current][self.at..self.filled]);
        if let Some(error) = self.error.take() {
            return Err(error);
        }
        if self.ended {
            return Ok(());
        }
        let room = bound.saturating_sub(bytes.len() as u64);
        self.reader.take(room).read_to_end(bytes)?;
        Ok(())
    }

    /// Moves what is left of the current block (at most half a block, see
    /// [`Blocks::next_line`]) to the start of a free block (one no line holds any more, or a
    /// new one) and fills the rest of that block from the reader.
    fn refill(&mut self) {
        let pending = self.filled - self.at;
        let size = self.block_bytes;
        let free = (0..self.blocks.len()).find(|&index| {
            index != self.current && std::sync::Arc::strong_count(&self.blocks[index]) == 1
        });
        let next = match free {
            Some(index) => {
                // (The first block, empty, is not of the size.)
                if self.blocks[index].len() != size {
                    self.blocks[index] = std::sync::Arc::new(vec![0; size]);
                }
                index
            }
            None => {
                self.blocks.push(std::sync::Arc::new(vec![0; size]));
                self.blocks.len() - 1
            }
        };
        let from = std::sync::Arc::clone(&self.blocks[self.current]);
        let to = std::sync::Arc::get_mut(&mut self.blocks[next])
            .expect("a free block is held by nothing else");
        to[..pending].copy_from_slice(&from[self.at..self.filled]);
        // Filled until less than `read_bytes` is left, which the reader would read through
        // its own buffer, copying it twice.
        let mut filled = pending;
        while filled < to.len() && (filled == pending || to.len() - filled >= self.read_bytes) {
            match self.reader.read(&mut to[filled..]) {
                Ok(0) => {
                    self.ended = true;
                    break;
                }
                Ok(read) => filled += read,
                Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                Err(error) => {
                    self.error = Some(error);
                    break;
                }
            }
        }
        self.current = next;
        self.at = 0;
        self.filled = filled;
    }
}

/// The length of the last line of `bytes`, its newline included.
fn last_line_len(bytes: &[u8]) -> usize {
    let body = bytes.strip_suffix(b"\n").unwrap_or(bytes);
    match memchr::memrchr(b'\n', body) {
        Some(newline) => bytes.len() - newline - 1,
        None => bytes.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn units(text: &str) -> (Vec<(Option<u64>, String)>, Reading) {
        let mut found = Vec::new();
        let reading = read(0, text.as_bytes(), &Limits::default(), |unit| {
            found.push((unit.line, String::from_utf8(unit.bytes.to_vec()).unwrap()))
        });
        (found, reading)
    }

    #[test]
    fn line_delimited_json_is_cut_into_numbered_lines() {
        let (found, reading) = units("\n{\"ocid\":\"a\"}\n\n{\"ocid\":\"b\"}\nnot json\n");
        let lines: Vec<_> = found.iter().map(|(line, _)| line.unwrap()).collect();
        assert_eq!(lines, [2, 4, 5]);
        assert_eq!(found[2].1, "not json\n");
        assert_eq!(reading.blank_lines, 2);
    }

    #[test]
    fn a_broken_first_object_still_means_line_delimited() {
        let (found, _) = units("{\"ocid\": x}\n{\"ocid\":\"b\"}\n");
        assert_eq!(found.len(), 2);
    }

    #[test]
    fn a_multi_line_document_is_one_unit() {
        let text = "\u{feff}\n{\n  \"releases\": []\n}\n";
        let (found, reading) = units(text);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, None);
        // The byte-order mark goes; the leading blank line stays so that line numbers hold.
        assert_eq!(found[0].1, "\n{\n  \"releases\": []\n}\n");
        assert!(!reading.empty);
    }

    #[test]
    fn an_html_page_is_one_unit() {
        let (found, _) = units("<!DOCTYPE html>\n<html></html>\n");
        assert_eq!(found.len(), 1);
    }

    /// A reader that gives at most `step` bytes a read, and then fails if `fails`.
    struct Trickle<'a> {
        bytes: &'a [u8],
        step: usize,
        fails: bool,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
            if self.bytes.is_empty() && self.fails {
                return Err(io::Error::other("broken"));
            }
            let take = self.step.min(buffer.len()).min(self.bytes.len());
            buffer[..take].copy_from_slice(&self.bytes[..take]);
            self.bytes = &self.bytes[take..];
            Ok(take)
        }
    }

    /// What [`Blocks`] cuts: each line as text, a too-long line as its length, an error as
    /// `!`.
    fn cut_lines(blocks: &mut Blocks<impl Read>, max: u64) -> Vec<String> {
        let mut lines = Vec::new();
        let mut held = Vec::new();
        loop {
            match blocks.next_line(max) {
                Ok(Line::End) => return lines,
                Ok(Line::Kept(piece)) => {
                    lines.push(String::from_utf8(piece.to_vec()).unwrap());
                    // Held on to, so that the blocks cannot all be read into again.
                    held.push(piece);
                }
                Ok(Line::TooLong(length)) => lines.push(format!("<{length}>")),
                Err(_) => {
                    lines.push("!".to_owned());
                    return lines;
                }
            }
            // Each held line is still its own bytes, whatever was read after it.
            for (line, piece) in lines
                .iter()
                .filter(|line| !line.starts_with('<'))
                .zip(&held)
            {
                assert_eq!(line.as_bytes(), &piece[..]);
            }
        }
    }

    /// The lines of `text` as a plain split cuts them (see [`cut_lines`]).
    fn split_lines(text: &str, max: u64) -> Vec<String> {
        text.split_inclusive('\n')
            .map(|line| {
                if line.len() as u64 > max {
                    format!("<{}>", line.len())
                } else {
                    line.to_owned()
                }
            })
            .collect()
    }

    #[test]
    fn lines_across_blocks_are_cut_whole() {
        let text = "{\"a\":1}\n\n{\"ocid\":\"a-much-longer-line-than-any-block\"}\nxy\nlast";
        for block in [1, 2, 3, 5, 8, 64] {
            for step in [1, 2, 7, 100] {
                let reader = Trickle {
                    bytes: text.as_bytes(),
                    step,
                    fails: false,
                };
                let mut blocks = Blocks::with_sizes(reader, block, 2);
                assert_eq!(cut_lines(&mut blocks, 1000), split_lines(text, 1000));
            }
        }
    }

    #[test]
    fn a_line_past_the_bound_is_measured_not_kept_even_across_blocks() {
        let long = "x".repeat(50);
        let text = format!("ab\n{long}\ncd\n{long}");
        let mut blocks = Blocks::with_sizes(text.as_bytes(), 8, 2);
        assert_eq!(cut_lines(&mut blocks, 20), ["ab\n", "<51>", "cd\n", "<50>"]);
    }

    #[test]
    fn an_error_ends_the_lines_after_those_read_before_it() {
        let reader = Trickle {
            bytes: b"a\nb\nhalf a li",
            step: 3,
            fails: true,
        };
        let mut blocks = Blocks::with_sizes(reader, 4, 1);
        assert_eq!(cut_lines(&mut blocks, 100), ["a\n", "b\n", "!"]);
    }

    #[test]
    fn blocks_no_line_holds_are_read_into_again() {
        let text = "0123456\n".repeat(1000);
        let mut blocks = Blocks::with_sizes(text.as_bytes(), 64, 8);
        let mut count = 0;
        while let Ok(Line::Kept(line)) = blocks.next_line(100) {
            assert_eq!(&line[..], b"0123456\n");
            count += 1;
        }
        assert_eq!(count, 1000);
        // The one being cut and the one before it (the empty first), not one a block.
        assert!(blocks.blocks.len() <= 3, "{} blocks", blocks.blocks.len());
    }

    proptest::proptest! {
        #[test]
        fn blocks_cut_as_a_plain_split_does(
            text in "[a\n]{0,200}",
            block in 1usize..40,
            step in 1usize..50,
            max in 0u64..60,
        ) {
            let reader = Trickle { bytes: text.as_bytes(), step, fails: false };
            let mut blocks = Blocks::with_sizes(reader, block, 4);
            proptest::prop_assert_eq!(cut_lines(&mut blocks, max), split_lines(&text, max));
        }
    }

    #[test]
    fn white_space_alone_is_empty() {
        let (found, reading) = units("  \n\n");
        assert!(found.is_empty());
        assert!(reading.empty);
    }
}
