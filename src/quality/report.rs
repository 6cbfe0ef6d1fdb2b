//! The check's outputs: the printed report and `quality.json`.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde_json::json;

use super::Kind;
use super::check::{Checked, share};
use crate::sentences::Translator;

/// The findings counted by kind, in report order.
fn by_kind(checked: &Checked) -> BTreeMap<Kind, u64> {
    let mut counts = BTreeMap::new();
    for finding in &checked.findings {
        *counts.entry(finding.kind).or_default() += 1;
    }
    counts
}

fn problems_text(problems: &BTreeMap<Kind, u64>) -> String {
    let parts: Vec<String> = problems
        .iter()
        .map(|(kind, count)| format!("{} {count}", kind.name()))
        .collect();
    parts.join(", ")
}

/// The summary, as `quality.json` holds it.
pub fn summary(checked: &Checked) -> serde_json::Value {
    let processes = checked.counts.processes;
    let fields: Vec<_> = checked
        .fields
        .iter()
        .map(|field| {
            let problems: BTreeMap<&str, u64> = field
                .problems
                .iter()
                .map(|(kind, count)| (kind.name(), *count))
                .collect();
            json!({
                "field": field.field,
                "processes": field.processes,
                "coverage": share(field.processes, processes),
                "values": field.values,
                "unusable": field.unusable,
                "problems": problems,
            })
        })
        .collect();
    let indicators: Vec<_> = checked
        .indicators
        .iter()
        .map(|indicator| {
            json!({
                "indicator": indicator.slug,
                "enabled": indicator.assessable.is_some(),
                "assessable": indicator.assessable,
                "share": indicator.assessable.map(|n| share(n as u64, processes)),
                "held_back_by": indicator
                    .held_back
                    .iter()
                    .map(|held| json!({
                        "field": held.field,
                        "coverage": held.coverage,
                        "unusable": held.unusable,
                    }))
                    .collect::<Vec<_>>(),
            })
        })
        .collect();
    let codes: Vec<_> = checked
        .codes
        .iter()
        .map(|code| {
            json!({
                "path": code.path,
                "codelist": code.codelist,
                "code": code.code,
                "count": code.count,
            })
        })
        .collect();
    let findings: BTreeMap<&str, u64> = by_kind(checked)
        .into_iter()
        .map(|(kind, count)| (kind.name(), count))
        .collect();
    json!({
        "version": env!("CARGO_PKG_VERSION"),
        "inputs": checked.inputs,
        "sources": checked.sources,
        "counts": {
            "input": checked.counts,
            "processes": processes,
            "rejected": checked.rejected,
            "findings": checked.findings.len(),
        },
        "fields": fields,
        "indicators": indicators,
        "local_codes": codes,
        "findings": findings,
        "corrections": checked.corrected,
        "typical_year": checked.typical_year,
        "ocp": checked.ocp,
    })
}

/// The report printed by `redflags check`, its headings in the translator's language (the
/// field paths, codes and kinds of finding stay as they are).
pub fn text(checked: &Checked, translator: &Translator) -> String {
    let t = |english: &str| translator.sentence(english);
    let processes = checked.counts.processes;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}{}",
        t(&format!(
            "{processes} contracting processes in {} releases and records from {} sources; {} \
             inputs rejected",
            checked.counts.entries_accepted,
            checked.sources.len(),
            checked.rejected,
        )),
        if checked.rejected > 0 {
            format!(" {}", t("(`redflags score` lists them in rejected.csv)"))
        } else {
            String::new()
        }
    );
    let _ = writeln!(
        out,
        "\n{}\n{:<44} {:>9} {:>8} {:>7} {:>8}  {}",
        t("Fields the indicators read: processes with a value, values, unusable values, problems"),
        t("field"),
        t("processes"),
        t("coverage"),
        t("values"),
        t("unusable"),
        t("problems"),
    );
    for field in &checked.fields {
        let _ = writeln!(
            out,
            "{:<44} {:>9} {:>7.1}% {:>7} {:>8}  {}",
            field.field,
            field.processes,
            share(field.processes, processes),
            field.values,
            field.unusable,
            problems_text(&field.problems)
        );
    }
    let _ = writeln!(
        out,
        "\n{}\n{:<32} {:>10} {:>7}  {}",
        t("What each indicator can assess (with the settings' [prepare] corrections)"),
        t("indicator"),
        t("assessable"),
        t("share"),
        t("held back by (field: coverage, unusable values)"),
    );
    for indicator in &checked.indicators {
        let missing: Vec<String> = indicator
            .held_back
            .iter()
            .take(3)
            .map(|held| match held.unusable {
                0 => format!("{} ({}%)", held.field, held.coverage),
                n => format!(
                    "{} ({}%, {})",
                    held.field,
                    held.coverage,
                    t(&format!("{n} unusable"))
                ),
            })
            .collect();
        let (count, percent) = match indicator.assessable {
            Some(n) => (n.to_string(), format!("{:.1}%", share(n as u64, processes))),
            None => (t("disabled"), String::new()),
        };
        let _ = writeln!(
            out,
            "{:<32} {:>10} {:>7}  {}",
            indicator.slug,
            count,
            percent,
            missing.join(", ")
        );
    }
    if let Some(ocp) = &checked.ocp {
        let _ = write!(out, "\n{}", super::assessable::text(ocp, translator));
    }
    if !checked.codes.is_empty() {
        let _ = writeln!(
            out,
            "\n{}\n{:<40} {:<26} {:>6}  {}",
            t(
                "Local codes: not in OCDS codelists, or methods in procurementMethodDetails where\n\
               procurementMethod has no OCDS code (map them in [prepare.map])"
            ),
            t("path"),
            t("codelist"),
            t("values"),
            t("code"),
        );
        for code in &checked.codes {
            let _ = writeln!(
                out,
                "{:<40} {:<26} {:>6}  {}",
                code.path, code.codelist, code.count, code.code
            );
        }
    }
    let counts = by_kind(checked);
    let _ = writeln!(
        out,
        "\n{}",
        t(&format!(
            "Findings: {} (one row each in quality.csv with --out)",
            checked.findings.len()
        ))
    );
    for kind in Kind::ALL {
        let Some(count) = counts.get(&kind) else {
            continue;
        };
        let _ = writeln!(
            out,
            "{:<20} {count:>7}  {}",
            kind.name(),
            example(checked, kind, &t("e.g."))
        );
    }
    if counts.contains_key(&Kind::BuddhistEra)
        && let Some(note) = checked.era_note()
    {
        let _ = writeln!(
            out,
            "\n{}",
            t(&format!(
                "Buddhist Era: {note}; `buddhist_era = \"auto\"` in [prepare] converts years \
                 above 2400."
            ))
        );
    }
    if checked.corrected.total > 0 {
        let _ = writeln!(
            out,
            "\n{}",
            t(&format!(
                "[prepare] corrects {} values: {}",
                checked.corrected.total,
                checked.corrected.describe()
            ))
        );
    }
    out
}

/// The first finding of a kind, in a line: where, and what.
fn example(checked: &Checked, kind: Kind, for_example: &str) -> String {
    let Some(finding) = checked.findings.iter().find(|f| f.kind == kind) else {
        return String::new();
    };
    let source = checked
        .sources
        .get(finding.source)
        .map(|s| {
            std::path::Path::new(s)
                .file_name()
                .map_or_else(|| s.clone(), |n| n.to_string_lossy().into_owned())
        })
        .unwrap_or_default();
    let line = finding.line.map(|l| format!(":{l}")).unwrap_or_default();
    format!(
        "{for_example} {source}{line} {}: {}",
        finding.path, finding.problem
    )
}
