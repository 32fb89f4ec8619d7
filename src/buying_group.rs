//! Buying groups: from an account's contacts (with roles) and signals (naming a contact), as of
//! the account's `asOf`, which contacts are engaged, which roles that covers, the coverage of
//! the roles the definition requires, and the multi-threading count — the facts criteria read
//! as `buyingGroup.*`.
//!
//! The model (required roles, engagement window, signals that count) is the definition's
//! `buyingGroup` (`definition::BuyingGroup`); this module computes with it and never reads the
//! clock.

use serde::Serialize;

use crate::definition::{BuyingGroup, normalize_role};
use crate::expr::Data;
use crate::expr::data::format_timestamp;
use crate::expr::types::layout;
use crate::{Code, Error};

/// An account's buying group as of a date.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BuyingGroupFacts {
    /// The date the facts are as of.
    pub as_of: String,
    /// Each contact, in input order.
    pub contacts: Vec<ContactFacts>,
    /// Distinct roles among the contacts, in order of first appearance.
    pub roles: Vec<String>,
    /// Distinct roles of engaged contacts, in order of first appearance.
    pub engaged_roles: Vec<String>,
    /// How many contacts are engaged: the multi-threading count.
    pub engaged_contacts: usize,
    /// The roles the definition requires (journey level).
    pub required_roles: Vec<String>,
    /// Share of the required roles that are engaged, 0–1; `null` when none are required.
    pub coverage: Option<f64>,
    /// Required roles not engaged, in the definition's order.
    pub missing_roles: Vec<String>,
    /// Signals naming a contact the account does not list: counted for the account, for no
    /// contact.
    pub unlinked_signals: usize,
    /// Coverage of each stage's own required roles (stages that declare some), in stage order.
    pub stages: Vec<StageCoverage>,
}

/// How well the engaged roles cover one stage's required roles.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StageCoverage {
    /// The stage's id.
    pub stage: String,
    /// The roles the stage requires.
    pub required_roles: Vec<String>,
    /// Share of them engaged, 0–1.
    pub coverage: f64,
    /// Those not engaged, in the stage's order.
    pub missing_roles: Vec<String>,
}

/// The coverage of `required` roles by `engaged` ones: the share engaged and those missing.
fn coverage_of(required: &[String], engaged: &[String]) -> (Option<f64>, Vec<String>) {
    let required: Vec<String> = required.iter().map(|r| normalize_role(r)).collect();
    let missing: Vec<String> = required
        .iter()
        .filter(|r| !engaged.contains(r))
        .cloned()
        .collect();
    let share = (!required.is_empty())
        .then(|| (required.len() - missing.len()) as f64 / required.len() as f64);
    (share, missing)
}

/// Adds the coverage of each stage's own required roles to `facts`.
pub fn with_stages<'s>(
    mut facts: BuyingGroupFacts,
    stages: impl IntoIterator<Item = (&'s str, &'s [String])>,
) -> BuyingGroupFacts {
    for (stage, required) in stages {
        if required.is_empty() {
            continue;
        }
        let (coverage, missing_roles) = coverage_of(required, &facts.engaged_roles);
        facts.stages.push(StageCoverage {
            stage: stage.to_string(),
            required_roles: required.iter().map(|r| normalize_role(r)).collect(),
            coverage: coverage.unwrap_or(1.0),
            missing_roles,
        });
    }
    facts
}

/// One contact's engagement.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContactFacts {
    /// The contact's id.
    pub id: String,
    /// The role, normalised when it is a known one (`"Economic Buyer"` → `economic_buyer`),
    /// else as given; `null` when unknown.
    pub role: Option<String>,
    /// Signals within the engagement window that count.
    pub signals: usize,
    /// The latest of them.
    pub last_signal_at: Option<String>,
    /// Whether the contact is engaged (at least `minSignals` such signals).
    pub engaged: bool,
}

