// Entry for Node (import), Deno and Bun: load the speed build of the .wasm next to this file
// synchronously, so the API is ready as soon as the import resolves (no top-level await, so
// `require` of this file also works where Node supports require(esm)). Servers get the build
// optimised for speed; browsers and the edge load the smaller one (browser.mjs, workerd.mjs).
import { readFileSync } from "node:fs";
import { initSync } from "./account_journey.js";

initSync({ module: readFileSync(new URL("./account_journey_speed_bg.wasm", import.meta.url)) });

export * from "./account_journey.js";
