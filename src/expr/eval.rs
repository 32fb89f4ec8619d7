//! Evaluation of a compiled expression: three-valued (null is "unknown"), bounded in steps,
//! reading fields by position and borrowing strings and lists from the data, so a scalar result
//! allocates nothing.

use super::check::{Arith, Base, NumFn, Op, Ord, Quant, StrOp};
use super::data::{Data, parse_duration, parse_timestamp};
use super::{ExprError, MAX_DURATION_MS, MAX_STEPS, MAX_TIMESTAMP_MS, MIN_TIMESTAMP_MS, Span};
use crate::Code;

const DAY_MS: i64 = 86_400_000;
/// The root context's `asOf` is its first field.
const AS_OF: usize = 0;

/// A value during evaluation, borrowing from the program or the account data.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Val<'a> {
    Null,
    Bool(bool),
    Num(f64),
    Str(&'a str),
    Time(i64),
    Dur(i64),
    List(&'a [Data]),
    Obj(&'a [Data]),
}

impl<'a> Val<'a> {
    fn of(data: &'a Data) -> Val<'a> {
        match data {
            Data::Null => Val::Null,
            Data::Bool(b) => Val::Bool(*b),
            Data::Number(n) => Val::Num(*n),
            Data::String(s) => Val::Str(s),
            Data::Timestamp(t) => Val::Time(*t),
            Data::Duration(d) => Val::Dur(*d),
            Data::List(items) => Val::List(items),
            Data::Object(fields) => Val::Obj(fields),
        }
    }

    pub(super) fn to_data(self) -> Data {
        match self {
            Val::Null => Data::Null,
            Val::Bool(b) => Data::Bool(b),
            Val::Num(n) => Data::Number(n),
            Val::Str(s) => Data::String(s.into()),
            Val::Time(t) => Data::Timestamp(t),
            Val::Dur(d) => Data::Duration(d),
            Val::List(items) => Data::List(items.to_vec()),
            Val::Obj(fields) => Data::Object(fields.to_vec()),
        }
    }

    pub(super) fn type_name(self) -> &'static str {
        match self {
            Val::Null => "null",
            Val::Bool(_) => "a bool",
            Val::Num(_) => "a number",
            Val::Str(_) => "a string",
            Val::Time(_) => "a timestamp",
            Val::Dur(_) => "a duration",
            Val::List(_) => "a list",
            Val::Obj(_) => "an object",
        }
    }
}

/// Evaluates `program` against the account `context` (an object in account-schema order).
pub(super) fn evaluate<'a>(program: &'a Op, context: &'a Data) -> Result<Val<'a>, ExprError> {
    let Data::Object(root) = context else {
        return Err(ExprError::new(
            Code::InvalidArgument,
            Span::new(0, 0),
            "the context must be an account object",
        ));
    };
    let as_of = match root.get(AS_OF) {
        Some(Data::Timestamp(t)) => *t,
        _ => {
            return Err(ExprError::new(
                Code::InvalidArgument,
                Span::new(0, 0),
                "the context has no asOf timestamp",
            ));
        }
    };
    let mut machine = Machine {
        root,
        as_of,
        scopes: Scopes::default(),
        steps: 0,
    };
    machine.eval(program)
}

/// The items quantifiers are at, innermost last: the first few in place (criteria rarely nest
/// quantifiers deeper), so an evaluation allocates nothing for them.
#[derive(Default)]
struct Scopes<'a> {
    first: [Option<Val<'a>>; 4],
    len: usize,
    deeper: Vec<Val<'a>>,
}

impl<'a> Scopes<'a> {
    #[inline]
    fn get(&self, depth: usize) -> Val<'a> {
        let found = match depth.checked_sub(self.first.len()) {
            None => self.first.get(depth).copied().flatten(),
            Some(i) => self.deeper.get(i).copied(),
        };
        found.filter(|_| depth < self.len).unwrap_or(Val::Null)
    }

    #[inline]
    fn push(&mut self, val: Val<'a>) {
        match self.first.get_mut(self.len) {
            Some(slot) => *slot = Some(val),
            None => self.deeper.push(val),
        }
        self.len += 1;
    }

    #[inline]
    fn pop(&mut self) {
        if self.len > self.first.len() {
            self.deeper.pop();
        }
        self.len = self.len.saturating_sub(1);
    }
}

struct Machine<'a> {
    root: &'a [Data],
    as_of: i64,
    scopes: Scopes<'a>,
    steps: u32,
}

