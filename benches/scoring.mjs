// Scoring in wasm under Node: 100,000 accounts with 50 signals each (5,000,000 signals), the
// same deterministic data as benches/scoring.rs (the same LCG, so the mean composite printed
// must match the native run's), scored with the default journey's model as of 2026-11-22.
//
// - scoreColumns: the batch path. The figure includes the boundary: the call copies every typed
//   array into wasm memory, scores, and returns Float64Arrays. Building the columns (what a caller
//   holding data in Arrow/typed arrays already has) is timed separately.
// - scoreMany: the same accounts as plain JS objects, on 10,000 of them, for comparison.
//
// Node loads the speed build (pkg/account_journey_speed_bg.wasm) through pkg/node.mjs.
//
//   node benches/scoring.mjs      (after bash scripts/build-pkg.sh)
import os from "node:os";
import { readFileSync } from "node:fs";
import { Journey, version } from "account-journey";

const ACCOUNTS = 100_000;
const PER_ACCOUNT = 50;
const OBJECTS = 10_000;
const ROUNDS = 5;
const AS_OF = 1_795_305_600_000; // 2026-11-22T00:00:00Z

// Knuth's MMIX LCG, as in benches/scoring.rs.
let state = 42n;
const MASK = (1n << 64n) - 1n;
function next() {
  state = (state * 6364136223846793005n + 1442695040888963407n) & MASK;
  return state >> 33n;
}
const below = (n) => Number(next() % BigInt(n));

const KINDS = ["page_view", "page_view", "page_view", "ad_click", "content_download", "webinar",
  "email_reply", "intent_surge", "meeting", "podcast"];
const INDUSTRIES = ["software", "fintech", "healthcare", "retail", "manufacturing"];
const COUNTRIES = ["US", "DE", "GB", "BR", "JP"];
const TECH = ["salesforce", "hubspot", "snowflake"];
const NONE = 0xffffffff;

let techLists;
function generate() {
  const n = ACCOUNTS * PER_ACCOUNT;
  const industry = new Uint32Array(ACCOUNTS);
  const country = new Uint32Array(ACCOUNTS);
  const employees = new Float64Array(ACCOUNTS);
  const revenue = new Float64Array(ACCOUNTS);
  const tech = new Array(ACCOUNTS);
  const techOffsets = new Uint32Array(ACCOUNTS + 1);
  const techCodes = [];
  const account = new Uint32Array(n);
  const kind = new Uint32Array(n);
  const at = new Float64Array(n);
  const strength = new Float64Array(n);
  const contact = new Uint32Array(n);
  let i = 0;
  for (let row = 0; row < ACCOUNTS; row++) {
    const known = below(10) !== 0;
    industry[row] = known ? below(5) : NONE;
    country[row] = known ? below(5) : NONE;
    employees[row] = known ? below(5000) + 1 : NaN;
    revenue[row] = known ? below(200) * 1e6 : NaN;
    tech[row] = TECH.filter(() => below(3) === 0);
    for (const t of tech[row]) techCodes.push(TECH.indexOf(t));
    techOffsets[row + 1] = techCodes.length;
    for (let s = 0; s < PER_ACCOUNT; s++, i++) {
      const k = below(KINDS.length);
      account[i] = row;
      kind[i] = k;
      const minutes = below(180 * 24 * 60) - (below(50) === 0 ? 3 * 24 * 60 : 0);
      at[i] = AS_OF - minutes * 60_000;
      strength[i] = KINDS[k] === "intent_surge" ? 40 + below(61) : NaN;
      contact[i] = below(3) === 0 ? NONE : below(4);
    }
  }
  techLists = tech;
  return {
    length: ACCOUNTS,
    fields: {
      "firmographics.industry": { codes: industry, values: INDUSTRIES },
      "firmographics.country": { codes: country, values: COUNTRIES },
      "firmographics.employees": employees,
      "firmographics.revenue": revenue,
      // Lists flattened (offsets into codes), as an Arrow list column is laid out.
      "firmographics.techStack": { offsets: techOffsets, codes: Uint32Array.from(techCodes), values: TECH },
    },
    signals: { account, type: { codes: kind, values: KINDS }, at, strength,
      contact: { codes: contact, values: ["c0", "c1", "c2", "c3"] } },
  };
}

/** The first `count` accounts as plain objects, as a caller without columns would pass them. */
function objects(columns, count) {
  const f = columns.fields;
  const s = columns.signals;
  const out = [];
  for (let row = 0; row < count; row++) {
    const signals = [];
    for (let i = row * PER_ACCOUNT; i < (row + 1) * PER_ACCOUNT; i++) {
      const signal = { type: KINDS[s.type.codes[i]], at: new Date(s.at[i]).toISOString() };
      if (!Number.isNaN(s.strength[i])) signal.strength = s.strength[i];
      if (s.contact.codes[i] !== NONE) signal.contact = `c${s.contact.codes[i]}`;
      signals.push(signal);
    }
    const text = (c, values) => (c.codes[row] === NONE ? null : values[c.codes[row]]);
    const num = (a) => (Number.isNaN(a[row]) ? null : a[row]);
    out.push({
      firmographics: { industry: text(f["firmographics.industry"], INDUSTRIES),
        country: text(f["firmographics.country"], COUNTRIES), employees: num(f["firmographics.employees"]),
        revenue: num(f["firmographics.revenue"]), techStack: techLists[row] },
      contacts: [{ id: "c0" }, { id: "c1" }, { id: "c2" }, { id: "c3" }],
      signals,
    });
  }
  return out;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const journey = Journey.default();
let t = performance.now();
const columns = generate();
console.log(`generated ${ACCOUNTS} accounts × ${PER_ACCOUNT} signals in ${((performance.now() - t) / 1e3).toFixed(2)} s`);

const times = [];
let result;
for (let r = 0; r < ROUNDS; r++) {
  t = performance.now();
  result = journey.scoreColumns(columns, { asOf: "2026-11-22T00:00:00Z" });
  times.push(performance.now() - t);
}
if (result.errors.length) throw new Error(`unexpected row errors: ${JSON.stringify(result.errors[0])}`);
let sum = 0;
for (const x of result.composite) if (!Number.isNaN(x)) sum += x;
const ms = median(times);
console.log(`scoreColumns: ${ms.toFixed(1)} ms per ${ACCOUNTS} accounts = ${Math.round(ACCOUNTS / ms * 1e3)} accounts/s (${(ACCOUNTS * PER_ACCOUNT / ms / 1e3).toFixed(1)} M signals/s, boundary included); mean composite ${(sum / ACCOUNTS).toFixed(3)}`);

const rows = objects(columns, OBJECTS);
const objectTimes = [];
for (let r = 0; r < 3; r++) {
  t = performance.now();
  const scored = journey.scoreMany(rows, { asOf: "2026-11-22T00:00:00Z" });
  objectTimes.push(performance.now() - t);
  if (scored.length !== OBJECTS || scored.some((x) => x.error)) throw new Error("scoreMany lost or failed rows");
}
const objectMs = median(objectTimes);
console.log(`scoreMany (plain objects): ${(objectMs / OBJECTS * 1e3).toFixed(1)} µs per account = ${Math.round(OBJECTS / objectMs * 1e3)} accounts/s`);
const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"))?.[1];
console.log(`peak RSS ${hwm ? (hwm / 1024).toFixed(0) : "?"} MB; package ${version()}, Node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? "?"}`);
