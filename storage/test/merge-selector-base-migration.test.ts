import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_MIGRATIONS, insertSpanRows, openStorage, runMigrations, type Storage } from '@tradetrace/storage';
import { INSERTED_TABLES, MERGE_SELECTOR_BASE } from '../src/migrations/031-merge-selector-base.ts';
import { KEY } from '../src/migrations/trading-attribute-keys.ts';
import { at, spanRow } from './fixtures/telemetry-rows.ts';

let dataPath: string;
let storage: Storage;

beforeAll(async () => {
  dataPath = mkdtempSync(join(tmpdir(), 'tradetrace-merge-selector-'));
  storage = await openStorage({ dataPath });
});

afterAll(async () => {
  await storage.close();
  rmSync(dataPath, { recursive: true, force: true });
});

async function rows<T>(query: string): Promise<T[]> {
  return (await storage.client.query({ query, format: 'JSONEachRow' })).json<T>();
}

/** Each MergeTree table of the database with the `SETTINGS` clause of its definition. */
async function tableSettings(): Promise<Record<string, string>> {
  const tables = await rows<{ name: string; engine_full: string }>(
    `SELECT name, engine_full FROM system.tables WHERE database = '${storage.database}' AND engine LIKE '%MergeTree'`,
  );
  return Object.fromEntries(tables.map((t) => [t.name, t.engine_full.split(' SETTINGS ')[1] ?? '']));
}

/** `otel_traces`, `otel_logs` and every table a view on them writes to: where an INSERT makes parts. */
async function tablesInsertsWrite(): Promise<string[]> {
  const views = await rows<{ create_table_query: string }>(
    `SELECT create_table_query FROM system.tables WHERE database = '${storage.database}' AND has(
       (SELECT groupArray(arrayJoin(dependencies_table)) FROM system.tables WHERE database = '${storage.database}' AND name IN ('otel_traces', 'otel_logs')),
       name)`,
  );
  const targets = views.map((v) => /\sTO\s+\S+\.`?(\w+)`?/.exec(v.create_table_query)?.[1]);
  return [...new Set(['otel_traces', 'otel_logs', ...targets])].sort() as string[];
}

function decision(n: number) {
  return spanRow({
    SpanId: `c00000000000000${n}`,
    SpanName: 'decide SOL/USDC:USDC',
    Timestamp: at(n),
    SpanAttributes: { [KEY.operationName]: 'decide', [KEY.decisionId]: `merge-selector-${n}` },
  });
}

describe('mergeSelectorBaseMigration', () => {
  it('on a store written before it, widens the merges of every table an INSERT writes, without rewriting a part', async () => {
    await runMigrations(
      storage,
      {},
      ALL_MIGRATIONS.filter((m) => m.version < 31),
    );
    await insertSpanRows(storage, [decision(1)], { deduplicationToken: 'merge-selector-a' });
    const parts = () =>
      rows(
        `SELECT table, name FROM system.parts WHERE active AND database = '${storage.database}' AND table IN (${INSERTED_TABLES.map((t) => `'${t}'`).join(', ')}) ORDER BY table, name`,
      );
    const written = await parts();
    const before = await tableSettings();
    for (const table of INSERTED_TABLES) expect(before[table], table).not.toContain('merge_selector_base');

    expect(await runMigrations(storage)).toEqual([31]);

    expect([...INSERTED_TABLES].sort()).toEqual(await tablesInsertsWrite());
    const after = await tableSettings();
    for (const table of INSERTED_TABLES)
      expect(after[table], table).toContain(`merge_selector_base = ${MERGE_SELECTOR_BASE}`);
    expect(after.llm_prices).not.toContain('merge_selector_base');
    expect(await parts()).toEqual(written);
  });
});
