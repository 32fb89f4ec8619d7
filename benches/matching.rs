//! Lead-to-account matching benchmark: 1,000,000 leads against 100,000 accounts, generated
//! deterministically (a linear congruential generator, no random source), matched with
//! `match_leads` (index build included). Prints leads matched per second and peak memory
//! (VmHWM from /proc/self/status, Linux only; the generated input is included in it).
//!
//!   cargo bench --bench matching
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::hint::black_box;
use std::time::Instant;

use account_journey::matching::{AccountRef, Lead, Matcher, match_leads};

const ACCOUNTS: usize = 100_000;
const LEADS: usize = 1_000_000;
const ROUNDS: usize = 5;

/// Knuth's MMIX linear congruential generator.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'t>(&mut self, items: &[&'t str]) -> &'t str {
        items[self.below(items.len())]
    }
}

const SYLLABLES: [&str; 40] = [
    "ac", "me", "lo", "ra", "ti", "vo", "ne", "xa", "qu", "in", "do", "ko", "pa", "sy", "te", "mi",
    "zo", "ul", "be", "ga", "ri", "no", "fa", "lu", "ce", "da", "ho", "ja", "ve", "wi", "ny", "or",
    "es", "ta", "bri", "gon", "sol", "tek", "nova", "tron",
];
const LEGAL: [&str; 8] = ["Inc.", "Ltd", "GmbH", "S.A.", "LLC", "", "", "Corp"];
const TLDS: [&str; 8] = ["com", "com", "com", "io", "co.uk", "de", "com.au", "fr"];
const FREE: [&str; 6] = [
    "gmail.com",
    "outlook.com",
    "hotmail.co.uk",
    "yahoo.fr",
    "icloud.com",
    "gmx.de",
];
const DISPOSABLE: [&str; 3] = ["mailinator.com", "yopmail.com", "10minutemail.com"];

fn accounts(rng: &mut Lcg) -> (Vec<AccountRef>, Vec<(String, String)>) {
    let mut accounts = Vec::with_capacity(ACCOUNTS);
    // (a domain of the account, its company name as a lead might type it)
    let mut facts = Vec::with_capacity(ACCOUNTS);
    for i in 0..ACCOUNTS {
        // Four syllables of forty: about 2 % of names (and domains) are shared by two accounts.
        let words: Vec<&str> = (0..4).map(|_| SYLLABLES[rng.below(40)]).collect();
        let base = words.concat();
        let display = capitalise(&base);
        let name = format!("{display} {}", rng.pick(&LEGAL));
        let domain = format!("{base}.{}", rng.pick(&TLDS));
        let mut domains = vec![match rng.below(4) {
            0 => format!("https://www.{domain}/"),
            1 => domain.to_uppercase(),
            _ => domain.clone(),
        }];
        for _ in 0..rng.below(3) {
            domains.push(format!(
                "{base}-{}.{}",
                rng.pick(&SYLLABLES),
                rng.pick(&TLDS)
            ));
        }
        accounts.push(AccountRef {
            id: format!("acc-{i:06}"),
            name: Some(name),
            domains,
        });
        facts.push((domain, display));
    }
    (accounts, facts)
}

fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

fn leads(rng: &mut Lcg, facts: &[(String, String)]) -> Vec<Lead> {
    (0..LEADS)
        .map(|i| {
            let (domain, company) = &facts[rng.below(facts.len())];
            let person = format!(
                "{}.{}{}",
                rng.pick(&SYLLABLES),
                rng.pick(&SYLLABLES),
                i % 1000
            );
            let roll = rng.below(100);
            let (email, company) = match roll {
                0..=39 => (Some(format!("{person}@{domain}")), None),
                40..=49 => (Some(format!("{}@{}", person.to_uppercase(), domain)), None),
                50..=54 => (Some(format!("{person}@eu.{domain}")), Some(company.clone())),
                55..=59 => (Some(format!("{company} <{person}@{domain}>")), None),
                60..=69 => (
                    Some(format!("{person}@{}", rng.pick(&FREE))),
                    Some(format!("{company} Inc")),
                ),
                70..=74 => (Some(format!("{person}@{}", rng.pick(&FREE))), None),
                75..=78 => (Some(format!("{person}@{}", rng.pick(&DISPOSABLE))), None),
                79..=81 => (Some(format!("{person} at {domain}")), None),
                82..=89 => (
                    Some(format!("{person}@unknown{i}.com")),
                    (roll % 2 == 0).then(|| format!("Unknown {i} GmbH")),
                ),
                90..=96 => (None, Some(format!("THE {} ltd.", company.to_uppercase()))),
                _ => (None, None),
            };
            Lead {
                id: format!("lead-{i:07}"),
                email,
                company,
                invalid: false,
            }
        })
        .collect()
}

/// A line of /proc/self/status in MB (Linux), e.g. `VmHWM` (peak resident) or `VmRSS`.
fn status_mb(field: &str) -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn mb(value: Option<f64>) -> String {
    value.map_or("n/a".to_string(), |v| format!("{v:.0} MB"))
}

fn main() {
    println!("matching benchmark: {LEADS} leads against {ACCOUNTS} accounts, native");
    let start = Instant::now();
    let mut rng = Lcg(0x5eed);
    let (accounts, facts) = accounts(&mut rng);
    let leads = leads(&mut rng, &facts);
    drop(facts);
    println!(
        "  generated input in {:.2} s; resident after generating: {}",
        start.elapsed().as_secs_f64(),
        mb(status_mb("VmRSS:"))
    );

    let mut seconds = Vec::with_capacity(ROUNDS);
    let mut last_summary = None;
    for _ in 0..ROUNDS {
        let start = Instant::now();
        let report = black_box(match_leads(black_box(&leads), black_box(&accounts)));
        seconds.push(start.elapsed().as_secs_f64());
        last_summary = Some(report.summary.clone());
        drop(report);
    }
    let start = Instant::now();
    let matcher = black_box(Matcher::new(black_box(&accounts)));
    let index_seconds = start.elapsed().as_secs_f64();
    let start = Instant::now();
    let report = black_box(matcher.match_leads(black_box(&leads)));
    let match_seconds = start.elapsed().as_secs_f64();
    drop(report);
    drop(matcher);
    seconds.sort_by(f64::total_cmp);
    let median = seconds[seconds.len() / 2];
    let best = seconds[0];
    println!(
        "  match_leads (index build included), {ROUNDS} rounds: median {:.3} s, best {:.3} s",
        median, best
    );
    println!(
        "  of which (one more round): indexing the accounts {index_seconds:.3} s, matching the leads {match_seconds:.3} s"
    );
    println!(
        "  leads matched per second: {:.2} M (median), {:.2} M (best)",
        LEADS as f64 / median / 1e6,
        LEADS as f64 / best / 1e6
    );
    println!(
        "  peak resident memory (VmHWM, input included): {}",
        mb(status_mb("VmHWM:"))
    );
    if let Some(s) = last_summary {
        println!(
            "  matched {} ({:.1} %): domain {}, company name {}; tie-breaks {}; unmatched {}",
            s.matched,
            s.share_matched.unwrap_or(0.0) * 100.0,
            s.by_rule.domain,
            s.by_rule.company_name,
            s.tie_breaks,
            s.unmatched
        );
        let reasons: Vec<String> = s
            .by_reason
            .iter()
            .map(|(r, n)| format!("{} {n}", r.as_str()))
            .collect();
        println!("  unmatched by reason: {}", reasons.join(", "));
    }
}
