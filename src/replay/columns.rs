//! Events given as columns — one array per field, as a warehouse export, an Arrow table or
//! typed arrays in JS hold them — read into the same events JSON gives: each row goes through
//! the JSON reader's own rules (`events::read_members`), so a row is applied or refused
//! exactly as the same event written as JSON would be (a test compares both).
//!
//! What crosses the wasm boundary is one copy per column, not one JSON text per event, and
//! nothing is parsed but the nested facts of the few events that carry them. Owns no replay
//! (`mod`), only the reading.

use crate::batch::Column;
use crate::error::{Code, Error, pointer_push};
use crate::json::Node;

use super::events::{Event, Members, Scalar, Unreadable, read_members};

/// The fields a column may hold, and the kinds of column each takes.
const FIELDS: [(&str, Takes); 14] = [
    ("account", Takes::Text),
    ("type", Takes::Text),
    ("at", Takes::Time),
    ("id", Takes::Text),
    ("topic", Takes::Text),
    ("contact", Takes::Text),
    ("strength", Takes::Number),
    ("value", Takes::Number),
    ("amount", Takes::Number),
    ("reason", Takes::Text),
    ("stage", Takes::Text),
    ("by", Takes::Text),
    ("firmographics", Takes::Text),
    ("facts", Takes::Text),
];

/// The event types whose row holds a JSON object as text, and the field that holds it.
const NESTED: [(&str, &str); 3] = [
    ("firmographics", "firmographics"),
    ("account", "facts"),
    ("contact", "contact"),
];

/// The earliest and latest times an event may have: 0000-01-01 and 9999-12-31T23:59:59.999Z,
/// the range RFC 3339 text can write.
const EARLIEST_MS: i64 = -62_167_219_200_000;
const LATEST_MS: i64 = 253_402_300_799_999;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Takes {
    /// Strings.
    Text,
    /// Numbers; NaN is absent.
    Number,
    /// Milliseconds since the epoch (NaN is absent), or RFC 3339 text.
    Time,
}

