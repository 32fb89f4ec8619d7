// Lead-to-account matching in Node (wasm): the JS counterpart of benches/matching.rs.
//
// Generates the same 1,000,000 leads and 100,000 accounts as `cargo bench --bench matching`
// (the same LCG, seed, word lists and mix of corporate, subdomain, display-form, free-mail,
// disposable, invalid, unknown-domain and name-only leads), as plain JS objects of the shape
// `matchLeads(leads, accounts)` takes ({ id, email, company } and { id, name, domains }, null
// for absent values), then times `matchLeads` over the whole batch in ONE call — what a user
// holding a million rows would write. It prints:
//   - the time to build the JS input (the generator included, as in the native benchmark);
//   - the call, and leads matched per second (index build, reading the JS objects, matching,
//     serialising the report and JSON.parse-ing it into JS objects are all inside the call): the
//     first round apart — in a fresh process the wasm memory grows from ~1 MB during that call,
//     which is much slower — then median and best of the later rounds; with the garbage
//     collections V8 ran during each;
//   - a split of the call: accounts alone (`matchLeads([], accounts)`: reading the accounts and
//     building the index), and the output side re-enacted in JS (decoding the report's JSON
//     text and `JSON.parse`-ing it, which the binding does in `to_js`);
//   - the report's size (its JSON text, and the JS heap it holds);
//   - the summary (share matched, by rule, by reason), to compare with the native benchmark's
//     lines: same data, same Rust matching code, so the counts must be identical;
//   - peak memory: the process's resident high-water mark (VmHWM from /proc/self/status, Linux;
//     the generated input is included, as natively) and the wasm linear memory (which only grows,
//     so its size at the end is its peak).
//
//   node --expose-gc benches/matching.mjs [rounds=5] [--chunk=N]   (after bash scripts/build-pkg.sh)
//
// --expose-gc lets the benchmark collect garbage between rounds and measure heap sizes (without
// it the heap figures are skipped). No --max-old-space-size is needed on a machine with ≥ 8 GiB
// (Node's default old-space limit there is ~4 GB; the run peaks well below). --chunk=N calls
// matchLeads once per N leads instead (the package has no reusable index, so each call indexes
// the accounts again) and keeps only each chunk's summary, as a streaming user would.
import { initSync, matchLeads, matchLeadsColumns } from "account-journey";
import os from "node:os";
import { PerformanceObserver, constants } from "node:perf_hooks";
import { readFileSync } from "node:fs";

const ACCOUNTS = 100_000;
const LEADS = 1_000_000;
const args = process.argv.slice(2);
const ROUNDS = Number(args.find((a) => !a.startsWith("--")) ?? 5);
const CHUNK = Number(args.find((a) => a.startsWith("--chunk="))?.slice(8) ?? 0) || 0;
// --columns: the leads as UTF-8 text columns (Arrow's layout) through matchLeadsColumns, with a
// compact typed-array result, instead of 1M objects in and 1M objects out.
const COLUMNS = args.includes("--columns");
const gc = globalThis.gc ?? null;

/** Knuth's MMIX linear congruential generator, as in benches/matching.rs (u64 arithmetic). */
class Lcg {
  constructor(seed) { this.state = BigInt(seed); }
  next() {
    this.state = BigInt.asUintN(64, this.state * 6364136223846793005n + 1442695040888963407n);
    return Number(this.state >> 33n); // 31 bits: exact as a Number
  }
  below(n) { return this.next() % n; }
  pick(items) { return items[this.below(items.length)]; }
}

