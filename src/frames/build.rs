//! Extracting table rows from compiled releases.

use polars::prelude::*;

use super::tables::{AwardRows, BidRows, ContractRows, ItemRows, PartyRows, ProcessRows};
use crate::dates::parse_timestamp;
use crate::ingest::lenient::{Field, Text};
use crate::ingest::model::{Amount, Document, Identifier, Item, OrganizationReference, Release};

/// The rows of every table, filled one compiled release at a time.
#[derive(Debug, Default)]
pub struct Rows<'a> {
    /// Contracting processes.
    pub processes: ProcessRows<'a>,
    /// Parties.
    pub parties: PartyRows<'a>,
    /// Bids × tenderers.
    pub bids: BidRows<'a>,
    /// Awards × suppliers.
    pub awards: AwardRows<'a>,
    /// Contracts.
    pub contracts: ContractRows<'a>,
    /// Classified items.
    pub items: ItemRows<'a>,
    /// Whether the tables are made without the columns only `redflags frames` writes
    /// ([`super::Frames::EXPORTED_ONLY`]): a run never reads them. Their row vectors are filled
    /// all the same (a chunk's, a few KB of references); their Polars columns, which would
    /// last as long as the frames, are not made.
    pub run_only: bool,
    /// The columns made all the same (see [`super::Builder::keeping`]).
    pub kept: &'static [&'static str],
}

fn text(field: &Field<Text>) -> Option<&str> {
    field.str()
}

fn timestamp(field: &Field<Text>) -> Option<i64> {
    field.str().and_then(parse_timestamp)
}

fn amount(value: &Field<Amount>) -> (Option<f64>, Option<&str>) {
    value.get().map_or((None, None), |value| {
        (value.amount.get().copied(), text(&value.currency))
    })
}

/// How many of `list`, as a count that is null when there are none: a section a publisher
/// does not publish is then a column of nulls, held as one value.
fn count_of<T>(list: &[T], test: impl Fn(&T) -> bool) -> Option<u32> {
    (!list.is_empty()).then(|| list.iter().filter(|item| test(item)).count() as u32)
}

/// Whether a document is of one of these kinds (`documentType`, without regard to case).
fn of_kind(document: &Document, kinds: &[&str]) -> bool {
    document
        .document_type
        .str()
        .is_some_and(|kind| kinds.iter().any(|k| k.eq_ignore_ascii_case(kind)))
}

/// The earliest `datePublished` of the documents of these kinds.
fn first_published(documents: &[Document], kinds: &[&str]) -> Option<i64> {
    documents
        .iter()
        .filter(|document| of_kind(document, kinds))
        .filter_map(|document| timestamp(&document.date_published))
        .min()
}

/// Organization names by id, from the `parties` section, for references that give no name.
/// A party's id given twice names the later party.
enum Names<'a> {
    /// Few parties (most releases): looked up in order, latest first, with no map to build.
    Few(Vec<(&'a str, &'a str)>),
    /// Many parties, by id.
    Many(PlHashMap<&'a str, &'a str>),
}

/// Up to this many named parties are looked up without a map.
const FEW_PARTIES: usize = 16;

impl<'a> Names<'a> {
    fn new(release: &'a Release) -> Self {
        let named = release
            .parties
            .items()
            .iter()
            .filter_map(|party| Some((party.id.str()?, party.name.str()?)));
        if release.parties.items().len() <= FEW_PARTIES {
            Names::Few(named.collect())
        } else {
            Names::Many(named.collect())
        }
    }

    fn name(&self, id: &str) -> Option<&'a str> {
        match self {
            Names::Few(names) => names
                .iter()
                .rev()
                .find(|(party, _)| *party == id)
                .map(|(_, name)| *name),
            Names::Many(names) => names.get(id).copied(),
        }
    }

    /// The reference's id and name (its own name, else the party's).
    fn resolve(&self, reference: &'a OrganizationReference) -> (Option<&'a str>, Option<&'a str>) {
        let id = reference.id.str();
        let name = reference
            .name
            .str()
            .or_else(|| id.and_then(|id| self.name(id)));
        (id, name)
    }

    fn resolve_field(
        &self,
        field: &'a Field<OrganizationReference>,
    ) -> (Option<&'a str>, Option<&'a str>) {
        field
            .get()
            .map_or((None, None), |reference| self.resolve(reference))
    }
}

