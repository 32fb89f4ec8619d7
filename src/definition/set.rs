//! Files with several journeys: one per product line or motion (net-new, expansion, renewal,
//! save), how they roll up to one account-level view, and the conflict rules between them
//! (an open save motion suppresses the expansion MQA). This module reads and checks the shape;
//! applying roll-up and conflicts to accounts is the stage engine's.

use serde::Serialize;

use super::read::{Object, Reader, did_you_mean};
use super::{Definition, read_definition};
use crate::Code;
use crate::error::{Diagnostic, pointer_push};
use crate::json::Node;

/// Most journeys one file may hold.
pub const MAX_JOURNEYS: usize = 32;

/// Several journeys and how they combine for an account.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SetDefinition {
    /// Stable identifier of the file.
    pub id: String,
    /// Human name.
    pub name: String,
    /// Version of the file.
    pub version: String,
    /// Who owns it.
    pub owner: Option<String>,
    /// What it is for.
    pub description: Option<String>,
    /// The journeys, each a complete definition.
    pub journeys: Vec<Definition>,
    /// Journey ids in roll-up order: the account-level view takes the first journey in which
    /// the account has a stage. Journeys not listed come after, in file order.
    pub rollup: Vec<String>,
    /// Conflict rules between journeys.
    pub conflicts: Vec<Conflict>,
}

/// While an account is in one of `when`'s stages, `suppress`'s stages do not apply to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Conflict {
    /// A name for explanations.
    pub id: String,
    /// The stages that trigger the rule.
    pub when: StageRef,
    /// The stages the rule suppresses.
    pub suppress: StageRef,
}

/// Some stages of one journey.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StageRef {
    /// The journey id.
    pub journey: String,
    /// Stage ids in that journey.
    pub stages: Vec<String>,
}

pub(super) const SET_FIELDS: [&str; 9] = [
    "$schema",
    "id",
    "name",
    "version",
    "owner",
    "description",
    "journeys",
    "rollup",
    "conflicts",
];

fn stage_ref(r: &mut Reader, obj: &Object<'_>, key: &str) -> StageRef {
    let Some(node) = r.field(obj, key, true) else {
        return StageRef {
            journey: String::new(),
            stages: Vec::new(),
        };
    };
    let path = pointer_push(&obj.path, key);
    let Some(target) = r.object(node, &path, "a stage reference", &["journey", "stages"]) else {
        return StageRef {
            journey: String::new(),
            stages: Vec::new(),
        };
    };
    // Reports the list when missing (string_list reads it, or nothing, quietly).
    let _ = r.field(&target, "stages", true);
    StageRef {
        journey: r.string(&target, "journey", true).unwrap_or_default(),
        stages: r.string_list(&target, "stages"),
    }
}

/// Reads a journey set from its root object.
pub(super) fn read_set(r: &mut Reader, root: &Object<'_>) -> SetDefinition {
    let journeys = r
        .array(root, "journeys", true)
        .unwrap_or_default()
        .into_iter()
        .take(MAX_JOURNEYS + 1)
        .filter_map(|(path, node): (String, &Node)| read_definition(r, node, &path))
        .collect();
    let conflicts = r
        .array(root, "conflicts", false)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(path, node)| {
            let obj = r.object(node, &path, "a conflict rule", &["id", "when", "suppress"])?;
            Some(Conflict {
                id: r.string(&obj, "id", true).unwrap_or_default(),
                when: stage_ref(r, &obj, "when"),
                suppress: stage_ref(r, &obj, "suppress"),
            })
        })
        .collect();
    SetDefinition {
        id: r.string(root, "id", true).unwrap_or_default(),
        name: r.string(root, "name", true).unwrap_or_default(),
        version: r.string(root, "version", true).unwrap_or_default(),
        owner: r.string(root, "owner", false),
        description: r.string(root, "description", false),
        journeys,
        rollup: r.string_list(root, "rollup"),
        conflicts,
    }
}

impl SetDefinition {
    /// The canonical text: compact JSON of the model (see [`Definition::canonical_json`]).
    pub fn canonical_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// SHA-256 of [`SetDefinition::canonical_json`], as 64 lowercase hex digits.
    pub fn content_hash(&self) -> String {
        super::sha256_hex(&self.canonical_json())
    }
}

fn error(out: &mut Vec<Diagnostic>, code: Code, path: String, message: impl Into<String>) {
    out.push(Diagnostic::error(code, path, message));
}

