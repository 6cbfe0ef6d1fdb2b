//! The whole pipeline for one run: sources → ingest → frames → indicators → score.

use std::borrow::Cow;
use std::time::{Duration, Instant};

use serde_json::json;

use crate::config::Config;
use crate::domain::Tables;
use crate::evidence::Language;
use crate::frames::{self, Frames};
use crate::indicators::{self, REGISTRY};
use crate::ingest::prepare::{Corrected, Prepare};
use crate::ingest::{self, IngestCounts, Intake, Limits, Rejection};
use crate::output::Staging;
use crate::profiles::{self, Profiles};
use crate::reviews::{Tally, Verdicts};
use crate::score::{self, IndicatorRun, Scored};

/// Everything one scoring run produced.
#[derive(Debug, Clone)]
pub struct Run {
    /// The inputs as given.
    pub inputs: Vec<String>,
    /// The sources read (files found in directories included).
    pub sources: Vec<String>,
    /// The accounting of the input.
    pub counts: IngestCounts,
    /// What could not be used, and why.
    pub rejected: Vec<Rejection>,
    /// The values the `[prepare]` corrections changed, by kind.
    pub corrected: Corrected,
    /// The normalized tables as the stages after the indicators read them: every process and
    /// award, the parties' and tenderers' ids and names, the contracts' values, no item rows
    /// (see [`Frames::after_indicators`]), unless the run was made with [`Keep::Frames`].
    pub frames: Frames,
    /// Each enabled indicator's outcome, in registry order.
    pub indicators: Vec<IndicatorRun>,
    /// The scored tables.
    pub scored: Scored,
    /// The buyer and supplier profiles.
    pub profiles: Profiles,
    /// How long the run took.
    pub duration: Duration,
    /// The coverage of the fields the indicators read (see [`frames::coverage`]).
    pub coverage: polars::prelude::DataFrame,
    /// The indicators that flag an unusual share, or can assess almost nothing.
    pub warnings: Vec<crate::warnings::Warning>,
    /// What changed since a previous run, when one was given (`score --previous`): the
    /// contracts and flags then carry a `change` column.
    pub changes: Option<crate::changes::Changes>,
    /// The language and calendar its sentences are in (English with Common Era dates as run;
    /// see [`Run::in_language`]).
    pub language: Language,
}

impl Run {
    /// The run with its evidence sentences in `language`: the flags, the organization results
    /// and the profiles' organization flags rendered again from the indicators' values, and
    /// the rejection reasons translated (`score --lang`, the report and the workbook show
    /// these). A run already in `language` (English with Common Era dates as run; the CSV
    /// files' language once `score --lang` rendered them) is the run as it is, so the report
    /// and the workbook in the same language render nothing again.
    pub fn in_language(
        &self,
        language: &Language,
        config: &Config,
    ) -> anyhow::Result<Cow<'_, Run>> {
        if *language == self.language {
            return Ok(Cow::Borrowed(self));
        }
        let mut run = self.clone();
        run.language = *language;
        let scored = &mut run.scored;
        scored.flags = score::flags_table(
            &self.frames,
            &self.indicators,
            &scored.weights[..self.indicators.len()],
            language,
            &scored.verdicts,
            config.score.exclude_false_positives,
        )?;
        scored.reviews = crate::reviews::carry(&scored.flags, scored.verdicts.reviews())?;
        scored.organizations =
            score::organizations_table(&self.frames, &self.indicators, language)?;
        if let Some(changes) = &self.changes {
            scored.flags = changes.mark_flags(&scored.flags)?;
        }
        run.profiles = profiles::profiles(&run.frames, &run.scored, &config.profiles)?;
        let translator = crate::sentences::Translator::new(*language);
        for rejection in &mut run.rejected {
            rejection.reason = translator.sentence(&rejection.reason);
        }
        Ok(Cow::Owned(run))
    }
}

/// Reads the inputs and builds the frames, with the ingest accounting.
pub fn load(inputs: &[String]) -> anyhow::Result<(Intake, Frames)> {
    load_with(inputs, &mut |_| {}, &mut |_| {})
}

