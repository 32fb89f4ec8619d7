//! Reports are mergeable: over random histories, the partials of any split of the accounts
//! into shards merge into exactly the partial of all accounts (the same bytes), and so into
//! the same reports. The reports' counts agree with the replayed timelines themselves (entries,
//! populations, moves, conversions, ended stays), grouped or not; partial bytes read back as
//! written, and damaged bytes are an error, never a panic.
#![cfg(not(target_arch = "wasm32"))]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use account_journey::Journey;
use account_journey::replay::ReplayState;
use account_journey::report::{CohortPeriod, GroupBy, Partial, ReportOptions, merge};
use proptest::prelude::*;
use serde_json::{Value, json};

const DAY_MS: i64 = 86_400_000;
/// 2026-01-05T00:00:00Z, a Monday.
const START_MS: i64 = 1_767_571_200_000;
const ACCOUNTS: usize = 8;

fn time(ms: i64) -> String {
    account_journey::expr::data::format_timestamp(ms)
}

fn event() -> impl Strategy<Value = (i64, Value)> {
    let kind = prop_oneof![
        8 => prop::sample::select(vec![
            "page_view", "content_download", "webinar", "ad_click", "intent_surge",
            "meeting", "executive_meeting", "email_reply",
        ])
        .prop_map(|t| json!({"type": t, "strength": 80})),
        2 => Just(json!({"type": "firmographics", "firmographics": {"resolved": true, "industry": "software", "employees": 900, "revenue": 90_000_000, "country": "DE", "techStack": ["salesforce"]}})),
        2 => Just(json!({"type": "sales_accepted"})),
        1 => Just(json!({"type": "sales_rejected", "reason": "bad-timing"})),
        2 => Just(json!({"type": "opportunity_created", "amount": 50_000})),
        1 => Just(json!({"type": "opportunity_won"})),
        1 => Just(json!({"type": "opportunity_won", "amount": 30_000.5})),
        1 => Just(json!({"type": "opportunity_lost"})),
        1 => Just(json!({"type": "churn"})),
        1 => prop::sample::select(vec![("expansion", 5_000.25), ("renewal", 20_000.0), ("renewal", 60_000.0)])
            .prop_map(|(t, amount)| json!({"type": t, "amount": amount})),
    ];
    (0..ACCOUNTS, 0..(120 * 24i64), kind).prop_map(|(account, hour, mut body)| {
        let at = START_MS + hour * 3_600_000;
        body["account"] = json!(format!("a{account}"));
        body["at"] = json!(time(at));
        (at, body)
    })
}

/// Events in time order, each account's first saying its segment.
fn history() -> impl Strategy<Value = Vec<Value>> {
    prop::collection::vec(event(), 1..80).prop_map(|mut events| {
        events.sort_by_key(|(at, _)| *at);
        let mut out: Vec<Value> = (0..ACCOUNTS)
            .map(|a| {
                let segment = ["smb", "ent", "mid"][a % 3];
                json!({"type": "account", "account": format!("a{a}"), "at": time(START_MS - DAY_MS),
                       "facts": {"segment": segment}})
            })
            .collect();
        out.extend(events.into_iter().map(|(_, e)| e));
        out
    })
}

fn replayed(journey: &Journey, events: &[Value], as_of: &str) -> ReplayState {
    let mut state = ReplayState::new(journey);
    state
        .apply_lines(journey, &Value::Array(events.to_vec()).to_string(), as_of)
        .unwrap();
    state
}

