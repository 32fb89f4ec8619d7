//! A small JSON parser that keeps where every value came from.
//!
//! Definitions arrive as JSON text, and users need to hear *where* a problem is: line, column,
//! span, JSON pointer. `serde_json` forgets positions and stops at the first problem, so this
//! module parses RFC 8259 JSON into a [`Node`] tree that records the byte span of every value and
//! key, keeps object members in source order (duplicates included, for the validator to report),
//! and enforces size and depth limits so hostile input fails fast with a clear error.
//!
//! It does not interpret the tree: `definition` does.

use crate::error::{Code, Diagnostic, SourceMap};

/// Largest JSON text accepted, in bytes.
pub const MAX_INPUT_BYTES: usize = 1024 * 1024;
/// Most values (of any kind, nested ones included) one text may hold: keeps the memory a
/// hostile text can make the parser allocate within a few megabytes.
pub const MAX_VALUES: usize = 100_000;
/// Deepest nesting of arrays and objects accepted.
pub const MAX_DEPTH: usize = 64;

/// A JSON value with the byte range it was parsed from.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// The value.
    pub value: Value,
    /// Byte offset of the first byte of the value.
    pub start: usize,
    /// Byte offset one past the last byte of the value.
    pub end: usize,
}

/// A JSON value. Objects keep their members in source order, duplicates included.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `null`
    Null,
    /// `true` or `false`
    Bool(bool),
    /// A number (JSON numbers are read as IEEE doubles, as JavaScript does).
    Number(f64),
    /// A string, escapes resolved.
    String(String),
    /// An array.
    Array(Vec<Node>),
    /// An object, members in source order.
    Object(Vec<Member>),
}

/// One `"key": value` member of an object.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    /// The key, escapes resolved.
    pub key: String,
    /// Byte offset of the key's opening quote.
    pub key_start: usize,
    /// Byte offset one past the key's closing quote.
    pub key_end: usize,
    /// The value.
    pub value: Node,
}

impl Node {
    /// The value a JSON pointer (RFC 6901) designates, if it exists; for an object with a
    /// duplicate key, the first member.
    ///
    /// ```
    /// let node = account_journey::json::parse(r#"{"a/b": [10, {"c": true}]}"#).unwrap();
    /// let c = node.pointer("/a~1b/1/c").unwrap();
    /// assert_eq!(c.value, account_journey::json::Value::Bool(true));
    /// assert!(node.pointer("/a~1b/2").is_none());
    /// ```
    pub fn pointer(&self, pointer: &str) -> Option<&Node> {
        if pointer.is_empty() {
            return Some(self);
        }
        let mut node = self;
        for token in pointer.strip_prefix('/')?.split('/') {
            let token = unescape_token(token);
            node = match &node.value {
                Value::Object(members) => &members.iter().find(|m| m.key == token)?.value,
                Value::Array(items) => items.get(token.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(node)
    }
}

/// Undoes a JSON pointer token's escapes: `~1` is `/`, `~0` is `~`.
fn unescape_token(token: &str) -> String {
    let mut out = String::with_capacity(token.len());
    let mut chars = token.chars();
    while let Some(c) = chars.next() {
        if c != '~' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('1') => out.push('/'),
            Some('0') => out.push('~'),
            other => {
                out.push('~');
                out.extend(other);
            }
        }
    }
    out
}

impl Value {
    /// The JSON type name, for messages ("expected a string, found a number").
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        }
    }
}

