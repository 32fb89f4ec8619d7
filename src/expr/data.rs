//! Values as the engine holds them: account data shaped by the schema (objects are positional,
//! in schema order), timestamps and durations as milliseconds; reading them from JSON and
//! printing them back in canonical text.

use chrono::{DateTime, Datelike, NaiveDate, Timelike};

use super::lex::UNITS;
use super::types::{ACCOUNT, Field, Ty};
use super::{ExprError, MAX_DURATION_MS, Span};
use crate::Code;
use crate::error::pointer_push;
use crate::json::{self, Node, Value};

/// A value: account data, or an expression's result.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Data {
    /// Absent.
    #[default]
    Null,
    /// A boolean.
    Bool(bool),
    /// A number.
    Number(f64),
    /// Text.
    String(Box<str>),
    /// Milliseconds since 1970-01-01T00:00:00Z.
    Timestamp(i64),
    /// Milliseconds.
    Duration(i64),
    /// A list.
    List(Vec<Data>),
    /// An object's field values in schema order.
    Object(Vec<Data>),
}

impl Data {
    /// Reads an account context from JSON text, checking it against the account schema: fields
    /// absent are `null` (lists: empty), timestamps are RFC 3339 strings or `YYYY-MM-DD`.
    ///
    /// # Errors
    /// An [`ExprError`] naming the JSON pointer of the first field that does not fit the schema
    /// (unknown field, wrong type, bad timestamp).
    pub fn account_from_json(text: &str) -> Result<Data, ExprError> {
        let node =
            json::parse(text).map_err(|d| ExprError::new(d.code, Span::new(0, 0), d.message))?;
        Data::from_json_node(&node, Ty::Object(ACCOUNT), "").map_err(|e| {
            ExprError::new(
                e.code(),
                Span::new(0, 0),
                format!("{}: {}", e.path(), e.message()),
            )
        })
    }

    /// Reads an account context from JSON text, as of `as_of` (RFC 3339 or `YYYY-MM-DD`), which
    /// replaces any `asOf` in the text: the caller always says when.
    ///
    /// # Errors
    /// An [`crate::Error`] with the JSON pointer of the first field that does not fit the
    /// schema (`invalid-value`), or `invalid-argument` when `as_of` is not a timestamp.
    pub fn account_from_json_at(text: &str, as_of: &str) -> Result<Data, crate::Error> {
        let at = parse_timestamp(as_of).ok_or_else(|| {
            crate::Error::new(
                Code::InvalidArgument,
                "",
                format!("asOf: \"{as_of}\" is not an RFC 3339 timestamp or YYYY-MM-DD date"),
            )
        })?;
        let node = json::parse(text).map_err(crate::Error::from)?;
        Ok(Data::from_json_node(&node, Ty::Object(ACCOUNT), "")?.with_as_of(at))
    }

    /// The same account context as of another date (milliseconds since the epoch).
    pub fn with_as_of(&self, as_of: i64) -> Data {
        let mut account = self.clone();
        if let Data::Object(fields) = &mut account
            && let Some(slot) = fields.first_mut()
        {
            *slot = Data::Timestamp(as_of);
        }
        account
    }

    /// Reads a JSON value as a value of type `ty`.
    ///
    /// # Errors
    /// As [`Data::account_from_json`].
    pub fn from_json_node(node: &Node, ty: Ty, path: &str) -> Result<Data, crate::Error> {
        read_node(node, ty, &Pointer::Root(path), false)
    }

