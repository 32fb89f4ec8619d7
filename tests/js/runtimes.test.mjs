// The runtime matrix: every golden vector (tests/golden/cases) run through the built npm package
// (pkg/) in Node (import), Node (require), Deno, Bun, workerd and headless Chromium, each output
// compared byte for byte with its NAME.expected.json, and the output sets compared across
// runtimes.
//
//   node --test tests/js/runtimes.test.mjs        (from the repo root, after scripts/build-pkg.sh)
//
// How each runtime gets the package:
// - Node import, Node require, Deno, Bun: child processes (tests/runtime/run.mjs, run.cjs) that
//   import the bare name "account-journey", resolved through the symlink
//   tests/runtime/node_modules/account-journey -> ../../../pkg created here, so pkg/package.json's
//   exports map is used for real; each runner reports the file it resolved to, checked below.
//   Deno resolves bare names from node_modules with --node-modules-dir=manual (no network).
// - workerd: tests/runtime/worker.mjs in a generated config where the module NAMED
//   "account-journey" is pkg/workerd.mjs (what a bundler picks with the "workerd" condition).
// - Chromium: tests/runtime/browser.html with an import map "account-journey" -> /pkg/browser.mjs,
//   served by a static server on 127.0.0.1.
//
// Nothing here uses the network beyond 127.0.0.1. A missing runtime is a failure, not a skip:
// the project's setup installs all of them.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { ROOT, checkOutputs as checkVectors, loadVectors, runPage } from "../runtime/harness.mjs";

const PKG = join(ROOT, "pkg");
const RUNTIME = join(ROOT, "tests/runtime");
const BIN = join(ROOT, "node_modules/.bin");
const LINK = join(RUNTIME, "node_modules/account-journey");
const LINK_TARGET = "../../../pkg";

const CHILD_TIMEOUT_MS = 20_000;
const TEST_TIMEOUT_MS = 40_000;

// ---------------------------------------------------------------------------------------------
// Vectors

const VECTORS = loadVectors();
const { inputs: INPUTS, names: NAMES, inputsJson: INPUTS_JSON } = VECTORS;

/** Runtime label → { name: output JSON string }, filled by each runtime's test. */
const results = new Map();
const RUNTIMES = ["node-esm", "node-cjs", "deno", "bun", "workerd", "chromium"];

/** Asserts one runtime's outputs equal the expected files byte for byte, and records them. */
function checkOutputs(runtime, outputs) {
  if (outputs && typeof outputs === "object") results.set(runtime, outputs);
  checkVectors(runtime, outputs, VECTORS);
}

// ---------------------------------------------------------------------------------------------
// Setup and teardown

let tmp;
let inputsFile;
const children = new Set(); // live child processes, killed in after() whatever happened
const closers = []; // servers and browsers still open

function forget(close) {
  const i = closers.indexOf(close);
  if (i >= 0) closers.splice(i, 1);
}

function requireFile(path, what) {
  if (!existsSync(path)) {
    throw new Error(`${what} is missing: ${path} does not exist. ` +
      "Run the project's setup, `bash scripts/setup.sh test`, which installs every runtime of the matrix.");
  }
}

before(() => {
  if (!existsSync(join(PKG, "package.json"))) {
    throw new Error(`pkg/ is not built (${join(PKG, "package.json")} is missing): run scripts/build-pkg.sh`);
  }
  assert.ok(NAMES.length > 0, "no vectors found in tests/golden/cases");
  // The symlink that makes "account-journey" resolvable from tests/runtime/ (gitignored).
  mkdirSync(join(RUNTIME, "node_modules"), { recursive: true });
  let ok = false;
  try {
    ok = lstatSync(LINK).isSymbolicLink() && readlinkSync(LINK) === LINK_TARGET;
  } catch {}
  if (!ok) {
    rmSync(LINK, { recursive: true, force: true });
    symlinkSync(LINK_TARGET, LINK, "dir");
  }
  tmp = mkdtempSync(join(tmpdir(), "account-journey-runtimes-"));
  inputsFile = join(tmp, "inputs.json");
  writeFileSync(inputsFile, INPUTS_JSON);
});

