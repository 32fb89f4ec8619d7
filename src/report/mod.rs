//! Reports from replayed timelines — funnel, cohorts and the rolling view, velocity, the
//! stage-to-stage matrix — computed the mergeable way: each shard of accounts gives a
//! [`Partial`] (counts and quantile sketches, no per-account data), partials [`merge`] exactly
//! whatever the split, and [`Partial::finish`] turns the merged counts into the numbers shown.
//! This is what lets accounts be sharded across workers, edge instances or warehouse jobs.
//!
//! Owns the report definitions (docs/reports.md); not replay itself (`crate::replay`), whose
//! account states are the input.

mod partial_bytes;
pub use partial_bytes::merge_bytes;
pub mod simulate;
pub mod sketch;
mod sorted;

use serde::Serialize;

use crate::definition::StageKind;
use crate::error::{Code, Error};
use crate::expr::Data;
use crate::expr::data::format_timestamp;
use crate::replay::ReplayState;
use crate::replay::account::{AccountState, TransitionKind};
use crate::{Journey, classify::DAY_MS};
pub use sketch::Sketch;
use sorted::Sorted;

/// How cohorts are cut: by the ISO week, the month or the quarter of the entry (UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum CohortPeriod {
    /// ISO weeks, Monday to Sunday (`2026-W03`).
    Week,
    /// Calendar months (`2026-01`).
    Month,
    /// Calendar quarters (`2026-Q1`).
    Quarter,
}

/// What reports are grouped by: a field of the account (`account.segment`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum GroupBy {
    /// `account.segment`.
    Segment,
    /// `account.motion`.
    Motion,
    /// `account.productLine`.
    ProductLine,
    /// `account.owner`.
    Owner,
}

impl GroupBy {
    fn field(self) -> &'static str {
        match self {
            GroupBy::Segment => "segment",
            GroupBy::Motion => "motion",
            GroupBy::ProductLine => "productLine",
            GroupBy::Owner => "owner",
        }
    }

    /// Reads `segment`, `motion`, `productLine` or `owner`.
    pub fn parse(text: &str) -> Option<GroupBy> {
        [
            GroupBy::Segment,
            GroupBy::Motion,
            GroupBy::ProductLine,
            GroupBy::Owner,
        ]
        .into_iter()
        .find(|g| g.field() == text)
    }
}

impl CohortPeriod {
    /// Reads `week`, `month` or `quarter`.
    pub fn parse(text: &str) -> Option<CohortPeriod> {
        match text {
            "week" => Some(CohortPeriod::Week),
            "month" => Some(CohortPeriod::Month),
            "quarter" => Some(CohortPeriod::Quarter),
            _ => None,
        }
    }
}

/// What the reports cover and how they are cut.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportOptions {
    /// The date the reports are as of (populations are stages then; nothing later counts).
    pub as_of: i64,
    /// The period entries, moves, breaches and ended stays are counted in, inclusive.
    pub from: i64,
    /// The period's end, inclusive (at most `as_of`).
    pub to: i64,
    /// How cohorts are cut.
    pub cohort: CohortPeriod,
    /// The follow-up windows cohorts report conversion within (milliseconds), ascending.
    pub follow_up: Vec<i64>,
    /// Pairs of stages (positions) whose time between is reported, in order.
    pub velocity: Vec<(usize, usize)>,
    /// What the reports are grouped by (`None`: one group, all accounts).
    pub group_by: Option<GroupBy>,
    /// The stage that means won, for attribution (`None`: no attribution).
    pub won: Option<usize>,
    /// The stage whose entry means pipeline created, for attribution.
    pub pipeline: Option<usize>,
    /// How far ahead the forecast looks (milliseconds).
    pub horizon: i64,
    /// The date the backtest forecasts from (its outcome is what happened in the horizon after).
    pub backtest_at: i64,
}

impl ReportOptions {
    /// All of history up to `as_of`, monthly cohorts with 30-, 60- and 90-day follow-up, the
    /// velocity of each step between consecutive stages that are not terminal, no grouping.
    pub fn new(journey: &Journey, as_of: i64) -> ReportOptions {
        let stages = &journey.definition().stages;
        let path: Vec<usize> = (0..stages.len())
            .filter(|&i| stages.get(i).is_some_and(|s| s.kind != StageKind::Terminal))
            .collect();
        // Won: the first post-sale stage; pipeline: the last pre-sale stage before it.
        let won = stages.iter().position(|s| s.kind == StageKind::PostSale);
        let pipeline = won.and_then(|w| {
            (0..w)
                .rev()
                .find(|&i| stages.get(i).is_some_and(|s| s.kind == StageKind::PreSale))
        });
        ReportOptions {
            as_of,
            from: crate::expr::MIN_TIMESTAMP_MS,
            to: as_of,
            cohort: CohortPeriod::Month,
            follow_up: vec![30 * DAY_MS, 60 * DAY_MS, 90 * DAY_MS],
            velocity: path
                .windows(2)
                .filter_map(|w| Some((*w.first()?, *w.get(1)?)))
                .collect(),
            group_by: None,
            won,
            pipeline,
            horizon: 90 * DAY_MS,
            backtest_at: as_of.saturating_sub(90 * DAY_MS),
        }
    }
}

