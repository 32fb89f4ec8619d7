//! Several journeys replayed together over the same events (per product line; per motion):
//! each journey's own timeline, the declared conflict rules between them — while an account is
//! in one journey's `when` stages, another journey's `suppress` stages do not apply — and the
//! account-level roll-up (the first journey, in the declared order, in which the account has a
//! stage).
//!
//! Journeys are replayed in an order where every journey comes after the journeys that can
//! suppress its stages (validation refuses conflict rules that form a cycle), so a journey's
//! suppressions are known from the timelines already replayed.

use serde::Serialize;

use super::account::{AccountState, Transition};
use super::output::{self, AccountTimeline};
use super::{BatchOutcome, EventCounts, RefusedEvent, ReplayState, Suppression, parse_as_of};
use crate::classify::JourneyRef;
use crate::error::{Code, Error};
use crate::journey_set::JourneySet;

/// Replay state for a set of journeys: one [`ReplayState`] per journey, in file order.
#[derive(Debug, Clone, PartialEq)]
pub struct SetReplayState {
    set_hash: String,
    states: Vec<ReplayState>,
}

/// A set replay's answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SetReplayResult {
    /// The date the timelines run to.
    pub as_of: String,
    /// The set replayed: id, version, hash.
    pub set: JourneyRef,
    /// Per journey, in file order: its event counts (each journey's reconcile on their own:
    /// an event can be refused by one journey, an override to a stage only another has) and
    /// the events of this call it refused.
    pub journeys: Vec<JourneyEvents>,
    /// Every account, by id.
    pub accounts: Vec<SetAccountTimeline>,
}

/// One journey's event counts in a set replay.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JourneyEvents {
    /// The journey.
    pub journey: JourneyRef,
    /// Its counts over every batch.
    pub events: EventCounts,
    /// The events of this call it refused.
    pub refused: Vec<RefusedEvent>,
}

/// One account across the journeys of a set.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SetAccountTimeline {
    /// The account id.
    pub account: String,
    /// The account-level view: the first journey (roll-up order, then file order) in which
    /// the account has a stage, and that stage; both `null` when it has none.
    pub rollup: Rollup,
    /// The account's timeline in each journey that has it, in file order.
    pub journeys: Vec<JourneyTimeline>,
}

/// The account-level view.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rollup {
    /// The journey.
    pub journey: Option<String>,
    /// The stage in it.
    pub stage: Option<String>,
}

/// An account's timeline in one journey.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JourneyTimeline {
    /// The journey id.
    pub journey: String,
    /// The timeline.
    pub timeline: AccountTimeline,
}

/// Per conflict rule that suppresses stages of a journey: the journey whose stages trigger
/// it, those stages, the stages suppressed, the rule's id.
struct Rule {
    source: usize,
    when: Vec<usize>,
    suppress: Vec<usize>,
    id: String,
}

/// The journeys' indices, each after every journey that can suppress its stages.
fn order(set: &JourneySet) -> Result<Vec<usize>, Error> {
    let n = set.journeys().len();
    let index = |id: &str| set.journeys().iter().position(|j| j.definition().id == id);
    let edges: Vec<(usize, usize)> = set
        .definition()
        .conflicts
        .iter()
        .filter_map(|c| Some((index(&c.when.journey)?, index(&c.suppress.journey)?)))
        .collect();
    let mut done = vec![false; n];
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let next = (0..n).find(|&j| {
            !done.get(j).copied().unwrap_or(true)
                && edges
                    .iter()
                    .all(|&(from, to)| to != j || from == j || done.get(from) == Some(&true))
        });
        let Some(j) = next else {
            return Err(Error::new(
                Code::InvalidValue,
                "/conflicts",
                "the conflict rules form a cycle: a journey cannot suppress one that suppresses it",
            ));
        };
        if let Some(flag) = done.get_mut(j) {
            *flag = true;
        }
        out.push(j);
    }
    Ok(out)
}

