import type { Storage } from '@tradetrace/storage';
import { z } from 'zod';
import { parseInput } from '../analytics-error.ts';
import { getActiveVersion, rollbackVersion } from '../registry/strategy-registry.ts';
import type { AuditEntry } from '../registry/strategy-version-record.ts';
import { probabilisticSharpeRatio } from '../statistics/sharpe-inference.ts';
import { sharpeEstimate } from '../version-stats/compute-version-stats.ts';
import { readTradeSeries } from '../version-stats/trading-table-queries.ts';

/** Automatic rollback: off unless `enabled`; acts only when the evidence is strong, and says why. */
export const AutoRollbackRuleSchema = z.object({
  enabled: z.boolean().default(false),
  strategyName: z.string().min(1),
  /** Per-trade Sharpe the active version must stay above. Default 0. */
  floorSharpe: z.number().default(0),
  /** Rolling window: the active version's last N closed trades. Default 50. */
  window: z.number().int().min(5).default(50),
  /** Probability that the true Sharpe is below the floor before acting. Default 0.95. */
  confidence: z.number().gt(0.5).lt(1).default(0.95),
  actor: z.string().min(1).default('auto-rollback'),
});
export type AutoRollbackRule = z.input<typeof AutoRollbackRuleSchema>;

export interface AutoRollbackDecision {
  rolledBack: boolean;
  reason: string;
  entry: AuditEntry | null;
}

/**
 * Checks the active version's rolling window: when P(true Sharpe < floor) = 1 − PSR(floor) reaches `confidence`,
 * re-activates the previous version with the figures as the reason.
 */
export async function applyAutoRollbackRule(storage: Storage, rule: AutoRollbackRule): Promise<AutoRollbackDecision> {
  const parsed = parseInput(AutoRollbackRuleSchema, rule, 'auto-rollback rule');
  if (!parsed.enabled) return { rolledBack: false, reason: 'rule disabled', entry: null };
  const active = await getActiveVersion(storage, parsed.strategyName);
  if (!active) return { rolledBack: false, reason: 'no active version', entry: null };
  const [series] = await readTradeSeries(storage, {
    strategyName: parsed.strategyName,
    versions: [active.version],
    since: active.activatedBy.at,
  });
  const recent = (series?.returns ?? []).slice(-parsed.window);
  if (recent.length < parsed.window) {
    return {
      rolledBack: false,
      reason: `${recent.length} trades since activation, ${parsed.window} needed`,
      entry: null,
    };
  }
  const estimate = sharpeEstimate(recent);
  const belowFloor = 1 - probabilisticSharpeRatio(estimate, parsed.floorSharpe);
  if (!(belowFloor >= parsed.confidence)) {
    return {
      rolledBack: false,
      reason: `P(Sharpe < ${parsed.floorSharpe}) = ${belowFloor.toFixed(3)} over the last ${recent.length} trades, below ${parsed.confidence}`,
      entry: null,
    };
  }
  const reason = `automatic rollback: Sharpe ${estimate.sharpe.toFixed(3)} over the last ${recent.length} trades of ${active.version}; P(Sharpe < ${parsed.floorSharpe}) = ${belowFloor.toFixed(3)} ≥ ${parsed.confidence}`;
  const entry = await rollbackVersion(storage, { strategyName: parsed.strategyName, actor: parsed.actor, reason });
  return { rolledBack: true, reason, entry };
}
