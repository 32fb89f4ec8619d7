//! The between-event search's shortcuts (binary search when the answer can change only once,
//! one look when it cannot change back; `crate::expr::trend`) against an evaluation at every
//! time point: over random histories and journeys built to stress them — negative and
//! decaying points, strengths, type and contact caps, windows that only let go,
//! criteria that only rise (`not exists`, `daysInStage`), exit criteria, overrides — replay
//! gives byte-identical results both ways.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use proptest::prelude::*;
use serde_json::{Value, json};

use crate::Journey;
use crate::classify::SCAN_ONLY;
use crate::expr::data::format_timestamp;
use crate::look::{CONTEXT_ONLY, Looker};

const HOUR_MS: i64 = 3_600_000;
/// 2026-01-05T00:00:00Z.
const START_MS: i64 = 1_767_571_200_000;

/// A journey whose stages move every way time can move them.
pub(crate) const STRESS: &str = r#"{
  "id": "stress", "name": "Stress", "version": "1", "unmatched": "outside",
  "scoring": {
    "weights": {"engagement": 0.6, "intent": 0.4, "relationship": 0.0},
    "caps": {"engagement": 60, "intent": 50},
    "contactCaps": {"engagement": 25},
    "rules": [{"component": "relationship", "when": "crm.won", "points": 10}],
    "signals": {
      "page_view": {"component": "engagement", "points": 6, "decay": {"halfLife": "5d"}, "cap": 20},
      "webinar": {"component": "engagement", "points": 15, "decay": {"window": "9d"}},
      "ad_click": {"component": "engagement", "points": 8, "decay": {"linear": "12d"}},
      "unsubscribe": {"component": "engagement", "points": -12},
      "referral": {"component": "engagement", "points": 20},
      "job_seeker": {"component": "engagement", "points": -9, "decay": {"window": "6d"}},
      "intent_surge": {"component": "intent", "points": 40, "decay": {"linear": "10d"}, "byStrength": true}
    }
  },
  "stages": [
    {"id": "cold", "name": "Cold", "kind": "pre-sale", "entryCriteria": "true"},
    {"id": "warm", "name": "Warm", "kind": "pre-sale",
     "entryCriteria": "count(signals, type in [\"page_view\", \"webinar\"] and within(7d)) >= 2"},
    {"id": "hot", "name": "Hot", "kind": "pre-sale", "entryCriteria": "score.composite > 30"},
    {"id": "quiet", "name": "Quiet", "kind": "pre-sale",
     "entryCriteria": "crm.salesAccepted and not exists(signals, within(5d))",
     "exitCriteria": "exists(signals, type == \"unsubscribe\" and within(4d))"},
    {"id": "settled", "name": "Settled", "kind": "pre-sale", "entryCriteria": "crm.salesAccepted and daysInStage >= 3"},
    {"id": "won", "name": "Won", "kind": "terminal", "entryCriteria": "crm.won"}
  ]
}"#;

/// Stages for [`busy`]: no `stage` or `daysInStage` reads (so searches start from the last
/// answer); SLAs, rejections (recycle after 0 and 2d), stage downgrades.
const BUSY_STAGES: &str = r#"{
  "stages": [
    {"id": "cold", "name": "Cold", "kind": "pre-sale", "entryCriteria": "true"},
    {"id": "warm", "name": "Warm", "kind": "pre-sale",
     "entryCriteria": "count(signals, type in [\"page_view\", \"webinar\"] and within(7d)) >= 2",
     "maxDwell": {"after": "3d", "action": "stage-downgrade", "downgradeTo": "cold"}},
    {"id": "hot", "name": "Hot", "kind": "pre-sale", "entryCriteria": "score.composite > 30",
     "maxDwell": {"after": "2d", "action": "stage-downgrade", "downgradeTo": "warm"},
     "sla": {"id": "hot-sla", "within": "24h", "until": "crm.salesAccepted or crm.rejected", "owner": "sdr"},
     "rejection": {"reasonCodes": ["no-budget", "bad-timing"], "recycleTo": "cold", "after": "2d"}},
    {"id": "quiet", "name": "Quiet", "kind": "pre-sale",
     "entryCriteria": "crm.salesAccepted and not exists(signals, within(5d))",
     "exitCriteria": "exists(signals, type == \"unsubscribe\" and within(4d))",
     "sla": {"id": "quiet-sla", "within": "36h", "businessHours": true, "until": "exists(signals, type == \"meeting\" and within(1d))", "owner": "ae"}},
    {"id": "accepted", "name": "Accepted", "kind": "pre-sale",
     "entryCriteria": "crm.salesAccepted and exists(signals, type == \"meeting\")",
     "rejection": {"reasonCodes": ["not-icp"], "recycleTo": "warm"}},
    {"id": "opp", "name": "Opp", "kind": "pre-sale", "entryCriteria": "crm.opportunity.open",
     "exitCriteria": "not crm.opportunity.open",
     "maxDwell": {"after": "5d", "action": "stage-downgrade", "downgradeTo": "accepted"}},
    {"id": "won", "name": "Won", "kind": "terminal", "entryCriteria": "crm.won"},
    {"id": "lost", "name": "Lost", "kind": "terminal", "entryCriteria": "crm.lost and not crm.opportunity.open"},
    {"id": "churned", "name": "Churned", "kind": "post-sale", "entryCriteria": "crm.churned"}
  ]
}"#;

