//! The crate's one error type and the diagnostics that validation collects.
//!
//! Every problem the engine reports, from a JSON syntax error to a duplicate stage id, is a
//! [`Diagnostic`]: a severity, a stable machine [`Code`], a JSON-pointer `path` into the input,
//! an optional [`Span`] in the source text, and a human message. Validation collects all of them
//! at once; compiling a definition fails with an [`Error`] that carries the whole list.
//!
//! This module owns the vocabulary of codes (documented in `docs/errors.md`, never reused) and
//! the conversion of byte offsets into line, column and UTF-16 offsets. It does not decide what
//! is a problem: the parsers and validators do.

use serde::Serialize;
use std::fmt;

/// A stable, machine-readable error code.
///
/// The string form (see [`Code::as_str`]) is the public contract: it appears as `code` in JSON
/// output and on JS `Error` objects, is documented in `docs/errors.md`, and is never reused for
/// a different meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Code {
    /// The input is not well-formed JSON.
    JsonSyntax,
    /// An object has the same key twice.
    DuplicateKey,
    /// The input is larger, deeper or longer than the engine accepts.
    LimitExceeded,
    /// A value of the wrong kind was passed to an API (e.g. a number where a definition belongs).
    InvalidArgument,
    /// A string from JavaScript holds lone surrogates and is not valid UTF-16.
    InvalidUtf16,
    /// A required field is absent.
    MissingField,
    /// A field the format does not define.
    UnknownField,
    /// A field holds a value of the wrong JSON type.
    InvalidType,
    /// A field has the right type but an unacceptable value.
    InvalidValue,
    /// An id does not follow the id syntax.
    InvalidId,
    /// Two stages share an id.
    DuplicateStageId,
    /// A journey has no stages.
    NoStages,
    /// An expression does not parse.
    ExpressionSyntax,
    /// An expression names a field or variable that does not exist.
    UnknownIdentifier,
    /// An expression calls a function or method that does not exist.
    UnknownFunction,
    /// An expression combines values of types that do not go together.
    TypeMismatch,
    /// A function is called with the wrong number of arguments.
    WrongArity,
    /// An expression divided by zero while evaluating an account.
    DivisionByZero,
    /// A reference to a stage id the journey does not have.
    UnknownStage,
    /// Two journeys of one file share an id.
    DuplicateJourneyId,
    /// A reference to a journey id the file does not have.
    UnknownJourney,
    /// No account can enter a stage (warning).
    UnreachableStage,
    /// Two stages share an explicit priority and an account can match both (warning).
    AmbiguousPriority,
    /// An account can match no stage's entry criteria, and the journey does not declare such
    /// accounts outside it (warning).
    StageGap,
    /// A fault inside the engine, not in the input; please report it.
    Internal,
}

impl Code {
    /// Every code, in documentation order.
    pub const ALL: [Code; 25] = [
        Code::JsonSyntax,
        Code::DuplicateKey,
        Code::LimitExceeded,
        Code::InvalidArgument,
        Code::InvalidUtf16,
        Code::MissingField,
        Code::UnknownField,
        Code::InvalidType,
        Code::InvalidValue,
        Code::InvalidId,
        Code::DuplicateStageId,
        Code::NoStages,
        Code::ExpressionSyntax,
        Code::UnknownIdentifier,
        Code::UnknownFunction,
        Code::TypeMismatch,
        Code::WrongArity,
        Code::DivisionByZero,
        Code::UnknownStage,
        Code::DuplicateJourneyId,
        Code::UnknownJourney,
        Code::UnreachableStage,
        Code::AmbiguousPriority,
        Code::StageGap,
        Code::Internal,
    ];