/// How many distinct texts there are.
fn distinct<'a>(texts: impl Iterator<Item = &'a str>) -> u32 {
    let mut texts: Vec<&str> = texts.collect();
    if texts.len() > FEW_PARTIES {
        return texts.into_iter().collect::<PlHashSet<&str>>().len() as u32;
    }
    texts.sort_unstable();
    texts.dedup();
    texts.len() as u32
}

impl Rows<'_> {
    /// The rows of a run (see [`Rows::run_only`]), or with every column; `kept`: the columns
    /// made all the same (see [`Rows::kept`]).
    pub fn new(run_only: bool, kept: &'static [&'static str]) -> Self {
        Rows {
            run_only,
            kept,
            ..Rows::default()
        }
    }

    /// The columns of `table` left out.
    fn left_out(&self, table: &str) -> Vec<&'static str> {
        if !self.run_only {
            return Vec::new();
        }
        super::Frames::exported_only(table)
            .iter()
            .copied()
            .filter(|column| !self.kept.contains(column))
            .collect()
    }

    /// The rows as tables, in [`super::Frames::NAMES`] order.
    pub fn into_tables(self) -> PolarsResult<[DataFrame; 6]> {
        let [processes, parties, bids, awards, contracts, items] =
            super::Frames::NAMES.map(|table| self.left_out(table));
        Ok([
            self.processes.into_frame(&processes)?,
            self.parties.into_frame(&parties)?,
            self.bids.into_frame(&bids)?,
            self.awards.into_frame(&awards)?,
            self.contracts.into_frame(&contracts)?,
            self.items.into_frame(&items)?,
        ])
    }
}

impl<'a> Rows<'a> {
    /// Makes room for the rows of `releases` in every table (an organization's rows counted
    /// once per bid, award or item), so that the row vectors are allocated once at about their
    /// size instead of growing by doubling from nothing: each doubling copies the rows so far
    /// and leaves memory behind that the next chunk takes back as page faults.
    pub fn reserve_for(&mut self, releases: &[(u32, &Release)]) {
        let (mut parties, mut bids, mut awards, mut contracts, mut items) = (0, 0, 0, 0, 0);
        for (_, release) in releases {
            parties += release.parties.items().len();
            bids += release
                .bids
                .get()
                .map_or(0, |bids| bids.details.items().len());
            items += release
                .tender
                .get()
                .map_or(0, |tender| tender.items.items().len());
            for award in release.awards.items() {
                awards += award.suppliers.items().len().max(1);
                items += award.items.items().len();
            }
            for contract in release.contracts.items() {
                contracts += 1;
                items += contract.items.items().len();
            }
        }
        self.processes.reserve(releases.len());
        self.parties.reserve(parties);
        self.bids.reserve(bids);
        self.awards.reserve(awards);
        self.contracts.reserve(contracts);
        self.items.reserve(items);
    }

    /// Adds one compiled release's rows, under the process key `key`.
    pub fn push(&mut self, key: u32, release: &'a Release) {
        let Some(ocid) = release.ocid.str() else {
            return;
        };
        let names = Names::new(release);
        self.push_process(key, ocid, release, &names);
        self.push_parties(key, release);
        self.push_bids(key, release, &names);
        self.push_awards(key, release, &names);
        self.push_contracts(key, release);
    }

