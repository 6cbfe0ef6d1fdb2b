//! redflags: corruption-risk red flags and risk scores for OCDS procurement data.

pub mod cardinal;
pub mod cli;
pub mod codelists;
pub mod config;
pub mod dates;
pub mod domain;
pub mod evidence;
pub mod frames;
pub mod indicators;
pub mod ingest;
pub mod locale;
pub mod memory;
pub mod output;
pub mod precision;
pub mod profiles;
pub mod quality;
pub mod report;
pub mod reviews;
pub mod run;
pub mod scope;
pub mod score;
pub mod sentences;
pub mod stats;
pub mod synthetic;
pub mod validate;
pub mod warnings;
