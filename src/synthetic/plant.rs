//! The schemes added for the second set of indicators, and the fields beyond a process's core
//! that they read (participation fees, questions, bid openings, justifications, delivery
//! milestones, complaints, consortia). They are planted in a process already drawn, from a
//! random sequence of their own, so that the first schemes and the processes' core are drawn
//! exactly as before.
//!
//! Each of these schemes fits some processes only (a bid scheme needs bids, a justification a
//! direct or limited purchase): it is planted with a *quota*. Every process adds the scheme's
//! rate to what is due, and a process that fits carries it with a chance equal to what is due
//! (certainly from 1 up), which then drops by one. The schemes come out at their rates in
//! every world, whatever share of the processes fits them.

use super::draft::{
    BID_DATES, BIDS, Bid, CLASSIFICATION, Draft, ESTIMATE, Supplier, TENDER_PERIOD, scaled,
};
use super::random::{Random, mix};
use super::vocabulary::Method;
use super::world::World;
use super::{
    ALL_BUT_WINNER, BID_ORDER, COMPLAINT, CONSORTIUM, DISPARITY, IDENTICAL, LATE_BID,
    LATE_DELIVERY, LOWEST_DISQUALIFIED, NEW_SCHEMES, OPENING, PARTICIPATION_FEE, REPEAT_WINNER,
    SCHEMES, SHADOW, SHORT_PERIOD, SINGLE_BID, SPLIT, UNANSWERED, UNJUSTIFIED,
};

/// The works item whose tenders consortia share out: school buildings (`72121400`, kind of
/// item `7212`), the third item of the works.
const CONSORTIUM_ITEM: (usize, usize) = (1, 2);

/// The grounds of a direct or limited purchase (`procurementMethodRationale`), Thai and
/// English.
pub(super) const RATIONALES: [(&str, &str); 4] = [
    (
        "วงเงินเล็กน้อยตามที่กำหนดในกฎกระทรวง",
        "Small purchase within the value set by regulation",
    ),
    (
        "กรณีมีความจำเป็นเร่งด่วน",
        "Urgent need that an open tender could not meet",
    ),
    (
        "มีผู้ประกอบการที่มีคุณสมบัติโดยตรงเพียงรายเดียว",
        "Only one qualified supplier",
    ),
    (
        "ประกาศเชิญชวนทั่วไปแล้วไม่มีผู้ยื่นข้อเสนอ",
        "An earlier open tender received no bid",
    ),
];

/// A set of companies that bid together in several tenders, and how far it has got.
struct Ring {
    members: [Supplier; 3],
    category: usize,
    /// Processes it has bid in, and how many it will.
    placed: u64,
    size: u64,
}

/// The state of the new schemes across processes: their random sequence, what each scheme is
/// due, and the rings under way.
pub(super) struct Planter {
    random: Random,
    /// Per new scheme (in [`NEW_SCHEMES`] order), the processes due to carry it.
    due: [f64; NEW_SCHEMES.len()],
    /// The ring of a winner and its shadow bidder, and of three companies filing in one order.
    shadow: Option<Ring>,
    order: Option<Ring>,
    /// Companies created so far outside the pool of suppliers: shadow bidders (that never
    /// win) and the members of rings filing in one order.
    shadows: u64,
}

impl Planter {
    pub(super) fn new(seed: u64) -> Self {
        Planter {
            random: Random(mix(seed ^ 0x91a7_5e7e)),
            due: [0.0; NEW_SCHEMES.len()],
            shadow: None,
            order: None,
            shadows: 0,
        }
    }

    /// Whether a process that fits `scheme` carries it, by the quota.
    fn take(&mut self, scheme: usize, fits: bool) -> bool {
        let slot = scheme - NEW_SCHEMES[0];
        if fits && self.random.unit() < self.due[slot] {
            self.due[slot] -= 1.0;
            true
        } else {
            false
        }
    }