impl ReportOptions {
    /// Reads options from JSON text: `asOf` (required), `from` and `to` (timestamps; the
    /// period, inclusive), `cohort` (`week`, `month`, `quarter`), `followUp` (durations, e.g.
    /// `["30d", "90d"]`), `velocity` (pairs of stage ids, e.g. `[["mqa", "opportunity"]]`),
    /// `groupBy` (`segment`, `motion`, `productLine`, `owner`); other keys are ignored (the
    /// caller's own, such as `partial`).
    ///
    /// # Errors
    /// `invalid-argument` naming the option (`/cohort`) when a value is not one of those.
    pub fn from_json(journey: &Journey, text: &str) -> Result<ReportOptions, Error> {
        use crate::json::Value;
        let node = crate::json::parse(text).map_err(Error::from)?;
        let bad = |key: &str, what: &str| {
            Error::new(
                Code::InvalidArgument,
                format!("/{key}"),
                format!("{key} must be {what}"),
            )
        };
        let get = |key: &str| {
            node.pointer(&format!("/{key}"))
                .filter(|n| n.value != Value::Null)
        };
        let text_of = |key: &str| -> Result<Option<&str>, Error> {
            match get(key).map(|n| &n.value) {
                None => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.as_str())),
                Some(_) => Err(bad(key, "a string")),
            }
        };
        let time = |key: &str| -> Result<Option<i64>, Error> {
            text_of(key)?
                .map(|t| {
                    crate::expr::data::parse_timestamp(t)
                        .ok_or_else(|| bad(key, "an RFC 3339 timestamp or a YYYY-MM-DD date"))
                })
                .transpose()
        };
        let as_of = time("asOf")?.ok_or_else(|| {
            bad(
                "asOf",
                "given, a timestamp string: the engine never reads the clock",
            )
        })?;
        let mut options = ReportOptions::new(journey, as_of);
        if let Some(from) = time("from")? {
            options.from = from;
        }
        if let Some(to) = time("to")? {
            // A date alone means the whole of that day: the period is inclusive.
            let whole_day = text_of("to")?.is_some_and(|t| t.len() == 10);
            options.to = if whole_day {
                to.saturating_add(DAY_MS - 1)
            } else {
                to
            };
        }
        if let Some(horizon) = text_of("horizon")? {
            options.horizon = crate::expr::data::parse_duration(horizon)
                .filter(|d| *d > 0)
                .ok_or_else(|| bad("horizon", "a duration such as \"90d\""))?;
            options.backtest_at = as_of.saturating_sub(options.horizon);
        }
        if let Some(at) = time("backtestAt")? {
            options.backtest_at = at;
        }
        if let Some(cohort) = text_of("cohort")? {
            options.cohort = CohortPeriod::parse(cohort)
                .ok_or_else(|| bad("cohort", "week, month or quarter"))?;
        }
        if let Some(group) = text_of("groupBy")? {
            options.group_by = Some(
                GroupBy::parse(group)
                    .ok_or_else(|| bad("groupBy", "segment, motion, productLine or owner"))?,
            );
        }
        let list = |key: &str| -> Result<Option<&[crate::json::Node]>, Error> {
            match get(key).map(|n| &n.value) {
                None => Ok(None),
                Some(Value::Array(items)) => Ok(Some(items.as_slice())),
                Some(_) => Err(bad(key, "an array")),
            }
        };
        for (key, slot) in [
            ("won", &mut options.won),
            ("pipeline", &mut options.pipeline),
        ] {
            if let Some(id) = text_of(key)? {
                *slot = Some(
                    journey
                        .stage_index(id)
                        .ok_or_else(|| bad(key, "one of the journey's stage ids"))?,
                );
            }
        }
        if let Some(items) = list("followUp")? {
            if items.len() > MAX_FOLLOW_UP {
                return Err(bad("followUp", "at most 64 durations"));
            }
            options.follow_up = Vec::with_capacity(items.len());
            for item in items {
                let d = match &item.value {
                    Value::String(s) => crate::expr::data::parse_duration(s).filter(|d| *d > 0),
                    _ => None,
                };
                options
                    .follow_up
                    .push(d.ok_or_else(|| bad("followUp", "durations such as \"30d\""))?);
            }
        }
        if let Some(items) = list("velocity")? {
            let stage = |node: Option<&crate::json::Node>| match node.map(|n| &n.value) {
                Some(Value::String(id)) => journey.stage_index(id),
                _ => None,
            };
            if items.len() > MAX_VELOCITY_PAIRS {
                return Err(bad("velocity", "at most 1,024 pairs"));
            }
            options.velocity = Vec::with_capacity(items.len());
            for item in items {
                let pair = match &item.value {
                    Value::Array(ids) if ids.len() == 2 => {
                        stage(ids.first()).zip(stage(ids.get(1)))
                    }
                    _ => None,
                };
                options.velocity.push(pair.ok_or_else(|| {
                    bad(
                        "velocity",
                        "pairs of the journey's stage ids, such as [[\"mqa\", \"saa\"]]",
                    )
                })?);
            }
        }
        Ok(options)
    }
}

/// Partial aggregates of one shard of accounts: counts and sketches only.
#[derive(Debug, Clone, PartialEq)]
pub struct Partial {
    /// The journey's hash and stages, and the options: partials merge only when these agree.
    pub(crate) header: Header,
    /// By group (`None`: the account has no value for the grouping field, or no grouping).
    pub(crate) groups: Sorted<Option<String>, Group>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Header {
    pub journey_hash: String,
    pub stages: Vec<String>,
    pub terminal: Vec<bool>,
    pub options: ReportOptions,
}

/// One group's aggregates.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Group {
    pub accounts: u64,
    /// Per stage, in journey order.
    pub stages: Vec<StageCounts>,
    /// Moves in the period by (from, to); `None` is outside every stage.
    pub moves: Sorted<(Option<usize>, Option<usize>), u64>,
    /// Per velocity pair: accounts that entered the first stage in the period, those that
    /// reached the second afterwards, the times between, and those times by day bucket.
    pub velocity: Vec<Velocity>,
    /// By (stage, cohort start): entries in the period, conversions within each follow-up
    /// window, conversions by `as_of`.
    pub cohorts: Sorted<(usize, i64), Cohort>,
    /// By (stage, period start): entries and conversions happening in the period.
    pub rolling: Sorted<(usize, i64), (u64, u64)>,
    /// By (stage entered, what triggered the entry): accounts won in the period and their
    /// amounts, accounts whose pipeline was created in the period and theirs (amounts in
    /// hundredths, so sums are exact whatever the merge order).
    pub attribution: Sorted<(usize, String), [u64; 4]>,
    /// The forecast from `as_of` and the backtest from `backtest_at`, per stage.
    pub forecast: Vec<ForecastCounts>,
    pub backtest: Vec<ForecastCounts>,
    /// Target-list metrics: `[target accounts, other accounts]` for each count.
    pub targets: TargetCounts,
    /// Revenue retention over the period, indexed by [`Retained`]: accounts with recurring
    /// revenue when it began and what became of that revenue by its end (hundredths).
    pub retention: [u64; Retained::COUNT],
}

/// The counts of revenue retention, by position.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Retained {
    /// Accounts with recurring revenue just before the period.
    Accounts,
    /// Their recurring revenue then.
    Starting,
    /// What grew (accounts ending above their start: the difference).
    Expansion,
    /// What shrank without ending (accounts ending below their start, above zero).
    Contraction,
    /// What ended (accounts ending at zero: their start).
    Churned,
    /// Accounts ending at zero.
    ChurnedAccounts,
    /// Their recurring revenue at the period's end (or the report's date, if earlier).
    Ending,
}

impl Retained {
    pub(crate) const COUNT: usize = 7;
}

/// Accounts on the target list (`account.target`) and the others, side by side.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct TargetCounts {
    pub accounts: [u64; 2],
    /// Per stage: accounts that entered it by `as_of`.
    pub reached: Vec<[u64; 2]>,
    /// Accounts whose pipeline stage entry fell in the period, and of those the ones won after.
    pub pipeline: [u64; 2],
    pub won: [u64; 2],
}

