//! Scoring many accounts at once from columns: per-account fields as typed columns and every
//! account's signals as parallel arrays — the shape data has in a warehouse export, an Arrow
//! table or typed arrays in JS, and the shape that crosses the wasm boundary in one copy per
//! column instead of one conversion per object.
//!
//! The numbers are the same, bit for bit, as [`crate::score::ScoreModel::score`] gives for each
//! account alone (a property test checks it): the same decay, caps and per-contact roll-up, in
//! the same order. Bad rows get an error each and the rest of the batch goes on; an argument
//! that is not a batch at all (columns of different lengths, an unknown field) fails the call.

use std::collections::BTreeMap;

use crate::definition::{COMPONENTS, FitSource};
use crate::error::{Code, Error};
use crate::expr::Data;
use crate::expr::types::{ACCOUNT, Field, Range, Ty};
use crate::score::{
    CapTotals, ComponentScore, Ignored, ScoreModel, composite, decay_factor, normalize,
};

/// One per-account column.
#[derive(Debug, Clone, PartialEq)]
pub enum Column {
    /// Numbers, or timestamps as milliseconds since the epoch; NaN is null.
    Numbers(Vec<f64>),
    /// Booleans: 0 is false, 1 is true, anything else null.
    Bools(Vec<u8>),
    /// Strings, dictionary-encoded: row `r` holds `values[codes[r]]`; a code past the end of
    /// `values` (such as `u32::MAX`) is null.
    Strings {
        /// Per row, an index into `values`.
        codes: Vec<u32>,
        /// The distinct strings.
        values: Vec<String>,
    },
    /// A list of strings per row (`firmographics.techStack`), flattened: row `r` holds
    /// `values[codes[k]]` for `k` in `offsets[r]..offsets[r + 1]` (`offsets` has one entry more
    /// than there are rows); codes past the end of `values` are skipped.
    StringLists {
        /// Where each row's codes start, and one past the last row's end.
        offsets: Vec<u32>,
        /// Indexes into `values`.
        codes: Vec<u32>,
        /// The distinct strings.
        values: Vec<String>,
    },
}

impl Column {
    /// The column as compiled criteria read it.
    pub(crate) fn source(&self) -> crate::expr::columnar::Source<'_> {
        use crate::expr::columnar::Source;
        match self {
            Column::Numbers(v) => Source::Numbers(v),
            Column::Bools(v) => Source::Flags(v),
            Column::Strings { codes, values } => Source::Strings { codes, values },
            Column::StringLists {
                offsets,
                codes,
                values,
            } => Source::Lists {
                offsets,
                codes,
                values,
            },
        }
    }

    fn len(&self) -> usize {
        match self {
            Column::Numbers(v) => v.len(),
            Column::Bools(v) => v.len(),
            Column::Strings { codes, .. } => codes.len(),
            Column::StringLists { offsets, .. } => offsets.len().saturating_sub(1),
        }
    }

    /// A list-of-strings column from one list per row.
    pub fn string_lists<S: AsRef<str>>(rows: &[Vec<S>]) -> Column {
        let mut index: BTreeMap<String, u32> = BTreeMap::new();
        let mut values = Vec::new();
        let mut offsets = Vec::with_capacity(rows.len() + 1);
        let mut codes = Vec::new();
        offsets.push(0);
        for row in rows {
            for item in row {
                let item = item.as_ref();
                let code = match index.get(item) {
                    Some(&code) => code,
                    None => {
                        values.push(item.to_string());
                        let code = (values.len() - 1) as u32;
                        index.insert(item.to_string(), code);
                        code
                    }
                };
                codes.push(code);
            }
            offsets.push(codes.len() as u32);
        }
        Column::StringLists {
            offsets,
            codes,
            values,
        }
    }
}

/// Accounts as columns: `len` rows, fields by their path in the account context
/// (`"firmographics.employees"`, `"score.fit"`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AccountColumns {
    /// How many accounts.
    pub len: usize,
    /// Columns by field path.
    pub fields: Vec<(String, Column)>,
}