fn options(journey: &Journey, group: bool, weekly: bool) -> ReportOptions {
    let as_of = START_MS + 150 * DAY_MS;
    ReportOptions {
        from: START_MS + 20 * DAY_MS,
        to: START_MS + 140 * DAY_MS,
        cohort: if weekly {
            CohortPeriod::Week
        } else {
            CohortPeriod::Quarter
        },
        group_by: group.then_some(GroupBy::Segment),
        ..ReportOptions::new(journey, as_of)
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn partials_of_any_split_merge_into_the_whole(
        events in history(),
        shard_of in prop::collection::vec(0..3usize, ACCOUNTS),
        group in any::<bool>(),
        weekly in any::<bool>(),
    ) {
        let journey = Journey::embedded_default().unwrap();
        let as_of = time(START_MS + 150 * DAY_MS);
        let opts = options(&journey, group, weekly);
        let whole = Partial::from_state(&journey, &replayed(&journey, &events, &as_of), &opts).unwrap();
        let shards: Vec<Partial> = (0..3)
            .map(|k| {
                let mine: Vec<Value> = events
                    .iter()
                    .filter(|e| {
                        let a: usize = e["account"].as_str().unwrap()[1..].parse().unwrap();
                        shard_of[a] == k
                    })
                    .cloned()
                    .collect();
                let state = replayed(&journey, &mine, &as_of);
                let p = Partial::from_state(&journey, &state, &opts).unwrap();
                // Through bytes, as a shard would send it.
                Partial::from_bytes(&p.to_bytes()).unwrap()
            })
            .collect();
        let merged = merge(&shards).unwrap();
        prop_assert_eq!(merged.to_bytes(), whole.to_bytes());
        prop_assert_eq!(merged.finish(), whole.finish());
        // Merging in another order, or a merged partial with nothing, changes nothing.
        let reversed: Vec<Partial> = shards.iter().rev().cloned().collect();
        prop_assert_eq!(merge(&reversed).unwrap().to_bytes(), whole.to_bytes());
    }

    #[test]
    fn report_counts_agree_with_the_timelines(events in history()) {
        let journey = Journey::embedded_default().unwrap();
        let as_of = time(START_MS + 150 * DAY_MS);
        let state = replayed(&journey, &events, &as_of);
        let opts = options(&journey, false, false);
        let reports = serde_json::to_value(Partial::from_state(&journey, &state, &opts).unwrap().finish()).unwrap();
        let result = serde_json::to_value(state.result(&journey, &as_of).unwrap()).unwrap();
        let (from, to) = (time(opts.from), time(opts.to));
        let in_period = |t: &str| from.as_str() <= t && t <= to.as_str();
        let terminal = ["closed_lost"];
        let group = &reports["groups"][0];
        for (i, row) in group["funnel"].as_array().unwrap().iter().enumerate() {
            let stage = journey.definition().stages[i].id.as_str();
            let mut expect = json!({"population": 0, "entered": 0, "converted": 0, "ended": 0, "skipped": 0});
            let bump = |v: &mut Value, k: &str| *v.get_mut(k).unwrap() = json!(v[k].as_u64().unwrap() + 1);
            for account in result["accounts"].as_array().unwrap() {
                if account["stage"] == stage {
                    bump(&mut expect, "population");
                }
                let moves = account["transitions"].as_array().unwrap();
                for (k, t) in moves.iter().enumerate() {
                    if in_period(t["at"].as_str().unwrap()) && t["skipped"].as_array().unwrap().iter().any(|s| s == stage) {
                        bump(&mut expect, "skipped");
                    }
                    if t["to"] != stage {
                        continue;
                    }
                    let next = moves.get(k + 1);
                    if let Some(n) = next && in_period(n["at"].as_str().unwrap()) {
                        bump(&mut expect, "ended");
                    }
                    if !in_period(t["at"].as_str().unwrap()) {
                        continue;
                    }
                    bump(&mut expect, "entered");
                    if let Some(n) = next
                        && (n["kind"] == "advance" || n["kind"] == "skip")
                        && !terminal.contains(&n["to"].as_str().unwrap_or(""))
                    {
                        bump(&mut expect, "converted");
                    }
                }
            }
            let got = json!({"population": row["population"], "entered": row["entered"],
                "converted": row["converted"], "ended": row["dwell"]["count"], "skipped": row["skipped"]});
            prop_assert_eq!(got, expect, "stage {}", stage);
        }
        let moves: u64 = group["matrix"].as_array().unwrap().iter().map(|m| m["count"].as_u64().unwrap()).sum();
        let in_period_moves = result["accounts"].as_array().unwrap().iter()
            .flat_map(|a| a["transitions"].as_array().unwrap().iter())
            .filter(|t| in_period(t["at"].as_str().unwrap()))
            .count() as u64;
        prop_assert_eq!(moves, in_period_moves);
    }
}

/// `body` for `account`, `days` after the start.
fn event_on(account: &str, days: i64, body: Value) -> Value {
    let mut e = body;
    e["account"] = json!(account);
    e["at"] = json!(time(START_MS + days * DAY_MS));
    e
}

#[test]
fn revenue_retention_follows_wins_expansions_renewals_and_churn() {
    let at = |days: i64| time(START_MS + days * DAY_MS);
    let events = vec![
        // Customers before the period (it starts on day 20).
        event_on(
            "grows",
            1,
            json!({"type": "opportunity_won", "amount": 1_000}),
        ),
        event_on(
            "shrinks",
            2,
            json!({"type": "opportunity_created", "amount": 2_000}),
        ),
        event_on("shrinks", 3, json!({"type": "opportunity_won"})),
        event_on(
            "leaves",
            4,
            json!({"type": "opportunity_won", "amount": 500.5}),
        ),
        // In the period.
        event_on("grows", 30, json!({"type": "expansion", "amount": 250})),
        event_on(
            "grows",
            40,
            json!({"type": "opportunity_won", "amount": 100}),
        ),
        event_on("shrinks", 50, json!({"type": "renewal", "amount": 1_500})),
        event_on("leaves", 60, json!({"type": "churn"})),
        // A new customer in the period does not count, nor does a change after it (day 140).
        event_on(
            "new",
            70,
            json!({"type": "opportunity_won", "amount": 9_000}),
        ),
        event_on("grows", 145, json!({"type": "expansion", "amount": 10_000})),
    ];
    let journey = Journey::embedded_default().unwrap();
    let state = replayed(&journey, &events, &at(150));
    let opts = options(&journey, false, false);
    let retention = |opts: &ReportOptions| {
        let reports = Partial::from_state(&journey, &state, opts)
            .unwrap()
            .finish();
        serde_json::to_value(reports).unwrap()["groups"][0]["accountMetrics"]["retention"].clone()
    };
    let r = retention(&opts);
    assert_eq!(
        r,
        json!({
            "accounts": 3, "starting": 3500.5, "expansion": 350.0, "contraction": 500.0,
            "churned": 500.5, "churnedAccounts": 1, "ending": 2850.0,
            "net": 2850.0 / 3500.5, "gross": 2500.0 / 3500.5
        })
    );
    // Nothing before the period: no ratio.
    let early = ReportOptions {
        from: START_MS,
        ..opts
    };
    let r = retention(&early);
    assert_eq!(
        (r["accounts"].as_u64(), r["net"].is_null()),
        (Some(0), true)
    );
}

#[test]
fn a_win_brings_its_amount_once() {
    // The second win of a closed opportunity, and a win after it was lost, bring nothing; a
    // win that carries its own amount brings that.
    let at = |days: i64| time(START_MS + days * DAY_MS);
    let e = event_on;
    let events = vec![
        e(
            "a",
            1,
            json!({"type": "opportunity_created", "amount": 1_000}),
        ),
        e("a", 2, json!({"type": "opportunity_won"})),
        e("a", 3, json!({"type": "opportunity_won"})),
        e("a", 4, json!({"type": "opportunity_lost"})),
        e("a", 5, json!({"type": "opportunity_won"})),
        e("b", 1, json!({"type": "opportunity_won", "amount": 700})),
    ];
    let journey = Journey::embedded_default().unwrap();
    let state = replayed(&journey, &events, &at(150));
    let reports = serde_json::to_value(
        Partial::from_state(&journey, &state, &options(&journey, false, false))
            .unwrap()
            .finish(),
    )
    .unwrap();
    let r = &reports["groups"][0]["accountMetrics"]["retention"];
    assert_eq!(
        (r["accounts"].as_u64(), r["starting"].as_f64()),
        (Some(2), Some(1_700.0))
    );
    assert_eq!(r["net"].as_f64(), Some(1.0));
}

#[test]
fn partials_of_another_journey_or_options_do_not_merge() {
    let journey = Journey::embedded_default().unwrap();
    let as_of = START_MS + 150 * DAY_MS;
    let a = Partial::empty(&journey, &ReportOptions::new(&journey, as_of)).unwrap();
    let b = Partial::empty(&journey, &ReportOptions::new(&journey, as_of + 1)).unwrap();
    let e = merge(&[a.clone(), b]).unwrap_err();
    assert_eq!((e.code().as_str(), e.path()), ("invalid-argument", "/1"));
    assert_eq!(merge(&[]).unwrap_err().code().as_str(), "invalid-argument");
    assert_eq!(merge(std::slice::from_ref(&a)).unwrap(), a);
}

#[test]
fn damaged_partial_bytes_are_an_error() {
    let journey = Journey::embedded_default().unwrap();
    let events: Vec<Value> = (0..20)
        .map(|i| {
            let kind = ["page_view", "sales_accepted", "opportunity_created"][i % 3];
            json!({"type": kind, "account": format!("a{}", i % 4), "at": time(START_MS + i as i64 * DAY_MS)})
        })
        .collect();
    let as_of = time(START_MS + 40 * DAY_MS);
    let state = replayed(&journey, &events, &as_of);
    let opts = ReportOptions::new(&journey, START_MS + 40 * DAY_MS);
    let bytes = Partial::from_state(&journey, &state, &opts)
        .unwrap()
        .to_bytes();
    assert_eq!(Partial::from_bytes(&bytes).unwrap().to_bytes(), bytes);
    for cut in 0..bytes.len() {
        assert!(Partial::from_bytes(&bytes[..cut]).is_err(), "cut at {cut}");
    }
    for i in 0..bytes.len() {
        for flip in [0x01u8, 0x80, 0xff] {
            let mut damaged = bytes.clone();
            damaged[i] ^= flip;
            let _ = Partial::from_bytes(&damaged);
        }
    }
    let e = Partial::from_bytes(b"AJRS\x04").unwrap_err();
    assert!(e.message().contains("report partial"), "{}", e.message());
}

#[test]
fn simulate_lists_what_a_definition_change_would_change() {
    use account_journey::report::simulate::simulate;
    let a = Journey::embedded_default().unwrap();
    let text = include_str!("../templates/default.json");
    let b =
        Journey::from_json(&text.replace("score.composite > 75", "score.composite > 20")).unwrap();
    let events: Vec<Value> = (0..60)
        .map(|i| {
            let kind = ["page_view", "webinar", "content_download", "intent_surge", "meeting"][i % 5];
            json!({"type": kind, "strength": 90, "account": format!("a{}", i % 6), "at": time(START_MS + (i as i64 / 6) * DAY_MS)})
        })
        .collect();
    let as_of = time(START_MS + 12 * DAY_MS);
    let sim = simulate(
        &a,
        &b,
        &Value::Array(events.clone()).to_string(),
        &json!({"asOf": as_of}).to_string(),
        2,
    )
    .unwrap();
    // The same as comparing the two replays account by account.
    let stages = |j: &Journey| -> Vec<Option<String>> {
        let state = replayed(j, &events, &as_of);
        state
            .result(j, &as_of)
            .unwrap()
            .accounts
            .into_iter()
            .map(|t| t.stage)
            .collect()
    };
    let (sa, sb) = (stages(&a), stages(&b));
    let changed = sa.iter().zip(&sb).filter(|(x, y)| x != y).count() as u64;
    assert!(changed > 0, "a lower MQA threshold changes some stage");
    assert_eq!((sim.accounts, sim.changed), (6, changed));
    assert_eq!(sim.moves.iter().map(|m| m.count).sum::<u64>(), changed);
    assert!(
        sim.moves
            .iter()
            .all(|m| m.to.as_deref() == Some("mqa") || m.from.as_deref() == Some("mqa"))
    );
    assert_eq!(sim.examples.len(), changed.min(2) as usize);
    let opts = ReportOptions::new(&a, START_MS + 12 * DAY_MS);
    let alone = Partial::from_state(&a, &replayed(&a, &events, &as_of), &opts)
        .unwrap()
        .finish();
    assert_eq!(sim.reports_a, alone);
}

/// Regression tests from a review of the reports.
#[test]
fn options_read_as_documented() {
    let journey = Journey::embedded_default().unwrap();
    let read = |o: Value| ReportOptions::from_json(&journey, &o.to_string());
    let opts =
        read(json!({"asOf": "2026-04-30", "from": "2026-03-01", "to": "2026-03-31"})).unwrap();
    assert_eq!(
        time(opts.to),
        "2026-03-31T23:59:59.999Z",
        "a date alone as `to` is that whole day"
    );
    let many: Vec<&str> = vec!["30d"; 65];
    assert_eq!(
        read(json!({"asOf": "2026-04-30", "followUp": many}))
            .unwrap_err()
            .path(),
        "/followUp"
    );
    let opts =
        read(json!({"asOf": "2026-04-30", "from": "2026-05-01", "to": "2026-06-01"})).unwrap();
    assert_eq!(Partial::empty(&journey, &opts).unwrap_err().path(), "/from");
    // A header with more follow-up windows than options allow is damage (it would size vectors).
    let mut opts = ReportOptions::new(&journey, START_MS);
    opts.follow_up = (1..=65).map(|d| d * DAY_MS).collect();
    let bytes = Partial::empty(&journey, &opts).unwrap().to_bytes();
    assert!(
        Partial::from_bytes(&bytes)
            .unwrap_err()
            .message()
            .contains("follow-up")
    );
}

#[test]
fn velocity_counts_a_move_in_the_same_millisecond_and_sums_saturate() {
    let journey = Journey::embedded_default().unwrap();
    let at = time(START_MS + DAY_MS);
    let events = vec![
        json!({"type": "stage_override", "stage": "mqa", "by": "ops", "account": "a", "at": at}),
        json!({"type": "stage_override", "stage": "saa", "by": "ops", "account": "a", "at": at}),
        json!({"type": "opportunity_created", "amount": 1e17, "account": "b", "at": at}),
        json!({"type": "opportunity_won", "account": "b", "at": time(START_MS + 2 * DAY_MS)}),
        json!({"type": "opportunity_created", "amount": 1e17, "account": "c", "at": at}),
        json!({"type": "opportunity_won", "account": "c", "at": time(START_MS + 2 * DAY_MS)}),
    ];
    let as_of = time(START_MS + 10 * DAY_MS);
    let state = replayed(&journey, &events, &as_of);
    let mut opts = ReportOptions::new(&journey, START_MS + 10 * DAY_MS);
    opts.velocity = vec![(
        journey.stage_index("mqa").unwrap(),
        journey.stage_index("saa").unwrap(),
    )];
    let reports = serde_json::to_value(
        Partial::from_state(&journey, &state, &opts)
            .unwrap()
            .finish(),
    )
    .unwrap();
    let v = &reports["groups"][0]["velocity"][0];
    assert_eq!(
        (
            v["started"].as_u64(),
            v["reached"]["count"].as_u64(),
            v["reached"]["medianMs"].as_i64()
        ),
        (Some(1), Some(1), Some(0))
    );
    let won = reports["groups"][0]["attribution"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["stage"] == "customer")
        .unwrap()["wonAmount"]
        .as_f64()
        .unwrap();
    assert!(
        won > 1e17,
        "two amounts of 1e17 sum without wrapping: {won}"
    );
}

#[test]
fn forecast_history_counts_a_win_in_the_same_millisecond_as_the_entry() {
    let journey = Journey::embedded_default().unwrap();
    let at = time(START_MS + DAY_MS);
    let events = vec![
        json!({"type": "stage_override", "stage": "mqa", "by": "ops", "account": "a", "at": at}),
        json!({"type": "stage_override", "stage": "customer", "by": "ops", "account": "a", "at": at}),
    ];
    let as_of = START_MS + 120 * DAY_MS;
    let state = replayed(&journey, &events, &time(as_of));
    let opts = ReportOptions::new(&journey, as_of);
    let reports = serde_json::to_value(
        Partial::from_state(&journey, &state, &opts)
            .unwrap()
            .finish(),
    )
    .unwrap();
    let mqa = reports["groups"][0]["forecast"]["stages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["stage"] == "mqa")
        .unwrap()
        .clone();
    assert_eq!(
        (mqa["history"].as_u64(), mqa["rate"].as_f64()),
        (Some(1), Some(1.0))
    );
}