    /// The value as JSON, given its type (objects are positional and need the schema for their
    /// names): timestamps as RFC 3339 UTC text, durations in canonical form.
    pub fn to_json(&self, ty: Ty) -> Value {
        let node = |value| json::Node {
            value,
            start: 0,
            end: 0,
        };
        match self {
            Data::Null => Value::Null,
            Data::Bool(b) => Value::Bool(*b),
            Data::Number(n) => Value::Number(*n),
            Data::String(s) => Value::String(s.to_string()),
            Data::Timestamp(ms) => Value::String(format_timestamp(*ms)),
            Data::Duration(ms) => Value::String(format_duration(*ms)),
            Data::List(items) => {
                let elem = match ty {
                    Ty::List(elem) => *elem,
                    _ => Ty::Null,
                };
                Value::Array(items.iter().map(|d| node(d.to_json(elem))).collect())
            }
            Data::Object(values) => {
                let fields = match ty {
                    Ty::Object(fields) => fields,
                    _ => &[],
                };
                Value::Object(
                    fields
                        .iter()
                        .zip(values)
                        .map(|(field, value)| json::Member {
                            key: field.name.to_string(),
                            key_start: 0,
                            key_end: 0,
                            value: node(value.to_json(field.ty)),
                        })
                        .collect(),
                )
            }
        }
    }
}

/// The positions of a dotted path in the account schema (`crm.opportunity.amount`); empty
/// when it does not exist.
pub(crate) fn schema_path(dotted: &str) -> Vec<usize> {
    let mut ty = Ty::Object(ACCOUNT);
    let mut out = Vec::new();
    for name in dotted.split('.') {
        let Some((i, field)) = ty.field(name) else {
            return Vec::new();
        };
        out.push(i);
        ty = field.ty;
    }
    out
}

/// The value at `path` (positions in the schema) in an account context, if there is one.
pub(crate) fn get_path<'a>(account: &'a Data, path: &[usize]) -> Option<&'a Data> {
    let mut value = account;
    for &i in path {
        let Data::Object(fields) = value else {
            return None;
        };
        value = fields.get(i)?;
    }
    Some(value)
}

/// Replaces the value at `path` (positions in the schema) in an account context; a path that
/// does not fit the context changes nothing.
pub(crate) fn set_path(account: &mut Data, path: &[usize], value: Data) {
    let mut slot = account;
    for &i in path {
        let Data::Object(fields) = slot else { return };
        let Some(next) = fields.get_mut(i) else {
            return;
        };
        slot = next;
    }
    *slot = value;
}

/// Reads a JSON value as an element of a list of `ty` is read: an object's required scalar
/// fields must be present (a contact needs its id).
pub(crate) fn read_element(node: &Node, ty: Ty, path: &str) -> Result<Data, crate::Error> {
    read_node(node, ty, &Pointer::Root(path), true)
}

/// Reads a JSON value as a value of type `ty`. Inside a list (`in_list`) an object's required
/// scalar fields must be there and not null — a signal without a type or a time, a contact
/// without an id, is an error, not a row that silently does not count; at the account's own
/// level an absent field is null (the caller may not know it yet).
fn read_node(node: &Node, ty: Ty, path: &Pointer<'_>, in_list: bool) -> Result<Data, crate::Error> {
    let bad = |message: String| crate::Error::new(Code::InvalidValue, path.render(), message);
    let expected = |what: &str| bad(format!("expected {what}, found {}", node.value.type_name()));
    Ok(match (&node.value, ty) {
        (Value::Null, _) => Data::Null,
        (Value::Bool(b), Ty::Bool) => Data::Bool(*b),
        (Value::Number(n), Ty::Number) => Data::Number(*n),
        (Value::String(s), Ty::String) => Data::String(s.as_str().into()),
        (Value::String(s), Ty::Timestamp) => Data::Timestamp(
            parse_timestamp(s)
                .ok_or_else(|| bad(format!("\"{s}\" is not an RFC 3339 timestamp")))?,
        ),
        (Value::String(s), Ty::Duration) => Data::Duration(
            parse_duration(s).ok_or_else(|| bad(format!("\"{s}\" is not a duration")))?,
        ),
        (Value::Array(items), Ty::List(elem)) => Data::List(
            items
                .iter()
                .enumerate()
                .map(|(i, item)| read_node(item, *elem, &Pointer::Index(path, i), true))
                .collect::<Result<_, _>>()?,
        ),
        (Value::Object(members), Ty::Object(fields)) => {
            if let Some(unknown) = members
                .iter()
                .find(|m| !fields.iter().any(|f| f.name == m.key))
            {
                return Err(bad(format!("unknown field \"{}\"", unknown.key)));
            }
            Data::Object(
                fields
                    .iter()
                    .map(|field| {
                        let child = Pointer::Key(path, field.name);
                        let required = in_list
                            && !field.nullable
                            && !matches!(field.ty, Ty::List(_) | Ty::Object(_));
                        let member = members.iter().find(|m| m.key == field.name);
                        if required && member.is_none_or(|m| m.value.value == Value::Null) {
                            return Err(crate::Error::new(
                                Code::InvalidValue,
                                child.render(),
                                format!("\"{}\" is required", field.name),
                            ));
                        }
                        match member {
                            Some(m) => {
                                let value = read_node(&m.value, field.ty, &child, false)?;
                                in_range(&value, field, &child)?;
                                Ok::<Data, crate::Error>(value)
                            }
                            None => Ok(absent(field)),
                        }
                    })
                    .collect::<Result<_, _>>()?,
            )
        }
        (_, Ty::Bool) => return Err(expected("a boolean")),
        (_, Ty::Number) => return Err(expected("a number")),
        (_, Ty::String | Ty::Timestamp | Ty::Duration) => return Err(expected("a string")),
        (_, Ty::List(_)) => return Err(expected("an array")),
        (_, Ty::Object(_)) => return Err(expected("an object")),
        (_, Ty::Null) => return Err(expected("null")),
    })
}

