//! `reviews import`: the verdicts an analyst filled in a workbook, as a reviews file.

use std::path::Path;
use std::process::ExitCode;

use super::{Failure, write_out};
use crate::reviews::{self, Review};

pub(super) fn import(
    workbook: &Path,
    out: &Path,
    force: bool,
    quiet: bool,
) -> Result<ExitCode, Failure> {
    let rows = reviews::import(workbook)?;
    let imported: Vec<Review> = rows.iter().map(|(_, review)| review.clone()).collect();
    if out.is_file() && !force {
        // Nothing an analyst wrote is replaced unseen: the file there must hold no verdict the
        // workbook lacks.
        let lost = reviews::not_in(&reviews::read(out)?, &imported);
        if lost > 0 {
            return Err(Failure::Usage(anyhow::anyhow!(
                "{} holds {lost} reviewed flag(s) that {} does not: give another --out, or \
                 --force to replace it",
                out.display(),
                workbook.display()
            )));
        }
    }
    let table: Vec<[String; 9]> = rows
        .into_iter()
        .map(|(level, review)| {
            [
                review.ocid,
                review.indicator,
                level,
                review.evidence,
                "raised".to_owned(),
                review.verdict,
                review.comment,
                review.reviewer,
                review.reviewed_at,
            ]
        })
        .collect();
    let frame = reviews::table(&table).map_err(anyhow::Error::from)?;
    let mut bytes = Vec::new();
    crate::output::write_csv(&mut bytes, &frame)?;
    crate::output::write_file(out, &bytes)?;
    if !quiet {
        let reviewed = imported.iter().filter(|review| review.reviewed()).count();
        write_out(&format!(
            "{} flags read from {}, {reviewed} of them reviewed; written to {} (give it to \
             score --reviews)\n",
            imported.len(),
            workbook.display(),
            out.display()
        ))?;
    }
    Ok(ExitCode::SUCCESS)
}
