//! Regression tests from a second review of replay's folding of old signals, the time model's
//! half-life checkpoints and the compiled explanations. Each `// FINDING n` test failed when
//! written and documents a bug since fixed: a fit rule over signals turned unknown when folding
//! emptied the list; dropping the half-life checkpoints when "scores only fall" missed a stage
//! held on a band of scores, a component rule's window, and caps that free room as a signal
//! decays; folded sums had no checkpoints. The others pin what was checked and held.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use account_journey::Journey;
use account_journey::expr::{Data, Expression};
use account_journey::replay::ReplayState;
use serde_json::Value;

fn journey(scoring: &str, extra: &str, stages: &str) -> Journey {
    Journey::from_json(&format!(
        r#"{{"id": "j", "name": "J", "version": "1", "scoring": {scoring} {extra}, "stages": [{stages}]}}"#
    ))
    .unwrap()
}

fn replay(j: &Journey, events: &str, as_of: &str) -> Value {
    serde_json::to_value(j.replay(events, as_of).unwrap()).unwrap()
}

/// (at, from, to) of the first account's transitions.
fn moves(v: &Value) -> Vec<(String, Value, Value)> {
    v["accounts"][0]["transitions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["at"].as_str().unwrap().to_string(),
                t["from"].clone(),
                t["to"].clone(),
            )
        })
        .collect()
}

fn classify(j: &Journey, account: &str) -> account_journey::classify::Classification {
    j.classify(&Data::account_from_json(account).unwrap())
        .unwrap()
}

// ---------------------------------------------------------------------------------------------
// 1. Folding old signals.

// FINDING 1
/// A fit rule is "unknown" when every field it reads is missing, and an empty `signals` list
/// counts as missing (`Expression::reads_only_missing`). Folding empties the list, so a fit
/// rule on signals (bounded by a window, so folding is on) flips from `false` (fit known, 0)
/// to unknown (fit left out of the composite): the composite doubles here and replay says
/// `mqa` where classify, on the same history as of the same moment, says `nurture`.
#[test]
fn folding_all_signals_makes_a_fit_rule_on_signals_unknown() {
    let j = journey(
        r#"{"weights": {"fit": 1, "engagement": 1},
            "fit": [{"when": "count(signals, type == \"intent_surge\" and within(30d)) >= 1", "points": 100}],
            "signals": {"webinar": {"component": "engagement", "points": 60}}}"#,
        "",
        r#"{"id": "nurture", "name": "N", "kind": "pre-sale", "entryCriteria": "true"},
           {"id": "mqa", "name": "M", "kind": "pre-sale", "entryCriteria": "score.composite > 50"}"#,
    );
    let events = r#"{"account": "a", "at": "2026-01-01T00:00:00Z", "type": "webinar"}
{"account": "a", "at": "2026-05-01T00:00:00Z", "type": "firmographics", "firmographics": {"industry": "software"}}"#;
    let replayed = replay(&j, events, "2026-05-01T00:00:00Z");
    let classified = classify(
        &j,
        r#"{"asOf": "2026-05-01T00:00:00Z",
            "firmographics": {"resolved": true, "industry": "software"},
            "signals": [{"type": "webinar", "at": "2026-01-01T00:00:00Z"}]}"#,
    );
    assert_eq!(classified.stage.as_deref(), Some("nurture"));
    assert_eq!(
        replayed["accounts"][0]["stage"].as_str(),
        classified.stage.as_deref(),
        "{:#}",
        replayed["accounts"][0]["transitions"]
    );
}

/// A definition equal to `scoring`/`stages` except that folding is off: a rule no account
/// meets reads `size(signals)`, which has no window, to a component with no weight.
fn without_folding(scoring_tail: &str) -> String {
    format!(
        r#""rules": [{{"component": "usage", "when": "size(signals) < 0", "points": 1}}], {scoring_tail}"#
    )
}

