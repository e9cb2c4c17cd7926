import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MessageChannel, type MessagePort, Worker } from 'node:worker_threads';
import { AnalyticsError } from '../analytics-error.ts';
import type { BacktestResult } from './backtest-result.ts';
import type { BacktestJob, BacktestWorkerData, BacktestWorkerMessage } from './backtest-worker-protocol.ts';
import { LlmBudgetReachedError, type LlmCallGate } from './llm-call-gate.ts';
import { serveLlmPort } from './remote-llm-gateway.ts';

// Beside this file: backtest-worker.ts when running from the sources, backtest-worker.js in the published build.
const WORKER_URL = new URL(`./backtest-worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url);

interface Pending {
  job: BacktestJob;
  resolve(result: BacktestResult): void;
  reject(error: Error): void;
}

/**
 * Up to `size` worker threads that each import the bot once and replay one job at a time; jobs queue in order.
 * A worker that crashes fails its job only, and the next job gets a fresh worker.
 */
export class BacktestWorkerPool {
  private readonly idle: Worker[] = [];
  private readonly queue: Pending[] = [];
  private readonly all = new Set<Worker>();
  private readonly ports = new Map<Worker, MessagePort>();
  private readonly botModule: string;
  private readonly size: number;
  private readonly llmGate: LlmCallGate | undefined;

  /** With `llmGate`, every worker's LLM calls ask it first (budget, cache); a job it refused rejects with `LlmBudgetReachedError`. */
  constructor(botModule: string, size: number, llmGate?: LlmCallGate) {
    this.botModule = botModule;
    this.size = size;
    this.llmGate = llmGate;
  }

  run(job: BacktestJob): Promise<BacktestResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
      this.dispatch();
    });
  }

  /** Terminates every worker; call it once the last job has settled. */
  async close(): Promise<void> {
    const workers = [...this.all];
    this.all.clear();
    this.idle.length = 0;
    await Promise.all(workers.map((w) => w.terminate()));
    for (const port of this.ports.values()) port.close();
    this.ports.clear();
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const worker = this.idle.pop() ?? (this.all.size < this.size ? this.spawn() : undefined);
      if (!worker) return;
      this.start(worker, this.queue.shift()!);
    }
  }

  private spawn(): Worker {
    if (!this.llmGate) {
      const worker = new Worker(WORKER_URL, { workerData: { botModule: this.botModule } satisfies BacktestWorkerData });
      this.all.add(worker);
      return worker;
    }
    const { port1, port2 } = new MessageChannel();
    serveLlmPort(port1, this.llmGate);
    const worker = new Worker(WORKER_URL, {
      workerData: { botModule: this.botModule, llmPort: port2 } satisfies BacktestWorkerData,
      transferList: [port2],
    });
    this.all.add(worker);
    this.ports.set(worker, port1);
    return worker;
  }

  private start(worker: Worker, { job, resolve, reject }: Pending): void {
    const which = `version #${job.versionIndex + 1}`;
    const settle = () => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    const lose = () => {
      this.all.delete(worker);
      this.ports.get(worker)?.close();
      this.ports.delete(worker);
      this.dispatch();
    };
    const onMessage = (message: BacktestWorkerMessage) => {
      settle();
      this.idle.push(worker);
      this.dispatch();
      if (message.ok) resolve(message.result);
      else if (message.llmBudget) reject(new LlmBudgetReachedError(`backtest of ${which} stopped: ${message.message}`));
      else
        reject(new AnalyticsError('TT_ANALYTICS_BACKTEST_FAILED', `backtest of ${which} failed: ${message.message}`));
    };
    const onError = (error: Error) => {
      settle();
      lose();
      reject(
        new AnalyticsError('TT_ANALYTICS_BACKTEST_FAILED', `backtest worker of ${which} crashed: ${error.message}`, {
          cause: error,
        }),
      );
    };
    const onExit = (code: number) => {
      settle();
      lose();
      reject(
        new AnalyticsError(
          'TT_ANALYTICS_BACKTEST_FAILED',
          `backtest worker of ${which} exited with code ${code} before reporting`,
        ),
      );
    };
    worker.on('message', onMessage);
    worker.once('error', onError);
    worker.once('exit', onExit);
    worker.postMessage(job);
  }
}
