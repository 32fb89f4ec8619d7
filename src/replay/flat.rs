//! Events read straight from their JSON text, without building a JSON tree: the common event
//! is one flat object of plain strings (no escapes), numbers and nulls, and reading it through
//! a tree cost ten allocations and a copy of every string. This reader scans such a line once
//! and hands its members to the same reading as the tree's (`events::read_members`).
//!
//! It answers only for events that read: anything else — nested values, escapes, duplicate
//! keys, a syntax error, an event that would be refused — gets `None`, and the caller reads
//! the line through the tree, which gives every error its position and JSON pointer. A
//! property test compares the two on generated lines, awkward ones included.

use super::events::{Event, Members, Scalar, read_members};
use crate::json::{MAX_INPUT_BYTES, Node};

/// The most members a flat event has here (an event takes at most eight fields).
const MAX_MEMBERS: usize = 8;

/// The event `line` holds, when it is one flat object that reads as an event; `None`
/// otherwise (see the module's documentation).
pub(crate) fn read_flat_event(line: &str) -> Option<Event> {
    let members = Flat::scan(line)?;
    read_members(&members, "").ok()
}

/// A flat object's members, in source order.
struct Flat<'a> {
    members: [(&'a str, Scalar<'a>); MAX_MEMBERS],
    len: usize,
}

impl Members for Flat<'_> {
    fn get(&self, key: &str) -> Option<Scalar<'_>> {
        self.members
            .get(..self.len)?
            .iter()
            .find(|(k, _)| *k == key)
            .map(|&(_, v)| v)
    }

    fn node(&self, _key: &str) -> Option<&Node> {
        None
    }

    fn unknown(&self, known: &dyn Fn(&str) -> bool) -> Option<&str> {
        self.members
            .get(..self.len)?
            .iter()
            .map(|&(k, _)| k)
            .find(|k| !known(k))
    }
}

