//! Criteria benchmark: compiling the default journey, and evaluating one compiled criterion,
//! natively or — built for wasm32-wasip1 — inside Node's WebAssembly engine (benches/wasi.mjs),
//! so both figures come from the same program.
//!
//!   cargo bench --bench criteria
//!   node benches/wasi.mjs            (builds the wasm32-wasip1 version first)
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::hint::black_box;
use std::time::Instant;

use account_journey::Journey;
use account_journey::expr::{Data, Expression};

/// Median nanoseconds per call of `f`, over `rounds` rounds of `per_round` calls.
fn median_ns(rounds: usize, per_round: usize, mut f: impl FnMut()) -> f64 {
    let mut samples: Vec<f64> = (0..rounds)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..per_round {
                f();
            }
            start.elapsed().as_nanos() as f64 / per_round as f64
        })
        .collect();
    samples.sort_by(|a, b| a.total_cmp(b));
    samples[samples.len() / 2]
}

fn account(signals: usize) -> Data {
    let types = [
        "page_view",
        "content_download",
        "ad_click",
        "email_open",
        "webinar",
    ];
    let signals: Vec<String> = (0..signals)
        .map(|i| {
            format!(
                r#"{{"type": "{}", "at": "2026-{:02}-{:02}T10:00:00Z"}}"#,
                types[i % types.len()],
                9 + (i % 3),
                1 + (i % 28)
            )
        })
        .collect();
    Data::account_from_json(&format!(
        r#"{{"asOf": "2026-11-22T00:00:00Z", "firmographics": {{"resolved": true}},
            "score": {{"composite": 81}}, "signals": [{}],
            "crm": {{"opportunity": {{"open": true, "amount": 60000}}}}}}"#,
        signals.join(",")
    ))
    .unwrap()
}

fn main() {
    let target = if cfg!(target_arch = "wasm32") {
        "wasm (Node, WASI)"
    } else {
        "native"
    };
    println!("criteria benchmark, {target}");
    let compile = median_ns(21, 200, || {
        black_box(Journey::embedded_default().unwrap());
    });
    println!(
        "  compile the default journey          {:>10.1} µs",
        compile / 1000.0
    );

    let context = account(50);
    let cases = [
        ("score.composite > 75", 1_000_000),
        (
            "crm.opportunity.open and crm.opportunity.amount >= 50000",
            1_000_000,
        ),
        (
            "buyingGroup.engagedRoles contains \"economic_buyer\"",
            1_000_000,
        ),
        (
            "count(signals, type in [\"page_view\", \"content_download\", \"ad_click\", \"webinar\"] \
             and within(30d)) >= 3",
            20_000,
        ),
    ];
    for (text, per_round) in cases {
        let expr = Expression::compile(text).unwrap();
        let ns = median_ns(11, per_round, || {
            black_box(expr.evaluate_bool(black_box(&context)).unwrap());
        });
        let shown: String = text.chars().take(58).collect();
        println!("  {shown:<60} {ns:>8.1} ns");
    }
    let journey = Journey::embedded_default().unwrap();
    let stages = journey.definition().stages.len();
    let all = median_ns(11, 20_000, || {
        for i in 0..stages {
            black_box(journey.entry_holds(i, black_box(&context)).unwrap());
        }
    });
    println!(
        "  every entry criterion of the default journey (10 stages, 50 signals) {:>8.1} ns",
        all
    );
}
