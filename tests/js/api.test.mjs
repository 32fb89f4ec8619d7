// Contract tests of the JS API against the built pkg/ (Node, ESM entry): what users rely on,
// including that bad input of every kind gives a JourneyError or a diagnostic, never a trap, and
// that the module keeps working afterwards.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import * as api from "account-journey";

const { Journey, formatDiagnostic, validateDefinition, version } = api;
const minimal = {
  id: "minimal", name: "Minimal", version: "1",
  stages: [{ id: "lead", name: "Lead", kind: "pre-sale" }],
};

function assertStillWorks() {
  assert.equal(Journey.default().stages().length, 10);
  assert.equal(validateDefinition(minimal).ok, true);
}

function assertJourneyError(fn, code) {
  let caught;
  try { fn(); } catch (e) { caught = e; }
  assert.ok(caught, "expected a throw");
  assert.ok(caught instanceof Error, "a real Error object");
  assert.equal(caught.name, "JourneyError");
  assert.equal(caught.code, code, caught.message);
  assert.equal(typeof caught.path, "string");
  assert.ok(Array.isArray(caught.diagnostics));
  assert.ok(typeof caught.stack === "string" && caught.stack.length > 0);
  return caught;
}

test("version() is the package version", async () => {
  const { readFile } = await import("node:fs/promises");
  const manifest = JSON.parse(await readFile(new URL("../../pkg/package.json", import.meta.url)));
  assert.equal(version(), manifest.version);
  assert.match(version(), /^\d+\.\d+\.\d+/);
});

test("Journey.default() is the eight-stage model with Closed-Lost and Churned", () => {
  const journey = Journey.default();
  assert.equal(journey.id, "default");
  assert.deepEqual(journey.stages().map((s) => s.name), [
    "Anonymous", "Identified", "Aware", "Engaged", "MQA", "SAA", "Opportunity", "Customer",
    "Closed-Lost", "Churned",
  ]);
  const kinds = Object.fromEntries(journey.stages().map((s) => [s.id, s.kind]));
  assert.equal(kinds.closed_lost, "terminal");
  assert.equal(kinds.churned, "post-sale");
  assert.equal(kinds.customer, "post-sale");
  assert.equal(kinds.mqa, "pre-sale");
  assert.deepEqual(JSON.parse(JSON.stringify(journey)).stages, journey.stages());
  assert.deepEqual(journey.warnings(), []);
});

test("validateDefinition accepts objects and text, and reports every problem at once", () => {
  assert.deepEqual(validateDefinition(minimal), { ok: true, diagnostics: [] });
  assert.deepEqual(validateDefinition(JSON.stringify(minimal)), { ok: true, diagnostics: [] });
  const text = '{\n  "id": "x",\n  "name": "X",\n  "version": "1",\n  "stages": [\n' +
    '    {"id": "a", "name": "A", "kind": "pre-sale"},\n' +
    '    {"id": "a", "name": "B", "kind": "post-sael", "extra": 1}\n  ]\n}';
  const result = validateDefinition(text);
  assert.equal(result.ok, false);
  assert.deepEqual(result.diagnostics.map((d) => [d.code, d.path]), [
    ["unknown-field", "/stages/1/extra"],
    ["invalid-value", "/stages/1/kind"],
    ["duplicate-stage-id", "/stages/1/id"],
  ]);
  const kind = result.diagnostics[1];
  assert.match(kind.message, /did you mean "post-sale"/);
  assert.deepEqual({ line: kind.span.line, column: kind.span.column }, { line: 7, column: 38 });
  assert.equal(text.slice(kind.span.start, kind.span.end), '"post-sael"');
  // Object input: the same problems, no spans (the caller never saw our serialisation).
  const fromObject = validateDefinition(JSON.parse(text));
  assert.deepEqual(fromObject.diagnostics.map((d) => d.code), result.diagnostics.map((d) => d.code));
  assert.ok(fromObject.diagnostics.every((d) => d.span === null));
});

test("spans are UTF-16 offsets, as JS strings index", () => {
  const text = '{"name": "Démo 😀", "id": "é", "version": "1", "stages": [{"id":"s","name":"S","kind":"pre-sale"}]}';
  const [d] = validateDefinition(text).diagnostics;
  assert.equal(d.code, "invalid-id");
  assert.equal(text.slice(d.span.start, d.span.end), '"é"');
});

test("new Journey throws a JourneyError listing all diagnostics", () => {
  const err = assertJourneyError(() => new Journey({ id: "x", stages: [] }), "missing-field");
  assert.deepEqual(err.diagnostics.map((d) => d.code), ["missing-field", "missing-field", "no-stages"]);
  assert.match(err.message, /3 errors/);
  const syntax = assertJourneyError(() => new Journey("{\n  \"id\": }"), "json-syntax");
  assert.deepEqual([syntax.span.line, syntax.span.column], [2, 9]);
  assert.equal(new Journey(minimal).id, "minimal");
});

