//! One account's replay: its facts as events build them up, the stage the journey gives it at
//! every event and at every moment in between where the answer changes by itself (a window
//! expiring, a score decaying), and what that history means — transitions, dwell, max-dwell
//! breaches, SLAs, rejections recycled to nurture, manual overrides.
//!
//! It owns the rules of movement (documented in `docs/replay.md`); reading events is
//! `events`' work, the batch around it `mod`'s.

use crate::classify::DAY_MS;
use crate::definition::{DwellAction, StageKind};
use crate::error::Error;
use crate::expr::data::set_path;
use crate::expr::explain::{Explainer, Seen};
use crate::expr::{Data, Expression};
use crate::journey::Journey;

use super::events::{Event, EventKind, Refusal};

/// The most moves replay looks for by itself between two events (or before a result) — a
/// sound journey makes a few; one that undoes its own moves is stopped with an error.
pub const MAX_MOVES_BETWEEN_EVENTS: usize = 1_000;

/// The fewest signals an account holds for the stage after an event to be found by a compiled
/// look rather than on its context: below it, taking the account apart costs more than the
/// look saves (measured: see `docs/decisions/005-replay.md`). The unit tests use every
/// account with a signal, so their comparisons with looks on the context cover it.
const COMPILED_EVALUATION_MIN_SIGNALS: usize = if cfg!(test) { 1 } else { 4 };

/// How long an event's id is remembered, in event time, to recognise a redelivery.
pub const DEDUPE_WINDOW_MS: i64 = 7 * DAY_MS;

/// What a journey's replay needs compiled once: SLA criteria, stage references by index,
/// positions of the facts events change.
pub(crate) struct Plan<'j> {
    pub journey: &'j Journey,
    until: Vec<Option<Expression>>,
    recycle_to: Vec<Option<usize>>,
    downgrade_to: Vec<Option<usize>>,
    regress_to: Vec<Vec<usize>>,
    pos: Positions,
    /// Each stage's entry criterion compiled for explaining transitions into it.
    pub(crate) explainers: &'j [Explainer],
    /// How long a signal is kept as it is (`None`: for ever, since some criterion reads
    /// signals without a window); older ones are folded into score sums or dropped.
    reach: Option<i64>,
    /// Whether a criterion or scoring rule reads `stage` or `daysInStage`: then a move changes
    /// what the criteria give without the facts changing, and `criteria_stage` is confirmed by
    /// a look before each search.
    pub(crate) reads_stage: bool,
}

/// Positions (in the account schema) of the fields events set.
struct Positions {
    stage: Vec<usize>,
    days_in_stage: Vec<usize>,
    account_id: Vec<usize>,
    firmographics: Vec<usize>,
    account: Vec<usize>,
    signals: Vec<usize>,
    contacts: Vec<usize>,
    sales_accepted: Vec<usize>,
    rejected: Vec<usize>,
    rejection_reason: Vec<usize>,
    won: Vec<usize>,
    lost: Vec<usize>,
    churned: Vec<usize>,
    customer_since: Vec<usize>,
    opportunity_open: Vec<usize>,
    opportunity_amount: Vec<usize>,
    opportunity_stage: Vec<usize>,
    opportunity_created: Vec<usize>,
}

impl Positions {
    fn new() -> Positions {
        Positions {
            stage: crate::expr::data::schema_path("stage"),
            days_in_stage: crate::expr::data::schema_path("daysInStage"),
            account_id: crate::expr::data::schema_path("account.id"),
            firmographics: crate::expr::data::schema_path("firmographics"),
            account: crate::expr::data::schema_path("account"),
            signals: crate::expr::data::schema_path("signals"),
            contacts: crate::expr::data::schema_path("contacts"),
            sales_accepted: crate::expr::data::schema_path("crm.salesAccepted"),
            rejected: crate::expr::data::schema_path("crm.rejected"),
            rejection_reason: crate::expr::data::schema_path("crm.rejectionReason"),
            won: crate::expr::data::schema_path("crm.won"),
            lost: crate::expr::data::schema_path("crm.lost"),
            churned: crate::expr::data::schema_path("crm.churned"),
            customer_since: crate::expr::data::schema_path("crm.customerSince"),
            opportunity_open: crate::expr::data::schema_path("crm.opportunity.open"),
            opportunity_amount: crate::expr::data::schema_path("crm.opportunity.amount"),
            opportunity_stage: crate::expr::data::schema_path("crm.opportunity.stage"),
            opportunity_created: crate::expr::data::schema_path("crm.opportunity.createdAt"),
        }
    }
}

impl<'j> Plan<'j> {
    pub fn new(journey: &'j Journey) -> Result<Plan<'j>, Error> {
        let stages = &journey.definition().stages;
        let index = |id: &Option<String>| id.as_deref().and_then(|id| journey.stage_index(id));
        let until: Vec<Option<Expression>> = stages
            .iter()
            .enumerate()
            .map(|(i, s)| {
                s.sla
                    .as_ref()
                    .map(|sla| Expression::compile(&sla.until))
                    .transpose()
                    .map_err(|e| {
                        Error::new(
                            crate::Code::Internal,
                            format!("/stages/{i}/sla/until"),
                            e.message,
                        )
                    })
            })
            .collect::<Result<_, _>>()?;
        let until_exprs: Vec<Expression> = until.iter().flatten().cloned().collect();
        Ok(Plan {
            journey,
            until,
            recycle_to: stages
                .iter()
                .map(|s| index(&s.rejection.as_ref().map(|r| r.recycle_to.clone())))
                .collect(),
            downgrade_to: stages
                .iter()
                .map(|s| index(&s.max_dwell.as_ref().and_then(|d| d.downgrade_to.clone())))
                .collect(),
            regress_to: stages
                .iter()
                .map(|s| {
                    s.regress_to
                        .iter()
                        .filter_map(|id| journey.stage_index(id))
                        .collect()
                })
                .collect(),
            pos: Positions::new(),
            reach: journey.signal_reach(&until_exprs),
            explainers: journey.explainers(),
            reads_stage: journey.reads_stage(),
        })
    }

    fn stage(&self, i: usize) -> Option<&crate::definition::Stage> {
        self.journey.definition().stages.get(i)
    }
}

/// How an account moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransitionKind {
    /// Its first stage.
    Entry,
    /// To the next stage on the path.
    Advance,
    /// Forward past one or more stages on the path (a referral that starts at SAA).
    Skip,
    /// Back to an earlier stage (an opportunity disqualified, a score decayed, a max-dwell
    /// downgrade).
    Regression,
    /// A churn event moved it.
    Churn,
    /// A rejection recycled it to nurture after the declared delay.
    Recycle,
    /// Out of a terminal stage (a lost deal reopened).
    Reopen,
    /// Someone set the stage by hand.
    Override,
    /// Out of every stage (a journey whose unmatched accounts are outside it).
    Exit,
}

