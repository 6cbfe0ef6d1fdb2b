//! A process being drawn, and the steps that finish it once its method, winner and price are
//! known: its bids, its contract, and the optional fields its world leaves out.

use super::random::Random;
use super::vocabulary::{Currency, Method};
use super::world::World;
use super::{
    ALL_BUT_WINNER, AMENDMENT, IDENTICAL, LATE_BID, LOWEST_DISQUALIFIED, NEAR_ESTIMATE,
    REPEAT_WINNER, SHORT_PERIOD, SINGLE_BID, SPLIT,
};

/// The share of losing bids disqualified in clean tenders.
const DISQUALIFIED: f64 = 0.12;

/// Optional fields a world may leave out of a process (bits of [`Draft::missing`]), and the
/// schemes whose indicators read them (a process carrying one keeps the field).
pub(super) const BID_DATES: u8 = 1;
pub(super) const AWARD_DATE: u8 = 2;
pub(super) const CLASSIFICATION: u8 = 4;
pub(super) const TENDER_PERIOD: u8 = 8;
pub(super) const ESTIMATE: u8 = 16;
pub(super) const TENDERERS: u8 = 32;
pub(super) const BIDS: u8 = 64;
const OPTIONAL: [(u8, &[usize]); 7] = [
    (BID_DATES, &[LATE_BID]),
    (AWARD_DATE, &[REPEAT_WINNER, SPLIT]),
    (CLASSIFICATION, &[SPLIT]),
    (TENDER_PERIOD, &[SHORT_PERIOD, LATE_BID]),
    (ESTIMATE, &[NEAR_ESTIMATE]),
    (TENDERERS, &[SINGLE_BID]),
    (
        BIDS,
        &[
            SINGLE_BID,
            IDENTICAL,
            LOWEST_DISQUALIFIED,
            ALL_BUT_WINNER,
            LATE_BID,
        ],
    ),
];

/// A supplier: a company of the home country (by number) or a foreign one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) struct Supplier {
    pub(super) foreign: bool,
    pub(super) number: u64,
}

#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Bid {
    pub(super) supplier: Supplier,
    /// In hundredths of the currency.
    pub(super) price: u64,
    pub(super) disqualified: bool,
    pub(super) day: u64,
    pub(super) minute: u64,
}

/// What the contract's amendments did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) enum Amendment {
    #[default]
    None,
    /// Raised the value 25–60% (the planted scheme).
    Raised,
    /// Changed the value within ±10% (benign).
    Value,
    /// Extended the contract period (benign).
    Extension,
}

/// One contracting process, before it is written. Reused from process to process.
#[derive(Default)]
pub(super) struct Draft {
    pub(super) index: u64,
    pub(super) schemes: u32,
    /// The optional fields left out (bits).
    pub(super) missing: u8,
    pub(super) buyer: u64,
    pub(super) currency: Option<Currency>,
    pub(super) method: Method,
    pub(super) details: &'static str,
    pub(super) category: usize,
    pub(super) items: [usize; 2],
    pub(super) item_count: usize,
    pub(super) quantity: u64,
    /// Amounts in hundredths of the currency.
    pub(super) estimate: u64,
    pub(super) budget: Option<u64>,
    /// The tender period's first day and length in days.
    pub(super) period: Option<(u64, u64)>,
    pub(super) tenderers: u64,
    pub(super) bids: Vec<Bid>,
    pub(super) winner: Supplier,
    pub(super) award_day: u64,
    pub(super) award: u64,
    pub(super) signed_day: u64,
    pub(super) contract_start: u64,
    pub(super) contract_end: u64,
    pub(super) contract: u64,
    /// The amendments' days, and what they did.
    pub(super) amendments: Vec<u64>,
    pub(super) amendment: Amendment,
    pub(super) payments: Vec<(u64, u64)>,
    // The fields beyond the core (`plant.rs`).
    /// The participation fee, in hundredths.
    pub(super) fee: Option<u64>,
    /// Questions from bidders: the day asked, and the day answered if answered.
    pub(super) enquiries: Vec<(u64, Option<u64>)>,
    /// The day the bids are opened.
    pub(super) opening: Option<u64>,
    /// The ground of a direct or limited purchase (an index of `plant::RATIONALES`).
    pub(super) rationale: Option<usize>,
    /// Delivery milestones: the day due and the day met.
    pub(super) deliveries: Vec<(u64, u64)>,
    /// A complaint's status.
    pub(super) complaint: Option<&'static str>,
    /// The winner's partner in a consortium.
    pub(super) partner: Option<Supplier>,
}

impl Draft {
    pub(super) fn has(&self, scheme: usize) -> bool {
        self.schemes & (1 << scheme) != 0
    }

    pub(super) fn set(&mut self, scheme: usize) {
        self.schemes |= 1 << scheme;
    }

    /// Whether an optional field was left out.
    pub(super) fn lacks(&self, field: u8) -> bool {
        self.missing & field != 0
    }
}

