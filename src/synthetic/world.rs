//! Drawing one world's processes: its organizations, then each process, the schemes it
//! carries, its method, buyer, winner and price (`draft.rs` finishes it).

use super::draft::{Draft, Supplier, scaled};
use super::random::{Random, Shuffle, Zipf, mix};
use super::settings::{Amounts, WorldSettings};
use super::vocabulary::{CATEGORIES, Currency, EUR, Method, THB, USD, category_weights, details};
use super::{
    ALL_BUT_WINNER, AMENDMENT, COMPETITIVE, EXCLUSIVE, IDENTICAL, LATE_BID, LOWEST_DISQUALIFIED,
    NEAR_ESTIMATE, REPEAT_WINNER, SCHEMES, SHORT_PERIOD, SINGLE_BID, SPLIT,
};

/// The share of a captured buyer's processes that its favoured supplier wins.
const FAVOURED_SHARE: f64 = 0.8;
/// About how many processes each captured buyer runs over the two years.
const PROCESSES_PER_CAPTURED_BUYER: f64 = 20.0;
/// The mean size of a split purchase (2, 3 or 4 processes, with chances 50%, 35%, 15%).
const MEAN_SPLIT_SIZE: f64 = 2.65;
/// The days over which processes start (2023 and 2024).
const DAYS: u64 = 731;

/// What the processes of one split purchase share.
pub(super) struct SplitGroup {
    buyer: u64,
    supplier: Supplier,
    category: usize,
    item: usize,
    day: u64,
}

/// The organizations and the chances, fixed by the settings, the number of processes and the
/// seed.
pub(super) struct World {
    pub(super) settings: WorldSettings,
    pub(super) seed: u64,
    pub(super) home: Currency,
    /// The foreign currencies, the first three times as frequent as the second.
    foreign_currencies: [Currency; 2],
    /// Buyers `0..normal_buyers` are drawn by size; the next `captured` buyers each favour one
    /// supplier.
    normal_buyers: Zipf,
    /// The largest quarter of the normal buyers, where purchases are split.
    split_buyers: Zipf,
    captured: u64,
    favoured: Vec<Supplier>,
    buyer_ids: Shuffle,
    /// The home suppliers of each category: the first number and the sizes.
    trades: [(u64, Zipf); 3],
    supplier_ids: Shuffle,
    foreign: Zipf,
    /// The chances of each method for a process no scheme forces into a competitive tender,
    /// and the share of open tenders among those forced.
    method_weights: [f64; 4],
    forced_open: f64,
    /// The chance that a split purchase starts at a process.
    pub(super) split_start: f64,
    /// The chance that a process (not part of a split purchase) is a captured buyer's.
    captured_chance: f64,
    /// The factor from a scheme's rate to its chance in a process outside split purchases.
    scale: f64,
}

impl World {
    pub(super) fn new(settings: &WorldSettings, processes: u64, seed: u64) -> Self {
        let split = SCHEMES[SPLIT].rate;
        let scale = 1.0 / (1.0 - split);
        let captured_chance = SCHEMES[REPEAT_WINNER].rate * scale / FAVOURED_SHARE;
        let captured = ((processes as f64 * captured_chance / PROCESSES_PER_CAPTURED_BUYER).round()
            as u64)
            .max(1);
        let normal = (processes / settings.buyers.per.max(1)).max(5);
        let suppliers = (processes / settings.suppliers.per.max(1)).max(30);
        let goods = suppliers * 40 / 100;
        let works = suppliers * 35 / 100;
        let sized = |size: u64| {
            Zipf::with_exponent(size, settings.suppliers.offset, settings.suppliers.exponent)
        };
        let trades = [
            (0, sized(goods)),
            (goods, sized(works)),
            (goods + works, sized(suppliers - goods - works)),
        ];
        let supplier_ids = Shuffle::new(suppliers, seed ^ 0x5u64);
        let favoured = (0..captured)
            .map(|buyer| {
                let mut random = Random(mix(seed ^ 0xfa70_0000 ^ buyer));
                Supplier {
                    foreign: false,
                    number: supplier_ids.apply(random.below(suppliers)),
                }
            })
            .collect();
        let buyers =
            |size: u64| Zipf::with_exponent(size, settings.buyers.offset, settings.buyers.exponent);
        let home = if settings.currency == "USD" { USD } else { THB };
        let (method_weights, forced_open) = method_weights(settings, scale);
        World {
            settings: settings.clone(),
            seed,
            home,
            foreign_currencies: if home == USD { [EUR, THB] } else { [USD, EUR] },
            normal_buyers: buyers(normal),
            captured,
            favoured,
            buyer_ids: Shuffle::new(normal + captured, seed ^ 0xb),
            trades,
            supplier_ids,
            foreign: Zipf::new((processes / 40).max(8), 20.0),
            split_buyers: buyers((normal / 4).max(1)),
            method_weights,
            forced_open,
            split_start: split / (MEAN_SPLIT_SIZE * (1.0 - split) + split),
            captured_chance,
            scale,
        }
    }

