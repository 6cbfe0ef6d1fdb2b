//! `young_supplier`: a supplier registered shortly before its award, by the company register
//! extract the user gave (`[lists] register`).

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use super::support::listed::*;
use super::support::{PROCESS_EXAMPLES, process_rows};
use super::{Batch, Definition, Group, InParts, LazyOutcome, Metadata, PROCESS, Phase, Plan};
use crate::domain::Tables;
use crate::evidence::{Evidence, Field, Kind};
use crate::lists::REGISTERED;

/// The indicator.
pub struct YoungSupplier;

/// Its settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// The fewest days from a supplier's registration to its award for the award not to be
    /// flagged.
    pub days: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Settings { days: 365 }
    }
}

/// The evidence values and their types.
const EVIDENCE: [(&str, DataType); 5] = [
    ("supplier", DataType::String),
    ("registered", DataType::Date),
    ("date", DataType::Date),
    ("days", DataType::Int32),
    ("matched_by", DataType::String),
];

static METADATA: Metadata = Metadata {
    slug: "young_supplier",
    code: None,
    title: "Supplier registered shortly before its award",
    phase: Phase::Award,
    group: Group::Competition,
    weight: 0.40,
    family: "new_supplier",
    lists_tenderers: false,
    batch: Batch::Other,
    in_parts: InParts::Whole,
    list: Some("register"),
    levels: &["process", "supplier"],
    fields: &[
        "awards.suppliers.id",
        "awards.suppliers.name",
        "awards.date",
        "parties.identifier.id",
    ],
    evidence: Evidence {
        process: &[
            Field::new("supplier", Kind::Text),
            Field::new("registered", Kind::Date),
            Field::new("date", Kind::Date),
            Field::new("days", Kind::Count),
            Field::new("matched_by", Kind::Code(&MATCHED_BY)),
        ],
        organization: PROCESS_EXAMPLES,
    },
    settings: &[(
        "days",
        "fewest days from the supplier's registration to its award not to be flagged",
    )],
    page: include_str!("../../indicators/young_supplier.md"),
};

impl Definition for YoungSupplier {
    type Settings = Settings;

    fn metadata(&self) -> &'static Metadata {
        &METADATA
    }

    fn check(&self, settings: &Settings) -> Result<(), String> {
        if settings.days == 0 {
            return Err("days must be at least 1".to_owned());
        }
        Ok(())
    }

    fn compute(&self, tables: &Tables, settings: &Settings) -> PolarsResult<Plan> {
        let days = settings.days;
        plan_on_list(
            tables,
            tables.lists().register.as_ref(),
            Some("supplier"),
            &EVIDENCE,
            move |found| judged(found, days),
        )
    }
}

/// A process is assessable when a supplier of its awards is in the register with a
/// registration date, and its award has a date; flagged when fewer than `days` days run from
/// the registration to the award (a registration after the award counts as negative days).
/// Its evidence is the supplier registered closest to its award.
fn judged(found: Found, days: u32) -> PolarsResult<LazyOutcome> {
    let Found {
        parts: suppliers,
        processes,
        ocids,
        entries: found,
    } = found;
    let dated = found
        .lazy()
        .filter(col(REGISTERED).is_not_null())
        .select([
            col("org_id"),
            col("org_name"),
            col("identifier"),
            col(REGISTERED),
            col(MATCHED),
        ])
        .group_by_stable(organization_columns())
        .agg([col(REGISTERED).min(), col(MATCHED).first()]);
    let measured = suppliers
        .join(
            dated,
            organization_columns(),
            organization_columns(),
            on_organization(),
        )
        .filter(col(CHECKED).is_not_null())
        .with_columns([
            organization_name().alias("supplier"),
            (col(CHECKED).cast(DataType::Int32) - col(REGISTERED).cast(DataType::Int32))
                .alias("days"),
        ])
        .sort(
            [PROCESS, "days", "supplier"],
            SortMultipleOptions::default().with_nulls_last(true),
        )
        .cache();
    let first = measured.clone().group_by_stable([col(PROCESS)]).agg([
        col("supplier").first(),
        col(REGISTERED).first().alias("registered"),
        col(CHECKED).first().alias("date"),
        col("days").first(),
        col(MATCHED).first().alias("matched_by"),
    ]);
    let assessable = processes.join(
        first,
        [col(PROCESS)],
        [col(PROCESS)],
        JoinArgs::new(JoinType::Inner),
    );
    let flag = col("days").lt(lit(days as i32));
    let processes = process_rows(
        assessable,
        flag,
        col("days").cast(DataType::Float64),
        EVIDENCE.map(|(name, dtype)| col(name).cast(dtype)),
    );
    let young = measured.filter(col("days").lt(lit(days as i32)));
    let organizations = organizations_of(ocids, young)?;
    Ok(LazyOutcome {
        processes,
        organizations,
        meta: Vec::new(),
    })
}
