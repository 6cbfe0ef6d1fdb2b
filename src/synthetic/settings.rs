//! The knobs of a synthetic world, and the named worlds.
//!
//! A world fixes what clean processes look like: the mix of methods, how concentrated buyers
//! and suppliers are, the threshold and the amounts around it, how much is left unpublished,
//! and the benign noise (amendments, purchases at the estimate, short quotation periods) that
//! real publishers show. The schemes are planted at the same rates in every world; what
//! changes is the background they have to stand out from.

/// Amounts drawn between `low` and `high` times the world's threshold, uniform in their
/// logarithm raised to `skew` (above 1, small amounts are more frequent).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Amounts {
    /// The smallest amount, as a multiple of the threshold.
    pub low: f64,
    /// The largest amount, as a multiple of the threshold.
    pub high: f64,
    /// The skew towards small amounts (1: uniform in the logarithm).
    pub skew: f64,
}

const fn amounts(low: f64, high: f64, skew: f64) -> Amounts {
    Amounts { low, high, skew }
}

/// Sizes of organizations drawn by a Zipf law: the `r`th largest (from 0) with a chance
/// proportional to `(r + offset)^-exponent`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sizes {
    /// Processes per organization: `processes / per` organizations (with a floor).
    pub per: u64,
    /// The offset: the larger, the flatter the head of the law.
    pub offset: f64,
    /// The exponent: 0 is uniform, 1 the classic Zipf law, above 1 a few organizations hold
    /// most of the processes.
    pub exponent: f64,
}

const fn sizes(per: u64, offset: f64, exponent: f64) -> Sizes {
    Sizes {
        per,
        offset,
        exponent,
    }
}

/// What a world publishes beyond the core of a process (OCDS extensions and optional fields),
/// and the benign noise in it. Shares of clean processes; each field is left out of a further
/// `missing` share in a world that leaves optional fields out. A process carrying a scheme
/// keeps the field its indicator reads.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Publishing {
    /// Open and selective tenders that publish their fee for the bidding documents
    /// (`tender.participationFees`): each buyer charges one flat fee, at most 0.4% of the
    /// world's threshold.
    pub participation_fees: f64,
    /// Open and selective tenders with questions from bidders (`tender.enquiries`), answered
    /// within the tender period.
    pub enquiries: f64,
    /// Of those, the tenders with a question left unanswered all the same (benign: answered
    /// in a clarification document).
    pub unanswered: f64,
    /// Open and selective tenders that publish the opening of their bids
    /// (`tender.bidOpening`), at the end of the tender period.
    pub bid_opening: f64,
    /// Direct and limited purchases that state their ground
    /// (`tender.procurementMethodRationale`).
    pub rationale: f64,
    /// Contracts with delivery milestones (`contracts.implementation.milestones`), met by
    /// their due dates.
    pub milestones: f64,
    /// Of those, the contracts delivered 1–20 days late (benign).
    pub late_deliveries: f64,
    /// Open and selective tenders with a losing bidder's complaint (benign: dismissed).
    pub complaints: f64,
    /// Open and selective works tenders won by a consortium of two companies.
    pub consortia: f64,
}

/// The knobs of a synthetic world.
#[derive(Debug, Clone, PartialEq)]
pub struct WorldSettings {
    /// The world's name (`--world`).
    pub name: &'static str,
    /// One line on what it stands for.
    pub description: &'static str,
    /// The shares of `open`, `selective`, `limited` and `direct` processes among all processes
    /// (adding up to 1). Planted schemes that need a competitive tender are drawn first; the
    /// other processes' methods are drawn so that the whole comes close to these shares.
    pub methods: [f64; 4],
    /// The home currency (`THB` or `USD`): split purchases, captured buyers and most
    /// processes use it.
    pub currency: &'static str,
    /// The share of processes in another currency (international tenders, always open or
    /// selective, with foreign suppliers).
    pub foreign: f64,
    /// The threshold in the home currency, in whole units, above which competition is required:
    /// split purchases stay under it and together exceed it.
    pub threshold: u64,
    /// Estimates of open tenders (e-bidding), as multiples of the threshold.
    pub open: Amounts,
    /// Estimates of open tenders in an e-market (small catalogue purchases).
    pub market: Amounts,
    /// Estimates of selective tenders.
    pub selective: Amounts,
    /// Estimates of limited purchases.
    pub limited: Amounts,
    /// Estimates of direct purchases.
    pub direct: Amounts,
    /// Buyers.
    pub buyers: Sizes,
    /// Suppliers (of each of three trades).
    pub suppliers: Sizes,
    /// The number of bidders in a clean open tender, from the first to the second (selective
    /// tenders: from the first to three more).
    pub bidders: (u64, u64),
    /// The share of optional fields left out of clean processes, each independently: bid dates,
    /// award dates, item classifications, tender periods, estimates and budgets,
    /// `numberOfTenderers`, and the whole bids list. Planted processes keep the fields their
    /// scheme's indicator reads.
    pub missing: f64,
    /// The share of processes with a benign amendment: a period extension, or a change of the
    /// contract's value within ±10% of the award (below the 20% growth `contract_amendment`
    /// looks for).
    pub benign_amendments: f64,
    /// The share of clean direct and limited purchases awarded at, or within 0.5% under, the
    /// estimate (which `near_estimate` flags).
    pub at_estimate: f64,
    /// The quotation period of direct and limited purchases, published as `tenderPeriod`: from
    /// the first to the second number of days; `None`: no tender period.
    pub quotation_days: Option<(u64, u64)>,
    /// What it publishes beyond the core of a process.
    pub publishing: Publishing,
}