    /// The stable kebab-case name of the code.
    ///
    /// ```
    /// assert_eq!(account_journey::Code::DuplicateStageId.as_str(), "duplicate-stage-id");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Code::JsonSyntax => "json-syntax",
            Code::DuplicateKey => "duplicate-key",
            Code::LimitExceeded => "limit-exceeded",
            Code::InvalidArgument => "invalid-argument",
            Code::InvalidUtf16 => "invalid-utf16",
            Code::MissingField => "missing-field",
            Code::UnknownField => "unknown-field",
            Code::InvalidType => "invalid-type",
            Code::InvalidValue => "invalid-value",
            Code::InvalidId => "invalid-id",
            Code::DuplicateStageId => "duplicate-stage-id",
            Code::NoStages => "no-stages",
            Code::ExpressionSyntax => "expression-syntax",
            Code::UnknownIdentifier => "unknown-identifier",
            Code::UnknownFunction => "unknown-function",
            Code::TypeMismatch => "type-mismatch",
            Code::WrongArity => "wrong-arity",
            Code::DivisionByZero => "division-by-zero",
            Code::UnknownStage => "unknown-stage",
            Code::DuplicateJourneyId => "duplicate-journey-id",
            Code::UnknownJourney => "unknown-journey",
            Code::UnreachableStage => "unreachable-stage",
            Code::AmbiguousPriority => "ambiguous-priority",
            Code::StageGap => "stage-gap",
            Code::Internal => "internal",
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// How bad a diagnostic is: errors prevent compilation, warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Severity {
    /// The definition cannot be compiled.
    Error,
    /// The definition compiles, but probably does not mean what its author intended.
    Warning,
}

/// A region of the source text.
///
/// Inside Rust the region is a byte range (`byte_start..byte_end`). The serialised form, the one
/// every runtime prints, carries UTF-16 offsets (`start`, `end`) and a 1-based `line` and
/// `column` (column counted in UTF-16 code units), which is what JS editors index by; so native
/// and JS output stay byte-identical.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Span {
    /// Start, in UTF-16 code units from the beginning of the text.
    pub start: usize,
    /// End (exclusive), in UTF-16 code units.
    pub end: usize,
    /// 1-based line of `start`.
    pub line: usize,
    /// 1-based column of `start`, in UTF-16 code units.
    pub column: usize,
    /// Start, in bytes of the UTF-8 text.
    #[serde(skip)]
    pub byte_start: usize,
    /// End (exclusive), in bytes of the UTF-8 text.
    #[serde(skip)]
    pub byte_end: usize,
}

/// One problem found in an input, with where it is and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Whether the problem prevents compilation.
    pub severity: Severity,
    /// The stable machine code.
    pub code: Code,
    /// JSON pointer (RFC 6901) to the offending value; `""` is the whole input.
    pub path: String,
    /// Where in the source text, when the input was text.
    pub span: Option<Span>,
    /// What is wrong, for a human.
    pub message: String,
}

impl Diagnostic {
    /// An error-severity diagnostic without a span.
    pub fn error(code: Code, path: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            path: path.into(),
            span: None,
            message: message.into(),
        }
    }

    /// A warning-severity diagnostic without a span.
    pub fn warning(code: Code, path: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, path, message)
        }
    }

    /// The same diagnostic with a span.
    pub fn with_span(mut self, span: Option<Span>) -> Self {
        self.span = span;
        self
    }
}

impl Diagnostic {
    /// The diagnostic as a human reads it in a terminal: severity, code, location and message,
    /// then the source line with a caret under the span (when there is one).
    ///
    /// ```
    /// let text = "{\n  \"id\": 1\n}";
    /// let v = account_journey::validate_definition(text);
    /// let shown = v.diagnostics[0].render(text);
    /// assert!(shown.starts_with("error[invalid-type] at 2:9 (/id): expected a string"));
    /// assert!(shown.ends_with("2 |   \"id\": 1\n  |         ^"));
    /// ```
    pub fn render(&self, source: &str) -> String {
        let head = self.to_string();
        let Some(span) = self.span else {
            return head;
        };
        let Some(line) = source.split('\n').nth(span.line.saturating_sub(1)) else {
            return head;
        };
        let line = line.strip_suffix('\r').unwrap_or(line);
        // Columns are UTF-16 units; the caret line is drawn in characters.
        let mut units = 0;
        let mut chars_before = 0;
        for ch in line.chars() {
            if units + 1 >= span.column {
                break;
            }
            units += ch.len_utf16();
            chars_before += 1;
        }
        let width_units = span.end.saturating_sub(span.start).max(1);
        let mut covered = 0;
        let mut width = 0;
        for ch in line.chars().skip(chars_before) {
            if covered >= width_units {
                break;
            }
            covered += ch.len_utf16();
            width += 1;
        }
        let number = span.line.to_string();
        let gutter = " ".repeat(number.len());
        format!(
            "{head}\n{gutter} |\n{number} | {line}\n{gutter} | {}{}",
            " ".repeat(chars_before),
            "^".repeat(width.max(1))
        )
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{severity}[{}]", self.code)?;
        if let Some(span) = &self.span {
            write!(f, " at {}:{}", span.line, span.column)?;
        }
        if !self.path.is_empty() {
            write!(f, " ({})", self.path)?;
        }
        write!(f, ": {}", self.message)
    }
}

