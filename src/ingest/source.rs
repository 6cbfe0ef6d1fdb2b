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
            Source::Stdin => Box::new(BufReader::with_capacity(1 << 20, io::stdin())),
            Source::File(path) => Box::new(BufReader::with_capacity(1 << 20, File::open(path)?)),
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
                gunzip_if_compressed(Box::new(BufReader::with_capacity(1 << 20, tee)), limits)
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
                let reader = Box::new(BufReader::with_capacity(1 << 20, file));
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
            1 << 20,
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
    pub bytes: Vec<u8>,
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
    /// A line, kept.
    Kept,
    /// A line longer than allowed, read to its end but not kept; its length in bytes.
    TooLong(u64),
}

/// Reads one line, its newline included, into `line`, keeping at most `max` bytes: a longer
/// line is read to its end without being kept. A line longer than one buffer is kept in pieces
/// and joined once at its end, so that memory never holds more than the line twice (and a line
/// past the bound, never more than the bound).
fn read_line(reader: &mut impl BufRead, max: u64, line: &mut Vec<u8>) -> io::Result<Line> {
    let mut length = 0u64;
    let mut pieces: Vec<Vec<u8>> = Vec::new();
    loop {
        let buffer = match reader.fill_buf() {
            Ok(buffer) => buffer,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            Err(error) => return Err(error),
        };
        let (take, ends) = match memchr::memchr(b'\n', buffer) {
            Some(newline) => (newline + 1, true),
            None => (buffer.len(), false),
        };
        if take == 0 && length == 0 {
            return Ok(Line::End);
        }
        length += take as u64;
        if length > max {
            line.clear();
            pieces = Vec::new();
        } else if line.is_empty() {
            line.extend_from_slice(&buffer[..take]);
        } else {
            pieces.push(buffer[..take].to_vec());
        }
        reader.consume(take);
        if ends || take == 0 {
            if length > max {
                *line = Vec::new();
                return Ok(Line::TooLong(length));
            }
            if !pieces.is_empty() {
                let mut whole = Vec::with_capacity(length as usize);
                whole.append(line);
                for piece in pieces {
                    whole.extend_from_slice(&piece);
                }
                *line = whole;
            }
            return Ok(Line::Kept);
        }
    }
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
    mut reader: impl BufRead,
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
        bytes: Vec::new(),
        refused: Some(reason),
    };
    // Find the first line with content, keeping what precedes it for line numbers.
    loop {
        let mut line = Vec::new();
        match read_line(&mut reader, limits.max_line_bytes, &mut line) {
            Ok(Line::End) => {
                reading.empty = true;
                return reading;
            }
            Ok(Line::Kept) => {
                number += 1;
                if number == 1 {
                    strip_bom(&mut line);
                }
                let blank = is_blank(&line);
                head.extend_from_slice(&line);
                if !blank {
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
            let room = (max + 1).saturating_sub(bytes.len() as u64);
            if let Err(error) = (&mut reader).take(room).read_to_end(&mut bytes) {
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
                    bytes,
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
            bytes: head.split_off(start_of_line),
            refused: None,
        });
    }
    loop {
        let mut line = Vec::new();
        match read_line(&mut reader, limits.max_line_bytes, &mut line) {
            Ok(Line::End) => return reading,
            Ok(Line::Kept) => {
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
            found.push((unit.line, String::from_utf8(unit.bytes).unwrap()))
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

    #[test]
    fn white_space_alone_is_empty() {
        let (found, reading) = units("  \n\n");
        assert!(found.is_empty());
        assert!(reading.empty);
    }
}
