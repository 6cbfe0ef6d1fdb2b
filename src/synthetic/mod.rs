//! Synthetic OCDS data with planted answers: realistic compiled releases, and the ground truth
//! of which corruption schemes were planted in which contracting processes.
//!
//! `redflags generate` writes the data (one compiled release per line) and, on request, the
//! truth; the benchmarks and the tests call [`write()`] and [`write_with_truth`].
//!
//! # The data
//!
//! The releases look like a Thai national e-procurement export over two years (2023–2024):
//!
//! - **buyers** (municipalities, provincial organizations, hospitals, district offices) with
//!   Thai or English names and sizes skewed like a Zipf law: a few buyers hold most of the
//!   processes. About one in five buys through a procurement division, its `procuringEntity`;
//! - **suppliers** in three trades (goods, works, services), also Zipf-sized, with Thai or
//!   English names and a company-register identifier; foreign suppliers for the processes in
//!   US dollars or euros;
//! - **methods**: `open` (`e-bidding`, `ประกวดราคาอิเล็กทรอนิกส์`, `e-market`,
//!   `ตลาดอิเล็กทรอนิกส์`), `selective` (`คัดเลือก`, `วิธีคัดเลือก`), `limited` (`วิธีพิเศษ`),
//!   `direct` (`เฉพาะเจาะจง`, `วิธีเฉพาะเจาะจง`, `ตกลงราคา`), and international tenders in USD
//!   or EUR (about 8% of processes; a process keeps one currency throughout);
//! - **items** with 8-digit UNSPSC classifications in 14 segments;
//! - an estimate (`tender.value`), sometimes a `planning.budget` at or above it; competitive
//!   processes have a tender period, dated bids (some disqualified) and `numberOfTenderers`;
//!   direct and limited ones a single quotation; every process one active award, one signed
//!   contract with a contract period, and one to three payments. The dates follow each other:
//!   tender period, bids, award, signature, contract period, payments.
//!
//! A clean process is clean with respect to the default thresholds of the indicators that
//! look for the schemes: competitive tenders have two bidders or more and tender periods of
//! 18 days or more, winning prices lie 4–28% below the estimate (direct purchases 3–15%),
//! disqualified bids are never the lowest, no two bidders quote the same price, every bid is
//! in on time, contracts keep their awarded value and payments within it, direct purchases
//! stay at or below 240,000 THB (no two of them add up above the 500,000 THB threshold of
//! `split_purchase`) and limited ones above the threshold. The one deliberate background
//! noise: 0.5% of processes have a benign amendment (an extended delivery period), which
//! `contract_amendment` flags too.
//!
//! A scheme goes where its indicator can see it: the bid schemes in open or selective
//! tenders, split purchases among the larger buyers and late in the fiscal year (so that a
//! buyer's few awards at the start of the data do not make the split supplier a
//! `repeat_winner` too).
//!
//! # The schemes and the truth
//!
//! Each scheme is planted in a deterministic random subset of the processes, at the rate in
//! [`SCHEMES`] (a share of all processes); a process may carry several. Each scheme is named
//! after the indicator meant to catch it:
//!
//! | scheme (indicator slug) | rate | what is planted |
//! |---|---|---|
//! | `single_bid` | 5% | an open or selective tender with one bidder |
//! | `short_tender_period` | 5% | a tender period of 3 to 12 whole days |
//! | `repeat_winner` | 3% | a process won by the favoured supplier of a captured buyer, one who gives it 80% of its processes |
//! | `contract_amendment` | 4% | one or two amendments raising the contract 25–60% above its award |
//! | `identical_bid_prices` | 2% | two losing bidders quoting exactly the same price |
//! | `lowest_bid_disqualified` | 3% | a disqualified bid below the winner's |
//! | `late_bid_won` | 2% | the winner's only bid dated 1–5 days after the tender period |
//! | `near_estimate` | 4% | an award at 99.6–100% of the estimate, or up to 3% above it |
//! | `split_purchase` | 3% | two to four direct purchases from one buyer to one supplier, each at 53–98% of 500,000 THB, within 18 days, before the fiscal year ends in September |
//!
//! The truth is line-delimited JSON, one line per process that carries a scheme, in ocid
//! order: `{"ocid": "...", "schemes": ["single_bid", "near_estimate"]}`.
//!
//! The same number of processes and seed give the same bytes, on any machine: one
//! SplitMix64 sequence, no hashing of maps, no clock, and portable `exp` and `ln`.

use std::io::{self, Write};

