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
    /// A list of strings per row (`firmographics.techStack`).
    StringLists(Vec<Vec<String>>),
}

impl Column {
    fn len(&self) -> usize {
        match self {
            Column::Numbers(v) => v.len(),
            Column::Bools(v) => v.len(),
            Column::Strings { codes, .. } => codes.len(),
            Column::StringLists(v) => v.len(),
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
struct Resolved<'c> {
    path: Vec<usize>,
    field: &'static Field,
    name: &'c str,
    column: &'c Column,
}

fn invalid(message: String) -> Error {
    Error::new(Code::InvalidArgument, "", message)
}

fn resolve(columns: &AccountColumns) -> Result<Vec<Resolved<'_>>, Error> {
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
        let fits = matches!(
            (field.ty, column),
            (Ty::Number | Ty::Timestamp, Column::Numbers(_))
                | (Ty::Bool, Column::Bools(_))
                | (Ty::String, Column::Strings { .. })
                | (Ty::List(Ty::String), Column::StringLists(_))
        );
        if !fits {
            return Err(invalid(format!(
                "column \"{name}\" ({}) does not fit the field, a {}",
                match column {
                    Column::Numbers(_) => "numbers",
                    Column::Bools(_) => "booleans",
                    Column::Strings { .. } => "strings",
                    Column::StringLists(_) => "lists of strings",
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
fn cell(c: &Resolved<'_>, row: usize) -> Result<Data, RowError> {
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
                    return Err(bad(format!("{n} is not a timestamp in whole milliseconds")));
                }
                Data::Timestamp(n as i64)
            }
            Some(n) if !c.field.range.contains(n) => {
                return Err(bad(format!(
                    "{} is out of range: {} is {}",
                    crate::expr::data::number_text(n),
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
        Column::StringLists(v) => Data::List(
            v.get(row)
                .map(|items| {
                    items
                        .iter()
                        .map(|s| Data::String(s.as_str().into()))
                        .collect()
                })
                .unwrap_or_default(),
        ),
    })
}

fn set(account: &mut Data, path: &[usize], value: Data) {
    let mut slot = account;
    for &i in path {
        let Data::Object(fields) = slot else { return };
        let Some(next) = fields.get_mut(i) else {
            return;
        };
        slot = next;
    }
    *slot = value;
}

/// Each account's signals, in input order: `order[offsets[r]..offsets[r + 1]]`.
fn group(signals: &SignalColumns, rows: usize) -> Result<(Vec<usize>, Vec<u32>), Error> {
    let n = signals.account.len();
    let lengths = [
        ("kind", signals.kind.len()),
        ("at", signals.at.len()),
        ("strength", signals.strength.as_ref().map_or(n, Vec::len)),
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
    Ok((offsets, order))
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
        // Per signal type: its rule and component position, looked up once.
        let rules: Vec<Option<(&crate::definition::SignalPoints, usize)>> = signals
            .kinds
            .iter()
            .map(|kind| {
                let rule = scoring.signals.get(kind)?;
                let c = COMPONENTS.iter().position(|c| *c == rule.component)?;
                Some((rule, c))
            })
            .collect();
        let unscored: Vec<bool> = signals
            .kinds
            .iter()
            .map(|kind| !scoring.signals.contains_key(kind))
            .collect();
        let caps: Vec<f64> = COMPONENTS.iter().map(|c| self.cap(c)).collect();
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
        set(&mut template, &[0], Data::Timestamp(as_of));

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
        for row in 0..rows {
            let from = offsets.get(row).copied().unwrap_or(0);
            let to = offsets.get(row + 1).copied().unwrap_or(from);
            let mut sums = [0.0f64; 5];
            let mut totals = CapTotals::default();
            let mut failed = None;
            for &i in order.get(from..to).unwrap_or(&[]) {
                let i = i as usize;
                let (Some(&code), Some(&at)) = (signals.kind.get(i), signals.at.get(i)) else {
                    continue;
                };
                if at.fract() != 0.0
                    || !(crate::expr::MIN_TIMESTAMP_MS as f64
                        ..=crate::expr::MAX_TIMESTAMP_MS as f64)
                        .contains(&at)
                {
                    failed = Some(RowError {
                        row,
                        code: Code::InvalidValue,
                        path: format!("/signals/at/{i}"),
                        message: format!("{at} is not a timestamp in whole milliseconds"),
                    });
                    break;
                }
                let strength = signals
                    .strength
                    .as_ref()
                    .and_then(|s| s.get(i).copied())
                    .filter(|s| !s.is_nan());
                if let Some(s) = strength.filter(|s| !Range::Percent.contains(*s)) {
                    failed = Some(RowError {
                        row,
                        code: Code::InvalidValue,
                        path: format!("/signals/strength/{i}"),
                        message: format!(
                            "{} is out of range: strength is from 0 to 100",
                            crate::expr::data::number_text(s)
                        ),
                    });
                    break;
                }
                let at = at as i64;
                if at > as_of {
                    out.ignored.after_as_of += 1;
                    continue;
                }
                let Some(Some((rule, c))) = rules.get(code as usize) else {
                    if unscored.get(code as usize) == Some(&true)
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
                let component = COMPONENTS.get(*c).copied().unwrap_or("fit");
                let contact = signals
                    .contact
                    .as_ref()
                    .and_then(|codes| codes.get(i))
                    .and_then(|&code| signals.contacts.get(code as usize))
                    .map(String::as_str);
                let contact_cap = contact.and_then(|id| {
                    let cap = scoring.contact_caps.get(component)?;
                    Some((id, component, *cap))
                });
                let kind = signals.kinds.get(code as usize).map_or("", String::as_str);
                let factor = decay_factor(rule.decay, as_of - at) * strength;
                let (points, _) = totals.clip(rule.points * factor, kind, rule.cap, contact_cap);
                if let Some(sum) = sums.get_mut(*c) {
                    *sum += points;
                }
            }
            // Fit: the rules over this row's fields, or the imported score.
            let mut fit_known = !uses_rules;
            if failed.is_none() && uses_rules {
                let mut account = template.clone();
                for c in &columns {
                    match cell(c, row) {
                        Ok(value) => set(&mut account, &c.path, value),
                        Err(e) => {
                            failed = Some(e);
                            break;
                        }
                    }
                }
                if failed.is_none() {
                    let verdicts = self.fit_verdicts(&account, |_, base, verdict| {
                        if verdict.is_some() {
                            fit_known = true;
                        }
                        // As the ledger: a rule that holds adds its points, an unknown one 0,
                        // one that does not hold nothing at all (-0.0 + 0.0 would flip a sign).
                        if let (Some(sum), Some(add)) = (
                            sums.get_mut(fit_index),
                            match verdict {
                                Some(true) => Some(base),
                                None => Some(0.0),
                                Some(false) => None,
                            },
                        ) {
                            *sum += add;
                        }
                    });
                    if let Err(e) = verdicts {
                        let e = Error::from(e);
                        failed = Some(RowError {
                            row,
                            code: e.code(),
                            path: e.path().to_string(),
                            message: e.message().to_string(),
                        });
                    }
                }
            } else if failed.is_none()
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
            if let Some(error) = failed {
                out.errors.push(error);
                continue;
            }
            let mut components: [ComponentScore; 5] = std::array::from_fn(|c| {
                let component = COMPONENTS.get(c).copied().unwrap_or("fit");
                let cap = caps.get(c).copied().unwrap_or(crate::score::DEFAULT_CAP);
                let sum = sums.get(c).copied().unwrap_or(0.0);
                let unknown = c == fit_index && !fit_known;
                let value = (!unknown).then_some(sum.clamp(0.0, cap));
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
        out.ignored.unknown_types = signals
            .kinds
            .iter()
            .zip(&unknown_counts)
            .filter(|(_, n)| **n > 0)
            .map(|(k, n)| (k.clone(), *n))
            .collect::<BTreeMap<_, _>>();
        Ok(out)
    }
}
