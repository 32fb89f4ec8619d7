//! The compiled journey: a validated definition in the form the engine evaluates.
//!
//! Compiling happens once; a [`Journey`] is then used for any number of accounts. Today it holds
//! the ordered stages and resolves stage ids to indices; the criteria, scoring and replay issues
//! add their compiled parts here. It does not parse JSON (`definition` does) and knows nothing
//! of JavaScript (`wasm` does).

use serde::Serialize;

use crate::buying_group::BuyingGroupFacts;
use crate::definition::{Definition, MaxDwell, StageKind};
use crate::error::{Code, Diagnostic, Error, Severity};
use crate::expr::{Data, ExprError, Expression};

/// The embedded default journey definition (eight stages plus Closed-Lost and Churned).
pub const DEFAULT_DEFINITION: &str = include_str!("../templates/default.json");

/// A compiled journey definition.
///
/// ```
/// let journey = account_journey::Journey::embedded_default().unwrap();
/// assert_eq!(journey.stage_index("mqa"), Some(4));
/// ```
#[derive(Debug, Clone)]
pub struct Journey {
    definition: Definition,
    warnings: Vec<Diagnostic>,
    /// Each stage's compiled entry criterion, in stage order (`None`: the stage has none).
    entry: Vec<Option<Expression>>,
    /// Each stage's compiled exit criterion, in stage order.
    exit: Vec<Option<Expression>>,
    /// The scoring model compiled, when the definition has one.
    scoring: Option<crate::score::ScoreModel>,
    /// The buying-group model: the definition's, or the defaults.
    buying_group: crate::definition::BuyingGroup,
    /// SHA-256 of the canonical definition, computed on first use: compiling does not need it,
    /// and hashing on the first compile costs cold-start time.
    hash: std::sync::OnceLock<String>,
    /// The lengths of time after a date at which an answer can change, and the dates the
    /// criteria name (see `classify`), computed on first use.
    pub(crate) time_model: std::sync::OnceLock<crate::classify::TimeModel>,
    /// Stage indices by precedence, highest first, computed on first use.
    pub(crate) precedence: std::sync::OnceLock<Vec<usize>>,
    /// Each stage's entry criterion compiled for explanations, on first use.
    explainers: std::sync::OnceLock<Vec<crate::expr::explain::Explainer>>,
}

/// What a journey is, as reported to users: identity and ordered stages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JourneySummary {
    /// The definition's id.
    pub id: String,
    /// The definition's name.
    pub name: String,
    /// The definition's version.
    pub version: String,
    /// SHA-256 of the canonical definition (see [`Definition::canonical_json`]).
    pub hash: String,
    /// The stages in journey order.
    pub stages: Vec<StageSummary>,
}

/// One stage as reported to users.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StageSummary {
    /// Position in the journey, from 0.
    pub index: usize,
    /// The stage id.
    pub id: String,
    /// The stage name.
    pub name: String,
    /// `pre-sale`, `terminal` or `post-sale`.
    pub kind: StageKind,
    /// The accountable team, if declared.
    pub owner: Option<String>,
    /// The entry criterion, if any.
    pub entry_criteria: Option<String>,
    /// The exit criterion, if any.
    pub exit_criteria: Option<String>,
    /// The max dwell and its action, if any.
    pub max_dwell: Option<MaxDwell>,
}

impl Journey {
    /// Validates and compiles a definition model.
    ///
    /// # Errors
    /// An [`Error`] listing every diagnostic when the definition has errors.
    pub fn new(definition: Definition) -> Result<Journey, Error> {
        let diagnostics = definition.check();
        Journey::from_checked(Some(definition), diagnostics)
    }

    /// Reads, validates and compiles a definition from JSON text.
    ///
    /// # Errors
    /// An [`Error`] whose `diagnostics` hold every problem found (JSON syntax with line and
    /// column, unknown fields, duplicate ids, …); its `code`, `path` and `span` are the first
    /// error's.
    ///
    /// ```
    /// let err = account_journey::Journey::from_json("{").unwrap_err();
    /// assert_eq!(err.code().as_str(), "json-syntax");
    /// ```
    pub fn from_json(text: &str) -> Result<Journey, Error> {
        let (definition, diagnostics) = Definition::from_json(text);
        Journey::from_checked(definition, diagnostics)
    }