impl TargetCounts {
    fn merge(&mut self, other: &TargetCounts) {
        let add = |a: &mut [u64; 2], b: &[u64; 2]| {
            for (x, y) in a.iter_mut().zip(b) {
                *x = x.saturating_add(*y);
            }
        };
        add(&mut self.accounts, &other.accounts);
        add(&mut self.pipeline, &other.pipeline);
        add(&mut self.won, &other.won);
        if self.reached.len() < other.reached.len() {
            self.reached.resize(other.reached.len(), [0; 2]);
        }
        for (a, b) in self.reached.iter_mut().zip(&other.reached) {
            add(a, b);
        }
    }
}

/// What a forecast from a date `t` needs, per stage: the stage's history before `t` (entries
/// whose horizon had passed by `t`, and how many of them were won within it), the accounts in
/// it at `t` with their opportunity amounts, and — for a backtest — how many of those were
/// won within the horizon after `t`. Amounts in hundredths; squares for the interval.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct ForecastCounts {
    pub entered: u64,
    pub won_within: u64,
    pub population: u64,
    pub amount: u64,
    pub amount_squares: u128,
    pub actual_won: u64,
    pub actual_amount: u64,
}

impl ForecastCounts {
    fn merge(&mut self, other: &ForecastCounts) {
        self.entered += other.entered;
        self.won_within += other.won_within;
        self.population += other.population;
        self.amount = self.amount.saturating_add(other.amount);
        self.amount_squares = self.amount_squares.saturating_add(other.amount_squares);
        self.actual_won += other.actual_won;
        self.actual_amount = self.actual_amount.saturating_add(other.actual_amount);
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct StageCounts {
    pub population: u64,
    pub entered: u64,
    pub converted: u64,
    pub skipped: u64,
    pub regressions: u64,
    pub breaches: u64,
    pub stuck: u64,
    /// Stays that ended in the period.
    pub dwell: Sketch,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Velocity {
    pub started: u64,
    pub times: Sketch,
    pub histogram: Vec<u64>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Cohort {
    pub entered: u64,
    pub within: Vec<u64>,
    pub converted: u64,
}

/// Most follow-up windows, and velocity pairs, one report takes.
pub(crate) const MAX_FOLLOW_UP: usize = 64;
pub(crate) const MAX_VELOCITY_PAIRS: usize = 1024;

/// The velocity histogram's upper bounds, in days (the last bucket is everything longer).
const VELOCITY_DAYS: [i64; 8] = [1, 7, 14, 30, 60, 90, 180, 365];

/// Accounts advanced to `as_of` at a time, to bound memory.
const PAGE: usize = 10_000;

impl Partial {
    /// The partial aggregates of every account of a replay state, replayed on to the options'
    /// `as_of`.
    ///
    /// # Errors
    /// `invalid-argument` when the state is another journey's, `as_of` is before events it has
    /// replayed, or the options name a stage the journey does not have.
    pub fn from_state(
        journey: &Journey,
        state: &ReplayState,
        options: &ReportOptions,
    ) -> Result<Partial, Error> {
        let mut partial = Partial::empty(journey, options)?;
        let mut offset = 0;
        loop {
            let page = state.advanced(journey, options.as_of, (offset, PAGE), &|_| Vec::new())?;
            for account in &page {
                partial.add(account);
            }
            if page.len() < PAGE {
                return Ok(partial);
            }
            offset += PAGE;
        }
    }

    /// A partial with no accounts.
    ///
    /// # Errors
    /// `invalid-argument` when a velocity pair names a stage position the journey lacks, or
    /// the period is empty.
    pub fn empty(journey: &Journey, options: &ReportOptions) -> Result<Partial, Error> {
        let def = journey.definition();
        let n = def.stages.len();
        if [options.won, options.pipeline]
            .iter()
            .flatten()
            .any(|&i| i >= n)
        {
            return Err(Error::new(
                Code::InvalidArgument,
                "/won",
                format!("the journey has {n} stages"),
            ));
        }
        if let Some((a, b)) = options.velocity.iter().find(|(a, b)| *a >= n || *b >= n) {
            return Err(Error::new(
                Code::InvalidArgument,
                "/velocity",
                format!("the journey has {n} stages; no stage {a} or {b}"),
            ));
        }
        if options.from > options.to.min(options.as_of) {
            return Err(Error::new(
                Code::InvalidArgument,
                "/from",
                "the period starts after it ends",
            ));
        }
        let mut follow_up = options.follow_up.clone();
        crate::sort::sort_by_key(&mut follow_up, |d| *d);
        follow_up.dedup();
        Ok(Partial {
            header: Header {
                journey_hash: journey.hash().to_string(),
                stages: def.stages.iter().map(|s| s.id.clone()).collect(),
                terminal: def
                    .stages
                    .iter()
                    .map(|s| s.kind == StageKind::Terminal)
                    .collect(),
                options: ReportOptions {
                    follow_up,
                    to: options.to.min(options.as_of),
                    ..options.clone()
                },
            },
            groups: Sorted::default(),
        })
    }

    /// Adds one account, its state replayed to the options' `as_of`.
    pub(crate) fn add(&mut self, account: &AccountState) {
        let header = &self.header;
        let o = &header.options;
        let key = o.group_by.and_then(|g| group_value(&account.facts, g));
        let n = header.stages.len();
        let Some(group) = self.groups.entry(key, || Group::new(n, o.velocity.len())) else {
            return;
        };
        group.accounts += 1;
        let in_period = |t: i64| o.from <= t && t <= o.to;
        if let Some(s) = account.stage.and_then(|i| group.stages.get_mut(i)) {
            s.population += 1;
            if account.breached_stay {
                s.stuck += 1;
            }
        }
        let forward = |kind: TransitionKind, to: Option<usize>| {
            matches!(kind, TransitionKind::Advance | TransitionKind::Skip)
                && to.is_some_and(|t| header.terminal.get(t) == Some(&false))
        };
        let transitions = &account.transitions;
        for (k, t) in transitions.iter().enumerate() {
            if t.at > o.as_of {
                break;
            }
            let next = transitions.get(k + 1).filter(|n| n.at <= o.as_of);
            if in_period(t.at) {
                if let Some(n) = group.moves.entry((t.from, t.to), || 0) {
                    *n += 1;
                }
                for &skipped in &t.skipped {
                    if let Some(s) = group.stages.get_mut(skipped) {
                        s.skipped += 1;
                    }
                }
                if t.kind == TransitionKind::Regression
                    && let Some(s) = t.from.and_then(|f| group.stages.get_mut(f))
                {
                    s.regressions += 1;
                }
            }
            let Some(stage) = t.to else { continue };
            // The stay this transition began, and how it ended (by `as_of`).
            let ended = next.map(|n| (n.at, forward(n.kind, n.to)));
            if let Some((end, _)) = ended
                && in_period(end)
                && let Some(s) = group.stages.get_mut(stage)
            {
                s.dwell.add(end - t.at);
            }
            let converted_at = ended.and_then(|(end, fwd)| fwd.then_some(end));
            if let Some(end) = converted_at
                && in_period(end)
            {
                let key = (stage, period_start(end, o.cohort));
                if let Some(r) = group.rolling.entry(key, || (0, 0)) {
                    r.1 += 1;
                }
            }
            if !in_period(t.at) {
                continue;
            }
            if let Some(s) = group.stages.get_mut(stage) {
                s.entered += 1;
                if converted_at.is_some() {
                    s.converted += 1;
                }
            }
            let key = (stage, period_start(t.at, o.cohort));
            if let Some(r) = group.rolling.entry(key, || (0, 0)) {
                r.0 += 1;
            }
            let Some(cohort) = group.cohorts.entry(key, || Cohort {
                within: vec![0; o.follow_up.len()],
                ..Cohort::default()
            }) else {
                continue;
            };
            cohort.entered += 1;
            if let Some(end) = converted_at {
                cohort.converted += 1;
                for (count, &window) in cohort.within.iter_mut().zip(&o.follow_up) {
                    if end - t.at <= window {
                        *count += 1;
                    }
                }
            }
        }
        for b in &account.breaches {
            if in_period(b.at)
                && b.at <= o.as_of
                && let Some(s) = group.stages.get_mut(b.stage)
            {
                s.breaches += 1;
            }
        }
        let amount = opportunity_amount(&account.facts);
        // The target list: accounts marked `account.target` against the others.
        let side = usize::from(!is_target(&account.facts));
        let bump = |cell: &mut [u64; 2]| {
            if let Some(n) = cell.get_mut(side) {
                *n += 1;
            }
        };
        bump(&mut group.targets.accounts);
        let starting = account.revenue_at(o.from.saturating_sub(1));
        if starting > 0 {
            let ending = account.revenue_at(o.to.min(o.as_of));
            let (change, by) = match ending {
                0 => (Retained::Churned, starting),
                e if e < starting => (Retained::Contraction, starting - e),
                e => (Retained::Expansion, e - starting),
            };
            for (what, n) in [
                (Retained::Accounts, 1),
                (Retained::Starting, starting),
                (Retained::Ending, ending),
                (change, by),
                (Retained::ChurnedAccounts, u64::from(ending == 0)),
            ] {
                if let Some(slot) = group.retention.get_mut(what as usize) {
                    *slot = slot.saturating_add(n);
                }
            }
        }
        let mut reached: Vec<usize> = transitions
            .iter()
            .filter(|t| t.at <= o.as_of)
            .filter_map(|t| t.to)
            .collect();
        crate::sort::sort_by_key(&mut reached, |s| *s);
        reached.dedup();
        for s in reached {
            if let Some(cell) = group.targets.reached.get_mut(s) {
                bump(cell);
            }
        }
        if let Some(p) = o.pipeline {
            let entry = transitions
                .iter()
                .position(|t| t.to == Some(p) && in_period(t.at) && t.at <= o.as_of);
            if let Some(k) = entry {
                bump(&mut group.targets.pipeline);
                let won = o.won.is_some_and(|w| {
                    transitions
                        .iter()
                        .skip(k + 1)
                        .any(|t| t.to == Some(w) && t.at <= o.as_of)
                });
                if won {
                    bump(&mut group.targets.won);
                }
            }
        }
        if let Some(won) = o.won {
            for (cut, counts, backtest) in [
                (o.as_of, &mut group.forecast, false),
                (o.backtest_at, &mut group.backtest, true),
            ] {
                forecast_counts(transitions, won, cut, o, amount, counts, backtest);
            }
        }
        for (column, target) in [(0, o.won), (2, o.pipeline)] {
            let Some(target) = target else { continue };
            let reached = transitions
                .iter()
                .position(|t| t.to == Some(target) && in_period(t.at) && t.at <= o.as_of);
            let Some(reached) = reached else { continue };
            // Each (stage, trigger) on the way counts the account once.
            let mut seen: Vec<(usize, &str)> = Vec::new();
            for t in transitions.iter().take(reached + 1) {
                let (Some(stage), label) = (t.to, trigger_label(&t.trigger)) else {
                    continue;
                };
                if seen.contains(&(stage, label)) {
                    continue;
                }
                seen.push((stage, label));
                let cell = group
                    .attribution
                    .entry((stage, label.to_string()), || [0; 4]);
                if let Some(cell) = cell {
                    if let Some(n) = cell.get_mut(column) {
                        *n += 1;
                    }
                    if let Some(sum) = cell.get_mut(column + 1) {
                        *sum = sum.saturating_add(amount);
                    }
                }
            }
        }
        for (pair, v) in o.velocity.iter().zip(group.velocity.iter_mut()) {
            let start = transitions
                .iter()
                .position(|t| t.to == Some(pair.0) && in_period(t.at) && t.at <= o.as_of);
            let Some((k, start)) = start.and_then(|k| Some((k, transitions.get(k)?))) else {
                continue;
            };
            v.started += 1;
            // The next entry into the second stage after that one (the same millisecond too).
            let reached = transitions
                .iter()
                .skip(k + 1)
                .find(|t| t.to == Some(pair.1) && t.at <= o.as_of);
            if let Some(end) = reached {
                let ms = end.at - start.at;
                v.times.add(ms);
                if v.histogram.is_empty() {
                    v.histogram = vec![0; VELOCITY_DAYS.len() + 1];
                }
                let bucket = VELOCITY_DAYS
                    .iter()
                    .position(|&d| ms <= d * DAY_MS)
                    .unwrap_or(VELOCITY_DAYS.len());
                if let Some(c) = v.histogram.get_mut(bucket) {
                    *c += 1;
                }
            }
        }
    }
}

/// The grouping field's value in an account's facts.
fn group_value(facts: &Data, g: GroupBy) -> Option<String> {
    let path = crate::expr::data::schema_path(&format!("account.{}", g.field()));
    match crate::expr::data::get_path(facts, &path)? {
        Data::String(s) => Some(s.to_string()),
        _ => None,
    }
}

/// One account's part in a forecast from `cut`: its stays that began (in the period) by
/// `cut - horizon` and whether each was won within the horizon; its stage at `cut`; for a
/// backtest, whether it was won within the horizon after `cut`.
fn forecast_counts(
    transitions: &[crate::replay::account::Transition],
    won: usize,
    cut: i64,
    o: &ReportOptions,
    amount: u64,
    counts: &mut [ForecastCounts],
    backtest: bool,
) {
    let won_between = |from: i64, to: i64| {
        transitions
            .iter()
            .any(|t| t.to == Some(won) && t.at > from && t.at <= to && t.at <= o.as_of)
    };
    let seen_by = cut.saturating_sub(o.horizon);
    for (k, t) in transitions.iter().enumerate() {
        if t.at < o.from || t.at > seen_by {
            continue;
        }
        let Some(c) = t.to.filter(|&s| s != won).and_then(|s| counts.get_mut(s)) else {
            continue;
        };
        c.entered += 1;
        // Won later within the horizon (a move in the same millisecond after it too).
        let end = t.at.saturating_add(o.horizon);
        let won_after = transitions
            .iter()
            .skip(k + 1)
            .any(|w| w.to == Some(won) && w.at <= end && w.at <= o.as_of);
        if won_after {
            c.won_within += 1;
        }
    }
    let at_cut = transitions.iter().take_while(|t| t.at <= cut).last();
    let Some(stage) = at_cut.and_then(|t| t.to).filter(|&s| s != won) else {
        return;
    };
    let Some(c) = counts.get_mut(stage) else {
        return;
    };
    c.population += 1;
    c.amount = c.amount.saturating_add(amount);
    c.amount_squares = c
        .amount_squares
        .saturating_add(u128::from(amount) * u128::from(amount));
    if backtest && won_between(cut, cut.saturating_add(o.horizon)) {
        c.actual_won += 1;
        c.actual_amount = c.actual_amount.saturating_add(amount);
    }
}

/// What triggered a transition, as attribution names it: the event's type, or `time`,
/// `max-dwell`, `recycle`, `conflict`.
fn trigger_label(trigger: &crate::replay::account::Trigger) -> &str {
    use crate::replay::account::Trigger;
    match trigger {
        Trigger::Event { kind, .. } => kind,
        Trigger::Time => "time",
        Trigger::MaxDwell => "max-dwell",
        Trigger::Recycle => "recycle",
        Trigger::Conflict(_) => "conflict",
    }
}

/// Whether the account is on the target list (`account.target`).
fn is_target(facts: &Data) -> bool {
    let path = crate::expr::data::schema_path("account.target");
    matches!(
        crate::expr::data::get_path(facts, &path),
        Some(Data::Bool(true))
    )
}

/// The account's opportunity amount in hundredths (0 when it has none).
fn opportunity_amount(facts: &Data) -> u64 {
    let path = crate::expr::data::schema_path("crm.opportunity.amount");
    crate::replay::account::hundredths(crate::expr::data::get_path(facts, &path)).unwrap_or(0)
}

/// The start of the cohort period `t` falls in (UTC).
fn period_start(t: i64, period: CohortPeriod) -> i64 {
    use chrono::{Datelike, NaiveDate};
    let Some(date) = crate::expr::data::date_of(t) else {
        return t;
    };
    let start = match period {
        CohortPeriod::Week => {
            date - chrono::Duration::days(i64::from(date.weekday().num_days_from_monday()))
        }
        CohortPeriod::Month => {
            NaiveDate::from_ymd_opt(date.year(), date.month(), 1).unwrap_or(date)
        }
        CohortPeriod::Quarter => {
            NaiveDate::from_ymd_opt(date.year(), (date.month0() / 3) * 3 + 1, 1).unwrap_or(date)
        }
    };
    start
        .and_hms_opt(0, 0, 0)
        .map_or(t, |d| d.and_utc().timestamp_millis())
}

/// A cohort period's name: `2026-W03`, `2026-01`, `2026-Q1`.
fn period_name(start: i64, period: CohortPeriod) -> String {
    use chrono::Datelike;
    let Some(date) = crate::expr::data::date_of(start) else {
        return String::new();
    };
    match period {
        CohortPeriod::Week => {
            let w = date.iso_week();
            format!("{}-W{:02}", w.year(), w.week())
        }
        CohortPeriod::Month => format!("{}-{:02}", date.year(), date.month()),
        CohortPeriod::Quarter => format!("{}-Q{}", date.year(), date.month0() / 3 + 1),
    }
}

/// Merges partials of the same journey and options into one, exactly: the result is the
/// partial of all their accounts together, whatever the split.
///
/// # Errors
/// `invalid-argument` when there are none, or they differ in journey or options.
pub fn merge(partials: &[Partial]) -> Result<Partial, Error> {
    let Some((first, rest)) = partials.split_first() else {
        return Err(Error::new(
            Code::InvalidArgument,
            "",
            "mergeReports needs at least one partial",
        ));
    };
    let mut out = first.clone();
    for (i, p) in rest.iter().enumerate() {
        if p.header != out.header {
            return Err(Error::new(
                Code::InvalidArgument,
                format!("/{}", i + 1),
                "this partial is of another journey or other report options: partials merge only when both match",
            ));
        }
        for (key, group) in p.groups.iter() {
            let mut fresh = false;
            let into = out.groups.entry(key.clone(), || {
                fresh = true;
                group.clone()
            });
            if let (Some(into), false) = (into, fresh) {
                into.merge(group);
            }
        }
    }
    Ok(out)
}

impl Group {
    /// An empty group of a journey with `stages` stages and `pairs` velocity pairs.
    pub(crate) fn new(stages: usize, pairs: usize) -> Group {
        Group {
            stages: vec![StageCounts::default(); stages],
            velocity: vec![Velocity::default(); pairs],
            forecast: vec![ForecastCounts::default(); stages],
            backtest: vec![ForecastCounts::default(); stages],
            targets: TargetCounts {
                reached: vec![[0; 2]; stages],
                ..TargetCounts::default()
            },
            ..Group::default()
        }
    }

    fn merge(&mut self, other: &Group) {
        self.accounts += other.accounts;
        for (a, b) in self.stages.iter_mut().zip(&other.stages) {
            a.population += b.population;
            a.entered += b.entered;
            a.converted += b.converted;
            a.skipped += b.skipped;
            a.regressions += b.regressions;
            a.breaches += b.breaches;
            a.stuck += b.stuck;
            a.dwell.merge(&b.dwell);
        }
        for (key, n) in other.moves.iter() {
            if let Some(into) = self.moves.entry(*key, || 0) {
                *into += n;
            }
        }
        for (a, b) in self.velocity.iter_mut().zip(&other.velocity) {
            a.started += b.started;
            a.times.merge(&b.times);
            if a.histogram.len() < b.histogram.len() {
                a.histogram.resize(b.histogram.len(), 0);
            }
            for (x, y) in a.histogram.iter_mut().zip(&b.histogram) {
                *x += y;
            }
        }
        for (key, c) in other.cohorts.iter() {
            let Some(into) = self.cohorts.entry(*key, || Cohort {
                within: vec![0; c.within.len()],
                ..Cohort::default()
            }) else {
                continue;
            };
            into.entered += c.entered;
            into.converted += c.converted;
            for (x, y) in into.within.iter_mut().zip(&c.within) {
                *x += y;
            }
        }
        self.targets.merge(&other.targets);
        for (a, b) in self.retention.iter_mut().zip(other.retention) {
            *a = a.saturating_add(b);
        }
        for (a, b) in self.forecast.iter_mut().zip(&other.forecast) {
            a.merge(b);
        }
        for (a, b) in self.backtest.iter_mut().zip(&other.backtest) {
            a.merge(b);
        }
        for (key, cell) in other.attribution.iter() {
            if let Some(into) = self.attribution.entry(key.clone(), || [0; 4]) {
                for (x, y) in into.iter_mut().zip(cell) {
                    *x = x.saturating_add(*y);
                }
            }
        }
        for (key, (e, c)) in other.rolling.iter() {
            if let Some(into) = self.rolling.entry(*key, || (0, 0)) {
                into.0 += e;
                into.1 += c;
            }
        }
    }
}

/// The finished reports.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Reports {
    /// The date they are as of.
    pub as_of: String,
    /// The period counted in.
    pub period: Period,
    /// The hash of the journey replayed.
    pub journey_hash: String,
    /// How cohorts are cut: `week`, `month`, `quarter`.
    pub cohort_period: &'static str,
    /// The grouping field (`null`: none).
    pub group_by: Option<&'static str>,
    /// One report set per group, by group value (`null` first: no value, or no grouping).
    pub groups: Vec<GroupReports>,
}

/// A period, inclusive.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Period {
    /// Its start (`null`: all of history).
    pub from: Option<String>,
    /// Its end.
    pub to: String,
}

/// The reports of one group.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupReports {
    /// The group's value (`null`: none).
    pub group: Option<String>,
    /// Accounts in the group.
    pub accounts: u64,
    /// Per stage, in journey order.
    pub funnel: Vec<FunnelRow>,
    /// Per stage and cohort period with entries.
    pub cohorts: Vec<CohortRow>,
    /// Per stage and period: entries and conversions that happened in it.
    pub rolling: Vec<RollingRow>,
    /// Per velocity pair.
    pub velocity: Vec<VelocityRow>,
    /// Moves in the period, by from and to.
    pub matrix: Vec<MatrixRow>,
    /// Won accounts and created pipeline, by the stage entries on their way.
    pub attribution: Vec<AttributionRow>,
    /// Wins expected within the horizon after the date (`null`: no won stage).
    pub forecast: Option<Forecast>,
    /// The same forecast from `backtestAt`, beside what happened.
    pub backtest: Option<Forecast>,
    /// The target list against the other accounts: coverage by stage, win rates.
    pub account_metrics: AccountMetrics,
}

/// One stage of the funnel.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FunnelRow {
    /// The stage.
    pub stage: String,
    /// Accounts in it as of the date.
    pub population: u64,
    /// Entries into it in the period.
    pub entered: u64,
    /// Of those, stays that ended in a forward move (advance or skip) to a stage that is not
    /// terminal, by the date.
    pub converted: u64,
    /// `converted / entered` (`null` when none entered).
    pub conversion_rate: Option<f64>,
    /// Skips in the period that passed over it.
    pub skipped: u64,
    /// Regressions out of it in the period.
    pub regressions: u64,
    /// Max-dwell breaches of it in the period.
    pub breaches: u64,
    /// Accounts in it as of the date that breached its max dwell and have not moved since.
    pub stuck: u64,
    /// Stays in it that ended in the period.
    pub dwell: Distribution,
}

