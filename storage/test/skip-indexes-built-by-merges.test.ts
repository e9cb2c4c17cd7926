import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertSpanRows, openStorage, runMigrations, type Storage } from '@tradetrace/storage';
import { at, spanRow } from './fixtures/telemetry-rows.ts';

let dataPath: string;
let storage: Storage;

beforeAll(async () => {
  dataPath = mkdtempSync(join(tmpdir(), 'tradetrace-skip-indexes-'));
  storage = await openStorage({ dataPath });
  await runMigrations(storage);
});

afterAll(async () => {
  await storage.close();
  rmSync(dataPath, { recursive: true, force: true });
});

/** Bytes of skip index in each active part of a table, one entry per part. */
async function skipIndexBytesByPart(table: string): Promise<number[]> {
  const result = await storage.client.query({
    query: `SELECT secondary_indices_compressed_bytes AS bytes FROM system.parts
      WHERE active AND database = {db:String} AND table = {table:String} ORDER BY name`,
    query_params: { db: storage.database, table },
    format: 'JSONEachRow',
  });
  return (await result.json<{ bytes: string }>()).map((row) => Number(row.bytes));
}

async function query<Row>(sql: string): Promise<Row[]> {
  const result = await storage.client.query({ query: sql, format: 'JSONEachRow' });
  return result.json<Row>();
}

const decision = (traceId: string, decisionId: string) =>
  spanRow({
    TraceId: traceId,
    SpanId: `${traceId.slice(0, 15)}1`,
    SpanName: 'decide SOL/USDC:USDC',
    Timestamp: at(1),
    SpanAttributes: { 'trading.operation.name': 'decide', 'trading.decision.id': decisionId },
  });

describe('skip indexes of the telemetry inserts', () => {
  const traces = ['1a000000000000000000000000000001', '1a000000000000000000000000000002'];

  beforeAll(async () => {
    for (const [i, traceId] of traces.entries()) await insertSpanRows(storage, [decision(traceId, `d-skip-${i}`)]);
  });

  it('are not built by the inserts, into otel_traces or the tables its views fill', async () => {
    expect(await skipIndexBytesByPart('otel_traces')).toEqual([0, 0]);
    expect(await skipIndexBytesByPart('trading_decisions')).toEqual([0, 0]);
  });

  it('leave the rows found by the columns they index', async () => {
    const spans = await query<{ TraceId: string }>(
      `SELECT TraceId FROM ${storage.table('otel_traces')} WHERE TraceId = '${traces[1]}'`,
    );
    const decisions = await query<{ TraceId: string }>(
      `SELECT TraceId FROM ${storage.table('trading_decisions')} WHERE DecisionId = 'd-skip-0'`,
    );
    expect(spans).toEqual([{ TraceId: traces[1] }]);
    expect(decisions).toEqual([{ TraceId: traces[0] }]);
  });

  it('are built when the parts merge, and then skip granules', async () => {
    for (const table of ['otel_traces', 'trading_decisions'])
      await storage.client.command({ query: `OPTIMIZE TABLE ${storage.table(table)} FINAL` });
    const [traceIndex] = await skipIndexBytesByPart('otel_traces');
    const [decisionIndex] = await skipIndexBytesByPart('trading_decisions');
    expect(traceIndex).toBeGreaterThan(0);
    expect(decisionIndex).toBeGreaterThan(0);
    const plan = await query<{ explain: string }>(
      `EXPLAIN indexes = 1 SELECT * FROM ${storage.table('otel_traces')} WHERE TraceId = 'ffffffffffffffffffffffffffffffff'`,
    );
    const lines = plan.map((row) => row.explain.trim());
    const skip = lines.indexOf('Name: idx_trace_id');
    expect(skip).toBeGreaterThan(-1);
    expect(lines.slice(skip).find((line) => line.startsWith('Granules:'))).toBe('Granules: 0/1');
  });
});
