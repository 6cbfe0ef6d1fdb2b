//! Turning row-wise vectors into Polars columns.

use polars::prelude::*;

/// Timestamps in milliseconds since the epoch, written as a `Datetime(ms)` column (UTC).
#[derive(Debug, Default)]
pub struct Timestamps(pub Vec<Option<i64>>);

impl Timestamps {
    /// Appends one timestamp.
    pub fn push(&mut self, value: Option<i64>) {
        self.0.push(value);
    }
}

/// A vector that becomes one named column.
pub trait IntoColumn {
    /// The column.
    fn into_column(self, name: &str) -> PolarsResult<Column>;
}

macro_rules! plain_column {
    ($($type:ty),*) => {
        $(impl IntoColumn for Vec<$type> {
            fn into_column(self, name: &str) -> PolarsResult<Column> {
                Ok(Column::new(name.into(), self))
            }
        })*
    };
}

plain_column!(u32, bool);

/// Columns of optional values: a column no row has a value in (a field the data does not
/// publish) is held as one missing value, not as a value and a validity bit per row.
macro_rules! optional_column {
    ($($type:ty => $dtype:ident),*) => {
        $(impl IntoColumn for Vec<Option<$type>> {
            fn into_column(self, name: &str) -> PolarsResult<Column> {
                if self.iter().all(Option::is_none) {
                    return Ok(Column::full_null(name.into(), self.len(), &DataType::$dtype));
                }
                Ok(Column::new(name.into(), self))
            }
        })*
    };
}

optional_column!(f64 => Float64, i64 => Int64, u32 => UInt32, bool => Boolean);

impl IntoColumn for Vec<&str> {
    fn into_column(self, name: &str) -> PolarsResult<Column> {
        Ok(text_column(name, self.iter().map(|text| Some(*text))))
    }
}

impl IntoColumn for Vec<Option<&str>> {
    fn into_column(self, name: &str) -> PolarsResult<Column> {
        Ok(text_column(name, self.iter().copied()))
    }
}

/// A text column holding each distinct text once: one buffer of exactly the distinct long
/// texts' bytes (short ones live in their views), and a view per row pointing into it.
/// Names, identifiers and codes repeat across a table's rows; Polars keeps the sharing through
/// filters, joins and concatenation, which copy views, not bytes.
pub(crate) fn text_column<'a>(
    name: &str,
    values: impl Iterator<Item = Option<&'a str>> + Clone,
) -> Column {
    views_column(name, values, true)
}

/// A text column of texts known to be distinct (each process's `ocid`): made as
/// [`text_column`] makes its columns, without looking for repeats. A table of every text seen
/// costs more than the texts as they grow: at 1,000,000 processes, 300 ms against 4.5 ms at
/// 100,000.
pub(crate) fn distinct_text_column<'a>(
    name: &str,
    values: impl Iterator<Item = Option<&'a str>> + Clone,
) -> Column {
    views_column(name, values, false)
}