const SYLLABLES = [
  "ac", "me", "lo", "ra", "ti", "vo", "ne", "xa", "qu", "in", "do", "ko", "pa", "sy", "te", "mi",
  "zo", "ul", "be", "ga", "ri", "no", "fa", "lu", "ce", "da", "ho", "ja", "ve", "wi", "ny", "or",
  "es", "ta", "bri", "gon", "sol", "tek", "nova", "tron",
];
const LEGAL = ["Inc.", "Ltd", "GmbH", "S.A.", "LLC", "", "", "Corp"];
const TLDS = ["com", "com", "com", "io", "co.uk", "de", "com.au", "fr"];
const FREE = ["gmail.com", "outlook.com", "hotmail.co.uk", "yahoo.fr", "icloud.com", "gmx.de"];
const DISPOSABLE = ["mailinator.com", "yopmail.com", "10minutemail.com"];

// The random draws happen in exactly the order of the Rust generator (format! arguments are
// evaluated left to right), so both produce the same rows.
function generateAccounts(rng) {
  const accounts = new Array(ACCOUNTS);
  const facts = new Array(ACCOUNTS); // [a domain of the account, its company name as a lead types it]
  for (let i = 0; i < ACCOUNTS; i++) {
    let base = "";
    for (let w = 0; w < 4; w++) base += SYLLABLES[rng.below(40)];
    const display = base[0].toUpperCase() + base.slice(1);
    const name = `${display} ${rng.pick(LEGAL)}`;
    const domain = `${base}.${rng.pick(TLDS)}`;
    const style = rng.below(4);
    const domains = [style === 0 ? `https://www.${domain}/` : style === 1 ? domain.toUpperCase() : domain];
    for (let extra = rng.below(3); extra > 0; extra--) {
      const syllable = rng.pick(SYLLABLES);
      domains.push(`${base}-${syllable}.${rng.pick(TLDS)}`);
    }
    accounts[i] = { id: `acc-${String(i).padStart(6, "0")}`, name, domains };
    facts[i] = [domain, display];
  }
  return { accounts, facts };
}

function generateLeads(rng, facts) {
  const leads = new Array(LEADS);
  for (let i = 0; i < LEADS; i++) {
    const [domain, company] = facts[rng.below(facts.length)];
    const first = rng.pick(SYLLABLES);
    const person = `${first}.${rng.pick(SYLLABLES)}${i % 1000}`;
    const roll = rng.below(100);
    let email = null;
    let name = null;
    if (roll <= 39) email = `${person}@${domain}`;
    else if (roll <= 49) email = `${person.toUpperCase()}@${domain}`;
    else if (roll <= 54) { email = `${person}@eu.${domain}`; name = company; }
    else if (roll <= 59) email = `${company} <${person}@${domain}>`;
    else if (roll <= 69) { email = `${person}@${rng.pick(FREE)}`; name = `${company} Inc`; }
    else if (roll <= 74) email = `${person}@${rng.pick(FREE)}`;
    else if (roll <= 78) email = `${person}@${rng.pick(DISPOSABLE)}`;
    else if (roll <= 81) email = `${person} at ${domain}`;
    else if (roll <= 89) { email = `${person}@unknown${i}.com`; name = roll % 2 === 0 ? `Unknown ${i} GmbH` : null; }
    else if (roll <= 96) name = `THE ${company.toUpperCase()} ltd.`;
    leads[i] = { id: `lead-${String(i).padStart(7, "0")}`, email, company: name };
  }
  return leads;
}

/** A line of /proc/self/status in MB (Linux), e.g. `VmHWM` (peak resident) or `VmRSS`. */
function statusMb(field) {
  try {
    const line = readFileSync("/proc/self/status", "utf8").split("\n").find((l) => l.startsWith(field));
    return Number(line.split(/\s+/)[1]) / 1024;
  } catch { return null; }
}
const mb = (value) => (value == null ? "n/a" : `${Math.round(value)} MB`);
const heapMb = () => { if (!gc) return null; gc(); gc(); return process.memoryUsage().heapUsed / 1048576; };
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const secs = (ms) => `${(ms / 1000).toFixed(3)} s`;

// The wasm instance's exports (initSync returns them once the package is initialised): its
// linear memory is not re-exported by the package, so it is read here.
const wasmMemory = () => initSync?.()?.memory?.buffer.byteLength ?? null;

