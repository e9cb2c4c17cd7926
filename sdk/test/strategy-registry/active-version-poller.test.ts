import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { diag, DiagLogLevel } from '@opentelemetry/api';
import { z } from 'zod';
import { afterEach, describe, expect, it } from 'vitest';
import { pollActiveVersion } from '../../src/strategy-registry/active-version-poller.ts';
import { defineStrategy } from '../../src/strategy/strategy-version.ts';

const grid = defineStrategy('grid', z.object({ spacing: z.number().positive() }));
const fallback = grid.version({ spacing: 0.01 });

/** A loopback registry whose answers the test scripts, one per request; it records the requests. */
async function scriptedRegistry(answers: ((res: ServerResponse) => void)[]) {
  const seen: { url: string; ifNoneMatch: string | undefined }[] = [];
  const server: Server = createServer((req, res) => {
    seen.push({ url: req.url ?? '', ifNoneMatch: req.headers['if-none-match'] });
    const answer = answers.shift();
    if (answer) answer(res);
    else res.writeHead(304).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, server };
}

const json = (status: number, body: unknown, etag?: string) => (res: ServerResponse) =>
  res.writeHead(status, { 'content-type': 'application/json', ...(etag ? { etag } : {}) }).end(JSON.stringify(body));

const servers: Server[] = [];
afterEach(async () => {
  diag.disable();
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

function collectDiag(): string[] {
  const messages: string[] = [];
  const keep = (message: string) => void messages.push(message);
  diag.setLogger({ error: keep, warn: keep, info: () => {}, debug: () => {}, verbose: () => {} }, DiagLogLevel.WARN);
  return messages;
}

describe('pollActiveVersion', () => {
  it('long-polls with the ETag it got, and keeps the running version through errors and bad answers', async () => {
    const messages = collectDiag();
    const registry = await scriptedRegistry([
      (res) => res.writeHead(500).end('boom'),
      json(200, { unexpected: true }),
      json(
        200,
        {
          strategy_name: 'grid',
          version: 'aaaa',
          config: { spacing: -1 },
          activated_at: '2026-01-01T00:00:00Z',
          action: 'activate',
        },
        '"aaaa"',
      ),
      json(
        200,
        {
          strategy_name: 'grid',
          version: 'bbbb',
          config: { spacing: 0.02 },
          activated_at: '2026-01-01T00:00:01Z',
          action: 'promote',
        },
        '"bbbb"',
      ),
    ]);
    servers.push(registry.server);
    const poller = pollActiveVersion({
      endpoint: registry.endpoint,
      strategy: grid,
      fallback,
      waitSeconds: 1,
      intervalMillis: 5,
    });
    try {
      const changed = new Promise((resolve) => poller.onChange((next, previous) => resolve({ next, previous })));
      expect(await changed).toEqual({
        next: { name: 'grid', version: 'bbbb', config: { spacing: 0.02 } },
        previous: fallback,
      });
      expect(registry.seen[0]).toEqual({ url: '/api/v1/strategies/grid/active?wait=1', ifNoneMatch: undefined });
      // After a version is adopted, the next request carries its ETag.
      while (registry.seen.length < 5) await new Promise((resolve) => setTimeout(resolve, 5));
      expect(registry.seen[4]!.ifNoneMatch).toBe('"bbbb"');
      expect(messages.some((m) => m.includes('answered 500'))).toBe(true);
      expect(messages.some((m) => m.includes('unreadable answer'))).toBe(true);
      expect(messages.some((m) => m.includes('version aaaa') && m.includes("does not fit the strategy's schema"))).toBe(
        true,
      );
    } finally {
      await poller.stop();
    }
  });

  it('runs the fallback while the registry is unreachable, never throwing into the bot', async () => {
    const messages = collectDiag();
    const poller = pollActiveVersion({
      endpoint: 'http://127.0.0.1:9',
      strategy: grid,
      fallback,
      waitSeconds: 0,
      intervalMillis: 5,
    });
    await poller.ready();
    expect(poller.current()).toBe(fallback);
    expect(messages.some((m) => m.includes('unreachable'))).toBe(true);
    await poller.stop();
    await poller.stop();
  });

  it('a listener that throws is reported and the poller keeps going', async () => {
    const messages = collectDiag();
    const registry = await scriptedRegistry([
      json(200, {
        strategy_name: 'grid',
        version: 'cccc',
        config: { spacing: 0.5 },
        activated_at: 'x',
        action: 'rollback',
      }),
    ]);
    servers.push(registry.server);
    const poller = pollActiveVersion({
      endpoint: registry.endpoint,
      strategy: grid,
      waitSeconds: 0,
      intervalMillis: 5,
    });
    poller.onChange(() => {
      throw new Error('listener bug');
    });
    await poller.ready();
    expect(poller.current()?.version).toBe('cccc');
    expect(messages.some((m) => m.includes('listener bug'))).toBe(true);
    await poller.stop();
  });
});
