//! Journey definitions: the plain model, reading it from JSON, and validating it.
//!
//! A definition is the versioned file that says what the stages of a journey are. This module
//! turns JSON text into a [`Definition`] while collecting every problem as a [`Diagnostic`]
//! (`read`), then checks the rules that span fields (`validate`). It does not evaluate anything;
//! [`crate::Journey`] compiles a valid definition into its evaluable form.
//!
//! The format is documented in `docs/definition-format.md`.

mod behaviour;
mod buying_group;
mod coverage;
mod read;
mod rules;
mod scoring;
mod set;
mod validate;

use std::collections::BTreeSet;

use chrono::NaiveDate;
use serde::Serialize;

use crate::error::{Diagnostic, Severity, SourceMap};
use crate::json::{self, Node, Value};
pub(crate) use read::closest;
use read::{Object, Reader};

pub use behaviour::{DwellAction, MAX_DWELL_MS, MaxDwell};
pub use buying_group::{
    BuyingGroup, DEFAULT_ENGAGEMENT_WINDOW_MS, KNOWN_ROLES, MAX_ENGAGEMENT_WINDOW_MS,
    normalize_role,
};
pub use rules::{BreachAction, Calendar, MAX_SLA_MS, Rejection, Sla};
pub use scoring::{COMPONENTS, ComponentRule, Decay, FitRule, FitSource, Scoring, SignalPoints};
pub use set::{Conflict, MAX_JOURNEYS, SetDefinition, StageRef};

/// What a definition file holds: one journey, or several with roll-up and conflict rules.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
// One document per read: the size of the variants does not matter, plain patterns do.
#[allow(clippy::large_enum_variant)]
pub enum Document {
    /// A single journey.
    Journey(Definition),
    /// Several journeys (a root with a `journeys` array).
    Set(SetDefinition),
}
pub use validate::{MAX_ID_LEN, MAX_STAGES};

/// A journey definition: metadata and the ordered stages.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Definition {
    /// Stable identifier of the journey, e.g. `"default"`.
    pub id: String,
    /// Human name.
    pub name: String,
    /// Version of this definition, as its authors number it (e.g. `"1.0.0"`).
    pub version: String,
    /// Who owns the definition (a team or a person).
    pub owner: Option<String>,
    /// Who signed it off.
    pub approvers: Vec<String>,
    /// The date from which the definition applies.
    #[serde(serialize_with = "serialize_date")]
    pub effective_date: Option<NaiveDate>,
    /// What the journey is for.
    pub description: Option<String>,
    /// The working days and hours SLAs in business hours are counted in.
    pub calendar: Option<Calendar>,
    /// The scoring model: component weights, fit rules, points per signal type.
    pub scoring: Option<Scoring>,
    /// How contacts count as engaged and which roles a deal needs (defaults when absent).
    pub buying_group: Option<BuyingGroup>,
    /// What an account that meets no stage's entry criteria is.
    pub unmatched: Unmatched,
    /// The stages, in journey order: earlier stages first.
    pub stages: Vec<Stage>,
}

/// What an account that meets no stage's entry criteria is (`"unmatched"` in a definition).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub enum Unmatched {
    /// A hole in the model (the default): validation warns (`stage-gap`) with an example
    /// account; such an account has no stage.
    #[default]
    #[serde(rename = "gap")]
    Gap,
    /// Expected: the account is outside this journey (an ABM journey over a target list).
    #[serde(rename = "outside")]
    Outside,
}

impl Unmatched {
    /// The names as written in definitions.
    pub const NAMES: [&'static str; 2] = ["gap", "outside"];

    /// The name as written in definitions.
    pub fn as_str(self) -> &'static str {
        match self {
            Unmatched::Gap => "gap",
            Unmatched::Outside => "outside",
        }
    }
}

