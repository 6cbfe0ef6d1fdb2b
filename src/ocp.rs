//! The Open Contracting Partnership's red-flags list (R001–R073): each flag's title, the OCDS
//! fields it needs, and what redflags does with it, from `indicators/ocp.toml` (embedded).
//!
//! The fields a flag needs are a [`Rule`] over the paths of a compiled release; a process's
//! present paths are a [`Present`] set (one bit per path any rule names), so that deciding
//! whether a flag can assess a process costs a few bit tests.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Deserialize;

use crate::indicators::{self, REGISTRY};

/// The catalogue file, embedded.
const SOURCE: &str = include_str!("../indicators/ocp.toml");

/// How many paths the rules may name: one bit each in a [`Present`].
pub const MAX_PATHS: usize = 128;

/// The paths of a process that hold a value, as bits indexed by [`Catalogue::paths`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Present(pub u128);

impl Present {
    /// Whether the path of index `path` is present.
    pub fn has(self, path: usize) -> bool {
        self.0 >> path & 1 == 1
    }

    /// The set with the path of index `path` present too.
    pub fn with(self, path: usize) -> Present {
        Present(self.0 | 1 << path)
    }
}

/// The fields a flag needs: paths (by index into [`Catalogue::paths`]), all or any of rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rule {
    /// A path that must hold a value.
    Path(usize),
    /// Every one of these.
    All(Vec<Rule>),
    /// At least one of these.
    Any(Vec<Rule>),
}

impl Rule {
    /// Whether a process with these present paths meets the rule.
    pub fn holds(&self, present: Present) -> bool {
        match self {
            Rule::Path(path) => present.has(*path),
            Rule::All(rules) => rules.iter().all(|rule| rule.holds(present)),
            Rule::Any(rules) => rules.iter().any(|rule| rule.holds(present)),
        }
    }

    /// The paths it names, each once, in the order first named.
    pub fn paths(&self) -> Vec<usize> {
        let mut out = Vec::new();
        self.collect_paths(&mut out);
        out
    }

    fn collect_paths(&self, out: &mut Vec<usize>) {
        match self {
            Rule::Path(path) => {
                if !out.contains(path) {
                    out.push(*path);
                }
            }
            Rule::All(rules) | Rule::Any(rules) => {
                for rule in rules {
                    rule.collect_paths(out);
                }
            }
        }
    }
}

/// What redflags does with a flag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// These indicators compute it.
    Implemented(Vec<&'static str>),
    /// These indicators measure something close to it, not yet by OCP's method.
    Related(Vec<&'static str>),
    /// It needs this list, which OCDS does not carry, from the user.
    NeedsList(String),
    /// No data a batch run can read shows it, for this reason.
    NotComputable(String),
    /// OCDS data can show it; not computed yet.
    Planned,
}

impl Status {
    /// The status's name, as the catalogue file and the outputs write it.
    pub fn name(&self) -> &'static str {
        match self {
            Status::Implemented(_) => "implemented",
            Status::Related(_) => "related",
            Status::NeedsList(_) => "needs_list",
            Status::NotComputable(_) => "not_computable",
            Status::Planned => "planned",
        }
    }

    /// The indicators it names (those that compute it, or something close to it).
    pub fn indicators(&self) -> &[&'static str] {
        match self {
            Status::Implemented(slugs) | Status::Related(slugs) => slugs,
            _ => &[],
        }
    }

    /// What redflags does with it, in a phrase: `single_bid`, `close to: benford`, `needs a
    /// debarment or sanctions list`, `not computable: ...`, `not yet`.
    pub fn describe(&self) -> String {
        match self {
            Status::Implemented(slugs) => slugs.join(", "),
            Status::Related(slugs) => format!("close to: {}", slugs.join(", ")),
            Status::NeedsList(list) => format!("needs {list}"),
            Status::NotComputable(reason) => format!("not computable: {reason}"),
            Status::Planned => "not yet".to_owned(),
        }
    }
}

/// One flag of the list.
#[derive(Debug, Clone)]
pub struct Flag {
    /// Its code (`R018`).
    pub code: String,
    /// Its title on OCP's list.
    pub title: String,
    /// The fields it needs.
    pub needs: Rule,
    /// The rule as written in the catalogue file.
    pub needs_text: String,
    /// What redflags does with it.
    pub status: Status,
}

/// The whole list, and the paths its rules name.
#[derive(Debug, Clone)]
pub struct Catalogue {
    /// Every path a rule names, slash-separated (`tender/tenderPeriod/endDate`); a rule's
    /// [`Rule::Path`] indexes this list.
    pub paths: Vec<String>,
    /// The flags, in code order.
    pub flags: Vec<Flag>,
}

/// The catalogue file's shape.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    rules: BTreeMap<String, String>,
    flag: Vec<FlagEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FlagEntry {
    code: String,
    title: String,
    needs: String,
    status: String,
    #[serde(default)]
    by: Vec<String>,
    list: Option<String>,
    reason: Option<String>,
}