/// Durations: how many, the median and the 90th percentile (within 1 %).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Distribution {
    /// How many durations.
    pub count: u64,
    /// Their median, milliseconds (`null`: none).
    pub median_ms: Option<i64>,
    /// Their 90th percentile, milliseconds (`null`: none).
    pub p90_ms: Option<i64>,
}

/// A cohort: the entries into a stage in one period, and how many converted.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CohortRow {
    /// The stage entered.
    pub stage: String,
    /// The period's name (`2026-W03`, `2026-01`, `2026-Q1`).
    pub period: String,
    /// The period's first day.
    pub start: String,
    /// Entries.
    pub entered: u64,
    /// Per follow-up window: the window (`30d`) and how many converted within it.
    pub within: Vec<Within>,
    /// How many converted by the date.
    pub converted: u64,
    /// `converted / entered`.
    pub conversion_rate: f64,
}

/// Conversions within one follow-up window.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Within {
    /// The window.
    pub window: String,
    /// How many converted within it.
    pub converted: u64,
    /// `converted / entered`.
    pub rate: f64,
}

/// The rolling view: what happened in one period.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RollingRow {
    /// The stage.
    pub stage: String,
    /// The period's name.
    pub period: String,
    /// The period's first day.
    pub start: String,
    /// Entries in the period.
    pub entered: u64,
    /// Conversions out of the stage in the period (whenever the stay began).
    pub converted: u64,
    /// `converted / entered` (`null` when none entered): the rolling rate cohorts correct.
    pub rate: Option<f64>,
}

