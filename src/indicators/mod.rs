//! The indicator registry.
//!
//! Every indicator is one file in this folder, implementing [`Definition`], plus one page in
//! the top-level `indicators/` catalogue. [`REGISTRY`] lists them all; nothing else in the
//! crate names a particular indicator: scoring, outputs, `indicators` and `explain` all go
//! through the registry. This module holds the trait, the outcome types and the registry; the
//! predicates and derived tables the indicators start from are in [`crate::domain`], what
//! several indicators share in building their outcomes in [`support`].

use polars::prelude::*;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

pub use collect::{
    PART_PROCESSES, Planned, collect, collect_flagged_only, collect_in_parts, explain,
};

use crate::domain::{Derived, Tables};
use crate::evidence::{Evidence, Language, Level, evidence_text};
use crate::frames::Frames;

pub mod abnormal_contact;
pub mod all_except_winner_disqualified;
pub mod benford;
pub mod bid_order;
pub mod bid_price_disparity;
pub mod bid_rotation;
pub mod buyer_concentration;
pub mod chance;
mod collect;
pub mod complaint;
pub mod consortium_prevalence;
pub mod contract_amendment;
pub mod contract_before_tender_end;
pub mod contract_modified;
pub mod contract_period_extended;
pub mod contract_signed_before_award;
pub mod debarred_bidder;
pub mod decision_period;
pub mod direct_award_grown;
pub mod direct_award_near_threshold;
pub mod discretionary_criteria;
pub mod exact_percentage_apart;
pub mod excessive_disqualified_bids;
pub mod excessive_unsuccessful_bids;
pub mod few_bidders_for_buyer;
pub mod heavily_discounted_bid;
pub mod heterogeneous_supplier;
pub mod high_participation_fee;
pub mod high_subcontracting;
pub mod identical_bid_prices;
pub mod late_bid_won;
pub mod late_delivery;
pub mod late_tender_notice;
pub mod line_item_price;
pub mod line_items_changed;
pub mod long_contract;
pub mod lowest_bid_disqualified;
pub mod market_concentration;
pub mod market_share;
pub mod missing_bidder;
pub mod missing_tender_documents;
pub mod near_estimate;
pub mod new_supplier_large_award;
pub mod no_planning_documents;
pub mod no_tender_period;
pub mod non_open_procedure;
pub mod official_contact;
pub mod price_close_to_winning_bid;
pub mod recurring_bidder_set;
pub mod repeat_direct_awards;
pub mod repeat_winner;
pub mod rising_participation_fee;
pub(crate) mod second_bid;
pub mod shadow_bidder;
pub mod shared_address;
pub mod shared_beneficial_owner;
pub mod shared_owner;
pub mod shared_shareholder;
pub mod short_bid_opening;
pub mod short_tender_period;
pub mod single_bid;
pub mod slow_bid_evaluation;
pub mod slow_signature;
pub mod small_then_large;
pub mod split_purchase;
pub mod subcontracted_loser;
pub mod subcontracting_prevalence;
pub mod support;
pub mod tender_above_budget;
pub mod tender_value_outlier;
pub mod threshold_bunching;
pub mod unanswered_enquiries;
pub mod unjustified_non_competitive;
pub mod unplanned_direct_award;
pub mod unpublished_contract;
pub mod unregistered_bidder;
pub mod untraceable_supplier;
pub mod young_supplier;

/// The phase of the procurement cycle an indicator looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Planning and budgeting.
    Planning,
    /// The call for tenders and the bids.
    Tender,
    /// The award decision.
    Award,
    /// The contract.
    Contract,
    /// Implementation: amendments and payments.
    Implementation,
}

impl Phase {
    /// The phase's name as written in outputs.
    pub fn name(self) -> &'static str {
        match self {
            Phase::Planning => "planning",
            Phase::Tender => "tender",
            Phase::Award => "award",
            Phase::Contract => "contract",
            Phase::Implementation => "implementation",
        }
    }
}

/// The part of the risk score an indicator counts in; each group has a weight (`[score.groups]`)
/// and its own sub-score in the outputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Group {
    /// Restricted or manipulated competition: single bids, non-open methods, winners.
    Competition,
    /// Missing publicity: no call for tenders.
    Transparency,
    /// Prices and amounts: estimates, bid prices, their distribution.
    Price,
    /// Dates and durations: periods, decisions, dates out of order.
    Timing,
    /// The contract and its execution: amendments, extensions, duration.
    Contract,
}

