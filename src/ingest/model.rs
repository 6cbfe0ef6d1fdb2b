//! The OCDS release, reduced to the fields the frames read.
//!
//! Parsing straight into these structs (instead of a generic JSON tree) keeps memory to what
//! the indicators need and lets serde skip everything else at scanning speed. Every field is
//! lenient (see [`super::lenient`]) and records whether it was absent, `null` or set, which the
//! merge rules need. A release writes back as OCDS JSON (absent fields as `null`), for the
//! corrections of [`super::prepare`].

use serde::{Deserialize, Serialize};

use super::lenient::{self, Field, Text};
use super::merge::{Identified, Merge};

/// Implements [`Merge`] for a struct by merging each named field.
macro_rules! merge_fields {
    // An inherent method merging the fields, for a type whose `Merge` does more.
    (fn $method:ident, $settle:ident for $type:ident { $($field:ident),* $(,)? }) => {
        impl $type {
            fn $method(&mut self, newer: Self) {
                $(self.$field.merge(newer.$field);)*
            }
            fn $settle(&mut self) {
                $(self.$field.settle();)*
            }
        }
    };
    ($type:ty { $($field:ident),* $(,)? }) => {
        impl Merge for $type {
            fn merge(&mut self, newer: Self) {
                $(self.$field.merge(newer.$field);)*
            }
            fn settle(&mut self) {
                $(self.$field.settle();)*
            }
        }
    };
}

/// Implements [`Identified`] for a struct whose `id` field identifies it in arrays.
macro_rules! identified_by_id {
    ($($type:ty),*) => {
        $(impl Identified for $type {
            fn identifier(&self) -> Option<&str> {
                self.id.str()
            }
        })*
    };
}

/// A release (or a compiled release): one contracting process's data at one point in time.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Release {
    /// The contracting process's identifier (a JSON string, as the standard requires).
    #[serde(deserialize_with = "lenient::string")]
    pub ocid: Field<Text>,
    /// The release's identifier.
    #[serde(deserialize_with = "lenient::text")]
    pub id: Field<Text>,
    /// The release's date.
    #[serde(deserialize_with = "lenient::text")]
    pub date: Field<Text>,
    /// The release's tags (`tender`, `award`, `compiled`, ...).
    #[serde(deserialize_with = "lenient::codes")]
    pub tag: Field<Vec<Text>>,
    /// The buyer.
    #[serde(deserialize_with = "lenient::object")]
    pub buyer: Field<OrganizationReference>,
    /// The organizations involved.
    #[serde(deserialize_with = "lenient::list")]
    pub parties: Field<Vec<Party>>,
    /// Planning information.
    #[serde(deserialize_with = "lenient::object")]
    pub planning: Field<Planning>,
    /// The tender.
    /// The tender, boxed: it is most of a release's size (600 of 950 bytes), and a release is
    /// moved several times between the parse and the rows.
    #[serde(deserialize_with = "lenient::object")]
    pub tender: Field<Box<Tender>>,
    /// The bids (OCDS bid extension).
    #[serde(deserialize_with = "deserialize_bids")]
    pub bids: Field<Bids>,
    /// The awards.
    #[serde(deserialize_with = "lenient::list")]
    pub awards: Field<Vec<Award>>,
    /// The contracts.
    #[serde(deserialize_with = "lenient::list")]
    pub contracts: Field<Vec<Contract>>,
    /// Complaints about the process (as the complaints extension publishes them at the top
    /// level).
    #[serde(deserialize_with = "lenient::list")]
    pub complaints: Field<Vec<Complaint>>,
}

// `ocid`, `id`, `date` and `tag` are omitted when merged; the merge sets them itself.
merge_fields!(Release {
    buyer,
    parties,
    planning,
    tender,
    bids,
    awards,
    contracts,
    complaints
});

