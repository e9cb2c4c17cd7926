import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { z } from 'zod';
import { parseInput } from '../analytics-error.ts';
import type { BacktestResult } from './backtest-result.ts';
import { BacktestWorkerPool } from './backtest-worker-pool.ts';
import type { Candle } from './candle.ts';
import { FillModelSchema } from './fill-model.ts';

export const BacktestOptionsSchema = z.object({
  /** Path of a module that default-exports a `BacktestBot`. */
  botModule: z.string().min(1),
  /** One config per version to replay; each runs in its own worker thread. */
  configs: z.array(z.unknown()).min(1, 'give at least one version config'),
  candles: z.array(z.custom<Candle>()).min(2, 'need at least two candles'),
  /** CCXT unified symbol the candles belong to. */
  symbol: z.string().min(1).default('BTC/USDT'),
  fill: FillModelSchema.default(FillModelSchema.parse({})),
  /** Same seed, same fills, same spans (apart from timestamps and trace ids). */
  seed: z.number().int().default(1),
  /** Prefix of decision ids; defaults to `backtest-<seed>`. */
  runId: z.string().min(1).optional(),
  serviceName: z.string().min(1).default('tradetrace-backtest'),
  /** Collector base URL; without it the SDK is disabled and only the results are returned. */
  endpoint: z.url().optional(),
  /** Worker threads at once. Default: the machine's parallelism. */
  concurrency: z.number().int().positive().optional(),
});
export type BacktestOptions = z.input<typeof BacktestOptionsSchema>;

/** The fill seed of the `index`-th version of a run seeded `seed`: distinct per version, fixed by the seed. */
export function versionSeed(seed: number, index: number): number {
  return (seed * 1_000_003 + index) | 0;
}

/** Replays the candles for several versions in parallel worker threads; results in the order of `configs`. */
export async function runBacktests(options: BacktestOptions): Promise<BacktestResult[]> {
  const parsed = parseInput(BacktestOptionsSchema, options, 'backtest options');
  const pool = new BacktestWorkerPool(
    resolve(parsed.botModule),
    Math.min(parsed.concurrency ?? availableParallelism(), parsed.configs.length),
  );
  try {
    return await Promise.all(
      parsed.configs.map((config, index) =>
        pool.run({
          config,
          versionIndex: index,
          candles: parsed.candles,
          symbol: parsed.symbol,
          fill: parsed.fill,
          // Each version draws its own fills, still fixed by the run's seed.
          seed: versionSeed(parsed.seed, index),
          runId: parsed.runId ?? `backtest-${parsed.seed}`,
          serviceName: parsed.serviceName,
          endpoint: parsed.endpoint,
          warmupCandles: 0,
          markToMarket: false,
        }),
      ),
    );
  } finally {
    await pool.close();
  }
}