/// [`load`], reporting the ingest's progress (see [`ingest::ingest_with`]).
pub fn load_with(
    inputs: &[String],
    started: &mut dyn FnMut(usize),
    report: &mut dyn FnMut(ingest::Progress),
) -> anyhow::Result<(Intake, Frames)> {
    load_prepared(
        inputs,
        &Prepare::none(),
        &Limits::default(),
        frames::Builder::default(),
        started,
        report,
    )
}

/// [`load_with`], within the bounds of `limits`, correcting the data by the `[prepare]`
/// settings. The frames are built by `builder` (every column, or a run's: see
/// [`frames::Builder::for_run`]) batch by batch while the input is read.
pub fn load_prepared(
    inputs: &[String],
    prepare: &Prepare,
    limits: &Limits,
    mut builder: frames::Builder,
    started: &mut dyn FnMut(usize),
    report: &mut dyn FnMut(ingest::Progress),
) -> anyhow::Result<(Intake, Frames)> {
    let clock = Instant::now();
    let intake = ingest::ingest_into(inputs, prepare, limits, started, report, &mut builder)?;
    tracing::info!(
        processes = intake.counts.processes,
        rejected = intake.rejected.len(),
        "ingested"
    );
    let frames = builder.finish()?;
    tracing::debug!(
        elapsed_ms = clock.elapsed().as_millis() as u64,
        cpu_ms = crate::memory::cpu_time_ms(),
        kernel_ms = crate::memory::kernel_time_ms(),
        faults = crate::memory::minor_faults(),
        peak_mib = crate::memory::stage_peak_mib(),
        resident_mib = crate::memory::resident_memory_mib(),
        frames_mib = frames
            .tables()
            .iter()
            .map(|(_, table)| crate::memory::held_bytes(table))
            .sum::<usize>()
            / (1 << 20),
        "frames built"
    );
    if tracing::enabled!(tracing::Level::TRACE) {
        for (name, table) in frames.tables() {
            let columns: Vec<String> = table
                .columns()
                .iter()
                .map(|column| {
                    let size = crate::memory::held_column_bytes(column);
                    format!("{}={}", column.name(), size >> 10)
                })
                .collect();
            tracing::trace!(
                table = name,
                rows = table.height(),
                kib = crate::memory::held_bytes(table) >> 10,
                columns = columns.join(" "),
                "frame size"
            );
        }
    }
    Ok((intake, frames))
}

/// What a run keeps of its frames once the indicators are computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    /// What the score, the profiles and the outputs read (see [`Frames::after_indicators`]):
    /// at 1,000,000 generated processes that hands back about 650 MB before the score.
    Needed,
    /// Every table whole, for a caller that reads them after the run (`redflags cardinal`
    /// reads the assessed bids).
    Frames,
    /// What the profiles read, then nothing: for a caller that only writes the outputs of
    /// `score` (no report, no other language, no comparison with a previous run, which render
    /// the flags again from the frames). At 1,000,000 generated processes that hands back
    /// about 165 MiB before the profiles and 25 more before the outputs (the frames' ocids and
    /// titles are the contracts table's too), and the outputs' peak went from 2,087 to 1,910
    /// MiB.
    Outputs,
}

/// Runs the whole pipeline over the inputs with the given settings.
pub fn run(inputs: &[String], config: &Config) -> anyhow::Result<Run> {
    run_keeping(inputs, config, Keep::Needed)
}

/// [`run`], keeping what `keep` says of the frames.
pub fn run_keeping(inputs: &[String], config: &Config, keep: Keep) -> anyhow::Result<Run> {
    run_with(
        inputs,
        config,
        keep,
        &Verdicts::default(),
        &mut |_| {},
        &mut |_| {},
    )
}

