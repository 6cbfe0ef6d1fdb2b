//! Collecting the indicators' plans: batch after batch, each batch's shared tables computed
//! first, then each indicator on its own; on a large input, the indicators that can be
//! collected on parts of the processes part by part.

use polars::prelude::*;

use super::{Batch, InParts, LazyOutcome, Outcome, Plan, ProcessRows};
use crate::domain::Tables;

/// One indicator to collect: its name and batch, and how to plan it over a set of tables.
pub struct Planned<'a> {
    /// The indicator's slug, for the log.
    pub slug: &'static str,
    /// Its batch (see [`Batch`]).
    pub batch: Batch,
    /// Whether it may be collected on parts of the processes (see [`InParts`]).
    pub in_parts: InParts,
    /// Its plan over the tables it is given (the whole tables, or each part's).
    pub plan: Planner<'a>,
}

/// How an indicator is planned over a set of tables.
pub type Planner<'a> = Box<dyn Fn(&Tables) -> anyhow::Result<Plan> + Send + Sync + 'a>;

impl<'a> Planned<'a> {
    /// `indicator` with `settings`, in its batch; a planning error names the indicator.
    pub fn of<I: super::Indicator + ?Sized>(
        indicator: &'a I,
        settings: &'a toml::Table,
    ) -> Planned<'a> {
        let metadata = indicator.metadata();
        Planned {
            slug: metadata.slug,
            batch: metadata.batch,
            in_parts: metadata.in_parts,
            plan: Box::new(move |tables: &Tables| {
                indicator
                    .plan(tables, settings)
                    .map_err(|error| error.context(format!("indicator {}", metadata.slug)))
            }),
        }
    }
}

/// Collects several indicators into their outcomes (in the order given), batch after batch.
///
/// For each batch, the derived tables its indicators share (see [`Batch::computed_ahead`])
/// are computed first, in one collection; then each indicator of the batch is planned over
/// the tables with those computed and collected on its own: its queries in one `collect_all`
/// (so that its own cached tables are made once), and, for a staged plan, its step and then
/// its outcome's queries. So the shared tables are made once per batch, and only the working
/// tables of the one or two indicators being collected (see [`SIDE_BY_SIDE_BELOW_MIB`]) are
/// held at a time. (Collected as one `collect_all` per
/// batch, every cached table of every query of the batch was held until its last query
/// ended: at 1,000,000 generated processes the bids batch peaked at 2.49 GB.) The shared
/// tables are dropped before the next batch. On more than one and a half times
/// [`PART_PROCESSES`] processes, the shared tables made of each process's rows alone and the
/// indicators that may be (see [`InParts`]) are collected on parts of about
/// [`PART_PROCESSES`] processes, part by part, and put together: the same outcomes, from
/// working tables that fit in the processor's caches. Each batch is logged at debug level
/// with its time and memory; at trace level each indicator's optimized plan is logged too (as
/// [`explain`] gives it).
pub fn collect(tables: &Tables, planned: Vec<Planned<'_>>) -> anyhow::Result<Vec<Outcome>> {
    collect_with(tables, planned, false, PART_PROCESSES)
}

/// [`collect`], the per-process indicators collected on parts of about `part` processes each
/// (see [`PART_PROCESSES`]): the same outcomes, whatever the parts.
pub fn collect_in_parts(
    tables: &Tables,
    planned: Vec<Planned<'_>>,
    part: usize,
) -> anyhow::Result<Vec<Outcome>> {
    collect_with(tables, planned, false, part)
}

/// [`collect`], each outcome cut to its flagged processes as soon as it is collected (see
/// [`Outcome::keep_flagged_only`]): so the outcomes of the batches before do not hold their
/// unflagged rows while a batch runs, nor the score after them.
pub fn collect_flagged_only(
    tables: &Tables,
    planned: Vec<Planned<'_>>,
) -> anyhow::Result<Vec<Outcome>> {
    collect_with(tables, planned, true, PART_PROCESSES)
}

