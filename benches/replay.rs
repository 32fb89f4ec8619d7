//! Replay benchmark: a realistic event stream for the default journey — by default 1,000,000
//! accounts and 10,000,000 events over one year (2025-11-22 … 2026-11-22), in global time
//! order — generated deterministically (a linear congruential generator, no random source) as
//! JSON Lines text in batches, each batch generated just before it is applied (the input is
//! never held whole), fed through `ReplayState::apply_lines` as of 2026-11-22, then
//! `ReplayState::result`, then every report. Prints events/s (generation excluded), the refusals by reason
//! (`received = applied + refused` is asserted), peak and resident memory, bytes per account
//! and the size of `to_bytes()`. `benches/replay.mjs` runs the same stream (byte-identical:
//! compare the input hash and the result's transition count) in wasm under Node.
//!
//! The stream: the accounts fall in four tiers by activity — 0.1 % hot (10 % of the events,
//! ~1,000 each), 5 % warm (35 %, ~70 each), 25 % medium (35 %, ~14 each) and the rest cold
//! (20 %, mostly 1–5 events; ~6 % of them get none); an account's first event is its
//! firmographics (55 %; later, 3 % of an unresolved account's events resolve it); ~2.5 % of an
//! account's later events are its next CRM fact in a plausible order (accepted or rejected with
//! one of MQA's reason codes → opportunity with an amount → won or lost → churn; a lost deal
//! may reopen), 0.05 % a stage override to a valid stage, the rest signals (page_view 48 %,
//! ad_click, content_download, intent_surge with strength, email_reply, webinar, meeting,
//! product_usage — 30 % of a customer's signals — unsubscribe, competitor); 1 % of the events
//! are an exact second copy of the one before (same id: refused as `duplicate`).
//!
//!   cargo bench --bench replay
//!   REPLAY_ACCOUNTS=10000 REPLAY_EVENTS=100000 cargo bench --bench replay
//!
//! Environment: `REPLAY_ACCOUNTS` (default 1,000,000; at least 100), `REPLAY_EVENTS` (default
//! 10,000,000), `REPLAY_BATCH` (events per batch, default 100,000).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::hint::black_box;
use std::time::Instant;

use account_journey::Journey;
use account_journey::expr::data::format_timestamp;
use account_journey::replay::ReplayState;
use stats_alloc::{INSTRUMENTED_SYSTEM, StatsAlloc};

// Counts every allocation, so the live heap (bytes requested and not yet freed) can be printed
// beside the resident memory, which includes what the allocator keeps after frees.
#[global_allocator]
static GLOBAL: &StatsAlloc<std::alloc::System> = &INSTRUMENTED_SYSTEM;

/// Bytes allocated and not yet freed.
fn live_heap() -> f64 {
    let s = GLOBAL.stats();
    s.bytes_allocated as f64 - s.bytes_deallocated as f64
}

const AS_OF: &str = "2026-11-22T00:00:00Z";
const START_S: i64 = 1_763_769_600; // 2025-11-22T00:00:00Z
const SPAN_S: i64 = 365 * 86_400; // to 2026-11-22T00:00:00Z

/// Knuth's MMIX linear congruential generator (as in the other benchmarks and replay.mjs).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn pick<'t>(&mut self, items: &[&'t str]) -> &'t str {
        items[self.below(items.len() as u64) as usize]
    }
}

