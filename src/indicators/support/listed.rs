//! Tenderers and suppliers matched to a list the user gave (see [`crate::lists`]): what the
//! indicators that read a list share.

use polars::prelude::*;

use crate::domain::Tables;
use crate::indicators::PROCESS;
use crate::lists::{self, KEY, MATCH};

/// Column: the organization's id in the process (numbered, as the frames hold it).
pub const ORG_ID: &str = "org_id";
/// Column: the organization's name in the process.
pub const ORG_NAME: &str = "org_name";
/// Column: the registered identifier its party gives (`parties.identifier.id`).
pub const IDENTIFIER: &str = "identifier";
/// Column: its role, `tenderer` or `supplier`.
pub const ROLE: &str = "org_role";
/// Column: the date it took part (see [`participants`]).
pub const CHECKED: &str = "checked";
/// Column: how it matched an entry, one of [`MATCHED_BY`].
pub const MATCHED: &str = "matched_by";
/// The ways an organization matches an entry, the surest first.
pub const MATCHED_BY: [&str; 3] = ["identifier", "id", "name"];

/// Each organization of `parts` once: the columns [`matched`] reads.
pub fn distinct_participants(parts: LazyFrame) -> LazyFrame {
    parts
        .select([col(ORG_ID), col(ORG_NAME), col(IDENTIFIER)])
        .unique_stable(None, UniqueKeepStrategy::First)
}

/// A join on the organizations' columns, missing values matching each other.
pub fn on_organization() -> JoinArgs {
    let mut args = JoinArgs::new(JoinType::Inner);
    args.nulls_equal = true;
    args
}

/// The organization's columns, to join on.
pub fn organization_columns() -> [Expr; 3] {
    [col(ORG_ID), col(ORG_NAME), col(IDENTIFIER)]
}

/// Every tenderer (of a bid) and supplier (of an award) of each process, with the date it
/// took part (its bid's or award's, else the tender's start, else the release's), and the
/// identifier its entry in `parties` gives.
pub fn participants(tables: &Tables) -> PolarsResult<LazyFrame> {
    let part = |frame: LazyFrame, id: &str, name: &str, role: &str| {
        frame
            .filter(col(id).is_not_null().or(col(name).is_not_null()))
            .select([
                col(PROCESS),
                col(id).alias(ORG_ID),
                col(name).cast(DataType::String).alias(ORG_NAME),
                lit(role).alias(ROLE),
                col("date"),
            ])
    };
    let parts = concat(
        [
            part(tables.bids(), "tenderer_id", "tenderer_name", "tenderer"),
            part(tables.awards(), "supplier_id", "supplier_name", "supplier"),
        ],
        UnionArgs::default(),
    )?;
    let identifiers = party_identifiers(tables);
    let dates = tables.processes().select([
        col(PROCESS),
        col("tender_start"),
        col("date").alias("released"),
    ]);
    Ok(parts
        .join(
            identifiers,
            [col(PROCESS), col(ORG_ID)],
            [col(PROCESS), col(ORG_ID)],
            JoinArgs::new(JoinType::Left),
        )
        .join(
            dates,
            [col(PROCESS)],
            [col(PROCESS)],
            JoinArgs::new(JoinType::Left),
        )
        .with_column(
            coalesce(&[col("date"), col("tender_start"), col("released")])
                .cast(DataType::Date)
                .alias(CHECKED),
        )
        .select([
            col(PROCESS),
            col(ORG_ID),
            col(ORG_NAME),
            col(IDENTIFIER),
            col(ROLE),
            col(CHECKED),
        ]))
}

