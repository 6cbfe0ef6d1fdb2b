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
//!   tender period, bids, award, signature, contract period, payments.
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
//! | `near_estimate` | 4% | an award at 99.6–100% of the estimate, or up to 3% above it |
//! | `split_purchase` | 3% | two to four direct purchases of the same item from one buyer to one supplier, each at 53–98% of the threshold, within 18 days, before the fiscal year ends in September |
//! | `all_except_winner_disqualified` | 2% | a tender with 3–5 bidders where every bid but the winner's is disqualified |
//!
//! `single_bid`, `identical_bid_prices`, `lowest_bid_disqualified` and
//! `all_except_winner_disqualified` exclude each other.
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
mod random;
mod settings;
mod vocabulary;
mod world;

use draft::Draft;
use json::Json;
use random::{Random, mix};
pub use settings::{Amounts, BASELINE, Sizes, WORLDS, WorldSettings};
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
pub const SCHEMES: [Scheme; 10] = [
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