/// A batch of events as columns: `length` rows, and per field name a column of that length.
/// A row's absent value (NaN, a string code past the end of its values) is a field the event
/// does not give.
///
/// Fields: `account`, `type`, `id`, `topic`, `contact`, `reason`, `stage`, `by` as strings;
/// `at` as milliseconds since the epoch or RFC 3339 text; `strength`, `value`, `amount` as
/// numbers; `firmographics`, `facts` (account events) and, for `contact` events, `contact` as
/// JSON object text (see `docs/replay.md`, "Events as columns").
#[derive(Debug, Clone, PartialEq)]
pub struct EventColumns {
    length: usize,
    fields: Vec<(&'static str, Column)>,
    /// Per field of [`FIELDS`], the place of its column in `fields` (`u8::MAX`: none).
    slots: [u8; FIELDS.len()],
}

impl EventColumns {
    /// Checks the columns: every name one of the fields above, each column of a kind its field
    /// takes and `length` rows long.
    ///
    /// # Errors
    /// `invalid-argument` naming the column at fault: an unknown name, a name given twice, a
    /// column of the wrong kind or length.
    ///
    /// ```
    /// use account_journey::batch::Column;
    /// use account_journey::replay::EventColumns;
    /// let text = |v: &[&str]| Column::Strings {
    ///     codes: (0..v.len() as u32).collect(),
    ///     values: v.iter().map(|s| s.to_string()).collect(),
    /// };
    /// let columns = EventColumns::new(2, vec![
    ///     ("account".into(), text(&["acme", "globex"])),
    ///     ("type".into(), text(&["page_view", "webinar"])),
    ///     ("at".into(), Column::Numbers(vec![1.7637696e12, 1.7637697e12])),
    /// ])
    /// .unwrap();
    /// let events = columns.events();
    /// assert_eq!(events.len(), 2);
    /// assert_eq!(events[1].as_ref().unwrap().account, "globex");
    /// ```
    pub fn new(length: usize, given: Vec<(String, Column)>) -> Result<EventColumns, Error> {
        let bad = |name: &str, message: String| {
            Error::new(Code::InvalidArgument, pointer_push("", name), message)
        };
        // Without columns, nothing bounds the rows by the input's size.
        if given.is_empty() && length > 0 {
            return Err(bad(
                "length",
                format!(
                    "{length} events with no column: give at least the account, type and at columns"
                ),
            ));
        }
        let mut fields: Vec<(&'static str, Column)> = Vec::with_capacity(given.len());
        for (name, column) in given {
            let Some(&(field, takes)) = FIELDS.iter().find(|(f, _)| *f == name) else {
                let names: Vec<&str> = FIELDS.iter().map(|(f, _)| *f).collect();
                return Err(bad(
                    &name,
                    format!(
                        "no event field \"{name}\"; the columns are {}",
                        names.join(", ")
                    ),
                ));
            };
            if fields.iter().any(|(f, _)| *f == field) {
                return Err(bad(&name, format!("the column \"{name}\" is given twice")));
            }
            let fits = matches!(
                (&column, takes),
                (Column::Strings { .. }, Takes::Text | Takes::Time)
                    | (Column::Numbers(_), Takes::Number | Takes::Time)
            );
            if !fits {
                let wanted = match takes {
                    Takes::Text => "strings",
                    Takes::Number => "numbers (a Float64Array; NaN is absent)",
                    Takes::Time => {
                        "milliseconds since the epoch (a Float64Array; NaN is absent) or RFC 3339 strings"
                    }
                };
                return Err(bad(
                    &name,
                    format!("the column \"{name}\" must hold {wanted}"),
                ));
            }
            let rows = match &column {
                Column::Numbers(v) => v.len(),
                Column::Strings { codes, .. } => codes.len(),
                _ => 0,
            };
            if rows != length {
                return Err(bad(
                    &name,
                    format!("the column \"{name}\" has {rows} rows, not {length}"),
                ));
            }
            fields.push((field, column));
        }
        let mut slots = [u8::MAX; FIELDS.len()];
        for (place, (field, _)) in fields.iter().enumerate() {
            if let Some(slot) = FIELDS.iter().position(|(f, _)| f == field)
                && let Some(s) = slots.get_mut(slot)
            {
                *s = place as u8;
            }
        }
        Ok(EventColumns {
            length,
            fields,
            slots,
        })
    }

    /// The number of rows.
    pub fn len(&self) -> usize {
        self.length
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.length == 0
    }

    /// Each row's event, or the error refusing it (`/r` is its row), as the same event written
    /// as JSON would be read. A nested object's text is parsed once however many rows share
    /// it (strings are dictionary-coded).
    pub fn events(&self) -> Vec<Result<Event, Unreadable>> {
        let mut parsed: [Vec<Option<Parsed>>; NESTED.len()] = Default::default();
        (0..self.length)
            .map(|row| {
                self.event(row, &mut parsed).map_err(|mut refusal| {
                    refusal.error = refusal.error.prefixed(&format!("/{row}"));
                    refusal
                })
            })
            .collect()
    }

    /// Row `row`'s event; a refusal's path is within the row (`/at`). `parsed` holds the
    /// nested objects parsed so far, per nested field by their place among its column's texts.
    fn event(
        &self,
        row: usize,
        parsed: &mut [Vec<Option<Parsed>>; NESTED.len()],
    ) -> Result<Event, Unreadable> {
        let view = Row {
            columns: self,
            row,
            node: None,
        };
        let refuse = |view: &Row<'_>, error: Error| Unreadable {
            error,
            account: view.text("account").map(String::from),
            id: view.text("id").map(String::from),
        };
        if let Some(Column::Numbers(at)) = self.column("at")
            && let Some(&ms) = at.get(row)
            && !ms.is_nan()
            && !whole_time(ms)
        {
            let error = Error::new(
                Code::InvalidValue,
                "/at",
                format!(
                    "\"at\" must be whole milliseconds from 0000-01-01 to 9999-12-31, found {}",
                    crate::expr::data::number_exact(ms)
                ),
            );
            return Err(refuse(&view, error));
        }
        let nested = view
            .text("type")
            .and_then(|kind| NESTED.iter().position(|(k, _)| *k == kind));
        let Some((field, parsed)) =
            nested.and_then(|i| Some((NESTED.get(i)?.1, parsed.get_mut(i)?)))
        else {
            return read_members(&view, "").map_err(|error| refuse(&view, error));
        };
        let Some(Column::Strings { codes, values }) = self.column(field) else {
            return read_members(&view, "").map_err(|error| refuse(&view, error));
        };
        let Some((code, text)) = codes
            .get(row)
            .and_then(|&code| Some((code as usize, values.get(code as usize)?)))
        else {
            return read_members(&view, "").map_err(|error| refuse(&view, error));
        };
        if parsed.len() < values.len() {
            parsed.resize_with(values.len(), || None);
        }
        let slot = parsed.get_mut(code).ok_or_else(|| {
            refuse(
                &view,
                Error::new(Code::Internal, "", "a nested value has no slot"),
            )
        })?;
        let node =
            slot.get_or_insert_with(|| crate::json::parse(text).map_err(|d| (d.code, d.message)));
        match node {
            Ok(tree) => {
                let view = Row {
                    node: Some((field, tree)),
                    ..view
                };
                read_members(&view, "").map_err(|error| refuse(&view, error))
            }
            Err((code, message)) => {
                let error = Error::new(
                    *code,
                    pointer_push("", field),
                    format!("\"{field}\" is not a JSON object's text: {message}"),
                );
                Err(refuse(&view, error))
            }
        }
    }

