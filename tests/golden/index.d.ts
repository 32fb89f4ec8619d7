/// <reference lib="esnext.disposable" />
/* tslint:disable */
/* eslint-disable */

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



/**
 * A compiled journey definition.
 */
export class Journey {
    free(): void;
    [Symbol.dispose](): void;
    /**
     * The account's buying group as of `options.asOf`: each contact's engagement in the
     * definition's window, engaged roles, the multi-threading count, and coverage of the
     * required roles.
     *
     * # Errors
     * Throws a `JourneyError`: `invalid-argument` (no `asOf`, not an account) or
     * `invalid-value` (a field that does not fit the account schema; two contacts with one id).
     */
    buyingGroup(account: AccountData, options: { asOf: string }): BuyingGroupFacts;
    /**
     * Classifies a batch given as columns (the shape `scoreColumns` takes) as of
     * `options.asOf` — the bulk path: one call for the whole batch, typed arrays in and out, no
     * explanation built. Returns the journey's stage ids in order (`stages`), per row the
     * winning stage's position in them (`stage`, a `Uint16Array`; 65535: no stage holds, or
     * the row failed), the composite score the criteria saw, the failed rows' errors and the
     * signals the score ignored. Each row's stage is the one `classify` gives the same
     * account; ask `classify` for the explanation of the rows you show
     * (docs/classification.md, "Batches").
     *
     * # Errors
     * Throws a `JourneyError` (`invalid-argument`) when the batch is malformed as a whole (as
     * `scoreColumns`) or `asOf` is missing.
     */
    classifyColumns(columns: AccountColumns, options: { asOf: string }): ColumnStages;
    /**
     * Classifies many accounts (plain objects) as of `options.asOf`: one result per row, in
     * order — a classification as `classify` gives, or `{ error: { row, code, path, message } }`
     * for a row that is not a valid account. No row is dropped.
     *
     * With `explain: false` each row is a `StageRow` (`{ stage, status, composite }`) or the
     * row's error, the same as `classify` would give: the fields the journey reads are taken
     * from the objects into columns in JS and classified in one `classifyColumns` call; rows
     * that columns cannot represent exactly go the explaining way (js/classify-objects.js,
     * docs/classification.md, "Batches").
     *
     * # Errors
     * Throws a `JourneyError` (`invalid-argument`) when `accounts` is not an array or `asOf`
     * is missing.
     */
    classifyMany(accounts: AccountData[], options: { asOf: string; nextChange?: boolean; explain?: true }): ClassifyRow[];
    /**
     * Classifies an account as of `options.asOf`: its stage (or none), every stage that holds
     * (the winner first), the winning criterion's conditions with the values they saw, and
     * what the next stage still needs (docs/classification.md).
     *
     * # Errors
     * Throws a `JourneyError`: `invalid-argument` (no `asOf`, not an account), `invalid-value`
     * (a field that does not fit the account schema), or a criterion's evaluation error with
     * its path.
     */
    classify(account: AccountData, options: { asOf: string; nextChange?: boolean }): Classification;
    /**
     * The embedded default journey (eight stages plus Closed-Lost and Churned).
     *
     * # Errors
     * None in practice (the embedded definition is tested); a `JourneyError` otherwise.
     */
    static default(): Journey;
    /**
     * The definition in canonical form (absent values as `null`, durations canonical).
     *
     * # Errors
     * Only an internal fault converting the result.
     */
    definition(): JourneyDefinition;
    /**
     * What the journey reads of an account: the fields its criteria and scoring rules read
     * (dotted paths — the columns `classifyColumns` needs, with the signals), and whether an
     * account's contacts or its signals' topics matter.
     *
     * # Errors
     * Only an internal fault converting the result.
     */
    fieldsRead(): FieldsRead;
    /**
     * Compiles a definition (an object or JSON text).
     *
     * # Errors
     * Throws a `JourneyError` whose `diagnostics` list every problem.
     */
    constructor(definition: DefinitionInput);
    /**
     * Empty replay state for this journey, to apply batches of events to one after another
     * (`state.apply(events, { asOf })`) and save between them (`state.toBytes()`).
     * `options.accounts` limits events to those account ids.
     *
     * # Errors
     * Throws a `JourneyError` (`invalid-argument`) when `options.accounts` is not an array of
     * strings.
     */
    replayState(options?: { accounts?: string[] }): ReplayState;
    /**
     * Replays events (an array of event objects, or JSON Lines text) as of `options.asOf`:
     * every account's timeline — transitions with the criteria that fired them, dwell,
     * breaches, SLAs, recycles — and every refused event with its reason; the counts
     * reconcile (`received = applied + refused`). `options.accounts` limits events to those
     * account ids (others are refused as `unknown-account`). See docs/replay.md.
     *
     * # Errors
     * Throws a `JourneyError` (`invalid-argument`) when `asOf` is missing or `events` is
     * neither an array nor a string; a bad event is refused, never thrown.
     */
    replay(events: ReplayEvent[] | string, options: { asOf: string; accounts?: string[] }): ReplayResult;
    /**
     * Replays events (as `replay`) and reports on them as of `options.asOf`: funnel, cohorts,
     * the rolling view, velocity, the stage matrix (docs/reports.md; the options as
     * `ReplayState.reports`). With `partial: true`, mergeable partial aggregates (a
     * `Uint8Array` for `mergeReports`): shard accounts across workers, merge exactly.
     *
     * # Errors
     * Throws a `JourneyError` (`invalid-argument`) for a bad option or events that are
     * neither an array nor a string; bad events are refused and counted, not thrown.
     */
    reports(events: ReplayEvent[] | string, options: ReportOptions & { partial: true }): Uint8Array;
    /**
     * Scores a batch given as columns, as of `options.asOf` — the fast path: typed arrays
     * cross into wasm in one copy each. Returns per-row `Float64Array`s (`composite` and each
     * component, normalised 0–100; NaN where unknown or where the row failed), the failed rows'
     * errors and the batch's ignored signals. Numbers are the same, bit for bit, as `score()`
     * gives for each account (docs/scoring.md, "Batches").
     *
     * # Errors
     * Throws a `JourneyError` (`invalid-argument`) when the batch is malformed as a whole:
     * a column of the wrong kind or length, a field the account context does not have, a
     * signal whose account row is out of range; and when `asOf` is missing.
     */
    scoreColumns(columns: AccountColumns, options: { asOf: string }): ColumnScores;
    /**
     * Why an account's score moved between `options.from` and `options.to`: the composite and
     * each component at both dates, and every contribution that changed, largest first.
     *
     * # Errors
     * As `score`, and `invalid-argument` when `from` or `to` is missing or not a timestamp.
     */
    scoreDelta(account: AccountData, options: { from: string; to: string }): ScoreDelta;
    /**
     * Scores many accounts given as plain objects, as of `options.asOf`: one result per row,
     * in order — `{ composite, fit, intent, engagement, usage, relationship }` (normalised,
     * 0–100, `null` when unknown) or `{ error: { code, path, message } }` for a row that is not
     * a valid account. No row is dropped. For speed over large batches use `scoreColumns`.
     *
     * # Errors
     * Throws a `JourneyError` (`invalid-argument`) when `accounts` is not an array, `asOf` is
     * missing, or the journey has no scoring model.
     */
    scoreMany(accounts: AccountData[], options: { asOf: string }): ScoreRow[];
    /**
     * Scores an account with the definition's scoring model, as of `options.asOf`: components,
     * composite, the top contributions and the caps that clipped; the full ledger of dated
     * contributions (which sums to the components) with `ledger: true`.
     *
     * # Errors
     * Throws a `JourneyError`: `invalid-argument` (no scoring model, no `asOf`, not an
     * account), `invalid-value` (a field that does not fit the account schema, with its path:
     * a wrong type, a malformed timestamp, NaN or infinity, a number out of range), or an
     * evaluation error of a fit rule (with the rule's path).
     */
    score(account: AccountData, options: { asOf: string; ledger?: boolean }): Score;
    /**
     * The stages in journey order.
     *
     * # Errors
     * Only an internal fault converting the result.
     */
    stages(): StageSummary[];
    /**
     * Identity and stages, so `JSON.stringify(journey)` shows what the journey is.
     *
     * # Errors
     * Only an internal fault converting the result.
     */
    toJSON(): JourneySummary;
    /**
     * Warnings found while compiling.
     *
     * # Errors
     * Only an internal fault converting the result.
     */
    warnings(): Diagnostic[];
    /**
     * SHA-256 (hex) of the canonical definition.
     */
    readonly hash: string;
    /**
     * The definition's id.
     */
    readonly id: string;
    /**
     * The definition's name.
     */
    readonly name: string;
    /**
     * The definition's version.
     */
    readonly version: string;
}

