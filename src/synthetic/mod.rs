//! Synthetic OCDS data with planted answers: realistic compiled releases, and the ground truth
//! of which corruption schemes were planted in which contracting processes, in several
//! *worlds* (see [`WorldSettings`] and [`WORLDS`]).
//!
//! `redflags generate --world NAME` writes the data (one compiled release per line) and, on
//! request, the truth; the benchmarks and the tests call [`write_world_with_truth`] (and
//! [`write()`] and [`write_with_truth`] for the baseline world).
//!
//! # The data
//!
//! The releases look like a national e-procurement export over two years (2023–2024):
//!
//! - **buyers** (municipalities, provincial organizations, hospitals, district offices) with
//!   Thai or English names and sizes skewed like a Zipf law: a few buyers hold most of the
//!   processes. About one in five buys through a procurement division, its `procuringEntity`;
//! - **suppliers** in three trades (goods, works, services), also Zipf-sized, with Thai or
//!   English names and a company-register identifier; foreign suppliers for the processes in
//!   another currency than the world's;
//! - **methods**: `open` (`e-bidding`, `ประกวดราคาอิเล็กทรอนิกส์`, `e-market`,
//!   `ตลาดอิเล็กทรอนิกส์`), `selective` (`คัดเลือก`, `วิธีคัดเลือก`), `limited` (`วิธีพิเศษ`),
//!   `direct` (`เฉพาะเจาะจง`, `วิธีเฉพาะเจาะจง`, `ตกลงราคา`), and international tenders in
//!   another currency (a process keeps one currency throughout);
//! - **items** with 8-digit UNSPSC classifications in 14 segments;
//! - an estimate (`tender.value`), sometimes a `planning.budget` at or above it; competitive
//!   processes have a tender period, dated bids (some disqualified) and `numberOfTenderers`;
//!   direct and limited ones a single quotation; every process one active award, one signed
//!   contract with a contract period, and one to three payments. The dates follow each other:
//!   tender period, bids, award, signature, contract period, payments;
//! - beyond that core, at the world's shares ([`Publishing`]): each buyer's flat fee for the
//!   bidding documents of open and selective tenders (`participationFees`, at most 0.4% of the
//!   threshold), bidders' questions answered within the tender period (`enquiries`), the bid
//!   opening the morning after the tender period (`bidOpening`), the ground of a direct or
//!   limited purchase (`procurementMethodRationale`), delivery milestones met by their due
//!   dates, and (outside the baseline) dismissed complaints, consortia winning works, late
//!   deliveries and unanswered questions as benign noise.
//!
//! # Worlds
//!
//! A world ([`WorldSettings`]) sets the method mix, how concentrated buyers and suppliers are,
//! the threshold and the amounts around it, the number of bidders, the share of optional
//! fields left out, and the benign noise: amendments that extend a period or change the value
//! within ±10%, direct and limited purchases awarded at the estimate, quotation periods of a
//! few days. `baseline` is the world the indicators were tuned with: its clean processes stay
//! clear of the indicators' default thresholds (direct purchases at or below 48% of the
//! 500,000 THB threshold, limited ones above it, tender periods of 18 days or more, 0.5% of
//! benign amendments). The other worlds are realistic in ways the indicators were never tuned
//! to, and their clean processes raise flags the way real ones do.
//!
//! In every world, clean processes stay clean of the *strong* schemes ([`STRONG_SCHEMES`]):
//! disqualified bids are never the lowest and never all bids but the winner's, no two bidders
//! quote the same price, every bid is in on time, contracts never grow more than 10% above
//! their award and payments stay within the contract.
//!
//! A scheme goes where its indicator can see it in that world: the bid schemes in open or
//! selective tenders, split purchases under the world's threshold (to be given to
//! `split_purchase`: [`WorldSettings::indicator_settings`]), among the larger buyers and late
//! in the fiscal year; a planted process keeps the fields its indicator reads.
//!
//! # The schemes and the truth
//!
//! Each scheme is planted in a deterministic random subset of the processes, at the rate in
//! [`SCHEMES`] (a share of all processes, the same in every world); a process may carry
//! several. Each scheme is named after the indicator meant to catch it:
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
//! | `near_estimate` | 4% | an open or selective tender awarded at 99.6–100% of the estimate, or up to 3% above it |
//! | `split_purchase` | 3% | two to four direct purchases of the same item from one buyer to one supplier, each at 53–98% of the threshold, within 18 days, before the fiscal year ends in September |
//! | `all_except_winner_disqualified` | 2% | a tender with 3–5 bidders where every bid but the winner's is disqualified |
//! | `bid_price_disparity` | 2% | cover bids: every losing bid of an open or selective tender at 1.6–3 times the winner's price (a third cover bid where two companies bid) |
//! | `shadow_bidder` | 2% | a company that never wins anything bids beside the same winner in 3–5 tenders of one trade (the winner put in place of each tender's own) |
//! | `bid_order` | 2% | three companies of their own bid together in 3–4 tenders of one trade, taking turns to win, and file their bids on one day in the same order every time |
//! | `consortium_prevalence` | 2% | a consortium of two companies wins a school building (`7212`), where consortia then win more than a quarter of the awards (the indicator's default) |
//! | `high_participation_fee` | 2% | a fee for the bidding documents of an open or selective tender at 1.5–5% of its estimate |
//! | `unanswered_enquiries` | 2% | an open or selective tender with 2–5 questions from bidders, one or two never answered |
//! | `short_bid_opening` | 2% | the bids of an open or selective tender opened 4–12 days after the call, although its tender period runs 18 days or more (the bids dated before the opening) |
//! | `complaint` | 2% | a losing bidder's complaint, pending, about an open or selective tender |
//! | `unjustified_non_competitive` | 2% | a direct or limited purchase that states no ground where the others do |
//! | `late_delivery` | 2% | a contract's last delivery met 20–120 days after its due date |
//!
//! `single_bid`, `identical_bid_prices`, `lowest_bid_disqualified` and
//! `all_except_winner_disqualified` exclude each other. The last ten schemes are planted, by a
//! quota at their rates, in processes already drawn that fit them, from a random sequence of
//! their own (`plant.rs`): the first ten and the processes' core are drawn as before. The bid
//! schemes among them leave the bids the first schemes planted alone, and
//! `short_bid_opening` leaves out short and late tenders; `bid_price_disparity` also flags
//! most `lowest_bid_disqualified` tenders (a bid below the winner's widens the spread), and
//! `short_bid_opening` every `short_tender_period` tender that publishes its opening.
//!
//! The other indicators added with these have no scheme, as the generated data cannot show
//! them apart from chance:
//!
//! - `tender_value_outlier`, `line_item_price`: estimates depend on the method, not on the
//!   item, and spread over one to two orders of magnitude for every kind of item, and items
//!   have a quantity but no unit price; an inflated estimate would have to exceed that whole
//!   spread (hundreds of times the threshold) to cross a fence, which is no fraud's shape;
//! - `small_then_large`: clean buyers already buy small by direct purchase and large by open
//!   tender from the same large suppliers: it flags about 2% of the clean baseline processes,
//!   so a planted pattern would not stand out;
//! - `market_share`: markets are kinds of item across all buyers, with hundreds of awards
//!   each; a supplier winning half of one would take over a whole trade of the generator;
//! - `missing_bidder`, `few_bidders_for_buyer`: they need a buyer's history for one kind of
//!   item (a regular bidder who stops, or a buyer whose tenders draw few bidders every time),
//!   and the generator draws each process's buyer and bidders independently;
//! - `contract_modified`: every amendment the generator writes is already either the
//!   `contract_amendment` scheme (which it flags as well) or the worlds' benign amendments.
//!
//! The truth is line-delimited JSON, one line per process that carries a scheme, in ocid
//! order: `{"ocid": "...", "schemes": ["single_bid", "near_estimate"]}`.
//!
//! The same world, number of processes and seed give the same bytes, on any machine: one
//! SplitMix64 sequence, no hashing of maps, no clock, and portable `exp` and `ln`.

