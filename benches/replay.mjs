// Replay in wasm under Node: the event stream of benches/replay.rs — the same LCG, seed and
// mix, so the JSON Lines text is byte-identical (compare the FNV-1a hash of the input and the
// result's transition count with the native run) — fed batch by batch as JSON Lines strings
// through `journey.replayState()` / `state.apply(text, { asOf })`, then `state.result({ asOf })`
// (timed apart), then every report (`state.reports`) beside the time `JSON.parse` takes over the
// same events (issue 6's yardstick). Each batch is generated just before it is applied, so memory reflects the
// engine, not the input. Prints events/s (generation excluded), refusals by reason
// (`received = applied + refused` is checked), the peak resident memory (process.memoryUsage()
// sampled after each batch, and VmHWM), the wasm linear memory, bytes per account and the size
// of `state.toBytes()`.
//
// Node loads the speed build (pkg/account_journey_speed_bg.wasm) through pkg/node.mjs.
//
//   node benches/replay.mjs                        (after bash scripts/build-pkg.sh)
//   REPLAY_ACCOUNTS=10000 REPLAY_EVENTS=100000 node benches/replay.mjs
//
// Environment: REPLAY_ACCOUNTS (default 1,000,000; at least 100), REPLAY_EVENTS (default
// 10,000,000), REPLAY_BATCH (events per batch, default 100,000), REPLAY_WORKERS (when set, the
// same stream through a ReplayPool of that many worker threads — "account-journey/pool" — and
// the same figures; wasm memory is then not shown: each worker has its own).
//
// REPLAY_INPUT=columns applies each batch as columns (`state.applyColumns`: typed arrays and
// dictionary-coded strings, built from the same lines beforehand and not timed as replay;
// the time to build them is printed apart) instead of JSON Lines text. One state only.
//
// A pool's `toBytes()` is the workers' states; the figure printed is their total.
import os from "node:os";
import { readFileSync } from "node:fs";
import { PerformanceObserver, constants } from "node:perf_hooks";
import { Journey, initSync, version } from "account-journey";
import { ReplayPool } from "account-journey/pool";

const env = (name, fallback) => {
  const v = process.env[name];
  return v === undefined ? fallback : Number(v.replace(/[_,]/g, ""));
};
const ACCOUNTS = env("REPLAY_ACCOUNTS", 1_000_000);
const EVENTS = env("REPLAY_EVENTS", 10_000_000);
const BATCH = Math.max(1, env("REPLAY_BATCH", 100_000));
const COLUMNS = process.env.REPLAY_INPUT === "columns";
const AS_OF = "2026-11-22T00:00:00Z";
const START_S = 1_763_769_600; // 2025-11-22T00:00:00Z
const SPAN_S = 365 * 86_400; // to 2026-11-22T00:00:00Z
if (!(ACCOUNTS >= 100)) throw new Error("REPLAY_ACCOUNTS must be at least 100");

// Knuth's MMIX LCG, as in benches/replay.rs: 64-bit state kept as two 32-bit halves (exact
// integer arithmetic in doubles; BigInt would make generation several times slower), checked
// against a BigInt version below.
const M_HI = 0x5851f42d, M_LO = 0x4c957f2d, C_HI = 0x14057b7e, C_LO = 0xf767814f;
const B0 = M_LO & 0xffff, B1 = M_LO >>> 16;
let hi = 0, lo = 2025;
function next() {
  const a0 = lo & 0xffff, a1 = lo >>> 16;
  const mid = a0 * B1 + a1 * B0;
  const low = a0 * B0 + (mid % 65536) * 65536;
  const h = a1 * B1 + Math.floor(mid / 65536) + Math.floor(low / 4294967296);
  const l = (low % 4294967296) + C_LO;
  const carry = l >= 4294967296 ? 1 : 0;
  hi = (h + Math.imul(hi, M_LO) + Math.imul(lo, M_HI) + C_HI + carry) >>> 0;
  lo = l >>> 0;
  return hi >>> 1;
}
const below = (n) => next() % n;
const pick = (items) => items[below(items.length)];
{
  let big = 12345n;
  [hi, lo] = [0, 12345];
  for (let k = 0; k < 10_000; k++) {
    big = (big * 6364136223846793005n + 1442695040888963407n) & ((1n << 64n) - 1n);
    if (Number(big >> 33n) !== next()) throw new Error("the LCG port disagrees with BigInt");
  }
  [hi, lo] = [0, 2025];
}

