//! The events replay reads: marketing signals and CRM facts, one JSON object each, read
//! strictly (unknown fields, wrong types and missing required fields are errors for that
//! event, with its JSON pointer). It owns the event vocabulary (`docs/replay.md`) and the
//! reasons an event can be refused; what an event does to an account is `account`'s work.

use crate::error::{Code, Error, pointer_push};
use crate::expr::Data;
use crate::expr::data::parse_timestamp;
use crate::expr::types::{ACCOUNT, Ty};
use crate::json::{Node, Value};

/// One event, read and checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// The idempotency key, if the source gives one: a second event with the same key for the
    /// same account is a duplicate.
    pub id: Option<String>,
    /// The account id.
    pub account: String,
    /// When it happened, milliseconds since the epoch (offsets in the input are resolved).
    pub at: i64,
    /// What happened.
    pub kind: EventKind,
}

/// What an event says happened.
#[derive(Debug, Clone, PartialEq)]
pub enum EventKind {
    /// A marketing or product signal (page view, download, intent surge, meeting, renewal, …):
    /// a signal object of the account context, as criteria and scores read it.
    Signal(Data),
    /// New firmographic facts (`firmographics`: resolution): the fields given, by position.
    Firmographics(Vec<(usize, Data)>),
    /// New account facts (`account`: target list, segment, owner, …), by position.
    Account(Vec<(usize, Data)>),
    /// A buying-group member added or updated (`contact`): a contact object.
    Contact(Data),
    /// Sales accepted the account (`sales_accepted`).
    SalesAccepted,
    /// Sales rejected the account with a reason code (`sales_rejected`).
    SalesRejected {
        /// The reason code.
        reason: String,
    },
    /// An opportunity was opened (`opportunity_created`).
    OpportunityCreated {
        /// Its amount, if known.
        amount: Option<f64>,
        /// Its CRM stage name, if given.
        stage: Option<String>,
    },
    /// The opportunity closed won (`opportunity_won`).
    OpportunityWon {
        /// The amount won, if known.
        amount: Option<f64>,
    },
    /// The opportunity closed lost (`opportunity_lost`).
    OpportunityLost {
        /// The CRM's loss reason, if given.
        reason: Option<String>,
    },
    /// The customer left (`churn`).
    Churn,
    /// Someone set the stage by hand (`stage_override`).
    Override {
        /// The stage id.
        stage: String,
        /// Who did it.
        by: String,
        /// Why, if said.
        reason: Option<String>,
    },
}

impl EventKind {
    /// The event's type as written in the input.
    pub fn type_name(&self) -> &str {
        match self {
            EventKind::Signal(signal) => signal_type(signal).unwrap_or("signal"),
            EventKind::Firmographics(_) => "firmographics",
            EventKind::Account(_) => "account",
            EventKind::Contact(_) => "contact",
            EventKind::SalesAccepted => "sales_accepted",
            EventKind::SalesRejected { .. } => "sales_rejected",
            EventKind::OpportunityCreated { .. } => "opportunity_created",
            EventKind::OpportunityWon { .. } => "opportunity_won",
            EventKind::OpportunityLost { .. } => "opportunity_lost",
            EventKind::Churn => "churn",
            EventKind::Override { .. } => "stage_override",
        }
    }
}

/// A signal object's type.
fn signal_type(signal: &Data) -> Option<&str> {
    match signal {
        Data::Object(fields) => match fields.first() {
            Some(Data::String(kind)) => Some(kind),
            _ => None,
        },
        _ => None,
    }
}

/// Why an event was not applied: stable codes, documented in `docs/replay.md`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Refusal {
    /// The event does not read: not an object, a field missing or of the wrong type.
    InvalidEvent,
    /// Another event for the same account had the same `id`.
    Duplicate,
    /// The account is not in the accounts the caller listed.
    UnknownAccount,
    /// Older than the account's replayed history (only when continuing from saved state).
    Late,
    /// After the replay's `asOf`.
    AfterAsOf,
    /// A stage override names a stage the journey does not have.
    UnknownStage,
    /// A rejection's reason is not one of the stage's declared reason codes.
    UnknownReasonCode,
}

impl Refusal {
    /// Every refusal, in documentation order.
    pub const ALL: [Refusal; 7] = [
        Refusal::InvalidEvent,
        Refusal::Duplicate,
        Refusal::UnknownAccount,
        Refusal::Late,
        Refusal::AfterAsOf,
        Refusal::UnknownStage,
        Refusal::UnknownReasonCode,
    ];