    /// A ring scheme: a process that fits joins the open ring of its category, or starts one
    /// when the scheme is due a whole process. Returns the ring's members and how many
    /// processes it had bid in before.
    fn join(
        &mut self,
        world: &World,
        draft: &Draft,
        scheme: usize,
        fits: bool,
    ) -> Option<([Supplier; 3], u64)> {
        let slot = scheme - NEW_SCHEMES[0];
        let due = self.due[slot];
        let random = &mut self.random;
        let shadows = &mut self.shadows;
        let ring = if scheme == SHADOW {
            &mut self.shadow
        } else {
            &mut self.order
        };
        match ring {
            Some(open) if !fits || open.category != draft.category => return None,
            None if !fits || due < 1.0 => return None,
            _ => {}
        }
        let current = ring.get_or_insert_with(|| {
            let (members, size) = if scheme == SHADOW {
                let shadow = world.fresh_supplier(*shadows);
                *shadows += 1;
                ([draft.winner, shadow, shadow], random.between(3, 5))
            } else {
                // Companies of their own (a family of firms), so that no other process has
                // the same three bidders.
                let members = [0, 1, 2].map(|_| {
                    *shadows += 1;
                    world.fresh_supplier(*shadows - 1)
                });
                (members, random.between(3, 4))
            };
            Ring {
                members,
                category: draft.category,
                placed: 0,
                size,
            }
        });
        let joined = (current.members, current.placed);
        current.placed += 1;
        if current.placed == current.size {
            *ring = None;
        }
        self.due[slot] -= 1.0;
        Some(joined)
    }
}

impl World {
    /// Plants the new schemes in a process already drawn, and writes the fields beyond its
    /// core.
    pub(super) fn plant(&self, planter: &mut Planter, draft: &mut Draft) {
        for (slot, &scheme) in NEW_SCHEMES.iter().enumerate() {
            planter.due[slot] += SCHEMES[scheme].rate;
        }
        draft.fee = None;
        draft.enquiries.clear();
        draft.opening = None;
        draft.rationale = None;
        draft.deliveries.clear();
        draft.complaint = None;
        draft.partner = None;
        self.plant_bids(planter, draft);
        self.plant_tender(planter, draft);
        self.plant_delivery(planter, draft);
    }

    /// The bid schemes: a ring filing in one order, a shadow bidder, cover bids far above the
    /// winner's, a consortium.
    fn plant_bids(&self, planter: &mut Planter, draft: &mut Draft) {
        let competitive = draft.method.competitive() && draft.period.is_some();
        let own_bids = [
            SINGLE_BID,
            IDENTICAL,
            LOWEST_DISQUALIFIED,
            ALL_BUT_WINNER,
            LATE_BID,
            REPEAT_WINNER,
        ]
        .iter()
        .any(|&scheme| draft.has(scheme));
        let home = draft.currency.is_none();

        // Three companies take turns to win, and file their bids in the same order each time.
        if let Some((members, placed)) =
            planter.join(self, draft, BID_ORDER, competitive && home && !own_bids)
        {
            ring_bids(&mut planter.random, draft, members, placed);
            draft.set(BID_ORDER);
            draft.missing &= !(BIDS | BID_DATES);
        }

        // A company that never wins bids beside the same winner.
        let fits = competitive
            && home
            && draft.tenderers >= 2
            && !draft.has(REPEAT_WINNER)
            && !draft.has(BID_ORDER);
        if let Some(([winner, shadow, _], placed)) = planter.join(self, draft, SHADOW, fits) {
            shadow_bid(&mut planter.random, draft, winner, shadow, placed);
            draft.set(SHADOW);
            draft.missing &= !BIDS;
        }

        // Cover bids: every losing bid far above the winner's.
        let fits = competitive
            && draft.tenderers >= 2
            && ![IDENTICAL, LOWEST_DISQUALIFIED, BID_ORDER, SHADOW]
                .iter()
                .any(|&scheme| draft.has(scheme));
        if planter.take(DISPARITY, fits) {
            self.cover_bids(&mut planter.random, draft);
            draft.set(DISPARITY);
            draft.missing &= !BIDS;
        }

        // A consortium wins a school building, by any method, in a kind of item where consortia
        // win many. (Not where a scheme's indicator reads the one winner's bid or award.)
        let fits = !own_bids
            && ![BID_ORDER, SHADOW, SPLIT]
                .iter()
                .any(|&scheme| draft.has(scheme));
        let item = (draft.category, draft.items[0]) == CONSORTIUM_ITEM;
        if planter.take(CONSORTIUM, fits && item) {
            draft.set(CONSORTIUM);
            draft.missing &= !CLASSIFICATION;
        }
        let benign = fits
            && competitive
            && draft.category == CONSORTIUM_ITEM.0
            && planter.random.chance(self.settings.publishing.consortia);
        if draft.has(CONSORTIUM) || benign {
            let partner = loop {
                let supplier = self.supplier(&mut planter.random, draft);
                if supplier != draft.winner && draft.bids.iter().all(|b| b.supplier != supplier) {
                    break supplier;
                }
            };
            draft.partner = Some(partner);
            draft.tenderers += 1;
        }
    }

