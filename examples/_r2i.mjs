import { Journey } from "/tmp/review2/pkg/node.mjs";
const def = { id: "t", name: "t", version: "1", unmatched: "outside", stages: [
  { id: "a", name: "A", kind: "pre-sale", entryCriteria: 'exists(signals, type == "page_view" and within(7d))' },
  { id: "b", name: "B", kind: "pre-sale", entryCriteria: 'count(signals, type == "page_view" and within(7d)) >= 3', maxDwell: { after: "2d", action: "manager-review" } },
  { id: "w", name: "W", kind: "post-sale", entryCriteria: "crm.won" },
  { id: "l", name: "L", kind: "terminal", entryCriteria: "crm.lost and not crm.opportunity.open" },
] };
const j = new Journey(def);
const D = (d, h = 0) => new Date(Date.UTC(2026, 2, 1 + d, h)).toISOString();
const events = [
  { account: "x", at: D(0), type: "page_view" },
  { account: "x", at: D(10), type: "page_view" },
  { account: "x", at: D(11), type: "page_view" },
  { account: "x", at: D(12), type: "page_view" },
  { account: "x", at: D(20), type: "opportunity_won" },
];
const st = j.replayState(); console.log(JSON.stringify(st.apply(events, { asOf: D(40) }).refused));
const asOf = D(40);
for (const a of st.result({ asOf }).accounts) { console.log(a.account, a.stage, a.stuck, a.transitions.map((t) => `${t.at} ${t.from}->${t.to} ${t.kind} ${t.trigger.kind}`).join(" | ")); console.log("breaches", JSON.stringify(a.breaches)); }
const r = st.reports({ asOf, velocity: [["a", "b"], ["a", "w"]] });
const g = r.groups[0];
console.log(JSON.stringify(g.funnel.map((f) => [f.stage, f.population, f.entered, f.converted, f.breaches, f.stuck, f.dwell.count])));
console.log(JSON.stringify(g.matrix));
console.log(JSON.stringify(g.velocity.map((v) => [v.from, v.to, v.started, v.reached.count, v.reached.medianMs / 864e5])));
console.log(JSON.stringify(g.attribution));
