import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStorage } from '@tradetrace/storage';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnCollector, type CollectorChild } from '../support/collector-child.ts';
import { traceRequestBodies } from '../support/otlp-request-bodies.ts';
import { post } from '../support/raw-http.ts';

const SPANS_PER_REQUEST = 20;
const WORKERS = 4;
const KILLS = 2;
const SERVICE = 'crash-test';

describe('kill -9 and restart', () => {
  const dataPath = mkdtempSync(join(tmpdir(), 'tradetrace-crash-'));

  afterAll(() => {
    rmSync(dataPath, { recursive: true, force: true });
  });

  it('stores every acknowledged span exactly once, whenever the collector is killed', async () => {
    let current: CollectorChild = await spawnCollector({ port: 0, dataPath });
    let acknowledged = 0;
    let stopping = false;

    // Clients behave like OTel exporters: a request that got no 200 is sent again, unchanged, until it gets one.
    async function worker(): Promise<void> {
      while (!stopping) {
        const body = (await traceRequestBodies({ service: SERVICE, spans: SPANS_PER_REQUEST })).protobuf;
        for (;;) {
          const target = current;
          try {
            const response = await post(`${target.url}/v1/traces`, body, { 'content-type': 'application/x-protobuf' });
            if (response.status === 200) {
              acknowledged += 1;
              break;
            }
          } catch {
            // Connection refused or reset: the collector is down; wait for the next one.
          }
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      }
    }
    const workers = Array.from({ length: WORKERS }, () => worker());

    for (let kill = 0; kill < KILLS; kill += 1) {
      const target = acknowledged + 15;
      while (acknowledged < target) await new Promise((resolve) => setTimeout(resolve, 10));
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 30));
      current.process.kill('SIGKILL');
      expect(await current.exited).toBe(null);
      current = await spawnCollector({ port: 0, dataPath });
    }
    const target = acknowledged + 10;
    while (acknowledged < target) await new Promise((resolve) => setTimeout(resolve, 10));
    stopping = true;
    await Promise.all(workers);

    current.process.kill('SIGTERM');
    expect(await current.exited).toBe(0);

    const storage = await openStorage({ dataPath });
    try {
      const result = await storage.client.query({
        query: `SELECT count() AS rows, uniqExact(SpanId) AS distinct FROM ${storage.table('otel_traces')} WHERE ServiceName = {service:String}`,
        query_params: { service: SERVICE },
        format: 'JSONEachRow',
      });
      const [counts] = await result.json<{ rows: string; distinct: string }>();
      expect(Number(counts!.rows)).toBe(acknowledged * SPANS_PER_REQUEST);
      expect(Number(counts!.distinct)).toBe(acknowledged * SPANS_PER_REQUEST);
    } finally {
      await storage.close();
    }
  }, 120_000);
});
