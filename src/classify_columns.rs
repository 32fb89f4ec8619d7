//! Classifying many accounts at once from columns — the bulk path: per-account fields as typed
//! columns and the signals as parallel arrays (the shapes of `crate::batch`), one stage index
//! per row out, no explanation built.
//!
//! The stage is the one [`Journey::classify`] gives the same account: scores are computed as
//! `ScoreModel::score_columns` computes them (a score column given wins where it is not null,
//! as a score given in an account does), and criteria are compiled against the batch's columns
//! (`expr::columnar`) — those that read something columns cannot answer directly (arithmetic,
//! dates, required roles, rows too large for the evaluator's step limit) are evaluated on a
//! context built for the row, and then every stage is evaluated as `classify` does, so a row
//! fails with the error `classify` reports; a row whose data is invalid gets its error and no
//! stage. Owns neither the columns' reading (`crate::batch`) nor the
//! explanation of one account (`crate::classify`).

use crate::batch::{AccountColumns, BatchScores, Column, RowError, SignalColumns};
use crate::definition::COMPONENTS;
use crate::error::Error;
use crate::expr::Data;
use crate::expr::columnar::{Batch, Program, Signals, Source};
use crate::expr::types::{ACCOUNT, Ty};
use crate::score::Ignored;
use crate::{Journey, batch};

/// The stage of a row where no stage holds, or where the row failed.
pub const NO_STAGE: u16 = u16::MAX;

/// The stages of a batch.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchStages {
    /// Per row, the winning stage's position in the journey's `stages`; [`NO_STAGE`] when no
    /// stage holds or the row failed.
    pub stage: Vec<u16>,
    /// Per row, the composite score the criteria saw (NaN: unknown, or the row failed).
    pub composite: Vec<f64>,
    /// One entry per failed row, in row order.
    pub errors: Vec<RowError>,
    /// Signals the score did not count, over the whole batch.
    pub ignored: Ignored,
}

/// What a journey reads of an account, for callers that build columns (and for
/// `classifyMany(…, { explain: false })`, which builds them from plain objects).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FieldsRead {
    /// The account fields the criteria and the scoring rules read, as dotted paths
    /// (`firmographics.employees`), in schema order: give these as columns. Signals and
    /// contacts are not listed (signals are their own columns).
    pub fields: Vec<String>,
    /// Whether the answer depends on an account's contacts beyond the signals naming them: a
    /// criterion reads `contacts` or `buyingGroup`, or a stage requires roles.
    pub reads_contacts: bool,
    /// Whether a criterion may read a signal's `topic` (columns carry none).
    pub reads_signal_topic: bool,
}

/// How a criterion's verdict is found for the row at hand: stage, exit or entry, plan.
type Answer<'a> = dyn FnMut(usize, bool, &Plan) -> Result<Option<bool>, Error> + 'a;

/// How one criterion is answered over the batch.
enum Plan {
    /// The stage has no such criterion: unknown, it never holds (entry) or never exits (exit).
    Absent,
    Compiled(Program),
    /// Evaluated on the row's context.
    Context,
}

