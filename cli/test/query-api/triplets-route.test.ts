import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { init } from '@tradetrace/sdk';
import { startCollector, type RunningCollector } from '@tradetrace/collector';
import { tripletsRoute } from '../../src/query-api/triplets-route.ts';

const READ = 'read-token-for-query-api';
const INGEST = 'ingest-token-for-query-api';

describe('GET /api/v1/triplets', () => {
  let dataPath: string;
  let collector: RunningCollector;

  beforeAll(async () => {
    dataPath = mkdtempSync(join(tmpdir(), 'tradetrace-query-api-'));
    collector = await startCollector({ port: 0, dataPath, authTokens: `${INGEST},read:${READ}` }, { routes: [tripletsRoute] });
    const tt = init({ serviceName: 'query-bot', endpoint: collector.url, protocol: 'http/protobuf', scheduledDelayMillis: 10, headers: { authorization: `Bearer ${INGEST}` } });
    for (const [i, version] of ['v1', 'v2', 'v2'].entries()) {
      await tt.decide({ strategy: { name: 'momentum', version }, symbol: 'BTC/USDT', kind: 'rule', id: `q-${i}`, mode: 'paper', context: { price: 100 + i } }, async () => ({ action: 'buy' as const }));
      tt.emitReward({ decisionId: `q-${i}`, value: i });
    }
    await tt.shutdown();
    expect(await collector.drain(10_000)).toBe(true);
  });

  afterAll(async () => {
    await collector?.close();
    rmSync(dataPath, { recursive: true, force: true });
  });

  const get = (query: string, token = READ) => fetch(`${collector.url}/api/v1/triplets${query}`, { headers: { authorization: `Bearer ${token}` } });

  it('streams one triplet per line as NDJSON, filtered by strategy version', async () => {
    const response = await get('?strategy_version=v2');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    const lines = (await response.text()).split('\n').filter((line) => line !== '');
    const triplets = lines.map((line) => JSON.parse(line) as { decision_id: string; strategy_version: string });
    expect(triplets.map((t) => t.decision_id).sort()).toEqual(['q-1', 'q-2']);
    expect(new Set(triplets.map((t) => t.strategy_version))).toEqual(new Set(['v2']));
  });

  it('names the bad query parameter', async () => {
    const response = await get('?since=yesterday');
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ code: 'TT_QUERY_BAD_FILTER', message: expect.stringMatching(/^invalid triplet filter: since: /) });
  });

  it('needs a read token', async () => {
    expect((await get('', INGEST)).status).toBe(403);
    expect((await fetch(`${collector.url}/api/v1/triplets`)).status).toBe(401);
  });
});
