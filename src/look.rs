//! Compiled looks: the winning stage of an account at any time while its facts stay as they
//! are — what the between-event search (`classify`'s `change_until_in_stage`) asks at every
//! time point it tries, one to dozens of times per search.
//!
//! A look on the account context puts the score back, scores every signal, evaluates the fit
//! rules and walks each stage's criteria over the signal objects. Here, once per search, the
//! account is taken apart into what the criteria read — its facts as one-row columns, its
//! signals as columns coded against the strings the journey names, its signals as scoring
//! counts them, and the fit and component rules' points — and each look only scores the
//! signals at its time and runs the stages' criteria compiled against those columns
//! (`expr::columnar`). The answers are the context's: the same score arithmetic in the same
//! order (`ScoreModel::sums_at`), the evaluator's three-valued semantics; a property test
//! replays random histories both ways and requires byte-identical results.
//!
//! A journey whose criteria read what columns cannot hold (`daysInStage`, the buying group,
//! contacts, a signal's topic, arithmetic…), or whose scoring rules move with time, has no
//! compiled looks; nor does an account whose signals could take a criterion past the
//! evaluator's step limit, or that holds null where columns would hold a value (see
//! [`Looker::take`]). Those look on the context, as before.

use crate::Journey;
use crate::expr::columnar::{Batch, Program, Signals, Source};
use crate::expr::data::get_path;
use crate::expr::types::Ty;
use crate::expr::{Data, Expression};
use crate::score::{CapTotals, Carry, ScoreModel, Scored};

#[cfg(test)]
thread_local! {
    /// Tests set it to compare compiled looks with looks on the context.
    pub(crate) static CONTEXT_ONLY: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// How a fact the criteria read is held.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Shape {
    Flag,
    /// A number, or a timestamp in milliseconds.
    Number,
    Text,
    Texts,
}

/// A journey's stages compiled against one-row columns (built once per journey).
#[derive(Debug)]
pub(crate) struct Looker {
    /// The facts the criteria read, by path, in the order of the batch's sources.
    facts: Vec<(Box<[usize]>, Shape)>,
    /// The score fields read (after the facts in the sources): path, and 0 for the composite
    /// or 1 + the component's position.
    scores: Vec<(Box<[usize]>, usize)>,
    /// Every string the journey's criteria name, sorted, then one that none names: a fact's or
    /// a signal's string is coded as its place here, or as that last one.
    words: Vec<String>,
    /// Each stage's entry and exit criterion (`None`: the stage has none).
    stages: Vec<(Option<Program>, Option<Program>)>,
    /// The account fields the fit and component rules read (and an imported fit): while they
    /// hold the same values, so do the rules' points (`None`: the rules read lists, whose
    /// points are taken afresh each time).
    rule_inputs: Option<Vec<Box<[usize]>>>,
    /// This looker among all made (the thread's buffers keep the last one's rule points).
    id: u64,
}

