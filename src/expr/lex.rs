//! Tokens of the criteria language, with their byte spans.

use super::{ExprError, Span};
use crate::Code;

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Tok {
    Number(f64),
    /// A duration literal, in milliseconds.
    Duration(i64),
    Str(String),
    Ident(String),
    True,
    False,
    Null,
    And,
    Or,
    Not,
    In,
    Contains,
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
    Dot,
    Question,
    Colon,
    Bang,
    Minus,
    Plus,
    Star,
    Slash,
    Percent,
    Lt,
    Le,
    Gt,
    Ge,
    EqEq,
    Ne,
    AndAnd,
    OrOr,
}

impl Tok {
    /// How the token reads in an error message.
    pub(super) fn describe(&self) -> String {
        match self {
            Tok::Number(_) => "a number".to_string(),
            Tok::Duration(_) => "a duration".to_string(),
            Tok::Str(_) => "a string".to_string(),
            Tok::Ident(name) => format!("'{name}'"),
            other => format!("'{}'", other.symbol()),
        }
    }

    fn symbol(&self) -> &'static str {
        match self {
            Tok::True => "true",
            Tok::False => "false",
            Tok::Null => "null",
            Tok::And => "and",
            Tok::Or => "or",
            Tok::Not => "not",
            Tok::In => "in",
            Tok::Contains => "contains",
            Tok::LParen => "(",
            Tok::RParen => ")",
            Tok::LBracket => "[",
            Tok::RBracket => "]",
            Tok::Comma => ",",
            Tok::Dot => ".",
            Tok::Question => "?",
            Tok::Colon => ":",
            Tok::Bang => "!",
            Tok::Minus => "-",
            Tok::Plus => "+",
            Tok::Star => "*",
            Tok::Slash => "/",
            Tok::Percent => "%",
            Tok::Lt => "<",
            Tok::Le => "<=",
            Tok::Gt => ">",
            Tok::Ge => ">=",
            Tok::EqEq => "==",
            Tok::Ne => "!=",
            Tok::AndAnd => "&&",
            Tok::OrOr => "||",
            Tok::Number(_) | Tok::Duration(_) | Tok::Str(_) | Tok::Ident(_) => "",
        }
    }
}

/// Milliseconds per duration unit, longest unit names first so `ms` wins over `m`.
pub(super) const UNITS: [(&str, i64); 6] = [
    ("ms", 1),
    ("w", 7 * 86_400_000),
    ("d", 86_400_000),
    ("h", 3_600_000),
    ("m", 60_000),
    ("s", 1_000),
];

fn syntax(span: Span, message: impl Into<String>) -> ExprError {
    ExprError::new(Code::ExpressionSyntax, span, message)
}

/// Splits `text` into tokens.
pub(super) fn tokenize(text: &str) -> Result<Vec<(Tok, Span)>, ExprError> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut pos = 0;
    while let Some(&b) = bytes.get(pos) {
        let start = pos;
        let two = bytes.get(pos..pos + 2);
        let tok = match b {
            b' ' | b'\t' | b'\n' | b'\r' => {
                pos += 1;
                continue;
            }
            b'0'..=b'9' => {
                let (tok, end) = number(text, pos)?;
                pos = end;
                tok
            }
            b'"' | b'\'' => {
                let (s, end) = string(text, pos)?;
                pos = end;
                Tok::Str(s)
            }
            b'a'..=b'z' | b'A'..=b'Z' | b'_' => {
                while let Some(b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_') = bytes.get(pos) {
                    pos += 1;
                }
                let word = text.get(start..pos).unwrap_or_default();
                match word {
                    "true" => Tok::True,
                    "false" => Tok::False,
                    "null" => Tok::Null,
                    "and" => Tok::And,
                    "or" => Tok::Or,
                    "not" => Tok::Not,
                    "in" => Tok::In,
                    "contains" => Tok::Contains,
                    _ => Tok::Ident(word.to_string()),
                }
            }
            _ => {
                let (tok, len) = match (two, b) {
                    (Some(b"<="), _) => (Tok::Le, 2),
                    (Some(b">="), _) => (Tok::Ge, 2),
                    (Some(b"=="), _) => (Tok::EqEq, 2),
                    (Some(b"!="), _) => (Tok::Ne, 2),
                    (Some(b"&&"), _) => (Tok::AndAnd, 2),
                    (Some(b"||"), _) => (Tok::OrOr, 2),
                    (_, b'(') => (Tok::LParen, 1),
                    (_, b')') => (Tok::RParen, 1),
                    (_, b'[') => (Tok::LBracket, 1),
                    (_, b']') => (Tok::RBracket, 1),
                    (_, b',') => (Tok::Comma, 1),
                    (_, b'.') => (Tok::Dot, 1),
                    (_, b'?') => (Tok::Question, 1),
                    (_, b':') => (Tok::Colon, 1),
                    (_, b'!') => (Tok::Bang, 1),
                    (_, b'-') => (Tok::Minus, 1),
                    (_, b'+') => (Tok::Plus, 1),
                    (_, b'*') => (Tok::Star, 1),
                    (_, b'/') => (Tok::Slash, 1),
                    (_, b'%') => (Tok::Percent, 1),
                    (_, b'<') => (Tok::Lt, 1),
                    (_, b'>') => (Tok::Gt, 1),
                    (_, b'=') => {
                        return Err(syntax(
                            Span::new(start, start + 1),
                            "'=' is not an operator; compare with '=='",
                        ));
                    }
                    _ => {
                        let ch = text.get(start..).and_then(|s| s.chars().next());
                        let len = ch.map_or(1, char::len_utf8);
                        let shown = ch.map(|c| c.to_string()).unwrap_or_default();
                        return Err(syntax(
                            Span::new(start, start + len),
                            format!("unexpected character '{shown}'"),
                        ));
                    }
                };
                pos += len;
                tok
            }
        };
        out.push((tok, Span::new(start, pos)));
    }
    Ok(out)
}

