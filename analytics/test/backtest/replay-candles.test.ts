import { init } from '@tradetrace/sdk';
import { describe, expect, it } from 'vitest';
import type { BacktestBot } from '../../src/backtest/backtest-bot.ts';
import type { Candle } from '../../src/backtest/candle.ts';
import { FillModelSchema, SimulatedFills } from '../../src/backtest/fill-model.ts';
import { replayCandles } from '../../src/backtest/replay-candles.ts';

const candle = (i: number, open: number, close: number): Candle => ({
  timestamp: 1_700_000_000_000 + i * 60_000,
  open,
  high: Math.max(open, close) + 1,
  low: Math.min(open, close) - 1,
  close,
  volume: 1,
});
const CANDLES = [
  candle(0, 100, 101),
  candle(1, 102, 104),
  candle(2, 105, 103),
  candle(3, 110, 111),
  candle(4, 112, 113),
];

/** Follows a script of actions, one per candle, and records what it was shown. */
function scriptedBot(
  actions: ('buy' | 'sell' | 'hold' | 'close')[],
  seen: number[][] = [],
): BacktestBot<{ n: number }> {
  return {
    strategy: {
      name: 'scripted',
      version: (config) => ({ name: 'scripted', version: 'v-test', config: config as { n: number } }),
    },
    decide({ candles }) {
      seen.push(candles.map((c) => c.close));
      return { action: actions[candles.length - 1] ?? 'hold' };
    },
  };
}

const disabled = init({ serviceName: 'replay-test', disabled: true });

describe('replayCandles', () => {
  it('fills at the next open, charges fees on both fills, and never shows the bot a future candle', async () => {
    const seen: number[][] = [];
    const fill = FillModelSchema.parse({ feeRate: 0.001, slippageBps: 0, positionNotional: 1000 });
    const result = await replayCandles({
      bot: scriptedBot(['buy', 'hold', 'close'], seen),
      config: { n: 1 },
      candles: CANDLES,
      symbol: 'X/USDT',
      fill,
      seed: 1,
      runId: 'r',
      tt: disabled,
    });
    expect(seen).toEqual([[101], [101, 104], [101, 104, 103], [101, 104, 103, 111], [101, 104, 103, 111, 113]]);
    const amount = 1000 / 102;
    const pnl = (110 - 102) * amount - (102 * amount + 110 * amount) * 0.001;
    expect(result.trades).toHaveLength(1);
    expect(result.trades[0]).toMatchObject({
      decisionId: 'r:v-test:0',
      side: 'long',
      entryPrice: 102,
      exitPrice: 110,
      exitReason: 'signal',
    });
    expect(result.trades[0]!.realizedPnl).toBeCloseTo(pnl, 10);
    expect(result.trades[0]!.realizedReturn).toBeCloseTo(pnl / 1000, 12);
    expect(result.decisions).toBe(CANDLES.length);
  });

  it('shorts on sell and closes what is still open at the last close', async () => {
    const fill = FillModelSchema.parse({ feeRate: 0, slippageBps: 0 });
    const result = await replayCandles({
      bot: scriptedBot(['sell']),
      config: { n: 1 },
      candles: CANDLES,
      symbol: 'X/USDT',
      fill,
      seed: 1,
      runId: 'r',
      tt: disabled,
    });
    expect(result.trades).toEqual([
      expect.objectContaining({ side: 'short', entryPrice: 102, exitPrice: 113, exitReason: 'end_of_data' }),
    ]);
    expect(result.trades[0]!.realizedPnl).toBeCloseTo(-(113 - 102) * (1000 / 102), 10);
  });
});

describe('SimulatedFills', () => {
  it('moves the price against the trader within the slippage bound, the same way for the same seed', () => {
    const model = FillModelSchema.parse({ feeRate: 0.002, slippageBps: 10 });
    const a = new SimulatedFills(model, 9);
    const b = new SimulatedFills(model, 9);
    for (let i = 0; i < 50; i++) {
      const side = i % 2 ? 'buy' : 'sell';
      const fill = a.fill(side, 100, 2);
      expect(b.fill(side, 100, 2)).toEqual(fill);
      if (side === 'buy') expect(fill.price).toBeGreaterThanOrEqual(100);
      else expect(fill.price).toBeLessThanOrEqual(100);
      expect(Math.abs(fill.price - 100)).toBeLessThanOrEqual(100 * 0.001);
      expect(fill.fee).toBeCloseTo(fill.price * 2 * 0.002, 12);
    }
  });
});
