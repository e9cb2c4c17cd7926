import { insertSettings, type InsertOptions } from './insert-options.ts';
import type { LogRow } from './log-row.ts';
import type { Storage } from './storage.ts';

/** Writes log rows into `otel_logs` in one INSERT; resolves once ClickHouse has them. */
export async function insertLogRows(storage: Storage, rows: readonly LogRow[], options?: InsertOptions): Promise<void> {
  if (rows.length === 0) return;
  await storage.client.insert({
    table: storage.table('otel_logs'),
    values: rows as LogRow[],
    format: 'JSONEachRow',
    clickhouse_settings: insertSettings(options),
  });
}
