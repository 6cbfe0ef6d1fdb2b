//! Writing a process as a compiled release, and its line of the truth, straight into bytes.

use super::draft::{
    AWARD_DATE, Amendment, BID_DATES, BIDS, CLASSIFICATION, Draft, ESTIMATE, Supplier,
    TENDER_PERIOD, TENDERERS,
};
use super::plant::RATIONALES;
use super::vocabulary::{
    BUYER_KINDS, CATEGORIES, ENGLISH_STEMS, ENGLISH_TRADES, FOREIGN_FORMS, FOREIGN_STEMS, PLACES,
    THAI_FORMS, THAI_STEMS, THAI_TRADES,
};
use super::world::World;
use super::{OCID_PREFIX, SCHEMES, mix};

/// 2023-01-01, the first day of the data, in days since 1970-01-01.
const EPOCH: i64 = 19_358;

impl World {
    /// Writes a buyer's name.
    fn buyer_name(&self, json: &mut Json, buyer: u64) {
        let hash = mix(self.seed ^ 0xb0b0 ^ buyer);
        let (thai, english) = PLACES[(hash % 20) as usize];
        let (prefix, suffix) = BUYER_KINDS[(hash / 20 % 7) as usize];
        if thai_buyer(hash) {
            json.text(prefix);
            json.text(thai);
        } else {
            json.text(english);
            json.text(suffix);
        }
        let branch = buyer / 140;
        if branch > 0 {
            json.text(" ");
            json.number(branch + 1);
        }
    }

    /// Whether the buyer buys through a procurement division of its own.
    fn has_division(&self, buyer: u64) -> bool {
        mix(self.seed ^ 0xd1 ^ buyer).is_multiple_of(5)
    }

    fn supplier_name(&self, json: &mut Json, supplier: Supplier) {
        let hash = mix(self.seed ^ 0x5a5a ^ supplier.number ^ (u64::from(supplier.foreign) << 63));
        let trade = (hash / 10 % 10) as usize;
        if supplier.foreign {
            json.text(FOREIGN_STEMS[(hash % 8) as usize]);
            json.text(" ");
            json.text(ENGLISH_TRADES[trade]);
            json.text(FOREIGN_FORMS[(hash / 100 % 5) as usize]);
        } else if hash / 100 % 10 < 7 {
            let (prefix, suffix) = THAI_FORMS[(hash / 1000 % 3) as usize];
            json.text(prefix);
            json.text(THAI_STEMS[(hash % 10) as usize]);
            json.text(THAI_TRADES[trade]);
            json.text(suffix);
        } else {
            json.text(ENGLISH_STEMS[(hash % 10) as usize]);
            json.text(" ");
            json.text(ENGLISH_TRADES[trade]);
            json.text(" Co., Ltd.");
        }
    }