    fn push_process(&mut self, key: u32, ocid: &'a str, release: &'a Release, names: &Names<'a>) {
        let rows = &mut self.processes;
        let tender = release.tender.get();
        let tender_text = |pick: fn(&crate::ingest::model::Tender) -> &Field<Text>| {
            tender.and_then(|tender| text(pick(tender)))
        };
        rows.process.push(key);
        rows.ocid.push(ocid);
        rows.date.push(timestamp(&release.date));
        rows.title.push(tender_text(|t| &t.title));
        let (buyer_id, buyer_name) = names.resolve_field(&release.buyer);
        rows.buyer_id.push(buyer_id);
        rows.buyer_name.push(buyer_name);
        let (entity_id, entity_name) = tender.map_or((None, None), |tender| {
            names.resolve_field(&tender.procuring_entity)
        });
        rows.procuring_entity_id.push(entity_id);
        rows.procuring_entity_name.push(entity_name);
        rows.tender_id.push(tender_text(|t| &t.id));
        rows.award_criteria.push(tender_text(|t| &t.award_criteria));
        rows.tender_amendments
            .push(tender.map_or(0, |tender| tender.amendments.items().len() as u32));
        rows.tender_status.push(tender_text(|t| &t.status));
        rows.procurement_method
            .push(tender_text(|t| &t.procurement_method));
        rows.procurement_method_details
            .push(tender_text(|t| &t.procurement_method_details));
        rows.main_procurement_category
            .push(tender_text(|t| &t.main_procurement_category));
        let (tender_amount, tender_currency) = tender.map_or((None, None), |t| amount(&t.value));
        rows.tender_amount.push(tender_amount);
        rows.tender_currency.push(tender_currency);
        let period = tender.and_then(|tender| tender.tender_period.get());
        rows.tender_start
            .push(period.and_then(|period| timestamp(&period.start_date)));
        rows.tender_end
            .push(period.and_then(|period| timestamp(&period.end_date)));
        rows.has_tender_period.push(period.is_some());
        rows.number_of_tenderers
            .push(tender.and_then(|tender| tender.number_of_tenderers.get().copied()));
        rows.tenderers_listed.push(tender.and_then(|tender| {
            let listed = tender.tenderers.get()?;
            Some(distinct(listed.iter().filter_map(|r| r.id.str())))
        }));
        let budget = release
            .planning
            .get()
            .and_then(|planning| planning.budget.get())
            .map(|budget| &budget.amount);
        let (budget_amount, budget_currency) = budget.map_or((None, None), amount);
        rows.budget_amount.push(budget_amount);
        rows.budget_currency.push(budget_currency);
        let planning_documents = release
            .planning
            .get()
            .map_or(&[][..], |planning| planning.documents.items());
        rows.planning_documents
            .push(count_of(planning_documents, |_| true));
        rows.procurement_plan
            .push((!planning_documents.is_empty()).then(|| {
                planning_documents
                    .iter()
                    .any(|d| of_kind(d, &["procurementPlan"]))
            }));
        self.push_tender_extensions(release);
        if let Some(tender) = tender {
            self.items
                .push_all(key, "tender", None, None, tender.items.items());
        }
    }

    /// The tender's documents, fees, bid opening, award period, enquiries and the process's
    /// complaints.
    fn push_tender_extensions(&mut self, release: &'a Release) {
        let rows = &mut self.processes;
        let tender = release.tender.get();
        let documents = tender.map_or(&[][..], |tender| tender.documents.items());
        rows.procurement_method_rationale
            .push(tender.and_then(|t| text(&t.procurement_method_rationale)));
        rows.tender_published
            .push(tender.and_then(|t| timestamp(&t.date_published)));
        rows.tender_documents.push(count_of(documents, |_| true));
        rows.notice_published
            .push(first_published(documents, &["tenderNotice"]));
        let key_kinds: Vec<Option<i64>> = super::KEY_TENDER_DOCUMENTS
            .iter()
            .filter(|kind| documents.iter().any(|d| of_kind(d, &[kind])))
            .map(|kind| first_published(documents, &[kind]))
            .collect();
        rows.key_documents
            .push((!documents.is_empty()).then_some(key_kinds.len() as u32));
        // The last key kind to come out; unknown when one of them has no date.
        rows.key_documents_published
            .push(if key_kinds.iter().all(Option::is_some) {
                key_kinds.iter().flatten().max().copied()
            } else {
                None
            });
        let fee = tender
            .map_or(&[][..], |t| t.participation_fees.items())
            .iter()
            .filter_map(|fee| match amount(&fee.value) {
                (Some(value), currency) => Some((value, currency)),
                _ => None,
            })
            .max_by(|a, b| a.0.total_cmp(&b.0));
        rows.participation_fee.push(fee.map(|fee| fee.0));
        rows.participation_fee_currency
            .push(fee.and_then(|fee| fee.1));
        rows.bid_opening.push(
            tender
                .and_then(|t| t.bid_opening.get())
                .and_then(|opening| timestamp(&opening.date)),
        );
        rows.award_start.push(
            tender
                .and_then(|t| t.award_period.get())
                .and_then(|period| timestamp(&period.start_date)),
        );
        let enquiries = tender.map_or(&[][..], |t| t.enquiries.items());
        rows.enquiries.push(count_of(enquiries, |_| true));
        rows.unanswered.push(count_of(enquiries, |enquiry| {
            !enquiry.answer.is_set() && !enquiry.date_answered.is_set()
        }));
        let complaints = release.complaints.items().len()
            + tender.map_or(0, |t| t.complaints.items().len())
            + release
                .awards
                .items()
                .iter()
                .map(|award| award.complaints.items().len())
                .sum::<usize>();
        rows.complaints
            .push((complaints > 0).then_some(complaints as u32));
    }

