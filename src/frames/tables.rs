//! The tables' columns. Each field is one column; the doc comment says what it holds.

use polars::prelude::*;

use super::columns::{Timestamps, table};

table!(
    /// One row per contracting process.
    ProcessRows {
        /// The process key: the processes numbered from 0 in `ocid` order; every table's
        /// `process` column refers to it.
        process: Vec<u32>,
        /// The contracting process's identifier.
        ocid: Vec<&'a str>,
        /// The (latest) release date.
        date: Timestamps,
        /// `tender.title`.
        title: Vec<Option<&'a str>>,
        /// `buyer.id`.
        buyer_id: Vec<Option<&'a str>>,
        /// The buyer's name (from `buyer.name`, else its entry in `parties`).
        buyer_name: Vec<Option<&'a str>>,
        /// `tender.procuringEntity.id`.
        procuring_entity_id: Vec<Option<&'a str>>,
        /// The procuring entity's name.
        procuring_entity_name: Vec<Option<&'a str>>,
        /// `tender.id`.
        tender_id: Vec<Option<&'a str>>,
        /// `tender.status`.
        tender_status: Vec<Option<&'a str>>,
        /// `tender.procurementMethod`.
        procurement_method: Vec<Option<&'a str>>,
        /// `tender.procurementMethodDetails`.
        procurement_method_details: Vec<Option<&'a str>>,
        /// `tender.mainProcurementCategory`.
        main_procurement_category: Vec<Option<&'a str>>,
        /// `tender.awardCriteria`.
        award_criteria: Vec<Option<&'a str>>,
        /// `tender.value.amount`.
        tender_amount: Vec<Option<f64>>,
        /// `tender.value.currency`.
        tender_currency: Vec<Option<&'a str>>,
        /// `tender.tenderPeriod.startDate`.
        tender_start: Timestamps,
        /// `tender.tenderPeriod.endDate`.
        tender_end: Timestamps,
        /// `tender.numberOfTenderers`.
        number_of_tenderers: Vec<Option<i64>>,
        /// The number of distinct organization ids in `tender.tenderers` (null when absent).
        tenderers_listed: Vec<Option<u32>>,
        /// Whether `tender.tenderPeriod` is present at all.
        has_tender_period: Vec<bool>,
        /// `tender.amendments` (with OCDS 1.0's `amendment`): how many.
        tender_amendments: Vec<u32>,
        /// `planning.budget.amount.amount`.
        budget_amount: Vec<Option<f64>>,
        /// `planning.budget.amount.currency`.
        budget_currency: Vec<Option<&'a str>>,
        /// `tender.procurementMethodRationale`.
        procurement_method_rationale: Vec<Option<&'a str>>,
        /// `tender.datePublished`.
        tender_published: Timestamps,
        /// How many documents `tender.documents` lists (null when none).
        tender_documents: Vec<Option<u32>>,
        /// The earliest `datePublished` of the tender's documents of type `tenderNotice`.
        notice_published: Timestamps,
        /// How many of the key kinds of tender document (see
        /// [`crate::frames::KEY_TENDER_DOCUMENTS`]) the tender's documents include (null when
        /// it lists none).
        key_documents: Vec<Option<u32>>,
        /// The latest of the earliest `datePublished` of each key kind of tender document it
        /// includes: when the last of them came out.
        key_documents_published: Timestamps,
        /// How many documents `planning.documents` lists (null when none).
        planning_documents: Vec<Option<u32>>,
        /// Whether a planning document is of type `procurementPlan` (null when none is listed).
        procurement_plan: Vec<Option<bool>>,
        /// The largest of `tender.participationFees[].value.amount`.
        participation_fee: Vec<Option<f64>>,
        /// That fee's currency.
        participation_fee_currency: Vec<Option<&'a str>>,
        /// `tender.bidOpening.date`.
        bid_opening: Timestamps,
        /// `tender.awardPeriod.startDate`.
        award_start: Timestamps,
        /// How many questions `tender.enquiries` lists (null when none).
        enquiries: Vec<Option<u32>>,
        /// How many of them have neither an answer nor a `dateAnswered`.
        unanswered: Vec<Option<u32>>,
        /// How many complaints the process has (top-level `complaints`, the tender's and the
        /// awards'; null when none).
        complaints: Vec<Option<u32>>,
    }
);

