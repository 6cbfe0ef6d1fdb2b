//! The awards that decide a process: final awards, winners, awarded awards with their buyer,
//! and the kind of item of each award.

use polars::prelude::*;

use super::{AWARD_KEY, Tables, awarded, code_in, code_is, packed_key};
use crate::frames::KEY as PROCESS;

impl Tables {
    /// The active awards of the processes whose awards are all final (none `pending` or
    /// `invalid`): Cardinal's condition for judging a process's outcome. A cached plan (see
    /// [`Tables`]).
    pub fn active_awards_if_final(&self) -> LazyFrame {
        self.active_awards_if_final.clone()
    }

    /// The processes whose outcome is one winner: all awards final (none `pending` or
    /// `invalid`), exactly one `active` award, with exactly one supplier. Columns `process`,
    /// `winner`. A cached plan (see [`Tables`]).
    pub fn winners(&self) -> LazyFrame {
        self.winners.clone()
    }

    /// The awarded awards (status `active` or none) that meet `predicate`, joined to `processes`
    /// (`process` and the process columns wanted, `buyer_id` among them); processes without a buyer
    /// are left out. One row per award and supplier.
    pub fn awards_of_buyers(&self, predicate: Expr, processes: LazyFrame) -> LazyFrame {
        self.awards().filter(awarded().and(predicate)).join(
            processes.filter(col("buyer_id").is_not_null()),
            [col(PROCESS)],
            [col(PROCESS)],
            JoinArgs::new(JoinType::Inner),
        )
    }

    /// The awarded awards (status `active` or none) that meet `predicate`, with their process's
    /// `buyer_id` (processes without one left out): one row per award and supplier, or one row
    /// per award when `once`.
    pub fn buyer_awards(&self, predicate: Expr, once: bool) -> LazyFrame {
        let awards = self.awards_of_buyers(
            predicate,
            self.processes().select([col(PROCESS), col("buyer_id")]),
        );
        if once {
            awards.unique(Some(cols([AWARD_KEY])), UniqueKeepStrategy::First)
        } else {
            awards
        }
    }

    /// The kind of item of each award: the first `digits` characters of the first
    /// classification of its items, else of the tender's items, with the scheme (`process`,
    /// `award_index`, [`AWARD_KEY`], `class`). Awards with neither are left
    /// out, unless `digits` is 0: then every award has the same empty class. Made from the
    /// derived table of [`classified_awards`], the text for each award only.
    pub fn item_classes(&self, digits: u32) -> LazyFrame {
        if digits == 0 {
            return self
                .awards()
                .select([col(PROCESS), col("award_index"), col(AWARD_KEY)])
                .unique(Some(cols([AWARD_KEY])), UniqueKeepStrategy::First)
                .with_column(lit("").alias("class"));
        }
        self.classified_awards.clone().select([
            col(PROCESS),
            col("award_index"),
            col(AWARD_KEY),
            class_text(digits),
        ])
    }

    /// The kind of item of each process: the first `digits` characters (at least 1) of the
    /// first classification of the tender's items, else of its first classified award's, with
    /// the scheme (`process`, `class`). Processes with neither are left out. Made from the
    /// derived table of [`classified_processes`].
    pub fn process_classes(&self, digits: u32) -> LazyFrame {
        self.classified_processes
            .clone()
            .select([col(PROCESS), class_text(digits.max(1))])
    }
}

/// The kind of item as text: the first `digits` characters of `classification_id`, a space
/// and the `scheme` (none an empty text), as the column `class`.
fn class_text(digits: u32) -> Expr {
    concat_str(
        [
            col("classification_id")
                .str()
                .slice(lit(0), lit(u64::from(digits))),
            col("scheme").cast(DataType::String).fill_null(lit("")),
        ],
        " ",
        false,
    )
    .alias("class")
}

/// Each group of `keys` of the classified items of `section` (`tender`, `award`) of `items`
/// by its first classified item: its `classification_id` and `scheme`.
fn first_classifications(items: LazyFrame, section: &str, keys: Vec<Expr>) -> LazyFrame {
    items
        .filter(
            col("classification_id")
                .is_not_null()
                .and(col("section").eq(lit(section))),
        )
        .group_by_stable(keys)
        .agg([col("classification_id").first(), col("scheme").first()])
}

