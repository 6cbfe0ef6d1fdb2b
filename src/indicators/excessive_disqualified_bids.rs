//! `excessive_disqualified_bids` (OCP R038): a buyer, procuring entity or tenderer whose share
//! of disqualified bids is a high outlier.

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use super::support::{fence_evidence, no_process_rows};
use super::{
    Batch, Definition, Group, InParts, LazyOutcome, Metadata, ORGANIZATION_ID, PROCESS, Phase,
    Plan, ROLE, VALUE,
};
use crate::domain::{Tables, code_is, submitted_as};
use crate::evidence::{Evidence, Field, Kind};
use crate::stats::{Fences, Rule};

/// The indicator.
pub struct ExcessiveDisqualifiedBids;

/// Its settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// A ratio at or above this is flagged, in place of the upper fence.
    pub threshold: Option<f64>,
    /// Tenderers with fewer submitted bids are not assessed.
    pub minimum_submitted_bids: u32,
    /// Buyers and procuring entities with fewer processes with submitted bids are not
    /// assessed.
    pub minimum_contracting_processes: u32,
    /// Follow Cardinal's code (set by `redflags cardinal`): every ratio at or above the fence
    /// is flagged, even where the ratios have no spread, a bid with any status but `invited`
    /// or `withdrawn` is submitted, and a buyer's or procuring entity's
    /// submitted bids (not its processes) are compared with `minimum_contracting_processes`.
    pub cardinal: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            threshold: None,
            minimum_submitted_bids: 2,
            minimum_contracting_processes: 2,
            cardinal: false,
        }
    }
}

static METADATA: Metadata = Metadata {
    slug: "excessive_disqualified_bids",
    code: Some("R038"),
    title: "Excessive disqualified bids",
    phase: Phase::Award,
    group: Group::Competition,
    weight: 0.10,
    family: "disqualification",
    lists_tenderers: false,
    batch: Batch::Bids,
    in_parts: InParts::Whole,
    list: None,
    levels: &["buyer", "procuring_entity", "tenderer"],
    fields: &[
        "buyer.id",
        "tender.procuringEntity.id",
        "bids.details.status",
        "bids.details.tenderers.id",
    ],
    evidence: Evidence {
        process: &[],
        organization: &[
            Field::new("disqualified", Kind::Count),
            Field::new("submitted", Kind::Count),
            Field::new("share", Kind::Percent),
            Field::new("over", Kind::Code(&["processes", "bids"])),
            Field::new("fence", Kind::PercentFixed),
            Field::new("fence_source", Kind::Code(&["quartiles", "settings"])),
            Field::new("q1", Kind::PercentFixed),
            Field::new("q3", Kind::PercentFixed),
        ],
    },
    settings: &[
        (
            "threshold",
            "flag ratios at or above this (e.g. 0.5), instead of the upper fence",
        ),
        (
            "minimum_submitted_bids",
            "fewest submitted bids for a tenderer to be assessed",
        ),
        (
            "minimum_contracting_processes",
            "fewest processes with bids for a buyer or procuring entity to be assessed",
        ),
        (
            "cardinal",
            "follow Cardinal's code: no spread needed above Q3 (set by `redflags cardinal`)",
        ),
    ],
    page: include_str!("../../indicators/excessive_disqualified_bids.md"),
};

/// The organizations of one role that may be assessed, from a table of `organization_id`,
/// `disqualified`, `submitted` and `size` (processes or bids, compared with `minimum`), with
/// their ratio of disqualified bids as the value.
fn assessed(table: LazyFrame, minimum: u32) -> LazyFrame {
    table
        .filter(col("size").gt_eq(lit(minimum)))
        .with_column(
            (col("disqualified").cast(DataType::Float64)
                / col("submitted").cast(DataType::Float64))
            .alias(VALUE),
        )
        .sort([ORGANIZATION_ID], SortMultipleOptions::default())
}

