// Writes pkg/package.json (the exports map), pkg/cjs/package.json and pkg/index.d.ts, and copies
// the definition JSON Schema into pkg/definition.schema.json.
// Called by scripts/build-pkg.sh after wasm-bindgen has written the glue.
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";

const cargo = readFileSync(new URL("../Cargo.toml", import.meta.url), "utf8");
const field = (name) => cargo.match(new RegExp(`^${name} = "([^"]*)"`, "m"))?.[1];
const pkg = new URL("../pkg/", import.meta.url);

// wasm-bindgen declares `[Symbol.dispose]()` on classes; without this reference a consumer whose
// `lib` predates esnext.disposable (TS >= 5.2 has it) fails to compile our types.
const disposable = '/// <reference lib="esnext.disposable" />\n';
for (const file of ["account_journey.d.ts", "cjs/account_journey.d.ts"]) {
  const url = new URL(file, pkg);
  const text = readFileSync(url, "utf8");
  if (!text.startsWith(disposable)) writeFileSync(url, disposable + text);
}

// The public types: the web glue's declarations without the init functions, which every entry
// but ./web calls itself.
const glue = readFileSync(new URL("account_journey.d.ts", pkg), "utf8");
const cut = glue.indexOf("\nexport type InitInput");
if (cut < 0) throw new Error("pkg-manifest: wasm-bindgen's d.ts no longer has InitInput; update the cut");
writeFileSync(new URL("index.d.ts", pkg), glue.slice(0, cut).trimEnd() + "\n");

// The JSON Schema of journey definitions, for editors ("$schema") and other validators; parsed
// first so a broken schema fails the build instead of shipping.
const schema = new URL("../schema/definition.schema.json", import.meta.url);
JSON.parse(readFileSync(schema, "utf8"));
copyFileSync(schema, new URL("definition.schema.json", pkg));

const manifest = {
  name: "account-journey",
  version: field("version"),
  description: field("description"),
  license: field("license"),
  type: "module",
  exports: {
    // Types sit in each branch, not first: TypeScript takes the first matching "types", and a
    // CommonJS consumer must get the CommonJS declarations.
    ".": {
      workerd: { types: "./index.d.ts", default: "./workerd.mjs" },
      deno: { types: "./index.d.ts", default: "./node.mjs" },
      bun: { types: "./index.d.ts", default: "./node.mjs" },
      node: {
        import: { types: "./index.d.ts", default: "./node.mjs" },
        require: { types: "./cjs/account_journey.d.ts", default: "./cjs/account_journey.js" },
      },
      types: "./index.d.ts",
      default: "./browser.mjs",
    },
    "./web": { types: "./account_journey.d.ts", default: "./account_journey.js" },
    // Replay on every core (Node, Deno and Bun worker threads).
    "./pool": { types: "./pool.d.ts", default: "./pool.mjs" },
    "./account_journey_bg.wasm": "./account_journey_bg.wasm",
    "./account_journey_speed_bg.wasm": "./account_journey_speed_bg.wasm",
    "./definition.schema.json": "./definition.schema.json",
    "./package.json": "./package.json",
  },
  main: "./cjs/account_journey.js",
  module: "./browser.mjs",
  types: "./index.d.ts",
  files: [
    "account_journey.js", "account_journey.d.ts", "account_journey_bg.wasm", "account_journey_speed_bg.wasm",
    "account_journey_bg.wasm.d.ts", "index.d.ts", "node.mjs", "browser.mjs", "workerd.mjs",
    "pool.mjs", "pool-worker.mjs", "pool.d.ts",
    "cjs/", "definition.schema.json", "README.md",
  ],
  sideEffects: ["./node.mjs", "./browser.mjs", "./workerd.mjs", "./cjs/account_journey.js"],
  engines: { node: ">=20" },
  keywords: ["abm", "account-based-marketing", "revops", "journey", "funnel", "wasm"],
};
writeFileSync(new URL("package.json", pkg), JSON.stringify(manifest, null, 2) + "\n");
writeFileSync(new URL("cjs/package.json", pkg), JSON.stringify({ type: "commonjs" }) + "\n");
