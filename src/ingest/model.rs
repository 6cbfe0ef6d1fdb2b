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
}

// `ocid`, `id`, `date` and `tag` are omitted when merged; the merge sets them itself.
merge_fields!(Release {
    buyer,
    parties,
    planning,
    tender,
    bids,
    awards,
    contracts
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
        if let Some(tender) = self.tender.get()
            && (periods(&tender.tender_period, &mut check)
                || amendments(&tender.amendments, &mut check))
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
                || contract.implementation.get().is_some_and(|implementation| {
                    implementation
                        .transactions
                        .items()
                        .iter()
                        .any(|transaction| check(&transaction.date))
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
}

merge_fields!(Party {
    id,
    name,
    roles,
    identifier,
    contact_point,
    address
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
}

merge_fields!(ContactPoint {
    name,
    email,
    telephone
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
}

merge_fields!(Planning { budget });

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
}

merge_fields!(Item { id, classification });

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
    amendment
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
    /// The first end date the releases gave the contract's period, kept by the merge so that
    /// a later extension stays visible (not an OCDS field).
    #[serde(skip)]
    pub first_period_end: Field<Text>,
}

impl Merge for Contract {
    fn merge(&mut self, newer: Self) {
        let before = period_end(self);
        let newer_first = newer.first_period_end.clone();
        self.merge_fields(newer);
        if !self.first_period_end.is_set() {
            self.first_period_end = before
                .or(newer_first.get().cloned())
                .or_else(|| period_end(self))
                .into();
        }
    }

    fn settle(&mut self) {
        self.settle_fields();
        if !self.first_period_end.is_set() {
            self.first_period_end = period_end(self).into();
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
});

/// A contract's implementation.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct Implementation {
    /// Payments and other transactions.
    #[serde(deserialize_with = "lenient::list")]
    pub transactions: Field<Vec<Transaction>>,
}

merge_fields!(Implementation { transactions });

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
    OrganizationReference,
    Item,
    Amendment,
    Bid,
    Award,
    Contract,
    Transaction
);
