//! The JavaScript binding: the only module that names wasm-bindgen or js-sys, compiled only
//! for `wasm32`.
//!
//! Every export takes `JsValue` and converts inside, so a wrong argument (`undefined`, a number
//! for a definition, a cyclic object, a huge or ill-formed string) becomes a `JourneyError`
//! instead of a trap, and the instance stays usable. Errors thrown are real JS `Error` objects
//! with `name = "JourneyError"` and `code`, `path`, `span`, `diagnostics` properties.
//! Results are plain JS objects (camelCase, `null` for absent values) built from the same serde
//! types the native API serialises, so every runtime prints the same JSON.

use js_sys::{JsString, Reflect};
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::error::{Code, Diagnostic, Error};
use crate::json::MAX_INPUT_BYTES;
use crate::{Definition, Journey as CoreJourney, Validation};

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/** Where a diagnostic points in the definition text (UTF-16 offsets; 1-based line and column). */
export interface Span { start: number; end: number; line: number; column: number; }

/** One problem found in a definition. */
export interface Diagnostic {
  severity: "error" | "warning";
  /** Stable machine code, documented in docs/errors.md. */
  code: string;
  /** JSON pointer to the offending value ("" is the whole definition). */
  path: string;
  /** Present when the definition was given as JSON text. */
  span: Span | null;
  message: string;
}

/** The result of validateDefinition: never thrown, always returned. */
export interface ValidationResult { ok: boolean; diagnostics: Diagnostic[]; }

export type StageKind = "pre-sale" | "terminal" | "post-sale";

/** What fires when an account stays in a stage longer than `after` (a duration like "45d"). */
export interface MaxDwell {
  after: string;
  action: "re-engagement" | "manager-review" | "stage-downgrade";
  play: string | null;
  downgradeTo: string | null;
}

export interface StageSummary {
  index: number; id: string; name: string; kind: StageKind; owner: string | null;
  /** Criteria-language expressions (docs/criteria-language.md). */
  entryCriteria: string | null;
  exitCriteria: string | null;
  maxDwell: MaxDwell | null;
}

export interface JourneySummary {
  id: string; name: string; version: string;
  /** SHA-256 (hex) of the canonical definition: the same meaning gives the same hash. */
  hash: string;
  stages: StageSummary[];
}

/** A handoff deadline that starts when an account enters the stage. */
export interface Sla {
  id: string; within: string; businessHours: boolean; until: string; owner: string;
  onBreach: { action: MaxDwell["action"]; play: string | null } | null;
}

/** What a rejection does: reason codes, and recycle to an earlier stage after a delay. */
export interface Rejection { reasonCodes: string[]; recycleTo: string; after: string; }

/** Working days and hours for SLAs in business hours. */
export interface Calendar {
  utcOffset: string; workingDays: string[]; workStart: string; workEnd: string; holidays: string[];
}

/** A stage as written in a definition (docs/definition-format.md). */
export interface StageDefinition {
  id: string; name: string; kind: StageKind; owner: string | null; description: string | null;
  entryCriteria: string | null; exitCriteria: string | null; maxDwell: MaxDwell | null;
  sla: Sla | null; rejection: Rejection | null; regressTo: string[];
  /** Buying-group roles that must be engaged, besides the entry criteria. */
  requiredRoles: string[];
  priority: number | null;
}

/** How contacts count as engaged and which roles a deal needs (docs/scoring.md). */
export interface BuyingGroupModel {
  requiredRoles: string[]; engagementWindow: string; minSignals: number; signalTypes: string[];
}

export type ScoreComponent = "fit" | "intent" | "engagement" | "usage" | "relationship";

/** How a signal type scores: points to a component, fading with age, capped. */
export interface SignalPoints {
  component: ScoreComponent; points: number;
  decay: { halfLife: string } | { linear: string } | { window: string } | null;
  cap: number | null;
  /** Points × strength / 100 (a signal without strength does not count). */
  byStrength: boolean;
  /** Points × the signal's value, e.g. active users (a signal without one does not count). */
  byValue: boolean;
}

/** The scoring model (docs/definition-format.md, "scoring"). */
export interface Scoring {
  weights: Partial<Record<ScoreComponent, number>>;
  caps: Partial<Record<ScoreComponent, number>>;
  /** Most points one contact's signals may add to a component. */
  contactCaps: Partial<Record<ScoreComponent, number>>;
  /** Fit from the rules, or imported from the account's `score.fit` (0–100). */
  fitSource: "rules" | "imported";
  fit: { when: string; points: number }[];
  /** Points to another component when a criterion holds (an existing customer, a partner). */
  rules: { component: ScoreComponent; when: string; points: number }[];
  signals: Record<string, SignalPoints>;
}

/** A journey definition in canonical form. */
export interface JourneyDefinition {
  id: string; name: string; version: string; owner: string | null; approvers: string[];
  effectiveDate: string | null; description: string | null; calendar: Calendar | null;
  scoring: Scoring | null; buyingGroup: BuyingGroupModel | null;
  /** What an account meeting no stage's entry criteria is: a gap (warned) or outside the journey. */
  unmatched: "gap" | "outside";
  stages: StageDefinition[];
}

/** A journey definition: an object, or its JSON text (then diagnostics carry spans). */
export type DefinitionInput = string | Record<string, unknown>;

/** A shipped journey template (see the README's "Templates"). */
export interface TemplateInfo {
  id: string; name: string; description: string | null; hash: string; definition: JourneyDefinition;
}

/** A conflict rule: while an account is in `when`'s stages, `suppress`'s stages do not apply. */
export interface Conflict {
  id: string;
  when: { journey: string; stages: string[] };
  suppress: { journey: string; stages: string[] };
}

/** What a JourneySet is: its journeys, roll-up order and conflict rules. */
export interface JourneySetSummary {
  id: string; name: string; version: string; hash: string;
  journeys: JourneySummary[]; rollup: string[]; conflicts: Conflict[];
}

/** An account as score(), buyingGroup() and criteria read it (docs/criteria-language.md).
 * Every field may be left out; timestamps are RFC 3339 strings, `YYYY-MM-DD` or Date objects. */
export interface AccountData {
  stage?: string | null; daysInStage?: number | null;
  account?: {
    id?: string; name?: string | null; domain?: string | null; segment?: string | null;
    owner?: string | null; motion?: string | null; productLine?: string | null; target?: boolean;
  };
  firmographics?: {
    resolved?: boolean; industry?: string | null; country?: string | null;
    employees?: number | null; revenue?: number | null; techStack?: string[];
  };
  /** Scores given as input are kept (imports); `fit` is the import when `fitSource` is "imported". */
  score?: {
    composite?: number; fit?: number | null; intent?: number | null; engagement?: number | null;
    usage?: number | null; relationship?: number | null;
  };
  signals?: {
    type: string; at: string | Date; topic?: string | null; strength?: number | null;
    contact?: string | null; value?: number | null;
  }[];
  contacts?: { id: string; role?: string | null; name?: string | null; title?: string | null }[];
  /** Computed from `contacts` when there are any; otherwise read as given. */
  buyingGroup?: {
    roles?: string[]; engagedRoles?: string[]; engagedContacts?: number; coverage?: number | null;
    missingRoles?: string[];
  };
  crm?: {
    salesAccepted?: boolean; rejected?: boolean; rejectionReason?: string | null; won?: boolean;
    lost?: boolean; churned?: boolean; customerSince?: string | Date | null;
    opportunity?: { open?: boolean; amount?: number | null; stage?: string | null; createdAt?: string | Date | null };
  };
}

/** One dated contribution to a score component. */
export interface Contribution {
  component: ScoreComponent;
  /** `signal:<type>`, `fit:<rule index>`, `rule:<rule index>`, `imported:fit`, or `cap` (the component's cap or floor). */
  source: string;
  at: string | null;
  /** The contact the signal names, when the account lists it. */
  contact: string | null;
  base: number; factor: number; points: number; note: string | null;
}

/** An account's score as of a date, with what explains it. */
export interface Score {
  asOf: string;
  /** Weighted blend of the known components, 0–100; null when none is known. */
  composite: number | null;
  components: { component: ScoreComponent; value: number | null; cap: number; normalized: number | null; weight: number }[];
  /** The largest contributions summed by component and source (at most 5), largest first. */
  top: { component: ScoreComponent; source: string; count: number; points: number }[];
  /** Caps that clipped points: `component`, `type:<signal type>` or `contact:<id>`. */
  clipped: { component: ScoreComponent; cap: string; limit: number; clipped: number }[];
  /** Rules left undecided because every fact they read is missing (`fit:2`, `rule:0`). */
  unknown: string[];
  /** Every contribution (they sum to the components); null unless asked for with `ledger: true`. */
  ledger: Contribution[] | null;
  ignored: { afterAsOf: number; unknownTypes: Record<string, number>; missingStrength: number; missingValue: number };
}

/** One row of scoreMany: normalised scores (0–100, null when unknown), or the row's error. */
export type ScoreRow =
  | { composite: number | null; fit: number | null; intent: number | null; engagement: number | null;
      usage: number | null; relationship: number | null }
  | { error: { row: number; code: string; path: string; message: string } };

/** Strings dictionary-encoded: row r holds values[codes[r]]; a code past the end is null. */
export interface EncodedStrings { codes: Uint32Array; values: string[] }

/** Lists of strings flattened: row r holds values[codes[k]] for k in offsets[r]..offsets[r + 1]. */
export interface EncodedStringLists { offsets: Uint32Array; codes: Uint32Array; values: string[] }

/** A batch of accounts as columns, for scoreColumns (docs/scoring.md, "Batches"). */
export interface AccountColumns {
  /** How many accounts (rows). */
  length: number;
  /** Per-account fields by context path ("firmographics.employees"): Float64Array for numbers
   * and timestamps in epoch ms (NaN is null), Uint8Array for booleans (0, 1; other is null),
   * strings as an array (null allowed) or EncodedStrings, lists of strings as arrays of arrays
   * or (faster) EncodedStringLists. */
  fields?: Record<string, Float64Array | Uint8Array | (string | null)[] | EncodedStrings | string[][] | EncodedStringLists>;
  /** Every account's signals as parallel arrays, in any order. */
  signals?: {
    /** The row of the account each signal belongs to. */
    account: Uint32Array;
    type: EncodedStrings | string[];
    /** Epoch milliseconds (whole). */
    at: Float64Array;
    /** 0–100; NaN: none. */
    strength?: Float64Array;
    /** A number per signal for types scored by value (active users…); NaN: none. */
    value?: Float64Array;
    /** The contact each signal names (null or a code past the end: none). */
    contact?: EncodedStrings | (string | null)[];
  };
}

/** The result of scoreColumns: per row, NaN where unknown or where the row failed. */
export interface ColumnScores {
  composite: Float64Array; fit: Float64Array; intent: Float64Array; engagement: Float64Array;
  usage: Float64Array; relationship: Float64Array;
  /** One per failed row, in row order. */
  errors: { row: number; code: string; path: string; message: string }[];
  ignored: { afterAsOf: number; unknownTypes: Record<string, number>; missingStrength: number; missingValue: number };
}

/** The result of classifyColumns. */
export interface ColumnStages {
  /** The journey's stage ids, in definition order. */
  stages: string[];
  /** Per row, the winning stage's position in `stages`; 65535: no stage holds, or the row failed. */
  stage: Uint16Array;
  /** Per row, the composite score the criteria saw; NaN: unknown, or the row failed. */
  composite: Float64Array;
  /** One per failed row, in row order. */
  errors: { row: number; code: string; path: string; message: string }[];
  ignored: { afterAsOf: number; unknownTypes: Record<string, number>; missingStrength: number; missingValue: number };
}

/** Options of the reports (docs/reports.md). */
export interface ReportOptions {
  asOf: string;
  /** The period entries, moves, breaches and ended stays are counted in (inclusive; a date alone as `to` is that whole day); default: all of history up to asOf. */
  from?: string; to?: string;
  /** How cohorts are cut (UTC): ISO weeks, months (default) or quarters. */
  cohort?: "week" | "month" | "quarter";
  /** Follow-up windows for cohort conversion; default ["30d", "60d", "90d"]. */
  followUp?: string[];
  /** Pairs of stage ids to time; default each step between consecutive stages that are not terminal. */
  velocity?: [string, string][];
  groupBy?: "segment" | "motion" | "productLine" | "owner";
  /** Attribution: the stage that means won (default: the first post-sale stage) and the one whose entry means pipeline created (default: the last pre-sale stage before it). */
  won?: string; pipeline?: string;
  /** The forecast's horizon (default "90d") and the date its backtest forecasts from (default asOf - horizon). */
  horizon?: string; backtestAt?: string;
  /** Return the mergeable partial aggregates (a Uint8Array for mergeReports) instead. */
  partial?: boolean;
}

/** Durations: how many, median and 90th percentile in milliseconds (within 1 %). */
export interface Distribution { count: number; medianMs: number | null; p90Ms: number | null }

