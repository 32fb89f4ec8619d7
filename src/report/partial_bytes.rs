//! Report partials as bytes (magic `AJRP`, a format version, then the header and each group's
//! counts and sketches; lengths LEB128): what a shard sends to be merged. Reading never panics:
//! truncated, damaged or foreign bytes are an `invalid-argument` error.

use super::{Cohort, CohortPeriod, Group, GroupBy, Header, Partial, ReportOptions, Sketch, Sorted};
use crate::bytes::{Read, Reader, Writer};
use crate::error::Error;

const MAGIC: &[u8; 4] = b"AJRP";
const VERSION: u8 = 5;

/// Bucket indices ascend, so each is written as the step from the one before (one byte,
/// mostly), from -1.
fn write_sketch(w: &mut Writer, s: &Sketch) {
    w.len(s.zero);
    w.len(s.buckets.len() as u64);
    let mut last = -1i64;
    for &(i, n) in &s.buckets {
        w.len((i64::from(i) - last) as u64);
        last = i64::from(i);
        w.len(n);
    }
}

fn write_counts(w: &mut Writer, values: &[u64]) {
    w.len(values.len() as u64);
    for &v in values {
        w.len(v);
    }
}

impl Partial {
    /// The partial as bytes, to send to whoever merges.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut w = Writer(Vec::new());
        w.0.extend_from_slice(MAGIC);
        w.u8(VERSION);
        let h = &self.header;
        w.str(&h.journey_hash);
        w.len(h.stages.len() as u64);
        for (id, &terminal) in h.stages.iter().zip(&h.terminal) {
            w.str(id);
            w.u8(u8::from(terminal));
        }
        let o = &h.options;
        w.i64(o.as_of);
        w.i64(o.from);
        w.i64(o.to);
        w.u8(o.cohort as u8);
        w.len(o.follow_up.len() as u64);
        for &d in &o.follow_up {
            w.i64(d);
        }
        w.len(o.velocity.len() as u64);
        for &(a, b) in &o.velocity {
            w.len(a as u64);
            w.len(b as u64);
        }
        w.u8(o.group_by.map_or(0, |g| g as u8 + 1));
        w.opt_index(o.won);
        w.opt_index(o.pipeline);
        w.i64(o.horizon);
        w.i64(o.backtest_at);
        w.len(self.groups.len() as u64);
        for (key, g) in self.groups.iter() {
            w.opt_str(key.as_deref());
            w.len(g.accounts);
            for s in &g.stages {
                let counts = [
                    s.population,
                    s.entered,
                    s.converted,
                    s.skipped,
                    s.regressions,
                    s.breaches,
                    s.stuck,
                ];
                for c in counts {
                    w.len(c);
                }
                write_sketch(&mut w, &s.dwell);
            }
            w.len(g.moves.len() as u64);
            for (&(from, to), &n) in g.moves.iter() {
                w.opt_index(from);
                w.opt_index(to);
                w.len(n);
            }
            for v in &g.velocity {
                w.len(v.started);
                write_sketch(&mut w, &v.times);
                write_counts(&mut w, &v.histogram);
            }
            w.len(g.cohorts.len() as u64);
            for (&(stage, start), c) in g.cohorts.iter() {
                w.len(stage as u64);
                w.i64(start);
                w.len(c.entered);
                w.len(c.converted);
                write_counts(&mut w, &c.within);
            }
            let t = &g.targets;
            for v in t.accounts.iter().chain(&t.pipeline).chain(&t.won) {
                w.len(*v);
            }
            w.len(t.reached.len() as u64);
            for v in t.reached.iter().flatten() {
                w.len(*v);
            }
            for v in &g.retention {
                w.len(*v);
            }
            for c in g.forecast.iter().chain(&g.backtest) {
                for v in [c.entered, c.won_within, c.population, c.amount] {
                    w.len(v);
                }
                w.len(c.amount_squares as u64);
                w.len((c.amount_squares >> 64) as u64);
                w.len(c.actual_won);
                w.len(c.actual_amount);
            }
            w.len(g.attribution.len() as u64);
            for ((stage, trigger), cell) in g.attribution.iter() {
                w.len(*stage as u64);
                w.str(trigger);
                for &v in cell {
                    w.len(v);
                }
            }
            w.len(g.rolling.len() as u64);
            for (&(stage, start), &(entered, converted)) in g.rolling.iter() {
                w.len(stage as u64);
                w.i64(start);
                w.len(entered);
                w.len(converted);
            }
        }
        w.0
    }

    /// Reads a partial written by [`Partial::to_bytes`].
    ///
    /// # Errors
    /// `invalid-argument` when the bytes are not a partial of this format version, or damaged.
    pub fn from_bytes(bytes: &[u8]) -> Result<Partial, Error> {
        merge_bytes(&[bytes])
    }
}