    /// Every losing bid at 1.6 to 3 times the winner's price; a tender of two gets a third
    /// cover bid.
    fn cover_bids(&self, random: &mut Random, draft: &mut Draft) {
        if draft.bids.len() == 2 {
            let supplier = loop {
                let supplier = self.supplier(random, draft);
                if draft.bids.iter().all(|bid| bid.supplier != supplier) {
                    break supplier;
                }
            };
            let (start, length) = draft.period.unwrap_or_default();
            draft.bids.push(Bid {
                supplier,
                price: 0,
                disqualified: false,
                day: start + random.below(length),
                minute: random.between(9 * 60, 16 * 60 - 1),
            });
            draft.tenderers += 1;
        }
        for bid in draft
            .bids
            .iter_mut()
            .filter(|bid| bid.supplier != draft.winner)
        {
            bid.price = scaled(draft.award, random.uniform(1.6, 3.0));
        }
        distinct_prices(draft);
    }

    /// The tender's fields: a participation fee, questions, the bid opening, a complaint, the
    /// ground of a direct or limited purchase.
    fn plant_tender(&self, planter: &mut Planter, draft: &mut Draft) {
        let publishing = self.settings.publishing;
        let keep = 1.0 - self.settings.missing;
        let competitive = draft.method.competitive() && draft.period.is_some();
        let (start, length) = draft.period.unwrap_or_default();

        // A fee for the bidding documents of 1.5% to 5% of the estimate, against each buyer's
        // usual flat fee.
        if planter.take(PARTICIPATION_FEE, competitive) {
            let random = &mut planter.random;
            let fee = scaled(draft.estimate, random.uniform(0.015, 0.05));
            draft.fee = Some(fee.div_ceil(10_000) * 10_000);
            draft.set(PARTICIPATION_FEE);
            draft.missing &= !ESTIMATE;
        } else if competitive && planter.random.chance(publishing.participation_fees * keep) {
            draft.fee = Some(self.buyer_fee(draft));
        }

        // Questions from bidders, some never answered.
        let unanswered = if planter.take(UNANSWERED, competitive) {
            draft.set(UNANSWERED);
            let random = &mut planter.random;
            let questions = random.between(2, 5);
            Some((questions, random.between(1, 2)))
        } else if competitive && planter.random.chance(publishing.enquiries * keep) {
            let random = &mut planter.random;
            let questions = random.between(1, 4);
            Some((questions, u64::from(random.chance(publishing.unanswered))))
        } else {
            None
        };
        if let Some((questions, unanswered)) = unanswered {
            let random = &mut planter.random;
            let end = start + length;
            for question in 0..questions {
                let asked = start + random.below((length / 2).max(1));
                let answered = (question + unanswered < questions)
                    .then(|| (asked + random.between(1, 4)).min(end));
                draft.enquiries.push((asked, answered));
            }
        }

        // Bids opened 4 to 12 days after the call, although the tender period runs on.
        let fits = competitive
            && ![SHORT_PERIOD, LATE_BID, BID_ORDER]
                .iter()
                .any(|&scheme| draft.has(scheme));
        if planter.take(OPENING, fits) {
            let random = &mut planter.random;
            let opening = start + random.between(4, 12);
            for bid in &mut draft.bids {
                bid.day = start + random.below(opening - start);
            }
            draft.opening = Some(opening);
            draft.set(OPENING);
            draft.missing &= !TENDER_PERIOD;
        } else if competitive && planter.random.chance(publishing.bid_opening * keep) {
            // Opened the morning after the period closes.
            draft.opening = Some(start + length + 1);
        }

        // A losing bidder's complaint.
        if planter.take(COMPLAINT, competitive) {
            draft.complaint = Some("pending");
            draft.set(COMPLAINT);
        } else if competitive && planter.random.chance(publishing.complaints) {
            draft.complaint = Some("dismissed");
        }

        // The ground of a direct or limited purchase, left unstated.
        let fits = matches!(draft.method, Method::Direct | Method::Limited);
        if planter.take(UNJUSTIFIED, fits) {
            draft.set(UNJUSTIFIED);
        } else if fits && planter.random.chance(publishing.rationale * keep) {
            draft.rationale = Some(match draft.method {
                Method::Direct if planter.random.chance(0.9) => 0,
                Method::Direct => 1,
                _ => planter.random.between(1, 3) as usize,
            });
        }
    }

