//! Property tests: no input, however malformed, makes the engine panic (a panic traps the wasm
//! instance). Inputs are built from the languages' own tokens so they reach deep into the
//! parsers and checkers, not just the first error.
#![cfg(not(target_arch = "wasm32"))]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use account_journey::expr::{Data, Expression};
use account_journey::{Journey, validate_definition};
use proptest::prelude::*;

const EXPR_TOKENS: &[&str] = &[
    "score",
    ".",
    "composite",
    "fit",
    "signals",
    "type",
    "at",
    "within",
    "(",
    ")",
    "[",
    "]",
    ",",
    "30d",
    "0ms",
    "-",
    "+",
    "*",
    "/",
    "%",
    "<",
    "<=",
    ">",
    ">=",
    "==",
    "!=",
    "and",
    "or",
    "not",
    "!",
    "&&",
    "||",
    "in",
    "contains",
    "?",
    ":",
    "count",
    "exists",
    "all",
    "size",
    "has",
    "daysSince",
    "timestamp",
    "duration",
    "min",
    "max",
    "abs",
    "\"page_view\"",
    "'x'",
    "\"2026-11-01\"",
    "\"1h30m\"",
    "null",
    "true",
    "false",
    "0",
    "1",
    "1e308",
    "-1",
    "2.5",
    "crm",
    "opportunity",
    "amount",
    "buyingGroup",
    "engagedRoles",
    "asOf",
    "stage",
    "s",
    "startsWith",
    " ",
    "\"\\u00e9\"",
    "\"",
    "\\",
    "é",
    "0x",
    "1.",
    "=",
];

const JSON_TOKENS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "\"id\"",
    "\"name\"",
    "\"version\"",
    "\"stages\"",
    "\"kind\"",
    "\"pre-sale\"",
    "\"owner\"",
    "\"x\"",
    "\"\"",
    "null",
    "true",
    "1",
    "-0",
    "1e999",
    "\"\\ud800\"",
    "\"é\"",
    " ",
    "\n",
    "\"effectiveDate\"",
    "\"2026-02-29\"",
    "\"approvers\"",
    "\"$schema\"",
];

fn tokens(alphabet: &'static [&'static str], max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(alphabet), 0..max).prop_map(|t| t.concat())
}

fn context() -> Data {
    Data::account_from_json(
        r#"{"asOf": "2026-11-22T00:00:00Z", "score": {"composite": 80, "fit": null},
            "signals": [{"type": "page_view", "at": "2026-11-20"}, {"type": "x", "at": "2026-01-01"}],
            "buyingGroup": {"engagedRoles": ["champion"], "engagedContacts": 2},
            "crm": {"opportunity": {"open": true, "amount": 0}}}"#,
    )
    .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    #[test]
    fn expressions_never_panic(text in tokens(EXPR_TOKENS, 40)) {
        if let Ok(expr) = Expression::compile(&text) {
            let _ = expr.evaluate(&context());
            let _ = expr.evaluate_bool(&context());
        }
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,60}") {
        let _ = Expression::compile(&text);
        let _ = validate_definition(&text);
        let _ = Data::account_from_json(&text);
    }

    #[test]
    fn definitions_never_panic(text in tokens(JSON_TOKENS, 60)) {
        let validation = validate_definition(&text);
        // Every diagnostic has a code and a pointer path; spans stay inside the text.
        for d in &validation.diagnostics {
            prop_assert!(d.path.is_empty() || d.path.starts_with('/'));
            if let Some(span) = &d.span {
                prop_assert!(span.start <= span.end && span.byte_end <= text.len());
            }
        }
        prop_assert_eq!(validation.ok, Journey::from_json(&text).is_ok());
    }
}