/** A text column as Arrow lays it out: UTF-8 bytes, offsets, and validity (0 = null). */
function textColumn(values) {
  const encoder = new TextEncoder();
  let size = 0;
  for (const v of values) if (v != null) size += v.length * 3;
  const data = new Uint8Array(size);
  const offsets = new Uint32Array(values.length + 1);
  const valid = new Uint8Array(values.length);
  let at = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v != null) { at += encoder.encodeInto(v, data.subarray(at)).written; valid[i] = 1; }
    offsets[i + 1] = at;
  }
  return { data: data.subarray(0, at), offsets, valid };
}

let leadColumns = null;
/** One user-level batch: the whole array in one call, or chunk by chunk keeping summaries. */
function run(leads, accounts) {
  if (COLUMNS) {
    const report = matchLeadsColumns(leadColumns, accounts);
    return { ...report, matches: report.account };
  }
  if (!CHUNK) return matchLeads(leads, accounts);
  const summary = { total: 0, matched: 0, unmatched: 0, byRule: { domain: 0, companyName: 0 }, byReason: {}, tieBreaks: 0 };
  for (let start = 0; start < leads.length; start += CHUNK) {
    const s = matchLeads(leads.slice(start, start + CHUNK), accounts).summary;
    for (const k of ["total", "matched", "unmatched", "tieBreaks"]) summary[k] += s[k];
    for (const k in s.byRule) summary.byRule[k] += s.byRule[k];
    for (const k in s.byReason) summary.byReason[k] = (summary.byReason[k] ?? 0) + s.byReason[k];
  }
  summary.shareMatched = summary.total ? summary.matched / summary.total : null;
  return { summary, accountIssues: null, matches: null };
}

console.log(`matching benchmark: ${LEADS} leads against ${ACCOUNTS} accounts, wasm in Node ${process.version}, ` +
  `${os.cpus().length} × ${os.cpus()[0]?.model}${CHUNK ? `, ${CHUNK} leads per call` : ", one call"}`);
const heapBefore = heapMb();
const t = performance.now();
const rng = new Lcg(0x5eed);
const { accounts, facts } = generateAccounts(rng);
const tAccounts = performance.now() - t;
const leads = generateLeads(rng, facts);
const tInput = performance.now() - t;
facts.length = 0;
if (COLUMNS) {
  const t0 = performance.now();
  leadColumns = {
    length: leads.length,
    email: textColumn(leads.map((l) => l.email ?? null)),
    company: textColumn(leads.map((l) => l.company ?? null)),
  };
  console.log(`  lead columns (UTF-8 + offsets, built in JS from the objects): ${secs(performance.now() - t0)}`);
}
const heapInput = heapMb();
console.log(`  built the JS input in ${secs(tInput)} (accounts ${secs(tAccounts)}, leads ${secs(tInput - tAccounts)}, ` +
  `the LCG and string formatting included); resident after building: ${mb(statusMb("VmRSS:"))}` +
  (heapInput != null ? `, of which JS heap for the input ${mb(heapInput - heapBefore)}` : ""));

// Garbage collections during each round (main-thread pauses; concurrent marking not included).
const gcs = [];
new PerformanceObserver((list) => gcs.push(...list.getEntries())).observe({ entryTypes: ["gc"] });
const gcIn = (from, to) => {
  const inside = gcs.filter((e) => e.startTime >= from && e.startTime < to);
  const full = inside.filter((e) => e.detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR).length;
  return `${inside.length} GCs (${full} full), ${(inside.reduce((a, e) => a + e.duration, 0) / 1000).toFixed(2)} s paused`;
};

