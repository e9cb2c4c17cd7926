import { context, TraceFlags } from '@opentelemetry/api';
import { ExportResultCode, suppressTracing, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace';
import { describeError, type RateLimitedReporter } from '../safety/sdk-logger.ts';

export interface ExportQueueOptions {
  /** Spans held while the collector is slow or down; beyond it new spans are dropped and counted. */
  maxQueueSize: number;
  /** Spans per export request. */
  maxExportBatchSize: number;
  /** Longest wait before a partly filled batch goes out, ms. */
  scheduledDelayMillis: number;
  /** An export that has not answered by then counts as failed, ms. */
  exportTimeoutMillis: number;
  /** Where the exporter sends, for the warning text. */
  destination: string;
}

/** What happened to the spans the bot produced. `dropped` is every span that will never reach the collector. */
export interface ExportStats {
  /** Spans that ended and were handed to the queue. */
  ended: number;
  /** Spans the exporter confirmed. */
  exported: number;
  /** Spans refused because the queue was full. */
  droppedQueueFull: number;
  /** Spans in batches whose export failed or timed out. */
  droppedExportFailed: number;
  /** Spans still queued when shutdown gave up, or ended after shutdown. */
  droppedAtShutdown: number;
  /** Sum of the three kinds of drop. */
  dropped: number;
  /** Spans waiting in the queue now. */
  queued: number;
}

/**
 * The SDK's span processor: a bounded in-memory queue drained in batches by one export at a time.
 *
 * Unlike OTel's BatchSpanProcessor it counts every span it loses (queue full, failed export, shutdown) and says so
 * through a rate-limited warning, never starts an export on the bot's call stack (exports run from a timer or
 * `setImmediate`, so serialising a batch never lengthens a decision), and bounds `shutdown()` by a timeout.
 */
export class BoundedExportQueue implements SpanProcessor {
  private queue: ReadableSpan[] = [];
  private inFlight: Promise<void> | undefined;
  /** The batch being exported; `settled` once counted (exported, failed, or given up at shutdown). */
  private inFlightBatch: { size: number; settled: boolean } | undefined;
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private closed = false;
  private shutdownPromise: Promise<void> | undefined;
  private readonly counts = {
    ended: 0,
    exported: 0,
    droppedQueueFull: 0,
    droppedExportFailed: 0,
    droppedAtShutdown: 0,
    dequeued: 0,
  };

  private readonly exporter: SpanExporter;
  private readonly options: ExportQueueOptions;
  private readonly reporter: RateLimitedReporter;

  constructor(exporter: SpanExporter, options: ExportQueueOptions, reporter: RateLimitedReporter) {
    this.exporter = exporter;
    this.options = options;
    this.reporter = reporter;
  }

  stats(): ExportStats {
    const c = this.counts;
    return {
      ended: c.ended,
      exported: c.exported,
      droppedQueueFull: c.droppedQueueFull,
      droppedExportFailed: c.droppedExportFailed,
      droppedAtShutdown: c.droppedAtShutdown,
      dropped: c.droppedQueueFull + c.droppedExportFailed + c.droppedAtShutdown,
      queued: this.queue.length,
    };
  }

  onStart(): void {}

  onEnd(span: ReadableSpan): void {
    if ((span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return;
    this.counts.ended++;
    if (this.closed) {
      this.counts.droppedAtShutdown++;
      return;
    }
    if (this.queue.length >= this.options.maxQueueSize) {
      this.counts.droppedQueueFull++;
      const total = this.counts.droppedQueueFull;
      this.reporter.report(
        'warn',
        'queue-full',
        (n) =>
          `export queue full (${this.options.maxQueueSize} spans, collector at ${this.options.destination} slow or unreachable): ` +
          `dropped ${n} span(s) since the last warning, ${total} in all. The bot is not affected.`,
      );
      return;
    }
    this.queue.push(span);
    if (this.queue.length >= this.options.maxExportBatchSize) this.exportSoon();
    else this.exportLater();
  }

  /** Exports everything queued when it was called (spans that end meanwhile wait for the next round). */
  async forceFlush(): Promise<void> {
    const target = this.counts.dequeued + this.queue.length;
    this.clearTimers();
    while (this.inFlight !== undefined || (this.counts.dequeued < target && this.queue.length > 0)) {
      if (this.inFlight === undefined) this.startExport();
      await this.inFlight;
    }
  }

  /** Flushes for at most `timeoutMillis`, then counts what is left as dropped and shuts the exporter down. */
  shutdown(timeoutMillis = 5000): Promise<void> {
    this.shutdownPromise ??= this.doShutdown(timeoutMillis);
    return this.shutdownPromise;
  }

  private async doShutdown(timeoutMillis: number): Promise<void> {
    const deadline = Date.now() + timeoutMillis;
    const flushed = await withTimeout(
      this.forceFlush().then(() => true),
      timeoutMillis,
      false,
    );
    this.closed = true;
    this.clearTimers();
    if (!flushed || this.queue.length > 0) {
      let left = this.queue.length;
      const pending = this.inFlightBatch;
      if (pending !== undefined && !pending.settled) {
        // Still unanswered: it will not be waited for, so it counts as lost (its late answer is ignored).
        pending.settled = true;
        left += pending.size;
      }
      this.counts.droppedAtShutdown += left;
      this.queue = [];
      if (left > 0) {
        this.reporter.report(
          'warn',
          'shutdown',
          () => `shutdown: ${left} span(s) could not be exported within ${timeoutMillis} ms and were dropped.`,
        );
      }
    }
    await withTimeout(
      this.exporter.shutdown().catch((error: unknown) => {
        this.reporter.report('warn', 'exporter-shutdown', () => `exporter shutdown failed: ${describeError(error)}`);
      }),
      Math.max(0, deadline - Date.now()) + 100,
      undefined,
    );
  }

  /** A full batch: export on the next turn of the event loop, not inside the bot's `span.end()`. */
  private exportSoon(): void {
    if (this.inFlight !== undefined || this.immediate !== undefined || this.closed) return;
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.immediate = setImmediate(() => {
      this.immediate = undefined;
      this.startExport();
    });
    this.immediate.unref();
  }

  private exportLater(): void {
    if (this.inFlight !== undefined || this.immediate !== undefined || this.timer !== undefined || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.startExport();
    }, this.options.scheduledDelayMillis);
    this.timer.unref();
  }

  private clearTimers(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (this.immediate !== undefined) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
  }

  private startExport(): void {
    if (this.inFlight !== undefined || this.queue.length === 0) return;
    const batchSize = this.options.maxExportBatchSize;
    let batch: ReadableSpan[];
    if (this.queue.length <= batchSize) {
      batch = this.queue;
      this.queue = [];
    } else {
      batch = this.queue.slice(0, batchSize);
      this.queue = this.queue.slice(batchSize);
    }
    this.counts.dequeued += batch.length;
    this.inFlight = this.exportBatch(batch).then(() => {
      this.inFlight = undefined;
      if (this.closed) return;
      if (this.queue.length >= batchSize) this.exportSoon();
      else if (this.queue.length > 0) this.exportLater();
    });
  }

  /** Resolves (never rejects) when the exporter answered or the export timed out. */
  private exportBatch(batch: ReadableSpan[]): Promise<void> {
    const batchState = { size: batch.length, settled: false };
    this.inFlightBatch = batchState;
    return new Promise<void>((resolve) => {
      const finish = (result: ExportResult) => {
        clearTimeout(timeout);
        if (batchState.settled) {
          resolve();
          return;
        }
        batchState.settled = true;
        if (result.code === ExportResultCode.SUCCESS) {
          this.counts.exported += batch.length;
        } else {
          this.counts.droppedExportFailed += batch.length;
          const total = this.counts.droppedExportFailed;
          this.reporter.report(
            'warn',
            'export-failed',
            (n) =>
              `export to ${this.options.destination} failed (${result.error ? describeError(result.error) : 'unknown error'}): ` +
              `${n} span(s) lost since the last warning, ${total} in all. The bot is not affected.`,
            batch.length,
          );
        }
        resolve();
      };
      const timeout = setTimeout(
        () =>
          finish({
            code: ExportResultCode.FAILED,
            error: new Error(`no answer within ${this.options.exportTimeoutMillis} ms`),
          }),
        this.options.exportTimeoutMillis,
      );
      timeout.unref();
      try {
        // Suppressed so that HTTP instrumentation the bot may have does not trace our own export requests.
        context.with(suppressTracing(context.active()), () => this.exporter.export(batch, finish));
      } catch (error) {
        finish({ code: ExportResultCode.FAILED, error: error instanceof Error ? error : new Error(String(error)) });
      }
    });
  }
}

function withTimeout<T>(promise: Promise<T>, millis: number, onTimeout: T): Promise<T> {
  return new Promise<T>((resolve) => {
    const timer = setTimeout(() => resolve(onTimeout), millis);
    timer.unref();
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      () => {
        clearTimeout(timer);
        resolve(onTimeout);
      },
    );
  });
}
