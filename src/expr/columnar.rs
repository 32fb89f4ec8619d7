//! Criteria compiled against columns: a boolean expression whose every read is a column of a
//! batch (numbers, flags, dictionary-coded strings and string lists), a count or an `exists`
//! over the batch's signals, or a constant, becomes a small program evaluated per row with no
//! account context built — string comparisons are decided once per dictionary entry, signal
//! predicates read the signal columns directly.
//!
//! The answers are the evaluator's (`eval.rs`), three-valued, null for null: a test compares
//! both on generated batches. Expressions that need more (arithmetic, dates, nested lists,
//! string functions) do not compile here, and callers evaluate them on a context instead.
//! Owns no batch reading or validation (`crate::batch`), and no stage choice
//! (`crate::classify_columns`).

use super::Expression;
use super::check::{Base, Op, Ord, Quant};
use super::data::Data;
use super::types::{self, ACCOUNT, Ty};

const DAY_MS: i64 = 86_400_000;

/// A per-row value the program can read, by its path in the account context.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Source<'a> {
    /// Numbers; NaN is null.
    Numbers(&'a [f64]),
    /// Flags: 0 false, 1 true, anything else null.
    Flags(&'a [u8]),
    /// Dictionary codes into `values`; a code past the end is null.
    Strings {
        /// Per row.
        codes: &'a [u32],
        /// The dictionary.
        values: &'a [String],
    },
    /// A number the caller sets between evaluations, the same for every row: `live[k]` of
    /// the batch (NaN is null) — a one-row batch evaluated at many moments (replay's looks)
    /// changes its score so without rebuilding its sources.
    Live(usize),
    /// A list of dictionary codes per row (`offsets` has one entry more than rows).
    Lists {
        /// Where each row's codes start.
        offsets: &'a [u32],
        /// Codes into `values` (past the end: skipped).
        codes: &'a [u32],
        /// The dictionary.
        values: &'a [String],
    },
}

/// The batch's signals, grouped by row: row `r`'s are positions `offsets[r]..offsets[r + 1]`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Signals<'a> {
    pub offsets: &'a [usize],
    /// Type codes into `kinds` (past the end: null).
    pub kind: &'a [u32],
    pub kinds: &'a [String],
    /// Whole milliseconds.
    pub at: &'a [f64],
    pub strength: Option<&'a [f64]>,
    pub value: Option<&'a [f64]>,
    pub contact: Option<&'a [u32]>,
    pub contacts: &'a [String],
}

/// Everything a compiled program reads: sources by path, the signals, and `asOf`.
pub(crate) struct Batch<'a> {
    pub sources: Vec<(&'a [usize], Source<'a>)>,
    pub signals: Signals<'a>,
    pub as_of: i64,
    /// What [`Source::Live`] sources read.
    pub live: [f64; 6],
}

/// A compiled boolean criterion.
#[derive(Debug, Clone)]
pub(crate) struct Program {
    root: Node,
    /// The signal predicates, one per `count` or `exists` (each is read once).
    predicates: Vec<Pred>,
    /// What each account field the expression reads is, for [`Program::reads_only_missing`].
    reads: Vec<Read>,
    /// The evaluator's steps for the expression, at most: `fixed` plus `per_signal` for each
    /// of a row's signals (its list predicates run once per signal).
    fixed_steps: usize,
    per_signal_steps: usize,
}

/// An account field an expression reads, as the batch holds it.
#[derive(Debug, Clone, Copy)]
enum Read {
    Column(usize),
    Signals,
    /// No column: always missing (null, an empty list), or never (a flag reading `false`).
    Absent(bool),
}

#[derive(Debug, Clone)]
enum Node {
    Const(Option<bool>),
    Flag(usize),
    Not(Box<Node>),
    And(Box<Node>, Box<Node>),
    Or(Box<Node>, Box<Node>),
    Cmp(Ord, Num, Num),
    /// `a == b` (or `!=`): null equals null only.
    Eq(Num, Num, bool),
    /// A string column tested against constants: per dictionary code the answer, and the
    /// answer for null.
    Text(usize, Vec<Option<bool>>, Option<bool>),
    /// A list column holds one of the codes marked.
    ListHas(usize, Vec<bool>),
    /// Some signal satisfies predicate `k`.
    Exists(usize),
    /// The column's value is not null (`has(x)`).
    Present(usize),
}

