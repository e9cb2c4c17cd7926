import { z } from 'zod';
import type { Candle } from '../backtest/candle.ts';
import { FillModelSchema } from '../backtest/fill-model.ts';
import { PromotionGateSchema } from './promotion-gate.ts';

/** Largest grid a search runs; past it a random or beam search samples the space instead. */
export const MAX_GRID = 10_000;

export const SearchOptionsSchema = z
  .object({
    /** Module that default-exports a `BacktestBot`, as `runBacktests` takes it. */
    botModule: z.string().min(1),
    /** One market or several (a config must hold across them); candles ascending. */
    markets: z
      .array(
        z.object({
          symbol: z.string().min(1),
          candles: z.array(z.custom<Candle>()).min(4, 'need at least four candles'),
        }),
      )
      .min(1, 'give at least one market'),
    /** The search space (docs/analytics.md): config fields to lists, ranges or nested spaces. */
    space: z.unknown(),
    /** Config the space's fields are set on; fields it lacks take the strategy schema's defaults. */
    base: z.record(z.string(), z.unknown()).default({}),
    /** Default: grid when every dimension is discrete, else random. */
    search: z.enum(['grid', 'random', 'beam']).optional(),
    /** Most trials to run. Default: the whole grid; 20 for random; 30 for beam. */
    trials: z.number().int().positive().max(MAX_GRID).optional(),
    /** Same seed, same data: same trials, same fills, same answer. */
    seed: z.number().int().default(1),
    /** Last fraction of the common time grid kept out of sample. Default 0.3. */
    holdout: z.number().gt(0).lt(1).default(0.3),
    /** Points the beam search keeps each round. Default 3. */
    beamWidth: z.number().int().positive().default(3),
    /** S of CSCV: even, the in-sample period cut into S blocks; C(S, S/2) combinations. Default 16 (12,870). */
    cscvBlocks: z
      .number()
      .int()
      .min(2)
      .max(20)
      .refine((s) => s % 2 === 0, 'must be even')
      .default(16),
    gate: PromotionGateSchema.default(PromotionGateSchema.parse({})),
    /** Promote the selected version when every test of the gate passes. Default false. */
    promote: z.boolean().default(false),
    /** Who registers and promotes (registry author and audit actor). */
    actor: z.string().min(1).default('tradetrace optimize'),
    fill: FillModelSchema.default(FillModelSchema.parse({})),
    /** Prefix of the decision ids and the note of every trial's version. Default `search-<time>`. */
    runId: z.string().min(1).optional(),
    serviceName: z.string().min(1).default('tradetrace-optimize'),
    /** Collector base URL for the trials' spans; without it the backtests are not traced. */
    endpoint: z.url().optional(),
    /** Backtest worker threads at once. Default: the machine's parallelism. */
    concurrency: z.number().int().positive().optional(),
    /**
     * Most LLM calls the run's backtests send (in sample and holdout; cached answers are free): the search gets
     * (1 − holdout) of it, the holdout replays the rest. Counted through the trials' traced LLM calls, so it needs `endpoint`.
     */
    maxLlmCalls: z.number().int().positive().optional(),
    /** Most USD the run's LLM calls spend, priced by storage's price table (calls of unpriced models are not counted). */
    maxLlmCostUsd: z.number().positive().optional(),
    /** Answer identical temperature-0 single-answer LLM calls within the run from a cache. Default true. */
    cacheLlmCalls: z.boolean().default(true),
  })
  .refine((o) => o.endpoint !== undefined || (o.maxLlmCalls === undefined && o.maxLlmCostUsd === undefined), {
    message: 'an LLM budget counts the traced LLM calls: give an endpoint',
    path: ['endpoint'],
  });
export type SearchOptions = z.input<typeof SearchOptionsSchema>;
export type ResolvedSearchOptions = z.output<typeof SearchOptionsSchema>;

export interface SearchProgress {
  done: number;
  /** Trials planned so far (a beam search plans round by round). */
  planned: number;
  best: { trial: number; version: string; sharpe: number } | null;
}

export interface SearchHooks {
  /** Stops proposing and starting trials; finished trials are kept, registered and reported (nothing promoted). */
  signal?: AbortSignal;
  onProgress?(progress: SearchProgress): void;
}
