// ReplayPool ("account-journey/pool"): replay sharded by account across worker threads must
// answer exactly what one ReplayState answers — batch outcomes (refused events under their
// positions in the whole batch), timelines, reports, saved state — whatever the number of
// workers, including awkward input (blank and CRLF lines, unreadable lines, escaped keys,
// duplicates, late events, events for unknown accounts).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Journey } from "account-journey";
import { ReplayPool, accountOfLine, compareIds } from "account-journey/pool";
import { generateHistory } from "../../examples/generate.mjs";

const AS_OF = "2026-11-22";
const history = generateHistory({ accounts: 400, events: 9_000, seed: 5 });
const lines = history.lines.trim().split("\n");
// Three batches in time order, the second with awkward lines mixed in.
const awkward = [
  "",
  "   \t",
  "not json",
  '{"type": "page_view", "at": "2026-01-01T00:00:00Z"}',
  '{"acc\\u006funt": "escaped-key", "at": "2026-03-01T00:00:00Z", "type": "page_view"}',
  '{"meta": {"account": "nested"}, "account": "outer", "at": "2026-03-01T00:00:00Z", "type": "page_view"}',
  '{"account": "first", "account": "second", "at": "2026-03-01T00:00:00Z", "type": "page_view"}',
  '{"account": 42, "at": "2026-03-01T00:00:00Z", "type": "page_view"}',
  '{"account": "late", "at": "2026-06-01T00:00:00Z", "type": "page_view"}\r',
  '{"account": "late", "at": "2026-02-01T00:00:00Z", "type": "page_view"}',
  // Accounts written three ways: each must stay in one worker (else it would be listed twice).
  ...["k0", "k1", "k2", "k3", "k4", "k5"].flatMap((k) => [
    `{"account": "${k}", "at": "2026-03-02T00:00:00Z", "type": "page_view"}`,
    `{"acc\\u006funt": "${k}", "at": "2026-03-03T00:00:00Z", "type": "page_view"}`,
    `{"at": "2026-03-04T00:00:00Z", "account": "\\u006${k.slice(1) === "0" ? "b" : "B"}${k.slice(1)}", "type": "page_view"}`,
  ]),
];
const third = Math.floor(lines.length / 3);
const batches = [
  lines.slice(0, third).join("\n"),
  [...lines.slice(third, 2 * third).slice(0, 50), ...awkward, ...lines.slice(third + 50, 2 * third)].join("\r\n"),
  lines.slice(2 * third).join("\n") + "\n\n",
];
const REPORTS = { asOf: AS_OF, from: "2026-01-01", to: "2026-10-31", groupBy: "segment" };

function single() {
  const state = Journey.default().replayState();
  const outcomes = batches.map((b) => state.apply(b, { asOf: AS_OF }));
  return { state, outcomes };
}

test("a pool of 1, 2 or 3 workers answers what one replay state answers", async () => {
  const { state, outcomes } = single();
  const result = state.result({ asOf: AS_OF });
  const reports = state.reports(REPORTS);
  assert.ok(outcomes[1].refused.length >= 5, "the awkward lines are refused");
  for (const workers of [1, 2, 3]) {
    const pool = await ReplayPool.create(null, { workers });
    try {
      for (const [i, batch] of batches.entries()) {
        assert.deepEqual(await pool.apply(batch, { asOf: AS_OF }), outcomes[i], `batch ${i}, ${workers} workers`);
      }
      assert.equal(await pool.accounts(), state.accounts);
      const memory = await pool.memoryBytes();
      assert.equal(memory.length, workers);
      assert.ok(memory.every((m) => Number.isInteger(m) && m > 1 << 16), `${memory}`);
      assert.deepEqual(await pool.result({ asOf: AS_OF }), result, `result, ${workers} workers`);
      assert.deepEqual(await pool.reports(REPORTS), reports, `reports, ${workers} workers`);
      const streamed = [];
      for await (const timeline of pool.timelines({ asOf: AS_OF, page: 37 })) streamed.push(timeline);
      assert.deepEqual(streamed, result.accounts, `timelines, ${workers} workers`);
    } finally {
      await pool.close();
    }
  }
});

test("batches applied without waiting for each other are taken in call order", async () => {
  const { outcomes, state } = single();
  const pool = await ReplayPool.create(null, { workers: 2 });
  try {
    const answers = await Promise.all(batches.map((b) => pool.apply(b, { asOf: AS_OF })));
    assert.deepEqual(answers, outcomes);
    assert.deepEqual(await pool.result({ asOf: AS_OF }), state.result({ asOf: AS_OF }));
  } finally {
    await pool.close();
  }
});

test("events given as an array are split and answered the same way", async () => {
  const events = lines.slice(0, 2000).map((l) => JSON.parse(l));
  events.splice(10, 0, { at: "2026-01-01", type: "page_view" }, null);
  const state = Journey.default().replayState();
  const expected = state.apply(events, { asOf: AS_OF });
  const pool = await ReplayPool.create(null, { workers: 2 });
  try {
    assert.deepEqual(await pool.apply(events, { asOf: AS_OF }), expected);
    assert.deepEqual(await pool.result({ asOf: AS_OF }), state.result({ asOf: AS_OF }));
  } finally {
    await pool.close();
  }
});