table!(
    /// One row per party.
    PartyRows {
        /// The process key (see [`ProcessRows::process`]).
        process: Vec<u32>,
        /// `parties[].id`.
        party_id: Vec<Option<&'a str>>,
        /// `parties[].name`.
        name: Vec<Option<&'a str>>,
        /// `parties[].roles`.
        roles: Vec<&'a [crate::ingest::lenient::Text]>,
        /// `parties[].identifier.scheme`.
        identifier_scheme: Vec<Option<&'a str>>,
        /// `parties[].identifier.id`.
        identifier_id: Vec<Option<&'a str>>,
        /// `parties[].contactPoint.name`.
        contact_name: Vec<Option<&'a str>>,
        /// `parties[].contactPoint.email`.
        email: Vec<Option<&'a str>>,
        /// `parties[].contactPoint.telephone`.
        telephone: Vec<Option<&'a str>>,
        /// `parties[].address.streetAddress`.
        street_address: Vec<Option<&'a str>>,
        /// `parties[].contactPoint.url`.
        url: Vec<Option<&'a str>>,
        /// `parties[].beneficialOwners`: each owner as matched (see
        /// [`crate::frames::build::owner_key`]), in order; null without owners.
        beneficial_owner_keys: Vec<Option<Vec<String>>>,
        /// `parties[].beneficialOwners[].name`, in the order of the keys.
        beneficial_owner_names: Vec<Option<Vec<String>>>,
        /// `parties[].shareholders`: each shareholder as matched, its entry in `parties`
        /// followed where it refers to one; null without shareholders.
        shareholder_keys: Vec<Option<Vec<String>>>,
        /// The shareholders' names, in the order of the keys.
        shareholder_names: Vec<Option<Vec<String>>>,
        /// `parties[].shareholders[].shareholding` (0-1), in the order of the keys.
        shareholdings: Vec<Option<Vec<Option<f64>>>>,
    }
);

table!(
    /// One row per bid and tenderer (a bid without tenderers has one row, tenderer null).
    BidRows {
        /// The process key (see [`ProcessRows::process`]).
        process: Vec<u32>,
        /// The bid's position in `bids.details`.
        bid_index: Vec<u32>,
        /// `bids.details[].id`.
        bid_id: Vec<Option<&'a str>>,
        /// The tenderer's organization id.
        tenderer_id: Vec<Option<&'a str>>,
        /// The tenderer's name.
        tenderer_name: Vec<Option<&'a str>>,
        /// `bids.details[].status`.
        status: Vec<Option<&'a str>>,
        /// `bids.details[].value.amount`.
        amount: Vec<Option<f64>>,
        /// `bids.details[].value.currency`.
        currency: Vec<Option<&'a str>>,
        /// `bids.details[].date`.
        date: Timestamps,
    }
);

table!(
    /// One row per award and supplier (an award without suppliers has one row, supplier null).
    /// The amount is the award's, repeated for each of its suppliers.
    AwardRows {
        /// The process key (see [`ProcessRows::process`]).
        process: Vec<u32>,
        /// The award's position in `awards`.
        award_index: Vec<u32>,
        /// `awards[].id`.
        award_id: Vec<Option<&'a str>>,
        /// `awards[].status`.
        status: Vec<Option<&'a str>>,
        /// `awards[].date`.
        date: Timestamps,
        /// `awards[].value.amount`.
        amount: Vec<Option<f64>>,
        /// `awards[].value.currency`.
        currency: Vec<Option<&'a str>>,
        /// The supplier's organization id.
        supplier_id: Vec<Option<&'a str>>,
        /// The supplier's name.
        supplier_name: Vec<Option<&'a str>>,
        /// How many suppliers (with an id) the award has.
        suppliers_count: Vec<u32>,
        /// `awards[].relatedBid`: the id of the winning bid.
        related_bid: Vec<Option<&'a str>>,
        /// `awards[].hasSubcontracting` (null when not published).
        has_subcontracting: Vec<Option<bool>>,
        /// The share of the award that may be subcontracted, in percent:
        /// `subcontracting.maximumPercentage`, else `minimumPercentage`.
        subcontracting_percent: Vec<Option<f64>>,
    }
);