impl Group {
    /// Every group, in the order outputs list them.
    pub const ALL: [Group; 5] = [
        Group::Competition,
        Group::Transparency,
        Group::Price,
        Group::Timing,
        Group::Contract,
    ];

    /// The group's name as written in settings and outputs.
    pub fn name(self) -> &'static str {
        match self {
            Group::Competition => "competition",
            Group::Transparency => "transparency",
            Group::Price => "price",
            Group::Timing => "timing",
            Group::Contract => "contract",
        }
    }

    /// The group of this name.
    pub fn named(name: &str) -> Option<Group> {
        Group::ALL.into_iter().find(|group| group.name() == name)
    }
}

/// What an indicator says about each contracting process, and about organizations.
///
/// `processes` has one row per *assessable* process (a process missing from it was not
/// assessable, which is not the same as not flagged), in process order, with the columns
/// [`PROCESS`] (u32, the process key of the frames), [`FLAGGED`] (bool) and [`VALUE`] (f64, the
/// measured quantity, may be null). In a run it is cut to the flagged rows as soon as it is
/// collected, the assessable processes kept as bits ([`Outcome::assessed`]).
///
/// `evidence` has a row per *flagged* process (several for an indicator that describes each
/// of a process's flagged contracts, say), in process order, with the column [`PROCESS`] and
/// the values of the indicator's evidence fields at the process level ([`Metadata::evidence`]):
/// numbers, dates, ids, names, codes, not sentences. The values are kept for the flagged
/// processes only, apart from `processes`, so that the unflagged ones, most of them, carry
/// none; [`Outcome::evidence_sentences`] writes their sentences in a language.
///
/// `organizations` has one row per flagged organization, with the columns [`ROLE`]
/// (`buyer`, `procuring_entity`, `supplier` or `tenderer`), [`ORGANIZATION_ID`], [`VALUE`],
/// optionally [`PROCESSES`], and the values of the evidence fields at the organization level.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Per assessable contracting process.
    pub processes: DataFrame,
    /// Per flagged contracting process: its evidence.
    pub evidence: DataFrame,
    /// Per flagged organization.
    pub organizations: DataFrame,
    /// The statistics the flags were decided by (quartiles, fences), by name, in the order
    /// computed: `q1`, `q3`, `lower_fence`; `Buyer_upper_fence`, ... for several groups.
    pub meta: Vec<(String, f64)>,
    /// The processes it could assess, once `processes` is cut to its flagged rows (see
    /// [`Outcome::keep_flagged_only`]); none while `processes` holds every assessable process.
    pub assessed: Option<Assessed>,
}

/// The processes an indicator could assess, one bit per process key: what is left of the
/// unflagged rows of an outcome cut to its flagged ones (see [`Outcome::keep_flagged_only`]).
#[derive(Debug, Clone)]
pub struct Assessed(polars_arrow::bitmap::Bitmap);

impl Assessed {
    /// The processes of `keys`, among `height` processes (keys from 0).
    fn of(keys: &UInt32Chunked, height: usize) -> Assessed {
        let mut bits = polars_arrow::bitmap::MutableBitmap::from_len_zeroed(height);
        for key in keys.iter().flatten() {
            if (key as usize) < height {
                bits.set(key as usize, true);
            }
        }
        Assessed(bits.into())
    }

    /// The processes either could assess.
    pub fn or(&self, other: &Assessed) -> Assessed {
        Assessed(&self.0 | &other.0)
    }

    /// Whether the process of `key` could be assessed.
    pub fn contains(&self, key: u32) -> bool {
        self.0.get(key as usize).unwrap_or(false)
    }

    /// How many processes could be assessed.
    pub fn count(&self) -> usize {
        self.0.set_bits()
    }
}

