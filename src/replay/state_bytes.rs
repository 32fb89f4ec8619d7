//! Replay state saved as bytes and read back: a small versioned binary format (magic `AJRS`,
//! format version, then the state field by field, little-endian, lengths as LEB128). Binary,
//! not JSON, because state for a million accounts is saved often and must stay compact; the
//! format is the crate's own, so nothing but this module needs to know it. Reading never
//! panics: truncated, corrupted or foreign bytes are an `invalid-argument` error.

use std::collections::BTreeMap;

use super::account::{
    AccountState, Breach, Dwell, Pin, Recycle, SlaRun, SlaStatus, StepError, Transition,
    TransitionKind, Trigger,
};
use super::events::Refusal;
use super::{EventCounts, ReplayState};
use crate::bytes::{Read, Reader, Writer};
use crate::error::{Code, Error};
use crate::expr::explain::Seen;

const MAGIC: &[u8; 4] = b"AJRS";

fn corrupt(detail: &str) -> Error {
    Reader {
        bytes: &[],
        at: 0,
        what: "replay state",
    }
    .corrupt(detail)
}

const VERSION: u8 = 6;

/// The history lists, right after the account's id, each with its length in bytes: an
/// update appends to them without reading them ([`encode_updated`]), and the transitions can
/// be read alone ([`read_transitions`]).
fn write_history(w: &mut Writer, a: &AccountState, old: &History<'_>) {
    /// The stored items, then the new ones (encoded apart first only when there are any,
    /// for their length).
    fn list<T>(w: &mut Writer, old: Stored<'_>, new: &[T], write: fn(&mut Writer, &T)) {
        w.len(old.count.saturating_add(new.len() as u64));
        if new.is_empty() {
            w.len(old.items.len() as u64);
            w.0.extend_from_slice(old.items);
            return;
        }
        let mut items = Writer(Vec::with_capacity(64 * new.len()));
        for item in new {
            write(&mut items, item);
        }
        w.len((old.items.len() + items.0.len()) as u64);
        w.0.extend_from_slice(old.items);
        w.0.extend_from_slice(&items.0);
    }
    list(w, old.transitions, &a.transitions, write_transition);
    list(w, old.breaches, &a.breaches, write_breach);
    list(w, old.errors, &a.errors, write_error);
}

/// An account without its id and history lists.
fn write_state(w: &mut Writer, a: &AccountState) {
    w.data(&a.facts);
    w.i64(a.now);
    w.i64(a.watermark);
    w.opt_index(a.stage);
    w.i64(a.entered_at);
    w.opt_index(a.criteria_stage);
    match a.pin {
        Some(pin) => {
            w.u8(1);
            w.len(pin.stage as u64);
            w.opt_index(pin.basis);
        }
        None => w.u8(0),
    }
    w.u8(u8::from(a.breached_stay));
    w.len(a.dwell.len() as u64);
    for d in &a.dwell {
        w.len(d.stage as u64);
        w.i64(d.completed_ms);
        w.len(u64::from(d.visits));
    }
    w.len(a.slas.len() as u64);
    for run in &a.slas {
        w.len(run.stage as u64);
        w.i64(run.started);
        w.opt_i64(run.deadline);
        match run.closed {
            Some((t, status)) => {
                w.u8(if status == SlaStatus::Met { 1 } else { 2 });
                w.i64(t);
            }
            None => w.u8(0),
        }
    }
    match &a.recycle {
        Some(r) => {
            w.u8(1);
            w.i64(r.at);
            w.len(r.to as u64);
            w.str(&r.reason);
        }
        None => w.u8(0),
    }
    w.len(a.seen.len() as u64);
    for (id, at) in &a.seen {
        w.str(id);
        w.i64(*at);
    }
    w.i64(a.applied as i64);
    w.len(a.revenue.len() as u64);
    for (at, revenue) in &a.revenue {
        w.i64(*at);
        w.len(*revenue);
    }
    w.len(a.carried.len() as u64);
    for c in &a.carried {
        w.str(&c.kind);
        w.opt_str(c.contact.as_deref());
        w.i64(c.at);
        w.f64(c.points);
    }
    match &a.evaluated_at {
        Some((t, suppressed)) => {
            w.u8(1);
            w.i64(*t);
            w.len(suppressed.len() as u64);
            for s in suppressed {
                w.len(*s as u64);
            }
        }
        None => w.u8(0),
    }
}

