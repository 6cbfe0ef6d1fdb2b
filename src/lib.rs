//! redflags: corruption-risk red flags and risk scores for OCDS procurement data.

pub mod ingest;
