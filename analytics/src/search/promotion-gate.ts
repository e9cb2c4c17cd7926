import { z } from 'zod';
import type { GateCheck } from './search-result.ts';

/** Thresholds of the search's promotion gate; the defaults are the and the literature's usual ones. */
export const PromotionGateSchema = z.object({
  /** Deflated Sharpe ratio the selected trial needs. Default 0.95. */
  minDsr: z.number().gt(0).lt(1).default(0.95),
  /** Probability of backtest overfitting must be below this. Default 0.5 (the selection beats a coin flip). */
  maxPbo: z.number().gt(0).max(1).default(0.5),
});
export type PromotionGate = z.output<typeof PromotionGateSchema>;

export interface GateEvidence {
  dsr: number | null;
  pbo: number | null;
  outOfSampleSharpe: number | null;
  outOfSampleCandles: number;
  minTrl: number | null;
  /** The active version's Sharpe on the same holdout; undefined when no version is active. */
  active: { version: string; sharpe: number; isSelected: boolean } | undefined;
  interrupted: boolean;
  /** How the LLM budget ended the run, when it did: the search stopped after `trials` trials, or a holdout replay that counts was cut. */
  llmBudget?: { stoppedSearch: boolean; trials: number; cutHoldout: boolean };
}

/** Did the run finish what the gate needs? An LLM budget may stop the search (the selection then counts the trials run). */
function completeness(evidence: GateEvidence): GateCheck {
  const budget = evidence.llmBudget;
  if (evidence.interrupted)
    return { test: 'complete', passed: false, detail: 'the search was interrupted before every planned trial ran' };
  if (budget?.cutHoldout)
    return {
      test: 'complete',
      passed: false,
      detail: 'the LLM budget ran out before the holdout replay of the selected (or active) version finished',
    };
  if (budget?.stoppedSearch)
    return {
      test: 'complete',
      passed: true,
      detail: `the LLM budget stopped the search after ${budget.trials} trial${budget.trials === 1 ? '' : 's'}; DSR and PBO count only the trials run`,
    };
  return { test: 'complete', passed: true, detail: 'every planned trial ran' };
}

const f = (value: number | null, digits = 3) => (value === null ? 'undefined' : value.toFixed(digits));

/** Every test of the gate, passed or not; the selected version is promoted only when all pass. */
export function checkPromotionGate(evidence: GateEvidence, gate: PromotionGate): GateCheck[] {
  const checks: GateCheck[] = [
    completeness(evidence),
    {
      test: 'dsr',
      passed: evidence.dsr !== null && evidence.dsr >= gate.minDsr,
      detail: `deflated Sharpe ratio ${f(evidence.dsr)} (needs ≥ ${gate.minDsr})`,
    },
    {
      test: 'pbo',
      passed: evidence.pbo !== null && evidence.pbo < gate.maxPbo,
      detail: `probability of backtest overfitting ${f(evidence.pbo)} (needs < ${gate.maxPbo})`,
    },
    {
      test: 'out_of_sample_sharpe',
      passed: evidence.outOfSampleSharpe !== null && evidence.outOfSampleSharpe > 0,
      detail: `out-of-sample Sharpe per candle ${f(evidence.outOfSampleSharpe, 4)} (needs > 0)`,
    },
    {
      test: 'track_record',
      passed: evidence.minTrl !== null && evidence.outOfSampleCandles >= evidence.minTrl,
      detail: `holdout of ${evidence.outOfSampleCandles} candles against a minimum track record length of ${f(evidence.minTrl, 1)}`,
    },
  ];
  if (evidence.active)
    checks.push({
      test: 'beats_active',
      passed:
        evidence.active.isSelected ||
        (evidence.outOfSampleSharpe !== null && evidence.outOfSampleSharpe > evidence.active.sharpe),
      detail: evidence.active.isSelected
        ? `the selected version ${evidence.active.version} is the active one`
        : `out-of-sample Sharpe ${f(evidence.outOfSampleSharpe, 4)} against ${f(evidence.active.sharpe, 4)} of active ${evidence.active.version} on the same holdout`,
    });
  return checks;
}
