//! The golden vectors, natively: every `tests/golden/cases/*.input.json` is run through the Rust
//! API the way the JS binding runs it, and the output must equal `*.expected.json` byte for byte.
//! The runtime matrix (tests/js/runtimes.test.mjs) checks the same files in every JS runtime.
//!
//! `UPDATE_GOLDEN=1 cargo test --test golden` rewrites the expected files from the native output;
//! review the diff before committing it.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::fs;
use std::path::Path;

use account_journey::diff::diff_definitions;
use account_journey::{
    Definition, Journey, Validation, definition::not_a_definition, validate_definition,
    validate_serialized_definition,
};
use serde_json::{Value, json};

/// A shard's report partial, as `journey.reports(events, { ...options, partial: true })` makes it.
fn partial_of(
    journey: &Journey,
    events: &str,
    options: &Value,
) -> account_journey::report::Partial {
    let as_of = options["asOf"].as_str().unwrap_or_default();
    let mut state = account_journey::replay::ReplayState::new(journey);
    state.apply_lines(journey, events, as_of).unwrap();
    let options =
        account_journey::report::ReportOptions::from_json(journey, &options.to_string()).unwrap();
    account_journey::report::Partial::from_state(journey, &state, &options).unwrap()
}

/// What the binding does with a definition argument: text is parsed as given (spans kept);
/// objects are serialised first (spans dropped, as the caller never saw that text).
fn definition_text(arg: &Value) -> Result<(String, bool), account_journey::Diagnostic> {
    match arg {
        Value::String(text) => Ok((text.clone(), true)),
        Value::Object(_) | Value::Array(_) => Ok((arg.to_string(), false)),
        Value::Null => Err(not_a_definition("null")),
        Value::Bool(_) => Err(not_a_definition("boolean")),
        Value::Number(_) => Err(not_a_definition("number")),
    }
}

fn error_json(err: account_journey::Error) -> Value {
    let mut body = json!({ "name": "JourneyError" });
    if let (Some(obj), Ok(Value::Object(fields))) =
        (body.as_object_mut(), serde_json::to_value(&err))
    {
        obj.extend(fields);
    }
    json!({ "error": body })
}