    fn normal_buyer(&self, random: &mut Random) -> u64 {
        self.buyer_ids.apply(self.normal_buyers.draw(random))
    }

    fn home_supplier(&self, random: &mut Random, category: usize) -> Supplier {
        let (first, sizes) = &self.trades[category];
        Supplier {
            foreign: false,
            number: self.supplier_ids.apply(first + sizes.draw(random)),
        }
    }

    /// The `n`th company created outside the pool of suppliers: no process draws it.
    pub(super) fn fresh_supplier(&self, n: u64) -> Supplier {
        let (first, sizes) = &self.trades[2];
        Supplier {
            foreign: false,
            number: first + sizes.size + n,
        }
    }

    pub(super) fn currency(&self, draft: &Draft) -> Currency {
        draft.currency.unwrap_or(self.home)
    }

    pub(super) fn supplier(&self, random: &mut Random, draft: &Draft) -> Supplier {
        if draft.currency.is_none() {
            self.home_supplier(random, draft.category)
        } else {
            Supplier {
                foreign: true,
                number: self.foreign.draw(random),
            }
        }
    }

    /// The threshold in hundredths of the home currency.
    fn threshold(&self) -> u64 {
        self.settings.threshold * 100
    }

    /// A process outside split purchases.
    pub(super) fn process(&self, random: &mut Random, index: u64, draft: &mut Draft) {
        draft.index = index;
        draft.schemes = 0;
        // The schemes. Single bid, identical prices, a disqualified lowest bid and all bids but
        // the winner's disqualified exclude each other: one draw decides among them.
        let mut u = random.unit();
        for scheme in EXCLUSIVE {
            let chance = SCHEMES[scheme].rate * self.scale;
            if u < chance {
                draft.set(scheme);
                break;
            }
            u -= chance;
        }
        for scheme in [SHORT_PERIOD, LATE_BID] {
            if random.chance(SCHEMES[scheme].rate * self.scale) {
                draft.set(scheme);
            }
        }
        for scheme in [AMENDMENT, NEAR_ESTIMATE] {
            if random.chance(SCHEMES[scheme].rate) {
                draft.set(scheme);
            }
        }
        let captured = random.chance(self.captured_chance);
        let favoured = captured && random.chance(FAVOURED_SHARE);
        if favoured {
            draft.set(REPEAT_WINNER);
        }
        // A price at the estimate is a sign in a competitive tender only (a direct purchase is
        // priced with its one supplier): the near-estimate scheme goes into open or selective
        // tenders.
        let competitive =
            COMPETITIVE.iter().any(|&scheme| draft.has(scheme)) || draft.has(NEAR_ESTIMATE);

        // The buyer, currency, method and category.
        let captured_buyer = random.below(self.captured);
        draft.buyer = if captured {
            self.buyer_ids
                .apply(self.normal_buyers.size + captured_buyer)
        } else {
            self.normal_buyer(random)
        };
        let foreign = random.chance(self.settings.foreign);
        let second = random.chance(0.25);
        draft.currency =
            (foreign && !captured).then(|| self.foreign_currencies[usize::from(second)]);
        let foreign = draft.currency.is_some();
        draft.method = if competitive || foreign {
            if random.chance(self.forced_open) {
                Method::Open
            } else {
                Method::Selective
            }
        } else {
            [
                Method::Open,
                Method::Selective,
                Method::Limited,
                Method::Direct,
            ][random.weighted(&self.method_weights)]
        };
        draft.details = details(random, draft.method, draft.currency);
        draft.category = random.weighted(&category_weights(draft.method, foreign));
        self.items(random, draft, None);

        // The estimate, in whole units of the home currency, then in the process's.
        let settings = &self.settings;
        let range = match (draft.method, draft.details) {
            (Method::Open, "e-market" | "ตลาดอิเล็กทรอนิกส์") => {
                settings.market
            }
            (Method::Open, _) => settings.open,
            (Method::Selective, _) => settings.selective,
            (Method::Limited, _) => settings.limited,
            (Method::Direct, _) => settings.direct,
        };
        let home = self.amount(random, range);
        let factor = self.currency(draft).per_baht / self.home.per_baht;
        draft.estimate = ((home as f64 * factor).round() as u64).max(1) * 100;
        self.budget(random, draft);

        // The winner and the price.
        draft.winner = if favoured {
            self.favoured[captured_buyer as usize]
        } else {
            loop {
                let supplier = self.supplier(random, draft);
                if !captured || supplier != self.favoured[captured_buyer as usize] {
                    break supplier;
                }
            }
        };
        let at_estimate = random.chance(settings.at_estimate);
        let ratio = if draft.has(NEAR_ESTIMATE) {
            near_estimate_ratio(random)
        } else if draft.method.competitive() {
            random.uniform(0.72, 0.96)
        } else if at_estimate {
            random.uniform(0.9955, 1.0)
        } else {
            random.uniform(0.85, 0.97)
        };
        draft.award = scaled(draft.estimate, ratio);

        // Dates and bids.
        let day = random.below(DAYS);
        if draft.method.competitive() {
            let length = if draft.has(SHORT_PERIOD) {
                random.between(3, 12)
            } else if draft.method == Method::Open {
                random.between(18, 45)
            } else {
                random.between(18, 30)
            };
            draft.period = Some((day, length));
            draft.award_day = day + length + random.between(7, 35);
            let (fewest, most) = settings.bidders;
            draft.tenderers = if draft.has(SINGLE_BID) {
                1
            } else if draft.has(IDENTICAL) {
                random.between(3, 6)
            } else if draft.has(ALL_BUT_WINNER) {
                random.between(3, 5)
            } else if draft.method == Method::Open {
                let span = most.max(fewest) - fewest;
                fewest + random.below(span / 2 + 1) + random.below(span - span / 2 + 1)
            } else {
                random.between(fewest, fewest + 3)
            };
            if draft.has(LOWEST_DISQUALIFIED) {
                // Another valid bid besides the winner's, or all but the winner's would be
                // disqualified too.
                draft.tenderers = draft.tenderers.max(3);
            }
            self.competitive_bids(random, draft);
        } else {
            // Room before the award for a quotation period.
            let room = settings.quotation_days.map_or(0, |(_, most)| most + 3);
            draft.award_day = day + room + random.between(1, 7);
            draft.tenderers = 1;
            self.quotation(random, draft);
        }
        self.contract(random, draft);
        self.leave_out(random, draft);
    }

