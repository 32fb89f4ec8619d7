//! Scoring an account as of its `asOf`: every signal's points after decay and caps, the ICP fit
//! rules, per-component caps and the weighted composite — as a ledger of dated contributions
//! that always sums to the score, so "why is this account 78?" has an exact answer.
//!
//! The model (weights, caps, fit rules, points per signal type) is the definition's `scoring`
//! section (`definition::scoring`); this module computes with it. It never reads the clock.

use serde::Serialize;

use crate::definition::{COMPONENTS, Decay, Scoring};
use crate::expr::data::{format_timestamp, number_text};
use crate::expr::{Data, ExprError, Expression, types};

/// Default cap of a component without one: scores are on 0–100.
pub const DEFAULT_CAP: f64 = 100.0;

/// A scoring model compiled: fit rules' criteria compiled once.
#[derive(Debug, Clone)]
pub struct ScoreModel {
    scoring: Scoring,
    fit: Vec<Expression>,
}

/// An account's score with its explanation.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Score {
    /// The date the score is as of (the account's `asOf`).
    pub as_of: String,
    /// The weighted blend of the known components' normalised values, 0–100; `null` when no
    /// weighted component is known.
    pub composite: Option<f64>,
    /// Each component, in the order fit, intent, engagement, usage, relationship.
    pub components: Vec<ComponentScore>,
    /// Every contribution, in the order computed; per component they sum to its value.
    pub ledger: Vec<Contribution>,
    /// Signals that did not count, and why.
    pub ignored: Ignored,
}

/// One component's value.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ComponentScore {
    /// `fit`, `intent`, `engagement`, `usage` or `relationship`.
    pub component: &'static str,
    /// Points after caps, 0..cap; `null` when unknown (fit with no rule decidable).
    pub value: Option<f64>,
    /// The cap the value is clamped to.
    pub cap: f64,
    /// `value / cap × 100`.
    pub normalized: Option<f64>,
    /// Weight in the composite (0 when the model gives none).
    pub weight: f64,
}

/// One dated contribution to a component.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Contribution {
    /// The component it goes to.
    pub component: &'static str,
    /// What it is: `signal:<type>`, `fit:<rule index>`, `cap:<signal type>` (a per-type cap
    /// clipping) or `cap` (the component's cap or floor).
    pub source: String,
    /// When the signal happened (null for fit rules and caps).
    pub at: Option<String>,
    /// Points before decay.
    pub base: f64,
    /// Decay factor applied (1 when none).
    pub factor: f64,
    /// Points counted: base × factor, less what caps clipped.
    pub points: f64,
    /// Why, when it is not plain (a fit rule whose values were unknown, a clipping).
    pub note: Option<String>,
}

/// Signals that did not count.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Ignored {
    /// Signals dated after `asOf`.
    pub after_as_of: usize,
    /// Signals whose type the model gives no points, by type.
    pub unknown_types: std::collections::BTreeMap<String, usize>,
}

/// The decay factor for a signal `age_ms` old.
fn decay_factor(decay: Option<Decay>, age_ms: i64) -> f64 {
    let age = age_ms.max(0) as f64;
    match decay {
        None => 1.0,
        Some(Decay::HalfLife(h)) => 0.5f64.powf(age / h as f64),
        Some(Decay::Linear(l)) => (1.0 - age / l as f64).max(0.0),
        Some(Decay::Window(w)) => {
            if age <= w as f64 {
                1.0
            } else {
                0.0
            }
        }
    }
}

/// Positions of a signal's fields in the account schema's signal object.
struct SignalFields {
    kind: usize,
    at: usize,
}

fn signal_fields() -> Option<SignalFields> {
    let (_, signals) = types::Ty::Object(types::ACCOUNT).field("signals")?;
    let types::Ty::List(elem) = signals.ty else {
        return None;
    };
    Some(SignalFields {
        kind: elem.field("type")?.0,
        at: elem.field("at")?.0,
    })
}

impl ScoreModel {
    /// Compiles a scoring model (its fit rules' criteria).
    ///
    /// # Errors
    /// The first fit rule whose criterion does not compile (validation reports them all).
    pub fn new(scoring: &Scoring) -> Result<ScoreModel, ExprError> {
        let fit = scoring
            .fit
            .iter()
            .map(|rule| Expression::compile(&rule.when))
            .collect::<Result<_, _>>()?;
        Ok(ScoreModel {
            scoring: scoring.clone(),
            fit,
        })
    }

    fn cap(&self, component: &str) -> f64 {
        self.scoring
            .caps
            .get(component)
            .copied()
            .unwrap_or(DEFAULT_CAP)
    }