/// Time between two stages.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VelocityRow {
    /// The first stage.
    pub from: String,
    /// The second.
    pub to: String,
    /// Accounts that entered the first in the period.
    pub started: u64,
    /// Of those, how many entered the second afterwards, and how long it took.
    pub reached: Distribution,
    /// The times by bucket: up to 1, 7, 14, 30, 60, 90, 180, 365 days, and longer (`null`).
    pub histogram: Vec<Bucket>,
}

/// A histogram bucket.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Bucket {
    /// The upper bound in days, inclusive (`null`: unbounded).
    pub up_to_days: Option<i64>,
    /// How many.
    pub count: u64,
}

/// Closed-loop attribution: accounts won, and pipeline created, in the period, by the stage
/// entries on their way and what triggered each.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AttributionRow {
    /// A stage the accounts entered on the way (the won or pipeline stage included).
    pub stage: String,
    /// What triggered that entry: the event's type (`page_view`, `sales_accepted`, …), or
    /// `time`, `max-dwell`, `recycle`, `conflict`.
    pub trigger: String,
    /// Accounts won in the period with such an entry on the way.
    pub won_accounts: u64,
    /// Their opportunity amounts, summed.
    pub won_amount: f64,
    /// Accounts whose pipeline was created in the period with such an entry on the way.
    pub pipeline_accounts: u64,
    /// Their opportunity amounts, summed.
    pub pipeline_amount: f64,
}