    /// The stable code.
    pub fn as_str(self) -> &'static str {
        match self {
            Refusal::InvalidEvent => "invalid-event",
            Refusal::Duplicate => "duplicate",
            Refusal::UnknownAccount => "unknown-account",
            Refusal::Late => "late",
            Refusal::AfterAsOf => "after-as-of",
            Refusal::UnknownStage => "unknown-stage",
            Refusal::UnknownReasonCode => "unknown-reason-code",
        }
    }

    pub(crate) fn from_index(i: u8) -> Option<Refusal> {
        Refusal::ALL.get(usize::from(i)).copied()
    }

    pub(crate) fn index(self) -> u8 {
        Refusal::ALL.iter().position(|r| *r == self).unwrap_or(0) as u8
    }
}

/// An event that could not be read: the error, and its account and id when those could be.
#[derive(Debug, Clone, PartialEq)]
pub struct Unreadable {
    /// What is wrong, with the JSON pointer of the field.
    pub error: Error,
    /// The event's `account`, if it is a string.
    pub account: Option<String>,
    /// The event's `id`, if it is a string.
    pub id: Option<String>,
}

impl From<Error> for Unreadable {
    fn from(error: Error) -> Unreadable {
        Unreadable {
            error,
            account: None,
            id: None,
        }
    }
}

/// As [`read_event`], keeping the account and id of an event that does not read, so its
/// refusal can name them.
///
/// # Errors
/// As [`read_event`].
pub fn read_event_keyed(node: &Node, path: &str) -> Result<Event, Unreadable> {
    read_event(node, path).map_err(|error| unreadable(node, error))
}

/// An event's refusal for `error`, with its `account` and `id` when they are strings.
pub fn unreadable(node: &Node, error: Error) -> Unreadable {
    let text = |key: &str| match &node.value {
        Value::Object(members) => members.iter().find_map(|m| match &m.value.value {
            Value::String(s) if m.key == key => Some(s.clone()),
            _ => None,
        }),
        _ => None,
    };
    Unreadable {
        error,
        account: text("account"),
        id: text("id"),
    }
}

/// The account context's type for a field of the root (`firmographics`, `account`, …).
fn root_ty(name: &str) -> Ty {
    Ty::Object(ACCOUNT)
        .field(name)
        .map_or(Ty::Null, |(_, f)| f.ty)
}

/// Fields every event may carry.
const COMMON: [&str; 4] = ["id", "account", "at", "type"];

/// Reads one event from its JSON value; `path` is where it sits in the input (`/12`).
///
/// # Errors
/// `invalid-value` or `invalid-type` with the pointer of the field at fault: an event that is
/// not an object, an absent or empty `account`, an `at` that is not an RFC 3339 timestamp,
/// an unknown field, a rejection without a `reason`, an override without `stage` or `by`.
pub fn read_event(node: &Node, path: &str) -> Result<Event, Error> {
    let Value::Object(members) = &node.value else {
        return Err(Error::new(
            Code::InvalidType,
            path,
            format!(
                "an event must be an object, found {}",
                node.value.type_name()
            ),
        ));
    };
    read_members(&Tree(members), path)
}

/// A member's value as an event's reading looks at it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Scalar<'a> {
    Null,
    Number(f64),
    Text(&'a str),
    /// A time already in milliseconds: only columns give one, for `at` (`columns`).
    Time(i64),
    /// Any other value: its JSON type's name (`json::Value::type_name`).
    Other(&'static str),
}

impl Scalar<'_> {
    fn type_name(self) -> &'static str {
        match self {
            Scalar::Null => "null",
            Scalar::Number(_) => "a number",
            Scalar::Text(_) => "a string",
            Scalar::Time(_) => "a timestamp",
            Scalar::Other(name) => name,
        }
    }
}

/// An event object's members, the first of duplicate keys counting: a JSON tree's, or a flat
/// line's read without one (`flat`).
pub(crate) trait Members {
    /// The value of the first member named `key`.
    fn get(&self, key: &str) -> Option<Scalar<'_>>;
    /// The first member named `key` as a tree (facts and contacts are objects); `None` where
    /// there is no tree.
    fn node(&self, key: &str) -> Option<&Node>;
    /// The first key, in source order, that `known` does not accept.
    fn unknown(&self, known: &dyn Fn(&str) -> bool) -> Option<&str>;
}

