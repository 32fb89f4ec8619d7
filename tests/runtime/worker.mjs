// Golden-vector runner for Cloudflare's workerd. The harness (tests/js/runtimes.test.mjs)
// generates a workerd config whose modules are this file, "account-journey" (the content of
// pkg/workerd.mjs, so the bare import below resolves the way a bundler would pick the exports
// map's "workerd" condition), the glue "account_journey.js", the wasm module
// "account_journey_bg.wasm" and "vectors.mjs".
//
// POST { name: vectorInput } → 200 { name: outputJsonString }; GET /health → 200 "ok".
import * as api from "account-journey";
import { runVectors } from "./vectors.mjs";

export default {
  async fetch(request) {
    const url = new URL(request.url);
    if (request.method === "GET" && url.pathname === "/health") return new Response("ok");
    if (request.method !== "POST") return new Response("POST the vector inputs", { status: 405 });
    try {
      const inputs = await request.json();
      return new Response(JSON.stringify(runVectors(api, inputs)), {
        headers: { "content-type": "application/json; charset=utf-8" },
      });
    } catch (e) {
      return new Response(String((e && e.stack) || e), { status: 500 });
    }
  },
};
