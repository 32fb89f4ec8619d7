//! Probe accounts: concrete contexts built from the literals a set of criteria compares fields
//! with, to find an example account with a property — matching no stage (a gap), matching two
//! stages of equal priority (an overlap).
//!
//! A probe found is a proof by example; none found within the work budget proves nothing, so
//! what is built on probes only ever reports with a real account in hand (no false alarms, and
//! possibly a missed case, which `docs/definition-format.md` says). The search is deterministic:
//! every field the criteria read gets a short list of candidate values, emptiest first (null,
//! false, 0, empty, no signals), then values either side of each threshold it is compared with;
//! probes are visited nearest the emptiest account first (one field changed, then two, …).

use std::ops::ControlFlow;

use super::Expression;
use super::check::{Base, Op, Quant};
use super::data::{Data, show_at};
use super::types::{ACCOUNT, Field, Ty};

const DAY_MS: i64 = 86_400_000;
/// The date probes are taken at: criteria are relative to `asOf`, so any date does
/// (2026-01-01T00:00:00Z).
const PROBE_AS_OF: i64 = 1_767_225_600_000;
/// Most copies of one kind of list element in a probe: counts compared with larger numbers are
/// not explored.
const MAX_COPIES: usize = 25;
/// Most candidate values per field.
const MAX_CANDIDATES: usize = 16;
/// Work allowed for one search: expressions evaluated × (1 + list elements in the probe). At
/// about 20 ns a unit natively, a search that finds nothing ends within ~20 ms.
pub const WORK_BUDGET: usize = 1_000_000;

/// The fields some criteria read, each with candidate values, and the account they vary.
#[derive(Debug)]
pub struct Probes {
    base: Data,
    slots: Vec<Slot>,
    expressions: usize,
}

#[derive(Debug)]
struct Slot {
    path: Box<[usize]>,
    name: String,
    ty: Ty,
    values: Vec<Data>,
}

/// An account found by [`Probes::find`], with a short description of the fields that make it.
#[derive(Debug, Clone, PartialEq)]
pub struct Witness {
    /// The account context (as of 2026-01-01; criteria only see times relative to it).
    pub account: Data,
    /// What is special about it, e.g. `score.composite = 76, signals: 4 × "page_view"`.
    pub description: String,
}

/// A field as criteria name it: the root path, and inside a list predicate the path inside the
/// list's element.
type FieldKey = (Vec<usize>, Vec<usize>);

/// Literals found in criteria, keyed by the field they are compared with: the root path, and
/// for a field of a list element inside a list predicate, the path inside the element.
#[derive(Default)]
struct Literals {
    by_field: Vec<(FieldKey, Data)>,
    numbers: Vec<f64>,
    counts: Vec<f64>,
    durations: Vec<i64>,
    timestamps: Vec<i64>,
}

impl Literals {
    fn of(&self, root: &[usize], inner: &[usize]) -> Vec<&Data> {
        self.by_field
            .iter()
            .filter(|((r, i), _)| r == root && i == inner)
            .map(|(_, d)| d)
            .collect()
    }

    fn record(&mut self, key: Option<FieldKey>, value: &Data) {
        let Some(key) = key else { return };
        let items: Vec<&Data> = match value {
            Data::List(items) => items.iter().collect(),
            other => vec![other],
        };
        for item in items {
            if !matches!(item, Data::Null)
                && !self.by_field.iter().any(|(k, d)| *k == key && d == item)
            {
                self.by_field.push((key.clone(), item.clone()));
            }
        }
    }

    fn constant(&mut self, value: &Data) {
        match value {
            Data::Number(n) => self.numbers.push(*n),
            Data::Duration(ms) => self.durations.push(*ms),
            Data::Timestamp(ms) => self.timestamps.push(*ms),
            Data::List(items) => items.iter().for_each(|item| self.constant(item)),
            _ => {}
        }
    }
}

