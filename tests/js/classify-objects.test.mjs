// classifyMany(accounts, { asOf, explain: false }) — the bulk path over plain objects
// (js/classify-objects.js) — gives every row what classify() gives: the same stage and status,
// or the same error. Over seeded random accounts that mix clean rows (which take the columnar
// path) with every kind of row the engine's reader treats specially: unknown and mistyped
// fields, nulls, NaN and infinities, numbers out of range, timestamps in other forms or
// impossible, signals without a type, contacts listed or not, scores given, strings that are
// not valid UTF-16, Date objects. For every shipped template, in the ESM and the CommonJS entry.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import * as esm from "account-journey";

const cjs = createRequire(import.meta.url)("account-journey");

let state = 11n;
const next = () => { state = (state * 6364136223846793005n + 1442695040888963407n) & ((1n << 64n) - 1n); return Number(state >> 33n); };
const pick = (xs) => xs[next() % xs.length];
const maybe = (p, f) => (next() % 100 < p ? f() : undefined);
const KINDS = ["page_view", "webinar", "content_download", "ad_click", "intent_surge", "meeting", "renewal",
  "expansion", "product_usage", "email_reply", "podcast"];
const TIMES = ["2026-11-20", "2026-10-01", "2026-08-15", "2026-11-21T10:30Z", "2026-11-19T08:00:00Z",
  "2026-11-18T08:00:00.5Z", "2026-11-18T23:59:59.99Z", "2026-11-21T00:00:00.007Z", "2026-12-01", "2025-11-22",
  "2024-02-29", "2000-02-29T12:00Z", "1969-12-31T23:59:59Z", "0001-03-01", "9999-12-31T23:59:59.999Z"];
const ODD_TIMES = ["2026-11-20T10:00:00+02:00", "2026-02-30", "2023-02-29", "1900-02-29", "2026-11-20t10:00:00z",
  "2026-11-20 10:00:00Z", "yesterday", "2026-11-20T24:00Z", "2026-11-20T10:60Z", "2026-11-20T10:00:60Z",
  "2026-11-20T10:00:00.1234Z", "2026-11-20T10:00:00.Z", "2026-13-01", "2026-00-10", "2026-1-01", "+02026-11-20",
  "2026-11-20T10Z", "2026-11-20T10:00:00", "0000-01-01"];
const day = (t) => (next() % 12 === 0 ? pick(ODD_TIMES) : pick(TIMES));
const odd = () => pick([null, NaN, Infinity, -1, 250, "7", true, {}, [], "\ud800", new Date(Date.UTC(2026, 10, 1))]);

function account() {
  const weird = next() % 4 === 0;
  const a = {};
  const flags = () => pick([true, false, true, null, undefined]);
  a.account = { id: `a${next() % 1000}`, target: flags() };
  a.firmographics = {
    resolved: flags(),
    industry: maybe(70, () => pick(["software", "retail", "fintech", "healthcare"])),
    country: maybe(60, () => pick(["US", "DE", "BR"])),
    employees: maybe(70, () => next() % 3000),
    revenue: maybe(30, () => (next() % 100) * 1e6),
    techStack: maybe(50, () => [pick(["salesforce", "hubspot"])]),
  };
  a.crm = {
    salesAccepted: flags(), rejected: maybe(20, flags), won: flags(), lost: maybe(20, flags),
    churned: maybe(10, flags), opportunity: maybe(40, () => ({ open: flags(), amount: maybe(50, () => next() % 90000) })),
    customerSince: maybe(20, () => pick(TIMES)),
  };
  if (next() % 10 === 0) a.score = { composite: next() % 101 };
  const contacts = maybe(30, () => [{ id: "c1", role: pick(["champion", "economic_buyer", undefined]) }, { id: "c2" }]);
  if (contacts) a.contacts = contacts;
  a.signals = Array.from({ length: next() % 9 }, () => {
    const s = { type: pick(KINDS), at: day() };
    if (next() % 3 === 0) s.strength = next() % 101;
    if (next() % 5 === 0) s.contact = pick(["c1", "c2", "c9"]);
    if (next() % 9 === 0) s.value = next() % 40;
    if (next() % 11 === 0) s.topic = pick(["ai", "pricing"]);
    return s;
  });
  if (weird) {
    switch (next() % 9) {
      case 0: a.firmographics[pick(["employees", "industry", "resolved", "techStack"])] = odd(); break;
      case 1: a[pick(["firmographic", "notes"])] = 1; break;
      case 2: a.signals.push(pick([{ at: "2026-11-20" }, { type: "page_view" }, { type: "page_view", at: "2026-11-20", strength: odd() }, null])); break;
      case 3: a.crm = pick([null, "won", { won: odd() }]); break;
      case 4: a.signals = pick([null, "none", [undefined]]); break;
      case 5: a.firmographics.techStack = ["salesforce", pick([null, 3, "\udfff"])]; break;
      case 6: a.score = { composite: odd() }; break;
      case 7: a.asOf = pick(["2026-01-01", "garbage"]); break;
      default: return pick([null, "account", 42, [a], undefined]);
    }
  }
  return a;
}

