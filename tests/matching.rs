//! Lead-to-account matching, table-driven: `tests/data/matching/cases.json` holds accounts,
//! leads and the outcome each lead must get (every rule, reason and tie-break; case and
//! whitespace, subdomains, multi-label suffixes, several domains per account, free-mail with
//! the name fallback, disposable and invalid addresses, legal suffixes, internationalised
//! domains). Expected objects list the fields to check; fields left out are not compared.
//!
//! Around the table: one row per lead in input order, counts that reconcile, shard summaries
//! that merge to the whole, results independent of account order, byte-identical JSON, and
//! every code documented in docs/matching.md.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeSet;

use account_journey::matching::{
    AccountRef, Lead, LeadMatch, MatchReport, MatchSummary, Matcher, Reason, account_domain,
    company_key, email_domain, is_disposable, is_free_mail, match_leads,
};
use serde_json::Value;

fn cases() -> Vec<Value> {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/matching/cases.json"
    ))
    .unwrap();
    serde_json::from_str(&text).unwrap()
}

/// Every field of `expected` is in `actual` with the same value.
fn assert_subset(name: &str, what: &str, expected: &Value, actual: &Value) {
    for (key, want) in expected.as_object().unwrap() {
        assert_eq!(
            actual.get(key),
            Some(want),
            "{name}: {what} field `{key}`\n  actual: {actual}"
        );
    }
}

fn assert_reconciles(report: &MatchReport<'_>, leads: &[Lead]) {
    let s = &report.summary;
    assert_eq!(report.matches.len(), leads.len());
    for (lead, m) in leads.iter().zip(&report.matches) {
        assert_eq!(m.lead_id(), lead.id);
    }
    assert_eq!(s.total, leads.len() as u64);
    assert_eq!(s.matched + s.unmatched, s.total);
    assert_eq!(s.by_rule.domain + s.by_rule.company_name, s.matched);
    assert_eq!(s.by_reason.values().sum::<u64>(), s.unmatched);
    assert_eq!(s.by_reason.len(), Reason::ALL.len());
    let matched = report.matches.iter().filter(|m| m.account_id().is_some());
    assert_eq!(matched.count() as u64, s.matched);
    for reason in Reason::ALL {
        let n = report
            .matches
            .iter()
            .filter(|m| m.reason() == Some(reason))
            .count();
        assert_eq!(s.by_reason[&reason], n as u64, "{reason:?}");
    }
    match s.share_matched {
        Some(share) => assert!((share - s.matched as f64 / s.total as f64).abs() < 1e-12),
        None => assert_eq!(s.total, 0),
    }
}

