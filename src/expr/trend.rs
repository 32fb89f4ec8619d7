//! Which way an expression's value can move as time passes while the account's facts stay as
//! they are — the question replay's between-event search and `nextChangeAt` ask millions of
//! times. A criterion that can only fall (`count(signals, … and within(30d)) >= 3`) changes at
//! most once until the next event, so the first change is found by binary search over the
//! time points instead of an evaluation at every one; one that can only rise cannot undo a
//! stage it already gives.
//!
//! Values are ordered false < unknown < true (numbers by size), the order in which the
//! language's three-valued `and`, `or`, quantifiers and comparisons are monotone. The analysis
//! assumes what callers check per account: every date the account holds is at or before its
//! `asOf` (so `within` can only let a date out, never in), and the score's trend is given. It
//! gives up (`Unknown`) on whatever it cannot prove, including every operation that can fail
//! at run time (arithmetic, conversions of values read from the account): a failure that comes
//! and goes with time would break the monotonicity the search relies on.
//! Owns no search (`crate::classify`) and no score arithmetic (`crate::score`).

use super::check::{Base, Op, Ord};
use super::data::{Data, parse_duration, parse_timestamp};
use super::types::layout;

/// How a value moves as time passes, the facts unchanged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trend {
    /// It does not move.
    Steady,
    /// It can only grow (or stay).
    Rising,
    /// It can only shrink (or stay).
    Falling,
    /// Either way, or it may fail to evaluate.
    Unknown,
}

impl Trend {
    /// The trend of the opposite value (`not x`, `-x`).
    pub fn flip(self) -> Trend {
        match self {
            Trend::Rising => Trend::Falling,
            Trend::Falling => Trend::Rising,
            other => other,
        }
    }

    /// The trend of a value that grows with both inputs (`and`, `or`, `min`, a sum).
    pub fn join(self, other: Trend) -> Trend {
        match (self, other) {
            (Trend::Steady, t) | (t, Trend::Steady) => t,
            (a, b) if a == b => a,
            _ => Trend::Unknown,
        }
    }

    /// Whether the value can never grow.
    pub fn never_rises(self) -> bool {
        matches!(self, Trend::Steady | Trend::Falling)
    }

    /// Whether the value can never shrink.
    pub fn never_falls(self) -> bool {
        matches!(self, Trend::Steady | Trend::Rising)
    }
}

/// The trend of `op`'s value when `score.*` moves as `score` says.
pub(super) fn trend(op: &Op, score: Trend) -> Trend {
    let l = layout();
    let steady_if_all = |children: Vec<&Op>| {
        children
            .into_iter()
            .try_fold(Trend::Steady, |_, c| match trend(c, score) {
                Trend::Steady => Some(Trend::Steady),
                _ => None,
            })
            .unwrap_or(Trend::Unknown)
    };
    match op {
        Op::Const(_) | Op::Path(Base::Scope(_), _) => Trend::Steady,
        Op::Path(Base::Root, path) => match path.first() {
            Some(&f) if f == l.as_of || f == l.days_in_stage => Trend::Rising,
            Some(&f) if f == l.score => score,
            Some(&f) if f == l.buying_group => Trend::Unknown,
            _ => Trend::Steady,
        },
        Op::Not(a) | Op::Neg(a) => trend(a, score).flip(),
        Op::And(a, b) | Op::Or(a, b) | Op::Num2(_, a, b) => trend(a, score).join(trend(b, score)),
        Op::Cmp(ord, a, b) => {
            let difference = trend(a, score).join(trend(b, score).flip());
            match ord {
                Ord::Gt | Ord::Ge => difference,
                Ord::Lt | Ord::Le => difference.flip(),
            }
        }
        // A list read from the facts, elements judged one by one: a count, `exists` and
        // `all` move the way the predicate does.
        Op::Quant(_, list, pred) => match trend(list, score) {
            Trend::Steady => trend(pred, score),
            _ => Trend::Unknown,
        },
        // A date the account holds leaves the window as `asOf` passes it (it cannot enter: no
        // date the account holds is after `asOf`, which callers check). A date the criterion
        // names may still lie ahead (`within(timestamp("2027-03-01"), 10d)`: false, true, then
        // false again).
        Op::Within(at, length) => match (&**at, trend(length, score)) {
            (Op::Path(..), Trend::Steady) if trend(at, score) == Trend::Steady => Trend::Falling,
            _ => Trend::Unknown,
        },
        Op::DaysSince(at) => match trend(at, score) {
            Trend::Steady => Trend::Rising,
            _ => Trend::Unknown,
        },
        // Arithmetic can fail (division by zero, overflow) at some times and not others.
        Op::Arith(..) => Trend::Unknown,
        Op::ToTimestamp(text, _) | Op::ToDuration(text, _) => match &**text {
            Op::Const(Data::String(s))
                if parse_timestamp(s).is_some() || parse_duration(s).is_some() =>
            {
                Trend::Steady
            }
            _ => Trend::Unknown,
        },
        Op::Get(..)
        | Op::Index(..)
        | Op::Eq(..)
        | Op::In(..)
        | Op::InItems(..)
        | Op::Str(..)
        | Op::Cond(..)
        | Op::Size(_)
        | Op::NotNull(_)
        | Op::Abs(_) => steady_if_all(op.children()),
    }
}

