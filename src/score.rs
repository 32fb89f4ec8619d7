//! Scoring an account as of its `asOf`: every signal's points after decay and caps, the ICP fit
//! rules, per-component caps and the weighted composite — as a ledger of dated contributions
//! that always sums to the score, so "why is this account 78?" has an exact answer.
//!
//! The model (weights, caps, fit rules, points per signal type) is the definition's `scoring`
//! section (`definition::scoring`); this module computes with it. It never reads the clock.

use serde::Serialize;

use crate::definition::{COMPONENTS, Decay, FitSource, Scoring};
use crate::expr::data::{format_timestamp, number_text};
use crate::expr::{Data, ExprError, Expression, types};

/// `x` held within `low..=high` (`x` itself when NaN), as `f64::clamp` without its assertion:
/// that assertion formats floats, which alone brings ~18 KB of float-printing code into the
/// `.wasm`, and could abort on bounds a hostile definition sets.
pub(crate) fn clamp(x: f64, low: f64, high: f64) -> f64 {
    if x < low {
        low
    } else if x > high {
        high
    } else {
        x
    }
}

/// Default cap of a component without one: scores are on 0–100.
pub const DEFAULT_CAP: f64 = 100.0;

/// A scoring model compiled: fit rules' criteria compiled once.
#[derive(Debug, Clone)]
pub struct ScoreModel {
    scoring: Scoring,
    fit: Vec<Expression>,
    rules: Vec<Expression>,
    /// The signal types the model scores, found by hash (replay looks one up per signal at
    /// every look at an account).
    kinds: Kinds,
    /// Each component's cap and weight, in [`COMPONENTS`] order (looked up by name once).
    caps: [f64; 5],
    weights: [f64; 5],
}

/// A signal type the model scores, with what scoring needs of it resolved once.
#[derive(Debug, Clone)]
pub(crate) struct Kind {
    pub rule: crate::definition::SignalPoints,
    /// The rule's component and its position in [`COMPONENTS`] (`None`: not a component).
    pub component: Option<(usize, &'static str)>,
    /// Whether its points can be held back by both its type's cap and a contact's.
    pub both_caps: bool,
}

/// The scored signal types, by name: FNV-1a hashes in order, each with its position in
/// `kinds` (names compared only where hashes are equal).
#[derive(Debug, Clone, Default)]
struct Kinds {
    by_hash: Vec<(u64, usize)>,
    kinds: Vec<(String, Kind)>,
    /// The types whose signals can make a score rise as time passes (see
    /// [`ScoreModel::may_rise`]), each with whether only a signal with a contact can: a
    /// signal of any other type never does, which a search learns without a lookup.
    rising: Vec<(String, bool)>,
}

impl Kinds {
    fn new(scoring: &Scoring) -> Kinds {
        let kinds: Vec<(String, Kind)> = scoring
            .signals
            .iter()
            .map(|(name, rule)| {
                let component = COMPONENTS
                    .iter()
                    .copied()
                    .enumerate()
                    .find(|(_, c)| *c == rule.component);
                let both_caps =
                    rule.cap.is_some() && scoring.contact_caps.contains_key(&rule.component);
                let kind = Kind {
                    rule: rule.clone(),
                    component,
                    both_caps,
                };
                (name.clone(), kind)
            })
            .collect();
        let mut by_hash: Vec<(u64, usize)> = kinds
            .iter()
            .enumerate()
            .map(|(i, (name, _))| (crate::bytes::fnv1a(name), i))
            .collect();
        by_hash.sort_unstable();
        let rising = kinds
            .iter()
            .filter_map(|(name, k)| {
                // Points times strength or value can be below zero only where one of them is.
                let negative = k.rule.decay.is_some()
                    && (k.rule.points < 0.0 || k.rule.by_strength || k.rule.by_value);
                (negative || k.both_caps).then(|| (name.clone(), !negative))
            })
            .collect();
        Kinds {
            by_hash,
            kinds,
            rising,
        }
    }

    /// The type named `name`, with its position.
    fn get(&self, name: &str) -> Option<(usize, &Kind)> {
        let h = crate::bytes::fnv1a(name);
        let start = self.by_hash.partition_point(|(k, _)| *k < h);
        self.by_hash
            .get(start..)?
            .iter()
            .take_while(|(k, _)| *k == h)
            .find_map(|&(_, i)| match self.kinds.get(i) {
                Some((n, kind)) if n == name => Some((i, kind)),
                _ => None,
            })
    }
}

/// How many aggregated contributions [`Score::top`] lists.
pub const TOP_CONTRIBUTIONS: usize = 5;

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
    /// The largest contributions, summed by component and source (at most
    /// [`TOP_CONTRIBUTIONS`]), largest first: the short answer to "why this score?".
    pub top: Vec<TopContribution>,
    /// Every cap that clipped points, with how many it clipped.
    pub clipped: Vec<Clip>,
    /// Rules that could not be decided because every fact they read is missing (`fit:2`,
    /// `rule:0`): they count as nothing, not as false — the short answer to "why is fit
    /// unknown?", without the ledger.
    pub unknown: Vec<String>,
    /// Every contribution, in the order computed; per component they sum to its value.
    pub ledger: Vec<Contribution>,
    /// Signals that did not count, and why.
    pub ignored: Ignored,
}

/// A score as the JS API returns it: the full ledger only on request (else `null`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScoreView<'a> {
    as_of: &'a str,
    composite: Option<f64>,
    components: &'a [ComponentScore],
    top: &'a [TopContribution],
    clipped: &'a [Clip],
    unknown: &'a [String],
    ledger: Option<&'a [Contribution]>,
    ignored: &'a Ignored,
}

impl Score {
    /// The score to serialise, with or without the full ledger.
    pub fn view(&self, with_ledger: bool) -> ScoreView<'_> {
        ScoreView {
            as_of: &self.as_of,
            composite: self.composite,
            components: &self.components,
            top: &self.top,
            clipped: &self.clipped,
            unknown: &self.unknown,
            ledger: with_ledger.then_some(self.ledger.as_slice()),
            ignored: &self.ignored,
        }
    }
}

