//! The bundled word lists matching relies on — free-mail domains, disposable domains,
//! multi-label public suffixes and legal-form suffixes — read once from the text files next to
//! this module (`include_str!`) into lookup sets.
//!
//! This module owns the list format (one entry a line, `#` comments, `label.*` wildcards for
//! domain lists) and the lookups. It does not normalise anything: callers pass entries already
//! in normal form (lowercase, punycode, single spaces).

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

/// The hasher of every lookup table in matching: deterministic (no random source, nothing
/// iterated into output) and fast on short keys — a word-at-a-time multiply-rotate hash (the
/// Fx hash of rustc). Not resistant to keys crafted to collide: see docs/matching.md.
pub(crate) type FixedState = BuildHasherDefault<FxHasher>;

/// The Fx hash: `hash = (hash.rotate_left(5) ^ word) × K` over 8-byte words.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct FxHasher {
    hash: u64,
}

impl FxHasher {
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.iter_mut().zip(chunk).for_each(|(w, b)| *w = *b);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word.iter_mut().zip(rest).for_each(|(w, b)| *w = *b);
            self.add(u64::from_le_bytes(word));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    fn finish(&self) -> u64 {
        // Fold the well-mixed high half into the low bits the table indexes by.
        self.hash ^ (self.hash >> 32)
    }
}

const FREE_MAIL: &str = include_str!("free_mail.txt");
const DISPOSABLE: &str = include_str!("disposable.txt");
const PUBLIC_SUFFIXES: &str = include_str!("public_suffixes.txt");
const LEGAL_SUFFIXES: &str = include_str!("legal_suffixes.txt");

/// The entries of a bundled list: comments and blank lines dropped, entries trimmed.
pub(crate) fn entries(text: &'static str) -> impl Iterator<Item = &'static str> {
    text.lines()
        .map(|line| line.split_once('#').map_or(line, |(entry, _)| entry).trim())
        .filter(|entry| !entry.is_empty())
}

/// What a registrable domain is, as far as the bundled lists know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DomainKind {
    /// A free-mail provider's.
    FreeMail,
    /// A disposable-mail service's.
    Disposable,
    /// Anything else: a company's, as far as matching is concerned.
    Other,
}

/// Every bundled list, as lookup sets.
#[derive(Debug)]
pub(crate) struct Lists {
    /// Free-mail and disposable domains given exactly.
    mail_domains: HashMap<&'static str, DomainKind, FixedState>,
    /// Free-mail and disposable `label.*` entries, by label.
    mail_labels: HashMap<&'static str, DomainKind, FixedState>,
    pub(crate) public_suffixes: HashSet<&'static str, FixedState>,
    pub(crate) legal_suffixes: HashSet<&'static str, FixedState>,
    /// Most words in one legal suffix phrase.
    pub(crate) longest_legal_suffix: usize,
}

impl Lists {
    /// Whether a registrable domain (normalised) is free-mail, disposable or neither.
    pub(crate) fn domain_kind(&self, registrable: &str) -> DomainKind {
        let label = registrable
            .split_once('.')
            .map_or(registrable, |(label, _)| label);
        self.mail_domains
            .get(registrable)
            .or_else(|| self.mail_labels.get(label))
            .copied()
            .unwrap_or(DomainKind::Other)
    }
}

/// The bundled lists, read on first use.
pub(crate) fn lists() -> &'static Lists {
    static LISTS: OnceLock<Lists> = OnceLock::new();
    LISTS.get_or_init(|| {
        let legal_suffixes: HashSet<&'static str, FixedState> = entries(LEGAL_SUFFIXES).collect();
        let longest_legal_suffix = legal_suffixes
            .iter()
            .map(|phrase| phrase.split(' ').count())
            .max()
            .unwrap_or(0);
        let mut mail_domains = HashMap::default();
        let mut mail_labels = HashMap::default();
        for (text, kind) in [
            (FREE_MAIL, DomainKind::FreeMail),
            (DISPOSABLE, DomainKind::Disposable),
        ] {
            for entry in entries(text) {
                match entry.strip_suffix(".*") {
                    Some(label) => mail_labels.insert(label, kind),
                    None => mail_domains.insert(entry, kind),
                };
            }
        }
        Lists {
            mail_domains,
            mail_labels,
            public_suffixes: entries(PUBLIC_SUFFIXES).collect(),
            legal_suffixes,
            longest_legal_suffix,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_in_normal_form() {
        for text in [FREE_MAIL, DISPOSABLE, PUBLIC_SUFFIXES] {
            for entry in entries(text) {
                let domain = entry.strip_suffix(".*").unwrap_or(entry);
                assert!(
                    domain.bytes().all(|b| b.is_ascii_lowercase()
                        || b.is_ascii_digit()
                        || b == b'.'
                        || b == b'-'),
                    "{entry}"
                );
                assert!(
                    !domain.starts_with('.') && !domain.ends_with('.'),
                    "{entry}"
                );
            }
        }
        for entry in entries(PUBLIC_SUFFIXES) {
            assert_eq!(entry.split('.').count(), 2, "{entry}");
        }
        for entry in entries(LEGAL_SUFFIXES) {
            assert!(
                entry
                    .split(' ')
                    .all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase())),
                "{entry}"
            );
        }
    }

    #[test]
    fn no_duplicates_and_no_domain_in_both_lists() {
        for text in [FREE_MAIL, DISPOSABLE, PUBLIC_SUFFIXES, LEGAL_SUFFIXES] {
            let mut seen = HashSet::new();
            for entry in entries(text) {
                assert!(seen.insert(entry), "duplicate {entry}");
            }
        }
        let free: HashSet<&str> = entries(FREE_MAIL).collect();
        for entry in entries(DISPOSABLE) {
            assert!(!free.contains(entry), "{entry} in both lists");
        }
    }

    #[test]
    fn wildcards_cover_any_suffix() {
        let kind = |domain| lists().domain_kind(domain);
        assert_eq!(kind("hotmail.co.uk"), DomainKind::FreeMail);
        assert_eq!(kind("yahoo.fr"), DomainKind::FreeMail);
        assert_eq!(kind("gmail.com"), DomainKind::FreeMail);
        assert_eq!(kind("gmail.co.uk"), DomainKind::Other);
        assert_eq!(kind("yopmail.net"), DomainKind::Disposable);
        assert_eq!(kind("acme.com"), DomainKind::Other);
    }

    #[test]
    fn fx_hash_spreads_short_keys() {
        use std::hash::{BuildHasher, Hash};
        let hashes: HashSet<u64> = (0..10_000)
            .map(|i| FixedState::default().hash_one(format!("c{i}.com")))
            .collect();
        assert_eq!(hashes.len(), 10_000);
        let low_bits: HashSet<u64> = (0..4_096)
            .map(|i| {
                let mut h = FxHasher::default();
                format!("acme{i}.co.uk").hash(&mut h);
                h.finish() & 0xfff
            })
            .collect();
        assert!(low_bits.len() > 2_000, "{}", low_bits.len());
    }
}
