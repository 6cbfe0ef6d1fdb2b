//! Combining indicator outcomes into one risk score per contracting process.
//!
//! The score is made of *terms*: one per enabled indicator (its flag on the process), and one
//! *organization* term (the process's buyer, procuring entity or a winning supplier is flagged
//! by an indicator that looks across processes). Every term has a *strength* between 0 and 1
//! (the indicator's `weight`; for the organization term, the strongest `organization_weight`
//! among the indicators that flag the process's organizations) and a *family*: terms that
//! restate one fact share a family. For a process `p`, each family `f` counts once, by the
//! strongest of its raised terms, `s_f(p)` (0 when none is raised), and
//!
//! ```text
//! risk_score(p) = 100 × (1 − Π_f (1 − s_f(p)))
//! ```
//!
//! the chance that at least one of independent pieces of evidence is real, if each strength is
//! read as that chance. A flag's contribution never shrinks because other checks could be run
//! and passed; weak flags add up slowly (five flags of 0.05 give 22.6, one of 0.6 gives 60).
//! A process that no term of positive strength could assess has no score (empty), never a
//! score of 0: thin data is not clean data; `data_completeness` is the share of terms that
//! could assess it. An organization flag is not counted on a process that the same indicator
//! already flags at process level (the same evidence is not counted twice). `percentile` is the
//! share of scored processes whose score is at most this one's, in percent; `value_at_risk` is
//! the process's value (contract, else award, else tender) × score / 100, in its currency.

use polars::prelude::*;

mod combine;
mod flags;
mod organizations;
mod reviewed;
mod terms;
mod values;

use combine::finish;
pub use flags::flags_table;
pub use organizations::Reaching;
pub use organizations::organizations_table;
pub use reviewed::VERDICT_COLUMNS;
use terms::term_table;

use crate::config::{Config, Weights};
use crate::evidence::Language;
use crate::frames::Frames;
use crate::indicators::{EVIDENCE, Group, Outcome, PROCESS};
use crate::reviews::Verdicts;
use crate::validate::{self, Validation};

/// One indicator's outcome in a run.
#[derive(Debug, Clone)]
pub struct IndicatorRun {
    /// The indicator's slug.
    pub slug: &'static str,
    /// Its OCP code, if any.
    pub code: Option<&'static str>,
    /// The levels it reports at (`process`, `buyer`, ...).
    pub levels: &'static [&'static str],
    /// The group it counts in.
    pub group: Group,
    /// Its family: raised flags of one family count once, by the strongest.
    pub family: String,
    /// Its strength in the score (0–1).
    pub weight: f64,
    /// The strength of its organization-level flags when they reach a process (0–1).
    pub organization_weight: f64,
    /// What it found.
    pub outcome: Outcome,
}

impl IndicatorRun {
    /// The run of an enabled indicator, as the settings configure it.
    pub fn new(active: &crate::config::Active, outcome: Outcome) -> IndicatorRun {
        let metadata = active.indicator.metadata();
        IndicatorRun {
            slug: metadata.slug,
            code: metadata.code,
            levels: metadata.levels,
            group: active.group,
            family: active.family.clone(),
            weight: active.weight,
            organization_weight: active.organization_weight,
            outcome,
        }
    }

    /// Its catalogue entry (none for an indicator outside the registry, as in tests).
    pub fn metadata(&self) -> Option<&'static crate::indicators::Metadata> {
        crate::indicators::REGISTRY
            .iter()
            .map(|indicator| indicator.metadata())
            .find(|metadata| metadata.slug == self.slug)
    }

    /// `processes` of its outcome with each flagged process's evidence sentence in `language`
    /// (none for an indicator outside the registry).
    pub fn processes_with_evidence(&self, language: &Language) -> LazyFrame {
        match self.metadata() {
            Some(metadata) => self.outcome.processes_with_evidence(metadata, language),
            None => self
                .outcome
                .processes
                .clone()
                .lazy()
                .with_column(lit(NULL).cast(DataType::String).alias(EVIDENCE)),
        }
    }

    /// Its organization results with their evidence sentences in `language`: `role`,
    /// `organization_id`, `value`, `evidence` (none for an indicator outside the registry).
    pub fn organizations_with_evidence(&self, language: &Language) -> LazyFrame {
        match self.metadata() {
            Some(metadata) => self.outcome.organizations_with_evidence(metadata, language),
            None => self.outcome.organizations.clone().lazy().select([
                col(crate::indicators::ROLE),
                col(crate::indicators::ORGANIZATION_ID),
                col(crate::indicators::VALUE),
                lit(NULL).cast(DataType::String).alias(EVIDENCE),
            ]),
        }
    }

    /// Whether it flags organizations (buyers, procuring entities, suppliers, tenderers).
    pub fn has_organization_level(&self) -> bool {
        self.levels.iter().any(|level| *level != "process")
    }

    /// How many processes it could assess.
    pub fn assessable(&self) -> usize {
        self.outcome.assessable()
    }

    /// How many processes it flagged.
    pub fn flagged(&self) -> usize {
        self.outcome.flagged()
    }
}