fn write_transition(w: &mut Writer, t: &Transition) {
    w.i64(t.at);
    w.opt_index(t.from);
    w.opt_index(t.to);
    w.u8(TransitionKind::ALL
        .iter()
        .position(|k| *k == t.kind)
        .unwrap_or(0) as u8);
    w.len(t.skipped.len() as u64);
    for s in &t.skipped {
        w.len(*s as u64);
    }
    w.opt_bool(t.expected);
    match &t.trigger {
        Trigger::Event { kind, id } => {
            w.u8(0);
            w.str(kind);
            w.opt_str(id.as_deref());
        }
        Trigger::Time => w.u8(1),
        Trigger::MaxDwell => w.u8(2),
        Trigger::Recycle => w.u8(3),
        Trigger::Conflict(rules) => {
            w.u8(4);
            w.str(rules);
        }
    }
    w.opt_str(t.reason.as_deref());
    w.opt_str(t.by.as_deref());
    w.len(t.checks.len() as u64);
    for c in &t.checks {
        w.opt_bool(c.holds);
        w.opt_str(c.left.as_deref());
        w.opt_str(c.right.as_deref());
    }
    w.opt_str(t.note.as_deref());
}

fn write_breach(w: &mut Writer, b: &Breach) {
    w.len(b.stage as u64);
    w.i64(b.at);
    w.i64(b.entered_at);
}

fn write_error(w: &mut Writer, e: &StepError) {
    w.i64(e.at);
    w.len(Code::ALL.iter().position(|c| *c == e.code).unwrap_or(0) as u64);
    w.str(&e.path);
    w.str(&e.message);
}

/// An account as [`ReplayState::to_bytes`] writes it (and as [`ReplayState`] keeps it).
///
/// # Errors
/// `invalid-argument` when the bytes are not one whole account.
pub(super) fn decode_account(bytes: &[u8]) -> Result<AccountState, Error> {
    whole_account(bytes, read_account)
}

/// The id of a stored account (its first field; `""` if the bytes are not an account's,
/// which stored bytes always are).
pub(super) fn stored_id(bytes: &[u8]) -> &str {
    let mut r = Reader {
        bytes,
        at: 0,
        what: "replay state",
    };
    r.count()
        .and_then(|n| r.take(n))
        .ok()
        .and_then(|id| std::str::from_utf8(id).ok())
        .unwrap_or_default()
}

/// What `read` reads from `bytes`, which must hold one account and nothing more.
fn whole_account<'a, T>(
    bytes: &'a [u8],
    read: impl FnOnce(&mut Reader<'a>) -> Read<T>,
) -> Result<T, Error> {
    let mut r = Reader {
        bytes,
        at: 0,
        what: "replay state",
    };
    let read = read(&mut r)?;
    if r.at != bytes.len() {
        return Err(corrupt("trailing bytes after an account"));
    }
    Ok(read)
}

/// An account as stored, to apply events to: its history lists
/// (transitions, breaches, errors) are left as stored, and the account's own lists hold only
/// what is recorded from now on; [`encode_updated`] joins both. This relies on applying
/// events only appending to those lists (or truncating one to a length taken in the same
/// call): nothing that runs while events apply may read what was recorded before.
///
/// # Errors
/// `invalid-argument` when the bytes are not one whole account.
///
/// `into` is an account to decode into (the last one, whose allocations are reused where the
/// shapes agree; `AccountState::default()` for none).
pub(super) fn decode_for_update(
    bytes: &[u8],
    into: AccountState,
) -> Result<(AccountState, History<'_>), Error> {
    whole_account(bytes, |r| read_for_update(r, into))
}

/// An account [`decode_for_update`] gave, encoded with its stored history and what it
/// recorded since.
pub(super) fn encode_updated(a: &AccountState, old: &History<'_>) -> Box<[u8]> {
    let mut w = Writer(Vec::with_capacity(512));
    // The id, then the history (readable without the rest: `read_transitions`), then the rest.
    w.str(&a.id);
    write_history(&mut w, a, old);
    write_state(&mut w, a);
    w.0.into_boxed_slice()
}

