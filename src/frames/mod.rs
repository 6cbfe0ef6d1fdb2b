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
pub mod coverage;
mod numbering;
pub mod tables;
mod texts;

pub use texts::{code_in, code_is, lowercase, text_in, text_key, text_test};

use polars::prelude::*;
use rayon::prelude::*;

use crate::ingest::model::Release;
use crate::ingest::{Consumer, Make};
use build::Rows;

/// How many releases one parallel task turns into rows, at most (see [`RowMaker`]).
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
}

/// Columns of the frames held in a temporary file (see [`Frames::park`]), with their places.
#[derive(Debug)]
pub struct Parked {
    file: tempfile::NamedTempFile,
    places: Vec<(usize, String)>,
}

impl Parked {
    /// Each process's key and ocid (`process`, `ocid`), read from the file when a query needs
    /// them.
    pub fn ocids(&self) -> PolarsResult<LazyFrame> {
        let path = self.file.path().to_string_lossy().into_owned();
        Ok(
            LazyFrame::scan_parquet(PlRefPath::new(path), ScanArgsParquet::default())?
                .select([col(KEY), col(OCID)]),
        )
    }
}

/// Builds the frames as the ingest compiles the releases (see [`Consumer`]): each release
/// becomes rows on the thread that parsed it, as soon as it is compiled, each chunk's rows
/// become the tables of a part, and only the parts are kept.
#[derive(Default)]
pub struct Builder {
    /// The tables of each batch, in [`Frames::NAMES`] order.
    parts: Vec<[DataFrame; 6]>,
    /// The first error met.
    error: Option<PolarsError>,
    /// Whether the columns only `redflags frames` writes are left out (see [`Builder::for_run`]).
    run_only: bool,
    /// Those columns made all the same (see [`Builder::keeping`]).
    kept: &'static [&'static str],
    /// The list the numbered texts share, held while an ingest hands over its pieces (see
    /// [`numbering::shared_list`]).
    list: Option<Arc<CategoricalMapping>>,
}

/// Makes the rows of a chunk of releases, release by release as they are parsed, into the
/// tables of a part, on a thread of the pool (see [`Make`]).
pub struct RowMaker {
    run_only: bool,
    kept: &'static [&'static str],
    list: Option<Arc<CategoricalMapping>>,
}

/// The tables of `releases` (with their process keys), their numbered columns numbered within
/// them.
fn part_of(
    releases: &[(u32, &Release)],
    run_only: bool,
    kept: &'static [&'static str],
    list: &CategoricalMapping,
) -> PolarsResult<numbering::Part> {
    let mut rows = Rows::new(run_only, kept);
    rows.reserve_for(releases);
    for (key, release) in releases {
        rows.push(*key, release);
    }
    numbering::Part::new(rows.into_tables()?, list)
}

impl Make for RowMaker {
    type Piece = PolarsResult<Vec<numbering::Part>>;

    fn make(
        &self,
        units: &mut dyn Iterator<Item = Vec<Release>>,
    ) -> PolarsResult<Vec<numbering::Part>> {
        let Some(list) = &self.list else {
            polars_bail!(ComputeError: "the numbered texts have no list");
        };
        // The releases are held here while the rows borrow their texts, and go, on this
        // thread, once the rows are tables.
        let held = typed_arena::Arena::new();
        let fresh = || Rows::new(self.run_only, self.kept);
        let mut parts = Vec::new();
        let mut rows = fresh();
        let (mut key, mut in_rows) = (0u32, 0usize);
        for unit in units {
            if unit.len() > CHUNK {
                // A document of many releases: a part per [`CHUNK`] of them, made on every
                // thread, after the rows of the releases before it.
                if in_rows > 0 {
                    let before = std::mem::replace(&mut rows, fresh());
                    parts.push(numbering::Part::new(before.into_tables()?, list)?);
                    in_rows = 0;
                }
                let keyed: Vec<(u32, &Release)> = (key..).zip(&unit).collect();
                let made: PolarsResult<Vec<_>> = keyed
                    .par_chunks(CHUNK)
                    .map(|chunk| part_of(chunk, self.run_only, self.kept, list))
                    .collect();
                parts.extend(made?);
                key += unit.len() as u32;
                continue;
            }
            // Each release's rows are made as soon as it is parsed and compiled.
            for release in held.alloc_extend(unit) {
                rows.push(key, release);
                key += 1;
                in_rows += 1;
            }
        }
        // (A chunk whose units gave no release makes no part: the frames of an input without
        // a process are made from no part at all.)
        if in_rows > 0 {
            parts.push(numbering::Part::new(rows.into_tables()?, list)?);
        }
        Ok(parts)
    }
}

