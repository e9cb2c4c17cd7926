import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Storage } from '@tradetrace/storage';
import { z } from 'zod';
import { AnalyticsError, parseInput } from '../analytics-error.ts';
import type { BacktestBot } from '../backtest/backtest-bot.ts';
import { BacktestWorkerPool } from '../backtest/backtest-worker-pool.ts';
import type { Candle } from '../backtest/candle.ts';
import { FillModelSchema } from '../backtest/fill-model.ts';
import { addVersion, getActiveVersion, recordActivation } from '../registry/strategy-registry.ts';
import { probabilityOfBacktestOverfitting } from '../statistics/backtest-overfitting.ts';
import { probabilisticSharpeRatio } from '../statistics/sharpe-inference.ts';
import { finiteOrNull, sharpeEstimate } from '../version-stats/compute-version-stats.ts';
import { beamSearch } from './beam-search.ts';
import { runTrial, type TrialRun } from './evaluate-trial.ts';
import { gridSearch } from './grid-search.ts';
import { splitHoldout, type HoldoutSplit } from './holdout-split.ts';
import { checkPromotionGate, PromotionGateSchema } from './promotion-gate.ts';
import { randomSearch } from './random-search.ts';
import { applyPoint, gridSize, parseSearchSpace, requireDiscrete, type SpacePoint } from './search-space.ts';
import type { SearchProposer } from './search-proposer.ts';
import { rankTrials } from './trial-ranking.ts';
import type { PeriodStats, SearchRunResult, SearchTrial } from './search-result.ts';
import { writeSearchRun } from './search-run-store.ts';

/** Largest grid a search runs; past it a random or beam search samples the space instead. */
const MAX_GRID = 10_000;

export const SearchOptionsSchema = z.object({
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
});
export type SearchOptions = z.input<typeof SearchOptionsSchema>;

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

interface Candidate {
  point: SpacePoint;
  config: unknown;
  version: string;
}

interface FinishedTrial extends Candidate {
  trial: number;
  inSample: TrialRun;
  outOfSample: TrialRun | null;
}