impl WorldSettings {
    /// The settings a user of this world's data would write for the indicators that depend
    /// on its threshold (TOML, to add to the defaults).
    pub fn indicator_settings(&self) -> String {
        let threshold = self.threshold as f64;
        format!(
            "[indicators.split_purchase]\nthreshold = {threshold:?}\n\n\
             [indicators.threshold_bunching]\nthresholds = [{threshold:?}]\n"
        )
    }

    /// The world with this name, if any.
    pub fn named(name: &str) -> Option<&'static WorldSettings> {
        WORLDS.iter().find(|world| world.name == name)
    }
}

impl Default for WorldSettings {
    fn default() -> Self {
        BASELINE
    }
}

/// The generator as it was tuned with the indicators: a Thai national export with clean
/// processes kept clear of every indicator's default threshold.
pub const BASELINE: WorldSettings = WorldSettings {
    name: "baseline",
    description: "a Thai national export, clean processes clear of the indicators' defaults",
    methods: [0.48, 0.10, 0.05, 0.37],
    currency: "THB",
    foreign: 0.08,
    threshold: 500_000,
    open: amounts(1.0, 120.0, 1.8),
    market: amounts(1.0, 10.0, 1.3),
    selective: amounts(1.0, 40.0, 1.5),
    limited: amounts(1.6, 60.0, 1.5),
    direct: amounts(0.01, 0.48, 1.0),
    buyers: sizes(40, 2.0, 1.0),
    suppliers: sizes(8, 20.0, 1.0),
    bidders: (2, 7),
    missing: 0.0,
    benign_amendments: 0.005,
    at_estimate: 0.0,
    quotation_days: None,
    publishing: Publishing {
        participation_fees: 0.6,
        enquiries: 0.3,
        unanswered: 0.0,
        bid_opening: 0.5,
        rationale: 1.0,
        milestones: 0.4,
        late_deliveries: 0.0,
        complaints: 0.0,
        consortia: 0.0,
    },
};

/// The named worlds, `baseline` first.
pub const WORLDS: [WorldSettings; 5] = [
    BASELINE,
    WorldSettings {
        name: "thai_egp",
        description: "Thai e-GP as published: many direct purchases around the 500,000 THB \
                      threshold, 1-7 day quotation periods, benign amendments, prices at the \
                      estimate",
        methods: [0.40, 0.10, 0.15, 0.35],
        foreign: 0.02,
        limited: amounts(0.5, 20.0, 1.5),
        direct: amounts(0.2, 1.6, 1.3),
        buyers: sizes(40, 1.5, 1.05),
        suppliers: sizes(10, 5.0, 1.05),
        benign_amendments: 0.14,
        at_estimate: 0.30,
        quotation_days: Some((1, 7)),
        publishing: Publishing {
            participation_fees: 0.9,
            enquiries: 0.2,
            unanswered: 0.05,
            bid_opening: 0.9,
            rationale: 0.9,
            milestones: 0.3,
            late_deliveries: 0.08,
            complaints: 0.01,
            consortia: 0.02,
        },
        ..BASELINE
    },
    WorldSettings {
        name: "direct_concentrated",
        description: "60% direct purchases under a 100,000 THB threshold, a few suppliers \
                      winning most processes",
        methods: [0.25, 0.05, 0.10, 0.60],
        foreign: 0.02,
        threshold: 100_000,
        open: amounts(1.0, 300.0, 1.8),
        market: amounts(1.0, 50.0, 1.3),
        selective: amounts(1.0, 100.0, 1.5),
        limited: amounts(0.5, 30.0, 1.5),
        direct: amounts(0.1, 1.2, 1.2),
        suppliers: sizes(150, 1.0, 1.3),
        benign_amendments: 0.10,
        at_estimate: 0.10,
        publishing: Publishing {
            participation_fees: 0.5,
            enquiries: 0.1,
            unanswered: 0.1,
            bid_opening: 0.3,
            rationale: 0.8,
            milestones: 0.2,
            late_deliveries: 0.1,
            complaints: 0.02,
            consortia: 0.01,
        },
        ..BASELINE
    },
    WorldSettings {
        name: "sparse",
        description: "the baseline with about 30% of the optional fields left out",
        missing: 0.30,
        ..BASELINE
    },
    WorldSettings {
        name: "competitive",
        description: "75% open tenders with 3-10 bidders, flat supplier sizes, mostly USD \
                      under a 20,000 USD threshold",
        methods: [0.75, 0.07, 0.06, 0.12],
        currency: "USD",
        foreign: 0.10,
        threshold: 20_000,
        open: amounts(1.0, 200.0, 1.8),
        market: amounts(1.0, 10.0, 1.3),
        selective: amounts(1.0, 60.0, 1.5),
        limited: amounts(1.2, 40.0, 1.5),
        direct: amounts(0.05, 0.9, 1.0),
        suppliers: sizes(8, 20.0, 0.3),
        bidders: (3, 10),
        benign_amendments: 0.05,
        at_estimate: 0.05,
        publishing: Publishing {
            participation_fees: 0.3,
            enquiries: 0.5,
            unanswered: 0.03,
            bid_opening: 0.7,
            rationale: 0.95,
            milestones: 0.6,
            late_deliveries: 0.05,
            complaints: 0.03,
            consortia: 0.10,
        },
        ..BASELINE
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn worlds_are_consistent() {
        for world in &WORLDS {
            assert!(
                (world.methods.iter().sum::<f64>() - 1.0).abs() < 1e-9,
                "{}",
                world.name
            );
            assert!(WorldSettings::named(world.name) == Some(world));
            let settings = world.indicator_settings();
            assert!(settings.contains(&format!("threshold = {}.0", world.threshold)));
            assert!(
                toml::from_str::<toml::Table>(&settings).is_ok(),
                "{settings}"
            );
        }
        assert_eq!(WorldSettings::default().name, "baseline");
    }
}
