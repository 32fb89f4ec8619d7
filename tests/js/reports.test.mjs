// Reports checked against an independent oracle: the same numbers computed in SQL by DuckDB
// from the replayed timelines (transitions, populations, breaches) of a generated history
// (examples/generate.mjs: seasonality, skips, regressions, rejections, stuck accounts). Every
// count must match exactly; medians and 90th percentiles within the sketch's 1 %. Grouped by
// segment and not. Then: partials of shards merge into the whole, through bytes; bad options
// and damaged partials are JourneyErrors.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { Journey, mergeReports } from "account-journey";
import { generateHistory } from "../../examples/generate.mjs";

const AS_OF = "2026-11-22T00:00:00Z";
const OPTIONS = {
  asOf: AS_OF, from: "2026-02-01", to: "2026-10-31T23:59:59.999Z", cohort: "month", followUp: ["30d", "90d"],
  velocity: [["engaged", "mqa"], ["saa", "opportunity"], ["opportunity", "customer"], ["identified", "customer"]],
  horizon: "60d", backtestAt: "2026-07-01",
};
// Retention needs customers before its period: a later one than the other reports'.
const RETENTION = { from: "2026-08-01", to: AS_OF };
const history = generateHistory({ accounts: 1200, events: 24_000, seed: 11 });
const journey = Journey.default();
const state = journey.replayState();
state.apply(history.lines, { asOf: AS_OF });
const timelines = state.result({ asOf: AS_OF }).accounts;
const segments = new Map();
const targets = new Map();
for (const line of history.lines.trim().split("\n")) {
  const e = JSON.parse(line);
  if (e.type === "account" && e.facts.segment) segments.set(e.account, e.facts.segment);
  if (e.type === "account" && typeof e.facts.target === "boolean") targets.set(e.account, e.facts.target);
}
const terminal = journey.definition().stages.filter((s) => s.kind === "terminal").map((s) => s.id);
const ms = (t) => Date.parse(t);

