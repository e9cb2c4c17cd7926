import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diag, DiagLogLevel } from '@opentelemetry/api';
import { openStorage, runMigrations, type Storage } from '@tradetrace/storage';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { defineStrategy, init, pollActiveVersion, type StrategyVersion } from '@tradetrace/sdk';
import { answerActiveVersionRequest } from '../../src/registry/active-version-answer.ts';
import { activateVersion, addVersion, rollbackVersion } from '../../src/registry/strategy-registry.ts';

let dataPath: string;
let storage: Storage;
let server: Server;
let endpoint: string;

/** The registry route as the collector's query API serves it, on a real loopback socket. */
beforeAll(async () => {
  dataPath = mkdtempSync(join(tmpdir(), 'tt-rollback-'));
  storage = await openStorage({ dataPath });
  await runMigrations(storage);
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const match = /^\/api\/v1\/strategies\/([^/]+)\/active$/.exec(url.pathname);
    if (!match) {
      res.writeHead(404).end();
      return;
    }
    const abort = new AbortController();
    res.on('close', () => abort.abort());
    answerActiveVersionRequest(
      storage,
      {
        strategyName: decodeURIComponent(match[1]!),
        ifNoneMatch: req.headers['if-none-match'],
        waitSeconds: url.searchParams.get('wait') ?? 0,
      },
      { checkMillis: 50, signal: abort.signal },
    ).then(
      (answer) => {
        res.writeHead(answer.status, {
          ...answer.headers,
          ...(answer.body ? { 'content-type': 'application/json' } : {}),
        });
        res.end(answer.body ? JSON.stringify(answer.body) : undefined);
      },
      (error: Error) => res.writeHead(500).end(error.message),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await storage.close();
  rmSync(dataPath, { recursive: true, force: true });
});

const momentum = defineStrategy(
  'momentum',
  z.object({ lookback: z.number().int().positive(), threshold: z.number().default(0.5) }),
);

function nextChange<C>(
  poller: ReturnType<typeof pollActiveVersion<typeof momentum.schema>>,
): Promise<StrategyVersion<C>> {
  return new Promise((resolve) => {
    const off = poller.onChange((next) => {
      off();
      resolve(next as StrategyVersion<C>);
    });
  });
}

describe('active version follows the registry without a restart', () => {
  it('a running bot picks up an activation, then a rollback, and ignores a config its schema rejects', async () => {
    const v1 = (
      await addVersion(storage, { strategyName: 'momentum', config: { lookback: 20, threshold: 0.5 }, author: 'test' })
    ).record.version;
    const v2 = (
      await addVersion(storage, { strategyName: 'momentum', config: { lookback: 50, threshold: 0.7 }, author: 'test' })
    ).record.version;
    const broken = (
      await addVersion(storage, { strategyName: 'momentum', config: { lookback: 'fifty' }, author: 'test' })
    ).record.version;
    await activateVersion(storage, { strategyName: 'momentum', version: v1, actor: 'test' });

    const fallback = momentum.version({ lookback: 10 });
    const exporter = new InMemorySpanExporter();
    const tt = init({ serviceName: 'momentum-bot', exporter, scheduledDelayMillis: 0, shutdownOnExit: false });
    const bot = pollActiveVersion({
      endpoint,
      strategy: momentum,
      fallback,
      waitSeconds: 2,
      intervalMillis: 20,
      tradeTrace: tt,
    });
    /** The version the bot's next decision span carries. */
    const decidedVersion = async (id: string) => {
      await tt.decide({ id, symbol: 'BTC/USDT' }, () => ({ action: 'hold' as const }));
      await tt.forceFlush();
      return exporter.getFinishedSpans().find((span) => span.attributes['trading.decision.id'] === id)?.attributes[
        'trading.strategy.version'
      ];
    };
    try {
      expect(bot.current()?.version).toBe(fallback.version);
      await bot.ready();
      expect(bot.current()).toMatchObject({ version: v1, config: { lookback: 20, threshold: 0.5 } });
      expect(await decidedVersion('before')).toBe(v1);

      const promoted = nextChange(bot);
      await activateVersion(storage, { strategyName: 'momentum', version: v2, actor: 'test', reason: 'try v2' });
      expect(await promoted).toMatchObject({ version: v2, config: { lookback: 50, threshold: 0.7 } });
      expect(await decidedVersion('after-activation')).toBe(v2);

      const rolledBack = nextChange(bot);
      await rollbackVersion(storage, { strategyName: 'momentum', actor: 'ops', reason: 'drawdown' });
      expect((await rolledBack).version).toBe(v1);
      expect(bot.current()?.config).toEqual({ lookback: 20, threshold: 0.5 });
      expect(await decidedVersion('after-rollback')).toBe(v1);

      // A config that fails the bot's schema never replaces the running one; the poller reports it instead.
      const rejected = new Promise<string>((resolve) => {
        const report = (message: string) => message.includes(broken) && resolve(message);
        diag.setLogger(
          { error: report, warn: () => {}, info: () => {}, debug: () => {}, verbose: () => {} },
          DiagLogLevel.ERROR,
        );
      });
      await activateVersion(storage, { strategyName: 'momentum', version: broken, actor: 'test' });
      expect(await rejected).toMatch(/does not fit the strategy's schema/);
      expect(bot.current()?.version).toBe(v1);
      diag.disable();
    } finally {
      await bot.stop();
      await tt.shutdown();
    }
  });

  it('answers 304 to a long-poll that sees no change, and 404 for an unknown strategy', async () => {
    const first = await fetch(`${endpoint}/api/v1/strategies/momentum/active`);
    const etag = first.headers.get('etag')!;
    expect(first.status).toBe(200);
    const unchanged = await fetch(`${endpoint}/api/v1/strategies/momentum/active?wait=0.2`, {
      headers: { 'if-none-match': etag },
    });
    expect(unchanged.status).toBe(304);
    const missing = await fetch(`${endpoint}/api/v1/strategies/nobody/active`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({
      code: 'TT_ANALYTICS_NO_ACTIVE_VERSION',
      message: expect.stringContaining('"nobody" has no active version'),
    });
  });
});