impl Release {
    /// Whether any of the release's dates meets `test` (the release's date, periods,
    /// amendments, bids, awards, contracts, transactions).
    pub fn any_date(&self, test: &mut dyn FnMut(&str) -> bool) -> bool {
        let mut check = |field: &Field<Text>| field.str().is_some_and(&mut *test);
        let periods = |period: &Field<Period>, check: &mut dyn FnMut(&Field<Text>) -> bool| {
            period.get().is_some_and(|period| {
                check(&period.start_date)
                    || check(&period.end_date)
                    || check(&period.max_extent_date)
            })
        };
        let amendments = |list: &Field<Vec<Amendment>>,
                          check: &mut dyn FnMut(&Field<Text>) -> bool| {
            list.items().iter().any(|amendment| check(&amendment.date))
        };
        if check(&self.date) {
            return true;
        }
        let documents = |list: &Field<Vec<Document>>,
                         check: &mut dyn FnMut(&Field<Text>) -> bool| {
            list.items()
                .iter()
                .any(|document| check(&document.date_published))
        };
        if self
            .planning
            .get()
            .is_some_and(|planning| documents(&planning.documents, &mut check))
        {
            return true;
        }
        if let Some(tender) = self.tender.get()
            && (periods(&tender.tender_period, &mut check)
                || periods(&tender.award_period, &mut check)
                || amendments(&tender.amendments, &mut check)
                || check(&tender.date_published)
                || documents(&tender.documents, &mut check)
                || tender
                    .bid_opening
                    .get()
                    .is_some_and(|opening| check(&opening.date))
                || tender
                    .enquiries
                    .items()
                    .iter()
                    .any(|enquiry| check(&enquiry.date) || check(&enquiry.date_answered)))
        {
            return true;
        }
        if let Some(bids) = self.bids.get()
            && bids.details.items().iter().any(|bid| check(&bid.date))
        {
            return true;
        }
        let awards = self.awards.items().iter();
        if awards
            .into_iter()
            .any(|award| check(&award.date) || amendments(&award.amendments, &mut check))
        {
            return true;
        }
        self.contracts.items().iter().any(|contract| {
            check(&contract.date_signed)
                || check(&contract.first_period_end)
                || periods(&contract.period, &mut check)
                || amendments(&contract.amendments, &mut check)
                || documents(&contract.documents, &mut check)
                || contract.implementation.get().is_some_and(|implementation| {
                    implementation
                        .transactions
                        .items()
                        .iter()
                        .any(|transaction| check(&transaction.date))
                        || implementation.milestones.items().iter().any(|milestone| {
                            check(&milestone.due_date) || check(&milestone.date_met)
                        })
                })
        })
    }
}

/// A reference to an organization (buyer, procuring entity, tenderer, supplier).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct OrganizationReference {
    /// The organization's id in the `parties` section.
    #[serde(deserialize_with = "lenient::text")]
    pub id: Field<Text>,
    /// The organization's name.
    #[serde(deserialize_with = "lenient::text")]
    pub name: Field<Text>,
    /// The organization's identifier (OCDS 1.0 references carry only this).
    #[serde(deserialize_with = "lenient::object")]
    pub identifier: Field<Identifier>,
}

merge_fields!(OrganizationReference {
    id,
    name,
    identifier
});

/// An organization identifier from a registry.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Identifier {
    /// The register (e.g. `UA-EDR`).
    #[serde(deserialize_with = "lenient::text")]
    pub scheme: Field<Text>,
    /// The identifier within the register.
    #[serde(deserialize_with = "lenient::text")]
    pub id: Field<Text>,
    /// The registered legal name.
    #[serde(deserialize_with = "lenient::text")]
    pub legal_name: Field<Text>,
}

merge_fields!(Identifier {
    scheme,
    id,
    legal_name
});

