//! What the processes are made of: methods and their local names, currencies, items and
//! their classifications, and the parts of organizations' names.

use super::random::Random;

/// A procurement method (`tender.procurementMethod`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) enum Method {
    #[default]
    Open,
    Selective,
    Limited,
    Direct,
}

impl Method {
    pub(super) fn name(self) -> &'static str {
        match self {
            Method::Open => "open",
            Method::Selective => "selective",
            Method::Limited => "limited",
            Method::Direct => "direct",
        }
    }

    pub(super) fn competitive(self) -> bool {
        matches!(self, Method::Open | Method::Selective)
    }
}

/// A currency: its code and the factor from baht amounts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Currency {
    pub(super) code: &'static str,
    pub(super) per_baht: f64,
}

pub(super) const THB: Currency = Currency {
    code: "THB",
    per_baht: 1.0,
};
pub(super) const USD: Currency = Currency {
    code: "USD",
    per_baht: 1.0 / 35.0,
};
pub(super) const EUR: Currency = Currency {
    code: "EUR",
    per_baht: 1.0 / 38.0,
};

/// A classified item: UNSPSC code and description, and the purchase's title in Thai and
/// English.
pub(super) struct Item {
    pub(super) code: &'static str,
    pub(super) class: &'static str,
    pub(super) thai: &'static str,
    pub(super) english: &'static str,
}

const fn item(
    code: &'static str,
    class: &'static str,
    thai: &'static str,
    english: &'static str,
) -> Item {
    Item {
        code,
        class,
        thai,
        english,
    }
}

/// The main procurement categories and their items.
#[rustfmt::skip]
pub(super) const CATEGORIES: [(&str, &[Item]); 3] = [
    ("goods", &[
        item("44121600", "Desk supplies", "จัดซื้อวัสดุสำนักงาน", "Purchase of office supplies"),
        item("43211503", "Notebook computers", "จัดซื้อเครื่องคอมพิวเตอร์โน้ตบุ๊ก", "Purchase of notebook computers"),
        item("42142500", "Medical needles and syringes", "จัดซื้อเวชภัณฑ์มิใช่ยา", "Purchase of medical supplies"),
        item("25101503", "Passenger cars", "จัดซื้อรถยนต์ส่วนกลาง", "Purchase of service vehicles"),
        item("56101500", "Furniture", "จัดซื้อครุภัณฑ์สำนักงาน", "Purchase of office furniture"),
        item("50202300", "Non-alcoholic beverages", "จัดซื้อน้ำดื่ม", "Purchase of drinking water"),
        item("47131800", "Cleaning and disinfecting solutions", "จัดซื้อน้ำยาทำความสะอาด", "Purchase of cleaning supplies"),
        item("39111500", "Interior lighting fixtures", "จัดซื้อวัสดุไฟฟ้า", "Purchase of electrical supplies"),
    ]),
    ("works", &[
        item("72141100", "Highway and road construction", "จ้างก่อสร้างถนนคอนกรีตเสริมเหล็ก", "Construction of a reinforced concrete road"),
        item("72141103", "Asphalt paving", "จ้างปรับปรุงผิวจราจรแอสฟัลต์ติก", "Asphalt resurfacing"),
        item("72121400", "Specialized public building construction", "จ้างก่อสร้างอาคารเรียน", "Construction of a school building"),
        item("72103300", "Infrastructure maintenance and repair", "จ้างซ่อมแซมระบบระบายน้ำ", "Repair of the drainage system"),
        item("72151500", "Electrical systems services", "จ้างติดตั้งไฟฟ้าส่องสว่าง", "Installation of street lighting"),
    ]),
    ("services", &[
        item("76111500", "General building and office cleaning", "จ้างเหมาทำความสะอาดอาคาร", "Building cleaning services"),
        item("81112200", "Software maintenance and support", "จ้างบำรุงรักษาระบบซอฟต์แวร์", "Software maintenance"),
        item("78111800", "Road passenger transport", "จ้างเหมารถโดยสาร", "Passenger transport services"),
        item("80111600", "Temporary personnel services", "จ้างเหมาบริการบุคคลภายนอก", "Temporary staff services"),
        item("92121500", "Guard services", "จ้างเหมารักษาความปลอดภัย", "Security guard services"),
        item("80141600", "Sales and business promotion activities", "จ้างจัดงานประชาสัมพันธ์", "Public relations event"),
    ]),
];

/// The chances of goods, works and services, by method.
pub(super) fn category_weights(method: Method, foreign: bool) -> [f64; 3] {
    match (method, foreign) {
        (_, true) => [0.6, 0.2, 0.2],
        (Method::Direct, _) => [0.55, 0.1, 0.35],
        (Method::Open, _) => [0.35, 0.45, 0.2],
        _ => [0.4, 0.3, 0.3],
    }
}