test("wrong argument types give an error with a stable code, never a trap", () => {
  const cyclic = { id: "c" };
  cyclic.self = cyclic;
  const cases = [
    [undefined, "invalid-argument"], [null, "invalid-argument"], [42, "invalid-argument"],
    [true, "invalid-argument"], [() => 1, "invalid-argument"], [Symbol("s"), "invalid-argument"],
    [10n, "invalid-argument"], [cyclic, "invalid-argument"], [{ big: 1n }, "invalid-argument"],
    [[1, 2], "invalid-type"], ["", "json-syntax"], ["\ud800", "invalid-utf16"],
    ['{"id": "\\ud800"}', "invalid-utf16"], [{ id: "\ud800" }, "invalid-utf16"],
    ["x".repeat(5 * 1024 * 1024), "limit-exceeded"], ["[".repeat(10000), "limit-exceeded"],
    [{ get id() { throw new Error("getter"); } }, "invalid-argument"],
    [{ toJSON() { return undefined; } }, "invalid-argument"],
  ];
  for (const [input, code] of cases) {
    const label = typeof input === "string" ? `string(${input.length})` : typeof input;
    const v = validateDefinition(input);
    assert.equal(v.ok, false, label);
    assert.equal(v.diagnostics[0].code, code, `${label}: ${v.diagnostics[0].message}`);
    assertJourneyError(() => new Journey(input), code);
    assertStillWorks();
  }
});

test("a 20 MB definition gets a limit error, as text and as an object", () => {
  const big = { ...minimal, description: "x".repeat(20 * 1024 * 1024) };
  assert.equal(validateDefinition(JSON.stringify(big)).diagnostics[0].code, "limit-exceeded");
  assert.equal(validateDefinition(big).diagnostics[0].code, "limit-exceeded");
  assertStillWorks();
});

test("thousands of bad calls leave the instance working (no leak per error)", () => {
  // A failure path that skipped the wasm stack-pointer restore broke the instance after ~3,400
  // calls; this runs well past that, through every kind of failure the boundary has.
  const inputs = [{ toJSON() { return undefined; } }, { toJSON: () => () => 1 }, undefined, 42,
    "{", "\ud800", { id: 1 }];
  for (let i = 0; i < 5000; i++) {
    const input = inputs[i % inputs.length];
    assert.equal(validateDefinition(input).ok, false);
    assert.throws(() => new Journey(input), (e) => e.name === "JourneyError" && typeof e.code === "string");
  }
  assertStillWorks();
});

test("a hostile definition gets a bounded list of diagnostics", () => {
  const members = Array.from({ length: 20000 }, (_, i) => `"k${i}": 1`).join(",");
  const stages = Array.from({ length: 5000 }, () => "{}").join(",");
  for (const text of [`{${members}}`, `{"id": "x", "name": "X", "version": "1", "stages": [${stages}]}`]) {
    const v = validateDefinition(text);
    assert.equal(v.ok, false);
    assert.ok(v.diagnostics.length <= 101, `${v.diagnostics.length} diagnostics`);
    assert.equal(v.diagnostics.at(-1).code, "limit-exceeded");
  }
});

test("the CommonJS entry exposes the same API", () => {
  const require = createRequire(import.meta.url);
  const cjs = require("account-journey");
  assert.equal(cjs.version(), version());
  assert.deepEqual(cjs.Journey.default().toJSON(), Journey.default().toJSON());
  assert.deepEqual(Object.keys(cjs).filter((k) => !k.startsWith("__")).sort(),
    Object.keys(api).filter((k) => k !== "initSync").sort());
});

test("the content hash names the meaning, not the formatting", () => {
  const journey = Journey.default();
  assert.match(journey.hash, /^[0-9a-f]{64}$/);
  assert.equal(journey.toJSON().hash, journey.hash);
  // Canonical form round-trips to the same hash; key order, whitespace and null-vs-absent don't
  // matter; a changed threshold does.
  const def = journey.definition();
  assert.equal(new Journey(def).hash, journey.hash);
  const reordered = Object.fromEntries(Object.entries(def).reverse());
  assert.equal(new Journey(JSON.stringify(reordered, null, 4)).hash, journey.hash);
  const mqa = def.stages.find((s) => s.id === "mqa");
  mqa.entryCriteria = "score.composite > 70";
  assert.notEqual(new Journey(def).hash, journey.hash);
  const dwell = { ...minimal, stages: [{ ...minimal.stages[0], maxDwell: { after: "48h", action: "manager-review" } }] };
  const sameDwell = { ...minimal, stages: [{ ...minimal.stages[0], maxDwell: { after: "2d", action: "manager-review" } }] };
  assert.equal(new Journey(dwell).hash, new Journey(sameDwell).hash);
  assert.equal(new Journey(dwell).definition().stages[0].maxDwell.after, "2d");
});

