//! Synthetic OCDS data at any size, for benchmarks and load tests.
//!
//! The releases are compiled releases, one per line, shaped like a national e-procurement
//! export: buyers and suppliers drawn from pools, competitive and direct methods, bids (some
//! disqualified, some at the winner's exact price), an award, a contract, sometimes amendments
//! and payments. The same `processes` and `seed` give
//! the same bytes.

use std::io::{self, Write};

/// A small deterministic generator (SplitMix64), so that the data needs no dependency.
struct Sequence(u64);

impl Sequence {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, bound: u64) -> u64 {
        self.next() % bound.max(1)
    }
}

const METHODS: [&str; 6] = ["open", "open", "open", "selective", "limited", "direct"];

/// Writes `processes` compiled releases as line-delimited JSON.
pub fn write(out: &mut impl Write, processes: u64, seed: u64) -> io::Result<()> {
    let mut random = Sequence(seed);
    let buyers = (processes / 200).max(3);
    let suppliers = (processes / 40).max(5);
    let epoch = chrono::NaiveDate::from_ymd_opt(2023, 1, 1).unwrap_or_default();
    let date = |days: u64| {
        (epoch + chrono::Days::new(days))
            .format("%Y-%m-%d")
            .to_string()
    };
    for index in 0..processes {
        let buyer = random.below(buyers);
        let method = METHODS[random.below(METHODS.len() as u64) as usize];
        let start = random.below(700);
        let period = 3 + random.below(40);
        let estimate = 10_000 + random.below(5_000_000);
        let tenderers = if method == "direct" || method == "limited" {
            1
        } else {
            1 + random.below(5)
        };
        let winner = random.below(suppliers);
        let mut bids = Vec::new();
        let mut winning_price = 0.0;
        for bid in 0..tenderers {
            let tenderer = if bid == 0 {
                winner
            } else {
                random.below(suppliers)
            };
            let mut price = estimate as f64 * (0.85 + random.below(30) as f64 / 100.0);
            if bid == 0 {
                winning_price = price;
            } else if random.below(40) == 0 {
                // Now and then a losing bid copies the winner's price exactly.
                price = winning_price;
            }
            // Now and then a losing bid is disqualified.
            let status = if bid > 0 && random.below(8) == 0 {
                "disqualified"
            } else {
                "valid"
            };
            bids.push(format!(
                r#"{{"id":"{bid}","status":"{status}","tenderers":[{{"id":"S-{tenderer}","name":"Supplier {tenderer}"}}],"value":{{"amount":{price:.2},"currency":"THB"}}}}"#
            ));
        }
        let award_day = start + period + 1 + random.below(30);
        let award_amount = estimate as f64 * 0.95;
        let contract_amount = if random.below(10) == 0 {
            award_amount * 1.3
        } else {
            award_amount
        };
        let amendments = if random.below(8) == 0 {
            format!(
                r#","amendments":[{{"id":"1","date":"{}"}}]"#,
                date(award_day + 90)
            )
        } else {
            String::new()
        };
        let paid = contract_amount * (0.5 + random.below(80) as f64 / 100.0);
        writeln!(
            out,
            r#"{{"ocid":"ocds-synthetic-{index:09}","id":"{index}","date":"{award}","tag":["compiled"],"buyer":{{"id":"B-{buyer}","name":"Buyer {buyer}"}},"tender":{{"id":"{index}","title":"Purchase {index}","status":"complete","procurementMethod":"{method}","procurementMethodDetails":"{method} procedure","mainProcurementCategory":"works","value":{{"amount":{estimate},"currency":"THB"}},"tenderPeriod":{{"startDate":"{start}T09:00:00+07:00","endDate":"{end}T16:30:00+07:00"}},"numberOfTenderers":{tenderers},"procuringEntity":{{"id":"B-{buyer}","name":"Buyer {buyer}"}}}},"bids":{{"details":[{bids}]}},"awards":[{{"id":"A-{index}","status":"active","date":"{award}","value":{{"amount":{award_amount:.2},"currency":"THB"}},"suppliers":[{{"id":"S-{winner}","name":"Supplier {winner}"}}],"items":[{{"id":"1","classification":{{"scheme":"UNSPSC","id":"{class}"}}}}]}}],"contracts":[{{"id":"C-{index}","awardID":"A-{index}","status":"active","dateSigned":"{award}","value":{{"amount":{contract_amount:.2},"currency":"THB"}}{amendments},"implementation":{{"transactions":[{{"id":"1","date":"{award}","value":{{"amount":{paid:.2},"currency":"THB"}}}}]}}}}]}}"#,
            award = date(award_day),
            start = date(start),
            end = date(start + period),
            bids = bids.join(","),
            class = 72_000_000 + random.below(100) * 10_000,
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_same_seed_gives_the_same_bytes_and_valid_json() {
        let mut first = Vec::new();
        let mut second = Vec::new();
        super::write(&mut first, 50, 1).unwrap();
        super::write(&mut second, 50, 1).unwrap();
        assert_eq!(first, second);
        let text = String::from_utf8(first).unwrap();
        assert_eq!(text.lines().count(), 50);
        for line in text.lines() {
            let value: serde_json::Value = serde_json::from_str(line).unwrap();
            assert!(value["ocid"].is_string());
        }
    }
}
