//! Coverage: whether an account can meet no stage's entry criteria (a gap), and whether two
//! stages with no precedence between them can both match (an overlap).
//!
//! Both are answered with probe accounts (`expr::probe`): a warning always shows an account
//! that has the problem, so there are no false alarms; a definition whose criteria the probes
//! cannot fault within their budget gets no warning. Precedence is the stage's `priority`, else
//! its position, so only equal priorities (at least one explicit) can overlap without one.

use std::collections::BTreeMap;

use super::behaviour::Finding;
use super::{Definition, Stage, Unmatched};
use crate::error::{Code, Diagnostic};
use crate::expr::Expression;
use crate::expr::probe::Probes;

/// Gap and overlap warnings for a definition whose entry criteria all compile (otherwise their
/// errors are reported elsewhere and nothing is concluded here).
pub(super) fn check(out: &mut Vec<Finding>, def: &Definition, stages: &[Stage]) {
    let mut compiled = Vec::with_capacity(stages.len());
    for stage in stages {
        match stage.entry_criteria.as_deref().map(Expression::compile) {
            None => compiled.push(None),
            Some(Ok(expr)) if expr.result_type() == crate::expr::Ty::Bool => {
                compiled.push(Some(expr));
            }
            Some(_) => return,
        }
    }
    if def.unmatched == Unmatched::Gap {
        gap(out, &compiled);
    }
    overlaps(out, stages, &compiled);
}

fn gap(out: &mut Vec<Finding>, compiled: &[Option<Expression>]) {
    let criteria: Vec<&Expression> = compiled.iter().flatten().collect();
    // A journey without criteria is moved by hand; a criterion that reads nothing and holds
    // (`true`) is a catch-all.
    if criteria.is_empty() || criteria.iter().any(|e| e.is_constant_true()) {
        return;
    }
    let witness = Probes::new(&criteria).find(|account| {
        criteria
            .iter()
            .all(|e| matches!(e.evaluate_bool(account), Ok(Some(false) | None)))
    });
    if let Some(witness) = witness {
        out.push((
            Diagnostic::warning(
                Code::StageGap,
                "/stages",
                format!(
                    "an account can meet no stage's entry criteria, e.g. one with {}; add a \
                     catch-all first stage (\"entryCriteria\": \"true\") or declare \
                     \"unmatched\": \"outside\" if such accounts are outside this journey",
                    witness.description
                ),
            ),
            None,
        ));
    }
}

/// Stages sharing a priority (their own, else their position; at least one explicit, since
/// two positions never collide) whose entry criteria an account can meet together.
fn overlaps(out: &mut Vec<Finding>, stages: &[Stage], compiled: &[Option<Expression>]) {
    let mut first_with: BTreeMap<i64, usize> = BTreeMap::new();
    for (i, stage) in stages.iter().enumerate() {
        let effective = stage.priority.map_or(i as i64, i64::from);
        let Some(&first) = first_with.get(&effective) else {
            first_with.insert(effective, i);
            continue;
        };
        let explicit =
            stage.priority.is_some() || stages.get(first).is_some_and(|s| s.priority.is_some());
        let (Some(Some(a)), Some(Some(b))) = (compiled.get(first), compiled.get(i)) else {
            continue;
        };
        if !explicit {
            continue;
        }
        let both = [a, b];
        let witness = Probes::new(&both).find(|account| {
            both.iter()
                .all(|e| e.evaluate_bool(account) == Ok(Some(true)))
        });
        if let Some(witness) = witness {
            out.push((
                Diagnostic::warning(
                    Code::AmbiguousPriority,
                    format!("/stages/{i}/priority"),
                    format!(
                        "stage \"{}\" has the same priority ({effective}) as /stages/{first} \
                         (a stage without one has its position) and an account can meet both \
                         entry criteria, e.g. one with {}; their order in the list then decides",
                        stage.id, witness.description
                    ),
                ),
                None,
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use crate::Definition;

    fn messages(stages: &str, extra: &str) -> Vec<String> {
        let text =
            format!(r#"{{"id": "j", "name": "J", "version": "1", {extra} "stages": [{stages}]}}"#);
        let (_, diagnostics) = Definition::from_json(&text);
        diagnostics.into_iter().map(|d| d.message).collect()
    }

    #[test]
    fn a_gap_is_shown_with_an_account_that_falls_through() {
        let stages = r#"{"id": "hot", "name": "Hot", "kind": "pre-sale",
            "entryCriteria": "score.composite > 75 or crm.opportunity.open"}"#;
        let found = messages(stages, "");
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].starts_with(
                "an account can meet no stage's entry criteria, e.g. one with score.composite, \
                 crm.opportunity.open all null, false, 0 or empty;"
            ),
            "{}",
            found[0]
        );
        assert!(messages(stages, r#""unmatched": "outside","#).is_empty());
    }

    #[test]
    fn an_overlap_is_shown_with_an_account_meeting_both() {
        let stages = r#"{"id": "a", "name": "A", "kind": "pre-sale", "entryCriteria": "true"},
            {"id": "hot", "name": "Hot", "kind": "pre-sale", "priority": 9,
             "entryCriteria": "score.intent > 80"},
            {"id": "fit", "name": "Fit", "kind": "pre-sale", "priority": 9,
             "entryCriteria": "score.fit >= 50 and score.intent > 60"}"#;
        let found = messages(stages, "");
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].contains("e.g. one with score.fit = 50, score.intent = 81;"),
            "{}",
            found[0]
        );
    }

    #[test]
    fn criteria_that_do_not_compile_conclude_nothing() {
        let stages =
            r#"{"id": "a", "name": "A", "kind": "pre-sale", "entryCriteria": "score.nope"}"#;
        let found = messages(stages, "");
        assert_eq!(found.len(), 1, "only the compile error: {found:?}");
    }
}