/// The conflict rules that suppress stages of journey `target`.
fn rules_for(set: &JourneySet, target: usize) -> Vec<Rule> {
    let journeys = set.journeys();
    let index = |id: &str| journeys.iter().position(|j| j.definition().id == id);
    let Some(target_journey) = journeys.get(target) else {
        return Vec::new();
    };
    set.definition()
        .conflicts
        .iter()
        .filter(|c| index(&c.suppress.journey) == Some(target))
        .filter_map(|c| {
            let source = index(&c.when.journey)?;
            let source_journey = journeys.get(source)?;
            Some(Rule {
                source,
                when: c
                    .when
                    .stages
                    .iter()
                    .filter_map(|s| source_journey.stage_index(s))
                    .collect(),
                suppress: c
                    .suppress
                    .stages
                    .iter()
                    .filter_map(|s| target_journey.stage_index(s))
                    .collect(),
                id: c.id.clone(),
            })
        })
        .collect()
}

/// An account's suppression steps in one journey, from the other journeys' timelines
/// (`state_of(journey)` gives the account's state there, if any).
fn suppression<'a>(
    rules: &[Rule],
    transitions_of: impl Fn(usize) -> Option<&'a [Transition]>,
) -> Suppression {
    let mut times: Vec<i64> = rules
        .iter()
        .filter_map(|r| transitions_of(r.source))
        .flat_map(|transitions| transitions.iter().map(|t| t.at))
        .collect();
    times.sort_unstable();
    times.dedup();
    let mut steps: Suppression = Vec::new();
    let mut active: Vec<&str> = Vec::new();
    for t in times {
        let mut stages = Vec::new();
        let mut ids: Vec<&str> = Vec::new();
        for rule in rules {
            let stage = transitions_of(rule.source).and_then(|transitions| {
                transitions
                    .iter()
                    .take_while(|tr| tr.at <= t)
                    .last()
                    .and_then(|tr| tr.to)
            });
            if stage.is_some_and(|s| rule.when.contains(&s)) {
                stages.extend(rule.suppress.iter().copied());
                ids.push(rule.id.as_str());
            }
        }
        crate::sort::sort_by(&mut stages, Ord::cmp);
        stages.dedup();
        // A step when the suppressed stages change (nothing suppressed is where it starts).
        let previous: &[usize] = steps.last().map_or(&[], |(_, last, _)| last.as_slice());
        if previous != stages.as_slice() {
            // The rules that started or stopped applying.
            let changed: Vec<&str> = rules
                .iter()
                .map(|r| r.id.as_str())
                .filter(|id| ids.contains(id) != active.contains(id))
                .collect();
            steps.push((t, stages, changed.join(",")));
        }
        active = ids;
    }
    steps
}

impl SetReplayState {
    /// Empty state for `set`.
    pub fn new(set: &JourneySet) -> SetReplayState {
        SetReplayState {
            set_hash: set.hash().to_string(),
            states: set.journeys().iter().map(ReplayState::new).collect(),
        }
    }

    fn check(&self, set: &JourneySet) -> Result<(), Error> {
        if self.set_hash == set.hash() && self.states.len() == set.journeys().len() {
            Ok(())
        } else {
            Err(Error::new(
                Code::InvalidArgument,
                "",
                "this replay state was built by another journey set",
            ))
        }
    }

    /// Applies a batch of events (JSON Lines or a JSON array) to every journey, up to
    /// `as_of`: each journey's outcome, in file order.
    ///
    /// # Errors
    /// As [`ReplayState::apply_lines`]; `invalid-value` for conflict rules that form a cycle.
    pub fn apply_lines(
        &mut self,
        set: &JourneySet,
        text: &str,
        as_of: &str,
    ) -> Result<Vec<BatchOutcome>, Error> {
        let events = super::read_events(text)?;
        self.apply(set, events, as_of)
    }

