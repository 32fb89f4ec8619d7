//! A map as a vector sorted by key: what report aggregates need (insert or update by key,
//! walk in key order, compare, encode) at a fraction of `BTreeMap`'s code size per key type in
//! the .wasm — the maps are small (stages × periods) and mostly read in order.

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
}
