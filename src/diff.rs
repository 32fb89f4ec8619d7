//! Semantic differences between two journey definitions: what a reviewer needs to see before a
//! new version is published — stages added, removed, renamed, moved, re-kinded or re-owned,
//! criteria and dwell limits changed (old → new), metadata changed. Works on the validated,
//! normalised models, so the JSON's formatting, key order and null-vs-absent never show up as a
//! change; a criterion's text is compared as written (`a>1` and `a > 1` differ).

use serde::Serialize;

use crate::definition::{Calendar, Definition, MaxDwell, Rejection, Scoring, Sla, StageKind};

/// Which definition a side of the diff is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DiffSide {
    /// The definition's id.
    pub id: String,
    /// Its version.
    pub version: String,
    /// SHA-256 of its canonical form.
    pub hash: String,
}

/// One difference, old → new.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(
    tag = "change",
    rename_all = "kebab-case",
    rename_all_fields = "camelCase"
)]
pub enum Change {
    /// A metadata field (`id`, `name`, `version`, `owner`, `approvers`, `effectiveDate`,
    /// `description`) or the journey's `unmatched` policy changed.
    Metadata {
        /// The field.
        field: &'static str,
        /// Old value (lists joined with ", "), or null.
        old: Option<String>,
        /// New value, or null.
        new: Option<String>,
    },
    /// A stage exists only in the new definition.
    StageAdded {
        /// Its id.
        stage: String,
        /// Its position in the new definition.
        index: usize,
    },
    /// A stage exists only in the old definition.
    StageRemoved {
        /// Its id.
        stage: String,
        /// Its position in the old definition.
        index: usize,
    },
    /// A stage kept its id and changed its name.
    StageRenamed {
        /// Its id.
        stage: String,
        /// Old name.
        old: String,
        /// New name.
        new: String,
    },
    /// A stage changed place relative to the other stages both versions have.
    StageMoved {
        /// Its id.
        stage: String,
        /// Old position.
        old_index: usize,
        /// New position.
        new_index: usize,
    },
    /// A stage's kind changed.
    StageKind {
        /// Its id.
        stage: String,
        /// Old kind.
        old: StageKind,
        /// New kind.
        new: StageKind,
    },
    /// A stage's owner or description changed.
    StageText {
        /// Its id.
        stage: String,
        /// `owner` or `description`.
        field: &'static str,
        /// Old text, or null.
        old: Option<String>,
        /// New text, or null.
        new: Option<String>,
    },
    /// An entry or exit criterion changed.
    Criteria {
        /// The stage id.
        stage: String,
        /// `entryCriteria` or `exitCriteria`.
        field: &'static str,
        /// Old criterion, or null.
        old: Option<String>,
        /// New criterion, or null.
        new: Option<String>,
    },
    /// A component weight or cap changed, old → new (null: absent).
    ScoringWeight {
        /// `weights` or `caps`.
        field: &'static str,
        /// The component.
        component: String,
        /// Old value.
        old: Option<f64>,
        /// New value.
        new: Option<f64>,
    },
    /// The fit rules or signal points changed (the scoring model before and after).
    ScoringRules {
        /// `fit` or `signals`.
        field: &'static str,
        /// The model before, or null.
        old: Option<Scoring>,
        /// The model after, or null.
        new: Option<Scoring>,
    },
    /// The business calendar changed.
    Calendar {
        /// Old calendar, or null.
        old: Option<Calendar>,
        /// New calendar, or null.
        new: Option<Calendar>,
    },
    /// A stage's SLA changed.
    Sla {
        /// The stage id.
        stage: String,
        /// Old SLA, or null.
        old: Option<Sla>,
        /// New SLA, or null.
        new: Option<Sla>,
    },
    /// A stage's rejection rule changed.
    Rejection {
        /// The stage id.
        stage: String,
        /// Old rule, or null.
        old: Option<Rejection>,
        /// New rule, or null.
        new: Option<Rejection>,
    },
    /// The regressions a stage allows changed.
    RegressTo {
        /// The stage id.
        stage: String,
        /// Old targets.
        old: Vec<String>,
        /// New targets.
        new: Vec<String>,
    },
    /// A stage's priority changed.
    Priority {
        /// The stage id.
        stage: String,
        /// Old priority, or null (its position).
        old: Option<i32>,
        /// New priority, or null.
        new: Option<i32>,
    },
    /// A max dwell changed (limit, action, play or downgrade target).
    MaxDwell {
        /// The stage id.
        stage: String,
        /// Old max dwell, or null.
        old: Option<MaxDwell>,
        /// New max dwell, or null.
        new: Option<MaxDwell>,
    },
}

