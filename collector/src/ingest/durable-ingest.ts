import { createHash } from 'node:crypto';
import { SpanKeyOrdering } from '@tradetrace/storage';
import type { Logger } from 'pino';
import type { CollectorMetrics } from '../metrics/collector-metrics.ts';
import { OtlpDecodeError } from '../otlp/decoded-spans.ts';
import type { IngestLimits } from '../otlp/ingest-limits.ts';
import type { BodyEncoding, TelemetrySignal } from '../spool/spool-record.ts';
import type { SpoolEntry, WriteAheadSpool } from '../spool/write-ahead-spool.ts';
import { writeDeadLetter } from './dead-letter-folder.ts';
import { decodeOtlpBody, type DecodedRows, type DecodedSpanRows } from './otlp-body-decoding.ts';
import { InsertRejectedError, type RowBatch, type RowSink } from './row-sink.ts';

export interface DurableIngestOptions {
  spool: WriteAheadSpool;
  sink: RowSink;
  deadLetterDir: string;
  limits: IngestLimits;
  metrics: CollectorMetrics;
  logger?: Logger;
  /** Rows per INSERT at most (a single larger request is still inserted whole). Default 100,000. */
  maxBatchRows?: number;
  /**
   * Rows waiting at which an INSERT starts at once. Fewer wait for more to join them for up to `maxBatchDelayMs`: an
   * INSERT has a fixed cost (tens of ms in the engine, and a part to merge later) that small ones pay per few rows.
   * Default 65,536.
   */
  minBatchRows?: number;
  /**
   * Longest a spooled request waits for others to join its INSERT, in ms. Acknowledgements do not wait for it (they
   * come once the request is spooled); only the rows' visibility in ClickHouse does. There is no such wait while an
   * answer waits for its INSERT (past `ackWaitBacklogRows`), while draining or shutting down, after a failed INSERT or
   * for a batch replayed after a crash. 0: insert as soon as anything waits. Default 1,000.
   */
  maxBatchDelayMs?: number;
  /**
   * Decoded rows kept in memory for the shipper; past this, rows are decoded again from the spool. Default 200,000:
   * a batch in flight plus the queue at which answers start waiting, so steady overload decodes nothing twice.
   */
  maxMemoryRows?: number;
  /** Longest pause between attempts while ClickHouse fails, in ms. Default 5,000. */
  maxRetryDelayMs?: number;
  /**
   * Rows queued behind the INSERT in flight above which an acknowledgement also waits (up to `maxAckWaitMs`) until the
   * queue is back under this bound or the request's own rows are stored. Default 65,536. Below it the answer comes
   * once the request is spooled, so clients keep sending while a batch is inserted, and the next INSERT's rows are
   * ready when it ends (counting the rows in flight too left the engine idle between INSERTs while clients waited);
   * above it they are slowed to the pace ClickHouse takes rows (flow control before the disk budget is reached), and
   * released as soon as an INSERT takes rows off the queue rather than after their own. 0: always wait for the own
   * rows, so clients read what they just sent.
   */
  ackWaitBacklogRows?: number;
  /** Longest such wait, in ms. Default 2,000; during an outage there is no wait at all. */
  maxAckWaitMs?: number;
}

/** The collector is shutting down and takes no more requests (answered with 503). */
export class IngestClosedError extends Error {
  readonly code = 'TT_COLLECTOR_SHUTTING_DOWN';

  constructor() {
    super('the collector is shutting down; retry against another instance or after it restarts');
    this.name = 'IngestClosedError';
  }
}

/** How an accepted request was made durable. */
export type AcceptOutcome = 'spooled' | 'duplicate';

const RECENT_HASHES = 100_000;

/**
 * The durable path. A request is acknowledged once it is in the write-ahead spool (fsync'd); a shipper moves spooled
 * requests into ClickHouse in order, one INSERT at a time, each under a deduplication token made of the spool's id
 * and the batch's record ids, so an INSERT repeated after a crash or a failed attempt is stored once. A client's
 * retry of a request already spooled is recognised by its hash and acknowledged without a second copy.
 */
