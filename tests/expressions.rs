//! The criteria language, table-driven: every `tests/data/expressions/*.cases` line is an
//! expression, the account context it runs against, and the expected value or error code.
//! Format (see the files): `# comment`, `@context {json}` (applies to the cases after it),
//! `expression => expected` where expected is a JSON value or `error <code>`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::fs;
use std::path::Path;

use account_journey::expr::{Data, Expression};
use account_journey::json::{self, Value};

/// Structural equality of JSON values, ignoring source positions; numbers as doubles.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(&p.value, &q.value))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|(p, q)| p.key == q.key && same(&p.value.value, &q.value.value))
        }
        (a, b) => a == b,
    }
}

fn show(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => format!("{s:?}"),
        Value::Array(items) => {
            format!(
                "[{}]",
                items
                    .iter()
                    .map(|n| show(&n.value))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
        Value::Object(members) => format!(
            "{{{}}}",
            members
                .iter()
                .map(|m| format!("{}: {}", m.key, show(&m.value.value)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// Runs one case; `Err` describes a mismatch.
fn run_case(expression: &str, expected: &str, context: Option<&Data>) -> Result<(), String> {
    let outcome = Expression::compile(expression).and_then(|compiled| {
        let context = context.ok_or_else(|| account_journey::expr::ExprError {
            code: account_journey::Code::InvalidArgument,
            span: account_journey::expr::Span { start: 0, end: 0 },
            message: "no @context before this case".into(),
        })?;
        let value = compiled.evaluate(context)?;
        Ok(value.to_json(compiled.result_type()))
    });
    match (expected.strip_prefix("error "), outcome) {
        (Some(code), Err(e)) if e.code.as_str() == code.trim() => Ok(()),
        (Some(code), Err(e)) => Err(format!(
            "expected error {code}, got {}\n{}",
            e.code,
            e.render(expression)
        )),
        (Some(code), Ok(v)) => Err(format!("expected error {code}, got {}", show(&v))),
        (None, Err(e)) => Err(format!(
            "expected {expected}, got\n{}",
            e.render(expression)
        )),
        (None, Ok(v)) => {
            let want = json::parse(expected)
                .map_err(|d| format!("bad expected value {expected:?}: {d}"))?;
            if same(&v, &want.value) {
                Ok(())
            } else {
                Err(format!("expected {expected}, got {}", show(&v)))
            }
        }
    }
}

#[test]
fn expression_cases() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/expressions");
    let mut files: Vec<_> = fs::read_dir(&dir)
        .expect("tests/data/expressions")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "cases"))
        .collect();
    files.sort();
    let mut total = 0;
    let mut failures = Vec::new();
    for file in &files {
        let name = file.file_name().unwrap().to_string_lossy().to_string();
        let text = fs::read_to_string(file).unwrap();
        let mut context: Option<Data> = None;
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let at = format!("{name}:{}", n + 1);
            if let Some(json) = line.strip_prefix("@context") {
                match Data::account_from_json(json.trim()) {
                    Ok(data) => context = Some(data),
                    Err(e) => failures.push(format!("{at}: bad @context: {}", e.message)),
                }
                continue;
            }
            let Some((expression, expected)) = line.rsplit_once(" => ") else {
                failures.push(format!("{at}: no ' => ' in {line:?}"));
                continue;
            };
            total += 1;
            if let Err(why) = run_case(expression.trim(), expected.trim(), context.as_ref()) {
                failures.push(format!("{at}: {}\n  {why}", expression.trim()));
            }
        }
    }
    assert!(
        total >= 200,
        "expected at least 200 expression cases, found {total}"
    );
    assert!(
        failures.is_empty(),
        "{} of {total} expression cases failed:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}