/// The semantic difference between two definitions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DefinitionDiff {
    /// The old definition.
    pub from: DiffSide,
    /// The new definition.
    pub to: DiffSide,
    /// True when the canonical forms are equal (then `changes` is empty).
    pub identical: bool,
    /// The changes: metadata first, then stages in the new definition's order, removed stages
    /// last.
    pub changes: Vec<Change>,
}

fn side(def: &Definition) -> DiffSide {
    DiffSide {
        id: def.id.clone(),
        version: def.version.clone(),
        hash: def.content_hash(),
    }
}

/// Compares two definitions.
///
/// ```
/// use account_journey::{Definition, diff::diff_definitions};
/// let old = Definition::from_json(r#"{"id": "j", "name": "J", "version": "1", "stages": [
///     {"id": "mqa", "name": "MQA", "kind": "pre-sale", "entryCriteria": "score.composite > 75"}]}"#).0.unwrap();
/// let new = Definition::from_json(r#"{"id": "j", "name": "J", "version": "2", "stages": [
///     {"id": "mqa", "name": "MQA", "kind": "pre-sale", "entryCriteria": "score.composite > 70"}]}"#).0.unwrap();
/// let diff = diff_definitions(&old, &new);
/// assert_eq!(diff.changes.len(), 2); // the version and the MQA threshold
/// ```
pub fn diff_definitions(old: &Definition, new: &Definition) -> DefinitionDiff {
    let (from, to) = (side(old), side(new));
    let identical = from.hash == to.hash;
    let mut changes = Vec::new();
    if !identical {
        metadata(&mut changes, old, new);
        stages(&mut changes, old, new);
    }
    DefinitionDiff {
        from,
        to,
        identical,
        changes,
    }
}

