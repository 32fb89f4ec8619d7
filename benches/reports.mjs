// Reports in wasm under Node: replay plus every report over a generated history
// (examples/generate.mjs), and merging 1,000 shard partials (issue 6: ≤ 100 ms).
//
//   node benches/reports.mjs [accounts=2000] [events=50000]      (after bash scripts/build-pkg.sh)
import os from "node:os";
import { Journey, mergeReports } from "account-journey";
import { generateHistory } from "../examples/generate.mjs";

const ACCOUNTS = Number(process.argv[2] ?? 2000);
const EVENTS = Number(process.argv[3] ?? 50_000);
const AS_OF = "2026-11-22";
const journey = Journey.default();
let t = performance.now();
const history = generateHistory({ accounts: ACCOUNTS, events: EVENTS, seed: 7 });
console.log(`generated ${history.count.toLocaleString("en")} events over ${ACCOUNTS.toLocaleString("en")} accounts in ${(performance.now() - t).toFixed(0)} ms`);
t = performance.now();
const parsed = history.lines.trim().split("\n").map((l) => JSON.parse(l));
const parseMs = performance.now() - t;
t = performance.now();
const state = journey.replayState();
state.apply(history.lines, { asOf: AS_OF });
const replayMs = performance.now() - t;
t = performance.now();
const reports = state.reports({ asOf: AS_OF, groupBy: "segment" });
const reportMs = performance.now() - t;
console.log(`JSON.parse of the events: ${parseMs.toFixed(0)} ms; replay: ${replayMs.toFixed(0)} ms ` +
  `(${Math.round(history.count / replayMs * 1000).toLocaleString("en")} events/s); reports: ${reportMs.toFixed(0)} ms; ` +
  `replay + reports = ${((replayMs + reportMs) / parseMs).toFixed(0)}× the parse (${parsed.length} events)`);
for (const groupBy of [undefined, "segment"]) {
  const partial = state.reports({ asOf: AS_OF, groupBy, partial: true });
  const partials = Array.from({ length: 1000 }, () => partial);
  const times = [];
  for (let r = 0; r < 5; r++) {
    t = performance.now();
    mergeReports(partials);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  console.log(`mergeReports of 1,000 partials, ${groupBy ? `grouped by ${groupBy}` : "ungrouped"} ` +
    `(${partial.length.toLocaleString("en")} bytes each): median ${times[2].toFixed(1)} ms`);
}
console.log(`Node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model}`);
