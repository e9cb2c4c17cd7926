import type { Storage } from '../storage.ts';
import { StorageError } from '../storage-errors.ts';
import { ALL_MIGRATIONS } from './all-migrations.ts';
import type { Migration } from './migration.ts';

const MIGRATIONS_TABLE = 'tradetrace_schema_migrations';

/** Brings the schema up to date; returns the versions it applied (none when already current). */
export async function runMigrations(storage: Storage, migrations: readonly Migration[] = ALL_MIGRATIONS): Promise<number[]> {
  const { client } = storage;
  const ledger = storage.table(MIGRATIONS_TABLE);
  await client.command({
    query: `CREATE TABLE IF NOT EXISTS ${ledger} (version UInt32, name String, applied_at DateTime64(3) DEFAULT now64(3))
ENGINE = ReplacingMergeTree ORDER BY version`,
  });
  const result = await client.query({ query: `SELECT DISTINCT version FROM ${ledger}`, format: 'JSONEachRow' });
  const applied = new Set((await result.json<{ version: number }>()).map((row) => Number(row.version)));
  const done: number[] = [];
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    if (applied.has(migration.version)) continue;
    try {
      for (const statement of migration.statements({ table: (name) => storage.table(name), replicated: false })) {
        await client.command({ query: statement });
      }
      await client.insert({ table: ledger, values: [{ version: migration.version, name: migration.name }], format: 'JSONEachRow' });
    } catch (error) {
      throw new StorageError('TT_STORAGE_MIGRATION_FAILED', `schema migration ${migration.version} (${migration.name}) failed: ${(error as Error).message}`, { cause: error });
    }
    done.push(migration.version);
  }
  return done;
}