fn run(input: &Value) -> Value {
    let arg = input["args"].get(0).cloned().unwrap_or(Value::Null);
    match input["call"].as_str() {
        Some("version") => json!(account_journey::version()),
        Some("validateDefinition") => match definition_text(&arg) {
            Ok((text, true)) => to_json(&validate_definition(&text)),
            Ok((text, false)) => to_json(&validate_serialized_definition(&text)),
            Err(d) => to_json(&Validation::of(vec![d])),
        },
        Some("defaultJourney") => match Journey::embedded_default() {
            Ok(j) => to_json(&j.summary()),
            Err(e) => error_json(e),
        },
        Some("newJourney") => {
            let compiled = definition_text(&arg)
                .map_err(account_journey::Error::from)
                .and_then(|(text, written)| match written {
                    true => Journey::from_json(&text),
                    false => Journey::from_serialized_json(&text),
                });
            match compiled {
                Ok(j) => to_json(&j.summary()),
                Err(e) => error_json(e),
            }
        }
        Some("diffDefinitions") => {
            let model = |arg: &Value| {
                let (def, diagnostics) = match definition_text(arg) {
                    Ok((text, true)) => Definition::from_json(&text),
                    Ok((text, false)) => Definition::from_serialized_json(&text),
                    Err(d) => return Err(account_journey::Error::from(d)),
                };
                def.ok_or_else(|| account_journey::Error::from_diagnostics(diagnostics))
            };
            let second = input["args"].get(1).cloned().unwrap_or(Value::Null);
            match model(&arg).and_then(|old| Ok((old, model(&second)?))) {
                Ok((old, new)) => to_json(&diff_definitions(&old, &new)),
                Err(e) => error_json(e),
            }
        }
        Some("newJourneySet") => {
            let compiled = definition_text(&arg)
                .map_err(account_journey::Error::from)
                .and_then(|(text, written)| match written {
                    true => account_journey::JourneySet::from_json(&text),
                    false => account_journey::JourneySet::from_serialized_json(&text),
                });
            match compiled {
                Ok(set) => to_json(&set.summary()),
                Err(e) => error_json(e),
            }
        }
        Some("score") => {
            let options = input["args"].get(1).cloned().unwrap_or(Value::Null);
            let as_of = options["asOf"].as_str().unwrap_or_default().to_string();
            let scored =
                account_journey::expr::Data::account_from_json_at(&arg.to_string(), &as_of)
                    .and_then(|account| {
                        Journey::embedded_default()
                            .unwrap()
                            .score(&account)
                            .map_err(account_journey::Error::from)
                    });
            match scored {
                // As the binding: the full ledger only on request.
                Ok(score) => to_json(&score.view(options["ledger"] == Value::Bool(true))),
                Err(e) => error_json(e),
            }
        }
        Some("buyingGroup") => {
            let options = input["args"].get(1).cloned().unwrap_or(Value::Null);
            let as_of = options["asOf"].as_str().unwrap_or_default().to_string();
            let facts = account_journey::expr::Data::account_from_json_at(&arg.to_string(), &as_of)
                .and_then(|account| Journey::embedded_default().unwrap().buying_group(&account));
            match facts {
                Ok(facts) => to_json(&facts),
                Err(e) => error_json(e),
            }
        }
        Some("scoreDelta") => {
            let options = input["args"].get(1).cloned().unwrap_or(Value::Null);
            let date = |key: &str| options[key].as_str().unwrap_or_default().to_string();
            let (from, to) = (date("from"), date("to"));
            let ms = |d: &str| account_journey::expr::data::parse_timestamp(d);
            let moved = account_journey::expr::Data::account_from_json_at(&arg.to_string(), &from)
                .and_then(|account| {
                    let (Some(a), Some(b)) = (ms(&from), ms(&to)) else {
                        return Err(account_journey::Error::new(
                            account_journey::Code::InvalidArgument,
                            "",
                            "bad dates",
                        ));
                    };
                    Journey::embedded_default()
                        .unwrap()
                        .score_delta(&account, a, b)
                        .map_err(account_journey::Error::from)
                });
            match moved {
                Ok(delta) => to_json(&delta),
                Err(e) => error_json(e),
            }
        }
        Some("matchLeads") => {
            // As the binding reads rows: ids may be whole numbers; a lead row of the wrong shape
            // is an invalid row.
            let id_of = |v: &Value| {
                v.as_str()
                    .map(str::to_string)
                    .or_else(|| v.as_i64().map(|n| n.to_string()))
            };
            let text_of = |v: Option<&Value>| match v {
                None | Some(Value::Null) => Some(None),
                Some(Value::String(s)) => Some(Some(s.clone())),
                Some(_) => None,
            };
            let leads: Vec<account_journey::matching::Lead> = arg
                .as_array()
                .unwrap()
                .iter()
                .map(|row| {
                    let fields = row.as_object().and_then(|o| {
                        Some((
                            id_of(o.get("id")?)?,
                            text_of(o.get("email"))?,
                            text_of(o.get("company"))?,
                        ))
                    });
                    match fields {
                        Some((id, email, company)) => account_journey::matching::Lead {
                            id,
                            email,
                            company,
                            invalid: false,
                        },
                        None => account_journey::matching::Lead {
                            id: row.get("id").and_then(id_of).unwrap_or_default(),
                            invalid: true,
                            ..Default::default()
                        },
                    }
                })
                .collect();
            let accounts: Vec<account_journey::matching::AccountRef> =
                serde_json::from_value(input["args"][1].clone()).unwrap();
            to_json(&account_journey::matching::match_leads(&leads, &accounts))
        }
        Some("classify") => {
            let options = input["args"].get(1).cloned().unwrap_or(Value::Null);
            let as_of = options["asOf"].as_str().unwrap_or_default().to_string();
            let classified =
                account_journey::expr::Data::account_from_json_at(&arg.to_string(), &as_of)
                    .and_then(|a| Journey::embedded_default().unwrap().classify(&a));
            match classified {
                Ok(c) => to_json(&c),
                Err(e) => error_json(e),
            }
        }
        Some("replay") => {
            let options = input["args"].get(1).cloned().unwrap_or(Value::Null);
            let as_of = options["asOf"].as_str().unwrap_or_default().to_string();
            match Journey::embedded_default()
                .unwrap()
                .replay(&arg.to_string(), &as_of)
            {
                Ok(r) => to_json(&r),
                Err(e) => error_json(e),
            }
        }
        Some("reports") => {
            let options = input["args"].get(1).cloned().unwrap_or(Value::Null);
            let journey = Journey::embedded_default().unwrap();
            to_json(&partial_of(&journey, &arg.to_string(), &options).finish())
        }
        Some("mergeReports") => {
            // As the JS vector: each shard's partial as bytes, merged.
            let options = input["args"].get(1).cloned().unwrap_or(Value::Null);
            let journey = Journey::embedded_default().unwrap();
            let partials: Vec<Vec<u8>> = arg
                .as_array()
                .unwrap()
                .iter()
                .map(|shard| partial_of(&journey, &shard.to_string(), &options).to_bytes())
                .collect();
            let slices: Vec<&[u8]> = partials.iter().map(Vec::as_slice).collect();
            to_json(
                &account_journey::report::merge_bytes(&slices)
                    .unwrap()
                    .finish(),
            )
        }
        Some("replaySet") => {
            let options = input["args"].get(2).cloned().unwrap_or(Value::Null);
            let as_of = options["asOf"].as_str().unwrap_or_default().to_string();
            let set = account_journey::JourneySet::from_serialized_json(&arg.to_string()).unwrap();
            match set.replay(&input["args"][1].to_string(), &as_of) {
                Ok(r) => to_json(&r),
                Err(e) => error_json(e),
            }
        }
        Some("replayIncremental") => {
            // As the JS vector: the first batch, state saved and read back, the second batch.
            let options = input["args"].get(2).cloned().unwrap_or(Value::Null);
            let as_of = options["asOf"].as_str().unwrap_or_default().to_string();
            let journey = Journey::embedded_default().unwrap();
            let mut state = account_journey::replay::ReplayState::new(&journey);
            state
                .apply_lines(&journey, &arg.to_string(), &as_of)
                .unwrap();
            let mut state =
                account_journey::replay::ReplayState::from_bytes(&state.to_bytes()).unwrap();
            state
                .apply_lines(&journey, &input["args"][1].to_string(), &as_of)
                .unwrap();
            to_json(&state.result(&journey, &as_of).unwrap())
        }
        Some("classifyMany") => {
            let options = input["args"].get(1).cloned().unwrap_or(Value::Null);
            let as_of = options["asOf"].as_str().unwrap_or_default().to_string();
            let journey = Journey::embedded_default().unwrap();
            let rows: Vec<Value> = arg
                .as_array()
                .unwrap()
                .iter()
                .enumerate()
                .map(|(i, row)| {
                    let classified = if row.is_object() {
                        account_journey::expr::Data::account_from_json_at(&row.to_string(), &as_of)
                            .and_then(|a| journey.classify(&a))
                    } else {
                        Err(account_journey::Error::new(
                            account_journey::Code::InvalidArgument,
                            "",
                            "expected an account (an object)",
                        ))
                    };
                    match classified {
                        // `explain: false`: the stage, status and the composite the criteria
                        // saw (the account's own, else the computed one).
                        Ok(c) if options["explain"] == json!(false) => {
                            let composite = row["score"]["composite"].as_f64().or_else(|| {
                                let data = account_journey::expr::Data::account_from_json_at(
                                    &row.to_string(),
                                    &as_of,
                                )
                                .unwrap();
                                journey.score(&data).unwrap().composite
                            });
                            json!({"stage": c.stage, "status": c.status, "composite": composite})
                        }
                        Ok(c) => to_json(&c),
                        Err(e) => json!({"error": {"row": i, "code": e.code().as_str(),
                            "path": e.path(), "message": e.message()}}),
                    }
                })
                .collect();
            js_numbers(Value::Array(rows))
        }
        Some("scoreMany") => {
            // As the binding: one row each, a value or the row's error.
            let options = input["args"].get(1).cloned().unwrap_or(Value::Null);
            let as_of = options["asOf"].as_str().unwrap_or_default().to_string();
            let journey = Journey::embedded_default().unwrap();
            let rows: Vec<Value> = arg
                .as_array()
                .unwrap()
                .iter()
                .enumerate()
                .map(|(i, row)| {
                    let scored = if row.is_object() {
                        account_journey::expr::Data::account_from_json_at(&row.to_string(), &as_of)
                            .and_then(|a| journey.score(&a).map_err(account_journey::Error::from))
                    } else {
                        Err(account_journey::Error::new(
                            account_journey::Code::InvalidArgument,
                            "",
                            "expected an account (an object)",
                        ))
                    };
                    match scored {
                        Ok(score) => {
                            let c = |name: &str| {
                                score
                                    .components
                                    .iter()
                                    .find(|c| c.component == name)
                                    .and_then(|c| c.normalized)
                            };
                            json!({"composite": score.composite, "fit": c("fit"),
                                "intent": c("intent"), "engagement": c("engagement"),
                                "usage": c("usage"), "relationship": c("relationship")})
                        }
                        Err(e) => json!({"error": {"row": i, "code": e.code().as_str(),
                            "path": e.path(), "message": e.message()}}),
                    }
                })
                .collect();
            js_numbers(Value::Array(rows))
        }
        Some("scoreColumns") => {
            let as_of = input["args"][1]["asOf"].as_str().unwrap_or_default();
            let as_of = account_journey::expr::data::parse_timestamp(as_of).unwrap();
            let (accounts, signals) = score_columns_input(&arg);
            let journey = Journey::embedded_default().unwrap();
            match journey
                .score_model()
                .unwrap()
                .score_columns(&accounts, &signals, as_of)
            {
                Ok(scores) => {
                    let mut out = serde_json::Map::new();
                    out.insert("composite".into(), nan_null(&scores.composite));
                    for (name, values) in &scores.components {
                        out.insert((*name).into(), nan_null(values));
                    }
                    out.insert("errors".into(), to_json(&scores.errors));
                    out.insert("ignored".into(), to_json(&scores.ignored));
                    js_numbers(Value::Object(out))
                }
                Err(e) => error_json(e),
            }
        }
        Some("matchLeadsColumns") => {
            let text = |key: &str| -> Option<Vec<Option<String>>> {
                let column = arg.get(key)?;
                if let Some(items) = column.as_array() {
                    return Some(
                        items
                            .iter()
                            .map(|v| v.as_str().map(str::to_string))
                            .collect(),
                    );
                }
                let data = typed_u32(&column["data"]);
                let offsets = typed_u32(&column["offsets"]);
                let valid = column.get("valid").map(typed_u32);
                let bytes: Vec<u8> = data.iter().map(|&b| b as u8).collect();
                Some(
                    (0..offsets.len() - 1)
                        .map(|r| {
                            if valid.as_ref().is_some_and(|v| v[r] == 0) {
                                return None;
                            }
                            let slice = &bytes[offsets[r] as usize..offsets[r + 1] as usize];
                            // Not UTF-8: marked, and the row is invalid.
                            Some(
                                String::from_utf8(slice.to_vec())
                                    .unwrap_or_else(|_| "\u{0}BAD".into()),
                            )
                        })
                        .collect(),
                )
            };
            let len = arg["length"].as_u64().unwrap() as usize;
            let (email, company) = (text("email"), text("company"));
            let accounts: Vec<account_journey::matching::AccountRef> =
                serde_json::from_value(input["args"][1].clone()).unwrap();
            let matcher = account_journey::matching::Matcher::new(&accounts);
            let mut summary = account_journey::matching::MatchSummary::default();
            let (mut account, mut rule, mut reason, mut tie) = (vec![], vec![], vec![], vec![]);
            let mut row = 0;
            let cell = |column: &Option<Vec<Option<String>>>, r: usize| {
                column.as_ref().and_then(|c| c[r].clone())
            };
            matcher.match_each(
                |lead| {
                    if row >= len {
                        return false;
                    }
                    lead.email = cell(&email, row);
                    lead.company = cell(&company, row);
                    lead.invalid = [&lead.email, &lead.company]
                        .iter()
                        .any(|v| v.as_deref().is_some_and(|s| s.starts_with("\u{0}BAD")));
                    row += 1;
                    true
                },
                |outcome| {
                    summary.record(outcome);
                    let (a, r, why, t) = outcome.codes();
                    account.push(a);
                    rule.push(r);
                    reason.push(why);
                    tie.push(t);
                },
            );
            let reasons: Vec<&str> = account_journey::matching::Reason::ALL
                .iter()
                .map(|r| r.as_str())
                .collect();
            to_json(&json!({
                "account": account, "rule": rule, "reason": reason, "tieBreak": tie,
                "rules": account_journey::matching::RULE_NAMES, "reasons": reasons,
                "tieBreaks": account_journey::matching::TIE_BREAK_NAMES,
                "summary": summary, "accountIssues": matcher.account_issues(),
            }))
        }
        Some("templates") => {
            let list: Vec<Value> = account_journey::templates::templates()
                .unwrap()
                .iter()
                .map(|t| {
                    let journey = Journey::new(t.definition.clone()).unwrap();
                    let stages: Vec<&str> =
                        t.definition.stages.iter().map(|s| s.id.as_str()).collect();
                    assert_eq!(journey.hash(), t.hash);
                    json!({ "id": t.id, "name": t.name, "hash": t.hash, "stages": stages })
                })
                .collect();
            Value::Array(list)
        }
        other => panic!("unknown vector call {other:?}"),
    }
}

