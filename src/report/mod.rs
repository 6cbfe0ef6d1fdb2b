//! The batch report: one self-contained HTML file (no network, no external scripts, fonts
//! or images; charts as inline SVG) and an Excel workbook, in English or Thai.
//!
//! Everything the report writes in words comes from the message catalogue (`locales/`);
//! data (names, titles, evidence) is shown as it is and escaped by the template engine
//! (minijinja escapes every value in an `.html` template).

mod changes;
mod charts;
pub mod format;
mod reviews;
mod warnings;
mod workbook;

use std::collections::{BTreeMap, BTreeSet};

use anyhow::Context;
use chrono::{Datelike, NaiveDate};
use minijinja::{Environment, Value};
use polars::prelude::*;
use serde::Serialize;

pub use format::{Calendar, Lang, Messages};

use crate::config::{Config, Weights};
use crate::evidence::Language;
use crate::indicators::PROCESS;
use crate::run::Run;
use charts::Chart;
use format::{money, number};

/// How the report is written.
#[derive(Debug, Clone)]
pub struct Options {
    /// The language.
    pub lang: Lang,
    /// The calendar (by default the language's: the Buddhist Era for Thai).
    pub calendar: Calendar,
    /// How many processes and organizations the ranking tables list.
    pub top: usize,
}

impl Options {
    /// The language and calendar of the evidence sentences.
    pub fn language(&self) -> Language {
        Language::new(self.lang, self.calendar)
    }

    /// The options for a language, with its usual calendar unless one is given.
    pub fn new(lang: Lang, calendar: Option<Calendar>, top: usize) -> Options {
        Options {
            lang,
            calendar: calendar.unwrap_or(lang.default_calendar()),
            top: top.max(1),
        }
    }
}

/// A column's text values (numbers and dates are formatted by the caller).
fn texts(frame: &DataFrame, name: &str) -> PolarsResult<Vec<Option<String>>> {
    let column = frame.column(name)?.cast(&DataType::String)?;
    Ok(column
        .str()?
        .iter()
        .map(|value| value.map(str::to_owned))
        .collect())
}

fn decimals(frame: &DataFrame, name: &str) -> PolarsResult<Vec<Option<f64>>> {
    let column = frame.column(name)?.cast(&DataType::Float64)?;
    Ok(column.f64()?.iter().collect())
}

fn dates(frame: &DataFrame, name: &str) -> PolarsResult<Vec<Option<NaiveDate>>> {
    let column = frame.column(name)?.cast(&DataType::Date)?;
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
    Ok(column
        .date()?
        .physical()
        .iter()
        .map(|days| {
            days.and_then(|days| epoch.checked_add_signed(chrono::Duration::days(i64::from(days))))
        })
        .collect())
}

/// A labelled figure of the overview.
#[derive(Serialize)]
struct Figure {
    label: String,
    value: String,
}

/// One flag of a listed process.
#[derive(Serialize, Clone)]
struct FlagRow {
    indicator: String,
    level: String,
    /// Its strength in the score, and whether its family counted a stronger flag instead.
    strength: String,
    evidence: String,
    /// The analyst's verdict and comment (empty when not reviewed).
    review: String,
}

/// One listed contracting process.
#[derive(Serialize, Clone)]
struct ProcessRow {
    anchor: String,
    rank: String,
    ocid: String,
    title: String,
    buyer: String,
    suppliers: String,
    method: String,
    date: String,
    score: String,
    completeness: String,
    value: String,
    value_at_risk: String,
    flag_names: String,
    flags: Vec<FlagRow>,
}

/// One listed organization.
#[derive(Serialize)]
struct OrganizationRow {
    anchor: String,
    id: String,
    name: String,
    processes: String,
    flagged_processes: String,
    mean_score: String,
    max_score: String,
    value_at_risk: String,
    top_reasons: String,
    organization_flags: Vec<String>,
}

/// One indicator's line in the support table and the methodology.
#[derive(Serialize)]
struct IndicatorRow {
    slug: String,
    code: String,
    title: String,
    group: String,
    phase: String,
    assessable: String,
    share_assessable: String,
    share_number: f64,
    flagged: String,
    share_flagged: String,
    weight: String,
    page: Value,
}

