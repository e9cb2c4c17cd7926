import { SpanStatusCode } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { defineStrategy, semconv as A, type TradeTrace } from '@tradetrace/sdk';
import { z } from 'zod';
import { inMemorySdk } from './support/in-memory-sdk.ts';

const strategy = { name: 'momentum', version: 'abc123' };
let current: TradeTrace | undefined;
afterEach(async () => {
  await current?.shutdown();
  current = undefined;
});

function sdk(options = {}) {
  const made = inMemorySdk(options);
  current = made.tt;
  return made;
}

describe('decide', () => {
  it('records what the bot saw and what it chose, with typed values', async () => {
    const { tt, span } = sdk();
    const result = await tt.decide(
      {
        strategy,
        symbol: 'SOL/USDC:USDC',
        kind: 'hybrid',
        exchange: 'binance',
        marketType: 'swap',
        mode: 'paper',
        context: {
          price: 142.5,
          trend: 'up',
          overbought: false,
          position: { amount: -2, side: 'short' },
          closes: [1, 2, 3],
          skipped: undefined,
        },
      },
      (decision) => {
        decision.setContext({ rsi_14: 61.25 });
        return { action: 'buy' as const, confidence: 0.8, size: 2, reason: 'breakout' };
      },
    );
    expect(result).toEqual({ action: 'buy', confidence: 0.8, size: 2, reason: 'breakout' });
    const decide = await span('decide ');
    expect(decide.name).toBe('decide SOL/USDC:USDC');
    expect(decide.attributes).toMatchObject({
      [A.ATTR_TRADING_OPERATION_NAME]: 'decide',
      [A.ATTR_TRADING_DECISION_ACTION]: 'buy',
      [A.ATTR_TRADING_DECISION_KIND]: 'hybrid',
      [A.ATTR_TRADING_DECISION_CONFIDENCE]: 0.8,
      [A.ATTR_TRADING_DECISION_SIZE]: 2,
      [A.ATTR_TRADING_DECISION_REASON]: 'breakout',
      [A.ATTR_TRADING_STRATEGY_NAME]: 'momentum',
      [A.ATTR_TRADING_STRATEGY_VERSION]: 'abc123',
      [A.ATTR_TRADING_SYMBOL]: 'SOL/USDC:USDC',
      [A.ATTR_TRADING_EXCHANGE]: 'binance',
      [A.ATTR_TRADING_MARKET_TYPE]: 'swap',
      [A.ATTR_TRADING_MODE]: 'paper',
      'trading.context.price': 142.5,
      'trading.context.rsi_14': 61.25,
      'trading.context.trend': 'up',
      'trading.context.overbought': false,
      'trading.context.position.amount': -2,
      'trading.context.position.side': 'short',
      'trading.context.closes': [1, 2, 3],
    });
    expect(decide.attributes[A.ATTR_TRADING_DECISION_ID]).toMatch(/^[0-9a-f-]{36}$/);
    expect(Object.keys(decide.attributes)).not.toContain('trading.context.skipped');
  });

  it('works the same for async decide functions and decideSync', async () => {
    const { tt, spans } = sdk();
    await tt.decide({ strategy, symbol: 'A/USDT', id: 'async-1' }, async () => {
      await new Promise((r) => setTimeout(r, 2));
      return { action: 'sell' as const };
    });
    const sync = tt.decideSync({ strategy, symbol: 'B/USDT', id: 'sync-1' }, () => ({ action: 'hold' as const }));
    expect(sync).toEqual({ action: 'hold' });
    const byId = new Map((await spans()).map((s) => [s.attributes[A.ATTR_TRADING_DECISION_ID], s]));
    expect(byId.get('async-1')?.attributes[A.ATTR_TRADING_DECISION_ACTION]).toBe('sell');
    expect(byId.get('sync-1')?.attributes[A.ATTR_TRADING_DECISION_ACTION]).toBe('hold');
  });

  it("passes the bot's own error through unchanged and marks the span failed", async () => {
    const { tt, span } = sdk();
    const boom = new RangeError('no liquidity');
    await expect(tt.decide({ strategy, symbol: 'X/USDT' }, () => Promise.reject(boom))).rejects.toBe(boom);
    expect(() =>
      tt.decideSync({ strategy, symbol: 'Y/USDT' }, () => {
        throw boom;
      }),
    ).toThrow(boom);
    const failed = await span('decide X/');
    expect(failed.status.code).toBe(SpanStatusCode.ERROR);
    expect(failed.attributes[A.ATTR_ERROR_TYPE]).toBe('RangeError');
  });

  it('keeps each decision in its own context when many run interleaved', async () => {
    const { tt, spans } = sdk();
    const symbols = Array.from({ length: 40 }, (_, i) => `S${i}/USDT`);
    const jitter = (i: number) => new Promise((r) => setTimeout(r, (i * 7) % 5));
    await Promise.all(
      symbols.map((symbol, i) =>
        tt.decide({ strategy: { name: 'momentum', version: `v${i % 3}` }, symbol, id: `d-${i}` }, async (decision) => {
          await jitter(i);
          await tt.traceLlmCall(
            { provider: 'openai', request: { model: 'm', messages: [{ role: 'user', content: symbol }] } },
            async () => {
              await jitter(i + 1);
              return {
                id: `r-${i}`,
                choices: [{ finish_reason: 'stop', message: { role: 'assistant', content: 'hold' } }],
              };
            },
          );
          await jitter(i + 2);
          tt.emitReward({ value: i, name: 'shaping' });
          expect(decision.id).toBe(`d-${i}`);
          return { action: 'hold' as const };
        }),
      ),
    );
    const all = await spans();
    const decisions = new Map(all.filter((s) => s.name.startsWith('decide')).map((s) => [s.spanContext().spanId, s]));
    const llm = all.filter((s) => s.name.startsWith('chat'));
    expect(decisions.size).toBe(40);
    expect(llm).toHaveLength(40);
    for (const call of llm) {
      const parent = decisions.get(call.parentSpanContext!.spanId)!;
      const i = Number(String(call.attributes[A.ATTR_GEN_AI_RESPONSE_ID]).slice(2));
      expect(parent.attributes[A.ATTR_TRADING_DECISION_ID]).toBe(`d-${i}`);
      expect(call.attributes[A.ATTR_TRADING_DECISION_ID]).toBe(`d-${i}`);
      expect(call.attributes[A.ATTR_TRADING_STRATEGY_VERSION]).toBe(`v${i % 3}`);
      expect(call.spanContext().traceId).toBe(parent.spanContext().traceId);
    }
    for (const decision of decisions.values()) {
      const i = Number(String(decision.attributes[A.ATTR_TRADING_DECISION_ID]).slice(2));
      expect(decision.events.map((e) => [e.name, e.attributes?.[A.ATTR_TRADING_REWARD_VALUE]])).toEqual([
        [A.EVENT_TRADING_REWARD, i],
      ]);
    }
  });

  it('says once when what the bot saw has no price', async () => {
    const { tt, logger } = sdk();
    for (let i = 0; i < 3; i++)
      await tt.decide({ strategy, symbol: 'NEWS/USDT', context: { headline_score: 0.4 } }, () => ({
        action: 'hold' as const,
      }));
    await tt.decide({ strategy, symbol: 'SOL/USDT', context: { price: 1 } }, () => ({ action: 'hold' as const }));
    expect(logger.warnings.filter((w) => w.includes('trading.context.price'))).toHaveLength(1);
  });

  it('nests a decision inside another as its child', async () => {
    const { tt, spans } = sdk();
    await tt.decide({ strategy, symbol: 'PORTFOLIO', id: 'outer' }, async () => {
      await tt.decide({ strategy, symbol: 'ETH/USDT', id: 'inner' }, async () => ({ action: 'buy' as const }));
      return { action: 'hold' as const };
    });
    const all = await spans();
    const outer = all.find((s) => s.attributes[A.ATTR_TRADING_DECISION_ID] === 'outer')!;
    const inner = all.find((s) => s.attributes[A.ATTR_TRADING_DECISION_ID] === 'inner')!;
    expect(inner.parentSpanContext?.spanId).toBe(outer.spanContext().spanId);
  });
});