/// Every account's signals as parallel arrays, in any order (each account's signals keep
/// their relative order).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SignalColumns {
    /// The row of the account each signal belongs to.
    pub account: Vec<u32>,
    /// The signal type, an index into `kinds`.
    pub kind: Vec<u32>,
    /// The distinct signal types.
    pub kinds: Vec<String>,
    /// When, in milliseconds since the epoch (whole milliseconds).
    pub at: Vec<f64>,
    /// Strength (0–100) per signal; NaN: none.
    pub strength: Option<Vec<f64>>,
    /// A number per signal (active users, an amount) for types scored by value; NaN: none.
    pub value: Option<Vec<f64>>,
    /// The contact per signal, an index into `contacts`; past the end (`u32::MAX`): none.
    /// In columns every contact named counts as one of the account's contacts.
    pub contact: Option<Vec<u32>>,
    /// The distinct contact ids.
    pub contacts: Vec<String>,
}

/// One row's error.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RowError {
    /// The account's row.
    pub row: usize,
    /// Stable error code.
    pub code: Code,
    /// Where: a column and index, as a JSON pointer (`/signals/strength/17`,
    /// `/fields/firmographics.employees/3`), or a fit rule's path.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

/// Scores of a batch: per row, the composite and each component's normalised value (0–100,
/// what criteria read as `score.<component>`); NaN where unknown or where the row failed.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchScores {
    /// The composite per row.
    pub composite: Vec<f64>,
    /// Each component (fit, intent, engagement, usage, relationship) per row.
    pub components: Vec<(&'static str, Vec<f64>)>,
    /// One entry per failed row, in row order.
    pub errors: Vec<RowError>,
    /// Signals not counted, over the whole batch.
    pub ignored: Ignored,
}

/// A column resolved against the schema: where it goes in the account context.
pub(crate) struct Resolved<'c> {
    pub(crate) path: Vec<usize>,
    pub(crate) field: &'static Field,
    pub(crate) name: &'c str,
    pub(crate) column: &'c Column,
}

fn invalid(message: String) -> Error {
    Error::new(Code::InvalidArgument, "", message)
}

/// The batch's columns resolved against the schema; `limit-exceeded` over [`MAX_BATCH_ROWS`].
pub(crate) fn resolve(columns: &AccountColumns) -> Result<Vec<Resolved<'_>>, Error> {
    let rows = columns.len;
    if rows > MAX_BATCH_ROWS {
        return Err(Error::new(
            Code::LimitExceeded,
            "/length",
            format!("{rows} accounts in one batch; the limit is {MAX_BATCH_ROWS}: split it"),
        ));
    }
    let mut out = Vec::with_capacity(columns.fields.len());
    for (name, column) in &columns.fields {
        let mut fields: &'static [Field] = ACCOUNT;
        let mut path = Vec::new();
        let mut found = None;
        for part in name.split('.') {
            let (i, field) = fields
                .iter()
                .enumerate()
                .find(|(_, f)| f.name == part)
                .ok_or_else(|| {
                    invalid(format!(
                        "column \"{name}\": the account context has no field \"{part}\" there"
                    ))
                })?;
            path.push(i);
            found = Some(field);
            if let Ty::Object(inner) = field.ty {
                fields = inner;
            }
        }
        let field = found.ok_or_else(|| invalid("a column needs a field path".to_string()))?;
        if path == [crate::expr::types::layout().as_of] {
            return Err(invalid(
                "column \"asOf\": the date is the call's asOf, not a column".to_string(),
            ));
        }
        let fits = matches!(
            (field.ty, column),
            (Ty::Number | Ty::Timestamp, Column::Numbers(_))
                | (Ty::Bool, Column::Bools(_))
                | (Ty::String, Column::Strings { .. })
                | (Ty::List(Ty::String), Column::StringLists { .. })
        );
        if !fits {
            return Err(invalid(format!(
                "column \"{name}\" ({}) does not fit the field, a {}",
                match column {
                    Column::Numbers(_) => "numbers",
                    Column::Bools(_) => "booleans",
                    Column::Strings { .. } => "strings",
                    Column::StringLists { .. } => "lists of strings",
                },
                field.ty
            )));
        }
        if column.len() != columns.len {
            return Err(invalid(format!(
                "column \"{name}\" has {} rows, the batch {}",
                column.len(),
                columns.len
            )));
        }
        out.push(Resolved {
            path,
            field,
            name,
            column,
        });
    }
    Ok(out)
}