    /// As [`Journey::from_json`], for JSON text the caller did not write (a binding serialised
    /// their object): diagnostics carry paths but no spans.
    ///
    /// # Errors
    /// As [`Journey::from_json`].
    pub fn from_serialized_json(text: &str) -> Result<Journey, Error> {
        let (definition, diagnostics) = Definition::from_serialized_json(text);
        Journey::from_checked(definition, diagnostics)
    }

    fn from_checked(
        definition: Option<Definition>,
        diagnostics: Vec<Diagnostic>,
    ) -> Result<Journey, Error> {
        let has_errors = diagnostics.iter().any(|d| d.severity == Severity::Error);
        let definition = match definition {
            Some(definition) if !has_errors => definition.normalized(),
            _ => return Err(Error::from_diagnostics(diagnostics)),
        };
        // Validation compiled every criterion already; a failure here is the engine's fault.
        let compile = |criterion: &Option<String>, i: usize| -> Result<Option<Expression>, Error> {
            criterion
                .as_deref()
                .map(Expression::compile)
                .transpose()
                .map_err(|e| Error::new(Code::Internal, format!("/stages/{i}"), e.message))
        };
        let stages = &definition.stages;
        let entry = (0..stages.len())
            .map(|i| compile(&stages.get(i).and_then(|s| s.entry_criteria.clone()), i))
            .collect::<Result<_, _>>()?;
        let exit = (0..stages.len())
            .map(|i| compile(&stages.get(i).and_then(|s| s.exit_criteria.clone()), i))
            .collect::<Result<_, _>>()?;
        let scoring = definition
            .scoring
            .as_ref()
            .map(crate::score::ScoreModel::new)
            .transpose()
            .map_err(|e| Error::new(Code::Internal, "/scoring", e.message))?;
        Ok(Journey {
            scoring,
            buying_group: definition.buying_group.clone().unwrap_or_default(),
            hash: std::sync::OnceLock::new(),
            time_model: std::sync::OnceLock::new(),
            precedence: std::sync::OnceLock::new(),
            explainers: std::sync::OnceLock::new(),
            definition,
            warnings: diagnostics,
            entry,
            exit,
        })
    }

    /// Whether the account `context` meets stage `stage`'s entry criterion: `Some(true)`,
    /// `Some(false)`, or `None` when unknown (a value it needed was null) or the stage has no
    /// entry criterion.
    ///
    /// ```
    /// use account_journey::{Journey, expr::Data};
    /// let journey = Journey::embedded_default()?;
    /// let account = Data::account_from_json(r#"{"asOf": "2026-11-22", "score": {"composite": 80}}"#)?;
    /// let mqa = journey.stage_index("mqa").unwrap_or_default();
    /// assert_eq!(journey.entry_holds(mqa, &account)?, Some(true));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// An evaluation error of the criterion (division by zero, step limit), or
    /// `invalid-argument` for a stage index out of range.
    pub fn entry_holds(&self, stage: usize, context: &Data) -> Result<Option<bool>, ExprError> {
        let verdict = holds(&self.entry, stage, context)?;
        let required = self
            .definition
            .stages
            .get(stage)
            .map_or(&[][..], |s| &s.required_roles);
        if verdict == Some(true) && !required.is_empty() {
            return Ok(roles_engaged(required, context));
        }
        Ok(verdict)
    }

    /// Stage `i`'s compiled entry and exit criteria.
    pub(crate) fn compiled_criteria(&self, i: usize) -> (Option<&Expression>, Option<&Expression>) {
        (
            self.entry.get(i).and_then(Option::as_ref),
            self.exit.get(i).and_then(Option::as_ref),
        )
    }

    /// Every compiled entry and exit criterion.
    pub(crate) fn criteria(&self) -> impl Iterator<Item = &Expression> {
        self.entry.iter().chain(&self.exit).flatten()
    }

    /// How far back any criterion, the scoring model's rules or the buying group can see the
    /// account's signals (see [`Expression::signal_reach`]); `None` when some criterion reads
    /// signals without a window. Replay keeps signals this recent as they are.
    pub(crate) fn signal_reach(&self, more: &[Expression]) -> Option<i64> {
        let scoring = self
            .scoring
            .iter()
            .flat_map(|m| m.fit_criteria().iter().chain(m.rule_criteria()));
        let mut reach = self.buying_group.engagement_window;
        for expr in self.criteria().chain(scoring).chain(more) {
            if let Some(window) = expr.signal_reach()? {
                reach = reach.max(window);
            }
        }
        Some(reach)
    }