/** Events (objects) as columns: strings dictionary-coded or as arrays, numbers typed. */
function toColumns(events) {
  const columns = { length: events.length };
  const keys = new Set(events.flatMap((e) => Object.keys(e ?? {})));
  for (const key of keys) {
    const cells = events.map((e) => e?.[key] ?? null);
    if (["strength", "value", "amount"].includes(key)) {
      columns[key] = new Float64Array(cells.map((v) => (typeof v === "number" ? v : NaN)));
    } else if (key === "account") {
      const values = [...new Set(cells.filter((v) => typeof v === "string"))];
      columns[key] = { codes: new Uint32Array(cells.map((v) => (typeof v === "string" ? values.indexOf(v) : 0xffffffff))), values };
    } else {
      columns[key] = cells;
    }
  }
  return columns;
}

test("events as columns are split by account and answered as one state answers them", async () => {
  const events = lines.slice(0, 3000).map((l) => JSON.parse(l));
  // Rows refused alone: no account, a bad time, an unknown field, a duplicate.
  events.splice(7, 0, { at: "2026-01-01", type: "page_view" },
    { account: "acme", at: "2026-13-01", type: "page_view" },
    { account: "acme", at: "2026-01-02", type: "churn", topic: "x" });
  events.push(events[100]);
  const [first, second] = [toColumns(events.slice(0, 1500)), toColumns(events.slice(1500))];
  const state = Journey.default().replayState();
  const expected = [state.applyColumns(first, { asOf: AS_OF }), state.applyColumns(second, { asOf: AS_OF })];
  assert.ok(expected[0].refused.length >= 3, JSON.stringify(expected[0].refused));
  assert.ok(expected[0].refused.some((r) => r.index === 8 && r.message.includes("/8/at")), JSON.stringify(expected[0].refused));
  for (const workers of [1, 3]) {
    const pool = await ReplayPool.create(null, { workers });
    try {
      assert.deepEqual(await pool.applyColumns(first, { asOf: AS_OF }), expected[0], `${workers} workers`);
      assert.deepEqual(await pool.applyColumns(second, { asOf: AS_OF }), expected[1], `${workers} workers`);
      assert.deepEqual(await pool.result({ asOf: AS_OF }), state.result({ asOf: AS_OF }));
      // A batch one state refuses whole is refused whole, with the same error.
      for (const bad of [{ length: 2, account: ["a"] }, { length: 1, acount: ["a"] }, { length: 1, strength: ["x"] }, 7]) {
        let single, pooled;
        try { Journey.default().replayState().applyColumns(bad, { asOf: AS_OF }); } catch (e) { single = e; }
        try { await pool.applyColumns(bad, { asOf: AS_OF }); } catch (e) { pooled = e; }
        assert.ok(single && pooled, JSON.stringify(bad));
        assert.deepEqual([pooled.name, pooled.code, pooled.path, pooled.message], [single.name, single.code, single.path, single.message]);
      }
      assert.equal(await pool.accounts(), state.accounts);
    } finally {
      await pool.close();
    }
  }
});

test("a pool's saved shards read back and go on as one saved state does", async () => {
  const { state } = single();
  const pool = await ReplayPool.create(null, { workers: 2 });
  let restored;
  try {
    await pool.apply(batches[0], { asOf: AS_OF });
    restored = await ReplayPool.fromBytes(null, await pool.toBytes());
  } finally {
    await pool.close();
  }
  try {
    await restored.apply(batches[1], { asOf: AS_OF });
    await restored.apply(batches[2], { asOf: AS_OF });
    assert.deepEqual(await restored.result({ asOf: AS_OF }), state.result({ asOf: AS_OF }));
  } finally {
    await restored.close();
  }
});

test("errors are JourneyErrors with codes, from the calling thread or the workers", async () => {
  await assert.rejects(ReplayPool.create('{"id": "broken"'), (e) => e.name === "JourneyError" && typeof e.code === "string");
  const pool = await ReplayPool.create(null, { workers: 2 });
  try {
    await assert.rejects(pool.apply(batches[0], {}), (e) => e.name === "JourneyError" && e.code === "invalid-argument");
    await assert.rejects(pool.apply(42, { asOf: AS_OF }), (e) => e.name === "JourneyError" && e.code === "invalid-argument" && e.path === "");
    await assert.rejects(pool.result({ asOf: AS_OF, offset: 1 }), (e) => e.name === "JourneyError" && e.code === "invalid-argument" && e.path === "");
    await assert.rejects(pool.timelines({ asOf: AS_OF, page: 0 }).next(), (e) => e.name === "JourneyError" && e.code === "invalid-argument" && e.path === "");
    await assert.rejects(ReplayPool.create(null, { workers: 0 }), (e) => e.name === "JourneyError" && e.code === "invalid-argument" && e.path === "");
    // The pool still answers after a refused call.
    assert.equal((await pool.apply(batches[0], { asOf: AS_OF })).events.received, third);
  } finally {
    await pool.close();
  }
  await assert.rejects(pool.accounts(), (e) => /closed/.test(e.message) && e.code === "invalid-argument");
  await assert.rejects(ReplayPool.fromBytes(null, [new Uint8Array([1, 2, 3])]), (e) => e.code === "invalid-argument");
});

