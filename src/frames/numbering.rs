//! Numbering the codes and the organization ids and names (see [`super::NUMBERED`]) of each
//! part of the frames as the part is built, not once all of them are read.
//!
//! A part (the tables of one chunk of releases) is made in parallel, and so is the numbering of
//! its columns against the part's own list of distinct texts. The parts' lists then enter the
//! one list every table shares in input order, a serial step over each part's distinct texts
//! only, and each part's numbers are translated in parallel. So the parts hold four bytes per
//! row for these columns from the start, the texts are hashed once per row in parallel instead
//! of once more after the reading in one thread, and the numbers are the same for the same
//! input whatever the threads.

use std::hash::BuildHasher;

use polars::prelude::*;
use rayon::prelude::*;

/// The tables of one chunk of releases, with each numbered column numbered against the
/// column's own distinct texts.
pub struct Part {
    tables: [DataFrame; 6],
    columns: Vec<Local>,
}

/// The texts of a part already looked up in the shared list, with their hash for it and their
/// number there: an organization's id and name come in several tables of a part (the parties,
/// the bids, the awards), and the shared list, which holds every organization of the input,
/// is a lookup into memory far larger than the processor's caches. At 1,000,000 generated
/// processes its lookups took 1.9 s of processor time, against 0.08 s at 100,000.
type LookedUp<'a> = PlHashMap<&'a str, (u64, Option<u32>)>;

/// A numbered column of a part, numbered within the part.
struct Local {
    /// The table (in [`super::Frames::NAMES`] order) and the column's position in it.
    table: usize,
    column: usize,
    /// Each row's number in the column's own list (none for no text).
    codes: UInt32Chunked,
    /// The row where each text of that list is first met, in the list's order.
    first: Vec<usize>,
    /// Each text of that list's hash for the shared list, and its number there if the list
    /// held it already when the part was made (see [`numbered_in_order`]).
    found: Vec<(u64, Option<u32>)>,
}

impl Part {
    /// The part of `tables`, its numbered text columns numbered within it.
    pub(super) fn new(tables: [DataFrame; 6], mapping: &CategoricalMapping) -> PolarsResult<Part> {
        let mut columns = Vec::new();
        let mut looked_up = LookedUp::default();
        for (index, table) in tables.iter().enumerate() {
            for (position, column) in table.columns().iter().enumerate() {
                if super::NUMBERED.contains(&column.name().as_str())
                    && column.dtype() == &DataType::String
                {
                    let texts = column.str()?;
                    columns.push(Local::of(index, position, texts, mapping, &mut looked_up)?);
                }
            }
        }
        // (It borrows the tables' texts: gone before the tables move into the part.)
        drop(looked_up);
        Ok(Part { tables, columns })
    }

    /// The part with each row's process key (the release's place in the part) replaced by
    /// `keys`; the rows of the releases whose key is `None` are left out, before the texts are
    /// numbered in the shared list, so the list holds the same texts in the same order as if
    /// those releases had never come.
    pub(super) fn rekeyed(
        mut self,
        keys: &[Option<u32>],
        mapping: &CategoricalMapping,
    ) -> PolarsResult<Part> {
        let key = |local: u32| keys.get(local as usize).copied().flatten();
        let all = keys.iter().all(Option::is_some);
        for table in &mut self.tables {
            let locals = table.column(super::KEY)?.u32()?.clone();
            if !all {
                let kept: BooleanChunked = locals
                    .into_no_null_iter()
                    .map(|local| key(local).is_some())
                    .collect();
                *table = table.filter(&kept)?;
            }
            let given = table
                .column(super::KEY)?
                .u32()?
                .apply_values(|local| key(local).unwrap_or_default());
            table.with_column(given.into_column())?;
        }
        if all {
            return Ok(self);
        }
        Part::new(self.tables, mapping)
    }

    /// The tables, each numbered column given the shared list's numbers (`numbers[c][n]`: the
    /// number of the `n`th text of column `c`'s own list).
    fn into_tables(self, numbers: &[Vec<u32>]) -> PolarsResult<[DataFrame; 6]> {
        let dtype = super::numbered_type();
        let mut tables = self.tables;
        for (local, numbers) in self.columns.into_iter().zip(numbers) {
            // (The slots of missing texts hold 0 whether or not the list has a text 0.)
            let shared = local
                .codes
                .apply_values(|code| numbers.get(code as usize).copied().unwrap_or_default());
            let numbered =
                Categorical32Chunked::from_cats_and_dtype(shared, dtype.clone()).into_series();
            tables[local.table].replace_column(local.column, numbered.into_column())?;
        }
        Ok(tables)
    }
}