    /// As [`SetReplayState::apply_lines`], for events already read.
    ///
    /// # Errors
    /// As [`SetReplayState::apply_lines`].
    pub fn apply(
        &mut self,
        set: &JourneySet,
        mut events: Vec<Result<super::Event, super::Unreadable>>,
        as_of: &str,
    ) -> Result<Vec<BatchOutcome>, Error> {
        self.check(set)?;
        let as_of = parse_as_of(as_of)?;
        let mut outcomes = vec![BatchOutcome::default(); self.states.len()];
        for j in order(set)? {
            let rules = rules_for(set, j);
            let (Some(journey), Some(slot)) = (set.journeys().get(j), outcomes.get_mut(j)) else {
                continue;
            };
            // Taken out while it is replayed; the journeys that can suppress it are replayed
            // already (`order`) and read in place.
            let Some(taken) = self.states.get_mut(j) else {
                continue;
            };
            let mut state = std::mem::replace(taken, ReplayState::new(journey));
            let states = &self.states;
            let outcome = state.apply_suppressed(
                journey,
                &mut events,
                as_of,
                &|account| {
                    // The account's transitions in each journey a rule reads (its bytes were
                    // checked when they were read or written, so reading them does not fail).
                    let sources: Vec<Option<Vec<Transition>>> = (0..states.len())
                        .map(|source| {
                            rules
                                .iter()
                                .any(|r| r.source == source)
                                .then(|| states.get(source)?.transitions(account).ok().flatten())
                                .flatten()
                        })
                        .collect();
                    suppression(&rules, |source| sources.get(source)?.as_deref())
                },
                false,
            );
            if let Some(slot) = self.states.get_mut(j) {
                *slot = state;
            }
            *slot = outcome?;
        }
        Ok(outcomes)
    }

    /// Every account's timelines as of `as_of`, and the roll-up.
    ///
    /// # Errors
    /// As [`ReplayState::result`].
    pub fn result(&self, set: &JourneySet, as_of: &str) -> Result<SetReplayResult, Error> {
        self.check(set)?;
        let as_of_ms = parse_as_of(as_of)?;
        let journeys = set.journeys();
        // Each journey's accounts replayed on to `as_of`, suppressed by those before it.
        let mut advanced: Vec<Vec<AccountState>> = vec![Vec::new(); journeys.len()];
        for j in order(set)? {
            let rules = rules_for(set, j);
            let (Some(journey), Some(state)) = (journeys.get(j), self.states.get(j)) else {
                continue;
            };
            let find = |source: usize, account: &str| {
                advanced
                    .get(source)?
                    .binary_search_by(|s| s.id.as_str().cmp(account))
                    .ok()
                    .and_then(|i| advanced.get(source)?.get(i))
            };
            let states = state.advanced(journey, as_of_ms, (0, usize::MAX), &|account| {
                suppression(&rules, |source| {
                    find(source, account).map(|s| s.transitions.as_slice())
                })
            })?;
            if let Some(slot) = advanced.get_mut(j) {
                *slot = states;
            }
        }
        let mut ids: Vec<&str> = advanced
            .iter()
            .flat_map(|states| states.iter().map(|s| s.id.as_str()))
            .collect();
        crate::sort::sort_by(&mut ids, Ord::cmp);
        ids.dedup();
        let rollup_order: Vec<usize> = set
            .definition()
            .rollup
            .iter()
            .filter_map(|id| journeys.iter().position(|j| &j.definition().id == id))
            .chain(0..journeys.len())
            .collect();
        let plans = journeys
            .iter()
            .map(super::account::Plan::new)
            .collect::<Result<Vec<_>, _>>()?;
        let accounts = ids
            .into_iter()
            .map(|id| {
                let timelines: Vec<Option<AccountTimeline>> = advanced
                    .iter()
                    .zip(&plans)
                    .map(|(states, plan)| {
                        let i = states.binary_search_by(|s| s.id.as_str().cmp(id)).ok()?;
                        Some(output::timeline(plan, states.get(i)?, as_of_ms))
                    })
                    .collect();
                let rollup = rollup_order
                    .iter()
                    .find_map(|&j| {
                        let stage = timelines.get(j)?.as_ref()?.stage.clone()?;
                        Some(Rollup {
                            journey: journeys.get(j).map(|x| x.definition().id.clone()),
                            stage: Some(stage),
                        })
                    })
                    .unwrap_or(Rollup {
                        journey: None,
                        stage: None,
                    });
                SetAccountTimeline {
                    account: id.to_string(),
                    rollup,
                    journeys: timelines
                        .into_iter()
                        .zip(journeys)
                        .filter_map(|(t, j)| {
                            Some(JourneyTimeline {
                                journey: j.definition().id.clone(),
                                timeline: t?,
                            })
                        })
                        .collect(),
                }
            })
            .collect();
        let def = set.definition();
        Ok(SetReplayResult {
            as_of: crate::expr::data::format_timestamp(as_of_ms),
            set: JourneyRef {
                id: def.id.clone(),
                version: def.version.clone(),
                hash: set.hash().to_string(),
            },
            journeys: journeys
                .iter()
                .zip(&self.states)
                .map(|(j, s)| JourneyEvents {
                    journey: JourneyRef {
                        id: j.definition().id.clone(),
                        version: j.definition().version.clone(),
                        hash: j.hash().to_string(),
                    },
                    events: s.counts().clone(),
                    refused: Vec::new(),
                })
                .collect(),
            accounts,
        })
    }
}

