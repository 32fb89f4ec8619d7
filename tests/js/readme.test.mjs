// Every ```js block of the README runs against the built package (blocks marked `js ignore`
// need another runtime and are run by the runtime matrix instead). Each console.log line states
// its expected output in a `// …` comment at the end of the line, or in the comment lines right
// below it (one per printed line), and the block's real output must match line for line — so
// the README cannot drift from the API.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { join } from "node:path";

const root = new URL("../../", import.meta.url);
const readme = readFileSync(new URL("README.md", root), "utf8");
const blocks = [...readme.matchAll(/^```js\n([\s\S]*?)^```$/gm)].map((m) => m[1]);

function expectedOutput(code) {
  const lines = code.split("\n");
  const expected = [];
  lines.forEach((line, i) => {
    if (!line.includes("console.log(")) return;
    const inline = line.match(/;\s*\/\/ (.*)$/);
    if (inline) return void expected.push(inline[1]);
    // Otherwise the comment lines right below it, one per printed line (a loop prints several).
    const below = [];
    for (let j = i + 1; lines[j]?.match(/^\s*\/\/ /); j++) below.push(lines[j].replace(/^\s*\/\/ /, ""));
    assert.ok(below.length > 0, `README: state the expected output of: ${line.trim()}`);
    expected.push(...below);
  });
  return expected;
}

test("the README has runnable JS examples", () => {
  assert.ok(blocks.length >= 4, `found ${blocks.length} js blocks`);
});

blocks.forEach((code, i) => {
  test(`README js example ${i + 1} runs and prints what it says`, () => {
    const dir = mkdtempSync(join(new URL("node_modules/", root).pathname, ".readme-"));
    try {
      const commonjs = /\brequire\(/.test(code);
      const file = join(dir, commonjs ? "snippet.cjs" : "snippet.mjs");
      writeFileSync(file, code);
      const out = execFileSync(process.execPath, [file], { encoding: "utf8", timeout: 30_000 });
      assert.deepEqual(out.trimEnd().split("\n"), expectedOutput(code));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
