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
    let groups = as_text(frame.column(group)?)?;
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
    // The groups as the frame holds them (texts or numbered texts), to join with it.
    let keys = Series::new(group.into(), keys).cast(frame.column(group)?.dtype())?;
    DataFrame::new(
        keys.len(),
        vec![
            keys.into_column(),
            Column::new("upper_fence".into(), fences),
        ],
    )
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
