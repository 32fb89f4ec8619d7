// Entry for Cloudflare Workers (workerd): the runtime forbids compiling wasm from bytes at run
// time, so the .wasm is imported as a precompiled WebAssembly.Module and instantiated in place.
import module from "./account_journey_bg.wasm";
import { initSync } from "./account_journey.js";

initSync({ module });

export * from "./account_journey.js";
