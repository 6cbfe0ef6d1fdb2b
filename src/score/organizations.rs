//! Organization-level results: one row per flagged organization, their links to the
//! processes they reach, and the organizations' names.

use polars::prelude::*;

use super::IndicatorRun;
use super::flags::empty_table;
use crate::domain::{awarded, sorted_distinct};
use crate::evidence::Language;
use crate::frames::Frames;
use crate::indicators::{EVIDENCE, ORGANIZATION_ID, PROCESS, ROLE, VALUE};

/// The role as written in sentences.
fn role_name() -> Expr {
    when(col(ROLE).eq(lit("procuring_entity")))
        .then(lit("procuring entity"))
        .otherwise(col(ROLE))
}

/// The organization-level flags reaching each process: every flagged organization linked to
/// each process it is the buyer, procuring entity or a winner (supplier of an awarded award,
/// flagged as supplier or tenderer) of.
#[derive(Debug, Clone)]
pub struct Reaching {
    /// `process` and `position` (the result's row in the organizations table: registry
    /// order), sorted by process and position, each once. Two numbers a link: what a result
    /// says is in `labels`, once per result, not once per process it reaches.
    links: DataFrame,
    /// Per result (row of the organizations table): `indicator` and `organization` (`role
    /// name (id)`).
    labels: DataFrame,
}

impl Reaching {
    /// The links of the results of `organizations` (see [`organizations_table`]).
    pub(super) fn of(frames: &Frames, organizations: &DataFrame) -> PolarsResult<Reaching> {
        // How a process links to an organization, as a number: its buyer, its procuring
        // entity, one of its winners.
        const BUYER: u32 = 0;
        const PROCURING_ENTITY: u32 = 1;
        const WINNER: u32 = 2;
        const KEY: &str = "__link";
        // The organization's number and the link's packed in one integer, to join on.
        let key = || {
            col(ORGANIZATION_ID).to_physical().cast(DataType::UInt64) * lit(4u64)
                + col("link").cast(DataType::UInt64)
        };
        let link = |frame: &DataFrame, id: &str, code: u32| {
            frame.clone().lazy().select([
                col(PROCESS),
                col(id).alias(ORGANIZATION_ID),
                lit(code).cast(DataType::UInt32).alias("link"),
            ])
        };
        let winners = frames.awards.clone().lazy().filter(awarded()).select([
            col(PROCESS),
            col("supplier_id").alias(ORGANIZATION_ID),
            lit(WINNER).cast(DataType::UInt32).alias("link"),
        ]);
        let links = concat(
            [
                link(&frames.processes, "buyer_id", BUYER),
                link(&frames.processes, "procuring_entity_id", PROCURING_ENTITY),
                winners,
            ],
            UnionArgs::default(),
        )?
        .filter(col(ORGANIZATION_ID).is_not_null())
        .select([col(PROCESS), key().alias(KEY)]);
        let flagged = organizations
            .clone()
            .lazy()
            .with_row_index("position", None)
            .select([
                col("position"),
                col(ORGANIZATION_ID),
                when(
                    col(ROLE)
                        .eq(lit("supplier"))
                        .or(col(ROLE).eq(lit("tenderer"))),
                )
                .then(lit(WINNER).cast(DataType::UInt32))
                .when(col(ROLE).eq(lit("buyer")))
                .then(lit(BUYER).cast(DataType::UInt32))
                .when(col(ROLE).eq(lit("procuring_entity")))
                .then(lit(PROCURING_ENTITY).cast(DataType::UInt32))
                .otherwise(lit(NULL).cast(DataType::UInt32))
                .alias("link"),
                col("indicator"),
                col(ROLE),
                col("organization_name"),
            ])
            // An indicator may give one organization several results (one per flagged pair):
            // it reaches each process once, at its first result's position. (The role, the id
            // and the name are what the result's `organization` text is made of.)
            .group_by([
                col(ORGANIZATION_ID),
                col("link"),
                col("indicator"),
                col(ROLE),
                col("organization_name"),
            ])
            .agg([col("position").min()])
            // The organizations' ids numbered as the frames' are, to join on numbers.
            .with_column(col(ORGANIZATION_ID).cast(crate::frames::numbered_type()))
            .select([key().alias(KEY), col("position")]);
        // A position is one (organization, link): a process reached twice through it (the
        // winner of two awards) is kept once. Made distinct after the join, by a sort, not
        // before it by a hash table of the (process, organization, link) triples, which at
        // 1,000,000 generated processes raised the memory by about 700 MiB.
        let links = sorted_distinct(
            links
                .join(
                    flagged,
                    [col(KEY)],
                    [col(KEY)],
                    JoinArgs::new(JoinType::Inner),
                )
                .select([col(PROCESS), col("position")]),
            &[PROCESS, "position"],
        )
        .collect()?;
        let labels = organizations
            .clone()
            .lazy()
            .select([
                col("indicator"),
                concat_str(
                    [
                        role_name(),
                        lit(" "),
                        col("organization_name").fill_null(col(ORGANIZATION_ID)),
                        lit(" ("),
                        col(ORGANIZATION_ID),
                        lit(")"),
                    ],
                    "",
                    false,
                )
                .alias("organization"),
            ])
            .collect()?;
        Ok(Reaching { links, labels })
    }

