// Cold start in Node: the time from importing the package in a fresh process to having the
// default journey compiled, split into instantiate (import: read + compile + instantiate the
// .wasm) and compile (Journey.default(): parse, validate and compile the embedded definition).
// Each run is a new `node` process, so nothing is warm; figures are medians over the runs.
//
//   node benches/cold-start.mjs [runs=31]      (after bash scripts/build-pkg.sh)
import { execFileSync } from "node:child_process";

import { gzipSync } from "node:zlib";
import { readFileSync } from "node:fs";
import os from "node:os";

const runs = Number(process.argv[2] ?? 31);
// Two views, each from a fresh process:
// - engine: read the .wasm, compile it (new WebAssembly.Module), instantiate it (initSync),
//   compile the default journey. This is the engine's own cold start, what the budget is for.
// - package: import("account-journey") through Node's module loader, then the default journey:
//   what a user's script sees, Node's ESM loader start-up (a few ms for any first import) included.
const child = `
  const { readFileSync } = await import("node:fs");
  const glue = await import("./pkg/account_journey.js");
  const t0 = performance.now();
  const bytes = readFileSync("pkg/account_journey_bg.wasm");
  const t1 = performance.now();
  const module = new WebAssembly.Module(bytes);
  const t2 = performance.now();
  glue.initSync({ module });
  const t3 = performance.now();
  const j = glue.Journey.default();
  const t4 = performance.now();
  if (j.stages().length !== 10) throw new Error("unexpected default journey");
  const t5 = performance.now();
  for (let i = 0; i < 200; i++) glue.Journey.default().free();
  const t6 = performance.now();
  console.log(JSON.stringify({ read: t1 - t0, compile: t2 - t1, instantiate: t3 - t2,
    compileDefault: t4 - t3, warmCompileDefault: (t6 - t5) / 200 }));
`;
const packageChild = `
  const t0 = performance.now();
  const m = await import("account-journey");
  const j = m.Journey.default();
  console.log(JSON.stringify({ total: performance.now() - t0 }));
`;
const spawn = (code) => JSON.parse(execFileSync(process.execPath, ["--input-type=module", "-e", code], {
  cwd: new URL("../", import.meta.url), encoding: "utf8",
}));
const samples = [];
const packageSamples = [];
for (let i = 0; i < runs; i++) {
  samples.push(spawn(child));
  packageSamples.push(spawn(packageChild));
}
const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x) => `${x.toFixed(3)} ms`;
const wasm = readFileSync(new URL("../pkg/account_journey_bg.wasm", import.meta.url));
console.log(`cold start, Node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model}, ${runs} fresh processes`);
console.log(`  .wasm size            ${wasm.length} bytes raw, ${gzipSync(wasm, { level: 9 }).length} gzip`);
const row = (label, xs) => console.log(`  ${label.padEnd(34)} median ${ms(median(xs))}`);
row("read .wasm", samples.map((s) => s.read));
row("compile (new WebAssembly.Module)", samples.map((s) => s.compile));
row("instantiate (initSync)", samples.map((s) => s.instantiate));
row("compile the default journey", samples.map((s) => s.compileDefault));
row("engine cold start (sum of the above)", samples.map((s) => s.read + s.compile + s.instantiate + s.compileDefault));
row("default journey, warm", samples.map((s) => s.warmCompileDefault));
row("import package + default journey", packageSamples.map((s) => s.total));