/** The reports of one group of accounts. */
export interface GroupReports {
  group: string | null;
  accounts: number;
  funnel: { stage: string; population: number; entered: number; converted: number; conversionRate: number | null;
    skipped: number; regressions: number; breaches: number; stuck: number; dwell: Distribution }[];
  cohorts: { stage: string; period: string; start: string; entered: number;
    within: { window: string; converted: number; rate: number }[]; converted: number; conversionRate: number }[];
  rolling: { stage: string; period: string; start: string; entered: number; converted: number; rate: number | null }[];
  velocity: { from: string; to: string; started: number; reached: Distribution;
    histogram: { upToDays: number | null; count: number }[] }[];
  matrix: { from: string | null; to: string | null; count: number }[];
  /** Accounts won and pipeline created in the period, by the stage entries on their way and what triggered each. */
  attribution: { stage: string; trigger: string; wonAccounts: number; wonAmount: number;
    pipelineAccounts: number; pipelineAmount: number }[];
  /** The target list (account.target) against the other accounts: coverage by stage, win rates from the pipeline stage;
   * and revenue retention over the period. */
  accountMetrics: {
    targetAccounts: number; otherAccounts: number;
    coverage: { stage: string; targets: number; share: number | null; others: number }[];
    winRate: { target: { pipeline: number; won: number; rate: number | null }; baseline: { pipeline: number; won: number; rate: number | null } };
    /** Accounts with recurring revenue just before the period (from wins, `expansion` and `renewal` amounts, churn)
     * and what became of it by its end: net = ending / starting, gross = (starting − contraction − churned) / starting. */
    retention: { accounts: number; starting: number; expansion: number; contraction: number; churned: number;
      churnedAccounts: number; ending: number; net: number | null; gross: number | null };
  };
  /** Wins expected within the horizon after asOf (null: the journey has no won stage). */
  forecast: Forecast | null;
  /** The same forecast from backtestAt, beside what happened. */
  backtest: Forecast | null;
}

/** What two journey definitions make of the same history (simulate). */
export interface Simulation {
  asOf: string;
  a: { id: string; version: string; hash: string };
  b: { id: string; version: string; hash: string };
  accounts: number;
  changed: number;
  moves: { from: string | null; to: string | null; count: number }[];
  examples: { account: string; from: string | null; to: string | null }[];
  reportsA: Reports;
  reportsB: Reports;
}

/** An expected value with a 90 % interval. */
export interface Estimate { expected: number; low: number; high: number }

/** A forecast of wins within a horizon (docs/reports.md, "Forecast and backtest"). */
export interface Forecast {
  at: string; horizon: string; won: string;
  stages: { stage: string; population: number; history: number; rate: number | null; expectedWins: number;
    expectedAmount: number; actualWins: number | null; actualAmount: number | null }[];
  wins: Estimate; amount: Estimate;
  actual: { wins: number; amount: number; winsWithinInterval: boolean } | null;
}

/** Reports as of a date (docs/reports.md). */
export interface Reports {
  asOf: string;
  period: { from: string | null; to: string };
  journeyHash: string;
  cohortPeriod: "week" | "month" | "quarter";
  groupBy: "segment" | "motion" | "productLine" | "owner" | null;
  groups: GroupReports[];
}

/** reports(…, { partial: true }) returns the mergeable partial; otherwise the reports. */
export interface Journey {
  reports(events: ReplayEvent[] | string, options: ReportOptions & { partial?: false }): Reports;
  reports(events: ReplayEvent[] | string, options: ReportOptions): Reports | Uint8Array;
}
export interface ReplayState {
  reports(options: ReportOptions & { partial?: false }): Reports;
  reports(options: ReportOptions): Reports | Uint8Array;
}
export function mergeReports(partials: Uint8Array[], options: { partial: true }): Uint8Array;
export function mergeReports(partials: Uint8Array[], options?: { partial?: false }): Reports;

/** The reports as 2-D tables (a header row, then rows; a `group` column first; durations in
 * days): funnel, cohorts, rolling, velocity, matrix, forecast, coverage, retention, attribution — for spreadsheets and CSV. */
export function reportTables(reports: Reports): Record<"funnel" | "cohorts" | "rolling" | "velocity" | "matrix" | "forecast" | "coverage" | "retention" | "attribution", (string | number | null)[][]>;

/** What a journey reads of an account (Journey.fieldsRead). */
export interface FieldsRead {
  /** The account fields its criteria and scoring rules read, as dotted paths, in schema order. */
  fields: string[];
  /** Whether contacts matter beyond the signals naming them (criteria read contacts or the buying group, or a stage requires roles). */
  readsContacts: boolean;
  /** Whether a criterion may read a signal's topic. */
  readsSignalTopic: boolean;
}

/** A row of classifyMany(accounts, { asOf, explain: false }): the stage without the explanation. */
export interface StageRow {
  stage: string | null;
  status: "in-stage" | "outside" | "no-stage";
  /** The composite score the criteria saw (null: unknown). */
  composite: number | null;
}

/** classifyMany with explain: false returns StageRows (merged into the class's declaration). */
export interface Journey {
  classifyMany(accounts: AccountData[], options: { asOf: string; explain: false }): (StageRow | { error: { row: number; code: string; path: string; message: string } })[];
}

/** One condition of a criterion and what it saw. */
export interface Check {
  /** As written, e.g. `score.composite > 75`. */
  text: string;
  /** null: unknown (a value it needs is missing). */
  holds: boolean | null;
  op: "==" | "!=" | "<" | "<=" | ">" | ">=" | "in" | "contains" | null;
  /** For a comparison, each side as written and its value for the account. */
  left: { text: string; value: string } | null;
  right: { text: string; value: string } | null;
}

/** A stage and the conditions that explain it. */
export interface StageReason {
  stage: string; criterion: string | null; checks: Check[]; missingRoles: string[];
}

/** Where an account stands as of a date, and why. */
export interface Classification {
  asOf: string;
  journey: { id: string; version: string; hash: string };
  stage: string | null;
  status: "in-stage" | "outside" | "no-stage";
  /** Every stage that holds, the winner first. */
  matched: string[];
  /** Stages whose entry criterion holds but whose exit criterion holds too. */
  exited: string[];
  /** Stages whose entry criterion is unknown (a value it needs is missing). */
  unknown: string[];
  because: StageReason | null;
  /** The next stage and its conditions that do not hold yet. */
  next: StageReason | null;
  /** The earliest time the answer changes by itself (null: not within 400 days, or not asked: `nextChange: false`). */
  nextChangeAt: string | null;
}

/** One row of classifyMany: a classification, or the row's error. */
export type ClassifyRow = Classification | { error: { row: number; code: string; path: string; message: string } };

/** One event of an account's history (docs/replay.md): a signal (any other `type`) or a CRM fact. */
export type ReplayEvent = { account: string; at: string; id?: string } & (
  | { type: "firmographics"; firmographics: { resolved?: boolean; industry?: string; country?: string; employees?: number; revenue?: number; techStack?: string[] } }
  | { type: "account"; facts: { name?: string; domain?: string; segment?: string; owner?: string; motion?: string; productLine?: string; target?: boolean } }
  | { type: "contact"; contact: { id: string; role?: string; name?: string; title?: string } }
  | { type: "sales_accepted" | "churn" }
  | { type: "sales_rejected"; reason: string }
  | { type: "opportunity_created"; amount?: number; stage?: string }
  | { type: "opportunity_won"; amount?: number }
  | { type: "opportunity_lost"; reason?: string }
  | { type: "stage_override"; stage: string; by: string; reason?: string }
  | { type: "renewal" | "expansion"; contact?: string; topic?: string; amount?: number }
  | { type: string; contact?: string; topic?: string; strength?: number; value?: number }
);

/** Event counts: `received = applied + refused`. */
export interface EventCounts {
  received: number; applied: number; refused: number;
  refusedByReason: { [reason: string]: number };
}

/** An event that was not applied, and why. */
export interface RefusedEvent {
  index: number; account: string | null; id: string | null;
  reason: "invalid-event" | "duplicate" | "unknown-account" | "late" | "after-as-of" | "unknown-stage" | "unknown-reason-code";
  message: string;
}

/** What one batch of events did. */
export interface ReplayBatch { events: EventCounts; refused: RefusedEvent[] }
/** A batch of events as columns (`ReplayState.applyColumns`): `length` rows, and per field a
 * column of that length. A row's absent value (NaN, null, a code past the end) is a field its
 * event does not give. Strings as an array (null allowed) or EncodedStrings; numbers as a
 * Float64Array (NaN: absent). */
export interface EventColumns {
  length: number;
  account?: EncodedStrings | (string | null)[];
  type?: EncodedStrings | (string | null)[];
  /** Epoch milliseconds (whole), or RFC 3339 strings. */
  at?: Float64Array | EncodedStrings | (string | null)[];
  id?: EncodedStrings | (string | null)[];
  topic?: EncodedStrings | (string | null)[];
  /** A signal's contact id; for `contact` events, the contact object (or its JSON text). */
  contact?: EncodedStrings | (string | object | null)[];
  strength?: Float64Array;
  value?: Float64Array;
  amount?: Float64Array;
  reason?: EncodedStrings | (string | null)[];
  stage?: EncodedStrings | (string | null)[];
  by?: EncodedStrings | (string | null)[];
  /** For `firmographics` events: the facts object (or its JSON text). */
  firmographics?: EncodedStrings | (string | object | null)[];
  /** For `account` events: the facts object (or its JSON text). */
  facts?: EncodedStrings | (string | object | null)[];
}

/** One move between stages. */
export interface Transition {
  at: string; from: string | null; to: string | null;
  kind: "entry" | "advance" | "skip" | "regression" | "churn" | "recycle" | "reopen" | "override" | "exit";
  skipped: string[];
  /** For a regression: whether the stage left declares it (regressTo), or a downgrade did it. */
  expected: boolean | null;
  /** `id`: the event's id, or for `conflict` the conflict rules that started or stopped applying. */
  trigger: { kind: "event" | "time" | "max-dwell" | "recycle" | "conflict"; event: string | null; id: string | null };
  reason: string | null; by: string | null;
  /** The entered stage's entry criterion, condition by condition, with the values seen. */
  checks: Check[];
  note: string | null;
}

/** One account's history as of the replay's date. */
export interface AccountTimeline {
  account: string; stage: string | null; status: "in-stage" | "outside" | "no-stage";
  enteredAt: string | null;
  /** Held by an override, a recycle or a downgrade rather than by the criteria. */
  pinned: boolean;
  transitions: Transition[];
  dwell: { stage: string; visits: number; currentMs: number | null; cumulativeMs: number }[];
  breaches: { stage: string; at: string; enteredAt: string; after: string; action: "re-engagement" | "manager-review" | "stage-downgrade"; play: string | null }[];
  /** Breached its current stage's max dwell and has not moved since. */
  stuck: boolean;
  slas: { id: string; stage: string; owner: string; status: "met" | "breached" | "open"; startedAt: string; dueAt: string | null; closedAt: string | null; elapsedMs: number; businessHours: boolean; onBreach: Sla["onBreach"] }[];
  recycle: { at: string; to: string; reason: string } | null;
  errors: { at: string; code: string; path: string; message: string }[];
  events: number;
}

/** A replay of several journeys (a JourneySet): per account, its timeline in each journey and the roll-up. */
export interface SetReplayResult {
  asOf: string;
  set: { id: string; version: string; hash: string };
  /** Each journey's event counts (each reconciles on its own) and refusals, in file order. */
  journeys: { journey: { id: string; version: string; hash: string }; events: EventCounts; refused: RefusedEvent[] }[];
  accounts: {
    account: string;
    /** The first journey (roll-up order, then file order) in which the account has a stage. */
    rollup: { journey: string | null; stage: string | null };
    journeys: { journey: string; timeline: AccountTimeline }[];
  }[];
}

/** A replay's answer (from `ReplayState.result`, possibly one page of the accounts). */
export interface ReplayResult {
  asOf: string;
  journey: { id: string; version: string; hash: string };
  events: EventCounts;
  refused: RefusedEvent[];
  accounts: AccountTimeline[];
}

/** An account's buying group as of a date. */
export interface BuyingGroupFacts {
  asOf: string;
  contacts: { id: string; role: string | null; signals: number; lastSignalAt: string | null; engaged: boolean }[];
  roles: string[]; engagedRoles: string[];
  /** The multi-threading count: contacts engaged in the window. */
  engagedContacts: number;
  requiredRoles: string[];
  /** Share of required roles engaged, 0–1; null when none are required. */
  coverage: number | null;
  missingRoles: string[];
  /** Signals naming a contact the account does not list. */
  unlinkedSignals: number;
  /** Coverage of each stage's own required roles (stages that declare some). */
  stages: { stage: string; requiredRoles: string[]; coverage: number; missingRoles: string[] }[];
}

/** A value at two dates. */
export interface Moved { from: number | null; to: number | null; change: number | null; }

/** Why a score moved between two dates. */
export interface ScoreDelta {
  from: string; to: string; composite: Moved;
  components: ({ component: ScoreComponent } & Moved)[];
  contributions: {
    component: ScoreComponent; source: string; at: string | null;
    from: number; to: number; change: number; reason: "new" | "gone" | "decayed" | "grew";
  }[];
}

/** A lead for matchLeads. */
export interface LeadInput { id: string | number; email?: string | null; company?: string | null; }
/** An account for matchLeads: several domains allowed (bare, URLs or addresses). */
export interface AccountInput { id: string | number; name?: string | null; domains?: string[] | null; }

/** One lead's outcome. */
export type LeadMatch =
  | { status: "matched"; leadId: string; accountId: string; rule: "domain" | "company-name"; value: string;
      tieBreak: { candidates: number; by: string } | null }
  | { status: "unmatched"; leadId: string; reason: string; domain: string | null; name: string | null };

/** Text as columns: strings (or nulls), or UTF-8 bytes with offsets as Arrow lays them out
 * (row r is data[offsets[r]..offsets[r + 1]]; valid[r] === 0 makes it null). */
export type TextColumn = (string | null)[] | { data: Uint8Array; offsets: Uint32Array | Int32Array; valid?: Uint8Array };

/** Leads as columns for matchLeadsColumns. */
export interface LeadColumns { length: number; email?: TextColumn; company?: TextColumn }

/** The result of matchLeadsColumns: per lead row, in order. */
export interface MatchColumns {
  /** The matched account's position in `accounts`; -1 when unmatched. */
  account: Int32Array;
  /** 0 unmatched, 1 domain, 2 company name. */
  rule: Uint8Array;
  /** 0 matched, else 1 + the reason's position in `reasons`. */
  reason: Uint8Array;
  /** 0 no tie, else 1 + the rule's position in `tieBreaks`. */
  tieBreak: Uint8Array;
  rules: ["domain", "company-name"];
  reasons: string[];
  tieBreaks: string[];
  summary: MatchReport["summary"];
  accountIssues: MatchReport["accountIssues"];
}

