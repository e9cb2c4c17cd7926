import { describe, expect, it } from 'vitest';
import type { Candle } from '@tradetrace/analytics';
import { init } from '@tradetrace/sdk';
import { LLM_CONFIG, RULE_CONFIG, ruleBot, type StrategyConfig } from '../src/demo-strategies.ts';
import { computeFeatures } from '../src/market-features.ts';

const candles = (closes: number[]): Candle[] =>
  closes.map((close, i) => ({ timestamp: i * 60_000, open: close, high: close, low: close, close, volume: 1 }));
const ramp = (from: number, step: number, n = 20) => Array.from({ length: n }, (_, i) => from + i * step);

describe('computeFeatures', () => {
  it('computes the momentum features from the closes', () => {
    const f = computeFeatures(candles(ramp(1, 1)), 5, 20);
    expect(f.price).toBe(20);
    expect(f.return_5).toBeCloseTo(20 / 15 - 1, 12);
    expect(f.return_20).toBeCloseTo(20 / 1 - 1, 12);
    expect(f.sma_fast).toBe(18);
    expect(f.sma_slow).toBe(10.5);
    expect(f.volatility_20).toBeGreaterThan(0);
    expect(computeFeatures(candles(Array(20).fill(7)), 5, 20).volatility_20).toBe(0);
  });
});

describe('ruleBot', () => {
  const decide = (closes: number[], config: StrategyConfig = RULE_CONFIG) =>
    ruleBot.decide({ candles: candles(closes), position: null, config, now: 0, tt: init({ serviceName: 'test' }) });

  it('holds while the slow average warms up, and says so', () => {
    expect(decide(ramp(100, 1, 19))).toEqual({ action: 'hold', confidence: 0, context: { warming_up: true } });
  });

  it('buys a rising market, sells a falling one, holds a flat one', async () => {
    expect(await decide(ramp(100, 1))).toMatchObject({ action: 'buy' });
    expect(await decide(ramp(100, -1))).toMatchObject({ action: 'sell' });
    expect(await decide(Array(20).fill(100))).toMatchObject({ action: 'hold', confidence: 1 });
  });

  it('refuses a config of the LLM version', () => {
    expect(() => decide(ramp(100, 1), LLM_CONFIG)).toThrow(/rule configs/);
  });
});