use std::io::{self, Write};

pub mod detection;
mod draft;
mod json;
mod plant;
mod random;
mod settings;
mod vocabulary;
mod world;

use draft::Draft;
use json::Json;
use plant::Planter;
use random::{Random, mix};
pub use settings::{Amounts, BASELINE, Publishing, Sizes, WORLDS, WorldSettings};
use world::World;

/// A scheme planted in the synthetic data.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scheme {
    /// The slug of the indicator meant to catch it, and the scheme's name in the truth.
    pub slug: &'static str,
    /// The share of all processes that carry it.
    pub rate: f64,
}

/// The schemes, in the order the truth lists them.
pub const SCHEMES: [Scheme; 20] = [
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
    Scheme {
        slug: "all_except_winner_disqualified",
        rate: 0.02,
    },
    Scheme {
        slug: "bid_price_disparity",
        rate: 0.02,
    },
    Scheme {
        slug: "shadow_bidder",
        rate: 0.02,
    },
    Scheme {
        slug: "bid_order",
        rate: 0.02,
    },
    Scheme {
        slug: "consortium_prevalence",
        rate: 0.02,
    },
    Scheme {
        slug: "high_participation_fee",
        rate: 0.02,
    },
    Scheme {
        slug: "unanswered_enquiries",
        rate: 0.02,
    },
    Scheme {
        slug: "short_bid_opening",
        rate: 0.02,
    },
    Scheme {
        slug: "complaint",
        rate: 0.02,
    },
    Scheme {
        slug: "unjustified_non_competitive",
        rate: 0.02,
    },
    Scheme {
        slug: "late_delivery",
        rate: 0.02,
    },
];

