//! The indicator registry.
//!
//! Every indicator is one file in this folder, implementing [`Definition`], plus one page in
//! the top-level `indicators/` catalogue. [`REGISTRY`] lists them all; nothing else in the
//! crate names a particular indicator: scoring, outputs, `indicators` and `explain` all go
//! through the registry.

use polars::prelude::*;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::frames::Frames;

pub mod all_except_winner_disqualified;
pub mod benford;
pub mod bid_rotation;
pub mod buyer_concentration;
pub mod chance;
pub mod contract_amendment;
pub mod contract_before_tender_end;
pub mod contract_period_extended;
pub mod contract_signed_before_award;
pub mod decision_period;
pub mod exact_percentage_apart;
pub mod excessive_disqualified_bids;
pub mod excessive_unsuccessful_bids;
pub mod heavily_discounted_bid;
pub mod heterogeneous_supplier;
pub mod identical_bid_prices;
pub mod late_bid_won;
pub mod long_contract;
pub mod lowest_bid_disqualified;
pub mod near_estimate;
pub mod new_supplier_large_award;
pub mod no_tender_period;
pub mod non_open_procedure;
pub mod price_close_to_winning_bid;
pub mod recurring_bidder_set;
pub mod repeat_direct_awards;
pub mod repeat_winner;
pub(crate) mod second_bid;
pub mod short_tender_period;
pub mod single_bid;
pub mod split_purchase;
pub mod support;
pub mod tender_above_budget;
pub mod threshold_bunching;

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
/// [`PROCESS`] (u32, the process key of the frames), [`FLAGGED`] (bool), [`VALUE`] (f64, the
/// measured quantity, may be null) and [`EVIDENCE`] (str, a sentence a person can read; set at
/// least on flagged rows).
///
/// `organizations` has one row per flagged organization, with the columns [`ROLE`]
/// (`buyer`, `procuring_entity`, `supplier` or `tenderer`), [`ORGANIZATION_ID`], [`VALUE`] and
/// [`EVIDENCE`].
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Per assessable contracting process.
    pub processes: DataFrame,
    /// Per flagged organization.
    pub organizations: DataFrame,
    /// The statistics the flags were decided by (quartiles, fences), by name, in the order
    /// computed: `q1`, `q3`, `lower_fence`; `Buyer_upper_fence`, ... for several groups.
    pub meta: Vec<(String, f64)>,
}

/// Column: the process key (u32), in every frames table and in the outcomes: the processes
/// numbered from 0 in `ocid` order (see [`crate::frames::tables::ProcessRows::process`]).
pub const PROCESS: &str = "process";
/// Column: the contracting process's identifier (text), in the processes table and the
/// outputs.
pub const OCID: &str = "ocid";
/// Column: whether the flag is raised.
pub const FLAGGED: &str = "flagged";
/// Column: the measured quantity.
pub const VALUE: &str = "value";
/// Column: the evidence sentence.
pub const EVIDENCE: &str = "evidence";
/// Column: the organization's role.
pub const ROLE: &str = "role";
/// Column: the organization's id.
pub const ORGANIZATION_ID: &str = "organization_id";
/// Column (optional, in organization results): the processes it was flagged in, a list of
/// their keys (u32).
pub const PROCESSES: &str = "processes";

impl Outcome {
    /// An outcome with no organization-level results.
    pub fn processes_only(processes: DataFrame) -> PolarsResult<Outcome> {
        Ok(Outcome {
            processes,
            organizations: empty_organizations()?,
            meta: Vec::new(),
        })
    }
}