/// One code of OCP's red-flags list in the methodology: what the run did with it.
#[derive(Serialize)]
struct OcpRow {
    code: String,
    title: String,
    /// What redflags does with it, in the report's language.
    status: String,
    /// The run's indicators that compute it (or something close to it): slug and title.
    indicators: Vec<(String, String)>,
    /// The largest share of processes those indicators could assess in this run.
    share_assessable: String,
}

/// The methodology's table of OCP's 73 codes, from the catalogue and the run's indicators.
fn ocp_rows(indicators: &[IndicatorRow], messages: &Messages) -> Vec<OcpRow> {
    crate::ocp::catalogue()
        .flags
        .iter()
        .map(|flag| {
            let ran: Vec<&IndicatorRow> = flag
                .status
                .indicators()
                .iter()
                .filter_map(|slug| indicators.iter().find(|row| row.slug == *slug))
                .collect();
            let best = ran
                .iter()
                .max_by(|a, b| a.share_number.total_cmp(&b.share_number));
            // Computed by indicators that did not run for want of the list they read.
            let needs_list = ran.is_empty()
                && flag.status.indicators().iter().any(|slug| {
                    crate::indicators::find(slug).is_some_and(|i| i.metadata().list.is_some())
                });
            let status = if needs_list {
                "needs_list"
            } else {
                flag.status.name()
            };
            OcpRow {
                code: flag.code.clone(),
                title: flag.title.clone(),
                status: messages
                    .text
                    .get(&format!("ocp_{status}"))
                    .cloned()
                    .unwrap_or_default(),
                indicators: ran
                    .iter()
                    .map(|row| (row.slug.clone(), row.title.clone()))
                    .collect(),
                share_assessable: best
                    .map_or_else(|| "–".to_owned(), |row| row.share_assessable.clone()),
            }
        })
        .collect()
}

/// The processes of the run, with what the report reads of each.
struct Processes {
    ocid: Vec<Option<String>>,
    title: Vec<Option<String>>,
    buyer: Vec<Option<String>>,
    suppliers: Vec<Option<String>>,
    method: Vec<Option<String>>,
    details: Vec<Option<String>>,
    date: Vec<Option<NaiveDate>>,
    score: Vec<Option<f64>>,
    completeness: Vec<Option<f64>>,
    value: Vec<Option<f64>>,
    currency: Vec<Option<String>>,
    value_at_risk: Vec<Option<f64>>,
    rank_score: Vec<Option<f64>>,
    rank_value: Vec<Option<f64>>,
    flags: Vec<Option<String>>,
    flag_count: Vec<Option<f64>>,
}

impl Processes {
    fn of(contracts: &DataFrame) -> PolarsResult<Processes> {
        let tender = dates(contracts, "tender_start")?;
        let award = dates(contracts, "award_date")?;
        Ok(Processes {
            ocid: texts(contracts, "ocid")?,
            title: texts(contracts, "title")?,
            buyer: texts(contracts, "buyer_name")?
                .into_iter()
                .zip(texts(contracts, "buyer_id")?)
                .map(|(name, id)| name.or(id))
                .collect(),
            suppliers: texts(contracts, "suppliers")?,
            method: texts(contracts, "procurement_method")?,
            details: texts(contracts, "procurement_method_details")?,
            date: tender
                .into_iter()
                .zip(award)
                .map(|(t, a)| t.or(a))
                .collect(),
            score: decimals(contracts, "risk_score")?,
            completeness: decimals(contracts, "data_completeness")?,
            value: decimals(contracts, "value_amount")?,
            currency: texts(contracts, "value_currency")?,
            value_at_risk: decimals(contracts, "value_at_risk")?,
            rank_score: decimals(contracts, "rank_score")?,
            rank_value: decimals(contracts, "rank_value_at_risk")?,
            flags: texts(contracts, "flags")?,
            flag_count: decimals(contracts, "flag_count")?,
        })
    }

    fn len(&self) -> usize {
        self.ocid.len()
    }

    /// The currency of most processes (ties: alphabetical).
    fn main_currency(&self) -> Option<String> {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for currency in self.currency.iter().flatten() {
            *counts.entry(currency).or_default() += 1;
        }
        counts
            .into_iter()
            .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(a.0)))
            .map(|(currency, _)| currency.to_owned())
    }
}

fn text(value: &Option<String>) -> String {
    value.clone().unwrap_or_default()
}