impl TransitionKind {
    /// Every kind, in documentation order.
    pub const ALL: [TransitionKind; 9] = [
        TransitionKind::Entry,
        TransitionKind::Advance,
        TransitionKind::Skip,
        TransitionKind::Regression,
        TransitionKind::Churn,
        TransitionKind::Recycle,
        TransitionKind::Reopen,
        TransitionKind::Override,
        TransitionKind::Exit,
    ];

    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            TransitionKind::Entry => "entry",
            TransitionKind::Advance => "advance",
            TransitionKind::Skip => "skip",
            TransitionKind::Regression => "regression",
            TransitionKind::Churn => "churn",
            TransitionKind::Recycle => "recycle",
            TransitionKind::Reopen => "reopen",
            TransitionKind::Override => "override",
            TransitionKind::Exit => "exit",
        }
    }
}

/// What set a transition off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Trigger {
    /// An event: its type and id.
    Event {
        /// The event's type.
        kind: String,
        /// Its id, if it had one.
        id: Option<String>,
    },
    /// Time alone: a window expired or a score decayed across a threshold.
    Time,
    /// A max-dwell breach with the `stage-downgrade` action.
    MaxDwell,
    /// The recycle a rejection scheduled.
    Recycle,
    /// Another journey's stage started or stopped suppressing stages of this one (conflict
    /// rules, by id).
    Conflict(String),
}

/// One move between stages.
#[derive(Debug, Clone, PartialEq)]
pub struct Transition {
    /// When.
    pub at: i64,
    /// From which stage (by index; `None` before the first).
    pub from: Option<usize>,
    /// To which stage (`None`: out of every stage).
    pub to: Option<usize>,
    /// How.
    pub kind: TransitionKind,
    /// Stages on the path passed over by a skip.
    pub skipped: Vec<usize>,
    /// For a regression: whether the stage left declares it (`regressTo`) or a downgrade did it.
    pub expected: Option<bool>,
    /// What set it off.
    pub trigger: Trigger,
    /// The rejection's reason code (a move a rejection caused, or its recycle).
    pub reason: Option<String>,
    /// Who overrode the stage.
    pub by: Option<String>,
    /// The entry criterion of the stage entered, condition by condition, with the values seen
    /// (empty for overrides, recycles and downgrades, which criteria did not decide).
    pub checks: Vec<Seen>,
    /// Something unusual about it (a close without an open opportunity).
    pub note: Option<String>,
}

/// A max-dwell breach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Breach {
    /// The stage (by index).
    pub stage: usize,
    /// When the limit passed.
    pub at: i64,
    /// When the stay began.
    pub entered_at: i64,
}

/// One run of a stage's SLA.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SlaRun {
    /// The stage whose entry started it.
    pub stage: usize,
    /// When it started.
    pub started: i64,
    /// When it is due (`None`: a calendar without working time never reaches it).
    pub deadline: Option<i64>,
    /// When it was met or breached.
    pub closed: Option<(i64, SlaStatus)>,
}

/// An SLA's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlaStatus {
    /// `until` held by the deadline.
    Met,
    /// The deadline passed first.
    Breached,
}

/// A stage set by hand, a recycle or a downgrade: it stands while the criteria keep giving
/// what they gave when it was set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pin {
    /// The stage it holds the account in.
    pub stage: usize,
    /// The criteria's stage when it was set.
    pub basis: Option<usize>,
}

/// A recycle a rejection scheduled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recycle {
    /// When it happens.
    pub at: i64,
    /// Where to.
    pub to: usize,
    /// The rejection's reason code.
    pub reason: String,
}

/// Time spent in one stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Dwell {
    /// The stage.
    pub stage: usize,
    /// Time in it over completed stays, in milliseconds.
    pub completed_ms: i64,
    /// How many times the account entered it.
    pub visits: u32,
}

/// An evaluation that failed (a criterion divided by zero): the stage stayed as it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepError {
    /// When.
    pub at: i64,
    /// The error's code, path and message.
    pub code: crate::Code,
    /// Where in the definition.
    pub path: String,
    /// What went wrong.
    pub message: String,
}

/// One account's replay state: everything later events need, and the history so far.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AccountState {
    /// The account id.
    pub id: String,
    /// The facts events have built up: an account context (its `asOf`, `stage` and
    /// `daysInStage` are set for each evaluation).
    pub facts: Data,
    /// Replayed up to here (`i64::MIN`: nothing yet).
    pub now: i64,
    /// The time of the last event applied (events older than this are late).
    pub watermark: i64,
    /// The stage the account is in.
    pub stage: Option<usize>,
    /// When it entered it.
    pub entered_at: i64,
    /// The stage the criteria gave at the last evaluation.
    pub criteria_stage: Option<usize>,
    /// A stage held by hand, a recycle or a downgrade.
    pub pin: Option<Pin>,
    /// Whether the current stay has breached its max dwell.
    pub breached_stay: bool,
    /// Time per stage visited.
    pub dwell: Vec<Dwell>,
    /// Every SLA run.
    pub slas: Vec<SlaRun>,
    /// A recycle waiting to happen.
    pub recycle: Option<Recycle>,
    /// Every transition.
    pub transitions: Vec<Transition>,
    /// Every max-dwell breach.
    pub breaches: Vec<Breach>,
    /// Evaluations that failed.
    pub errors: Vec<StepError>,
    /// Recent event ids, with their times (see [`DEDUPE_WINDOW_MS`]).
    pub seen: Vec<(String, i64)>,
    /// Events applied to this account.
    pub applied: u64,
    /// Recurring revenue after each change, in hundredths, with when it changed (ascending;
    /// see [`AccountState::revenue_after`]): what net revenue retention is computed from.
    pub revenue: Vec<(i64, u64)>,
    /// Signals older than every window a criterion reads, folded into score sums per type and
    /// contact (see [`AccountState::retire_signals`]).
    pub carried: Vec<crate::score::Carry>,
    /// When the facts as they are were last evaluated without error, with the stages other
    /// journeys suppressed then (saved with the state, since `suppression` is not): a search
    /// for the next change from that moment,
    /// under the same suppression, needs no look to confirm `criteria_stage` ([`Plan::reads_stage`]
    /// aside). The suppression is part of it because a journey set replaces it for each batch and
    /// for results, with steps at or before that moment that were not known then.
    pub evaluated_at: Option<(i64, Vec<usize>)>,
    /// From when (ascending), which stages other journeys' conflict rules suppress, and the
    /// ids of the rules that started or stopped applying then: set for each batch from the other
    /// journeys' timelines, never saved.
    pub suppression: Vec<(i64, Vec<usize>, String)>,
    /// Whose the thread's compiled look buffers are (`look::Looker::take_kept`): kept while
    /// the facts change only by signals appended, dropped on any other change.
    pub(crate) look: LookToken,
}

