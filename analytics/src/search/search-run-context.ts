import type { Storage } from '@tradetrace/storage';
import type { BacktestBot } from '../backtest/backtest-bot.ts';
import { LlmBudgetReachedError, type LlmCallGate } from '../backtest/llm-call-gate.ts';
import type { TrialRun, TrialRunInput } from './evaluate-trial.ts';
import type { HoldoutSplit } from './holdout-split.ts';
import type { Candidate } from './search-bot.ts';
import type { ResolvedSearchOptions, SearchHooks } from './search-options.ts';

/** What every step of one search run shares. */
export interface SearchRunContext {
  storage: Storage;
  options: ResolvedSearchOptions;
  bot: BacktestBot;
  search: 'grid' | 'random' | 'beam';
  runId: string;
  split: HoldoutSplit;
  concurrency: number;
  hooks: SearchHooks;
  /** The run's LLM budget and cache; undefined when the trials are not traced. */
  llmGate: LlmCallGate | undefined;
  /** What every trial's replay shares (pool, split, fills, seed, tracing). */
  replay: Omit<TrialRunInput, 'config' | 'period' | 'trialIndex'>;
}

export interface FinishedTrial extends Candidate {
  /** 1-based, in the order the trials were proposed. */
  trial: number;
  inSample: TrialRun;
  outOfSample: TrialRun | null;
}

/** Runs `work` over `items` in at most `lanes` concurrent lanes, in order; `stop` ends each lane before its next item. */
export async function runInLanes<T>(
  items: readonly T[],
  lanes: number,
  work: (item: T, index: number) => Promise<void>,
  stop: () => boolean = () => false,
): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length && !stop()) {
      const index = next++;
      await work(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(lanes, items.length) }, lane));
}

/** `work`'s result, or undefined when the LLM budget stopped it (any other failure is thrown). */
export async function unlessLlmBudgetStops<T>(work: Promise<T>): Promise<T | undefined> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof LlmBudgetReachedError) return undefined;
    throw error;
  }
}
