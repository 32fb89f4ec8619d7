// Entry for browsers and bundlers: fetch and instantiate the .wasm next to this file (bundlers
// rewrite the URL to the emitted asset), then expose the API. Uses top-level await.
import init from "./account_journey.js";

await init({ module_or_path: new URL("./account_journey_bg.wasm", import.meta.url) });

export * from "./account_journey.js";