/** The result of matchLeads: one outcome per lead, in order, and a summary (docs/matching.md). */
export interface MatchReport {
  summary: {
    total: number; matched: number; unmatched: number;
    byRule: { domain: number; companyName: number };
    byReason: Record<string, number>; tieBreaks: number; shareMatched: number | null;
  };
  accountIssues: { accountId: string; domain: string | null; reason: string }[];
  matches: LeadMatch[];
}

/** One side of a definition diff. */
export interface DiffSide { id: string; version: string; hash: string; }

/** One semantic change, old → new (see docs/definition-format.md, "Comparing versions"). */
export type DefinitionChange =
  | { change: "metadata"; field: string; old: string | null; new: string | null }
  | { change: "stage-added"; stage: string; index: number }
  | { change: "stage-removed"; stage: string; index: number }
  | { change: "stage-renamed"; stage: string; old: string; new: string }
  | { change: "stage-moved"; stage: string; oldIndex: number; newIndex: number }
  | { change: "stage-kind"; stage: string; old: StageKind; new: StageKind }
  | { change: "stage-text"; stage: string; field: "owner" | "description"; old: string | null; new: string | null }
  | { change: "criteria"; stage: string; field: "entryCriteria" | "exitCriteria"; old: string | null; new: string | null }
  | { change: "max-dwell"; stage: string; old: MaxDwell | null; new: MaxDwell | null }
  | { change: "calendar"; old: Calendar | null; new: Calendar | null }
  | { change: "scoring-weight"; field: "weights" | "caps"; component: string; old: number | null; new: number | null }
  | { change: "scoring-rules"; field: "fit" | "signals"; old: Scoring | null; new: Scoring | null }
  | { change: "sla"; stage: string; old: Sla | null; new: Sla | null }
  | { change: "rejection"; stage: string; old: Rejection | null; new: Rejection | null }
  | { change: "regress-to"; stage: string; old: string[]; new: string[] }
  | { change: "priority"; stage: string; old: number | null; new: number | null };

/** The result of diffDefinitions. */
export interface DefinitionDiff { from: DiffSide; to: DiffSide; identical: boolean; changes: DefinitionChange[]; }

/** What every function of this package throws: a real Error with a stable code. */
export interface JourneyError extends Error {
  name: "JourneyError";
  code: string;
  path: string;
  span: Span | null;
  diagnostics: Diagnostic[];
}
"#;

/// The engine version (the npm package and crate version).
#[wasm_bindgen]
pub fn version() -> String {
    crate::version().to_string()
}

/// The account context's schema: field names and their types (`docs/criteria-language.md`),
/// e.g. `{ asOf: "timestamp!", firmographics: { employees: "number:0+", … }, signals:
/// [{ type: "string!", … }], … }` — a scalar's type, its range (`:0+`, `:0-100`, `:0-1`), and
/// `!` when required.
#[wasm_bindgen(js_name = accountSchema, unchecked_return_type = "Record<string, unknown>")]
pub fn account_schema() -> JsValue {
    js_sys::JSON::parse(&crate::expr::types::account_schema_json()).unwrap_or(JsValue::NULL)
}

/// Merges report partials (`reports(…, { partial: true })` of shards of the accounts, same
/// journey and options) into the reports of all of them — exactly, whatever the split. With
/// `{ partial: true }`, the merged partial instead, to merge further.
///
/// # Errors
/// Throws a `JourneyError` (`invalid-argument`) when `partials` is not an array of
/// `Uint8Array`s, is empty, holds damaged bytes, or mixes journeys or options (`path` is the
/// partial's index).
#[wasm_bindgen(js_name = mergeReports, unchecked_return_type = "Reports | Uint8Array")]
pub fn merge_reports(
    #[wasm_bindgen(unchecked_param_type = "Uint8Array[]")] partials: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "{ partial?: boolean }")] options: Option<
        JsValue,
    >,
) -> Result<JsValue, JsValue> {
    let list = partials.dyn_ref::<js_sys::Array>().ok_or_else(|| {
        js_error(&Error::new(
            Code::InvalidArgument,
            "",
            "mergeReports(partials) needs an array of partials (Uint8Array)",
        ))
    })?;
    let mut bytes = Vec::with_capacity(list.length() as usize);
    for (i, item) in list.iter().enumerate() {
        let partial = item.dyn_ref::<js_sys::Uint8Array>().ok_or_else(|| {
            js_error(&Error::new(
                Code::InvalidArgument,
                format!("/{i}"),
                "a partial is a Uint8Array from reports(…, { partial: true })",
            ))
        })?;
        bytes.push(partial.to_vec());
    }
    let slices: Vec<&[u8]> = bytes.iter().map(Vec::as_slice).collect();
    let merged = crate::report::merge_bytes(&slices).map_err(|e| js_error(&e))?;
    partial_or_reports(&merged, &options.unwrap_or(JsValue::UNDEFINED))
}

/// What-if: replays `events` under two journey definitions (`a`, today's; `b`, a proposed
/// change — definition objects or JSON text) as of `options.asOf` and compares them: the
/// accounts whose stage changes (`changed`, `moves` from a stage under `a` to one under `b`, the
/// first `options.limit` accounts, default 1,000) and every report under each (the report
/// options as `reports`). docs/reports.md, "What-if".
///
/// # Errors
/// Throws a `JourneyError`: a definition's diagnostics, a bad option (`invalid-argument`), or
/// events that are neither an array nor a string.
#[wasm_bindgen(unchecked_return_type = "Simulation")]
pub fn simulate(
    #[wasm_bindgen(unchecked_param_type = "DefinitionInput")] a: JsValue,
    #[wasm_bindgen(unchecked_param_type = "DefinitionInput")] b: JsValue,
    #[wasm_bindgen(unchecked_param_type = "ReplayEvent[] | string")] events: JsValue,
    #[wasm_bindgen(unchecked_param_type = "ReportOptions & { limit?: number }")] options: JsValue,
) -> Result<JsValue, JsValue> {
    let a = Journey::new(a)?;
    let b = Journey::new(b)?;
    let text = match events.as_string() {
        Some(text) => text,
        None if js_sys::Array::is_array(&events) => js_sys::JSON::stringify(&events)
            .ok()
            .and_then(|t| t.as_string())
            .unwrap_or_default(),
        None => {
            return Err(js_error(&Error::new(
                Code::InvalidArgument,
                "",
                "simulate(a, b, events, { asOf }) needs events as an array or JSON Lines text",
            )));
        }
    };
    let options_text = options_json(&options)?;
    let limit = Reflect::get(&options, &JsValue::from_str("limit"))
        .ok()
        .and_then(|v| v.as_f64())
        .filter(|n| n.fract() == 0.0 && *n >= 0.0)
        .map_or(1000, |n| n.min(1e9) as usize);
    let simulation =
        crate::report::simulate::simulate(&a.inner, &b.inner, &text, &options_text, limit)
            .map_err(|e| js_error(&e))?;
    to_js(&simulation)
}

/// Report options as JSON text, for `ReportOptions::from_json`.
fn options_json(options: &JsValue) -> Result<String, JsValue> {
    js_sys::JSON::stringify(options)
        .ok()
        .and_then(|t| t.as_string())
        .filter(|_| options.is_object())
        .ok_or_else(|| {
            js_error(&Error::new(
                Code::InvalidArgument,
                "",
                "report options must be an object with asOf",
            ))
        })
}

/// Report options read from a JS object (see `ReportOptions::from_json`).
fn report_options(
    journey: &CoreJourney,
    options: &JsValue,
) -> Result<crate::report::ReportOptions, JsValue> {
    crate::report::ReportOptions::from_json(journey, &options_json(options)?)
        .map_err(|e| js_error(&e))
}

/// The partial's bytes when `options.partial` is true, else its finished reports.
fn partial_or_reports(
    partial: &crate::report::Partial,
    options: &JsValue,
) -> Result<JsValue, JsValue> {
    let wants_partial = Reflect::get(options, &JsValue::from_str("partial"))
        .ok()
        .and_then(|v| v.as_bool())
        .unwrap_or(false);
    if wants_partial {
        return Ok(js_sys::Uint8Array::from(partial.to_bytes().as_slice()).into());
    }
    to_js(&partial.finish())
}

/// Validates a journey definition, collecting every problem. Never throws.
#[wasm_bindgen(js_name = validateDefinition, unchecked_return_type = "ValidationResult")]
pub fn validate_definition(
    #[wasm_bindgen(unchecked_param_type = "DefinitionInput")] definition: JsValue,
) -> JsValue {
    let validation = match definition_text(&definition) {
        Ok(DefinitionText::Written(text)) => crate::validate_definition(&text),
        Ok(DefinitionText::Serialized(text)) => crate::validate_serialized_definition(&text),
        Err(diagnostic) => Validation::of(vec![diagnostic]),
    };
    to_js(&validation).unwrap_or_else(|err| err)
}

/// The journey templates shipped with the engine (the default first), each with its canonical
/// definition, ready for `new Journey(t.definition)`.
///
/// # Errors
/// None in practice (every template is tested); a `JourneyError` otherwise.
#[wasm_bindgen(unchecked_return_type = "TemplateInfo[]")]
pub fn templates() -> Result<JsValue, JsValue> {
    let list = crate::templates::templates().map_err(|err| js_error(&err))?;
    to_js(&list)
}

/// A diagnostic as a human reads it in a terminal or a log: severity, code, line and column,
/// message, then the line of `text` with a caret under the problem. `text` is the definition
/// text the diagnostic came from (without it, or without a span, the first line only).
///
/// # Errors
/// Throws a `JourneyError` (`invalid-argument`) when `diagnostic` is not a diagnostic object.
#[wasm_bindgen(js_name = formatDiagnostic)]
pub fn format_diagnostic(
    #[wasm_bindgen(unchecked_param_type = "Diagnostic")] diagnostic: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string | undefined")] text: JsValue,
) -> Result<String, JsValue> {
    let field = |key: &str| Reflect::get(&diagnostic, &JsValue::from_str(key)).ok();
    let string = |key: &str| field(key).and_then(|v| v.as_string());
    let number = |value: &JsValue, key: &str| {
        Reflect::get(value, &JsValue::from_str(key))
            .ok()
            .and_then(|v| v.as_f64())
            .filter(|n| n.is_finite() && *n >= 0.0 && n.fract() == 0.0)
            .map(|n| n as usize)
    };
    let (Some(code), Some(message)) = (string("code"), string("message")) else {
        return Err(js_error(&Error::new(
            Code::InvalidArgument,
            "",
            "formatDiagnostic expects a diagnostic ({ severity, code, path, span, message })",
        )));
    };
    let code = Code::ALL
        .into_iter()
        .find(|c| c.as_str() == code)
        .unwrap_or(Code::Internal);
    let severity = match string("severity").as_deref() {
        Some("warning") => crate::Severity::Warning,
        _ => crate::Severity::Error,
    };
    let span = field("span").filter(|s| s.is_object()).and_then(|s| {
        Some(crate::Span {
            start: number(&s, "start")?,
            end: number(&s, "end")?,
            line: number(&s, "line")?,
            column: number(&s, "column")?,
            byte_start: 0,
            byte_end: 0,
        })
    });
    let d = Diagnostic {
        severity,
        code,
        path: string("path").unwrap_or_default(),
        span,
        message,
    };
    Ok(match text.as_string() {
        Some(source) => d.render(&source),
        None => d.to_string(),
    })
}

/// Several journeys compiled together (a definition file with a `journeys` array), with their
/// roll-up order and conflict rules.
#[wasm_bindgen]
pub struct JourneySet {
    inner: crate::JourneySet,
}

#[wasm_bindgen]
impl JourneySet {
    /// Replays events (an array of event objects, or JSON Lines text) through every journey of
    /// the set as of `options.asOf`, with the conflict rules between them: each account's
    /// timeline per journey and its roll-up; each journey's event counts and refusals.
    ///
    /// # Errors
    /// Throws a `JourneyError` (`invalid-argument`) when `asOf` is missing or `events` is
    /// neither an array nor a string.
    #[wasm_bindgen(unchecked_return_type = "SetReplayResult")]
    pub fn replay(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ReplayEvent[] | string")] events: JsValue,
        #[wasm_bindgen(unchecked_param_type = "{ asOf: string }")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let as_of = as_of_option(&options, "replay(events, { asOf })")?;
        let items = read_js_events(&events, false)?;
        let mut state = crate::replay::set::SetReplayState::new(&self.inner);
        let outcomes = state
            .apply(&self.inner, items, &as_of)
            .map_err(|e| js_error(&e))?;
        let mut result = state
            .result(&self.inner, &as_of)
            .map_err(|e| js_error(&e))?;
        for (journey, outcome) in result.journeys.iter_mut().zip(outcomes) {
            journey.refused = outcome.refused;
        }
        to_js(&result)
    }

