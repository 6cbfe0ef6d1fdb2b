//! Buyer and supplier profiles: each organization's processes, their value and scores, how
//! often each indicator is raised on them, its organization-level flags and its top reasons.
//!
//! A buyer's processes are those it is the buyer of; a supplier's, those in which it supplies
//! an awarded award. Values are summed per currency, never across currencies: `value` and
//! `value_at_risk` are in `currency`, the currency of most of the organization's processes, and
//! `values_by_currency` lists every currency's total.

use std::fmt::Write as _;

use polars::prelude::*;
use polars_arrow::array::{Array, PrimitiveArray};
use rayon::prelude::*;

use crate::config::ProfileSettings;
use crate::domain::{awarded, sorted_distinct, with_process};
use crate::evidence::money;
use crate::frames::Frames;
use crate::indicators::{EVIDENCE, ORGANIZATION_ID, PROCESS, ROLE};
use crate::score::{Scored, Term};

/// The two profile tables.
#[derive(Debug, Clone)]
pub struct Profiles {
    /// One row per buyer.
    pub buyers: DataFrame,
    /// One row per supplier.
    pub suppliers: DataFrame,
}

/// Builds the profiles of a scored run.
pub fn profiles(
    frames: &Frames,
    scored: &Scored,
    settings: &ProfileSettings,
) -> PolarsResult<Profiles> {
    let buyers = frames.processes.clone().lazy().select([
        col(PROCESS),
        col("buyer_id").alias(ORGANIZATION_ID),
        col("buyer_name").alias("name"),
    ]);
    let suppliers = frames.awards.clone().lazy().filter(awarded()).select([
        col(PROCESS),
        col("supplier_id").alias(ORGANIZATION_ID),
        col("supplier_name").alias("name"),
    ]);
    let buyers = || {
        profile(
            buyers,
            "buyer",
            &["buyer"],
            scored,
            settings.minimum_buyer_processes,
        )
    };
    let suppliers = || {
        profile(
            suppliers,
            "supplier",
            &["supplier", "tenderer"],
            scored,
            settings.minimum_supplier_processes,
        )
    };
    let side_by_side = crate::memory::resident_below_mib(SIDE_BY_SIDE_BELOW_MIB);
    let (buyers, suppliers) = if side_by_side {
        let (buyers, suppliers) = rayon::join(buyers, suppliers);
        (buyers?, suppliers?)
    } else {
        let buyers = buyers()?;
        // The buyers' working tables are gone: their pages go back before the suppliers'.
        crate::memory::release_freed();
        (buyers, suppliers()?)
    };
    // And the suppliers' before the outputs.
    crate::memory::release_freed();
    Ok(Profiles { buyers, suppliers })
}

/// The resident memory, in MiB, below which the buyers' and the suppliers' profiles are made
/// side by side, above which one after the other. Much of a profile is serial (the top
/// reasons, the rows' texts): at 100,000 generated processes, which start the profiles at
/// about 590 MiB, side by side (and each term's counts on their own thread) took the stage
/// from 138-147 to 95-133 ms (four alternate runs). At 1,000,000 the run's peak is in the
/// profiles: one at a time, as before.
const SIDE_BY_SIDE_BELOW_MIB: u64 = 1024;

/// The count column of a term while profiling.
fn count_column(term: &Term) -> String {
    format!("{}__count", term.column)
}

