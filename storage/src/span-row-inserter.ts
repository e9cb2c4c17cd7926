import { insertSettings, type InsertOptions } from './insert-options.ts';
import type { SpanRow } from './span-row.ts';
import type { Storage } from './storage.ts';

/** Writes span rows into `otel_traces` in one INSERT; resolves once ClickHouse has them. */
export async function insertSpanRows(storage: Storage, rows: readonly SpanRow[], options?: InsertOptions): Promise<void> {
  if (rows.length === 0) return;
  await storage.client.insert({
    table: storage.table('otel_traces'),
    values: rows as SpanRow[],
    format: 'JSONEachRow',
    clickhouse_settings: insertSettings(options),
  });
}