/// Place names, in Thai and in English.
#[rustfmt::skip]
pub(super) const PLACES: [(&str, &str); 20] = [
    ("บางรัก", "Bang Rak"), ("ปทุมวัน", "Pathum Wan"), ("หาดใหญ่", "Hat Yai"),
    ("เชียงแสน", "Chiang Saen"), ("แม่ริม", "Mae Rim"), ("บ้านโป่ง", "Ban Pong"),
    ("ท่าม่วง", "Tha Muang"), ("สามพราน", "Sam Phran"), ("บางพลี", "Bang Phli"),
    ("ศรีราชา", "Si Racha"), ("หัวหิน", "Hua Hin"), ("กระบี่", "Krabi"),
    ("นครปฐม", "Nakhon Pathom"), ("ขอนแก่น", "Khon Kaen"), ("อุดรธานี", "Udon Thani"),
    ("พิษณุโลก", "Phitsanulok"), ("ลำปาง", "Lampang"), ("สงขลา", "Songkhla"),
    ("ภูเก็ต", "Phuket"), ("ระยอง", "Rayong"),
];

/// Kinds of buyer: the Thai prefix and the English suffix of the place name.
#[rustfmt::skip]
pub(super) const BUYER_KINDS: [(&str, &str); 7] = [
    ("เทศบาลนคร", " City Municipality"),
    ("เทศบาลตำบล", " Subdistrict Municipality"),
    ("องค์การบริหารส่วนจังหวัด", " Provincial Administrative Organization"),
    ("โรงพยาบาล", " Hospital"),
    ("สำนักงานเขต", " District Office"),
    ("แขวงทางหลวงชนบท", " Rural Roads Office"),
    ("สำนักงานเขตพื้นที่การศึกษา", " Educational Service Area Office"),
];

/// Parts of company names.
#[rustfmt::skip]
pub(super) const THAI_STEMS: [&str; 10] = ["ศรี", "สยาม", "รุ่ง", "เจริญ", "ทอง", "มหา", "ไทย", "ชัย", "อุดม", "พร"];
#[rustfmt::skip]
pub(super) const THAI_TRADES: [&str; 10] = [
    "พัฒนา", "ก่อสร้าง", "วิศวกรรม", "การช่าง", "ทรัพย์", "ภัณฑ์", "เทรดดิ้ง", "ซัพพลาย", "เมดิคอล",
    "คอนสตรัคชั่น",
];
pub(super) const THAI_FORMS: [(&str, &str); 3] = [
    ("บริษัท ", " จำกัด"),
    ("ห้างหุ้นส่วนจำกัด ", ""),
    ("บริษัท ", " จำกัด (มหาชน)"),
];
#[rustfmt::skip]
pub(super) const ENGLISH_STEMS: [&str; 10] = [
    "Siam", "Golden", "Eastern", "Northern", "Royal", "Prime", "Unity", "Chao Phraya", "Lanna",
    "Andaman",
];
#[rustfmt::skip]
pub(super) const FOREIGN_STEMS: [&str; 8] = [
    "Northwind", "Bluehill", "Meridian", "Alpine", "Harbor", "Crescent", "Orion", "Vantage",
];
#[rustfmt::skip]
pub(super) const ENGLISH_TRADES: [&str; 10] = [
    "Engineering", "Construction", "Supply", "Medical", "Systems", "Trading", "Services",
    "Technology", "Development", "Equipment",
];
pub(super) const FOREIGN_FORMS: [&str; 5] = [" GmbH", " Inc.", " Ltd.", " S.A.", " Pte. Ltd."];

/// The local name of a method.
pub(super) fn details(
    random: &mut Random,
    method: Method,
    currency: Option<Currency>,
) -> &'static str {
    match (method, currency.map(|c| c.code)) {
        (Method::Open, Some(_)) => "International competitive bidding",
        (_, Some(_)) => "Limited international bidding",
        (Method::Open, None) => random.pick(&[
            "e-bidding",
            "e-bidding",
            "ประกวดราคาอิเล็กทรอนิกส์",
            "ประกวดราคาอิเล็กทรอนิกส์",
            "e-market",
            "ตลาดอิเล็กทรอนิกส์",
        ]),
        (Method::Selective, None) => random.pick(&["คัดเลือก", "วิธีคัดเลือก"]),
        (Method::Limited, None) => "วิธีพิเศษ",
        (Method::Direct, None) => {
            random.pick(&["เฉพาะเจาะจง", "เฉพาะเจาะจง", "วิธีเฉพาะเจาะจง", "ตกลงราคา"])
        }
    }
}
