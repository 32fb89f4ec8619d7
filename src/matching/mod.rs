//! Lead-to-account matching: for every lead, either the account it belongs to and the rule that
//! decided it (`domain`, then `company-name`), or `unmatched` with the reason — never a dropped
//! row, never a failed batch.
//!
//! [`Matcher::new`] indexes the accounts once (registrable domain → accounts, normalised
//! company name → accounts); each lead then costs a few hash lookups and no allocation in the
//! common case. [`match_leads`] does both and adds a [`MatchSummary`] (share matched, counts
//! by rule and by reason), which is mergeable across shards ([`MatchSummary::merge`]).
//!
//! Rules, tie-breaks and the bundled lists are described in `docs/matching.md`. This module
//! owns the matching and the report; domain and name normalisation live in `domain` and `name`,
//! the bundled lists in `lists`. It does not read leads or accounts from JSON or JS: callers
//! (the binding, tests) build [`Lead`]s and [`AccountRef`]s.
//!
//! ```
//! use account_journey::matching::{match_leads, AccountRef, Lead, LeadMatch};
//!
//! let accounts = [AccountRef {
//!     id: "acme".into(),
//!     name: Some("Acme, Inc.".into()),
//!     domains: vec!["https://www.acme.com".into(), "acme.co.uk".into()],
//! }];
//! let leads = [
//!     Lead { id: "l1".into(), email: Some("Jo@Sales.ACME.co.uk".into()), ..Lead::default() },
//!     Lead { id: "l2".into(), email: Some("jo@gmail.com".into()), company: Some("ACME".into()), ..Lead::default() },
//!     Lead { id: "l3".into(), email: Some("jo@mailinator.com".into()), ..Lead::default() },
//! ];
//! let report = match_leads(&leads, &accounts);
//! assert!(matches!(&report.matches[0],
//!     LeadMatch::Matched { account_id: "acme", value, .. } if value == "acme.co.uk"));
//! assert_eq!(report.matches[1].rule().map(|r| r.as_str()), Some("company-name"));
//! assert_eq!(report.matches[2].reason().map(|r| r.as_str()), Some("disposable-domain"));
//! assert_eq!(report.summary.matched, 2);
//! ```

mod domain;
mod index;
mod lists;
mod name;
mod report;

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use index::Index;
use lists::{DomainKind, lists};
pub use report::{
    AccountIssue, AccountIssueReason, ByRule, LeadMatch, MatchReport, MatchSummary, RULE_NAMES,
    Reason, Rule, TIE_BREAK_NAMES, TieBreak, TieBreakRule,
};

/// A lead to match: its id and what it says about its company.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Lead {
    /// The lead's id, repeated in its [`LeadMatch`].
    pub id: String,
    /// Its email address, as captured: surrounding whitespace, `mailto:` and the display form
    /// `Name <a@b.com>` are accepted.
    #[serde(default)]
    pub email: Option<String>,
    /// The company name it gave (used when the email cannot decide).
    #[serde(default)]
    pub company: Option<String>,
    /// Set by a binding when the input row was not a lead (not an object, or fields of the
    /// wrong type): the row still gets its outcome, `invalid-row`, so no row is dropped.
    #[serde(skip)]
    pub invalid: bool,
}

/// An account leads can match.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountRef {
    /// The account's id, reported in matches; ties between accounts go to the smallest id.
    pub id: String,
    /// The account's company name (for the name fallback).
    #[serde(default)]
    pub name: Option<String>,
    /// Its domains: bare (`acme.com`), URLs (`https://www.acme.com/about`) or addresses
    /// (`sales@acme.com`); subdomains count for their registrable domain.
    #[serde(default)]
    pub domains: Vec<String>,
}

/// Reusable buffers: matching a lead allocates nothing in the common case.
#[derive(Debug, Default)]
struct Scratch {
    host: String,
    words: String,
    name: String,
}

