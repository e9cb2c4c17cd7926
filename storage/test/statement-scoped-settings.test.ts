import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClickHouseSettings } from '@clickhouse/client';
import { openStorage, type Storage } from '@tradetrace/storage';

let dataPath: string;
let storage: Storage;

beforeAll(async () => {
  dataPath = mkdtempSync(join(tmpdir(), 'tradetrace-settings-'));
  storage = await openStorage({ dataPath });
  await storage.client.command({ query: 'CREATE TABLE scratch (n UInt32) ENGINE = Memory' });
});

afterAll(async () => {
  await storage.close();
  rmSync(dataPath, { recursive: true, force: true });
});

interface Settings {
  block: string;
  join: string;
  timezone: string;
}

async function current(settings?: ClickHouseSettings): Promise<Settings> {
  const result = await storage.client.query({
    query: `SELECT toString(getSetting('max_block_size')) AS block, toString(getSetting('join_algorithm')) AS join, toString(getSetting('session_timezone')) AS timezone`,
    format: 'JSONEachRow',
    clickhouse_settings: settings,
  });
  return (await result.json<Settings>())[0]!;
}

describe('embedded engine: a call’s settings', () => {
  it('apply to that call and are gone after it, on every kind of call, failed ones included', async () => {
    const defaults = await current();
    const changed = { max_block_size: '1234', join_algorithm: 'hash' } as const;
    expect(await current(changed)).toEqual({ block: '1234', join: 'hash', timezone: defaults.timezone });
    expect(await current()).toEqual(defaults);

    await storage.client.command({ query: 'SELECT 1', clickhouse_settings: changed });
    expect(await current()).toEqual(defaults);
    await (await storage.client.exec({ query: 'SELECT 1', clickhouse_settings: changed })).stream.resume();
    expect(await current()).toEqual(defaults);
    await storage.client.insert({
      table: 'scratch',
      values: [{ n: 1 }],
      format: 'JSONEachRow',
      clickhouse_settings: changed,
    });
    expect(await current()).toEqual(defaults);
    await expect(
      storage.client.command({ query: 'SELECT no_such_column', clickhouse_settings: changed }),
    ).rejects.toThrow(/no_such_column/);
    expect(await current()).toEqual(defaults);
  });
});
