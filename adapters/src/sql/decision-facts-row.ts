import type { DecisionFacts } from '../decision-facts.ts';
import type { RewardMatch } from '../triplet.ts';
import { LLM_KEYS } from './decision-facts-ctes.ts';
import type { DecisionFactsRow } from './decision-facts-query.ts';

const MATCH_BY_RANK: readonly RewardMatch[] = ['decision_id', 'link', 'ancestor', 'time'];

/** One row of the SQL engine as the engine-neutral facts. */
export function decisionFactsFromRow(row: DecisionFactsRow): DecisionFacts {
  const hasReward = Number(row.has_reward) === 1;
  const hasPosition = Number(row.has_position) === 1;
  return {
    decisionId: row.decision_id,
    traceId: row.trace_id,
    spanId: row.span_id,
    startNs: BigInt(row.start_ns),
    serviceName: row.service_name,
    botId: row.bot_id,
    attributes: row.attributes,
    statusCode: row.status_code,
    statusMessage: row.status_message,
    strategyConfig: row.strategy_config ?? '',
    llmCalls: (row.llm_calls ?? []).map(([spanId, startNs, ...values]) => ({
      spanId: spanId!,
      startNs: BigInt(startNs!),
      attributes: Object.fromEntries(LLM_KEYS.map((key, i) => [key, values[i] ?? '']).filter(([, v]) => v !== '')),
    })),
    rewardComponents: hasReward
      ? row.reward_components.map(([name, value, kind, observedNs, unit, primary]) => ({
          name,
          value,
          kind,
          unit,
          primary: Boolean(primary),
          observedNs: BigInt(observedNs),
        }))
      : [],
    rewardMatch: hasReward ? (MATCH_BY_RANK[Number(row.reward_rank)] ?? 'none') : 'none',
    rewardCount: hasReward ? Number(row.reward_count) : 0,
    orders: Number(row.orders ?? 0),
    filledAmount: row.filled_amount ?? 0,
    realizedPnl: hasPosition ? row.realized_pnl : null,
    realizedReturn: hasPosition ? row.realized_return : null,
    positionId: row.position_id ?? '',
    priceAtHorizon: row.price_at_horizon ?? null,
  };
}
