//! Legal thresholds: the `[thresholds]` settings.
//!
//! A procurement law lets a purchase use a simpler, less competitive method up to an amount:
//! the specific method up to 500,000 baht, say. Each rule of `[thresholds]` is one such
//! ceiling: a method, an amount in a currency, optionally for one main procurement category and
//! for the processes dated within a period. The indicators that judge purchases against the
//! law's lines (`threshold_bunching`, `split_purchase`, `direct_award_near_threshold`,
//! `direct_award_grown`) read them here, so that a country's thresholds are written once.

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use crate::frames::{code_is, text_test};

/// The `[thresholds]` section as `redflags init` writes it: commented, with no rule.
pub const DEFAULT_TOML: &str = "\n# The law's thresholds: up to which amount each method may be used. The indicators that\n\
# judge purchases against them read these rules (without one, those that need them do not run;\n\
# `redflags init --preset th` writes Thailand's). One rule per method, currency and period:\n\
# method: a tender.procurementMethod code or a procurementMethodDetails text; category:\n\
# goods, works or services (none: all); from, to: YYYY-MM-DD or DD/MM/YYYY, Buddhist Era\n\
# years read (none: no bound); source: the regulation, named in the evidence.\n\
[thresholds]\n\
# [[thresholds.rules]]\n\
# method = \"direct\"\n\
# amount = 500000.0\n\
# currency = \"THB\"\n\
# from = \"2017-08-23\"\n\
# source = \"Ministerial Regulation on the specific method, B.E. 2560\"\n";

/// The `[thresholds]` settings.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Thresholds {
    /// The ceilings, in the order written.
    pub rules: Vec<Rule>,
}

/// One ceiling: purchases of at most `amount` in `currency` may use `method`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// The method: a `tender.procurementMethod` code (compared without regard to case) or a
    /// `tender.procurementMethodDetails` text (compared exactly).
    pub method: String,
    /// The most a purchase by this method may be worth.
    pub amount: f64,
    /// The amount's currency.
    pub currency: String,
    /// The main procurement category it is for (`goods`, `works`, `services`); none: all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// The first date it applies to (`YYYY-MM-DD` or `DD/MM/YYYY`, Buddhist Era years read);
    /// none: no bound.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// The last date it applies to; none: no bound.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// Where the rule comes from (the regulation), for the evidence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

impl Thresholds {
    /// Checks every rule: an amount above 0, a currency, dates that read, a period that ends
    /// after it starts. The message names the rule (from 1).
    pub fn check(&self) -> Result<(), String> {
        for (index, rule) in self.rules.iter().enumerate() {
            let name = format!("thresholds.rules[{}]", index + 1);
            if rule.method.trim().is_empty() {
                return Err(format!("{name}: method must not be empty"));
            }
            if !(rule.amount.is_finite() && rule.amount > 0.0) {
                return Err(format!("{name}: amount must be a number above 0"));
            }
            if rule.currency.trim().is_empty() {
                return Err(format!("{name}: currency must not be empty"));
            }
            let (from, to) = rule.period().map_err(|field| {
                format!("{name}: {field} is not a date (YYYY-MM-DD or DD/MM/YYYY)")
            })?;
            if let (Some(from), Some(to)) = (from, to)
                && to < from
            {
                return Err(format!("{name}: `to` is before `from`"));
            }
        }
        Ok(())
    }

    /// Whether any rule is written.
    pub fn any(&self) -> bool {
        !self.rules.is_empty()
    }

    /// The distinct amounts of the rules in `currency` (all currencies when none), in order:
    /// the lines a buyer may bunch its purchases under.
    pub fn amounts(&self, currency: Option<&str>) -> Vec<f64> {
        let mut amounts: Vec<f64> = self
            .rules
            .iter()
            .filter(|rule| currency.is_none_or(|currency| rule.currency == currency))
            .map(|rule| rule.amount)
            .collect();
        amounts.sort_by(f64::total_cmp);
        amounts.dedup();
        amounts
    }

    /// The ceiling that applies to each row of a frame with the processes' columns
    /// `procurement_method`, `procurement_method_details` and `main_procurement_category`, a
    /// currency column `currency` and a date column `date` (a timestamp): the amount of the
    /// first rule that matches (null where none does), and a description of that rule (method,
    /// amount, currency, source) for the evidence.
    pub fn ceiling(&self, currency: &str, date: &str) -> (Expr, Expr) {
        let mut amount = lit(NULL).cast(DataType::Float64);
        let mut described = lit(NULL).cast(DataType::String);
        // Written last to first, so that the first matching rule is the outermost.
        for rule in self.rules.iter().rev() {
            let matches = rule.matches(currency, date);
            amount = when(matches.clone())
                .then(lit(rule.amount))
                .otherwise(amount);
            described = when(matches)
                .then(lit(rule.describe()))
                .otherwise(described);
        }
        (amount, described)
    }
}