/// One component's value.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ComponentScore {
    /// `fit`, `intent`, `engagement`, `usage` or `relationship`.
    pub component: &'static str,
    /// Points after caps, 0..cap; `null` when unknown (fit with no rule decidable, or an
    /// imported fit score that is missing).
    pub value: Option<f64>,
    /// The cap the value is clamped to.
    pub cap: f64,
    /// `value × 100 / cap`.
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
    /// What it is: `signal:<type>`, `fit:<rule index>`, `rule:<rule index>` (a component rule),
    /// `imported:fit` (a fit score from an external model) or `cap` (the component's cap or
    /// floor).
    pub source: String,
    /// When the signal happened (null for fit rules and caps).
    pub at: Option<String>,
    /// The contact the signal names, when it is one of the account's contacts.
    pub contact: Option<String>,
    /// Points before decay (and before scaling by strength).
    pub base: f64,
    /// Decay factor applied, times strength / 100 for types scored by strength, times the value
    /// for types scored by value (1 when none).
    pub factor: f64,
    /// Points counted: base × factor, less what caps clipped.
    pub points: f64,
    /// Why, when it is not plain (a fit rule whose values were unknown, a clipping).
    pub note: Option<String>,
}

/// Contributions of one source to one component, summed.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TopContribution {
    /// The component.
    pub component: &'static str,
    /// As in [`Contribution::source`].
    pub source: String,
    /// How many ledger entries were summed.
    pub count: usize,
    /// Their points.
    pub points: f64,
}

/// A cap that clipped points.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Clip {
    /// The component whose points were clipped.
    pub component: &'static str,
    /// Which cap: `component` (the component's cap or its floor at 0), `type:<signal type>`
    /// (a per-type cap) or `contact:<id>` (a per-contact cap).
    pub cap: String,
    /// The cap's value (0 for the floor).
    pub limit: f64,
    /// Points it removed (negative when the floor added points back).
    pub clipped: f64,
}

/// Signals that did not count.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Ignored {
    /// Signals dated after `asOf`.
    pub after_as_of: usize,
    /// Signals whose type the model gives no points, by type.
    pub unknown_types: std::collections::BTreeMap<String, usize>,
    /// Signals of a type scored by strength that carry no strength.
    pub missing_strength: usize,
    /// Signals of a type scored by value that carry no value, or a negative one.
    pub missing_value: usize,
}

/// The decay factor for a signal `age_ms` old. `libm`'s `exp2`, not std's `powf`, so the factor
/// is bit-for-bit the same natively and in wasm.
#[inline]
pub(crate) fn decay_factor(decay: Option<Decay>, age_ms: i64) -> f64 {
    let age = age_ms.max(0) as f64;
    match decay {
        None => 1.0,
        Some(Decay::HalfLife(h)) => libm::exp2(-(age / h as f64)),
        Some(Decay::Linear(l)) => positive(1.0 - age / l as f64),
        Some(Decay::Window(w)) => {
            if age <= w as f64 {
                1.0
            } else {
                0.0
            }
        }
    }
}

/// Running totals that per-type and per-contact caps clip against (a handful per account:
/// vectors searched in order beat maps here).
/// Keys are whatever names a type and a contact cheaply: text for one account, dictionary
/// codes in a batch.
pub(crate) struct CapTotals<T, C> {
    by_type: Totals<T>,
    /// Keyed by contact and the component's position in [`COMPONENTS`].
    by_contact: Totals<(C, usize)>,
}

/// Running totals by key: the first few in place (an account has few capped types and
/// contacts), so scoring an account allocates nothing for them; the rest in a vector.
#[derive(Debug)]
struct Totals<K> {
    first: [Option<(K, f64)>; 8],
    more: Vec<(K, f64)>,
}

impl<K: PartialEq + Copy> Totals<K> {
    fn clear(&mut self) {
        self.first = [None; 8];
        self.more.clear();
    }

    /// The total under `key`, made (at 0) when missing (always `Some`).
    fn slot(&mut self, key: K) -> Option<&mut f64> {
        // Entries fill `first` in order, so the first empty place ends the search there.
        let mut empty = None;
        for (i, entry) in self.first.iter().enumerate() {
            match entry {
                Some((k, _)) if *k == key => {
                    empty = Some(i);
                    break;
                }
                None => {
                    empty = Some(i);
                    break;
                }
                Some(_) => {}
            }
        }
        if let Some(entry) = empty.and_then(|i| self.first.get_mut(i)) {
            return Some(&mut entry.get_or_insert((key, 0.0)).1);
        }
        if !self.more.iter().any(|(k, _)| *k == key) {
            self.more.push((key, 0.0));
        }
        self.more
            .iter_mut()
            .find(|(k, _)| *k == key)
            .map(|(_, total)| total)
    }
}

impl<T, C> Default for CapTotals<T, C> {
    fn default() -> Self {
        CapTotals {
            by_type: Totals {
                first: [const { None }; 8],
                more: Vec::new(),
            },
            by_contact: Totals {
                first: [const { None }; 8],
                more: Vec::new(),
            },
        }
    }
}

/// `x`, or 0 when it is not above 0 (what `x.max(0.0)` gives for numbers, without the call to
/// `fmax` it becomes in wasm).
#[inline]
fn positive(x: f64) -> f64 {
    if x > 0.0 { x } else { 0.0 }
}

/// Adds `points` (positive) to the running total under `key`, clipped to what `cap` leaves;
/// returns the points kept and the points removed.
fn clip_to<K: PartialEq + Copy>(
    totals: &mut Totals<K>,
    key: K,
    cap: f64,
    points: f64,
) -> (f64, f64) {
    let slot = totals.slot(key);
    let total = slot.as_deref().copied().unwrap_or(0.0);
    let room = (cap - total).max(0.0);
    let kept = if points > room { room } else { points };
    if let Some(t) = slot {
        *t += kept;
    }
    (kept, points - kept)
}

impl<T: PartialEq + Copy, C: PartialEq + Copy> CapTotals<T, C> {
    /// Starts over, for the next account (keeping the memory).
    pub(crate) fn clear(&mut self) {
        self.by_type.clear();
        self.by_contact.clear();
    }

