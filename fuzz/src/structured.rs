//! A small model of OCDS releases for `score_structured`, built by `arbitrary` and written as
//! OCDS JSON.
//!
//! Identifiers come from small sets so that processes share buyers, suppliers and tenderers
//! (the organization-level indicators need repeats) and releases share `ocid`s (the merge needs
//! several releases of one process). Values, dates and codes include what real publishers get
//! wrong: reversed and absurd dates, negative, zero, huge and non-numeric amounts, unknown
//! codes, numbers where text belongs.

use std::collections::BTreeMap;

use arbitrary::Arbitrary;
use serde_json::{Map, Value, json};

/// The `ocid`s a release can have.
pub const OCIDS: [&str; 5] = [
    "ocds-fz-0001",
    "ocds-fz-0002",
    "ocds-fz-0003",
    "ocds-fz-0004",
    "ocds-fz-0005",
];

/// The organizations (buyers, procuring entities, tenderers and suppliers alike).
const ORGANIZATIONS: usize = 6;

/// The most releases written; the rest of a long input is ignored.
const MAX_RELEASES: usize = 12;
/// The most elements of any list inside a release.
const MAX_LIST: usize = 6;

/// A batch of releases and how they are published.
#[derive(Arbitrary, Debug)]
pub struct Batch {
    /// The publication's shape.
    pub layout: Layout,
    /// The releases, in publication order.
    pub releases: Vec<Release>,
}

/// How the releases are published.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum Layout {
    /// Line-delimited JSON, one release a line.
    Lines,
    /// One release package, pretty-printed over many lines.
    ReleasePackage,
    /// One record package: a record per `ocid`, its releases embedded (merged by the ingest),
    /// or its last release as the compiled release.
    RecordPackage {
        /// Whether the records carry a compiled release.
        compiled: bool,
    },
    /// A bare JSON array of releases.
    Array,
}

/// One release.
#[derive(Arbitrary, Debug)]
pub struct Release {
    ocid: u8,
    id: u8,
    date: Option<Date>,
    buyer: Option<Organization>,
    parties: Vec<Party>,
    budget: Option<Money>,
    tender: Option<Tender>,
    bids: Option<Vec<Bid>>,
    awards: Option<Vec<Award>>,
    contracts: Option<Vec<Contract>>,
}

/// A reference to an organization.
#[derive(Arbitrary, Debug)]
enum Organization {
    Id(u8),
    Named(u8),
    NumericId(u8),
    /// OCDS 1.0: an identifier and no id.
    IdentifierOnly(u8),
    NameOnly(u8),
    Empty,
    Null,
}

#[derive(Arbitrary, Debug)]
struct Party {
    organization: u8,
    roles: Vec<Role>,
}

#[derive(Arbitrary, Debug)]
enum Role {
    Buyer,
    ProcuringEntity,
    Tenderer,
    Supplier,
    Payee,
    Unknown,
}

#[derive(Arbitrary, Debug)]
struct Tender {
    status: Option<Code<TenderStatus>>,
    method: Option<Code<Method>>,
    details: Option<u8>,
    category: Option<Code<Category>>,
    procuring_entity: Option<Organization>,
    value: Option<Money>,
    period: Option<Period>,
    tenderers: Vec<Organization>,
    number_of_tenderers: Option<Count>,
    items: Vec<Item>,
    amendments: Vec<Amendment>,
    /// OCDS 1.0: one `amendment` object.
    amendment: Option<Amendment>,
}

/// A code as published: as the codelist has it, in capitals, padded, or unknown.
#[derive(Arbitrary, Debug)]
enum Code<T> {
    Exact(T),
    Upper(T),
    Padded(T),
    Unknown(u8),
    Number(u8),
    Null,
}

/// A codelist's codes.
trait Codes {
    fn code(&self) -> &'static str;
}