fn metadata(out: &mut Vec<Change>, old: &Definition, new: &Definition) {
    let date = |d: &Definition| d.effective_date.map(crate::definition::format_date);
    let fields: [(&'static str, Option<String>, Option<String>); 8] = [
        ("id", Some(old.id.clone()), Some(new.id.clone())),
        ("name", Some(old.name.clone()), Some(new.name.clone())),
        (
            "version",
            Some(old.version.clone()),
            Some(new.version.clone()),
        ),
        ("owner", old.owner.clone(), new.owner.clone()),
        (
            "approvers",
            Some(old.approvers.join(", ")),
            Some(new.approvers.join(", ")),
        ),
        ("effectiveDate", date(old), date(new)),
        (
            "description",
            old.description.clone(),
            new.description.clone(),
        ),
        (
            "unmatched",
            Some(old.unmatched.as_str().to_string()),
            Some(new.unmatched.as_str().to_string()),
        ),
    ];
    for (field, a, b) in fields {
        if a != b {
            out.push(Change::Metadata {
                field,
                old: a,
                new: b,
            });
        }
    }
    scoring(out, old.scoring.as_ref(), new.scoring.as_ref());
    if old.calendar != new.calendar {
        out.push(Change::Calendar {
            old: old.calendar.clone(),
            new: new.calendar.clone(),
        });
    }
}

/// Weights and caps component by component; fit rules and signal points as a whole.
fn scoring(out: &mut Vec<Change>, old: Option<&Scoring>, new: Option<&Scoring>) {
    let empty = std::collections::BTreeMap::new();
    let (old_weights, old_caps) = old.map_or((&empty, &empty), |s| (&s.weights, &s.caps));
    let (new_weights, new_caps) = new.map_or((&empty, &empty), |s| (&s.weights, &s.caps));
    for (field, a, b) in [
        ("weights", old_weights, new_weights),
        ("caps", old_caps, new_caps),
    ] {
        let names: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
        for name in names {
            let (x, y) = (a.get(name).copied(), b.get(name).copied());
            if x != y {
                out.push(Change::ScoringWeight {
                    field,
                    component: name.clone(),
                    old: x,
                    new: y,
                });
            }
        }
    }
    let fit = |s: Option<&Scoring>| s.map(|s| s.fit.clone()).unwrap_or_default();
    let signals = |s: Option<&Scoring>| s.map(|s| s.signals.clone()).unwrap_or_default();
    let rules_changed = [
        ("fit", fit(old) != fit(new)),
        ("signals", signals(old) != signals(new)),
    ];
    for (field, changed) in rules_changed {
        if changed {
            out.push(Change::ScoringRules {
                field,
                old: old.cloned(),
                new: new.cloned(),
            });
        }
    }
}

fn stages(out: &mut Vec<Change>, old: &Definition, new: &Definition) {
    let old_ids: Vec<&str> = old.stages.iter().map(|s| s.id.as_str()).collect();
    let new_ids: Vec<&str> = new.stages.iter().map(|s| s.id.as_str()).collect();
    let common_old: Vec<&str> = old_ids
        .iter()
        .copied()
        .filter(|id| new_ids.contains(id))
        .collect();
    let common_new: Vec<&str> = new_ids
        .iter()
        .copied()
        .filter(|id| old_ids.contains(id))
        .collect();
    let kept_in_place = longest_common_subsequence(&common_old, &common_new);
    for (index, stage) in new.stages.iter().enumerate() {
        let Some(old_index) = old_ids.iter().position(|id| *id == stage.id) else {
            out.push(Change::StageAdded {
                stage: stage.id.clone(),
                index,
            });
            continue;
        };
        let Some(before) = old.stages.get(old_index) else {
            continue;
        };
        let id = || stage.id.clone();
        if !kept_in_place.contains(&stage.id.as_str()) {
            out.push(Change::StageMoved {
                stage: id(),
                old_index,
                new_index: index,
            });
        }
        if before.name != stage.name {
            out.push(Change::StageRenamed {
                stage: id(),
                old: before.name.clone(),
                new: stage.name.clone(),
            });
        }
        if before.kind != stage.kind {
            out.push(Change::StageKind {
                stage: id(),
                old: before.kind,
                new: stage.kind,
            });
        }
        let texts = [
            ("owner", &before.owner, &stage.owner),
            ("description", &before.description, &stage.description),
        ];
        for (field, a, b) in texts {
            if a != b {
                out.push(Change::StageText {
                    stage: id(),
                    field,
                    old: a.clone(),
                    new: b.clone(),
                });
            }
        }
        let criteria = [
            (
                "entryCriteria",
                &before.entry_criteria,
                &stage.entry_criteria,
            ),
            ("exitCriteria", &before.exit_criteria, &stage.exit_criteria),
        ];
        for (field, a, b) in criteria {
            if a != b {
                out.push(Change::Criteria {
                    stage: id(),
                    field,
                    old: a.clone(),
                    new: b.clone(),
                });
            }
        }
        if before.max_dwell != stage.max_dwell {
            out.push(Change::MaxDwell {
                stage: id(),
                old: before.max_dwell.clone(),
                new: stage.max_dwell.clone(),
            });
        }
        if before.sla != stage.sla {
            out.push(Change::Sla {
                stage: id(),
                old: before.sla.clone(),
                new: stage.sla.clone(),
            });
        }
        if before.rejection != stage.rejection {
            out.push(Change::Rejection {
                stage: id(),
                old: before.rejection.clone(),
                new: stage.rejection.clone(),
            });
        }
        if before.regress_to != stage.regress_to {
            out.push(Change::RegressTo {
                stage: id(),
                old: before.regress_to.clone(),
                new: stage.regress_to.clone(),
            });
        }
        if before.priority != stage.priority {
            out.push(Change::Priority {
                stage: id(),
                old: before.priority,
                new: stage.priority,
            });
        }
    }
    for (index, stage) in old.stages.iter().enumerate() {
        if !new_ids.contains(&stage.id.as_str()) {
            out.push(Change::StageRemoved {
                stage: stage.id.clone(),
                index,
            });
        }
    }
}

/// The ids of a longest common subsequence of `a` and `b` (stages that kept their relative
/// order); the others moved. Quadratic, and stages are at most 256.
fn longest_common_subsequence<'a>(a: &[&'a str], b: &[&'a str]) -> Vec<&'a str> {
    let width = b.len() + 1;
    let mut table = vec![0usize; (a.len() + 1) * width];
    let at = |i: usize, j: usize| i * width + j;
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            let value = if a.get(i) == b.get(j) {
                1 + table.get(at(i + 1, j + 1)).copied().unwrap_or(0)
            } else {
                let down = table.get(at(i + 1, j)).copied().unwrap_or(0);
                let right = table.get(at(i, j + 1)).copied().unwrap_or(0);
                down.max(right)
            };
            if let Some(cell) = table.get_mut(at(i, j)) {
                *cell = value;
            }
        }
    }
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while let (Some(x), Some(y)) = (a.get(i), b.get(j)) {
        if x == y {
            out.push(*x);
            i += 1;
            j += 1;
        } else if table.get(at(i + 1, j)) >= table.get(at(i, j + 1)) {
            i += 1;
        } else {
            j += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn def(stages: &str, version: &str) -> Definition {
        let text =
            format!(r#"{{"id": "j", "name": "J", "version": "{version}", "stages": [{stages}]}}"#);
        Definition::from_json(&text).0.unwrap()
    }

    fn stage(id: &str, name: &str, extra: &str) -> String {
        format!(r#"{{"id": "{id}", "name": "{name}", "kind": "pre-sale"{extra}}}"#)
    }

    #[test]
    fn scoring_and_calendar_changes_are_reported() {
        let with = |weights: &str, calendar: &str| {
            let text = format!(
                r#"{{"id": "j", "name": "J", "version": "1", {calendar}
                    "scoring": {{"weights": {weights}}},
                    "stages": [{{"id": "a", "name": "A", "kind": "pre-sale"}}]}}"#
            );
            Definition::from_json(&text).0.unwrap()
        };
        let old = with(r#"{"fit": 0.5, "engagement": 0.5}"#, "");
        let new = with(
            r#"{"fit": 0.4, "engagement": 0.5, "intent": 0.1}"#,
            r#""calendar": {"utcOffset": "+01:00"},"#,
        );
        let changes = serde_json::to_value(diff_definitions(&old, &new).changes).unwrap();
        let summary: Vec<String> = changes
            .as_array()
            .unwrap()
            .iter()
            .map(|c| format!("{} {}", c["change"], c["component"]))
            .collect();
        assert_eq!(
            summary,
            [
                "\"scoring-weight\" \"fit\"",
                "\"scoring-weight\" \"intent\"",
                "\"calendar\" null"
            ]
        );
        assert_eq!(changes[0]["old"], 0.5);
        assert_eq!(changes[0]["new"], 0.4);
    }

    #[test]
    fn identical_definitions_have_no_changes() {
        let a = def(&stage("a", "A", ""), "1");
        let diff = diff_definitions(&a, &a.clone());
        assert!(diff.identical && diff.changes.is_empty());
    }

    #[test]
    fn moves_renames_criteria_and_dwell_are_reported() {
        let old = def(
            &[
                stage("a", "A", ""),
                stage("b", "B", r#", "entryCriteria": "score.composite > 75""#),
                stage("c", "C", ""),
                stage("gone", "Gone", ""),
            ]
            .join(","),
            "1",
        );
        let new = def(
            &[
                stage("b", "Bee", r#", "entryCriteria": "score.composite > 70""#),
                stage(
                    "c",
                    "C",
                    r#", "maxDwell": {"after": "30d", "action": "re-engagement"}"#,
                ),
                stage("a", "A", ""),
                stage("new", "New", ""),
            ]
            .join(","),
            "2",
        );
        let diff = diff_definitions(&old, &new);
        let json = serde_json::to_value(&diff.changes).unwrap();
        let kinds: Vec<(&str, &str)> = json
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["change"].as_str().unwrap(),
                    c.get("stage")
                        .or(c.get("field"))
                        .and_then(|v| v.as_str())
                        .unwrap(),
                )
            })
            .collect();
        assert_eq!(
            kinds,
            [
                ("metadata", "version"),
                ("stage-renamed", "b"),
                ("criteria", "b"),
                ("max-dwell", "c"),
                ("stage-moved", "a"),
                ("stage-added", "new"),
                ("stage-removed", "gone"),
            ]
        );
        assert_eq!(json[2]["old"], "score.composite > 75");
        assert_eq!(json[4]["oldIndex"], 0);
        assert_eq!(json[4]["newIndex"], 2);
    }
}