test("formatDiagnostic shows the line and a caret under the problem", () => {
  const text = '{"id": "j", "name": "J", "version": "1", "stages": [\n  {"id": "é", "name": "Ä", "kind": "presale"}]}';
  const [bad] = validateDefinition(text).diagnostics.filter((d) => d.code === "invalid-value");
  assert.equal(formatDiagnostic(bad, text), [
    `error[invalid-value] at 2:36 (/stages/0/kind): ${bad.message}`,
    "  |",
    '2 |   {"id": "é", "name": "Ä", "kind": "presale"}]}',
    `  | ${" ".repeat(35)}^^^^^^^^^`,
  ].join("\n"));
  // Without the text (or for object input, which has no span): the first line only.
  assert.equal(formatDiagnostic(bad), `error[invalid-value] at 2:36 (/stages/0/kind): ${bad.message}`);
  assert.throws(() => formatDiagnostic({}), (e) => e.code === "invalid-argument");
  assert.throws(() => formatDiagnostic(undefined), (e) => e.code === "invalid-argument");
});

test("every export refuses wrong argument types with a JourneyError, and the module keeps working", () => {
  const { JourneySet, diffDefinitions, templates } = api;
  const set = new JourneySet({ id: "s", name: "S", version: "1", journeys: [minimal] });
  const bad = [undefined, null, 42, true, {}, [], Symbol("s"), 10n, () => 1];
  for (const value of bad) {
    const label = typeof value;
    // A method taking a string: converted inside, never by the ABI (which corrupted memory).
    assertJourneyError(() => set.journey(value), "invalid-argument");
    assert.throws(() => diffDefinitions(value, minimal), (e) => e.name === "JourneyError", label);
    assert.throws(() => diffDefinitions(minimal, value), (e) => e.name === "JourneyError", label);
    assert.throws(() => new JourneySet(value), (e) => e.name === "JourneyError", label);
    assert.throws(() => formatDiagnostic(value), (e) => e.name === "JourneyError", label);
    assertStillWorks();
  }
  assert.equal(set.journey("nope"), null);
  assert.equal(set.journey("minimal").id, "minimal");
  assert.equal(templates().length, 4);
  // Each kind of compiled file refuses the other kind, saying which to use.
  assertJourneyError(() => new JourneySet(minimal), "invalid-type");
  const twoJourneys = { id: "s", name: "S", version: "1", journeys: [minimal] };
  assertJourneyError(() => new Journey(twoJourneys), "invalid-type");
});

test("matchLeads gives one outcome per lead row, malformed rows included", () => {
  const { matchLeads } = api;
  const report = matchLeads(
    [{ id: "a", email: "jo@acme.com" }, "junk", { id: "c", email: 5 }, { id: 7, company: "Acme Inc." }],
    [{ id: "acme", name: "Acme", domains: ["acme.com"] }],
  );
  assert.deepEqual(report.matches.map((m) => [m.leadId, m.status, m.reason ?? m.rule]), [
    ["a", "matched", "domain"],
    ["", "unmatched", "invalid-row"],
    ["c", "unmatched", "invalid-row"],
    ["7", "matched", "company-name"],
  ]);
  assert.equal(report.summary.total, 4);
  assert.equal(report.summary.matched + report.summary.unmatched, 4);
  assertJourneyError(() => matchLeads("x", []), "invalid-argument");
  assertJourneyError(() => matchLeads([], [{ id: "a", domains: "acme.com" }]), "invalid-value");
  assertStillWorks();
});

test("score and buyingGroup: bad numbers are errors with the field's path, never silently missing", () => {
  const journey = Journey.default();
  const asOf = { asOf: "2026-11-22" };
  // JSON would turn NaN and infinities into null ("missing"); the binding reports them.
  const cases = [
    [{ firmographics: { employees: NaN } }, "/firmographics/employees", /NaN/],
    [{ signals: [{ type: "intent_surge", at: "2026-11-20", strength: Infinity }] }, "/signals/0/strength", /Infinity/],
    [{ score: { fit: -Infinity } }, "/score/fit", /-Infinity/],
    [{ firmographics: { employees: -3 } }, "/firmographics/employees", /out of range/],
    [{ signals: [{ type: "webinar", at: "2026-11-20", strength: 101 }] }, "/signals/0/strength", /from 0 to 100/],
    [{ buyingGroup: { engagedContacts: -1 } }, "/buyingGroup/engagedContacts", /0 or more/],
    [{ signals: [{ type: "webinar", at: "yesterday" }] }, "/signals/0/at", /not an RFC 3339 timestamp/],
    [{ contacts: [{ id: "a" }, { id: "a" }] }, "/contacts/1/id", /two contacts/],
  ];
  for (const [account, path, message] of cases) {
    // Duplicate contacts are the buying group's error; scoring does not need unique ids.
    const e = assertJourneyError(
      () => (path === "/contacts/1/id" ? journey.buyingGroup(account, asOf) : journey.score(account, asOf)),
      "invalid-value",
    );
    assert.equal(e.path, path, e.message);
    assert.match(e.message, message);
  }
  // A Date is a timestamp; an explicit null is missing, not an error.
  const ok = journey.score({ signals: [{ type: "webinar", at: new Date("2026-11-20T00:00:00Z") }],
    firmographics: { employees: null } }, asOf);
  assert.equal(ok.top[0].source, "signal:webinar");
  assertStillWorks();
});