    /// Delivery milestones, met by their due dates, or (the scheme) months late.
    fn plant_delivery(&self, planter: &mut Planter, draft: &mut Draft) {
        let publishing = self.settings.publishing;
        let keep = 1.0 - self.settings.missing;
        let late = if planter.take(LATE_DELIVERY, true) {
            draft.set(LATE_DELIVERY);
            Some(planter.random.between(20, 120))
        } else if planter.random.chance(publishing.milestones * keep) {
            planter
                .random
                .chance(publishing.late_deliveries)
                .then(|| planter.random.between(1, 20))
        } else {
            return;
        };
        let random = &mut planter.random;
        let count = random.between(1, 2);
        let length = draft.contract_end - draft.contract_start;
        for delivery in 0..count {
            let due = draft.contract_start + length * (delivery + 1) / count;
            let met = match late {
                Some(days) if delivery + 1 == count => due + days,
                _ => due
                    .saturating_sub(random.below(8))
                    .max(draft.contract_start),
            };
            draft.deliveries.push((due, met));
        }
    }

    /// The buyer's flat fee for bidding documents: 0.05% to 0.4% of the world's threshold, in
    /// the process's currency, in whole units.
    fn buyer_fee(&self, draft: &Draft) -> u64 {
        let share =
            [0.0005, 0.001, 0.002, 0.004][(mix(self.seed ^ 0xfee ^ draft.buyer) % 4) as usize];
        let factor = self.currency(draft).per_baht / self.home.per_baht;
        let fee = (self.settings.threshold as f64 * share * factor)
            .floor()
            .max(1.0);
        fee as u64 * 100
    }
}

/// The shadow ring's process: its winner wins, its shadow bidder loses in the place of a
/// losing bidder (or of the winner's bid where the winner had lost).
fn shadow_bid(
    random: &mut Random,
    draft: &mut Draft,
    winner: Supplier,
    shadow: Supplier,
    placed: u64,
) {
    if placed > 0 && draft.winner != winner {
        let won = draft.winner;
        for bid in &mut draft.bids {
            if bid.supplier == winner {
                bid.supplier = shadow;
            } else if bid.supplier == won {
                bid.supplier = winner;
            }
        }
        draft.winner = winner;
    }
    if draft.bids.iter().all(|bid| bid.supplier != shadow) {
        let losers: Vec<usize> = (0..draft.bids.len())
            .filter(|&position| draft.bids[position].supplier != winner)
            .collect();
        let position = losers[random.below(losers.len() as u64) as usize];
        draft.bids[position].supplier = shadow;
    }
}

/// The bids of a ring member's process: the three members, the `placed`th of them winning,
/// filed on one day in the ring's order.
fn ring_bids(random: &mut Random, draft: &mut Draft, members: [Supplier; 3], placed: u64) {
    let (start, length) = draft.period.unwrap_or_default();
    let winner = members[(placed % 3) as usize];
    let day = start + length - 1 - random.below(length.min(3));
    let mut minute = random.between(9 * 60, 10 * 60);
    draft.bids.clear();
    for supplier in members {
        let price = if supplier == winner {
            draft.award
        } else {
            scaled(draft.award, random.uniform(1.015, 1.3))
        };
        draft.bids.push(Bid {
            supplier,
            price,
            disqualified: false,
            day,
            minute,
        });
        minute += random.between(15, 90);
    }
    draft.winner = winner;
    draft.tenderers = 3;
    distinct_prices(draft);
}

/// Raises losing bids' prices by a hundredth until no two bidders quote the same.
fn distinct_prices(draft: &mut Draft) {
    for bid in 0..draft.bids.len() {
        if draft.bids[bid].supplier == draft.winner {
            continue;
        }
        while draft
            .bids
            .iter()
            .enumerate()
            .any(|(other, o)| other != bid && o.price == draft.bids[bid].price)
        {
            draft.bids[bid].price += 1;
        }
    }
}