    fn push_parties(&mut self, key: u32, release: &'a Release) {
        let rows = &mut self.parties;
        for party in release.parties.items() {
            rows.process.push(key);
            rows.party_id.push(text(&party.id));
            rows.name.push(text(&party.name));
            rows.roles.push(party.roles.items());
            let identifier = party.identifier.get();
            rows.identifier_scheme
                .push(identifier.and_then(|i| text(&i.scheme)));
            rows.identifier_id
                .push(identifier.and_then(|i| text(&i.id)));
            let contact = party.contact_point.get();
            rows.contact_name.push(contact.and_then(|c| text(&c.name)));
            rows.email.push(contact.and_then(|c| text(&c.email)));
            rows.telephone
                .push(contact.and_then(|c| text(&c.telephone)));
            rows.street_address
                .push(party.address.get().and_then(|a| text(&a.street_address)));
            rows.url.push(contact.and_then(|c| text(&c.url)));
            let owners = party.beneficial_owners.items();
            let (keys, names) = owners
                .iter()
                .filter_map(|owner| {
                    let key = owner_key(owner.identifier.get(), text(&owner.name))?;
                    Some((key, text(&owner.name).unwrap_or_default().to_owned()))
                })
                .unzip::<_, _, Vec<_>, Vec<_>>();
            rows.beneficial_owner_keys
                .push((!keys.is_empty()).then_some(keys));
            rows.beneficial_owner_names
                .push((!names.is_empty()).then_some(names));
            let mut keys = Vec::new();
            let mut names = Vec::new();
            let mut shares = Vec::new();
            for holder in party.shareholders.items() {
                let Some(reference) = holder.shareholder.get() else {
                    continue;
                };
                // The shareholder's entry in `parties`, where the reference names one.
                let entry = text(&reference.id).and_then(|id| {
                    release
                        .parties
                        .items()
                        .iter()
                        .find(|party| text(&party.id) == Some(id))
                });
                let identifier = reference
                    .identifier
                    .get()
                    .or_else(|| entry.and_then(|entry| entry.identifier.get()));
                let name = text(&reference.name).or_else(|| entry.and_then(|e| text(&e.name)));
                let key = owner_key(identifier, name).or_else(|| {
                    // An entry without identifier or name: its id, in this process.
                    text(&reference.id).map(|id| format!("party:{id}"))
                });
                let Some(key) = key else {
                    continue;
                };
                keys.push(key);
                names.push(name.unwrap_or_default().to_owned());
                shares.push(holder.shareholding.get().copied().map(share_of));
            }
            rows.shareholder_keys
                .push((!keys.is_empty()).then_some(keys));
            rows.shareholder_names
                .push((!names.is_empty()).then_some(names));
            rows.shareholdings
                .push((!shares.is_empty()).then_some(shares));
        }
    }

    fn push_bids(&mut self, key: u32, release: &'a Release, names: &Names<'a>) {
        let rows = &mut self.bids;
        let Some(bids) = release.bids.get() else {
            return;
        };
        for (index, bid) in bids.details.items().iter().enumerate() {
            let (bid_amount, bid_currency) = amount(&bid.value);
            let tenderers: Vec<_> = if bid.tenderers.items().is_empty() {
                vec![(None, None)]
            } else {
                bid.tenderers
                    .items()
                    .iter()
                    .map(|r| names.resolve(r))
                    .collect()
            };
            for (tenderer_id, tenderer_name) in tenderers {
                rows.process.push(key);
                rows.bid_index.push(index as u32);
                rows.bid_id.push(text(&bid.id));
                rows.tenderer_id.push(tenderer_id);
                rows.tenderer_name.push(tenderer_name);
                rows.status.push(text(&bid.status));
                rows.amount.push(bid_amount);
                rows.currency.push(bid_currency);
                rows.date.push(timestamp(&bid.date));
            }
        }
    }

