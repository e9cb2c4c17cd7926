import { populationVariance } from '../statistics/moments.ts';
import {
  deflatedSharpeRatio,
  minimumTrackRecordLength,
  probabilisticSharpeRatio,
  type SharpeEstimate,
} from '../statistics/sharpe-inference.ts';
import { finiteOrNull, sharpeEstimate } from '../version-stats/compute-version-stats.ts';

/** The trials ranked for selection. */
export interface TrialRanking {
  estimates: SharpeEstimate[];
  /** Per trial; 0 for a trial whose returns never varied (it never traded). */
  sharpes: number[];
  /** V[SR]: population variance of `sharpes`. */
  sharpeVariance: number;
  /** Per trial, deflated over N = every trial; null where undefined (N < 2). */
  dsrs: (number | null)[];
  psrs: (number | null)[];
  /** Index of the selected trial (highest DSR, then highest Sharpe, then the earliest); undefined without trials. */
  selected: number | undefined;
  /** MinTRL of the selected trial at 95%, in candles; null when its Sharpe is not positive. */
  minTrl: number | null;
}

/**
 * Ranks trials by deflated Sharpe ratio (Bailey & López de Prado 2014) over every trial evaluated: the benchmark is
 * the expected maximum Sharpe of N unskilled trials whose Sharpe ratios vary as much as these did.
 */
export function rankTrials(returns: readonly (readonly number[])[]): TrialRanking {
  const estimates = returns.map((r) => {
    const e = sharpeEstimate(r);
    return Number.isFinite(e.sharpe) ? e : { ...e, sharpe: 0 };
  });
  const sharpes = estimates.map((e) => e.sharpe);
  const sharpeVariance = sharpes.length > 0 ? populationVariance(sharpes) : 0;
  const dsrs = estimates.map((e) => finiteOrNull(deflatedSharpeRatio(e, sharpeVariance, estimates.length)));
  const order = estimates
    .map((_, i) => i)
    .sort((a, b) => (dsrs[b] ?? -1) - (dsrs[a] ?? -1) || sharpes[b]! - sharpes[a]! || a - b);
  const selected = order[0];
  return {
    estimates,
    sharpes,
    sharpeVariance,
    dsrs,
    psrs: estimates.map((e) => finiteOrNull(probabilisticSharpeRatio(e))),
    selected,
    minTrl: selected === undefined ? null : finiteOrNull(minimumTrackRecordLength(estimates[selected]!)),
  };
}
