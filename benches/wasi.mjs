// Runs benches/criteria.rs inside Node's WebAssembly engine: builds it for wasm32-wasip1 (the
// same program as `cargo bench --bench criteria`, so the figures compare) and runs it with
// node:wasi.   node benches/wasi.mjs
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { WASI } from "node:wasi";

const root = new URL("../", import.meta.url);
execFileSync("rustup", ["target", "add", "wasm32-wasip1"], { stdio: "ignore" });
execFileSync("cargo", ["build", "--quiet", "--release", "--bench", "criteria", "--target", "wasm32-wasip1"],
  { cwd: root, stdio: "inherit" });
const dir = new URL("target/wasm32-wasip1/release/deps/", root);
const file = readdirSync(dir).filter((f) => /^criteria-.*\.wasm$/.test(f)).sort()
  .map((f) => new URL(f, dir)).at(-1);
const wasi = new WASI({ version: "preview1", args: ["criteria"], env: {} });
const module = await WebAssembly.compile(readFileSync(file));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
console.log(`(Node ${process.version})`);
wasi.start(instance);