/// The token of an account's snapshot in the thread's look buffers (0: none). Not part of
/// the state: equal whatever it holds, and not copied by a clone (a copy's facts may go
/// their own way).
#[derive(Debug, Default)]
pub(crate) struct LookToken(pub(crate) u64);

impl Clone for LookToken {
    fn clone(&self) -> LookToken {
        LookToken(0)
    }
}

impl PartialEq for LookToken {
    fn eq(&self, _: &LookToken) -> bool {
        true
    }
}

/// Something that happens by itself between events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Due {
    SlaDeadline(usize),
    Breach,
    Recycle,
    Conflict(usize),
}

impl AccountState {
    /// A new account with no facts beyond its id.
    pub fn new(plan: &Plan<'_>, id: &str, blank: &Data) -> AccountState {
        let mut facts = blank.clone();
        set_path(&mut facts, &plan.pos.account_id, Data::String(id.into()));
        AccountState {
            id: id.to_string(),
            facts,
            now: i64::MIN,
            watermark: i64::MIN,
            stage: None,
            entered_at: i64::MIN,
            criteria_stage: None,
            pin: None,
            breached_stay: false,
            dwell: Vec::new(),
            slas: Vec::new(),
            recycle: None,
            transitions: Vec::new(),
            breaches: Vec::new(),
            errors: Vec::new(),
            seen: Vec::new(),
            applied: 0,
            revenue: Vec::new(),
            carried: Vec::new(),
            evaluated_at: None,
            suppression: Vec::new(),
            look: LookToken(0),
        }
    }

    /// Whether an event with this id was applied within the dedupe window before `at`;
    /// forgets ids older than the window.
    pub fn is_duplicate(&mut self, id: &str, at: i64) -> bool {
        let horizon = at.saturating_sub(DEDUPE_WINDOW_MS);
        self.seen.retain(|(_, t)| *t >= horizon);
        self.seen.iter().any(|(seen, _)| seen == id)
    }

    /// Keeps memory and work bounded by recent activity, not history: a signal older than
    /// every window a criterion (or the buying group) reads can matter only through the score,
    /// so at `t` it is dropped when it can add no points again, folded into its type's (and
    /// contact's) running sum when it always will (half-life, permanent), and kept while a
    /// decay window runs. Scores then equal `classify`'s up to floating-point rounding (the
    /// sum is re-based, not re-added signal by signal); a journey whose criteria read signals
    /// without a window keeps every signal.
    fn retire_signals(&mut self, plan: &Plan<'_>, t: i64) {
        let Some(reach) = plan.reach else { return };
        let l = crate::expr::types::layout();
        let model = plan.journey.score_model();
        let Some(Data::List(signals)) = get_mut(&mut self.facts, &plan.pos.signals) else {
            return;
        };
        let old = |s: &Data| match s {
            Data::Object(values) => match values.get(l.signal_at) {
                Some(Data::Timestamp(at)) => t.saturating_sub(*at) > reach,
                _ => false,
            },
            _ => false,
        };
        if !signals.first().is_some_and(old) {
            return;
        }
        // The newest signal always stays listed, folded or not: an empty list would read as
        // "no signals known", which makes a rule over signals unknown rather than false.
        let before = signals.len();
        let last = before.saturating_sub(1);
        let mut position = 0;
        let carried = &mut self.carried;
        signals.retain(|signal| {
            let index = position;
            position += 1;
            if !old(signal) || index == last {
                return true;
            }
            let Data::Object(values) = signal else {
                return false;
            };
            let (Some(Data::String(kind)), Some(Data::Timestamp(at))) =
                (values.get(l.signal_type), values.get(l.signal_at))
            else {
                return false;
            };
            let Some(model) = model else { return false };
            match model.retire(kind, t.saturating_sub(*at)) {
                crate::score::Retire::Keep => true,
                crate::score::Retire::Drop => false,
                crate::score::Retire::Fold => {
                    let contact = match values.get(l.signal_contact) {
                        Some(Data::String(c)) => Some(c.to_string()),
                        _ => None,
                    };
                    if let Some(points) = model.points_at(signal, t) {
                        match carried
                            .iter_mut()
                            .find(|c| c.kind == kind.as_ref() && c.contact == contact)
                        {
                            Some(carry) => {
                                model.rebase(carry, t);
                                carry.points += points;
                            }
                            None => carried.push(crate::score::Carry {
                                kind: kind.to_string(),
                                contact,
                                at: t,
                                points,
                            }),
                        }
                    }
                    false
                }
            }
        });
        if signals.len() != before {
            // A kept snapshot only learns of signals appended.
            self.look.0 = 0;
        }
    }

    /// The account's recurring revenue at `t`, in hundredths (0 before any).
    pub fn revenue_at(&self, t: i64) -> u64 {
        self.revenue
            .iter()
            .rev()
            .find(|(at, _)| *at <= t)
            .map_or(0, |(_, r)| *r)
    }

    /// The recurring revenue after `event`, when it changes it (`won_amount`: what a win
    /// brings — the amount it carries, or the open opportunity's; none for a win of no open
    /// opportunity without an amount): a win adds it to what the account already has (an
    /// expansion deal), an `expansion` signal adds its amount, a `renewal` sets it (a renewal
    /// for less is a contraction), a churn ends it.
    fn revenue_after(&self, event: &EventKind, won_amount: Option<&Data>) -> Option<u64> {
        let l = crate::expr::types::layout();
        let current = self.revenue.last().map_or(0, |(_, r)| *r);
        let next = match event {
            EventKind::OpportunityWon { .. } => current.saturating_add(hundredths(won_amount)?),
            EventKind::Churn => 0,
            EventKind::Signal(Data::Object(values)) => {
                let amount = hundredths(values.get(l.signal_value));
                match values.get(l.signal_type) {
                    Some(Data::String(kind)) if kind.as_ref() == "expansion" => {
                        current.saturating_add(amount?)
                    }
                    Some(Data::String(kind)) if kind.as_ref() == "renewal" => amount?,
                    _ => return None,
                }
            }
            _ => return None,
        };
        (next != current).then_some(next)
    }