    /// Each stage's entry criterion split into conditions and compiled, for explanations.
    pub(crate) fn explainers(&self) -> &[crate::expr::explain::Explainer] {
        self.explainers.get_or_init(|| {
            self.definition
                .stages
                .iter()
                .map(|s| {
                    s.entry_criteria
                        .as_deref()
                        .map(crate::expr::explain::Explainer::new)
                        .unwrap_or_default()
                })
                .collect()
        })
    }

    /// The compiled scoring model, when the definition has one (for batch scoring).
    pub fn score_model(&self) -> Option<&crate::score::ScoreModel> {
        self.scoring.as_ref()
    }

    /// The account's buying group as of its `asOf`: engaged contacts and roles, coverage of
    /// the journey's required roles and of each stage's, multi-threading count.
    ///
    /// # Errors
    /// As [`crate::buying_group::facts`].
    pub fn buying_group(&self, account: &Data) -> Result<BuyingGroupFacts, Error> {
        let facts = crate::buying_group::facts(&self.buying_group, account)?;
        let stages = self
            .definition
            .stages
            .iter()
            .map(|s| (s.id.as_str(), s.required_roles.as_slice()));
        Ok(crate::buying_group::with_stages(facts, stages))
    }

    /// The account context criteria read: the buying-group facts computed from the contacts
    /// (when the account lists contacts; otherwise `buyingGroup` stays as given), then the
    /// score computed over that (score fields the input gives are kept, as imports).
    ///
    /// # Errors
    /// As [`Journey::buying_group`]; a fit rule's evaluation error (with the rule's path).
    pub fn context(&self, account: &Data) -> Result<Data, Error> {
        let mut context = account.clone();
        self.complete(&mut context)?;
        Ok(context)
    }

    /// As [`Journey::context`], in place: the buying-group facts and the score are written into
    /// `account` (no copy of its signals is made — what replay and `nextChangeAt` need when they
    /// evaluate one account at many moments).
    ///
    /// # Errors
    /// As [`Journey::context`].
    pub(crate) fn complete(&self, account: &mut Data) -> Result<(), Error> {
        self.complete_with(account, &[])
    }

    /// As [`Journey::complete`], the score counting signals folded into `carried` sums first
    /// (replay keeps old signals that way).
    pub(crate) fn complete_with(
        &self,
        account: &mut Data,
        carried: &[crate::score::Carry],
    ) -> Result<(), Error> {
        let l = crate::expr::types::layout();
        let has_contacts = matches!(
            account,
            Data::Object(fields) if matches!(fields.get(l.contacts), Some(Data::List(c)) if !c.is_empty())
        );
        if has_contacts {
            // The context needs the facts, not each stage's coverage (`buying_group` adds it).
            let facts = crate::buying_group::facts(&self.buying_group, account)?;
            if let Data::Object(fields) = account
                && let Some(slot) = fields.get_mut(l.buying_group)
            {
                *slot = crate::buying_group::to_context(&facts);
            }
        }
        self.fill_score(account, carried).map_err(Error::from)
    }

    /// Scores an account with the definition's scoring model, as of the account's `asOf`:
    /// components, composite and the ledger of contributions that sums to them.
    ///
    /// # Errors
    /// `invalid-argument` when the definition has no scoring model or the context is not an
    /// account; an evaluation error of a fit rule.
    pub fn score(&self, account: &Data) -> Result<crate::score::Score, ExprError> {
        match &self.scoring {
            Some(model) => model.score(account),
            None => Err(ExprError::new(
                Code::InvalidArgument,
                crate::expr::Span { start: 0, end: 0 },
                "this journey's definition has no scoring model",
            )),
        }
    }

