//! A compiled file of several journeys: each journey compiled, plus the roll-up order and the
//! conflict rules between them. Applying them to accounts is the stage engine's work; this
//! module makes sure they are valid and gives each journey by id.

use serde::Serialize;

use crate::definition::{Conflict, Document, SetDefinition};
use crate::error::{Code, Diagnostic, Error, Severity};
use crate::journey::{Journey, JourneySummary};

/// Several journeys compiled together.
///
/// ```
/// let text = r#"{"id": "acme", "name": "Acme", "version": "1", "journeys": [
///   {"id": "net-new", "name": "Net-new", "version": "1", "stages": [{"id": "a", "name": "A", "kind": "pre-sale"}]}]}"#;
/// let set = account_journey::JourneySet::from_json(text)?;
/// assert_eq!(set.journey("net-new").map(|j| j.definition().stages.len()), Some(1));
/// # Ok::<(), account_journey::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct JourneySet {
    definition: SetDefinition,
    journeys: Vec<Journey>,
    hash: String,
}

/// What a journey set is, as reported to users.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SetSummary {
    /// The file's id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its version.
    pub version: String,
    /// SHA-256 of the canonical file.
    pub hash: String,
    /// Each journey's summary, in file order.
    pub journeys: Vec<JourneySummary>,
    /// Journey ids in roll-up order.
    pub rollup: Vec<String>,
    /// The conflict rules.
    pub conflicts: Vec<Conflict>,
}

impl JourneySet {
    /// Reads, validates and compiles a file of several journeys from JSON text.
    ///
    /// # Errors
    /// An [`Error`] with every diagnostic, or `invalid-type` when the text holds a single
    /// journey (compile it with [`Journey::from_json`]).
    pub fn from_json(text: &str) -> Result<JourneySet, Error> {
        JourneySet::compile(Document::from_json(text))
    }

    /// As [`JourneySet::from_json`], for text serialised from a caller's object (no spans).
    ///
    /// # Errors
    /// As [`JourneySet::from_json`].
    pub fn from_serialized_json(text: &str) -> Result<JourneySet, Error> {
        JourneySet::compile(Document::from_serialized_json(text))
    }

    fn compile(
        (document, diagnostics): (Option<Document>, Vec<Diagnostic>),
    ) -> Result<JourneySet, Error> {
        let has_errors = diagnostics.iter().any(|d| d.severity == Severity::Error);
        let definition = match document {
            Some(Document::Set(set)) if !has_errors => set,
            Some(Document::Journey(_)) => {
                return Err(Error::new(
                    Code::InvalidType,
                    "",
                    "this file holds a single journey (no \"journeys\" array): compile it as a Journey",
                ));
            }
            _ => return Err(Error::from_diagnostics(diagnostics)),
        };
        let journeys = definition
            .journeys
            .iter()
            .cloned()
            .map(Journey::new)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(JourneySet {
            hash: definition.content_hash(),
            definition,
            journeys,
        })
    }

    /// The journeys, in file order.
    pub fn journeys(&self) -> &[Journey] {
        &self.journeys
    }

    /// A journey by id.
    pub fn journey(&self, id: &str) -> Option<&Journey> {
        self.journeys.iter().find(|j| j.definition().id == id)
    }

    /// The file as written (normalised).
    pub fn definition(&self) -> &SetDefinition {
        &self.definition
    }

    /// SHA-256 of the canonical file, as 64 hex digits.
    pub fn hash(&self) -> &str {
        &self.hash
    }

    /// Identity, journeys, roll-up and conflicts.
    pub fn summary(&self) -> SetSummary {
        let def = &self.definition;
        SetSummary {
            id: def.id.clone(),
            name: def.name.clone(),
            version: def.version.clone(),
            hash: self.hash.clone(),
            journeys: self.journeys.iter().map(Journey::summary).collect(),
            rollup: def.rollup.clone(),
            conflicts: def.conflicts.clone(),
        }
    }
}