/// The value of a column at a row, or a row error.
pub(crate) fn cell(c: &Resolved<'_>, row: usize) -> Result<Data, RowError> {
    let bad = |message: String| RowError {
        row,
        code: Code::InvalidValue,
        path: format!("/fields/{}/{row}", c.name),
        message,
    };
    Ok(match c.column {
        Column::Numbers(v) => match v.get(row).copied() {
            Some(n) if n.is_nan() => Data::Null,
            Some(n) if c.field.ty == Ty::Timestamp => {
                if n.fract() != 0.0
                    || !(crate::expr::MIN_TIMESTAMP_MS as f64
                        ..=crate::expr::MAX_TIMESTAMP_MS as f64)
                        .contains(&n)
                {
                    return Err(bad(format!(
                        "{} is not a timestamp in whole milliseconds",
                        crate::expr::data::number_exact(n)
                    )));
                }
                Data::Timestamp(n as i64)
            }
            Some(n) if !c.field.range.contains(n) => {
                return Err(bad(format!(
                    "{} is out of range: {} is {}",
                    crate::expr::data::number_exact(n),
                    c.field.name,
                    c.field.range.describe()
                )));
            }
            Some(n) => Data::Number(n),
            None => Data::Null,
        },
        Column::Bools(v) => match v.get(row) {
            Some(0) => Data::Bool(false),
            Some(1) => Data::Bool(true),
            _ => Data::Null,
        },
        Column::Strings { codes, values } => codes
            .get(row)
            .and_then(|&code| values.get(code as usize))
            .map_or(Data::Null, |s| Data::String(s.as_str().into())),
        Column::StringLists {
            offsets,
            codes,
            values,
        } => {
            let from = offsets.get(row).copied().unwrap_or(0) as usize;
            let to = offsets.get(row + 1).copied().unwrap_or(0) as usize;
            Data::List(
                codes
                    .get(from..to)
                    .unwrap_or(&[])
                    .iter()
                    .filter_map(|&code| values.get(code as usize))
                    .map(|s| Data::String(s.as_str().into()))
                    .collect(),
            )
        }
    })
}

/// Most accounts in one batch: results take 48 bytes an account, so this bounds a batch's
/// output at ~480 MB, under wasm's 4 GB, whatever `length` a caller claims.
pub const MAX_BATCH_ROWS: usize = 10_000_000;

/// Most verdicts one fit rule remembers per batch.
const MEMO_ENTRIES: usize = 4096;

/// Which rule a plan evaluates: a fit rule, or a component rule, by position.
#[derive(Clone, Copy)]
enum Target {
    Fit(usize),
    Rule(usize),
}

/// How one fit or component rule is evaluated over a batch: the columns it reads, and, when
/// they are at most two scalar columns, the verdicts already computed by the values of those
/// columns — a rule's verdict depends on nothing else (the rest of the context is the same for
/// every row).
struct RulePlan {
    target: Target,
    component: usize,
    points: f64,
    /// The rule compiled against the batch's columns, when it compiles: then neither the
    /// memo nor the context is needed.
    program: Option<crate::expr::columnar::Program>,
    /// Whether the rule reads the account's signals (then its context gets the row's signals,
    /// and its verdict is not remembered by column values).
    reads_signals: bool,
    columns: Vec<usize>,
    memo: Option<BTreeMap<[u64; 2], Option<bool>>>,
}

impl RulePlan {
    fn new(
        criterion: &crate::expr::Expression,
        target: Target,
        component: usize,
        points: f64,
        columns: &[Resolved<'_>],
    ) -> RulePlan {
        let reads = |c: &Resolved<'_>| {
            criterion
                .root_paths()
                .iter()
                .any(|p| c.path.starts_with(p) || p.starts_with(&c.path))
        };
        let read: Vec<usize> = (0..columns.len())
            .filter(|&i| columns.get(i).is_some_and(reads))
            .collect();
        let scalar = read.iter().all(|&i| {
            columns
                .get(i)
                .is_some_and(|c| !matches!(c.column, Column::StringLists { .. }))
        });
        let signals = [crate::expr::types::layout().signals];
        let reads_signals = criterion.root_paths().iter().any(|p| **p == signals);
        RulePlan {
            target,
            component,
            points,
            program: None,
            reads_signals,
            memo: (read.len() <= 2 && scalar && !reads_signals).then(BTreeMap::new),
            columns: read,
        }
    }