/// Column: the process key (u32), in every frames table and in the outcomes: the processes
/// numbered from 0 in `ocid` order (see [`crate::frames::tables::ProcessRows::process`]).
pub const PROCESS: &str = crate::frames::KEY;
/// Column: the contracting process's identifier (text), in the processes table and the
/// outputs.
pub const OCID: &str = crate::frames::OCID;
/// Column: whether the flag is raised.
pub const FLAGGED: &str = "flagged";
/// Column: the measured quantity.
pub const VALUE: &str = "value";
/// Column: the evidence sentence, as rendered for the outputs.
pub const EVIDENCE: &str = "evidence";
/// Column: the organization's role.
pub const ROLE: &str = "role";
/// Column: the organization's id.
pub const ORGANIZATION_ID: &str = "organization_id";
/// Column (optional, in organization results): the processes it was flagged in, a list of
/// their keys (u32).
pub const PROCESSES: &str = "processes";

impl Outcome {
    /// Cuts `processes` to its flagged rows, keeping which of the `height` processes of the
    /// frames it could assess as bits ([`Outcome::assessed`]): nothing after the indicators
    /// reads an unflagged row but for whether it is there (the score's terms), and the
    /// unflagged rows are most of the outcomes (1.2 GiB of 5,000,000 generated processes'
    /// outcomes, against 0.6 MiB a bitmap). Done already, it does nothing.
    pub fn keep_flagged_only(&mut self, height: usize) -> PolarsResult<()> {
        if self.assessed.is_some() {
            return Ok(());
        }
        let assessed = Assessed::of(self.processes.column(PROCESS)?.u32()?, height);
        let flagged = self.processes.column(FLAGGED)?.bool()?.clone();
        self.processes = self.processes.filter(&flagged)?;
        self.assessed = Some(assessed);
        Ok(())
    }

    /// How many processes it could assess.
    pub fn assessable(&self) -> usize {
        self.assessed
            .as_ref()
            .map_or_else(|| self.processes.height(), Assessed::count)
    }

    /// How many processes it flagged.
    pub fn flagged(&self) -> usize {
        match self.assessed {
            Some(_) => self.processes.height(),
            None => self
                .processes
                .column(FLAGGED)
                .ok()
                .and_then(|column| column.bool().ok().map(|flags| flags.sum().unwrap_or(0)))
                .unwrap_or(0) as usize,
        }
    }

    /// Each of `height` processes' flag, by key, as a column named `name`: 1 raised, 0
    /// assessed and clear, null not assessable. (Made as values and validity bits, not as
    /// options one by one: the score makes one per indicator, 31 columns of 1,000,000 rows.)
    pub fn flag_by_key(&self, name: &str, height: usize) -> PolarsResult<Int8Chunked> {
        let mut valid = match &self.assessed {
            // A copy of its bits (made for the same processes), not a bit at a time.
            Some(assessed) if assessed.0.len() == height => assessed.0.clone().make_mut(),
            Some(assessed) => (0..height as u32)
                .map(|key| assessed.contains(key))
                .collect::<polars_arrow::bitmap::MutableBitmap>(),
            None => polars_arrow::bitmap::MutableBitmap::from_len_zeroed(height),
        };
        let mut values = vec![0i8; height];
        let keys = self.processes.column(PROCESS)?.u32()?;
        let flags = self.processes.column(FLAGGED)?.bool()?;
        for (key, flag) in keys.iter().zip(flags.iter()) {
            if let (Some(key), Some(flag)) = (key, flag)
                && let Some(value) = values.get_mut(key as usize)
            {
                *value = i8::from(flag);
                valid.set(key as usize, true);
            }
        }
        Ok(Int8Chunked::from_vec_validity(
            name.into(),
            values,
            Some(valid.into()),
        ))
    }

    /// The sentence of each flagged process of the indicator described by `metadata`, in
    /// `language`: [`PROCESS`] and [`EVIDENCE`], one row per process, in process order (the
    /// sentences of a process's several evidence rows joined with `; `).
    pub fn evidence_sentences(&self, metadata: &Metadata, language: &Language) -> LazyFrame {
        if self.evidence.height() == 0 {
            return self.evidence.clone().lazy().select([
                col(PROCESS),
                lit(NULL).cast(DataType::String).alias(EVIDENCE),
            ]);
        }
        let fields = metadata.evidence.fields(Level::Process);
        evidence_text(
            self.evidence.clone().lazy(),
            &[PROCESS],
            language.sentence(metadata.slug, Level::Process, fields),
            Some(PROCESS),
        )
    }

    /// `processes` with the [`EVIDENCE`] of each row in `language` (null on the rows not
    /// flagged), as a query.
    pub fn processes_with_evidence(&self, metadata: &Metadata, language: &Language) -> LazyFrame {
        self.processes.clone().lazy().join(
            self.evidence_sentences(metadata, language),
            [col(PROCESS)],
            [col(PROCESS)],
            JoinArgs::new(JoinType::Left),
        )
    }