table!(
    /// One row per contract.
    ContractRows {
        /// The process key (see [`ProcessRows::process`]).
        process: Vec<u32>,
        /// The contract's position in `contracts`.
        contract_index: Vec<u32>,
        /// `contracts[].id`.
        contract_id: Vec<Option<&'a str>>,
        /// `contracts[].awardID`.
        award_id: Vec<Option<&'a str>>,
        /// `contracts[].status`.
        status: Vec<Option<&'a str>>,
        /// `contracts[].dateSigned`.
        date_signed: Timestamps,
        /// `contracts[].period.startDate`.
        period_start: Timestamps,
        /// `contracts[].period.endDate`.
        period_end: Timestamps,
        /// The first end date the releases gave the period (equal to `period_end` unless a
        /// later release moved it).
        first_period_end: Timestamps,
        /// `contracts[].value.amount`.
        amount: Vec<Option<f64>>,
        /// `contracts[].value.currency`.
        currency: Vec<Option<&'a str>>,
        /// How many amendments the contract has.
        amendments: Vec<u32>,
        /// The sum of the transactions in the contract's currency (null when there are none).
        transactions_amount: Vec<Option<f64>>,
        /// How many transactions were summed.
        transactions_count: Vec<u32>,
        /// How many transactions were left out of the sum (no amount, or another currency).
        transactions_skipped: Vec<u32>,
        /// How many documents the contract lists (null when none).
        documents: Vec<Option<u32>>,
        /// Whether one of them is the signed contract (`contractSigned`) or its text
        /// (`contractText`); null when it lists none.
        contract_text: Vec<Option<bool>>,
        /// How many delivery milestones (`implementation.milestones` of type `delivery`) have
        /// a due date (null when none).
        deliveries_due: Vec<Option<u32>>,
        /// How many of them are late: met after their due date, or not met (status not `met`,
        /// no `dateMet`) with their due date before the release's date.
        deliveries_late: Vec<Option<u32>>,
        /// The due date of the first late delivery.
        late_due: Timestamps,
        /// When it was met (null when it was not).
        late_met: Timestamps,
        /// How many items the contract lists (null when none).
        items: Vec<Option<u32>>,
        /// How many items the first release that listed them gave it.
        first_items: Vec<Option<u32>>,
        /// The total quantity of its items.
        quantity: Vec<Option<f64>>,
        /// The total quantity of its first items.
        first_quantity: Vec<Option<f64>>,
        /// The identifier of the first process it names as its subcontract
        /// (`relatedProcesses` with the relationship `subContract` and the scheme `ocid`, or
        /// none).
        subcontract: Vec<Option<&'a str>>,
        /// How many processes it names as its subcontracts (null when none).
        subcontracts: Vec<Option<u32>>,
    }
);

table!(
    /// One row per classified item of the tender, an award or a contract.
    ItemRows {
        /// The process key (see [`ProcessRows::process`]).
        process: Vec<u32>,
        /// `tender`, `award` or `contract`.
        section: Vec<&'a str>,
        /// The award's or contract's position (null for the tender).
        parent_index: Vec<Option<u32>>,
        /// The award's or contract's id.
        parent_id: Vec<Option<&'a str>>,
        /// `items[].id`.
        item_id: Vec<Option<&'a str>>,
        /// `items[].classification.scheme`.
        scheme: Vec<Option<&'a str>>,
        /// `items[].classification.id`.
        classification_id: Vec<Option<&'a str>>,
        /// `items[].quantity`.
        quantity: Vec<Option<f64>>,
        /// `items[].unit.name`.
        unit_name: Vec<Option<&'a str>>,
        /// `items[].unit.value.amount`: the price of one unit.
        unit_amount: Vec<Option<f64>>,
        /// `items[].unit.value.currency`.
        unit_currency: Vec<Option<&'a str>>,
    }
);
