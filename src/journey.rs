//! The compiled journey: a validated definition in the form the engine evaluates.
//!
//! Compiling happens once; a [`Journey`] is then used for any number of accounts. Today it holds
//! the ordered stages and resolves stage ids to indices; the criteria, scoring and replay issues
//! add their compiled parts here. It does not parse JSON (`definition` does) and knows nothing
//! of JavaScript (`wasm` does).

use serde::Serialize;

use crate::definition::{Definition, StageKind};
use crate::error::{Diagnostic, Error, Severity};

/// The embedded default journey definition (eight stages plus Closed-Lost and Churned).
pub const DEFAULT_DEFINITION: &str = include_str!("../templates/default.json");

/// A compiled journey definition.
///
/// ```
/// let journey = account_journey::Journey::embedded_default().unwrap();
/// assert_eq!(journey.stage_index("mqa"), Some(4));
/// ```
#[derive(Debug, Clone)]
pub struct Journey {
    definition: Definition,
    warnings: Vec<Diagnostic>,
}

/// What a journey is, as reported to users: identity and ordered stages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JourneySummary {
    /// The definition's id.
    pub id: String,
    /// The definition's name.
    pub name: String,
    /// The definition's version.
    pub version: String,
    /// The stages in journey order.
    pub stages: Vec<StageSummary>,
}

/// One stage as reported to users.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StageSummary {
    /// Position in the journey, from 0.
    pub index: usize,
    /// The stage id.
    pub id: String,
    /// The stage name.
    pub name: String,
    /// `pre-sale`, `terminal` or `post-sale`.
    pub kind: StageKind,
    /// The accountable team, if declared.
    pub owner: Option<String>,
}

impl Journey {
    /// Validates and compiles a definition model.
    ///
    /// # Errors
    /// An [`Error`] listing every diagnostic when the definition has errors.
    pub fn new(definition: Definition) -> Result<Journey, Error> {
        let diagnostics = definition.check();
        Journey::from_checked(Some(definition), diagnostics)
    }

    /// Reads, validates and compiles a definition from JSON text.
    ///
    /// # Errors
    /// An [`Error`] whose `diagnostics` hold every problem found (JSON syntax with line and
    /// column, unknown fields, duplicate ids, …); its `code`, `path` and `span` are the first
    /// error's.
    ///
    /// ```
    /// let err = account_journey::Journey::from_json("{").unwrap_err();
    /// assert_eq!(err.code().as_str(), "json-syntax");
    /// ```
    pub fn from_json(text: &str) -> Result<Journey, Error> {
        let (definition, diagnostics) = Definition::from_json(text);
        Journey::from_checked(definition, diagnostics)
    }

    /// As [`Journey::from_json`], for JSON text the caller did not write (a binding serialised
    /// their object): diagnostics carry paths but no spans.
    ///
    /// # Errors
    /// As [`Journey::from_json`].
    pub fn from_serialized_json(text: &str) -> Result<Journey, Error> {
        let (definition, diagnostics) = Definition::from_serialized_json(text);
        Journey::from_checked(definition, diagnostics)
    }

    fn from_checked(
        definition: Option<Definition>,
        diagnostics: Vec<Diagnostic>,
    ) -> Result<Journey, Error> {
        let has_errors = diagnostics.iter().any(|d| d.severity == Severity::Error);
        match definition {
            Some(definition) if !has_errors => Ok(Journey {
                definition,
                warnings: diagnostics,
            }),
            _ => Err(Error::from_diagnostics(diagnostics)),
        }
    }

    /// The embedded default journey: Anonymous → Identified → Aware → Engaged → MQA → SAA →
    /// Opportunity → Customer, with terminal Closed-Lost and post-sale Churned.
    ///
    /// # Errors
    /// None in practice: the embedded definition is validated by the test suite. The `Result`
    /// keeps the promise that nothing in the engine panics.
    pub fn embedded_default() -> Result<Journey, Error> {
        Journey::from_json(DEFAULT_DEFINITION)
    }

    /// The definition this journey was compiled from.
    pub fn definition(&self) -> &Definition {
        &self.definition
    }

    /// Warnings found while compiling (errors prevent compilation).
    pub fn warnings(&self) -> &[Diagnostic] {
        &self.warnings
    }

    /// The position of a stage in the journey, by id.
    pub fn stage_index(&self, id: &str) -> Option<usize> {
        self.definition.stages.iter().position(|s| s.id == id)
    }

    /// Identity and ordered stages, for display and for JS.
    pub fn summary(&self) -> JourneySummary {
        let def = &self.definition;
        JourneySummary {
            id: def.id.clone(),
            name: def.name.clone(),
            version: def.version.clone(),
            stages: def
                .stages
                .iter()
                .enumerate()
                .map(|(index, s)| StageSummary {
                    index,
                    id: s.id.clone(),
                    name: s.name.clone(),
                    kind: s.kind,
                    owner: s.owner.clone(),
                })
                .collect(),
        }
    }
}
