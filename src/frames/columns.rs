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

plain_column!(
    &str,
    Option<&str>,
    Option<f64>,
    Option<i64>,
    u32,
    Option<u32>,
    bool,
    Option<bool>
);

impl IntoColumn for Timestamps {
    fn into_column(self, name: &str) -> PolarsResult<Column> {
        Column::new(name.into(), self.0).cast(&DataType::Datetime(TimeUnit::Milliseconds, None))
    }
}

impl IntoColumn for Vec<&[String]> {
    fn into_column(self, name: &str) -> PolarsResult<Column> {
        let values = self.iter().map(|list| list.len()).sum();
        let mut builder = ListStringChunkedBuilder::new(name.into(), self.len(), values);
        for list in &self {
            builder.append_values_iter(list.iter().map(String::as_str));
        }
        Ok(Column::from(builder.finish().into_series()))
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

            /// The rows as a data frame.
            pub fn into_frame(self) -> PolarsResult<DataFrame> {
                use $crate::frames::columns::IntoColumn;
                let height = self.process.len();
                DataFrame::new(height, vec![$(self.$field.into_column(stringify!($field))?),*])
            }
        }
    };
}

pub(crate) use table;
