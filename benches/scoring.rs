//! Scoring benchmark: 100,000 accounts with 50 signals each (5,000,000 signals), generated
//! deterministically (a linear congruential generator, no random source), scored with the
//! default journey's model as of 2026-11-22 — the batch path (`ScoreModel::score_columns`, what
//! `scoreColumns` runs in wasm) and, on 10,000 accounts, the explaining path (`score()`, which
//! builds the whole ledger). Prints accounts per second; `benches/scoring.mjs` measures the same
//! in wasm under Node with the boundary crossing included.
//!
//!   cargo bench --bench scoring
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::hint::black_box;
use std::time::Instant;

use account_journey::Journey;
use account_journey::batch::{AccountColumns, Column, SignalColumns};
use account_journey::expr::Data;
use account_journey::score::ScoreModel;

const ACCOUNTS: usize = 100_000;
const SIGNALS_PER_ACCOUNT: usize = 50;
const EXPLAINED: usize = 10_000;
const AS_OF: i64 = 1_795_305_600_000; // 2026-11-22T00:00:00Z
const ROUNDS: usize = 5;

/// Knuth's MMIX linear congruential generator (the same as benches/scoring.mjs).
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
}

const KINDS: [&str; 10] = [
    "page_view",
    "page_view",
    "page_view",
    "ad_click",
    "content_download",
    "webinar",
    "email_reply",
    "intent_surge",
    "meeting",
    "podcast",
];
const INDUSTRIES: [&str; 5] = [
    "software",
    "fintech",
    "healthcare",
    "retail",
    "manufacturing",
];
const COUNTRIES: [&str; 5] = ["US", "DE", "GB", "BR", "JP"];
const TECH: [&str; 3] = ["salesforce", "hubspot", "snowflake"];

struct Generated {
    columns: AccountColumns,
    signals: SignalColumns,
}

fn generate() -> Generated {
    let mut rng = Lcg(42);
    let mut industry = Vec::with_capacity(ACCOUNTS);
    let mut country = Vec::with_capacity(ACCOUNTS);
    let mut employees = Vec::with_capacity(ACCOUNTS);
    let mut revenue = Vec::with_capacity(ACCOUNTS);
    let mut tech = Vec::with_capacity(ACCOUNTS);
    let n = ACCOUNTS * SIGNALS_PER_ACCOUNT;
    let mut signals = SignalColumns {
        account: Vec::with_capacity(n),
        kind: Vec::with_capacity(n),
        kinds: KINDS.iter().map(|s| s.to_string()).collect(),
        at: Vec::with_capacity(n),
        strength: Some(Vec::with_capacity(n)),
        value: None,
        contact: Some(Vec::with_capacity(n)),
        contacts: (0..4).map(|c| format!("c{c}")).collect(),
    };
    for row in 0..ACCOUNTS {
        // One account in ten has no firmographics yet (fit unknown).
        let known = rng.below(10) != 0;
        industry.push(if known { rng.below(5) as u32 } else { u32::MAX });
        country.push(if known { rng.below(5) as u32 } else { u32::MAX });
        employees.push(if known {
            (rng.below(5000) + 1) as f64
        } else {
            f64::NAN
        });
        revenue.push(if known {
            (rng.below(200) as f64) * 1e6
        } else {
            f64::NAN
        });
        tech.push(
            TECH.iter()
                .filter(|_| rng.below(3) == 0)
                .map(|s| s.to_string())
                .collect::<Vec<_>>(),
        );
        for _ in 0..SIGNALS_PER_ACCOUNT {
            let kind = rng.below(KINDS.len());
            signals.account.push(row as u32);
            signals.kind.push(kind as u32);
            // Up to 180 days old, to the minute; one in 50 after asOf.
            let minutes =
                rng.below(180 * 24 * 60) as i64 - if rng.below(50) == 0 { 3 * 24 * 60 } else { 0 };
            signals.at.push((AS_OF - minutes * 60_000) as f64);
            let strength = if KINDS[kind] == "intent_surge" {
                (40 + rng.below(61)) as f64
            } else {
                f64::NAN
            };
            signals.strength.as_mut().unwrap().push(strength);
            let contact = if rng.below(3) == 0 {
                u32::MAX
            } else {
                rng.below(4) as u32
            };
            signals.contact.as_mut().unwrap().push(contact);
        }
    }
    let strings = |codes: Vec<u32>, values: &[&str]| Column::Strings {
        codes,
        values: values.iter().map(|s| s.to_string()).collect(),
    };
    let columns = AccountColumns {
        len: ACCOUNTS,
        fields: vec![
            (
                "firmographics.industry".into(),
                strings(industry, &INDUSTRIES),
            ),
            ("firmographics.country".into(), strings(country, &COUNTRIES)),
            ("firmographics.employees".into(), Column::Numbers(employees)),
            ("firmographics.revenue".into(), Column::Numbers(revenue)),
            (
                "firmographics.techStack".into(),
                Column::string_lists(&tech),
            ),
        ],
    };
    Generated { columns, signals }
}