    /// The stages other journeys suppress at `t`.
    fn suppressed_at(&self, t: i64) -> Vec<usize> {
        self.suppression
            .iter()
            .rev()
            .find(|(from, _, _)| *from <= t)
            .map_or_else(Vec::new, |(_, stages, _)| stages.clone())
    }

    /// Sets the facts' `asOf`, stage and days in it for an evaluation at `t`.
    fn prepare(&mut self, plan: &Plan<'_>, t: i64) {
        let stage = self.stage.and_then(|s| plan.stage(s));
        let days = match stage {
            Some(_) => Data::Number(t.saturating_sub(self.entered_at).div_euclid(DAY_MS) as f64),
            None => Data::Null,
        };
        if let Data::Object(fields) = &mut self.facts
            && let Some(slot) = fields.first_mut()
        {
            *slot = Data::Timestamp(t);
        }
        // The stage's id is written only when it changed (no text copied per look).
        let written = match get(&self.facts, &plan.pos.stage) {
            Some(Data::String(id)) => stage.is_some_and(|s| s.id == id.as_ref()),
            Some(Data::Null) => stage.is_none(),
            _ => false,
        };
        if !written {
            let id = stage.map_or(Data::Null, |s| Data::String(s.id.as_str().into()));
            set_path(&mut self.facts, &plan.pos.stage, id);
            self.look.0 = 0;
        }
        set_path(&mut self.facts, &plan.pos.days_in_stage, days);
    }

    /// The criteria's stage at `t`, with the completed context — the facts themselves, taken
    /// out (no copy) until [`AccountState::put_back`] returns them. An evaluation error is
    /// recorded and gives `None` (the facts are back then).
    fn evaluate(&mut self, plan: &Plan<'_>, t: i64) -> Option<(Option<usize>, Data)> {
        self.prepare(plan, t);
        let suppressed = self.suppressed_at(t);
        let mut context = std::mem::replace(&mut self.facts, Data::Null);
        let outcome = plan
            .journey
            .complete_with(&mut context, &self.carried)
            .and_then(|()| plan.journey.winner(&context, &suppressed));
        match outcome {
            Ok(winner) => {
                self.evaluated_at = Some((t, suppressed));
                Some((winner, context))
            }
            Err(e) => {
                self.put_back(context);
                self.errors.push(StepError {
                    at: t,
                    code: e.code(),
                    path: e.path().to_string(),
                    message: e.message().to_string(),
                });
                None
            }
        }
    }

    /// [`AccountState::evaluate`]'s stage by a compiled look, with the stages suppressed at
    /// `t`, the facts prepared for `t` but not completed (see [`Journey::compiled_winner`]).
    /// `None` where the account is looked at on its context, or an SLA is open (meeting it
    /// reads the completed context), or the account holds too few signals for a compiled look
    /// to pay (taking an account apart costs about one look on its context).
    fn compiled_evaluate(
        &mut self,
        plan: &Plan<'_>,
        t: i64,
    ) -> Option<(Option<usize>, Vec<usize>)> {
        let signals = match get(&self.facts, &plan.pos.signals) {
            Some(Data::List(list)) => list.len(),
            _ => 0,
        };
        if signals < COMPILED_EVALUATION_MIN_SIGNALS || self.slas.iter().any(|r| r.closed.is_none())
        {
            return None;
        }
        self.prepare(plan, t);
        let suppressed = self.suppressed_at(t);
        let winner = plan.journey.compiled_winner(
            &self.facts,
            t,
            &suppressed,
            (&self.carried, &mut self.look.0),
        )?;
        Some((winner, suppressed))
    }

    /// Returns the facts [`AccountState::evaluate`] took, with what it computed (score, buying
    /// group) cleared, so the next evaluation computes them afresh.
    fn put_back(&mut self, mut context: Data) {
        let l = crate::expr::types::layout();
        let (blank_score, blank_group) = crate::classify::blank_computed();
        if let Data::Object(fields) = &mut context {
            for (i, blank) in [(l.score, blank_score), (l.buying_group, blank_group)] {
                if let Some(slot) = fields.get_mut(i) {
                    slot.reset_to(blank);
                }
            }
        }
        self.facts = context;
    }