    /// Compiles a file of several journeys (an object or JSON text).
    ///
    /// # Errors
    /// Throws a `JourneyError` whose `diagnostics` list every problem.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "DefinitionInput")] definition: JsValue,
    ) -> Result<JourneySet, JsValue> {
        let compiled = match definition_text(&definition).map_err(Error::from) {
            Ok(DefinitionText::Written(text)) => crate::JourneySet::from_json(&text),
            Ok(DefinitionText::Serialized(text)) => crate::JourneySet::from_serialized_json(&text),
            Err(err) => Err(err),
        };
        compiled
            .map(|inner| JourneySet { inner })
            .map_err(|err| js_error(&err))
    }

    /// The file's id.
    #[wasm_bindgen(getter)]
    pub fn id(&self) -> String {
        self.inner.definition().id.clone()
    }

    /// SHA-256 (hex) of the canonical file.
    #[wasm_bindgen(getter)]
    pub fn hash(&self) -> String {
        self.inner.hash().to_string()
    }

    /// One journey of the set, by id, or `null` when the set has none by that id.
    ///
    /// # Errors
    /// Throws a `JourneyError` (`invalid-argument`) when `id` is not a string.
    #[wasm_bindgen(unchecked_return_type = "Journey | null")]
    pub fn journey(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] id: JsValue,
    ) -> Result<JsValue, JsValue> {
        // Converted here, not by the ABI: a non-string there corrupts the module's memory.
        let id = id.as_string().ok_or_else(|| {
            js_error(&Error::new(
                Code::InvalidArgument,
                "",
                "journey(id) expects a journey id (a string)",
            ))
        })?;
        Ok(self.inner.journey(&id).map_or(JsValue::NULL, |j| {
            JsValue::from(Journey { inner: j.clone() })
        }))
    }

    /// Identity, each journey's summary, the roll-up order and the conflict rules.
    ///
    /// # Errors
    /// Only an internal fault converting the result.
    #[wasm_bindgen(js_name = toJSON, unchecked_return_type = "JourneySetSummary")]
    pub fn to_json(&self) -> Result<JsValue, JsValue> {
        to_js(&self.inner.summary())
    }
}

/// Matches leads to accounts: one outcome per lead, in order — matched (by domain or company
/// name, with the value and any tie-break) or unmatched with its reason — and a summary.
/// A lead row that is not a lead (not an object, or an id, email or company of the wrong type)
/// gets the outcome `invalid-row`; no row is dropped.
///
/// # Errors
/// Throws a `JourneyError`: `invalid-argument` when `leads` or `accounts` is not an array,
/// `invalid-value` (with the row's path) for an account row that is not an account.
#[wasm_bindgen(js_name = matchLeads, unchecked_return_type = "MatchReport")]
pub fn match_leads(
    #[wasm_bindgen(unchecked_param_type = "LeadInput[]")] leads: JsValue,
    #[wasm_bindgen(unchecked_param_type = "AccountInput[]")] accounts: JsValue,
) -> Result<JsValue, JsValue> {
    let array = |value: &JsValue, what: &str| {
        value.dyn_ref::<js_sys::Array>().cloned().ok_or_else(|| {
            js_error(&Error::new(
                Code::InvalidArgument,
                "",
                format!("matchLeads expects {what} as an array"),
            ))
        })
    };
    let get = |row: &JsValue, key: &str| Reflect::get(row, &JsValue::from_str(key)).ok();
    let leads: Vec<crate::matching::Lead> = array(&leads, "leads")?
        .iter()
        .map(|row| {
            let fields = row
                .is_object()
                .then(|| {
                    Some((
                        id_of(get(&row, "id"))?,
                        text_of(get(&row, "email"))?,
                        text_of(get(&row, "company"))?,
                    ))
                })
                .flatten();
            match fields {
                Some((id, email, company)) => crate::matching::Lead {
                    id,
                    email,
                    company,
                    invalid: false,
                },
                None => crate::matching::Lead {
                    id: id_of(row.is_object().then(|| get(&row, "id")).flatten())
                        .unwrap_or_default(),
                    invalid: true,
                    ..Default::default()
                },
            }
        })
        .collect();
    let accounts = read_accounts(&accounts)?;
    to_js(&crate::matching::match_leads(&leads, &accounts))
}

/// A row's id: a string, or a whole number (CRM ids often are).
fn id_of(value: Option<JsValue>) -> Option<String> {
    let value = value?;
    value.as_string().or_else(|| {
        value
            .as_f64()
            .filter(|n| n.is_finite() && n.fract() == 0.0 && n.abs() < 9.0e15)
            .map(|n| format!("{}", n as i64))
    })
}

/// `Some(None)` for absent or null, `Some(Some(text))` for a string, `None` for anything else.
fn text_of(value: Option<JsValue>) -> Option<Option<String>> {
    match value {
        None => Some(None),
        Some(v) if v.is_undefined() || v.is_null() => Some(None),
        Some(v) => v.as_string().map(Some),
    }
}

/// Account rows for matching: `{ id, name?, domains? }` objects, an error naming the first row
/// that is not one.
fn read_accounts(accounts: &JsValue) -> Result<Vec<crate::matching::AccountRef>, JsValue> {
    let get = |row: &JsValue, key: &str| Reflect::get(row, &JsValue::from_str(key)).ok();
    let array = accounts
        .dyn_ref::<js_sys::Array>()
        .cloned()
        .ok_or_else(|| {
            js_error(&Error::new(
                Code::InvalidArgument,
                "",
                "matchLeads expects accounts as an array",
            ))
        })?;
    array
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let bad = |field: &str, what: &str| {
                js_error(&Error::new(
                    Code::InvalidValue,
                    format!("/accounts/{i}{field}"),
                    format!("expected {what}"),
                ))
            };
            if !row.is_object() {
                return Err(bad("", "an account: { id, name?, domains? }"));
            }
            let id = id_of(get(&row, "id")).ok_or_else(|| bad("/id", "an id (a string)"))?;
            let name =
                text_of(get(&row, "name")).ok_or_else(|| bad("/name", "a string or null"))?;
            let domains = match get(&row, "domains") {
                Some(v) if v.is_undefined() || v.is_null() => Vec::new(),
                Some(v) => {
                    let list = v
                        .dyn_ref::<js_sys::Array>()
                        .ok_or_else(|| bad("/domains", "an array of domains"))?;
                    list.iter()
                        .enumerate()
                        .map(|(j, d)| {
                            d.as_string()
                                .ok_or_else(|| bad(&format!("/domains/{j}"), "a domain (a string)"))
                        })
                        .collect::<Result<_, _>>()?
                }
                None => Vec::new(),
            };
            Ok(crate::matching::AccountRef { id, name, domains })
        })
        .collect::<Result<_, JsValue>>()
}

/// Matches leads given as columns to accounts: the fast path for large batches. `leads` is
/// `{ length, email?, company? }`, each a text column — an array of strings or nulls, or UTF-8
/// bytes with offsets `{ data: Uint8Array, offsets: Uint32Array | Int32Array, valid?: Uint8Array }`
/// (Arrow's layout); `accounts` as for `matchLeads`. Returns, per lead row, `account` (the
/// matched account's position in `accounts`, −1 when unmatched), `rule` (0 unmatched, 1 domain,
/// 2 company name), `reason` (0 matched, else 1 + its position in `reasons`) and `tieBreak`
/// (0 none, else 1 + its position in `tieBreaks`), with the summary and the account issues.
///
/// # Errors
/// Throws a `JourneyError`: `invalid-argument` for columns of the wrong kind or length,
/// `invalid-value` for an account row that is not an account.
#[wasm_bindgen(js_name = matchLeadsColumns, unchecked_return_type = "MatchColumns")]
pub fn match_leads_columns(
    #[wasm_bindgen(unchecked_param_type = "LeadColumns")] leads: JsValue,
    #[wasm_bindgen(unchecked_param_type = "AccountInput[]")] accounts: JsValue,
) -> Result<JsValue, JsValue> {
    use crate::matching::Reason;
    let bad = |message: String| js_error(&Error::new(Code::InvalidArgument, "", message));
    if !leads.is_object() {
        return Err(bad(
            "matchLeadsColumns needs leads as { length, email?, company? }".into(),
        ));
    }
    let get = |key: &str| Reflect::get(&leads, &JsValue::from_str(key)).ok();
    let present = js_sys::Object::keys(leads.unchecked_ref::<js_sys::Object>());
    for key in present.iter() {
        let key = key.as_string().unwrap_or_default();
        if !["length", "email", "company"].contains(&key.as_str()) {
            return Err(bad(format!(
                "the lead columns have no key \"{key}\"; expected length, email, company"
            )));
        }
    }
    let len = get("length")
        .and_then(|v| v.as_f64())
        .filter(|n| n.fract() == 0.0 && (0.0..=u32::MAX as f64).contains(n))
        .ok_or_else(|| bad("leads.length must be the number of leads".into()))?
        as usize;
    // Four result arrays of `length`: bound it before allocating them.
    if len > crate::batch::MAX_BATCH_ROWS {
        return Err(js_error(&Error::new(
            Code::LimitExceeded,
            "/length",
            format!(
                "{len} leads in one call; the limit is {}: split the batch",
                crate::batch::MAX_BATCH_ROWS
            ),
        )));
    }
    let column = |key: &str| -> Result<Option<TextColumn>, JsValue> {
        match get(key).filter(|v| !v.is_undefined() && !v.is_null()) {
            None => Ok(None),
            Some(v) => {
                let text = TextColumn::read(&v).ok_or_else(|| {
                    bad(format!(
                        "leads.{key} must be an array of strings or nulls, or {{ data: Uint8Array, \
                         offsets: Uint32Array | Int32Array, valid?: Uint8Array }}"
                    ))
                })?;
                if text.len() != len {
                    return Err(bad(format!(
                        "leads.{key} has {} rows, leads.length is {len}",
                        text.len()
                    )));
                }
                Ok(Some(text))
            }
        }
    };
    let (email, company) = (column("email")?, column("company")?);
    let accounts = read_accounts(&accounts)?;
    let matcher = crate::matching::Matcher::new(&accounts);
    let mut account = vec![-1i32; len];
    let mut rule = vec![0u8; len];
    let mut reason = vec![0u8; len];
    let mut tie_break = vec![0u8; len];
    let mut summary = crate::matching::MatchSummary::default();
    let mut row = 0usize;
    let mut written = 0usize;
    let fill = |target: &mut Option<String>, text: &Option<TextColumn>, row: usize| -> bool {
        match text.as_ref().map(|t| t.get(row)) {
            None | Some(Ok(None)) => {
                *target = None;
                true
            }
            Some(Ok(Some(value))) => {
                let buffer = target.get_or_insert_with(String::new);
                buffer.clear();
                buffer.push_str(value);
                true
            }
            // Bytes that are not UTF-8: the row is not a lead.
            Some(Err(())) => false,
        }
    };
    matcher.match_each(
        |lead| {
            if row >= len {
                return false;
            }
            let ok = fill(&mut lead.email, &email, row) && fill(&mut lead.company, &company, row);
            lead.invalid = !ok;
            row += 1;
            true
        },
        |outcome| {
            summary.record(outcome);
            let (a, r, why, tie) = outcome.codes();
            let i = written;
            written += 1;
            for (column, value) in [(&mut rule, r), (&mut reason, why), (&mut tie_break, tie)] {
                if let Some(slot) = column.get_mut(i) {
                    *slot = value;
                }
            }
            if let Some(slot) = account.get_mut(i) {
                *slot = a;
            }
        },
    );
    let out = js_sys::Object::new();
    let put = |key: &str, value: &JsValue| {
        let _ = Reflect::set(&out, &JsValue::from_str(key), value);
    };
    put(
        "account",
        &js_sys::Int32Array::from(account.as_slice()).into(),
    );
    put("rule", &js_sys::Uint8Array::from(rule.as_slice()).into());
    put(
        "reason",
        &js_sys::Uint8Array::from(reason.as_slice()).into(),
    );
    put(
        "tieBreak",
        &js_sys::Uint8Array::from(tie_break.as_slice()).into(),
    );
    put("rules", &to_js(&crate::matching::RULE_NAMES)?);
    let reasons: Vec<&str> = Reason::ALL.iter().map(|r| r.as_str()).collect();
    put("reasons", &to_js(&reasons)?);
    put("tieBreaks", &to_js(&crate::matching::TIE_BREAK_NAMES)?);
    put("summary", &to_js(&summary)?);
    put("accountIssues", &to_js(matcher.account_issues())?);
    Ok(out.into())
}

/// A column of text read from JS: strings (or nulls), or UTF-8 bytes with offsets.
enum TextColumn {
    /// Each row: a string, null (`Ok(None)`), or something else (`Err`: the row is invalid).
    Strings(Vec<Result<Option<String>, ()>>),
    Utf8 {
        data: Vec<u8>,
        offsets: Vec<u32>,
        valid: Option<Vec<u8>>,
    },
}

impl TextColumn {
    fn read(value: &JsValue) -> Option<TextColumn> {
        if let Some(array) = value.dyn_ref::<js_sys::Array>() {
            return Some(TextColumn::Strings(
                array
                    .iter()
                    .map(|v| match v.as_string() {
                        Some(text) => Ok(Some(text)),
                        None if v.is_null() || v.is_undefined() => Ok(None),
                        None => Err(()),
                    })
                    .collect(),
            ));
        }
        let field = |key: &str| Reflect::get(value, &JsValue::from_str(key)).ok();
        let data = field("data")?.dyn_ref::<js_sys::Uint8Array>()?.to_vec();
        let offsets = field("offsets")?;
        let offsets = if let Some(o) = offsets.dyn_ref::<js_sys::Uint32Array>() {
            o.to_vec()
        } else {
            let signed = offsets.dyn_ref::<js_sys::Int32Array>()?.to_vec();
            signed
                .into_iter()
                .map(|o| u32::try_from(o).ok())
                .collect::<Option<Vec<u32>>>()?
        };
        // Offsets never go back and stay within the data.
        let ordered = offsets.windows(2).all(|w| w.first() <= w.get(1));
        if offsets.is_empty()
            || !ordered
            || offsets.last().is_some_and(|&l| l as usize > data.len())
        {
            return None;
        }
        let valid = match field("valid").filter(|v| !v.is_undefined() && !v.is_null()) {
            None => None,
            Some(v) => Some(v.dyn_ref::<js_sys::Uint8Array>()?.to_vec()),
        };
        Some(TextColumn::Utf8 {
            data,
            offsets,
            valid,
        })
    }

