import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { AnalyticsError } from '../analytics-error.ts';
import type { BacktestResult } from './backtest-result.ts';
import type { BacktestJob, BacktestWorkerData, BacktestWorkerMessage } from './backtest-worker-protocol.ts';

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
  private readonly botModule: string;
  private readonly size: number;

  constructor(botModule: string, size: number) {
    this.botModule = botModule;
    this.size = size;
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
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const worker = this.idle.pop() ?? (this.all.size < this.size ? this.spawn() : undefined);
      if (!worker) return;
      this.start(worker, this.queue.shift()!);
    }
  }

  private spawn(): Worker {
    const worker = new Worker(WORKER_URL, { workerData: { botModule: this.botModule } satisfies BacktestWorkerData });
    this.all.add(worker);
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
      this.dispatch();
    };
    const onMessage = (message: BacktestWorkerMessage) => {
      settle();
      this.idle.push(worker);
      this.dispatch();
      if (message.ok) resolve(message.result);
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
