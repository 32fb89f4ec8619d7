//! Report partials as bytes (magic `AJRP`, a format version, then the header and each group's
//! counts and sketches; lengths LEB128): what a shard sends to be merged. Reading never panics:
//! truncated, damaged or foreign bytes are an `invalid-argument` error.

use std::collections::BTreeMap;

use super::{
    Cohort, CohortPeriod, Group, GroupBy, Header, Partial, ReportOptions, Sketch, StageCounts,
    Velocity,
};
use crate::bytes::{Read, Reader, Writer};
use crate::error::Error;

const MAGIC: &[u8; 4] = b"AJRP";
const VERSION: u8 = 1;

fn write_sketch(w: &mut Writer, s: &Sketch) {
    w.len(s.zero);
    w.len(s.buckets.len() as u64);
    for &(i, n) in &s.buckets {
        w.i64(i64::from(i));
        w.len(n);
    }
}

fn read_sketch(r: &mut Reader<'_>) -> Read<Sketch> {
    let zero = r.len()?;
    let mut last = i64::MIN;
    let buckets = r.list(|r| {
        let i = r.i64()?;
        // Buckets are ascending and within what a duration in milliseconds can give.
        if i <= last || !(-1..=4000).contains(&i) {
            return Err(r.corrupt("sketch"));
        }
        last = i;
        Ok((i as i32, r.len()?))
    })?;
    Ok(Sketch { zero, buckets })
}

fn write_counts(w: &mut Writer, values: &[u64]) {
    w.len(values.len() as u64);
    for &v in values {
        w.len(v);
    }
}

fn read_counts(r: &mut Reader<'_>) -> Read<Vec<u64>> {
    r.list(Reader::len)
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
        w.len(self.groups.len() as u64);
        for (key, g) in &self.groups {
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
            for (&(from, to), &n) in &g.moves {
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
            for (&(stage, start), c) in &g.cohorts {
                w.len(stage as u64);
                w.i64(start);
                w.len(c.entered);
                w.len(c.converted);
                write_counts(&mut w, &c.within);
            }
            w.len(g.rolling.len() as u64);
            for (&(stage, start), &(entered, converted)) in &g.rolling {
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
        let mut r = Reader {
            bytes,
            at: 0,
            what: "report partial",
        };
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
        let velocity = r.list(|r| {
            let (a, b) = (r.index()?, r.index()?);
            if a >= n || b >= n {
                return Err(r.corrupt("stage"));
            }
            Ok((a, b))
        })?;
        let group_by = match r.u8()? {
            0 => None,
            1 => Some(GroupBy::Segment),
            2 => Some(GroupBy::Motion),
            3 => Some(GroupBy::ProductLine),
            4 => Some(GroupBy::Owner),
            _ => return Err(r.corrupt("grouping")),
        };
        let pairs_count = velocity.len();
        let follow_count = follow_up.len();
        let header = Header {
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
            },
        };
        let stage = |r: &mut Reader<'_>| {
            let i = r.index()?;
            if i >= n {
                return Err(r.corrupt("stage"));
            }
            Ok(i)
        };
        let mut groups = BTreeMap::new();
        let count = r.count()?;
        for _ in 0..count {
            let key = r.opt_str()?;
            let accounts = r.len()?;
            let mut stage_counts = Vec::with_capacity(n.min(256));
            for _ in 0..n {
                let mut c = [0u64; 7];
                for slot in &mut c {
                    *slot = r.len()?;
                }
                let [
                    population,
                    entered,
                    converted,
                    skipped,
                    regressions,
                    breaches,
                    stuck,
                ] = c;
                stage_counts.push(StageCounts {
                    population,
                    entered,
                    converted,
                    skipped,
                    regressions,
                    breaches,
                    stuck,
                    dwell: read_sketch(&mut r)?,
                });
            }
            let moves = r.list(|r| {
                let (from, to) = (r.opt_index()?, r.opt_index()?);
                if from.is_some_and(|i| i >= n) || to.is_some_and(|i| i >= n) {
                    return Err(r.corrupt("stage"));
                }
                Ok(((from, to), r.len()?))
            })?;
            let mut velocity = Vec::with_capacity(pairs_count);
            for _ in 0..pairs_count {
                velocity.push(Velocity {
                    started: r.len()?,
                    times: read_sketch(&mut r)?,
                    histogram: read_counts(&mut r)?,
                });
            }
            let cohorts = r.list(|r| {
                let key = (stage(r)?, r.i64()?);
                let entered = r.len()?;
                let converted = r.len()?;
                let within = read_counts(r)?;
                if within.len() != follow_count {
                    return Err(r.corrupt("cohort"));
                }
                Ok((
                    key,
                    Cohort {
                        entered,
                        within,
                        converted,
                    },
                ))
            })?;
            let rolling = r.list(|r| Ok(((stage(r)?, r.i64()?), (r.len()?, r.len()?))))?;
            groups.insert(
                key,
                Group {
                    accounts,
                    stages: stage_counts,
                    moves: moves.into_iter().collect(),
                    velocity,
                    cohorts: cohorts.into_iter().collect(),
                    rolling: rolling.into_iter().collect(),
                },
            );
        }
        if r.at != bytes.len() {
            return Err(r.corrupt("trailing bytes"));
        }
        Ok(Partial { header, groups })
    }
}