/// An organization in the `parties` section.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Party {
    /// The id other sections reference.
    #[serde(deserialize_with = "lenient::text")]
    pub id: Field<Text>,
    /// The name.
    #[serde(deserialize_with = "lenient::text")]
    pub name: Field<Text>,
    /// The roles (`buyer`, `procuringEntity`, `tenderer`, `supplier`, ...).
    #[serde(deserialize_with = "lenient::codes")]
    pub roles: Field<Vec<Text>>,
    /// The primary identifier.
    #[serde(deserialize_with = "lenient::object")]
    pub identifier: Field<Identifier>,
    /// The contact point (a person, an e-mail, a telephone).
    #[serde(deserialize_with = "lenient::object")]
    pub contact_point: Field<ContactPoint>,
    /// The address.
    #[serde(deserialize_with = "lenient::object")]
    pub address: Field<Address>,
    /// The people who own or control it (OCDS beneficial owners extension).
    #[serde(deserialize_with = "lenient::list")]
    pub beneficial_owners: Field<Vec<BeneficialOwner>>,
    /// Its shareholders (OCDS shareholders extension).
    #[serde(deserialize_with = "lenient::list")]
    pub shareholders: Field<Vec<Shareholder>>,
}

merge_fields!(Party {
    id,
    name,
    roles,
    identifier,
    contact_point,
    address,
    beneficial_owners,
    shareholders
});

/// A person who owns or controls an organization (OCDS beneficial owners extension).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct BeneficialOwner {
    /// Its local id in the party's list.
    #[serde(deserialize_with = "lenient::text")]
    pub id: Field<Text>,
    /// The person's name.
    #[serde(deserialize_with = "lenient::text")]
    pub name: Field<Text>,
    /// The person's identifier (a national id, a register's number).
    #[serde(deserialize_with = "lenient::object")]
    pub identifier: Field<Identifier>,
}

merge_fields!(BeneficialOwner {
    id,
    name,
    identifier
});

/// A holder of an organization's shares (OCDS shareholders extension).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct Shareholder {
    /// Its local id in the party's list.
    #[serde(deserialize_with = "lenient::text")]
    pub id: Field<Text>,
    /// The shareholder: a person or an organization, by its entry in `parties`.
    #[serde(deserialize_with = "lenient::object")]
    pub shareholder: Field<OrganizationReference>,
    /// The share of the organization it holds (0-1).
    #[serde(deserialize_with = "lenient::number")]
    pub shareholding: Field<f64>,
}

merge_fields!(Shareholder {
    id,
    shareholder,
    shareholding
});

/// A party's address.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Address {
    /// The street address.
    #[serde(deserialize_with = "lenient::text")]
    pub street_address: Field<Text>,
    /// The postal code.
    #[serde(deserialize_with = "lenient::text")]
    pub postal_code: Field<Text>,
}

merge_fields!(Address {
    street_address,
    postal_code
});

/// A party's contact point.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ContactPoint {
    /// The person or office to contact.
    #[serde(deserialize_with = "lenient::text")]
    pub name: Field<Text>,
    /// The e-mail address.
    #[serde(deserialize_with = "lenient::text")]
    pub email: Field<Text>,
    /// The telephone number.
    #[serde(deserialize_with = "lenient::text")]
    pub telephone: Field<Text>,
    /// A web address.
    #[serde(deserialize_with = "lenient::text")]
    pub url: Field<Text>,
}

merge_fields!(ContactPoint {
    name,
    email,
    telephone,
    url
});

/// A monetary value.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct Amount {
    /// The amount.
    #[serde(deserialize_with = "lenient::number")]
    pub amount: Field<f64>,
    /// The ISO 4217 currency code.
    #[serde(deserialize_with = "lenient::text")]
    pub currency: Field<Text>,
}

merge_fields!(Amount { amount, currency });

/// A period of time.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Period {
    /// The start date.
    #[serde(deserialize_with = "lenient::text")]
    pub start_date: Field<Text>,
    /// The end date.
    #[serde(deserialize_with = "lenient::text")]
    pub end_date: Field<Text>,
    /// The latest possible end date.
    #[serde(deserialize_with = "lenient::text")]
    pub max_extent_date: Field<Text>,
    /// The length in days.
    #[serde(deserialize_with = "lenient::integer")]
    pub duration_in_days: Field<i64>,
}

