//! `abnormal_contact` (OCP R042): a tenderer or supplier gives an address, telephone or e-mail
//! on the user's list of abnormal contact details (`[lists] contacts`).

use polars::prelude::*;

use super::support::listed::{bidder_parties, not_run};
use super::support::{PROCESS_EXAMPLES, organizations_from, process_rows};
use super::{
    Batch, Definition, Group, InParts, LazyOutcome, Metadata, NoSettings, ORGANIZATION_ID, PROCESS,
    Phase, Plan,
};
use crate::domain::Tables;
use crate::evidence::{Evidence, Field, Kind};
use crate::frames::text_key;
use crate::lists::{CONTACT_KINDS, KEY, LINE, contact_key};

/// The indicator.
pub struct AbnormalContact;

/// The evidence values and their types.
const EVIDENCE: [(&str, DataType); 5] = [
    ("tenderer", DataType::String),
    ("kind", DataType::String),
    ("value", DataType::String),
    ("note", DataType::String),
    ("line", DataType::UInt32),
];

/// The column of `parties` that holds each kind of detail.
const COLUMNS: [(&str, &str); 3] = [
    ("address", "street_address"),
    ("telephone", "telephone"),
    ("email", "email"),
];

static METADATA: Metadata = Metadata {
    slug: "abnormal_contact",
    code: Some("R042"),
    title: "Bidder with an abnormal address or telephone",
    phase: Phase::Tender,
    group: Group::Competition,
    weight: 0.40,
    family: "abnormal_contact",
    lists_tenderers: false,
    batch: Batch::Other,
    in_parts: InParts::Outcome,
    list: Some("contacts"),
    levels: &["process", "tenderer"],
    fields: &[
        "parties.address.streetAddress",
        "parties.contactPoint.telephone",
        "parties.contactPoint.email",
        "bids.details.tenderers.id",
        "awards.suppliers.id",
    ],
    evidence: Evidence {
        process: &[
            Field::new("tenderer", Kind::Text),
            Field::new("kind", Kind::Code(&CONTACT_KINDS)),
            Field::new("value", Kind::Text),
            Field::or("note", Kind::Text, "none"),
            Field::new("line", Kind::Count),
        ],
        organization: PROCESS_EXAMPLES,
    },
    settings: &[],
    page: include_str!("../../indicators/abnormal_contact.md"),
};

impl Definition for AbnormalContact {
    type Settings = NoSettings;

    fn metadata(&self) -> &'static Metadata {
        &METADATA
    }

    fn compute(&self, tables: &Tables, _: &NoSettings) -> PolarsResult<Plan> {
        let Some(list) = tables.lists().contacts.clone() else {
            return Plan::processes_only(not_run(tables, &EVIDENCE));
        };
        let bidders = bidder_parties(tables)?;
        let parties = tables
            .parties()
            .filter(col("party_id").is_not_null())
            .join(
                bidders,
                [col(PROCESS), col("party_id")],
                [col(PROCESS), col("party_id")],
                JoinArgs::new(JoinType::Semi),
            )
            .cache();
        // Each bidder's details of each kind, keyed as the list's are.
        let details = COLUMNS
            .iter()
            .map(|(kind, column)| {
                let kind = *kind;
                parties
                    .clone()
                    .select([
                        col(PROCESS),
                        col("party_id"),
                        col("name")
                            .cast(DataType::String)
                            .fill_null(col("party_id").cast(DataType::String))
                            .alias("tenderer"),
                        lit(kind).alias("kind"),
                        text_key(column, move |text| contact_key(kind, text)).alias(KEY),
                    ])
                    .filter(col(KEY).is_not_null())
            })
            .collect::<Vec<_>>();
        let details = concat(details, UnionArgs::default())?.cache();
        let list =
            list.lazy()
                .select([col("kind"), col(KEY), col("value"), col("note"), col(LINE)]);
        let hits = details
            .clone()
            .join(
                list,
                [col("kind"), col(KEY)],
                [col("kind"), col(KEY)],
                JoinArgs::new(JoinType::Inner),
            )
            .sort([PROCESS, "tenderer", LINE], SortMultipleOptions::default())
            .cache();
        let flagged = hits.clone().group_by_stable([col(PROCESS)]).agg([
            col("tenderer").first(),
            col("kind").first(),
            col("value").first(),
            col("note").first(),
            col(LINE).first(),
        ]);
        let assessable = details
            .select([col(PROCESS)])
            .unique_stable(None, UniqueKeepStrategy::First)
            .join(
                flagged,
                [col(PROCESS)],
                [col(PROCESS)],
                JoinArgs::new(JoinType::Left),
            );
        let flag = col("tenderer").is_not_null();
        let processes = process_rows(
            assessable,
            flag.clone(),
            when(flag).then(lit(1.0)).otherwise(lit(0.0)),
            EVIDENCE.map(|(name, dtype)| col(name).cast(dtype)),
        );
        let organizations = organizations_from(
            tables,
            hits.select([col(PROCESS), col("party_id").alias(ORGANIZATION_ID)]),
            "tenderer",
        );
        Ok(LazyOutcome {
            processes,
            organizations,
            meta: Vec::new(),
        }
        .into())
    }
}
