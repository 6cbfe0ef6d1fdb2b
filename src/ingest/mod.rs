//! Ingest: read sources, detect their form, merge releases, upgrade OCDS 1.0, reject bad input.

pub mod lenient;
pub mod merge;
pub mod model;