/// One account of the batch as an account context, for the explaining path.
fn account(g: &Generated, row: usize) -> Data {
    let field = |name: &str| &g.columns.fields.iter().find(|(n, _)| n == name).unwrap().1;
    let text = |name: &str| match field(name) {
        Column::Strings { codes, values } => values.get(codes[row] as usize).cloned(),
        _ => None,
    };
    let number = |name: &str| match field(name) {
        Column::Numbers(v) => Some(v[row]).filter(|n| !n.is_nan()),
        _ => None,
    };
    let tech: Vec<String> = match field("firmographics.techStack") {
        Column::StringLists {
            offsets,
            codes,
            values,
        } => codes[offsets[row] as usize..offsets[row + 1] as usize]
            .iter()
            .map(|&c| values[c as usize].clone())
            .collect(),
        _ => Vec::new(),
    };
    let s = &g.signals;
    let from = row * SIGNALS_PER_ACCOUNT;
    let signals: Vec<serde_json::Value> = (from..from + SIGNALS_PER_ACCOUNT)
        .map(|i| {
            let mut v = serde_json::json!({"type": s.kinds[s.kind[i] as usize],
                "at": account_journey::expr::data::format_timestamp(s.at[i] as i64)});
            let strength = s.strength.as_ref().unwrap()[i];
            if !strength.is_nan() {
                v["strength"] = serde_json::json!(strength);
            }
            if let Some(c) = s.contacts.get(s.contact.as_ref().unwrap()[i] as usize) {
                v["contact"] = serde_json::json!(c);
            }
            v
        })
        .collect();
    let json = serde_json::json!({
        "asOf": "2026-11-22T00:00:00Z",
        "firmographics": {"industry": text("firmographics.industry"), "country": text("firmographics.country"),
            "employees": number("firmographics.employees"), "revenue": number("firmographics.revenue"),
            "techStack": tech},
        "contacts": [{"id": "c0"}, {"id": "c1"}, {"id": "c2"}, {"id": "c3"}],
        "signals": signals,
    });
    Data::account_from_json(&json.to_string()).unwrap()
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

fn main() {
    let journey = Journey::embedded_default().unwrap();
    let model: &ScoreModel = journey.score_model().unwrap();
    let t = Instant::now();
    let g = generate();
    println!(
        "generated {ACCOUNTS} accounts × {SIGNALS_PER_ACCOUNT} signals in {:.2} s",
        t.elapsed().as_secs_f64()
    );
    let mut times = Vec::new();
    let mut check = 0.0;
    for _ in 0..ROUNDS {
        let t = Instant::now();
        let scores = model.score_columns(&g.columns, &g.signals, AS_OF).unwrap();
        times.push(t.elapsed().as_secs_f64());
        assert!(scores.errors.is_empty(), "{:?}", &scores.errors[..1]);
        check = scores.composite.iter().filter(|x| !x.is_nan()).sum::<f64>() / ACCOUNTS as f64;
        black_box(&scores);
    }
    let t = median(times);
    println!(
        "batch (score_columns): {:.1} ms per {ACCOUNTS} accounts = {:.0} accounts/s ({:.1} M signals/s); mean composite {check:.3}",
        t * 1e3,
        ACCOUNTS as f64 / t,
        (ACCOUNTS * SIGNALS_PER_ACCOUNT) as f64 / t / 1e6
    );
    // The same batch classified into the default journey's stages (scores included), with
    // CRM flags and resolution as columns.
    let mut columns = g.columns.clone();
    let mut rng = Lcg(7);
    for (name, one_in) in [
        ("firmographics.resolved", 2),
        ("crm.salesAccepted", 7),
        ("crm.won", 20),
        ("crm.opportunity.open", 10),
    ] {
        let flags = (0..ACCOUNTS)
            .map(|_| u8::from(rng.below(one_in) == 0))
            .collect();
        columns.fields.push((name.into(), Column::Bools(flags)));
    }
    let mut times = Vec::new();
    let mut counts = vec![0usize; journey.definition().stages.len()];
    for _ in 0..ROUNDS {
        let t = Instant::now();
        let out = journey
            .classify_columns(&columns, &g.signals, AS_OF)
            .unwrap();
        times.push(t.elapsed().as_secs_f64());
        assert!(out.errors.is_empty(), "{:?}", &out.errors[..1]);
        counts.iter_mut().for_each(|c| *c = 0);
        for &s in &out.stage {
            counts[s as usize] += 1;
        }
        black_box(&out);
    }
    let t = median(times);
    println!(
        "classify_columns (stages + scores): {:.1} ms per {ACCOUNTS} accounts = {:.0} accounts/s; stages {counts:?}",
        t * 1e3,
        ACCOUNTS as f64 / t,
    );
    if std::env::var_os("SCORING_BATCH_ONLY").is_some() {
        return;
    }
    let contexts: Vec<Data> = (0..EXPLAINED).map(|row| account(&g, row)).collect();
    let mut times = Vec::new();
    for _ in 0..ROUNDS {
        let t = Instant::now();
        for context in &contexts {
            black_box(model.score(context).unwrap());
        }
        times.push(t.elapsed().as_secs_f64());
    }
    let t = median(times);
    println!(
        "explained (score, full ledger): {:.1} µs per account = {:.0} accounts/s",
        t / EXPLAINED as f64 * 1e6,
        EXPLAINED as f64 / t
    );
}