test("awkward batches are answered as one state answers them (review findings)", async () => {
  const event = (account, day, more = "") =>
    `{"account": "${account}", "at": "2026-03-${day}T10:00:00Z", "type": "page_view"${more}}`;
  const lone = JSON.parse('"a\\ud800"'); // a lone surrogate written raw
  const cases = [
    // A line that is an array must not make a worker read its text as one array.
    [event("acme", 10), "[1, 2]"].join("\n"),
    [event("acme", 10), "[]"].join("\n"),
    [event("acme", 10), `[${event("zz", 11)}`, "]"].join("\n"),
    ["[1]", event("acme", 10)].join("\n"),
    // Text that is one array, elements over several lines, and one with a trailing comma.
    `[\n${event("acme", 10)},\n${event("globex", 11)}, 7\n]`,
    `[${event("acme", 10)},]`,
    // A byte order mark, an account written with a lone surrogate, an unpaired escape.
    ["\ufeff" + event("acme", 10), event("acme", 11)].join("\n"),
    [`{"account": "${lone}", "at": "2026-03-10T10:00:00Z", "type": "page_view"}`, event("a\ufffd", 11)].join("\n"),
    [event("acme", 10), event("acme", 11, ', "topic": "\\ud800"')].join("\n"),
  ];
  const arrays = [
    [JSON.parse(event("acme", 10)), , JSON.parse(event("acme", 12))], // eslint-disable-line no-sparse-arrays
    [{ ...JSON.parse(event("x", 10)), account: new String("acme") }, JSON.parse(event("acme", 11))],
  ];
  for (const workers of [2, 3]) {
    for (const [n, batch] of [...cases, ...arrays].entries()) {
      const state = Journey.default().replayState();
      const expected = state.apply(batch, { asOf: AS_OF });
      const pool = await ReplayPool.create(null, { workers });
      try {
        assert.deepEqual(await pool.apply(batch, { asOf: AS_OF }), expected, `case ${n}, ${workers} workers`);
        assert.deepEqual(await pool.result({ asOf: AS_OF }), state.result({ asOf: AS_OF }), `case ${n} result`);
      } finally {
        await pool.close();
      }
    }
  }
  // The accounts option is checked as replayState checks it.
  assert.throws(() => Journey.default().replayState({ accounts: "" }));
  await assert.rejects(ReplayPool.create(null, { workers: 2, accounts: "" }), (e) => e.name === "JourneyError");
});

test("accountOfLine reads the account replay reads; compareIds orders ids as replay does", () => {
  assert.equal(accountOfLine('{"account": "acme", "at": "x"}'), "acme");
  assert.equal(accountOfLine(' { "at" : "x" , "account" : "a\\"b" }'), 'a"b');
  assert.equal(accountOfLine('{"acc\\u006funt": "e"}'), "e");
  assert.equal(accountOfLine('{"meta": {"account": "in"}, "list": ["account", {"a": "}"}], "account": "out"}'), "out");
  assert.equal(accountOfLine('{"account": "first", "account": "second"}'), "first");
  // (A line cut short after its account may still name it: replay refuses it wherever it goes.)
  for (const line of ['{"account": 4}', '{"at": "x"}', "[1]", "{", '{"account": "x', "{}", "", "nope"]) {
    assert.equal(accountOfLine(line), null, line);
  }
  const ids = ["b", "a", "\u{1F600}", "\uE000", "ab", "\uFFFF", "A"];
  // Replay orders ids by their UTF-8 bytes.
  const bytes = (s) => [...Buffer.from(s, "utf8")];
  const byBytes = [...ids].sort((x, y) => {
    const [a, b] = [bytes(x), bytes(y)];
    for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
    return a.length - b.length;
  });
  assert.deepEqual([...ids].sort(compareIds), byBytes);
});

test("the pool runs under Bun too", () => {
  const root = new URL("../../", import.meta.url);
  const bun = new URL("node_modules/.bin/bun", root).pathname;
  // Inside node_modules, so the package resolves by its name as a user's code would.
  const dir = mkdtempSync(join(new URL("node_modules/", root).pathname, ".pool-"));
  try {
    const file = join(dir, "pool.mjs");
    writeFileSync(file, `
      import { ReplayPool } from "account-journey/pool";
      const pool = await ReplayPool.create(null, { workers: 2 });
      const batch = await pool.apply(${JSON.stringify(batches[0])}, { asOf: "${AS_OF}" });
      console.log(JSON.stringify(batch));
      await pool.close();
    `);
    const out = execFileSync(bun, [file], { encoding: "utf8", timeout: 60_000 });
    const expected = Journey.default().replayState().apply(batches[0], { asOf: AS_OF });
    assert.deepEqual(JSON.parse(out), expected);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