impl Local {
    /// Numbers a column of texts within the part. A column made by
    /// [`super::columns::text_column`] is one array that stores each distinct long text once,
    /// so two rows hold the same text where they hold the same view (its length and inline
    /// bytes, or its place in the one buffer): the views are numbered, a 16-byte key, instead
    /// of the texts. Should a text be stored twice, its rows get two numbers here and the same
    /// one in the shared list, which numbers texts ([`numbered_in_order`]).
    fn of<'a>(
        table: usize,
        column: usize,
        texts: &'a StringChunked,
        mapping: &CategoricalMapping,
        looked_up: &mut LookedUp<'a>,
    ) -> PolarsResult<Local> {
        use polars_arrow::array::Array;
        let mut first = Vec::new();
        let one_array = texts.downcast_get(0).filter(|_| texts.chunks().len() == 1);
        let codes: UInt32Chunked = match one_array {
            Some(array) => {
                let mut numbers: PlHashMap<u128, u32> = PlHashMap::default();
                let mut number = |row: usize, view: u128| {
                    let next = numbers.len() as u32;
                    *numbers.entry(view).or_insert_with(|| {
                        first.push(row);
                        next
                    })
                };
                let views = array.views().iter().enumerate();
                match array.validity() {
                    None => views
                        .map(|(row, view)| Some(number(row, view.as_u128())))
                        .collect(),
                    Some(valid) => views
                        .zip(valid.iter())
                        .map(|((row, view), valid)| valid.then(|| number(row, view.as_u128())))
                        .collect(),
                }
            }
            None => {
                let mut numbers: PlHashMap<&str, u32> = PlHashMap::default();
                texts
                    .iter()
                    .enumerate()
                    .map(|(row, text)| {
                        text.map(|text| {
                            let next = numbers.len() as u32;
                            *numbers.entry(text).or_insert_with(|| {
                                first.push(row);
                                next
                            })
                        })
                    })
                    .collect()
            }
        };
        let found = first
            .iter()
            .map(|&row| {
                let text = texts
                    .get(row)
                    .ok_or_else(|| polars_err!(ComputeError: "a numbered text is missing"))?;
                Ok(*looked_up.entry(text).or_insert_with(|| {
                    let hash = mapping.hasher().hash_one(text);
                    (hash, mapping.get_cat_with_hash(text, hash))
                }))
            })
            .collect::<PolarsResult<_>>()?;
        Ok(Local {
            table,
            column,
            codes: codes.with_name(texts.name().clone()),
            first,
            found,
        })
    }
}

/// The list every numbered column shares (see [`super::numbered_type`]). Polars keeps it only
/// while something holds it (a new one, with another hash, is made after): the caller holds
/// it from the making of a batch's parts to their numbering.
pub(super) fn shared_list() -> PolarsResult<Arc<CategoricalMapping>> {
    match super::numbered_type() {
        DataType::Categorical(_, mapping) => Ok(mapping),
        _ => polars_bail!(ComputeError: "numbered texts are categorical"),
    }
}

