import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStorage, runMigrations, type Storage } from '@tradetrace/storage';
import { startHealthHistory } from '../../src/metrics/health-history-recorder.ts';

interface StoredRow {
  seconds: number;
  MetricName: string;
  MetricType: string;
  Labels: Record<string, string>;
  Value: number;
  Increase: number;
  StartTime: string;
}

describe('startHealthHistory (collector_metrics on the embedded engine)', () => {
  let dataPath: string;
  let storage: Storage;

  beforeAll(async () => {
    dataPath = mkdtempSync(join(tmpdir(), 'tradetrace-health-'));
    storage = await openStorage({ dataPath });
    await runMigrations(storage);
  });

  afterAll(async () => {
    await storage?.close();
    rmSync(dataPath, { recursive: true, force: true });
  });

  async function stored(collectorId: string): Promise<StoredRow[]> {
    const result = await storage.client.query({
      query: `SELECT toUnixTimestamp(Timestamp) AS seconds, MetricName, MetricType, Labels, Value, Increase, toString(StartTime) AS StartTime
        FROM otel.collector_metrics WHERE CollectorId = {id:String} ORDER BY Timestamp, MetricName`,
      query_params: { id: collectorId },
      format: 'JSONEachRow',
    });
    return (await result.json<StoredRow>()).map((row) => ({
      ...row,
      seconds: Number(row.seconds),
      Value: Number(row.Value),
      Increase: Number(row.Increase),
    }));
  }

  it('writes a sample at start and at every record, counters with their growth since the previous sample', async () => {
    const registry = new Registry();
    const accepted = new Counter({ name: 'accepted_total', help: 'h', labelNames: ['signal'], registers: [registry] });
    const spool = new Gauge({ name: 'spool_bytes', help: 'h', registers: [registry] });
    const latency = new Histogram({ name: 'insert_seconds', help: 'h', buckets: [0.1, 1], registers: [registry] });
    let clock = 1_000_000;
    const recorder = startHealthHistory({ registry, storage, collectorId: 'c-1', intervalMs: 0, now: () => clock });
    accepted.inc({ signal: 'traces' }, 3);
    spool.set(500);
    latency.observe(0.5);
    clock += 1_000;
    await recorder.record();
    accepted.inc({ signal: 'traces' }, 2);
    spool.set(200);
    clock += 1_000;
    await recorder.stop(10_000);

    const rows = await stored('c-1');
    expect([...new Set(rows.map((r) => r.seconds))]).toEqual([1_000, 1_001, 1_002]);
    expect(new Set(rows.map((r) => r.StartTime)).size).toBe(1);
    const series = (name: string) => rows.filter((r) => r.MetricName === name);
    expect(series('accepted_total').map((r) => [r.seconds, r.Value, r.Increase])).toEqual([
      [1_001, 3, 3],
      [1_002, 5, 2],
    ]);
    expect(series('accepted_total')[0]).toMatchObject({ MetricType: 'counter', Labels: { signal: 'traces' } });
    expect(series('spool_bytes').map((r) => [r.Value, r.Increase, r.MetricType])).toEqual([
      [0, 0, 'gauge'],
      [500, 0, 'gauge'],
      [200, 0, 'gauge'],
    ]);
    expect(series('insert_seconds_count').map((r) => [r.Value, r.Increase, r.MetricType])).toEqual([
      [0, 0, 'histogram'],
      [1, 1, 'histogram'],
      [1, 0, 'histogram'],
    ]);
    expect(series('insert_seconds_sum').map((r) => r.Increase)).toEqual([0, 0.5, 0]);
    // The buckets stay in /metrics; the sum and the count carry the rate.
    expect(rows.filter((r) => r.MetricName.endsWith('_bucket'))).toEqual([]);
  });

  it('keeps the samples ClickHouse refuses and writes them, in order and once, when it takes rows again', async () => {
    const registry = new Registry();
    const accepted = new Counter({ name: 'accepted_total', help: 'h', registers: [registry] });
    const folded = new Counter({ name: 'folded_total', help: 'h', registers: [] });
    let clock = 2_000_000;
    const recorder = startHealthHistory({
      registry,
      storage,
      collectorId: 'c-2',
      intervalMs: 0,
      now: () => clock,
      maxPendingSamples: 3,
      folded,
    });
    await recorder.record(); // after the sample taken at start: both stored before the table goes away
    // A real refusal from the engine: the table is not there (UNKNOWN_TABLE) while it is renamed away.
    await storage.client.command({ query: 'RENAME TABLE otel.collector_metrics TO otel.collector_metrics_away' });
    try {
      for (const growth of [1, 2, 4, 8]) {
        accepted.inc(growth);
        clock += 1_000;
        await recorder.record();
      }
    } finally {
      await storage.client.command({ query: 'RENAME TABLE otel.collector_metrics_away TO otel.collector_metrics' });
    }
    accepted.inc(16);
    clock += 1_000;
    await recorder.record();
    await recorder.record(); // nothing new waits: stored once each
    await recorder.stop(10_000);

    const counter = (await stored('c-2')).filter((r) => r.MetricName === 'accepted_total');
    // Five samples waited, three could: the two oldest were folded into the next (counted), their growth kept.
    expect((await folded.get()).values[0]?.value).toBe(2);
    expect(counter.map((r) => [r.seconds, r.Value, r.Increase])).toEqual([
      [2_000, 0, 0],
      [2_000, 0, 0],
      [2_003, 7, 7],
      [2_004, 15, 8],
      [2_005, 31, 16],
      [2_005, 31, 0],
      [2_005, 31, 0],
    ]);
  });
});
