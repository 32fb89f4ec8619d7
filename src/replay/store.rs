//! Where a replay keeps its accounts between batches: each account's saved encoding
//! (`state_bytes`), found by its id.
//!
//! The accounts are one vector ordered by a hash of the id (then the id), each entry the
//! hash and the bytes (the id is the bytes' first field, read only when two hashes are
//! equal). A batch's events are grouped in the same order, so a batch walks the vector
//! forward: finding an account compares integers in one contiguous array, where a map keyed
//! by text compared strings behind pointers (at a million accounts, ~40 comparisons and as
//! many cache misses per lookup). Accounts a batch creates are merged in at its end.
//!
//! Output is by id: the order by id is computed when first asked for after accounts were
//! added, and kept.

use std::cmp::Ordering;
use std::sync::OnceLock;

use super::state_bytes::stored_id;

/// The hash accounts are ordered by (FNV-1a: the same everywhere, so the order is too).
pub(super) fn key_hash(id: &str) -> u64 {
    crate::bytes::fnv1a(id)
}

/// Every account's saved bytes, by id.
#[derive(Debug, Clone, Default)]
pub(super) struct Accounts {
    /// By (hash of the id, id).
    entries: Vec<(u64, Box<[u8]>)>,
    /// Positions in `entries`, by id (computed when first needed).
    by_id: OnceLock<Vec<u32>>,
}

impl PartialEq for Accounts {
    fn eq(&self, other: &Accounts) -> bool {
        // The order is canonical (by hash, then id), so equal sets are equal vectors.
        self.entries == other.entries
    }
}

/// Orders an entry against a (hash, id) key.
fn order(entry: &(u64, Box<[u8]>), hash: u64, id: &str) -> Ordering {
    entry.0.cmp(&hash).then_with(|| stored_id(&entry.1).cmp(id))
}

impl Accounts {
    /// The number of accounts.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// The saved bytes of the account `id`.
    pub fn get(&self, id: &str) -> Option<&[u8]> {
        let hash = key_hash(id);
        let at = self
            .entries
            .partition_point(|e| order(e, hash, id) == Ordering::Less);
        self.entries
            .get(at)
            .filter(|e| order(e, hash, id) == Ordering::Equal)
            .map(|e| &*e.1)
    }

    /// Each account's bytes, by id.
    pub fn by_id(&self) -> impl Iterator<Item = &[u8]> {
        let order = self.by_id.get_or_init(|| {
            let mut order: Vec<u32> = (0..self.entries.len())
                .map(|i| u32::try_from(i).unwrap_or(u32::MAX))
                .collect();
            let id = |i: &u32| {
                self.entries
                    .get(*i as usize)
                    .map_or("", |(_, bytes)| stored_id(bytes))
            };
            crate::sort::sort_by(&mut order, |a, b| id(a).cmp(id(b)));
            order
        });
        order
            .iter()
            .filter_map(|&i| self.entries.get(i as usize).map(|e| &*e.1))
    }

    /// Accounts read back from saved state (any order); `false` when an id is there twice.
    pub fn from_saved(saved: Vec<Box<[u8]>>) -> Option<Accounts> {
        let mut entries: Vec<(u64, Box<[u8]>)> = saved
            .into_iter()
            .map(|bytes| (key_hash(stored_id(&bytes)), bytes))
            .collect();
        crate::sort::sort_by(&mut entries, |a, b| {
            a.0.cmp(&b.0)
                .then_with(|| stored_id(&a.1).cmp(stored_id(&b.1)))
        });
        let twice = entries
            .windows(2)
            .any(|w| matches!(w, [a, b] if a.0 == b.0 && stored_id(&a.1) == stored_id(&b.1)));
        (!twice).then(|| Accounts {
            entries,
            by_id: OnceLock::new(),
        })
    }

    /// A walk through the accounts in (hash, id) order, for one batch.
    pub fn walk(&mut self) -> Walk<'_> {
        Walk {
            accounts: self,
            from: 0,
            added: Vec::new(),
        }
    }
}

/// A batch's pass over the accounts: ids asked for in (hash, id) order; new accounts are
/// merged in when it ends.
pub(super) struct Walk<'a> {
    accounts: &'a mut Accounts,
    /// Every entry before it orders before the last id asked for.
    from: usize,
    /// New accounts, in (hash, id) order.
    added: Vec<(u64, Box<[u8]>)>,
}

