//! One small stable sort for the whole crate.
//!
//! The standard library's sorts are fast and large: each element type and comparator gets its
//! own copy of driftsort or ipnsort (4–5 KB of WebAssembly each), and twenty sort call sites
//! made up a tenth of the `.wasm` (85 KB of code before optimisation, measured 2026-11-22 with
//! `benches/wasm-top.mjs`). Outside hot loops the crate sorts through [`sort_by`] instead: a
//! merge sort over positions with a `dyn` comparator, compiled once, plus a small permutation
//! per element type. Hot paths over plain `i64`s keep `sort_unstable`, which all share.

use std::cmp::Ordering;

/// The positions `0..n` in stable order by `cmp` (a bottom-up merge sort, O(n log n)).
fn order(n: usize, cmp: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<usize> {
    let mut from: Vec<usize> = (0..n).collect();
    let mut to: Vec<usize> = vec![0; n];
    let mut width = 1;
    while width < n {
        let mut start = 0;
        while start < n {
            let mid = (start + width).min(n);
            let end = (start + 2 * width).min(n);
            let (mut i, mut j) = (start, mid);
            for slot in to.iter_mut().take(end).skip(start) {
                let take_left = match (from.get(i), from.get(j)) {
                    (Some(&a), Some(&b)) if i < mid && j < end => cmp(b, a) != Ordering::Less,
                    _ => i < mid,
                };
                if take_left {
                    *slot = from.get(i).copied().unwrap_or_default();
                    i += 1;
                } else {
                    *slot = from.get(j).copied().unwrap_or_default();
                    j += 1;
                }
            }
            start = end;
        }
        std::mem::swap(&mut from, &mut to);
        width *= 2;
    }
    from
}

/// Sorts `items` stably by `cmp`.
pub(crate) fn sort_by<T>(items: &mut Vec<T>, mut cmp: impl FnMut(&T, &T) -> Ordering) {
    if items.len() < 2 {
        return;
    }
    let positions = {
        let view: &[T] = items;
        order(view.len(), &mut |a, b| match (view.get(a), view.get(b)) {
            (Some(x), Some(y)) => cmp(x, y),
            _ => Ordering::Equal,
        })
    };
    let mut slots: Vec<Option<T>> = std::mem::take(items).into_iter().map(Some).collect();
    items.extend(
        positions
            .iter()
            .filter_map(|&p| slots.get_mut(p).and_then(Option::take)),
    );
}

/// Sorts `items` stably by a key.
pub(crate) fn sort_by_key<T, K: Ord>(items: &mut Vec<T>, mut key: impl FnMut(&T) -> K) {
    sort_by(items, |a, b| key(a).cmp(&key(b)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_stably_like_the_standard_sort() {
        let mut seed = 7_u64;
        for n in [0, 1, 2, 3, 7, 8, 9, 31, 64, 100, 257] {
            let items: Vec<(u8, usize)> = (0..n)
                .map(|i| {
                    seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                    ((seed >> 60) as u8, i)
                })
                .collect();
            let mut ours = items.clone();
            sort_by_key(&mut ours, |(k, _)| *k);
            let mut theirs = items;
            theirs.sort_by_key(|(k, _)| *k);
            assert_eq!(ours, theirs, "n = {n}");
        }
    }
}