macro_rules! codelist {
    ($name:ident { $($variant:ident => $code:literal),* $(,)? }) => {
        #[derive(Arbitrary, Debug, Clone, Copy)]
        enum $name {
            $($variant),*
        }
        impl Codes for $name {
            fn code(&self) -> &'static str {
                match self {
                    $($name::$variant => $code),*
                }
            }
        }
    };
}

codelist!(TenderStatus {
    Planned => "planned",
    Active => "active",
    Cancelled => "cancelled",
    Unsuccessful => "unsuccessful",
    Complete => "complete",
    Withdrawn => "withdrawn",
});

codelist!(Method {
    Open => "open",
    Selective => "selective",
    Limited => "limited",
    Direct => "direct",
});

codelist!(Category {
    Goods => "goods",
    Works => "works",
    Services => "services",
});

codelist!(BidStatus {
    Invited => "invited",
    Pending => "pending",
    Valid => "valid",
    Disqualified => "disqualified",
    Withdrawn => "withdrawn",
});

codelist!(AwardStatus {
    Pending => "pending",
    Active => "active",
    Cancelled => "cancelled",
    Unsuccessful => "unsuccessful",
});

codelist!(ContractStatus {
    Pending => "pending",
    Active => "active",
    Cancelled => "cancelled",
    Terminated => "terminated",
});

/// A count (`numberOfTenderers`).
#[derive(Arbitrary, Debug)]
enum Count {
    Small(u8),
    Negative(u8),
    Huge,
    Text(u8),
    Fraction,
    Null,
}

/// A monetary value.
#[derive(Arbitrary, Debug)]
struct Money {
    amount: Option<Amount>,
    currency: Option<Currency>,
}

#[derive(Arbitrary, Debug)]
enum Amount {
    /// A round amount from a small set, so that bids tie and sit exact percentages apart.
    Round(u8),
    Integer(i32),
    Float(f64),
    Zero,
    NegativeZero,
    Negative(u32),
    Huge(HugeAmount),
    Text(AmountText),
    Null,
    Boolean,
}

#[derive(Arbitrary, Debug)]
enum HugeAmount {
    Max,
    E300,
    E20,
    MinPositive,
    NegativeMax,
}

#[derive(Arbitrary, Debug)]
enum AmountText {
    Numeric(u16),
    Padded(u16),
    Exponent,
    NaN,
    Infinity,
    NegativeInfinity,
    Overflow,
    Thousands,
    Empty,
    Words,
}

#[derive(Arbitrary, Debug)]
enum Currency {
    Thb,
    Usd,
    Eur,
    Lower,
    Empty,
    Number,
    Null,
}

/// A date as published.
#[derive(Arbitrary, Debug)]
enum Date {
    /// A day near the others (so that periods overlap, run short or long, or reverse).
    Near {
        day: u16,
        seconds: u32,
        form: DateForm,
    },
    Absurd(AbsurdDate),
}

#[derive(Arbitrary, Debug)]
enum DateForm {
    Utc,
    Offset(i8),
    Naive,
    DayOnly,
    Millis,
}

#[derive(Arbitrary, Debug)]
enum AbsurdDate {
    Empty,
    Zero,
    YearOne,
    Year9999,
    /// chrono's last year, with the sign it needs past 9999.
    FarFuture,
    /// chrono's first year.
    FarPast,
    February30,
    LeapDay,
    BuddhistEra,
    Words,
    Number(i32),
    Padded,
    Slashes,
    Null,
}

#[derive(Arbitrary, Debug)]
struct Period {
    start: Option<Date>,
    end: Option<Date>,
    max_extent: Option<Date>,
    duration: Option<Count>,
}

#[derive(Arbitrary, Debug)]
struct Item {
    id: u8,
    classification: Option<(Scheme, u8)>,
}

#[derive(Arbitrary, Debug)]
enum Scheme {
    Cpv,
    Unspsc,
    Unknown,
    Null,
}

#[derive(Arbitrary, Debug)]
struct Amendment {
    id: u8,
    date: Option<Date>,
    rationale: bool,
}

