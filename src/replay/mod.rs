//! History replay: events in, per-account timelines out — transitions with the criterion and
//! values that fired them, dwell per stage, max-dwell breaches, stuck accounts, SLA outcomes,
//! rejections recycled to nurture, manual overrides.
//!
//! Replay is incremental: a [`ReplayState`] takes batches of events one after another and can
//! be saved between them ([`ReplayState::to_bytes`]); applying new events to saved state gives
//! the result a full replay of all the events gives, as long as each batch is no older than the
//! history already replayed for an account (an older event is refused as `late`, never
//! silently dropped). Every input event is either applied or refused with a reason, and the
//! counts reconcile. The rules are in `docs/replay.md`.

pub(crate) mod account;
mod columns;
pub mod events;
mod flat;
mod output;
pub mod set;
mod state_bytes;
mod store;

// Property tests run natively only (proptest needs a random source wasm32 lacks).
#[cfg(all(test, not(target_arch = "wasm32")))]
pub(crate) mod search_tests;

use std::collections::BTreeMap;

use crate::error::{Code, Error};
use crate::expr::Data;
use crate::journey::Journey;

use account::AccountState;
pub use account::{DEDUPE_WINDOW_MS, TransitionKind};
pub use columns::EventColumns;
pub use events::{Event, EventKind, Refusal, Unreadable, read_event, read_event_keyed, unreadable};
pub use output::{AccountTimeline, ReplayResult};

/// An event that was not applied, and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RefusedEvent {
    /// Its position in the batch, from 0.
    pub index: usize,
    /// Its account, when it could be read.
    pub account: Option<String>,
    /// Its id, when it had one.
    pub id: Option<String>,
    /// Why: a stable code (`invalid-event`, `duplicate`, `unknown-account`, `late`,
    /// `after-as-of`, `unknown-stage`, `unknown-reason-code`).
    pub reason: &'static str,
    /// The details.
    pub message: String,
}

/// Event counts, which reconcile: `received = applied + refused`.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EventCounts {
    /// Events given.
    pub received: u64,
    /// Events applied to an account.
    pub applied: u64,
    /// Events refused.
    pub refused: u64,
    /// Refused events by reason.
    pub refused_by_reason: BTreeMap<&'static str, u64>,
}

impl EventCounts {
    fn refuse(&mut self, reason: Refusal) {
        self.refused += 1;
        *self.refused_by_reason.entry(reason.as_str()).or_default() += 1;
    }
}

/// What a batch of events did: the counts and each refused event.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchOutcome {
    /// This batch's counts.
    pub events: EventCounts,
    /// Each refused event of this batch, in input order.
    pub refused: Vec<RefusedEvent>,
}

/// Replay state for one journey: every account's facts, stage and history so far, each
/// account kept in its saved encoding between batches (about half a kilobyte).
///
/// Two states compare equal when their accounts' bytes are equal (the encoding is canonical:
/// equal accounts give equal bytes).
///
/// ```
/// use account_journey::{Journey, replay::ReplayState};
/// let journey = Journey::embedded_default()?;
/// let mut state = ReplayState::new(&journey);
/// let batch = r#"{"account": "acme", "at": "2026-03-02T10:00:00Z", "type": "firmographics", "firmographics": {"industry": "software"}}
/// {"account": "acme", "at": "2026-03-03T10:00:00Z", "type": "page_view"}"#;
/// let outcome = state.apply_lines(&journey, batch, "2026-04-01")?;
/// assert_eq!(outcome.events.applied, 2);
/// let result = state.result(&journey, "2026-04-01")?;
/// assert_eq!(result.accounts[0].stage.as_deref(), Some("aware"));
/// # Ok::<(), account_journey::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ReplayState {
    /// The journey's hash: state is only valid for the journey that built it.
    journey_hash: String,
    /// The accounts, by id, each kept encoded between batches (`state_bytes`: about half a
    /// kilobyte, against several as structures) and decoded while its events apply.
    accounts: store::Accounts,
    /// The latest `watermark` of any account (`i64::MIN` with none).
    watermark: i64,
    /// Every batch's counts, added up.
    counts: EventCounts,
    /// When given, the only accounts events may be for.
    known: Option<std::collections::BTreeSet<String>>,
}

