// ReplayPool: replay on every core of a machine (Node and Bun worker threads; Deno's do not load
// the package yet).
//
// Accounts are independent in replay, so the pool shards them by a hash of their id across
// worker threads, each holding its shard's ReplayState in its own WebAssembly instance. A
// batch is split by account on the calling thread (only each event's "account" is read), its
// parts applied in parallel, and the answers put back together: counts added up, refused
// events under their positions in the whole batch, reports merged from the shards' partials
// (mergeReports: exactly the reports of one state), timelines in id order. Whatever the number
// of workers, every answer is the one a single ReplayState gives.
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { Journey, mergeReports } from "./node.mjs";

/** The shard of an account id: FNV-1a over its UTF-16 code units (lone surrogates as U+FFFD,
 * as the engine reads them). */
function shardOf(raw, shards) {
  const id = wellFormed(raw);
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % shards;
}

const wellFormed = (s) => (typeof s.toWellFormed === "function" ? s.toWellFormed()
  : s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd"));

// What Rust's `char::is_whitespace` accepts (a line of only these is skipped, as replay does).
const BLANK = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$/;
// Text replay reads as one JSON array (after Rust whitespace).
const ARRAY_TEXT = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*\[/;

/** Orders ids as replay does (by code point, which is UTF-8's byte order; UTF-16's differs). */
export function compareIds(a, b) {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (code points from U+10000) sort after U+E000–U+FFFF.
    if (x >= 0xd800) x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
    if (y >= 0xd800) y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    return x - y;
  }
  return a.length - b.length;
}

const QUOTE = 0x22, BACKSLASH = 0x5c, COLON = 0x3a, COMMA = 0x2c;
const OPEN_OBJECT = 0x7b, CLOSE_OBJECT = 0x7d, OPEN_ARRAY = 0x5b, CLOSE_ARRAY = 0x5d;
// JSON's whitespace: tab, line feed, carriage return, space.
const isSpace = (c) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;

function skipSpace(s, i) {
  while (i < s.length && isSpace(s.charCodeAt(i))) i++;
  return i;
}

/** Where the JSON string starting at `i` (a quote) ends (the closing quote), or -1. */
function stringEnd(s, i) {
  for (let j = i + 1; j < s.length; j++) {
    const c = s.charCodeAt(j);
    if (c === BACKSLASH) j++;
    else if (c === QUOTE) return j;
  }
  return -1;
}

/** Where the JSON value starting at `i` ends (exclusive), or -1; nested values by brackets. */
function valueEnd(s, i) {
  const c = s.charCodeAt(i);
  if (c === QUOTE) {
    const end = stringEnd(s, i);
    return end < 0 ? -1 : end + 1;
  }
  if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
    let depth = 0;
    for (let j = i; j < s.length; j++) {
      const d = s.charCodeAt(j);
      if (d === QUOTE) {
        j = stringEnd(s, j);
        if (j < 0) return -1;
      } else if (d === OPEN_OBJECT || d === OPEN_ARRAY) depth++;
      else if (d === CLOSE_OBJECT || d === CLOSE_ARRAY) {
        depth--;
        if (depth === 0) return j + 1;
      }
    }
    return -1;
  }
  let j = i;
  for (; j < s.length; j++) {
    const d = s.charCodeAt(j);
    if (isSpace(d) || d === COMMA || d === CLOSE_OBJECT || d === CLOSE_ARRAY) break;
  }
  return j > i ? j : -1;
}

/** The text of the JSON string literal from `i` to `end` (quotes included). */
function stringText(s, i, end) {
  const inner = s.slice(i + 1, end - 1);
  return inner.includes("\\") ? JSON.parse(s.slice(i, end)) : inner;
}

/**
 * The account of one JSON Lines event: the first top-level "account" member's string (as
 * replay reads it), or null when there is none. Only the members up to it are read: a line
 * that is not valid JSON is refused by replay whichever worker it goes to.
 */