/// One term of the score: an indicator's process-level flag, or the organization term (the
/// organization-level flags of every indicator reaching the process).
#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    /// Its column in `contracts` (`single_bid`, `organization`).
    pub column: String,
    /// The indicator (`organization` for the organization term).
    pub indicator: &'static str,
    /// Whether it is the organization term.
    pub organization: bool,
    /// The group it counts in (none for the organization term, which spans them).
    pub group: Option<Group>,
    /// Its family.
    pub family: String,
    /// Its configured strength (for the organization term: the strongest
    /// `organization_weight`).
    pub weight: f64,
}

/// The column, name and family of the organization term.
pub const ORGANIZATION_TERM: &str = "organization";

/// The column of the organization term's strength on each process (empty when no
/// organization flag reaches it).
const ORGANIZATION_STRENGTH: &str = "organization_strength";

impl Scored {
    /// `contracts` with each row's process key as a `process` column (`contracts` has a row
    /// for every process, in process order: a row's number is its key).
    pub fn keyed_contracts(&self) -> LazyFrame {
        self.contracts.clone().lazy().with_row_index(PROCESS, None)
    }

    /// The strength a term (by column) had in the score.
    pub fn weight_of(&self, column: &str) -> Option<f64> {
        self.terms
            .iter()
            .zip(&self.weights)
            .find(|(term, _)| term.column == column)
            .map(|(_, weight)| *weight)
    }
}

impl Term {
    /// Its name in flag lists: the indicator's slug, or `organization`.
    pub fn label(&self) -> String {
        self.indicator.to_owned()
    }

    /// `process` or `organization`.
    pub fn level(&self) -> &'static str {
        if self.organization {
            "organization"
        } else {
            "process"
        }
    }
}

/// The scored tables the outputs write.
#[derive(Debug, Clone)]
pub struct Scored {
    /// One row per contracting process, in process order, with its score and one column per
    /// term.
    pub contracts: DataFrame,
    /// One row per raised process-level flag, with its strength, family and whether it is the
    /// one its family counts by.
    pub flags: DataFrame,
    /// One row per organization-level result.
    pub organizations: DataFrame,
    /// Each organization-level flag reaching a process (its buyer, procuring entity or a
    /// winner), in registry order (see [`Reaching::each`]).
    pub organization_flags: Reaching,
    /// The terms of the score, in the order of their columns.
    pub terms: Vec<Term>,
    /// Each term's strength in the score, in the order of `terms`.
    pub weights: Vec<f64>,
    /// Where the weights came from.
    pub weights_source: Weights,
    /// The validity check of each term against single bidding (none without `single_bid`).
    pub validation: Option<Validation>,
    /// The analyst's verdicts the run was given.
    pub verdicts: Verdicts,
    /// The reviews of the run, as `reviews.csv` holds them: a row per raised flag, with its
    /// verdict, then each reviewed flag no longer raised (see [`crate::reviews::carry`]).
    pub reviews: DataFrame,
    /// Each indicator's precision from the verdicts on the flags it raises.
    pub precision: Vec<crate::precision::Precision>,
    /// The terms whose strength came from the verdicts (`weights = "validated"` with enough
    /// reviewed flags).
    pub weights_from_verdicts: Vec<String>,
}

/// Scores every process and gathers the flags and organization-level results. `frames` are
/// all the processes, `assessed` a table whose `process` column lists those in scope (the
/// indicators ran on them).
pub fn score(
    frames: &Frames,
    assessed: &DataFrame,
    runs: &[IndicatorRun],
    config: &Config,
) -> anyhow::Result<Scored> {
    score_reviewed(frames, assessed, runs, config, &Verdicts::default())
}

