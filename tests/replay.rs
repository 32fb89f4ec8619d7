//! Replay scenarios kept as data: every `tests/data/replay/*.json` holds a journey (`"default"`,
//! a template id, or an inline definition object), optionally the accounts events may be for,
//! an `asOf`, the events, and what the replay must say (`expect`), with every expected value
//! derived by hand from `docs/replay.md` and the definition.
//!
//! `expect` is matched as a subset of the serialised result: every key of an expected object
//! must exist and match recursively, an expected array must have the actual array's length and
//! match it element by element, scalars must be equal. One extension: an object
//! `{"$contains": "text"}` matches a string containing `text` (for messages and notes, whose
//! exact wording the spec leaves open).
//!
//! Besides `expect`, every scenario is checked for what must always hold: the counts reconcile
//! (`received = applied + refused`, one listed refusal per refused event), and replaying the
//! events sorted by time in two batches — split at every point, the state saved to bytes and
//! read back in between — gives the accounts and counts a full replay gives.
//!
//! Scenarios under `tests/data/replay/engine-bugs/` are not read: they hold hand-derived
//! expectations the engine does not meet yet.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::fs;
use std::path::{Path, PathBuf};

use account_journey::Journey;
use account_journey::expr::data::parse_timestamp;
use account_journey::replay::{ReplayResult, ReplayState};
use account_journey::templates::Template;
use serde_json::Value;

/// One scenario file, read.
struct Scenario {
    name: String,
    journey: Journey,
    accounts: Option<Vec<String>>,
    as_of: String,
    events: Vec<Value>,
    expect: Value,
}

fn scenario_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/replay");
    let mut files: Vec<_> = fs::read_dir(&dir)
        .expect("tests/data/replay")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
}

fn read_scenario(file: &Path) -> Result<Scenario, String> {
    let name = file.file_name().unwrap().to_string_lossy().to_string();
    let text = fs::read_to_string(file).map_err(|e| format!("{name}: {e}"))?;
    let case: Value = serde_json::from_str(&text).map_err(|e| format!("{name}: {e}"))?;
    let Some(case) = case.as_object() else {
        return Err(format!("{name}: a scenario is a JSON object"));
    };
    for key in case.keys() {
        if ![
            "description",
            "definition",
            "accounts",
            "asOf",
            "events",
            "expect",
        ]
        .contains(&key.as_str())
        {
            return Err(format!("{name}: unknown scenario key \"{key}\""));
        }
    }
    if !case.get("description").is_some_and(Value::is_string) {
        return Err(format!("{name}: \"description\" (a string) is required"));
    }
    let journey = match case.get("definition") {
        Some(Value::String(id)) => Template::find(id)
            .ok_or_else(|| format!("{name}: no template \"{id}\""))?
            .journey()
            .map_err(|e| format!("{name}: template {id}: {e:?}"))?,
        Some(inline @ Value::Object(_)) => Journey::from_serialized_json(&inline.to_string())
            .map_err(|e| format!("{name}: inline definition: {e:?}"))?,
        _ => {
            return Err(format!(
                "{name}: \"definition\" must be a template id or an object"
            ));
        }
    };
    let accounts = match case.get("accounts") {
        None => None,
        Some(Value::Array(ids)) => Some(
            ids.iter()
                .map(|id| id.as_str().map(str::to_string))
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| format!("{name}: \"accounts\" must be strings"))?,
        ),
        Some(_) => return Err(format!("{name}: \"accounts\" must be an array")),
    };
    let as_of = case
        .get("asOf")
        .and_then(Value::as_str)
        .ok_or_else(|| format!("{name}: \"asOf\" (a string) is required"))?
        .to_string();
    let events = case
        .get("events")
        .and_then(Value::as_array)
        .ok_or_else(|| format!("{name}: \"events\" (an array) is required"))?
        .clone();
    let expect = case
        .get("expect")
        .filter(|e| e.is_object())
        .ok_or_else(|| format!("{name}: \"expect\" (an object) is required"))?
        .clone();
    Ok(Scenario {
        name,
        journey,
        accounts,
        as_of,
        events,
        expect,
    })
}

impl Scenario {
    fn new_state(&self) -> ReplayState {
        let mut state = ReplayState::new(&self.journey);
        if let Some(ids) = &self.accounts {
            state.restrict_accounts(ids.iter().cloned());
        }
        state
    }

    /// The replay of every event in one call, as a caller sees it.
    fn full(&self) -> Result<ReplayResult, String> {
        let text = Value::Array(self.events.clone()).to_string();
        let fail = |e: account_journey::Error| format!("{}: replay failed: {e:?}", self.name);
        match &self.accounts {
            None => self.journey.replay(&text, &self.as_of).map_err(fail),
            Some(_) => {
                let mut state = self.new_state();
                let outcome = state
                    .apply_lines(&self.journey, &text, &self.as_of)
                    .map_err(fail)?;
                let mut result = state.result(&self.journey, &self.as_of).map_err(fail)?;
                result.refused = outcome.refused;
                Ok(result)
            }
        }
    }

