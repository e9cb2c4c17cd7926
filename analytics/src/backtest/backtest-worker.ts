import { parentPort, workerData } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { init } from '@tradetrace/sdk';
import type { BacktestBot } from './backtest-bot.ts';
import type { BacktestJob, BacktestWorkerData, BacktestWorkerMessage } from './backtest-worker-protocol.ts';
import { RemoteLlmGateway } from './remote-llm-gateway.ts';
import { replayCandles } from './replay-candles.ts';

const data = workerData as BacktestWorkerData;
// One per worker: every job's SDK asks the run's gate in the main thread before each LLM call.
const gateway = data.llmPort ? new RemoteLlmGateway(data.llmPort) : undefined;
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
    llmGateway: gateway,
  });
  gateway?.startJob();
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
    }).catch((error: unknown) => {
      if (gateway?.refusal === undefined) throw error;
    });
    await tt.forceFlush();
    // Refused once is incomplete, even when the bot caught the refusal and went on deciding without the LLM.
    if (gateway?.refusal !== undefined) return { ok: false, message: gateway.refusal, llmBudget: true };
    return { ok: true, result: { ...result!, droppedSpans: tt.stats().dropped } };
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
