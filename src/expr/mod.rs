//! The criteria language: a CEL subset for stage criteria and rules over an account's context.
//!
//! Text goes through `lex` → `parse` (a syntax tree with spans, nesting bounded) → `check`
//! (names resolved against the context schema in `types`, types checked, compiled once into an
//! evaluable tree with field positions instead of names) → `eval` (three-valued, bounded in
//! steps, allocation-free for scalar results). The language is specified in
//! `docs/criteria-language.md`; this module owns it. The account data an expression reads is
//! `data::Data`, shaped by the same schema.

mod check;
pub(crate) mod columnar;
pub mod data;
mod eval;
pub mod explain;
mod lex;
mod parse;
pub mod probe;
pub mod trend;
pub mod types;

use std::fmt;

use crate::Code;
pub use data::Data;
pub use types::Ty;

/// Longest expression accepted, in bytes.
pub const MAX_EXPRESSION_BYTES: usize = 16 * 1024;
/// Deepest nesting accepted (parentheses, operators, calls: the height of the syntax tree).
pub const MAX_DEPTH: usize = 100;
/// Most evaluation steps one evaluation may take (each element of a list predicate counts).
pub const MAX_STEPS: u32 = 100_000;
/// Longest duration any value may be (about 10,000 years): literals, parsed text and the
/// results of arithmetic are all held to it, so nothing overflows and every duration prints in
/// a form `duration()` reads back.
pub const MAX_DURATION_MS: i64 = 10_000 * 366 * 86_400_000;
/// Earliest timestamp: 0000-01-01T00:00:00Z (RFC 3339 has four-digit years).
pub const MIN_TIMESTAMP_MS: i64 = -62_167_219_200_000;
/// Latest timestamp: 9999-12-31T23:59:59.999Z.
pub const MAX_TIMESTAMP_MS: i64 = 253_402_300_799_999;

/// A byte range in the expression text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    pub(crate) fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    pub(crate) fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}

/// A problem with an expression: at compile time (syntax, names, types, limits) or while
/// evaluating it for one account (division by zero, a bad conversion, the step limit).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExprError {
    /// The stable code.
    pub code: Code,
    /// Where in the expression text.
    pub span: Span,
    /// What is wrong.
    pub message: String,
}

impl ExprError {
    /// An error with a code, a span in the expression and a message.
    pub fn new(code: Code, span: Span, message: impl Into<String>) -> ExprError {
        ExprError {
            code,
            span,
            message: message.into(),
        }
    }

    /// The error with the line, column and a caret excerpt of `source`:
    ///
    /// ```text
    /// error[type-mismatch] at 1:1: cannot compare a string with a number
    ///   |
    /// 1 | "a" > 1
    ///   | ^^^^^^^
    /// ```
    pub fn render(&self, source: &str) -> String {
        let start = self.span.start.min(source.len());
        let line_start = source
            .get(..start)
            .map_or(0, |s| s.rfind('\n').map_or(0, |i| i + 1));
        let line_end = source
            .get(start..)
            .and_then(|s| s.find('\n'))
            .map_or(source.len(), |i| start + i);
        let line_no = source.get(..start).map_or(0, |s| s.matches('\n').count()) + 1;
        let line = source.get(line_start..line_end).unwrap_or_default();
        let column = source
            .get(line_start..start)
            .map_or(0, |s| s.chars().count())
            + 1;
        let width = source
            .get(start..self.span.end.clamp(start, line_end))
            .map_or(1, |s| s.chars().count().max(1));
        let gutter = " ".repeat(line_no.to_string().len());
        format!(
            "error[{}] at {line_no}:{column}: {}\n{gutter} |\n{line_no} | {line}\n{gutter} | {}{}",
            self.code,
            self.message,
            " ".repeat(column - 1),
            "^".repeat(width)
        )
    }
}

impl fmt::Display for ExprError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for ExprError {}