    /// Scores an account (an account context; its `asOf` is the scoring date).
    ///
    /// # Errors
    /// An evaluation error of a fit rule's criterion (division by zero, step limit), or
    /// `invalid-argument` when the context is not an account with an `asOf`.
    pub fn score(&self, account: &Data) -> Result<Score, ExprError> {
        let invalid = |message: &str| {
            ExprError::new(
                crate::Code::InvalidArgument,
                crate::expr::Span { start: 0, end: 0 },
                message,
            )
        };
        let Data::Object(root) = account else {
            return Err(invalid("the account must be an account context object"));
        };
        let Some(Data::Timestamp(as_of)) = root.first() else {
            return Err(invalid("the account has no asOf timestamp"));
        };
        let as_of = *as_of;
        let fields = signal_fields().ok_or_else(|| invalid("the account schema has no signals"))?;
        let signals_index = types::Ty::Object(types::ACCOUNT)
            .field("signals")
            .map(|(i, _)| i)
            .unwrap_or(usize::MAX);
        let mut ledger = Vec::new();
        let mut ignored = Ignored::default();
        let mut type_totals: std::collections::BTreeMap<&str, f64> = Default::default();
        let signals: &[Data] = match root.get(signals_index) {
            Some(Data::List(items)) => items,
            _ => &[],
        };
        for signal in signals {
            let Data::Object(values) = signal else {
                continue;
            };
            let (Some(Data::String(kind)), Some(Data::Timestamp(at))) =
                (values.get(fields.kind), values.get(fields.at))
            else {
                continue;
            };
            if *at > as_of {
                ignored.after_as_of += 1;
                continue;
            }
            let Some(rule) = self.scoring.signals.get(kind.as_ref()) else {
                *ignored.unknown_types.entry(kind.to_string()).or_default() += 1;
                continue;
            };
            let Some(component) = COMPONENTS.iter().copied().find(|c| *c == rule.component) else {
                continue;
            };
            let factor = decay_factor(rule.decay, as_of - at);
            let mut points = rule.points * factor;
            let mut note = None;
            if let (Some(cap), true) = (rule.cap, points > 0.0) {
                let total = type_totals.entry(kind.as_ref()).or_default();
                let room = (cap - *total).max(0.0);
                if points > room {
                    note = Some(format!(
                        "capped: {kind} counts at most {} points in all",
                        number_text(cap)
                    ));
                    points = room;
                }
                *total += points;
            }
            ledger.push(Contribution {
                component,
                source: format!("signal:{kind}"),
                at: Some(format_timestamp(*at)),
                base: rule.points,
                factor,
                points,
                note,
            });
        }
        let mut fit_decided = false;
        for (i, (rule, criterion)) in self.scoring.fit.iter().zip(&self.fit).enumerate() {
            // A rule over fields that are all missing is unknown, whatever `==` says of null.
            let verdict = if criterion.reads_only_nulls(account) {
                None
            } else {
                criterion.evaluate_bool(account)?
            };
            let (points, note) = match verdict {
                Some(true) => {
                    fit_decided = true;
                    (rule.points, None)
                }
                Some(false) => {
                    fit_decided = true;
                    continue;
                }
                None => (
                    0.0,
                    Some("unknown: a value this rule needs is missing (not counted as zero)"),
                ),
            };
            ledger.push(Contribution {
                component: "fit",
                source: format!("fit:{i}"),
                at: None,
                base: rule.points,
                factor: 1.0,
                points,
                note: note.map(str::to_string),
            });
        }
        let mut components = Vec::with_capacity(COMPONENTS.len());
        for component in COMPONENTS {
            let cap = self.cap(component);
            let sum: f64 = ledger
                .iter()
                .filter(|c| c.component == component)
                .map(|c| c.points)
                .sum();
            let unknown = component == "fit" && !self.scoring.fit.is_empty() && !fit_decided;
            let value = sum.clamp(0.0, cap);
            if !unknown && value != sum {
                ledger.push(Contribution {
                    component,
                    source: "cap".to_string(),
                    at: None,
                    base: 0.0,
                    factor: 1.0,
                    points: value - sum,
                    note: Some(if sum > cap {
                        format!("{component} is capped at {}", number_text(cap))
                    } else {
                        format!("{component} does not go below 0")
                    }),
                });
            }
            let value = (!unknown).then_some(value);
            components.push(ComponentScore {
                component,
                value,
                cap,
                normalized: value.map(|v| v / cap * 100.0),
                weight: self.scoring.weights.get(component).copied().unwrap_or(0.0),
            });
        }
        // The composite blends the known components, re-weighted among themselves: a missing
        // fact lowers confidence, not the score.
        let known: Vec<(f64, f64)> = components
            .iter()
            .filter(|c| c.weight > 0.0)
            .filter_map(|c| Some((c.weight, c.normalized?)))
            .collect();
        let weight: f64 = known.iter().map(|(w, _)| w).sum();
        let composite =
            (weight > 0.0).then(|| known.iter().map(|(w, n)| w * n).sum::<f64>() / weight);
        Ok(Score {
            as_of: format_timestamp(as_of),
            composite,
            components,
            ledger,
            ignored,
        })
    }
}