merge_fields!(Period {
    start_date,
    end_date,
    max_extent_date,
    duration_in_days
});

/// Planning information.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct Planning {
    /// The budget.
    #[serde(deserialize_with = "lenient::object")]
    pub budget: Field<Budget>,
    /// The planning documents (procurement plan, needs assessment, ...).
    #[serde(deserialize_with = "lenient::list")]
    pub documents: Field<Vec<Document>>,
}

merge_fields!(Planning { budget, documents });

/// A document: its kind and when it was published (its contents are not read).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Document {
    /// The document's id.
    #[serde(deserialize_with = "lenient::text")]
    pub id: Field<Text>,
    /// Its kind, from OCDS's `documentType` codelist (`tenderNotice`, `contractSigned`, ...).
    #[serde(deserialize_with = "lenient::text")]
    pub document_type: Field<Text>,
    /// When it was first published.
    #[serde(deserialize_with = "lenient::text")]
    pub date_published: Field<Text>,
}

merge_fields!(Document {
    id,
    document_type,
    date_published
});

/// A fee to take part in the tender (OCDS participation fees extension).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ParticipationFee {
    /// The fee's id.
    #[serde(deserialize_with = "lenient::text")]
    pub id: Field<Text>,
    /// The fee.
    #[serde(deserialize_with = "lenient::object")]
    pub value: Field<Amount>,
}

merge_fields!(ParticipationFee { id, value });

/// The opening of the bids (OCDS bid opening extension).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct BidOpening {
    /// When the bids are opened.
    #[serde(deserialize_with = "lenient::text")]
    pub date: Field<Text>,
}

merge_fields!(BidOpening { date });

/// A question from a potential bidder (OCDS enquiries extension).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Enquiry {
    /// The enquiry's id.
    #[serde(deserialize_with = "lenient::text")]
    pub id: Field<Text>,
    /// When it was asked.
    #[serde(deserialize_with = "lenient::text")]
    pub date: Field<Text>,
    /// When it was answered.
    #[serde(deserialize_with = "lenient::text")]
    pub date_answered: Field<Text>,
    /// The answer.
    #[serde(deserialize_with = "lenient::text")]
    pub answer: Field<Text>,
}

merge_fields!(Enquiry {
    id,
    date,
    date_answered,
    answer
});

/// A complaint about the process (its existence is what is read).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct Complaint {
    /// The complaint's id.
    #[serde(deserialize_with = "lenient::text")]
    pub id: Field<Text>,
    /// Its status, as the publisher writes it.
    #[serde(deserialize_with = "lenient::text")]
    pub status: Field<Text>,
}

merge_fields!(Complaint { id, status });

/// The subcontracting an award allows (OCDS subcontracting extension).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Subcontracting {
    /// The least share of the contract's value (in percent) to be subcontracted.
    #[serde(deserialize_with = "lenient::number")]
    pub minimum_percentage: Field<f64>,
    /// The greatest share.
    #[serde(deserialize_with = "lenient::number")]
    pub maximum_percentage: Field<f64>,
}

merge_fields!(Subcontracting {
    minimum_percentage,
    maximum_percentage
});

/// A milestone of a contract's implementation (a delivery, a payment, ...).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Milestone {
    /// The milestone's id.
    #[serde(deserialize_with = "lenient::text")]
    pub id: Field<Text>,
    /// Its kind (`delivery`, `reporting`, `financing`, ...).
    #[serde(rename = "type", deserialize_with = "lenient::text")]
    pub kind: Field<Text>,
    /// `scheduled`, `met`, `notMet` or `partiallyMet`.
    #[serde(deserialize_with = "lenient::text")]
    pub status: Field<Text>,
    /// When it is due.
    #[serde(deserialize_with = "lenient::text")]
    pub due_date: Field<Text>,
    /// When it was met.
    #[serde(deserialize_with = "lenient::text")]
    pub date_met: Field<Text>,
}