/// A number, or a duration when a unit follows the digits directly (`30d`, `500ms`).
fn number(text: &str, start: usize) -> Result<(Tok, usize), ExprError> {
    let bytes = text.as_bytes();
    let mut pos = start;
    let digits = |pos: &mut usize| {
        let from = *pos;
        while let Some(b'0'..=b'9') = bytes.get(*pos) {
            *pos += 1;
        }
        *pos - from
    };
    digits(&mut pos);
    let integer_end = pos;
    if bytes.get(pos) == Some(&b'.') && matches!(bytes.get(pos + 1), Some(b'0'..=b'9')) {
        pos += 1;
        digits(&mut pos);
    }
    if let Some(b'e' | b'E') = bytes.get(pos) {
        let mut exp = pos + 1;
        if let Some(b'+' | b'-') = bytes.get(exp) {
            exp += 1;
        }
        if matches!(bytes.get(exp), Some(b'0'..=b'9')) {
            pos = exp;
            digits(&mut pos);
        }
    }
    // A unit directly after an integer makes a duration literal.
    if pos == integer_end {
        let rest = text.get(pos..).unwrap_or_default();
        for (unit, ms) in UNITS {
            let after = rest.as_bytes().get(unit.len());
            let is_word_end =
                !matches!(after, Some(b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_'));
            if rest.starts_with(unit) && is_word_end {
                let end = pos + unit.len();
                let span = Span::new(start, end);
                let count: i64 = text
                    .get(start..pos)
                    .and_then(|d| d.parse().ok())
                    .ok_or_else(|| syntax(span, "duration is too large"))?;
                let millis = count
                    .checked_mul(ms)
                    .filter(|m| *m <= super::MAX_DURATION_MS)
                    .ok_or_else(|| syntax(span, "duration is too large"))?;
                return Ok((Tok::Duration(millis), end));
            }
        }
    }
    if let Some(b'a'..=b'z' | b'A'..=b'Z' | b'_') = bytes.get(pos) {
        return Err(syntax(
            Span::new(start, pos + 1),
            "a number cannot be followed by a letter (duration units are w, d, h, m, s, ms)",
        ));
    }
    let span = Span::new(start, pos);
    let value: f64 = text
        .get(start..pos)
        .and_then(|s| s.parse().ok())
        .filter(|v: &f64| v.is_finite())
        .ok_or_else(|| syntax(span, "number is out of range"))?;
    Ok((Tok::Number(value), pos))
}

fn string(text: &str, start: usize) -> Result<(String, usize), ExprError> {
    let bytes = text.as_bytes();
    let quote = bytes.get(start).copied().unwrap_or(b'"');
    let mut pos = start + 1;
    let mut out = String::new();
    loop {
        let run = pos;
        while let Some(&b) = bytes.get(pos) {
            if b == quote || b == b'\\' || b == b'\n' {
                break;
            }
            pos += 1;
        }
        out.push_str(text.get(run..pos).unwrap_or_default());
        match bytes.get(pos) {
            None | Some(b'\n') => {
                return Err(syntax(Span::new(start, pos), "unterminated string"));
            }
            Some(&b) if b == quote => return Ok((out, pos + 1)),
            _ => {
                let escape_start = pos;
                pos += 1;
                let escaped = bytes.get(pos).copied();
                pos += 1;
                let escape_end = (pos + 4).min(text.len());
                let bad = || {
                    syntax(
                        Span::new(escape_start, escape_end),
                        "invalid escape sequence",
                    )
                };
                match escaped {
                    Some(b'\\') => out.push('\\'),
                    Some(b'"') => out.push('"'),
                    Some(b'\'') => out.push('\''),
                    Some(b'n') => out.push('\n'),
                    Some(b't') => out.push('\t'),
                    Some(b'r') => out.push('\r'),
                    Some(b'u') => {
                        let hex = text
                            .get(pos..pos + 4)
                            .filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))
                            .ok_or_else(bad)?;
                        let code = u32::from_str_radix(hex, 16).map_err(|_| bad())?;
                        pos += 4;
                        out.push(char::from_u32(code).ok_or_else(bad)?);
                    }
                    _ => return Err(bad()),
                }
            }
        }
    }
}
