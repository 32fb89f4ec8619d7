// The main job: a year of synthetic account history (examples/generate.mjs — seeded, so every
// run prints the same numbers: 10,000 accounts, ~1,000,000 events, seasonality, skips,
// regressions, rejections, stalled deals), replayed through the default journey in shards —
// one worker thread per core (account-journey/pool), their partial reports merged — and printed:
// the funnel, monthly cohorts beside the rolling view, velocity between stages, and what
// triggered the stage entries on the way to won deals (attribution). The reports
// are written as JSON and as CSV tables to out/main-job/.
//
//   bash scripts/run.sh                      (builds pkg/ first)
//   node examples/node/main-job.mjs [accounts=10000] [events=1000000] [workers=cores]
//   (MAIN_JOB_OUT=dir writes the files there instead)
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import { reportTables } from "account-journey";
import { ReplayPool } from "account-journey/pool";
import { generateHistory } from "../generate.mjs";

const AS_OF = "2026-11-22";
const OPTIONS = {
  asOf: AS_OF, cohort: "month", followUp: ["30d", "90d"],
  velocity: [["identified", "engaged"], ["engaged", "mqa"], ["mqa", "saa"], ["saa", "opportunity"],
    ["opportunity", "customer"], ["identified", "customer"]],
};
// Revenue retention needs a period with customers before it: the last quarter.
const RETENTION = { asOf: AS_OF, from: "2026-08-22" };

const accounts = Number(process.argv[2] ?? 10_000);
const events = Number(process.argv[3] ?? 1_000_000);
const workers = Math.max(1, Math.min(Number(process.argv[4] ?? os.availableParallelism()), 8));
const started = performance.now();
const history = generateHistory({ accounts, events, seed: 2026 });
console.log(`\nmain job: ${history.count.toLocaleString("en")} events of ${accounts.toLocaleString("en")} synthetic accounts ` +
  `(${history.from} to ${history.to}, seed 2026), the default journey, as of ${AS_OF}`);
// Accounts sharded across worker threads (account-journey/pool): the same answers as one state.
const pool = await ReplayPool.create(null, { workers });
let reports, kept;
try {
  const lines = history.lines.trim().split("\n");
  const BATCH = 50_000;
  let refused = 0;
  let done = 0;
  // Up to four batches in flight: each worker takes them in call order, so one worker does
  // not wait for the other at every batch.
  const inFlight = [];
  for (let from = 0; from < lines.length; from += BATCH) {
    const size = Math.min(BATCH, lines.length - from);
    inFlight.push(pool.apply(lines.slice(from, from + size).join("\n"), { asOf: AS_OF }).then((batch) => {
      refused += batch.events.refused;
      done += size;
      process.stderr.write(`\rreplaying in ${workers} workers: ${Math.floor((done / lines.length) * 100)}% ` +
        `(${done.toLocaleString("en")} of ${lines.length.toLocaleString("en")} events, ${((performance.now() - started) / 1000).toFixed(0)} s)   `);
    }));
    if (inFlight.length >= 4) await inFlight.shift();
  }
  await Promise.all(inFlight);
  process.stderr.write("\n");
  reports = await pool.reports(OPTIONS);
  kept = (await pool.reports(RETENTION)).groups[0].accountMetrics.retention;
  const seconds = (performance.now() - started) / 1000;
  console.log(`replayed ${history.count.toLocaleString("en")} events (${refused.toLocaleString("en")} redelivered duplicates refused) ` +
    `over ${(await pool.accounts()).toLocaleString("en")} accounts in ${seconds.toFixed(1)} s; ` +
    `${workers} partials merged`);
} finally {
  await pool.close();
}

const [all] = reports.groups;
const pct = (x) => (x === null ? "—" : `${(x * 100).toFixed(1)}%`);
const days = (ms) => (ms === null ? "—" : `${(ms / 86_400_000).toFixed(1)}d`);
const table = (title, header, rows) => {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join("  ");
  console.log(`\n${title}\n${line(header)}\n${line(widths.map((w) => "-".repeat(w)))}`);
  for (const r of rows) console.log(line(r));
};
table("funnel (all of history up to the date)", ["stage", "now", "entered", "converted", "rate", "skipped",
  "regressed", "breaches", "stuck", "dwell p50", "p90"],
  all.funnel.map((f) => [f.stage, f.population, f.entered, f.converted, pct(f.conversionRate), f.skipped,
    f.regressions, f.breaches, f.stuck, days(f.dwell.medianMs), days(f.dwell.p90Ms)]));
