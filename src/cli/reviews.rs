//! `reviews import`: the verdicts an analyst filled in a workbook, as a reviews file, or merged
//! into one that holds verdicts written elsewhere.

use std::path::Path;
use std::process::ExitCode;

use super::{Failure, write_out};
use crate::reviews::{self, Entry, Review};

/// Where `reviews import` writes.
pub(super) enum Target<'a> {
    /// A reviews file of the workbook's rows (refused over verdicts the workbook lacks, unless
    /// `force`).
    Out { path: &'a Path, force: bool },
    /// A reviews file, the workbook's verdicts merged into its own.
    Into(&'a Path),
}

pub(super) fn import(workbook: &Path, target: Target, quiet: bool) -> Result<ExitCode, Failure> {
    let imported = reviews::import(workbook)?;
    let (out, entries) = match target {
        Target::Out { path, force } => {
            if path.is_file() && !force {
                // Nothing an analyst wrote is replaced unseen: the file there must hold no
                // verdict the workbook lacks.
                let reviews: Vec<Review> = imported.iter().map(|e| e.review.clone()).collect();
                let lost = reviews::not_in(&reviews::read(path)?, &reviews);
                if lost > 0 {
                    return Err(Failure::Usage(anyhow::anyhow!(
                        "{} holds {lost} reviewed flag(s) that {} does not: --into {0} to merge \
                         the workbook's verdicts into it, another --out, or --force to replace it",
                        path.display(),
                        workbook.display()
                    )));
                }
            }
            (path, imported)
        }
        Target::Into(path) => {
            let merged =
                reviews::merge(reviews::read_entries(path)?, imported).map_err(|conflicts| {
                    let first = &conflicts[0];
                    Failure::Usage(anyhow::anyhow!(
                        "{} flag(s) reviewed differently in {} and {}, first {} {} ({} in the \
                         file, {} in the workbook): make them agree in one of them; nothing \
                         written",
                        conflicts.len(),
                        path.display(),
                        workbook.display(),
                        first.ocid,
                        first.indicator,
                        first.file,
                        first.other
                    ))
                })?;
            (path, merged)
        }
    };
    let (flags, reviewed) = (
        entries.len(),
        entries.iter().filter(|e| e.review.reviewed()).count(),
    );
    let table: Vec<[String; 9]> = entries.into_iter().map(Entry::into_row).collect();
    let frame = reviews::table(&table).map_err(anyhow::Error::from)?;
    let mut bytes = Vec::new();
    crate::output::write_csv(&mut bytes, &frame)?;
    crate::output::write_file(out, &bytes)?;
    if !quiet {
        write_out(&format!(
            "{flags} flags from {} written to {}, {reviewed} of them reviewed (give it to score \
             --reviews)\n",
            workbook.display(),
            out.display()
        ))?;
    }
    Ok(ExitCode::SUCCESS)
}
