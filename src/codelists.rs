//! The OCDS codelists the indicators depend on (OCDS 1.1.5, and the bid extension's bid
//! statuses), built in so that the checks need no download.
//!
//! Codes are compared exactly, as the standard writes them: `mdl` is not the currency `MDL`.

/// One codelist.
#[derive(Debug)]
pub struct Codelist {
    /// Its name in the standard (`awardStatus`).
    pub name: &'static str,
    /// Whether publishers may add codes of their own (an open codelist).
    pub open: bool,
    /// The codes.
    pub codes: &'static [&'static str],
}

impl Codelist {
    /// Whether the code is in the list.
    pub fn contains(&self, code: &str) -> bool {
        self.codes.contains(&code)
    }

    /// The list's code that differs from `code` in letter case only, if any.
    pub fn case_variant(&self, code: &str) -> Option<&'static str> {
        self.codes
            .iter()
            .copied()
            .find(|known| known.eq_ignore_ascii_case(code))
    }
}

/// `tender.status`.
pub const TENDER_STATUS: Codelist = Codelist {
    name: "tenderStatus",
    open: false,
    codes: &[
        "planning",
        "planned",
        "active",
        "cancelled",
        "unsuccessful",
        "complete",
        "withdrawn",
    ],
};

/// `awards.status`.
pub const AWARD_STATUS: Codelist = Codelist {
    name: "awardStatus",
    open: false,
    codes: &["pending", "active", "cancelled", "unsuccessful"],
};

/// `contracts.status`.
pub const CONTRACT_STATUS: Codelist = Codelist {
    name: "contractStatus",
    open: false,
    codes: &["pending", "active", "cancelled", "terminated"],
};

/// `bids.details.status` (the bid extension's `bidStatus`).
pub const BID_STATUS: Codelist = Codelist {
    name: "bidStatus",
    open: false,
    codes: &["invited", "pending", "valid", "disqualified", "withdrawn"],
};

/// `tender.procurementMethod`.
pub const METHOD: Codelist = Codelist {
    name: "method",
    open: false,
    codes: &["open", "selective", "limited", "direct"],
};

/// `tender.mainProcurementCategory`.
pub const PROCUREMENT_CATEGORY: Codelist = Codelist {
    name: "procurementCategory",
    open: false,
    codes: &["goods", "works", "services"],
};

/// `parties.roles`.
pub const PARTY_ROLE: Codelist = Codelist {
    name: "partyRole",
    open: true,
    codes: &[
        "buyer",
        "procuringEntity",
        "supplier",
        "tenderer",
        "funder",
        "enquirer",
        "payer",
        "payee",
        "reviewBody",
        "interestedParty",
    ],
};

/// `items.classification.scheme`.
pub const ITEM_CLASSIFICATION_SCHEME: Codelist = Codelist {
    name: "itemClassificationScheme",
    open: true,
    codes: &[
        "CPV", "CPVS", "GSIN", "UNSPSC", "CPC", "OKDP", "OKPD", "CUCOP", "NAICS", "PSC", "HS",
    ],
};

/// ISO 4217 currency codes, current and historic, as OCDS lists them.
pub const CURRENCY: Codelist = Codelist {
    name: "currency",
    open: false,
    codes: &CURRENCY_CODES,
};

const CURRENCY_CODES: [&str; 302] = currency_codes();

/// The currency codes, space-separated, in the codelist's order.
const CURRENCY_TEXT: &str = "\
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV BRL BSD \
    BTN BWP BYN BZD CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUC CUP CVE CZK DJF DKK DOP \
    DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HRK HTG HUF IDR ILS \
    INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD \
    MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD OMR \
    PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLL SOS SRD \
    SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD USN UYI UYU UYW UZS \
    VES VND VUV WST XAF XAG XAU XBA XBB XBC XBD XCD XDR XOF XPD XPF XPT XSU XTS XUA XXX YER \
    ZAR ZMW ZWL ADP AFA ALK AOK AON AOR ARA ARP ARY ATS AYM AZM BAD BEC BEF BEL BGJ BGK BGL \
    BOP BRB BRC BRE BRN BRR BUK BYB BYR CHC CSD CSJ CSK CYP DDM DEM ECS ECV EEK ESA ESB ESP \
    FIM FRF GEK GHC GHP GNE GNS GQE GRD GWE GWP HRD IEP ILP ILR ISJ ITL LAJ LSM LTL LTT LUC \
    LUF LUL LVL LVR MGF MLF MRO MTL MTP MVQ MXP MZE MZM NIC NLG PEH PEI PES PLZ PTE RHD ROK \
    ROL RUR SDD SDP SIT SKK SRG STD SUR TJR TMM TPE TRL UAK UGS UGW USS UYN UYP VEB VEF VNC \
    XEU XFO XFU XRE YDD YUD YUM YUN ZAL ZMK ZRN ZRZ ZWC ZWD ZWN ZWR";

/// Cuts [`CURRENCY_TEXT`] into its three-letter codes, at compile time.
const fn currency_codes() -> [&'static str; 302] {
    let mut codes = [""; 302];
    let (mut index, mut found) = (0, 0);
    let bytes = CURRENCY_TEXT.as_bytes();
    while index + 3 <= bytes.len() {
        if bytes[index] == b' ' {
            index += 1;
            continue;
        }
        let (_, rest) = CURRENCY_TEXT.split_at(index);
        let (code, _) = rest.split_at(3);
        codes[found] = code;
        found += 1;
        index += 3;
    }
    assert!(found == 302, "302 currency codes");
    codes
}

/// Every built-in codelist.
pub const ALL: [&Codelist; 9] = [
    &TENDER_STATUS,
    &AWARD_STATUS,
    &CONTRACT_STATUS,
    &BID_STATUS,
    &METHOD,
    &PROCUREMENT_CATEGORY,
    &PARTY_ROLE,
    &ITEM_CLASSIFICATION_SCHEME,
    &CURRENCY,
];

/// The codelist of the value at a path (slash-separated, array indexes left out:
/// `awards/status`, `tender/value/currency`), if it has one.
pub fn for_path(path: &str) -> Option<&'static Codelist> {
    Some(match path {
        "tender/status" => &TENDER_STATUS,
        "awards/status" => &AWARD_STATUS,
        "contracts/status" => &CONTRACT_STATUS,
        "bids/details/status" => &BID_STATUS,
        "tender/procurementMethod" => &METHOD,
        "tender/mainProcurementCategory" => &PROCUREMENT_CATEGORY,
        "parties/roles" => &PARTY_ROLE,
        _ if path.ends_with("/classification/scheme") => &ITEM_CLASSIFICATION_SCHEME,
        _ if path == "currency" || path.ends_with("/currency") => &CURRENCY,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_found_by_path() {
        assert_eq!(for_path("awards/status").unwrap().name, "awardStatus");
        assert_eq!(
            for_path("contracts/items/classification/scheme")
                .unwrap()
                .name,
            "itemClassificationScheme"
        );
        assert!(for_path("awards/value/currency").unwrap().contains("THB"));
        assert!(!CURRENCY.contains("mdl"));
        assert_eq!(CURRENCY.case_variant("mdl"), Some("MDL"));
        assert_eq!(CURRENCY.codes.last(), Some(&"ZWR"));
        assert!(for_path("tender/title").is_none());
    }
}