/// One stage of a journey.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Stage {
    /// Stable identifier, unique within the journey, e.g. `"mqa"`.
    pub id: String,
    /// Human name, e.g. `"MQA"`.
    pub name: String,
    /// Where the stage sits in the lifecycle.
    pub kind: StageKind,
    /// The team or role accountable for accounts in this stage.
    pub owner: Option<String>,
    /// What the stage means.
    pub description: Option<String>,
    /// The criterion an account must meet to be in this stage (criteria language).
    pub entry_criteria: Option<String>,
    /// The criterion that takes an account out of this stage, when leaving is not simply
    /// meeting a later stage's entry criteria.
    pub exit_criteria: Option<String>,
    /// How long an account may stay before an action fires.
    pub max_dwell: Option<MaxDwell>,
    /// A handoff deadline that starts when an account enters the stage.
    pub sla: Option<Sla>,
    /// What a rejection does: reason codes, recycle target and delay.
    pub rejection: Option<Rejection>,
    /// Earlier stages an account may expectedly move back to from here (others are flagged as
    /// unexpected regressions).
    pub regress_to: Vec<String>,
    /// Buying-group roles that must be engaged, besides the entry criteria, for an account to
    /// be in this stage.
    pub required_roles: Vec<String>,
    /// When several stages' criteria hold, the highest priority wins; without one, a stage's
    /// priority is its position, so the most advanced stage wins.
    pub priority: Option<i32>,
}

/// Where a stage sits in the account lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum StageKind {
    /// Before the deal is won: the journey's funnel.
    #[serde(rename = "pre-sale")]
    PreSale,
    /// An end state with no way forward (e.g. Closed-Lost).
    #[serde(rename = "terminal")]
    Terminal,
    /// After the deal is won: onboarding, adoption, renewal, churn.
    #[serde(rename = "post-sale")]
    PostSale,
}

impl StageKind {
    /// The names as written in definitions.
    pub const NAMES: [&'static str; 3] = ["pre-sale", "terminal", "post-sale"];

    /// Reads a kind from its name in a definition.
    pub fn from_name(name: &str) -> Option<StageKind> {
        match name {
            "pre-sale" => Some(StageKind::PreSale),
            "terminal" => Some(StageKind::Terminal),
            "post-sale" => Some(StageKind::PostSale),
            _ => None,
        }
    }

    /// The name as written in definitions.
    pub fn as_str(self) -> &'static str {
        match self {
            StageKind::PreSale => "pre-sale",
            StageKind::Terminal => "terminal",
            StageKind::PostSale => "post-sale",
        }
    }
}

/// The outcome of validating a definition: every diagnostic, and `ok` when none is an error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Validation {
    /// True when no diagnostic has error severity (warnings allowed).
    pub ok: bool,
    /// All problems found, in source order of discovery.
    pub diagnostics: Vec<Diagnostic>,
}

const ROOT_FIELDS: [&str; 13] = [
    "$schema",
    "calendar",
    "scoring",
    "buyingGroup",
    "unmatched",
    "id",
    "name",
    "version",
    "owner",
    "approvers",
    "effectiveDate",
    "description",
    "stages",
];
const STAGE_FIELDS: [&str; 13] = [
    "id",
    "name",
    "kind",
    "owner",
    "description",
    "entryCriteria",
    "exitCriteria",
    "maxDwell",
    "sla",
    "rejection",
    "regressTo",
    "requiredRoles",
    "priority",
];

impl Definition {
    /// Reads and validates a definition from JSON text.
    ///
    /// Returns the definition when it has no errors, and every diagnostic found (warnings may
    /// accompany a definition).
    ///
    /// ```
    /// use account_journey::Definition;
    /// let (def, diagnostics) = Definition::from_json(r#"{"id": "j", "name": "J",
    ///   "version": "1", "stages": [{"id": "a", "name": "A", "kind": "pre-sale"}]}"#);
    /// assert_eq!(def.map(|d| d.stages.len()), Some(1));
    /// assert!(diagnostics.is_empty());
    /// ```
    pub fn from_json(text: &str) -> (Option<Definition>, Vec<Diagnostic>) {
        single(read(text, true))
    }

    /// As [`Definition::from_json`], for JSON text the caller did not write (a binding
    /// serialised their object): diagnostics carry paths but no spans, which would point into
    /// a text the caller never saw.
    pub fn from_serialized_json(text: &str) -> (Option<Definition>, Vec<Diagnostic>) {
        single(read(text, false))
    }

