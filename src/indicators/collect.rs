//! Collecting the indicators' plans: in batches, in two phases.

use polars::prelude::*;

use super::{Batch, Outcome, Plan, ProcessRows, Step};

/// Collects the plans of several indicators into their outcomes (in the order of the plans);
/// `batches` gives each plan's [`Batch`] (a plan without one is in [`Batch::Other`]).
///
/// In the first phase each batch is one `collect_all` of its lazy outcomes and its staged
/// plans' inputs, so that the cached derived tables they read (see [`crate::domain::Tables`])
/// are computed once for the batch; the batches run one after another, so that only one
/// batch's cached tables are held at a time. The staged plans' steps then run on their inputs,
/// and a second `collect_all` takes the outcomes they make. Each collection is logged at debug
/// level with its time and memory; at trace level each batch's optimized plan is logged too
/// (as [`explain`] gives it).
pub fn collect(plans: Vec<Plan>, batches: &[Batch]) -> PolarsResult<Vec<Outcome>> {
    let batch_of = |index: usize| batches.get(index).copied().unwrap_or(Batch::Other);
    let mut order: Vec<Batch> = (0..plans.len()).map(batch_of).collect();
    order.sort();
    order.dedup();
    // Each first-phase query's batch, in the order of the queries.
    let of_query: Vec<Batch> = plans
        .iter()
        .enumerate()
        .flat_map(|(index, plan)| std::iter::repeat_n(batch_of(index), queries_of(plan)))
        .collect();
    let mut queries: Vec<Option<DslPlan>> = first_phase(&plans).into_iter().map(Some).collect();
    enum Pending {
        Collected(Vec<(String, f64)>),
        Staged(usize, Step),
    }
    let pending: Vec<Pending> = plans
        .into_iter()
        .map(|plan| match plan {
            Plan::Lazy(outcome) => Pending::Collected(outcome.meta),
            Plan::Staged { inputs, then } => Pending::Staged(inputs.len(), then),
        })
        .collect();
    let mut collected: Vec<Option<DataFrame>> = (0..queries.len()).map(|_| None).collect();
    for batch in order {
        let indexes: Vec<usize> = (0..of_query.len())
            .filter(|index| of_query[*index] == batch)
            .collect();
        let batch_queries: Vec<DslPlan> = indexes
            .iter()
            .filter_map(|index| queries[*index].take())
            .collect();
        if tracing::enabled!(tracing::Level::TRACE) {
            let plan = LazyFrame::explain_all(batch_queries.clone(), OptFlags::default())?;
            tracing::trace!(?batch, %plan, "the indicators' first phase, optimized");
        }
        let results = collect_phase("first", Some(batch), batch_queries)?;
        for (index, result) in indexes.into_iter().zip(results) {
            collected[index] = Some(result);
        }
        // The batch's cached tables are gone: their pages go back before the next batch's.
        crate::memory::release_freed();
    }
    let mut results = collected
        .into_iter()
        .map(|result| result.ok_or_else(|| polars_err!(ComputeError: "a query was not collected")))
        .collect::<PolarsResult<Vec<_>>>()?
        .into_iter();
    let mut outcomes = Vec::with_capacity(pending.len());
    let mut staged = Vec::new();
    let mut queries = Vec::new();
    for (index, pending) in pending.into_iter().enumerate() {
        match pending {
            Pending::Collected(meta) => outcomes.push(Some(next_outcome(&mut results, meta)?)),
            Pending::Staged(count, then) => {
                let inputs = (0..count)
                    .map(|_| next_result(&mut results))
                    .collect::<PolarsResult<_>>()?;
                let outcome = then(inputs)?;
                queries.extend(outcome_queries(outcome.processes, outcome.organizations));
                staged.push((index, outcome.meta));
                outcomes.push(None);
            }
        }
    }
    let mut results = collect_phase("second", None, queries)?.into_iter();
    for (index, meta) in staged {
        outcomes[index] = Some(next_outcome(&mut results, meta)?);
    }
    // The outcomes are small, but made among the phases' working tables: their allocations
    // are scattered over pages that would otherwise go back to the system, and some of their
    // columns share buffers with larger tables. Copied into buffers of their own, they let
    // those pages go (resident memory after the indicators at 300,000 processes: 1,121 -> 898
    // MB, for 80 ms), for the rest of the run.
    let outcomes = outcomes
        .into_iter()
        .flatten()
        .map(|outcome| {
            Ok(Outcome {
                processes: compacted(&outcome.processes)?,
                evidence: compacted(&outcome.evidence)?,
                organizations: compacted(&outcome.organizations)?,
                meta: outcome.meta,
            })
        })
        .collect::<PolarsResult<Vec<_>>>()?;
    crate::memory::release_freed();
    Ok(outcomes)
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
    })
}

/// The optimized plan of the first phase of [`collect`] for these plans collected in one batch,
/// as text: the queries one after the other (`PLAN 0:`, ...), a cached subplan as
/// `CACHE[id: ...]` under each query that reads it, with its own plan under the first only.
pub fn explain(plans: &[Plan]) -> PolarsResult<String> {
    LazyFrame::explain_all(first_phase(plans), OptFlags::default())
}

/// How many queries `plan` has in the first phase of [`collect`].
fn queries_of(plan: &Plan) -> usize {
    match plan {
        Plan::Lazy(_) => 3,
        Plan::Staged { inputs, .. } => inputs.len(),
    }
}

/// The queries of the first phase of [`collect`]: each lazy outcome's three tables and each
/// staged plan's inputs, in the order of the plans.
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

/// One `collect_all` of [`collect`], logged.
fn collect_phase(
    phase: &str,
    batch: Option<Batch>,
    queries: Vec<DslPlan>,
) -> PolarsResult<Vec<DataFrame>> {
    let clock = std::time::Instant::now();
    let count = queries.len();
    let results = LazyFrame::collect_all_with_engine(queries, Engine::Auto, OptFlags::default())?;
    tracing::debug!(
        phase,
        batch = batch.map(|batch| format!("{batch:?}")),
        queries = count,
        took_ms = clock.elapsed().as_millis() as u64,
        cpu_ms = crate::memory::cpu_time_ms(),
        peak_mib = crate::memory::stage_peak_mib(),
        resident_mib = crate::memory::resident_memory_mib(),
        "indicators collected"
    );
    Ok(results)
}
