//! The analyst's reviews, carried from run to run: `reviews.csv` holds one row per raised flag
//! of a process with a `verdict` (`not_reviewed` until someone reviews it; `confirmed`,
//! `false_positive` or `under_review` after), `comment`, `reviewer` and `reviewed_at`. A run
//! given the previous file (`score --reviews FILE`, or the output folder's own `reviews.csv`)
//! carries each verdict to the same flag (the same process and indicator); a verdict whose flag
//! no longer fires is kept, marked `no_longer_raised`, never dropped.

use std::collections::HashMap;
use std::path::Path;

use polars::prelude::*;

mod import;

pub use import::import;

/// The verdicts a review may hold; the first is a flag nobody has reviewed.
pub const VERDICTS: [&str; 4] = [
    "not_reviewed",
    "confirmed",
    "false_positive",
    "under_review",
];

/// A flag's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Nobody has reviewed it.
    NotReviewed,
    /// The analyst confirmed it: worth acting on.
    Confirmed,
    /// The analyst found it a false alarm.
    FalsePositive,
    /// Under review.
    UnderReview,
}

impl Verdict {
    /// Every verdict, in the order of [`VERDICTS`].
    pub const ALL: [Verdict; 4] = [
        Verdict::NotReviewed,
        Verdict::Confirmed,
        Verdict::FalsePositive,
        Verdict::UnderReview,
    ];

    /// Its name in the files (`false_positive`).
    pub fn name(self) -> &'static str {
        VERDICTS[self as usize]
    }

    /// The verdict of a name in the files.
    pub fn parse(name: &str) -> Option<Verdict> {
        Verdict::ALL
            .into_iter()
            .find(|verdict| verdict.name() == name)
    }
}

/// A review file that cannot be used: it names the file, the line and what is wrong.
#[derive(Debug, thiserror::Error)]
#[error("reviews file {path}: {message}")]
pub struct ReviewsError {
    /// The file.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

/// One row of a reviews file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Review {
    /// The contracting process.
    pub ocid: String,
    /// The indicator.
    pub indicator: String,
    /// The evidence as the file holds it.
    pub evidence: String,
    /// One of [`VERDICTS`].
    pub verdict: String,
    /// The analyst's words.
    pub comment: String,
    /// Who reviewed it.
    pub reviewer: String,
    /// When (as the analyst wrote it).
    pub reviewed_at: String,
}

impl Review {
    /// Its verdict (`not_reviewed` for a name [`read`] would have refused).
    pub fn verdict(&self) -> Verdict {
        Verdict::parse(&self.verdict).unwrap_or(Verdict::NotReviewed)
    }

    /// Whether an analyst wrote anything in it.
    pub fn reviewed(&self) -> bool {
        self.verdict != VERDICTS[0]
            || !self.comment.is_empty()
            || !self.reviewer.is_empty()
            || !self.reviewed_at.is_empty()
    }
}

/// A row of a reviews file: the review, with the flag's `level` and `status` (`raised`, or
/// `no_longer_raised` for a verdict kept after its flag stopped firing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// `process` or `organization`.
    pub level: String,
    /// `raised` or `no_longer_raised`.
    pub status: String,
    /// The review.
    pub review: Review,
}

impl Entry {
    /// The row's cells, in the order of [`COLUMNS`].
    pub fn into_row(self) -> [String; 9] {
        let Entry {
            level,
            status,
            review,
        } = self;
        [
            review.ocid,
            review.indicator,
            level,
            review.evidence,
            status,
            review.verdict,
            review.comment,
            review.reviewer,
            review.reviewed_at,
        ]
    }
}

/// Where the columns of a table of reviews are, found by name in its header row (a reviews
/// file, or a workbook's flags sheet).
struct ReviewColumns {
    ocid: usize,
    indicator: usize,
    verdict: usize,
    level: Option<usize>,
    status: Option<usize>,
    evidence: Option<usize>,
    comment: Option<usize>,
    reviewer: Option<usize>,
    reviewed_at: Option<usize>,
}