#[derive(Debug, Clone, Copy)]
enum Num {
    Const(Option<f64>),
    Column(usize),
    /// How many signals satisfy predicate `k`.
    Count(usize),
    /// Whole days from a timestamp column's value to `asOf` (`daysSince(x)`).
    DaysSince(usize),
    /// How many strings a list column holds (`size(x)`).
    Size(usize),
}

/// A predicate over one signal.
#[derive(Debug, Clone)]
enum Pred {
    Const(Option<bool>),
    Not(Box<Pred>),
    And(Box<Pred>, Box<Pred>),
    Or(Box<Pred>, Box<Pred>),
    /// The type (or the contact) tested against constants, by dictionary code; then the
    /// answer for null.
    Kind(Vec<Option<bool>>, Option<bool>),
    Contact(Vec<Option<bool>>, Option<bool>),
    /// `within(at, d)`.
    Within(i64),
    Cmp(Ord, SigNum, SigNum),
    Eq(SigNum, SigNum, bool),
}

#[derive(Debug, Clone, Copy)]
enum SigNum {
    Const(Option<f64>),
    Strength,
    Value,
}

/// Where an expression reads a string: a column of the batch, or a signal's field.
enum TextAt<'a> {
    Column(usize, &'a [String]),
    Null,
}

impl Program {
    /// Compiles `expr` for `batch`; `None` when it reads something this form cannot.
    pub(crate) fn compile(expr: &Expression, batch: &Batch<'_>) -> Option<Program> {
        let mut predicates = Vec::new();
        let root = node(&expr.program, batch, &mut predicates)?;
        let (fixed_steps, per_signal_steps) = steps(&expr.program);
        let reads = expr
            .root_paths()
            .iter()
            .map(|path| {
                if is_signals_path(path) {
                    return Some(Read::Signals);
                }
                if is_as_of_path(path) {
                    return Some(Read::Absent(false));
                }
                Some(match find(batch, path) {
                    Some((i, _)) => Read::Column(i),
                    None => Read::Absent(matches!(absent(path)?, Data::Null | Data::List(_))),
                })
            })
            .collect::<Option<Vec<Read>>>()?;
        Some(Program {
            root,
            predicates,
            reads,
            fixed_steps,
            per_signal_steps,
        })
    }

    /// Whether the evaluator could run out of steps on `row` (it has that many signals): then
    /// the caller evaluates on a context instead, where the limit applies as it does to
    /// `classify`.
    pub(crate) fn may_exceed_steps(&self, batch: &Batch<'_>, row: usize) -> bool {
        let s = &batch.signals;
        let from = s.offsets.get(row).copied().unwrap_or(0);
        let n = s
            .offsets
            .get(row + 1)
            .copied()
            .unwrap_or(from)
            .saturating_sub(from);
        self.fixed_steps
            .saturating_add(n.saturating_mul(self.per_signal_steps))
            > super::MAX_STEPS as usize
    }

    /// As [`Expression::reads_only_missing`] for `row`: the expression reads at least one
    /// field and every one is null or an empty list.
    pub(crate) fn reads_only_missing(&self, batch: &Batch<'_>, row: usize) -> bool {
        !self.reads.is_empty()
            && self.reads.iter().all(|read| match *read {
                Read::Absent(missing) => missing,
                Read::Signals => {
                    let s = &batch.signals;
                    s.offsets.get(row) == s.offsets.get(row + 1)
                }
                Read::Column(i) => match batch.sources.get(i).map(|s| &s.1) {
                    Some(Source::Numbers(v)) => v.get(row).is_none_or(|x| x.is_nan()),
                    Some(Source::Live(k)) => batch.live.get(*k).is_none_or(|x| x.is_nan()),
                    Some(Source::Flags(v)) => !matches!(v.get(row), Some(0 | 1)),
                    Some(Source::Strings { codes, values }) => {
                        codes.get(row).is_none_or(|&c| c as usize >= values.len())
                    }
                    Some(Source::Lists {
                        offsets,
                        codes,
                        values,
                    }) => {
                        let codes = row_codes(offsets, codes, row);
                        codes.iter().all(|&c| c as usize >= values.len())
                    }
                    None => true,
                },
            })
    }