fn score_text(value: Option<f64>) -> String {
    value
        .map(|v| number(v, 2))
        .unwrap_or_else(|| "–".to_owned())
}

/// Writes the Excel workbook of a run.
pub fn xlsx(
    run: &Run,
    config: &Config,
    options: &Options,
    path: &std::path::Path,
) -> anyhow::Result<()> {
    let run = run.in_language(&options.language(), config)?;
    workbook::workbook(
        &run,
        config,
        &Messages::new(options.lang, options.calendar),
        path,
    )
}

/// Renders the HTML report of a run.
pub fn html(run: &Run, config: &Config, options: &Options) -> anyhow::Result<String> {
    let messages = Messages::new(options.lang, options.calendar);
    let run = &*run.in_language(&options.language(), config)?;
    let contracts = &run.scored.contracts;
    let processes = Processes::of(contracts)?;
    let main_currency = processes.main_currency().unwrap_or_default();

    // The flags of every process, in the flags table's order.
    let flags_frame = &run.scored.flags;
    let mut flags_by_ocid: BTreeMap<String, Vec<FlagRow>> = BTreeMap::new();
    let counted: Vec<Option<bool>> = flags_frame.column("counted")?.bool()?.iter().collect();
    let verdicts = texts(flags_frame, "verdict")?;
    let comments = texts(flags_frame, "comment")?;
    for (row, (((ocid, indicator), (level, evidence)), (weight, counted))) in
        texts(flags_frame, "ocid")?
            .into_iter()
            .zip(texts(flags_frame, "indicator")?)
            .zip(
                texts(flags_frame, "level")?
                    .into_iter()
                    .zip(texts(flags_frame, "evidence")?),
            )
            .zip(decimals(flags_frame, "weight")?.into_iter().zip(counted))
            .enumerate()
    {
        let indicator = text(&indicator);
        let verdict = verdicts[row].as_deref();
        let mut strength = weight.map(|w| number(w, 2)).unwrap_or_default();
        if counted == Some(false) {
            let note = reviews::not_counted_note(&messages, verdict, config);
            strength.push_str(&format!(" ({note})"));
        }
        flags_by_ocid.entry(text(&ocid)).or_default().push(FlagRow {
            indicator: messages.indicator(&indicator).to_owned(),
            level: messages.level(&text(&level)).to_owned(),
            strength,
            evidence: text(&evidence),
            review: reviews::flag_review(&messages, verdict, comments[row].as_deref()),
        });
    }

    // The organization-level flags reaching each process: the organization term's evidence.
    for (key, indicator, organization) in run.scored.organization_flags.each()? {
        // A process's key is its row in `contracts`.
        let ocid = processes.ocid.get(key as usize).cloned().flatten();
        flags_by_ocid.entry(text(&ocid)).or_default().push(FlagRow {
            indicator: messages.indicator(indicator.unwrap_or_default()).to_owned(),
            level: messages.level("organization").to_owned(),
            strength: String::new(),
            evidence: organization.unwrap_or_default().to_owned(),
            review: String::new(),
        });
    }

    // The ranking tables: by score, and by value at risk in the main currency.
    let mut by_score: Vec<(f64, usize)> = processes
        .rank_score
        .iter()
        .enumerate()
        .filter_map(|(row, rank)| rank.filter(|r| *r <= options.top as f64).map(|r| (r, row)))
        .collect();
    by_score.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut by_value: Vec<(f64, usize)> = processes
        .rank_value
        .iter()
        .enumerate()
        .filter(|(row, _)| processes.currency[*row].as_deref() == Some(main_currency.as_str()))
        .filter_map(|(row, rank)| rank.filter(|r| *r <= options.top as f64).map(|r| (r, row)))
        .collect();
    by_value.sort_by(|a, b| a.0.total_cmp(&b.0));
    let listed: BTreeSet<usize> = by_score
        .iter()
        .chain(&by_value)
        .map(|(_, row)| *row)
        .collect();
    let anchors: BTreeMap<usize, String> = listed
        .iter()
        .enumerate()
        .map(|(i, row)| (*row, format!("p{}", i + 1)))
        .collect();
    let process_row = |rank: f64, row: usize| -> ProcessRow {
        let ocid = text(&processes.ocid[row]);
        let currency = text(&processes.currency[row]);
        let method = match (&processes.method[row], &processes.details[row]) {
            (Some(method), Some(details)) if method != details => format!("{method} ({details})"),
            (Some(method), _) => method.clone(),
            (None, details) => text(details),
        };
        ProcessRow {
            anchor: anchors.get(&row).cloned().unwrap_or_default(),
            rank: number(rank, 0),
            title: text(&processes.title[row]),
            buyer: text(&processes.buyer[row]),
            suppliers: text(&processes.suppliers[row]),
            method,
            date: processes.date[row]
                .map(|d| messages.date(d))
                .unwrap_or_default(),
            score: score_text(processes.score[row]),
            completeness: processes.completeness[row]
                .map(|v| format!("{}%", number(v, 0)))
                .unwrap_or_default(),
            value: processes.value[row]
                .map(|v| money(v, &currency))
                .unwrap_or_default(),
            value_at_risk: processes.value_at_risk[row]
                .map(|v| money(v, &currency))
                .unwrap_or_default(),
            flag_names: text(&processes.flags[row]),
            flags: flags_by_ocid.get(&ocid).cloned().unwrap_or_default(),
            ocid,
        }
    };
    let top_by_score: Vec<ProcessRow> = by_score
        .iter()
        .map(|(r, row)| process_row(*r, *row))
        .collect();
    let top_by_value: Vec<ProcessRow> = by_value
        .iter()
        .map(|(r, row)| process_row(*r, *row))
        .collect();
    let details: Vec<ProcessRow> = listed.iter().map(|row| process_row(0.0, *row)).collect();

    let details_anchors: BTreeMap<String, String> = anchors
        .iter()
        .map(|(row, anchor)| (text(&processes.ocid[*row]), anchor.clone()))
        .collect();
    let changes = run
        .changes
        .as_ref()
        .map(|changes| {
            changes::section(changes, &messages, options.top, &|ocid| {
                details_anchors.get(ocid).cloned()
            })
        })
        .transpose()?;
    let overview = overview(run, &processes, &messages);
    let indicators = indicator_rows(run, &messages)?;
    let ocp = ocp_rows(&indicators, &messages);
    let warnings = warnings::rows(&run.warnings, &messages);
    let review_figures = reviews::figures(run, config, &messages);
    let charts = charts(run, &processes, &main_currency, &messages)?;
    let translator = crate::sentences::Translator::new(options.language());
    let buyers = organization_rows(&run.profiles.buyers, "buyer", "b", options.top, &translator)?;
    let suppliers = organization_rows(
        &run.profiles.suppliers,
        "supplier",
        "s",
        options.top,
        &translator,
    )?;

    let mut rejected: BTreeMap<&str, usize> = BTreeMap::new();
    for rejection in &run.rejected {
        *rejected.entry(rejection.reason.as_str()).or_default() += 1;
    }
    let mut rejected: Vec<(&str, usize)> = rejected.into_iter().collect();
    rejected.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let rejected: Vec<Figure> = rejected
        .into_iter()
        .map(|(reason, count)| Figure {
            label: reason.to_owned(),
            value: number(count as f64, 0),
        })
        .collect();

    let weights: Vec<Figure> = run
        .scored
        .terms
        .iter()
        .zip(&run.scored.weights)
        .map(|(term, weight)| Figure {
            label: format!(
                "{} ({})",
                messages.indicator(term.indicator),
                messages.level(term.level())
            ),
            value: number(*weight, 4),
        })
        .collect();
    let settings = serde_json::to_string_pretty(&config.effective())?;

    let mut environment = Environment::new();
    environment
        .add_template("report.html", include_str!("../../templates/report.html"))
        .context("the report template")?;
    let template = environment.get_template("report.html")?;
    let t: BTreeMap<&str, &str> = messages
        .text
        .iter()
        .map(|(key, message)| (key.as_str(), message.as_str()))
        .collect();
    let html = template.render(minijinja::context! {
        t => data(&t),
        lang => data(messages.lang),
        buddhist => options.calendar == Calendar::Buddhist,
        changes => data(&changes),
        overview => data(&overview),
        rejected => data(&rejected),
        indicators => data(&indicators),
        ocp => data(&ocp),
        warnings => data(&warnings),
        reviews => data(&review_figures),
        charts => data(&charts),
        main_currency,
        top_by_score => data(&top_by_score),
        top_by_value => data(&top_by_value),
        details => data(&details),
        buyers => data(&buyers),
        suppliers => data(&suppliers),
        weights => data(&weights),
        weights_validated => run.scored.weights_source == Weights::Validated,
        settings,
        version => env!("CARGO_PKG_VERSION"),
        style => Value::from_safe_string(include_str!("../../templates/report.css").to_owned()),
    })?;
    Ok(html)
}

