//! What matching reports: per lead, the account and the rule that matched or the reason it did
//! not ([`LeadMatch`]); per batch, a mergeable [`MatchSummary`] and the [`AccountIssue`]s found
//! while indexing ([`MatchReport`]). All serialise to camelCase JSON with kebab-case codes.
//!
//! This module owns the output vocabulary (rule, reason and tie-break codes, documented in
//! `docs/matching.md`, never reused) and the counting; it does not decide any match.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::Serialize;

/// The rule that matched a lead.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Rule {
    /// The registrable domain of the lead's email is one of the account's.
    Domain,
    /// The lead's normalised company name is the account's.
    CompanyName,
}

impl Rule {
    /// The rule's name in JSON (`domain`, `company-name`).
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::Domain => "domain",
            Rule::CompanyName => "company-name",
        }
    }
}

/// Why a lead matched no account. When the email cannot decide, the company name is still
/// tried; the reason then names the email's problem, and the [`LeadMatch::Unmatched`] `name`
/// says which name was tried.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reason {
    /// Neither an email nor a company name (blank and punctuation-only count as absent).
    NoEmailAndNoCompany,
    /// The email is not a usable address (no `@`, bad domain, IP address, public suffix only).
    InvalidEmail,
    /// The email is at a free-mail provider, and the company name matched nothing or was absent.
    FreeMailDomain,
    /// The email is at a disposable-mail service, and the company name matched nothing or was
    /// absent.
    DisposableDomain,
    /// No account has the email's domain, and the lead gave no company name.
    NoAccountWithDomain,
    /// The lead has no email, and no account has its company name.
    NoAccountWithName,
    /// No account has the email's domain, nor the company name.
    NoAccountWithDomainOrName,
    /// The input row was not a lead (from JS: not an object, or an id, email or company of the
    /// wrong type).
    InvalidRow,
}

impl Reason {
    /// Every reason, in documentation order.
    pub const ALL: [Reason; 8] = [
        Reason::NoEmailAndNoCompany,
        Reason::InvalidEmail,
        Reason::FreeMailDomain,
        Reason::DisposableDomain,
        Reason::NoAccountWithDomain,
        Reason::NoAccountWithName,
        Reason::NoAccountWithDomainOrName,
        Reason::InvalidRow,
    ];

    /// The reason's code in JSON (`free-mail-domain`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::NoEmailAndNoCompany => "no-email-and-no-company",
            Reason::InvalidEmail => "invalid-email",
            Reason::FreeMailDomain => "free-mail-domain",
            Reason::DisposableDomain => "disposable-domain",
            Reason::NoAccountWithDomain => "no-account-with-domain",
            Reason::NoAccountWithName => "no-account-with-name",
            Reason::NoAccountWithDomainOrName => "no-account-with-domain-or-name",
            Reason::InvalidRow => "invalid-row",
        }
    }
}

/// How a tie between several accounts with the lead's domain or name was broken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TieBreak {
    /// How many accounts had the matched domain or name.
    pub candidates: u32,
    /// The rule that picked one.
    pub by: TieBreakRule,
}

/// The rule that broke a tie (in the order they are tried).
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TieBreakRule {
    /// Domain: one account lists the most specific domain of the lead's email host — the host
    /// itself (`eu.acme.com`) beats a parent (`acme.com`), which beats an unrelated sibling.
    MostSpecificDomain,
    /// Company name: one account's full normalised name (legal suffixes kept, a leading `the`
    /// not) equals the lead's (`Acme Ltd` picks `Acme Ltd` over `Acme Inc`).
    FullName,
    /// Otherwise: the smallest account id (byte order), then the earlier account.
    SmallestAccountId,
}

impl TieBreakRule {
    /// The name as reported.
    pub fn as_str(self) -> &'static str {
        match self {
            TieBreakRule::MostSpecificDomain => "most-specific-domain",
            TieBreakRule::FullName => "full-name",
            TieBreakRule::SmallestAccountId => "smallest-account-id",
        }
    }
}

