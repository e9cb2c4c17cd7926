import { parentPort, workerData } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { init } from '@tradetrace/sdk';
import type { BacktestBot } from './backtest-bot.ts';
import type { BacktestWorkerData, BacktestWorkerMessage } from './backtest-worker-protocol.ts';
import { replayCandles } from './replay-candles.ts';

/** Worker thread: one strategy version's replay, instrumented by its own SDK instance. */
async function runWorker(data: BacktestWorkerData): Promise<BacktestWorkerMessage> {
  const module = (await import(pathToFileURL(data.botModule).href)) as { default?: BacktestBot };
  const bot = module.default;
  if (!bot || typeof bot.decide !== 'function' || typeof bot.strategy?.version !== 'function') {
    return { ok: false, message: `${data.botModule} must default-export a backtest bot ({ strategy, decide })` };
  }
  const tt = init({
    serviceName: data.serviceName,
    endpoint: data.endpoint,
    botId: `${data.runId}:${data.versionIndex}`,
  });
  try {
    const result = await replayCandles({
      bot,
      config: data.config,
      candles: data.candles,
      symbol: data.symbol,
      fill: data.fill,
      seed: data.seed,
      runId: data.runId,
      tt,
    });
    await tt.forceFlush();
    return { ok: true, result: { ...result, droppedSpans: tt.stats().dropped } };
  } finally {
    await tt.shutdown();
  }
}

runWorker(workerData as BacktestWorkerData).then(
  (message) => parentPort?.postMessage(message),
  (error: unknown) =>
    parentPort?.postMessage({
      ok: false,
      message: error instanceof Error ? error.message : String(error),
    } satisfies BacktestWorkerMessage),
);
