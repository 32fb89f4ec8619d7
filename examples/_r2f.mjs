import { Journey } from "/tmp/review2/pkg/node.mjs";
const j = Journey.default();
const amt = Number(process.argv[2] ?? 1e17);
const events = [];
for (const a of ["w1", "w2"]) {
  events.push({ account: a, at: "2026-03-02T00:00:00Z", type: "opportunity_created", amount: amt });
  events.push({ account: a, at: "2026-03-03T00:00:00Z", type: "opportunity_won" });
}
const st = j.replayState(); const o = st.apply(events, { asOf: "2026-04-30" }); console.log(JSON.stringify(o.refused));
for (const a of st.result({ asOf: "2026-04-30" }).accounts) console.log(a.account, a.transitions.map((t) => `${t.from}->${t.to} ${t.kind}`).join(" | "));
const r = st.reports({ asOf: "2026-04-30" });
console.log(JSON.stringify(r.groups[0].attribution));
const sh = [0,1].map(i => j.replayState());
