import { insertSettings, type InsertOptions } from './insert-options.ts';
import { LOG_ROW_COLUMNS, type LogRow } from './log-row.ts';
import type { Storage } from './storage.ts';

/** Writes log rows into `otel_logs` in one INSERT; resolves once ClickHouse has them. */
export async function insertLogRows(storage: Storage, rows: readonly LogRow[], options?: InsertOptions): Promise<void> {
  await storage.insertCompactRows('otel_logs', LOG_ROW_COLUMNS, rows.map((row) => LOG_ROW_COLUMNS.map((column) => row[column])), insertSettings(options));
}