impl ReplayState {
    /// Empty state for `journey`.
    pub fn new(journey: &Journey) -> ReplayState {
        ReplayState {
            journey_hash: journey.hash().to_string(),
            accounts: store::Accounts::default(),
            watermark: i64::MIN,
            counts: EventCounts::default(),
            known: None,
        }
    }

    /// Limits events to these accounts: events for any other are refused as `unknown-account`.
    pub fn restrict_accounts<I: IntoIterator<Item = String>>(&mut self, ids: I) {
        self.known.get_or_insert_with(Default::default).extend(ids);
    }

    /// Every batch's counts so far.
    pub fn counts(&self) -> &EventCounts {
        &self.counts
    }

    /// The number of accounts seen.
    pub fn account_count(&self) -> usize {
        self.accounts.len()
    }

    /// Whether this state was built by `journey`.
    ///
    /// # Errors
    /// `invalid-argument` when another journey definition built it.
    pub fn check_journey(&self, journey: &Journey) -> Result<(), Error> {
        if self.journey_hash == journey.hash() {
            Ok(())
        } else {
            Err(Error::new(
                Code::InvalidArgument,
                "",
                format!(
                    "this replay state was built by another journey definition (hash {}…), not this one ({}…)",
                    self.journey_hash.get(..12).unwrap_or_default(),
                    journey.hash().get(..12).unwrap_or_default()
                ),
            ))
        }
    }

    /// Applies a batch of events given as JSON Lines (one event object per line; blank lines
    /// are skipped and not counted) or as one JSON array, up to `as_of`.
    ///
    /// # Errors
    /// `invalid-argument` for an `as_of` that is not a timestamp or state built by another
    /// journey; `limit-exceeded` for a JSON array too large to read as one value (see
    /// [`read_events`]).
    pub fn apply_lines(
        &mut self,
        journey: &Journey,
        text: &str,
        as_of: &str,
    ) -> Result<BatchOutcome, Error> {
        let as_of = parse_as_of(as_of)?;
        let items = read_events(text)?;
        self.apply(journey, items, as_of)
    }

    /// Applies a batch of events given as columns ([`EventColumns`]), up to `as_of`: each row
    /// applied or refused as the same event written as JSON would be.
    ///
    /// # Errors
    /// `invalid-argument` for an `as_of` that is not a timestamp or state built by another
    /// journey.
    pub fn apply_columns(
        &mut self,
        journey: &Journey,
        columns: &EventColumns,
        as_of: &str,
    ) -> Result<BatchOutcome, Error> {
        let as_of = parse_as_of(as_of)?;
        self.apply(journey, columns.events(), as_of)
    }

    /// Applies a batch of events (each read, or the error reading it), up to `as_of`
    /// (milliseconds): per account in time order, ties in input order.
    ///
    /// # Errors
    /// `invalid-argument` for state built by another journey.
    pub fn apply(
        &mut self,
        journey: &Journey,
        mut events: Vec<Result<Event, Unreadable>>,
        as_of: i64,
    ) -> Result<BatchOutcome, Error> {
        self.apply_suppressed(journey, &mut events, as_of, &|_| Vec::new(), true)
    }