impl Looker {
    /// The compiled looks for `journey`, when its criteria allow them.
    pub(crate) fn new(journey: &Journey) -> Option<Looker> {
        let l = crate::expr::types::layout();
        let stages = &journey.definition().stages;
        if stages.iter().any(|s| !s.required_roles.is_empty()) {
            return None;
        }
        let criteria: Vec<&Expression> = journey.criteria().collect();
        // A signal's topic has no column.
        if criteria
            .iter()
            .any(|e| e.reads_element_field(l.signal_topic))
        {
            return None;
        }
        let mut facts: Vec<(Box<[usize]>, Shape)> = Vec::new();
        let mut scores = Vec::new();
        for path in criteria.iter().flat_map(|e| e.root_paths()) {
            let first = path.first().copied();
            if first == Some(l.signals) && path.len() == 1 || first == Some(l.as_of) {
                continue;
            }
            if first == Some(l.score) {
                let which = score_field(path)?;
                if !scores.iter().any(|(p, _)| p == path) {
                    scores.push((path.clone(), which));
                }
                continue;
            }
            if [l.days_in_stage, l.buying_group, l.contacts, l.signals]
                .iter()
                .any(|&i| first == Some(i))
            {
                return None;
            }
            let shape = match crate::expr::columnar::field_ty(path)? {
                Ty::Bool => Shape::Flag,
                Ty::Number | Ty::Timestamp => Shape::Number,
                Ty::String => Shape::Text,
                Ty::List(Ty::String) => Shape::Texts,
                _ => return None,
            };
            if !facts.iter().any(|(p, _)| p == path) {
                facts.push((path.clone(), shape));
            }
        }
        // The fit and component rules' points are taken once per search (and a look on the
        // context fails where one of them does, whether or not a criterion reads the score).
        if let Some(model) = journey.score_model()
            && model
                .fit_criteria()
                .iter()
                .chain(model.rule_criteria())
                .any(Expression::reads_clock)
        {
            return None;
        }
        let mut words = Vec::new();
        for e in &criteria {
            e.string_constants(&mut words);
        }
        crate::sort::sort_by(&mut words, |a, b| a.cmp(b));
        words.dedup();
        let mut other = String::from("\u{0}other");
        while words.binary_search(&other).is_ok() {
            other.push('\u{0}');
        }
        words.push(other);
        let rule_inputs = journey.score_model().and_then(|model| {
            let mut paths: Vec<Box<[usize]>> = vec![Box::new([l.score, l.score_fit])];
            for path in model
                .fit_criteria()
                .iter()
                .chain(model.rule_criteria())
                .flat_map(Expression::root_paths)
            {
                if [l.signals, l.contacts, l.buying_group].contains(path.first()?) {
                    return None;
                }
                if !paths.contains(path) {
                    paths.push(path.clone());
                }
            }
            Some(paths)
        });
        static MADE: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        let mut looker = Looker {
            facts,
            scores,
            words,
            stages: Vec::new(),
            rule_inputs,
            id: MADE.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        };
        let empty = Snapshot::default();
        let batch = looker.batch(&empty);
        let compile = |e: Option<&Expression>| match e {
            None => Some(None),
            Some(e) => Program::compile(e, &batch).map(Some),
        };
        let compiled = (0..stages.len())
            .map(|i| {
                let (entry, exit) = journey.compiled_criteria(i);
                Some((compile(entry)?, compile(exit)?))
            })
            .collect::<Option<Vec<_>>>()?;
        looker.stages = compiled;
        Some(looker)
    }

    /// The code of `text`: its place among the words, or the last (a word no criterion names).
    fn code(&self, text: &str) -> u32 {
        let other = self.words.len().saturating_sub(1);
        let place = self
            .words
            .get(..other)
            .and_then(|named| named.binary_search_by(|w| w.as_str().cmp(text)).ok())
            .unwrap_or(other);
        u32::try_from(place).unwrap_or(u32::MAX)
    }

    /// The one-row batch of `snapshot`, its score fields read from the batch's `live` values
    /// (the composite, then each component; NaN for null), which [`Looker::stage_at`] sets
    /// with its time at each look.
    pub(crate) fn batch<'a>(&'a self, snapshot: &'a Snapshot) -> Batch<'a> {
        let mut sources = Vec::with_capacity(self.facts.len() + self.scores.len());
        // Every fact has a source (compiling against an empty snapshot finds them all).
        for (k, (path, shape)) in self.facts.iter().enumerate() {
            let (at, len) = snapshot
                .slots
                .get(k)
                .copied()
                .unwrap_or((usize::MAX, usize::MAX));
            let source = match shape {
                Shape::Flag => Source::Flags(snapshot.flags.get(at..=at).unwrap_or(&[2])),
                Shape::Number => {
                    Source::Numbers(snapshot.numbers.get(at..=at).unwrap_or(&[f64::NAN]))
                }
                Shape::Text => Source::Strings {
                    codes: snapshot.codes.get(at..=at).unwrap_or(&[u32::MAX]),
                    values: &self.words,
                },
                Shape::Texts => Source::Lists {
                    offsets: snapshot
                        .bounds
                        .get(len..=len.saturating_add(1))
                        .unwrap_or(&[0, 0]),
                    codes: &snapshot.codes,
                    values: &self.words,
                },
            };
            sources.push((&path[..], source));
        }
        for (path, which) in &self.scores {
            sources.push((&path[..], Source::Live(*which)));
        }
        Batch {
            sources,
            signals: Signals {
                offsets: &snapshot.offsets,
                kind: &snapshot.kind,
                kinds: &self.words,
                at: &snapshot.at,
                strength: Some(&snapshot.strength),
                value: Some(&snapshot.value),
                contact: Some(&snapshot.contact),
                contacts: &self.words,
            },
            as_of: 0,
            live: [f64::NAN; 6],
        }
    }

