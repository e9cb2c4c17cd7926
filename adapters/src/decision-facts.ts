import type { RewardMatch } from './triplet.ts';
import type { RewardComponent } from './reward/primary-reward-rule.ts';

/**
 * What an extraction engine finds for one decision, before any policy (primary rule, reward functions, episodes)
 * is applied. Both engines — SQL in ClickHouse and TypeScript over span trees — produce exactly this, and one
 * assembler turns it into the triplet, so they cannot disagree on policy.
 */
export interface DecisionFacts {
  decisionId: string;
  traceId: string;
  spanId: string;
  startNs: bigint;
  serviceName: string;
  botId: string;
  attributes: Readonly<Record<string, string>>;
  /** The decide span's status: `Error` when the decide function failed. */
  statusCode: string;
  statusMessage: string;
  /** Config text of the decision's strategy version in the registry; '' when unregistered. */
  strategyConfig: string;
  llmCalls: LlmCallFacts[];
  /** Latest value per component name, at the most explicit match level found. */
  rewardComponents: RewardComponent[];
  rewardMatch: RewardMatch;
  rewardCount: number;
  orders: number;
  filledAmount: number;
  /** Realized figures; null when no position close names the decision. */
  realizedPnl: number | null;
  realizedReturn: number | null;
  /** Smallest position id among the decision's orders and position closes; '' when none. */
  positionId: string;
  priceAtHorizon: number | null;
}

export interface LlmCallFacts {
  spanId: string;
  startNs: bigint;
  attributes: Readonly<Record<string, string>>;
}

/** Decision id of a decide span: `trading.decision.id`, else its span id (plain OTel bots name none). */
export function decisionIdOf(attributes: Readonly<Record<string, string>>, spanId: string): string {
  return attributes['trading.decision.id'] || spanId;
}

/** How many parents an ownership walk follows before giving up (bounds cycles in corrupt data). */
export const MAX_ANCESTOR_DEPTH = 64;