/// The catalogue, read once from the embedded file.
pub fn catalogue() -> &'static Catalogue {
    static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
    CATALOGUE.get_or_init(|| match parse(SOURCE) {
        Ok(catalogue) => catalogue,
        // The file is part of the binary and a unit test reads it: this cannot happen in a
        // released build.
        Err(message) => panic!("indicators/ocp.toml: {message}"),
    })
}

/// Reads a catalogue file.
pub fn parse(source: &str) -> Result<Catalogue, String> {
    let file: File = toml::from_str(source).map_err(|error| error.to_string())?;
    let mut parser = Parser {
        rules: &file.rules,
        paths: Vec::new(),
        depth: 0,
    };
    let mut flags = Vec::with_capacity(file.flag.len());
    for entry in file.flag {
        let needs = parser
            .parse(&entry.needs)
            .map_err(|message| format!("{}: needs: {message}", entry.code))?;
        let status = status(&entry).map_err(|message| format!("{}: {message}", entry.code))?;
        flags.push(Flag {
            code: entry.code,
            title: entry.title,
            needs,
            needs_text: entry.needs,
            status,
        });
    }
    if parser.paths.len() > MAX_PATHS {
        return Err(format!(
            "the rules name {} paths, more than {MAX_PATHS}",
            parser.paths.len()
        ));
    }
    Ok(Catalogue {
        paths: parser.paths,
        flags,
    })
}

fn status(entry: &FlagEntry) -> Result<Status, String> {
    let slugs = || -> Result<Vec<&'static str>, String> {
        if entry.by.is_empty() {
            return Err(format!("status {:?} needs `by`", entry.status));
        }
        entry
            .by
            .iter()
            .map(|slug| {
                indicators::find(slug)
                    .map(|indicator| indicator.metadata().slug)
                    .ok_or_else(|| format!("no indicator {slug:?}"))
            })
            .collect()
    };
    let text = |value: &Option<String>, key: &str| {
        value
            .clone()
            .ok_or_else(|| format!("status {:?} needs `{key}`", entry.status))
    };
    Ok(match entry.status.as_str() {
        "implemented" => Status::Implemented(slugs()?),
        "related" => Status::Related(slugs()?),
        "needs_list" => Status::NeedsList(text(&entry.list, "list")?),
        "not_computable" => Status::NotComputable(text(&entry.reason, "reason")?),
        "planned" => Status::Planned,
        other => return Err(format!("unknown status {other:?}")),
    })
}

/// Reads rules: `a & (b | @name)`.
struct Parser<'a> {
    rules: &'a BTreeMap<String, String>,
    paths: Vec<String>,
    /// How deep in named rules, against a rule that names itself.
    depth: usize,
}

impl Parser<'_> {
    fn parse(&mut self, text: &str) -> Result<Rule, String> {
        let tokens = tokens(text);
        let mut at = 0;
        let rule = self.any(&tokens, &mut at)?;
        match tokens.get(at) {
            None => Ok(rule),
            Some(token) => Err(format!("unexpected {token:?}")),
        }
    }

    fn any(&mut self, tokens: &[&str], at: &mut usize) -> Result<Rule, String> {
        let mut rules = vec![self.all(tokens, at)?];
        while tokens.get(*at) == Some(&"|") {
            *at += 1;
            rules.push(self.all(tokens, at)?);
        }
        Ok(one_or(rules, Rule::Any))
    }

    fn all(&mut self, tokens: &[&str], at: &mut usize) -> Result<Rule, String> {
        let mut rules = vec![self.atom(tokens, at)?];
        while tokens.get(*at) == Some(&"&") {
            *at += 1;
            rules.push(self.atom(tokens, at)?);
        }
        Ok(one_or(rules, Rule::All))
    }

    fn atom(&mut self, tokens: &[&str], at: &mut usize) -> Result<Rule, String> {
        let token = *tokens.get(*at).ok_or("a path expected at the end")?;
        *at += 1;
        match token {
            "(" => {
                let rule = self.any(tokens, at)?;
                if tokens.get(*at) != Some(&")") {
                    return Err("`)` expected".to_owned());
                }
                *at += 1;
                Ok(rule)
            }
            "&" | "|" | ")" => Err(format!("a path expected before {token:?}")),
            name if name.starts_with('@') => {
                let text = self
                    .rules
                    .get(&name[1..])
                    .ok_or_else(|| format!("no rule {name:?} in [rules]"))?;
                if self.depth > 8 {
                    return Err(format!("rule {name:?} names itself"));
                }
                self.depth += 1;
                let rule = self.parse(text);
                self.depth -= 1;
                rule
            }
            path => {
                let index = match self.paths.iter().position(|known| known == path) {
                    Some(index) => index,
                    None => {
                        self.paths.push(path.to_owned());
                        self.paths.len() - 1
                    }
                };
                Ok(Rule::Path(index))
            }
        }
    }
}

/// The rule itself when alone, else `make` of the rules.
fn one_or(mut rules: Vec<Rule>, make: fn(Vec<Rule>) -> Rule) -> Rule {
    if rules.len() == 1 {
        rules.remove(0)
    } else {
        make(rules)
    }
}