    /// The account context with its computed score filled in where the input leaves the
    /// `score` fields empty (an imported score, given in the input, is kept): what criteria
    /// such as `score.composite > 75` read. Without a scoring model the context is unchanged.
    ///
    /// ```
    /// use account_journey::{Journey, expr::Data};
    /// let journey = Journey::embedded_default()?;
    /// let account = Data::account_from_json(r#"{"asOf": "2026-11-22",
    ///     "firmographics": {"resolved": true, "industry": "software", "employees": 900,
    ///                       "revenue": 90000000, "country": "DE", "techStack": ["salesforce"]},
    ///     "signals": [{"type": "intent_surge", "at": "2026-11-21"},
    ///                 {"type": "meeting", "at": "2026-11-20"},
    ///                 {"type": "webinar", "at": "2026-11-19"},
    ///                 {"type": "content_download", "at": "2026-11-18"}]}"#)?;
    /// let context = journey.with_score(&account)?;
    /// let mqa = journey.stage_index("mqa").unwrap_or_default();
    /// assert_eq!(journey.entry_holds(mqa, &account)?, None); // no score given: unknown
    /// assert_eq!(journey.entry_holds(mqa, &context)?, Some(false)); // computed, below 75
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// As [`Journey::score`].
    pub fn with_score(&self, account: &Data) -> Result<Data, ExprError> {
        let mut context = account.clone();
        self.fill_score(&mut context, &[])?;
        Ok(context)
    }

    /// As [`Journey::with_score`], in place.
    fn fill_score(
        &self,
        account: &mut Data,
        carried: &[crate::score::Carry],
    ) -> Result<(), ExprError> {
        // The values only: the ledger's dates are for explanations.
        let Some(model) = &self.scoring else {
            return Ok(());
        };
        let score = model.values_with(account, carried)?;
        let l = crate::expr::types::layout();
        if let Data::Object(fields) = account
            && let Some(Data::Object(values)) = fields.get_mut(l.score)
        {
            let computed = std::iter::once(score.composite).chain(score.normalized);
            for (&j, value) in score_positions().iter().zip(computed) {
                if let Some(value) = value
                    && let Some(slot) = values.get_mut(j)
                    && *slot == Data::Null
                {
                    *slot = Data::Number(value);
                }
            }
        }
        Ok(())
    }

    /// Why the account's score moved between two dates (milliseconds since the epoch): both
    /// scores, and every contribution that changed, largest first.
    ///
    /// # Errors
    /// As [`Journey::score`].
    pub fn score_delta(
        &self,
        account: &Data,
        from: i64,
        to: i64,
    ) -> Result<crate::score::ScoreDelta, ExprError> {
        if from > to {
            return Err(ExprError::new(
                Code::InvalidArgument,
                crate::expr::Span { start: 0, end: 0 },
                "scoreDelta needs from at or before to",
            ));
        }
        let a = self.score(&account.with_as_of(from))?;
        let b = self.score(&account.with_as_of(to))?;
        Ok(crate::score::delta(&a, &b))
    }

    /// As [`Journey::entry_holds`], for the exit criterion.
    ///
    /// # Errors
    /// As [`Journey::entry_holds`].
    pub fn exit_holds(&self, stage: usize, context: &Data) -> Result<Option<bool>, ExprError> {
        holds(&self.exit, stage, context)
    }

    /// The embedded default journey: Anonymous → Identified → Aware → Engaged → MQA → SAA →
    /// Opportunity → Customer, with terminal Closed-Lost and post-sale Churned.
    ///
    /// # Errors
    /// None in practice: the embedded definition is validated by the test suite. The `Result`
    /// keeps the promise that nothing in the engine panics.
    pub fn embedded_default() -> Result<Journey, Error> {
        Journey::from_json(DEFAULT_DEFINITION)
    }

    /// The definition this journey was compiled from.
    pub fn definition(&self) -> &Definition {
        &self.definition
    }

    /// SHA-256 of the canonical definition, as 64 hex digits.
    pub fn hash(&self) -> &str {
        self.hash.get_or_init(|| self.definition.content_hash())
    }

    /// Warnings found while compiling (errors prevent compilation).
    pub fn warnings(&self) -> &[Diagnostic] {
        &self.warnings
    }

    /// The position of a stage in the journey, by id.
    pub fn stage_index(&self, id: &str) -> Option<usize> {
        self.definition.stages.iter().position(|s| s.id == id)
    }

