// The TypeScript surface is what most users see: it is committed as a golden file and diffed,
// and a consumer written against it (tests/ts/) must type-check under --strict, through both
// the ESM and the CommonJS conditions of the exports map.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";

const root = new URL("../../", import.meta.url);
const golden = new URL("tests/golden/index.d.ts", root);

test("pkg/index.d.ts matches the committed golden file", () => {
  const actual = readFileSync(new URL("pkg/index.d.ts", root), "utf8");
  if (process.env.UPDATE_GOLDEN) writeFileSync(golden, actual);
  const expected = readFileSync(golden, "utf8");
  assert.equal(actual, expected,
    "the public TS types changed: review, then UPDATE_GOLDEN=1 node --test tests/js/types.test.mjs");
});

test("a TypeScript consumer type-checks against the package (ESM and CJS)", () => {
  const tsc = new URL("node_modules/typescript/bin/tsc", root).pathname;
  try {
    execFileSync(process.execPath, [tsc, "-p", new URL("tests/ts/tsconfig.json", root).pathname],
      { encoding: "utf8", stdio: "pipe" });
  } catch (e) {
    assert.fail(`tsc failed:\n${e.stdout}${e.stderr}`);
  }
});