    /// `account` (a context whose score holds what was given, `given_score`: `None` when
    /// blank) taken apart for looks, into `out`; `false` when this account must be looked at
    /// on its context: a fit rule fails, a criterion could run out of steps, two contacts share
    /// an id, or a list, the signals or the score is null where the context reads null.
    pub(crate) fn take(
        &self,
        journey: &Journey,
        account: &Data,
        given_score: Option<&Data>,
        carried: &[Carry],
        out: &mut Snapshot,
    ) -> bool {
        #[cfg(test)]
        if CONTEXT_ONLY.with(std::cell::Cell::get) {
            return false;
        }
        let l = crate::expr::types::layout();
        let Data::Object(root) = account else {
            return false;
        };
        out.clear();
        for (path, shape) in &self.facts {
            let value = get_path(account, path);
            let slot = match shape {
                Shape::Flag => {
                    out.flags.push(match value {
                        Some(Data::Bool(b)) => u8::from(*b),
                        _ => 2,
                    });
                    (out.flags.len() - 1, 0)
                }
                Shape::Number => {
                    out.numbers.push(match value {
                        Some(Data::Number(n)) => *n,
                        Some(Data::Timestamp(t)) => *t as f64,
                        _ => f64::NAN,
                    });
                    (out.numbers.len() - 1, 0)
                }
                Shape::Text => {
                    out.codes.push(match value {
                        Some(Data::String(s)) => self.code(s),
                        _ => u32::MAX,
                    });
                    (out.codes.len() - 1, 0)
                }
                Shape::Texts => {
                    // A null list reads as null, not as an empty one: looked at on the context.
                    let Some(Data::List(items)) = value else {
                        return false;
                    };
                    let from = out.codes.len();
                    for item in items {
                        out.codes.push(match item {
                            Data::String(s) => self.code(s),
                            _ => u32::MAX,
                        });
                    }
                    out.bounds.push(u32::try_from(from).unwrap_or(u32::MAX));
                    out.bounds
                        .push(u32::try_from(out.codes.len()).unwrap_or(u32::MAX));
                    (0, out.bounds.len() - 2)
                }
            };
            out.slots.push(slot);
        }
        let Some(Data::List(signals)) = root.get(l.signals) else {
            // Null signals read as null (`exists` unknown): looked at on the context.
            return false;
        };
        if !self.take_signals(signals, out) || self.too_long(out) || contacts_clash(root) {
            return false;
        }
        out.given = [None; 6];
        match given_score {
            None => {}
            Some(Data::Object(values)) => {
                for (slot, &j) in out.given.iter_mut().zip(crate::journey::score_positions()) {
                    if let Some(Data::Number(n)) = values.get(j) {
                        *slot = Some(*n);
                    }
                }
            }
            // A score that is not an object is never filled in: looked at on the context.
            Some(_) => return false,
        }
        // A look on the context scores the account even when no criterion reads the score: a
        // fit rule failing there fails the look, so such an account is looked at there.
        if let Some(model) = journey.score_model() {
            // The last account's rule points hold when the rules' inputs are the same (replay
            // looks at an account before and after each of its events).
            let same_inputs = self.rule_inputs.as_ref().is_some_and(|paths| {
                out.rules_of == self.id
                    && out.rule_inputs.len() == paths.len()
                    && paths
                        .iter()
                        .zip(&out.rule_inputs)
                        .all(|(p, was)| get_path(account, p).unwrap_or(&Data::Null) == was)
            });
            if !same_inputs {
                out.rule_inputs.clear();
                out.fixed.clear();
                let fixed = &mut out.fixed;
                match model.fixed_points(account, root, |i, points| fixed.push((i, points))) {
                    Ok(known) => out.fit_known = known,
                    Err(_) => return false,
                }
                out.rules_of = self.id;
                if let Some(paths) = &self.rule_inputs {
                    out.rule_inputs.extend(
                        paths
                            .iter()
                            .map(|p| get_path(account, p).cloned().unwrap_or(Data::Null)),
                    );
                }
            }
            model.scored(root, carried, &mut out.scored);
        }
        true
    }

