//! How much of the data the indicators need is there: for each OCDS field an indicator
//! declares (`tender.tenderPeriod.endDate`), the processes with a value of it in the frames.
//!
//! It is measured on the frames, after the lenient reading and the `[prepare]` corrections:
//! what the indicators actually see (`redflags check` measures the data as published).

use polars::prelude::*;

use super::{Frames, KEY};

/// Where the frames hold each field the indicators read: the table, the column, and whether
/// only the items of one section (`tender`, `award`) or positive counts hold it.
const FIELDS: &[(&str, &str, &str)] = &[
    ("awards.date", "awards", "date"),
    ("awards.hasSubcontracting", "awards", "has_subcontracting"),
    ("awards.id", "awards", "award_id"),
    ("awards.relatedBid", "awards", "related_bid"),
    (
        "awards.items.classification",
        "items:award",
        "classification_id",
    ),
    (
        "awards.items.classification.id",
        "items:award",
        "classification_id",
    ),
    ("awards.items.unit.value", "items:award", "unit_amount"),
    ("awards.status", "awards", "status"),
    (
        "awards.subcontracting.maximumPercentage",
        "awards",
        "subcontracting_percent",
    ),
    (
        "awards.subcontracting.minimumPercentage",
        "awards",
        "subcontracting_percent",
    ),
    ("awards.suppliers.id", "awards", "supplier_id"),
    ("awards.suppliers.name", "awards", "supplier_name"),
    ("awards.value", "awards", "amount"),
    ("awards.value.amount", "awards", "amount"),
    ("awards.value.currency", "awards", "currency"),
    ("bids.details.date", "bids", "date"),
    ("bids.details.status", "bids", "status"),
    ("bids.details.tenderers.id", "bids", "tenderer_id"),
    ("bids.details.tenderers.name", "bids", "tenderer_name"),
    ("bids.details.value", "bids", "amount"),
    ("bids.details.value.amount", "bids", "amount"),
    ("bids.details.value.currency", "bids", "currency"),
    ("buyer.id", "processes", "buyer_id"),
    ("buyer.name", "processes", "buyer_name"),
    ("complaints.id", "processes", "complaints"),
    ("contracts.amendments", "contracts:positive", "amendments"),
    ("contracts.awardID", "contracts", "award_id"),
    ("contracts.dateSigned", "contracts", "date_signed"),
    ("contracts.documents.documentType", "contracts", "documents"),
    (
        "contracts.implementation.milestones.dateMet",
        "contracts",
        "deliveries_due",
    ),
    (
        "contracts.implementation.milestones.dueDate",
        "contracts",
        "deliveries_due",
    ),
    (
        "contracts.implementation.milestones.type",
        "contracts",
        "deliveries_due",
    ),
    (
        "contracts.implementation.transactions.value",
        "contracts",
        "transactions_amount",
    ),
    ("contracts.items", "contracts", "items"),
    (
        "contracts.items.classification",
        "items:contract",
        "classification_id",
    ),
    ("contracts.items.quantity", "contracts", "quantity"),
    (
        "contracts.items.unit.value",
        "items:contract",
        "unit_amount",
    ),
    ("contracts.period.endDate", "contracts", "period_end"),
    ("contracts.period.startDate", "contracts", "period_start"),
    (
        "contracts.relatedProcesses.identifier",
        "contracts",
        "subcontracts",
    ),
    (
        "contracts.relatedProcesses.relationship",
        "contracts",
        "subcontracts",
    ),
    ("contracts.status", "contracts", "status"),
    ("contracts.value", "contracts", "amount"),
    ("parties.address.streetAddress", "parties", "street_address"),
    (
        "parties.beneficialOwners",
        "parties",
        "beneficial_owner_keys",
    ),
    ("parties.contactPoint.email", "parties", "email"),
    ("parties.contactPoint.name", "parties", "contact_name"),
    ("parties.contactPoint.telephone", "parties", "telephone"),
    ("parties.contactPoint.url", "parties", "url"),
    // Made in a run only with a list that reads it (see `crate::frames::Builder::keeping`).
    ("parties.identifier.id", "parties", "identifier_id"),
    ("parties.shareholders", "parties", "shareholder_keys"),
    (
        "planning.budget.amount.amount",
        "processes",
        "budget_amount",
    ),
    (
        "planning.budget.amount.currency",
        "processes",
        "budget_currency",
    ),
    ("planning.documents", "processes", "planning_documents"),
    ("tender.awardCriteria", "processes", "award_criteria"),
    ("tender.awardPeriod.startDate", "processes", "award_start"),
    ("tender.bidOpening.date", "processes", "bid_opening"),
    ("tender.datePublished", "processes", "tender_published"),
    (
        "tender.documents.datePublished",
        "processes",
        "tender_documents",
    ),
    (
        "tender.documents.documentType",
        "processes",
        "tender_documents",
    ),
    ("tender.enquiries.answer", "processes", "enquiries"),
    ("tender.enquiries.date", "processes", "enquiries"),
    ("tender.enquiries.dateAnswered", "processes", "enquiries"),
    (
        "tender.items.classification",
        "items:tender",
        "classification_id",
    ),
    (
        "tender.items.classification.id",
        "items:tender",
        "classification_id",
    ),
    ("tender.items.unit.name", "items:tender", "unit_name"),
    ("tender.items.unit.value", "items:tender", "unit_amount"),
    (
        "tender.mainProcurementCategory",
        "processes",
        "main_procurement_category",
    ),
    (
        "tender.numberOfTenderers",
        "processes",
        "number_of_tenderers",
    ),
    (
        "tender.participationFees.value",
        "processes",
        "participation_fee",
    ),
    (
        "tender.procurementMethod",
        "processes",
        "procurement_method",
    ),
    (
        "tender.procurementMethodDetails",
        "processes",
        "procurement_method_details",
    ),
    (
        "tender.procurementMethodRationale",
        "processes",
        "procurement_method_rationale",
    ),
    (
        "tender.procuringEntity.id",
        "processes",
        "procuring_entity_id",
    ),
    ("tender.tenderPeriod", "processes:true", "has_tender_period"),
    ("tender.tenderPeriod.endDate", "processes", "tender_end"),
    ("tender.tenderPeriod.startDate", "processes", "tender_start"),
    ("tender.tenderers.id", "processes", "tenderers_listed"),
    ("tender.value", "processes", "tender_amount"),
    ("tender.value.amount", "processes", "tender_amount"),
    ("tender.value.currency", "processes", "tender_currency"),
];

