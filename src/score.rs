//! Combining indicator outcomes into one risk score per contracting process.
//!
//! For a process `p` and the enabled indicators `i` with weights `wᵢ`:
//!
//! ```text
//! risk_score(p) = 100 × Σ wᵢ·flaggedᵢ(p) / Σ wᵢ·assessableᵢ(p)
//! ```
//!
//! where `assessableᵢ(p)` is 1 when indicator `i` could assess `p` and `flaggedᵢ(p)` is 1 when
//! it raised its flag. A process that no indicator (of positive weight) could assess has no
//! score (empty), never a score of 0: thin data is not clean data. `percentile` is the share
//! of scored processes whose score is at most this one's, in percent.

use polars::prelude::*;

use crate::frames::Frames;
use crate::indicators::{EVIDENCE, FLAGGED, OCID, ORGANIZATION_ID, Outcome, ROLE, VALUE};

/// One indicator's outcome in a run.
#[derive(Debug, Clone)]
pub struct IndicatorRun {
    /// The indicator's slug.
    pub slug: &'static str,
    /// Its OCP code, if any.
    pub code: Option<&'static str>,
    /// Its weight in the score.
    pub weight: f64,
    /// What it found.
    pub outcome: Outcome,
}

impl IndicatorRun {
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

/// The scored tables the outputs write.
#[derive(Debug, Clone)]
pub struct Scored {
    /// One row per contracting process, with its score and one column per indicator.
    pub contracts: DataFrame,
    /// One row per raised flag.
    pub flags: DataFrame,
    /// One row per organization-level result.
    pub organizations: DataFrame,
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

/// Scores every process and gathers the flags and organization-level results.
pub fn score(frames: &Frames, runs: &[IndicatorRun]) -> PolarsResult<Scored> {
    let organizations = organizations_table(frames, runs)?;
    let mut contracts = frames
        .processes
        .clone()
        .lazy()
        .select(PROCESS_COLUMNS.map(col))
        .join(
            award_summary(frames),
            [col(OCID)],
            [col(OCID)],
            JoinArgs::new(JoinType::Left),
        )
        .join(
            contract_summary(frames),
            [col(OCID)],
            [col(OCID)],
            JoinArgs::new(JoinType::Left),
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
        ]);

    let mut weighted_flags = lit(0.0);
    let mut weighted_assessable = lit(0.0);
    let mut flag_count = lit(0u32);
    let mut assessable_count = lit(0u32);
    let mut flag_names = Vec::new();
    for run in runs {
        let flags = run
            .outcome
            .processes
            .clone()
            .lazy()
            .select([col(OCID), col(FLAGGED).cast(DataType::Int8).alias(run.slug)]);
        contracts = contracts.join(
            flags,
            [col(OCID)],
            [col(OCID)],
            JoinArgs::new(JoinType::Left),
        );
        let flagged = col(run.slug).fill_null(lit(0)).cast(DataType::Float64);
        let assessable = col(run.slug).is_not_null().cast(DataType::Float64);
        weighted_flags = weighted_flags + flagged.clone() * lit(run.weight);
        weighted_assessable = weighted_assessable + assessable.clone() * lit(run.weight);
        flag_count = flag_count + flagged.cast(DataType::UInt32);
        assessable_count = assessable_count + assessable.cast(DataType::UInt32);
        flag_names.push(
            when(col(run.slug).eq(lit(1)))
                .then(lit(run.slug))
                .otherwise(lit(NULL).cast(DataType::String)),
        );
    }
    let flag_list = if flag_names.is_empty() {
        lit("")
    } else {
        concat_str(flag_names, "; ", true)
    };
    let risk_score = when(weighted_assessable.clone().gt(lit(0.0)))
        .then(
            (lit(100.0) * weighted_flags / weighted_assessable)
                .round(2, RoundMode::HalfAwayFromZero),
        )
        .otherwise(lit(NULL).cast(DataType::Float64));
    let contracts = contracts
        .with_columns([
            risk_score.alias("risk_score"),
            flag_count.alias("flag_count"),
            flag_list.alias("flags"),
            assessable_count.alias("assessable_count"),
        ])
        .with_column(
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
        )
        .join(
            organization_flags(frames, &organizations)?,
            [col(OCID)],
            [col(OCID)],
            JoinArgs::new(JoinType::Left),
        )
        .select(output_order(runs))
        .sort(
            [OCID],
            SortMultipleOptions::default().with_maintain_order(true),
        )
        .collect()?;
    Ok(Scored {
        contracts,
        flags: flags_table(runs)?,
        organizations,
    })
}

fn output_order(runs: &[IndicatorRun]) -> Vec<Expr> {
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
            "flag_count",
            "flags",
            "organization_flags",
            "assessable_count",
        ]
        .map(col),
    );
    columns.extend(runs.iter().map(|run| col(run.slug)));
    columns
}

/// One row per raised flag, sorted by process and then by registry order.
fn flags_table(runs: &[IndicatorRun]) -> PolarsResult<DataFrame> {
    let mut parts = Vec::new();
    for (position, run) in runs.iter().enumerate() {
        parts.push(
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
                    col(VALUE).cast(DataType::Float64),
                    col(EVIDENCE).cast(DataType::String),
                ]),
        );
    }
    if parts.is_empty() {
        return DataFrame::new(
            0,
            ["ocid", "indicator", "code", "evidence"]
                .iter()
                .map(|name| Column::new_empty((*name).into(), &DataType::String))
                .chain([Column::new_empty(VALUE.into(), &DataType::Float64)])
                .collect(),
        )?
        .select([OCID, "indicator", "code", VALUE, EVIDENCE]);
    }
    concat(parts, UnionArgs::default())?
        .sort(
            [OCID, "position"],
            SortMultipleOptions::default().with_maintain_order(true),
        )
        .select([
            col(OCID),
            col("indicator"),
            col("code"),
            col(VALUE),
            col(EVIDENCE),
        ])
        .collect()
}

/// Per process, the organization-level flags of its buyer, its procuring entity and its
/// winners (suppliers of its awarded awards, flagged as suppliers or as tenderers):
/// `indicator: role name (id)`, joined with `; `, in registry order.
fn organization_flags(frames: &Frames, organizations: &DataFrame) -> PolarsResult<LazyFrame> {
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
        .with_row_index("order", None)
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
        .sort([OCID, "order"], SortMultipleOptions::default())
        .with_column(
            concat_str(
                [
                    col("indicator"),
                    lit(": "),
                    when(col(ROLE).eq(lit("procuring_entity")))
                        .then(lit("procuring entity"))
                        .otherwise(col(ROLE)),
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
            .alias("organization_flags")]))
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
        let empty = columns
            .iter()
            .map(|name| {
                let dtype = if *name == VALUE {
                    DataType::Float64
                } else {
                    DataType::String
                };
                Column::new_empty((*name).into(), &dtype)
            })
            .collect();
        return DataFrame::new(0, empty);
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