/// A serializable value for the template.
fn data<T: Serialize>(value: T) -> Value {
    Value::from(minijinja::value::Serde(value))
}

/// The overview's figures.
fn overview(run: &Run, processes: &Processes, messages: &Messages) -> Vec<Figure> {
    let publishers = publishers(processes.ocid.iter().flatten(), messages);
    let dates: Vec<NaiveDate> = processes.date.iter().flatten().copied().collect();
    let period = match (dates.iter().min(), dates.iter().max()) {
        (Some(first), Some(last)) => format!(
            "{} {} {}",
            messages.date(*first),
            messages.get("period_to"),
            messages.date(*last)
        ),
        _ => messages.get("none").to_owned(),
    };
    let mut values: BTreeMap<String, f64> = BTreeMap::new();
    for (value, currency) in processes.value.iter().zip(&processes.currency) {
        if let (Some(value), Some(currency)) = (value, currency) {
            *values.entry(currency.clone()).or_default() += value;
        }
    }
    let scored = processes.score.iter().flatten().count();
    let with_flags = processes
        .flag_count
        .iter()
        .flatten()
        .filter(|count| **count > 0.0)
        .count();
    let figure = |key: &str, value: String| Figure {
        label: messages.get(key).to_owned(),
        value,
    };
    vec![
        figure("publishers", publishers),
        figure("period", period),
        figure("processes", number(processes.len() as f64, 0)),
        figure("scored", number(scored as f64, 0)),
        figure("not_scored", number((processes.len() - scored) as f64, 0)),
        figure("with_flags", number(with_flags as f64, 0)),
        figure(
            "total_value",
            values
                .iter()
                .map(|(currency, value)| money(*value, currency))
                .collect::<Vec<_>>()
                .join("; "),
        ),
        figure("sources", number(run.sources.len() as f64, 0)),
    ]
}

