// The package through a bundler: tests/bundler (index.html + main.mjs, which imports
// "account-journey" by its bare name) is built with Vite's JS API, the way an application using
// the npm package would be, and the bundle is run in headless Chromium; every golden vector's
// output must equal tests/golden/cases/NAME.expected.json byte for byte.
//
//   node --test tests/js/bundler.test.mjs        (from the repo root, after scripts/build-pkg.sh)
//
// What this proves beyond the import-map run in runtimes.test.mjs:
// - Vite resolves the bare name through node_modules/account-journey (-> ../pkg) and picks the
//   exports map's "browser" entry (pkg/browser.mjs), not the node/deno/bun/workerd ones;
// - the package's top-level await survives the build (build.target es2022), without warnings;
// - new URL("./account_journey_bg.wasm", import.meta.url) is rewritten to an emitted, hashed
//   .wasm asset (byte-identical to pkg's), which the page then fetches as application/wasm.
//
// Nothing here uses the network beyond 127.0.0.1. A missing tool (vite, playwright-core,
// Chromium) is a failure, not a skip: the project's setup installs all of them.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import {
  existsSync,
  lstatSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  symlinkSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { ROOT, checkOutputs as checkVectors, loadVectors, runPage } from "../runtime/harness.mjs";

const PKG = join(ROOT, "pkg");
const APP = join(ROOT, "tests/bundler");
const LINK = join(ROOT, "node_modules/account-journey");
const LINK_TARGET = "../pkg"; // what scripts/build-pkg.sh creates

const TEST_TIMEOUT_MS = 40_000;

// ---------------------------------------------------------------------------------------------
// Vectors

const VECTORS = loadVectors();
const { names: NAMES, inputsJson: INPUTS_JSON } = VECTORS;
const checkOutputs = (label, outputs) => checkVectors(label, outputs, VECTORS);

// ---------------------------------------------------------------------------------------------
// Setup and teardown

let tmp; // fresh temp dir: Vite's outDir and cacheDir
let outDir;
let built = null; // { files, wasmAssets } once the build test has passed
/** Imports an npm package, turning its absence into a failure that says what to do. */
async function need(name, why) {
  try {
    return await import(name);
  } catch (e) {
    throw new Error(
      `${name} is missing (${why}; a root devDependency): run \`npm ci --ignore-scripts\` ` +
        `or \`bash scripts/setup.sh test\`.\n  ${e.message}`,
    );
  }
}

before(() => {
  if (!existsSync(join(PKG, "package.json"))) {
    throw new Error(`pkg/ is not built (${join(PKG, "package.json")} is missing): run scripts/build-pkg.sh`);
  }
  assert.ok(NAMES.length > 0, "no vectors found in tests/golden/cases");
  // node_modules/account-journey -> ../pkg is made by scripts/build-pkg.sh, but every
  // `npm ci` / `npm install` removes it (it is not in package-lock.json), so it is restored here
  // exactly as build-pkg.sh makes it. Anything else at that path is left alone and reported.
  let stat = null;
  try {
    stat = lstatSync(LINK);
  } catch {}
  if (stat === null) {
    symlinkSync(LINK_TARGET, LINK, "dir");
  } else if (!stat.isSymbolicLink() || readlinkSync(LINK) !== LINK_TARGET) {
    throw new Error(
      `${LINK} should be a symlink to ${LINK_TARGET} (as scripts/build-pkg.sh makes it), ` +
        `found ${stat.isSymbolicLink() ? `a symlink to ${readlinkSync(LINK)}` : "something else"}`,
    );
  }
  tmp = mkdtempSync(join(tmpdir(), "account-journey-bundler-"));
  outDir = join(tmp, "dist");
});

after(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** Every file under dir, as POSIX paths relative to dir. */
function listFiles(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => relative(dir, join(d.parentPath ?? d.path, d.name)).split(sep).join("/"))
    .sort();
}

// ---------------------------------------------------------------------------------------------
// Build