    /// The identity of this row's values in the columns the rule reads.
    fn key(&self, columns: &[Resolved<'_>], row: usize) -> Option<[u64; 2]> {
        let mut key = [u64::MAX; 2];
        for (slot, &c) in key.iter_mut().zip(&self.columns) {
            *slot = match &columns.get(c)?.column {
                Column::Numbers(v) => {
                    let n = *v.get(row)?;
                    if n.is_nan() {
                        f64::NAN.to_bits()
                    } else {
                        n.to_bits()
                    }
                }
                Column::Bools(v) => u64::from(*v.get(row)?).min(2),
                Column::Strings { codes, values } => {
                    let code = *codes.get(row)?;
                    if (code as usize) < values.len() {
                        u64::from(code)
                    } else {
                        u64::MAX - 1
                    }
                }
                Column::StringLists { .. } => return None,
            };
        }
        Some(key)
    }
}

/// What is wrong with a signal of `row` (at `index` in the input), if anything: a time that is
/// not whole milliseconds in range, a strength outside 0–100, a negative value.
pub(crate) fn signal_error(
    row: usize,
    index: usize,
    at: f64,
    strength: Option<f64>,
    value: Option<f64>,
) -> Option<RowError> {
    let error = |field: &str, message: String| {
        Some(RowError {
            row,
            code: Code::InvalidValue,
            path: format!("/signals/{field}/{index}"),
            message,
        })
    };
    let whole = at as i64;
    if whole as f64 != at
        || !(crate::expr::MIN_TIMESTAMP_MS..=crate::expr::MAX_TIMESTAMP_MS).contains(&whole)
    {
        return error(
            "at",
            format!(
                "{} is not a timestamp in whole milliseconds",
                crate::expr::data::number_exact(at)
            ),
        );
    }
    if let Some(s) = strength.filter(|s| !Range::Percent.contains(*s)) {
        let s = crate::expr::data::number_exact(s);
        return error(
            "strength",
            format!("{s} is out of range: strength is from 0 to 100"),
        );
    }
    // A value, like a count, is 0 or more and finite (NaN: none).
    if let Some(v) = value.filter(|v| !Range::NonNegative.contains(*v)) {
        let v = crate::expr::data::number_exact(v);
        return error("value", format!("{v} is out of range: value is 0 or more"));
    }
    None
}

/// A rule's verdict added to the row's sums as the ledger adds it: a rule that holds adds its
/// points, an unknown one 0, one that does not hold nothing at all (-0.0 + 0.0 would flip a
/// sign); a fit rule decided makes fit known.
fn add_verdict(plan: &RulePlan, verdict: Option<bool>, fit_known: &mut bool, sums: &mut [f64; 5]) {
    if matches!(plan.target, Target::Fit(_)) && verdict.is_some() {
        *fit_known = true;
    }
    let add = match verdict {
        Some(true) => Some(plan.points),
        None => Some(0.0),
        Some(false) => None,
    };
    if let (Some(sum), Some(add)) = (sums.get_mut(plan.component), add) {
        *sum += add;
    }
}

/// A row's number that is out of its field's range, or not a whole-millisecond timestamp.
pub(crate) fn check_cell(c: &Resolved<'_>, row: usize) -> Result<(), RowError> {
    match c.column {
        Column::Numbers(_) => cell(c, row).map(|_| ()),
        _ => Ok(()),
    }
}

/// `column` in the order `order` gives (borrowed as is when there is no order to apply).
pub(crate) fn in_order<'c, T: Copy>(
    column: &'c [T],
    order: Option<&[u32]>,
    missing: T,
) -> std::borrow::Cow<'c, [T]> {
    match order {
        None => std::borrow::Cow::Borrowed(column),
        Some(order) => order
            .iter()
            .map(|&i| column.get(i as usize).copied().unwrap_or(missing))
            .collect(),
    }
}

/// A signal type of the batch's dictionary, as the scoring loop needs it.
struct Kind<'m> {
    /// Its scoring rule and the component's position; `None` when the model does not score it.
    rule: Option<(&'m crate::definition::SignalPoints, usize)>,
    /// Whether the model does not know the type at all (counted in `ignored.unknownTypes`).
    unscored: bool,
    /// The first code with the same name: caps count per type, not per code.
    canonical: u32,
}