/// A compiled expression, ready to evaluate against any number of account contexts.
///
/// ```
/// use account_journey::expr::{Data, Expression};
///
/// let mqa = Expression::compile("score.composite > 75 and firmographics.resolved")?;
/// let account = Data::account_from_json(r#"{"asOf": "2026-11-22",
///     "score": {"composite": 80}, "firmographics": {"resolved": true}}"#)?;
/// assert_eq!(mqa.evaluate_bool(&account)?, Some(true));
///
/// let err = Expression::compile("score.compsite > 75").unwrap_err();
/// assert_eq!(err.code.as_str(), "unknown-identifier");
/// assert!(err.message.contains("did you mean \"composite\""));
/// # Ok::<(), account_journey::expr::ExprError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Expression {
    program: check::Op,
    ty: Ty,
    /// The account fields the expression reads, computed once at compile time.
    root_paths: Vec<Box<[usize]>>,
}

impl Expression {
    /// Parses and type-checks `text` against the account context schema.
    ///
    /// # Errors
    /// An [`ExprError`] with the span of the first problem: `expression-syntax`,
    /// `unknown-identifier`, `unknown-function`, `type-mismatch`, `wrong-arity`,
    /// `invalid-value` (a literal conversion that cannot succeed) or `limit-exceeded`.
    pub fn compile(text: &str) -> Result<Expression, ExprError> {
        let ast = parse::parse(text)?;
        let (program, ty) = check::compile(&ast, types::ACCOUNT)?;
        let root_paths = program.root_paths();
        Ok(Expression {
            program,
            ty,
            root_paths,
        })
    }

    /// The lengths of time the expression compares with: its duration literals, and its whole
    /// numbers from 1 to 3660 read as days (`daysSince(x) > 90`) — where, as time passes, its
    /// answer can change.
    pub fn time_constants(&self) -> Vec<i64> {
        const DAY_MS: i64 = 86_400_000;
        let mut out = Vec::new();
        let mut stack = vec![&self.program];
        while let Some(op) = stack.pop() {
            match op {
                check::Op::Const(Data::Duration(ms)) => out.push(*ms),
                check::Op::Const(Data::Number(n))
                    if n.fract() == 0.0 && (1.0..=3660.0).contains(n) =>
                {
                    out.push(*n as i64 * DAY_MS);
                    out.push((*n as i64 + 1) * DAY_MS);
                }
                _ => {}
            }
            stack.extend(op.children());
        }
        out
    }

    /// The points in time the expression names (`timestamp("2027-01-01")`): where, as time
    /// passes, a comparison with `asOf` can change.
    pub fn time_points(&self) -> Vec<i64> {
        let mut out = Vec::new();
        let mut stack = vec![&self.program];
        while let Some(op) = stack.pop() {
            match op {
                check::Op::Const(Data::Timestamp(t)) => out.push(*t),
                check::Op::ToTimestamp(x, _) => {
                    if let check::Op::Const(Data::String(text)) = &**x
                        && let Some(t) = data::parse_timestamp(text)
                    {
                        out.push(t);
                    }
                }
                _ => {}
            }
            stack.extend(op.children());
        }
        out
    }

    /// How far back the expression can see the account's signals: `Some(None)` when it reads
    /// none, `Some(Some(d))` when every read is a `count(…)` or `exists(…)` over `signals`
    /// whose predicate requires `within(d)` of the signal's own time (as a condition joined
    /// by `and`), so a signal older than `d` can never change its answer; `None` when some
    /// read is not bounded that way (`size(signals)`, `all(…)`, a window on another field).
    ///
    /// ```
    /// use account_journey::expr::Expression;
    /// let reach = |text: &str| Expression::compile(text).map(|e| e.signal_reach());
    /// assert_eq!(reach("score.composite > 75")?, Some(None));
    /// assert_eq!(reach(r#"count(signals, type == "webinar" and within(30d)) >= 2"#)?, Some(Some(30 * 86_400_000)));
    /// assert_eq!(reach(r#"exists(signals, type == "demo")"#)?, None);
    /// # Ok::<(), account_journey::expr::ExprError>(())
    /// ```
    pub fn signal_reach(&self) -> Option<Option<i64>> {
        let signals = types::layout().signals;
        let at = types::layout().signal_at;
        reach(&self.program, 0, signals, at).map(|d| (d >= 0).then_some(d))
    }