    /// As [`ReplayState::apply`], with the stages other journeys' conflict rules suppress for
    /// each account (see [`set`]). With `move_signals`, each applied signal is moved from its
    /// event into the account (the events are not read again), else copied.
    pub(crate) fn apply_suppressed(
        &mut self,
        journey: &Journey,
        events: &mut [Result<Event, Unreadable>],
        as_of: i64,
        suppression: &dyn Fn(&str) -> Suppression,
        move_signals: bool,
    ) -> Result<BatchOutcome, Error> {
        self.check_journey(journey)?;
        let plan = account::Plan::new(journey)?;
        let mut outcome = BatchOutcome::default();
        outcome.events.received = events.len() as u64;
        let refuse_keyed = |outcome: &mut BatchOutcome,
                            index: usize,
                            (account, id): (Option<String>, Option<String>),
                            reason: Refusal,
                            message: String| {
            outcome.events.refuse(reason);
            outcome.refused.push(RefusedEvent {
                index,
                account,
                id,
                reason: reason.as_str(),
                message,
            });
        };
        let refuse = |outcome: &mut BatchOutcome,
                      index: usize,
                      event: Option<&Event>,
                      reason: Refusal,
                      message: String| {
            let key = (
                event.map(|e| e.account.clone()),
                event.and_then(|e| e.id.clone()),
            );
            refuse_keyed(outcome, index, key, reason, message);
        };
        // Read, refuse what cannot apply anywhere, group by account (by position: a journey
        // set applies the same events to each of its journeys).
        let mut pending: Vec<(u64, usize)> = Vec::new();
        for (index, item) in events.iter().enumerate() {
            match item {
                Err(Unreadable { error, account, id }) => refuse_keyed(
                    &mut outcome,
                    index,
                    (account.clone(), id.clone()),
                    Refusal::InvalidEvent,
                    format!(
                        "{} at {}: {}",
                        error.code().as_str(),
                        error.path(),
                        error.message()
                    ),
                ),
                Ok(event) if event.at > as_of => {
                    let message = format!(
                        "at {} is after the replay's asOf",
                        crate::expr::data::format_timestamp(event.at)
                    );
                    refuse(
                        &mut outcome,
                        index,
                        Some(event),
                        Refusal::AfterAsOf,
                        message,
                    );
                }
                Ok(event)
                    if self
                        .known
                        .as_ref()
                        .is_some_and(|known| !known.contains(&event.account)) =>
                {
                    let message = format!("no account \"{}\" in the accounts given", event.account);
                    refuse(
                        &mut outcome,
                        index,
                        Some(event),
                        Refusal::UnknownAccount,
                        message,
                    );
                }
                Ok(event) => pending.push((store::key_hash(&event.account), index)),
            }
        }
        // Per account, in time order, ties in input order. Accounts are independent, so they
        // are grouped by a hash of the id first (ids compare only where hashes are equal) and
        // taken in that order; results do not depend on it.
        let read: &[Result<Event, Unreadable>] = events;
        crate::sort::sort_by(&mut pending, |(h, i), (k, j)| {
            (h, account_and_time(read, *i), i).cmp(&(k, account_and_time(read, *j), j))
        });
        let blank = blank_account();
        let mut pending = pending.into_iter().peekable();
        // The last account, decoded into again (its allocations reused).
        let mut spare = AccountState::default();
        // The accounts are walked in the order the events are grouped in.
        let mut accounts = self.accounts.walk();
        while let Some((hash, first_index)) = pending.next() {
            let Some(Ok(first)) = events.get(first_index) else {
                continue;
            };
            // An account's stored history is kept as it is and appended to (replay only
            // appends), so it is neither decoded nor encoded again. Its bytes are replaced
            // in place (one lookup, no removal and insertion).
            let stored = accounts.find(hash, &first.account);
            let reuse = std::mem::take(&mut spare);
            let decoded = match stored.as_deref() {
                Some(bytes) => state_bytes::decode_for_update(bytes, reuse),
                None => Ok((
                    AccountState::new(&plan, &first.account, &blank),
                    state_bytes::History::default(),
                )),
            };
            // Stored bytes were checked when read (`from_bytes` decodes every account whole)
            // or written by `encode_updated`, so this cannot fail; if it did, that would be a
            // bug: the account stays as it was and the batch stops with an `internal` error
            // (accounts taken before it keep their events).
            let (mut state, history) = match decoded {
                Ok(decoded) => decoded,
                Err(e) => {
                    return Err(Error::new(
                        Code::Internal,
                        "",
                        format!("replay state could not be read back: {}", e.message()),
                    ));
                }
            };
            state.suppression = suppression(&state.id);
            let mut next = Some(first_index);
            while let Some(index) = next.take() {
                let Some(Ok(event)) = events.get_mut(index) else {
                    continue;
                };
                if event.at < state.watermark {
                    let message = format!(
                        "at {} is older than this account's replayed history (up to {}); replay from the start to include it",
                        crate::expr::data::format_timestamp(event.at),
                        crate::expr::data::format_timestamp(state.watermark)
                    );
                    refuse(&mut outcome, index, Some(event), Refusal::Late, message);
                } else if let Some(key) = &event.id
                    && state.is_duplicate(key, event.at)
                {
                    let message = format!("an event with id \"{key}\" was already applied");
                    refuse(
                        &mut outcome,
                        index,
                        Some(event),
                        Refusal::Duplicate,
                        message,
                    );
                } else {
                    match state.apply(&plan, event, move_signals) {
                        Ok(()) => outcome.events.applied += 1,
                        Err((reason, message)) => {
                            refuse(&mut outcome, index, Some(event), reason, message);
                        }
                    }
                }
                next = pending
                    .next_if(|(h, i)| {
                        *h == hash
                            && events
                                .get(*i)
                                .is_some_and(|e| matches!(e, Ok(e) if e.account == state.id))
                    })
                    .map(|(_, i)| i);
            }
            self.watermark = self.watermark.max(state.watermark);
            let encoded = state_bytes::encode_updated(&state, &history);
            match stored {
                Some(bytes) => *bytes = encoded,
                None => accounts.add(hash, encoded),
            }
            spare = state;
        }
        drop(accounts);
        crate::sort::sort_by_key(&mut outcome.refused, |r| r.index);
        let total = &mut self.counts;
        // Saturating: counts read back from damaged bytes must not overflow.
        total.received = total.received.saturating_add(outcome.events.received);
        total.applied = total.applied.saturating_add(outcome.events.applied);
        total.refused = total.refused.saturating_add(outcome.events.refused);
        for (reason, n) in &outcome.events.refused_by_reason {
            let slot = total.refused_by_reason.entry(reason).or_default();
            *slot = slot.saturating_add(*n);
        }
        Ok(outcome)
    }