/// [`STRESS`]'s scoring with [`BUSY_STAGES`].
fn busy() -> String {
    let mut journey: Value = serde_json::from_str(STRESS).unwrap();
    let stages: Value = serde_json::from_str(BUSY_STAGES).unwrap();
    journey["id"] = json!("busy");
    journey["stages"] = stages["stages"].clone();
    journey.to_string()
}

/// Random histories of `accounts`, at most `max` events on a grid of `steps` times `step_ms`
/// apart (a coarse grid puts several events on one millisecond), in time order: signals with
/// strengths and contacts, contacts, firmographics, every CRM fact, overrides (some to stages a
/// journey lacks).
fn history(
    accounts: &'static [&'static str],
    step_ms: i64,
    steps: i64,
    max: usize,
) -> impl Strategy<Value = Vec<Value>> {
    let kind = prop_oneof![
        8 => (
            prop::sample::select(vec![
                "page_view", "webinar", "ad_click", "unsubscribe", "job_seeker", "intent_surge",
                "referral", "content_download", "meeting",
            ]),
            0..=100i64,
            prop::option::of(0..3usize),
        )
            .prop_map(|(t, strength, contact)| {
                let mut e = json!({"type": t, "strength": strength});
                if let Some(c) = contact {
                    let id = ["c0", "c1", "c2"][c];
                    e["contact"] = json!(id);
                }
                e
            }),
        1 => (0..3usize).prop_map(|c| {
            let id = ["c0", "c1", "c2"][c];
            json!({"type": "contact", "contact": {"id": id}})
        }),
        1 => Just(json!({"type": "firmographics", "firmographics": {"industry": "software", "employees": 900}})),
        2 => Just(json!({"type": "sales_accepted"})),
        2 => prop::sample::select(vec!["no-budget", "bad-timing", "not-icp"])
            .prop_map(|r| json!({"type": "sales_rejected", "reason": r})),
        1 => Just(json!({"type": "opportunity_created", "amount": 50_000})),
        1 => Just(json!({"type": "opportunity_won"})),
        1 => Just(json!({"type": "opportunity_lost"})),
        1 => Just(json!({"type": "churn"})),
        2 => prop::sample::select(vec!["warm", "hot", "quiet", "opp", "cold", "b2", "mqa", "engaged"])
            .prop_map(|s| json!({"type": "stage_override", "stage": s, "by": "ops"})),
    ];
    let event = (0..accounts.len(), 0..steps, kind).prop_map(move |(account, step, mut body)| {
        let at = START_MS + step * step_ms;
        body["account"] = json!(accounts[account]);
        body["at"] = json!(format_timestamp(at));
        (at, body)
    });
    prop::collection::vec(event, 1..max).prop_map(|mut events| {
        events.sort_by_key(|(at, _)| *at);
        events.into_iter().map(|(_, e)| e).collect()
    })
}

/// `run`'s output with the test switch `switch` off, then on.
fn off_and_on(
    switch: &'static std::thread::LocalKey<std::cell::Cell<bool>>,
    run: impl Fn() -> String,
) -> [String; 2] {
    [false, true].map(|on| {
        switch.with(|s| s.set(on));
        let out = run();
        switch.with(|s| s.set(false));
        out
    })
}

/// `run`'s output with the shortcuts, then scanning every point.
fn both_ways(run: impl Fn() -> String) -> [String; 2] {
    off_and_on(&SCAN_ONLY, run)
}