/// Parses one JSON text.
///
/// # Errors
/// A [`Diagnostic`] with code `json-syntax` (with the line and column of the problem) for
/// malformed text, or `limit-exceeded` when the text is over [`MAX_INPUT_BYTES`], holds more
/// than [`MAX_VALUES`] values or nests deeper than [`MAX_DEPTH`].
///
/// ```
/// use account_journey::json::{parse, Value};
/// let node = parse(r#"{"id": "default"}"#).unwrap();
/// assert!(matches!(node.value, Value::Object(_)));
/// assert_eq!(parse("[1,]").unwrap_err().code.as_str(), "json-syntax");
/// ```
pub fn parse(text: &str) -> Result<Node, Diagnostic> {
    if text.len() > MAX_INPUT_BYTES {
        return Err(Diagnostic::error(
            Code::LimitExceeded,
            "",
            format!(
                "definition is {} bytes; the limit is {} bytes",
                text.len(),
                MAX_INPUT_BYTES
            ),
        ));
    }
    let mut parser = Parser {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        values: 0,
    };
    let result = parser.document();
    result.map_err(|(code, at, message)| {
        // The span covers the character at the error (not just its first byte).
        let at = at.min(text.len());
        let end = text
            .get(at..)
            .and_then(|rest| rest.chars().next())
            .map_or(at, |c| at + c.len_utf8());
        let span = SourceMap::new(text).span(at, end);
        Diagnostic::error(code, "", message).with_span(Some(span))
    })
}

type ParseError = (Code, usize, String);

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    values: usize,
}