pub mod detection;
mod json;
mod random;
mod vocabulary;

use json::Json;
use random::{Random, Shuffle, Zipf, mix};
use vocabulary::{CATEGORIES, Currency, EUR, Method, THB, USD, category_weights, details};

/// A scheme planted in the synthetic data.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scheme {
    /// The slug of the indicator meant to catch it, and the scheme's name in the truth.
    pub slug: &'static str,
    /// The share of all processes that carry it.
    pub rate: f64,
}

/// The schemes, in the order the truth lists them.
pub const SCHEMES: [Scheme; 9] = [
    Scheme {
        slug: "single_bid",
        rate: 0.05,
    },
    Scheme {
        slug: "short_tender_period",
        rate: 0.05,
    },
    Scheme {
        slug: "repeat_winner",
        rate: 0.03,
    },
    Scheme {
        slug: "contract_amendment",
        rate: 0.04,
    },
    Scheme {
        slug: "identical_bid_prices",
        rate: 0.02,
    },
    Scheme {
        slug: "lowest_bid_disqualified",
        rate: 0.03,
    },
    Scheme {
        slug: "late_bid_won",
        rate: 0.02,
    },
    Scheme {
        slug: "near_estimate",
        rate: 0.04,
    },
    Scheme {
        slug: "split_purchase",
        rate: 0.03,
    },
];

const SINGLE_BID: usize = 0;
const SHORT_PERIOD: usize = 1;
const REPEAT_WINNER: usize = 2;
const AMENDMENT: usize = 3;
const IDENTICAL: usize = 4;
const LOWEST_DISQUALIFIED: usize = 5;
const LATE_BID: usize = 6;
const NEAR_ESTIMATE: usize = 7;
const SPLIT: usize = 8;

/// The schemes that need a competitive tender with bids.
const COMPETITIVE: [usize; 5] = [
    SINGLE_BID,
    SHORT_PERIOD,
    IDENTICAL,
    LOWEST_DISQUALIFIED,
    LATE_BID,
];

/// The prefix of every ocid.
pub const OCID_PREFIX: &str = "ocds-rfsyn0-";

/// How many processes were written, and how many carry each scheme (in [`SCHEMES`] order).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Planted {
    /// The processes written.
    pub processes: u64,
    /// The processes that carry at least one scheme (the lines of the truth).
    pub with_schemes: u64,
    /// The processes that carry each scheme.
    pub counts: [u64; SCHEMES.len()],
}

/// Writes `processes` compiled releases as line-delimited JSON.
pub fn write(out: &mut (impl Write + ?Sized), processes: u64, seed: u64) -> io::Result<()> {
    write_with_truth(out, &mut io::sink(), processes, seed).map(|_| ())
}

/// Writes `processes` compiled releases to `out` and the planted schemes to `truth`, both as
/// line-delimited JSON, and returns the counts.
pub fn write_with_truth(
    out: &mut (impl Write + ?Sized),
    truth: &mut (impl Write + ?Sized),
    processes: u64,
    seed: u64,
) -> io::Result<Planted> {
    let world = World::new(processes, seed);
    let mut random = Random(mix(seed ^ 0x5eed_0fda));
    let mut draft = Draft::default();
    let mut line = Json::default();
    let mut planted = Planted {
        processes,
        ..Planted::default()
    };
    let mut emit = |draft: &Draft, line: &mut Json| -> io::Result<()> {
        line.clear();
        world.release(draft, line);
        out.write_all(&line.0)?;
        if draft.schemes != 0 {
            planted.with_schemes += 1;
            for (scheme, count) in planted.counts.iter_mut().enumerate() {
                *count += u64::from(draft.has(scheme));
            }
            line.clear();
            world.truth(draft, line);
            truth.write_all(&line.0)?;
        }
        Ok(())
    };
    let mut index = 0;
    while index < processes {
        let remaining = processes - index;
        if remaining >= 2 && random.chance(world.split_start) {
            let size = match random.below(20) {
                0..10 => 2,
                10..17 => 3,
                _ => 4,
            }
            .min(remaining);
            let group = world.split_group(&mut random);
            for member in 0..size {
                world.split_member(&mut random, &group, member, index, &mut draft);
                emit(&draft, &mut line)?;
                index += 1;
            }
        } else {
            world.process(&mut random, index, &mut draft);
            emit(&draft, &mut line)?;
            index += 1;
        }
    }
    Ok(planted)
}