/// Signal types and their share of signals, per mille.
const SIGNALS: [(&str, u64); 10] = [
    ("page_view", 480),
    ("content_download", 100),
    ("ad_click", 120),
    ("webinar", 50),
    ("email_reply", 70),
    ("intent_surge", 100),
    ("meeting", 30),
    ("product_usage", 30),
    ("unsubscribe", 12),
    ("competitor", 8),
];
const TOPICS: [&str; 5] = [
    "pricing",
    "security",
    "integrations",
    "analytics",
    "compliance",
];
const INDUSTRIES: [&str; 6] = [
    "software",
    "fintech",
    "healthcare",
    "retail",
    "manufacturing",
    "education",
];
const COUNTRIES: [&str; 7] = ["US", "GB", "DE", "FR", "NL", "BR", "JP"];
const TECH: [&str; 3] = ["salesforce", "hubspot", "snowflake"];
/// The default journey's MQA rejection policy's reason codes.
const REASONS: [&str; 7] = [
    "no-budget",
    "no-authority",
    "no-need",
    "bad-timing",
    "not-icp",
    "competitor",
    "duplicate",
];
const LOSS: [&str; 3] = ["price", "no-decision", "competitor"];
/// The default journey's stages.
const STAGES: [&str; 10] = [
    "anonymous",
    "identified",
    "aware",
    "engaged",
    "mqa",
    "saa",
    "opportunity",
    "customer",
    "closed_lost",
    "churned",
];
/// Event types, for the mix printed (signals first, then the others).
const TYPES: [&str; 19] = [
    "page_view",
    "content_download",
    "ad_click",
    "webinar",
    "email_reply",
    "intent_surge",
    "meeting",
    "product_usage",
    "unsubscribe",
    "competitor",
    "firmographics",
    "sales_accepted",
    "sales_rejected",
    "opportunity_created",
    "opportunity_won",
    "opportunity_lost",
    "churn",
    "stage_override",
    "(duplicate copy)",
];

// An account's generator state: bit 0 seen, bit 1 resolved, bits 2.. its CRM phase.
const SEEN: u8 = 1;
const RESOLVED: u8 = 2;
const NONE: u8 = 0;
const REJECTED: u8 = 1;
const ACCEPTED: u8 = 2;
const OPEN: u8 = 3;
const WON: u8 = 4;
const LOST: u8 = 5;
const CHURNED: u8 = 6;

/// The event stream, one JSON line at a time.
struct Generator {
    rng: Lcg,
    events: u64,
    /// Lines emitted so far (duplicate copies included).
    line: u64,
    tiers: [u64; 4],
    accounts: Vec<u8>,
    /// The last original line, for its duplicate copy.
    last: String,
    duplicate_next: bool,
    /// Lines by type (indices into `TYPES`).
    mix: [u64; TYPES.len()],
}

impl Generator {
    fn new(accounts: u64, events: u64) -> Generator {
        assert!(accounts >= 100, "REPLAY_ACCOUNTS must be at least 100");
        let hot = (accounts / 1000).max(1);
        let warm = accounts / 20;
        let medium = accounts / 4;
        Generator {
            rng: Lcg(2025),
            events,
            line: 0,
            tiers: [hot, warm, medium, accounts - hot - warm - medium],
            accounts: vec![0; accounts as usize],
            last: String::with_capacity(256),
            duplicate_next: false,
            mix: [0; TYPES.len()],
        }
    }