    /// The canonical text of the definition: compact JSON of the model, fields in the format's
    /// order, absent optional values as `null`, durations in canonical form. Cosmetic changes
    /// (whitespace, key order, `null` vs absent, `"48h"` vs `"2d"`) give the same text;
    /// any change of meaning gives a different one.
    ///
    /// ```
    /// use account_journey::Definition;
    /// let a = r#"{"id": "j", "name": "J", "version": "1", "stages": [{"id": "s", "name": "S", "kind": "pre-sale"}]}"#;
    /// let b = "{\"version\":\"1\",\"stages\":[{\"kind\":\"pre-sale\",\"name\":\"S\",\"id\":\"s\",\"owner\":null}],\"name\":\"J\",\"id\":\"j\"}";
    /// let (a, b) = (Definition::from_json(a).0.unwrap(), Definition::from_json(b).0.unwrap());
    /// assert_eq!(a.canonical_json(), b.canonical_json());
    /// assert_eq!(a.content_hash().len(), 64);
    /// ```
    pub fn canonical_json(&self) -> String {
        // Serialising these plain types cannot fail (no maps with non-string keys).
        serde_json::to_string(self).unwrap_or_default()
    }

    /// SHA-256 of [`Definition::canonical_json`], as 64 lowercase hex digits: the identity every
    /// engine output names, so a result can always be traced to the exact definition.
    pub fn content_hash(&self) -> String {
        sha256_hex(&self.canonical_json())
    }

    /// The definition with its unordered parts in canonical order (calendar days and holidays),
    /// so equal meanings have equal canonical forms and hashes.
    pub fn normalized(mut self) -> Definition {
        if let Some(calendar) = &mut self.calendar {
            calendar.normalize();
        }
        self
    }

    /// Checks the rules that span fields (unique ids, id syntax, limits). Diagnostics carry
    /// paths but no spans; [`Definition::from_json`] adds spans when there is source text.
    pub fn check(&self) -> Vec<Diagnostic> {
        validate::check(self).into_iter().map(|(d, _)| d).collect()
    }
}

/// Validates a definition given as JSON text, collecting every problem.
///
/// Never fails: malformed JSON, limits and semantic problems all come back as diagnostics.
///
/// ```
/// let v = account_journey::validate_definition(r#"{"id": "j"}"#);
/// assert!(!v.ok);
/// assert!(v.diagnostics.iter().any(|d| d.code.as_str() == "missing-field"));
/// ```
pub fn validate_definition(text: &str) -> Validation {
    Validation::of(read(text, true).1)
}

/// As [`validate_definition`], for JSON text the caller did not write (a binding serialised
/// their object): diagnostics carry paths but no spans.
pub fn validate_serialized_definition(text: &str) -> Validation {
    Validation::of(read(text, false).1)
}

impl Document {
    /// Reads and validates a file holding one journey or several.
    ///
    /// ```
    /// use account_journey::definition::Document;
    /// let text = r#"{"id": "acme", "name": "Acme", "version": "1", "journeys": [
    ///   {"id": "net-new", "name": "Net-new", "version": "1", "stages": [{"id": "a", "name": "A", "kind": "pre-sale"}]},
    ///   {"id": "save", "name": "Save", "version": "1", "stages": [{"id": "at-risk", "name": "At risk", "kind": "post-sale"}]}],
    ///   "conflicts": [{"id": "c", "when": {"journey": "save", "stages": ["at-risk"]},
    ///                  "suppress": {"journey": "net-new", "stages": ["a"]}}]}"#;
    /// let (doc, diagnostics) = Document::from_json(text);
    /// assert!(diagnostics.is_empty());
    /// assert!(matches!(doc, Some(Document::Set(set)) if set.journeys.len() == 2));
    /// ```
    pub fn from_json(text: &str) -> (Option<Document>, Vec<Diagnostic>) {
        read(text, true)
    }

    /// As [`Document::from_json`], for text serialised from a caller's object (no spans).
    pub fn from_serialized_json(text: &str) -> (Option<Document>, Vec<Diagnostic>) {
        read(text, false)
    }
}