/**
 * Several journeys compiled together (a definition file with a `journeys` array), with their
 * roll-up order and conflict rules.
 */
export class JourneySet {
    free(): void;
    [Symbol.dispose](): void;
    /**
     * One journey of the set, by id, or `null` when the set has none by that id.
     *
     * # Errors
     * Throws a `JourneyError` (`invalid-argument`) when `id` is not a string.
     */
    journey(id: string): Journey | null;
    /**
     * Compiles a file of several journeys (an object or JSON text).
     *
     * # Errors
     * Throws a `JourneyError` whose `diagnostics` list every problem.
     */
    constructor(definition: DefinitionInput);
    /**
     * Replays events (an array of event objects, or JSON Lines text) through every journey of
     * the set as of `options.asOf`, with the conflict rules between them: each account's
     * timeline per journey and its roll-up; each journey's event counts and refusals.
     *
     * # Errors
     * Throws a `JourneyError` (`invalid-argument`) when `asOf` is missing or `events` is
     * neither an array nor a string.
     */
    replay(events: ReplayEvent[] | string, options: { asOf: string }): SetReplayResult;
    /**
     * Identity, each journey's summary, the roll-up order and the conflict rules.
     *
     * # Errors
     * Only an internal fault converting the result.
     */
    toJSON(): JourneySetSummary;
    /**
     * SHA-256 (hex) of the canonical file.
     */
    readonly hash: string;
    /**
     * The file's id.
     */
    readonly id: string;
}

