//! Warnings an analyst needs before reading the results: an indicator that flags an unusual
//! share of the processes it assesses (a threshold unsuited to the data, a placeholder value, a
//! local code read as another), or that can assess almost none (the data lacks what it
//! reads), named with the fields most likely to blame.

use polars::prelude::DataFrame;
use serde::{Deserialize, Serialize};

use crate::score::IndicatorRun;

/// The `[warnings]` settings.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct WarningSettings {
    /// An indicator flagging more than this share of the processes it assesses is named
    /// (0–1).
    pub max_flag_share: f64,
    /// An indicator assessing less than this share of the processes is named (0–1): it can
    /// assess almost none.
    pub min_assessable_share: f64,
}

impl Default for WarningSettings {
    fn default() -> Self {
        WarningSettings {
            max_flag_share: 0.5,
            min_assessable_share: 0.01,
        }
    }
}

impl WarningSettings {
    /// Checks the shares.
    pub fn check(&self) -> Result<(), String> {
        if !(self.max_flag_share > 0.0 && self.max_flag_share <= 1.0) {
            return Err("warnings.max_flag_share must be above 0 and at most 1".to_owned());
        }
        if !(0.0..1.0).contains(&self.min_assessable_share) {
            return Err("warnings.min_assessable_share must be from 0 to below 1".to_owned());
        }
        Ok(())
    }

    /// The section of a settings file, its defaults shown and explained.
    pub fn default_toml() -> String {
        let defaults = WarningSettings::default();
        format!(
            "\n# Warnings (on the terminal, in summary.json and in the report): an indicator that\n\
             # flags more than this share of the processes it assesses...\n\
             [warnings]\n\
             max_flag_share = {:?}\n\
             # ... or that can assess less than this share of the processes (almost none).\n\
             min_assessable_share = {:?}\n",
            defaults.max_flag_share, defaults.min_assessable_share
        )
    }
}

/// What a warning is about.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum WarningKind {
    /// The indicator flags more than `max_flag_share` of the processes it assesses.
    HighFlagShare,
    /// The indicator assesses less than `min_assessable_share` of the processes.
    FewAssessable,
}

impl WarningKind {
    /// Its name, as summary.json writes it.
    pub fn name(self) -> &'static str {
        match self {
            WarningKind::HighFlagShare => "high_flag_share",
            WarningKind::FewAssessable => "few_assessable",
        }
    }
}

/// A field an indicator reads, and the share of processes with a value of it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FieldShare {
    /// The OCDS field (`tender.numberOfTenderers`).
    pub field: String,
    /// The share of the processes with a value (0–1).
    pub coverage: f64,
}

/// One warning.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Warning {
    /// The indicator.
    pub indicator: String,
    /// What is unusual.
    pub kind: WarningKind,
    /// The share concerned (0–1): of the assessed processes flagged, or of the processes
    /// assessed.
    pub share: f64,
    /// The processes it assessed.
    pub assessed: usize,
    /// The processes it flagged.
    pub flagged: usize,
    /// The fields most likely to blame: those it reads, least covered first (at most three).
    pub fields: Vec<FieldShare>,
}

/// How many fields a warning names.
const FIELDS_NAMED: usize = 3;

impl Warning {
    /// The fields named, with their coverage written by `percent`: `awards.status (43%), ...`.
    pub fn fields_text(&self, percent: impl Fn(f64) -> String) -> String {
        self.fields
            .iter()
            .map(|field| format!("{} ({})", field.field, percent(field.coverage)))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The warning as one English line for the terminal.
    pub fn line(&self) -> String {
        let percent = |share: f64| format!("{:.0}%", share * 100.0);
        let fields = self.fields_text(percent);
        let what = match self.kind {
            WarningKind::HighFlagShare => format!(
                "flags {} of the processes it assesses ({} of {}): check the settings and \
                 the values of {}",
                percent(self.share),
                self.flagged,
                self.assessed,
                if fields.is_empty() {
                    "its fields"
                } else {
                    &fields
                }
            ),
            WarningKind::FewAssessable => format!(
                "can assess {} of the processes ({}): {}",
                percent(self.share),
                self.assessed,
                if fields.is_empty() {
                    "its fields are there: the settings or [scope] leave it few processes"
                        .to_owned()
                } else {
                    format!("the data lacks what it reads, least covered: {fields}")
                }
            ),
        };
        format!("{}: {what}", self.indicator)
    }
}

/// The warnings of a run: `indicators` as run, `processes` in the data, `coverage` as
/// [`crate::frames::coverage::coverage`] gives it. Indicators that only flag organizations
/// are not judged by their process shares.
pub fn warnings(
    indicators: &[IndicatorRun],
    processes: usize,
    coverage: &DataFrame,
    settings: &WarningSettings,
) -> Vec<Warning> {
    if processes == 0 {
        return Vec::new();
    }
    let shares = field_shares(coverage);
    let mut warnings = Vec::new();
    for run in indicators
        .iter()
        .filter(|run| run.levels.contains(&"process"))
    {
        let (assessed, flagged) = (run.assessable(), run.flagged());
        let assessable_share = assessed as f64 / processes as f64;
        let flag_share = if assessed > 0 {
            flagged as f64 / assessed as f64
        } else {
            0.0
        };
        let (kind, share) = if assessable_share < settings.min_assessable_share {
            (WarningKind::FewAssessable, assessable_share)
        } else if flag_share > settings.max_flag_share {
            (WarningKind::HighFlagShare, flag_share)
        } else {
            continue;
        };
        let metadata = crate::indicators::find(run.slug).map(|indicator| indicator.metadata());
        let mut fields: Vec<FieldShare> = metadata
            .map_or(&[][..], |metadata| metadata.fields)
            .iter()
            .filter_map(|field| {
                shares
                    .iter()
                    .find(|(name, _)| name == field)
                    .map(|(_, coverage)| FieldShare {
                        field: (*field).to_owned(),
                        coverage: *coverage,
                    })
            })
            .collect();
        fields.sort_by(|a, b| {
            a.coverage
                .total_cmp(&b.coverage)
                .then(a.field.cmp(&b.field))
        });
        if kind == WarningKind::FewAssessable {
            // A field every process has is not why an indicator can assess none.
            fields.retain(|field| field.coverage < 1.0);
        }
        fields.truncate(FIELDS_NAMED);
        warnings.push(Warning {
            indicator: run.slug.to_owned(),
            kind,
            share,
            assessed,
            flagged,
            fields,
        });
    }
    warnings
}

/// Each field's coverage share, from the coverage table.
fn field_shares(coverage: &DataFrame) -> Vec<(String, f64)> {
    let (Ok(fields), Ok(shares)) = (coverage.column("field"), coverage.column("share")) else {
        return Vec::new();
    };
    let (Ok(fields), Ok(shares)) = (fields.str(), shares.f64()) else {
        return Vec::new();
    };
    fields
        .iter()
        .zip(shares.iter())
        .filter_map(|(field, share)| Some((field?.to_owned(), share?)))
        .collect()
}