test("score gives the top contributions and clipped caps; the full ledger only on request", () => {
  const journey = Journey.default();
  const account = {
    contacts: [{ id: "c1", role: "champion" }],
    signals: Array.from({ length: 5 }, (_, i) => ({ type: "webinar", at: `2026-11-1${i}`, contact: "c1" })),
  };
  const short = journey.score(account, { asOf: "2026-11-22" });
  assert.equal(short.ledger, null);
  assert.equal(short.top[0].source, "signal:webinar");
  assert.equal(short.top[0].count, 5);
  assert.deepEqual(short.clipped.map((c) => [c.cap, c.limit]), [["contact:c1", 40]]);
  const full = journey.score(account, { asOf: "2026-11-22", ledger: true });
  assert.equal(full.ledger.filter((l) => l.source === "signal:webinar").length, 5);
  const engagement = full.components.find((c) => c.component === "engagement").value;
  const sum = full.ledger.filter((l) => l.component === "engagement").reduce((a, l) => a + l.points, 0);
  assert.ok(Math.abs(sum - engagement) < 1e-9, `${sum} vs ${engagement}`);
  assert.equal(engagement, 40);
  assert.ok(full.ledger.filter((l) => l.at !== null).every((l) => l.contact === "c1"));
});

test("classifyColumns: one stage per row, the stage classify() gives; bad rows get their error", () => {
  const journey = Journey.default();
  const asOf = { asOf: "2026-11-22" };
  const day = (d) => Date.parse(`2026-11-${d}T00:00:00Z`);
  const accounts = [
    { firmographics: { resolved: true, industry: "software", employees: 500, techStack: ["salesforce"] },
      signals: [{ type: "page_view", at: "2026-11-20" }, { type: "webinar", at: "2026-11-19" }, { type: "ad_click", at: "2026-11-18" }] },
    {},
    { firmographics: { resolved: true }, crm: { salesAccepted: true } },
    { firmographics: { resolved: true }, signals: [{ type: "intent_surge", at: "2026-11-21", strength: 70 }] },
  ];
  const columns = {
    length: 5,
    fields: {
      "firmographics.resolved": new Uint8Array([1, 2, 1, 1, 1]),
      "crm.salesAccepted": new Uint8Array([0, 0, 1, 0, 0]),
      "firmographics.industry": ["software", null, null, null, null],
      "firmographics.employees": new Float64Array([500, NaN, NaN, NaN, -3]),
      "firmographics.techStack": [["salesforce"], [], [], [], []],
    },
    signals: {
      account: new Uint32Array([0, 0, 0, 3]),
      type: ["page_view", "webinar", "ad_click", "intent_surge"],
      at: new Float64Array([day(20), day(19), day(18), day(21)]),
      strength: new Float64Array([NaN, NaN, NaN, 70]),
    },
  };
  const out = journey.classifyColumns(columns, asOf);
  assert.ok(out.stage instanceof Uint16Array && out.composite instanceof Float64Array);
  assert.deepEqual(out.stages, journey.definition().stages.map((s) => s.id));
  for (const [i, account] of accounts.entries()) {
    const alone = journey.classify(account, asOf);
    assert.equal(out.stages[out.stage[i]] ?? null, alone.stage, `row ${i}`);
  }
  assert.deepEqual([...out.stage].map((s) => out.stages[s] ?? null), ["engaged", "anonymous", "saa", "aware", null]);
  assert.deepEqual(out.errors.map((e) => [e.row, e.code, e.path]), [[4, "invalid-value", "/fields/firmographics.employees/4"]]);
  assert.ok(Number.isNaN(out.composite[4]) && out.composite[0] > 0);
  assertJourneyError(() => journey.classifyColumns(columns, {}), "invalid-argument");
  assertJourneyError(() => journey.classifyColumns({ length: 2, fields: { "crm.won": new Uint8Array([1]) } }, asOf), "invalid-argument");
  assertStillWorks();
});

