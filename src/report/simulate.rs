//! What-if: the same history replayed under two journey definitions — today's and a proposed
//! change — and what would differ as of a date: the accounts whose stage changes, the moves
//! between the two answers, and each report under both, before the change is published.

use serde::Serialize;

use super::{Partial, ReportOptions, Reports};
use crate::Journey;
use crate::error::Error;
use crate::replay::ReplayState;

/// Accounts compared at a time, to bound memory.
const PAGE: usize = 10_000;

/// The difference two definitions make to the same history.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Simulation {
    /// The date compared.
    pub as_of: String,
    /// The two journeys: id, version and hash.
    pub a: crate::classify::JourneyRef,
    /// The proposed one.
    pub b: crate::classify::JourneyRef,
    /// Accounts replayed (under either).
    pub accounts: u64,
    /// Accounts whose stage differs.
    pub changed: u64,
    /// How many accounts move from each stage under `a` to each under `b` (changed ones only;
    /// `null`: no stage).
    pub moves: Vec<SimulatedMove>,
    /// The first changed accounts (by id), at most the `limit` asked.
    pub examples: Vec<SimulatedAccount>,
    /// The reports under each.
    pub reports_a: Reports,
    /// As above, under `b`.
    pub reports_b: Reports,
}

/// Accounts moving between the two answers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SimulatedMove {
    /// The stage under `a`.
    pub from: Option<String>,
    /// The stage under `b`.
    pub to: Option<String>,
    /// How many accounts.
    pub count: u64,
}

/// One account whose stage changes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SimulatedAccount {
    /// The account id.
    pub account: String,
    /// Its stage under `a`.
    pub from: Option<String>,
    /// Its stage under `b`.
    pub to: Option<String>,
}

/// Replays `events` (JSON Lines or an array) under `a` and `b` as of the options' `asOf`
/// (`options_json` as [`ReportOptions::from_json`]; stage ids in it must exist in both) and
/// compares them, listing at most `limit` changed accounts.
///
/// # Errors
/// `invalid-argument` for bad options or events that are not JSON Lines or an array; bad
/// events are refused and counted by replay, not errors.
pub fn simulate(
    a: &Journey,
    b: &Journey,
    events: &str,
    options_json: &str,
    limit: usize,
) -> Result<Simulation, Error> {
    let (options_a, options_b) = (
        ReportOptions::from_json(a, options_json)?,
        ReportOptions::from_json(b, options_json)?,
    );
    let as_of = crate::expr::data::format_timestamp(options_a.as_of);
    // Read once, replayed under each.
    let events = crate::replay::read_events(events)?;
    let replayed = |journey: &Journey| -> Result<ReplayState, Error> {
        let mut state = ReplayState::new(journey);
        state.apply(journey, events.clone(), options_a.as_of)?;
        Ok(state)
    };
    let (state_a, state_b) = (replayed(a)?, replayed(b)?);
    let mut out = Simulation {
        as_of: as_of.clone(),
        a: a.journey_ref(),
        b: b.journey_ref(),
        accounts: 0,
        changed: 0,
        moves: Vec::new(),
        examples: Vec::new(),
        reports_a: Partial::from_state(a, &state_a, &options_a)?.finish(),
        reports_b: Partial::from_state(b, &state_b, &options_b)?.finish(),
    };
    let id = |journey: &Journey, i: Option<usize>| {
        i.and_then(|i| journey.definition().stages.get(i))
            .map(|s| s.id.clone())
    };
    // Both states hold accounts by id: walk them side by side, a page at a time.
    let mut moves = super::Sorted::<(Option<String>, Option<String>), u64>::default();
    let (mut page_a, mut page_b) = (Vec::new(), Vec::new());
    let (mut offset_a, mut offset_b) = (0, 0);
    let (mut at_a, mut at_b) = (0, 0);
    loop {
        if at_a == page_a.len() && offset_a <= state_a.account_count() {
            page_a = state_a.advanced(a, options_a.as_of, (offset_a, PAGE), &|_| Vec::new())?;
            offset_a += PAGE;
            at_a = 0;
        }
        if at_b == page_b.len() && offset_b <= state_b.account_count() {
            page_b = state_b.advanced(b, options_b.as_of, (offset_b, PAGE), &|_| Vec::new())?;
            offset_b += PAGE;
            at_b = 0;
        }
        let (x, y) = (page_a.get(at_a), page_b.get(at_b));
        let (from, to, account) = match (x, y) {
            (None, None) => break,
            (Some(x), Some(y)) if x.id == y.id => {
                at_a += 1;
                at_b += 1;
                (id(a, x.stage), id(b, y.stage), x.id.clone())
            }
            (Some(x), Some(y)) if x.id < y.id => {
                at_a += 1;
                (id(a, x.stage), None, x.id.clone())
            }
            (Some(x), None) => {
                at_a += 1;
                (id(a, x.stage), None, x.id.clone())
            }
            (_, Some(y)) => {
                at_b += 1;
                (None, id(b, y.stage), y.id.clone())
            }
        };
        out.accounts += 1;
        if from == to {
            continue;
        }
        out.changed += 1;
        if out.examples.len() < limit {
            out.examples.push(SimulatedAccount {
                account,
                from: from.clone(),
                to: to.clone(),
            });
        }
        if let Some(n) = moves.entry((from, to), || 0) {
            *n += 1;
        }
    }
    out.moves = moves
        .iter()
        .map(|((from, to), &count)| SimulatedMove {
            from: from.clone(),
            to: to.clone(),
            count,
        })
        .collect();
    Ok(out)
}
