import type { VersionComparison } from '../comparison/version-comparison.ts';
import type { SearchRunResult } from '../search/search-result.ts';
import type { VersionStats } from '../version-stats/version-stats.ts';

/** An estimate with its 95% interval (null bounds when undefined). */
export interface Estimate {
  value: number | null;
  lower: number | null;
  upper: number | null;
}

/** One symbol of one version: what it decided, traded and earned there. */
export interface ReportSymbol {
  symbol: string;
  decisions: number;
  /** Closed trades (positions with a realized return). */
  trades: number;
  /** Share of those trades with a positive realized P&L; null without trades. */
  winRate: number | null;
  /** Sum of the trades' realized P&L (quote currency). */
  pnl: number;
  /** Number of primary rewards. */
  rewards: number;
  /** Sum of the primary rewards; null without one. */
  rewardSum: number | null;
}

export interface ReportVersion {
  label: string;
  stats: VersionStats;
  /** E_t after each closed trade, E_0 = 1. */
  equity: number[];
  /** E_t / running max − 1 after each closed trade. */
  drawdown: number[];
  /** Primary reward values. */
  rewards: number[];
  winRate: Estimate;
  /** Per-trade Sharpe ± 1.96 standard errors (non-normality included). */
  sharpe: Estimate;
  /** Per symbol, best realized P&L first. */
  symbols: ReportSymbol[];
}

export interface ReportLlmModel {
  model: string;
  calls: number;
  errors: number;
  latencyP50Ms: number;
  latencyP95Ms: number;
  inputTokens: number;
  outputTokens: number;
  /** Null when no call of the model was priced. */
  costUsd: number | null;
  /** The `llm_prices` entries its calls were priced with (a snapshot takes its model's). */
  priceModels: string[];
  /** Calls that matched no price (`PriceModel` ''): their cost is not in `costUsd`. */
  unpricedCalls: number;
}

/** Everything `tradetrace report` draws; serialized into the page as JSON. */
export interface ReportData {
  title: string;
  generatedAt: string;
  versions: ReportVersion[];
  llmModels: ReportLlmModel[];
  comparisons: VersionComparison[];
  /** The latest `tradetrace optimize` run of each strategy in the store. */
  searches: SearchRunResult[];
}