/// The crate's error: what went wrong (code, path, span, message) and, when a definition failed
/// to compile, every diagnostic found in it.
///
/// Boxed inside, so `Result<T, Error>` stays one pointer wide on the happy path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    inner: Box<ErrorData>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
struct ErrorData {
    code: Code,
    path: String,
    span: Option<Span>,
    message: String,
    diagnostics: Vec<Diagnostic>,
}

impl Error {
    /// An error with no diagnostics list.
    pub fn new(code: Code, path: impl Into<String>, message: impl Into<String>) -> Self {
        Error {
            inner: Box::new(ErrorData {
                code,
                path: path.into(),
                span: None,
                message: message.into(),
                diagnostics: Vec::new(),
            }),
        }
    }

    /// The stable code of the (first) error.
    pub fn code(&self) -> Code {
        self.inner.code
    }

    /// JSON pointer to the offending value; `""` is the whole input.
    pub fn path(&self) -> &str {
        &self.inner.path
    }

    /// Where in the source text, when the input was text.
    pub fn span(&self) -> Option<&Span> {
        self.inner.span.as_ref()
    }

    /// What is wrong, for a human.
    pub fn message(&self) -> &str {
        &self.inner.message
    }

    /// All diagnostics, errors and warnings, when the error comes from validation.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.inner.diagnostics
    }

    /// The error with `prefix` put before its path (an error found in one item of a batch,
    /// placed in the batch).
    pub(crate) fn prefixed(mut self, prefix: &str) -> Self {
        self.inner.path.insert_str(0, prefix);
        self
    }

    /// Drops every span (the error's and its diagnostics'), for inputs whose source text the
    /// caller never saw.
    pub fn without_spans(mut self) -> Self {
        self.inner.span = None;
        for d in &mut self.inner.diagnostics {
            d.span = None;
        }
        self
    }

    /// The error a failed validation gives: the first error-severity diagnostic leads,
    /// and the message counts the rest.
    pub fn from_diagnostics(diagnostics: Vec<Diagnostic>) -> Self {
        let errors: Vec<&Diagnostic> = diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .collect();
        let Some(first) = errors.first() else {
            return Error::new(Code::Internal, "", "definition rejected without an error");
        };
        let message = match errors.len() {
            1 => format!("invalid journey definition: {first}"),
            n => format!("invalid journey definition ({n} errors); first: {first}"),
        };
        Error {
            inner: Box::new(ErrorData {
                code: first.code,
                path: first.path.clone(),
                span: first.span,
                message,
                diagnostics,
            }),
        }
    }
}

impl Serialize for Error {
    /// `{ code, path, span, message, diagnostics }`, the shape JS sees on a `JourneyError`.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.inner.serialize(serializer)
    }
}

impl From<Diagnostic> for Error {
    fn from(d: Diagnostic) -> Self {
        Error {
            inner: Box::new(ErrorData {
                code: d.code,
                path: d.path.clone(),
                span: d.span,
                message: d.message.clone(),
                diagnostics: vec![d],
            }),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.inner.code, self.inner.message)
    }
}

impl std::error::Error for Error {}

