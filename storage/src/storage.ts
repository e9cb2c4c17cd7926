import { createClient, type ClickHouseClient, type ClickHouseSettings } from '@clickhouse/client';
import { lockDataPath, type DataPathLock } from './data-path-lock.ts';
import { StorageError } from './storage-errors.ts';
import { StorageOptionsSchema, type StorageOptions } from './storage-options.ts';

/** Settings every session uses, so the embedded engine and a server read and write alike. */
const SESSION_SETTINGS: ClickHouseSettings = {
  session_timezone: 'UTC',
  output_format_json_quote_64bit_integers: 1,
  date_time_output_format: 'iso',
};

const IN_MEMORY = ':memory:';

/** An open ClickHouse: the official client over either the embedded engine or a server. */
export interface Storage {
  readonly client: ClickHouseClient;
  readonly database: string;
  readonly kind: 'embedded' | 'server';
  /** `database.table`, quoted. */
  table(name: string): string;
  close(): Promise<void>;
}

export async function openStorage(options: StorageOptions): Promise<Storage> {
  const parsed = StorageOptionsSchema.safeParse(options);
  if (!parsed.success) {
    throw new StorageError('TT_STORAGE_BAD_OPTIONS', `invalid storage options: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'options'}: ${i.message}`).join('; ')}`);
  }
  const resolved = parsed.data;
  let lock: DataPathLock | undefined;
  let client: ClickHouseClient;
  if (resolved.dataPath !== undefined) {
    // ':memory:' is chDB's in-process database: no folder to claim.
    if (resolved.dataPath !== IN_MEMORY) lock = lockDataPath(resolved.dataPath);
    try {
      // Loaded lazily: the engine is large and only embedded mode needs it.
      const { createChdbConnection } = await import('chdb/connection');
      client = createClient({
        // chDB builds on @clickhouse/client-common, which the client bundles as its own copy: same shape, other type.
        connection: createChdbConnection({ path: resolved.dataPath }) as unknown as NonNullable<Parameters<typeof createClient>[0]>['connection'],
        clickhouse_settings: SESSION_SETTINGS,
      });
    } catch (error) {
      lock?.release();
      throw new StorageError('TT_STORAGE_ENGINE_UNAVAILABLE', `could not start the embedded ClickHouse engine in ${resolved.dataPath}: ${(error as Error).message}`, { cause: error });
    }
  } else {
    client = createClient({
      url: resolved.url,
      username: resolved.username ?? 'default',
      password: resolved.password ?? '',
      clickhouse_settings: SESSION_SETTINGS,
    });
  }
  const database = resolved.database;
  await client.command({ query: `CREATE DATABASE IF NOT EXISTS ${quoteIdentifier(database)}` });
  let closed = false;
  return {
    client,
    database,
    kind: resolved.dataPath !== undefined ? 'embedded' : 'server',
    table: (name) => `${quoteIdentifier(database)}.${quoteIdentifier(name)}`,
    async close() {
      if (closed) return;
      closed = true;
      try {
        await client.close();
      } finally {
        lock?.release();
      }
    },
  };
}

export function quoteIdentifier(name: string): string {
  return '`' + name.replaceAll('\\', '\\\\').replaceAll('`', '\\`') + '`';
}
