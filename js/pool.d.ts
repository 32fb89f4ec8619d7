// Types of "account-journey/pool": replay sharded by account across worker threads (Node,
// Bun). Every answer is the one a single ReplayState gives.
import type {
  AccountTimeline,
  DefinitionInput,
  EventColumns,
  ReplayBatch,
  ReplayEvent,
  ReplayResult,
  ReportOptions,
  Reports,
} from "./index.js";

export declare class ReplayPool {
  /**
   * A pool of `options.workers` worker threads (default: the machine's available parallelism)
   * replaying `definition` (as `new Journey` takes it; `null` for the embedded default).
   * Throws a `JourneyError` for a definition that does not compile.
   */
  static create(definition: DefinitionInput | null, options?: { workers?: number; accounts?: string[] }): Promise<ReplayPool>;
  /** A pool reading back what `toBytes()` gave (one state per worker, in order). */
  static fromBytes(definition: DefinitionInput | null, shards: Uint8Array[]): Promise<ReplayPool>;
  /** The number of worker threads (shards). */
  readonly workers: number;
  /**
   * Applies a batch (JSON Lines text, one JSON array's text, or an array of events) up to
   * `options.asOf`, as `ReplayState.apply`: refused events carry their positions in the whole
   * batch. Calls may overlap: each worker takes batches in call order.
   */
  apply(events: ReplayEvent[] | string, options: { asOf: string }): Promise<ReplayBatch>;
  /**
   * Applies a batch of events as columns, as `ReplayState.applyColumns`: each worker gets its
   * accounts' rows; refused events carry their rows in the whole batch.
   */
  applyColumns(columns: EventColumns, options: { asOf: string }): Promise<ReplayBatch>;
  /** Every report (merged from each worker's partial), or with `partial: true` the merged partial. */
  reports(options: ReportOptions & { partial: true }): Promise<Uint8Array>;
  reports(options: ReportOptions & { partial?: false }): Promise<Reports>;
  /** Every account's timeline as of `options.asOf`, by id (no paging: see `timelines`). */
  result(options: { asOf: string }): Promise<ReplayResult>;
  /** Every account's timeline, one at a time in id order, each worker read in pages. */
  timelines(options: { asOf: string; page?: number }): AsyncGenerator<AccountTimeline>;
  /** The number of accounts replayed. */
  accounts(): Promise<number>;
  /** Each worker's WebAssembly memory in bytes, in order (it grows and is never given back). */
  memoryBytes(): Promise<number[]>;
  /** Each worker's state as bytes, in order. */
  toBytes(): Promise<Uint8Array[]>;
  /** Stops the workers. */
  close(): Promise<void>;
}

/** The account of one JSON Lines event, as replay reads it (null: none, or not an object). */
export declare function accountOfLine(line: string): string | null;
/** Orders account ids as replay does (by code point). */
export declare function compareIds(a: string, b: string): number;