    /// `organizations` with the [`EVIDENCE`] of each row in `language` in place of the
    /// evidence values: [`ROLE`], [`ORGANIZATION_ID`], [`VALUE`] and [`EVIDENCE`].
    pub fn organizations_with_evidence(
        &self,
        metadata: &Metadata,
        language: &Language,
    ) -> LazyFrame {
        let keep = [ROLE, ORGANIZATION_ID, VALUE];
        let frame = self.organizations.clone().lazy();
        if self.organizations.height() == 0 {
            let mut columns: Vec<Expr> = keep.iter().map(|name| col(*name)).collect();
            columns.push(lit(NULL).cast(DataType::String).alias(EVIDENCE));
            return frame.select(columns);
        }
        let fields = metadata.evidence.fields(Level::Organization);
        evidence_text(
            frame,
            &keep,
            language.sentence(metadata.slug, Level::Organization, fields),
            None,
        )
    }
}

/// The per-process tables of an [`Outcome`] as queries: [`Outcome::processes`] and
/// [`Outcome::evidence`] (see [`support::process_rows`]).
#[derive(Clone)]
pub struct ProcessRows {
    /// Per assessable contracting process.
    pub assessed: LazyFrame,
    /// Per flagged contracting process: its evidence.
    pub evidence: LazyFrame,
}

/// An [`Outcome`] as queries, not yet collected: the same tables as lazy frames.
pub struct LazyOutcome {
    /// Per assessable contracting process, and the evidence of the flagged ones.
    pub processes: ProcessRows,
    /// Per flagged organization.
    pub organizations: LazyFrame,
    /// The statistics the flags were decided by (see [`Outcome::meta`]).
    pub meta: Vec<(String, f64)>,
}

impl LazyOutcome {
    /// An outcome with no organization-level results.
    pub fn processes_only(processes: ProcessRows) -> PolarsResult<LazyOutcome> {
        Ok(LazyOutcome {
            processes,
            organizations: empty_organizations()?.lazy(),
            meta: Vec::new(),
        })
    }
}

/// The eager step of a [`Plan::Staged`]: the outcome, from the collected inputs (in their
/// order).
pub type Step = Box<dyn FnOnce(Vec<DataFrame>) -> PolarsResult<LazyOutcome> + Send>;

/// What an indicator computes, as a plan: nothing is collected until [`collect`] collects the
/// plans of every indicator together.
pub enum Plan {
    /// The outcome, as queries over the tables.
    Lazy(Box<LazyOutcome>),
    /// An outcome that needs an eager step in Rust (quartile fences, statistical tests): the
    /// queries the step reads, collected with every other indicator's queries, and the step,
    /// which makes the outcome of their results; its queries are collected after.
    Staged {
        /// The queries the step reads.
        inputs: Vec<LazyFrame>,
        /// The step.
        then: Step,
    },
}

impl From<LazyOutcome> for Plan {
    fn from(outcome: LazyOutcome) -> Plan {
        Plan::Lazy(Box::new(outcome))
    }
}

impl Plan {
    /// A plan whose outcome has no organization-level results.
    pub fn processes_only(processes: ProcessRows) -> PolarsResult<Plan> {
        Ok(LazyOutcome::processes_only(processes)?.into())
    }

    /// A [`Plan::Staged`] of a fixed number of queries: `then` gets their results in the same
    /// order.
    pub fn staged<const N: usize>(
        inputs: [LazyFrame; N],
        then: impl FnOnce([DataFrame; N]) -> PolarsResult<LazyOutcome> + Send + 'static,
    ) -> Plan {
        Plan::Staged {
            inputs: inputs.into(),
            then: Box::new(move |inputs| {
                let inputs: [DataFrame; N] = inputs
                    .try_into()
                    .map_err(|_| polars_err!(ComputeError: "{N} inputs expected"))?;
                then(inputs)
            }),
        }
    }
}

/// An empty organizations table with the columns every one has (no evidence values: there is
/// nothing to describe).
pub fn empty_organizations() -> PolarsResult<DataFrame> {
    DataFrame::new(
        0,
        vec![
            Column::new_empty(ROLE.into(), &DataType::String),
            Column::new_empty(ORGANIZATION_ID.into(), &DataType::String),
            Column::new_empty(VALUE.into(), &DataType::Float64),
        ],
    )
}

