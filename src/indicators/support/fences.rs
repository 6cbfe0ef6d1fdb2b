//! Quartile fences within groups (statrs's order statistics, see [`crate::stats`]).

use polars::prelude::*;

use crate::frames::as_text;

use crate::stats::{Fences, round4};

/// The evidence values of a fence a value crossed: `fence` (rounded to 4 decimals, null when
/// there is none), `fence_source` (`quartiles` when it comes from `quartiles`, `settings` when
/// the settings set it) and the quartiles `q1` and `q3` (null when set in the settings).
pub fn fence_evidence(fence: Option<f64>, quartiles: Option<Fences>) -> [Expr; 4] {
    let statistic = |value: Option<f64>| match value {
        Some(value) => lit(round4(value)),
        None => lit(NULL).cast(DataType::Float64),
    };
    [
        statistic(fence).alias("fence"),
        lit(if quartiles.is_some() {
            "quartiles"
        } else {
            "settings"
        })
        .alias("fence_source"),
        statistic(quartiles.map(|f| f.q1)).alias("q1"),
        statistic(quartiles.map(|f| f.q3)).alias("q3"),
    ]
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
    statistics_by(frame, group, value, minimum, |values| {
        vec![(
            "upper_fence",
            crate::stats::Fences::of(values).map(|f| f.upper),
        )]
    })
}

/// The fences of `value` within each group of `group`, as [`upper_fences_by`] gives the upper
/// one: a frame of `group`, `lower_fence`, `upper_fence` and `median`, one row per group with
/// at least `minimum` values, and `values`, how many it has.
pub fn fences_by(
    frame: &DataFrame,
    group: &str,
    value: &str,
    minimum: usize,
) -> PolarsResult<DataFrame> {
    statistics_by(frame, group, value, minimum, |values| {
        let fences = crate::stats::Fences::of(values);
        let mut data = statrs::statistics::Data::new(values.to_vec());
        vec![
            ("lower_fence", fences.map(|f| f.lower)),
            ("upper_fence", fences.map(|f| f.upper)),
            (
                "median",
                Some(statrs::statistics::OrderStatistics::median(&mut data)),
            ),
            ("values", Some(values.len() as f64)),
        ]
    })
}

/// The statistics `of` the values of `value` within each group of `group` with at least
/// `minimum` of them (nulls left out; a null group is a group of its own): a frame of `group`
/// and one column per statistic, in the order `of` names them.
fn statistics_by(
    frame: &DataFrame,
    group: &str,
    value: &str,
    minimum: usize,
    of: impl Fn(&[f64]) -> Vec<(&'static str, Option<f64>)>,
) -> PolarsResult<DataFrame> {
    let groups = as_text(frame.column(group)?)?;
    let values = frame.column(value)?.cast(&DataType::Float64)?;
    let values = values.f64()?;
    let mut by_group: std::collections::BTreeMap<Option<&str>, Vec<f64>> = Default::default();
    for (key, value) in groups.iter().zip(values.iter()) {
        if let Some(value) = value {
            by_group.entry(key).or_default().push(value);
        }
    }
    let mut keys = Vec::new();
    let mut columns: Vec<(&'static str, Vec<Option<f64>>)> = Vec::new();
    for (key, values) in by_group {
        if values.len() < minimum {
            continue;
        }
        keys.push(key);
        for (index, (name, statistic)) in of(&values).into_iter().enumerate() {
            if columns.len() <= index {
                columns.push((name, Vec::new()));
            }
            columns[index].1.push(statistic);
        }
    }
    if columns.is_empty() {
        columns = of(&[])
            .into_iter()
            .map(|(name, _)| (name, Vec::new()))
            .collect();
    }
    // The groups as the frame holds them (texts or numbered texts), to join with it.
    let keys = Series::new(group.into(), keys).cast(frame.column(group)?.dtype())?;
    let mut out = vec![keys.into_column()];
    out.extend(
        columns
            .into_iter()
            .map(|(name, values)| Column::new(name.into(), values)),
    );
    DataFrame::new(out[0].len(), out)
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

/// A count column (`u32`) as the numbers the fences are computed from, nulls left out.
pub fn counts(frame: &DataFrame, column: &str) -> PolarsResult<Vec<f64>> {
    Ok(frame
        .column(column)?
        .u32()?
        .iter()
        .flatten()
        .map(f64::from)
        .collect())
}

/// The plan of an indicator that flags the processes whose `days` (a count) are above the
/// upper fence of the days of their procurement method (`procurement_method`, each method with
/// at least `minimum` processes; the others are assessed and never flagged): the measured
/// processes, then, once they are collected, the outcome with the days as the value and
/// `evidence` (which may read the fence as `upper_fence`, rounded to one decimal).
pub fn beyond_method_fence(
    measured: LazyFrame,
    minimum: usize,
    evidence: Vec<Expr>,
) -> crate::indicators::Plan {
    crate::indicators::Plan::staged([measured], move |[measured]| {
        let with_fences = with_group_fences(measured, "procurement_method", "days", minimum)?
            .with_column(col("upper_fence").round(1, RoundMode::HalfAwayFromZero));
        let long = col("days")
            .cast(DataType::Float64)
            .gt(col("upper_fence"))
            .fill_null(lit(false));
        let processes = super::process_rows(with_fences, long, col("days"), evidence);
        crate::indicators::LazyOutcome::processes_only(processes)
    })
}

/// `measured` (with the columns `market`, a text, and `magnitude`, the `log10` of an amount)
/// joined to its market's fences (see [`fences_by`]), for the markets with at least `minimum`
/// rows: with `market_size` (the market's rows), `outlier` (the magnitude outside the fences),
/// `direction` (`above` or `below`), `bound` (the fence crossed, as an amount), `typical` (the
/// market's median, as an amount) and `distance` (from the median, in orders of magnitude).
pub fn outside_magnitude_fences(measured: DataFrame, minimum: usize) -> PolarsResult<LazyFrame> {
    let fences = fences_by(&measured, "market", "magnitude", minimum)?;
    let above = col("magnitude").gt(col("upper_fence"));
    let below = col("magnitude").lt(col("lower_fence"));
    let power = |exponent: Expr| lit(10.0).pow(exponent);
    Ok(measured
        .lazy()
        .join(
            fences.lazy(),
            [col("market")],
            [col("market")],
            JoinArgs::new(JoinType::Inner),
        )
        .with_columns([
            col("values").cast(DataType::UInt32).alias("market_size"),
            above.clone().or(below).alias("outlier"),
            when(above.clone())
                .then(lit("above"))
                .otherwise(lit("below"))
                .alias("direction"),
            when(above)
                .then(power(col("upper_fence")))
                .otherwise(power(col("lower_fence")))
                .alias("bound"),
            power(col("median")).alias("typical"),
            (col("magnitude") - col("median")).abs().alias("distance"),
        ]))
}