fn profile(
    links: LazyFrame,
    role: &str,
    roles: &[&str],
    scored: &Scored,
    minimum: u32,
) -> PolarsResult<DataFrame> {
    let links = links.filter(col(ORGANIZATION_ID).is_not_null());
    let names = links
        .clone()
        .filter(col("name").is_not_null())
        .unique_stable_generic(Some(vec![col(ORGANIZATION_ID)]), UniqueKeepStrategy::First)
        .select([col(ORGANIZATION_ID), col("name")]);
    // Each (process, organization) pair once, sorted on one number (the process key and the
    // organization's number packed): at 1,000,000 generated processes a hash table of the
    // distinct pairs raised the resident memory by 177 MiB, the sort by 35. Each
    // organization's pairs keep their process order (the links are in process order), so
    // every sum below adds the same values in the same order.
    const PAIR: &str = "__pair";
    let pairs = sorted_distinct(
        links
            .select([col(PROCESS), col(ORGANIZATION_ID)])
            .with_column(with_process(col(ORGANIZATION_ID).to_physical()).alias(PAIR)),
        &[PAIR],
    )
    .drop(cols([PAIR]))
    .collect()?;
    // Each pair's process's values in `contracts`, gathered by the process's key (its row
    // there) in one pass, not joined: the pairs are in process order, so the gather reads
    // `contracts` front to back.
    let rows = pairs.column(PROCESS)?.cast(&IDX_DTYPE)?;
    let mut gathered = scored
        .contracts
        .select([
            "risk_score",
            "value_amount",
            "value_currency",
            "value_at_risk",
            "flag_count",
        ])?
        .take(rows.idx()?)?;
    gathered.hstack_mut(&[
        pairs.column(PROCESS)?.clone(),
        pairs.column(ORGANIZATION_ID)?.clone(),
    ])?;
    let processes = gathered.lazy();
    let aggregates = vec![
        col(PROCESS).count().alias("processes"),
        col("risk_score").count().alias("scored_processes"),
        col("flag_count")
            .gt(lit(0))
            .cast(DataType::UInt32)
            .sum()
            .alias("flagged_processes"),
        col("risk_score")
            .mean()
            .round(2, RoundMode::HalfAwayFromZero)
            .alias("mean_score"),
        col("risk_score").max().alias("max_score"),
    ];
    let counts = term_counts(&pairs, &scored.contracts, &scored.terms)?.lazy();
    // Per currency: processes, value and value at risk.
    let currencies = processes
        .clone()
        .filter(col("value_currency").is_not_null())
        .group_by([col(ORGANIZATION_ID), col("value_currency")])
        .agg([
            len().alias("currency_processes"),
            col("value_amount").sum().alias("value"),
            col("value_at_risk").sum().alias("value_at_risk"),
        ])
        .with_columns([
            col("value").round(2, RoundMode::HalfAwayFromZero),
            col("value_at_risk").round(2, RoundMode::HalfAwayFromZero),
        ])
        .cache();
    let main_currency = currencies
        .clone()
        .sort(
            [ORGANIZATION_ID, "currency_processes", "value_currency"],
            SortMultipleOptions::default().with_order_descending_multi([false, true, false]),
        )
        .unique_stable_generic(Some(vec![col(ORGANIZATION_ID)]), UniqueKeepStrategy::First)
        .select([
            col(ORGANIZATION_ID),
            col("value_currency").alias("currency"),
            col("value"),
            col("value_at_risk"),
        ]);
    let by_currency = currencies
        .sort(
            [ORGANIZATION_ID, "value_currency"],
            SortMultipleOptions::default(),
        )
        .group_by_stable([col(ORGANIZATION_ID)])
        .agg([money(col("value"), col("value_currency"))
            .str()
            .join("; ", true)
            .alias("values_by_currency")]);
    let flags = scored
        .organizations
        .clone()
        .lazy()
        .filter(col(ROLE).is_in(
            lit(Series::new("roles".into(), roles)).implode(false),
            false,
        ))
        .group_by_stable([col(ORGANIZATION_ID)])
        .agg([concat_str(
            [
                col("indicator"),
                lit(": "),
                col(EVIDENCE).fill_null(lit("")),
            ],
            "",
            false,
        )
        .str()
        .join("; ", true)
        .alias("organization_flags")])
        // Numbered as the frames' ids are, to join on numbers.
        .with_column(col(ORGANIZATION_ID).cast(crate::frames::numbered_type()));
    let left = |frame: LazyFrame, other: LazyFrame| {
        frame.join(
            other,
            [col(ORGANIZATION_ID)],
            [col(ORGANIZATION_ID)],
            JoinArgs::new(JoinType::Left),
        )
    };
    let no_count: Vec<Expr> = scored
        .terms
        .iter()
        .map(|term| col(count_column(term)).fill_null(lit(0u32)))
        .collect();
    let table = left(
        left(
            left(
                left(
                    left(
                        processes
                            .group_by([col(ORGANIZATION_ID)])
                            .agg(aggregates)
                            .filter(col("processes").gt_eq(lit(minimum))),
                        counts,
                    )
                    .with_columns(no_count),
                    names,
                ),
                main_currency,
            ),
            by_currency,
        ),
        flags,
    )
    .sort(
        ["mean_score", "processes", ORGANIZATION_ID],
        SortMultipleOptions::default()
            .with_order_descending_multi([true, true, false])
            .with_nulls_last(true)
            .with_maintain_order(true),
    )
    .collect()?;
    let mut table = crate::frames::unnumbered(table)?;
    let reasons = top_reasons(&table, &scored.terms)?;
    table.with_column(Column::new("top_reasons".into(), reasons))?;
    let mut order: Vec<Expr> = vec![
        col(ORGANIZATION_ID).alias(format!("{role}_id")),
        col("name").alias(format!("{role}_name")),
        col("processes"),
        col("scored_processes"),
        col("flagged_processes"),
        col("mean_score"),
        col("max_score"),
        col("currency"),
        col("value"),
        col("value_at_risk"),
        col("values_by_currency"),
        col("organization_flags"),
        col("top_reasons"),
    ];
    for term in &scored.terms {
        order.push(
            (lit(100.0) * col(count_column(term)).cast(DataType::Float64)
                / col("processes").cast(DataType::Float64))
            .round(2, RoundMode::HalfAwayFromZero)
            .alias(format!("share_{}", term.column)),
        );
    }
    let table = table.lazy().select(order).collect()?;
    Ok(table)
}