#[derive(Arbitrary, Debug)]
struct Bid {
    id: u8,
    status: Option<Code<BidStatus>>,
    date: Option<Date>,
    value: Option<Money>,
    tenderers: Vec<Organization>,
}

#[derive(Arbitrary, Debug)]
struct Award {
    id: u8,
    status: Option<Code<AwardStatus>>,
    date: Option<Date>,
    value: Option<Money>,
    suppliers: Vec<Organization>,
    items: Vec<Item>,
    amendments: Vec<Amendment>,
}

#[derive(Arbitrary, Debug)]
struct Contract {
    id: u8,
    award_id: Option<u8>,
    status: Option<Code<ContractStatus>>,
    date_signed: Option<Date>,
    period: Option<Period>,
    value: Option<Money>,
    items: Vec<Item>,
    amendments: Vec<Amendment>,
    transactions: Vec<Transaction>,
}

#[derive(Arbitrary, Debug)]
struct Transaction {
    id: u8,
    date: Option<Date>,
    value: Option<Money>,
    /// OCDS 1.0 named the value `amount`.
    old_name: bool,
}

/// Sets `key` when the value is given.
fn put(object: &mut Map<String, Value>, key: &str, value: Option<Value>) {
    if let Some(value) = value {
        object.insert(key.to_owned(), value);
    }
}

/// At most [`MAX_LIST`] elements, written.
fn list<T>(items: &[T], write: impl Fn(&T) -> Value) -> Value {
    Value::Array(items.iter().take(MAX_LIST).map(write).collect())
}

/// A small identifier: `n` of `count`, as text.
fn small_id(prefix: &str, n: u8, count: u8) -> Value {
    json!(format!("{prefix}{}", n % count))
}

fn organization_id(n: u8) -> String {
    format!("ORG-{}", usize::from(n) % ORGANIZATIONS)
}

fn organization_name(n: u8) -> String {
    // Two spellings of one organization's name, with Thai text.
    let n = usize::from(n);
    let base = n % ORGANIZATIONS;
    if n / ORGANIZATIONS % 2 == 0 {
        format!("หน่วยงาน {base}")
    } else {
        format!("  หน่วยงาน {base} ")
    }
}

impl Organization {
    fn write(&self) -> Value {
        match *self {
            Organization::Id(n) => json!({"id": organization_id(n)}),
            Organization::Named(n) => {
                json!({"id": organization_id(n), "name": organization_name(n)})
            }
            Organization::NumericId(n) => json!({"id": usize::from(n) % ORGANIZATIONS}),
            Organization::IdentifierOnly(n) => json!({
                "name": organization_name(n),
                "identifier": {"scheme": "TH-DGA", "id": organization_id(n)}
            }),
            Organization::NameOnly(n) => json!({"name": organization_name(n)}),
            Organization::Empty => json!({}),
            Organization::Null => Value::Null,
        }
    }
}

impl Party {
    fn write(&self) -> Value {
        let roles: Vec<&str> = self
            .roles
            .iter()
            .take(MAX_LIST)
            .map(|role| match role {
                Role::Buyer => "buyer",
                Role::ProcuringEntity => "procuringEntity",
                Role::Tenderer => "tenderer",
                Role::Supplier => "supplier",
                Role::Payee => "payee",
                Role::Unknown => "reviewBody ",
            })
            .collect();
        json!({
            "id": organization_id(self.organization),
            "name": organization_name(self.organization),
            "roles": roles,
        })
    }
}

impl<T: Codes> Code<T> {
    fn write(&self) -> Value {
        match self {
            Code::Exact(code) => json!(code.code()),
            Code::Upper(code) => json!(code.code().to_uppercase()),
            Code::Padded(code) => json!(format!(" {} ", code.code())),
            Code::Unknown(n) => json!(format!("code{}", n % 4)),
            Code::Number(n) => json!(n % 4),
            Code::Null => Value::Null,
        }
    }
}

