import { insertSettings, type InsertOptions } from './insert-options.ts';
import { LOG_ROW_LAYOUT, type LogRow } from './log-row.ts';
import type { RowBinaryPieces, Storage } from './storage.ts';

/** Writes log rows into `otel_logs` in one INSERT; resolves once ClickHouse has them. */
export async function insertLogRows(storage: Storage, rows: readonly LogRow[], options?: InsertOptions): Promise<void> {
  await storage.insertRows('otel_logs', LOG_ROW_LAYOUT, rows, insertSettings(options));
}

/** Writes log rows already in RowBinary (LOG_ROW_LAYOUT) into `otel_logs` in one INSERT. */
export async function insertLogRowBinary(
  storage: Storage,
  rowBinary: RowBinaryPieces,
  options?: InsertOptions,
): Promise<void> {
  await storage.insertRowBinary('otel_logs', LOG_ROW_LAYOUT, rowBinary, insertSettings(options));
}
