import type { VersionComparison } from '../comparison/version-comparison.ts';
import type { SearchRunResult } from '../search/search-result.ts';
import type { VersionStats } from '../version-stats/version-stats.ts';

/** An estimate with its 95% interval (null bounds when undefined). */
export interface Estimate {
  value: number | null;
  lower: number | null;
  upper: number | null;
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
}

export interface ReportLlmModel {
  model: string;
  calls: number;
  errors: number;
  latencyP50Ms: number;
  latencyP95Ms: number;
  inputTokens: number;
  outputTokens: number;
  /** Null when the model has no price in `llm_prices`. */
  costUsd: number | null;
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
