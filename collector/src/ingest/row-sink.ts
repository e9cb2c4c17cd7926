import type { TelemetrySignal } from '../spool/spool-record.ts';

/** Rows of one signal (RowBinary, in its storage layout), inserted together under one deduplication token. */
export interface RowBatch {
  signal: TelemetrySignal;
  /** The batch's requests' rows, in order; sent one after the other, never joined in memory. */
  rowBinary: readonly Buffer[];
  rowCount: number;
  deduplicationToken: string;
}

/**
 * Where the shipper puts rows: ClickHouse, or a wrapper around it. `insert` resolves once the rows are stored;
 * it rejects with InsertRejectedError when the rows themselves are refused (poison), with anything else when
 * the database cannot take them now.
 */
export interface RowSink {
  insert(batch: RowBatch): Promise<void>;
  /** True when the database answers. */
  ping(): Promise<boolean>;
  /** True while the database is busy with a read that inserts have to wait for (the embedded engine). */
  readHoldsInserts(): boolean;
}

/** The database refused the rows for their content; retrying the same rows will not help. */
export class InsertRejectedError extends Error {
  readonly code = 'TT_COLLECTOR_INSERT_REJECTED';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InsertRejectedError';
  }
}
