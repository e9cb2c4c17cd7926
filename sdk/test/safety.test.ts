import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { init, type TradeTrace } from '@tradetrace/sdk';
import { ExportResultCode, type ReadableSpan, type SpanExporter } from '@tradetrace/sdk/testing';
import { capturingLogger, inMemorySdk } from './support/in-memory-sdk.ts';

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeAll(() => {
  process.on('unhandledRejection', onUnhandled);
});
afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
});

let current: TradeTrace | undefined;
afterEach(async () => {
  await current?.shutdown({ timeoutMillis: 200 });
  current = undefined;
});

/** A port on loopback where nothing listens (connection refused). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The bot's loop: decisions with an LLM call, an order and rewards, yielding to the event loop like a real bot. */
async function tradingLoop(tt: TradeTrace, iterations: number): Promise<number> {
  let decisions = 0;
  for (let i = 0; i < iterations; i++) {
    const result = await tt.decide(
      { strategy: { name: 'loop', version: 'v1' }, symbol: 'SOL/USDC', context: { price: 100 + i } },
      async (decision) => {
        await tt.traceLlmCall({ provider: 'openai', request: { model: 'm', messages: [] } }, async () => ({
          id: `r${i}`,
          choices: [],
        }));
        await tt.submitOrder({ symbol: 'SOL/USDC', side: 'buy', type: 'market', amount: 1 }, async () => ({
          id: `o${i}`,
          status: 'closed',
        }));
        decision.reward(0.1, { name: 'shaping' });
        return { action: 'buy' as const };
      },
    );
    tt.emitReward({ decisionId: `unknown-${i}`, value: 1 });
    if (result.action === 'buy') decisions++;
    await new Promise((resolve) => setImmediate(resolve));
  }
  return decisions;
}

describe('collector down', () => {
  it('keeps the bot loop going: no exception, no unhandled rejection, drops counted and warned about a few times', async () => {
    const logger = capturingLogger();
    const tt = init({
      serviceName: 'bot',
      endpoint: `http://127.0.0.1:${await closedPort()}`,
      maxQueueSize: 64,
      maxExportBatchSize: 16,
      scheduledDelayMillis: 1,
      exportTimeoutMillis: 2000,
      logger,
      shutdownOnExit: false,
    });
    current = tt;
    expect(await tradingLoop(tt, 400)).toBe(400);
    await tt.shutdown({ timeoutMillis: 1000 });

    const stats = tt.stats();
    expect(stats.ended).toBe(400 * 4);
    expect(stats.exported).toBe(0);
    expect(stats.dropped).toBe(stats.ended);
    expect(stats.droppedQueueFull + stats.droppedExportFailed).toBeGreaterThan(0);
    expect(stats.queued).toBe(0);
    expect(unhandled).toEqual([]);
    // Rate-limited: a handful of lines, not one per span.
    expect(logger.warnings.length).toBeGreaterThan(0);
    expect(logger.warnings.length).toBeLessThanOrEqual(4);
    expect(logger.warnings.join('\n')).toMatch(/dropped|lost/);
  });

  it('a collector that accepts connections but never answers: exports time out, the queue stays bounded, shutdown returns', async () => {
    const sockets = new Set<import('node:net').Socket>();
    const server: Server = createServer(() => {
      // Never answers.
    });
    server.on('connection', (s) => sockets.add(s));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const logger = capturingLogger();
    const tt = init({
      serviceName: 'bot',
      endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      maxQueueSize: 32,
      maxExportBatchSize: 8,
      scheduledDelayMillis: 1,
      exportTimeoutMillis: 150,
      logger,
      shutdownOnExit: false,
    });
    current = tt;
    try {
      expect(await tradingLoop(tt, 200)).toBe(200);
      expect(tt.stats().queued).toBeLessThanOrEqual(32);
      await tt.shutdown({ timeoutMillis: 300 });
      const stats = tt.stats();
      expect(stats.droppedQueueFull).toBeGreaterThan(0);
      expect(stats.ended).toBe(stats.exported + stats.dropped);
      expect(unhandled).toEqual([]);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('the SDK never throws into bot code', () => {
  it('survives nonsense input, a throwing exporter and a throwing logger', async () => {
    const throwing: SpanExporter = {
      export: () => {
        throw new Error('exporter bug');
      },
      shutdown: async () => {
        throw new Error('shutdown bug');
      },
    };
    const tt = init({
      serviceName: 'bot',
      exporter: throwing,
      scheduledDelayMillis: 1,
      shutdownOnExit: false,
      logger: {
        warn: () => {
          throw new Error('logger bug');
        },
        error: () => {
          throw new Error('logger bug');
        },
      },
    });
    current = tt;
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    const nonsense = undefined as never;
    expect(await tt.decide(nonsense, () => ({ action: 'hold' as const }))).toEqual({ action: 'hold' });
    expect(
      await tt.decide({ symbol: 'X', context: { deep: { a: { b: { c: { d: circular } } } } } as never }, () => ({
        action: 'hold' as const,
      })),
    ).toEqual({ action: 'hold' });
    expect(await tt.decide({ symbol: 'X' }, () => undefined as never)).toBeUndefined();
    tt.emitReward(nonsense);
    tt.closePosition(nonsense);
    tt.recordOrderUpdate(nonsense);
    tt.recordFills(nonsense);
    expect(await tt.submitOrder(nonsense, () => 'placed')).toBe('placed');
    expect(await tt.cancelOrder(nonsense, () => 'canceled')).toBe('canceled');
    expect(tt.instrumentOpenAI({} as never)).toEqual({});
    expect(tt.runStrategy(nonsense, () => 3)).toBe(3);
    await tt.forceFlush();
    await tt.shutdown();
    expect(tt.stats().droppedExportFailed).toBeGreaterThan(0);
    expect(unhandled).toEqual([]);
  });

  it('shutdown flushes what is queued and is idempotent', async () => {
    const { tt, exporter } = inMemorySdk({ scheduledDelayMillis: 60_000 });
    await tt.decide({ symbol: 'X' }, () => ({ action: 'hold' as const }));
    expect(exporter.getFinishedSpans()).toHaveLength(0);
    await Promise.all([tt.shutdown(), tt.shutdown()]);
    expect(tt.stats()).toMatchObject({ ended: 1, exported: 1, queued: 0 });
    await tt.decide({ symbol: 'X' }, () => ({ action: 'hold' as const }));
    expect(tt.stats()).toMatchObject({ ended: 2, exported: 1, droppedAtShutdown: 1 });
  });

  it('a slow exporter never delays a decision: export runs after, not inside, span.end()', async () => {
    const calls: number[] = [];
    let decisionsDone = 0;
    const slow: SpanExporter = {
      export: (spans: ReadableSpan[], done) => {
        calls.push(decisionsDone);
        setTimeout(() => done({ code: ExportResultCode.SUCCESS }), 5);
        void spans;
      },
      shutdown: async () => {},
    };
    const tt = init({
      serviceName: 'bot',
      exporter: slow,
      maxExportBatchSize: 1,
      scheduledDelayMillis: 0,
      shutdownOnExit: false,
    });
    current = tt;
    for (let i = 0; i < 3; i++) {
      tt.decideSync({ symbol: 'X' }, () => ({ action: 'hold' as const }));
      decisionsDone++;
    }
    // All three synchronous decisions finished before the first export started.
    await tt.forceFlush();
    expect(calls[0]).toBe(3);
  });
});