const MAGIC: &[u8; 4] = b"AJSS";

impl SetReplayState {
    /// The state as bytes: each journey's state (see [`ReplayState::to_bytes`]) after the
    /// set's hash.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = MAGIC.to_vec();
        let hash = self.set_hash.as_bytes();
        out.extend_from_slice(&(hash.len() as u32).to_le_bytes());
        out.extend_from_slice(hash);
        out.extend_from_slice(&(self.states.len() as u32).to_le_bytes());
        for state in &self.states {
            let bytes = state.to_bytes();
            out.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
            out.extend_from_slice(&bytes);
        }
        out
    }

    /// Reads state saved by [`SetReplayState::to_bytes`].
    ///
    /// # Errors
    /// `invalid-argument` for bytes that are not set replay state, or damaged.
    pub fn from_bytes(bytes: &[u8]) -> Result<SetReplayState, Error> {
        let damaged = || {
            Error::new(
                Code::InvalidArgument,
                "",
                "the journey-set replay state is damaged or not replay state",
            )
        };
        let mut at = 0usize;
        let mut take = |n: usize| -> Result<&[u8], Error> {
            let end = at.checked_add(n).ok_or_else(damaged)?;
            let slice = bytes.get(at..end).ok_or_else(damaged)?;
            at = end;
            Ok(slice)
        };
        if take(4)? != MAGIC {
            return Err(damaged());
        }
        let word = |b: &[u8]| -> Result<usize, Error> {
            let array: [u8; 4] = b.try_into().map_err(|_| damaged())?;
            usize::try_from(u32::from_le_bytes(array)).map_err(|_| damaged())
        };
        let hash_len = word(take(4)?)?;
        let set_hash = String::from_utf8(take(hash_len)?.to_vec()).map_err(|_| damaged())?;
        let count = word(take(4)?)?;
        let mut states = Vec::new();
        for _ in 0..count {
            let array: [u8; 8] = take(8)?.try_into().map_err(|_| damaged())?;
            let len = usize::try_from(u64::from_le_bytes(array)).map_err(|_| damaged())?;
            states.push(ReplayState::from_bytes(take(len)?)?);
        }
        if at != bytes.len() {
            return Err(damaged());
        }
        Ok(SetReplayState { set_hash, states })
    }
}

impl JourneySet {
    /// Replays a batch of events (JSON Lines or a JSON array) through every journey of the
    /// set as of `as_of`, applying the conflict rules between them, with the account-level
    /// roll-up.
    ///
    /// # Errors
    /// As [`SetReplayState::apply_lines`].
    pub fn replay(&self, events: &str, as_of: &str) -> Result<SetReplayResult, Error> {
        let mut state = SetReplayState::new(self);
        let outcomes = state.apply_lines(self, events, as_of)?;
        let mut result = state.result(self, as_of)?;
        for (journey, outcome) in result.journeys.iter_mut().zip(outcomes) {
            journey.refused = outcome.refused;
        }
        Ok(result)
    }
}
