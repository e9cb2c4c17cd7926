import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import type { Storage } from '@tradetrace/storage';
import { AnalyticsError, parseInput } from '../analytics-error.ts';
import { BacktestWorkerPool } from '../backtest/backtest-worker-pool.ts';
import { LlmCallGate } from '../backtest/llm-call-gate.ts';
import { probabilityOfBacktestOverfitting } from '../statistics/backtest-overfitting.ts';
import { beamSearch } from './beam-search.ts';
import { gridSearch } from './grid-search.ts';
import { splitHoldout } from './holdout-split.ts';
import { evaluateActive, runHoldoutTrials } from './holdout-trials.ts';
import { runInSampleTrials } from './in-sample-trials.ts';
import { periodStats } from './period-stats.ts';
import { randomSearch } from './random-search.ts';
import { loadSearchBot } from './search-bot.ts';
import {
  MAX_GRID,
  SearchOptionsSchema,
  type ResolvedSearchOptions,
  type SearchHooks,
  type SearchOptions,
} from './search-options.ts';
import { decidePromotion, type PromotionVerdict, type SelectionEvidence } from './search-promotion.ts';
import type { SearchProposer } from './search-proposer.ts';
import type { SearchRunResult, SearchTrial } from './search-result.ts';
import type { FinishedTrial, SearchRunContext } from './search-run-context.ts';
import { writeSearchRun } from './search-run-store.ts';
import { gridSize, parseSearchSpace, requireDiscrete, type SearchDimension } from './search-space.ts';
import { rankTrials } from './trial-ranking.ts';

export { SearchOptionsSchema, type SearchOptions, type SearchHooks, type SearchProgress } from './search-options.ts';

interface SearchPlan {
  search: 'grid' | 'random' | 'beam';
  dimensions: SearchDimension[];
  proposer: SearchProposer;
  /** Most trials to run. */
  trials: number;
}

/** The search kind (grid when every dimension is discrete, else random), its proposer and its number of trials. */
function planSearch(options: ResolvedSearchOptions): SearchPlan {
  const dimensions = parseSearchSpace(options.space);
  const discrete = dimensions.every((d) => d.values !== undefined);
  const search = options.search ?? (discrete ? 'grid' : 'random');
  if (search !== 'random') requireDiscrete(dimensions, search);
  const size = gridSize(dimensions);
  if (search === 'grid' && size > (options.trials ?? MAX_GRID))
    throw new AnalyticsError(
      'TT_ANALYTICS_BAD_SEARCH_SPACE',
      `the grid has ${size} combinations, more than ${options.trials ?? MAX_GRID} trials: use a random or beam search, or fewer values`,
    );
  const proposer =
    search === 'grid'
      ? gridSearch(dimensions)
      : search === 'random'
        ? randomSearch(dimensions, options.seed)
        : beamSearch(dimensions, options.base, options.beamWidth);
  const trials = options.trials ?? (search === 'grid' ? size : search === 'random' ? 20 : 30);
  return { search, dimensions, proposer, trials };
}

/** Selection on the in-sample period only: DSR over every trial run, and PBO by CSCV when there is enough data. */
function selectTrial(run: SearchRunContext, finished: readonly FinishedTrial[]) {
  const returns = finished.map((t) => t.inSample.returns);
  const ranking = rankTrials(returns);
  const blocks = run.options.cscvBlocks;
  const pbo =
    finished.length >= 2 && run.split.cut >= 2 * blocks ? probabilityOfBacktestOverfitting(returns, blocks) : null;
  return { ranking, pbo, winner: ranking.selected === undefined ? undefined : finished[ranking.selected] };
}

/** Equity from returns on a fixed notional: 1 + their running sum. */
function notionalEquity(returns: readonly number[]): number[] {
  let equity = 1;
  return returns.map((r) => (equity += r));
}

