//! What the fuzz targets share: the input file they hand to the ingest, how the first byte of
//! `ingest_bytes` stores the rest, and the structured model of `score_structured`.

pub mod structured;

use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

use flate2::Compression;
use flate2::write::GzEncoder;

/// The environment variable naming a file that receives a copy of each input file written
/// (for a single run on one artifact: the exact file to save as a regression test's input).
pub const SAVE_VARIABLE: &str = "REDFLAGS_FUZZ_SAVE";

/// Runs Rayon and Polars on one thread each (unless the environment says otherwise): one
/// fuzzing process per core, and no thread pools fighting over it.
pub fn single_threaded() {
    for variable in ["RAYON_NUM_THREADS", "POLARS_MAX_THREADS"] {
        if std::env::var_os(variable).is_none() {
            // SAFETY: called from the fuzzer's initialization, before any thread of ours runs.
            unsafe { std::env::set_var(variable, "1") };
        }
    }
}

/// How `ingest_bytes` stores its content in the input file, chosen by the first byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Storage {
    /// As it is.
    Plain,
    /// Gzip-compressed.
    Gzip,
    /// Two gzip members, one for each half (`MultiGzDecoder` reads both).
    TwoMembers,
    /// Gzip cut short, so that reading fails part of the way through.
    Truncated,
}

impl Storage {
    /// The storage a byte chooses (its two low bits).
    pub fn from_byte(byte: u8) -> Storage {
        match byte % 4 {
            0 => Storage::Plain,
            1 => Storage::Gzip,
            2 => Storage::TwoMembers,
            _ => Storage::Truncated,
        }
    }

    /// The bytes of the input file holding `content`.
    pub fn encode(self, content: &[u8]) -> Vec<u8> {
        match self {
            Storage::Plain => content.to_vec(),
            Storage::Gzip => gzip(content),
            Storage::TwoMembers => {
                let (first, second) = content.split_at(content.len() / 2);
                let mut bytes = gzip(first);
                bytes.extend(gzip(second));
                bytes
            }
            Storage::Truncated => {
                let mut bytes = gzip(content);
                // The trailer (CRC and length) and part of the data go; the magic stays.
                bytes.truncate((bytes.len() * 2 / 3).max(2));
                bytes
            }
        }
    }
}

/// `bytes` gzip-compressed (fast level: the decoder, not the ratio, is under test).
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::fast());
    encoder
        .write_all(bytes)
        .and_then(|()| encoder.finish())
        .expect("gzip into memory")
}

/// An input file, removed when dropped. A crash leaves it in place.
pub struct InputFile {
    path: PathBuf,
}

impl InputFile {
    /// The path as the ingest takes it.
    pub fn name(&self) -> String {
        self.path.display().to_string()
    }
}

impl Drop for InputFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Writes `bytes` to a fresh file in memory (`/dev/shm` when there is one) and returns it.
/// When `REDFLAGS_FUZZ_SAVE` names a file, the bytes are also copied there.
pub fn input_file(bytes: &[u8]) -> InputFile {
    static SERIAL: AtomicU64 = AtomicU64::new(0);
    let directory = ["/dev/shm"]
        .iter()
        .map(PathBuf::from)
        .find(|path| path.is_dir())
        .unwrap_or_else(std::env::temp_dir);
    let serial = SERIAL.fetch_add(1, Ordering::Relaxed);
    let path = directory.join(format!(
        "redflags-fuzz-{}-{serial}.json",
        std::process::id()
    ));
    std::fs::write(&path, bytes).expect("write the input file");
    if let Some(save) = std::env::var_os(SAVE_VARIABLE) {
        std::fs::write(save, bytes).expect("save the input file");
    }
    InputFile { path }
}
