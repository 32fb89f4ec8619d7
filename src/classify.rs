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
use crate::expr::explain::Check;
use crate::expr::trend::Trend;
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
    /// The earliest time the stage changes by itself, with no new data — a window expiring,
    /// a score decaying across a threshold, a future-dated signal arriving; `null` when it
    /// does not change within [`HORIZON_DAYS`] days. Schedule the next look for then.
    pub next_change_at: Option<String>,
}

/// How far ahead `nextChangeAt` looks.
pub const HORIZON_DAYS: i64 = 400;

/// Most time points looked at for `nextChangeAt` (the nearest first; then the horizon).
const MAX_POINTS: usize = 256;

/// Halvings of a half-life decay looked at after each signal.
const HALVINGS: i64 = 6;

#[cfg(test)]
thread_local! {
    /// Tests set it to compare the shortcuts of [`Journey::change_until_in_stage`] with an
    /// evaluation at every time point.
    pub(crate) static SCAN_ONLY: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

pub(crate) const DAY_MS: i64 = 86_400_000;

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
        self.classify_with(account, true)
    }

    /// As [`Journey::classify`]; without `next_change` the answer's `next_change_at` is left
    /// `null` — it re-evaluates the account at every time point where something can change
    /// (~2–20 ms for an account with 50 signals), which bulk callers may not need.
    ///
    /// # Errors
    /// As [`Journey::classify`].
    pub fn classify_with(
        &self,
        account: &Data,
        next_change: bool,
    ) -> Result<Classification, Error> {
        let context = self.context(account)?;
        let def = self.definition();
        let Holding {
            stages: holding,
            exited,
            unknown,
        } = self.holding(&context, &[])?;
        let priority = |i: usize| self.priority(i);
        let winner = holding.first().copied();
        let status = match (winner, def.unmatched) {
            (Some(_), _) => "in-stage",
            (None, Unmatched::Outside) => "outside",
            (None, Unmatched::Gap) => "no-stage",
        };
        // A stage's entry criterion split into its conditions, with what they saw.
        let explainers = self.explainers();
        let checks = |stage: &crate::definition::Stage| {
            def.stages
                .iter()
                .position(|s| std::ptr::eq(s, stage))
                .and_then(|i| explainers.get(i))
                .map(|e| e.explain(&context))
                .unwrap_or_default()
        };
        let because = winner
            .and_then(|i| def.stages.get(i))
            .map(|stage| StageReason {
                stage: stage.id.clone(),
                criterion: stage.entry_criteria.clone(),
                checks: checks(stage),
                missing_roles: Vec::new(),
            });
        // The nearest stage above the winner (or the first, without one) that has criteria and
        // does not hold. A terminal stage (Closed-Lost) is an end: it has no next stage, and is nobody's next.
        let floor = winner.map(priority);
        let ended = winner
            .and_then(|i| def.stages.get(i))
            .is_some_and(|s| s.kind == crate::definition::StageKind::Terminal);
        let next = def
            .stages
            .iter()
            .enumerate()
            .filter(|(i, s)| {
                !ended
                    && !exited.contains(&s.id)
                    && s.kind != crate::definition::StageKind::Terminal
                    && s.entry_criteria.is_some()
                    && !holding.contains(i)
                    && floor.is_none_or(|f| priority(*i) > f)
            })
            .min_by(|(a, _), (b, _)| priority(*a).cmp(&priority(*b)).then(a.cmp(b)))
            .map(|(_, stage)| StageReason {
                stage: stage.id.clone(),
                criterion: stage.entry_criteria.clone(),
                checks: checks(stage)
                    .into_iter()
                    .filter(|c| c.holds != Some(true))
                    .collect(),
                missing_roles: crate::journey::missing_roles(&stage.required_roles, &context),
            });
        let as_of = match &context {
            Data::Object(fields) => match fields.first() {
                Some(Data::Timestamp(t)) => crate::expr::data::format_timestamp(*t),
                _ => String::new(),
            },
            _ => String::new(),
        };
        let next_change_at = if next_change {
            self.next_change(account, winner)?
                .map(crate::expr::data::format_timestamp)
        } else {
            None
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
            next_change_at,
        })
    }

    /// The journey's id, version and hash, as outputs name it.
    pub(crate) fn journey_ref(&self) -> JourneyRef {
        let def = self.definition();
        JourneyRef {
            id: def.id.clone(),
            version: def.version.clone(),
            hash: self.hash().to_string(),
        }
    }

    /// A stage's precedence: its `priority`, else its position.
    fn priority(&self, i: usize) -> i64 {
        self.definition()
            .stages
            .get(i)
            .and_then(|s| s.priority)
            .map_or(i as i64, i64::from)
    }

    /// Stage `i`'s entry verdict, and whether the stage holds: its entry criterion holds and its
    /// exit criterion does not (evaluated only then).
    ///
    /// # Errors
    /// A criterion's evaluation error, at `/stages/{i}/entryCriteria` or `…/exitCriteria`.
    fn stage_verdict(&self, i: usize, context: &Data) -> Result<(Option<bool>, bool), Error> {
        let failed = |key: &str, e: crate::expr::ExprError| {
            Error::new(e.code, format!("/stages/{i}/{key}"), e.message)
        };
        let entry = self
            .entry_holds(i, context)
            .map_err(|e| failed("entryCriteria", e))?;
        let holds = entry == Some(true)
            && self
                .exit_holds(i, context)
                .map_err(|e| failed("exitCriteria", e))?
                != Some(true);
        Ok((entry, holds))
    }

    /// The stages that hold for a completed context, by precedence (highest first, ties to the
    /// later stage); the stages exited; the stages whose entry is unknown.
    fn holding(&self, context: &Data, suppressed: &[usize]) -> Result<Holding, Error> {
        let mut holding = Vec::new();
        let mut exited = Vec::new();
        let mut unknown = Vec::new();
        for (i, stage) in self.definition().stages.iter().enumerate() {
            if suppressed.contains(&i) {
                continue;
            }
            match self.stage_verdict(i, context)? {
                (_, true) => holding.push(i),
                (Some(true), false) => exited.push(stage.id.clone()),
                (None, _) if stage.entry_criteria.is_some() => unknown.push(stage.id.clone()),
                _ => {}
            }
        }
        crate::sort::sort_by(&mut holding, |&a, &b| {
            self.priority(b).cmp(&self.priority(a)).then(b.cmp(&a))
        });
        Ok(Holding {
            stages: holding,
            exited,
            unknown,
        })
    }

    /// The winning stage as of `t`, evaluated in the account context itself: its `asOf` (and
    /// `daysInStage`) set to `t`, its score and buying group put back as `given` and computed
    /// afresh. [`Journey::change_until_in_stage`] restores what it changed.
    fn stage_at(
        &self,
        account: &mut Data,
        given: &Given,
        t: i64,
        (suppressed, entered, carried): (&[usize], Option<i64>, &[crate::score::Carry]),
    ) -> Result<Option<usize>, Error> {
        let l = crate::expr::types::layout();
        if let Data::Object(fields) = &mut *account {
            given.put_back_computed(fields);
            if let Some(slot) = fields.get_mut(l.as_of) {
                *slot = Data::Timestamp(t);
            }
            if let (Some(entered), Some(slot)) = (entered, fields.get_mut(l.days_in_stage)) {
                *slot = Data::Number(t.saturating_sub(entered).div_euclid(DAY_MS) as f64);
            }
        }
        self.complete_with(account, carried)?;
        self.first_holding(account, suppressed)
    }

    /// The stages' positions by precedence, highest first (ties to the later stage).
    pub(crate) fn precedence_order(&self) -> &[usize] {
        self.precedence.get_or_init(|| {
            let mut order: Vec<usize> = (0..self.definition().stages.len()).collect();
            crate::sort::sort_by(&mut order, |&a, &b| {
                self.priority(b).cmp(&self.priority(a)).then(b.cmp(&a))
            });
            order
        })
    }

    /// The winning stage alone: stages are tried by precedence and the first that holds wins,
    /// so the ones below it are not evaluated (an error in one of those goes unseen here;
    /// `classify` reports it).
    fn first_holding(&self, context: &Data, suppressed: &[usize]) -> Result<Option<usize>, Error> {
        for &i in self
            .precedence_order()
            .iter()
            .filter(|i| !suppressed.contains(i))
        {
            if self.stage_verdict(i, context)?.1 {
                return Ok(Some(i));
            }
        }
        Ok(None)
    }

    /// The first time after the account's `asOf` at which the winning stage is no longer
    /// `current`: the answer is looked at on every time point where something can change —
    /// a signal arriving or leaving a window of a criterion, a decay window or the engagement
    /// window, a number of days after a date the account holds — nearest first; when it
    /// changed by the next point, the first millisecond of the change is found by bisection
    /// (scores decay continuously between points, and only downward).
    fn next_change(&self, account: &Data, current: Option<usize>) -> Result<Option<i64>, Error> {
        let Some(as_of) = as_of_of(account) else {
            return Ok(None);
        };
        let horizon = as_of.saturating_add(HORIZON_DAYS * DAY_MS);
        self.change_until(account, current, horizon)
    }

    /// Whether a criterion or scoring rule reads `stage` or `daysInStage`, which a move changes
    /// without the facts changing.
    pub(crate) fn reads_stage(&self) -> bool {
        let l = crate::expr::types::layout();
        let stage = crate::expr::data::schema_path("stage");
        let model = self.score_model();
        self.criteria()
            .chain(
                model
                    .into_iter()
                    .flat_map(|m| m.fit_criteria().iter().chain(m.rule_criteria())),
            )
            .flat_map(|e| e.root_paths())
            .any(|path| path.first() == Some(&l.days_in_stage) || path.as_ref() == stage.as_slice())
    }

    /// Which way stage `i`'s holding can move with time: its entry criterion holding and its
    /// exit criterion not (required roles read the buying group: unknown).
    fn holds_trend(&self, i: usize, score: Trend) -> Trend {
        let required = self
            .definition()
            .stages
            .get(i)
            .is_some_and(|s| !s.required_roles.is_empty());
        if required {
            return Trend::Unknown;
        }
        let (entry, exit) = self.compiled_criteria(i);
        let trend =
            |e: Option<&crate::expr::Expression>| e.map_or(Trend::Steady, |e| e.trend(score));
        trend(entry).join(trend(exit).flip())
    }

    /// How to look for the first change from `current`. Where the answer is `current` the
    /// winner holds and no stage above it does; from then on, a winner whose holding can only
    /// rise and stages above whose holding can only fall keep it so, and a winner that can only
    /// stop holding or a stage above that can only start make it change at most once. `items`
    /// is the account's longest list, `latest` its latest date.
    fn search(
        &self,
        model: &TimeModel,
        (root, carried): (&[Data], &[crate::score::Carry]),
        (current, suppressed): (Option<usize>, &[usize]),
        (items, latest, as_of): (usize, i64, i64),
    ) -> Search {
        #[cfg(test)]
        if SCAN_ONLY.with(std::cell::Cell::get) {
            return Search::Scan;
        }
        let items_fit = model.max_items.is_some_and(|m| items as u64 <= m);
        if !items_fit || latest > as_of || !model.score_rules_sound {
            return Search::Scan;
        }
        let score_falls = model.score_rules_fall
            && self
                .score_model()
                .is_none_or(|m| !m.may_rise(root, carried));
        let holds = if score_falls {
            &model.holds_when_score_falls
        } else {
            &model.holds_when_score_moves
        };
        // How "the answer is still `current`" moves: each stage's part in it.
        let mut same = Trend::Steady;
        for &i in self
            .precedence_order()
            .iter()
            .filter(|i| !suppressed.contains(i))
        {
            let trend = holds.get(i).copied().unwrap_or(Trend::Unknown);
            let winner = Some(i) == current;
            let part = match trend {
                Trend::Unknown => Trend::Unknown,
                t if winner && t.never_falls() => Trend::Steady,
                t if !winner && t.never_rises() => Trend::Steady,
                _ => Trend::Falling,
            };
            same = same.join(part);
            if winner {
                break;
            }
        }
        match same {
            Trend::Steady => Search::Settled,
            Trend::Falling => Search::Bisect,
            Trend::Rising | Trend::Unknown => Search::Scan,
        }
    }

    /// What `change_until` looks at besides the account's own dates: the lengths of time after
    /// a date at which an answer can change (criteria windows, decays, the engagement window),
    /// and the dates the criteria name with the millisecond after each.
    fn build_time_model(&self) -> TimeModel {
        // The stages' criteria and the scoring model's rules (a component rule on a window
        // changes a score when the window ends).
        let scoring_rules = self
            .score_model()
            .into_iter()
            .flat_map(|m| m.fit_criteria().iter().chain(m.rule_criteria()));
        let mut common: Vec<i64> = self
            .criteria()
            .chain(scoring_rules)
            .flat_map(|e| e.time_constants())
            .collect();
        if let Some(group) = &self.definition().buying_group {
            common.push(group.engagement_window + 1);
        }
        common.sort_unstable();
        common.dedup();
        // By the type's position among the scored types (`ScoreModel::kind`).
        let mut by_type = Vec::new();
        if let Some(model) = self.score_model() {
            use crate::definition::Decay;
            for rule in model.scoring().signals.values() {
                let lengths: Vec<i64> = match rule.decay {
                    Some(Decay::Window(w)) => vec![w + 1],
                    Some(Decay::Linear(l)) => vec![l],
                    // A score halves every half-life: look at each of the first few halvings,
                    // so a score falling through a band between two dates is not missed.
                    Some(Decay::HalfLife(h)) => {
                        (1..=HALVINGS).map(|k| h.saturating_mul(k)).collect()
                    }
                    None => Vec::new(),
                };
                by_type.push(lengths);
            }
        }
        let mut named: Vec<i64> = self
            .criteria()
            .flat_map(|e| e.time_points())
            .flat_map(|t| [t, t.saturating_add(1)])
            .collect();
        named.sort_unstable();
        named.dedup();
        let holds = |score: Trend| -> Vec<Trend> {
            (0..self.definition().stages.len())
                .map(|i| self.holds_trend(i, score))
                .collect()
        };
        let model = self.score_model();
        let every_criterion = || {
            self.criteria().chain(
                model
                    .into_iter()
                    .flat_map(|m| m.fit_criteria().iter().chain(m.rule_criteria())),
            )
        };
        // The largest list length for which every criterion stays within the step limit
        // (steps grow with it): found by halving.
        let within_limit = |items: u64| {
            every_criterion().all(|e| e.max_steps(items) <= u64::from(crate::expr::MAX_STEPS))
        };
        let (fits, _) = boundary(0, 1 << 32, |items| within_limit(items as u64));
        TimeModel {
            common,
            by_type,
            named,
            holds_when_score_falls: holds(Trend::Falling),
            holds_when_score_moves: holds(Trend::Unknown),
            score_rules_fall: model.is_none_or(|m| m.rules_only_fall()),
            score_rules_sound: model.is_none_or(|m| {
                m.fit_criteria()
                    .iter()
                    .chain(m.rule_criteria())
                    .all(|e| e.trend(Trend::Unknown) != Trend::Unknown)
            }),
            max_items: within_limit(0).then_some(fits as u64),
            looker: crate::look::Looker::new(self).map(std::sync::Arc::new),
        }
    }

    /// The winning stage for a completed account context (see [`Journey::context`]), the
    /// stages in `suppressed` (by another journey's conflict rule) left out.
    pub(crate) fn winner(
        &self,
        context: &Data,
        suppressed: &[usize],
    ) -> Result<Option<usize>, Error> {
        // As `holding`'s first, without its lists: every stage is evaluated in order (the first
        // error is the same), and the highest by precedence (ties to the later stage) is kept.
        let mut best: Option<usize> = None;
        for i in 0..self.definition().stages.len() {
            if suppressed.contains(&i) {
                continue;
            }
            if self.stage_verdict(i, context)?.1
                && best.is_none_or(|b| (self.priority(i), i) > (self.priority(b), b))
            {
                best = Some(i);
            }
        }
        Ok(best)
    }

    /// As [`Journey::next_change`], looking no further than `horizon` (inclusive): the first
    /// time after the account's `asOf`, up to `horizon`, at which the winning stage is no
    /// longer `current`.
    pub(crate) fn change_until(
        &self,
        account: &Data,
        current: Option<usize>,
        horizon: i64,
    ) -> Result<Option<i64>, Error> {
        self.change_until_in_stage(
            &mut account.clone(),
            (current, false),
            horizon,
            &[],
            None,
            (&[], &mut 0),
        )
    }

    /// As [`Journey::change_until`], for an account in a stage since `entered` (its
    /// `daysInStage` then grows with time, and the criteria's lengths count from `entered`
    /// too), with `suppressed` stages left out (another journey's conflict rule).
    ///
    /// The account context is evaluated in place (a copy per search cost more than the
    /// search): it is as it was when this returns.
    pub(crate) fn change_until_in_stage(
        &self,
        account: &mut Data,
        (current, fresh): (Option<usize>, bool),
        horizon: i64,
        suppressed: &[usize],
        entered: Option<i64>,
        (carried, look): (&[crate::score::Carry], &mut u64),
    ) -> Result<Option<i64>, Error> {
        let l = crate::expr::types::layout();
        let Data::Object(fields) = &*account else {
            return Ok(None);
        };
        let field = |i: usize| fields.get(i).cloned().unwrap_or(Data::Null);
        // Computed fields as nothing filled them (as replay keeps them) are not copied.
        let (blank_score, blank_group) = blank_computed();
        let unless_blank = |i: usize, blank: &Data| {
            fields
                .get(i)
                .filter(|v| *v != blank)
                .map_or(Given::BLANK, |v| Some(v.clone()))
        };
        let given = Given {
            as_of: field(l.as_of),
            days_in_stage: field(l.days_in_stage),
            score: unless_blank(l.score, blank_score),
            buying_group: unless_blank(l.buying_group, blank_group),
        };
        let found = self.first_change(
            account,
            &given,
            (current, fresh),
            horizon,
            (suppressed, entered, carried, look),
        );
        if let Data::Object(fields) = account {
            given.put_back_computed(fields);
            for (i, value) in [
                (l.as_of, given.as_of),
                (l.days_in_stage, given.days_in_stage),
            ] {
                if let Some(slot) = fields.get_mut(i) {
                    *slot = value;
                }
            }
        }
        found
    }

    /// The winning stage at `t` of `account` (a context as replay keeps it between
    /// evaluations), `suppressed` stages left out, by a compiled look (`crate::look`): what
    /// [`Journey::winner`] gives over the context completed at `t`, without completing it.
    /// `None` where the journey or this account must be looked at on its context.
    pub(crate) fn compiled_winner(
        &self,
        account: &Data,
        t: i64,
        suppressed: &[usize],
        (carried, look): (&[crate::score::Carry], &mut u64),
    ) -> Option<Option<usize>> {
        let model = self.time_model.get_or_init(|| self.build_time_model());
        let looker = model.looker.as_deref()?;
        let l = crate::expr::types::layout();
        let Data::Object(fields) = account else {
            return None;
        };
        // A score given (not computed) is read as given, as a search reads it.
        let given_score = fields.get(l.score).filter(|v| *v != &blank_computed().0);
        let mut scratch = crate::look::Scratch::take();
        let crate::look::Buffers {
            snapshot, totals, ..
        } = &mut *scratch;
        // The account as the last look took it, with the signals appended since, or afresh.
        if !looker.take_kept(self, account, given_score, carried, (snapshot, look)) {
            return None;
        }
        let snapshot = &*snapshot;
        let mut batch = looker.batch(snapshot);
        Some(looker.stage_at(self, (snapshot, &mut batch), totals, t, suppressed))
    }

    /// [`Journey::change_until_in_stage`]'s search.
    fn first_change(
        &self,
        account: &mut Data,
        given: &Given,
        (current, fresh): (Option<usize>, bool),
        horizon: i64,
        (suppressed, entered, carried, look): (
            &[usize],
            Option<i64>,
            &[crate::score::Carry],
            &mut u64,
        ),
    ) -> Result<Option<i64>, Error> {
        let Some(as_of) = as_of_of(account) else {
            return Ok(None);
        };
        let horizon = horizon.min(crate::expr::MAX_TIMESTAMP_MS);
        if horizon <= as_of {
            return Ok(None);
        }
        let model = self.time_model.get_or_init(|| self.build_time_model());
        let search = match &*account {
            Data::Object(root) => {
                let (latest, items) = latest_date_and_longest_list(root);
                self.search(
                    model,
                    (root, carried),
                    (current, suppressed),
                    (items, latest, as_of),
                )
            }
            _ => Search::Scan,
        };
        // `current` is what the criteria give the facts as they are now: where it cannot change,
        // nothing needs looking at.
        if fresh && search == Search::Settled {
            return Ok(None);
        }
        // Every date the account holds — signals' times, and dates such as crm.customerSince —
        // each with the lengths of time after it at which something can change: the criteria's
        // windows for every date, and a signal's own decay for its time.
        // The thread's buffers (points, dates, an account taken apart for compiled looks),
        // kept from one search to the next.
        let mut scratch = crate::look::Scratch::take();
        let crate::look::Buffers {
            snapshot,
            totals,
            points,
            dates,
        } = &mut *scratch;
        points.clear();
        dates.clear();
        let mut add = |t: i64, lengths: &[i64]| {
            for &d in lengths {
                for point in [t.saturating_add(d), t.saturating_add(d + 1)] {
                    if point > as_of && point <= horizon {
                        points.push(point);
                    }
                }
            }
            if t > as_of && t <= horizon {
                points.push(t);
            }
        };
        let l = crate::expr::types::layout();
        let scoring = self.score_model();
        let decay_points = |kind: &str| {
            let (position, _) = scoring?.kind(kind)?;
            model
                .by_type
                .get(position)
                .filter(|lengths| !lengths.is_empty())
        };
        if let Data::Object(root) = account {
            for (i, field) in root.iter().enumerate().skip(1) {
                if i != l.signals {
                    collect_dates(field, dates);
                }
            }
            if let Some(Data::List(signals)) = root.get(l.signals) {
                // Signals of one type often follow each other: the last type's lengths are kept.
                let mut last: Option<(&str, Option<&Vec<i64>>)> = None;
                for signal in signals {
                    let Data::Object(values) = signal else {
                        continue;
                    };
                    if let Some(Data::Timestamp(at)) = values.get(l.signal_at) {
                        add(*at, &model.common);
                        let decay = match (values.get(l.signal_type), last) {
                            (Some(Data::String(kind)), Some((was, decay)))
                                if was == kind.as_ref() =>
                            {
                                decay
                            }
                            (Some(Data::String(kind)), _) => {
                                let decay = decay_points(kind);
                                last = Some((kind, decay));
                                decay
                            }
                            _ => None,
                        };
                        if let Some(decay) = decay {
                            add(*at, decay);
                        }
                    }
                }
            }
        }
        for &t in dates.iter().chain(&entered) {
            add(t, &model.common);
        }
        // Signals folded into sums keep their decay's checkpoints, counted from the fold.
        for carry in carried {
            if let Some(decay) = decay_points(&carry.kind) {
                add(carry.at, decay);
            }
        }
        let named = &model.named;
        // Dates the criteria name (`asOf >= timestamp("2027-01-01")`), and the millisecond after.
        points.extend(named.iter().copied().filter(|&t| t > as_of && t <= horizon));
        points.sort_unstable();
        points.dedup();
        // The nearest points, then the horizon itself: past the cut, and between the last
        // point and the horizon (a score decaying through its threshold between two
        // halvings), a change is still found by bisection.
        points.truncate(MAX_POINTS);
        points.push(horizon);
        points.dedup();
        // A point where the answer cannot be computed (a criterion dividing by zero then)
        // counts as a change: the current answer stands until then.
        // Each look compiled (`crate::look`) where the journey's criteria and the account
        // allow it, else on the context itself.
        let points = &*points;
        // Taking an account apart costs about one look on the context: a search that looks
        // once (`Settled`) does that instead.
        let looker = model
            .looker
            .as_deref()
            .filter(|_| search != Search::Settled)
            .filter(|l| {
                let given_score = given.score.as_ref();
                l.take_kept(self, account, given_score, carried, (snapshot, look))
            });
        let snapshot = &*snapshot;
        let mut compiled = looker.map(|l| (l, l.batch(snapshot)));
        let mut same = |t: i64| match &mut compiled {
            Some((looker, batch)) => {
                let look = (snapshot, batch);
                looker.stage_at(self, look, totals, t, suppressed) == current
            }
            None => {
                matches!(self.stage_at(account, given, t, (suppressed, entered, carried)), Ok(s) if s == current)
            }
        };
        // The last point where the answer is still `current` (or `asOf`) and the first where
        // it is not.
        let (before, point) = match search {
            Search::Scan => {
                let mut before = as_of;
                let mut changed = None;
                for &point in points {
                    if !same(point) {
                        changed = Some(point);
                        break;
                    }
                    before = point;
                }
                match changed {
                    Some(point) => (before, point),
                    None => return Ok(None),
                }
            }
            Search::Settled | Search::Bisect => {
                // Unless `current` is known to be the answer now, the first point confirms it.
                let (before, rest) = match points.split_first() {
                    _ if fresh => (as_of, points.as_slice()),
                    Some((&first, rest)) => (first, rest),
                    None => return Ok(None),
                };
                if !fresh && !same(before) {
                    (as_of, before)
                } else if search == Search::Settled {
                    return Ok(None);
                } else {
                    // The first of the other points where the answer is no longer `current`.
                    let (mut low, mut high) = (0, rest.len());
                    while low < high {
                        let mid = low + (high - low) / 2;
                        match rest.get(mid) {
                            Some(&t) if same(t) => low = mid + 1,
                            _ => high = mid,
                        }
                    }
                    match rest.get(low) {
                        Some(&point) => (
                            low.checked_sub(1)
                                .and_then(|i| rest.get(i).copied())
                                .unwrap_or(before),
                            point,
                        ),
                        None => return Ok(None),
                    }
                }
            }
        };
        // The stage differs at `point` and not at `before`: the first millisecond. Where the
        // answer changes at most once, a window ending exactly at `point` is settled by one
        // look at the millisecond before (bisection would find the same millisecond).
        let before = if search != Search::Scan && point - before > 1 && same(point - 1) {
            point - 1
        } else {
            before
        };
        Ok(Some(boundary(before, point, same).1))
    }
}

