//! What a stage does besides having a name: its entry and exit criteria (criteria-language
//! expressions) and its max dwell (how long an account may stay before an action fires).
//! Reading them from JSON, and the rules that check them on the model.

use serde::Serialize;

use super::Stage;
use super::read::{Object, Reader, did_you_mean};
use crate::Code;
use crate::error::{Diagnostic, pointer_push};
use crate::expr::{Expression, data::format_duration, data::parse_duration};
use crate::json::Value;

/// Longest max dwell accepted: ten years. Longer is certainly a typo (`3650d` vs `36500d`).
pub const MAX_DWELL_MS: i64 = 3650 * 86_400_000;

/// How long an account may stay in a stage, and what fires when it stays longer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MaxDwell {
    /// The limit, in milliseconds (written as a duration such as `"45d"`).
    #[serde(rename = "after", serialize_with = "duration_text")]
    pub after_ms: i64,
    /// What the breach fires.
    pub action: DwellAction,
    /// The play to run (a free-form id known to the team's tools), if any.
    pub play: Option<String>,
    /// For `stage-downgrade`: the earlier stage the account moves back to.
    pub downgrade_to: Option<String>,
}

/// What a max-dwell breach fires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DwellAction {
    /// Start a re-engagement play.
    ReEngagement,
    /// Ask the stage owner's manager to review the account.
    ManagerReview,
    /// Move the account back to an earlier stage.
    StageDowngrade,
}

impl DwellAction {
    pub(super) const NAMES: [&'static str; 3] =
        ["re-engagement", "manager-review", "stage-downgrade"];

    pub(super) fn from_name(name: &str) -> Option<DwellAction> {
        match name {
            "re-engagement" => Some(DwellAction::ReEngagement),
            "manager-review" => Some(DwellAction::ManagerReview),
            "stage-downgrade" => Some(DwellAction::StageDowngrade),
            _ => None,
        }
    }
}

fn duration_text<S: serde::Serializer>(ms: &i64, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&format_duration(*ms))
}

const MAX_DWELL_FIELDS: [&str; 4] = ["after", "action", "play", "downgradeTo"];

/// Reads a required action field (`re-engagement`, `manager-review`, `stage-downgrade`),
/// reporting an unknown one with a suggestion.
pub(super) fn read_action(r: &mut Reader, obj: &Object<'_>, key: &str) -> Option<DwellAction> {
    let name = r.string(obj, key, true)?;
    let parsed = DwellAction::from_name(&name);
    if parsed.is_none() {
        let hint = did_you_mean(&name, &DwellAction::NAMES);
        r.error(
            Code::InvalidValue,
            &pointer_push(&obj.path, key),
            None,
            format!(
                "unknown action \"{name}\"; expected one of {}{hint}",
                DwellAction::NAMES.join(", ")
            ),
        );
    }
    parsed
}

/// Reads a stage's `maxDwell` object, if present.
pub(super) fn read_max_dwell(r: &mut Reader, stage: &Object<'_>) -> Option<MaxDwell> {
    let node = r.field(stage, "maxDwell", false)?;
    let path = pointer_push(&stage.path, "maxDwell");
    let obj = r.object(node, &path, "a max dwell", &MAX_DWELL_FIELDS)?;
    let after_ms = r.string(&obj, "after", true).and_then(|text| {
        let parsed = parse_duration(&text);
        if parsed.is_none() {
            r.error(
                Code::InvalidValue,
                &pointer_push(&path, "after"),
                None,
                format!("\"{text}\" is not a duration such as \"45d\" or \"36h\""),
            );
        }
        parsed
    });
    let action = read_action(r, &obj, "action");
    let downgrade_to = r.string(&obj, "downgradeTo", false);
    // Placeholders for what failed to read keep the rules quiet about it: an unreadable action
    // next to a `downgradeTo` stands for the downgrade it evidently meant.
    let placeholder = match downgrade_to {
        Some(_) => DwellAction::StageDowngrade,
        None => DwellAction::ReEngagement,
    };
    Some(MaxDwell {
        after_ms: after_ms.unwrap_or(1),
        action: action.unwrap_or(placeholder),
        play: r.string(&obj, "play", false),
        downgrade_to,
    })
}