/// A forecast of wins within the horizon after a date, from the stages accounts are in then
/// and each stage's history of wins within the horizon after entry.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Forecast {
    /// The date it forecasts from.
    pub at: String,
    /// How far ahead.
    pub horizon: String,
    /// The stage that means won.
    pub won: String,
    /// Per stage with accounts in it then or history.
    pub stages: Vec<ForecastRow>,
    /// Expected wins, with a 90 % interval (each account won independently at its stage's rate).
    pub wins: Estimate,
    /// Expected won amount (the accounts' opportunity amounts), with a 90 % interval.
    pub amount: Estimate,
    /// For a backtest: what happened — accounts won within the horizon, and their amounts.
    pub actual: Option<Actual>,
}

/// A forecast's row for one stage.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ForecastRow {
    /// The stage.
    pub stage: String,
    /// Accounts in it at the date.
    pub population: u64,
    /// Entries into it whose horizon had passed by the date, and how many were won within it.
    pub history: u64,
    /// `won within / history` (`null`: no history).
    pub rate: Option<f64>,
    /// `population × rate`.
    pub expected_wins: f64,
    /// Their opportunity amounts × rate.
    pub expected_amount: f64,
    /// For a backtest: how many were won within the horizon, and their amounts.
    pub actual_wins: Option<u64>,
    /// As above, amounts.
    pub actual_amount: Option<f64>,
}