async function oracle() {
  const dir = mkdtempSync(join(tmpdir(), "aj-reports-"));
  const file = (name, rows) => {
    const path = join(dir, `${name}.json`);
    writeFileSync(path, rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
    return path.replaceAll("'", "''");
  };
  const transitions = timelines.flatMap((a) => a.transitions.map((t, seq) => ({
    account: a.account, segment: segments.get(a.account) ?? null, seq, ts: ms(t.at), from_stage: t.from,
    to_stage: t.to, kind: t.kind, skipped: t.skipped, trig: t.trigger.kind === "event" ? t.trigger.event : t.trigger.kind })));
  const accounts = timelines.map((a) => ({ account: a.account, segment: segments.get(a.account) ?? null,
    stage: a.stage, stuck: a.stuck, target: targets.get(a.account) ?? false }));
  const breaches = timelines.flatMap((a) => a.breaches.map((b) => ({ account: a.account,
    segment: segments.get(a.account) ?? null, stage: b.stage, ts: ms(b.at) })));
  // Revenue events as sent (a redelivered copy, same id, once), in order: the SQL below
  // rebuilds each account's recurring revenue from them alone.
  const seenIds = new Set();
  const revenue = history.lines.trim().split("\n").map((l, seq) => ({ ...JSON.parse(l), seq }))
    .filter((e) => ["opportunity_won", "expansion", "renewal", "churn"].includes(e.type) && !seenIds.has(e.id) && seenIds.add(e.id))
    .map((e) => ({ account: e.account, segment: segments.get(e.account) ?? null, seq: e.seq, ts: ms(e.at), type: e.type,
      amount: e.amount ?? 0 }));
  const db = await (await DuckDBInstance.create(":memory:")).connect();
  await db.run(`CREATE TABLE r AS SELECT * FROM read_json('${file("r", revenue)}', columns = {account: 'VARCHAR',
    segment: 'VARCHAR', seq: 'BIGINT', ts: 'BIGINT', type: 'VARCHAR', amount: 'DOUBLE'})`);
  // A renewal sets the revenue, a churn ends it, wins and expansions add to it: after each
  // event, the last setting (0 before any) plus what was added since.
  await db.run(`CREATE VIEW arr AS SELECT account, segment, seq, ts,
      first_value(CASE WHEN type = 'renewal' THEN amount ELSE 0 END) OVER g
      + sum(CASE WHEN type IN ('opportunity_won', 'expansion') THEN amount ELSE 0 END) OVER (g ROWS UNBOUNDED PRECEDING) AS arr
    FROM (SELECT *, count(*) FILTER (WHERE type IN ('renewal', 'churn')) OVER (PARTITION BY account ORDER BY seq
      ROWS UNBOUNDED PRECEDING) AS grp FROM r)
    WINDOW g AS (PARTITION BY account, grp ORDER BY seq)`);
  await db.run(`CREATE TABLE t AS SELECT * FROM read_json('${file("t", transitions)}', columns = {account: 'VARCHAR',
    segment: 'VARCHAR', seq: 'BIGINT', ts: 'BIGINT', from_stage: 'VARCHAR', to_stage: 'VARCHAR', kind: 'VARCHAR', skipped: 'VARCHAR[]', trig: 'VARCHAR'})`);
  await db.run(`CREATE TABLE a AS SELECT * FROM read_json('${file("a", accounts)}', columns = {account: 'VARCHAR',
    segment: 'VARCHAR', stage: 'VARCHAR', stuck: 'BOOLEAN', target: 'BOOLEAN'})`);
  await db.run(`CREATE TABLE b AS SELECT * FROM read_json('${file("b", breaches)}', columns = {account: 'VARCHAR',
    segment: 'VARCHAR', stage: 'VARCHAR', ts: 'BIGINT'})`);
  const [from, to] = [ms(OPTIONS.from), ms(OPTIONS.to)];
  const terminalList = terminal.map((s) => `'${s}'`).join(", ");
  await db.run(`CREATE VIEW n AS SELECT *, lead(kind) OVER w AS next_kind, lead(to_stage) OVER w AS next_to,
    lead(ts) OVER w AS next_ts FROM t WINDOW w AS (PARTITION BY account ORDER BY seq)`);
  await db.run(`CREATE VIEW stays AS SELECT *, (next_kind IN ('advance', 'skip') AND next_to IS NOT NULL
    AND next_to NOT IN (${terminalList})) AS converted FROM n WHERE to_stage IS NOT NULL`);
  const rows = async (sql) => (await db.runAndReadAll(sql)).getRowObjectsJS().map((r) =>
    Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === "bigint" ? Number(v) : v])));
  const inPeriod = (col) => `${col} BETWEEN ${from} AND ${to}`;
  // Nearest-rank quantile, as the reports define it: the ceil(q·n)-th smallest.
  const quantiles = (sql, key) => `SELECT ${key}, count(*) AS c,
      max(d) FILTER (WHERE rn = greatest(1, ceil(0.5 * cnt))) AS p50, max(d) FILTER (WHERE rn = greatest(1, ceil(0.9 * cnt))) AS p90
    FROM (SELECT ${key}, d, row_number() OVER (PARTITION BY ${key} ORDER BY d) AS rn, count(*) OVER (PARTITION BY ${key}) AS cnt
          FROM (${sql})) GROUP BY ${key}`;
  const result = async (where) => ({
    accounts: (await rows(`SELECT count(*) AS n FROM a WHERE ${where}`))[0].n,
    population: await rows(`SELECT stage, count(*) AS n, count(*) FILTER (WHERE stuck) AS stuck FROM a WHERE ${where} AND stage IS NOT NULL GROUP BY stage`),
    entered: await rows(`SELECT to_stage AS stage, count(*) AS n, count(*) FILTER (WHERE converted) AS converted
      FROM stays WHERE ${where} AND ${inPeriod("ts")} GROUP BY to_stage`),
    dwell: await rows(quantiles(`SELECT to_stage AS stage, next_ts - ts AS d FROM stays WHERE ${where} AND ${inPeriod("next_ts")}`, "stage")),
    skipped: await rows(`SELECT s AS stage, count(*) AS n FROM (SELECT unnest(skipped) AS s FROM t WHERE ${where} AND ${inPeriod("ts")}) GROUP BY s`),
    regressions: await rows(`SELECT from_stage AS stage, count(*) AS n FROM t WHERE ${where} AND kind = 'regression' AND ${inPeriod("ts")} GROUP BY from_stage`),
    breaches: await rows(`SELECT stage, count(*) AS n FROM b WHERE ${where} AND ${inPeriod("ts")} GROUP BY stage`),
    matrix: await rows(`SELECT from_stage AS "from", to_stage AS "to", count(*) AS n FROM t WHERE ${where} AND ${inPeriod("ts")} GROUP BY ALL`),
    cohorts: await rows(`SELECT to_stage AS stage, strftime(date_trunc('month', make_timestamp(ts * 1000)), '%Y-%m') AS period, count(*) AS entered,
      count(*) FILTER (WHERE converted) AS converted, count(*) FILTER (WHERE converted AND next_ts - ts <= 2592000000) AS w30,
      count(*) FILTER (WHERE converted AND next_ts - ts <= 7776000000) AS w90 FROM stays WHERE ${where} AND ${inPeriod("ts")} GROUP BY ALL`),
    rollingIn: await rows(`SELECT to_stage AS stage, strftime(date_trunc('month', make_timestamp(ts * 1000)), '%Y-%m') AS period, count(*) AS n
      FROM stays WHERE ${where} AND ${inPeriod("ts")} GROUP BY ALL`),
    rollingOut: await rows(`SELECT to_stage AS stage, strftime(date_trunc('month', make_timestamp(next_ts * 1000)), '%Y-%m') AS period, count(*) AS n
      FROM stays WHERE ${where} AND converted AND ${inPeriod("next_ts")} GROUP BY ALL`),
    // Attribution: for each account whose first entry into the won (pipeline) stage in the
    // period exists, every (stage, trigger) entered up to it, once per account.
    attribution: await Promise.all(["customer", "opportunity"].map((target) => rows(`WITH w AS (
        SELECT account, min(seq) AS s FROM t WHERE ${where} AND to_stage = '${target}' AND ${inPeriod("ts")} GROUP BY account)
      SELECT to_stage AS stage, trig, count(DISTINCT t.account) AS n FROM t JOIN w USING (account)
      WHERE t.seq <= w.s AND to_stage IS NOT NULL GROUP BY ALL`))),
    // Forecast counts from a cut date: history (entries in [from, cut - horizon], won within
    // the horizon), the stage at the cut, and what was won in the horizon after it.
    forecast: await Promise.all([ms(AS_OF), ms(OPTIONS.backtestAt)].map(async (cut) => {
      const h = 60 * 86_400_000;
      const history = await rows(`SELECT to_stage AS stage, count(*) AS entered, count(*) FILTER (WHERE EXISTS (
          SELECT 1 FROM t w WHERE w.account = t.account AND w.to_stage = 'customer' AND w.seq > t.seq AND w.ts <= t.ts + ${h})) AS won
        FROM t WHERE ${where} AND to_stage IS NOT NULL AND to_stage <> 'customer' AND ts >= ${from} AND ts <= ${cut - h} GROUP BY ALL`);
      const population = await rows(`SELECT to_stage AS stage, count(*) AS n, count(*) FILTER (WHERE EXISTS (
          SELECT 1 FROM t w WHERE w.account = c.account AND w.to_stage = 'customer' AND w.ts > ${cut} AND w.ts <= ${cut + h})) AS actual
        FROM (SELECT account, to_stage, row_number() OVER (PARTITION BY account ORDER BY seq DESC) AS rn FROM t
              WHERE ${where} AND ts <= ${cut}) c WHERE rn = 1 AND to_stage IS NOT NULL AND to_stage <> 'customer' GROUP BY ALL`);
      return { history: byKey(history), population: byKey(population) };
    })),
    // Revenue retention: each account's revenue just before the period and at its end.
    retention: (await rows(`WITH p AS (SELECT account, coalesce(arg_max(arr, seq) FILTER (WHERE ts < ${ms(RETENTION.from)}), 0) AS s,
        coalesce(arg_max(arr, seq) FILTER (WHERE ts <= ${ms(RETENTION.to)}), 0) AS e FROM arr WHERE ${where} GROUP BY account)
      SELECT count(*) AS accounts, coalesce(sum(s), 0) AS starting, coalesce(sum(e - s) FILTER (WHERE e >= s), 0) AS expansion,
        coalesce(sum(s - e) FILTER (WHERE e > 0 AND e < s), 0) AS contraction, coalesce(sum(s) FILTER (WHERE e = 0), 0) AS churned,
        count(*) FILTER (WHERE e = 0) AS churnedAccounts, coalesce(sum(e), 0) AS ending FROM p WHERE s > 0`))[0],
    // The target list: accounts, stages reached, and win rates from the pipeline stage.
    targets: {
      accounts: await rows(`SELECT target, count(*) AS n FROM a WHERE ${where} GROUP BY target`),
      reached: await rows(`SELECT to_stage AS stage, a.target, count(DISTINCT t.account) AS n FROM t JOIN a USING (account)
        WHERE ${where.replaceAll("segment", "t.segment")} AND to_stage IS NOT NULL GROUP BY ALL`),
      wins: await rows(`SELECT a.target, count(*) AS pipeline, count(*) FILTER (WHERE EXISTS (SELECT 1 FROM t w
          WHERE w.account = p.account AND w.to_stage = 'customer' AND w.seq > p.sq)) AS won
        FROM (SELECT account, min(seq) AS sq FROM t WHERE ${where} AND to_stage = 'opportunity' AND ${inPeriod("ts")} GROUP BY account) p
        JOIN a USING (account) GROUP BY a.target`),
    },
    velocity: await Promise.all(OPTIONS.velocity.map(async ([x, y]) => {
      // The first entry into x in the period, then the next entry into y after it (by order:
      // the same millisecond counts).
      const started = `SELECT e.account, e.seq AS sq, e.ts AS ta FROM t e JOIN (SELECT account, min(seq) AS m FROM t
        WHERE ${where} AND to_stage = '${x}' AND ${inPeriod("ts")} GROUP BY account) f ON e.account = f.account AND e.seq = f.m`;
      const reached = `SELECT s.account, min(t.ts) - s.ta AS d FROM (${started}) s JOIN t ON t.account = s.account
        AND t.to_stage = '${y}' AND t.seq > s.sq GROUP BY s.account, s.ta`;
      const [q] = await rows(quantiles(`SELECT 1 AS k, d FROM (${reached})`, "k"));
      return { started: (await rows(`SELECT count(*) AS n FROM (${started})`))[0].n, reached: q ?? { c: 0, p50: null, p90: null } };
    })),
  });
  const groups = new Map([[undefined, await result("true")]]);
  for (const seg of ["smb", "mid", "ent"]) groups.set(seg, await result(`segment = '${seg}'`));
  rmSync(dir, { recursive: true, force: true });
  return groups;
}

