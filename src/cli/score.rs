//! `score`, `report` and `validate`: the pipeline run and its outputs.

use std::borrow::Cow;
use std::path::Path;
use std::process::ExitCode;

use super::{Failure, ReportArgs, ScoreArgs, load_config, run_inputs, strict_exit, write_out};
use crate::output::Staging;

pub(super) fn score(args: ScoreArgs, quiet: bool) -> Result<ExitCode, Failure> {
    let clock = std::time::Instant::now();
    let config = load_config(args.config.as_deref())?;
    // The verdicts of the previous run, read before anything else: a bad file stops the run
    // before it costs anything.
    let own = args.input.out.join("reviews.csv");
    let reviews_file = args
        .reviews
        .clone()
        .or_else(|| own.is_file().then(|| own.clone()));
    let previous = match &reviews_file {
        Some(path) => crate::reviews::read(path)?,
        None => Vec::new(),
    };
    if args.reviews.is_some() && own.is_file() {
        // The output folder's reviews.csv is replaced: refuse if it holds verdicts the file
        // given lacks.
        let lost = crate::reviews::not_in(&crate::reviews::read(&own)?, &previous);
        if lost > 0 {
            return Err(Failure::Usage(anyhow::anyhow!(
                "{} holds {lost} reviewed flag(s) that {} does not: the run would replace \
                 them; give that file as --reviews, or move it away",
                own.display(),
                reviews_file.as_deref().unwrap_or(&own).display()
            )));
        }
    }
    // The previous run's results, read before the run (and before its folder is written, when
    // it is the output folder).
    let previous_run = args
        .previous
        .as_deref()
        .map(crate::changes::Previous::read)
        .transpose()
        .map_err(|error| Failure::Usage(error.into()))?;
    let verdicts = crate::reviews::Verdicts::new(previous);
    let run = run_inputs(&args.input.inputs, &config, &verdicts, quiet)?;
    // The CSV files' sentences in the language asked for (the values are the same).
    let language = args.report_options.language.language();
    let run = run.in_language(&language, &config)?;
    let run = match &previous_run {
        Some(previous_run) => Cow::Owned(run.into_owned().with_changes(previous_run, language)?),
        None => run,
    };
    let tally = crate::reviews::Tally::of(&run.scored.reviews);
    if let Some(path) = &reviews_file {
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
    let mut staging = Staging::new(&args.input.out)?;
    run.stage(&config, &mut staging)?;
    staging.commit()?;
    args.report_options
        .write(&run, &config, args.report.as_deref())?;
    tracing::debug!(
        elapsed_ms = clock.elapsed().as_millis() as u64,
        cpu_ms = crate::memory::cpu_time_ms(),
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

pub(super) fn report_command(
    inputs: &[String],
    config: Option<&Path>,
    out: &Path,
    report: &ReportArgs,
    quiet: bool,
) -> Result<ExitCode, Failure> {
    let config = load_config(config)?;
    let run = run_inputs(inputs, &config, &Default::default(), quiet)?;
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
    let verdicts = crate::reviews::Verdicts::new(match reviews {
        Some(path) => crate::reviews::read(path)?,
        None => Vec::new(),
    });
    let run = run_inputs(inputs, &config, &verdicts, quiet)?;
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
