//! What a row of the frames is, in the standard's terms: an award that counts as awarded, a
//! submitted bid, a code among others.

use polars::prelude::*;

use crate::frames::text_test;

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

/// Whether a code column (`procurementMethod`, a status) is one of `codes`, compared without
/// regard to case. An empty list means any value, including none.
pub fn code_in(column: &str, codes: &[String]) -> Expr {
    if codes.is_empty() {
        return lit(true);
    }
    let lowered: Vec<String> = codes.iter().map(|code| code.to_lowercase()).collect();
    text_test(column, move |text| lowered.contains(&text.to_lowercase())).fill_null(lit(false))
}

/// Whether a code column equals one code, compared without regard to case.
pub fn code_is(column: &str, code: &str) -> Expr {
    let lowered = code.to_lowercase();
    text_test(column, move |text| text.to_lowercase() == lowered).fill_null(lit(false))
}
