//! Bounds on what one piece of untrusted input may cost, with safe defaults (`[limits]`).
//!
//! Each bound, when hit, rejects the unit (a line, a document or the rest of a compressed
//! source) with a reason that names the bound and its setting; nothing is read into memory
//! beyond it and the run goes on.

use std::cell::Cell;
use std::io::{self, BufRead, Read};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::{Deserialize, Serialize};

/// The deepest nesting the JSON parser itself allows; `max_depth` cannot exceed it.
pub const PARSER_DEPTH: usize = 128;

/// Bounds on one unit of input.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// The longest line of line-delimited JSON, in bytes. A longer line is skipped unread and
    /// rejected. (A whole release package minified onto one line is one line.)
    pub max_line_bytes: u64,
    /// The largest document (a source that is one JSON document, after decompression), in
    /// bytes. A larger one is rejected whole.
    pub max_document_bytes: u64,
    /// The deepest nesting of arrays and objects, at most 128.
    pub max_depth: usize,
    /// The most elements in any one array of a release (items, bids, awards, amendments...).
    pub max_array_elements: usize,
    /// A gzip source may decompress to at most this many times its compressed size (beyond a
    /// first `gzip_allowance_bytes`); past that it is refused as a likely gzip bomb.
    pub max_gzip_ratio: u64,
    /// What a gzip source may decompress to whatever its ratio, in bytes.
    pub gzip_allowance_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_line_bytes: 256 << 20,
            max_document_bytes: 4 << 30,
            max_depth: PARSER_DEPTH,
            max_array_elements: 100_000,
            max_gzip_ratio: 200,
            gzip_allowance_bytes: 64 << 20,
        }
    }
}

impl Limits {
    /// Checks the bounds; the error names the setting.
    pub fn check(&self) -> Result<(), String> {
        let positive = [
            ("max_line_bytes", self.max_line_bytes),
            ("max_document_bytes", self.max_document_bytes),
            ("max_array_elements", self.max_array_elements as u64),
            ("max_gzip_ratio", self.max_gzip_ratio),
        ];
        for (key, value) in positive {
            if value == 0 {
                return Err(format!("limits.{key} must be at least 1"));
            }
        }
        if !(1..=PARSER_DEPTH).contains(&self.max_depth) {
            return Err(format!(
                "limits.max_depth must be between 1 and {PARSER_DEPTH}"
            ));
        }
        Ok(())
    }

    /// Whether the nesting depth needs a check of its own: the parser checks 128 itself.
    pub fn checks_depth(&self) -> bool {
        self.max_depth < PARSER_DEPTH
    }
}

impl Limits {
    /// The `[limits]` section of a settings file, every default shown and explained.
    pub fn default_toml() -> String {
        let limits = Limits::default();
        format!(
            "\n# Bounds on what one piece of input may cost. Input past a bound is rejected with a\n\
             # reason naming the bound (see rejected.csv); the run goes on.\n\
             [limits]\n\
             # The longest line of line-delimited JSON, in bytes (a package minified onto one line\n\
             # is one line).\n\
             max_line_bytes = {}\n\
             # The largest JSON document (a file that is not line-delimited), in bytes.\n\
             max_document_bytes = {}\n\
             # The deepest nesting of arrays and objects (at most {PARSER_DEPTH}).\n\
             max_depth = {}\n\
             # The most elements in any one array of a release.\n\
             max_array_elements = {}\n\
             # A gzip file may decompress to at most this many times its size...\n\
             max_gzip_ratio = {}\n\
             # ... beyond this many bytes, which any gzip file may decompress to.\n\
             gzip_allowance_bytes = {}\n",
            limits.max_line_bytes,
            limits.max_document_bytes,
            limits.max_depth,
            limits.max_array_elements,
            limits.max_gzip_ratio,
            limits.gzip_allowance_bytes,
        )
    }
}

thread_local! {
    /// The array bound in effect on this thread (set before each parse).
    static MAX_ARRAY_ELEMENTS: Cell<usize> = Cell::new(Limits::default().max_array_elements);
}

/// Sets the array bound for the parses that follow on this thread.
pub fn set_array_bound(max: usize) {
    MAX_ARRAY_ELEMENTS.with(|bound| bound.set(max));
}

/// The error to raise when an array of a release has more elements than allowed, if
/// `elements` is past the bound.
pub fn array_bound_error<E: serde::de::Error>(elements: usize) -> Option<E> {
    let max = MAX_ARRAY_ELEMENTS.with(Cell::get);
    (elements > max).then(|| {
        E::custom(format_args!(
            "an array holds more than {max} elements (the bound [limits] max_array_elements)"
        ))
    })
}

