import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_MIGRATIONS, insertSpanRows, openStorage, runMigrations, type Storage } from '@tradetrace/storage';
import { LZ4_COLUMNS } from '../src/migrations/013-lz4-codecs.ts';
import { KEY } from '../src/migrations/trading-attribute-keys.ts';
import { at, spanRow } from './fixtures/telemetry-rows.ts';

let dataPath: string;
let storage: Storage;

beforeAll(async () => {
  dataPath = mkdtempSync(join(tmpdir(), 'tradetrace-lz4-'));
  storage = await openStorage({ dataPath });
});

afterAll(async () => {
  await storage.close();
  rmSync(dataPath, { recursive: true, force: true });
});

async function rows<T>(query: string): Promise<T[]> {
  return (await storage.client.query({ query, format: 'JSONEachRow' })).json<T>();
}

const activeParts = async (table: string) =>
  (
    await rows<{ name: string }>(
      `SELECT name FROM system.parts WHERE active AND database = '${storage.database}' AND table = '${table}' ORDER BY name`,
    )
  ).map((part) => part.name);

const codecs = async (table: string) =>
  Object.fromEntries(
    (
      await rows<{ name: string; compression_codec: string }>(
        `SELECT name, compression_codec FROM system.columns WHERE database = '${storage.database}' AND table = '${table}'`,
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
      storage,
      {},
      ALL_MIGRATIONS.filter((m) => m.version < 13),
    );
    await insertSpanRows(storage, [decision(1)], { deduplicationToken: 'lz4-a' });
    await insertSpanRows(storage, [decision(2)], { deduplicationToken: 'lz4-b' });
    const written = await activeParts('otel_traces');
    expect(written).toHaveLength(2);
    const mutations = () => rows(`SELECT command FROM system.mutations WHERE database = '${storage.database}'`);
    const mutationsBefore = await mutations();

    expect(await runMigrations(storage)).toContain(13);

    expect(await activeParts('otel_traces')).toEqual(written);
    expect(await mutations()).toEqual(mutationsBefore);
    for (const [table, columns] of Object.entries(LZ4_COLUMNS)) {
      const now = await codecs(table);
      for (const column of columns)
        expect(now[column], `${table}.${column}`).toBe(column === 'Timestamp' ? 'CODEC(Delta(8), LZ4)' : 'CODEC(LZ4)');
    }
    expect((await codecs('otel_traces')).TraceId).toBe('CODEC(ZSTD(1))');

    await storage.client.command({ query: `OPTIMIZE TABLE ${storage.table('otel_traces')} FINAL` });
    expect(await activeParts('otel_traces')).toHaveLength(1);
    expect(
      await rows(`SELECT SpanAttributes['${KEY.decisionId}'] AS id FROM ${storage.table('otel_traces')} ORDER BY id`),
    ).toEqual([{ id: 'lz4-1' }, { id: 'lz4-2' }]);
  });
});
