//! Rules over a whole definition model: unique stage ids, id syntax, size limits.
//!
//! Works on the plain model, so a definition built in Rust is checked by the same rules as one
//! read from JSON. Diagnostics carry JSON-pointer paths; spans are added by the caller when
//! there is source text.

use super::Definition;
use super::behaviour::{Finding, check_stage};
use crate::error::{Code, Diagnostic};

/// Most stages one journey may have.
pub const MAX_STAGES: usize = 256;
/// Longest id accepted, in bytes.
pub const MAX_ID_LEN: usize = 64;

/// Every rule over the model. Criteria findings carry the byte range of the problem inside the
/// criterion's text.
pub(super) fn check(def: &Definition) -> Vec<Finding> {
    let mut findings = Vec::new();
    for i in 0..def.stages.len().min(MAX_STAGES) {
        check_stage(&mut findings, &def.stages, i);
        super::rules::check_stage(&mut findings, def, i);
    }
    if let Some(calendar) = &def.calendar {
        super::rules::check_calendar(&mut findings, calendar);
    }
    if let Some(scoring) = &def.scoring {
        super::scoring::check_scoring(&mut findings, scoring);
    }
    if let Some(model) = &def.buying_group {
        super::buying_group::check_buying_group(&mut findings, model);
    }
    for (i, stage) in def.stages.iter().enumerate().take(MAX_STAGES) {
        let path = format!("/stages/{i}/requiredRoles");
        super::buying_group::check_roles(&mut findings, &stage.required_roles, &path);
    }
    reachability(&mut findings, def);
    let stages = def.stages.get(..MAX_STAGES).unwrap_or(&def.stages);
    super::coverage::check(&mut findings, def, stages);
    let mut out = Vec::new();
    check_id(&mut out, &def.id, "/id");
    if def.stages.is_empty() {
        out.push(Diagnostic::error(
            Code::NoStages,
            "/stages",
            "a journey needs at least one stage",
        ));
    }
    if def.stages.len() > MAX_STAGES {
        out.push(Diagnostic::error(
            Code::LimitExceeded,
            "/stages",
            format!(
                "{} stages; a journey may have at most {MAX_STAGES}",
                def.stages.len()
            ),
        ));
    }
    not_empty(&mut out, &def.name, "/name");
    not_empty(&mut out, &def.version, "/version");
    for (i, approver) in def.approvers.iter().enumerate() {
        not_empty(&mut out, approver, &format!("/approvers/{i}"));
    }
    let optional = [(&def.owner, "/owner"), (&def.description, "/description")];
    for (value, path) in optional {
        if let Some(value) = value {
            not_empty(&mut out, value, path);
        }
    }
    let mut first_use = std::collections::BTreeMap::new();
    for (i, stage) in def.stages.iter().enumerate() {
        let path = format!("/stages/{i}/id");
        check_id(&mut out, &stage.id, &path);
        not_empty(&mut out, &stage.name, &format!("/stages/{i}/name"));
        let optional = [(&stage.owner, "owner"), (&stage.description, "description")];
        for (value, field) in optional {
            if let Some(value) = value {
                not_empty(&mut out, value, &format!("/stages/{i}/{field}"));
            }
        }
        if let Some(&first) = first_use.get(stage.id.as_str()) {
            out.push(Diagnostic::error(
                Code::DuplicateStageId,
                path,
                format!(
                    "stage id \"{}\" is already used by /stages/{first}",
                    stage.id
                ),
            ));
        } else {
            first_use.insert(stage.id.as_str(), i);
        }
    }
    out.into_iter().map(|d| (d, None)).chain(findings).collect()
}

/// Present strings must say something: an empty or blank name is a mistake, not a value.
fn not_empty(out: &mut Vec<Diagnostic>, value: &str, path: &str) {
    if value.trim().is_empty() {
        out.push(Diagnostic::error(
            Code::InvalidValue,
            path,
            "must not be empty",
        ));
    }
}

/// Ids start with an ASCII letter and continue with letters, digits, `_`, `-` or `.`, so they
/// read the same in criteria, URLs, CSV headers and spreadsheet cells.
fn check_id(out: &mut Vec<Diagnostic>, id: &str, path: &str) {
    let mut chars = id.chars();
    let starts_with_letter = chars.next().is_some_and(|c| c.is_ascii_alphabetic());
    let rest_ok = chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    if !starts_with_letter || !rest_ok || id.len() > MAX_ID_LEN {
        out.push(Diagnostic::error(
            Code::InvalidId,
            path,
            format!(
                "\"{id}\" is not a valid id: use up to {MAX_ID_LEN} ASCII letters, digits, '_', '-' \
                 or '.', starting with a letter"
            ),
        ));
    }
}

/// In a journey driven by criteria, a stage no account can enter (no entry criterion and no
/// rule moves accounts into it; a journey with no criteria at all is moved by hand and is left
/// alone). Gaps and overlaps between criteria are `coverage`'s.
fn reachability(out: &mut Vec<Finding>, def: &Definition) {
    let stages = &def.stages;
    let driven_by_criteria = stages.iter().any(|s| s.entry_criteria.is_some());
    let targeted = |id: &str| {
        stages.iter().any(|s| {
            s.regress_to.iter().any(|t| t == id)
                || s.rejection.as_ref().is_some_and(|r| r.recycle_to == id)
                || s.max_dwell
                    .as_ref()
                    .is_some_and(|d| d.downgrade_to.as_deref() == Some(id))
        })
    };
    for (i, stage) in stages.iter().enumerate().skip(1).take(MAX_STAGES) {
        if driven_by_criteria && stage.entry_criteria.is_none() && !targeted(&stage.id) {
            out.push((
                Diagnostic::warning(
                    Code::UnreachableStage,
                    format!("/stages/{i}"),
                    format!(
                        "no account can enter stage \"{}\": it has no entryCriteria and no \
                         recycle, downgrade or regression leads to it",
                        stage.id
                    ),
                ),
                None,
            ));
        }
    }
}
