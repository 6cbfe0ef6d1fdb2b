//! Which contracting processes the indicators look at, and which allow price comparisons.
//!
//! Between the frames and the indicators: a cancelled tender, or a procedure whose
//! `procurementMethodDetails` the settings exclude, is assessed by no indicator (it still has
//! its row in the outputs, with no score). Procedures whose prices are set by the buyer are
//! marked so that the indicators that compare bid prices leave them out.

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use crate::frames::{Frames, KEY as PROCESS};

/// The column, added to the processes table the indicators see, that says whether bid prices
/// may be compared.
pub const PRICE_COMPARISON: &str = "price_comparison";

/// Column of the processes table of [`InScope`]: whether the process is in scope (when some
/// are not).
const IN_SCOPE: &str = "__in_scope";

/// The settings of the `[scope]` section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Scope {
    /// Cancelled tenders (`tender.status` = `cancelled`) are assessed by no indicator.
    pub exclude_cancelled_tenders: bool,
    /// Procedures with one of these `procurementMethodDetails` are assessed by no indicator.
    pub excluded_procurement_method_details: Vec<String>,
    /// Procedures with one of these `procurementMethodDetails` set their prices in advance:
    /// indicators that compare bid prices leave them out.
    pub no_price_comparison_procurement_methods: Vec<String>,
    /// When set, only procedures with one of these `procurementMethodDetails` have their bid
    /// prices compared.
    pub price_comparison_procurement_methods: Vec<String>,
}

impl Default for Scope {
    fn default() -> Self {
        Scope {
            exclude_cancelled_tenders: true,
            excluded_procurement_method_details: Vec::new(),
            no_price_comparison_procurement_methods: Vec::new(),
            price_comparison_procurement_methods: Vec::new(),
        }
    }
}

/// Whether the `procurement_method_details` column is one of `values` (exact match).
fn details_in(values: &[String]) -> Expr {
    crate::frames::text_in("procurement_method_details", values)
}

impl Scope {
    /// The settings' documentation, for `redflags init`.
    pub const DOCS: [(&'static str, &'static str); 4] = [
        (
            "exclude_cancelled_tenders",
            "cancelled tenders are assessed by no indicator",
        ),
        (
            "excluded_procurement_method_details",
            "procedures with these procurementMethodDetails are assessed by no indicator",
        ),
        (
            "no_price_comparison_procurement_methods",
            "procurementMethodDetails whose prices the buyer sets: no bid-price comparisons",
        ),
        (
            "price_comparison_procurement_methods",
            "if set, only these procurementMethodDetails have their bid prices compared",
        ),
    ];

    /// Whether a process is left to the indicators.
    fn kept(&self) -> Expr {
        let mut kept = lit(true);
        if self.exclude_cancelled_tenders {
            let cancelled = crate::frames::code_is("tender_status", "cancelled");
            kept = kept.and(cancelled.not());
        }
        if !self.excluded_procurement_method_details.is_empty() {
            kept = kept.and(details_in(&self.excluded_procurement_method_details).not());
        }
        kept
    }

    /// Whether bid prices may be compared in a process.
    fn price_comparison(&self) -> Expr {
        let mut allowed = lit(true);
        if !self.no_price_comparison_procurement_methods.is_empty() {
            allowed = allowed.and(details_in(&self.no_price_comparison_procurement_methods).not());
        }
        if !self.price_comparison_procurement_methods.is_empty() {
            allowed = allowed.and(details_in(&self.price_comparison_procurement_methods));
        }
        allowed
    }

    /// The processes the indicators see, with the [`PRICE_COMPARISON`] column, and which
    /// processes of `frames` they are.
    pub fn select(&self, frames: &Frames) -> PolarsResult<InScope> {
        // Two flags per process, in key order (a process's key is its row); the processes
        // table itself is not copied.
        let flags = frames
            .processes
            .clone()
            .lazy()
            .select([
                self.kept().alias("kept"),
                self.price_comparison().alias(PRICE_COMPARISON),
            ])
            .collect()?;
        let kept = flags.column("kept")?.bool()?;
        let height = kept.sum().unwrap_or(0) as usize;
        let kept = (height < frames.processes.height()).then(|| kept.clone().into_series());
        // The processes table with a column or two more (the others shared, not copied).
        let mut all = frames.processes.clone();
        all.with_column(flags.column(PRICE_COMPARISON)?.clone())?;
        if let Some(kept) = &kept {
            all.with_column(kept.clone().with_name(IN_SCOPE.into()).into_column())?;
        }
        Ok(InScope { all, kept, height })
    }