impl Parser<'_> {
    fn document(&mut self) -> Result<Node, ParseError> {
        // A leading byte-order mark is tolerated, as editors on Windows write one.
        if self.text.starts_with('\u{feff}') {
            self.pos = '\u{feff}'.len_utf8();
        }
        self.skip_ws();
        let node = self.value(0)?;
        self.skip_ws();
        if self.pos < self.bytes.len() {
            return Err(self.error("unexpected text after the JSON value"));
        }
        Ok(node)
    }

    fn error(&self, message: &str) -> ParseError {
        (Code::JsonSyntax, self.pos, message.to_string())
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    fn expect_literal(&mut self, literal: &str, value: Value) -> Result<Node, ParseError> {
        let start = self.pos;
        if self.bytes.get(start..start + literal.len()) == Some(literal.as_bytes()) {
            self.pos += literal.len();
            Ok(Node {
                value,
                start,
                end: self.pos,
            })
        } else {
            Err(self.error("expected a JSON value"))
        }
    }

    fn value(&mut self, depth: usize) -> Result<Node, ParseError> {
        self.values += 1;
        if self.values > MAX_VALUES {
            return Err((
                Code::LimitExceeded,
                self.pos,
                format!("more than {MAX_VALUES} values"),
            ));
        }
        match self.peek() {
            None => Err(self.error("unexpected end of input, expected a JSON value")),
            Some(b'{') => self.object(depth),
            Some(b'[') => self.array(depth),
            Some(b'"') => {
                let start = self.pos;
                let s = self.string()?;
                Ok(Node {
                    value: Value::String(s),
                    start,
                    end: self.pos,
                })
            }
            Some(b't') => self.expect_literal("true", Value::Bool(true)),
            Some(b'f') => self.expect_literal("false", Value::Bool(false)),
            Some(b'n') => self.expect_literal("null", Value::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(self.error("expected a JSON value")),
        }
    }

    fn enter(&self, depth: usize) -> Result<usize, ParseError> {
        if depth >= MAX_DEPTH {
            Err((
                Code::LimitExceeded,
                self.pos,
                format!("nesting deeper than {MAX_DEPTH} levels"),
            ))
        } else {
            Ok(depth + 1)
        }
    }

    fn object(&mut self, depth: usize) -> Result<Node, ParseError> {
        let depth = self.enter(depth)?;
        let start = self.pos;
        self.pos += 1;
        let mut members = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Node {
                value: Value::Object(members),
                start,
                end: self.pos,
            });
        }
        loop {
            self.skip_ws();
            if self.peek() != Some(b'"') {
                return Err(self.error("expected a string key in double quotes"));
            }
            let key_start = self.pos;
            let key = self.string()?;
            let key_end = self.pos;
            self.skip_ws();
            if self.peek() != Some(b':') {
                return Err(self.error("expected ':' after the key"));
            }
            self.pos += 1;
            self.skip_ws();
            let value = self.value(depth)?;
            members.push(Member {
                key,
                key_start,
                key_end,
                value,
            });
            self.skip_ws();
            match self.peek() {
                Some(b',') => {
                    let comma = self.pos;
                    self.pos += 1;
                    self.skip_ws();
                    if self.peek() == Some(b'}') {
                        self.pos = comma;
                        return Err(self.error("trailing comma before '}'"));
                    }
                }
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Node {
                        value: Value::Object(members),
                        start,
                        end: self.pos,
                    });
                }
                None => return Err(self.error("unexpected end of input, expected ',' or '}'")),
                Some(_) => return Err(self.error("expected ',' or '}'")),
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<Node, ParseError> {
        let depth = self.enter(depth)?;
        let start = self.pos;
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Node {
                value: Value::Array(items),
                start,
                end: self.pos,
            });
        }
        loop {
            self.skip_ws();
            items.push(self.value(depth)?);
            self.skip_ws();
            match self.peek() {
                Some(b',') => {
                    let comma = self.pos;
                    self.pos += 1;
                    self.skip_ws();
                    if self.peek() == Some(b']') {
                        self.pos = comma;
                        return Err(self.error("trailing comma before ']'"));
                    }
                }
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Node {
                        value: Value::Array(items),
                        start,
                        end: self.pos,
                    });
                }
                None => return Err(self.error("unexpected end of input, expected ',' or ']'")),
                Some(_) => return Err(self.error("expected ',' or ']'")),
            }
        }
    }

    fn digits(&mut self) -> usize {
        let from = self.pos;
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
        self.pos - from
    }

    fn number(&mut self) -> Result<Node, ParseError> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => {
                self.pos += 1;
                if let Some(b'0'..=b'9') = self.peek() {
                    return Err(self.error("numbers must not have leading zeros"));
                }
            }
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(self.error("expected a digit")),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if self.digits() == 0 {
                return Err(self.error("expected a digit after '.'"));
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return Err(self.error("expected a digit in the exponent"));
            }
        }
        let literal = self.text.get(start..self.pos).unwrap_or("");
        match literal.parse::<f64>() {
            Ok(n) if n.is_finite() => Ok(Node {
                value: Value::Number(n),
                start,
                end: self.pos,
            }),
            _ => Err((
                Code::LimitExceeded,
                start,
                "number is out of the range of a double".to_string(),
            )),
        }
    }

    fn hex4(&mut self) -> Result<u32, ParseError> {
        let digits = self
            .text
            .get(self.pos..self.pos + 4)
            .ok_or_else(|| self.error("expected four hex digits after \\u"))?;
        if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(self.error("expected four hex digits after \\u"));
        }
        let value = u32::from_str_radix(digits, 16)
            .map_err(|_| self.error("expected four hex digits after \\u"))?;
        self.pos += 4;
        Ok(value)
    }

    fn string(&mut self) -> Result<String, ParseError> {
        self.pos += 1; // opening quote
        let mut out = String::new();
        loop {
            // Copy the run of ordinary characters in one go.
            let run_start = self.pos;
            while let Some(b) = self.peek() {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            out.push_str(self.text.get(run_start..self.pos).unwrap_or(""));
            match self.peek() {
                None => return Err(self.error("unterminated string")),
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.pos += 1;
                    let escaped = self
                        .peek()
                        .ok_or_else(|| self.error("unterminated string"))?;
                    self.pos += 1;
                    match escaped {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => out.push(self.unicode_escape()?),
                        _ => {
                            self.pos -= 1;
                            return Err(self.error("invalid escape sequence"));
                        }
                    }
                }
                Some(_) => return Err(self.error("control character in string; escape it")),
            }
        }
    }

    fn unicode_escape(&mut self) -> Result<char, ParseError> {
        // The error points at the escape, `\u` included.
        let escape = self.pos.saturating_sub(2);
        let first = self.hex4()?;
        let code = if (0xD800..0xDC00).contains(&first) {
            if self.bytes.get(self.pos..self.pos + 2) != Some(b"\\u") {
                return Err(surrogate_error(escape));
            }
            self.pos += 2;
            let second = self.hex4()?;
            if !(0xDC00..0xE000).contains(&second) {
                return Err(surrogate_error(escape));
            }
            0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
        } else {
            first
        };
        char::from_u32(code).ok_or_else(|| surrogate_error(escape))
    }
}

