//! Types of the criteria language and the account context schema expressions are checked
//! against. The schema is static data: field names resolve to positions at compile time, so
//! evaluation reads fields by index, never by name.

use std::fmt;

/// The type of a value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Ty {
    /// The type of the `null` literal (compatible with anything in `==` / `!=`).
    Null,
    /// `true` / `false`.
    Bool,
    /// An IEEE double.
    Number,
    /// Text.
    String,
    /// A point in time (milliseconds since the Unix epoch, UTC).
    Timestamp,
    /// A length of time (milliseconds).
    Duration,
    /// A list whose elements have one type.
    List(&'static Ty),
    /// An object with the given fields, in order.
    Object(&'static [Field]),
}

/// One field of an object type.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Field {
    /// The name as written in expressions and JSON.
    pub name: &'static str,
    /// Its type.
    pub ty: Ty,
    /// Whether it may be absent (`null`).
    pub nullable: bool,
    /// The range a number must lie in, when it has one.
    pub range: Range,
}

/// Where a number field's values must lie: input outside it is an error for that account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Range {
    /// Any finite number.
    Any,
    /// 0 or more (counts, amounts, employees).
    NonNegative,
    /// 0 to 100 (scores, signal strength).
    Percent,
    /// 0 to 1 (ratios).
    Ratio,
}

impl Range {
    /// Whether `n` lies in the range.
    #[inline(always)]
    pub fn contains(self, n: f64) -> bool {
        match self {
            Range::Any => n.is_finite(),
            Range::NonNegative => n >= 0.0 && n.is_finite(),
            Range::Percent => (0.0..=100.0).contains(&n),
            Range::Ratio => (0.0..=1.0).contains(&n),
        }
    }

    /// The range in words, for messages.
    pub fn describe(self) -> &'static str {
        match self {
            Range::Any => "a finite number",
            Range::NonNegative => "0 or more",
            Range::Percent => "from 0 to 100",
            Range::Ratio => "from 0 to 1",
        }
    }
}

impl Ty {
    /// The field of an object type by name, with its position.
    pub fn field(self, name: &str) -> Option<(usize, &'static Field)> {
        match self {
            Ty::Object(fields) => fields.iter().enumerate().find(|(_, f)| f.name == name),
            _ => None,
        }
    }

    /// Whether values of the two types can be compared with `==`.
    pub(crate) fn comparable(self, other: Ty) -> bool {
        match (self, other) {
            (Ty::Null, _) | (_, Ty::Null) => true,
            (Ty::List(a), Ty::List(b)) => a.comparable(*b),
            (Ty::Object(a), Ty::Object(b)) => std::ptr::eq(a, b),
            (a, b) => a == b,
        }
    }
}

impl fmt::Display for Ty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ty::Null => f.write_str("null"),
            Ty::Bool => f.write_str("bool"),
            Ty::Number => f.write_str("number"),
            Ty::String => f.write_str("string"),
            Ty::Timestamp => f.write_str("timestamp"),
            Ty::Duration => f.write_str("duration"),
            Ty::List(t) => write!(f, "list<{t}>"),
            Ty::Object(fields) => {
                let names: Vec<&str> = fields.iter().map(|x| x.name).collect();
                write!(f, "object {{{}}}", names.join(", "))
            }
        }
    }
}

pub(crate) static NULL: Ty = Ty::Null;
pub(crate) static BOOL: Ty = Ty::Bool;
pub(crate) static NUMBER: Ty = Ty::Number;
pub(crate) static STRING: Ty = Ty::String;
pub(crate) static TIMESTAMP: Ty = Ty::Timestamp;
pub(crate) static DURATION: Ty = Ty::Duration;

/// The `'static` element type for a list literal's element type (nested lists and objects are
/// not list-literal elements).
pub(crate) fn static_scalar(ty: Ty) -> Option<&'static Ty> {
    Some(match ty {
        Ty::Null => &NULL,
        Ty::Bool => &BOOL,
        Ty::Number => &NUMBER,
        Ty::String => &STRING,
        Ty::Timestamp => &TIMESTAMP,
        Ty::Duration => &DURATION,
        Ty::List(_) | Ty::Object(_) => return None,
    })
}

const fn req(name: &'static str, ty: Ty) -> Field {
    Field {
        name,
        ty,
        nullable: false,
        range: Range::Any,
    }
}