export function accountOfLine(line) {
  try {
    // The engine's JSON reader skips a byte order mark before the value.
    let i = skipSpace(line, line.charCodeAt(0) === 0xfeff ? 1 : 0);
    if (line.charCodeAt(i) !== OPEN_OBJECT) return null;
    i = skipSpace(line, i + 1);
    for (;;) {
      if (line.charCodeAt(i) !== QUOTE) return null;
      const keyEnd = valueEnd(line, i);
      if (keyEnd < 0) return null;
      const isAccount = keyEnd - i === 9 && line.startsWith("account", i + 1)
        || (keyEnd - i > 9 && stringText(line, i, keyEnd) === "account");
      i = skipSpace(line, keyEnd);
      if (line.charCodeAt(i) !== COLON) return null;
      i = skipSpace(line, i + 1);
      const end = valueEnd(line, i);
      if (end < 0) return null;
      if (isAccount) return line.charCodeAt(i) === QUOTE ? stringText(line, i, end) : null;
      i = skipSpace(line, end);
      if (line.charCodeAt(i) !== COMMA) return null;
      i = skipSpace(line, i + 1);
    }
  } catch {
    return null;
  }
}

/**
 * The texts of the elements of `text` when it is one JSON array, found as replay finds them
 * (matching brackets outside strings; elements trimmed), or null: replay then reads the text as
 * JSON Lines.
 */
function arrayItems(text) {
  const body = rustTrim(text);
  if (!body.startsWith("[") || !body.endsWith("]")) return null;
  const inner = body.slice(1, -1);
  const items = [];
  let depth = 0, start = 0;
  for (let i = 0; i < inner.length; i++) {
    const c = inner.charCodeAt(i);
    if (c === QUOTE) {
      i = stringEnd(inner, i);
      if (i < 0) return null;
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) depth++;
    else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      if (depth === 0) return null;
      depth--;
    } else if (c === COMMA && depth === 0) {
      items.push(rustTrim(inner.slice(start, i)));
      start = i + 1;
    }
  }
  if (depth !== 0) return null;
  const last = rustTrim(inner.slice(start));
  if (last === "") return items.length === 0 ? items : null; // "[]", or a trailing comma
  items.push(last);
  return items;
}

const rustTrim = (s) => s.replace(RUST_SPACE_START, "").replace(RUST_SPACE_END, "");
const RUST_SPACE_START = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;
const RUST_SPACE_END = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/;

/** A JourneyError of the pool's own, with a stable code (docs/errors.md) and an empty path. */
function journeyError(code, message) {
  const error = new Error(message);
  error.name = "JourneyError";
  error.code = code;
  error.path = "";
  return error;
}

/** A JourneyError (or Error) rebuilt from what a worker sent. */
function rebuild(failure) {
  const error = new Error(failure.message);
  error.name = failure.name;
  for (const key of ["code", "path", "span", "diagnostics"]) if (failure[key] !== undefined) error[key] = failure[key];
  return error;
}

/** Adds `b`'s event counts to `a`'s (reasons in sorted order, as one state lists them). */
function addCounts(a, b) {
  const byReason = { ...a.refusedByReason };
  for (const [reason, n] of Object.entries(b.refusedByReason)) byReason[reason] = (byReason[reason] ?? 0) + n;
  return {
    received: a.received + b.received,
    applied: a.applied + b.applied,
    refused: a.refused + b.refused,
    refusedByReason: Object.fromEntries(Object.keys(byReason).sort().map((k) => [k, byReason[k]])),
  };
}

const NO_EVENTS = { received: 0, applied: 0, refused: 0, refusedByReason: {} };

/**
 * The workers' batch outcomes as one: counts added, each refused event under its position in
 * the whole batch (`positions[worker][index]`), in batch order.
 */
function joinBatches(batches, positions) {
  let counts = NO_EVENTS;
  const refused = [];
  batches.forEach((batch, i) => {
    counts = addCounts(counts, batch.events);
    for (const r of batch.refused) {
      const index = positions[i][r.index];
      // An unreadable event's message names its JSON pointer ("json-syntax at /3: …"): the
      // worker's position there too becomes the batch's.
      const message = r.message.replace(new RegExp(`^([a-z0-9-]+ at )/${r.index}(?=[/:])`), `$1/${index}`);
      refused.push({ ...r, index, message });
    }
  });
  refused.sort((a, b) => a.index - b.index);
  return { events: counts, refused };
}
// One state's result refuses more accounts than this at once (it would not fit wasm memory).
const UNPAGED_LIMIT = 50_000;