    /// Clips `points` to what the type's cap and the contact's cap (contact, component
    /// position, cap) leave; returns the points kept and, when something was clipped, which
    /// cap did it.
    #[inline]
    pub(crate) fn clip(
        &mut self,
        points: f64,
        kind: T,
        type_cap: Option<f64>,
        contact: Option<(C, usize, f64)>,
    ) -> (f64, Option<Clipped>) {
        let mut kept = points;
        let mut clipped = None;
        if points <= 0.0 {
            return (kept, clipped);
        }
        if let Some(cap) = type_cap {
            let (k, removed) = clip_to(&mut self.by_type, kind, cap, kept);
            if removed > 0.0 {
                clipped = Some(Clipped::Type(cap, removed));
            }
            kept = k;
        }
        if let Some((id, component, cap)) = contact {
            let (k, removed) = clip_to(&mut self.by_contact, (id, component), cap, kept);
            if removed > 0.0 {
                clipped = Some(match clipped {
                    Some(Clipped::Type(type_cap, by_type)) => {
                        Clipped::Both(type_cap, by_type, cap, removed)
                    }
                    _ => Clipped::Contact(cap, removed),
                });
            }
            kept = k;
        }
        (kept, clipped)
    }
}

/// What a per-type or per-contact cap removed: (cap, points removed).
pub(crate) enum Clipped {
    Type(f64, f64),
    Contact(f64, f64),
    Both(f64, f64, f64, f64),
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
        let rules = scoring
            .rules
            .iter()
            .map(|rule| Expression::compile(&rule.when))
            .collect::<Result<_, _>>()?;
        Ok(ScoreModel {
            scoring: scoring.clone(),
            fit,
            rules,
            kinds: Kinds::new(scoring),
            caps: COMPONENTS.map(|c| scoring.caps.get(c).copied().unwrap_or(DEFAULT_CAP)),
            weights: COMPONENTS.map(|c| scoring.weights.get(c).copied().unwrap_or(0.0)),
        })
    }

    /// The model as written.
    pub fn scoring(&self) -> &Scoring {
        &self.scoring
    }

    /// The scored signal type named `kind`, with its position among the scored types (in
    /// name order, as [`Scoring::signals`]).
    pub(crate) fn kind(&self, kind: &str) -> Option<(usize, &Kind)> {
        self.kinds.get(kind)
    }

    pub(crate) fn cap(&self, component: &str) -> f64 {
        COMPONENTS
            .iter()
            .position(|c| *c == component)
            .and_then(|i| self.caps.get(i).copied())
            .unwrap_or(DEFAULT_CAP)
    }

    /// Scores an account (an account context; its `asOf` is the scoring date).
    ///
    /// # Errors
    /// An evaluation error of a fit rule's criterion (division by zero, step limit), or
    /// `invalid-argument` when the context is not an account with an `asOf`.
    pub fn score(&self, account: &Data) -> Result<Score, ExprError> {
        self.score_with(account, true)
    }

    /// As [`ScoreModel::score`]; without `dates` the ledger's entries carry no `at` (the
    /// numbers are the same): for callers that need the values, not the explanation.
    ///
    /// # Errors
    /// As [`ScoreModel::score`].
    pub fn score_with(&self, account: &Data, dates: bool) -> Result<Score, ExprError> {
        let (root, as_of) = account_root(account)?;
        let mut ledger = Vec::new();
        let mut ignored = Ignored::default();
        let mut clips: Vec<Clip> = Vec::new();
        self.each_signal(root, as_of, Some(&mut ignored), &[], |s| {
            let SignalPoints {
                component,
                kind,
                at,
                contact,
                base,
                factor,
                points,
                clipped,
                ..
            } = s;
            let note = clipped.map(|c| {
                let mut note = Vec::new();
                let (type_clip, contact_clip) = match c {
                    Clipped::Type(cap, removed) => (Some((cap, removed)), None),
                    Clipped::Contact(cap, removed) => (None, Some((cap, removed))),
                    Clipped::Both(tc, tr, cc, cr) => (Some((tc, tr)), Some((cc, cr))),
                };
                if let Some((cap, removed)) = type_clip {
                    note.push(format!(
                        "capped: {kind} counts at most {} points in all",
                        number_text(cap)
                    ));
                    add_clip(&mut clips, component, format!("type:{kind}"), cap, removed);
                }
                if let (Some((cap, removed)), Some(id)) = (contact_clip, contact) {
                    note.push(format!(
                        "capped: contact {id} adds at most {} {component} points",
                        number_text(cap)
                    ));
                    add_clip(&mut clips, component, format!("contact:{id}"), cap, removed);
                }
                note.join("; ")
            });
            ledger.push(Contribution {
                component,
                source: format!("signal:{kind}"),
                at: dates.then(|| format_timestamp(at)),
                contact: contact.map(str::to_string),
                base,
                factor,
                points,
                note,
            });
        });
        let fit_known = match self.scoring.fit_source {
            FitSource::Imported => self.imported_fit(root, &mut ledger),
            FitSource::Rules => self.fit_rules(account, &mut ledger)?,
        };
        for (i, rule) in self.scoring.rules.iter().enumerate() {
            let Some(component) = COMPONENTS.iter().copied().find(|c| *c == rule.component) else {
                continue;
            };
            let (points, note) = match self.rule_verdict(i, account)? {
                Some(true) => (rule.points, None),
                Some(false) => continue,
                None => (
                    0.0,
                    Some("unknown: a value this rule needs is missing (not counted as zero)"),
                ),
            };
            ledger.push(Contribution {
                component,
                source: format!("rule:{i}"),
                at: None,
                contact: None,
                base: rule.points,
                factor: 1.0,
                points,
                note: note.map(str::to_string),
            });
        }
        let mut components = Vec::with_capacity(COMPONENTS.len());
        for component in COMPONENTS {
            let cap = self.cap(component);
            // Summed from 0.0 in ledger order, as the batch path sums: the same bits.
            let sum = ledger
                .iter()
                .filter(|c| c.component == component)
                .fold(0.0, |sum, c| sum + c.points);
            let unknown = component == "fit" && !fit_known;
            let value = clamp(sum, 0.0, cap);
            if !unknown && value != sum {
                ledger.push(Contribution {
                    component,
                    source: "cap".to_string(),
                    at: None,
                    contact: None,
                    base: 0.0,
                    factor: 1.0,
                    points: value - sum,
                    note: Some(if sum > cap {
                        format!("{component} is capped at {}", number_text(cap))
                    } else {
                        format!("{component} does not go below 0")
                    }),
                });
                let limit = if sum > cap { cap } else { 0.0 };
                add_clip(
                    &mut clips,
                    component,
                    "component".into(),
                    limit,
                    sum - value,
                );
            }
            let value = (!unknown).then_some(value);
            components.push(ComponentScore {
                component,
                value,
                cap,
                normalized: value.map(|v| normalize(v, cap)),
                weight: self.scoring.weights.get(component).copied().unwrap_or(0.0),
            });
        }
        let composite = composite(&components);
        Ok(Score {
            as_of: format_timestamp(as_of),
            composite,
            components,
            top: top(&ledger),
            clipped: clips,
            unknown: ledger
                .iter()
                .filter(|c| c.note.as_deref().is_some_and(|n| n.starts_with("unknown")))
                .map(|c| c.source.clone())
                .collect(),
            ledger,
            ignored,
        })
    }

    /// The fit rules' criteria, in order.
    pub(crate) fn fit_criteria(&self) -> &[Expression] {
        &self.fit
    }

    /// Fit rule `i`'s verdict on the account (as [`ScoreModel::fit_verdicts`]).
    ///
    /// # Errors
    /// As [`ScoreModel::fit_verdicts`].
    pub(crate) fn fit_verdict(&self, i: usize, account: &Data) -> Result<Option<bool>, ExprError> {
        verdict(self.fit.get(i), account, || {
            format!("/scoring/fit/{i}/when")
        })
    }

    /// Component rule `i`'s verdict on the account: as a fit rule's, unknown when every field
    /// it reads is missing.
    ///
    /// # Errors
    /// The rule's evaluation error, its message prefixed with the rule's JSON pointer.
    pub(crate) fn rule_verdict(&self, i: usize, account: &Data) -> Result<Option<bool>, ExprError> {
        verdict(self.rules.get(i), account, || {
            format!("/scoring/rules/{i}/when")
        })
    }

    /// The component rules' criteria, in order.
    pub(crate) fn rule_criteria(&self) -> &[Expression] {
        &self.rules
    }

    /// Each fit rule's verdict on the account, in order: `Some(true)`, `Some(false)`, or
    /// `None` when unknown (every field the rule reads is missing).
    ///
    /// # Errors
    /// A rule's evaluation error, its message prefixed with the rule's JSON pointer.
    pub(crate) fn fit_verdicts(
        &self,
        account: &Data,
        mut each: impl FnMut(usize, f64, Option<bool>),
    ) -> Result<(), ExprError> {
        for (i, rule) in self.scoring.fit.iter().enumerate() {
            each(i, rule.points, self.fit_verdict(i, account)?);
        }
        Ok(())
    }

    /// The fit rules' contributions; whether fit is known (some rule decidable, or no rules).
    fn fit_rules(&self, account: &Data, ledger: &mut Vec<Contribution>) -> Result<bool, ExprError> {
        let mut decided = self.scoring.fit.is_empty();
        self.fit_verdicts(account, |i, base, verdict| {
            let (points, note) = match verdict {
                Some(true) => {
                    decided = true;
                    (base, None)
                }
                Some(false) => {
                    decided = true;
                    return;
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
                contact: None,
                base,
                factor: 1.0,
                points,
                note: note.map(str::to_string),
            });
        })?;
        Ok(decided)
    }

    /// The imported fit score (`score.fit`, 0–100) as the fit component's contribution, scaled
    /// to its cap; whether it is known.
    fn imported_fit(&self, root: &[Data], ledger: &mut Vec<Contribution>) -> bool {
        let l = types::layout();
        let imported = match root.get(l.score) {
            Some(Data::Object(score)) => match score.get(l.score_fit) {
                Some(Data::Number(n)) => Some(*n),
                _ => None,
            },
            _ => None,
        };
        let Some(value) = imported else {
            return false;
        };
        let cap = self.cap("fit");
        ledger.push(Contribution {
            component: "fit",
            source: "imported:fit".to_string(),
            at: None,
            contact: None,
            base: value,
            factor: cap / 100.0,
            points: value * cap / 100.0,
            note: Some("imported from an external model (score.fit)".to_string()),
        });
        true
    }
}