    /// An amount in whole units of the home currency.
    fn amount(&self, random: &mut Random, range: Amounts) -> u64 {
        let threshold = self.settings.threshold as f64;
        random.amount(range.low * threshold, range.high * threshold, range.skew)
    }

    /// A budget at or above the estimate, for about a third of the processes.
    fn budget(&self, random: &mut Random, draft: &mut Draft) {
        draft.budget = random.chance(0.35).then(|| {
            let budget = draft.estimate as f64 * random.uniform(1.0, 1.2);
            (budget / 100_000.0).ceil() as u64 * 100_000
        });
    }

    /// The items: the first one given, or drawn; a second one, different, in three processes
    /// out of ten.
    fn items(&self, random: &mut Random, draft: &mut Draft, first: Option<usize>) {
        let items = CATEGORIES[draft.category].1.len() as u64;
        draft.items[0] = first.unwrap_or_else(|| random.below(items) as usize);
        draft.items[1] = ((draft.items[0] as u64 + 1 + random.below(items - 1)) % items) as usize;
        draft.item_count = if random.chance(0.3) { 2 } else { 1 };
        draft.quantity = random.between(1, 120);
    }

    /// A group of direct purchases of one kind of item from one buyer to one supplier.
    pub(super) fn split_group(&self, random: &mut Random) -> SplitGroup {
        let buyer = self.buyer_ids.apply(self.split_buyers.draw(random));
        let category = random.weighted(&[0.55, 0.1, 0.35]);
        SplitGroup {
            buyer,
            supplier: self.home_supplier(random, category),
            category,
            item: random.below(CATEGORIES[category].1.len() as u64) as usize,
            // Budgets left to spend before the fiscal year ends on 30 September: from mid-June
            // to mid-September of 2023 or 2024.
            day: 365 * random.below(2) + random.between(165, 252),
        }
    }

