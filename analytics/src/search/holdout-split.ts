import { AnalyticsError } from '../analytics-error.ts';
import type { Candle } from '../backtest/candle.ts';

export interface Market {
  symbol: string;
  candles: Candle[];
}

/** One market's side of the split. */
export interface MarketPeriods {
  symbol: string;
  candles: Candle[];
  /** Candles before the holdout's start: the only ones a trial replays during the search. */
  inSampleCount: number;
}

/** The common time grid of every market, cut at the holdout's first candle. */
export interface HoldoutSplit {
  /** Every distinct candle time of every market, ascending. */
  grid: number[];
  /** Index in `grid` of the holdout's first time. */
  cut: number;
  markets: MarketPeriods[];
}

/** Markets a split needs at least on each side, so every market has candles in and out of sample. */
const MIN_CANDLES_PER_SIDE = 2;

/** Cuts the last `fraction` of the common time grid off as the holdout (out of sample). */
export function splitHoldout(markets: readonly Market[], fraction: number): HoldoutSplit {
  const grid = [...new Set(markets.flatMap((m) => m.candles.map((c) => c.timestamp)))].sort((a, b) => a - b);
  const cut = Math.floor(grid.length * (1 - fraction));
  const cutTime = grid[cut] ?? Number.POSITIVE_INFINITY;
  const periods = markets.map((m) => {
    const inSampleCount = m.candles.filter((c) => c.timestamp < cutTime).length;
    const outCount = m.candles.length - inSampleCount;
    if (inSampleCount < MIN_CANDLES_PER_SIDE || outCount < MIN_CANDLES_PER_SIDE)
      throw new AnalyticsError(
        'TT_ANALYTICS_BAD_INPUT',
        `market ${m.symbol}: a holdout of ${fraction} leaves ${inSampleCount} candles in sample and ${outCount} out of sample; need at least ${MIN_CANDLES_PER_SIDE} on each side`,
      );
    return { symbol: m.symbol, candles: m.candles, inSampleCount };
  });
  return { grid, cut, markets: periods };
}

/**
 * Per-candle returns of several markets on the common grid `times`: each time's return is the mean over markets
 * (equal weights), a market without a candle at that time contributing 0 (flat).
 */
export function returnsOnGrid(
  times: readonly number[],
  perMarket: readonly { timestamps: readonly number[]; returns: readonly number[] }[],
): number[] {
  const index = new Map(times.map((t, i) => [t, i]));
  const combined = new Array<number>(times.length).fill(0);
  for (const { timestamps, returns } of perMarket) {
    timestamps.forEach((t, i) => {
      const at = index.get(t);
      if (at !== undefined) combined[at]! += (returns[i] ?? 0) / perMarket.length;
    });
  }
  return combined;
}