/// An account context's fields and `asOf`.
fn account_root(account: &Data) -> Result<(&[Data], i64), ExprError> {
    let invalid = |message: &str| {
        ExprError::new(
            crate::Code::InvalidArgument,
            crate::expr::Span { start: 0, end: 0 },
            message,
        )
    };
    let l = types::layout();
    let Data::Object(root) = account else {
        return Err(invalid("the account must be an account context object"));
    };
    let Some(Data::Timestamp(as_of)) = root.get(l.as_of) else {
        return Err(invalid("the account has no asOf timestamp"));
    };
    Ok((root, *as_of))
}

/// Signals of one type (and contact) folded into a sum, for replay: their points as of `at`,
/// decayed since then like the signals they stand for. A signal's contribution is its
/// points × strength or value, decayed; the sum of several, re-based to a later time, decays
/// the same way (a half-life's factors multiply; a permanent signal's do not change).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Carry {
    /// The signal type.
    pub kind: String,
    /// The contact the signals named, if any.
    pub contact: Option<String>,
    /// When `points` were counted.
    pub at: i64,
    /// Their points as of `at`, before caps.
    pub points: f64,
}

impl ScoreModel {
    /// What replay does with a signal of `kind` no criterion can see any more, `age_ms` old:
    /// drop it when it can never add points again (a decay window or a linear decay that has
    /// run out, a type the model does not score), fold it into a [`Carry`] when it always will
    /// (a half-life, a permanent signal), keep it while a window or linear decay runs.
    pub(crate) fn retire(&self, kind: &str, age_ms: i64) -> Retire {
        match self.kind(kind).map(|(_, k)| k.rule.decay) {
            None => Retire::Drop,
            Some(Some(Decay::Window(w))) if age_ms > w => Retire::Drop,
            Some(Some(Decay::Linear(l))) if age_ms >= l => Retire::Drop,
            Some(Some(Decay::Window(_) | Decay::Linear(_))) => Retire::Keep,
            Some(Some(Decay::HalfLife(_)) | None) => Retire::Fold,
        }
    }