/// The list's entries each distinct organization matches, by its surest way only (its
/// identifier's, else its id's, else its name's): the organization's columns, `matched_by`,
/// and the entry's columns, one row per entry.
pub fn matched(distinct: &DataFrame, list: &DataFrame) -> PolarsResult<DataFrame> {
    use std::collections::HashMap;
    let keys = list.column(KEY)?.str()?;
    let kinds = list.column(MATCH)?.str()?;
    let mut by_key: HashMap<(&str, &str), Vec<IdxSize>> = HashMap::new();
    for (row, (kind, key)) in kinds.iter().zip(keys.iter()).enumerate() {
        if let (Some(kind), Some(key)) = (kind, key) {
            by_key.entry((kind, key)).or_default().push(row as IdxSize);
        }
    }
    let ids = distinct.column(ORG_ID)?.cast(&DataType::String)?;
    let ids = ids.str()?;
    let names = distinct.column(ORG_NAME)?.str()?;
    let identifiers = distinct.column(IDENTIFIER)?.str()?;
    let (mut orgs, mut entries, mut ways) = (Vec::new(), Vec::new(), Vec::new());
    for row in 0..distinct.height() {
        let tries = [
            ("id", identifiers.get(row).map(lists::id_key)),
            ("id", ids.get(row).map(lists::id_key)),
            ("name", names.get(row).map(lists::name_key)),
        ];
        let found = tries.iter().zip(MATCHED_BY).find_map(|((kind, key), way)| {
            let key = key.as_deref().filter(|key| !key.is_empty())?;
            by_key.get(&(*kind, key)).map(|rows| (rows, way))
        });
        if let Some((rows, way)) = found {
            for entry in rows {
                orgs.push(row as IdxSize);
                entries.push(*entry);
                ways.push(way);
            }
        }
    }
    let orgs = IdxCa::from_vec("".into(), orgs);
    let entries = IdxCa::from_vec("".into(), entries);
    let mut out = distinct.take(&orgs)?;
    let carried: Vec<PlSmallStr> = list
        .get_column_names()
        .into_iter()
        .filter(|name| !matches!(name.as_str(), MATCH | KEY))
        .cloned()
        .collect();
    let entry = list.select(carried)?.take(&entries)?;
    out.hstack_mut(entry.columns())?;
    out.with_column(Column::new(MATCHED.into(), ways))?;
    Ok(out)
}

/// The per-process rows of an indicator that could not run for want of its list or of any value
/// of the fields it reads: none, with the evidence columns of these names and types.
pub fn not_run(tables: &Tables, evidence: &[(&str, DataType)]) -> crate::indicators::ProcessRows {
    super::process_rows(
        tables.processes().select([col(PROCESS)]).limit(0),
        lit(false),
        lit(NULL).cast(DataType::Float64),
        evidence
            .iter()
            .map(|(name, dtype)| lit(NULL).cast(dtype.clone()).alias(*name)),
    )
}

/// An organization's name as the evidence writes it: its name, else its id.
pub fn organization_name() -> Expr {
    col(ORG_NAME).fill_null(col(ORG_ID).cast(DataType::String))
}

/// The organization rows of `hits` (rows of [`participants`] with a process): each
/// organization with an id, in its role, with the processes it was flagged in.
pub fn organizations_of(ocids: LazyFrame, hits: LazyFrame) -> PolarsResult<LazyFrame> {
    use crate::indicators::ORGANIZATION_ID;
    let of_role = |role: &str| {
        super::organizations_with_ocids(
            ocids.clone(),
            hits.clone()
                .filter(col(ROLE).eq(lit(role)).and(col(ORG_ID).is_not_null()))
                .select([col(PROCESS), col(ORG_ID).alias(ORGANIZATION_ID)]),
            role,
        )
    };
    concat(
        [of_role("supplier"), of_role("tenderer")],
        UnionArgs::default(),
    )
}

/// What an indicator that reads a list gets to judge: the participants it looked for, the
/// processes in scope, their ocids, and the participants' entries found in the list (see
/// [`matched`]).
pub struct Found {
    /// The participants (see [`participants`]), of the role asked for.
    pub parts: LazyFrame,
    /// The processes in scope (`process`).
    pub processes: LazyFrame,
    /// Each process's ocid (see [`Tables::ocids`]).
    pub ocids: LazyFrame,
    /// Their entries in the list.
    pub entries: DataFrame,
}

/// The plan of an indicator that reads `list`: its participants of `role` (every one when
/// `None`) matched to the list's entries, then `judge`d. Without the list, no process (with
/// the evidence columns `evidence`).
pub fn plan_on_list(
    tables: &Tables,
    list: Option<&DataFrame>,
    role: Option<&str>,
    evidence: &[(&str, DataType)],
    judge: impl FnOnce(Found) -> PolarsResult<crate::indicators::LazyOutcome> + Send + 'static,
) -> PolarsResult<crate::indicators::Plan> {
    if list.is_none() {
        return crate::indicators::Plan::processes_only(not_run(tables, evidence));
    }
    let mut parts = participants(tables)?;
    if let Some(role) = role {
        parts = parts.filter(col(ROLE).eq(lit(role)));
    }
    plan_on_parts(tables, list, parts, evidence, judge)
}

