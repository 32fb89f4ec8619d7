//! The shape of a journey's scoring model, and its validation. What the numbers mean — how a
//! score is computed from the event history, as of a date, with decay and caps, and explained as
//! a ledger — is the scoring engine's business (issue "Scoring, buying groups and lead-to-account
//! matching"); this module makes sure a model is complete and sane before any account is scored.

use std::collections::BTreeMap;

use serde::Serialize;

use super::behaviour::{Finding, check_criterion};
use super::read::{Object, Reader, did_you_mean};
use crate::Code;
use crate::error::{Diagnostic, pointer_push};
use crate::expr::data::{format_duration, parse_duration};
use crate::json::Value;

/// The score components, in the order reports show them.
pub const COMPONENTS: [&str; 5] = ["fit", "intent", "engagement", "usage", "relationship"];

/// A scoring model: component weights, fit rules and points per signal type.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Scoring {
    /// Weight of each component in the composite (0–100), by component name; they should sum
    /// to 1.
    pub weights: BTreeMap<String, f64>,
    /// Largest value each component may reach before weighting, by component (default 100).
    pub caps: BTreeMap<String, f64>,
    /// Most points one contact's signals may add to a component, by component: engagement is
    /// rolled up per contact, so one busy contact cannot make an account hot alone.
    pub contact_caps: BTreeMap<String, f64>,
    /// Where the fit component comes from: the fit rules, or a score imported from an external
    /// model (the account's `score.fit`, 0–100).
    pub fit_source: FitSource,
    /// ICP fit rules: points when a criterion holds.
    pub fit: Vec<FitRule>,
    /// Rules over account facts for the other components (an existing customer, a partner, an
    /// account's active users): points to a component when a criterion holds.
    pub rules: Vec<ComponentRule>,
    /// Points per signal type.
    pub signals: BTreeMap<String, SignalPoints>,
}

/// Where the fit component comes from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub enum FitSource {
    /// The definition's fit rules (the default).
    #[default]
    #[serde(rename = "rules")]
    Rules,
    /// The account's `score.fit`, from an external model, on 0–100.
    #[serde(rename = "imported")]
    Imported,
}

/// Points for the fit component when a criterion over the account holds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FitRule {
    /// The criterion (criteria language).
    pub when: String,
    /// Points added (negative to subtract).
    pub points: f64,
}

/// Points to a component (not fit, which has its own rules) when a criterion over the account
/// holds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ComponentRule {
    /// The component the points go to.
    pub component: String,
    /// The criterion (criteria language).
    pub when: String,
    /// Points added (negative to subtract).
    pub points: f64,
}

/// How a signal type scores.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SignalPoints {
    /// The component the points go to.
    pub component: String,
    /// Points per occurrence (negative for unsubscribes, competitors, job seekers…).
    pub points: f64,
    /// How the points fade with age; none: they never fade.
    pub decay: Option<Decay>,
    /// Most points this signal type may contribute in all.
    pub cap: Option<f64>,
    /// Scale the points by the signal's `strength` (0–100, e.g. an intent surge score):
    /// points × strength / 100; a signal without a strength then does not count.
    pub by_strength: bool,
    /// Scale the points by the signal's `value` (a count such as active users that day):
    /// points × value; a signal without a value (or with a negative one) then does not count.
    pub by_value: bool,
}

