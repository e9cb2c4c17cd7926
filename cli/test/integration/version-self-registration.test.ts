import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listVersions, readAuditTrail, showVersion } from '@tradetrace/analytics';
import { startCollector, type RunningCollector } from '@tradetrace/collector';
import { defineStrategy, init } from '@tradetrace/sdk';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { QUERY_API_ROUTES } from '../../src/query-api/query-api-routes.ts';
import { STORE_OPERATIONS } from '../../src/store-access/store-operations.ts';

const BOT_TOKEN = 'bot-a-ingest-token-0123456789';
const OTHER_TOKEN = 'bot-b-ingest-token-0123456789';

/** A port nothing listens on yet: the bot starts before its collector. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const momentum = defineStrategy(
  'momentum',
  z.object({ rsiBuy: z.number().default(30), rsiSell: z.number().default(70), apiKey: z.string() }),
);

describe('versions register themselves (real SDK, real collector)', () => {
  let dataPath: string;
  let collector: RunningCollector | undefined;
  let port: number;

  beforeAll(async () => {
    dataPath = mkdtempSync(join(tmpdir(), 'tradetrace-self-registration-'));
    port = await freePort();
  });

  afterAll(async () => {
    await collector?.close();
    rmSync(dataPath, { recursive: true, force: true });
  });

  it('a version the bot runs reaches the registry with its defaulted, redacted config, though the collector started after the bot', async () => {
    const tt = init({
      serviceName: 'momentum-bot',
      botId: 'bot-a',
      endpoint: `http://127.0.0.1:${port}`,
      headers: { authorization: `Bearer ${BOT_TOKEN}` },
      logger: { warn() {}, error() {} },
    });
    const version = momentum.version({ rsiBuy: 25, apiKey: 'sk-live-0123456789abcdefghij' });
    await tt.runStrategy(version, () =>
      tt.decide({ symbol: 'BTC/USDT', kind: 'rule', mode: 'paper' }, () => ({ action: 'hold' })),
    );
    collector = await startCollector(
      { port, dataPath, authTokens: `${BOT_TOKEN}@bot:bot-a,${OTHER_TOKEN}@bot:bot-b` },
      { routes: QUERY_API_ROUTES },
    );
    const { storage } = collector;
    await vi.waitFor(async () => expect(await listVersions(storage, 'momentum')).toHaveLength(1), {
      timeout: 60_000,
      interval: 500,
    });
    const record = await showVersion(storage, 'momentum', version.version);
    expect(record).toMatchObject({
      version: version.version,
      config: { rsiBuy: 25, rsiSell: 70, apiKey: '[REDACTED:secret]' },
      configRedacted: true,
      author: 'bot bot-a',
    });

    // Asked again (by the bot or anyone): still one row, one audit entry.
    const ask = (token: string) =>
      fetch(`${collector!.url}/v1/strategies/momentum/versions/${version.version}/registration`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
      });
    expect((await ask(BOT_TOKEN)).status).toBe(200);
    await tt.shutdown();
    expect(await listVersions(storage, 'momentum')).toHaveLength(1);
    expect((await readAuditTrail(storage, 'momentum')).map((e) => e.action)).toEqual(['add']);
  });

  it('a token bound to another bot cannot send a registration naming this bot', async () => {
    const other = init({
      serviceName: 'momentum-bot',
      botId: 'bot-a',
      endpoint: collector!.url,
      headers: { authorization: `Bearer ${OTHER_TOKEN}` },
      logger: { warn() {}, error() {} },
    });
    const version = momentum.version({ rsiBuy: 10, apiKey: 'x' });
    other.setDefaultStrategy(version);
    await other.forceFlush();
    const answer = await fetch(
      `${collector!.url}/v1/strategies/momentum/versions/${version.version}/registration?wait=1`,
      { method: 'POST', headers: { authorization: `Bearer ${OTHER_TOKEN}` } },
    );
    expect(answer.status).toBe(404);
    await other.shutdown();
    expect((await listVersions(collector!.storage, 'momentum')).map((v) => v.version)).not.toContain(version.version);
  });

  it('resolves a prefix of a version only seen in spans (a bare { name, version } registers nothing)', async () => {
    const bare = init({
      serviceName: 'momentum-bot',
      botId: 'bot-a',
      endpoint: collector!.url,
      headers: { authorization: `Bearer ${BOT_TOKEN}` },
      logger: { warn() {}, error() {} },
    });
    await bare.runStrategy({ name: 'momentum', version: '0123456789ab' }, () =>
      bare.decide({ symbol: 'BTC/USDT', kind: 'rule', mode: 'paper' }, () => ({ action: 'hold' })),
    );
    await bare.shutdown();
    expect(await collector!.drain(60_000)).toBe(true);
    const shown = await STORE_OPERATIONS.versionsShow.run(collector!.storage, {
      strategy: 'momentum',
      version: '01234',
    });
    expect(shown).toMatchObject({ version: '0123456789ab', registered: false, config: null, decisions: 1 });
  });
});
