import { parentPort, workerData } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { init } from '@tradetrace/sdk';
import type { BacktestBot } from './backtest-bot.ts';
import type { BacktestJob, BacktestWorkerData, BacktestWorkerMessage } from './backtest-worker-protocol.ts';
import { replayCandles } from './replay-candles.ts';

const data = workerData as BacktestWorkerData;
// Imported once per worker: a pool's worker replays many versions, and the import is most of a short replay's cost.
const loaded = import(pathToFileURL(data.botModule).href).then((module: { default?: BacktestBot }) => module.default);

/** One strategy version's replay, instrumented by its own SDK instance. */
async function runJob(job: BacktestJob): Promise<BacktestWorkerMessage> {
  const bot = await loaded;
  if (!bot || typeof bot.decide !== 'function' || typeof bot.strategy?.version !== 'function') {
    return { ok: false, message: `${data.botModule} must default-export a backtest bot ({ strategy, decide })` };
  }
  const tt = init({
    serviceName: job.serviceName,
    endpoint: job.endpoint,
    botId: `${job.runId}:${job.versionIndex}`,
  });
  try {
    const result = await replayCandles({
      bot,
      config: job.config,
      candles: job.candles,
      symbol: job.symbol,
      fill: job.fill,
      seed: job.seed,
      runId: job.runId,
      tt,
      warmupCandles: job.warmupCandles,
      markToMarket: job.markToMarket,
    });
    await tt.forceFlush();
    return { ok: true, result: { ...result, droppedSpans: tt.stats().dropped } };
  } finally {
    await tt.shutdown();
  }
}

parentPort?.on('message', (job: BacktestJob) => {
  runJob(job).then(
    (message) => parentPort?.postMessage(message),
    (error: unknown) =>
      parentPort?.postMessage({
        ok: false,
        message: error instanceof Error ? error.message : String(error),
      } satisfies BacktestWorkerMessage),
  );
});