impl Journey {
    /// Classifies every account of a batch as of `as_of` (milliseconds since the epoch): the
    /// winning stage per row, as [`Journey::classify`] would give it, and the composite score
    /// the criteria saw. Columns carry no contacts, so the buying group is what columns give
    /// (`buyingGroup.engagedRoles`…), not computed.
    ///
    /// ```
    /// use account_journey::Journey;
    /// use account_journey::batch::{AccountColumns, Column, SignalColumns};
    /// let journey = Journey::embedded_default()?;
    /// let accounts = AccountColumns { len: 2, fields: vec![
    ///     ("firmographics.resolved".into(), Column::Bools(vec![1, 0])),
    ///     ("crm.salesAccepted".into(), Column::Bools(vec![1, 0])),
    /// ] };
    /// let out = journey.classify_columns(&accounts, &SignalColumns::default(), 1_795_305_600_000)?;
    /// let ids: Vec<&str> = out.stage.iter()
    ///     .map(|&s| journey.definition().stages[s as usize].id.as_str()).collect();
    /// assert_eq!(ids, ["saa", "anonymous"]);
    /// # Ok::<(), account_journey::Error>(())
    /// ```
    ///
    /// # Errors
    /// `invalid-argument` when the batch is malformed as a whole (as
    /// [`crate::score::ScoreModel::score_columns`]); `limit-exceeded` over
    /// [`batch::MAX_BATCH_ROWS`] rows. A row's bad value, or a criterion failing on a row, is
    /// that row's error in [`BatchStages::errors`].
    pub fn classify_columns(
        &self,
        accounts: &AccountColumns,
        signals: &SignalColumns,
        as_of: i64,
    ) -> Result<BatchStages, Error> {
        let rows = accounts.len;
        let columns = batch::resolve(accounts)?;
        let (offsets, order) = batch::group(signals, rows)?;
        let scores = match self.score_model() {
            Some(model) => model.score_columns(accounts, signals, as_of)?,
            None => validate(&columns, signals, &offsets, order.as_deref(), rows),
        };
        let order = order.as_deref();
        let kind = batch::in_order(&signals.kind, order, u32::MAX);
        let at = batch::in_order(&signals.at, order, f64::NAN);
        let strength = signals
            .strength
            .as_deref()
            .map(|s| batch::in_order(s, order, f64::NAN));
        let value = signals
            .value
            .as_deref()
            .map(|v| batch::in_order(v, order, f64::NAN));
        let contact = signals
            .contact
            .as_deref()
            .map(|c| batch::in_order(c, order, u32::MAX));
        // What criteria read as `score.*`: a column given, where not null, else the computed.
        let l = crate::expr::types::layout();
        let score_fields = ["composite"].iter().chain(COMPONENTS.iter());
        let score_values: Vec<(Vec<usize>, Vec<f64>)> = score_fields
            .map(|name| {
                let path = format!("score.{name}");
                let position = Ty::Object(ACCOUNT)
                    .field("score")
                    .and_then(|(_, f)| f.ty.field(name))
                    .map_or(0, |(j, _)| j);
                let computed = if *name == "composite" {
                    Some(&scores.composite)
                } else {
                    scores
                        .components
                        .iter()
                        .find(|(c, _)| c == name)
                        .map(|(_, v)| v)
                };
                let given = columns
                    .iter()
                    .find(|c| c.name == path)
                    .and_then(|c| match c.column {
                        Column::Numbers(v) => Some(v),
                        _ => None,
                    });
                let values = (0..rows)
                    .map(|r| {
                        let given = given
                            .and_then(|g| g.get(r))
                            .copied()
                            .filter(|x| !x.is_nan());
                        let computed = computed.and_then(|v| v.get(r)).copied();
                        given.or(computed).unwrap_or(f64::NAN)
                    })
                    .collect();
                (vec![l.score, position], values)
            })
            .collect();
        let mut sources: Vec<(&[usize], Source<'_>)> = columns
            .iter()
            .filter(|c| c.path.first() != Some(&l.score))
            .map(|c| (c.path.as_slice(), c.column.source()))
            .collect();
        sources.extend(
            score_values
                .iter()
                .map(|(path, values)| (path.as_slice(), Source::Numbers(values))),
        );
        let view = Batch {
            sources,
            signals: Signals {
                offsets: &offsets,
                kind: &kind,
                kinds: &signals.kinds,
                at: &at,
                strength: strength.as_deref(),
                value: value.as_deref(),
                contact: contact.as_deref(),
                contacts: &signals.contacts,
            },
            as_of,
            live: [f64::NAN; 6],
        };
        let plans = self.plans(&view);

        let mut out = BatchStages {
            stage: vec![NO_STAGE; rows],
            composite: score_values
                .first()
                .map_or_else(|| vec![f64::NAN; rows], |(_, v)| v.clone()),
            errors: Vec::with_capacity(scores.errors.len()),
            ignored: scores.ignored,
        };
        let mut failed_rows = scores.errors.into_iter().peekable();
        let mut context = Context::new(as_of);
        for row in 0..rows {
            if let Some(error) = failed_rows.next_if(|e| e.row == row) {
                if let Some(slot) = out.composite.get_mut(row) {
                    *slot = f64::NAN;
                }
                out.errors.push(error);
                continue;
            }
            context.row = None;
            // A compiled criterion that could run out of the evaluator's steps on this row is
            // evaluated on the context, where the limit applies as in `classify`.
            let on_context = |plan: &Plan| match plan {
                Plan::Context => true,
                Plan::Compiled(program) => program.may_exceed_steps(&view, row),
                Plan::Absent => false,
            };
            let mut answer = |i: usize, exit: bool, plan: &Plan| -> Result<Option<bool>, Error> {
                match plan {
                    Plan::Absent => Ok(None),
                    Plan::Compiled(program) if !on_context(plan) => {
                        Ok(program.evaluate(&view, row))
                    }
                    _ => {
                        let data = context.at(row, &columns, &view);
                        let verdict = if exit {
                            self.exit_holds(i, data)
                        } else {
                            self.entry_holds(i, data)
                        };
                        verdict.map_err(|e| {
                            let key = if exit {
                                "exitCriteria"
                            } else {
                                "entryCriteria"
                            };
                            Error::new(e.code, format!("/stages/{i}/{key}"), e.message)
                        })
                    }
                }
            };
            let holds = |answer: &mut Answer<'_>, i: usize| -> Result<bool, Error> {
                let Some((entry, exit)) = plans.get(i) else {
                    return Ok(false);
                };
                Ok(answer(i, false, entry)? == Some(true) && answer(i, true, exit)? != Some(true))
            };
            // Compiled criteria cannot fail, so stages are tried by precedence and the first
            // that holds wins. A criterion evaluated on a context can: then every stage is
            // evaluated in definition order, as `classify` does, so a row fails with the error
            // `classify` reports.
            let exact = plans.iter().any(|(e, x)| on_context(e) || on_context(x));
            let winner = if exact {
                let mut holding = Vec::new();
                let mut failed = None;
                for i in 0..plans.len() {
                    match holds(&mut answer, i) {
                        Ok(true) => holding.push(i),
                        Ok(false) => {}
                        Err(e) => {
                            failed = Some(e);
                            break;
                        }
                    }
                }
                match failed {
                    Some(e) => Err(e),
                    None => Ok(self
                        .precedence_order()
                        .iter()
                        .copied()
                        .find(|i| holding.contains(i))),
                }
            } else {
                let mut winner = Ok(None);
                for &i in self.precedence_order() {
                    match holds(&mut answer, i) {
                        Ok(true) => {
                            winner = Ok(Some(i));
                            break;
                        }
                        Ok(false) => {}
                        Err(e) => {
                            winner = Err(e);
                            break;
                        }
                    }
                }
                winner
            };
            match winner {
                Ok(Some(i)) => {
                    if let Some(slot) = out.stage.get_mut(row) {
                        *slot = u16::try_from(i).unwrap_or(NO_STAGE);
                    }
                }
                Ok(None) => {}
                Err(e) => {
                    if let Some(slot) = out.composite.get_mut(row) {
                        *slot = f64::NAN;
                    }
                    out.errors.push(RowError {
                        row,
                        code: e.code(),
                        path: e.path().to_string(),
                        message: e.message().to_string(),
                    });
                }
            }
        }
        Ok(out)
    }
}