/// The strong schemes: each on its own is worth an investigation (the detection measure
/// expects them at the top of the ranking).
pub const STRONG_SCHEMES: [&str; 5] = [
    "identical_bid_prices",
    "all_except_winner_disqualified",
    "lowest_bid_disqualified",
    "late_bid_won",
    "contract_amendment",
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
const ALL_BUT_WINNER: usize = 9;
const DISPARITY: usize = 10;
const SHADOW: usize = 11;
const BID_ORDER: usize = 12;
const CONSORTIUM: usize = 13;
const PARTICIPATION_FEE: usize = 14;
const UNANSWERED: usize = 15;
const OPENING: usize = 16;
const COMPLAINT: usize = 17;
const UNJUSTIFIED: usize = 18;
const LATE_DELIVERY: usize = 19;

/// The schemes planted in a process already drawn, by quota (`plant.rs`).
const NEW_SCHEMES: [usize; 10] = [
    DISPARITY,
    SHADOW,
    BID_ORDER,
    CONSORTIUM,
    PARTICIPATION_FEE,
    UNANSWERED,
    OPENING,
    COMPLAINT,
    UNJUSTIFIED,
    LATE_DELIVERY,
];

/// The schemes that need a competitive tender with bids.
const COMPETITIVE: [usize; 6] = [
    SINGLE_BID,
    SHORT_PERIOD,
    IDENTICAL,
    LOWEST_DISQUALIFIED,
    LATE_BID,
    ALL_BUT_WINNER,
];

/// The schemes that exclude each other (they need different bids).
const EXCLUSIVE: [usize; 4] = [SINGLE_BID, IDENTICAL, LOWEST_DISQUALIFIED, ALL_BUT_WINNER];

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

/// Writes `processes` compiled releases of the baseline world as line-delimited JSON.
pub fn write(out: &mut (impl Write + ?Sized), processes: u64, seed: u64) -> io::Result<()> {
    write_with_truth(out, &mut io::sink(), processes, seed).map(|_| ())
}

/// Writes `processes` compiled releases of the baseline world to `out` and the planted schemes
/// to `truth`, both as line-delimited JSON, and returns the counts.
pub fn write_with_truth(
    out: &mut (impl Write + ?Sized),
    truth: &mut (impl Write + ?Sized),
    processes: u64,
    seed: u64,
) -> io::Result<Planted> {
    write_world_with_truth(out, truth, &BASELINE, processes, seed)
}

/// Writes `processes` compiled releases of `world` to `out` and the planted schemes to
/// `truth`, both as line-delimited JSON, and returns the counts.
pub fn write_world_with_truth(
    out: &mut (impl Write + ?Sized),
    truth: &mut (impl Write + ?Sized),
    world: &WorldSettings,
    processes: u64,
    seed: u64,
) -> io::Result<Planted> {
    let world = World::new(world, processes, seed);
    let mut random = Random(mix(seed ^ 0x5eed_0fda));
    let mut planter = Planter::new(seed);
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
                world.plant(&mut planter, &mut draft);
                emit(&draft, &mut line)?;
                index += 1;
            }
        } else {
            world.process(&mut random, index, &mut draft);
            world.plant(&mut planter, &mut draft);
            emit(&draft, &mut line)?;
            index += 1;
        }
    }
    Ok(planted)
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
