import { writeLlmPrices } from '../llm-prices/write-llm-prices.ts';
import type { Storage } from '../storage.ts';
import { StorageError } from '../storage-errors.ts';
import { llmPricesMigration } from './010-llm-prices.ts';
import { ALL_MIGRATIONS } from './all-migrations.ts';
import type { Migration } from './migration.ts';
import { MigrationOptionsSchema, type MigrationOptions } from './migration-options.ts';
import { clusterLayout, singleServerLayout, type SchemaLayout } from './schema-layout.ts';
import { TTL_TABLES, ttlStatements, type TtlDays } from './ttl-statements.ts';

const MIGRATIONS_TABLE = 'tradetrace_schema_migrations';

/** The schema as DDL: what `runMigrations` runs, and what an operator can review before running it. */
export interface SchemaPlan {
  readonly layout: SchemaLayout;
  ledgerStatements(): string[];
  migrationStatements(migration: Migration): string[];
  /** Retention statements; empty when no TTL was asked for. */
  ttlStatements(): string[];
}

export function planSchema(database: string, options: MigrationOptions = {}): SchemaPlan {
  const parsed = MigrationOptionsSchema.safeParse(options);
  if (!parsed.success) {
    throw new StorageError(
      'TT_STORAGE_BAD_OPTIONS',
      `invalid migration options: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'options'}: ${i.message}`).join('; ')}`,
    );
  }
  const { cluster, ttl } = parsed.data;
  const layout = cluster === undefined ? singleServerLayout(database) : clusterLayout(database, cluster);
  const ttlDays: TtlDays = {
    ...(ttl?.days === undefined ? {} : Object.fromEntries(TTL_TABLES.map((table) => [table, ttl.days]))),
    ...ttl?.tables,
  };
  return {
    layout,
    ledgerStatements: () =>
      layout.expand(`CREATE TABLE IF NOT EXISTS ${layout.context.table(MIGRATIONS_TABLE)} (version UInt32, name String, applied_at DateTime64(3) DEFAULT now64(3))
ENGINE = ReplacingMergeTree ORDER BY version`),
    migrationStatements: (migration) =>
      migration.statements(layout.context).flatMap((statement) => layout.expand(statement)),
    ttlStatements: () => ttlStatements(ttlDays, layout.context).flatMap((statement) => layout.expand(statement)),
  };
}

/**
 * Brings the schema up to date, applies the retention asked for (none by default) and stores the LLM price
 * table; returns the versions it applied (none when already current). Safe to run at every start-up.
 */
export async function runMigrations(
  storage: Storage,
  options: MigrationOptions = {},
  migrations: readonly Migration[] = ALL_MIGRATIONS,
): Promise<number[]> {
  const plan = planSchema(storage.database, options);
  const { client } = storage;
  const ledger = plan.layout.context.table(MIGRATIONS_TABLE);
  for (const statement of plan.ledgerStatements()) await client.command({ query: statement });
  const result = await client.query({ query: `SELECT DISTINCT version FROM ${ledger}`, format: 'JSONEachRow' });
  const applied = new Set((await result.json<{ version: number }>()).map((row) => Number(row.version)));
  const done: number[] = [];
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    if (applied.has(migration.version)) continue;
    try {
      for (const statement of plan.migrationStatements(migration)) await client.command({ query: statement });
      await client.insert({
        table: ledger,
        values: [{ version: migration.version, name: migration.name }],
        format: 'JSONEachRow',
      });
    } catch (error) {
      throw new StorageError(
        'TT_STORAGE_MIGRATION_FAILED',
        `schema migration ${migration.version} (${migration.name}) failed: ${(error as Error).message}`,
        { cause: error },
      );
    }
    done.push(migration.version);
  }
  try {
    for (const statement of plan.ttlStatements()) await client.command({ query: statement });
  } catch (error) {
    throw new StorageError(
      'TT_STORAGE_MIGRATION_FAILED',
      `setting the retention TTL failed: ${(error as Error).message}`,
      { cause: error },
    );
  }
  if (migrations.some((m) => m.version === llmPricesMigration.version))
    await writeLlmPrices(storage, options.llmPrices, { cluster: options.cluster });
  return done;
}