/// Whether the frames hold a field (every field an indicator declares must be here: a test
/// checks).
pub fn is_measured(field: &str) -> bool {
    FIELDS.iter().any(|(name, _, _)| *name == field)
}

/// The processes with a value of the field, as a lazy frame of their keys.
fn holders(frames: &Frames, table: &str, column: &str) -> LazyFrame {
    let (table, condition) = table.split_once(':').unwrap_or((table, ""));
    let frame = frames
        .tables()
        .into_iter()
        .find(|(name, _)| *name == table)
        .map_or_else(DataFrame::empty, |(_, frame)| frame.clone());
    let value = col(column);
    let present = match condition {
        "award" | "tender" | "contract" => {
            value.is_not_null().and(col("section").eq(lit(condition)))
        }
        "positive" => value.gt(lit(0)),
        "true" => value.eq(lit(true)),
        _ => value.is_not_null(),
    };
    frame.lazy().filter(present).select([col(KEY)])
}

/// The coverage of `fields` (OCDS paths, dot-separated, each once): one row per field, in the
/// order given, with `field`, `processes` (how many have a value) and `share` (of every
/// process, 0–1; empty when there is no process). A field the frames do not hold has no row.
pub fn coverage(frames: &Frames, fields: &[&str]) -> PolarsResult<DataFrame> {
    let total = frames.processes.height();
    let measured: Vec<(&str, &str, &str)> = fields
        .iter()
        .filter_map(|field| FIELDS.iter().find(|(name, _, _)| name == field).copied())
        .collect();
    let queries = measured
        .iter()
        .map(|(_, table, column)| {
            holders(frames, table, column)
                .select([col(KEY).n_unique().cast(DataType::UInt32)])
                .logical_plan
        })
        .collect();
    let counts = LazyFrame::collect_all_with_engine(queries, Engine::Auto, OptFlags::default())?;
    let processes: Vec<u32> = counts
        .iter()
        .map(|frame| {
            frame
                .column(KEY)
                .ok()
                .and_then(|column| column.u32().ok()?.get(0))
                .unwrap_or(0)
        })
        .collect();
    let shares: Vec<Option<f64>> = processes
        .iter()
        .map(|&n| (total > 0).then(|| f64::from(n) / total as f64))
        .collect();
    df!(
        "field" => measured.iter().map(|(field, _, _)| *field).collect::<Vec<_>>(),
        "processes" => processes,
        "share" => shares,
    )
}

/// The coverage of every field the given indicators read (`(slug, fields)`), one row per
/// field in name order, with `indicators`: the slugs of those reading it, `; `-separated.
pub fn of_indicators(frames: &Frames, indicators: &[(&str, &[&str])]) -> PolarsResult<DataFrame> {
    let mut fields: Vec<&str> = indicators
        .iter()
        .flat_map(|(_, fields)| fields.iter().copied())
        .filter(|field| is_measured(field))
        .collect();
    fields.sort_unstable();
    fields.dedup();
    let mut table = coverage(frames, &fields)?;
    let readers: Vec<String> = fields
        .iter()
        .map(|field| {
            indicators
                .iter()
                .filter(|(_, read)| read.contains(field))
                .map(|(slug, _)| *slug)
                .collect::<Vec<_>>()
                .join("; ")
        })
        .collect();
    table.with_column(Column::new("indicators".into(), readers))?;
    Ok(table)
}
