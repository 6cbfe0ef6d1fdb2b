//! The report's warnings: each indicator that flags an unusual share of what it assesses, or
//! can assess almost nothing, in the report's language.

use super::Figure;
use super::format::{Messages, number};
use crate::warnings::{Warning, WarningKind};

/// Each warning as the indicator's title and a sentence.
pub(super) fn rows(warnings: &[Warning], messages: &Messages) -> Vec<Figure> {
    let percent = |share: f64| format!("{}%", number(share * 100.0, 0));
    warnings
        .iter()
        .map(|warning| {
            let fields = warning.fields_text(percent);
            let key = match (warning.kind, fields.is_empty()) {
                (WarningKind::HighFlagShare, _) => "warning_high_flag_share",
                (WarningKind::FewAssessable, false) => "warning_few_assessable",
                (WarningKind::FewAssessable, true) => "warning_few_assessable_scope",
            };
            let value = messages
                .get(key)
                .replace("{share}", &percent(warning.share))
                .replace("{flagged}", &number(warning.flagged as f64, 0))
                .replace("{assessed}", &number(warning.assessed as f64, 0))
                .replace("{fields}", &fields);
            Figure {
                label: messages.indicator(&warning.indicator).to_owned(),
                value,
            }
        })
        .collect()
}