/// An indicator's description, for the registry, `indicators`, `explain` and the outputs.
#[derive(Debug)]
pub struct Metadata {
    /// The slug: the indicator's name in settings and outputs (`single_bid`).
    pub slug: &'static str,
    /// The Open Contracting Partnership's code, where its red-flags list has one (`R018`).
    pub code: Option<&'static str>,
    /// A short title.
    pub title: &'static str,
    /// The procurement phase.
    pub phase: Phase,
    /// The scoring group it counts in by default.
    pub group: Group,
    /// Its default strength in the score (0–1): how strongly one raised flag, on its own,
    /// points to a process worth investigating (the catalogue page says why).
    pub weight: f64,
    /// Its default family: indicators that restate one fact share a family, and a process's
    /// flags in one family count once, by the strongest.
    pub family: &'static str,
    /// Its organization rows are the tenderers of the processes it flags, not a judgment on
    /// the organizations: they are listed (organizations.csv, the evidence) but weigh nothing
    /// in the scores of those tenderers' other processes unless `organization_weight` is set.
    pub lists_tenderers: bool,
    /// The batch its queries are collected in (see [`Batch`]).
    pub batch: Batch,
    /// Whether it may be collected on parts of the processes at a time (see [`InParts`]).
    pub in_parts: InParts,
    /// The list of the settings' `[lists]` section it needs (see [`crate::lists`]): without
    /// it, it assesses nothing.
    pub list: Option<&'static str>,
    /// The levels it reports at (`process`, `buyer`, `procuring_entity`, `supplier`,
    /// `tenderer`).
    pub levels: &'static [&'static str],
    /// The OCDS fields it reads.
    pub fields: &'static [&'static str],
    /// The values its evidence holds at each level, whose names its templates' placeholders
    /// use (`locales/evidence/LANG.toml`).
    pub evidence: Evidence,
    /// Each setting's key and a one-line description (for `init` and the catalogue).
    pub settings: &'static [(&'static str, &'static str)],
    /// The catalogue page (Markdown), embedded from `indicators/SLUG.md`.
    pub page: &'static str,
}

/// The large derived tables an indicator's plan shares with other indicators' plans, which
/// decide the batch it is collected in (see [`collect`]): a batch's shared tables are computed
/// once, ahead of its indicators, each indicator is then collected on its own, and the batches
/// run one after another, in this order, so that a batch's tables are freed before the next
/// batch makes its own. A wrong batch costs time or memory, never a result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Batch {
    /// The awarded awards as (buyer, supplier) pairs, their windows and their comparison with
    /// the suppliers' market shares.
    Pairs,
    /// The sets of tenderers of the processes and where they meet.
    TendererSets,
    /// The bids, one row per bid.
    Bids,
    /// No large table shared with another batch.
    Other,
}

impl Batch {
    /// The derived tables the batch's indicators share, computed ahead of them.
    pub fn computed_ahead(self) -> &'static [Derived] {
        match self {
            Batch::Bids => &[Derived::BidsByBid, Derived::Winners],
            Batch::TendererSets => &[Derived::SubmittedTenderers, Derived::TendererSets],
            // Each pair indicator makes its own pairs, by kind of item.
            Batch::Pairs => &[Derived::ClassifiedAwards],
            // Several judge markets or buyers' tenders by kind of item; a few follow tenderers
            // from tender to tender.
            Batch::Other => &[
                Derived::ClassifiedAwards,
                Derived::ClassifiedProcesses,
                Derived::SubmittedTenderers,
            ],
        }
    }
}

/// Whether an indicator may be collected on parts of the processes at a time, with the same
/// outcome as on all of them at once (see [`collect`]): queries over parts small enough for
/// the processor's caches cost less per row than over all the processes of a large input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InParts {
    /// No: it compares processes with each other or with statistics of all of them.
    Whole,
    /// Its outcome for a process reads that process's rows only, and its organization rows
    /// are those of [`support::organizations_from`] (or none): it is collected part by part,
    /// and the parts' outcomes put together.
    Outcome,
    /// It is a [`Plan::Staged`] whose inputs are made of each process's rows alone, in process
    /// order: they are collected part by part and put together, and its step (statistics of
    /// all the processes) runs on them whole.
    Inputs,
}