const fn opt(name: &'static str, ty: Ty) -> Field {
    Field {
        name,
        ty,
        nullable: true,
        range: Range::Any,
    }
}

impl Field {
    const fn within(self, range: Range) -> Field {
        Field { range, ..self }
    }
}

static SIGNAL: Ty = Ty::Object(&[
    req("type", Ty::String),
    req("at", Ty::Timestamp),
    opt("topic", Ty::String),
    opt("strength", Ty::Number).within(Range::Percent),
    opt("contact", Ty::String),
    opt("value", Ty::Number).within(Range::NonNegative),
]);

static CONTACT: Ty = Ty::Object(&[
    req("id", Ty::String),
    opt("role", Ty::String),
    opt("name", Ty::String),
    opt("title", Ty::String),
]);

/// A signal's type (an element of `signals`).
#[cfg(test)]
pub(crate) fn signal_ty() -> Ty {
    SIGNAL
}

/// A contact of the account context (an element of `contacts`).
pub(crate) fn contact_ty() -> Ty {
    CONTACT
}

/// The account context: what criteria can read (documented in `docs/criteria-language.md`).
pub static ACCOUNT: &[Field] = &[
    req("asOf", Ty::Timestamp),
    opt("stage", Ty::String),
    opt("daysInStage", Ty::Number),
    req(
        "account",
        Ty::Object(&[
            req("id", Ty::String),
            opt("name", Ty::String),
            opt("domain", Ty::String),
            opt("segment", Ty::String),
            opt("owner", Ty::String),
            opt("motion", Ty::String),
            opt("productLine", Ty::String),
            req("target", Ty::Bool),
        ]),
    ),
    req(
        "firmographics",
        Ty::Object(&[
            req("resolved", Ty::Bool),
            opt("industry", Ty::String),
            opt("country", Ty::String),
            opt("employees", Ty::Number).within(Range::NonNegative),
            opt("revenue", Ty::Number).within(Range::NonNegative),
            req("techStack", Ty::List(&STRING)),
        ]),
    ),
    req(
        "score",
        Ty::Object(&[
            req("composite", Ty::Number).within(Range::Percent),
            opt("fit", Ty::Number).within(Range::Percent),
            opt("intent", Ty::Number).within(Range::Percent),
            opt("engagement", Ty::Number).within(Range::Percent),
            opt("usage", Ty::Number).within(Range::Percent),
            opt("relationship", Ty::Number).within(Range::Percent),
        ]),
    ),
    req("signals", Ty::List(&SIGNAL)),
    req("contacts", Ty::List(&CONTACT)),
    req(
        "buyingGroup",
        Ty::Object(&[
            req("roles", Ty::List(&STRING)),
            req("engagedRoles", Ty::List(&STRING)),
            req("engagedContacts", Ty::Number).within(Range::NonNegative),
            opt("coverage", Ty::Number).within(Range::Ratio),
            req("missingRoles", Ty::List(&STRING)),
        ]),
    ),
    req(
        "crm",
        Ty::Object(&[
            req("salesAccepted", Ty::Bool),
            req("rejected", Ty::Bool),
            opt("rejectionReason", Ty::String),
            req("won", Ty::Bool),
            req("lost", Ty::Bool),
            req("churned", Ty::Bool),
            opt("customerSince", Ty::Timestamp),
            req(
                "opportunity",
                Ty::Object(&[
                    req("open", Ty::Bool),
                    opt("amount", Ty::Number).within(Range::NonNegative),
                    opt("stage", Ty::String),
                    opt("createdAt", Ty::Timestamp),
                ]),
            ),
        ]),
    ),
];