impl Builder {
    /// A builder of the frames a run reads: without the columns that only `redflags frames`
    /// writes ([`Frames::EXPORTED_ONLY`]), which are then never made. Made and dropped after
    /// the reading, they held about 430 MiB at 1,000,000 generated processes, and the pages
    /// their many small pieces shared with other blocks stayed resident.
    pub fn for_run() -> Builder {
        Builder {
            run_only: true,
            ..Builder::default()
        }
    }

    /// This builder, making these of the columns a run leaves out all the same: those an
    /// indicator reads only when the settings ask for it (`identifier_id`, for the lists).
    pub fn keeping(mut self, kept: &'static [&'static str]) -> Builder {
        self.kept = kept;
        self
    }

    /// Turns compiled releases held in memory, with their process keys, into rows, in
    /// parallel.
    fn add<'a>(&mut self, releases: impl Iterator<Item = (u32, &'a Release)>) {
        let releases: Vec<(u32, &Release)> = releases.collect();
        let (run_only, kept) = (self.run_only, self.kept);
        let parts: PolarsResult<Vec<[DataFrame; 6]>> = numbering::shared_list().and_then(|list| {
            releases
                .par_chunks(CHUNK)
                .map(|chunk| part_of(chunk, run_only, kept, &list))
                .collect::<PolarsResult<Vec<_>>>()
                .and_then(|parts| numbering::numbered_in_order(parts, &list))
        });
        self.keep(parts);
    }

    /// Keeps the tables of a batch's parts, numbered.
    fn keep(&mut self, parts: PolarsResult<Vec<[DataFrame; 6]>>) {
        // The memory grows batch by batch: past a size, mimalloc purges on its own again.
        crate::memory::purge_as_size_fits();
        match parts {
            Ok(parts) => self.parts.extend(parts),
            Err(error) => {
                self.error.get_or_insert(error);
            }
        }
    }

    /// The frames: every batch's rows together, the processes numbered in `ocid` order (the
    /// keys the batches were given are replaced) and every table in that order.
    pub fn finish(self) -> PolarsResult<Frames> {
        if let Some(error) = self.error {
            return Err(error);
        }
        let mut parts = self.parts;
        let mut tables: Vec<DataFrame> = Vec::with_capacity(6);
        let mut empties: Vec<Vec<(usize, Column)>> = Vec::with_capacity(6);
        for index in 0..6 {
            let mut pieces: Vec<DataFrame> = parts
                .iter_mut()
                .map(|part| std::mem::take(&mut part[index]))
                .collect();
            // The columns no piece holds a value in (fields the data do not publish) are left
            // out while the pieces are put together and in key order, which would write them
            // out row by row (at 1,000,000 generated processes about 500 MB for a moment), and
            // put back as one missing value each.
            let empty = columns_without_values(&pieces);
            for piece in &mut pieces {
                for (_, column) in &empty {
                    piece.drop_in_place(column.name())?;
                }
            }
            let mut pieces = pieces.into_iter();
            let mut table = match pieces.next() {
                Some(first) => first,
                None => Rows::new(self.run_only, self.kept).into_tables()?[index].clone(),
            };
            for piece in pieces {
                table.vstack_mut_owned(piece)?;
            }
            tables.push(table);
            empties.push(empty);
        }
        // The batches' freed memory, and after each table its pieces, go back to the system:
        // the tables put together are new large blocks that the freed pages cannot hold, so
        // that without this the resident memory would hold the frames nearly twice.
        crate::memory::release_freed();
        let renumbered = renumber(&tables[0])?;
        for (table, empty) in tables.iter_mut().zip(empties) {
            let mut ordered = in_key_order(std::mem::take(table), &renumbered)?;
            let height = ordered.height();
            for (index, column) in empty {
                // Of the type the pieces' values would have been numbered to.
                let dtype = match column.dtype() {
                    DataType::String if NUMBERED.contains(&column.name().as_str()) => {
                        numbered_type()
                    }
                    dtype => dtype.clone(),
                };
                let held = Column::full_null(column.name().clone(), height, &dtype);
                ordered.insert_column(index, held)?;
            }
            *table = nulls_held_once(ordered)?;
            crate::memory::release_freed();
        }
        let [processes, parties, bids, awards, contracts, items]: [DataFrame; 6] = tables
            .try_into()
            .map_err(|_| polars_err!(ComputeError: "six tables expected"))?;
        Ok(Frames {
            processes,
            parties,
            bids,
            awards,
            contracts,
            items,
        })
    }
}