impl ReviewColumns {
    /// The columns, by the position of each name; none without `ocid`, `indicator` and
    /// `verdict`.
    fn find(position: impl Fn(&str) -> Option<usize>) -> Option<ReviewColumns> {
        Some(ReviewColumns {
            ocid: position("ocid")?,
            indicator: position("indicator")?,
            verdict: position("verdict")?,
            level: position("level"),
            status: position("status"),
            evidence: position("evidence"),
            comment: position("comment"),
            reviewer: position("reviewer"),
            reviewed_at: position("reviewed_at"),
        })
    }

    /// The review of a row, from its cells by position (an empty verdict is `not_reviewed`;
    /// the verdict is not checked); none for a row with neither ocid nor indicator.
    fn review(&self, cell: impl Fn(Option<usize>) -> String) -> Option<Review> {
        let review = Review {
            ocid: cell(Some(self.ocid)),
            indicator: cell(Some(self.indicator)),
            evidence: cell(self.evidence),
            verdict: match cell(Some(self.verdict)) {
                empty if empty.is_empty() => VERDICTS[0].to_owned(),
                verdict => verdict,
            },
            comment: cell(self.comment),
            reviewer: cell(self.reviewer),
            reviewed_at: cell(self.reviewed_at),
        };
        (!review.ocid.is_empty() || !review.indicator.is_empty()).then_some(review)
    }

    /// The entry of a row: its review (as [`ReviewColumns::review`]), its level (`process`
    /// when empty or absent) and its status (`raised` when empty or absent).
    fn entry(&self, cell: impl Fn(Option<usize>) -> String) -> Option<Entry> {
        let or = |text: String, default: &str| {
            if text.is_empty() {
                default.to_owned()
            } else {
                text
            }
        };
        Some(Entry {
            level: or(cell(self.level), "process"),
            status: or(cell(self.status), "raised"),
            review: self.review(&cell)?,
        })
    }
}

/// Text as written to a CSV file, without the `'` the writers put before `=`, `+`, `-` or `@`
/// so that a spreadsheet does not run it.
pub(crate) fn unguarded(text: &str) -> String {
    match text.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@']) => rest.to_owned(),
        _ => text.to_owned(),
    }
}

/// Reads the reviewed flags of a reviews file (as a run writes it, or as a spreadsheet saves
/// it: with or without a byte-order mark, columns in any order; `ocid`, `indicator` and
/// `verdict` are needed); every row is checked. A flag that nobody reviewed says no more than
/// a flag the file does not list, and a run writes a row for each flag it raises: a run into
/// its own folder would otherwise hold the whole previous reviews.csv (at 1,000,000 processes,
/// 550 MB more for the whole run).
pub fn read(path: &Path) -> Result<Vec<Review>, ReviewsError> {
    let mut reviewed: Vec<Review> = read_entries(path)?
        .into_iter()
        .map(|entry| entry.review)
        .filter(Review::reviewed)
        .collect();
    // The list may be collected in the place of every row's: give that back.
    reviewed.shrink_to_fit();
    Ok(reviewed)
}

/// Reads a reviews file as [`read`] does, each review with its row's level and status.
pub fn read_entries(path: &Path) -> Result<Vec<Entry>, ReviewsError> {
    let error = |message: String| ReviewsError {
        path: path.display().to_string(),
        message,
    };
    let bytes = std::fs::read(path).map_err(|e| error(format!("cannot read it: {e}")))?;
    let mut reader = crate::output::csv_reader(&bytes);
    let headers = reader
        .headers()
        .map_err(|e| error(format!("not CSV: {e}")))?
        .clone();
    let Some(columns) =
        ReviewColumns::find(|name| headers.iter().position(|header| header.trim() == name))
    else {
        return Err(error(
            "it needs the columns ocid, indicator and verdict (as reviews.csv has them)".to_owned(),
        ));
    };
    let mut entries: Vec<Entry> = Vec::new();
    let mut seen: HashMap<(String, String), (u64, Review)> = HashMap::new();
    for record in reader.records() {
        let record = record.map_err(|e| error(format!("not CSV: {e}")))?;
        let line = record.position().map_or(0, |position| position.line());
        let cell = |index: Option<usize>| {
            index
                .and_then(|index| record.get(index))
                .map(|text| unguarded(text.trim()))
                .unwrap_or_default()
        };
        let Some(entry) = columns.entry(cell) else {
            continue;
        };
        let review = &entry.review;
        if !VERDICTS.contains(&review.verdict.as_str()) {
            return Err(error(format!(
                "line {line}: unknown verdict {:?}; the verdicts are {}",
                review.verdict,
                VERDICTS.join(", ")
            )));
        }
        let key = (review.ocid.clone(), review.indicator.clone());
        if let Some((first, earlier)) = seen.get(&key) {
            if earlier.reviewed() && review.reviewed() && earlier != review {
                return Err(error(format!(
                    "lines {first} and {line} review the same flag ({} {}) differently; keep one",
                    review.ocid, review.indicator
                )));
            }
            if !review.reviewed() {
                continue;
            }
        }
        seen.insert(key, (line, review.clone()));
        entries.push(entry);
    }
    // Of a flag listed twice, the reviewed row.
    entries.retain(|Entry { review, .. }| {
        seen.get(&(review.ocid.clone(), review.indicator.clone()))
            .is_some_and(|(_, kept)| kept == review)
    });
    Ok(entries)
}