/// How many OCID prefixes the overview names; the others are counted together.
const PUBLISHERS_LISTED: usize = 10;

/// The publishers of the processes, by OCID prefix (`ocds-` and six letters or digits),
/// most processes first: `ocds-b5fd17 (412), other (35)`. Ocids without such a prefix are
/// counted under one "other" entry, and past the first few prefixes the rest are counted
/// together, so the list stays short whatever the data.
fn publishers<'a>(ocids: impl Iterator<Item = &'a String>, messages: &Messages) -> String {
    let mut prefixes: BTreeMap<&str, usize> = BTreeMap::new();
    let mut other = 0;
    for ocid in ocids {
        match ocid_prefix(ocid) {
            Some(prefix) => *prefixes.entry(prefix).or_default() += 1,
            None => other += 1,
        }
    }
    let mut prefixes: Vec<(&str, usize)> = prefixes.into_iter().collect();
    prefixes.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let count = |n: usize| number(n as f64, 0);
    let mut entries: Vec<String> = prefixes
        .iter()
        .take(PUBLISHERS_LISTED)
        .map(|(prefix, n)| format!("{prefix} ({})", count(*n)))
        .collect();
    let rest = &prefixes[prefixes.len().min(PUBLISHERS_LISTED)..];
    if !rest.is_empty() {
        let processes = rest.iter().map(|(_, n)| n).sum();
        let more = messages
            .get("publishers_more")
            .replace("{n}", &count(rest.len()));
        entries.push(format!("{more} ({})", count(processes)));
    }
    if other > 0 {
        entries.push(format!(
            "{} ({})",
            messages.get("publishers_other"),
            count(other)
        ));
    }
    if entries.is_empty() {
        return messages.get("none").to_owned();
    }
    entries.join(", ")
}

/// An ocid's registered prefix: `ocds-` and six letters or digits, before a `-`.
fn ocid_prefix(ocid: &str) -> Option<&str> {
    let prefix = ocid.get(..11)?;
    let code = prefix.strip_prefix("ocds-")?;
    let registered = code.bytes().all(|byte| byte.is_ascii_alphanumeric());
    (registered && ocid[11..].starts_with('-')).then_some(prefix)
}

