//! Classification, as of a date: which stage an account is in, and why — the winning stage's
//! conditions with the values they saw, the other stages that also matched but lost on
//! precedence, and what the next stage still needs ("score.composite > 75: has 68").
//!
//! The account's context is completed first (`Journey::context`: buying-group facts, the
//! computed score). A stage holds when its entry criterion holds, its required roles are
//! engaged, and its exit criterion does not hold; among the stages that hold the highest
//! priority wins (a stage's `priority`, else its position: the most advanced), a tie going to
//! the later stage. History — transitions, dwell, SLAs — is replay's (issue 5, next).

use serde::Serialize;

use crate::expr::Data;
use crate::expr::explain::{Check, explain};
use crate::{Error, Journey, Unmatched};

/// Where an account stands.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Classification {
    /// The date it is as of.
    pub as_of: String,
    /// The journey's id, version and hash: the exact definition that answered.
    pub journey: JourneyRef,
    /// The stage's id; `null` when no stage holds.
    pub stage: Option<String>,
    /// `in-stage`; `outside` (no stage holds and the journey declares such accounts outside
    /// it); or `no-stage` (no stage holds: a gap in the model).
    pub status: &'static str,
    /// Every stage that holds, the winner first, then by precedence.
    pub matched: Vec<String>,
    /// Stages whose entry criterion holds but whose exit criterion holds too.
    pub exited: Vec<String>,
    /// Stages whose entry criterion is unknown: a value it needs is missing.
    pub unknown: Vec<String>,
    /// Why the stage: its entry criterion's conditions and what they saw.
    pub because: Option<StageReason>,
    /// The next, more advanced stage and its conditions that do not hold yet.
    pub next: Option<StageReason>,
}

/// A journey's identity in an output.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JourneyRef {
    /// Its id.
    pub id: String,
    /// Its version.
    pub version: String,
    /// SHA-256 of its canonical form.
    pub hash: String,
}

/// A stage and the conditions that explain it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StageReason {
    /// The stage's id.
    pub stage: String,
    /// Its entry criterion as written (`null` when it has none).
    pub criterion: Option<String>,
    /// The criterion's conditions (for `next`, only those that do not hold), each with the
    /// values it saw.
    pub checks: Vec<Check>,
    /// Required roles not engaged (for `next`), when the stage requires roles.
    pub missing_roles: Vec<String>,
}

impl Journey {
    /// Classifies an account (an account context; its `asOf` is the date) into one stage, with
    /// the explanation.
    ///
    /// ```
    /// use account_journey::{Journey, expr::Data};
    /// let journey = Journey::embedded_default()?;
    /// let account = Data::account_from_json(r#"{"asOf": "2026-11-22",
    ///     "firmographics": {"resolved": true}, "crm": {"salesAccepted": true}}"#)?;
    /// let c = journey.classify(&account)?;
    /// assert_eq!(c.stage.as_deref(), Some("saa"));
    /// assert_eq!(c.matched, ["saa", "identified", "anonymous"]);
    /// assert_eq!(c.next.map(|n| n.stage).as_deref(), Some("opportunity"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// As [`Journey::context`]; a criterion's evaluation error, with its path
    /// (`/stages/<i>/entryCriteria`).
    pub fn classify(&self, account: &Data) -> Result<Classification, Error> {
        let context = self.context(account)?;
        let def = self.definition();
        let failed = |i: usize, key: &str, e: crate::expr::ExprError| {
            Error::new(e.code, format!("/stages/{i}/{key}"), e.message)
        };
        let mut holding = Vec::new();
        let mut exited = Vec::new();
        let mut unknown = Vec::new();
        for (i, stage) in def.stages.iter().enumerate() {
            let entry = self
                .entry_holds(i, &context)
                .map_err(|e| failed(i, "entryCriteria", e))?;
            match entry {
                Some(true) => {
                    let exit = self
                        .exit_holds(i, &context)
                        .map_err(|e| failed(i, "exitCriteria", e))?;
                    if exit == Some(true) {
                        exited.push(stage.id.clone());
                    } else {
                        holding.push(i);
                    }
                }
                None if stage.entry_criteria.is_some() => unknown.push(stage.id.clone()),
                _ => {}
            }
        }
        let priority = |i: usize| {
            def.stages
                .get(i)
                .and_then(|s| s.priority)
                .map_or(i as i64, i64::from)
        };
        // Highest priority first; on a tie, the later stage.
        holding.sort_by(|&a, &b| priority(b).cmp(&priority(a)).then(b.cmp(&a)));
        let winner = holding.first().copied();
        let status = match (winner, def.unmatched) {
            (Some(_), _) => "in-stage",
            (None, Unmatched::Outside) => "outside",
            (None, Unmatched::Gap) => "no-stage",
        };
        let because = winner.and_then(|i| {
            let stage = def.stages.get(i)?;
            Some(StageReason {
                stage: stage.id.clone(),
                criterion: stage.entry_criteria.clone(),
                checks: stage
                    .entry_criteria
                    .as_deref()
                    .map(|c| explain(c, &context))
                    .unwrap_or_default(),
                missing_roles: Vec::new(),
            })
        });
        // The nearest stage above the winner (or the first, without one) that has criteria and
        // does not hold.
        let floor = winner.map(priority);
        let next = def
            .stages
            .iter()
            .enumerate()
            .filter(|(i, s)| {
                s.entry_criteria.is_some()
                    && !holding.contains(i)
                    && floor.is_none_or(|f| priority(*i) > f)
            })
            .min_by(|(a, _), (b, _)| priority(*a).cmp(&priority(*b)).then(a.cmp(b)))
            .map(|(_, stage)| StageReason {
                stage: stage.id.clone(),
                criterion: stage.entry_criteria.clone(),
                checks: stage
                    .entry_criteria
                    .as_deref()
                    .map(|c| explain(c, &context))
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|c| c.holds != Some(true))
                    .collect(),
                missing_roles: self
                    .buying_group(account)
                    .ok()
                    .and_then(|facts| facts.stages.into_iter().find(|s| s.stage == stage.id))
                    .map(|s| s.missing_roles)
                    .unwrap_or_default(),
            });
        let as_of = match &context {
            Data::Object(fields) => match fields.first() {
                Some(Data::Timestamp(t)) => crate::expr::data::format_timestamp(*t),
                _ => String::new(),
            },
            _ => String::new(),
        };
        Ok(Classification {
            as_of,
            journey: JourneyRef {
                id: def.id.clone(),
                version: def.version.clone(),
                hash: self.hash().to_string(),
            },
            stage: winner.and_then(|i| def.stages.get(i)).map(|s| s.id.clone()),
            status,
            matched: holding
                .iter()
                .filter_map(|&i| def.stages.get(i).map(|s| s.id.clone()))
                .collect(),
            exited,
            unknown,
            because,
            next,
        })
    }
}