/// Merges partials given as bytes, reading each straight into the running totals (no partial
/// is built for each): what `mergeReports` does with a thousand shards.
///
/// # Errors
/// `invalid-argument` when there are none, some bytes are damaged (`path`: the index), or the
/// partials differ in journey or options.
pub fn merge_bytes(partials: &[&[u8]]) -> Result<Partial, Error> {
    let mut out: Option<Partial> = None;
    // The first partial's header bytes: a partial that starts with the same bytes has the same
    // header, and is not read twice.
    let mut header_bytes: &[u8] = &[];
    for (i, bytes) in partials.iter().enumerate() {
        let at = |e: Error| {
            if partials.len() > 1 {
                Error::new(e.code(), format!("/{i}"), e.message().to_string())
            } else {
                e
            }
        };
        let mut r = Reader {
            bytes,
            at: 0,
            what: "report partial",
        };
        if let Some(p) = &mut out
            && !header_bytes.is_empty()
            && bytes.starts_with(header_bytes)
        {
            r.at = header_bytes.len();
            read_groups(&mut r, p).map_err(at)?;
            if r.at != bytes.len() {
                return Err(at(r.corrupt("trailing bytes")));
            }
            continue;
        }
        let header = read_header(&mut r).map_err(at)?;
        if out.is_none() {
            header_bytes = bytes.get(..r.at).unwrap_or_default();
        }
        let into = match &mut out {
            Some(p) if p.header != header => {
                return Err(at(Error::new(
                    crate::error::Code::InvalidArgument,
                    "",
                    "this partial is of another journey or other report options: partials merge only when both match",
                )));
            }
            Some(p) => p,
            None => out.insert(Partial {
                header,
                groups: Sorted::default(),
            }),
        };
        read_groups(&mut r, into).map_err(at)?;
        if r.at != bytes.len() {
            return Err(at(r.corrupt("trailing bytes")));
        }
    }
    out.ok_or_else(|| {
        Error::new(
            crate::error::Code::InvalidArgument,
            "",
            "mergeReports needs at least one partial",
        )
    })
}