test("scoreMany and scoreColumns: one result per row, the same numbers as score()", () => {
  const journey = Journey.default();
  const asOf = { asOf: "2026-11-22" };
  const day = (d) => Date.parse(`2026-11-${d}T00:00:00Z`);
  const accounts = [
    { firmographics: { industry: "software", employees: 500, techStack: ["salesforce"] },
      contacts: [{ id: "c1" }],
      signals: [{ type: "webinar", at: "2026-11-20", contact: "c1" }, { type: "intent_surge", at: "2026-11-21", strength: 70 }] },
    {},
    { firmographics: { employees: -2 } },
    { signals: [{ type: "podcast", at: "2026-11-20" }, { type: "webinar", at: "2026-11-30" }] },
  ];
  const rows = journey.scoreMany(accounts, asOf);
  assert.equal(rows.length, accounts.length);
  assert.equal(rows[2].error.code, "invalid-value");
  assert.equal(rows[2].error.path, "/firmographics/employees");
  const scored = journey.scoreMany(["junk", null], asOf);
  assert.deepEqual(scored.map((r) => r.error.code), ["invalid-argument", "invalid-argument"]);

  const columns = {
    length: 4,
    fields: {
      "firmographics.industry": ["software", null, null, null],
      "firmographics.employees": new Float64Array([500, NaN, -2, NaN]),
      "firmographics.techStack": [["salesforce"], [], [], []],
    },
    signals: {
      account: new Uint32Array([3, 0, 0, 3]),
      type: { codes: new Uint32Array([2, 0, 1, 0]), values: ["webinar", "intent_surge", "podcast"] },
      at: new Float64Array([day(20), day(20), day(21), day(30)]),
      strength: new Float64Array([NaN, NaN, 70, NaN]),
      contact: ["c9", "c1", null, null],
    },
  };
  const batch = journey.scoreColumns(columns, asOf);
  assert.ok(batch.composite instanceof Float64Array);
  assert.equal(batch.composite.length, 4);
  for (const [i, row] of rows.entries()) {
    if (row.error) {
      assert.ok(Number.isNaN(batch.composite[i]));
      continue;
    }
    assert.equal(batch.composite[i], row.composite, `row ${i}`);
    for (const c of ["fit", "intent", "engagement", "usage", "relationship"]) {
      assert.equal(Number.isNaN(batch[c][i]) ? null : batch[c][i], row[c], `row ${i} ${c}`);
    }
  }
  assert.deepEqual(batch.errors.map((e) => [e.row, e.path]), [[2, "/fields/firmographics.employees/2"]]);
  assert.deepEqual(batch.ignored, { afterAsOf: 1, unknownTypes: { podcast: 1 }, missingStrength: 0, missingValue: 0 });
  // A malformed batch is refused whole, with what is wrong.
  const refused = [
    { length: 2, fields: { "firmographics.employees": new Float64Array([1]) } },
    { length: 1, fields: { "firmographics.headcount": new Float64Array([1]) } },
    { length: 1, fields: { "firmographics.employees": [1, 2] } },
    { length: 1, signals: { account: new Uint32Array([4]), type: ["webinar"], at: new Float64Array([0]) } },
    { length: 1, signals: { account: [0], type: ["webinar"], at: new Float64Array([0]) } },
    { length: -1 },
    { length: 1, signal: {} },
    { length: 1, signals: { account: new Uint32Array([0]), type: ["webinar"], at: new Float64Array([0]), when: 1 } },
    "columns",
  ];
  for (const bad of refused) assertJourneyError(() => journey.scoreColumns(bad, asOf), "invalid-argument");
  // A length the results could not fit in memory is refused before anything is allocated.
  assert.equal(assertJourneyError(() => journey.scoreColumns({ length: 4_000_000_000 }, asOf), "limit-exceeded").path, "/length");
  assertStillWorks();
});

test("matchLeadsColumns gives matchLeads' outcomes as typed arrays, one per row", () => {
  const { matchLeads, matchLeadsColumns } = api;
  const accounts = [
    { id: "acme", name: "Acme Inc.", domains: ["acme.com"] },
    { id: "globex", name: "Globex", domains: ["https://www.globex.co.uk/"] },
  ];
  const leads = [
    { id: "1", email: "jo@acme.com" }, { id: "2", email: "x@gmail.com", company: "GLOBEX corp" },
    { id: "3", email: "nobody@mailinator.com" }, { id: "4" }, { id: "5", email: "a@eu.globex.co.uk" },
  ];
  const objects = matchLeads(leads, accounts);
  const utf8 = (values) => {
    const parts = values.map((v) => new TextEncoder().encode(v ?? ""));
    const offsets = new Uint32Array(values.length + 1);
    parts.forEach((p, i) => { offsets[i + 1] = offsets[i] + p.length; });
    const data = new Uint8Array(offsets[values.length]);
    parts.forEach((p, i) => data.set(p, offsets[i]));
    return { data, offsets, valid: Uint8Array.from(values, (v) => (v == null ? 0 : 1)) };
  };
  for (const email of [leads.map((l) => l.email ?? null), utf8(leads.map((l) => l.email ?? null))]) {
    const columns = matchLeadsColumns(
      { length: leads.length, email, company: leads.map((l) => l.company ?? null) }, accounts);
    assert.ok(columns.account instanceof Int32Array);
    assert.deepEqual(columns.summary, objects.summary);
    objects.matches.forEach((m, i) => {
      assert.equal(columns.account[i], m.status === "matched" ? accounts.findIndex((a) => a.id === m.accountId) : -1);
      assert.equal(columns.rule[i] === 0 ? null : columns.rules[columns.rule[i] - 1], m.rule ?? null);
      assert.equal(columns.reason[i] === 0 ? null : columns.reasons[columns.reason[i] - 1], m.reason ?? null);
    });
  }
  // Bytes that are not UTF-8 make that row invalid, not the batch.
  const broken = { data: Uint8Array.from([0x61, 0x40, 0xff, 0x2e, 0x63]), offsets: Uint32Array.from([0, 5, 5]) };
  const report = matchLeadsColumns({ length: 2, email: broken }, accounts);
  assert.equal(report.reasons[report.reason[0] - 1], "invalid-row");
  assert.equal(report.summary.total, 2);
  // So does a value that is not text in an array of strings (never silently "no email").
  const mixed = matchLeadsColumns({ length: 2, email: [42, null] }, accounts);
  assert.deepEqual(Array.from(mixed.reason, (r) => mixed.reasons[r - 1]), ["invalid-row", "no-email-and-no-company"]);
  for (const bad of [
    { length: 2, email: ["a@b.com"] },
    { length: 1, email: { data: new Uint8Array(2), offsets: Uint32Array.from([0, 5]) } },
    { length: 1, emails: [] },
    "leads",
  ]) assertJourneyError(() => matchLeadsColumns(bad, accounts), "invalid-argument");
  assertJourneyError(() => matchLeadsColumns({ length: 4_000_000_000 }, accounts), "limit-exceeded");
  assertStillWorks();
});

