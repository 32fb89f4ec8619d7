//! Explaining a criterion's answer: its conditions as written — the parts joined by `and` and
//! `or` (a `not x` is one condition) — each with whether it holds for the account, and for a comparison the value
//! on each side ("score.composite > 75: has 68"). Used by classification to say why a stage
//! was chosen and what the next stage still needs.

use serde::Serialize;

use super::parse::{self, Ast, AstKind, BinOp};
use super::{Data, Expression};

/// One condition of a criterion and what it saw.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Check {
    /// The condition as written, e.g. `score.composite > 75`.
    pub text: String,
    /// Whether it holds; `null` when unknown (a value it needs is missing) or it failed.
    pub holds: Option<bool>,
    /// For a comparison (`<`, `<=`, `>`, `>=`, `==`, `!=`, `in`, `contains`): its operator.
    pub op: Option<&'static str>,
    /// The left side as written and the value it has for the account.
    pub left: Option<Side>,
    /// The right side as written and its value (usually the threshold).
    pub right: Option<Side>,
}

/// What one condition saw, without its text (see [`Explainer::values`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    /// Whether it held (`None`: unknown or failed).
    pub holds: Option<bool>,
    /// A comparison's left value, as written in criteria.
    pub left: Option<Box<str>>,
    /// Its right value.
    pub right: Option<Box<str>>,
}

/// One side of a comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Side {
    /// As written.
    pub text: String,
    /// Its value for the account, written as a criterion would (`68`, `"software"`, `null`).
    pub value: String,
}

/// The conditions of `text` (a criterion that compiles) with their answers for `context`.
/// A criterion that does not parse gives no conditions.
pub fn explain(text: &str, context: &Data) -> Vec<Check> {
    Explainer::new(text).explain(context)
}

/// A criterion split into its conditions and compiled once, to explain it for many accounts
/// (replay explains every transition; compiling each condition anew each time was most of
/// the cost).
#[derive(Debug, Clone, Default)]
pub struct Explainer {
    conditions: Vec<Condition>,
}

#[derive(Debug, Clone)]
struct Condition {
    text: String,
    whole: Option<Expression>,
    op: Option<&'static str>,
    left: Option<(String, Option<Expression>)>,
    right: Option<(String, Option<Expression>)>,
}

impl Explainer {
    /// Splits and compiles `text` (a criterion that does not parse has no conditions).
    pub fn new(text: &str) -> Explainer {
        let Ok(ast) = parse::parse(text) else {
            return Explainer::default();
        };
        let mut atoms = Vec::new();
        collect(&ast, &mut atoms);
        let side = |ast: &Ast| {
            let written = text.get(ast.span.start..ast.span.end)?;
            Some((written.to_string(), Expression::compile(written).ok()))
        };
        let conditions = atoms
            .into_iter()
            .filter_map(|atom| {
                let written = text.get(atom.span.start..atom.span.end)?;
                let (op, left, right) = match &atom.kind {
                    AstKind::Binary(op, l, r) if is_comparison(*op) => {
                        (Some(op.symbol()), side(l), side(r))
                    }
                    _ => (None, None, None),
                };
                Some(Condition {
                    text: written.to_string(),
                    whole: Expression::compile(written).ok(),
                    op,
                    left,
                    right,
                })
            })
            .collect();
        Explainer { conditions }
    }

    /// What each condition saw in `context`, without the texts (which [`Explainer::checks`]
    /// puts back): what replay keeps per transition.
    pub fn values(&self, context: &Data) -> Vec<Seen> {
        let value = |side: &Option<(String, Option<Expression>)>| {
            let expr = side.as_ref()?.1.as_ref()?;
            Some(
                expr.evaluate(context)
                    .map_or_else(
                        |_| "error".to_string(),
                        |v| super::data::show(&v, expr.result_type()),
                    )
                    .into_boxed_str(),
            )
        };
        self.conditions
            .iter()
            .map(|c| Seen {
                holds: c
                    .whole
                    .as_ref()
                    .and_then(|e| e.evaluate_bool(context).ok().flatten()),
                left: value(&c.left),
                right: value(&c.right),
            })
            .collect()
    }

    /// The checks `seen` stands for (as [`Explainer::explain`] gives them).
    pub fn checks(&self, seen: &[Seen]) -> Vec<Check> {
        self.conditions
            .iter()
            .zip(seen)
            .map(|(c, s)| {
                let side = |side: &Option<(String, Option<Expression>)>,
                            value: &Option<Box<str>>| {
                    Some(Side {
                        text: side.as_ref()?.0.clone(),
                        value: value.as_deref()?.to_string(),
                    })
                };
                Check {
                    text: c.text.clone(),
                    holds: s.holds,
                    op: c.op,
                    left: side(&c.left, &s.left),
                    right: side(&c.right, &s.right),
                }
            })
            .collect()
    }

    /// Each condition with its answer, and a comparison's sides with their values, for
    /// `context`.
    pub fn explain(&self, context: &Data) -> Vec<Check> {
        let side = |side: &Option<(String, Option<Expression>)>| {
            let (text, expr) = side.as_ref()?;
            let expr = expr.as_ref()?;
            let value = expr.evaluate(context).map_or_else(
                |_| "error".to_string(),
                |v| super::data::show(&v, expr.result_type()),
            );
            Some(Side {
                text: text.clone(),
                value,
            })
        };
        self.conditions
            .iter()
            .map(|c| Check {
                text: c.text.clone(),
                holds: c
                    .whole
                    .as_ref()
                    .and_then(|e| e.evaluate_bool(context).ok().flatten()),
                op: c.op,
                left: side(&c.left),
                right: side(&c.right),
            })
            .collect()
    }
}

fn is_comparison(op: BinOp) -> bool {
    matches!(
        op,
        BinOp::Eq
            | BinOp::Ne
            | BinOp::Lt
            | BinOp::Le
            | BinOp::Gt
            | BinOp::Ge
            | BinOp::In
            | BinOp::Contains
    )
}

/// The maximal parts of `ast` not joined by `and` or `or`, in reading order (`not x` stays
/// one part, so its answer is the negation's). The tree's
/// height is bounded by the parser, so the recursion is too.
fn collect<'a>(ast: &'a Ast, out: &mut Vec<&'a Ast>) {
    match &ast.kind {
        AstKind::Binary(BinOp::And | BinOp::Or, l, r) => {
            collect(l, out);
            collect(r, out);
        }
        // `not x` is one condition, answered as written (its own truth, not x's).
        _ => out.push(ast),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn comparisons_show_both_sides() {
        let account = Data::account_from_json(
            r#"{"asOf": "2026-11-22", "score": {"composite": 68},
                "signals": [{"type": "page_view", "at": "2026-11-20"}]}"#,
        )
        .unwrap();
        let checks = explain(
            r#"score.composite > 75 and not crm.won or count(signals, type == "page_view" and within(30d)) >= 3"#,
            &account,
        );
        let texts: Vec<&str> = checks.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "score.composite > 75",
                "not crm.won",
                r#"count(signals, type == "page_view" and within(30d)) >= 3"#
            ]
        );
        assert_eq!(checks[0].holds, Some(false));
        assert_eq!(checks[0].left.as_ref().unwrap().value, "68");
        assert_eq!(checks[0].right.as_ref().unwrap().value, "75");
        assert_eq!(
            checks[1].holds,
            Some(true),
            "not crm.won holds: the account is not won"
        );
        assert_eq!(checks[2].left.as_ref().unwrap().value, "1");
    }
}