    /// The criterion's answer for `row`.
    pub(crate) fn evaluate(&self, batch: &Batch<'_>, row: usize) -> Option<bool> {
        eval_node(&self.root, self, batch, row)
    }
}

fn node(op: &Op, batch: &Batch<'_>, preds: &mut Vec<Pred>) -> Option<Node> {
    Some(match op {
        Op::Const(Data::Bool(b)) => Node::Const(Some(*b)),
        Op::Const(Data::Null) => Node::Const(None),
        Op::Path(Base::Root, path) => match find(batch, path) {
            Some((i, Source::Flags(_))) => Node::Flag(i),
            Some(_) => return None,
            None => match absent(path)? {
                Data::Bool(b) => Node::Const(Some(b)),
                Data::Null => Node::Const(None),
                _ => return None,
            },
        },
        Op::Not(x) => Node::Not(Box::new(node(x, batch, preds)?)),
        Op::And(a, b) => Node::And(
            Box::new(node(a, batch, preds)?),
            Box::new(node(b, batch, preds)?),
        ),
        Op::Or(a, b) => Node::Or(
            Box::new(node(a, batch, preds)?),
            Box::new(node(b, batch, preds)?),
        ),
        Op::Cmp(ord, a, b) => Node::Cmp(*ord, num(a, batch, preds)?, num(b, batch, preds)?),
        Op::Eq(a, b, negate) => {
            if let (Some(a), Some(b)) = (num(a, batch, preds), num(b, batch, preds)) {
                return Some(Node::Eq(a, b, *negate));
            }
            let (at, text) = text_eq(a, b)?;
            let answer = |equal: bool| Some(equal != *negate);
            match text_at(at, batch)? {
                TextAt::Column(i, values) => Node::Text(
                    i,
                    values.iter().map(|v| answer(v.as_str() == text)).collect(),
                    answer(false),
                ),
                TextAt::Null => Node::Const(answer(false)),
            }
        }
        Op::In(elem, list) => {
            let Op::Const(Data::List(items)) = &**list else {
                return string_in_list(elem, list, batch);
            };
            let has = |s: &str| {
                items
                    .iter()
                    .any(|d| matches!(d, Data::String(t) if t.as_ref() == s))
            };
            match text_at(elem, batch)? {
                TextAt::Column(i, values) => {
                    Node::Text(i, values.iter().map(|v| Some(has(v))).collect(), None)
                }
                TextAt::Null => Node::Const(None),
            }
        }
        Op::NotNull(x) => {
            let Op::Path(Base::Root, path) = &**x else {
                return None;
            };
            if is_as_of_path(path) {
                return Some(Node::Const(Some(true)));
            }
            match find(batch, path) {
                Some((i, _)) => Node::Present(i),
                None => Node::Const(Some(absent(path)? != Data::Null)),
            }
        }
        Op::Quant(Quant::Exists, list, pred) if is_signals(list) => {
            preds.push(pred_of(pred, batch)?);
            Node::Exists(preds.len() - 1)
        }
        _ => return None,
    })
}

/// `"x" in list_column` (what `list contains "x"` compiles to).
fn string_in_list(elem: &Op, list: &Op, batch: &Batch<'_>) -> Option<Node> {
    let Op::Const(Data::String(wanted)) = elem else {
        return None;
    };
    let Op::Path(Base::Root, path) = list else {
        return None;
    };
    Some(match find(batch, path) {
        Some((i, Source::Lists { values, .. })) => {
            Node::ListHas(i, values.iter().map(|v| v == wanted.as_ref()).collect())
        }
        Some(_) => return None,
        None => match absent(path)? {
            Data::List(_) => Node::Const(Some(false)),
            _ => return None,
        },
    })
}

