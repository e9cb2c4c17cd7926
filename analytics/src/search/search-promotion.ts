import { recordActivation } from '../registry/strategy-registry.ts';
import type { OverfittingEstimate } from '../statistics/backtest-overfitting.ts';
import { checkPromotionGate, type GateEvidence } from './promotion-gate.ts';
import type { GateCheck, PeriodStats, SearchRunResult } from './search-result.ts';
import type { FinishedTrial, SearchRunContext } from './search-run-context.ts';
import type { TrialRanking } from './trial-ranking.ts';

/** What the gate judges: the selection, its PBO, its holdout result and the active version's. */
export interface SelectionEvidence {
  ranking: TrialRanking;
  winner: FinishedTrial | undefined;
  trials: number;
  pbo: OverfittingEstimate | null;
  winnerOos: PeriodStats | null;
  active: SearchRunResult['active'];
  interrupted: boolean;
  llmBudget: GateEvidence['llmBudget'];
}

export interface PromotionVerdict {
  gate: GateCheck[];
  promoted: string | null;
  reasons: string[];
}

function gateChecks(run: SearchRunContext, e: SelectionEvidence): GateCheck[] {
  const { ranking, active, winner } = e;
  return checkPromotionGate(
    {
      dsr: ranking.selected === undefined ? null : ranking.dsrs[ranking.selected]!,
      pbo: e.pbo?.pbo ?? null,
      outOfSampleSharpe: e.winnerOos?.sharpe ?? null,
      outOfSampleCandles: run.split.grid.length - run.split.cut,
      minTrl: ranking.minTrl,
      active: active
        ? {
            version: active.version,
            sharpe: active.out_of_sample.sharpe,
            isSelected: active.version === winner?.version,
          }
        : undefined,
      interrupted: e.interrupted,
      llmBudget: e.llmBudget,
    },
    run.options.gate,
  );
}

/** Promotes the winner through the registry with the search evidence in the audit trail; the reason it gives. */
async function promoteWinner(
  run: SearchRunContext,
  e: SelectionEvidence,
  winner: FinishedTrial,
): Promise<string | null> {
  const index = e.ranking.selected!;
  const evidence = {
    kind: 'search',
    run: run.runId,
    trials: e.trials,
    dsr: e.ranking.dsrs[index],
    psr: e.ranking.psrs[index],
    pbo: e.pbo?.pbo,
    out_of_sample_sharpe: e.winnerOos?.sharpe,
    out_of_sample_candles: e.winnerOos?.candles,
    min_trl: e.ranking.minTrl,
    active: e.active ? { version: e.active.version, out_of_sample_sharpe: e.active.out_of_sample.sharpe } : null,
  };
  const entry = await recordActivation(
    run.storage,
    {
      strategyName: run.bot.strategy.name,
      version: winner.version,
      actor: run.options.actor,
      reason: `search evidence ${JSON.stringify(evidence)}`,
    },
    'promote',
  );
  return entry ? winner.version : null;
}

/** Runs the gate; promotes the winner only when every test passes and promotion was asked for. */
export async function decidePromotion(run: SearchRunContext, e: SelectionEvidence): Promise<PromotionVerdict> {
  const gate = gateChecks(run, e);
  const failed = gate.filter((c) => !c.passed);
  const reasons = failed.map((c) => `${c.test} failed: ${c.detail}`);
  const { winner } = e;
  if (!winner || failed.length > 0) return { gate, promoted: null, reasons };
  if (!run.options.promote) {
    reasons.push(`every test passed; ${winner.version} not promoted (promotion not asked for)`);
    return { gate, promoted: null, reasons };
  }
  const promoted = await promoteWinner(run, e, winner);
  reasons.push(
    promoted
      ? `every test passed: promoted ${winner.version}`
      : `every test passed; ${winner.version} is already the active version`,
  );
  return { gate, promoted, reasons };
}
