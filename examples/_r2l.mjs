import { Journey, mergeReports } from "/tmp/review2/pkg/node.mjs";
import { generateHistory } from "./generate.mjs";
const j = Journey.default();
const h = generateHistory({ accounts: 150, events: 4000, seed: 9 });
const p = j.reports(h.lines, { asOf: "2026-11-22", groupBy: "owner", cohort: "week", partial: true });
console.log("partial bytes", p.length);
let errs = 0, oks = 0, worst = 0, traps = 0;
const run = (b) => { const t = performance.now(); try { mergeReports([b]); oks++; } catch (e) { if (e.name === "JourneyError") errs++; else { traps++; console.log("NON-JourneyError", e.name, e.message); process.exit(1); } } worst = Math.max(worst, performance.now() - t); };
for (let cut = 0; cut < p.length; cut++) run(p.slice(0, cut));
for (let i = 0; i < p.length; i++) for (const f of [0x01, 0x02, 0x40, 0x80, 0xff]) { const d = p.slice(); d[i] ^= f; run(d); }
console.log({ errs, oks, traps, worstMs: worst.toFixed(1) });