impl Journey {
    /// What the journey reads of an account: the fields its stage criteria and scoring rules
    /// read, and whether contacts or signal topics matter.
    ///
    /// ```
    /// let journey = account_journey::Journey::embedded_default()?;
    /// let read = journey.fields_read();
    /// assert!(read.fields.contains(&"crm.salesAccepted".to_string()));
    /// assert!(!read.reads_contacts);
    /// # Ok::<(), account_journey::Error>(())
    /// ```
    pub fn fields_read(&self) -> FieldsRead {
        let l = crate::expr::types::layout();
        let scoring = self
            .score_model()
            .into_iter()
            .flat_map(|m| m.fit_criteria().iter().chain(m.rule_criteria()));
        let roles = self
            .definition()
            .stages
            .iter()
            .any(|s| !s.required_roles.is_empty());
        // Required roles are checked on the buying group's roles and engaged roles.
        let group = Ty::Object(ACCOUNT).field("buyingGroup").map(|(_, f)| f.ty);
        let role_paths: Vec<Vec<usize>> = ["roles", "engagedRoles"]
            .iter()
            .filter(|_| roles)
            .filter_map(|name| Some(vec![l.buying_group, group?.field(name)?.0]))
            .collect();
        // An imported fit score is read from `score.fit`.
        let imported = self
            .score_model()
            .is_some_and(|m| m.scoring().fit_source == crate::definition::FitSource::Imported);
        let fit_path: Vec<usize> = Ty::Object(ACCOUNT)
            .field("score")
            .and_then(|(s, f)| Some(vec![s, f.ty.field("fit")?.0]))
            .filter(|_| imported)
            .unwrap_or_default();
        let mut paths: Vec<&[usize]> = role_paths.iter().map(Vec::as_slice).collect();
        if !fit_path.is_empty() {
            paths.push(&fit_path);
        }
        let mut read = FieldsRead {
            fields: Vec::new(),
            reads_contacts: roles,
            reads_signal_topic: false,
        };
        for expr in self.criteria().chain(scoring) {
            read.reads_signal_topic |= expr.reads_element_field(l.signal_topic);
            for path in expr.root_paths() {
                let first = path.first().copied();
                // The buying group is computed from contacts when there are some.
                read.reads_contacts |= first == Some(l.contacts) || first == Some(l.buying_group);
                let own_columns = first == Some(l.signals) || first == Some(l.contacts);
                if first != Some(l.as_of) && !own_columns && !paths.contains(&&path[..]) {
                    paths.push(path);
                }
            }
        }
        crate::sort::sort_by(&mut paths, |a, b| a.cmp(b));
        paths.dedup();
        read.fields = paths.iter().filter_map(|p| dotted(p)).collect();
        read
    }