merge_fields!(Milestone {
    id,
    kind,
    status,
    due_date,
    date_met
});

/// A budget.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct Budget {
    /// The budgeted amount.
    #[serde(deserialize_with = "lenient::object")]
    pub amount: Field<Amount>,
}

merge_fields!(Budget { amount });

/// The tender: the call for bids and its terms.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Tender {
    /// The tender's id.
    #[serde(deserialize_with = "lenient::text")]
    pub id: Field<Text>,
    /// The title.
    #[serde(deserialize_with = "lenient::text")]
    pub title: Field<Text>,
    /// The status (`planned`, `active`, `cancelled`, `unsuccessful`, `complete`, ...).
    #[serde(deserialize_with = "lenient::text")]
    pub status: Field<Text>,
    /// The procuring entity.
    #[serde(deserialize_with = "lenient::object")]
    pub procuring_entity: Field<OrganizationReference>,
    /// The estimated value.
    #[serde(deserialize_with = "lenient::object")]
    pub value: Field<Amount>,
    /// `open`, `selective`, `limited` or `direct`.
    #[serde(deserialize_with = "lenient::text")]
    pub procurement_method: Field<Text>,
    /// The method's local name.
    #[serde(deserialize_with = "lenient::text")]
    pub procurement_method_details: Field<Text>,
    /// `goods`, `works` or `services`.
    #[serde(deserialize_with = "lenient::text")]
    pub main_procurement_category: Field<Text>,
    /// The award criteria.
    #[serde(deserialize_with = "lenient::text")]
    pub award_criteria: Field<Text>,
    /// The period for submitting bids.
    #[serde(deserialize_with = "lenient::object")]
    pub tender_period: Field<Period>,
    /// The number of tenderers.
    #[serde(deserialize_with = "lenient::integer")]
    pub number_of_tenderers: Field<i64>,
    /// The tenderers.
    #[serde(deserialize_with = "lenient::list")]
    pub tenderers: Field<Vec<OrganizationReference>>,
    /// The items to procure.
    #[serde(deserialize_with = "lenient::list")]
    pub items: Field<Vec<Item>>,
    /// The amendments.
    #[serde(deserialize_with = "lenient::list")]
    pub amendments: Field<Vec<Amendment>>,
    /// An amendment, as OCDS 1.0 published it (upgraded into `amendments`).
    #[serde(deserialize_with = "lenient::object")]
    pub amendment: Field<Amendment>,
    /// Why the procurement method was chosen.
    #[serde(deserialize_with = "lenient::text")]
    pub procurement_method_rationale: Field<Text>,
    /// When the tender was first published.
    #[serde(deserialize_with = "lenient::text")]
    pub date_published: Field<Text>,
    /// The tender's documents.
    #[serde(deserialize_with = "lenient::list")]
    pub documents: Field<Vec<Document>>,
    /// The fees to take part (participation fees extension).
    #[serde(deserialize_with = "lenient::list")]
    pub participation_fees: Field<Vec<ParticipationFee>>,
    /// The opening of the bids (bid opening extension).
    #[serde(deserialize_with = "lenient::object")]
    pub bid_opening: Field<BidOpening>,
    /// The period for deciding the award.
    #[serde(deserialize_with = "lenient::object")]
    pub award_period: Field<Period>,
    /// Questions from potential bidders (enquiries extension).
    #[serde(deserialize_with = "lenient::list")]
    pub enquiries: Field<Vec<Enquiry>>,
    /// Complaints about the tender, where a publisher puts them in it.
    #[serde(deserialize_with = "lenient::list")]
    pub complaints: Field<Vec<Complaint>>,
}