/// For each dictionary code, the first code with the same string.
fn canonical(values: &[String]) -> Vec<u32> {
    let mut first: BTreeMap<&str, u32> = BTreeMap::new();
    values
        .iter()
        .enumerate()
        .map(|(i, v)| *first.entry(v.as_str()).or_insert(i as u32))
        .collect()
}

/// Each account's signals, in input order: positions `offsets[r]..offsets[r + 1]` of `order`,
/// or of the signals themselves when they come sorted by account (`order` is then `None`).
pub(crate) fn group(
    signals: &SignalColumns,
    rows: usize,
) -> Result<(Vec<usize>, Option<Vec<u32>>), Error> {
    let n = signals.account.len();
    let lengths = [
        ("kind", signals.kind.len()),
        ("at", signals.at.len()),
        ("strength", signals.strength.as_ref().map_or(n, Vec::len)),
        ("value", signals.value.as_ref().map_or(n, Vec::len)),
        ("contact", signals.contact.as_ref().map_or(n, Vec::len)),
    ];
    if let Some((name, len)) = lengths.iter().find(|(_, len)| *len != n) {
        return Err(invalid(format!(
            "signals.{name} has {len} entries, signals.account {n}"
        )));
    }
    let mut offsets = vec![0usize; rows + 1];
    for (i, &account) in signals.account.iter().enumerate() {
        let slot = offsets.get_mut(account as usize + 1).ok_or_else(|| {
            invalid(format!(
                "signals.account[{i}] is {account}, but the batch has {rows} accounts"
            ))
        })?;
        *slot += 1;
    }
    for r in 0..rows {
        let before = offsets.get(r).copied().unwrap_or(0);
        if let Some(slot) = offsets.get_mut(r + 1) {
            *slot += before;
        }
    }
    if signals.account.windows(2).all(|w| w.first() <= w.get(1)) {
        return Ok((offsets, None));
    }
    let mut next = offsets.clone();
    let mut order = vec![0u32; n];
    for (i, &account) in signals.account.iter().enumerate() {
        if let Some(pos) = next.get_mut(account as usize)
            && let Some(slot) = order.get_mut(*pos)
        {
            *slot = i as u32;
            *pos += 1;
        }
    }
    Ok((offsets, Some(order)))
}

