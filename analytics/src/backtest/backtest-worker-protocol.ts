import type { BacktestResult } from './backtest-result.ts';
import type { Candle } from './candle.ts';
import type { ResolvedFillModel } from './fill-model.ts';

/** What a backtest worker is started with: the bot module it imports once. */
export interface BacktestWorkerData {
  botModule: string;
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

export type BacktestWorkerMessage = { ok: true; result: BacktestResult } | { ok: false; message: string };