fn read_account(r: &mut Reader<'_>) -> Read<AccountState> {
    let (mut account, history) = read_for_update(r, AccountState::default())?;
    account.transitions = history_list(history.transitions, read_transition)?;
    account.breaches = history_list(history.breaches, read_breach)?;
    account.errors = history_list(history.errors, read_error)?;
    Ok(account)
}

/// Replaces `slot`'s text by `text`, keeping its allocation when it is large enough.
fn put_text(slot: &mut String, text: &str) {
    slot.clear();
    slot.push_str(text);
}

/// Reads a list into `items`, each item read into the one at its place (reusing its
/// allocations) or into a default one.
fn read_list_into<'a, T: Default>(
    r: &mut Reader<'a>,
    items: &mut Vec<T>,
    mut read: impl FnMut(&mut Reader<'a>, &mut T) -> Read<()>,
) -> Read<()> {
    let n = r.count()?;
    items.truncate(n);
    for i in 0..n {
        match items.get_mut(i) {
            Some(item) => read(r, item)?,
            None => {
                let mut item = T::default();
                read(r, &mut item)?;
                items.push(item);
            }
        }
    }
    Ok(())
}

/// An account without its history lists (transitions, breaches, errors: left empty), and
/// those lists as stored, read into `a` (whose allocations are reused).
fn read_for_update<'a>(
    r: &mut Reader<'a>,
    mut a: AccountState,
) -> Read<(AccountState, History<'a>)> {
    // Another account's facts: the last one's snapshot is not this one's.
    a.look = super::account::LookToken::default();
    put_text(&mut a.id, r.str_ref()?);
    let history = read_history(r)?;
    r.data_into(&mut a.facts, 0)?;
    a.now = r.i64()?;
    a.watermark = r.i64()?;
    a.stage = r.opt_index()?;
    a.entered_at = r.i64()?;
    a.criteria_stage = r.opt_index()?;
    a.pin = if r.bool()? {
        Some(Pin {
            stage: r.index()?,
            basis: r.opt_index()?,
        })
    } else {
        None
    };
    a.breached_stay = r.bool()?;
    read_list_into(r, &mut a.dwell, |r, d| {
        *d = Dwell {
            stage: r.index()?,
            completed_ms: r.i64()?,
            visits: r.u32()?,
        };
        Ok(())
    })?;
    read_list_into(r, &mut a.slas, |r, run| {
        *run = SlaRun {
            stage: r.index()?,
            started: r.i64()?,
            deadline: r.opt_i64()?,
            closed: match r.u8()? {
                0 => None,
                1 => Some((r.i64()?, SlaStatus::Met)),
                2 => Some((r.i64()?, SlaStatus::Breached)),
                _ => return Err(corrupt("SLA")),
            },
        };
        Ok(())
    })?;
    a.recycle = if r.bool()? {
        Some(Recycle {
            at: r.i64()?,
            to: r.index()?,
            reason: r.str()?,
        })
    } else {
        None
    };
    read_list_into(r, &mut a.seen, |r, (id, at)| {
        put_text(id, r.str_ref()?);
        *at = r.i64()?;
        Ok(())
    })?;
    a.applied = r.u64()?;
    read_list_into(r, &mut a.revenue, |r, (at, revenue)| {
        *at = r.i64()?;
        *revenue = r.len()?;
        Ok(())
    })?;
    read_list_into(r, &mut a.carried, |r, c| {
        put_text(&mut c.kind, r.str_ref()?);
        match (r.bool()?, &mut c.contact) {
            (true, Some(contact)) => put_text(contact, r.str_ref()?),
            (true, slot) => *slot = Some(r.str()?),
            (false, slot) => *slot = None,
        }
        c.at = r.i64()?;
        c.points = r.f64()?;
        Ok(())
    })?;
    a.evaluated_at = if r.bool()? {
        let t = r.i64()?;
        let mut stages = a
            .evaluated_at
            .take()
            .map(|(_, stages)| stages)
            .unwrap_or_default();
        read_list_into(r, &mut stages, |r, s| {
            *s = r.index()?;
            Ok(())
        })?;
        Some((t, stages))
    } else {
        None
    };
    a.transitions.clear();
    a.breaches.clear();
    a.errors.clear();
    a.suppression.clear();
    Ok((a, history))
}