const SIGNALS = [["page_view", 480], ["content_download", 100], ["ad_click", 120], ["webinar", 50],
  ["email_reply", 70], ["intent_surge", 100], ["meeting", 30], ["product_usage", 30],
  ["unsubscribe", 12], ["competitor", 8]];
const TOPICS = ["pricing", "security", "integrations", "analytics", "compliance"];
const INDUSTRIES = ["software", "fintech", "healthcare", "retail", "manufacturing", "education"];
const COUNTRIES = ["US", "GB", "DE", "FR", "NL", "BR", "JP"];
const TECH = ["salesforce", "hubspot", "snowflake"];
const REASONS = ["no-budget", "no-authority", "no-need", "bad-timing", "not-icp", "competitor", "duplicate"];
const LOSS = ["price", "no-decision", "competitor"];
const STAGES = ["anonymous", "identified", "aware", "engaged", "mqa", "saa", "opportunity", "customer",
  "closed_lost", "churned"];
const TYPES = [...SIGNALS.map(([t]) => t), "firmographics", "sales_accepted", "sales_rejected",
  "opportunity_created", "opportunity_won", "opportunity_lost", "churn", "stage_override", "(duplicate copy)"];
const SEEN = 1, RESOLVED = 2;
const NONE = 0, REJECTED = 1, ACCEPTED = 2, OPEN = 3, WON = 4, LOST = 5, CHURNED = 6;

const hot = Math.max(1, Math.floor(ACCOUNTS / 1000));
const warm = Math.floor(ACCOUNTS / 20);
const medium = Math.floor(ACCOUNTS / 4);
const cold = ACCOUNTS - hot - warm - medium;
const accounts = new Uint8Array(ACCOUNTS);
const mix = new Array(TYPES.length).fill(0);
const step = Math.max(1, Math.floor(SPAN_S / EVENTS));
let lineNo = 0;
let last = "";
let duplicateNext = false;