/// A value as a criterion would write it, times relative to `as_of` (`asOf - 91d`).
pub(crate) fn show_at(value: &Data, ty: Ty, as_of: i64) -> String {
    match value {
        Data::Null => "null".to_string(),
        Data::Bool(b) => b.to_string(),
        Data::Number(n) => number_text(*n),
        Data::String(s) => format!("{s:?}"),
        Data::Timestamp(t) => {
            const DAY_MS: i64 = 86_400_000;
            let ago = as_of.checked_sub(*t).unwrap_or(i64::MIN);
            match ago {
                0 => "asOf".to_string(),
                _ if as_of == i64::MIN => format_timestamp(*t),
                a if a > 0 && a % DAY_MS == 0 => format!("asOf - {}d", a / DAY_MS),
                a if a == -DAY_MS => "asOf + 1d".to_string(),
                _ => format_timestamp(*t),
            }
        }
        Data::Duration(ms) => format_duration(*ms),
        Data::List(items) => match ty {
            Ty::List(Ty::Object(fields)) => show_elements(items, fields, as_of),
            Ty::List(elem) => format!(
                "[{}]",
                items
                    .iter()
                    .map(|i| show_at(i, *elem, as_of))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            _ => "[…]".to_string(),
        },
        Data::Object(_) => "{…}".to_string(),
    }
}

/// List elements grouped: `[4 × {type: "page_view", topic: "pricing"}, …]`, with the fields
/// that are not null.
fn show_elements(items: &[Data], fields: &'static [Field], as_of: i64) -> String {
    let mut groups: Vec<(&Data, usize)> = Vec::new();
    for item in items {
        match groups.iter_mut().find(|(d, _)| *d == item) {
            Some((_, n)) => *n += 1,
            None => groups.push((item, 1)),
        }
    }
    let shown: Vec<String> = groups
        .iter()
        .take(6)
        .map(|(item, n)| {
            let Data::Object(values) = item else {
                return format!("{n} × …");
            };
            let parts: Vec<String> = fields
                .iter()
                .zip(values)
                .filter(|(_, v)| !matches!(v, Data::Null))
                .map(|(f, v)| format!("{}: {}", f.name, show_at(v, f.ty, as_of)))
                .collect();
            format!("{n} × {{{}}}", parts.join(", "))
        })
        .collect();
    let more = if groups.len() > 6 { ", …" } else { "" };
    format!("[{}{more}]", shown.join(", "))
}

/// A value as a criterion would write it (timestamps in full: `i64::MIN` means no `asOf` to
/// write them relative to).
pub(crate) fn show(value: &Data, ty: Ty) -> String {
    show_at(value, ty, i64::MIN)
}

/// Where a value sits in the input, kept as a chain of borrowed parts and written out as a JSON
/// pointer only when an error needs it (reading an account builds no path strings).
enum Pointer<'a> {
    Root(&'a str),
    Key(&'a Pointer<'a>, &'a str),
    Index(&'a Pointer<'a>, usize),
}

impl Pointer<'_> {
    fn render(&self) -> String {
        match self {
            Pointer::Root(path) => (*path).to_string(),
            Pointer::Key(parent, key) => pointer_push(&parent.render(), key),
            Pointer::Index(parent, i) => pointer_push(&parent.render(), &i.to_string()),
        }
    }
}

/// A number outside its field's range (a negative count, a score above 100) is an error.
fn in_range(value: &Data, field: &Field, path: &Pointer<'_>) -> Result<(), crate::Error> {
    match value {
        Data::Number(n) if !field.range.contains(*n) => Err(crate::Error::new(
            Code::InvalidValue,
            path.render(),
            format!(
                "{} is out of range: {} is {}",
                number_text(*n),
                field.name,
                field.range.describe()
            ),
        )),
        _ => Ok(()),
    }
}

impl Data {
    /// Makes this value equal to `like`, reusing its allocations where the shapes agree
    /// (objects of the same length field by field, lists emptied for an empty list): putting
    /// a context's computed fields back as they were allocates nothing.
    pub(crate) fn reset_to(&mut self, like: &Data) {
        match (self, like) {
            (Data::Object(fields), Data::Object(like)) if fields.len() == like.len() => {
                for (field, like) in fields.iter_mut().zip(like) {
                    field.reset_to(like);
                }
            }
            (Data::List(items), Data::List(like)) if like.is_empty() => items.clear(),
            (slot, like) => slot.clone_from(like),
        }
    }
}

/// A root field of the account context as it is before anything fills it.
pub(crate) fn blank_field(name: &str) -> Data {
    ACCOUNT
        .iter()
        .find(|f| f.name == name)
        .map_or(Data::Null, absent)
}

/// What an absent field holds: an empty list for lists (a list field is never null), false for
/// a required flag, else null.
pub(crate) fn absent(field: &Field) -> Data {
    match field.ty {
        Ty::List(_) => Data::List(Vec::new()),
        Ty::Object(fields) if !field.nullable => Data::Object(fields.iter().map(absent).collect()),
        // A flag nobody set is not set: `crm.won`, `crm.churned`, `account.target` absent read
        // as false, so `crm.won and not crm.churned` holds for a won account that never churned.
        Ty::Bool if !field.nullable => Data::Bool(false),
        _ => Data::Null,
    }
}

/// Parses RFC 3339 (`2026-11-01T09:30:00Z`, `…+02:00`, fractional seconds) or a bare
/// `YYYY-MM-DD` (midnight UTC) into milliseconds since the epoch.
pub fn parse_timestamp(text: &str) -> Option<i64> {
    let date = crate::definition::parse_date(text.get(..10)?)?;
    let rest = text.get(10..)?;
    if rest.is_empty() {
        return Some(date.and_hms_opt(0, 0, 0)?.and_utc().timestamp_millis());
    }
    let rest = rest.strip_prefix(['T', 't', ' '])?;
    let num = |s: &str| -> Option<u32> {
        s.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| s.parse().ok())?
    };
    let hour = num(rest.get(0..2)?)?;
    let minute = num(rest.get(3..5)?).filter(|_| rest.get(2..3) == Some(":"))?;
    let mut pos = 5;
    let mut second = 0;
    let mut millis = 0;
    if rest.get(5..6) == Some(":") {
        second = num(rest.get(6..8)?)?;
        pos = 8;
        if rest.get(8..9) == Some(".") {
            let digits = rest
                .get(9..)?
                .bytes()
                .take_while(u8::is_ascii_digit)
                .count();
            let frac = rest.get(9..9 + digits).filter(|d| !d.is_empty())?;
            let padded: String = frac.chars().chain("000".chars()).take(3).collect();
            millis = num(&padded)?;
            pos = 9 + digits;
        }
    }
    let zone = rest.get(pos..)?;
    let offset_minutes: i64 = match zone {
        "Z" | "z" => 0,
        _ => {
            let sign = match zone.get(0..1)? {
                "+" => 1,
                "-" => -1,
                _ => return None,
            };
            if zone.len() != 6 || zone.get(3..4) != Some(":") {
                return None;
            }
            let h = i64::from(num(zone.get(1..3)?)?);
            let m = i64::from(num(zone.get(4..6)?)?);
            if h > 23 || m > 59 {
                return None;
            }
            sign * (h * 60 + m)
        }
    };
    let local = date
        .and_hms_milli_opt(hour, minute, second, millis)?
        .and_utc()
        .timestamp_millis();
    local
        .checked_sub(offset_minutes * 60_000)
        .filter(|t| (super::MIN_TIMESTAMP_MS..=super::MAX_TIMESTAMP_MS).contains(t))
}

