//! Several journeys replayed together: a conflict rule suppresses a stage of one journey while
//! the account is in a stage of another, the suppressed journey moves when the rule starts and
//! stops applying (trigger `conflict`), and the roll-up takes the first journey, in the
//! declared order, in which the account has a stage. Expected values derived by hand.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use account_journey::JourneySet;
use account_journey::replay::set::SetReplayState;
use serde_json::{Value, json};

fn set() -> JourneySet {
    JourneySet::from_json(
        &json!({
            "id": "acme", "name": "Acme", "version": "1",
            "journeys": [
                {"id": "save", "name": "Save", "version": "1", "stages": [
                    {"id": "healthy", "name": "Healthy", "kind": "post-sale", "entryCriteria": "true"},
                    {"id": "at-risk", "name": "At risk", "kind": "post-sale",
                     "entryCriteria": "exists(signals, type == \"risk_alert\" and within(30d))"}]},
                {"id": "expansion", "name": "Expansion", "version": "1", "unmatched": "outside", "stages": [
                    {"id": "adopting", "name": "Adopting", "kind": "post-sale", "entryCriteria": "crm.won"},
                    {"id": "mqa", "name": "Expansion MQA", "kind": "post-sale",
                     "entryCriteria": "crm.won and count(signals, type == \"usage_spike\" and within(30d)) >= 2"}]}
            ],
            "rollup": ["expansion", "save"],
            "conflicts": [{"id": "save-suppresses-mqa",
                           "when": {"journey": "save", "stages": ["at-risk"]},
                           "suppress": {"journey": "expansion", "stages": ["mqa"]}}]
        })
        .to_string(),
    )
    .unwrap()
}

fn events() -> Vec<Value> {
    let e = |at: &str, kind: &str| json!({"account": "acme", "at": at, "type": kind});
    vec![
        e("2026-01-01", "opportunity_won"),
        e("2026-02-01", "usage_spike"),
        e("2026-02-02", "usage_spike"),
        e("2026-02-10", "risk_alert"),
        e("2026-03-05", "usage_spike"),
        e("2026-03-06", "usage_spike"),
    ]
}

fn moves(result: &Value, journey: &str) -> Vec<Value> {
    let timeline = result["accounts"][0]["journeys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|j| j["journey"] == journey)
        .unwrap()["timeline"]
        .clone();
    timeline["transitions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            json!([
                t["at"],
                t["from"],
                t["to"],
                t["kind"],
                t["trigger"]["kind"],
                t["trigger"]["id"]
            ])
        })
        .collect()
}

#[test]
fn a_conflict_suppresses_a_stage_while_it_applies() {
    let set = set();
    let text = Value::Array(events()).to_string();
    let result = serde_json::to_value(set.replay(&text, "2026-03-20").unwrap()).unwrap();
    assert_eq!(
        moves(&result, "save"),
        vec![
            json!([
                "2026-01-01T00:00:00Z",
                null,
                "healthy",
                "entry",
                "event",
                null
            ]),
            json!([
                "2026-02-10T00:00:00Z",
                "healthy",
                "at-risk",
                "advance",
                "event",
                null
            ]),
            json!([
                "2026-03-12T00:00:00.001Z",
                "at-risk",
                "healthy",
                "regression",
                "time",
                null
            ]),
        ]
    );
    assert_eq!(
        moves(&result, "expansion"),
        vec![
            json!([
                "2026-01-01T00:00:00Z",
                null,
                "adopting",
                "entry",
                "event",
                null
            ]),
            json!([
                "2026-02-02T00:00:00Z",
                "adopting",
                "mqa",
                "advance",
                "event",
                null
            ]),
            // At risk from 02-10: the expansion MQA does not apply.
            json!([
                "2026-02-10T00:00:00Z",
                "mqa",
                "adopting",
                "regression",
                "event",
                null
            ]),
            // The risk alert leaves its 30-day window: the rule stops applying, and the two
            // spikes of 03-05 and 03-06 make the account an expansion MQA again.
            json!([
                "2026-03-12T00:00:00.001Z",
                "adopting",
                "mqa",
                "advance",
                "conflict",
                "save-suppresses-mqa"
            ]),
        ]
    );
    assert_eq!(
        result["accounts"][0]["rollup"],
        json!({"journey": "expansion", "stage": "mqa"})
    );
    for j in result["journeys"].as_array().unwrap() {
        assert_eq!(j["events"]["received"], 6);
        assert_eq!(j["events"]["applied"], 6);
    }
    // As of 03-01 the account is at risk, its expansion MQA suppressed; the roll-up is the
    // first journey in order in which it has a stage: expansion, adopting.
    let earlier = serde_json::to_value(set.replay(&text, "2026-03-01").unwrap()).unwrap();
    assert_eq!(
        earlier["accounts"][0]["rollup"],
        json!({"journey": "expansion", "stage": "adopting"})
    );
}

#[test]
fn set_state_saved_between_batches_gives_the_full_answer() {
    let set = set();
    let all = events();
    let full = {
        let mut state = SetReplayState::new(&set);
        state
            .apply_lines(&set, &Value::Array(all.clone()).to_string(), "2026-03-20")
            .unwrap();
        serde_json::to_value(state.result(&set, "2026-03-20").unwrap()).unwrap()
    };
    for k in 0..=all.len() {
        let mut state = SetReplayState::new(&set);
        state
            .apply_lines(
                &set,
                &Value::Array(all[..k].to_vec()).to_string(),
                "2026-03-20",
            )
            .unwrap();
        let mut state = SetReplayState::from_bytes(&state.to_bytes()).unwrap();
        state
            .apply_lines(
                &set,
                &Value::Array(all[k..].to_vec()).to_string(),
                "2026-03-20",
            )
            .unwrap();
        let split = serde_json::to_value(state.result(&set, "2026-03-20").unwrap()).unwrap();
        assert_eq!(split["accounts"], full["accounts"], "split at {k}");
        assert_eq!(split["journeys"], full["journeys"], "split at {k}");
    }
}

#[test]
fn conflict_rules_in_a_cycle_are_refused() {
    let text = json!({
        "id": "x", "name": "X", "version": "1",
        "journeys": [
            {"id": "a", "name": "A", "version": "1", "stages": [{"id": "s", "name": "S", "kind": "pre-sale", "entryCriteria": "true"}]},
            {"id": "b", "name": "B", "version": "1", "stages": [{"id": "s", "name": "S", "kind": "pre-sale", "entryCriteria": "true"}]}
        ],
        "conflicts": [
            {"id": "ab", "when": {"journey": "a", "stages": ["s"]}, "suppress": {"journey": "b", "stages": ["s"]}},
            {"id": "ba", "when": {"journey": "b", "stages": ["s"]}, "suppress": {"journey": "a", "stages": ["s"]}}
        ]
    })
    .to_string();
    let err = JourneySet::from_json(&text).unwrap_err();
    assert_eq!(err.code().as_str(), "invalid-value");
    assert!(err.path().starts_with("/conflicts/"), "{}", err.path());
    assert!(err.message().contains("cycle"), "{}", err.message());
}