/// An empty organizations table with the right columns.
pub fn empty_organizations() -> PolarsResult<DataFrame> {
    DataFrame::new(
        0,
        vec![
            Column::new_empty(ROLE.into(), &DataType::String),
            Column::new_empty(ORGANIZATION_ID.into(), &DataType::String),
            Column::new_empty(VALUE.into(), &DataType::Float64),
            Column::new_empty(EVIDENCE.into(), &DataType::String),
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
    /// The levels it reports at (`process`, `buyer`, `procuring_entity`, `supplier`,
    /// `tenderer`).
    pub levels: &'static [&'static str],
    /// The OCDS fields it reads.
    pub fields: &'static [&'static str],
    /// Each setting's key and a one-line description (for `init` and the catalogue).
    pub settings: &'static [(&'static str, &'static str)],
    /// The catalogue page (Markdown), embedded from `indicators/SLUG.md`.
    pub page: &'static str,
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

    /// Computes the indicator over the frames, with settings that passed [`Definition::check`].
    fn compute(&self, frames: &Frames, settings: &Self::Settings) -> PolarsResult<Outcome>;
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
    /// Computes the indicator with the given settings (absent keys take their defaults).
    fn run(&self, frames: &Frames, settings: &toml::Table) -> anyhow::Result<Outcome>;
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

    fn run(&self, frames: &Frames, settings: &toml::Table) -> anyhow::Result<Outcome> {
        let settings = parse_settings::<D::Settings>(settings).map_err(anyhow::Error::msg)?;
        self.check(&settings).map_err(|message| {
            anyhow::anyhow!("[indicators.{}]: {message}", self.metadata().slug)
        })?;
        Ok(self.compute(frames, &settings)?)
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

/// The per-process table of an outcome from a frame with a `process` column and the three
/// expressions: one row per process, in process order, `value` as f64, and the evidence kept
/// on flagged rows only.
pub fn process_rows(
    frame: LazyFrame,
    flagged: Expr,
    value: Expr,
    evidence: Expr,
) -> PolarsResult<DataFrame> {
    frame
        .with_column(flagged.fill_null(lit(false)).alias("__flagged"))
        .select([
            col(PROCESS),
            col("__flagged").alias(FLAGGED),
            value.cast(DataType::Float64).alias(VALUE),
            when(col("__flagged"))
                .then(evidence)
                .otherwise(lit(NULL).cast(DataType::String))
                .alias(EVIDENCE),
        ])
        .sort([PROCESS], SortMultipleOptions::default())
        .collect()
}

/// Whether a code column (`procurementMethod`, a status) is one of `codes`, compared without
/// regard to case. An empty list means any value, including none.
pub fn code_in(column: &str, codes: &[String]) -> Expr {
    if codes.is_empty() {
        return lit(true);
    }
    let lowered: Vec<String> = codes.iter().map(|code| code.to_lowercase()).collect();
    col(column)
        .str()
        .to_lowercase()
        .is_in(lit(Series::new("".into(), lowered)).implode(false), false)
        .fill_null(lit(false))
}

/// An amount and its currency as text (`1250000 THB`), for evidence sentences.
pub fn money(amount: Expr, currency: Expr) -> Expr {
    let rounded = amount.round(2, RoundMode::HalfAwayFromZero);
    let text = when(rounded.clone().eq(rounded.clone().floor()))
        .then(rounded.clone().cast(DataType::Int64).cast(DataType::String))
        .otherwise(rounded.cast(DataType::String));
    concat_str([text, currency.fill_null(lit("(no currency)"))], " ", false)
}

/// A share in 0–1 as a whole-percent text (`67%`), for evidence sentences.
pub fn percent(share: Expr) -> Expr {
    concat_str(
        [
            (share * lit(100.0))
                .round(0, RoundMode::HalfAwayFromZero)
                .cast(DataType::Int64)
                .cast(DataType::String),
            lit("%"),
        ],
        "",
        false,
    )
}

/// A timestamp column as an ISO date (`2024-03-31`), for evidence sentences.
pub fn iso_date(timestamp: Expr) -> Expr {
    timestamp.dt().strftime("%Y-%m-%d")
}

/// Whether a bid (a row of the bids table) was submitted: its status is `pending`, `valid` or
/// `disqualified` (not `invited` or `withdrawn`).
pub fn submitted() -> Expr {
    code_in(
        "status",
        &[
            "pending".to_owned(),
            "valid".to_owned(),
            "disqualified".to_owned(),
        ],
    )
}

/// Whether a bid was submitted as Cardinal's code decides when `cardinal`: it has a status,
/// and the status is not `invited` or `withdrawn` (a status outside the codelist, such as
/// `active`, counts); else [`submitted`].
pub fn submitted_as(cardinal: bool) -> Expr {
    if cardinal {
        col("status")
            .is_not_null()
            .and(code_in("status", &["invited".to_owned(), "withdrawn".to_owned()]).not())
    } else {
        submitted()
    }
}

/// Whether a code column equals one code, compared without regard to case.
pub fn code_is(column: &str, code: &str) -> Expr {
    col(column)
        .str()
        .to_lowercase()
        .eq(lit(code.to_lowercase()))
        .fill_null(lit(false))
}

/// The bids (one row per bid, see [`bids_by_bid`]) that meet `predicate`, in the processes
/// whose bid prices may be compared (see [`crate::scope`]).
pub fn comparable_bids(frames: &Frames, predicate: Expr) -> LazyFrame {
    bids_by_bid(frames).filter(predicate).join(
        price_comparable(frames),
        [col(PROCESS)],
        [col(PROCESS)],
        JoinArgs::new(JoinType::Semi),
    )
}

/// The processes whose bid prices may be compared, as a one-column (`process`) frame; every
/// process when the frames did not go through a scope.
fn price_comparable(frames: &Frames) -> LazyFrame {
    let processes = frames.processes.clone().lazy();
    if frames
        .processes
        .get_column_names()
        .iter()
        .any(|name| name.as_str() == crate::scope::PRICE_COMPARISON)
    {
        processes
            .filter(col(crate::scope::PRICE_COMPARISON))
            .select([col(PROCESS)])
    } else {
        processes.select([col(PROCESS)])
    }
}

/// One row per bid: `process`, `bid_index`, `bid_id`, `status` (lower case), `amount`,
/// `currency`, `date`, `tenderers`, the sorted distinct tenderer ids joined with `|` (null
/// when the bid names none with an id), and `tenderer_count`, how many there are.
///
/// Several indicators read it: it is computed once per frames (see
/// [`crate::frames::Derived`]).
pub fn bids_by_bid(frames: &Frames) -> LazyFrame {
    let cell = &frames.derived.bids_by_bid;
    if let Some(computed) = cell.get() {
        return match computed {
            Some(table) => table.clone().lazy(),
            None => bids_by_bid_plan(frames),
        };
    }
    // Never waits for another thread's computation: a thread waiting for Polars may be handed
    // another indicator, and waiting on itself would never end. Two indicators starting at
    // once may both compute it; the first result is kept.
    match bids_by_bid_plan(frames).collect() {
        Ok(table) => {
            let _ = cell.set(Some(table.clone()));
            table.lazy()
        }
        Err(_) => bids_by_bid_plan(frames),
    }
}

fn bids_by_bid_plan(frames: &Frames) -> LazyFrame {
    // Plain aggregations only (first, min, n_unique): list work per group is slow, and most
    // bids have one tenderer. Bids with several tenderers get their joined ids separately.
    let bids = frames.bids.clone().lazy();
    let identified = bids
        .clone()
        .filter(col("tenderer_id").is_not_null())
        .select([col(PROCESS), col("bid_index"), col("tenderer_id")])
        .unique(None, UniqueKeepStrategy::First);
    let counts = identified
        .clone()
        .group_by([col(PROCESS), col("bid_index")])
        .agg([
            col("tenderer_id").count().alias("tenderer_count"),
            col("tenderer_id").min().alias("tenderers"),
        ]);
    let several = identified
        .join(
            counts
                .clone()
                .filter(col("tenderer_count").gt(lit(1)))
                .select([col(PROCESS), col("bid_index")]),
            [col(PROCESS), col("bid_index")],
            [col(PROCESS), col("bid_index")],
            JoinArgs::new(JoinType::Semi),
        )
        .sort(
            [PROCESS, "bid_index", "tenderer_id"],
            SortMultipleOptions::default(),
        )
        .group_by([col(PROCESS), col("bid_index")])
        .agg([col("tenderer_id").str().join("|", true).alias("joined")]);
    bids.unique_stable(
        Some(cols([PROCESS, "bid_index"])),
        UniqueKeepStrategy::First,
    )
    .select([
        col(PROCESS),
        col("bid_index"),
        col("bid_id"),
        col("status").str().to_lowercase(),
        col("amount"),
        col("currency"),
        col("date"),
    ])
    .join(
        counts,
        [col(PROCESS), col("bid_index")],
        [col(PROCESS), col("bid_index")],
        JoinArgs::new(JoinType::Left),
    )
    .join(
        several,
        [col(PROCESS), col("bid_index")],
        [col(PROCESS), col("bid_index")],
        JoinArgs::new(JoinType::Left),
    )
    .with_columns([
        col("joined").fill_null(col("tenderers")).alias("tenderers"),
        col("tenderer_count").fill_null(lit(0u32)),
    ])
    .select([
        col(PROCESS),
        col("bid_index"),
        col("bid_id"),
        col("status"),
        col("amount"),
        col("currency"),
        col("date"),
        col("tenderers"),
        col("tenderer_count"),
    ])
    .sort([PROCESS, "bid_index"], SortMultipleOptions::default())
}

/// One row per flagged organization for an outcome: each `(role, id)` with the number of
/// processes it was flagged in as the value, the evidence naming up to five of them (by
/// `ocid`), and [`PROCESSES`], all of them (their keys, in process order).
pub fn organizations_from(
    frames: &Frames,
    rows: LazyFrame,
    role: &str,
    what: &str,
) -> PolarsResult<DataFrame> {
    let distinct = rows
        .select([col(ORGANIZATION_ID), col(PROCESS)])
        .unique_stable(None, UniqueKeepStrategy::First);
    with_ocids(frames, distinct)
        .sort([ORGANIZATION_ID, PROCESS], SortMultipleOptions::default())
        .group_by_stable([col(ORGANIZATION_ID)])
        .agg([
            col(PROCESS).count().cast(DataType::Float64).alias(VALUE),
            col(OCID)
                .head(Some(5))
                .str()
                .join(", ", true)
                .alias("examples"),
            col(PROCESS).alias(PROCESSES),
        ])
        .select([
            lit(role).alias(ROLE),
            col(ORGANIZATION_ID),
            col(VALUE),
            col(PROCESSES),
            concat_str(
                [
                    lit(format!("{what} in ")),
                    col(VALUE).cast(DataType::Int64).cast(DataType::String),
                    lit(" process(es), e.g. "),
                    col("examples"),
                ],
                "",
                false,
            )
            .alias(EVIDENCE),
        ])
        .collect()
}

/// `frame` (with a `process` column) with each row's `ocid`, from the processes table, in the
/// order of `frame`: for the texts that name processes.
pub fn with_ocids(frames: &Frames, frame: LazyFrame) -> LazyFrame {
    frame.join(
        frames
            .processes
            .clone()
            .lazy()
            .select([col(PROCESS), col(OCID)]),
        [col(PROCESS)],
        [col(PROCESS)],
        JoinArgs {
            maintain_order: MaintainOrderJoin::Left,
            ..JoinArgs::new(JoinType::Left)
        },
    )
}

/// The process table of an indicator that reports on organizations only: no process is
/// assessed on its own.
pub fn no_process_rows(frames: &Frames) -> PolarsResult<DataFrame> {
    process_rows(
        frames
            .processes
            .clone()
            .lazy()
            .select([col(PROCESS)])
            .limit(0),
        lit(false),
        lit(NULL).cast(DataType::Float64),
        lit(""),
    )
}

/// The active awards of the processes whose awards are all final (none `pending` or
/// `invalid`): Cardinal's condition for judging a process's outcome.
pub fn active_awards_if_final(frames: &Frames) -> LazyFrame {
    let awards = frames.awards.clone().lazy();
    let unsettled = awards
        .clone()
        .filter(code_in(
            "status",
            &["pending".to_owned(), "invalid".to_owned()],
        ))
        .select([col(PROCESS)]);
    awards.filter(code_is("status", "active")).join(
        unsettled,
        [col(PROCESS)],
        [col(PROCESS)],
        JoinArgs::new(JoinType::Anti),
    )
}

/// The upper fence of `value` within each group of `group` (statrs quartiles), for the rows of
/// `frame`: a frame of `group` and `upper_fence`, one row per group with at least `minimum`
/// values. A null group is a group of its own.
pub fn upper_fences_by(
    frame: &DataFrame,
    group: &str,
    value: &str,
    minimum: usize,
) -> PolarsResult<DataFrame> {
    let groups = frame.column(group)?.str()?;
    let values = frame.column(value)?.cast(&DataType::Float64)?;
    let values = values.f64()?;
    let mut by_group: std::collections::BTreeMap<Option<&str>, Vec<f64>> = Default::default();
    for (key, value) in groups.iter().zip(values.iter()) {
        if let Some(value) = value {
            by_group.entry(key).or_default().push(value);
        }
    }
    let (keys, fences): (Vec<Option<&str>>, Vec<Option<f64>>) = by_group
        .into_iter()
        .filter(|(_, values)| values.len() >= minimum)
        .map(|(key, values)| (key, crate::stats::Fences::of(&values).map(|f| f.upper)))
        .unzip();
    df!(group => keys, "upper_fence" => fences)
}

/// Whole days from `start` to `end` (timestamps), rounded down: a period a second short of 15
/// days has 14.
pub fn whole_days(end: Expr, start: Expr) -> Expr {
    (end - start)
        .dt()
        .total_milliseconds(false)
        .floor_div(lit(86_400_000i64))
}

/// `frame` with the `upper_fence` of `value` within its `group` (see [`upper_fences_by`]),
/// joined on the group (a null group matching the null group); rows of groups with too few
/// values get a null fence.
pub fn with_group_fences(
    frame: DataFrame,
    group: &str,
    value: &str,
    minimum: usize,
) -> PolarsResult<LazyFrame> {
    let fences = upper_fences_by(&frame, group, value, minimum)?;
    Ok(frame.lazy().join(
        fences.lazy(),
        [col(group)],
        [col(group)],
        JoinArgs {
            nulls_equal: true,
            ..JoinArgs::new(JoinType::Left)
        },
    ))
}

/// A rolling window over dates: the `days` days up to and including each row's date.
pub fn days_window(days: i64) -> RollingOptionsDynamicWindow {
    RollingOptionsDynamicWindow {
        window_size: Duration::parse(&format!("{days}d")),
        min_periods: 1,
        closed_window: ClosedWindow::Both,
        fn_params: None,
    }
}

/// The organization rows of flagged (buyer, supplier) pairs: one row for the buyer and one
/// for the supplier of each pair, with `value` as the value and the pair's evidence.
pub fn pair_organizations(pairs: LazyFrame, value: &str) -> PolarsResult<DataFrame> {
    let organization = |role: &str, id: &str| {
        pairs.clone().select([
            lit(role).alias(ROLE),
            col(id).alias(ORGANIZATION_ID),
            col(value).cast(DataType::Float64).alias(VALUE),
            col(EVIDENCE),
        ])
    };
    concat(
        [
            organization("buyer", "buyer_id"),
            organization("supplier", "supplier_id"),
        ],
        UnionArgs::default(),
    )?
    .sort(
        [ROLE, ORGANIZATION_ID, EVIDENCE],
        SortMultipleOptions::default(),
    )
    .collect()
}

/// The awarded awards (status `active` or none) that meet `predicate`, joined to `processes`
/// (`process` and the process columns wanted, `buyer_id` among them); processes without a buyer
/// are left out. One row per award and supplier.
pub fn awards_of_buyers(frames: &Frames, predicate: Expr, processes: LazyFrame) -> LazyFrame {
    frames
        .awards
        .clone()
        .lazy()
        .filter(crate::score::awarded().and(predicate))
        .join(
            processes.filter(col("buyer_id").is_not_null()),
            [col(PROCESS)],
            [col(PROCESS)],
            JoinArgs::new(JoinType::Inner),
        )
}

/// The awarded awards (status `active` or none) that meet `predicate`, with their process's
/// `buyer_id` (processes without one left out): one row per award and supplier, or one row
/// per award when `once`.
pub fn buyer_awards(frames: &Frames, predicate: Expr, once: bool) -> LazyFrame {
    let awards = awards_of_buyers(
        frames,
        predicate,
        frames
            .processes
            .clone()
            .lazy()
            .select([col(PROCESS), col("buyer_id")]),
    );
    if once {
        awards.unique(
            Some(cols([PROCESS, "award_index"])),
            UniqueKeepStrategy::First,
        )
    } else {
        awards
    }
}

/// Per process, the contract with the largest `measure` (the first in the publisher's order
/// among equals), with `columns` (besides `measure` and `contract_id`) taken from it.
pub fn largest_contract(frame: LazyFrame, measure: &str, columns: &[&str]) -> LazyFrame {
    let mut taken = vec![col(measure).first(), col("contract_id").first()];
    taken.extend(columns.iter().map(|name| col(*name).first()));
    frame
        .sort(
            [PROCESS, measure, "contract_index"],
            SortMultipleOptions::default().with_order_descending_multi([false, true, false]),
        )
        .group_by_stable([col(PROCESS)])
        .agg(taken)
}

/// The distinct tenderers of each process's submitted bids (`process`, `tenderer_id`,
/// sorted), and each process's set of them (`process`, `size`, `set`: the sorted ids joined
/// with `, `) when it has at least `minimum` tenderers.
pub fn tenderer_sets(frames: &Frames, minimum: u32) -> (LazyFrame, LazyFrame) {
    let tenderers = frames
        .bids
        .clone()
        .lazy()
        .filter(submitted().and(col("tenderer_id").is_not_null()))
        .select([col(PROCESS), col("tenderer_id")])
        .unique(None, UniqueKeepStrategy::First)
        .sort([PROCESS, "tenderer_id"], SortMultipleOptions::default())
        .cache();
    let sets = tenderers
        .clone()
        .group_by_stable([col(PROCESS)])
        .agg([
            col("tenderer_id").count().alias("size"),
            col("tenderer_id").str().join(", ", true).alias("set"),
        ])
        .filter(col("size").gt_eq(lit(minimum)));
    (tenderers, sets)
}

/// The tenderer rows of the flagged processes (`per_process` filtered by `flagged`), as
/// organization results of `what`.
pub fn flagged_tenderers(
    frames: &Frames,
    tenderers: LazyFrame,
    per_process: LazyFrame,
    flagged: Expr,
    what: &str,
) -> PolarsResult<DataFrame> {
    let rows = tenderers
        .join(
            per_process.filter(flagged).select([col(PROCESS)]),
            [col(PROCESS)],
            [col(PROCESS)],
            JoinArgs::new(JoinType::Semi),
        )
        .select([col(PROCESS), col("tenderer_id").alias(ORGANIZATION_ID)]);
    organizations_from(frames, rows, "tenderer", what)
}