/// The rules' names, in the order of [`LeadMatch::codes`].
pub const RULE_NAMES: [&str; 2] = ["domain", "company-name"];

/// The tie-break rules' names, in the order of [`LeadMatch::codes`].
pub const TIE_BREAK_NAMES: [&str; 3] = ["most-specific-domain", "full-name", "smallest-account-id"];

/// One lead's outcome. `'a` borrows the lead's and the account's ids (and the matched value
/// when the input already had it in normal form).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum LeadMatch<'a> {
    /// The lead belongs to an account.
    #[serde(rename_all = "camelCase")]
    Matched {
        /// The lead's id.
        lead_id: &'a str,
        /// The account's id.
        account_id: &'a str,
        /// The rule that matched.
        rule: Rule,
        /// The normalised value that matched: the registrable domain, or the name key.
        value: Cow<'a, str>,
        /// How a tie between several accounts was broken; `null` when only one qualified.
        tie_break: Option<TieBreak>,
        /// The account's position in the accounts given (not serialised: ids name it).
        #[serde(skip)]
        account_row: usize,
    },
    /// No account matched.
    #[serde(rename_all = "camelCase")]
    Unmatched {
        /// The lead's id.
        lead_id: &'a str,
        /// Why.
        reason: Reason,
        /// The registrable domain looked at (`null` without a usable email).
        domain: Option<Cow<'a, str>>,
        /// The company-name key tried (`null` without a usable company name).
        name: Option<Cow<'a, str>>,
    },
}

impl LeadMatch<'_> {
    /// The lead's id.
    pub fn lead_id(&self) -> &str {
        match self {
            LeadMatch::Matched { lead_id, .. } | LeadMatch::Unmatched { lead_id, .. } => lead_id,
        }
    }

    /// The outcome as numbers, for typed arrays (`matchLeadsColumns`): the account's position
    /// (−1 when unmatched), the rule (0 unmatched, then 1 + its position in [`RULE_NAMES`]), the
    /// reason (0 matched, then 1 + its position in [`Reason::ALL`]) and the tie-break rule (0
    /// none, then 1 + its position in [`TIE_BREAK_NAMES`]).
    pub fn codes(&self) -> (i32, u8, u8, u8) {
        let position = |found: Option<usize>| found.map_or(0, |p| p as u8 + 1);
        let account = self
            .account_row()
            .map_or(-1, |row| i32::try_from(row).unwrap_or(-1));
        let rule = position(
            self.rule()
                .and_then(|r| RULE_NAMES.iter().position(|n| *n == r.as_str())),
        );
        let reason = position(
            self.reason()
                .and_then(|r| Reason::ALL.iter().position(|x| *x == r)),
        );
        let tie_break = position(
            self.tie_break()
                .and_then(|t| TIE_BREAK_NAMES.iter().position(|n| *n == t.by.as_str())),
        );
        (account, rule, reason, tie_break)
    }

    /// The matched account's position in the accounts given, if any.
    pub fn account_row(&self) -> Option<usize> {
        match self {
            LeadMatch::Matched { account_row, .. } => Some(*account_row),
            LeadMatch::Unmatched { .. } => None,
        }
    }

    /// How a tie was broken, when the lead matched several accounts.
    pub fn tie_break(&self) -> Option<TieBreak> {
        match self {
            LeadMatch::Matched { tie_break, .. } => *tie_break,
            LeadMatch::Unmatched { .. } => None,
        }
    }

    /// The matched account's id, if any.
    pub fn account_id(&self) -> Option<&str> {
        match self {
            LeadMatch::Matched { account_id, .. } => Some(account_id),
            LeadMatch::Unmatched { .. } => None,
        }
    }

    /// The rule that matched, if any.
    pub fn rule(&self) -> Option<Rule> {
        match self {
            LeadMatch::Matched { rule, .. } => Some(*rule),
            LeadMatch::Unmatched { .. } => None,
        }
    }

    /// Why the lead is unmatched, if it is.
    pub fn reason(&self) -> Option<Reason> {
        match self {
            LeadMatch::Matched { .. } => None,
            LeadMatch::Unmatched { reason, .. } => Some(*reason),
        }
    }
}