/// `run`'s output with compiled looks (`crate::look`), then with every look on the context.
fn compiled_and_on_context(run: impl Fn() -> String) -> [String; 2] {
    off_and_on(&CONTEXT_ONLY, run)
}

/// `events` replayed as of 80 days after the start, both ways.
fn replayed(journey: &Journey, events: &str) -> [String; 2] {
    let as_of = format_timestamp(START_MS + 80 * 24 * HOUR_MS);
    both_ways(|| serde_json::to_string(&journey.replay(events, &as_of).unwrap()).unwrap())
}

/// `events` replayed by a journey set as of `as_of`, both ways.
fn set_replayed(set: &crate::JourneySet, events: &str, as_of: &str) -> [String; 2] {
    both_ways(|| serde_json::to_string(&set.replay(events, as_of).unwrap()).unwrap())
}

/// A set of journey `a` (its `stages`) and journey `b` (`b1`, `b2`, `b3`), where `a` in any of
/// `suppressing` suppresses `b2` and `b3`.
fn two_journeys(a_stages: Value, suppressing: &[&str]) -> crate::JourneySet {
    crate::JourneySet::from_json(
        &json!({
            "id": "s", "name": "S", "version": "1",
            "journeys": [
                {"id": "a", "name": "A", "version": "1", "stages": a_stages},
                {"id": "b", "name": "B", "version": "1", "stages": [
                    {"id": "b1", "name": "B1", "kind": "pre-sale", "entryCriteria": "true"},
                    {"id": "b2", "name": "B2", "kind": "pre-sale", "entryCriteria": "true"},
                    {"id": "b3", "name": "B3", "kind": "pre-sale",
                     "entryCriteria": "count(signals, type == \"webinar\" and within(5d)) >= 1"}]}
            ],
            "conflicts": [{"id": "a-suppresses-b",
                           "when": {"journey": "a", "stages": suppressing},
                           "suppress": {"journey": "b", "stages": ["b2", "b3"]}}]
        })
        .to_string(),
    )
    .unwrap()
}

fn journeys() -> Vec<Journey> {
    // The stress journey as it is reads `daysInStage`, so each search confirms the answer with
    // a look first; without that stage, searches start from the answer the last evaluation gave.
    let without_stage = STRESS.replace(
        "crm.salesAccepted and daysInStage >= 3",
        "crm.salesAccepted and exists(signals, type == \\\"meeting\\\")",
    );
    assert_ne!(without_stage, STRESS);
    let mut all = vec![
        Journey::from_json(STRESS).unwrap(),
        Journey::from_json(&without_stage).unwrap(),
    ];
    for template in crate::templates::TEMPLATES {
        all.push(Journey::from_json(template.text).unwrap());
    }
    all
}

/// [`busy`] with fit rules and a component rule that move the composite across `hot`'s
/// threshold as firmographics and CRM facts arrive.
fn fit_and_rules() -> String {
    let mut journey: Value = serde_json::from_str(&busy()).unwrap();
    journey["id"] = json!("fit-and-rules");
    let scoring = &mut journey["scoring"];
    scoring["weights"] = json!({"engagement": 0.4, "intent": 0.2, "relationship": 0.2, "fit": 0.2});
    scoring["fit"] = json!([{"when": "firmographics.employees >= 500", "points": 60},
                            {"when": "firmographics.industry == \"software\"", "points": 40}]);
    scoring["rules"] =
        json!([{"component": "relationship", "when": "crm.salesAccepted", "points": 70}]);
    journey.to_string()
}

/// A set of two journeys whose scores differ only in a fit rule's points, replayed one after
/// the other on the same thread (a review found their rule points shared through the thread's
/// buffers).
fn two_scored_journeys() -> crate::JourneySet {
    let a: Value = serde_json::from_str(&fit_and_rules()).unwrap();
    let mut b = a.clone();
    b["id"] = json!("b");
    b["scoring"]["fit"][0]["points"] = json!(5);
    crate::JourneySet::from_json(
        &json!({"id": "s", "name": "S", "version": "1", "journeys": [a, b]}).to_string(),
    )
    .unwrap()
}

