import { deduplicationStatement } from './insert-deduplication.ts';
import type { Migration } from './migration.ts';

/**
 * Lets `otel_traces` and `otel_logs` drop a retried or replayed batch (same `insert_deduplication_token`). Done by
 * ALTER so both CREATE statements stay identical to the contrib exporter's.
 */
export const telemetryInsertDeduplicationMigration: Migration = {
  version: 3,
  name: 'telemetry_insert_deduplication',
  statements: ({ table, replicated }) =>
    replicated ? [] : [deduplicationStatement(table('otel_traces')), deduplicationStatement(table('otel_logs'))],
};
