import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ALL_MIGRATIONS,
  DEFAULT_LLM_PRICES,
  StorageError,
  TTL_TABLES,
  openStorage,
  planSchema,
  runMigrations,
  type Storage,
} from '@tradetrace/storage';

let dataPath: string;
let storage: Storage;

beforeAll(async () => {
  dataPath = mkdtempSync(join(tmpdir(), 'tradetrace-migrations-'));
  storage = await openStorage({ dataPath });
});

afterAll(async () => {
  await storage.close();
  rmSync(dataPath, { recursive: true, force: true });
});

async function createStatements(): Promise<Record<string, string>> {
  const result = await storage.client.query({
    query: `SELECT name, create_table_query FROM system.tables WHERE database = {db:String} ORDER BY name`,
    query_params: { db: storage.database },
    format: 'JSONEachRow',
  });
  return Object.fromEntries(
    (await result.json<{ name: string; create_table_query: string }>()).map((r) => [r.name, r.create_table_query]),
  );
}

describe('runMigrations', () => {
  it('applies every migration once, then nothing on the second run', async () => {
    expect(await runMigrations(storage)).toEqual(ALL_MIGRATIONS.map((m) => m.version).sort((a, b) => a - b));
    expect(await runMigrations(storage)).toEqual([]);
  });

  it('runs every statement of every migration again without error or change (a half-applied migration is re-run)', async () => {
    const before = await createStatements();
    const plan = planSchema(storage.database);
    for (const migration of ALL_MIGRATIONS) {
      for (const statement of plan.migrationStatements(migration)) await storage.client.command({ query: statement });
    }
    expect(await createStatements()).toEqual(before);
  });

  it('stores the default LLM prices once', async () => {
    const result = await storage.client.query({
      query: `SELECT count() AS n, uniqExact(Model) AS models FROM ${storage.table('llm_prices')}`,
      format: 'JSONEachRow',
    });
    const models = Object.keys(DEFAULT_LLM_PRICES).length;
    expect(await result.json()).toEqual([{ n: String(models), models: String(models) }]);
  });

  it('deletes nothing by default: no table has a TTL', async () => {
    const withTtl = Object.entries(await createStatements()).filter(([, ddl]) => / TTL /.test(ddl));
    expect(withTtl).toEqual([]);
  });

  it('sets the retention asked for, per table over the default, and keeps it on later runs', async () => {
    await runMigrations(storage, { ttl: { days: 30, tables: { otel_logs: 7 } } });
    const ddl = await createStatements();
    expect(ddl.otel_traces).toContain('TTL toDate(Timestamp) + toIntervalDay(30)');
    expect(ddl.otel_logs).toContain('TTL TimestampTime + toIntervalDay(7)');
    expect(ddl.trading_rewards).toContain('TTL toDateTime(Timestamp) + toIntervalDay(30)');
    for (const table of TTL_TABLES) expect(ddl[table], table).toMatch(/ TTL /);
    expect(ddl.llm_prices).not.toMatch(/ TTL /);
    await runMigrations(storage);
    expect((await createStatements()).otel_logs).toContain('TTL TimestampTime + toIntervalDay(7)');
  });

  it('refuses bad options with a message naming the field', async () => {
    const run = runMigrations(storage, { ttl: { days: 0 } });
    await expect(run).rejects.toBeInstanceOf(StorageError);
    await expect(run).rejects.toMatchObject({
      code: 'TT_STORAGE_BAD_OPTIONS',
      message: expect.stringContaining('ttl.days'),
    });
    await expect(runMigrations(storage, { ttl: { tables: { otel_nope: 3 } as never } })).rejects.toMatchObject({
      message: expect.stringContaining('ttl.tables'),
    });
    await expect(runMigrations(storage, { cluster: 'prod; DROP TABLE x' })).rejects.toMatchObject({
      message: expect.stringContaining('cluster'),
    });
  });
});