/// [`run`] with the analyst's verdicts on the flags (see [`score::score_reviewed`]),
/// reporting the ingest's progress (see [`ingest::ingest_with`]).
pub fn run_with(
    inputs: &[String],
    config: &Config,
    keep: Keep,
    verdicts: &Verdicts,
    started_reading: &mut dyn FnMut(usize),
    report: &mut dyn FnMut(ingest::Progress),
) -> anyhow::Result<Run> {
    let started = Instant::now();
    let (ingested, mut frames) = load_prepared(
        inputs,
        &config.prepare,
        &config.limits,
        // The lists match organizations by the identifiers of `parties` too.
        frames::Builder::for_run().keeping(if config.lists.any() {
            &["identifier_id"]
        } else {
            &[]
        }),
        started_reading,
        report,
    )?;
    let active = config.active();
    let parked = frames.park()?;
    // The indicators see the processes in scope only; the outputs keep every process.
    let assessed = config.scope.select(&frames)?;
    // One set of lazy tables for every indicator, so that the plans of a batch share its
    // derived tables, computed once (see `indicators::collect`).
    let lists = config.lists.load().map_err(anyhow::Error::msg)?;
    let working_days = config.working_days.calendar().map_err(anyhow::Error::msg)?;
    let tables = Tables::scoped(&frames, &assessed)
        .with_ocids_from(parked.ocids()?)
        .with_lists(std::sync::Arc::new(lists))
        .with_thresholds(std::sync::Arc::new(config.thresholds.clone()))
        .with_working_days(working_days.map(std::sync::Arc::new));
    let planned = active
        .iter()
        .map(|active| indicators::Planned::of(active.indicator, &active.settings))
        .collect();
    let outcomes = indicators::collect_flagged_only(&tables, planned)
        .map_err(|error| error.context("computing the indicators"))?;
    let read: Vec<(&str, &[&str])> = active
        .iter()
        .map(|active| {
            (
                active.indicator.metadata().slug,
                active.indicator.metadata().fields,
            )
        })
        .collect();
    let coverage = frames::coverage::of_indicators(&frames, &read)?;
    // The indicators' tables share the frames' columns: dropped first, so that what the later
    // stages do not read is handed back.
    drop(tables);
    let mut frames = match keep {
        Keep::Needed | Keep::Outputs => frames.after_indicators()?,
        Keep::Frames => frames,
    };
    frames.unpark(parked)?;
    let indicators: Vec<IndicatorRun> = active
        .iter()
        .zip(outcomes)
        .map(|(active, outcome)| IndicatorRun::new(active, outcome))
        .collect();
    tracing::debug!(
        elapsed_ms = started.elapsed().as_millis() as u64,
        cpu_ms = crate::memory::cpu_time_ms(),
        kernel_ms = crate::memory::kernel_time_ms(),
        faults = crate::memory::minor_faults(),
        peak_mib = crate::memory::stage_peak_mib(),
        resident_mib = crate::memory::resident_memory_mib(),
        outcomes_mib = indicators
            .iter()
            .map(|run| {
                let outcome = &run.outcome;
                crate::memory::held_bytes(&outcome.processes)
                    + crate::memory::held_bytes(&outcome.evidence)
                    + crate::memory::held_bytes(&outcome.organizations)
            })
            .sum::<usize>()
            >> 20,
        frames_mib = frames
            .tables()
            .iter()
            .map(|(_, table)| crate::memory::held_bytes(table))
            .sum::<usize>()
            >> 20,
        "indicators computed"
    );
    let scored = score::score_reviewed(&frames, &assessed.keys()?, &indicators, config, verdicts)?;
    crate::memory::release_freed();
    tracing::debug!(
        elapsed_ms = started.elapsed().as_millis() as u64,
        cpu_ms = crate::memory::cpu_time_ms(),
        kernel_ms = crate::memory::kernel_time_ms(),
        faults = crate::memory::minor_faults(),
        peak_mib = crate::memory::stage_peak_mib(),
        resident_mib = crate::memory::resident_memory_mib(),
        contracts_mib = crate::memory::held_bytes(&scored.contracts) >> 20,
        flags_mib = crate::memory::held_bytes(&scored.flags) >> 20,
        reviews_mib = crate::memory::held_bytes(&scored.reviews) >> 20,
        organizations_mib = crate::memory::held_bytes(&scored.organizations) >> 20,
        "scored"
    );
    if keep == Keep::Outputs {
        frames = frames.for_profiles()?;
    }
    let profiles = profiles::profiles(&frames, &scored, &config.profiles)?;
    if keep == Keep::Outputs {
        frames = frames.emptied();
        crate::memory::release_freed();
    }
    tracing::debug!(
        elapsed_ms = started.elapsed().as_millis() as u64,
        cpu_ms = crate::memory::cpu_time_ms(),
        kernel_ms = crate::memory::kernel_time_ms(),
        faults = crate::memory::minor_faults(),
        peak_mib = crate::memory::stage_peak_mib(),
        resident_mib = crate::memory::resident_memory_mib(),
        "profiled"
    );
    let warnings = crate::warnings::warnings(
        &indicators,
        frames.processes.height(),
        &coverage,
        &config.warnings,
    );
    Ok(Run {
        inputs: inputs.to_vec(),
        sources: ingested.sources,
        counts: ingested.counts,
        rejected: ingested.rejected,
        corrected: ingested.corrected,
        frames,
        indicators,
        scored,
        profiles,
        duration: started.elapsed(),
        coverage,
        warnings,
        changes: None,
        language: Language::english(),
    })
}