#[test]
fn matching_cases() {
    let cases = cases();
    assert!(cases.len() >= 20);
    let mut seen: BTreeSet<String> = BTreeSet::new();
    for case in &cases {
        let name = case["name"].as_str().unwrap();
        let accounts: Vec<AccountRef> = serde_json::from_value(case["accounts"].clone()).unwrap();
        // A row that is not a lead becomes an invalid row, as the JS binding makes it.
        let leads: Vec<Lead> = case["leads"]
            .as_array()
            .unwrap()
            .iter()
            .map(|row| {
                serde_json::from_value(row.clone()).unwrap_or_else(|_| Lead {
                    id: row["id"].as_str().unwrap_or_default().to_string(),
                    invalid: true,
                    ..Lead::default()
                })
            })
            .collect();
        let report = match_leads(&leads, &accounts);
        assert_reconciles(&report, &leads);
        let actual = serde_json::to_value(&report).unwrap();
        let expected = case["expected"].as_array().unwrap();
        assert_eq!(
            expected.len(),
            leads.len(),
            "{name}: one expectation per lead"
        );
        for (i, want) in expected.iter().enumerate() {
            let got = &actual["matches"][i];
            assert_subset(name, &format!("lead {i}"), want, got);
            for field in ["rule", "reason"] {
                if let Some(code) = got[field].as_str() {
                    seen.insert(format!("{field}:{code}"));
                }
            }
            if let Some(by) = got["tieBreak"]["by"].as_str() {
                seen.insert(format!("tieBreak:{by}"));
            }
        }
        if let Some(issues) = case.get("accountIssues") {
            assert_eq!(&actual["accountIssues"], issues, "{name}: account issues");
            for issue in issues.as_array().unwrap() {
                seen.insert(format!("issue:{}", issue["reason"].as_str().unwrap()));
            }
        }
    }
    let mut wanted: BTreeSet<String> = ["rule:domain", "rule:company-name"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    wanted.extend(Reason::ALL.iter().map(|r| format!("reason:{}", r.as_str())));
    wanted.extend(
        ["most-specific-domain", "full-name", "smallest-account-id"]
            .iter()
            .map(|b| format!("tieBreak:{b}")),
    );
    wanted.extend(
        [
            "invalid-domain",
            "free-mail-domain",
            "disposable-domain",
            "unmatchable",
        ]
        .iter()
        .map(|r| format!("issue:{r}")),
    );
    let missing: Vec<&String> = wanted.difference(&seen).collect();
    assert!(missing.is_empty(), "no case covers {missing:?}");
}

/// A deterministic mixed batch: every kind of lead, some accounts sharing domains and names.
fn batch(leads: usize, accounts: usize) -> (Vec<Lead>, Vec<AccountRef>) {
    let accounts: Vec<AccountRef> = (0..accounts)
        .map(|i| AccountRef {
            id: format!("acc-{:04}", (i * 7919) % accounts),
            name: (i % 5 != 0).then(|| format!("Company {} Ltd", i % (accounts / 2).max(1))),
            domains: match i % 4 {
                0 => vec![format!("c{i}.com")],
                1 => vec![format!("https://www.c{i}.co.uk/"), format!("c{i}.de")],
                2 => vec![format!("c{}.com", i - 2)],
                _ => vec![],
            },
        })
        .collect();
    let leads = (0..leads)
        .map(|i| {
            let a = i % accounts.len().max(1);
            let (email, company) = match i % 9 {
                0 => (Some(format!("p{i}@c{a}.com")), None),
                1 => (Some(format!(" P{i}@Sales.C{a}.CO.UK ")), None),
                2 => (
                    Some(format!("p{i}@gmail.com")),
                    Some(format!("company {a}")),
                ),
                3 => (Some(format!("p{i}@mailinator.com")), None),
                4 => (
                    Some(format!("p{i}-at-c{a}.com")),
                    Some("Nobody".to_string()),
                ),
                5 => (None, Some(format!("The Company {a}, Inc."))),
                6 => (None, None),
                7 => (Some(format!("p{i}@unknown{i}.io")), None),
                _ => (Some(format!("p{i}@unknown{i}.io")), Some(format!("X{i}"))),
            };
            Lead {
                id: format!("lead-{i}"),
                email,
                company,
                invalid: false,
            }
        })
        .collect();
    (leads, accounts)
}

#[test]
fn one_row_per_lead_and_counts_reconcile() {
    let (leads, accounts) = batch(5_000, 400);
    let report = match_leads(&leads, &accounts);
    assert_reconciles(&report, &leads);
    let s = &report.summary;
    assert!(s.by_rule.domain > 0 && s.by_rule.company_name > 0 && s.tie_breaks > 0);
    assert!(
        s.by_reason.values().filter(|n| **n > 0).count() >= 5,
        "{s:?}"
    );

    let empty = match_leads(&[], &accounts);
    assert_reconciles(&empty, &[]);
    assert_eq!(empty.summary.share_matched, None);
    let no_accounts = match_leads(&leads, &[]);
    assert_reconciles(&no_accounts, &leads);
    assert_eq!(no_accounts.summary.matched, 0);
}

#[test]
fn shard_summaries_merge_to_the_whole() {
    let (leads, accounts) = batch(3_001, 200);
    let matcher = Matcher::new(&accounts);
    let whole = matcher.match_leads(&leads);
    let mut merged = MatchSummary::default();
    for shard in leads.chunks(577) {
        merged.merge(&matcher.match_leads(shard).summary);
    }
    assert_eq!(merged, whole.summary);
    let one_by_one: Vec<LeadMatch<'_>> = leads.iter().map(|l| matcher.match_lead(l)).collect();
    assert_eq!(one_by_one, whole.matches);
}

/// Outcomes as JSON: what users see (ids, rules, values), without positions in the input.
fn reported(matches: &[LeadMatch<'_>]) -> Vec<serde_json::Value> {
    matches
        .iter()
        .map(|m| serde_json::to_value(m).unwrap())
        .collect()
}

#[test]
fn results_do_not_depend_on_account_order() {
    let (leads, accounts) = batch(2_000, 300);
    let mut ids = BTreeSet::new();
    let accounts: Vec<AccountRef> = accounts
        .into_iter()
        .filter(|a| ids.insert(a.id.clone()))
        .collect();
    let mut reversed = accounts.clone();
    reversed.reverse();
    let forward = match_leads(&leads, &accounts);
    let backward = match_leads(&leads, &reversed);
    // The same outcomes, as reported (the account's position in the input is not reported).
    assert_eq!(reported(&forward.matches), reported(&backward.matches));
    assert_eq!(forward.summary, backward.summary);
}

#[test]
fn json_is_byte_identical_across_runs_and_has_the_documented_shape() {
    let (leads, accounts) = batch(500, 60);
    let a = serde_json::to_string(&match_leads(&leads, &accounts)).unwrap();
    let b = serde_json::to_string(&match_leads(&leads, &accounts)).unwrap();
    assert_eq!(a, b);

    let accounts = [AccountRef {
        id: "acme".into(),
        name: Some("Acme Inc".into()),
        domains: vec!["acme.com".into()],
    }];
    let leads = [
        Lead {
            id: "l1".into(),
            email: Some("jo@acme.com".into()),
            company: None,
            invalid: false,
        },
        Lead {
            id: "l2".into(),
            email: Some("jo@gmail.com".into()),
            company: Some("Nope".into()),
            invalid: false,
        },
    ];
    let json = serde_json::to_string(&match_leads(&leads, &accounts)).unwrap();
    assert_eq!(
        json,
        concat!(
            r#"{"summary":{"total":2,"matched":1,"unmatched":1,"byRule":{"domain":1,"companyName":0},"#,
            r#""byReason":{"no-email-and-no-company":0,"invalid-email":0,"free-mail-domain":1,"#,
            r#""disposable-domain":0,"no-account-with-domain":0,"no-account-with-name":0,"#,
            r#""no-account-with-domain-or-name":0,"invalid-row":0},"tieBreaks":0,"shareMatched":0.5},"#,
            r#""accountIssues":[],"matches":["#,
            r#"{"status":"matched","leadId":"l1","accountId":"acme","rule":"domain","value":"acme.com","tieBreak":null},"#,
            r#"{"status":"unmatched","leadId":"l2","reason":"free-mail-domain","domain":"gmail.com","name":"nope"}]}"#
        )
    );
}

#[test]
fn hostile_input_never_panics_and_keeps_its_row() {
    let long = "a".repeat(100_000);
    let weird = [
        String::new(),
        long.clone(),
        format!("{long}@{long}.com"),
        format!("x@{}", "a.".repeat(5_000)),
        "@@@".into(),
        "<>".into(),
        "mailto:".into(),
        "\u{0}@\u{0}.com".into(),
        "jo@\u{200b}.com".into(),
        "jo@ü.ü".into(),
        "jo@-.com".into(),
        "jo@xn--.com".into(),
        "\"\"@acme.com".into(),
        "jo@acme.com\u{3002}".into(),
        "jo@😀.com".into(),
        "İ".repeat(1_000),
    ];
    let accounts: Vec<AccountRef> = weird
        .iter()
        .enumerate()
        .map(|(i, w)| AccountRef {
            id: i.to_string(),
            name: Some(w.clone()),
            domains: vec![w.clone()],
        })
        .collect();
    let leads: Vec<Lead> = weird
        .iter()
        .enumerate()
        .map(|(i, w)| Lead {
            id: i.to_string(),
            email: Some(w.clone()),
            company: Some(w.clone()),
            invalid: false,
        })
        .collect();
    let report = match_leads(&leads, &accounts);
    assert_reconciles(&report, &leads);
}

#[test]
fn helpers_normalise_like_matching() {
    assert_eq!(
        email_domain(" Jo <JO@Shop.Acme.co.uk> ").as_deref(),
        Some("acme.co.uk")
    );
    assert_eq!(email_domain("jo@co.uk"), None);
    assert_eq!(
        account_domain("https://www.acme.com/x").as_deref(),
        Some("acme.com")
    );
    assert_eq!(company_key("The ACME Co., Ltd.").as_deref(), Some("acme"));
    assert!(is_free_mail("gmail.com") && is_free_mail("jo@mail.yahoo.co.jp"));
    assert!(is_free_mail("https://outlook.fr") && !is_free_mail("acme.com"));
    assert!(is_disposable("mailinator.com") && is_disposable("x@yopmail.fr"));
    assert!(!is_disposable("gmail.com"));
}

#[test]
fn every_code_is_documented() {
    let doc =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/matching.md")).unwrap();
    let codes = Reason::ALL
        .iter()
        .map(|r| r.as_str())
        .chain(["domain", "company-name"])
        .chain(["most-specific-domain", "full-name", "smallest-account-id"])
        .chain([
            "invalid-domain",
            "free-mail-domain",
            "disposable-domain",
            "unmatchable",
        ]);
    for code in codes {
        assert!(
            doc.contains(&format!("`{code}`")),
            "docs/matching.md lacks `{code}`"
        );
    }
}

/// Property tests over inputs built from the fragments that matter (separators, free-mail and
/// disposable domains, suffixes, non-ASCII letters): no panic, one row per lead, counts that
/// reconcile, shards that merge to the whole, and normal forms that are stable.
#[cfg(not(target_arch = "wasm32"))]
mod properties {
    use super::*;
    use proptest::prelude::*;

    #[rustfmt::skip]
    const EMAIL: &[&str] = &[
        "jo", "@", ".", "acme", "com", "co", "uk", "gmail", "mailinator", "xn--bcher-kva",
        "bücher", "<", ">", "mailto:", " ", "-", "www", "İ", "。", "\"", "de", "eu", "?", "1",
    ];
    #[rustfmt::skip]
    const NAME: &[&str] = &[
        "Acme", "Inc", ".", ",", "&", "The", "the", "S", "A", "GmbH", " ", "é", "ß", "Co", "Ltd",
        "-", "'", "\u{301}", "Société", "ООО", "and",
    ];

    #[rustfmt::skip]
    const HOST: &[&str] = &[
        "acme", "gmail", "mailinator", "xn--bcher-kva", "bücher", ".", "-", "www.", "eu.", "İ",
        "。", "1", "co", "uk", "ACME",
    ];

    /// Mostly well-formed addresses, with damage: a local part, an `@` form, a host, a suffix.
    fn email() -> impl Strategy<Value = String> {
        (
            text(EMAIL, 3),
            prop::sample::select(&["@", "@", "@", " <x@", "mailto:x@", ""][..]),
            text(HOST, 4),
            prop::sample::select(&[".com", ".co.uk", ".de", "", ".", ">", ". "][..]),
        )
            .prop_map(|(local, at, host, tld)| format!("{local}{at}{host}{tld}"))
    }

    fn text(fragments: &'static [&'static str], max: usize) -> impl Strategy<Value = String> {
        prop::collection::vec(prop::sample::select(fragments), 0..max).prop_map(|f| f.concat())
    }

    fn lead() -> impl Strategy<Value = Lead> {
        (
            "[a-z0-9]{0,3}",
            prop::option::of(email()),
            prop::option::of(text(NAME, 6)),
        )
            .prop_map(|(id, email, company)| Lead {
                id,
                email,
                company,
                invalid: false,
            })
    }

    fn account() -> impl Strategy<Value = AccountRef> {
        (
            "[a-z0-9]{1,3}",
            prop::option::of(text(NAME, 5)),
            prop::collection::vec(prop_oneof![email(), text(HOST, 4), text(EMAIL, 6)], 0..3),
        )
            .prop_map(|(id, name, domains)| AccountRef { id, name, domains })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn never_panics_and_reconciles(
            leads in prop::collection::vec(lead(), 0..40),
            accounts in prop::collection::vec(account(), 0..12),
            shard in 1usize..9,
        ) {
            let matcher = Matcher::new(&accounts);
            let whole = matcher.match_leads(&leads);
            assert_reconciles(&whole, &leads);
            let mut merged = MatchSummary::default();
            for part in leads.chunks(shard) {
                merged.merge(&matcher.match_leads(part).summary);
            }
            prop_assert_eq!(&merged, &whole.summary);
            let mut reversed = accounts.clone();
            reversed.reverse();
            let mut ids = BTreeSet::new();
            if accounts.iter().all(|a| ids.insert(a.id.clone())) {
                prop_assert_eq!(reported(&match_leads(&leads, &reversed).matches), reported(&whole.matches));
            }
        }

        #[test]
        fn normal_forms_are_stable(email in email(), name in text(NAME, 8)) {
            if let Some(domain) = email_domain(&email) {
                prop_assert_eq!(account_domain(&domain), Some(domain.clone()));
                prop_assert_eq!(email_domain(&format!("x@{domain}")), Some(domain.clone()));
                prop_assert!(domain.is_ascii() && !domain.chars().any(|c| c.is_ascii_uppercase()));
            }
            if let Some(key) = company_key(&name) {
                prop_assert!(!key.is_empty() && !key.starts_with(' ') && !key.ends_with(' '));
                prop_assert!(!key.contains("  "));
            }
        }
    }
}