// FINDING 3
/// A folded signal brings no time points, and when some negative points fade (so the
/// half-life checkpoints are still needed) the folded penalty's halvings are gone: the score
/// rises (the penalty fades faster than the boost) through `hot` and falls back between two
/// events, which replay without folding sees (at the penalty's 20d halving) and replay with
/// folding misses. Same events, same scores; only `signal_reach` differs.
#[test]
fn folded_signals_lose_their_halving_checkpoints() {
    let signals = r#""weights": {"engagement": 1},
        "signals": {"boost": {"component": "engagement", "points": 100, "decay": {"halfLife": "100d"}},
                    "penalty": {"component": "engagement", "points": -60, "decay": {"halfLife": "10d"}}}"#;
    let extra = r#", "buyingGroup": {"engagementWindow": "1d"}"#;
    let stages = r#"{"id": "nurture", "name": "N", "kind": "pre-sale", "entryCriteria": "true"},
        {"id": "hot", "name": "H", "kind": "pre-sale", "entryCriteria": "score.composite > 75.5"}"#;
    let folding = journey(&format!("{{{signals}}}"), extra, stages);
    let keeping = journey(&format!("{{{}}}", without_folding(signals)), extra, stages);
    let events = r#"{"account": "a", "at": "2026-03-01T00:00:00Z", "type": "penalty"}
{"account": "a", "at": "2026-03-11T00:00:00Z", "type": "boost"}
{"account": "a", "at": "2026-06-29T00:00:00Z", "type": "firmographics", "firmographics": {"industry": "x"}}"#;
    let kept = moves(&replay(&keeping, events, "2026-06-30"));
    // Classify as of 03-31 agrees with the replay that keeps every signal: hot then.
    let hot = classify(
        &keeping,
        r#"{"asOf": "2026-03-31", "signals": [{"type": "penalty", "at": "2026-03-01T00:00:00Z"},
                                              {"type": "boost", "at": "2026-03-11T00:00:00Z"}]}"#,
    );
    assert_eq!(hot.stage.as_deref(), Some("hot"));
    assert!(kept.iter().any(|m| m.2 == "hot"), "{kept:?}");
    assert_eq!(moves(&replay(&folding, events, "2026-06-30")), kept);
}