impl Run {
    /// Writes the outputs of `score` into `directory`, all together or none: contracts,
    /// flags, organizations, the reviews, the fields' coverage, profiles, the validity check,
    /// rejections and the summary.
    pub fn write(&self, config: &Config, directory: &std::path::Path) -> anyhow::Result<()> {
        let mut staging = Staging::new(directory)?;
        self.stage(config, &mut staging)?;
        staging.commit()?;
        Ok(())
    }

    /// Stages the outputs [`Run::write`] writes, for a caller that adds its own.
    pub fn stage(&self, config: &Config, staging: &mut Staging) -> anyhow::Result<()> {
        staging.tables(&[
            ("contracts", &self.scored.contracts),
            ("flags", &self.scored.flags),
            ("organizations", &self.scored.organizations),
            ("reviews", &self.scored.reviews),
            ("coverage", &self.coverage),
            ("buyers", &self.profiles.buyers),
            ("suppliers", &self.profiles.suppliers),
        ])?;
        self.stage_validation(staging)?;
        self.stage_changes(staging)?;
        staging.csv("rejected.csv", &ingest::rejections_frame(&self.rejected)?)?;
        staging.json("summary.json", &self.summary(config))?;
        Ok(())
    }

    /// Stages validation.csv and correlations.csv, when the run has a validity check.
    pub fn stage_validation(&self, staging: &mut Staging) -> anyhow::Result<()> {
        if let Some(validation) = &self.scored.validation {
            staging.csv("validation.csv", &validation.terms_frame(&self.scored)?)?;
            staging.csv("correlations.csv", &validation.correlations_frame()?)?;
        }
        Ok(())
    }

    /// Stages changes.csv and changes.parquet, when the run was compared with a previous one.
    pub fn stage_changes(&self, staging: &mut Staging) -> anyhow::Result<()> {
        if let Some(changes) = &self.changes {
            staging.table("changes", &changes.table)?;
        }
        Ok(())
    }

