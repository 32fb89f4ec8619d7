//! The account index: a key (a registrable domain, or a company-name key) → the accounts that
//! have it, and the deterministic tie-break when there are several.
//!
//! Each account stored under a key keeps its *detail*: what its own form adds to the key — the
//! subdomain part of the host it listed (`eu.` of `eu.acme.com`), or the legal suffix of its
//! full name (` inc` of `acme inc`). The detail is usually empty, so most entries allocate
//! only their key. This module does not normalise: callers pass keys and details in normal form.

use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use super::lists::FixedState;
use super::report::{TieBreak, TieBreakRule};

/// Longest key stored inline in the table: most domains and company names fit, so a lookup
/// compares bytes already in the table's cache line instead of following a pointer.
const INLINE: usize = 22;

/// A key's bytes, inline when short. Constructed canonically (inline whenever it fits), it
/// hashes and compares exactly as its bytes, so the table is searched by `&[u8]`.
#[derive(Debug, Clone)]
enum Key {
    Inline(u8, [u8; INLINE]),
    Heap(Box<[u8]>),
}

impl Key {
    fn new(key: &str) -> Key {
        let bytes = key.as_bytes();
        match u8::try_from(bytes.len()) {
            Ok(len) if bytes.len() <= INLINE => {
                let mut inline = [0u8; INLINE];
                inline.iter_mut().zip(bytes).for_each(|(i, b)| *i = *b);
                Key::Inline(len, inline)
            }
            _ => Key::Heap(bytes.into()),
        }
    }

    fn as_bytes(&self) -> &[u8] {
        match self {
            Key::Inline(len, inline) => inline.get(..usize::from(*len)).unwrap_or(&[]),
            Key::Heap(bytes) => bytes,
        }
    }
}

impl Borrow<[u8]> for Key {
    fn borrow(&self) -> &[u8] {
        self.as_bytes()
    }
}

impl Hash for Key {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_bytes().hash(state);
    }
}

impl PartialEq for Key {
    fn eq(&self, other: &Key) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl Eq for Key {}

/// One account under a key.
#[derive(Debug, Clone)]
struct Candidate<'a> {
    account_id: &'a str,
    /// The account's position in the input: the last tie-break, for duplicate ids.
    position: usize,
    detail: Box<str>,
}

/// The accounts under one key.
#[derive(Debug, Clone)]
enum Entry<'a> {
    One(Candidate<'a>),
    /// Several accounts (boxed: rare, and keeps table entries small).
    Many(Box<Many<'a>>),
}

/// Several accounts under one key.
#[derive(Debug, Clone)]
struct Many<'a> {
    /// How many distinct accounts (positions) once the index is finished.
    accounts: usize,
    /// Sorted by (id, position, detail) once the index is finished.
    candidates: Vec<Candidate<'a>>,
}

/// Keys to accounts.
#[derive(Debug, Clone, Default)]
pub(crate) struct Index<'a> {
    map: HashMap<Key, Entry<'a>, FixedState>,
}

