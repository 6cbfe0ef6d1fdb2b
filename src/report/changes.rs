//! The report's opening section when the run was compared with a previous one (`score
//! --previous`): what is new since then — the counts, the new and changed processes with flags
//! (riskiest first), and the processes whose flags all cleared or that left the data.

use polars::prelude::*;
use serde::Serialize;

use super::format::{Messages, number};
use super::{Figure, decimals, score_text, text, texts};
use crate::changes::{Changes, FLAG_CHANGES, PROCESS_CHANGES};

/// One process of the section.
#[derive(Serialize)]
pub(super) struct ChangeRow {
    ocid: String,
    title: String,
    change: String,
    score_before: String,
    score: String,
    flags_before: String,
    flags: String,
    /// Its details' anchor in the report, when the rankings list it.
    anchor: String,
}

/// The section.
#[derive(Serialize)]
pub(super) struct Section {
    previous: String,
    processes: Vec<Figure>,
    flags: Vec<Figure>,
    raised: Vec<ChangeRow>,
    cleared: Vec<ChangeRow>,
    cleared_flags: String,
}

/// The section of a run compared with a previous one; `top` rows in each list; `anchor`
/// gives the details' anchor of a listed process.
pub(super) fn section(
    changes: &Changes,
    messages: &Messages,
    top: usize,
    anchor: &dyn Fn(&str) -> Option<String>,
) -> PolarsResult<Section> {
    let figures = |names: &[&'static str],
                   counts: &std::collections::BTreeMap<&'static str, usize>| {
        names
            .iter()
            .map(|name| Figure {
                label: messages.get(&format!("change_{name}")).to_owned(),
                value: number(counts.get(name).copied().unwrap_or(0) as f64, 0),
            })
            .collect::<Vec<_>>()
    };
    let table = &changes.table;
    let indicator = texts(table, "indicator")?;
    let change = texts(table, crate::changes::COLUMN)?;
    let before = decimals(table, "risk_score_before")?;
    let now = decimals(table, "risk_score")?;
    let (ocid, title) = (texts(table, "ocid")?, texts(table, "title")?);
    let (flags_before, flags) = (texts(table, "flags_before")?, texts(table, "flags")?);
    let row = |i: usize| ChangeRow {
        ocid: text(&ocid[i]),
        title: text(&title[i]),
        change: messages
            .get(&format!("change_{}", text(&change[i])))
            .to_owned(),
        score_before: score_text(before[i]),
        score: score_text(now[i]),
        flags_before: text(&flags_before[i]),
        flags: text(&flags[i]),
        anchor: anchor(&text(&ocid[i])).unwrap_or_default(),
    };
    let processes = |kinds: &[&str]| -> Vec<usize> {
        (0..table.height())
            .filter(|&i| indicator[i].as_deref().unwrap_or("").is_empty())
            .filter(|&i| kinds.contains(&change[i].as_deref().unwrap_or("")))
            .collect()
    };
    // New and changed processes that raise a flag, by score now; cleared and gone ones, by
    // score before.
    let mut raised: Vec<usize> = processes(&["new", "changed_score"])
        .into_iter()
        .filter(|&i| !flags[i].as_deref().unwrap_or("").is_empty())
        .collect();
    raised.sort_by(|&a, &b| now[b].unwrap_or(0.0).total_cmp(&now[a].unwrap_or(0.0)));
    let mut cleared = processes(&["cleared", "gone"]);
    cleared.sort_by(|&a, &b| {
        before[b]
            .unwrap_or(0.0)
            .total_cmp(&before[a].unwrap_or(0.0))
    });
    Ok(Section {
        previous: changes.previous.clone(),
        processes: figures(&PROCESS_CHANGES, &changes.counts.processes),
        flags: figures(&FLAG_CHANGES, &changes.counts.flags),
        raised: raised.into_iter().take(top).map(row).collect(),
        cleared: cleared.into_iter().take(top).map(row).collect(),
        cleared_flags: number(
            changes.counts.flags.get("cleared").copied().unwrap_or(0) as f64,
            0,
        ),
    })
}