impl Consumer for Builder {
    type Piece = PolarsResult<Vec<numbering::Part>>;
    type Maker = RowMaker;

    fn maker(&mut self) -> RowMaker {
        match numbering::shared_list() {
            Ok(list) => self.list = Some(list),
            Err(error) => {
                self.error.get_or_insert(error);
            }
        }
        RowMaker {
            run_only: self.run_only,
            kept: self.kept,
            list: self.list.clone(),
        }
    }

    fn take(&mut self, pieces: Vec<(PolarsResult<Vec<numbering::Part>>, Vec<Option<u32>>)>) {
        let Some(list) = &self.list else {
            return;
        };
        let parts = pieces
            .into_iter()
            .map(|(parts, keys)| {
                parts?
                    .into_iter()
                    .map(|part| part.rekeyed(&keys, list))
                    .collect::<PolarsResult<Vec<_>>>()
            })
            .collect::<PolarsResult<Vec<_>>>()
            .map(|parts| parts.into_iter().flatten().collect())
            .and_then(|parts| numbering::numbered_in_order(parts, list));
        self.keep(parts);
    }

    fn retract(&mut self, keys: &[u32]) {
        let Some(&largest) = keys.last() else {
            return;
        };
        let mut retracted = vec![false; largest as usize + 1];
        for key in keys {
            retracted[*key as usize] = true;
        }
        for part in &mut self.parts {
            for table in part.iter_mut() {
                let kept = table.column(KEY).and_then(|column| {
                    let kept: BooleanChunked = column
                        .u32()?
                        .into_no_null_iter()
                        .map(|key| !retracted.get(key as usize).copied().unwrap_or(false))
                        .collect();
                    table.filter(&kept)
                });
                match kept {
                    Ok(kept) => *table = kept,
                    Err(error) => {
                        self.error.get_or_insert(error);
                    }
                }
            }
        }
    }
}

/// The columns (with their places) that hold no value in any of `pieces` (and that the first
/// piece has), each as an empty column of its type.
fn columns_without_values(pieces: &[DataFrame]) -> Vec<(usize, Column)> {
    let Some(first) = pieces.first() else {
        return Vec::new();
    };
    first
        .columns()
        .iter()
        .enumerate()
        .filter(|(_, column)| {
            column.name() != KEY
                && pieces.iter().all(|piece| {
                    piece
                        .column(column.name())
                        .is_ok_and(|column| column.null_count() == column.len())
                })
        })
        .map(|(index, column)| (index, column.clear()))
        .collect()
}

/// `table` with each column that holds no value (a field the data do not publish) held as
/// one missing value rather than a value and a validity bit per row: the pieces' columns are
/// made so (see [`columns`]), but putting the pieces together and in key order writes them out
/// row by row (about 0.8 MB per column at 100,000 processes).
fn nulls_held_once(mut table: DataFrame) -> PolarsResult<DataFrame> {
    let height = table.height();
    let empty: Vec<(usize, Column)> = table
        .columns()
        .iter()
        .enumerate()
        .filter(|(_, column)| {
            height > 0 && column.null_count() == height && !matches!(column, Column::Scalar(_))
        })
        .map(|(index, column)| {
            (
                index,
                Column::full_null(column.name().clone(), height, column.dtype()),
            )
        })
        .collect();
    for (index, column) in empty {
        table.replace_column(index, column)?;
    }
    Ok(table)
}

