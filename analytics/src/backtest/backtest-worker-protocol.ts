import type { MessagePort } from 'node:worker_threads';
import type { BacktestResult } from './backtest-result.ts';
import type { Candle } from './candle.ts';
import type { ResolvedFillModel } from './fill-model.ts';

/** What a backtest worker is started with: the bot module it imports once. */
export interface BacktestWorkerData {
  botModule: string;
  /** The run's LLM gate (budget and cache) in the main thread; none when the pool has no gate. */
  llmPort?: MessagePort;
}

/** One version's replay, posted to an idle worker (structured-cloned). */
export interface BacktestJob {
  config: unknown;
  versionIndex: number;
  candles: Candle[];
  symbol: string;
  fill: ResolvedFillModel;
  seed: number;
  runId: string;
  serviceName: string;
  endpoint: string | undefined;
  warmupCandles: number;
  markToMarket: boolean;
}

export type BacktestWorkerMessage =
  | { ok: true; result: BacktestResult }
  /** `llmBudget`: the LLM budget refused a call of the job, so its replay is incomplete. */
  | { ok: false; message: string; llmBudget?: true };