/// How points fade with the age of the signal, as of the scoring date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Decay {
    /// Halve every so many milliseconds (written `{"halfLife": "14d"}`).
    HalfLife(#[serde(serialize_with = "duration_text")] i64),
    /// Fall linearly to zero over so many milliseconds (`{"linear": "30d"}`).
    Linear(#[serde(serialize_with = "duration_text")] i64),
    /// Count fully within so many milliseconds, then not at all (`{"window": "90d"}`).
    Window(#[serde(serialize_with = "duration_text")] i64),
}

fn duration_text<S: serde::Serializer>(ms: &i64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format_duration(*ms))
}

/// A finite number field.
fn number(r: &mut Reader, obj: &Object<'_>, key: &str, required: bool) -> Option<f64> {
    let node = r.field(obj, key, required)?;
    match node.value {
        Value::Number(n) => Some(n),
        _ => {
            r.error(
                Code::InvalidType,
                &pointer_push(&obj.path, key),
                Some((node.start, node.end)),
                format!("expected a number, found {}", node.value.type_name()),
            );
            None
        }
    }
}

/// An object whose keys are names (components, signal types) mapped to values read by `item`.
fn map<T>(
    r: &mut Reader,
    obj: &Object<'_>,
    key: &str,
    mut item: impl FnMut(&mut Reader, &crate::json::Node, &str) -> Option<T>,
) -> BTreeMap<String, T> {
    let mut out = BTreeMap::new();
    let Some(node) = r.field(obj, key, false) else {
        return out;
    };
    let path = pointer_push(&obj.path, key);
    let Value::Object(members) = &node.value else {
        r.error(
            Code::InvalidType,
            &path,
            Some((node.start, node.end)),
            format!("expected an object, found {}", node.value.type_name()),
        );
        return out;
    };
    let mut seen = std::collections::BTreeSet::new();
    for member in members {
        let item_path = pointer_push(&path, &member.key);
        if !seen.insert(member.key.as_str()) {
            r.error(
                Code::DuplicateKey,
                &item_path,
                Some((member.key_start, member.key_end)),
                format!("key \"{}\" appears more than once", member.key),
            );
            continue;
        }
        if let Some(value) = item(r, &member.value, &item_path) {
            out.insert(member.key.clone(), value);
        }
    }
    out
}

fn component_number(r: &mut Reader, node: &crate::json::Node, path: &str) -> Option<f64> {
    match node.value {
        Value::Number(n) => Some(n),
        _ => {
            r.error(
                Code::InvalidType,
                path,
                Some((node.start, node.end)),
                format!("expected a number, found {}", node.value.type_name()),
            );
            None
        }
    }
}

/// Reads the root `scoring`, if present.
pub(super) fn read_scoring(r: &mut Reader, root: &Object<'_>) -> Option<Scoring> {
    let node = r.field(root, "scoring", false)?;
    let obj = r.object(
        node,
        &pointer_push(&root.path, "scoring"),
        "a scoring model",
        &[
            "weights",
            "caps",
            "contactCaps",
            "fitSource",
            "fit",
            "rules",
            "signals",
        ],
    )?;
    let weights = map(r, &obj, "weights", component_number);
    let caps = map(r, &obj, "caps", component_number);
    let contact_caps = map(r, &obj, "contactCaps", component_number);
    let fit_source = match r.string(&obj, "fitSource", false).as_deref() {
        None | Some("rules") => FitSource::Rules,
        Some("imported") => FitSource::Imported,
        Some(other) => {
            let hint = did_you_mean(other, &["rules", "imported"]);
            r.error(
                Code::InvalidValue,
                &pointer_push(&obj.path, "fitSource"),
                None,
                format!(
                    "\"{other}\" is not a fit source; expected \"rules\" or \"imported\"{hint}"
                ),
            );
            FitSource::Rules
        }
    };
    let fit = r
        .array(&obj, "fit", false)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(path, item)| {
            let rule = r.object(item, &path, "a fit rule", &["when", "points"])?;
            Some(FitRule {
                when: r
                    .string(&rule, "when", true)
                    .unwrap_or_else(|| "true".into()),
                points: number(r, &rule, "points", true).unwrap_or(0.0),
            })
        })
        .collect();
    let rules = r
        .array(&obj, "rules", false)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(path, item)| {
            let rule = r.object(item, &path, "a rule", &["component", "when", "points"])?;
            Some(ComponentRule {
                component: r
                    .string(&rule, "component", true)
                    .unwrap_or_else(|| "relationship".into()),
                when: r
                    .string(&rule, "when", true)
                    .unwrap_or_else(|| "true".into()),
                points: number(r, &rule, "points", true).unwrap_or(0.0),
            })
        })
        .collect();
    let signals = map(r, &obj, "signals", |r, node, path| {
        let fields = [
            "component",
            "points",
            "decay",
            "cap",
            "byStrength",
            "byValue",
        ];
        let sig = r.object(node, path, "a signal's scoring", &fields)?;
        let decay = r.field(&sig, "decay", false).and_then(|node| {
            let path = pointer_push(path, "decay");
            let kinds = ["halfLife", "linear", "window"];
            let d = r.object(node, &path, "a decay", &kinds)?;
            let mut written = 0;
            let given: Vec<(&str, i64)> = kinds
                .iter()
                .filter_map(|k| {
                    let text = r.string(&d, k, false)?;
                    written += 1;
                    let ms = parse_duration(&text).filter(|ms| *ms > 0);
                    if ms.is_none() {
                        r.error(
                            Code::InvalidValue,
                            &pointer_push(&path, k),
                            None,
                            format!("\"{text}\" is not a positive duration such as \"14d\""),
                        );
                    }
                    ms.map(|ms| (*k, ms))
                })
                .collect();
            match given.as_slice() {
                [("halfLife", ms)] => Some(Decay::HalfLife(*ms)),
                [("linear", ms)] => Some(Decay::Linear(*ms)),
                [("window", ms)] => Some(Decay::Window(*ms)),
                // A kind was written but its duration is bad: that is already reported.
                [] if written > 0 => None,
                [] => {
                    r.error(
                        Code::MissingField,
                        &path,
                        None,
                        "a decay needs one of halfLife, linear or window",
                    );
                    None
                }
                _ => {
                    r.error(
                        Code::InvalidValue,
                        &path,
                        None,
                        "a decay is one of halfLife, linear or window, not several",
                    );
                    None
                }
            }
        });
        Some(SignalPoints {
            component: r
                .string(&sig, "component", true)
                .unwrap_or_else(|| "engagement".into()),
            points: number(r, &sig, "points", true).unwrap_or(0.0),
            decay,
            cap: number(r, &sig, "cap", false),
            by_strength: r.bool(&sig, "byStrength").unwrap_or(false),
            by_value: r.bool(&sig, "byValue").unwrap_or(false),
        })
    });
    Some(Scoring {
        weights,
        caps,
        contact_caps,
        fit_source,
        fit,
        rules,
        signals,
    })
}

