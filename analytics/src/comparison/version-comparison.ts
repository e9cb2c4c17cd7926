import type { BootstrapInterval } from '../statistics/bootstrap.ts';

export const VERDICTS = ['promote B', 'keep A', 'not enough evidence'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** What one side of a comparison has shown so far. */
export interface VersionEvidence {
  version: string;
  trades: number;
  /** Per-trade Sharpe. */
  sharpe: number | null;
  psr: number | null;
  dsr: number | null;
  /** Trades needed for 95% confidence that this version's Sharpe exceeds 0. */
  min_trl: number | null;
  mean_reward: number | null;
  rewards: number;
}

/** `tradetrace compare A B`: B is the candidate, A the incumbent. */
export interface VersionComparison {
  strategy_name: string;
  a: VersionEvidence;
  b: VersionEvidence;
  /** Sharpe(B) − Sharpe(A), per trade, with a 95% percentile bootstrap interval. */
  sharpe_difference: BootstrapInterval;
  /** mean reward(B) − mean reward(A); null when either side has no primary reward. */
  mean_reward_difference: BootstrapInterval | null;
  /** Rough trades per version before the Sharpe interval would exclude 0 at the observed difference; null once it does. */
  trades_needed_for_verdict: number | null;
  verdict: Verdict;
  reasons: string[];
}