/// The first place where `bytes` nest arrays and objects deeper than `max`, as (line, column),
/// both from 1. Brackets inside strings do not count.
pub fn too_deep(bytes: &[u8], max: usize) -> Option<(u64, u64)> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (index, &byte) in bytes.iter().enumerate() {
        if in_string {
            if escaped {
                escaped = false;
            } else if byte == b'\\' {
                escaped = true;
            } else if byte == b'"' {
                in_string = false;
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > max {
                    return Some(position(bytes, index));
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// The line and column (both from 1) of the byte at `index`.
pub fn position(bytes: &[u8], index: usize) -> (u64, u64) {
    let before = &bytes[..index.min(bytes.len())];
    let line = memchr::memchr_iter(b'\n', before).count() as u64 + 1;
    let start = memchr::memrchr(b'\n', before).map_or(0, |n| n + 1);
    (line, (before.len() - start) as u64 + 1)
}

/// The reason given for a unit nested too deeply.
pub fn depth_reason(max: usize, line: u64, column: u64) -> String {
    format!(
        "nested deeper than {max} levels at line {line} column {column} (the bound [limits] max_depth); not read"
    )
}

/// Counts the bytes read through it.
pub struct Counted<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R> Counted<R> {
    /// Wraps `inner`; `count` grows by every byte read.
    pub fn new(inner: R, count: Arc<AtomicU64>) -> Counted<R> {
        Counted { inner, count }
    }
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let read = self.inner.read(buf)?;
        self.count.fetch_add(read as u64, Ordering::Relaxed);
        Ok(read)
    }
}

impl<R: BufRead> BufRead for Counted<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }
    fn consume(&mut self, amount: usize) {
        self.count.fetch_add(amount as u64, Ordering::Relaxed);
        self.inner.consume(amount);
    }
}

/// Decompressed output that stops, with an error, once it outgrows its compressed input by
/// more than the ratio allowed.
pub struct Bounded<R> {
    inner: R,
    compressed: Arc<AtomicU64>,
    decompressed: u64,
    ratio: u64,
    allowance: u64,
}

impl<R> Bounded<R> {
    /// Wraps the decompressed stream `inner`, whose compressed bytes are counted in
    /// `compressed`.
    pub fn new(inner: R, compressed: Arc<AtomicU64>, limits: &Limits) -> Bounded<R> {
        Bounded {
            inner,
            compressed,
            decompressed: 0,
            ratio: limits.max_gzip_ratio,
            allowance: limits.gzip_allowance_bytes,
        }
    }
}

impl<R: Read> Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let read = self.inner.read(buf)?;
        self.decompressed += read as u64;
        let compressed = self.compressed.load(Ordering::Relaxed).max(1);
        if self.decompressed > self.allowance
            && self.decompressed > compressed.saturating_mul(self.ratio)
        {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "refused as a likely gzip bomb: {} decompressed bytes from {compressed} compressed, more than {} times (the bound [limits] max_gzip_ratio)",
                    self.decompressed, self.ratio
                ),
            ));
        }
        Ok(read)
    }
}

/// A JSON value read with its arrays held to the array bound, for the raw releases.
pub struct BoundedValue(pub serde_json::Value);

impl<'de> serde::Deserialize<'de> for BoundedValue {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ValueVisitor).map(BoundedValue)
    }
}

/// A JSON object read with its arrays held to the array bound.
pub fn bounded_object<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<serde_json::Map<String, serde_json::Value>, D::Error> {
    deserializer.deserialize_map(ObjectOnly)
}

struct ValueVisitor;

impl<'de> serde::de::Visitor<'de> for ValueVisitor {
    type Value = serde_json::Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, value: bool) -> Result<Self::Value, E> {
        Ok(value.into())
    }
    fn visit_i64<E>(self, value: i64) -> Result<Self::Value, E> {
        Ok(value.into())
    }
    fn visit_u64<E>(self, value: u64) -> Result<Self::Value, E> {
        Ok(value.into())
    }
    fn visit_f64<E>(self, value: f64) -> Result<Self::Value, E> {
        Ok(value.into())
    }
    fn visit_str<E>(self, value: &str) -> Result<Self::Value, E> {
        Ok(value.into())
    }
    fn visit_string<E>(self, value: String) -> Result<Self::Value, E> {
        Ok(value.into())
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(serde_json::Value::Null)
    }
    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(serde_json::Value::Null)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut elements = Vec::new();
        while let Some(BoundedValue(element)) = seq.next_element()? {
            elements.push(element);
            if let Some(error) = array_bound_error(elements.len()) {
                return Err(error);
            }
        }
        Ok(serde_json::Value::Array(elements))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        ObjectOnly.visit_map(map).map(serde_json::Value::Object)
    }
}

struct ObjectOnly;

impl<'de> serde::de::Visitor<'de> for ObjectOnly {
    type Value = serde_json::Map<String, serde_json::Value>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut object = serde_json::Map::new();
        while let Some((key, BoundedValue(value))) = map.next_entry::<String, BoundedValue>()? {
            object.insert(key, value);
        }
        Ok(object)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_counts_brackets_outside_strings() {
        assert_eq!(too_deep(br#"{"a":[1,{"b":"[[[["}]}"#, 3), None);
        assert_eq!(too_deep(br#"{"a":[1,{"b":"\"[[[["}]}"#, 3), None);
        assert_eq!(too_deep(b"{\"a\":\n [[1]]}", 2), Some((2, 3)));
    }

    #[test]
    fn raw_values_hold_arrays_to_the_bound() {
        set_array_bound(3);
        let read = |text: &str| serde_json::from_str::<BoundedValue>(text).map(|v| v.0);
        let value = read(r#"{"a":[1,2,{"b":[null,true,"c"]}],"d":-1.5}"#).unwrap();
        assert_eq!(value["a"][2]["b"][2], "c");
        let error = read(r#"{"a":[[1,2,3,4]]}"#).unwrap_err().to_string();
        assert!(error.contains("more than 3 elements"), "{error}");
        set_array_bound(Limits::default().max_array_elements);
    }

    #[test]
    fn settings_are_checked() {
        assert!(Limits::default().check().is_ok());
        let deep = Limits {
            max_depth: 500,
            ..Limits::default()
        };
        assert!(deep.check().unwrap_err().contains("max_depth"));
    }
}