    /// A signal's points as of `at` (before caps), for folding into a [`Carry`]: `None` when it
    /// adds nothing (an unscored type, no strength or value where the model needs one).
    pub(crate) fn points_at(&self, signal: &Data, at: i64) -> Option<f64> {
        let l = types::layout();
        let Data::Object(values) = signal else {
            return None;
        };
        let (Some(Data::String(kind)), Some(Data::Timestamp(t))) =
            (values.get(l.signal_type), values.get(l.signal_at))
        else {
            return None;
        };
        let (_, Kind { rule, .. }) = self.kind(kind)?;
        let strength = match (rule.by_strength, values.get(l.signal_strength)) {
            (false, _) => 1.0,
            (true, Some(Data::Number(s))) => s / 100.0,
            (true, _) => return None,
        };
        let scale = match (rule.by_value, values.get(l.signal_value)) {
            (false, _) => strength,
            (true, Some(Data::Number(v))) => strength * v,
            (true, _) => return None,
        };
        Some(rule.points * (decay_factor(rule.decay, at - t) * scale))
    }

    /// Whether the model's rules alone let a score only fall as time passes: fit rules that
    /// time cannot change, component rules whose points time can only take away, no negative
    /// weight. Each signal then decays toward zero, so the score falls unless some signal's
    /// points are negative (see [`ScoreModel::may_rise`]).
    pub(crate) fn rules_only_fall(&self) -> bool {
        use crate::expr::trend::Trend;
        let fit_steady = self
            .fit
            .iter()
            .all(|e| e.trend(Trend::Unknown) == Trend::Steady);
        let rules_fall = self.rules.iter().zip(&self.scoring.rules).all(|(e, rule)| {
            let contribution = if rule.points < 0.0 {
                e.trend(Trend::Unknown).flip()
            } else {
                e.trend(Trend::Unknown)
            };
            contribution.never_rises()
        });
        let weights_positive = self.scoring.weights.values().all(|w| *w >= 0.0);
        fit_steady && rules_fall && weights_positive && self.rules.len() == self.scoring.rules.len()
    }

    /// Whether the account's score may rise as time passes: it holds a decaying contribution
    /// below zero (the score rises as it fades), or a contribution held back by both its
    /// type's cap and its contact's (clipping is greedy, in order: when an earlier signal
    /// fades, the room it frees under both caps can go to two later signals, one blocked by
    /// each, and the total grows). `root` is the account context's fields.
    pub(crate) fn may_rise(&self, root: &[Data], carried: &[Carry]) -> bool {
        let l = types::layout();
        if carried.iter().any(|c| {
            self.kind(&c.kind).is_some_and(|(_, k)| {
                (c.points < 0.0 && k.rule.decay.is_some()) || (c.contact.is_some() && k.both_caps)
            })
        }) {
            return true;
        }
        let Some(Data::List(signals)) = root.get(l.signals) else {
            return false;
        };
        signals.iter().any(|signal| {
            let Data::Object(values) = signal else {
                return false;
            };
            let Some(Data::String(kind)) = values.get(l.signal_type) else {
                return false;
            };
            let with_contact = matches!(values.get(l.signal_contact), Some(Data::String(_)));
            let rising = self
                .kinds
                .rising
                .iter()
                .find(|(name, _)| name == kind.as_ref());
            if rising.is_none_or(|&(_, only_with_contact)| only_with_contact && !with_contact) {
                return false;
            }
            let Some((
                _,
                Kind {
                    rule, both_caps, ..
                },
            )) = self.kind(kind)
            else {
                return false;
            };
            if with_contact && *both_caps {
                return true;
            }
            let number = |i: usize| match values.get(i) {
                Some(Data::Number(n)) => *n,
                _ => 1.0,
            };
            let strength = if rule.by_strength {
                number(l.signal_strength)
            } else {
                1.0
            };
            let value = if rule.by_value {
                number(l.signal_value)
            } else {
                1.0
            };
            rule.decay.is_some() && rule.points * strength * value < 0.0
        })
    }

    /// `carry` re-based to `at` (its points decayed from its time to `at`).
    pub(crate) fn rebase(&self, carry: &mut Carry, at: i64) {
        let decay = self.kind(&carry.kind).and_then(|(_, k)| k.rule.decay);
        carry.points *= decay_factor(decay, at - carry.at);
        carry.at = at;
    }
}

/// See [`ScoreModel::retire`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Retire {
    Keep,
    Drop,
    Fold,
}

/// One signal's contribution as the scoring loop computes it.
struct SignalPoints<'a> {
    component: &'static str,
    /// The component's position in [`COMPONENTS`].
    index: usize,
    kind: &'a str,
    at: i64,
    contact: Option<&'a str>,
    base: f64,
    factor: f64,
    points: f64,
    clipped: Option<Clipped>,
}

/// A score's numbers without its explanation: what criteria such as `score.composite > 75`
/// read, computed without building a ledger (the same additions in the same order as
/// [`ScoreModel::score_with`], so the same bits).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct ScoreValues {
    /// The composite, 0–100.
    pub composite: Option<f64>,
    /// Each component's normalised value (0–100), in [`COMPONENTS`] order.
    pub normalized: [Option<f64>; 5],
}

