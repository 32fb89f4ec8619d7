// The golden-vector runner shared by every runtime of the matrix (Node ESM and CJS, Deno, Bun,
// workerd, Chromium). It takes the package's API and the vector inputs, and returns each
// vector's output as a JSON string, so the harness can compare bytes across runtimes and with
// tests/golden/cases/*.expected.json (which the native runner, tests/golden.rs, also checks).
//
// A vector input is { "call": <name>, "args": [...] }; see CALLS for the names.

const CALLS = {
  version: (api) => api.version(),
  validateDefinition: (api, [definition]) => api.validateDefinition(definition),
  defaultJourney: (api) => api.Journey.default().toJSON(),
  newJourney: (api, [definition]) => new api.Journey(definition).toJSON(),
  diffDefinitions: (api, [old, neu]) => api.diffDefinitions(old, neu),
  newJourneySet: (api, [definition]) => new api.JourneySet(definition).toJSON(),
  score: (api, [account, options]) => api.Journey.default().score(account, options),
  matchLeads: (api, [leads, accounts]) => api.matchLeads(leads, accounts),
  scoreDelta: (api, [account, options]) => api.Journey.default().scoreDelta(account, options),
  buyingGroup: (api, [account, options]) => api.Journey.default().buyingGroup(account, options),
  classify: (api, [account, options]) => api.Journey.default().classify(account, options),
  classifyMany: (api, [accounts, options]) => api.Journey.default().classifyMany(accounts, options),
  replay: (api, [events, options]) => api.Journey.default().replay(events, options),
  replaySet: (api, [set, events, options]) => new api.JourneySet(set).replay(events, options),
  replayIncremental: (api, [first, second, options]) => {
    const journey = api.Journey.default();
    const state = journey.replayState();
    state.apply(first, options);
    const saved = api.ReplayState.fromBytes(journey, state.toBytes());
    saved.apply(second, options);
    return saved.result(options);
  },
  reports: (api, [events, options]) => api.Journey.default().reports(events, options),
  mergeReports: (api, [shards, options]) => {
    const journey = api.Journey.default();
    return api.mergeReports(shards.map((events) => journey.reports(events, { ...options, partial: true })));
  },
  scoreMany: (api, [accounts, options]) => api.Journey.default().scoreMany(accounts, options),
  scoreColumns: (api, [columns, options]) =>
    plain(api.Journey.default().scoreColumns(typed(columns), options)),
  matchLeadsColumns: (api, [leads, accounts]) => plain(api.matchLeadsColumns(typed(leads), accounts)),
  templates: (api) => api.templates().map((t) => ({ id: t.id, name: t.name, hash: t.hash,
    stages: new api.Journey(t.definition).stages().map((s) => s.id) })),
};

// Typed arrays in vector files: { "f64": [...] } (null is NaN), { "u32": [...] }, { "u8": [...] },
// { "i32": [...] }; the results' typed arrays come back as plain arrays (NaN as null).
const TYPED = { f64: Float64Array, u32: Uint32Array, u8: Uint8Array, i32: Int32Array };

function typed(value) {
  if (Array.isArray(value)) return value.map(typed);
  if (value === null || typeof value !== "object") return value;
  const keys = Object.keys(value);
  if (keys.length === 1 && TYPED[keys[0]]) {
    return TYPED[keys[0]].from(value[keys[0]], (x) => (x === null ? NaN : x));
  }
  return Object.fromEntries(keys.map((k) => [k, typed(value[k])]));
}

function plain(value) {
  if (ArrayBuffer.isView(value)) return Array.from(value, (x) => (Number.isNaN(x) ? null : x));
  if (Array.isArray(value)) return value.map(plain);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(Object.keys(value).map((k) => [k, plain(value[k])]));
}

/** Runs one vector; a thrown error becomes { error: {...} } with its public properties. */
export function runVector(api, input) {
  const call = CALLS[input.call];
  if (!call) throw new Error(`unknown vector call ${JSON.stringify(input.call)}`);
  try {
    return JSON.stringify(call(api, input.args ?? []));
  } catch (e) {
    const { name, code, path, span, message, diagnostics } = e;
    return JSON.stringify({ error: { name, code, path, span, message, diagnostics } });
  }
}

/** Runs every vector: { name: input } → { name: output JSON string }. */
export function runVectors(api, inputs) {
  const out = {};
  for (const name of Object.keys(inputs).sort()) out[name] = runVector(api, inputs[name]);
  return out;
}