    /// The events sorted stably by time, those without a readable `at` first.
    fn sorted_events(&self) -> Vec<Value> {
        let mut events = self.events.clone();
        events.sort_by_key(|e| {
            e.get("at")
                .and_then(Value::as_str)
                .and_then(parse_timestamp)
        });
        events
    }

    /// `accounts` and `events` of a replay of `batches` one after another, the state saved to
    /// bytes and read back between batches.
    fn batched(&self, batches: &[&[Value]]) -> Result<Value, String> {
        let fail = |e: account_journey::Error| format!("{}: {e:?}", self.name);
        let mut state = self.new_state();
        for (i, batch) in batches.iter().enumerate() {
            if i > 0 {
                state = ReplayState::from_bytes(&state.to_bytes()).map_err(fail)?;
            }
            let text = Value::Array(batch.to_vec()).to_string();
            state
                .apply_lines(&self.journey, &text, &self.as_of)
                .map_err(fail)?;
        }
        let result = state.result(&self.journey, &self.as_of).map_err(fail)?;
        Ok(essentials(&result))
    }
}

/// What incremental replay must reproduce exactly: the accounts and the counts.
fn essentials(result: &ReplayResult) -> Value {
    let value = serde_json::to_value(result).unwrap();
    serde_json::json!({ "accounts": value["accounts"], "events": value["events"] })
}

/// Compares `expected` with `actual` as a subset, recording each mismatch with its JSON path.
fn match_subset(expected: &Value, actual: &Value, path: &str, out: &mut Vec<String>) {
    match (expected, actual) {
        (Value::Object(e), _) if e.len() == 1 && e.contains_key("$contains") => {
            let needle = e["$contains"].as_str().unwrap_or_default();
            if !actual.as_str().is_some_and(|s| s.contains(needle)) {
                out.push(format!(
                    "{path}: expected a string containing {needle:?}, actual {actual}"
                ));
            }
        }
        (Value::Object(e), Value::Object(a)) => {
            for (key, value) in e {
                let here = format!("{path}/{key}");
                match a.get(key) {
                    Some(found) => match_subset(value, found, &here, out),
                    None => out.push(format!("{here}: expected {value}, actual: no such key")),
                }
            }
        }
        (Value::Array(e), Value::Array(a)) => {
            if e.len() != a.len() {
                out.push(format!(
                    "{path}: expected {} elements, actual {}: expected {expected}, actual {actual}",
                    e.len(),
                    a.len()
                ));
                return;
            }
            for (i, (x, y)) in e.iter().zip(a).enumerate() {
                match_subset(x, y, &format!("{path}/{i}"), out);
            }
        }
        (Value::Number(e), Value::Number(a)) if e.as_f64() == a.as_f64() => {}
        _ if expected == actual => {}
        _ => out.push(format!("{path}: expected {expected}, actual {actual}")),
    }
}

/// Runs one scenario; returns its failures.
fn run(scenario: &Scenario) -> Result<Vec<String>, String> {
    let name = &scenario.name;
    let mut failures = Vec::new();
    let full = scenario.full()?;
    let actual = serde_json::to_value(&full).unwrap();

    let mut mismatches = Vec::new();
    match_subset(&scenario.expect, &actual, "", &mut mismatches);
    failures.extend(mismatches.into_iter().map(|m| format!("{name}: {m}")));

    // The counts reconcile, and every refused event is listed.
    let counts = &full.events;
    if counts.received != counts.applied + counts.refused {
        failures.push(format!(
            "{name}: received {} != applied {} + refused {}",
            counts.received, counts.applied, counts.refused
        ));
    }
    if full.refused.len() as u64 != counts.refused {
        failures.push(format!(
            "{name}: {} refused events listed, {} counted",
            full.refused.len(),
            counts.refused
        ));
    }
    if counts.received != scenario.events.len() as u64 {
        failures.push(format!(
            "{name}: {} events received of {} given",
            counts.received,
            scenario.events.len()
        ));
    }

    // Incremental replay == full replay, at every split point of the time-sorted events.
    let sorted = scenario.sorted_events();
    let whole = scenario.batched(&[&sorted])?;
    let unsorted = essentials(&full);
    if whole != unsorted {
        failures.push(format!(
            "{name}: the time-sorted events replay differently from the events as given:\n  sorted: {whole}\n  given:  {unsorted}"
        ));
    }
    for k in 0..=sorted.len() {
        let (before, after) = sorted.split_at(k);
        let split = scenario.batched(&[before, after])?;
        if split != whole {
            failures.push(format!(
                "{name}: split after {k} of {} sorted events differs from the full replay:\n  split: {split}\n  full:  {whole}",
                sorted.len()
            ));
        }
    }
    Ok(failures)
}