/// The stages that hold (by precedence), the stages exited, the stages whose entry is unknown.
struct Holding {
    stages: Vec<usize>,
    exited: Vec<String>,
    unknown: Vec<String>,
}

/// What `change_until` looks at besides the account's own dates (built once per journey).
#[derive(Debug, Clone, Default)]
pub(crate) struct TimeModel {
    /// Lengths of time after any date at which a criterion's answer can change (windows).
    common: Vec<i64>,
    /// Lengths of time after a signal of each scored type (by its position, see
    /// `ScoreModel::kind`) at which its score contribution changes markedly (its decay's end,
    /// or its half-life's first halvings; none without decay).
    by_type: Vec<Vec<i64>>,
    /// Dates the criteria name, and the millisecond after each.
    named: Vec<i64>,
    /// Each stage's trend of holding (its entry criterion holds, its exit criterion does not)
    /// when the score can only fall, and when it may move either way.
    holds_when_score_falls: Vec<Trend>,
    holds_when_score_moves: Vec<Trend>,
    /// Whether the scoring rules let a score only fall with time (signals aside).
    score_rules_fall: bool,
    /// Whether no fit or component rule can fail at some times and not others (the score is
    /// computed at every look, and a look that fails counts as a change).
    score_rules_sound: bool,
    /// The longest list an account may have for no evaluation of a criterion or scoring rule
    /// to come near the step limit (skipping evaluations is safe up to it); `None`: none is
    /// short enough.
    max_items: Option<u64>,
    /// The stages compiled for looks at many times (`crate::look`); `None` when the criteria
    /// need the account context.
    pub(crate) looker: Option<std::sync::Arc<crate::look::Looker>>,
}

