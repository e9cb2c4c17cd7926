import { describe, expect, it } from 'vitest';
import { ALL_MIGRATIONS, insertSpanRows, runMigrations } from '@tradetrace/storage';
import { INSERTED_TABLES, MERGE_SELECTOR_BASE } from '../src/migrations/031-merge-selector-base.ts';
import { KEY } from '../src/migrations/trading-attribute-keys.ts';
import { storeOnDisk } from './fixtures/store-on-disk.ts';
import { at, spanRow } from './fixtures/telemetry-rows.ts';

const store = storeOnDisk('tradetrace-merge-selector-');
const rows = store.rows;

/** Each MergeTree table of the database with the `SETTINGS` clause of its definition. */
async function tableSettings(): Promise<Record<string, string>> {
  const tables = await rows<{ name: string; engine_full: string }>(
    `SELECT name, engine_full FROM system.tables WHERE database = '${store.storage.database}' AND engine LIKE '%MergeTree'`,
  );
  return Object.fromEntries(tables.map((t) => [t.name, t.engine_full.split(' SETTINGS ')[1] ?? '']));
}

/** `otel_traces`, `otel_logs` and every table a view on them writes to: where an INSERT makes parts. */
async function tablesInsertsWrite(): Promise<string[]> {
  const views = await rows<{ create_table_query: string }>(
    `SELECT create_table_query FROM system.tables WHERE database = '${store.storage.database}' AND has(
       (SELECT groupArray(arrayJoin(dependencies_table)) FROM system.tables WHERE database = '${store.storage.database}' AND name IN ('otel_traces', 'otel_logs')),
       name)`,
  );
  const targets = views.map((v) => /\sTO\s+\S+\.`?(\w+)`?/.exec(v.create_table_query)?.[1]);
  return [...new Set(['otel_traces', 'otel_logs', ...targets])].sort() as string[];
}

describe('mergeSelectorBaseMigration', () => {
  it('on a store written before it, widens the merges of every table an INSERT writes, without rewriting a part', async () => {
    await runMigrations(
      store.storage,
      {},
      ALL_MIGRATIONS.filter((m) => m.version < 31),
    );
    await insertSpanRows(
      store.storage,
      [
        spanRow({
          SpanId: 'c000000000000001',
          SpanName: 'decide SOL/USDC:USDC',
          Timestamp: at(1),
          SpanAttributes: { [KEY.operationName]: 'decide', [KEY.decisionId]: 'merge-selector' },
        }),
      ],
      { deduplicationToken: 'merge-selector' },
    );
    const parts = () =>
      rows(
        `SELECT table, name FROM system.parts WHERE active AND database = '${store.storage.database}' AND table IN (${INSERTED_TABLES.map((t) => `'${t}'`).join(', ')}) ORDER BY table, name`,
      );
    const written = await parts();
    const before = await tableSettings();
    for (const table of INSERTED_TABLES) expect(before[table], table).not.toContain('merge_selector_base');

    expect(await runMigrations(store.storage)).toEqual([31]);

    expect([...INSERTED_TABLES].sort()).toEqual(await tablesInsertsWrite());
    const after = await tableSettings();
    for (const table of INSERTED_TABLES)
      expect(after[table], table).toContain(`merge_selector_base = ${MERGE_SELECTOR_BASE}`);
    expect(after.llm_prices).not.toContain('merge_selector_base');
    expect(await parts()).toEqual(written);
  });
});