/** The next line of the stream, with its newline (as Generator::next_line in replay.rs). */
function nextLine() {
  const i = lineNo++;
  if (duplicateNext) {
    duplicateNext = false;
    mix[TYPES.length - 1]++;
    return last;
  }
  const at = START_S + Math.floor((i * SPAN_S) / EVENTS) + below(step);
  const r = below(1000);
  const a = r < 100 ? below(hot)
    : r < 450 ? hot + below(warm)
    : r < 800 ? hot + warm + below(medium)
    : hot + warm + medium + below(cold);
  let line = `{"id":"e${i}","account":"a${a}","at":"${new Date(at * 1000).toISOString().slice(0, 19)}Z","type":"`;
  let flags = accounts[a];
  const phase = flags >> 2;
  const first = (flags & SEEN) === 0;
  const firmographics = first ? below(100) < 55 : (flags & RESOLVED) === 0 && below(100) < 3;
  flags |= SEEN;
  let kind = -1;
  if (firmographics) {
    flags |= RESOLVED;
    const industry = pick(INDUSTRIES);
    const country = pick(COUNTRIES);
    const employees = 1 + below(20_000);
    const revenue = below(500) * 1_000_000;
    const tech = [];
    for (const t of TECH) if (below(3) === 0) tech.push(`"${t}"`);
    line += `firmographics","firmographics":{"industry":"${industry}","country":"${country}","employees":${employees},"revenue":${revenue},"techStack":[${tech.join(",")}]}`;
    kind = 10;
  } else if (first) {
    // An anonymous account's first event: a signal.
  } else if (below(1000) < 25) {
    const r = below(100);
    let nextPhase = -1;
    switch (phase) {
      case NONE: nextPhase = r < 60 ? ACCEPTED : REJECTED; break;
      case REJECTED: nextPhase = r < 70 ? ACCEPTED : REJECTED; break;
      case ACCEPTED: nextPhase = r < 75 ? OPEN : REJECTED; break;
      case OPEN: nextPhase = r < 40 ? WON : LOST; break;
      case WON: nextPhase = r < 10 ? CHURNED : -1; break;
      case LOST: nextPhase = r < 30 ? OPEN : r < 50 ? ACCEPTED : -1; break;
    }
    if (nextPhase >= 0) {
      switch (nextPhase) {
        case ACCEPTED: line += `sales_accepted"`; kind = 11; break;
        case REJECTED: line += `sales_rejected","reason":"${pick(REASONS)}"`; kind = 12; break;
        case OPEN: line += `opportunity_created","amount":${(5 + below(496)) * 1000}`; kind = 13; break;
        case WON: line += `opportunity_won","amount":${(5 + below(496)) * 1000}`; kind = 14; break;
        case LOST: line += `opportunity_lost","reason":"${pick(LOSS)}"`; kind = 15; break;
        default: line += `churn"`; kind = 16;
      }
      flags = (flags & (SEEN | RESOLVED)) | (nextPhase << 2);
    }
  } else if (below(10_000) < 5) {
    line += `stage_override","stage":"${pick(STAGES)}","by":"revops","reason":"manual-correction"`;
    kind = 17;
  }
  if (kind < 0) {
    let r = below(1000);
    let k = 0;
    while (r >= SIGNALS[k][1]) { r -= SIGNALS[k][1]; k++; }
    if (phase === WON && below(100) < 30) k = 7;
    const type = SIGNALS[k][0];
    line += `${type}"`;
    switch (type) {
      case "content_download": line += `,"topic":"${pick(TOPICS)}"`; break;
      case "webinar": case "email_reply": case "meeting": case "unsubscribe":
        line += `,"contact":"c${below(6)}"`; break;
      case "intent_surge": { const topic = pick(TOPICS); line += `,"topic":"${topic}","strength":${20 + below(81)}`; break; }
      case "product_usage": line += `,"value":${1 + below(500)}`; break;
    }
    kind = k;
  }
  line += "}\n";
  accounts[a] = flags;
  mix[kind]++;
  duplicateNext = below(100) === 0;
  last = line;
  return line;
}

/** FNV-1a (32 bits) over ASCII text, as in replay.rs. */
function fnv1a(h, text) {
  for (let k = 0; k < text.length; k++) h = Math.imul(h ^ text.charCodeAt(k), 16_777_619) >>> 0;
  return h;
}
const statusMb = (field) => {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync("/proc/self/status", "utf8"));
  return m ? Number(m[1]) / 1024 : NaN;
};
const mb = (v) => (Number.isFinite(v) ? `${v.toFixed(0)} MB` : "n/a");
// The wasm instance's exports (initSync returns them once the package is initialised): its
// linear memory is not re-exported by the package.
// Through a pool: the workers' memories added up (read after each batch).
let poolMemory = NaN;
const wasmMb = () => (process.env.REPLAY_WORKERS ? poolMemory : (initSync?.()?.memory?.buffer.byteLength ?? NaN) / 1048576);