/// An expected value with a 90 % interval.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Estimate {
    /// The expectation.
    pub expected: f64,
    /// The interval's lower end (≥ 0).
    pub low: f64,
    /// Its upper end.
    pub high: f64,
}

/// What happened after a backtest's date.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Actual {
    /// Accounts won within the horizon.
    pub wins: u64,
    /// Their amounts.
    pub amount: f64,
    /// Whether the wins fell within the forecast's interval.
    pub wins_within_interval: bool,
}

/// How the target list fares against the other accounts.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountMetrics {
    /// Accounts on the target list (`account.target`).
    pub target_accounts: u64,
    /// The others.
    pub other_accounts: u64,
    /// Per stage: how many target accounts (and others) entered it by the date, and the share
    /// of the target list that did (coverage).
    pub coverage: Vec<CoverageRow>,
    /// Of the accounts whose pipeline stage entry fell in the period, the share won after:
    /// target accounts, and the others as the baseline.
    pub win_rate: WinRates,
    /// Net and gross revenue retention over the period (post-sale: recurring revenue from
    /// wins, expansions, renewals and churn).
    pub retention: Retention,
}

/// What became of the recurring revenue of the accounts that had some just before the period,
/// by its end (or the report's date, if earlier). Amounts as given in events.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Retention {
    /// Accounts with recurring revenue just before the period.
    pub accounts: u64,
    /// Their recurring revenue then.
    pub starting: f64,
    /// Growth of the accounts that end above their start.
    pub expansion: f64,
    /// Shrinkage of the accounts that end below their start but above zero.
    pub contraction: f64,
    /// The starting revenue of the accounts that end at zero.
    pub churned: f64,
    /// Accounts that end at zero.
    pub churned_accounts: u64,
    /// The same accounts' recurring revenue at the end.
    pub ending: f64,
    /// Net revenue retention, `ending / starting` (`null`: no starting revenue).
    pub net: Option<f64>,
    /// Gross revenue retention, `(starting − contraction − churned) / starting`: growth left
    /// out (`null`: no starting revenue).
    pub gross: Option<f64>,
}

/// One stage's coverage of the target list.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CoverageRow {
    /// The stage.
    pub stage: String,
    /// Target accounts that entered it by the date.
    pub targets: u64,
    /// `targets / target accounts` (`null`: no target accounts).
    pub share: Option<f64>,
    /// Other accounts that entered it.
    pub others: u64,
}

/// Win rates from the pipeline stage.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WinRates {
    /// Target accounts.
    pub target: WinRate,
    /// The other accounts.
    pub baseline: WinRate,
}

/// Accounts into the pipeline stage in the period, and how many were won after.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WinRate {
    /// Accounts whose pipeline stage entry fell in the period.
    pub pipeline: u64,
    /// Of those, won after it by the date.
    pub won: u64,
    /// `won / pipeline` (`null`: none).
    pub rate: Option<f64>,
}

/// Moves from one stage to another.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MatrixRow {
    /// From (`null`: outside every stage — the account's entry).
    pub from: Option<String>,
    /// To (`null`: out of every stage).
    pub to: Option<String>,
    /// How many moves in the period.
    pub count: u64,
}

/// A forecast's finished numbers: per stage, rate × population; in all, the expectations with
/// a normal approximation's 90 % interval (accounts won independently at their stage's rate).
fn forecast(h: &Header, counts: &[ForecastCounts], at: i64, backtest: bool) -> Option<Forecast> {
    let o = &h.options;
    let won = h.stages.get(o.won?)?.clone();
    const Z90: f64 = 1.644_853_626_951_472_2;
    let (mut wins, mut wins_var, mut amount, mut amount_var) = (0.0, 0.0, 0.0, 0.0);
    let (mut actual_wins, mut actual_amount) = (0u64, 0u64);
    let stages = counts
        .iter()
        .enumerate()
        .filter(|(_, c)| c.population > 0 || c.entered > 0)
        .map(|(i, c)| {
            let rate = ratio(c.won_within, c.entered);
            let p = rate.unwrap_or(0.0);
            let money = c.amount as f64 / 100.0;
            wins += c.population as f64 * p;
            wins_var += c.population as f64 * p * (1.0 - p);
            amount += money * p;
            amount_var += (c.amount_squares as f64 / 10_000.0) * p * (1.0 - p);
            actual_wins += c.actual_won;
            actual_amount += c.actual_amount;
            ForecastRow {
                stage: h.stages.get(i).cloned().unwrap_or_default(),
                population: c.population,
                history: c.entered,
                rate,
                expected_wins: c.population as f64 * p,
                expected_amount: money * p,
                actual_wins: backtest.then_some(c.actual_won),
                actual_amount: backtest.then_some(c.actual_amount as f64 / 100.0),
            }
        })
        .collect();
    let estimate = |mean: f64, var: f64| Estimate {
        expected: mean,
        low: (mean - Z90 * var.sqrt()).max(0.0),
        high: mean + Z90 * var.sqrt(),
    };
    let wins = estimate(wins, wins_var);
    let actual = backtest.then(|| Actual {
        wins: actual_wins,
        amount: actual_amount as f64 / 100.0,
        wins_within_interval: (wins.low..=wins.high).contains(&(actual_wins as f64)),
    });
    Some(Forecast {
        at: format_timestamp(at),
        horizon: crate::expr::data::format_duration(o.horizon),
        won,
        stages,
        wins,
        amount: estimate(amount, amount_var),
        actual,
    })
}

