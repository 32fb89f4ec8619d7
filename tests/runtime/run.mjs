// Golden-vector runner for Node (import), Deno and Bun: one child process per runtime.
//
//   <runtime> tests/runtime/run.mjs INPUTS.json
//
// INPUTS.json is { name: vectorInput }. Prints { name: outputJsonString } as JSON on stdout, and
// on stderr one line "account-journey resolved to <URL>" so the harness can check which entry of
// the package's exports map this runtime picked (node.mjs via "node"/"import", "deno", "bun").
//
// The package is imported by its bare name: it resolves through
// tests/runtime/node_modules/account-journey -> ../../../pkg (a symlink the harness creates), so the
// exports map in pkg/package.json is exercised for real. Deno needs --node-modules-dir=manual for
// that (see tests/js/runtimes.test.mjs).
import { readFileSync } from "node:fs";
import process from "node:process";
import * as api from "account-journey";
import { runVectors } from "./vectors.mjs";

const file = process.argv[2];
if (!file) throw new Error("usage: run.mjs INPUTS.json");
const inputs = JSON.parse(readFileSync(file, "utf8"));
process.stderr.write(`account-journey resolved to ${import.meta.resolve("account-journey")}\n`);
process.stdout.write(JSON.stringify(runVectors(api, inputs)));