/// The registered identifier each process's parties give (`process`, [`ORG_ID`],
/// [`IDENTIFIER`]), the first of a party given twice.
fn party_identifiers(tables: &Tables) -> LazyFrame {
    tables
        .parties()
        .filter(
            col("party_id")
                .is_not_null()
                .and(col("identifier_id").is_not_null()),
        )
        .select([
            col(PROCESS),
            col("party_id").alias(ORG_ID),
            col("identifier_id")
                .cast(DataType::String)
                .alias(IDENTIFIER),
        ])
        .unique_stable(Some(cols([PROCESS, ORG_ID])), UniqueKeepStrategy::First)
}

/// Each process's buyer as a participant (the columns of [`participants`], role `buyer`),
/// dated by the tender period's start, else the release's date.
pub fn buyers(tables: &Tables) -> LazyFrame {
    let identifiers = party_identifiers(tables);
    tables
        .processes()
        .filter(
            col("buyer_id")
                .is_not_null()
                .or(col("buyer_name").is_not_null()),
        )
        .select([
            col(PROCESS),
            col("buyer_id").alias(ORG_ID),
            col("buyer_name").cast(DataType::String).alias(ORG_NAME),
            lit("buyer").alias(ROLE),
            coalesce(&[col("tender_start"), col("date")])
                .cast(DataType::Date)
                .alias(CHECKED),
        ])
        .join(
            identifiers,
            [col(PROCESS), col(ORG_ID)],
            [col(PROCESS), col(ORG_ID)],
            JoinArgs::new(JoinType::Left),
        )
        .select([
            col(PROCESS),
            col(ORG_ID),
            col(ORG_NAME),
            col(IDENTIFIER),
            col(ROLE),
            col(CHECKED),
        ])
}

/// [`plan_on_list`] for the organizations of `parts` (the columns of [`participants`]).
pub fn plan_on_parts(
    tables: &Tables,
    list: Option<&DataFrame>,
    parts: LazyFrame,
    evidence: &[(&str, DataType)],
    judge: impl FnOnce(Found) -> PolarsResult<crate::indicators::LazyOutcome> + Send + 'static,
) -> PolarsResult<crate::indicators::Plan> {
    use crate::indicators::Plan;
    let Some(list) = list.cloned() else {
        return Plan::processes_only(not_run(tables, evidence));
    };
    let distinct = distinct_participants(parts.clone());
    let processes = tables.processes().select([col(PROCESS)]);
    let ocids = tables.ocids();
    Ok(Plan::staged([distinct], move |[distinct]| {
        let entries = matched(&distinct, &list)?;
        judge(Found {
            parts,
            processes,
            ocids,
            entries,
        })
    }))
}

/// The per-process rows of `assessable` (every assessed process, with the evidence columns
/// and `count`, null where not flagged): flagged where `flag_column` is set, the value the
/// `count` then (0 otherwise).
pub fn rows_by_count(
    assessable: LazyFrame,
    flag_column: &str,
    evidence: &[(&str, DataType)],
) -> crate::indicators::ProcessRows {
    let flag = col(flag_column).is_not_null();
    super::process_rows(
        assessable,
        flag.clone(),
        when(flag)
            .then(col("count").cast(DataType::Float64))
            .otherwise(lit(0.0)),
        evidence
            .iter()
            .map(|(name, dtype)| col(*name).cast(dtype.clone())),
    )
}

/// `processes` with the evidence of the flagged ones (`flagged`, by process) where there is.
pub fn with_flagged(processes: LazyFrame, flagged: LazyFrame) -> LazyFrame {
    processes.join(
        flagged,
        [col(PROCESS)],
        [col(PROCESS)],
        JoinArgs::new(JoinType::Left),
    )
}

/// Column: a shared value as matched (see [`shared_value`]).
const VALUE_KEY: &str = "value_key";

