//! Name resolution and type checking: a syntax tree becomes an evaluable [`Op`] tree in which
//! every field is a position in the schema, every operator is specialised to its operand types,
//! and literal conversions are already done.

use super::data::{Data, parse_duration, parse_timestamp};
use super::parse::{Ast, AstKind, BinOp, UnOp};
use super::types::{self, Field, Ty};
use super::{ExprError, Span};
use crate::Code;
use crate::definition::closest;

/// Where a field path starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Base {
    /// The account context.
    Root,
    /// The element of the list predicate at this depth of the scope stack.
    Scope(usize),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Arith {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
    TimeDiff,
    TimePlusDur,
    TimeMinusDur,
    DurAdd,
    DurSub,
    DurTimesNum,
    NumTimesDur,
    DurDivNum,
    DurDivDur,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Quant {
    Count,
    Exists,
    All,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Ord {
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum StrOp {
    Contains,
    StartsWith,
    EndsWith,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum NumFn {
    Min,
    Max,
}

/// The compiled form of an expression.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Op {
    Const(Data),
    Path(Base, Box<[usize]>),
    Get(Box<Op>, usize),
    Index(Box<Op>, Box<Op>),
    Not(Box<Op>),
    Neg(Box<Op>),
    And(Box<Op>, Box<Op>),
    Or(Box<Op>, Box<Op>),
    /// `==` (or `!=` when the flag is set).
    Eq(Box<Op>, Box<Op>, bool),
    Cmp(Ord, Box<Op>, Box<Op>),
    Arith(Arith, Box<Op>, Box<Op>, Span),
    In(Box<Op>, Box<Op>),
    /// `x in [a, b]` with items that are not all constants.
    InItems(Box<Op>, Vec<Op>),
    Str(StrOp, Box<Op>, Box<Op>),
    Cond(Box<Op>, Box<Op>, Box<Op>),
    Quant(Quant, Box<Op>, Box<Op>),
    Size(Box<Op>),
    Within(Box<Op>, Box<Op>),
    DaysSince(Box<Op>),
    NotNull(Box<Op>),
    ToTimestamp(Box<Op>, Span),
    ToDuration(Box<Op>, Span),
    Num2(NumFn, Box<Op>, Box<Op>),
    Abs(Box<Op>),
}

impl Op {
    /// The operations this one evaluates directly.
    pub(super) fn children(&self) -> Vec<&Op> {
        match self {
            Op::Const(_) | Op::Path(..) => Vec::new(),
            Op::Get(a, _)
            | Op::Not(a)
            | Op::Neg(a)
            | Op::Size(a)
            | Op::DaysSince(a)
            | Op::NotNull(a)
            | Op::ToTimestamp(a, _)
            | Op::ToDuration(a, _)
            | Op::Abs(a) => vec![a],
            Op::Index(a, b)
            | Op::And(a, b)
            | Op::Or(a, b)
            | Op::Eq(a, b, _)
            | Op::Cmp(_, a, b)
            | Op::Arith(_, a, b, _)
            | Op::In(a, b)
            | Op::Str(_, a, b)
            | Op::Quant(_, a, b)
            | Op::Within(a, b)
            | Op::Num2(_, a, b) => vec![a, b],
            Op::Cond(a, b, c) => vec![a, b, c],
            Op::InItems(a, items) => std::iter::once(a.as_ref()).chain(items).collect(),
        }
    }

    /// The account fields (paths from the root) the expression reads, each once.
    pub(super) fn root_paths(&self) -> Vec<Box<[usize]>> {
        let mut out: Vec<Box<[usize]>> = Vec::new();
        let mut stack = vec![self];
        while let Some(op) = stack.pop() {
            if let Op::Path(Base::Root, path) = op
                && !out.contains(path)
            {
                out.push(path.clone());
            }
            stack.extend(op.children());
        }
        out
    }
}

const FUNCTIONS: [&str; 12] = [
    "size",
    "count",
    "exists",
    "all",
    "within",
    "daysSince",
    "has",
    "timestamp",
    "duration",
    "min",
    "max",
    "abs",
];
const METHODS: [&str; 6] = [
    "size",
    "exists",
    "all",
    "contains",
    "startsWith",
    "endsWith",
];

struct Scope {
    var: Option<String>,
    elem: Ty,
}

struct Checker {
    root: &'static [Field],
    scopes: Vec<Scope>,
}

/// Compiles a syntax tree against the context whose fields are `root`.
pub(super) fn compile(ast: &Ast, root: &'static [Field]) -> Result<(Op, Ty), ExprError> {
    Checker {
        root,
        scopes: Vec::new(),
    }
    .expr(ast)
}

fn mismatch(span: Span, message: impl Into<String>) -> ExprError {
    ExprError::new(Code::TypeMismatch, span, message)
}

fn boxed(op: Op) -> Box<Op> {
    Box::new(op)
}

/// The non-null type of two operands, treating `null` as fitting anything.
fn unify(a: Ty, b: Ty) -> Option<Ty> {
    match (a, b) {
        (Ty::Null, t) | (t, Ty::Null) => Some(t),
        (a, b) if a.comparable(b) => Some(a),
        _ => None,
    }
}

fn article(ty: Ty) -> String {
    match ty {
        Ty::Null => "null".to_string(),
        Ty::List(_) | Ty::Object(_) => format!("a {ty}"),
        _ => format!("a {ty}"),
    }
}

impl Checker {
    fn expr(&mut self, ast: &Ast) -> Result<(Op, Ty), ExprError> {
        let span = ast.span;
        Ok(match &ast.kind {
            AstKind::Null => (Op::Const(Data::Null), Ty::Null),
            AstKind::Bool(b) => (Op::Const(Data::Bool(*b)), Ty::Bool),
            AstKind::Number(n) => (Op::Const(Data::Number(*n)), Ty::Number),
            AstKind::Str(s) => (Op::Const(Data::String(s.as_str().into())), Ty::String),
            AstKind::Duration(ms) => (Op::Const(Data::Duration(*ms)), Ty::Duration),
            AstKind::Ident(name) => self.ident(name, span)?,
            AstKind::Member(target, name) => self.member(target, name, span)?,
            AstKind::Index(target, index) => self.index(target, index, span)?,
            AstKind::List(items) => self.list(items, span, false)?,
            AstKind::Unary(op, operand) => self.unary(*op, operand, span)?,
            AstKind::Binary(op, left, right) => self.binary(*op, left, right, span)?,
            AstKind::Cond(cond, then, otherwise) => {
                let (c, ct) = self.expr(cond)?;
                self.expect_bool(ct, cond.span, "the condition of '?:'")?;
                let (a, at) = self.expr(then)?;
                let (b, bt) = self.expr(otherwise)?;
                let ty = unify(at, bt).ok_or_else(|| {
                    mismatch(
                        span,
                        format!(
                            "the branches of '?:' differ: {} and {}",
                            article(at),
                            article(bt)
                        ),
                    )
                })?;
                (Op::Cond(boxed(c), boxed(a), boxed(b)), ty)
            }
            AstKind::Call(name, args) => self.call(name, args, span)?,
            AstKind::Method(target, name, args) => self.method(target, name, args, span)?,
        })
    }

    fn expect_bool(&self, ty: Ty, span: Span, what: &str) -> Result<(), ExprError> {
        match ty {
            Ty::Bool | Ty::Null => Ok(()),
            other => Err(mismatch(
                span,
                format!("{what} must be a bool, not {}", article(other)),
            )),
        }
    }

    fn ident(&self, name: &str, span: Span) -> Result<(Op, Ty), ExprError> {
        for (depth, scope) in self.scopes.iter().enumerate().rev() {
            match &scope.var {
                Some(var) if var == name => {
                    return Ok((Op::Path(Base::Scope(depth), Box::new([])), scope.elem));
                }
                Some(_) => {}
                None => {
                    if let Some((i, field)) = scope.elem.field(name) {
                        return Ok((Op::Path(Base::Scope(depth), Box::new([i])), field.ty));
                    }
                }
            }
        }
        if let Some((i, field)) = Ty::Object(self.root).field(name) {
            return Ok((Op::Path(Base::Root, Box::new([i])), field.ty));
        }
        let mut candidates: Vec<&str> = self.root.iter().map(|f| f.name).collect();
        for scope in &self.scopes {
            match (&scope.var, scope.elem) {
                (Some(var), _) => candidates.push(var.as_str()),
                (None, Ty::Object(fields)) => candidates.extend(fields.iter().map(|f| f.name)),
                _ => {}
            }
        }
        let hint = match closest(name, &candidates) {
            Some(near) => format!("; did you mean \"{near}\"?"),
            None => String::new(),
        };
        Err(ExprError::new(
            Code::UnknownIdentifier,
            span,
            format!("unknown name \"{name}\"{hint}"),
        ))
    }

    fn member(&mut self, target: &Ast, name: &str, span: Span) -> Result<(Op, Ty), ExprError> {
        let (op, ty) = self.expr(target)?;
        let Ty::Object(fields) = ty else {
            return Err(mismatch(
                span,
                format!("{} has no fields (looking for \"{name}\")", article(ty)),
            ));
        };
        let Some((i, field)) = ty.field(name) else {
            let names: Vec<&str> = fields.iter().map(|f| f.name).collect();
            let hint = match closest(name, &names) {
                Some(near) => format!("; did you mean \"{near}\"?"),
                None => format!("; it has {}", names.join(", ")),
            };
            let name_span = Span::new(span.end.saturating_sub(name.len()), span.end);
            return Err(ExprError::new(
                Code::UnknownIdentifier,
                name_span,
                format!("unknown field \"{name}\"{hint}"),
            ));
        };
        let op = match op {
            Op::Path(base, path) => {
                let mut path = path.into_vec();
                path.push(i);
                Op::Path(base, path.into_boxed_slice())
            }
            other => Op::Get(boxed(other), i),
        };
        Ok((op, field.ty))
    }

    fn index(&mut self, target: &Ast, index: &Ast, span: Span) -> Result<(Op, Ty), ExprError> {
        let (list, ty) = self.expr(target)?;
        let (idx, it) = self.expr(index)?;
        let Ty::List(elem) = ty else {
            return Err(mismatch(span, format!("cannot index {}", article(ty))));
        };
        if !matches!(it, Ty::Number | Ty::Null) {
            return Err(mismatch(
                index.span,
                format!("a list index must be a number, not {}", article(it)),
            ));
        }
        Ok((Op::Index(boxed(list), boxed(idx)), *elem))
    }

    /// A list literal. Its items must be constants, except as the list side of `in` /
    /// `contains` (`computed_allowed`), where each item is evaluated in turn.
    fn list(
        &mut self,
        items: &[Ast],
        span: Span,
        computed_allowed: bool,
    ) -> Result<(Op, Ty), ExprError> {
        let mut ops = Vec::with_capacity(items.len());
        let mut elem = Ty::Null;
        for item in items {
            let (op, ty) = self.expr(item)?;
            elem = unify(elem, ty).ok_or_else(|| {
                mismatch(
                    item.span,
                    format!(
                        "list elements must have one type: {} among {}s",
                        article(ty),
                        elem
                    ),
                )
            })?;
            ops.push(op);
        }
        let elem = types::static_scalar(elem).ok_or_else(|| {
            mismatch(
                span,
                "list literals hold numbers, strings, bools, timestamps or durations",
            )
        })?;
        let constants: Option<Vec<Data>> = ops
            .iter()
            .map(|op| match op {
                Op::Const(d) => Some(d.clone()),
                _ => None,
            })
            .collect();
        match constants {
            Some(values) => Ok((Op::Const(Data::List(values)), Ty::List(elem))),
            // `x in [a, b]` evaluates computed items; `binary` fills in `x`.
            None if computed_allowed => Ok((
                Op::InItems(boxed(Op::Const(Data::Null)), ops),
                Ty::List(elem),
            )),
            None => Err(mismatch(
                span,
                "a list of computed values can only be the list side of `in` or `contains`; \
                 elsewhere list literals hold constants",
            )),
        }
    }

    /// An operand; a list literal on the list side of a membership test may hold computed items.
    fn operand(&mut self, ast: &Ast, list_side: bool) -> Result<(Op, Ty), ExprError> {
        match &ast.kind {
            AstKind::List(items) if list_side => self.list(items, ast.span, true),
            _ => self.expr(ast),
        }
    }

    fn unary(&mut self, op: UnOp, operand: &Ast, span: Span) -> Result<(Op, Ty), ExprError> {
        let (x, ty) = self.expr(operand)?;
        match op {
            UnOp::Not => {
                self.expect_bool(ty, operand.span, "the operand of 'not'")?;
                Ok((Op::Not(boxed(x)), Ty::Bool))
            }
            UnOp::Neg => match ty {
                Ty::Number | Ty::Duration | Ty::Null => Ok((Op::Neg(boxed(x)), ty)),
                other => Err(mismatch(span, format!("cannot negate {}", article(other)))),
            },
        }
    }

    fn binary(
        &mut self,
        op: BinOp,
        left: &Ast,
        right: &Ast,
        span: Span,
    ) -> Result<(Op, Ty), ExprError> {
        let (a, at) = self.operand(left, op == BinOp::Contains)?;
        let (b, bt) = self.operand(right, op == BinOp::In)?;
        let both = |what: &str| {
            mismatch(
                span,
                format!(
                    "cannot {what} {} and {} with '{}'",
                    article(at),
                    article(bt),
                    op.symbol()
                ),
            )
        };
        Ok(match op {
            BinOp::And | BinOp::Or => {
                self.expect_bool(
                    at,
                    left.span,
                    &format!("the left side of '{}'", op.symbol()),
                )?;
                self.expect_bool(
                    bt,
                    right.span,
                    &format!("the right side of '{}'", op.symbol()),
                )?;
                let op = if op == BinOp::And {
                    Op::And(boxed(a), boxed(b))
                } else {
                    Op::Or(boxed(a), boxed(b))
                };
                (op, Ty::Bool)
            }
            BinOp::Eq | BinOp::Ne => {
                if !at.comparable(bt) {
                    return Err(both("compare"));
                }
                (Op::Eq(boxed(a), boxed(b), op == BinOp::Ne), Ty::Bool)
            }
            BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                let ty = unify(at, bt).ok_or_else(|| both("compare"))?;
                if !matches!(
                    ty,
                    Ty::Number | Ty::String | Ty::Timestamp | Ty::Duration | Ty::Null
                ) {
                    return Err(both("order"));
                }
                let ord = match op {
                    BinOp::Lt => Ord::Lt,
                    BinOp::Le => Ord::Le,
                    BinOp::Gt => Ord::Gt,
                    _ => Ord::Ge,
                };
                (Op::Cmp(ord, boxed(a), boxed(b)), Ty::Bool)
            }
            BinOp::In | BinOp::Contains => {
                let (elem, et, list, lt) = if op == BinOp::In {
                    (a, at, b, bt)
                } else {
                    (b, bt, a, at)
                };
                match lt {
                    Ty::String if op == BinOp::Contains => {
                        if !matches!(et, Ty::String | Ty::Null) {
                            return Err(both("test"));
                        }
                        (Op::Str(StrOp::Contains, boxed(list), boxed(elem)), Ty::Bool)
                    }
                    Ty::List(item) if et.comparable(*item) => match list {
                        Op::InItems(_, items) => (Op::InItems(boxed(elem), items), Ty::Bool),
                        list => (Op::In(boxed(elem), boxed(list)), Ty::Bool),
                    },
                    Ty::Null => (Op::Const(Data::Null), Ty::Bool),
                    _ => return Err(both("test membership of")),
                }
            }
            BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::Rem => {
                let (arith, ty) = arith_types(op, at, bt).ok_or_else(|| both("combine"))?;
                (Op::Arith(arith, boxed(a), boxed(b), span), ty)
            }
        })
    }

    fn arity(&self, name: &str, args: &[Ast], n: usize, span: Span) -> Result<(), ExprError> {
        if args.len() == n {
            return Ok(());
        }
        Err(ExprError::new(
            Code::WrongArity,
            span,
            format!(
                "{name}() takes {n} argument{}, got {}",
                if n == 1 { "" } else { "s" },
                args.len()
            ),
        ))
    }

    fn typed(&mut self, arg: &Ast, want: Ty, what: &str) -> Result<Op, ExprError> {
        let (op, ty) = self.expr(arg)?;
        if ty == want || ty == Ty::Null {
            Ok(op)
        } else {
            Err(mismatch(
                arg.span,
                format!("{what} must be {}, not {}", article(want), article(ty)),
            ))
        }
    }

    /// A list predicate: `pred` checked with the list's element in scope.
    fn predicate(
        &mut self,
        list: &Ast,
        var: Option<&Ast>,
        pred: &Ast,
        quant: Quant,
    ) -> Result<(Op, Ty), ExprError> {
        let (list_op, lt) = self.expr(list)?;
        let elem = match lt {
            Ty::List(elem) => *elem,
            other => {
                return Err(mismatch(
                    list.span,
                    format!("expected a list, not {}", article(other)),
                ));
            }
        };
        let var = match var.map(|v| &v.kind) {
            None => None,
            Some(AstKind::Ident(name)) => Some(name.clone()),
            Some(_) => {
                let span = var.map_or(list.span, |v| v.span);
                return Err(ExprError::new(
                    Code::ExpressionSyntax,
                    span,
                    "the element variable must be a name",
                ));
            }
        };
        self.scopes.push(Scope { var, elem });
        let checked = self.expr(pred);
        self.scopes.pop();
        let (pred_op, pt) = checked?;
        self.expect_bool(pt, pred.span, "the predicate")?;
        let ty = if quant == Quant::Count {
            Ty::Number
        } else {
            Ty::Bool
        };
        Ok((Op::Quant(quant, boxed(list_op), boxed(pred_op)), ty))
    }

    fn call(&mut self, name: &str, args: &[Ast], span: Span) -> Result<(Op, Ty), ExprError> {
        let arg = |i: usize| {
            args.get(i)
                .ok_or_else(|| mismatch(span, "missing argument"))
        };
        Ok(match name {
            "size" => {
                self.arity(name, args, 1, span)?;
                self.size(arg(0)?)?
            }
            "count" | "exists" | "all" => {
                self.arity(name, args, 2, span)?;
                let quant = match name {
                    "count" => Quant::Count,
                    "exists" => Quant::Exists,
                    _ => Quant::All,
                };
                self.predicate(arg(0)?, None, arg(1)?, quant)?
            }
            "within" => match args.len() {
                1 => {
                    let at = self.element_time(span)?;
                    let d = self.typed(arg(0)?, Ty::Duration, "the window")?;
                    (Op::Within(boxed(at), boxed(d)), Ty::Bool)
                }
                2 => {
                    let t = self.typed(arg(0)?, Ty::Timestamp, "the time")?;
                    let d = self.typed(arg(1)?, Ty::Duration, "the window")?;
                    (Op::Within(boxed(t), boxed(d)), Ty::Bool)
                }
                _ => {
                    return Err(ExprError::new(
                        Code::WrongArity,
                        span,
                        format!("within() takes 1 or 2 arguments, got {}", args.len()),
                    ));
                }
            },
            "daysSince" => {
                self.arity(name, args, 1, span)?;
                let t = self.typed(arg(0)?, Ty::Timestamp, "the argument of daysSince()")?;
                (Op::DaysSince(boxed(t)), Ty::Number)
            }
            "has" => {
                self.arity(name, args, 1, span)?;
                let a = arg(0)?;
                if !matches!(a.kind, AstKind::Ident(_) | AstKind::Member(..)) {
                    return Err(mismatch(
                        a.span,
                        "has() takes a field, such as has(crm.opportunity.amount)",
                    ));
                }
                let (op, _) = self.expr(a)?;
                (Op::NotNull(boxed(op)), Ty::Bool)
            }
            "timestamp" | "duration" => {
                self.arity(name, args, 1, span)?;
                let a = arg(0)?;
                let op = self.typed(a, Ty::String, &format!("the argument of {name}()"))?;
                let is_time = name == "timestamp";
                if let AstKind::Str(text) = &a.kind {
                    let parsed = if is_time {
                        parse_timestamp(text).map(Data::Timestamp)
                    } else {
                        parse_duration(text).map(Data::Duration)
                    };
                    let value = parsed.ok_or_else(|| {
                        let what = if is_time {
                            "an RFC 3339 timestamp"
                        } else {
                            "a duration such as 30d or 1h30m"
                        };
                        ExprError::new(
                            Code::InvalidValue,
                            a.span,
                            format!("\"{text}\" is not {what}"),
                        )
                    })?;
                    let ty = if is_time { Ty::Timestamp } else { Ty::Duration };
                    return Ok((Op::Const(value), ty));
                }
                if is_time {
                    (Op::ToTimestamp(boxed(op), span), Ty::Timestamp)
                } else {
                    (Op::ToDuration(boxed(op), span), Ty::Duration)
                }
            }
            "min" | "max" => {
                self.arity(name, args, 2, span)?;
                let a = self.typed(arg(0)?, Ty::Number, &format!("the arguments of {name}()"))?;
                let b = self.typed(arg(1)?, Ty::Number, &format!("the arguments of {name}()"))?;
                let f = if name == "min" {
                    NumFn::Min
                } else {
                    NumFn::Max
                };
                (Op::Num2(f, boxed(a), boxed(b)), Ty::Number)
            }
            "abs" => {
                self.arity(name, args, 1, span)?;
                let a = self.typed(arg(0)?, Ty::Number, "the argument of abs()")?;
                (Op::Abs(boxed(a)), Ty::Number)
            }
            _ => {
                let hint = match closest(name, &FUNCTIONS) {
                    Some(near) => format!("; did you mean {near}()?"),
                    None => String::new(),
                };
                return Err(ExprError::new(
                    Code::UnknownFunction,
                    span,
                    format!("unknown function {name}(){hint}"),
                ));
            }
        })
    }

    fn method(
        &mut self,
        target: &Ast,
        name: &str,
        args: &[Ast],
        span: Span,
    ) -> Result<(Op, Ty), ExprError> {
        let arg = |i: usize| {
            args.get(i)
                .ok_or_else(|| mismatch(span, "missing argument"))
        };
        Ok(match name {
            "size" => {
                self.arity(name, args, 0, span)?;
                self.size(target)?
            }
            "exists" | "all" => {
                self.arity(name, args, 2, span)?;
                let quant = if name == "exists" {
                    Quant::Exists
                } else {
                    Quant::All
                };
                self.predicate(target, Some(arg(0)?), arg(1)?, quant)?
            }
            "contains" | "startsWith" | "endsWith" => {
                self.arity(name, args, 1, span)?;
                let s = self.typed(target, Ty::String, &format!("the target of .{name}()"))?;
                let t = self.typed(arg(0)?, Ty::String, &format!("the argument of .{name}()"))?;
                let op = match name {
                    "contains" => StrOp::Contains,
                    "startsWith" => StrOp::StartsWith,
                    _ => StrOp::EndsWith,
                };
                (Op::Str(op, boxed(s), boxed(t)), Ty::Bool)
            }
            _ => {
                let hint = match closest(name, &METHODS) {
                    Some(near) => format!("; did you mean .{near}()?"),
                    None => String::new(),
                };
                return Err(ExprError::new(
                    Code::UnknownFunction,
                    span,
                    format!("unknown method .{name}(){hint}"),
                ));
            }
        })
    }

    fn size(&mut self, target: &Ast) -> Result<(Op, Ty), ExprError> {
        let (op, ty) = self.expr(target)?;
        match ty {
            Ty::List(_) | Ty::String | Ty::Null => Ok((Op::Size(boxed(op)), Ty::Number)),
            other => Err(mismatch(
                target.span,
                format!("size() takes a list or a string, not {}", article(other)),
            )),
        }
    }

    /// The `at` of the innermost list element in scope, for `within(d)`.
    fn element_time(&self, span: Span) -> Result<Op, ExprError> {
        for (depth, scope) in self.scopes.iter().enumerate().rev() {
            if let Some((i, field)) = scope.elem.field("at")
                && field.ty == Ty::Timestamp
            {
                return Ok(Op::Path(Base::Scope(depth), Box::new([i])));
            }
        }
        Err(mismatch(
            span,
            "within(d) needs a list element with a time `at` (inside count(), exists() or all()); \
             elsewhere write within(t, d)",
        ))
    }
}

/// The arithmetic operation and result type for operand types, if the combination exists.
fn arith_types(op: BinOp, a: Ty, b: Ty) -> Option<(Arith, Ty)> {
    use Ty::{Duration as D, Null as N, Number as Num, Timestamp as T};
    // A null operand takes the type the other side needs (the result will be null).
    let (a, b) = match (a, b) {
        (N, N) => (Num, Num),
        (N, x) if op == BinOp::Sub && x == T => (T, T),
        (N, x) if op == BinOp::Add && x == T => (D, T),
        (N, x) => (
            if x == D && matches!(op, BinOp::Mul) {
                Num
            } else {
                x
            },
            x,
        ),
        (x, N) => (
            x,
            if x == T {
                D
            } else if x == D && matches!(op, BinOp::Mul | BinOp::Div) {
                Num
            } else {
                x
            },
        ),
        other => other,
    };
    Some(match (op, a, b) {
        (BinOp::Add, Num, Num) => (Arith::Add, Num),
        (BinOp::Sub, Num, Num) => (Arith::Sub, Num),
        (BinOp::Mul, Num, Num) => (Arith::Mul, Num),
        (BinOp::Div, Num, Num) => (Arith::Div, Num),
        (BinOp::Rem, Num, Num) => (Arith::Rem, Num),
        (BinOp::Sub, T, T) => (Arith::TimeDiff, D),
        (BinOp::Add, T, D) => (Arith::TimePlusDur, T),
        (BinOp::Add, D, T) => (Arith::TimePlusDur, T),
        (BinOp::Sub, T, D) => (Arith::TimeMinusDur, T),
        (BinOp::Add, D, D) => (Arith::DurAdd, D),
        (BinOp::Sub, D, D) => (Arith::DurSub, D),
        (BinOp::Mul, D, Num) => (Arith::DurTimesNum, D),
        (BinOp::Mul, Num, D) => (Arith::NumTimesDur, D),
        (BinOp::Div, D, Num) => (Arith::DurDivNum, D),
        (BinOp::Div, D, D) => (Arith::DurDivDur, Num),
        _ => return None,
    })
}