    /// Applies one event (already checked for duplicates, lateness and `asOf`): replays time up
    /// to it, changes the facts, re-evaluates the stage. With `take`, a signal is moved from the
    /// event into the facts (the event is not read again), else copied.
    ///
    /// # Errors
    /// The refusal and its message when the event cannot apply (an override to an unknown
    /// stage, a rejection with an undeclared reason); nothing changes then.
    pub fn apply(
        &mut self,
        plan: &Plan<'_>,
        event: &mut Event,
        take: bool,
    ) -> Result<(), (Refusal, String)> {
        let t = event.at;
        // Refusals that need no replay of time come first (a rejection's reason is checked
        // against the policy of the stage the account is in at the event, so after it).
        let override_stage = match &event.kind {
            EventKind::Override { stage, .. } => {
                Some(plan.journey.stage_index(stage).ok_or_else(|| {
                    (
                        Refusal::UnknownStage,
                        format!("the journey has no stage \"{stage}\""),
                    )
                })?)
            }
            _ => None,
        };
        self.advance(plan, t, true);
        // The facts change below: what the criteria gave before is no longer known to hold.
        self.evaluated_at = None;
        let mut reason = None;
        let mut note = None;
        let p = &plan.pos;
        let open = matches!(
            get(&self.facts, &p.opportunity_open),
            Some(Data::Bool(true))
        );
        // Recurring revenue after the event, read before the facts change and a signal is
        // moved: a win brings the amount it carries, or the open opportunity's; a second win of
        // the same (closed) opportunity brings nothing.
        let won_amount = match &event.kind {
            EventKind::OpportunityWon { amount: Some(a) } => Some(Data::Number(*a)),
            EventKind::OpportunityWon { amount: None } if open => {
                get(&self.facts, &p.opportunity_amount).cloned()
            }
            _ => None,
        };
        let revenue = self.revenue_after(&event.kind, won_amount.as_ref());
        if !matches!(event.kind, EventKind::Signal(_)) {
            // Only appended signals are brought into a kept snapshot.
            self.look.0 = 0;
        }
        let facts = &mut self.facts;
        let flag =
            |facts: &mut Data, path: &[usize], on: bool| set_path(facts, path, Data::Bool(on));
        // What the trigger of a move names (a signal's type), read before a signal is moved.
        let kind_name = event.kind.type_name().to_string();
        match &mut event.kind {
            EventKind::Signal(signal) => {
                if let Some(Data::List(list)) = get_mut(facts, &p.signals) {
                    list.push(if take {
                        std::mem::take(signal)
                    } else {
                        signal.clone()
                    });
                }
            }
            EventKind::Firmographics(fields) => {
                let resolved_given = fields.iter().any(|(i, _)| *i == 0);
                for (i, value) in fields {
                    set_path(
                        facts,
                        &[p.firmographics.as_slice(), &[*i]].concat(),
                        value.clone(),
                    );
                }
                if !resolved_given {
                    set_path(
                        facts,
                        &[p.firmographics.as_slice(), &[0]].concat(),
                        Data::Bool(true),
                    );
                }
            }
            EventKind::Account(fields) => {
                for (i, value) in fields {
                    set_path(
                        facts,
                        &[p.account.as_slice(), &[*i]].concat(),
                        value.clone(),
                    );
                }
            }
            EventKind::Contact(contact) => {
                let id = |c: &Data| match c {
                    Data::Object(f) => f.first().cloned(),
                    _ => None,
                };
                if let Some(Data::List(list)) = get_mut(facts, &p.contacts) {
                    let key = id(contact);
                    match list.iter_mut().find(|c| id(c) == key) {
                        Some(slot) => *slot = contact.clone(),
                        None => list.push(contact.clone()),
                    }
                }
            }
            EventKind::SalesAccepted => {
                flag(facts, &p.sales_accepted, true);
                flag(facts, &p.rejected, false);
                set_path(facts, &p.rejection_reason, Data::Null);
                self.recycle = None;
            }
            EventKind::SalesRejected { reason: code } => {
                // The policy of the stage the account is in, or of the nearest earlier one
                // that has one (a rejection from SAA follows MQA's).
                let policy = self.stage.and_then(|s| {
                    (0..=s).rev().find_map(|i| {
                        let rejection = plan.stage(i)?.rejection.as_ref()?;
                        Some((i, rejection))
                    })
                });
                if let Some((i, rejection)) = policy {
                    if !rejection.reason_codes.iter().any(|c| c == code) {
                        return Err((
                            Refusal::UnknownReasonCode,
                            format!(
                                "\"{code}\" is not a reason code of stage \"{}\" (expected one of {})",
                                plan.stage(i).map_or("", |s| s.id.as_str()),
                                rejection.reason_codes.join(", ")
                            ),
                        ));
                    }
                    // A recycle due after the last time the engine can write (9999-12-31)
                    // never comes.
                    let due = t.saturating_add(rejection.after_ms);
                    if let Some(to) = plan.recycle_to.get(i).copied().flatten()
                        && due <= crate::expr::MAX_TIMESTAMP_MS
                    {
                        self.recycle = Some(Recycle {
                            at: due,
                            to,
                            reason: code.clone(),
                        });
                    }
                }
                flag(facts, &p.rejected, true);
                flag(facts, &p.sales_accepted, false);
                set_path(
                    facts,
                    &p.rejection_reason,
                    Data::String(code.as_str().into()),
                );
                reason = Some(code.clone());
            }
            EventKind::OpportunityCreated { amount, stage } => {
                flag(facts, &p.opportunity_open, true);
                flag(facts, &p.lost, false);
                set_path(
                    facts,
                    &p.opportunity_amount,
                    amount.map_or(Data::Null, Data::Number),
                );
                set_path(
                    facts,
                    &p.opportunity_stage,
                    stage
                        .as_deref()
                        .map_or(Data::Null, |s| Data::String(s.into())),
                );
                set_path(facts, &p.opportunity_created, Data::Timestamp(t));
                self.recycle = None;
            }
            EventKind::OpportunityWon { amount } => {
                if !open {
                    note = Some("closed won without an open opportunity".to_string());
                }
                flag(facts, &p.won, true);
                flag(facts, &p.lost, false);
                flag(facts, &p.opportunity_open, false);
                if let Some(amount) = amount {
                    set_path(facts, &p.opportunity_amount, Data::Number(*amount));
                }
                if matches!(get(facts, &p.customer_since), None | Some(Data::Null)) {
                    set_path(facts, &p.customer_since, Data::Timestamp(t));
                }
            }
            EventKind::OpportunityLost {
                reason: lost_reason,
            } => {
                if !open {
                    note = Some("closed lost without an open opportunity".to_string());
                }
                flag(facts, &p.lost, true);
                flag(facts, &p.opportunity_open, false);
                reason = lost_reason.clone();
            }
            EventKind::Churn => flag(facts, &p.churned, true),
            EventKind::Override { reason: why, .. } => reason = why.clone(),
        }
        if let Some(revenue) = revenue {
            self.revenue.push((t, revenue));
        }
        self.retire_signals(plan, t);
        self.applied = self.applied.saturating_add(1);
        if let Some(id) = &event.id {
            self.seen.push((id.clone(), t));
        }
        self.watermark = t;
        self.now = t;
        let trigger = Trigger::Event {
            kind: kind_name,
            id: event.id.clone(),
        };
        let by = match &event.kind {
            EventKind::Override { by, .. } => Some(by.clone()),
            _ => None,
        };
        let cause = match (&event.kind, override_stage) {
            (_, Some(stage)) => Cause::Override(stage),
            (EventKind::Churn, _) => Cause::Churn,
            _ => Cause::Criteria,
        };
        // Most events move nothing. Where a compiled look says so and no SLA is open (an
        // `until` reads the context), the context is not completed at all.
        if override_stage.is_none()
            && let Some((criteria, suppressed)) = self.compiled_evaluate(plan, t)
            && self.target_of(cause, criteria) == self.stage
        {
            self.evaluated_at = Some((t, suppressed));
            // The target is the stage the account is in: `settle` records the criteria's
            // answer and moves nothing, so it never reads the (absent) context.
            self.settle(
                plan,
                t,
                criteria,
                &Data::Null,
                cause,
                trigger,
                reason,
                by,
                note,
            );
            return Ok(());
        }
        let evaluated = self.evaluate(plan, t);
        let (criteria, context) = match (evaluated, override_stage) {
            (Some(found), _) => found,
            // An override is a fact about the stage, not a criterion's verdict: it applies even
            // when the criteria cannot be evaluated then (the error is recorded).
            (None, Some(_)) => {
                let facts = std::mem::replace(&mut self.facts, Data::Null);
                (self.criteria_stage, facts)
            }
            (None, None) => return Ok(()),
        };
        let moved = self.settle(
            plan, t, criteria, &context, cause, trigger, reason, by, note,
        );
        self.check_slas_after(plan, t, context, moved);
        Ok(())
    }