/// The columns of `processes` that only the indicators (and the fields' coverage, measured
/// before them) read: the score, the profiles and the outputs do not, so a run lets them go
/// after the indicators (about 100 MB at 1,000,000 generated processes).
const INDICATORS_ONLY: [&str; 20] = [
    "award_criteria",
    "procurement_method_rationale",
    "tender_published",
    "tender_documents",
    "notice_published",
    "key_documents",
    "key_documents_published",
    "planning_documents",
    "procurement_plan",
    "participation_fee",
    "participation_fee_currency",
    "bid_opening",
    "award_start",
    "enquiries",
    "unanswered",
    "complaints",
    "has_tender_period",
    "tenderers_listed",
    "budget_amount",
    "budget_currency",
];

/// The process key column of every table.
pub const KEY: &str = "process";

/// The kinds of tender document (OCDS `documentType` codes) a bidder needs to prepare a bid:
/// the bidding documents, the technical specifications and the evaluation and eligibility
/// criteria.
pub const KEY_TENDER_DOCUMENTS: [&str; 4] = [
    "biddingDocuments",
    "technicalSpecifications",
    "evaluationCriteria",
    "eligibilityCriteria",
];

/// By process key, for `height` processes: whether `keys` (a table's key column) lists the
/// process. The keys number the processes from 0, so a key is its process's row.
pub fn listed_keys(keys: &Column, height: usize) -> PolarsResult<Vec<bool>> {
    let mut listed = vec![false; height];
    for key in keys.u32()?.into_no_null_iter() {
        if let Some(place) = listed.get_mut(key as usize) {
            *place = true;
        }
    }
    Ok(listed)
}

/// The contracting process's identifier column, in the processes table only.
pub const OCID: &str = "ocid";

/// The new key of each old key: the processes numbered in `ocid` order.
fn renumber(processes: &DataFrame) -> PolarsResult<Vec<u32>> {
    // The keys in row order, in one vector: the table is still in the batches' chunks, through
    // which a lookup by row searches for its chunk (at 1,000,000 processes, 122 of them).
    let keys: Vec<u32> = processes.column(KEY)?.u32()?.into_no_null_iter().collect();
    let ocids = processes.column(OCID)?;
    let size = keys.iter().max().map_or(0, |key| *key as usize + 1);
    let mut renumbered = vec![u32::MAX; size];
    let mut number = |new: usize, row: usize| {
        if let Some(&old) = keys.get(row) {
            renumbered[old as usize] = new as u32;
        }
    };
    if in_order(ocids.str()?) {
        // Most publishers' files, and every generated one, are in `ocid` order already: a
        // pass over the texts instead of a sort of them.
        (0..keys.len()).for_each(|row| number(row, row));
    } else {
        let order = ocids
            .as_materialized_series()
            .arg_sort(SortOptions::default().with_maintain_order(true));
        for (new, row) in order.into_no_null_iter().enumerate() {
            number(new, row as usize);
        }
    }
    Ok(renumbered)
}

/// Whether the texts are in ascending order, missing ones first (as [`renumber`]'s sort puts
/// them).
fn in_order(texts: &StringChunked) -> bool {
    let mut previous: Option<&str> = None;
    texts.iter().all(|text| {
        let ordered = previous <= text;
        previous = text;
        ordered
    })
}