impl<'a> Index<'a> {
    pub(crate) fn with_capacity(capacity: usize) -> Index<'a> {
        Index {
            map: HashMap::with_capacity_and_hasher(capacity, FixedState::default()),
        }
    }

    /// Files an account under `key`.
    pub(crate) fn insert(&mut self, key: &str, account_id: &'a str, position: usize, detail: &str) {
        let candidate = Candidate {
            account_id,
            position,
            detail: detail.into(),
        };
        let Some(entry) = self.map.get_mut(key.as_bytes()) else {
            self.map.insert(Key::new(key), Entry::One(candidate));
            return;
        };
        match entry {
            Entry::One(only) if only.position == position && only.detail == candidate.detail => {}
            Entry::One(only) => {
                let first = only.clone();
                *entry = Entry::Many(Box::new(Many {
                    accounts: 0,
                    candidates: vec![first, candidate],
                }));
            }
            Entry::Many(many) => many.candidates.push(candidate),
        }
    }

    /// Sorts and deduplicates each key's accounts; a key with one account keeps one entry.
    pub(crate) fn finish(&mut self) {
        for entry in self.map.values_mut() {
            let Entry::Many(many) = entry else {
                continue;
            };
            let Many {
                accounts,
                candidates,
            } = many.as_mut();
            crate::sort::sort_by(candidates, |a, b| {
                (a.account_id, a.position, &a.detail).cmp(&(b.account_id, b.position, &b.detail))
            });
            candidates.dedup_by(|a, b| a.position == b.position && a.detail == b.detail);
            *accounts = 1 + candidates
                .windows(2)
                .filter(|pair| matches!(pair, [a, b] if a.position != b.position))
                .count();
            if *accounts == 1 {
                if let Some(first) = candidates.first() {
                    *entry = Entry::One(first.clone());
                }
            }
        }
    }

    /// The account for `key` (its id and position), if any: when several accounts have it, the
    /// one whose detail scores best (`specific` names that rule when it alone decides), then the smallest
    /// (id, position) — with the tie-break that decided.
    pub(crate) fn pick(
        &self,
        key: &str,
        specific: TieBreakRule,
        score: impl Fn(&str) -> usize,
    ) -> Option<(&'a str, usize, Option<TieBreak>)> {
        let (accounts, candidates) = match self.map.get(key.as_bytes())? {
            Entry::One(only) => return Some((only.account_id, only.position, None)),
            Entry::Many(many) => (many.accounts, &many.candidates),
        };
        let best = candidates.iter().map(|c| score(&c.detail)).max()?;
        let mut winner: Option<&Candidate<'a>> = None;
        let mut winners = 0;
        for candidate in candidates.iter().filter(|c| score(&c.detail) == best) {
            match winner {
                None => {
                    winner = Some(candidate);
                    winners = 1;
                }
                Some(first) if first.position != candidate.position => {
                    winners += 1;
                    break;
                }
                Some(_) => {}
            }
        }
        let by = if winners == 1 && best > 0 {
            specific
        } else {
            TieBreakRule::SmallestAccountId
        };
        let tie_break = TieBreak {
            candidates: u32::try_from(accounts).unwrap_or(u32::MAX),
            by,
        };
        winner.map(|w| (w.account_id, w.position, Some(tie_break)))
    }
}

/// How specifically an account's listed host covers the lead's host, both given as the part
/// before their shared registrable domain (`"eu."`, `""`): exactly (`len + 2`), as a parent
/// domain (`len + 1`), or not at all (0).
pub(crate) fn domain_specificity(lead_subdomain: &str, listed_subdomain: &str) -> usize {
    if lead_subdomain == listed_subdomain {
        listed_subdomain.len() + 2
    } else if lead_subdomain
        .strip_suffix(listed_subdomain)
        .is_some_and(|rest| listed_subdomain.is_empty() || rest.ends_with('.'))
    {
        listed_subdomain.len() + 1
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specificity() {
        assert_eq!(domain_specificity("eu.", "eu."), 5);
        assert_eq!(domain_specificity("eu.", ""), 1);
        assert_eq!(domain_specificity("", ""), 2);
        assert_eq!(domain_specificity("x.eu.", "eu."), 4);
        assert_eq!(domain_specificity("xeu.", "eu."), 0);
        assert_eq!(domain_specificity("", "eu."), 0);
    }

    #[test]
    fn ties() {
        let mut index = Index::default();
        index.insert("acme.com", "b", 0, "");
        index.insert("acme.com", "a", 1, "eu.");
        index.insert("acme.com", "a", 1, "eu.");
        index.insert("beta.com", "c", 2, "");
        index.insert("beta.com", "c", 2, "www.");
        index.finish();
        let pick = |key, sub| {
            index.pick(key, TieBreakRule::MostSpecificDomain, |d| {
                domain_specificity(sub, d)
            })
        };
        let by = |key, sub| {
            pick(key, sub)
                .and_then(|(_, _, t)| t)
                .map(|t| (t.candidates, t.by))
        };
        assert_eq!(pick("acme.com", "").map(|p| p.0), Some("b"));
        assert_eq!(
            by("acme.com", ""),
            Some((2, TieBreakRule::MostSpecificDomain))
        );
        assert_eq!(pick("acme.com", "eu.").map(|p| (p.0, p.1)), Some(("a", 1)));
        assert_eq!(pick("acme.com", "us.").map(|p| p.0), Some("b"));
        assert_eq!(pick("beta.com", "eu."), Some(("c", 2, None)));
        assert_eq!(pick("gamma.com", ""), None);
    }
}