/// What `signal_reach` calls bounded, and what it must not: checked by hand for the forms
/// the brief lists (nested quantifiers, `within(t, d)`, `or`, `not within`, an outer scope's
/// element, `count` inside `all`). All sound.
#[test]
fn signal_reach_bounds_only_what_a_window_bounds() {
    let reach = |text: &str| Expression::compile(text).unwrap().signal_reach();
    let d = |n: i64| Some(Some(n * 86_400_000));
    // Unbounded (None): every one of these can see a signal older than any window.
    for text in [
        r#"exists(signals, type == "x" or within(30d))"#,
        r#"exists(signals, not within(30d))"#,
        r#"count(signals, not (within(30d) and type == "x")) > 0"#,
        r#"all(signals, within(30d))"#,
        r#"exists(signals, within(asOf, 30d))"#,
        r#"exists(signals, within(30d) and count(signals, type == "demo") > 0)"#,
        r#"exists(signals, within(30d) ? true : type == "x")"#,
        r#"exists(contacts, exists(signals, contact == id))"#,
        r#"signals.exists(s, s.type == "x" and within(s.at, 30d) or true)"#,
        r#"size(signals) > 2"#,
        r#"signals[0].type == "x""#,
    ] {
        assert_eq!(reach(text), None, "{text}");
    }
    // Bounded, and rightly so.
    assert_eq!(reach(r#"exists(signals, within(at, 30d))"#), d(30));
    assert_eq!(
        reach(r#"all(contacts, count(signals, within(30d)) >= 1)"#),
        d(30)
    );
    assert_eq!(
        reach(r#"exists(signals, within(30d) and exists(signals, within(60d) and type == "x"))"#),
        d(60)
    );
    assert_eq!(
        reach(r#"exists(signals, within(30d) and within(5d))"#),
        d(5)
    );
}

/// With folding in play (a 90-day reach, permanent and half-life points folded, a window
/// decay kept), batches through `to_bytes`/`from_bytes` give the full replay's result.
#[test]
fn incremental_with_folding_equals_a_full_replay() {
    let j = journey(
        r#"{"weights": {"engagement": 1},
            "contactCaps": {"engagement": 40},
            "signals": {"webinar": {"component": "engagement", "points": 30, "decay": {"halfLife": "20d"}},
                        "meeting": {"component": "engagement", "points": 20},
                        "ad": {"component": "engagement", "points": 10, "decay": {"window": "200d"}}}}"#,
        "",
        r#"{"id": "nurture", "name": "N", "kind": "pre-sale", "entryCriteria": "true"},
           {"id": "warm", "name": "W", "kind": "pre-sale", "entryCriteria": "score.composite > 40"},
           {"id": "hot", "name": "H", "kind": "pre-sale", "entryCriteria": "score.composite > 60 and count(signals, type == \"meeting\" and within(60d)) >= 1"}"#,
    );
    let mut lines = vec![r#"{"account": "a", "at": "2026-01-01T00:00:00Z", "type": "contact", "contact": {"id": "c1"}}"#.to_string()];
    let kinds = ["webinar", "meeting", "ad", "webinar", "x"];
    for i in 0..40 {
        let day = 1 + i * 9 + i * 11 % 7;
        let at = 1_767_225_600_000_i64 + day * 86_400_000 + i * 3_600_000;
        let t = account_journey::expr::data::format_timestamp(at);
        let contact = if i % 3 == 0 {
            r#", "contact": "c1""#
        } else {
            ""
        };
        lines.push(format!(
            r#"{{"account": "a", "at": "{t}", "type": "{}"{contact}}}"#,
            kinds[i as usize % kinds.len()]
        ));
    }
    let as_of = "2027-06-01";
    let full = replay(&j, &lines.join("\n"), as_of);
    let mut bytes = ReplayState::new(&j).to_bytes();
    for chunk in lines.chunks(7) {
        let mut state = ReplayState::from_bytes(&bytes).unwrap();
        state.apply_lines(&j, &chunk.join("\n"), as_of).unwrap();
        bytes = state.to_bytes();
    }
    let state = ReplayState::from_bytes(&bytes).unwrap();
    let incremental = serde_json::to_value(state.result(&j, as_of).unwrap()).unwrap();
    assert_eq!(full["accounts"], incremental["accounts"]);
    assert!(moves(&full).len() > 3, "{:?}", moves(&full));
}

// ---------------------------------------------------------------------------------------------
// 2. Half-life checkpoints dropped when "no negative points fade".

// FINDING 2
/// A falling score crosses each threshold once, but a stage can hold on a band of scores
/// (`10.5 < score < 49.5`): the account goes nurture → cooling → nurture between two events, and
/// without the halvings nothing looks inside the band. Before 69e9ab9 the 10d halving found
/// it; now nextChangeAt is null and replay never records `cooling`.
#[test]
fn a_score_band_passed_through_between_events_is_missed() {
    let j = journey(
        r#"{"weights": {"engagement": 1},
            "signals": {"webinar": {"component": "engagement", "points": 100, "decay": {"halfLife": "10d"}}}}"#,
        "",
        r#"{"id": "nurture", "name": "N", "kind": "pre-sale", "entryCriteria": "true"},
           {"id": "cooling", "name": "C", "kind": "pre-sale", "entryCriteria": "score.composite < 49.5 and score.composite > 10.5"}"#,
    );
    let c = classify(
        &j,
        r#"{"asOf": "2026-03-01", "signals": [{"type": "webinar", "at": "2026-03-01"}]}"#,
    );
    assert_eq!(c.stage.as_deref(), Some("nurture"));
    let replayed = replay(
        &j,
        r#"{"account": "a", "at": "2026-03-01T00:00:00Z", "type": "webinar"}
{"account": "a", "at": "2026-05-01T00:00:00Z", "type": "firmographics", "firmographics": {"industry": "x"}}"#,
        "2026-05-02",
    );
    assert!(
        moves(&replayed).iter().any(|m| m.2 == "cooling"),
        "{:?}",
        moves(&replayed)
    );
    // 100 · 2^(-t/10d) < 49.5 from 10.15d (whole numbers in criteria are read as days,
    // so the thresholds are not whole: 50 and 10 would add points at 10d and 50d).
    assert!(
        c.next_change_at
            .as_deref()
            .is_some_and(|t| t.starts_with("2026-03-11T03:")),
        "{:?}",
        c.next_change_at
    );
}

// FINDING 5
/// With a per-type cap and a per-contact cap together, positive points alone do not make the
/// score fall monotonically: as an early signal decays it frees type-cap room for a later
/// signal of its type and contact-cap room for another signal of its contact. Here the score
/// goes 60 → 82 → 76 → 40 with no event (hot, > 78, from ~6.4d to ~11.5d); before 69e9ab9
/// the 10d halving found it, now nextChangeAt is null and replay never records `hot`.
#[test]
fn type_and_contact_caps_make_a_positive_score_rise_between_events() {
    let j = journey(
        r#"{"weights": {"engagement": 1}, "contactCaps": {"engagement": 60},
            "signals": {"x": {"component": "engagement", "points": 50, "cap": 50, "byStrength": true,
                              "decay": {"halfLife": "10d"}},
                        "y": {"component": "engagement", "points": 40}}}"#,
        "",
        r#"{"id": "nurture", "name": "N", "kind": "pre-sale", "entryCriteria": "true"},
           {"id": "hot", "name": "H", "kind": "pre-sale", "entryCriteria": "score.composite > 78"}"#,
    );
    let c = classify(
        &j,
        r#"{"asOf": "2026-03-01T00:03:00Z", "contacts": [{"id": "c"}], "signals": [
            {"type": "x", "at": "2026-03-01T00:00:00Z", "contact": "c", "strength": 100},
            {"type": "y", "at": "2026-03-01T00:01:00Z", "contact": "c"},
            {"type": "x", "at": "2026-03-01T00:02:00Z", "strength": 80}]}"#,
    );
    assert_eq!(c.stage.as_deref(), Some("nurture"));
    let replayed = replay(
        &j,
        r#"{"account": "a", "at": "2026-03-01T00:00:00Z", "type": "contact", "contact": {"id": "c"}}
{"account": "a", "at": "2026-03-01T00:00:00Z", "type": "x", "contact": "c", "strength": 100}
{"account": "a", "at": "2026-03-01T00:01:00Z", "type": "y", "contact": "c"}
{"account": "a", "at": "2026-03-01T00:02:00Z", "type": "x", "strength": 80}
{"account": "a", "at": "2026-05-01T00:00:00Z", "type": "firmographics", "firmographics": {"industry": "x"}}"#,
        "2026-05-02",
    );
    assert!(
        moves(&replayed).iter().any(|m| m.2 == "hot"),
        "{:?}",
        moves(&replayed)
    );
    assert!(
        c.next_change_at
            .as_deref()
            .is_some_and(|t| t.starts_with("2026-03-07")),
        "{:?}",
        c.next_change_at
    );
}

// FINDING 4
/// A component rule's verdict changes with time (here it adds 50 points once no webinar is
/// within 5 days), and rules' windows are not time points (`build_time_model` reads stage
/// criteria only): the score rises at 5d and falls back through 80 at ~12.2d. Before
/// 69e9ab9 the webinar's 10d halving saw `hot`; now nothing between the events does.
#[test]
fn a_component_rule_on_a_window_raises_the_score_between_events() {
    let j = journey(
        r#"{"weights": {"engagement": 1},
            "rules": [{"component": "engagement", "when": "not exists(signals, type == \"webinar\" and within(5d))", "points": 50}],
            "signals": {"webinar": {"component": "engagement", "points": 70, "decay": {"halfLife": "10d"}}}}"#,
        "",
        r#"{"id": "nurture", "name": "N", "kind": "pre-sale", "entryCriteria": "true"},
           {"id": "hot", "name": "H", "kind": "pre-sale", "entryCriteria": "score.composite > 80"}"#,
    );
    let c = classify(
        &j,
        r#"{"asOf": "2026-03-01", "signals": [{"type": "webinar", "at": "2026-03-01"}]}"#,
    );
    assert_eq!(c.stage.as_deref(), Some("nurture"));
    let hot = classify(
        &j,
        r#"{"asOf": "2026-03-09", "signals": [{"type": "webinar", "at": "2026-03-01"}]}"#,
    );
    assert_eq!(hot.stage.as_deref(), Some("hot"));
    // within(5d) holds up to 5d included: the rule adds its points from 5d + 1 ms.
    assert_eq!(
        c.next_change_at.as_deref(),
        Some("2026-03-06T00:00:00.001Z")
    );
}

