//! The journey templates shipped with the engine: the embedded default and the models revenue
//! teams bring most often (`templates/*.json`, documented in the README). Each is validated by
//! the test suite and must stay free of diagnostics.

use serde::Serialize;

use crate::definition::Definition;
use crate::error::Error;
use crate::journey::{DEFAULT_DEFINITION, Journey};

/// A shipped template: its id and definition text.
#[derive(Debug, Clone, Copy)]
pub struct Template {
    /// The template's id (also the definition's `id`).
    pub id: &'static str,
    /// The definition as JSON text.
    pub text: &'static str,
}

/// Every shipped template, the default first.
pub const TEMPLATES: [Template; 4] = [
    Template {
        id: "default",
        text: DEFAULT_DEFINITION,
    },
    Template {
        id: "abm-six-stage",
        text: include_str!("../templates/abm-six-stage.json"),
    },
    Template {
        id: "buyer-language",
        text: include_str!("../templates/buyer-language.json"),
    },
    Template {
        id: "abm-customer-experience",
        text: include_str!("../templates/abm-customer-experience.json"),
    },
];

/// A template as listed to users: what it is, and its definition in canonical form.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TemplateInfo {
    /// The template's id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// When to choose it.
    pub description: Option<String>,
    /// SHA-256 of the canonical definition.
    pub hash: String,
    /// The definition, ready to edit or to compile.
    pub definition: Definition,
}

impl Template {
    /// The template compiled.
    ///
    /// # Errors
    /// None in practice: every template is validated by the test suite.
    pub fn journey(&self) -> Result<Journey, Error> {
        Journey::from_json(self.text)
    }

    /// The template by id.
    pub fn find(id: &str) -> Option<Template> {
        TEMPLATES.iter().copied().find(|t| t.id == id)
    }
}

/// Every template with its definition.
///
/// ```
/// let ids: Vec<String> = account_journey::templates::templates()?.into_iter().map(|t| t.id).collect();
/// assert_eq!(ids, ["default", "abm-six-stage", "buyer-language", "abm-customer-experience"]);
/// # Ok::<(), account_journey::Error>(())
/// ```
///
/// # Errors
/// None in practice: every template is validated by the test suite.
pub fn templates() -> Result<Vec<TemplateInfo>, Error> {
    TEMPLATES
        .iter()
        .map(|t| {
            let journey = t.journey()?;
            let definition = journey.definition().clone();
            Ok(TemplateInfo {
                id: t.id.to_string(),
                name: definition.name.clone(),
                description: definition.description.clone(),
                hash: journey.hash().to_string(),
                definition,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_validates_clean_and_names_itself() {
        for t in TEMPLATES {
            let (def, diagnostics) = Definition::from_json(t.text);
            assert!(diagnostics.is_empty(), "{}: {diagnostics:?}", t.id);
            let def = def.unwrap();
            assert_eq!(def.id, t.id);
            assert!(
                def.stages.iter().all(|s| s.entry_criteria.is_some()),
                "{}",
                t.id
            );
            assert!(def.description.is_some() && def.owner.is_some(), "{}", t.id);
        }
        assert_eq!(templates().unwrap().len(), TEMPLATES.len());
        assert!(Template::find("abm-six-stage").is_some());
        assert!(Template::find("nope").is_none());
    }
}