    fn len(&self) -> usize {
        match self {
            TextColumn::Strings(v) => v.len(),
            TextColumn::Utf8 { offsets, .. } => offsets.len().saturating_sub(1),
        }
    }

    /// Row `row`: `Ok(None)` when null, `Err(())` when it is not text (bytes that are not UTF-8,
    /// a number in an array of strings): the row is not a lead.
    fn get(&self, row: usize) -> Result<Option<&str>, ()> {
        match self {
            TextColumn::Strings(v) => match v.get(row) {
                Some(Ok(text)) => Ok(text.as_deref()),
                Some(Err(())) => Err(()),
                None => Ok(None),
            },
            TextColumn::Utf8 {
                data,
                offsets,
                valid,
            } => {
                if valid.as_ref().is_some_and(|v| v.get(row) == Some(&0)) {
                    return Ok(None);
                }
                let (Some(&from), Some(&to)) = (offsets.get(row), offsets.get(row + 1)) else {
                    return Ok(None);
                };
                let bytes = data.get(from as usize..to as usize).ok_or(())?;
                std::str::from_utf8(bytes).map(Some).map_err(|_| ())
            }
        }
    }
}

/// The semantic difference between two definitions (objects or JSON text): stages added,
/// removed, renamed, moved, criteria and dwell limits changed, old → new.
///
/// # Errors
/// Throws a `JourneyError` (with every diagnostic) when either definition is invalid.
#[wasm_bindgen(js_name = diffDefinitions, unchecked_return_type = "DefinitionDiff")]
pub fn diff_definitions(
    #[wasm_bindgen(unchecked_param_type = "DefinitionInput")] old: JsValue,
    #[wasm_bindgen(unchecked_param_type = "DefinitionInput")] new: JsValue,
) -> Result<JsValue, JsValue> {
    let old = definition_model(&old)?;
    let new = definition_model(&new)?;
    to_js(&crate::diff::diff_definitions(&old, &new))
}

/// A valid definition model from a JS argument, or the `JourneyError` listing its problems.
fn definition_model(value: &JsValue) -> Result<Definition, JsValue> {
    let (definition, diagnostics) = match definition_text(value) {
        Ok(DefinitionText::Written(text)) => Definition::from_json(&text),
        Ok(DefinitionText::Serialized(text)) => Definition::from_serialized_json(&text),
        Err(diagnostic) => return Err(js_error(&Error::from(diagnostic))),
    };
    definition.ok_or_else(|| js_error(&Error::from_diagnostics(diagnostics)))
}

/// A compiled journey definition.
#[wasm_bindgen]
pub struct Journey {
    inner: CoreJourney,
}

#[wasm_bindgen]
impl Journey {
    /// Compiles a definition (an object or JSON text).
    ///
    /// # Errors
    /// Throws a `JourneyError` whose `diagnostics` list every problem.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "DefinitionInput")] definition: JsValue,
    ) -> Result<Journey, JsValue> {
        let compiled = match definition_text(&definition).map_err(Error::from) {
            Ok(DefinitionText::Written(text)) => CoreJourney::from_json(&text),
            Ok(DefinitionText::Serialized(text)) => CoreJourney::from_serialized_json(&text),
            Err(err) => Err(err),
        };
        compiled
            .map(|inner| Journey { inner })
            .map_err(|err| js_error(&err))
    }

    /// The embedded default journey (eight stages plus Closed-Lost and Churned).
    ///
    /// # Errors
    /// None in practice (the embedded definition is tested); a `JourneyError` otherwise.
    #[wasm_bindgen(js_name = "default")]
    pub fn default_journey() -> Result<Journey, JsValue> {
        CoreJourney::embedded_default()
            .map(|inner| Journey { inner })
            .map_err(|err| js_error(&err))
    }

    /// The definition's id.
    #[wasm_bindgen(getter)]
    pub fn id(&self) -> String {
        self.inner.definition().id.clone()
    }

    /// The definition's name.
    #[wasm_bindgen(getter)]
    pub fn name(&self) -> String {
        self.inner.definition().name.clone()
    }

    /// The definition's version.
    #[wasm_bindgen(getter)]
    pub fn version(&self) -> String {
        self.inner.definition().version.clone()
    }

    /// SHA-256 (hex) of the canonical definition.
    #[wasm_bindgen(getter)]
    pub fn hash(&self) -> String {
        self.inner.hash().to_string()
    }

    /// Scores an account with the definition's scoring model, as of `options.asOf`: components,
    /// composite, the top contributions and the caps that clipped; the full ledger of dated
    /// contributions (which sums to the components) with `ledger: true`.
    ///
    /// # Errors
    /// Throws a `JourneyError`: `invalid-argument` (no scoring model, no `asOf`, not an
    /// account), `invalid-value` (a field that does not fit the account schema, with its path:
    /// a wrong type, a malformed timestamp, NaN or infinity, a number out of range), or an
    /// evaluation error of a fit rule (with the rule's path).
    #[wasm_bindgen(unchecked_return_type = "Score")]
    pub fn score(
        &self,
        #[wasm_bindgen(unchecked_param_type = "AccountData")] account: JsValue,
        #[wasm_bindgen(unchecked_param_type = "{ asOf: string; ledger?: boolean }")]
        options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let as_of = as_of_option(&options, "score(account, { asOf })")?;
        let with_ledger = Reflect::get(&options, &JsValue::from_str("ledger"))
            .ok()
            .and_then(|v| v.as_bool())
            .unwrap_or(false);
        let data = account_data(&account, &as_of)?;
        let score = self
            .inner
            .score(&data)
            .map_err(|e| js_error(&Error::from(e)))?;
        to_js(&score.view(with_ledger))
    }

    /// Scores many accounts given as plain objects, as of `options.asOf`: one result per row,
    /// in order — `{ composite, fit, intent, engagement, usage, relationship }` (normalised,
    /// 0–100, `null` when unknown) or `{ error: { code, path, message } }` for a row that is not
    /// a valid account. No row is dropped. For speed over large batches use `scoreColumns`.
    ///
    /// # Errors
    /// Throws a `JourneyError` (`invalid-argument`) when `accounts` is not an array, `asOf` is
    /// missing, or the journey has no scoring model.
    #[wasm_bindgen(js_name = scoreMany, unchecked_return_type = "ScoreRow[]")]
    pub fn score_many(
        &self,
        #[wasm_bindgen(unchecked_param_type = "AccountData[]")] accounts: JsValue,
        #[wasm_bindgen(unchecked_param_type = "{ asOf: string }")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let as_of = as_of_option(&options, "scoreMany(accounts, { asOf })")?;
        let rows = accounts.dyn_ref::<js_sys::Array>().ok_or_else(|| {
            js_error(&Error::new(
                Code::InvalidArgument,
                "",
                "scoreMany(accounts, { asOf }) needs an array of accounts",
            ))
        })?;
        if self.inner.definition().scoring.is_none() {
            return Err(js_error(&Error::new(
                Code::InvalidArgument,
                "",
                "this journey's definition has no scoring model",
            )));
        }
        let mut out = Vec::with_capacity(rows.length() as usize);
        for (i, row) in rows.iter().enumerate() {
            let scored = account_data(&row, &as_of).and_then(|data| {
                self.inner
                    .score(&data)
                    .map_err(|e| js_error(&Error::from(e)))
            });
            out.push(match scored {
                Ok(score) => ScoreRow::Ok(ScoreValues::of(&score)),
                Err(e) => ScoreRow::Err {
                    error: RowErrorJs::from_js(&e, i),
                },
            });
        }
        to_js(&out)
    }

    /// Scores a batch given as columns, as of `options.asOf` — the fast path: typed arrays
    /// cross into wasm in one copy each. Returns per-row `Float64Array`s (`composite` and each
    /// component, normalised 0–100; NaN where unknown or where the row failed), the failed rows'
    /// errors and the batch's ignored signals. Numbers are the same, bit for bit, as `score()`
    /// gives for each account (docs/scoring.md, "Batches").
    ///
    /// # Errors
    /// Throws a `JourneyError` (`invalid-argument`) when the batch is malformed as a whole:
    /// a column of the wrong kind or length, a field the account context does not have, a
    /// signal whose account row is out of range; and when `asOf` is missing.
    #[wasm_bindgen(js_name = scoreColumns, unchecked_return_type = "ColumnScores")]
    pub fn score_columns(
        &self,
        #[wasm_bindgen(unchecked_param_type = "AccountColumns")] columns: JsValue,
        #[wasm_bindgen(unchecked_param_type = "{ asOf: string }")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let as_of = as_of_ms(&options, "scoreColumns(columns, { asOf })")?;
        let Some(model) = self.inner.score_model() else {
            return Err(js_error(&Error::new(
                Code::InvalidArgument,
                "",
                "this journey's definition has no scoring model",
            )));
        };
        let (accounts, signals) = read_columns(&columns).map_err(|e| js_error(&e))?;
        let scores = model
            .score_columns(&accounts, &signals, as_of)
            .map_err(|e| js_error(&e))?;
        let out = js_sys::Object::new();
        let put = |key: &str, value: &JsValue| {
            let _ = Reflect::set(&out, &JsValue::from_str(key), value);
        };
        put(
            "composite",
            &js_sys::Float64Array::from(scores.composite.as_slice()).into(),
        );
        for (name, values) in &scores.components {
            put(name, &js_sys::Float64Array::from(values.as_slice()).into());
        }
        put("errors", &to_js(&scores.errors)?);
        put("ignored", &to_js(&scores.ignored)?);
        Ok(out.into())
    }

    /// Classifies a batch given as columns (the shape `scoreColumns` takes) as of
    /// `options.asOf` — the bulk path: one call for the whole batch, typed arrays in and out, no
    /// explanation built. Returns the journey's stage ids in order (`stages`), per row the
    /// winning stage's position in them (`stage`, a `Uint16Array`; 65535: no stage holds, or
    /// the row failed), the composite score the criteria saw, the failed rows' errors and the
    /// signals the score ignored. Each row's stage is the one `classify` gives the same
    /// account; ask `classify` for the explanation of the rows you show
    /// (docs/classification.md, "Batches").
    ///
    /// # Errors
    /// Throws a `JourneyError` (`invalid-argument`) when the batch is malformed as a whole (as
    /// `scoreColumns`) or `asOf` is missing.
    #[wasm_bindgen(js_name = classifyColumns, unchecked_return_type = "ColumnStages")]
    pub fn classify_columns(
        &self,
        #[wasm_bindgen(unchecked_param_type = "AccountColumns")] columns: JsValue,
        #[wasm_bindgen(unchecked_param_type = "{ asOf: string }")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let as_of = as_of_ms(&options, "classifyColumns(columns, { asOf })")?;
        let (accounts, signals) = read_columns(&columns).map_err(|e| js_error(&e))?;
        let out = self
            .inner
            .classify_columns(&accounts, &signals, as_of)
            .map_err(|e| js_error(&e))?;
        let stages: Vec<&str> = (self.inner.definition().stages.iter())
            .map(|s| s.id.as_str())
            .collect();
        let result = js_sys::Object::new();
        let put = |key: &str, value: &JsValue| {
            let _ = Reflect::set(&result, &JsValue::from_str(key), value);
        };
        put("stages", &to_js(&stages)?);
        put(
            "stage",
            &js_sys::Uint16Array::from(out.stage.as_slice()).into(),
        );
        put(
            "composite",
            &js_sys::Float64Array::from(out.composite.as_slice()).into(),
        );
        put("errors", &to_js(&out.errors)?);
        put("ignored", &to_js(&out.ignored)?);
        Ok(result.into())
    }

    /// What the journey reads of an account: the fields its criteria and scoring rules read
    /// (dotted paths — the columns `classifyColumns` needs, with the signals), and whether an
    /// account's contacts or its signals' topics matter.
    ///
    /// # Errors
    /// Only an internal fault converting the result.
    #[wasm_bindgen(js_name = fieldsRead, unchecked_return_type = "FieldsRead")]
    pub fn fields_read(&self) -> Result<JsValue, JsValue> {
        to_js(&self.inner.fields_read())
    }

    /// Classifies an account as of `options.asOf`: its stage (or none), every stage that holds
    /// (the winner first), the winning criterion's conditions with the values they saw, and
    /// what the next stage still needs (docs/classification.md).
    ///
    /// # Errors
    /// Throws a `JourneyError`: `invalid-argument` (no `asOf`, not an account), `invalid-value`
    /// (a field that does not fit the account schema), or a criterion's evaluation error with
    /// its path.
    #[wasm_bindgen(unchecked_return_type = "Classification")]
    pub fn classify(
        &self,
        #[wasm_bindgen(unchecked_param_type = "AccountData")] account: JsValue,
        #[wasm_bindgen(unchecked_param_type = "{ asOf: string; nextChange?: boolean }")]
        options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let as_of = as_of_option(&options, "classify(account, { asOf })")?;
        let data = account_data(&account, &as_of)?;
        let classification = self
            .inner
            .classify_with(&data, next_change_option(&options))
            .map_err(|e| js_error(&e))?;
        to_js(&classification)
    }

    /// Classifies many accounts (plain objects) as of `options.asOf`: one result per row, in
    /// order — a classification as `classify` gives, or `{ error: { row, code, path, message } }`
    /// for a row that is not a valid account. No row is dropped.
    ///
    /// With `explain: false` each row is a `StageRow` (`{ stage, status, composite }`) or the
    /// row's error, the same as `classify` would give: the fields the journey reads are taken
    /// from the objects into columns in JS and classified in one `classifyColumns` call; rows
    /// that columns cannot represent exactly go the explaining way (js/classify-objects.js,
    /// docs/classification.md, "Batches").
    ///
    /// # Errors
    /// Throws a `JourneyError` (`invalid-argument`) when `accounts` is not an array or `asOf`
    /// is missing.
    #[wasm_bindgen(js_name = classifyMany, unchecked_return_type = "ClassifyRow[]")]
    pub fn classify_many(
        &self,
        #[wasm_bindgen(unchecked_param_type = "AccountData[]")] accounts: JsValue,
        #[wasm_bindgen(
            unchecked_param_type = "{ asOf: string; nextChange?: boolean; explain?: true }"
        )]
        options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let as_of = as_of_option(&options, "classifyMany(accounts, { asOf })")?;
        let next_change = next_change_option(&options);
        let rows = accounts.dyn_ref::<js_sys::Array>().ok_or_else(|| {
            js_error(&Error::new(
                Code::InvalidArgument,
                "",
                "classifyMany(accounts, { asOf }) needs an array of accounts",
            ))
        })?;
        let mut out = Vec::with_capacity(rows.length() as usize);
        for (i, row) in rows.iter().enumerate() {
            let classified = account_data(&row, &as_of).and_then(|data| {
                self.inner
                    .classify_with(&data, next_change)
                    .map_err(|e| js_error(&e))
            });
            out.push(match classified {
                Ok(c) => ClassifyRow::Ok(Box::new(c)),
                Err(e) => ClassifyRow::Err {
                    error: RowErrorJs::from_js(&e, i),
                },
            });
        }
        to_js(&out)
    }

    /// The account's buying group as of `options.asOf`: each contact's engagement in the
    /// definition's window, engaged roles, the multi-threading count, and coverage of the
    /// required roles.
    ///
    /// # Errors
    /// Throws a `JourneyError`: `invalid-argument` (no `asOf`, not an account) or
    /// `invalid-value` (a field that does not fit the account schema; two contacts with one id).
    #[wasm_bindgen(js_name = buyingGroup, unchecked_return_type = "BuyingGroupFacts")]
    pub fn buying_group(
        &self,
        #[wasm_bindgen(unchecked_param_type = "AccountData")] account: JsValue,
        #[wasm_bindgen(unchecked_param_type = "{ asOf: string }")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let as_of = as_of_option(&options, "buyingGroup(account, { asOf })")?;
        let data = account_data(&account, &as_of)?;
        let facts = self.inner.buying_group(&data).map_err(|e| js_error(&e))?;
        to_js(&facts)
    }

    /// Why an account's score moved between `options.from` and `options.to`: the composite and
    /// each component at both dates, and every contribution that changed, largest first.
    ///
    /// # Errors
    /// As `score`, and `invalid-argument` when `from` or `to` is missing or not a timestamp.
    #[wasm_bindgen(js_name = scoreDelta, unchecked_return_type = "ScoreDelta")]
    pub fn score_delta(
        &self,
        #[wasm_bindgen(unchecked_param_type = "AccountData")] account: JsValue,
        #[wasm_bindgen(unchecked_param_type = "{ from: string; to: string }")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let date = |key: &str| -> Result<(String, i64), JsValue> {
            let text = Reflect::get(&options, &JsValue::from_str(key))
                .ok()
                .and_then(|v| v.as_string())
                .unwrap_or_default();
            let ms = crate::expr::data::parse_timestamp(&text).ok_or_else(|| {
                js_error(&Error::new(
                    Code::InvalidArgument,
                    "",
                    format!(
                        "scoreDelta(account, {{ from, to }}) needs {key}, a timestamp (RFC 3339 \
                         or YYYY-MM-DD)"
                    ),
                ))
            })?;
            Ok((text, ms))
        };
        let ((from_text, from), (_, to)) = (date("from")?, date("to")?);
        let data = account_data(&account, &from_text)?;
        let delta = self
            .inner
            .score_delta(&data, from, to)
            .map_err(|e| js_error(&Error::from(e)))?;
        to_js(&delta)
    }

    /// The definition in canonical form (absent values as `null`, durations canonical).
    ///
    /// # Errors
    /// Only an internal fault converting the result.
    #[wasm_bindgen(unchecked_return_type = "JourneyDefinition")]
    pub fn definition(&self) -> Result<JsValue, JsValue> {
        to_js(self.inner.definition())
    }

    /// The stages in journey order.
    ///
    /// # Errors
    /// Only an internal fault converting the result.
    #[wasm_bindgen(unchecked_return_type = "StageSummary[]")]
    pub fn stages(&self) -> Result<JsValue, JsValue> {
        to_js(&self.inner.summary().stages)
    }

    /// Warnings found while compiling.
    ///
    /// # Errors
    /// Only an internal fault converting the result.
    #[wasm_bindgen(unchecked_return_type = "Diagnostic[]")]
    pub fn warnings(&self) -> Result<JsValue, JsValue> {
        to_js(self.inner.warnings())
    }

    /// Identity and stages, so `JSON.stringify(journey)` shows what the journey is.
    ///
    /// # Errors
    /// Only an internal fault converting the result.
    #[wasm_bindgen(js_name = toJSON, unchecked_return_type = "JourneySummary")]
    pub fn to_json(&self) -> Result<JsValue, JsValue> {
        to_js(&self.inner.summary())
    }

    /// Replays events (an array of event objects, or JSON Lines text) as of `options.asOf`:
    /// every account's timeline — transitions with the criteria that fired them, dwell,
    /// breaches, SLAs, recycles — and every refused event with its reason; the counts
    /// reconcile (`received = applied + refused`). `options.accounts` limits events to those
    /// account ids (others are refused as `unknown-account`). See docs/replay.md.
    ///
    /// # Errors
    /// Throws a `JourneyError` (`invalid-argument`) when `asOf` is missing or `events` is
    /// neither an array nor a string; a bad event is refused, never thrown.
    #[wasm_bindgen(unchecked_return_type = "ReplayResult")]
    pub fn replay(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ReplayEvent[] | string")] events: JsValue,
        #[wasm_bindgen(unchecked_param_type = "{ asOf: string; accounts?: string[] }")]
        options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let as_of = as_of_option(&options, "replay(events, { asOf })")?;
        let mut state = self.replay_state(Some(options))?;
        let outcome = state.apply_events(&events, &as_of, false)?;
        let mut result = state
            .inner
            .result(&state.journey, &as_of)
            .map_err(|e| js_error(&e))?;
        result.refused = outcome.refused;
        to_js(&result)
    }

    /// Replays events (as `replay`) and reports on them as of `options.asOf`: funnel, cohorts,
    /// the rolling view, velocity, the stage matrix (docs/reports.md; the options as
    /// `ReplayState.reports`). With `partial: true`, mergeable partial aggregates (a
    /// `Uint8Array` for `mergeReports`): shard accounts across workers, merge exactly.
    ///
    /// # Errors
    /// Throws a `JourneyError` (`invalid-argument`) for a bad option or events that are
    /// neither an array nor a string; bad events are refused and counted, not thrown.
    // TypeScript: this signature is the `partial: true` overload; the finished one is declared
    // in the custom section (class and interface declarations merge).
    #[wasm_bindgen(unchecked_return_type = "Uint8Array")]
    pub fn reports(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ReplayEvent[] | string")] events: JsValue,
        #[wasm_bindgen(unchecked_param_type = "ReportOptions & { partial: true }")]
        options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let as_of = as_of_option(&options, "reports(events, { asOf })")?;
        let mut state = self.replay_state(None)?;
        state.apply_events(&events, &as_of, false)?;
        state.reports(options)
    }

    /// Empty replay state for this journey, to apply batches of events to one after another
    /// (`state.apply(events, { asOf })`) and save between them (`state.toBytes()`).
    /// `options.accounts` limits events to those account ids.
    ///
    /// # Errors
    /// Throws a `JourneyError` (`invalid-argument`) when `options.accounts` is not an array of
    /// strings.
    #[wasm_bindgen(js_name = replayState)]
    pub fn replay_state(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "{ accounts?: string[] }")] options: Option<
            JsValue,
        >,
    ) -> Result<ReplayState, JsValue> {
        let mut inner = crate::replay::ReplayState::new(&self.inner);
        if let Some(ids) = accounts_option(&options.unwrap_or(JsValue::UNDEFINED))? {
            inner.restrict_accounts(ids);
        }
        Ok(ReplayState {
            journey: self.inner.clone(),
            inner,
        })
    }
}