/// Two reviews of one flag that say different things: the analyst must settle which holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    /// The flag's process.
    pub ocid: String,
    /// The flag's indicator.
    pub indicator: String,
    /// The verdict the reviews file holds.
    pub file: String,
    /// The verdict the other source (a workbook) holds.
    pub other: String,
}

/// The entries of a reviews file with the reviews of `other` (a workbook's, as [`import`] reads
/// them) merged in, so that verdicts written in both places reach the next run: each flag of
/// `file` keeps its row, with the review of `other` when only `other` reviewed it; the flags
/// `other` has and `file` lacks follow, in `other`'s order. A flag both reviewed differently
/// (verdict, comment, reviewer or date) is a conflict: every one is returned, nothing merged.
pub fn merge(file: Vec<Entry>, other: Vec<Entry>) -> Result<Vec<Entry>, Vec<Conflict>> {
    let key = |entry: &Entry| (entry.review.ocid.clone(), entry.review.indicator.clone());
    let mut others: HashMap<(String, String), Entry> = HashMap::new();
    let mut order = Vec::new();
    for entry in other {
        order.push(key(&entry));
        others.insert(key(&entry), entry);
    }
    let analysts = |review: &Review| {
        (
            review.verdict.clone(),
            review.comment.clone(),
            review.reviewer.clone(),
            review.reviewed_at.clone(),
        )
    };
    let mut conflicts = Vec::new();
    let mut merged = Vec::with_capacity(file.len());
    for mut entry in file {
        if let Some(theirs) = others.remove(&key(&entry)) {
            let ours = &entry.review;
            if ours.reviewed()
                && theirs.review.reviewed()
                && analysts(ours) != analysts(&theirs.review)
            {
                conflicts.push(Conflict {
                    ocid: ours.ocid.clone(),
                    indicator: ours.indicator.clone(),
                    file: ours.verdict.clone(),
                    other: theirs.review.verdict.clone(),
                });
            } else if !ours.reviewed() && theirs.review.reviewed() {
                entry.review = Review {
                    evidence: std::mem::take(&mut entry.review.evidence),
                    ..theirs.review
                };
            }
        }
        merged.push(entry);
    }
    if !conflicts.is_empty() {
        return Err(conflicts);
    }
    merged.extend(order.into_iter().filter_map(|key| others.remove(&key)));
    Ok(merged)
}