    /// `signals` (the account's, or the last of them) appended to `out`'s signal columns;
    /// `false` when one is not an object (looked at on the context).
    fn take_signals(&self, signals: &[Data], out: &mut Snapshot) -> bool {
        let l = crate::expr::types::layout();
        // Signals of one type often follow each other: the last type's code is kept.
        let mut last: Option<(&str, u32)> = None;
        for signal in signals {
            let Data::Object(values) = signal else {
                return false;
            };
            let text = |i: usize| match values.get(i) {
                Some(Data::String(s)) => self.code(s),
                _ => u32::MAX,
            };
            let number = |i: usize| match values.get(i) {
                Some(Data::Number(n)) => *n,
                _ => f64::NAN,
            };
            let kind = match values.get(l.signal_type) {
                Some(Data::String(s)) => match last {
                    Some((name, code)) if name == s.as_ref() => code,
                    _ => {
                        let code = self.code(s);
                        last = Some((s, code));
                        code
                    }
                },
                _ => u32::MAX,
            };
            out.kind.push(kind);
            out.at.push(match values.get(l.signal_at) {
                Some(Data::Timestamp(t)) => *t as f64,
                _ => f64::NAN,
            });
            out.strength.push(number(l.signal_strength));
            out.value.push(number(l.signal_value));
            out.contact.push(text(l.signal_contact));
        }
        out.offsets = [0, out.kind.len()];
        true
    }

    /// Whether a stage's criterion could run out of steps over `snapshot`'s lists (such an
    /// account is looked at on its context).
    fn too_long(&self, snapshot: &Snapshot) -> bool {
        let batch = self.batch(snapshot);
        self.stages.iter().any(|(entry, exit)| {
            [entry, exit]
                .into_iter()
                .flatten()
                .any(|p| p.may_exceed_steps(&batch, 0))
        })
    }

    /// As [`Looker::take`], unless `out` still holds the account taken under `*token`: then
    /// only the signals appended to its list since are taken (see [`Looker::extend`]). A new
    /// take gets a fresh token, a failed one none (0). The caller drops its token whenever the
    /// account's facts change otherwise (another account's, an event's facts, signals folded).
    pub(crate) fn take_kept(
        &self,
        journey: &Journey,
        account: &Data,
        given_score: Option<&Data>,
        carried: &[Carry],
        (out, token): (&mut Snapshot, &mut u64),
    ) -> bool {
        if self.extend(journey, account, (out, token)) {
            return true;
        }
        let taken = self.take(journey, account, given_score, carried, out);
        *token = if taken { fresh_token() } else { 0 };
        out.token = *token;
        taken
    }

    /// Brings `out`, taken from `account` under `*token`, up to date with the signals
    /// appended to the account's list since — the one change replay keeps a snapshot across:
    /// the new signals are taken as [`Looker::take`] takes them, in the same order. `false`,
    /// and the token dropped, when `out` holds another account (or none), when the scoring
    /// rules' points read lists (they are taken afresh each time), or the longer lists could
    /// run a criterion out of steps. It trusts the caller: every other change of the facts
    /// must have dropped the token (the property tests replay with and without compiled
    /// looks to hold it to that).
    fn extend(
        &self,
        journey: &Journey,
        account: &Data,
        (out, token): (&mut Snapshot, &mut u64),
    ) -> bool {
        if *token == 0 || out.token != *token {
            *token = 0;
            return false;
        }
        // Rule points read from lists are taken afresh each time (without a scoring model
        // there are none).
        let rules_hold = self.rule_inputs.is_some() || journey.score_model().is_none();
        let extended = rules_hold && self.extend_signals(journey, account, out);
        if !extended {
            *token = 0;
            out.token = 0;
        }
        extended
    }

    fn extend_signals(&self, journey: &Journey, account: &Data, out: &mut Snapshot) -> bool {
        let l = crate::expr::types::layout();
        let Data::Object(root) = account else {
            return false;
        };
        let Some(Data::List(signals)) = root.get(l.signals) else {
            return false;
        };
        let Some(new) = signals.get(out.kind.len()..) else {
            return false;
        };
        if new.is_empty() {
            return true;
        }
        if !self.take_signals(new, out) || self.too_long(out) {
            return false;
        }
        if let Some(model) = journey.score_model() {
            model.scored_signals(root, new, &mut out.scored);
        }
        true
    }

