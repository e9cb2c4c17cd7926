import { getActiveVersion } from '../registry/strategy-registry.ts';
import { runTrial } from './evaluate-trial.ts';
import { periodStats } from './period-stats.ts';
import type { SearchRunResult } from './search-result.ts';
import { runInLanes, unlessLlmBudgetStops, type FinishedTrial, type SearchRunContext } from './search-run-context.ts';

/** How the holdout replays went under the LLM budget. */
export interface HoldoutOutcome {
  /** The selected version's holdout replay was cut short by the LLM budget: there is no out-of-sample result. */
  selectedCut: boolean;
  /** Holdout replays the LLM budget cut short (their `out_of_sample` is null). */
  cut: number;
}

/**
 * With the selection fixed: every trial on the holdout once (the in/out-of-sample scatter), the selected one first
 * so that an LLM budget serves the replay that counts before the others.
 */
export async function runHoldoutTrials(
  run: SearchRunContext,
  finished: readonly FinishedTrial[],
  winner: FinishedTrial | undefined,
): Promise<HoldoutOutcome> {
  let cut = 0;
  const replay = async (t: FinishedTrial) => {
    const holdout = runTrial({ ...run.replay, config: t.config, period: 'out_of_sample', trialIndex: t.trial });
    t.outOfSample = (await unlessLlmBudgetStops(holdout)) ?? null;
    if (!t.outOfSample) cut++;
  };
  if (winner) await replay(winner);
  const selectedCut = cut > 0;
  await runInLanes(
    finished.filter((t) => t !== winner),
    run.concurrency,
    replay,
  );
  return { selectedCut, cut };
}

/**
 * The version active before the run and its Sharpe on the same holdout candles; null when none is active.
 * `cut` when the LLM budget stopped its replay (the gate then cannot compare).
 */
export async function evaluateActive(
  run: SearchRunContext,
  winner: FinishedTrial | undefined,
  interrupted: boolean,
): Promise<{ active: SearchRunResult['active']; cut: boolean }> {
  if (interrupted || !winner) return { active: null, cut: false };
  const active = await getActiveVersion(run.storage, run.bot.strategy.name);
  if (!active) return { active: null, cut: false };
  const holdout =
    active.version === winner.version && winner.outOfSample
      ? winner.outOfSample
      : await unlessLlmBudgetStops(
          runTrial({ ...run.replay, config: active.config, period: 'out_of_sample', trialIndex: 0 }),
        );
  if (!holdout) return { active: null, cut: true };
  return { active: { version: active.version, out_of_sample: periodStats(holdout) }, cut: false };
}
