import { insertSettings, type InsertOptions } from './insert-options.ts';
import { encodeKeyedSpanRows } from './row-binary/keyed-span-row-encoding.ts';
import { SpanKeyOrdering } from './row-binary/span-rows-in-key-order.ts';
import { SPAN_ROW_LAYOUT, type SpanRow } from './span-row.ts';
import type { RowBinaryPieces, Storage } from './storage.ts';

/** Writes span rows into `otel_traces` in one INSERT, in the table's key order; resolves once ClickHouse has them. */
export async function insertSpanRows(
  storage: Storage,
  rows: readonly SpanRow[],
  options?: InsertOptions,
): Promise<void> {
  const rowBinary = new SpanKeyOrdering().arrange([await encodeKeyedSpanRows(rows)]);
  await storage.insertRowBinary('otel_traces', SPAN_ROW_LAYOUT, rowBinary, insertSettings(options));
}

/**
 * Writes span rows already in RowBinary (SPAN_ROW_LAYOUT) into `otel_traces` in one INSERT, as they are: callers that
 * can put them in key order first (SpanKeyOrdering) spare the engine its sort.
 */
export async function insertSpanRowBinary(
  storage: Storage,
  rowBinary: RowBinaryPieces,
  options?: InsertOptions,
): Promise<void> {
  await storage.insertRowBinary('otel_traces', SPAN_ROW_LAYOUT, rowBinary, insertSettings(options));
}