/// The column of [`text_column`] (`shared`: each distinct long text stored once) or of
/// [`distinct_text_column`] (each long text stored where it comes).
fn views_column<'a>(
    name: &str,
    values: impl Iterator<Item = Option<&'a str>> + Clone,
    shared: bool,
) -> Column {
    use polars_arrow::array::{Utf8ViewArray, View};
    use polars_arrow::bitmap::Bitmap;
    use polars_arrow::datatypes::ArrowDataType;
    use polars_buffer::Buffer;

    // A field the data does not publish: one missing value for every row, held as such (a
    // scalar), not as a view per row (16 bytes each: contact points no generated party has
    // would hold about 190 MB at 1,000,000 processes).
    let inline = View::MAX_INLINE_SIZE as usize;
    let (mut any, mut long_bytes) = (false, 0);
    for text in values.clone().flatten() {
        any = true;
        if text.len() > inline {
            long_bytes += text.len();
        }
    }
    if !any {
        return Column::full_null(name.into(), values.count(), &DataType::String);
    }
    let mut offsets: PlHashMap<&str, u32> = PlHashMap::default();
    // Room for every long text, so that the buffer never grows (each growth copies it).
    let mut bytes = Vec::with_capacity(long_bytes);
    let mut total_bytes = 0;
    let mut nulls = 0;
    let views: Vec<View> = values
        .clone()
        .map(|value| match value {
            None => {
                nulls += 1;
                View::default()
            }
            Some(text) => {
                total_bytes += text.len();
                if text.len() <= inline {
                    return View::new_inline(text.as_bytes());
                }
                let mut append = || {
                    let offset = bytes.len() as u32;
                    bytes.extend_from_slice(text.as_bytes());
                    offset
                };
                let offset = if shared {
                    *offsets.entry(text).or_insert_with(append)
                } else {
                    append()
                };
                View::new_from_bytes(text.as_bytes(), 0, offset)
            }
        })
        .collect();
    let validity = (nulls > 0).then(|| values.map(|value| value.is_some()).collect::<Bitmap>());
    // Exactly the texts' bytes: the buffer as it is where no long text repeats (it is full),
    // else a fresh allocation of what it holds, since shrinking in place would leave the
    // reserved block held for as long as the frames live.
    let bytes = if bytes.len() == bytes.capacity() {
        bytes
    } else {
        bytes.as_slice().to_vec()
    };
    let buffer_len = bytes.len();
    let buffers: Buffer<Buffer<u8>> = if bytes.is_empty() {
        Buffer::default()
    } else {
        vec![Buffer::from(bytes)].into()
    };
    // SAFETY: every view is inline or points at its own text's bytes in the one buffer, and
    // those bytes are UTF-8 (they come from `&str`); the validity has one bit per view.
    let array = unsafe {
        Utf8ViewArray::new_unchecked(
            ArrowDataType::Utf8View,
            views.into(),
            buffers,
            validity,
            Some(total_bytes),
            buffer_len,
        )
    };
    Column::from(StringChunked::with_chunk(name.into(), array).into_series())
}

impl IntoColumn for Timestamps {
    fn into_column(self, name: &str) -> PolarsResult<Column> {
        let dtype = DataType::Datetime(TimeUnit::Milliseconds, None);
        if self.0.iter().all(Option::is_none) {
            return Ok(Column::full_null(name.into(), self.0.len(), &dtype));
        }
        Column::new(name.into(), self.0).cast(&dtype)
    }
}

impl IntoColumn for Vec<&[crate::ingest::lenient::Text]> {
    fn into_column(self, name: &str) -> PolarsResult<Column> {
        let values = self.iter().map(|list| list.len()).sum();
        let mut builder = ListStringChunkedBuilder::new(name.into(), self.len(), values);
        for list in &self {
            builder.append_values_iter(list.iter().map(|text| text.as_str()));
        }
        Ok(Column::from(builder.finish().into_series()))
    }
}

impl IntoColumn for Vec<Option<Vec<String>>> {
    fn into_column(self, name: &str) -> PolarsResult<Column> {
        let dtype = DataType::List(Box::new(DataType::String));
        if self.iter().all(Option::is_none) {
            return Ok(Column::full_null(name.into(), self.len(), &dtype));
        }
        let values = self.iter().flatten().map(Vec::len).sum();
        let mut builder = ListStringChunkedBuilder::new(name.into(), self.len(), values);
        for list in &self {
            match list {
                Some(list) => builder.append_values_iter(list.iter().map(String::as_str)),
                None => builder.append_null(),
            }
        }
        Ok(Column::from(builder.finish().into_series()))
    }
}