/// A table with its keys renumbered and its rows in the order of the new keys (the rows of
/// one process keep their order). Rows out of order are put in order by a counting sort on the
/// keys, one column at a time, so that memory holds the table and one column more.
fn in_key_order(mut table: DataFrame, renumbered: &[u32]) -> PolarsResult<DataFrame> {
    let keys: Vec<u32> = table
        .column(KEY)?
        .u32()?
        .into_no_null_iter()
        .map(|key| renumbered[key as usize])
        .collect();
    if !keys.is_sorted() {
        let order = counting_order(&keys);
        for index in 0..table.width() {
            let gathered = table.columns()[index].take(&order)?;
            table.replace_column(index, gathered)?;
        }
    }
    let mut keys = keys;
    keys.sort_unstable();
    let mut keys = UInt32Chunked::from_vec(KEY.into(), keys);
    // Marked sorted, so that Polars groups by the key in runs of equal keys instead of a hash
    // table (and keeps the mark through the filters and slices of the indicators).
    keys.set_sorted_flag(polars_core::series::IsSorted::Ascending);
    table.with_column(keys.into_column())?;
    // The batches' pieces put together, the columns on both cores.
    table.rechunk_mut_par();
    numbered(table)
}

/// The columns of codes (statuses, methods, categories, currencies, classification schemes
/// and sections) and of organization ids and names, held as numbered texts (Polars'
/// categorical: each row a 4-byte number, each distinct text once): a few codes and the same
/// organizations recur in every table, and a text column would hold them in every row (16
/// bytes of view each). At 1,000,000 generated processes the codes numbered took the frames'
/// resident memory from 1,736 to 1,443 MB. Code comparisons test each distinct text once
/// ([`text_test`], used by [`code_in`]), not each row.
pub const NUMBERED: [&str; 20] = [
    "tender_status",
    "procurement_method",
    "procurement_method_details",
    "main_procurement_category",
    "tender_currency",
    "budget_currency",
    "status",
    "currency",
    "section",
    "scheme",
    "buyer_id",
    "buyer_name",
    "procuring_entity_id",
    "procuring_entity_name",
    "party_id",
    "name",
    "tenderer_id",
    "tenderer_name",
    "supplier_id",
    "supplier_name",
];

/// The type of the [`NUMBERED`] columns: texts numbered in one list shared by every table, so
/// that an id of one table joins and compares with the same id of another.
pub fn numbered_type() -> DataType {
    DataType::from_categories(Categories::global())
}

/// A column of texts as text, whether it is held as text or numbered (see [`NUMBERED`]).
pub fn as_text(column: &Column) -> PolarsResult<StringChunked> {
    Ok(column.cast(&DataType::String)?.str()?.clone())
}

/// `table` with its numbered columns (see [`NUMBERED`]) as plain texts: for the tables a run
/// writes, which hold texts whatever the frames hold.
pub fn unnumbered(mut table: DataFrame) -> PolarsResult<DataFrame> {
    for index in 0..table.width() {
        let column = &table.columns()[index];
        if matches!(column.dtype(), DataType::Categorical(..)) {
            let text = as_text(column)?.into_column();
            table.replace_column(index, text)?;
        }
    }
    Ok(table)
}

/// `table` with its [`NUMBERED`] columns numbered, one after another in the table's order: the
/// numbers are given in the order the texts are first met, the same for the same input.
fn numbered(mut table: DataFrame) -> PolarsResult<DataFrame> {
    for index in 0..table.width() {
        let column = &table.columns()[index];
        if NUMBERED.contains(&column.name().as_str()) && column.dtype() == &DataType::String {
            let cast = column.cast(&numbered_type())?;
            table.replace_column(index, cast)?;
        }
    }
    Ok(table)
}