/// The settings of an indicator that has none of its own.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NoSettings {}

/// The settings of an indicator whose only setting is [`CardinalOnly::cardinal`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CardinalOnly {
    /// Follow Cardinal's code where it differs from the indicator's page (set by
    /// `redflags cardinal`).
    pub cardinal: bool,
}

/// The description of the `cardinal` setting, for the metadata of the indicators that have it.
pub const CARDINAL_SETTING: (&str, &str) = (
    "cardinal",
    "follow Cardinal's code where it differs from this page (set by `redflags cardinal`)",
);

/// The settings of an indicator that applies to competitive procedures only.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CompetitiveMethods {
    /// The procurement methods the indicator applies to (compared without regard to case;
    /// empty: any method).
    pub procurement_methods: Vec<String>,
}

impl Default for CompetitiveMethods {
    fn default() -> Self {
        CompetitiveMethods {
            procurement_methods: vec!["open".to_owned(), "selective".to_owned()],
        }
    }
}

/// An indicator, as its file defines it.
pub trait Definition: Send + Sync {
    /// Its settings, with their defaults; unknown keys must be rejected
    /// (`#[serde(deny_unknown_fields)]`).
    type Settings: Serialize + DeserializeOwned + Default;

    /// Its description.
    fn metadata(&self) -> &'static Metadata;

    /// Checks the settings' values beyond their types (ranges, lists that must not be empty);
    /// the message names the key. Runs when the settings are read, before any input is.
    fn check(&self, _settings: &Self::Settings) -> Result<(), String> {
        Ok(())
    }

    /// Plans the indicator over the tables, with settings that passed [`Definition::check`]:
    /// queries, not results (see [`Plan`]).
    fn compute(&self, tables: &Tables, settings: &Self::Settings) -> PolarsResult<Plan>;
}

/// An indicator with its settings type erased, as the registry holds it.
pub trait Indicator: Send + Sync {
    /// Its description.
    fn metadata(&self) -> &'static Metadata;
    /// Its default settings as a TOML table.
    fn default_settings(&self) -> toml::Table;
    /// Checks a settings table (unknown keys, wrong types, values out of range); the error
    /// names the problem.
    fn check_settings(&self, settings: &toml::Table) -> Result<(), String>;
    /// Plans the indicator over the tables with the given settings (absent keys take their
    /// defaults); [`collect`] collects the plans.
    fn plan(&self, tables: &Tables, settings: &toml::Table) -> anyhow::Result<Plan>;

    /// Computes the indicator alone over the frames with the given settings: its plan,
    /// collected, with no derived table computed ahead.
    fn run(&self, frames: &Frames, settings: &toml::Table) -> anyhow::Result<Outcome> {
        let planned = Planned {
            batch: Batch::Other,
            ..Planned::of(self, settings)
        };
        let mut outcomes = collect(&Tables::new(frames), vec![planned])?;
        outcomes
            .pop()
            .ok_or_else(|| anyhow::anyhow!("indicator {}: no outcome", self.metadata().slug))
    }
}

fn parse_settings<S: DeserializeOwned>(settings: &toml::Table) -> Result<S, String> {
    S::deserialize(toml::Value::Table(settings.clone())).map_err(|error| error.to_string())
}

impl<D: Definition> Indicator for D {
    fn metadata(&self) -> &'static Metadata {
        Definition::metadata(self)
    }

    fn default_settings(&self) -> toml::Table {
        match toml::Value::try_from(D::Settings::default()) {
            Ok(toml::Value::Table(table)) => table,
            _ => toml::Table::new(),
        }
    }

    fn check_settings(&self, settings: &toml::Table) -> Result<(), String> {
        self.check(&parse_settings::<D::Settings>(settings)?)
    }

    fn plan(&self, tables: &Tables, settings: &toml::Table) -> anyhow::Result<Plan> {
        let settings = parse_settings::<D::Settings>(settings).map_err(anyhow::Error::msg)?;
        self.check(&settings).map_err(|message| {
            anyhow::anyhow!("[indicators.{}]: {message}", self.metadata().slug)
        })?;
        Ok(self.compute(tables, &settings)?)
    }
}

