import { Journey, reportTables } from "/tmp/review2/pkg/node.mjs";
const j = Journey.default();
const firmo = { resolved: true, industry: "software", employees: 900, revenue: 90_000_000, country: "DE", techStack: ["salesforce"] };
const events = [
  // an account with no segment, active only before the period
  { account: "n1", at: "2026-01-05T00:00:00Z", type: "firmographics", firmographics: firmo },
  // an account with a segment, entering in the period
  { account: "s1", at: "2026-01-01T00:00:00Z", type: "account", facts: { segment: "smb" } },
  { account: "s1", at: "2026-03-05T00:00:00Z", type: "firmographics", firmographics: firmo },
];
const st = j.replayState(); st.apply(events, { asOf: "2026-04-30" });
const r = st.reports({ asOf: "2026-04-30", from: "2026-03-01", groupBy: "segment", followUp: ["30d", "90d"] });
console.log(r.groups.map((g) => [g.group, g.cohorts.length]));
const t = reportTables(r);
console.log(JSON.stringify(t.cohorts));
console.log("header cols", t.cohorts[0].length, "row cols", t.cohorts.slice(1).map((x) => x.length));
