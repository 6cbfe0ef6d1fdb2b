//! Quartile fences within groups (statrs's order statistics, see [`crate::stats`]).

use polars::prelude::*;

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
