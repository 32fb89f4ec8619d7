import { Journey } from "/tmp/review2/pkg/node.mjs";
const j = Journey.default();
const firmo = { resolved: true, industry: "software", employees: 900, revenue: 90_000_000, country: "DE", techStack: ["salesforce"] };
const show = (st, asOf) => { for (const a of st.result({ asOf }).accounts) console.log(a.account, a.stage, a.transitions.map((t) => `${t.at} ${t.from}->${t.to} ${t.kind} ${t.trigger.kind}${t.trigger.event ? ":" + t.trigger.event : ""}`).join(" | ")); };
// Same-millisecond moves: an opportunity created and sales accepted in one instant
const events = [
  { account: "v1", at: "2026-03-01T00:00:00Z", type: "firmographics", firmographics: firmo },
  { account: "v1", at: "2026-03-02T00:00:00Z", type: "stage_override", stage: "mqa", by: "me" },
  { account: "v1", at: "2026-03-02T00:00:00Z", type: "stage_override", stage: "saa", by: "me" },
];
const st = j.replayState(); console.log(JSON.stringify(st.apply(events, { asOf: "2026-04-30" }).refused));
show(st, "2026-04-30");
const r = st.reports({ asOf: "2026-04-30", velocity: [["mqa", "saa"], ["identified", "saa"]] });
console.log(JSON.stringify(r.groups[0].velocity.map((v) => [v.from, v.to, v.started, v.reached])));
const mqa = r.groups[0].funnel.find((f) => f.stage === "mqa");
console.log("mqa dwell", JSON.stringify(mqa.dwell));