/** Replay state sharded by account across worker threads; see the README, "Replay on every core". */
export class ReplayPool {
  #workers;
  #pending = new Map();
  #next = 0;
  #closed = false;

  constructor(workers) {
    this.#workers = workers;
    for (const worker of workers) {
      worker.on("message", ({ id, ok, value, error }) => {
        const waiting = this.#pending.get(id);
        if (!waiting) return;
        this.#pending.delete(id);
        if (ok) waiting.resolve(value);
        else waiting.reject(rebuild(error));
      });
      worker.on("error", (e) => this.#break(e));
      worker.on("exit", (code) => {
        if (!this.#closed) this.#break(journeyError("internal", `a replay pool worker stopped (exit code ${code}): the pool answers no more`));
      });
    }
  }

  #broken = null;

  #fail(error) {
    for (const waiting of this.#pending.values()) waiting.reject(error);
    this.#pending.clear();
  }

  /** A worker stopped or failed: its shard's state is gone, so the pool answers no more. */
  #break(error) {
    this.#broken ??= error;
    this.#fail(error);
  }

  static #start(definition, workers) {
    if (definition !== null) new Journey(definition).free(); // throws a JourneyError here
    const count = workers ?? availableParallelism();
    if (!Number.isInteger(count) || count < 1) throw journeyError("invalid-argument", "workers must be a whole number >= 1");
    const url = new URL("./pool-worker.mjs", import.meta.url);
    return new ReplayPool(Array.from({ length: count }, () => new Worker(url, { workerData: { definition } })));
  }