// Cohorts beside the rolling view, for one stage: what each month's entries did, and what the
// month's conversions over its entries would suggest.
const stage = "engaged";
const rolling = new Map(all.rolling.filter((r) => r.stage === stage).map((r) => [r.period, r]));
table(`cohorts of "${stage}" by month of entry, beside the rolling view`, ["month", "entered", "≤30d", "≤90d",
  "by date", "rolling rate"],
  all.cohorts.filter((c) => c.stage === stage).map((c) => [c.period, c.entered, pct(c.within[0].rate),
    pct(c.within[1].rate), pct(c.conversionRate), pct(rolling.get(c.period)?.rate ?? null)]));
table("velocity (first entry into the first stage → entry into the second)", ["from → to", "started", "reached",
  "p50", "p90", "≤7d", "≤30d", "≤90d", "≤365d"],
  all.velocity.map((v) => {
    // The histogram's buckets, added up: how many took at most so many days.
    const upTo = (d) => v.histogram.filter((b) => b.upToDays !== null && b.upToDays <= d).reduce((n, b) => n + b.count, 0);
    return [`${v.from} → ${v.to}`, v.started, v.reached.count, days(v.reached.medianMs), days(v.reached.p90Ms),
      upTo(7), upTo(30), upTo(90), upTo(365)];
  }));

// Closed-loop attribution: what triggered the stage entries on won accounts' way.
const money = (x) => `${(x / 1e6).toFixed(2)}M`;
table("attribution: the stage entries on the way to won deals, by what triggered them (top 10)",
  ["stage", "trigger", "won accounts", "won amount", "pipeline accounts", "pipeline amount"],
  all.attribution.filter((a) => a.wonAccounts > 0 && a.stage !== "customer")
    .sort((a, b) => b.wonAccounts - a.wonAccounts || a.stage.localeCompare(b.stage)).slice(0, 10)
    .map((a) => [a.stage, a.trigger, a.wonAccounts, money(a.wonAmount), a.pipelineAccounts, money(a.pipelineAmount)]));

// Forecast from the date, and the same forecast from 90 days earlier beside what happened.
const { forecast, backtest } = all;
const range = (e, f = (x) => x.toFixed(0)) => `${f(e.expected)} (${f(e.low)}–${f(e.high)})`;
table(`forecast: wins in the ${forecast.horizon} after ${forecast.at.slice(0, 10)}, by the stage accounts are in`,
  ["stage", "accounts", "won-within rate", "expected wins", "expected amount"],
  forecast.stages.filter((r) => r.population > 0).map((r) => [r.stage, r.population, pct(r.rate),
    r.expectedWins.toFixed(1), money(r.expectedAmount)]));
console.log(`expected: ${range(forecast.wins)} wins, ${range(forecast.amount, money)} (90 % intervals)`);
console.log(`backtest from ${backtest.at.slice(0, 10)}: forecast ${range(backtest.wins)} wins, ` +
  `${range(backtest.amount, money)}; happened: ${backtest.actual.wins} wins, ${money(backtest.actual.amount)} ` +
  `(${backtest.actual.winsWithinInterval ? "within" : "outside"} the interval)`);

const { targetAccounts, winRate, coverage } = all.accountMetrics;
const reachedSaa = coverage.find((c) => c.stage === "saa");
console.log(`target list: ${targetAccounts} accounts, ${pct(reachedSaa?.share ?? null)} reached SAA; win rate from ` +
  `opportunity ${pct(winRate.target.rate)} (${winRate.target.won}/${winRate.target.pipeline}) vs ` +
  `${pct(winRate.baseline.rate)} for the other accounts (${winRate.baseline.won}/${winRate.baseline.pipeline})`);

console.log(`revenue retention since ${RETENTION.from}: ${kept.accounts} customers then, ${money(kept.starting)} → ` +
  `${money(kept.ending)} (+${money(kept.expansion)} expansion, −${money(kept.contraction)} contraction, ` +
  `−${money(kept.churned)} churned from ${kept.churnedAccounts}): net ${pct(kept.net)}, gross ${pct(kept.gross)}`);

const out = process.env.MAIN_JOB_OUT
  ? new URL(`file://${process.env.MAIN_JOB_OUT.replace(/\/?$/, "/")}`)
  : new URL("../../out/main-job/", import.meta.url);
mkdirSync(out, { recursive: true });
writeFileSync(new URL("reports.json", out), JSON.stringify(reports, null, 2) + "\n");
const csv = (rows) => rows.map((r) => r.map((c) => {
  const s = c === null ? "" : String(c);
  return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}).join(",")).join("\n") + "\n";
const tables = reportTables(reports);
for (const [name, rows] of Object.entries(tables)) writeFileSync(new URL(`${name}.csv`, out), csv(rows));
console.log(`\nwritten: ${process.env.MAIN_JOB_OUT ?? "out/main-job"}/reports.json and ` +
  `${Object.keys(tables).map((n) => `${n}.csv`).join(", ")}`);