const byKey = (rows, key = "stage") => new Map(rows.map((r) => [r[key], r]));
const near = (got, exact, what) => {
  if (exact === null || exact === undefined) return assert.equal(got, null, what);
  assert.ok(Math.abs(got - exact) <= exact * 0.0101 + 1, `${what}: ${got} vs exact ${exact}`);
};

function compare(report, sql, what) {
  assert.equal(report.accounts, sql.accounts, `${what} accounts`);
  const pop = byKey(sql.population), entered = byKey(sql.entered), dwell = byKey(sql.dwell);
  const skipped = byKey(sql.skipped), regressions = byKey(sql.regressions), breaches = byKey(sql.breaches);
  for (const f of report.funnel) {
    const w = `${what} ${f.stage}`;
    assert.equal(f.population, pop.get(f.stage)?.n ?? 0, `${w} population`);
    assert.equal(f.stuck, pop.get(f.stage)?.stuck ?? 0, `${w} stuck`);
    assert.equal(f.entered, entered.get(f.stage)?.n ?? 0, `${w} entered`);
    assert.equal(f.converted, entered.get(f.stage)?.converted ?? 0, `${w} converted`);
    assert.equal(f.skipped, skipped.get(f.stage)?.n ?? 0, `${w} skipped`);
    assert.equal(f.regressions, regressions.get(f.stage)?.n ?? 0, `${w} regressions`);
    assert.equal(f.breaches, breaches.get(f.stage)?.n ?? 0, `${w} breaches`);
    assert.equal(f.dwell.count, dwell.get(f.stage)?.c ?? 0, `${w} stays`);
    near(f.dwell.medianMs, dwell.get(f.stage)?.p50, `${w} dwell median`);
    near(f.dwell.p90Ms, dwell.get(f.stage)?.p90, `${w} dwell p90`);
  }
  const matrix = new Map(sql.matrix.map((m) => [`${m.from}>${m.to}`, m.n]));
  assert.equal(report.matrix.length, matrix.size, `${what} matrix cells`);
  for (const m of report.matrix) assert.equal(m.count, matrix.get(`${m.from}>${m.to}`), `${what} ${m.from}>${m.to}`);
  const cohorts = new Map(sql.cohorts.map((c) => [`${c.stage} ${c.period}`, c]));
  assert.equal(report.cohorts.length, cohorts.size, `${what} cohorts`);
  for (const c of report.cohorts) {
    const s = cohorts.get(`${c.stage} ${c.period}`);
    assert.deepEqual([c.entered, c.converted, c.within[0].converted, c.within[1].converted],
      [s.entered, s.converted, s.w30, s.w90], `${what} cohort ${c.stage} ${c.period}`);
  }
  const rin = new Map(sql.rollingIn.map((r) => [`${r.stage} ${r.period}`, r.n]));
  const rout = new Map(sql.rollingOut.map((r) => [`${r.stage} ${r.period}`, r.n]));
  for (const r of report.rolling) {
    assert.equal(r.entered, rin.get(`${r.stage} ${r.period}`) ?? 0, `${what} rolling entered ${r.stage} ${r.period}`);
    assert.equal(r.converted, rout.get(`${r.stage} ${r.period}`) ?? 0, `${what} rolling converted ${r.stage} ${r.period}`);
  }
  assert.equal(report.rolling.length, new Set([...rin.keys(), ...rout.keys()]).size, `${what} rolling rows`);
  const [won, pipeline] = sql.attribution.map((rows) => new Map(rows.map((r) => [`${r.stage} ${r.trig}`, r.n])));
  const cells = new Set([...won.keys(), ...pipeline.keys()]);
  assert.equal(report.attribution.length, cells.size, `${what} attribution rows`);
  for (const a of report.attribution) {
    const key = `${a.stage} ${a.trigger}`;
    assert.deepEqual([a.wonAccounts, a.pipelineAccounts], [won.get(key) ?? 0, pipeline.get(key) ?? 0], `${what} attribution ${key}`);
  }
  [report.forecast, report.backtest].forEach((f, k) => {
    const s = sql.forecast[k];
    const stages = new Set([...s.history.keys(), ...s.population.keys()]);
    assert.equal(f.stages.length, stages.size, `${what} forecast ${k} stages`);
    for (const row of f.stages) {
      const w = `${what} forecast ${k} ${row.stage}`;
      assert.equal(row.history, s.history.get(row.stage)?.entered ?? 0, `${w} history`);
      assert.equal(row.rate, row.history ? (s.history.get(row.stage)?.won ?? 0) / row.history : null, `${w} rate`);
      assert.equal(row.population, s.population.get(row.stage)?.n ?? 0, `${w} population`);
      if (k === 1) assert.equal(row.actualWins, s.population.get(row.stage)?.actual ?? 0, `${w} actual`);
    }
  });
  const m = report.accountMetrics;
  const side = (rows, target) => rows.find((r) => r.target === target);
  assert.deepEqual([m.targetAccounts, m.otherAccounts],
    [side(sql.targets.accounts, true)?.n ?? 0, side(sql.targets.accounts, false)?.n ?? 0], `${what} target accounts`);
  for (const c of m.coverage) {
    const n = (target) => sql.targets.reached.find((r) => r.stage === c.stage && r.target === target)?.n ?? 0;
    assert.deepEqual([c.targets, c.others], [n(true), n(false)], `${what} coverage ${c.stage}`);
  }
  for (const [key, target] of [["target", true], ["baseline", false]]) {
    const s = side(sql.targets.wins, target);
    assert.deepEqual([m.winRate[key].pipeline, m.winRate[key].won], [s?.pipeline ?? 0, s?.won ?? 0], `${what} win rate ${key}`);
  }
  report.velocity.forEach((v, i) => {
    const s = sql.velocity[i];
    assert.equal(v.started, s.started, `${what} velocity ${v.from}>${v.to} started`);
    assert.equal(v.reached.count, s.reached.c, `${what} velocity ${v.from}>${v.to} reached`);
    near(v.reached.medianMs, s.reached.p50, `${what} velocity ${v.from}>${v.to} median`);
    near(v.reached.p90Ms, s.reached.p90, `${what} velocity ${v.from}>${v.to} p90`);
    assert.equal(v.histogram.reduce((n, b) => n + b.count, 0), s.reached.c, `${what} velocity histogram`);
  });
}

