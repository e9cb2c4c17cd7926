import type { Candle } from './candle.ts';

/** What the bot sees at each candle close. */
export interface BacktestDecisionInput<Config> {
  /** Candles up to and including the current one (never the future). */
  candles: readonly Candle[];
  /** The open position, if any. */
  position: { side: 'long' | 'short'; entryPrice: number; openedAt: number } | null;
  config: Config;
  /** Simulated time: the current candle's open time, epoch ms. */
  now: number;
}

export interface BacktestDecision {
  /** buy opens a long (or closes a short), sell opens a short (or closes a long), close flattens, hold does nothing. */
  action: 'buy' | 'sell' | 'hold' | 'close';
  confidence?: number;
  /** Extra context recorded on the decision span as `trading.context.*` (e.g. indicators). */
  context?: Record<string, string | number | boolean>;
}

/**
 * A bot the backtest harness can replay. A module given to `runBacktests` default-exports one; each worker thread
 * imports it once and replays several versions with it, so it must not hold state outside `decide`'s inputs.
 */
export interface BacktestBot<Config = unknown> {
  /** The strategy: validates each version's config and makes its content-hash id (the SDK's `defineStrategy`). */
  strategy: { name: string; version(config: unknown): { name: string; version: string; config: Config } };
  /** `trading.decision.kind` of its decisions. Default `rule`. */
  kind?: 'rule' | 'llm' | 'hybrid';
  decide(input: BacktestDecisionInput<Config>): BacktestDecision | Promise<BacktestDecision>;
}