    /// The run's summary, as `summary.json` holds it. Everything but `run.duration_seconds`
    /// depends only on the input and the settings.
    pub fn summary(&self, config: &Config) -> serde_json::Value {
        let scored = self
            .scored
            .contracts
            .column("risk_score")
            .map(|column| column.len() - column.null_count())
            .unwrap_or(0);
        let flagged = self
            .scored
            .contracts
            .column("flag_count")
            .ok()
            .and_then(|column| {
                column
                    .u32()
                    .ok()
                    .map(|c| c.iter().flatten().filter(|&n| n > 0).count())
            })
            .unwrap_or(0);
        let indicators: Vec<serde_json::Value> = self
            .indicators
            .iter()
            .map(|run| {
                let metadata = REGISTRY
                    .iter()
                    .find(|indicator| indicator.metadata().slug == run.slug)
                    .map(|indicator| indicator.metadata());
                json!({
                    "indicator": run.slug,
                    "code": run.code,
                    "title": metadata.map(|m| m.title),
                    "group": run.group.name(),
                    "family": run.family,
                    "weight": self.scored.weight_of(run.slug),
                    "organization_weight": run.organization_weight,
                    "assessable": run.assessable(),
                    "flagged": run.flagged(),
                    "organizations_flagged": run.outcome.organizations.height(),
                })
            })
            .collect();
        let mut input = serde_json::to_value(&self.counts).unwrap_or_default();
        if let Some(input) = input.as_object_mut() {
            // `total` = entries + units rejected whole = entries accepted + rejections.
            input.insert("total".to_owned(), self.counts.input().into());
        }
        let mut summary = json!({
            "version": env!("CARGO_PKG_VERSION"),
            "inputs": self.inputs,
            "sources": self.sources,
            "counts": {
                "input": input,
                "processes": self.counts.processes,
                "rejected": self.rejected.len(),
                "scored": scored,
                "not_scored": self.scored.contracts.height() - scored,
                "with_flags": flagged,
                "flags": self.scored.flags.height(),
            },
            "corrections": self.corrected,
            "indicators": indicators,
            "weights": {
                "source": self.scored.weights_source,
                "from_verdicts": self.scored.weights_from_verdicts,
                "terms": self
                    .scored
                    .terms
                    .iter()
                    .zip(&self.scored.weights)
                    .map(|(term, weight)| (term.column.clone(), json!(weight)))
                    .collect::<serde_json::Map<_, _>>(),
            },
            "warnings": self.warnings,
            "reviews": self.reviews_summary(config),
            "validation": self.scored.validation,
            "precision": self.scored.precision,
            "profiles": {
                "buyers": self.profiles.buyers.height(),
                "suppliers": self.profiles.suppliers.height(),
            },
            "settings": config.effective(),
            "run": {
                "duration_seconds": (self.duration.as_secs_f64() * 1000.0).round() / 1000.0,
            },
        });
        if let (Some(changes), Some(summary)) = (&self.changes, summary.as_object_mut()) {
            summary.insert("changes".to_owned(), changes.summary());
        }
        summary
    }
}

impl Run {
    /// The run compared with a previous one (`score --previous`): its contracts and flags
    /// marked with their `change`, and [`Run::changes`] set. `language` is the language of
    /// this run's evidence.
    pub fn with_changes(
        mut self,
        previous: &crate::changes::Previous,
        language: Language,
    ) -> anyhow::Result<Run> {
        let weights = &self.scored.weights[..self.indicators.len()];
        // Only the evidence of the rendered flags is compared: whether a false positive counts
        // does not matter here.
        let render = |language: &Language| {
            score::flags_table(
                &self.frames,
                &self.indicators,
                weights,
                language,
                &self.scored.verdicts,
                false,
            )
        };
        let changes = crate::changes::Changes::compare(
            previous,
            &self.scored.contracts,
            &self.scored.flags,
            language,
            &render,
        )?;
        self.scored.contracts = changes.mark_contracts(&self.scored.contracts)?;
        self.scored.flags = changes.mark_flags(&self.scored.flags)?;
        self.changes = Some(changes);
        Ok(self)
    }

    /// The verdicts of the run, as `summary.json` counts them: the reviewed flags still raised
    /// (by verdict), the reviewed flags no longer raised (kept in reviews.csv), and whether
    /// false positives are left out of the scores.
    fn reviews_summary(&self, config: &Config) -> serde_json::Value {
        let tally = Tally::of(&self.scored.reviews);
        let mut value = serde_json::to_value(tally).unwrap_or_default();
        if let Some(object) = value.as_object_mut() {
            object.insert(
                "exclude_false_positives".to_owned(),
                config.score.exclude_false_positives.into(),
            );
        }
        value
    }
}
