//! What several indicators share beyond the helpers of the registry module.

pub mod signed_before;
