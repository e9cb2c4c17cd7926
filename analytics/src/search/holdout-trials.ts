import { getActiveVersion } from '../registry/strategy-registry.ts';
import { runTrial } from './evaluate-trial.ts';
import { periodStats } from './period-stats.ts';
import type { SearchRunResult } from './search-result.ts';
import { runInLanes, type FinishedTrial, type SearchRunContext } from './search-run-context.ts';

/** With the selection fixed: every trial on the holdout once (the in/out-of-sample scatter). */
export async function runHoldoutTrials(run: SearchRunContext, finished: readonly FinishedTrial[]): Promise<void> {
  await runInLanes(finished, run.concurrency, async (t) => {
    t.outOfSample = await runTrial({ ...run.replay, config: t.config, period: 'out_of_sample', trialIndex: t.trial });
  });
}

/** The version active before the run and its Sharpe on the same holdout candles; null when none is active. */
export async function evaluateActive(
  run: SearchRunContext,
  winner: FinishedTrial | undefined,
  interrupted: boolean,
): Promise<SearchRunResult['active']> {
  if (interrupted || !winner) return null;
  const active = await getActiveVersion(run.storage, run.bot.strategy.name);
  if (!active) return null;
  const holdout =
    active.version === winner.version && winner.outOfSample
      ? winner.outOfSample
      : await runTrial({ ...run.replay, config: active.config, period: 'out_of_sample', trialIndex: 0 });
  return { version: active.version, out_of_sample: periodStats(holdout) };
}