fn num(op: &Op, batch: &Batch<'_>, preds: &mut Vec<Pred>) -> Option<Num> {
    Some(match op {
        Op::Const(Data::Number(n)) => Num::Const(Some(*n)),
        Op::Const(Data::Null) => Num::Const(None),
        Op::Path(Base::Root, path) => match find(batch, path) {
            Some((i, Source::Numbers(_) | Source::Live(_))) if field_ty(path)? == Ty::Number => {
                Num::Column(i)
            }
            Some(_) => return None,
            None if field_ty(path)? == Ty::Number => Num::Const(None),
            None => return None,
        },
        Op::Quant(Quant::Count, list, pred) if is_signals(list) => {
            preds.push(pred_of(pred, batch)?);
            Num::Count(preds.len() - 1)
        }
        Op::DaysSince(t) => {
            let Op::Path(Base::Root, path) = &**t else {
                return None;
            };
            if is_as_of_path(path) {
                return Some(Num::Const(Some(0.0)));
            }
            match find(batch, path) {
                Some((i, Source::Numbers(_))) if field_ty(path)? == Ty::Timestamp => {
                    Num::DaysSince(i)
                }
                Some(_) => return None,
                None if field_ty(path)? == Ty::Timestamp => Num::Const(None),
                None => return None,
            }
        }
        Op::Size(x) => {
            let Op::Path(Base::Root, path) = &**x else {
                return None;
            };
            if is_signals_path(path) {
                preds.push(Pred::Const(Some(true)));
                return Some(Num::Count(preds.len() - 1));
            }
            match find(batch, path) {
                Some((i, Source::Lists { .. })) => Num::Size(i),
                Some(_) => return None,
                None => match absent(path)? {
                    Data::List(_) => Num::Const(Some(0.0)),
                    _ => return None,
                },
            }
        }
        _ => return None,
    })
}

/// The string side and the constant of `a == b`, either way round.
fn text_eq<'o>(a: &'o Op, b: &'o Op) -> Option<(&'o Op, &'o str)> {
    match (a, b) {
        (x, Op::Const(Data::String(s))) | (Op::Const(Data::String(s)), x) => Some((x, s)),
        _ => None,
    }
}

fn text_at<'a>(op: &Op, batch: &Batch<'a>) -> Option<TextAt<'a>> {
    let Op::Path(Base::Root, path) = op else {
        return None;
    };
    match find(batch, path) {
        Some((i, Source::Strings { values, .. })) => Some(TextAt::Column(i, values)),
        Some(_) => None,
        None => (field_ty(path)? == Ty::String).then_some(TextAt::Null),
    }
}

fn is_signals(op: &Op) -> bool {
    matches!(op, Op::Path(Base::Root, path) if is_signals_path(path))
}

fn is_signals_path(path: &[usize]) -> bool {
    *path == [types::layout().signals]
}

/// `asOf`: never a column, always the batch's date.
fn is_as_of_path(path: &[usize]) -> bool {
    *path == [types::layout().as_of]
}

/// The evaluator's steps for `op`, at most: those taken once, and those taken per element of
/// the lists it quantifies over (one per operation of the predicate, for each element).
fn steps(op: &Op) -> (usize, usize) {
    let mut fixed = 0usize;
    let mut per_item = 0usize;
    let mut stack = vec![op];
    while let Some(op) = stack.pop() {
        fixed += 1;
        if let Op::Quant(_, list, pred) = op {
            stack.push(list);
            let (f, p) = steps(pred);
            per_item = per_item.saturating_add(f).saturating_add(p);
            continue;
        }
        stack.extend(op.children());
    }
    (fixed, per_item)
}

