import { mergeReports } from "/tmp/review2/pkg/node.mjs";
import { W, header } from "/tmp/review2/enc.mjs";
const MIN = -(2n ** 63n), MAX = 2n ** 63n - 1n;
const cases = [
  { asOf: MAX, from: MIN, to: MAX, followUp: [MIN, -1n, 0n, MAX], horizon: MIN, backtestAt: MIN, cohortStart: MIN },
  { asOf: MIN, from: MAX, to: MIN, followUp: [MAX], horizon: MAX, backtestAt: MAX, cohortStart: MAX },
  { asOf: 0n, from: 0n, to: 0n, followUp: [-86400000n * 30n], horizon: -5n, backtestAt: 0n, cohortStart: -1n },
];
for (const c of cases) {
  const w = new W();
  header(w, { stages: [["s0", false], ["s1", true]], asOf: c.asOf, from: c.from, to: c.to, followUp: c.followUp, velocity: [[0, 1]], won: 1, pipeline: 0, horizon: c.horizon, backtestAt: c.backtestAt, cohort: 0 });
  w.len(1); w.optStr(null); w.len(3);
  for (let s = 0; s < 2; s++) { for (let k = 0; k < 7; k++) w.len(1n); w.len(2); w.len(2); w.len(5); w.len(3); w.len(3996); w.len(5); }
  w.len(1); w.optIndex(null); w.optIndex(null); w.len(1);
  // velocity: started, sketch, histogram of 20 entries
  w.len(1); w.len(0); w.len(1); w.len(4001); w.len(1); w.len(20); for (let k = 0; k < 20; k++) w.len(1);
  w.len(1); w.len(0); w.i64(c.cohortStart); w.len(1); w.len(1); w.len(6); for (let k = 0; k < 6; k++) w.len(2n ** 64n - 1n);
  for (let s = 0; s < 4; s++) { for (let k = 0; k < 4; k++) w.len(2n ** 64n - 1n); w.len(2n ** 64n - 1n); w.len(2n ** 64n - 1n); w.len(7); w.len(7); }
  w.len(1); w.len(0); w.str("x"); for (let k = 0; k < 4; k++) w.len(2n ** 64n - 1n);
  w.len(1); w.len(1); w.i64(c.cohortStart); w.len(0); w.len(3);
  const bytes = w.bytes();
  try { const r = mergeReports([bytes, bytes]); console.log(JSON.stringify(r).slice(0, 2500)); } catch (e) { console.log("error", e.name, e.message); }
}
