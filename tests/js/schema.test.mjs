// The JSON Schema of journey definitions that the npm package publishes
// (schema/definition.schema.json, copied to pkg/definition.schema.json by scripts/pkg-manifest.mjs
// and exported as "account-journey/definition.schema.json") must agree with the engine:
//   - every template is valid against it;
//   - every catalogue case (tests/data/definitions) with a STRUCTURAL error is rejected by it;
//   - every catalogue case the engine accepts (no error, warnings allowed) is accepted by it;
//   - on generated variations of a definition (fields deleted, null, blank, of the wrong type;
//     ids, dates, times of day, offsets, durations, kinds, actions swept), the schema and the live
//     engine agree in the same terms;
//   - the schema is in the built package and reachable through the exports map.
//
// What a schema can express and what it cannot. A diagnostic is STRUCTURAL when it is an error
// and either
//   - its code is missing-field, unknown-field, invalid-type, invalid-id or no-stages; or
//   - its code is invalid-value and the value is an empty or blank string, or the path names a
//     field whose form the schema states: /kind, /action, /effectiveDate, /after (enums and
//     patterns, as in the brief), and the fields added with SLAs and calendars: /sla/within,
//     /priority (whole number, -1000…1000), /calendar/utcOffset, /calendar/workStart,
//     /calendar/workEnd, /calendar/workingDays[/i] and /calendar/holidays/i (weekday enum or
//     date, at least one working day, each once), /rejection/reasonCodes[/i] (at least one, each
//     once), /regressTo/i when it repeats an earlier item (each once), and in /scoring: weights/c and caps/c (known component, range), points, cap,
//     component (enum), decay (exactly one kind) and decay/halfLife|linear|window (duration),
//     contactCaps/c and fitSource (enum); /buyingGroup/minSignals (1…10000) and
//     /buyingGroup/engagementWindow (duration).
// Exceptions, decided from the data:
//   - a duration (/after, /within, /decay/kind) that is well formed but longer than its upper
//     bound (3650d, 365d for an SLA, 3,660,000d for any duration): the bound is a range over
//     combined units ("1w2d12h"), which a pattern cannot express (zero and negative durations it
//     can, and does);
//   - /calendar/workEnd that is a well-formed time of day: the error is then that the day ends
//     before it starts, a comparison between two fields;
//   - a diagnostic at or under a path that also has a duplicate-key diagnostic: JSON.parse keeps
//     the last of the duplicate values while the engine reads the first, so the schema does not
//     see what the engine saw.
// Everything else is beyond a schema: criteria errors (expression-syntax, type-mismatch,
// unknown-identifier…, also in sla/until), duplicate-stage-id, unknown-stage and "not an earlier
// stage" (downgradeTo, recycleTo, regressTo), limits, duplicate-key, json-syntax, invalid-utf16
// and warnings. A case is asserted only when it has a structural error (the schema must reject
// it) or no error at all (the schema must accept it); the rest get no assertion.
//
// Known difference, not tested: "non-blank" is the pattern \S (JavaScript whitespace), the
// engine trims Unicode White_Space; they differ only on strings made solely of U+0085 (blank to
// the engine, not to \S) or U+FEFF (the reverse).
//
// Run from the repository root after scripts/build-pkg.sh: node --test tests/js/schema.test.mjs
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import Ajv2020 from "ajv/dist/2020.js";

const require = createRequire(import.meta.url);
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const PKG = `${ROOT}pkg/`;
const SCHEMA_EXPORT = "account-journey/definition.schema.json";

if (!existsSync(`${PKG}definition.schema.json`)) {
  throw new Error("pkg/definition.schema.json is missing: run scripts/build-pkg.sh");
}
// Through the package's exports map, as a consumer would.
const schema = require(SCHEMA_EXPORT);
const { validateDefinition } = await import("account-journey");

// strict: unknown keywords, types and formats are errors, so a typo in the schema fails here;
// the two VS Code annotations it uses are declared as such.
const ajv = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true });
ajv.addVocabulary(["patternErrorMessage", "enumDescriptions"]);
const validate = ajv.compile(schema);

/** Whether the schema accepts `doc`, and its errors when not. */
function check(doc) {
  const valid = validate(doc);
  return { valid, errors: valid ? [] : validate.errors.map((e) => `${e.instancePath || "/"} ${e.message}`) };
}