/// The reviews of a run: a row per raised flag of `flags` (as `flags.csv` holds them), in its
/// order, with the verdict `previous` gives it (`not_reviewed` when none), then each reviewed
/// row of `previous` whose flag is no longer raised. `status` says which: `raised` or
/// `no_longer_raised`.
pub fn carry(flags: &DataFrame, previous: &[Review]) -> PolarsResult<DataFrame> {
    let height = flags.height();
    // The flag's own columns are the flags table's, shared, not copied (a missing text is
    // written as an empty one).
    let shared = |name: &str| -> PolarsResult<Column> {
        let column = flags.column(name)?.cast(&DataType::String)?;
        if column.null_count() == 0 {
            return Ok(column);
        }
        let texts: Vec<&str> = column
            .str()?
            .iter()
            .map(|value| value.unwrap_or_default())
            .collect();
        Ok(Column::new(name.into(), texts))
    };
    let by_flag: HashMap<(&str, &str), &Review> = previous
        .iter()
        .map(|review| ((review.ocid.as_str(), review.indicator.as_str()), review))
        .collect();
    let constant = |name: &str, text: &str| {
        Column::new_scalar(name.into(), Scalar::from(PlSmallStr::from(text)), height)
    };
    let mut raised = std::collections::HashSet::new();
    let review_columns: [Column; 4] = if by_flag.is_empty() {
        [
            constant("verdict", VERDICTS[0]),
            constant("comment", ""),
            constant("reviewer", ""),
            constant("reviewed_at", ""),
        ]
    } else {
        let ocids = flags.column("ocid")?.cast(&DataType::String)?;
        let indicators = flags.column("indicator")?.cast(&DataType::String)?;
        let mut fields: [Vec<&str>; 4] = Default::default();
        for (ocid, indicator) in ocids.str()?.iter().zip(indicators.str()?.iter()) {
            let key = (ocid.unwrap_or_default(), indicator.unwrap_or_default());
            let review = by_flag.get(&key);
            fields[0].push(review.map_or(VERDICTS[0], |r| r.verdict.as_str()));
            fields[1].push(review.map_or("", |r| r.comment.as_str()));
            fields[2].push(review.map_or("", |r| r.reviewer.as_str()));
            fields[3].push(review.map_or("", |r| r.reviewed_at.as_str()));
            if let Some(review) = review {
                raised.insert((review.ocid.as_str(), review.indicator.as_str()));
            }
        }
        let [verdicts, comments, reviewers, dates] = fields;
        [
            Column::new("verdict".into(), verdicts),
            Column::new("comment".into(), comments),
            Column::new("reviewer".into(), reviewers),
            Column::new("reviewed_at".into(), dates),
        ]
    };
    let [verdict, comment, reviewer, reviewed_at] = review_columns;
    let mut reviews = DataFrame::new(
        height,
        vec![
            shared("ocid")?,
            shared("indicator")?,
            shared("level")?,
            shared("evidence")?,
            constant("status", "raised"),
            verdict,
            comment,
            reviewer,
            reviewed_at,
        ],
    )?;
    // The reviewed flags no longer raised: a reviewed flag still raised is in `raised`.
    let mut rows: Vec<[String; 9]> = Vec::new();
    for review in previous {
        if review.reviewed() && !raised.contains(&(review.ocid.as_str(), review.indicator.as_str()))
        {
            let entry = Entry {
                level: "process".to_owned(),
                status: "no_longer_raised".to_owned(),
                review: review.clone(),
            };
            rows.push(entry.into_row());
        }
    }
    if !rows.is_empty() {
        reviews.vstack_mut_owned(table(&rows)?)?;
    }
    Ok(reviews)
}

/// The columns of a reviews file, as a run writes it.
pub const COLUMNS: [&str; 9] = [
    "ocid",
    "indicator",
    "level",
    "evidence",
    "status",
    "verdict",
    "comment",
    "reviewer",
    "reviewed_at",
];

/// The reviews table of rows in the order of [`COLUMNS`].
pub fn table(rows: &[[String; 9]]) -> PolarsResult<DataFrame> {
    let columns = COLUMNS
        .iter()
        .enumerate()
        .map(|(index, name)| {
            Column::new(
                (*name).into(),
                rows.iter()
                    .map(|row| row[index].as_str())
                    .collect::<Vec<_>>(),
            )
        })
        .collect();
    DataFrame::new(rows.len(), columns)
}

/// How many of the reviewed rows of `own` (the output folder's reviews.csv) `given` (the file
/// a run was given) does not hold as they are: what writing the run's reviews would lose.
pub fn not_in(own: &[Review], given: &[Review]) -> usize {
    own.iter()
        .filter(|review| review.reviewed() && !given.contains(review))
        .count()
}

/// How many verdicts a run's reviews hold, as `summary.json` and the report count them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Tally {
    /// Raised flags reviewed (any verdict but `not_reviewed`).
    pub reviewed: usize,
    /// Of which confirmed.
    pub confirmed: usize,
    /// Of which false positives.
    pub false_positive: usize,
    /// Of which under review.
    pub under_review: usize,
    /// Reviewed flags no longer raised, kept.
    pub no_longer_raised: usize,
}

