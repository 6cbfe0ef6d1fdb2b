//! Frames: compiled releases normalized into Polars tables, the working model of every
//! indicator.
//!
//! | table | one row per |
//! | --- | --- |
//! | `processes` | contracting process |
//! | `parties` | party |
//! | `bids` | bid × tenderer |
//! | `awards` | award × supplier |
//! | `contracts` | contract |
//! | `items` | classified item of the tender, an award or a contract |

pub mod build;
pub mod columns;
pub mod tables;

use std::path::Path;

use polars::prelude::*;
use rayon::prelude::*;

use crate::ingest::model::Release;
use build::Rows;

/// How many releases one parallel task turns into rows.
const CHUNK: usize = 4096;

/// The normalized tables.
#[derive(Debug, Clone)]
pub struct Frames {
    /// One row per contracting process.
    pub processes: DataFrame,
    /// One row per party.
    pub parties: DataFrame,
    /// One row per bid and tenderer.
    pub bids: DataFrame,
    /// One row per award and supplier.
    pub awards: DataFrame,
    /// One row per contract.
    pub contracts: DataFrame,
    /// One row per classified item.
    pub items: DataFrame,
    /// Tables derived from these, computed once on first use (see [`Derived`]).
    pub derived: Derived,
}

/// Tables derived from the frames that several indicators read, computed by the first that
/// needs them. They belong to the tables they were derived from: frames with other tables
/// start with `Derived::default()`.
#[derive(Debug, Clone, Default)]
pub struct Derived {
    /// One row per bid (see [`crate::indicators::bids_by_bid`]); `None` inside when it could
    /// not be computed (the indicators then compute it themselves and report the error).
    pub bids_by_bid: std::sync::OnceLock<Option<DataFrame>>,
}

impl Frames {
    /// Computes the derived tables now, before the indicators that share them run in
    /// parallel (each would otherwise compute them on first use).
    pub fn derive(&self) {
        let _ = crate::indicators::bids_by_bid(self);
    }
}

impl Frames {
    /// The table names, in the order [`Frames::tables`] gives them.
    pub const NAMES: [&'static str; 6] = [
        "processes",
        "parties",
        "bids",
        "awards",
        "contracts",
        "items",
    ];

    /// Builds the tables from compiled releases (one per contracting process).
    pub fn build(releases: &[Release]) -> PolarsResult<Frames> {
        let parts: Vec<Frames> = releases
            .par_chunks(CHUNK)
            .enumerate()
            .map(|(number, chunk)| {
                let mut rows = Rows::default();
                let first = number * CHUNK;
                for (offset, release) in chunk.iter().enumerate() {
                    rows.push((first + offset) as u32, release);
                }
                Frames::from_rows(rows)
            })
            .collect::<PolarsResult<_>>()?;
        let mut parts = parts.into_iter();
        let mut frames = match parts.next() {
            Some(first) => first,
            None => return Frames::from_rows(Rows::default()),
        };
        for part in parts {
            frames.processes.vstack_mut(&part.processes)?;
            frames.parties.vstack_mut(&part.parties)?;
            frames.bids.vstack_mut(&part.bids)?;
            frames.awards.vstack_mut(&part.awards)?;
            frames.contracts.vstack_mut(&part.contracts)?;
            frames.items.vstack_mut(&part.items)?;
        }
        for table in frames.tables_mut() {
            table.rechunk_mut();
        }
        Ok(frames)
    }

    fn from_rows(rows: Rows) -> PolarsResult<Frames> {
        Ok(Frames {
            processes: rows.processes.into_frame()?,
            parties: rows.parties.into_frame()?,
            bids: rows.bids.into_frame()?,
            awards: rows.awards.into_frame()?,
            contracts: rows.contracts.into_frame()?,
            items: rows.items.into_frame()?,
            derived: Derived::default(),
        })
    }

    /// The tables with their names.
    pub fn tables(&self) -> [(&'static str, &DataFrame); 6] {
        let [p, pa, b, a, c, i] = Self::NAMES;
        [
            (p, &self.processes),
            (pa, &self.parties),
            (b, &self.bids),
            (a, &self.awards),
            (c, &self.contracts),
            (i, &self.items),
        ]
    }

    fn tables_mut(&mut self) -> [&mut DataFrame; 6] {
        [
            &mut self.processes,
            &mut self.parties,
            &mut self.bids,
            &mut self.awards,
            &mut self.contracts,
            &mut self.items,
        ]
    }

    /// Writes each table as `NAME.parquet` in `directory`.
    pub fn write_parquet(&self, directory: &Path) -> PolarsResult<()> {
        for (name, table) in self.tables() {
            let path = directory.join(format!("{name}.parquet"));
            let file = std::fs::File::create(&path)?;
            ParquetWriter::new(file).finish(&mut table.clone())?;
        }
        Ok(())
    }
}
