import { otelTracesMigration } from './001-otel-traces.ts';
import { otelLogsMigration } from './002-otel-logs.ts';
import { telemetryInsertDeduplicationMigration } from './003-telemetry-insert-deduplication.ts';
import { otelTracesTraceIdTsMigration } from './004-otel-traces-trace-id-ts.ts';
import { strategyVersionsMigration } from './020-strategy-versions.ts';
import { strategyVersionAuditMigration } from './021-strategy-version-audit.ts';
import type { Migration } from './migration.ts';

/** Every migration, in version order. Append only: a released migration is never edited. */
export const ALL_MIGRATIONS: readonly Migration[] = [
  otelTracesMigration,
  otelLogsMigration,
  telemetryInsertDeduplicationMigration,
  otelTracesTraceIdTsMigration,
  strategyVersionsMigration,
  strategyVersionAuditMigration,
];
