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

use crate::config::{Config, Weights};
use crate::frames::Frames;
use crate::indicators::{EVIDENCE, FLAGGED, Group, OCID, ORGANIZATION_ID, Outcome, ROLE, VALUE};
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

    /// Whether it flags organizations (buyers, procuring entities, suppliers, tenderers).
    pub fn has_organization_level(&self) -> bool {
        self.levels.iter().any(|level| *level != "process")
    }

    /// How many processes it could assess.
    pub fn assessable(&self) -> usize {
        self.outcome.processes.height()
    }

    /// How many processes it flagged.
    pub fn flagged(&self) -> usize {
        self.outcome
            .processes
            .column(FLAGGED)
            .ok()
            .and_then(|column| column.bool().ok().map(|flags| flags.sum().unwrap_or(0)))
            .unwrap_or(0) as usize
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

impl Scored {
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
    /// One row per contracting process, with its score and one column per term.
    pub contracts: DataFrame,
    /// One row per raised process-level flag, with its strength, family and whether it is the
    /// one its family counts by.
    pub flags: DataFrame,
    /// One row per organization-level result.
    pub organizations: DataFrame,
    /// The terms of the score, in the order of their columns.
    pub terms: Vec<Term>,
    /// Each term's strength in the score, in the order of `terms`.
    pub weights: Vec<f64>,
    /// Where the weights came from.
    pub weights_source: Weights,
    /// The validity check of each term against single bidding (none without `single_bid`).
    pub validation: Option<Validation>,
}

/// Awards that count as awarded: status `active`, or no status at all (many publishers
/// publish none).
pub fn awarded() -> Expr {
    col("status")
        .str()
        .to_lowercase()
        .eq(lit("active"))
        .fill_null(lit(true))
}

/// The sum of `amount` over the rows in the first currency seen (rows without a currency
/// count as that currency): amounts in different currencies are never added together.
fn sum_in_first_currency() -> Expr {
    col("amount")
        .filter(
            col("currency")
                .eq(col("currency").drop_nulls().first())
                .fill_null(lit(true)),
        )
        .sum()
}

/// Per process: award value, award currency, first award date, suppliers.
fn award_summary(frames: &Frames) -> LazyFrame {
    let awards = frames.awards.clone().lazy().filter(awarded());
    let values = awards
        .clone()
        .unique_stable_generic(
            Some(vec![col(OCID), col("award_index")]),
            UniqueKeepStrategy::First,
        )
        .group_by_stable([col(OCID)])
        .agg([
            col("currency").drop_nulls().first().alias("award_currency"),
            sum_in_first_currency().alias("award_amount"),
            col("amount").count().alias("awards_with_amount"),
            col("date").min().alias("award_date"),
        ]);
    let suppliers = awards
        .filter(col("supplier_id").is_not_null())
        .group_by_stable([col(OCID)])
        .agg([
            col("supplier_id")
                .unique_stable()
                .str()
                .join("; ", true)
                .alias("supplier_ids"),
            col("supplier_name")
                .fill_null(col("supplier_id"))
                .unique_stable()
                .str()
                .join("; ", true)
                .alias("suppliers"),
        ]);
    values.join(
        suppliers,
        [col(OCID)],
        [col(OCID)],
        JoinArgs::new(JoinType::Full).with_coalesce(JoinCoalesce::CoalesceColumns),
    )
}

/// Per process: the contracts' value (in the first contract's currency).
fn contract_summary(frames: &Frames) -> LazyFrame {
    frames
        .contracts
        .clone()
        .lazy()
        .group_by_stable([col(OCID)])
        .agg([
            col("currency")
                .drop_nulls()
                .first()
                .alias("contract_currency"),
            sum_in_first_currency().alias("contract_amount"),
            col("amount").count().alias("contracts_with_amount"),
        ])
}

/// The columns of `contracts` that describe the process (before the scores).
const PROCESS_COLUMNS: [&str; 15] = [
    OCID,
    "title",
    "buyer_id",
    "buyer_name",
    "procuring_entity_id",
    "procuring_entity_name",
    "procurement_method",
    "procurement_method_details",
    "main_procurement_category",
    "tender_status",
    "tender_amount",
    "tender_currency",
    "tender_start",
    "tender_end",
    "number_of_tenderers",
];

/// Scores every process and gathers the flags and organization-level results. `frames` are
/// all the processes, `assessed` those in scope (the indicators ran on them).
pub fn score(
    frames: &Frames,
    assessed: &Frames,
    runs: &[IndicatorRun],
    config: &Config,
) -> anyhow::Result<Scored> {
    let organizations = organizations_table(frames, runs)?;
    // Computed once: the terms, the flags and the organization columns all read it.
    let links = organization_links(frames, &organizations)?
        .collect()?
        .lazy();
    let (table, terms) = term_table(frames, assessed, runs, &links)?;
    let validation = validate::validate(&table, &terms, config.validation.significance)?;
    let configured: Vec<f64> = terms.iter().map(|term| term.weight).collect();
    let weights = match config.score.weights {
        Weights::Configured => configured,
        Weights::Validated => {
            let Some(validation) = &validation else {
                anyhow::bail!(
                    "score.weights = \"validated\" needs the single_bid indicator: the weights are \
                     derived from each indicator's association with single bidding"
                );
            };
            validation.weights(&terms)
        }
    };
    let contracts = finish(table, &terms, &weights, &links)?;
    let flags = flags_table(runs, &weights[..runs.len()])?;
    Ok(Scored {
        contracts,
        flags,
        organizations,
        terms,
        weights,
        weights_source: config.score.weights,
        validation,
    })
}

/// Per process: its description, award and contract values, and one column per term (1 raised,
/// 0 assessed and clear, empty not assessable).
fn term_table(
    frames: &Frames,
    assessed: &Frames,
    runs: &[IndicatorRun],
    links: &LazyFrame,
) -> PolarsResult<(DataFrame, Vec<Term>)> {
    let in_scope = assessed
        .processes
        .clone()
        .lazy()
        .select([col(OCID), lit(true).alias("in_scope")]);
    let winners = frames
        .awards
        .clone()
        .lazy()
        .filter(awarded().and(col("supplier_id").is_not_null()))
        .select([col(OCID)])
        .unique(None, UniqueKeepStrategy::First)
        .with_column(lit(true).alias("has_winner"));
    let left = |frame: LazyFrame, other: LazyFrame| {
        frame.join(
            other,
            [col(OCID)],
            [col(OCID)],
            JoinArgs::new(JoinType::Left),
        )
    };
    let table = left(
        left(
            left(
                left(
                    frames
                        .processes
                        .clone()
                        .lazy()
                        .select(PROCESS_COLUMNS.map(col)),
                    award_summary(frames),
                ),
                contract_summary(frames),
            ),
            in_scope,
        ),
        winners,
    )
    .with_columns([
        // A sum over no amounts is 0 in Polars; no amount at all is unknown, not 0.
        when(col("awards_with_amount").fill_null(lit(0)).gt(lit(0)))
            .then(col("award_amount"))
            .otherwise(lit(NULL).cast(DataType::Float64))
            .alias("award_amount"),
        when(col("contracts_with_amount").fill_null(lit(0)).gt(lit(0)))
            .then(col("contract_amount"))
            .otherwise(lit(NULL).cast(DataType::Float64))
            .alias("contract_amount"),
        col("in_scope").fill_null(lit(false)),
        col("has_winner").fill_null(lit(false)),
    ]);
    // The terms are columns placed by each process's row (the processes are unique by ocid),
    // not joins: one join per term would copy the growing table once per term.
    let mut table = table.collect()?;
    let ocids = table.column(OCID)?.str()?.clone();
    let rows = RowIndex::new(&ocids);
    let mut terms = Vec::new();
    let mut raised_flags = Vec::new();
    for run in runs {
        let outcome = &run.outcome.processes;
        let flags = outcome.column(FLAGGED)?.cast(&DataType::Int8)?;
        let column = rows.place(run.slug, outcome.column(OCID)?.str()?, flags.i8()?.iter())?;
        table.with_column(column)?;
        terms.push(Term {
            column: run.slug.to_owned(),
            indicator: run.slug,
            organization: false,
            group: Some(run.group),
            family: run.family.clone(),
            weight: run.weight,
        });
        raised_flags.push(
            outcome
                .clone()
                .lazy()
                .filter(col(FLAGGED))
                .select([col(OCID), lit(run.slug).alias("indicator")]),
        );
    }
    // The organization term: the strongest organization flag reaching the process, from an
    // indicator that does not already flag the process itself.
    let organization_runs: Vec<&IndicatorRun> = runs
        .iter()
        .filter(|run| run.has_organization_level())
        .collect();
    if organization_runs.is_empty() {
        return Ok((table, terms));
    }
    let strengths = DataFrame::new(
        organization_runs.len(),
        vec![
            Column::new(
                "indicator".into(),
                organization_runs
                    .iter()
                    .map(|run| run.slug)
                    .collect::<Vec<_>>(),
            ),
            Column::new(
                "strength".into(),
                organization_runs
                    .iter()
                    .map(|run| run.organization_weight)
                    .collect::<Vec<_>>(),
            ),
        ],
    )?;
    let raised = concat(raised_flags, UnionArgs::default())?;
    let reaching = links
        .clone()
        .select([col(OCID), col("indicator")])
        .unique(None, UniqueKeepStrategy::First)
        .join(
            strengths.lazy(),
            [col("indicator")],
            [col("indicator")],
            JoinArgs::new(JoinType::Inner),
        )
        .filter(col("strength").gt(lit(0.0)))
        .join(
            raised,
            [col(OCID), col("indicator")],
            [col(OCID), col("indicator")],
            JoinArgs::new(JoinType::Anti),
        )
        .group_by([col(OCID)])
        .agg([col("strength").max().alias(ORGANIZATION_STRENGTH)]);
    // Assessable: the process is in scope and has a buyer, a procuring entity or a winner.
    let linked = col("buyer_id")
        .is_not_null()
        .or(col("procuring_entity_id").is_not_null())
        .or(col("has_winner"));
    let table = table
        .lazy()
        .join(
            reaching,
            [col(OCID)],
            [col(OCID)],
            JoinArgs {
                maintain_order: MaintainOrderJoin::Left,
                ..JoinArgs::new(JoinType::Left)
            },
        )
        .with_columns([
            when(col("in_scope").and(linked.clone()))
                .then(
                    col(ORGANIZATION_STRENGTH)
                        .is_not_null()
                        .cast(DataType::Int8),
                )
                .otherwise(lit(NULL).cast(DataType::Int8))
                .alias(ORGANIZATION_TERM),
            when(col("in_scope").and(linked))
                .then(col(ORGANIZATION_STRENGTH))
                .otherwise(lit(NULL).cast(DataType::Float64))
                .alias(ORGANIZATION_STRENGTH),
        ])
        .collect()?;
    terms.push(Term {
        column: ORGANIZATION_TERM.to_owned(),
        indicator: ORGANIZATION_TERM,
        organization: true,
        group: None,
        family: ORGANIZATION_TERM.to_owned(),
        weight: organization_runs
            .iter()
            .map(|run| run.organization_weight)
            .fold(0.0, f64::max),
    });
    Ok((table, terms))
}

/// Each process's row in a table with one row per ocid, to place per-process values by.
struct RowIndex<'a> {
    rows: std::collections::HashMap<&'a str, usize>,
    height: usize,
}

