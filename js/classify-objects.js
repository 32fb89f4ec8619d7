
// ---- classifyMany(accounts, { asOf, explain: false }): the bulk path over plain objects ----
// Appended by scripts/build-pkg.sh to the wasm-bindgen glue (the ES module and the CommonJS
// one), so every entry of the package has it; `Journey` and `accountSchema` are the glue's.
// Each object is checked against the account schema as the engine's own reader checks it and,
// in the same pass, the fields the journey reads are copied into typed-array columns — here,
// where the JIT makes that cheap — then the batch is classified in one `classifyColumns` call.
// A row the columns cannot represent exactly (an unknown or mistyped field, a timestamp not in
// the canonical form, contacts that matter, …) goes through the explaining `classifyMany`, so
// every row's answer — stage or error — is the one `classify` gives.
// docs/classification.md, "Batches"; docs/decisions/006-columnar-classification.md.

const ajExplained = Journey.prototype.classifyMany;
const ajPlans = new WeakMap();
let ajSchemaRoot;

Journey.prototype.classifyMany = function classifyMany(accounts, options) {
  if (options === null || typeof options !== "object" || options.explain !== false ||
    typeof options.asOf !== "string" || !Array.isArray(accounts)) {
    return ajExplained.call(this, accounts, options);
  }
  return ajClassifyLean(this, accounts, options);
};

// The schema (accountSchema()) as nodes: { kind, min, max, required, fields (object), elem (list) }.
function ajNode(spec) {
  if (Array.isArray(spec)) return { kind: "list", elem: ajNode(spec[0]) };
  if (typeof spec === "object") {
    const fields = new Map();
    const required = [];
    for (const [name, child] of Object.entries(spec)) {
      const node = ajNode(child);
      fields.set(name, node);
      if (node.required && node.kind !== "list" && node.kind !== "object") required.push(name);
    }
    return { kind: "object", fields, required };
  }
  const required = spec.endsWith("!");
  const [kind, range] = (required ? spec.slice(0, -1) : spec).split(":");
  const [min, max] = range === "0+" ? [0, Infinity] : range === "0-100" ? [0, 100] : range === "0-1" ? [0, 1] : [-Infinity, Infinity];
  return { kind, min, max, required };
}

function ajPlan(journey) {
  let plan = ajPlans.get(journey);
  if (plan) return plan;
  ajSchemaRoot ??= ajNode(accountSchema());
  const read = journey.fieldsRead();
  // The composite given in an account is what the row reports even when no criterion reads it.
  const paths = read.fields.includes("score.composite") ? read.fields : [...read.fields, "score.composite"];
  const columns = paths.map((path) => {
    let node = ajSchemaRoot;
    for (const name of path.split(".")) node = node.fields.get(name);
    return { path, kind: node.kind === "list" ? "list" : node.kind, absent: node.kind === "bool" && node.required ? 0 : 2 };
  });
  // A field read that is an object or a list of objects has no column: every row goes the
  // explaining way.
  const usable = columns.every((c) => ["bool", "number", "string", "timestamp"].includes(c.kind) ||
    (c.kind === "list" && ajAt(c.path).elem.kind === "string"));
  const definition = journey.definition();
  plan = {
    columns,
    usable,
    process: usable ? ajProcessor(ajSchemaRoot, "", false, columns) : null,
    readsContacts: read.readsContacts,
    readsTopic: read.readsSignalTopic,
    outside: definition.unmatched === "outside",
    scoring: definition.scoring != null,
  };
  ajPlans.set(journey, plan);
  return plan;
}

function ajAt(path) {
  let node = ajSchemaRoot;
  for (const name of path.split(".")) node = node.fields.get(name);
  return node;
}

const ajWellFormed = typeof "".isWellFormed === "function"
  ? (s) => s.isWellFormed()
  : (s) => !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?:^|[^\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);

