import type { Storage } from '@tradetrace/storage';
import { parseInput } from '../analytics-error.ts';
import { maxDrawdown } from '../statistics/equity-curve.ts';
import { mean, populationVariance, sampleMoments } from '../statistics/moments.ts';
import { expectancy, profitFactor, winRate } from '../statistics/pnl-ratios.ts';
import { annualize, sharpeRatio, sortinoRatio } from '../statistics/return-ratios.ts';
import {
  deflatedSharpeRatio,
  minimumTrackRecordLength,
  probabilisticSharpeRatio,
  type SharpeEstimate,
} from '../statistics/sharpe-inference.ts';
import { StatsFilterSchema, type StatsFilter } from './stats-filter.ts';
import { readDecisionCounts, readPrimaryRewards, readTradeSeries, versionKey } from './trading-table-queries.ts';
import type { VersionStats, VersionTradeSeries } from './version-stats.ts';

/** NaN and ±Infinity become null: JSON has no place for them and a reader should see "undefined here". */
export function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

/** The per-trade Sharpe ratio with the moments the PSR family needs. */
export function sharpeEstimate(returns: readonly number[]): SharpeEstimate {
  const moments = sampleMoments(returns);
  return {
    sharpe: sharpeRatio(returns),
    observations: returns.length,
    skewness: moments.skewness,
    kurtosis: moments.kurtosis,
  };
}

/**
 * Statistics of each series; `dsr` deflates each version's Sharpe over the versions of the same strategy_name among
 * `series` that have a Sharpe ratio (N ≥ 2, V[SR] = population variance of their per-trade Sharpe ratios).
 */
export function statsFromSeries(
  series: readonly VersionTradeSeries[],
  decisions: ReadonlyMap<string, number>,
  rewards: ReadonlyMap<string, readonly number[]>,
  periodsPerYear?: number,
): VersionStats[] {
  const estimates = new Map(
    series.map((s) => [versionKey(s.strategyName, s.strategyVersion), sharpeEstimate(s.returns)]),
  );
  const sharpesByStrategy = new Map<string, number[]>();
  for (const s of series) {
    const sr = estimates.get(versionKey(s.strategyName, s.strategyVersion))!.sharpe;
    if (!Number.isFinite(sr)) continue;
    const list = sharpesByStrategy.get(s.strategyName) ?? [];
    list.push(sr);
    sharpesByStrategy.set(s.strategyName, list);
  }
  return series.map((s) => {
    const key = versionKey(s.strategyName, s.strategyVersion);
    const estimate = estimates.get(key)!;
    const peers = sharpesByStrategy.get(s.strategyName) ?? [];
    const dsr =
      peers.length >= 2 && Number.isFinite(estimate.sharpe)
        ? deflatedSharpeRatio(estimate, populationVariance(peers), peers.length)
        : Number.NaN;
    const versionRewards = rewards.get(key) ?? [];
    return {
      strategy_name: s.strategyName,
      strategy_version: s.strategyVersion,
      decisions: decisions.get(key) ?? 0,
      trades: s.returns.length,
      win_rate: finiteOrNull(winRate(s.pnls)),
      total_pnl: s.pnls.reduce((sum, pnl) => sum + pnl, 0),
      mean_return: finiteOrNull(mean(s.returns)),
      sharpe: finiteOrNull(annualize(estimate.sharpe, periodsPerYear)),
      sortino: finiteOrNull(annualize(sortinoRatio(s.returns), periodsPerYear)),
      max_drawdown: maxDrawdown(s.returns),
      profit_factor: finiteOrNull(profitFactor(s.pnls)),
      expectancy: finiteOrNull(expectancy(s.pnls)),
      psr: finiteOrNull(probabilisticSharpeRatio(estimate)),
      dsr: finiteOrNull(dsr),
      min_trl: finiteOrNull(minimumTrackRecordLength(estimate)),
      mean_reward: finiteOrNull(mean(versionRewards)),
    };
  });
}

/** `tradetrace stats`: one object per strategy_name + strategy_version, sorted by name then version. */
export async function computeVersionStats(storage: Storage, filter: StatsFilter = {}): Promise<VersionStats[]> {
  const resolved = parseInput(StatsFilterSchema, filter, 'stats filter');
  const [trades, decisionCounts, rewards] = await Promise.all([
    readTradeSeries(storage, resolved),
    readDecisionCounts(storage, resolved),
    readPrimaryRewards(storage, resolved),
  ]);
  const series = new Map(trades.map((s) => [versionKey(s.strategyName, s.strategyVersion), s]));
  // A version that decided but never closed a trade still gets a row.
  for (const [key, count] of decisionCounts) {
    if (!series.has(key))
      series.set(key, {
        strategyName: count.strategyName,
        strategyVersion: count.strategyVersion,
        returns: [],
        pnls: [],
      });
  }
  const ordered = [...series.values()].sort(
    (a, b) => a.strategyName.localeCompare(b.strategyName) || a.strategyVersion.localeCompare(b.strategyVersion),
  );
  const decisions = new Map([...decisionCounts].map(([key, count]) => [key, count.decisions]));
  return statsFromSeries(ordered, decisions, rewards, resolved.periodsPerYear);
}