/// The account context's schema as JSON text, for callers that check or build accounts
/// outside the engine: an object maps field names to their schemas, a list is `[element]`,
/// and a scalar is its type — `bool`, `number`, `string`, `timestamp`, `duration` — then
/// `:0+`, `:0-100` or `:0-1` for a number's range, and `!` when it is required (in a list
/// element it must be present and not null; at the account's level an absent required flag
/// reads `false`).
///
/// ```
/// let schema = account_journey::expr::types::account_schema_json();
/// assert!(schema.contains(r#""employees":"number:0+""#));
/// assert!(schema.contains(r#""signals":[{"type":"string!""#));
/// ```
pub fn account_schema_json() -> String {
    fn write(out: &mut String, ty: Ty, field: Option<&Field>) {
        match ty {
            Ty::Object(fields) => {
                out.push('{');
                for (i, f) in fields.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push('"');
                    out.push_str(f.name);
                    out.push_str("\":");
                    write(out, f.ty, Some(f));
                }
                out.push('}');
            }
            Ty::List(elem) => {
                out.push('[');
                write(out, *elem, None);
                out.push(']');
            }
            scalar => {
                out.push('"');
                out.push_str(match scalar {
                    Ty::Bool => "bool",
                    Ty::Number => "number",
                    Ty::Timestamp => "timestamp",
                    Ty::Duration => "duration",
                    _ => "string",
                });
                out.push_str(match field.map(|f| f.range) {
                    Some(Range::NonNegative) => ":0+",
                    Some(Range::Percent) => ":0-100",
                    Some(Range::Ratio) => ":0-1",
                    _ => "",
                });
                if field.is_some_and(|f| !f.nullable) {
                    out.push('!');
                }
                out.push('"');
            }
        }
    }
    let mut out = String::new();
    write(&mut out, Ty::Object(ACCOUNT), None);
    out
}

/// Positions of the account fields the engine reads itself (scoring, buying groups), not
/// through criteria: objects are positional, in schema order.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Layout {
    pub as_of: usize,
    pub days_in_stage: usize,
    pub score: usize,
    pub signals: usize,
    pub contacts: usize,
    pub buying_group: usize,
    pub signal_type: usize,
    pub signal_at: usize,
    pub signal_strength: usize,
    pub signal_contact: usize,
    pub signal_value: usize,
    pub signal_topic: usize,
    pub contact_id: usize,
    pub contact_role: usize,
    pub score_fit: usize,
    pub engaged_roles: usize,
}

const LAYOUT: Layout = Layout {
    as_of: 0,
    days_in_stage: 2,
    score: 5,
    signals: 6,
    contacts: 7,
    buying_group: 8,
    signal_type: 0,
    signal_at: 1,
    signal_strength: 3,
    signal_contact: 4,
    signal_value: 5,
    signal_topic: 2,
    contact_id: 0,
    contact_role: 1,
    score_fit: 1,
    engaged_roles: 1,
};

/// The positions (checked against the schema by a test).
pub(crate) fn layout() -> &'static Layout {
    &LAYOUT
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_layout_matches_the_schema() {
        let root = Ty::Object(ACCOUNT);
        let at = |ty: Ty, name: &str| ty.field(name).unwrap().0;
        let ty = |name: &str| root.field(name).unwrap().1.ty;
        let elem = |name: &str| match ty(name) {
            Ty::List(e) => *e,
            _ => Ty::Null,
        };
        let l = layout();
        assert_eq!(l.as_of, at(root, "asOf"));
        assert_eq!(l.days_in_stage, at(root, "daysInStage"));
        assert_eq!(l.score, at(root, "score"));
        assert_eq!(l.signals, at(root, "signals"));
        assert_eq!(l.contacts, at(root, "contacts"));
        assert_eq!(l.buying_group, at(root, "buyingGroup"));
        assert_eq!(l.signal_type, at(elem("signals"), "type"));
        assert_eq!(l.signal_at, at(elem("signals"), "at"));
        assert_eq!(l.signal_strength, at(elem("signals"), "strength"));
        assert_eq!(l.signal_contact, at(elem("signals"), "contact"));
        assert_eq!(l.signal_value, at(elem("signals"), "value"));
        assert_eq!(l.signal_topic, at(elem("signals"), "topic"));
        assert_eq!(l.contact_id, at(elem("contacts"), "id"));
        assert_eq!(l.contact_role, at(elem("contacts"), "role"));
        assert_eq!(l.score_fit, at(ty("score"), "fit"));
        assert_eq!(l.engaged_roles, at(ty("buyingGroup"), "engagedRoles"));
        let Ty::Object(group) = ty("buyingGroup") else {
            panic!()
        };
        let names: Vec<&str> = group.iter().map(|f| f.name).collect();
        assert_eq!(
            names,
            [
                "roles",
                "engagedRoles",
                "engagedContacts",
                "coverage",
                "missingRoles"
            ]
        );
    }
}