fn surrogate_error(at: usize) -> ParseError {
    (
        Code::InvalidUtf16,
        at,
        "\\u escape is a lone surrogate, not a character (invalid UTF-16)".to_string(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> Diagnostic {
        match parse(text) {
            Ok(node) => panic!("expected an error for {text:?}, got {node:?}"),
            Err(d) => d,
        }
    }

    #[test]
    fn parses_values_with_spans() {
        let node = parse(r#" {"a": [1, -2.5e1, true, null], "b": "x\u00e9\ud83d\ude00"} "#)
            .unwrap_or_else(|d| panic!("{d}"));
        let Value::Object(members) = &node.value else {
            panic!("not an object")
        };
        assert_eq!((node.start, node.end), (1, 59));
        assert_eq!(members.len(), 2);
        assert_eq!(
            members.get(1).map(|m| &m.value.value),
            Some(&Value::String("xé😀".into()))
        );
        let Some(Value::Array(items)) = members.first().map(|m| &m.value.value) else {
            panic!("not an array")
        };
        assert_eq!(items.get(1).map(|n| &n.value), Some(&Value::Number(-25.0)));
    }

    #[test]
    fn keeps_duplicate_keys_in_order() {
        let node = parse(r#"{"a":1,"a":2}"#).unwrap_or_else(|d| panic!("{d}"));
        let Value::Object(members) = node.value else {
            panic!()
        };
        assert_eq!(members.len(), 2);
    }

    #[test]
    fn syntax_errors_carry_line_and_column() {
        let d = err("{\n  \"a\": 1,\n}");
        assert_eq!(d.code, Code::JsonSyntax);
        let span = d.span.unwrap_or_else(|| panic!("no span"));
        // The span is the trailing comma itself.
        assert_eq!((span.line, span.column), (2, 9));
        assert!(d.message.contains("trailing comma"), "{}", d.message);
        // A multi-byte character at the error is covered whole.
        let d = err("[é]");
        let span = d.span.unwrap_or_else(|| panic!("no span"));
        assert_eq!((span.start, span.end, span.column), (1, 2, 2));
    }

    #[test]
    fn rejects_what_json_forbids() {
        for text in [
            "",
            "{",
            "[1 2]",
            "01",
            "1.",
            "-",
            "1e",
            "'a'",
            "\"\\x\"",
            "\"a",
            "\"\u{1}\"",
            "{a:1}",
            "[1]x",
            "nul",
            "NaN",
        ] {
            assert_eq!(err(text).code, Code::JsonSyntax, "{text:?}");
        }
        for text in ["\"\\ud800\"", "\"\\udc00\"", "\"\\ud800\\u0041\""] {
            assert_eq!(err(text).code, Code::InvalidUtf16, "{text:?}");
        }
    }

    #[test]
    fn depth_and_size_are_limited() {
        let deep = "[".repeat(10_000);
        assert_eq!(err(&deep).code, Code::LimitExceeded);
        assert_eq!(err("1e999").code, Code::LimitExceeded);
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(parse(&ok).is_ok());
        let big = format!("\"{}\"", "a".repeat(MAX_INPUT_BYTES));
        assert_eq!(err(&big).code, Code::LimitExceeded);
        let many = format!("[{}0]", "0,".repeat(MAX_VALUES));
        assert!(many.len() < MAX_INPUT_BYTES);
        assert_eq!(err(&many).code, Code::LimitExceeded);
    }
}
