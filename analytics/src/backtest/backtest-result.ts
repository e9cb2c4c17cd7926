/** One closed simulated position. */
export interface BacktestTrade {
  /** The decision that opened it. */
  decisionId: string;
  side: 'long' | 'short';
  entryPrice: number;
  exitPrice: number;
  realizedPnl: number;
  realizedReturn: number;
  exitReason: string;
}

/** What one version's replay produced (the same figures the spans carry). */
export interface BacktestResult {
  strategyName: string;
  strategyVersion: string;
  runId: string;
  decisions: number;
  trades: BacktestTrade[];
  totalPnl: number;
  /** Spans the SDK could not deliver (0 when the collector kept up); stats over a run with drops are incomplete. */
  droppedSpans: number;
  /** Per decided candle, the change of marked-to-market equity over the position notional (only with `markToMarket`). */
  candleReturns?: number[];
}