/// Each matched organization's values of the list's `column` (a text, or a list of texts),
/// one row each: the organization's columns, `name` (the value as written) and
/// [`VALUE_KEY`] (as `key` makes it; empty keys left out).
fn values_of(
    entries: &DataFrame,
    column: &str,
    name: &str,
    key: fn(&str) -> String,
) -> PolarsResult<DataFrame> {
    let mut values = entries.select([ORG_ID, ORG_NAME, IDENTIFIER, column])?;
    if matches!(values.column(column)?.dtype(), DataType::List(_)) {
        values = values.explode(
            [column],
            ExplodeOptions {
                empty_as_null: false,
                keep_nulls: false,
            },
        )?;
    }
    let keys: StringChunked = values
        .column(column)?
        .str()?
        .iter()
        .map(|value| value.map(key).filter(|key| !key.is_empty()))
        .collect();
    values.rename(column, name.into())?;
    values.with_column(keys.with_name(VALUE_KEY.into()).into_column())?;
    values.unique_stable(None, UniqueKeepStrategy::First, None)
}

/// The outcome of an indicator that flags tenderers of a process sharing a value of the
/// list's `column` (an owner, an address): assessable when two or more of its tenderers are
/// in the list with such a value, flagged when two or more share one (as `key` makes it).
/// Its evidence, `evidence` (the value as `name`, `tenderers`, `count`): the first shared
/// value (by its key), as the entry of the first of its tenderers (by name) writes it, the
/// tenderers that share it and how many. Each of them is listed as a tenderer.
pub fn shared_value(
    found: Found,
    column: &str,
    name: &str,
    key: fn(&str) -> String,
    evidence: &[(&str, DataType)],
) -> PolarsResult<crate::indicators::LazyOutcome> {
    let Found {
        parts: tenderers,
        processes,
        ocids,
        entries,
    } = found;
    let values = values_of(&entries, column, name, key)?;
    let held = tenderers.join(
        values.lazy().filter(col(VALUE_KEY).is_not_null()),
        organization_columns(),
        organization_columns(),
        on_organization(),
    );
    shared_outcome(held, processes, ocids, name, evidence)
}

/// The outcome of an indicator that flags tenderers of a process sharing a value: `held` has
/// one row per tenderer of a process (the columns of [`participants`]) and value it holds
/// ([`VALUE_KEY`] as matched, `name` as written). A process is assessable when two or more of
/// its tenderers hold a value, flagged when two or more share one. Its evidence, `evidence`
/// (the value as `name`, `tenderers`, `count`): the first shared value (by its key), as the
/// first of its tenderers (by name) writes it, the tenderers that share it and how many.
/// Each of them is listed as a tenderer.
pub fn shared_outcome(
    held: LazyFrame,
    processes: LazyFrame,
    ocids: LazyFrame,
    name: &str,
    evidence: &[(&str, DataType)],
) -> PolarsResult<crate::indicators::LazyOutcome> {
    let held = held
        .with_column(organization_name().alias("tenderer"))
        .cache();
    let known = held
        .clone()
        .group_by([col(PROCESS)])
        .agg([col("tenderer").n_unique().alias("known")])
        .filter(col("known").gt_eq(lit(2)));
    let shared = held
        .clone()
        .sort(
            [PROCESS, VALUE_KEY, "tenderer"],
            SortMultipleOptions::default(),
        )
        .group_by_stable([col(PROCESS), col(VALUE_KEY)])
        .agg([
            col(name).first(),
            col("tenderer")
                .unique()
                .sort(SortOptions::default())
                .alias("tenderers"),
            col("tenderer")
                .n_unique()
                .cast(DataType::UInt32)
                .alias("count"),
        ])
        .filter(col("count").gt_eq(lit(2)))
        .sort([PROCESS, VALUE_KEY], SortMultipleOptions::default())
        .cache();
    let first = shared.clone().group_by_stable([col(PROCESS)]).agg([
        col(name).first(),
        col("tenderers").first(),
        col("count").first(),
    ]);
    let assessable = processes.join(
        known,
        [col(PROCESS)],
        [col(PROCESS)],
        JoinArgs::new(JoinType::Inner),
    );
    let processes = rows_by_count(with_flagged(assessable, first), name, evidence);
    let sharing = held
        .join(
            shared.select([col(PROCESS), col(VALUE_KEY)]),
            [col(PROCESS), col(VALUE_KEY)],
            [col(PROCESS), col(VALUE_KEY)],
            JoinArgs::new(JoinType::Semi),
        )
        .select([col(PROCESS), col(ORG_ID), col(ROLE)]);
    Ok(crate::indicators::LazyOutcome {
        processes,
        organizations: organizations_of(ocids, sharing)?,
        meta: Vec::new(),
    })
}