test("reports agree with DuckDB computing the same numbers in SQL from the timelines", async () => {
  const sql = await oracle();
  const whole = state.reports(OPTIONS);
  assert.equal(whole.groups.length, 1);
  assert.ok(whole.groups[0].funnel.some((f) => f.converted > 0 && f.dwell.count > 0), "the history converts");
  assert.ok(whole.groups[0].funnel.some((f) => f.skipped > 0) && whole.groups[0].funnel.some((f) => f.regressions > 0));
  assert.ok(whole.groups[0].funnel.some((f) => f.breaches > 0 && f.stuck > 0));
  const { backtest } = whole.groups[0];
  assert.ok(backtest.actual.wins > 0 && backtest.wins.expected > 0 && backtest.wins.low <= backtest.wins.high);
  const wonBy = whole.groups[0].attribution.filter((a) => a.stage === "customer");
  assert.ok(wonBy.length > 0 && wonBy.every((a) => a.wonAmount > 0), "won accounts carry their amounts");
  compare(whole.groups[0], sql.get(undefined), "all");
  const grouped = state.reports({ ...OPTIONS, groupBy: "segment" });
  assert.deepEqual(grouped.groups.map((g) => g.group), ["ent", "mid", "smb"]);
  for (const g of grouped.groups) compare(g, sql.get(g.group), g.group);
});