/// The share of a captured buyer's processes that its favoured supplier wins.
const FAVOURED_SHARE: f64 = 0.8;
/// About how many processes each captured buyer runs over the two years.
const PROCESSES_PER_CAPTURED_BUYER: f64 = 20.0;
/// The mean size of a split purchase (2, 3 or 4 processes, with chances 50%, 35%, 15%).
const MEAN_SPLIT_SIZE: f64 = 2.65;
/// The threshold split purchases stay under, in satang (500,000 THB).
const SPLIT_THRESHOLD: u64 = 50_000_000;
/// The share of processes with a benign amendment.
const BENIGN_AMENDMENT: f64 = 0.005;
/// The Zipf offset of buyers' sizes: the largest of `n` buyers is about `n / 2` times the
/// size of the smallest.
const BUYER_OFFSET: f64 = 2.0;
/// The Zipf offset of suppliers' sizes, flatter than buyers' (the largest of `n` about
/// `n / 20` times the smallest).
const SUPPLIER_OFFSET: f64 = 20.0;
/// The days over which processes start (2023 and 2024).
const DAYS: u64 = 731;
/// 2023-01-01 in days since 1970-01-01.
const EPOCH: i64 = 19_358;

/// A supplier: a Thai company (by number) or a foreign one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Supplier {
    foreign: bool,
    number: u64,
}

#[derive(Debug, Clone, Copy, Default)]
struct Bid {
    supplier: Supplier,
    /// In hundredths of the currency.
    price: u64,
    disqualified: bool,
    day: u64,
    minute: u64,
}

/// One contracting process, before it is written. Reused from process to process.
#[derive(Default)]
struct Draft {
    index: u64,
    schemes: u16,
    buyer: u64,
    currency: Option<Currency>,
    method: Method,
    details: &'static str,
    category: usize,
    items: [usize; 2],
    item_count: usize,
    quantity: u64,
    /// Amounts in hundredths of the currency.
    estimate: u64,
    budget: Option<u64>,
    /// The tender period's first day and length in days.
    period: Option<(u64, u64)>,
    tenderers: u64,
    bids: Vec<Bid>,
    winner: Supplier,
    award_day: u64,
    award: u64,
    signed_day: u64,
    contract_start: u64,
    contract_end: u64,
    contract: u64,
    /// The amendments' days, and whether they raised the value.
    amendments: Vec<u64>,
    raised: bool,
    payments: Vec<(u64, u64)>,
}

impl Draft {
    fn has(&self, scheme: usize) -> bool {
        self.schemes & (1 << scheme) != 0
    }

    fn set(&mut self, scheme: usize) {
        self.schemes |= 1 << scheme;
    }

    fn currency(&self) -> Currency {
        self.currency.unwrap_or(THB)
    }
}

/// What the processes of one split purchase share.
struct SplitGroup {
    buyer: u64,
    supplier: Supplier,
    category: usize,
    day: u64,
}

/// The organizations and the chances, fixed by the number of processes and the seed.
struct World {
    seed: u64,
    /// Buyers `0..normal_buyers` are drawn by size; the next `captured` buyers each favour one
    /// supplier.
    normal_buyers: Zipf,
    /// The largest quarter of the normal buyers, where purchases are split.
    split_buyers: Zipf,
    captured: u64,
    favoured: Vec<Supplier>,
    buyer_ids: Shuffle,
    /// The Thai suppliers of each category: the first number and the sizes.
    trades: [(u64, Zipf); 3],
    supplier_ids: Shuffle,
    foreign: Zipf,
    /// The chance that a split purchase starts at a process.
    split_start: f64,
    /// The chance that a process (not part of a split purchase) is a captured buyer's.
    captured_chance: f64,
    /// The factor from a scheme's rate to its chance in a process outside split purchases.
    scale: f64,
}