/// The parties of each process (`process`, `party_id`) that are the organizations of these
/// columns of these tables (`tenderer_id` of the bids, ...), each once.
pub fn parties_in(sources: [(LazyFrame, &str); 2]) -> PolarsResult<LazyFrame> {
    let ids = sources.map(|(frame, id)| {
        frame
            .filter(col(id).is_not_null())
            .select([col(PROCESS), col(id).alias("party_id")])
    });
    Ok(concat(ids, UnionArgs::default())?.unique_stable(None, UniqueKeepStrategy::First))
}

/// The tenderers of the bids and the suppliers of the awards of each process (`process`,
/// `party_id`), each once.
pub fn bidder_parties(tables: &Tables) -> PolarsResult<LazyFrame> {
    parties_in([
        (tables.bids(), "tenderer_id"),
        (tables.awards(), "supplier_id"),
    ])
}

/// The outcome of an indicator that flags tenderers of a process sharing an owner that their
/// entries in `parties` give (see [`tenderers_owned`], whose arguments these are, and
/// [`shared_outcome`]); when no party of the frames gives one, no process, with the evidence
/// columns `evidence`.
pub fn owners_shared(
    tables: &Tables,
    [keys, names]: [&str; 2],
    extra: &[&str],
    keep: Expr,
    name: &'static str,
    evidence: &[(&str, DataType)],
) -> PolarsResult<crate::indicators::LazyOutcome> {
    if !tables.holds_values("parties", keys) {
        return crate::indicators::LazyOutcome::processes_only(not_run(tables, evidence));
    }
    shared_outcome(
        tenderers_owned(tables, keys, names, extra, keep, name),
        tables.processes().select([col(PROCESS)]),
        tables.ocids(),
        name,
        &shared_evidence(name),
    )
}

/// Every tenderer (of a bid) of each process with each owner its entry in `parties` gives
/// ([`ORG_ID`], [`ORG_NAME`], [`ROLE`], [`VALUE_KEY`] from the list column `keys`, `name` from
/// the list column `names`), the owners kept where `keep` holds (over the exploded `extra`
/// list columns, of the same lengths). A tenderer without an entry, or whose entry gives no
/// owner, has no row.
fn tenderers_owned(
    tables: &Tables,
    keys: &str,
    names: &str,
    extra: &[&str],
    keep: Expr,
    name: &str,
) -> LazyFrame {
    let mut lists = vec![keys, names];
    lists.extend_from_slice(extra);
    let mut columns = vec![col(PROCESS), col("party_id").alias(ORG_ID)];
    columns.extend(lists.iter().map(|list| col(*list)));
    let owners = tables
        .parties()
        .filter(col(keys).is_not_null().and(col("party_id").is_not_null()))
        .select(columns)
        .explode(
            cols(lists.clone()),
            ExplodeOptions {
                empty_as_null: false,
                keep_nulls: false,
            },
        )
        .filter(col(keys).is_not_null().and(keep))
        .select([
            col(PROCESS),
            col(ORG_ID),
            col(keys).alias(VALUE_KEY),
            col(names).alias(name),
        ])
        .unique_stable(
            Some(cols([PROCESS, ORG_ID, VALUE_KEY])),
            UniqueKeepStrategy::First,
        );
    // The tenderers of the bids, as [`participants`] gives them but without the parties'
    // registered identifiers, which a run reads only with a list.
    let tenderers = tables
        .bids()
        .filter(col("tenderer_id").is_not_null())
        .select([
            col(PROCESS),
            col("tenderer_id").alias(ORG_ID),
            col("tenderer_name").cast(DataType::String).alias(ORG_NAME),
            lit("tenderer").alias(ROLE),
        ]);
    tenderers.join(
        owners,
        [col(PROCESS), col(ORG_ID)],
        [col(PROCESS), col(ORG_ID)],
        JoinArgs::new(JoinType::Inner),
    )
}

/// The evidence values of an indicator of [`shared_outcome`], and their types: the shared
/// value as `name`, the `tenderers` that share it and their `count`.
pub fn shared_evidence(name: &'static str) -> [(&'static str, DataType); 3] {
    [
        (name, DataType::String),
        ("tenderers", DataType::List(Box::new(DataType::String))),
        ("count", DataType::UInt32),
    ]
}