/// Issue 3's hostile inputs: each gets a clear limit error, never a crash or a hang.
#[test]
fn hostile_expressions_get_limit_errors() {
    let parens = format!("{}1{}", "(".repeat(10_000), ")".repeat(10_000));
    let unary = format!("{}true", "!".repeat(10_000));
    let chain = format!("1{}", " + 1".repeat(3_000));
    let members = format!("score{}", ".composite".repeat(1_500));
    let huge = format!("\"{}\"", "a".repeat(1 << 20));
    for text in [&parens, &unary, &chain, &members, &huge] {
        let err = Expression::compile(text).unwrap_err();
        assert_eq!(err.code.as_str(), "limit-exceeded", "{}", &text[..20]);
    }
}

/// A random valid account (invalid ones are the catalogue's and the API tests'): every part
/// optional, values across their ranges, odd roles, duplicate contact ids (a buying-group
/// error), dates before and after asOf.
fn account_json() -> impl Strategy<Value = String> {
    let kinds = prop::sample::select(vec![
        "page_view",
        "webinar",
        "intent_surge",
        "active_users",
        "meeting",
        "unsubscribe",
        "x",
    ]);
    let signal = (
        kinds,
        0u32..400,
        prop::option::of(0.0f64..=100.0),
        prop::option::of(0usize..4),
        prop::option::of(0.0f64..1e6),
    )
        .prop_map(|(kind, days, strength, contact, value)| {
            let mut s = serde_json::json!({"type": kind,
                "at": account_journey::expr::data::format_timestamp(1_795_305_600_000 - (days as i64 - 30) * 86_400_000)});
            if let Some(v) = strength {
                s["strength"] = serde_json::json!(v);
            }
            if let Some(c) = contact {
                s["contact"] = serde_json::json!(format!("c{c}"));
            }
            if let Some(v) = value {
                s["value"] = serde_json::json!(v);
            }
            s
        });
    let contact = (
        0usize..4,
        prop::sample::select(vec!["champion", "Economic Buyer", "", "x"]),
    )
        .prop_map(|(id, role)| serde_json::json!({"id": format!("c{id}"), "role": role}));
    (
        prop::collection::vec(signal, 0..20),
        prop::collection::vec(contact, 0..4),
        prop::option::of(0.0f64..1e7),
        prop::option::of(prop::sample::select(vec!["software", "retail", ""])),
        any::<(bool, bool, bool, bool)>(),
        prop::option::of(0.0f64..=100.0),
    )
        .prop_map(|(signals, contacts, employees, industry, flags, fit)| {
            serde_json::json!({
                "firmographics": {"resolved": flags.0, "employees": employees, "industry": industry},
                "signals": signals, "contacts": contacts,
                "score": {"fit": fit},
                "crm": {"won": flags.1, "churned": flags.2, "salesAccepted": flags.3,
                        "opportunity": {"open": flags.1 && !flags.3}},
            })
            .to_string()
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 150, ..ProptestConfig::default() })]

    /// Scoring, buying groups and classification on every template never panic, and a
    /// classification is consistent: its stage is the first of those that matched.
    #[test]
    fn accounts_never_panic(text in account_json()) {
        let journeys: Vec<Journey> = account_journey::templates::templates()
            .unwrap()
            .into_iter()
            .map(|t| Journey::new(t.definition).unwrap())
            .collect();
        let account = Data::account_from_json_at(&text, "2026-11-22").unwrap();
        for journey in &journeys {
            let _ = journey.score(&account);
            let _ = journey.buying_group(&account);
            if let Ok(c) = journey.classify_with(&account, false) {
                prop_assert_eq!(c.stage.as_ref(), c.matched.first());
                prop_assert_eq!(c.stage.is_some(), c.status == "in-stage");
            }
        }
    }

    /// Validation with gap and overlap analysis over random criteria terminates and never
    /// panics.
    #[test]
    fn coverage_analysis_never_panics(
        a in tokens(EXPR_TOKENS, 12),
        b in tokens(EXPR_TOKENS, 12),
    ) {
        let def = serde_json::json!({"id": "j", "name": "J", "version": "1", "stages": [
            {"id": "a", "name": "A", "kind": "pre-sale", "entryCriteria": a, "priority": 3},
            {"id": "b", "name": "B", "kind": "pre-sale", "entryCriteria": b, "priority": 3}]});
        let _ = validate_definition(&def.to_string());
    }
}