    /// The winning stage at `t` of the account `snapshot` holds (taken by [`Looker::take`];
    /// `batch` is [`Looker::batch`] of it), the stages in `suppressed` left out: what looking
    /// at its context with `asOf` = `t` gives.
    pub(crate) fn stage_at(
        &self,
        journey: &Journey,
        (snapshot, batch): (&Snapshot, &mut Batch<'_>),
        totals: &mut CapTotals<u32, u32>,
        t: i64,
        suppressed: &[usize],
    ) -> Option<usize> {
        // Without a scoring model, the score is what was given.
        let mut scores = snapshot.given.map(|v| v.unwrap_or(f64::NAN));
        if let Some(model) = journey.score_model() {
            let mut sums = ScoreModel::sums_at(&snapshot.scored, t, totals);
            for &(i, points) in &snapshot.fixed {
                if let Some(slot) = sums.get_mut(i) {
                    *slot += points;
                }
            }
            let values = model.finish(sums, snapshot.fit_known);
            let each = std::iter::once(values.composite).chain(values.normalized);
            for ((slot, given), value) in scores.iter_mut().zip(snapshot.given).zip(each) {
                *slot = given.or(value).unwrap_or(f64::NAN);
            }
        }
        batch.as_of = t;
        batch.live = scores;
        let batch = &*batch;
        journey
            .precedence_order()
            .iter()
            .filter(|i| !suppressed.contains(i))
            .copied()
            .find(|&i| {
                let Some((entry, exit)) = self.stages.get(i) else {
                    return false;
                };
                let verdict = |p: &Option<Program>| p.as_ref().and_then(|p| p.evaluate(batch, 0));
                verdict(entry) == Some(true) && verdict(exit) != Some(true)
            })
    }
}

/// A token no snapshot was taken under yet (never 0; one counter for the process, so a token
/// names one take whatever thread or journey made it). Snapshots live in each thread's
/// buffers, shared by every account replayed on it: a token says whose it is.
pub(crate) fn fresh_token() -> u64 {
    static TOKENS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    TOKENS
        .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        .max(1)
}

thread_local! {
    /// One snapshot's buffers per thread, kept from one search to the next.
    static SNAPSHOT: std::cell::RefCell<Buffers> = std::cell::RefCell::default();
}

/// What a search needs besides the journey: its time points, and for compiled looks an account
/// taken apart and the running totals its score's caps clip against.
#[derive(Default)]
pub(crate) struct Buffers {
    pub(crate) snapshot: Snapshot,
    pub(crate) totals: CapTotals<u32, u32>,
    /// The search's time points and the account's dates.
    pub(crate) points: Vec<i64>,
    pub(crate) dates: Vec<i64>,
}

/// The thread's buffers, taken for one search and given back when dropped.
pub(crate) struct Scratch(Buffers);

impl Scratch {
    pub(crate) fn take() -> Scratch {
        Scratch(SNAPSHOT.with(|s| {
            s.try_borrow_mut()
                .map(|mut s| std::mem::take(&mut *s))
                .unwrap_or_default()
        }))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let snapshot = std::mem::take(&mut self.0);
        SNAPSHOT.with(|s| {
            if let Ok(mut slot) = s.try_borrow_mut() {
                *slot = snapshot;
            }
        });
    }
}

impl std::ops::Deref for Scratch {
    type Target = Buffers;
    fn deref(&self) -> &Buffers {
        &self.0
    }
}

impl std::ops::DerefMut for Scratch {
    fn deref_mut(&mut self) -> &mut Buffers {
        &mut self.0
    }
}

/// An account taken apart for looks (buffers kept from one account to the next).
#[derive(Default)]
pub(crate) struct Snapshot {
    flags: Vec<u8>,
    numbers: Vec<f64>,
    /// Text facts' codes, and the codes of list facts.
    codes: Vec<u32>,
    /// Each list fact's first and end place in `codes`.
    bounds: Vec<u32>,
    /// Per fact: its place in its shape's vector (a list: its place in `bounds`).
    slots: Vec<(usize, usize)>,
    offsets: [usize; 2],
    kind: Vec<u32>,
    at: Vec<f64>,
    strength: Vec<f64>,
    value: Vec<f64>,
    contact: Vec<u32>,
    /// The signals as scoring counts them, and the rules' points (component, points).
    scored: Vec<Scored>,
    fixed: Vec<(usize, f64)>,
    fit_known: bool,
    /// The values of the rules' inputs `fixed` and `fit_known` were taken with (empty: none),
    /// and the looker (journey) that took them.
    rule_inputs: Vec<Data>,
    rules_of: u64,
    /// The score fields given (not computed): the composite, then each component.
    given: [Option<f64>; 6],
    /// The token it was taken under, for a caller that keeps it from one look to the next
    /// ([`Looker::take_kept`]; 0: none).
    token: u64,
}

impl Snapshot {
    fn clear(&mut self) {
        self.token = 0;
        self.flags.clear();
        self.numbers.clear();
        self.codes.clear();
        self.bounds.clear();
        self.slots.clear();
        self.kind.clear();
        self.at.clear();
        self.strength.clear();
        self.value.clear();
        self.contact.clear();
        self.scored.clear();
    }
}

/// 0 for `score.composite`, 1 + the component's position for `score.<component>`.
fn score_field(path: &[usize]) -> Option<usize> {
    let [_, j] = *path else { return None };
    crate::journey::score_positions()
        .iter()
        .position(|&p| p == j)
}

/// Whether two of the account's contacts share an id: the buying group a look on the context
/// computes fails then (contacts come from upserting events in replay, so never there).
fn contacts_clash(root: &[Data]) -> bool {
    let l = crate::expr::types::layout();
    let Some(Data::List(contacts)) = root.get(l.contacts) else {
        return false;
    };
    fn id(c: &Data) -> Option<&str> {
        match c {
            Data::Object(f) => match f.get(crate::expr::types::layout().contact_id) {
                Some(Data::String(s)) => Some(s.as_ref()),
                _ => Some(""),
            },
            _ => None,
        }
    }
    let ids: Vec<&str> = contacts.iter().filter_map(id).collect();
    ids.iter()
        .enumerate()
        .any(|(i, a)| ids.iter().skip(i + 1).any(|b| a == b))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// `classify`'s answer (with `nextChangeAt`) for `account`, with compiled looks and on the
    /// context.
    fn both_ways(journey: &str, account: &str) -> [String; 2] {
        let journey = Journey::from_json(journey).unwrap();
        assert!(Looker::new(&journey).is_some());
        let account = Data::account_from_json(account).unwrap();
        [false, true].map(|context_only| {
            CONTEXT_ONLY.with(|c| c.set(context_only));
            let answer = journey.classify(&account).map(|c| c.next_change_at);
            CONTEXT_ONLY.with(|c| c.set(false));
            format!("{answer:?}")
        })
    }

    // Review findings: null where a list or the score object is expected reads as null on the
    // context; such accounts are looked at there. A signal dated after `asOf` makes the search
    // look at every point.
    #[test]
    fn null_lists_and_a_null_score_answer_as_on_the_context() {
        let stages = |b: &str| {
            format!(
                r#"{{"id": "j", "name": "J", "version": "1",
                "scoring": {{"weights": {{"engagement": 1}}, "signals": {{"x": {{"component": "engagement", "points": 10}}}}}},
                "stages": [{{"id": "a", "name": "A", "kind": "pre-sale", "entryCriteria": "true"}},
                          {{"id": "b", "name": "B", "kind": "pre-sale", "entryCriteria": {b:?}}}]}}"#
            )
        };
        let future = r#"{"type": "x", "at": "2026-12-01"}"#;
        let cases = [
            (
                "size(firmographics.techStack) == 0",
                format!(
                    r#"{{"asOf": "2026-11-22", "firmographics": {{"techStack": null}}, "signals": [{future}]}}"#
                ),
            ),
            (
                "not exists(signals, type == \"y\")",
                r#"{"asOf": "2026-11-22", "signals": null, "crm": {"customerSince": "2026-12-01"}}"#
                    .to_string(),
            ),
            (
                "has(score.composite)",
                format!(r#"{{"asOf": "2026-11-22", "score": null, "signals": [{future}]}}"#),
            ),
        ];
        for (criterion, account) in cases {
            let [compiled, on_context] = both_ways(&stages(criterion), &account);
            assert_eq!(compiled, on_context, "{criterion}");
        }
    }