    /// Identity and ordered stages, for display and for JS.
    pub fn summary(&self) -> JourneySummary {
        let def = &self.definition;
        JourneySummary {
            id: def.id.clone(),
            name: def.name.clone(),
            version: def.version.clone(),
            hash: self.hash().to_string(),
            stages: def
                .stages
                .iter()
                .enumerate()
                .map(|(index, s)| StageSummary {
                    index,
                    id: s.id.clone(),
                    name: s.name.clone(),
                    kind: s.kind,
                    owner: s.owner.clone(),
                    entry_criteria: s.entry_criteria.clone(),
                    exit_criteria: s.exit_criteria.clone(),
                    max_dwell: s.max_dwell.clone(),
                })
                .collect(),
        }
    }
}

/// The roles in `required` not among the context's `buyingGroup.engagedRoles`, normalised.
pub(crate) fn missing_roles(required: &[String], context: &Data) -> Vec<String> {
    let l = crate::expr::types::layout();
    let engaged: Vec<String> = match context {
        Data::Object(fields) => match fields.get(l.buying_group) {
            Some(Data::Object(group)) => match group.get(l.engaged_roles) {
                Some(Data::List(roles)) => roles
                    .iter()
                    .filter_map(|r| match r {
                        Data::String(s) => Some(crate::definition::normalize_role(s)),
                        _ => None,
                    })
                    .collect(),
                _ => Vec::new(),
            },
            _ => Vec::new(),
        },
        _ => Vec::new(),
    };
    required
        .iter()
        .map(|r| crate::definition::normalize_role(r))
        .filter(|r| !engaged.contains(r))
        .collect()
}

/// Whether every role in `required` is among the context's `buyingGroup.engagedRoles`.
fn roles_engaged(required: &[String], context: &Data) -> Option<bool> {
    let l = crate::expr::types::layout();
    // No roles known at all (no contacts, no facts given): unknown, not false.
    let nothing_known = match context {
        Data::Object(fields) => match fields.get(l.buying_group) {
            Some(Data::Object(group)) => group
                .iter()
                .take(2)
                .all(|g| matches!(g, Data::List(r) if r.is_empty())),
            _ => true,
        },
        _ => true,
    };
    if nothing_known {
        return None;
    }
    Some(missing_roles(required, context).is_empty())
}

fn holds(
    criteria: &[Option<Expression>],
    stage: usize,
    context: &Data,
) -> Result<Option<bool>, ExprError> {
    match criteria.get(stage) {
        Some(Some(expr)) => expr.evaluate_bool(context),
        Some(None) => Ok(None),
        None => Err(ExprError::new(
            Code::InvalidArgument,
            crate::expr::Span { start: 0, end: 0 },
            format!("the journey has no stage {stage}"),
        )),
    }
}

