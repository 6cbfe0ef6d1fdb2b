//! Where the input comes from, and how it is cut into units.
//!
//! A source is a file or standard input. Its content decides how it is read, whatever its name:
//! gzip is recognized by its magic bytes; a source whose first line is a complete JSON value
//! (or a broken object) is line-delimited JSON, one unit per line; anything else is one JSON
//! document, one unit for the whole source.

use std::fs::File;
use std::io::{self, BufRead, BufReader};
use std::path::{Path, PathBuf};

use flate2::bufread::MultiGzDecoder;

use super::IngestError;

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

    /// Opens the source, decompressing it when it is gzip.
    pub fn open(&self) -> io::Result<Box<dyn BufRead + Send>> {
        let reader: Box<dyn BufRead + Send> = match self {
            Source::Stdin => Box::new(BufReader::with_capacity(1 << 20, io::stdin())),
            Source::File(path) => Box::new(BufReader::with_capacity(1 << 20, File::open(path)?)),
        };
        gunzip_if_compressed(reader)
    }
}

/// Wraps a reader in a gzip decoder when its first bytes are gzip's magic number.
fn gunzip_if_compressed(
    mut reader: Box<dyn BufRead + Send>,
) -> io::Result<Box<dyn BufRead + Send>> {
    let head = reader.fill_buf()?;
    if head.starts_with(&[0x1f, 0x8b]) {
        Ok(Box::new(BufReader::with_capacity(
            1 << 20,
            MultiGzDecoder::new(reader),
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
    /// Its line number, for a line of line-delimited JSON.
    pub line: Option<u64>,
    /// Its bytes.
    pub bytes: Vec<u8>,
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

/// Reads one source, calling `emit` with each unit in order.
pub fn read(source: usize, mut reader: impl BufRead, mut emit: impl FnMut(Unit)) -> Reading {
    let mut reading = Reading::default();
    let mut number = 0u64;
    let mut head = Vec::new();
    // Find the first line with content, keeping what precedes it for line numbers.
    loop {
        let mut line = Vec::new();
        match reader.read_until(b'\n', &mut line) {
            Ok(0) => {
                reading.empty = true;
                return reading;
            }
            Ok(_) => {
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
            Err(error) => {
                reading.error = Some((number + 1, error));
                return reading;
            }
        }
    }
    let content_line = number;
    let start_of_line = head.len() - last_line_len(&head);
    if !is_line_delimited(&head[start_of_line..]) {
        let mut bytes = head;
        if let Err(error) = reader.read_to_end(&mut bytes) {
            reading.error = Some((content_line, error));
            return reading;
        }
        emit(Unit {
            source,
            line: None,
            bytes,
        });
        return reading;
    }
    reading.blank_lines = content_line - 1;
    emit(Unit {
        source,
        line: Some(content_line),
        bytes: head.split_off(start_of_line),
    });
    loop {
        let mut line = Vec::new();
        match reader.read_until(b'\n', &mut line) {
            Ok(0) => return reading,
            Ok(_) => {
                number += 1;
                if is_blank(&line) {
                    reading.blank_lines += 1;
                } else {
                    emit(Unit {
                        source,
                        line: Some(number),
                        bytes: line,
                    });
                }
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
        let reading = read(0, text.as_bytes(), |unit| {
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
