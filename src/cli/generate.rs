//! `generate`: synthetic data with planted schemes.

use std::path::Path;
use std::process::ExitCode;

use super::{Failure, GenerateArgs};

pub(super) fn generate(args: &GenerateArgs, quiet: bool) -> Result<ExitCode, Failure> {
    use std::io::Write;
    let world = crate::synthetic::WorldSettings::named(&args.world)
        .ok_or_else(|| Failure::Usage(anyhow::anyhow!("unknown world {}", args.world)))?;
    let mut truth = args
        .truth
        .as_deref()
        .map(crate::output::OutputFile::create)
        .transpose()?;
    let mut sink = std::io::sink();
    let truth_writer: &mut dyn Write = match truth.as_mut() {
        Some(file) => &mut file.writer,
        None => &mut sink,
    };
    let planted = match args.out.as_deref().filter(|path| *path != Path::new("-")) {
        Some(path) => {
            let mut out = crate::output::OutputFile::create(path)?;
            let planted = crate::synthetic::write_world_with_truth(
                &mut out.writer,
                truth_writer,
                world,
                args.processes,
                args.seed,
            )
            .map_err(|error| anyhow::anyhow!("cannot write {}: {error}", path.display()))?;
            out.commit()?;
            planted
        }
        None => {
            let mut out = std::io::BufWriter::with_capacity(1 << 20, std::io::stdout().lock());
            let written = crate::synthetic::write_world_with_truth(
                &mut out,
                truth_writer,
                world,
                args.processes,
                args.seed,
            )
            .and_then(|planted| out.flush().map(|()| planted));
            match written {
                Ok(planted) => planted,
                // A reader that stopped early (`| head`) is not a failure.
                Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => {
                    return Ok(ExitCode::SUCCESS);
                }
                Err(error) => return Err(Failure::Run(error.into())),
            }
        }
    };
    if let Some(truth) = truth {
        truth.commit()?;
    }
    if !quiet {
        let schemes = crate::synthetic::SCHEMES
            .iter()
            .zip(planted.counts)
            .map(|(scheme, count)| format!("{} {count}", scheme.slug))
            .collect::<Vec<_>>()
            .join(", ");
        eprintln!(
            "{} contracting processes of the {} world written, {} with planted schemes ({schemes})",
            planted.processes, world.name, planted.with_schemes
        );
    }
    Ok(ExitCode::SUCCESS)
}
