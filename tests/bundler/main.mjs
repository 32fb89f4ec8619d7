// The app a bundler user would write: the package imported by its bare name, resolved by Vite
// through node_modules/account-journey and the exports map's "browser" condition
// (pkg/browser.mjs, which instantiates the .wasm with top-level await from
// new URL("./account_journey_bg.wasm", import.meta.url), rewritten by Vite to the emitted asset).
//
// Results land on window.__results ({ name: outputJsonString }); failures on window.__error.
// The harness (tests/js/bundler.test.mjs) serves the vector inputs at /__inputs.json.
import * as api from "account-journey";
import { runVectors } from "../runtime/vectors.mjs";

try {
  const response = await fetch("/__inputs.json");
  if (!response.ok) throw new Error(`GET /__inputs.json: HTTP ${response.status}`);
  window.__results = runVectors(api, await response.json());
} catch (e) {
  window.__error = String((e && e.stack) || e);
}