/// A signal predicate (its fields read at scope depth 0).
fn pred_of(op: &Op, batch: &Batch<'_>) -> Option<Pred> {
    let l = types::layout();
    let signals = &batch.signals;
    Some(match op {
        Op::Const(Data::Bool(b)) => Pred::Const(Some(*b)),
        Op::Const(Data::Null) => Pred::Const(None),
        Op::Not(x) => Pred::Not(Box::new(pred_of(x, batch)?)),
        Op::And(a, b) => Pred::And(Box::new(pred_of(a, batch)?), Box::new(pred_of(b, batch)?)),
        Op::Or(a, b) => Pred::Or(Box::new(pred_of(a, batch)?), Box::new(pred_of(b, batch)?)),
        Op::Within(t, d) => match (&**t, &**d) {
            (Op::Path(Base::Scope(0), path), Op::Const(Data::Duration(d)))
                if **path == [l.signal_at] =>
            {
                Pred::Within(*d)
            }
            _ => return None,
        },
        Op::Cmp(ord, a, b) => Pred::Cmp(*ord, sig_num(a)?, sig_num(b)?),
        Op::Eq(a, b, negate) => {
            if let (Some(a), Some(b)) = (sig_num(a), sig_num(b)) {
                return Some(Pred::Eq(a, b, *negate));
            }
            let (at, text) = text_eq(a, b)?;
            let answer = |equal: bool| Some(equal != *negate);
            let table = |values: &[String]| -> Vec<Option<bool>> {
                values.iter().map(|v| answer(v.as_str() == text)).collect()
            };
            match sig_text(at)? {
                SigText::Kind => Pred::Kind(table(signals.kinds), answer(false)),
                SigText::Contact => Pred::Contact(table(signals.contacts), answer(false)),
                SigText::Null => Pred::Const(answer(false)),
            }
        }
        Op::In(elem, list) => {
            let Op::Const(Data::List(items)) = &**list else {
                return None;
            };
            let table = |values: &[String]| -> Vec<Option<bool>> {
                values
                    .iter()
                    .map(|v| {
                        Some(
                            items
                                .iter()
                                .any(|d| matches!(d, Data::String(t) if t.as_ref() == v)),
                        )
                    })
                    .collect()
            };
            match sig_text(elem)? {
                SigText::Kind => Pred::Kind(table(signals.kinds), None),
                SigText::Contact => Pred::Contact(table(signals.contacts), None),
                SigText::Null => Pred::Const(None),
            }
        }
        _ => return None,
    })
}

enum SigText {
    Kind,
    Contact,
    /// A string field the batch has no column for (`topic`): null.
    Null,
}

fn sig_text(op: &Op) -> Option<SigText> {
    let l = types::layout();
    let Op::Path(Base::Scope(0), path) = op else {
        return None;
    };
    match **path {
        [i] if i == l.signal_type => Some(SigText::Kind),
        [i] if i == l.signal_contact => Some(SigText::Contact),
        [i] if i != l.signal_at && signal_field_ty(i) == Some(Ty::String) => Some(SigText::Null),
        _ => None,
    }
}

fn sig_num(op: &Op) -> Option<SigNum> {
    let l = types::layout();
    Some(match op {
        Op::Const(Data::Number(n)) => SigNum::Const(Some(*n)),
        Op::Const(Data::Null) => SigNum::Const(None),
        Op::Path(Base::Scope(0), path) => match **path {
            [i] if i == l.signal_strength => SigNum::Strength,
            [i] if i == l.signal_value => SigNum::Value,
            _ => return None,
        },
        _ => return None,
    })
}

fn signal_field_ty(i: usize) -> Option<Ty> {
    let Ty::List(signal) = Ty::Object(ACCOUNT).field("signals")?.1.ty else {
        return None;
    };
    match signal {
        Ty::Object(fields) => fields.get(i).map(|f| f.ty),
        _ => None,
    }
}

/// The source for `path`, by its position in the batch.
fn find<'a>(batch: &Batch<'a>, path: &[usize]) -> Option<(usize, Source<'a>)> {
    batch
        .sources
        .iter()
        .position(|(p, _)| **p == *path)
        .and_then(|i| Some((i, batch.sources.get(i)?.1)))
}

/// The field at `path` in the account schema.
fn field_at(path: &[usize]) -> Option<&'static types::Field> {
    let mut fields = ACCOUNT;
    let mut found = None;
    for &i in path {
        let field = fields.get(i)?;
        found = Some(field);
        fields = match field.ty {
            Ty::Object(inner) => inner,
            _ => &[],
        };
    }
    found
}