const rounds = [];
let summary = null;
for (let round = 0; round < ROUNDS; round++) {
  gc?.();
  const start = performance.now();
  const report = run(leads, accounts);
  const end = performance.now();
  summary = report.summary;
  if (!CHUNK && report.matches.length !== LEADS) throw new Error("one outcome per lead expected");
  await new Promise((resolve) => setTimeout(resolve, 10)); // let the GC entries arrive
  rounds.push({ ms: end - start, start, end, wasm: wasmMemory() });
}
const peakRounds = statusMb("VmHWM:");
const warm = rounds.slice(1).map((r) => r.ms);
const [first] = rounds;
const what = CHUNK ? `all ${Math.ceil(LEADS / CHUNK)} calls` : "one call";
console.log(`  matchLeads (${what}: JS → wasm, index, matching, report → JS), ${ROUNDS} rounds: ` +
  rounds.map((r) => (r.ms / 1000).toFixed(2)).join(", ") + " s");
console.log(`    first round (the process's first ${CHUNK ? "calls" : "call"}): ${secs(first.ms)} = ${(LEADS / first.ms / 1000).toFixed(2)} M leads/s ` +
  `(${gcIn(first.start, first.end)}; wasm memory grew to ${mb(first.wasm / 1048576)} during it)`);
if (warm.length) {
  const med = median(warm);
  const best = Math.min(...warm);
  const medRound = rounds.slice(1).find((r) => r.ms === med);
  console.log(`    later rounds: median ${secs(med)}, best ${secs(best)} = ${(LEADS / med / 1000).toFixed(2)} M leads/s (median), ` +
    `${(LEADS / best / 1000).toFixed(2)} M (best) (median round: ${gcIn(medRound.start, medRound.end)})`);
}
console.log(`  peak resident memory over the rounds (VmHWM, input included): ${mb(peakRounds)}; ` +
  `wasm linear memory (its peak: it never shrinks): ${mb(wasmMemory() / 1048576)}`);

// Where the time of one call goes, as far as JS can see it (this part allocates copies of the
// report, so it comes after the peak-memory reading).
if (!CHUNK && !COLUMNS) {
  const accountsOnly = [];
  for (let i = 0; i < 3; i++) { const t0 = performance.now(); matchLeads([], accounts); accountsOnly.push(performance.now() - t0); }
  gc?.();
  const before = heapMb();
  let t0 = performance.now();
  let report = matchLeads(leads, accounts);
  const tCall = performance.now() - t0;
  const held = heapMb();
  const text = JSON.stringify(report);
  const bytes = new TextEncoder().encode(text);
  report = null;
  gc?.();
  const decode = [], parse = [];
  for (let i = 0; i < 3; i++) {
    t0 = performance.now(); const again = new TextDecoder().decode(bytes); decode.push(performance.now() - t0);
    t0 = performance.now(); JSON.parse(again); parse.push(performance.now() - t0);
  }
  const tAccountsOnly = median(accountsOnly), tDecode = median(decode), tParse = median(parse);
  console.log(`  split of one more call (${secs(tCall)}):`);
  console.log(`    accounts only, matchLeads([], accounts): read 100k accounts from JS, build the index  ${secs(tAccountsOnly)}`);
  console.log(`    report → JS, re-enacted in JS: decode its ${(bytes.length / 1e6).toFixed(0)} MB of JSON text ${secs(tDecode)}, JSON.parse it ${secs(tParse)}`);
  console.log(`    the rest: read 1M leads from JS, match them, serialise the report  ${secs(tCall - tAccountsOnly - tDecode - tParse)}`);
  console.log(`  report: ${(bytes.length / 1e6).toFixed(0)} MB as JSON text (${Math.round(bytes.length / LEADS)} bytes a lead)` +
    (held != null ? `, ${mb(held - before)} of JS heap while held` : ""));
}

const s = summary;
console.log(`  matched ${s.matched} (${((s.shareMatched ?? 0) * 100).toFixed(1)} %): domain ${s.byRule.domain}, ` +
  `company name ${s.byRule.companyName}; tie-breaks ${s.tieBreaks}; unmatched ${s.unmatched}`);
console.log(`  unmatched by reason: ${Object.entries(s.byReason).map(([r, n]) => `${r} ${n}`).join(", ")}`);