/// About how many processes the indicators that may be collected in parts (see [`InParts`])
/// are collected on at a time. The working tables of a query over 100,000 generated
/// processes fit in the processor's last-level cache (about 57 MB of frames); over 1,000,000
/// they do not, and every hash table, join and gather costs more per row: each of these
/// indicators took 13-20 times as long at 1,000,000 as at 100,000 collected whole.
pub const PART_PROCESSES: usize = 100_000;

/// The ranges of process keys of the parts of `height` processes, about `part` each; one part
/// (no cut) below one and a half times `part`.
fn parts(height: usize, part: usize) -> Vec<std::ops::Range<u32>> {
    let count = ((height + part / 2) / part.max(1)).max(1);
    let bound = |index: usize| (index * height).div_ceil(count) as u32;
    (0..count)
        .map(|index| bound(index)..bound(index + 1))
        .collect()
}

/// The growth of resident memory, in MiB, after which the freed memory of the indicators
/// collected goes back to the system (see [`crate::memory::Releases`]).
const RELEASE_STEP_MIB: u64 = 64;

/// The resident memory, in MiB, below which a batch's work (its indicators collected whole,
/// and its parts, see [`collect`]) is taken by two threads, job after job, above which by one.
/// Polars runs the steps of a query in parallel, but not the planning and the steps it cannot
/// divide: one indicator at a time left 20% of the two cores idle at 100,000 generated
/// processes. Two at a time, the indicators took 1,176-1,207 -> 1,086-1,136 ms at 100,000
/// (three alternate pairs, their batches starting at 280-440 MiB). At 1,000,000, whose
/// batches start at 1.0-1.5 GiB, two at a time once took the bids batch's peak to
/// 1,855,344-2,046,988 KiB (the target is 2 GB), when all its indicators were collected whole;
/// with its per-process indicators collected in parts, two threads peak at 1,504 MiB in the
/// indicators (the run's peak, 1,745 MiB, is in the profiles) and the indicators' stage took
/// 23.3 -> 21.2 s. At 5,000,000 the batches start above 4 GiB: one thread.
const SIDE_BY_SIDE_BELOW_MIB: u64 = 1536;