function buildResult(
  run: SearchRunContext,
  finished: readonly FinishedTrial[],
  evidence: SelectionEvidence,
  verdict: PromotionVerdict,
): SearchRunResult {
  const { options, split } = run;
  const { ranking, winner, pbo } = evidence;
  const trials: SearchTrial[] = finished.map((t, i) => ({
    trial: t.trial,
    version: t.version,
    config: t.config,
    in_sample: { ...periodStats(t.inSample), dsr: ranking.dsrs[i]! },
    out_of_sample: t.outOfSample ? periodStats(t.outOfSample) : null,
  }));
  const w = ranking.selected;
  return {
    run_id: run.runId,
    strategy: run.bot.strategy.name,
    search: run.search,
    seed: options.seed,
    interrupted: evidence.interrupted,
    markets: options.markets.map((m) => ({ symbol: m.symbol, candles: m.candles.length })),
    holdout: {
      fraction: options.holdout,
      start_time: new Date(split.grid[split.cut]!).toISOString(),
      in_sample_candles: split.cut,
      out_of_sample_candles: split.grid.length - split.cut,
    },
    trials,
    selected:
      winner && w !== undefined
        ? {
            trial: winner.trial,
            version: winner.version,
            config: winner.config,
            sharpe: ranking.sharpes[w]!,
            psr: trials[w]!.in_sample.psr,
            dsr: ranking.dsrs[w]!,
            trials: finished.length,
            sharpe_variance: ranking.sharpeVariance,
            min_trl: ranking.minTrl,
            out_of_sample: evidence.winnerOos,
          }
        : null,
    pbo: pbo ? { value: pbo.pbo, blocks: pbo.blocks, combinations: pbo.combinations, logits: pbo.logits } : null,
    active: evidence.active,
    gate: verdict.gate,
    promoted: verdict.promoted,
    reasons: verdict.reasons,
    selected_equity: winner
      ? {
          equity: notionalEquity([...winner.inSample.returns, ...(winner.outOfSample?.returns ?? [])]),
          holdout_start: split.cut,
        }
      : null,
  };
}

/** In-sample trials, selection, holdout, gate: the steps of a run whose context is set up. */
async function searchSteps(run: SearchRunContext, plan: SearchPlan): Promise<SearchRunResult> {
  // The search may spend (1 − holdout) of an LLM budget; the rest is kept for the holdout replays.
  run.llmGate?.limitTo(1 - run.options.holdout);
  const inSample = await runInSampleTrials(run, plan.dimensions, plan.proposer, plan.trials);
  const { finished, interrupted } = inSample;
  const { ranking, pbo, winner } = selectTrial(run, finished);
  // Only now, with the selection fixed, the holdout.
  run.llmGate?.limitTo(1);
  const holdout = interrupted ? { selectedCut: false, cut: 0 } : await runHoldoutTrials(run, finished, winner);
  const active = await evaluateActive(run, winner, interrupted);
  const evidence: SelectionEvidence = {
    ranking,
    winner,
    trials: finished.length,
    pbo,
    winnerOos: winner?.outOfSample ? periodStats(winner.outOfSample) : null,
    active: active.active,
    interrupted,
    llmBudget: {
      stoppedSearch: inSample.llmBudgetStopped,
      trials: finished.length,
      cutHoldout: holdout.selectedCut || active.cut,
    },
  };
  const verdict = await decidePromotion(run, evidence);
  const llm = run.llmGate && {
    ...run.llmGate.usage(),
    budget_stopped: inSample.llmBudgetStopped,
    aborted_trials: inSample.abortedTrials,
    holdout_cut: holdout.cut + (active.cut ? 1 : 0),
  };
  const result = { ...buildResult(run, finished, evidence, verdict), llm: llm ?? null };
  await writeSearchRun(run.storage, result);
  return result;
}

/**
 * Searches a strategy's config space on the in-sample candles, ranks the trials by deflated Sharpe ratio, estimates
 * the probability of backtest overfitting by CSCV, evaluates on the holdout once the selection is fixed, and
 * promotes the selected version only when the gate passes. Every trial is registered as a version.
 */
export async function runSearch(
  storage: Storage,
  input: SearchOptions,
  hooks: SearchHooks = {},
): Promise<SearchRunResult> {
  const options = parseInput(SearchOptionsSchema, input, 'search options');
  const bot = await loadSearchBot(options.botModule);
  const plan = planSearch(options);
  const split = splitHoldout(options.markets, options.holdout);
  const runId = options.runId ?? `search-${Date.now().toString(36)}`;
  const concurrency = options.concurrency ?? availableParallelism();
  // The LLM calls are seen through the trials' tracing: no endpoint, no budget (refused by the schema) and no cache.
  const llmGate =
    options.endpoint === undefined
      ? undefined
      : new LlmCallGate({
          maxCalls: options.maxLlmCalls,
          maxCostUsd: options.maxLlmCostUsd,
          cache: options.cacheLlmCalls,
        });
  const pool = new BacktestWorkerPool(resolve(options.botModule), concurrency, llmGate);
  try {
    const replay = {
      pool,
      split,
      fill: options.fill,
      seed: options.seed,
      runId,
      serviceName: options.serviceName,
      endpoint: options.endpoint,
    };
    const run = { storage, options, bot, search: plan.search, runId, split, concurrency, hooks, llmGate, replay };
    return await searchSteps(run, plan);
  } finally {
    await pool.close();
  }
}
