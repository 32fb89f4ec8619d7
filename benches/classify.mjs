// Classification in wasm under Node against a hand-written JS loop. 100,000 generated plain
// JS accounts (about fifteen fields and ten signals each), the default journey, as of
// 2026-11-22:
//   - hand-written: a JS loop that scores (fit rules, decay, caps, blend) and classifies
//     (ten stages by precedence) each object — what a team would write instead of an engine;
//   - columns: the same objects read into typed arrays in JS (only the fields the default
//     journey reads), then one `classifyColumns` call — timed apart and together;
//   - classifyMany(objects, { explain: false }): the same, the columns built by the package;
//   - classifyMany over plain objects (the explaining path), on the first 10,000 accounts,
//     with and without nextChangeAt.
// The engine's stages are compared with the loop's, row by row, so both do the same work.
//
//   node benches/classify.mjs [accounts=100000]      (after bash scripts/build-pkg.sh)
import os from "node:os";
import { Journey } from "account-journey";

const N = Number(process.argv[2] ?? 100_000);
const AS_OF = "2026-11-22";
const AS_OF_MS = Date.UTC(2026, 10, 22);
let state = 7n;
const next = () => { state = (state * 6364136223846793005n + 1442695040888963407n) & ((1n << 64n) - 1n); return Number(state >> 33n); };
const pick = (xs) => xs[next() % xs.length];
const KINDS = ["page_view", "webinar", "content_download", "ad_click", "email_reply", "intent_surge", "meeting"];
const day = (d) => new Date(AS_OF_MS - d * 86_400_000).toISOString().slice(0, 10);
const accounts = Array.from({ length: N }, (_, i) => ({
  account: { id: `a${i}`, target: next() % 2 === 0, segment: pick(["smb", "mid", "ent"]) },
  firmographics: { resolved: next() % 5 !== 0, industry: pick(["software", "retail", "fintech"]),
    employees: next() % 5000, country: pick(["US", "DE", "BR"]), techStack: next() % 3 ? ["salesforce"] : [] },
  crm: { salesAccepted: next() % 7 === 0, won: next() % 20 === 0, opportunity: { open: next() % 10 === 0 } },
  signals: Array.from({ length: 10 }, () => ({ type: pick(KINDS), at: day(next() % 120), strength: 50 + (next() % 50) })),
}));
const journey = Journey.default();
const STAGES = journey.definition().stages.map((s) => s.id);
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const time = (rounds, f) => {
  const times = [];
  let out;
  for (let r = 0; r < rounds; r++) {
    const t = performance.now();
    out = f();
    times.push(performance.now() - t);
  }
  return { ms: median(times), out };
};
const rate = (ms, n = N) => `${(ms / n * 1000).toFixed(3)} µs per account = ${Math.round(n / ms * 1000).toLocaleString("en")} accounts/s`;

