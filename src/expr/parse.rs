//! The syntax tree and a recursive-descent parser with a nesting limit.

use super::lex::{Tok, tokenize};
use super::{ExprError, MAX_DEPTH, MAX_EXPRESSION_BYTES, Span};
use crate::Code;

#[derive(Debug, Clone, PartialEq)]
pub(super) struct Ast {
    pub(super) kind: AstKind,
    pub(super) span: Span,
    /// Height of the tree below (a leaf is 1). Bounded by `MAX_DEPTH`, so the checker and the
    /// evaluator, which recurse over the tree, cannot overflow the stack.
    pub(super) height: usize,
}

impl AstKind {
    fn height(&self) -> usize {
        let max = |items: &[Ast]| items.iter().map(|a| a.height).max().unwrap_or(0);
        1 + match self {
            AstKind::Null
            | AstKind::Bool(_)
            | AstKind::Number(_)
            | AstKind::Str(_)
            | AstKind::Duration(_)
            | AstKind::Ident(_) => 0,
            AstKind::List(items) | AstKind::Call(_, items) => max(items),
            AstKind::Member(target, _) | AstKind::Unary(_, target) => target.height,
            AstKind::Method(target, _, args) => target.height.max(max(args)),
            AstKind::Index(a, b) | AstKind::Binary(_, a, b) => a.height.max(b.height),
            AstKind::Cond(a, b, c) => a.height.max(b.height).max(c.height),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum AstKind {
    Null,
    Bool(bool),
    Number(f64),
    Str(String),
    Duration(i64),
    Ident(String),
    List(Vec<Ast>),
    Member(Box<Ast>, String),
    Index(Box<Ast>, Box<Ast>),
    /// `f(args)`; the name's span is the call's start.
    Call(String, Vec<Ast>),
    /// `target.f(args)`.
    Method(Box<Ast>, String, Vec<Ast>),
    Unary(UnOp, Box<Ast>),
    Binary(BinOp, Box<Ast>, Box<Ast>),
    Cond(Box<Ast>, Box<Ast>, Box<Ast>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum UnOp {
    Not,
    Neg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum BinOp {
    Or,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    Contains,
    Add,
    Sub,
    Mul,
    Div,
    Rem,
}

impl BinOp {
    pub(super) fn symbol(self) -> &'static str {
        match self {
            BinOp::Or => "or",
            BinOp::And => "and",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::In => "in",
            BinOp::Contains => "contains",
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Rem => "%",
        }
    }
}

/// Parses one expression.
pub(super) fn parse(text: &str) -> Result<Ast, ExprError> {
    if text.len() > MAX_EXPRESSION_BYTES {
        return Err(ExprError::new(
            Code::LimitExceeded,
            Span::new(0, 0),
            format!(
                "expression is {} bytes; the limit is {MAX_EXPRESSION_BYTES}",
                text.len()
            ),
        ));
    }
    let tokens = tokenize(text)?;
    let mut parser = Parser {
        tokens,
        pos: 0,
        depth: 0,
        end: text.len(),
    };
    if parser.tokens.is_empty() {
        return Err(ExprError::new(
            Code::ExpressionSyntax,
            Span::new(0, text.len()),
            "empty expression",
        ));
    }
    let ast = parser.conditional()?;
    if let Some((tok, span)) = parser.tokens.get(parser.pos) {
        return Err(ExprError::new(
            Code::ExpressionSyntax,
            *span,
            format!("unexpected {} after a complete expression", tok.describe()),
        ));
    }
    Ok(ast)
}

struct Parser {
    tokens: Vec<(Tok, Span)>,
    pos: usize,
    depth: usize,
    end: usize,
}

fn node(kind: AstKind, span: Span) -> Result<Ast, ExprError> {
    let height = kind.height();
    if height > MAX_DEPTH {
        return Err(ExprError::new(
            Code::LimitExceeded,
            span,
            format!("expression nests deeper than {MAX_DEPTH} levels"),
        ));
    }
    Ok(Ast { kind, span, height })
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.tokens.get(self.pos).map(|(t, _)| t)
    }

    fn span_here(&self) -> Span {
        self.tokens
            .get(self.pos)
            .map(|(_, s)| *s)
            .unwrap_or(Span::new(self.end, self.end))
    }

    fn eat(&mut self, tok: &Tok) -> bool {
        if self.peek() == Some(tok) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, tok: &Tok, what: &str) -> Result<Span, ExprError> {
        let span = self.span_here();
        if self.eat(tok) {
            Ok(span)
        } else {
            Err(self.unexpected(what))
        }
    }

    fn unexpected(&self, expected: &str) -> ExprError {
        let found = match self.peek() {
            Some(tok) => tok.describe(),
            None => "the end of the expression".to_string(),
        };
        ExprError::new(
            Code::ExpressionSyntax,
            self.span_here(),
            format!("expected {expected}, found {found}"),
        )
    }

    /// Guards recursion: every nested construct goes through here.
    fn nested<T>(
        &mut self,
        f: impl FnOnce(&mut Self) -> Result<T, ExprError>,
    ) -> Result<T, ExprError> {
        if self.depth >= MAX_DEPTH {
            return Err(ExprError::new(
                Code::LimitExceeded,
                self.span_here(),
                format!("expression nests deeper than {MAX_DEPTH} levels"),
            ));
        }
        self.depth += 1;
        let result = f(self);
        self.depth -= 1;
        result
    }

    fn conditional(&mut self) -> Result<Ast, ExprError> {
        self.nested(|p| {
            let cond = p.or()?;
            if !p.eat(&Tok::Question) {
                return Ok(cond);
            }
            let then = p.conditional()?;
            p.expect(&Tok::Colon, "':' of the conditional")?;
            let otherwise = p.conditional()?;
            let span = cond.span.to(otherwise.span);
            node(
                AstKind::Cond(Box::new(cond), Box::new(then), Box::new(otherwise)),
                span,
            )
        })
    }

    fn or(&mut self) -> Result<Ast, ExprError> {
        let mut left = self.and()?;
        while matches!(self.peek(), Some(Tok::Or | Tok::OrOr)) {
            self.pos += 1;
            let right = self.and()?;
            left = binary(BinOp::Or, left, right)?;
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Ast, ExprError> {
        let mut left = self.not()?;
        while matches!(self.peek(), Some(Tok::And | Tok::AndAnd)) {
            self.pos += 1;
            let right = self.not()?;
            left = binary(BinOp::And, left, right)?;
        }
        Ok(left)
    }

    fn not(&mut self) -> Result<Ast, ExprError> {
        if self.peek() == Some(&Tok::Not) {
            let start = self.span_here();
            self.pos += 1;
            return self.nested(|p| {
                let operand = p.not()?;
                let span = start.to(operand.span);
                node(AstKind::Unary(UnOp::Not, Box::new(operand)), span)
            });
        }
        self.relation()
    }

    fn relation(&mut self) -> Result<Ast, ExprError> {
        let left = self.additive()?;
        let Some(op) = self.peek().and_then(relation_op) else {
            return Ok(left);
        };
        self.pos += 1;
        let right = self.additive()?;
        if let Some(next) = self.peek().and_then(relation_op) {
            return Err(ExprError::new(
                Code::ExpressionSyntax,
                self.span_here(),
                format!(
                    "comparisons do not chain: write `a {} b and b {} c` with parentheses as meant",
                    op.symbol(),
                    next.symbol()
                ),
            ));
        }
        binary(op, left, right)
    }

    fn additive(&mut self) -> Result<Ast, ExprError> {
        let mut left = self.multiplicative()?;
        loop {
            let op = match self.peek() {
                Some(Tok::Plus) => BinOp::Add,
                Some(Tok::Minus) => BinOp::Sub,
                _ => return Ok(left),
            };
            self.pos += 1;
            let right = self.multiplicative()?;
            left = binary(op, left, right)?;
        }
    }

    fn multiplicative(&mut self) -> Result<Ast, ExprError> {
        let mut left = self.unary()?;
        loop {
            let op = match self.peek() {
                Some(Tok::Star) => BinOp::Mul,
                Some(Tok::Slash) => BinOp::Div,
                Some(Tok::Percent) => BinOp::Rem,
                _ => return Ok(left),
            };
            self.pos += 1;
            let right = self.unary()?;
            left = binary(op, left, right)?;
        }
    }

    fn unary(&mut self) -> Result<Ast, ExprError> {
        let op = match self.peek() {
            Some(Tok::Bang) => UnOp::Not,
            Some(Tok::Minus) => UnOp::Neg,
            _ => return self.postfix(),
        };
        let start = self.span_here();
        self.pos += 1;
        self.nested(|p| {
            let operand = p.unary()?;
            let span = start.to(operand.span);
            // Fold `-literal` so `-3` is a number, not a negation.
            let kind = match (op, &operand.kind) {
                (UnOp::Neg, AstKind::Number(n)) => AstKind::Number(-n),
                (UnOp::Neg, AstKind::Duration(d)) => AstKind::Duration(-d),
                _ => AstKind::Unary(op, Box::new(operand)),
            };
            node(kind, span)
        })
    }

    fn postfix(&mut self) -> Result<Ast, ExprError> {
        let mut expr = self.primary()?;
        loop {
            match self.peek() {
                Some(Tok::Dot) => {
                    self.pos += 1;
                    let name_span = self.span_here();
                    // `contains` is also CEL's string method: a keyword is a name after '.'.
                    let name = match self.peek() {
                        Some(Tok::Ident(name)) => name.clone(),
                        Some(Tok::Contains) => "contains".to_string(),
                        _ => return Err(self.unexpected("a field or method name after '.'")),
                    };
                    self.pos += 1;
                    if self.eat(&Tok::LParen) {
                        let (args, close) = self.arguments()?;
                        let span = expr.span.to(close);
                        expr = node(AstKind::Method(Box::new(expr), name, args), span)?;
                    } else {
                        let span = expr.span.to(name_span);
                        expr = node(AstKind::Member(Box::new(expr), name), span)?;
                    }
                }
                Some(Tok::LBracket) => {
                    self.pos += 1;
                    let index = self.conditional()?;
                    let close = self.expect(&Tok::RBracket, "']'")?;
                    let span = expr.span.to(close);
                    expr = node(AstKind::Index(Box::new(expr), Box::new(index)), span)?;
                }
                _ => return Ok(expr),
            }
        }
    }

    /// Arguments after '(' up to and including ')'.
    fn arguments(&mut self) -> Result<(Vec<Ast>, Span), ExprError> {
        let mut args = Vec::new();
        if self.peek() != Some(&Tok::RParen) {
            loop {
                args.push(self.conditional()?);
                if !self.eat(&Tok::Comma) {
                    break;
                }
            }
        }
        let close = self.expect(&Tok::RParen, "',' or ')'")?;
        Ok((args, close))
    }

    fn primary(&mut self) -> Result<Ast, ExprError> {
        let span = self.span_here();
        let Some(tok) = self.peek().cloned() else {
            return Err(self.unexpected("a value"));
        };
        self.pos += 1;
        let kind = match tok {
            Tok::Null => AstKind::Null,
            Tok::True => AstKind::Bool(true),
            Tok::False => AstKind::Bool(false),
            Tok::Number(n) => AstKind::Number(n),
            Tok::Duration(ms) => AstKind::Duration(ms),
            Tok::Str(s) => AstKind::Str(s),
            Tok::Ident(name) => {
                if self.eat(&Tok::LParen) {
                    let (args, close) = self.arguments()?;
                    return node(AstKind::Call(name, args), span.to(close));
                }
                AstKind::Ident(name)
            }
            Tok::LParen => {
                let inner = self.conditional()?;
                let close = self.expect(&Tok::RParen, "')'")?;
                return Ok(Ast {
                    span: span.to(close),
                    ..inner
                });
            }
            Tok::LBracket => {
                let mut items = Vec::new();
                if self.peek() != Some(&Tok::RBracket) {
                    loop {
                        items.push(self.conditional()?);
                        if !self.eat(&Tok::Comma) {
                            break;
                        }
                    }
                }
                let close = self.expect(&Tok::RBracket, "',' or ']'")?;
                return node(AstKind::List(items), span.to(close));
            }
            _ => {
                self.pos -= 1;
                return Err(self.unexpected("a value"));
            }
        };
        node(kind, span)
    }
}

fn relation_op(tok: &Tok) -> Option<BinOp> {
    Some(match tok {
        Tok::EqEq => BinOp::Eq,
        Tok::Ne => BinOp::Ne,
        Tok::Lt => BinOp::Lt,
        Tok::Le => BinOp::Le,
        Tok::Gt => BinOp::Gt,
        Tok::Ge => BinOp::Ge,
        Tok::In => BinOp::In,
        Tok::Contains => BinOp::Contains,
        _ => return None,
    })
}

fn binary(op: BinOp, left: Ast, right: Ast) -> Result<Ast, ExprError> {
    let span = left.span.to(right.span);
    node(AstKind::Binary(op, Box::new(left), Box::new(right)), span)
}