/// Turns byte offsets of one source text into [`Span`]s (lines, UTF-16 columns and offsets).
///
/// Built in one pass; each lookup then costs a binary search and a scan of at most one
/// checkpoint interval, so many diagnostics on a long single-line (minified) text stay cheap.
pub(crate) struct SourceMap<'a> {
    text: &'a str,
    /// Byte offset of the start of each line, and the UTF-16 offset of that same point.
    lines: Vec<(usize, usize)>,
    /// Every ~256 bytes, a char boundary's byte offset and UTF-16 offset.
    checkpoints: Vec<(usize, usize)>,
}

const CHECKPOINT_BYTES: usize = 256;

impl<'a> SourceMap<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        let mut lines = vec![(0, 0)];
        let mut checkpoints = vec![(0, 0)];
        let mut utf16 = 0;
        for (i, ch) in text.char_indices() {
            if i >= checkpoints.last().map_or(0, |c| c.0) + CHECKPOINT_BYTES {
                checkpoints.push((i, utf16));
            }
            utf16 += ch.len_utf16();
            if ch == '\n' {
                lines.push((i + 1, utf16));
            }
        }
        SourceMap {
            text,
            lines,
            checkpoints,
        }
    }

    /// UTF-16 offset of byte offset `byte` (rounded down to a char boundary).
    fn utf16_at(&self, byte: usize) -> usize {
        let i = self
            .checkpoints
            .partition_point(|&(b, _)| b <= byte)
            .saturating_sub(1);
        let (base_byte, base_utf16) = self.checkpoints.get(i).copied().unwrap_or((0, 0));
        let extra: usize = self
            .text
            .get(base_byte..)
            .map(|rest| {
                rest.char_indices()
                    .take_while(|(j, _)| base_byte + j < byte)
                    .map(|(_, c)| c.len_utf16())
                    .sum()
            })
            .unwrap_or(0);
        base_utf16 + extra
    }

    pub(crate) fn span(&self, byte_start: usize, byte_end: usize) -> Span {
        let byte_start = byte_start.min(self.text.len());
        let byte_end = byte_end.clamp(byte_start, self.text.len());
        let line = self
            .lines
            .partition_point(|&(b, _)| b <= byte_start)
            .saturating_sub(1);
        let line_utf16 = self.lines.get(line).map_or(0, |l| l.1);
        let start = self.utf16_at(byte_start);
        Span {
            start,
            end: self.utf16_at(byte_end),
            line: line + 1,
            column: start - line_utf16 + 1,
            byte_start,
            byte_end,
        }
    }
}

/// Appends one reference token to a JSON pointer, escaping `~` and `/` (RFC 6901).
pub(crate) fn pointer_push(base: &str, token: &str) -> String {
    let mut out = String::with_capacity(base.len() + token.len() + 1);
    out.push_str(base);
    out.push('/');
    for ch in token.chars() {
        match ch {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
    out
}

/// An evaluation error as an engine error: a message that starts with a JSON pointer
/// (`"/scoring/fit/0/when: division by zero"`) gives the error its path.
impl From<crate::expr::ExprError> for Error {
    fn from(e: crate::expr::ExprError) -> Error {
        match e.message.split_once(": ") {
            Some((path, rest)) if path.starts_with('/') => Error::new(e.code, path, rest),
            _ => Error::new(e.code, "", e.message),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_kebab_case() {
        let mut names: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
        assert!(names.iter().all(|n| {
            n.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        }));
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Code::ALL.len());
    }

    #[test]
    fn spans_count_utf16_units_and_lines() {
        // "é" is 2 bytes / 1 unit, "😀" is 4 bytes / 2 units.
        let text = "ab\né😀x\ny";
        let map = SourceMap::new(text);
        let x = text.find('x').unwrap_or_default();
        let span = map.span(x, x + 1);
        assert_eq!((span.line, span.column), (2, 4));
        assert_eq!((span.start, span.end), (6, 7));
        let y = map.span(text.len() - 1, text.len());
        assert_eq!((y.line, y.column, y.start), (3, 1, 8));
    }

    #[test]
    fn pointer_escapes_tilde_and_slash() {
        assert_eq!(pointer_push("/stages/0", "a/b~c"), "/stages/0/a~1b~0c");
    }
}