    fn push_awards(&mut self, key: u32, release: &'a Release, names: &Names<'a>) {
        for (index, award) in release.awards.items().iter().enumerate() {
            let rows = &mut self.awards;
            let (award_amount, award_currency) = amount(&award.value);
            let suppliers: Vec<_> = award
                .suppliers
                .items()
                .iter()
                .map(|r| names.resolve(r))
                .collect();
            let suppliers_count = suppliers.iter().filter(|(id, _)| id.is_some()).count() as u32;
            let suppliers = if suppliers.is_empty() {
                vec![(None, None)]
            } else {
                suppliers
            };
            let has_subcontracting = award.has_subcontracting.str().and_then(|flag| {
                match flag.to_ascii_lowercase().as_str() {
                    "true" => Some(true),
                    "false" => Some(false),
                    _ => None,
                }
            });
            let subcontracting = award.subcontracting.get().and_then(|share| {
                share
                    .maximum_percentage
                    .get()
                    .or(share.minimum_percentage.get())
                    .copied()
            });
            for (supplier_id, supplier_name) in suppliers {
                rows.process.push(key);
                rows.award_index.push(index as u32);
                rows.award_id.push(text(&award.id));
                rows.status.push(text(&award.status));
                rows.date.push(timestamp(&award.date));
                rows.amount.push(award_amount);
                rows.currency.push(award_currency);
                rows.supplier_id.push(supplier_id);
                rows.supplier_name.push(supplier_name);
                rows.suppliers_count.push(suppliers_count);
                rows.related_bid.push(text(&award.related_bid));
                rows.has_subcontracting.push(has_subcontracting);
                rows.subcontracting_percent.push(subcontracting);
            }
            let award_id = text(&award.id);
            self.items.push_all(
                key,
                "award",
                Some(index as u32),
                award_id,
                award.items.items(),
            );
        }
    }

    fn push_contracts(&mut self, key: u32, release: &'a Release) {
        for (index, contract) in release.contracts.items().iter().enumerate() {
            let rows = &mut self.contracts;
            let (contract_amount, contract_currency) = amount(&contract.value);
            rows.process.push(key);
            rows.contract_index.push(index as u32);
            rows.contract_id.push(text(&contract.id));
            rows.award_id.push(text(&contract.award_id));
            rows.status.push(text(&contract.status));
            rows.date_signed.push(timestamp(&contract.date_signed));
            let period = contract.period.get();
            rows.period_start
                .push(period.and_then(|p| timestamp(&p.start_date)));
            rows.period_end
                .push(period.and_then(|p| timestamp(&p.end_date)));
            // A contract that no later release changed has its own end as the first.
            rows.first_period_end.push(
                timestamp(&contract.first_period_end)
                    .or_else(|| period.and_then(|p| timestamp(&p.end_date))),
            );
            rows.amount.push(contract_amount);
            rows.currency.push(contract_currency);
            rows.amendments
                .push(contract.amendments.items().len() as u32);
            let transactions = contract
                .implementation
                .get()
                .map_or(&[][..], |implementation| {
                    implementation.transactions.items()
                });
            let (mut sum, mut counted, mut skipped) = (0.0, 0u32, 0u32);
            for transaction in transactions {
                let (value, currency) = amount(&transaction.value);
                // A missing currency on either side is taken to be the contract's.
                let same_currency = match (&currency, &contract_currency) {
                    (Some(a), Some(b)) => a == b,
                    _ => true,
                };
                match value {
                    Some(value) if same_currency => {
                        sum += value;
                        counted += 1;
                    }
                    _ => skipped += 1,
                }
            }
            rows.transactions_amount.push((counted > 0).then_some(sum));
            rows.transactions_count.push(counted);
            rows.transactions_skipped.push(skipped);
            let documents = contract.documents.items();
            rows.documents.push(count_of(documents, |_| true));
            rows.contract_text.push((!documents.is_empty()).then(|| {
                documents
                    .iter()
                    .any(|d| of_kind(d, &["contractSigned", "contractText"]))
            }));
            let now = timestamp(&release.date);
            let deliveries: Vec<(i64, Option<i64>, bool)> = contract
                .implementation
                .get()
                .map_or(&[][..], |implementation| implementation.milestones.items())
                .iter()
                .filter(|m| {
                    m.kind
                        .str()
                        .is_some_and(|k| k.eq_ignore_ascii_case("delivery"))
                })
                .filter_map(|m| {
                    let met = m
                        .status
                        .str()
                        .is_some_and(|s| s.eq_ignore_ascii_case("met"));
                    Some((timestamp(&m.due_date)?, timestamp(&m.date_met), met))
                })
                .collect();
            let late = |(due, met, done): &(i64, Option<i64>, bool)| match met {
                Some(met) => met > due,
                None => !done && now.is_some_and(|now| now > *due),
            };
            rows.deliveries_due.push(count_of(&deliveries, |_| true));
            rows.deliveries_late.push(count_of(&deliveries, late));
            let first_late = deliveries
                .iter()
                .filter(|delivery| late(delivery))
                .min_by_key(|delivery| delivery.0);
            rows.late_due.push(first_late.map(|delivery| delivery.0));
            rows.late_met
                .push(first_late.and_then(|delivery| delivery.1));
            let items = crate::ingest::model::ItemTally::of(contract);
            let first = contract.first_items.or(items);
            rows.items.push(items.map(|tally| tally.count));
            rows.first_items.push(first.map(|tally| tally.count));
            rows.quantity.push(items.map(|tally| tally.quantity));
            rows.first_quantity.push(first.map(|tally| tally.quantity));
            let subcontracts: Vec<&str> = contract
                .related_processes
                .items()
                .iter()
                .filter(|related| {
                    related
                        .relationship
                        .items()
                        .iter()
                        .any(|code| code.as_str().eq_ignore_ascii_case("subContract"))
                        && related
                            .scheme
                            .str()
                            .is_none_or(|scheme| scheme.eq_ignore_ascii_case("ocid"))
                })
                .filter_map(|related| related.identifier.str())
                .collect();
            rows.subcontract.push(subcontracts.first().copied());
            rows.subcontracts
                .push((!subcontracts.is_empty()).then_some(subcontracts.len() as u32));
            let contract_id = text(&contract.id);
            self.items.push_all(
                key,
                "contract",
                Some(index as u32),
                contract_id,
                contract.items.items(),
            );
        }
    }
}