    /// Every account's timeline as of `as_of`: the state replayed on to `as_of` (breaches,
    /// deadlines, recycles and the criteria's own changes until then), without changing it.
    ///
    /// # Errors
    /// `invalid-argument` for a bad `as_of` or state built by another journey.
    pub fn result(&self, journey: &Journey, as_of: &str) -> Result<ReplayResult, Error> {
        self.result_page(journey, as_of, 0, usize::MAX)
    }

    /// As [`ReplayState::result`], for the accounts from position `offset` (by id) on, at most
    /// `limit` of them: a result for a million accounts is built and read page by page.
    ///
    /// # Errors
    /// As [`ReplayState::result`].
    pub fn result_page(
        &self,
        journey: &Journey,
        as_of: &str,
        offset: usize,
        limit: usize,
    ) -> Result<ReplayResult, Error> {
        let as_of = parse_as_of(as_of)?;
        let plan = account::Plan::new(journey)?;
        let accounts = self
            .advanced(journey, as_of, (offset, limit), &|_| Vec::new())?
            .iter()
            .map(|state| output::timeline(&plan, state, as_of))
            .collect();
        Ok(ReplayResult {
            as_of: crate::expr::data::format_timestamp(as_of),
            journey: crate::classify::JourneyRef {
                id: journey.definition().id.clone(),
                version: journey.definition().version.clone(),
                hash: journey.hash().to_string(),
            },
            events: self.counts.clone(),
            refused: Vec::new(),
            accounts,
        })
    }
}

