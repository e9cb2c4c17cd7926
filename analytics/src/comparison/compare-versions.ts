import type { Storage } from '@tradetrace/storage';
import { z } from 'zod';
import { parseInput } from '../analytics-error.ts';
import { bootstrapDifference, type BootstrapInterval } from '../statistics/bootstrap.ts';
import { mean } from '../statistics/moments.ts';
import { sharpeRatio } from '../statistics/return-ratios.ts';
import { statsFromSeries } from '../version-stats/compute-version-stats.ts';
import { StatsFilterSchema } from '../version-stats/stats-filter.ts';
import {
  readDecisionCounts,
  readPrimaryRewards,
  readTradeSeries,
  versionKey,
} from '../version-stats/trading-table-queries.ts';
import type { VersionStats } from '../version-stats/version-stats.ts';
import type { Verdict, VersionComparison, VersionEvidence } from './version-comparison.ts';

export const CompareOptionsSchema = z.object({
  strategyName: z.string().min(1),
  /** Incumbent version id. */
  a: z.string().min(1),
  /** Candidate version id. */
  b: z.string().min(1),
  filter: StatsFilterSchema.omit({ strategyName: true, versions: true, periodsPerYear: true }).default({}),
  /** Fewer closed trades than this on either side: no verdict. Default 30. */
  minTrades: z.number().int().positive().default(30),
  resamples: z.number().int().min(100).max(100_000).default(2000),
  seed: z.number().int().default(1),
});
export type CompareOptions = z.input<typeof CompareOptionsSchema>;

const format = (value: number | null, digits = 3) =>
  value === null || !Number.isFinite(value) ? 'n/a' : value.toFixed(digits);
const formatInterval = (interval: BootstrapInterval) =>
  `${format(interval.estimate)} [${format(interval.lower)}, ${format(interval.upper)}]`;

function evidence(stats: VersionStats | undefined, version: string, rewards: number): VersionEvidence {
  const sharpeValue = stats?.sharpe ?? null;
  return {
    version,
    trades: stats?.trades ?? 0,
    sharpe: sharpeValue,
    psr: stats?.psr ?? null,
    dsr: stats?.dsr ?? null,
    min_trl: stats?.min_trl ?? null,
    mean_reward: stats?.mean_reward ?? null,
    rewards,
  };
}

/** The verdict and the reasons behind it, from the evidence of both sides. */
export function decideVerdict(
  a: VersionEvidence,
  b: VersionEvidence,
  sharpeDifference: BootstrapInterval,
  rewardDifference: BootstrapInterval | null,
  minTrades: number,
): { verdict: Verdict; reasons: string[]; tradesNeeded: number | null } {
  const reasons: string[] = [];
  const fewest = Math.min(a.trades, b.trades);
  const halfWidth = (sharpeDifference.upper - sharpeDifference.lower) / 2;
  const excludesZero = sharpeDifference.lower > 0 || sharpeDifference.upper < 0;
  // The interval narrows like 1/√n: trades needed for it to just exclude 0 at the observed difference.
  const tradesNeeded =
    excludesZero || !(Math.abs(sharpeDifference.estimate) > 0) || !Number.isFinite(halfWidth)
      ? null
      : Math.ceil(fewest * (halfWidth / Math.abs(sharpeDifference.estimate)) ** 2);
  reasons.push(
    `Sharpe per trade: A ${format(a.sharpe)} (PSR ${format(a.psr)}, DSR ${format(a.dsr)}), B ${format(b.sharpe)} (PSR ${format(b.psr)}, DSR ${format(b.dsr)})`,
  );
  reasons.push(`Sharpe difference B − A: ${formatInterval(sharpeDifference)} (95% bootstrap)`);
  if (rewardDifference)
    reasons.push(`mean reward difference B − A: ${formatInterval(rewardDifference)} (95% bootstrap)`);
  if (fewest < minTrades) {
    reasons.push(`too few closed trades: A ${a.trades}, B ${b.trades}; at least ${minTrades} each are needed`);
    return { verdict: 'not enough evidence', reasons, tradesNeeded: tradesNeeded ?? minTrades };
  }
  if (sharpeDifference.upper < 0) {
    reasons.push('A has the higher Sharpe: the interval of the difference lies below 0');
    return { verdict: 'keep A', reasons, tradesNeeded: null };
  }
  if (!(sharpeDifference.lower > 0)) {
    reasons.push(
      `the interval of the Sharpe difference includes 0${tradesNeeded !== null ? `; about ${tradesNeeded} trades per version would be needed at this difference` : ''}`,
    );
    return { verdict: 'not enough evidence', reasons, tradesNeeded };
  }
  if (b.min_trl === null || b.trades < b.min_trl) {
    reasons.push(
      `B's track record is too short to show a positive Sharpe: ${b.trades} trades, min_trl ${format(b.min_trl, 1)}`,
    );
    return { verdict: 'not enough evidence', reasons, tradesNeeded: b.min_trl === null ? null : Math.ceil(b.min_trl) };
  }
  if (rewardDifference && rewardDifference.upper < 0) {
    reasons.push('the Sharpe favours B but the mean reward favours A: the evidence conflicts');
    return { verdict: 'not enough evidence', reasons, tradesNeeded: null };
  }
  reasons.push(
    `B beats A: the Sharpe difference interval lies above 0 and B's ${b.trades} trades exceed its min_trl ${format(b.min_trl, 1)}`,
  );
  return { verdict: 'promote B', reasons, tradesNeeded: null };
}

/** `tradetrace compare A B`: is candidate B really better than incumbent A? */
export async function compareVersions(storage: Storage, options: CompareOptions): Promise<VersionComparison> {
  const parsed = parseInput(CompareOptionsSchema, options, 'comparison');
  const filter = { ...parsed.filter, strategyName: parsed.strategyName };
  const [series, decisionCounts, rewards] = await Promise.all([
    readTradeSeries(storage, filter),
    readDecisionCounts(storage, filter),
    readPrimaryRewards(storage, filter),
  ]);
  // DSR deflates over every version of the strategy, not only the two compared.
  const stats = statsFromSeries(
    series,
    new Map([...decisionCounts].map(([key, count]) => [key, count.decisions])),
    rewards,
  );
  const statsOf = (version: string) => stats.find((row) => row.strategy_version === version);
  const returnsOf = (version: string) => series.find((s) => s.strategyVersion === version)?.returns ?? [];
  const rewardsOf = (version: string) => rewards.get(versionKey(parsed.strategyName, version)) ?? [];
  const a = evidence(statsOf(parsed.a), parsed.a, rewardsOf(parsed.a).length);
  const b = evidence(statsOf(parsed.b), parsed.b, rewardsOf(parsed.b).length);
  const bootstrap = { resamples: parsed.resamples, seed: parsed.seed };
  const sharpeDifference = bootstrapDifference(returnsOf(parsed.a), returnsOf(parsed.b), sharpeRatio, bootstrap);
  const rewardDifference =
    a.rewards > 0 && b.rewards > 0
      ? bootstrapDifference(rewardsOf(parsed.a), rewardsOf(parsed.b), mean, bootstrap)
      : null;
  const { verdict, reasons, tradesNeeded } = decideVerdict(a, b, sharpeDifference, rewardDifference, parsed.minTrades);
  return {
    strategy_name: parsed.strategyName,
    a,
    b,
    sharpe_difference: sharpeDifference,
    mean_reward_difference: rewardDifference,
    trades_needed_for_verdict: tradesNeeded,
    verdict,
    reasons,
  };
}