impl Count {
    fn write(&self) -> Value {
        match *self {
            Count::Small(n) => json!(n % 12),
            Count::Negative(n) => json!(-i64::from(n)),
            Count::Huge => json!(u64::MAX),
            Count::Text(n) => json!(format!("{}", n % 12)),
            Count::Fraction => json!(2.5),
            Count::Null => Value::Null,
        }
    }
}

impl Money {
    fn write(&self) -> Value {
        let mut object = Map::new();
        put(
            &mut object,
            "amount",
            self.amount.as_ref().map(Amount::write),
        );
        put(
            &mut object,
            "currency",
            self.currency.as_ref().map(Currency::write),
        );
        Value::Object(object)
    }
}

impl Amount {
    fn write(&self) -> Value {
        match *self {
            Amount::Round(n) => {
                const ROUND: [u64; 8] = [1, 100, 1000, 1100, 50_000, 100_000, 500_000, 5_000_000];
                json!(ROUND[usize::from(n) % ROUND.len()])
            }
            Amount::Integer(n) => json!(n),
            // JSON has no NaN or infinity: those are written as text.
            Amount::Float(x) if x.is_finite() => json!(x),
            Amount::Float(x) => json!(x.to_string()),
            Amount::Zero => json!(0),
            Amount::NegativeZero => json!(-0.0),
            Amount::Negative(n) => json!(-i64::from(n)),
            Amount::Huge(HugeAmount::Max) => json!(f64::MAX),
            Amount::Huge(HugeAmount::E300) => json!(1e300),
            Amount::Huge(HugeAmount::E20) => json!(1e20),
            Amount::Huge(HugeAmount::MinPositive) => json!(f64::MIN_POSITIVE),
            Amount::Huge(HugeAmount::NegativeMax) => json!(f64::MIN),
            Amount::Text(AmountText::Numeric(n)) => json!(format!("{n}.50")),
            Amount::Text(AmountText::Padded(n)) => json!(format!("  {n} ")),
            Amount::Text(AmountText::Exponent) => json!("2e3"),
            Amount::Text(AmountText::NaN) => json!("NaN"),
            Amount::Text(AmountText::Infinity) => json!("inf"),
            Amount::Text(AmountText::NegativeInfinity) => json!("-Infinity"),
            Amount::Text(AmountText::Overflow) => json!("1e309"),
            Amount::Text(AmountText::Thousands) => json!("1,000.50"),
            Amount::Text(AmountText::Empty) => json!(""),
            Amount::Text(AmountText::Words) => json!("one million"),
            Amount::Null => Value::Null,
            Amount::Boolean => json!(true),
        }
    }
}

impl Currency {
    fn write(&self) -> Value {
        match self {
            Currency::Thb => json!("THB"),
            Currency::Usd => json!("USD"),
            Currency::Eur => json!("EUR"),
            Currency::Lower => json!("thb"),
            Currency::Empty => json!(""),
            Currency::Number => json!(764),
            Currency::Null => Value::Null,
        }
    }
}

/// The day count of 2019-01-01 from 0001-01-01 (day 1), the first day of `Date::Near`.
const EPOCH_DAYS: i32 = 737_060;

