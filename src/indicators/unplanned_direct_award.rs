//! `unplanned_direct_award` (OCP R012): a non-competitive purchase that the buyer's procurement
//! plan (`[lists] plan`) set to be competed for.

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use super::support::listed::*;
use super::{Batch, Definition, Group, InParts, LazyOutcome, Metadata, PROCESS, Phase, Plan};
use crate::domain::{Tables, code_in};
use crate::evidence::{Evidence, Field, Kind};
use crate::lists::{CLASSIFICATION, ENTRY_ID, ENTRY_NAME, FROM, LINE, METHOD, TO};

/// The indicator.
pub struct UnplannedDirectAward;

/// Its settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// The procurement methods that are not competitive (compared without regard to case).
    pub procurement_methods: Vec<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            procurement_methods: vec!["direct".to_owned(), "limited".to_owned()],
        }
    }
}

/// The evidence values and their types.
const EVIDENCE: [(&str, DataType); 7] = [
    ("method", DataType::String),
    ("planned", DataType::String),
    ("entry", DataType::String),
    ("planned_class", DataType::String),
    ("line", DataType::UInt32),
    ("matched_by", DataType::String),
    ("count", DataType::UInt32),
];

static METADATA: Metadata = Metadata {
    slug: "unplanned_direct_award",
    code: Some("R012"),
    title: "Direct award against the procurement plan",
    phase: Phase::Planning,
    group: Group::Competition,
    weight: 0.30,
    family: "method",
    lists_tenderers: false,
    batch: Batch::Other,
    in_parts: InParts::Whole,
    list: Some("plan"),
    levels: &["process"],
    fields: &[
        "buyer.id",
        "buyer.name",
        "tender.procurementMethod",
        "tender.items.classification",
        "tender.tenderPeriod.startDate",
    ],
    evidence: Evidence {
        process: &[
            Field::new("method", Kind::Text),
            Field::new("planned", Kind::Text),
            Field::new("entry", Kind::Text),
            Field::or("planned_class", Kind::Text, "none"),
            Field::new("line", Kind::Count),
            Field::new("matched_by", Kind::Code(&MATCHED_BY)),
            Field::new("count", Kind::Count),
        ],
        organization: &[],
    },
    settings: &[(
        "procurement_methods",
        "procurement methods that are not competitive",
    )],
    page: include_str!("../../indicators/unplanned_direct_award.md"),
};

impl Definition for UnplannedDirectAward {
    type Settings = Settings;

    fn metadata(&self) -> &'static Metadata {
        &METADATA
    }

    fn check(&self, settings: &Settings) -> Result<(), String> {
        if settings.procurement_methods.is_empty() {
            return Err("procurement_methods must name at least one method".to_owned());
        }
        Ok(())
    }

    fn compute(&self, tables: &Tables, settings: &Settings) -> PolarsResult<Plan> {
        let first_class = tables
            .items()
            .filter(
                col("section")
                    .eq(lit("tender"))
                    .and(col("classification_id").is_not_null()),
            )
            .group_by_stable([col(PROCESS)])
            .agg([col("classification_id")
                .cast(DataType::String)
                .first()
                .alias("classification_id")]);
        // The non-competitive processes, with their tender's first classification.
        let direct = tables
            .processes()
            .filter(
                code_in("procurement_method", &settings.procurement_methods)
                    .and(col("procurement_method").is_not_null()),
            )
            .select([
                col(PROCESS),
                col("procurement_method")
                    .cast(DataType::String)
                    .alias("used"),
            ])
            .join(
                first_class,
                [col(PROCESS)],
                [col(PROCESS)],
                JoinArgs::new(JoinType::Left),
            );
        let parts = buyers(tables).join(
            direct.clone().select([col(PROCESS)]),
            [col(PROCESS)],
            [col(PROCESS)],
            JoinArgs::new(JoinType::Semi),
        );
        let methods: Vec<String> = settings
            .procurement_methods
            .iter()
            .map(|method| method.to_lowercase())
            .collect();
        plan_on_parts(
            tables,
            tables.lists().plan.as_ref(),
            parts,
            &EVIDENCE,
            move |found| judged(found, direct, methods),
        )
    }
}

/// The outcome: a non-competitive process of a buyer on the plan is assessable when an entry
/// of the buyer's covers its date and its kind of item (an entry without a classification
/// covers every item), and flagged when such an entry sets a method that is not among the
/// non-competitive `methods`.
fn judged(found: Found, direct: LazyFrame, methods: Vec<String>) -> PolarsResult<LazyOutcome> {
    let Found {
        parts,
        processes,
        entries,
        ..
    } = found;
    let applies = |bound: &str, compare: fn(Expr, Expr) -> Expr| {
        col(bound)
            .is_null()
            .or(compare(col(CHECKED), col(bound)).fill_null(lit(false)))
    };
    let competitive = crate::frames::text_test(METHOD, move |method| {
        !methods.contains(&method.to_lowercase())
    })
    .fill_null(lit(false));
    let covering = parts
        .join(
            entries.lazy(),
            organization_columns(),
            organization_columns(),
            on_organization(),
        )
        .filter(
            applies(FROM, |date, from| date.gt_eq(from))
                .and(applies(TO, |date, to| date.lt_eq(to))),
        )
        .join(
            direct,
            [col(PROCESS)],
            [col(PROCESS)],
            JoinArgs::new(JoinType::Inner),
        )
        .filter(
            col(CLASSIFICATION).is_null().or(col("classification_id")
                .str()
                .starts_with(col(CLASSIFICATION))
                .fill_null(lit(false))),
        )
        .with_column(competitive.alias("against"))
        .sort(
            [PROCESS, "against", LINE],
            SortMultipleOptions::default()
                .with_order_descending_multi([false, true, false])
                .with_maintain_order(true),
        )
        .cache();
    let per_process = covering.clone().group_by_stable([col(PROCESS)]).agg([
        col("against").first(),
        col("used").first().alias("method"),
        col(METHOD).first().alias("planned"),
        col(ENTRY_NAME)
            .fill_null(col(ENTRY_ID))
            .first()
            .alias("entry"),
        col(CLASSIFICATION).first().alias("planned_class"),
        col(LINE).first().alias("line"),
        col(MATCHED).first().alias("matched_by"),
        col("against").cast(DataType::UInt32).sum().alias("count"),
    ]);
    let assessable = processes.join(
        per_process,
        [col(PROCESS)],
        [col(PROCESS)],
        JoinArgs::new(JoinType::Inner),
    );
    let processes = super::support::process_rows(
        assessable,
        col("against"),
        col("against").cast(DataType::Float64),
        EVIDENCE
            .iter()
            .map(|(name, dtype)| col(*name).cast(dtype.clone())),
    );
    LazyOutcome::processes_only(processes)
}
