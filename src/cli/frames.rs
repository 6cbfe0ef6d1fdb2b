//! `frames`: the tables as Parquet.

use std::process::ExitCode;

use super::{Failure, FramesArgs, load_config, progress_bar, strict_exit, write_out};
use crate::ingest;
use crate::output::Staging;
use crate::run;

pub(super) fn frames(args: FramesArgs, quiet: bool) -> Result<ExitCode, Failure> {
    let config = load_config(args.config.as_deref())?;
    let bar = progress_bar(quiet);
    let (intake, frames) = run::load_prepared(
        &args.input.inputs,
        &config.prepare,
        &config.limits,
        crate::frames::Builder::default(),
        &mut |sources| bar.set_length(sources as u64),
        &mut |progress| bar.set_position(progress.sources_done as u64),
    )?;
    bar.finish_and_clear();
    let mut staging = Staging::new(&args.input.out)?;
    for (name, frame) in frames.self_contained().map_err(anyhow::Error::from)? {
        // Written with texts as texts, for any Parquet reader.
        let frame = crate::frames::unnumbered(frame).map_err(anyhow::Error::from)?;
        staging.parquet(&format!("{name}.parquet"), &frame)?;
    }
    staging.csv(
        "rejected.csv",
        &ingest::rejections_frame(&intake.rejected).map_err(anyhow::Error::from)?,
    )?;
    staging.commit()?;
    if !quiet {
        write_out(&format!(
            "{} contracting processes, {} inputs rejected; tables in {}\n",
            frames.processes.height(),
            intake.rejected.len(),
            args.input.out.display()
        ))?;
    }
    Ok(strict_exit(args.input.strict, intake.rejected.len()))
}