fn read_header(r: &mut Reader<'_>) -> Read<Header> {
    if r.take(4)? != MAGIC {
        return Err(r.corrupt("no AJRP header"));
    }
    if r.u8()? != VERSION {
        return Err(r.corrupt("another format version"));
    }
    let journey_hash = r.str()?;
    let pairs = r.list(|r| Ok((r.str()?, r.bool()?)))?;
    let n = pairs.len();
    let (stages, terminal) = pairs.into_iter().unzip();
    let as_of = r.i64()?;
    let from = r.i64()?;
    let to = r.i64()?;
    let cohort = match r.u8()? {
        0 => CohortPeriod::Week,
        1 => CohortPeriod::Month,
        2 => CohortPeriod::Quarter,
        _ => return Err(r.corrupt("cohort period")),
    };
    let follow_up = r.list(Reader::i64)?;
    // As `ReportOptions::from_json` allows: bounded, so a crafted header cannot size vectors.
    if follow_up.len() > super::MAX_FOLLOW_UP {
        return Err(r.corrupt("follow-up windows"));
    }
    let velocity = r.list(|r| {
        let (a, b) = (r.index()?, r.index()?);
        if a >= n || b >= n {
            return Err(r.corrupt("stage"));
        }
        Ok((a, b))
    })?;
    if velocity.len() > super::MAX_VELOCITY_PAIRS {
        return Err(r.corrupt("velocity pairs"));
    }
    let group_by = match r.u8()? {
        0 => None,
        1 => Some(GroupBy::Segment),
        2 => Some(GroupBy::Motion),
        3 => Some(GroupBy::ProductLine),
        4 => Some(GroupBy::Owner),
        _ => return Err(r.corrupt("grouping")),
    };
    let stage_or_none = |r: &mut Reader<'_>| {
        let i = r.opt_index()?;
        if i.is_some_and(|i| i >= n) {
            return Err(r.corrupt("stage"));
        }
        Ok(i)
    };
    let won = stage_or_none(r)?;
    let pipeline = stage_or_none(r)?;
    let horizon = r.i64()?;
    let backtest_at = r.i64()?;
    Ok(Header {
        journey_hash,
        stages,
        terminal,
        options: ReportOptions {
            as_of,
            from,
            to,
            cohort,
            follow_up,
            velocity,
            group_by,
            won,
            pipeline,
            horizon,
            backtest_at,
        },
    })
}

/// Reads a sketch's buckets, adding them to `into`.
fn add_sketch(r: &mut Reader<'_>, into: &mut Sketch) -> Read<()> {
    add(&mut into.zero, r.len()?);
    let count = r.count()?;
    let mut last = -1i64;
    // Both ascend: walk `into`'s buckets alongside, inserting only the ones it lacks.
    let mut at = 0;
    for _ in 0..count {
        let step = r.len()?;
        // Buckets ascend and stay within what a duration in milliseconds can give.
        let i = i64::try_from(step).ok().and_then(|s| last.checked_add(s));
        let i = i
            .filter(|&i| step > 0 && i <= 4000)
            .ok_or_else(|| r.corrupt("sketch"))?;
        last = i;
        let (i, n) = (i as i32, r.len()?);
        while into.buckets.get(at).is_some_and(|b| b.0 < i) {
            at += 1;
        }
        match into.buckets.get_mut(at) {
            Some(b) if b.0 == i => add(&mut b.1, n),
            _ => into.buckets.insert(at, (i, n)),
        }
    }
    Ok(())
}

/// Reads counts, adding them to `into` (which must have as many).
fn add_counts(r: &mut Reader<'_>, into: &mut Vec<u64>) -> Read<()> {
    let n = r.count()?;
    // Counts never made (a histogram with nothing in it yet) are written as none.
    if into.len() < n {
        into.resize(n, 0);
    }
    for slot in into.iter_mut().take(n) {
        add(slot, r.len()?);
    }
    Ok(())
}

/// Reads every group, adding its counts to `into`'s. Keys must ascend within each section
/// (as `to_bytes` writes them), so merging stays linear whatever the bytes hold; counts add
/// with saturation (crafted bytes cannot wrap a sum).
fn read_groups(r: &mut Reader<'_>, into: &mut Partial) -> Read<()> {
    let n = into.header.stages.len();
    let pairs = into.header.options.velocity.len();
    let stage = |r: &mut Reader<'_>| {
        let i = r.index()?;
        if i >= n {
            return Err(r.corrupt("stage"));
        }
        Ok(i)
    };
    let ascending = |r: &Reader<'_>, ok: bool| if ok { Ok(()) } else { Err(r.corrupt("order")) };
    let count = r.count()?;
    let mut at = 0;
    let mut last: Option<Option<String>> = None;
    let mut fresh: Vec<(Option<String>, Group)> = Vec::new();
    for _ in 0..count {
        let key = r.opt_str()?;
        ascending(r, last.as_ref().is_none_or(|l| *l < key))?;
        last = Some(key.clone());
        let group = match into.groups.seek(&mut at, &key) {
            Some(group) => group,
            None => {
                fresh.push((key, Group::new(n, pairs)));
                match fresh.last_mut() {
                    Some((_, group)) => group,
                    None => return Err(r.corrupt("group")),
                }
            }
        };
        read_group(r, group, n, &stage, &ascending)?;
    }
    into.groups.merge_new(fresh);
    Ok(())
}

