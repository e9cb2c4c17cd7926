import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { init } from '@tradetrace/sdk';
import { startCollector, type RunningCollector } from '@tradetrace/collector';
import { QUERY_API_ROUTES } from '../../src/query-api/query-api-routes.ts';

const READ = 'read-token-for-query-api';
const INGEST = 'ingest-token-for-query-api';

describe('query API on the collector', () => {
  let dataPath: string;
  let collector: RunningCollector;

  beforeAll(async () => {
    dataPath = mkdtempSync(join(tmpdir(), 'tradetrace-query-api-'));
    collector = await startCollector(
      { port: 0, dataPath, authTokens: `${INGEST},read:${READ}` },
      { routes: QUERY_API_ROUTES },
    );
    const tt = init({
      serviceName: 'query-bot',
      endpoint: collector.url,
      protocol: 'http/protobuf',
      scheduledDelayMillis: 10,
      headers: { authorization: `Bearer ${INGEST}` },
    });
    for (const [i, version] of ['v1', 'v2', 'v2'].entries()) {
      await tt.decide(
        {
          strategy: { name: 'momentum', version },
          symbol: 'BTC/USDT',
          kind: 'rule',
          id: `q-${i}`,
          mode: 'paper',
          context: { price: 100 + i },
        },
        async () => ({ action: 'buy' as const }),
      );
      tt.emitReward({ decisionId: `q-${i}`, value: i });
    }
    await tt.shutdown();
    expect(await collector.drain(10_000)).toBe(true);
  });

  afterAll(async () => {
    await collector?.close();
    rmSync(dataPath, { recursive: true, force: true });
  });

  const get = (query: string, token = READ, path = '/api/v1/triplets') =>
    fetch(`${collector.url}${path}${query}`, { headers: { authorization: `Bearer ${token}` } });

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
    expect(await response.json()).toEqual({
      code: 'TT_QUERY_BAD_FILTER',
      message: expect.stringMatching(/^invalid triplet filter: since: /),
    });
  });

  it('needs a read token', async () => {
    expect((await get('', INGEST)).status).toBe(403);
    expect((await fetch(`${collector.url}/api/v1/triplets`)).status).toBe(401);
  });

  it('serves per-version statistics from the analytics package, and names a bad filter', async () => {
    const response = await get('?strategyName=momentum', READ, '/api/v1/stats');
    expect(response.status).toBe(200);
    expect(Array.isArray(await response.json())).toBe(true);
    const bad = await get('?mode=sideways', READ, '/api/v1/stats');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { code: string }).code).toBe('TT_ANALYTICS_BAD_INPUT');
  });

  it('answers the active-version route with 404 and a code for a strategy never activated', async () => {
    const response = await get('', READ, '/api/v1/strategies/never-activated/active');
    expect(response.status).toBe(404);
    expect(((await response.json()) as { code: string }).code).toBe('TT_ANALYTICS_NO_ACTIVE_VERSION');
  });
});