#[test]
fn replay_scenarios() {
    let files = scenario_files();
    assert!(
        files.len() >= 20,
        "expected at least 20 replay scenarios, found {}",
        files.len()
    );
    let mut failures = Vec::new();
    for file in &files {
        match read_scenario(file).and_then(|s| run(&s)) {
            Ok(found) => failures.extend(found),
            Err(e) => failures.push(e),
        }
    }
    assert!(
        failures.is_empty(),
        "{} replay scenario failure(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn subset_matching_reports_paths() {
    let actual = serde_json::json!({"a": [{"b": 1, "c": "text here"}], "d": null});
    let mut out = Vec::new();
    match_subset(
        &serde_json::json!({"a": [{"c": {"$contains": "here"}}], "d": null}),
        &actual,
        "",
        &mut out,
    );
    assert!(out.is_empty(), "{out:?}");
    match_subset(
        &serde_json::json!({"a": [{"b": 2}, {}], "e": 1}),
        &actual,
        "",
        &mut out,
    );
    assert_eq!(out.len(), 2, "{out:?}");
    assert!(out[0].starts_with("/a: expected 2 elements"), "{out:?}");
    assert!(out[1].starts_with("/e: "), "{out:?}");
    out.clear();
    match_subset(&serde_json::json!({"a": [{"b": 2}]}), &actual, "", &mut out);
    assert_eq!(out, ["/a/0/b: expected 2, actual 1"]);
}

/// What one scenario file cannot say: batches over saved state. An event older than an
/// account's replayed history is refused as `late` (one at the same time is not; another
/// account's history is its own), and the counts add up over batches.
#[test]
fn an_event_older_than_the_replayed_history_is_late() {
    let journey = Journey::embedded_default().unwrap();
    let mut state = ReplayState::new(&journey);
    let first = r#"[{"account": "a", "at": "2026-03-05T10:00:00Z", "type": "page_view"}]"#;
    state.apply_lines(&journey, first, "2026-03-20").unwrap();
    let mut state = ReplayState::from_bytes(&state.to_bytes()).unwrap();
    let second = r#"[
        {"account": "a", "at": "2026-03-04T10:00:00Z", "type": "page_view", "id": "old"},
        {"account": "a", "at": "2026-03-05T10:00:00Z", "type": "page_view"},
        {"account": "b", "at": "2026-03-01T10:00:00Z", "type": "page_view"}
    ]"#;
    let outcome = state.apply_lines(&journey, second, "2026-03-20").unwrap();
    let outcome = serde_json::to_value(&outcome).unwrap();
    let mut out = Vec::new();
    match_subset(
        &serde_json::json!({
            "events": {"received": 3, "applied": 2, "refused": 1, "refusedByReason": {"late": 1}},
            "refused": [{"index": 0, "account": "a", "id": "old", "reason": "late"}]
        }),
        &outcome,
        "",
        &mut out,
    );
    let result = serde_json::to_value(state.result(&journey, "2026-03-20").unwrap()).unwrap();
    match_subset(
        &serde_json::json!({
            "events": {"received": 4, "applied": 3, "refused": 1, "refusedByReason": {"late": 1}},
            "accounts": [{"account": "a", "events": 2}, {"account": "b", "events": 1}]
        }),
        &result,
        "",
        &mut out,
    );
    assert!(out.is_empty(), "{out:#?}");
}

/// Saved state belongs to the journey that built it.
#[test]
fn state_is_refused_by_another_journey() {
    let default = Journey::embedded_default().unwrap();
    let other = Template::find("abm-six-stage").unwrap().journey().unwrap();
    let mut state = ReplayState::new(&default);
    let events = r#"[{"account": "a", "at": "2026-03-05T10:00:00Z", "type": "page_view"}]"#;
    state.apply_lines(&default, events, "2026-03-20").unwrap();
    let mut state = ReplayState::from_bytes(&state.to_bytes()).unwrap();
    let err = state.apply_lines(&other, events, "2026-03-20").unwrap_err();
    assert_eq!(err.code().as_str(), "invalid-argument");
    let err = state.result(&other, "2026-03-20").unwrap_err();
    assert_eq!(err.code().as_str(), "invalid-argument");
}

#[test]
fn a_rejected_number_is_quoted_as_given() {
    let journey = Journey::embedded_default().unwrap();
    let lines = [
        r#"{"account": "a", "at": "2026-01-01T00:00:00Z", "type": "page_view", "strength": 100.0004}"#,
        r#"{"account": "a", "at": "2026-01-01T00:00:00Z", "type": "opportunity_created", "amount": -0.0001}"#,
    ]
    .join("\n");
    let result = journey.replay(&lines, "2026-02-01").unwrap();
    let messages: Vec<&str> = result.refused.iter().map(|r| r.message.as_str()).collect();
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(messages[0].ends_with("found 100.0004"), "{messages:?}");
    assert!(messages[1].ends_with("found -0.0001"), "{messages:?}");
}