// ---------------------------------------------------------------------------------------------
// Which diagnostics a schema can express.

const ALWAYS_STRUCTURAL = new Set(["missing-field", "unknown-field", "invalid-type", "invalid-id", "no-stages"]);
const DAY_MS = 86_400_000;
const UNIT_MS = { ms: 1, w: 7 * DAY_MS, d: DAY_MS, h: 3_600_000, m: 60_000, s: 1_000 };
/** invalid-value on these paths is about a form the schema states (enum, pattern, integer
 * range, list size or uniqueness). */
const FORM_PATHS = new RegExp([
  /\/(kind|action|effectiveDate|priority|utcOffset|workStart)$/,
  /\/(reasonCodes|workingDays)(\/\d+)?$/, /\/holidays\/\d+$/,
  /^\/scoring\/(weights|caps|contactCaps)\/[^/]+$/, /^\/scoring\/.*\/(points|cap|component|decay)$/,
  /^\/scoring\/fitSource$/, /\/buyingGroup\/minSignals$/,
].map((re) => `(?:${re.source})`).join("|"));
/** Durations: the schema states their form and sign, not their upper bound (in days). */
const DURATION_BOUND_DAYS = [
  [/\/sla\/within$/, 365], [/\/after$/, 3650], [/\/decay\/(halfLife|linear|window)$/, 10_000 * 366],
  [/\/buyingGroup\/engagementWindow$/, 3660],
];

/** A duration's milliseconds as the engine reads it (optional "-", then number+unit groups),
 * or undefined when it is not a duration. */
function durationMs(text) {
  const m = /^(-?)((?:[0-9]+(?:ms|w|d|h|m|s))+)$/.exec(text);
  if (!m) return undefined;
  let total = 0;
  for (const [, n, unit] of m[2].matchAll(/([0-9]+)(ms|w|d|h|m|s)/g)) total += Number(n) * UNIT_MS[unit];
  return m[1] ? -total : total;
}

/** Whether `text` is a time of day as the engine reads it ("HH:MM", or "24:00"). */
function isClock(text) {
  const m = /^([0-9]{2}):([0-9]{2})$/.exec(text);
  if (!m) return false;
  const [h, min] = [Number(m[1]), Number(m[2])];
  return min < 60 && (h < 24 || (h === 24 && min === 0));
}

/** The value at JSON pointer `path` in `doc` (undefined when absent). */
function at(doc, path) {
  if (path === "") return doc;
  let value = doc;
  for (const token of path.slice(1).split("/")) {
    const key = token.replaceAll("~1", "/").replaceAll("~0", "~");
    if (value === null || typeof value !== "object" || !Object.hasOwn(value, key)) return undefined;
    value = value[key];
  }
  return value;
}

const within = (path, base) => path === base || path.startsWith(`${base}/`);

/** Whether diagnostic `d` (of a definition parsed as `doc`) is one the schema must reproduce. */
function isStructural(d, doc, diagnostics) {
  if (d.severity !== "error") return false;
  const duplicated = diagnostics.some((o) => o.code === "duplicate-key" && within(d.path, o.path));
  if (duplicated) return false;
  if (ALWAYS_STRUCTURAL.has(d.code)) return true;
  if (d.code !== "invalid-value") return false;
  const value = at(doc, d.path);
  if (typeof value === "string" && !/\S/.test(value)) return true;
  if (FORM_PATHS.test(d.path)) return true;
  // A regression target listed twice (uniqueItems); otherwise it is not an earlier stage.
  const regress = /^(.*\/regressTo)\/(\d+)$/.exec(d.path);
  if (regress) return (at(doc, regress[1]) ?? []).slice(0, Number(regress[2])).includes(value);
  // workEnd absent (the default, 17:00) or well formed: the error is that the day ends before it starts.
  if (/\/calendar\/workEnd$/.test(d.path)) return !(value === undefined || value === null || isClock(value));
  const bound = DURATION_BOUND_DAYS.find(([re]) => re.test(d.path))?.[1];
  if (bound !== undefined) {
    const ms = typeof value === "string" ? durationMs(value) : undefined;
    return !(ms !== undefined && ms > bound * DAY_MS);
  }
  return false;
}

