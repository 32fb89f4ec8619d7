// The .wasm size budget (docs/benchmarks.md records the measured sizes and the budget's
// history). Prints raw and gzip sizes; fails over budget, so growth is a decision, not a drift.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";

const GZIP_BUDGET_BYTES = 300 * 1024;

for (const file of ["account_journey_bg.wasm", "cjs/account_journey_bg.wasm"]) {
  test(`pkg/${file} is within the size budget`, () => {
    const bytes = readFileSync(new URL(`../../pkg/${file}`, import.meta.url));
    const gzip = gzipSync(bytes, { level: 9 }).length;
    console.log(`pkg/${file}: ${bytes.length} bytes raw, ${gzip} bytes gzip -9 ` +
      `(budget ${GZIP_BUDGET_BYTES} gzip)`);
    assert.ok(gzip <= GZIP_BUDGET_BYTES,
      `${gzip} bytes gzip is over the ${GZIP_BUDGET_BYTES}-byte budget`);
  });
}
