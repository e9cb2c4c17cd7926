import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { Candle } from '@tradetrace/analytics';

export interface MarketSpec {
  symbol: string;
  startPrice: number;
  /** Per-candle volatility of log returns. */
  volatility: number;
}

type Regime = 'up' | 'down' | 'flat';

/**
 * Seeded synthetic candles: a random walk whose drift switches between trending and flat regimes, so momentum
 * strategies have something to find and can also be wrong. The same seed always gives the same market.
 */
export function generateCandles(
  spec: MarketSpec,
  count: number,
  seed: number,
  startTime = Date.UTC(2026, 0, 1),
  stepMs = 60_000,
): Candle[] {
  const rng = xoroshiro128plus(seed);
  const uniform = () => uniformFloat64(rng);
  const normal = () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
  const candles: Candle[] = [];
  let regime: Regime = 'flat';
  let price = spec.startPrice;
  for (let i = 0; i < count; i += 1) {
    if (uniform() < 0.04) regime = (['up', 'down', 'flat'] as const)[Math.floor(uniform() * 3)]!;
    const drift = regime === 'up' ? spec.volatility * 0.35 : regime === 'down' ? -spec.volatility * 0.35 : 0;
    const open = price;
    const close = open * Math.exp(drift + spec.volatility * normal());
    const wick = () => Math.abs(normal()) * spec.volatility * 0.5;
    candles.push({
      timestamp: startTime + i * stepMs,
      open,
      high: Math.max(open, close) * (1 + wick()),
      low: Math.min(open, close) * (1 - wick()),
      close,
      volume: 1000 * (0.5 + uniform()),
    });
    price = close;
  }
  return candles;
}
