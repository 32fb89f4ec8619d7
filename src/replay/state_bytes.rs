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

fn write_account(w: &mut Writer, a: &AccountState) {
    w.str(&a.id);
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
    w.len(a.transitions.len() as u64);
    for t in &a.transitions {
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
    w.len(a.breaches.len() as u64);
    for b in &a.breaches {
        w.len(b.stage as u64);
        w.i64(b.at);
        w.i64(b.entered_at);
    }
    w.len(a.errors.len() as u64);
    for e in &a.errors {
        w.i64(e.at);
        w.len(Code::ALL.iter().position(|c| *c == e.code).unwrap_or(0) as u64);
        w.str(&e.path);
        w.str(&e.message);
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

/// One account as [`ReplayState::to_bytes`] writes it: how [`ReplayState`] keeps an account
/// between batches.
pub(super) fn encode_account(a: &AccountState) -> Box<[u8]> {
    let mut w = Writer(Vec::with_capacity(512));
    write_account(&mut w, a);
    w.0.into_boxed_slice()
}

/// An account [`encode_account`] wrote.
///
/// # Errors
/// `invalid-argument` when the bytes are not one whole account.
pub(super) fn decode_account(bytes: &[u8]) -> Result<AccountState, Error> {
    let mut r = Reader {
        bytes,
        at: 0,
        what: "replay state",
    };
    let account = read_account(&mut r)?;
    if r.at != bytes.len() {
        return Err(corrupt("trailing bytes after an account"));
    }
    Ok(account)
}

fn read_account(r: &mut Reader<'_>) -> Read<AccountState> {
    Ok(AccountState {
        id: r.str()?,
        facts: r.data(0)?,
        now: r.i64()?,
        watermark: r.i64()?,
        stage: r.opt_index()?,
        entered_at: r.i64()?,
        criteria_stage: r.opt_index()?,
        pin: if r.bool()? {
            Some(Pin {
                stage: r.index()?,
                basis: r.opt_index()?,
            })
        } else {
            None
        },
        breached_stay: r.bool()?,
        dwell: r.list(|r| {
            Ok(Dwell {
                stage: r.index()?,
                completed_ms: r.i64()?,
                visits: r.u32()?,
            })
        })?,
        slas: r.list(|r| {
            Ok(SlaRun {
                stage: r.index()?,
                started: r.i64()?,
                deadline: r.opt_i64()?,
                closed: match r.u8()? {
                    0 => None,
                    1 => Some((r.i64()?, SlaStatus::Met)),
                    2 => Some((r.i64()?, SlaStatus::Breached)),
                    _ => return Err(corrupt("SLA")),
                },
            })
        })?,
        recycle: if r.bool()? {
            Some(Recycle {
                at: r.i64()?,
                to: r.index()?,
                reason: r.str()?,
            })
        } else {
            None
        },
        transitions: r.list(|r| {
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
        })?,
        breaches: r.list(|r| {
            Ok(Breach {
                stage: r.index()?,
                at: r.i64()?,
                entered_at: r.i64()?,
            })
        })?,
        errors: r.list(|r| {
            Ok(StepError {
                at: r.i64()?,
                code: *Code::ALL.get(r.index()?).ok_or_else(|| corrupt("code"))?,
                path: r.str()?,
                message: r.str()?,
            })
        })?,
        seen: r.list(|r| Ok((r.str()?, r.i64()?)))?,
        applied: r.u64()?,
        revenue: r.list(|r| Ok((r.i64()?, r.len()?)))?,
        carried: r.list(|r| {
            Ok(crate::score::Carry {
                kind: r.str()?,
                contact: r.opt_str()?,
                at: r.i64()?,
                points: r.f64()?,
            })
        })?,
        evaluated_at: if r.bool()? {
            Some((r.i64()?, r.list(Reader::index)?))
        } else {
            None
        },
        suppression: Vec::new(),
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
        for account in self.accounts.values() {
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
        let mut accounts = BTreeMap::new();
        let mut watermark = i64::MIN;
        for _ in 0..r.count()? {
            let start = r.at;
            let account = read_account(&mut r)?;
            let encoded = bytes.get(start..r.at).ok_or_else(|| corrupt("account"))?;
            watermark = watermark.max(account.watermark);
            if accounts.insert(account.id, Box::from(encoded)).is_some() {
                return Err(corrupt("an account listed twice"));
            }
        }
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
