//! What a replay reports, per account and in all: the serialisable views of the replay state
//! as of a date (stage ids, RFC 3339 times, durations in milliseconds).

use serde::Serialize;

use super::account::{AccountState, Plan, SlaStatus, Trigger};
use super::{EventCounts, RefusedEvent};
use crate::classify::JourneyRef;
use crate::definition::{BreachAction, DwellAction, Unmatched};
use crate::expr::data::{format_duration, format_timestamp};
use crate::expr::explain::Check;

/// A replay's answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReplayResult {
    /// The date the timelines run to.
    pub as_of: String,
    /// The journey replayed.
    pub journey: JourneyRef,
    /// Event counts over every batch: `received = applied + refused`.
    pub events: EventCounts,
    /// The events of this call that were refused, with reasons (earlier batches reported
    /// theirs when applied).
    pub refused: Vec<RefusedEvent>,
    /// Every account, by id.
    pub accounts: Vec<AccountTimeline>,
}

/// One account's history as of the replay's date.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountTimeline {
    /// The account id.
    pub account: String,
    /// Its stage as of the date.
    pub stage: Option<String>,
    /// `in-stage`, `outside` (a journey whose unmatched accounts are outside it) or
    /// `no-stage` (a gap in the stage model).
    pub status: &'static str,
    /// When it entered its stage.
    pub entered_at: Option<String>,
    /// Whether a manual override, a recycle or a downgrade holds it there (rather than the
    /// criteria).
    pub pinned: bool,
    /// Every move, oldest first.
    pub transitions: Vec<TransitionView>,
    /// Time in each stage visited, in journey order.
    pub dwell: Vec<DwellView>,
    /// Every max-dwell breach.
    pub breaches: Vec<BreachView>,
    /// Whether it breached its current stage's max dwell and has not moved since.
    pub stuck: bool,
    /// Every SLA run.
    pub slas: Vec<SlaView>,
    /// A recycle a rejection scheduled that has not happened by the date.
    pub recycle: Option<RecycleView>,
    /// Evaluations that failed (a criterion dividing by zero): the stage stayed as it was.
    pub errors: Vec<ErrorView>,
    /// Events applied to this account.
    pub events: u64,
}

/// One move between stages.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TransitionView {
    /// When.
    pub at: String,
    /// From which stage (`null` for the first).
    pub from: Option<String>,
    /// To which stage (`null`: out of every stage).
    pub to: Option<String>,
    /// `entry`, `advance`, `skip`, `regression`, `churn`, `recycle`, `reopen`, `override`,
    /// `exit`.
    pub kind: &'static str,
    /// The path stages a skip passed over.
    pub skipped: Vec<String>,
    /// For a regression: whether the stage left declares it (`regressTo`), or a downgrade did it.
    pub expected: Option<bool>,
    /// What set it off.
    pub trigger: TriggerView,
    /// A rejection's (or a loss's, or an override's) reason.
    pub reason: Option<String>,
    /// Who overrode the stage.
    pub by: Option<String>,
    /// The entry criterion of the stage entered, condition by condition, with the values seen.
    pub checks: Vec<Check>,
    /// Something unusual about it.
    pub note: Option<String>,
}

/// What set a transition off.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TriggerView {
    /// `event`, `time` (a window expired or a score decayed), `max-dwell`, `recycle` or
    /// `conflict` (another journey's stage began or stopped suppressing stages; `id` names
    /// the conflict rules).
    pub kind: &'static str,
    /// The event's type.
    pub event: Option<String>,
    /// The event's id.
    pub id: Option<String>,
}

/// Time in one stage.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DwellView {
    /// The stage.
    pub stage: String,
    /// How many times the account entered it.
    pub visits: u32,
    /// The current stay so far, when the account is in it (milliseconds).
    pub current_ms: Option<i64>,
    /// Every stay, the current one included (milliseconds).
    pub cumulative_ms: i64,
}

/// A max-dwell breach.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BreachView {
    /// The stage.
    pub stage: String,
    /// When the limit passed.
    pub at: String,
    /// When the stay began.
    pub entered_at: String,
    /// The limit.
    pub after: String,
    /// The action to fire.
    pub action: DwellAction,
    /// The play to run.
    pub play: Option<String>,
}

/// One SLA run.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SlaView {
    /// The SLA's id.
    pub id: String,
    /// The stage whose entry started it.
    pub stage: String,
    /// Who must act.
    pub owner: String,
    /// `met`, `breached` or `open`.
    pub status: &'static str,
    /// When it started.
    pub started_at: String,
    /// When it is due (`null` when the calendar has no working time).
    pub due_at: Option<String>,
    /// When it was met or breached.
    pub closed_at: Option<String>,
    /// Time counted against the deadline until it closed (or until the date, when open):
    /// working time when the SLA is in business hours (milliseconds).
    pub elapsed_ms: i64,
    /// Whether it counts working hours only.
    pub business_hours: bool,
    /// What a breach fires.
    pub on_breach: Option<BreachAction>,
}

/// A recycle waiting to happen.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RecycleView {
    /// When.
    pub at: String,
    /// To which stage.
    pub to: String,
    /// The rejection's reason code.
    pub reason: String,
}