/// Each indicator's support, counts, weight and catalogue page.
fn indicator_rows(run: &Run, messages: &Messages) -> anyhow::Result<Vec<IndicatorRow>> {
    let total = run.scored.contracts.height().max(1) as f64;
    let mut rows = Vec::new();
    for indicator in &run.indicators {
        let Some(metadata) = indicator.metadata() else {
            continue;
        };
        let weight = run.scored.weight_of(indicator.slug).unwrap_or(0.0);
        let assessable = indicator.assessable() as f64;
        let flagged = indicator.flagged() as f64;
        let mut page = String::new();
        pulldown_cmark::html::push_html(
            &mut page,
            pulldown_cmark::Parser::new_ext(metadata.page, pulldown_cmark::Options::ENABLE_TABLES),
        );
        rows.push(IndicatorRow {
            slug: metadata.slug.to_owned(),
            code: metadata.code.unwrap_or("").to_owned(),
            title: messages.indicator(metadata.slug).to_owned(),
            group: messages.group(indicator.group.name()).to_owned(),
            phase: messages.phase(metadata.phase.name()).to_owned(),
            assessable: number(assessable, 0),
            share_assessable: format!("{}%", number(100.0 * assessable / total, 1)),
            share_number: (100.0 * assessable / total).min(100.0),
            flagged: number(flagged, 0),
            share_flagged: if assessable > 0.0 {
                format!("{}%", number(100.0 * flagged / assessable, 1))
            } else {
                "–".to_owned()
            },
            weight: number(weight, 4),
            // The catalogue pages are the program's own Markdown, not data.
            page: Value::from_safe_string(page),
        });
    }
    Ok(rows)
}

/// The five charts.
fn charts(
    run: &Run,
    processes: &Processes,
    main_currency: &str,
    messages: &Messages,
) -> anyhow::Result<BTreeMap<&'static str, Chart>> {
    let mut out = BTreeMap::new();
    // Scores in bands of 10 (100 goes with 90–100).
    let mut bands = [0.0; 10];
    for score in processes.score.iter().flatten() {
        bands[((score / 10.0).floor() as usize).min(9)] += 1.0;
    }
    let bands: Vec<(String, f64)> = bands
        .iter()
        .enumerate()
        .map(|(i, count)| {
            let label = if i == 9 {
                "90–100".to_owned()
            } else {
                format!("{}–{}", i * 10, i * 10 + 9)
            };
            (label, *count)
        })
        .collect();
    out.insert("scores", charts::vertical(&bands, 0));
    // Flags per indicator, most first.
    let mut flags: Vec<(String, f64)> = run
        .indicators
        .iter()
        .map(|run| {
            (
                messages.indicator(run.slug).to_owned(),
                run.flagged() as f64,
            )
        })
        .filter(|(_, count)| *count > 0.0)
        .collect();
    flags.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    out.insert("flags", charts::horizontal(&flags, 0));
    // Mean score by month.
    let mut months: BTreeMap<(i32, u32), (f64, f64)> = BTreeMap::new();
    for (date, score) in processes.date.iter().zip(&processes.score) {
        if let (Some(date), Some(score)) = (date, score) {
            let entry = months.entry((date.year(), date.month())).or_default();
            entry.0 += score;
            entry.1 += 1.0;
        }
    }
    let months: Vec<(String, f64)> = months
        .into_iter()
        .map(|((year, month), (sum, count))| (messages.month(year, month), sum / count))
        .collect();
    out.insert("months", charts::vertical(&months, 1));
    // Value at risk by buyer, and flagged value by supplier, in the main currency.
    let top_value = |frame: &DataFrame,
                     id: &str,
                     name: &str,
                     measure: &str|
     -> anyhow::Result<Vec<(String, f64)>> {
        let ids = texts(frame, id)?;
        let names = texts(frame, name)?;
        let currencies = texts(frame, "currency")?;
        let values = decimals(frame, measure)?;
        let mut rows: Vec<(String, f64)> = ids
            .into_iter()
            .zip(names)
            .zip(currencies.into_iter().zip(values))
            .filter(|(_, (currency, _))| currency.as_deref() == Some(main_currency))
            .filter_map(|((id, name), (_, value))| Some((name.or(id)?, value?)))
            .filter(|(_, value)| *value > 0.0)
            .collect();
        rows.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        rows.truncate(10);
        Ok(rows)
    };
    out.insert(
        "buyers",
        charts::horizontal(
            &top_value(
                &run.profiles.buyers,
                "buyer_id",
                "buyer_name",
                "value_at_risk",
            )?,
            0,
        ),
    );
    out.insert(
        "suppliers",
        charts::horizontal(&flagged_value_by_supplier(run, main_currency)?, 0),
    );
    Ok(out)
}