impl<'a> ItemRows<'a> {
    fn push_all(
        &mut self,
        key: u32,
        section: &'static str,
        parent_index: Option<u32>,
        parent_id: Option<&'a str>,
        items: &'a [Item],
    ) {
        for item in items {
            let Some(classification) = item.classification.get() else {
                continue;
            };
            self.process.push(key);
            self.section.push(section);
            self.parent_index.push(parent_index);
            self.parent_id.push(parent_id);
            self.item_id.push(text(&item.id));
            self.scheme.push(text(&classification.scheme));
            self.classification_id.push(text(&classification.id));
            self.quantity.push(item.quantity.get().copied());
            let unit = item.unit.get();
            self.unit_name.push(unit.and_then(|unit| text(&unit.name)));
            let (unit_amount, unit_currency) =
                unit.map_or((None, None), |unit| amount(&unit.value));
            self.unit_amount.push(unit_amount);
            self.unit_currency.push(unit_currency);
        }
    }
}

/// An owner (a beneficial owner, a shareholder) as matched across organizations: its
/// identifier's scheme and id (as [`crate::lists::id_key`] makes ids), else its name (as
/// [`crate::lists::name_key`] makes names); none without either.
pub fn owner_key(identifier: Option<&Identifier>, name: Option<&str>) -> Option<String> {
    let id = identifier.and_then(|identifier| {
        let id = crate::lists::id_key(text(&identifier.id)?);
        let scheme = text(&identifier.scheme).unwrap_or_default().trim();
        (!id.is_empty()).then(|| format!("id:{}:{id}", scheme.to_uppercase()))
    });
    id.or_else(|| {
        let name = crate::lists::name_key(name?);
        (!name.is_empty()).then(|| format!("name:{name}"))
    })
}

/// A shareholding as a share in 0-1: a value above 1 (and at most 100) is read as percent,
/// as some publishers write it.
fn share_of(value: f64) -> f64 {
    if value > 1.0 && value <= 100.0 {
        value / 100.0
    } else {
        value
    }
}
