/**
 * One row of `tradetrace stats`: fixed field names (docs/analytics.md), other tools read them. Undefined ratios
 * (too few trades, no loss, zero spread) are null, never Infinity or NaN.
 */
export interface VersionStats {
  strategy_name: string;
  strategy_version: string;
  decisions: number;
  trades: number;
  win_rate: number | null;
  total_pnl: number;
  mean_return: number | null;
  sharpe: number | null;
  sortino: number | null;
  max_drawdown: number;
  profit_factor: number | null;
  expectancy: number | null;
  psr: number | null;
  dsr: number | null;
  min_trl: number | null;
  mean_reward: number | null;
}

/** The per-trade series of one version, in close order. */
export interface VersionTradeSeries {
  strategyName: string;
  strategyVersion: string;
  returns: number[];
  pnls: number[];
}
