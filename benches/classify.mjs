// Classification in wasm under Node, the convenience path: classifyMany over plain JS objects
// (about fifteen fields and ten signals each, the default journey, as of 2026-11-22), with and
// without nextChangeAt. A baseline for issue 5's target (within 2× of a hand-written JS loop,
// i.e. millions of accounts a second), which needs a columnar path this is not.
//
//   node benches/classify.mjs [accounts=10000]      (after bash scripts/build-pkg.sh)
import os from "node:os";
import { Journey } from "account-journey";

const N = Number(process.argv[2] ?? 10_000);
let state = 7n;
const next = () => { state = (state * 6364136223846793005n + 1442695040888963407n) & ((1n << 64n) - 1n); return Number(state >> 33n); };
const pick = (xs) => xs[next() % xs.length];
const KINDS = ["page_view", "webinar", "content_download", "ad_click", "email_reply", "intent_surge", "meeting"];
const day = (d) => new Date(Date.UTC(2026, 10, 22) - d * 86_400_000).toISOString().slice(0, 10);
const accounts = Array.from({ length: N }, (_, i) => ({
  account: { id: `a${i}`, target: next() % 2 === 0, segment: pick(["smb", "mid", "ent"]) },
  firmographics: { resolved: next() % 5 !== 0, industry: pick(["software", "retail", "fintech"]),
    employees: next() % 5000, country: pick(["US", "DE", "BR"]), techStack: next() % 3 ? ["salesforce"] : [] },
  crm: { salesAccepted: next() % 7 === 0, won: next() % 20 === 0, opportunity: { open: next() % 10 === 0 } },
  signals: Array.from({ length: 10 }, () => ({ type: pick(KINDS), at: day(next() % 120), strength: 50 + (next() % 50) })),
}));
const journey = Journey.default();
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
for (const nextChange of [false, true]) {
  const times = [];
  let rows;
  for (let r = 0; r < 3; r++) {
    const t = performance.now();
    rows = journey.classifyMany(accounts, { asOf: "2026-11-22", nextChange });
    times.push(performance.now() - t);
  }
  if (rows.length !== N || rows.some((x) => x.error)) throw new Error("lost or failed rows");
  const ms = median(times);
  const stages = {};
  for (const r of rows) stages[r.stage] = (stages[r.stage] ?? 0) + 1;
  console.log(`classifyMany, nextChange ${nextChange}: ${(ms / N * 1000).toFixed(1)} µs per account = ` +
    `${Math.round(N / ms * 1000)} accounts/s; stages ${JSON.stringify(stages)}`);
}
console.log(`Node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model}`);