test("revenue retention agrees with DuckDB rebuilding each account's revenue from the events", async () => {
  const sql = await oracle();
  const options = { ...OPTIONS, ...RETENTION };
  const kept = state.reports(options).groups[0].accountMetrics.retention;
  assert.ok(kept.accounts > 0 && kept.expansion > 0 && kept.contraction > 0 && kept.churned > 0, "revenue moves every way");
  const check = (group, what) => {
    const { net, gross, ...retention } = group.accountMetrics.retention;
    const r = sql.get(group.group ?? undefined).retention;
    assert.deepEqual(retention, r, `${what} retention`);
    assert.equal(net, r.starting ? r.ending / r.starting : null, `${what} net retention`);
    assert.equal(gross, r.starting ? (r.starting - r.contraction - r.churned) / r.starting : null, `${what} gross retention`);
  };
  check(state.reports(options).groups[0], "all");
  for (const g of state.reports({ ...options, groupBy: "segment" }).groups) check(g, g.group);
});

test("partials of shards merge into the reports of all accounts, exactly", () => {
  const lines = history.lines.trim().split("\n");
  const shard = (l) => Number(l.match(/acct-(\d+)/)[1]) % 4;
  const partials = [0, 1, 2, 3].map((k) =>
    journey.reports(lines.filter((l) => shard(l) === k).join("\n"), { ...OPTIONS, groupBy: "segment", partial: true }));
  assert.ok(partials.every((p) => p instanceof Uint8Array));
  const whole = state.reports({ ...OPTIONS, groupBy: "segment" });
  assert.deepEqual(mergeReports(partials), whole);
  const twoSteps = mergeReports([mergeReports(partials.slice(0, 2), { partial: true }), ...partials.slice(2)]);
  assert.deepEqual(twoSteps, whole);
});

