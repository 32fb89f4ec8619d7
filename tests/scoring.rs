//! Scoring, table-driven: `tests/data/scoring/cases.json` holds scoring models, accounts and the
//! hand-computed component values and composite each must give (decay, caps, negative points,
//! unknown fit, after-asOf and unknown signals). Every score's ledger must sum, per component,
//! exactly to the component's value — here and over random histories (property test).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use account_journey::Definition;
use account_journey::expr::Data;
use account_journey::score::{Score, ScoreModel};
use serde_json::{Value, json};

fn model(scoring: &Value) -> ScoreModel {
    // "default": the embedded default journey's own model.
    if scoring == "default" {
        let journey = account_journey::Journey::embedded_default().unwrap();
        return journey.score_model().unwrap().clone();
    }
    let text = json!({"id": "s", "name": "S", "version": "1", "scoring": scoring,
        "stages": [{"id": "a", "name": "A", "kind": "pre-sale"}]})
    .to_string();
    let (def, diagnostics) = Definition::from_json(&text);
    let def = def.unwrap_or_else(|| panic!("invalid scoring model: {diagnostics:?}"));
    ScoreModel::new(def.scoring.as_ref().unwrap()).unwrap()
}

fn assert_ledger_sums(score: &Score) {
    for c in &score.components {
        let Some(value) = c.value else { continue };
        let sum: f64 = score
            .ledger
            .iter()
            .filter(|l| l.component == c.component)
            .map(|l| l.points)
            .sum();
        assert!(
            (sum - value).abs() < 1e-9,
            "{}: ledger {sum} vs value {value}",
            c.component
        );
    }
}