test("classify: the stage, what else matched, why, and what the next stage needs", () => {
  const journey = Journey.default();
  const c = journey.classify({
    firmographics: { resolved: true },
    signals: [1, 2, 3].map((d) => ({ type: "page_view", at: `2026-11-1${d}` })),
  }, { asOf: "2026-11-22" });
  assert.equal(c.stage, "engaged");
  assert.equal(c.status, "in-stage");
  assert.deepEqual(c.matched, ["engaged", "aware", "identified", "anonymous"]);
  assert.equal(c.journey.hash, journey.hash);
  assert.equal(c.because.checks[0].left.value, "3");
  assert.equal(c.next.stage, "mqa");
  assert.equal(c.next.checks[0].holds, false);
  assert.equal(c.next.checks[0].right.value, "75");
  // A target-list journey leaves other accounts outside; bad input is the usual JourneyError.
  const abm = new api.Journey(api.templates().find((t) => t.id === "abm-six-stage").definition);
  assert.equal(abm.classify({}, { asOf: "2026-11-22" }).status, "outside");
  const e = assertJourneyError(() => journey.classify({ score: { fit: 140 } }, { asOf: "2026-11-22" }), "invalid-value");
  assert.equal(e.path, "/score/fit");
  assertJourneyError(() => journey.classify({}, {}), "invalid-argument");
  assertStillWorks();
});

test("classify: nextChangeAt is when a window expires, and can be skipped", () => {
  const journey = Journey.default();
  const account = {
    firmographics: { resolved: true },
    signals: ["2026-11-10", "2026-11-15", "2026-11-18"].map((at) => ({ type: "page_view", at })),
  };
  const c = journey.classify(account, { asOf: "2026-11-22" });
  assert.equal(c.stage, "engaged");
  // Three page views in 30 days; the first leaves the window 30 days and 1 ms after it.
  assert.equal(c.nextChangeAt, "2026-12-10T00:00:00.001Z");
  assert.equal(journey.classify(account, { asOf: c.nextChangeAt }).stage, "aware");
  assert.equal(journey.classify(account, { asOf: "2026-12-10T00:00:00.000Z" }).stage, "engaged");
  assert.equal(journey.classify(account, { asOf: "2026-11-22", nextChange: false }).nextChangeAt, null);
});