/// The fields of an account context a search sets for each look, as they were (the score
/// and buying group: `None` when blank, see [`blank_computed`]).
struct Given {
    as_of: Data,
    days_in_stage: Data,
    score: Option<Data>,
    buying_group: Option<Data>,
}

impl Given {
    const BLANK: Option<Data> = None;

    /// Puts the context's score and buying group back as they were (reusing what they hold).
    fn put_back_computed(&self, fields: &mut [Data]) {
        let l = crate::expr::types::layout();
        let (blank_score, blank_group) = blank_computed();
        for (i, was) in [
            (l.score, self.score.as_ref().unwrap_or(blank_score)),
            (
                l.buying_group,
                self.buying_group.as_ref().unwrap_or(blank_group),
            ),
        ] {
            if let Some(slot) = fields.get_mut(i) {
                slot.reset_to(was);
            }
        }
    }
}

/// The context's `score` and `buyingGroup` as nothing has filled them (built once).
pub(crate) fn blank_computed() -> &'static (Data, Data) {
    static BLANK: std::sync::OnceLock<(Data, Data)> = std::sync::OnceLock::new();
    BLANK.get_or_init(|| {
        let blank = crate::expr::data::blank_field;
        (blank("score"), blank("buyingGroup"))
    })
}

/// How to look for the first time point where the answer is no longer `current`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Search {
    /// At every time point, in order.
    Scan,
    /// Once the answer is `current` at the first point it stays so: one look.
    Settled,
    /// Once the answer is `current` at the first point it changes at most once: a look there,
    /// then binary search over the others.
    Bisect,
}

