//! The shape of a journey's buying-group model (`buyingGroup` at the root, `requiredRoles` on a
//! stage) and its validation. What the model computes from an account's contacts and signals —
//! engaged contacts and roles, coverage — is `crate::buying_group`'s.

use serde::Serialize;

use super::behaviour::Finding;
use super::read::{Object, Reader, closest};
use crate::Code;
use crate::error::{Diagnostic, pointer_push};
use crate::expr::data::{format_duration, parse_duration};

/// The buying-committee roles the engine knows by name. Other roles are kept as given.
pub const KNOWN_ROLES: [&str; 6] = [
    "champion",
    "economic_buyer",
    "technical_evaluator",
    "procurement",
    "influencer",
    "user",
];

/// Default engagement window: 90 days.
pub const DEFAULT_ENGAGEMENT_WINDOW_MS: i64 = 90 * 86_400_000;

/// Longest engagement window accepted: ten years.
pub const MAX_ENGAGEMENT_WINDOW_MS: i64 = 3_660 * 86_400_000;

/// How contacts count as engaged and which roles a deal needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BuyingGroup {
    /// Roles that must be engaged for full coverage, in the order written.
    pub required_roles: Vec<String>,
    /// How far back, from `asOf`, a contact's signals count.
    #[serde(serialize_with = "duration_text")]
    pub engagement_window: i64,
    /// Signals within the window that make a contact engaged (at least 1).
    pub min_signals: u32,
    /// The signal types that count as engagement; empty: every type.
    pub signal_types: Vec<String>,
}

impl Default for BuyingGroup {
    fn default() -> BuyingGroup {
        BuyingGroup {
            required_roles: Vec::new(),
            engagement_window: DEFAULT_ENGAGEMENT_WINDOW_MS,
            min_signals: 1,
            signal_types: Vec::new(),
        }
    }
}

fn duration_text<S: serde::Serializer>(ms: &i64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format_duration(*ms))
}

/// A role as the engine compares it: a known role written another way (`"Economic Buyer"`,
/// `"economic-buyer"`) is that role; any other role is kept as given (trimmed).
pub fn normalize_role(role: &str) -> String {
    let trimmed = role.trim();
    let mut key = String::with_capacity(trimmed.len());
    for c in trimmed.chars() {
        match c {
            ' ' | '-' | '_' => {
                if !key.ends_with('_') {
                    key.push('_');
                }
            }
            c => key.extend(c.to_lowercase()),
        }
    }
    match KNOWN_ROLES.iter().find(|known| **known == key) {
        Some(known) => (*known).to_string(),
        None => trimmed.to_string(),
    }
}

const FIELDS: [&str; 4] = [
    "requiredRoles",
    "engagementWindow",
    "minSignals",
    "signalTypes",
];

/// Reads the root `buyingGroup`, if present.
pub(super) fn read_buying_group(r: &mut Reader, root: &Object<'_>) -> Option<BuyingGroup> {
    let node = r.field(root, "buyingGroup", false)?;
    let path = pointer_push(&root.path, "buyingGroup");
    let obj = r.object(node, &path, "a buying-group model", &FIELDS)?;
    let defaults = BuyingGroup::default();
    let engagement_window = r
        .string(&obj, "engagementWindow", false)
        .and_then(|text| {
            let ms = parse_duration(&text).filter(|ms| (1..=MAX_ENGAGEMENT_WINDOW_MS).contains(ms));
            if ms.is_none() {
                r.error(
                    Code::InvalidValue,
                    &pointer_push(&path, "engagementWindow"),
                    None,
                    format!(
                        "\"{text}\" is not a positive duration of at most 3660d, such as \"90d\""
                    ),
                );
            }
            ms
        })
        .unwrap_or(defaults.engagement_window);
    let min_signals = r
        .integer(&obj, "minSignals", 1..=10_000)
        .and_then(|n| u32::try_from(n).ok())
        .unwrap_or(defaults.min_signals);
    Some(BuyingGroup {
        required_roles: r.string_list(&obj, "requiredRoles"),
        engagement_window,
        min_signals,
        signal_types: r.string_list(&obj, "signalTypes"),
    })
}

/// Checks a list of roles (the model's or a stage's): not blank, each once, and a warning for
/// one that looks like a misspelt known role.
pub(super) fn check_roles(out: &mut Vec<Finding>, roles: &[String], path: &str) {
    let mut seen: Vec<String> = Vec::new();
    for (i, role) in roles.iter().enumerate() {
        let item = format!("{path}/{i}");
        let normalized = normalize_role(role);
        if normalized.is_empty() {
            out.push((
                Diagnostic::error(Code::InvalidValue, item, "a role must not be empty"),
                None,
            ));
            continue;
        }
        if seen.contains(&normalized) {
            out.push((
                Diagnostic::error(
                    Code::InvalidValue,
                    item,
                    format!("role \"{role}\" is listed twice"),
                ),
                None,
            ));
            continue;
        }
        if !KNOWN_ROLES.contains(&normalized.as_str())
            && let Some(near) = closest(&normalized.to_lowercase(), &KNOWN_ROLES)
        {
            out.push((
                Diagnostic::warning(
                    Code::InvalidValue,
                    item.clone(),
                    format!(
                        "\"{role}\" is not a known role; did you mean \"{near}\"? (other roles \
                         are kept as written and must match the contacts' roles exactly)"
                    ),
                ),
                None,
            ));
        }
        seen.push(normalized);
    }
}

/// Checks the model: its roles and signal types.
pub(super) fn check_buying_group(out: &mut Vec<Finding>, model: &BuyingGroup) {
    check_roles(out, &model.required_roles, "/buyingGroup/requiredRoles");
    for (i, kind) in model.signal_types.iter().enumerate() {
        if kind.trim().is_empty() {
            out.push((
                Diagnostic::error(
                    Code::InvalidValue,
                    format!("/buyingGroup/signalTypes/{i}"),
                    "a signal type must not be empty",
                ),
                None,
            ));
        }
    }
}