/// Accounts indexed for matching: build once, match millions of leads.
#[derive(Debug, Clone)]
pub struct Matcher<'a> {
    domains: Index<'a>,
    names: Index<'a>,
    issues: Vec<AccountIssue<'a>>,
}

/// What the email said, on the way to a decision.
enum EmailOutcome<'l> {
    Absent,
    Invalid,
    FreeMail(Cow<'l, str>),
    Disposable(Cow<'l, str>),
    NotFound(Cow<'l, str>),
}

impl<'a> Matcher<'a> {
    /// Indexes `accounts` by registrable domain and by normalised company name. Never fails:
    /// unusable domains, free-mail and disposable domains are left out of the index and
    /// reported by [`Matcher::account_issues`].
    pub fn new(accounts: &'a [AccountRef]) -> Matcher<'a> {
        let mut domains = Index::with_capacity(accounts.iter().map(|a| a.domains.len()).sum());
        let mut names = Index::with_capacity(accounts.len());
        let mut issues = Vec::new();
        let mut scratch = Scratch::default();
        let lists = lists();
        for (position, account) in accounts.iter().enumerate() {
            let mut indexed = false;
            for raw in &account.domains {
                let key = if domain::account_host(raw, &mut scratch.host) {
                    domain::registrable(&scratch.host)
                } else {
                    None
                };
                let issue = match key.map(|key| (key, lists.domain_kind(key))) {
                    None => AccountIssueReason::InvalidDomain,
                    Some((_, DomainKind::FreeMail)) => AccountIssueReason::FreeMailDomain,
                    Some((_, DomainKind::Disposable)) => AccountIssueReason::DisposableDomain,
                    Some((key, DomainKind::Other)) => {
                        let subdomain = domain::subdomain_part(&scratch.host, key);
                        domains.insert(key, &account.id, position, subdomain);
                        indexed = true;
                        continue;
                    }
                };
                issues.push(AccountIssue {
                    account_id: &account.id,
                    domain: Some(raw),
                    reason: issue,
                });
            }
            let forms = account
                .name
                .as_deref()
                .and_then(|raw| name::name_forms(raw, &mut scratch.words, &mut scratch.name));
            if let Some((key, legal_suffix)) = forms {
                names.insert(key, &account.id, position, legal_suffix);
                indexed = true;
            }
            if !indexed {
                issues.push(AccountIssue {
                    account_id: &account.id,
                    domain: None,
                    reason: AccountIssueReason::Unmatchable,
                });
            }
        }
        domains.finish();
        names.finish();
        Matcher {
            domains,
            names,
            issues,
        }
    }

    /// Account domains left out of the index, and accounts no lead can match, in account order.
    pub fn account_issues(&self) -> &[AccountIssue<'a>] {
        &self.issues
    }

    /// Matches one lead. Never fails: a lead that cannot be matched is
    /// [`LeadMatch::Unmatched`] with the reason.
    pub fn match_lead<'l>(&self, lead: &'l Lead) -> LeadMatch<'l>
    where
        'a: 'l,
    {
        self.match_with(lead, &mut Scratch::default())
    }

    /// Matches a batch of leads: one outcome per lead, in input order, with the summary.
    pub fn match_leads<'l>(&self, leads: &'l [Lead]) -> MatchReport<'l>
    where
        'a: 'l,
    {
        let mut scratch = Scratch::default();
        let mut summary = MatchSummary::default();
        let mut matches = Vec::with_capacity(leads.len());
        for lead in leads {
            let outcome = self.match_with(lead, &mut scratch);
            summary.record(&outcome);
            matches.push(outcome);
        }
        MatchReport {
            summary,
            account_issues: self.issues.clone(),
            matches,
        }
    }

    /// Matches leads one at a time without keeping them: `next` fills the one reused [`Lead`]
    /// (returning `false` when there are no more) and `each` sees its outcome — for batches
    /// read from columns, where building a `Lead` per row would allocate a million times.
    pub fn match_each(
        &self,
        mut next: impl FnMut(&mut Lead) -> bool,
        mut each: impl FnMut(&LeadMatch<'_>),
    ) {
        let mut scratch = Scratch::default();
        let mut lead = Lead::default();
        while next(&mut lead) {
            each(&self.match_with(&lead, &mut scratch));
        }
    }

    fn match_with<'l>(&self, lead: &'l Lead, scratch: &mut Scratch) -> LeadMatch<'l>
    where
        'a: 'l,
    {
        if lead.invalid {
            return LeadMatch::Unmatched {
                lead_id: &lead.id,
                reason: Reason::InvalidRow,
                domain: None,
                name: None,
            };
        }
        let email = lead
            .email
            .as_deref()
            .map(str::trim)
            .filter(|e| !e.is_empty());
        let email_outcome = match email {
            None => EmailOutcome::Absent,
            Some(raw) => {
                let key = if domain::email_host(raw, &mut scratch.host) {
                    domain::registrable(&scratch.host)
                } else {
                    None
                };
                let Some(key) = key else {
                    return self.match_by_name(lead, EmailOutcome::Invalid, scratch);
                };
                // The index holds no free-mail or disposable domain, so a hit is a match; the
                // lists are consulted only to explain a miss.
                let subdomain = domain::subdomain_part(&scratch.host, key);
                let picked = self
                    .domains
                    .pick(key, TieBreakRule::MostSpecificDomain, |listed| {
                        index::domain_specificity(subdomain, listed)
                    });
                if let Some((account_id, account_row, tie_break)) = picked {
                    return LeadMatch::Matched {
                        lead_id: &lead.id,
                        account_id,
                        rule: Rule::Domain,
                        value: borrow_domain(raw, key),
                        tie_break,
                        account_row,
                    };
                }
                let domain = borrow_domain(raw, key);
                match lists().domain_kind(key) {
                    DomainKind::FreeMail => EmailOutcome::FreeMail(domain),
                    DomainKind::Disposable => EmailOutcome::Disposable(domain),
                    DomainKind::Other => EmailOutcome::NotFound(domain),
                }
            }
        };
        self.match_by_name(lead, email_outcome, scratch)
    }

    /// The name fallback, once the email has not decided; else the reason.
    fn match_by_name<'l>(
        &self,
        lead: &'l Lead,
        email_outcome: EmailOutcome<'l>,
        scratch: &mut Scratch,
    ) -> LeadMatch<'l>
    where
        'a: 'l,
    {
        let company = lead.company.as_deref().map(str::trim).unwrap_or("");
        let forms = name::name_forms(company, &mut scratch.words, &mut scratch.name);
        if let Some((key, legal_suffix)) = forms {
            let picked = self.names.pick(key, TieBreakRule::FullName, |listed| {
                usize::from(listed == legal_suffix)
            });
            if let Some((account_id, account_row, tie_break)) = picked {
                return LeadMatch::Matched {
                    lead_id: &lead.id,
                    account_id,
                    rule: Rule::CompanyName,
                    value: borrow_exact(company, key),
                    tie_break,
                    account_row,
                };
            }
        }
        let name = forms.map(|(key, _)| borrow_exact(company, key));
        let (reason, domain) = match email_outcome {
            EmailOutcome::Absent if name.is_none() => (Reason::NoEmailAndNoCompany, None),
            EmailOutcome::Absent => (Reason::NoAccountWithName, None),
            EmailOutcome::Invalid => (Reason::InvalidEmail, None),
            EmailOutcome::FreeMail(d) => (Reason::FreeMailDomain, Some(d)),
            EmailOutcome::Disposable(d) => (Reason::DisposableDomain, Some(d)),
            EmailOutcome::NotFound(d) if name.is_none() => (Reason::NoAccountWithDomain, Some(d)),
            EmailOutcome::NotFound(d) => (Reason::NoAccountWithDomainOrName, Some(d)),
        };
        LeadMatch::Unmatched {
            lead_id: &lead.id,
            reason,
            domain,
            name,
        }
    }
}