    /// The frames the indicators see, as tables: the excluded processes removed from every
    /// table (the others keep their keys), and the processes table with its
    /// [`PRICE_COMPARISON`] column. A run does not copy the tables so (see
    /// [`InScope::restrict`]); the commands that read the frames in scope directly do.
    pub fn apply(&self, frames: &Frames) -> PolarsResult<Frames> {
        let scope = self.select(frames)?;
        let restrict = |table: &DataFrame| scope.restrict(table.clone().lazy()).collect();
        Ok(Frames {
            parties: restrict(&frames.parties)?,
            bids: restrict(&frames.bids)?,
            awards: restrict(&frames.awards)?,
            contracts: restrict(&frames.contracts)?,
            items: restrict(&frames.items)?,
            processes: scope.processes().collect()?,
        })
    }
}

/// The processes in scope: which processes of the frames they are, and whether their bid
/// prices may be compared. Nothing is copied: the tables are filtered where they are read.
#[derive(Clone)]
pub struct InScope {
    /// The frames' processes table (its columns shared, not copied), with the
    /// [`PRICE_COMPARISON`] column where the scope gives it.
    all: DataFrame,
    /// By process key: whether the process is in scope; none when every process is.
    kept: Option<Series>,
    /// How many processes are in scope.
    height: usize,
}

impl InScope {
    /// Every process of `frames` in scope, as they are.
    pub fn all(frames: &Frames) -> InScope {
        InScope {
            all: frames.processes.clone(),
            kept: None,
            height: frames.processes.height(),
        }
    }

    /// The processes table of the processes in scope, with the [`PRICE_COMPARISON`] column
    /// where the scope gives it, as a lazy filter (see [`InScope::restrict`]).
    pub fn processes(&self) -> LazyFrame {
        let all = self.all.clone().lazy();
        match self.kept {
            // By a column of its own, row for row: filtered as the other tables are (see
            // [`InScope::restrict`], a table-long literal gathered by key), some indicators'
            // plans of the processes failed with "gather indices are out of bounds".
            Some(_) => all.filter(col(IN_SCOPE)).drop(cols([IN_SCOPE])),
            None => all,
        }
    }

    /// Whether the processes say if their bid prices may be compared (the
    /// [`PRICE_COMPARISON`] column).
    pub fn has_price_comparison(&self) -> bool {
        self.all
            .get_column_names()
            .iter()
            .any(|name| name.as_str() == PRICE_COMPARISON)
    }

    /// The keys of the processes in scope, as a one-column (`process`) table.
    pub fn keys(&self) -> PolarsResult<DataFrame> {
        self.processes().select([col(PROCESS)]).collect()
    }

    /// The processes table of every process, in scope or not (with the scope's columns).
    pub fn all_processes(&self) -> &DataFrame {
        &self.all
    }

    /// The scope of the processes of `all`, rows of [`InScope::all_processes`] (whole
    /// processes: see [`crate::domain::Tables::cut`]).
    pub fn cut(&self, all: DataFrame) -> InScope {
        let height = match all.column(IN_SCOPE).and_then(|kept| kept.bool().cloned()) {
            Ok(kept) => kept.sum().unwrap_or(0) as usize,
            Err(_) => all.height(),
        };
        InScope {
            all,
            kept: self.kept.clone(),
            height,
        }
    }

    /// How many processes are in scope.
    pub fn height(&self) -> usize {
        self.height
    }

    /// The rows of a table (with a `process` column) of the processes in scope, as a lazy
    /// filter: the excluded rows are left out wherever the table is read, with only the
    /// columns read, instead of a filtered copy of the whole table made beforehand.
    pub fn restrict(&self, table: LazyFrame) -> LazyFrame {
        match &self.kept {
            None => table,
            Some(kept) => table.filter(lit(kept.clone()).gather(col(PROCESS), false)),
        }
    }
}