/// RFC 3339 in UTC, milliseconds only when not zero: `2026-11-01T09:30:00Z`.
pub fn format_timestamp(ms: i64) -> String {
    let Some(t) = DateTime::from_timestamp_millis(ms) else {
        return format!("{ms}ms");
    };
    let millis = t.timestamp_subsec_millis();
    let frac = if millis == 0 {
        String::new()
    } else {
        format!(".{millis:03}")
    };
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{frac}Z",
        t.year(),
        t.month(),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// Parses `30d`, `1h30m`, `500ms`, `-2w` (units w, d, h, m, s, ms; at least one part).
pub fn parse_duration(text: &str) -> Option<i64> {
    let (sign, mut rest) = match text.strip_prefix('-') {
        Some(r) => (-1, r),
        None => (1, text),
    };
    let mut total: i64 = 0;
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let count: i64 = rest.get(..digits).filter(|d| !d.is_empty())?.parse().ok()?;
        rest = rest.get(digits..)?;
        let (unit, ms) = UNITS.iter().find(|(u, _)| rest.starts_with(u))?;
        rest = rest.get(unit.len()..)?;
        total = total.checked_add(count.checked_mul(*ms)?)?;
    }
    Some(sign * total).filter(|t| t.abs() <= MAX_DURATION_MS)
}