/**
 * Replay state: every account's facts, stage and history so far, for one journey.
 */
export class ReplayState {
    private constructor();
    free(): void;
    [Symbol.dispose](): void;
    /**
     * Applies a batch of events given as columns (`EventColumns`: one array per field, one
     * copy across the boundary per column) up to `options.asOf`: each row applied or refused
     * exactly as the same event written as JSON would be (docs/replay.md, "Events as
     * columns").
     *
     * # Errors
     * Throws a `JourneyError` (`invalid-argument`) when `asOf` is missing, or when the columns
     * are not a batch: an unknown field, a column of the wrong kind or length.
     */
    applyColumns(columns: EventColumns, options: { asOf: string }): ReplayBatch;
    /**
     * Applies a batch of events (an array, or JSON Lines text) up to `options.asOf`: what was
     * applied and each refused event with its reason. An event older than an account's
     * replayed history is refused as `late`. Text that is one JSON array is read as its
     * elements, unless `options.lines` is `true` (then every line is an event, whatever the
     * first one starts with).
     *
     * # Errors
     * Throws a `JourneyError` (`invalid-argument`) when `asOf` is missing or `events` is
     * neither an array nor a string.
     */
    apply(events: ReplayEvent[] | string, options: { asOf: string; lines?: boolean }): ReplayBatch;
    /**
     * Reads state saved by `toBytes()`, for the journey that built it.
     *
     * # Errors
     * Throws a `JourneyError` (`invalid-argument`) for damaged bytes or state built by another
     * journey definition.
     */
    static fromBytes(journey: Journey, bytes: Uint8Array | number[]): ReplayState;
    /**
     * The reports — funnel, cohorts, the rolling view, velocity, the stage matrix — of every
     * account replayed, as of `options.asOf` (docs/reports.md). `options`: `from`/`to` (the
     * period counted, inclusive), `cohort` (`week`, `month`, `quarter`), `followUp`
     * (`["30d", "90d"]`), `velocity` (pairs of stage ids), `groupBy` (`segment`, `motion`,
     * `productLine`, `owner`). With `partial: true`, the mergeable partial aggregates instead
     * (a `Uint8Array` for `mergeReports`).
     *
     * # Errors
     * Throws a `JourneyError` (`invalid-argument`) for a bad option, or an `asOf` before
     * events the state has replayed.
     */
    reports(options: ReportOptions & { partial: true }): Uint8Array;
    /**
     * Every account's timeline as of `options.asOf` (the state itself is not changed), or a
     * page of them: `offset` (from 0, accounts by id) and `limit`. Without a `limit`, a state
     * of more than 50,000 accounts is refused (`limit-exceeded`) rather than running out of
     * WebAssembly memory: page through it.
     *
     * # Errors
     * Throws a `JourneyError`: `invalid-argument` when `asOf` is missing or `offset`/`limit`
     * are not whole numbers ≥ 0; `limit-exceeded` as above.
     */
    result(options: { asOf: string; offset?: number; limit?: number }): ReplayResult;
    /**
     * The state as bytes (a `Uint8Array`), to save and read back with `ReplayState.fromBytes`.
     */
    toBytes(): Uint8Array;
    /**
     * The number of accounts replayed.
     */
    readonly accounts: number;
}