/// A JSON tree's members.
struct Tree<'a>(&'a [crate::json::Member]);

impl Members for Tree<'_> {
    fn get(&self, key: &str) -> Option<Scalar<'_>> {
        self.node(key).map(|n| match &n.value {
            Value::Null => Scalar::Null,
            Value::Number(n) => Scalar::Number(*n),
            Value::String(s) => Scalar::Text(s),
            other => Scalar::Other(other.type_name()),
        })
    }

    fn node(&self, key: &str) -> Option<&Node> {
        self.0.iter().find(|m| m.key == key).map(|m| &m.value)
    }

    fn unknown(&self, known: &dyn Fn(&str) -> bool) -> Option<&str> {
        self.0.iter().map(|m| m.key.as_str()).find(|k| !known(k))
    }
}

/// Reads one event from its members ([`read_event`]'s work).
pub(crate) fn read_members(members: &dyn Members, path: &str) -> Result<Event, Error> {
    let at_path = |key: &str| pointer_push(path, key);
    let text = |key: &str, required: bool| -> Result<Option<&str>, Error> {
        match members.get(key) {
            None | Some(Scalar::Null) if required => Err(Error::new(
                Code::MissingField,
                at_path(key),
                format!("an event needs \"{key}\""),
            )),
            None | Some(Scalar::Null) => Ok(None),
            Some(Scalar::Text("")) => Err(Error::new(
                Code::InvalidValue,
                at_path(key),
                format!("\"{key}\" must not be empty"),
            )),
            Some(Scalar::Text(s)) => Ok(Some(s)),
            Some(other) => Err(Error::new(
                Code::InvalidType,
                at_path(key),
                format!("\"{key}\" must be a string, found {}", other.type_name()),
            )),
        }
    };
    let owned = |key: &str, required: bool| Ok::<_, Error>(text(key, required)?.map(String::from));
    let number = |key: &str| -> Result<Option<f64>, Error> {
        match members.get(key) {
            None | Some(Scalar::Null) => Ok(None),
            Some(Scalar::Number(n)) if n >= 0.0 && n.is_finite() => Ok(Some(n)),
            Some(Scalar::Number(n)) => Err(Error::new(
                Code::InvalidValue,
                at_path(key),
                format!(
                    "\"{key}\" must be 0 or more, found {}",
                    crate::expr::data::number_exact(n)
                ),
            )),
            Some(other) => Err(Error::new(
                Code::InvalidType,
                at_path(key),
                format!("\"{key}\" must be a number, found {}", other.type_name()),
            )),
        }
    };
    let kind_name = text("type", true)?.unwrap_or_default();
    let account = owned("account", true)?.unwrap_or_default();
    let id = owned("id", false)?;
    let at = match members.get("at") {
        Some(Scalar::Time(ms)) => ms,
        _ => {
            let at_text = text("at", true)?.unwrap_or_default();
            parse_timestamp(at_text).ok_or_else(|| {
                Error::new(
                    Code::InvalidValue,
                    at_path("at"),
                    format!("\"{at_text}\" is not an RFC 3339 timestamp or YYYY-MM-DD date"),
                )
            })?
        }
    };
    // The fields each kind may carry besides the common ones.
    let allowed: &[&str] = match kind_name {
        "firmographics" => &["firmographics"],
        "account" => &["facts"],
        "contact" => &["contact"],
        "sales_accepted" | "churn" => &[],
        "sales_rejected" => &["reason"],
        "opportunity_created" => &["amount", "stage"],
        "opportunity_won" => &["amount"],
        "opportunity_lost" => &["reason"],
        "stage_override" => &["stage", "by", "reason"],
        "renewal" | "expansion" => &["contact", "topic", "amount"],
        _ => &["contact", "topic", "strength", "value"],
    };
    if let Some(unknown) = members.unknown(&|k| COMMON.contains(&k) || allowed.contains(&k)) {
        let expected = if allowed.is_empty() {
            "no other fields".to_string()
        } else {
            allowed.join(", ")
        };
        return Err(Error::new(
            Code::UnknownField,
            at_path(unknown),
            format!(
                "unknown field \"{unknown}\" for a \"{kind_name}\" event (it takes {expected})"
            ),
        ));
    }
    let field = |key: &str| members.node(key);
    let facts = |key: &str, group: &str| -> Result<Vec<(usize, Data)>, Error> {
        let node = field(key).ok_or_else(|| {
            Error::new(
                Code::MissingField,
                at_path(key),
                format!("a \"{kind_name}\" event needs \"{key}\""),
            )
        })?;
        let ty = root_ty(group);
        let Value::Object(given) = &node.value else {
            return Err(Error::new(
                Code::InvalidType,
                at_path(key),
                format!(
                    "\"{key}\" must be an object, found {}",
                    node.value.type_name()
                ),
            ));
        };
        let Ty::Object(fields) = ty else {
            return Ok(Vec::new());
        };
        let mut out = Vec::with_capacity(given.len());
        for member in given {
            let member_path = pointer_push(&at_path(key), &member.key);
            let Some((i, f)) = ty.field(&member.key) else {
                let names: Vec<&str> = fields.iter().map(|f| f.name).collect();
                return Err(Error::new(
                    Code::UnknownField,
                    member_path,
                    format!(
                        "unknown {group} field \"{}\" (known: {})",
                        member.key,
                        names.join(", ")
                    ),
                ));
            };
            let value = Data::from_json_node(&member.value, f.ty, &member_path)?;
            if let Data::Number(n) = value
                && !f.range.contains(n)
            {
                return Err(Error::new(
                    Code::InvalidValue,
                    member_path,
                    format!(
                        "{} must be {}, found {}",
                        member.key,
                        f.range.describe(),
                        crate::expr::data::number_exact(n)
                    ),
                ));
            }
            out.push((i, value));
        }
        Ok(out)
    };
    let kind = match kind_name {
        "firmographics" => EventKind::Firmographics(facts("firmographics", "firmographics")?),
        "account" => {
            let facts = facts("facts", "account")?;
            if facts.iter().any(|(i, _)| *i == 0) {
                return Err(Error::new(
                    Code::InvalidValue,
                    pointer_push(&at_path("facts"), "id"),
                    "an account event cannot change the account's id",
                ));
            }
            EventKind::Account(facts)
        }
        "contact" => {
            let node = field("contact").ok_or_else(|| {
                Error::new(
                    Code::MissingField,
                    at_path("contact"),
                    "a \"contact\" event needs \"contact\"",
                )
            })?;
            // Read as a list element is: the contact's `id` is required.
            EventKind::Contact(crate::expr::data::read_element(
                node,
                crate::expr::types::contact_ty(),
                &at_path("contact"),
            )?)
        }
        "sales_accepted" => EventKind::SalesAccepted,
        "churn" => EventKind::Churn,
        "sales_rejected" => EventKind::SalesRejected {
            reason: owned("reason", true)?.unwrap_or_default(),
        },
        "opportunity_created" => EventKind::OpportunityCreated {
            amount: number("amount")?,
            stage: owned("stage", false)?,
        },
        "opportunity_won" => EventKind::OpportunityWon {
            amount: number("amount")?,
        },
        "opportunity_lost" => EventKind::OpportunityLost {
            reason: owned("reason", false)?,
        },
        "stage_override" => EventKind::Override {
            stage: owned("stage", true)?.unwrap_or_default(),
            by: owned("by", true)?.unwrap_or_default(),
            reason: owned("reason", false)?,
        },
        signal => {
            let strength = match members.get("strength") {
                None | Some(Scalar::Null) => None,
                Some(Scalar::Number(n)) if (0.0..=100.0).contains(&n) => Some(n),
                Some(Scalar::Number(n)) => {
                    return Err(Error::new(
                        Code::InvalidValue,
                        at_path("strength"),
                        format!(
                            "\"strength\" must be from 0 to 100, found {}",
                            crate::expr::data::number_exact(n)
                        ),
                    ));
                }
                Some(other) => {
                    return Err(Error::new(
                        Code::InvalidType,
                        at_path("strength"),
                        format!("\"strength\" must be a number, found {}", other.type_name()),
                    ));
                }
            };
            let value = if matches!(signal, "renewal" | "expansion") {
                number("amount")?
            } else {
                number("value")?
            };
            let some = |x: Option<&str>| x.map_or(Data::Null, |s| Data::String(s.into()));
            let num = |x: Option<f64>| x.map_or(Data::Null, Data::Number);
            EventKind::Signal(Data::Object(vec![
                Data::String(signal.into()),
                Data::Timestamp(at),
                some(text("topic", false)?),
                num(strength),
                some(text("contact", false)?),
                num(value),
            ]))
        }
    };
    Ok(Event {
        id,
        account,
        at,
        kind,
    })
}
