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
use crate::definition::MAX_STAGES;
use crate::error::{Code, Error};
use crate::expr::Data;
use crate::expr::explain::Seen;

const MAGIC: &[u8; 4] = b"AJRS";
const VERSION: u8 = 4;
/// Deepest nesting of account facts read back (the account schema nests four levels).
const MAX_DATA_DEPTH: usize = 16;

struct Writer(Vec<u8>);

impl Writer {
    fn u8(&mut self, v: u8) {
        self.0.push(v);
    }
    fn len(&mut self, mut v: u64) {
        loop {
            let byte = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                self.0.push(byte);
                return;
            }
            self.0.push(byte | 0x80);
        }
    }
    fn i64(&mut self, v: i64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn f64(&mut self, v: f64) {
        self.0.extend_from_slice(&v.to_bits().to_le_bytes());
    }
    fn str(&mut self, s: &str) {
        self.len(s.len() as u64);
        self.0.extend_from_slice(s.as_bytes());
    }
    fn opt_str(&mut self, s: Option<&str>) {
        match s {
            Some(s) => {
                self.u8(1);
                self.str(s);
            }
            None => self.u8(0),
        }
    }
    fn opt_index(&mut self, v: Option<usize>) {
        // 0 for none, index + 1 otherwise.
        self.len(v.map_or(0, |i| i as u64 + 1));
    }
    fn opt_i64(&mut self, v: Option<i64>) {
        match v {
            Some(v) => {
                self.u8(1);
                self.i64(v);
            }
            None => self.u8(0),
        }
    }
    fn opt_bool(&mut self, v: Option<bool>) {
        self.u8(match v {
            None => 0,
            Some(false) => 1,
            Some(true) => 2,
        });
    }
    fn data(&mut self, d: &Data) {
        match d {
            Data::Null => self.u8(0),
            Data::Bool(b) => {
                self.u8(1);
                self.u8(u8::from(*b));
            }
            Data::Number(n) => {
                self.u8(2);
                self.f64(*n);
            }
            Data::String(s) => {
                self.u8(3);
                self.str(s);
            }
            Data::Timestamp(t) => {
                self.u8(4);
                self.i64(*t);
            }
            Data::Duration(t) => {
                self.u8(5);
                self.i64(*t);
            }
            Data::List(items) | Data::Object(items) => {
                self.u8(if matches!(d, Data::List(_)) { 6 } else { 7 });
                self.len(items.len() as u64);
                for item in items {
                    self.data(item);
                }
            }
        }
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

fn corrupt(what: &str) -> Error {
    Error::new(
        Code::InvalidArgument,
        "",
        format!("the replay state is damaged or not replay state ({what})"),
    )
}

type Read<T> = Result<T, Error>;

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Read<&'a [u8]> {
        let end = self.at.checked_add(n).ok_or_else(|| corrupt("length"))?;
        let slice = self
            .bytes
            .get(self.at..end)
            .ok_or_else(|| corrupt("truncated"))?;
        self.at = end;
        Ok(slice)
    }
    fn u8(&mut self) -> Read<u8> {
        Ok(self.take(1)?.first().copied().unwrap_or(0))
    }
    fn len(&mut self) -> Read<u64> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = self.u8()?;
            v |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(corrupt("length"))
    }
    /// A count of items that follow, each at least one byte: more than the bytes left is
    /// corruption, which keeps a damaged length from allocating gigabytes.
    fn count(&mut self) -> Read<usize> {
        let n = self.len()?;
        let left = self.bytes.len().saturating_sub(self.at) as u64;
        if n > left {
            return Err(corrupt("count"));
        }
        Ok(n as usize)
    }
    fn u32(&mut self) -> Read<u32> {
        u32::try_from(self.len()?).map_err(|_| corrupt("number"))
    }
    /// A stage (or operator, or code) index: a journey has at most [`MAX_STAGES`] stages, so a
    /// larger one is damage — and would make loops over stage ranges run for ever.
    fn index(&mut self) -> Read<usize> {
        usize::try_from(self.len()?)
            .ok()
            .filter(|&i| i < MAX_STAGES)
            .ok_or_else(|| corrupt("index"))
    }
    fn opt_index(&mut self) -> Read<Option<usize>> {
        Ok(match self.len()? {
            0 => None,
            v => Some(
                usize::try_from(v - 1)
                    .ok()
                    .filter(|&i| i < MAX_STAGES)
                    .ok_or_else(|| corrupt("index"))?,
            ),
        })
    }
    fn i64(&mut self) -> Read<i64> {
        let bytes: [u8; 8] = self.take(8)?.try_into().map_err(|_| corrupt("number"))?;
        Ok(i64::from_le_bytes(bytes))
    }
    fn u64(&mut self) -> Read<u64> {
        Ok(self.i64()? as u64)
    }
    fn f64(&mut self) -> Read<f64> {
        Ok(f64::from_bits(self.u64()?))
    }
    fn bool(&mut self) -> Read<bool> {
        match self.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(corrupt("flag")),
        }
    }
    fn str(&mut self) -> Read<String> {
        let n = self.count()?;
        String::from_utf8(self.take(n)?.to_vec()).map_err(|_| corrupt("text"))
    }
    fn opt_str(&mut self) -> Read<Option<String>> {
        Ok(if self.bool()? {
            Some(self.str()?)
        } else {
            None
        })
    }
    fn opt_i64(&mut self) -> Read<Option<i64>> {
        Ok(if self.bool()? {
            Some(self.i64()?)
        } else {
            None
        })
    }
    fn opt_bool(&mut self) -> Read<Option<bool>> {
        match self.u8()? {
            0 => Ok(None),
            1 => Ok(Some(false)),
            2 => Ok(Some(true)),
            _ => Err(corrupt("flag")),
        }
    }
    fn data(&mut self, depth: usize) -> Read<Data> {
        if depth > MAX_DATA_DEPTH {
            return Err(corrupt("nesting"));
        }
        Ok(match self.u8()? {
            0 => Data::Null,
            1 => Data::Bool(self.bool()?),
            2 => Data::Number(self.f64()?),
            3 => Data::String(self.str()?.into()),
            4 => Data::Timestamp(self.i64()?),
            5 => Data::Duration(self.i64()?),
            tag @ (6 | 7) => {
                let items = self.list(|r| r.data(depth + 1))?;
                if tag == 6 {
                    Data::List(items)
                } else {
                    Data::Object(items)
                }
            }
            _ => return Err(corrupt("value")),
        })
    }
    fn list<T>(&mut self, mut item: impl FnMut(&mut Self) -> Read<T>) -> Read<Vec<T>> {
        let n = self.count()?;
        // A plain loop, not an iterator chain: one small body per element type in the .wasm.
        // Reserved as items arrive beyond the first few: a damaged count cannot make it
        // reserve far more memory than the bytes could hold.
        let mut items = Vec::with_capacity(n.min(16));
        for _ in 0..n {
            items.push(item(self)?);
        }
        Ok(items)
    }
}

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
    w.len(a.carried.len() as u64);
    for c in &a.carried {
        w.str(&c.kind);
        w.opt_str(c.contact.as_deref());
        w.i64(c.at);
        w.f64(c.points);
    }
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
        carried: r.list(|r| {
            Ok(crate::score::Carry {
                kind: r.str()?,
                contact: r.opt_str()?,
                at: r.i64()?,
                points: r.f64()?,
            })
        })?,
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
            write_account(&mut w, account);
        }
        w.0
    }

    /// Reads state saved by [`ReplayState::to_bytes`].
    ///
    /// # Errors
    /// `invalid-argument` when the bytes are not replay state of this format version, or are
    /// truncated or damaged.
    pub fn from_bytes(bytes: &[u8]) -> Result<ReplayState, Error> {
        let mut r = Reader { bytes, at: 0 };
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
        let accounts = r
            .list(read_account)?
            .into_iter()
            .map(|a| (a.id.clone(), a))
            .collect();
        if r.at != bytes.len() {
            return Err(corrupt("trailing bytes"));
        }
        Ok(ReplayState {
            journey_hash,
            accounts,
            counts,
            known,
        })
    }
}