// Garbage collections inside the timed calls (main-thread pauses): the wasm memory growing in
// many small steps makes V8 collect its heap again and again (see docs/benchmarks.md, matching).
const gcs = [];
new PerformanceObserver((list) => gcs.push(...list.getEntries())).observe({ entryTypes: ["gc"] });
const windows = { replay: [], result: [] };
const settle = () => new Promise((resolve) => setTimeout(resolve, 10)); // let GC entries arrive
const gcIn = (spans) => {
  const inside = gcs.filter((e) => spans.some(([from, to]) => e.startTime >= from && e.startTime < to));
  const full = inside.filter((e) => e.detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR).length;
  return `${inside.length} GCs (${full} full), ${(inside.reduce((a, e) => a + e.duration, 0) / 1e3).toFixed(2)} s paused`;
};

console.log(`replay benchmark: ${ACCOUNTS} accounts, ${EVENTS} events in batches of ${BATCH}, default journey, as of ${AS_OF}, wasm in Node`);
const journey = Journey.default();
const WORKERS = process.env.REPLAY_WORKERS ? Number(process.env.REPLAY_WORKERS) : 0;
// The pool answers what the state answers, asynchronously: one interface for both.
const state = WORKERS > 0 ? await poolState(await ReplayPool.create(null, { workers: WORKERS })) : journey.replayState();
async function poolState(pool) {
  poolMemory = (await pool.memoryBytes()).reduce((a, b) => a + b, 0) / 1048576;
  let accounts = 0;
  // Every batch's counts added up (what a state's result reports as `events`).
  const events = { received: 0, applied: 0, refused: 0, refusedByReason: {} };
  const pages = pool.timelines({ asOf: AS_OF, page: 10_000 });
  return {
    get accounts() { return accounts; },
    apply: async (text, options) => {
      const out = await pool.apply(text, options);
      for (const k of ["received", "applied", "refused"]) events[k] += out.events[k];
      for (const [r, n] of Object.entries(out.events.refusedByReason)) events.refusedByReason[r] = (events.refusedByReason[r] ?? 0) + n;
      accounts = await pool.accounts();
      poolMemory = (await pool.memoryBytes()).reduce((a, b) => a + b, 0) / 1048576;
      return out;
    },
    // Pages in id order, read from the workers' timelines as they merge.
    result: async ({ limit }) => {
      const page = [];
      while (page.length < limit) {
        const next = await pages.next();
        if (next.done) break;
        page.push(next.value);
      }
      return { events, accounts: page };
    },
    reports: (options) => pool.reports(options),
    toBytes: async () => {
      const shards = await pool.toBytes();
      return { length: shards.reduce((a, b) => a + b.length, 0) };
    },
    close: () => pool.close(),
  };
}
if (WORKERS > 0) console.log(`(through a ReplayPool of ${WORKERS} worker threads)`);
let generating = 0, replaying = 0, parsing = 0, columning = 0;