    fn column(&self, field: &str) -> Option<&Column> {
        let slot = FIELDS.iter().position(|(f, _)| *f == field)?;
        let at = *self.slots.get(slot)?;
        self.fields.get(usize::from(at)).map(|(_, c)| c)
    }
}

/// Whether `ms` is a time an event may have.
fn whole_time(ms: f64) -> bool {
    ms.fract() == 0.0 && (EARLIEST_MS as f64..=LATEST_MS as f64).contains(&ms)
}

/// One row seen as an event object's members.
struct Row<'a> {
    columns: &'a EventColumns,
    row: usize,
    /// The nested object the row's event type carries, parsed, with its field.
    node: Option<(&'static str, &'a Node)>,
}

/// A nested object's text parsed, or why it could not be.
type Parsed = Result<Node, (Code, String)>;

impl Row<'_> {
    /// The row's value of `field`'s column: `at` in milliseconds is a time.
    fn value<'c>(&self, field: &str, column: &'c Column) -> Option<Scalar<'c>> {
        match column {
            Column::Numbers(v) => v.get(self.row).filter(|n| !n.is_nan()).map(|&n| {
                if field == "at" {
                    Scalar::Time(n as i64)
                } else if n.is_infinite() {
                    // JSON cannot write it: refused as a value of no JSON type.
                    Scalar::Other("infinity")
                } else {
                    Scalar::Number(n)
                }
            }),
            Column::Strings { codes, values } => codes
                .get(self.row)
                .and_then(|&code| values.get(code as usize))
                .map(|s| Scalar::Text(s)),
            _ => None,
        }
    }

    fn text(&self, field: &str) -> Option<&str> {
        match self.get(field) {
            Some(Scalar::Text(s)) => Some(s),
            _ => None,
        }
    }
}

impl Members for Row<'_> {
    fn get(&self, key: &str) -> Option<Scalar<'_>> {
        self.value(key, self.columns.column(key)?)
    }

    fn node(&self, key: &str) -> Option<&Node> {
        self.node
            .filter(|(field, _)| *field == key)
            .map(|(_, node)| node)
    }

    fn unknown(&self, known: &dyn Fn(&str) -> bool) -> Option<&str> {
        self.columns
            .fields
            .iter()
            .find(|(field, column)| !known(field) && self.value(field, column).is_some())
            .map(|(field, _)| *field)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn the_time_range_is_what_rfc_3339_text_can_write() {
        let parse = crate::expr::data::parse_timestamp;
        assert_eq!(parse("0000-01-01"), Some(EARLIEST_MS));
        assert_eq!(parse("9999-12-31T23:59:59.999Z"), Some(LATEST_MS));
    }
}