after(async () => {
  for (const child of children) kill(child, "SIGKILL");
  await Promise.allSettled(closers.splice(0).map((close) => close()));
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

function kill(child, signal = "SIGTERM") {
  if (child.exitCode === null && child.signalCode === null) {
    try {
      child.kill(signal);
    } catch {}
  }
}
// Last resort if the test process ends without running after() (e.g. an uncaught error).
process.on("exit", () => {
  for (const child of children) kill(child, "SIGKILL");
});

// ---------------------------------------------------------------------------------------------
// Child processes (Node, Deno, Bun)

/** Runs a command to completion; resolves { stdout, stderr } or rejects with both in the message. */
function run(command, args, { env = {}, timeout = CHILD_TIMEOUT_MS } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.add(child);
    const out = [];
    const err = [];
    child.stdout.on("data", (b) => out.push(b));
    child.stderr.on("data", (b) => err.push(b));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      kill(child, "SIGKILL");
    }, timeout);
    child.on("error", (e) => {
      clearTimeout(timer);
      children.delete(child);
      reject(new Error(`cannot start ${command}: ${e.message}`));
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      children.delete(child);
      const stdout = Buffer.concat(out).toString("utf8");
      const stderr = Buffer.concat(err).toString("utf8");
      if (code === 0 && !timedOut) return resolve({ stdout, stderr });
      const why = timedOut ? `timed out after ${timeout} ms` : `exited with ${signal ?? `code ${code}`}`;
      reject(new Error(`${command} ${args.join(" ")} ${why}\n--- stderr\n${stderr}\n--- stdout\n${stdout.slice(0, 2000)}`));
    });
  });
}

/** Runs a runner script, checks which package entry it resolved, and returns its outputs. */
async function runRunner(runtime, command, args, expectedEntry, env) {
  const { stdout, stderr } = await run(command, args, { env });
  const entry = /^account-journey resolved to (\S+)$/m.exec(stderr)?.[1];
  assert.equal(
    entry,
    pathToFileURL(join(PKG, expectedEntry)).href,
    `${runtime}: "account-journey" should resolve to pkg/${expectedEntry}\n--- stderr\n${stderr}`,
  );
  let outputs;
  try {
    outputs = JSON.parse(stdout);
  } catch (e) {
    assert.fail(`${runtime}: stdout is not JSON (${e.message})\n--- stdout\n${stdout.slice(0, 2000)}\n--- stderr\n${stderr}`);
  }
  return outputs;
}

test("Node (import): exports map node+import -> pkg/node.mjs", { timeout: TEST_TIMEOUT_MS }, async () => {
  const outputs = await runRunner("node-esm", process.execPath, [join(RUNTIME, "run.mjs"), inputsFile], "node.mjs");
  checkOutputs("node-esm", outputs);
});

test("Node (require): exports map node+require -> pkg/cjs/account_journey.js", { timeout: TEST_TIMEOUT_MS }, async () => {
  const outputs = await runRunner(
    "node-cjs",
    process.execPath,
    [join(RUNTIME, "run.cjs"), inputsFile],
    "cjs/account_journey.js",
  );
  checkOutputs("node-cjs", outputs);
});

