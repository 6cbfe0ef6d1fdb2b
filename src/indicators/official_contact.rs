//! `official_contact` (OCP R043): a tenderer or supplier gives the same telephone, e-mail or
//! contact person as the buyer or procuring entity of the process.

use polars::prelude::*;

use super::support::listed::{bidder_parties, not_run, parties_in};
use super::support::{PROCESS_EXAMPLES, organizations_from, process_rows};
use super::{
    Batch, Definition, Group, InParts, LazyOutcome, Metadata, NoSettings, ORGANIZATION_ID, PROCESS,
    Phase, Plan,
};
use crate::domain::Tables;
use crate::evidence::{Evidence, Field, Kind};
use crate::frames::text_key;
use crate::lists::{email_key, telephone_key};

/// The indicator.
pub struct OfficialContact;

/// The contact details compared, in the order the evidence prefers them: the column of
/// `parties` and its kind.
const CONTACTS: [(&str, &str); 3] = [
    ("email", "email"),
    ("telephone", "telephone"),
    ("contact_name", "contact_name"),
];

static METADATA: Metadata = Metadata {
    slug: "official_contact",
    code: Some("R043"),
    title: "Bidder has the same contact as the buyer",
    phase: Phase::Tender,
    group: Group::Competition,
    weight: 0.60,
    family: "official_contact",
    lists_tenderers: false,
    batch: Batch::Other,
    in_parts: InParts::Outcome,
    list: None,
    levels: &["process", "tenderer"],
    fields: &[
        "parties.contactPoint.email",
        "parties.contactPoint.telephone",
        "parties.contactPoint.name",
        "buyer.id",
        "tender.procuringEntity.id",
        "bids.details.tenderers.id",
        "awards.suppliers.id",
    ],
    evidence: Evidence {
        process: &[
            Field::new("tenderer", Kind::Text),
            Field::new("official", Kind::Text),
            Field::new("kind", Kind::Code(&["email", "telephone", "contact_name"])),
            Field::new("contact", Kind::Text),
        ],
        organization: PROCESS_EXAMPLES,
    },
    settings: &[],
    page: include_str!("../../indicators/official_contact.md"),
};

/// A person's name as compared: its letters and digits in lower case, when four or more.
fn person_key(text: &str) -> Option<String> {
    let key = crate::lists::address_key(text);
    (key.chars().count() >= 4).then_some(key)
}

impl Definition for OfficialContact {
    type Settings = NoSettings;

    fn metadata(&self) -> &'static Metadata {
        &METADATA
    }

    fn compute(&self, tables: &Tables, _: &NoSettings) -> PolarsResult<Plan> {
        // No party gives a contact detail (most publishers): nothing to compare, and no query
        // over the bids and awards for it.
        if !CONTACTS
            .iter()
            .any(|(column, _)| tables.holds_values("parties", column))
        {
            let evidence =
                ["tenderer", "official", "kind", "contact"].map(|name| (name, DataType::String));
            return Plan::processes_only(not_run(tables, &evidence));
        }
        let keys = [
            text_key("email", email_key).alias("email"),
            text_key("telephone", telephone_key).alias("telephone"),
            text_key("contact_name", person_key).alias("contact_name"),
        ];
        let contacts = tables
            .parties()
            .filter(
                col("party_id").is_not_null().and(
                    col("email")
                        .is_not_null()
                        .or(col("telephone").is_not_null())
                        .or(col("contact_name").is_not_null()),
                ),
            )
            .select(
                [col(PROCESS), col("party_id"), col("name")]
                    .into_iter()
                    .chain(keys)
                    .collect::<Vec<_>>(),
            )
            .cache();
        let officials = parties_in([
            (tables.processes(), "buyer_id"),
            (tables.processes(), "procuring_entity_id"),
        ])?;
        let bidders = bidder_parties(tables)?;
        let among = |ids: LazyFrame| {
            contacts.clone().join(
                ids,
                [col(PROCESS), col("party_id")],
                [col(PROCESS), col("party_id")],
                JoinArgs::new(JoinType::Semi),
            )
        };
        let (officials, bidders) = (among(officials).cache(), among(bidders).cache());
        // Every (bidder, official, kind) pair of the same process with the same detail.
        let matches = CONTACTS
            .iter()
            .enumerate()
            .map(|(order, (column, kind))| {
                let side = |frame: &LazyFrame, who: &str| {
                    frame.clone().filter(col(*column).is_not_null()).select([
                        col(PROCESS),
                        col("party_id").alias(format!("{who}_id")),
                        col("name")
                            .cast(DataType::String)
                            .fill_null(col("party_id").cast(DataType::String))
                            .alias(who),
                        col(*column).alias("contact"),
                    ])
                };
                side(&bidders, "tenderer")
                    .join(
                        side(&officials, "official"),
                        [col(PROCESS), col("contact")],
                        [col(PROCESS), col("contact")],
                        JoinArgs::new(JoinType::Inner),
                    )
                    .filter(col("tenderer_id").neq(col("official_id")))
                    .with_columns([lit(*kind).alias("kind"), lit(order as u32).alias("order")])
            })
            .collect::<Vec<_>>();
        let matches = concat(matches, UnionArgs::default())?
            .sort(
                [PROCESS, "order", "tenderer", "official", "contact"],
                SortMultipleOptions::default(),
            )
            .cache();
        let flagged = matches.clone().group_by_stable([col(PROCESS)]).agg([
            col("tenderer").first(),
            col("official").first(),
            col("kind").first(),
            col("contact").first(),
        ]);
        // Assessable: an official and a bidder with some contact detail.
        let with_contact = |frame: LazyFrame| {
            frame
                .select([col(PROCESS)])
                .unique_stable(None, UniqueKeepStrategy::First)
        };
        let assessable = with_contact(officials)
            .join(
                with_contact(bidders),
                [col(PROCESS)],
                [col(PROCESS)],
                JoinArgs::new(JoinType::Semi),
            )
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
            ["tenderer", "official", "kind", "contact"].map(col),
        );
        let organizations = organizations_from(
            tables,
            matches.select([col(PROCESS), col("tenderer_id").alias(ORGANIZATION_ID)]),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contacts_are_compared_as_written_otherwise() {
        assert_eq!(
            telephone_key("+66 2 123 4567"),
            telephone_key("02-123-4567")
        );
        assert_eq!(telephone_key("02-123-4567").as_deref(), Some("21234567"));
        assert_eq!(telephone_key("1234"), None);
        assert_eq!(
            email_key(" A.B@Example.go.th "),
            email_key("a.b@example.go.th")
        );
        assert_eq!(email_key("no address"), None);
        assert_eq!(person_key("นาย สมชาย ใจดี"), person_key("นายสมชาย  ใจดี"));
        assert_eq!(person_key("Dr"), None);
    }
}
