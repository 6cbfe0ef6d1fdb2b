//! What a row of the frames is, in the standard's terms: an award that counts as awarded, a
//! submitted bid, a code among others (the comparisons of codes themselves are the frames',
//! [`crate::frames::code_in`], re-exported here).

use polars::prelude::*;

use crate::frames::text_test;
pub use crate::frames::{code_in, code_is};

/// Awards that count as awarded: status `active`, or no status at all (many publishers
/// publish none).
pub fn awarded() -> Expr {
    text_test("status", |status| status.to_lowercase() == "active").fill_null(lit(true))
}

/// Whether a bid (a row of the bids table) was submitted: its status is `pending`, `valid` or
/// `disqualified` (not `invited` or `withdrawn`).
pub fn submitted() -> Expr {
    code_in(
        "status",
        &[
            "pending".to_owned(),
            "valid".to_owned(),
            "disqualified".to_owned(),
        ],
    )
}

/// Whether a bid was submitted as Cardinal's code decides when `cardinal`: it has a status,
/// and the status is not `invited` or `withdrawn` (a status outside the codelist, such as
/// `active`, counts); else [`submitted`].
pub fn submitted_as(cardinal: bool) -> Expr {
    if cardinal {
        col("status")
            .is_not_null()
            .and(code_in("status", &["invited".to_owned(), "withdrawn".to_owned()]).not())
    } else {
        submitted()
    }
}