merge_fields!(Tender {
    id,
    title,
    status,
    procuring_entity,
    value,
    procurement_method,
    procurement_method_details,
    main_procurement_category,
    award_criteria,
    tender_period,
    number_of_tenderers,
    tenderers,
    items,
    amendments,
    amendment,
    procurement_method_rationale,
    date_published,
    documents,
    participation_fees,
    bid_opening,
    award_period,
    enquiries,
    complaints,
});

/// An item to procure.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct Item {
    /// The item's id.
    #[serde(deserialize_with = "lenient::text")]
    pub id: Field<Text>,
    /// Its classification (e.g. a CPV or UNSPSC code).
    #[serde(deserialize_with = "lenient::object")]
    pub classification: Field<Classification>,
    /// How many units.
    #[serde(deserialize_with = "lenient::number")]
    pub quantity: Field<f64>,
    /// The unit and its price.
    #[serde(deserialize_with = "lenient::object")]
    pub unit: Field<Unit>,
}

merge_fields!(Item {
    id,
    classification,
    quantity,
    unit
});

/// The unit an item is counted in, and the price of one.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct Unit {
    /// The unit's name (`piece`, `kilogram`, ...).
    #[serde(deserialize_with = "lenient::text")]
    pub name: Field<Text>,
    /// The price of one unit.
    #[serde(deserialize_with = "lenient::object")]
    pub value: Field<Amount>,
}

merge_fields!(Unit { name, value });

/// A classification code.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct Classification {
    /// The scheme (`CPV`, `UNSPSC`, ...).
    #[serde(deserialize_with = "lenient::text")]
    pub scheme: Field<Text>,
    /// The code.
    #[serde(deserialize_with = "lenient::text")]
    pub id: Field<Text>,
}

merge_fields!(Classification { scheme, id });

/// An amendment.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct Amendment {
    /// The amendment's id.
    #[serde(deserialize_with = "lenient::text")]
    pub id: Field<Text>,
    /// The date.
    #[serde(deserialize_with = "lenient::text")]
    pub date: Field<Text>,
    /// Why the amendment was made.
    #[serde(deserialize_with = "lenient::text")]
    pub rationale: Field<Text>,
    /// What changed.
    #[serde(deserialize_with = "lenient::text")]
    pub description: Field<Text>,
}

merge_fields!(Amendment {
    id,
    date,
    rationale,
    description
});

/// The bids section (OCDS bid extension).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct Bids {
    /// The bids.
    #[serde(deserialize_with = "lenient::list")]
    pub details: Field<Vec<Bid>>,
}

merge_fields!(Bids { details });

/// `bids` as the extension defines it, or a bare array of bids as some publishers write it.
fn deserialize_bids<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Field<Bids>, D::Error> {
    lenient::object_or_list(deserializer, |details| Bids {
        details: Field::Set(details),
    })
}

/// A bid.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct Bid {
    /// The bid's id.
    #[serde(deserialize_with = "lenient::text")]
    pub id: Field<Text>,
    /// When it was received.
    #[serde(deserialize_with = "lenient::text")]
    pub date: Field<Text>,
    /// `invited`, `pending`, `valid`, `disqualified` or `withdrawn`.
    #[serde(deserialize_with = "lenient::text")]
    pub status: Field<Text>,
    /// The bid's price.
    #[serde(deserialize_with = "lenient::object")]
    pub value: Field<Amount>,
    /// Who submitted it.
    #[serde(deserialize_with = "lenient::list")]
    pub tenderers: Field<Vec<OrganizationReference>>,
}

merge_fields!(Bid {
    id,
    date,
    status,
    value,
    tenderers
});