impl ReplayState {
    /// Every account's state replayed on to `as_of` (copies; the state is not changed), with
    /// the stages other journeys suppress.
    pub(crate) fn advanced(
        &self,
        journey: &Journey,
        as_of: i64,
        (offset, limit): (usize, usize),
        suppression: &dyn Fn(&str) -> Suppression,
    ) -> Result<Vec<AccountState>, Error> {
        self.check_journey(journey)?;
        let latest = self.watermark;
        if latest > as_of {
            return Err(Error::new(
                Code::InvalidArgument,
                "",
                format!(
                    "asOf {} is before events this state has replayed (up to {}): replay from the start as of that date",
                    crate::expr::data::format_timestamp(as_of),
                    crate::expr::data::format_timestamp(latest)
                ),
            ));
        }
        let plan = account::Plan::new(journey)?;
        let mut out = Vec::new();
        for bytes in self.accounts.by_id().skip(offset).take(limit) {
            let mut state = state_bytes::decode_account(bytes)?;
            state.suppression = suppression(&state.id);
            state.advance(&plan, as_of, false);
            out.push(state);
        }
        Ok(out)
    }

    /// An account's transitions, by id, read without the rest of its state.
    ///
    /// # Errors
    /// `invalid-argument` if its bytes are damaged (they are checked when read, so never).
    pub(crate) fn transitions(&self, id: &str) -> Result<Option<Vec<account::Transition>>, Error> {
        self.accounts
            .get(id)
            .map(state_bytes::read_transitions)
            .transpose()
    }
}

/// The account and time of the event at `i` (what a batch is grouped by).
fn account_and_time(events: &[Result<Event, Unreadable>], i: usize) -> Option<(&str, i64)> {
    let event = events.get(i)?.as_ref().ok()?;
    Some((event.account.as_str(), event.at))
}

/// From when, which stages of a journey other journeys' conflict rules suppress, and the ids
/// of the rules that started or stopped applying then (ascending by time).
pub(crate) type Suppression = Vec<(i64, Vec<usize>, String)>;

/// Reads events from JSON Lines (one event object per line; blank lines are skipped) or one
/// JSON array: each event, or the error that refuses it (`/i` is its position).
///
/// A JSON array's events are read one by one, each within the limits of one JSON value, so one
/// bad or oversized event is refused alone.
///
/// Text that is not one well-formed array is read as JSON Lines, each bad line refused as an
/// `invalid-event`.
///
/// # Errors
/// None today: every line is an event or a refusal. The `Result` keeps room for limits on a
/// whole batch.
pub fn read_events(text: &str) -> Result<Vec<Result<Event, Unreadable>>, Error> {
    read_events_as(text, false)
}

/// As [`read_events`]; with `lines_only`, the text is JSON Lines even when it starts with `[`
/// (a worker of a pool takes lines of a batch that way).
///
/// # Errors
/// As [`read_events`].
pub fn read_events_as(
    text: &str,
    lines_only: bool,
) -> Result<Vec<Result<Event, Unreadable>>, Error> {
    if !lines_only && text.trim_start().starts_with('[') {
        if let Some(items) = array_items(text) {
            // Each event read on its own, with the limits of one value each: a batch is not
            // limited to one value's size, and a bad event is refused alone.
            return Ok(items
                .into_iter()
                .enumerate()
                .map(|(i, item)| read_one(item, i))
                .collect());
        }
        // Not one well-formed array: read as JSON Lines, every line an event or refused as one.
    }
    Ok(text
        .lines()
        .filter(|line| !line.trim().is_empty())
        .enumerate()
        .map(|(i, line)| read_one(line, i))
        .collect())
}

/// The event in `text`, the `i`-th of a batch: read without a JSON tree where it is a plain
/// flat object (`flat`), else through the tree, which words every refusal.
fn read_one(text: &str, i: usize) -> Result<Event, Unreadable> {
    if let Some(event) = flat::read_flat_event(text) {
        return Ok(event);
    }
    let path = format!("/{i}");
    match crate::json::parse(text) {
        Ok(node) => read_event_keyed(&node, &path),
        Err(d) => Err(Error::new(d.code, path, d.message).into()),
    }
}