for (const [entry, api] of [["ESM", esm], ["CommonJS", cjs]]) {
  test(`${entry}: classifyMany with explain: false answers every row as classify() does`, () => {
    const accounts = Array.from({ length: 400 }, account);
    // And one whose criteria read what columns treat specially: a signal's contact and topic,
    // the buying group, required roles.
    const corners = new api.Journey({
      id: "corners", name: "Corners", version: "1", buyingGroup: { requiredRoles: ["champion"] },
      // A per-contact cap that binds: signals by contacts the account does not list are not capped.
      scoring: { weights: { engagement: 1 }, contactCaps: { engagement: 5 }, signals: {
        page_view: { component: "engagement", points: 10 }, webinar: { component: "engagement", points: 10 } } },
      stages: [
        { id: "base", name: "Base", kind: "pre-sale", entryCriteria: "true" },
        { id: "unlisted", name: "Unlisted", kind: "pre-sale", entryCriteria: 'exists(signals, contact == "c9")' },
        { id: "topic", name: "Topic", kind: "pre-sale", entryCriteria: 'exists(signals, topic == "ai")' },
        { id: "group", name: "Group", kind: "pre-sale", entryCriteria: "size(buyingGroup.engagedRoles) >= 1" },
        { id: "roles", name: "Roles", kind: "pre-sale", requiredRoles: ["champion"], entryCriteria: "true" },
      ],
    });
    const journeys = [api.Journey.default(), ...api.templates().map((t) => new api.Journey(t.definition)), corners];
    let fastRows = 0;
    for (const journey of journeys) {
      for (const asOf of ["2026-11-22", "2026-11-22T12:00:00Z"]) {
        const lean = journey.classifyMany(accounts, { asOf, explain: false });
        const full = journey.classifyMany(accounts, { asOf, nextChange: false });
        assert.equal(lean.length, accounts.length);
        for (let i = 0; i < accounts.length; i++) {
          const where = `${journey.id} row ${i}: ${JSON.stringify(accounts[i])}`;
          if (full[i].error) {
            assert.deepEqual(lean[i], { error: full[i].error }, where);
            continue;
          }
          assert.deepEqual({ stage: lean[i].stage, status: lean[i].status }, { stage: full[i].stage, status: full[i].status }, where);
          // The composite the criteria saw: the account's own, else the computed one — to the
          // bit, so every timestamp read on the way was read right.
          const given = accounts[i].score?.composite;
          const scored = typeof given === "number" ? given
            : journey.definition().scoring ? journey.score(accounts[i], { asOf }).composite : null;
          assert.equal(lean[i].composite, scored, where);
          if (lean[i].composite !== null) fastRows++;
        }
      }
    }
    assert.ok(fastRows > 1000, `most clean rows are scored (${fastRows})`);
  });
}

test("explain: false keeps the explaining path's refusals and scores what criteria saw", () => {
  const journey = esm.Journey.default();
  assert.throws(() => journey.classifyMany("accounts", { asOf: "2026-11-22", explain: false }), { code: "invalid-argument" });
  assert.throws(() => journey.classifyMany([], { explain: false }), { code: "invalid-argument" });
  const rows = journey.classifyMany([{ score: { composite: 80 } }, {}], { asOf: "2026-11-22", explain: false });
  assert.deepEqual(rows[0], { stage: "mqa", status: "in-stage", composite: 80 });
  const bad = journey.classifyMany([{}], { asOf: "not a date", explain: false });
  assert.equal(bad[0].error.code, "invalid-argument");
  // The bulk path is the columnar one: same stages as classifyColumns.
  const read = journey.fieldsRead();
  assert.ok(read.fields.includes("score.composite") && !read.readsContacts && !read.readsSignalTopic);
  const schema = esm.accountSchema();
  assert.equal(schema.firmographics.employees, "number:0+");
  assert.equal(schema.signals[0].type, "string!");
});