/// The rules across journeys: unique journey ids, roll-up and conflict references.
pub(super) fn check_set(set: &SetDefinition) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if set.journeys.is_empty() {
        error(
            &mut out,
            Code::NoStages,
            "/journeys".into(),
            "a journey file needs at least one journey",
        );
    }
    if set.journeys.len() > MAX_JOURNEYS {
        error(
            &mut out,
            Code::LimitExceeded,
            "/journeys".into(),
            format!("a file may hold at most {MAX_JOURNEYS} journeys"),
        );
    }
    let ids: Vec<&str> = set.journeys.iter().map(|j| j.id.as_str()).collect();
    for (k, id) in ids.iter().enumerate() {
        if let Some(first) = ids.iter().take(k).position(|other| other == id) {
            error(
                &mut out,
                Code::DuplicateJourneyId,
                format!("/journeys/{k}/id"),
                format!("journey id \"{id}\" is already used by /journeys/{first}"),
            );
        }
    }
    let journey = |id: &str| set.journeys.iter().find(|j| j.id == id);
    let unknown_journey = |out: &mut Vec<Diagnostic>, id: &str, path: String| {
        let hint = did_you_mean(id, &ids);
        error(
            out,
            Code::UnknownJourney,
            path,
            format!("no journey has id \"{id}\"{hint}"),
        );
    };
    for (j, id) in set.rollup.iter().enumerate() {
        let path = format!("/rollup/{j}");
        if journey(id).is_none() {
            unknown_journey(&mut out, id, path);
        } else if set.rollup.iter().take(j).any(|other| other == id) {
            error(
                &mut out,
                Code::InvalidValue,
                path,
                format!("\"{id}\" is listed twice"),
            );
        }
    }
    for (c, conflict) in set.conflicts.iter().enumerate() {
        for (side, target) in [("when", &conflict.when), ("suppress", &conflict.suppress)] {
            let base = format!("/conflicts/{c}/{side}");
            let Some(def) = journey(&target.journey) else {
                unknown_journey(&mut out, &target.journey, format!("{base}/journey"));
                continue;
            };
            if target.stages.is_empty() {
                error(
                    &mut out,
                    Code::InvalidValue,
                    format!("{base}/stages"),
                    "name at least one stage",
                );
            }
            let stage_ids: Vec<&str> = def.stages.iter().map(|s| s.id.as_str()).collect();
            for (s, stage) in target.stages.iter().enumerate() {
                if !stage_ids.contains(&stage.as_str()) {
                    let hint = did_you_mean(stage, &stage_ids);
                    error(
                        &mut out,
                        Code::UnknownStage,
                        format!("{base}/stages/{s}"),
                        format!(
                            "journey \"{}\" has no stage \"{stage}\"{hint}",
                            target.journey
                        ),
                    );
                }
            }
        }
        if conflict.when.journey == conflict.suppress.journey && !conflict.when.journey.is_empty() {
            error(
                &mut out,
                Code::InvalidValue,
                format!("/conflicts/{c}/suppress/journey"),
                "a conflict rule is between two journeys; within one journey, use priorities",
            );
        }
    }
    if let Some(c) = conflict_cycle(&set.conflicts) {
        error(
            &mut out,
            Code::InvalidValue,
            format!("/conflicts/{c}"),
            "the conflict rules form a cycle (a journey suppresses one that, through these rules, \
             suppresses it): which journey decides first would be undefined",
        );
    }
    out
}

/// The index of a conflict rule on a cycle of journeys suppressing each other, if any: what is
/// left after repeatedly removing rules whose `when` journey no remaining rule suppresses.
fn conflict_cycle(conflicts: &[Conflict]) -> Option<usize> {
    let mut left: Vec<usize> = (0..conflicts.len())
        .filter(|&i| {
            conflicts
                .get(i)
                .is_some_and(|c| c.when.journey != c.suppress.journey)
        })
        .collect();
    loop {
        let before = left.len();
        let suppressed = |journey: &str, left: &[usize]| {
            left.iter().any(|&i| {
                conflicts
                    .get(i)
                    .is_some_and(|c| c.suppress.journey == journey)
            })
        };
        let snapshot = left.clone();
        left.retain(|&i| {
            conflicts
                .get(i)
                .is_some_and(|c| suppressed(&c.when.journey, &snapshot))
        });
        if left.len() == before {
            return left.first().copied();
        }
    }
}
