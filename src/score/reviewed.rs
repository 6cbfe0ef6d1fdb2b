//! The analyst's verdicts on the raised flags, as the score reads them: counted per process
//! (`flags_reviewed`, `flags_confirmed`, ...) and, with `[score] exclude_false_positives`, a
//! flag reviewed as a false positive left out of its process's score (it stays raised and
//! listed).

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use polars::prelude::*;

use super::Term;
use crate::frames::Frames;
use crate::indicators::OCID;
use crate::precision::Precision;
use crate::reviews::{Verdict, Verdicts};

/// The columns of `contracts` that count a process's verdicts, in order: every reviewed flag,
/// then the confirmed, the false positives and those under review.
pub const VERDICT_COLUMNS: [&str; 4] = [
    "flags_reviewed",
    "flags_confirmed",
    "flags_false_positive",
    "flags_under_review",
];

/// The verdicts on the process-level terms of each process.
#[derive(Debug, Default)]
pub(super) struct Reviewed {
    /// By process row and term index (verdicts other than `not_reviewed` only).
    verdicts: HashMap<(usize, usize), Verdict>,
    /// Whether a false positive is left out of the score.
    exclude_false_positives: bool,
}

impl Reviewed {
    /// The verdicts of `verdicts` placed on the terms' columns.
    pub(super) fn of(
        frames: &Frames,
        terms: &[Term],
        verdicts: &Verdicts,
        exclude_false_positives: bool,
    ) -> PolarsResult<Reviewed> {
        let ocids = frames.processes.column(OCID)?.str()?.clone();
        let by_slug: HashMap<&str, usize> = terms
            .iter()
            .enumerate()
            .filter(|(_, term)| !term.organization)
            .map(|(index, term)| (term.indicator, index))
            .collect();
        let verdicts = verdicts
            .keyed(&ocids)
            .into_iter()
            .filter_map(|((key, indicator), verdict)| {
                Some(((key as usize, *by_slug.get(indicator)?), verdict))
            })
            .collect();
        Ok(Reviewed {
            verdicts,
            exclude_false_positives,
        })
    }

    /// The verdict on a process's term (`not_reviewed` when none).
    pub(super) fn verdict(&self, row: usize, term: usize) -> Verdict {
        if self.verdicts.is_empty() {
            return Verdict::NotReviewed;
        }
        self.verdicts
            .get(&(row, term))
            .copied()
            .unwrap_or(Verdict::NotReviewed)
    }

    /// Whether a raised term is left out of its process's score.
    pub(super) fn excluded(&self, row: usize, term: usize) -> bool {
        self.exclude_false_positives && self.verdict(row, term) == Verdict::FalsePositive
    }

    /// Each process-level term's precision from the verdicts on the flags it raises (`table`:
    /// the term columns, a process per row).
    pub(super) fn precision(
        &self,
        table: &DataFrame,
        terms: &[Term],
    ) -> PolarsResult<Vec<Precision>> {
        let mut counts = vec![[0u64; 4]; terms.len()];
        let mut columns: HashMap<usize, Vec<Option<i8>>> = HashMap::new();
        for (&(row, term), verdict) in &self.verdicts {
            let column = match columns.entry(term) {
                Entry::Occupied(column) => column.into_mut(),
                Entry::Vacant(column) => {
                    let values = table.column(terms[term].column.as_str())?.i8()?;
                    column.insert(values.iter().collect())
                }
            };
            if column.get(row).copied().flatten() == Some(1) {
                counts[term][*verdict as usize] += 1;
            }
        }
        Ok(terms
            .iter()
            .zip(counts)
            .filter(|(term, _)| !term.organization)
            .map(|(term, [_, confirmed, false_positive, under_review])| {
                Precision::new(term.indicator, confirmed, false_positive, under_review)
            })
            .collect())
    }
}

/// Per process, the counts of [`VERDICT_COLUMNS`] as they are gathered.
#[derive(Default)]
pub(super) struct VerdictCounts {
    counts: [Vec<u32>; 4],
}

impl VerdictCounts {
    /// Adds a process: the verdicts on its raised flags.
    pub(super) fn push(&mut self, verdicts: impl Iterator<Item = Verdict>) {
        let mut row = [0u32; 4];
        for verdict in verdicts {
            if verdict != Verdict::NotReviewed {
                row[0] += 1;
                row[verdict as usize] += 1;
            }
        }
        for (counts, count) in self.counts.iter_mut().zip(row) {
            counts.push(count);
        }
    }

    /// Adds the processes of `more` after its own.
    pub(super) fn append(&mut self, more: VerdictCounts) {
        for (counts, mut more) in self.counts.iter_mut().zip(more.counts) {
            counts.append(&mut more);
        }
    }

    /// The columns, named as [`VERDICT_COLUMNS`].
    pub(super) fn columns(self) -> Vec<Column> {
        VERDICT_COLUMNS
            .iter()
            .zip(self.counts)
            .map(|(name, counts)| Column::new((*name).into(), counts))
            .collect()
    }
}