// ---- The hand-written loop: the default journey's rules, written out. ----
const DAY = 86_400_000;
const SIGNAL_RULES = {
  page_view: { c: 2, points: 2, halfLife: 14 * DAY, cap: 30 },
  content_download: { c: 2, points: 10, halfLife: 30 * DAY },
  ad_click: { c: 2, points: 3, window: 30 * DAY },
  webinar: { c: 2, points: 15, halfLife: 30 * DAY },
  email_reply: { c: 2, points: 8, halfLife: 14 * DAY },
  intent_surge: { c: 1, points: 30, linear: 30 * DAY, byStrength: true },
  meeting: { c: 4, points: 25, halfLife: 60 * DAY },
};
const WEIGHTS = [0.3, 0.2, 0.3, 0.1, 0.1];
const ENGAGED = new Set(["page_view", "content_download", "ad_click", "webinar"]);
const AWARE = new Set(["intent_surge", "ad_view", "content_open", "page_view"]);
const FIT_INDUSTRIES = new Set(["software", "fintech", "healthcare"]);
const FIT_COUNTRIES = new Set(["US", "GB", "DE", "FR", "NL"]);
function handClassify(list, asOf) {
  const out = new Array(list.length);
  for (let i = 0; i < list.length; i++) {
    const a = list[i], f = a.firmographics ?? {}, crm = a.crm ?? {};
    let fit = 0, fitKnown = false;
    if (f.industry != null) { fitKnown = true; if (FIT_INDUSTRIES.has(f.industry)) fit += 30; }
    if (f.employees != null) { fitKnown = true; if (f.employees >= 200) fit += 25; }
    if (f.revenue != null) { fitKnown = true; if (f.revenue >= 50_000_000) fit += 20; }
    if (f.country != null) { fitKnown = true; if (FIT_COUNTRIES.has(f.country)) fit += 15; }
    if (f.techStack?.length) { fitKnown = true; if (f.techStack.includes("salesforce")) fit += 10; }
    const sums = [fit, 0, 0, 0, crm.won && !crm.churned ? 40 : 0];
    let pageViews = 0, engaged = 0, aware = false;
    for (const s of a.signals ?? []) {
      const at = typeof s.at === "number" ? s.at : Date.parse(s.at);
      if (at > asOf) continue;
      const age = asOf - at;
      if (age <= 30 * DAY && ENGAGED.has(s.type)) engaged++;
      if (age <= 90 * DAY && AWARE.has(s.type)) aware = true;
      const rule = SIGNAL_RULES[s.type];
      if (rule === undefined) continue;
      const factor = rule.halfLife ? 2 ** (-age / rule.halfLife)
        : rule.window ? (age <= rule.window ? 1 : 0) : Math.max(0, 1 - age / rule.linear);
      let points = rule.points * factor * (rule.byStrength ? s.strength / 100 : 1);
      if (rule.cap !== undefined) { points = Math.min(points, rule.cap - pageViews); pageViews += points; }
      sums[rule.c] += points;
    }
    let weight = 0, total = 0;
    for (let c = 0; c < 5; c++) {
      if (c === 0 && !fitKnown) continue;
      weight += WEIGHTS[c];
      total += WEIGHTS[c] * Math.min(100, Math.max(0, sums[c]));
    }
    const composite = weight > 0 ? total / weight : NaN;
    const stage = crm.churned ? "churned"
      : crm.lost && !crm.opportunity?.open ? "closed_lost"
      : crm.won ? "customer"
      : crm.opportunity?.open ? "opportunity"
      : crm.salesAccepted && !crm.rejected ? "saa"
      : composite > 75 ? "mqa"
      : engaged >= 3 ? "engaged"
      : f.resolved && aware ? "aware"
      : f.resolved ? "identified" : "anonymous";
    out[i] = { stage, composite };
  }
  return out;
}

// ---- Columns: only the fields the default journey reads, into typed arrays. ----
function dictionary() {
  const codes = new Map(), values = [];
  return { values, code(s) {
    if (s == null) return 0xffffffff;
    let c = codes.get(s);
    if (c === undefined) { c = values.length; values.push(s); codes.set(s, c); }
    return c;
  } };
}
function toColumns(list) {
  const n = list.length;
  const flag = () => new Uint8Array(n).fill(2);
  const resolved = flag(), accepted = flag(), won = flag(), open = flag();
  const employees = new Float64Array(n);
  const industry = new Uint32Array(n), country = new Uint32Array(n);
  const industries = dictionary(), countries = dictionary(), tech = dictionary(), kinds = dictionary();
  const techOffsets = new Uint32Array(n + 1), techCodes = [];
  let signalCount = 0;
  for (const a of list) signalCount += a.signals?.length ?? 0;
  const account = new Uint32Array(signalCount), type = new Uint32Array(signalCount);
  const at = new Float64Array(signalCount), strength = new Float64Array(signalCount);
  const bool = (b) => (b === true ? 1 : b === false ? 0 : 2);
  let k = 0;
  for (let i = 0; i < n; i++) {
    const a = list[i], f = a.firmographics ?? {}, crm = a.crm ?? {};
    resolved[i] = bool(f.resolved); accepted[i] = bool(crm.salesAccepted); won[i] = bool(crm.won);
    open[i] = bool(crm.opportunity?.open);
    employees[i] = f.employees ?? NaN;
    industry[i] = industries.code(f.industry); country[i] = countries.code(f.country);
    for (const t of f.techStack ?? []) techCodes.push(tech.code(t));
    techOffsets[i + 1] = techCodes.length;
    for (const s of a.signals ?? []) {
      account[k] = i; type[k] = kinds.code(s.type); at[k] = typeof s.at === "number" ? s.at : Date.parse(s.at); strength[k] = s.strength ?? NaN; k++;
    }
  }
  return {
    length: n,
    fields: {
      "firmographics.resolved": resolved, "crm.salesAccepted": accepted, "crm.won": won,
      "crm.opportunity.open": open, "firmographics.employees": employees,
      "firmographics.industry": { codes: industry, values: industries.values },
      "firmographics.country": { codes: country, values: countries.values },
      "firmographics.techStack": { offsets: techOffsets, codes: Uint32Array.from(techCodes), values: tech.values },
    },
    signals: { account, type: { codes: type, values: kinds.values }, at, strength },
  };
}