/// The type of the field at `path` in the account schema.
pub(crate) fn field_ty(path: &[usize]) -> Option<Ty> {
    field_at(path).map(|f| f.ty)
}

/// What a field without a column reads as.
fn absent(path: &[usize]) -> Option<Data> {
    field_at(path).map(super::data::absent)
}

/// Row `row`'s codes in a list column.
fn row_codes<'a>(offsets: &[u32], codes: &'a [u32], row: usize) -> &'a [u32] {
    let from = offsets.get(row).copied().unwrap_or(0) as usize;
    let to = offsets.get(row + 1).copied().unwrap_or(0) as usize;
    codes.get(from..to).unwrap_or(&[])
}

fn cmp(ord: Ord, a: Option<f64>, b: Option<f64>) -> Option<bool> {
    let o = a?.partial_cmp(&b?)?;
    Some(match ord {
        Ord::Lt => o.is_lt(),
        Ord::Le => o.is_le(),
        Ord::Gt => o.is_gt(),
        Ord::Ge => o.is_ge(),
    })
}

fn eq(a: Option<f64>, b: Option<f64>, negate: bool) -> Option<bool> {
    Some((a == b) != negate)
}

fn not(x: Option<bool>) -> Option<bool> {
    x.map(|b| !b)
}

/// Kleene `and`, the evaluator's own (`eval::and`), for sides that cannot fail.
fn and(a: Option<bool>, b: impl FnOnce() -> Option<bool>) -> Option<bool> {
    let Ok(v) = super::eval::and(a, || Ok::<_, std::convert::Infallible>(b()));
    v
}

/// Kleene `or`, the evaluator's own (`eval::or`).
fn or(a: Option<bool>, b: impl FnOnce() -> Option<bool>) -> Option<bool> {
    let Ok(v) = super::eval::or(a, || Ok::<_, std::convert::Infallible>(b()));
    v
}

fn eval_node(n: &Node, p: &Program, batch: &Batch<'_>, row: usize) -> Option<bool> {
    match n {
        Node::Const(b) => *b,
        Node::Flag(i) => match batch.sources.get(*i).map(|s| &s.1) {
            Some(Source::Flags(v)) => match v.get(row) {
                Some(0) => Some(false),
                Some(1) => Some(true),
                _ => None,
            },
            _ => None,
        },
        Node::Not(x) => not(eval_node(x, p, batch, row)),
        Node::And(a, b) => and(eval_node(a, p, batch, row), || eval_node(b, p, batch, row)),
        Node::Or(a, b) => or(eval_node(a, p, batch, row), || eval_node(b, p, batch, row)),
        Node::Cmp(ord, a, b) => {
            let a = eval_num(*a, p, batch, row);
            cmp(*ord, a, eval_num(*b, p, batch, row))
        }
        Node::Eq(a, b, negate) => {
            let a = eval_num(*a, p, batch, row);
            eq(a, eval_num(*b, p, batch, row), *negate)
        }
        Node::Text(i, table, null) => match batch.sources.get(*i).map(|s| &s.1) {
            Some(Source::Strings { codes, .. }) => codes
                .get(row)
                .and_then(|&c| table.get(c as usize))
                .copied()
                .unwrap_or(*null),
            _ => *null,
        },
        Node::ListHas(i, table) => match batch.sources.get(*i).map(|s| &s.1) {
            Some(Source::Lists { offsets, codes, .. }) => Some(
                row_codes(offsets, codes, row)
                    .iter()
                    .any(|&c| table.get(c as usize) == Some(&true)),
            ),
            _ => Some(false),
        },
        Node::Present(i) => Some(match batch.sources.get(*i).map(|s| &s.1) {
            Some(Source::Numbers(v)) => v.get(row).is_some_and(|x| !x.is_nan()),
            Some(Source::Live(k)) => batch.live.get(*k).is_some_and(|x| !x.is_nan()),
            Some(Source::Flags(v)) => matches!(v.get(row), Some(0 | 1)),
            Some(Source::Strings { codes, values }) => {
                codes.get(row).is_some_and(|&c| (c as usize) < values.len())
            }
            Some(Source::Lists { .. }) => true,
            None => false,
        }),
        Node::Exists(k) => {
            let (count, unknown) = count(*k, p, batch, row);
            if count > 0 {
                Some(true)
            } else if unknown {
                None
            } else {
                Some(false)
            }
        }
    }
}