impl IntoColumn for Vec<Option<Vec<Option<f64>>>> {
    fn into_column(self, name: &str) -> PolarsResult<Column> {
        let dtype = DataType::List(Box::new(DataType::Float64));
        if self.iter().all(Option::is_none) {
            return Ok(Column::full_null(name.into(), self.len(), &dtype));
        }
        let values = self.iter().flatten().map(Vec::len).sum();
        let mut builder = ListPrimitiveChunkedBuilder::<Float64Type>::new(
            name.into(),
            self.len(),
            values,
            DataType::Float64,
        );
        for list in &self {
            match list {
                Some(list) => builder.append_iter(list.iter().copied()),
                None => builder.append_null(),
            }
        }
        Ok(Column::from(builder.finish().into_series()))
    }
}

/// A row vector that can make room for more rows at once.
pub trait Reserve {
    /// Makes room for `additional` more rows.
    fn reserve(&mut self, additional: usize);
}

impl<T> Reserve for Vec<T> {
    fn reserve(&mut self, additional: usize) {
        Vec::reserve(self, additional);
    }
}

impl Reserve for Timestamps {
    fn reserve(&mut self, additional: usize) {
        self.0.reserve(additional);
    }
}

/// Declares a table's row vectors and how they become a [`DataFrame`]; the field names are the
/// column names.
macro_rules! table {
    ($(#[$meta:meta])* $name:ident { $($(#[$field_meta:meta])* $field:ident : $type:ty),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Default)]
        pub struct $name<'a> {
            $($(#[$field_meta])* pub $field: $type,)*
        }

        impl $name<'_> {
            /// The column names, in order.
            pub const COLUMNS: &'static [&'static str] = &[$(stringify!($field)),*];

            /// Makes room in every row vector for `additional` more rows.
            pub fn reserve(&mut self, additional: usize) {
                $($crate::frames::columns::Reserve::reserve(&mut self.$field, additional);)*
            }

            /// The rows as a data frame, without the columns named in `left_out` (their
            /// vectors were not filled).
            pub fn into_frame(self, left_out: &[&str]) -> PolarsResult<DataFrame> {
                use $crate::frames::columns::IntoColumn;
                let height = self.process.len();
                let mut columns = Vec::with_capacity(Self::COLUMNS.len());
                $(if !left_out.contains(&stringify!($field)) {
                    columns.push(self.$field.into_column(stringify!($field))?);
                })*
                DataFrame::new(height, columns)
            }
        }
    };
}

pub(crate) use table;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_column_holds_each_distinct_long_text_once() {
        let long = "Songkhla Subdistrict Municipality";
        let values = vec![
            Some(long),
            None,
            Some("short"),
            Some(long),
            Some("บริษัท พรเมดิคอล จำกัด"),
        ];
        let column = values.clone().into_column("name").unwrap();
        let texts = column.str().unwrap();
        assert_eq!(texts.iter().collect::<Vec<_>>(), values);
        assert_eq!(texts.null_count(), 1);
        let array = texts.downcast_iter().next().unwrap();
        // The short text lives in its view; the long one is stored once for its two rows.
        let thai = "บริษัท พรเมดิคอล จำกัด";
        assert_eq!(array.total_buffer_len(), long.len() + thai.len());
        assert_eq!(
            array.total_bytes_len(),
            2 * long.len() + "short".len() + thai.len()
        );
    }

    #[test]
    fn a_column_of_distinct_texts_holds_every_long_text_where_it_comes() {
        let values = [
            Some("ocds-rfsyn0-0000000002"),
            None,
            Some("ocds-1"),
            Some("ocds-rfsyn0-0000000001"),
        ];
        let column = distinct_text_column("ocid", values.iter().copied());
        let texts = column.str().unwrap();
        assert_eq!(texts.iter().collect::<Vec<_>>(), values);
        assert_eq!(texts.null_count(), 1);
        let array = texts.downcast_iter().next().unwrap();
        assert_eq!(array.total_buffer_len(), 2 * "ocds-rfsyn0-0000000001".len());
    }
}
