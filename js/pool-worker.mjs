// One shard of a ReplayPool (pool.mjs): a Node worker thread holding the replay state of the
// accounts whose ids hash to it. It answers the pool's requests one at a time, in order.
import { parentPort, workerData } from "node:worker_threads";
import { Journey, ReplayState, initSync } from "./node.mjs";

// The pool checked the definition before starting its workers.
const journey = workerData.definition === null ? Journey.default() : new Journey(workerData.definition);
let state = null;

// A JourneyError's properties do not survive being posted: they are sent as plain data.
const failure = (e) => ({
  name: e?.name ?? "Error",
  message: String(e?.message ?? e),
  code: e?.code ?? null,
  path: e?.path ?? null,
  span: e?.span,
  diagnostics: e?.diagnostics,
});

const ops = {
  init: ({ options }) => {
    state = journey.replayState(options);
  },
  load: ({ bytes }) => {
    state = ReplayState.fromBytes(journey, bytes);
  },
  apply: ({ events, asOf, lines }) => state.apply(events, { asOf, lines }),
  applyColumns: ({ columns, asOf }) => state.applyColumns(columns, { asOf }),
  reports: (options) => {
    const partial = state.reports({ ...options, partial: true });
    return { value: partial, transfer: [partial.buffer] };
  },
  result: (options) => state.result(options),
  accounts: () => state.accounts,
  // The worker's WebAssembly memory in bytes (initSync gives the instance's exports once loaded).
  memory: () => initSync().memory.buffer.byteLength,
  toBytes: () => {
    const bytes = state.toBytes();
    return { value: bytes, transfer: [bytes.buffer] };
  },
};

parentPort.on("message", ({ id, op, args }) => {
  try {
    const out = ops[op](args);
    const { value, transfer } = out && out.transfer ? out : { value: out, transfer: [] };
    parentPort.postMessage({ id, ok: true, value }, transfer);
  } catch (e) {
    parentPort.postMessage({ id, ok: false, error: failure(e) });
  }
});
