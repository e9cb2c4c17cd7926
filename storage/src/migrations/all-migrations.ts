import { otelTracesMigration } from './001-otel-traces.ts';
import type { Migration } from './migration.ts';

/** Every migration, in version order. Append only: a released migration is never edited. */
export const ALL_MIGRATIONS: readonly Migration[] = [otelTracesMigration];