/// The buying-group facts of an account context.
///
/// # Errors
/// `invalid-value` when two contacts share an id (with the second one's path), and
/// `invalid-argument` when the context is not an account with an `asOf`.
pub fn facts(model: &BuyingGroup, account: &Data) -> Result<BuyingGroupFacts, Error> {
    let l = layout();
    let Data::Object(root) = account else {
        return Err(Error::new(Code::InvalidArgument, "", "expected an account"));
    };
    let Some(Data::Timestamp(as_of)) = root.get(l.as_of) else {
        return Err(Error::new(
            Code::InvalidArgument,
            "",
            "the account has no asOf",
        ));
    };
    let as_of = *as_of;
    let list = |i: usize| match root.get(i) {
        Some(Data::List(items)) => items.as_slice(),
        _ => &[],
    };
    let text = |fields: &[Data], i: usize| match fields.get(i) {
        Some(Data::String(s)) => Some(s.to_string()),
        _ => None,
    };
    let mut contacts: Vec<ContactFacts> = Vec::new();
    let mut last_ms: Vec<Option<i64>> = Vec::new();
    for (i, contact) in list(l.contacts).iter().enumerate() {
        let Data::Object(fields) = contact else {
            continue;
        };
        let id = text(fields, l.contact_id).unwrap_or_default();
        if contacts.iter().any(|c| c.id == id) {
            return Err(Error::new(
                Code::InvalidValue,
                format!("/contacts/{i}/id"),
                format!("contact id \"{id}\" is used by two contacts"),
            ));
        }
        let role = text(fields, l.contact_role)
            .map(|r| normalize_role(&r))
            .filter(|r| !r.is_empty());
        contacts.push(ContactFacts {
            id,
            role,
            signals: 0,
            last_signal_at: None,
            engaged: false,
        });
        last_ms.push(None);
    }
    let since = as_of.saturating_sub(model.engagement_window);
    let mut unlinked_signals = 0;
    for signal in list(l.signals) {
        let Data::Object(fields) = signal else {
            continue;
        };
        let Some(contact) = text(fields, l.signal_contact) else {
            continue;
        };
        let Some(c) = contacts.iter().position(|c| c.id == contact) else {
            unlinked_signals += 1;
            continue;
        };
        let (Some(Data::String(kind)), Some(Data::Timestamp(at))) =
            (fields.get(l.signal_type), fields.get(l.signal_at))
        else {
            continue;
        };
        let counts = model.signal_types.is_empty()
            || model
                .signal_types
                .iter()
                .any(|t| t.as_str() == kind.as_ref());
        if counts && *at <= as_of && *at >= since {
            if let Some(facts) = contacts.get_mut(c) {
                facts.signals += 1;
            }
            if let Some(last) = last_ms.get_mut(c) {
                *last = Some(last.map_or(*at, |l| l.max(*at)));
            }
        }
    }
    let mut roles: Vec<String> = Vec::new();
    let mut engaged_roles: Vec<String> = Vec::new();
    let mut engaged_contacts = 0;
    for (contact, last) in contacts.iter_mut().zip(&last_ms) {
        contact.last_signal_at = last.map(format_timestamp);
        contact.engaged = contact.signals >= model.min_signals as usize;
        engaged_contacts += usize::from(contact.engaged);
        if let Some(role) = &contact.role {
            if !roles.contains(role) {
                roles.push(role.clone());
            }
            if contact.engaged && !engaged_roles.contains(role) {
                engaged_roles.push(role.clone());
            }
        }
    }
    let required_roles: Vec<String> = model
        .required_roles
        .iter()
        .map(|r| normalize_role(r))
        .collect();
    let (coverage, missing_roles) = coverage_of(&required_roles, &engaged_roles);
    Ok(BuyingGroupFacts {
        as_of: format_timestamp(as_of),
        contacts,
        roles,
        engaged_roles,
        engaged_contacts,
        required_roles,
        coverage,
        missing_roles,
        unlinked_signals,
        stages: Vec::new(),
    })
}

/// The facts as the context's `buyingGroup` object reads them.
pub fn to_context(facts: &BuyingGroupFacts) -> Data {
    let strings = |items: &[String]| {
        Data::List(
            items
                .iter()
                .map(|s| Data::String(s.as_str().into()))
                .collect(),
        )
    };
    Data::Object(vec![
        strings(&facts.roles),
        strings(&facts.engaged_roles),
        Data::Number(facts.engaged_contacts as f64),
        facts.coverage.map_or(Data::Null, Data::Number),
        strings(&facts.missing_roles),
    ])
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn model(required: &[&str]) -> BuyingGroup {
        BuyingGroup {
            required_roles: required.iter().map(|s| s.to_string()).collect(),
            ..BuyingGroup::default()
        }
    }

    fn account(json: &str) -> Data {
        Data::account_from_json(json).unwrap()
    }

    #[test]
    fn engaged_contacts_roles_and_coverage() {
        let a = account(
            r#"{"asOf": "2026-11-22", "contacts": [
                {"id": "c1", "role": "Economic Buyer"}, {"id": "c2", "role": "champion"},
                {"id": "c3", "role": "Legal Counsel"}, {"id": "c4"}],
              "signals": [
                {"type": "email_reply", "at": "2026-11-20", "contact": "c1"},
                {"type": "webinar", "at": "2026-06-01", "contact": "c2"},
                {"type": "meeting", "at": "2026-11-23", "contact": "c2"},
                {"type": "page_view", "at": "2026-11-21", "contact": "c3"},
                {"type": "page_view", "at": "2026-11-21", "contact": "c4"},
                {"type": "page_view", "at": "2026-11-21", "contact": "nobody"}]}"#,
        );
        let f = facts(
            &model(&["economic_buyer", "champion", "technical evaluator"]),
            &a,
        )
        .unwrap();
        assert_eq!(f.roles, ["economic_buyer", "champion", "Legal Counsel"]);
        // c2's webinar is outside the 90-day window and its meeting after asOf.
        assert_eq!(f.engaged_roles, ["economic_buyer", "Legal Counsel"]);
        assert_eq!(f.engaged_contacts, 3);
        assert_eq!(f.missing_roles, ["champion", "technical_evaluator"]);
        assert_eq!(f.coverage, Some(1.0 / 3.0));
        assert_eq!(f.unlinked_signals, 1);
        assert_eq!(
            f.contacts[0].last_signal_at.as_deref(),
            Some("2026-11-20T00:00:00Z")
        );
    }

    #[test]
    fn duplicate_contact_ids_are_an_error_for_the_account() {
        let a = account(r#"{"asOf": "2026-11-22", "contacts": [{"id": "c1"}, {"id": "c1"}]}"#);
        let err = facts(&model(&[]), &a).unwrap_err();
        assert_eq!(
            (err.code().as_str(), err.path()),
            ("invalid-value", "/contacts/1/id")
        );
    }
}