test("explain: false reads every canonical timestamp to the millisecond, across the calendar", () => {
  // Stages that tell days, seconds and milliseconds apart, over dates from year 1 to 9999.
  const journey = new esm.Journey({
    id: "clock", name: "Clock", version: "1",
    stages: [
      { id: "any", name: "Any", kind: "pre-sale", entryCriteria: "true" },
      { id: "day", name: "Day", kind: "pre-sale", entryCriteria: "daysSince(crm.customerSince) % 7 >= 3" },
      { id: "second", name: "Second", kind: "pre-sale", entryCriteria: "(asOf - crm.customerSince) / 1s % 2 >= 1" },
      { id: "milli", name: "Milli", kind: "pre-sale", entryCriteria: "(asOf - crm.customerSince) / 1ms % 10 >= 5" },
    ],
  });
  const pad = (n, w) => String(n).padStart(w, "0");
  const accounts = Array.from({ length: 3000 }, () => {
    const y = 1 + (next() % (next() % 10 ? 2026 : 9999)), m = 1 + (next() % 12), d = 1 + (next() % 31);
    const time = `T${pad(next() % 24, 2)}:${pad(next() % 60, 2)}` +
      pick(["", `:${pad(next() % 60, 2)}`, `:${pad(next() % 60, 2)}.${pad(next() % 1000, 1 + (next() % 3))}`]);
    return { crm: { customerSince: `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}${pick(["", `${time}Z`])}` } };
  });
  const lean = journey.classifyMany(accounts, { asOf: "2026-11-22T12:34:56.789Z", explain: false });
  const full = journey.classifyMany(accounts, { asOf: "2026-11-22T12:34:56.789Z", nextChange: false });
  let stages = 0;
  for (let i = 0; i < accounts.length; i++) {
    assert.deepEqual(lean[i].error ?? lean[i].stage, full[i].error ?? full[i].stage, JSON.stringify(accounts[i]));
    if (!full[i].error && full[i].stage !== "any") stages++;
  }
  assert.ok(stages > 1000, `the criteria tell the times apart (${stages})`);
});

test("explain: false agrees with classify on what a review found: imported fit, duplicate contacts, reader limits, indexed topics, toJSON, throwing getters", () => {
  const check = (journey, accounts, what) => {
    const lean = journey.classifyMany(accounts, { asOf: "2026-11-22", explain: false });
    const full = journey.classifyMany(accounts, { asOf: "2026-11-22", nextChange: false });
    accounts.forEach((_, i) => assert.deepEqual(lean[i].error ?? lean[i].stage, full[i].error ?? full[i].stage, `${what} row ${i}`));
  };
  const stages = (criteria, extra = {}) => new esm.Journey({ id: "j", name: "J", version: "1", unmatched: "outside", ...extra,
    stages: criteria.map(([id, entryCriteria]) => ({ id, name: id, kind: "pre-sale", entryCriteria })) });
  check(stages([["hot", "score.composite > 30"]], { scoring: { fitSource: "imported", weights: { fit: 1, engagement: 1 },
    signals: { webinar: { component: "engagement", points: 10 } } } }), [{ score: { fit: 90 } }, { score: { fit: 10 } }], "imported fit");
  check(esm.Journey.default(), [{ firmographics: { resolved: true }, contacts: [{ id: "c1" }, { id: "c1" }] }], "duplicate contacts");
  check(esm.Journey.default(), [{ account: { id: "x", name: "x".repeat(1_100_000) } },
    { firmographics: { techStack: Array.from({ length: 100_001 }, () => "s") } }], "reader limits");
  check(stages([["ai", 'signals[0].topic == "ai"']]), [{ signals: [{ type: "page_view", at: "2026-11-20", topic: "ai" }] }], "indexed topic");
  const hidden = { crm: { salesAccepted: true } };
  Object.defineProperty(hidden, "toJSON", { value: () => ({}), enumerable: false });
  const signals = [{ type: "page_view", at: "2026-11-20" }, { type: "webinar", at: "2026-11-19" }, { type: "ad_click", at: "2026-11-18" }];
  signals.toJSON = () => [];
  class Stack extends Array {}
  check(esm.Journey.default(), [hidden, { firmographics: { resolved: true }, signals },
    { firmographics: { resolved: true, techStack: Stack.from(["salesforce"]) } }], "toJSON");
  const throwing = { get firmographics() { throw new Error("no"); } };
  const lean = esm.Journey.default().classifyMany([throwing, {}], { asOf: "2026-11-22", explain: false });
  assert.equal(lean[0].error.code, "invalid-argument");
  assert.equal(lean[1].stage, "anonymous");
});