    /// Moves to the stage the criteria (`criteria`), a pin or an override give, recording the
    /// transition when it changes; whether it did.
    #[allow(clippy::too_many_arguments)]
    fn settle(
        &mut self,
        plan: &Plan<'_>,
        t: i64,
        criteria: Option<usize>,
        context: &Data,
        cause: Cause,
        trigger: Trigger,
        reason: Option<String>,
        by: Option<String>,
        note: Option<String>,
    ) -> bool {
        self.criteria_stage = criteria;
        let target = self.target_of(cause, criteria);
        match (cause, self.pin) {
            (Cause::Override(stage) | Cause::Downgrade(stage) | Cause::Recycle(stage), _) => {
                self.pin = Some(Pin {
                    stage,
                    basis: criteria,
                });
            }
            (_, Some(pin)) if pin.basis == criteria => {}
            _ => self.pin = None,
        }
        if target == self.stage {
            return false;
        }
        let from = self.stage;
        let (kind, skipped, expected) = self.movement(plan, from, target, cause);
        let checks = match (cause, target.and_then(|s| plan.explainers.get(s))) {
            (Cause::Criteria | Cause::Churn, Some(explainer)) if self.pin.is_none() => {
                explainer.values(context)
            }
            _ => Vec::new(),
        };
        self.transitions.push(Transition {
            at: t,
            from,
            to: target,
            kind,
            skipped,
            expected,
            trigger,
            reason,
            by,
            checks,
            note,
        });
        self.enter(plan, target, t);
        true
    }

    /// The stage [`AccountState::settle`] moves to for `cause` when the criteria give
    /// `criteria`: a new pin's stage, the pin's while the criteria give what they gave when it
    /// was set, else the criteria's.
    fn target_of(&self, cause: Cause, criteria: Option<usize>) -> Option<usize> {
        match (cause, self.pin) {
            (Cause::Override(stage) | Cause::Downgrade(stage) | Cause::Recycle(stage), _) => {
                Some(stage)
            }
            (_, Some(pin)) if pin.basis == criteria => Some(pin.stage),
            _ => criteria,
        }
    }

    /// The kind of a move, the path stages a skip passes over, and whether a regression was
    /// expected.
    fn movement(
        &self,
        plan: &Plan<'_>,
        from: Option<usize>,
        to: Option<usize>,
        cause: Cause,
    ) -> (TransitionKind, Vec<usize>, Option<bool>) {
        let kind_of = |i: usize| plan.stage(i).map(|s| s.kind);
        if let Cause::Override(_) = cause {
            return (TransitionKind::Override, Vec::new(), None);
        }
        let (from, to) = match (from, to) {
            (None, _) => return (TransitionKind::Entry, Vec::new(), None),
            (Some(_), None) => return (TransitionKind::Exit, Vec::new(), None),
            (Some(f), Some(t)) => (f, t),
        };
        match cause {
            Cause::Override(_) => {}
            Cause::Recycle(_) => return (TransitionKind::Recycle, Vec::new(), None),
            Cause::Downgrade(_) => return (TransitionKind::Regression, Vec::new(), Some(true)),
            Cause::Churn => return (TransitionKind::Churn, Vec::new(), None),
            Cause::Criteria => {}
        }
        if kind_of(from) == Some(StageKind::Terminal) {
            return (TransitionKind::Reopen, Vec::new(), None);
        }
        if to < from {
            let expected = plan.regress_to.get(from).is_some_and(|r| r.contains(&to));
            return (TransitionKind::Regression, Vec::new(), Some(expected));
        }
        let skipped: Vec<usize> = if kind_of(to) == Some(StageKind::Terminal) {
            Vec::new()
        } else {
            (from + 1..to)
                .filter(|&i| kind_of(i).is_some_and(|k| k != StageKind::Terminal))
                .collect()
        };
        let kind = if skipped.is_empty() {
            TransitionKind::Advance
        } else {
            TransitionKind::Skip
        };
        (kind, skipped, None)
    }

    /// Closes the current stay and opens one in `stage` at `t`: dwell, max dwell, SLA.
    fn enter(&mut self, plan: &Plan<'_>, stage: Option<usize>, t: i64) {
        if let Some(old) = self.stage {
            let spent = t.saturating_sub(self.entered_at);
            if let Some(d) = self.dwell.iter_mut().find(|d| d.stage == old) {
                d.completed_ms = d.completed_ms.saturating_add(spent);
            }
        }
        self.stage = stage;
        self.entered_at = t;
        self.breached_stay = false;
        let Some(stage) = stage else { return };
        match self.dwell.iter_mut().find(|d| d.stage == stage) {
            Some(d) => d.visits = d.visits.saturating_add(1),
            None => self.dwell.push(Dwell {
                stage,
                completed_ms: 0,
                visits: 1,
            }),
        }
        let Some(sla) = plan.stage(stage).and_then(|s| s.sla.as_ref()) else {
            return;
        };
        // One run at a time: re-entering while a run is open does not start another.
        if self
            .slas
            .iter()
            .any(|r| r.stage == stage && r.closed.is_none())
        {
            return;
        }
        let calendar = plan.journey.definition().calendar.as_ref();
        self.slas.push(SlaRun {
            stage,
            started: t,
            deadline: crate::calendar::add_time(calendar, sla.business_hours, t, sla.within_ms),
            closed: None,
        });
    }

    /// Meets every open SLA whose `until` holds at `t`: in `context`, or — when the account
    /// just `moved` — in a context with its new stage (an `until` may read `stage`).
    /// Returns the facts (see [`AccountState::put_back`]) when done.
    fn check_slas_after(&mut self, plan: &Plan<'_>, t: i64, context: Data, moved: bool) {
        if self.slas.iter().all(|r| r.closed.is_some()) {
            self.put_back(context);
            return;
        }
        if !moved {
            self.check_slas(plan, t, &context);
            self.put_back(context);
            return;
        }
        self.put_back(context);
        let errors = self.errors.len();
        if let Some((_, fresh)) = self.evaluate(plan, t) {
            self.check_slas(plan, t, &fresh);
            self.put_back(fresh);
        }
        // The move's own evaluation succeeded; one failing for the SLA is not the account's.
        self.errors.truncate(errors);
    }