/// An award.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
#[serde(rename_all = "camelCase")]
pub struct Award {
    /// The award's id.
    #[serde(deserialize_with = "lenient::text")]
    pub id: Field<Text>,
    /// The title.
    #[serde(deserialize_with = "lenient::text")]
    pub title: Field<Text>,
    /// `pending`, `active`, `cancelled` or `unsuccessful`.
    #[serde(deserialize_with = "lenient::text")]
    pub status: Field<Text>,
    /// The date of the award decision.
    #[serde(deserialize_with = "lenient::text")]
    pub date: Field<Text>,
    /// The awarded value.
    #[serde(deserialize_with = "lenient::object")]
    pub value: Field<Amount>,
    /// The suppliers.
    #[serde(deserialize_with = "lenient::list")]
    pub suppliers: Field<Vec<OrganizationReference>>,
    /// The items awarded.
    #[serde(deserialize_with = "lenient::list")]
    pub items: Field<Vec<Item>>,
    /// The amendments.
    #[serde(deserialize_with = "lenient::list")]
    pub amendments: Field<Vec<Amendment>>,
    /// An amendment, as OCDS 1.0 published it (upgraded into `amendments`).
    #[serde(deserialize_with = "lenient::object")]
    pub amendment: Field<Amendment>,
    /// The id of the winning bid in `bids.details` (bids extension).
    #[serde(deserialize_with = "lenient::text")]
    pub related_bid: Field<Text>,
    /// Whether the supplier may subcontract (subcontracting extension; `true` or `false`).
    #[serde(deserialize_with = "lenient::text")]
    pub has_subcontracting: Field<Text>,
    /// How much it may subcontract.
    #[serde(deserialize_with = "lenient::object")]
    pub subcontracting: Field<Subcontracting>,
    /// Complaints about the award, where a publisher puts them in it.
    #[serde(deserialize_with = "lenient::list")]
    pub complaints: Field<Vec<Complaint>>,
}

merge_fields!(Award {
    id,
    title,
    status,
    date,
    value,
    suppliers,
    items,
    amendments,
    amendment,
    related_bid,
    has_subcontracting,
    subcontracting,
    complaints
});

/// A contract.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Contract {
    /// The contract's id.
    #[serde(deserialize_with = "lenient::text")]
    pub id: Field<Text>,
    /// The award it implements.
    #[serde(rename = "awardID", deserialize_with = "lenient::text")]
    pub award_id: Field<Text>,
    /// The title.
    #[serde(deserialize_with = "lenient::text")]
    pub title: Field<Text>,
    /// `pending`, `active`, `cancelled` or `terminated`.
    #[serde(deserialize_with = "lenient::text")]
    pub status: Field<Text>,
    /// When it was signed.
    #[serde(deserialize_with = "lenient::text")]
    pub date_signed: Field<Text>,
    /// Its duration.
    #[serde(deserialize_with = "lenient::object")]
    pub period: Field<Period>,
    /// Its value.
    #[serde(deserialize_with = "lenient::object")]
    pub value: Field<Amount>,
    /// The items contracted.
    #[serde(deserialize_with = "lenient::list")]
    pub items: Field<Vec<Item>>,
    /// The amendments.
    #[serde(deserialize_with = "lenient::list")]
    pub amendments: Field<Vec<Amendment>>,
    /// An amendment, as OCDS 1.0 published it (upgraded into `amendments`).
    #[serde(deserialize_with = "lenient::object")]
    pub amendment: Field<Amendment>,
    /// Implementation: payments and other transactions.
    #[serde(deserialize_with = "lenient::object")]
    pub implementation: Field<Implementation>,
    /// The contract's documents.
    #[serde(deserialize_with = "lenient::list")]
    pub documents: Field<Vec<Document>>,
    /// The processes it is related to (a subcontract, a framework's call-off, ...).
    #[serde(deserialize_with = "lenient::list")]
    pub related_processes: Field<Vec<RelatedProcess>>,
    /// The first end date the releases gave the contract's period, kept by the merge so that
    /// a later extension stays visible (not an OCDS field).
    #[serde(skip)]
    pub first_period_end: Field<Text>,
    /// The contract's items as the first release that listed them gave them, kept by the merge
    /// so that items removed or added later stay visible (not an OCDS field).
    #[serde(skip)]
    pub first_items: Option<ItemTally>,
}

