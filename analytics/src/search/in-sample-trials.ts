import { addVersion } from '../registry/strategy-registry.ts';
import { runTrial } from './evaluate-trial.ts';
import { periodStats } from './period-stats.ts';
import { validateCandidate, type Candidate } from './search-bot.ts';
import type { SearchProgress } from './search-options.ts';
import type { SearchProposer } from './search-proposer.ts';
import { runInLanes, unlessLlmBudgetStops, type FinishedTrial, type SearchRunContext } from './search-run-context.ts';
import { applyPoint, type SearchDimension } from './search-space.ts';

/** Where the in-sample phase stopped, and the trials it finished (in trial order). */
export interface InSampleOutcome {
  finished: FinishedTrial[];
  interrupted: boolean;
  /** The LLM budget stopped the search before its planned trials. */
  llmBudgetStopped: boolean;
  /** Trials the LLM budget cut short: excluded (not registered, not ranked). */
  abortedTrials: number;
}

/** The proposer's next points, validated by the strategy's schema (the whole batch before any of it runs), unseen only. */
function nextBatch(
  run: SearchRunContext,
  dimensions: readonly SearchDimension[],
  proposer: SearchProposer,
  state: { finished: FinishedTrial[]; seen: Set<string>; planned: number },
  trialBudget: number,
): Candidate[] {
  const scored = state.finished.map((t) => ({ point: t.point, score: periodStats(t.inSample).sharpe }));
  return proposer
    .next(scored, trialBudget - state.planned)
    .map((point) => validateCandidate(run.bot, applyPoint(run.options.base, dimensions, point), point))
    .filter((c) => !state.seen.has(c.version) && state.seen.add(c.version));
}

/**
 * Proposes, validates and replays trials on the in-sample candles, batch after batch, until the proposer is done,
 * `trialBudget` trials ran, or the signal stops it; every finished trial is registered as a version.
 */
export async function runInSampleTrials(
  run: SearchRunContext,
  dimensions: readonly SearchDimension[],
  proposer: SearchProposer,
  trialBudget: number,
): Promise<InSampleOutcome> {
  const { options, hooks } = run;
  const state = { finished: [] as FinishedTrial[], seen: new Set<string>(), planned: 0 };
  let registration: Promise<unknown> = Promise.resolve();
  let best: SearchProgress['best'] = null;
  const aborted = () => hooks.signal?.aborted === true;
  let abortedTrials = 0;
  // The budget is checked before each trial starts; a trial it refuses a call mid-way is cut short and excluded.
  const budgetReached = () => abortedTrials > 0 || run.llmGate?.exhausted() !== undefined;
  const stop = () => aborted() || budgetReached();
  let spaceDone = false;

  while (!stop() && state.finished.length < trialBudget) {
    const batch = nextBatch(run, dimensions, proposer, state, trialBudget);
    if (batch.length === 0) {
      spaceDone = true;
      break;
    }
    const first = state.planned;
    state.planned += batch.length;
    await runInLanes(
      batch,
      run.concurrency,
      async (candidate, index) => {
        const trial = first + index + 1;
        const inSample = await unlessLlmBudgetStops(
          runTrial({ ...run.replay, config: candidate.config, period: 'in_sample', trialIndex: trial }),
        );
        if (!inSample) {
          abortedTrials++;
          return;
        }
        state.finished.push({ ...candidate, trial, inSample, outOfSample: null });
        const sharpe = periodStats(inSample).sharpe;
        if (!best || sharpe > best.sharpe) best = { trial, version: candidate.version, sharpe };
        // One registration at a time: the audit trail orders its entries by reading the last one.
        registration = registration.then(() =>
          addVersion(run.storage, {
            strategyName: run.bot.strategy.name,
            config: candidate.config as Record<string, never>,
            note: `search run ${run.runId}: trial ${trial} (${run.search}, seed ${options.seed})`,
            author: options.actor,
          }),
        );
        hooks.onProgress?.({ done: state.finished.length, planned: state.planned, best });
      },
      stop,
    );
    await registration;
  }
  await registration;
  state.finished.sort((a, b) => a.trial - b.trial);
  const planDone = spaceDone || state.finished.length >= trialBudget;
  return {
    finished: state.finished,
    interrupted: aborted(),
    llmBudgetStopped: abortedTrials > 0 || (budgetReached() && !planDone),
    abortedTrials,
  };
}
