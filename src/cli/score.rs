//! `score`, `report` and `validate`: the pipeline run and its outputs.

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::{
    Failure, HistoryArgs, ReportArgs, ScoreArgs, load_config, run_inputs, strict_exit, write_out,
};
use crate::config::Config;
use crate::output::Staging;
use crate::run;

pub(super) fn score(args: ScoreArgs, quiet: bool) -> Result<ExitCode, Failure> {
    let clock = std::time::Instant::now();
    let config = load_config(args.config.as_deref())?;
    let history = History::read(&args.history, Some(&args.input.out))?;
    let language = args.report_options.language.language();
    // Only the report, the workbook, another language or a comparison with a previous run
    // read the frames after the profiles.
    let keep = if args.report.is_none()
        && args.report_options.xlsx.is_none()
        && language == crate::evidence::Language::english()
        && history.previous.is_none()
    {
        run::Keep::Outputs
    } else {
        run::Keep::Needed
    };
    let run = run_inputs(&args.input.inputs, &config, keep, &history.verdicts, quiet)?;
    let run = history.apply(&run, &language, &config)?;
    let mut staging = Staging::new(&args.input.out)?;
    run.stage(&config, &mut staging)?;
    staging.commit()?;
    args.report_options
        .write(&run, &config, args.report.as_deref())?;
    tracing::debug!(
        elapsed_ms = clock.elapsed().as_millis() as u64,
        cpu_ms = crate::memory::cpu_time_ms(),
        kernel_ms = crate::memory::kernel_time_ms(),
        faults = crate::memory::minor_faults(),
        peak_mib = crate::memory::stage_peak_mib(),
        resident_mib = crate::memory::resident_memory_mib(),
        run_peak_mib = crate::memory::run_peak_mib(),
        "outputs written"
    );
    let scored = run.scored.contracts.height();
    if !quiet {
        write_out(&format!(
            "{} contracting processes scored, {} flags raised, {} inputs rejected; outputs in {}\n",
            scored,
            run.scored.flags.height(),
            run.rejected.len(),
            args.input.out.display()
        ))?;
    }
    Ok(strict_exit(args.input.strict, run.rejected.len()))
}

/// What a run is given from earlier runs (`--reviews`, `--previous`), read before the run: a
/// bad file stops it before it costs anything.
struct History {
    /// The reviews file read, if any.
    reviews_file: Option<PathBuf>,
    /// Its verdicts.
    verdicts: crate::reviews::Verdicts,
    /// The previous run's results.
    previous: Option<crate::changes::Previous>,
}

impl History {
    /// Reads the reviews and the previous run's results. `out`, the output folder of `score`:
    /// without `--reviews`, its own reviews.csv is read, and a `--reviews` file that lacks
    /// verdicts it holds is refused (the run would replace them).
    fn read(args: &HistoryArgs, out: Option<&Path>) -> Result<History, Failure> {
        let own = out
            .map(|out| out.join("reviews.csv"))
            .filter(|own| own.is_file());
        let reviews_file = args.reviews.clone().or_else(|| own.clone());
        let reviews = match &reviews_file {
            Some(path) => crate::reviews::read(path)?,
            None => Vec::new(),
        };
        if let (Some(given), Some(own)) = (&args.reviews, &own) {
            let lost = crate::reviews::not_in(&crate::reviews::read(own)?, &reviews);
            if lost > 0 {
                return Err(Failure::Usage(anyhow::anyhow!(
                    "{} holds {lost} reviewed flag(s) that {} does not: the run would replace \
                     them; give that file as --reviews, or move it away",
                    own.display(),
                    given.display()
                )));
            }
        }
        // Read before the run (and before its folder is written, when it is the output
        // folder).
        let previous = args
            .previous
            .as_deref()
            .map(crate::changes::Previous::read)
            .transpose()
            .map_err(|error| Failure::Usage(error.into()))?;
        Ok(History {
            reviews_file,
            verdicts: crate::reviews::Verdicts::new(reviews),
            previous,
        })
    }

    /// The run with its sentences in `language` and, given a previous run, compared with it;
    /// the verdicts carried are logged.
    fn apply<'a>(
        &self,
        run: &'a run::Run,
        language: &crate::evidence::Language,
        config: &Config,
    ) -> Result<Cow<'a, run::Run>, Failure> {
        let run = run.in_language(language, config)?;
        let run = match &self.previous {
            Some(previous) => Cow::Owned(run.into_owned().with_changes(previous, *language)?),
            None => run,
        };
        let tally = crate::reviews::Tally::of(&run.scored.reviews);
        if let Some(path) = &self.reviews_file {
            tracing::info!(
                "{} verdicts carried from {}",
                tally.reviewed,
                path.display()
            );
        }
        if tally.no_longer_raised > 0 {
            tracing::warn!(
                "{} reviewed flags are no longer raised: kept in reviews.csv as no_longer_raised",
                tally.no_longer_raised
            );
        }
        Ok(run)
    }
}

pub(super) fn report_command(
    inputs: &[String],
    config: Option<&Path>,
    out: &Path,
    history: &HistoryArgs,
    report: &ReportArgs,
    quiet: bool,
) -> Result<ExitCode, Failure> {
    let config = load_config(config)?;
    let history = History::read(history, None)?;
    let run = run_inputs(inputs, &config, run::Keep::Needed, &history.verdicts, quiet)?;
    let run = history.apply(&run, &report.language.language(), &config)?;
    report.write(&run, &config, Some(out))?;
    if !quiet {
        write_out(&format!(
            "report of {} contracting processes in {}\n",
            run.scored.contracts.height(),
            out.display()
        ))?;
    }
    Ok(ExitCode::SUCCESS)
}

pub(super) fn validate(
    inputs: &[String],
    config: Option<&Path>,
    out: Option<&Path>,
    language: crate::evidence::Language,
    reviews: Option<&Path>,
    quiet: bool,
) -> Result<ExitCode, Failure> {
    let config = load_config(config)?;
    let history = HistoryArgs {
        reviews: reviews.map(Path::to_path_buf),
        previous: None,
    };
    let verdicts = History::read(&history, None)?.verdicts;
    let run = run_inputs(inputs, &config, run::Keep::Needed, &verdicts, quiet)?;
    let Some(validation) = &run.scored.validation else {
        return Err(Failure::Usage(anyhow::anyhow!(
            "the validity check needs the single_bid indicator, which the settings disable"
        )));
    };
    let translator = crate::sentences::Translator::new(language);
    write_out(&crate::validate::report(
        validation,
        &run.scored,
        &translator,
    ))?;
    write_out(&crate::precision::report(
        &run.scored.precision,
        &run.scored.weights_from_verdicts,
        config.score.min_reviewed,
        &translator,
    ))?;
    if let Some(out) = out {
        let mut staging = Staging::new(out)?;
        run.stage_validation(&mut staging)?;
        staging.commit()?;
    }
    Ok(ExitCode::SUCCESS)
}
