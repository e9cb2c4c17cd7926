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
  /**
   * Inserts rows given as arrays in `columns` order (JSONCompactEachRow), the cheapest JSON for the engine to parse.
   * The embedded engine takes the encoded bytes straight into its parallel parser; a server gets them from the
   * client. `settings` apply to this INSERT only.
   */
  insertCompactRows(table: string, columns: readonly string[], rows: readonly unknown[][], settings: ClickHouseSettings): Promise<void>;
  close(): Promise<void>;
}

type CompactInsert = Storage['insertCompactRows'];

export async function openStorage(options: StorageOptions): Promise<Storage> {
  const parsed = StorageOptionsSchema.safeParse(options);
  if (!parsed.success) {
    throw new StorageError('TT_STORAGE_BAD_OPTIONS', `invalid storage options: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'options'}: ${i.message}`).join('; ')}`);
  }
  const resolved = parsed.data;
  let lock: DataPathLock | undefined;
  let client: ClickHouseClient;
  let insertCompactRows: CompactInsert;
  const database = resolved.database;
  if (resolved.dataPath !== undefined) {
    // ':memory:' is chDB's in-process database: no folder to claim.
    if (resolved.dataPath !== IN_MEMORY) lock = lockDataPath(resolved.dataPath);
    try {
      // Loaded lazily: the engine is large and only embedded mode needs it.
      const { createChdbConnection } = await import('chdb/connection');
      const connection = createChdbConnection({ path: resolved.dataPath });
      client = createClient({
        // chDB builds on @clickhouse/client-common, which the client bundles as its own copy: same shape, other type.
        connection: connection as unknown as NonNullable<Parameters<typeof createClient>[0]>['connection'],
        clickhouse_settings: SESSION_SETTINGS,
      });
      // The client would turn the body into one SQL string; the raw insert hands the bytes to the engine as they are.
      insertCompactRows = async (table, columns, rows, settings) => {
        if (rows.length === 0) return;
        await connection.chdb.rawInsert({
          table: `${database}.${table}`,
          columns,
          values: Buffer.from(rows.map((row) => JSON.stringify(row)).join('\n')),
          format: 'JSONCompactEachRow',
          settings: settings as Record<string, string | number | boolean>,
        });
      };
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
    const server = client;
    insertCompactRows = async (table, columns, rows, settings) => {
      if (rows.length === 0) return;
      await server.insert({ table: `${quoteIdentifier(database)}.${quoteIdentifier(table)}`, columns: [...columns] as [string, ...string[]], values: rows as unknown[][], format: 'JSONCompactEachRow', clickhouse_settings: settings });
    };
  }
  await client.command({ query: `CREATE DATABASE IF NOT EXISTS ${quoteIdentifier(database)}` });
  let closed = false;
  return {
    client,
    database,
    kind: resolved.dataPath !== undefined ? 'embedded' : 'server',
    table: (name) => `${quoteIdentifier(database)}.${quoteIdentifier(name)}`,
    insertCompactRows,
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
