//! Durations as a mergeable quantile sketch: counts in logarithmic buckets, each bucket's upper
//! bound `γ` times its lower (`γ = 1.02`), so any quantile is answered within 1 % of a value
//! that was added — and two sketches merge exactly, by adding counts, whatever the split of the
//! data. The same idea as DDSketch (Masson et al., 2019), in its simplest form: durations are
//! whole milliseconds ≥ 0, so a zero bucket and positive buckets suffice.

/// How much larger a bucket's upper bound is than its lower.
const GAMMA: f64 = 1.02;

/// A quantile sketch of durations in milliseconds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sketch {
    /// Durations of 0 ms (and negative ones, which are clamped).
    pub(crate) zero: u64,
    /// `(i, n)`: `n` durations in `(γ^(i-1), γ^i]`, ascending by `i`.
    pub(crate) buckets: Vec<(i32, u64)>,
}

impl Sketch {
    /// Counts one duration.
    pub fn add(&mut self, ms: i64) {
        if ms <= 0 {
            self.zero += 1;
            return;
        }
        self.add_count(bucket(ms), 1);
    }

    /// Adds `n` durations to bucket `i` (reading a sketch back).
    pub(crate) fn add_count(&mut self, i: i32, n: u64) {
        match self.buckets.binary_search_by_key(&i, |b| b.0) {
            Ok(at) => {
                if let Some(b) = self.buckets.get_mut(at) {
                    b.1 += n;
                }
            }
            Err(at) => self.buckets.insert(at, (i, n)),
        }
    }

    /// Adds another sketch's counts.
    pub fn merge(&mut self, other: &Sketch) {
        self.zero += other.zero;
        // Most merges add to buckets this sketch already has: in place, without allocating.
        let mut mine = self.buckets.iter_mut().peekable();
        let in_place = other.buckets.iter().all(|&(i, _)| {
            while mine.next_if(|b| b.0 < i).is_some() {}
            mine.peek().is_some_and(|b| b.0 == i)
        });
        if in_place {
            let mut mine = self.buckets.iter_mut();
            for &(i, n) in &other.buckets {
                if let Some(b) = mine.find(|b| b.0 == i) {
                    b.1 += n;
                }
            }
            return;
        }
        let mut merged = Vec::with_capacity(self.buckets.len().max(other.buckets.len()));
        let (mut a, mut b) = (
            self.buckets.iter().peekable(),
            other.buckets.iter().peekable(),
        );
        while let (Some(&&x), Some(&&y)) = (a.peek(), b.peek()) {
            if x.0 == y.0 {
                merged.push((x.0, x.1 + y.1));
                a.next();
                b.next();
            } else if x.0 < y.0 {
                merged.push(x);
                a.next();
            } else {
                merged.push(y);
                b.next();
            }
        }
        merged.extend(a.copied());
        merged.extend(b.copied());
        self.buckets = merged;
    }

    /// How many durations.
    pub fn count(&self) -> u64 {
        self.zero + self.buckets.iter().map(|b| b.1).sum::<u64>()
    }

    /// The `q` quantile (0–1) by nearest rank, as its bucket's middle value in whole
    /// milliseconds (within 1 % of the duration of that rank); `None` when empty.
    pub fn quantile(&self, q: f64) -> Option<i64> {
        let n = self.count();
        if n == 0 {
            return None;
        }
        let rank = ((crate::score::clamp(q, 0.0, 1.0) * n as f64).ceil() as u64).max(1);
        if rank <= self.zero {
            return Some(0);
        }
        let mut seen = self.zero;
        for &(i, count) in &self.buckets {
            seen += count;
            if seen >= rank {
                return Some(middle(i));
            }
        }
        self.buckets.last().map(|&(i, _)| middle(i))
    }
}

/// The bucket of a positive duration: the smallest `i` with `ms <= γ^i`.
fn bucket(ms: i64) -> i32 {
    let i = (libm::log(ms as f64) / libm::log(GAMMA)).ceil() as i32;
    // Guard the float at bucket edges: ms must lie in (γ^(i-1), γ^i].
    if (ms as f64) > libm::pow(GAMMA, f64::from(i)) {
        i + 1
    } else if (ms as f64) <= libm::pow(GAMMA, f64::from(i - 1)) {
        i - 1
    } else {
        i
    }
}

/// A bucket's representative: the value within the same relative distance of both bounds.
fn middle(i: i32) -> i64 {
    (2.0 * libm::pow(GAMMA, f64::from(i)) / (GAMMA + 1.0)).round() as i64
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn quantiles_are_within_one_percent_and_merging_is_exact() {
        let values: Vec<i64> = (0..5000)
            .map(|i| (i * i * 7919) % 9_000_000_000 + 1)
            .collect();
        let mut whole = Sketch::default();
        let (mut left, mut right) = (Sketch::default(), Sketch::default());
        for (k, &v) in values.iter().enumerate() {
            whole.add(v);
            if k % 3 == 0 {
                left.add(v)
            } else {
                right.add(v)
            }
        }
        left.merge(&right);
        assert_eq!(left, whole);
        // Merging into a sketch that has every bucket already (in place) is adding too.
        let mut twice = whole.clone();
        twice.merge(&right);
        let mut direct = whole.clone();
        for (k, &v) in values.iter().enumerate() {
            if k % 3 != 0 {
                direct.add(v);
            }
        }
        assert_eq!(twice, direct);
        let mut sorted = values.clone();
        sorted.sort_unstable();
        for q in [0.01, 0.25, 0.5, 0.9, 0.99, 1.0] {
            let rank = ((q * sorted.len() as f64).ceil() as usize).max(1);
            let exact = sorted[rank - 1] as f64;
            let got = whole.quantile(q).unwrap() as f64;
            assert!(
                (got - exact).abs() <= exact * 0.0101 + 1.0,
                "q {q}: {got} vs {exact}"
            );
        }
        assert_eq!(Sketch::default().quantile(0.5), None);
        let mut zeros = Sketch::default();
        zeros.add(0);
        zeros.add(-5);
        zeros.add(1000);
        assert_eq!(zeros.quantile(0.5), Some(0));
        assert_eq!(zeros.count(), 3);
    }

    #[test]
    fn a_bucket_holds_what_its_bounds_say() {
        for ms in [
            1,
            2,
            3,
            50,
            51,
            86_400_000,
            31_536_000_000,
            i64::from(i32::MAX),
        ] {
            let i = bucket(ms);
            assert!((ms as f64) <= GAMMA.powi(i) * (1.0 + 1e-12), "{ms} in {i}");
            assert!(
                (ms as f64) > GAMMA.powi(i - 1) * (1.0 - 1e-12),
                "{ms} in {i}"
            );
        }
    }
}
