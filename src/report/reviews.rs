//! The analyst's verdicts in the report: beside each flag of a listed process, and a card
//! counting them (with the reviewed flags that no longer fire).

use super::Figure;
use super::format::{Messages, number};
use crate::config::Config;
use crate::reviews::{Tally, Verdict};
use crate::run::Run;

/// A flag's review as the report shows it: the verdict in the report's language, then the
/// analyst's comment (nothing for a flag nobody reviewed).
pub(super) fn flag_review(
    messages: &Messages,
    verdict: Option<&str>,
    comment: Option<&str>,
) -> String {
    let verdict = verdict
        .and_then(Verdict::parse)
        .unwrap_or(Verdict::NotReviewed);
    if verdict == Verdict::NotReviewed {
        return String::new();
    }
    let label = verdict_label(messages, verdict);
    match comment.map(str::trim).filter(|comment| !comment.is_empty()) {
        Some(comment) => format!("{label}: {comment}"),
        None => label.to_owned(),
    }
}

/// Why a flag does not count, when its family counts another (`None` when it counts): a
/// false positive left out of the score says so.
pub(super) fn not_counted_note<'a>(
    messages: &'a Messages,
    verdict: Option<&str>,
    config: &Config,
) -> &'a str {
    if config.score.exclude_false_positives
        && verdict.and_then(Verdict::parse) == Some(Verdict::FalsePositive)
    {
        messages.get("not_counted_false_positive")
    } else {
        messages.get("not_counted")
    }
}

/// A verdict's name in the report's language.
fn verdict_label(messages: &Messages, verdict: Verdict) -> &str {
    match verdict {
        Verdict::NotReviewed => messages.get("verdict_not_reviewed"),
        Verdict::Confirmed => messages.get("verdict_confirmed"),
        Verdict::FalsePositive => messages.get("verdict_false_positive"),
        Verdict::UnderReview => messages.get("verdict_under_review"),
    }
}

/// The card of the reviews: the raised flags reviewed, by verdict, those not yet reviewed,
/// and the reviewed flags no longer raised; none when the run was given no verdict.
pub(super) fn figures(run: &Run, config: &Config, messages: &Messages) -> Vec<Figure> {
    let tally = Tally::of(&run.scored.reviews);
    if tally.reviewed == 0 && tally.no_longer_raised == 0 {
        return Vec::new();
    }
    let raised = run.scored.flags.height();
    let figure = |key: &str, count: usize| Figure {
        label: messages.get(key).to_owned(),
        value: number(count as f64, 0),
    };
    let mut figures = vec![
        figure("reviews_reviewed", tally.reviewed),
        figure("verdict_confirmed", tally.confirmed),
        figure("verdict_false_positive", tally.false_positive),
        figure("verdict_under_review", tally.under_review),
        figure(
            "verdict_not_reviewed",
            raised.saturating_sub(tally.reviewed),
        ),
        figure("reviews_no_longer_raised", tally.no_longer_raised),
    ];
    figures[2].value = format!(
        "{} ({})",
        figures[2].value,
        messages.get(if config.score.exclude_false_positives {
            "reviews_excluded"
        } else {
            "reviews_included"
        })
    );
    figures
}
