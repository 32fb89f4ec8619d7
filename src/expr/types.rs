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
    }
}

const fn opt(name: &'static str, ty: Ty) -> Field {
    Field {
        name,
        ty,
        nullable: true,
    }
}

static SIGNAL: Ty = Ty::Object(&[
    req("type", Ty::String),
    req("at", Ty::Timestamp),
    opt("topic", Ty::String),
    opt("strength", Ty::Number),
    opt("contact", Ty::String),
    opt("value", Ty::Number),
]);

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
            opt("employees", Ty::Number),
            opt("revenue", Ty::Number),
            req("techStack", Ty::List(&STRING)),
        ]),
    ),
    req(
        "score",
        Ty::Object(&[
            req("composite", Ty::Number),
            opt("fit", Ty::Number),
            opt("intent", Ty::Number),
            opt("engagement", Ty::Number),
            opt("usage", Ty::Number),
            opt("relationship", Ty::Number),
        ]),
    ),
    req("signals", Ty::List(&SIGNAL)),
    req(
        "buyingGroup",
        Ty::Object(&[
            req("roles", Ty::List(&STRING)),
            req("engagedRoles", Ty::List(&STRING)),
            req("engagedContacts", Ty::Number),
            opt("coverage", Ty::Number),
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
                    opt("amount", Ty::Number),
                    opt("stage", Ty::String),
                    opt("createdAt", Ty::Timestamp),
                ]),
            ),
        ]),
    ),
];