impl ScoreModel {
    /// Every signal's contribution, in list order, clipped by the type and contact caps;
    /// signals that do not count are tallied in `ignored` when given.
    fn each_signal<'a>(
        &self,
        root: &'a [Data],
        as_of: i64,
        mut ignored: Option<&mut Ignored>,
        carried: &'a [Carry],
        mut each: impl FnMut(SignalPoints<'a>),
    ) {
        let l = types::layout();
        let list = |i: usize| match root.get(i) {
            Some(Data::List(items)) => items.as_slice(),
            _ => &[],
        };
        let contacts: Vec<&str> = list(l.contacts)
            .iter()
            .filter_map(|c| match c {
                Data::Object(fields) => match fields.get(l.contact_id) {
                    Some(Data::String(id)) => Some(id.as_ref()),
                    _ => None,
                },
                _ => None,
            })
            .collect();
        // Type totals by the type's position among the scored types.
        let mut totals: CapTotals<usize, &str> = CapTotals::default();
        // Looked up once per account, not per signal.
        let contact_caps = COMPONENTS.map(|c| self.scoring.contact_caps.get(c).copied());
        // Signals folded into sums come first: they are older than every listed signal.
        for carry in carried {
            let Some((position, kind)) = self.kind(&carry.kind) else {
                continue;
            };
            let (rule, Some((index, component))) = (&kind.rule, kind.component) else {
                continue;
            };
            let contact = carry
                .contact
                .as_deref()
                .and_then(|id| contacts.iter().copied().find(|c| *c == id));
            let factor = decay_factor(rule.decay, as_of - carry.at);
            let contact_cap =
                contact.and_then(|id| Some((id, index, contact_caps.get(index).copied()??)));
            let (points, clipped) =
                totals.clip(carry.points * factor, position, rule.cap, contact_cap);
            each(SignalPoints {
                component,
                index,
                kind: &carry.kind,
                at: carry.at,
                contact,
                base: carry.points,
                factor,
                points,
                clipped,
            });
        }
        for signal in list(l.signals) {
            let Data::Object(values) = signal else {
                continue;
            };
            let (Some(Data::String(kind)), Some(Data::Timestamp(at))) =
                (values.get(l.signal_type), values.get(l.signal_at))
            else {
                continue;
            };
            if *at > as_of {
                if let Some(ignored) = ignored.as_deref_mut() {
                    ignored.after_as_of += 1;
                }
                continue;
            }
            let Some((position, scored)) = self.kind(kind) else {
                if let Some(ignored) = ignored.as_deref_mut() {
                    *ignored.unknown_types.entry(kind.to_string()).or_default() += 1;
                }
                continue;
            };
            let (rule, Some((index, component))) = (&scored.rule, scored.component) else {
                continue;
            };
            let strength = match (rule.by_strength, values.get(l.signal_strength)) {
                (false, _) => 1.0,
                (true, Some(Data::Number(s))) => s / 100.0,
                (true, _) => {
                    if let Some(ignored) = ignored.as_deref_mut() {
                        ignored.missing_strength += 1;
                    }
                    continue;
                }
            };
            let strength = match (rule.by_value, values.get(l.signal_value)) {
                (false, _) => strength,
                (true, Some(Data::Number(v))) => strength * v,
                (true, _) => {
                    if let Some(ignored) = ignored.as_deref_mut() {
                        ignored.missing_value += 1;
                    }
                    continue;
                }
            };
            let contact = match values.get(l.signal_contact) {
                Some(Data::String(id)) => contacts.iter().copied().find(|c| *c == id.as_ref()),
                _ => None,
            };
            let factor = decay_factor(rule.decay, as_of - at) * strength;
            let contact_cap =
                contact.and_then(|id| Some((id, index, contact_caps.get(index).copied()??)));
            let (points, clipped) =
                totals.clip(rule.points * factor, position, rule.cap, contact_cap);
            each(SignalPoints {
                component,
                index,
                kind,
                at: *at,
                contact,
                base: rule.points,
                factor,
                points,
                clipped,
            });
        }
    }

    /// The score's numbers only (see [`ScoreValues`]), signals folded into `carried` sums
    /// counted first.
    ///
    /// # Errors
    /// As [`ScoreModel::score`].
    pub(crate) fn values_with(
        &self,
        account: &Data,
        carried: &[Carry],
    ) -> Result<ScoreValues, ExprError> {
        let (root, as_of) = account_root(account)?;
        let mut sums = [0.0_f64; 5];
        self.each_signal(root, as_of, None, carried, |s| {
            if let Some(slot) = sums.get_mut(s.index) {
                *slot += s.points;
            }
        });
        let fit_known = self.fixed_points(account, root, |i, points| {
            if let Some(slot) = sums.get_mut(i) {
                *slot += points;
            }
        })?;
        Ok(self.finish(sums, fit_known))
    }

    /// The points of the fit (imported, or the fit rules) and of the component rules, each
    /// with its component's position in [`COMPONENTS`], in the order the ledger adds them
    /// (after the signals'); whether the fit is known.
    ///
    /// # Errors
    /// A fit or component rule's evaluation error.
    pub(crate) fn fixed_points(
        &self,
        account: &Data,
        root: &[Data],
        mut add: impl FnMut(usize, f64),
    ) -> Result<bool, ExprError> {
        let mut add = |component: &str, points: f64| {
            if let Some(i) = COMPONENTS.iter().position(|c| *c == component) {
                add(i, points);
            }
        };
        let fit_known = match self.scoring.fit_source {
            FitSource::Imported => {
                let mut ledger = Vec::new();
                let known = self.imported_fit(root, &mut ledger);
                for c in &ledger {
                    add(c.component, c.points);
                }
                known
            }
            FitSource::Rules => {
                let mut decided = self.scoring.fit.is_empty();
                self.fit_verdicts(account, |_, base, verdict| match verdict {
                    Some(true) => {
                        decided = true;
                        add("fit", base);
                    }
                    Some(false) => decided = true,
                    None => add("fit", 0.0),
                })?;
                decided
            }
        };
        for (i, rule) in self.scoring.rules.iter().enumerate() {
            match self.rule_verdict(i, account)? {
                Some(true) => add(&rule.component, rule.points),
                Some(false) => {}
                None => add(&rule.component, 0.0),
            }
        }
        Ok(fit_known)
    }

    /// The components and composite from each component's summed points.
    pub(crate) fn finish(&self, sums: [f64; 5], fit_known: bool) -> ScoreValues {
        // On the stack: this runs at every look replay takes at an account.
        let mut components = COMPONENTS.map(|component| ComponentScore {
            component,
            value: None,
            cap: 0.0,
            normalized: None,
            weight: 0.0,
        });
        let mut normalized = [None; 5];
        for (i, (c, sum)) in components.iter_mut().zip(sums).enumerate() {
            let cap = self.caps.get(i).copied().unwrap_or(DEFAULT_CAP);
            let known = c.component != "fit" || fit_known;
            let value = known.then(|| clamp(sum, 0.0, cap));
            c.value = value;
            c.cap = cap;
            c.normalized = value.map(|v| normalize(v, cap));
            c.weight = self.weights.get(i).copied().unwrap_or(0.0);
            if let Some(slot) = normalized.get_mut(i) {
                *slot = c.normalized;
            }
        }
        ScoreValues {
            composite: composite(&components),
            normalized,
        }
    }