#[test]
fn scoring_cases() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/scoring/cases.json"
    ))
    .unwrap();
    let cases: Vec<Value> = serde_json::from_str(&text).unwrap();
    assert!(cases.len() >= 14);
    for case in &cases {
        let name = case["name"].as_str().unwrap();
        let account = Data::account_from_json(&case["account"].to_string()).unwrap();
        let score = model(&case["scoring"]).score(&account).unwrap();
        let expected = &case["expected"];
        let composite = score.composite.unwrap_or(f64::NAN);
        assert!(
            (composite - expected["composite"].as_f64().unwrap()).abs() < 1e-9,
            "{name}: composite {composite}"
        );
        for (component, want) in expected["components"].as_object().unwrap() {
            let got = score
                .components
                .iter()
                .find(|c| c.component == component)
                .unwrap();
            match want.as_f64() {
                Some(want) => assert!(
                    got.value.is_some_and(|v| (v - want).abs() < 1e-9),
                    "{name}: {component} = {:?}, want {want}",
                    got.value
                ),
                None => assert_eq!(got.value, None, "{name}: {component} should be unknown"),
            }
        }
        assert_eq!(
            score.ignored.after_as_of as u64,
            expected["afterAsOf"].as_u64().unwrap(),
            "{name}"
        );
        let unknown = serde_json::to_value(&score.ignored.unknown_types).unwrap();
        assert_eq!(unknown, expected["unknownTypes"], "{name}");
        assert_eq!(
            score.ignored.missing_strength as u64,
            expected["missingStrength"].as_u64().unwrap_or(0),
            "{name}"
        );
        assert_eq!(
            score.ignored.missing_value as u64,
            expected["missingValue"].as_u64().unwrap_or(0),
            "{name}"
        );
        if let Some(clipped) = expected["clipped"].as_array() {
            let got: Vec<(String, String, f64)> = score
                .clipped
                .iter()
                .map(|c| (c.component.to_string(), c.cap.clone(), c.clipped))
                .collect();
            assert_eq!(got.len(), clipped.len(), "{name}: clipped {got:?}");
            for (g, want) in got.iter().zip(clipped) {
                assert_eq!(g.0, want[0].as_str().unwrap(), "{name}");
                assert_eq!(g.1, want[1].as_str().unwrap(), "{name}");
                assert!(
                    (g.2 - want[2].as_f64().unwrap()).abs() < 1e-9,
                    "{name}: {got:?}"
                );
            }
        }
        assert_ledger_sums(&score);
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

        /// The ledger sums to every component's value and the composite stays within 0–100,
        /// whatever the history.
        #[test]
        fn ledger_always_sums_to_the_score(
            history in prop::collection::vec((0usize..4, 0i64..120, 0usize..4, 0u8..=101), 0..60),
            caps in (1.0f64..200.0, 1.0f64..200.0, 1.0f64..80.0),
        ) {
            let types = ["page_view", "unsubscribe", "intent_surge", "webinar"];
            let signals: Vec<Value> = history
                .iter()
                .map(|(t, days, contact, strength)| {
                    let mut signal = json!({"type": types[*t],
                        "at": format!("2026-{:02}-{:02}", 11 - (*days / 28) as u32 % 11, 1 + (*days % 28) as u32)});
                    // Contacts c0–c2 are listed; 3 means no contact. Strength 101: none given.
                    if *contact < 3 {
                        signal["contact"] = json!(format!("c{contact}"));
                    }
                    if *strength <= 100 {
                        signal["strength"] = json!(strength);
                    }
                    signal
                })
                .collect();
            let model = model(&json!({
                "weights": {"engagement": 0.6, "intent": 0.4},
                "caps": {"engagement": caps.0, "intent": caps.1},
                "contactCaps": {"engagement": caps.2},
                "signals": {
                    "page_view": {"component": "engagement", "points": 7, "decay": {"halfLife": "9d"}, "cap": 60},
                    "unsubscribe": {"component": "engagement", "points": -25},
                    "intent_surge": {"component": "intent", "points": 18, "decay": {"linear": "40d"}, "byStrength": true}
                }
            }));
            let account = Data::account_from_json(
                &json!({"asOf": "2026-11-22T00:00:00Z", "signals": signals,
                        "contacts": [{"id": "c0"}, {"id": "c1"}, {"id": "c2"}]}).to_string(),
            ).unwrap();
            let score = model.score(&account).unwrap();
            assert_ledger_sums(&score);
            let composite = score.composite.unwrap();
            prop_assert!((0.0..=100.0).contains(&composite), "composite {composite}");
        }
    }
}

#[test]
fn score_delta_explains_the_move() {
    let journey = account_journey::Journey::embedded_default().unwrap();
    let account = Data::account_from_json(
        r#"{"asOf": "2026-11-22", "signals": [
            {"type": "webinar", "at": "2026-10-20"},
            {"type": "page_view", "at": "2026-11-15"},
            {"type": "unsubscribe", "at": "2026-11-18"}]}"#,
    )
    .unwrap();
    let day = |d: &str| account_journey::expr::data::parse_timestamp(d).unwrap();
    let delta = journey
        .score_delta(&account, day("2026-11-01"), day("2026-11-22"))
        .unwrap();
    let reasons: Vec<(&str, &str)> = delta
        .contributions
        .iter()
        .map(|c| (c.source.as_str(), c.reason))
        .collect();
    // The unsubscribe (-15) is the largest move; it takes engagement below zero, so the floor
    // (a `cap` entry) gives some back; then the webinar decays and a page view arrives.
    assert_eq!(
        reasons,
        [
            ("signal:unsubscribe", "new"),
            ("cap", "new"),
            ("signal:webinar", "decayed"),
            ("signal:page_view", "new"),
        ]
    );
    let engagement = delta
        .components
        .iter()
        .find(|c| c.component == "engagement")
        .unwrap();
    let change = engagement.value.change.unwrap();
    let sum: f64 = delta
        .contributions
        .iter()
        .filter(|c| c.component == "engagement")
        .map(|c| c.change)
        .sum();
    assert!(
        (change - sum).abs() < 1e-9,
        "component change {change} vs contributions {sum}"
    );
}