    /// How each stage's entry and exit criteria are answered over `view`.
    fn plans(&self, view: &Batch<'_>) -> Vec<(Plan, Plan)> {
        let plan = |criterion: Option<&crate::expr::Expression>, roles: bool| match criterion {
            None => Plan::Absent,
            Some(_) if roles => Plan::Context,
            Some(expr) => Program::compile(expr, view).map_or(Plan::Context, Plan::Compiled),
        };
        let stages = &self.definition().stages;
        (0..stages.len())
            .map(|i| {
                let roles = stages.get(i).is_some_and(|s| !s.required_roles.is_empty());
                let (entry, exit) = self.compiled_criteria(i);
                (plan(entry, roles), plan(exit, false))
            })
            .collect()
    }
}

/// A path of schema positions as a dotted name.
fn dotted(path: &[usize]) -> Option<String> {
    let mut fields = ACCOUNT;
    let mut names = Vec::with_capacity(path.len());
    for &i in path {
        let field = fields.get(i)?;
        names.push(field.name);
        fields = match field.ty {
            Ty::Object(inner) => inner,
            _ => &[],
        };
    }
    Some(names.join("."))
}

/// Without a scoring model, the rows' values are still checked as scoring checks them.
fn validate(
    columns: &[batch::Resolved<'_>],
    signals: &SignalColumns,
    offsets: &[usize],
    order: Option<&[u32]>,
    rows: usize,
) -> BatchScores {
    let mut errors = Vec::new();
    for row in 0..rows {
        let from = offsets.get(row).copied().unwrap_or(0);
        let to = offsets.get(row + 1).copied().unwrap_or(from);
        let signal = (from..to).find_map(|k| {
            let i = order.map_or(k, |o| o.get(k).map_or(k, |&i| i as usize));
            let number =
                |v: Option<&Vec<f64>>| v.and_then(|v| v.get(i)).copied().filter(|x| !x.is_nan());
            let at = signals.at.get(i).copied().unwrap_or(f64::NAN);
            batch::signal_error(
                row,
                i,
                at,
                number(signals.strength.as_ref()),
                number(signals.value.as_ref()),
            )
        });
        let error = signal.or_else(|| columns.iter().find_map(|c| batch::check_cell(c, row).err()));
        errors.extend(error);
    }
    BatchScores {
        composite: vec![f64::NAN; rows],
        components: Vec::new(),
        errors,
        ignored: Ignored::default(),
    }
}

/// A row's account context, built only when a criterion needs one, and once per row.
struct Context {
    data: Data,
    row: Option<usize>,
}

impl Context {
    fn new(as_of: i64) -> Context {
        let mut data = Data::Object(ACCOUNT.iter().map(crate::expr::data::absent).collect());
        crate::expr::data::set_path(&mut data, &[0], Data::Timestamp(as_of));
        Context { data, row: None }
    }

    fn at(&mut self, row: usize, columns: &[batch::Resolved<'_>], view: &Batch<'_>) -> &Data {
        if self.row != Some(row) {
            self.row = Some(row);
            for c in columns {
                // Rows with a bad cell failed before any criterion: a cell here reads.
                let value = batch::cell(c, row).unwrap_or(Data::Null);
                crate::expr::data::set_path(&mut self.data, &c.path, value);
            }
            for (path, source) in &view.sources {
                if let (Some(&first), Source::Numbers(values)) = (path.first(), source)
                    && first == crate::expr::types::layout().score
                {
                    let value = values.get(row).copied().filter(|x| !x.is_nan());
                    crate::expr::data::set_path(
                        &mut self.data,
                        path,
                        value.map_or(Data::Null, Data::Number),
                    );
                }
            }
            let signals = batch::signal_data(&view.signals, row);
            let l = crate::expr::types::layout();
            crate::expr::data::set_path(&mut self.data, &[l.signals], Data::List(signals));
        }
        &self.data
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    /// Which stages need a context, for a batch with a column for every field the criteria
    /// of the shipped templates read.
    fn on_context(journey: &Journey) -> Vec<String> {
        let flags = vec![0u8; 1];
        let numbers = vec![f64::NAN; 1];
        let codes = vec![0u32; 1];
        let values = vec!["x".to_string()];
        let offsets = [0u32, 0];
        let mut sources = Vec::new();
        let mut visit = |path: Vec<usize>, ty: Ty| {
            let source = match ty {
                Ty::Bool => Source::Flags(&flags),
                Ty::Number => Source::Numbers(&numbers),
                Ty::String => Source::Strings {
                    codes: &codes,
                    values: &values,
                },
                Ty::List(Ty::String) => Source::Lists {
                    offsets: &offsets,
                    codes: &[],
                    values: &values,
                },
                _ => return,
            };
            sources.push((path, source));
        };
        for (i, f) in ACCOUNT.iter().enumerate() {
            match f.ty {
                Ty::Object(inner) => {
                    for (j, g) in inner.iter().enumerate() {
                        visit(vec![i, j], g.ty);
                    }
                }
                ty => visit(vec![i], ty),
            }
        }
        let view = Batch {
            sources: sources.iter().map(|(p, s)| (p.as_slice(), *s)).collect(),
            signals: Signals {
                offsets: &[0, 0],
                kind: &[],
                kinds: &values,
                at: &[],
                strength: None,
                value: None,
                contact: None,
                contacts: &values,
            },
            as_of: 0,
            live: [f64::NAN; 6],
        };
        let stages = &journey.definition().stages;
        journey
            .plans(&view)
            .iter()
            .zip(stages)
            .filter(|((a, b), _)| matches!(a, Plan::Context) || matches!(b, Plan::Context))
            .map(|(_, s)| s.id.clone())
            .collect()
    }

    #[test]
    fn the_shipped_criteria_compile_against_columns() {
        let all: Vec<(String, Vec<String>)> = crate::templates::TEMPLATES
            .iter()
            .map(|t| {
                let journey = t.journey().unwrap();
                (t.id.to_string(), on_context(&journey))
            })
            .collect();
        let expected: Vec<(String, Vec<String>)> = vec![
            ("default".into(), vec![]),
            ("abm-six-stage".into(), vec![]),
            // `daysSince(crm.customerSince) % 365`: arithmetic.
            ("buyer-language".into(), vec!["renewal".into()]),
            ("abm-customer-experience".into(), vec![]),
        ];
        assert_eq!(all, expected);
    }
}