/// An evaluation that failed.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorView {
    /// When.
    pub at: String,
    /// The stable code.
    pub code: &'static str,
    /// Where in the definition.
    pub path: String,
    /// What went wrong.
    pub message: String,
}

/// The view of one account's state, replayed to `as_of`.
pub(super) fn timeline(plan: &Plan<'_>, state: &AccountState, as_of: i64) -> AccountTimeline {
    let def = plan.journey.definition();
    let id = |i: usize| def.stages.get(i).map_or_else(String::new, |s| s.id.clone());
    let time = |t: i64| format_timestamp(t);
    let status = match (state.stage, def.unmatched) {
        (Some(_), _) => "in-stage",
        (None, Unmatched::Outside) => "outside",
        (None, Unmatched::Gap) => "no-stage",
    };
    let current_ms = as_of.saturating_sub(state.entered_at).max(0);
    let mut dwell: Vec<_> = state
        .dwell
        .iter()
        .map(|d| {
            let current = (state.stage == Some(d.stage)).then_some(current_ms);
            (
                d.stage,
                DwellView {
                    stage: id(d.stage),
                    visits: d.visits,
                    current_ms: current,
                    cumulative_ms: d.completed_ms.saturating_add(current.unwrap_or(0)),
                },
            )
        })
        .collect();
    crate::sort::sort_by_key(&mut dwell, |(stage, _)| *stage);
    let calendar = def.calendar.as_ref();
    AccountTimeline {
        account: state.id.clone(),
        stage: state.stage.map(id),
        status,
        entered_at: state.stage.map(|_| time(state.entered_at)),
        pinned: state.pin.is_some(),
        transitions: state
            .transitions
            .iter()
            .map(|t| TransitionView {
                at: time(t.at),
                from: t.from.map(id),
                to: t.to.map(id),
                kind: t.kind.as_str(),
                skipped: t.skipped.iter().map(|&s| id(s)).collect(),
                expected: t.expected,
                trigger: match &t.trigger {
                    Trigger::Event { kind, id } => TriggerView {
                        kind: "event",
                        event: Some(kind.clone()),
                        id: id.clone(),
                    },
                    Trigger::Time => TriggerView {
                        kind: "time",
                        event: None,
                        id: None,
                    },
                    Trigger::MaxDwell => TriggerView {
                        kind: "max-dwell",
                        event: None,
                        id: None,
                    },
                    Trigger::Recycle => TriggerView {
                        kind: "recycle",
                        event: None,
                        id: None,
                    },
                    Trigger::Conflict(rules) => TriggerView {
                        kind: "conflict",
                        event: None,
                        id: Some(rules.clone()),
                    },
                },
                reason: t.reason.clone(),
                by: t.by.clone(),
                checks: t
                    .to
                    .and_then(|s| plan.explainers.get(s))
                    .map(|e| e.checks(&t.checks))
                    .unwrap_or_default(),
                note: t.note.clone(),
            })
            .collect(),
        dwell: dwell.into_iter().map(|(_, d)| d).collect(),
        breaches: state
            .breaches
            .iter()
            .filter_map(|b| {
                let stage = def.stages.get(b.stage)?;
                let limit = stage.max_dwell.as_ref()?;
                Some(BreachView {
                    stage: stage.id.clone(),
                    at: time(b.at),
                    entered_at: time(b.entered_at),
                    after: format_duration(limit.after_ms),
                    action: limit.action,
                    play: limit.play.clone(),
                })
            })
            .collect(),
        stuck: state.breached_stay,
        slas: state
            .slas
            .iter()
            .filter_map(|run| {
                let stage = def.stages.get(run.stage)?;
                let sla = stage.sla.as_ref()?;
                let (status, closed_at, end) = match run.closed {
                    Some((t, SlaStatus::Met)) => ("met", Some(time(t)), t),
                    Some((t, SlaStatus::Breached)) => ("breached", Some(time(t)), t),
                    None => ("open", None, as_of),
                };
                let elapsed = if sla.business_hours {
                    let fallback = crate::calendar::default_calendar();
                    crate::calendar::business_time_between(
                        calendar.unwrap_or(&fallback),
                        run.started,
                        end,
                    )
                } else {
                    end.saturating_sub(run.started).max(0)
                };
                Some(SlaView {
                    id: sla.id.clone(),
                    stage: stage.id.clone(),
                    owner: sla.owner.clone(),
                    status,
                    started_at: time(run.started),
                    due_at: run.deadline.map(time),
                    closed_at,
                    elapsed_ms: elapsed,
                    business_hours: sla.business_hours,
                    on_breach: sla.on_breach.clone(),
                })
            })
            .collect(),
        recycle: state.recycle.as_ref().map(|r| RecycleView {
            at: time(r.at),
            to: id(r.to),
            reason: r.reason.clone(),
        }),
        errors: state
            .errors
            .iter()
            .map(|e| ErrorView {
                at: time(e.at),
                code: e.code.as_str(),
                path: e.path.clone(),
                message: e.message.clone(),
            })
            .collect(),
        events: state.applied,
    }
}