    /// Appends the next line (with its newline) to `out`.
    fn next_line(&mut self, out: &mut String) {
        let i = self.line;
        self.line += 1;
        if self.duplicate_next {
            self.duplicate_next = false;
            out.push_str(&self.last);
            self.mix[TYPES.len() - 1] += 1;
            return;
        }
        let rng = &mut self.rng;
        let step = (SPAN_S / self.events as i64).max(1);
        let at = START_S + (i as i64 * SPAN_S) / self.events as i64 + rng.below(step as u64) as i64;
        let [hot, warm, medium, cold] = self.tiers;
        let r = rng.below(1000);
        let a = if r < 100 {
            rng.below(hot)
        } else if r < 450 {
            hot + rng.below(warm)
        } else if r < 800 {
            hot + warm + rng.below(medium)
        } else {
            hot + warm + medium + rng.below(cold)
        };
        let line = &mut self.last;
        line.clear();
        write!(
            line,
            r#"{{"id":"e{i}","account":"a{a}","at":"{}","type":""#,
            format_timestamp(at * 1000)
        )
        .unwrap();
        let flags = self.accounts[a as usize];
        let phase = flags >> 2;
        let first = flags & SEEN == 0;
        let firmographics = if first {
            rng.below(100) < 55
        } else {
            flags & RESOLVED == 0 && rng.below(100) < 3
        };
        let mut flags = flags | SEEN;
        let mut kind = None;
        if firmographics {
            flags |= RESOLVED;
            let industry = rng.pick(&INDUSTRIES);
            let country = rng.pick(&COUNTRIES);
            let employees = 1 + rng.below(20_000);
            let revenue = rng.below(500) * 1_000_000;
            write!(
                line,
                r#"firmographics","firmographics":{{"industry":"{industry}","country":"{country}","employees":{employees},"revenue":{revenue},"techStack":["#
            )
            .unwrap();
            let mut empty = true;
            for tech in TECH {
                if rng.below(3) == 0 {
                    if !empty {
                        line.push(',');
                    }
                    empty = false;
                    write!(line, r#""{tech}""#).unwrap();
                }
            }
            line.push_str("]}");
            kind = Some(10);
        } else if first {
            // An anonymous account's first event: a signal.
        } else if rng.below(1000) < 25 {
            // The account's next CRM fact, if its phase has one (otherwise a signal).
            let r = rng.below(100);
            let next = match phase {
                NONE => Some(if r < 60 { ACCEPTED } else { REJECTED }),
                REJECTED => Some(if r < 70 { ACCEPTED } else { REJECTED }),
                ACCEPTED => Some(if r < 75 { OPEN } else { REJECTED }),
                OPEN => Some(if r < 40 { WON } else { LOST }),
                WON => (r < 10).then_some(CHURNED),
                LOST if r < 30 => Some(OPEN),
                LOST if r < 50 => Some(ACCEPTED),
                _ => None,
            };
            if let Some(next) = next {
                kind = Some(match next {
                    ACCEPTED => {
                        line.push_str(r#"sales_accepted""#);
                        11
                    }
                    REJECTED => {
                        let reason = rng.pick(&REASONS);
                        write!(line, r#"sales_rejected","reason":"{reason}""#).unwrap();
                        12
                    }
                    OPEN => {
                        let amount = (5 + rng.below(496)) * 1000;
                        write!(line, r#"opportunity_created","amount":{amount}"#).unwrap();
                        13
                    }
                    WON => {
                        let amount = (5 + rng.below(496)) * 1000;
                        write!(line, r#"opportunity_won","amount":{amount}"#).unwrap();
                        14
                    }
                    LOST => {
                        let reason = rng.pick(&LOSS);
                        write!(line, r#"opportunity_lost","reason":"{reason}""#).unwrap();
                        15
                    }
                    _ => {
                        line.push_str(r#"churn""#);
                        16
                    }
                });
                flags = (flags & (SEEN | RESOLVED)) | (next << 2);
            }
        } else if rng.below(10_000) < 5 {
            let stage = rng.pick(&STAGES);
            write!(
                line,
                r#"stage_override","stage":"{stage}","by":"revops","reason":"manual-correction""#
            )
            .unwrap();
            kind = Some(17);
        }
        let kind = match kind {
            Some(kind) => kind,
            None => {
                let mut r = rng.below(1000);
                let mut k = 0;
                while r >= SIGNALS[k].1 {
                    r -= SIGNALS[k].1;
                    k += 1;
                }
                if phase == WON && rng.below(100) < 30 {
                    k = 7;
                }
                line.push_str(SIGNALS[k].0);
                line.push('"');
                match SIGNALS[k].0 {
                    "content_download" => {
                        write!(line, r#","topic":"{}""#, rng.pick(&TOPICS)).unwrap();
                    }
                    "webinar" | "email_reply" | "meeting" | "unsubscribe" => {
                        write!(line, r#","contact":"c{}""#, rng.below(6)).unwrap();
                    }
                    "intent_surge" => {
                        let topic = rng.pick(&TOPICS);
                        let strength = 20 + rng.below(81);
                        write!(line, r#","topic":"{topic}","strength":{strength}"#).unwrap();
                    }
                    "product_usage" => {
                        write!(line, r#","value":{}"#, 1 + rng.below(500)).unwrap();
                    }
                    _ => {}
                }
                k
            }
        };
        line.push_str("}\n");
        self.accounts[a as usize] = flags;
        self.mix[kind] += 1;
        self.duplicate_next = rng.below(100) == 0;
        out.push_str(line);
    }
}

/// FNV-1a (32 bits) over the generated text, to compare with benches/replay.mjs.
fn fnv1a(mut h: u32, text: &str) -> u32 {
    for b in text.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(16_777_619);
    }
    h
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

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .map(|v| v.replace(['_', ','], "").parse().expect(name))
        .unwrap_or(default)
}

fn main() {
    let accounts = env("REPLAY_ACCOUNTS", 1_000_000);
    let events = env("REPLAY_EVENTS", 10_000_000);
    let batch = env("REPLAY_BATCH", 100_000).max(1);
    println!(
        "replay benchmark: {accounts} accounts, {events} events in batches of {batch}, default journey, as of {AS_OF}, native"
    );
    let journey = Journey::embedded_default().unwrap();
    let mut generator = Generator::new(accounts, events);
    let mut state = ReplayState::new(&journey);
    let mut text = String::new();
    let (mut generating, mut replaying) = (0.0, 0.0);
    let mut hash = 0x811c_9dc5_u32;
    let mut rss_before = None;
    let mut heap_before = 0.0;
    let mut heap_peak: f64 = 0.0;
    let mut allocations = 0usize;
    let mut batches = 0u64;
    let mut done = 0u64;
    let mut refused_by_reason: BTreeMap<&str, u64> = BTreeMap::new();
    let (mut applied, mut refused) = (0u64, 0u64);
    while done < events {
        let n = batch.min(events - done);
        let t = Instant::now();
        text.clear();
        for _ in 0..n {
            generator.next_line(&mut text);
        }
        hash = fnv1a(hash, &text);
        generating += t.elapsed().as_secs_f64();
        if rss_before.is_none() {
            rss_before = status_mb("VmRSS:");
            heap_before = live_heap() - text.capacity() as f64;
        }
        let before = replaying;
        let t = Instant::now();
        let allocated = GLOBAL.stats().allocations + GLOBAL.stats().reallocations;
        let outcome = state.apply_lines(&journey, &text, AS_OF).unwrap();
        replaying += t.elapsed().as_secs_f64();
        allocations += GLOBAL.stats().allocations + GLOBAL.stats().reallocations - allocated;
        assert_eq!(outcome.events.received, n, "every line is an event");
        assert_eq!(
            outcome.events.received,
            outcome.events.applied + outcome.events.refused
        );
        applied += outcome.events.applied;
        refused += outcome.events.refused;
        for (reason, count) in &outcome.events.refused_by_reason {
            *refused_by_reason.entry(reason).or_default() += count;
        }
        done += n;
        batches += 1;
        heap_peak = heap_peak.max(live_heap() - text.capacity() as f64);
        // Progress on stderr: the batch's own rate shows how the cost grows over the year.
        eprintln!(
            "  batch {batches}: {:.0} events/s; {done} events in {replaying:.1} s, {} accounts, RSS {}",
            n as f64 / (replaying - before),
            state.account_count(),
            mb(status_mb("VmRSS:"))
        );
    }
    drop(text);
    let heap_after = live_heap();
    let rss_after = status_mb("VmRSS:");
    let hwm_replay = status_mb("VmHWM:");
    let seen = state.account_count() as u64;
    let counts = state.counts().clone();
    assert_eq!(counts.received, events);
    assert_eq!(counts.received, counts.applied + counts.refused);
    assert_eq!((counts.applied, counts.refused), (applied, refused));

    // The result in pages of 100,000 accounts, as the wasm benchmark must read it.
    const PAGE: usize = 100_000;
    let t = Instant::now();
    let (mut transitions, mut stuck, mut accounts) = (0usize, 0usize, 0u64);
    let mut stages: BTreeMap<String, u64> = BTreeMap::new();
    let mut offset = 0;
    while (offset as u64) < seen {
        let page = state.result_page(&journey, AS_OF, offset, PAGE).unwrap();
        transitions += page
            .accounts
            .iter()
            .map(|a| a.transitions.len())
            .sum::<usize>();
        stuck += page.accounts.iter().filter(|a| a.stuck).count();
        for a in &page.accounts {
            let stage = a.stage.clone().unwrap_or_else(|| "(none)".into());
            *stages.entry(stage).or_default() += 1;
        }
        accounts += page.accounts.len() as u64;
        black_box(&page);
        offset += PAGE;
    }
    let result_s = t.elapsed().as_secs_f64();
    let hwm_result = status_mb("VmHWM:");
    assert_eq!(accounts, seen);

    // Every report (all of history up to the date, monthly cohorts, the default velocity pairs,
    // forecast and backtest, account metrics), as issue 6 asks of replay plus reports.
    let t = Instant::now();
    let as_of_ms = account_journey::replay::parse_as_of(AS_OF).unwrap();
    let options = account_journey::report::ReportOptions::new(&journey, as_of_ms);
    let reports = account_journey::report::Partial::from_state(&journey, &state, &options)
        .unwrap()
        .finish();
    let reports_s = t.elapsed().as_secs_f64();
    assert_eq!(reports.groups[0].accounts, seen);
    let hwm_reports = status_mb("VmHWM:");

    let t = Instant::now();
    let bytes = state.to_bytes();
    let bytes_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let allocated = GLOBAL.stats().allocations;
    let restored = ReplayState::from_bytes(&bytes).unwrap();
    let restore_allocations = GLOBAL.stats().allocations - allocated;
    let restore_s = t.elapsed().as_secs_f64();
    assert_eq!(restored.account_count(), state.account_count());
    drop(restored);

    let mix: Vec<String> = TYPES
        .iter()
        .zip(generator.mix)
        .filter(|(_, n)| *n > 0)
        .map(|(t, n)| format!("{t} {:.2}%", n as f64 * 100.0 / events as f64))
        .collect();
    println!(
        "input: {events} events ({}); FNV-1a of the JSON Lines {hash:08x}",
        mix.join(", ")
    );
    println!("events {events}, accounts {seen} (of {accounts} generated ids), batches {batches}");
    println!("generation: {generating:.2} s (excluded from the replay rate)");
    println!(
        "replay (apply_lines, all batches): {replaying:.2} s = {:.0} events/s",
        events as f64 / replaying
    );
    println!(
        "allocations and reallocations during replay: {allocations} = {:.1} per event (a deterministic measure of work, where timings are noisy)",
        allocations as f64 / events as f64
    );
    println!("result (state.result): {result_s:.2} s");
    println!(
        "reports (Partial::from_state + finish, every report): {reports_s:.2} s (VmHWM {} after them); replay + reports {:.2} s",
        mb(hwm_reports),
        replaying + reports_s
    );
    println!(
        "applied {} + refused {} = received {}; refused by reason {:?} (the stream has {} duplicate copies)",
        counts.applied,
        counts.refused,
        counts.received,
        counts.refused_by_reason,
        generator.mix[TYPES.len() - 1]
    );
    println!(
        "result: {transitions} transitions; {stuck} stuck; stages {:?}",
        stages
    );
    println!(
        "memory: peak (VmHWM) {} during replay, {} after result; resident (VmRSS) {} after the first batch's generation, {} after replay: growth {} = {:.0} bytes/account",
        mb(hwm_replay),
        mb(hwm_result),
        mb(rss_before),
        mb(rss_after),
        mb(rss_after.zip(rss_before).map(|(a, b)| a - b)),
        rss_after
            .zip(rss_before)
            .map_or(f64::NAN, |(a, b)| (a - b) * 1_048_576.0 / seen as f64)
    );
    println!(
        "live heap (allocator's count of bytes in use): {} after replay, the input batch freed: growth {} = {:.0} bytes/account; largest after a batch {}",
        mb(Some(heap_after / 1_048_576.0)),
        mb(Some((heap_after - heap_before) / 1_048_576.0)),
        (heap_after - heap_before) / seen as f64,
        mb(Some(heap_peak / 1_048_576.0)),
    );
    println!(
        "state.to_bytes(): {} bytes = {:.0} bytes/account ({bytes_s:.2} s); ReplayState::from_bytes: {restore_s:.2} s, {:.0} allocations per account (each account decoded once)",
        bytes.len(),
        bytes.len() as f64 / seen as f64,
        restore_allocations as f64 / seen as f64
    );
}