// Timestamps as JSON gives them (date strings), and as epoch milliseconds (what a caller
// holding numbers, Arrow or a database driver's output has): parsing dates is most of the
// loop's time in the first.
const withNumbers = accounts.map((a) => ({ ...a, signals: a.signals.map((s) => ({ ...s, at: Date.parse(s.at) })) }));
let result, handOut;
for (const [label, list] of [["dates as strings", accounts], ["dates as epoch ms", withNumbers]]) {
  console.log(`— ${N.toLocaleString("en")} accounts, ${label}`);
  const hand = time(5, () => handClassify(list, AS_OF_MS));
  console.log(`hand-written JS loop:                    ${rate(hand.ms)}`);
  const built = time(5, () => toColumns(list));
  console.log(`columns built in JS (typed arrays):      ${rate(built.ms)}`);
  const engine = time(5, () => journey.classifyColumns(built.out, { asOf: AS_OF }));
  console.log(`classifyColumns (columns given):         ${rate(engine.ms)} (${(engine.ms / hand.ms).toFixed(2)}× the loop)`);
  const both = time(5, () => journey.classifyColumns(toColumns(list), { asOf: AS_OF }));
  console.log(`columns built + classifyColumns:         ${rate(both.ms)} (${(both.ms / hand.ms).toFixed(2)}× the loop)`);
  if (list === accounts) {
    // Accounts as the engine reads them (timestamps are strings): the package builds the columns.
    const lean = time(5, () => journey.classifyMany(list, { asOf: AS_OF, explain: false }));
    console.log(`classifyMany(objects, { explain: false }): ${rate(lean.ms)} (${(lean.ms / hand.ms).toFixed(2)}× the loop)`);
    if (lean.out.some((r, i) => r.stage !== hand.out[i].stage)) throw new Error("classifyMany and the loop disagree");
  }
  result = engine.out;
  handOut = hand.out;
  if (result.stage.length !== N || result.errors.length) throw new Error("lost or failed rows");
  let same = 0, scoreDiff = 0;
  for (let i = 0; i < N; i++) {
    if (result.stages[result.stage[i]] === handOut[i].stage) same++;
    scoreDiff = Math.max(scoreDiff, Math.abs(result.composite[i] - handOut[i].composite));
  }
  console.log(`the loop and the engine agree on ${same.toLocaleString("en")} of ${N.toLocaleString("en")} stages; ` +
    `largest composite difference ${scoreDiff.toExponential(2)}`);
  if (same !== N) throw new Error("the hand-written loop is not the default journey");
}
const stages = {};
for (const s of result.stage) stages[STAGES[s]] = (stages[STAGES[s]] ?? 0) + 1;
console.log(`stages ${JSON.stringify(stages)}`);

const M = Math.min(N, 10_000);
const some = accounts.slice(0, M);
for (const nextChange of [false, true]) {
  const { ms, out: rows } = time(3, () => journey.classifyMany(some, { asOf: AS_OF, nextChange }));
  if (rows.length !== M || rows.some((x) => x.error)) throw new Error("lost or failed rows");
  const agree = rows.every((r, i) => r.stage === STAGES[result.stage[i]]);
  if (!agree) throw new Error("classifyMany and classifyColumns disagree");
  console.log(`classifyMany over ${M.toLocaleString("en")} objects, nextChange ${nextChange}: ${rate(ms, M)}`);
}
console.log(`Node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model}`);