impl Tally {
    /// The tally of a reviews table as [`carry`] makes it.
    pub fn of(reviews: &DataFrame) -> Tally {
        let mut tally = Tally::default();
        let (Ok(status), Ok(verdict)) = (reviews.column("status"), reviews.column("verdict"))
        else {
            return tally;
        };
        let (Ok(status), Ok(verdict)) = (status.str(), verdict.str()) else {
            return tally;
        };
        for (status, verdict) in status.iter().zip(verdict.iter()) {
            let verdict = verdict.and_then(Verdict::parse);
            if status == Some("no_longer_raised") {
                tally.no_longer_raised += 1;
                continue;
            }
            match verdict {
                Some(Verdict::Confirmed) => tally.confirmed += 1,
                Some(Verdict::FalsePositive) => tally.false_positive += 1,
                Some(Verdict::UnderReview) => tally.under_review += 1,
                _ => continue,
            }
            tally.reviewed += 1;
        }
        tally
    }
}

/// The reviews given to a run (`score --reviews`, or the output folder's own), looked up by
/// flag.
#[derive(Debug, Clone, Default)]
pub struct Verdicts {
    reviews: Vec<Review>,
    /// Each ocid's reviews, as indexes into `reviews`.
    by_ocid: HashMap<String, Vec<usize>>,
}

impl Verdicts {
    /// The reviews as [`read`] returns them (one row per flag).
    pub fn new(reviews: Vec<Review>) -> Verdicts {
        let mut by_ocid: HashMap<String, Vec<usize>> = HashMap::new();
        for (index, review) in reviews.iter().enumerate() {
            by_ocid.entry(review.ocid.clone()).or_default().push(index);
        }
        Verdicts { reviews, by_ocid }
    }

    /// The reviews, in the file's order.
    pub fn reviews(&self) -> &[Review] {
        &self.reviews
    }

    /// Whether any flag has a verdict other than `not_reviewed`.
    pub fn any(&self) -> bool {
        self.reviews
            .iter()
            .any(|review| review.verdict() != Verdict::NotReviewed)
    }

    /// The review of a flag, if the reviews hold one.
    pub fn get(&self, ocid: &str, indicator: &str) -> Option<&Review> {
        self.by_ocid
            .get(ocid)?
            .iter()
            .map(|index| &self.reviews[*index])
            .find(|review| review.indicator == indicator)
    }

    /// The verdicts other than `not_reviewed`, by process key (a process's row in `ocids`, the
    /// processes' ocid column) and indicator.
    pub fn keyed(&self, ocids: &StringChunked) -> HashMap<(u32, &str), Verdict> {
        let mut keyed = HashMap::new();
        if !self.any() {
            return keyed;
        }
        for (key, ocid) in ocids.iter().enumerate() {
            let Some(indexes) = ocid.and_then(|ocid| self.by_ocid.get(ocid)) else {
                continue;
            };
            for review in indexes.iter().map(|index| &self.reviews[*index]) {
                let verdict = review.verdict();
                if verdict != Verdict::NotReviewed {
                    keyed.insert((key as u32, review.indicator.as_str()), verdict);
                }
            }
        }
        keyed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_reviewed_flags_are_read_and_every_row_is_checked() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("reviews.csv");
        std::fs::write(
            &path,
            "ocid,indicator,verdict,comment\n\
             ocds-1,single_bid,not_reviewed,\n\
             ocds-2,single_bid,confirmed,\n\
             ocds-3,single_bid,not_reviewed,called the buyer\n\
             ocds-4,single_bid,not_reviewed,\n",
        )
        .unwrap();
        let reviews = read(&path).unwrap();
        let kept: Vec<(&str, &str)> = reviews
            .iter()
            .map(|review| (review.ocid.as_str(), review.verdict.as_str()))
            .collect();
        // A comment is a review, whatever the verdict says.
        assert_eq!(kept, [("ocds-2", "confirmed"), ("ocds-3", "not_reviewed")]);
        // A row nobody reviewed is still read and checked.
        std::fs::write(
            &path,
            "ocid,indicator,verdict\nocds-1,single_bid,confirmed\nocds-2,single_bid,maybe\n",
        )
        .unwrap();
        let error = read(&path).unwrap_err();
        assert!(error.message.contains("line 3"), "{}", error.message);
    }
}