    /// Meets every open SLA whose `until` holds in `context` (at `t`, by its deadline).
    fn check_slas(&mut self, plan: &Plan<'_>, t: i64, context: &Data) {
        for run in self.slas.iter_mut().filter(|r| r.closed.is_none()) {
            let Some(Some(until)) = plan.until.get(run.stage) else {
                continue;
            };
            if until.evaluate_bool(context).ok().flatten() == Some(true) {
                run.closed = Some((t, SlaStatus::Met));
            }
        }
    }

    /// Replays time from `now` up to `target`: SLA deadlines, max-dwell breaches, recycles and
    /// the criteria's own changes, in time order.
    ///
    /// Before an event at `target` (`to_event`), what falls due exactly then waits for the
    /// event, except a recycle (its delay is over; an acceptance at the same moment comes after
    /// it): the event may still meet the SLA or move the account, and a deadline or a max dwell
    /// only passes when time goes on without that. For a result as of `target`, the criteria's
    /// changes up to and including `target` count (the stage as of a date is what `classify`
    /// gives then), while a deadline or a max dwell that ends exactly then has not passed.
    pub fn advance(&mut self, plan: &Plan<'_>, target: i64, to_event: bool) {
        if self.now == i64::MIN {
            return;
        }
        // Each pass handles one happening. A sound journey makes a few per event; one whose
        // criteria read `stage` can flip itself every millisecond, so the passes are bounded,
        // and after an evaluation fails the criteria are not searched again until the next
        // event (the stage stays as it was, as the error says).
        let mut searching = true;
        for _ in 0..MAX_MOVES_BETWEEN_EVENTS {
            let now = self.now;
            let mut due: Option<(i64, Due)> = None;
            let mut consider = |t: i64, what: Due, by_target: bool| {
                let in_range = t >= now && (t < target || (by_target && t == target));
                if in_range && due.is_none_or(|(d, _)| t < d) {
                    due = Some((t, what));
                }
            };
            for (i, run) in self.slas.iter().enumerate() {
                if let (None, Some(deadline)) = (run.closed, run.deadline) {
                    consider(deadline, Due::SlaDeadline(i), false);
                }
            }
            if let Some(stage) = self.stage
                && !self.breached_stay
                && let Some(dwell) = plan.stage(stage).and_then(|s| s.max_dwell.as_ref())
            {
                consider(
                    self.entered_at.saturating_add(dwell.after_ms),
                    Due::Breach,
                    false,
                );
            }
            if let Some(recycle) = &self.recycle {
                consider(recycle.at, Due::Recycle, true);
            }
            // Another journey moving into or out of a suppressing stage: like the criteria's
            // own changes, one at the target counts for a result, not before an event.
            if let Some(i) = self.suppression.iter().position(|(from, _, _)| *from > now) {
                let from = self
                    .suppression
                    .get(i)
                    .map_or(i64::MAX, |(from, _, _)| *from);
                consider(from, Due::Conflict(i), !to_event);
            }
            // The criteria's own change: strictly before the next due happening, or up to the
            // target (included for a result, not before an event, which is evaluated itself).
            let horizon = match due {
                Some((t, _)) => t.saturating_sub(1),
                None if to_event => target.saturating_sub(1),
                None => target,
            };
            let change = if searching {
                self.prepare(plan, now);
                let suppressed = self.suppressed_at(now);
                let entered = self.stage.map(|_| self.entered_at);
                let fresh = !plan.reads_stage
                    && self
                        .evaluated_at
                        .as_ref()
                        .is_some_and(|(at, then)| *at == now && *then == suppressed);
                plan.journey
                    .change_until_in_stage(
                        &mut self.facts,
                        (self.criteria_stage, fresh),
                        horizon,
                        &suppressed,
                        entered,
                        (&self.carried, &mut self.look.0),
                    )
                    .ok()
                    .flatten()
                    .filter(|&t| t <= horizon)
            } else {
                None
            };
            match (change, due) {
                (Some(t), _) => {
                    self.now = t;
                    searching = self.reclassify(plan, t, Trigger::Time);
                }
                (None, Some((t, what))) => {
                    self.now = t;
                    self.happen(plan, t, what);
                }
                (None, None) => return,
            }
        }
        self.errors.push(StepError {
            at: self.now,
            code: crate::Code::LimitExceeded,
            path: String::new(),
            message: format!(
                "the stage changed more than {MAX_MOVES_BETWEEN_EVENTS} times by itself before the next event \
                 (does a criterion read `stage` and undo its own move?); replay of this account stops \
                 looking until the next event"
            ),
        });
    }

    /// Re-evaluates the criteria at `t` with nothing but time changed; whether they could be
    /// evaluated.
    fn reclassify(&mut self, plan: &Plan<'_>, t: i64, trigger: Trigger) -> bool {
        if let Some((criteria, context)) = self.evaluate(plan, t) {
            let moved = self.settle(
                plan,
                t,
                criteria,
                &context,
                Cause::Criteria,
                trigger,
                None,
                None,
                None,
            );
            self.check_slas_after(plan, t, context, moved);
            true
        } else {
            false
        }
    }

    fn happen(&mut self, plan: &Plan<'_>, t: i64, what: Due) {
        match what {
            Due::Conflict(i) => {
                let rules = self
                    .suppression
                    .get(i)
                    .map(|(_, _, rules)| rules.clone())
                    .unwrap_or_default();
                self.reclassify(plan, t, Trigger::Conflict(rules));
            }
            Due::SlaDeadline(i) => {
                if let Some(run) = self.slas.get_mut(i) {
                    run.closed = Some((t, SlaStatus::Breached));
                }
            }
            Due::Breach => {
                let Some(stage) = self.stage else { return };
                self.breached_stay = true;
                self.breaches.push(Breach {
                    stage,
                    at: t,
                    entered_at: self.entered_at,
                });
                let downgrade = plan.stage(stage).and_then(|s| s.max_dwell.as_ref());
                if let (Some(dwell), Some(Some(to))) = (downgrade, plan.downgrade_to.get(stage))
                    && dwell.action == DwellAction::StageDowngrade
                    && let Some((criteria, context)) = self.evaluate(plan, t)
                {
                    let moved = self.settle(
                        plan,
                        t,
                        criteria,
                        &context,
                        Cause::Downgrade(*to),
                        Trigger::MaxDwell,
                        None,
                        None,
                        None,
                    );
                    self.check_slas_after(plan, t, context, moved);
                }
            }
            Due::Recycle => {
                let Some(recycle) = self.recycle.clone() else {
                    return;
                };
                let p = &plan.pos;
                self.evaluated_at = None;
                self.look.0 = 0;
                set_path(&mut self.facts, &p.rejected, Data::Bool(false));
                set_path(&mut self.facts, &p.sales_accepted, Data::Bool(false));
                set_path(&mut self.facts, &p.rejection_reason, Data::Null);
                // A recycle moves back only: an account already at or before the nurture
                // stage stays where it is (its rejection is cleared all the same).
                let cause = match self.stage {
                    Some(stage) if stage > recycle.to => Cause::Recycle(recycle.to),
                    _ => Cause::Criteria,
                };
                if let Some((criteria, context)) = self.evaluate(plan, t) {
                    let moved = self.settle(
                        plan,
                        t,
                        criteria,
                        &context,
                        cause,
                        Trigger::Recycle,
                        Some(recycle.reason.clone()),
                        None,
                        None,
                    );
                    self.check_slas_after(plan, t, context, moved);
                }
                self.recycle = None;
            }
        }
    }
}