/// An account context's `asOf`.
fn as_of_of(account: &Data) -> Option<i64> {
    match account {
        Data::Object(root) => match root.first() {
            Some(Data::Timestamp(t)) => Some(*t),
            _ => None,
        },
        _ => None,
    }
}

/// Every timestamp in `value` (a field of an account context), appended to `out`.
fn collect_dates(value: &Data, out: &mut Vec<i64>) {
    // Recursive: a context is shaped by the account schema, a few levels deep.
    match value {
        Data::Timestamp(t) => out.push(*t),
        Data::List(items) | Data::Object(items) => {
            for item in items {
                collect_dates(item, out);
            }
        }
        _ => {}
    }
}

/// Where a predicate that holds at `yes` and not at `no` (`yes < no`) stops holding, by halving:
/// the last value where it holds and the first where it does not (the first change, when it
/// changes once between them).
fn boundary(mut yes: i64, mut no: i64, mut holds: impl FnMut(i64) -> bool) -> (i64, i64) {
    while no - yes > 1 {
        let mid = yes + (no - yes) / 2;
        if holds(mid) {
            yes = mid;
        } else {
            no = mid;
        }
    }
    (yes, no)
}

/// The latest date an account context holds (its `asOf` aside) and the length of its longest
/// list.
fn latest_date_and_longest_list(root: &[Data]) -> (i64, usize) {
    // Recursive: a context is shaped by the account schema, a few levels deep. Called once per
    // search over every field of every signal, so scalars are handled in the parent's loop
    // (one call per container, not per value).
    fn walk(values: &[Data], found: &mut (i64, usize)) {
        for v in values {
            match v {
                Data::Timestamp(t) => found.0 = found.0.max(*t),
                Data::List(items) => {
                    found.1 = found.1.max(items.len());
                    walk(items, found);
                }
                Data::Object(fields) => walk(fields, found),
                _ => {}
            }
        }
    }
    let l = crate::expr::types::layout();
    let mut found = (i64::MIN, 0);
    for (i, field) in root.iter().enumerate().skip(1) {
        match field {
            // Signals are most of an account, and a signal's only date is its time: it holds no
            // list and no other date (the schema says so, and a test checks the schema).
            Data::List(signals) if i == l.signals => {
                found.1 = found.1.max(signals.len());
                for signal in signals {
                    match signal {
                        Data::Object(values) => {
                            if let Some(Data::Timestamp(t)) = values.get(l.signal_at) {
                                found.0 = found.0.max(*t);
                            }
                        }
                        other => walk(std::slice::from_ref(other), &mut found),
                    }
                }
            }
            other => walk(std::slice::from_ref(other), &mut found),
        }
    }
    found
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_signal_holds_one_date_and_no_list() {
        // `latest_date_and_longest_list` reads only a signal's time.
        use crate::expr::types::Ty;
        let Ty::Object(fields) = crate::expr::types::signal_ty() else {
            panic!("a signal is an object");
        };
        let dates: Vec<&str> = fields
            .iter()
            .filter(|f| matches!(f.ty, Ty::Timestamp))
            .map(|f| f.name)
            .collect();
        assert_eq!(dates, ["at"]);
        assert!(
            fields
                .iter()
                .all(|f| !matches!(f.ty, Ty::List(_) | Ty::Object(_)))
        );
        let l = crate::expr::types::layout();
        assert_eq!(fields.get(l.signal_at).map(|f| f.name), Some("at"));
    }

    #[test]
    fn next_change_finds_a_decaying_score_crossing_its_threshold() {
        let journey = Journey::from_json(
            r#"{"id": "j", "name": "J", "version": "1", "unmatched": "outside",
                "scoring": {"weights": {"engagement": 1},
                  "signals": {"webinar": {"component": "engagement", "points": 100,
                                          "decay": {"halfLife": "10d"}}}},
                "stages": [{"id": "hot", "name": "Hot", "kind": "pre-sale",
                            "entryCriteria": "score.composite > 50"}]}"#,
        )
        .unwrap();
        let account = Data::account_from_json(
            r#"{"asOf": "2026-11-22", "signals": [{"type": "webinar", "at": "2026-11-22"}]}"#,
        )
        .unwrap();
        let c = journey.classify(&account).unwrap();
        assert_eq!(c.stage.as_deref(), Some("hot"));
        // 100 halves to exactly 50 — no longer above it — ten days later, to the millisecond.
        assert_eq!(c.next_change_at.as_deref(), Some("2026-12-02T00:00:00Z"));
        let later = journey
            .classify_with(&account.with_as_of(1_796_169_599_999), false)
            .unwrap();
        assert_eq!(later.stage.as_deref(), Some("hot"), "a millisecond before");
    }

    fn journey(stages: &str) -> Journey {
        Journey::from_json(&format!(
            r#"{{"id": "j", "name": "J", "version": "1", "unmatched": "outside", "stages": [{stages}]}}"#
        ))
        .unwrap()
    }

    fn at(date: &str) -> Data {
        Data::account_from_json(&format!(
            r#"{{"asOf": "{date}", "crm": {{"customerSince": "2026-11-01"}}}}"#
        ))
        .unwrap()
    }

    #[test]
    fn next_change_sees_dates_in_criteria_and_survives_failing_points() {
        let dated = journey(
            r#"{"id": "a", "name": "A", "kind": "pre-sale", "entryCriteria": "asOf >= timestamp(\"2027-01-01\")"}"#,
        );
        let c = dated.classify(&at("2026-11-22")).unwrap();
        assert_eq!(c.status, "outside");
        assert_eq!(c.next_change_at.as_deref(), Some("2027-01-01T00:00:00Z"));
        // Thirty days after the customer date the criterion divides by zero: the current
        // answer stands, and the failing moment is when it stops standing.
        let failing = journey(
            r#"{"id": "a", "name": "A", "kind": "pre-sale", "entryCriteria": "true"},
               {"id": "b", "name": "B", "kind": "pre-sale",
                "entryCriteria": "100 / (30 - daysSince(crm.customerSince)) > 1"}"#,
        );
        let c = failing.classify(&at("2026-11-22")).unwrap();
        assert_eq!(c.stage.as_deref(), Some("b"));
        assert_eq!(c.next_change_at.as_deref(), Some("2026-12-01T00:00:00Z"));
    }

    #[test]
    fn an_exited_stage_is_not_next_and_not_is_one_condition() {
        let j = journey(
            r#"{"id": "a", "name": "A", "kind": "pre-sale", "entryCriteria": "true"},
               {"id": "b", "name": "B", "kind": "pre-sale", "entryCriteria": "crm.salesAccepted",
                "exitCriteria": "crm.rejected"},
               {"id": "c", "name": "C", "kind": "pre-sale",
                "entryCriteria": "crm.salesAccepted and not crm.lost"}"#,
        );
        let account = Data::account_from_json(
            r#"{"asOf": "2026-11-22", "crm": {"salesAccepted": true, "rejected": true, "lost": true}}"#,
        )
        .unwrap();
        let c = j.classify(&account).unwrap();
        assert_eq!(
            (c.stage.as_deref(), c.exited.clone()),
            (Some("a"), vec!["b".to_string()])
        );
        let next = c.next.unwrap();
        assert_eq!(next.stage, "c");
        let texts: Vec<(&str, Option<bool>)> = next
            .checks
            .iter()
            .map(|k| (k.text.as_str(), k.holds))
            .collect();
        assert_eq!(texts, [("not crm.lost", Some(false))]);
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod search_tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// The search `change_until_in_stage` picks for an account context of the stress journey.
    fn search_for(signals: &str, current: usize) -> Search {
        let journey = Journey::from_json(crate::replay::search_tests::STRESS).unwrap();
        let account = Data::account_from_json(&format!(
            r#"{{"asOf": "2026-02-01T00:00:00Z", "signals": [{signals}]}}"#
        ))
        .unwrap();
        let model = journey.build_time_model();
        let Data::Object(root) = &account else {
            unreachable!()
        };
        let (latest, items) = latest_date_and_longest_list(root);
        let as_of = as_of_of(&account).unwrap();
        journey.search(
            &model,
            (root, &[]),
            (Some(current), &[]),
            (items, latest, as_of),
        )
    }

    /// `classify`'s stage and `nextChangeAt`, with the shortcuts and scanning every point.
    fn both_ways(definition: &str, account: &str) -> [(Option<String>, Option<String>); 2] {
        let journey = Journey::from_json(definition).unwrap();
        let account = Data::account_from_json(account).unwrap();
        [false, true].map(|scan| {
            SCAN_ONLY.with(|s| s.set(scan));
            let c = journey.classify(&account);
            SCAN_ONLY.with(|s| s.set(false));
            let c = c.unwrap();
            (c.stage, c.next_change_at)
        })
    }

    fn journey(stages: &str, scoring: &str) -> String {
        format!(
            r#"{{"id": "j", "name": "J", "version": "1", "unmatched": "outside", {scoring}
                "stages": [{{"id": "base", "name": "Base", "kind": "pre-sale", "entryCriteria": "true"}}, {stages}]}}"#
        )
    }

    // Regressions from a review of the shortcuts, each a case where they once answered
    // differently from scanning every point.

    #[test]
    fn a_window_on_a_date_the_criterion_names_opens_later() {
        // The date in `base` adds a time point before the window opens, where the answer is
        // still `base`.
        let definition = r#"{"id": "j", "name": "J", "version": "1", "unmatched": "outside", "stages": [
            {"id": "base", "name": "Base", "kind": "pre-sale",
             "entryCriteria": "true or crm.customerSince == timestamp(\"2026-02-10T00:00:00Z\")"},
            {"id": "campaign", "name": "Campaign", "kind": "pre-sale",
             "entryCriteria": "within(timestamp(\"2026-03-01T00:00:00Z\"), 10d)"}]}"#;
        let [fast, scan] = both_ways(definition, r#"{"asOf": "2026-02-01T00:00:00Z"}"#);
        assert_eq!(fast, scan);
        assert_eq!(scan.1.as_deref(), Some("2026-03-01T00:00:00Z"));
    }

    #[test]
    fn a_type_cap_and_a_contact_cap_together_let_a_score_rise() {
        // The first `a` fades: the room it frees under its type's cap and c1's cap goes to the
        // second `a` (c2) and to `b` (c1), and the score grows from 10 to 12.4.
        let scoring = r#""scoring": {"weights": {"engagement": 1.0}, "contactCaps": {"engagement": 10},
            "signals": {"a": {"component": "engagement", "points": 20, "decay": {"halfLife": "5d"}, "cap": 10},
                        "b": {"component": "engagement", "points": 10}}},"#;
        let stages = r#"{"id": "hot", "name": "Hot", "kind": "pre-sale", "entryCriteria": "score.composite > 12"}"#;
        let account = r#"{"asOf": "2026-01-03T00:00:00Z", "contacts": [{"id": "c1"}, {"id": "c2"}],
            "signals": [{"type": "a", "at": "2026-01-01T00:00:00Z", "contact": "c1"},
                        {"type": "a", "at": "2026-01-03T00:00:00Z", "contact": "c2"},
                        {"type": "b", "at": "2026-01-03T00:00:00Z", "contact": "c1"}]}"#;
        let [fast, scan] = both_ways(&journey(stages, scoring), account);
        assert_eq!(fast, scan);
        assert!(scan.1.is_some());
    }

    #[test]
    fn a_scoring_rule_that_fails_at_some_times_is_a_change() {
        let scoring = r#""scoring": {"weights": {"relationship": 1.0}, "signals": {},
            "rules": [{"component": "relationship", "when": "10 / (daysSince(crm.customerSince) - 20) > 0", "points": 5}]},"#;
        let stages =
            r#"{"id": "won", "name": "Won", "kind": "terminal", "entryCriteria": "crm.won"}"#;
        let account =
            r#"{"asOf": "2026-01-11T00:00:00Z", "crm": {"customerSince": "2026-01-01T00:00:00Z"}}"#;
        let [fast, scan] = both_ways(&journey(stages, scoring), account);
        assert_eq!(fast, scan);
        assert_eq!(scan.1.as_deref(), Some("2026-01-21T00:00:00Z"));
    }

    #[test]
    fn a_list_written_in_a_criterion_counts_toward_the_step_limit() {
        // Between days 5 and 10 the winner's criterion runs 160,000 steps and fails.
        let list = (1..401)
            .map(|i| i.to_string())
            .collect::<Vec<_>>()
            .join(", ");
        let d = "daysSince(crm.customerSince)";
        let expensive = format!("[{list}].exists(x, [{list}].exists(y, x == -y))");
        let windows = ["2d", "6d", "7d", "12d", "13d", "14d"]
            .map(|w| format!("within(crm.customerSince, {w})"))
            .join(" or ");
        let stages = format!(
            r#"{{"id": "windows", "name": "Windows", "kind": "pre-sale", "entryCriteria": "crm.lost and ({windows})"}},
               {{"id": "w", "name": "W", "kind": "pre-sale", "entryCriteria": "({d} < 5 or ({d} < 10 and {expensive})) or crm.won"}}"#
        );
        let account = r#"{"asOf": "2026-01-02T00:00:00Z", "crm": {"won": true, "customerSince": "2026-01-01T00:00:00Z"}}"#;
        let [fast, scan] = both_ways(&journey(&stages, ""), account);
        assert_eq!(fast, scan);
        assert!(scan.1.is_some());
    }

    #[test]
    fn a_score_that_can_rise_is_scanned_point_by_point() {
        let webinar = r#"{"type": "webinar", "at": "2026-01-30T00:00:00Z"}"#;
        // Cold (the lowest stage) below stages that can only stop holding, and `quiet` and
        // `settled`, which can start: the answer changes at most once.
        assert_eq!(search_for(webinar, 0), Search::Bisect);
        // A job-seeker signal's negative points fade: the score may rise, then fall.
        let seeker = r#"{"type": "job_seeker", "at": "2026-01-31T00:00:00Z"}"#;
        assert_eq!(search_for(&format!("{webinar}, {seeker}"), 0), Search::Scan);
        // A signal after `asOf` may still enter a window.
        let later = r#"{"type": "webinar", "at": "2026-02-02T00:00:00Z"}"#;
        assert_eq!(search_for(&format!("{webinar}, {later}"), 0), Search::Scan);
        // Won (the highest stage, on a fact) stays won.
        assert_eq!(search_for(webinar, 5), Search::Settled);
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod winner_tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_winner_is_the_first_of_the_stages_that_hold() {
        // Every template, and one with priorities (ties to the later stage), over the sample
        // accounts as of a few dates, with and without a suppressed stage.
        let priorities = crate::journey::DEFAULT_DEFINITION
            .replacen(r#""id": "mqa","#, r#""id": "mqa", "priority": 9,"#, 1)
            .replacen(r#""id": "saa","#, r#""id": "saa", "priority": 9,"#, 1);
        assert_ne!(priorities, crate::journey::DEFAULT_DEFINITION);
        let mut journeys: Vec<Journey> = crate::templates::TEMPLATES
            .iter()
            .map(|t| Journey::from_json(t.text).unwrap())
            .collect();
        journeys.push(Journey::from_json(&priorities).unwrap());
        let text = include_str!("../examples/data/sample-accounts.json");
        let accounts: Vec<serde_json::Value> = serde_json::from_str(text).unwrap();
        let mut compared = 0;
        for journey in &journeys {
            for account in &accounts {
                for as_of in ["2026-03-01", "2026-11-22", "2027-06-01"] {
                    let Ok(account) = Data::account_from_json_at(&account.to_string(), as_of)
                    else {
                        continue;
                    };
                    let Ok(context) = journey.context(&account) else {
                        continue;
                    };
                    for suppressed in [vec![], vec![4], vec![0, 2]] {
                        let first = journey
                            .holding(&context, &suppressed)
                            .map(|h| h.stages.first().copied());
                        let winner = journey.winner(&context, &suppressed);
                        assert_eq!(
                            winner.map_err(|e| e.to_string()),
                            first.map_err(|e| e.to_string())
                        );
                        compared += 1;
                    }
                }
            }
        }
        assert!(compared > 100, "{compared}");
    }
}