impl Walk<'_> {
    /// The saved bytes of `id` (`hash` is [`key_hash`] of it), to be replaced in place; ids
    /// must be asked for in (hash, id) order.
    pub fn find(&mut self, hash: u64, id: &str) -> Option<&mut Box<[u8]>> {
        let rest = self.accounts.entries.get(self.from..).unwrap_or_default();
        let before = |e: &(u64, Box<[u8]>)| order(e, hash, id) == Ordering::Less;
        // The next id is usually near: gallop forward, then search the last stride.
        let mut end = 1;
        while rest.get(end - 1).is_some_and(before) {
            end *= 2;
        }
        let start = end / 2;
        let window = rest.get(start..end.min(rest.len())).unwrap_or_default();
        let at = self.from + start + window.partition_point(before);
        self.from = at;
        self.accounts
            .entries
            .get_mut(at)
            .filter(|e| order(e, hash, id) == Ordering::Equal)
            .map(|e| &mut e.1)
    }

    /// A new account (asked for with [`Walk::find`] first, and not found).
    pub fn add(&mut self, hash: u64, bytes: Box<[u8]>) {
        self.added.push((hash, bytes));
    }
}

impl Drop for Walk<'_> {
    fn drop(&mut self) {
        if self.added.is_empty() {
            return;
        }
        let old = std::mem::take(&mut self.accounts.entries);
        let mut merged = Vec::with_capacity(old.len() + self.added.len());
        let mut old = old.into_iter().peekable();
        for new in self.added.drain(..) {
            let id = stored_id(&new.1);
            while let Some(next) = old.next_if(|e| order(e, new.0, id) == Ordering::Less) {
                merged.push(next);
            }
            merged.push(new);
        }
        merged.extend(old);
        self.accounts.entries = merged;
        self.accounts.by_id = OnceLock::new();
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn bytes(id: &str) -> Box<[u8]> {
        let mut w = crate::bytes::Writer(Vec::new());
        w.str(id);
        w.0.push(7);
        w.0.into_boxed_slice()
    }

    fn ids(accounts: &Accounts) -> Vec<&str> {
        accounts.by_id().map(stored_id).collect()
    }

    #[test]
    fn accounts_added_over_batches_are_found_and_listed_by_id() {
        let mut accounts = Accounts::default();
        let mut batches = [vec!["m", "a", "zz"], vec!["b", "m", "a", "q"], vec![]];
        for (n, batch) in batches.iter_mut().enumerate() {
            batch.sort_by_key(|id| (key_hash(id), *id));
            let mut walk = accounts.walk();
            for id in batch.iter() {
                let hash = key_hash(id);
                match walk.find(hash, id) {
                    Some(found) => assert_eq!(stored_id(found), *id, "batch {n}"),
                    None => walk.add(hash, bytes(id)),
                }
            }
            drop(walk);
            assert!(ids(&accounts).windows(2).all(|w| w[0] < w[1]));
        }
        assert_eq!(ids(&accounts), ["a", "b", "m", "q", "zz"]);
        assert_eq!(accounts.len(), 5);
        for id in ["a", "b", "m", "q", "zz"] {
            assert_eq!(stored_id(accounts.get(id).unwrap()), id);
        }
        assert!(accounts.get("c").is_none());
        // Read back in another order: the same accounts, equal.
        let mut saved: Vec<Box<[u8]>> = accounts.by_id().map(Box::from).collect();
        saved.reverse();
        assert_eq!(Accounts::from_saved(saved).unwrap(), accounts);
        assert!(Accounts::from_saved(vec![bytes("a"), bytes("a")]).is_none());
    }

    #[test]
    fn every_account_is_found_however_far_apart_a_batch_asks() {
        // Batches asking for every 1st, 7th, 50th… of 600 ids (a deterministic mix of new
        // and known ones): each known id is found, each new one added once.
        let mut accounts = Accounts::default();
        let all: Vec<String> = (0..600).map(|i| format!("acct-{i}")).collect();
        let mut known = std::collections::BTreeSet::new();
        for (n, stride) in [50, 7, 1, 13, 3].into_iter().enumerate() {
            let mut batch: Vec<&String> = all.iter().skip(n).step_by(stride).collect();
            batch.sort_by_key(|id| (key_hash(id), id.as_str()));
            let mut walk = accounts.walk();
            for id in batch {
                let hash = key_hash(id);
                match walk.find(hash, id) {
                    Some(found) => {
                        assert_eq!(stored_id(found), id.as_str());
                        assert!(known.contains(id), "{id} found before it was added");
                    }
                    None => {
                        assert!(known.insert(id.clone()), "{id} not found");
                        walk.add(hash, bytes(id));
                    }
                }
            }
        }
        assert_eq!(accounts.len(), known.len());
        let listed: Vec<&str> = ids(&accounts);
        let expected: Vec<&str> = known.iter().map(String::as_str).collect();
        assert_eq!(listed, expected);
    }

    #[test]
    fn equal_hashes_are_ordered_by_id() {
        // Entries with one hash: found by their ids.
        let mut accounts = Accounts::default();
        let mut walk = accounts.walk();
        for id in ["x", "y"] {
            assert!(walk.find(1, id).is_none());
            walk.add(1, bytes(id));
        }
        drop(walk);
        let mut walk = accounts.walk();
        assert_eq!(stored_id(walk.find(1, "x").unwrap()), "x");
        assert_eq!(stored_id(walk.find(1, "y").unwrap()), "y");
    }
}