/// Why a score moved between two dates: the change of the composite and of each component,
/// and every contribution that changed, largest change first.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScoreDelta {
    /// The earlier date.
    pub from: String,
    /// The later date.
    pub to: String,
    /// The composite at each date and the change (null when unknown at either).
    pub composite: Moved,
    /// Each component at each date.
    pub components: Vec<ComponentMove>,
    /// Contributions whose points differ between the dates, largest change first.
    pub contributions: Vec<ContributionMove>,
}

/// A value at two dates.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Moved {
    /// At the earlier date.
    pub from: Option<f64>,
    /// At the later date.
    pub to: Option<f64>,
    /// `to − from`, when both are known.
    pub change: Option<f64>,
}

/// A component at two dates.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ComponentMove {
    /// The component.
    pub component: &'static str,
    /// Its values.
    #[serde(flatten)]
    pub value: Moved,
}

/// One contribution at two dates.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContributionMove {
    /// The component.
    pub component: &'static str,
    /// As in [`Contribution::source`].
    pub source: String,
    /// When the signal happened (null for fit rules and caps).
    pub at: Option<String>,
    /// Points at the earlier date (0 when it did not count yet).
    pub from: f64,
    /// Points at the later date (0 when it no longer counts).
    pub to: f64,
    /// `to − from`.
    pub change: f64,
    /// `new` (counts only at the later date), `gone` (only at the earlier), `decayed`
    /// (fewer points), or `grew` (more points, e.g. a cap that clipped less).
    pub reason: &'static str,
}

fn moved(from: Option<f64>, to: Option<f64>) -> Moved {
    let change = match (from, to) {
        (Some(a), Some(b)) => Some(b - a),
        _ => None,
    };
    Moved { from, to, change }
}

/// Explains the move from score `a` (earlier) to score `b` (later) of one account.
pub fn delta(a: &Score, b: &Score) -> ScoreDelta {
    type Key<'s> = (&'static str, &'s str, Option<&'s str>);
    fn key(c: &Contribution) -> Key<'_> {
        (c.component, c.source.as_str(), c.at.as_deref())
    }
    let mut points: std::collections::BTreeMap<Key<'_>, (f64, f64)> = Default::default();
    for c in &a.ledger {
        points.entry(key(c)).or_default().0 += c.points;
    }
    for c in &b.ledger {
        points.entry(key(c)).or_default().1 += c.points;
    }
    let in_a: std::collections::BTreeSet<Key<'_>> = a.ledger.iter().map(key).collect();
    let in_b: std::collections::BTreeSet<Key<'_>> = b.ledger.iter().map(key).collect();
    let mut contributions: Vec<ContributionMove> = points
        .into_iter()
        .filter(|(_, (x, y))| (y - x).abs() > 1e-12)
        .map(|((component, source, at), (x, y))| {
            let k = (component, source, at);
            let reason = match (in_a.contains(&k), in_b.contains(&k)) {
                (false, _) => "new",
                (_, false) => "gone",
                _ if y < x => "decayed",
                _ => "grew",
            };
            ContributionMove {
                component,
                source: source.to_string(),
                at: at.map(str::to_string),
                from: x,
                to: y,
                change: y - x,
                reason,
            }
        })
        .collect();
    contributions.sort_by(|p, q| {
        q.change
            .abs()
            .total_cmp(&p.change.abs())
            .then_with(|| p.source.cmp(&q.source))
            .then_with(|| p.at.cmp(&q.at))
    });
    let components = a
        .components
        .iter()
        .zip(&b.components)
        .map(|(x, y)| ComponentMove {
            component: x.component,
            value: moved(x.value, y.value),
        })
        .collect();
    ScoreDelta {
        from: a.as_of.clone(),
        to: b.as_of.clone(),
        composite: moved(a.composite, b.composite),
        components,
        contributions,
    }
}