fn collect_with(
    tables: &Tables,
    planned: Vec<Planned<'_>>,
    flagged_only: bool,
    part: usize,
) -> anyhow::Result<Vec<Outcome>> {
    let height = tables.height();
    let parts = parts(height, part);
    let mut order: Vec<Batch> = planned.iter().map(|planned| planned.batch).collect();
    order.sort();
    order.dedup();
    let mut outcomes: Vec<Option<Outcome>> = (0..planned.len()).map(|_| None).collect();
    let mut planned: Vec<Option<Planned>> = planned.into_iter().map(Some).collect();
    for batch in order {
        let clock = std::time::Instant::now();
        let computed = tables.with_computed(batch.computed_ahead(), &parts)?;
        tracing::trace!(
            ?batch,
            took_ms = clock.elapsed().as_millis() as u64,
            "the batch's shared tables computed ahead"
        );
        // The batch's per-process indicators, collected part by part when there are several.
        let in_parts: Vec<(usize, Planned)> = planned
            .iter_mut()
            .enumerate()
            .filter_map(|(index, slot)| {
                slot.take_if(|planned| {
                    planned.batch == batch && planned.in_parts != InParts::Whole && parts.len() > 1
                })
                .map(|planned| (index, planned))
            })
            .collect();
        let count = in_parts.len();
        // The batch's work: each other indicator, planned over the tables with the shared
        // ones computed and collected whole; then the parts, on each of which every indicator
        // collected in parts is collected.
        let mut jobs = Vec::new();
        for (index, slot) in planned.iter_mut().enumerate() {
            let Some(Planned { slug, plan, .. }) = slot.take_if(|planned| planned.batch == batch)
            else {
                continue;
            };
            let plan = plan(&computed)?;
            log_plan(slug, &plan)?;
            jobs.push(Job::Whole(index, slug, plan));
        }
        let count = count + jobs.len();
        if !in_parts.is_empty() {
            jobs.extend((0..parts.len()).map(Job::Part));
        }
        // Two threads take the jobs one by one while the process is small enough (see
        // [`SIDE_BY_SIDE_BELOW_MIB`]): one job's serial steps leave a core to the other's.
        let side_by_side =
            jobs.len() > 1 && crate::memory::resident_below_mib(SIDE_BY_SIDE_BELOW_MIB);
        let queue = std::sync::Mutex::new(jobs.into_iter());
        let next = || {
            queue
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .next()
        };
        let work = || collect_jobs(next, &computed, &in_parts, &parts, flagged_only);
        let (done, batch_peak) = std::thread::scope(|scope| {
            let other = side_by_side.then(|| scope.spawn(work));
            let mine = work();
            let other = other.map(|other| {
                other
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            });
            let (mut done, mut batch_peak) = mine?;
            if let Some(other) = other {
                let (other, other_peak) = other?;
                done.extend(other);
                batch_peak = batch_peak.max(other_peak);
            }
            anyhow::Ok((done, batch_peak))
        })?;
        let mut pieces: Vec<Vec<(Collected, std::time::Duration)>> =
            parts.iter().map(|_| Vec::new()).collect();
        for done in done {
            match done {
                Done::Whole(index, outcome) => outcomes[index] = Some(outcome),
                Done::Part(part, collected) => pieces[part] = collected,
            }
        }
        if !in_parts.is_empty() {
            for (index, outcome) in in_parts_outcomes(&computed, in_parts, pieces, flagged_only)? {
                outcomes[index] = Some(outcome);
            }
        }
        drop(computed);
        tracing::debug!(
            batch = format!("{batch:?}"),
            indicators = count,
            took_ms = clock.elapsed().as_millis() as u64,
            cpu_ms = crate::memory::cpu_time_ms(),
            kernel_ms = crate::memory::kernel_time_ms(),
            faults = crate::memory::minor_faults(),
            peak_mib = crate::memory::stage_peak_mib().map(|peak| peak.max(batch_peak)),
            resident_mib = crate::memory::resident_memory_mib(),
            "indicators collected"
        );
        // The batch's tables are gone: their pages go back before the next batch's.
        crate::memory::release_freed();
    }
    // The outcomes are small, but made among the working tables: their allocations are
    // scattered over pages that would otherwise go back to the system, and some of their
    // columns share buffers with larger tables. Copied into buffers of their own, they let
    // those pages go (resident memory after the indicators at 300,000 processes: 1,121 -> 898
    // MB, for 80 ms), for the rest of the run.
    let outcomes = outcomes
        .into_iter()
        .map(|outcome| {
            let outcome = outcome
                .ok_or_else(|| polars_err!(ComputeError: "an indicator was not collected"))?;
            Ok(Outcome {
                processes: compacted(&outcome.processes)?,
                evidence: compacted(&outcome.evidence)?,
                organizations: compacted(&outcome.organizations)?,
                meta: outcome.meta,
                assessed: outcome.assessed,
            })
        })
        .collect::<PolarsResult<Vec<_>>>()?;
    crate::memory::release_freed();
    Ok(outcomes)
}

