import type { TradeTrace } from '@tradetrace/sdk';
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
  /**
   * The SDK instance tracing this replay. An LLM-driven bot sends its calls through it (`tt.traceLlmCall`, or a
   * client from `tt.instrumentOpenAI`) so they are traced as children of the decision and, in a search, counted
   * against its LLM budget and answered from its cache.
   */
  tt: TradeTrace;
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