/// The most accounts one replay result built in WebAssembly may hold without paging (a
/// result takes ~1.5 KB per account as it crosses to JS; at a million accounts the 4 GiB of
/// wasm32 memory ran out).
const MAX_RESULT_ACCOUNTS: usize = 50_000;

/// Replay state: every account's facts, stage and history so far, for one journey.
#[wasm_bindgen]
pub struct ReplayState {
    journey: CoreJourney,
    inner: crate::replay::ReplayState,
}

#[wasm_bindgen]
impl ReplayState {
    /// Reads state saved by `toBytes()`, for the journey that built it.
    ///
    /// # Errors
    /// Throws a `JourneyError` (`invalid-argument`) for damaged bytes or state built by another
    /// journey definition.
    #[wasm_bindgen(js_name = fromBytes)]
    pub fn from_bytes(journey: &Journey, bytes: &[u8]) -> Result<ReplayState, JsValue> {
        let inner = crate::replay::ReplayState::from_bytes(bytes).map_err(|e| js_error(&e))?;
        // Refuse another journey's state now rather than at the first apply.
        inner
            .check_journey(&journey.inner)
            .map_err(|e| js_error(&e))?;
        Ok(ReplayState {
            journey: journey.inner.clone(),
            inner,
        })
    }

    /// Applies a batch of events (an array, or JSON Lines text) up to `options.asOf`: what was
    /// applied and each refused event with its reason. An event older than an account's
    /// replayed history is refused as `late`. Text that is one JSON array is read as its
    /// elements, unless `options.lines` is `true` (then every line is an event, whatever the
    /// first one starts with).
    ///
    /// # Errors
    /// Throws a `JourneyError` (`invalid-argument`) when `asOf` is missing or `events` is
    /// neither an array nor a string.
    #[wasm_bindgen(unchecked_return_type = "ReplayBatch")]
    pub fn apply(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "ReplayEvent[] | string")] events: JsValue,
        #[wasm_bindgen(unchecked_param_type = "{ asOf: string; lines?: boolean }")]
        options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let as_of = as_of_option(&options, "apply(events, { asOf })")?;
        let lines = Reflect::get(&options, &JsValue::from_str("lines"))
            .ok()
            .and_then(|v| v.as_bool())
            == Some(true);
        to_js(&self.apply_events(&events, &as_of, lines)?)
    }

    /// Applies a batch of events given as columns (`EventColumns`: one array per field, one
    /// copy across the boundary per column) up to `options.asOf`: each row applied or refused
    /// exactly as the same event written as JSON would be (docs/replay.md, "Events as
    /// columns").
    ///
    /// # Errors
    /// Throws a `JourneyError` (`invalid-argument`) when `asOf` is missing, or when the columns
    /// are not a batch: an unknown field, a column of the wrong kind or length.
    #[wasm_bindgen(js_name = applyColumns, unchecked_return_type = "ReplayBatch")]
    pub fn apply_columns(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "EventColumns")] columns: JsValue,
        #[wasm_bindgen(unchecked_param_type = "{ asOf: string }")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let as_of = as_of_option(&options, "applyColumns(columns, { asOf })")?;
        let columns = event_columns(&columns).map_err(|e| js_error(&e))?;
        let outcome = self
            .inner
            .apply_columns(&self.journey, &columns, &as_of)
            .map_err(|e| js_error(&e))?;
        to_js(&outcome)
    }

    /// Every account's timeline as of `options.asOf` (the state itself is not changed), or a
    /// page of them: `offset` (from 0, accounts by id) and `limit`. Without a `limit`, a state
    /// of more than 50,000 accounts is refused (`limit-exceeded`) rather than running out of
    /// WebAssembly memory: page through it.
    ///
    /// # Errors
    /// Throws a `JourneyError`: `invalid-argument` when `asOf` is missing or `offset`/`limit`
    /// are not whole numbers ≥ 0; `limit-exceeded` as above.
    #[wasm_bindgen(unchecked_return_type = "ReplayResult")]
    pub fn result(
        &self,
        #[wasm_bindgen(unchecked_param_type = "{ asOf: string; offset?: number; limit?: number }")]
        options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let as_of = as_of_option(&options, "result({ asOf })")?;
        let whole = |key: &str| -> Result<Option<usize>, JsValue> {
            let value =
                Reflect::get(&options, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED);
            if value.is_undefined() || value.is_null() {
                return Ok(None);
            }
            value
                .as_f64()
                .filter(|n| n.fract() == 0.0 && *n >= 0.0 && *n <= 4_294_967_295.0)
                .map(|n| Some(n as usize))
                .ok_or_else(|| {
                    js_error(&Error::new(
                        Code::InvalidArgument,
                        format!("/{key}"),
                        format!("result({{ {key} }}) must be a whole number, 0 or more"),
                    ))
                })
        };
        let offset = whole("offset")?.unwrap_or(0);
        let limit = match whole("limit")? {
            Some(limit) => limit,
            None if self.inner.account_count().saturating_sub(offset) > MAX_RESULT_ACCOUNTS => {
                return Err(js_error(&Error::new(
                    Code::LimitExceeded,
                    "",
                    format!(
                        "the state holds {} accounts, more than one result can hold in WebAssembly \
                         memory ({MAX_RESULT_ACCOUNTS}): page through them with \
                         result({{ asOf, offset, limit }})",
                        self.inner.account_count()
                    ),
                )));
            }
            None => usize::MAX,
        };
        let result = self
            .inner
            .result_page(&self.journey, &as_of, offset, limit)
            .map_err(|e| js_error(&e))?;
        to_js(&result)
    }

    /// The reports — funnel, cohorts, the rolling view, velocity, the stage matrix — of every
    /// account replayed, as of `options.asOf` (docs/reports.md). `options`: `from`/`to` (the
    /// period counted, inclusive), `cohort` (`week`, `month`, `quarter`), `followUp`
    /// (`["30d", "90d"]`), `velocity` (pairs of stage ids), `groupBy` (`segment`, `motion`,
    /// `productLine`, `owner`). With `partial: true`, the mergeable partial aggregates instead
    /// (a `Uint8Array` for `mergeReports`).
    ///
    /// # Errors
    /// Throws a `JourneyError` (`invalid-argument`) for a bad option, or an `asOf` before
    /// events the state has replayed.
    // TypeScript: this signature is the `partial: true` overload; the finished one is declared
    // in the custom section (class and interface declarations merge).
    #[wasm_bindgen(unchecked_return_type = "Uint8Array")]
    pub fn reports(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ReportOptions & { partial: true }")]
        options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let report_options = report_options(&self.journey, &options)?;
        let partial =
            crate::report::Partial::from_state(&self.journey, &self.inner, &report_options)
                .map_err(|e| js_error(&e))?;
        partial_or_reports(&partial, &options)
    }

    /// The state as bytes (a `Uint8Array`), to save and read back with `ReplayState.fromBytes`.
    #[wasm_bindgen(js_name = toBytes)]
    pub fn to_bytes(&self) -> Vec<u8> {
        self.inner.to_bytes()
    }

    /// The number of accounts replayed.
    #[wasm_bindgen(getter)]
    pub fn accounts(&self) -> u32 {
        u32::try_from(self.inner.account_count()).unwrap_or(u32::MAX)
    }
}