    /// Which way the expression's value can move as time passes with the account's facts
    /// unchanged, when `score.*` moves as `score` says (see [`trend::Trend`]): valid for an
    /// account with no date after its `asOf`.
    pub fn trend(&self, score: trend::Trend) -> trend::Trend {
        trend::trend(&self.program, score)
    }

    /// At most how many steps one evaluation takes when no list it quantifies over has more
    /// than `items` elements.
    pub(crate) fn max_steps(&self, items: u64) -> u64 {
        trend::max_steps(&self.program, items)
    }

    /// Whether the expression's value can move with time alone, the account's facts staying as
    /// they are: it reads `asOf`, `daysInStage`, the score or the buying group (computed as of
    /// `asOf`), or uses `within` or `daysSince`.
    pub(crate) fn reads_clock(&self) -> bool {
        let l = types::layout();
        let mut stack = vec![&self.program];
        while let Some(op) = stack.pop() {
            match op {
                check::Op::Within(..) | check::Op::DaysSince(_) => return true,
                check::Op::Path(check::Base::Root, path)
                    if path.first().is_some_and(|&i| {
                        [l.as_of, l.days_in_stage, l.score, l.buying_group].contains(&i)
                    }) =>
                {
                    return true;
                }
                _ => {}
            }
            stack.extend(op.children());
        }
        false
    }

    /// Every string the expression names as a constant (`"webinar"`, the items of
    /// `["US", "GB"]`), appended to `out`.
    pub(crate) fn string_constants(&self, out: &mut Vec<String>) {
        let mut stack = vec![&self.program];
        while let Some(op) = stack.pop() {
            if let check::Op::Const(value) = op {
                match value {
                    Data::String(s) => out.push(s.to_string()),
                    Data::List(items) => out.extend(items.iter().filter_map(|d| match d {
                        Data::String(s) => Some(s.to_string()),
                        _ => None,
                    })),
                    _ => {}
                }
            }
            stack.extend(op.children());
        }
    }

    /// The account fields (paths of positions in the schema) the expression reads.
    pub fn root_paths(&self) -> &[Box<[usize]>] {
        &self.root_paths
    }

    /// Whether the expression reads field `i` of a list element it quantifies over
    /// (`exists(signals, topic == "x")` reads the signal's `topic`) — of any list: positions
    /// are per element type, so this over-approximates when several lists are read.
    pub(crate) fn reads_element_field(&self, i: usize) -> bool {
        let mut stack = vec![&self.program];
        while let Some(op) = stack.pop() {
            let reads = match op {
                check::Op::Path(check::Base::Scope(_), path) => path.first() == Some(&i),
                // `signals[0].topic`: a field of an element reached by index.
                check::Op::Get(_, field) => *field == i,
                _ => false,
            };
            if reads {
                return true;
            }
            stack.extend(op.children());
        }
        false
    }

    /// The type of the expression's value.
    pub fn result_type(&self) -> Ty {
        self.ty
    }

    /// Evaluates against one account context.
    ///
    /// # Errors
    /// `division-by-zero`, `invalid-value` (a runtime conversion failed) or `limit-exceeded`
    /// (more than [`MAX_STEPS`] steps), with the span of the part that failed.
    pub fn evaluate(&self, context: &Data) -> Result<Data, ExprError> {
        eval::evaluate(&self.program, context).map(|v| v.to_data())
    }