/// The field an operand stands for, seen through functions that keep thresholds meaningful
/// (`size(x)`, `daysSince(x)`, `x % 365`, …).
fn field_key(op: &Op, scopes: &[Option<Vec<usize>>]) -> Option<FieldKey> {
    match op {
        Op::Path(Base::Root, path) => Some((path.to_vec(), Vec::new())),
        Op::Path(Base::Scope(depth), path) => scopes
            .get(*depth)
            .cloned()
            .flatten()
            .map(|root| (root, path.to_vec())),
        Op::Size(x) | Op::NotNull(x) | Op::DaysSince(x) | Op::Abs(x) | Op::Neg(x) => {
            field_key(x, scopes)
        }
        Op::Arith(_, x, c, _) if matches!(**c, Op::Const(_)) => field_key(x, scopes),
        _ => None,
    }
}

fn collect(op: &Op, scopes: &mut Vec<Option<Vec<usize>>>, lits: &mut Literals) {
    let pair = |a: &Op, b: &Op, scopes: &[Option<Vec<usize>>], lits: &mut Literals| {
        if let Op::Const(c) = b {
            lits.record(field_key(a, scopes), c);
        }
        if let Op::Const(c) = a {
            lits.record(field_key(b, scopes), c);
        }
    };
    match op {
        Op::Const(c) => lits.constant(c),
        Op::Eq(a, b, _) | Op::Cmp(_, a, b) | Op::Str(_, a, b) | Op::In(a, b) => {
            pair(a, b, scopes, lits);
            for (x, y) in [(a, b), (b, a)] {
                if let (Op::Quant(Quant::Count, ..), Op::Const(Data::Number(n))) = (&**x, &**y) {
                    lits.counts.push(*n);
                }
            }
        }
        Op::InItems(a, items) => {
            for item in items {
                pair(a, item, scopes, lits);
            }
        }
        _ => {}
    }
    if let Op::Quant(_, list, pred) = op {
        collect(list, scopes, lits);
        scopes.push(match &**list {
            Op::Path(Base::Root, path) => Some(path.to_vec()),
            _ => None,
        });
        collect(pred, scopes, lits);
        scopes.pop();
        return;
    }
    for child in op.children() {
        collect(child, scopes, lits);
    }
}

/// The schema field at a root path.
fn field_at(path: &[usize]) -> Option<&'static Field> {
    let (&last, parents) = path.split_last()?;
    let mut fields: &'static [Field] = ACCOUNT;
    for &i in parents {
        match fields.get(i)?.ty {
            Ty::Object(inner) => fields = inner,
            _ => return None,
        }
    }
    fields.get(last)
}

/// The emptiest value of a field: null when it may be absent, else false, 0, "", asOf, empty.
fn emptiest(field: &Field) -> Data {
    if field.nullable {
        return Data::Null;
    }
    match field.ty {
        Ty::Bool => Data::Bool(false),
        Ty::Number => Data::Number(0.0),
        Ty::String => Data::String("".into()),
        Ty::Timestamp => Data::Timestamp(PROBE_AS_OF),
        Ty::Duration => Data::Duration(0),
        Ty::List(_) => Data::List(Vec::new()),
        Ty::Object(fields) => Data::Object(fields.iter().map(emptiest).collect()),
        Ty::Null => Data::Null,
    }
}

fn push_unique(values: &mut Vec<Data>, value: Data) {
    if values.len() < MAX_CANDIDATES && !values.contains(&value) {
        values.push(value);
    }
}

/// Numbers either side of each threshold.
fn around(numbers: &[f64]) -> Vec<f64> {
    let mut out: Vec<f64> = numbers
        .iter()
        .flat_map(|&n| [n - 1.0, n, n + 1.0])
        .filter(|n| n.is_finite())
        .collect();
    crate::sort::sort_by(&mut out, f64::total_cmp);
    out.dedup();
    out
}

/// Times either side of each threshold: days ago for numbers (`daysSince(x) > 90`), durations
/// before asOf (`within(30d)`), timestamp literals.
fn times(lits: &Literals) -> Vec<i64> {
    let mut out = vec![PROBE_AS_OF];
    let days = lits
        .numbers
        .iter()
        .filter(|n| (0.0..=36_600.0).contains(*n))
        .map(|&n| n as i64 * DAY_MS);
    for ago in days.chain(lits.durations.iter().copied()) {
        for delta in [-DAY_MS, 0, DAY_MS] {
            out.push(PROBE_AS_OF.saturating_sub(ago.saturating_add(delta)));
        }
    }
    for &t in &lits.timestamps {
        out.extend([t.saturating_sub(DAY_MS), t, t.saturating_add(DAY_MS)]);
    }
    out.push(PROBE_AS_OF + DAY_MS);
    out
}