/// Per organization of `pairs` (each (process, organization) pair once), how many of its
/// processes each term is raised on (the term's value 1 in `contracts`, whose rows are the
/// process keys): one count column a term, named by [`count_column`]. Counted in one pass a
/// term over the pairs into a count per organization: a group-by of the pairs with every
/// term's column gathered beside them held each term as a column of counts a pair for a
/// moment (about 350 MiB at 1,000,000 generated processes, the run's peak).
fn term_counts(
    pairs: &DataFrame,
    contracts: &DataFrame,
    terms: &[Term],
) -> PolarsResult<DataFrame> {
    let processes = pairs.column(PROCESS)?.cast(&IDX_DTYPE)?;
    let processes: Vec<usize> = processes
        .idx()?
        .into_no_null_iter()
        .map(|process| process as usize)
        .collect();
    // Each organization's place among the organizations, in the order they are first met,
    // and the pair that met it first.
    let organizations = pairs.column(ORGANIZATION_ID)?.to_physical_repr();
    let mut place_of: std::collections::HashMap<u32, usize> = std::collections::HashMap::new();
    let mut firsts: Vec<IdxSize> = Vec::new();
    let places: Vec<usize> = organizations
        .u32()?
        .iter()
        .enumerate()
        .map(|(pair, number)| {
            *place_of
                .entry(number.unwrap_or(u32::MAX))
                .or_insert_with(|| {
                    firsts.push(pair as IdxSize);
                    firsts.len() - 1
                })
        })
        .collect();
    let ids = pairs
        .column(ORGANIZATION_ID)?
        .take(&IdxCa::from_vec(PlSmallStr::EMPTY, firsts))?;
    let height = ids.len();
    let mut columns = Vec::with_capacity(terms.len() + 1);
    columns.push(ids);
    let organizations = place_of.len();
    let counted = terms
        .par_iter()
        .map(|term| {
            let values = contracts.column(term.column.as_str())?.i8()?.rechunk();
            let empty = PrimitiveArray::<i8>::from_vec(Vec::new());
            let values = values.downcast_iter().next().unwrap_or(&empty);
            let mut counts = vec![0u32; organizations];
            for (&process, &place) in processes.iter().zip(&places) {
                if values.is_valid(process) && values.value(process) == 1 {
                    counts[place] += 1;
                }
            }
            Ok(Column::new(count_column(term).into(), counts))
        })
        .collect::<PolarsResult<Vec<_>>>()?;
    columns.extend(counted);
    DataFrame::new(height, columns)
}

/// Per organization, the three terms raised on most of its processes (ties in term order):
/// `single_bid: 12 of 40 processes (30%)`.
fn top_reasons(table: &DataFrame, terms: &[Term]) -> PolarsResult<Vec<String>> {
    let processes = table.column("processes")?.cast(&DataType::UInt32)?;
    let processes = processes.u32()?;
    let counts: Vec<Column> = terms
        .iter()
        .map(|term| table.column(&count_column(term))?.cast(&DataType::UInt32))
        .collect::<PolarsResult<_>>()?;
    let counts: Vec<&UInt32Chunked> = counts
        .iter()
        .map(|column| column.u32())
        .collect::<PolarsResult<_>>()?;
    let mut reasons = Vec::with_capacity(table.height());
    for row in 0..table.height() {
        let total = processes.get(row).unwrap_or(0);
        let mut raised: Vec<(u32, usize)> = counts
            .iter()
            .enumerate()
            .filter_map(|(position, count)| {
                count.get(row).filter(|n| *n > 0).map(|n| (n, position))
            })
            .collect();
        raised.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let mut text = String::new();
        for (n, position) in raised.into_iter().take(3) {
            if !text.is_empty() {
                text.push_str("; ");
            }
            let name = terms[position].label();
            let percent = (f64::from(n) * 100.0 / f64::from(total.max(1))).round();
            let _ = write!(text, "{name}: {n} of {total} processes ({percent}%)");
        }
        reasons.push(text);
    }
    Ok(reasons)
}
