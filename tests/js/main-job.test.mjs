// The README's main job (examples/node/main-job.mjs) on a smaller history: it runs in worker
// shards, prints the funnel, cohort and velocity tables, and writes reports.json and a CSV per
// report whose rows are the JSON's (reportTables). The same seed gives the same reports.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { reportTables } from "account-journey";

const script = new URL("../../examples/node/main-job.mjs", import.meta.url).pathname;
const run = (dir, workers) => execFileSync(process.execPath, [script, "600", "15000", String(workers)],
  { env: { ...process.env, MAIN_JOB_OUT: dir }, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });

test("the main job prints the reports and writes them as JSON and CSV, the same for any number of shards", () => {
  const [one, two] = [mkdtempSync(join(tmpdir(), "aj-main-")), mkdtempSync(join(tmpdir(), "aj-main-"))];
  try {
    const out = run(one, 1);
    for (const title of ["funnel (all of history up to the date)", 'cohorts of "engaged" by month of entry', "velocity (",
      "attribution: the stage entries on the way to won deals"]) {
      assert.ok(out.includes(title), `prints ${title}`);
    }
    assert.match(out, /replayed [\d,]+ events .* over 600 accounts/);
    const retention = (o) => o.split("\n").find((l) => l.startsWith("revenue retention since"));
    assert.match(retention(out), /: \d+ customers then, .* net (\d+\.\d%|—), gross/);
    assert.equal(retention(run(two, 2)), retention(out), "two shards, the same retention");
    const reports = JSON.parse(readFileSync(join(one, "reports.json"), "utf8"));
    assert.deepEqual(JSON.parse(readFileSync(join(two, "reports.json"), "utf8")), reports, "two shards, the same reports");
    const funnel = reports.groups[0].funnel;
    assert.ok(funnel.find((f) => f.stage === "customer").population > 0 && funnel.some((f) => f.skipped > 0));
    const tables = reportTables(reports);
    for (const [name, rows] of Object.entries(tables)) {
      const csv = readFileSync(join(one, `${name}.csv`), "utf8").trimEnd().split("\n");
      assert.equal(csv.length, rows.length, `${name}.csv has a line per row`);
      assert.equal(csv[0], rows[0].join(","), `${name}.csv header`);
    }
    assert.deepEqual(tables.funnel[1].slice(0, 5), [null, "anonymous", funnel[0].population, funnel[0].entered, funnel[0].converted]);
    assert.equal(tables.funnel.length, funnel.length + 1);
  } finally {
    rmSync(one, { recursive: true, force: true });
    rmSync(two, { recursive: true, force: true });
  }
});