impl ScoreModel {
    /// Scores every account of a batch as of `as_of` (milliseconds since the epoch).
    ///
    /// # Errors
    /// `invalid-argument` when the batch is malformed as a whole: columns of different lengths,
    /// a column for a field the account context does not have or of the wrong kind, a signal
    /// whose account row is out of range. Problems of one row (a strength out of range, a
    /// timestamp that is not whole milliseconds, a fit rule failing) are that row's error in
    /// [`BatchScores::errors`].
    pub fn score_columns(
        &self,
        accounts: &AccountColumns,
        signals: &SignalColumns,
        as_of: i64,
    ) -> Result<BatchScores, Error> {
        let rows = accounts.len;
        let columns = resolve(accounts)?;
        let (offsets, order) = group(signals, rows)?;
        let scoring = self.scoring();
        // A dictionary may list one string twice: caps and roll-ups go by the first code.
        let kind_code = canonical(&signals.kinds);
        let contact_code = canonical(&signals.contacts);
        // Per signal type code, everything the loop needs, looked up once.
        let kinds: Vec<Kind<'_>> = signals
            .kinds
            .iter()
            .zip(&kind_code)
            .map(|(name, &canonical)| {
                let rule = scoring.signals.get(name).and_then(|rule| {
                    let c = COMPONENTS.iter().position(|c| *c == rule.component)?;
                    Some((rule, c))
                });
                Kind {
                    rule,
                    unscored: !scoring.signals.contains_key(name),
                    canonical,
                }
            })
            .collect();
        // The signal columns in account order (borrowed when they come so).
        let order_ref = order.as_deref();
        let sorted_kind = in_order(&signals.kind, order_ref, u32::MAX);
        let sorted_at = in_order(&signals.at, order_ref, f64::NAN);
        let sorted_strength =
            (signals.strength.as_deref()).map(|s| in_order(s, order_ref, f64::NAN));
        let sorted_value = (signals.value.as_deref()).map(|v| in_order(v, order_ref, f64::NAN));
        let sorted_contact = (signals.contact.as_deref()).map(|c| in_order(c, order_ref, u32::MAX));
        let caps: Vec<f64> = COMPONENTS.iter().map(|c| self.cap(c)).collect();
        let contact_caps: Vec<Option<f64>> = COMPONENTS
            .iter()
            .map(|c| scoring.contact_caps.get(*c).copied())
            .collect();
        let weights: Vec<f64> = COMPONENTS
            .iter()
            .map(|c| scoring.weights.get(*c).copied().unwrap_or(0.0))
            .collect();
        let fit_index = 0;
        let uses_rules = scoring.fit_source == FitSource::Rules && !scoring.fit.is_empty();
        let imported = match scoring.fit_source {
            FitSource::Imported => columns.iter().find(|c| c.name == "score.fit"),
            FitSource::Rules => None,
        };
        let mut template = Data::Object(ACCOUNT.iter().map(crate::expr::data::absent).collect());
        crate::expr::data::set_path(&mut template, &[0], Data::Timestamp(as_of));
        let fit_plans = self
            .fit_criteria()
            .iter()
            .zip(&scoring.fit)
            .enumerate()
            .filter(|_| uses_rules)
            .map(|(i, (criterion, rule))| {
                RulePlan::new(criterion, Target::Fit(i), fit_index, rule.points, &columns)
            });
        let rule_plans = self
            .rule_criteria()
            .iter()
            .zip(&scoring.rules)
            .enumerate()
            .filter_map(|(i, (criterion, rule))| {
                let component = COMPONENTS.iter().position(|c| *c == rule.component)?;
                Some(RulePlan::new(
                    criterion,
                    Target::Rule(i),
                    component,
                    rule.points,
                    &columns,
                ))
            });
        let mut plans: Vec<RulePlan> = fit_plans.chain(rule_plans).collect();
        let view = crate::expr::columnar::Batch {
            sources: columns
                .iter()
                .map(|c| (c.path.as_slice(), c.column.source()))
                .collect(),
            signals: crate::expr::columnar::Signals {
                offsets: &offsets,
                kind: &sorted_kind,
                kinds: &signals.kinds,
                at: &sorted_at,
                strength: sorted_strength.as_deref(),
                value: sorted_value.as_deref(),
                contact: sorted_contact.as_deref(),
                contacts: &signals.contacts,
            },
            as_of,
            live: [f64::NAN; 6],
        };
        for plan in &mut plans {
            let criterion = match plan.target {
                Target::Fit(i) => self.fit_criteria().get(i),
                Target::Rule(i) => self.rule_criteria().get(i),
            };
            plan.program =
                criterion.and_then(|c| crate::expr::columnar::Program::compile(c, &view));
        }
        let mut written = vec![false; if plans.is_empty() { 0 } else { columns.len() }];
        // The row whose signals the context holds (rules reading signals write them).
        let mut signals_in_template: Option<usize> = None;
        let l = crate::expr::types::layout();

        let mut out = BatchScores {
            composite: vec![f64::NAN; rows],
            components: COMPONENTS
                .iter()
                .map(|c| (*c, vec![f64::NAN; rows]))
                .collect(),
            errors: Vec::new(),
            ignored: Ignored::default(),
        };
        let mut unknown_counts = vec![0usize; signals.kinds.len()];
        let mut totals: CapTotals<u32, u32> = CapTotals::default();
        for row in 0..rows {
            let from = offsets.get(row).copied().unwrap_or(0);
            let to = offsets.get(row + 1).copied().unwrap_or(from);
            let mut sums = [0.0f64; 5];
            totals.clear();
            let mut failed = None;
            let kinds_of_row = sorted_kind.get(from..to).unwrap_or(&[]);
            let at_of_row = sorted_at.get(from..to).unwrap_or(&[]);
            let strength_of_row = sorted_strength.as_ref().and_then(|s| s.get(from..to));
            let value_of_row = sorted_value.as_ref().and_then(|v| v.get(from..to));
            let contact_of_row = sorted_contact.as_ref().and_then(|c| c.get(from..to));
            for (j, (&code, &at)) in kinds_of_row.iter().zip(at_of_row).enumerate() {
                // The signal's index in the input, for error paths.
                let input_index = |j: usize| match &order {
                    Some(order) => order.get(from + j).map_or(from + j, |&i| i as usize),
                    None => from + j,
                };
                let strength = strength_of_row
                    .and_then(|s| s.get(j).copied())
                    .filter(|s| !s.is_nan());
                let value = value_of_row
                    .and_then(|v| v.get(j).copied())
                    .filter(|v| !v.is_nan());
                if let Some(e) = signal_error(row, input_index(j), at, strength, value) {
                    failed = Some(e);
                    break;
                }
                let whole = at as i64;
                if whole > as_of {
                    out.ignored.after_as_of += 1;
                    continue;
                }
                let Some(kind) = kinds.get(code as usize) else {
                    continue;
                };
                let Some((rule, c)) = kind.rule else {
                    if kind.unscored
                        && let Some(n) = unknown_counts.get_mut(code as usize)
                    {
                        *n += 1;
                    }
                    continue;
                };
                let strength = match (rule.by_strength, strength) {
                    (false, _) => 1.0,
                    (true, Some(s)) => s / 100.0,
                    (true, None) => {
                        out.ignored.missing_strength += 1;
                        continue;
                    }
                };
                let strength = match (rule.by_value, value) {
                    (false, _) => strength,
                    (true, Some(v)) => strength * v,
                    (true, None) => {
                        out.ignored.missing_value += 1;
                        continue;
                    }
                };
                // A contact code past the end of the dictionary is no contact.
                let contact_cap = match contact_caps.get(c).copied().flatten() {
                    Some(cap) => contact_of_row
                        .and_then(|c| c.get(j))
                        .and_then(|&code| contact_code.get(code as usize))
                        .map(|&id| (id, c, cap)),
                    None => None,
                };
                let factor = decay_factor(rule.decay, as_of - whole) * strength;
                let (points, _) =
                    totals.clip(rule.points * factor, kind.canonical, rule.cap, contact_cap);
                if let Some(sum) = sums.get_mut(c) {
                    *sum += points;
                }
            }
            // Out-of-range numbers are the row's error whether or not a rule reads them.
            if failed.is_none()
                && let Some(e) = columns.iter().find_map(|c| check_cell(c, row).err())
            {
                failed = Some(e);
            }
            // Fit: the imported score, or the fit rules (plans first, in order), then the
            // component rules — the ledger's order, so sums are the same bits.
            let mut fit_known = !uses_rules;
            if failed.is_none()
                && let Some(column) = imported
            {
                match cell(column, row) {
                    Ok(Data::Number(n)) => {
                        fit_known = true;
                        if let (Some(sum), Some(cap)) = (sums.get_mut(fit_index), caps.first()) {
                            *sum += n * cap / 100.0;
                        }
                    }
                    Ok(_) => fit_known = false,
                    Err(e) => failed = Some(e),
                }
            } else if scoring.fit_source == FitSource::Imported {
                fit_known = false;
            }
            // One context reused: a column is written into it when a rule needs it. A column
            // not written this row may hold an older row's value: no rule reads it (each rule's
            // columns are written before it is evaluated, or it is answered from the memo).
            written.iter_mut().for_each(|w| *w = false);
            for plan in plans.iter_mut() {
                if failed.is_some() {
                    break;
                }
                if let Some(program) = &plan.program
                    && !program.may_exceed_steps(&view, row)
                {
                    let verdict = if program.reads_only_missing(&view, row) {
                        None
                    } else {
                        program.evaluate(&view, row)
                    };
                    add_verdict(plan, verdict, &mut fit_known, &mut sums);
                    continue;
                }
                let key = plan.memo.as_ref().and_then(|_| plan.key(&columns, row));
                let cached = key.and_then(|k| plan.memo.as_ref()?.get(&k).copied());
                let verdict = match cached {
                    Some(verdict) => verdict,
                    None => {
                        for &c in &plan.columns {
                            if written.get(c) == Some(&false)
                                && let Some(column) = columns.get(c)
                            {
                                match cell(column, row) {
                                    Ok(value) => crate::expr::data::set_path(
                                        &mut template,
                                        &column.path,
                                        value,
                                    ),
                                    Err(e) => failed = Some(e),
                                }
                                if let Some(w) = written.get_mut(c) {
                                    *w = true;
                                }
                            }
                        }
                        if failed.is_some() {
                            break;
                        }
                        if plan.reads_signals && signals_in_template != Some(row) {
                            signals_in_template = Some(row);
                            let list = Data::List(signal_data(&view.signals, row));
                            crate::expr::data::set_path(&mut template, &[l.signals], list);
                        }
                        let evaluated = match plan.target {
                            Target::Fit(i) => self.fit_verdict(i, &template),
                            Target::Rule(i) => self.rule_verdict(i, &template),
                        };
                        match evaluated {
                            Ok(verdict) => {
                                if let (Some(memo), Some(k)) = (plan.memo.as_mut(), key)
                                    && memo.len() < MEMO_ENTRIES
                                {
                                    memo.insert(k, verdict);
                                }
                                verdict
                            }
                            Err(e) => {
                                let e = Error::from(e);
                                failed = Some(RowError {
                                    row,
                                    code: e.code(),
                                    path: e.path().to_string(),
                                    message: e.message().to_string(),
                                });
                                break;
                            }
                        }
                    }
                };
                add_verdict(plan, verdict, &mut fit_known, &mut sums);
            }
            if let Some(error) = failed {
                out.errors.push(error);
                continue;
            }
            let mut components: [ComponentScore; 5] = std::array::from_fn(|c| {
                let component = COMPONENTS.get(c).copied().unwrap_or("fit");
                let cap = caps.get(c).copied().unwrap_or(crate::score::DEFAULT_CAP);
                let sum = sums.get(c).copied().unwrap_or(0.0);
                let unknown = c == fit_index && !fit_known;
                let value = (!unknown).then_some(crate::score::clamp(sum, 0.0, cap));
                ComponentScore {
                    component,
                    value,
                    cap,
                    normalized: value.map(|v| normalize(v, cap)),
                    weight: weights.get(c).copied().unwrap_or(0.0),
                }
            });
            if let Some(slot) = out.composite.get_mut(row) {
                *slot = composite(&components).unwrap_or(f64::NAN);
            }
            for (c, (_, column)) in components.iter_mut().zip(&mut out.components) {
                if let Some(slot) = column.get_mut(row) {
                    *slot = c.normalized.unwrap_or(f64::NAN);
                }
            }
        }
        for (kind, n) in signals.kinds.iter().zip(&unknown_counts) {
            if *n > 0 {
                *out.ignored.unknown_types.entry(kind.clone()).or_default() += n;
            }
        }
        Ok(out)
    }
}

