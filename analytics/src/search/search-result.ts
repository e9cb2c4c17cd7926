import type { LlmRunUsage } from '../backtest/llm-call-gate.ts';

/** Statistics of one trial over one period, from its per-candle marked-to-market returns on the common grid. */
export interface PeriodStats {
  /** Candles of the common time grid in the period. */
  candles: number;
  /** Per-candle Sharpe ratio (0 for a trial that never moved its equity). */
  sharpe: number;
  /** P(true Sharpe > 0). */
  psr: number | null;
  trades: number;
  /** Sum of realized PnL over the markets, quote currency. */
  total_pnl: number;
}

export interface SearchTrial {
  /** 1-based, in the order the trials were proposed. */
  trial: number;
  version: string;
  config: unknown;
  in_sample: PeriodStats & {
    /** Deflated over every trial of the run. */
    dsr: number | null;
  };
  /** Filled in after the selection is fixed (the scatter of in-sample vs out-of-sample Sharpe); null when interrupted. */
  out_of_sample: PeriodStats | null;
}

export interface GateCheck {
  test: 'dsr' | 'pbo' | 'out_of_sample_sharpe' | 'track_record' | 'beats_active' | 'complete';
  passed: boolean;
  detail: string;
}

/** Everything one search run found; `tradetrace optimize --json` prints it and `search_runs` stores it. */
export interface SearchRunResult {
  run_id: string;
  strategy: string;
  search: 'grid' | 'random' | 'beam';
  seed: number;
  /** True when stopped before the planned trials finished (Ctrl-C): nothing is promoted then. */
  interrupted: boolean;
  markets: { symbol: string; candles: number }[];
  holdout: { fraction: number; start_time: string; in_sample_candles: number; out_of_sample_candles: number };
  trials: SearchTrial[];
  selected: {
    trial: number;
    version: string;
    config: unknown;
    sharpe: number;
    psr: number | null;
    dsr: number | null;
    /** N: trials actually evaluated. */
    trials: number;
    /** V[SR]: population variance of the trials' in-sample Sharpe ratios. */
    sharpe_variance: number;
    /** Candles needed for 95% confidence that the in-sample Sharpe is above 0. */
    min_trl: number | null;
    out_of_sample: PeriodStats | null;
  } | null;
  pbo: { value: number; blocks: number; combinations: number; logits: number[] } | null;
  /** The version active before the run and its Sharpe on the same holdout candles. */
  active: { version: string; out_of_sample: PeriodStats } | null;
  gate: GateCheck[];
  promoted: string | null;
  reasons: string[];
  /**
   * The trials' LLM calls: what they used of the budget and cache, whether the budget stopped the search, how many
   * trials it cut short (excluded) and how many holdout replays it cut (their `out_of_sample` null). Null when the
   * trials were not traced (no endpoint). Absent in runs stored before it existed.
   */
  llm?: (LlmRunUsage & { budget_stopped: boolean; aborted_trials: number; holdout_cut: number }) | null;
  /** The selected version's marked-to-market equity (start 1) over in-sample then holdout candles. */
  selected_equity: { equity: number[]; holdout_start: number } | null;
}