/// `key` borrowed from the end of the raw address when it is written there in normal form
/// (`jo@acme.com`), else owned.
fn borrow_domain<'l>(raw: &'l str, key: &str) -> Cow<'l, str> {
    match raw.strip_suffix(key) {
        Some(before) if before.ends_with(['@', '.']) => raw
            .get(before.len()..)
            .map_or_else(|| Cow::Owned(key.to_owned()), Cow::Borrowed),
        _ => Cow::Owned(key.to_owned()),
    }
}

/// `key` borrowed when the raw text is exactly it, else owned.
fn borrow_exact<'l>(raw: &'l str, key: &str) -> Cow<'l, str> {
    if raw == key {
        Cow::Borrowed(raw)
    } else {
        Cow::Owned(key.to_owned())
    }
}

/// Matches every lead against the accounts: one [`LeadMatch`] per lead in input order, a
/// [`MatchSummary`], and the account issues found while indexing. Never fails; for many
/// batches against the same accounts, build a [`Matcher`] once instead.
///
/// Rules, in order: the registrable domain of the lead's email, unless it is a free-mail or
/// disposable domain; then the normalised company name. See `docs/matching.md`.
pub fn match_leads<'a>(leads: &'a [Lead], accounts: &'a [AccountRef]) -> MatchReport<'a> {
    Matcher::new(accounts).match_leads(leads)
}