test("Deno: exports map deno -> pkg/node.mjs", { timeout: TEST_TIMEOUT_MS }, async () => {
  const deno = join(BIN, "deno");
  requireFile(deno, "Deno (npm package deno)");
  const args = [
    "run",
    "--no-config", // no deno.json / package.json discovery: the flags below say everything
    "--node-modules-dir=manual", // resolve bare names from node_modules, never from the registry
    "--cached-only", // fail rather than download anything
    "--no-lock",
    "--no-prompt",
    `--allow-read=${ROOT},${tmp}`,
    join(RUNTIME, "run.mjs"),
    inputsFile,
  ];
  const env = { DENO_DIR: join(tmp, "deno-dir"), DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" };
  const outputs = await runRunner("deno", deno, args, "node.mjs", env);
  checkOutputs("deno", outputs);
});

test("Bun: exports map bun -> pkg/node.mjs", { timeout: TEST_TIMEOUT_MS }, async () => {
  const bun = join(BIN, "bun");
  requireFile(bun, "Bun (npm package bun)");
  const env = { DO_NOT_TRACK: "1", NO_COLOR: "1", BUN_INSTALL_CACHE_DIR: join(tmp, "bun-cache") };
  const outputs = await runRunner("bun", bun, ["--no-install", join(RUNTIME, "run.mjs"), inputsFile], "node.mjs", env);
  checkOutputs("bun", outputs);
});

// ---------------------------------------------------------------------------------------------
// workerd

/** A port that was free a moment ago on 127.0.0.1. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The compatibility date of the installed workerd (its version is its build date). */
async function workerdDate(workerd) {
  const { stdout } = await run(workerd, ["--version"], { timeout: 10_000 });
  const date = /\b(\d{4}-\d{2}-\d{2})\b/.exec(stdout)?.[1];
  assert.ok(date, `cannot read a date from \`workerd --version\`: ${JSON.stringify(stdout)}`);
  return date;
}

function workerdConfig(port, compatibilityDate) {
  return `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [ (name = "main", worker = .vectorsWorker) ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);

const vectorsWorker :Workerd.Worker = (
  modules = [
    (name = "worker.mjs", esModule = embed "worker.mjs"),
    (name = "account-journey", esModule = embed "account-journey.mjs"),
    (name = "account_journey.js", esModule = embed "account_journey.js"),
    (name = "account_journey_bg.wasm", wasm = embed "account_journey_bg.wasm"),
    (name = "vectors.mjs", esModule = embed "vectors.mjs"),
  ],
  compatibilityDate = "${compatibilityDate}",
);
`;
}

/** Starts workerd on a free port and waits until it answers; resolves { url, log(), stop() }. */
async function startWorkerd(workerd, dir, compatibilityDate) {
  let lastError;
  for (let attempt = 1; attempt <= 3; attempt++) {
    const port = await freePort();
    const configFile = join(dir, "config.capnp");
    writeFileSync(configFile, workerdConfig(port, compatibilityDate));
    const child = spawn(workerd, ["serve", configFile, "--verbose"], {
      cwd: dir,
      env: { ...process.env, PWD: dir },
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.add(child);
    const logs = [];
    child.stdout.on("data", (b) => logs.push(b));
    child.stderr.on("data", (b) => logs.push(b));
    const exited = new Promise((resolve) => {
      child.on("error", (e) => resolve(`failed to start: ${e.message}`));
      child.on("exit", (code, signal) => resolve(`exited with ${signal ?? `code ${code}`}`));
    });
    let exitReason = null;
    exited.then((reason) => (exitReason = reason));
    const log = () => Buffer.concat(logs).toString("utf8");
    const stop = async () => {
      kill(child, "SIGTERM");
      const done = await Promise.race([exited.then(() => true), sleep(3000).then(() => false)]);
      if (!done) {
        kill(child, "SIGKILL");
        await exited;
      }
      children.delete(child);
    };
    const url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 15_000;
    while (exitReason === null && Date.now() < deadline) {
      try {
        const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) });
        if (res.ok && (await res.text()) === "ok") return { url, log, stop };
      } catch {}
      await sleep(50);
    }
    await stop();
    lastError = new Error(
      `workerd (attempt ${attempt}, port ${port}) ${exitReason ?? "did not answer /health within 15 s"}\n--- workerd log\n${log()}`,
    );
    if (exitReason === null || !/address already in use|EADDRINUSE/i.test(log())) break;
  }
  throw lastError;
}