const ACCOUNTS: &[&str] = &["acme", "globex", "initech"];

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn shortcuts_give_what_scanning_every_point_gives(
        events in history(ACCOUNTS, HOUR_MS, 50 * 24, 60),
    ) {
        let text = Value::Array(events).to_string();
        for journey in journeys() {
            let [shortcut, scanned] = replayed(&journey, &text);
            prop_assert_eq!(shortcut, scanned, "journey {}", journey.definition().id);
        }
    }

    // Six-hour steps: several events often share a millisecond.
    #[test]
    fn shortcuts_hold_with_slas_recycles_downgrades_and_same_millisecond_events(
        events in history(&ACCOUNTS[..2], 6 * HOUR_MS, 100, 50),
    ) {
        let text = Value::Array(events).to_string();
        let journey = Journey::from_json(&busy()).unwrap();
        assert!(!crate::replay::account::Plan::new(&journey).unwrap().reads_stage);
        let [shortcut, scanned] = replayed(&journey, &text);
        prop_assert_eq!(shortcut, scanned);
    }

    #[test]
    fn shortcuts_hold_in_journey_sets(events in history(&ACCOUNTS[..2], 6 * HOUR_MS, 100, 50)) {
        let text = Value::Array(events).to_string();
        let busy: Value = serde_json::from_str(&busy()).unwrap();
        let set = two_journeys(busy["stages"].clone(), &["warm", "quiet"]);
        let as_of = format_timestamp(START_MS + 40 * 24 * HOUR_MS);
        let [shortcut, scanned] = set_replayed(&set, &text, &as_of);
        prop_assert_eq!(shortcut, scanned);
    }

    #[test]
    fn compiled_looks_give_what_looks_on_the_context_give(
        events in history(ACCOUNTS, 6 * HOUR_MS, 100, 60),
    ) {
        let text = Value::Array(events).to_string();
        let as_of = format_timestamp(START_MS + 40 * 24 * HOUR_MS);
        let mut all = journeys();
        all.push(Journey::from_json(&busy()).unwrap());
        all.push(Journey::from_json(&fit_and_rules()).unwrap());
        for journey in all {
            let [compiled, on_context] = compiled_and_on_context(|| {
                serde_json::to_string(&journey.replay(&text, &as_of).unwrap()).unwrap()
            });
            prop_assert_eq!(compiled, on_context, "journey {}", journey.definition().id);
        }
        let busy: Value = serde_json::from_str(&busy()).unwrap();
        let sets = [
            two_journeys(busy["stages"].clone(), &["warm", "quiet"]),
            two_scored_journeys(),
        ];
        for set in sets {
            let [compiled, on_context] = compiled_and_on_context(|| {
                serde_json::to_string(&set.replay(&text, &as_of).unwrap()).unwrap()
            });
            prop_assert_eq!(compiled, on_context);
        }
    }

    #[test]
    fn shortcuts_hold_when_evaluations_fail(
        events in history(&ACCOUNTS[..2], 6 * HOUR_MS, 100, 50),
    ) {
        let text = Value::Array(events).to_string();
        let mut journey: Value = serde_json::from_str(&busy()).unwrap();
        let stages = journey["stages"].as_array_mut().unwrap();
        stages.insert(1, json!({"id": "ratio", "name": "Ratio", "kind": "pre-sale",
            "entryCriteria": "100 / count(signals, type == \"meeting\" and within(3d)) > 60"}));
        let journey = Journey::from_json(&journey.to_string()).unwrap();
        let [shortcut, scanned] = replayed(&journey, &text);
        prop_assert_eq!(shortcut, scanned);
    }
}

#[test]
fn the_shipped_journeys_and_the_test_journeys_have_compiled_looks() {
    let mut all = journeys();
    all.push(Journey::from_json(&busy()).unwrap());
    all.push(Journey::from_json(&fit_and_rules()).unwrap());
    let without: Vec<String> = all
        .iter()
        .filter(|j| Looker::new(j).is_none())
        .map(|j| j.definition().id.clone())
        .collect();
    // The stress journey reads `daysInStage`, which looks take from the context; the others
    // read a signal's topic and use arithmetic (`%`), or read the buying group.
    assert_eq!(
        without,
        ["stress", "buyer-language", "abm-customer-experience"]
    );
}

