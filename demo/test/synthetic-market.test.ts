import { describe, expect, it } from 'vitest';
import { generateCandles } from '../src/synthetic-market.ts';

const spec = { symbol: 'SOL/USDC:USDC', startPrice: 150, volatility: 0.004 };

describe('generateCandles', () => {
  it('gives the same market for the same seed and another for another seed', () => {
    expect(generateCandles(spec, 50, 7)).toEqual(generateCandles(spec, 50, 7));
    expect(generateCandles(spec, 50, 7)).not.toEqual(generateCandles(spec, 50, 8));
  });

  it('makes consistent candles: each opens at the previous close, high/low bound open and close', () => {
    const candles = generateCandles(spec, 300, 1);
    expect(candles).toHaveLength(300);
    expect(candles[0]!.open).toBe(150);
    candles.forEach((c, i) => {
      if (i > 0) expect(c.open).toBe(candles[i - 1]!.close);
      expect(c.high).toBeGreaterThanOrEqual(Math.max(c.open, c.close));
      expect(c.low).toBeLessThanOrEqual(Math.min(c.open, c.close));
      expect(c.low).toBeGreaterThan(0);
      expect(c.timestamp - candles[0]!.timestamp).toBe(i * 60_000);
    });
  });
});