impl Rule {
    /// The rule's period in days since 1970-01-01, or the name of the field that does not read.
    fn period(&self) -> Result<(Option<i32>, Option<i32>), &'static str> {
        let read = |text: &Option<String>, field| match text {
            None => Ok(None),
            Some(text) => crate::lists::parse_date(text).map(Some).ok_or(field),
        };
        Ok((read(&self.from, "from")?, read(&self.to, "to")?))
    }

    /// Whether a row is a purchase this rule is for.
    fn matches(&self, currency: &str, date: &str) -> Expr {
        let details = self.method.clone();
        let method = code_is("procurement_method", &self.method).or(text_test(
            "procurement_method_details",
            move |text| text == details,
        )
        .fill_null(lit(false)));
        let expected = self.currency.clone();
        let mut matches = method.and(
            text_test(currency, move |text| text.eq_ignore_ascii_case(&expected))
                .fill_null(lit(false)),
        );
        if let Some(category) = &self.category {
            matches = matches.and(code_is("main_procurement_category", category));
        }
        let (from, to) = self.period().unwrap_or_default();
        let day = || {
            col(date)
                .dt()
                .timestamp(TimeUnit::Milliseconds)
                .floor_div(lit(86_400_000i64))
        };
        if let Some(from) = from {
            matches = matches.and(day().gt_eq(lit(i64::from(from))).fill_null(lit(false)));
        }
        if let Some(to) = to {
            matches = matches.and(day().lt_eq(lit(i64::from(to))).fill_null(lit(false)));
        }
        matches
    }

    /// The rule as the evidence names it: `direct up to 500000 THB (source)`.
    fn describe(&self) -> String {
        let amount = if self.amount.fract() == 0.0 {
            format!("{}", self.amount as i64)
        } else {
            format!("{}", self.amount)
        };
        let mut text = format!("{} up to {amount} {}", self.method, self.currency);
        if let Some(category) = &self.category {
            text.push_str(&format!(" for {category}"));
        }
        if let Some(source) = &self.source {
            text.push_str(&format!(" ({source})"));
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(text: &str) -> Thresholds {
        toml::from_str(text).unwrap()
    }

    #[test]
    fn a_rule_needs_an_amount_a_currency_and_dates_that_read() {
        let good = rules(
            r#"[[rules]]
            method = "direct"
            amount = 500000
            currency = "THB"
            from = "23/08/2560""#,
        );
        good.check().unwrap();
        let bad_date = rules(
            r#"[[rules]]
            method = "direct"
            amount = 500000
            currency = "THB"
            from = "next year""#,
        );
        assert!(bad_date.check().unwrap_err().contains("rules[1]: from"));
        let reversed = rules(
            r#"[[rules]]
            method = "direct"
            amount = 1
            currency = "THB"
            from = "2024-01-02"
            to = "2024-01-01""#,
        );
        assert!(reversed.check().unwrap_err().contains("before"));
        let zero = rules(
            r#"[[rules]]
            method = "direct"
            amount = 0
            currency = "THB""#,
        );
        assert!(zero.check().unwrap_err().contains("amount"));
    }

    #[test]
    fn the_first_matching_rule_gives_the_ceiling() -> PolarsResult<()> {
        let thresholds = rules(
            r#"[[rules]]
            method = "direct"
            amount = 100000
            currency = "THB"
            category = "works"
            [[rules]]
            method = "direct"
            amount = 500000
            currency = "THB"
            from = "2017-08-23"
            source = "Ministerial regulation"
            [[rules]]
            method = "วิธีเฉพาะเจาะจง"
            amount = 500000
            currency = "THB""#,
        );
        let day = |text: &str| {
            chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .unwrap()
                .and_hms_opt(0, 0, 0)
                .unwrap()
                .and_utc()
                .timestamp_millis()
        };
        let frame = df!(
            "procurement_method" => [Some("Direct"), Some("direct"), Some("direct"), Some("open"), None],
            "procurement_method_details" => [None, None, None, None, Some("วิธีเฉพาะเจาะจง")],
            "main_procurement_category" => [Some("works"), Some("goods"), Some("goods"), Some("goods"), None],
            "currency" => ["THB", "thb", "THB", "THB", "THB"],
            "date" => [day("2024-01-01"), day("2024-01-01"), day("2016-01-01"), day("2024-01-01"), day("2024-01-01")],
        )?
        .lazy()
        .with_column(col("date").cast(DataType::Datetime(TimeUnit::Milliseconds, None)));
        let (amount, described) = thresholds.ceiling("currency", "date");
        let out = frame
            .select([amount.alias("amount"), described.alias("rule")])
            .collect()?;
        let amounts: Vec<Option<f64>> = out.column("amount")?.f64()?.iter().collect();
        assert_eq!(
            amounts,
            [Some(100000.0), Some(500000.0), None, None, Some(500000.0)]
        );
        assert_eq!(
            out.column("rule")?.str()?.get(1),
            Some("direct up to 500000 THB (Ministerial regulation)")
        );
        assert_eq!(thresholds.amounts(Some("THB")), [100000.0, 500000.0]);
        Ok(())
    }
}
