import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertLogRows, insertSpanRows, openStorage, runMigrations, type Storage } from '@tradetrace/storage';
import { at, logRow, spanRow } from './fixtures/telemetry-rows.ts';

let dataPath: string;
let storage: Storage;

beforeAll(async () => {
  dataPath = mkdtempSync(join(tmpdir(), 'tradetrace-dedup-'));
  storage = await openStorage({ dataPath });
  await runMigrations(storage);
});

afterAll(async () => {
  await storage.close();
  rmSync(dataPath, { recursive: true, force: true });
});

async function count(table: string, where: string): Promise<number> {
  const result = await storage.client.query({
    query: `SELECT count() AS n FROM ${storage.table(table)} WHERE ${where}`,
    format: 'JSONEachRow',
  });
  const [row] = await result.json<{ n: string }>();
  return Number(row?.n);
}

function batch(traceId: string) {
  return [
    spanRow({ TraceId: traceId, SpanId: 'a000000000000001', SpanName: 'decide SOL/USDC:USDC', Timestamp: at(1) }),
    spanRow({
      TraceId: traceId,
      SpanId: 'a000000000000002',
      SpanName: 'chat deepseek-chat',
      ParentSpanId: 'a000000000000001',
      Timestamp: at(2),
    }),
  ];
}

describe('insertSpanRows', () => {
  it('stores a batch once when it is inserted twice with the same deduplication token', async () => {
    const traceId = '11111111111111111111111111111111';
    await insertSpanRows(storage, batch(traceId), { deduplicationToken: 'spool-entry-1' });
    await insertSpanRows(storage, batch(traceId), { deduplicationToken: 'spool-entry-1' });
    expect(await count('otel_traces', `TraceId = '${traceId}'`)).toBe(2);
  });

  it('stores two different batches that carry different tokens', async () => {
    const traceId = '22222222222222222222222222222222';
    const first = batch(traceId);
    const second = batch(traceId).map((row, i) => ({ ...row, SpanId: `b00000000000000${i + 1}` }));
    await insertSpanRows(storage, first, { deduplicationToken: 'spool-entry-2' });
    await insertSpanRows(storage, second, { deduplicationToken: 'spool-entry-3' });
    expect(await count('otel_traces', `TraceId = '${traceId}'`)).toBe(4);
  });

  it('does not let a token of an earlier insert swallow a later insert without one', async () => {
    const traceId = '33333333333333333333333333333333';
    await insertSpanRows(storage, batch(traceId), { deduplicationToken: 'spool-entry-4' });
    const other = batch(traceId).map((row, i) => ({ ...row, SpanId: `c00000000000000${i + 1}` }));
    await insertSpanRows(storage, other);
    expect(await count('otel_traces', `TraceId = '${traceId}'`)).toBe(4);
  });

  it("stores an identical batch once when neither insert names a token (the rows' hash is the name)", async () => {
    const traceId = '55555555555555555555555555555555';
    await insertSpanRows(storage, batch(traceId));
    await insertSpanRows(storage, batch(traceId));
    expect(await count('otel_traces', `TraceId = '${traceId}'`)).toBe(2);
  });

  it('stores the typed rows of a replayed batch once', async () => {
    const traceId = '66666666666666666666666666666666';
    const decision = spanRow({
      TraceId: traceId,
      SpanId: 'e000000000000001',
      SpanName: 'decide SOL/USDC:USDC',
      SpanAttributes: { 'trading.operation.name': 'decide', 'trading.decision.id': 'dec-replayed' },
      'Events.Timestamp': [at(1)],
      'Events.Name': ['trading.reward'],
      'Events.Attributes': [{ 'trading.reward.value': '2' }],
    });
    const llm = spanRow({
      TraceId: traceId,
      SpanId: 'e000000000000002',
      SpanName: 'chat deepseek-chat',
      SpanAttributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'deepseek-chat' },
    });
    for (let attempt = 0; attempt < 3; attempt += 1)
      await insertSpanRows(storage, [decision, llm], { deduplicationToken: 'spool-entry-6' });
    expect(await count('trading_decisions', `TraceId = '${traceId}'`)).toBe(1);
    expect(await count('trading_rewards', `TraceId = '${traceId}'`)).toBe(1);
    expect(await count('llm_calls', `TraceId = '${traceId}'`)).toBe(1);
  });

  it('keeps the trace-id lookup view consistent with the deduplicated table', async () => {
    const traceId = '44444444444444444444444444444444';
    await insertSpanRows(storage, batch(traceId), { deduplicationToken: 'spool-entry-5' });
    await insertSpanRows(storage, batch(traceId), { deduplicationToken: 'spool-entry-5' });
    expect(await count('otel_traces_trace_id_ts', `TraceId = '${traceId}'`)).toBe(1);
  });
});

describe('insertLogRows', () => {
  it('stores a batch once when it is inserted twice with the same deduplication token', async () => {
    const rows = [
      logRow({
        EventName: 'trading.reward',
        LogAttributes: { 'trading.decision.id': 'dec-log-1', 'trading.reward.value': '1.5' },
        Timestamp: at(5),
      }),
      logRow({ Body: 'order sent', LogAttributes: { 'trading.decision.id': 'dec-log-1' }, Timestamp: at(6) }),
    ];
    await insertLogRows(storage, rows, { deduplicationToken: 'logs-entry-1' });
    await insertLogRows(storage, rows, { deduplicationToken: 'logs-entry-1' });
    expect(await count('otel_logs', `LogAttributes['trading.decision.id'] = 'dec-log-1'`)).toBe(2);
  });

  it('stores the reward of a replayed log batch once', async () => {
    const rows = [
      logRow({
        EventName: 'trading.reward',
        LogAttributes: { 'trading.decision.id': 'dec-log-2', 'trading.reward.value': '0.5' },
        Timestamp: at(8),
      }),
    ];
    await insertLogRows(storage, rows, { deduplicationToken: 'logs-entry-3' });
    await insertLogRows(storage, rows, { deduplicationToken: 'logs-entry-3' });
    expect(await count('trading_rewards', `DecisionId = 'dec-log-2'`)).toBe(1);
  });

  it('derives TimestampTime from Timestamp as the contrib table does', async () => {
    await insertLogRows(storage, [logRow({ Body: 'tick', Timestamp: at(7.25) })], {
      deduplicationToken: 'logs-entry-2',
    });
    const result = await storage.client.query({
      query: `SELECT toUnixTimestamp(TimestampTime) AS s, toUnixTimestamp64Nano(Timestamp) AS ns FROM ${storage.table('otel_logs')} WHERE Body = 'tick'`,
      format: 'JSONEachRow',
    });
    const [row] = await result.json<{ s: number; ns: string }>();
    expect(row?.ns).toBe(at(7.25));
    expect(Number(row?.s)).toBe(Math.floor(Number(BigInt(at(7.25)) / 1_000_000_000n)));
  });
});