  /**
   * A pool of `options.workers` threads (default: the machine's available parallelism) replaying
   * `definition` (as `new Journey` takes it; `null` for the embedded default), restricted to
   * `options.accounts` when given (as `journey.replayState({ accounts })`).
   */
  static async create(definition, options = {}) {
    const pool = ReplayPool.#start(definition, options.workers);
    // The options replayState takes, passed on as given (it checks them).
    const stateOptions = "accounts" in options ? { accounts: options.accounts } : undefined;
    await pool.#all(() => ({ op: "init", args: { options: stateOptions } })).catch(async (e) => {
      await pool.close();
      throw e;
    });
    return pool;
  }

  /** A pool reading back `shards` (what `toBytes()` gave: one state per worker, in order). */
  static async fromBytes(definition, shards) {
    if (!Array.isArray(shards) || shards.length < 1) throw journeyError("invalid-argument", "shards must be the array toBytes() gave");
    const pool = ReplayPool.#start(definition, shards.length);
    await pool.#all((i) => ({ op: "load", args: { bytes: shards[i] } })).catch(async (e) => {
      await pool.close();
      throw e;
    });
    return pool;
  }

  /** The number of worker threads (shards). */
  get workers() {
    return this.#workers.length;
  }

  #send(i, { op, args }) {
    if (this.#closed) return Promise.reject(journeyError("invalid-argument", "the replay pool is closed"));
    if (this.#broken) return Promise.reject(this.#broken);
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      try {
        this.#workers[i].postMessage({ id, op, args });
      } catch (e) {
        // Not sent (an event that cannot be copied to a thread: a function, say).
        this.#pending.delete(id);
        reject(e);
      }
    });
  }

  /** Every worker's answer; when some fail, the failure of the first of them (by position). */
  async #all(request) {
    const settled = await Promise.allSettled(this.#workers.map((_, i) => this.#send(i, request(i))));
    const failed = settled.find((s) => s.status === "rejected");
    if (failed) throw failed.reason;
    return settled.map((s) => s.value);
  }

  /**
   * Applies a batch — JSON Lines text, the text of one JSON array, or an array of event
   * objects — up to `options.asOf`, as `ReplayState.apply` does: the counts and the refused
   * events, each under its position in the whole batch. Calls may overlap: each worker takes
   * batches in the order of the calls (so a worker need not wait for the others between them).
   */
  async apply(events, options) {
    const shards = this.#workers.length;
    const parts = Array.from({ length: shards }, () => ({ items: [], positions: [] }));
    const place = (account, item, position) => {
      const part = parts[account === null ? 0 : shardOf(account, shards)];
      part.items.push(item);
      part.positions.push(position);
    };
    let asArray = false;
    if (typeof events === "string") {
      const items = ARRAY_TEXT.test(events) ? arrayItems(events) : null;
      if (items) {
        // One JSON array, read element by element as replay reads it: each worker gets an array.
        asArray = true;
        items.forEach((item, position) => place(accountOfLine(item), item, position));
        for (const part of parts) part.items = `[${part.items.join(",")}]`;
      } else {
        const lines = events.split("\n");
        let position = 0;
        lines.forEach((line, n) => {
          const text = n < lines.length - 1 && line.endsWith("\r") ? line.slice(0, -1) : line;
          if (text.charCodeAt(0) !== OPEN_OBJECT && BLANK.test(text)) return;
          place(accountOfLine(text), text, position++);
        });
        for (const part of parts) part.items = part.items.join("\n");
      }
    } else if (Array.isArray(events)) {
      asArray = true;
      for (let position = 0; position < events.length; position++) {
        const event = events[position];
        const account = event?.account instanceof String ? String(event.account) : event?.account;
        place(typeof account === "string" ? account : null, event, position);
      }
    } else {
      throw journeyError("invalid-argument", "events must be JSON Lines text or an array of events");
    }
    // Lines are read as lines by every worker (one whose first line starts with "[" too).
    const lines = !asArray;
    const batches = await this.#all((i) => ({ op: "apply", args: { events: parts[i].items, asOf: options?.asOf, lines } }));
    return joinBatches(batches, parts.map((part) => part.positions));
  }

  /**
   * Applies a batch of events given as columns (`EventColumns`), as
   * `ReplayState.applyColumns` does: each worker gets its accounts' rows (by the `account`
   * column; rows without one go to the first worker), and refused events carry their rows in
   * the whole batch.
   */
  async applyColumns(columns, options) {
    if (columns === null || typeof columns !== "object") {
      throw journeyError("invalid-argument", "the columns must be { length, account, type, at, … }");
    }
    const length = columns.length;
    if (!Number.isInteger(length) || length < 0 || length > 0xffffffff) {
      throw journeyError("invalid-argument", "columns.length must be the number of events");
    }
    const shards = this.#workers.length;
    // Each row's account: from { codes, values } (one hash per distinct code) or an array.
    const accounts = columns.account;
    const rowsOf = Array.from({ length: shards }, () => []);
    const shardOfRow = (row) => {
      if (accounts?.codes instanceof Uint32Array && Array.isArray(accounts.values)) {
        const id = accounts.values[accounts.codes[row]];
        return typeof id === "string" ? shardOf(id, shards) : 0;
      }
      const id = Array.isArray(accounts) ? accounts[row] : undefined;
      return typeof id === "string" ? shardOf(id, shards) : 0;
    };
    const coded = accounts?.codes instanceof Uint32Array && Array.isArray(accounts?.values);
    const byCode = coded ? new Map() : null;
    const lengthOk = (c) => (c?.codes instanceof Uint32Array ? c.codes.length : c?.length) === length;
    // A column of another length (or not a column) makes the batch one state refuses whole:
    // the first worker gets it as it is, to refuse it with the same error.
    const whole = Object.keys(columns).some((key) => key !== "length" && !lengthOk(columns[key]));
    if (!whole) {
      for (let row = 0; row < length; row++) {
        let shard;
        if (coded) {
          const code = accounts.codes[row];
          shard = byCode.get(code);
          if (shard === undefined) byCode.set(code, (shard = shardOfRow(row)));
        } else {
          shard = shardOfRow(row);
        }
        rowsOf[shard].push(row);
      }
    }
    // A column's rows for one worker: typed arrays gathered, { codes } gathered with the same
    // values, arrays picked (every column has `length` rows here).
    const pick = (column, rows) => {
      if (ArrayBuffer.isView(column) && !(column instanceof DataView)) {
        const out = new column.constructor(rows.length);
        for (let k = 0; k < rows.length; k++) out[k] = column[rows[k]];
        return out;
      }
      if (Array.isArray(column)) return rows.map((row) => column[row]);
      if (column?.codes instanceof Uint32Array) {
        const codes = new Uint32Array(rows.length);
        for (let k = 0; k < rows.length; k++) codes[k] = column.codes[rows[k]];
        return { codes, values: column.values };
      }
      return column;
    };
    const parts = rowsOf.map((rows, i) => {
      if (whole) return { columns: i === 0 ? columns : { length: 0 }, rows: [] };
      const part = { length: rows.length };
      for (const key of Object.keys(columns)) if (key !== "length") part[key] = pick(columns[key], rows);
      return { columns: part, rows };
    });
    const batches = await this.#all((i) => ({ op: "applyColumns", args: { columns: parts[i].columns, asOf: options?.asOf } }));
    return joinBatches(batches, parts.map((part) => part.rows));
  }

  /**
   * Every report, as `ReplayState.reports(options)` gives them (with `partial: true`, the
   * merged partial): each worker's partial, merged.
   */
  async reports(options = {}) {
    const partials = await this.#all(() => ({ op: "reports", args: { ...options, partial: true } }));
    return mergeReports(partials, { partial: options.partial === true });
  }

  /**
   * Every account's timeline as of `options.asOf`, by id, as `ReplayState.result` gives it
   * (without paging: a pool of more than 50,000 accounts is read with `timelines()`).
   */
  async result(options) {
    if (options?.offset !== undefined || options?.limit !== undefined) {
      throw journeyError("invalid-argument", "ReplayPool.result takes no offset or limit: read pages with timelines()");
    }
    const accounts = await this.accounts();
    if (accounts > UNPAGED_LIMIT) {
      throw journeyError("limit-exceeded", `a result of ${accounts} accounts at once is refused (more than ${UNPAGED_LIMIT}): read them with timelines()`);
    }
    const parts = await this.#all(() => ({ op: "result", args: { asOf: options?.asOf } }));
    let events = NO_EVENTS;
    for (const part of parts) events = addCounts(events, part.events);
    const timelines = parts.flatMap((part) => part.accounts);
    timelines.sort((a, b) => compareIds(a.account, b.account));
    return { ...parts[0], events, refused: [], accounts: timelines };
  }

  /**
   * Every account's timeline as of `options.asOf`, one at a time in id order, each worker's
   * read in pages of `options.page` (default 5,000): for pools of any size.
   */
  async *timelines(options) {
    const page = options?.page ?? 5000;
    if (!Number.isInteger(page) || page < 1) throw journeyError("invalid-argument", "page must be a whole number >= 1");
    const asOf = options?.asOf;
    const cursors = this.#workers.map(() => ({ offset: 0, items: [], at: 0, done: false }));
    const fill = async (i) => {
      const c = cursors[i];
      if (c.at < c.items.length || c.done) return;
      const r = await this.#send(i, { op: "result", args: { asOf, offset: c.offset, limit: page } });
      c.items = r.accounts;
      c.at = 0;
      c.offset += r.accounts.length;
      c.done = r.accounts.length < page;
    };
    for (;;) {
      await Promise.all(cursors.map((_, i) => fill(i)));
      let best = -1;
      cursors.forEach((c, i) => {
        if (c.at < c.items.length && (best < 0 || compareIds(c.items[c.at].account, cursors[best].items[cursors[best].at].account) < 0)) best = i;
      });
      if (best < 0) return;
      yield cursors[best].items[cursors[best].at++];
    }
  }

  /** The number of accounts replayed. */
  async accounts() {
    return (await this.#all(() => ({ op: "accounts" }))).reduce((a, b) => a + b, 0);
  }

  /** Each worker's WebAssembly memory in bytes, in order (it grows and is never given back). */
  memoryBytes() {
    return this.#all(() => ({ op: "memory" }));
  }

  /** Each worker's state as bytes, in order (read back with `ReplayPool.fromBytes`). */
  toBytes() {
    return this.#all(() => ({ op: "toBytes" }));
  }

  /** Stops the workers; pending requests are rejected. */
  async close() {
    this.#closed = true;
    this.#fail(journeyError("invalid-argument", "the replay pool is closed"));
    await Promise.all(this.#workers.map((w) => w.terminate()));
  }
}