/// The classification of each award's kind of item, from the awards and items tables: the
/// first classification of its items, else of the tender's items (`process`, `award_index`,
/// [`AWARD_KEY`], `classification_id`, `scheme`), awards with neither left out. A derived
/// table computed ahead for the batches whose indicators judge kinds of item (see
/// [`super::Derived`]), so that each indicator makes only its class texts.
pub(super) fn classified_awards(awards: LazyFrame, items: LazyFrame) -> LazyFrame {
    let of_awards = first_classifications(
        items.clone(),
        "award",
        vec![packed_key("parent_index").alias(AWARD_KEY)],
    );
    let of_tenders = first_classifications(items, "tender", vec![col(PROCESS)]).select([
        col(PROCESS),
        col("classification_id").alias("tender_classification"),
        col("scheme").alias("tender_scheme"),
    ]);
    awards
        .select([col(PROCESS), col("award_index"), col(AWARD_KEY)])
        .unique_stable(Some(cols([AWARD_KEY])), UniqueKeepStrategy::First)
        .join(
            of_awards,
            [col(AWARD_KEY)],
            [col(AWARD_KEY)],
            JoinArgs::new(JoinType::Left),
        )
        .join(
            of_tenders,
            [col(PROCESS)],
            [col(PROCESS)],
            JoinArgs::new(JoinType::Left),
        )
        .with_columns(own_or("tender_classification", "tender_scheme"))
        .select([
            col(PROCESS),
            col("award_index"),
            col(AWARD_KEY),
            col("classification_id"),
            col("scheme"),
        ])
        .filter(col("classification_id").is_not_null())
}

/// The row's own `classification_id` and `scheme` where it has a classification, else the
/// classification `id` and `scheme` of the columns named.
fn own_or(id: &str, scheme: &str) -> [Expr; 2] {
    let own = col("classification_id").is_not_null();
    [
        when(own.clone())
            .then(col("classification_id"))
            .otherwise(col(id))
            .alias("classification_id"),
        when(own)
            .then(col("scheme"))
            .otherwise(col(scheme))
            .alias("scheme"),
    ]
}

/// The classifications of [`Tables::process_classes`], from the items table: the
/// first classification of each process's tender items, else of its award items
/// (`process`, `classification_id`, `scheme`).
pub(super) fn classified_processes(items: LazyFrame) -> LazyFrame {
    let of_awards = first_classifications(items.clone(), "award", vec![col(PROCESS)]).select([
        col(PROCESS),
        col("classification_id").alias("award_classification"),
        col("scheme").alias("award_scheme"),
    ]);
    first_classifications(items, "tender", vec![col(PROCESS)])
        .join(
            of_awards,
            [col(PROCESS)],
            [col(PROCESS)],
            JoinArgs::new(JoinType::Full).with_coalesce(JoinCoalesce::CoalesceColumns),
        )
        .with_columns(own_or("award_classification", "award_scheme"))
        .select([col(PROCESS), col("classification_id"), col("scheme")])
}

/// The plan of [`Tables::active_awards_if_final`], from the awards table.
pub(super) fn active_if_final(awards: LazyFrame) -> LazyFrame {
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

/// The plan of [`Tables::winners`], from [`Tables::active_awards_if_final`].
pub(super) fn winners_of(active_if_final: LazyFrame) -> LazyFrame {
    // Plain aggregations over pre-filtered awards (a filter inside an aggregation is slow).
    active_if_final
        .group_by([col(PROCESS)])
        .agg([
            col("award_index").n_unique().alias("active"),
            col("suppliers_count").first().alias("suppliers"),
            col("supplier_id").first().alias("winner"),
        ])
        .filter(
            col("active")
                .eq(lit(1))
                .and(col("suppliers").eq(lit(1)))
                .and(col("winner").is_not_null()),
        )
        .select([col(PROCESS), col("winner")])
}