// Timestamps in the canonical forms only — YYYY-MM-DD, YYYY-MM-DDTHH:MM[:SS[.f, .ff or .fff]]Z —
// read digit by digit, with the calendar checked; anything else (offsets, other separators,
// more fraction digits) is NaN and its row goes the explaining way, whose reader accepts more.
function ajDigits(s, from, n) {
  let v = 0;
  for (let i = from; i < from + n; i++) {
    const c = s.charCodeAt(i) - 48;
    if (!(c >= 0 && c <= 9)) return -1;
    v = v * 10 + c;
  }
  return v;
}

// Days from 1970-01-01 to a proleptic Gregorian date.
function ajDays(y, m, d) {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  return era * 146097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719468;
}

function ajTime(s) {
  const len = s.length;
  if (len < 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return NaN;
  const y = ajDigits(s, 0, 4);
  const m = ajDigits(s, 5, 2);
  const d = ajDigits(s, 8, 2);
  if (y < 0 || m < 1 || m > 12 || d < 1) return NaN;
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  const days = m === 2 ? (leap ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
  if (d > days) return NaN;
  const date = ajDays(y, m, d) * 86_400_000;
  if (len === 10) return date;
  if (len < 17 || s.charCodeAt(10) !== 84 || s.charCodeAt(13) !== 58 || s.charCodeAt(len - 1) !== 90) return NaN;
  const hour = ajDigits(s, 11, 2);
  const minute = ajDigits(s, 14, 2);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59) return NaN;
  let second = 0;
  let milli = 0;
  let end = 16;
  if (s.charCodeAt(16) === 58) {
    second = ajDigits(s, 17, 2);
    if (second < 0 || second > 59) return NaN;
    end = 19;
    if (s.charCodeAt(19) === 46) {
      const digits = len - 21;
      if (digits < 1 || digits > 3) return NaN;
      const f = ajDigits(s, 20, digits);
      if (f < 0) return NaN;
      milli = digits === 1 ? f * 100 : digits === 2 ? f * 10 : f;
      end = 20 + digits;
    }
  }
  if (end !== len - 1) return NaN;
  return date + hour * 3_600_000 + minute * 60_000 + second * 1000 + milli;
}

// A processor per schema node, compiled once per journey: `(value, sink) => ok` checks the
// value as the engine's reader would read it — plain objects only, no null objects or lists,
// no null list elements, finite numbers in range, well-formed strings, canonical timestamps —
// and writes the fields the journey reads into the sink's columns for row `sink.row`.
function ajProcessor(node, path, inList, columns) {
  const column = columns.findIndex((c) => c.path === path);
  switch (node.kind) {
    case "object": {
      const fields = new Map();
      for (const [name, child] of node.fields) {
        const childPath = path === "" ? name : `${path}.${name}`;
        const run = node === ajSchemaRoot && name === "signals" ? ajSignals : ajProcessor(child, childPath, false, columns);
        const nullable = child.kind !== "object" && child.kind !== "list";
        fields.set(name, { run, nullable, column: columns.findIndex((c) => c.path === childPath) });
      }
      const required = inList ? node.required : [];
      return (value, sink) => {
        if (typeof value !== "object" || value === null || typeof value.toJSON === "function") return false;
        const proto = Object.getPrototypeOf(value);
        if (proto !== Object.prototype && proto !== null) return false;
        // Own and inherited enumerable keys: a plain object has only its own (JSON's).
        for (const key in value) {
          const field = fields.get(key);
          if (field === undefined) return false;
          const child = value[key];
          if (child === undefined) continue;
          // An upper bound of the JSON text (a key, its punctuation, a number) and its values.
          sink.bytes += key.length + 32;
          sink.values++;
          if (child === null) {
            if (!field.nullable) return false;
            if (field.column >= 0) sink.null(field.column);
          } else if (!field.run(child, sink)) {
            return false;
          }
        }
        for (let r = 0; r < required.length; r++) if (value[required[r]] == null) return false;
        return true;
      };
    }
    case "list": {
      const item = ajProcessor(node.elem, "", true, []);
      if (column >= 0) {
        return (value, sink) => {
          if (!ajPlainArray(value)) return false;
          sink.values += value.length;
          for (let i = 0; i < value.length; i++) {
            const s = value[i];
            if (typeof s !== "string" || !ajWellFormed(s)) return false;
            sink.bytes += 6 * s.length + 4;
            sink.push(column, s);
          }
          return true;
        };
      }
      return (value, sink) => {
        if (!ajPlainArray(value)) return false;
        sink.values += value.length;
        for (let i = 0; i < value.length; i++) {
          const v = value[i];
          if (v === undefined || v === null || !item(v, sink)) return false;
          sink.bytes += 2;
        }
        return true;
      };
    }
    case "bool":
      return column < 0 ? (v) => typeof v === "boolean"
        : (v, sink) => typeof v === "boolean" && sink.number(column, v ? 1 : 0);
    case "number": {
      const { min, max } = node;
      return column < 0 ? (v) => typeof v === "number" && v >= min && v <= max && Number.isFinite(v)
        : (v, sink) => typeof v === "number" && v >= min && v <= max && Number.isFinite(v) && sink.number(column, v);
    }
    case "string":
      // Escaped, a UTF-16 unit takes at most 6 bytes of JSON.
      return column < 0 ? (v, sink) => typeof v === "string" && ajWellFormed(v) && (sink.bytes += 6 * v.length) >= 0
        : (v, sink) => typeof v === "string" && ajWellFormed(v) && (sink.bytes += 6 * v.length) >= 0 && sink.string(column, v);
    case "timestamp":
      return column < 0 ? (v) => typeof v === "string" && !Number.isNaN(ajTime(v))
        : (v, sink) => typeof v === "string" && sink.number(column, ajTime(v));
    default:
      return () => false;
  }
}

// An account's signals, checked and copied into the signal columns.
function ajSignals(list, sink) {
  if (!ajPlainArray(list)) return false;
  sink.values += list.length;
  for (let j = 0; j < list.length; j++) if (!sink.signal(list[j])) return false;
  return true;
}

// An array JSON.stringify writes as its elements: no subclass, no toJSON.
function ajPlainArray(value) {
  return Array.isArray(value) && Object.getPrototypeOf(value) === Array.prototype && typeof value.toJSON !== "function";
}

function ajDictionary() {
  const codes = new Map();
  const values = [];
  return {
    values,
    code(s) {
      let c = codes.get(s);
      if (c === undefined) { c = values.length; values.push(s); codes.set(s, c); }
      return c;
    },
  };
}

// Where one batch's rows are written.
function ajSink(plan, n, signalCount) {
  const data = plan.columns.map((c) => (c.kind === "bool" ? new Uint8Array(n)
    : c.kind === "number" || c.kind === "timestamp" ? new Float64Array(n)
    : c.kind === "string" ? new Uint32Array(n) : null));
  const lists = plan.columns.map((c) => (c.kind === "list" ? { offsets: new Uint32Array(n + 1), codes: [] } : null));
  const dicts = plan.columns.map(() => ajDictionary());
  const kinds = ajDictionary();
  const contacts = ajDictionary();
  const at = new Float64Array(signalCount);
  const account = new Uint32Array(signalCount);
  const type = new Uint32Array(signalCount);
  // Strength, value and contact columns only when some signal has one.
  let strength = null;
  let value = null;
  let contact = null;
  // The signal's fields as the schema has them (checked below field by field).
  const signalNode = ajSchemaRoot.fields.get("signals").elem.fields;
  const { min: strengthMin, max: strengthMax } = signalNode.get("strength");
  const { min: valueMin, max: valueMax } = signalNode.get("value");
  let k = 0;
  let first = 0;
  let listed = undefined;
  const sink = {
    row: 0,
    // The row's JSON text and values, at most (the engine's reader has limits).
    bytes: 0,
    values: 0,
    // Starts row `i`: every column absent until the object says otherwise.
    start(i) {
      sink.row = i;
      sink.bytes = 0;
      sink.values = 1;
      first = k;
      listed = undefined;
      for (let c = 0; c < data.length; c++) {
        const d = data[c];
        if (d === null) lists[c].offsets[i + 1] = lists[c].codes.length;
        else if (d instanceof Uint8Array) d[i] = plan.columns[c].absent;
        else sink.null(c);
      }
    },
    // The row's contacts: a signal's contact must be one of them.
    contacts(accountContacts) {
      listed = accountContacts;
    },
    // Forgets row `i`: it goes the explaining way.
    undo(i) {
      k = first;
      for (let c = 0; c < data.length; c++) {
        if (data[c] === null) lists[c].codes.length = lists[c].offsets[i];
      }
      sink.start(i);
    },
    // An explicit null (an absent required flag reads false instead: `start`).
    null(c) {
      const d = data[c];
      if (d instanceof Uint8Array) d[sink.row] = 2;
      else if (d instanceof Float64Array) d[sink.row] = NaN;
      else if (d !== null) d[sink.row] = 0xffffffff;
      return true;
    },
    number(c, v) {
      if (Number.isNaN(v)) return false;
      data[c][sink.row] = v;
      return true;
    },
    string(c, s) {
      data[c][sink.row] = dicts[c].code(s);
      return true;
    },
    push(c, s) {
      const list = lists[c];
      list.codes.push(dicts[c].code(s));
      list.offsets[sink.row + 1] = list.codes.length;
    },
    signal(s) {
      if (typeof s !== "object" || s === null || typeof s.toJSON === "function") return false;
      const proto = Object.getPrototypeOf(s);
      if (proto !== Object.prototype && proto !== null) return false;
      for (const key in s) {
        if (!signalNode.has(key)) return false;
        sink.values++;
        sink.bytes += key.length + 32;
      }
      const t = s.type;
      const when = s.at;
      if (typeof t !== "string" || typeof when !== "string" || !ajWellFormed(t)) return false;
      const ms = ajTime(when);
      if (Number.isNaN(ms)) return false;
      const st = s.strength;
      const va = s.value;
      const co = s.contact;
      const topic = s.topic;
      if (st != null && !(typeof st === "number" && st >= strengthMin && st <= strengthMax && Number.isFinite(st))) return false;
      if (va != null && !(typeof va === "number" && va >= valueMin && va <= valueMax && Number.isFinite(va))) return false;
      if (topic !== undefined && topic !== null && (plan.readsTopic || typeof topic !== "string" || !ajWellFormed(topic))) return false;
      // A contact not among the account's contacts counts as none for caps but criteria read
      // it as written: such rows go the explaining way.
      if (co !== undefined && co !== null && (typeof co !== "string" || !ajListed(listed, co))) return false;
      sink.bytes += 6 * (t.length + when.length + (typeof topic === "string" ? topic.length : 0) + (co?.length ?? 0));
      account[k] = sink.row;
      type[k] = kinds.code(t);
      at[k] = ms;
      if (st != null) (strength ??= new Float64Array(signalCount).fill(NaN))[k] = st;
      else if (strength !== null) strength[k] = NaN;
      if (va != null) (value ??= new Float64Array(signalCount).fill(NaN))[k] = va;
      else if (value !== null) value[k] = NaN;
      if (co != null) (contact ??= new Uint32Array(signalCount).fill(0xffffffff))[k] = contacts.code(co);
      else if (contact !== null) contact[k] = 0xffffffff;
      k++;
      return true;
    },
    columns() {
      const fields = {};
      plan.columns.forEach((c, i) => {
        fields[c.path] = c.kind === "list"
          ? { offsets: lists[i].offsets, codes: Uint32Array.from(lists[i].codes), values: dicts[i].values }
          : c.kind === "string" ? { codes: data[i], values: dicts[i].values } : data[i];
      });
      const signals = { account: account.subarray(0, k), type: { codes: type.subarray(0, k), values: kinds.values }, at: at.subarray(0, k) };
      if (strength !== null) signals.strength = strength.subarray(0, k);
      if (value !== null) signals.value = value.subarray(0, k);
      if (contact !== null) signals.contact = { codes: contact.subarray(0, k), values: contacts.values };
      return { length: n, fields, signals };
    },
  };
  return sink;
}

function ajDistinctIds(contacts) {
  const ids = new Set();
  for (const c of contacts) {
    if (ids.has(c?.id)) return false;
    ids.add(c?.id);
  }
  return true;
}

function ajListed(contacts, id) {
  if (!Array.isArray(contacts)) return false;
  for (let c = 0; c < contacts.length; c++) if (contacts[c]?.id === id) return true;
  return false;
}

function ajClassifyLean(journey, accounts, options) {
  const plan = ajPlan(journey);
  const n = accounts.length;
  const asOf = options.asOf;
  const exact = [];
  const fast = new Uint8Array(n);
  let signalCount = 0;
  for (let i = 0; i < n; i++) {
    try {
      const signals = accounts[i]?.signals;
      if (Array.isArray(signals)) signalCount += signals.length;
    } catch {
      // A getter that throws: the row goes the explaining way, which reports it.
    }
  }
  const sink = ajSink(plan, n, signalCount);
  for (let i = 0; i < n; i++) {
    let ok = false;
    sink.start(i);
    try {
      const a = accounts[i];
      const contacts = a?.contacts;
      sink.contacts(contacts);
      ok = plan.usable &&
        // Contacts make a buying group: the explaining way, when criteria read it or two
        // contacts share an id (an error there).
        !(Array.isArray(contacts) && contacts.length > 0 && (plan.readsContacts || !ajDistinctIds(contacts))) &&
        plan.process(a, sink) &&
        // Near the engine reader's limits (1 MiB of JSON, 100,000 values): the explaining way.
        sink.bytes < 1_000_000 && sink.values < 99_000;
    } catch {
      ok = false;
    }
    if (ok) {
      fast[i] = 1;
    } else {
      sink.undo(i);
      exact.push(i);
    }
  }
  let batch;
  try {
    batch = journey.classifyColumns(sink.columns(), { asOf });
  } catch {
    // An asOf the engine cannot read: the explaining way gives each row its error.
    batch = null;
  }
  const rows = new Array(n);
  if (batch !== null) {
    // A row the columns refused (a value out of range) goes the explaining way for its error.
    for (const e of batch.errors) if (fast[e.row]) { fast[e.row] = 0; exact.push(e.row); }
    const none = plan.outside ? "outside" : "no-stage";
    const { stages, stage, composite } = batch;
    for (let i = 0; i < n; i++) {
      if (!fast[i]) continue;
      const s = stage[i];
      const c = composite[i];
      rows[i] = s === 65535
        ? { stage: null, status: none, composite: Number.isNaN(c) ? null : c }
        : { stage: stages[s], status: "in-stage", composite: Number.isNaN(c) ? null : c };
    }
  } else {
    exact.length = 0;
    for (let i = 0; i < n; i++) exact.push(i);
  }
  if (exact.length > 0) {
    exact.sort((x, y) => x - y);
    const some = exact.map((i) => accounts[i]);
    const explained = ajExplained.call(journey, some, { asOf, nextChange: false });
    explained.forEach((r, j) => {
      const i = exact[j];
      rows[i] = r.error
        ? { error: { ...r.error, row: i } }
        : { stage: r.stage, status: r.status, composite: ajComposite(journey, plan, some[j], asOf) };
    });
  }
  return rows;
}

// The composite the criteria saw for a row classified the explaining way: the account's own,
// else the computed one.
function ajComposite(journey, plan, account, asOf) {
  const given = account?.score?.composite;
  if (typeof given === "number") return given;
  try {
    return plan.scoring ? journey.score(account, { asOf }).composite : null;
  } catch {
    return null;
  }
}
