import type { Candle } from '@tradetrace/analytics';

/** What both demo strategies look at: simple momentum features of the recent closes. */
export interface MarketFeatures {
  price: number;
  return_5: number;
  return_20: number;
  sma_fast: number;
  sma_slow: number;
  volatility_20: number;
}

const mean = (values: readonly number[]): number => values.reduce((s, v) => s + v, 0) / values.length;

/** Features over `history` (oldest first, current candle last); needs at least `slow` candles. */
export function computeFeatures(history: readonly Candle[], fast: number, slow: number): MarketFeatures {
  const closes = history.map((c) => c.close);
  const last = closes.at(-1)!;
  const back = (n: number) => closes[Math.max(0, closes.length - 1 - n)]!;
  const recent = closes.slice(-21);
  const logReturns = recent.slice(1).map((c, i) => Math.log(c / recent[i]!));
  const m = mean(logReturns);
  return {
    price: last,
    return_5: last / back(5) - 1,
    return_20: last / back(20) - 1,
    sma_fast: mean(closes.slice(-fast)),
    sma_slow: mean(closes.slice(-slow)),
    volatility_20: Math.sqrt(mean(logReturns.map((r) => (r - m) ** 2))),
  };
}
