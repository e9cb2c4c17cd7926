import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_MIGRATIONS, openStorage, runMigrations, type Storage } from '@tradetrace/storage';
import { LZ4_COLUMNS } from '../src/migrations/013-lz4-codecs.ts';

let dataPath: string;
let storage: Storage;

beforeAll(async () => {
  dataPath = mkdtempSync(join(tmpdir(), 'tradetrace-contrib-'));
  storage = await openStorage({ dataPath });
  await runMigrations(storage);
  // The contrib exporter's own table as migration 001 creates it, beside ours for comparison.
  const [contrib] = ALL_MIGRATIONS.find((m) => m.version === 1)!.statements({
    table: () => storage.table('contrib_otel_traces'),
    replicated: false,
  });
  await storage.client.command({ query: contrib! });
});

afterAll(async () => {
  await storage.close();
  rmSync(dataPath, { recursive: true, force: true });
});

async function rows<T>(query: string): Promise<T[]> {
  const result = await storage.client.query({ query, format: 'JSONEachRow' });
  return result.json<T>();
}

const columnsOf = (table: string) =>
  rows<{ name: string; type: string; compression_codec: string }>(
    `SELECT name, type, compression_codec FROM system.columns WHERE database = '${storage.database}' AND table = '${table}' ORDER BY position`,
  );

const indexesOf = async (table: string) =>
  (
    await rows<{ name: string }>(
      `SELECT name FROM system.data_skipping_indices WHERE database = '${storage.database}' AND table = '${table}' ORDER BY name`,
    )
  ).map((index) => index.name);

describe('otel_traces against the contrib exporter', () => {
  it('has the contrib table’s columns and types, in its order', async () => {
    const shape = (columns: { name: string; type: string }[]) => columns.map(({ name, type }) => ({ name, type }));
    expect(shape(await columnsOf('otel_traces'))).toEqual(shape(await columnsOf('contrib_otel_traces')));
  });

  it('has the contrib codecs on the hex ids and LZ4 in place of ZSTD(1) on every other column (migration 013)', async () => {
    const lz4 = new Set(LZ4_COLUMNS.otel_traces);
    const contrib = new Map((await columnsOf('contrib_otel_traces')).map((c) => [c.name, c.compression_codec]));
    for (const column of await columnsOf('otel_traces')) {
      const expected = lz4.has(column.name)
        ? contrib.get(column.name)?.replace('ZSTD(1)', 'LZ4')
        : contrib.get(column.name);
      expect(column.compression_codec, column.name).toBe(expected);
    }
    expect(contrib.get('TraceId')).toBe('CODEC(ZSTD(1))');
  });

  it('keeps the trace id and duration indexes and drops the four attribute-map bloom filters (migration 012)', async () => {
    expect(await indexesOf('contrib_otel_traces')).toEqual([
      'idx_duration',
      'idx_res_attr_key',
      'idx_res_attr_value',
      'idx_span_attr_key',
      'idx_span_attr_value',
      'idx_trace_id',
    ]);
    expect(await indexesOf('otel_traces')).toEqual(['idx_duration', 'idx_trace_id']);
  });

  it('takes the exporter’s own INSERT statement (traces_insert.sql, its values bound)', async () => {
    // exporter/clickhouseexporter/internal/sqltemplates/traces_insert.sql: the column list as the exporter sends it.
    const columns = [
      'Timestamp',
      'TraceId',
      'SpanId',
      'ParentSpanId',
      'TraceState',
      'SpanName',
      'SpanKind',
      'ServiceName',
      'ResourceAttributes',
      'ScopeName',
      'ScopeVersion',
      'SpanAttributes',
      'Duration',
      'StatusCode',
      'StatusMessage',
      'Events.Timestamp',
      'Events.Name',
      'Events.Attributes',
      'Links.TraceId',
      'Links.SpanId',
      'Links.TraceState',
      'Links.Attributes',
    ];
    const values = [
      "'2026-12-07 10:00:00.123456789'",
      "'c0ffee00c0ffee00c0ffee00c0ffee00'",
      "'00f067aa0ba902b7'",
      "''",
      "''",
      "'decide BTC/USDT'",
      "'Internal'",
      "'contrib-bot'",
      "map('service.name', 'contrib-bot')",
      "'tradetrace'",
      "'1.0.0'",
      "map('trading.operation.name', 'decide', 'trading.decision.id', 'contrib-1')",
      '1500',
      "'Ok'",
      "''",
      "['2026-12-07 10:00:01']",
      "['trading.reward']",
      "[map('trading.reward.value', '0.5')]",
      '[]',
      '[]',
      '[]',
      '[]',
    ];
    await storage.client.command({
      query: `INSERT INTO "${storage.database}"."otel_traces" (\n    ${columns.join(',\n    ')}\n) VALUES (\n    ${values.join(',\n    ')}\n    )`,
    });
    expect(
      await rows(
        `SELECT SpanName, SpanAttributes['trading.decision.id'] AS decision, Events.Name AS events FROM ${storage.table('otel_traces')} WHERE ServiceName = 'contrib-bot'`,
      ),
    ).toEqual([{ SpanName: 'decide BTC/USDT', decision: 'contrib-1', events: ['trading.reward'] }]);
    // The views read it as they read the collector's rows.
    expect(
      await rows(`SELECT DecisionId FROM ${storage.table('trading_decisions')} WHERE DecisionId = 'contrib-1'`),
    ).toHaveLength(1);
  });
});
