export { openStorage, quoteIdentifier, type Storage } from './storage.ts';
export { StorageOptionsSchema, type StorageOptions } from './storage-options.ts';
export { StorageError, type StorageErrorCode } from './storage-errors.ts';
export { runMigrations } from './migrations/run-migrations.ts';
export { ALL_MIGRATIONS } from './migrations/all-migrations.ts';
export type { Migration, MigrationContext } from './migrations/migration.ts';
export { insertSpanRows } from './span-row-inserter.ts';
export { SPAN_KIND_NAMES, STATUS_CODE_NAMES, type SpanRow, type SpanKindName, type StatusCodeName } from './span-row.ts';