impl ReplayState {
    /// `lines`: text is JSON Lines even when it starts with `[` (see `apply`).
    fn apply_events(
        &mut self,
        events: &JsValue,
        as_of: &str,
        lines: bool,
    ) -> Result<crate::replay::BatchOutcome, JsValue> {
        let as_of_ms = crate::replay::parse_as_of(as_of).map_err(|e| js_error(&e))?;
        let items = read_js_events(events, lines)?;
        self.inner
            .apply(&self.journey, items, as_of_ms)
            .map_err(|e| js_error(&e))
    }
}

/// Events from JS: JSON Lines (or JSON array, unless `lines`) text, or an array of event
/// objects, each read on its own so one bad event is refused alone.
fn read_js_events(
    events: &JsValue,
    lines: bool,
) -> Result<Vec<Result<crate::replay::Event, crate::replay::Unreadable>>, JsValue> {
    if let Some(text) = events.as_string() {
        return crate::replay::read_events_as(&text, lines).map_err(|e| js_error(&e));
    }
    let rows = events.dyn_ref::<js_sys::Array>().ok_or_else(|| {
        js_error(&Error::new(
            Code::InvalidArgument,
            "",
            "events must be an array of event objects or JSON Lines text",
        ))
    })?;
    Ok(rows
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let path = format!("/{i}");
            let text = js_sys::JSON::stringify(&row)
                .ok()
                .and_then(|t| JsValue::from(t).as_string())
                .ok_or_else(|| {
                    Error::new(
                        Code::InvalidType,
                        path.clone(),
                        "the event cannot be read as JSON (undefined, a cycle or a BigInt?)",
                    )
                })?;
            let node = crate::json::parse(&text)
                .map_err(|d| Error::new(d.code, path.clone(), d.message))?;
            if text.contains("null")
                && let Some((at, value)) = non_finite(&node, &row, path.clone())
            {
                let message = format!(
                    "{value} is not a number the engine accepts (NaN and infinities are errors)"
                );
                let error = Error::new(Code::InvalidValue, at, message);
                return Err(crate::replay::unreadable(&node, error));
            }
            crate::replay::read_event_keyed(&node, &path)
        })
        .collect())
}