export class DurableIngest {
  private readonly spool: WriteAheadSpool;
  private readonly sink: RowSink;
  private readonly deadLetterDir: string;
  private readonly limits: IngestLimits;
  private readonly metrics: CollectorMetrics;
  private readonly logger: Logger | undefined;
  private readonly maxBatchRows: number;
  private readonly minBatchRows: number;
  private readonly maxBatchDelayMs: number;
  private readonly maxMemoryRows: number;
  private readonly maxRetryDelayMs: number;
  private readonly ackWaitBacklogRows: number;
  private readonly maxAckWaitMs: number;
  /** Puts each trace batch's rows in `otel_traces`' key order; its buffer serves one INSERT at a time. */
  private readonly spanOrdering = new SpanKeyOrdering();
  /** Requests waiting to hear that their record is stored, in id order. */
  private storedWaiters: { id: number; resolve: () => void }[] = [];
  /** Rows of spooled records decoded on receipt, so the shipper need not decode them again. */
  private readonly memory = new Map<number, DecodedRows>();
  private memoryRows = 0;
  /** Hashes of recent requests → their durability, for recognising retries. */
  private readonly recent = new Map<string, Promise<void>>();
  private healthy = true;
  private lastError = '';
  private closed = false;
  private stopped = false;
  /** Wakes the idle or gathering shipper when a record arrives or someone starts waiting for the spool. */
  private wake: (() => void) | undefined;
  /** Cuts a retry pause short on stop (and only then: arrivals must not hammer a failing database). */
  private cancelSleep: (() => void) | undefined;
  private shipping: Promise<void> | undefined;
  private readonly drainedWaiters = new Set<() => void>();
  /** Rows of the batch an INSERT is carrying now: they are off the queue that `ackWaitBacklogRows` bounds. */
  private shippingRows = 0;

  constructor(options: DurableIngestOptions) {
    this.spool = options.spool;
    this.sink = options.sink;
    this.deadLetterDir = options.deadLetterDir;
    this.limits = options.limits;
    this.metrics = options.metrics;
    this.logger = options.logger;
    this.maxBatchRows = options.maxBatchRows ?? 100_000;
    this.minBatchRows = Math.min(options.minBatchRows ?? 65_536, this.maxBatchRows);
    this.maxBatchDelayMs = options.maxBatchDelayMs ?? 1_000;
    this.maxMemoryRows = options.maxMemoryRows ?? 200_000;
    this.maxRetryDelayMs = options.maxRetryDelayMs ?? 5_000;
    this.ackWaitBacklogRows = options.ackWaitBacklogRows ?? 65_536;
    this.maxAckWaitMs = options.maxAckWaitMs ?? 2_000;
    for (const hash of this.spool.hashesFoundAtOpen) this.remember(hash, Promise.resolve());
    this.updateGauges();
  }

  /** Starts moving the spool into ClickHouse (replaying whatever a previous run left). */
  start(): void {
    this.shipping ??= this.ship();
  }

  /** Makes a decoded request durable; resolves when it is safe to acknowledge. Rejects with SpoolFullError past the budget. */
  async accept(
    signal: TelemetrySignal,
    encoding: BodyEncoding,
    body: Buffer,
    decoded: DecodedRows,
  ): Promise<AcceptOutcome> {
    if (this.closed) throw new IngestClosedError();
    const requestHash = createHash('sha256').update(signal).update(encoding).update(body).digest('base64url');
    const earlier = this.recent.get(requestHash);
    if (earlier !== undefined) {
      await earlier;
      this.metrics.dedupHits.inc({ signal });
      return 'duplicate';
    }
    const appended = this.spool.append({ signal, encoding, body, rowCount: decoded.rowCount, requestHash });
    const durable = appended.then(() => undefined);
    this.remember(requestHash, durable);
    let entry: SpoolEntry;
    try {
      entry = await appended;
    } catch (error) {
      this.recent.delete(requestHash);
      throw error;
    }
    if (this.memoryRows + decoded.rowCount <= this.maxMemoryRows) {
      this.memory.set(entry.id, decoded);
      this.memoryRows += decoded.rowCount;
    }
    this.updateGauges();
    this.wake?.();
    if (this.answerWaitsForInsert()) await this.storedOrTimeout(entry.id);
    return 'spooled';
  }

  /**
   * Past `ackWaitBacklogRows` an answer waits for ClickHouse to catch up, so clients slow to its pace. Not while it
   * takes no rows for a while: in an outage, or while the embedded engine serves a read (an export, a report), the
   * spool takes the backlog, up to its budget, and answers keep flowing. `0` (read your writes) always waits.
   */
  private answerWaitsForInsert(): boolean {
    if (!this.healthy || this.maxAckWaitMs === 0 || this.queuedRows <= this.ackWaitBacklogRows) return false;
    return this.ackWaitBacklogRows === 0 || !this.sink.readHoldsInserts();
  }

  /** Spooled rows no INSERT carries yet. */
  private get queuedRows(): number {
    return this.spool.waitingRows - this.shippingRows;
  }

  /** Ready while ClickHouse answers (asked now, with a ping) and the spool is below its budget. */
  async readiness(): Promise<{ ready: boolean; reason: string }> {
    if (this.closed) return { ready: false, reason: 'shutting down' };
    if (!this.healthy) return { ready: false, reason: `ClickHouse is not taking rows: ${this.lastError}` };
    if (this.spool.bytes >= this.spool.budgetBytes) return { ready: false, reason: 'the spool is at its disk budget' };
    if (!(await this.sink.ping())) return { ready: false, reason: 'ClickHouse does not answer' };
    return { ready: true, reason: 'ok' };
  }