test("replay: timelines from events, refusals counted, state saved and continued", () => {
  const journey = Journey.default();
  const events = [
    { id: "e1", account: "acme", at: "2026-03-02T10:00:00Z", type: "firmographics",
      firmographics: { industry: "software" } },
    { id: "e2", account: "acme", at: "2026-03-03T10:00:00Z", type: "page_view" },
    { id: "e2", account: "acme", at: "2026-03-03T10:00:00Z", type: "page_view" },
    { account: "acme", at: "2026-03-04", type: "page_view", strength: NaN },
    { account: "globex", at: "2026-03-05", type: "stage_override", stage: "nope", by: "ops" },
    { account: "acme", at: "2027-01-01", type: "page_view" },
  ];
  const r = journey.replay(events, { asOf: "2026-04-01" });
  assert.deepEqual(r.events, { received: 6, applied: 2, refused: 4,
    refusedByReason: { duplicate: 1, "invalid-event": 1, "unknown-stage": 1, "after-as-of": 1 } });
  assert.deepEqual(r.refused.map((x) => [x.index, x.reason]),
    [[2, "duplicate"], [3, "invalid-event"], [4, "unknown-stage"], [5, "after-as-of"]]);
  assert.match(r.refused[1].message, /NaN/);
  const acme = r.accounts.find((a) => a.account === "acme");
  assert.equal(acme.stage, "aware");
  assert.deepEqual(acme.transitions.map((t) => [t.from, t.to, t.kind]),
    [[null, "identified", "entry"], ["identified", "aware", "advance"]]);
  assert.equal(acme.transitions[1].trigger.id, "e2");
  assert.equal(acme.dwell.find((d) => d.stage === "aware").currentMs, Date.parse("2026-04-01") - Date.parse("2026-03-03T10:00:00Z"));
  // JSON Lines text gives the same answer as the array.
  const lines = events.slice(0, 3).map((e) => JSON.stringify(e)).join("\n");
  assert.deepEqual(journey.replay(lines, { asOf: "2026-04-01" }).accounts, [acme]);

  // Incremental: apply, save, read back, continue — the same as one replay.
  const state = journey.replayState();
  assert.equal(state.apply(events.slice(0, 2), { asOf: "2026-04-01" }).events.applied, 2);
  const bytes = state.toBytes();
  assert.ok(bytes instanceof Uint8Array);
  const resumed = api.ReplayState.fromBytes(journey, bytes);
  assert.equal(resumed.accounts, 1);
  const late = resumed.apply([{ account: "acme", at: "2026-03-01", type: "page_view" }], { asOf: "2026-04-01" });
  assert.deepEqual(late.refused.map((x) => x.reason), ["late"]);
  assert.deepEqual(resumed.result({ asOf: "2026-04-01" }).accounts, [acme]);

  // Accounts restricted; bad arguments throw; bad state bytes throw.
  const only = journey.replay(events.slice(0, 2).concat([{ account: "x", at: "2026-03-01", type: "page_view" }]),
    { asOf: "2026-04-01", accounts: ["acme"] });
  assert.deepEqual(only.refused.map((x) => x.reason), ["unknown-account"]);
  assertJourneyError(() => journey.replay(events, {}), "invalid-argument");
  assertJourneyError(() => journey.replay(42, { asOf: "2026-04-01" }), "invalid-argument");
  assertJourneyError(() => journey.replay([], { asOf: "2026-04-01", accounts: "acme" }), "invalid-argument");
  assertJourneyError(() => api.ReplayState.fromBytes(journey, new Uint8Array([1, 2, 3])), "invalid-argument");
  assertJourneyError(() => api.ReplayState.fromBytes(journey, bytes.subarray(0, bytes.length - 3)), "invalid-argument");
  const other = new Journey(minimal);
  assertJourneyError(() => api.ReplayState.fromBytes(other, bytes), "invalid-argument");
  assertStillWorks();
});

test("ReplayState.applyColumns reads each row as the same event in JSON", () => {
  const journey = Journey.default();
  const events = [
    { account: "acme", at: "2026-03-02T10:00:00Z", type: "firmographics", firmographics: { industry: "software", resolved: true } },
    { account: "acme", at: "2026-03-03T10:00:00Z", type: "page_view", id: "e2", strength: 80 },
    { account: "globex", at: "2026-03-03T11:00:00Z", type: "contact", contact: { id: "c1", role: "champion" } },
    { account: "globex", at: "2026-03-04T11:00:00Z", type: "webinar", contact: "c1" },
    { account: "acme", at: "2026-03-05T10:00:00Z", type: "sales_rejected", reason: "not-a-code" },
    { account: "acme", at: "2026-03-06T10:00:00Z", type: "page_view", strength: 140 },
    { account: "globex", at: "2026-03-07T10:00:00Z", type: "churn", amount: 5 },
    { account: "acme", at: "2026-03-03T10:00:00Z", type: "page_view", id: "e2", strength: 80 },
  ];
  const fields = ["account", "at", "type", "id", "strength", "contact", "firmographics", "reason", "amount"];
  const column = (key) => events.map((e) => e[key] ?? null);
  const columns = { length: events.length };
  for (const key of fields) columns[key] = column(key);
  // Times as epoch milliseconds, strengths as a Float64Array, types dictionary-coded.
  columns.at = new Float64Array(events.map((e) => Date.parse(e.at)));
  columns.strength = new Float64Array(events.map((e) => e.strength ?? NaN));
  columns.amount = new Float64Array(events.map((e) => e.amount ?? NaN));
  const types = [...new Set(events.map((e) => e.type))];
  columns.type = { codes: new Uint32Array(events.map((e) => types.indexOf(e.type))), values: types };

  const byLines = journey.replayState();
  const fromLines = byLines.apply(events.map((e) => JSON.stringify(e)).join("\n"), { asOf: "2026-04-01" });
  const byColumns = journey.replayState();
  const fromColumns = byColumns.applyColumns(columns, { asOf: "2026-04-01" });
  assert.deepEqual(fromColumns, fromLines);
  assert.deepEqual(fromColumns.refused.map((r) => [r.index, r.reason]),
    [[5, "invalid-event"], [6, "invalid-event"], [7, "duplicate"]]);
  assert.deepEqual(byColumns.result({ asOf: "2026-04-01" }), byLines.result({ asOf: "2026-04-01" }));
  assert.deepEqual(byColumns.toBytes(), byLines.toBytes());

  // Not a batch of columns: the whole call throws, naming the column.
  const state = journey.replayState();
  const wrong = (c) => assertJourneyError(() => state.applyColumns(c, { asOf: "2026-04-01" }), "invalid-argument");
  assert.equal(wrong({ length: 1, acount: ["acme"] }).path, "/acount");
  assert.match(wrong({ length: 2, account: ["acme"] }).message, /has 1 rows, not 2/);
  assert.match(wrong({ length: 1, strength: ["high"] }).message, /must hold numbers/);
  wrong({ length: -1 });
  wrong(42);
  assertJourneyError(() => state.applyColumns({ length: 0 }, {}), "invalid-argument");
  assert.equal(state.applyColumns({ length: 0 }, { asOf: "2026-04-01" }).events.received, 0);
  // Rows need columns: a length alone cannot make the engine allocate for billions of rows.
  assert.equal(wrong({ length: 4e9 }).path, "/length");
  // A cell of another type is named, not read as absent; lone surrogates are refused.
  const row = (account) => ({ length: 1, account, type: ["page_view"], at: ["2026-03-02"] });
  assert.equal(wrong(row([42])).path, "/account/0");
  assert.equal(wrong(row([{ x: 1 }])).path, "/account/0");
  assert.equal(wrong(row(["a\ud800"])).path, "/account/0");
  assert.equal(wrong({ ...row(["a"]), contact: [{ id: "c1" }] }).path, "/contact/0");
  // A getter that throws is an error; the state is not left half-borrowed.
  const hostile = { length: 1, get account() { throw new Error("boom"); } };
  assert.equal(wrong(hostile).path, "/account");
  const proxy = new Proxy(["a"], { get: (t, k) => { if (k === "0") throw new Error("boom"); return t[k]; } });
  assert.equal(wrong(row(proxy)).path, "/account/0");
  // Dates are their ISO text; an undefined column is no column.
  const dated = state.applyColumns({ ...row(["dated"]), at: [new Date("2026-03-02T10:00:00Z")], topic: undefined }, { asOf: "2026-04-01" });
  assert.equal(dated.events.applied, 1);
  assert.equal(state.result({ asOf: "2026-04-01" }).accounts[0].account, "dated");
  assertStillWorks();
});