fn retention(counts: &[u64; Retained::COUNT]) -> Retention {
    let n = |what: Retained| counts.get(what as usize).copied().unwrap_or(0);
    let money = |what: Retained| n(what) as f64 / 100.0;
    let starting = n(Retained::Starting);
    let kept = starting
        .saturating_sub(n(Retained::Contraction))
        .saturating_sub(n(Retained::Churned));
    Retention {
        accounts: n(Retained::Accounts),
        starting: money(Retained::Starting),
        expansion: money(Retained::Expansion),
        contraction: money(Retained::Contraction),
        churned: money(Retained::Churned),
        churned_accounts: n(Retained::ChurnedAccounts),
        ending: money(Retained::Ending),
        net: ratio(n(Retained::Ending), starting),
        gross: ratio(kept, starting),
    }
}

fn account_metrics(h: &Header, g: &Group) -> AccountMetrics {
    let t = &g.targets;
    let [targets, others] = t.accounts;
    let rate = |side: usize| {
        let pipeline = t.pipeline.get(side).copied().unwrap_or(0);
        let won = t.won.get(side).copied().unwrap_or(0);
        WinRate {
            pipeline,
            won,
            rate: ratio(won, pipeline),
        }
    };
    AccountMetrics {
        target_accounts: targets,
        other_accounts: others,
        coverage: h
            .stages
            .iter()
            .enumerate()
            .map(|(i, stage)| {
                let [reached, other] = t.reached.get(i).copied().unwrap_or([0; 2]);
                CoverageRow {
                    stage: stage.clone(),
                    targets: reached,
                    share: ratio(reached, targets),
                    others: other,
                }
            })
            .collect(),
        win_rate: WinRates {
            target: rate(0),
            baseline: rate(1),
        },
        retention: retention(&g.retention),
    }
}

fn ratio(a: u64, b: u64) -> Option<f64> {
    (b > 0).then(|| a as f64 / b as f64)
}

fn distribution(s: &Sketch) -> Distribution {
    Distribution {
        count: s.count(),
        median_ms: s.quantile(0.5),
        p90_ms: s.quantile(0.9),
    }
}

impl Partial {
    /// The reports these aggregates give.
    pub fn finish(&self) -> Reports {
        let h = &self.header;
        let o = &h.options;
        let stage = |i: usize| h.stages.get(i).cloned().unwrap_or_default();
        let day = |t: i64| {
            format_timestamp(t)
                .get(..10)
                .unwrap_or_default()
                .to_string()
        };
        let groups = self
            .groups
            .iter()
            .map(|(key, g)| GroupReports {
                group: key.clone(),
                accounts: g.accounts,
                funnel: g
                    .stages
                    .iter()
                    .enumerate()
                    .map(|(i, s)| FunnelRow {
                        stage: stage(i),
                        population: s.population,
                        entered: s.entered,
                        converted: s.converted,
                        conversion_rate: ratio(s.converted, s.entered),
                        skipped: s.skipped,
                        regressions: s.regressions,
                        breaches: s.breaches,
                        stuck: s.stuck,
                        dwell: distribution(&s.dwell),
                    })
                    .collect(),
                cohorts: g
                    .cohorts
                    .iter()
                    .map(|(&(i, start), c)| CohortRow {
                        stage: stage(i),
                        period: period_name(start, o.cohort),
                        start: day(start),
                        entered: c.entered,
                        within: o
                            .follow_up
                            .iter()
                            .zip(&c.within)
                            .map(|(&w, &n)| Within {
                                window: crate::expr::data::format_duration(w),
                                converted: n,
                                rate: ratio(n, c.entered).unwrap_or(0.0),
                            })
                            .collect(),
                        converted: c.converted,
                        conversion_rate: ratio(c.converted, c.entered).unwrap_or(0.0),
                    })
                    .collect(),
                rolling: g
                    .rolling
                    .iter()
                    .map(|(&(i, start), &(entered, converted))| RollingRow {
                        stage: stage(i),
                        period: period_name(start, o.cohort),
                        start: day(start),
                        entered,
                        converted,
                        rate: ratio(converted, entered),
                    })
                    .collect(),
                velocity: o
                    .velocity
                    .iter()
                    .zip(&g.velocity)
                    .map(|(&(a, b), v)| VelocityRow {
                        from: stage(a),
                        to: stage(b),
                        started: v.started,
                        reached: distribution(&v.times),
                        histogram: (0..=VELOCITY_DAYS.len())
                            .map(|k| Bucket {
                                up_to_days: VELOCITY_DAYS.get(k).copied(),
                                count: v.histogram.get(k).copied().unwrap_or(0),
                            })
                            .collect(),
                    })
                    .collect(),
                matrix: g
                    .moves
                    .iter()
                    .map(|(&(from, to), &count)| MatrixRow {
                        from: from.map(stage),
                        to: to.map(stage),
                        count,
                    })
                    .collect(),
                attribution: g
                    .attribution
                    .iter()
                    .map(|((i, trigger), cell)| {
                        let [won, won_amount, pipeline, pipeline_amount] = *cell;
                        AttributionRow {
                            stage: stage(*i),
                            trigger: trigger.clone(),
                            won_accounts: won,
                            won_amount: won_amount as f64 / 100.0,
                            pipeline_accounts: pipeline,
                            pipeline_amount: pipeline_amount as f64 / 100.0,
                        }
                    })
                    .collect(),
                account_metrics: account_metrics(h, g),
                forecast: forecast(h, &g.forecast, o.as_of, false),
                backtest: forecast(h, &g.backtest, o.backtest_at, true),
            })
            .collect();
        Reports {
            as_of: format_timestamp(o.as_of),
            period: Period {
                from: (o.from > crate::expr::MIN_TIMESTAMP_MS).then(|| format_timestamp(o.from)),
                to: format_timestamp(o.to),
            },
            journey_hash: h.journey_hash.clone(),
            cohort_period: match o.cohort {
                CohortPeriod::Week => "week",
                CohortPeriod::Month => "month",
                CohortPeriod::Quarter => "quarter",
            },
            group_by: o.group_by.map(GroupBy::field),
            groups,
        }
    }
}