  /** Records waiting in the spool. */
  get backlog(): number {
    return this.spool.waiting.length;
  }

  /** Resolves true once the spool is empty, false if `timeoutMs` passes first. */
  drain(timeoutMs: number): Promise<boolean> {
    if (this.spool.waiting.length === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (drained: boolean) => {
        clearTimeout(timer);
        this.drainedWaiters.delete(onDrained);
        resolve(drained);
      };
      const onDrained = () => done(true);
      const timer = setTimeout(() => done(false), timeoutMs);
      this.drainedWaiters.add(onDrained);
      this.wake?.();
    });
  }

  /** Refuses new requests from now on. */
  stopAccepting(): void {
    this.closed = true;
    this.wake?.();
  }

  /** Stops the shipper after its current INSERT; what is left stays in the spool for the next start. */
  async stop(): Promise<void> {
    this.closed = true;
    this.stopped = true;
    this.wake?.();
    this.cancelSleep?.();
    this.notifyStored(Number.MAX_SAFE_INTEGER);
    await this.shipping;
    await this.spool.close();
  }

  private storedOrTimeout(id: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, this.maxAckWaitMs);
      this.storedWaiters.push({
        id,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
      this.wake?.();
    });
  }

  /**
   * Answers the requests stored through `through`, and every waiting one once the queue is back under its bound
   * (with a bound of 0, only those whose rows are stored).
   */
  private notifyStored(through: number): void {
    const roomAgain = this.ackWaitBacklogRows > 0 && this.queuedRows <= this.ackWaitBacklogRows;
    let done = 0;
    while (done < this.storedWaiters.length && (roomAgain || this.storedWaiters[done]!.id <= through))
      this.storedWaiters[done++]!.resolve();
    if (done > 0) this.storedWaiters = this.storedWaiters.slice(done);
  }

  private remember(hash: string, durable: Promise<void>): void {
    this.recent.set(hash, durable);
    durable.catch(() => undefined);
    if (this.recent.size > RECENT_HASHES) this.recent.delete(this.recent.keys().next().value!);
  }

  private updateGauges(): void {
    this.metrics.spoolBytes.set(this.spool.bytes);
    this.metrics.spoolRecords.set(this.spool.waiting.length);
  }

  private async ship(): Promise<void> {
    let retryDelay = 50;
    while (!this.stopped) {
      const waiting = this.spool.waiting;
      if (waiting.length === 0) {
        for (const waiter of [...this.drainedWaiters]) waiter();
        await new Promise<void>((resolve) => {
          this.wake = resolve;
        });
        this.wake = undefined;
        continue;
      }
      try {
        await this.gatherBatch();
        if (this.stopped) break;
        await this.shipNextBatch(this.spool.waiting);
        retryDelay = 50;
        this.healthy = true;
      } catch (error) {
        this.healthy = false;
        this.lastError = (error as Error).message;
        // The waiting requests are spooled: answer them now rather than after the outage.
        this.notifyStored(Number.MAX_SAFE_INTEGER);
        this.logger?.warn(
          { err: error, retryInMs: retryDelay, backlog: waiting.length },
          'ClickHouse insert failed; the spool keeps the data and will retry',
        );
        await this.sleep(retryDelay);
        retryDelay = Math.min(retryDelay * 2, this.maxRetryDelayMs);
      }
      this.updateGauges();
    }
  }

  /** Waits, up to `maxBatchDelayMs`, until an INSERT is worth making or someone waits for it. */
  private async gatherBatch(): Promise<void> {
    const deadline = performance.now() + this.maxBatchDelayMs;
    for (let left = this.maxBatchDelayMs; left > 0 && !this.mustShipNow(); left = deadline - performance.now()) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  private mustShipNow(): boolean {
    return (
      this.closed ||
      !this.healthy ||
      this.spool.inflight !== null ||
      this.spool.waitingRows >= this.minBatchRows ||
      this.storedWaiters.length > 0 ||
      this.drainedWaiters.size > 0
    );
  }

  /** Inserts the batch at the head of the spool (the one in flight at a crash, if any), isolating poison records. */
  private async shipNextBatch(waiting: readonly SpoolEntry[]): Promise<void> {
    const inflight = this.spool.inflight;
    const batch = inflight
      ? waiting.filter((e) => e.id >= inflight.from && e.id <= inflight.to)
      : this.takeBatch(waiting);
    if (batch.length === 0) {
      await this.spool.commit(inflight!.to);
      this.notifyStored(inflight!.to);
      return;
    }
    const from = batch[0]!.id;
    const to = batch.at(-1)!.id;
    if (!inflight) await this.spool.markInflight(from, to);
    try {
      await this.insert(batch, `${this.spool.spoolId}:${from}-${to}`);
      await this.commit(batch, to);
    } catch (error) {
      if (!isPoison(error)) throw error;
      if (batch.length === 1) {
        await this.deadLetter(batch[0]!, error as Error);
        return;
      }
      // Find the bad records one by one; the good ones are stored under their own tokens.
      for (const entry of batch) {
        await this.spool.markInflight(entry.id, entry.id);
        try {
          await this.insert([entry], `${this.spool.spoolId}:${entry.id}-${entry.id}`);
          await this.commit([entry], entry.id);
        } catch (single) {
          if (!isPoison(single)) throw single;
          await this.deadLetter(entry, single as Error);
        }
      }
    }
  }

  private takeBatch(waiting: readonly SpoolEntry[]): SpoolEntry[] {
    const first = waiting[0]!;
    const batch = [first];
    let rows = first.rowCount;
    for (let i = 1; i < waiting.length; i += 1) {
      const entry = waiting[i]!;
      if (entry.signal !== first.signal || rows + entry.rowCount > this.maxBatchRows) break;
      batch.push(entry);
      rows += entry.rowCount;
    }
    return batch;
  }

  private async insert(batch: readonly SpoolEntry[], deduplicationToken: string): Promise<void> {
    const signal = batch[0]!.signal;
    const parts: DecodedRows[] = [];
    for (const entry of batch) parts.push(this.memory.get(entry.id) ?? (await this.decodeAgain(entry)));
    const rowBinary = this.batchRowBinary(parts);
    const rowCount = parts.reduce((n, p) => n + p.rowCount, 0);
    const rowBatch: RowBatch = { signal, rowBinary, rowCount, deduplicationToken };
    const started = performance.now();
    // The batch leaves the queue: answers held past the bound go out now, and their clients send the next batch's
    // rows while this one is inserted.
    this.shippingRows = rowCount;
    this.notifyStored(0);
    try {
      await this.sink.insert(rowBatch);
    } catch (error) {
      this.metrics.insertSeconds.observe({ signal, outcome: 'error' }, (performance.now() - started) / 1000);
      throw error;
    } finally {
      this.shippingRows = 0;
    }
    this.metrics.insertSeconds.observe({ signal, outcome: 'ok' }, (performance.now() - started) / 1000);
    this.metrics.batchRows.observe({ signal }, rowCount);
    this.metrics.storedRows.inc({ signal }, rowCount);
  }

  /**
   * The batch's RowBinary: span rows across all its requests in `otel_traces`' key order, which spares the engine its
   * sort (the same records give the same bytes, so a replayed batch is the same INSERT); log rows as they came.
   */
  private batchRowBinary(parts: readonly DecodedRows[]): Buffer[] {
    const spans = parts.filter((part): part is DecodedSpanRows => part.signal === 'traces');
    if (spans.length === parts.length) return this.spanOrdering.arrange(spans);
    return parts.map((part) => part.rowBinary);
  }

  private async decodeAgain(entry: SpoolEntry): Promise<DecodedRows> {
    // The request was accepted already: lower request limits configured since must not refuse it now.
    const limits = {
      ...this.limits,
      maxItemsPerRequest: Number.POSITIVE_INFINITY,
      maxJsonContainersPerRequest: Number.POSITIVE_INFINITY,
    };
    return decodeOtlpBody(entry.signal, entry.encoding, await this.spool.readBody(entry), limits).decoded;
  }

  private async commit(batch: readonly SpoolEntry[], through: number): Promise<void> {
    await this.spool.commit(through);
    for (const entry of batch) this.forget(entry.id);
    this.notifyStored(through);
  }

  private async deadLetter(entry: SpoolEntry, error: Error): Promise<void> {
    const path = await writeDeadLetter(
      this.deadLetterDir,
      this.spool.spoolId,
      entry,
      await this.spool.readBody(entry),
      error.message,
    );
    this.metrics.deadLetters.inc({ signal: entry.signal });
    this.logger?.error(
      { id: entry.id, signal: entry.signal, reason: error.message, path },
      'a spooled request was refused for its content and moved to the dead-letter folder',
    );
    await this.commit([entry], entry.id);
  }

  private forget(id: number): void {
    const rows = this.memory.get(id);
    if (rows) {
      this.memoryRows -= rows.rowCount;
      this.memory.delete(id);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.cancelSleep = () => {
        clearTimeout(timer);
        resolve();
      };
    }).finally(() => {
      this.cancelSleep = undefined;
    });
  }
}

function isPoison(error: unknown): boolean {
  return error instanceof InsertRejectedError || error instanceof OtlpDecodeError;
}