impl Date {
    fn write(&self) -> Value {
        match self {
            Date::Near { day, seconds, form } => {
                // About four years of days, so that periods range from none to years long.
                let days = EPOCH_DAYS + i32::from(*day % 1500);
                let seconds = seconds % 86_400;
                let date = chrono::NaiveDate::from_num_days_from_ce_opt(days)
                    .expect("a day in range")
                    .and_hms_opt(seconds / 3600, seconds / 60 % 60, seconds % 60)
                    .expect("a time of day");
                json!(match form {
                    DateForm::Utc => date.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
                    DateForm::Offset(hours) => {
                        let hours = i32::from(*hours) % 15;
                        let sign = if hours < 0 { '-' } else { '+' };
                        let text = date.format("%Y-%m-%dT%H:%M:%S");
                        format!("{text}{sign}{:02}:00", hours.abs())
                    }
                    DateForm::Naive => date.format("%Y-%m-%dT%H:%M:%S").to_string(),
                    DateForm::DayOnly => date.format("%Y-%m-%d").to_string(),
                    DateForm::Millis => date.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
                })
            }
            Date::Absurd(absurd) => match absurd {
                AbsurdDate::Empty => json!(""),
                AbsurdDate::Zero => json!("0000-00-00T00:00:00Z"),
                AbsurdDate::YearOne => json!("0001-01-01T00:00:00Z"),
                AbsurdDate::Year9999 => json!("9999-12-31T23:59:59Z"),
                AbsurdDate::FarFuture => json!("+262143-12-31T23:59:59+00:00"),
                AbsurdDate::FarPast => json!("-262144-01-01T00:00:00"),
                AbsurdDate::February30 => json!("2021-02-30T00:00:00Z"),
                AbsurdDate::LeapDay => json!("2020-02-29T23:59:59+14:00"),
                AbsurdDate::BuddhistEra => json!("2564-03-01T00:00:00+07:00"),
                AbsurdDate::Words => json!("next Tuesday"),
                AbsurdDate::Number(n) => json!(n),
                AbsurdDate::Padded => json!("  2020-06-01T00:00:00Z "),
                AbsurdDate::Slashes => json!("01/06/2020"),
                AbsurdDate::Null => Value::Null,
            },
        }
    }
}

fn date(date: &Option<Date>) -> Option<Value> {
    date.as_ref().map(Date::write)
}

impl Period {
    fn write(&self) -> Value {
        let mut object = Map::new();
        put(&mut object, "startDate", date(&self.start));
        put(&mut object, "endDate", date(&self.end));
        put(&mut object, "maxExtentDate", date(&self.max_extent));
        put(
            &mut object,
            "durationInDays",
            self.duration.as_ref().map(Count::write),
        );
        Value::Object(object)
    }
}

impl Item {
    fn write(&self) -> Value {
        let mut object = Map::new();
        object.insert("id".to_owned(), small_id("item-", self.id, 4));
        if let Some((scheme, code)) = &self.classification {
            let scheme = match scheme {
                Scheme::Cpv => json!("CPV"),
                Scheme::Unspsc => json!("UNSPSC"),
                Scheme::Unknown => json!("local"),
                Scheme::Null => Value::Null,
            };
            let codes = ["45000000", "45230000", "33100000", "72000000", "43211500"];
            let id = codes[usize::from(*code) % codes.len()];
            object.insert(
                "classification".to_owned(),
                json!({"scheme": scheme, "id": id}),
            );
        }
        Value::Object(object)
    }
}

impl Amendment {
    fn write(&self) -> Value {
        let mut object = Map::new();
        object.insert("id".to_owned(), small_id("amendment-", self.id, 3));
        put(&mut object, "date", date(&self.date));
        if self.rationale {
            object.insert("rationale".to_owned(), json!("price change"));
        }
        Value::Object(object)
    }
}

fn money(value: &Option<Money>) -> Option<Value> {
    value.as_ref().map(Money::write)
}