/// How many items a contract lists and their total quantity (a missing quantity counts 0).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ItemTally {
    /// The number of items.
    pub count: u32,
    /// The sum of their quantities.
    pub quantity: f64,
}

impl ItemTally {
    /// The tally of a contract's items; none when it lists none.
    pub fn of(contract: &Contract) -> Option<ItemTally> {
        let items = contract.items.items();
        (!items.is_empty()).then(|| ItemTally {
            count: items.len() as u32,
            quantity: items
                .iter()
                .filter_map(|item| item.quantity.get().copied())
                .sum(),
        })
    }
}

impl Merge for Contract {
    fn merge(&mut self, newer: Self) {
        let before = period_end(self);
        let newer_first = newer.first_period_end.clone();
        let items_before = self.first_items.or_else(|| ItemTally::of(self));
        let newer_first_items = newer.first_items;
        self.merge_fields(newer);
        if !self.first_period_end.is_set() {
            self.first_period_end = before
                .or(newer_first.get().cloned())
                .or_else(|| period_end(self))
                .into();
        }
        self.first_items = items_before
            .or(newer_first_items)
            .or_else(|| ItemTally::of(self));
    }

    fn settle(&mut self) {
        self.settle_fields();
        if !self.first_period_end.is_set() {
            self.first_period_end = period_end(self).into();
        }
        if self.first_items.is_none() {
            self.first_items = ItemTally::of(self);
        }
    }
}

/// A contract's period end date, if set.
fn period_end(contract: &Contract) -> Option<Text> {
    contract
        .period
        .get()
        .and_then(|period| period.end_date.str())
        .map(Text::from)
}

merge_fields!(fn merge_fields, settle_fields for Contract {
    id,
    award_id,
    title,
    status,
    date_signed,
    period,
    value,
    items,
    amendments,
    amendment,
    implementation,
    documents,
    related_processes,
});

/// A process related to a contract.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct RelatedProcess {
    /// The link's id.
    #[serde(deserialize_with = "lenient::text")]
    pub id: Field<Text>,
    /// How it is related (`subContract`, `framework`, ...).
    #[serde(deserialize_with = "lenient::codes")]
    pub relationship: Field<Vec<Text>>,
    /// The kind of identifier (`ocid`, ...).
    #[serde(deserialize_with = "lenient::text")]
    pub scheme: Field<Text>,
    /// The related process's identifier (its ocid, when the scheme is `ocid`).
    #[serde(deserialize_with = "lenient::text")]
    pub identifier: Field<Text>,
}

merge_fields!(RelatedProcess {
    id,
    relationship,
    scheme,
    identifier
});

/// A contract's implementation.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct Implementation {
    /// Payments and other transactions.
    #[serde(deserialize_with = "lenient::list")]
    pub transactions: Field<Vec<Transaction>>,
    /// Milestones: deliveries and other events, with their due dates.
    #[serde(deserialize_with = "lenient::list")]
    pub milestones: Field<Vec<Milestone>>,
}

merge_fields!(Implementation {
    transactions,
    milestones
});

/// A payment or other transaction.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct Transaction {
    /// The transaction's id.
    #[serde(deserialize_with = "lenient::text")]
    pub id: Field<Text>,
    /// Its date.
    #[serde(deserialize_with = "lenient::text")]
    pub date: Field<Text>,
    /// Its value.
    #[serde(deserialize_with = "lenient::object")]
    pub value: Field<Amount>,
    /// Its value, as OCDS 1.0 named it (upgraded into `value`).
    #[serde(deserialize_with = "lenient::object")]
    pub amount: Field<Amount>,
}

merge_fields!(Transaction {
    id,
    date,
    value,
    amount
});

identified_by_id!(
    Party,
    BeneficialOwner,
    Shareholder,
    OrganizationReference,
    Item,
    Amendment,
    Bid,
    Award,
    Contract,
    Transaction,
    Document,
    ParticipationFee,
    Enquiry,
    Complaint,
    Milestone,
    RelatedProcess
);
