//! Cardinal's main currency when its settings set none: the first currency it observes.
//!
//! Cardinal compares bid prices in one currency only. Without a `currency` setting, it takes
//! the currency of the first bid it compares, in the order of the file's lines (on one
//! thread; on several, each thread starts with the first one it meets). Our frames are sorted
//! by ocid, so this reads the beginning of the inputs again, line by line, until it finds that
//! bid: usually on one of the first lines.

use std::io::BufRead;

use serde_json::{Map, Value};

use crate::ingest::Limits;
use crate::ingest::source::{self, Source};
use crate::scope::Scope;

/// Which price comparisons are run, which decides the first bid Cardinal compares.
#[derive(Debug, Clone, Copy, Default)]
pub struct Comparisons {
    /// The difference between the winning and the second-lowest valid bid (R024, R058).
    pub second_bid: bool,
    /// The lowest submitted bid (R036).
    pub lowest_bid: bool,
}

/// The first currency Cardinal would observe in `inputs` (the sources the ingest reads, in
/// its order, opened as it opens them), within `scope`; none when no bid is compared, or when
/// the inputs cannot be read again (standard input).
pub fn first_observed(
    inputs: &[String],
    scope: &Scope,
    limits: &Limits,
    comparisons: Comparisons,
) -> Option<String> {
    if !comparisons.second_bid && !comparisons.lowest_bid {
        return None;
    }
    source::expand(inputs)
        .ok()?
        .into_iter()
        .filter(|source| *source != Source::Stdin)
        .find_map(|source| first_in(source.open(limits).ok()?, scope, comparisons))
}

fn first_in(reader: impl BufRead, scope: &Scope, comparisons: Comparisons) -> Option<String> {
    reader
        .lines()
        .map_while(Result::ok)
        .filter_map(|line| match serde_json::from_str::<Value>(&line) {
            Ok(Value::Object(release)) => Some(release),
            _ => None,
        })
        .find_map(|release| first_currency(&release, scope, comparisons))
}

/// A text field.
fn text<'a>(object: &'a Value, key: &str) -> Option<&'a str> {
    object.get(key)?.as_str()
}

/// A bid's amount and currency, when both are there with the types Cardinal reads.
fn price(bid: &Value) -> Option<&str> {
    let value = bid.get("value")?;
    value.get("amount")?.as_f64()?;
    text(value, "currency")
}

/// Whether `details` (the process's `procurementMethodDetails`) passes an allow list
/// (`include`, when not empty) or else a deny list (`exclude`), as Cardinal decides.
fn matches(details: Option<&str>, include: &[String], exclude: &[String]) -> bool {
    match details {
        Some(details) if include.is_empty() => !exclude.iter().any(|x| x == details),
        Some(details) => include.iter().any(|x| x == details),
        None => include.is_empty(),
    }
}

/// The currency of the first bid Cardinal compares in one compiled release, if any.
fn first_currency(
    release: &Map<String, Value>,
    scope: &Scope,
    comparisons: Comparisons,
) -> Option<String> {
    let tender = release.get("tender");
    let details = tender.and_then(|tender| text(tender, "procurementMethodDetails"));
    let cancelled = tender.and_then(|tender| text(tender, "status")) == Some("cancelled");
    if !release.get("ocid").is_some_and(Value::is_string)
        || (scope.exclude_cancelled_tenders && cancelled)
        || !matches(details, &[], &scope.excluded_procurement_method_details)
        || !matches(
            details,
            &scope.price_comparison_procurement_methods,
            &scope.no_price_comparison_procurement_methods,
        )
    {
        return None;
    }
    let awards = release.get("awards")?.as_array()?;
    let bids = release.get("bids")?.get("details")?.as_array()?;
    if comparisons.second_bid && one_winner(awards) {
        // The first valid bid of one identified tenderer with a price.
        let found = bids.iter().find_map(|bid| {
            let tenderers = bid.get("tenderers")?.as_array()?;
            let single = tenderers.len() == 1 && text(&tenderers[0], "id").is_some();
            (text(bid, "status") == Some("valid") && single).then(|| price(bid))?
        });
        if let Some(currency) = found {
            return Some(currency.to_owned());
        }
    }
    if comparisons.lowest_bid && awards.iter().any(|a| text(a, "status") == Some("active")) {
        // The first submitted bid with a price.
        let found = bids.iter().find_map(|bid| {
            let status = text(bid, "status")?;
            (status != "invited" && status != "withdrawn").then(|| price(bid))?
        });
        return found.map(str::to_owned);
    }
    None
}

/// Whether every award with a status is final and exactly one is active, with one identified
/// supplier.
fn one_winner(awards: &[Value]) -> bool {
    let mut active = Vec::new();
    for award in awards {
        match text(award, "status") {
            Some("active") => active.push(award),
            Some("cancelled" | "unsuccessful") | None => {}
            Some(_) => return false,
        }
    }
    active.len() == 1
        && active[0]
            .get("suppliers")
            .and_then(Value::as_array)
            .is_some_and(|suppliers| suppliers.len() == 1 && text(&suppliers[0], "id").is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first(lines: &str, comparisons: Comparisons) -> Option<String> {
        first_in(lines.as_bytes(), &Scope::default(), comparisons)
    }

    #[test]
    fn the_first_compared_bid_gives_the_currency() {
        let both = Comparisons {
            second_bid: true,
            lowest_bid: true,
        };
        let lines = concat!(
            "not json\n",
            r#"{"ocid":"a","awards":[{"status":"pending"}],"bids":{"details":[{"status":"valid","value":{"amount":1,"currency":"EUR"}}]}}"#,
            "\n",
            r#"{"ocid":"b","awards":[{"status":"active","suppliers":[{"id":"X"}]}],"bids":{"details":[{"status":"disqualified","value":{"amount":1,"currency":"USD"}},{"status":"valid","tenderers":[{"id":"X"}],"value":{"amount":2,"currency":"THB"}}]}}"#,
            "\n"
        );
        // The second-bid comparison runs first and reads valid bids only.
        assert_eq!(first(lines, both).as_deref(), Some("THB"));
        let lowest = Comparisons {
            second_bid: false,
            lowest_bid: true,
        };
        assert_eq!(first(lines, lowest).as_deref(), Some("USD"));
        assert_eq!(first(lines, Comparisons::default()), None);
        assert_eq!(first("", both), None);
    }
}
