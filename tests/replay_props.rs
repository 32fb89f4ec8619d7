//! Property tests of replay: over random histories, applying the events in batches to saved
//! state (saved as bytes and read back between batches) gives exactly the full replay's
//! timelines and counts, for random split points; the counts always reconcile; and no event,
//! however malformed, makes replay panic.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use account_journey::Journey;
use account_journey::replay::ReplayState;
use account_journey::report::{Partial, ReportOptions};
use proptest::prelude::*;
use serde_json::{Value, json};

const DAY_MS: i64 = 86_400_000;
/// 2026-01-05T00:00:00Z, a Monday.
const START_MS: i64 = 1_767_571_200_000;

fn time(ms: i64) -> String {
    account_journey::expr::data::format_timestamp(ms)
}

/// One random event: a signal or a CRM fact of the default journey's vocabulary, sometimes
/// with an id that repeats, sometimes refused (an unknown reason code or stage).
fn event() -> impl Strategy<Value = (i64, Value)> {
    let kind = prop_oneof![
        6 => prop::sample::select(vec![
            "page_view", "content_download", "webinar", "ad_click", "intent_surge",
            "meeting", "executive_meeting", "email_reply", "unsubscribe", "product_usage",
        ])
        .prop_map(|t| json!({"type": t, "strength": 80})),
        1 => Just(json!({"type": "firmographics", "firmographics": {"industry": "software", "employees": 900, "revenue": 90_000_000, "country": "DE", "techStack": ["salesforce"]}})),
        1 => Just(json!({"type": "sales_accepted"})),
        1 => prop::sample::select(vec!["bad-timing", "no-budget", "not-a-code"])
            .prop_map(|r| json!({"type": "sales_rejected", "reason": r})),
        1 => Just(json!({"type": "opportunity_created", "amount": 50_000})),
        1 => Just(json!({"type": "opportunity_won"})),
        1 => Just(json!({"type": "opportunity_lost"})),
        1 => Just(json!({"type": "churn"})),
        1 => prop::sample::select(vec![("expansion", 1_000.5), ("renewal", 20_000.0)])
            .prop_map(|(t, amount)| json!({"type": t, "amount": amount})),
        1 => prop::sample::select(vec!["mqa", "engaged", "nowhere"])
            .prop_map(|s| json!({"type": "stage_override", "stage": s, "by": "ops"})),
    ];
    (0..3usize, 0..(60 * 24i64), kind, prop::option::of(0..6u32)).prop_map(
        |(account, hour, mut body, id)| {
            let at = START_MS + hour * 3_600_000;
            body["account"] = json!(["acme", "globex", "initech"][account]);
            body["at"] = json!(time(at));
            if let Some(id) = id {
                body["id"] = json!(format!("e{id}"));
            }
            (at, body)
        },
    )
}

fn history() -> impl Strategy<Value = Vec<Value>> {
    prop::collection::vec(event(), 1..40).prop_map(|mut events| {
        // Time order (ties keep generation order), as a stream of batches arrives.
        events.sort_by_key(|(at, _)| *at);
        events.into_iter().map(|(_, e)| e).collect()
    })
}

fn comparable(state: &ReplayState, journey: &Journey, as_of: &str) -> Value {
    let result = serde_json::to_value(state.result(journey, as_of).unwrap()).unwrap();
    json!({"events": result["events"], "accounts": result["accounts"]})
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn batches_on_saved_state_equal_one_full_replay(
        events in history(),
        cuts in prop::collection::vec(0.0..1.0f64, 1..4),
    ) {
        let journey = Journey::embedded_default().unwrap();
        let as_of = time(START_MS + 150 * DAY_MS);
        let mut full = ReplayState::new(&journey);
        let whole = full
            .apply_lines(&journey, &Value::Array(events.clone()).to_string(), &as_of)
            .unwrap();
        prop_assert_eq!(
            whole.events.received,
            whole.events.applied + whole.events.refused
        );
        prop_assert_eq!(whole.refused.len() as u64, whole.events.refused);

        let mut points: Vec<usize> = cuts
            .iter()
            .map(|c| (c * events.len() as f64) as usize)
            .collect();
        points.push(events.len());
        points.sort_unstable();
        let mut state = ReplayState::new(&journey);
        let mut from = 0;
        for to in points {
            let batch = Value::Array(events[from..to].to_vec()).to_string();
            state.apply_lines(&journey, &batch, &as_of).unwrap();
            state = ReplayState::from_bytes(&state.to_bytes()).unwrap();
            from = to;
        }
        prop_assert_eq!(
            comparable(&state, &journey, &as_of),
            comparable(&full, &journey, &as_of)
        );
        // What the results do not show (recurring revenue over time) reaches reports alike.
        let opts = ReportOptions {
            from: START_MS + 30 * DAY_MS,
            ..ReportOptions::new(&journey, START_MS + 150 * DAY_MS)
        };
        prop_assert_eq!(
            Partial::from_state(&journey, &state, &opts).unwrap().to_bytes(),
            Partial::from_state(&journey, &full, &opts).unwrap().to_bytes()
        );
    }

    #[test]
    fn malformed_events_are_refused_never_panic(
        lines in prop::collection::vec(
            prop_oneof![
                Just(String::from("{")),
                Just(String::from("[]")),
                Just(String::from("{\"account\": 1, \"at\": \"2026-01-01\", \"type\": \"x\"}")),
                Just(String::from("{\"account\": \"a\", \"at\": \"yesterday\", \"type\": \"x\"}")),
                Just(String::from("{\"account\": \"a\", \"at\": \"2026-01-01\", \"type\": \"contact\", \"contact\": {}}")),
                Just(String::from("{\"account\": \"a\", \"at\": \"9999-12-31T23:59:59Z\", \"type\": \"churn\"}")),
                Just(String::from("{\"account\": \"a\", \"at\": \"0000-01-01\", \"type\": \"meeting\"}")),
                "\\PC{0,40}",
            ],
            0..20,
        ),
    ) {
        let journey = Journey::embedded_default().unwrap();
        let result = journey.replay(&lines.join("\n"), "9999-12-31").unwrap();
        prop_assert_eq!(
            result.events.received,
            result.events.applied + result.events.refused
        );
    }
}