/// Candidate values of a scalar or list-of-strings field, emptiest first.
fn scalar_candidates(field: &Field, literals: &[&Data], lits: &Literals) -> Vec<Data> {
    let mut values = vec![emptiest(field)];
    match field.ty {
        Ty::Bool => {
            push_unique(&mut values, Data::Bool(false));
            push_unique(&mut values, Data::Bool(true));
        }
        Ty::Number => {
            let own: Vec<f64> = literals
                .iter()
                .filter_map(|d| match d {
                    Data::Number(n) => Some(*n),
                    _ => None,
                })
                .collect();
            let source = if own.is_empty() { &lits.numbers } else { &own };
            push_unique(&mut values, Data::Number(0.0));
            for n in around(source) {
                push_unique(&mut values, Data::Number(n));
            }
        }
        Ty::String => {
            push_unique(&mut values, Data::String("".into()));
            for d in literals {
                if let Data::String(_) = d {
                    push_unique(&mut values, (*d).clone());
                }
            }
        }
        Ty::Timestamp => {
            for t in times(lits) {
                push_unique(&mut values, Data::Timestamp(t));
            }
        }
        Ty::List(Ty::String) => {
            let strings: Vec<Data> = literals
                .iter()
                .filter(|d| matches!(d, Data::String(_)))
                .map(|d| (*d).clone())
                .collect();
            for s in &strings {
                push_unique(&mut values, Data::List(vec![s.clone()]));
            }
            push_unique(&mut values, Data::List(strings.clone()));
            let wanted = copies(&lits.numbers).max(strings.len());
            let mut padded = strings;
            while padded.len() < wanted {
                padded.push(Data::String(format!("probe-{}", padded.len()).into()));
            }
            push_unique(&mut values, Data::List(padded));
        }
        _ => {}
    }
    values
}

/// How many copies make counts and sizes compared with the thresholds hold (capped).
fn copies(thresholds: &[f64]) -> usize {
    thresholds
        .iter()
        .filter(|n| (0.0..MAX_COPIES as f64).contains(*n))
        .fold(1.0_f64, |most, &n| most.max(n + 1.0)) as usize
}

/// Candidate lists for a list of objects (signals): none; for each value of the element's
/// first string field compared in the criteria (the signal type), enough copies at asOf with
/// every other literal (topics…); and all of them together.
fn element_candidates(root: &[usize], elem_fields: &'static [Field], lits: &Literals) -> Vec<Data> {
    let per_field: Vec<Vec<Data>> = elem_fields
        .iter()
        .enumerate()
        .map(|(i, field)| {
            let own = lits.of(root, &[i]);
            match field.ty {
                Ty::Timestamp => vec![Data::Timestamp(PROBE_AS_OF)],
                Ty::Number => {
                    let most = own
                        .iter()
                        .filter_map(|d| match d {
                            Data::Number(n) => Some(*n),
                            _ => None,
                        })
                        .fold(None, |m: Option<f64>, n| Some(m.map_or(n, |m| m.max(n))));
                    vec![most.map_or(emptiest(field), |n| Data::Number(n + 1.0))]
                }
                _ => {
                    let mut values: Vec<Data> = own.into_iter().cloned().collect();
                    if values.is_empty() || field.nullable {
                        values.push(emptiest(field));
                    }
                    values
                }
            }
        })
        .collect();
    // The dimension elements are grouped by: the first string field with literals.
    let group = per_field
        .iter()
        .zip(elem_fields)
        .position(|(values, f)| f.ty == Ty::String && values.len() > 1);
    let n = copies(&lits.counts);
    let make = |group_value: Option<&Data>| -> Vec<Data> {
        let mut out = Vec::new();
        // Every combination of the other fields' values, `n` copies each.
        let mut index = vec![0usize; per_field.len()];
        loop {
            let element: Vec<Data> = per_field
                .iter()
                .enumerate()
                .map(|(f, values)| match (Some(f) == group, group_value) {
                    (true, Some(v)) => v.clone(),
                    _ => values
                        .get(index.get(f).copied().unwrap_or(0))
                        .cloned()
                        .unwrap_or(Data::Null),
                })
                .collect();
            out.extend(std::iter::repeat_n(Data::Object(element), n));
            // Next combination (the group field stays fixed).
            let mut f = 0;
            loop {
                let Some(values) = per_field.get(f) else {
                    return out;
                };
                if Some(f) != group
                    && let Some(i) = index.get_mut(f)
                    && *i + 1 < values.len()
                {
                    *i += 1;
                    break;
                }
                if let Some(i) = index.get_mut(f) {
                    *i = 0;
                }
                f += 1;
            }
        }
    };
    let mut values = vec![Data::List(Vec::new())];
    match group.and_then(|g| per_field.get(g)) {
        Some(group_values) => {
            let mut all = Vec::new();
            for value in group_values {
                let list = make(Some(value));
                all.extend(list.iter().cloned());
                push_unique(&mut values, Data::List(list));
            }
            push_unique(&mut values, Data::List(all));
        }
        None => push_unique(&mut values, Data::List(make(None))),
    }
    values
}