    // Review finding: the rule points the thread's buffers keep were reused by another journey
    // whose rules read the same fields.
    #[test]
    fn rule_points_are_not_shared_between_journeys() {
        let journey = |points: u32| {
            Journey::from_json(&format!(
                r#"{{"id": "j{points}", "name": "J", "version": "1",
                "scoring": {{"weights": {{"fit": 1}},
                            "fit": [{{"when": "firmographics.employees >= 500", "points": {points}}}]}},
                "stages": [{{"id": "a", "name": "A", "kind": "pre-sale", "entryCriteria": "true"}},
                          {{"id": "b", "name": "B", "kind": "pre-sale", "entryCriteria": "score.composite > 50"}}]}}"#
            ))
            .unwrap()
        };
        let account = Data::account_from_json(
            r#"{"asOf": "2026-11-22", "firmographics": {"employees": 900},
                "signals": [{"type": "x", "at": "2026-12-01"}]}"#,
        )
        .unwrap();
        let (high, low) = (journey(100), journey(0));
        assert_eq!(high.classify(&account).unwrap().stage.as_deref(), Some("b"));
        let answer = low.classify(&account).unwrap();
        assert_eq!(
            (answer.stage.as_deref(), answer.next_change_at),
            (Some("a"), None)
        );
    }
}
