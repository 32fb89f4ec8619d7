//! A map as a vector sorted by key: what report aggregates need (insert or update by key,
//! walk in key order, compare, encode) at a fraction of `BTreeMap`'s code size per key type in
//! the .wasm — the maps are small (stages × periods) and mostly read in order. Entries read
//! from bytes arrive in ascending order and are merged in linear time, whatever they hold.

/// Entries in ascending key order, each key once.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Sorted<K, V>(Vec<(K, V)>);

impl<K, V> Default for Sorted<K, V> {
    fn default() -> Self {
        Sorted(Vec::new())
    }
}

impl<K: Ord, V> Sorted<K, V> {
    /// The value for `key`, inserted by `make` when missing (always `Some`).
    pub(crate) fn entry(&mut self, key: K, make: impl FnOnce() -> V) -> Option<&mut V> {
        let i = match self.0.binary_search_by(|(k, _)| k.cmp(&key)) {
            Ok(i) => i,
            Err(i) => {
                self.0.insert(i, (key, make()));
                i
            }
        };
        self.0.get_mut(i).map(|e| &mut e.1)
    }

    /// Entries in key order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&K, &V)> {
        self.0.iter().map(|(k, v)| (k, v))
    }

    /// How many entries.
    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }

    /// The value for `key`, looked up from position `*at` onwards (keys asked in ascending
    /// order walk the map once); `*at` moves past smaller keys.
    pub(crate) fn seek(&mut self, at: &mut usize, key: &K) -> Option<&mut V> {
        while self.0.get(*at).is_some_and(|e| e.0 < *key) {
            *at += 1;
        }
        self.0
            .get_mut(*at)
            .filter(|e| e.0 == *key)
            .map(|e| &mut e.1)
    }

    /// Merges in entries whose keys this map lacks, given in ascending order: linear.
    pub(crate) fn merge_new(&mut self, fresh: Vec<(K, V)>) {
        if fresh.is_empty() {
            return;
        }
        let old = std::mem::take(&mut self.0);
        let mut merged = Vec::with_capacity(old.len() + fresh.len());
        let (mut a, mut b) = (old.into_iter().peekable(), fresh.into_iter().peekable());
        while let (Some(x), Some(y)) = (a.peek(), b.peek()) {
            let next = if x.0 <= y.0 { a.next() } else { b.next() };
            merged.extend(next);
        }
        merged.extend(a);
        merged.extend(b);
        self.0 = merged;
    }

    /// Adds entries given in strictly ascending key order — to an existing key's value by
    /// `add`, new keys merged in — in time linear in both sizes; `false` (nothing added) when
    /// the keys do not ascend.
    pub(crate) fn add_ascending(
        &mut self,
        entries: Vec<(K, V)>,
        mut add: impl FnMut(&mut V, V),
    ) -> bool {
        if !entries.windows(2).all(|w| matches!(w, [a, b] if a.0 < b.0)) {
            return false;
        }
        let mut at = 0;
        let mut fresh = Vec::new();
        for (k, v) in entries {
            match self.seek(&mut at, &k) {
                Some(into) => add(into, v),
                None => fresh.push((k, v)),
            }
        }
        self.merge_new(fresh);
        true
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn ascending_entries_merge_in_and_others_are_refused() {
        let mut map = Sorted::default();
        for k in [2, 5, 9] {
            *map.entry(k, || 0).unwrap() += 10;
        }
        assert!(map.add_ascending(vec![(1, 1), (5, 1), (7, 1), (10, 1)], |a, b| *a += b));
        let all: Vec<(i32, i32)> = map.iter().map(|(k, v)| (*k, *v)).collect();
        assert_eq!(all, [(1, 1), (2, 10), (5, 11), (7, 1), (9, 10), (10, 1)]);
        assert!(!map.add_ascending(vec![(4, 1), (3, 1)], |a, b| *a += b));
        assert!(!map.add_ascending(vec![(4, 1), (4, 1)], |a, b| *a += b));
        assert_eq!(map.len(), 6, "a refused batch adds nothing");
    }
}