impl Probes {
    /// The probes for the fields `expressions` read.
    pub fn new(expressions: &[&Expression]) -> Probes {
        let mut lits = Literals::default();
        let mut paths: Vec<Box<[usize]>> = Vec::new();
        for expr in expressions {
            collect(&expr.program, &mut Vec::new(), &mut lits);
            for path in expr.root_paths.iter().cloned() {
                if !paths.contains(&path) {
                    paths.push(path);
                }
            }
        }
        crate::sort::sort_by(&mut paths, Ord::cmp);
        let slots = paths
            .into_iter()
            .filter_map(|path| {
                let field = field_at(&path)?;
                let literals = lits.of(&path, &[]);
                let values = match field.ty {
                    Ty::List(Ty::Object(elem)) => element_candidates(&path, elem, &lits),
                    Ty::Object(_) => vec![emptiest(field)],
                    _ => scalar_candidates(field, &literals, &lits),
                };
                Some(Slot {
                    name: name_of(&path),
                    path,
                    ty: field.ty,
                    values,
                })
            })
            .collect();
        let mut base = Data::Object(ACCOUNT.iter().map(emptiest).collect());
        super::data::set_path(&mut base, &[0], Data::Timestamp(PROBE_AS_OF));
        Probes {
            base,
            slots,
            expressions: expressions.len(),
        }
    }

    /// The first probe `accept` takes, visiting probes nearest the emptiest account first,
    /// within [`WORK_BUDGET`]; `None` when none is accepted in budget.
    pub fn find(&self, mut accept: impl FnMut(&Data) -> bool) -> Option<Witness> {
        let mut choice = vec![0usize; self.slots.len()];
        let mut work = 0usize;
        let mut found = None;
        for distance in 0..=self.slots.len() {
            let flow = self.visit(&mut choice, 0, distance, &mut |choice: &[usize]| {
                let account = self.account(choice);
                work += self.expressions.max(1) * (1 + list_elements(&account));
                if accept(&account) {
                    found = Some(Witness {
                        description: self.describe(choice),
                        account,
                    });
                    return ControlFlow::Break(());
                }
                if work > WORK_BUDGET {
                    return ControlFlow::Break(());
                }
                ControlFlow::Continue(())
            });
            if flow.is_break() {
                break;
            }
        }
        found
    }

    /// Every combination that changes exactly `distance` slots from `start` on.
    fn visit(
        &self,
        choice: &mut [usize],
        start: usize,
        distance: usize,
        probe: &mut dyn FnMut(&[usize]) -> ControlFlow<()>,
    ) -> ControlFlow<()> {
        if distance == 0 {
            return probe(choice);
        }
        for i in start..self.slots.len() {
            let count = self.slots.get(i).map_or(0, |s| s.values.len());
            for v in 1..count {
                if let Some(c) = choice.get_mut(i) {
                    *c = v;
                }
                let flow = self.visit(choice, i + 1, distance - 1, probe);
                if let Some(c) = choice.get_mut(i) {
                    *c = 0;
                }
                flow?;
            }
        }
        ControlFlow::Continue(())
    }

    fn account(&self, choice: &[usize]) -> Data {
        let mut account = self.base.clone();
        for (slot, &c) in self.slots.iter().zip(choice) {
            if let Some(value) = slot.values.get(c) {
                super::data::set_path(&mut account, &slot.path, value.clone());
            }
        }
        account
    }