/// At most how many steps one evaluation of `op` takes when no list it quantifies over has
/// more than `items` elements (saturating): what keeps a skipped evaluation from being one that
/// would have hit [`super::MAX_STEPS`].
pub(super) fn max_steps(op: &Op, items: u64) -> u64 {
    let children = |c: Vec<&Op>| {
        c.into_iter()
            .fold(1u64, |sum, c| sum.saturating_add(max_steps(c, items)))
    };
    match op {
        Op::Quant(_, list, pred) => {
            // A list written in the criterion may be longer than any the account holds.
            let items = match &**list {
                Op::Const(Data::List(written)) => items.max(written.len() as u64),
                _ => items,
            };
            children(vec![list])
                .saturating_add(items.saturating_mul(max_steps(pred, items).saturating_add(1)))
        }
        _ => children(op.children()),
    }
}

#[cfg(test)]
mod tests {
    use super::super::Expression;
    use super::*;

    fn of(text: &str, score: Trend) -> Trend {
        Expression::compile(text).unwrap().trend(score)
    }

    #[test]
    fn windows_counts_and_ages_move_one_way() {
        let s = Trend::Unknown;
        let engaged = r#"count(signals, type in ["page_view", "webinar"] and within(30d)) >= 3"#;
        assert_eq!(of(engaged, s), Trend::Falling);
        assert_eq!(of(&format!("not ({engaged})"), s), Trend::Rising);
        assert_eq!(
            of(r#"count(signals, within(30d)) < 3 or crm.won"#, s),
            Trend::Rising
        );
        assert_eq!(of("firmographics.resolved and crm.won", s), Trend::Steady);
        assert_eq!(of("daysInStage > 30", s), Trend::Rising);
        assert_eq!(of("daysSince(crm.customerSince) <= 90", s), Trend::Falling);
        assert_eq!(of(r#"asOf >= timestamp("2027-01-01")"#, s), Trend::Rising);
        // A date the criterion names may lie ahead: the window opens, then closes.
        assert_eq!(
            of(r#"within(timestamp("2026-03-01T00:00:00Z"), 10d)"#, s),
            Trend::Unknown
        );
        assert_eq!(of(r#"all(signals, within(90d))"#, s), Trend::Falling);
    }

    #[test]
    fn the_score_moves_as_the_caller_says() {
        assert_eq!(of("score.composite > 75", Trend::Falling), Trend::Falling);
        assert_eq!(of("score.composite <= 75", Trend::Falling), Trend::Rising);
        assert_eq!(of("score.composite > 75", Trend::Unknown), Trend::Unknown);
        assert_eq!(
            of("score.composite > 75 and daysInStage > 3", Trend::Falling),
            Trend::Unknown
        );
    }

    #[test]
    fn what_can_fail_or_go_both_ways_is_unknown() {
        let s = Trend::Steady;
        for text in [
            "score.composite / firmographics.employees > 1",
            "daysInStage + 1 > 3",
            "daysInStage == 3",
            r#"exists(signals, within(30d)) == exists(signals, within(90d))"#,
            "buyingGroup.coverage > 0.5",
            r#"count(signals, within(30d)) > 1 and daysInStage > 2"#,
        ] {
            assert_eq!(of(text, s), Trend::Unknown, "{text}");
        }
    }

    #[test]
    fn steps_grow_with_the_lists_quantified() {
        let e = Expression::compile(r#"count(signals, type == "a" and within(30d)) >= 3"#).unwrap();
        let small = e.max_steps(10);
        let large = e.max_steps(1_000);
        assert!(large > 50 * small, "{small} {large}");
        assert_eq!(Expression::compile("crm.won").unwrap().max_steps(1_000), 1);
        // A list written in the criterion counts even when the account's lists are empty.
        let written = Expression::compile("[1, 2, 3, 4, 5, 6, 7, 8].exists(x, x > 1)").unwrap();
        assert!(written.max_steps(0) >= 8, "{}", written.max_steps(0));
    }
}