/// Leads matched per rule.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ByRule {
    /// Matched by email domain.
    pub domain: u64,
    /// Matched by company name.
    pub company_name: u64,
}

/// Counts over a batch of leads. Mergeable: the summary of shards merged with
/// [`MatchSummary::merge`] equals the summary of the whole.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MatchSummary {
    /// Leads in the batch.
    pub total: u64,
    /// Leads matched to an account.
    pub matched: u64,
    /// Leads not matched.
    pub unmatched: u64,
    /// Matched leads per rule (sums to `matched`).
    pub by_rule: ByRule,
    /// Unmatched leads per reason, every reason present (sums to `unmatched`).
    pub by_reason: BTreeMap<Reason, u64>,
    /// Matched leads whose account was picked by a tie-break.
    pub tie_breaks: u64,
    /// `matched / total`; `null` for an empty batch.
    pub share_matched: Option<f64>,
}

impl Default for MatchSummary {
    fn default() -> Self {
        MatchSummary {
            total: 0,
            matched: 0,
            unmatched: 0,
            by_rule: ByRule::default(),
            by_reason: Reason::ALL.iter().map(|r| (*r, 0)).collect(),
            tie_breaks: 0,
            share_matched: None,
        }
    }
}

impl MatchSummary {
    /// Counts one lead's outcome.
    pub fn record(&mut self, lead_match: &LeadMatch<'_>) {
        self.total += 1;
        match lead_match {
            LeadMatch::Matched {
                rule, tie_break, ..
            } => {
                self.matched += 1;
                match rule {
                    Rule::Domain => self.by_rule.domain += 1,
                    Rule::CompanyName => self.by_rule.company_name += 1,
                }
                if tie_break.is_some() {
                    self.tie_breaks += 1;
                }
            }
            LeadMatch::Unmatched { reason, .. } => {
                self.unmatched += 1;
                *self.by_reason.entry(*reason).or_insert(0) += 1;
            }
        }
        self.update_share();
    }

    /// Adds another shard's counts to these.
    pub fn merge(&mut self, other: &MatchSummary) {
        self.total += other.total;
        self.matched += other.matched;
        self.unmatched += other.unmatched;
        self.by_rule.domain += other.by_rule.domain;
        self.by_rule.company_name += other.by_rule.company_name;
        for (reason, count) in &other.by_reason {
            *self.by_reason.entry(*reason).or_insert(0) += count;
        }
        self.tie_breaks += other.tie_breaks;
        self.update_share();
    }

    fn update_share(&mut self) {
        self.share_matched = (self.total > 0).then(|| self.matched as f64 / self.total as f64);
    }
}

/// Why an account domain (or a whole account) can never match.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AccountIssueReason {
    /// The domain is not a usable host name (or only a public suffix such as `co.uk`).
    InvalidDomain,
    /// The domain is a free-mail provider's: leads there are never matched by domain.
    FreeMailDomain,
    /// The domain is a disposable-mail service's.
    DisposableDomain,
    /// The account has no usable domain and no usable name: no lead can match it.
    Unmatchable,
}

/// A problem with the accounts, reported rather than failing the batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountIssue<'a> {
    /// The account's id.
    pub account_id: &'a str,
    /// The domain as given (`null` for `unmatchable`).
    pub domain: Option<&'a str>,
    /// What is wrong.
    pub reason: AccountIssueReason,
}

/// The outcome of matching a batch of leads.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MatchReport<'a> {
    /// Counts, share matched, by rule and by reason.
    pub summary: MatchSummary,
    /// Account domains that were ignored, and accounts no lead can match, in account order.
    pub account_issues: Vec<AccountIssue<'a>>,
    /// One outcome per lead, in input order.
    pub matches: Vec<LeadMatch<'a>>,
}