/** "reject" (has a structural error), "accept" (no error at all) or "none" (only errors a
 * schema cannot express). */
function expectation(doc, diagnostics) {
  if (diagnostics.some((d) => isStructural(d, doc, diagnostics))) return "reject";
  if (!diagnostics.some((d) => d.severity === "error")) return "accept";
  return "none";
}

// ---------------------------------------------------------------------------------------------

test("the schema is draft 2020-12 with the published $id", () => {
  assert.equal(schema.$schema, "https://json-schema.org/draft/2020-12/schema");
  assert.equal(schema.$id, "https://account-journey.dev/schema/definition.schema.json");
  assert.equal(typeof schema.title, "string");
  assert.equal(typeof schema.description, "string");
});

test("every property in the schema has a description (what editors show)", () => {
  const missing = [];
  const walk = (node, where) => {
    if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${where}/${i}`));
    if (node === null || typeof node !== "object") return;
    for (const [name, sub] of Object.entries(node.properties ?? {})) {
      if (typeof sub.description !== "string" && !sub.$ref) missing.push(`${where}/properties/${name}`);
    }
    // Not into conditions (if/then, oneOf…): their properties are constraints on fields described
    // elsewhere, not what editors list.
    const skip = ["examples", "enum", "if", "then", "else", "not", "oneOf", "anyOf", "allOf"];
    for (const [key, sub] of Object.entries(node)) {
      if (!skip.includes(key)) walk(sub, `${where}/${key}`);
    }
  };
  walk(schema, "#");
  assert.deepEqual(missing, []);
});

test("every template is valid against the schema", () => {
  const dir = `${ROOT}templates/`;
  const files = readdirSync(dir).filter((f) => f.endsWith(".json"));
  assert.ok(files.length > 0, "no templates found");
  for (const file of files) {
    const result = check(JSON.parse(readFileSync(dir + file, "utf8")));
    assert.ok(result.valid, `templates/${file}: ${result.errors.join("; ")}`);
  }
});

test("the catalogue: structural errors are rejected, definitions the engine accepts are accepted", (t) => {
  const dir = `${ROOT}tests/data/definitions/`;
  const files = readdirSync(dir).filter((f) => f.endsWith(".json")).sort();
  assert.ok(files.length > 0, "no catalogue cases found");
  const groups = { reject: [], accept: [], none: [], "not JSON": [] };
  const failures = [];
  for (const file of files) {
    const { definition, expected } = JSON.parse(readFileSync(dir + file, "utf8"));
    let doc = definition;
    if (typeof definition === "string") {
      try {
        doc = JSON.parse(definition);
      } catch {
        groups["not JSON"].push(file);
        continue;
      }
    }
    const want = expectation(doc, expected);
    groups[want].push(file);
    const { valid, errors } = check(doc);
    if (want === "reject" && valid) {
      const structural = expected.filter((d) => isStructural(d, doc, expected));
      failures.push(`${file}: the schema accepts it, expected ${structural.map((d) => `${d.code} at ${d.path}`).join(", ")}`);
    }
    if (want === "accept" && !valid) failures.push(`${file}: the engine accepts it, the schema says ${errors.join("; ")}`);
  }
  t.diagnostic(`structural, must reject: ${groups.reject.length}; no error, must accept: ${groups.accept.length}; ` +
    `no assertion: ${groups.none.length} (only errors a schema cannot express) + ` +
    `${groups["not JSON"].length} (text that is not JSON)`);
  t.diagnostic(`no assertion: ${groups.none.join(", ")}`);
  assert.deepEqual(failures, []);
  assert.ok(groups.reject.length > 0 && groups.none.length > 0, "the split found no cases in a group");
});

// ---------------------------------------------------------------------------------------------
// The live engine as the oracle: variations of a definition, each validated by both.

const base = () => ({
  $schema: "./node_modules/account-journey/definition.schema.json",
  id: "demo",
  name: "Demo journey",
  version: "1.0.0",
  owner: "revenue-operations",
  approvers: ["vp-marketing", "vp-sales"],
  effectiveDate: "2026-01-01",
  description: "A journey for the schema tests.",
  calendar: {
    utcOffset: "+01:00", workingDays: ["mon", "tue", "wed", "thu", "fri"], workStart: "09:00",
    workEnd: "17:00", holidays: ["2026-12-25", "2027-01-01"],
  },
  scoring: {
    weights: { fit: 0.4, engagement: 0.6 },
    caps: { fit: 100, engagement: 50 },
    fit: [{ when: "firmographics.employees >= 200", points: 25 }, { when: "firmographics.resolved", points: -5 }],
    signals: {
      page_view: { component: "engagement", points: 2, decay: { halfLife: "14d" }, cap: 30 },
      webinar: { component: "engagement", points: 15, decay: { window: "30d" } },
    },
  },
  stages: [
    { id: "aware", name: "Aware", kind: "pre-sale", owner: "marketing", description: "Aware.",
      entryCriteria: "firmographics.resolved" },
    { id: "engaged", name: "Engaged", kind: "pre-sale", owner: "marketing",
      entryCriteria: "score.composite > 75", exitCriteria: "crm.lost",
      maxDwell: { after: "45d", action: "stage-downgrade", play: "nurture", downgradeTo: "aware" },
      sla: { id: "acceptance", within: "48h", businessHours: true, until: "crm.salesAccepted or crm.rejected",
        owner: "sales-development", onBreach: { action: "manager-review", play: "escalate" } },
      rejection: { reasonCodes: ["no-budget", "not-icp"], recycleTo: "aware", after: "30d" },
      regressTo: ["aware"],
      priority: 5 },
    { id: "customer", name: "Customer", kind: "post-sale", entryCriteria: "crm.won" },
  ],
});

const DELETE = Symbol("delete");
const VALUES = [DELETE, null, "", " ", "\t\n", "\u00a0", "x", "Engaged", "aware", "mon", "2026-12-25",
  "+01:00", "09:00", "48h", "0s", 42, 0, 1.5, -1000, 1000, 1001, -1001, true, false, [], ["a"], [""], [1],
  ["mon", "mon"], {}, { a: 1 }];

/** A copy of base() with the value at `path` (an array of keys) replaced or deleted. */
function variant(path, value) {
  const doc = base();
  const parent = path.slice(0, -1).reduce((o, k) => o[k], doc);
  const key = path.at(-1);
  if (value === DELETE) delete parent[key];
  else parent[key] = value;
  return doc;
}

function* variations() {
  const keys = {
    "": ["$schema", "id", "name", "version", "owner", "approvers", "effectiveDate", "description", "calendar",
      "stages", "colour"],
    "calendar": ["utcOffset", "workingDays", "workStart", "workEnd", "holidays", "colour"],
    "scoring": ["weights", "caps", "fit", "signals", "colour"],
    "scoring/weights": ["fit", "intent", "engagement", "usage", "relationship", "colour"],
    "scoring/caps": ["fit", "usage", "colour"],
    "scoring/fit/0": ["when", "points", "colour"],
    "scoring/signals": ["page_view", "colour"],
    "scoring/signals/page_view": ["component", "points", "decay", "cap", "colour"],
    "scoring/signals/page_view/decay": ["halfLife", "linear", "window", "colour"],
    "stages/1": ["id", "name", "kind", "owner", "description", "entryCriteria", "exitCriteria", "maxDwell", "sla",
      "rejection", "regressTo", "priority", "colour"],
    "stages/1/maxDwell": ["after", "action", "play", "downgradeTo", "colour"],
    "stages/1/sla": ["id", "within", "businessHours", "until", "owner", "onBreach", "colour"],
    "stages/1/sla/onBreach": ["action", "play", "colour"],
    "stages/1/rejection": ["reasonCodes", "recycleTo", "after", "colour"],
  };
  const items = ["approvers/1", "calendar/workingDays/1", "calendar/holidays/1", "stages/1/regressTo/0",
    "stages/1/rejection/reasonCodes/1", "stages/1", "scoring/fit/1"];
  const path = (text) => text.split("/").filter(Boolean).map((k) => (/^[0-9]+$/.test(k) ? Number(k) : k));
  for (const value of VALUES) {
    for (const [parent, names] of Object.entries(keys)) {
      for (const name of names) yield variant([...path(parent), name], value);
    }
    for (const item of items) yield variant(path(item), value);
  }
  for (const kind of ["pre-sale", "terminal", "post-sale", "Pre-sale", "presale", "closed"]) {
    yield variant(["stages", 2, "kind"], kind);
  }
  for (const action of ["re-engagement", "manager-review", "stage-downgrade", "Re-engagement", "review"]) {
    yield variant(["stages", 1, "sla", "onBreach", "action"], action);
    for (const downgradeTo of [DELETE, null, "aware", "customer", "nowhere"]) {
      const doc = variant(["stages", 1, "maxDwell", "action"], action);
      if (downgradeTo === DELETE) delete doc.stages[1].maxDwell.downgradeTo;
      else doc.stages[1].maxDwell.downgradeTo = downgradeTo;
      yield doc;
    }
  }
  const durations = ["1ms", "45d", "36h", "2w", "90m", "30s", "500ms", "1h30m", "1d12h", "1w1d", "045d",
    "365d", "52w", "8760h", "366d", "53w", "3650d", "521w", "87600h", "3651d", "522w", "87601h", "36500d",
    "0d", "0s", "00d", "0h0m", "-0d", "-0h0m", "-5d", "-1ms", "45", "d", "45D", "45 d", " 45d", "45d ", "1.5d",
    "+45d", "45days", "45y", "1h 30m", "99999999999999999999d"];
  for (const text of durations) {
    yield variant(["scoring", "signals", "page_view", "decay", "linear"], text);
    yield variant(["scoring", "signals", "webinar", "decay"], { halfLife: text });
    yield variant(["stages", 1, "maxDwell", "after"], text);
    yield variant(["stages", 1, "sla", "within"], text);
    yield variant(["stages", 1, "rejection", "after"], text);
  }
  const ids = ["a", "Z", "a1", "A_b-c.d", "a".repeat(64), "a".repeat(65), "1a", "_a", "-a", ".a", "a b",
    "a/b", "é", "aé", "a\u0131", "ａ", "a:b", "a+b"];
  for (const id of ids) {
    yield variant(["id"], id);
    yield variant(["stages", 0, "id"], id);
  }
  const dates = ["2026-1-01", "2026/01/01", "20260101", " 2026-01-01", "2026-01-01T00:00:00Z", "+2026-01-01",
    "２０２６-01-01", "2026-01-0a", "99999-01-01", "-001-01-01", "2026-02-29", "2024-02-29"];
  for (const date of dates) {
    yield variant(["effectiveDate"], date);
    yield variant(["calendar", "holidays", 0], date);
  }
  const weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun", "Mon", "monday", "mo"];
  for (const day of weekdays) yield variant(["calendar", "workingDays"], [day]);
  yield variant(["calendar", "workingDays"], ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]);
  yield variant(["calendar", "holidays"], ["2026-12-25", "2026-12-25"]);
  yield variant(["calendar", "holidays"], []);
  yield variant(["stages", 1, "regressTo"], ["aware", "aware"]);
  yield variant(["stages", 2, "regressTo"], ["aware", "engaged"]);
  for (const count of [1, 255, 256, 257]) {
    const doc = base();
    doc.stages = Array.from({ length: count }, (_, i) => ({ id: `s${i}`, name: `S${i}`, kind: "pre-sale" }));
    delete doc.calendar;
    yield doc;
  }
  const numbers = [-1e6, 1e6, -1000001, 1000001, 0, -0.5, 0.5, 1, 1.0000001, 1e-9, 100, 1e300];
  for (const n of numbers) {
    for (const path of ["scoring/weights/fit", "scoring/caps/fit", "scoring/fit/0/points",
      "scoring/signals/page_view/points", "scoring/signals/page_view/cap"]) {
      yield variant(path.split("/").map((k) => (/^[0-9]+$/.test(k) ? Number(k) : k)), n);
    }
  }
  for (const component of ["fit", "intent", "engagement", "usage", "relationship", "Fit", "engagment"]) {
    yield variant(["scoring", "signals", "page_view", "component"], component);
    yield variant(["scoring", "weights"], { [component]: 1 });
  }
  const decays = [{}, { halfLife: "14d", linear: "30d" }, { halfLife: "14d", linear: null }, { window: null },
    { halfLife: null, linear: null, window: "1d" }, { halfLife: "14d", linear: "30d", window: "90d" }];
  for (const decay of decays) yield variant(["scoring", "signals", "page_view", "decay"], decay);
  yield variant(["scoring", "weights"], { fit: 0.5, engagement: 0.6 });
  for (const priority of [-1000, 1000, 0, 7, 1e3, 1000.5, -0.5, 1e300, -1e300, 2 ** 31, -(2 ** 31)]) {
    yield variant(["stages", 1, "priority"], priority);
  }
}

/** Every time of day, offset and day-like string of some years whose leap rules differ. */
function* clockAndCalendar() {
  const minimal = () => ({ id: "d", name: "D", version: "1", stages: [{ id: "a", name: "A", kind: "pre-sale" }] });
  const years = ["0000", "0004", "0100", "0400", "1900", "1996", "2000", "2023", "2024", "2100", "2400", "9999"];
  for (const year of years) {
    for (let month = 0; month <= 13; month++) {
      for (let day = 0; day <= 32; day++) {
        const date = `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
        yield { ...minimal(), effectiveDate: date };
        if (day % 4 === 0 || day >= 28) yield { ...minimal(), calendar: { holidays: [date] } };
      }
    }
  }
  const two = (n) => String(n).padStart(2, "0");
  for (let h = 0; h <= 25; h++) {
    for (const m of [0, 1, 30, 59, 60, 61]) {
      const clock = `${two(h)}:${two(m)}`;
      yield { ...minimal(), calendar: { workStart: clock, workEnd: "24:00" } };
      yield { ...minimal(), calendar: { workStart: "00:00", workEnd: clock } };
      yield { ...minimal(), calendar: { workStart: clock } };
      yield { ...minimal(), calendar: { utcOffset: `+${clock}` } };
      yield { ...minimal(), calendar: { utcOffset: `-${clock}` } };
    }
  }
  for (const text of ["9:00", "09:0", "0900", "09:00:00", "09.00", "+1", "Z", "01:00", "+1:00", "UTC", "+01:00Z"]) {
    yield { ...minimal(), calendar: { workStart: text } };
    yield { ...minimal(), calendar: { workEnd: text } };
    yield { ...minimal(), calendar: { utcOffset: text } };
  }
}