impl Tender {
    fn write(&self, ocid: &str) -> Value {
        let mut object = Map::new();
        object.insert("id".to_owned(), json!(format!("{ocid}-tender")));
        object.insert("title".to_owned(), json!("ซื้อวัสดุสำนักงาน"));
        put(&mut object, "status", self.status.as_ref().map(Code::write));
        put(
            &mut object,
            "procurementMethod",
            self.method.as_ref().map(Code::write),
        );
        put(
            &mut object,
            "procurementMethodDetails",
            self.details.map(|n| {
                let details = ["e-bidding", "specific", "selection", "price agreement"];
                json!(details[usize::from(n) % details.len()])
            }),
        );
        put(
            &mut object,
            "mainProcurementCategory",
            self.category.as_ref().map(Code::write),
        );
        put(
            &mut object,
            "procuringEntity",
            self.procuring_entity.as_ref().map(Organization::write),
        );
        put(&mut object, "value", money(&self.value));
        put(
            &mut object,
            "tenderPeriod",
            self.period.as_ref().map(Period::write),
        );
        if !self.tenderers.is_empty() {
            object.insert(
                "tenderers".to_owned(),
                list(&self.tenderers, Organization::write),
            );
        }
        put(
            &mut object,
            "numberOfTenderers",
            self.number_of_tenderers.as_ref().map(Count::write),
        );
        if !self.items.is_empty() {
            object.insert("items".to_owned(), list(&self.items, Item::write));
        }
        if !self.amendments.is_empty() {
            object.insert(
                "amendments".to_owned(),
                list(&self.amendments, Amendment::write),
            );
        }
        put(
            &mut object,
            "amendment",
            self.amendment.as_ref().map(Amendment::write),
        );
        Value::Object(object)
    }
}

impl Bid {
    fn write(&self) -> Value {
        let mut object = Map::new();
        object.insert("id".to_owned(), small_id("bid-", self.id, 6));
        put(&mut object, "status", self.status.as_ref().map(Code::write));
        put(&mut object, "date", date(&self.date));
        put(&mut object, "value", money(&self.value));
        object.insert(
            "tenderers".to_owned(),
            list(&self.tenderers, Organization::write),
        );
        Value::Object(object)
    }
}

impl Award {
    fn write(&self) -> Value {
        let mut object = Map::new();
        object.insert("id".to_owned(), small_id("award-", self.id, 4));
        put(&mut object, "status", self.status.as_ref().map(Code::write));
        put(&mut object, "date", date(&self.date));
        put(&mut object, "value", money(&self.value));
        object.insert(
            "suppliers".to_owned(),
            list(&self.suppliers, Organization::write),
        );
        if !self.items.is_empty() {
            object.insert("items".to_owned(), list(&self.items, Item::write));
        }
        if !self.amendments.is_empty() {
            object.insert(
                "amendments".to_owned(),
                list(&self.amendments, Amendment::write),
            );
        }
        Value::Object(object)
    }
}

impl Contract {
    fn write(&self) -> Value {
        let mut object = Map::new();
        object.insert("id".to_owned(), small_id("contract-", self.id, 4));
        put(
            &mut object,
            "awardID",
            self.award_id.map(|n| small_id("award-", n, 4)),
        );
        put(&mut object, "status", self.status.as_ref().map(Code::write));
        put(&mut object, "dateSigned", date(&self.date_signed));
        put(
            &mut object,
            "period",
            self.period.as_ref().map(Period::write),
        );
        put(&mut object, "value", money(&self.value));
        if !self.items.is_empty() {
            object.insert("items".to_owned(), list(&self.items, Item::write));
        }
        if !self.amendments.is_empty() {
            object.insert(
                "amendments".to_owned(),
                list(&self.amendments, Amendment::write),
            );
        }
        if !self.transactions.is_empty() {
            let transactions = list(&self.transactions, |transaction| {
                let mut object = Map::new();
                object.insert("id".to_owned(), small_id("payment-", transaction.id, 4));
                put(&mut object, "date", date(&transaction.date));
                let key = if transaction.old_name {
                    "amount"
                } else {
                    "value"
                };
                put(&mut object, key, money(&transaction.value));
                Value::Object(object)
            });
            object.insert(
                "implementation".to_owned(),
                json!({"transactions": transactions}),
            );
        }
        Value::Object(object)
    }
}