    /// The account's signals as scoring counts them, resolved once so that
    /// [`ScoreModel::sums_at`] can score them at many times: folded sums first, then the
    /// signals in list order, those that never count (an unscored type, a missing strength
    /// or value) left out — as [`ScoreModel::values_with`] goes through them.
    pub(crate) fn scored(&self, root: &[Data], carried: &[Carry], out: &mut Vec<Scored>) {
        out.clear();
        let signals = match root.get(types::layout().signals) {
            Some(Data::List(items)) => items.as_slice(),
            _ => &[],
        };
        self.scored_from(root, carried, signals, out);
    }

    /// `signals`, appended to the account's list after [`ScoreModel::scored`] made `out`,
    /// added to it as `scored` would have added them.
    pub(crate) fn scored_signals(&self, root: &[Data], signals: &[Data], out: &mut Vec<Scored>) {
        self.scored_from(root, &[], signals, out);
    }

    /// `carried`, then `signals`, as scoring counts them, appended to `out`.
    fn scored_from(
        &self,
        root: &[Data],
        carried: &[Carry],
        signals: &[Data],
        out: &mut Vec<Scored>,
    ) {
        let l = types::layout();
        let contacts = match root.get(l.contacts) {
            Some(Data::List(items)) => items.as_slice(),
            _ => &[],
        };
        // A contact by its first position in the account's list (as `each_signal` keys caps
        // by the contact's id).
        let contact = |id: &str| {
            let place = contacts.iter().position(|c| {
                matches!(c, Data::Object(f) if matches!(f.get(l.contact_id), Some(Data::String(x)) if x.as_ref() == id))
            })?;
            u32::try_from(place).ok()
        };
        let contact_caps = COMPONENTS.map(|c| self.scoring.contact_caps.get(c).copied());
        let mut push = |kind: &Kind, position: usize, index: usize, item: Scored| {
            let contact_cap = item
                .contact
                .and_then(|(c, _)| Some((c, contact_caps.get(index).copied()??)));
            out.push(Scored {
                decay: kind.rule.decay,
                cap: kind.rule.cap,
                position: u32::try_from(position).unwrap_or(u32::MAX),
                index,
                contact: contact_cap,
                ..item
            });
        };
        for carry in carried {
            let Some((position, kind)) = self.kind(&carry.kind) else {
                continue;
            };
            let Some((index, _)) = kind.component else {
                continue;
            };
            let item = Scored {
                base: carry.points,
                scale: 1.0,
                at: carry.at,
                carried: true,
                contact: carry.contact.as_deref().and_then(contact).map(|c| (c, 0.0)),
                ..Scored::default()
            };
            push(kind, position, index, item);
        }
        // Signals of one type often follow each other: the last type found is kept.
        let mut last: Option<(&str, Option<(usize, &Kind)>)> = None;
        for signal in signals {
            let Data::Object(values) = signal else {
                continue;
            };
            let (Some(Data::String(name)), Some(Data::Timestamp(at))) =
                (values.get(l.signal_type), values.get(l.signal_at))
            else {
                continue;
            };
            let found = match last {
                Some((was, found)) if was == name.as_ref() => found,
                _ => {
                    let found = self.kind(name);
                    last = Some((name, found));
                    found
                }
            };
            let Some((position, kind)) = found else {
                continue;
            };
            let (rule, Some((index, _))) = (&kind.rule, kind.component) else {
                continue;
            };
            let scale = match (rule.by_strength, values.get(l.signal_strength)) {
                (false, _) => 1.0,
                (true, Some(Data::Number(s))) => s / 100.0,
                (true, _) => continue,
            };
            let scale = match (rule.by_value, values.get(l.signal_value)) {
                (false, _) => scale,
                (true, Some(Data::Number(v))) => scale * v,
                (true, _) => continue,
            };
            let contact = match values.get(l.signal_contact) {
                Some(Data::String(id)) => contact(id).map(|c| (c, 0.0)),
                _ => None,
            };
            let item = Scored {
                base: rule.points,
                scale,
                at: *at,
                contact,
                ..Scored::default()
            };
            push(kind, position, index, item);
        }
    }

    /// Each component's summed points as of `t` from [`ScoreModel::scored`]'s list: the same
    /// additions in the same order as [`ScoreModel::values_with`], so the same bits.
    pub(crate) fn sums_at(scored: &[Scored], t: i64, totals: &mut CapTotals<u32, u32>) -> [f64; 5] {
        totals.clear();
        let mut sums = [0.0_f64; 5];
        for s in scored {
            if !s.carried && s.at > t {
                continue;
            }
            let factor = decay_factor(s.decay, t - s.at) * s.scale;
            let contact = s.contact.map(|(c, cap)| (c, s.index, cap));
            let (points, _) = totals.clip(s.base * factor, s.position, s.cap, contact);
            if let Some(slot) = sums.get_mut(s.index) {
                *slot += points;
            }
        }
        sums
    }
}

/// A signal (or folded sum) as [`ScoreModel::sums_at`] scores it.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Scored {
    /// Points before decay: the type's (a folded sum's own).
    base: f64,
    /// Its strength or value scale (1 for a folded sum).
    scale: f64,
    at: i64,
    /// A folded sum: counted whatever the time.
    carried: bool,
    decay: Option<Decay>,
    /// Its type's cap and position among the scored types.
    cap: Option<f64>,
    position: u32,
    /// Its component's position in [`COMPONENTS`].
    index: usize,
    /// Its contact (first position in the account's contacts) and that contact's cap.
    contact: Option<(u32, f64)>,
}