/// Canonical text of a duration: units d, h, m, s, ms from the largest, zero units omitted;
/// `0s` for zero.
pub fn format_duration(ms: i64) -> String {
    format_duration_from(ms, 0)
}

/// As [`format_duration`] without days (`48h`, not `2d`): for durations counted in business
/// hours, where a "day" would read as a working day.
pub fn format_duration_hours(ms: i64) -> String {
    format_duration_from(ms, 1)
}

fn format_duration_from(ms: i64, first_unit: usize) -> String {
    if ms == 0 {
        return "0s".to_string();
    }
    let mut out = String::new();
    if ms < 0 {
        out.push('-');
    }
    let mut rest = ms.unsigned_abs();
    let units = [
        ("d", 86_400_000u64),
        ("h", 3_600_000),
        ("m", 60_000),
        ("s", 1_000),
        ("ms", 1),
    ];
    for (unit, size) in units.into_iter().skip(first_unit) {
        let n = rest / size;
        if n > 0 {
            out.push_str(&format!("{n}{unit}"));
            rest %= size;
        }
    }
    out
}

/// The calendar date of a timestamp (UTC), for messages and reports.
pub fn date_of(ms: i64) -> Option<NaiveDate> {
    DateTime::from_timestamp_millis(ms).map(|t| t.date_naive())
}

