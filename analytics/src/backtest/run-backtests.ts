import { availableParallelism } from 'node:os';
import { extname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { z } from 'zod';
import { AnalyticsError, parseInput } from '../analytics-error.ts';
import type { BacktestResult } from './backtest-result.ts';
import type { BacktestWorkerData, BacktestWorkerMessage } from './backtest-worker-protocol.ts';
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

// Beside this file: backtest-worker.ts when running from the sources, backtest-worker.js in the published build.
const WORKER_URL = new URL(`./backtest-worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url);

function runWorker(data: BacktestWorkerData): Promise<BacktestResult> {
  return new Promise((resolvePromise, reject) => {
    const worker = new Worker(WORKER_URL, { workerData: data });
    let settled = false;
    worker.once('message', (message: BacktestWorkerMessage) => {
      settled = true;
      if (message.ok) resolvePromise(message.result);
      else
        reject(
          new AnalyticsError(
            'TT_ANALYTICS_BACKTEST_FAILED',
            `backtest of version #${data.versionIndex + 1} failed: ${message.message}`,
          ),
        );
    });
    worker.once('error', (error) => {
      settled = true;
      reject(
        new AnalyticsError(
          'TT_ANALYTICS_BACKTEST_FAILED',
          `backtest worker #${data.versionIndex + 1} crashed: ${error.message}`,
          { cause: error },
        ),
      );
    });
    worker.once('exit', (code) => {
      if (!settled)
        reject(
          new AnalyticsError(
            'TT_ANALYTICS_BACKTEST_FAILED',
            `backtest worker #${data.versionIndex + 1} exited with code ${code} before reporting`,
          ),
        );
    });
  });
}

/** Replays the candles for several versions in parallel worker threads; results in the order of `configs`. */
export async function runBacktests(options: BacktestOptions): Promise<BacktestResult[]> {
  const parsed = parseInput(BacktestOptionsSchema, options, 'backtest options');
  const concurrency = Math.min(parsed.concurrency ?? availableParallelism(), parsed.configs.length);
  const results = new Array<BacktestResult>(parsed.configs.length);
  let next = 0;
  const lane = async () => {
    while (next < parsed.configs.length) {
      const index = next++;
      results[index] = await runWorker({
        botModule: resolve(parsed.botModule),
        config: parsed.configs[index],
        versionIndex: index,
        candles: parsed.candles,
        symbol: parsed.symbol,
        fill: parsed.fill,
        // Each version draws its own fills, still fixed by the run's seed.
        seed: (parsed.seed * 1_000_003 + index) | 0,
        runId: parsed.runId ?? `backtest-${parsed.seed}`,
        serviceName: parsed.serviceName,
        endpoint: parsed.endpoint,
      });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return results;
}