impl World {
    fn new(processes: u64, seed: u64) -> Self {
        let split = SCHEMES[SPLIT].rate;
        let scale = 1.0 / (1.0 - split);
        let captured_chance = SCHEMES[REPEAT_WINNER].rate * scale / FAVOURED_SHARE;
        let captured = ((processes as f64 * captured_chance / PROCESSES_PER_CAPTURED_BUYER).round()
            as u64)
            .max(1);
        let normal = (processes / 40).max(5);
        let suppliers = (processes / 8).max(30);
        let goods = suppliers * 40 / 100;
        let works = suppliers * 35 / 100;
        let trades = [
            (0, Zipf::new(goods, SUPPLIER_OFFSET)),
            (goods, Zipf::new(works, SUPPLIER_OFFSET)),
            (
                goods + works,
                Zipf::new(suppliers - goods - works, SUPPLIER_OFFSET),
            ),
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
        World {
            seed,
            normal_buyers: Zipf::new(normal, BUYER_OFFSET),
            captured,
            favoured,
            buyer_ids: Shuffle::new(normal + captured, seed ^ 0xb),
            trades,
            supplier_ids,
            foreign: Zipf::new((processes / 40).max(8), SUPPLIER_OFFSET),
            split_buyers: Zipf::new((normal / 4).max(1), BUYER_OFFSET),
            split_start: split / (MEAN_SPLIT_SIZE * (1.0 - split) + split),
            captured_chance,
            scale,
        }
    }

    fn normal_buyer(&self, random: &mut Random) -> u64 {
        self.buyer_ids.apply(self.normal_buyers.draw(random))
    }

    fn thai_supplier(&self, random: &mut Random, category: usize) -> Supplier {
        let (first, sizes) = &self.trades[category];
        Supplier {
            foreign: false,
            number: self.supplier_ids.apply(first + sizes.draw(random)),
        }
    }

    fn supplier(&self, random: &mut Random, draft: &Draft) -> Supplier {
        if draft.currency().code == "THB" {
            self.thai_supplier(random, draft.category)
        } else {
            Supplier {
                foreign: true,
                number: self.foreign.draw(random),
            }
        }
    }

    /// A process outside split purchases.
    fn process(&self, random: &mut Random, index: u64, draft: &mut Draft) {
        draft.index = index;
        draft.schemes = 0;
        // The schemes. Single bid, identical prices and a disqualified lowest bid exclude
        // each other: one draw decides among them.
        let mut u = random.unit();
        for scheme in [SINGLE_BID, IDENTICAL, LOWEST_DISQUALIFIED] {
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
        // priced with its one supplier).
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
        draft.currency = match random.below(50) {
            _ if captured => None,
            0..3 => Some(USD),
            3 => Some(EUR),
            _ => None,
        };
        let foreign = draft.currency.is_some();
        draft.method = if competitive || foreign {
            if random.chance(0.8) {
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
            ][random.weighted(&[0.40, 0.08, 0.07, 0.45])]
        };
        draft.details = details(random, draft.method, draft.currency);
        draft.category = random.weighted(&category_weights(draft.method, foreign));
        self.items(random, draft);

        // The estimate, in whole baht, then in the currency.
        let baht = match (draft.method, draft.details) {
            (Method::Open, "e-market" | "ตลาดอิเล็กทรอนิกส์") => {
                random.amount(500_000.0, 5_000_000.0, 1.3)
            }
            (Method::Open, _) => random.amount(500_000.0, 60_000_000.0, 1.8),
            (Method::Selective, _) => random.amount(500_000.0, 20_000_000.0, 1.5),
            (Method::Limited, _) => random.amount(800_000.0, 30_000_000.0, 1.5),
            (Method::Direct, _) => random.amount(5_000.0, 240_000.0, 1.0),
        };
        draft.estimate = ((baht as f64 * draft.currency().per_baht).round() as u64).max(1) * 100;
        draft.budget = random.chance(0.35).then(|| {
            let budget = draft.estimate as f64 * random.uniform(1.0, 1.2);
            (budget / 100_000.0).ceil() as u64 * 100_000
        });

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
        let ratio = if draft.has(NEAR_ESTIMATE) {
            near_estimate_ratio(random)
        } else if draft.method.competitive() {
            random.uniform(0.72, 0.96)
        } else {
            random.uniform(0.85, 0.97)
        };
        let mut award = (draft.estimate as f64 * ratio).round() as u64;
        if draft.method == Method::Limited {
            // Limited awards stay above the split-purchase threshold.
            award = award.max(SPLIT_THRESHOLD + 2_000_000);
        }
        draft.award = award;

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
            draft.tenderers = if draft.has(SINGLE_BID) {
                1
            } else if draft.has(IDENTICAL) {
                random.between(3, 6)
            } else if draft.method == Method::Open {
                2 + random.below(3) + random.below(4)
            } else {
                random.between(2, 5)
            };
            self.competitive_bids(random, draft);
        } else {
            draft.period = None;
            draft.award_day = day + random.between(1, 7);
            draft.tenderers = 1;
            quotation(random, draft);
        }
        self.contract(random, draft);
    }

    fn items(&self, random: &mut Random, draft: &mut Draft) {
        let items = CATEGORIES[draft.category].1.len() as u64;
        draft.items[0] = random.below(items) as usize;
        draft.items[1] = ((draft.items[0] as u64 + 1 + random.below(items - 1)) % items) as usize;
        draft.item_count = if random.chance(0.3) { 2 } else { 1 };
        draft.quantity = random.between(1, 120);
    }

    /// The bids of an open or selective tender: the winner's is the lowest valid one.
    fn competitive_bids(&self, random: &mut Random, draft: &mut Draft) {
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
                disqualified: random.chance(0.12),
                ..Bid::default()
            });
        }
        if draft.has(LOWEST_DISQUALIFIED) {
            draft.bids[1].price = scaled(draft.award, random.uniform(0.88, 0.98));
            draft.bids[1].disqualified = true;
        }
        // Prices differ from bidder to bidder, except the planted identical pair.
        for bid in 1..draft.bids.len() {
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
        let bids = draft.bids.len();
        for bid in (1..bids).rev() {
            let other = random.below(bid as u64 + 1) as usize;
            draft.bids.swap(bid, other);
        }
    }

    /// A contract for the award, its amendments and payments.
    fn contract(&self, random: &mut Random, draft: &mut Draft) {
        draft.signed_day = draft.award_day + random.between(3, 15);
        draft.contract_start = draft.signed_day + random.between(1, 10);
        let length = match draft.category {
            0 => random.between(15, 90),
            1 => random.between(90, 400),
            _ => random.between(90, 365),
        };
        draft.contract_end = draft.contract_start + length;
        draft.amendments.clear();
        draft.raised = draft.has(AMENDMENT);
        draft.contract = draft.award;
        if draft.raised {
            draft.contract = scaled(draft.award, random.uniform(1.25, 1.6));
            for _ in 0..random.between(1, 2) {
                draft
                    .amendments
                    .push(draft.contract_start + random.between(length / 4, length * 3 / 4));
            }
            draft.amendments.sort_unstable();
        } else if random.chance(BENIGN_AMENDMENT) {
            draft
                .amendments
                .push(draft.contract_start + random.between(length / 4, length * 3 / 4));
        }
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

    /// A group of direct purchases from one buyer to one supplier.
    fn split_group(&self, random: &mut Random) -> SplitGroup {
        let buyer = self.buyer_ids.apply(self.split_buyers.draw(random));
        let category = random.weighted(&[0.55, 0.1, 0.35]);
        SplitGroup {
            buyer,
            supplier: self.thai_supplier(random, category),
            category,
            // Budgets left to spend before the fiscal year ends on 30 September: from mid-June
            // to mid-September of 2023 or 2024.
            day: 365 * random.below(2) + random.between(165, 252),
        }
    }

    /// One purchase of a split purchase: a direct award just under the threshold.
    fn split_member(
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
        self.items(random, draft);
        let estimate = scaled(SPLIT_THRESHOLD, random.uniform(0.6, 0.98));
        draft.estimate = estimate / 100 * 100;
        draft.budget = random
            .chance(0.35)
            .then(|| draft.estimate.div_ceil(100_000) * 100_000);
        draft.winner = group.supplier;
        let ratio = if draft.has(NEAR_ESTIMATE) {
            random.uniform(0.996, 1.0)
        } else {
            random.uniform(0.88, 0.97)
        };
        draft.award = scaled(draft.estimate, ratio);
        draft.period = None;
        draft.award_day = group.day + member * 5 + random.below(4);
        draft.tenderers = 1;
        quotation(random, draft);
        self.contract(random, draft);
    }
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

/// The single valid quotation of a direct or limited purchase, from the winner.
fn quotation(random: &mut Random, draft: &mut Draft) {
    draft.bids.clear();
    draft.bids.push(Bid {
        supplier: draft.winner,
        price: draft.award,
        disqualified: false,
        day: draft.award_day.saturating_sub(random.between(1, 5)),
        minute: random.between(9 * 60, 16 * 60 - 1),
    });
}

fn scaled(amount: u64, factor: f64) -> u64 {
    (amount as f64 * factor).round() as u64
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_same_seed_gives_the_same_bytes_and_valid_json() {
        let mut first = Vec::new();
        let mut second = Vec::new();
        super::write(&mut first, 500, 1).unwrap();
        super::write(&mut second, 500, 1).unwrap();
        assert_eq!(first, second);
        let text = String::from_utf8(first).unwrap();
        assert_eq!(text.lines().count(), 500);
        for line in text.lines() {
            let value: serde_json::Value = serde_json::from_str(line).unwrap();
            assert!(value["ocid"].is_string());
        }
    }
}
