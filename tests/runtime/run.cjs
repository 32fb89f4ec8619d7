// Golden-vector runner for Node's CommonJS loader:
//
//   node tests/runtime/run.cjs INPUTS.json
//
// The package comes from require("account-journey") by its bare name (through the symlink
// tests/runtime/node_modules/account-journey -> ../../../pkg), so the exports map's
// "node" + "require" condition (pkg/cjs/account_journey.js) is what runs. Only the shared vector
// runner, an ES module, is loaded with import(). Output as in run.mjs: outputs JSON on stdout,
// the resolved entry on stderr.
"use strict";
const { readFileSync } = require("node:fs");
const { pathToFileURL } = require("node:url");
const api = require("account-journey");

const file = process.argv[2];
if (!file) throw new Error("usage: run.cjs INPUTS.json");
const inputs = JSON.parse(readFileSync(file, "utf8"));
import("./vectors.mjs").then(({ runVectors }) => {
  const entry = pathToFileURL(require.resolve("account-journey")).href;
  process.stderr.write(`account-journey resolved to ${entry}\n`);
  process.stdout.write(JSON.stringify(runVectors(api, inputs)));
}).catch((e) => {
  process.stderr.write(`${e && e.stack || e}\n`);
  process.exitCode = 1;
});