/// The ten suppliers with the largest value of flagged processes won, in the main currency.
fn flagged_value_by_supplier(run: &Run, currency: &str) -> anyhow::Result<Vec<(String, f64)>> {
    let awards = run
        .frames
        .awards
        .clone()
        .lazy()
        .filter(crate::domain::awarded().and(col("supplier_id").is_not_null()))
        .select([col(PROCESS), col("supplier_id"), col("supplier_name")])
        .unique_stable_generic(
            Some(vec![col(PROCESS), col("supplier_id")]),
            UniqueKeepStrategy::First,
        );
    let frame = run
        .scored
        .keyed_contracts()
        .filter(
            col("flag_count")
                .gt(lit(0))
                .and(col("value_currency").eq(lit(currency))),
        )
        .select([col(PROCESS), col("value_amount")])
        // In process order, so that each supplier's values are summed in the same order
        // whatever the threads (the sum's last bits, and the chart, would change with it).
        .join(
            awards,
            [col(PROCESS)],
            [col(PROCESS)],
            JoinArgs {
                maintain_order: MaintainOrderJoin::Left,
                ..JoinArgs::new(JoinType::Inner)
            },
        )
        .group_by([col("supplier_id")])
        .agg([
            col("supplier_name").drop_nulls().first().alias("name"),
            col("value_amount").sum().alias("value"),
        ])
        .sort(
            ["value", "supplier_id"],
            SortMultipleOptions::default().with_order_descending_multi([true, false]),
        )
        .limit(10)
        .collect()?;
    let ids = texts(&frame, "supplier_id")?;
    let names = texts(&frame, "name")?;
    let values = decimals(&frame, "value")?;
    Ok(ids
        .into_iter()
        .zip(names)
        .zip(values)
        .filter_map(|((id, name), value)| Some((name.or(id)?, value?)))
        .filter(|(_, value)| *value > 0.0)
        .collect())
}

/// The first `top` organizations of a profile table (already riskiest first), their top
/// reasons in the report's language.
fn organization_rows(
    frame: &DataFrame,
    role: &str,
    prefix: &str,
    top: usize,
    translator: &crate::sentences::Translator,
) -> anyhow::Result<Vec<OrganizationRow>> {
    let frame = frame.head(Some(top));
    let ids = texts(&frame, &format!("{role}_id"))?;
    let names = texts(&frame, &format!("{role}_name"))?;
    let processes = decimals(&frame, "processes")?;
    let flagged = decimals(&frame, "flagged_processes")?;
    let mean = decimals(&frame, "mean_score")?;
    let max = decimals(&frame, "max_score")?;
    let currency = texts(&frame, "currency")?;
    let at_risk = decimals(&frame, "value_at_risk")?;
    let reasons = texts(&frame, "top_reasons")?;
    let flags = texts(&frame, "organization_flags")?;
    Ok((0..frame.height())
        .map(|i| OrganizationRow {
            anchor: format!("{prefix}{}", i + 1),
            id: text(&ids[i]),
            name: names[i]
                .clone()
                .or_else(|| ids[i].clone())
                .unwrap_or_default(),
            processes: processes[i].map(|v| number(v, 0)).unwrap_or_default(),
            flagged_processes: flagged[i].map(|v| number(v, 0)).unwrap_or_default(),
            mean_score: score_text(mean[i]),
            max_score: score_text(max[i]),
            value_at_risk: at_risk[i]
                .map(|v| money(v, currency[i].as_deref().unwrap_or("")))
                .unwrap_or_default(),
            top_reasons: text(&reasons[i])
                .split("; ")
                .map(|reason| translator.sentence(reason))
                .collect::<Vec<_>>()
                .join("; "),
            organization_flags: flags[i]
                .as_deref()
                .map(|all| all.split("; ").map(str::to_owned).collect())
                .unwrap_or_default(),
        })
        .collect())
}