test("bad options and damaged partials are JourneyErrors with a path", () => {
  const bad = [
    [{ ...OPTIONS, cohort: "year" }, "/cohort"], [{ ...OPTIONS, groupBy: "region" }, "/groupBy"],
    [{ ...OPTIONS, followUp: ["soon"] }, "/followUp"], [{ ...OPTIONS, velocity: [["mqa", "nowhere"]] }, "/velocity"],
    [{ ...OPTIONS, from: "2026-13-01" }, "/from"], [{ ...OPTIONS, from: "2026-11-01", to: "2026-10-01" }, "/from"],
    [{ cohort: "month" }, "/asOf"],
  ];
  for (const [options, path] of bad) {
    assert.throws(() => state.reports(options), (e) => e.name === "JourneyError" && e.code === "invalid-argument" && e.path === path,
      JSON.stringify(options));
  }
  const partial = state.reports({ ...OPTIONS, partial: true });
  assert.throws(() => mergeReports([partial, partial.slice(0, 20)]), (e) => e.code === "invalid-argument" && e.path === "/1");
  assert.throws(() => mergeReports([partial, state.reports({ ...OPTIONS, cohort: "week", partial: true })]),
    (e) => e.code === "invalid-argument" && e.path === "/1");
  assert.throws(() => mergeReports([]), (e) => e.code === "invalid-argument");
  assert.throws(() => mergeReports(["x"]), (e) => e.code === "invalid-argument" && e.path === "/0");
  assert.equal(Journey.default().stages().length, 10);
});