    /// Each link, once, as (process, the result's row in the organizations table), in process
    /// and position order.
    pub(super) fn links(&self) -> PolarsResult<impl Iterator<Item = (u32, usize)> + '_> {
        let processes = self.links.column(PROCESS)?.u32()?;
        let positions = self.links.column("position")?.idx()?;
        Ok(processes
            .iter()
            .zip(positions.iter())
            .filter_map(|(process, position)| Some((process?, position? as usize))))
    }

    /// Each result's indicator, by its row in the organizations table.
    pub(super) fn indicators(&self) -> PolarsResult<&StringChunked> {
        self.labels.column("indicator")?.str()
    }

    /// Each organization-level flag reaching a process, once, in registry order, as
    /// (process, indicator, organization text: `role name (id)`).
    pub fn each(&self) -> PolarsResult<impl Iterator<Item = (u32, Option<&str>, Option<&str>)>> {
        let indicators = self.labels.column("indicator")?.str()?;
        let organizations = self.labels.column("organization")?.str()?;
        let processes = self.links.column(PROCESS)?.u32()?;
        let positions = self.links.column("position")?.idx()?;
        Ok(processes
            .iter()
            .zip(positions.iter())
            .filter_map(move |(process, position)| {
                let position = position? as usize;
                Some((
                    process?,
                    indicators.get(position),
                    organizations.get(position),
                ))
            }))
    }
}

/// Per process (its row is its key), the organization-level flags of its buyer, its procuring
/// entity and its winners, in registry order, as a list of `indicator: role name (id)`
/// labels (written joined with `; `); none when no flag reaches it.
///
/// The labels are numbered texts (categorical, a list of their own): each result's label is
/// held once, and a process holds four bytes per flag reaching it. (Each process's joined
/// text, numbered, held 149,503 distinct texts of 467 bytes on average at 300,000 generated
/// processes: about 230 MB at 1,000,000.)
pub(super) fn organization_flags(reaching: &Reaching, height: usize) -> PolarsResult<Column> {
    const FLAGS: &str = "organization_flags";
    let numbered = DataType::from_categories(Categories::new(
        FLAGS.into(),
        "redflags".into(),
        CategoricalPhysical::U32,
    ));
    let labels = reaching
        .labels
        .clone()
        .lazy()
        .select([concat_str(
            [col("indicator"), lit(": "), col("organization")],
            "",
            false,
        )
        .cast(numbered)
        .alias(FLAGS)])
        .collect()?;
    let positions = reaching.links.column("position")?.idx()?;
    let flags = labels.column(FLAGS)?.take(positions)?;
    let links = DataFrame::new(
        reaching.links.height(),
        vec![reaching.links.column(PROCESS)?.clone(), flags],
    )?;
    // The links are in process and position order, kept within each process's list; their
    // process keys, sorted by construction, are grouped in runs, not through a hash table.
    let lists = links
        .lazy()
        .filter(col(FLAGS).is_not_null())
        .group_by_stable([crate::domain::ascending(col(PROCESS))])
        .agg([col(FLAGS)])
        .collect()?;
    let [column] = <[Column; 1]>::try_from(super::terms::placed_by_key(&lists, height)?)
        .map_err(|_| polars_err!(ComputeError: "one column expected"))?;
    Ok(column)
}

/// Every organization's best-known name: the first name seen for its id, in process order.
fn organization_names(frames: &Frames) -> LazyFrame {
    let pairs = |frame: &DataFrame, id: &str, name: &str| {
        frame.clone().lazy().select([
            col(id).alias(ORGANIZATION_ID),
            col(name).alias("organization_name"),
        ])
    };
    let sources = vec![
        pairs(&frames.parties, "party_id", "name"),
        pairs(&frames.processes, "buyer_id", "buyer_name"),
        pairs(
            &frames.processes,
            "procuring_entity_id",
            "procuring_entity_name",
        ),
        pairs(&frames.awards, "supplier_id", "supplier_name"),
        pairs(&frames.bids, "tenderer_id", "tenderer_name"),
    ];
    concat(sources, UnionArgs::default())
        .map(|all| {
            all.filter(
                col(ORGANIZATION_ID)
                    .is_not_null()
                    .and(col("organization_name").is_not_null()),
            )
            .unique_stable_generic(Some(vec![col(ORGANIZATION_ID)]), UniqueKeepStrategy::First)
            // As texts, as the organization results hold them.
            .with_columns([
                col(ORGANIZATION_ID).cast(DataType::String),
                col("organization_name").cast(DataType::String),
            ])
        })
        .unwrap_or_else(|_| DataFrame::empty().lazy())
}

/// One row per organization-level result, sorted by indicator, role and organization, with
/// its evidence sentence in `language`.
pub fn organizations_table(
    frames: &Frames,
    runs: &[IndicatorRun],
    language: &Language,
) -> PolarsResult<DataFrame> {
    let parts: Vec<LazyFrame> = runs
        .iter()
        .enumerate()
        .filter(|(_, run)| run.outcome.organizations.height() > 0)
        .map(|(position, run)| {
            run.organizations_with_evidence(language).select([
                lit(position as u32).alias("position"),
                lit(run.slug).alias("indicator"),
                lit(run.code.unwrap_or("")).alias("code"),
                col(ROLE),
                col(ORGANIZATION_ID),
                col(VALUE).cast(DataType::Float64),
                col(EVIDENCE).cast(DataType::String),
            ])
        })
        .collect();
    let columns = [
        "indicator",
        "code",
        ROLE,
        ORGANIZATION_ID,
        "organization_name",
        VALUE,
        EVIDENCE,
    ];
    if parts.is_empty() {
        return empty_table(&columns);
    }
    concat(parts, UnionArgs::default())?
        .join(
            organization_names(frames),
            [col(ORGANIZATION_ID)],
            [col(ORGANIZATION_ID)],
            JoinArgs::new(JoinType::Left),
        )
        .sort(
            ["position", ROLE, ORGANIZATION_ID],
            SortMultipleOptions::default().with_maintain_order(true),
        )
        .select(columns.map(col))
        .collect()
}
