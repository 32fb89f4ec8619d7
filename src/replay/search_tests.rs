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

fn event() -> impl Strategy<Value = (i64, Value)> {
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
        1 => Just(json!({"type": "sales_accepted"})),
        1 => Just(json!({"type": "opportunity_created", "amount": 50_000})),
        1 => Just(json!({"type": "opportunity_won"})),
        1 => prop::sample::select(vec!["warm", "hot", "mqa", "engaged"])
            .prop_map(|s| json!({"type": "stage_override", "stage": s, "by": "ops"})),
    ];
    (0..3usize, 0..(50 * 24i64), kind).prop_map(|(account, hour, mut body)| {
        let at = START_MS + hour * HOUR_MS;
        let id = ["acme", "globex", "initech"][account];
        body["account"] = json!(id);
        body["at"] = json!(format_timestamp(at));
        (at, body)
    })
}

fn history() -> impl Strategy<Value = Vec<Value>> {
    prop::collection::vec(event(), 1..60).prop_map(|mut events| {
        events.sort_by_key(|(at, _)| *at);
        events.into_iter().map(|(_, e)| e).collect()
    })
}

/// Replays `events` as of 80 days after the start, by scanning every point or not.
fn replay(journey: &Journey, events: &str, scan_only: bool) -> String {
    SCAN_ONLY.with(|s| s.set(scan_only));
    let as_of = format_timestamp(START_MS + 80 * 24 * HOUR_MS);
    let result = journey.replay(events, &as_of).unwrap();
    SCAN_ONLY.with(|s| s.set(false));
    serde_json::to_string(&result).unwrap()
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

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn shortcuts_give_what_scanning_every_point_gives(events in history()) {
        let text = Value::Array(events).to_string();
        for journey in journeys() {
            prop_assert_eq!(
                replay(&journey, &text, false),
                replay(&journey, &text, true),
                "journey {}",
                journey.definition().id
            );
        }
    }
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
    let shortcut = replay(&journey, &events, false);
    assert_eq!(shortcut, replay(&journey, &events, true));
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
    let shortcut = replay(&journey, &events, false);
    assert_eq!(shortcut, replay(&journey, &events, true));
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

fn set_replay(set: &crate::JourneySet, events: &str, as_of: &str, scan_only: bool) -> String {
    SCAN_ONLY.with(|s| s.set(scan_only));
    let result = set.replay(events, as_of).unwrap();
    SCAN_ONLY.with(|s| s.set(false));
    serde_json::to_string(&result).unwrap()
}

#[test]
fn a_journey_set_s_new_suppression_is_looked_at() {
    let set = crate::JourneySet::from_json(
        &json!({
            "id": "s", "name": "S", "version": "1",
            "journeys": [
                {"id": "a", "name": "A", "version": "1", "stages": [
                    {"id": "cold", "name": "Cold", "kind": "pre-sale", "entryCriteria": "true"},
                    {"id": "hot", "name": "Hot", "kind": "pre-sale",
                     "entryCriteria": "exists(signals, type == \"risk_alert\" and within(3d))"}]},
                {"id": "b", "name": "B", "version": "1", "stages": [
                    {"id": "b1", "name": "B1", "kind": "pre-sale", "entryCriteria": "true"},
                    {"id": "b2", "name": "B2", "kind": "pre-sale", "entryCriteria": "true"}]}
            ],
            "conflicts": [{"id": "cold-suppresses-b2",
                           "when": {"journey": "a", "stages": ["cold"]},
                           "suppress": {"journey": "b", "stages": ["b2"]}}]
        })
        .to_string(),
    )
    .unwrap();
    let events = json!([
        {"account": "acme", "at": "2026-01-01", "type": "risk_alert"},
        {"account": "acme", "at": "2026-01-10", "type": "stage_override", "stage": "b2", "by": "ops"},
    ])
    .to_string();
    let fast = set_replay(&set, &events, "2026-02-01", false);
    let scan = set_replay(&set, &events, "2026-02-01", true);
    assert_eq!(fast, scan);
}

/// No stage or daysInStage reads; SLAs, rejections (recycle after 0 and 2d), stage-downgrades.
const BUSY: &str = r#"{
  "id": "busy", "name": "Busy", "version": "1", "unmatched": "outside",
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

fn busy_event() -> impl Strategy<Value = (i64, Value)> {
    let kind = prop_oneof![
        8 => (
            prop::sample::select(vec![
                "page_view", "webinar", "ad_click", "unsubscribe", "job_seeker", "intent_surge",
                "referral", "meeting",
            ]),
            0..=100i64,
            prop::option::of(0..3usize),
        )
            .prop_map(|(t, strength, contact)| {
                let mut e = json!({"type": t, "strength": strength});
                if let Some(c) = contact {
                    e["contact"] = json!(["c0", "c1", "c2"][c]);
                }
                e
            }),
        2 => Just(json!({"type": "sales_accepted"})),
        2 => prop::sample::select(vec!["no-budget", "bad-timing", "not-icp"])
            .prop_map(|r| json!({"type": "sales_rejected", "reason": r})),
        1 => Just(json!({"type": "opportunity_created", "amount": 50_000})),
        1 => Just(json!({"type": "opportunity_won"})),
        1 => Just(json!({"type": "opportunity_lost"})),
        1 => Just(json!({"type": "churn"})),
        2 => prop::sample::select(vec!["warm", "hot", "quiet", "opp", "cold", "b2"])
            .prop_map(|s| json!({"type": "stage_override", "stage": s, "by": "ops"})),
    ];
    // Six-hour grid: several events often share a millisecond.
    (0..2usize, 0..(25 * 4i64), kind).prop_map(|(account, step, mut body)| {
        let at = START_MS + step * 6 * HOUR_MS;
        body["account"] = json!(["acme", "globex"][account]);
        body["at"] = json!(format_timestamp(at));
        (at, body)
    })
}

fn busy_history() -> impl Strategy<Value = Vec<Value>> {
    prop::collection::vec(busy_event(), 1..50).prop_map(|mut events| {
        events.sort_by_key(|(at, _)| *at);
        events.into_iter().map(|(_, e)| e).collect()
    })
}

fn busy_set() -> crate::JourneySet {
    let b = json!({"id": "b", "name": "B", "version": "1", "stages": [
        {"id": "b1", "name": "B1", "kind": "pre-sale", "entryCriteria": "true"},
        {"id": "b2", "name": "B2", "kind": "pre-sale", "entryCriteria": "true"},
        {"id": "b3", "name": "B3", "kind": "pre-sale",
         "entryCriteria": "count(signals, type == \"webinar\" and within(5d)) >= 1"}]});
    let mut a: Value = serde_json::from_str(BUSY).unwrap();
    a.as_object_mut().unwrap().remove("unmatched");
    crate::JourneySet::from_json(
        &json!({"id": "s", "name": "S", "version": "1", "journeys": [a, b],
            "conflicts": [{"id": "r1", "when": {"journey": "busy", "stages": ["warm", "quiet"]},
                           "suppress": {"journey": "b", "stages": ["b2", "b3"]}}]})
        .to_string(),
    )
    .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn shortcuts_hold_with_slas_recycles_downgrades_and_same_millisecond_events(events in busy_history()) {
        let text = Value::Array(events).to_string();
        let journey = Journey::from_json(BUSY).unwrap();
        assert!(!crate::replay::account::Plan::new(&journey).unwrap().reads_stage);
        prop_assert_eq!(replay(&journey, &text, false), replay(&journey, &text, true));
    }

    #[test]
    fn shortcuts_hold_in_journey_sets(events in busy_history()) {
        let text = Value::Array(events).to_string();
        let set = busy_set();
        let as_of = format_timestamp(START_MS + 40 * 24 * HOUR_MS);
        prop_assert_eq!(set_replay(&set, &text, &as_of, false), set_replay(&set, &text, &as_of, true));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn shortcuts_hold_when_evaluations_fail(events in busy_history()) {
        let text = Value::Array(events).to_string();
        let def = BUSY.replace(
            r#"{"id": "cold", "name": "Cold", "kind": "pre-sale", "entryCriteria": "true"},"#,
            r#"{"id": "cold", "name": "Cold", "kind": "pre-sale", "entryCriteria": "true"},
               {"id": "ratio", "name": "Ratio", "kind": "pre-sale", "entryCriteria": "100 / count(signals, type == \"meeting\" and within(3d)) > 60"},"#,
        );
        assert_ne!(def, BUSY);
        let journey = Journey::from_json(&def).unwrap();
        prop_assert_eq!(replay(&journey, &text, false), replay(&journey, &text, true));
    }
}

#[test]
fn a_recycle_with_no_delay_in_another_journey_is_looked_at() {
    let set = crate::JourneySet::from_json(
        &json!({
            "id": "s", "name": "S", "version": "1",
            "journeys": [
                {"id": "a", "name": "A", "version": "1", "stages": [
                    {"id": "nurture", "name": "Nurture", "kind": "pre-sale", "entryCriteria": "true"},
                    {"id": "mqa", "name": "MQA", "kind": "pre-sale", "entryCriteria": "firmographics.resolved",
                     "rejection": {"reasonCodes": ["no-budget"], "recycleTo": "nurture"}}]},
                {"id": "b", "name": "B", "version": "1", "stages": [
                    {"id": "b1", "name": "B1", "kind": "pre-sale", "entryCriteria": "true"},
                    {"id": "b2", "name": "B2", "kind": "pre-sale", "entryCriteria": "true"}]}
            ],
            "conflicts": [{"id": "nurture-suppresses-b2",
                           "when": {"journey": "a", "stages": ["nurture"]},
                           "suppress": {"journey": "b", "stages": ["b2"]}}]
        })
        .to_string(),
    )
    .unwrap();
    let events = json!([
        {"account": "acme", "at": "2026-01-01", "type": "firmographics", "firmographics": {"industry": "software"}},
        {"account": "acme", "at": "2026-01-10", "type": "sales_rejected", "reason": "no-budget"},
    ])
    .to_string();
    let fast = set_replay(&set, &events, "2026-02-01", false);
    let scan = set_replay(&set, &events, "2026-02-01", true);
    let b = |s: &str| -> Value {
        let v: Value = serde_json::from_str(s).unwrap();
        v["accounts"][0]["journeys"][1]["timeline"]["transitions"].clone()
    };
    assert_eq!(b(&fast), b(&scan));
}