    fn buyer_reference(&self, json: &mut Json, buyer: u64) {
        json.text(r#"{"id":""#);
        buyer_id(json, buyer);
        json.text(r#"","name":""#);
        self.buyer_name(json, buyer);
        json.text(r#""}"#);
    }

    fn entity_reference(&self, json: &mut Json, buyer: u64) {
        if !self.has_division(buyer) {
            return self.buyer_reference(json, buyer);
        }
        json.text(r#"{"id":""#);
        buyer_id(json, buyer);
        json.text(r#"-P","name":""#);
        self.buyer_name(json, buyer);
        json.text(if thai_buyer(mix(self.seed ^ 0xb0b0 ^ buyer)) {
            " กองพัสดุ"
        } else {
            ", Procurement Division"
        });
        json.text(r#""}"#);
    }

    fn supplier_reference(&self, json: &mut Json, supplier: Supplier) {
        json.text(r#"{"id":""#);
        supplier_id(json, supplier);
        json.text(r#"","name":""#);
        self.supplier_name(json, supplier);
        json.text(r#""}"#);
    }

    /// Writes the process as a compiled release, with its newline.
    pub(super) fn release(&self, draft: &Draft, json: &mut Json) {
        let currency = self.currency(draft).code;
        let (category, items) = CATEGORIES[draft.category];
        let main = &items[draft.items[0]];
        let thai = thai_buyer(mix(self.seed ^ 0xb0b0 ^ draft.buyer));
        let last_day = draft
            .payments
            .iter()
            .map(|p| p.0)
            .chain(draft.amendments.iter().copied())
            .chain(draft.deliveries.iter().map(|delivery| delivery.1))
            .fold(draft.signed_day, u64::max);

        json.text(r#"{"ocid":""#);
        ocid(json, draft.index);
        json.text(r#"","id":""#);
        ocid(json, draft.index);
        json.text("-");
        json.date(last_day);
        json.text(r#"","date":""#);
        json.datetime(last_day, 10 * 60);
        json.text(r#"","tag":["compiled"],"initiationType":"tender","language":""#);
        json.text(if thai { "th" } else { "en" });

        // Parties: each organization's reference, reopened to add its roles.
        json.text(r#"","parties":["#);
        let division = self.has_division(draft.buyer);
        self.buyer_reference(json, draft.buyer);
        json.reopen();
        json.text(if division {
            r#","roles":["buyer"]}"#
        } else {
            r#","roles":["buyer","procuringEntity"]}"#
        });
        if division {
            json.text(",");
            self.entity_reference(json, draft.buyer);
            json.reopen();
            json.text(r#","roles":["procuringEntity"]}"#);
        }
        // Without a bids list, the winner is the only supplier known.
        let bids = if draft.lacks(BIDS) {
            &draft.bids[..0]
        } else {
            &draft.bids[..]
        };
        if bids.is_empty() {
            for supplier in std::iter::once(draft.winner).chain(draft.partner) {
                json.text(",");
                self.supplier_reference(json, supplier);
                json.reopen();
                json.text(r#","roles":["supplier"]}"#);
            }
        }
        let partner = draft.partner.filter(|_| !bids.is_empty());
        for (supplier, winner) in bids
            .iter()
            .map(|bid| (bid.supplier, bid.supplier == draft.winner))
            .chain(partner.map(|partner| (partner, true)))
        {
            json.text(",");
            self.supplier_reference(json, supplier);
            json.reopen();
            if !supplier.foreign {
                json.text(r#","identifier":{"scheme":"TH-DBD","id":""#);
                json.text("0105");
                json.padded((supplier.number * 7_919 + 12_345) % 1_000_000_000, 9);
                json.text(r#""}"#);
            }
            json.text(if winner {
                r#","roles":["tenderer","supplier"]}"#
            } else {
                r#","roles":["tenderer"]}"#
            });
        }
        json.text(r#"],"buyer":"#);
        self.buyer_reference(json, draft.buyer);

        if let Some(budget) = draft.budget.filter(|_| !draft.lacks(ESTIMATE)) {
            json.text(r#","planning":{"budget":{"description":""#);
            json.text(if thai {
                "งบประมาณรายจ่ายประจำปี"
            } else {
                "Annual budget"
            });
            json.text(r#"","amount":"#);
            json.money(budget, currency);
            json.text("}}");
        }

        // Tender.
        json.text(r#","tender":{"id":""#);
        ocid(json, draft.index);
        json.text(r#"-tender","title":""#);
        json.text(if thai { main.thai } else { main.english });
        json.text(r#"","status":"complete","procuringEntity":"#);
        self.entity_reference(json, draft.buyer);
        json.text(r#","items":["#);
        for (position, &item) in draft.items[..draft.item_count].iter().enumerate() {
            let item = &items[item];
            if position > 0 {
                json.text(",");
            }
            json.text(r#"{"id":""#);
            json.number(position as u64 + 1);
            json.text(r#"","description":""#);
            json.text(if thai { item.thai } else { item.english });
            if !draft.lacks(CLASSIFICATION) {
                json.text(r#"","classification":{"scheme":"UNSPSC","id":""#);
                json.text(item.code);
                json.text(r#"","description":""#);
                json.text(item.class);
                json.text("\"}");
            } else {
                json.text("\"");
            }
            json.text(r#","quantity":"#);
            json.number(draft.quantity);
            json.text("}");
        }
        json.text("]");
        if !draft.lacks(ESTIMATE) {
            json.text(r#","value":"#);
            json.money(draft.estimate, currency);
        }
        if let Some(fee) = draft.fee {
            json.text(r#","participationFees":[{"id":"1","type":["document"],"value":"#);
            json.money(fee, currency);
            json.text("}]");
        }
        json.text(r#","procurementMethod":""#);
        json.text(draft.method.name());
        json.text(r#"","procurementMethodDetails":""#);
        json.text(draft.details);
        if let Some(rationale) = draft.rationale {
            let (thai_text, english) = RATIONALES[rationale];
            json.text(r#"","procurementMethodRationale":""#);
            json.text(if thai { thai_text } else { english });
        }
        json.text(r#"","mainProcurementCategory":""#);
        json.text(category);
        json.text("\"");
        if let Some((start, length)) = draft.period.filter(|_| !draft.lacks(TENDER_PERIOD)) {
            json.text(r#","tenderPeriod":{"startDate":""#);
            json.datetime(start, 9 * 60);
            json.text(r#"","endDate":""#);
            json.datetime(start + length, 16 * 60 + 30);
            json.text(r#""}"#);
        }
        if let Some(day) = draft.opening {
            json.text(r#","bidOpening":{"date":""#);
            json.datetime(day, 10 * 60);
            json.text(r#""}"#);
        }
        if !draft.lacks(TENDERERS) {
            json.text(r#","numberOfTenderers":"#);
            json.number(draft.tenderers);
        }
        self.enquiries(draft, thai, json);
        json.text("}");

        // Bids.
        if !bids.is_empty() {
            json.text(r#","bids":{"details":["#);
        }
        for (position, bid) in bids.iter().enumerate() {
            if draft.lacks(BID_DATES) {
                json.entry_id(position);
            } else {
                json.entry(position, bid.day, bid.minute);
            }
            json.text(if bid.disqualified {
                r#","status":"disqualified","tenderers":["#
            } else {
                r#","status":"valid","tenderers":["#
            });
            self.supplier_reference(json, bid.supplier);
            if let Some(partner) = draft.partner.filter(|_| bid.supplier == draft.winner) {
                json.text(",");
                self.supplier_reference(json, partner);
            }
            json.text(r#"],"value":"#);
            json.money(bid.price, currency);
            json.text("}");
        }

        // Award.
        if !bids.is_empty() {
            json.text("]}");
        }
        json.text(r#","awards":[{"id":""#);
        ocid(json, draft.index);
        json.text(r#"-award-1","status":"active""#);
        if !draft.lacks(AWARD_DATE) {
            json.text(r#","date":""#);
            json.datetime(draft.award_day, 14 * 60);
            json.text("\"");
        }
        json.text(r#","value":"#);
        json.money(draft.award, currency);
        json.text(r#","suppliers":["#);
        self.supplier_reference(json, draft.winner);
        if let Some(partner) = draft.partner {
            json.text(",");
            self.supplier_reference(json, partner);
        }
        if draft.lacks(CLASSIFICATION) {
            json.text("]}]");
        } else {
            json.text(r#"],"items":[{"id":"1","classification":{"scheme":"UNSPSC","id":""#);
            json.text(main.code);
            json.text(r#""}}]}]"#);
        }

        // Contract.
        json.text(r#","contracts":[{"id":""#);
        ocid(json, draft.index);
        json.text(r#"-contract-1","awardID":""#);
        ocid(json, draft.index);
        json.text(r#"-award-1","status":"active","dateSigned":""#);
        json.datetime(draft.signed_day, 11 * 60);
        json.text(r#"","period":{"startDate":""#);
        json.datetime(draft.contract_start, 8 * 60 + 30);
        json.text(r#"","endDate":""#);
        json.datetime(draft.contract_end, 16 * 60 + 30);
        json.text(r#""},"value":"#);
        json.money(draft.contract, currency);
        if !draft.amendments.is_empty() {
            json.text(r#","amendments":["#);
            for (position, &day) in draft.amendments.iter().enumerate() {
                json.entry(position, day, 10 * 60);
                json.text(r#","rationale":""#);
                json.text(match (draft.amendment, thai) {
                    (Amendment::Raised, true) => "แก้ไขสัญญาเพิ่มเนื้องาน",
                    (Amendment::Raised, false) => "Variation order: additional work",
                    (Amendment::Value, true) => "แก้ไขปริมาณงานและมูลค่าสัญญา",
                    (Amendment::Value, false) => "Change of quantities and contract value",
                    (_, true) => "ขยายระยะเวลาส่งมอบ",
                    (_, false) => "Extension of the delivery period",
                });
                json.text(r#""}"#);
            }
            json.text("]");
        }
        json.text(r#","implementation":{"transactions":["#);
        for (position, &(day, amount)) in draft.payments.iter().enumerate() {
            json.entry(position, day, 10 * 60);
            json.text(r#","value":"#);
            json.money(amount, currency);
            json.text("}");
        }
        json.text("]");
        if !draft.deliveries.is_empty() {
            json.text(r#","milestones":["#);
            for (position, &(due, met)) in draft.deliveries.iter().enumerate() {
                json.entry_id(position);
                json.text(r#","title":""#);
                json.text(if thai {
                    "ส่งมอบงาน"
                } else {
                    "Delivery"
                });
                json.text(r#"","type":"delivery","status":"met","dueDate":""#);
                json.datetime(due, 16 * 60 + 30);
                json.text(r#"","dateMet":""#);
                json.datetime(met, 10 * 60);
                json.text(r#""}"#);
            }
            json.text("]");
        }
        json.text("}}]");
        if let Some(status) = draft.complaint {
            json.text(r#","complaints":[{"id":"1","status":""#);
            json.text(status);
            json.text(r#""}]"#);
        }
        json.text("}\n");
    }

    /// Writes the tender's questions from bidders, with their answers where answered.
    fn enquiries(&self, draft: &Draft, thai: bool, json: &mut Json) {
        if draft.enquiries.is_empty() {
            return;
        }
        json.text(r#","enquiries":["#);
        for (position, &(asked, answered)) in draft.enquiries.iter().enumerate() {
            json.entry(position, asked, 9 * 60 + 30 + position as u64 * 17);
            json.text(r#","title":""#);
            json.text(if thai {
                "สอบถามรายละเอียดคุณลักษณะเฉพาะ"
            } else {
                "Question on the specifications"
            });
            json.text("\"");
            if let Some(day) = answered {
                json.text(r#","answer":""#);
                json.text(if thai {
                    "เป็นไปตามเอกสารประกวดราคา"
                } else {
                    "As set out in the bidding documents"
                });
                json.text(r#"","dateAnswered":""#);
                json.datetime(day, 15 * 60);
                json.text("\"");
            }
            json.text("}");
        }
        json.text("]");
    }

    /// Writes the process's line of the truth.
    pub(super) fn truth(&self, draft: &Draft, json: &mut Json) {
        json.text(r#"{"ocid":""#);
        ocid(json, draft.index);
        json.text(r#"","schemes":["#);
        let mut first = true;
        for (scheme, definition) in SCHEMES.iter().enumerate() {
            if draft.has(scheme) {
                json.text(if first { "\"" } else { ",\"" });
                json.text(definition.slug);
                json.text("\"");
                first = false;
            }
        }
        json.text("]}\n");
    }
}

fn thai_buyer(hash: u64) -> bool {
    !(hash / 140).is_multiple_of(4)
}

fn ocid(json: &mut Json, index: u64) {
    json.text(OCID_PREFIX);
    json.padded(index, 10);
}

fn buyer_id(json: &mut Json, buyer: u64) {
    json.text("TH-B");
    json.padded(buyer, 6);
}

fn supplier_id(json: &mut Json, supplier: Supplier) {
    if supplier.foreign {
        json.text("XX-F");
        json.padded(supplier.number, 5);
    } else {
        json.text("TH-S");
        json.padded(supplier.number, 6);
    }
}

/// A line of JSON under construction; the pieces written are JSON-safe already.
#[derive(Default)]
pub(super) struct Json(pub(super) Vec<u8>);

impl Json {
    pub(super) fn clear(&mut self) {
        self.0.clear();
    }

    pub(super) fn text(&mut self, text: &str) {
        self.0.extend_from_slice(text.as_bytes());
    }

    pub(super) fn number(&mut self, n: u64) {
        self.padded(n, 1);
    }

    /// Removes the closing brace of the object just written, to add fields to it.
    pub(super) fn reopen(&mut self) {
        debug_assert_eq!(self.0.last(), Some(&b'}'));
        self.0.pop();
    }

    /// `n` in decimal, with leading zeros up to `width` digits.
    pub(super) fn padded(&mut self, mut n: u64, width: usize) {
        let mut digits = [b'0'; 20];
        let mut position = digits.len();
        while n > 0 || digits.len() - position < width {
            position -= 1;
            digits[position] = b'0' + (n % 10) as u8;
            n /= 10;
        }
        self.0.extend_from_slice(&digits[position..]);
    }

    /// `{"amount":..,"currency":..}` from hundredths.
    pub(super) fn money(&mut self, hundredths: u64, currency: &str) {
        self.text(r#"{"amount":"#);
        self.number(hundredths / 100);
        self.text(".");
        self.padded(hundredths % 100, 2);
        self.text(r#","currency":""#);
        self.text(currency);
        self.text(r#""}"#);
    }

    /// The start of the `position`th entry of a list (from 0): a comma after the first, then
    /// `{"id":"<position + 1>","date":"<day and minute>"`.
    pub(super) fn entry(&mut self, position: usize, day: u64, minute: u64) {
        self.entry_id(position);
        self.text(r#","date":""#);
        self.datetime(day, minute);
        self.text("\"");
    }

    /// The start of the `position`th entry of a list, without a date: `{"id":"<position + 1>"`.
    pub(super) fn entry_id(&mut self, position: usize) {
        if position > 0 {
            self.text(",");
        }
        self.text(r#"{"id":""#);
        self.number(position as u64 + 1);
        self.text("\"");
    }

    /// The date `day` days after 2023-01-01, as `YYYY-MM-DD`.
    pub(super) fn date(&mut self, day: u64) {
        let (year, month, date) = civil(EPOCH + day as i64);
        self.padded(year as u64, 4);
        self.text("-");
        self.padded(month, 2);
        self.text("-");
        self.padded(date, 2);
    }

    /// The date and time (`minute` after midnight, Bangkok time), in RFC 3339.
    pub(super) fn datetime(&mut self, day: u64, minute: u64) {
        self.date(day);
        self.text("T");
        self.padded(minute / 60, 2);
        self.text(":");
        self.padded(minute % 60, 2);
        self.text(":00+07:00");
    }
}

/// The civil date of a day since 1970-01-01 (proleptic Gregorian).
fn civil(days: i64) -> (i64, u64, u64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let date = (day_of_year - (153 * shifted_month + 2) / 5 + 1) as u64;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    } as u64;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, date)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates_match_chrono() {
        let epoch = chrono::NaiveDate::from_ymd_opt(2023, 1, 1).unwrap();
        for day in 0..3000u64 {
            let mut json = Json::default();
            json.date(day);
            let expected = (epoch + chrono::Days::new(day))
                .format("%Y-%m-%d")
                .to_string();
            assert_eq!(String::from_utf8(json.0).unwrap(), expected);
        }
    }
}