impl World {
    /// The bids of an open or selective tender: the winner's is the lowest valid one.
    pub(super) fn competitive_bids(&self, random: &mut Random, draft: &mut Draft) {
        let (start, length) = draft.period.unwrap_or_default();
        let end = start + length;
        draft.bids.clear();
        draft.bids.push(Bid {
            supplier: draft.winner,
            price: draft.award,
            ..Bid::default()
        });
        for _ in 1..draft.tenderers {
            let supplier = loop {
                let supplier = self.supplier(random, draft);
                if draft.bids.iter().all(|bid| bid.supplier != supplier) {
                    break supplier;
                }
            };
            draft.bids.push(Bid {
                supplier,
                price: scaled(draft.award, random.uniform(1.015, 1.3)),
                disqualified: random.chance(DISQUALIFIED),
                ..Bid::default()
            });
        }
        if draft.has(LOWEST_DISQUALIFIED) {
            draft.bids[1].price = scaled(draft.award, random.uniform(0.88, 0.98));
            draft.bids[1].disqualified = true;
        }
        let bids = draft.bids.len();
        if draft.has(ALL_BUT_WINNER) {
            for bid in &mut draft.bids[1..] {
                bid.disqualified = true;
            }
        } else if bids > 1 && draft.bids[1..].iter().all(|bid| bid.disqualified) {
            // Some other bid stays valid (for a disqualified lowest bid, not that one).
            draft.bids[bids - 1].disqualified = false;
        }
        // Prices differ from bidder to bidder, except the planted identical pair.
        for bid in 1..bids {
            while draft.bids[..bid]
                .iter()
                .any(|other| other.price == draft.bids[bid].price)
            {
                draft.bids[bid].price += 1;
            }
        }
        if draft.has(IDENTICAL) {
            draft.bids[2].price = draft.bids[1].price;
        }
        for bid in draft.bids.iter_mut() {
            bid.day = start + random.below(length);
            bid.minute = random.between(9 * 60, 16 * 60 - 1);
        }
        if draft.has(LATE_BID) {
            draft.bids[0].day = end + random.between(1, 5);
        }
        // Bids are listed in the order they came in.
        for bid in (1..bids).rev() {
            let other = random.below(bid as u64 + 1) as usize;
            draft.bids.swap(bid, other);
        }
    }

    /// The single valid quotation of a direct or limited purchase, from the winner, and the
    /// quotation period before the award where the world publishes one.
    pub(super) fn quotation(&self, random: &mut Random, draft: &mut Draft) {
        let (day, minute) = match self.settings.quotation_days {
            Some((fewest, most)) => {
                let length = random.between(fewest, most);
                let end = draft.award_day - random.between(1, 3);
                draft.period = Some((end - length, length));
                (
                    end - length + random.below(length),
                    random.between(9 * 60, 16 * 60 - 1),
                )
            }
            None => {
                draft.period = None;
                (
                    draft.award_day.saturating_sub(random.between(1, 5)),
                    random.between(9 * 60, 16 * 60 - 1),
                )
            }
        };
        draft.bids.clear();
        draft.bids.push(Bid {
            supplier: draft.winner,
            price: draft.award,
            disqualified: false,
            day,
            minute,
        });
    }

    /// A contract for the award, its amendments and payments.
    pub(super) fn contract(&self, random: &mut Random, draft: &mut Draft) {
        draft.signed_day = draft.award_day + random.between(3, 15);
        draft.contract_start = draft.signed_day + random.between(1, 10);
        let length = match draft.category {
            0 => random.between(15, 90),
            1 => random.between(90, 400),
            _ => random.between(90, 365),
        };
        draft.contract_end = draft.contract_start + length;
        draft.amendments.clear();
        draft.contract = draft.award;
        let start = draft.contract_start;
        let amendment_day =
            |random: &mut Random| start + random.between(length / 4, length * 3 / 4);
        draft.amendment = if draft.has(AMENDMENT) {
            draft.contract = scaled(draft.award, random.uniform(1.25, 1.6));
            for _ in 0..random.between(1, 2) {
                let day = amendment_day(random);
                draft.amendments.push(day);
            }
            draft.amendments.sort_unstable();
            Amendment::Raised
        } else if random.chance(self.settings.benign_amendments) {
            let day = amendment_day(random);
            draft.amendments.push(day);
            if random.chance(0.5) {
                draft.contract = scaled(draft.award, random.uniform(0.9, 1.1));
                Amendment::Value
            } else {
                draft.contract_end += random.between(15, 60);
                Amendment::Extension
            }
        } else {
            Amendment::None
        };
        let count = random.between(1, 3);
        let paid = scaled(draft.contract, random.uniform(0.5, 1.0));
        draft.payments.clear();
        for payment in 0..count {
            let day = draft.contract_start + length * (payment + 1) / (count + 1);
            let amount = if payment + 1 == count {
                paid - paid / count * payment
            } else {
                paid / count
            };
            draft.payments.push((day, amount));
        }
    }

    /// Leaves out optional fields, each with the world's chance, unless a scheme the process
    /// carries needs it.
    pub(super) fn leave_out(&self, random: &mut Random, draft: &mut Draft) {
        draft.missing = 0;
        if self.settings.missing <= 0.0 {
            return;
        }
        for (field, needed_by) in OPTIONAL {
            if random.chance(self.settings.missing)
                && !needed_by.iter().any(|&scheme| draft.has(scheme))
            {
                draft.missing |= field;
            }
        }
    }
}

/// An amount multiplied by a factor, rounded.
pub(super) fn scaled(amount: u64, factor: f64) -> u64 {
    (amount as f64 * factor).round() as u64
}