async function loadBot(botModule: string): Promise<BacktestBot> {
  let module: { default?: BacktestBot };
  try {
    module = await import(pathToFileURL(resolve(botModule)).href);
  } catch (error) {
    throw new AnalyticsError(
      'TT_ANALYTICS_BAD_INPUT',
      `cannot import the bot module ${botModule}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  const bot = module.default;
  if (!bot || typeof bot.decide !== 'function' || typeof bot.strategy?.version !== 'function')
    throw new AnalyticsError(
      'TT_ANALYTICS_BAD_INPUT',
      `${botModule} must default-export a backtest bot ({ strategy, decide })`,
    );
  return bot;
}

/** The strategy's own validation of a candidate, its failure named field by field. */
function validateCandidate(bot: BacktestBot, config: unknown, point: SpacePoint): Candidate {
  try {
    const version = bot.strategy.version(config);
    return { point, config: version.config, version: version.version };
  } catch (error) {
    const issues = (error as { issues?: { path: PropertyKey[]; message: string }[] }).issues;
    const why = Array.isArray(issues)
      ? issues.map((i) => `field "${i.path.map(String).join('.')}": ${i.message}`).join('; ')
      : (error as Error).message;
    throw new AnalyticsError(
      'TT_ANALYTICS_BAD_SEARCH_SPACE',
      `strategy "${bot.strategy.name}" rejects the config ${JSON.stringify(config)}: ${why}`,
    );
  }
}

function periodStats(run: TrialRun): PeriodStats {
  const estimate = sharpeEstimate(run.returns);
  return {
    candles: run.returns.length,
    sharpe: Number.isFinite(estimate.sharpe) ? estimate.sharpe : 0,
    psr: finiteOrNull(probabilisticSharpeRatio(estimate)),
    trades: run.trades,
    total_pnl: run.totalPnl,
  };
}

/** Equity from returns on a fixed notional: 1 + their running sum. */
function notionalEquity(returns: readonly number[]): number[] {
  let equity = 1;
  return returns.map((r) => (equity += r));
}

function proposerFor(
  search: 'grid' | 'random' | 'beam',
  dimensions: ReturnType<typeof parseSearchSpace>,
  options: z.output<typeof SearchOptionsSchema>,
): SearchProposer {
  if (search === 'grid') return gridSearch(dimensions);
  if (search === 'random') return randomSearch(dimensions, options.seed);
  return beamSearch(dimensions, options.base, options.beamWidth);
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
  const bot = await loadBot(options.botModule);
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
  const budget = options.trials ?? (search === 'grid' ? size : search === 'random' ? 20 : 30);
  const split: HoldoutSplit = splitHoldout(options.markets, options.holdout);
  const runId = options.runId ?? `search-${Date.now().toString(36)}`;
  const concurrency = options.concurrency ?? availableParallelism();
  const proposer = proposerFor(search, dimensions, options);
  const pool = new BacktestWorkerPool(resolve(options.botModule), concurrency);
  try {
    const common = {
      pool,
      split,
      fill: options.fill,
      seed: options.seed,
      runId,
      serviceName: options.serviceName,
      endpoint: options.endpoint,
    };

    const finished: FinishedTrial[] = [];
    const seenVersions = new Set<string>();
    let planned = 0;
    let registration: Promise<unknown> = Promise.resolve();
    let best: SearchProgress['best'] = null;
    const aborted = () => hooks.signal?.aborted === true;

    while (!aborted() && finished.length < budget) {
      const scored = finished.map((t) => ({ point: t.point, score: periodStats(t.inSample).sharpe }));
      const points = proposer.next(scored, budget - planned);
      // The whole batch is validated by the strategy's schema before any of it runs.
      const batch = points
        .map((point) => validateCandidate(bot, applyPoint(options.base, dimensions, point), point))
        .filter((c) => !seenVersions.has(c.version) && seenVersions.add(c.version));
      if (batch.length === 0) break;
      const first = planned;
      planned += batch.length;
      let next = 0;
      const lane = async () => {
        while (next < batch.length && !aborted()) {
          const index = next++;
          const candidate = batch[index]!;
          const trial = first + index + 1;
          const inSample = await runTrial({
            ...common,
            config: candidate.config,
            period: 'in_sample',
            trialIndex: trial,
          });
          finished.push({ ...candidate, trial, inSample, outOfSample: null });
          const sharpe = periodStats(inSample).sharpe;
          if (!best || sharpe > best.sharpe) best = { trial, version: candidate.version, sharpe };
          // One registration at a time: the audit trail orders its entries by reading the last one.
          registration = registration.then(() =>
            addVersion(storage, {
              strategyName: bot.strategy.name,
              config: candidate.config as Record<string, never>,
              note: `search run ${runId}: trial ${trial} (${search}, seed ${options.seed})`,
              author: options.actor,
            }),
          );
          hooks.onProgress?.({ done: finished.length, planned, best });
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, batch.length) }, lane));
      await registration;
    }
    await registration;
    const interrupted = aborted();
    finished.sort((a, b) => a.trial - b.trial);

    // Selection on the in-sample period only: DSR over every trial run.
    const ranking = rankTrials(finished.map((t) => t.inSample.returns));
    const { sharpes, sharpeVariance, dsrs, minTrl } = ranking;
    const winnerIndex = ranking.selected;
    const pbo =
      finished.length >= 2 && split.cut >= 2 * options.cscvBlocks
        ? probabilityOfBacktestOverfitting(
            finished.map((t) => t.inSample.returns),
            options.cscvBlocks,
          )
        : null;

    // Only now, with the selection fixed, the holdout: every trial once (for the in/out-of-sample scatter).
    if (!interrupted) {
      let next = 0;
      const lane = async () => {
        while (next < finished.length) {
          const t = finished[next++]!;
          t.outOfSample = await runTrial({ ...common, config: t.config, period: 'out_of_sample', trialIndex: t.trial });
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, finished.length) }, lane));
    }
    const winner = winnerIndex === undefined ? undefined : finished[winnerIndex];
    const winnerOos = winner?.outOfSample ? periodStats(winner.outOfSample) : null;

    const activeRecord = interrupted || !winner ? null : await getActiveVersion(storage, bot.strategy.name);
    let active: SearchRunResult['active'] = null;
    if (activeRecord && winner) {
      const run =
        activeRecord.version === winner.version
          ? winner.outOfSample!
          : await runTrial({ ...common, config: activeRecord.config, period: 'out_of_sample', trialIndex: 0 });
      active = { version: activeRecord.version, out_of_sample: periodStats(run) };
    }

    const gate = checkPromotionGate(
      {
        dsr: winnerIndex === undefined ? null : dsrs[winnerIndex]!,
        pbo: pbo?.pbo ?? null,
        outOfSampleSharpe: winnerOos?.sharpe ?? null,
        outOfSampleCandles: split.grid.length - split.cut,
        minTrl,
        active: active
          ? {
              version: active.version,
              sharpe: active.out_of_sample.sharpe,
              isSelected: active.version === winner?.version,
            }
          : undefined,
        interrupted,
      },
      options.gate,
    );
    const failed = gate.filter((c) => !c.passed);
    const reasons = failed.map((c) => `${c.test} failed: ${c.detail}`);
    let promoted: string | null = null;
    if (winner && failed.length === 0) {
      if (!options.promote) reasons.push(`every test passed; ${winner.version} not promoted (promotion not asked for)`);
      else {
        const evidence = {
          kind: 'search',
          run: runId,
          trials: finished.length,
          dsr: dsrs[winnerIndex!],
          psr: ranking.psrs[winnerIndex!],
          pbo: pbo?.pbo,
          out_of_sample_sharpe: winnerOos?.sharpe,
          out_of_sample_candles: winnerOos?.candles,
          min_trl: minTrl,
          active: active ? { version: active.version, out_of_sample_sharpe: active.out_of_sample.sharpe } : null,
        };
        const entry = await recordActivation(
          storage,
          {
            strategyName: bot.strategy.name,
            version: winner.version,
            actor: options.actor,
            reason: `search evidence ${JSON.stringify(evidence)}`,
          },
          'promote',
        );
        promoted = entry ? winner.version : null;
        reasons.push(
          entry
            ? `every test passed: promoted ${winner.version}`
            : `every test passed; ${winner.version} is already the active version`,
        );
      }
    }

    const trials: SearchTrial[] = finished.map((t, i) => ({
      trial: t.trial,
      version: t.version,
      config: t.config,
      in_sample: { ...periodStats(t.inSample), dsr: dsrs[i]! },
      out_of_sample: t.outOfSample ? periodStats(t.outOfSample) : null,
    }));
    const result: SearchRunResult = {
      run_id: runId,
      strategy: bot.strategy.name,
      search,
      seed: options.seed,
      interrupted,
      markets: options.markets.map((m) => ({ symbol: m.symbol, candles: m.candles.length })),
      holdout: {
        fraction: options.holdout,
        start_time: new Date(split.grid[split.cut]!).toISOString(),
        in_sample_candles: split.cut,
        out_of_sample_candles: split.grid.length - split.cut,
      },
      trials,
      selected:
        winner && winnerIndex !== undefined
          ? {
              trial: winner.trial,
              version: winner.version,
              config: winner.config,
              sharpe: sharpes[winnerIndex]!,
              psr: trials[winnerIndex]!.in_sample.psr,
              dsr: dsrs[winnerIndex]!,
              trials: finished.length,
              sharpe_variance: sharpeVariance,
              min_trl: minTrl,
              out_of_sample: winnerOos,
            }
          : null,
      pbo: pbo ? { value: pbo.pbo, blocks: pbo.blocks, combinations: pbo.combinations, logits: pbo.logits } : null,
      active,
      gate,
      promoted,
      reasons,
      selected_equity: winner
        ? {
            equity: notionalEquity([...winner.inSample.returns, ...(winner.outOfSample?.returns ?? [])]),
            holdout_start: split.cut,
          }
        : null,
    };
    await writeSearchRun(storage, result);
    return result;
  } finally {
    await pool.close();
  }
}