impl<'a> RowIndex<'a> {
    fn new(ocids: &'a StringChunked) -> RowIndex<'a> {
        let rows = ocids
            .iter()
            .enumerate()
            .filter_map(|(row, ocid)| Some((ocid?, row)))
            .collect();
        RowIndex {
            rows,
            height: ocids.len(),
        }
    }

    /// A column of `values` placed at the rows of their `ocids` (null elsewhere, and for
    /// ocids not in the table).
    fn place(
        &self,
        name: &str,
        ocids: &StringChunked,
        values: impl Iterator<Item = Option<i8>>,
    ) -> PolarsResult<Column> {
        let mut placed: Vec<Option<i8>> = vec![None; self.height];
        for (ocid, value) in ocids.iter().zip(values) {
            if let (Some(ocid), Some(value)) = (ocid, value)
                && let Some(&row) = self.rows.get(ocid)
            {
                placed[row] = Some(value);
            }
        }
        Ok(Column::new(name.into(), placed))
    }
}

/// `100 × numerator / denominator`, rounded to 2 places; empty when the denominator is 0.
fn share(numerator: Expr, denominator: Expr) -> Expr {
    when(denominator.clone().gt(lit(0.0)))
        .then((lit(100.0) * numerator / denominator).round(2, RoundMode::HalfAwayFromZero))
        .otherwise(lit(NULL).cast(DataType::Float64))
}

/// The column of the organization term's strength on each process (empty when no
/// organization flag reaches it).
const ORGANIZATION_STRENGTH: &str = "organization_strength";

/// The noisy-OR of the terms' strengths, each family counted once by its strongest raised
/// term: `100 × (1 − Π_f (1 − s_f))`, rounded to 2 places; empty when no term of positive
/// strength could assess the process.
fn combined(
    terms: &[(&Term, &f64)],
    flagged: &dyn Fn(&Term) -> Expr,
    assessable: &dyn Fn(&Term) -> Expr,
) -> PolarsResult<Expr> {
    let mut families: Vec<(&str, Vec<Expr>)> = Vec::new();
    let mut possible = lit(0.0);
    for (term, weight) in terms {
        let strength = if term.organization {
            col(ORGANIZATION_STRENGTH).fill_null(lit(0.0)) * lit((**weight > 0.0) as u8 as f64)
        } else {
            lit(**weight)
        };
        let raised = flagged(term) * strength;
        match families.iter_mut().find(|(name, _)| *name == term.family) {
            Some((_, members)) => members.push(raised),
            None => families.push((term.family.as_str(), vec![raised])),
        }
        possible = possible + assessable(term) * lit((**weight > 0.0) as u8 as f64);
    }
    let mut clear = lit(1.0);
    for (_, members) in families {
        let strongest = if members.len() == 1 {
            members.into_iter().next().unwrap_or(lit(0.0))
        } else {
            polars::lazy::dsl::max_horizontal(members)?
        };
        clear = clear * (lit(1.0) - strongest.clip(lit(0.0), lit(1.0)));
    }
    Ok(when(possible.gt(lit(0.0)))
        .then((lit(100.0) * (lit(1.0) - clear)).round(2, RoundMode::HalfAwayFromZero))
        .otherwise(lit(NULL).cast(DataType::Float64)))
}

/// The scores, values at risk, ranks and flag lists from the term columns and their strengths.
fn finish(
    table: DataFrame,
    terms: &[Term],
    weights: &[f64],
    links: &LazyFrame,
) -> PolarsResult<DataFrame> {
    let flagged = |term: &Term| {
        col(term.column.as_str())
            .fill_null(lit(0))
            .cast(DataType::Float64)
    };
    let assessable = |term: &Term| {
        col(term.column.as_str())
            .is_not_null()
            .cast(DataType::Float64)
    };
    let weighted = |terms: &mut dyn Iterator<Item = (&Term, &f64)>| -> PolarsResult<Expr> {
        let terms: Vec<(&Term, &f64)> = terms.collect();
        combined(&terms, &flagged, &assessable)
    };
    let mut flag_count = lit(0u32);
    let mut assessable_count = lit(0u32);
    let mut flag_names = Vec::new();
    for term in terms {
        flag_count = flag_count + flagged(term).cast(DataType::UInt32);
        assessable_count = assessable_count + assessable(term).cast(DataType::UInt32);
        flag_names.push(
            when(col(term.column.as_str()).eq(lit(1)))
                .then(lit(term.label()))
                .otherwise(lit(NULL).cast(DataType::String)),
        );
    }
    let flag_list = if flag_names.is_empty() {
        lit("")
    } else {
        concat_str(flag_names, "; ", true)
    };
    let mut columns = vec![
        weighted(&mut terms.iter().zip(weights))?.alias("risk_score"),
        flag_count.alias("flag_count"),
        flag_list.alias("flags"),
        assessable_count.alias("assessable_count"),
        // The process's value: its contracts', else its awards', else the tender's estimate.
        coalesce(&[
            col("contract_amount"),
            col("award_amount"),
            col("tender_amount"),
        ])
        .alias("value_amount"),
        when(col("contract_amount").is_not_null())
            .then(col("contract_currency"))
            .when(col("award_amount").is_not_null())
            .then(col("award_currency"))
            .otherwise(col("tender_currency"))
            .alias("value_currency"),
        when(col("contract_amount").is_not_null())
            .then(lit("contract"))
            .when(col("award_amount").is_not_null())
            .then(lit("award"))
            .when(col("tender_amount").is_not_null())
            .then(lit("tender"))
            .otherwise(lit(NULL).cast(DataType::String))
            .alias("value_source"),
    ];
    for group in Group::ALL {
        if terms.iter().any(|term| term.group == Some(group)) {
            columns.push(
                weighted(
                    &mut terms
                        .iter()
                        .zip(weights)
                        .filter(|(term, _)| term.group == Some(group)),
                )?
                .alias(format!("score_{}", group.name())),
            );
        }
    }
    let descending = |columns: &[&str], descending: &[bool]| {
        SortMultipleOptions::default()
            .with_order_descending_multi(descending.to_vec())
            .with_nulls_last_multi(vec![true; columns.len()])
            .with_maintain_order(true)
    };
    let row_number = || col(OCID).cum_count(false);
    let row_number_by_currency = row_number().over([col("value_currency")])?;
    let mut scored = table
        .lazy()
        .with_columns(columns)
        .with_columns([
            share(
                col("assessable_count").cast(DataType::Float64),
                lit(terms.len() as f64),
            )
            .alias("data_completeness"),
            (col("value_amount") * col("risk_score") / lit(100.0))
                .round(2, RoundMode::HalfAwayFromZero)
                .alias("value_at_risk"),
            (col("risk_score")
                .rank(
                    RankOptions {
                        method: RankMethod::Max,
                        descending: false,
                    },
                    None,
                )
                .cast(DataType::Float64)
                * lit(100.0)
                / col("risk_score").count().cast(DataType::Float64))
            .round(2, RoundMode::HalfAwayFromZero)
            .alias("percentile"),
        ])
        .join(
            organization_flags(links),
            [col(OCID)],
            [col(OCID)],
            JoinArgs::new(JoinType::Left),
        )
        .collect()?;
    // The ranks are computed on the few columns they need, in their own order, and placed back
    // by row: sorting the whole table would move every column twice.
    const ROW: &str = "row";
    let ranks = scored
        .select([OCID, "risk_score", "value_at_risk", "value_currency"])?
        .lazy()
        .with_row_index(ROW, None)
        // Ranks: ties broken by value at risk, then by ocid, so they never depend on the order
        // the processes were read in.
        .sort(
            ["risk_score", "value_at_risk", OCID],
            descending(&["risk_score", "value_at_risk", OCID], &[true, true, false]),
        )
        .with_column(
            when(col("risk_score").is_not_null())
                .then(row_number())
                .otherwise(lit(NULL).cast(DataType::UInt32))
                .alias("rank_score"),
        )
        // By value at risk: within each currency (amounts in different currencies are never
        // compared).
        .sort(
            ["value_currency", "value_at_risk", "risk_score", OCID],
            descending(
                &["value_currency", "value_at_risk", "risk_score", OCID],
                &[false, true, true, false],
            ),
        )
        .with_column(
            when(col("value_at_risk").is_not_null())
                .then(row_number_by_currency)
                .otherwise(lit(NULL).cast(DataType::UInt32))
                .alias("rank_value_at_risk"),
        )
        .sort([ROW], SortMultipleOptions::default())
        .select([col("rank_score"), col("rank_value_at_risk")])
        .collect()?;
    scored.hstack_mut(ranks.columns())?;
    // In ocid order (the processes' order, unless a join moved them).
    let ocids = scored.column(OCID)?.str()?;
    let in_order = ocids.iter().zip(ocids.iter().skip(1)).all(|(a, b)| a <= b);
    let mut scored = scored.lazy().select(output_order(terms));
    if !in_order {
        scored = scored.sort(
            [OCID],
            SortMultipleOptions::default().with_maintain_order(true),
        );
    }
    scored.collect()
}

fn output_order(terms: &[Term]) -> Vec<Expr> {
    // The process columns but the last (`number_of_tenderers`, placed after the awards').
    let mut columns: Vec<Expr> = PROCESS_COLUMNS[..PROCESS_COLUMNS.len() - 1]
        .iter()
        .map(|c| col(*c))
        .collect();
    columns.extend(
        [
            "award_date",
            "award_amount",
            "award_currency",
            "contract_amount",
            "contract_currency",
            "supplier_ids",
            "suppliers",
            "number_of_tenderers",
            "risk_score",
            "percentile",
            "rank_score",
            "data_completeness",
            "value_amount",
            "value_currency",
            "value_source",
            "value_at_risk",
            "rank_value_at_risk",
            "flag_count",
            "flags",
            "organization_flags",
            "assessable_count",
        ]
        .map(col),
    );
    for group in Group::ALL {
        if terms.iter().any(|term| term.group == Some(group)) {
            columns.push(col(format!("score_{}", group.name())));
        }
    }
    columns.extend(terms.iter().map(|term| col(term.column.as_str())));
    columns
}

/// One row per raised process-level flag, sorted by process, then registry order: its
/// strength (`weight`), its `family`, and `counted`: whether it is the flag its family counts
/// by on that process (the strongest; the first in registry order among equals).
/// Organization-level results are one row per organization in `organizations`, not here.
fn flags_table(runs: &[IndicatorRun], weights: &[f64]) -> PolarsResult<DataFrame> {
    let columns = [
        OCID,
        "indicator",
        "code",
        "level",
        VALUE,
        "weight",
        "family",
        "counted",
        EVIDENCE,
    ];
    let parts: Vec<LazyFrame> = runs
        .iter()
        .zip(weights)
        .enumerate()
        .map(|(position, (run, weight))| {
            run.outcome
                .processes
                .clone()
                .lazy()
                .filter(col(FLAGGED))
                .select([
                    col(OCID),
                    lit(position as u32).alias("position"),
                    lit(run.slug).alias("indicator"),
                    lit(run.code.unwrap_or("")).alias("code"),
                    lit("process").alias("level"),
                    col(VALUE).cast(DataType::Float64),
                    lit(*weight).alias("weight"),
                    lit(run.family.as_str()).alias("family"),
                    col(EVIDENCE).cast(DataType::String),
                ])
        })
        .collect();
    if parts.is_empty() {
        return empty_table(&columns);
    }
    concat(parts, UnionArgs::default())?
        .sort(
            [OCID, "family", "weight", "position"],
            SortMultipleOptions::default()
                .with_order_descending_multi([false, false, true, false])
                .with_maintain_order(true),
        )
        .with_column(
            as_struct(vec![col(OCID), col("family")])
                .is_first_distinct()
                .and(col("weight").gt(lit(0.0)))
                .alias("counted"),
        )
        .sort(
            [OCID, "position"],
            SortMultipleOptions::default().with_maintain_order(true),
        )
        .select(columns.map(col))
        .collect()
}

/// An empty table of text columns, but `value` and `weight` (numbers) and `counted`.
fn empty_table(columns: &[&str]) -> PolarsResult<DataFrame> {
    let empty = columns
        .iter()
        .map(|name| {
            let dtype = match *name {
                VALUE | "weight" => DataType::Float64,
                "counted" => DataType::Boolean,
                _ => DataType::String,
            };
            Column::new_empty((*name).into(), &dtype)
        })
        .collect();
    DataFrame::new(0, empty)
}

/// The role as written in sentences.
fn role_name() -> Expr {
    when(col(ROLE).eq(lit("procuring_entity")))
        .then(lit("procuring entity"))
        .otherwise(col(ROLE))
}

/// Every flagged organization linked to each process it is the buyer, procuring entity or a
/// winner (supplier of an awarded award, flagged as supplier or tenderer) of: `ocid`,
/// `position` (registry order), `indicator`, `code`, `role`, `organization_id`,
/// `organization_name`, `value`, `evidence`.
fn organization_links(frames: &Frames, organizations: &DataFrame) -> PolarsResult<LazyFrame> {
    let link = |frame: &DataFrame, id: &str, role: &str| {
        frame.clone().lazy().select([
            col(OCID),
            col(id).alias(ORGANIZATION_ID),
            lit(role).alias("link"),
        ])
    };
    let winners = frames.awards.clone().lazy().filter(awarded()).select([
        col(OCID),
        col("supplier_id").alias(ORGANIZATION_ID),
        lit("winner").alias("link"),
    ]);
    let links = concat(
        [
            link(&frames.processes, "buyer_id", "buyer"),
            link(&frames.processes, "procuring_entity_id", "procuring_entity"),
            winners,
        ],
        UnionArgs::default(),
    )?
    .filter(col(ORGANIZATION_ID).is_not_null())
    .unique(None, UniqueKeepStrategy::First);
    let flagged = organizations
        .clone()
        .lazy()
        .with_row_index("position", None)
        .with_column(
            when(
                col(ROLE)
                    .eq(lit("supplier"))
                    .or(col(ROLE).eq(lit("tenderer"))),
            )
            .then(lit("winner"))
            .otherwise(col(ROLE))
            .alias("link"),
        );
    Ok(links
        .join(
            flagged,
            [col(ORGANIZATION_ID), col("link")],
            [col(ORGANIZATION_ID), col("link")],
            JoinArgs::new(JoinType::Inner),
        )
        .drop(cols(["link"]))
        .sort(
            [OCID, "position"],
            SortMultipleOptions::default().with_maintain_order(true),
        )
        .cache())
}

/// Per process, the organization-level flags of its buyer, its procuring entity and its
/// winners: `indicator: role name (id)`, joined with `; `, in registry order.
fn organization_flags(links: &LazyFrame) -> LazyFrame {
    links
        .clone()
        .with_column(
            concat_str(
                [
                    col("indicator"),
                    lit(": "),
                    role_name(),
                    lit(" "),
                    col("organization_name").fill_null(col(ORGANIZATION_ID)),
                    lit(" ("),
                    col(ORGANIZATION_ID),
                    lit(")"),
                ],
                "",
                false,
            )
            .alias("text"),
        )
        .group_by_stable([col(OCID)])
        .agg([col("text")
            .unique_stable()
            .str()
            .join("; ", true)
            .alias("organization_flags")])
}

/// Every organization's best-known name: the first name seen for its id, in process order.
fn organization_names(frames: &Frames) -> LazyFrame {
    let pairs = |frame: &DataFrame, id: &str, name: &str| {
        frame.clone().lazy().select([
            col(id).alias(ORGANIZATION_ID),
            col(name).alias("organization_name"),
        ])
    };
    let sources = vec![
        pairs(&frames.parties, "party_id", "name"),
        pairs(&frames.processes, "buyer_id", "buyer_name"),
        pairs(
            &frames.processes,
            "procuring_entity_id",
            "procuring_entity_name",
        ),
        pairs(&frames.awards, "supplier_id", "supplier_name"),
        pairs(&frames.bids, "tenderer_id", "tenderer_name"),
    ];
    concat(sources, UnionArgs::default())
        .map(|all| {
            all.filter(
                col(ORGANIZATION_ID)
                    .is_not_null()
                    .and(col("organization_name").is_not_null()),
            )
            .unique_stable_generic(Some(vec![col(ORGANIZATION_ID)]), UniqueKeepStrategy::First)
        })
        .unwrap_or_else(|_| DataFrame::empty().lazy())
}

/// One row per organization-level result, sorted by indicator, role and organization.
fn organizations_table(frames: &Frames, runs: &[IndicatorRun]) -> PolarsResult<DataFrame> {
    let parts: Vec<LazyFrame> = runs
        .iter()
        .enumerate()
        .filter(|(_, run)| run.outcome.organizations.height() > 0)
        .map(|(position, run)| {
            run.outcome.organizations.clone().lazy().select([
                lit(position as u32).alias("position"),
                lit(run.slug).alias("indicator"),
                lit(run.code.unwrap_or("")).alias("code"),
                col(ROLE),
                col(ORGANIZATION_ID),
                col(VALUE).cast(DataType::Float64),
                col(EVIDENCE).cast(DataType::String),
            ])
        })
        .collect();
    let columns = [
        "indicator",
        "code",
        ROLE,
        ORGANIZATION_ID,
        "organization_name",
        VALUE,
        EVIDENCE,
    ];
    if parts.is_empty() {
        return empty_table(&columns);
    }
    concat(parts, UnionArgs::default())?
        .join(
            organization_names(frames),
            [col(ORGANIZATION_ID)],
            [col(ORGANIZATION_ID)],
            JoinArgs::new(JoinType::Left),
        )
        .sort(
            ["position", ROLE, ORGANIZATION_ID],
            SortMultipleOptions::default().with_maintain_order(true),
        )
        .select(columns.map(col))
        .collect()
}
