import { createClient, type ClickHouseClient, type ClickHouseSettings } from '@clickhouse/client';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { lockDataPath, type DataPathLock } from './data-path-lock.ts';
import { EmbeddedRowInsert } from './row-binary/embedded-row-insert.ts';
import { encodeRowBinary } from './row-binary/row-binary-encoding.ts';
import type { RowLayout } from './row-binary/row-layout.ts';
import { withStatementScopedSettings } from './statement-scoped-settings.ts';
import { connectionInTurns, EngineTurns } from './engine-turns.ts';
import { StorageError } from './storage-errors.ts';
import { type ResolvedStorageOptions, StorageOptionsSchema, type StorageOptions } from './storage-options.ts';

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
  /** Inserts rows described by `layout`, encoded in RowBinary (see insertRowBinary). */
  insertRows<Row extends object>(
    table: string,
    layout: RowLayout<Row>,
    rows: readonly Row[],
    settings: ClickHouseSettings,
  ): Promise<void>;
  /**
   * Inserts rows already encoded in RowBinary (columns in `layout` order), the cheapest format for ClickHouse to parse:
   * into the embedded engine through a file, into a server as the body of an INSERT. `settings` apply to this INSERT only.
   * Pieces of one batch are sent in order and never joined in memory.
   */
  insertRowBinary<Row extends object>(
    table: string,
    layout: RowLayout<Row>,
    rowBinary: RowBinaryPieces,
    settings: ClickHouseSettings,
  ): Promise<void>;
  /**
   * True while the embedded engine runs a read, which an insert has to wait for (it runs one statement at a time);
   * always false on a server, where inserts and reads run side by side.
   */
  readHoldsInserts(): boolean;
  close(): Promise<void>;
}

/** Rows in RowBinary: one buffer, or consecutive pieces of one batch. */
export type RowBinaryPieces = Buffer | readonly Buffer[];

type RowBinaryInsert = Storage['insertRowBinary'];

function byteLength(rowBinary: RowBinaryPieces): number {
  return Buffer.isBuffer(rowBinary) ? rowBinary.length : rowBinary.reduce((n, piece) => n + piece.length, 0);
}

export async function openStorage(options: StorageOptions): Promise<Storage> {
  const resolved = parseStorageOptions(options);
  const database = resolved.database;
  const connected =
    resolved.dataPath !== undefined
      ? await connectEmbedded(resolved.dataPath, database)
      : connectServer(resolved, database);
  const { client, insertRowBinary } = connected;
  await client.command({ query: `CREATE DATABASE IF NOT EXISTS ${quoteIdentifier(database)}` });
  let closed = false;
  return {
    client,
    database,
    kind: resolved.dataPath !== undefined ? 'embedded' : 'server',
    table: (name) => `${quoteIdentifier(database)}.${quoteIdentifier(name)}`,
    insertRows: async (table, layout, rows, settings) =>
      insertRowBinary(table, layout, await encodeRowBinary(rows, layout), settings),
    insertRowBinary,
    readHoldsInserts: connected.readHoldsInserts,
    async close() {
      if (closed) return;
      closed = true;
      try {
        await client.close();
      } finally {
        connected.release();
      }
    },
  };
}

function parseStorageOptions(options: StorageOptions): ResolvedStorageOptions {
  const parsed = StorageOptionsSchema.safeParse(options);
  if (!parsed.success) {
    throw new StorageError(
      'TT_STORAGE_BAD_OPTIONS',
      `invalid storage options: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'options'}: ${i.message}`).join('; ')}`,
    );
  }
  return parsed.data;
}

/** A client over one kind of ClickHouse, its RowBinary insert, and what to free after the client closes. */
interface Connection {
  client: ClickHouseClient;
  insertRowBinary: RowBinaryInsert;
  readHoldsInserts(): boolean;
  release(): void;
}

/** The embedded engine (chDB) on `dataPath`, which this process claims (a lock) while it is open. */
async function connectEmbedded(dataPath: string, database: string): Promise<Connection> {
  // ':memory:' is chDB's in-process database: no folder to claim.
  const lock: DataPathLock | undefined = dataPath !== IN_MEMORY ? lockDataPath(dataPath) : undefined;
  try {
    // Loaded lazily: the engine is large and only embedded mode needs it.
    const { createChdbConnection } = await import('chdb/connection');
    const connection = createChdbConnection({ path: dataPath });
    const turns = new EngineTurns();
    const client = createClient({
      // chDB builds on @clickhouse/client-common, which the client bundles as its own copy: same shape, other type.
      connection: connectionInTurns(
        withStatementScopedSettings(connection, SESSION_SETTINGS),
        turns,
      ) as unknown as NonNullable<Parameters<typeof createClient>[0]>['connection'],
      clickhouse_settings: SESSION_SETTINGS,
    });
    const folder =
      dataPath === IN_MEMORY
        ? mkdtempSync(join(tmpdir(), 'tradetrace-inserts-'))
        : join(dataPath, 'tradetrace-inserts');
    const inserter = new EmbeddedRowInsert(
      { chdb: { queryAsync: (sql) => turns.run('insert', () => connection.chdb.queryAsync(sql)) } },
      folder,
    );
    return {
      client,
      insertRowBinary: async (table, layout, rowBinary, settings) => {
        if (byteLength(rowBinary) === 0) return;
        await inserter.insertRowBinary(
          `${quoteIdentifier(database)}.${quoteIdentifier(table)}`,
          layout,
          rowBinary,
          settings,
        );
      },
      readHoldsInserts: () => turns.readRunning,
      release() {
        inserter.close();
        lock?.release();
      },
    };
  } catch (error) {
    lock?.release();
    throw new StorageError(
      'TT_STORAGE_ENGINE_UNAVAILABLE',
      `could not start the embedded ClickHouse engine in ${dataPath}: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

/** A ClickHouse server over HTTP. */
function connectServer(resolved: ResolvedStorageOptions, database: string): Connection {
  const client = createClient({
    url: resolved.url,
    username: resolved.username ?? 'default',
    password: resolved.password ?? '',
    clickhouse_settings: SESSION_SETTINGS,
  });
  return {
    client,
    // The client's insert takes JSON and text formats only; RowBinary goes as the body of a plain INSERT statement.
    insertRowBinary: async (table, layout, rowBinary, settings) => {
      if (byteLength(rowBinary) === 0) return;
      const columns = layout.map((column) => quoteIdentifier(column.name)).join(', ');
      const { stream } = await client.exec({
        query: `INSERT INTO ${quoteIdentifier(database)}.${quoteIdentifier(table)} (${columns}) FORMAT RowBinary`,
        values: Readable.from(Buffer.isBuffer(rowBinary) ? [rowBinary] : rowBinary),
        clickhouse_settings: settings,
      });
      stream.resume();
      await finished(stream);
    },
    readHoldsInserts: () => false,
    // A server connection holds nothing beyond the client.
    release() {},
  };
}

export function quoteIdentifier(name: string): string {
  return `\`${name.replaceAll('\\', '\\\\').replaceAll('`', '\\`')}\``;
}