    /// Whether every account field the expression reads is missing in `context` — null, or an
    /// empty list, which is what an absent list reads as — and it reads at least one: then its
    /// answer says nothing about the account. A fit rule over missing firmographics (no
    /// industry, no tech stack) is unknown, not false.
    pub fn reads_only_missing(&self, context: &Data) -> bool {
        let Data::Object(_) = context else {
            return false;
        };
        let paths = &self.root_paths;
        !paths.is_empty()
            && paths.iter().all(|path| {
                let mut value = Some(context);
                for &i in path.iter() {
                    value = match value {
                        Some(Data::Object(fields)) => fields.get(i),
                        _ => None,
                    };
                }
                match value {
                    None | Some(Data::Null) => true,
                    Some(Data::List(items)) => items.is_empty(),
                    Some(_) => false,
                }
            })
    }

    /// Whether the expression reads no account field and is `true` (a catch-all criterion).
    pub fn is_constant_true(&self) -> bool {
        matches!(self.program, check::Op::Const(Data::Bool(true)))
            || (self.root_paths.is_empty()
                && matches!(
                    eval::evaluate(&self.program, &Data::Object(vec![Data::Timestamp(0)])),
                    Ok(eval::Val::Bool(true))
                ))
    }

    /// Evaluates a boolean expression: `Some(true)`, `Some(false)`, or `None` when the answer is
    /// unknown because a value it needed was null.
    ///
    /// # Errors
    /// As [`Expression::evaluate`]; `type-mismatch` if the expression is not boolean.
    pub fn evaluate_bool(&self, context: &Data) -> Result<Option<bool>, ExprError> {
        match eval::evaluate(&self.program, context)? {
            eval::Val::Bool(b) => Ok(Some(b)),
            eval::Val::Null => Ok(None),
            other => Err(ExprError::new(
                Code::TypeMismatch,
                Span::new(0, 0),
                format!(
                    "expected a boolean, the expression gives {}",
                    other.type_name()
                ),
            )),
        }
    }
}

/// How far back `op` reads signals (`-1`: not at all); `None` when unbounded (see
/// [`Expression::signal_reach`]). `depth` is the number of enclosing list predicates.
fn reach(op: &check::Op, depth: usize, signals: usize, at: usize) -> Option<i64> {
    use check::{Base, Op, Quant};
    let is_signals =
        |op: &Op| matches!(op, Op::Path(Base::Root, path) if path.as_ref() == [signals]);
    match op {
        Op::Quant(quant, list, pred) if is_signals(list) => {
            let window = match quant {
                Quant::Count | Quant::Exists => window_of(pred, depth, at)?,
                Quant::All => return None,
            };
            Some(window.max(reach(pred, depth + 1, signals, at)?))
        }
        Op::Quant(_, list, pred) => {
            Some(reach(list, depth, signals, at)?.max(reach(pred, depth + 1, signals, at)?))
        }
        Op::Path(Base::Root, path) if path.first() == Some(&signals) => None,
        other => other.children().into_iter().try_fold(-1, |d, child| {
            Some(d.max(reach(child, depth, signals, at)?))
        }),
    }
}

/// The window a list predicate requires of its element's time: `within(d)` itself, or the
/// narrowest among the conditions joined by `and`.
fn window_of(pred: &check::Op, depth: usize, at: usize) -> Option<i64> {
    use check::{Base, Op};
    match pred {
        Op::And(a, b) => match (window_of(a, depth, at), window_of(b, depth, at)) {
            (Some(x), Some(y)) => Some(x.min(y)),
            (x, y) => x.or(y),
        },
        Op::Within(t, d) => match (&**t, &**d) {
            (Op::Path(Base::Scope(s), path), Op::Const(Data::Duration(ms)))
                if *s == depth && path.as_ref() == [at] =>
            {
                Some(*ms)
            }
            _ => None,
        },
        _ => None,
    }
}
