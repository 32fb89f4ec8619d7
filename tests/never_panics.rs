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
