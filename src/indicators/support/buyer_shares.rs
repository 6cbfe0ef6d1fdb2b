//! Buyers judged by the share of their processes with some property, against the upper fence
//! of all buyers' shares.

use polars::prelude::*;

use crate::stats::{Fences, round4};

/// The buyers' shares of `measured` (a row per process, or per award, with `buyer_id` and the
/// boolean column `hit`), for the buyers with at least `minimum` rows, judged against the
/// upper fence of the shares (statrs quartiles; at or above it and above Q3 flags).
pub struct BuyerShares {
    /// `measured`'s rows of the judged buyers, with the buyer's `rows`, `hits`, `share`,
    /// `buyer_flagged` and `fence`.
    pub rows: LazyFrame,
    /// The judged buyers: `buyer_id`, `rows`, `hits`, `share`, `buyer_flagged`, `fence`, by id.
    pub buyers: LazyFrame,
    /// The fences of the shares (none when no buyer was judged).
    pub fences: Option<Fences>,
}

/// Judges the buyers of `measured` (see [`BuyerShares`]).
pub fn buyer_shares(measured: DataFrame, hit: &str, minimum: u32) -> PolarsResult<BuyerShares> {
    let buyers = measured
        .clone()
        .lazy()
        .group_by([col("buyer_id")])
        .agg([
            len().alias("rows"),
            col(hit).cast(DataType::UInt32).sum().alias("hits"),
        ])
        .filter(col("rows").gt_eq(lit(minimum)))
        .with_column(
            (col("hits").cast(DataType::Float64) / col("rows").cast(DataType::Float64))
                .alias("share"),
        )
        .sort(["buyer_id"], SortMultipleOptions::default())
        .collect()?;
    let shares: Vec<f64> = buyers.column("share")?.f64()?.iter().flatten().collect();
    let fences = Fences::of(&shares);
    let (high, fence) = match fences {
        Some(fences) => (
            Fences::high(col("share"), fences.upper, Some(fences)),
            lit(round4(fences.upper)),
        ),
        None => (lit(false), lit(NULL).cast(DataType::Float64)),
    };
    let buyers = buyers
        .lazy()
        .with_columns([high.alias("buyer_flagged"), fence.alias("fence")])
        .cache();
    let rows = measured.lazy().join(
        buyers.clone(),
        [col("buyer_id")],
        [col("buyer_id")],
        JoinArgs::new(JoinType::Inner),
    );
    Ok(BuyerShares {
        rows,
        buyers,
        fences,
    })
}