fn division_by_zero(span: Span) -> ExprError {
    ExprError::new(Code::DivisionByZero, span, "division by zero")
}

impl<'a> Machine<'a> {
    fn step(&mut self) -> Result<(), ExprError> {
        self.steps += 1;
        if self.steps > MAX_STEPS {
            return Err(ExprError::new(
                Code::LimitExceeded,
                Span::new(0, 0),
                format!("evaluation took more than {MAX_STEPS} steps"),
            ));
        }
        Ok(())
    }

    fn bool(&mut self, op: &'a Op) -> Result<Option<bool>, ExprError> {
        Ok(match self.eval(op)? {
            Val::Bool(b) => Some(b),
            _ => None,
        })
    }

    fn eval(&mut self, op: &'a Op) -> Result<Val<'a>, ExprError> {
        self.step()?;
        Ok(match op {
            Op::Const(d) => Val::of(d),
            Op::Path(base, path) => {
                let mut val = match base {
                    Base::Root => Val::Obj(self.root),
                    Base::Scope(depth) => self.scopes.get(*depth),
                };
                for &i in path.iter() {
                    val = field(val, i);
                }
                val
            }
            Op::Get(target, i) => field(self.eval(target)?, *i),
            Op::Index(list, index) => match (self.eval(list)?, self.eval(index)?) {
                (Val::List(items), Val::Num(n)) if n >= 0.0 && n.fract() == 0.0 => {
                    items.get(n as usize).map_or(Val::Null, Val::of)
                }
                _ => Val::Null,
            },
            Op::Not(x) => match self.bool(x)? {
                Some(b) => Val::Bool(!b),
                None => Val::Null,
            },
            Op::Neg(x) => match self.eval(x)? {
                Val::Num(n) => Val::Num(-n),
                // Durations are held within ±MAX_DURATION_MS, so negating cannot overflow.
                Val::Dur(d) => Val::Dur(d.saturating_neg()),
                _ => Val::Null,
            },
            Op::And(a, b) => {
                let left = self.bool(a)?;
                and(left, || self.bool(b))?.map_or(Val::Null, Val::Bool)
            }
            Op::Or(a, b) => {
                let left = self.bool(a)?;
                or(left, || self.bool(b))?.map_or(Val::Null, Val::Bool)
            }
            Op::Eq(a, b, negate) => {
                let equal = equals(self.eval(a)?, self.eval(b)?);
                Val::Bool(equal != *negate)
            }
            Op::Cmp(ord, a, b) => match order(self.eval(a)?, self.eval(b)?) {
                Some(o) => Val::Bool(match ord {
                    Ord::Lt => o.is_lt(),
                    Ord::Le => o.is_le(),
                    Ord::Gt => o.is_gt(),
                    Ord::Ge => o.is_ge(),
                }),
                None => Val::Null,
            },
            Op::Arith(kind, a, b, span) => arith(*kind, self.eval(a)?, self.eval(b)?, *span)?,
            Op::In(elem, list) => match (self.eval(elem)?, self.eval(list)?) {
                (Val::Null, _) | (_, Val::Null) => Val::Null,
                (x, Val::List(items)) => Val::Bool(items.iter().any(|d| equals(x, Val::of(d)))),
                _ => Val::Null,
            },
            Op::InItems(elem, items) => {
                let x = self.eval(elem)?;
                if x == Val::Null {
                    return Ok(Val::Null);
                }
                for item in items {
                    if equals(x, self.eval(item)?) {
                        return Ok(Val::Bool(true));
                    }
                }
                Val::Bool(false)
            }
            Op::Str(kind, s, t) => match (self.eval(s)?, self.eval(t)?) {
                (Val::Str(s), Val::Str(t)) => Val::Bool(match kind {
                    StrOp::Contains => s.contains(t),
                    StrOp::StartsWith => s.starts_with(t),
                    StrOp::EndsWith => s.ends_with(t),
                }),
                _ => Val::Null,
            },
            Op::Cond(c, a, b) => match self.bool(c)? {
                Some(true) => self.eval(a)?,
                Some(false) => self.eval(b)?,
                None => Val::Null,
            },
            Op::Quant(kind, list, pred) => {
                let Val::List(items) = self.eval(list)? else {
                    return Ok(Val::Null);
                };
                self.quantify(*kind, items, pred)?
            }
            Op::Size(x) => match self.eval(x)? {
                Val::List(items) => Val::Num(items.len() as f64),
                Val::Str(s) => Val::Num(s.chars().count() as f64),
                _ => Val::Null,
            },
            Op::Within(t, d) => match (self.eval(t)?, self.eval(d)?) {
                (Val::Time(t), Val::Dur(d)) => {
                    Val::Bool(t <= self.as_of && t >= self.as_of.saturating_sub(d))
                }
                _ => Val::Null,
            },
            Op::DaysSince(t) => match self.eval(t)? {
                Val::Time(t) => Val::Num(self.as_of.saturating_sub(t).div_euclid(DAY_MS) as f64),
                _ => Val::Null,
            },
            Op::NotNull(x) => Val::Bool(self.eval(x)? != Val::Null),
            Op::ToTimestamp(x, span) | Op::ToDuration(x, span) => match self.eval(x)? {
                Val::Str(s) => {
                    let is_time = matches!(op, Op::ToTimestamp(..));
                    let parsed = if is_time {
                        parse_timestamp(s).map(Val::Time)
                    } else {
                        parse_duration(s).map(Val::Dur)
                    };
                    parsed.ok_or_else(|| {
                        let what = if is_time { "a timestamp" } else { "a duration" };
                        ExprError::new(Code::InvalidValue, *span, format!("\"{s}\" is not {what}"))
                    })?
                }
                _ => Val::Null,
            },
            Op::Num2(f, a, b) => match (self.eval(a)?, self.eval(b)?) {
                (Val::Num(a), Val::Num(b)) => Val::Num(match f {
                    NumFn::Min => a.min(b),
                    NumFn::Max => a.max(b),
                }),
                _ => Val::Null,
            },
            Op::Abs(x) => match self.eval(x)? {
                Val::Num(n) => Val::Num(n.abs()),
                _ => Val::Null,
            },
        })
    }

    fn quantify(
        &mut self,
        kind: Quant,
        items: &'a [Data],
        pred: &'a Op,
    ) -> Result<Val<'a>, ExprError> {
        let mut count = 0usize;
        let mut unknown = false;
        for item in items {
            self.scopes.push(Val::of(item));
            let result = self.bool(pred);
            self.scopes.pop();
            match (kind, result?) {
                (_, Some(true)) => count += 1,
                (Quant::All, Some(false)) => return Ok(Val::Bool(false)),
                (_, None) => unknown = true,
                (_, Some(false)) => {}
            }
            if kind == Quant::Exists && count > 0 {
                return Ok(Val::Bool(true));
            }
        }
        Ok(match kind {
            Quant::Count => Val::Num(count as f64),
            // Some element unknown and none decisive: the answer is unknown.
            Quant::Exists | Quant::All if unknown => Val::Null,
            Quant::Exists => Val::Bool(false),
            Quant::All => Val::Bool(true),
        })
    }
}