impl<'a> Flat<'a> {
    /// `text`'s members when it is exactly one JSON object of at most [`MAX_MEMBERS`]
    /// members with distinct plain keys and scalar values, as `json::parse` reads it.
    fn scan(text: &'a str) -> Option<Flat<'a>> {
        if text.len() > MAX_INPUT_BYTES {
            return None;
        }
        let mut s = Scanner { text, pos: 0 };
        let mut flat = Flat {
            members: [("", Scalar::Null); MAX_MEMBERS],
            len: 0,
        };
        s.ws();
        s.eat(b'{')?;
        s.ws();
        loop {
            let key = s.string()?;
            s.ws();
            s.eat(b':')?;
            s.ws();
            let value = s.value()?;
            if flat.get(key).is_some() {
                return None;
            }
            *flat.members.get_mut(flat.len)? = (key, value);
            flat.len += 1;
            s.ws();
            match s.next()? {
                b',' => s.ws(),
                b'}' => break,
                _ => return None,
            }
        }
        s.ws();
        (s.pos == text.len()).then_some(flat)
    }
}

/// A position in a text being scanned.
struct Scanner<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Scanner<'a> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let b = self.peek()?;
        self.pos += 1;
        Some(b)
    }

    fn eat(&mut self, b: u8) -> Option<()> {
        (self.next()? == b).then_some(())
    }

    /// JSON's whitespace, as `json::parse` skips it.
    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    fn skip_digits(&mut self) -> usize {
        let from = self.pos;
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
        self.pos - from
    }

    /// A string without escapes or control characters (those are left to the tree reader).
    fn string(&mut self) -> Option<&'a str> {
        self.eat(b'"')?;
        let start = self.pos;
        loop {
            match self.next()? {
                b'"' => return self.text.get(start..self.pos - 1),
                b'\\' | 0..=0x1f => return None,
                _ => {}
            }
        }
    }

    /// A string, a number or `null`; `None` for anything else.
    fn value(&mut self) -> Option<Scalar<'a>> {
        match self.peek()? {
            b'"' => self.string().map(Scalar::Text),
            b'n' => {
                let rest = self.text.get(self.pos..)?;
                rest.starts_with("null").then(|| {
                    self.pos += 4;
                    Scalar::Null
                })
            }
            b'-' | b'0'..=b'9' => self.number().map(Scalar::Number),
            _ => None,
        }
    }

    /// A number by JSON's grammar, read as `json::parse` reads it (a finite double).
    fn number(&mut self) -> Option<f64> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.next()? {
            b'0' if matches!(self.peek(), Some(b'0'..=b'9')) => return None,
            b'0' => {}
            b'1'..=b'9' => {
                self.skip_digits();
            }
            _ => return None,
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if self.skip_digits() == 0 {
                return None;
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if self.skip_digits() == 0 {
                return None;
            }
        }
        let n = self.text.get(start..self.pos)?.parse::<f64>().ok()?;
        n.is_finite().then_some(n)
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use proptest::prelude::*;

    /// What the tree reader gives for `line`.
    fn through_the_tree(line: &str) -> Result<Event, crate::Error> {
        let node =
            crate::json::parse(line).map_err(|d| crate::Error::new(d.code, "", d.message))?;
        crate::replay::read_event(&node, "")
    }

    const LINES: &[&str] = &[
        r#"{"id":"e1","account":"a1","at":"2026-01-05T10:00:00Z","type":"page_view"}"#,
        r#" { "account" : "a1" , "at" : "2026-01-05" , "type" : "webinar", "contact": "c1" } "#,
        r#"{"account":"a1","at":"2026-01-05T10:00:00+02:00","type":"intent_surge","topic":"pricing","strength":55}"#,
        r#"{"account":"a1","at":"2026-01-05T10:00:00Z","type":"product_usage","value":1.5e2}"#,
        r#"{"account":"a1","at":"2026-01-05T10:00:00Z","type":"renewal","amount":1000,"topic":null}"#,
        r#"{"account":"a1","at":"2026-01-05T10:00:00Z","type":"sales_rejected","reason":"no-budget"}"#,
        r#"{"account":"a1","at":"2026-01-05T10:00:00Z","type":"opportunity_created","amount":0,"stage":"x"}"#,
        r#"{"account":"a1","at":"2026-01-05T10:00:00Z","type":"opportunity_won"}"#,
        r#"{"account":"a1","at":"2026-01-05T10:00:00Z","type":"opportunity_lost","reason":"price"}"#,
        r#"{"account":"a1","at":"2026-01-05T10:00:00Z","type":"stage_override","stage":"mqa","by":"me"}"#,
        r#"{"account":"a1","at":"2026-01-05T10:00:00Z","type":"sales_accepted"}"#,
        r#"{"account":"a1","at":"2026-01-05T10:00:00Z","type":"churn","id":"x"}"#,
        r#"{"account":"ü","at":"2026-01-05T10:00:00Z","type":"meeting","id":null}"#,
    ];

    #[test]
    fn plain_events_are_read_without_a_tree_as_the_tree_reads_them() {
        for line in LINES {
            let flat = read_flat_event(line);
            assert!(flat.is_some(), "{line}");
            assert_eq!(flat.map(Ok), Some(through_the_tree(line)), "{line}");
        }
    }

    #[test]
    fn the_rest_is_left_to_the_tree() {
        for line in [
            "",
            "{}",
            "[]",
            r#"{"account":"a\u0031","at":"2026-01-05","type":"page_view"}"#,
            r#"{"account":"a1","account":"a2","at":"2026-01-05","type":"page_view"}"#,
            r#"{"account":"a1","at":"2026-01-05","type":"firmographics","firmographics":{}}"#,
            r#"{"account":"a1","at":"2026-01-05","type":"page_view","value":-1}"#,
            r#"{"account":"a1","at":"2026-01-05","type":"page_view","value":01}"#,
            r#"{"account":"a1","at":"2026-01-05","type":"page_view","value":1e400}"#,
            r#"{"account":"a1","at":"2026-01-05","type":"page_view","value":true}"#,
            r#"{"account":"a1","at":"2026-01-05","type":"page_view","strength":101}"#,
            r#"{"account":"a1","at":"2026-01-05","type":"page_view","colour":"red"}"#,
            r#"{"account":"","at":"2026-01-05","type":"page_view"}"#,
            r#"{"account":"a1","at":"yesterday","type":"page_view"}"#,
            r#"{"account":"a1","at":"2026-01-05","type":"page_view"} x"#,
            r#"{"account":"a1","at":"2026-01-05","type":"page_view",}"#,
            "\u{feff}{\"account\":\"a1\",\"at\":\"2026-01-05\",\"type\":\"page_view\"}",
        ] {
            assert_eq!(read_flat_event(line), None, "{line}");
        }
    }

    const KINDS: &[&str] = &[
        "page_view",
        "webinar",
        "renewal",
        "sales_rejected",
        "opportunity_created",
        "opportunity_won",
        "opportunity_lost",
        "stage_override",
        "churn",
        "sales_accepted",
        "firmographics",
        "contact",
        "account",
    ];
    const KEYS: &[&str] = &[
        "id",
        "account",
        "at",
        "type",
        "topic",
        "strength",
        "contact",
        "value",
        "amount",
        "reason",
        "stage",
        "by",
        "firmographics",
        "facts",
        "colour",
    ];
    const VALUES: &[&str] = &[
        "null",
        "true",
        "false",
        "[]",
        "{}",
        r#"{"industry":"software"}"#,
        r#""""#,
        r#""x""#,
        r#""a\"b""#,
        r#""2026-01-05T10:00:00Z""#,
        r#""2026-13-05""#,
        "0",
        "-0",
        "7",
        "100",
        "100.5",
        "101",
        "-1",
        "1e2",
        "1E+2",
        "2.5e-3",
        "01",
        "1.",
        ".5",
        "-",
        "1e",
        "1e400",
        "-1e400",
        "12345678901234567890",
        "nul",
        "\"unterminated",
    ];

    #[test]
    fn every_kind_key_and_value_reads_as_through_the_tree() {
        let mut flat = 0;
        for kind in KINDS {
            for key in KEYS {
                for value in VALUES {
                    let line = format!(
                        r#"{{"account":"a1","at":"2026-01-05T10:00:00Z","type":"{kind}","{key}":{value}}}"#
                    );
                    let mine = read_flat_event(&line);
                    if let Some(event) = mine {
                        flat += 1;
                        assert_eq!(Ok(event), through_the_tree(&line), "{line}");
                    }
                }
            }
        }
        assert!(flat > 100, "{flat}");
    }

    /// A JSON value's text, of any kind an event line may hold, awkward ones included.
    fn value_text() -> impl Strategy<Value = String> {
        prop_oneof![
            prop::sample::select(VALUES).prop_map(String::from),
            Just(r#""2026-01-05T10:00:00.5-03:30""#.to_string()),
            prop::sample::select(KINDS).prop_map(|t| format!("\"{t}\"")),
            Just(r#""ü-signal""#.to_string()),
            "[a-z0-9 ._:-]{0,6}".prop_map(|t| format!("\"{t}\"")),
        ]
    }

    /// A value that usually suits `key`, sometimes any value.
    fn value_for(key: &'static str) -> BoxedStrategy<String> {
        let suitable = match key {
            "strength" | "value" | "amount" => {
                prop::sample::select(vec!["0", "55", "100", "2.5e1", "7.25"])
                    .prop_map(String::from)
                    .boxed()
            }
            _ => prop::sample::select(vec![
                "\"c1\"",
                "\"pricing\"",
                "\"no-budget\"",
                "\"mqa\"",
                "\"ü\"",
                "null",
            ])
            .prop_map(String::from)
            .boxed(),
        };
        prop_oneof![4 => suitable, 1 => value_text()].boxed()
    }

    fn member() -> impl Strategy<Value = String> {
        let key = prop::sample::select(vec![
            "id",
            "topic",
            "strength",
            "contact",
            "value",
            "amount",
            "reason",
            "stage",
            "by",
            "firmographics",
            "colour",
            "a\\u0074",
        ]);
        let ws = prop::sample::select(vec!["", "", "", " ", "\t", "\r", "\n "]);
        (key, ws)
            .prop_flat_map(|(k, w)| (Just(k), value_for(k), Just(w)))
            .prop_map(|(k, v, w)| format!("{w}\"{k}\"{w}:{w}{v}{w}"))
    }

    /// An event line: mostly the four common fields and a few others, sometimes broken.
    fn line() -> impl Strategy<Value = String> {
        let kind = prop_oneof![
            4 => prop::sample::select(vec![
                "page_view", "webinar", "renewal", "sales_rejected", "opportunity_created",
                "opportunity_won", "opportunity_lost", "stage_override", "churn",
                "sales_accepted",
            ])
            .prop_map(|t| format!("\"{t}\"")),
            1 => value_text(),
        ];
        let common = (
            prop::sample::select(vec![r#""a1""#, r#""a2""#, r#""a1""#, r#""""#, "5"]),
            prop::sample::select(vec![
                r#""2026-01-05T10:00:00Z""#,
                r#""2026-01-05""#,
                r#""2026-01-05T10:00:00.5-03:30""#,
                r#""x""#,
            ]),
            kind,
        );
        (common, prop::collection::vec(member(), 0..3), 0..8usize).prop_map(
            |((account, at, kind), extra, damage)| {
                let mut members = vec![
                    format!("\"account\":{account}"),
                    format!("\"at\":{at}"),
                    format!("\"type\":{kind}"),
                ];
                members.extend(extra);
                let body = format!("{{{}}}", members.join(","));
                match damage {
                    0 => format!("{body},"),
                    1 => body.replacen('}', "", 1),
                    2 => format!(" {body}\t"),
                    _ => body,
                }
            },
        )
    }

    #[test]
    fn the_generated_lines_are_often_read_without_a_tree() {
        use proptest::strategy::ValueTree;
        let mut runner = proptest::test_runner::TestRunner::deterministic();
        let flat = (0..2_000)
            .filter(|_| read_flat_event(&line().new_tree(&mut runner).unwrap().current()).is_some())
            .count();
        assert!(flat >= 100, "{flat} of 2,000");
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2_000, ..ProptestConfig::default() })]

        #[test]
        fn a_line_read_without_a_tree_is_what_the_tree_reads(line in line()) {
            if let Some(event) = read_flat_event(&line) {
                prop_assert_eq!(Ok(event), through_the_tree(&line), "{}", line);
            }
        }
    }
}