fn eval_num(n: Num, p: &Program, batch: &Batch<'_>, row: usize) -> Option<f64> {
    match n {
        Num::Const(x) => x,
        Num::Column(i) => match batch.sources.get(i).map(|s| &s.1) {
            Some(Source::Numbers(v)) => v.get(row).copied().filter(|x| !x.is_nan()),
            Some(Source::Live(k)) => batch.live.get(*k).copied().filter(|x| !x.is_nan()),
            _ => None,
        },
        Num::Count(k) => Some(count(k, p, batch, row).0 as f64),
        Num::DaysSince(i) => match batch.sources.get(i).map(|s| &s.1) {
            Some(Source::Numbers(v)) => {
                let t = v.get(row).copied().filter(|x| !x.is_nan())? as i64;
                Some(batch.as_of.saturating_sub(t).div_euclid(DAY_MS) as f64)
            }
            _ => None,
        },
        Num::Size(i) => match batch.sources.get(i).map(|s| &s.1) {
            Some(Source::Lists {
                offsets,
                codes,
                values,
            }) => {
                let codes = row_codes(offsets, codes, row);
                Some(
                    codes
                        .iter()
                        .filter(|&&c| (c as usize) < values.len())
                        .count() as f64,
                )
            }
            _ => None,
        },
    }
}

/// How many of the row's signals satisfy predicate `k`, and whether any is unknown.
fn count(k: usize, p: &Program, batch: &Batch<'_>, row: usize) -> (usize, bool) {
    let s = &batch.signals;
    let from = s.offsets.get(row).copied().unwrap_or(0);
    let to = s.offsets.get(row + 1).copied().unwrap_or(from);
    let mut out = (0, false);
    if let Some(pred) = p.predicates.get(k) {
        for j in from..to {
            match eval_pred(pred, s, batch.as_of, j) {
                Some(true) => out.0 += 1,
                None => out.1 = true,
                Some(false) => {}
            }
        }
    }
    out
}

fn eval_pred(pred: &Pred, s: &Signals<'_>, as_of: i64, j: usize) -> Option<bool> {
    let coded = |codes: Option<&[u32]>, table: &[Option<bool>], null: Option<bool>| {
        codes
            .and_then(|c| c.get(j))
            .and_then(|&c| table.get(c as usize))
            .copied()
            .unwrap_or(null)
    };
    let number = |n: SigNum| match n {
        SigNum::Const(x) => x,
        SigNum::Strength => s
            .strength
            .and_then(|v| v.get(j))
            .copied()
            .filter(|x| !x.is_nan()),
        SigNum::Value => s
            .value
            .and_then(|v| v.get(j))
            .copied()
            .filter(|x| !x.is_nan()),
    };
    match pred {
        Pred::Const(b) => *b,
        Pred::Not(x) => not(eval_pred(x, s, as_of, j)),
        Pred::And(a, b) => and(eval_pred(a, s, as_of, j), || eval_pred(b, s, as_of, j)),
        Pred::Or(a, b) => or(eval_pred(a, s, as_of, j), || eval_pred(b, s, as_of, j)),
        Pred::Kind(table, null) => coded(Some(s.kind), table, *null),
        Pred::Contact(table, null) => coded(s.contact, table, *null),
        Pred::Within(d) => {
            let at = s.at.get(j).copied().filter(|x| !x.is_nan())? as i64;
            Some(at <= as_of && at >= as_of.saturating_sub(*d))
        }
        Pred::Cmp(ord, a, b) => cmp(*ord, number(*a), number(*b)),
        Pred::Eq(a, b, negate) => eq(number(*a), number(*b), *negate),
    }
}