/// The history lists as stored, each its count and bytes.
fn read_history<'a>(r: &mut Reader<'a>) -> Read<History<'a>> {
    let mut list = || -> Read<Stored<'a>> {
        let count = r.len()?;
        let bytes = r.count()?;
        // Every item takes at least a byte (a time: eight).
        if count > bytes as u64 {
            return Err(r.corrupt("history list"));
        }
        Ok(Stored {
            count,
            items: r.take(bytes)?,
        })
    };
    Ok(History {
        transitions: list()?,
        breaches: list()?,
        errors: list()?,
    })
}

/// An account's transitions alone, read without the rest of it (what another journey's
/// conflict rules look at).
///
/// # Errors
/// `invalid-argument` when the bytes are damaged.
pub(super) fn read_transitions(bytes: &[u8]) -> Result<Vec<Transition>, Error> {
    let mut r = Reader {
        bytes,
        at: 0,
        what: "replay state",
    };
    r.str()?;
    let history = read_history(&mut r)?;
    history_list(history.transitions, read_transition)
}

/// One stored history list: its number of items and their bytes.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Stored<'a> {
    count: u64,
    items: &'a [u8],
}

/// An account's history lists as stored.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct History<'a> {
    transitions: Stored<'a>,
    breaches: Stored<'a>,
    errors: Stored<'a>,
}

/// The items of a stored list, all of them: a list whose items do not fill its bytes exactly
/// is damaged.
fn history_list<T>(stored: Stored<'_>, item: impl Fn(&mut Reader<'_>) -> Read<T>) -> Read<Vec<T>> {
    let mut r = Reader {
        bytes: stored.items,
        at: 0,
        what: "replay state",
    };
    let mut items = Vec::with_capacity(stored.count.min(16) as usize);
    for _ in 0..stored.count {
        items.push(item(&mut r)?);
    }
    if r.at != stored.items.len() {
        return Err(corrupt("history list"));
    }
    Ok(items)
}

fn read_transition(r: &mut Reader<'_>) -> Read<Transition> {
    Ok(Transition {
        at: r.i64()?,
        from: r.opt_index()?,
        to: r.opt_index()?,
        kind: *TransitionKind::ALL
            .get(usize::from(r.u8()?))
            .ok_or_else(|| corrupt("transition"))?,
        skipped: r.list(Reader::index)?,
        expected: r.opt_bool()?,
        trigger: match r.u8()? {
            0 => Trigger::Event {
                kind: r.str()?,
                id: r.opt_str()?,
            },
            1 => Trigger::Time,
            2 => Trigger::MaxDwell,
            3 => Trigger::Recycle,
            4 => Trigger::Conflict(r.str()?),
            _ => return Err(corrupt("trigger")),
        },
        reason: r.opt_str()?,
        by: r.opt_str()?,
        checks: r.list(|r| {
            Ok(Seen {
                holds: r.opt_bool()?,
                left: r.opt_str()?.map(String::into_boxed_str),
                right: r.opt_str()?.map(String::into_boxed_str),
            })
        })?,
        note: r.opt_str()?,
    })
}

fn read_breach(r: &mut Reader<'_>) -> Read<Breach> {
    Ok(Breach {
        stage: r.index()?,
        at: r.i64()?,
        entered_at: r.i64()?,
    })
}

fn read_error(r: &mut Reader<'_>) -> Read<StepError> {
    Ok(StepError {
        at: r.i64()?,
        code: *Code::ALL.get(r.index()?).ok_or_else(|| corrupt("code"))?,
        path: r.str()?,
        message: r.str()?,
    })
}