/// Where `score.composite` and each component (in [`crate::definition::COMPONENTS`] order)
/// sit in the account context's `score` object: found by name once.
pub(crate) fn score_positions() -> &'static [usize; 6] {
    static POSITIONS: std::sync::OnceLock<[usize; 6]> = std::sync::OnceLock::new();
    POSITIONS.get_or_init(|| {
        let score = crate::expr::types::Ty::Object(crate::expr::types::ACCOUNT)
            .field("score")
            .map(|(_, f)| f.ty);
        let position = |name: &str| {
            score
                .and_then(|ty| ty.field(name))
                .map_or(usize::MAX, |(j, _)| j)
        };
        let mut out = [usize::MAX; 6];
        for (slot, name) in out
            .iter_mut()
            .zip(std::iter::once("composite").chain(crate::definition::COMPONENTS))
        {
            *slot = position(name);
        }
        out
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(json: &str) -> Data {
        Data::account_from_json(json).unwrap()
    }

    /// Which stages' entry criteria hold, by id.
    fn holding(journey: &Journey, context: &Data) -> Vec<String> {
        let def = journey.definition();
        (0..def.stages.len())
            .filter(|&i| journey.entry_holds(i, context).unwrap() == Some(true))
            .map(|i| def.stages[i].id.clone())
            .collect()
    }

    #[test]
    fn default_journey_criteria_read_real_accounts() {
        let journey = Journey::embedded_default().unwrap();
        let anonymous = account(r#"{"asOf": "2026-11-22T00:00:00Z"}"#);
        assert_eq!(holding(&journey, &anonymous), ["anonymous"]);
        let engaged = account(
            r#"{"asOf": "2026-11-22T00:00:00Z", "firmographics": {"resolved": true},
                "score": {"composite": 62},
                "signals": [{"type": "page_view", "at": "2026-11-20"},
                            {"type": "content_download", "at": "2026-11-02"},
                            {"type": "ad_click", "at": "2026-10-30"},
                            {"type": "page_view", "at": "2026-09-01"}]}"#,
        );
        assert_eq!(
            holding(&journey, &engaged),
            ["anonymous", "identified", "aware", "engaged"]
        );
        let opportunity = account(
            r#"{"asOf": "2026-11-22T00:00:00Z", "firmographics": {"resolved": true},
                "score": {"composite": 81}, "crm": {"salesAccepted": true,
                "opportunity": {"open": true, "amount": 60000}}}"#,
        );
        assert_eq!(
            holding(&journey, &opportunity),
            ["anonymous", "identified", "mqa", "saa", "opportunity"]
        );
        let opp = journey.stage_index("opportunity").unwrap();
        assert_eq!(journey.exit_holds(opp, &opportunity).unwrap(), Some(false));
        assert!(journey.entry_holds(99, &opportunity).is_err());
    }

    #[test]
    fn criteria_problems_are_diagnostics_pointing_into_the_criterion() {
        let text = r#"{"id": "j", "name": "J", "version": "1", "stages": [
            {"id": "a", "name": "A", "kind": "pre-sale", "entryCriteria": "score.compsite > 75"},
            {"id": "b", "name": "B", "kind": "pre-sale", "entryCriteria": "score.composite + 1",
             "maxDwell": {"after": "0d", "action": "stage-downgrade", "downgradeTo": "nope"}}]}"#;
        let err = Journey::from_json(text).unwrap_err();
        let found: Vec<(&str, &str)> = err
            .diagnostics()
            .iter()
            .map(|d| (d.code.as_str(), d.path.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                ("unknown-identifier", "/stages/0/entryCriteria"),
                ("type-mismatch", "/stages/1/entryCriteria"),
                ("invalid-value", "/stages/1/maxDwell/after"),
                ("unknown-stage", "/stages/1/maxDwell/downgradeTo"),
            ]
        );
        // The span is the misspelt field inside the criterion, not the whole string.
        let span = err.diagnostics()[0].span.unwrap();
        assert_eq!(&text[span.byte_start..span.byte_end], "compsite");
        assert!(
            err.diagnostics()[0]
                .message
                .contains("did you mean \"composite\"")
        );
    }

    #[test]
    fn context_computes_the_buying_group_and_stages_require_roles() {
        let journey = Journey::from_json(
            r#"{"id": "j", "name": "J", "version": "1",
                "buyingGroup": {"requiredRoles": ["champion", "economic_buyer"]},
                "stages": [{"id": "all", "name": "All", "kind": "pre-sale", "entryCriteria": "true"},
                  {"id": "deal", "name": "Deal", "kind": "pre-sale",
                   "entryCriteria": "buyingGroup.coverage >= 0.5", "requiredRoles": ["Economic Buyer"]}]}"#,
        )
        .unwrap();
        let with = |role: &str| {
            account(&format!(
                r#"{{"asOf": "2026-11-22", "contacts": [{{"id": "c1", "role": "{role}"}}],
                    "signals": [{{"type": "meeting", "at": "2026-11-20", "contact": "c1"}}]}}"#
            ))
        };
        let champion = journey.context(&with("champion")).unwrap();
        let buyer = journey.context(&with("economic-buyer")).unwrap();
        // The stage's own coverage: the champion covers none of its one required role.
        let facts = journey.buying_group(&with("champion")).unwrap();
        let stage = &facts.stages[0];
        assert_eq!(
            (
                stage.stage.as_str(),
                stage.coverage,
                stage.missing_roles.clone()
            ),
            ("deal", 0.0, vec!["economic_buyer".to_string()])
        );
        // Coverage 0.5 either way; only the economic buyer meets the stage's required role.
        assert_eq!(journey.entry_holds(1, &champion).unwrap(), Some(false));
        assert_eq!(journey.entry_holds(1, &buyer).unwrap(), Some(true));
        // Without contacts the given buyingGroup is read as is.
        let given = account(
            r#"{"asOf": "2026-11-22", "buyingGroup": {"coverage": 1, "engagedRoles": ["economic_buyer"]}}"#,
        );
        let context = journey.context(&given).unwrap();
        assert_eq!(journey.entry_holds(1, &context).unwrap(), Some(true));
    }
}