/// A criterion's text from a stage field, if present and a string.
pub(super) fn read_criterion(r: &mut Reader, stage: &Object<'_>, key: &str) -> Option<String> {
    let node = r.field(stage, key, false)?;
    match &node.value {
        Value::String(text) => Some(text.clone()),
        other => {
            r.error(
                Code::InvalidType,
                &pointer_push(&stage.path, key),
                Some((node.start, node.end)),
                format!(
                    "expected a criterion (a string), found {}",
                    other.type_name()
                ),
            );
            None
        }
    }
}

/// Compiles a criterion at `path`: a diagnostic (with the range inside the criterion) if it
/// does not compile or is not boolean (a criterion of literally `null` never holds: an error).
pub(super) fn check_criterion(out: &mut Vec<Finding>, text: &str, path: String) {
    match Expression::compile(text) {
        Err(e) => {
            // In UTF-16 units, as every column this engine reports.
            let column = text
                .get(..e.span.start)
                .map_or(0, |s| s.encode_utf16().count())
                + 1;
            let message = format!("{} (column {column} of the criterion)", e.message);
            out.push((
                Diagnostic::error(e.code, path, message),
                Some((e.span.start, e.span.end)),
            ));
        }
        Ok(expr) if expr.result_type() != crate::expr::Ty::Bool => {
            let message = format!(
                "a criterion must be true or false, this one is {}",
                match expr.result_type() {
                    crate::expr::Ty::Null => "always null".to_string(),
                    other => format!("a {other}"),
                }
            );
            out.push((Diagnostic::error(Code::TypeMismatch, path, message), None));
        }
        Ok(_) => {}
    }
}

/// A diagnostic, and for criteria the byte range inside the expression it points at.
pub(super) type Finding = (Diagnostic, Option<(usize, usize)>);

/// Checks the criteria and max dwell of stage `i` (the rest of the journey given for stage
/// references).
pub(super) fn check_stage(out: &mut Vec<Finding>, stages: &[Stage], i: usize) {
    let Some(stage) = stages.get(i) else { return };
    let criteria = [
        ("entryCriteria", &stage.entry_criteria),
        ("exitCriteria", &stage.exit_criteria),
    ];
    for (key, criterion) in criteria {
        if let Some(text) = criterion {
            check_criterion(out, text, format!("/stages/{i}/{key}"));
        }
    }
    let Some(dwell) = &stage.max_dwell else {
        return;
    };
    let path = format!("/stages/{i}/maxDwell");
    if dwell.after_ms <= 0 || dwell.after_ms > MAX_DWELL_MS {
        out.push((
            Diagnostic::error(
                Code::InvalidValue,
                format!("{path}/after"),
                format!(
                    "max dwell must be more than zero and at most 3650d, not {}",
                    format_duration(dwell.after_ms)
                ),
            ),
            None,
        ));
    }
    match (dwell.action, &dwell.downgrade_to) {
        (DwellAction::StageDowngrade, None) => out.push((
            Diagnostic::error(
                Code::MissingField,
                format!("{path}/downgradeTo"),
                "a stage-downgrade needs \"downgradeTo\": the earlier stage to move back to",
            ),
            None,
        )),
        (DwellAction::StageDowngrade, Some(target)) => {
            match stages.iter().position(|s| &s.id == target) {
                Some(t) if t < i => {}
                Some(_) => out.push((
                    Diagnostic::error(
                        Code::InvalidValue,
                        format!("{path}/downgradeTo"),
                        format!(
                            "\"{target}\" is not earlier than \"{}\"; a downgrade moves back",
                            stage.id
                        ),
                    ),
                    None,
                )),
                None => {
                    let ids: Vec<&str> = stages.iter().map(|s| s.id.as_str()).collect();
                    let hint = did_you_mean(target, &ids);
                    out.push((
                        Diagnostic::error(
                            Code::UnknownStage,
                            format!("{path}/downgradeTo"),
                            format!("no stage has id \"{target}\"{hint}"),
                        ),
                        None,
                    ));
                }
            }
        }
        (_, Some(_)) => out.push((
            Diagnostic::warning(
                Code::UnknownField,
                format!("{path}/downgradeTo"),
                "\"downgradeTo\" only applies to the stage-downgrade action; it is ignored",
            ),
            None,
        )),
        (_, None) => {}
    }
}
