//! The command line: `score`, `validate`, `frames`, `indicators`, `explain`, `init`,
//! `cardinal`, `check`, `coverage`, `prepare`.
//!
//! Exit codes: 0 done; 1 the run failed (or, with `--strict`, some input was rejected);
//! 2 a usage or settings error (a wrong option, a missing input path, a bad settings file).

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::config::{Config, ConfigError};
use crate::ingest::IngestError;
use crate::run;

mod cardinal;
mod catalogue;
mod frames;
mod generate;
mod init;
mod quality;
mod reviews;
mod score;

/// Corruption-risk red flags and risk scores for public procurement data in the Open
/// Contracting Data Standard (OCDS).
#[derive(Debug, Parser)]
#[command(name = "redflags", version, about, max_term_width = 100)]
pub struct Cli {
    /// More detail in the log (-v: debug, -vv: trace).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    verbose: u8,
    /// Only errors in the log, and no progress bar.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    quiet: bool,
    /// Worker threads (default: one per core). Results do not depend on it.
    #[arg(long, global = true, value_name = "N")]
    threads: Option<usize>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Score every contracting process and write contracts, flags, organizations, rejected
    /// and summary files.
    Score(ScoreArgs),
    /// Write the batch report: one self-contained HTML file (and, with --xlsx, an Excel
    /// workbook), in English or Thai.
    Report {
        /// OCDS files or folders (`-` for standard input), as for `score`.
        #[arg(required = true, value_name = "INPUT")]
        inputs: Vec<String>,
        /// A settings file (TOML), as for `score`.
        #[arg(short, long, value_name = "FILE")]
        config: Option<PathBuf>,
        /// The HTML file to write.
        #[arg(short, long, value_name = "FILE")]
        out: PathBuf,
        #[command(flatten)]
        history: HistoryArgs,
        #[command(flatten)]
        report: ReportArgs,
    },
    /// Check each indicator on the data itself: its odds ratio with single bidding among
    /// competitive processes (95% confidence interval, Fisher's exact p-value), and the
    /// correlations between indicators.
    Validate {
        /// OCDS files or folders (`-` for standard input), as for `score`.
        #[arg(required = true, value_name = "INPUT")]
        inputs: Vec<String>,
        /// A settings file (TOML), as for `score`.
        #[arg(short, long, value_name = "FILE")]
        config: Option<PathBuf>,
        /// Also write validation.csv and correlations.csv into this folder.
        #[arg(short, long, value_name = "DIR")]
        out: Option<PathBuf>,
        #[command(flatten)]
        language: LanguageArgs,
        /// The analysts' reviews (a reviews.csv with verdicts): each indicator's precision,
        /// the share of its reviewed flags that were confirmed, with its 95% interval.
        #[arg(long, value_name = "FILE")]
        reviews: Option<PathBuf>,
    },
    /// Check the data before trusting its flags: coverage and unusable values of the fields
    /// the indicators read, what each indicator can assess, codes outside OCDS codelists,
    /// Buddhist Era years, unit errors, duplicates, OCDS 1.0 shapes, and the values the
    /// settings' [prepare] section corrects.
    Check {
        /// OCDS files or folders (`-` for standard input), as for `score`.
        #[arg(required = true, value_name = "INPUT")]
        inputs: Vec<String>,
        /// A settings file (TOML), as for `score`: its [prepare] corrections are listed.
        #[arg(short, long, value_name = "FILE")]
        config: Option<PathBuf>,
        /// Also write quality.csv (every finding) and quality.json (the summary) here.
        #[arg(short, long, value_name = "DIR")]
        out: Option<PathBuf>,
        #[command(flatten)]
        language: LanguageArgs,
    },
    /// Print, as JSON, how many non-empty values every path of the data holds (e.g.
    /// `awards/suppliers/id`), to explore a new publisher.
    Coverage {
        /// OCDS files or folders (`-` for standard input), as for `score`.
        #[arg(required = true, value_name = "INPUT")]
        inputs: Vec<String>,
        /// A settings file (TOML), as for `score`: its [limits] apply.
        #[arg(short, long, value_name = "FILE")]
        config: Option<PathBuf>,
    },
    /// Write the compiled releases corrected by the settings' [prepare] section, one JSON
    /// object per line, every field kept.
    Prepare {
        /// OCDS files or folders (`-` for standard input), as for `score`.
        #[arg(required = true, value_name = "INPUT")]
        inputs: Vec<String>,
        /// A settings file (TOML) with a [prepare] section.
        #[arg(short, long, value_name = "FILE")]
        config: Option<PathBuf>,
        /// The file to write (`-` for standard output).
        #[arg(short, long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Write the normalized tables (processes, parties, bids, awards, contracts, items) as
    /// Parquet.
    Frames(FramesArgs),
    /// List the indicators: slug, OCP code, phase, title and default settings; with
    /// `--coverage`, every code of OCP's red-flags list (R001-R073) instead: what redflags does
    /// with it and the share of the input's processes whose data it can assess.
    Indicators {
        /// Print as JSON instead of a table.
        #[arg(long)]
        json: bool,
        /// OCDS files or folders (`-` for standard input) to measure OCP's list against.
        #[arg(long, value_name = "INPUT", num_args = 1..)]
        coverage: Vec<String>,
        /// A settings file (TOML), as for `score`: its [limits] apply to `--coverage`.
        #[arg(short, long, value_name = "FILE")]
        config: Option<PathBuf>,
        #[command(flatten)]
        language: LanguageArgs,
    },
    /// Print an indicator's catalogue page (by slug or OCP code, e.g. `single_bid` or `R018`).
    Explain {
        /// The indicator's slug or code.
        indicator: String,
    },
    /// Write a commented settings file with every default (to standard output without FILE).
    Init {
        /// Where to write it.
        file: Option<PathBuf>,
        /// Replace the file if it exists.
        #[arg(long)]
        force: bool,
        /// Convert this Cardinal settings file (INI) instead of writing the defaults.
        #[arg(long, value_name = "SETTINGS_INI", conflicts_with = "preset")]
        from_cardinal: Option<PathBuf>,
        /// Write a country's preset instead of the defaults: `th` (Thailand's thresholds and
        /// method names, commented with the regulations they come from).
        #[arg(long, value_parser = ["th"])]
        preset: Option<String>,
    },
    /// Compute Cardinal's indicators and print Cardinal's JSON (OCID, Buyer, ProcuringEntity,
    /// Tenderer and Meta groups) from Cardinal's settings file.
    Cardinal {
        /// OCDS files or folders (`-` for standard input), as for `score`.
        #[arg(required = true, value_name = "INPUT")]
        inputs: Vec<String>,
        /// Cardinal's settings file (INI), as its `init` writes it: a section per indicator to
        /// run; its `prepare` sections are accepted and not applied, as by Cardinal's
        /// `indicators` command.
        #[arg(short, long, value_name = "SETTINGS_INI")]
        settings: Option<PathBuf>,
        /// Leave out the `Meta` key (quartiles and fences).
        #[arg(long)]
        no_meta: bool,
        /// Print the number of results per group to standard error.
        #[arg(short, long)]
        count: bool,
        /// Add the `Maps` key: from processes to their tenderers, buyers and procuring
        /// entities, and to the tenderers each indicator flagged.
        #[arg(long)]
        map: bool,
    },
    /// Write synthetic OCDS data (compiled releases, one per line) with planted corruption
    /// schemes, and optionally the truth: which schemes each process carries.
    Generate(GenerateArgs),
    /// The analyst's reviews of the flags (verdicts carried from run to run by
    /// `score --reviews`).
    Reviews {
        #[command(subcommand)]
        command: ReviewsCommand,
    },
}

#[derive(Debug, Subcommand)]
enum ReviewsCommand {
    /// Read the review columns of a workbook written by `--xlsx` (the flags sheet's verdict,
    /// comment, reviewer and reviewed_at, as an analyst filled them in) into a reviews file
    /// for `score --reviews`.
    Import {
        /// The workbook (.xlsx).
        #[arg(value_name = "WORKBOOK")]
        workbook: PathBuf,
        /// The reviews file to write.
        #[arg(short, long, value_name = "FILE", default_value = "reviews.csv")]
        out: PathBuf,
        /// Replace the file even if it holds verdicts the workbook lacks.
        #[arg(long)]
        force: bool,
        /// Merge the workbook's verdicts into this reviews file instead (e.g. the run's
        /// reviews.csv, where other verdicts were written): a flag the workbook reviewed and
        /// the file did not takes the workbook's verdict; one both reviewed differently is
        /// refused, nothing written.
        #[arg(long, value_name = "FILE", conflicts_with_all = ["out", "force"])]
        into: Option<PathBuf>,
    },
}

#[derive(Debug, Args)]
struct GenerateArgs {
    /// How many contracting processes to write.
    #[arg(short, long, value_name = "N", default_value_t = 10_000)]
    processes: u64,
    /// The seed: the same world, number of processes and seed give the same bytes.
    #[arg(short, long, value_name = "S", default_value_t = 1)]
    seed: u64,
    /// The world: what clean processes look like (method mix, concentration, threshold,
    /// missing fields, benign noise); the schemes are planted at the same rates in every one.
    #[arg(short, long, value_name = "NAME", default_value = "baseline", value_parser = worlds())]
    world: String,
    /// The data file (`-` or none: standard output); gzip-compressed when it ends in `.gz`.
    #[arg(short, long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Also write the planted schemes here, one line per process that carries one, as
    /// `{"ocid": ..., "schemes": [...]}` (gzip-compressed when it ends in `.gz`).
    #[arg(long, value_name = "FILE")]
    truth: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct InputArgs {
    /// OCDS files or folders (`-` for standard input): JSON, line-delimited JSON, packages,
    /// records, gzip-compressed or not.
    #[arg(required = true, value_name = "INPUT")]
    inputs: Vec<String>,
    /// The output folder.
    #[arg(short, long, value_name = "DIR")]
    out: PathBuf,
    /// Exit with code 1 if any input was rejected (the outputs are still written).
    #[arg(long)]
    strict: bool,
}

#[derive(Debug, Args)]
struct ScoreArgs {
    #[command(flatten)]
    input: InputArgs,
    /// A settings file (TOML; `redflags init` writes one with every default).
    #[arg(short, long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Also write the HTML report to this file.
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
    #[command(flatten)]
    history: HistoryArgs,
    #[command(flatten)]
    report_options: ReportArgs,
}

/// What a run is given from earlier runs (`score` and `report`).
#[derive(Debug, Args)]
struct HistoryArgs {
    /// The analyst's reviews of a previous run (its reviews.csv, edited): each verdict is
    /// carried to the same flag (in this run's reviews.csv, flags.csv, contracts.csv, the report
    /// and the workbook). Default with `score`: the output folder's own reviews.csv, if there
    /// is one, so that a run never loses a verdict.
    #[arg(long, value_name = "FILE")]
    reviews: Option<PathBuf>,
    /// A previous run's output folder: each process and flag is marked new, unchanged,
    /// changed or cleared since that run (a `change` column in contracts.csv and flags.csv,
    /// changes.csv, summary.json, the workbook, and the report, which opens with what is new).
    /// It may be the --out folder of `score` itself.
    #[arg(long, value_name = "DIR")]
    previous: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct ReportArgs {
    /// Also write the Excel workbook to this file.
    #[arg(long, value_name = "FILE")]
    xlsx: Option<PathBuf>,
    #[command(flatten)]
    language: LanguageArgs,
    /// How many processes and organizations the report's rankings list.
    #[arg(long, default_value_t = 25, value_name = "N")]
    top: usize,
}

#[derive(Debug, Args)]
struct LanguageArgs {
    /// The language of the report and the workbook; with `score`, also of the evidence
    /// sentences of flags.csv and organizations.csv and the reasons of rejected.csv; with
    /// `check`, of its findings and headings (the values stay as published); with `validate`,
    /// of its headings.
    #[arg(long, value_enum, default_value = "en")]
    lang: crate::report::Lang,
    /// How years are written (default: the Buddhist Era for Thai, the Common Era otherwise).
    #[arg(long, value_enum)]
    calendar: Option<crate::report::Calendar>,
}

impl LanguageArgs {
    /// The language and calendar of the outputs.
    fn language(&self) -> crate::evidence::Language {
        crate::evidence::Language::new(
            self.lang,
            self.calendar.unwrap_or(self.lang.default_calendar()),
        )
    }
}

impl ReportArgs {
    /// Writes the report files asked for: the HTML to `html` if given, the workbook if asked.
    fn write(&self, run: &run::Run, config: &Config, html: Option<&Path>) -> anyhow::Result<()> {
        let options =
            crate::report::Options::new(self.language.lang, self.language.calendar, self.top);
        if let Some(path) = html {
            let page = crate::report::html(run, config, &options)?;
            crate::output::write_file(path, page.as_bytes())?;
        }
        if let Some(path) = &self.xlsx {
            crate::report::xlsx(run, config, &options, path)?;
        }
        Ok(())
    }
}

#[derive(Debug, Args)]
struct FramesArgs {
    #[command(flatten)]
    input: InputArgs,
    /// A settings file (TOML), as for `score`: its [prepare] corrections and [limits] apply.
    #[arg(short, long, value_name = "FILE")]
    config: Option<PathBuf>,
}

/// A failure, with the exit code it maps to.
enum Failure {
    Usage(anyhow::Error),
    Run(anyhow::Error),
}

impl From<anyhow::Error> for Failure {
    fn from(error: anyhow::Error) -> Self {
        // A missing input path or a bad settings file is the user's to fix: a usage error.
        if error.downcast_ref::<IngestError>().is_some()
            || error.downcast_ref::<ConfigError>().is_some()
        {
            Failure::Usage(error)
        } else {
            Failure::Run(error)
        }
    }
}

impl From<crate::reviews::ReviewsError> for Failure {
    fn from(error: crate::reviews::ReviewsError) -> Self {
        Failure::Usage(error.into())
    }
}

impl From<ConfigError> for Failure {
    fn from(error: ConfigError) -> Self {
        Failure::Usage(error.into())
    }
}

/// Parses the command line, runs the command and returns its exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.verbose, cli.quiet);
    if let Some(threads) = cli.threads.filter(|&n| n > 0) {
        // Polars reads its pool size from the environment when it first starts its pool.
        // SAFETY: nothing else runs yet; no other thread reads the environment.
        unsafe { std::env::set_var("POLARS_MAX_THREADS", threads.to_string()) };
        if let Err(error) = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build_global()
        {
            tracing::warn!("cannot set the number of threads: {error}");
        }
    }
    let quiet = cli.quiet;
    let result = match cli.command {
        Command::Score(args) => score::score(args, quiet),
        Command::Report {
            inputs,
            config,
            out,
            history,
            report,
        } => score::report_command(&inputs, config.as_deref(), &out, &history, &report, quiet),
        Command::Validate {
            inputs,
            config,
            out,
            language,
            reviews,
        } => score::validate(
            &inputs,
            config.as_deref(),
            out.as_deref(),
            language.language(),
            reviews.as_deref(),
            quiet,
        ),
        Command::Check {
            inputs,
            config,
            out,
            language,
        } => quality::check(
            &inputs,
            config.as_deref(),
            out.as_deref(),
            language.language(),
        ),
        Command::Coverage { inputs, config } => quality::coverage(&inputs, config.as_deref()),
        Command::Prepare {
            inputs,
            config,
            out,
        } => quality::prepare(&inputs, config.as_deref(), &out, quiet),
        Command::Frames(args) => frames::frames(args, quiet),
        Command::Indicators {
            json,
            coverage,
            config,
            language,
        } if !coverage.is_empty() => {
            quality::assessable(&coverage, config.as_deref(), json, language.language())
        }
        Command::Indicators { json, .. } => catalogue::list(json),
        Command::Explain { indicator } => catalogue::explain(&indicator),
        Command::Init {
            file,
            force,
            from_cardinal,
            preset,
        } => init::init(
            file.as_deref(),
            force,
            from_cardinal.as_deref(),
            preset.as_deref(),
        ),
        Command::Cardinal {
            inputs,
            settings,
            no_meta,
            count,
            map,
        } => cardinal::cardinal(&inputs, settings.as_deref(), no_meta, count, map),
        Command::Generate(args) => generate::generate(&args, quiet),
        Command::Reviews {
            command:
                ReviewsCommand::Import {
                    workbook,
                    out,
                    force,
                    into,
                },
        } => {
            let target = match &into {
                Some(path) => reviews::Target::Into(path),
                None => reviews::Target::Out { path: &out, force },
            };
            reviews::import(&workbook, target, quiet)
        }
    };
    match result {
        Ok(code) => code,
        Err(Failure::Usage(error)) => {
            eprintln!("error: {error:#}");
            ExitCode::from(2)
        }
        Err(Failure::Run(error)) => {
            eprintln!("error: {error:#}");
            ExitCode::from(1)
        }
    }
}

fn init_logging(verbose: u8, quiet: bool) {
    let level = match (quiet, verbose) {
        (true, _) => "error",
        (false, 0) => "warn",
        (false, 1) => "debug",
        (false, _) => "trace",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("REDFLAGS_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(format!("redflags={level}")));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        // Colours only on a terminal: a log file or a pipe gets plain lines.
        .with_ansi(std::io::stderr().is_terminal())
        .with_target(false)
        .without_time()
        .init();
}

/// A progress bar over the sources on standard error; hidden when standard error is not a
/// terminal or with `--quiet`.
fn progress_bar(quiet: bool) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(
        None,
        if quiet || !std::io::stderr().is_terminal() {
            ProgressDrawTarget::hidden()
        } else {
            ProgressDrawTarget::stderr()
        },
    );
    bar.set_style(
        ProgressStyle::with_template("{spinner} [{elapsed_precise}] {pos}/{len} sources {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

fn load_config(path: Option<&Path>) -> Result<Config, Failure> {
    Ok(match path {
        Some(path) => Config::load(path)?,
        None => Config::default(),
    })
}

/// Runs the pipeline with a progress bar.
fn run_inputs(
    inputs: &[String],
    config: &Config,
    keep: run::Keep,
    verdicts: &crate::reviews::Verdicts,
    quiet: bool,
) -> Result<run::Run, Failure> {
    let bar = progress_bar(quiet);
    let run = run::run_with(
        inputs,
        config,
        keep,
        verdicts,
        &mut |sources| bar.set_length(sources as u64),
        &mut |progress| {
            bar.set_position(progress.sources_done as u64);
            bar.set_message(format!(
                "{} units read, now {}",
                progress.units, progress.source
            ));
        },
    )?;
    bar.finish_and_clear();
    for warning in &run.warnings {
        tracing::warn!("{}", warning.line());
    }
    Ok(run)
}

/// Writes to standard output; a reader that stops reading (`| head`) is no error.
fn write_out(text: &str) -> Result<(), Failure> {
    use std::io::Write;
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Err(error) if error.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Failure::Run(error.into()))
        }
        _ => Ok(()),
    }
}

/// Whether an error is standard output's reader having stopped reading (`| head`).
fn closed_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|error| error.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn strict_exit(strict: bool, rejected: usize) -> ExitCode {
    if strict && rejected > 0 {
        eprintln!("error: --strict: {rejected} input(s) rejected (see rejected.csv)");
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// The names of the synthetic worlds, with their descriptions for `--help`.
fn worlds() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(
        crate::synthetic::WORLDS
            .iter()
            .map(|world| clap::builder::PossibleValue::new(world.name).help(world.description)),
    )
}
