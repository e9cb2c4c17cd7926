import { insertSettings, type InsertOptions } from './insert-options.ts';
import { SPAN_ROW_LAYOUT, type SpanRow } from './span-row.ts';
import type { RowBinaryPieces, Storage } from './storage.ts';

/** Writes span rows into `otel_traces` in one INSERT; resolves once ClickHouse has them. */
export async function insertSpanRows(
  storage: Storage,
  rows: readonly SpanRow[],
  options?: InsertOptions,
): Promise<void> {
  await storage.insertRows('otel_traces', SPAN_ROW_LAYOUT, rows, insertSettings(options));
}

/** Writes span rows already in RowBinary (SPAN_ROW_LAYOUT) into `otel_traces` in one INSERT. */
export async function insertSpanRowBinary(
  storage: Storage,
  rowBinary: RowBinaryPieces,
  options?: InsertOptions,
): Promise<void> {
  await storage.insertRowBinary('otel_traces', SPAN_ROW_LAYOUT, rowBinary, insertSettings(options));
}
