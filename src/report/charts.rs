//! Bar charts as geometry: the template draws them as inline SVG (so that every label from
//! the data is escaped like any other text), this module only places the bars.

use serde::Serialize;

use super::format::{number, shorten};

/// One bar.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Bar {
    /// The label as shown (shortened).
    pub label: String,
    /// The label in full (the bar's tooltip).
    pub full: String,
    /// The value as shown.
    pub value: String,
    /// The bar's rectangle.
    pub x: f64,
    /// Its top.
    pub y: f64,
    /// Its width.
    pub width: f64,
    /// Its height.
    pub height: f64,
    /// Where the label is written.
    pub label_x: f64,
    /// Its baseline.
    pub label_y: f64,
    /// Where the value is written.
    pub value_x: f64,
    /// Its baseline.
    pub value_y: f64,
}

/// A chart: its size, its bars, and whether it has anything to show.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Chart {
    /// `horizontal` (labels on the left) or `vertical` (labels below).
    pub kind: &'static str,
    /// The drawing's width.
    pub width: f64,
    /// Its height.
    pub height: f64,
    /// The bars.
    pub bars: Vec<Bar>,
    /// The baseline of vertical bars (or the left edge of horizontal ones).
    pub axis: f64,
    /// True when there is no bar with a value above 0.
    pub empty: bool,
}

const WIDTH: f64 = 720.0;

/// Horizontal bars, one row each, labels on the left: for rankings with long names.
pub fn horizontal(items: &[(String, f64)], decimals: usize) -> Chart {
    let row = 26.0;
    let label_width = 300.0;
    let value_width = 120.0;
    let room = WIDTH - label_width - value_width;
    let largest = items.iter().map(|(_, v)| *v).fold(0.0, f64::max);
    let bars = items
        .iter()
        .enumerate()
        .map(|(i, (label, value))| {
            let y = 8.0 + row * i as f64;
            let width = if largest > 0.0 {
                (room * value / largest).max(1.0)
            } else {
                0.0
            };
            Bar {
                label: shorten(label, 30),
                full: label.clone(),
                value: number(*value, decimals),
                x: label_width,
                y,
                width,
                height: row - 8.0,
                label_x: label_width - 8.0,
                label_y: y + 13.0,
                value_x: label_width + width + 6.0,
                value_y: y + 13.0,
            }
        })
        .collect();
    Chart {
        kind: "horizontal",
        width: WIDTH,
        height: 16.0 + row * items.len() as f64,
        bars,
        axis: label_width,
        empty: largest <= 0.0,
    }
}

/// Vertical bars with their labels below: for distributions and time series.
pub fn vertical(items: &[(String, f64)], decimals: usize) -> Chart {
    let plot = 200.0;
    let top = 22.0;
    let left = 10.0;
    let slot = (WIDTH - 2.0 * left) / items.len().max(1) as f64;
    let largest = items.iter().map(|(_, v)| *v).fold(0.0, f64::max);
    // Every label when they fit, else every n-th.
    let every = ((items.len() as f64 * 56.0 / WIDTH).ceil() as usize).max(1);
    let bars = items
        .iter()
        .enumerate()
        .map(|(i, (label, value))| {
            let height = if largest > 0.0 {
                plot * value / largest
            } else {
                0.0
            };
            let x = left + slot * i as f64 + slot * 0.1;
            let width = slot * 0.8;
            Bar {
                label: if i % every == 0 {
                    shorten(label, 12)
                } else {
                    String::new()
                },
                full: format!("{label}: {}", number(*value, decimals)),
                value: if slot >= 34.0 && *value > 0.0 {
                    number(*value, decimals)
                } else {
                    String::new()
                },
                x,
                y: top + plot - height,
                width,
                height,
                label_x: x + width / 2.0,
                label_y: top + plot + 16.0,
                value_x: x + width / 2.0,
                value_y: top + plot - height - 4.0,
            }
        })
        .collect();
    Chart {
        kind: "vertical",
        width: WIDTH,
        height: top + plot + 26.0,
        bars,
        axis: top + plot,
        empty: largest <= 0.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_proportional_to_their_values() {
        let chart = horizontal(&[("a".into(), 10.0), ("b".into(), 5.0)], 0);
        assert_eq!(chart.bars[0].width, 2.0 * chart.bars[1].width);
        assert!(!chart.empty);
        let chart = vertical(&[("0–9".into(), 4.0), ("10–19".into(), 1.0)], 0);
        assert_eq!(chart.bars[0].height, 4.0 * chart.bars[1].height);
        assert_eq!(chart.bars[0].y + chart.bars[0].height, chart.axis);
        assert!(vertical(&[("x".into(), 0.0)], 0).empty);
    }
}