/// The parts' tables, their numbered columns numbered in the list every table shares: the
/// parts' distinct texts enter it in the parts' order, each part's columns in table and column
/// order, each column's texts in the order first met.
pub(super) fn numbered_in_order(
    parts: Vec<Part>,
    mapping: &CategoricalMapping,
) -> PolarsResult<Vec<[DataFrame; 6]>> {
    // Only the texts the list did not hold when their part was made are put in it here, in
    // order; the rest (most of them, once the organizations have been met) have their
    // numbers already. Every part of a batch is made before this step and the next batch's
    // after it, so the numbers are those of putting every text in, in order.
    let numbers: Vec<Vec<Vec<u32>>> = parts
        .iter()
        .map(|part| {
            part.columns
                .iter()
                .map(|local| {
                    let texts = part.tables[local.table].columns()[local.column].str()?;
                    local
                        .first
                        .iter()
                        .zip(&local.found)
                        .map(|(&row, &(hash, found))| match (found, texts.get(row)) {
                            (Some(number), _) => Ok(number),
                            (None, Some(text)) => mapping.insert_cat_with_hash(text, hash),
                            (None, None) => {
                                polars_bail!(ComputeError: "a numbered text is missing")
                            }
                        })
                        .collect()
                })
                .collect()
        })
        .collect::<PolarsResult<_>>()?;
    parts
        .into_par_iter()
        .zip(numbers)
        .map(|(part, numbers)| part.into_tables(&numbers))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(name: &str, texts: &[Option<&str>]) -> DataFrame {
        let keys = Column::new(super::super::KEY.into(), vec![0u32; texts.len()]);
        let texts = Column::new(name.into(), texts.to_vec());
        DataFrame::new(keys.len(), vec![keys, texts]).unwrap()
    }

    fn part(texts: &[Option<&str>], mapping: &CategoricalMapping) -> Part {
        let tables = std::array::from_fn(|index| {
            if index == 1 {
                table("name", texts)
            } else {
                table("title", &[])
            }
        });
        Part::new(tables, mapping).unwrap()
    }

    #[test]
    fn parts_numbered_apart_share_one_list_in_input_order() {
        let first = [
            Some("Numbering test: Beta"),
            None,
            Some("Numbering test: Alpha"),
            Some("Numbering test: Beta"),
        ];
        let second = [
            Some("Numbering test: Gamma"),
            Some("Numbering test: Alpha"),
            None,
        ];
        // A part whose column has no text at all.
        let none = [None, None];
        let list = shared_list().unwrap();
        let parts = vec![
            part(&first, &list),
            part(&second, &list),
            part(&none, &list),
        ];
        let tables = numbered_in_order(parts, &list).unwrap();
        let mut seen = Vec::new();
        for (tables, texts) in tables.iter().zip([&first[..], &second[..], &none[..]]) {
            let column = tables[1].column("name").unwrap();
            assert_eq!(column.dtype(), &super::super::numbered_type());
            let numbered = column.cat32().unwrap();
            assert_eq!(numbered.iter_str().collect::<Vec<_>>(), texts);
            seen.extend(numbered.physical().iter());
            // Columns that are not numbered are left as they are.
            assert_eq!(
                tables[0].column("title").unwrap().dtype(),
                &DataType::String
            );
        }
        // The same text has the same number in both parts; a text first met later has a
        // higher number.
        let beta = seen[0].unwrap();
        let alpha = seen[2].unwrap();
        let gamma = seen[4].unwrap();
        assert_eq!(seen[3], Some(beta));
        assert_eq!(seen[5], Some(alpha));
        assert_eq!(seen[1], None);
        assert!(beta < alpha && alpha < gamma);
    }

    #[test]
    fn the_rows_of_releases_left_out_go_before_their_texts_are_numbered() {
        let list = shared_list().unwrap();
        let names = [
            Some("Rekeying test: kept"),
            Some("Rekeying test: left out"),
            Some("Rekeying test: kept"),
        ];
        let keys = Column::new(super::super::KEY.into(), vec![0u32, 1, 2]);
        let parties = DataFrame::new(3, vec![keys, Column::new("name".into(), names.to_vec())]);
        let tables = |parties: &DataFrame| {
            std::array::from_fn(|index| {
                if index == 1 {
                    parties.clone()
                } else {
                    table("title", &[])
                }
            })
        };
        let parties = parties.unwrap();
        let keys_and_names = |kept: &[Option<u32>]| {
            let part = Part::new(tables(&parties), &list).unwrap();
            let tables = numbered_in_order(vec![part.rekeyed(kept, &list).unwrap()], &list)
                .unwrap()
                .remove(0);
            let keys: Vec<u32> = tables[1]
                .column(super::super::KEY)
                .unwrap()
                .u32()
                .unwrap()
                .into_no_null_iter()
                .collect();
            let names: Vec<Option<String>> = tables[1]
                .column("name")
                .unwrap()
                .cat32()
                .unwrap()
                .iter_str()
                .map(|name| name.map(str::to_owned))
                .collect();
            (keys, names)
        };
        let kept = Some("Rekeying test: kept".to_owned());
        let (keys, names) = keys_and_names(&[Some(10), None, Some(12)]);
        assert_eq!(keys, [10, 12]);
        assert_eq!(names, [kept.clone(), kept.clone()]);
        let left_out = "Rekeying test: left out";
        let hash = list.hasher().hash_one(left_out);
        assert_eq!(list.get_cat_with_hash(left_out, hash), None);
        // With every release kept, only the keys change.
        let (keys, names) = keys_and_names(&[Some(3), Some(4), Some(5)]);
        assert_eq!(keys, [3, 4, 5]);
        assert_eq!(names[1].as_deref(), Some(left_out));
        assert_eq!(names[2], kept);
    }
}