test("JourneySet.replay: a conflict rule suppresses a stage of another journey; roll-up", () => {
  const stage = (id, entryCriteria, kind = "post-sale") => ({ id, name: id, kind, entryCriteria });
  const set = new api.JourneySet({
    id: "acme", name: "Acme", version: "1",
    journeys: [
      { id: "save", name: "Save", version: "1", stages: [stage("healthy", "true"),
        stage("at-risk", 'exists(signals, type == "risk_alert" and within(30d))')] },
      { id: "expansion", name: "Expansion", version: "1", unmatched: "outside", stages: [
        stage("adopting", "crm.won"),
        stage("mqa", 'crm.won and count(signals, type == "usage_spike" and within(30d)) >= 2')] },
    ],
    rollup: ["expansion", "save"],
    conflicts: [{ id: "save-suppresses-mqa", when: { journey: "save", stages: ["at-risk"] },
      suppress: { journey: "expansion", stages: ["mqa"] } }],
  });
  const e = (at, type) => ({ account: "acme", at, type });
  const r = set.replay([e("2026-01-01", "opportunity_won"), e("2026-02-01", "usage_spike"),
    e("2026-02-02", "usage_spike"), e("2026-02-10", "risk_alert"), { account: "acme", at: "2026-02-11", type: "stage_override", stage: "mqa", by: "ops" }],
  { asOf: "2026-02-20" });
  const [acme] = r.accounts;
  const expansion = acme.journeys.find((j) => j.journey === "expansion").timeline;
  assert.deepEqual(expansion.transitions.map((t) => [t.to, t.kind]),
    [["adopting", "entry"], ["mqa", "advance"], ["adopting", "regression"], ["mqa", "override"]]);
  assert.deepEqual(acme.rollup, { journey: "expansion", stage: "mqa" });
  // The override names a stage only the expansion journey has: the save journey refuses it.
  assert.deepEqual(r.journeys.map((j) => [j.journey.id, j.events.applied, j.events.refused]),
    [["save", 4, 1], ["expansion", 5, 0]]);
  assert.equal(r.journeys[0].refused[0].reason, "unknown-stage");
  assertJourneyError(() => set.replay([], {}), "invalid-argument");
});

test("ReplayState.result pages through accounts", () => {
  const journey = Journey.default();
  const state = journey.replayState();
  const e = (account, at) => ({ account, at, type: "page_view" });
  state.apply([e("c", "2026-03-01"), e("a", "2026-03-02"), e("b", "2026-03-03")], { asOf: "2026-04-01" });
  const all = state.result({ asOf: "2026-04-01" }).accounts.map((a) => a.account);
  assert.deepEqual(all, ["a", "b", "c"]);
  const page = state.result({ asOf: "2026-04-01", offset: 1, limit: 1 });
  assert.deepEqual(page.accounts.map((a) => a.account), ["b"]);
  assert.equal(page.events.received, 3);
  assert.deepEqual(state.result({ asOf: "2026-04-01", offset: 5 }).accounts, []);
  assertJourneyError(() => state.result({ asOf: "2026-04-01", limit: -1 }), "invalid-argument");
  assertJourneyError(() => state.result({ asOf: "2026-04-01", offset: 1.5 }), "invalid-argument");
});