function agreeWithEngine(t, docs) {
  const counts = { reject: 0, accept: 0, none: 0 };
  const failures = [];
  for (const doc of docs) {
    const { diagnostics } = validateDefinition(doc);
    const want = expectation(doc, diagnostics);
    counts[want]++;
    const { valid, errors } = check(doc);
    const engine = diagnostics.map((d) => `${d.severity} ${d.code} at ${d.path}`).join(", ") || "no diagnostics";
    if ((want === "reject" && valid) || (want === "accept" && !valid)) {
      failures.push(`${JSON.stringify(doc)}\n  engine: ${engine}\n  schema: ${valid ? "valid" : errors.join("; ")}`);
    }
  }
  t.diagnostic(`reject: ${counts.reject}, accept: ${counts.accept}, no assertion: ${counts.none}`);
  assert.equal(failures.length, 0, `${failures.length} disagreements:\n${failures.slice(0, 10).join("\n")}`);
  assert.ok(counts.reject > 0 && counts.accept > 0);
}

test("variations of a definition: the schema and the engine agree", (t) => {
  agreeWithEngine(t, variations());
});

test("dates, times of day and UTC offsets: the schema and the engine agree", (t) => {
  agreeWithEngine(t, clockAndCalendar());
});

// ---------------------------------------------------------------------------------------------

test("the schema is in the built package and reachable through the exports map", () => {
  const manifest = JSON.parse(readFileSync(`${PKG}package.json`, "utf8"));
  assert.equal(manifest.exports["./definition.schema.json"], "./definition.schema.json");
  assert.ok(manifest.files.includes("definition.schema.json"), "package.json files lists the schema");
  assert.equal(realpathSync(require.resolve(SCHEMA_EXPORT)), realpathSync(`${PKG}definition.schema.json`));
  // The package ships the schema as the repository has it (pkg/ is not stale).
  const source = JSON.parse(readFileSync(`${ROOT}schema/definition.schema.json`, "utf8"));
  assert.deepEqual(schema, source, "pkg/definition.schema.json differs from schema/: run scripts/build-pkg.sh");
  // And npm would put it in the tarball.
  const [packed] = JSON.parse(execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
    cwd: PKG, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"],
  }));
  assert.ok(packed.files.some((f) => f.path === "definition.schema.json"), "npm pack includes definition.schema.json");
});