/// `options.accounts`: account ids events are limited to, when given.
fn accounts_option(options: &JsValue) -> Result<Option<Vec<String>>, JsValue> {
    if !options.is_object() {
        return Ok(None);
    }
    let value = Reflect::get(options, &JsValue::from_str("accounts")).unwrap_or(JsValue::UNDEFINED);
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    let invalid = || {
        js_error(&Error::new(
            Code::InvalidArgument,
            "/accounts",
            "options.accounts must be an array of account ids (strings)",
        ))
    };
    let list = value.dyn_ref::<js_sys::Array>().ok_or_else(invalid)?;
    list.iter()
        .map(|id| id.as_string().ok_or_else(invalid))
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

/// One row of `classifyMany`: the classification, or the row's error.
#[derive(Serialize)]
#[serde(untagged)]
enum ClassifyRow {
    Ok(Box<crate::classify::Classification>),
    Err { error: RowErrorJs },
}

/// One row of `scoreMany`: the scores, or the row's error.
#[derive(Serialize)]
#[serde(untagged)]
enum ScoreRow {
    Ok(ScoreValues),
    Err { error: RowErrorJs },
}

/// A score's numbers: composite and normalised components.
#[derive(Serialize)]
struct ScoreValues {
    composite: Option<f64>,
    fit: Option<f64>,
    intent: Option<f64>,
    engagement: Option<f64>,
    usage: Option<f64>,
    relationship: Option<f64>,
}

impl ScoreValues {
    fn of(score: &crate::score::Score) -> ScoreValues {
        let c = |name: &str| {
            score
                .components
                .iter()
                .find(|c| c.component == name)
                .and_then(|c| c.normalized)
        };
        ScoreValues {
            composite: score.composite,
            fit: c("fit"),
            intent: c("intent"),
            engagement: c("engagement"),
            usage: c("usage"),
            relationship: c("relationship"),
        }
    }
}

/// A row's error as `scoreMany` reports it.
#[derive(Serialize)]
struct RowErrorJs {
    row: usize,
    code: String,
    path: String,
    message: String,
}

impl RowErrorJs {
    /// From the `JourneyError` a row produced.
    fn from_js(error: &JsValue, row: usize) -> RowErrorJs {
        let text = |key: &str| {
            Reflect::get(error, &JsValue::from_str(key))
                .ok()
                .and_then(|v| v.as_string())
                .unwrap_or_default()
        };
        RowErrorJs {
            row,
            code: text("code"),
            path: text("path"),
            message: text("message"),
        }
    }
}

/// Reads `{ length, fields, signals }` (see `AccountColumns` in the .d.ts) into core columns.
fn read_columns(
    value: &JsValue,
) -> Result<(crate::batch::AccountColumns, crate::batch::SignalColumns), Error> {
    use crate::batch::{AccountColumns, Column, SignalColumns};
    let bad = |message: String| Error::new(Code::InvalidArgument, "", message);
    if !value.is_object() {
        return Err(bad(
            "the columns must be { length, fields?, signals? }".into()
        ));
    }
    let get = |obj: &JsValue, key: &str| Reflect::get(obj, &JsValue::from_str(key)).ok();
    // A misspelt key ("signal", "feilds") would silently score without that data: refuse it.
    let known = |obj: &JsValue, what: &str, keys: &[&str]| -> Result<(), Error> {
        let present = js_sys::Object::keys(obj.unchecked_ref::<js_sys::Object>());
        for key in present.iter() {
            let key = key.as_string().unwrap_or_default();
            if !keys.contains(&key.as_str()) {
                return Err(bad(format!(
                    "{what} has no key \"{key}\"; expected {}",
                    keys.join(", ")
                )));
            }
        }
        Ok(())
    };
    known(value, "the columns", &["length", "fields", "signals"])?;
    let len = get(value, "length")
        .and_then(|v| v.as_f64())
        .filter(|n| n.fract() == 0.0 && (0.0..=u32::MAX as f64).contains(n))
        .ok_or_else(|| bad("columns.length must be the number of accounts".into()))?
        as usize;
    let mut fields = Vec::new();
    if let Some(obj) = get(value, "fields").filter(|v| !v.is_undefined() && !v.is_null()) {
        let keys = js_sys::Object::keys(obj.unchecked_ref::<js_sys::Object>());
        for key in keys.iter() {
            let name = key.as_string().unwrap_or_default();
            let column = get(&obj, &name).unwrap_or(JsValue::UNDEFINED);
            let read = if let Some(a) = column.dyn_ref::<js_sys::Float64Array>() {
                Some(Column::Numbers(a.to_vec()))
            } else if let Some(a) = column.dyn_ref::<js_sys::Uint8Array>() {
                Some(Column::Bools(a.to_vec()))
            } else if let Some(a) = column.dyn_ref::<js_sys::Array>() {
                let lists = a.length() > 0 && a.iter().all(|item| js_sys::Array::is_array(&item));
                if lists {
                    let rows: Vec<Vec<String>> = a
                        .iter()
                        .map(|item| {
                            js_sys::Array::from(&item)
                                .iter()
                                .map(|s| s.as_string().unwrap_or_default())
                                .collect()
                        })
                        .collect();
                    Some(Column::string_lists(&rows))
                } else {
                    let (codes, values) = dictionary(a);
                    Some(Column::Strings { codes, values })
                }
            } else if let Some(offsets) = Reflect::get(&column, &JsValue::from_str("offsets"))
                .ok()
                .and_then(|o| o.dyn_ref::<js_sys::Uint32Array>().map(|o| o.to_vec()))
            {
                encoded(&column).map(|(codes, values)| Column::StringLists {
                    offsets,
                    codes,
                    values,
                })
            } else {
                encoded(&column).map(|(codes, values)| Column::Strings { codes, values })
            };
            let column = read.ok_or_else(|| {
                bad(format!(
                    "fields[\"{name}\"] must be a Float64Array (numbers, timestamps in ms; NaN \
                     is null), a Uint8Array (booleans: 0, 1, other null), an array of strings \
                     or nulls, {{ codes: Uint32Array, values: string[] }}, or lists of strings \
                     as an array of string arrays or {{ offsets, codes, values }}"
                ))
            })?;
            fields.push((name, column));
        }
    }
    let mut signals = SignalColumns::default();
    if let Some(obj) = get(value, "signals").filter(|v| !v.is_undefined() && !v.is_null()) {
        known(
            &obj,
            "columns.signals",
            &["account", "type", "at", "strength", "value", "contact"],
        )?;
        let numbers = |key: &str| {
            get(&obj, key).and_then(|v| v.dyn_ref::<js_sys::Float64Array>().map(|a| a.to_vec()))
        };
        signals.account = get(&obj, "account")
            .and_then(|v| v.dyn_ref::<js_sys::Uint32Array>().map(|a| a.to_vec()))
            .ok_or_else(|| bad("signals.account must be a Uint32Array of account rows".into()))?;
        let (kind, kinds) = get(&obj, "type")
            .and_then(|v| match v.dyn_ref::<js_sys::Array>() {
                Some(a) => Some(dictionary(a)),
                None => encoded(&v),
            })
            .ok_or_else(|| {
                bad("signals.type must be { codes: Uint32Array, values: string[] } or an array of strings".into())
            })?;
        signals.kind = kind;
        signals.kinds = kinds;
        signals.at = numbers("at")
            .ok_or_else(|| bad("signals.at must be a Float64Array of epoch milliseconds".into()))?;
        signals.strength = match get(&obj, "strength").filter(|v| !v.is_undefined()) {
            None => None,
            Some(_) => Some(numbers("strength").ok_or_else(|| {
                bad("signals.strength must be a Float64Array (NaN: none)".into())
            })?),
        };
        signals.value =
            match get(&obj, "value").filter(|v| !v.is_undefined()) {
                None => None,
                Some(_) => Some(numbers("value").ok_or_else(|| {
                    bad("signals.value must be a Float64Array (NaN: none)".into())
                })?),
            };
        if let Some(v) = get(&obj, "contact").filter(|v| !v.is_undefined()) {
            let (codes, values) = match v.dyn_ref::<js_sys::Array>() {
                Some(a) => Some(dictionary(a)),
                None => encoded(&v),
            }
            .ok_or_else(|| {
                bad("signals.contact must be { codes: Uint32Array, values: string[] } or an array of strings or nulls".into())
            })?;
            signals.contact = Some(codes);
            signals.contacts = values;
        }
    }
    Ok((AccountColumns { len, fields }, signals))
}

/// Reads `{ length, account, type, at, … }` (see `EventColumns` in the .d.ts) into core
/// columns: a Float64Array is numbers, an array or `{ codes, values }` strings. Every read goes
/// through `Reflect`, so a getter that throws is an `invalid-argument` error rather than an
/// exception through the state; a cell that is not a string (an object outside the nested
/// fields, a number, a lone surrogate) throws, naming it, rather than being read as absent.
fn event_columns(value: &JsValue) -> Result<crate::replay::EventColumns, Error> {
    use crate::batch::Column;
    let bad = |path: String, message: String| Error::new(Code::InvalidArgument, path, message);
    if !value.is_object() {
        return Err(bad(
            String::new(),
            "the columns must be { length, account, type, at, … }".into(),
        ));
    }
    let threw = |path: &str| bad(path.to_string(), "reading the columns threw".into());
    let len = Reflect::get(value, &JsValue::from_str("length"))
        .map_err(|_| threw("/length"))?
        .as_f64()
        .filter(|n| n.fract() == 0.0 && (0.0..=u32::MAX as f64).contains(n))
        .ok_or_else(|| {
            bad(
                "/length".into(),
                "columns.length must be the number of events".into(),
            )
        })? as usize;
    let keys = Reflect::own_keys(value).map_err(|_| threw(""))?;
    let mut raw = Vec::new();
    for key in keys.iter() {
        let Some(name) = key.as_string().filter(|k| k != "length") else {
            continue;
        };
        let column = Reflect::get(value, &key).map_err(|_| threw(&format!("/{name}")))?;
        if !column.is_undefined() {
            raw.push((name, column));
        }
    }
    // The types first: a `contact` cell may be an object on a `contact` event's row only.
    raw.sort_by_key(|(name, _)| name != "type");
    let mut given: Vec<(String, Column)> = Vec::with_capacity(raw.len());
    for (name, column) in raw {
        let path = format!("/{name}");
        let read = if let Some(a) = column.dyn_ref::<js_sys::Float64Array>() {
            Column::Numbers(a.to_vec())
        } else {
            let types = given.iter().find_map(|(n, c)| match c {
                Column::Strings { codes, values } if n == "type" => Some((codes, values)),
                _ => None,
            });
            let objects = |row: u32| match name.as_str() {
                "firmographics" | "facts" => true,
                "contact" => types.is_some_and(|(codes, values)| {
                    codes
                        .get(row as usize)
                        .and_then(|&c| values.get(c as usize))
                        .is_some_and(|t| t == "contact")
                }),
                _ => false,
            };
            let (codes, cells) = if js_sys::Array::is_array(&column) {
                (None, column.clone())
            } else {
                let codes = Reflect::get(&column, &JsValue::from_str("codes")).ok();
                let values = Reflect::get(&column, &JsValue::from_str("values")).ok();
                match (codes, values) {
                    (Some(c), Some(v)) if js_sys::Array::is_array(&v) => {
                        match c.dyn_ref::<js_sys::Uint32Array>() {
                            Some(c) => (Some(c.to_vec()), v),
                            None => (None, JsValue::NULL),
                        }
                    }
                    _ => (None, JsValue::NULL),
                }
            };
            if cells.is_null() {
                return Err(bad(
                    path,
                    format!(
                        "columns[\"{name}\"] must be a Float64Array (NaN: absent), an array of \
                         strings or nulls, or {{ codes: Uint32Array, values: string[] }}"
                    ),
                ));
            }
            let nested = matches!(name.as_str(), "firmographics" | "facts" | "contact");
            let (cell_codes, values) = match &codes {
                Some(_) => texts(&cells, &path, &|_| nested)?,
                None => texts(&cells, &path, &objects)?,
            };
            let mut index_codes = cell_codes;
            if let Some(codes) = codes {
                // Codes into the values given: a code past them is absent, as is a null value.
                let given_codes = std::mem::take(&mut index_codes);
                for (row, &c) in codes.iter().enumerate() {
                    let code = given_codes.get(c as usize).copied().unwrap_or(u32::MAX);
                    if values.get(code as usize).is_some_and(|(_, object)| *object)
                        && !objects(row as u32)
                    {
                        return Err(bad(
                            format!("{path}/{row}"),
                            "a cell must be a string or null, found an object".into(),
                        ));
                    }
                    index_codes.push(code);
                }
            }
            let values = values.into_iter().map(|(text, _)| text).collect();
            Column::Strings {
                codes: index_codes,
                values,
            }
        };
        given.push((name, read));
    }
    crate::replay::EventColumns::new(len, given)
}

/// Per cell its value's place (`u32::MAX`: absent), and the values with whether each was
/// written from an object.
type Texts = (Vec<u32>, Vec<(String, bool)>);

/// An array's cells as texts, dictionary-coded (null, undefined: absent): strings as they
/// are, a `Date` as its ISO text, and where `objects(i)` allows an object its JSON text.
/// Anything else is an `invalid-argument` error at `path/i`.
fn texts(array: &JsValue, path: &str, objects: &dyn Fn(u32) -> bool) -> Result<Texts, Error> {
    let at =
        |i: u32, message: String| Error::new(Code::InvalidArgument, format!("{path}/{i}"), message);
    let n = Reflect::get(array, &JsValue::from_str("length"))
        .ok()
        .and_then(|n| n.as_f64())
        .unwrap_or(0.0) as u32;
    // Strings and objects' texts apart: an object and a string of the same text are two
    // values (two maps of the type `dictionary` uses: no new map code in the .wasm).
    let mut index: [std::collections::BTreeMap<String, u32>; 2] = Default::default();
    let mut values: Vec<(String, bool)> = Vec::new();
    let mut codes = Vec::with_capacity(n as usize);
    for i in 0..n {
        let cell =
            Reflect::get_u32(array, i).map_err(|_| at(i, "reading this cell threw".into()))?;
        let mut object = false;
        let text = if cell.is_null() || cell.is_undefined() {
            codes.push(u32::MAX);
            continue;
        } else if let Some(s) = cell.dyn_ref::<js_sys::JsString>() {
            if !s.is_valid_utf16() {
                return Err(at(
                    i,
                    "the text is not well-formed UTF-16 (a lone surrogate)".into(),
                ));
            }
            String::from(s)
        } else if let Some(date) = cell
            .dyn_ref::<js_sys::Date>()
            .filter(|d| !d.get_time().is_nan())
        {
            String::from(date.to_iso_string())
        } else if cell.is_object() && !js_sys::Array::is_array(&cell) && objects(i) {
            object = true;
            js_sys::JSON::stringify(&cell)
                .ok()
                .and_then(|t| JsValue::from(t).as_string())
                .ok_or_else(|| at(i, "the object could not be written as JSON".into()))?
        } else {
            let kind = if js_sys::Array::is_array(&cell) {
                "an array".to_string()
            } else {
                format!(
                    "a value of type {}",
                    cell.js_typeof().as_string().unwrap_or_default()
                )
            };
            return Err(at(
                i,
                format!("a cell must be a string or null, found {kind}"),
            ));
        };
        let [strings, objects_seen] = &mut index;
        let map = if object { objects_seen } else { strings };
        let code = *map.entry(text).or_insert_with_key(|text| {
            values.push((text.clone(), object));
            (values.len() - 1) as u32
        });
        codes.push(code);
    }
    Ok((codes, values))
}

/// `{ codes: Uint32Array, values: string[] }`.
fn encoded(value: &JsValue) -> Option<(Vec<u32>, Vec<String>)> {
    let codes = Reflect::get(value, &JsValue::from_str("codes")).ok()?;
    let values = Reflect::get(value, &JsValue::from_str("values")).ok()?;
    let codes = codes.dyn_ref::<js_sys::Uint32Array>()?.to_vec();
    let values = values
        .dyn_ref::<js_sys::Array>()?
        .iter()
        .map(|v| v.as_string())
        .collect::<Option<Vec<String>>>()?;
    Some((codes, values))
}

/// An array of strings (or nulls) dictionary-encoded; a null or non-string is null.
fn dictionary(array: &js_sys::Array) -> (Vec<u32>, Vec<String>) {
    let mut index: std::collections::BTreeMap<String, u32> = std::collections::BTreeMap::new();
    let mut values = Vec::new();
    let codes = array
        .iter()
        .map(|item| match item.as_string() {
            Some(s) => *index.entry(s).or_insert_with_key(|s| {
                values.push(s.clone());
                (values.len() - 1) as u32
            }),
            None => u32::MAX,
        })
        .collect();
    (codes, values)
}

/// `options.nextChange`: compute `nextChangeAt` unless it is `false`.
fn next_change_option(options: &JsValue) -> bool {
    Reflect::get(options, &JsValue::from_str("nextChange"))
        .ok()
        .and_then(|v| v.as_bool())
        .unwrap_or(true)
}

/// `options.asOf`, which every call that evaluates needs: the engine never reads the clock.
fn as_of_option(options: &JsValue, call: &str) -> Result<String, JsValue> {
    Reflect::get(options, &JsValue::from_str("asOf"))
        .ok()
        .and_then(|v| v.as_string())
        .ok_or_else(|| {
            js_error(&Error::new(
                Code::InvalidArgument,
                "",
                format!("{call} needs asOf, a timestamp string: the engine never reads the clock"),
            ))
        })
}

/// `options.asOf` as milliseconds since the epoch.
fn as_of_ms(options: &JsValue, call: &str) -> Result<i64, JsValue> {
    let as_of = as_of_option(options, call)?;
    crate::expr::data::parse_timestamp(&as_of).ok_or_else(|| {
        js_error(&Error::new(
            Code::InvalidArgument,
            "",
            format!("asOf: \"{as_of}\" is not an RFC 3339 timestamp or YYYY-MM-DD date"),
        ))
    })
}

/// An account argument read as an account context as of `as_of`.
fn account_data(account: &JsValue, as_of: &str) -> Result<crate::expr::Data, JsValue> {
    let invalid = |message: &str| js_error(&Error::new(Code::InvalidArgument, "", message));
    if !account.is_object() || js_sys::Array::is_array(account) {
        return Err(invalid("expected an account (an object)"));
    }
    let text = js_sys::JSON::stringify(account)
        .ok()
        .and_then(|t| JsValue::from(t).as_string())
        .ok_or_else(|| invalid("the account cannot be read as JSON (a cycle or a BigInt?)"))?;
    // JSON.stringify writes NaN and ±Infinity as null, which would read as "missing": find the
    // nulls that were numbers and report them (cheap: only when the text has a null at all).
    if text.contains("null")
        && let Ok(node) = crate::json::parse(&text)
        && let Some((path, value)) = non_finite(&node, account, String::new())
    {
        return Err(js_error(&Error::new(
            Code::InvalidValue,
            path,
            format!("{value} is not a number the engine accepts (NaN and infinities are errors)"),
        )));
    }
    crate::expr::Data::account_from_json_at(&text, as_of).map_err(|e| js_error(&e))
}

/// The path and text of the first number in `js` that JSON wrote as `null` (NaN, ±Infinity).
fn non_finite(node: &crate::json::Node, js: &JsValue, path: String) -> Option<(String, String)> {
    use crate::json::Value;
    match &node.value {
        Value::Null => js.as_f64().map(|n| {
            (
                path,
                if n.is_nan() {
                    "NaN"
                } else if n > 0.0 {
                    "Infinity"
                } else {
                    "-Infinity"
                }
                .to_string(),
            )
        }),
        Value::Array(items) => items.iter().enumerate().find_map(|(i, item)| {
            let child = Reflect::get_u32(js, i as u32).ok()?;
            non_finite(
                item,
                &child,
                crate::error::pointer_push(&path, &i.to_string()),
            )
        }),
        Value::Object(members) => members.iter().find_map(|m| {
            let child = Reflect::get(js, &JsValue::from_str(&m.key)).ok()?;
            non_finite(&m.value, &child, crate::error::pointer_push(&path, &m.key))
        }),
        _ => None,
    }
}

/// A definition argument as JSON text: the caller's own (spans point into it), or ours,
/// serialised from their object (spans would point into a text they never saw).
enum DefinitionText {
    Written(String),
    Serialized(String),
}

fn definition_text(value: &JsValue) -> Result<DefinitionText, Diagnostic> {
    if let Some(s) = value.dyn_ref::<JsString>() {
        return checked_string(s).map(DefinitionText::Written);
    }
    if !value.is_object() || value.is_function() {
        let kind = if value.is_null() {
            "null".to_string()
        } else {
            value.js_typeof().as_string().unwrap_or_default()
        };
        return Err(crate::definition::not_a_definition(&kind));
    }
    let text = js_sys::JSON::stringify(value).map_err(|err| {
        let reason = err
            .dyn_ref::<js_sys::Error>()
            .and_then(|e| e.message().as_string())
            .unwrap_or_default();
        Diagnostic::error(
            Code::InvalidArgument,
            "",
            format!(
                "the definition cannot be read as JSON (a cycle, a BigInt or a throwing getter?): \
                 {reason}"
            ),
        )
    })?;
    // JSON.stringify gives `undefined` (typed as a string by js-sys) when a `toJSON` returns
    // undefined or a function: check before using it as a string.
    let text = JsValue::from(text).dyn_into::<JsString>().map_err(|_| {
        Diagnostic::error(
            Code::InvalidArgument,
            "",
            "the definition serialises to nothing (does a toJSON() return undefined?)",
        )
    })?;
    checked_string(&text).map(DefinitionText::Serialized)
}

fn checked_string(s: &JsString) -> Result<String, Diagnostic> {
    // Check the length before copying: a huge string is refused without allocating for it.
    let units = s.length() as usize;
    if units > MAX_INPUT_BYTES {
        return Err(Diagnostic::error(
            Code::LimitExceeded,
            "",
            format!(
                "definition is {units} UTF-16 code units long; the limit is {MAX_INPUT_BYTES} \
                 bytes of UTF-8 (1 MiB)"
            ),
        ));
    }
    if !s.is_valid_utf16() {
        return Err(Diagnostic::error(
            Code::InvalidUtf16,
            "",
            "the definition text holds lone surrogates (invalid UTF-16)",
        ));
    }
    Ok(String::from(s))
}

/// A result as a plain JS object: serialised to JSON by serde_json (the serializer the canonical
/// form already links, so each type's serialisation code exists once) and parsed by the
/// engine's `JSON.parse`. Doubles print round-trip exactly, so the values are the same.
fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    let internal = |what: String| {
        js_error(&Error::new(
            Code::Internal,
            "",
            format!("could not convert the result to JS: {what}"),
        ))
    };
    let text = serde_json::to_string(value).map_err(|e| internal(e.to_string()))?;
    js_sys::JSON::parse(&text).map_err(|_| internal("JSON.parse failed".to_string()))
}

/// A real JS `Error` named `JourneyError`, with `code`, `path`, `span` and `diagnostics`.
fn js_error(err: &Error) -> JsValue {
    let error = js_sys::Error::new(err.message());
    error.set_name("JourneyError");
    let span = err.span().map_or(Ok(JsValue::NULL), to_js);
    let diagnostics = to_js(err.diagnostics());
    let props: [(&str, Result<JsValue, JsValue>); 4] = [
        ("code", Ok(JsValue::from_str(err.code().as_str()))),
        ("path", Ok(JsValue::from_str(err.path()))),
        ("span", span),
        ("diagnostics", diagnostics),
    ];
    for (key, value) in props {
        // Setting a property on a fresh Error cannot fail; if it somehow did, the error still
        // carries its message.
        let _ = Reflect::set(
            &error,
            &JsValue::from_str(key),
            &value.unwrap_or(JsValue::NULL),
        );
    }
    error.into()
}