/**
 * The account context's schema: field names and their types (`docs/criteria-language.md`),
 * e.g. `{ asOf: "timestamp!", firmographics: { employees: "number:0+", … }, signals:
 * [{ type: "string!", … }], … }` — a scalar's type, its range (`:0+`, `:0-100`, `:0-1`), and
 * `!` when required.
 */
export function accountSchema(): Record<string, unknown>;

/**
 * The semantic difference between two definitions (objects or JSON text): stages added,
 * removed, renamed, moved, criteria and dwell limits changed, old → new.
 *
 * # Errors
 * Throws a `JourneyError` (with every diagnostic) when either definition is invalid.
 */
export function diffDefinitions(old: DefinitionInput, _new: DefinitionInput): DefinitionDiff;

/**
 * A diagnostic as a human reads it in a terminal or a log: severity, code, line and column,
 * message, then the line of `text` with a caret under the problem. `text` is the definition
 * text the diagnostic came from (without it, or without a span, the first line only).
 *
 * # Errors
 * Throws a `JourneyError` (`invalid-argument`) when `diagnostic` is not a diagnostic object.
 */
export function formatDiagnostic(diagnostic: Diagnostic, text: string | undefined): string;

/**
 * Matches leads to accounts: one outcome per lead, in order — matched (by domain or company
 * name, with the value and any tie-break) or unmatched with its reason — and a summary.
 * A lead row that is not a lead (not an object, or an id, email or company of the wrong type)
 * gets the outcome `invalid-row`; no row is dropped.
 *
 * # Errors
 * Throws a `JourneyError`: `invalid-argument` when `leads` or `accounts` is not an array,
 * `invalid-value` (with the row's path) for an account row that is not an account.
 */
export function matchLeads(leads: LeadInput[], accounts: AccountInput[]): MatchReport;

/**
 * Matches leads given as columns to accounts: the fast path for large batches. `leads` is
 * `{ length, email?, company? }`, each a text column — an array of strings or nulls, or UTF-8
 * bytes with offsets `{ data: Uint8Array, offsets: Uint32Array | Int32Array, valid?: Uint8Array }`
 * (Arrow's layout); `accounts` as for `matchLeads`. Returns, per lead row, `account` (the
 * matched account's position in `accounts`, −1 when unmatched), `rule` (0 unmatched, 1 domain,
 * 2 company name), `reason` (0 matched, else 1 + its position in `reasons`) and `tieBreak`
 * (0 none, else 1 + its position in `tieBreaks`), with the summary and the account issues.
 *
 * # Errors
 * Throws a `JourneyError`: `invalid-argument` for columns of the wrong kind or length,
 * `invalid-value` for an account row that is not an account.
 */
export function matchLeadsColumns(leads: LeadColumns, accounts: AccountInput[]): MatchColumns;

/**
 * Merges report partials (`reports(…, { partial: true })` of shards of the accounts, same
 * journey and options) into the reports of all of them — exactly, whatever the split. With
 * `{ partial: true }`, the merged partial instead, to merge further.
 *
 * # Errors
 * Throws a `JourneyError` (`invalid-argument`) when `partials` is not an array of
 * `Uint8Array`s, is empty, holds damaged bytes, or mixes journeys or options (`path` is the
 * partial's index).
 */
export function mergeReports(partials: Uint8Array[], options?: { partial?: boolean }): Reports | Uint8Array;

/**
 * What-if: replays `events` under two journey definitions (`a`, today's; `b`, a proposed
 * change — definition objects or JSON text) as of `options.asOf` and compares them: the
 * accounts whose stage changes (`changed`, `moves` from a stage under `a` to one under `b`, the
 * first `options.limit` accounts, default 1,000) and every report under each (the report
 * options as `reports`). docs/reports.md, "What-if".
 *
 * # Errors
 * Throws a `JourneyError`: a definition's diagnostics, a bad option (`invalid-argument`), or
 * events that are neither an array nor a string.
 */
export function simulate(a: DefinitionInput, b: DefinitionInput, events: ReplayEvent[] | string, options: ReportOptions & { limit?: number }): Simulation;

/**
 * The journey templates shipped with the engine (the default first), each with its canonical
 * definition, ready for `new Journey(t.definition)`.
 *
 * # Errors
 * None in practice (every template is tested); a `JourneyError` otherwise.
 */
export function templates(): TemplateInfo[];

/**
 * Validates a journey definition, collecting every problem. Never throws.
 */
export function validateDefinition(definition: DefinitionInput): ValidationResult;

/**
 * The engine version (the npm package and crate version).
 */
export function version(): string;
