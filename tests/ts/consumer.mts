// Type-checked by tests/js/types.test.mjs (tsc --strict): the package's public types as an ESM
// TypeScript user sees them. A compile error here means the TS surface changed or broke.
import {
  Journey, ReplayState, accountSchema, mergeReports, reportTables, validateDefinition, version,
  type GroupReports, type Reports, type ClassifyRow, type ColumnStages, type FieldsRead, type StageRow, type ReplayBatch, type ReplayEvent, type EventColumns, type ReplayResult, type Transition,
  type Diagnostic, type JourneyError, type JourneySummary, type StageKind, type ValidationResult,
} from "account-journey";

const result: ValidationResult = validateDefinition({ id: "x", stages: [] });
const first: Diagnostic | undefined = result.diagnostics[0];
const line: number | undefined = first?.span?.line;
const journey: Journey = Journey.default();
const kinds: StageKind[] = journey.stages().map((s) => s.kind);
const owner: string | null = journey.stages()[0].owner;
const summary: JourneySummary = journey.toJSON();
const v: string = version() + journey.id + journey.name + journey.version;
try {
  new Journey('{"id": 1}');
} catch (e) {
  const err = e as JourneyError;
  const code: string = err.code;
  const path: string = err.path;
  console.log(code, path, err.diagnostics.length, err.span?.column);
}
// @ts-expect-error a definition is an object or JSON text
validateDefinition(42);
const replayed: ReplayResult = journey.replay(
  [{ account: "acme", at: "2026-03-02", type: "sales_rejected", reason: "no-budget" }],
  { asOf: "2026-04-01" },
);
const moves: Transition["kind"][] = replayed.accounts.flatMap((a) => a.transitions.map((t) => t.kind));
const state: ReplayState = journey.replayState();
const saved: Uint8Array = state.toBytes();
const batch: ReplayBatch = ReplayState.fromBytes(journey, saved).apply("", { asOf: "2026-04-01" });
const event: ReplayEvent = { account: "a", at: "2026-01-01", type: "page_view", strength: 80 };
const columns: EventColumns = { length: 1, account: ["a"], type: { codes: new Uint32Array([0]), values: ["page_view"] }, at: new Float64Array([Date.UTC(2026, 0, 1)]) };
const fromColumns: ReplayBatch = journey.replayState().applyColumns(columns, { asOf: "2026-04-01" });
console.log(result.ok, line, kinds, owner, summary.stages.length, v, moves, batch.events.received, event, fromColumns.events.applied);
// classifyMany: explained rows by default; StageRows with explain: false (an overload).
const explained: ClassifyRow[] = journey.classifyMany([{}], { asOf: "2026-11-22" });
const lean = journey.classifyMany([{}], { asOf: "2026-11-22", explain: false });
const row0 = lean[0];
const leanStage: string | null = row0 && "stage" in row0 ? row0.stage : null;
const stageRow: StageRow | undefined = row0 && "status" in row0 ? row0 : undefined;
const byColumns: ColumnStages = journey.classifyColumns({ length: 1 }, { asOf: "2026-11-22" });
const stageIndex: Uint16Array = byColumns.stage;
const read: FieldsRead = journey.fieldsRead();
console.log(explained.length, leanStage, stageRow, stageIndex, read.fields, accountSchema());
// Reports: finished by default, the mergeable partial with partial: true (overloads).
const reports: Reports = journey.reports([], { asOf: "2026-11-22", cohort: "week", groupBy: "segment" });
const part: Uint8Array = journey.reports([], { asOf: "2026-11-22", partial: true });
const merged: Reports = mergeReports([part]);
const mergedPart: Uint8Array = mergeReports([part], { partial: true });
const funnelRows: GroupReports["funnel"] = merged.groups[0]?.funnel ?? [];
console.log(reports.asOf, mergedPart.length, funnelRows.length);
const funnelTable: (string | number | null)[][] = reportTables(merged).funnel;
console.log(funnelTable.length);

// Replay on every core: the pool's answers have the single state's types.
import { ReplayPool } from "account-journey/pool";
async function pooled(): Promise<void> {
  const pool: ReplayPool = await ReplayPool.create(null, { workers: 2 });
  const batch: ReplayBatch = await pool.apply('{"account": "a", "at": "2026-01-01", "type": "page_view"}', { asOf: "2026-02-01" });
  const poolReports: Reports = await pool.reports({ asOf: "2026-02-01" });
  const poolResult: ReplayResult = await pool.result({ asOf: "2026-02-01" });
  for await (const timeline of pool.timelines({ asOf: "2026-02-01" })) console.log(timeline.account);
  const shards: Uint8Array[] = await pool.toBytes();
  console.log(batch.events.applied, poolReports.asOf, poolResult.accounts.length, shards.length, pool.workers);
  await pool.close();
}
void pooled;