/// The registrable domain of an email address as matching sees it (`Jo@EU.Acme.co.uk` →
/// `acme.co.uk`), or `None` when it is not a usable address.
///
/// ```
/// use account_journey::matching::email_domain;
/// assert_eq!(email_domain("Jo Smith <jo@eu.acme.com>").as_deref(), Some("acme.com"));
/// assert_eq!(email_domain("jo@bücher.de").as_deref(), Some("xn--bcher-kva.de"));
/// assert_eq!(email_domain("not an address"), None);
/// ```
pub fn email_domain(email: &str) -> Option<String> {
    let mut host = String::new();
    domain::email_host(email, &mut host)
        .then(|| domain::registrable(&host).map(str::to_owned))
        .flatten()
}

/// The registrable domain of an account domain, URL or address as matching sees it
/// (`https://www.shop.acme.com/x` → `acme.com`), or `None` when it names no usable host.
pub fn account_domain(domain_or_url: &str) -> Option<String> {
    let mut host = String::new();
    domain::account_host(domain_or_url, &mut host)
        .then(|| domain::registrable(&host).map(str::to_owned))
        .flatten()
}

/// The key a company name is matched by (`The Acme Co., Ltd.` → `acme`), or `None` when it has
/// no letter or digit.
///
/// ```
/// use account_journey::matching::company_key;
/// assert_eq!(company_key("Société Générale S.A.").as_deref(), Some("societe generale"));
/// ```
pub fn company_key(name: &str) -> Option<String> {
    let (mut words, mut out) = (String::new(), String::new());
    let range = name::normalize_name(name, &mut words, &mut out)?;
    out.get(range).map(str::to_owned)
}

/// Whether a domain (any host, URL or address; its registrable domain is checked) belongs to
/// a bundled free-mail provider.
pub fn is_free_mail(domain: &str) -> bool {
    account_domain(domain).is_some_and(|d| lists().domain_kind(&d) == DomainKind::FreeMail)
}

/// Whether a domain (any host, URL or address; its registrable domain is checked) belongs to
/// a bundled disposable-mail service.
pub fn is_disposable(domain: &str) -> bool {
    account_domain(domain).is_some_and(|d| lists().domain_kind(&d) == DomainKind::Disposable)
}