/** A batch's events (parsed objects) as columns: strings dictionary-coded, numbers typed. */
function toColumns(events) {
  const n = events.length;
  const columns = { length: n };
  const text = (key) => {
    const index = new Map();
    const values = [];
    const codes = new Uint32Array(n);
    let any = false;
    for (let k = 0; k < n; k++) {
      let v = events[k][key];
      if (v === undefined || v === null) { codes[k] = 0xffffffff; continue; }
      any = true;
      if (typeof v === "object") v = JSON.stringify(v);
      let code = index.get(v);
      if (code === undefined) { code = values.length; values.push(v); index.set(v, code); }
      codes[k] = code;
    }
    if (any) columns[key] = { codes, values };
  };
  const numbers = (key) => {
    const column = new Float64Array(n);
    let any = false;
    for (let k = 0; k < n; k++) {
      const v = events[k][key];
      column[k] = typeof v === "number" ? v : NaN;
      any ||= typeof v === "number";
    }
    if (any) columns[key] = column;
  };
  for (const key of ["account", "type", "id", "topic", "contact", "reason", "stage", "by", "firmographics", "facts"]) text(key);
  for (const key of ["strength", "value", "amount"]) numbers(key);
  const at = new Float64Array(n);
  for (let k = 0; k < n; k++) at[k] = Date.parse(events[k].at);
  columns.at = at;
  return columns;
}
if (COLUMNS && WORKERS > 0) throw new Error("REPLAY_INPUT=columns takes one state, not a pool");
if (COLUMNS) console.log("(events as columns: state.applyColumns)");
let hash = 0x811c9dc5;
let rssBefore = NaN, wasmBefore = NaN, rssPeak = 0;
let batches = 0, done = 0, applied = 0, refused = 0;
const refusedByReason = {};
while (done < EVENTS) {
  const n = Math.min(BATCH, EVENTS - done);
  let t = performance.now();
  const lines = new Array(n);
  for (let k = 0; k < n; k++) lines[k] = nextLine();
  let text = lines.join("");
  hash = fnv1a(hash, text);
  generating += performance.now() - t;
  // Issue 6's yardstick: the time Node needs merely to JSON.parse the events.
  t = performance.now();
  const parsed = COLUMNS ? new Array(n) : null;
  if (COLUMNS) for (let k = 0; k < n; k++) parsed[k] = JSON.parse(lines[k]);
  else for (let k = 0; k < n; k++) JSON.parse(lines[k]);
  parsing += performance.now() - t;
  let columns = null;
  if (COLUMNS) {
    t = performance.now();
    columns = toColumns(parsed);
    columning += performance.now() - t;
  }
  if (Number.isNaN(rssBefore)) { rssBefore = process.memoryUsage().rss / 1048576; wasmBefore = wasmMb(); }
  t = performance.now();
  const out = COLUMNS ? state.applyColumns(columns, { asOf: AS_OF }) : await state.apply(text, { asOf: AS_OF });
  columns = null;
  const end = performance.now();
  const ms = end - t;
  replaying += ms;
  windows.replay.push([t, end]);
  text = null;
  const e = out.events;
  if (e.received !== n) throw new Error(`batch ${batches}: received ${e.received} of ${n} lines`);
  if (e.received !== e.applied + e.refused) throw new Error("counts do not reconcile");
  applied += e.applied;
  refused += e.refused;
  for (const [reason, count] of Object.entries(e.refusedByReason)) refusedByReason[reason] = (refusedByReason[reason] ?? 0) + count;
  done += n;
  batches++;
  const rss = process.memoryUsage().rss / 1048576;
  rssPeak = Math.max(rssPeak, rss);
  console.error(`  batch ${batches}: ${Math.round(n / ms * 1e3)} events/s; ${done} events in ${(replaying / 1e3).toFixed(1)} s, ` +
    `${state.accounts} accounts, RSS ${mb(rss)}, wasm memory ${mb(wasmMb())}`);
  await settle();
}
const rssAfter = process.memoryUsage().rss / 1048576;
const wasmAfter = wasmMb();
const hwmReplay = statusMb("VmHWM");
const seen = state.accounts;

// The result, read in pages of 10,000 accounts: with a million accounts' state, one result —
// or a page of 100,000 — ran out of wasm32's 4 GiB; `result` refuses over 50,000 unpaged.
const PAGE = 10_000;
let t = performance.now();
let counts;
let resultAccounts = 0, transitions = 0, stuck = 0;
const stages = {};
for (let offset = 0; offset < seen; offset += PAGE) {
  const page = await state.result({ asOf: AS_OF, offset, limit: PAGE });
  counts = page.events;
  resultAccounts += page.accounts.length;
  for (const a of page.accounts) {
    transitions += a.transitions.length;
    if (a.stuck) stuck++;
    const s = a.stage ?? "(none)";
    stages[s] = (stages[s] ?? 0) + 1;
  }
}
const resultEnd = performance.now();
const resultMs = resultEnd - t;
windows.result.push([t, resultEnd]);
const wasmResult = wasmMb();
rssPeak = Math.max(rssPeak, process.memoryUsage().rss / 1048576);
const hwmResult = statusMb("VmHWM");
if (counts.received !== EVENTS || counts.received !== counts.applied + counts.refused ||
  counts.applied !== applied || counts.refused !== refused) throw new Error(`counts do not reconcile: ${JSON.stringify(counts)}`);