test("Vite builds tests/bundler: browser entry, top-level await, .wasm emitted as a hashed asset", { timeout: TEST_TIMEOUT_MS }, async () => {
  const vite = await need("vite", "the bundler under test");
  const warnings = [];
  const logger = vite.createLogger("warn", { allowClearScreen: false });
  const customLogger = {
    ...logger,
    warn(msg, options) {
      warnings.push(msg);
      logger.warn(msg, options);
    },
    warnOnce(msg, options) {
      warnings.push(msg);
      logger.warnOnce(msg, options);
    },
  };

  const started = Date.now();
  let result;
  try {
    result = await vite.build({
      configFile: false, // everything is said here
      envDir: false, // no .env files
      root: APP,
      base: "/",
      publicDir: false,
      cacheDir: join(tmp, "vite-cache"),
      logLevel: "warn",
      customLogger,
      mode: "production",
      // resolve: Vite's defaults for a browser app (conditions module, browser, production;
      // symlinks followed), as an application would have them: checked below.
      build: {
        outDir,
        emptyOutDir: true,
        // Keeps the package's top-level await. With an older target Vite 8 (Rolldown) still
        // builds but warns "[TOLERATED_TRANSFORM] Top-level await is not available in the
        // configured target environment." (esbuild-based Vite 7 fails): caught below.
        target: "es2022",
        write: true,
        sourcemap: false,
        reportCompressedSize: false,
        copyPublicDir: false,
      },
    });
  } catch (e) {
    assert.fail(`vite build failed: ${e.stack || e}\n--- warnings\n${warnings.join("\n")}`);
  }
  const buildMs = Date.now() - started;

  const outputs = (Array.isArray(result) ? result : [result]).flatMap((r) => r.output);
  const files = listFiles(outDir);
  const diagnostics = `\n--- emitted files\n${files.join("\n")}\n--- vite warnings\n${warnings.join("\n")}`;

  // The bare name resolved to the exports map's "browser" entry (Vite follows the symlink to
  // pkg/; with resolve.preserveSymlinks it would be node_modules/account-journey/).
  const moduleIds = outputs.filter((o) => o.type === "chunk").flatMap((c) => c.moduleIds ?? Object.keys(c.modules));
  const fromPkg = moduleIds
    .filter((id) => id.startsWith(PKG + sep) || id.startsWith(`${LINK}${sep}`))
    .map((id) => relative(ROOT, id).split(sep).join("/"))
    .sort();
  assert.ok(
    fromPkg.includes("pkg/browser.mjs") || fromPkg.includes("node_modules/account-journey/browser.mjs"),
    `"account-journey" did not resolve to the exports map's "browser" entry; package modules bundled: ${JSON.stringify(fromPkg)}${diagnostics}`,
  );
  for (const wrong of ["node.mjs", "workerd.mjs", "cjs/account_journey.js"]) {
    assert.ok(
      !fromPkg.some((id) => id.endsWith(`/${wrong}`)),
      `the bundle contains the package's ${wrong} (not for browsers): ${JSON.stringify(fromPkg)}${diagnostics}`,
    );
  }

  // A clean build: no warning about the package (top-level await, import.meta.url, exports).
  assert.deepEqual(warnings, [], `vite build printed warnings${diagnostics}`);

  // The .wasm is a separate, hashed asset, byte-identical to the package's, not inlined.
  const wasmAssets = files.filter((f) => f.endsWith(".wasm"));
  assert.ok(wasmAssets.length === 1, `expected exactly one .wasm in the output, found ${wasmAssets.length}${diagnostics}`);
  const [wasm] = wasmAssets;
  assert.match(
    wasm,
    /^assets\/account_journey_bg-[A-Za-z0-9_-]{6,}\.wasm$/,
    `the .wasm asset has no content hash in its name: ${wasm}${diagnostics}`,
  );
  assert.ok(
    readFileSync(join(outDir, wasm)).equals(readFileSync(join(PKG, "account_journey_bg.wasm"))),
    `${wasm} is not byte-identical to pkg/account_journey_bg.wasm${diagnostics}`,
  );
  const jsFiles = files.filter((f) => f.endsWith(".js"));
  assert.ok(jsFiles.length > 0, `no JavaScript chunk was emitted${diagnostics}`);
  const js = jsFiles.map((f) => readFileSync(join(outDir, f), "utf8")).join("\n");
  assert.ok(!js.includes("data:application/wasm"), `the .wasm was inlined into JavaScript as a data: URL${diagnostics}`);
  assert.ok(js.includes(wasm.slice("assets/".length)), `no JavaScript chunk refers to ${wasm}${diagnostics}`);
  assert.ok(files.includes("index.html"), `index.html was not emitted${diagnostics}`);

  console.log(`vite ${vite.version} built tests/bundler in ${buildMs} ms: ${files.join(", ")}`);
  built = { files, wasm };
});

// ---------------------------------------------------------------------------------------------
// Run in Chromium

test("the Vite bundle runs every golden vector in Chromium, byte for byte", { timeout: TEST_TIMEOUT_MS }, async () => {
  assert.ok(built, "the Vite build failed (see the test above), so there is no bundle to run");
  const { outputs, requests, consoleLines, diagnostics } = await runPage({
    label: "Chromium (Vite bundle)",
    root: outDir,
    prefixes: ["/index.html", "/assets/"],
    path: "/index.html",
    inputsJson: INPUTS_JSON,
  });
  // The page ran the bundle and fetched the emitted .wasm, with a type that allows streaming
  // instantiation (wasm-bindgen falls back, with a console warning, when it does not).
  assert.ok(requests.includes(`200 GET /${built.wasm}`), `Chromium: the emitted /${built.wasm} was not fetched${diagnostics()}`);
  assert.ok(
    !requests.some((r) => !r.startsWith("200 ") && !r.endsWith(" /favicon.ico")),
    `Chromium: a request of the bundle failed${diagnostics()}`,
  );
  assert.ok(
    !consoleLines.some((l) => /instantiateStreaming|MIME|pageerror/i.test(l)),
    `Chromium: errors while loading the bundle${diagnostics()}`,
  );
  checkOutputs("Chromium (Vite bundle)", outputs);
});
