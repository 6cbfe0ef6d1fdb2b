//! `redflags coverage`: how many non-empty values every JSON path of the data holds, for
//! exploring a new publisher.

use std::collections::BTreeMap;

use crate::ingest::raw::RawRelease;
use crate::ingest::{IngestError, Limits, Rejection};

use super::{is_empty, walk};

/// The counts of one coverage run.
#[derive(Debug, Default)]
pub struct Coverage {
    /// Non-empty values by path (slash-separated, array indexes left out: `awards/suppliers/id`).
    /// An array counts once at its own path; its elements' fields count at theirs.
    pub counts: BTreeMap<String, u64>,
    /// The releases read (records' compiled releases included).
    pub releases: u64,
    /// What could not be read.
    pub rejected: Vec<Rejection>,
}

/// Counts the non-empty values of every path in the inputs' releases.
/// Reads within the bounds of `limits`.
pub fn coverage(inputs: &[String], limits: &Limits) -> Result<Coverage, IngestError> {
    let mut found = Coverage::default();
    let counts = &mut found.counts;
    let mut releases = 0;
    let rejected = super::each_raw_release(inputs, limits, &mut |release: RawRelease| {
        releases += 1;
        walk(&release.object, &mut |place, key, value| {
            if key.is_none() || is_empty(value) {
                return;
            }
            match counts.get_mut(place.path.as_str()) {
                Some(count) => *count += 1,
                None => {
                    counts.insert(place.path.clone(), 1);
                }
            }
        });
    })?;
    found.releases = releases;
    found.rejected = rejected;
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_count_their_non_empty_values() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.jsonl");
        std::fs::write(
            &path,
            concat!(
                r#"{"ocid":"a","tag":["tender"],"tender":{"title":"","tenderers":[{"id":1},{"id":"2","name":null}]}}"#,
                "\n",
                r#"{"ocid":"b","tender":{"tenderers":[]},"awards":[{"suppliers":[{"id":"x"}]}]}"#,
                "\n"
            ),
        )
        .unwrap();
        let found = coverage(&[path.display().to_string()], &Limits::default()).unwrap();
        let counts: Vec<(&str, u64)> = found.counts.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        assert_eq!(
            counts,
            [
                ("awards", 1),
                ("awards/suppliers", 1),
                ("awards/suppliers/id", 1),
                ("ocid", 2),
                ("tag", 1),
                ("tender", 2),
                ("tender/tenderers", 1),
                ("tender/tenderers/id", 2),
            ]
        );
        assert_eq!(found.releases, 2);
    }
}