/// A typed array written in a vector file as `{ "u32": [...] }` (or `u8`, `i32`).
fn typed_u32(value: &Value) -> Vec<u32> {
    let (_, items) = value.as_object().unwrap().iter().next().unwrap();
    items
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap() as u32)
        .collect()
}

/// `{ "f64": [...] }` with null for NaN.
fn typed_f64(value: &Value) -> Vec<f64> {
    value["f64"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap_or(f64::NAN))
        .collect()
}

/// Numbers with NaN as null, as the JS runner prints typed arrays.
fn nan_null(values: &[f64]) -> Value {
    Value::Array(
        values
            .iter()
            .map(|&x| if x.is_nan() { Value::Null } else { json!(x) })
            .collect(),
    )
}

/// Strings as the binding reads an array of strings or nulls: dictionary codes in order of
/// first appearance, null past the end.
fn dictionary(items: &[Value]) -> (Vec<u32>, Vec<String>) {
    let mut values: Vec<String> = Vec::new();
    let codes = items
        .iter()
        .map(|v| match v.as_str() {
            Some(s) => match values.iter().position(|x| x == s) {
                Some(i) => i as u32,
                None => {
                    values.push(s.to_string());
                    (values.len() - 1) as u32
                }
            },
            None => u32::MAX,
        })
        .collect();
    (codes, values)
}