/// A piece of a batch's work for one thread.
enum Job {
    /// An indicator (by its place among the outcomes) collected whole.
    Whole(usize, &'static str, Plan),
    /// Every indicator of the batch collected in parts, on one part (by its place).
    Part(usize),
}

/// A piece of work done.
enum Done {
    /// An indicator's outcome, with its place among the outcomes.
    Whole(usize, Outcome),
    /// What each indicator collected in parts collected on one part (by its place), in the
    /// order of the indicators, with the time it took.
    Part(usize, Vec<(Collected, std::time::Duration)>),
}

/// Does the jobs that `next` gives, one after the other until it gives none: an indicator
/// collected whole, or every indicator collected in parts (`in_parts`) on one of the `parts`
/// of `tables`. Returns what was done, and at trace level the largest of the peaks after each
/// indicator collected whole.
fn collect_jobs(
    next: impl Fn() -> Option<Job>,
    tables: &Tables,
    in_parts: &[(usize, Planned<'_>)],
    parts: &[std::ops::Range<u32>],
    flagged_only: bool,
) -> anyhow::Result<(Vec<Done>, u64)> {
    let height = tables.height();
    let mut batch_peak = 0;
    let mut releases = crate::memory::Releases::new(RELEASE_STEP_MIB);
    let mut done = Vec::new();
    while let Some(job) = next() {
        let started = std::time::Instant::now();
        match job {
            Job::Whole(index, slug, plan) => {
                let collected = kept(collect_one(plan)?, flagged_only, height)?;
                done.push(Done::Whole(index, collected));
                if tracing::enabled!(tracing::Level::TRACE) {
                    let peak = crate::memory::stage_peak_mib();
                    batch_peak = batch_peak.max(peak.unwrap_or_default());
                    tracing::trace!(
                        indicator = slug,
                        took_ms = started.elapsed().as_millis() as u64,
                        peak_mib = peak,
                        resident_mib = crate::memory::resident_memory_mib(),
                        "indicator collected"
                    );
                }
            }
            Job::Part(part) => {
                let collected = collect_part(tables, in_parts, parts[part].clone(), flagged_only)?;
                done.push(Done::Part(part, collected));
            }
        }
        // Its working tables are gone: in a large run (see [`crate::memory::Releases`]), their
        // pages go back before the next job's, when they were large.
        releases.release_if_grown();
    }
    Ok((done, batch_peak))
}

/// Every indicator of `members` collected on the part of `tables` whose process keys are
/// `keys`, one after the other (so that the part's rows stay in the caches): for an indicator
/// whose outcome is per process ([`InParts::Outcome`]) its outcome, for one whose inputs are
/// ([`InParts::Inputs`]) its inputs; each with the time it took.
fn collect_part(
    tables: &Tables,
    members: &[(usize, Planned<'_>)],
    keys: std::ops::Range<u32>,
    flagged_only: bool,
) -> anyhow::Result<Vec<(Collected, std::time::Duration)>> {
    let height = tables.height();
    let cut = tables.cut(keys.clone())?.with_ocids_read()?;
    members
        .iter()
        .map(|(_, planned)| {
            let started = std::time::Instant::now();
            let plan = (planned.plan)(&cut)?;
            if keys.start == 0 {
                // The first part's plan stands for the others'.
                log_plan(planned.slug, &plan)?;
            }
            let collected = match (planned.in_parts, plan) {
                (InParts::Inputs, Plan::Staged { inputs, .. }) => {
                    Collected::Inputs(collected_inputs(inputs)?)
                }
                (_, plan) => Collected::Outcome(kept(collect_one(plan)?, flagged_only, height)?),
            };
            Ok((collected, started.elapsed()))
        })
        .collect()
}

/// The outcomes (each with its place among the outcomes) of the indicators collected in
/// parts, from what each collected on each part (`pieces`, in the order of the parts): an
/// indicator whose outcome is per process has its outcomes of the parts put together (see
/// [`joined`]); one whose inputs are has its inputs of the parts put together, its step run
/// on them, and its outcome collected.
fn in_parts_outcomes(
    tables: &Tables,
    members: Vec<(usize, Planned<'_>)>,
    pieces: Vec<Vec<(Collected, std::time::Duration)>>,
    flagged_only: bool,
) -> anyhow::Result<Vec<(usize, Outcome)>> {
    let parts = pieces.len();
    let mut collected: Vec<Vec<Collected>> = members.iter().map(|_| Vec::new()).collect();
    let mut took = vec![std::time::Duration::ZERO; members.len()];
    for piece in pieces {
        anyhow::ensure!(
            piece.len() == members.len(),
            "a part of the processes was not collected"
        );
        for ((collected, took), (piece, time)) in
            collected.iter_mut().zip(took.iter_mut()).zip(piece)
        {
            collected.push(piece);
            *took += time;
        }
    }
    members
        .into_iter()
        .zip(collected.into_iter().zip(took))
        .map(|((index, planned), (collected, took))| {
            let started = std::time::Instant::now();
            let outcome = whole_outcome(tables, &planned, collected, flagged_only)
                .map_err(|error| error.context(planned.slug))?;
            tracing::trace!(
                indicator = planned.slug,
                parts,
                took_ms = (took + started.elapsed()).as_millis() as u64,
                "indicator collected"
            );
            Ok((index, outcome))
        })
        .collect()
}

/// What an indicator collected in parts collected on one part.
enum Collected {
    /// Its outcome on the part.
    Outcome(Outcome),
    /// Its staged plan's inputs on the part.
    Inputs(Vec<DataFrame>),
}

/// The inputs of a staged plan, collected (in one collection).
fn collected_inputs(inputs: Vec<LazyFrame>) -> PolarsResult<Vec<DataFrame>> {
    LazyFrame::collect_all_with_engine(
        inputs.into_iter().map(|input| input.logical_plan).collect(),
        Engine::Auto,
        OptFlags::default(),
    )
}

/// An indicator's outcome from what it collected on each part: the parts' outcomes put
/// together, or its step (planned over all the processes) run on the parts' inputs put
/// together and its outcome collected.
fn whole_outcome(
    tables: &Tables,
    planned: &Planned<'_>,
    collected: Vec<Collected>,
    flagged_only: bool,
) -> anyhow::Result<Outcome> {
    let mut outcomes = Vec::new();
    let mut inputs: Vec<Vec<DataFrame>> = Vec::new();
    for part in collected {
        match part {
            Collected::Outcome(outcome) => outcomes.push(outcome),
            Collected::Inputs(part) => {
                if inputs.is_empty() {
                    inputs = part.into_iter().map(|input| vec![input]).collect();
                } else {
                    for (pieces, piece) in inputs.iter_mut().zip(part) {
                        pieces.push(piece);
                    }
                }
            }
        }
    }
    if inputs.is_empty() {
        return Ok(joined(outcomes)?);
    }
    let Plan::Staged { then, .. } = (planned.plan)(tables)? else {
        anyhow::bail!("its inputs were collected in parts, but its plan is not staged");
    };
    let inputs = inputs
        .into_iter()
        .map(crate::domain::stacked)
        .collect::<PolarsResult<Vec<_>>>()?;
    Ok(kept(
        collected_outcome(then(inputs)?)?,
        flagged_only,
        tables.height(),
    )?)
}

/// `outcome`, cut to its flagged processes among `height` when `flagged_only` says so (see
/// [`Outcome::keep_flagged_only`]).
fn kept(mut outcome: Outcome, flagged_only: bool, height: usize) -> PolarsResult<Outcome> {
    if flagged_only {
        outcome.keep_flagged_only(height)?;
    }
    Ok(outcome)
}

/// One outcome from an indicator's outcomes on parts of the processes, in key order: their
/// process rows and evidence one after the other (each part's in process order), the
/// processes they assessed together, and their organization rows (those of
/// [`super::support::organizations_from`]) put together by organization as that function
/// makes them from every process at once.
fn joined(parts: Vec<Outcome>) -> PolarsResult<Outcome> {
    let mut parts = parts.into_iter();
    let mut whole = parts
        .next()
        .ok_or_else(|| polars_err!(ComputeError: "no part of an outcome"))?;
    let mut organizations = vec![std::mem::take(&mut whole.organizations)];
    for part in parts {
        polars_ensure!(
            format!("{:?}", part.meta) == format!("{:?}", whole.meta),
            ComputeError: "the parts of a per-process indicator's outcome have different statistics"
        );
        whole.processes.vstack_mut_owned(part.processes)?;
        whole.evidence.vstack_mut_owned(part.evidence)?;
        whole.assessed = match (whole.assessed.take(), part.assessed) {
            (Some(whole), Some(part)) => Some(whole.or(&part)),
            (None, None) => None,
            _ => polars_bail!(ComputeError: "parts of an outcome cut differently"),
        };
        organizations.push(part.organizations);
    }
    whole.organizations = joined_organizations(organizations)?;
    Ok(whole)
}

/// The organization rows of the parts of an outcome (each as
/// [`super::support::organizations_from`] makes them, or none) as that function makes them
/// from every part at once: one row per organization, sorted by role and id, its processes
/// and its first examples in process order (the parts' order), its counts summed.
fn joined_organizations(parts: Vec<DataFrame>) -> PolarsResult<DataFrame> {
    use super::{ORGANIZATION_ID, PROCESSES, ROLE, VALUE};
    let first = parts.first().cloned().unwrap_or_default();
    let mut parts: Vec<DataFrame> = parts.into_iter().filter(|part| part.height() > 0).collect();
    if parts.len() < 2 {
        // None or one part with rows: as they are (the first part's, empty, for none).
        return Ok(parts.pop().unwrap_or(first));
    }
    let expected = [ROLE, ORGANIZATION_ID, VALUE, PROCESSES, "count", "examples"];
    let columns: Vec<&str> = parts[0]
        .get_column_names()
        .iter()
        .map(|name| name.as_str())
        .collect();
    polars_ensure!(
        columns == expected,
        ComputeError: "the organization rows of a per-process indicator are not those of organizations_from: {columns:?}"
    );
    let count_type = parts[0].column("count")?.dtype().clone();
    let flat = ExplodeOptions {
        empty_as_null: false,
        keep_nulls: false,
    };
    crate::domain::stacked(parts)?
        .lazy()
        .group_by_stable([col(ROLE), col(ORGANIZATION_ID)])
        .agg([
            col(VALUE).sum(),
            col(PROCESSES).explode(flat),
            col("count").sum().cast(count_type),
            col("examples").explode(flat).head(Some(5)),
        ])
        .sort(
            [ROLE, ORGANIZATION_ID],
            SortMultipleOptions::default().with_maintain_order(true),
        )
        .collect()
}

/// At trace level, an indicator's optimized plan (as [`explain`] gives it); with [`PROFILE`]
/// naming it, its slowest steps (see [`log_profile`]).
fn log_plan(slug: &str, plan: &Plan) -> PolarsResult<()> {
    if tracing::enabled!(tracing::Level::TRACE) {
        let plan = explain(std::slice::from_ref(plan))?;
        tracing::trace!(indicator = slug, %plan, "the indicator's plan, optimized");
    }
    log_profile(slug, plan)
}

/// One indicator's outcome from its plan: its queries collected together, and for a staged
/// plan its step run on them and the step's outcome collected.
fn collect_one(plan: Plan) -> PolarsResult<Outcome> {
    let outcome = match plan {
        Plan::Lazy(outcome) => *outcome,
        Plan::Staged { inputs, then } => then(collected_inputs(inputs)?)?,
    };
    collected_outcome(outcome)
}

/// An outcome's queries collected together.
fn collected_outcome(outcome: LazyOutcome) -> PolarsResult<Outcome> {
    let queries = Vec::from(outcome_queries(outcome.processes, outcome.organizations));
    let results = LazyFrame::collect_all_with_engine(queries, Engine::Auto, OptFlags::default())?;
    next_outcome(&mut results.into_iter(), outcome.meta)
}

/// A copy of `table` in new buffers of its own size: texts rebuilt (numbered texts as plain
/// texts: the outcomes leave the frames' numbering), other columns gathered.
fn compacted(table: &DataFrame) -> PolarsResult<DataFrame> {
    let all = IdxCa::from_vec("".into(), (0..table.height() as IdxSize).collect());
    let columns = table
        .columns()
        .iter()
        .map(|column| {
            let series = column.as_materialized_series();
            let copied = match series.dtype() {
                DataType::String | DataType::Categorical(..) => crate::frames::as_text(column)?
                    .iter()
                    .collect::<StringChunked>()
                    .with_name(series.name().clone())
                    .into_series(),
                _ => series.take(&all)?,
            };
            Ok(Column::from(copied))
        })
        .collect::<PolarsResult<Vec<_>>>()?;
    DataFrame::new(table.height(), columns)
}

/// The next result of a phase.
fn next_result(results: &mut impl Iterator<Item = DataFrame>) -> PolarsResult<DataFrame> {
    results
        .next()
        .ok_or_else(|| polars_err!(ComputeError: "a query's result is missing"))
}

/// The queries of an outcome's three tables, in the order [`next_outcome`] takes them.
fn outcome_queries(processes: ProcessRows, organizations: LazyFrame) -> [DslPlan; 3] {
    [
        processes.assessed.logical_plan,
        processes.evidence.logical_plan,
        organizations.logical_plan,
    ]
}

/// The outcome whose three tables are the next three results of a phase.
fn next_outcome(
    results: &mut impl Iterator<Item = DataFrame>,
    meta: Vec<(String, f64)>,
) -> PolarsResult<Outcome> {
    Ok(Outcome {
        processes: next_result(results)?,
        evidence: next_result(results)?,
        organizations: next_result(results)?,
        meta,
        assessed: None,
    })
}

/// The environment variable naming the indicator whose queries [`log_profile`] times.
pub const PROFILE: &str = "REDFLAGS_PROFILE";

/// With [`PROFILE`] naming the indicator `slug` (or `*`, every indicator collected whole), the
/// steps of each of its queries that took Polars the longest, logged (at info level) with their
/// time: to find what limits an indicator (see benches/README.md). Each query is collected
/// once more for this, on its own, so the steps the queries share are timed in each.
fn log_profile(slug: &str, plan: &Plan) -> PolarsResult<()> {
    if !std::env::var(PROFILE).is_ok_and(|named| named == slug || named == "*") {
        return Ok(());
    }
    for (query, dsl) in first_phase(std::slice::from_ref(plan))
        .into_iter()
        .enumerate()
    {
        let (_, steps) = LazyFrame::from(dsl).profile()?;
        let steps = steps
            .lazy()
            .select([col("node"), (col("end") - col("start")).alias("took_us")])
            .sort(
                ["took_us"],
                SortMultipleOptions::default().with_order_descending(true),
            )
            .limit(20)
            .collect()?;
        let took = steps.column("took_us")?.cast(&DataType::UInt64)?;
        for (step, took) in steps.column("node")?.str()?.iter().zip(took.u64()?.iter()) {
            tracing::info!(
                indicator = slug,
                query,
                step = step.unwrap_or_default(),
                took_ms = took.unwrap_or_default() / 1000,
                "profiled"
            );
        }
    }
    Ok(())
}

/// The optimized plan of the first phase of [`collect`] for these plans collected in one batch,
/// as text: the queries one after the other (`PLAN 0:`, ...), a cached subplan as
/// `CACHE[id: ...]` under each query that reads it, with its own plan under the first only.
pub fn explain(plans: &[Plan]) -> PolarsResult<String> {
    LazyFrame::explain_all(first_phase(plans), OptFlags::default())
}

/// The queries [`collect`] collects first: each lazy outcome's three tables and each staged
/// plan's inputs, in the order of the plans.
fn first_phase(plans: &[Plan]) -> Vec<DslPlan> {
    plans
        .iter()
        .flat_map(|plan| match plan {
            Plan::Lazy(outcome) => Vec::from(outcome_queries(
                outcome.processes.clone(),
                outcome.organizations.clone(),
            )),
            Plan::Staged { inputs, .. } => inputs
                .iter()
                .map(|input| input.logical_plan.clone())
                .collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_cover_every_key_once_in_order() {
        // One part, from the first key to the last.
        let one = |end: u32| vec![std::ops::Range { start: 0, end }];
        assert_eq!(parts(1000, 100_000), one(1000));
        assert_eq!(parts(149_999, 100_000), one(149_999));
        assert_eq!(parts(150_000, 100_000), [0..75_000, 75_000..150_000]);
        let cut = parts(1_000_003, 100_000);
        assert_eq!(cut.len(), 10);
        assert_eq!(cut[0].start, 0);
        assert_eq!(cut[9].end, 1_000_003);
        for (before, after) in cut.iter().zip(&cut[1..]) {
            assert_eq!(before.end, after.start);
            assert!((100_000..=100_001).contains(&(before.end - before.start)));
        }
        assert_eq!(parts(0, 100_000), one(0));
    }
}
