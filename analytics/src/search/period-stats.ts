import { probabilisticSharpeRatio } from '../statistics/sharpe-inference.ts';
import { finiteOrNull, sharpeEstimate } from '../version-stats/compute-version-stats.ts';
import type { TrialRun } from './evaluate-trial.ts';
import type { PeriodStats } from './search-result.ts';

/** A trial's statistics over one period, from its per-candle returns. */
export function periodStats(run: TrialRun): PeriodStats {
  const estimate = sharpeEstimate(run.returns);
  return {
    candles: run.returns.length,
    sharpe: Number.isFinite(estimate.sharpe) ? estimate.sharpe : 0,
    psr: finiteOrNull(probabilisticSharpeRatio(estimate)),
    trades: run.trades,
    total_pnl: run.totalPnl,
  };
}