/// SHA-256 of a text as 64 lowercase hex digits.
pub(crate) fn sha256_hex(text: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(text.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// A single journey out of a document; a file with several is an error here.
fn single(
    (document, mut diagnostics): (Option<Document>, Vec<Diagnostic>),
) -> (Option<Definition>, Vec<Diagnostic>) {
    match document {
        Some(Document::Journey(def)) => (Some(def), diagnostics),
        Some(Document::Set(_)) => {
            diagnostics.push(Diagnostic::error(
                crate::Code::InvalidType,
                "/journeys",
                "this file holds several journeys: read it as a journey set (JourneySet)",
            ));
            (None, diagnostics)
        }
        None => (None, diagnostics),
    }
}

impl Validation {
    /// `ok` when no diagnostic is an error.
    pub fn of(diagnostics: Vec<Diagnostic>) -> Validation {
        Validation {
            ok: !diagnostics.iter().any(|d| d.severity == Severity::Error),
            diagnostics,
        }
    }
}

/// The diagnostic for a definition argument of the wrong kind (a number, `null`, `undefined`…),
/// shared by every binding so the message is the same everywhere. `found` names what was given.
pub fn not_a_definition(found: &str) -> Diagnostic {
    Diagnostic::error(
        crate::Code::InvalidArgument,
        "",
        format!("expected a journey definition (an object or JSON text), got {found}"),
    )
}

fn read(text: &str, spans: bool) -> (Option<Document>, Vec<Diagnostic>) {
    let node = match json::parse(text) {
        Ok(node) => node,
        Err(diagnostic) => {
            let diagnostic = if spans {
                diagnostic
            } else {
                diagnostic.with_span(None)
            };
            return (None, vec![diagnostic]);
        }
    };
    let mut reader = Reader::default();
    let is_set = matches!(&node.value, Value::Object(members) if members.iter().any(|m| m.key == "journeys"));
    let document = if is_set {
        reader
            .object(&node, "", "a journey file", &set::SET_FIELDS)
            .map(|root| Document::Set(set::read_set(&mut reader, &root)))
    } else {
        read_definition(&mut reader, &node, "").map(Document::Journey)
    };
    // The model is complete even where fields were missing or wrong (placeholders keep stage
    // indices stable), so the semantic rules run too. A rule's finding at or under a path that
    // reading already reported is a consequence of that problem, not a new one.
    let findings: Vec<(Diagnostic, Option<(usize, usize)>)> = match &document {
        Some(Document::Journey(def)) => validate::check(def),
        Some(Document::Set(set)) => set
            .journeys
            .iter()
            .enumerate()
            .flat_map(|(k, def)| {
                validate::check(def).into_iter().map(move |(mut d, inner)| {
                    d.path = format!("/journeys/{k}{}", d.path);
                    (d, inner)
                })
            })
            .chain(set::check_set(set).into_iter().map(|d| (d, None)))
            .collect(),
        None => Vec::new(),
    };
    let reported: BTreeSet<String> = reader
        .diagnostics
        .iter()
        .map(|(d, _)| d.path.clone())
        .collect();
    for (d, inner) in findings {
        let consequence = ancestors_or_self(&d.path).any(|p| reported.contains(p))
            // A warning about something that already has an error inside it is noise.
            || (d.severity == Severity::Warning && has_descendant(&reported, &d.path));
        if !consequence {
            let range = inner.and_then(|range| criterion_range(&node, &d.path, range));
            reader.push(d, range);
        }
    }
    if reader.dropped > 0 {
        reader.diagnostics.push((
            Diagnostic::error(
                crate::Code::LimitExceeded,
                "",
                format!(
                    "{} more problems not listed (at most {} are reported)",
                    reader.dropped,
                    read::MAX_DIAGNOSTICS
                ),
            ),
            None,
        ));
    }
    if reader.diagnostics.is_empty() {
        return (document.map(Document::normalized), Vec::new());
    }
    let map = spans.then(|| SourceMap::new(text));
    let diagnostics: Vec<Diagnostic> = reader
        .diagnostics
        .into_iter()
        .map(|(d, range)| {
            let span = map.as_ref().and_then(|map| {
                let range = range.or_else(|| node.pointer(&d.path).map(|n| (n.start, n.end)));
                range.map(|(start, end)| map.span(start, end))
            });
            d.with_span(span)
        })
        .collect();
    let has_errors = diagnostics.iter().any(|d| d.severity == Severity::Error);
    (
        document.filter(|_| !has_errors).map(Document::normalized),
        diagnostics,
    )
}

/// Where a range inside a criterion lies in the definition text: exact when the JSON string
/// holds no escapes (its text is the criterion's), else the whole string.
fn criterion_range(
    root: &Node,
    path: &str,
    (start, end): (usize, usize),
) -> Option<(usize, usize)> {
    let node = root.pointer(path)?;
    let Value::String(text) = &node.value else {
        return None;
    };
    let verbatim = node.end - node.start == text.len() + 2;
    Some(if verbatim {
        (node.start + 1 + start, node.start + 1 + end.max(start))
    } else {
        (node.start, node.end)
    })
}

/// Whether some path in `paths` lies strictly under `path`.
fn has_descendant(paths: &BTreeSet<String>, path: &str) -> bool {
    let prefix = format!("{path}/");
    paths
        .range(prefix.clone()..)
        .next()
        .is_some_and(|p| p.starts_with(&prefix))
}

/// `/a/b/c`, `/a/b`, `/a` and `` (the whole document): a JSON pointer and every ancestor.
fn ancestors_or_self(path: &str) -> impl Iterator<Item = &str> {
    std::iter::successors(Some(path), |p| p.rfind('/').and_then(|i| p.get(..i)))
}

/// Reads the definition; fields that are missing or invalid are reported and replaced by
/// placeholders, so the model is complete. `None` only when the root is not an object.
impl Document {
    fn normalized(self) -> Document {
        match self {
            Document::Journey(def) => Document::Journey(def.normalized()),
            Document::Set(mut set) => {
                set.journeys = set
                    .journeys
                    .into_iter()
                    .map(Definition::normalized)
                    .collect();
                Document::Set(set)
            }
        }
    }
}

fn read_definition(r: &mut Reader, node: &Node, base: &str) -> Option<Definition> {
    let root = r.object(node, base, "a journey definition", &ROOT_FIELDS)?;
    // `$schema` only helps editors; it is read so a wrong type is still reported.
    let _ = r.string(&root, "$schema", false);
    let id = r.string(&root, "id", true).unwrap_or_default();
    let name = r.string(&root, "name", true).unwrap_or_default();
    let version = r.string(&root, "version", true).unwrap_or_default();
    let owner = r.string(&root, "owner", false);
    let description = r.string(&root, "description", false);
    let effective_date = read_date(r, &root, "effectiveDate");
    let approvers = r
        .array(&root, "approvers", false)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(path, item)| r.string_item(&path, item))
        .collect();
    let stages = r
        .array(&root, "stages", true)
        .unwrap_or_default()
        .into_iter()
        // One past the limit is enough for `check` to report it; the rest is not read.
        .take(MAX_STAGES + 1)
        .map(|(path, item)| read_stage(r, item, &path))
        .collect();
    Some(Definition {
        id,
        name,
        version,
        owner,
        approvers,
        effective_date,
        description,
        calendar: rules::read_calendar(r, &root),
        scoring: scoring::read_scoring(r, &root),
        buying_group: buying_group::read_buying_group(r, &root),
        unmatched: read_unmatched(r, &root),
        stages,
    })
}

/// Reads one stage; a stage that is not even an object becomes an empty placeholder.
fn read_stage(r: &mut Reader, node: &Node, path: &str) -> Stage {
    let placeholder = Stage {
        id: String::new(),
        name: String::new(),
        kind: StageKind::PreSale,
        owner: None,
        description: None,
        entry_criteria: None,
        exit_criteria: None,
        max_dwell: None,
        sla: None,
        rejection: None,
        regress_to: Vec::new(),
        required_roles: Vec::new(),
        priority: None,
    };
    let Some(obj) = r.object(node, path, "a stage", &STAGE_FIELDS) else {
        return placeholder;
    };
    let kind = r.string(&obj, "kind", true).and_then(|kind| {
        let parsed = StageKind::from_name(&kind);
        if parsed.is_none() {
            let hint = read::did_you_mean(&kind, &StageKind::NAMES);
            r.error(
                crate::Code::InvalidValue,
                &crate::error::pointer_push(path, "kind"),
                None,
                format!(
                    "unknown stage kind \"{kind}\"; expected one of {}{hint}",
                    StageKind::NAMES.join(", ")
                ),
            );
        }
        parsed
    });
    Stage {
        id: r.string(&obj, "id", true).unwrap_or_default(),
        name: r.string(&obj, "name", true).unwrap_or_default(),
        kind: kind.unwrap_or(placeholder.kind),
        owner: r.string(&obj, "owner", false),
        description: r.string(&obj, "description", false),
        entry_criteria: behaviour::read_criterion(r, &obj, "entryCriteria"),
        exit_criteria: behaviour::read_criterion(r, &obj, "exitCriteria"),
        max_dwell: behaviour::read_max_dwell(r, &obj),
        sla: rules::read_sla(r, &obj),
        rejection: rules::read_rejection(r, &obj),
        regress_to: r.string_list(&obj, "regressTo"),
        required_roles: r.string_list(&obj, "requiredRoles"),
        priority: r.integer(&obj, "priority", -1000..=1000),
    }
}

fn read_unmatched(r: &mut Reader, obj: &Object<'_>) -> Unmatched {
    let Some(text) = r.string(obj, "unmatched", false) else {
        return Unmatched::default();
    };
    match text.as_str() {
        "gap" => Unmatched::Gap,
        "outside" => Unmatched::Outside,
        other => {
            let hint = read::did_you_mean(other, &Unmatched::NAMES);
            r.error(
                crate::Code::InvalidValue,
                &crate::error::pointer_push(&obj.path, "unmatched"),
                None,
                format!("\"unmatched\" is \"{other}\"; expected \"gap\" or \"outside\"{hint}"),
            );
            Unmatched::default()
        }
    }
}

fn read_date(r: &mut Reader, obj: &Object<'_>, key: &str) -> Option<NaiveDate> {
    let text = r.string(obj, key, false)?;
    let parsed = parse_date(&text);
    if parsed.is_none() {
        r.error(
            crate::Code::InvalidValue,
            &crate::error::pointer_push(&obj.path, key),
            None,
            format!("\"{text}\" is not a calendar date in the form YYYY-MM-DD"),
        );
    }
    parsed
}

/// Parses exactly `YYYY-MM-DD` into a real calendar date. (chrono's `parse_from_str` would do,
/// but pulls its whole format machinery, about 20 KB, into the .wasm.)
pub(crate) fn parse_date(text: &str) -> Option<NaiveDate> {
    let bytes = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| -> Option<u32> {
        let part = text.get(range)?;
        part.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    if bytes.len() != 10 || bytes.get(4) != Some(&b'-') || bytes.get(7) != Some(&b'-') {
        return None;
    }
    let year = i32::try_from(digits(0..4)?).ok()?;
    NaiveDate::from_ymd_opt(year, digits(5..7)?, digits(8..10)?)
}

/// `YYYY-MM-DD` (without chrono's format machinery, which costs 20 KB of wasm).
pub(crate) fn format_date(date: NaiveDate) -> String {
    use chrono::Datelike;
    format!("{:04}-{:02}-{:02}", date.year(), date.month(), date.day())
}

fn serialize_date<S: serde::Serializer>(
    date: &Option<NaiveDate>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match date {
        Some(d) => serializer.serialize_str(&format_date(*d)),
        None => serializer.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_strict_calendar_dates() {
        assert_eq!(
            parse_date("2026-02-28"),
            NaiveDate::from_ymd_opt(2026, 2, 28)
        );
        assert_eq!(
            parse_date("2024-02-29"),
            NaiveDate::from_ymd_opt(2024, 2, 29)
        );
        for bad in [
            "2026-02-29",
            "2026-13-01",
            "2026-1-01",
            "26-01-01",
            "2026/01/01",
            "+026-01-01",
            "2026-01-01T00:00",
            "",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
        let json = serde_json::to_string(&Definition {
            id: "x".into(),
            name: "X".into(),
            version: "1".into(),
            owner: None,
            approvers: vec![],
            effective_date: parse_date("2026-03-04"),
            description: None,
            calendar: None,
            buying_group: None,
            unmatched: Unmatched::Gap,
            scoring: None,
            stages: vec![],
        })
        .unwrap();
        assert!(json.contains(r#""effectiveDate":"2026-03-04""#), "{json}");
    }
}
