import { describe, expect, it } from 'vitest';
import { ALL_MIGRATIONS, insertSpanRows, runMigrations } from '@tradetrace/storage';
import { LZ4_COLUMNS } from '../src/migrations/013-lz4-codecs.ts';
import { KEY } from '../src/migrations/trading-attribute-keys.ts';
import { storeOnDisk } from './fixtures/store-on-disk.ts';
import { at, spanRow } from './fixtures/telemetry-rows.ts';

const store = storeOnDisk('tradetrace-lz4-');
const rows = store.rows;

const activeParts = async (table: string) =>
  (
    await rows<{ name: string }>(
      `SELECT name FROM system.parts WHERE active AND database = '${store.storage.database}' AND table = '${table}' ORDER BY name`,
    )
  ).map((part) => part.name);

const codecs = async (table: string) =>
  Object.fromEntries(
    (
      await rows<{ name: string; compression_codec: string }>(
        `SELECT name, compression_codec FROM system.columns WHERE database = '${store.storage.database}' AND table = '${table}'`,
      )
    ).map((column) => [column.name, column.compression_codec]),
  );

function decision(n: number) {
  return spanRow({
    SpanId: `b00000000000000${n}`,
    SpanName: 'decide SOL/USDC:USDC',
    Timestamp: at(n),
    SpanAttributes: { [KEY.operationName]: 'decide', [KEY.decisionId]: `lz4-${n}` },
  });
}

describe('lz4CodecsMigration', () => {
  it('on a store written before it, changes codecs without rewriting a part, and its rows read back after a merge', async () => {
    await runMigrations(
      store.storage,
      {},
      ALL_MIGRATIONS.filter((m) => m.version < 13),
    );
    await insertSpanRows(store.storage, [decision(1)], { deduplicationToken: 'lz4-a' });
    await insertSpanRows(store.storage, [decision(2)], { deduplicationToken: 'lz4-b' });
    const written = await activeParts('otel_traces');
    expect(written).toHaveLength(2);
    const mutations = () => rows(`SELECT command FROM system.mutations WHERE database = '${store.storage.database}'`);
    const mutationsBefore = await mutations();

    expect(await runMigrations(store.storage)).toContain(13);

    expect(await activeParts('otel_traces')).toEqual(written);
    expect(await mutations()).toEqual(mutationsBefore);
    for (const [table, columns] of Object.entries(LZ4_COLUMNS)) {
      const now = await codecs(table);
      for (const column of columns)
        expect(now[column], `${table}.${column}`).toBe(column === 'Timestamp' ? 'CODEC(Delta(8), LZ4)' : 'CODEC(LZ4)');
    }
    expect((await codecs('otel_traces')).TraceId).toBe('CODEC(ZSTD(1))');

    await store.storage.client.command({ query: `OPTIMIZE TABLE ${store.storage.table('otel_traces')} FINAL` });
    expect(await activeParts('otel_traces')).toHaveLength(1);
    expect(
      await rows(
        `SELECT SpanAttributes['${KEY.decisionId}'] AS id FROM ${store.storage.table('otel_traces')} ORDER BY id`,
      ),
    ).toEqual([{ id: 'lz4-1' }, { id: 'lz4-2' }]);
  });
});
