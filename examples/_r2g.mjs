import { Journey } from "/tmp/review2/pkg/node.mjs";
const j = Journey.default();
const dates = ["2024-12-29T23:59:59Z", "2024-12-30T00:00:00Z", "2025-12-28T12:00:00Z", "2025-12-29T00:00:00Z", "2026-01-01T00:00:00Z", "2026-12-31T12:00:00Z", "2027-01-03T23:00:00Z", "2027-01-04T00:00:00Z", "2020-12-31T00:00:00Z", "2021-01-03T00:00:00Z"];
const events = dates.map((at, i) => ({ account: `c${i}`, at, type: "stage_override", stage: "mqa", by: "me" }));
const st = j.replayState(); st.apply(events, { asOf: "2027-02-01" });
for (const cohort of ["week", "month", "quarter"]) {
  const r = st.reports({ asOf: "2027-02-01", cohort });
  console.log(cohort, JSON.stringify(r.groups[0].cohorts.map((c) => [c.period, c.start, c.entered])));
}