impl ReplayState {
    /// The state as bytes, to save between batches ([`ReplayState::from_bytes`] reads them).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut w = Writer(Vec::with_capacity(64 + self.accounts.len() * 256));
        w.0.extend_from_slice(MAGIC);
        w.u8(VERSION);
        w.str(&self.journey_hash);
        w.i64(self.counts.received as i64);
        w.i64(self.counts.applied as i64);
        w.i64(self.counts.refused as i64);
        w.len(self.counts.refused_by_reason.len() as u64);
        for (reason, n) in &self.counts.refused_by_reason {
            let index = Refusal::ALL
                .iter()
                .find(|r| r.as_str() == *reason)
                .map_or(0, |r| r.index());
            w.u8(index);
            w.i64(*n as i64);
        }
        match &self.known {
            Some(known) => {
                w.u8(1);
                w.len(known.len() as u64);
                for id in known {
                    w.str(id);
                }
            }
            None => w.u8(0),
        }
        w.len(self.accounts.len() as u64);
        for account in self.accounts.by_id() {
            w.0.extend_from_slice(account);
        }
        w.0
    }

    /// Reads state saved by [`ReplayState::to_bytes`].
    ///
    /// # Errors
    /// `invalid-argument` when the bytes are not replay state of this format version, or are
    /// truncated or damaged.
    pub fn from_bytes(bytes: &[u8]) -> Result<ReplayState, Error> {
        let mut r = Reader {
            bytes,
            at: 0,
            what: "replay state",
        };
        if r.take(4)? != MAGIC {
            return Err(corrupt("no AJRS header"));
        }
        let version = r.u8()?;
        if version != VERSION {
            return Err(Error::new(
                Code::InvalidArgument,
                "",
                format!(
                    "replay state format {version} is not supported (this engine reads format {VERSION})"
                ),
            ));
        }
        let journey_hash = r.str()?;
        let mut counts = EventCounts {
            received: r.u64()?,
            applied: r.u64()?,
            refused: r.u64()?,
            refused_by_reason: BTreeMap::new(),
        };
        for _ in 0..r.count()? {
            let reason = Refusal::from_index(r.u8()?).ok_or_else(|| corrupt("reason"))?;
            counts.refused_by_reason.insert(reason.as_str(), r.u64()?);
        }
        let known = if r.bool()? {
            Some(r.list(Reader::str)?.into_iter().collect())
        } else {
            None
        };
        // Each account is read whole (so damaged bytes are refused here, not at a later
        // batch) and kept as the bytes it was read from.
        let mut saved = Vec::new();
        let mut watermark = i64::MIN;
        for _ in 0..r.count()? {
            let start = r.at;
            let account = read_account(&mut r)?;
            let encoded = bytes.get(start..r.at).ok_or_else(|| corrupt("account"))?;
            watermark = watermark.max(account.watermark);
            saved.push(Box::from(encoded));
        }
        let accounts = super::store::Accounts::from_saved(saved)
            .ok_or_else(|| corrupt("an account listed twice"))?;
        if r.at != bytes.len() {
            return Err(corrupt("trailing bytes"));
        }
        Ok(ReplayState {
            journey_hash,
            accounts,
            watermark,
            counts,
            known,
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::Journey;

    const AS_OF: &str = "2026-06-01";

    /// Two batches for one account: the second appends to the history the first stored.
    fn state_in_two_batches(journey: &Journey) -> ReplayState {
        let mut state = ReplayState::new(journey);
        let first = r#"{"account": "a", "at": "2026-03-02T10:00:00Z", "type": "firmographics", "firmographics": {"industry": "software"}}
{"account": "a", "at": "2026-03-03T10:00:00Z", "type": "page_view"}"#;
        state.apply_lines(journey, first, AS_OF).unwrap();
        let second = r#"{"account": "a", "at": "2026-03-04T10:00:00Z", "type": "sales_accepted"}
{"account": "a", "at": "2026-03-05T10:00:00Z", "type": "stage_override", "stage": "mqa", "by": "x", "reason": "y"}"#;
        state.apply_lines(journey, second, AS_OF).unwrap();
        state
    }

    #[test]
    fn appended_history_reads_back_whole_and_in_order() {
        let journey = Journey::embedded_default().unwrap();
        let state = state_in_two_batches(&journey);
        let whole = journey
            .replay(
                r#"{"account": "a", "at": "2026-03-02T10:00:00Z", "type": "firmographics", "firmographics": {"industry": "software"}}
{"account": "a", "at": "2026-03-03T10:00:00Z", "type": "page_view"}
{"account": "a", "at": "2026-03-04T10:00:00Z", "type": "sales_accepted"}
{"account": "a", "at": "2026-03-05T10:00:00Z", "type": "stage_override", "stage": "mqa", "by": "x", "reason": "y"}"#,
                AS_OF,
            )
            .unwrap();
        let restored = ReplayState::from_bytes(&state.to_bytes()).unwrap();
        let result = restored.result(&journey, AS_OF).unwrap();
        assert_eq!(result.accounts, whole.accounts);
        let transitions = restored.transitions("a").unwrap().unwrap();
        assert!(transitions.len() >= 3, "{transitions:?}");
        let decoded = decode_account(restored.accounts.get("a").unwrap()).unwrap();
        assert_eq!(
            transitions, decoded.transitions,
            "read alone or with the account"
        );
    }

    #[test]
    fn an_account_decoded_into_another_is_what_decoding_it_alone_gives() {
        // Accounts with SLAs, a recycle, folded signals, remembered ids and revenue of
        // different lengths, each decoded into each other's structures.
        let journey = Journey::embedded_default().unwrap();
        let mut state = ReplayState::new(&journey);
        let mut lines = Vec::new();
        for (n, id) in ["a", "b", "c", "d"].iter().enumerate() {
            lines.push(format!(r#"{{"account": "{id}", "at": "2025-06-01T10:00:00Z", "type": "firmographics", "firmographics": {{"industry": "software", "employees": {}}}}}"#, 100 * (n + 1)));
            for day in 0..(3 * n + 1) {
                lines.push(format!(r#"{{"account": "{id}", "id": "{id}-{day}", "at": "2026-0{}-1{day}T10:00:00Z", "type": "content_download", "contact": "c{day}"}}"#, 1 + n));
            }
            if n >= 2 {
                lines.push(format!(r#"{{"account": "{id}", "at": "2026-05-19T10:00:00Z", "type": "stage_override", "stage": "mqa", "by": "x"}}"#));
            }
            if n % 2 == 1 {
                lines.push(format!(r#"{{"account": "{id}", "at": "2026-05-20T10:00:00Z", "type": "sales_rejected", "reason": "bad_timing"}}"#));
                lines.push(format!(r#"{{"account": "{id}", "at": "2026-05-21T10:00:00Z", "type": "opportunity_created", "amount": 5000}}"#));
                lines.push(format!(r#"{{"account": "{id}", "at": "2026-05-25T10:00:00Z", "type": "opportunity_won", "amount": 6000}}"#));
            }
        }
        state
            .apply_lines(&journey, &lines.join("\n"), AS_OF)
            .unwrap();
        let ids = ["a", "b", "c", "d"];
        let decoded: Vec<AccountState> = ids
            .iter()
            .map(|id| decode_account(state.accounts.get(id).unwrap()).unwrap())
            .collect();
        for (what, held) in [
            ("remembered ids", decoded.iter().any(|a| a.seen.len() > 1)),
            (
                "folded signals",
                decoded.iter().any(|a| !a.carried.is_empty()),
            ),
            ("SLA runs", decoded.iter().any(|a| !a.slas.is_empty())),
            ("revenue", decoded.iter().any(|a| !a.revenue.is_empty())),
            ("dwell", decoded.iter().any(|a| a.dwell.len() > 1)),
        ] {
            assert!(held, "no account has {what}");
        }
        for from in ids {
            for to in ids {
                let into =
                    decode_for_update(state.accounts.get(from).unwrap(), AccountState::default())
                        .unwrap()
                        .0;
                let bytes = state.accounts.get(to).unwrap();
                let (reused, history) = decode_for_update(bytes, into).unwrap();
                let (fresh, _) = decode_for_update(bytes, AccountState::default()).unwrap();
                assert_eq!(reused, fresh, "{to} decoded into {from}");
                assert_eq!(&*encode_updated(&reused, &history), bytes);
            }
        }
    }

    #[test]
    fn a_history_list_whose_count_does_not_fit_its_bytes_is_refused() {
        let journey = Journey::embedded_default().unwrap();
        let state = state_in_two_batches(&journey);
        let bytes = state.accounts.get("a").unwrap();
        let (account, history) = decode_for_update(bytes, AccountState::default()).unwrap();
        for more in [1, u64::MAX - history.transitions.count] {
            let damaged = History {
                transitions: Stored {
                    count: history.transitions.count + more,
                    ..history.transitions
                },
                ..history
            };
            let encoded = encode_updated(&account, &damaged);
            let err = decode_account(&encoded).unwrap_err();
            assert_eq!(err.code().as_str(), "invalid-argument", "{err}");
        }
        // Fewer items than the bytes hold: trailing bytes inside the list.
        let damaged = History {
            transitions: Stored {
                count: history.transitions.count - 1,
                ..history.transitions
            },
            ..history
        };
        assert!(decode_account(&encode_updated(&account, &damaged)).is_err());
    }
}