/// A number for a message, without core's float printer (11 KB of wasm): whole numbers as
/// such, others to three decimals.
/// A number as given, for an error message that quotes a rejected value: never rounded (a
/// strength of 100.0004 must not read as 100), whole numbers in full, the shortest text that
/// reads back as the same number otherwise; `NaN` and infinities by name.
pub(crate) fn number_exact(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 9.0e15 {
        (x as i64).to_string()
    } else {
        serde_json::Number::from_f64(x).map_or_else(
            || {
                if x.is_nan() {
                    "NaN".to_string()
                } else if x > 0.0 {
                    "infinity".to_string()
                } else {
                    "-infinity".to_string()
                }
            },
            |n| n.to_string(),
        )
    }
}

pub(crate) fn number_text(x: f64) -> String {
    let scaled = (x * 1000.0).round();
    if !scaled.is_finite() || scaled.abs() > 1e15 {
        return "a very large number".to_string();
    }
    let n = scaled as i64;
    let (sign, n) = (if n < 0 { "-" } else { "" }, n.unsigned_abs());
    match n % 1000 {
        0 => format!("{sign}{}", n / 1000),
        frac => format!("{sign}{}.{frac:03}", n / 1000),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reset_to_makes_a_value_equal_to_another_whatever_the_shapes() {
        let s = |t: &str| Data::String(t.into());
        let values = [
            Data::Null,
            Data::Number(1.5),
            s("a"),
            Data::List(vec![s("x"), Data::Number(2.0)]),
            Data::List(Vec::new()),
            Data::Object(vec![
                Data::Null,
                Data::Number(3.0),
                Data::List(vec![s("y")]),
            ]),
            Data::Object(vec![Data::Bool(true), Data::Null, Data::List(Vec::new())]),
            Data::Object(vec![Data::Null]),
        ];
        for from in &values {
            for like in &values {
                let mut value = from.clone();
                value.reset_to(like);
                assert_eq!(&value, like, "{from:?} reset to {like:?}");
            }
        }
    }

    #[test]
    fn timestamps_round_trip() {
        let cases = [
            ("2026-11-01", "2026-11-01T00:00:00Z"),
            ("2026-11-01T09:30:00Z", "2026-11-01T09:30:00Z"),
            ("2026-11-01T09:30Z", "2026-11-01T09:30:00Z"),
            ("2026-11-01T09:30:00.5Z", "2026-11-01T09:30:00.500Z"),
            ("2026-11-01T09:30:00+02:00", "2026-11-01T07:30:00Z"),
            ("2026-11-01T00:30:00-01:00", "2026-11-01T01:30:00Z"),
            ("1969-12-31T23:59:59Z", "1969-12-31T23:59:59Z"),
        ];
        for (input, canonical) in cases {
            let ms = parse_timestamp(input).unwrap_or_else(|| panic!("{input}"));
            assert_eq!(format_timestamp(ms), canonical, "{input}");
        }
        for bad in [
            "2026-02-30",
            "2026-11-01T25:00:00Z",
            "2026-11-01T09:30:00",
            "2026-11-01T09:30:00+2:00",
            "x",
            "2026-11-01T09:60Z",
        ] {
            assert_eq!(parse_timestamp(bad), None, "{bad}");
        }
    }

    #[test]
    fn durations_round_trip() {
        for (input, ms, canonical) in [
            ("30d", 30 * 86_400_000, "30d"),
            ("1h30m", 5_400_000, "1h30m"),
            ("2w", 14 * 86_400_000, "14d"),
            ("36h", 36 * 3_600_000, "1d12h"),
            ("500ms", 500, "500ms"),
            ("-90s", -90_000, "-1m30s"),
            ("0s", 0, "0s"),
        ] {
            assert_eq!(parse_duration(input), Some(ms), "{input}");
            assert_eq!(format_duration(ms), canonical);
            assert_eq!(parse_duration(&format_duration_hours(ms)), Some(ms));
        }
        for bad in ["", "-", "30", "d", "3x", "1h30", "99999999999999999999d"] {
            assert_eq!(parse_duration(bad), None, "{bad}");
        }
    }
}
