// The .wasm size budget (docs/benchmarks.md records the measured sizes and the budget's
// history). Prints raw and gzip sizes; fails over budget, so growth is a decision, not a drift.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";

// What browsers and the edge download: the size build (300 KiB until replay; 320 KiB with it,
// docs/decisions/005-replay.md; 336 KiB with columnar classification,
// docs/decisions/006-columnar-classification.md; 352 KiB since reports,
// docs/decisions/007-reports.md; 360 KiB since compiled looks in replay, 364 KiB since events as columns (docs/benchmarks.md),
// docs/decisions/005-replay.md).
const GZIP_BUDGET_BYTES = 364 * 1024;
// What Node, Deno and Bun load from disk: the speed build (docs/decisions/004-two-wasm-builds.md;
// 432 KiB since reports, docs/decisions/007-reports.md; 440 KiB (446 since events as columns) since replay's compiled event
// evaluation and tree-free event reading, docs/decisions/005-replay.md).
const SERVER_GZIP_BUDGET_BYTES = 446 * 1024;

const budgets = [
  ["account_journey_bg.wasm", GZIP_BUDGET_BYTES],
  ["account_journey_speed_bg.wasm", SERVER_GZIP_BUDGET_BYTES],
  ["cjs/account_journey_bg.wasm", SERVER_GZIP_BUDGET_BYTES],
];
for (const [file, budget] of budgets) {
  test(`pkg/${file} is within the size budget`, () => {
    const bytes = readFileSync(new URL(`../../pkg/${file}`, import.meta.url));
    const gzip = gzipSync(bytes, { level: 9 }).length;
    console.log(`pkg/${file}: ${bytes.length} bytes raw, ${gzip} bytes gzip -9 (budget ${budget} gzip)`);
    assert.ok(gzip <= budget, `${gzip} bytes gzip is over the ${budget}-byte budget`);
  });
}