/// A rule's verdict: unknown when every field its criterion reads is missing (whatever `==`
/// says of null), else the criterion's value; an evaluation error names the rule's `path`.
fn verdict(
    criterion: Option<&Expression>,
    account: &Data,
    path: impl Fn() -> String,
) -> Result<Option<bool>, ExprError> {
    let Some(criterion) = criterion else {
        return Ok(None);
    };
    if criterion.reads_only_missing(account) {
        return Ok(None);
    }
    criterion
        .evaluate_bool(account)
        .map_err(|e| ExprError::new(e.code, e.span, format!("{}: {}", path(), e.message)))
}

/// Adds what a cap clipped to the report, summing per component and cap.
fn add_clip(clips: &mut Vec<Clip>, component: &'static str, cap: String, limit: f64, clipped: f64) {
    match clips
        .iter_mut()
        .find(|c| c.component == component && c.cap == cap)
    {
        Some(clip) => clip.clipped += clipped,
        None => clips.push(Clip {
            component,
            cap,
            limit,
            clipped,
        }),
    }
}

/// A component's value on 0–100: `value × 100 / cap` (in this order, so a cap of 100 gives the
/// value itself, not 55.00000000000001 for 55).
pub(crate) fn normalize(value: f64, cap: f64) -> f64 {
    value * 100.0 / cap
}

/// The composite: the known components blended by weight, re-weighted among themselves, so a
/// missing fact lowers confidence, not the score.
pub(crate) fn composite(components: &[ComponentScore]) -> Option<f64> {
    let mut weight = 0.0;
    let mut sum = 0.0;
    for c in components {
        if let (true, Some(n)) = (c.weight > 0.0, c.normalized) {
            weight += c.weight;
            sum += c.weight * n;
        }
    }
    (weight > 0.0).then(|| sum / weight)
}

/// The ledger summed by component and source, largest absolute points first (ties: first
/// seen), at most [`TOP_CONTRIBUTIONS`].
fn top(ledger: &[Contribution]) -> Vec<TopContribution> {
    let mut sums: Vec<TopContribution> = Vec::new();
    for c in ledger {
        match sums
            .iter_mut()
            .find(|t| t.component == c.component && t.source == c.source)
        {
            Some(t) => {
                t.count += 1;
                t.points += c.points;
            }
            None => sums.push(TopContribution {
                component: c.component,
                source: c.source.clone(),
                count: 1,
                points: c.points,
            }),
        }
    }
    sums.retain(|t| t.points != 0.0);
    // A stable sort keeps first-seen order among equals.
    crate::sort::sort_by(&mut sums, |a, b| b.points.abs().total_cmp(&a.points.abs()));
    sums.truncate(TOP_CONTRIBUTIONS);
    sums
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
    crate::sort::sort_by(&mut contributions, |p, q| {
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use crate::expr::Data;

    /// More capped types and contacts than the totals keep in place (eight each): every one
    /// is still held to its cap.
    #[test]
    fn caps_hold_for_many_types_and_contacts() {
        let kinds: Vec<String> = (0..11)
            .map(|i| format!(r#""t{i}": {{"component": "engagement", "points": 4, "cap": 5}}"#))
            .collect();
        let journey = crate::Journey::from_json(&format!(
            r#"{{"id": "j", "name": "J", "version": "1",
                "scoring": {{"weights": {{"engagement": 1, "intent": 1}},
                  "caps": {{"engagement": 1000, "intent": 1000}},
                  "contactCaps": {{"intent": 6}},
                  "signals": {{{}, "u": {{"component": "intent", "points": 4}}}}}},
                "stages": [{{"id": "a", "name": "A", "kind": "pre-sale", "entryCriteria": "true"}}]}}"#,
            kinds.join(", ")
        ))
        .unwrap();
        // Two signals of each capped type (8 points, held to 5); two of the uncapped type for
        // each of eleven contacts (8 points, held to the contact cap of 6).
        let mut signals = Vec::new();
        let mut contacts = Vec::new();
        for i in 0..11 {
            for _ in 0..2 {
                signals.push(format!(r#"{{"type": "t{i}", "at": "2026-11-01"}}"#));
                signals.push(format!(
                    r#"{{"type": "u", "at": "2026-11-01", "contact": "c{i}"}}"#
                ));
            }
            contacts.push(format!(r#"{{"id": "c{i}"}}"#));
        }
        let account = Data::account_from_json(&format!(
            r#"{{"asOf": "2026-11-22", "signals": [{}], "contacts": [{}]}}"#,
            signals.join(", "),
            contacts.join(", ")
        ))
        .unwrap();
        let score = journey.score(&account).unwrap();
        let value = |name: &str| {
            score
                .components
                .iter()
                .find(|c| c.component == name)
                .and_then(|c| c.value)
        };
        assert_eq!(value("engagement"), Some(55.0));
        assert_eq!(value("intent"), Some(66.0));
        let lean = journey
            .score_model()
            .unwrap()
            .values_with(&account, &[])
            .unwrap();
        assert_eq!(lean.normalized[1], Some(6.6));
        assert_eq!(lean.normalized[2], Some(5.5));
    }

    /// The lean path criteria read gives the explained score's numbers, bit for bit.
    #[test]
    fn values_are_the_scores_numbers() {
        let journey = crate::Journey::embedded_default().unwrap();
        let model = journey.score_model().unwrap();
        let text = include_str!("../examples/data/sample-accounts.json");
        let node = crate::json::parse(text).unwrap();
        let crate::json::Value::Array(accounts) = &node.value else {
            panic!("an array")
        };
        for (i, account) in accounts.iter().enumerate() {
            for as_of in ["2026-06-01", "2026-11-22", "2027-03-01"] {
                let data = Data::from_json_node(
                    account,
                    crate::expr::types::Ty::Object(crate::expr::types::ACCOUNT),
                    "",
                )
                .unwrap()
                .with_as_of(crate::expr::data::parse_timestamp(as_of).unwrap());
                let full = model.score(&data).unwrap();
                let lean = model.values_with(&data, &[]).unwrap();
                assert_eq!(
                    full.composite.map(f64::to_bits),
                    lean.composite.map(f64::to_bits),
                    "{i} {as_of}"
                );
                for (c, n) in full.components.iter().zip(lean.normalized) {
                    assert_eq!(
                        c.normalized.map(f64::to_bits),
                        n.map(f64::to_bits),
                        "{i} {as_of} {}",
                        c.component
                    );
                }
            }
        }
    }
}