/// A rule's tokens: `(`, `)`, `&`, `|`, and paths or `@names` between them.
fn tokens(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = None;
    for (index, character) in text.char_indices() {
        let special = matches!(character, '(' | ')' | '&' | '|');
        if special || character.is_whitespace() {
            if let Some(from) = start.take() {
                out.push(&text[from..index]);
            }
            if special {
                out.push(&text[index..index + 1]);
            }
        } else if start.is_none() {
            start = Some(index);
        }
    }
    if let Some(from) = start {
        out.push(&text[from..]);
    }
    out
}

/// The codes each indicator of the registry computes or is close to, by slug.
pub fn codes_of(slug: &str) -> Vec<&'static str> {
    catalogue()
        .flags
        .iter()
        .filter(|flag| flag.status.indicators().contains(&slug))
        .map(|flag| flag.code.as_str())
        .collect()
}

/// Whether every indicator that names an OCP code in its metadata is listed under that code
/// as implementing it: the catalogue and the registry agree.
pub fn registry_agrees() -> Result<(), String> {
    for indicator in REGISTRY {
        let metadata = indicator.metadata();
        let Some(code) = metadata.code else { continue };
        let flag = catalogue()
            .flags
            .iter()
            .find(|flag| flag.code == code)
            .ok_or_else(|| format!("{}: code {code} is not on the list", metadata.slug))?;
        if !matches!(&flag.status, Status::Implemented(slugs) if slugs.contains(&metadata.slug)) {
            return Err(format!(
                "{code} does not list {} as implementing it",
                metadata.slug
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_list_has_every_code_once_in_order() {
        let catalogue = catalogue();
        let codes: Vec<&str> = catalogue.flags.iter().map(|f| f.code.as_str()).collect();
        let expected: Vec<String> = (1..=73).map(|n| format!("R{n:03}")).collect();
        assert_eq!(codes, expected);
        assert!(catalogue.paths.len() <= MAX_PATHS);
        assert!(
            catalogue
                .paths
                .iter()
                .all(|p| !p.contains(' ') && !p.is_empty())
        );
        registry_agrees().unwrap();
    }

    #[test]
    fn the_readme_lists_every_code_that_cannot_be_computed_from_ocds_alone() {
        let readme = include_str!("../README.md");
        for flag in &catalogue().flags {
            let listed = readme.contains(&format!("| {} | {} |", flag.code, flag.title));
            let outside = matches!(flag.status, Status::NeedsList(_) | Status::NotComputable(_));
            assert_eq!(listed, outside, "{} in README.md", flag.code);
        }
    }

    #[test]
    fn rules_read_and_hold_as_written() {
        let catalogue = parse(
            r#"
            [rules]
            buyer = "buyer/id | parties/id & parties/roles"
            [[flag]]
            code = "R900"
            title = "t"
            needs = "tender/procurementMethod & @buyer & (a | b & c)"
            status = "planned"
            "#,
        )
        .unwrap();
        let index = |path: &str| catalogue.paths.iter().position(|p| p == path).unwrap();
        let rule = &catalogue.flags[0].needs;
        let set = |paths: &[&str]| {
            paths
                .iter()
                .fold(Present::default(), |set, path| set.with(index(path)))
        };
        assert!(rule.holds(set(&["tender/procurementMethod", "buyer/id", "a"])));
        assert!(rule.holds(set(&[
            "tender/procurementMethod",
            "parties/id",
            "parties/roles",
            "b",
            "c"
        ])));
        // `&` binds tighter than `|`: `b` alone is not `b & c`.
        assert!(!rule.holds(set(&["tender/procurementMethod", "buyer/id", "b"])));
        assert!(!rule.holds(set(&["tender/procurementMethod", "parties/id", "a"])));
        assert!(!rule.holds(set(&["buyer/id", "a"])));
        assert_eq!(rule.paths().len(), 7);
    }

    #[test]
    fn bad_rules_and_statuses_are_named() {
        let flag = |needs: &str, status: &str| {
            format!(
                "[rules]\nx = \"@x\"\n[[flag]]\ncode = \"R900\"\ntitle = \"t\"\nneeds = \"{needs}\"\n{status}\n"
            )
        };
        let error = |text: String| parse(&text).unwrap_err();
        assert!(error(flag("a &", "status = \"planned\"")).contains("R900: needs"));
        assert!(error(flag("(a | b", "status = \"planned\"")).contains("`)` expected"));
        assert!(error(flag("@nothing", "status = \"planned\"")).contains("no rule \"@nothing\""));
        assert!(error(flag("@x", "status = \"planned\"")).contains("names itself"));
        assert!(error(flag("a", "status = \"implemented\"")).contains("needs `by`"));
        assert!(
            error(flag("a", "status = \"implemented\"\nby = [\"nope\"]"))
                .contains("no indicator \"nope\"")
        );
        assert!(error(flag("a", "status = \"done\"")).contains("unknown status"));
    }
}
