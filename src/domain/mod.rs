//! The domain layer: what the frames mean in procurement terms, shared by every indicator and
//! the score.
//!
//! It holds the shared predicates (an award that counts as awarded, a submitted bid, a code
//! among others: [`predicates`]) and the derived tables, as lazy frames built from the frames:
//! the bids as one row per bid and the bids whose prices may be compared ([`bids`]), the final
//! awards, the winners, the awarded awards by buyer and the kind of item of each award
//! ([`awards`]). It sits between the frames and the indicators: it uses the frames and the
//! scope's columns, and nothing of a later stage.

pub mod awards;
pub mod bids;
pub mod predicates;

use polars::prelude::*;

pub use awards::{active_awards_if_final, awards_of_buyers, buyer_awards, item_classes, winners};
pub use bids::{bids_by_bid, comparable_bids, tenderer_sets};
pub use predicates::{awarded, code_in, code_is, submitted, submitted_as};

use crate::frames::{Frames, KEY as PROCESS, OCID};

/// `frame` (with a `process` column) with each row's `ocid`, from the processes table, in the
/// order of `frame`: for the texts that name processes.
pub fn with_ocids(frames: &Frames, frame: LazyFrame) -> LazyFrame {
    frame.join(
        frames
            .processes
            .clone()
            .lazy()
            .select([col(PROCESS), col(OCID)]),
        [col(PROCESS)],
        [col(PROCESS)],
        JoinArgs {
            maintain_order: MaintainOrderJoin::Left,
            ..JoinArgs::new(JoinType::Left)
        },
    )
}
