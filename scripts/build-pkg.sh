#!/usr/bin/env bash
# Builds pkg/, the one npm package for every JS runtime:
#   account_journey.js + account_journey_bg.wasm   wasm-bindgen --target web (ES module), the
#                                                   size build (browsers, bundlers, workerd)
#   account_journey_speed_bg.wasm                   the same code built for speed (Node, Deno,
#                                                   Bun load it through node.mjs); same glue
#   cjs/account_journey.js + its .wasm              wasm-bindgen --target nodejs (for require),
#                                                   the speed build
#   node.mjs, browser.mjs, workerd.mjs              entries that instantiate the wasm per runtime
#   index.d.ts                                      the public types (the web glue's, minus init)
#   package.json                                    the exports map choosing an entry per runtime
# Assumes the tools are installed (scripts/setup.sh does it). See
# docs/decisions/001-build-and-package.md for why it is built this way.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --quiet --lib --target wasm32-unknown-unknown --profile wasm-release
cargo build --quiet --lib --target wasm32-unknown-unknown --profile wasm-speed
wasm=target/wasm32-unknown-unknown/wasm-release/account_journey.wasm
speed=target/wasm32-unknown-unknown/wasm-speed/account_journey.wasm

rm -rf pkg target/pkg-speed
mkdir -p pkg/cjs
wasm-bindgen --target web --out-dir pkg --out-name account_journey "$wasm"
wasm-bindgen --target nodejs --out-dir pkg/cjs --out-name account_journey "$speed"
# The speed build must fit the size build's glue exactly (same imports and exports): then one
# account_journey.js serves both .wasm files.
wasm-bindgen --target web --out-dir target/pkg-speed --out-name account_journey "$speed"
if ! cmp -s pkg/account_journey.js target/pkg-speed/account_journey.js; then
  echo "build-pkg: the speed build's JS glue differs from the size build's" >&2
  diff pkg/account_journey.js target/pkg-speed/account_journey.js | head -20 >&2
  exit 1
fi
cp target/pkg-speed/account_journey_bg.wasm pkg/account_journey_speed_bg.wasm
# classifyMany's bulk path over plain objects (js/classify-objects.js) and reportTables
# (js/report-tables.js) are JS: appended to both glues, so every entry and `./web` have them
# (wasm-bindgen's JS snippets do not reach the CommonJS target).
cat js/classify-objects.js >> pkg/account_journey.js
cat js/classify-objects.js >> pkg/cjs/account_journey.js
# reportTables (js/report-tables.js), with each glue's way of exporting it.
{ cat js/report-tables.js; echo "export { reportTables };"; } >> pkg/account_journey.js
{ cat js/report-tables.js; echo "exports.reportTables = reportTables;"; } >> pkg/cjs/account_journey.js

# The features rustc enables by default for wasm32-unknown-unknown; wasm-opt must accept them
# and must not introduce others.
features=(--enable-bulk-memory --enable-mutable-globals --enable-sign-ext
  --enable-nontrapping-float-to-int --enable-multivalue --enable-reference-types)
node_modules/.bin/wasm-opt -Oz "${features[@]}" pkg/account_journey_bg.wasm -o pkg/account_journey_bg.wasm
for f in pkg/account_journey_speed_bg.wasm pkg/cjs/account_journey_bg.wasm; do
  node_modules/.bin/wasm-opt -O3 "${features[@]}" "$f" -o "$f"
done

cp js/node.mjs js/browser.mjs js/workerd.mjs js/pool.mjs js/pool-worker.mjs js/pool.d.ts pkg/
cp README.md pkg/
for f in LICENSE-MIT LICENSE-APACHE; do [ -f "$f" ] && cp "$f" pkg/; done
node scripts/pkg-manifest.mjs

# Let the repository's own examples, README snippets and tests import the package by its name.
mkdir -p node_modules
ln -sfn ../pkg node_modules/account-journey