#[test]
fn a_fading_negative_signal_lifts_the_score_over_a_threshold() {
    // Two webinars and an ad click (38 points) less a job-seeker signal (-9) stay under 30 until
    // the job-seeker signal's 6-day window ends: a move by time alone that only a search
    // knowing scores can rise finds. (Also a guard on the property test's journey: it moves by
    // time, or comparing says little.)
    let at = |hours: i64| format_timestamp(START_MS + hours * HOUR_MS);
    let events = json!([
        {"account": "a", "at": at(0), "type": "webinar"},
        {"account": "a", "at": at(1), "type": "webinar"},
        {"account": "a", "at": at(2), "type": "ad_click"},
        {"account": "a", "at": at(3), "type": "job_seeker"},
    ])
    .to_string();
    let journey = Journey::from_json(STRESS).unwrap();
    let [shortcut, scanned] = replayed(&journey, &events);
    assert_eq!(shortcut, scanned);
    let result: Value = serde_json::from_str(&shortcut).unwrap();
    let moves = result["accounts"][0]["transitions"].as_array().unwrap();
    // Hot at the ad click (38 points), back out at the job-seeker signal (29), hot again when
    // it fades.
    let hot = moves
        .iter()
        .rfind(|t| t["to"] == "hot")
        .unwrap_or_else(|| panic!("{moves:#?}"));
    assert_eq!(hot["trigger"]["kind"], "time");
    assert_eq!(
        hot["at"],
        format_timestamp(START_MS + 3 * HOUR_MS + 6 * 24 * HOUR_MS + 1)
    );

    // A referral (20, for good) and a webinar (15 for 9 days): hot (35), cold at a job-seeker
    // signal (26), hot again in the hour between its end and the webinar's, then cold for good — a visit
    // a search that took the score for falling would step over.
    let events = json!([
        {"account": "b", "at": at(0), "type": "referral"},
        {"account": "b", "at": at(1), "type": "webinar"},
        {"account": "b", "at": at(72), "type": "job_seeker"},
    ])
    .to_string();
    let [shortcut, scanned] = replayed(&journey, &events);
    assert_eq!(shortcut, scanned);
    let result: Value = serde_json::from_str(&shortcut).unwrap();
    let moves: Vec<(&str, &str)> = result["accounts"][0]["transitions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["to"].as_str().unwrap(), t["at"].as_str().unwrap()))
        .collect();
    let (fades, ends) = (
        format_timestamp(START_MS + 72 * HOUR_MS + 6 * 24 * HOUR_MS + 1),
        format_timestamp(START_MS + HOUR_MS + 9 * 24 * HOUR_MS + 1),
    );
    assert_eq!(
        moves,
        [
            ("cold", at(0).as_str()),
            ("hot", at(1).as_str()),
            ("cold", at(72).as_str()),
            ("hot", fades.as_str()),
            ("cold", ends.as_str())
        ]
    );
}

// Found by a review of the searches that start from the last evaluation's answer: a journey
// set replaces the suppression other journeys impose, with steps not known at that evaluation.

#[test]
fn a_journey_set_s_new_suppression_is_looked_at() {
    let set = two_journeys(
        json!([
            {"id": "cold", "name": "Cold", "kind": "pre-sale", "entryCriteria": "true"},
            {"id": "hot", "name": "Hot", "kind": "pre-sale",
             "entryCriteria": "exists(signals, type == \"risk_alert\" and within(3d))"}]),
        &["cold"],
    );
    let events = json!([
        {"account": "acme", "at": "2026-01-01", "type": "risk_alert"},
        {"account": "acme", "at": "2026-01-10", "type": "stage_override", "stage": "b2", "by": "ops"},
    ])
    .to_string();
    let [shortcut, scanned] = set_replayed(&set, &events, "2026-02-01");
    assert_eq!(shortcut, scanned);
}

#[test]
fn a_recycle_with_no_delay_in_another_journey_is_looked_at() {
    let set = two_journeys(
        json!([
            {"id": "nurture", "name": "Nurture", "kind": "pre-sale", "entryCriteria": "true"},
            {"id": "mqa", "name": "MQA", "kind": "pre-sale", "entryCriteria": "firmographics.resolved",
             "rejection": {"reasonCodes": ["no-budget"], "recycleTo": "nurture"}}]),
        &["nurture"],
    );
    let events = json!([
        {"account": "acme", "at": "2026-01-01", "type": "firmographics", "firmographics": {"industry": "software"}},
        {"account": "acme", "at": "2026-01-10", "type": "sales_rejected", "reason": "no-budget"},
    ])
    .to_string();
    let [shortcut, scanned] = set_replayed(&set, &events, "2026-02-01");
    let b = |s: &str| -> Value {
        let v: Value = serde_json::from_str(s).unwrap();
        v["accounts"][0]["journeys"][1]["timeline"]["transitions"].clone()
    };
    assert_eq!(b(&shortcut), b(&scanned));
}