/// The texts of the elements of a JSON array (`[a, b, …]`), found by matching brackets
/// outside strings; `None` when the text is not one array.
fn array_items(text: &str) -> Option<Vec<&str>> {
    let body = text.trim().strip_prefix('[')?.strip_suffix(']')?;
    let mut items = Vec::new();
    let (mut depth, mut in_string, mut escaped, mut start) = (0usize, false, false, 0usize);
    for (i, b) in body.bytes().enumerate() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => depth += 1,
            b']' | b'}' => depth = depth.checked_sub(1)?,
            b',' if depth == 0 => {
                items.push(body.get(start..i)?.trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    if in_string || depth != 0 {
        return None;
    }
    let last = body.get(start..)?.trim();
    match (last.is_empty(), items.is_empty()) {
        (true, true) => {}
        (true, false) => return None,
        (false, _) => items.push(last),
    }
    Some(items)
}

/// An account context with every field absent: what an account is before any event.
fn blank_account() -> Data {
    let ty = crate::expr::types::Ty::Object(crate::expr::types::ACCOUNT);
    match ty {
        crate::expr::types::Ty::Object(fields) => {
            Data::Object(fields.iter().map(crate::expr::data::absent).collect())
        }
        _ => Data::Null,
    }
}

/// Reads an `asOf` option.
///
/// # Errors
/// `invalid-argument` when it is not an RFC 3339 timestamp or `YYYY-MM-DD` date.
pub fn parse_as_of(as_of: &str) -> Result<i64, Error> {
    crate::expr::data::parse_timestamp(as_of).ok_or_else(|| {
        Error::new(
            Code::InvalidArgument,
            "",
            format!("asOf: \"{as_of}\" is not an RFC 3339 timestamp or YYYY-MM-DD date"),
        )
    })
}

impl Journey {
    /// Replays a batch of events (JSON Lines or a JSON array) as of `as_of`: per-account
    /// timelines, with the refused events listed and the counts reconciled.
    ///
    /// ```
    /// let journey = account_journey::Journey::embedded_default()?;
    /// let events = r#"[{"account": "acme", "at": "2026-03-02", "type": "sales_accepted"},
    ///                  {"account": "acme", "at": "2026-03-01", "type": "nonsense", "extra": 1}]"#;
    /// let result = journey.replay(events, "2026-04-01")?;
    /// assert_eq!(result.events.received, 2);
    /// assert_eq!(result.events.applied + result.events.refused, 2);
    /// assert_eq!(result.refused[0].reason, "invalid-event");
    /// assert_eq!(result.accounts[0].stage.as_deref(), Some("saa"));
    /// # Ok::<(), account_journey::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`ReplayState::apply_lines`].
    pub fn replay(&self, events: &str, as_of: &str) -> Result<ReplayResult, Error> {
        let mut state = ReplayState::new(self);
        let outcome = state.apply_lines(self, events, as_of)?;
        let mut result = state.result(self, as_of)?;
        result.refused = outcome.refused;
        Ok(result)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn text_that_is_one_array_is_its_elements_unless_read_as_lines() {
        let text = "[1, 2]";
        assert_eq!(read_events(text).unwrap().len(), 2);
        let lines = read_events_as(text, true).unwrap();
        assert_eq!(lines.len(), 1, "one line, refused as one event");
        assert!(lines[0].is_err());
        let text = "[{\"account\": \"a\", \"at\": \"2026-01-01\", \"type\": \"page_view\"}\n]";
        assert_eq!(
            read_events(text)
                .unwrap()
                .iter()
                .filter(|e| e.is_ok())
                .count(),
            1
        );
        assert!(
            read_events_as(text, true)
                .unwrap()
                .iter()
                .all(Result::is_err)
        );
    }
}
