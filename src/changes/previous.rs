//! A previous run's results, read from its output folder: its `contracts.csv` and
//! `flags.csv`, or their Parquet twins when the CSV files are gone, as the text the CSV files
//! hold.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use polars::prelude::*;

/// A previous run's output folder that cannot be read: it names the folder or the file.
#[derive(Debug, thiserror::Error)]
#[error("--previous {path}: {message}")]
pub struct PreviousError {
    /// The folder or file.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

/// A process of the previous run, as its `contracts.csv` wrote it.
#[derive(Debug, Clone)]
pub(super) struct PreviousProcess {
    pub(super) title: String,
    pub(super) risk_score: String,
    pub(super) flags: String,
}

/// A flag of the previous run, as its `flags.csv` wrote it.
#[derive(Debug, Clone)]
pub(super) struct PreviousFlag {
    pub(super) ocid: String,
    pub(super) indicator: String,
    /// Level, value and strength, compared together.
    pub(super) measures: [String; 3],
    pub(super) evidence: String,
}

/// A previous run's results, read from its output folder.
#[derive(Debug, Clone)]
pub struct Previous {
    /// The folder.
    pub directory: PathBuf,
    /// Its processes by ocid, and their order.
    pub(super) processes: HashMap<String, PreviousProcess>,
    pub(super) order: Vec<String>,
    /// Its flags, in its order.
    pub(super) flags: Vec<PreviousFlag>,
}

/// The columns of a table read, as the CSV text of each cell.
struct Table {
    columns: Vec<Vec<String>>,
}

/// Reads `names` of the table `stem` (`contracts`, `flags`) of a run's folder: its CSV file,
/// or its Parquet twin when the CSV file is missing.
fn read_table(directory: &Path, stem: &str, names: &[&str]) -> Result<Table, PreviousError> {
    let csv = directory.join(format!("{stem}.csv"));
    let parquet = directory.join(format!("{stem}.parquet"));
    let error = |path: &Path, message: String| PreviousError {
        path: path.display().to_string(),
        message,
    };
    if csv.is_file() {
        let bytes = std::fs::read(&csv).map_err(|e| error(&csv, format!("cannot read it: {e}")))?;
        let mut reader = crate::output::csv_reader(&bytes);
        let headers = reader
            .headers()
            .map_err(|e| error(&csv, format!("not CSV: {e}")))?
            .clone();
        let positions = names
            .iter()
            .map(|name| {
                headers
                    .iter()
                    .position(|header| header == *name)
                    .ok_or_else(|| {
                        error(
                            &csv,
                            format!("no column {name}: is it a `redflags score` output?"),
                        )
                    })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut columns = vec![Vec::new(); names.len()];
        for record in reader.records() {
            let record = record.map_err(|e| error(&csv, format!("not CSV: {e}")))?;
            for (column, position) in columns.iter_mut().zip(&positions) {
                column.push(record.get(*position).unwrap_or_default().to_owned());
            }
        }
        return Ok(Table { columns });
    }
    if parquet.is_file() {
        let file = std::fs::File::open(&parquet)
            .map_err(|e| error(&parquet, format!("cannot read it: {e}")))?;
        let not_parquet = |e: PolarsError| error(&parquet, format!("not Parquet: {e}"));
        let mut reader = ParquetReader::new(file);
        let schema = reader.schema().map_err(not_parquet)?;
        if let Some(name) = names.iter().find(|name| !schema.contains(name)) {
            return Err(error(
                &parquet,
                format!("no column {name}: is it a `redflags score` output?"),
            ));
        }
        // Only the columns compared are read.
        let frame = reader
            .with_columns(Some(names.iter().map(|name| name.to_string()).collect()))
            .finish()
            .map_err(not_parquet)?;
        let columns = names
            .iter()
            .map(|name| {
                let column = frame
                    .column(name)
                    .map_err(|e| error(&parquet, e.to_string()))?;
                Ok(crate::output::cells(column.as_materialized_series())
                    .map_err(|e| error(&parquet, e.to_string()))?
                    .into_iter()
                    .map(|cell| cell.into_owned())
                    .collect())
            })
            .collect::<Result<Vec<Vec<String>>, PreviousError>>()?;
        return Ok(Table { columns });
    }
    Err(error(
        directory,
        format!(
            "not the output folder of a `redflags score` run: it has no {stem}.csv (nor \
             {stem}.parquet)"
        ),
    ))
}

impl Previous {
    /// Reads a previous run's output folder: its `contracts.csv` and `flags.csv` (or their
    /// Parquet twins).
    pub fn read(directory: &Path) -> Result<Previous, PreviousError> {
        if !directory.is_dir() {
            return Err(PreviousError {
                path: directory.display().to_string(),
                message: "not a folder (give the output folder of a previous run)".to_owned(),
            });
        }
        let Table { columns } = read_table(
            directory,
            "contracts",
            &["ocid", "title", "risk_score", "flags"],
        )?;
        let [ocids, titles, scores, flag_lists] =
            <[Vec<String>; 4]>::try_from(columns).map_err(|_| PreviousError {
                path: directory.display().to_string(),
                message: "contracts: unexpected columns".to_owned(),
            })?;
        let mut processes = HashMap::with_capacity(ocids.len());
        for ((ocid, title), (risk_score, flags)) in ocids
            .iter()
            .zip(titles)
            .zip(scores.into_iter().zip(flag_lists))
        {
            processes.insert(
                ocid.clone(),
                PreviousProcess {
                    title,
                    risk_score,
                    flags,
                },
            );
        }
        let Table { columns } = read_table(
            directory,
            "flags",
            &["ocid", "indicator", "level", "value", "weight", "evidence"],
        )?;
        let [ocid, indicator, level, value, weight, evidence] =
            <[Vec<String>; 6]>::try_from(columns).map_err(|_| PreviousError {
                path: directory.display().to_string(),
                message: "flags: unexpected columns".to_owned(),
            })?;
        let flags = ocid
            .into_iter()
            .zip(indicator)
            .zip(level.into_iter().zip(value).zip(weight))
            .zip(evidence)
            .map(
                |(((ocid, indicator), ((level, value), weight)), evidence)| PreviousFlag {
                    ocid,
                    indicator,
                    measures: [level, value, weight],
                    evidence,
                },
            )
            .collect();
        Ok(Previous {
            directory: directory.to_path_buf(),
            processes,
            order: ocids,
            flags,
        })
    }
}