if (resultAccounts !== seen) throw new Error("result accounts differ from the state's");
const sortedStages = Object.fromEntries(Object.entries(stages).sort(([a], [b]) => (a < b ? -1 : 1)));

// Every report (all of history up to the date, monthly cohorts, the default velocity pairs,
// forecast and backtest, account metrics), as issue 6 asks: replay plus reports against parsing.
t = performance.now();
const reports = await state.reports({ asOf: AS_OF });
const reportsMs = performance.now() - t;
if (reports.groups[0].accounts !== seen) throw new Error("reports count other accounts than the state");
const hwmReports = statusMb("VmHWM");

t = performance.now();
const bytes = await state.toBytes();
const bytesMs = performance.now() - t;

await settle();
const pct = (n) => `${(n * 100 / EVENTS).toFixed(2)}%`;
const hex = (h) => h.toString(16).padStart(8, "0");
console.log(`input: ${EVENTS} events (${TYPES.map((t, k) => [t, mix[k]]).filter(([, n]) => n > 0).map(([t, n]) => `${t} ${pct(n)}`).join(", ")}); FNV-1a of the JSON Lines ${hex(hash)}`);
console.log(`events ${EVENTS}, accounts ${seen} (of ${ACCOUNTS} generated ids), batches ${batches}`);
console.log(`generation: ${(generating / 1e3).toFixed(2)} s (excluded from the replay rate)`);
console.log(`replay (${COLUMNS ? "state.applyColumns" : "state.apply"}, all batches): ${(replaying / 1e3).toFixed(2)} s = ${Math.round(EVENTS / replaying * 1e3)} events/s (${gcIn(windows.replay)})`);
console.log(`result (state.result): ${(resultMs / 1e3).toFixed(2)} s (${gcIn(windows.result)}; wasm memory ${mb(wasmResult)} after it)`);
console.log(`reports (state.reports, every report): ${(reportsMs / 1e3).toFixed(2)} s (VmHWM ${mb(hwmReports)} after them); ` +
  (COLUMNS ? `building the columns from the parsed events (not timed as replay): ${(columning / 1e3).toFixed(2)} s; ` : "") +
  `JSON.parse of the events: ${(parsing / 1e3).toFixed(2)} s; replay + reports = ${((replaying + reportsMs) / 1e3).toFixed(2)} s = ` +
  `${((replaying + reportsMs) / parsing).toFixed(1)}× the parse (issue 6: at most 1.5×)`);
console.log(`applied ${counts.applied} + refused ${counts.refused} = received ${counts.received}; refused by reason ${JSON.stringify(counts.refusedByReason)} (the stream has ${mix[TYPES.length - 1]} duplicate copies)`);
console.log(`result: ${transitions} transitions; ${stuck} stuck; stages ${JSON.stringify(sortedStages)}`);
console.log(`memory: peak RSS sampled after each batch ${mb(rssPeak)} (VmHWM ${mb(hwmReplay)} during replay, ${mb(hwmResult)} after result); ` +
  `RSS ${mb(rssBefore)} after the first batch's generation, ${mb(rssAfter)} after replay: growth ${mb(rssAfter - rssBefore)} = ` +
  `${Math.round((rssAfter - rssBefore) * 1048576 / seen)} bytes/account; wasm linear memory ${mb(wasmBefore)} before, ${mb(wasmAfter)} after replay ` +
  `(${Math.round((wasmAfter - wasmBefore) * 1048576 / seen)} bytes/account)`);
console.log(`state.toBytes(): ${bytes.length} bytes = ${Math.round(bytes.length / seen)} bytes/account (${(bytesMs / 1e3).toFixed(2)} s)`);
console.log(`package ${version()}, Node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? "?"}`);
await state.close?.();