/// Why the stage is being settled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cause {
    /// The criteria decide.
    Criteria,
    /// A churn event: the criteria decide, and the move is a churn.
    Churn,
    /// Someone set the stage.
    Override(usize),
    /// A max-dwell downgrade holds the account in this stage.
    Downgrade(usize),
    /// A recycle holds the account in this stage (nurture).
    Recycle(usize),
}

/// An amount in hundredths (exact sums whatever the order); `None` unless a number ≥ 0.
pub(crate) fn hundredths(amount: Option<&Data>) -> Option<u64> {
    match amount {
        Some(Data::Number(n)) if n.is_finite() && *n >= 0.0 => Some((n * 100.0).round() as u64),
        _ => None,
    }
}

/// The value at a path of an account context.
fn get<'a>(data: &'a Data, path: &[usize]) -> Option<&'a Data> {
    path.iter().try_fold(data, |d, &i| match d {
        Data::Object(fields) => fields.get(i),
        _ => None,
    })
}

fn get_mut<'a>(data: &'a mut Data, path: &[usize]) -> Option<&'a mut Data> {
    path.iter().try_fold(data, |d, &i| match d {
        Data::Object(fields) => fields.get_mut(i),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    /// Folding old signals into score sums keeps the account's history the same: over random
    /// streams for the default journey, the same moves at the same milliseconds as keeping
    /// every signal — with far fewer signals kept.
    #[test]
    fn folding_old_signals_keeps_the_same_history() {
        let journey = crate::Journey::embedded_default().unwrap();
        let folding = Plan::new(&journey).unwrap();
        assert!(
            folding.reach.is_some(),
            "the default journey's criteria all use windows"
        );
        let mut keeping = Plan::new(&journey).unwrap();
        keeping.reach = None;
        let types = [
            "page_view",
            "page_view",
            "page_view",
            "content_download",
            "webinar",
            "ad_click",
            "email_reply",
            "intent_surge",
            "meeting",
            "unsubscribe",
            "usage_spike",
        ];
        let blank = super::super::blank_account();
        let mut seed = 11_u64;
        let mut next = |n: u64| {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (seed >> 33) % n
        };
        for account in 0..12 {
            let mut a = AccountState::new(&folding, "a", &blank);
            let mut b = AccountState::new(&keeping, "a", &blank);
            let mut at = 1_767_571_200_000_i64;
            for i in 0..120 {
                at += (next(72) as i64 + 1) * 3_600_000 * (1 + account % 3);
                let kind = if i == 0 {
                    EventKind::Firmographics(vec![
                        (1, Data::String("software".into())),
                        (3, Data::Number(900.0)),
                    ])
                } else {
                    let kind = types[next(types.len() as u64) as usize];
                    EventKind::Signal(Data::Object(vec![
                        Data::String(kind.into()),
                        Data::Timestamp(at),
                        Data::Null,
                        Data::Number(80.0),
                        Data::Null,
                        Data::Null,
                    ]))
                };
                let mut event = Event {
                    id: None,
                    account: "a".into(),
                    at,
                    kind,
                };
                a.apply(&folding, &mut event, false).unwrap();
                b.apply(&keeping, &mut event, true).unwrap();
            }
            a.advance(&folding, at + 90 * DAY_MS, false);
            b.advance(&keeping, at + 90 * DAY_MS, false);
            let moves = |s: &AccountState| -> Vec<(i64, Option<usize>, Option<usize>)> {
                s.transitions.iter().map(|t| (t.at, t.from, t.to)).collect()
            };
            assert_eq!(moves(&a), moves(&b), "account {account}");
            // The scores agree up to rounding at every moment, e.g. a week after the last event.
            for later in [at + DAY_MS, at + 7 * DAY_MS] {
                let composite = |s: &mut AccountState, plan: &Plan<'_>| {
                    let (_, context) = s.evaluate(plan, later).unwrap();
                    let value =
                        match get(&context, &crate::expr::data::schema_path("score.composite")) {
                            Some(Data::Number(n)) => *n,
                            _ => f64::NAN,
                        };
                    s.put_back(context);
                    value
                };
                let (x, y) = (composite(&mut a, &folding), composite(&mut b, &keeping));
                assert!(
                    (x - y).abs() <= 1e-9 * y.abs().max(1.0),
                    "account {account}: {x} vs {y}"
                );
                assert!(y > 1.0, "a score worth comparing: {y}");
            }
            let kept = |s: &AccountState| match get(&s.facts, &folding.pos.signals) {
                Some(Data::List(list)) => list.len(),
                _ => 0,
            };
            assert!(kept(&a) < kept(&b), "{} vs {}", kept(&a), kept(&b));
            assert!(!a.carried.is_empty());
        }
    }

    #[test]
    fn every_position_exists_in_the_schema() {
        let p = Positions::new();
        for path in [
            &p.stage,
            &p.days_in_stage,
            &p.account_id,
            &p.firmographics,
            &p.account,
            &p.signals,
            &p.contacts,
            &p.sales_accepted,
            &p.rejected,
            &p.rejection_reason,
            &p.won,
            &p.lost,
            &p.churned,
            &p.customer_since,
            &p.opportunity_open,
            &p.opportunity_amount,
            &p.opportunity_stage,
            &p.opportunity_created,
        ] {
            assert!(!path.is_empty());
        }
    }
}