/// The columns of a `scoreColumns` vector, read as the binding reads them.
fn score_columns_input(
    arg: &Value,
) -> (
    account_journey::batch::AccountColumns,
    account_journey::batch::SignalColumns,
) {
    use account_journey::batch::{AccountColumns, Column, SignalColumns};
    let strings = |v: &Value| match v.as_array() {
        Some(items) => dictionary(items),
        None => (
            typed_u32(&v["codes"]),
            v["values"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s.as_str().unwrap().to_string())
                .collect(),
        ),
    };
    let mut fields = Vec::new();
    for (name, column) in arg["fields"].as_object().cloned().unwrap_or_default() {
        let column = if column.get("f64").is_some() {
            Column::Numbers(typed_f64(&column))
        } else if column.get("u8").is_some() {
            Column::Bools(typed_u32(&column).iter().map(|&b| b as u8).collect())
        } else if column
            .as_array()
            .is_some_and(|a| a.iter().all(Value::is_array) && !a.is_empty())
        {
            let rows: Vec<Vec<String>> = column
                .as_array()
                .unwrap()
                .iter()
                .map(|r| {
                    r.as_array()
                        .unwrap()
                        .iter()
                        .map(|s| s.as_str().unwrap_or_default().to_string())
                        .collect()
                })
                .collect();
            Column::string_lists(&rows)
        } else {
            let (codes, values) = strings(&column);
            Column::Strings { codes, values }
        };
        fields.push((name, column));
    }
    let s = &arg["signals"];
    let (kind, kinds) = strings(&s["type"]);
    let contact = s.get("contact").map(strings);
    let signals = SignalColumns {
        account: typed_u32(&s["account"]),
        kind,
        kinds,
        at: typed_f64(&s["at"]),
        strength: s.get("strength").map(typed_f64),
        value: s.get("value").map(typed_f64),
        contact: contact.as_ref().map(|(codes, _)| codes.clone()),
        contacts: contact.map(|(_, values)| values).unwrap_or_default(),
    };
    let accounts = AccountColumns {
        len: arg["length"].as_u64().unwrap() as usize,
        fields,
    };
    (accounts, signals)
}

