import { Journey, mergeReports } from "/tmp/review2/pkg/node.mjs";
import { generateHistory } from "./generate.mjs";
import assert from "node:assert/strict";
const j = Journey.default();
const h = generateHistory({ accounts: 400, events: 12000, seed: 5 });
const lines = h.lines.trim().split("\n");
const asOf = "2026-11-22T00:00:00Z";
const optsList = [
  { asOf, cohort: "week", groupBy: "owner", from: "2026-01-01", to: "2026-06-30T23:59:59.999Z", followUp: ["7d", "30d"] },
  { asOf, cohort: "quarter", groupBy: "segment" },
  { asOf: "2026-08-15T12:00:00Z", velocity: [["engaged", "customer"], ["mqa", "mqa"]], followUp: ["1d"] },
];
let seed = 1; const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
for (const o of optsList) {
  const mine = lines.filter((l) => Date.parse(JSON.parse(l).at) <= Date.parse(o.asOf)).join("\n");
  const whole = j.reports(mine, { ...o, partial: true });
  const wholeR = j.reports(mine, o);
  for (let trial = 0; trial < 4; trial++) {
    const k = 1 + Math.floor(rnd() * 6);
    const shardOf = new Map();
    const shards = Array.from({ length: k + 1 }, () => []); // +1: an always-empty shard
    for (const l of mine.split("\n")) { const a = JSON.parse(l).account; if (!shardOf.has(a)) shardOf.set(a, Math.floor(rnd() * k)); shards[shardOf.get(a)].push(l); }
    const parts = shards.map((s) => j.reports(s.join("\n"), { ...o, partial: true }));
    parts.sort(() => rnd() - 0.5);
    const merged = mergeReports(parts, { partial: true });
    assert.deepEqual(Buffer.from(merged), Buffer.from(whole));
    // merge of merges
    const half = Math.ceil(parts.length / 2);
    const mm = mergeReports([mergeReports(parts.slice(0, half), { partial: true }), mergeReports(parts.slice(half), { partial: true })]);
    assert.deepEqual(mm, wholeR);
  }
  console.log("ok", JSON.stringify(o), whole.length, "bytes");
}