describe('strategy versions', () => {
  const momentum = defineStrategy(
    'momentum',
    z.object({
      rsiBuy: z.number().default(30),
      rsiSell: z.number().default(70),
      symbols: z.array(z.string()).default([]),
    }),
  );

  it('gives the same config the same id, whatever the key order or defaults', () => {
    const a = momentum.version({ rsiBuy: 25 });
    const b = momentum.version({ rsiSell: 70, rsiBuy: 25, symbols: [] });
    const c = momentum.version({ rsiBuy: 26 });
    expect(a.version).toMatch(/^[0-9a-f]{12}$/);
    expect(a.version).toBe(b.version);
    expect(a.version).not.toBe(c.version);
    expect(a).toMatchObject({ name: 'momentum', config: { rsiBuy: 25, rsiSell: 70, symbols: [] } });
    expect(momentum.safeVersion({ rsiBuy: 'high' }).success).toBe(false);
    expect(() => momentum.version({ rsiBuy: 'high' } as never)).toThrow();
  });

  it('stamps every span run under a version without passing it around', async () => {
    const { tt, spans } = sdk();
    const v1 = momentum.version({ rsiBuy: 25 });
    await tt.runStrategy(
      v1,
      async () => {
        await tt.decide({ symbol: 'SOL/USDT', id: 'd1' }, async () => {
          tt.tracer.startSpan('fetch ohlcv').end();
          return { action: 'buy' as const };
        });
        await tt.submitOrder({ symbol: 'SOL/USDT', side: 'buy', type: 'market', amount: 1 }, async () => ({
          id: 'o1',
          status: 'closed',
        }));
      },
      { featureFlag: { key: 'momentum-rollout', variant: 'treatment' } },
    );
    tt.setDefaultStrategy({ name: 'fallback', version: 'f00' });
    await tt.decide({ symbol: 'BTC/USDT', id: 'd2' }, () => ({ action: 'hold' as const }));
    const all = await spans();
    for (const s of all.filter((s) => s.name !== 'decide BTC/USDT')) {
      expect(s.attributes[A.ATTR_TRADING_STRATEGY_NAME], s.name).toBe('momentum');
      expect(s.attributes[A.ATTR_TRADING_STRATEGY_VERSION], s.name).toBe(v1.version);
    }
    const d1 = all.find((s) => s.attributes[A.ATTR_TRADING_DECISION_ID] === 'd1' && s.name.startsWith('decide'))!;
    expect(d1.attributes).toMatchObject({
      [A.ATTR_FEATURE_FLAG_KEY]: 'momentum-rollout',
      [A.ATTR_FEATURE_FLAG_RESULT_VARIANT]: 'treatment',
    });
    expect(all.find((s) => s.name === 'fetch ohlcv')?.attributes[A.ATTR_TRADING_DECISION_ID]).toBe('d1');
    expect(all.find((s) => s.name === 'decide BTC/USDT')?.attributes).toMatchObject({
      [A.ATTR_TRADING_STRATEGY_NAME]: 'fallback',
      [A.ATTR_TRADING_STRATEGY_VERSION]: 'f00',
    });
  });
});