/// Every indicator, in catalogue order.
pub static REGISTRY: &[&dyn Indicator] = &[
    &tender_above_budget::TenderAboveBudget,
    &single_bid::SingleBid,
    &short_tender_period::ShortTenderPeriod,
    &no_tender_period::NoTenderPeriod,
    &non_open_procedure::NonOpenProcedure,
    &repeat_winner::RepeatWinner,
    &repeat_direct_awards::RepeatDirectAwards,
    &new_supplier_large_award::NewSupplierLargeAward,
    &buyer_concentration::BuyerConcentration,
    &split_purchase::SplitPurchase,
    &threshold_bunching::ThresholdBunching,
    &benford::Benford,
    &decision_period::DecisionPeriod,
    &near_estimate::NearEstimate,
    &contract_signed_before_award::ContractSignedBeforeAward,
    &contract_before_tender_end::ContractBeforeTenderEnd,
    &long_contract::LongContract,
    &contract_amendment::ContractAmendment,
    &contract_period_extended::ContractPeriodExtended,
    &price_close_to_winning_bid::PriceCloseToWinningBid,
    &excessive_unsuccessful_bids::ExcessiveUnsuccessfulBids,
    &identical_bid_prices::IdenticalBidPrices,
    &exact_percentage_apart::ExactPercentageApart,
    &recurring_bidder_set::RecurringBidderSet,
    &bid_rotation::BidRotation,
    &late_bid_won::LateBidWon,
    &all_except_winner_disqualified::AllExceptWinnerDisqualified,
    &lowest_bid_disqualified::LowestBidDisqualified,
    &excessive_disqualified_bids::ExcessiveDisqualifiedBids,
    &heterogeneous_supplier::HeterogeneousSupplier,
    &heavily_discounted_bid::HeavilyDiscountedBid,
    &debarred_bidder::DebarredBidder,
    &unregistered_bidder::UnregisteredBidder,
    &young_supplier::YoungSupplier,
    &shared_owner::SharedOwner,
    &shared_beneficial_owner::SharedBeneficialOwner,
    &shared_shareholder::SharedShareholder,
    &shared_address::SharedAddress,
    &official_contact::OfficialContact,
    &abnormal_contact::AbnormalContact,
    &slow_signature::SlowSignature,
    &bid_price_disparity::BidPriceDisparity,
    &discretionary_criteria::DiscretionaryCriteria,
    &contract_modified::ContractModified,
    &tender_value_outlier::TenderValueOutlier,
    &market_share::MarketShare,
    &market_concentration::MarketConcentration,
    &few_bidders_for_buyer::FewBiddersForBuyer,
    &consortium_prevalence::ConsortiumPrevalence,
    &bid_order::BidOrder,
    &small_then_large::SmallThenLarge,
    &shadow_bidder::ShadowBidder,
    &unjustified_non_competitive::UnjustifiedNonCompetitive,
    &no_planning_documents::NoPlanningDocuments,
    &late_tender_notice::LateTenderNotice,
    &missing_tender_documents::MissingTenderDocuments,
    &unpublished_contract::UnpublishedContract,
    &complaint::Complaint,
    &unanswered_enquiries::UnansweredEnquiries,
    &late_delivery::LateDelivery,
    &high_subcontracting::HighSubcontracting,
    &subcontracting_prevalence::SubcontractingPrevalence,
    &high_participation_fee::HighParticipationFee,
    &rising_participation_fee::RisingParticipationFee,
    &short_bid_opening::ShortBidOpening,
    &slow_bid_evaluation::SlowBidEvaluation,
    &direct_award_near_threshold::DirectAwardNearThreshold,
    &direct_award_grown::DirectAwardGrown,
    &line_item_price::LineItemPrice,
    &line_items_changed::LineItemsChanged,
    &subcontracted_loser::SubcontractedLoser,
    &missing_bidder::MissingBidder,
    &unplanned_direct_award::UnplannedDirectAward,
    &untraceable_supplier::UntraceableSupplier,
];

/// The indicator with this slug or OCP code (case-insensitive), if any.
pub fn find(name: &str) -> Option<&'static dyn Indicator> {
    REGISTRY.iter().copied().find(|indicator| {
        let metadata = indicator.metadata();
        metadata.slug.eq_ignore_ascii_case(name)
            || metadata
                .code
                .is_some_and(|code| code.eq_ignore_ascii_case(name))
    })
}