/// `1.234` for 1.2341: a number for a message without core's float printer (14 KB of wasm).
fn thousandths(x: f64) -> String {
    let scaled = (x * 1000.0).round();
    if !scaled.is_finite() || scaled.abs() > 1e15 {
        return "a very large number".to_string();
    }
    let n = scaled as i64;
    let sign = if n < 0 { "-" } else { "" };
    format!(
        "{sign}{}.{:03}",
        n.unsigned_abs() / 1000,
        n.unsigned_abs() % 1000
    )
}

fn error(out: &mut Vec<Finding>, code: Code, path: String, message: impl Into<String>) {
    out.push((Diagnostic::error(code, path, message), None));
}

fn known_component(out: &mut Vec<Finding>, name: &str, path: String) -> bool {
    if COMPONENTS.contains(&name) {
        return true;
    }
    let hint = did_you_mean(name, &COMPONENTS);
    error(
        out,
        Code::InvalidValue,
        path,
        format!(
            "\"{name}\" is not a score component ({}){hint}",
            COMPONENTS.join(", ")
        ),
    );
    false
}

/// Checks a scoring model.
pub(super) fn check_scoring(out: &mut Vec<Finding>, scoring: &Scoring) {
    let mut sum = 0.0;
    for (name, weight) in &scoring.weights {
        let path = format!("/scoring/weights/{name}");
        if known_component(out, name, path.clone()) {
            if !(0.0..=1.0).contains(weight) {
                error(out, Code::InvalidValue, path, "a weight is from 0 to 1");
            }
            sum += weight;
        }
    }
    if scoring.weights.is_empty() {
        error(
            out,
            Code::MissingField,
            "/scoring/weights".into(),
            "a scoring model needs component weights for the composite score",
        );
    } else if (sum - 1.0).abs() > 1e-9 {
        out.push((
            Diagnostic::warning(
                Code::InvalidValue,
                "/scoring/weights",
                format!(
                    "the weights sum to {}, not 1: the composite will not span 0 to 100",
                    thousandths(sum)
                ),
            ),
            None,
        ));
    }
    for (field, caps) in [
        ("caps", &scoring.caps),
        ("contactCaps", &scoring.contact_caps),
    ] {
        for (name, cap) in caps {
            let path = format!("/scoring/{field}/{name}");
            if known_component(out, name, path.clone()) && !(*cap > 0.0 && *cap <= 1e6) {
                error(
                    out,
                    Code::InvalidValue,
                    path,
                    "a cap is more than 0 and at most 1000000",
                );
            }
        }
    }
    if scoring.fit_source == FitSource::Imported && !scoring.fit.is_empty() {
        error(
            out,
            Code::InvalidValue,
            "/scoring/fit".into(),
            "fit rules and an imported fit score (\"fitSource\": \"imported\") exclude each \
             other: remove the rules or the import",
        );
    }
    for (i, rule) in scoring.fit.iter().enumerate() {
        check_criterion(out, &rule.when, format!("/scoring/fit/{i}/when"));
        if rule.points.abs() > 1e6 {
            error(
                out,
                Code::InvalidValue,
                format!("/scoring/fit/{i}/points"),
                "points are at most 1000000 either way",
            );
        }
    }
    for (i, rule) in scoring.rules.iter().enumerate() {
        let path = format!("/scoring/rules/{i}");
        if rule.component == "fit" {
            error(
                out,
                Code::InvalidValue,
                format!("{path}/component"),
                "fit points come from the fit rules (\"fit\"), which can be unknown; rules \
                 are for the other components",
            );
        } else {
            known_component(out, &rule.component, format!("{path}/component"));
        }
        check_criterion(out, &rule.when, format!("{path}/when"));
        if rule.points.abs() > 1e6 {
            error(
                out,
                Code::InvalidValue,
                format!("{path}/points"),
                "points are at most 1000000 either way",
            );
        }
    }
    for (name, signal) in &scoring.signals {
        let path = format!("/scoring/signals/{name}");
        if signal.by_strength && signal.by_value {
            error(
                out,
                Code::InvalidValue,
                format!("{path}/byValue"),
                "a signal type scales by strength or by value, not both",
            );
        }
        known_component(out, &signal.component, format!("{path}/component"));
        if signal.points.abs() > 1e6 {
            error(
                out,
                Code::InvalidValue,
                format!("{path}/points"),
                "points are at most 1000000 either way",
            );
        }
        if signal.cap.is_some_and(|c| !(c > 0.0 && c <= 1e6)) {
            error(
                out,
                Code::InvalidValue,
                format!("{path}/cap"),
                "a cap is more than 0 and at most 1000000",
            );
        }
    }
}
