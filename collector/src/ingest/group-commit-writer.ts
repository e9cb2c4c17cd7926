import { insertSpanRows, type SpanRow, type Storage } from '@tradetrace/storage';
import { SinkClosedError, SinkSaturatedError, type SpanSink } from './span-sink.ts';

export interface GroupCommitWriterOptions {
  /** Rows that trigger an insert at once. Default 50,000. */
  maxBatchRows?: number;
  /** How long rows may wait for company before they are inserted, in ms. Default 25. */
  maxDelayMs?: number;
  /** Rows waiting (not yet inserting) beyond which writes are refused with SinkSaturatedError. Default 500,000. */
  maxQueuedRows?: number;
}

interface Pending {
  rows: SpanRow[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Collects the rows of concurrent requests and inserts them together, one INSERT at a time: each request is
 * answered only after ClickHouse has its rows (group commit), so an acknowledged span is stored.
 */
export class GroupCommitWriter implements SpanSink {
  private readonly storage: Storage;
  private readonly maxBatchRows: number;
  private readonly maxDelayMs: number;
  private readonly maxQueuedRows: number;
  private queue: Pending[] = [];
  private queuedRows = 0;
  private timer: NodeJS.Timeout | undefined;
  private inserting: Promise<void> | undefined;
  private closed = false;

  constructor(storage: Storage, options: GroupCommitWriterOptions = {}) {
    this.storage = storage;
    this.maxBatchRows = options.maxBatchRows ?? 50_000;
    this.maxDelayMs = options.maxDelayMs ?? 25;
    this.maxQueuedRows = options.maxQueuedRows ?? 500_000;
  }

  write(rows: SpanRow[]): Promise<void> {
    if (this.closed) return Promise.reject(new SinkClosedError());
    if (rows.length === 0) return Promise.resolve();
    if (this.queuedRows + rows.length > this.maxQueuedRows) {
      return Promise.reject(new SinkSaturatedError(`${this.queuedRows} spans are waiting to be written`, 1));
    }
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ rows, resolve, reject });
      this.queuedRows += rows.length;
      this.schedule();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    while (this.queue.length > 0 || this.inserting) {
      if (this.inserting) await this.inserting;
      else this.flush();
    }
  }

  private schedule(): void {
    if (this.inserting) return;
    if (this.queuedRows >= this.maxBatchRows) {
      this.flush();
    } else if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), this.maxDelayMs);
      this.timer.unref();
    }
  }

  private flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.inserting || this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    this.queuedRows = 0;
    const rows = batch.length === 1 ? batch[0]!.rows : batch.flatMap((p) => p.rows);
    this.inserting = insertSpanRows(this.storage, rows).then(
      () => batch.forEach((p) => p.resolve()),
      (error: unknown) => batch.forEach((p) => p.reject(error)),
    ).finally(() => {
      this.inserting = undefined;
      if (this.queue.length > 0) this.schedule();
    });
  }
}
