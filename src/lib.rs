//! # account-journey
//!
//! A journey stage engine for B2B revenue teams: a written stage model (the *journey
//! definition*) is validated, compiled once, and evaluated identically natively, in every
//! JavaScript runtime (through the `wasm` binding) and in spreadsheets.
//!
//! The core is pure Rust with no JavaScript types in it and never reads the clock: every
//! time-dependent answer takes an explicit `as_of`. Nothing in it panics on user input; problems
//! come back as [`Diagnostic`]s (validation collects them all) or an [`Error`] (with a stable
//! [`Code`], a JSON-pointer path and, for text, a span).
//!
//! ```
//! use account_journey::{validate_definition, Journey};
//!
//! let journey = Journey::embedded_default()?;
//! let summary = journey.summary();
//! let names: Vec<&str> = summary.stages.iter().map(|s| s.name.as_str()).collect();
//! assert_eq!(names[..3], ["Anonymous", "Identified", "Aware"]);
//!
//! let report = validate_definition(r#"{"id": "x", "name": "X", "version": "1", "stages": []}"#);
//! assert!(!report.ok);
//! assert_eq!(report.diagnostics[0].code.as_str(), "no-stages");
//! # Ok::<(), account_journey::Error>(())
//! ```

#![forbid(unsafe_code)]

pub mod batch;
pub mod buying_group;
mod bytes;
pub mod calendar;
pub mod classify;
pub mod classify_columns;
pub mod definition;
pub mod diff;
mod error;
pub mod expr;
mod journey;
mod journey_set;
pub mod json;
mod look;
pub mod matching;
pub mod replay;
pub mod report;
pub mod score;
mod sort;
pub mod templates;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use definition::{
    Definition, Stage, StageKind, Unmatched, Validation, validate_definition,
    validate_serialized_definition,
};
pub use error::{Code, Diagnostic, Error, Severity, Span};
pub use journey::{DEFAULT_DEFINITION, Journey, JourneySummary, StageSummary};
pub use journey_set::{JourneySet, SetSummary};

// The README's Rust examples run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

/// The version of this engine (the crate and npm package version).
///
/// ```
/// assert!(!account_journey::version().is_empty());
/// ```
pub fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}