/// A row's signals as the account context holds them.
pub(crate) fn signal_data(s: &crate::expr::columnar::Signals<'_>, row: usize) -> Vec<Data> {
    let l = crate::expr::types::layout();
    let from = s.offsets.get(row).copied().unwrap_or(0);
    let to = s.offsets.get(row + 1).copied().unwrap_or(from);
    let text = |values: &[String], code: Option<&u32>| {
        code.and_then(|&c| values.get(c as usize))
            .map_or(Data::Null, |v| Data::String(v.as_str().into()))
    };
    let number = |v: Option<&[f64]>, j: usize| {
        v.and_then(|v| v.get(j))
            .copied()
            .filter(|x| !x.is_nan())
            .map_or(Data::Null, Data::Number)
    };
    let width = signal_width();
    (from..to)
        .map(|j| {
            let mut fields = vec![Data::Null; width];
            let mut put = |i: usize, value: Data| {
                if let Some(slot) = fields.get_mut(i) {
                    *slot = value;
                }
            };
            put(l.signal_type, text(s.kinds, s.kind.get(j)));
            let at = s.at.get(j).copied().unwrap_or(0.0) as i64;
            put(l.signal_at, Data::Timestamp(at));
            put(l.signal_strength, number(s.strength, j));
            put(l.signal_value, number(s.value, j));
            put(
                l.signal_contact,
                text(s.contacts, s.contact.and_then(|c| c.get(j))),
            );
            Data::Object(fields)
        })
        .collect()
}

/// How many fields a signal has in the schema.
fn signal_width() -> usize {
    match Ty::Object(ACCOUNT).field("signals").map(|(_, f)| f.ty) {
        Some(Ty::List(Ty::Object(fields))) => fields.len(),
        _ => 0,
    }
}
