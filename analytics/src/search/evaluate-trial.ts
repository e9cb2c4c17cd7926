import type { BacktestResult } from '../backtest/backtest-result.ts';
import type { BacktestWorkerPool } from '../backtest/backtest-worker-pool.ts';
import type { ResolvedFillModel } from '../backtest/fill-model.ts';
import { versionSeed } from '../backtest/run-backtests.ts';
import { returnsOnGrid, type HoldoutSplit } from './holdout-split.ts';

/** What one config did over one period of every market. */
export interface TrialRun {
  /** Per-candle marked-to-market returns on the period's part of the common grid. */
  returns: number[];
  trades: number;
  totalPnl: number;
}

export interface TrialRunInput {
  pool: BacktestWorkerPool;
  config: unknown;
  split: HoldoutSplit;
  period: 'in_sample' | 'out_of_sample';
  fill: ResolvedFillModel;
  seed: number;
  /** Distinguishes this trial's fills from the others' under the same seed. */
  trialIndex: number;
  runId: string;
  serviceName: string;
  endpoint: string | undefined;
}

/**
 * Replays one config over one period of every market on the backtest harness's workers (traced with
 * `trading.mode=backtest`). In sample the replay stops before the holdout; out of sample it decides only on the
 * holdout, the candles before it being history for the indicators.
 */
export async function runTrial(input: TrialRunInput): Promise<TrialRun> {
  const { split, period } = input;
  const inSample = period === 'in_sample';
  const times = inSample ? split.grid.slice(0, split.cut) : split.grid.slice(split.cut);
  // Settled, not raced: a market's failure (or LLM budget refusal) is reported once every market's replay stopped.
  const settled = await Promise.allSettled(
    split.markets.map((market, m) => {
      const candles = inSample ? market.candles.slice(0, market.inSampleCount) : market.candles;
      return input.pool.run({
        config: input.config,
        versionIndex: input.trialIndex,
        candles,
        symbol: market.symbol,
        fill: input.fill,
        seed: versionSeed(input.seed, (input.trialIndex * split.markets.length + m) * 2 + (inSample ? 0 : 1)),
        // Decision ids are `<runId>:<version>:<candle>`: the period and the market keep them apart.
        runId: `${input.runId}:${inSample ? 'is' : 'oos'}:${market.symbol}`,
        serviceName: input.serviceName,
        endpoint: input.endpoint,
        warmupCandles: inSample ? 0 : market.inSampleCount,
        markToMarket: true,
      });
    }),
  );
  const failed = settled.find((s) => s.status === 'rejected');
  if (failed) throw failed.reason;
  const results = settled.map((s) => (s as PromiseFulfilledResult<BacktestResult>).value);
  const perMarket = results.map((result, m) => {
    const market = split.markets[m]!;
    const decided = inSample
      ? market.candles.slice(0, market.inSampleCount)
      : market.candles.slice(market.inSampleCount);
    return { timestamps: decided.map((c) => c.timestamp), returns: result.candleReturns ?? [] };
  });
  return {
    returns: returnsOnGrid(times, perMarket),
    trades: results.reduce((sum, r) => sum + r.trades.length, 0),
    totalPnl: results.reduce((sum, r) => sum + r.totalPnl, 0),
  };
}