test("workerd: module \"account-journey\" = pkg/workerd.mjs (exports map workerd)", { timeout: TEST_TIMEOUT_MS }, async () => {
  // The native binary itself, as the package exports it: node_modules/.bin/workerd may be a JS
  // launcher (when npm skipped workerd's postinstall), and killing a launcher leaves the real
  // server running, holding this test process open.
  requireFile(join(ROOT, "node_modules/workerd/package.json"), "workerd (npm package workerd)");
  const workerd = createRequire(join(ROOT, "package.json"))("workerd").default;
  requireFile(workerd, "workerd's native binary (npm package @cloudflare/workerd-linux-64)");
  const dir = join(tmp, "workerd");
  mkdirSync(dir);
  // capnp `embed` paths are relative to the config file, so the modules are copied next to it.
  copyFileSync(join(RUNTIME, "worker.mjs"), join(dir, "worker.mjs"));
  copyFileSync(join(RUNTIME, "vectors.mjs"), join(dir, "vectors.mjs"));
  copyFileSync(join(PKG, "workerd.mjs"), join(dir, "account-journey.mjs"));
  copyFileSync(join(PKG, "account_journey.js"), join(dir, "account_journey.js"));
  copyFileSync(join(PKG, "account_journey_bg.wasm"), join(dir, "account_journey_bg.wasm"));

  const server = await startWorkerd(workerd, dir, await workerdDate(workerd));
  closers.push(server.stop);
  try {
    const res = await fetch(server.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: INPUTS_JSON,
      signal: AbortSignal.timeout(15_000),
    });
    const body = await res.text();
    assert.equal(res.status, 200, `workerd answered HTTP ${res.status}: ${body}\n--- workerd log\n${server.log()}`);
    checkOutputs("workerd", JSON.parse(body));
  } finally {
    await server.stop();
    forget(server.stop);
  }
});

// ---------------------------------------------------------------------------------------------
// Chromium

test("Chromium: import map \"account-journey\" -> /pkg/browser.mjs (exports map browser)", { timeout: TEST_TIMEOUT_MS }, async () => {
  const { outputs, requests, consoleLines, diagnostics } = await runPage({
    label: "Chromium",
    root: ROOT,
    prefixes: ["/pkg/", "/tests/runtime/"],
    path: "/tests/runtime/browser.html",
    inputsJson: INPUTS_JSON,
  });
  // The package was loaded through the import map, and the wasm streamed with the right type
  // (wasm-bindgen falls back to a slower path, with a console warning, when it is not).
  assert.ok(requests.includes("200 GET /pkg/browser.mjs"), `Chromium: /pkg/browser.mjs not loaded${diagnostics()}`);
  assert.ok(
    requests.includes("200 GET /pkg/account_journey_bg.wasm"),
    `Chromium: the .wasm was not fetched${diagnostics()}`,
  );
  assert.ok(
    !consoleLines.some((l) => /instantiateStreaming|MIME/i.test(l)),
    `Chromium: wasm streaming instantiation failed${diagnostics()}`,
  );
  checkOutputs("chromium", outputs);
});

test("all runtimes produce identical output sets", () => {
  const problems = [];
  const absent = RUNTIMES.filter((r) => !results.has(r));
  if (absent.length) problems.push(`no outputs from: ${absent.join(", ")} (see their failures above)`);
  const present = RUNTIMES.filter((r) => results.has(r));
  const [first, ...rest] = present;
  const reference = results.get(first);
  for (const runtime of rest) {
    const outputs = results.get(runtime);
    const names = [...new Set([...Object.keys(reference), ...Object.keys(outputs)])].sort();
    for (const name of names) {
      if (reference[name] !== outputs[name]) {
        problems.push(
          `${name}: ${runtime} differs from ${first}\n    ${first}: ${JSON.stringify(reference[name])}\n    ${runtime}: ${JSON.stringify(outputs[name])}`,
        );
      }
    }
  }
  if (problems.length) assert.fail(`the runtimes do not agree:\n  ${problems.join("\n  ")}`);
});