test("simulate: what a definition change would change, before it is published", async () => {
  const { simulate } = await import("account-journey");
  const a = journey.definition();
  const b = structuredClone(a);
  b.version = "1.4.0-proposal";
  b.stages.find((s) => s.id === "mqa").entryCriteria = "score.composite > 30";
  const lines = history.lines.trim().split("\n").slice(0, 10000).join("\n");
  const sim = simulate(a, b, lines, { asOf: AS_OF, limit: 5 });
  const stagesOf = (def) => new Map(new Journey(def).replay(lines, { asOf: AS_OF }).accounts.map((t) => [t.account, t.stage]));
  const [sa, sb] = [stagesOf(a), stagesOf(b)];
  const changed = [...sa.keys()].filter((id) => sa.get(id) !== sb.get(id));
  assert.ok(changed.length > 0);
  assert.equal(sim.changed, changed.length);
  assert.equal(sim.accounts, sa.size);
  assert.equal(sim.moves.reduce((n, m) => n + m.count, 0), changed.length);
  assert.deepEqual(sim.examples.map((e) => e.account), changed.slice(0, 5));
  assert.equal(sim.b.version, "1.4.0-proposal");
  const mqa = (r) => r.groups[0].funnel.find((f) => f.stage === "mqa").entered;
  assert.ok(mqa(sim.reportsB) > mqa(sim.reportsA), "a lower threshold lets more accounts into MQA");
  assert.throws(() => simulate(a, { id: 1 }, lines, { asOf: AS_OF }), (e) => e.name === "JourneyError");
  assert.throws(() => simulate(a, b, 42, { asOf: AS_OF }), (e) => e.code === "invalid-argument");
});

test("reportTables: every row as wide as its header, whichever group has rows", async () => {
  const { reportTables } = await import("account-journey");
  const grouped = state.reports({ ...OPTIONS, groupBy: "segment" });
  // A group without cohorts or velocity first (as the null group can be).
  const reports = { ...grouped, groups: [{ ...grouped.groups[0], group: null, cohorts: [], velocity: [] }, ...grouped.groups] };
  for (const [name, rows] of Object.entries(reportTables(reports))) {
    assert.ok(rows.length > 1, `${name} has rows`);
    for (const row of rows) assert.equal(row.length, rows[0].length, `${name}: ${JSON.stringify(row)}`);
  }
});
