import type { BacktestResult } from './backtest-result.ts';
import type { Candle } from './candle.ts';
import type { ResolvedFillModel } from './fill-model.ts';

/** What the parent hands a backtest worker (structured-cloned). */
export interface BacktestWorkerData {
  botModule: string;
  config: unknown;
  versionIndex: number;
  candles: Candle[];
  symbol: string;
  fill: ResolvedFillModel;
  seed: number;
  runId: string;
  serviceName: string;
  endpoint: string | undefined;
}

export type BacktestWorkerMessage = { ok: true; result: BacktestResult } | { ok: false; message: string };
