//! The invalid-definition catalogue: every `tests/data/definitions/*.json` holds a definition
//! (an object, or its raw text as a JSON string) and exactly the diagnostics validation must
//! report for it — severity, code and JSON-pointer path, in order. Objects are validated as a
//! binding would (serialised, no spans); text as written, and then every span must lie inside it.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::fs;
use std::path::Path;

use account_journey::{validate_definition, validate_serialized_definition};
use serde_json::Value;

#[test]
fn invalid_definition_catalogue() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/definitions");
    let mut files: Vec<_> = fs::read_dir(&dir)
        .expect("tests/data/definitions")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 30,
        "expected at least 30 catalogue cases, found {}",
        files.len()
    );
    let mut failures = Vec::new();
    for file in &files {
        let name = file.file_name().unwrap().to_string_lossy().to_string();
        let case: Value = serde_json::from_str(&fs::read_to_string(file).unwrap())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let validation = match &case["definition"] {
            Value::String(text) => {
                let v = validate_definition(text);
                for d in &v.diagnostics {
                    if let Some(span) = &d.span {
                        assert!(span.byte_end <= text.len(), "{name}: span outside the text");
                    }
                }
                v
            }
            other => validate_serialized_definition(&other.to_string()),
        };
        let actual: Vec<Value> = validation
            .diagnostics
            .iter()
            .map(|d| {
                serde_json::json!({
                    "severity": serde_json::to_value(d.severity).unwrap(),
                    "code": d.code.as_str(),
                    "path": d.path,
                })
            })
            .collect();
        let expected = case["expected"].as_array().cloned().unwrap_or_default();
        let has_error = expected.iter().any(|d| d["severity"] == "error");
        if actual != expected || validation.ok == has_error {
            failures.push(format!(
                "{name}: {}\n  expected {}\n  actual   {}",
                case["description"].as_str().unwrap_or(""),
                Value::Array(expected),
                Value::Array(actual)
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} catalogue cases differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
