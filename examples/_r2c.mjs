import { Journey, reportTables } from "/tmp/review2/pkg/node.mjs";
const j = Journey.default();
const ev = (account, at, type, extra = {}) => ({ account, at, type, ...extra });
const firmo = { resolved: true, industry: "software", employees: 900, revenue: 90_000_000, country: "DE", techStack: ["salesforce"] };
// Test B: `to` given as a date: a move on the last day of the period
const events = [
  ev("a1", "2026-03-31T10:00:00Z", "firmographics", { firmographics: firmo }),
  ev("a2", "2026-03-01T00:00:00Z", "firmographics", { firmographics: firmo }),
];
const st = j.replayState(); st.apply(events, { asOf: "2026-04-30" });
for (const a of st.result({ asOf: "2026-04-30" }).accounts) console.log(a.account, a.transitions.map((t) => `${t.at} ${t.from}->${t.to} ${t.kind}`).join(" | "));
const r = st.reports({ asOf: "2026-04-30", from: "2026-03-01", to: "2026-03-31" });
console.log("period", r.period);
console.log("identified entered", r.groups[0].funnel.find((f) => f.stage === "identified").entered, "(docs: inclusive period -> 2)");
console.log("matrix", JSON.stringify(r.groups[0].matrix));