    fn describe(&self, choice: &[usize]) -> String {
        let changed: Vec<String> = self
            .slots
            .iter()
            .zip(choice)
            .filter(|(_, c)| **c != 0)
            .filter_map(|(slot, &c)| {
                let value = slot.values.get(c)?;
                Some(format!(
                    "{} = {}",
                    slot.name,
                    show_at(value, slot.ty, PROBE_AS_OF)
                ))
            })
            .collect();
        let read: Vec<&str> = self
            .slots
            .iter()
            .zip(choice)
            .filter(|(_, c)| **c == 0)
            .map(|(slot, _)| slot.name.as_str())
            .collect();
        match (changed.is_empty(), read.is_empty()) {
            (true, _) => format!("{} all null, false, 0 or empty", read.join(", ")),
            (false, true) => changed.join(", "),
            (false, false) => format!(
                "{} ({} null, false, 0 or empty)",
                changed.join(", "),
                read.join(", ")
            ),
        }
    }
}

fn list_elements(account: &Data) -> usize {
    match account {
        Data::List(items) => items.len() + items.iter().map(list_elements).sum::<usize>(),
        Data::Object(fields) => fields.iter().map(list_elements).sum(),
        _ => 0,
    }
}

fn name_of(path: &[usize]) -> String {
    let mut fields: &'static [Field] = ACCOUNT;
    let mut names = Vec::new();
    for &i in path {
        let Some(field) = fields.get(i) else { break };
        names.push(field.name);
        if let Ty::Object(inner) = field.ty {
            fields = inner;
        }
    }
    names.join(".")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn find(criteria: &[&str], want: &[Option<bool>]) -> Option<Witness> {
        let exprs: Vec<Expression> = criteria
            .iter()
            .map(|c| Expression::compile(c).unwrap())
            .collect();
        let refs: Vec<&Expression> = exprs.iter().collect();
        Probes::new(&refs).find(|account| {
            exprs
                .iter()
                .zip(want)
                .all(|(e, w)| e.evaluate_bool(account).ok() == Some(*w))
        })
    }

    #[test]
    fn finds_thresholds_from_both_sides() {
        let w = find(&["score.composite > 75"], &[Some(true)]).unwrap();
        assert_eq!(w.description, "score.composite = 76");
        let w = find(
            &["score.composite > 75", "score.composite <= 75"],
            &[Some(false), Some(false)],
        );
        assert!(w.is_none(), "a number is either above or not: {w:?}");
    }

    #[test]
    fn explores_signal_counts_types_and_topics() {
        let c =
            r#"count(signals, type == "page_view" and topic in ["pricing"] and within(30d)) >= 3"#;
        let w = find(&[c], &[Some(true)]).unwrap();
        assert_eq!(
            w.description,
            r#"signals = [4 × {type: "page_view", at: asOf, topic: "pricing"}]"#
        );
        assert!(find(&[c, "size(signals) == 0"], &[Some(true), Some(true)]).is_none());
    }

    #[test]
    fn explores_days_since_and_string_lists() {
        let w = find(&["daysSince(crm.customerSince) > 90"], &[Some(true)]).unwrap();
        assert_eq!(w.description, "crm.customerSince = asOf - 91d");
        let w = find(
            &[r#"buyingGroup.engagedRoles contains "economic_buyer" and size(buyingGroup.engagedRoles) >= 3"#],
            &[Some(true)],
        )
        .unwrap();
        assert!(
            w.description
                .starts_with("buyingGroup.engagedRoles = [\"economic_buyer\""),
            "{}",
            w.description
        );
    }

    #[test]
    fn the_emptiest_account_comes_first() {
        let w = find(
            &["firmographics.resolved", "account.target"],
            &[Some(false), Some(false)],
        )
        .unwrap();
        assert_eq!(
            w.description,
            "account.target, firmographics.resolved all null, false, 0 or empty"
        );
    }

    #[test]
    fn two_fields_together() {
        let w = find(
            &["account.target and score.fit >= 60", "crm.opportunity.open"],
            &[Some(true), Some(true)],
        )
        .unwrap();
        assert_eq!(
            w.description,
            "account.target = true, score.fit = 60, crm.opportunity.open = true"
        );
    }
}