fn to_json<T: serde::Serialize>(value: &T) -> Value {
    js_numbers(serde_json::to_value(value).expect("API results serialise"))
}

/// Whole doubles as integers, as JavaScript prints them (`2`, not serde_json's `2.0`): the
/// JS runtimes print these outputs with JSON.stringify, and the bytes must match.
fn js_numbers(value: Value) -> Value {
    match value {
        Value::Number(n) => match n.as_f64() {
            Some(f) if n.is_f64() && f.fract() == 0.0 && f.abs() < 9_007_199_254_740_992.0 => {
                json!(f as i64)
            }
            _ => Value::Number(n),
        },
        Value::Array(items) => Value::Array(items.into_iter().map(js_numbers).collect()),
        Value::Object(map) => {
            Value::Object(map.into_iter().map(|(k, v)| (k, js_numbers(v))).collect())
        }
        other => other,
    }
}

#[test]
fn golden_vectors_match_natively() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/cases");
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut names: Vec<String> = fs::read_dir(&dir)
        .expect("tests/golden/cases exists")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter_map(|n| n.strip_suffix(".input.json").map(str::to_string))
        .collect();
    names.sort();
    assert!(
        names.len() >= 10,
        "expected the golden vectors, found {names:?}"
    );
    let mut failures = Vec::new();
    for name in &names {
        let input: Value = serde_json::from_str(
            &fs::read_to_string(dir.join(format!("{name}.input.json"))).unwrap(),
        )
        .unwrap_or_else(|e| panic!("{name}.input.json: {e}"));
        let output = serde_json::to_string(&run(&input)).unwrap() + "\n";
        let expected_path = dir.join(format!("{name}.expected.json"));
        if update {
            fs::write(&expected_path, &output).unwrap();
        } else {
            let expected = fs::read_to_string(&expected_path).unwrap_or_default();
            if expected != output {
                failures.push(format!("{name}:\n  expected {expected}  actual   {output}"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "golden mismatches:\n{}",
        failures.join("\n")
    );
}