fn add(slot: &mut u64, v: u64) {
    *slot = slot.saturating_add(v);
}

fn read_group(
    r: &mut Reader<'_>,
    group: &mut Group,
    n: usize,
    stage: &dyn Fn(&mut Reader<'_>) -> Read<usize>,
    ascending: &dyn Fn(&Reader<'_>, bool) -> Read<()>,
) -> Read<()> {
    add(&mut group.accounts, r.len()?);
    for s in &mut group.stages {
        for slot in [
            &mut s.population,
            &mut s.entered,
            &mut s.converted,
            &mut s.skipped,
            &mut s.regressions,
            &mut s.breaches,
            &mut s.stuck,
        ] {
            add(slot, r.len()?);
        }
        add_sketch(r, &mut s.dwell)?;
    }
    let moves = r.list(|r| {
        let (from, to) = (r.opt_index()?, r.opt_index()?);
        if from.is_some_and(|i| i >= n) || to.is_some_and(|i| i >= n) {
            return Err(r.corrupt("stage"));
        }
        Ok(((from, to), r.len()?))
    })?;
    ascending(r, group.moves.add_ascending(moves, add))?;
    for v in &mut group.velocity {
        add(&mut v.started, r.len()?);
        add_sketch(r, &mut v.times)?;
        add_counts(r, &mut v.histogram)?;
    }
    let cohorts = r.list(|r| {
        let key = (stage(r)?, r.i64()?);
        let entered = r.len()?;
        let converted = r.len()?;
        let mut within = Vec::new();
        add_counts(r, &mut within)?;
        Ok((
            key,
            Cohort {
                entered,
                within,
                converted,
            },
        ))
    })?;
    let merged = group.cohorts.add_ascending(cohorts, |into, c| {
        add(&mut into.entered, c.entered);
        add(&mut into.converted, c.converted);
        if into.within.len() < c.within.len() {
            into.within.resize(c.within.len(), 0);
        }
        for (x, y) in into.within.iter_mut().zip(c.within) {
            add(x, y);
        }
    });
    ascending(r, merged)?;
    let t = &mut group.targets;
    for v in t
        .accounts
        .iter_mut()
        .chain(t.pipeline.iter_mut())
        .chain(t.won.iter_mut())
    {
        add(v, r.len()?);
    }
    let stages = r.count()?;
    if stages != n {
        return Err(r.corrupt("target list"));
    }
    for v in t.reached.iter_mut().flatten() {
        add(v, r.len()?);
    }
    for v in &mut group.retention {
        add(v, r.len()?);
    }
    for c in group.forecast.iter_mut().chain(group.backtest.iter_mut()) {
        for slot in [
            &mut c.entered,
            &mut c.won_within,
            &mut c.population,
            &mut c.amount,
        ] {
            add(slot, r.len()?);
        }
        let low = u128::from(r.len()?);
        let high = u128::from(r.len()?);
        c.amount_squares = c.amount_squares.saturating_add(low | (high << 64));
        add(&mut c.actual_won, r.len()?);
        add(&mut c.actual_amount, r.len()?);
    }
    let attribution = r.list(|r| {
        let key = (stage(r)?, r.str()?);
        let mut cell = [0u64; 4];
        for slot in &mut cell {
            *slot = r.len()?;
        }
        Ok((key, cell))
    })?;
    let merged = group.attribution.add_ascending(attribution, |into, cell| {
        for (x, y) in into.iter_mut().zip(cell) {
            add(x, y);
        }
    });
    ascending(r, merged)?;
    let rolling = r.list(|r| Ok(((stage(r)?, r.i64()?), (r.len()?, r.len()?))))?;
    let merged = group.rolling.add_ascending(rolling, |into, (e, c)| {
        add(&mut into.0, e);
        add(&mut into.1, c);
    });
    ascending(r, merged)
}