/// The rows in the order of their keys, each key's rows in their own order: a stable counting
/// sort, linear in the rows and keys.
fn counting_order(keys: &[u32]) -> IdxCa {
    let size = keys.iter().max().map_or(0, |&key| key as usize + 1);
    // Each key's number of rows, then the row where its rows start.
    let mut starts: Vec<IdxSize> = vec![0; size];
    for &key in keys {
        starts[key as usize] += 1;
    }
    let mut total = 0;
    for start in &mut starts {
        let count = *start;
        *start = total;
        total += count;
    }
    let mut order: Vec<IdxSize> = vec![0; keys.len()];
    for (row, &key) in keys.iter().enumerate() {
        let slot = &mut starts[key as usize];
        order[*slot as usize] = row as IdxSize;
        *slot += 1;
    }
    IdxCa::from_vec(PlSmallStr::EMPTY, order)
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
        Self::build_with(Builder::default(), releases)
    }

    /// [`Frames::build`], the frames of a run (see [`Builder::for_run`]).
    pub fn build_for_run(releases: &[Release]) -> PolarsResult<Frames> {
        Self::build_with(Builder::for_run(), releases)
    }

    fn build_with(mut builder: Builder, releases: &[Release]) -> PolarsResult<Frames> {
        builder.add(
            releases
                .iter()
                .enumerate()
                .map(|(key, release)| (key as u32, release)),
        );
        builder.finish()
    }

    /// The frames as the stages after the indicators read them (the score, the profiles, the
    /// outputs and the report): every process and award, the parties' and the tenderers' ids
    /// and names (each organization's name), the contracts' values, and no item rows; the rest
    /// is handed back.
    pub fn after_indicators(mut self) -> PolarsResult<Frames> {
        self.processes = self.processes.drop_many(INDICATORS_ONLY);
        self.parties = self.parties.select([KEY, "party_id", "name"])?;
        self.bids = self.bids.select([KEY, "tenderer_id", "tenderer_name"])?;
        self.contracts = self.contracts.select([KEY, "amount", "currency"])?;
        self.items = self.items.clear();
        crate::memory::release_freed();
        Ok(self)
    }

    /// The frames as the profiles read them (each process's buyer, each award's status and
    /// supplier), the rest handed back: for a run whose later stages read no more of them (see
    /// `run::Keep::Outputs`). At 1,000,000 generated processes that hands back about 165 MiB
    /// before the profiles.
    pub fn for_profiles(mut self) -> PolarsResult<Frames> {
        self.processes = self.processes.select([KEY, "buyer_id", "buyer_name"])?;
        self.awards = self
            .awards
            .select([KEY, "status", "supplier_id", "supplier_name"])?;
        for table in [
            &mut self.parties,
            &mut self.bids,
            &mut self.contracts,
            &mut self.items,
        ] {
            *table = table.clear();
        }
        crate::memory::release_freed();
        Ok(self)
    }

    /// The frames with no rows, each table keeping its columns: for a run whose later stages
    /// read none of them (see `run::Keep::Outputs`).
    pub fn emptied(mut self) -> Frames {
        for table in [
            &mut self.processes,
            &mut self.parties,
            &mut self.bids,
            &mut self.awards,
            &mut self.contracts,
            &mut self.items,
        ] {
            *table = table.clear();
        }
        self
    }

    /// Moves the processes' columns that no indicator reads as a column ([`Frames::PARKED`])
    /// out of memory into a temporary Parquet file, until [`Frames::unpark`] puts them back:
    /// the indicators' working tables are the run's largest, and the ocids and titles are
    /// read as columns only by the score and the outputs (the indicators that name processes
    /// read their ocids from the file, see [`Parked::ocids`]). At 1,000,000 generated
    /// processes the two held about 35 MiB, and more where the titles are all different.
    pub fn park(&mut self) -> PolarsResult<Parked> {
        let names: Vec<&str> = Self::PARKED
            .iter()
            .copied()
            .filter(|name| self.processes.schema().contains(name))
            .collect();
        let mut table = self
            .processes
            .select(std::iter::once(KEY).chain(names.iter().copied()))?;
        let file = tempfile::Builder::new()
            .prefix("redflags-parked-")
            .suffix(".parquet")
            .tempfile()?;
        ParquetWriter::new(file.as_file())
            .with_compression(ParquetCompression::Uncompressed)
            .finish(&mut table)?;
        drop(table);
        let mut places = Vec::with_capacity(names.len());
        for name in &names {
            let place = self
                .processes
                .get_column_index(name)
                .ok_or_else(|| polars_err!(ColumnNotFound: "{name}"))?;
            places.push((place, name.to_string()));
            self.processes = self.processes.drop(name)?;
        }
        crate::memory::release_freed();
        Ok(Parked { file, places })
    }

    /// Puts the columns [`Frames::park`] moved out back in their places.
    pub fn unpark(&mut self, parked: Parked) -> PolarsResult<()> {
        let table = ParquetReader::new(parked.file.reopen()?).finish()?;
        // Each place was taken with the columns before it already moved out: put back last
        // first.
        for (place, name) in parked.places.into_iter().rev() {
            // Rebuilt as the frames build their texts (each distinct text once), not as the
            // file's reader makes them (each row's bytes apart).
            let texts: Vec<Option<&str>> = table.column(&name)?.str()?.iter().collect();
            let column = if name == OCID {
                // One process per `ocid`: no text repeats.
                columns::distinct_text_column(&name, texts.iter().copied())
            } else {
                columns::text_column(&name, texts.iter().copied())
            };
            self.processes.insert_column(place, column)?;
        }
        Ok(())
    }

    /// The processes' columns [`Frames::park`] moves out while the indicators run.
    pub const PARKED: [&'static str; 2] = [OCID, "title"];

    /// The columns of `table` that no stage of a run reads (see [`Frames::EXPORTED_ONLY`]).
    pub fn exported_only(table: &str) -> &'static [&'static str] {
        Self::EXPORTED_ONLY
            .iter()
            .find(|(name, _)| *name == table)
            .map_or(&[], |(_, columns)| columns)
    }

    /// The columns no stage of a run reads, by table: only `redflags frames` writes them.
    pub const EXPORTED_ONLY: [(&'static str, &'static [&'static str]); 4] = [
        ("processes", &["tender_id", "tender_amendments"]),
        ("parties", &["roles", "identifier_scheme", "identifier_id"]),
        ("contracts", &["transactions_count", "transactions_skipped"]),
        ("items", &["item_id", "parent_id"]),
    ];

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

    /// The tables as files hold them: each table but `processes` gets its process's `ocid`
    /// after the key, so that every file can be read on its own.
    pub fn self_contained(&self) -> PolarsResult<Vec<(&'static str, DataFrame)>> {
        let ocids = self.processes.column(OCID)?.as_materialized_series();
        self.tables()
            .into_iter()
            .map(|(name, table)| {
                let mut table = table.clone();
                if name != "processes" {
                    let ocid = ocids.take(table.column(KEY)?.u32()?)?;
                    table.insert_column(1, ocid.into_column())?;
                }
                Ok((name, table))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn processes_are_renumbered_in_ocid_order_whether_or_not_they_come_in_it() {
        let renumbered = |ocids: &[Option<&str>]| {
            let keys: Vec<u32> = (0..ocids.len() as u32).rev().collect();
            let table = df!(KEY => keys, OCID => ocids).unwrap();
            renumber(&table).unwrap()
        };
        // In order (the missing ocid first): each row keeps its place, its old key renumbered.
        assert_eq!(
            renumbered(&[None, Some("ocds-a"), Some("ocds-b")]),
            [2, 1, 0]
        );
        // Out of order: rows 0, 1, 2 (old keys 2, 1, 0) take places 1, 2, 0.
        assert_eq!(
            renumbered(&[Some("ocds-b"), Some("ocds-c"), Some("ocds-a")]),
            [0, 2, 1]
        );
    }

    #[test]
    fn rows_out_of_key_order_are_put_in_order_each_process_keeping_its_own() {
        // Old keys 0, 1, 2 become 2, 0, 1; process 0 has two rows, which keep their order.
        let table = df!(
            KEY => [0u32, 0, 1, 2],
            "row" => ["a", "b", "c", "d"],
            "amount" => [Some(1.0), None, Some(3.0), Some(4.0)],
        )
        .unwrap();
        let ordered = in_key_order(table, &[2, 0, 1]).unwrap();
        let keys: Vec<u32> = ordered
            .column(KEY)
            .unwrap()
            .u32()
            .unwrap()
            .into_no_null_iter()
            .collect();
        assert_eq!(keys, [0, 1, 2, 2]);
        let rows: Vec<Option<&str>> = ordered
            .column("row")
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .collect();
        assert_eq!(rows, [Some("c"), Some("d"), Some("a"), Some("b")]);
        let amounts: Vec<Option<f64>> = ordered
            .column("amount")
            .unwrap()
            .f64()
            .unwrap()
            .iter()
            .collect();
        assert_eq!(amounts, [Some(3.0), Some(4.0), Some(1.0), None]);
    }
}