/// The flagged organizations of one role, from its [`assessed`] organizations, against the
/// fence of their ratios; the fence's statistics go to `meta`, named after `group`.
fn flag(
    meta: &mut Vec<(String, f64)>,
    group: &str,
    assessed: DataFrame,
    role: &str,
    unit: &str,
    settings: &Settings,
) -> PolarsResult<LazyFrame> {
    let threshold = settings.threshold;
    let ratios: Vec<f64> = assessed.column(VALUE)?.f64()?.iter().flatten().collect();
    // No organization of this role to assess: no statistics either, and no rows (with the
    // columns of the other roles' rows).
    let (fence, quartiles) = if ratios.is_empty() {
        (None, None)
    } else {
        let fences = Fences::of(&ratios);
        let fence = threshold.or(fences.map(|f| f.upper));
        meta.extend(crate::stats::meta(
            &format!("{group}_"),
            fences,
            threshold.is_none(),
            "upper_fence",
            fence,
        ));
        (fence, fences.filter(|_| threshold.is_none()))
    };
    let flagged = match fence {
        Some(fence) => Rule::of(settings.cardinal, true).high(col(VALUE), fence, quartiles),
        None => lit(false),
    };
    let mut columns = vec![
        lit(role).alias(ROLE),
        col(ORGANIZATION_ID),
        col(VALUE),
        col("disqualified").cast(DataType::Int64),
        col("submitted").cast(DataType::Int64),
        col(VALUE).alias("share"),
        lit(unit).alias("over"),
    ];
    columns.extend(fence_evidence(fence, quartiles));
    Ok(assessed.lazy().filter(flagged).select(columns))
}

impl Definition for ExcessiveDisqualifiedBids {
    type Settings = Settings;

    fn metadata(&self) -> &'static Metadata {
        &METADATA
    }

    fn compute(&self, tables: &Tables, settings: &Settings) -> PolarsResult<Plan> {
        let disqualified = code_is("status", "disqualified").cast(DataType::UInt32);
        // Per process: submitted and disqualified bids, with its buyer and procuring entity.
        let per_process = tables
            .bids_by_bid()
            .filter(submitted_as(settings.cardinal))
            // Each bid's test made on the whole column, then summed per group (made inside the
            // aggregation, it was made group by group).
            .with_column(disqualified.clone().alias("disqualified"))
            .group_by([col(PROCESS)])
            .agg([
                col("bid_index").count().alias("submitted"),
                col("disqualified").sum(),
            ])
            .join(
                tables.processes().select([
                    col(PROCESS),
                    col("buyer_id"),
                    col("procuring_entity_id"),
                ]),
                [col(PROCESS)],
                [col(PROCESS)],
                JoinArgs::new(JoinType::Inner),
            );
        // Cardinal's code compares the minimum with the submitted bids, not the processes.
        let size = if settings.cardinal {
            col("submitted").sum().alias("size")
        } else {
            col(PROCESS).count().alias("size")
        };
        let by = |id: &str| {
            per_process
                .clone()
                .filter(col(id).is_not_null())
                .group_by([col(id).alias(ORGANIZATION_ID)])
                .agg([
                    col("disqualified").sum(),
                    col("submitted").sum(),
                    size.clone(),
                ])
        };
        // Per tenderer: each submitted bid counts once for each of its tenderers.
        let tenderers = tables
            .bids()
            .filter(submitted_as(settings.cardinal).and(col("tenderer_id").is_not_null()))
            .with_column(disqualified.alias("disqualified"))
            .group_by([col("tenderer_id").alias(ORGANIZATION_ID)])
            .agg([
                col("disqualified").sum(),
                col(PROCESS).count().alias("submitted"),
            ])
            .with_column(col("submitted").alias("size"));
        // The roles' fences and what their shares are counted over, in the order of the
        // inputs.
        let roles = [
            ("Buyer", "buyer", "processes"),
            ("ProcuringEntity", "procuring_entity", "processes"),
            ("Tenderer", "tenderer", "bids"),
        ];
        let inputs = [
            assessed(by("buyer_id"), settings.minimum_contracting_processes),
            assessed(
                by("procuring_entity_id"),
                settings.minimum_contracting_processes,
            ),
            assessed(tenderers, settings.minimum_submitted_bids),
        ];
        // An organization-level indicator: no process is assessed on its own.
        let processes = no_process_rows(tables);
        let settings = settings.clone();
        Ok(Plan::staged(inputs, move |inputs| {
            let mut meta = Vec::new();
            let organizations = roles
                .into_iter()
                .zip(inputs)
                .map(|((group, role, unit), assessed)| {
                    flag(&mut meta, group, assessed, role, unit, &settings)
                })
                .collect::<PolarsResult<Vec<_>>>()?;
            Ok(LazyOutcome {
                processes,
                organizations: concat(organizations, UnionArgs::default())?,
                meta,
            })
        }))
    }
}