impl Release {
    /// The release's `ocid`.
    pub fn ocid(&self) -> &'static str {
        OCIDS[usize::from(self.ocid) % OCIDS.len()]
    }

    /// The release as OCDS JSON. `sequence` makes its id and date distinct from the other
    /// releases of its process, in publication order, so the merge keeps the order.
    fn write(&self, sequence: usize) -> Value {
        let ocid = self.ocid();
        let mut object = Map::new();
        object.insert("ocid".to_owned(), json!(ocid));
        object.insert(
            "id".to_owned(),
            json!(format!("{ocid}-{sequence:02}-{}", self.id)),
        );
        object.insert(
            "date".to_owned(),
            date(&self.date).unwrap_or_else(|| json!(format!("2024-01-01T00:{sequence:02}:00Z"))),
        );
        object.insert("tag".to_owned(), json!(["tender"]));
        put(
            &mut object,
            "buyer",
            self.buyer.as_ref().map(Organization::write),
        );
        if !self.parties.is_empty() {
            object.insert("parties".to_owned(), list(&self.parties, Party::write));
        }
        put(
            &mut object,
            "planning",
            self.budget
                .as_ref()
                .map(|budget| json!({"budget": {"amount": budget.write()}})),
        );
        put(
            &mut object,
            "tender",
            self.tender.as_ref().map(|tender| tender.write(ocid)),
        );
        put(
            &mut object,
            "bids",
            self.bids
                .as_ref()
                .map(|bids| json!({"details": list(bids, Bid::write)})),
        );
        put(
            &mut object,
            "awards",
            self.awards
                .as_ref()
                .map(|awards| list(awards, Award::write)),
        );
        put(
            &mut object,
            "contracts",
            self.contracts
                .as_ref()
                .map(|contracts| list(contracts, Contract::write)),
        );
        Value::Object(object)
    }
}

impl Batch {
    /// The releases written, at most [`MAX_RELEASES`].
    pub fn releases(&self) -> &[Release] {
        &self.releases[..self.releases.len().min(MAX_RELEASES)]
    }

    /// Whether the releases are written as line-delimited JSON.
    pub fn is_lines(&self) -> bool {
        matches!(self.layout, Layout::Lines)
    }

    /// The distinct `ocid`s of the releases written.
    pub fn ocids(&self) -> Vec<&'static str> {
        let mut ocids: Vec<&str> = self.releases().iter().map(Release::ocid).collect();
        ocids.sort_unstable();
        ocids.dedup();
        ocids
    }

    /// The batch as the bytes of one input file.
    pub fn to_bytes(&self) -> Vec<u8> {
        let releases: Vec<Value> = self
            .releases()
            .iter()
            .enumerate()
            .map(|(sequence, release)| release.write(sequence))
            .collect();
        let package = |key: &str, list: Vec<Value>| {
            json!({
                "uri": "https://example.org/fuzz.json",
                "publishedDate": "2024-06-01T00:00:00Z",
                "version": "1.1",
                key: list,
            })
        };
        match self.layout {
            Layout::Lines => {
                let mut bytes = Vec::new();
                for release in &releases {
                    serde_json::to_writer(&mut bytes, release).expect("write JSON");
                    bytes.push(b'\n');
                }
                bytes
            }
            Layout::ReleasePackage => {
                serde_json::to_vec_pretty(&package("releases", releases)).expect("write JSON")
            }
            Layout::RecordPackage { compiled } => {
                let mut by_ocid: BTreeMap<&str, Vec<Value>> = BTreeMap::new();
                for (release, value) in self.releases().iter().zip(releases) {
                    by_ocid.entry(release.ocid()).or_default().push(value);
                }
                let records = by_ocid
                    .into_iter()
                    .map(|(ocid, mut releases)| {
                        if compiled {
                            let mut last = releases.pop().unwrap_or_default();
                            last["tag"] = json!(["compiled"]);
                            json!({"ocid": ocid, "compiledRelease": last})
                        } else {
                            json!({"ocid": ocid, "releases": releases})
                        }
                    })
                    .collect();
                serde_json::to_vec(&package("records", records)).expect("write JSON")
            }
            Layout::Array => serde_json::to_vec_pretty(&releases).expect("write JSON"),
        }
    }
}