/// Kleene `and`, three-valued: false wins, then unknown; the right side is evaluated only when
/// the left is not false. Shared with the compiled criteria (`columnar.rs`).
pub(super) fn and<E>(
    left: Option<bool>,
    right: impl FnOnce() -> Result<Option<bool>, E>,
) -> Result<Option<bool>, E> {
    Ok(match left {
        Some(false) => Some(false),
        left => match (left, right()?) {
            (_, Some(false)) => Some(false),
            (Some(true), Some(true)) => Some(true),
            _ => None,
        },
    })
}

/// Kleene `or`: true wins, then unknown; the right side only when the left is not true.
pub(super) fn or<E>(
    left: Option<bool>,
    right: impl FnOnce() -> Result<Option<bool>, E>,
) -> Result<Option<bool>, E> {
    Ok(match left {
        Some(true) => Some(true),
        left => match (left, right()?) {
            (_, Some(true)) => Some(true),
            (Some(false), Some(false)) => Some(false),
            _ => None,
        },
    })
}

fn field(val: Val<'_>, i: usize) -> Val<'_> {
    match val {
        Val::Obj(fields) => fields.get(i).map_or(Val::Null, Val::of),
        _ => Val::Null,
    }
}

fn equals(a: Val<'_>, b: Val<'_>) -> bool {
    match (a, b) {
        (Val::List(x), Val::List(y)) => x == y,
        (a, b) => a == b,
    }
}

fn order(a: Val<'_>, b: Val<'_>) -> Option<std::cmp::Ordering> {
    match (a, b) {
        (Val::Num(a), Val::Num(b)) => a.partial_cmp(&b),
        (Val::Str(a), Val::Str(b)) => Some(a.cmp(b)),
        (Val::Time(a), Val::Time(b)) | (Val::Dur(a), Val::Dur(b)) => Some(a.cmp(&b)),
        _ => None,
    }
}

fn checked_ms(value: Option<i64>, span: Span) -> Result<i64, ExprError> {
    value.ok_or_else(|| ExprError::new(Code::LimitExceeded, span, "time arithmetic overflowed"))
}

/// A duration times (or divided by) a number: rounded to the millisecond, refused when not
/// representable.
fn scale(ms: i64, factor: f64, divide: bool, span: Span) -> Result<i64, ExprError> {
    let scaled = if divide {
        ms as f64 / factor
    } else {
        ms as f64 * factor
    }
    .round();
    if scaled.is_finite() && scaled.abs() <= 9.0e15 {
        Ok(scaled as i64)
    } else {
        Err(ExprError::new(
            Code::LimitExceeded,
            span,
            "duration arithmetic overflowed",
        ))
    }
}

fn arith<'a>(kind: Arith, a: Val<'a>, b: Val<'a>, span: Span) -> Result<Val<'a>, ExprError> {
    use Val::Num;
    let result = arith_value(kind, a, b, span)?;
    let out_of_range = |what: &str| {
        Err(ExprError::new(
            Code::LimitExceeded,
            span,
            format!("the result is outside the range of a {what}"),
        ))
    };
    match result {
        // JSON and the output of every runtime have no infinities or NaN.
        Num(n) if !n.is_finite() => Err(ExprError::new(
            Code::InvalidValue,
            span,
            "the result is too large to be a number",
        )),
        Val::Dur(d) if d.abs() > MAX_DURATION_MS => out_of_range("duration (about 10,000 years)"),
        Val::Time(t) if !(MIN_TIMESTAMP_MS..=MAX_TIMESTAMP_MS).contains(&t) => {
            out_of_range("timestamp (years 0000 to 9999)")
        }
        other => Ok(other),
    }
}

fn arith_value<'a>(kind: Arith, a: Val<'a>, b: Val<'a>, span: Span) -> Result<Val<'a>, ExprError> {
    use Val::{Dur, Num, Time};
    Ok(match (kind, a, b) {
        (Arith::Add, Num(a), Num(b)) => Num(a + b),
        (Arith::Sub, Num(a), Num(b)) => Num(a - b),
        (Arith::Mul, Num(a), Num(b)) => Num(a * b),
        (Arith::Div | Arith::Rem, Num(_), Num(0.0)) => {
            return Err(division_by_zero(span));
        }
        (Arith::Div, Num(a), Num(b)) => Num(a / b),
        (Arith::Rem, Num(a), Num(b)) => Num(a % b),
        (Arith::TimeDiff, Time(a), Time(b)) => Dur(checked_ms(a.checked_sub(b), span)?),
        (Arith::TimePlusDur, Time(t), Dur(d)) | (Arith::TimePlusDur, Dur(d), Time(t)) => {
            Time(checked_ms(t.checked_add(d), span)?)
        }
        (Arith::TimeMinusDur, Time(t), Dur(d)) => Time(checked_ms(t.checked_sub(d), span)?),
        (Arith::DurAdd, Dur(a), Dur(b)) => Dur(checked_ms(a.checked_add(b), span)?),
        (Arith::DurSub, Dur(a), Dur(b)) => Dur(checked_ms(a.checked_sub(b), span)?),
        (Arith::DurTimesNum, Dur(d), Num(n)) | (Arith::NumTimesDur, Num(n), Dur(d)) => {
            Dur(scale(d, n, false, span)?)
        }
        (Arith::DurDivNum, Dur(_), Num(0.0)) => return Err(division_by_zero(span)),
        (Arith::DurDivNum, Dur(d), Num(n)) => Dur(scale(d, n, true, span)?),
        (Arith::DurDivDur, Dur(_), Dur(0)) => return Err(division_by_zero(span)),
        (Arith::DurDivDur, Dur(a), Dur(b)) => Num(a as f64 / b as f64),
        _ => Val::Null,
    })
}
