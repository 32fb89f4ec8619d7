// What the runtime tests share: the golden vectors and their byte-for-byte check, and running a
// page in headless Chromium (Debian's, driven by playwright-core) against a static server on
// 127.0.0.1 that nothing else can reach. Used by tests/js/runtimes.test.mjs and
// tests/js/bundler.test.mjs.
import assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startStaticServer } from "./static-server.mjs";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const CHROMIUM = "/usr/bin/chromium";
const CASES = join(ROOT, "tests/golden/cases");

/** The golden vectors: inputs by name, expected bytes by name (null when the file is missing). */
export function loadVectors() {
  const inputs = {};
  const expected = {};
  for (const file of readdirSync(CASES).sort()) {
    if (!file.endsWith(".input.json")) continue;
    const name = file.slice(0, -".input.json".length);
    inputs[name] = JSON.parse(readFileSync(join(CASES, file), "utf8"));
    const expectedFile = join(CASES, `${name}.expected.json`);
    expected[name] = existsSync(expectedFile) ? readFileSync(expectedFile) : null;
  }
  return { inputs, expected, names: Object.keys(inputs).sort(), inputsJson: JSON.stringify(inputs) };
}

/** Asserts `outputs` equal the expected files byte for byte, every problem in one message. */
export function checkOutputs(label, outputs, { inputs, expected, names }) {
  assert.ok(
    outputs && typeof outputs === "object" && !Array.isArray(outputs),
    `${label}: expected an object of outputs, got ${JSON.stringify(outputs)?.slice(0, 200)}`,
  );
  const problems = [];
  const missing = names.filter((n) => !Object.hasOwn(outputs, n));
  const extra = Object.keys(outputs).filter((n) => !Object.hasOwn(inputs, n)).sort();
  if (missing.length) problems.push(`missing outputs: ${missing.join(", ")}`);
  if (extra.length) problems.push(`unexpected outputs: ${extra.join(", ")}`);
  for (const name of names) {
    if (!Object.hasOwn(outputs, name)) continue;
    const want = expected[name];
    if (want === null) {
      problems.push(`${name}: tests/golden/cases/${name}.expected.json does not exist`);
      continue;
    }
    const actual = outputs[name];
    if (typeof actual !== "string") {
      problems.push(`${name}: output is not a string: ${JSON.stringify(actual)}`);
      continue;
    }
    if (!Buffer.from(`${actual}\n`, "utf8").equals(want)) {
      problems.push(
        `${name} differs from tests/golden/cases/${name}.expected.json\n` +
          `    actual:   ${JSON.stringify(`${actual}\n`)}\n` +
          `    expected: ${JSON.stringify(want.toString("utf8"))}`,
      );
    }
  }
  if (problems.length) {
    assert.fail(`${label}: ${problems.length} problem(s) with the golden vectors\n  ${problems.join("\n  ")}`);
  }
}

const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/**
 * Serves `root` (only paths under `prefixes`, plus the vector inputs at /__inputs.json) on
 * 127.0.0.1, opens `path` in headless Chromium and waits until the page sets window.__results
 * or window.__error. Returns the results with what happened on the way (requests, console);
 * the browser and server are always closed. A page error fails with everything seen.
 */
export async function runPage({ label, root, prefixes, path, inputsJson }) {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium (Debian package chromium) is missing: ${CHROMIUM} does not exist. ` +
      "Run the project's setup, `bash scripts/setup.sh test`.");
  }
  let chromium;
  try {
    ({ chromium } = await import("playwright-core"));
  } catch (e) {
    throw new Error(`playwright-core is missing (a root devDependency; run scripts/setup.sh): ${e.message}`);
  }
  const server = await startStaticServer({
    root,
    prefixes,
    virtual: { "/__inputs.json": { body: inputsJson, type: "application/json; charset=utf-8" } },
  });
  let browser;
  const consoleLines = [];
  const diagnostics = () =>
    `\n--- console\n${consoleLines.join("\n")}\n--- requests\n${server.requests.join("\n")}`;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, timeout: 20_000, args: CHROMIUM_FLAGS });
    const context = await browser.newContext();
    // Nothing leaves 127.0.0.1.
    await context.route("**/*", (route) => {
      const { hostname } = new URL(route.request().url());
      return hostname === "127.0.0.1" ? route.continue() : route.abort();
    });
    const page = await context.newPage();
    page.on("console", (m) => consoleLines.push(`${m.type()}: ${m.text()}`));
    page.on("pageerror", (e) => consoleLines.push(`pageerror: ${e.message}`));
    page.on("requestfailed", (r) => consoleLines.push(`requestfailed: ${r.url()} ${r.failure()?.errorText}`));
    await page.goto(`${server.url}${path}`, { timeout: 15_000 });
    try {
      await page.waitForFunction(() => window.__results !== undefined || window.__error !== undefined, null, {
        timeout: 15_000,
      });
    } catch (e) {
      assert.fail(`${label}: the page produced neither window.__results nor window.__error: ${e.message}${diagnostics()}`);
    }
    const { results, error } = await page.evaluate(() => ({ results: window.__results, error: window.__error }));
    assert.equal(error, undefined, `${label}: window.__error is set${diagnostics()}`);
    return { outputs: results, requests: [...server.requests], consoleLines: [...consoleLines], diagnostics };
  } finally {
    if (browser) await browser.close().catch(() => {});
    await server.close();
  }
}