    /// One purchase of a split purchase: a direct award just under the threshold.
    pub(super) fn split_member(
        &self,
        random: &mut Random,
        group: &SplitGroup,
        member: u64,
        index: u64,
        draft: &mut Draft,
    ) {
        draft.index = index;
        draft.schemes = 0;
        draft.set(SPLIT);
        for scheme in [AMENDMENT] {
            if random.chance(SCHEMES[scheme].rate) {
                draft.set(scheme);
            }
        }
        draft.buyer = group.buyer;
        draft.currency = None;
        draft.method = Method::Direct;
        draft.details = random.pick(&["เฉพาะเจาะจง", "วิธีเฉพาะเจาะจง"]);
        draft.category = group.category;
        self.items(random, draft, Some(group.item));
        let estimate = scaled(self.threshold(), random.uniform(0.6, 0.98));
        draft.estimate = estimate / 100 * 100;
        draft.budget = random
            .chance(0.35)
            .then(|| draft.estimate.div_ceil(100_000) * 100_000);
        draft.winner = group.supplier;
        draft.award = scaled(draft.estimate, random.uniform(0.88, 0.97));
        draft.award_day = group.day + member * 5 + random.below(4);
        draft.tenderers = 1;
        self.quotation(random, draft);
        self.contract(random, draft);
        self.leave_out(random, draft);
    }
}

/// The chances of each method for a process that no scheme forces into a competitive tender,
/// such that the whole comes close to the world's shares, and the share of open tenders among
/// the processes forced into one.
fn method_weights(settings: &WorldSettings, scale: f64) -> ([f64; 4], f64) {
    let exclusive: f64 = EXCLUSIVE
        .iter()
        .map(|&scheme| SCHEMES[scheme].rate * scale)
        .sum();
    let free = (1.0 - exclusive)
        * (1.0 - SCHEMES[SHORT_PERIOD].rate * scale)
        * (1.0 - SCHEMES[LATE_BID].rate * scale)
        * (1.0 - settings.foreign);
    let forced = 1.0 - free;
    let [open, selective, limited, direct] = settings.methods;
    let forced_open = open / (open + selective);
    // Split purchases (direct) are drawn apart.
    let outside = 1.0 - SCHEMES[SPLIT].rate;
    let mut weights = [
        (open / outside - forced * forced_open) / free,
        (selective / outside - forced * (1.0 - forced_open)) / free,
        limited / outside / free,
        (direct - SCHEMES[SPLIT].rate) / outside / free,
    ]
    .map(|weight| weight.max(0.0));
    let total: f64 = weights.iter().sum();
    for weight in &mut weights {
        *weight /= total;
    }
    (weights, forced_open)
}

/// The award's share of the estimate in a near-estimate scheme: just under it, or (one time
/// in five) a little above.
fn near_estimate_ratio(random: &mut Random) -> f64 {
    if random.chance(0.2) {
        random.uniform(1.0, 1.03)
    } else {
        random.uniform(0.996, 1.0)
    }
}
