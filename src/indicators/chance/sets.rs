//! Sets of tenderers against their rates of bidding: `recurring_bidder_set` and
//! `bid_rotation`.

use polars::prelude::*;
use statrs::function::factorial::ln_factorial;

use super::{recurrence_tail, rowwise, significant};
use crate::domain::{SET_CODE, numbered_code, packed, text_code};
use crate::indicators::PROCESS;

/// Columns of [`set_meetings`]: the tenderer's and the category's number.
const TENDERER: &str = "tenderer_code";
const CATEGORY: &str = "category_code";

/// How often each set of tenderers meets, against chance.
///
/// `tenderers`: the distinct tenderers of each process (`process`, `tenderer_id`, `category`,
/// and the `keys`); `sets`: each process's set (`process`, `size`, `set`, [`SET_CODE`], and
/// the `keys`). A set
/// is counted within its `keys` (none: the whole market; `buyer_id`: each buyer).
///
/// Each tenderer's rate in a category is its share of the category's tenderer places (one per
/// process and tenderer). A process of `r` tenderers in the category draws exactly the set `S`
/// with a probability of at most `r! · Π qᵢ / (1 − Σ qᵢ)^(r−1)` (drawing without
/// replacement, each draw from what the earlier ones left), capped at 1; `expected` is that
/// probability summed over the processes of `r` tenderers in each category within the keys.
/// `p_value`: given that the set met once, the Poisson probability that it meets at least
/// `meetings` times; `significant` against `significance` divided by the number of sets seen.
/// One row per keys and set: the keys, [`SET_CODE`], `set`, `meetings`, `expected`,
/// `p_value`, `significant`. Only the sets that meet at least `minimum` times within their keys
/// (those the callers can flag) are compared with chance: the others have no `expected` nor
/// `p_value` and are not `significant`, but count among the sets seen.
pub fn set_meetings(
    tenderers: LazyFrame,
    sets: LazyFrame,
    keys: &[&str],
    minimum: u32,
    significance: f64,
) -> PolarsResult<LazyFrame> {
    let keys: Vec<Expr> = keys.iter().map(|key| col(*key)).collect();
    let with_keys = |extra: &[&str]| {
        let mut all = keys.clone();
        all.extend(extra.iter().map(|name| col(*name)));
        all
    };
    // The tenderers by the frames' numbers, the categories by the frames' list of texts, and
    // sets known by their number: the group-bys and joins below run on integers, not on texts.
    let tenderers = tenderers
        .with_columns([
            numbered_code("tenderer_id").alias(TENDERER),
            text_code("category").alias(CATEGORY),
        ])
        .cache();
    let rates = tenderers
        .clone()
        .group_by([packed(col(CATEGORY), col(TENDERER)).alias("category_tenderer")])
        .agg([
            len().alias("places"),
            col(CATEGORY).first(),
            col(TENDERER).first(),
        ])
        .with_column(
            (col("places").cast(DataType::Float64)
                / col("places")
                    .sum()
                    .over([col(CATEGORY)])?
                    .cast(DataType::Float64))
            .alias("rate"),
        );
    // Processes of each size in each category, within the keys.
    let mut process_keys = vec![col(CATEGORY).first(), len().alias("size")];
    process_keys.extend(keys.iter().map(|key| key.clone().first()));
    let opportunities = tenderers
        .clone()
        .group_by([col(PROCESS)])
        .agg(process_keys)
        .group_by(with_keys(&[CATEGORY, "size"]))
        .agg([len().alias("opportunities")]);
    let seen = sets.clone().group_by(with_keys(&[SET_CODE])).agg([
        len().alias("meetings"),
        col("size").first(),
        col("set").first(),
    ]);
    // The sets compared with chance (most sets meet once).
    let tested = seen.clone().filter(col("meetings").gt_eq(lit(minimum)));
    let sets = sets.join(
        tested.clone().select([col(SET_CODE)]),
        [col(SET_CODE)],
        [col(SET_CODE)],
        JoinArgs::new(JoinType::Semi),
    );
    // Each set's tenderers, from one of its processes among the tenderers' (the first): every
    // process of a set has the same tenderers. (Those of every process, kept once each, took
    // 1.3 s at 1,000,000 processes for the distinct rows alone.)
    let members = sets
        .select([col(PROCESS), col(SET_CODE), col("size")])
        .join(
            tenderers.clone().select([col(PROCESS)]),
            [col(PROCESS)],
            [col(PROCESS)],
            JoinArgs::new(JoinType::Semi),
        )
        .group_by([col(SET_CODE)])
        .agg([col(PROCESS).min(), col("size").first()])
        .join(
            tenderers.select([col(PROCESS), col(TENDERER)]),
            [col(PROCESS)],
            [col(PROCESS)],
            JoinArgs::new(JoinType::Inner),
        )
        .select([col(SET_CODE), col("size"), col(TENDERER)]);
    // The chance that a process of the set's size in a category draws exactly the set.
    let draw = members
        .join(
            rates,
            [col(TENDERER)],
            [col(TENDERER)],
            JoinArgs::new(JoinType::Inner),
        )
        .group_by([packed(col(SET_CODE), col(CATEGORY)).alias("set_category")])
        .agg([
            col(SET_CODE).first(),
            col(CATEGORY).first(),
            col("size").first(),
            len().alias("present"),
            col("rate")
                .log(lit(std::f64::consts::E))
                .sum()
                .alias("log_rates"),
            col("rate").sum().alias("total_rate"),
        ])
        .filter(col("present").eq(col("size").cast(DataType::UInt32)))
        .with_column(
            when(col("total_rate").gt_eq(lit(1.0)))
                .then(lit(1.0))
                .otherwise(
                    (rowwise([col("size")], |[size]| ln_factorial(size as u64)) + col("log_rates")
                        - (col("size").cast(DataType::Float64) - lit(1.0))
                            * (lit(1.0) - col("total_rate")).log(lit(std::f64::consts::E)))
                    .exp()
                    .clip_max(lit(1.0)),
                )
                .alias("draw"),
        )
        .select([col(SET_CODE), col(CATEGORY), col("draw")]);
    let expected = tested
        .select(with_keys(&[SET_CODE, "size"]))
        .join(
            draw,
            [col(SET_CODE)],
            [col(SET_CODE)],
            JoinArgs::new(JoinType::Inner),
        )
        .join(
            opportunities,
            with_keys(&[CATEGORY, "size"]),
            with_keys(&[CATEGORY, "size"]),
            JoinArgs::new(JoinType::Inner),
        )
        .group_by(with_keys(&[SET_CODE]))
        .agg(
            [(col("draw") * col("opportunities").cast(DataType::Float64))
                .sum()
                .alias("expected")],
        );
    Ok(seen
        .join(
            expected,
            with_keys(&[SET_CODE]),
            with_keys(&[SET_CODE]),
            JoinArgs::new(JoinType::Left),
        )
        .with_column(
            when(col("meetings").gt_eq(lit(minimum)))
                .then(col("expected").fill_null(lit(0.0)))
                .otherwise(lit(NULL).cast(DataType::Float64))
                .alias("expected"),
        )
        .with_column(recurrence_tail(col("meetings"), col("expected")).alias("p_value"))
        .with_column(significant(col("p_value"), significance).alias("significant"))
        .select(with_keys(&[
            SET_CODE,
            "set",
            "meetings",
            "expected",
            "p_value",
            "significant",
        ])))
}