/// The resident memory, in MiB, below which the flags table is made beside the scores (see
/// [`score_reviewed`]); above it, after them. The score's steps ran at about 1.4 of the two
/// cores at 100,000 generated processes (0.58 s of processor time in 0.41-0.45 s); beside
/// them, the flags took the stage from 398-448 to 332-409 ms (three alternate runs). At
/// 1,000,000, which starts the score at about 900 MiB, the two together peaked at 1,841 MiB,
/// against 1,605 and 1,749 MiB one after the other: the run's peak is kept under 2 GB.
const FLAGS_BESIDE_BELOW_MIB: u64 = 768;

/// [`score`] with the analyst's verdicts on the flags: counted per process, shown beside each
/// flag, and, with `[score] exclude_false_positives`, a false positive left out of its
/// process's score.
pub fn score_reviewed(
    frames: &Frames,
    assessed: &DataFrame,
    runs: &[IndicatorRun],
    config: &Config,
    verdicts: &Verdicts,
) -> anyhow::Result<Scored> {
    let clock = std::time::Instant::now();
    let step = |what: &str| {
        // Each step's working tables are gone: their pages go back before the next step's.
        crate::memory::release_freed();
        tracing::debug!(
            step = what,
            elapsed_ms = clock.elapsed().as_millis(),
            cpu_ms = crate::memory::cpu_time_ms(),
            kernel_ms = crate::memory::kernel_time_ms(),
            faults = crate::memory::minor_faults(),
            peak_mib = crate::memory::stage_peak_mib(),
            resident_mib = crate::memory::resident_memory_mib()
        )
    };
    // The language of the evidence in `flags` and `organizations` (flags.csv and
    // organizations.csv); the report and the workbook render theirs again in their own.
    let language = Language::english();
    let exclude = config.score.exclude_false_positives;
    // The flags table with the indicators' weights, its texts plain, and the reviews carried
    // over to it.
    let flags_of = |weights: &[f64]| -> anyhow::Result<(DataFrame, DataFrame)> {
        let flags = crate::frames::unnumbered(flags_table(
            frames, runs, weights, &language, verdicts, exclude,
        )?)?;
        let reviews = crate::reviews::carry(&flags, verdicts.reviews())?;
        Ok((flags, reviews))
    };
    // With the settings' weights, the flags table needs nothing the scores make: it is made
    // beside them, on a thread of its own, while the process is small enough (see
    // [`FLAGS_BESIDE_BELOW_MIB`]).
    let beside = config.score.weights == Weights::Configured
        && crate::memory::resident_below_mib(FLAGS_BESIDE_BELOW_MIB);
    std::thread::scope(|scope| {
        // (The settings' weights of the indicators' own terms are their runs' weights.)
        let early = beside.then(|| {
            scope.spawn(|| {
                let weights: Vec<f64> = runs.iter().map(|run| run.weight).collect();
                flags_of(&weights)
            })
        });
        let organizations = organizations_table(frames, runs, &language)?;
        step("organizations");
        // Computed once: the terms, the flags and the organization columns all read it.
        let organization_flags = Reaching::of(frames, &organizations)?;
        step("organization links");
        let (table, terms) = term_table(frames, assessed, runs, &organization_flags)?;
        step("terms");
        let validation = validate::validate(&table, &terms, config.validation.significance)?;
        step("validation");
        let reviewed = reviewed::Reviewed::of(frames, &terms, verdicts, exclude)?;
        let precision = reviewed.precision(&table, &terms)?;
        let configured: Vec<f64> = terms.iter().map(|term| term.weight).collect();
        let (weights, weights_from_verdicts) = match config.score.weights {
            Weights::Configured => (configured, Vec::new()),
            Weights::Validated => {
                let Some(validation) = &validation else {
                    anyhow::bail!(
                        "score.weights = \"validated\" needs the single_bid indicator: the \
                         weights are derived from each indicator's association with single \
                         bidding"
                    );
                };
                crate::precision::weights(
                    &terms,
                    &validation.weights(&terms),
                    &precision,
                    config.score.min_reviewed,
                )
            }
        };
        // The organizations' ids and names stay numbered as the frames hold them: they are
        // written as texts (see `output::cells` and `output::write_parquet`).
        let contracts = finish(table, &terms, &weights, &organization_flags, &reviewed)?;
        step("scores and ranks");
        let (flags, reviews) = match early {
            Some(early) => early
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))?,
            None => flags_of(&weights[..runs.len()])?,
        };
        step("flags");
        Ok(Scored {
            contracts,
            flags,
            organizations,
            organization_flags,
            terms,
            weights,
            weights_source: config.score.weights,
            validation,
            verdicts: verdicts.clone(),
            reviews,
            precision,
            weights_from_verdicts,
        })
    })
}