// ---------------------------------------------------------------------------------------------
// 3. Explanations compiled once, transitions keeping `Seen`.

/// A transition's checks are what classify explains for the entered stage at that moment
/// (criteria moves), and empty for an override and for a stage without entry criteria;
/// they read back the same through `to_bytes`/`from_bytes`.
#[test]
fn transition_checks_match_classify_and_survive_saved_state() {
    let j = Journey::from_json(
        r#"{"id": "j", "name": "J", "version": "1", "unmatched": "outside",
            "stages": [
              {"id": "a", "name": "A", "kind": "pre-sale", "entryCriteria": "firmographics.employees > 10 and firmographics.industry in [\"software\", \"saas\"]"},
              {"id": "m", "name": "M", "kind": "pre-sale"},
              {"id": "b", "name": "B", "kind": "pre-sale", "entryCriteria": "count(signals, type == \"demo\" and within(30d)) >= 1 or crm.salesAccepted"}]}"#,
    )
    .unwrap();
    let events = r#"{"account": "x", "at": "2026-03-01T00:00:00Z", "type": "firmographics", "firmographics": {"employees": 50, "industry": "software"}}
{"account": "x", "at": "2026-03-02T00:00:00Z", "type": "demo"}
{"account": "x", "at": "2026-03-03T00:00:00Z", "type": "stage_override", "stage": "m", "by": "me"}
{"account": "x", "at": "2026-03-04T00:00:00Z", "type": "sales_accepted"}"#;
    let full = replay(&j, events, "2026-05-01");
    let ts = full["accounts"][0]["transitions"].as_array().unwrap();
    let first = classify(
        &j,
        r#"{"asOf": "2026-03-01T00:00:00Z", "firmographics": {"resolved": true, "employees": 50, "industry": "software"}}"#,
    );
    assert_eq!(
        ts[0]["checks"],
        serde_json::to_value(&first.because.unwrap().checks).unwrap()
    );
    let second = classify(
        &j,
        r#"{"asOf": "2026-03-02T00:00:00Z", "firmographics": {"resolved": true, "employees": 50, "industry": "software"},
            "signals": [{"type": "demo", "at": "2026-03-02T00:00:00Z"}]}"#,
    );
    assert_eq!(
        ts[1]["checks"],
        serde_json::to_value(&second.because.unwrap().checks).unwrap()
    );
    let override_move = ts.iter().find(|t| t["kind"] == "override").unwrap();
    assert_eq!(override_move["checks"], serde_json::json!([]));
    let mut state = ReplayState::new(&j);
    state
        .apply_lines(&j, events, "2026-03-02T12:00:00Z")
        .unwrap();
    let mut state = ReplayState::from_bytes(&state.to_bytes()).unwrap();
    state.apply_lines(&j, "", "2026-05-01").unwrap();
    let mut rest = ReplayState::from_bytes(&state.to_bytes()).unwrap();
    rest.apply_lines(
        &j,
        &events.lines().skip(2).collect::<Vec<_>>().join("\n"),
        "2026-05-01",
    )
    .unwrap();
    let incremental = serde_json::to_value(rest.result(&j, "2026-05-01").unwrap()).unwrap();
    assert_eq!(full["accounts"], incremental["accounts"]);
}
