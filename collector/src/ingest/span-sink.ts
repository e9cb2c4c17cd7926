import type { SpanRow } from '@tradetrace/storage';

/** Where accepted spans go. `write` resolves only once the rows are durable; it rejects when they are not. */
export interface SpanSink {
  write(rows: SpanRow[]): Promise<void>;
  /** Writes out everything accepted so far and refuses new writes. Idempotent. */
  close(): Promise<void>;
}

/** The sink has no room for more rows now; the client should retry later (answered with 503 + Retry-After). */
export class SinkSaturatedError extends Error {
  readonly retryAfterSeconds: number;

  constructor(message: string, retryAfterSeconds: number) {
    super(message);
    this.name = 'SinkSaturatedError';
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** The sink is shutting down. */
export class SinkClosedError extends Error {
  constructor() {
    super('the collector is shutting down');
    this.name = 'SinkClosedError';
  }
}
